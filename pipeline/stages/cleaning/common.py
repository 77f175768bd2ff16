"""Corpus-level boilerplate: a short line found in many unrelated documents of the corpus (a
site's menu item, its footer, its "Read more" wording) is furniture, not news.

A document contributes its `LineKeys`: the `line_hash` of each short line, and a group, a
hash that copies of one story share, so that a story filed twice (or syndicated to three
sites) is counted once and its own short lines do not become "common". Both come from the
text before cleaning, so they do not depend on which lines are common: the lake counts them
(pipeline/lake/lines.py) and the run re-cleans the documents whose common lines changed.
"""

from dataclasses import dataclass

from pipeline.stages.cleaning.page import Page, ends_sentence, line_hash, line_key

# Only short lines are counted across documents: menus, footers, teasers' labels. A paragraph
# found in three documents is a story told three times (syndicated, quoted), not furniture.
COMMON_MAX_WORDS = 12
# A document's group is the smallest hash of its paragraphs (lines of GROUP_MIN_WORDS words
# or more that end a sentence): copies of one story share most paragraphs, so most share the
# smallest one too (a min-hash), while two stories of one site share none. Measured on the
# development dumps plus three copies of 30 of their bodies in other pages' frames: copies kept
# F1 0.937-0.941 (0.914-0.916 counting each document once), the originals 0.941-0.946.
# A short document without such paragraphs takes its sentences of GROUP_MIN_WORDS_SHORT
# words or more: two brief wire items of one story are copies too.
GROUP_MIN_WORDS = 12
GROUP_MIN_WORDS_SHORT = 6


@dataclass(frozen=True, slots=True)
class LineKeys:
    """What a document adds to the corpus's line counts: its group and its short lines."""

    group: int
    keys: frozenset[int]


def common_key(line: str) -> int | None:
    """The `line_hash` a line is counted under across documents; None for a line too long
    (over COMMON_MAX_WORDS words) or without words."""
    key = line_key(line)
    if not key or key.count(" ") >= COMMON_MAX_WORDS:
        return None
    return line_hash(key)


def line_keys(text: str, *, has_title: bool = True) -> LineKeys:
    """A document's short lines and its group, from its text before cleaning. The first line
    of a text that starts with its title is not counted: the title rule takes it before
    `CommonLine` judges any line (a site's name as every page's first line is its title)."""
    lines = [line.strip() for line in text.split("\n")]
    first = next((i for i, line in enumerate(lines) if line), None) if has_title else None
    judged = [line for i, line in enumerate(lines) if i != first]
    keys = frozenset(k for k in map(common_key, judged) if k is not None)
    sentences = [line_key(line) for line in lines if ends_sentence(line)]
    for min_words in (GROUP_MIN_WORDS, GROUP_MIN_WORDS_SHORT):
        paragraphs = [key for key in sentences if key.count(" ") >= min_words - 1]
        if paragraphs:
            return LineKeys(min(map(line_hash, paragraphs)), keys)
    # no sentence: only an exact copy (the same lines) is the same document
    return LineKeys(line_hash("\n".join(filter(None, map(line_key, lines)))), keys)


@dataclass(frozen=True, slots=True)
class CommonLine:
    name: str = "common_line"
    reason: str = (
        "a short line found in many unrelated documents of the corpus is site furniture "
        "(a menu, a footer, a teaser's wording), not news"
    )

    def apply(self, page: Page) -> None:
        if not page.common_lines:
            return
        for i in page.body():
            # the line as it came (as the document's counted keys were made), not as a rule
            # before this one left it (the date marker's line)
            if common_key(page.source[i]) in page.common_lines:
                page.drop(i, self.name)
