"""The synonym table of the text-reuse development set (bench/data/reuse_synonyms.tsv,
derived from WordNet 3.0; its notice is at the top of the file): offline, no download."""

import functools
from pathlib import Path

TABLE = Path(__file__).resolve().parent / "data" / "reuse_synonyms.tsv"


@functools.cache
def _table() -> dict[tuple[str, str], tuple[tuple[str, ...], tuple[str, ...]]]:
    table = {}
    for line in TABLE.read_text(encoding="utf-8").splitlines():
        if not line or line.startswith("#"):
            continue
        lemma, pos, first, second = line.split("\t")
        table[(lemma, pos)] = (tuple(filter(None, first.split("|"))),
                               tuple(filter(None, second.split("|"))))  # fmt: skip
    return table


def synonyms(lemma: str, pos: str, senses: int = 1) -> list[str]:
    """Synonyms of a lemma (lower case) as part of speech `pos` (NOUN, VERB, ADJ, ADV), from
    its first sense, or its first two; the most usual first."""
    first, second = _table().get((lemma.lower(), pos), ((), ()))
    return list(first + (second if senses > 1 else ()))
