"""Text reuse in a temporary lake (tokenizer-only model): an incremental pass finds what a full
pass finds, copies cost no comparison, the source is who published (or was seen) first, and
stories keep their names as they grow."""

from pathlib import Path

import pytest

from pipeline.lake import Lake
from pipeline.lake.reuse import ReuseUpdate, recompare, update_reuse
from pipeline.run.engine import SyncOptions, sync
from pipeline.run.executors import InProcess
from pipeline.schema import TEXT_REUSE
from pipeline.timing import Timings
from tests.unit.test_reuse import (
    CUT,
    ELECTION,
    FLOOD,
    FLOOD_SAME_TOPIC,
    FLOOD_SPUN,
    PARTIAL_COPY,
)

SHARDS = range(16)
TABLES = {
    "text_reuse": "SELECT * FROM text_reuse ORDER BY ALL",
    "reused_passages": "SELECT * FROM reused_passages ORDER BY ALL",
    "reuse_clusters": "SELECT * FROM reuse_clusters ORDER BY ALL",
}


def _write(seeds: Path, name: str, sentences: list[str], date: str | None = None) -> None:
    path = seeds / name
    path.parent.mkdir(parents=True, exist_ok=True)
    marker = f"date {date} " if date else ""
    path.write_text(f"{marker}{name} headline\n\n" + "\n\n".join(sentences) + "\n")


def _pass(seeds: Path, data: Path, *, full: bool = False) -> ReuseUpdate:
    with Lake(data).writer() as lake:
        sync(lake, SyncOptions(seeds), SHARDS, InProcess("blank:en"), version="v1",
             timings=Timings())  # fmt: skip
        return update_reuse(lake, "r1", state=("text_reuse", "test"), full=full)


def _tables(data: Path) -> dict[str, list[tuple]]:
    with Lake(data).writer() as lake:
        return {name: lake.con.execute(query).fetchall() for name, query in TABLES.items()}


def _pairs(data: Path) -> list[tuple]:
    with Lake(data).writer() as lake:
        query = "SELECT doc_a, doc_b, kind, source, source_by FROM text_reuse ORDER BY ALL"
        return lake.con.execute(query).fetchall()


@pytest.fixture
def folder(tmp_path: Path) -> tuple[Path, Path]:
    seeds = tmp_path / "seeds"
    _write(seeds, "flood.txt", FLOOD, "2024-01-01")
    _write(seeds, "election.txt", ELECTION)
    _write(seeds, "football.txt", FLOOD_SAME_TOPIC)
    return seeds, tmp_path / "data"


def test_an_incremental_pass_finds_what_a_full_pass_finds(folder) -> None:
    seeds, data = folder
    first = _pass(seeds, data)
    assert first.full and first.compared == 3 and _pairs(data) == []
    _write(seeds, "later/cut.txt", CUT, "2024-02-01")
    _write(seeds, "later/partial.txt", PARTIAL_COPY)
    _write(seeds, "later/flood_copy.txt", FLOOD, "2024-01-01")
    _write(seeds, "later/spun.txt", FLOOD_SPUN)
    second = _pass(seeds, data)
    # four documents compared, three of them new texts: the copy holds flood's text
    assert (second.full, second.compared, second.new_texts) == (False, 4, 3)
    incremental = _tables(data)
    assert _pass(seeds, data, full=True).full
    assert _tables(data) == incremental
    # a document compared again (as the benchmark's +1 pass does) gives the same rows
    with Lake(data).writer() as lake:
        recompare(lake, ["later/spun.txt"])
    again = _pass(seeds, data)
    assert (again.compared, again.new_texts) == (1, 1)
    assert _tables(data) == incremental
    # the cut copies most words: a near duplicate; the spun one is a rewrite; partial shares
    # two sentences with the flood and most of its words with the election
    assert [row[:3] for row in _pairs(data)] == [
        ("election.txt", "later/partial.txt", "near_duplicate"),
        ("flood.txt", "later/cut.txt", "near_duplicate"),
        ("flood.txt", "later/flood_copy.txt", "exact"),
        ("flood.txt", "later/partial.txt", "partial"),
        ("flood.txt", "later/spun.txt", "rewrite"),
        ("later/cut.txt", "later/flood_copy.txt", "near_duplicate"),
        ("later/cut.txt", "later/partial.txt", "partial"),
        ("later/cut.txt", "later/spun.txt", "rewrite"),
        ("later/flood_copy.txt", "later/partial.txt", "partial"),
        ("later/flood_copy.txt", "later/spun.txt", "rewrite"),
    ]


def test_the_source_is_published_first_else_seen_first(folder) -> None:
    seeds, data = folder
    _pass(seeds, data)
    _write(seeds, "later/cut.txt", CUT, "2024-02-01")
    _write(seeds, "later/partial.txt", PARTIAL_COPY)
    _write(seeds, "later/flood_copy.txt", FLOOD, "2024-01-01")
    _pass(seeds, data)
    sources = {(a, b): (source, by) for a, b, _, source, by in _pairs(data)}
    assert sources[("flood.txt", "later/cut.txt")] == ("flood.txt", "published_date")
    # an undated copy: the file seen first; the same date: the file seen first too
    assert sources[("flood.txt", "later/partial.txt")] == ("flood.txt", "first_seen")
    assert sources[("flood.txt", "later/flood_copy.txt")] == ("flood.txt", "first_seen")
    # two files seen in the same run, one undated: a tie, and no source named
    assert sources[("later/flood_copy.txt", "later/partial.txt")] == (None, "tie")


def test_passages_point_at_the_same_words_in_both_documents(folder) -> None:
    seeds, data = folder
    _write(seeds, "later/partial.txt", PARTIAL_COPY)
    _pass(seeds, data)
    with Lake(data).writer() as lake:
        texts = dict(lake.con.execute("SELECT doc_id, text FROM documents").fetchall())
        rows = lake.con.execute(
            "SELECT doc_a, start_a, end_a, doc_b, start_b, end_b FROM reused_passages "
            "WHERE method = 'ngram' AND doc_a = 'flood.txt' ORDER BY start_a"
        ).fetchall()
    copied = [(texts[a][sa:ea], texts[b][sb:eb]) for a, sa, ea, b, sb, eb in rows]
    assert copied == [(FLOOD[3][:-1], FLOOD[3][:-1]), (FLOOD[5][:-1], FLOOD[5][:-1])]


def test_stories_grow_keep_their_name_and_lose_the_deleted(folder) -> None:
    seeds, data = folder
    _pass(seeds, data)
    _write(seeds, "later/cut.txt", CUT)
    _pass(seeds, data)
    assert _tables(data)["reuse_clusters"] == [("flood.txt", "flood.txt"),
                                               ("later/cut.txt", "flood.txt")]  # fmt: skip
    # a text linked to cut only joins the same story, under the same name
    _write(seeds, "last/partial_of_cut.txt", [CUT[1], CUT[2], "Nothing else is the same here."])
    _pass(seeds, data)
    stories = dict(_tables(data)["reuse_clusters"])
    assert stories == dict.fromkeys(["flood.txt", "later/cut.txt", "last/partial_of_cut.txt"],
                                    "flood.txt")  # fmt: skip
    # the story's first member goes: the story is named after its earliest member left
    (seeds / "flood.txt").unlink()
    update = _pass(seeds, data)
    assert (update.compared, update.removed) == (0, 1)
    assert dict(_tables(data)["reuse_clusters"]) == dict.fromkeys(
        ["later/cut.txt", "last/partial_of_cut.txt"], "later/cut.txt"
    )
    assert all("flood.txt" not in row[:2] for row in _pairs(data))


def test_a_changed_document_loses_its_old_pairs(folder) -> None:
    seeds, data = folder
    _write(seeds, "later/cut.txt", CUT)
    _pass(seeds, data)
    assert [row[:3] for row in _pairs(data)] == [("flood.txt", "later/cut.txt", "near_duplicate")]
    _write(seeds, "later/cut.txt", [*ELECTION[:3], "A new ending, written by nobody else."])
    update = _pass(seeds, data)
    assert (update.compared, update.new_texts) == (1, 1)
    assert [row[:3] for row in _pairs(data)] == [("election.txt", "later/cut.txt", "rewrite")]
    with Lake(data).writer() as lake:
        orphans = lake.con.execute(
            "SELECT count(*) FROM reuse_texts WHERE text_key NOT IN "
            "(SELECT text_key FROM reuse_documents)"
        ).fetchone()[0]
    assert orphans == 0


def test_a_lake_of_the_earlier_reuse_pass_gets_the_new_tables(folder) -> None:
    seeds, data = folder
    with Lake(data).writer() as lake:
        lake.con.execute(
            "CREATE TABLE text_reuse (doc_a VARCHAR, doc_b VARCHAR, kind VARCHAR, "
            "similarity DOUBLE, share_a DOUBLE, share_b DOUBLE, n_aligned INTEGER)"
        )
        lake.con.execute("CREATE TABLE reused_sentences (doc_a VARCHAR, sent_a INTEGER)")
        lake.con.execute("CREATE TABLE reuse_signatures (doc_id VARCHAR, source VARCHAR)")
    _write(seeds, "later/cut.txt", CUT)
    assert _pass(seeds, data).full
    with Lake(data).writer() as lake:
        tables = lake.tables()
        columns = [row[0] for row in lake.con.execute("DESCRIBE text_reuse").fetchall()]
    assert "reused_sentences" not in tables and "reuse_signatures" not in tables
    assert columns == TEXT_REUSE.names
    assert [row[:3] for row in _pairs(data)] == [("flood.txt", "later/cut.txt", "near_duplicate")]
