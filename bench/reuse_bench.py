"""Text reuse in the lake, timed: a full pass beside the NLP of the same `corpus run`, and a
pass over one added document (its seconds and the peak memory of the process), at 1 and K
copies of a corpus.

    python -m bench.reuse_bench [CORPUS] [--copies 1 4] [--workers 2]

Each copy count gets a fresh lake: `corpus run` over the copies (as a user runs it, in a
subprocess; bench.runs reads its stage seconds), then one edited article is added and
`corpus run` again (+1 file). The +1 pass alone is then timed PASS_RUNS times, each in a
fresh process that opens the lake, marks the added document changed and runs the pass
(`pipeline.lake.reuse.update_reuse`): its seconds, and its peak RSS (`ru_maxrss`) beside the
RSS the process had before the pass, so that what the pass itself holds shows.
"""

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import TextIO

from bench.bench import replicate
from bench.runs import corpus_run
from pipeline.assets.reuse import REUSE_VERSION
from pipeline.lake import Lake
from pipeline.lake.reuse import recompare, update_reuse
from pipeline.settings import SHARED_DIR

DEFAULT_CORPUS = SHARED_DIR / "corpora" / "bbc-news"
PASS_RUNS = 3  # the +1 pass, each in a fresh process: the median is reported
ADDED = "added/edited.txt"


def edited_article(corpus: Path) -> str:
    """A new text for the +1 run: an article of the corpus with its first paragraph dropped
    and a sentence of its own (a new text, with reuse to find)."""
    source = sorted(corpus.rglob("*.txt"))[0].read_text(encoding="utf-8", errors="replace")
    head, _, body = source.strip().partition("\n")
    paragraphs = [p for p in body.split("\n\n") if p.strip()]
    return "\n\n".join([head, *paragraphs[1:], "This copy was edited for the benchmark."]) + "\n"


def one_pass(data: Path, doc_id: str, version: str = REUSE_VERSION) -> dict[str, float]:
    """In this process: mark `doc_id` changed and time the pass that compares it again (the
    lake's last pass must have run with reuse's `version`)."""
    lake = Lake(data)
    with lake.writer() as writer:
        recompare(writer, [doc_id])
        before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        clock = time.perf_counter()
        update = update_reuse(writer, version, state=("text_reuse", "bench"))
        seconds = time.perf_counter() - clock
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {"seconds": seconds, "peak_rss_mb": peak, "rss_before_mb": before,
            "compared": update.compared, "new_texts": update.new_texts}  # fmt: skip


def bench_reuse(corpus: Path, copies: list[int], workers: int, out: TextIO) -> list[dict]:
    """The figures of each copy count (see the module docstring), printed as they come."""

    def say(line: str) -> None:
        print(line, file=out, flush=True)

    results = []
    with tempfile.TemporaryDirectory(prefix="corpus-reuse-bench-") as tmp:
        root = Path(tmp)
        home = root / "dagster_home"
        home.mkdir()
        (home / "dagster.yaml").write_text("telemetry:\n  enabled: false\n")
        for k in copies:
            seeds, data = root / f"seeds{k}", root / f"data{k}"
            n = replicate(corpus, seeds, k, turn=False)  # exact copies: one text each
            say(f"{k} copies ({n} files): corpus run, {workers} workers")
            full = corpus_run(f"{k} copies", seeds, data, home, workers=workers, say=say)
            (seeds / ADDED).parent.mkdir()
            (seeds / ADDED).write_text(edited_article(corpus), encoding="utf-8")
            added = corpus_run(f"{k} copies +1", seeds, data, home, workers=1, say=say)
            passes = sorted((_pass_in_subprocess(data) for _ in range(PASS_RUNS)),
                            key=lambda p: p["seconds"])  # fmt: skip
            figures = {"copies": k, "files": n, "full": full, "added": added, "passes": passes}
            results.append(figures)
            for line in report(figures):
                say(line)
    return results


def _pass_in_subprocess(data: Path) -> dict[str, float]:
    command = [sys.executable, "-m", "bench.reuse_bench", "--pass", str(data), ADDED]
    done = subprocess.run(command, capture_output=True, text=True, check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def report(figures: dict) -> list[str]:
    full, added, passes = figures["full"], figures["added"], figures["passes"]
    nlp, seconds = full.stages.get("nlp", 0.0), full.reuse.get("seconds", 0.0)
    kinds = ", ".join(f"{k} {full.reuse.get(k, 0):.0f}"
                      for k in ("exact", "near_duplicate", "rewrite", "partial"))  # fmt: skip
    median = passes[len(passes) // 2]
    each = " / ".join(f"{p['seconds']:.2f}" for p in passes)
    return [
        f"  full pass: {seconds:.1f} s, {100 * seconds / max(nlp, 1e-9):.1f}% of the run's NLP "
        f"({nlp:.0f} s); pairs: {kinds}",
        f"  +1 file run: whole command {added.seconds:.1f} s, of which text reuse "
        f"{added.reuse.get('seconds', 0):.2f} s; parent's peak PSS {added.peak_parent_mb:.0f} MB",
        f"  +1 pass alone: {median['seconds']:.2f} s (median of {each} s), peak RSS "
        f"{median['peak_rss_mb']:.0f} MB ({median['rss_before_mb']:.0f} MB before the pass)",
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus", nargs="?", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--copies", type=int, nargs="+", default=[1, 4])
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--pass", dest="one_pass", nargs=2, metavar=("DATA", "DOC_ID"))
    args = parser.parse_args()
    if args.one_pass:
        print(json.dumps(one_pass(Path(args.one_pass[0]), args.one_pass[1])))
        return
    if not args.corpus.is_dir():
        print(f"reuse bench: skipped, no corpus at {args.corpus}")
        return
    bench_reuse(args.corpus, args.copies, max(1, args.workers), sys.stdout)


if __name__ == "__main__":
    main()
