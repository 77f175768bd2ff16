"""The seeds folder as a Dagster resource. The other two resources are the objects that own
their state for a run: the lake (`pipeline.lake.Lake`: its writer lock and connection) and the
worker pool (`pipeline.run.executors.Workers`); the assets take them as `dg.ResourceParam`s, so
`corpus run` can hand over a lake it already holds and workers it already started."""

import hashlib
from pathlib import Path

import dagster as dg

from pipeline.run.plan import SyncOptions
from pipeline.settings import DEFAULT_MAX_BYTES, DEFAULT_SHARDS
from pipeline.stages.cleaning import CleaningParams
from pipeline.stages.ingest import partition_key, scan


class FolderResource(dg.ConfigurableResource):
    """The folder of scraped articles, split into shards by a stable hash of each path."""

    seeds_dir: str
    n_shards: int = DEFAULT_SHARDS
    max_bytes: int = DEFAULT_MAX_BYTES
    cleaning_params: str = "{}"  # CleaningParams that differ from the defaults, as JSON

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
            params=CleaningParams.from_json(self.cleaning_params),
        )
