"""The lake: one DuckLake (SQLite catalog + Parquet files) under the data folder, and the only
part of the project that speaks DuckDB.

- catalog.py: the catalog file checked before DuckLake attaches it;
- connection.py: DuckDB with the extensions loaded from their packages, the lake attached
  (read-only connections sandboxed to the lake's files);
- lock.py: the writer lock; store.py: `Lake` (one writer at a time, readers at any time),
  `LakeReader`, `LakeWriter`; space.py: a full disk told apart;
- documents.py: a batch's rows written in one transaction, deletions, the `files` state;
- lines.py: the corpus's short lines and their counts (corpus-level boilerplate);
- aggregates.py, reuse.py: the derived tables; maintenance.py: compaction;
- search.py: the search index, a cache derived from the documents; query.py: users' SQL;
- snapshots.py: the snapshots `corpus snapshots` lists, and `corpus export`.
Every statement is a file under sql/ (see sql.py).
"""

from pipeline.lake.catalog import CatalogError, NoLakeError
from pipeline.lake.connection import Error as LakeError
from pipeline.lake.connection import SnapshotError, connect
from pipeline.lake.lock import LakeBusyError
from pipeline.lake.store import Lake, LakeReader, LakeWriter

__all__ = [
    "CatalogError",
    "Lake",
    "LakeBusyError",
    "LakeError",
    "LakeReader",
    "LakeWriter",
    "NoLakeError",
    "SnapshotError",
    "connect",
]
