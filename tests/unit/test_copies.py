"""Exact copies annotated once: which files are planned as copies, how a batch shares its
parses, and how rows are repeated under a copy's id."""

from pathlib import Path

import pyarrow as pa

from pipeline.run.copies import copy_hints, file_digests, repeat_rows, share, text_digest
from pipeline.stages.document import prepare
from tests.unit.test_ingest import item_for

BODY = (
    "Officials in Kyiv said on Monday that the talks would resume after a week of fighting "
    "near the border, and that both sides had agreed to meet again in Minsk.\n\n"
    "They gave no date for the next round, but said the delegations were ready.\n"
)


def _write(folder: Path, name: str, text: str) -> Path:
    folder.mkdir(exist_ok=True)
    path = folder / name
    path.write_text(text)
    return path


def test_a_copy_points_at_the_lake_first_then_at_the_first_file_of_the_run(tmp_path: Path):
    paths = [
        _write(tmp_path, "a.txt", "Talks\n\n" + BODY),
        _write(tmp_path, "b.txt", "Talks\n\n" + BODY),
        _write(tmp_path, "c.html", "Talks\n\n" + BODY),  # same bytes, another format
        _write(tmp_path, "d.html", "Talks\n\n" + BODY),
        _write(tmp_path, "e.txt", "Other\n\n" + BODY),
    ]
    items = [item_for(p) for p in paths]
    digests = file_digests(items, 1_000_000)
    assert digests["a.txt"] == digests["c.html"] != digests["e.txt"]
    assert copy_hints(items, digests, []) == {"b.txt": "a.txt", "d.html": "c.html"}
    in_lake = [("old/a.txt", digests["a.txt"]), ("older/a.txt", digests["a.txt"])]
    assert copy_hints(items, digests, in_lake) == {
        "a.txt": "old/a.txt",
        "b.txt": "old/a.txt",
        "d.html": "c.html",
    }


def test_a_batch_parses_each_text_once_and_sends_back_copies_of_documents_outside_it(
    tmp_path: Path,
):
    folder = tmp_path / "seeds"
    names = {
        "a.txt": BODY,
        "b.txt": BODY,
        "c.txt": BODY.replace("week", "month"),
        "d.txt": BODY.replace("Monday", "Friday"),
    }
    work = [
        prepare(item_for(_write(folder, n, "Talks\n\n" + t)), max_bytes=10**6)
        for n, t in names.items()
    ]
    # b.txt is planned as a copy of a.txt, c.txt as one of a document of the lake (text checked
    # at the commit); d.txt as one of a.txt, but its text differs: it is parsed
    shared = share(work, {"b.txt": "a.txt", "c.txt": "old.txt", "d.txt": "a.txt"})
    assert [doc_id for doc_id, _ in shared.texts] == ["a.txt", "d.txt"]
    assert shared.local == {"b.txt": "a.txt"}
    text = str(work[2].document["text"])
    assert shared.elsewhere.to_pylist() == [
        {"doc_id": "c.txt", "original": "old.txt", "text_sha256": text_digest(text)}
    ]


def test_equal_texts_share_a_parse_without_a_hint(tmp_path: Path):
    folder = tmp_path / "seeds"
    work = [
        prepare(item_for(_write(folder, name, title + "\n\n" + BODY)), max_bytes=10**6)
        for name, title in (("a.txt", "Talks resume"), ("b.txt", "Talks resume\n"))
    ]
    assert work[0].document["text"] == work[1].document["text"]
    shared = share(work, {})
    assert len(shared.texts) == 1 and shared.local == {"b.txt": "a.txt"}


def test_rows_are_repeated_under_each_copy():
    table = pa.table({"doc_id": ["a", "a", "x"], "sent_idx": [0, 1, 0]})
    repeated = repeat_rows(table, {"b": "a", "c": "a"})
    assert sorted(repeated.to_pylist(), key=lambda r: (r["doc_id"], r["sent_idx"])) == [
        {"doc_id": d, "sent_idx": i} for d in "abc" for i in (0, 1)
    ] + [{"doc_id": "x", "sent_idx": 0}]
    assert repeated.schema == table.schema
    assert repeat_rows(table, {}) is table


def test_the_text_digest_is_duckdbs_sha256():
    import duckdb  # only to hold the two digests to each other

    text = "Kyiv — Київ, 26 Feb 2022"
    assert duckdb.sql("SELECT sha256(?)", params=[text]).fetchone()[0] == text_digest(text)
