"""`corpus search`, `corpus kwic` and `corpus report`: thin handlers over pipeline/explore/.
Bad input raises UserError: one line, exit status 1."""

import argparse
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from pipeline.errors import UserError
from pipeline.explore import ExploreError
from pipeline.explore.kwic import format_kwic, kwic
from pipeline.explore.report import ReportError, build_report, write_html
from pipeline.explore.search import format_hits, search
from pipeline.lake import Lake, LakeError, LakeReader, NoLakeError
from pipeline.lake.query import first_line
from pipeline.settings import REPORT_FILE


@contextmanager
def _lake(data: Path) -> Iterator[LakeReader]:
    """The read-only lake; every expected failure becomes a one-line UserError."""
    try:
        with Lake(data).reader() as reader:
            yield reader
    except NoLakeError as error:
        raise UserError(str(error)) from None
    except (ExploreError, ReportError) as error:
        raise UserError(str(error)) from None
    except LakeError as error:
        raise UserError(first_line(error)) from None
    except OSError as error:
        raise UserError(f"{error.strerror or error}: {error.filename or ''}".rstrip(": ")) from None


def search_command(args: argparse.Namespace) -> int:
    data = args.data.resolve()
    with _lake(data) as reader:
        hits = search(reader, args.query, data_dir=data, limit=args.limit)
    if not hits:
        raise UserError(f"no document matches {args.query!r}")
    print("\n".join(format_hits(hits)))
    return 0


def kwic_command(args: argparse.Namespace) -> int:
    if args.width < 10:
        raise UserError(f"--width must be at least 10 (got {args.width})")
    data = args.data.resolve()
    with _lake(data) as reader:
        options = {"lemma": args.lemma, "window": args.window, "limit": args.limit}
        result = kwic(reader, args.word, data_dir=data, **options)
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
    with _lake(data) as reader:
        report = build_report(reader)
        write_html(out, report.html)
    print(out)
    return 0


HANDLERS = {"search": search_command, "kwic": kwic_command, "report": report_command}
