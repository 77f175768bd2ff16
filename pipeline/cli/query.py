"""`corpus sql`: one read-only query on the lake (as it is, or was at a snapshot), printed as a
table, CSV or JSON; `corpus snapshots`: the lake's snapshots; `corpus export`: a table or a
query's rows written to Parquet or CSV."""

import argparse
import csv
import json
import sys
from pathlib import Path

from pipeline.errors import UserError
from pipeline.lake.query import QueryError, run_query
from pipeline.lake.snapshots import export, list_snapshots


def sql(args: argparse.Namespace) -> int:
    query = _query_text(args.query)
    try:
        columns, rows = run_query(args.data.resolve(), query, at=args.at)
    except QueryError as error:
        raise UserError(str(error)) from None
    print_rows(columns, rows, args.format)
    return 0


def snapshots(args: argparse.Namespace) -> int:
    try:
        columns, rows = list_snapshots(args.data.resolve())
    except QueryError as error:
        raise UserError(str(error)) from None
    print_rows(columns, rows, args.format)
    return 0


def export_command(args: argparse.Namespace) -> int:
    source = _query_text(args.source)
    out = args.out.resolve()
    try:
        rows = export(args.data.resolve(), source, out, at=args.at)
    except QueryError as error:
        raise UserError(str(error)) from None
    except OSError as error:
        raise UserError(f"{error.strerror or error}: {error.filename or out}") from None
    print(f"{out} ({rows:,} row{'s' if rows != 1 else ''})")
    return 0


def _query_text(query: str) -> str:
    if query.strip().lower().endswith(".sql"):
        path = Path(query.strip())
        if not path.is_file():
            raise UserError(f"no such SQL file: {path}")
        return path.read_text()
    return query


def print_rows(columns: list[str], rows: list[tuple], fmt: str) -> None:
    if fmt == "csv":
        writer = csv.writer(sys.stdout, lineterminator="\n")
        writer.writerow(columns)
        writer.writerows(rows)
    elif fmt == "json":
        records = [dict(zip(columns, row, strict=True)) for row in rows]
        print(json.dumps(records, default=str, ensure_ascii=False, indent=1))
    else:
        print(_table(columns, rows))


def _table(columns: list[str], rows: list[tuple]) -> str:
    cells = [[_cell(v) for v in row] for row in rows]
    widths = [max([len(c)] + [len(r[i]) for r in cells]) for i, c in enumerate(columns)]
    line = lambda values: "  ".join(v.ljust(w) for v, w in zip(values, widths, strict=True))  # noqa: E731
    out = [line(columns), line(["-" * w for w in widths]), *(line(r) for r in cells)]
    out.append(f"({len(rows)} row{'s' if len(rows) != 1 else ''})")
    return "\n".join(s.rstrip() for s in out)


def _cell(value: object, limit: int = 80) -> str:
    text = "NULL" if value is None else str(value).replace("\n", " ")
    return text if len(text) <= limit else text[: limit - 1] + "…"


HANDLERS = {"sql": sql, "snapshots": snapshots, "export": export_command}
