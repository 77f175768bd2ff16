"""A batch of planned files to the rows of every table: the one function every executor runs
(in-process, worker processes, Ray actors), so a local and a distributed run write the same rows.
"""

import ctypes
import ctypes.util
import dataclasses
import hashlib
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

import pyarrow as pa
import pyarrow.compute as pc

from pipeline.run.copies import COPIES, repeat_rows, share
from pipeline.schema import (
    ANNOTATION_TABLES,
    DOCUMENT_LINES,
    DOCUMENTS,
    ENTITIES,
    FILES,
    REMOVED_LINES,
    SENTENCES,
    TOKENS,
)
from pipeline.stages.cleaning import DEFAULT_PARAMS, CleaningParams
from pipeline.stages.document import Prepared, WorkItem, prepare
from pipeline.stages.ingest import NotText, file_format, printable_name, read_bytes, sha256
from pipeline.timing import Timings

if TYPE_CHECKING:
    from spacy.language import Language

    from pipeline.stages.annotate import Annotations

TOUCHED = pa.schema([("doc_id", pa.string()), ("n_bytes", pa.int64()), ("mtime_ns", pa.int64())])
NLP_BATCH_SIZE = 4  # measured: spaCy time as with 16 (177 vs 175 s), peak 1.18 vs 1.48 GB
# glibc keeps freed heap pages of a batch's Docs mapped; handing them back after each batch
# keeps a worker at ~330 MB instead of 470-520 MB and growing (measured over 1,000 BBC files).
_LIBC = ctypes.CDLL(ctypes.util.find_library("c")) if sys.platform == "linux" else None


@dataclass(frozen=True, slots=True)
class BatchSpec:
    """A batch to process: its files, and the settings every worker must share."""

    items: tuple[WorkItem, ...]
    code_version: str
    max_bytes: int
    run_id: str  # a retried delivery within a run is the same batch; a later run is not
    common_lines: frozenset[int] = frozenset()  # the corpus's boilerplate when it was planned
    params: CleaningParams = DEFAULT_PARAMS
    copies: tuple[tuple[str, str], ...] = ()  # (copy, original): annotated once (run/copies.py)

    @property
    def batch_id(self) -> str:
        """The batch's identity: these files in this state, under this code and these common
        lines (a document cleaned again in the same run is another batch) and copy hints, in
        this run."""
        digest = hashlib.sha256(f"{self.run_id}\0{self.code_version}".encode())
        for item in self.items:
            digest.update(f"\0{item.doc_id}\0{item.n_bytes}\0{item.mtime_ns}".encode())
        for key in sorted(self.common_lines):
            digest.update(key.to_bytes(8, "little", signed=True))
        # a copy parsed after all (its original's text differed) is another batch
        for copy, original in self.copies:
            digest.update(f"\0copy\0{copy}\0{original}".encode())
        return digest.hexdigest()[:32]


@dataclass(frozen=True, slots=True)
class BatchResult:
    """A processed batch: Arrow tables keyed by lake table, plus what it cost."""

    batch_id: str
    tables: dict[str, pa.Table]
    touched: pa.Table  # `files` rows whose content did not change: only their stat moves
    n_rejected: int
    n_words: int
    # copies whose original is outside the batch: the commit takes its rows (run/copies.py)
    elsewhere: pa.Table = field(default_factory=COPIES.empty_table)
    n_shared: int = 0  # copies given the rows of an original parsed in the batch


@dataclass(frozen=True, slots=True)
class PreparedBatch:
    """A batch read and cleaned, waiting for the model: the files to process, and those whose
    bytes did not change (only their stat moves)."""

    spec: BatchSpec
    work: tuple[Prepared, ...]
    unchanged: tuple[WorkItem, ...]


def process_batch(spec: BatchSpec, nlp: "Language", *, timings: Timings) -> BatchResult:
    """A batch's rows for every table: its files read and cleaned, then annotated."""
    return annotate_batch(prepare_batch(spec, timings=timings), nlp, timings=timings)


def prepare_batch(spec: BatchSpec, *, timings: Timings) -> PreparedBatch:
    """Everything a batch needs before the model: its files read, hashed and cleaned
    (timed as `read_clean`)."""
    with timings.track("read_clean"):
        unchanged = tuple(item for item in spec.items if _unchanged(item, spec.max_bytes))
        same = {item.doc_id for item in unchanged}
        work = tuple(
            prepare(
                item,
                max_bytes=spec.max_bytes,
                common_lines=spec.common_lines,
                params=spec.params,
            )
            for item in spec.items
            if item.doc_id not in same
        )
    return PreparedBatch(spec, work, unchanged)


def annotate_batch(batch: PreparedBatch, nlp: "Language", *, timings: Timings) -> BatchResult:
    """The rows of a batch read and cleaned: its texts through the model, as Arrow tables
    (timed as `nlp` and `convert`)."""
    # spaCy is imported where batches are parsed: the parent of worker processes, which only
    # plans and commits batches, never loads it (~0.7 s of its start-up, and its memory)
    from pipeline.stages.annotate import annotate

    work = batch.work
    shared = share(work, dict(batch.spec.copies))
    annotations = annotate(nlp, shared.texts, batch_size=NLP_BATCH_SIZE, timings=timings)
    with timings.track("convert"):
        tables = _tables(batch, annotations)
        for name in ANNOTATION_TABLES:
            tables[name] = repeat_rows(tables[name], shared.local)
        words = count_words(tables["tokens"])
    release_memory()
    return BatchResult(
        batch_id=batch.spec.batch_id,
        tables=tables,
        touched=_touched_table(batch.unchanged),
        n_rejected=sum(p.document["status"] == "rejected" for p in work),
        n_words=words,
        elsewhere=shared.elsewhere,
        n_shared=len(shared.local),
    )


def _tables(batch: PreparedBatch, annotations: "Annotations") -> dict[str, pa.Table]:
    """The rows of every per-document table and `files` for a batch."""
    work = batch.work
    now = datetime.now(UTC)
    return {
        "documents": pa.Table.from_pylist([p.document for p in work], schema=DOCUMENTS),
        "removed_lines": _removed_table(work),
        "document_lines": _lines_table(work),
        "sentences": annotations.sentences,
        "tokens": annotations.tokens,
        "entities": annotations.entities,
        "files": _files_table(work, batch.spec.code_version, now),
    }


def count_words(tokens: pa.Table) -> int:
    """The words (tokens that are not punctuation) of a tokens table."""
    return pc.sum(pc.invert(tokens.column("is_punct"))).as_py() or 0


def split_batch(spec: BatchSpec) -> tuple[BatchSpec, BatchSpec] | None:
    """The batch in two halves (each its own batch, with its own id), or None for one file."""
    if len(spec.items) < 2:
        return None
    half = len(spec.items) // 2
    return (
        dataclasses.replace(spec, items=spec.items[:half]),
        dataclasses.replace(spec, items=spec.items[half:]),
    )


def rejected_batch(spec: BatchSpec, reason: str) -> BatchResult:
    """The rows of a batch whose files could not be processed at all: each file `rejected`
    with `reason`, its content hash kept, so the next run leaves it alone until it changes.
    Built where batches are given out, without the model (reading a file's bytes is safe)."""
    work = tuple(_rejected(item, reason, spec.max_bytes) for item in spec.items)
    now = datetime.now(UTC)
    tables = {
        "documents": pa.Table.from_pylist([p.document for p in work], schema=DOCUMENTS),
        "removed_lines": REMOVED_LINES.empty_table(),
        "document_lines": DOCUMENT_LINES.empty_table(),
        "sentences": SENTENCES.empty_table(),
        "tokens": TOKENS.empty_table(),
        "entities": ENTITIES.empty_table(),
        "files": _files_table(work, spec.code_version, now),
    }
    return BatchResult(spec.batch_id, tables, _touched_table(()), len(work), 0)


def _rejected(item: WorkItem, reason: str, max_bytes: int) -> Prepared:
    raw = read_bytes(Path(item.path), max_bytes)
    digest = "" if isinstance(raw, NotText) else sha256(raw)
    document = dict.fromkeys(DOCUMENTS.names) | {
        "doc_id": item.doc_id,
        "path": printable_name(item.path),
        "shard": item.shard,
        "content_sha256": digest,
        "n_bytes": item.n_bytes,
        "format": file_format(item.doc_id),
        "n_chars_raw": 0,
        "n_chars_clean": 0,
        "text": "",
        "status": "rejected",
        "reject_reason": reason,
    }
    return Prepared(item, digest, document, ())


def warm_up(nlp: "Language") -> None:
    """Pay a process's first-batch costs now, for a worker that waits for its first batch:
    the language model (~0.7 s, loaded at the first text that is not plainly English, which
    each worker met in its first batch of BBC's) and pyarrow's first tables (~0.2 s: it
    imports pandas when installed)."""
    from pipeline.stages.annotate import annotate
    from pipeline.stages.cleaning.language import language_identifier

    language_identifier()
    annotate(nlp, [("warm-up", "A short text to warm up on.")], batch_size=1)


def release_memory() -> None:
    """Return freed heap pages to the system (glibc's malloc_trim; a no-op elsewhere)."""
    if _LIBC is not None and hasattr(_LIBC, "malloc_trim"):
        _LIBC.malloc_trim(0)


def _unchanged(item: WorkItem, max_bytes: int) -> bool:
    """Touched but not changed: same bytes as last time, and nothing asks to redo it. Only the
    hash is computed; the file is not decoded or cleaned again."""
    if item.reprocess or item.previous_sha256 is None or item.n_bytes > max_bytes:
        return False
    raw = read_bytes(Path(item.path), max_bytes)
    return not isinstance(raw, NotText) and sha256(raw) == item.previous_sha256


def _touched_table(items: Sequence[WorkItem]) -> pa.Table:
    rows = [{"doc_id": i.doc_id, "n_bytes": i.n_bytes, "mtime_ns": i.mtime_ns} for i in items]
    return pa.Table.from_pylist(rows, schema=TOUCHED)


def _removed_table(prepared: Sequence[Prepared]) -> pa.Table:
    rows = [
        {"doc_id": p.item.doc_id, "line_no": r.line_no, "text": r.text, "rule": r.rule}
        for p in prepared
        for r in p.removed
    ]
    return pa.Table.from_pylist(rows, schema=REMOVED_LINES)


def _lines_table(prepared: Sequence[Prepared]) -> pa.Table:
    ids, groups, keys = [], [], []
    for p in prepared:
        if p.lines is None:
            continue
        ids += [p.item.doc_id] * len(p.lines.keys)
        groups += [p.lines.group] * len(p.lines.keys)
        keys += sorted(p.lines.keys)
    return pa.table({"doc_id": ids, "grp": groups, "key": keys}, schema=DOCUMENT_LINES)


def _files_table(prepared: Sequence[Prepared], code_version: str, now: datetime) -> pa.Table:
    rows = [
        {
            "doc_id": p.item.doc_id,
            "shard": p.item.shard,
            "n_bytes": p.item.n_bytes,
            "mtime_ns": p.item.mtime_ns,
            "content_sha256": p.content_sha256,
            "status": p.document["status"],
            "code_version": code_version,
            "first_seen": p.item.first_seen or now,
            "processed_at": now,
            "reason": p.item.reason,
        }
        for p in prepared
    ]
    return pa.Table.from_pylist(rows, schema=FILES)
