"""spaCy annotation: a batch of cleaned texts in, column tables out.

Docs are converted in bulk with `Doc.to_array`, a minibatch at a time as it is parsed (hash ids
mapped to strings once per distinct value), never token by token in Python, so conversion stays
a small share of the model's own time. Only entities are walked one by one (a handful per document).
"""

import re
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import spacy
from spacy.attrs import DEP, ENT_TYPE, HEAD, IDX, IS_PUNCT, IS_STOP, LEMMA, ORTH, POS, TAG
from spacy.language import Language
from spacy.tokens import Doc

from pipeline.schema import ENTITIES, SENTENCES, TOKENS
from pipeline.settings import MAX_CHARS, MODEL

TOKEN_ATTRS = [ORTH, LEMMA, POS, TAG, DEP, HEAD, ENT_TYPE, IS_STOP, IS_PUNCT, IDX]
STRING_ATTRS = {"text": 0, "lemma": 1, "pos": 2, "tag": 3, "dep": 4, "ent_type": 6}
LEADING_ARTICLE = re.compile(r"^(?:the|a|an)\s+", re.IGNORECASE)
POSSESSIVE = re.compile(r"[’']s?$")
SPACES = re.compile(r"\s+")


@dataclass(frozen=True, slots=True)
class Annotations:
    """The annotation of a batch of documents, one Arrow table per lake table."""

    sentences: pa.Table
    tokens: pa.Table
    entities: pa.Table


def load_model(name: str = MODEL) -> Language:
    """The installed spaCy pipeline (a package, never a download)."""
    nlp = spacy.load(name)  # "blank:en" gives a fast tokenizer-only pipeline for tests
    if not ({"parser", "senter", "sentencizer"} & set(nlp.pipe_names)):
        nlp.add_pipe("sentencizer")  # every table needs sentence boundaries
    nlp.max_length = MAX_CHARS
    return nlp


def model_version(nlp: Language) -> str:
    return f"{nlp.meta.get('lang', 'xx')}_{nlp.meta.get('name', 'model')}-{nlp.meta['version']}"


def annotate(
    nlp: Language, texts: Iterable[tuple[str, str]], *, batch_size: int = 64
) -> Annotations:
    """Annotate (doc_id, text) pairs; the tables hold every document in input order."""
    pairs = ((text, doc_id) for doc_id, text in texts)
    return stream_tables(nlp, pairs, batch_size=batch_size)[0]


def stream_tables(
    nlp: Language, texts: Iterable[tuple[str, str]], *, batch_size: int
) -> tuple[Annotations, float]:
    """Annotate (text, doc_id) pairs, converting each minibatch of Docs to columns as soon as
    it is parsed, so only `batch_size` Docs (with their tok2vec tensors) are alive at once.
    Returns the tables and the seconds spent converting (the rest is spaCy's)."""
    parts: list[Annotations] = []
    convert = 0.0
    chunk: list[tuple[Doc, str]] = []
    for pair in nlp.pipe(texts, as_tuples=True, batch_size=batch_size):
        chunk.append(pair)
        if len(chunk) == batch_size:
            clock = time.perf_counter()
            parts.append(to_tables(chunk))
            convert += time.perf_counter() - clock
            chunk = []
    clock = time.perf_counter()
    parts.append(to_tables(chunk))
    tables = Annotations(
        sentences=pa.concat_tables(p.sentences for p in parts),
        tokens=pa.concat_tables(p.tokens for p in parts),
        entities=pa.concat_tables(p.entities for p in parts),
    )
    return tables, convert + time.perf_counter() - clock


def to_tables(docs: list[tuple[Doc, str]]) -> Annotations:
    if not docs:
        return Annotations(SENTENCES.empty_table(), TOKENS.empty_table(), ENTITIES.empty_table())
    arrays = [doc.to_array(TOKEN_ATTRS) for doc, _ in docs]
    sent_ids = [_sentence_ids(doc) for doc, _ in docs]
    tokens = _token_table(docs, arrays, sent_ids)
    return Annotations(_sentence_table(docs), tokens, _entity_table(docs, sent_ids))


def _sentence_ids(doc: Doc) -> np.ndarray:
    starts = np.zeros(len(doc), dtype=np.int32)
    for sent in doc.sents:
        starts[sent.start] = 1
    if len(doc):
        starts[0] = 1
    return np.cumsum(starts, dtype=np.int32) - 1


def _token_table(
    docs: list[tuple[Doc, str]], arrays: list[np.ndarray], sent_ids: list[np.ndarray]
) -> pa.Table:
    matrix = np.concatenate(arrays).astype(np.uint64)
    lengths = [len(doc) for doc, _ in docs]
    doc_ids = pa.DictionaryArray.from_arrays(
        np.repeat(np.arange(len(docs), dtype=np.int32), lengths),
        pa.array([doc_id for _, doc_id in docs], pa.string()),
    ).cast(pa.string())
    tok_idx = np.concatenate([np.arange(n, dtype=np.int32) for n in lengths])
    offsets = matrix[:, 5].view(np.int64)  # HEAD is a relative offset stored as uint64
    columns = {name: _strings(docs[0][0], matrix[:, i]) for name, i in STRING_ATTRS.items()}
    return pa.table(
        {
            "doc_id": doc_ids,
            "sent_idx": np.concatenate(sent_ids),
            "tok_idx": tok_idx,
            "text": columns["text"],
            "lemma": columns["lemma"],
            "pos": columns["pos"],
            "tag": columns["tag"],
            "dep": columns["dep"],
            "head_idx": (tok_idx + offsets).astype(np.int32),
            "ent_type": columns["ent_type"],
            "is_stop": matrix[:, 7].astype(bool),
            "is_punct": matrix[:, 8].astype(bool),
            "start_char": matrix[:, 9].astype(np.int32),
        },
        schema=TOKENS,
    )


def _strings(doc: Doc, hashes: np.ndarray) -> pa.Array:
    """Hash ids to strings, looking up each distinct id once."""
    unique, inverse = np.unique(hashes, return_inverse=True)
    store = doc.vocab.strings
    values = pa.array([store[int(h)] if h else "" for h in unique], pa.string())
    return values.take(pa.array(inverse.astype(np.int32)))


def _sentence_table(docs: list[tuple[Doc, str]]) -> pa.Table:
    rows: dict[str, list] = {name: [] for name in SENTENCES.names}
    for doc, doc_id in docs:
        for i, sent in enumerate(doc.sents):
            rows["doc_id"].append(doc_id)
            rows["sent_idx"].append(i)
            rows["start_char"].append(sent.start_char)
            rows["end_char"].append(sent.end_char)
            rows["text"].append(sent.text)
    return pa.table(rows, schema=SENTENCES)


def _entity_table(docs: list[tuple[Doc, str]], sent_ids: list[np.ndarray]) -> pa.Table:
    rows: dict[str, list] = {name: [] for name in ENTITIES.names}
    for (doc, doc_id), sents in zip(docs, sent_ids, strict=True):
        for ent in doc.ents:
            rows["doc_id"].append(doc_id)
            rows["sent_idx"].append(int(sents[ent.start]))
            rows["text"].append(ent.text)
            rows["label"].append(ent.label_)
            rows["start_char"].append(ent.start_char)
            rows["end_char"].append(ent.end_char)
            rows["norm"].append(normalise_entity(ent.text))
    return pa.table(rows, schema=ENTITIES)


def normalise_entity(text: str) -> str:
    """A grouping key for an entity mention: "the Kremlin's" and "Kremlin" share one."""
    norm = SPACES.sub(" ", text.replace("’", "'")).strip(" \"'“”‘’.,:;")
    norm = POSSESSIVE.sub("", LEADING_ARTICLE.sub("", norm)).strip()
    return norm or text.strip()


def iter_annotations(
    nlp: Language, batches: Iterable[list[tuple[str, str]]], *, batch_size: int = 64
) -> Iterator[Annotations]:
    """Annotate a stream of batches, one Annotations per input batch."""
    for batch in batches:
        yield annotate(nlp, batch, batch_size=batch_size)
