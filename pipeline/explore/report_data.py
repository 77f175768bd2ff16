"""What the corpus report shows, as rows read from the lake (pipeline/explore/report.py reads
and renders them)."""

from dataclasses import dataclass
from datetime import date, datetime

from pipeline.lake.store import Stamp


@dataclass(frozen=True, slots=True)
class CorpusSize:
    documents: int
    ok: int
    rejected: int
    sentences: int
    words: int
    entities: int


@dataclass(frozen=True, slots=True)
class LanguageCount:
    language: str
    documents: int


@dataclass(frozen=True, slots=True)
class DayCount:
    day: date
    documents: int


@dataclass(frozen=True, slots=True)
class SourceCount:
    date_source: str  # marker | html | text | undated
    documents: int


@dataclass(frozen=True, slots=True)
class EntityCount:
    norm: str
    label: str
    documents: int
    mentions: int


@dataclass(frozen=True, slots=True)
class TimelinePoint:
    norm: str
    label: str
    day: date
    mentions: int
    documents: int


@dataclass(frozen=True, slots=True)
class RuleCount:
    rule: str
    lines: int
    documents: int


@dataclass(frozen=True, slots=True)
class ReusePair:
    doc_a: str
    doc_b: str
    kind: str
    similarity: float
    share_a: float
    share_b: float
    n_passages: int
    source: str  # the likely source's doc_id, or "tie"


@dataclass(frozen=True, slots=True)
class Story:
    """Documents linked by reuse, and the one that published first (else was seen first)."""

    cluster_id: str
    documents: int
    pairs: int
    source: str
    title: str | None
    day: date
    day_is_first_seen: bool


@dataclass(frozen=True, slots=True)
class ReportData:
    """Everything the report shows, read from the lake in one go."""

    size: CorpusSize
    languages: tuple[LanguageCount, ...]
    per_day: tuple[DayCount, ...]
    date_sources: tuple[SourceCount, ...]
    entities: tuple[EntityCount, ...]
    timelines: tuple[TimelinePoint, ...]
    rules: tuple[RuleCount, ...]
    reuse: tuple[ReusePair, ...] | None  # None: no text_reuse table
    stamp: Stamp
    stories: tuple[Story, ...]
    generated_at: datetime

    @property
    def undated(self) -> int:
        """Ok documents without a published date (on no day of the charts)."""
        return sum(s.documents for s in self.date_sources if s.date_source == "undated")
