"""spaCy annotation: a batch of cleaned texts in, column tables out.

Docs are converted in bulk with `Doc.to_array`, a few dozen at a time as they are parsed (hash
ids mapped to strings once per distinct value), never token by token in Python, so conversion
stays a small share of the model's own time. Sentences come from the same arrays (`SENT_START`,
`IDX`, `LENGTH`): `Doc.sents` would first check every token for a boundary, in Python, each
time it is read. Only entities are walked one by one (a handful per document).
"""

import re
import time
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import spacy
from spacy.attrs import (
    DEP,
    ENT_TYPE,
    HEAD,
    IDX,
    IS_PUNCT,
    IS_STOP,
    LEMMA,
    LENGTH,
    ORTH,
    POS,
    SENT_START,
    TAG,
)
from spacy.language import Language
from spacy.tokens import Doc

from pipeline.schema import ENTITIES, SENTENCES, TOKENS
from pipeline.settings import MAX_CHARS, MODEL
from pipeline.stages.names import canonical_names
from pipeline.timing import Timings

TOKEN_ATTRS = [
    ORTH,
    LEMMA,
    POS,
    TAG,
    DEP,
    HEAD,
    ENT_TYPE,
    IS_STOP,
    IS_PUNCT,
    IDX,
    SENT_START,
    LENGTH,
]
COLUMN = {attr: i for i, attr in enumerate(TOKEN_ATTRS)}
STRING_ATTRS = {
    "text": ORTH,
    "lemma": LEMMA,
    "pos": POS,
    "tag": TAG,
    "dep": DEP,
    "ent_type": ENT_TYPE,
}
LEADING_ARTICLE = re.compile(r"^(?:the|a|an)\s+", re.IGNORECASE)
POSSESSIVE = re.compile(r"[’']s?$")
SPACES = re.compile(r"\s+")
# Docs converted together: one conversion's fixed costs (a string lookup per column, the Arrow
# tables) spread over more rows. Measured over 400 BBC texts: 0.49 s in groups of 4 documents,
# 0.29-0.38 s in groups of 16-64. The Docs wait for it with their tensors (~0.2 MB each).
CONVERT_EVERY = 32


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


def annotate(
    nlp: Language,
    texts: Iterable[tuple[str, str]],
    *,
    batch_size: int = 64,
    convert_every: int = CONVERT_EVERY,
    timings: Timings | None = None,
) -> Annotations:
    """Annotate (doc_id, text) pairs in spaCy minibatches of `batch_size`; the tables hold
    every document in input order. Every `convert_every` Docs are converted to columns as soon
    as they are parsed, so only that many Docs (with their tok2vec tensors) are alive at once.
    `timings` gets the seconds of `nlp` (spaCy's own) and `convert`."""
    timings = timings if timings is not None else Timings()
    started, converting = time.perf_counter(), Timings()
    parts: list[Annotations] = []
    chunk: list[tuple[Doc, str]] = []
    chunk_texts: list[str] = []
    contexts = ((text, (doc_id, text)) for doc_id, text in texts)
    for doc, (doc_id, text) in nlp.pipe(contexts, as_tuples=True, batch_size=batch_size):
        chunk.append((doc, doc_id))
        chunk_texts.append(text)
        if len(chunk) == convert_every:
            with converting.track("convert"):
                parts.append(to_tables(chunk, texts=chunk_texts))
            chunk, chunk_texts = [], []
    with converting.track("convert"):
        parts.append(to_tables(chunk, texts=chunk_texts))
        tables = Annotations(
            sentences=pa.concat_tables(p.sentences for p in parts),
            tokens=pa.concat_tables(p.tokens for p in parts),
            entities=pa.concat_tables(p.entities for p in parts),
        )
    convert = converting.seconds["convert"]
    timings.add("convert", convert)
    timings.add("nlp", time.perf_counter() - started - convert)
    return tables


def to_tables(docs: list[tuple[Doc, str]], *, texts: list[str] | None = None) -> Annotations:
    """The tables of (Doc, doc_id) pairs. `texts` are the texts they were parsed from, when
    the caller has them: `Doc.text` rebuilds a text token by token, in Python."""
    if not docs:
        return Annotations(SENTENCES.empty_table(), TOKENS.empty_table(), ENTITIES.empty_table())
    texts = texts if texts is not None else [doc.text for doc, _ in docs]
    arrays = [doc.to_array(TOKEN_ATTRS) for doc, _ in docs]
    sent_ids = [_sentence_ids(array) for array in arrays]
    tokens = _token_table(docs, arrays, sent_ids)
    sentences = _sentence_table(docs, texts, arrays, sent_ids)
    return Annotations(sentences, tokens, _entity_table(docs, texts, sent_ids))


def _sentence_ids(array: np.ndarray) -> np.ndarray:
    """Each token's sentence number, as `Doc.sents` splits them: a new sentence at every
    token whose SENT_START is 1 (-1 and 0 continue one), and always at the first token."""
    starts = array[:, COLUMN[SENT_START]].view(np.int64) == 1
    if len(starts):
        starts[0] = True
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
    offsets = matrix[:, COLUMN[HEAD]].view(np.int64)  # a relative offset stored as uint64
    columns = {
        name: _strings(docs[0][0], matrix[:, COLUMN[attr]]) for name, attr in STRING_ATTRS.items()
    }
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
            "is_stop": matrix[:, COLUMN[IS_STOP]].astype(bool),
            "is_punct": matrix[:, COLUMN[IS_PUNCT]].astype(bool),
            "start_char": matrix[:, COLUMN[IDX]].astype(np.int32),
        },
        schema=TOKENS,
    )


def _strings(doc: Doc, hashes: np.ndarray) -> pa.Array:
    """Hash ids to strings, looking up each distinct id once."""
    unique, inverse = np.unique(hashes, return_inverse=True)
    store = doc.vocab.strings
    values = pa.array([store[int(h)] if h else "" for h in unique], pa.string())
    return values.take(pa.array(inverse.astype(np.int32)))


def _sentence_table(
    docs: list[tuple[Doc, str]],
    texts: list[str],
    arrays: list[np.ndarray],
    sent_ids: list[np.ndarray],
) -> pa.Table:
    """A sentence runs from its first token's offset to its last token's end, as `Span`."""
    rows: dict[str, list] = {name: [] for name in SENTENCES.names}
    for (_, doc_id), text, array, ids in zip(docs, texts, arrays, sent_ids, strict=True):
        if not len(ids):
            continue
        first = np.flatnonzero(np.diff(ids, prepend=-1))
        last = np.append(first[1:], len(ids)) - 1
        offsets = array[:, COLUMN[IDX]].astype(np.int64)
        starts = offsets[first].tolist()
        ends = (offsets[last] + array[last, COLUMN[LENGTH]].astype(np.int64)).tolist()
        rows["doc_id"] += [doc_id] * len(starts)
        rows["sent_idx"] += range(len(starts))
        rows["start_char"] += starts
        rows["end_char"] += ends
        rows["text"] += [text[start:end] for start, end in zip(starts, ends, strict=True)]
    return pa.table(rows, schema=SENTENCES)


def _entity_table(
    docs: list[tuple[Doc, str]], texts: list[str], sent_ids: list[np.ndarray]
) -> pa.Table:
    rows: dict[str, list] = {name: [] for name in ENTITIES.names}
    for (doc, doc_id), text, sents in zip(docs, texts, sent_ids, strict=True):
        for ent in doc.ents:  # its text is a slice of the doc's (`Span.text` joins tokens)
            start, end = ent.start_char, ent.end_char
            rows["doc_id"].append(doc_id)
            rows["sent_idx"].append(int(sents[ent.start]))
            rows["text"].append(text[start:end])
            rows["label"].append(ent.label_)
            rows["start_char"].append(start)
            rows["end_char"].append(end)
            rows["norm"].append(normalise_entity(text[start:end]))
    mentions = list(zip(rows["norm"], rows["label"], strict=True))
    names, start = [], 0
    for end in _document_ends(rows["doc_id"]):
        names += canonical_names(mentions[start:end])
        start = end
    rows["canonical"] = [name.name for name in names]
    rows["alias_candidate"] = [name.alias_candidate for name in names]
    return pa.table(rows, schema=ENTITIES)


def _document_ends(doc_ids: list[str]) -> list[int]:
    """Where each document's run of rows ends (rows come document by document)."""
    ends = [i for i in range(1, len(doc_ids)) if doc_ids[i] != doc_ids[i - 1]]
    return [*ends, len(doc_ids)] if doc_ids else []


def normalise_entity(text: str) -> str:
    """A grouping key for an entity mention: "the Kremlin's" and "Kremlin" share one."""
    norm = SPACES.sub(" ", text.replace("’", "'")).strip(" \"'“”‘’.,:;")
    norm = POSSESSIVE.sub("", LEADING_ARTICLE.sub("", norm)).strip()
    return norm or text.strip()
