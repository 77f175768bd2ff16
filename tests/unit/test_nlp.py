import spacy
from spacy.tokens import Span

from pipeline.schema import ENTITIES, SENTENCES, TOKENS
from pipeline.stages.annotate import annotate, normalise_entity, to_tables
from pipeline.timing import Timings


def test_entity_norm_groups_possessives_and_articles():
    assert normalise_entity("Russia's") == "Russia"
    assert normalise_entity("Russia’s") == "Russia"
    assert normalise_entity("the Kremlin") == "Kremlin"
    assert normalise_entity("the  Russian\nFederation") == "Russian Federation"
    assert normalise_entity("“Belarus”") == "Belarus"


def test_tables_have_declared_schemas_and_document_offsets():
    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    result = annotate(nlp, [("a.txt", "Kyiv is quiet. People wait."), ("b.txt", "One more.")])
    assert result.tokens.schema == TOKENS
    assert result.sentences.schema == SENTENCES
    assert result.entities.schema == ENTITIES
    rows = result.tokens.to_pylist()
    assert [r["text"] for r in rows if r["doc_id"] == "a.txt"] == [
        "Kyiv", "is", "quiet", ".", "People", "wait", ".",
    ]  # fmt: skip
    assert [r["sent_idx"] for r in rows if r["doc_id"] == "a.txt"] == [0, 0, 0, 0, 1, 1, 1]
    assert [r["tok_idx"] for r in rows if r["doc_id"] == "b.txt"] == [0, 1, 2]
    people = next(r for r in rows if r["text"] == "People")
    assert people["start_char"] == 15
    assert people["is_punct"] is False
    sentences = result.sentences.to_pylist()
    assert [(s["doc_id"], s["sent_idx"], s["text"]) for s in sentences] == [
        ("a.txt", 0, "Kyiv is quiet."),
        ("a.txt", 1, "People wait."),
        ("b.txt", 0, "One more."),
    ]


def test_no_documents_give_empty_tables():
    result = to_tables([])
    assert result.tokens.num_rows == 0
    assert result.tokens.schema == TOKENS


def test_streamed_minibatches_give_the_same_tables_as_one_conversion():
    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    texts = [(f"{i}.txt", f"Story {i} starts. It ends in Kyiv on day {i}.") for i in range(7)]
    timings = Timings()
    streamed = annotate(  # converted in groups of 3, 3 and 1
        nlp, iter(texts), batch_size=2, convert_every=3, timings=timings
    )
    assert set(timings.seconds) == {"nlp", "convert"}
    whole = to_tables([(doc, doc_id) for doc_id, doc in ((d, nlp(t)) for d, t in texts)])
    assert streamed.tokens.equals(whole.tokens)
    assert streamed.sentences.equals(whole.sentences)
    assert streamed.entities.equals(whole.entities)
    assert streamed.tokens.num_rows == 7 * 12
    assert streamed.tokens.column("doc_id").num_chunks == 3


def test_sentences_and_entities_match_spacy_spans_with_or_without_the_texts():
    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    text = "  Kyiv  is quiet.\n\nPeople   wait in Lviv .  Then  \n"
    doc = nlp(text)
    doc.ents = [Span(doc, 1, 2, label="GPE"), Span(doc, 11, 12, label="GPE")]
    expected_sents = [(s.start_char, s.end_char, s.text) for s in doc.sents]
    expected_ents = [(e.text, e.start_char, e.end_char) for e in doc.ents]
    sent_of = {t.i: i for i, s in enumerate(doc.sents) for t in s}
    for given in (None, [text]):
        result = to_tables([(doc, "a.txt")], texts=given)
        sents = result.sentences.to_pylist()
        assert [(s["start_char"], s["end_char"], s["text"]) for s in sents] == expected_sents
        assert [s["sent_idx"] for s in sents] == list(range(len(expected_sents)))
        ents = result.entities.to_pylist()
        assert [(e["text"], e["start_char"], e["end_char"]) for e in ents] == expected_ents
        assert [e["sent_idx"] for e in ents] == [sent_of[e.start] for e in doc.ents]
    assert len(expected_sents) == 3 and expected_ents[1][0] == "Lviv"
