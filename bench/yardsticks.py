"""Bare spaCy as the yardstick of every run: on one core over the cleaned texts, and a
sample of them parsed just before and after each run, as the machine's pace drifts."""

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from spacy.language import Language

from bench.bare import bare_spacy, count_words
from pipeline.run.batches import NLP_BATCH_SIZE

if TYPE_CHECKING:
    from bench.runs import RunFigures

YARDSTICK_EVERY = 15  # every 15th cleaned text: ~150 BBC articles, ~15 s of spaCy


@dataclass(frozen=True, slots=True)
class BareFigures:
    """Bare spaCy on one core over the cleaned texts, timed twice, each in a fresh process: just
    before the 1-process run and right after it. Every `x bare` is against the mean of the
    two, as the machine's pace drifts over a benchmark of half an hour: a bare pass taken
    minutes before a run is not the pace the run had (see `Yardstick`)."""

    seconds_before: float
    seconds_after: float
    words: int
    clean_seconds: float  # the pass that cleaned the texts, before either

    @property
    def seconds(self) -> float:
        return (self.seconds_before + self.seconds_after) / 2

    @property
    def rate(self) -> float:
        return self.words / self.seconds


class Yardstick:
    """Bare spaCy's words/s on a fixed sample of the cleaned texts, relative to the first time
    it was measured (right after the full bare run): 0.9 means the machine runs 10% slower.
    The model is this process's own, and it parses the sample once before the first timing:
    every timed pass then finds the sample in its caches alike (see `bare_spacy`)."""

    FIELD = "speed"  # the RunFigures field `around` sets

    def __init__(self, nlp: Language, texts: list[str]) -> None:
        self._nlp = nlp
        self._texts = texts[::YARDSTICK_EVERY]
        self._rate()
        self._first = self._rate()

    def _rate(self) -> float:
        clock = time.perf_counter()
        words = sum(
            count_words(doc) for doc in self._nlp.pipe(self._texts, batch_size=NLP_BATCH_SIZE)
        )
        return words / (time.perf_counter() - clock)

    def speed(self) -> float:
        return self._rate() / self._first

    def around(self, run: Callable[[], "RunFigures"]) -> "RunFigures":
        """The run, its `speed` the mean of the yardstick just before and just after it."""
        before = self.speed()
        figures = run()
        setattr(figures, self.FIELD, (before + self.speed()) / 2)
        return figures


class ParallelYardstick(Yardstick):
    """The same sample parsed by N fresh bare processes at once (shares, as `bare_spacy`),
    relative to the first time: what the two cores give N processes drifts apart from what
    they give one (1.78-2.10 x one process in different benchmark runs)."""

    FIELD = "parallel_speed"

    def __init__(self, model: str, texts: list[str], processes: int) -> None:
        self._model, self._processes = model, processes
        self._texts = texts[::YARDSTICK_EVERY]
        self._first = self._rate()

    def _rate(self) -> float:
        done = bare_spacy(self._texts, self._model, processes=self._processes)
        return done.words / done.seconds
