"""One file to one `documents` row and its `removed_lines`: read, decode, extract, clean, detect
the language. Every failure is a `rejected` row with a reason a person understands; nothing
here raises for a bad file (even a parser error on a pathological page becomes a reason).
"""

from collections import Counter
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

from pipeline.settings import MAX_CHARS
from pipeline.stages.cleaning import (
    DEFAULT_PARAMS,
    Cleaned,
    CleaningParams,
    LineKeys,
    RemovedLine,
    clean_text,
    line_keys,
)
from pipeline.stages.cleaning.language import detect_language, language_identifier
from pipeline.stages.dates import choose_date, dating_text, latest_plausible, latest_text_date
from pipeline.stages.extract import Extracted, extract_html, render_html
from pipeline.stages.ingest import NotText, decode, file_format, printable_name, read_bytes, sha256

ANNOTATED_LANGUAGES = ("en", "und")  # the model is English; "und" is too short to tell
MAX_REASON_CHARS = 300
# An HTML page whose extracted text, cleaned, holds under this share of the words that its
# plain rendering (every block's text, menus included) keeps once cleaned lost its article to
# the extractor: the rendering's cleaning is kept instead. A fixed guard, not a tuned value: on
# the development pages it changed one page (trafilatura kept a caption and missed the body).
HTML_MIN_WORD_SHARE = 0.5


@dataclass(frozen=True, slots=True)
class WorkItem:
    """A file the run must (re)process, as planned from the folder and the `files` table."""

    doc_id: str
    path: str
    shard: int
    n_bytes: int
    mtime_ns: int
    previous_sha256: str | None  # None for a new file
    first_seen: datetime | None  # when the run planning it first saw the file; None: now
    reprocess: bool  # forced or made by another code version: do not skip an unchanged hash
    reason: str = "new"  # why the run processes it: new, changed, code_version, forced, ...


@dataclass(frozen=True, slots=True)
class Prepared:
    """A file read and cleaned: its `documents` row and removed lines, ready for annotation."""

    item: WorkItem
    content_sha256: str
    document: dict[str, object]
    removed: tuple[RemovedLine, ...]
    lines: LineKeys | None = None  # its short lines for the corpus's counts; None if unread

    @property
    def annotate(self) -> bool:
        """Only `ok` documents in English (or too short to tell) go through the English model,
        and none longer than the model takes in one piece (kept, but not annotated)."""
        document = self.document
        return (
            document["status"] == "ok"
            and document["language"] in ANNOTATED_LANGUAGES
            and len(str(document["text"])) <= MAX_CHARS
        )


def prepare(
    item: WorkItem,
    *,
    max_bytes: int,
    common_lines: frozenset[int] = frozenset(),
    params: CleaningParams = DEFAULT_PARAMS,
) -> Prepared:
    """A file read, decoded, extracted and cleaned (lines whose `common_key` is in
    `common_lines` are corpus-level boilerplate)."""
    if item.n_bytes > max_bytes:
        reason = (
            f"the file is {item.n_bytes:,} bytes, "
            f"over the {max_bytes:,}-byte size limit (--max-bytes)"
        )
        return _rejected(item, "", reason)
    raw = read_bytes(Path(item.path), max_bytes)
    if isinstance(raw, NotText):
        return _rejected(item, "", raw.reason)
    digest = sha256(raw)
    decoded = decode(raw)
    if isinstance(decoded, NotText):
        return _rejected(item, digest, decoded.reason)
    try:
        return _prepared(item, digest, decoded.text, decoded.encoding, common_lines, params)
    except Exception as error:  # a parser bug on one strange file must not stop the run
        detail = " ".join(str(error).split())[:MAX_REASON_CHARS]
        reason = f"the text could not be extracted ({type(error).__name__}: {detail})"
        return _rejected(item, digest, reason)


def _prepared(
    item: WorkItem,
    digest: str,
    text: str,
    encoding: str,
    common_lines: frozenset[int],
    params: CleaningParams,
) -> Prepared:
    fmt = file_format(item.doc_id)
    latest = latest_plausible(item.first_seen or datetime.now(UTC))
    source, cleaned, lines = _clean(text, fmt, common_lines, params, latest)
    if not cleaned.text.strip():
        reason = _nothing_left(cleaned.removed)
        return _rejected(item, digest, reason, cleaned.removed, lines)
    text_date = latest_text_date(dating_text(cleaned, source.text), latest)
    published, date_source = choose_date(cleaned.published_date, source.published_date, text_date)
    document = _row(item, digest, fmt, encoding) | {
        "title": source.title or cleaned.title,
        "published_date": published,
        "date_source": date_source,
        "source_url": source.source_url or cleaned.source_url,
        "language": cleaned.language,
        "n_chars_raw": len(text),
        "n_chars_clean": len(cleaned.text),
        "text": cleaned.text,
        "status": "ok",
    }
    return Prepared(item, digest, document, cleaned.removed, lines)


def _nothing_left(removed: tuple[RemovedLine, ...]) -> str:
    """Why an empty body: how many lines each rule took, most first."""
    if not removed:
        return "no article text: the page has no main text to extract"
    counts = Counter(r.rule for r in removed)
    rules = ", ".join(f"{rule} ({n})" for rule, n in counts.most_common())
    lines = "line was" if len(removed) == 1 else f"{len(removed)} lines were"
    return f"no article text left after cleaning: the {lines} removed as {rules}"


def _clean(
    text: str, fmt: str, common_lines: frozenset[int], params: CleaningParams, latest: date
) -> tuple[Extracted, Cleaned, LineKeys]:
    """What cleaning read (for an HTML page: the extracted text, with the page's own title,
    address and date, none after `latest`), the cleaned text, and the short lines the corpus
    counts: of the text itself, or of an HTML page's plain rendering (its menus and footers
    are what recur across pages)."""
    if fmt != "html":
        cleaned = clean_text(text, common_lines=common_lines, params=params)
        return Extracted(text, None, None, None), cleaned, line_keys(text)
    extracted = extract_html(text, latest=latest)
    rendered = render_html(text)
    cleaned = clean_text(
        extracted.text,
        common_lines=common_lines,
        has_title=extracted.title is not None,
        params=params,
    )
    plain = clean_text(rendered, common_lines=common_lines, params=params)
    source = extracted
    if _words(cleaned.text) < HTML_MIN_WORD_SHARE * _words(plain.text):
        cleaned = plain
        source = Extracted(
            rendered, extracted.title, extracted.published_date, extracted.source_url
        )
    keys = _html_line_keys(rendered, extracted.text, extracted.title is not None)
    return source, cleaned, keys


def _html_line_keys(rendered: str, extracted: str, has_title: bool) -> LineKeys:
    """The page's group from its rendering; its keys from both texts either may be cleaned
    from (the extractor joins or trims some blocks), so a document holds every key its
    cleaning may judge."""
    page = line_keys(rendered)
    return LineKeys(page.group, page.keys | line_keys(extracted, has_title=has_title).keys)


def _words(text: str) -> int:
    return len(text.split())


def _row(item: WorkItem, digest: str, fmt: str, encoding: str | None) -> dict[str, object]:
    return {
        "doc_id": item.doc_id,
        "path": printable_name(item.path),
        "shard": item.shard,
        "content_sha256": digest,
        "n_bytes": item.n_bytes,
        "format": fmt,
        "encoding": encoding,
        "title": None,
        "published_date": None,
        "date_source": None,
        "source_url": None,
        "language": None,
        "n_chars_raw": 0,
        "n_chars_clean": 0,
        "text": "",
        "status": "rejected",
        "reject_reason": None,
    }


def _rejected(
    item: WorkItem,
    digest: str,
    reason: str,
    removed: tuple[RemovedLine, ...] = (),
    lines: LineKeys | None = None,
) -> Prepared:
    document = _row(item, digest, file_format(item.doc_id), None) | {"reject_reason": reason}
    return Prepared(item, digest, document, removed, lines)


__all__ = ["Prepared", "WorkItem", "detect_language", "language_identifier", "prepare"]
