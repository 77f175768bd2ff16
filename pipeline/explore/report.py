"""The corpus report: one static HTML file that works offline.

Corpus size and languages, documents per day, top entities, the timelines of the top five
entities, removed lines per cleaning rule, and where the text reuse tables exist the largest
stories (documents linked by reuse) with their earliest source, and the strongest pairs.
Documents without a published date are on no day: the page counts them apart. The page names
the snapshot and code version it describes, so its figures can be read again with `--at`.
Charts are drawn by matplotlib (Agg canvas, saved as SVG) and inlined into the page: no scripts,
no stylesheets or images from elsewhere. Pure: reads a DuckDB connection, returns strings; no
Dagster here.
"""

import html
import os
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from pipeline.explore.charts import bar_chart, per_day_chart, timeline_chart
from pipeline.explore.report_data import (
    CorpusSize,
    DayCount,
    EntityCount,
    LanguageCount,
    ReportData,
    ReusePair,
    RuleCount,
    SourceCount,
    Story,
    TimelinePoint,
)
from pipeline.lake.store import LakeReader

REQUIRED_TABLES = ("documents", "files", "entity_counts", "entity_timeline", "boilerplate_rules")
TOP_ENTITIES = 15
TIMELINE_ENTITIES = 5
REUSE_PAIRS = 20
REUSE_STORIES = 10


class ReportError(ValueError):
    """The lake cannot be reported on yet; the message is meant for the user."""


@dataclass(frozen=True, slots=True)
class Report:
    """The page, and a short Markdown summary of it (for the Dagster UI)."""

    html: str
    markdown: str


# --- reading ---------------------------------------------------------------------------------


def _rows(reader: LakeReader, name: str, **params: object) -> list[tuple]:
    return reader.rows(f"report/{name}", params or None)


def read_data(reader: LakeReader, *, now: datetime | None = None) -> ReportData:
    """Read every section's rows; ReportError if the lake lacks a table the report needs."""
    tables = {row[0] for row in _rows(reader, "tables")}
    missing = [t for t in REQUIRED_TABLES if t not in tables]
    if missing:
        raise ReportError(f"the lake has no {', '.join(missing)} table yet: run `corpus run` first")
    entities = tuple(EntityCount(*r) for r in _rows(reader, "top_entities", limit=TOP_ENTITIES))
    top = entities[:TIMELINE_ENTITIES]
    norms, labels = [e.norm for e in top], [e.label for e in top]
    timelines = _rows(reader, "entity_timelines", norms=norms, labels=labels) if top else []
    reuse, stories = None, ()
    if "text_reuse" in tables:
        reuse = tuple(ReusePair(*r) for r in _rows(reader, "reuse_pairs", limit=REUSE_PAIRS))
    if {"text_reuse", "reuse_clusters"} <= tables:
        stories = tuple(Story(*r) for r in _rows(reader, "reuse_stories", limit=REUSE_STORIES))
    return ReportData(
        size=CorpusSize(*_rows(reader, "corpus_size")[0]),
        languages=tuple(LanguageCount(*r) for r in _rows(reader, "languages")),
        per_day=tuple(DayCount(*r) for r in _rows(reader, "documents_per_day")),
        date_sources=tuple(SourceCount(*r) for r in _rows(reader, "date_sources")),
        entities=entities,
        timelines=tuple(TimelinePoint(*r) for r in timelines),
        rules=tuple(RuleCount(*r) for r in _rows(reader, "removed_by_rule")),
        reuse=reuse,
        stamp=reader.stamp(),
        stories=stories,
        generated_at=now or datetime.now(UTC),
    )


def build_report(reader: LakeReader, *, now: datetime | None = None) -> Report:
    data = read_data(reader, now=now)
    return Report(html=render_html(data), markdown=render_markdown(data))


def write_html(path: Path, page: str) -> None:
    """Write the page atomically: a reader never sees half a file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(f".{path.name}.{os.getpid()}.partial")
    try:
        partial.write_text(page, encoding="utf-8")
        os.replace(partial, path)
    finally:
        partial.unlink(missing_ok=True)


# --- the page --------------------------------------------------------------------------------

STYLE = """
body { font: 15px/1.45 system-ui, sans-serif; margin: 2rem auto; max-width: 62rem; padding: 0 1rem;
       color: #222; }
h1 { margin-bottom: 0.2rem; } h2 { margin-top: 2.2rem; border-bottom: 1px solid #ddd; }
table { border-collapse: collapse; margin: 0.6rem 0; }
th, td { padding: 0.2rem 0.7rem; border-bottom: 1px solid #eee; text-align: left; }
td.n, th.n { text-align: right; font-variant-numeric: tabular-nums; }
figure.chart { margin: 0.8rem 0; }
figure.chart svg { display: block; width: 100%; height: auto; }
.note { color: #666; }
"""


def _e(value: object) -> str:
    return html.escape(str(value))


def _table(headers: Sequence[str], rows: Sequence[Sequence[object]]) -> str:
    def cell(tag: str, value: object) -> str:
        numeric = isinstance(value, int | float) and not isinstance(value, bool)
        text = f"{value:,}" if isinstance(value, int) and numeric else _e(value)
        text = f"{value:.3f}" if isinstance(value, float) else text
        return f"<{tag}{' class=n' if numeric else ''}>{text}</{tag}>"

    head = "".join(f"<th>{_e(h)}</th>" for h in headers)
    body = "".join("<tr>" + "".join(cell("td", v) for v in row) + "</tr>" for row in rows)
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _chart(name: str, caption: str, svg_text: str) -> str:
    return (
        f'<figure class="chart" id="chart-{_e(name)}">{svg_text}'
        f"<figcaption class=note>{_e(caption)}</figcaption></figure>"
    )


def _note(text: str) -> str:
    return f"<p class=note>{_e(text)}</p>"


def _size_section(data: ReportData) -> str:
    s = data.size
    rows = [
        ("documents", s.documents),
        ("ok", s.ok),
        ("rejected", s.rejected),
        ("sentences", s.sentences),
        ("words", s.words),
        ("entity mentions", s.entities),
    ]
    languages = [(lang.language, lang.documents) for lang in data.languages]
    return (
        "<h2>Corpus</h2>"
        + _table(("", "count"), rows)
        + "<h3>Languages</h3>"
        + _table(("language", "documents"), languages)
    )


SOURCE_NAMES = {
    "marker": "the scraper's date marker",
    "html": "the page's metadata",
    "text": "a date in the text",
}


def undated_note(n: int) -> str:
    """How the report counts documents without a date: `3 undated documents`."""
    return f"{n:,} undated document{'s' if n != 1 else ''}"


def _per_day_section(data: ReportData) -> str:
    title = "<h2>Documents per day</h2>"
    n = data.undated
    undated = f"{undated_note(n)} (no published date) {'is' if n == 1 else 'are'} on no day."
    if not data.per_day:
        return title + _note(f"No dated document yet; {undated}")
    sources = ", ".join(
        f"{SOURCE_NAMES.get(s.date_source, s.date_source)} {s.documents:,}"
        for s in data.date_sources
        if s.date_source != "undated"
    )
    caption = f"Documents by published date, dated by {sources}. {undated}"
    return title + _chart("documents-per-day", caption, per_day_chart(data.per_day))


def _entities_section(data: ReportData) -> str:
    if not data.entities:
        return "<h2>Top entities</h2>" + _note("No named entity yet.")
    labels = [f"{e.norm} ({e.label})" for e in data.entities]
    chart = bar_chart(labels, [e.documents for e in data.entities], "documents", "top-entities")
    rows = [(e.norm, e.label, e.documents, e.mentions) for e in data.entities]
    return (
        "<h2>Top entities</h2>"
        + _chart(
            "top-entities", "Named entities in the most documents (no dates or numbers).", chart
        )
        + _table(("entity", "label", "documents", "mentions"), rows)
    )


def _timeline_section(data: ReportData) -> str:
    top = data.entities[:TIMELINE_ENTITIES]
    if not top:
        return "<h2>Timelines of the top entities</h2>" + _note("No named entity yet.")
    caption = (
        f"Mentions per day by published date; the mentions in {undated_note(data.undated)} "
        "are on no day and not shown."
    )
    chart = timeline_chart(data.timelines, top)
    return "<h2>Timelines of the top entities</h2>" + _chart("entity-timelines", caption, chart)


def _rules_section(data: ReportData) -> str:
    if not data.rules:
        return "<h2>Removed lines per cleaning rule</h2>" + _note("Cleaning removed nothing.")
    chart = bar_chart([r.rule for r in data.rules], [r.lines for r in data.rules], "lines", "rules")
    rows = [(r.rule, r.lines, r.documents) for r in data.rules]
    return (
        "<h2>Removed lines per cleaning rule</h2>"
        + _chart("removed-lines", "Lines removed by each cleaning rule.", chart)
        + _table(("rule", "lines", "documents"), rows)
    )


def _reuse_section(data: ReportData) -> str:
    title = "<h2>Text reuse</h2>"
    if data.reuse is None:
        return title + _note("No text_reuse table in the lake.")
    if not data.reuse:
        return title + _note("No pair of documents shares text.")
    return title + _stories(data.stories) + "<h3>Strongest pairs</h3>" + _pairs(data.reuse)


def _stories(stories: Sequence[Story]) -> str:
    if not stories:
        return ""
    rows = [
        (
            s.documents,
            s.pairs,
            s.source,
            s.title or "",
            f"{s.day}{' (first seen)' * s.day_is_first_seen}",
        )
        for s in stories
    ]
    headers = ("documents", "pairs", "earliest source", "its title", "its date")
    caption = "Documents linked by reuse, directly or through others; the largest first."
    return "<h3>Largest stories</h3>" + _note(caption) + _table(headers, rows)


def _pairs(pairs: Sequence[ReusePair]) -> str:
    rows = [(p.doc_a, p.doc_b, p.kind, p.similarity, p.share_a, p.share_b, p.n_passages, p.source)
            for p in pairs]  # fmt: skip
    headers = ("document a", "document b", "kind", "similarity", "share a", "share b",
               "passages", "likely source")  # fmt: skip
    return _table(headers, rows)


def render_html(data: ReportData) -> str:
    sections = (
        _size_section,
        _per_day_section,
        _entities_section,
        _timeline_section,
        _rules_section,
        _reuse_section,
    )
    generated = data.generated_at.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")
    body = "".join(section(data) for section in sections)
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>Corpus report</title><style>{STYLE}</style></head><body>"
        f"<h1>Corpus report</h1><p class=note id=stamp>Generated {_e(generated)} from "
        f"{_e(data.stamp.describe())}.</p>{body}</body></html>\n"
    )


def render_markdown(data: ReportData) -> str:
    """A few lines for the Dagster UI: the size, the languages and the top five entities."""
    s = data.size
    languages = ", ".join(f"{lang.language} {lang.documents}" for lang in data.languages)
    lines = [
        f"**{s.documents:,} documents** ({s.ok:,} ok, {s.rejected:,} rejected), "
        f"{s.sentences:,} sentences, {s.words:,} words, {s.entities:,} entity mentions; "
        f"{undated_note(data.undated)}.",
        "",
        f"From {_md(data.stamp.describe())}.",
        "",
        f"Languages: {languages or 'none'}.",
        "",
        "| entity | label | documents | mentions |",
        "|---|---|---:|---:|",
        *(
            f"| {_md(e.norm)} | {e.label} | {e.documents} | {e.mentions} |"
            for e in data.entities[:TIMELINE_ENTITIES]
        ),
    ]
    return "\n".join(lines)


def _md(text: str) -> str:
    """Text safe inside a Markdown table cell."""
    return text.replace("\\", "\\\\").replace("|", "\\|").replace("\n", " ")
