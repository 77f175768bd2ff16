"""A labelled text-reuse development set built from a news corpus (BBC's layout: one folder
per topic, one article per file, headline on the first line), deterministically from a seed.

Each run is one small corpus, like the held-out one (5 sources, 95 short texts): `sources`
long articles (>= 700 words; at most 2 per topic, different stories), and for each of them
`per_kind` texts of each of `cut`, `light` and `heavy` written from it (bench.reuse_derive)
and 2 x `per_kind` `independent` ones on its topic: written from the topic's other articles
most like the source (a fifth of them plain stretches of one, half of the rest given the
source's names), never from an article sharing any 8-word sequence with the source or with
another group's texts (that would be reuse, not independence). With `seeds`, run 0 also
holds the three seed files (003 the source, 001 its spun rewrite, 000 an independent one).

Files get opaque, shuffled names (tNNN.txt) and a layout a typed answer may have (paragraphs,
one paragraph, hard-wrapped lines, Windows line ends); sources keep their headline line half
of the time. RUN/labels.json maps each file to {source, kind, group, topic, origin, layout}.
"""

import hashlib
import json
import math
import random
import re
from collections import Counter, defaultdict
from pathlib import Path

import numpy as np
from spacy.language import Language
from spacy.tokens import Doc

from bench.reuse_derive import derive, layout, retopic, trim_article
from bench.reuse_rewrite import Rewriter, n_words
from pipeline.stages.annotate import load_model
from pipeline.stages.ingest import decode

MIN_SOURCE_WORDS = 700  # a source is longer than the answers built from it
MAX_SOURCE_WORDS = 2500
LINK_WORDS = 8  # articles sharing an 8-word sequence are linked (one reuses the other)
WORD = re.compile(r"\w+(?:['’]\w+)*")


def read_articles(corpus: Path) -> list[tuple[str, str, str, str]]:
    """(doc_id, topic, headline, body) of every `*.txt` under topic folders, sorted."""
    articles = []
    for path in sorted(corpus.glob("*/*.txt")):
        raw = path.read_bytes()
        decoded = decode(raw)
        text = getattr(decoded, "text", raw.decode("utf-8", errors="replace"))
        head, _, body = text.strip().partition("\n")
        articles.append((path.relative_to(corpus).as_posix(), path.parent.name, head, body.strip()))
    return articles


def _stable(text: str) -> int:
    return int.from_bytes(hashlib.blake2b(text.encode(), digest_size=8).digest(), "little")


def similarities(bodies: list[str]) -> np.ndarray:
    """TF-IDF cosine of every two articles (content words of 3+ letters)."""
    from spacy.lang.en.stop_words import STOP_WORDS

    vocab: dict[str, int] = {}
    rows = []
    for body in bodies:
        counts = Counter(w for w in WORD.findall(body.lower())
                         if w not in STOP_WORDS and not w.isdigit() and len(w) > 2)  # fmt: skip
        rows.append({vocab.setdefault(w, len(vocab)): 1 + math.log(c) for w, c in counts.items()})
    matrix = np.zeros((len(bodies), len(vocab)), dtype=np.float32)
    for r, row in enumerate(rows):
        matrix[r, list(row)] = list(row.values())
    df = (matrix > 0).sum(axis=0)
    matrix *= np.log((1 + len(bodies)) / (1 + df)) + 1
    matrix /= np.maximum(np.linalg.norm(matrix, axis=1, keepdims=True), 1e-9)
    return matrix @ matrix.T


def reuse_links(bodies: list[str]) -> list[set[int]]:
    """For each article, the others sharing an 8-word sequence with it."""
    owners: dict[int, list[int]] = defaultdict(list)
    for i, body in enumerate(bodies):
        words = WORD.findall(body.lower())
        for gram in {_stable(" ".join(words[k : k + LINK_WORDS])) for k in range(len(words) - 7)}:
            owners[gram].append(i)
    links: list[set[int]] = [set() for _ in bodies]
    for docs in owners.values():
        if 1 < len(docs) < 50:
            for a in docs:
                links[a].update(d for d in docs if d != a)
    return links


class _Corpus:
    """The articles and what choosing sources and independent texts needs."""

    def __init__(self, corpus: Path) -> None:
        self.articles = read_articles(corpus)
        bodies = [body for _, _, _, body in self.articles]
        self.topics = [topic for _, topic, _, _ in self.articles]
        self.lengths = [n_words(body) for body in bodies]
        self.sims = similarities(bodies)
        self.links = reuse_links(bodies)

    def pick_group(
        self,
        topic: str,
        groups: list[tuple[int, list[int]]],
        used: set[int],
        rng: random.Random,
        independents: int,
    ) -> tuple[int, list[int]] | None:
        """A source of `topic` and `independents` articles on its story, none linked to
        anything taken, or None."""
        taken = {i for src, inds in groups for i in (src, *inds)}
        candidates = [i for i in range(len(self.articles))
                      if self.topics[i] == topic and i not in used and not self.links[i] & taken
                      and MIN_SOURCE_WORDS <= self.lengths[i] <= MAX_SOURCE_WORDS
                      and all(self.sims[i, s] < 0.15 for s, _ in groups)]  # fmt: skip
        rng.shuffle(candidates)
        candidates = sorted(candidates[:60], key=self._closeness, reverse=True)[:15]
        rng.shuffle(candidates)
        for src in candidates:
            order = np.argsort(-self.sims[src]).tolist()
            near = [j for j in order if self._on_story(j, src, groups, used, taken)][:16]
            chosen: list[int] = []
            for j in near:
                if len(chosen) < independents and not self.links[j] & set(chosen):
                    chosen.append(j)
            if len(chosen) == independents:
                return src, chosen
        return None

    def _on_story(self, j: int, src: int, groups: list, used: set[int], taken: set[int]) -> bool:
        """Article j can be an independent text of source src: same topic, untaken, linked to
        nothing taken, and clearly closer to src than to the run's other sources."""
        return (
            j != src and self.topics[j] == self.topics[src] and j not in self.links[src]
            and j not in used | taken and not self.links[j] & taken and self.lengths[j] >= 250
            and all(self.sims[j, s] < self.sims[j, src] - 0.05 for s, _ in groups)
        )  # fmt: skip

    def _closeness(self, i: int) -> float:
        """Mean similarity of the 8 closest same-topic articles: answers on its story."""
        top = [self.sims[i, j] for j in np.argsort(-self.sims[i])[1:40].tolist()
               if self.topics[j] == self.topics[i] and j not in self.links[i]
               and self.lengths[j] >= 250][:8]  # fmt: skip
        return float(np.mean(top)) if len(top) == 8 else 0.0


def build(
    corpus: Path,
    out: Path,
    *,
    seed: int = 1,
    runs: int = 5,
    sources: int = 8,
    per_kind: int = 4,
    seeds: Path | None = None,
    nlp: Language | None = None,
) -> dict:
    """Write `runs` labelled runs under `out` (run0, run1, ...); returns a summary."""
    rng = random.Random(seed)
    data = _Corpus(corpus)
    nlp = nlp or load_model()
    rewriter = Rewriter(nlp)
    used: set[int] = set()
    summary = []
    for r in range(runs):
        groups: list[tuple[int, list[int]]] = []
        topics = sorted(set(data.topics)) * 2
        rng.shuffle(topics)
        for topic in topics:
            if len(groups) < sources:
                group = data.pick_group(topic, groups, used, rng, 2 * per_kind)
                if group:
                    groups.append(group)
                    used |= {group[0], *group[1]}
        items = _group_items(data, groups, rewriter, rng, per_kind)
        if r == 0 and seeds is not None:
            items += _seed_items(seeds)
        summary.append(_write_run(out / f"run{r}", items, rng))
    (out / "summary.json").write_text(json.dumps(summary, indent=1))
    return {"runs": summary}


def _group_items(
    data: _Corpus,
    groups: list[tuple[int, list[int]]],
    rw: Rewriter,
    rng: random.Random,
    per_kind: int,
) -> list[tuple[str, dict]]:
    items = []
    for g, (src, independents) in enumerate(groups):
        doc_id, topic, head, body = data.articles[src]
        label = {"group": f"g{g}", "topic": topic}
        source_text = (head + "\n\n" + body if rng.random() < 0.5 else body) + "\n"
        items.append((source_text, {**label, "kind": "source", "origin": doc_id}))
        parsed = rw.nlp(body)
        for kind in ("cut", "light", "heavy"):
            for _ in range(per_kind):
                text = derive(rw, parsed, topic, kind, rng)
                items.append((text, {**label, "kind": kind, "origin": f"derived from {doc_id}"}))
        for j in independents:
            text, origin = _independent(data, rw, j, independents, parsed, rng)
            items.append((text, {**label, "kind": "independent", "origin": origin}))
    return items


def _independent(
    data: _Corpus, rw: Rewriter, j: int, independents: list[int], source: Doc, rng: random.Random
) -> tuple[str, str]:
    """An answer on the topic written from other material (see the module's docstring)."""
    doc_id, topic, _, body = data.articles[j]
    roll = rng.random()
    if roll < 0.2:
        return trim_article(body, rng, rw.nlp), f"trimmed {doc_id}"
    style = rng.choice(["cut", "light", "heavy", "heavy"])
    parsed = rw.nlp(body)
    if roll < 0.7:
        text, origin = derive(rw, parsed, topic, style, rng), f"{style} from {doc_id}"
    else:
        k = rng.choice([x for x in independents if x != j])
        other_id, _, _, other_body = data.articles[k]
        target = rng.randint(170, 320)
        first = derive(rw, parsed, topic, style, rng, target=target // 2)
        second = derive(rw, rw.nlp(other_body), topic, style, rng, target=target - target // 2)
        text, origin = first.rstrip() + "\n\n" + second, f"{style} from {doc_id} + {other_id}"
    if rng.random() < 0.5:
        text, origin = retopic(text, parsed, source), origin + ", retopiced"
    return text, origin


def _seed_items(seeds: Path) -> list[tuple[str, dict]]:
    kinds = {"003": "source", "001": "heavy", "000": "independent"}
    return [
        (path.read_text(encoding="utf-8"),
         {"group": "seeds", "topic": "seeds", "kind": kinds[path.name[:3]],
          "origin": f"seeds/{path.name}", "layout": "file"})
        for path in sorted(seeds.glob("*.txt")) if path.name[:3] in kinds
    ]  # fmt: skip


def _write_run(run: Path, items: list[tuple[str, dict]], rng: random.Random) -> dict:
    """The texts under opaque shuffled names, laid out, and labels.json."""
    texts = run / "texts"
    texts.mkdir(parents=True, exist_ok=True)
    for old in texts.glob("*.txt"):
        old.unlink()
    order = list(range(len(items)))
    rng.shuffle(order)
    names = {k: f"t{n:03d}.txt" for n, k in enumerate(order)}
    source_of = {label["group"]: names[k] for k, (_, label) in enumerate(items)
                 if label["kind"] == "source"}  # fmt: skip
    labels = {}
    for k, (text, label) in enumerate(items):
        if "layout" in label:  # a seed file, kept as it is
            shaped, style = text, label.pop("layout")
        elif label["kind"] == "source":
            shaped, style = text, "article"
        else:
            shaped, style = layout(text, rng)
        (texts / names[k]).write_bytes(shaped.encode("utf-8"))
        labels[names[k]] = {"source": source_of[label["group"]], **label, "layout": style,
                            "words": n_words(text)}  # fmt: skip
    labels = dict(sorted(labels.items()))
    (run / "labels.json").write_text(json.dumps(labels, indent=1))
    return {"run": run.name, "texts": len(labels),
            "kinds": dict(Counter(v["kind"] for v in labels.values()))}  # fmt: skip
