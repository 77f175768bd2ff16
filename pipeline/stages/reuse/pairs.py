"""Deciding a pair's kind from its evidence, and its rows: one text pair with its passages.

Kinds, strongest first: `exact` (the same text once case, spacing and punctuation are set
aside), `near_duplicate` (MinHash estimate of the 5-word-shingle Jaccard >= 0.5: one text is
the other with edits), `rewrite` (most of the shorter text comes from the other, copied,
revised or spun) and `partial` (a passage of real length, or a good part of the shorter text,
is shared, but not most of it). The thresholds were chosen on a development set like that of
`corpus eval-reuse` (cut, lightly and heavily revised texts and independent ones on the same
topics), under a cap on the BBC pairs resting on aligned sentences alone, and cross-validated
on `corpus eval-reuse`'s (docs/text-reuse.md).
"""

from dataclasses import dataclass

from pipeline.stages.reuse.compare import (
    MAX_SENTENCE_WORDS,
    PairFeatures,
    TextData,
    sentence_spans,
    side_share,
    similarity,
)

EXACT = "exact"
NEAR_DUPLICATE = "near_duplicate"
REWRITE = "rewrite"
PARTIAL = "partial"
KINDS = (EXACT, NEAR_DUPLICATE, REWRITE, PARTIAL)
NGRAM = "ngram"  # a passage of shared word n-grams
SENTENCE = "sentence"  # a sentence aligned with one or two (merged) sentences of the other


@dataclass(frozen=True, slots=True)
class Thresholds:
    """When a pair is reported, and as which kind."""

    # a sentence is aligned at IDF cosine 0.5: spun counterparts score 0.5-0.9, sentences of
    # two reports of one event mostly under 0.45 (0.55 was as good on the development set)
    sentence: float = 0.5
    # reported: 35% of the shorter text covered (independent texts on the topic reach ~0.2)...
    cover: float = 0.35
    # ...or 80% of its content lemmas found in the other (the one-line baseline) with 25%
    # covered...
    share: float = 0.8
    share_cover: float = 0.25
    # ...or one passage of 20 words that reads as prose (a quote, a paragraph taken over)
    passage_words: int = 20
    # a rewrite when at least half of the shorter text is covered, else partial
    rewrite: float = 0.5


THRESHOLDS = Thresholds()


@dataclass(frozen=True, slots=True)
class PassageRow:
    """A shared passage as character offsets into both texts."""

    start_a: int
    end_a: int
    start_b: int
    end_b: int
    score: float
    method: str


@dataclass(frozen=True, slots=True)
class TextPair:
    """A reported pair of texts (a's key < b's) and its passages."""

    text_a: int
    text_b: int
    kind: str
    similarity: float
    share_a: float
    share_b: float
    passages: tuple[PassageRow, ...]


def decide(features: PairFeatures, thresholds: Thresholds = THRESHOLDS) -> str | None:
    """rewrite, partial, or None (not reported) for a pair that is no copy."""
    cover = features.coverage(thresholds.sentence)
    return decide_from(cover, features.word_share, features.longest_prose, thresholds)


def decide_from(
    cover: float, word_share: float, longest_prose: int, thresholds: Thresholds = THRESHOLDS
) -> str | None:
    """`decide` from the three figures it reads (the evaluation precomputes them)."""
    reported = (
        cover >= thresholds.cover
        or (word_share >= thresholds.share and cover >= thresholds.share_cover)
        or longest_prose >= thresholds.passage_words
    )
    if not reported:
        return None
    return REWRITE if cover >= thresholds.rewrite else PARTIAL


def text_pair(
    features: PairFeatures, near: float | None, thresholds: Thresholds = THRESHOLDS
) -> TextPair | None:
    """The reported pair, or None; `near` is the Jaccard estimate of a near duplicate."""
    kind = NEAR_DUPLICATE if near is not None else decide(features, thresholds)
    if kind is None:
        return None
    t = thresholds.sentence
    return TextPair(
        text_a=features.a.key,
        text_b=features.b.key,
        kind=kind,
        similarity=round(near if near is not None else similarity(features, t), 6),
        share_a=round(side_share(features, t, side_a=True), 6),
        share_b=round(side_share(features, t, side_a=False), 6),
        passages=tuple(passage_rows(features, t)),
    )


def exact_pair(a: TextData, b: TextData) -> TextPair:
    """Two texts equal once normalised: one passage, the whole of both."""
    whole = PassageRow(0, a.n_chars, 0, b.n_chars, 1.0, NGRAM)
    return TextPair(a.key, b.key, EXACT, 1.0, 1.0, 1.0, (whole,))


def passage_rows(features: PairFeatures, min_score: float) -> list[PassageRow]:
    """The n-gram passages, then the aligned sentences that passages leave mostly uncovered
    (the spun ones), sorted by their offsets in a."""
    a, b = features.a, features.b
    rows = [
        PassageRow(
            int(a.starts[p.words_a[0]]),
            int(a.ends[p.words_a[-1]]),
            int(b.starts[p.words_b[0]]),
            int(b.ends[p.words_b[-1]]),
            round(float(p.score), 6),
            NGRAM,
        )
        for p in features.passages
    ]
    short, long = (a, b) if features.short_is_a else (b, a)
    for match, extra in zip(features.matches, features.extra.tolist(), strict=True):
        words = min(int((short.sents == match.sent).sum()), MAX_SENTENCE_WORDS)
        if match.score < min_score or 2 * extra < words:
            continue
        mine = sentence_spans(short, match.sent, match.sent)
        theirs = sentence_spans(long, match.first, match.last)
        if mine is None or theirs is None:
            continue
        span_a, span_b = (mine, theirs) if features.short_is_a else (theirs, mine)
        rows.append(PassageRow(*span_a, *span_b, round(float(match.score), 6), SENTENCE))
    return sorted(rows, key=lambda r: (r.start_a, r.start_b, r.end_a, r.end_b, r.method))
