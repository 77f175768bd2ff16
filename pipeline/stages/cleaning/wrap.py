"""Hard-wrapped pages: paragraphs broken into lines of a fixed width (e-mail, some scrapers).
The block rules judge a paragraph, not each of its pieces, whose ends are no sentence ends."""

from pipeline.stages.cleaning.page import Page, ends_sentence

WRAP_MIN_LINE = 30  # characters: lines this long tell the wrap width
WRAP_BAND = 20  # a wrapped line is within this many characters of the width
WRAP_MIN_SHARE = 0.6  # of the lines of WRAP_MIN_LINE or more in the band: the page is wrapped
WRAP_MIN_LINES = 10
WRAP_MAX_OVER = 0.15  # lines longer than the width (headline, teasers) a wrapped page may have
WRAP_SLACK = 2  # a line may end this much short of the width and still have been broken


def wrap_width(page: Page, body: list[int]) -> int | None:
    """The width a hard-wrapped page's paragraphs were broken at, None if it is not wrapped."""
    lengths = sorted(len(page.lines[i]) for i in body if len(page.lines[i]) >= WRAP_MIN_LINE)
    if len(lengths) < WRAP_MIN_LINES:
        return None
    # the width whose band [width - WRAP_BAND, width] holds the most lines
    band, width = max((sum(w - WRAP_BAND <= n <= w for n in lengths), w) for w in set(lengths))
    over = sum(n > width for n in lengths)
    if band < max(WRAP_MIN_LINES, WRAP_MIN_SHARE * len(lengths)):
        return None
    return None if over > WRAP_MAX_OVER * len(lengths) else width


def line_units(page: Page, body: list[int]) -> list[list[int]]:
    """The body's lines grouped into the paragraphs a hard wrap broke: line i goes on in line
    i+1 when i+1 follows it directly and its first word would not have fit on line i (a page
    wrapped at a width), or, on a page too short to tell a width, when line i is long, ends
    no sentence, and i+1 starts in lower case (a sentence going on)."""
    width = wrap_width(page, body)
    units: list[list[int]] = []
    for i in body:
        if units and units[-1][-1] == i - 1 and _goes_on(page.lines[i - 1], page.lines[i], width):
            units[-1].append(i)
            continue
        units.append([i])
    return units


def _goes_on(line: str, following: str, width: int | None) -> bool:
    words = following.split()
    if not words:
        return False
    if width is not None:
        return len(line) + 1 + len(words[0]) > width - WRAP_SLACK
    return len(line) >= WRAP_MIN_LINE and not ends_sentence(line) and words[0][0].islower()
