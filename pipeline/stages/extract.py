"""Main-text extraction from an HTML page with trafilatura, offline (nothing is fetched), and
the page's own publication date with htmldate.

`Extracted.text` starts with the page's title as its first line when trafilatura finds one, so
that `pipeline.stages.cleaning.clean_text`, whose `title` rule takes the first line as the headline,
removes the title and not the article's first paragraph. The body's paragraphs follow, one a
line.

The date is htmldate's (which trafilatura calls on the tree it parsed, never on a URL, so
nothing is downloaded): the original publication date, not the last update
(`original_date`), from the page's metadata and markup only (no `extensive_search` through
its free text, which pipeline/stages/dates.py reads for explicit dates), and none after
`latest`, the day the file was first seen.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from trafilatura.settings import Document

ISO_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})")
EMPTY_PAGE = re.compile(r"^\s*$")


@dataclass(frozen=True, slots=True)
class Extracted:
    text: str
    title: str | None
    published_date: datetime.date | None
    source_url: str | None


def extract_html(html: str, *, latest: datetime.date | None = None) -> Extracted:
    """The main text and metadata of `html`; empty text if trafilatura finds no article. The
    published date is none after `latest` (default: today)."""
    if EMPTY_PAGE.match(html):
        return Extracted("", None, None, None)
    document = _bare_extraction(html, latest or datetime.date.today())
    if document is None:
        return Extracted("", None, None, None)
    body = (document.text or "").strip()
    title = _clean_field(document.title)
    text = f"{title}\n\n{body}" if title and body else body
    return Extracted(text, title, _date(document.date), _clean_field(document.url))


def _bare_extraction(html: str, latest: datetime.date) -> Document | None:
    # imported on the first page, not with the module: trafilatura and lxml take ~0.4 s to
    # import, paid by every run and every worker process even when the folder holds no HTML
    import trafilatura
    from trafilatura.settings import Document

    try:
        result = trafilatura.bare_extraction(
            html,
            with_metadata=True,
            include_comments=False,  # reader comments are not the article
            no_fallback=True,  # skip the readability/jusText fallbacks: twice as fast, as good
            include_tables=True,
            include_images=False,
            date_extraction_params={
                "original_date": True,
                "extensive_search": False,
                "max_date": datetime.datetime.combine(latest, datetime.time.max),
            },
        )
    except (ValueError, TypeError):  # lxml rejects some malformed documents outright
        return None
    return result if isinstance(result, Document) else None


def _clean_field(value: str | None) -> str | None:
    value = (value or "").strip()
    return value or None


def _date(value: str | None) -> datetime.date | None:
    match = ISO_DATE.match(value or "")
    if not match:
        return None
    try:
        return datetime.date(*(int(g) for g in match.groups()))
    except ValueError:
        return None
