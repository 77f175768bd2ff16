"""Canonical names within one document: a shorter PERSON mention that ends a longer one of the
same document ("Putin" after "Vladimir Putin") takes the long form.

A one-word PERSON name that no longer name of its document explains is left as it is and marked
`alias_candidate`: across the corpus it may stand for the most frequent full form that ends with
it (the `entity_aliases` view decides, so that a researcher can check and undo every merge). A
one-word name that ends two different full forms of its document ("Putin" beside "Vladimir
Putin" and "Lyudmila Putin") stays as it is and is no candidate: nobody can tell which is meant.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

PERSON = "PERSON"


@dataclass(frozen=True, slots=True)
class Canonical:
    """What one mention counts as: its name, and whether the corpus may map it further."""

    name: str
    alias_candidate: bool


def canonical_names(mentions: Sequence[tuple[str, str]]) -> list[Canonical]:
    """The canonical name of each (norm, label) mention of one document, in order."""
    persons = {norm for norm, label in mentions if label == PERSON}
    full_forms = _maximal(name for name in persons if len(name.split()) > 1)
    return [_canonical(norm, label, full_forms) for norm, label in mentions]


def _maximal(names: Iterable[str]) -> list[str]:
    """The multi-word names that do not end a longer one ("Vladimir Putin" inside "President
    Vladimir Putin" is the same person, named at more length)."""
    unique = sorted(set(names))
    return [n for n in unique if not any(_ends(other, n) for other in unique)]


def _ends(longer: str, shorter: str) -> bool:
    """Whether the words of `shorter` are the last words of `longer`."""
    long_words, short_words = longer.split(), shorter.split()
    return len(long_words) > len(short_words) and long_words[-len(short_words) :] == short_words


def _canonical(norm: str, label: str, full_forms: list[str]) -> Canonical:
    if label != PERSON:
        return Canonical(norm, False)
    longer = [full for full in full_forms if _ends(full, norm)]
    if len(longer) == 1:
        return Canonical(longer[0], False)
    one_word = len(norm.split()) == 1
    return Canonical(norm, one_word and not longer)
