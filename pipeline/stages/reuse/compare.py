"""Two texts compared: their shared passages, their aligned sentences, and how much of each
text that evidence covers.

The decision looks at the shorter text (a copied answer is shorter than its source; a source
is not "mostly reused" because a short text took one paragraph of it): its `coverage` is the
share of its words inside a shared passage or an aligned sentence. A sentence adds at most
MAX_SENTENCE_WORDS words: a "sentence" the segmenter did not split (a team line-up, a list)
is one sentence of evidence, not fifty words of it.
"""

from dataclasses import dataclass, field

import numpy as np

from pipeline.stages.reuse.align import SentenceLemmas, SentenceMatch, align
from pipeline.stages.reuse.passages import Passage, passages

MAX_SENTENCE_WORDS = 40
# A passage reads as prose when at least 15% of its words (side a) are stop words: two reports
# of one match share the team line-ups, long runs of names that nobody copied from anybody.
MIN_PROSE_STOP_SHARE = 0.15


@dataclass(frozen=True, slots=True)
class TextData:
    """What comparing needs of one text: its words (tokens that are not punctuation or space,
    in order) and the content lemmas of its sentences."""

    key: int
    n_chars: int
    grams: np.ndarray  # uint64 per word: hash of its lemma 3-gram, 0 where no seed starts
    starts: np.ndarray  # int32 per word: character offsets into the text
    ends: np.ndarray
    sents: np.ndarray  # int32 per word: its sentence
    stops: np.ndarray  # bool per word: a stop word
    lemmas: SentenceLemmas

    @property
    def n_words(self) -> int:
        return len(self.grams)


@dataclass(frozen=True, slots=True)
class PairFeatures:
    """The evidence between texts a and b (a's key < b's), kept so that thresholds can be
    applied (and chosen) without comparing again."""

    a: TextData
    b: TextData
    passages: list[Passage]
    matches: list[SentenceMatch]  # the shorter text's sentences and their best counterparts
    short_is_a: bool
    word_share: float  # share of the shorter text's content lemmas found in the longer
    longest_prose: int  # words (on the shorter side) of the longest passage that reads as prose
    in_passages: tuple[np.ndarray, np.ndarray] = field(repr=False)  # word masks of a and b
    extra: np.ndarray = field(repr=False)  # per match: its sentence's words not in a passage

    def coverage(self, min_score: float) -> float:
        """Share of the shorter text's words in a passage or in a sentence aligned at
        `min_score` or better (each sentence adding at most MAX_SENTENCE_WORDS)."""
        short = self.a if self.short_is_a else self.b
        mask = self.in_passages[0 if self.short_is_a else 1]
        scores = np.array([m.score for m in self.matches])
        aligned = int(self.extra[scores >= min_score].sum()) if len(scores) else 0
        return (int(mask.sum()) + aligned) / max(short.n_words, 1)


def compare(a: TextData, b: TextData) -> PairFeatures:
    """The evidence between two texts (any sizes, empty included)."""
    found = passages(a.grams, b.grams)
    mask_a = np.zeros(a.n_words, dtype=bool)
    mask_b = np.zeros(b.n_words, dtype=bool)
    for passage in found:
        mask_a[passage.words_a] = True
        mask_b[passage.words_b] = True
    short_is_a = a.n_words <= b.n_words
    short, long = (a, b) if short_is_a else (b, a)
    short_mask = mask_a if short_is_a else mask_b
    matches = align(short.lemmas, long.lemmas)
    extra = np.array(
        [min(_sentence_words(short, m.sent, short_mask), MAX_SENTENCE_WORDS) for m in matches],
        dtype=np.int64,
    )
    return PairFeatures(
        a=a,
        b=b,
        passages=found,
        matches=matches,
        short_is_a=short_is_a,
        word_share=_word_share(short.lemmas, long.lemmas),
        longest_prose=_longest_prose(found, a, short_is_a),
        in_passages=(mask_a, mask_b),
        extra=extra,
    )


def _sentence_words(text: TextData, sent: int, covered: np.ndarray) -> int:
    """Words of sentence `sent` not already covered."""
    return int(((text.sents == sent) & ~covered).sum())


def _word_share(short: SentenceLemmas, long: SentenceLemmas) -> float:
    """The one-line baseline: the share of the shorter text's distinct content lemmas that
    the longer one holds too."""
    mine = np.unique(short.lemma)
    return float(np.isin(mine, long.lemma).mean()) if len(mine) else 0.0


def _longest_prose(found: list[Passage], a: TextData, short_is_a: bool) -> int:
    """The longest passage (its words on the shorter side) whose a side reads as prose."""
    longest = 0
    for passage in found:
        if a.stops[passage.words_a].mean() >= MIN_PROSE_STOP_SHARE:
            words = passage.words_a if short_is_a else passage.words_b
            longest = max(longest, len(words))
    return longest


def side_share(features: PairFeatures, min_score: float, side_a: bool) -> float:
    """Share of one side's words in a passage or an aligned sentence (or sentence window)."""
    text = features.a if side_a else features.b
    mask = features.in_passages[0 if side_a else 1]
    if side_a == features.short_is_a:
        return features.coverage(min_score)
    sentences = {
        sent
        for m in features.matches
        if m.score >= min_score
        for sent in range(m.first, m.last + 1)
    }
    aligned = sum(min(_sentence_words(text, s, mask), MAX_SENTENCE_WORDS) for s in sentences)
    return min((int(mask.sum()) + aligned) / max(text.n_words, 1), 1.0)


def similarity(features: PairFeatures, min_score: float) -> float:
    """How close the reused words stay to their source: the mean, over the shorter text's
    covered words, of the passage density or sentence score that covers them (1.0 = copied,
    about 0.5 = heavily spun)."""
    short_words = [p.words_a if features.short_is_a else p.words_b for p in features.passages]
    short = features.a if features.short_is_a else features.b
    best = np.zeros(short.n_words)
    for words, passage in zip(short_words, features.passages, strict=True):
        np.maximum.at(best, words, passage.score)
    total, count = float(best.sum()), int((best > 0).sum())
    for match, extra in zip(features.matches, features.extra.tolist(), strict=True):
        if match.score >= min_score:
            total += extra * match.score
            count += extra
    return total / count if count else 0.0


def sentence_spans(text: TextData, first: int, last: int) -> tuple[int, int] | None:
    """Character offsets of sentences first..last of a text (None if they hold no word)."""
    words = np.flatnonzero((text.sents >= first) & (text.sents <= last))
    if not len(words):
        return None
    return int(text.starts[words[0]]), int(text.ends[words[-1]])
