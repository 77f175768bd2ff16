"""The lake's statements: one per file under sql/, read once per process.

A statement that works on a table of our own schema names it `{table}`; the name is checked
to be a plain identifier before it is put in. Nothing a user types is ever formatted into SQL.
"""

import functools
import re
from pathlib import Path

SQL_DIR = Path(__file__).resolve().parents[2] / "sql"
IDENTIFIER = re.compile(r"^[a-z_][a-z0-9_]*$")


@functools.cache
def statement(name: str) -> str:
    """The text of sql/<name>.sql, without its trailing semicolon."""
    return (SQL_DIR / f"{name}.sql").read_text().strip().rstrip(";")


def for_table(name: str, table: str, **names: str) -> str:
    """A statement with its `{table}` (and any other `{name}`) filled in, after checking each
    is a plain identifier."""
    return fill(statement(name), table=table, **names)


def fill(text: str, **names: str) -> str:
    """`text` with each `{name}` replaced by a plain identifier (checked), or by a list of
    them (`a, b`: each checked)."""
    for key, value in names.items():
        if not all(IDENTIFIER.match(part.strip()) for part in value.split(",")):
            raise ValueError(f"not a table or column name: {value!r}")
        text = text.replace("{" + key + "}", value)
    return text


def description(path: Path) -> str:
    """The comment lines atop a SQL file, joined: what its table or check is."""
    lines = path.read_text().splitlines()
    return " ".join(line[2:].strip() for line in lines if line.startswith("--"))


def compose(form: str, query: str, **names: str) -> str:
    """The statement sql/<form>.sql with its identifiers filled in and `{query}` replaced by the
    text of one of our own queries."""
    return fill(statement(form), **names).replace("{query}", query)
