"""Text reuse in the lake: a pass compares only what changed, and keeps everything else."""

import shutil
from pathlib import Path

import dagster as dg
import pytest

from pipeline.assets.reuse import REUSE_VERSION
from pipeline.cli import main
from pipeline.lake import Lake, connect
from pipeline.lake.reuse import update_reuse

SEEDS = Path(__file__).resolve().parents[2] / "seeds"
REWRITE = ("001_3ee0e3ebcacc47ad.txt", "003_f70de470215bb835.txt")
COPY = "later/000_copy.txt"


def _pairs(data: Path) -> list[tuple]:
    with connect(data) as con:
        return con.execute("SELECT * FROM text_reuse ORDER BY doc_a, doc_b").fetchall()


def _reuse_metadata() -> dict[str, object]:
    with dg.DagsterInstance.get() as instance:
        event = instance.get_latest_materialization_event(dg.AssetKey("text_reuse"))
        return {k: v.value for k, v in event.asset_materialization.metadata.items()}


def _run(seeds: Path, data: Path) -> None:
    assert main(["run", "--seeds", str(seeds), "--data", str(data)]) == 0


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("reuse")
    shutil.copytree(SEEDS, root / "seeds")
    return root


def test_a_new_copy_is_compared_alone_and_old_pairs_are_kept(folder: Path) -> None:
    seeds, data = folder / "seeds", folder / "data"
    _run(seeds, data)
    first = _pairs(data)
    assert [(a, b, kind) for a, b, kind, *_ in first] == [(*REWRITE, "rewrite")]
    assert _reuse_metadata()["full_pass"] is True

    (seeds / "later").mkdir()
    shutil.copyfile(seeds / "000_091a0a5e8adf2034.txt", seeds / COPY)
    _run(seeds, data)
    meta = _reuse_metadata()
    assert (meta["documents_compared"], meta["full_pass"]) == (1, False)
    pairs = _pairs(data)
    assert first[0] in pairs  # the rewrite pair's row is kept as it was
    assert ("000_091a0a5e8adf2034.txt", COPY, "exact") in [p[:3] for p in pairs]

    # a full pass (as after a change of reuse's code) finds the same pairs
    with Lake(data).writer() as lake:
        full = update_reuse(lake, REUSE_VERSION + "-next", state=("test", "full"))
        update_reuse(lake, REUSE_VERSION, state=("test", "back"))  # as the code is again
    assert full.full and full.compared == 4
    assert [p[:3] for p in _pairs(data)] == [p[:3] for p in pairs]


def test_a_deleted_document_takes_its_pairs_and_signature_along(folder: Path) -> None:
    seeds, data = folder / "seeds", folder / "data"
    (seeds / COPY).unlink()
    _run(seeds, data)
    meta = _reuse_metadata()
    assert (meta["documents_compared"], meta["documents_removed"]) == (0, 1)
    assert [p[:3] for p in _pairs(data)] == [(*REWRITE, "rewrite")]
    with connect(data) as con:
        signed = con.execute("SELECT doc_id FROM reuse_documents ORDER BY doc_id").fetchall()
        orphans = con.execute(
            "SELECT count(*) FROM reused_passages WHERE doc_a = ? OR doc_b = ?", [COPY, COPY]
        ).fetchone()[0]
    assert [d for (d,) in signed] == sorted(p.name for p in SEEDS.glob("*.txt"))
    assert orphans == 0


def test_backfill_all_compares_every_document_again(folder: Path) -> None:
    seeds, data = folder / "seeds", folder / "data"
    before = _pairs(data)
    assert main(["backfill", "--all", "--seeds", str(seeds), "--data", str(data)]) == 0
    meta = _reuse_metadata()
    assert (meta["full_pass"], meta["documents_compared"]) == (True, 3)
    assert [p[:3] for p in _pairs(data)] == [p[:3] for p in before]


def test_a_changed_document_gets_the_pairs_a_full_pass_finds(folder: Path) -> None:
    seeds, data = folder / "seeds", folder / "data"
    # the rewrite's second side becomes a copy of the first: its old pair goes, a new one comes
    shutil.copyfile(seeds / REWRITE[0], seeds / REWRITE[1])
    _run(seeds, data)
    meta = _reuse_metadata()
    assert (meta["documents_compared"], meta["full_pass"]) == (1, False)
    incremental = _pairs(data)
    assert [p[:3] for p in incremental] == [(*REWRITE, "exact")]
    with Lake(data).writer() as lake:
        update_reuse(lake, REUSE_VERSION + "-next", state=("test", "full"))
        orphans = lake.con.execute(
            "SELECT count(*) FROM reused_passages AS s ANTI JOIN text_reuse AS p "
            "USING (doc_a, doc_b)"
        ).fetchone()[0]
    assert [p[:3] for p in _pairs(data)] == [p[:3] for p in incremental]
    assert orphans == 0
