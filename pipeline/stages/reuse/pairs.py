"""The output: one `text_reuse` row per reported pair, as its strongest kind, and the aligned
sentences of the reported pairs."""

from dataclasses import dataclass

import pyarrow as pa

from pipeline.schema import REUSED_SENTENCES, TEXT_REUSE
from pipeline.stages.reuse.align import DocAlignment

EXACT = "exact"
NEAR_DUPLICATE = "near_duplicate"
REWRITE = "rewrite"


@dataclass(frozen=True)
class ReusePair:
    """One row of `text_reuse`."""

    doc_a: str
    doc_b: str
    kind: str
    similarity: float
    share_a: float
    share_b: float
    n_aligned: int


def classify(
    exact: dict[tuple[str, str], float],
    near: dict[tuple[str, str], float],
    alignments: list[DocAlignment],
) -> list[ReusePair]:
    """One row per reported pair, as its strongest kind, sorted by (doc_a, doc_b)."""
    by_pair = {(al.doc_a, al.doc_b): al for al in alignments}
    rows: list[ReusePair] = []
    for pair in sorted(set(exact) | set(near) | set(by_pair)):
        alignment = by_pair.get(pair)
        if pair in exact:
            rows.append(reuse_row(pair, EXACT, 1.0, alignment))
        elif pair in near:
            rows.append(reuse_row(pair, NEAR_DUPLICATE, near[pair], alignment))
        elif alignment is not None and alignment.is_rewrite():
            rows.append(reuse_row(pair, REWRITE, alignment.similarity, alignment))
    return rows


def reuse_row(
    pair: tuple[str, str], kind: str, similarity: float, alignment: DocAlignment | None
) -> ReusePair:
    """A `text_reuse` row; shares are 0 when no sentence could be aligned."""
    return ReusePair(
        doc_a=pair[0],
        doc_b=pair[1],
        kind=kind,
        similarity=round(similarity, 6),
        share_a=round(alignment.share_a, 6) if alignment else 0.0,
        share_b=round(alignment.share_b, 6) if alignment else 0.0,
        n_aligned=len(alignment.pairs) if alignment else 0,
    )


def reuse_table(rows: list[ReusePair]) -> pa.Table:
    """The `text_reuse` table."""
    return pa.Table.from_pylist([vars(row) for row in rows], schema=TEXT_REUSE)


def reused_sentences_table(rows: list[ReusePair], alignments: list[DocAlignment]) -> pa.Table:
    """The aligned sentences of the reported pairs (REUSED_SENTENCES rows), sorted by (doc_a,
    doc_b, sent_a, sent_b). Built column by column: one object per row took 3.7 s for the
    283,000 rows of 4 copies of the BBC corpus."""
    reported = {(row.doc_a, row.doc_b) for row in rows}
    kept = [al for al in alignments if (al.doc_a, al.doc_b) in reported]
    columns = {
        "doc_a": [al.doc_a for al in kept for _ in al.pairs],
        "sent_a": [p.a for al in kept for p in al.pairs],
        "doc_b": [al.doc_b for al in kept for _ in al.pairs],
        "sent_b": [p.b for al in kept for p in al.pairs],
        "score": [round(p.score, 6) for al in kept for p in al.pairs],
    }
    table = pa.table(columns, schema=REUSED_SENTENCES)
    return table.sort_by([(key, "ascending") for key in ("doc_a", "doc_b", "sent_a", "sent_b")])
