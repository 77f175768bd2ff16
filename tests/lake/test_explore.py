"""Search, keyword in context, the collocation and timeline SQL, and the HTML report, over small
hand-made tables in the lake's schemas (in-memory DuckDB wrapped as a lake writer, no model)."""

import re
from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path

import duckdb
import pyarrow as pa
import pytest

from pipeline.explore import ExploreError
from pipeline.explore.kwic import format_kwic, kwic
from pipeline.explore.report import ReportError, build_report, read_data, render_html
from pipeline.explore.search import search
from pipeline.lake import Lake, LakeWriter
from pipeline.lake.aggregates import rebuild
from pipeline.schema import BASE_TABLES, REUSE_CLUSTERS, TEXT_REUSE

FIRST_SEEN = datetime(2024, 3, 5, 23, 30, tzinfo=UTC)
STOP = {"the", "a", "an", "of", "in", "on", "and", "was", "were", "to", "at", "by", "near", "had"}
# word -> (lemma, POS); anything else is a NOUN with itself as lemma
WORDS = {
    "attacked": ("attack", "VERB"),
    "attacks": ("attack", "NOUN"),
    "attack": ("attack", "NOUN"),
    "depots": ("depot", "NOUN"),
    "burned": ("burn", "VERB"),
    "said": ("say", "VERB"),
    "Brest": ("Brest", "PROPN"),
    "Belarus": ("Belarus", "PROPN"),
    "Minsk": ("Minsk", "PROPN"),
    "big": ("big", "ADJ"),
}
DOCS = {
    "a.txt": (
        "Oil depot fire",
        date(2022, 2, 27),
        "Fire at the oil depot near Brest. The depot burned all night. "
        "Troops attacked the depot in Belarus.",
    ),
    "b.txt": (
        "Oil prices",
        None,
        "Oil prices rose in Europe. Traders said oil was dear. The oil market was calm.",
    ),
    "c.txt": (
        "Minsk talks",
        date(2022, 3, 1),
        "Talks in Minsk. Belarus hosted the talks. Attacks on depots were said to continue. "
        "BELARUS denied an attack.",
    ),
}


def _tokens(doc_id: str, text: str) -> list[dict]:
    """One token per word or punctuation mark; a sentence ends at each full stop."""
    rows, sent = [], 0
    for i, match in enumerate(re.finditer(r"\w+|[^\w\s]", text)):
        word = match.group()
        lemma, pos = WORDS.get(word, WORDS.get(word.lower(), (word.lower(), "NOUN")))
        punct = not word[0].isalnum()
        pos = "PUNCT" if punct else "DET" if word.lower() in STOP else pos
        if word.isdigit():
            pos = "NUM"
        rows.append(
            {"doc_id": doc_id, "sent_idx": sent, "tok_idx": i, "text": word, "lemma": lemma,
             "pos": pos, "tag": "", "dep": "", "head_idx": i, "ent_type": "",
             "is_stop": word.lower() in STOP, "is_punct": punct, "start_char": match.start()}
        )  # fmt: skip
        sent += word == "."
    return rows


def _entities(doc_id: str, text: str) -> list[dict]:
    return [
        {"doc_id": doc_id, "sent_idx": 0, "text": m.group(), "label": "GPE",
         "start_char": m.start(), "end_char": m.end(), "norm": m.group().title(),
         "canonical": m.group().title(), "alias_candidate": False}
        for m in re.finditer(r"Brest|Belarus|BELARUS|Minsk", text)
    ]  # fmt: skip


def _insert(con: duckdb.DuckDBPyConnection, name: str, rows: list[dict]) -> None:
    table = pa.Table.from_pylist(rows, schema=BASE_TABLES[name])
    con.register("rows", table)
    con.execute(f"INSERT INTO {name} SELECT * FROM rows")
    con.unregister("rows")


def add_document(con, doc_id: str, title: str, day: date | None, text: str) -> None:
    document = {
        "doc_id": doc_id, "path": doc_id, "shard": 0, "content_sha256": str(hash(text)),
        "n_bytes": len(text), "format": "txt", "encoding": "utf-8", "title": title,
        "published_date": day, "source_url": None, "language": "en", "n_chars_raw": len(text),
        "n_chars_clean": len(text), "text": text, "status": "ok", "reject_reason": None,
    }  # fmt: skip
    state = {
        "doc_id": doc_id, "shard": 0, "n_bytes": len(text), "mtime_ns": 0,
        "content_sha256": str(hash(text)), "status": "ok", "code_version": "test",
        "first_seen": FIRST_SEEN, "processed_at": FIRST_SEEN,
    }  # fmt: skip
    _insert(con, "documents", [document])
    _insert(con, "files", [state])
    _insert(con, "tokens", _tokens(doc_id, text))
    _insert(con, "entities", _entities(doc_id, text))


@pytest.fixture
def data(tmp_path: Path) -> Path:
    return tmp_path / "data"


@pytest.fixture
def con(data: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    """A lake in a temporary folder with the three documents, their aggregates rebuilt."""
    with Lake(data).writer() as writer:
        with writer.transaction():  # one commit: a lake's commits are its slow part here
            _fill(writer.con)
        rebuild(writer)
        yield writer.con


def _fill(con: duckdb.DuckDBPyConnection) -> None:
    for doc_id, (title, day, text) in DOCS.items():
        add_document(con, doc_id, title, day, text)
    _insert(con, "removed_lines", [
        {"doc_id": "a.txt", "line_no": 1, "text": "Read more: x", "rule": "read_more"},
        {"doc_id": "b.txt", "line_no": 4, "text": "Read more: y", "rule": "read_more"},
        {"doc_id": "b.txt", "line_no": 9, "text": "Photo: z", "rule": "photo_caption"},
    ])  # fmt: skip


def aggregate(con: duckdb.DuckDBPyConnection, name: str) -> list[tuple]:
    """An aggregate table or view, its totals rebuilt from the per-document tables."""
    rebuild(LakeWriter(con))
    return con.execute(f"SELECT * FROM {name}").fetchall()


# --- search ----------------------------------------------------------------------------------


def test_search_ranks_the_document_with_every_term_first(con, data: Path):
    hits = search(LakeWriter(con), "oil depot Brest", data_dir=data)
    assert hits[0].doc_id == "a.txt"
    assert [h.rank for h in hits] == [1, 2, 3] and hits[0].score > hits[1].score >= hits[2].score
    assert hits[0].title == "Oil depot fire" and hits[0].published_date == date(2022, 2, 27)
    assert "[oil] [depot] near [Brest]" in hits[0].snippet
    assert {h.doc_id for h in hits} == {"a.txt", "b.txt", "c.txt"}  # c.txt: "depots"


def test_search_stems_and_marks_inflected_forms(con, data: Path):
    hits = search(LakeWriter(con), "depot attack", data_dir=data)
    by_id = {h.doc_id: h for h in hits}
    assert set(by_id) == {"a.txt", "c.txt"}
    assert "[Attacks]" in by_id["c.txt"].snippet and "[depots]" in by_id["c.txt"].snippet


def test_search_index_is_updated_only_for_what_changed(con, data: Path):
    versions = data / "search" / "versions.parquet"
    search(LakeWriter(con), "oil", data_dir=data)
    synced = versions.stat().st_mtime_ns
    search(LakeWriter(con), "talks", data_dir=data)
    assert versions.stat().st_mtime_ns == synced  # the same snapshot: nothing to do
    add_document(con, "d.txt", "Grain", None, "Grain exports from Odesa resumed.")
    con.execute("DELETE FROM documents WHERE doc_id = 'b.txt'")
    assert [h.doc_id for h in search(LakeWriter(con), "Odesa grain", data_dir=data)] == ["d.txt"]
    assert "b.txt" not in {h.doc_id for h in search(LakeWriter(con), "oil", data_dir=data)}
    assert versions.stat().st_mtime_ns != synced


def test_search_refuses_bad_input(con, data: Path):
    with pytest.raises(ExploreError, match="empty"):
        search(LakeWriter(con), "   ", data_dir=data)
    with pytest.raises(ExploreError, match="stop words"):
        search(LakeWriter(con), "the and of", data_dir=data)
    with pytest.raises(ExploreError, match="limit"):
        search(LakeWriter(con), "oil", data_dir=data, limit=0)
    assert search(LakeWriter(con), "zeppelin", data_dir=data) == []
    con.execute("DELETE FROM documents")
    with pytest.raises(ExploreError, match="no documents"):
        search(LakeWriter(con), "oil", data_dir=data)


# --- keyword in context ----------------------------------------------------------------------


def test_kwic_is_case_insensitive_and_aligned(con, data: Path):
    result = kwic(LakeWriter(con), "belarus", window=3, data_dir=data)
    assert result.total == 3
    assert [(x.doc_id, x.keyword) for x in result.lines] == [
        ("a.txt", "Belarus"), ("c.txt", "Belarus"), ("c.txt", "BELARUS")
    ]  # fmt: skip
    first = result.lines[0]
    assert (first.left, first.right) == ("the depot in ", ".")
    assert (result.lines[1].left, result.lines[1].right) == ("in Minsk. ", " hosted the talks")
    lines = format_kwic(result.lines, width=30)
    column = lines[0].lower().index("belarus")
    assert all(line[column : column + 7].lower() == "belarus" for line in lines)
    assert all(line[: line.index(" ")] in {"a.txt", "c.txt"} for line in lines)


def test_kwic_window_and_limit(con, data: Path):
    result = kwic(LakeWriter(con), "depot", window=1, limit=1, data_dir=data)
    assert result.total == 3 and len(result.lines) == 1
    assert (result.lines[0].left, result.lines[0].right) == ("oil ", " near")


def test_kwic_lemma_matches_every_form(con, data: Path):
    exact = kwic(LakeWriter(con), "attack", data_dir=data)
    assert [x.keyword for x in exact.lines] == ["attack"]
    forms = kwic(LakeWriter(con), "attack", lemma=True, data_dir=data)
    assert sorted(x.keyword for x in forms.lines) == ["Attacks", "attack", "attacked"]
    # an inflected form finds its lemma's other forms too
    assert forms.lines == kwic(LakeWriter(con), "ATTACKED", lemma=True, data_dir=data).lines


def test_kwic_refuses_bad_input(con, data: Path):
    for word, message in (("", "empty"), ("oil depot", "one word")):
        with pytest.raises(ExploreError, match=message):
            kwic(LakeWriter(con), word, data_dir=data)
    with pytest.raises(ExploreError, match="window"):
        kwic(LakeWriter(con), "oil", window=-1, data_dir=data)
    assert kwic(LakeWriter(con), "zeppelin", data_dir=data).total == 0


# --- aggregates ------------------------------------------------------------------------------


def test_collocations_are_content_words_seen_together(con):
    # make "oil" and "depot" frequent and inseparable, among stop words and numbers
    for i in range(6):
        text = (
            f"Officials said the oil depot of the 12 cities was near the big oil depot in {i} ways."
        )
        add_document(con, f"x{i}.txt", "x", None, text)
    rows = aggregate(con, "collocations")
    pairs = {(r[0], r[1]): r for r in rows}
    assert ("oil", "depot") in pairs and ("depot", "oil") in pairs
    *_, count, documents, _, _, expected, pmi, log_likelihood, _ = pairs[("oil", "depot")]
    assert count == 13 and documents == 7 and count > expected and pmi > 0 and log_likelihood > 0
    lemmas = {r[0] for r in rows} | {r[1] for r in rows}
    assert not lemmas & (STOP | {"be", "12", ".", "say"})
    assert all(r[-1] <= 10 for r in rows)


def test_entity_timeline_counts_dated_documents_only(con):
    rows = aggregate(con, "entity_timeline")
    by_key = {(r[0], r[2]): r for r in rows}
    assert by_key[("Brest", date(2022, 2, 27))][3:] == (1, 1)
    assert by_key[("Belarus", date(2022, 3, 1))][3:] == (2, 1)
    add_document(con, "u.txt", "undated", None, "Minsk again. Minsk.")
    again = aggregate(con, "entity_timeline")
    assert again == rows  # an undated document is on no day, not on the day it was seen
    add_document(con, "d.txt", "dated", date(2022, 3, 2), "Minsk again. Minsk.")
    assert ("Minsk", "GPE", date(2022, 3, 2), 2, 1) in aggregate(con, "entity_timeline")


# --- report ----------------------------------------------------------------------------------


def _report_tables(con: duckdb.DuckDBPyConnection) -> None:
    for name in ("entity_counts", "entity_timeline", "boilerplate_rules"):
        aggregate(con, name)


def test_report_is_one_offline_page_with_inline_svg(con):
    _report_tables(con)
    report = build_report(LakeWriter(con), now=datetime(2024, 3, 6, tzinfo=UTC))
    page = report.html
    assert page.startswith("<!DOCTYPE html>") and page.count("<svg") == 4
    for chart in ("documents-per-day", "top-entities", "entity-timelines", "removed-lines"):
        assert f'id="chart-{chart}"' in page
    assert not re.search(r"""(src|href)\s*=\s*["']?\s*(https?:)?//""", page, re.IGNORECASE)
    assert not re.search(r"<script[^>]+src|<link\b|<img\b|@import", page, re.IGNORECASE)
    assert not re.search(r"url\(\s*[\"']?\s*(https?:)?//", page, re.IGNORECASE)
    assert "read_more" in page and "photo_caption" in page
    assert "No text_reuse table" in page
    stamp = r"Generated 2024-03-06 00:00 UTC from snapshot \d+, code version test\."
    assert re.search(stamp, page)
    assert "1 undated document (no published date) is on no day." in page  # b.txt
    assert "the mentions in 1 undated document are on no day" in page
    assert "| Belarus | GPE | 2 | 3 |" in report.markdown
    assert "1 undated document." in report.markdown


def test_report_lists_reuse_pairs_when_the_table_exists(con):
    _report_tables(con)
    pair = {"doc_a": "a.txt", "doc_b": "c.txt", "kind": "rewrite", "similarity": 0.42,
            "share_a": 0.5, "share_b": 0.25, "n_passages": 2, "source": "a.txt",
            "source_by": "first_seen"}  # fmt: skip
    con.register("pairs", pa.Table.from_pylist([pair], schema=TEXT_REUSE))
    con.execute("CREATE TABLE text_reuse AS SELECT * FROM pairs")
    page = build_report(LakeWriter(con)).html
    assert "<td>rewrite</td>" in page and "0.420" in page and "No text_reuse" not in page
    assert "Largest stories" not in page  # no reuse_clusters table (yet)


def test_report_shows_the_largest_stories_with_their_earliest_source(con):
    _report_tables(con)
    pairs = [{"doc_a": a, "doc_b": b, "kind": "partial", "similarity": 0.9, "share_a": 0.2,
              "share_b": 0.3, "n_passages": 1, "source": None, "source_by": "tie"}
             for a, b in (("a.txt", "b.txt"), ("a.txt", "c.txt"))]  # fmt: skip
    con.register("pairs", pa.Table.from_pylist(pairs, schema=TEXT_REUSE))
    con.execute("CREATE TABLE text_reuse AS SELECT * FROM pairs")
    stories = [{"doc_id": d, "cluster_id": "a.txt"} for d in ("a.txt", "b.txt", "c.txt")]
    con.register("stories", pa.Table.from_pylist(stories, schema=REUSE_CLUSTERS))
    con.execute("CREATE TABLE reuse_clusters AS SELECT * FROM stories")
    data = read_data(LakeWriter(con))
    earliest = min((day, doc_id) for doc_id, (_, day, _) in DOCS.items() if day is not None)
    assert [(s.documents, s.pairs, s.source, s.day) for s in data.stories] == [
        (3, 2, earliest[1], earliest[0])
    ]
    page = render_html(data)
    assert "Largest stories" in page and f"<td>{earliest[1]}</td>" in page


def test_report_needs_the_aggregates(con):
    con.execute("DROP VIEW entity_counts")  # as in a lake whose first run was cut short
    with pytest.raises(ReportError, match="entity_counts"):
        build_report(LakeWriter(con))
