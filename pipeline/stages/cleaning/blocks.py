"""The block rule, for page dumps only: jusText's classification of lines with its context
smoothing (Pomikálek 2011), judged by the stop words of the page's own language, or without
any language when it has no list (punctuation, length, capitals)."""

import re
from dataclasses import dataclass

from pipeline.stages.cleaning.page import WORD, Page, ends_sentence, folded
from pipeline.stages.cleaning.region import body_run
from pipeline.stages.cleaning.wrap import line_units

# A site menu alone has 15-100 items; an article's own lists rarely have 15 such lines.
PAGE_DUMP_MIN_LABELS = 15
# An embedded post's signature, as Twitter's embed code prints it under the quoted text:
# "— Tottenham Hotspur (@SpursOfficial) November 20, 2019".
EMBED_SIGNATURE = re.compile(r"^[—–-]\s*[^()]{1,80}\(@\w{1,30}\)\s+\w+\.?\s+\d{1,2},\s+\d{4}\s*$")
LIST_FIELDS = re.compile(r"\d|[:@|(]|\s(?:--?|[–—])\s")  # a figure or a field separator
LIST_MIN_ITEMS = 3  # adjacent lines with figures or fields: a schedule, a table, a ranking
LABEL_MAX_WORDS = 3  # "Home", "World News", "Nov. 19, 2019": the lines a menu is made of
# Without a stop list: a line of PHRASE_MIN_WORDS words is a phrase, not a label; a long line
# of PROSE_MIN_WORDS words, mostly not capitalised, may be a paragraph that ends oddly.
PHRASE_MIN_WORDS = 4
PROSE_MIN_WORDS = 10
CAPITALISED_MAX = 0.5
# CJK and Thai are written without spaces: a character carries about as much as three Latin
# ones, and two make about a word.
WIDE = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\u0e00-\u0e7f]")
WIDE_WEIGHT = 3
# Lines pattern rules dropped as furniture: they were menus and footers, and stay bad
# neighbours when short lines take their class from their context.
CONTEXT_RULES = frozenset(
    {
        "common_line",
        "read_more",
        "comment_form",
        "share",
        "newsletter",
        "cookie_notice",
        "copyright",
    }
)
# The safety net: if the classes would leave under SAFETY_MIN_SHARE of the page's main run of
# prose-like lines (SAFETY_MIN_WORDS words or more, ending a sentence or dense in stop words,
# with at most SAFETY_MAX_GAP other lines in between), its prose-like lines count as good.
SAFETY_MIN_SHARE = 0.5
SAFETY_MIN_WORDS = 6
SAFETY_MAX_GAP = 1


def stop_density(text: str, stop: frozenset[str] | None) -> float:
    words = folded(text)
    if stop is None or not words:
        return 0.0
    return sum(w in stop for w in words) / len(words)


def size(line: str) -> tuple[int, int]:
    """Length in Latin-equivalent characters and words, so that thresholds mean the same in
    scripts written without spaces."""
    wide = len(WIDE.findall(line))
    if not wide:
        return len(line), len(folded(line))
    return len(line) + (WIDE_WEIGHT - 1) * wide, len(folded(line)) + wide // 2


def classify(line: str, page: Page) -> str:
    """jusText's context-free class of one line (good, neargood, short or bad), where ending
    with a full stop also counts: prose is made of sentences, menus and teasers are not."""
    if "©" in line:
        return "bad"
    if EMBED_SIGNATURE.match(line):
        return "neargood"  # an embedded post quoted in the story: its class is its context's
    if page.stop_words is None:
        return _classify_free(line, page)
    params, sentence = page.params, ends_sentence(line)
    density = stop_density(line, page.stop_words)
    if len(line) < params.length_low:
        # Without links to count (jusText's link density), a short line with neither a stop
        # word nor a full stop is taken for a label: a menu item, a name, a date.
        if not sentence:
            return "short" if density > 0 else "bad"
        # A short sentence is prose as long as one neighbour is ("... ,” he said.").
        return "neargood" if density > 0 else "short"
    if density >= params.stopwords_high:
        return "good" if len(line) > params.length_high or sentence else "neargood"
    # A sentence full of names ("X dismissed Y's offer as 'manipulation'.") is still prose.
    return "neargood" if density >= params.stopwords_low or sentence else "bad"


def _classify_free(line: str, page: Page) -> str:
    """The class without stop words: length, words, a sentence's end, capitals."""
    sentence = ends_sentence(line)
    length, words = size(line)
    if length < page.params.length_low:
        if sentence:
            return "neargood"
        return "short" if words >= PHRASE_MIN_WORDS else "bad"
    if sentence:
        return "good"
    return (
        "neargood" if words >= PROSE_MIN_WORDS and _capitalised(line) <= CAPITALISED_MAX else "bad"
    )


def _capitalised(line: str) -> float:
    words = WORD.findall(line)
    return sum(word[0].isupper() for word in words) / len(words) if words else 1.0


def prose_like(line: str, page: Page) -> bool:
    """A line of running text: long enough, and a sentence or dense in stop words."""
    words = size(line)[1]
    if words < SAFETY_MIN_WORDS:
        return False
    if ends_sentence(line):
        return True
    if page.stop_words is None:
        return words >= PROSE_MIN_WORDS and _capitalised(line) <= CAPITALISED_MAX
    return stop_density(line, page.stop_words) >= page.params.stopwords_low


def _is_label(line: str, stop: frozenset[str] | None) -> bool:
    """A menu item, a name, a date: up to LABEL_MAX_WORDS words, no stop word, no full stop."""
    words = folded(line)
    return (
        len(words) <= LABEL_MAX_WORDS and not ends_sentence(line) and not stop_density(line, stop)
    )


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


def smooth(classes: list[str]) -> list[str]:
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


def _text(page: Page, unit: list[int]) -> str:
    return " ".join(page.lines[i] for i in unit)


@dataclass(frozen=True, slots=True)
class ContentClass:
    name: str = "low_content"
    reason: str = (
        "short lines with few stop words (of the page's language) and no sentence, amid other "
        "such lines, are menus, labels and link lists (jusText's classification with context "
        "smoothing)"
    )

    def apply(self, page: Page) -> None:
        body = page.body()
        labels = sum(_is_label(line, page.stop_words) for line in page.source if line)
        if labels < PAGE_DUMP_MIN_LABELS:
            return  # an article's text, not a page's dump: nothing for block rules to do
        units = line_units(page, body)
        classes = _smoothed(page, units, _context_free(page, units))
        if _loses_prose(page, units, classes):
            prose = [
                "good" if prose_like(_text(page, u), page) else classify(_text(page, u), page)
                for u in units
            ]
            classes = smooth(prose)
        for unit, cls in zip(units, classes, strict=True):
            for i in unit:
                page.classes[i] = cls
                if cls == "bad":
                    page.drop(i, self.name)


def _context_free(page: Page, units: list[list[int]]) -> list[str]:
    """Each unit's own class; lines of an article's list or table are at worst neargood, and
    a page without a good line takes its neargood ones for its body."""
    items = _list_items(page, [i for u in units for i in u])
    classes = []
    for unit in units:
        cls = classify(_text(page, unit), page)
        if cls in ("bad", "short") and all(i in items for i in unit):
            cls = "neargood"
        classes.append(cls)
    if "good" not in classes:
        classes = ["good" if c == "neargood" else c for c in classes]
    return classes


def _smoothed(page: Page, units: list[list[int]], classes: list[str]) -> list[str]:
    """The classes after smoothing, with the lines furniture rules dropped standing among
    them as bad neighbours (when `context` is on)."""
    walls = set()
    if page.params.context:
        walls = {r.line_no for r in page.removed if r.rule in CONTEXT_RULES}
    if not walls:
        return smooth(classes)
    order = sorted(
        [(u[0], c) for u, c in zip(units, classes, strict=True)] + [(w, "") for w in walls]
    )
    smoothed = smooth([c or "bad" for _, c in order])
    return [s for (_, c), s in zip(order, smoothed, strict=True) if c]


def _loses_prose(page: Page, units: list[list[int]], classes: list[str]) -> bool:
    """Whether the classes, and the body's run they give, keep under SAFETY_MIN_SHARE of the
    page's main run of prose."""
    run = _main_prose_run(page)
    before = sum(len(page.lines[i]) for i in run)
    if not before:
        return False
    tentative = {i: c for u, c in zip(units, classes, strict=True) for i in u}
    start, end = body_run(page, tentative)
    kept = sum(len(page.lines[i]) for i in run if tentative[i] != "bad" and start <= i <= end)
    return kept < SAFETY_MIN_SHARE * before


def _main_prose_run(page: Page) -> list[int]:
    """The run of prose-like lines (with at most SAFETY_MAX_GAP other lines in a row between
    them) with the most characters."""
    best: list[int] = []
    best_chars = 0
    run: list[int] = []
    gap = 0
    for i in [*page.body(), None]:
        if i is not None and prose_like(page.lines[i], page):
            run.append(i)
            gap = 0
            continue
        gap += 1
        if i is None or gap > SAFETY_MAX_GAP:
            chars = sum(len(page.lines[k]) for k in run)
            if chars > best_chars:
                best, best_chars = run, chars
            run, gap = [], 0
    return best
