import fcntl
import os
import threading
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import pyarrow as pa
import pytest

from pipeline.lake import Lake, LakeBusyError, NoLakeError, connect
from pipeline.lake.aggregates import rebuild
from pipeline.lake.documents import delete_documents, write_batch
from pipeline.lake.lock import LOCK_FILE
from pipeline.lake.maintenance import count_data_files, maintain
from pipeline.lake.store import missing_columns
from pipeline.schema import AGGREGATE_TABLES, DOCUMENT_TABLES, FILES, VIEW_TABLES

NOW = datetime(2024, 1, 2, tzinfo=UTC)


def _batch(*doc_ids: str) -> dict[str, pa.Table]:
    tables = {name: schema.empty_table() for name, schema in DOCUMENT_TABLES.items()}
    tables["documents"] = pa.Table.from_pylist(
        [{"doc_id": d, "status": "ok", "text": f"text of {d}"} for d in doc_ids],
        schema=DOCUMENT_TABLES["documents"],
    )
    tables["entities"] = pa.Table.from_pylist(
        [
            {
                "doc_id": d,
                "sent_idx": 0,
                "text": "Kyiv",
                "label": "GPE",
                "norm": "Kyiv",
                "canonical": "Kyiv",
                "alias_candidate": False,
            }
            for d in doc_ids
        ],
        schema=DOCUMENT_TABLES["entities"],
    )
    tables["files"] = pa.Table.from_pylist(
        [{"doc_id": d, "shard": 1, "status": "ok", "first_seen": NOW} for d in doc_ids],
        schema=FILES,
    )
    return tables


def _ids(con: duckdb.DuckDBPyConnection, table: str) -> list[str]:
    return [r[0] for r in con.execute(f"SELECT doc_id FROM {table} ORDER BY doc_id").fetchall()]


def test_a_batch_replaces_its_documents_in_every_table(tmp_path: Path):
    with Lake(tmp_path).writer() as lake:
        assert write_batch(lake, "b1", _batch("a", "b"), keep_aggregates=True)
        assert write_batch(lake, "b2", _batch("b", "c"), keep_aggregates=True)
        assert _ids(lake.con, "documents") == ["a", "b", "c"]
        assert _ids(lake.con, "entities") == ["a", "b", "c"]
        assert _ids(lake.con, "files") == ["a", "b", "c"]


def test_a_batch_delivered_twice_is_committed_once(tmp_path: Path):
    with Lake(tmp_path).writer() as lake:
        assert write_batch(lake, "same", _batch("a"), keep_aggregates=True)
        assert not write_batch(lake, "same", _batch("a"), keep_aggregates=True)
        assert _ids(lake.con, "documents") == ["a"]
        assert lake.con.execute("SELECT count(*) FROM batches").fetchone()[0] == 1


def test_deleting_documents_clears_every_table(tmp_path: Path):
    with Lake(tmp_path).writer() as lake:
        write_batch(lake, "b1", _batch("a", "b"), keep_aggregates=True)
        assert delete_documents(lake, ["a"], keep_aggregates=True) == 1
        for table in ("documents", "entities", "files"):
            assert _ids(lake.con, table) == ["b"]


def test_aggregates_are_rebuilt_from_the_tables(tmp_path: Path):
    with Lake(tmp_path).writer() as lake:
        write_batch(lake, "b1", _batch("a", "b"), keep_aggregates=False)
        counts = rebuild(lake)
        assert counts["entity_name_counts"] == 1
        row = lake.con.execute("SELECT norm, mentions, documents FROM entity_counts").fetchone()
        assert row == ("Kyiv", 2, 2)


def test_aggregates_and_their_views_have_the_declared_columns_and_types(tmp_path: Path):
    with Lake(tmp_path).writer() as lake:
        write_batch(lake, "b1", _batch("a", "b"), keep_aggregates=False)
        rebuild(lake)
        declared = {**AGGREGATE_TABLES, **VIEW_TABLES}
        assert missing_columns(lake, declared) == []
        for table, schema in declared.items():  # and no column left undeclared
            result = lake.con.execute(f"SELECT * FROM {table} LIMIT 0")
            assert [column[0] for column in result.description] == schema.names, table


def test_a_second_writer_refuses_at_once(tmp_path: Path):
    """Another process holds the lock (an flock on its own open file): refuse, don't wait."""
    (tmp_path / LOCK_FILE).touch()
    with open(tmp_path / LOCK_FILE) as other:
        fcntl.flock(other, fcntl.LOCK_EX | fcntl.LOCK_NB)
        with pytest.raises(LakeBusyError, match="another run is writing"), Lake(tmp_path).hold():
            pass


def test_a_held_lake_shares_one_writer_and_its_readers_see_it(tmp_path: Path):
    lake = Lake(tmp_path)
    with lake.hold():  # `corpus run` holds it for the run; the assets inside take it again
        with lake.writer() as first:
            write_batch(first, "b1", _batch("a"), keep_aggregates=True)
        with lake.writer() as second, lake.reader() as reader:
            assert second is first and reader is first
        with pytest.raises(LakeBusyError), Lake(tmp_path).hold():
            pass  # another holder of the same folder refuses
    with Lake(tmp_path).hold():  # released at the end of the block
        pass


def test_readers_are_read_only_and_see_committed_data(tmp_path: Path):
    with pytest.raises(NoLakeError):
        connect(tmp_path)
    with Lake(tmp_path).writer() as lake:
        write_batch(lake, "b1", _batch("a"), keep_aggregates=True)
    reader = connect(tmp_path)
    assert _ids(reader, "documents") == ["a"]
    with pytest.raises(duckdb.Error):
        reader.execute("DELETE FROM documents")


def test_data_files_are_counted_from_the_catalog_and_compaction_bounds_them(tmp_path: Path):
    from pipeline.assets.aggregates import AggregatesConfig, _compact

    with Lake(tmp_path).writer() as lake:
        for i in range(4):
            rows = [f"doc{i}_{j}" for j in range(50)]  # past DuckLake's inlining of tiny inserts
            write_batch(lake, f"b{i}", _batch(*rows), keep_aggregates=True)
        lake.con.execute("CALL ducklake_flush_inlined_data('lake')")
        listing = "SELECT count(*) FROM ducklake_list_files('lake', ?)"
        listed = sum(lake.con.execute(listing, [t]).fetchone()[0] for t in lake.tables())
        before = count_data_files(lake)
        assert before == listed and before >= 8
        assert _compact(lake, AggregatesConfig(compact_above_files=before - 1))
        assert not _compact(lake, AggregatesConfig(compact_above_files=before))
        assert not _compact(lake, AggregatesConfig(compact_above_files=0))  # 0: only when asked
        assert _compact(lake, AggregatesConfig(maintain=True, compact_above_files=0))
        files = maintain(lake)
        assert files["data_files_before"] == before
        assert files["data_files_after"] == count_data_files(lake) < before
        assert _ids(lake.con, "documents") == sorted(
            f"doc{i}_{j}" for i in range(4) for j in range(50)
        )


def test_a_writer_that_may_wait_takes_the_lake_when_the_holder_lets_go(tmp_path: Path):
    """A step of a UI run waits for the lake, saying who has it; `corpus run` would refuse."""
    holding, release = threading.Event(), threading.Event()

    def hold() -> None:
        with Lake(tmp_path, holder="`corpus run`").hold():
            holding.set()
            release.wait(30)

    holder = threading.Thread(target=hold)
    holder.start()
    assert holding.wait(30)
    told: list[str] = []
    threading.Timer(1.5, release.set).start()
    with Lake(tmp_path, holder="a Dagster run", wait_seconds=60).hold(waiting=told.append):
        assert release.is_set()  # not before the holder let go
    holder.join()
    assert told == [
        f"waiting for the lake: `corpus run` (process {os.getpid()}) is writing to "
        f"{tmp_path.resolve()}; wait for it to finish (readers such as `corpus sql` keep working)"
    ]


def test_a_writer_gives_up_waiting_with_the_holders_words(tmp_path: Path):
    with Lake(tmp_path, holder="`corpus run`").hold():
        patient = Lake(tmp_path, holder="a Dagster run", wait_seconds=1)
        words = r"`corpus run` \(process \d+\).*waited 1 s"
        with pytest.raises(LakeBusyError, match=words), patient.hold():
            pass
