"""Edits a writer makes to sentences taken from a source, for the text-reuse development set:
words swapped for synonyms (inflected by lemminflect, whose data ships in its wheel),
modifiers and clauses dropped, numbers rounded, connectives changed, quotes turned into
reported speech, sentences split, merged, cut to a clause, adverbials moved, and sentences of
the writer's own. spaCy's parse (the pipeline's model) says what each word is."""

import random
import re

from lemminflect import getInflection, getLemma
from spacy.language import Language
from spacy.tokens import Span, Token

from bench.reuse_synonyms import synonyms

WORD = re.compile(r"\w+(?:['’]\w+)*")
CONNECTIVES = {
    "However": ["But", "Nevertheless", "Still", "Yet"],
    "But": ["However", "Yet", "Still"],
    "Also": ["In addition", "Furthermore"],
    "And": ["Also", "In addition"],
    "Meanwhile": ["At the same time", "In the meantime"],
}
# Modifiers a writer keeps: dropping them changes what the sentence says.
# fmt: off
KEPT_MODIFIERS = frozenset({
    "not", "never", "no", "n't", "only", "more", "most", "less", "least", "very", "so", "as",
    "too", "how", "when", "where", "why", "first", "last", "well", "even", "just", "also",
})
# fmt: on
QUOTES = frozenset({'"', "“", "”", "‘", "’"})
SPLITS = (
    (", and ", ". "), (", but ", ". But "), ("; ", ". "), (", which ", ". This "),
    (", while ", ". Meanwhile, "), (", although ", ". However, "), (" but ", ". But "),
    (", as ", ". This is because "), (" and ", ". "),
)  # fmt: skip
SUBJECT_START = re.compile(
    r"^(?:[A-Z]|(?:the|a|an|he|she|it|they|we|this|there|its|his|her|their)\b)"
)
REPORTED = re.compile(
    r'^["“](.+?)[,.]?["”],? (?:(said|added|says|told [\w ]+?) ([^,.]{3,60})'
    r"|([^,.]{3,60}?) (said|added|says|told [\w ]+?))\.?$"
)


def n_words(text: str) -> int:
    return len(WORD.findall(text))


def upper_first(text: str) -> str:
    """The first letter upper-cased (unless a digit comes first)."""
    for i, ch in enumerate(text):
        if ch.isalpha():
            return text[:i] + ch.upper() + text[i + 1 :]
        if ch.isdigit():
            return text
    return text


def lower_first(text: str, keep: bool) -> str:
    """The first word lower-cased, unless `keep` (a name) or it is an acronym."""
    match = None if keep else re.match(r"^(\W*)([A-Z])([a-z])", text)
    if match:
        return text[: match.start(2)] + match.group(2).lower() + text[match.end(2) :]
    return text


def tidy(text: str) -> str:
    """Punctuation left over by deletions and splits."""
    for pattern, repl in (
        (r"\s+([,.;:!?])", r"\1"), (r"([,;:])(\s*[,;:])+", r"\1"), (r"[,;:]\s*([.!?])", r"\1"),
        (r"\s*-\s*([.!?])", r"\1"), (r"\.(\s*\.)+", "."), (r"^[\s,;:.-]+", ""), (r"\(\s*\)", ""),
    ):  # fmt: skip
        text = re.sub(pattern, repl, text)
    return " ".join(text.split())


class Sent:
    """One sentence of the output: its text and whether its first word keeps its case."""

    def __init__(self, text: str, keep_case: bool) -> None:
        self.text = text.strip()
        self.keep_case = keep_case


class Rewriter:
    """Token-level edits over spaCy spans; `senses` is 1 (light) or 2 (heavy: more, and
    less obvious, synonyms)."""

    def __init__(self, nlp: Language) -> None:
        self.nlp = nlp
        self.senses = 1

    def synonym(self, token: Token, rng: random.Random) -> str | None:
        """A synonym of a content word, inflected as the word is, or None."""
        pos = token.pos_
        if pos == "AUX" or (token.is_stop and token.lemma_.lower() not in {"also", "however"}):
            return None
        text = token.text
        if sum(ch.isupper() for ch in text) > 1 or any(ch.isdigit() for ch in text):
            return None
        particle = any(child.dep_ == "prt" for child in token.children)
        found = [c for c in synonyms(token.lemma_.lower(), pos, self.senses)
                 if " " not in c or not particle]  # fmt: skip
        if not found:
            return None
        parts = rng.choice(found[:4]).split(" ")
        k = len(parts) - 1 if pos == "NOUN" else 0  # a noun phrase's last word, a verb's first
        lemma = getLemma(parts[k], upos=pos)
        inflected = _inflect(lemma[0] if lemma else parts[k], token.tag_)
        if inflected is None:
            return None
        parts[k] = inflected
        out = " ".join(parts)
        return upper_first(out) if text[:1].isupper() else out

    def rewrite_tokens(self, span: Span, rng: random.Random, p: dict[str, float]) -> str:
        """The span with content words swapped (p_sub), modifiers dropped (p_del), and some
        prepositional phrases (p_prep) and subordinate clauses (p_subclause) left out."""
        dropped = _dropped(span, rng, p.get("p_prep", 0.0), p.get("p_subclause", 0.0))
        out: list[str] = []
        in_quote = False
        for tok in span:
            if tok.i in dropped:
                continue
            if tok.text in QUOTES or (tok.text == "'" and tok.is_punct):
                in_quote = not in_quote
            if _droppable(tok) and rng.random() < p["p_del"]:
                continue
            text = tok.text
            swap = p["p_sub"] * (0.5 if in_quote else 1)
            content = tok.pos_ in {"NOUN", "VERB", "ADJ", "ADV"} and not tok.ent_type_
            if content and rng.random() < swap:
                text = self.synonym(tok, rng) or text
            out.append(text + tok.whitespace_)
        text = "".join(out)
        text = re.sub(r"\b(a) ([aeiouAEIOU])", r"an \2", text)
        text = re.sub(r"\b(an) ([b-df-hj-np-tv-zB-DF-HJ-NP-TV-Z])", r"a \2", text)
        return tidy(text)


def _inflect(lemma: str, tag: str) -> str | None:
    if tag in {"NN", "VB", "JJ", "RB", "VBP"} and not (tag == "VBP" and lemma == "be"):
        return lemma
    forms = getInflection(lemma, tag=tag)
    return forms[0] if forms else None


def _droppable(tok: Token) -> bool:
    """An adjective or adverb modifying a word, with nothing hanging on it."""
    return (
        tok.pos_ in {"ADJ", "ADV"}
        and tok.dep_ in {"amod", "advmod"}
        and tok.lemma_.lower() not in KEPT_MODIFIERS
        and not any(True for _ in tok.children)
        and bool(tok.whitespace_)
    )


def _dropped(span: Span, rng: random.Random, p_prep: float, p_clause: float) -> set[int]:
    """Tokens of prepositional phrases and subordinate clauses the writer leaves out."""
    dropped: set[int] = set()
    for tok in span:
        sub = list(tok.subtree)
        quoted = any(t.is_quote for t in sub)
        phrase = tok.dep_ == "prep" and tok.i > span.start + 2 and tok.head.pos_ in {"VERB", "NOUN"}
        phrase = phrase and 3 <= len(sub) <= 8 and not quoted and sub[-1].i < span.end - 1
        if phrase and rng.random() < p_prep:
            dropped |= {t.i for t in sub}
        clause = tok.dep_ in {"relcl", "advcl", "appos"} and tok.i > span.start + 3
        if clause and 3 <= len(sub) <= 15 and not quoted and rng.random() < p_clause:
            dropped |= {t.i for t in sub}
    return dropped


def numbers(text: str, rng: random.Random, heavy: bool) -> str:
    """Percentages and money written out, rounded in heavy revisions; brackets dropped."""

    def percent(match: re.Match) -> str:
        if heavy and rng.random() < 0.5:
            return (
                rng.choice(["about ", "around ", "roughly "]) + f"{round(float(match[1]))} per cent"
            )
        return match[1] + rng.choice([" per cent", " percent"])

    def money(match: re.Match) -> str:
        currency, value, unit = match[1], match[2], match[3]
        name = {"m": "million", "bn": "billion", "tn": "trillion"}[unit]
        if heavy and rng.random() < 0.5:
            x = float(value.replace(",", ""))
            approx = f"{x:.0f}" if x >= 10 else f"{x:.1f}".rstrip("0").rstrip(".")
            return (
                rng.choice(["about ", "nearly ", "over ", "some "]) + f"{currency}{approx} {name}"
            )
        return f"{currency}{value} {name}"

    text = re.sub(r"(\d+(?:\.\d+)?)%", percent, text)
    text = re.sub(r"([£$€])(\d[\d,]*(?:\.\d+)?)(m|bn|tn)\b", money, text)
    return re.sub(r"\s*\([^()]{1,80}\)", "", text) if heavy else text


def connective(text: str, rng: random.Random) -> str:
    match = re.match(r"^(However|But|Also|And|Meanwhile),?\s+", text)
    if match:
        return rng.choice(CONNECTIVES[match[1]]) + ", " + text[match.end() :]
    return text


def reported_speech(text: str, rng: random.Random) -> str:
    """'"X," Y said.' -> 'Y said that X.' or 'According to Y, X.'"""
    match = REPORTED.match(text)
    if not match:
        return text
    speaker, verb = match[3] or match[4], match[2] or match[5]
    quote = lower_first(
        match[1].strip(), keep=bool(re.match(r"^(I\b|[A-Z][a-z]+ [A-Z])", match[1]))
    )
    if rng.random() < 0.5:
        return f"According to {speaker}, {quote}."
    verb = "said" if verb.startswith("told") else verb
    return f"{upper_first(speaker)} {verb} that {quote}."


def split_sentence(sent: Sent, rng: random.Random) -> list[Sent]:
    """A long sentence cut in two at a conjunction, or at any comma."""
    text = sent.text
    if n_words(text) < 18:
        return [sent]
    for sep, rep in rng.sample(SPLITS, len(SPLITS)):
        idx = text.find(sep)
        after = text[idx + len(sep) :] if idx > 0 else ""
        if sep.strip(", ") == "and" and not SUBJECT_START.match(after):
            continue  # "and" starts a new clause only before a subject
        if idx > 0 and n_words(text[:idx]) >= 7 and n_words(text[idx:]) >= 6:
            first = tidy(text[:idx].rstrip(" ,;-") + ".")
            second = (rep.strip() + " " + after) if rep.strip() != "." else upper_first(after)
            return [Sent(first, sent.keep_case), Sent(upper_first(second.strip()), True)]
    commas = [m.start() for m in re.finditer(r", ", text)]
    for idx in rng.sample(commas, len(commas)):
        if n_words(text[:idx]) >= 7 and n_words(text[idx:]) >= 6 and text[:idx].count('"') % 2 == 0:
            rest = text[idx + 2 :]
            if re.match(r"^(?:which|who|where|when)\b", rest):
                rest = rng.choice(["This ", "It "]) + rest.split(" ", 1)[1]
            elif re.match(r"^(?:[a-z]+ing|[a-z]+ed)\b", rest):
                rest = rng.choice(["This meant ", "It was "]) + rest
            return [Sent(tidy(text[:idx] + "."), sent.keep_case), Sent(upper_first(rest), True)]
    return [sent]


def merge(a: Sent, b: Sent, rng: random.Random) -> Sent:
    """Two sentences joined into one."""
    joiner = rng.choice([", and ", "; ", " and ", ", while ", ", although ", ", as "])
    left = a.text.rstrip()
    if left.endswith(("?", "!", '"', "”", "’", "'")):
        return Sent(a.text + " " + b.text, a.keep_case)
    return Sent(left.rstrip(".") + joiner + lower_first(b.text, b.keep_case), a.keep_case)


def truncate(text: str) -> str:
    """A sentence cut at its last comma, when most of it is left."""
    cut = text.rfind(",")
    kept = text[:cut]
    if cut > 0 and n_words(kept) >= max(0.6 * n_words(text), 6) and text.count('"') % 2 == 0:
        return kept + "."
    return text


def tail_clause(text: str) -> str:
    """The part of a sentence after its first comma, when that is a clause of its own."""
    cut = text.find(", ")
    if cut > 0 and text.count('"') % 2 == 0:
        rest = text[cut + 2 :]
        if n_words(rest) >= 8 and n_words(text[:cut]) <= 0.5 * n_words(text):
            return upper_first(rest)
    return text


def move_adverbial(span: Span, text: str) -> str:
    """A fronted adverbial ("For 2005, ...") moved to the end, or a short final one fronted."""
    root, toks = span.root, list(span)
    if not toks:
        return text
    first = toks[0]
    for child in root.children:
        if child.dep_ in {"prep", "advcl", "npadvmod", "advmod"} and child.left_edge == first:
            sub = span.doc[child.left_edge.i : child.right_edge.i + 1]
            after = child.right_edge.i + 1
            if after < len(span.doc) and span.doc[after].text == "," and 1 <= len(sub) <= 10:
                rest = span.doc[after + 1 : span.end].text.rstrip(" .")
                name = first.ent_type_ or first.pos_ == "PROPN"
                return (
                    upper_first(rest)
                    + " "
                    + (sub.text if name else lower_first(sub.text, False))
                    + "."
                )
    last = toks[-2] if toks[-1].is_punct and len(toks) > 1 else toks[-1]
    for child in root.children:
        if child.dep_ in {"prep", "npadvmod"} and child.right_edge == last and child.i > root.i:
            sub = span.doc[child.left_edge.i : child.right_edge.i + 1]
            if 2 <= len(sub) <= 6 and '"' not in span.text:
                head = span.doc[span.start : child.left_edge.i].text.rstrip(" ,")
                keep = span[0].pos_ == "PROPN" or span[0].text == "I"
                return upper_first(sub.text) + ", " + lower_first(head, keep) + "."
    return text


OPENERS = ("In my view,", "It seems that", "Overall,", "Clearly,", "To sum up,",
           "It is worth noting that", "Many people think that", "Some would argue that",
           "As a result,", "In general,")  # fmt: skip
MIDDLES = {
    "business": ("markets will watch {x} closely", "the figures for {x} matter for investors",
                 "the wider economy affects {x}", "{x} faces a difficult year"),
    "entertainment": ("{x} has been popular with audiences", "critics have mixed views of {x}",
                      "the industry pays attention to {x}", "{x} attracts a lot of interest"),
    "politics": ("{x} is a divisive issue for voters", "the debate over {x} will continue",
                 "ministers are under pressure over {x}", "{x} could matter at the election"),
    "sport": ("fans will follow {x} closely", "{x} matters for the rest of the season",
              "the pressure on {x} keeps growing", "{x} still has a lot to prove"),
    "tech": ("{x} shows how fast technology changes", "users will have to adapt to {x}",
             "{x} raises questions about privacy and cost", "the industry is watching {x}"),
    "seeds": ("{x} worries many observers", "the situation around {x} remains tense"),
}  # fmt: skip


def own_sentence(rng: random.Random, topic_words: list[str], category: str) -> Sent:
    """A sentence of the writer's own about the topic."""
    subject = rng.choice(topic_words) if topic_words else "this"
    middle = rng.choice(MIDDLES.get(category, MIDDLES["business"])).format(x=subject)
    closer = rng.choice(["", "", "", " at least for now", " in the long run"])
    return Sent(upper_first(f"{rng.choice(OPENERS)} {middle}{closer}."), True)
