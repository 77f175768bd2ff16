"""The `corpus search`, `corpus kwic` and `corpus report` subcommands: thin handlers over
pipeline/explore.py and pipeline/report.py (their options are in pipeline/cli.py). Bad input
raises UserError: one line, exit status 1.
"""

import argparse
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb

from pipeline.errors import UserError
from pipeline.explore import (
    SEARCH_CACHE,
    ExploreError,
    format_hits,
    format_kwic,
    kwic,
    search,
)
from pipeline.explore.report import ReportError, build_report, write_html
from pipeline.lake import NoLakeError, connect
from pipeline.settings import REPORT_FILE


@contextmanager
def _lake(data: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    """The read-only lake; every expected failure becomes a one-line UserError."""
    try:
        con = connect(data)
    except NoLakeError as error:
        raise UserError(str(error)) from None
    try:
        yield con
    except (ExploreError, ReportError) as error:
        raise UserError(str(error)) from None
    except duckdb.Error as error:
        raise UserError(str(error).strip().splitlines()[0]) from None
    except OSError as error:
        raise UserError(f"{error.strerror or error}: {error.filename or ''}".rstrip(": ")) from None
    finally:
        con.close()


def search_command(args: argparse.Namespace) -> int:
    data = args.data.resolve()
    with _lake(data) as con:
        hits = search(con, args.query, cache=data / SEARCH_CACHE, limit=args.limit)
    if not hits:
        raise UserError(f"no document matches {args.query!r}")
    print("\n".join(format_hits(hits)))
    return 0


def kwic_command(args: argparse.Namespace) -> int:
    if args.width < 10:
        raise UserError(f"--width must be at least 10 (got {args.width})")
    with _lake(args.data.resolve()) as con:
        result = kwic(con, args.word, lemma=args.lemma, window=args.window, limit=args.limit)
    if not result.lines:
        kind = "no form of the lemma of" if args.lemma else "no occurrence of"
        raise UserError(f"{kind} {args.word.strip()!r} in the corpus")
    print("\n".join(format_kwic(result.lines, args.width)))
    print(f"({len(result.lines)} of {result.total} occurrence{'s' if result.total != 1 else ''})")
    return 0


def report_command(args: argparse.Namespace) -> int:
    data = args.data.resolve()
    out = (args.out or data / REPORT_FILE).resolve()
    if out.suffix.lower() not in {".html", ".htm"}:
        raise UserError(f"--out must name an .html file (got {out.name})")
    with _lake(data) as con:
        report = build_report(con)
        write_html(out, report.html)
    print(out)
    return 0
