"""Corpus-level boilerplate inside the run: a short line held by many unrelated documents is
removed from every document, old and new, in the run that made it common, whatever order the
files came in."""

from pathlib import Path

from pipeline.lake import Lake
from pipeline.run.engine import SyncReport, sync
from pipeline.run.executors import InProcess
from pipeline.run.plan import SyncOptions
from pipeline.timing import Timings

SHARDS = range(16)
FOOTER = "Example Daily News is published by Example Media Group Ltd."
STORIES = [
    (
        "Council approves budget",
        "The council approved the new budget on Tuesday after a long debate in the chamber.",
        "Opposition members said the plan would raise local taxes for most families in town.",
    ),
    (
        "Bridge reopens after repairs",
        "The old river bridge reopened to traffic on Monday after eight months of repairs.",
        "Engineers replaced the deck and strengthened the piers against spring flooding.",
    ),
    (
        "School wins science prize",
        "Pupils from the village school won the regional science prize for their water study.",
        "Their teacher said the project had taken the whole class most of the school year.",
    ),
    (
        "Storm closes harbour",
        "The harbour was closed to small boats on Friday as a storm moved along the coast.",
        "Fishermen said they expected to lose three days of work before the winds eased.",
    ),
]


def _write(seeds: Path, n: int) -> None:
    title, first, second = STORIES[n]
    (seeds / f"{n}.txt").write_text(f"{title}\n\n{first}\n\n{second}\n\n{FOOTER}\n")


def _sync(seeds: Path, data: Path) -> SyncReport:
    with Lake(data).writer() as lake:
        options = SyncOptions(seeds, batch_docs=1)
        return sync(lake, options, SHARDS, InProcess("blank:en"), version="v1", timings=Timings())


def _rows(data: Path, query: str, params: list | None = None) -> list[tuple]:
    with Lake(data).writer() as lake:
        return lake.con.execute(query, params).fetchall()


def _state(data: Path) -> dict[str, list[tuple]]:
    """What cleaning left, per table, without the columns that say when."""
    return {
        "documents": _rows(data, "SELECT doc_id, status, text FROM documents ORDER BY doc_id"),
        "removed": _rows(data, "SELECT * FROM removed_lines ORDER BY doc_id, line_no, rule"),
        "counts": _rows(data, "SELECT * FROM line_counts ORDER BY key"),
        "common": _rows(data, "SELECT * FROM common_lines ORDER BY key"),
        "tokens": _rows(data, "SELECT doc_id, count(*) FROM tokens GROUP BY 1 ORDER BY 1"),
    }


def test_a_footer_that_becomes_common_leaves_every_document_in_one_run(tmp_path: Path) -> None:
    seeds, data = tmp_path / "seeds", tmp_path / "data"
    seeds.mkdir()
    for n in range(2):
        _write(seeds, n)
    first = _sync(seeds, data)
    assert first.files_recleaned == 0  # in two documents the footer is not yet boilerplate
    texts = _rows(data, "SELECT text FROM documents")
    assert all(FOOTER in text for (text,) in texts)

    _write(seeds, 2)  # the third document holding it: now the footer is common
    third = _sync(seeds, data)
    # the new one was cleaned before its counts were in: all three holders are cleaned again
    assert third.files_new == 1 and third.files_recleaned == 3
    for doc_id, status, text in _rows(data, "SELECT doc_id, status, text FROM documents"):
        assert status == "ok" and FOOTER not in text, doc_id
        assert STORIES[int(doc_id[0])][1] in text  # the body stays
    removed = _rows(
        data, "SELECT doc_id, rule FROM removed_lines WHERE text = ? ORDER BY doc_id", [FOOTER]
    )
    assert removed == [("0.txt", "common_line"), ("1.txt", "common_line"), ("2.txt", "common_line")]
    reasons = dict(_rows(data, "SELECT doc_id, reason FROM files"))
    assert reasons == dict.fromkeys(("0.txt", "1.txt", "2.txt"), "common_lines")
    # the tokens follow the text they were made from: no footer token left anywhere
    assert _rows(data, "SELECT count(*) FROM tokens WHERE text = 'Ltd'") == [(0,)]

    again = _sync(seeds, data)  # nothing moved: nothing is cleaned again
    assert (again.files_processed, again.files_recleaned) == (0, 0)

    (seeds / "2.txt").unlink()  # back to two holders: the footer is body again
    back = _sync(seeds, data)
    assert back.files_deleted == 1 and back.files_recleaned == 2
    assert all(FOOTER in text for (text,) in _rows(data, "SELECT text FROM documents"))


def test_copies_of_one_story_do_not_make_its_lines_common(tmp_path: Path) -> None:
    seeds, data = tmp_path / "seeds", tmp_path / "data"
    seeds.mkdir()
    _write(seeds, 0)
    for copy in ("copy-a", "copy-b", "copy-c"):
        (seeds / f"{copy}.txt").write_text((seeds / "0.txt").read_text())
    assert _sync(seeds, data).files_recleaned == 0
    assert _rows(data, "SELECT count(*) FROM common_lines") == [(0,)]
    texts = _rows(data, "SELECT text FROM documents")
    assert len(texts) == 4 and all(FOOTER in text for (text,) in texts)


def test_the_result_does_not_depend_on_the_order_files_arrive_in(tmp_path: Path) -> None:
    states = []
    for order in ([0, 1, 2, 3], [3, 2], [1, 3, 0, 2]):
        seeds, data = tmp_path / f"seeds{len(states)}", tmp_path / f"data{len(states)}"
        seeds.mkdir()
        for n in order:  # one run per arrival
            _write(seeds, n)
            _sync(seeds, data)
        for n in range(4):  # the rest at once
            if not (seeds / f"{n}.txt").exists():
                _write(seeds, n)
        _sync(seeds, data)
        states.append(_state(data))
    assert states[0] == states[1] == states[2]
    assert len(states[0]["common"]) == 1  # the footer's key
    assert all(FOOTER not in text for *_, text in states[0]["documents"])
