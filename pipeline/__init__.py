"""Scraped news articles in a folder -> clean, annotated, queryable DuckLake tables."""

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pipeline.lake.connection import connect

__all__ = ["connect"]


def __getattr__(name: str) -> object:
    # Imported on first use: a worker process that only parses never loads DuckDB, which
    # starts a thread at import (see `pipeline.run.supervised.single_threaded_children`).
    if name == "connect":
        from pipeline.lake.connection import connect

        return connect
    raise AttributeError(f"module 'pipeline' has no attribute {name!r}")
