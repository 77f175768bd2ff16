"""Exact copies: documents whose normalised text hashes the same."""

import re
import unicodedata
from collections.abc import Iterable

import polars as pl

_NON_WORD = re.compile(r"[\W_]+")


def touches(focus: frozenset[str] | None, doc_a: str, doc_b: str) -> bool:
    """Whether a pair is to be (re)computed: always in a full pass, else if a side changed."""
    return focus is None or doc_a in focus or doc_b in focus


def normalise_text(text: str) -> str:
    """Case-folded NFKC text with punctuation and whitespace runs collapsed to one space."""
    folded = unicodedata.normalize("NFKC", text).casefold()
    return " ".join(_NON_WORD.sub(" ", folded).split())


def exact_pairs(
    signatures: pl.DataFrame, focus: frozenset[str] | None
) -> dict[tuple[str, str], float]:
    """Pairs of documents whose normalised texts are identical, grouped by hash."""
    groups = (
        signatures.filter(pl.col("text_hash").is_not_null())
        .group_by("text_hash")
        .agg(pl.col("doc_id").sort())
        .filter(pl.col("doc_id").list.len() > 1)
    )
    pairs = (pair for group in groups["doc_id"].to_list() for pair in pairs_within(group))
    return dict.fromkeys(sorted(p for p in pairs if touches(focus, *p)), 1.0)


def pairs_within(group: list[str]) -> Iterable[tuple[str, str]]:
    """All ordered pairs (a < b) of one group of sorted ids."""
    for i, doc_a in enumerate(group):
        for doc_b in group[i + 1 :]:
            yield doc_a, doc_b
