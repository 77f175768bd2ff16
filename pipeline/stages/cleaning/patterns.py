"""Line patterns: a short line that starts like this is page furniture, not reporting
(read-more links, comment forms, share buttons, sign-up pitches, consent banners, copyright
lines, captions and credits, bylines)."""

import re
from dataclasses import dataclass

from pipeline.stages.cleaning.page import WORD, Page, ends_sentence, folded

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
            if len(folded(line)) <= self.max_words and any(p.search(line) for p in self.patterns):
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
                if ends_sentence(line) or len(folded(line)) > RELATED_MAX_WORDS:
                    break
                page.drop(i, self.name)


def _is_list_heading(line: str) -> bool:
    """A heading standing alone ("Most Read", "More from CNN", "Related coverage from X:"),
    not a "Read more: <headline>" link, whose headline is all there is."""
    match = READ_MORE.match(line) or READ_MORE_CAPS.match(line)
    if not match or ends_sentence(line):
        return False
    words = len(folded(line))
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
            # a line of a hard-wrapped paragraph ends mid-sentence: it is no caption
            if ends_sentence(line) or page.in_wrapped_paragraph(i):
                continue
            if CAPTION_VERB.search(line):
                page.drop(i, self.name)


READ_MORE_LINES = LinePattern(
    "read_more",
    "'Read more:' / 'Related:' lines link to other articles",
    (READ_MORE, READ_MORE_CAPS, PREV_NEXT),
)
COMMENT_FORM_LINES = LinePattern(
    "comment_form", "the comment form under an article is not the article", (COMMENT_FORM,)
)
SHARE_LINES = LinePattern("share", "social share and follow buttons are not prose", (SHARE,), 12)
NEWSLETTER_LINES = LinePattern(
    "newsletter", "sign-up calls to action are not prose", (NEWSLETTER, NEWSLETTER_PITCH), 20
)
COOKIE_LINES = LinePattern("cookie_notice", "consent banners are not prose", (COOKIE_NOTICE,), 120)
COPYRIGHT_LINES = LinePattern("copyright", "a copyright notice is the page's footer", (COPYRIGHT,))
CAPTION_LINES = LinePattern(
    "photo_caption",
    "captions and picture credits describe an image, not the story",
    (PHOTO_LABEL, PHOTO_CREDIT),
    40,
)
BYLINE_LINES = LinePattern(
    "byline",
    "a byline or the wire's credit line names who wrote the story; it is not the story",
    (BYLINE, CONTRIBUTORS),
    40,
)
