"""The NLP step on a two-node Ray cluster writes the same tables as a local run, also when an
actor is killed mid-run; and the local path never imports Ray."""

import subprocess
import sys
import time
from pathlib import Path

import duckdb
import psutil
import pytest

from bench.ray_bench import LocalRayCluster, RayNode
from pipeline.cli import main
from pipeline.lake import connect
from pipeline.run import engine as sync_module
from pipeline.run.batches import BatchSpec
from pipeline.run.supervised import WorkerStartError
from pipeline.timing import Timings
from tests.lake.test_poison import DIED, N_GOOD, POISON, corpus_run, make_seeds
from tests.pipeline.test_crash import assert_consistent
from tests.poison import PoisonModel
from tests.unit.test_ingest import item_for

pytest.importorskip("ray", reason="the Ray extra is not installed (pip install .[ray])")
pytestmark = [pytest.mark.ray, pytest.mark.slow]
ACTOR_PREFIX = "ray::Annotator"  # Ray names an actor's process after its class
# A batch's id includes its run's id; a pair's source and a story's name may be decided by
# when each file was first seen, which is when its batch was processed in that run; the
# checks' bookmark is the time the last file was processed.
PER_RUN = {
    ("batches", "batch_id"),
    ("derived_state", "fingerprint"),
    ("text_reuse", "source"),
    ("text_reuse", "source_by"),
    ("reuse_clusters", "cluster_id"),
}


def _columns(con: duckdb.DuckDBPyConnection, table: str) -> str:
    """Every column but timestamps and run ids (they differ between runs by design); doubles
    rounded, since an aggregate's float sum may depend on the order rows were committed in."""
    picked = []
    for name, kind, *_ in con.execute(f"DESCRIBE {table}").fetchall():
        if "TIMESTAMP" in kind or (table, name) in PER_RUN:
            continue
        picked.append(f'round("{name}", 9)' if kind in ("DOUBLE", "FLOAT") else f'"{name}"')
    return ", ".join(picked)


def snapshot(data: Path) -> dict[str, list[tuple]]:
    """Sorted rows of every table in the lake: documents, annotations, files, batches and
    every aggregate."""
    with connect(data) as con:
        tables = sorted(row[0] for row in con.execute("SHOW TABLES").fetchall())
        return {
            t: con.execute(f"SELECT {_columns(con, t)} FROM {t} ORDER BY ALL").fetchall()
            for t in tables
        }


def _assert_same_tables(local: Path, distributed: Path) -> None:
    expected, got = snapshot(local), snapshot(distributed)
    # How files are cut into batches is the executor's: parallel ones split the last batches
    # (pipeline.run.engine.batch_bounds). The batches must cover the same files, whatever
    # their sizes.
    assert _committed(local) == _committed(distributed)
    del expected["batches"], got["batches"]
    assert sorted(got) == sorted(expected)
    for table, rows in expected.items():
        assert got[table] == rows, f"table {table} differs"
    assert len(expected["entities"]) > 100 and len(expected["removed_lines"]) > 0


def _committed(data: Path) -> int:
    with connect(data) as con:
        return con.execute("SELECT sum(n_docs) FROM batches").fetchone()[0]


def _assert_nothing_doubled(data: Path) -> None:
    with connect(data) as con:
        for table, key in (("documents", "doc_id"), ("files", "doc_id"), ("batches", "batch_id")):
            total, distinct = con.execute(
                f"SELECT count(*), count(DISTINCT {key}) FROM {table}"
            ).fetchone()
            assert total == distinct, f"{table}: {total - distinct} repeated {key}"


def test_ray_run_writes_the_same_tables_as_a_local_run(
    articles: Path, local_lake: Path, ray_cluster: LocalRayCluster, tmp_path: Path
):
    data = tmp_path / "data"
    run = ["run", "--seeds", str(articles), "--data", str(data), "--ray", ray_cluster.address]
    assert main(run) == 0
    _assert_same_tables(local_lake, data)
    _assert_nothing_doubled(data)


def _is_actor(process: psutil.Process) -> bool:
    try:
        return process.name().startswith(ACTOR_PREFIX)
    except psutil.NoSuchProcess:
        return False


def _wait_busy(process: psutil.Process, timeout: float = 10.0) -> None:
    """Until the actor burns CPU (it is inside a batch), so the kill loses work in flight."""
    deadline = time.monotonic() + timeout
    before = sum(process.cpu_times()[:2])
    while time.monotonic() < deadline:
        time.sleep(0.1)
        now = sum(process.cpu_times()[:2])
        if now - before > 0.05:
            return
        before = now


def _kill_actors(node: RayNode) -> list[int]:
    victims = [p for p in node.processes() if _is_actor(p)]
    for victim in victims:
        _wait_busy(victim)
        victim.kill()
    psutil.wait_procs(victims, timeout=10)
    return [v.pid for v in victims]


def test_actor_killed_mid_run_costs_a_retry_not_a_wrong_table(
    articles: Path,
    local_lake: Path,
    ray_cluster: LocalRayCluster,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
):
    """SIGKILL the second node's actor right after the first batch is committed; the run must
    finish with the local run's tables. The driver is given the address Ray registered (the
    host's, not 127.0.0.1), the other form a user may pass."""
    killed: list[int] = []
    commit = sync_module.write_batch

    def commit_then_kill(
        con: duckdb.DuckDBPyConnection, batch_id: str, tables: dict, **options: object
    ) -> bool:
        committed = commit(con, batch_id, tables, **options)
        if committed and not killed:
            killed.extend(_kill_actors(ray_cluster.nodes[1]))
        return committed

    monkeypatch.setattr(sync_module, "write_batch", commit_then_kill)
    data = tmp_path / "data"
    address = ray_cluster.gcs_address
    assert main(["run", "--seeds", str(articles), "--data", str(data), "--ray", address]) == 0
    assert killed, "no actor ran on the second node"
    _assert_same_tables(local_lake, data)
    _assert_nothing_doubled(data)


def test_a_file_that_kills_its_actor_is_rejected_and_the_run_completes(
    ray_cluster: LocalRayCluster,
    run_env: pytest.MonkeyPatch,
    poison_model: PoisonModel,
    tmp_path: Path,
):
    """Ray Data re-ran a batch that kills its actor for ever; the driver now splits it until
    the file is alone, rejects that file with the reason, and delivers every good batch."""
    seeds, data = tmp_path / "seeds", tmp_path / "data"
    make_seeds(seeds)
    env = poison_model.environment()  # CORPUS_MODEL; the run's Dagster home from `run_env`
    out = corpus_run(seeds, data, env, "--ray", ray_cluster.address)
    total = N_GOOD + len(POISON)
    assert f"files: {total} seen, {total} processed, 0 unchanged, 0 deleted, 2 rejected" in out
    assert assert_consistent(data) == total
    _assert_nothing_doubled(data)
    with connect(data) as con:
        rejected = con.execute(
            "SELECT doc_id, reject_reason FROM documents WHERE status = 'rejected' ORDER BY 1"
        ).fetchall()
        annotated = con.execute("SELECT count(DISTINCT doc_id) FROM tokens").fetchone()[0]
    assert [doc_id for doc_id, _ in rejected] == sorted(POISON)
    assert all(reason.startswith(f"{DIED}the Ray actor died (") for _, reason in rejected)
    assert annotated == N_GOOD


def test_a_model_that_does_not_load_on_ray_is_an_error_not_a_loop(
    ray_cluster: LocalRayCluster, tmp_path: Path
):
    from pipeline.run.ray_executor import RayExecutor

    (tmp_path / "a.txt").write_text("Title\n\nSome text.\n")
    spec = BatchSpec((item_for(tmp_path / "a.txt"),), "v1", 1_000_000, "run")
    executor = RayExecutor("no_such_model_xyz", ray_cluster.address)
    with pytest.raises(WorkerStartError, match=r"a Ray actor could not start: OSError: \[E050\]"):
        list(executor.run([spec], Timings()))


def test_a_local_run_never_imports_ray():
    code = (
        "import sys\n"
        "import pipeline.cli, pipeline.definitions\n"
        "from pipeline.run.executors import Workers\n"
        "Workers('blank:en', 1).executor(); Workers('blank:en', 2, None).executor()\n"
        "assert not [m for m in sys.modules if m == 'ray' or m.startswith('ray.')], 'ray'\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True, timeout=120)
