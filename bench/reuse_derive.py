"""Texts written from a source for the text-reuse development set, as a student answers a
question from a longer article: `cut` (pieces copied, with sentences dropped, split, merged,
cut to a clause, reordered), `light` (the same, with ~20% of the content words swapped for
synonyms and a few more edits), `heavy` (~85% swapped, modifiers, phrases and clauses
dropped, quotes reported, adverbials moved, sentences of the writer's own) and `independent`
answers written from other articles of the topic (some given the source's names)."""

import random
import re
import textwrap
from collections import Counter

from spacy.language import Language
from spacy.tokens import Doc, Span

from bench.reuse_rewrite import (
    Rewriter,
    Sent,
    connective,
    merge,
    move_adverbial,
    n_words,
    numbers,
    own_sentence,
    reported_speech,
    split_sentence,
    tail_clause,
    tidy,
    truncate,
    upper_first,
)

_COMMON = dict(p_trunc=0.15, p_split=0.5, p_chunk_swap=0.5)
PARAMS: dict[str, dict] = {
    "cut": dict(_COMMON, p_drop=0.1, p_merge=0.4, p_clause=0.2, p_sub=0.0, p_del=0.0, p_num=0.0,
                p_conn=0.0, p_quote=0.0, p_move=0.0, p_swap=0.05, own=(0, 1), p_own=0.15,
                extra=1.1),
    "light": dict(_COMMON, p_drop=0.1, p_merge=0.4, p_clause=0.15, p_sub=0.2, p_del=0.1,
                  p_num=0.5, p_conn=0.5, p_quote=0.2, p_move=0.1, p_swap=0.05, own=(0, 1),
                  p_own=0.3, extra=1.15),
    "heavy": dict(_COMMON, p_drop=0.25, p_merge=0.45, p_clause=0.1, p_sub=0.85, p_del=0.5,
                  p_prep=0.4, p_subclause=0.3, p_num=1.0, p_conn=0.8, p_quote=0.7, p_move=0.4,
                  p_swap=0.3, own=(1, 3), p_own=1.0, extra=1.45),
}  # fmt: skip
MAX_MERGED_WORDS = 70  # a merged sentence holds two or three source sentences, no more
P_SCATTERED = 0.7  # pieces picked from all over the source, else a section or two copied
P_SHORT = 0.25  # a quarter of the answers are one short paragraph (90-150 words)
ENTITY_LABELS = ("PERSON", "ORG", "GPE", "NORP", "PRODUCT", "WORK_OF_ART", "EVENT", "FAC", "LOC")
# How the files are laid out: paragraphs, one paragraph, hard-wrapped lines, or paragraphs
# with Windows line ends; none has a headline or a date marker, as a typed answer has not.
LAYOUTS = (("paragraphs", 0.4), ("single", 0.3), ("wrapped", 0.2), ("crlf", 0.1))


def choose_chunks(units: list[Span], target: int, rng: random.Random) -> list[list[int]]:
    """Runs of consecutive sentence indices, ~target words in all, in source order: 1-2 long
    runs (a section), or 3-8 runs of 1-2 sentences spread over the source (scattered)."""
    lengths = [n_words(u.text) for u in units]
    if sum(lengths) <= target:
        return [list(range(len(units)))]
    if rng.random() < P_SCATTERED:
        n_chunks, per_min, max_len = rng.randint(3, 8), 0.0, rng.choice([1, 1, 2])
    else:
        n_chunks, per_min, max_len = rng.choice([1, 1, 2]), 0.6, len(units)
    per, scattered = target / n_chunks, max_len < len(units)
    chosen: list[list[int]] = []
    used: set[int] = set()
    for _ in range(n_chunks * 20):
        have = sum(lengths[i] for c in chosen for i in c)
        if have >= target or (not scattered and len(chosen) == n_chunks) or len(chosen) == 12:
            break
        run, words, i = [], 0, rng.randrange(len(units))
        while i < len(units) and words < per and i not in used and len(run) < max_len:
            run.append(i)
            words += lengths[i]
            i += 1
        if run and words >= per * per_min and not set(range(run[0] - 1, run[-1] + 2)) & used:
            chosen.append(run)
            used |= set(run)
    if not chosen:
        run, words, i = [], 0, rng.randrange(max(1, len(units) - 3))
        while i < len(units) and words < target:
            run.append(i)
            words += lengths[i]
            i += 1
        chosen = [run]
    return sorted(chosen)


def derive(
    rw: Rewriter, doc: Doc, category: str, kind: str, rng: random.Random, target: int | None = None
) -> str:
    """A text of `kind` (cut, light, heavy) written from the parsed source `doc`."""
    p = PARAMS[kind]
    rw.senses = 2 if kind == "heavy" else 1
    spans = [s for s in doc.sents if n_words(s.text) >= 3]
    short = rng.random() < P_SHORT if target is None else target < 150
    target = target or (rng.randint(90, 150) if short else rng.randint(170, 320))
    chunks = choose_chunks(spans, int(target * p["extra"]), rng)
    if len(chunks) > 1 and rng.random() < p["p_chunk_swap"]:
        rng.shuffle(chunks)
    names = [e.text for e in doc.ents if e.label_ in {"ORG", "PERSON", "GPE", "PRODUCT", "EVENT"}]
    topic_words = [name for name, _ in Counter(names).most_common(4)]
    seen: Counter = Counter()
    sents: list[Sent] = []
    for chunk in chunks:
        piece = [_edit(rw, spans[i], kind, category, rng, seen) for i in chunk
                 if not (rng.random() < p["p_drop"] and len(chunk) > 2)]  # fmt: skip
        staged: list[Sent] = []
        for sent in piece:
            staged += split_sentence(sent, rng) if rng.random() < p["p_split"] else [sent]
        for k in range(len(staged) - 1):
            if rng.random() < p["p_swap"]:
                staged[k], staged[k + 1] = staged[k + 1], staged[k]
        sents += staged
    merged: list[Sent] = []
    for sent in sents:  # also across pieces: material from two places made one sentence
        joined = merged and n_words(merged[-1].text) + n_words(sent.text) < MAX_MERGED_WORDS
        if joined and rng.random() < p["p_merge"]:
            merged[-1] = merge(merged[-1], sent, rng)
        else:
            merged.append(sent)
    if rng.random() < p["p_own"]:
        for _ in range(rng.randint(*p["own"])):
            merged.insert(_own_place(len(merged), rng), own_sentence(rng, topic_words, category))
    return _paragraphs(_trim(merged, short), rng)


def _edit(
    rw: Rewriter, span: Span, kind: str, category: str, rng: random.Random, seen: Counter
) -> Sent:
    """One source sentence as the writer of `kind` puts it."""
    p = PARAMS[kind]
    if kind == "heavy" and rng.random() < p["p_move"]:
        moved = move_adverbial(span, span.text)
        if moved != span.text:  # parsed again, so its words can be swapped
            span = rw.nlp(" ".join(moved.split()))[:]
    text = rw.rewrite_tokens(span, rng, p) if p["p_sub"] or p["p_del"] else span.text
    text = " ".join(text.split())
    if rng.random() < p["p_num"]:
        text = numbers(text, rng, heavy=kind == "heavy")
    if rng.random() < p["p_conn"]:
        text = connective(text, rng)
    if rng.random() < p["p_quote"]:
        text = reported_speech(text, rng)
    if kind == "heavy":
        text = _refer_back(text, span, category, rng, seen)
    if rng.random() < p["p_trunc"]:
        text = truncate(text)
    elif rng.random() < p["p_clause"]:
        text = tail_clause(text)
    keep = span[0].pos_ == "PROPN" or span[0].text == "I" or bool(span[0].ent_type_)
    return Sent(text, keep)


def _refer_back(text: str, span: Span, category: str, rng: random.Random, seen: Counter) -> str:
    """A name met before said again as "the company" or a surname."""
    for ent in span.ents:
        seen[ent.text] += 1
        if seen[ent.text] < 2 or rng.random() >= 0.5 or ent.text not in text:
            continue
        if ent.label_ == "ORG":
            options = ["the company", "the firm", "the group"] if category == "business" else []
            rep = rng.choice([*options, "the organisation", "the group", "the body"])
            rep = upper_first(rep) if text.startswith(ent.text) else rep
            text = text.replace(ent.text, rep, 1)
        elif ent.label_ == "PERSON" and " " in ent.text:
            text = text.replace(ent.text, ent.text.split()[-1], 1)
    return text


def _own_place(n: int, rng: random.Random) -> int:
    where = rng.random()
    return 0 if where < 0.4 or not n else n if where < 0.8 else rng.randrange(n + 1)


def _trim(sents: list[Sent], short: bool) -> list[Sent]:
    """At most ~170 (short) or ~350 words, cut at a sentence."""
    kept, count = [], 0
    for sent in sents:
        words = n_words(sent.text)
        if count + words > (170 if short else 350) and count >= (80 if short else 150):
            break
        kept.append(sent)
        count += words
    return kept


def _paragraphs(sents: list[Sent], rng: random.Random) -> str:
    """1-3 paragraphs of roughly even size, blank lines between."""
    n = min(len(sents), rng.choice([1, 2, 2, 3]))
    cuts = sorted(rng.sample(range(1, len(sents)), n - 1)) if n > 1 else []
    paras = [" ".join(upper_first(tidy(s.text)) for s in sents[a:b])
             for a, b in zip([0, *cuts], [*cuts, len(sents)], strict=True)]  # fmt: skip
    return "\n\n".join(p for p in paras if p) + "\n"


def layout(text: str, rng: random.Random) -> tuple[str, str]:
    """The text laid out as a typed answer may be, and the layout's name."""
    roll, name = rng.random(), LAYOUTS[-1][0]
    for candidate, share in LAYOUTS:
        if roll < share:
            name = candidate
            break
        roll -= share
    paras = [p.strip() for p in text.split("\n\n") if p.strip()]
    if name == "single":
        return " ".join(paras) + "\n", name
    if name == "wrapped":
        width = rng.randint(66, 80)
        return "\n\n".join(textwrap.fill(p, width) for p in paras) + "\n", name
    if name == "crlf":
        return "\r\n\r\n".join(paras) + "\r\n", name
    return "\n\n".join(paras) + "\n", name


def retopic(text: str, other: Doc, source: Doc) -> str:
    """An answer written from another article given the source's names and key nouns: its
    most frequent names of each label, and nouns, become the source's."""
    mapping: dict[str, str] = {}
    for label in ENTITY_LABELS:
        mine = [
            e for e, _ in Counter(e.text for e in other.ents if e.label_ == label).most_common(4)
        ]
        theirs = [
            e for e, _ in Counter(e.text for e in source.ents if e.label_ == label).most_common(4)
        ]
        for a, b in zip(mine, theirs, strict=False):
            if a != b and a not in mapping:
                mapping[a] = b
                if label == "PERSON" and " " in a and " " in b:
                    mapping.setdefault(a.split()[-1], b.split()[-1])
    ours, theirs = _nouns(source), _nouns(other)
    swaps = zip([n for n in theirs if n not in ours][:4], [n for n in ours if n not in theirs][:4],
                strict=False)  # fmt: skip
    for a, b in swaps:
        mapping.setdefault(a, b)
        mapping.setdefault(a + "s", b + "s")
    if not mapping:
        return text
    pattern = re.compile(
        r"\b(" + "|".join(re.escape(k) for k in sorted(mapping, key=len, reverse=True)) + r")\b"
    )
    return pattern.sub(lambda m: mapping[m.group(1)], text)


def _nouns(doc: Doc) -> list[str]:
    counts = Counter(
        t.lemma_.lower()
        for t in doc
        if t.pos_ == "NOUN" and not t.is_stop and t.is_alpha and len(t) > 3
    )
    return [w for w, _ in counts.most_common(8)]


def trim_article(text: str, rng: random.Random, nlp: Language) -> str:
    """A 150-350-word stretch of an article: from its start or from a paragraph in it."""
    paras = [p.strip() for p in text.split("\n\n") if p.strip()]
    target = rng.randint(150, 350)
    start = 0 if rng.random() < 0.5 or len(paras) < 3 else rng.randrange(len(paras) - 1)
    out, count = [], 0
    for para in paras[start:] + paras[:start]:
        kept = []
        for sent in nlp(para).sents:
            if count >= target:
                break
            kept.append(sent.text)
            count += n_words(sent.text)
        if kept:
            out.append(" ".join(kept))
        if count >= target:
            break
    return "\n\n".join(out) + "\n"
