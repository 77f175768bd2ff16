"""The documents a run cleans again because corpus-level boilerplate moved: a short line that
became common (or stopped being) in the run changes the cleaning of every document holding it,
old or new, in any shard."""

import os
from collections.abc import Iterable
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc

from pipeline.lake.documents import file_states
from pipeline.lake.lines import holders
from pipeline.lake.store import LakeWriter
from pipeline.stages.document import WorkItem

REASON = "common_lines"


def reclean_items(
    lake: LakeWriter, seeds_dir: Path, n_shards: int, moved: Iterable[int]
) -> tuple[WorkItem, ...]:
    """Work items for the documents holding any of the `moved` line keys whose file is still
    in the folder (one gone since the plan is deleted by the next run)."""
    doc_ids = holders(lake, moved)
    if not doc_ids:
        return ()
    rows = file_states(lake, range(n_shards))
    held = rows.filter(pc.is_in(rows["doc_id"], pa.array(sorted(doc_ids), pa.string())))
    states = {row["doc_id"]: row for row in held.to_pylist()}
    items = []
    for doc_id in doc_ids:
        state = states.get(doc_id)
        path = seeds_dir / doc_id
        try:
            stat = os.stat(path)
        except OSError:
            continue
        if state is None:
            continue
        items.append(
            WorkItem(
                doc_id=doc_id,
                path=str(path),
                shard=state["shard"],
                n_bytes=stat.st_size,
                mtime_ns=stat.st_mtime_ns,
                previous_sha256=state["content_sha256"],
                first_seen=state["first_seen"],
                reprocess=True,
                reason=REASON,
            )
        )
    return tuple(items)
