"""The aggregates kept by difference in each commit equal a rebuild from scratch, whatever was
added, replaced or deleted; entity names merge through the corpus's aliases."""

import re
from datetime import UTC, date, datetime
from pathlib import Path

import pyarrow as pa

from pipeline.lake import Lake, LakeWriter
from pipeline.lake.aggregates import KEPT_TABLES, is_current, rebuild, view_names
from pipeline.lake.documents import delete_documents, write_batch
from pipeline.schema import DOCUMENT_TABLES, FILES
from pipeline.stages.names import canonical_names

NOW = datetime(2024, 1, 2, tzinfo=UTC)
PEOPLE = re.compile(r"(?:Vladimir |Alexander )?(?:Putin|Lukashenko)")
PLACES = re.compile(r"Minsk|Kyiv")


def _document(doc_id: str, text: str, day: date | None) -> dict[str, pa.Table]:
    """One document's rows as a batch holds them: a token per word, sentences at full stops,
    PERSON and GPE entities found by pattern."""
    tables = {name: schema.empty_table() for name, schema in DOCUMENT_TABLES.items()}
    tables["documents"] = pa.Table.from_pylist(
        [{"doc_id": doc_id, "status": "ok", "text": text, "published_date": day}],
        schema=DOCUMENT_TABLES["documents"],
    )
    tokens, sent = [], 0
    for i, match in enumerate(re.finditer(r"\w+|\.", text)):
        word = match.group()
        tokens.append({"doc_id": doc_id, "sent_idx": sent, "tok_idx": i, "text": word,
                       "lemma": word.lower(), "pos": "PUNCT" if word == "." else "NOUN",
                       "is_stop": False, "is_punct": word == "."})  # fmt: skip
        sent += word == "."
    tables["tokens"] = pa.Table.from_pylist(tokens, schema=DOCUMENT_TABLES["tokens"])
    tables["entities"] = _entities(doc_id, text)
    tables["removed_lines"] = pa.Table.from_pylist(
        [{"doc_id": doc_id, "line_no": 0, "text": "Read more", "rule": "read_more"}],
        schema=DOCUMENT_TABLES["removed_lines"],
    )
    return tables


def _entities(doc_id: str, text: str) -> pa.Table:
    found = sorted(
        [(m.start(), m.group(), "PERSON") for m in PEOPLE.finditer(text)]
        + [(m.start(), m.group(), "GPE") for m in PLACES.finditer(text)]
    )
    names = canonical_names([(norm, label) for _, norm, label in found])
    rows = [
        {"doc_id": doc_id, "sent_idx": text[:start].count("."), "text": norm, "label": label,
         "start_char": start, "end_char": start + len(norm), "norm": norm,
         "canonical": name.name, "alias_candidate": name.alias_candidate}
        for (start, norm, label), name in zip(found, names, strict=True)
    ]  # fmt: skip
    return pa.Table.from_pylist(rows, schema=DOCUMENT_TABLES["entities"])


def _batch(documents: list[dict[str, pa.Table]]) -> dict[str, pa.Table]:
    tables = {name: pa.concat_tables([d[name] for d in documents]) for name in DOCUMENT_TABLES}
    ids = tables["documents"].column("doc_id").to_pylist()
    tables["files"] = pa.Table.from_pylist(
        [{"doc_id": d, "shard": 0, "status": "ok", "first_seen": NOW} for d in ids], schema=FILES
    )
    return tables


def _everything(lake: LakeWriter) -> dict[str, list[tuple]]:
    return {
        name: lake.con.execute(f"SELECT * FROM {name} ORDER BY ALL").fetchall()
        for name in (*KEPT_TABLES, *view_names())
    }


TEXTS = {
    "a.txt": ("Vladimir Putin spoke in Minsk. Putin left. Lukashenko waited.", date(2022, 2, 27)),
    "b.txt": ("Putin met Lukashenko in Minsk. Minsk was quiet.", date(2022, 2, 28)),
    "c.txt": ("Alexander Lukashenko flew to Kyiv. Putin stayed home.", None),
    "d.txt": ("Vladimir Putin and Putin again. Kyiv and Minsk.", date(2022, 3, 1)),
}


def test_totals_kept_by_each_commit_equal_a_rebuild(tmp_path: Path):
    lake = Lake(tmp_path)
    with lake.writer() as writer:
        rebuild(writer)  # an empty lake: totals current, views made
        assert is_current(writer)
        docs = {d: _document(d, text, day) for d, (text, day) in TEXTS.items()}
        write_batch(writer, "1", _batch([docs["a.txt"], docs["b.txt"]]), keep_aggregates=True)
        write_batch(writer, "2", _batch([docs["c.txt"], docs["d.txt"]]), keep_aggregates=True)
        changed = _document("b.txt", "Lukashenko met nobody. Kyiv.", date(2022, 3, 2))
        write_batch(writer, "3", _batch([changed]), keep_aggregates=True)  # b.txt replaced
        delete_documents(writer, ["d.txt"], keep_aggregates=True)
        kept = _everything(writer)
        rebuild(writer)
        assert _everything(writer) == kept
        assert kept["lemma_counts"] and kept["entity_pair_counts"] and kept["doc_stats"]
        assert not any(row[-1] == 0 for row in kept["lemma_counts"])  # zeros go


def test_a_surname_alone_counts_under_the_corpus_full_name_and_the_alias_says_so(
    tmp_path: Path,
):
    with Lake(tmp_path).writer() as writer:
        rebuild(writer)
        docs = [_document(d, text, day) for d, (text, day) in TEXTS.items()]
        write_batch(writer, "1", _batch(docs), keep_aggregates=True)
        counts = dict(
            ((norm, label), (mentions, documents))
            for norm, label, mentions, documents in writer.con.execute(
                "SELECT norm, label, mentions, documents FROM entity_counts"
            ).fetchall()
        )
        aliases = writer.con.execute("SELECT * FROM entity_aliases ORDER BY ALL").fetchall()
    # a.txt and d.txt: "Putin" is "Vladimir Putin" in their own text; b.txt and c.txt say only
    # "Putin", which the corpus maps to the one full name it knows
    assert counts[("Vladimir Putin", "PERSON")] == (6, 4)
    assert ("Putin", "PERSON") not in counts
    assert ("Putin", "Vladimir Putin", "PERSON", "corpus", 2) in aliases
    assert ("Putin", "Vladimir Putin", "PERSON", "text", 2) in aliases  # a.txt and d.txt
    # "Lukashenko": "Alexander Lukashenko" in c.txt only; alone in a.txt and b.txt
    assert ("Lukashenko", "Alexander Lukashenko", "PERSON", "corpus", 2) in aliases
    assert counts[("Alexander Lukashenko", "PERSON")] == (3, 3)
