"""Sentence alignment that survives merges and splits: each sentence of the shorter text is
compared with every sentence of the longer one and every two consecutive ones (two source
sentences merged into one), by an IDF-weighted cosine over content lemmas. A sentence split
in two finds the same source sentence from both halves; reordering does not matter, since
each sentence looks everywhere. This is the evidence for heavy spins, where few word n-grams
survive but each sentence keeps its names, numbers and rare words.
"""

from dataclasses import dataclass

import numpy as np

# Universal POS tags that carry content; everything else (auxiliaries, determiners, pronouns,
# particles, punctuation, symbols) is the same in any two English sentences.
CONTENT_POS = ("NOUN", "PROPN", "VERB", "ADJ", "ADV", "NUM")
# A sentence needs 3 content lemmas to be compared: shorter ones ("Read more", "Leave a
# Reply", a byline) match by chance and are furniture rather than content.
MIN_SENTENCE_LEMMAS = 3
# Source sentences compared at once: one, or two in a row (a merge). Three in a row matched
# more unrelated same-topic sentences on BBC than it found merges on the development set.
WINDOW_SENTENCES = 2


@dataclass(frozen=True, slots=True)
class SentenceLemmas:
    """The content lemmas of a text's eligible sentences: one row per sentence and lemma."""

    sent: np.ndarray  # int32: sent_idx of the row's sentence
    lemma: np.ndarray  # uint64: the lemma's key
    idf: np.ndarray  # float64: its inverse document frequency over the corpus's sentences

    @property
    def sentences(self) -> np.ndarray:
        """The eligible sentences, sorted."""
        return np.unique(self.sent)


@dataclass(frozen=True, slots=True)
class SentenceMatch:
    """A sentence of the shorter text and its best counterpart in the longer: one sentence or
    two in a row (first..last), with their cosine similarity."""

    sent: int
    first: int
    last: int
    score: float


def align(short: SentenceLemmas, long: SentenceLemmas) -> list[SentenceMatch]:
    """The best counterpart of every eligible sentence of `short` in `long` (empty if either
    has no eligible sentence)."""
    s_ids, l_ids = short.sentences, long.sentences
    if not len(s_ids) or not len(l_ids):
        return []
    vocab = np.unique(np.concatenate([short.lemma, long.lemma]))
    s_mat = _matrix(short, s_ids, vocab)
    l_mat = _matrix(long, l_ids, vocab)
    windows = [(k, k) for k in range(len(l_ids))]
    windows += [(k, k + WINDOW_SENTENCES - 1) for k in range(len(l_ids) - WINDOW_SENTENCES + 1)]
    w_mat = np.stack([l_mat[first : last + 1].max(axis=0) for first, last in windows])
    # Only lemmas both texts hold add to a dot product: the product runs over those columns
    # (tens, not the hundreds of both vocabularies), with numpy's own loops: a small matrix
    # product through a multi-threaded BLAS cost 10x more on a busy machine.
    shared = np.isin(vocab, short.lemma) & np.isin(vocab, long.lemma)
    dots = np.einsum("ij,kj->ik", s_mat[:, shared], w_mat[:, shared])
    sim = dots / np.outer(_norms(s_mat), _norms(w_mat))
    best = sim.argmax(axis=1)
    return [
        SentenceMatch(
            sent=int(s_ids[row]),
            first=int(l_ids[windows[col][0]]),
            last=int(l_ids[windows[col][1]]),
            score=float(sim[row, col]),
        )
        for row, col in enumerate(best.tolist())
    ]


def _matrix(lemmas: SentenceLemmas, ids: np.ndarray, vocab: np.ndarray) -> np.ndarray:
    """One row per sentence of `ids`: the IDF of each of its lemmas in `vocab`, 0 elsewhere."""
    matrix = np.zeros((len(ids), len(vocab)))
    matrix[np.searchsorted(ids, lemmas.sent), np.searchsorted(vocab, lemmas.lemma)] = lemmas.idf
    return matrix


def _norms(matrix: np.ndarray) -> np.ndarray:
    return np.maximum(np.sqrt((matrix * matrix).sum(axis=1)), 1e-12)
