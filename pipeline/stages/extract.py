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

`render_html` is the other reading of a page: every block element's text, one a line, as a
scraper's plain-text dump has it (menus and footers included). The corpus counts its short
lines (site furniture recurs across pages), and its cleaning stands in for an extraction
that lost the article.
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
# Elements that start a new line in a rendering, and those whose text is never shown.
BLOCK_TAGS = frozenset(
    [
        "address",
        "article",
        "aside",
        "blockquote",
        "body",
        "br",
        "dd",
        "details",
        "dialog",
        "div",
        "dl",
        "dt",
        "fieldset",
        "figcaption",
        "figure",
        "footer",
        "form",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "header",
        "hr",
        "li",
        "main",
        "nav",
        "ol",
        "p",
        "pre",
        "section",
        "summary",
        "table",
        "tbody",
        "thead",
        "tfoot",
        "tr",
        "td",
        "th",
        "ul",
        "option",
        "button",
        "label",
    ]
)
HIDDEN_TAGS = frozenset(
    [
        "script",
        "style",
        "noscript",
        "template",
        "svg",
        "iframe",
        "head",
        "canvas",
        "object",
        "embed",
        "select",
    ]
)
XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*>")
SPACES = re.compile(r"[ \t\r\f\v\u00a0\u200b]+")


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


def render_html(html: str) -> str:
    """The page's <title>, then the text of its block elements, one a line (blank lines
    between runs); "" for a page lxml cannot parse."""
    if EMPTY_PAGE.match(html):
        return ""
    import lxml.html  # with trafilatura, on the first page
    from lxml import etree

    try:  # lxml refuses a str that declares its encoding: the declaration goes
        root = lxml.html.fromstring(XML_DECLARATION.sub("", html, count=1))
    except (etree.ParserError, etree.XMLSyntaxError, ValueError):
        return ""
    parts = [(root.findtext(".//title") or "").strip(), "\n"]
    body = root.find(".//body")
    _render(body if body is not None else root, parts)
    lines = [SPACES.sub(" ", line).strip() for line in "".join(parts).split("\n")]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


def _render(element: object, parts: list[str]) -> None:
    """Append an element's text to `parts`, a newline around each block element."""
    tag = element.tag.lower() if isinstance(element.tag, str) else None  # None: a comment
    if tag is not None and tag not in HIDDEN_TAGS:
        block = tag in BLOCK_TAGS
        parts.append("\n" if block else "")
        parts.append(element.text or "")
        for child in element:
            _render(child, parts)
        parts.append("\n" if block else "")
    parts.append(element.tail or "")
