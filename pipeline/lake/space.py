"""A full disk, told apart from other write errors.

Measured on a small tmpfs: with the data files' disk full, DuckDB fails at the INSERT that
writes a Parquet file ("No space left on device") and the transaction rolls back; with the
catalog's disk full, it fails at COMMIT with a TransactionException that does not name the
cause ("Failed to commit: ... cannot rollback - no transaction is active") after SQLite has
rolled the catalog back. Either way nothing of the batch is in the lake (its partial Parquet
files are orphans, removed by the next compaction), so the run stops with one line that says
so: the message's words or the free space left on either disk tell a full disk.
"""

import errno
import os
import shutil
from pathlib import Path

# Less free space than this on a disk the lake writes to, when a write fails, is a full disk:
# a batch's commit writes a few MB (its Parquet files, the catalog's pages and journal).
LOW_SPACE_BYTES = 16 * 2**20
FULL_WORDS = ("No space left on device", "database or disk is full", "Disk quota exceeded")


class DiskFullError(RuntimeError):
    """A write failed for want of disk space; the message is one line for the user."""


def full_disk(error: BaseException, places: list[Path]) -> DiskFullError | None:
    """The DiskFullError `error` stands for, or None when it is not about disk space."""
    text = str(error)
    said = next((words for words in FULL_WORDS if words in text), None)
    if said is None and getattr(error, "errno", None) in (errno.ENOSPC, errno.EDQUOT):
        said = os.strerror(error.errno)  # type: ignore[attr-defined]
    lowest = min(places, key=_free, default=None)
    free = _free(lowest) if lowest is not None else None
    if said is None and (free is None or free >= LOW_SPACE_BYTES):
        return None
    cause = said or f"{free:,} bytes free"
    where = f" under {lowest.resolve()}" if lowest is not None else ""
    return DiskFullError(
        f"the disk is full ({cause}{where}): what was being written was not kept and the "
        "lake is as it was before it; free some space and run again"
    )


def _free(path: Path) -> int:
    """Bytes free to this user on the disk holding `path` (or its nearest existing parent)."""
    path = Path(path).resolve()
    while not path.exists() and path != path.parent:
        path = path.parent
    try:
        return shutil.disk_usage(path).free
    except OSError:
        return LOW_SPACE_BYTES  # unknown: not evidence of a full disk
