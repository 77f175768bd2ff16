"""The sentence index of rewrite detection: each sentence's content lemmas, IDF weights,
candidate sentence pairs from an inverted index, and their IDF-weighted cosine scores."""

from dataclasses import dataclass

import polars as pl

# Anchors: sentence pairs that are each other's best counterpart at IDF-weighted cosine >= 0.3.
# On the Belarus seed files the unrelated same-topic article's sentences never reach 0.26
# against either other file, while most spun counterparts score 0.3-0.96.
STRONG_SIMILARITY = 0.3
# Between two in-order anchors, a pair at 0.15 is accepted as the counterpart: heavily spun
# sentences of the seed rewrite keep only a name or two and score 0.2-0.26; out of order that
# is chance, between the counterparts of the neighbouring sentences it is not.
WEAK_SIMILARITY = 0.15
# Universal POS tags that carry content; everything else (auxiliaries, determiners, pronouns,
# particles, punctuation, symbols) is the same in any two English sentences.
CONTENT_POS = ("NOUN", "PROPN", "VERB", "ADJ", "ADV", "NUM")
# A sentence needs 4 content lemmas to be aligned or counted: shorter ones ("Read more",
# "Leave a Reply", a byline) match by chance and are boilerplate rather than content.
MIN_SENTENCE_LEMMAS = 4
# Lemmas in more than 100 sentences ("say", "year", "Ukraine" in a corpus about Ukraine) are
# topic words, not evidence of reuse; leaving them out of the index bounds the candidate pairs
# by 100 * postings / 2, linear in corpus size (2.8M raw pairs on the 35k BBC sentences).
# They still count when a candidate pair is scored.
MAX_LEMMA_SENTENCES = 100
# Two shared indexed lemmas: one shared name is topic, two rare words in one sentence pair
# (a name and a number, two names) is where rewrites start; on BBC it cuts the 2.7M sentence
# pairs sharing one indexed lemma to 83k.
MIN_SHARED_RARE_LEMMAS = 2
# Work in slices so that memory does not grow with the corpus: the index join takes the
# postings of 250 documents at a time, scoring 50,000 candidate pairs at a time (measured on
# 4 copies of BBC, 8,900 files: a full pass peaked at 1.6 GB in one piece, 1.35 GB in slices
# of 1,000 / 200,000, 1.09 GB in these, for +1.3 s).
INDEX_CHUNK_DOCS = 250
SCORE_CHUNK_PAIRS = 50_000
# IDF^2 weights are stored as integers (x 1e6) so sums are exact and independent of the order
# in which a parallel group-by adds them: identical inputs give bit-identical scores.
WEIGHT_SCALE = 1_000_000
_PAIR_KEYS = ["did_a", "did_b"]


@dataclass(frozen=True)
class Scored:
    """Scored candidate sentence pairs and what is needed to read them back."""

    rows: pl.DataFrame  # did_a, did_b, sid_a, sid_b, score; sorted
    sent_idx: dict[int, int]  # sid -> sent_idx
    n_sentences: dict[int, int]  # did -> eligible sentences


def content_lemmas(doc_ids: list[str], tokens: pl.DataFrame) -> pl.DataFrame:
    """One row per distinct content lemma of each eligible sentence, from tokens (doc_id,
    sent_idx, lemma, pos, is_stop, is_punct): see `index_lemmas` for the columns."""
    dids = pl.DataFrame(
        {"doc_id": doc_ids, "did": list(range(len(doc_ids)))},
        schema={"doc_id": pl.String, "did": pl.Int32},
    )
    content = (
        tokens.lazy()
        .join(dids.lazy(), on="doc_id")
        .filter(~pl.col("is_stop") & ~pl.col("is_punct") & pl.col("pos").is_in(list(CONTENT_POS)))
        .select("did", "sent_idx", lemma_key=pl.col("lemma"))
    )
    names = content.select("lemma_key").unique().with_columns(lemma="lemma_key").collect()
    return index_lemmas(content, names)


def index_lemmas(content: pl.LazyFrame, names: pl.DataFrame) -> pl.DataFrame:
    """The index: one row per distinct content lemma of each eligible sentence (at least
    MIN_SENTENCE_LEMMAS of them), from content tokens (did, sent_idx, lemma_key) and the lemma
    each key names (lemma_key, lemma). A key is the lemma itself or a number for it, so the
    corpus's lemma strings need not be in memory row by row; lemmas are normalised (stripped,
    lower case, at least one word character) once per distinct lemma.

    Columns: did (index of doc_id in the sorted ids), sent_idx, sid (sentence number over the
    corpus), lid (lemma id), df (eligible sentences with the lemma), w (quantised IDF^2 weight).
    """
    normal = names.lazy().with_columns(lemma=pl.col("lemma").str.strip_chars().str.to_lowercase())
    normal = normal.filter(pl.col("lemma").str.contains(r"\w"))
    lids = normal.select("lemma").unique().with_columns(lid=pl.col("lemma").rank("dense"))
    keys = normal.join(lids, on="lemma").select("lemma_key", pl.col("lid").cast(pl.Int64))
    lemmas = (
        content.join(keys, on="lemma_key")
        .select(pl.col("did").cast(pl.Int32), pl.col("sent_idx").cast(pl.Int32), "lid")
        .unique()
        .collect()
    )
    sentences = (
        lemmas.group_by("did", "sent_idx")
        .len()
        .filter(pl.col("len") >= MIN_SENTENCE_LEMMAS)
        .sort("did", "sent_idx")
        .with_row_index("sid")
        .select(pl.col("sid").cast(pl.Int64), "did", "sent_idx")
    )
    lemmas = lemmas.join(sentences, on=["did", "sent_idx"])
    return lemmas.join(idf_weights(lemmas, sentences.height), on="lid")


def idf_weights(lemmas: pl.DataFrame, n_sentences: int) -> pl.DataFrame:
    """lid, df (sentences containing the lemma), w = round(idf^2 * WEIGHT_SCALE)."""
    idf = ((n_sentences + 1) / (pl.col("df") + 1)).log()
    return (
        lemmas.group_by("lid")
        .agg(df=pl.len())
        .with_columns(w=(idf * idf * WEIGHT_SCALE).round().cast(pl.Int64))
    )


def indexed_candidates(lemmas: pl.DataFrame, focus: list[int] | None = None) -> pl.DataFrame:
    """Sentence pairs of different documents sharing enough lemmas that are not too common;
    only pairs with a document in `focus` (dids) when given.

    The inverted index is a join on lemma of the postings of indexed lemmas: those of
    INDEX_CHUNK_DOCS focus documents at a time with all, so the join's size does not grow with
    the corpus. A pair is counted from one side only (its lower did when both are in focus),
    so all its shared lemmas meet in one chunk; a pair of sentence ids is packed into one
    integer key so counting them is one group-by.
    """
    n = int(lemmas["sid"].max() or 0) + 1
    index = lemmas.filter(pl.col("df") <= MAX_LEMMA_SENTENCES).select("lid", "did", "sid")
    chosen = sorted(set(index["did"].to_list()) if focus is None else focus)
    other_chosen = pl.lit(True) if focus is None else pl.col("did_o").is_in(chosen)
    lower = pl.col("did") < pl.col("did_o")
    parts = [pl.DataFrame(schema={"sid_a": pl.Int64, "sid_b": pl.Int64})]
    for start in range(0, len(chosen), INDEX_CHUNK_DOCS):
        chunk = chosen[start : start + INDEX_CHUNK_DOCS]
        joined = (
            index.filter(pl.col("did").is_in(chunk))
            .join(index, on="lid", suffix="_o")
            .filter((pl.col("did") != pl.col("did_o")) & ~(other_chosen & ~lower))
            .select(
                sid=pl.when(lower).then("sid").otherwise("sid_o"),
                sid_b=pl.when(lower).then("sid_o").otherwise("sid"),
            )
        )
        parts.append(
            joined.group_by(key=pl.col("sid") * n + pl.col("sid_b"))
            .agg(shared=pl.len())
            .filter(pl.col("shared") >= MIN_SHARED_RARE_LEMMAS)
            .select(sid_a=pl.col("key") // n, sid_b=pl.col("key") % n)
        )
    return pl.concat(parts)


def forced_candidates(
    doc_ids: list[str],
    lemmas: pl.DataFrame,
    forced: list[tuple[str, str]],
    diagonal: list[tuple[str, str]] = (),
) -> pl.DataFrame:
    """All sentence pairs of the `forced` document pairs (near duplicates), and the same-index
    sentence pairs of the `diagonal` ones (exact copies: identical text, identical sentences;
    all pairs there would cost the square of their length for nothing, times the square of a
    cluster of copies)."""
    sentences = lemmas.select("did", "sid", "sent_idx").unique()
    full = _doc_pairs(doc_ids, forced).join(sentences, left_on="did_a", right_on="did")
    full = full.join(sentences, left_on="did_b", right_on="did", suffix="_b")
    same = _doc_pairs(doc_ids, list(diagonal)).join(sentences, left_on="did_a", right_on="did")
    same = same.join(
        sentences, left_on=["did_b", "sent_idx"], right_on=["did", "sent_idx"], suffix="_b"
    )
    return pl.concat(
        [full.select(sid_a="sid", sid_b="sid_b"), same.select(sid_a="sid", sid_b="sid_b")]
    )


def _doc_pairs(doc_ids: list[str], pairs: list[tuple[str, str]]) -> pl.DataFrame:
    position = {doc_id: i for i, doc_id in enumerate(doc_ids)}
    return pl.DataFrame(
        {
            "did_a": [position[a] for a, _ in pairs],
            "did_b": [position[b] for _, b in pairs],
        },
        schema={"did_a": pl.Int32, "did_b": pl.Int32},
    )


def score_candidates(lemmas: pl.DataFrame, candidates: pl.DataFrame) -> pl.DataFrame:
    """did_a, did_b, sid_a, sid_b, score: IDF-weighted cosine of the two lemma sets."""
    weights = lemmas.select("sid", "lid", "w")
    norms = lemmas.group_by("sid").agg(did=pl.col("did").first(), norm=pl.col("w").sum())
    dots = (
        candidates.join(weights, left_on="sid_a", right_on="sid")
        .join(weights, left_on=["sid_b", "lid"], right_on=["sid", "lid"], suffix="_b")
        .group_by("sid_a", "sid_b")
        .agg(dot=pl.col("w").sum())
    )
    return (
        dots.join(norms, left_on="sid_a", right_on="sid")
        .join(norms, left_on="sid_b", right_on="sid", suffix="_b")
        .select(
            did_a="did",
            did_b="did_b",
            sid_a="sid_a",
            sid_b="sid_b",
            score=pl.col("dot")
            / (pl.col("norm").cast(pl.Float64).sqrt() * pl.col("norm_b").cast(pl.Float64).sqrt()),
        )
    )


def scored_pairs(
    doc_ids: list[str],
    lemmas: pl.DataFrame,
    forced: list[tuple[str, str]],
    diagonal: list[tuple[str, str]] = (),
    focus: frozenset[str] | None = None,
    skip: list[tuple[str, str]] = (),
) -> Scored:
    """Candidate sentence pairs scored at least WEAK_SIMILARITY, with sentence counts; none
    of the document pairs in `skip` (already aligned)."""
    dids = None if focus is None else [i for i, d in enumerate(doc_ids) if d in focus]
    candidates = pl.concat(
        [indexed_candidates(lemmas, dids), forced_candidates(doc_ids, lemmas, forced, diagonal)]
    ).unique()
    scored = pl.concat(
        [
            score_candidates(lemmas, candidates.slice(start, SCORE_CHUNK_PAIRS)).filter(
                pl.col("score") >= WEAK_SIMILARITY
            )
            for start in range(0, max(candidates.height, 1), SCORE_CHUNK_PAIRS)
        ]
    ).join(_doc_pairs(doc_ids, list(skip)), on=_PAIR_KEYS, how="anti")
    anchored = scored.filter(pl.col("score") >= STRONG_SIMILARITY).select(_PAIR_KEYS).unique()
    rows = scored.join(anchored, on=_PAIR_KEYS, how="semi").sort("did_a", "did_b", "sid_a", "sid_b")
    sentences = lemmas.select("did", "sid", "sent_idx").unique()
    counts = sentences.group_by("did").len()
    return Scored(
        rows=rows,
        sent_idx=dict(
            zip(sentences["sid"].to_list(), sentences["sent_idx"].to_list(), strict=True)
        ),
        n_sentences=dict(zip(counts["did"].to_list(), counts["len"].to_list(), strict=True)),
    )
