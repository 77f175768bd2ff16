"""Exact copies annotated once, through the engine and the lake: a copy's rows are those of
its original, in the aggregates too, whether the original is in its batch, an earlier batch or
an earlier run; and a copy whose original's text turned out different is parsed after all."""

from pathlib import Path

import pytest

from pipeline.lake import Lake
from pipeline.lake.aggregates import rebuild
from pipeline.run import copies
from tests.lake.test_engine import _rows, _sync

BODY = (
    "Officials in Kyiv said on Monday that the talks would resume after a week of fighting "
    "near the border, and that both sides had agreed to meet again in Minsk.\n\n"
    "They gave no date for the next round, but said the delegations were ready.\n"
)
ROWS = "SELECT * EXCLUDE (doc_id) FROM {table} WHERE doc_id = ? ORDER BY ALL"


def _same_rows(data: Path, copy: str, original: str) -> None:
    for table in ("sentences", "tokens", "entities"):
        query = ROWS.format(table=table)
        rows = _rows(data, query.replace("?", f"'{copy}'"))
        assert rows == _rows(data, query.replace("?", f"'{original}'")), table
        assert rows or table == "entities", table


def test_copies_take_their_original_rows_in_a_batch_across_batches_and_runs(tmp_path: Path):
    seeds, data = tmp_path / "seeds", tmp_path / "data"
    seeds.mkdir()
    (seeds / "a.txt").write_text("Talks\n\n" + BODY)
    (seeds / "b.txt").write_text("Talks\n\n" + BODY)
    (seeds / "c.txt").write_text("Other talks\n\n" + BODY.replace("Monday", "Friday"))
    (seeds / "d.txt").write_text("Talks\n\n" + BODY)
    first = _sync(seeds, data, batch_docs=2)  # a, b | c, d: d's original is in the first batch
    assert (first.files_processed, first.files_copied) == (4, 2)
    with Lake(data).writer() as lake:
        rebuild(lake)  # from here on the commits keep the aggregates by difference
    (seeds / "e.txt").write_text("Talks\n\n" + BODY)
    later = _sync(seeds, data)
    assert (later.files_processed, later.files_copied) == (1, 1)
    for copy in ("b.txt", "d.txt", "e.txt"):
        _same_rows(data, copy, "a.txt")
    stats = ROWS.format(table="doc_stats")
    assert _rows(data, stats.replace("?", "'e.txt'")) == _rows(data, stats.replace("?", "'a.txt'"))
    assert _rows(data, "SELECT documents FROM word_counts WHERE word = 'monday'") == [(4,)]
    documents = "SELECT count(*) FROM tokens WHERE doc_id IN ('a.txt', 'e.txt')"
    assert _rows(data, documents)[0][0] == 2 * _rows(data, documents.replace("'e.txt'", "''"))[0][0]


def test_a_copy_whose_original_has_another_text_is_parsed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    seeds, data = tmp_path / "seeds", tmp_path / "data"
    seeds.mkdir()
    (seeds / "a.txt").write_text("Talks\n\n" + BODY)
    _sync(seeds, data)
    (seeds / "b.txt").write_text("Talks\n\n" + BODY)
    # as if b.txt were cleaned to another text than a.txt's (common lines moved, say)
    monkeypatch.setattr(copies, "text_digest", lambda text: "not the original's")
    report = _sync(seeds, data)
    assert (report.files_processed, report.files_copied) == (1, 0)
    _same_rows(data, "b.txt", "a.txt")  # parsed, so the same rows all the same
    assert _rows(data, "SELECT count(*) FROM files WHERE doc_id = 'b.txt'") == [(1,)]
