"""Text reuse, pure (pipeline.stages.reuse): passages, sentence alignment, kinds, stories."""

import hashlib
import math
from collections import Counter
from datetime import UTC, datetime, timedelta

import numpy as np
import pytest
import spacy

from pipeline.stages.reuse import sign_texts, text_key
from pipeline.stages.reuse.align import MIN_SENTENCE_LEMMAS, SentenceLemmas
from pipeline.stages.reuse.clusters import clusters
from pipeline.stages.reuse.compare import TextData, compare
from pipeline.stages.reuse.exact import normalise_text
from pipeline.stages.reuse.minhash import (
    LSH_BANDS,
    LSH_ROWS,
    LSH_THRESHOLD,
    MINHASH_SEED,
    NUM_PERM,
    band_keys,
    minhash,
)
from pipeline.stages.reuse.pairs import (
    NGRAM,
    PARTIAL,
    REWRITE,
    SENTENCE,
    decide,
    exact_pair,
    text_pair,
)
from pipeline.stages.reuse.passages import chain, passages, seeds

FLOOD = [
    "Heavy rain flooded the harbour district of Port Elling on Tuesday, forcing 300 families "
    "from their homes.",
    "Mayor Ilse Varga declared a state of emergency and asked the army for pumps and boats.",
    "The river Amsel rose four metres overnight, the highest level recorded since 1962.",
    "Engineers warned that the old northern dyke could fail if the rain continued into "
    "Thursday, and the army moved sandbags to the quay during the night.",
    "Schools and the central railway station will stay closed until the water drops.",
    "Insurers estimate the damage at 40 million euros, most of it to warehouses along the quay.",
    "Varga promised that every displaced family would receive temporary housing within a week.",
]
FLOOD_SPUN = [
    "On Tuesday torrential rain swamped the harbour district of Port Elling, and 300 families "
    "had to leave their homes.",
    "A state of emergency was declared by mayor Ilse Varga, who requested pumps and boats from "
    "the army.",
    "Overnight the Amsel river climbed four metres, its highest recorded level since 1962.",
    "According to engineers, the ageing northern dyke might give way should the rain last "
    "until Thursday.",
    "The central railway station and local schools remain closed until the water recedes.",
    "Damage is put at 40 million euros by insurers, mostly to warehouses on the quay.",
    "Every displaced family will get temporary housing within a week, Varga pledged.",
]
FLOOD_SAME_TOPIC = [
    "Port Elling football club postponed Saturday's match after the flood damaged its stadium.",
    "The club chairman said the pitch in the harbour district was still under water.",
    "Fans were asked to help volunteers fill sandbags near the quay on Sunday morning.",
    "Tickets will remain valid for the rescheduled game against Rovers in March.",
    "The team last played at home in October, beating Rovers by two goals to nil.",
    "The league said that all other fixtures would go ahead as planned this weekend.",
]
ELECTION = [
    "The city council of Marlow voted on Monday to close the old Kingsway bridge to cars.",
    "Councillors said the structure, built in 1931, could no longer carry heavy traffic safely.",
    "Buses will be diverted through the western ring road for at least eighteen months.",
    "Shop owners on the high street fear that fewer visitors will reach the market square.",
    "The council has promised a free shuttle service for pedestrians and cyclists.",
    "A public meeting about the closure will be held at the town hall next Thursday evening.",
]
# Cut and pasted from FLOOD: sentences 0 and 1 merged, 3 split in two, 4 dropped, the last
# moved to the front, and a sentence of the writer's own.
CUT = [
    FLOOD[6],
    FLOOD[0][:-1] + ", and mayor Ilse Varga declared a state of emergency and asked the army "
    "for pumps and boats.",
    FLOOD[2],
    "Engineers warned that the old northern dyke could fail if the rain continued into Thursday.",
    "The army moved sandbags to the quay during the night.",
    FLOOD[5],
    "In my view the town was not ready for this.",
]
# ELECTION with two sentences of FLOOD pasted into its middle.
PARTIAL_COPY = [*ELECTION[:3], FLOOD[3], FLOOD[5], *ELECTION[3:]]

_NLP = spacy.blank("en")
_NLP.add_pipe("sentencizer")


def _hash(text: str) -> int:
    return int.from_bytes(hashlib.blake2b(text.encode(), digest_size=8).digest(), "little")


def corpus(texts: dict[str, list[str]]) -> dict[str, tuple[str, TextData]]:
    """Each text (its sentences joined) and its TextData as the lake would build it, with a
    tokenizer-only model: a word's lemma is its lower-cased text, and every word that is not
    a stop word is a content lemma; IDF over the sentences of these texts."""
    parsed = {name: _NLP(" ".join(sentences)) for name, sentences in texts.items()}
    lemmas = {name: _sentence_lemmas(doc) for name, doc in parsed.items()}
    df = Counter(lemma for rows in lemmas.values() for _, lemma in set(rows))
    n = sum(len({s for s, _ in rows}) for rows in lemmas.values())
    out = {}
    for key, (name, doc) in enumerate(parsed.items(), start=1):
        words = [t for t in doc if not t.is_punct and not t.is_space]
        lower = [t.lower_ for t in words]
        grams = [
            0 if k + 2 >= len(words) or all(t.is_stop for t in words[k : k + 3])
            else _hash(" ".join(lower[k : k + 3]))
            for k in range(len(words))
        ]  # fmt: skip
        rows = sorted(lemmas[name])
        out[name] = (
            doc.text,
            TextData(
                key=key,
                n_chars=len(doc.text),
                grams=np.array(grams, dtype=np.uint64),
                starts=np.array([t.idx for t in words], dtype=np.int32),
                ends=np.array([t.idx + len(t) for t in words], dtype=np.int32),
                sents=np.array([_sentence(doc, t) for t in words], dtype=np.int32),
                stops=np.array([t.is_stop for t in words], dtype=bool),
                lemmas=SentenceLemmas(
                    np.array([s for s, _ in rows], dtype=np.int32),
                    np.array([_hash(lemma) for _, lemma in rows], dtype=np.uint64),
                    np.array([math.log((n + 1) / (df[lemma] + 1)) for _, lemma in rows]),
                ),
            ),
        )
    return out


def _sentence(doc: spacy.tokens.Doc, token: spacy.tokens.Token) -> int:
    return next(k for k, sent in enumerate(doc.sents) if sent.start <= token.i < sent.end)


def _sentence_lemmas(doc: spacy.tokens.Doc) -> set[tuple[int, str]]:
    rows = set()
    for k, sent in enumerate(doc.sents):
        mine = {t.lower_ for t in sent if not (t.is_stop or t.is_punct or t.is_space)}
        if len(mine) >= MIN_SENTENCE_LEMMAS:
            rows |= {(k, lemma) for lemma in mine}
    return rows


@pytest.fixture(scope="module")
def texts() -> dict[str, tuple[str, TextData]]:
    return corpus(
        {
            "flood": FLOOD,
            "spun": FLOOD_SPUN,
            "football": FLOOD_SAME_TOPIC,
            "election": ELECTION,
            "cut": CUT,
            "partial": PARTIAL_COPY,
        }
    )


def test_a_cut_text_with_merges_splits_drops_and_reordering_is_a_rewrite(texts) -> None:
    features = compare(texts["flood"][1], texts["cut"][1])
    assert decide(features) == REWRITE
    assert features.coverage(0.5) >= 0.8  # the writer's own sentence is all that is left out
    # the merged, split and moved sentences are each found, in passages of their own
    assert len(features.passages) >= 3


def test_passages_are_character_offsets_into_both_texts(texts) -> None:
    (text_a, a), (text_b, b) = texts["flood"], texts["partial"]
    pair = text_pair(compare(a, b), near=None)
    assert pair is not None and pair.kind == PARTIAL
    copied = [p for p in pair.passages if p.method == NGRAM]
    # the two pasted sentences, apart in the source and together in the copy: two passages,
    # the same words on both sides
    assert [text_a[p.start_a : p.end_a] for p in copied] == [FLOOD[3][:-1], FLOOD[5][:-1]]
    assert [text_b[p.start_b : p.end_b] for p in copied] == [FLOOD[3][:-1], FLOOD[5][:-1]]
    assert [p.score for p in copied] == [1.0, 1.0]


def test_a_partial_copy_is_partial_with_shares_from_each_side(texts) -> None:
    pair = text_pair(compare(texts["flood"][1], texts["partial"][1]), near=None)
    assert pair.kind == PARTIAL
    assert 0.2 < pair.share_b < 0.5  # two sentences of eight
    assert 0.25 < pair.share_a < 0.6  # two sentences of seven, one of them long


def test_a_heavy_spin_is_found_by_sentence_alignment(texts) -> None:
    features = compare(texts["flood"][1], texts["spun"][1])
    assert decide(features) == REWRITE
    aligned = [m for m in features.matches if m.score >= 0.5]
    assert len(aligned) >= 5
    # the counterparts keep the source's order: each sentence finds its own
    assert all(m.sent == m.first for m in aligned)
    pair = text_pair(features, near=None)
    assert {p.method for p in pair.passages} >= {SENTENCE}
    assert 0.3 < pair.similarity < 0.95  # spun, not copied


def test_texts_on_the_same_topic_are_no_pair(texts) -> None:
    assert decide(compare(texts["flood"][1], texts["football"][1])) is None
    assert decide(compare(texts["flood"][1], texts["election"][1])) is None


def test_seeds_chain_across_an_edit_but_not_across_a_jump() -> None:
    a = np.array([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12], dtype=np.uint64)
    # b: a's first six grams, one changed word (two grams lost), the rest; then a's start again
    b = np.array([1, 2, 3, 4, 90, 91, 7, 8, 9, 10, 11, 12, 50, 51, 1, 2, 3], dtype=np.uint64)
    found = seeds(a, b)
    assert [tuple(s) for s in found[:3]] == [(0, 0), (0, 14), (1, 1)]
    groups = chain(found)
    assert [len(g) for g in groups] == [10, 3]
    assert len(passages(a, b)) == 1  # the three-gram echo is under MIN_PASSAGE_WORDS


def test_a_gram_repeated_in_a_text_is_no_seed() -> None:
    a = np.array([7, 1, 7, 2, 7, 3, 7, 4, 0], dtype=np.uint64)
    assert [tuple(s) for s in seeds(a, a)] == [(1, 1), (3, 3), (5, 5), (7, 7)]


def test_exact_copies_are_one_whole_text_passage(texts) -> None:
    pair = exact_pair(texts["flood"][1], texts["cut"][1])
    assert pair.kind == "exact" and len(pair.passages) == 1
    assert (pair.passages[0].start_a, pair.passages[0].end_a) == (0, texts["flood"][1].n_chars)


def test_stories_keep_the_name_of_their_earliest_member_as_they_grow() -> None:
    start = datetime(2025, 1, 1, tzinfo=UTC)
    seen = {doc: start + timedelta(days=k) for k, doc in enumerate("bacdef")}
    first = clusters([("a", "b"), ("c", "d")], seen)
    assert first == {"a": "b", "b": "b", "c": "c", "d": "c"}
    # e joins b's story: the name stays; f links both stories: the older name wins
    assert clusters([("a", "b"), ("c", "d"), ("a", "e")], seen)["e"] == "b"
    merged = clusters([("a", "b"), ("c", "d"), ("a", "e"), ("f", "d"), ("f", "a")], seen)
    assert set(merged.values()) == {"b"}


def test_normalise_text_ignores_case_whitespace_and_punctuation() -> None:
    assert normalise_text("  The BRIDGE,\n\tclosed -- again!  ") == "the bridge closed again"
    assert normalise_text("Straße") == normalise_text("STRASSE")


def test_signatures_and_text_keys() -> None:
    table = sign_texts([(1, "a.txt", "The Bridge closed."), (2, "b.txt", "the bridge, CLOSED"),
                        (3, "c.txt", "  ")])  # fmt: skip
    hashes = table["text_hash"].to_pylist()
    assert hashes[0] == hashes[1] and hashes[2] is None
    assert table["minhash"].to_pylist()[2] is None
    assert text_key("v1", "text") == text_key("v1", "text") != text_key("v2", "text")
    signature = np.frombuffer(table["minhash"].to_pylist()[0], dtype=np.uint32)
    assert len(band_keys(signature)) == LSH_BANDS
    assert (band_keys(signature) == band_keys(signature.copy())).all()


def test_minhash_and_banding_match_datasketch() -> None:
    """The signatures are datasketch's (default scheme, same seed), computed without it."""
    from datasketch import MinHash, MinHashLSH

    rng = np.random.default_rng(3)
    for size in (1, 7, 500):
        shingles = np.unique(rng.integers(0, 2**32, size, dtype=np.uint64))
        expected = MinHash.bulk([shingles], num_perm=NUM_PERM, seed=MINHASH_SEED, hashfunc=int)
        assert minhash(shingles).tolist() == expected[0].hashvalues.tolist()
    lsh = MinHashLSH(threshold=LSH_THRESHOLD, num_perm=NUM_PERM)
    assert (lsh.b, lsh.r) == (LSH_BANDS, LSH_ROWS)
