"""Near duplicates: a MinHash of each text's word shingles, LSH band keys for candidates (the
lake joins them), kept when the estimated Jaccard similarity is at least NEAR_DUP_JACCARD."""

import hashlib

import numpy as np

# Word shingles of 5: long enough that two unrelated news texts share almost none (shared
# stock phrases are 2-4 words), short enough that an edited word only removes 5 shingles.
SHINGLE_WORDS = 5
# 128 permutations: the Jaccard estimate's standard error at 0.5 is sqrt(0.25 / 128) = 0.044,
# fine next to the 0.43-0.54 gap below; more permutations only slow hashing.
NUM_PERM = 128
# Fixed so that two runs build the same permutations, hence the same signatures and pairs.
MINHASH_SEED = 1
# Near duplicates: on the BBC corpus the estimates split with a gap between 0.43 (two
# separately written versions of one story) and 0.54 (one story, the other copy cut short);
# at 0.5 more than half of the union of shingles is shared, i.e. one text is the other with
# edits, a cut or an addition. Spun rewrites score below 0.1.
NEAR_DUP_JACCARD = 0.5
# The LSH index is tuned a little below the verification threshold so that pairs just above
# 0.5 are not lost to banding; each candidate is then checked against NEAR_DUP_JACCARD.
LSH_THRESHOLD = 0.4
# The banding MinHashLSH(threshold=0.4, num_perm=128) chooses (minimising false positives and
# negatives around the threshold): 32 bands of 4 values.
LSH_BANDS, LSH_ROWS = 32, 4

# Odd 64-bit constant (from the golden ratio) mixing word hashes into a shingle hash.
_SHINGLE_MULTIPLIER = np.uint64(0x9E3779B97F4A7C15)
# The MinHash permutations, drawn as datasketch draws them for seed MINHASH_SEED (its own
# implementation is not used: importing it loads scipy and pandas, 0.7 s and 40 MB per run).
_PERMUTATIONS = np.random.RandomState(MINHASH_SEED)
_PERM_A = _PERMUTATIONS.randint(0, 1 << 31, NUM_PERM, dtype=np.uint32) * np.uint32(2) + np.uint32(1)
_PERM_B = _PERMUTATIONS.randint(0, 1 << 32, NUM_PERM, dtype=np.uint32)


def word_hash(word: str) -> int:
    """A stable 64-bit hash of one word (Python's hash() changes between runs)."""
    return int.from_bytes(hashlib.blake2b(word.encode("utf-8"), digest_size=8).digest(), "little")


def shingle_hashes(words: list[str], hashes: dict[str, int]) -> np.ndarray:
    """Distinct 32-bit hashes of the word SHINGLE_WORDS-grams (of the whole text if shorter).

    Each word is hashed once; a shingle's hash combines its words' hashes, so no shingle
    string is ever built.
    """
    hashes.update((word, word_hash(word)) for word in set(words).difference(hashes))
    values = np.array([hashes[word] for word in words], dtype=np.uint64)
    width = min(SHINGLE_WORDS, len(values))
    combined = np.zeros(len(values) - width + 1, dtype=np.uint64)
    for k in range(width):
        combined = combined * _SHINGLE_MULTIPLIER + values[k : len(values) - width + 1 + k]
    return np.unique((combined ^ (combined >> np.uint64(32))) & np.uint64(0xFFFFFFFF))


def band_keys(signature: np.ndarray) -> np.ndarray:
    """The LSH_BANDS keys of one signature: each band's LSH_ROWS values packed into one
    64-bit number. Two texts are near-duplicate candidates when one key of the same band is
    equal (a collision of two different bands' packing only adds a candidate, which the
    Jaccard check then drops)."""
    bands = signature[: LSH_BANDS * LSH_ROWS].astype(np.uint64).reshape(LSH_BANDS, LSH_ROWS)
    high = (bands[:, 0] << np.uint64(32)) | bands[:, 1]
    low = (bands[:, 2] << np.uint64(32)) | bands[:, 3]
    return high ^ (low * _SHINGLE_MULTIPLIER)


def jaccard(signature_a: np.ndarray, signature_b: np.ndarray) -> float:
    """The Jaccard similarity of two shingle sets, estimated from their signatures."""
    return float((signature_a == signature_b).mean())


def minhash(shingles: np.ndarray) -> np.ndarray:
    """The NUM_PERM minima of a set of 32-bit shingle hashes (uint32), as datasketch 2.0's
    default scheme computes them: each hash pre-mixed by the MurmurHash3 finalizer, then
    mapped by h -> a*h + b mod 2^32 (odd a: a bijection) for each permutation."""
    mixed = _fmix32(shingles.astype(np.uint32))[:, np.newaxis]
    return (mixed * _PERM_A + _PERM_B).min(axis=0)


def _fmix32(values: np.ndarray) -> np.ndarray:
    values = values ^ (values >> np.uint32(16))
    values = values * np.uint32(0x85EBCA6B)
    values = values ^ (values >> np.uint32(13))
    values = values * np.uint32(0xC2B2AE35)
    return values ^ (values >> np.uint32(16))
