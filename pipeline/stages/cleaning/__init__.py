"""Cleaning rules: a scraped article's text in; its body, metadata and every removed line out.

Each rule is a small named unit with a `name` and a `reason` (why the text it drops is not
article body), applied in the order of `RULES` (after datatrove's filters). A rule sees only the
lines earlier rules kept and records everything it drops as a `RemovedLine`, so nothing leaves
silently. The rules, in order, and why each drops text:

- no_words: a line without a letter or digit (a rule, a zero-width space) carries no text.

Metadata (the text moves from the body to a field):
- date_marker: a leading `date YYYY-MM-DD` marker is the scraper's publication date.
- title: the first line is the headline (`Cleaned.title`), unless it is longer than any
  headline (MAX_TITLE_WORDS): then the page came without one and it is the first paragraph.
- source_url: a bare URL on the last line is the page's address.

Line patterns (a short line that starts like this is page furniture, not reporting):
- read_more: "Read more:", "READ ALSO", "Related:", "See also:", "Previous article ..." link
  to other articles.
- comment_form: "Leave a Reply", "Your email address will not be published", "Post Comment".
- share: "Share this", "Share on Facebook", "Follow us on Twitter" are social buttons.
- newsletter: "Subscribe to our newsletter", "Sign up for...", "Thanks for signing up!", and
  a pitch anywhere in a short line ("... Subscribe to our newsletter.", "You can unsubscribe
  at any time", "delivered to your inbox").
- cookie_notice: "We use cookies", "This website uses cookies" are consent banners.
- copyright: "© 2023 ...", "All rights reserved" are the page's footer.
- photo_caption: "Photo: ...", "(Getty Images)", "Image caption", a caption ending in a
  credit ("Credit... Jane Doe/The Times", "[SpaceX via NASA]"), or an unpunctuated "X is
  seen/pictured ..." line describes a picture, not the story.

Corpus:
- common_line: a line whose `line_key` is in `common_lines` (lines found in many documents of
  the corpus; the caller counts them, see bench.cleaning_eval) is a site's menu or footer.

Structure (a line judged by what surrounds it):
- repeated_line: a line equal to the one before it, or to its end, is the same element twice
  (alt text and figcaption, a title shown twice); the repeat goes. The first copy of a
  doubled line of CAPTION_MIN_WORDS or more words without terminal punctuation goes too, as a
  photo_caption: paragraphs end with punctuation and are not rendered twice, a picture's alt
  text and caption are (000's "Russia keeps trying to drag Belarus into its war on Ukraine").
  A doubled line ending in punctuation keeps its first copy (001's title); a caption glued to
  the end of the paragraph above its repeat (001, line 75) is cut from that paragraph.
- comments: three "X says:" / "X on <date> said:" bylines after the article's prose make a
  comment thread; from its header ("34 responses to ...") to the end is readers' text.
- duplicate_text: a long line whose text shorter lines already hold (a JSON-LD copy of the
  whole article, a summary box) says it all twice; the shorter lines, the paragraphs, stay.
- teaser: a line ending in an ellipsis after a function word ("...the upgrade of ...") or glued
  to a cut word found nowhere else in the text ("...with improved Alexa suppor...") previews
  another article; a writer's pause ("something happened …") follows a whole word.

Blocks (only for page dumps: texts with PAGE_DUMP_MIN_LABELS or more label lines, the menu
items, names and dates a page's plain-text save is full of; an extracted or clean article has
few, and judging its lists and subheadings out of context would only lose body):
- low_content: jusText's classification (Pomikálek 2011) by length, English stop-word density
  and, as link density is unknown in plain text, terminal punctuation (a closing emoji, "See
  you soon 🙂", ends an informal sentence too), with its context smoothing: short and
  near-good lines take their neighbours' class. What ends "bad" is a menu, a label or a link
  list. Two kinds of line start near-good whatever their words, so
  that the article around them decides: items of a list or table (LIST_MIN_ITEMS or more
  adjacent lines of more than LABEL_MAX_WORDS words with a figure or a field separator: tour
  dates, a schedule, a player table; a menu's items are shorter, and a list of them amid
  other menus stays bad), and an embedded post's signature ("— Name (@handle) May 2, 2023").
- outside_body: the body is one contiguous run: the run of lines with the most good minus bad
  text (bad lines also pay BAD_LINE_COST each, as a menu item is an element of its own),
  starting after the repeat of the title (the page's h1, itself the headline, not body) when
  there is one. Good-looking lines outside it are teasers, comments and footers.

After the blocks (what the block rules left, and every line of a text that is no page dump):
- related_list: the unpunctuated lines (headlines, dates, ranks; up to RELATED_MAX_ITEMS, up
  to the first sentence) under a heading that read_more dropped and that stands alone ("Most
  Read", "More from CNN", "Related coverage from X:") are its links. A "Read more: <headline>"
  line is a link of its own; the text after it is the article again.
- byline: "By Jane Doe", "Posted by X on <date>", "(Reporting by X; editing by Y)", "AP writers
  ... contributed to this report." name the authors; names, then nothing, a date or a
  separator ("By Tuesday the council ..." is prose). After the block rules, which judge a
  page dump's byline with its menus.

End:
- truncated_sentence: the scraper cut the last sentence mid-word ("...invasion of Ukrain");
  only that sentence goes. A last line without terminal punctuation counts as cut when its last
  word is a function word ("of", "the") or a strict prefix of a longer word of the document
  that is not itself a word of the document; "...Truss told Metronews247" is complete.
"""

import datetime
import functools
import itertools
import math
import re
from collections import Counter
from dataclasses import dataclass, field
from typing import Protocol

# --- patterns -------------------------------------------------------------------------------

DATE_MARKER = re.compile(r"^\s*date\s*[:=]?\s*(\d{4})-(\d{2})-(\d{2})\b\s*(.*)$", re.IGNORECASE)
BARE_URL = re.compile(r"^\s*<?(https?://|www\.)\S+>?\s*$", re.IGNORECASE)
WORD = re.compile(r"\w+", re.UNICODE)
# A sentence ends with . ! ? or … , optionally followed by closing quotes or brackets; in
# informal writing an emoji ends it too ("See you soon! 🙂", "Try it this weekend 😉").
EMOJI = r"[\u263a\U0001f300-\U0001faff]\ufe0f?"  # smileys, pictographs
TERMINAL = re.compile(r"(?:[.!?…][\"'”’»)\]]*|" + EMOJI + r")(?:\s*" + EMOJI + r")*$")
TERMINAL_TAIL = 16  # characters: the stop and what may close it; searching them is enough
ELLIPSIS_END = re.compile(r"(?<!\.)(\s?)(?:\.\.\.|…)\s*$")  # four dots end a sentence
SENTENCE_END = re.compile(r"[.!?…][\"'”’»)\]]*\s+")

_SEP = r"\s*(?:[:|»›>\-–—]|$)"  # what follows a furniture phrase: a separator or end of line

READ_MORE = re.compile(
    r"^\W*(?:"
    r"(?:read|see|watch|listen|view)\s+(?:more|also|next|this|the\s+latest)"
    r"|also\s+(?:read|see|watch)|related(?:\s+(?:articles?|stories|news|posts?|coverage|links?))?"
    r"(?:\s+from\s+[^:.!?]{1,60})?"
    r"|more\s+(?:on\s+this(?:\s+story)?|stories|from\s+\w+)|recommended(?:\s+for\s+you)?"
    r"|you\s+(?:may|might)\s+also\s+(?:like|be\s+interested\s+in)|further\s+reading"
    r"|top\s+stories|most\s+(?:read|popular|viewed)|trending(?:\s+now)?"
    r")" + _SEP,
    re.IGNORECASE,
)
# In capitals the phrase is a label even without a separator: "ALSO READ Putin says ...".
READ_MORE_CAPS = re.compile(r"^\W*(?:READ\s+(?:MORE|ALSO)|ALSO\s+READ|SEE\s+ALSO|RELATED)\b")
# The links to the neighbouring posts: "Previous article <headline>", "Next Post: ...".
PREV_NEXT = re.compile(
    r"^\W*(?:previous|prev|next)\s+(?:article|post|story|entry)\b", re.IGNORECASE
)

RELATED_HEADER_MAX_WORDS = 8  # "Related coverage from How to Do Everything: Money:"
RELATED_MAX_WORDS = 25  # a headline; a longer line is a paragraph
RELATED_MAX_ITEMS = 20  # headlines, dates and numbers under one "Most Read" heading

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
    r"|click\s+to\s+(?:share|email|print)\b.*|(?:tweet|pin|email|print)(?:\s+(?:this|it))?"
    r"|follow\s+us(?:\s+on\s+\w+)?|like\s+us\s+on\s+\w+|copy\s+(?:the\s+)?link"
    r"|(?:facebook|twitter|linkedin|whatsapp|telegram|reddit|pinterest|email|messenger)"
    r")" + _SEP,
    re.IGNORECASE,
)
NEWSLETTER = re.compile(
    r"^\W*(?:(?:subscribe|sign\s+up|register)(?:\s+(?:now|today|here))?|(?:our|free)\s+newsletters?"
    r"|newsletter(?:\s+sign[\s-]?up)?|get\s+(?:our|the)\s+(?:\w+\s+)?newsletter)"
    + _SEP
    + r"|^\W*(?:subscribe|sign\s+up)\s+(?:to|for)\s+(?:our|the|a|free)\b"
    # what the sign-up box says once used: "Thanks for signing up!", "Check your inbox"
    r"|^\W*(?:thanks?(?:\s+you)?\s+for\s+(?:signing\s+up|subscribing)"
    r"|(?:check|keep\s+an\s+eye\s+on)\s+your\s+inbox"
    r"|there\s+was\s+an\s+error\s+processing\s+your\s+subscription)",
    re.IGNORECASE,
)
# A sign-up pitch anywhere in a short line: "Stay up to date. Subscribe to our newsletter.",
# "You can unsubscribe at any time", "... delivered straight to your inbox".
NEWSLETTER_PITCH = re.compile(
    r"\b(?:subscribe|sign(?:ing)?\s+up|register)\b[^.!?]{0,30}?\b(?:newsletters?|e-?mails?|alerts)\b"
    r"|\bunsubscribe\s+at\s+any\s+time\b|\b(?:straight|delivered|direct(?:ly)?|meet|hit)\s+(?:to\s+)?your"
    r"\s+inbox\b",
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
    r"|(?:caption|credit|pictured)\s*:"
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
    # a caption ending in a credit: "... Credit: Jane Doe", "... Credit... Jane Doe/The Times"
    r"|(?:photo|image|picture|credit)s?\s*(?:by|:|\.\.\.|…)\s*[^.:!?]{1,60}$"
    r"|[\[(][^\[\]()]{1,40}\svia\s[^\[\]()]{1,40}[\])]\s*$)",  # "... [SpaceX via NASA]"
    re.IGNORECASE,
)
# Captions describe the picture in the present tense: "A column of vehicles is seen near ...".
CAPTION_VERB = re.compile(r"\b(?:is|are)\s+(?:seen|pictured|shown)\b|\bpictured\b", re.IGNORECASE)

# "By Jane Doe", "Posted by Ann Lee on May 2, 2023", "By A. Smith, B. Jones | Reuters": the
# names, then nothing or a date or a separator; "By Tuesday the council ..." goes on in prose.
_NAME = r"[A-Z][\w.'’-]*(?:\s+(?:[A-Z][\w.'’-]*|de|van|von|da|del|bin|al))*"
_NAMES = _NAME + r"(?:(?:\s*,\s*|\s+and\s+|\s*&\s*)" + _NAME + r")*"
BYLINE = re.compile(
    r"^\W*(?i:(?:posted|written|published|words|story|text)\s+)?[Bb]y\s+"
    + _NAMES
    + r"\s*(?:$|[|•·/(]|\s[-–—]\s|\son\s|\sat\s|\s(?:updated|published)\b)"
)
# The wire's credit line: "(Reporting by X; editing by Y)", "AP writers ... contributed to this
# report.", "Additional reporting by X".
CONTRIBUTORS = re.compile(
    r"^\W*(?:additional\s+)?(?:reporting|writing|editing|research)\s+by\b"
    r"|\bcontributed\s+(?:reporting\s+)?to\s+this\s+(?:report|story|article)\W*$",
    re.IGNORECASE,
)
COPYRIGHT = re.compile(r"^\W*(?:©|\(c\)\s|copyright\b)|\ball\s+rights\s+reserved\b", re.IGNORECASE)
# A comment's byline: "joe says:", "Ann on May 2, 2019 at 4:47 pm said:", "Ben commented on".
COMMENT_MARKER = re.compile(
    r"^\S.{0,80}?\s(?:(?:says|said|wrote|replied)\s*:|commented\s+on\b.{0,80})\s*$", re.IGNORECASE
)
COMMENT_HEADER = re.compile(
    r"^\W*(?:\d+\s+)?(?:comments?|responses?|replies|reactions|thoughts\s+on)\b"
    r"|^\W*(?:leave\s+a\s+(?:reply|comment)|comments\s+are\s+closed|reader\s+comments)\b",
    re.IGNORECASE,
)
COMMENT_MIN_MARKERS = 3  # one "X said:" may introduce a quote; three in a page are a thread
COMMENT_LOOKBACK = 6  # lines before the first byline where the thread's header may stand
COMMENT_MAX_WORDS = 15

MAX_TITLE_WORDS = 40  # headlines run 5-20 words; 40 leaves room for "Title | Section | Site"
CAPTION_MIN_WORDS = 4  # a doubled "Best Of" is a label; a doubled sentence-long line a caption

# Words that cannot end an English sentence: a line stopping on one was cut off.
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
BAD_LINE_COST = 40  # characters each bad line costs on top: a run of menu items is a wall
ANCHOR_MIN_GOOD = LENGTH_HIGH  # a run under the headline must hold a paragraph to be the body
ANCHOR_MIN_WORDS = 3  # a one- or two-word title part ("Opinion", "WSJ") is not a headline
# "Headline | Section - Site": the parts of a <title>, one of which the page's <h1> repeats.
TITLE_PARTS = re.compile(r"\s+[|\-–—:·»]\s+|\s+::\s+")
AGGREGATE_MIN_SHINGLES = 20  # a sentence or two; shorter repeats are left to repeated_line
AGGREGATE_SHARE = 0.8  # of a line's 4-word shingles found in shorter lines: it repeats them
BARRIER_RULES = frozenset({"comment_form", "comments"})  # the article never goes on past these
# A site menu alone has 15-100 items; an article's own lists rarely have 15 such lines.
PAGE_DUMP_MIN_LABELS = 15
# An embedded post's signature, as Twitter's embed code prints it under the quoted text:
# "— Tottenham Hotspur (@SpursOfficial) November 20, 2019".
EMBED_SIGNATURE = re.compile(r"^[—–-]\s*[^()]{1,80}\(@\w{1,30}\)\s+\w+\.?\s+\d{1,2},\s+\d{4}\s*$")
LIST_FIELDS = re.compile(r"\d|[:@|(]|\s(?:--?|[–—])\s")  # a figure or a field separator
LIST_MIN_ITEMS = 3  # adjacent lines with figures or fields: a schedule, a table, a ranking
LABEL_MAX_WORDS = 3  # "Home", "World News", "Nov. 19, 2019": the lines a menu is made of
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
    has_title: bool = True  # False: the text is known to start with body, not a headline
    title: str | None = None
    title_line: int = -1
    published_date: datetime.date | None = None
    source_url: str | None = None
    removed: list[RemovedLine] = field(default_factory=list)
    classes: dict[int, str] = field(default_factory=dict)  # line -> good/bad, see ContentClass
    no_text: set[int] = field(default_factory=set)  # lines without words: neutral, see NoWords

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


# Several rules read the casefolded words of the same lines (some a document's every line).
# Cached, with the word count checked before the patterns and duplicate_text done with set
# operations, cleaning BBC's 2,225 articles and the 93 dev pages took 3.6-4.2 s instead of
# 5.6-7.7 s (three runs each, the same output by digest).
@functools.lru_cache(maxsize=4096)
def _folded(text: str) -> tuple[str, ...]:
    """The words of a line, casefolded."""
    return tuple(w.casefold() for w in WORD.findall(text))


def _ends_sentence(line: str) -> bool:
    return bool(TERMINAL.search(line[-TERMINAL_TAIL:]))


def _last_sentence_start(line: str) -> int:
    """Offset where the line's last sentence begins (0 when it holds a single sentence)."""
    ends = list(SENTENCE_END.finditer(line))
    return ends[-1].end() if ends else 0


@dataclass(frozen=True, slots=True)
class NoWords:
    name: str = "no_words"
    reason: str = "a line without a letter or digit (a rule, a zero-width space) carries no text"

    def apply(self, page: Page) -> None:
        for i in page.body():
            if not WORD.search(page.lines[i]):
                page.no_text.add(i)
                page.drop(i, self.name)


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
        if not page.has_title:
            return
        # A first line of paragraph length is prose: the page came without its headline.
        if body and len(_folded(page.lines[body[0]])) <= MAX_TITLE_WORDS:
            page.title, page.title_line = page.lines[body[0]], body[0]
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
            # the word count first: it is cached, and most lines are prose too long to match
            if len(_folded(line)) <= self.max_words and any(p.search(line) for p in self.patterns):
                page.drop(i, self.name)


@dataclass(frozen=True, slots=True)
class RelatedList:
    """The links under a "Related articles" / "Most Read" heading that read_more dropped."""

    name: str = "related_list"
    reason: str = "unpunctuated lines under a 'Related' or 'Most Read' heading are its links"
    header_rule: str = "read_more"

    def apply(self, page: Page) -> None:
        headers = sorted(r.line_no for r in page.removed if r.rule == self.header_rule)
        headers = [i for i in headers if _is_list_heading(page.source[i])]
        if not headers:
            return
        body = page.body()
        for header in headers:
            after = [i for i in body if i > header and page.lines[i]][:RELATED_MAX_ITEMS]
            for i in after:
                line = page.lines[i]
                if _ends_sentence(line) or len(_folded(line)) > RELATED_MAX_WORDS:
                    break
                page.drop(i, self.name)


def _is_list_heading(line: str) -> bool:
    """A heading standing alone ("Most Read", "More from CNN", "Related coverage from X:"),
    not a "Read more: <headline>" link, whose headline is all there is."""
    match = READ_MORE.match(line) or READ_MORE_CAPS.match(line)
    if not match or _ends_sentence(line):
        return False
    words = len(_folded(line))
    return not WORD.search(line[match.end() :]) or (
        line.endswith(":") and words <= RELATED_HEADER_MAX_WORDS
    )


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
        if _ends_sentence(line) or not page.lines[j] or len(key.split()) < CAPTION_MIN_WORDS:
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
        words = [w for text in page.lines for w in _folded(text)]
        if not words:
            return False
        last = words.pop()  # the cut word; the rest of the document is its reference
        if last in FUNCTION_WORDS:
            return True
        if last in words:
            return False  # used elsewhere in the document: a real word ("Metronews247")
        return any(len(w) > len(last) and w.startswith(last) for w in set(words))


@dataclass(frozen=True, slots=True)
class Aggregate:
    name: str = "duplicate_text"
    reason: str = (
        "a long line made of text that shorter lines already hold (a metadata copy of the "
        "whole article, a summary box) says it all twice"
    )

    def apply(self, page: Page) -> None:
        # Shortest lines first, so each line is checked against the shingles of all strictly
        # shorter ones with one set intersection (the rule's cost was a Python step per
        # shingle: a third of all cleaning).
        length = {i: len(page.lines[i]) for i in page.body()}
        shorter: set[tuple[str, ...]] = set()
        repeats = []
        for _, group in itertools.groupby(sorted(length, key=length.get), key=length.get):
            shingles = [(i, _shingles(page.lines[i])) for i in group]
            for i, mine in shingles:
                big = len(mine) >= AGGREGATE_MIN_SHINGLES
                if big and len(mine & shorter) >= AGGREGATE_SHARE * len(mine):
                    repeats.append(i)
            for _, mine in shingles:
                shorter |= mine
        for i in sorted(repeats):
            page.drop(i, self.name)


def _shingles(line: str) -> set[tuple[str, ...]]:
    words = _folded(line)
    return {words[k : k + 4] for k in range(len(words) - 3)}


@dataclass(frozen=True, slots=True)
class Excerpt:
    name: str = "teaser"
    reason: str = "a line cut off with an ellipsis ('...improved Alexa suppor...') is a preview"

    def apply(self, page: Page) -> None:
        words: Counter[str] | None = None  # counted at the first ellipsis, before any drop
        for i in page.body():
            line = page.lines[i]
            ellipsis = ELLIPSIS_END.search(line)
            if not ellipsis or not _folded(line):
                continue
            if words is None:
                words = Counter(w for text in page.lines for w in _folded(text))
            last = _folded(line)[-1]
            # cut after a word no sentence ends on, or mid-word: glued to a fragment that is
            # nowhere else in the text ("suppor..."), where a writer's pause has a space or a
            # whole word before it
            glued = not ellipsis.group(1)
            if last in FUNCTION_WORDS or (glued and words[last] <= 1):
                page.drop(i, self.name)


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


@dataclass(frozen=True, slots=True)
class CommentThread:
    name: str = "comments"
    reason: str = "readers' comments under the article are not the article"

    def apply(self, page: Page) -> None:
        body = page.body()
        markers = [i for i in body if _is_comment_marker(page.lines[i])]
        if len(markers) < COMMENT_MIN_MARKERS:
            return
        # The thread follows the article: its first byline comes after some prose; bylines
        # above any prose are a "recent comments" box, and only they go.
        prose = next((i for i in body if _is_prose(page.lines[i])), None)
        after = [i for i in markers if prose is not None and i > prose]
        start = _thread_header(page, after[0]) if len(after) >= COMMENT_MIN_MARKERS else None
        for i in body:
            if i in markers or (start is not None and i >= start):
                page.drop(i, self.name)


def _is_prose(line: str) -> bool:
    return len(line) >= LENGTH_LOW and _ends_sentence(line)


def _is_comment_marker(line: str) -> bool:
    return len(_folded(line)) <= COMMENT_MAX_WORDS and bool(COMMENT_MARKER.match(line))


def _thread_header(page: Page, first: int) -> int:
    """The comment thread's header ("34 responses to ...") just above its first byline."""
    before = [i for i in range(first) if page.source[i]][-COMMENT_LOOKBACK:]
    headers = [i for i in before if COMMENT_HEADER.match(page.source[i])]
    return headers[0] if headers else first


# --- block rules ----------------------------------------------------------------------------


def _stop_density(text: str) -> float:
    words = _folded(text)
    return sum(w in STOP_WORDS for w in words) / len(words) if words else 0.0


def _classify(line: str, english: bool) -> str:
    """jusText's context-free class of one line (good, neargood, short or bad), where ending
    with a full stop also counts: prose is made of sentences, menus and teasers are not."""
    if "©" in line:
        return "bad"
    if EMBED_SIGNATURE.match(line):
        return "neargood"  # an embedded post quoted in the story: its class is its context's
    sentence = _ends_sentence(line)
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
    words = _folded(line)
    return len(words) <= LABEL_MAX_WORDS and not _ends_sentence(line) and not _stop_density(line)


def _is_list_item(line: str) -> bool:
    """A line of an article's list or table: figures or fields ("England (Group A): 10th
    appearance") in more words than a menu item has."""
    return len(_folded(line)) > LABEL_MAX_WORDS and bool(LIST_FIELDS.search(line))


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


# --- the rules, in order --------------------------------------------------------------------

RULES: tuple[Rule, ...] = (
    NoWords(),
    DateMarker(),
    Title(),
    SourceUrl(),
    LinePattern(
        "read_more",
        "'Read more:' / 'Related:' lines link to other articles",
        (READ_MORE, READ_MORE_CAPS, PREV_NEXT),
    ),
    LinePattern(
        "comment_form", "the comment form under an article is not the article", (COMMENT_FORM,)
    ),
    LinePattern("share", "social share and follow buttons are not prose", (SHARE,), 12),
    LinePattern(
        "newsletter", "sign-up calls to action are not prose", (NEWSLETTER, NEWSLETTER_PITCH), 20
    ),
    LinePattern("cookie_notice", "consent banners are not prose", (COOKIE_NOTICE,), 120),
    LinePattern("copyright", "a copyright notice is the page's footer", (COPYRIGHT,)),
    LinePattern(
        "photo_caption",
        "captions and picture credits describe an image, not the story",
        (PHOTO_LABEL, PHOTO_CREDIT),
        40,
    ),
    CaptionVerb(),
    CommonLine(),
    RepeatedLine(),
    CommentThread(),
    Aggregate(),
    Excerpt(),
    ContentClass(),
    MainRegion(),
    RelatedList(),
    LinePattern(
        "byline",
        "a byline or the wire's credit line names who wrote the story; it is not the story",
        (BYLINE, CONTRIBUTORS),
        40,
    ),
    TruncatedSentence(),
)


def clean_text(
    text: str, *, common_lines: frozenset[str] = frozenset(), has_title: bool = True
) -> Cleaned:
    """Apply every rule of `RULES` to `text`; lines whose `line_key` is in `common_lines`
    are corpus-level boilerplate. `has_title=False` says the text starts with its body (an
    HTML page whose extraction found no headline), so no first line is taken as the title."""
    lines = [line.strip() for line in text.split("\n")]
    page = Page(list(lines), tuple(lines), common_lines, has_title)
    for rule in RULES:
        rule.apply(page)
    return Cleaned(
        text="\n\n".join(page.lines[i] for i in page.body()),
        title=page.title,
        published_date=page.published_date,
        source_url=page.source_url,
        removed=tuple(sorted(page.removed, key=lambda r: r.line_no)),
    )
