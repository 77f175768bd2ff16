"""One file to one `documents` row and its `removed_lines`: read, decode, extract, clean, date,
detect the language. Every failure is a `rejected` row with a reason a person understands; nothing
here raises for a bad file (even a parser error on a pathological page becomes a reason).
"""

from collections import Counter
from dataclasses import dataclass
from datetime import UTC, date, datetime
from functools import cache
from pathlib import Path

from py3langid.langid import MODEL_DIR, MODEL_FILE, LanguageIdentifier

from pipeline.settings import MAX_CHARS
from pipeline.stages.cleaning import Cleaned, RemovedLine, clean_text
from pipeline.stages.dates import choose_date, latest_plausible, latest_text_date
from pipeline.stages.extract import Extracted, extract_html
from pipeline.stages.ingest import NotText, decode, file_format, printable_name, read_bytes, sha256

MIN_LANGUAGE_CHARS = 40  # under a sentence is too little evidence to call a language
MIN_LANGUAGE_CONFIDENCE = 0.9
ANNOTATED_LANGUAGES = ("en", "und")  # the model is English; "und" is too short to tell
MAX_REASON_CHARS = 300
LANGUAGE_SAMPLE_CHARS = 1_000  # enough for a confident call, 5x cheaper than 5,000
# English function words are a quarter or more of the words of English prose (BBC articles:
# median 33 %, 5th percentile 26 %, 97.6 % at or above 25 %) and about a tenth at most of
# German, French, Spanish, Dutch or Italian news sentences (5.6-10.8 %). At or above
# ENGLISH_SHARE the text is English without asking the language model, which costs ~1.3 ms
# a document (a quarter of reading and cleaning); below it, the model decides.
# fmt: off
ENGLISH_FUNCTION_WORDS = frozenset({
    "the", "of", "and", "to", "in", "a", "is", "that", "for", "it", "on", "was", "with", "he",
    "as", "be", "by", "at", "have", "are", "this", "from", "but", "not", "has", "they", "his",
    "had", "an", "were", "which", "their", "been", "will", "would", "said",
})
# fmt: on
ENGLISH_SHARE = 0.25
# Which lines cleaning removed still date the article (a date in the others is not its date):
# wherever they are, its own headline, byline, picture captions, repeated lines and cut last
# sentence; and before its body begins, the page's header (the dateline and byline are short
# lines that cleaning takes for labels), but for the lines of other articles or people there.
# On the 93 text dumps of the cleaning evaluation, the header's lines dated 69 instead of 22
# documents, 63 of them within three days of their HTML page's date (docs/dates.md).
OWN_LINE_RULES = frozenset(
    {"title", "byline", "photo_caption", "repeated_line", "truncated_sentence"}
)
FOREIGN_LINE_RULES = frozenset(
    {
        "read_more",
        "related_list",
        "teaser",
        "outside_body",
        "comments",
        "comment_form",
        "common_line",
    }
)


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


@dataclass(frozen=True, slots=True)
class Prepared:
    """A file read and cleaned: its `documents` row and removed lines, ready for annotation."""

    item: WorkItem
    content_sha256: str
    document: dict[str, object]
    removed: tuple[RemovedLine, ...]

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


def prepare(item: WorkItem, *, max_bytes: int) -> Prepared:
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
        return _prepared(item, digest, decoded.text, decoded.encoding)
    except Exception as error:  # a parser bug on one strange file must not stop the run
        detail = " ".join(str(error).split())[:MAX_REASON_CHARS]
        reason = f"the text could not be extracted ({type(error).__name__}: {detail})"
        return _rejected(item, digest, reason)


def _prepared(item: WorkItem, digest: str, text: str, encoding: str) -> Prepared:
    fmt = file_format(item.doc_id)
    latest = latest_plausible(item.first_seen or datetime.now(UTC))
    source = _source(text, fmt, latest)
    cleaned = clean_text(source.text, has_title=source.title is not None or fmt != "html")
    cleaned = _with_page_metadata(cleaned, source)
    if not cleaned.text.strip():
        return _rejected(item, digest, _nothing_left(cleaned.removed), cleaned.removed)
    text_date = latest_text_date(dating_text(cleaned, source.text), latest)
    published, date_source = choose_date(cleaned.published_date, source.published_date, text_date)
    document = _row(item, digest, fmt, encoding) | {
        "title": cleaned.title,
        "published_date": published,
        "date_source": date_source,
        "source_url": cleaned.source_url,
        "language": detect_language(cleaned.text),
        "n_chars_raw": len(text),
        "n_chars_clean": len(cleaned.text),
        "text": cleaned.text,
        "status": "ok",
    }
    return Prepared(item, digest, document, cleaned.removed)


def _nothing_left(removed: tuple[RemovedLine, ...]) -> str:
    """Why an empty body: how many lines each rule took, most first."""
    if not removed:
        return "no article text: the page has no main text to extract"
    counts = Counter(r.rule for r in removed)
    rules = ", ".join(f"{rule} ({n})" for rule, n in counts.most_common())
    lines = "line was" if len(removed) == 1 else f"{len(removed)} lines were"
    return f"no article text left after cleaning: the {lines} removed as {rules}"


def _source(text: str, fmt: str, latest: date) -> Extracted:
    """What cleaning reads: a text file as it is, an HTML page's extracted text with the
    title, address and date (none after `latest`) its own metadata gives."""
    if fmt != "html":
        return Extracted(text, None, None, None)
    return extract_html(text, latest=latest)


def _with_page_metadata(cleaned: Cleaned, source: Extracted) -> Cleaned:
    """The page's title and address, where extraction found them, over what cleaning found."""
    return Cleaned(
        text=cleaned.text,
        title=source.title or cleaned.title,
        published_date=cleaned.published_date,
        source_url=source.source_url or cleaned.source_url,
        removed=cleaned.removed,
    )


def dating_text(cleaned: Cleaned, source: str) -> str:
    """The text whose explicit dates are the article's: the lines cleaning removed that still
    date it (see OWN_LINE_RULES), then the body."""
    removed = {line.line_no for line in cleaned.removed}
    lines = source.split("\n")
    body = next((i for i, line in enumerate(lines) if line.strip() and i not in removed), None)
    start = len(lines) if body is None else body
    kept = [
        line.text
        for line in cleaned.removed
        if line.rule in OWN_LINE_RULES
        or (line.line_no < start and line.rule not in FOREIGN_LINE_RULES)
    ]
    return "\n".join([*kept, cleaned.text])


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
    item: WorkItem, digest: str, reason: str, removed: tuple[RemovedLine, ...] = ()
) -> Prepared:
    document = _row(item, digest, file_format(item.doc_id), None) | {"reject_reason": reason}
    return Prepared(item, digest, document, removed)


@cache
def language_identifier() -> LanguageIdentifier:
    """The language model behind `detect_language`, loaded once per process (~0.7 s: a 68 MB
    xz-compressed file): on first need, or ahead of it by a worker while it waits for work."""
    return LanguageIdentifier.from_modelpath(MODEL_DIR / MODEL_FILE, norm_probs=True)


def detect_language(text: str) -> str:
    """An ISO 639-1 code, or "und" (undetermined) when the text is too short or the call too
    close."""
    sample = text[:LANGUAGE_SAMPLE_CHARS]
    if len(sample) < MIN_LANGUAGE_CHARS:
        return "und"
    words = sample.lower().split()
    if sum(word in ENGLISH_FUNCTION_WORDS for word in words) >= ENGLISH_SHARE * len(words):
        return "en"
    language, confidence = language_identifier().classify(sample)
    return language if confidence >= MIN_LANGUAGE_CONFIDENCE else "und"
