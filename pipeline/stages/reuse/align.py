"""Sentence alignment of two documents: mutual-best anchors, the heaviest in-order chain,
moved paragraphs, and the gaps between anchors filled with weaker pairs."""

import itertools
import math
from collections.abc import Iterable
from dataclasses import dataclass

import polars as pl

from pipeline.stages.reuse.index import STRONG_SIMILARITY, Scored

# Anchors out of the chain's order count only at 0.5: a moved paragraph keeps its words, while
# a topic match between two articles on the same story (a name, a figure) scores 0.3-0.45.
MOVED_SIMILARITY = 0.5
# Gaps between consecutive chain anchors are filled only up to 3 sentences on each side: a
# rewrite keeps anchors close together; in a wide gap any weak pair would fit.
MAX_FILL_GAP = 3
# Rewrite: at least 60 % of the shorter document's sentences have a counterpart. Articles
# on the same story share a few sentences (a quote, a background line); a spun rewrite keeps
# nearly every sentence (the seed rewrite: over 80 %); 60 % leaves room for sentences spun
# beyond recognition or dropped.
REWRITE_MIN_SHARE = 0.6
# ...and at least 5 such sentences: 3-4 counterparts between two short reports of one event
# (a cup draw, a race) are common on BBC and are reporting, not rewriting. The price: texts
# under 5 sentences are never called rewrites (their copies still show as near duplicates).
REWRITE_MIN_SENTENCES = 5
# ...and a mean score of the aligned pairs of at least 0.4: two reports of one cup draw share
# the fixtures' names and reach the share through weak pairs (mean 0.36); the seed rewrite's
# counterparts average 0.49, updated versions of one BBC story 0.6-0.97.
REWRITE_MIN_SIMILARITY = 0.4


@dataclass(frozen=True)
class SentencePair:
    """Two sentences, one of each document, and their similarity."""

    a: int
    b: int
    score: float


@dataclass(frozen=True)
class DocAlignment:
    """The aligned sentences (by sent_idx) of two documents, and their sentence counts."""

    doc_a: str
    doc_b: str
    pairs: tuple[SentencePair, ...]
    n_a: int  # sentences with at least MIN_SENTENCE_LEMMAS content lemmas
    n_b: int

    @property
    def covered_a(self) -> int:
        return len({p.a for p in self.pairs})

    @property
    def covered_b(self) -> int:
        return len({p.b for p in self.pairs})

    @property
    def share_a(self) -> float:
        return self.covered_a / self.n_a

    @property
    def share_b(self) -> float:
        return self.covered_b / self.n_b

    @property
    def similarity(self) -> float:
        """Mean score of the aligned pairs (fsum: exact, so independent of order)."""
        return math.fsum(p.score for p in self.pairs) / len(self.pairs) if self.pairs else 0.0

    def is_rewrite(self) -> bool:
        """Enough of the shorter document's sentences have a counterpart in the other."""
        if self.n_a == self.n_b:
            covered = max(self.covered_a, self.covered_b)
        else:
            covered = self.covered_a if self.n_a < self.n_b else self.covered_b
        return (
            covered >= REWRITE_MIN_SENTENCES
            and covered / min(self.n_a, self.n_b) >= REWRITE_MIN_SHARE
            and self.similarity >= REWRITE_MIN_SIMILARITY
        )


def align_sentences(doc_ids: list[str], scored: Scored) -> list[DocAlignment]:
    """The aligned sentences of every document pair of the scored candidates that has at
    least one anchor."""
    rows = scored.rows.iter_rows()
    alignments: list[DocAlignment] = []
    for (did_a, did_b), group in itertools.groupby(rows, key=lambda row: (row[0], row[1])):
        pairs = [SentencePair(a=row[2], b=row[3], score=row[4]) for row in group]
        aligned = align_pair(pairs)
        alignments.append(
            DocAlignment(
                doc_a=doc_ids[did_a],
                doc_b=doc_ids[did_b],
                pairs=tuple(
                    SentencePair(scored.sent_idx[p.a], scored.sent_idx[p.b], p.score)
                    for p in aligned
                ),
                n_a=scored.n_sentences[did_a],
                n_b=scored.n_sentences[did_b],
            )
        )
    return alignments


def copy_alignments(
    doc_ids: list[str], lemmas: pl.DataFrame, exact: Iterable[tuple[str, str]]
) -> list[DocAlignment]:
    """Exact copies whose eligible sentences hold the same lemma sets in the same order are
    aligned sentence by sentence at 1.0 without scoring (what scoring and aligning would find;
    in a corpus of many copies it is most of the work). Copies parsed differently (e.g. one
    in capitals) are left to the scored diagonal."""
    exact = list(exact)
    position = {doc_id: i for i, doc_id in enumerate(doc_ids)}
    involved = sorted({position[doc_id] for pair in exact for doc_id in pair})
    hashed = (
        lemmas.filter(pl.col("did").is_in(involved))
        .group_by("did", "sent_idx")
        .agg(pl.col("lid").sort())
        .sort("did", "sent_idx")
        .with_columns(h=pl.col("lid").hash())
    )
    sequences: dict[int, list[tuple[int, int]]] = {}
    for did, sent_idx, h in hashed.select("did", "sent_idx", "h").iter_rows():
        sequences.setdefault(did, []).append((sent_idx, h))
    alignments = []
    for doc_a, doc_b in exact:
        seq_a = sequences.get(position[doc_a], [])
        if seq_a and seq_a == sequences.get(position[doc_b]):
            pairs = tuple(SentencePair(sent, sent, 1.0) for sent, _ in seq_a)
            alignments.append(DocAlignment(doc_a, doc_b, pairs, len(seq_a), len(seq_a)))
    return alignments


def align_pair(pairs: list[SentencePair]) -> list[SentencePair]:
    """The in-order chain of anchors, anchors moved elsewhere, and the gaps between anchors."""
    anchors = mutual_best([p for p in pairs if p.score >= STRONG_SIMILARITY])
    chain = heaviest_chain(anchors)
    moved = {p for p in anchors if p.score >= MOVED_SIMILARITY}
    aligned = set(chain) | moved
    by_key = {(p.a, p.b): p for p in pairs}
    for left, right in itertools.pairwise(chain):
        aligned |= fill_gap(pairs, by_key, left, right, aligned)
    return sorted(aligned, key=lambda p: (p.a, p.b))


def best_by_side(pairs: Iterable[SentencePair], side: str) -> dict[int, SentencePair]:
    """For each sentence of one side ("a" or "b"), its highest-scoring pair (first on ties)."""
    best: dict[int, SentencePair] = {}
    for pair in pairs:
        key = pair.a if side == "a" else pair.b
        if key not in best or pair.score > best[key].score:
            best[key] = pair
    return best


def mutual_best(pairs: list[SentencePair]) -> list[SentencePair]:
    """Pairs in which each sentence is the other's best counterpart."""
    best_b = best_by_side(pairs, "b")
    return [p for p in best_by_side(pairs, "a").values() if best_b[p.b] == p]


def heaviest_chain(anchors: list[SentencePair]) -> list[SentencePair]:
    """The anchors, increasing in both documents, with the largest total score."""
    ordered = sorted(anchors, key=lambda p: (p.a, p.b))
    totals: list[float] = []
    previous: list[int] = []
    for k, pair in enumerate(ordered):
        best_m, best_total = -1, 0.0
        for m in range(k):
            if ordered[m].a < pair.a and ordered[m].b < pair.b and totals[m] > best_total:
                best_m, best_total = m, totals[m]
        totals.append(best_total + pair.score)
        previous.append(best_m)
    chain: list[SentencePair] = []
    end = max(range(len(ordered)), key=lambda k: (totals[k], -k), default=-1)
    while end >= 0:
        chain.append(ordered[end])
        end = previous[end]
    return chain[::-1]


def fill_gap(
    pairs: list[SentencePair],
    by_key: dict[tuple[int, int], SentencePair],
    left: SentencePair,
    right: SentencePair,
    aligned: set[SentencePair],
) -> set[SentencePair]:
    """Counterparts for the unaligned sentences between two consecutive chain anchors.

    A rewrite keeps the order of its source, so between the counterparts of sentences 4 and 7
    lie those of 5 and 6, even when spinning left them only a name or two (WEAK_SIMILARITY).
    Inside the gap sentences pair one-to-one, best first; a sentence left over next to an
    anchor may share that anchor's counterpart (a sentence split in two, or two merged).
    Gaps wider than MAX_FILL_GAP are left alone: there the order says little.
    """
    if right.a - left.a - 1 > MAX_FILL_GAP or right.b - left.b - 1 > MAX_FILL_GAP:
        return set()
    used_a = {p.a for p in aligned}
    used_b = {p.b for p in aligned}
    inside = [p for p in pairs if left.a < p.a < right.a and left.b < p.b < right.b]
    beside = [
        by_key.get(key)
        for key in (
            (left.a + 1, left.b),
            (right.a - 1, right.b),
            (left.a, left.b + 1),
            (right.a, right.b - 1),
        )
    ]
    filled: set[SentencePair] = set()
    for pair in sorted(inside, key=_best_first):
        if pair.a not in used_a and pair.b not in used_b:
            filled.add(pair)
            used_a.add(pair.a)
            used_b.add(pair.b)
    for pair in sorted((p for p in beside if p is not None), key=_best_first):
        if pair.a not in used_a or pair.b not in used_b:
            filled.add(pair)
            used_a.add(pair.a)
            used_b.add(pair.b)
    return filled


def _best_first(pair: SentencePair) -> tuple[float, int, int]:
    """Sort key: highest score first, then document order."""
    return -pair.score, pair.a, pair.b
