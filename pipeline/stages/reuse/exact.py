"""Exact copies: texts equal once case, spacing and punctuation are set aside."""

import hashlib
import re
import unicodedata

_NON_WORD = re.compile(r"[\W_]+")


def normalise_text(text: str) -> str:
    """Case-folded NFKC text with punctuation and whitespace runs collapsed to one space."""
    folded = unicodedata.normalize("NFKC", text).casefold()
    return " ".join(_NON_WORD.sub(" ", folded).split())


def text_hash(normalised: str) -> str | None:
    """The sha256 of a normalised text; None when it has no words."""
    return hashlib.sha256(normalised.encode("utf-8")).hexdigest() if normalised else None
