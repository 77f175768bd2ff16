"""Dagster resources for the external things the assets use: the seeds folder, the lake, and
the spaCy model with the place it runs (this process, worker processes, or a Ray cluster)."""

import hashlib
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import dagster as dg
import duckdb

from pipeline.lake import open_writer
from pipeline.run.engine import SyncOptions
from pipeline.run.executors import Executor, make_executor
from pipeline.settings import DEFAULT_BATCH_DOCS, DEFAULT_MAX_BYTES, DEFAULT_SHARDS, MODEL
from pipeline.stages.ingest import partition_key, scan


class FolderResource(dg.ConfigurableResource):
    """The folder of scraped articles, split into shards by a stable hash of each path."""

    seeds_dir: str
    n_shards: int = DEFAULT_SHARDS
    max_bytes: int = DEFAULT_MAX_BYTES

    def shard_versions(self) -> dict[str, str]:
        """Per shard, a hash of its files' paths, sizes and mtimes (stat only, nothing read)."""
        digests = {shard: hashlib.sha256() for shard in range(self.n_shards)}
        for file in scan(Path(self.seeds_dir), self.n_shards):
            digests[file.shard].update(f"{file.doc_id}\0{file.n_bytes}\0{file.mtime_ns}\n".encode())
        return {partition_key(s): d.hexdigest()[:16] for s, d in digests.items()}

    def options(
        self, *, force_all: bool = False, force: frozenset[str] = frozenset()
    ) -> SyncOptions:
        return SyncOptions(
            seeds_dir=Path(self.seeds_dir),
            n_shards=self.n_shards,
            max_bytes=self.max_bytes,
            force_all=force_all,
            force=force,
        )


class LakeResource(dg.ConfigurableResource):
    """The DuckLake under the data folder (SQLite catalog + Parquet files)."""

    data_dir: str

    @contextmanager
    def writer(self) -> Iterator[duckdb.DuckDBPyConnection]:
        with open_writer(Path(self.data_dir)) as con:
            yield con


class NlpResource(dg.ConfigurableResource):
    """The spaCy model and where it runs: `workers` local processes, or a Ray cluster."""

    model: str = MODEL
    workers: int = 1
    ray_address: str | None = None
    batch_docs: int = DEFAULT_BATCH_DOCS

    def executor(self) -> Executor:
        return make_executor(self.model, self.workers, self.ray_address)
