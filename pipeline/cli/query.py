"""`corpus sql`: one read-only query on the lake, printed as a table, CSV or JSON."""

import argparse
import csv
import json
import sys
from pathlib import Path

from pipeline.errors import UserError
from pipeline.lake.query import QueryError, run_query


def sql(args: argparse.Namespace) -> int:
    query = _query_text(args.query)
    try:
        columns, rows = run_query(args.data.resolve(), query)
    except QueryError as error:
        raise UserError(str(error)) from None
    print_rows(columns, rows, args.format)
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


HANDLERS = {"sql": sql}
