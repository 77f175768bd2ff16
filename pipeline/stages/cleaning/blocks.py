"""Block rules, for page dumps only: jusText's classification of lines with its context
smoothing (Pomikálek 2011), then the body as one contiguous run of good lines."""

import math
import re
from dataclasses import dataclass

from pipeline.stages.cleaning.page import Page, ends_sentence, folded, line_key

_STOP_WORDS = """
a about above after again against all also am an and any are as at be because been before being
below between both but by can could did do does doing down during each even few for from further
had has have having he her here hers herself him himself his how however i if in into is it its
itself just last like made make many may me might more most much must my myself new no nor not
now of off on once one only or other our ours ourselves out over own said same say says she
should since so some still such than that the their theirs them themselves then there these they
this those through to too under until up upon us very was we well were what when where which
while who whom whose why will with would year years yet you your yours yourself yourselves
"""
STOP_WORDS = frozenset(_STOP_WORDS.split())
LENGTH_LOW = 70  # characters: below, a block is too short to judge alone ("short")
LENGTH_HIGH = 200  # characters: above, a block with prose stop-word density is surely "good"
STOPWORDS_LOW = 0.30  # share of stop words of English prose; menus and link lists have ~0.1
STOPWORDS_HIGH = 0.32
BAD_WEIGHT = 1.0  # a bad character outweighs a good one this much when choosing the body's run
BAD_LINE_COST = 40  # characters each bad line costs on top: a run of menu items is a wall
ANCHOR_MIN_GOOD = LENGTH_HIGH  # a run under the headline must hold a paragraph to be the body
ANCHOR_MIN_WORDS = 3  # a one- or two-word title part ("Opinion", "WSJ") is not a headline
# "Headline | Section - Site": the parts of a <title>, one of which the page's <h1> repeats.
TITLE_PARTS = re.compile(r"\s+[|\-–—:·»]\s+|\s+::\s+")
# A site menu alone has 15-100 items; an article's own lists rarely have 15 such lines.
BARRIER_RULES = frozenset({"comment_form", "comments"})  # the article never goes on past these
PAGE_DUMP_MIN_LABELS = 15
# An embedded post's signature, as Twitter's embed code prints it under the quoted text:
# "— Tottenham Hotspur (@SpursOfficial) November 20, 2019".
EMBED_SIGNATURE = re.compile(r"^[—–-]\s*[^()]{1,80}\(@\w{1,30}\)\s+\w+\.?\s+\d{1,2},\s+\d{4}\s*$")
LIST_FIELDS = re.compile(r"\d|[:@|(]|\s(?:--?|[–—])\s")  # a figure or a field separator
LIST_MIN_ITEMS = 3  # adjacent lines with figures or fields: a schedule, a table, a ranking
LABEL_MAX_WORDS = 3  # "Home", "World News", "Nov. 19, 2019": the lines a menu is made of
ENGLISH_MIN_DENSITY = 0.15  # below, the document is not English: judge by punctuation instead


def _stop_density(text: str) -> float:
    words = folded(text)
    return sum(w in STOP_WORDS for w in words) / len(words) if words else 0.0


def _classify(line: str, english: bool) -> str:
    """jusText's context-free class of one line (good, neargood, short or bad), where ending
    with a full stop also counts: prose is made of sentences, menus and teasers are not."""
    if "©" in line:
        return "bad"
    if EMBED_SIGNATURE.match(line):
        return "neargood"  # an embedded post quoted in the story: its class is its context's
    sentence = ends_sentence(line)
    if len(line) < LENGTH_LOW:
        # Without links to count (jusText's link density), a short line with neither a stop
        # word nor a full stop is taken for a label: a menu item, a name, a date.
        if not sentence:
            return "short" if _stop_density(line) > 0 else "bad"
        # A short sentence is prose as long as one neighbour is ("... ,” he said.").
        return "neargood" if _stop_density(line) > 0 or not english else "short"
    density = _stop_density(line) if english else STOPWORDS_HIGH * sentence
    if density >= STOPWORDS_HIGH:
        return "good" if len(line) > LENGTH_HIGH or sentence else "neargood"
    # A sentence full of names ("X dismissed Y's offer as 'manipulation'.") is still prose.
    return "neargood" if density >= STOPWORDS_LOW or sentence else "bad"


def _is_label(line: str) -> bool:
    """A menu item, a name, a date: up to LABEL_MAX_WORDS words, no stop word, no full stop."""
    words = folded(line)
    return len(words) <= LABEL_MAX_WORDS and not ends_sentence(line) and not _stop_density(line)


def _is_list_item(line: str) -> bool:
    """A line of an article's list or table: figures or fields ("England (Group A): 10th
    appearance") in more words than a menu item has."""
    return len(folded(line)) > LABEL_MAX_WORDS and bool(LIST_FIELDS.search(line))


def _list_items(page: Page, body: list[int]) -> set[int]:
    """Lines of runs of LIST_MIN_ITEMS or more adjacent list items (no blank line between)."""
    items: set[int] = set()
    run: list[int] = []
    for i in [*(i for i in body if _is_list_item(page.lines[i])), -2]:  # -2 ends the last run
        if run and run[-1] == i - 1:
            run.append(i)
            continue
        if len(run) >= LIST_MIN_ITEMS:
            items.update(run)
        run = [i]
    return items


def _neighbour(classes: list[str], i: int, step: int, skip: frozenset[str]) -> str:
    """Class of the nearest line before (step -1) or after (+1) i not in `skip`; page edges
    count as bad."""
    i += step
    while 0 <= i < len(classes):
        if classes[i] not in skip:
            return classes[i]
        i += step
    return "bad"


def _smooth(classes: list[str]) -> list[str]:
    """jusText's context pass: short and neargood lines take the class of their neighbours."""
    short, both = frozenset({"short"}), frozenset({"short", "neargood"})
    out = list(classes)
    for i, cls in enumerate(classes):
        if cls != "short":
            continue
        before, after = _neighbour(classes, i, -1, both), _neighbour(classes, i, 1, both)
        if before == after:
            out[i] = before
            continue
        # between good and bad: good only if a neargood line stands on the bad side
        near_before = before == "bad" and _neighbour(classes, i, -1, short) == "neargood"
        near_after = after == "bad" and _neighbour(classes, i, 1, short) == "neargood"
        out[i] = "good" if near_before or near_after else "bad"
    for i, cls in enumerate(classes):
        if cls == "neargood":
            around = {_neighbour(out, i, -1, both), _neighbour(out, i, 1, both)}
            out[i] = "bad" if around == {"bad"} else "good"
    return out


@dataclass(frozen=True, slots=True)
class ContentClass:
    name: str = "low_content"
    reason: str = (
        "short lines with few stop words and no sentence, amid other such lines, are menus, "
        "labels and link lists (jusText's classification with context smoothing)"
    )

    def apply(self, page: Page) -> None:
        body = page.body()
        english = _stop_density(" ".join(page.lines[i] for i in body)) >= ENGLISH_MIN_DENSITY
        if sum(_is_label(line) for line in page.source if line) < PAGE_DUMP_MIN_LABELS:
            return  # an article's text, not a page's dump: nothing for block rules to do
        classes = [_classify(page.lines[i], english) for i in body]
        items = _list_items(page, body)
        classes = [
            "neargood" if i in items and c in ("bad", "short") else c
            for i, c in zip(body, classes, strict=True)
        ]
        if "good" not in classes:  # a short article: its best lines are its body
            classes = ["good" if c == "neargood" else c for c in classes]
        classes = _smooth(classes)

        for i, cls in zip(body, classes, strict=True):
            page.classes[i] = cls
            if cls == "bad":
                page.drop(i, self.name)


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
        weights = _weights(page)
        start, end = _anchored_run(page, weights) or _best_run(weights)
        for i in page.body():
            if not start <= i <= end:
                page.drop(i, self.name)


def _weights(page: Page) -> dict[int, float]:
    """Good lines weigh their characters; bad ones, and lines earlier rules dropped, the
    negative of theirs plus BAD_LINE_COST. Lines without words weigh nothing; the body never
    runs across a comment form or thread (BARRIER_RULES)."""
    barriers = {r.line_no for r in page.removed if r.rule in BARRIER_RULES}
    weights = {}
    for i, line in enumerate(page.source):
        if i in barriers:
            weights[i] = -math.inf
        elif line and i not in page.no_text:
            good = page.classes.get(i) == "good"
            weights[i] = len(line) if good else -BAD_WEIGHT * len(line) - BAD_LINE_COST
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
    itself no body), if it holds at least ANCHOR_MIN_GOOD good characters."""
    headlines = _headline_keys(page.title)
    anchors = [
        i for i in sorted(weights) if i > page.title_line and line_key(page.source[i]) in headlines
    ]
    best, best_run = 0.0, None
    for anchor in anchors:
        total = good = 0.0
        for i in sorted(w for w in weights if w > anchor):
            total += weights[i]
            good += max(weights[i], 0.0)
            if total > best and good >= ANCHOR_MIN_GOOD:
                best, best_run = total, (anchor + 1, i)
    return best_run


def _headline_keys(title: str | None) -> frozenset[str]:
    """The keys a repeat of the title may have: whole, or any part of "Headline | Site" long
    enough to be a headline."""
    if not title:
        return frozenset()
    parts = {line_key(part) for part in TITLE_PARTS.split(title)} | {line_key(title)}
    return frozenset(p for p in parts if len(p.split()) >= ANCHOR_MIN_WORDS)
