"""Scraped news articles in a folder -> clean, annotated, queryable DuckLake tables."""

from pipeline.storage import connect

__all__ = ["connect"]
