"""Exploring the corpus: full-text search (search.py), keyword in context (kwic.py) and the
offline HTML report (report.py). They read the lake through `pipeline.lake` readers; no
Dagster here."""


class ExploreError(ValueError):
    """Input that cannot be searched for; the message is meant for the user."""
