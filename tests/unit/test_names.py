"""Canonical names within one document."""

from pipeline.stages.names import Canonical, canonical_names


def test_a_surname_takes_the_documents_full_name():
    mentions = [("Vladimir Putin", "PERSON"), ("Putin", "PERSON"), ("Kremlin", "ORG")]
    names = canonical_names([*mentions, ("Putin", "PERSON")])
    assert [n.name for n in names] == [
        "Vladimir Putin",
        "Vladimir Putin",
        "Kremlin",
        "Vladimir Putin",
    ]
    assert not any(n.alias_candidate for n in names)


def test_a_surname_alone_is_a_candidate_for_the_corpus_and_other_labels_are_left_alone():
    names = canonical_names([("Lukashenko", "PERSON"), ("Putin", "GPE"), ("Minsk", "GPE")])
    assert names == [
        Canonical("Lukashenko", True),
        Canonical("Putin", False),
        Canonical("Minsk", False),
    ]


def test_a_surname_of_two_people_stays_itself_and_is_no_candidate():
    names = canonical_names(
        [("Vladimir Putin", "PERSON"), ("Lyudmila Putin", "PERSON"), ("Putin", "PERSON")]
    )
    assert names[2] == Canonical("Putin", False)
    assert names[0] == Canonical("Vladimir Putin", False)


def test_a_name_inside_a_longer_form_of_the_same_person_takes_the_longest():
    names = canonical_names(
        [("President Vladimir Putin", "PERSON"), ("Vladimir Putin", "PERSON"), ("Putin", "PERSON")]
    )
    assert {n.name for n in names} == {"President Vladimir Putin"}


def test_only_whole_words_end_a_name():
    names = canonical_names([("Alexander Lukashenko", "PERSON"), ("Shenko", "PERSON")])
    assert names[1] == Canonical("Shenko", True)
