"""The `corpus` command: run the pipeline, query the lake, and the tools around them.

This package's top holds only the parser and imports nothing heavy: each group of subcommands
lives in its own module (run.py, query.py, explore.py, measure.py), imported by the handler
below when one of its commands runs. Worker processes spawned by `corpus run` import their
parent's main module (the `corpus` script, which imports this one) before they load spaCy;
measured, importing the handlers here cost every worker ~2.4 s and ~40 MB (Dagster,
matplotlib) that it never uses.
"""

import argparse
import os
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path

from pipeline.errors import UserError
from pipeline.settings import KWIC_WIDTH, PROJECT_DIR, REPORT_FILE, SHARED_DIR, from_environment

Handler = Callable[[argparse.Namespace], int]


def _handle(args: argparse.Namespace) -> int:
    """Run the command given, importing only its group's module (see the module docstring)."""
    if args.command in ("run", "backfill"):
        from pipeline.cli import run as group
    elif args.command in ("sql", "snapshots", "export"):
        from pipeline.cli import query as group
    elif args.command in ("search", "kwic", "report"):
        from pipeline.cli import explore as group
    else:
        from pipeline.cli import measure as group
    return group.HANDLERS[args.command](args)


def _dirs(parser: argparse.ArgumentParser, *, seeds: bool = True) -> None:
    defaults = from_environment()
    if seeds:
        parser.add_argument("--seeds", type=Path, default=defaults.seeds_dir, help="the folder")
    parser.add_argument("--data", type=Path, default=defaults.data_dir, help="the lake's folder")


def _run_options(parser: argparse.ArgumentParser) -> None:
    _dirs(parser)
    defaults = from_environment()
    parser.add_argument("--workers", type=int, default=defaults.workers, help="NLP processes")
    parser.add_argument("--ray", default=defaults.ray_address, help="Ray cluster address")
    parser.add_argument("--max-bytes", type=int, default=defaults.max_bytes, help="size limit")
    parser.add_argument("--batch-docs", type=int, default=defaults.batch_docs, help="per commit")
    parser.add_argument(
        "--maintain",
        action="store_true",
        help="compact the lake afterwards even when small (a run compacts past 200 data files)",
    )


def _pipeline_commands(sub: argparse._SubParsersAction) -> None:
    run = sub.add_parser("run", help="bring every table up to date with the folder")
    _run_options(run)

    backfill = sub.add_parser("backfill", help="re-process files even if unchanged")
    _run_options(backfill)
    target = backfill.add_mutually_exclusive_group(required=True)
    target.add_argument("--all", action="store_true", help="every file")
    target.add_argument("files", nargs="*", default=[], help="paths relative to the folder")

    sql = sub.add_parser("sql", help="run DuckDB SQL (inline or a .sql file) read-only")
    sql.add_argument("query", help="SQL text, or the path of a .sql file")
    sql.add_argument("--format", choices=("table", "csv", "json"), default="table")
    _at(sql)
    _dirs(sql, seeds=False)

    snapshots = sub.add_parser("snapshots", help="list the lake's snapshots and what made each")
    snapshots.add_argument("--format", choices=("table", "csv", "json"), default="table")
    _dirs(snapshots, seeds=False)

    export = sub.add_parser("export", help="write a table or a query's rows to Parquet or CSV")
    export.add_argument("source", help="a table's name, SQL text, or the path of a .sql file")
    export.add_argument("--out", type=Path, required=True, help="FILE.parquet or FILE.csv")
    _at(export)
    _dirs(export, seeds=False)


def _at(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--at", type=int, metavar="SNAPSHOT", help="the lake as it was at this snapshot"
    )


def _measuring_commands(sub: argparse._SubParsersAction) -> None:
    bench = sub.add_parser("bench", help="bare spaCy vs the whole pipeline, in one run")
    bench.add_argument("--corpus", type=Path, default=SHARED_DIR / "corpora" / "bbc-news")
    bench.add_argument("--copies", type=int, default=4, help="replicas for the scale phases")
    bench.add_argument("--workers", type=int, default=2, help="processes for the pooled runs")
    bench.add_argument("--limit", type=int, default=None, help="files per copy (quick runs)")
    bench.add_argument(
        "--exact-share",
        type=float,
        default=0.1,
        help="exact copies of randomly chosen files added to the K copies, as a share of them",
    )
    bench.add_argument(
        "--scale",
        type=int,
        nargs="*",
        metavar="N",
        help="instead: the costs of a run at each corpus size (default 10000 100000)",
    )

    ray_bench = sub.add_parser("bench-ray", help="local 1 process vs 2 workers vs Ray cluster")
    ray_bench.add_argument("--corpus", type=Path, default=SHARED_DIR / "corpora" / "bbc-news")
    ray_bench.add_argument("--files", type=int, default=400, help="files, the same for all three")

    evaluate = sub.add_parser("eval-cleaning", help="score cleaning against ground truth")
    default_eval = SHARED_DIR / "eval" / "article-extraction-dev"
    evaluate.add_argument("--dataset", type=Path, default=default_eval, help="html/, text/, json")
    evaluate.add_argument(
        "--no-cv", action="store_true", help="the default parameters only, no cross-validation"
    )

    reuse = sub.add_parser("eval-reuse", help="score text reuse on a labelled set")
    reuse.add_argument(
        "--dataset",
        type=Path,
        default=None,
        help="a labelled set (run*/texts, run*/labels.json); default: build one",
    )
    reuse.add_argument("--corpus", type=Path, default=SHARED_DIR / "corpora" / "bbc-news",
                       help="the articles a set is built from")  # fmt: skip
    reuse.add_argument("--runs", type=int, default=5)
    reuse.add_argument("--sources", type=int, default=8, help="source articles per run")
    reuse.add_argument("--per-kind", type=int, default=4, help="texts of each kind per source")
    reuse.add_argument("--seed", type=int, default=1)
    reuse.add_argument("--keep", type=Path, default=None, help="write the built set here")


def _exploring_commands(sub: argparse._SubParsersAction) -> None:
    search = sub.add_parser("search", help="ranked full-text search (BM25) over the documents")
    search.add_argument("query", help="words to look for, e.g. 'oil depot Brest'")
    search.add_argument("--limit", type=int, default=10, help="documents to show")
    _dirs(search, seeds=False)

    kwic = sub.add_parser("kwic", help="a word in context, lines aligned on the word")
    kwic.add_argument("word", help="the word (case-insensitive)")
    kwic.add_argument("--lemma", action="store_true", help="match every form of its lemma")
    kwic.add_argument("--window", type=int, default=5, help="words of context either side")
    kwic.add_argument("--limit", type=int, default=50, help="lines to show")
    kwic.add_argument("--width", type=int, default=KWIC_WIDTH, help="characters of context")
    _dirs(kwic, seeds=False)

    report = sub.add_parser("report", help="write an offline HTML report with charts")
    report.add_argument("--out", type=Path, help=f"the HTML file (default: DATA/{REPORT_FILE})")
    _dirs(report, seeds=False)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="corpus", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    _pipeline_commands(sub)
    _measuring_commands(sub)
    _exploring_commands(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    os.environ.setdefault("DAGSTER_HOME", str(PROJECT_DIR / ".dagster_home"))
    args = build_parser().parse_args(argv)
    started = time.perf_counter()
    try:
        return _handle(args)
    except UserError as error:
        print(f"corpus {args.command}: {error}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print(f"corpus {args.command}: interrupted after {time.perf_counter() - started:.0f}s")
        return 130


def entry() -> None:
    """The `corpus` console command: `main`, then a prompt exit. Every file and connection is
    closed by then; skipping the interpreter's module teardown saves ~1.2 s per command
    (measured: importing the definitions alone costs 1.2 s more to exit normally)."""
    try:
        code = main()
        sys.stdout.flush()
    except BrokenPipeError:
        # the reader went away (`corpus sql ... | head`): what it wanted was printed
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        code = 0
    sys.stderr.flush()
    os._exit(code)


if __name__ == "__main__":
    entry()
