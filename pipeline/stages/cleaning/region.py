"""The article's body as one contiguous run of good lines, under its headline when the page
repeats it."""

import math
import re
from dataclasses import dataclass

from pipeline.stages.cleaning.page import Page, line_key

ANCHOR_MIN_WORDS = 3  # a one- or two-word title part ("Opinion", "WSJ") is not a headline
BAD_WEIGHT = 1.0  # a bad character outweighs a good one this much when choosing the body's run
# "Headline | Section - Site": the parts of a <title>, one of which the page's <h1> repeats.
TITLE_PARTS = re.compile(r"\s+[|\-–—:·»]\s+|\s+::\s+")
BARRIER_RULES = frozenset({"comment_form", "comments"})  # the article never goes on past these


@dataclass(frozen=True, slots=True)
class MainRegion:
    name: str = "outside_body"
    reason: str = (
        "an article is one contiguous run of prose under its headline; good-looking lines away "
        "from that run are teasers, comments and footers"
    )

    def apply(self, page: Page) -> None:
        if not page.classes:
            return
        start, end = body_run(page, page.classes)
        for i in page.body():
            if not start <= i <= end:
                page.drop(i, self.name)


def body_run(page: Page, classes: dict[int, str]) -> tuple[int, int]:
    """First and last line of the body's run, given each line's class."""
    weights = _weights(page, classes)
    return _anchored_run(page, weights) or _best_run(weights)


def _weights(page: Page, classes: dict[int, str]) -> dict[int, float]:
    """Good lines weigh their characters; bad ones, and lines earlier rules dropped, the
    negative of theirs plus the bad-line cost. Lines without words weigh nothing; the body
    never runs across a comment form or thread (BARRIER_RULES)."""
    barriers = {r.line_no for r in page.removed if r.rule in BARRIER_RULES}
    cost = page.params.bad_line_cost
    weights = {}
    for i, line in enumerate(page.source):
        if i in barriers:
            weights[i] = -math.inf
        elif line and i not in page.no_text:
            good = classes.get(i) == "good"
            weights[i] = len(line) if good else -BAD_WEIGHT * len(line) - cost
    return weights


def _best_run(weights: dict[int, float]) -> tuple[int, int]:
    """The run of lines with the greatest weight (Kadane's maximum subarray)."""
    best, best_run = 0.0, (0, -1)
    total, start = 0.0, 0
    for i in sorted(weights):
        if total <= 0:
            total, start = 0.0, i
        total += weights[i]
        if total > best:
            best, best_run = total, (start, i)
    return best_run


def _anchored_run(page: Page, weights: dict[int, float]) -> tuple[int, int] | None:
    """The heaviest run that starts after a repeat of the title (the article's own headline,
    itself no body), if it holds at least a paragraph's worth of good characters."""
    headlines = _headline_keys(page.title)
    anchors = [
        i for i in sorted(weights) if i > page.title_line and line_key(page.source[i]) in headlines
    ]
    best, best_run = 0.0, None
    paragraph = page.params.length_high  # a run under the headline must hold a paragraph
    for anchor in anchors:
        total = good = 0.0
        for i in sorted(w for w in weights if w > anchor):
            total += weights[i]
            good += max(weights[i], 0.0)
            if total > best and good >= paragraph:
                best, best_run = total, (anchor + 1, i)
    return best_run


def _headline_keys(title: str | None) -> frozenset[str]:
    """The keys a repeat of the title may have: whole, or any part of "Headline | Site" long
    enough to be a headline."""
    if not title:
        return frozenset()
    parts = {line_key(part) for part in TITLE_PARTS.split(title)} | {line_key(title)}
    return frozenset(p for p in parts if len(p.split()) >= ANCHOR_MIN_WORDS)
