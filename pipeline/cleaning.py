"""Cleaning rules: a scraped article's text in, its body, metadata and every removed line out.

Each rule is a small named unit with a `name` and a `reason` (why the text it drops is not part
of an article body), applied in the order of `RULES`. A rule only sees lines that earlier rules
kept, and records everything it drops as a `RemovedLine`, so nothing leaves silently.

Metadata (the line is removed from the body, its content moves to a field):
- date_marker: a leading `date YYYY-MM-DD` marker is the scraper's publication date, not prose.
- title: the first line is the headline; it goes to `Cleaned.title`, the body is what follows
  (unless it is longer than any headline, MAX_TITLE_WORDS: then it is the first paragraph).
- source_url: a bare URL on the last line is where the page came from, not prose.

Line patterns (a line that starts like this is page furniture, not reporting):
- read_more: "Read more:", "READ ALSO", "Related:", "See also:" lines link to other articles.
- comment_form: "Leave a Reply", "Your email address will not be published"... are the
  comment form under the article.
- share: "Share this", "Share on Facebook", "Follow us on Twitter" are social buttons.
- newsletter: "Subscribe to our newsletter", "Sign up for..." are sign-up calls to action.
- cookie_notice: "We use cookies", "Accept all cookies" are consent banners.
- photo_caption: "Photo: ...", "(Getty Images)", "Image caption", captions ending in a credit
  and "X is seen ..." lines describe a picture; they are not part of the story.

Corpus:
- common_line: a line whose `line_key` is in `common_lines` (found in many documents of the
  corpus; the caller computes the set) is site furniture: menus, footers, bylines boxes.

Structure (a line is judged by where it stands and what is around it):
- repeated_line: a line equal to the line right before it (or to the end of it) is an echo of
  the same element (image alt text and figcaption, a title shown twice); the repeat goes.
  The first copy of a doubled line that has no terminal punctuation is taken to be a caption
  (rule photo_caption): prose paragraphs end with punctuation and are not rendered twice,
  whereas a picture's alt text and its caption are. A doubled line that ends with punctuation
  (001's title) keeps its first copy.
- truncated_sentence: the scraper cut the last sentence mid-word ("...invasion of Ukrain");
  only that sentence goes. A last line without a full stop counts as cut when its last word is
  a function word ("of", "the") or a strict prefix of a longer word of the document that is not
  itself a word of the document; "Truss told Metronews247" is complete and stays.
"""

import datetime
import re
from dataclasses import dataclass, field
from typing import Protocol

# --- patterns -------------------------------------------------------------------------------

DATE_MARKER = re.compile(r"^\s*date\s*[:=]?\s*(\d{4})-(\d{2})-(\d{2})\b\s*(.*)$", re.IGNORECASE)
BARE_URL = re.compile(r"^\s*<?(https?://|www\.)\S+>?\s*$", re.IGNORECASE)
WORD = re.compile(r"\w+", re.UNICODE)
# A sentence ends with . ! ? or … , optionally followed by closing quotes or brackets.
TERMINAL = re.compile(r"[.!?…][\"'”’»)\]]*$")
SENTENCE_END = re.compile(r"[.!?…][\"'”’»)\]]*\s+")

_SEP = r"\s*(?:[:|»›>\-–—]|$)"  # what follows a furniture phrase: a separator or end of line

READ_MORE = re.compile(
    r"^\W*(?:"
    r"(?:read|see|watch|listen|view)\s+(?:more|also|next|this|the\s+latest)"
    r"|also\s+(?:read|see|watch)|related(?:\s+(?:articles?|stories|news|posts?|coverage|links?))?"
    r"|more\s+(?:on\s+this(?:\s+story)?|stories|from\s+\w+)|recommended(?:\s+for\s+you)?"
    r"|you\s+(?:may|might)\s+also\s+(?:like|be\s+interested\s+in)|further\s+reading"
    r"|top\s+stories|most\s+(?:read|popular|viewed)|trending(?:\s+now)?"
    r")" + _SEP,
    re.IGNORECASE,
)
# In capitals the phrase is a label even without a separator: "ALSO READ Putin says ...".
READ_MORE_CAPS = re.compile(r"^\W*(?:READ\s+(?:MORE|ALSO)|ALSO\s+READ|SEE\s+ALSO|RELATED)\b")

COMMENT_FORM = re.compile(
    r"^\W*(?:"
    r"leave\s+a\s+(?:reply|comment)|post\s+(?:a\s+)?comment|submit\s+comment|add\s+a\s+comment"
    r"|your\s+email\s+address\s+will\s+not\s+be\s+published|required\s+fields\s+are\s+marked"
    r"|save\s+my\s+name,?\s+email|cancel\s+reply|notify\s+me\s+of\s+(?:new|follow-?up)"
    r"|you\s+must\s+be\s+logged\s+in\s+to\s+post|log\s+in\s+to\s+(?:reply|comment)"
    r"|be\s+the\s+first\s+to\s+comment|join\s+the\s+(?:conversation|discussion)"
    r"|(?:show|view|load|hide)\s+(?:\d+\s+)?comments|comments?\s*(?:\(\d+\))?$|\d+\s+comments?$"
    r"|(?:name|email|website|comment)\s*\*?$"
    r")",
    re.IGNORECASE,
)
SHARE = re.compile(
    r"^\W*(?:"
    r"share(?:\s+(?:this|the)(?:\s+(?:article|story|post|page))?)?(?:\s+(?:on|via|with)\s+\w+)?"
    r"|click\s+to\s+(?:share|email|print)|(?:tweet|pin|email|print)(?:\s+(?:this|it))?"
    r"|follow\s+us(?:\s+on\s+\w+)?|like\s+us\s+on\s+\w+|copy\s+(?:the\s+)?link"
    r"|(?:facebook|twitter|linkedin|whatsapp|telegram|reddit|pinterest|email|messenger)"
    r")" + _SEP,
    re.IGNORECASE,
)
NEWSLETTER = re.compile(
    r"^\W*(?:(?:subscribe|sign\s+up|register)(?:\s+(?:now|today|here))?|(?:our|free)\s+newsletters?"
    r"|newsletter(?:\s+sign[\s-]?up)?|get\s+(?:our|the)\s+(?:\w+\s+)?newsletter)"
    + _SEP
    + r"|^\W*(?:subscribe|sign\s+up)\s+(?:to|for)\s+(?:our|the|a|free)\b",
    re.IGNORECASE,
)
COOKIE_NOTICE = re.compile(
    r"^\W*(?:"
    r"we\s+use\s+cookies|this\s+(?:web)?site\s+uses\s+cookies|(?:accept|allow|manage)"
    r"\s+(?:all\s+)?cookies|cookie\s+(?:policy|settings|preferences|consent)"
    r"|by\s+(?:continuing\s+to\s+(?:use|browse)|using)\s+(?:this|our)\s+(?:web)?site"
    r")",
    re.IGNORECASE,
)
PHOTO_LABEL = re.compile(
    r"^\W*(?:"
    r"illustrative\s+(?:photo|image|picture)|(?:file\s+)?photo(?:\s+credit)?\s*[:|/©]"
    r"|(?:photo|image|picture)s?\s+(?:by|courtesy|via)\b|image\s+(?:caption|copyright|source)"
    r"|(?:caption|credit|pictured)\s*:|©"
    r")",
    re.IGNORECASE,
)
# Picture agencies and stock libraries, as they appear in credits "(Getty Images)", "| AFP".
AGENCY = (
    r"(?:getty(?:\s+images)?|afp|reuters|ap(?:\s+photo)?|epa(?:-efe)?|shutterstock|alamy"
    r"|pa(?:\s+(?:images|wire|media))?|bloomberg|anadolu(?:\s+agency)?|xinhua|tass|sipa"
    r"|istock(?:photo)?|dpa|efe|rex(?:/shutterstock)?|wikimedia(?:\s+commons)?)"
)
PHOTO_CREDIT = re.compile(
    r"(?:^\W*\(?\s*" + AGENCY + r"(?:\s*(?:/|via)\s*[\w\s.]+)?\s*\)?\s*$"  # the credit alone
    r"|[(|]\s*(?:photo|image|picture|credit)?\s*:?\s*" + AGENCY + r"[^()]{0,40}\)?\s*$"
    r"|(?:photo|image|picture|credit)s?\s*(?:by|:)\s*[^.:!?]{1,60}$)",  # a caption ending in one
    re.IGNORECASE,
)
# Captions describe the picture in the present tense: "A column of vehicles is seen near ...".
CAPTION_VERB = re.compile(r"\b(?:is|are)\s+(?:seen|pictured|shown)\b|\bpictured\b", re.IGNORECASE)

# Words that cannot end an English sentence: a line stopping on one was cut off.
MAX_TITLE_WORDS = 40  # headlines run 5-20 words; 40 leaves room for "Title | Section | Site"

_FUNCTION_WORDS = """
a an the and or but nor of to in on at by for with from into onto about as than that which who
whom whose whether if because while although though his her its their our your my this these
those is are was were be been being has have had will would shall should can could may might
must not no very
"""
FUNCTION_WORDS = frozenset(_FUNCTION_WORDS.split())

# --- block classification (jusText, Pomikálek 2011) -------------------------------------------

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
ENGLISH_MIN_DENSITY = 0.15  # below, the document is not English: judge by punctuation instead


# --- rows -----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class RemovedLine:
    line_no: int
    text: str
    rule: str


@dataclass(frozen=True, slots=True)
class Cleaned:
    text: str
    title: str | None
    published_date: datetime.date | None
    source_url: str | None
    removed: tuple[RemovedLine, ...]


# --- the page being cleaned -----------------------------------------------------------------


@dataclass(slots=True)
class Page:
    """The mutable working state the rules act on; one per `clean_text` call."""

    lines: list[str]  # current text of each input line, stripped; "" once dropped or blank
    source: tuple[str, ...] = ()  # the input lines as they came, stripped
    common_lines: frozenset[str] = frozenset()
    title: str | None = None
    published_date: datetime.date | None = None
    source_url: str | None = None
    removed: list[RemovedLine] = field(default_factory=list)
    classes: dict[int, str] = field(default_factory=dict)  # line -> good/bad, see ContentClass

    def body(self) -> list[int]:
        """Indices of the lines still in the body, in order."""
        return [i for i, line in enumerate(self.lines) if line]

    def drop(self, i: int, rule: str) -> None:
        self.removed.append(RemovedLine(i, self.lines[i], rule))
        self.lines[i] = ""

    def cut(self, i: int, keep: str, rule: str) -> None:
        """Keep the first `keep` characters of line i and record the rest as removed."""
        rest = self.lines[i][len(keep) :].strip()
        if not keep.strip():
            self.drop(i, rule)
            return
        if rest:
            self.removed.append(RemovedLine(i, rest, rule))
        self.lines[i] = keep.strip()


class Rule(Protocol):
    name: str
    reason: str

    def apply(self, page: Page) -> None: ...


# --- helpers --------------------------------------------------------------------------------


def line_key(line: str) -> str:
    """Case, punctuation and spacing-free form of a line, to compare lines across documents."""
    return " ".join(WORD.findall(line.casefold()))


def _words(text: str) -> list[str]:
    return WORD.findall(text)


def _ends_sentence(line: str) -> bool:
    return bool(TERMINAL.search(line))


def _last_sentence_start(line: str) -> int:
    """Offset where the line's last sentence begins (0 when it holds a single sentence)."""
    ends = list(SENTENCE_END.finditer(line))
    return ends[-1].end() if ends else 0


# --- metadata rules -------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class DateMarker:
    name: str = "date_marker"
    reason: str = "a leading `date YYYY-MM-DD` marker is the scraper's date, not prose"

    def apply(self, page: Page) -> None:
        body = page.body()
        if not body:
            return
        i = body[0]
        match = DATE_MARKER.match(page.lines[i])
        if not match:
            return
        try:
            page.published_date = datetime.date(*(int(g) for g in match.group(1, 2, 3)))
        except ValueError:  # 2022-13-45 is not a date; leave the line to the other rules
            return
        rest = match.group(4)
        marker = page.lines[i][: len(page.lines[i]) - len(rest)].strip()
        page.removed.append(RemovedLine(i, marker, self.name))
        page.lines[i] = rest.strip()


@dataclass(frozen=True, slots=True)
class Title:
    name: str = "title"
    reason: str = "the first line is the headline; it is metadata, not body"

    def apply(self, page: Page) -> None:
        body = page.body()
        # A first line of paragraph length is prose: the page came without its headline.
        if body and len(_words(page.lines[body[0]])) <= MAX_TITLE_WORDS:
            page.title = page.lines[body[0]]
            page.drop(body[0], self.name)


@dataclass(frozen=True, slots=True)
class SourceUrl:
    name: str = "source_url"
    reason: str = "a bare URL on the last line is the page's address, not prose"

    def apply(self, page: Page) -> None:
        body = page.body()
        if body and BARE_URL.match(page.lines[body[-1]]):
            page.source_url = page.lines[body[-1]].strip("<>")
            page.drop(body[-1], self.name)


# --- line-pattern rules ---------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class LinePattern:
    """Drops short lines matching a pattern; long lines are prose even if they start alike."""

    name: str
    reason: str
    patterns: tuple[re.Pattern[str], ...]
    max_words: int = 30

    def apply(self, page: Page) -> None:
        for i in page.body():
            line = page.lines[i]
            if len(_words(line)) <= self.max_words and any(p.search(line) for p in self.patterns):
                page.drop(i, self.name)


@dataclass(frozen=True, slots=True)
class CaptionVerb:
    """Unpunctuated lines in the caption register ("X is seen near Y, on May 2")."""

    name: str = "photo_caption"
    reason: str = "an unpunctuated 'X is seen/pictured ...' line describes a picture"

    def apply(self, page: Page) -> None:
        for i in page.body():
            line = page.lines[i]
            if not _ends_sentence(line) and CAPTION_VERB.search(line):
                page.drop(i, self.name)


# --- structural rules -----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class RepeatedLine:
    name: str = "repeated_line"
    reason: str = "a line equal to the one before it (or its end) is the same element twice"
    caption_rule: str = "photo_caption"

    def apply(self, page: Page) -> None:
        # Compare with the previous non-blank input line even if a rule already dropped it,
        # so the copy of a dropped title or caption goes too.
        prev: int | None = None
        for i, line in enumerate(page.source):
            if not line:
                continue
            if prev is not None and page.lines[i]:
                self._compare(page, prev, page.source[prev], i, page.lines[i])
            prev = i

    def _compare(self, page: Page, j: int, before: str, i: int, line: str) -> None:
        key, key_before = line_key(line), line_key(before)
        if not key or not key_before.endswith(key):
            return
        if key_before != key and not key_before.endswith(" " + key):
            return  # "...and Ukraine" does not repeat "Ukraine"'s line
        if len(key.split()) < 3 and key_before != key:
            return  # too short to tell an echo from chance
        page.drop(i, self.name)
        if _ends_sentence(line) or not page.lines[j]:
            return
        if key_before == key:
            page.drop(j, self.caption_rule)
        else:  # the caption was glued to the end of the paragraph before it
            page.cut(j, page.lines[j][: _last_sentence_start(page.lines[j])], self.caption_rule)


@dataclass(frozen=True, slots=True)
class TruncatedSentence:
    name: str = "truncated_sentence"
    reason: str = "the scraper cut the last sentence off mid-word; a half sentence is noise"

    def apply(self, page: Page) -> None:
        body = page.body()
        if not body:
            return
        i = body[-1]
        line = page.lines[i]
        if _ends_sentence(line) or not self._cut_off(line, page):
            return
        page.cut(i, line[: _last_sentence_start(line)], self.name)

    @staticmethod
    def _cut_off(line: str, page: Page) -> bool:
        words = [w.casefold() for text in page.lines for w in _words(text)]
        if not words:
            return False
        last = words.pop()  # the cut word; the rest of the document is its reference
        if last in FUNCTION_WORDS:
            return True
        if last in words:
            return False  # used elsewhere in the document: a real word ("Metronews247")
        return any(len(w) > len(last) and w.startswith(last) for w in set(words))


@dataclass(frozen=True, slots=True)
class CommonLine:
    name: str = "common_line"
    reason: str = "a line found in many documents of the corpus is site furniture, not news"

    def apply(self, page: Page) -> None:
        if not page.common_lines:
            return
        for i in page.body():
            if line_key(page.lines[i]) in page.common_lines:
                page.drop(i, self.name)


# --- block rules ----------------------------------------------------------------------------


def _stop_density(text: str) -> float:
    words = [w.casefold() for w in _words(text)]
    return sum(w in STOP_WORDS for w in words) / len(words) if words else 0.0


def _classify(line: str, english: bool) -> str:
    """jusText's context-free class of one line: good, neargood, short or bad."""
    if "©" in line:
        return "bad"
    if len(line) < LENGTH_LOW:
        return "short"
    if not english:  # no stop-word list: sentences are what prose has and menus lack
        if not _ends_sentence(line):
            return "bad"
        return "good" if len(line) > LENGTH_HIGH else "neargood"
    density = _stop_density(line)
    if density >= STOPWORDS_HIGH:
        return "good" if len(line) > LENGTH_HIGH else "neargood"
    return "neargood" if density >= STOPWORDS_LOW else "bad"


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
        around = {_neighbour(classes, i, -1, both), _neighbour(classes, i, 1, both)}
        if around == {"good"}:
            out[i] = "good"
        elif around == {"bad"}:
            out[i] = "bad"
        else:  # between good and bad: good only if a neargood line is on the bad side
            near = {_neighbour(classes, i, -1, short), _neighbour(classes, i, 1, short)}
            out[i] = "good" if "neargood" in near else "bad"
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
        classes = _smooth([_classify(page.lines[i], english) for i in body])
        for i, cls in zip(body, classes, strict=True):
            page.classes[i] = cls
            if cls == "bad":
                page.drop(i, self.name)


@dataclass(frozen=True, slots=True)
class MainRegion:
    name: str = "outside_body"
    reason: str = (
        "an article is one contiguous run of prose; good-looking lines away from the main run "
        "are teasers, comments and footers"
    )

    def apply(self, page: Page) -> None:
        if not page.classes:
            return
        start, end = _best_run(page)
        for i in page.body():
            if not start <= i <= end:
                page.drop(i, self.name)


def _best_run(page: Page) -> tuple[int, int]:
    """The run of lines with the most good minus bad characters (Kadane's maximum subarray)."""
    best, best_run = 0.0, (0, -1)
    total, start = 0.0, 0
    for i in sorted(page.classes):
        weight = len(page.source[i]) * (1 if page.classes[i] == "good" else -BAD_WEIGHT)
        if total <= 0:
            total, start = 0.0, i
        total += weight
        if total > best:
            best, best_run = total, (start, i)
    return best_run


# --- the rules, in order --------------------------------------------------------------------

RULES: tuple[Rule, ...] = (
    DateMarker(),
    Title(),
    SourceUrl(),
    LinePattern(
        "read_more",
        "'Read more:' / 'Related:' lines link to other articles",
        (READ_MORE, READ_MORE_CAPS),
    ),
    LinePattern(
        "comment_form", "the comment form under an article is not the article", (COMMENT_FORM,)
    ),
    LinePattern("share", "social share and follow buttons are not prose", (SHARE,), 12),
    LinePattern("newsletter", "sign-up calls to action are not prose", (NEWSLETTER,), 20),
    LinePattern("cookie_notice", "consent banners are not prose", (COOKIE_NOTICE,), 120),
    LinePattern(
        "photo_caption",
        "captions and picture credits describe an image, not the story",
        (PHOTO_LABEL, PHOTO_CREDIT),
        40,
    ),
    CaptionVerb(),
    CommonLine(),
    RepeatedLine(),
    ContentClass(),
    MainRegion(),
    TruncatedSentence(),
)


def clean_text(text: str, *, common_lines: frozenset[str] = frozenset()) -> Cleaned:
    """Apply every rule of `RULES` to `text`; lines whose `line_key` is in `common_lines`
    are corpus-level boilerplate."""
    lines = [line.strip() for line in text.split("\n")]
    page = Page(list(lines), tuple(lines), common_lines)
    for rule in RULES:
        rule.apply(page)
    return Cleaned(
        text="\n\n".join(page.lines[i] for i in page.body()),
        title=page.title,
        published_date=page.published_date,
        source_url=page.source_url,
        removed=tuple(sorted(page.removed, key=lambda r: r.line_no)),
    )
