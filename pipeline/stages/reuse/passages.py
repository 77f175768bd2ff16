"""Shared passages of two texts, found as passim finds them: word n-grams both texts hold are
seeds, and seeds close to each other on both sides, on nearly the same diagonal, chain into
one passage. An edit inside a copied passage (a word swapped, two sentences merged, one split)
leaves a gap in the seeds but not a new passage; a dropped or moved sentence starts one.

A text is its sequence of words (tokens that are not punctuation or white space); `grams[i]`
is the hash of the lower-cased lemmas of words i, i+1, i+2, or 0 where no seed may start
(a gram of stop words only, or the text's last two words).
"""

from dataclasses import dataclass

import numpy as np

GRAM_WORDS = 3  # words per gram: lemma 3-grams survive inflection and most single-word edits
# A gram found more than 3 times in one text ("the end of", a refrain) says nothing of where
# the other text took it from: it is no seed.
MAX_GRAM_REPEAT = 3
# Seeds of one passage are at most 12 words apart on both sides, and the diagonal (position in
# b minus position in a) moves by at most 6 words between two of them: room for a clause cut
# or added, or two sentences merged, but not for jumping to another part of the text.
MAX_GAP = 12
MAX_DRIFT = 6
# A passage counts when it covers at least 8 words on both sides: shorter shared runs are
# names and stock phrases ("the prime minister said on").
MIN_PASSAGE_WORDS = 8


@dataclass(frozen=True, slots=True)
class Passage:
    """One shared passage: the word positions it covers on each side, and its density (covered
    words over the span they lie in, both sides together; 1.0 = copied without a change)."""

    words_a: np.ndarray  # sorted positions in a
    words_b: np.ndarray
    score: float


def seeds(grams_a: np.ndarray, grams_b: np.ndarray) -> np.ndarray:
    """(i, j) positions where a and b start the same gram, sorted by i then j; grams repeated
    more than MAX_GRAM_REPEAT times in either text are left out."""
    shared = np.intersect1d(_usable(grams_a), _usable(grams_b))
    if not len(shared):
        return np.zeros((0, 2), dtype=np.int64)
    pos_a = np.flatnonzero(np.isin(grams_a, shared))
    pos_b = np.flatnonzero(np.isin(grams_b, shared))
    # group positions by gram, then pair every a-position of a gram with every b-position
    order_b = pos_b[np.argsort(grams_b[pos_b], kind="stable")]
    keys_b = grams_b[order_b]
    first = np.searchsorted(keys_b, grams_a[pos_a], side="left")
    last = np.searchsorted(keys_b, grams_a[pos_a], side="right")
    counts = last - first
    i = np.repeat(pos_a, counts)
    offsets = np.arange(counts.sum()) - np.repeat(np.cumsum(counts) - counts, counts)
    j = order_b[np.repeat(first, counts) + offsets]
    pairs = np.column_stack([i, j]).astype(np.int64)
    return pairs[np.lexsort((pairs[:, 1], pairs[:, 0]))]


def _usable(grams: np.ndarray) -> np.ndarray:
    """The distinct non-zero grams of a text found at most MAX_GRAM_REPEAT times in it."""
    values, counts = np.unique(grams[grams != 0], return_counts=True)
    return values[counts <= MAX_GRAM_REPEAT]


def chain(matches: np.ndarray) -> list[np.ndarray]:
    """Seeds (sorted by i) grouped into chains: each seed joins the chain whose last seed is
    within MAX_GAP words on both sides with the closest diagonal (drift <= MAX_DRIFT), or
    starts a chain. Chains left MAX_GAP words behind are closed and never searched again."""
    open_chains: list[tuple[int, int, list[int]]] = []  # (last i, last j, seed indices)
    closed: list[list[int]] = []
    for k, (i, j) in enumerate(matches.tolist()):
        closed += [entry[2] for entry in open_chains if i - entry[0] > MAX_GAP]
        open_chains = [entry for entry in open_chains if i - entry[0] <= MAX_GAP]
        best, best_drift = -1, MAX_DRIFT + 1
        for n, (li, lj, _) in enumerate(open_chains):
            drift = abs((j - i) - (lj - li))
            if abs(j - lj) <= MAX_GAP + MAX_DRIFT and drift < best_drift:
                best, best_drift = n, drift
        if best < 0:
            open_chains.append((i, j, [k]))
        else:
            li, _, members = open_chains[best]
            members.append(k)
            open_chains[best] = (max(i, li), j, members)
    groups = closed + [entry[2] for entry in open_chains]
    return [matches[g] for g in sorted(groups, key=lambda g: g[0])]


def passages(grams_a: np.ndarray, grams_b: np.ndarray) -> list[Passage]:
    """The passages a and b share, in the order they start in a."""
    n_a, n_b = len(grams_a), len(grams_b)
    found = []
    for group in chain(seeds(grams_a, grams_b)):
        if GRAM_WORDS * len(group) < MIN_PASSAGE_WORDS:
            continue  # too few seeds to cover enough words, however they lie
        words_a = _covered(group[:, 0], n_a)
        words_b = _covered(group[:, 1], n_b)
        if min(len(words_a), len(words_b)) < MIN_PASSAGE_WORDS:
            continue
        span = (words_a[-1] - words_a[0] + 1) + (words_b[-1] - words_b[0] + 1)
        found.append(Passage(words_a, words_b, (len(words_a) + len(words_b)) / span))
    return found


def _covered(starts: np.ndarray, n: int) -> np.ndarray:
    """Distinct word positions covered by grams starting at `starts` (in a text of n words)."""
    words = (starts[:, np.newaxis] + np.arange(GRAM_WORDS)[np.newaxis, :]).ravel()
    return np.unique(words[words < n])
