"""Cleaning: a scraped article's text in; its body, metadata and every removed line out.

Each rule is a small named unit with a `name` and a `reason` (why the text it drops is not
article body; the `cleaning_rules` table holds them), applied in the order of `RULES` (after
datatrove's filters). A rule sees only the lines earlier rules kept and records everything it
drops as a `RemovedLine`, so nothing leaves silently. The rule families, in their modules:
metadata.py (date marker, title, source URL), patterns.py (furniture phrases), common.py (lines
many documents of the corpus share), structure.py (repeats, comments, teasers, a cut last
sentence), blocks.py and region.py (menus and the body's run, for page dumps).

The page's language is told first, from its prose lines (language.py): the block rules judge
lines by that language's stop words, and `documents.language` is the same call.
"""

from pipeline.stages.cleaning.blocks import ContentClass
from pipeline.stages.cleaning.common import CommonLine, LineKeys, common_key, line_keys
from pipeline.stages.cleaning.language import page_language, stop_words
from pipeline.stages.cleaning.metadata import DateMarker, NoWords, SourceUrl, Title
from pipeline.stages.cleaning.page import Cleaned, Page, RemovedLine, Rule, line_hash, line_key
from pipeline.stages.cleaning.params import DEFAULT_PARAMS, CleaningParams
from pipeline.stages.cleaning.patterns import (
    BYLINE_LINES,
    CAPTION_LINES,
    COMMENT_FORM_LINES,
    COOKIE_LINES,
    COPYRIGHT_LINES,
    NEWSLETTER_LINES,
    READ_MORE_LINES,
    SHARE_LINES,
    CaptionVerb,
    RelatedList,
)
from pipeline.stages.cleaning.region import MainRegion
from pipeline.stages.cleaning.structure import (
    Aggregate,
    CommentThread,
    Excerpt,
    RepeatedLine,
    TruncatedSentence,
)

__all__ = [
    "DEFAULT_PARAMS",
    "RULES",
    "Cleaned",
    "CleaningParams",
    "LineKeys",
    "RemovedLine",
    "clean_text",
    "common_key",
    "line_hash",
    "line_key",
    "line_keys",
    "rule_reasons",
]

RULES: tuple[Rule, ...] = (
    NoWords(),
    DateMarker(),
    Title(),
    SourceUrl(),
    READ_MORE_LINES,
    COMMENT_FORM_LINES,
    SHARE_LINES,
    NEWSLETTER_LINES,
    COOKIE_LINES,
    COPYRIGHT_LINES,
    CAPTION_LINES,
    CaptionVerb(),
    CommonLine(),
    RepeatedLine(),
    CommentThread(),
    Aggregate(),
    Excerpt(),
    ContentClass(),
    MainRegion(),
    RelatedList(),
    BYLINE_LINES,
    TruncatedSentence(),
)


def rule_reasons() -> dict[str, str]:
    """Each rule name with why the text it drops is not article body (rows of the
    `cleaning_rules` table). Two rules of one name (captions found by a pattern and by their
    verb) give one row, their reasons joined."""
    reasons: dict[str, list[str]] = {}
    for rule in RULES:
        reasons.setdefault(rule.name, []).append(rule.reason)
    return {name: "; ".join(dict.fromkeys(texts)) for name, texts in reasons.items()}


def clean_text(
    text: str,
    *,
    common_lines: frozenset[int] = frozenset(),
    has_title: bool = True,
    params: CleaningParams = DEFAULT_PARAMS,
    language: str | None = None,
) -> Cleaned:
    """Apply every rule of `RULES` to `text`; lines whose `common_key` is in `common_lines`
    are corpus-level boilerplate. `has_title=False` says the text starts with its body (an
    HTML page whose extraction found no headline), so no first line is taken as the title.
    `language` (an ISO 639-1 code, "und" if unsure) is told from the text when not given."""
    lines = [line.strip() for line in text.split("\n")]
    page = Page(list(lines), tuple(lines), common_lines, has_title, params=params)
    page.language = page_language(lines) if language is None else language
    page.stop_words = stop_words(page.language)
    for rule in RULES:
        rule.apply(page)
    return Cleaned(
        text=page.joined_body(),
        title=page.title,
        published_date=page.published_date,
        source_url=page.source_url,
        removed=tuple(sorted(page.removed, key=lambda r: r.line_no)),
        language=page.language,
    )
