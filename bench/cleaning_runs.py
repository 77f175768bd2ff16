"""The cleaning evaluation's runs: `corpus run`'s own code path (`pipeline.cli.run.execute`,
the Dagster job, the lake) over a folder of pages, once per candidate setting of the cleaning
parameters, and k-fold cross-validation over those settings.

The runs use the tokenizer-only model `blank:en`: spaCy annotates the cleaned text and never
changes it, so the figures are those of the real model, minutes sooner. Each run has its own
throw-away lake and Dagster instance (telemetry off, as the project's).
"""

import dataclasses
import random
import shutil
import tempfile
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import dagster as dg

from pipeline.cli.run import execute
from pipeline.lake import Lake
from pipeline.settings import PROJECT_DIR, Settings
from pipeline.stages.cleaning import DEFAULT_PARAMS, CleaningParams

EVAL_MODEL = "blank:en"
FOLDS = 5
SHUFFLES = (0, 1, 2)  # fixed seeds: the same folds every time
# A small grid: the defaults, and each parameter moved one step either way alone (8 settings).
GRID_STEPS: dict[str, tuple[object, ...]] = {
    "stopwords_low": (0.26, 0.34),
    "bad_line_cost": (20, 80),
    "length_low": (50, 90),
    "context": (False,),
}


@dataclass(frozen=True, slots=True)
class Cleaned:
    """What a run left for one file: its language and `documents.text`."""

    language: str
    text: str


def grid() -> list[CleaningParams]:
    """The default setting first, then one parameter moved at a time."""
    settings = [DEFAULT_PARAMS]
    for name, values in GRID_STEPS.items():
        for value in values:
            changed = {name: value}
            if name == "stopwords_low":  # jusText keeps high 0.02 above low
                changed["stopwords_high"] = round(float(value) + 0.02, 2)
            settings.append(dataclasses.replace(DEFAULT_PARAMS, **changed))
    return settings


def label(params: CleaningParams) -> str:
    text = params.to_json()
    return "defaults" if text == "{}" else text.strip("{}").replace('"', "")


@contextmanager
def _instance() -> Iterator[dg.DagsterInstance]:
    """A throw-away Dagster instance with the project's settings (telemetry off)."""
    with tempfile.TemporaryDirectory(prefix="eval-dagster-") as home:
        shutil.copy(PROJECT_DIR / ".dagster_home" / "dagster.yaml", Path(home) / "dagster.yaml")
        with dg.DagsterInstance.from_config(home) as instance:
            yield instance


def run_folder(folder: Path, params: CleaningParams) -> dict[str, Cleaned]:
    """`corpus run` over `folder` into a new lake; what it left, by doc_id."""
    with tempfile.TemporaryDirectory(prefix="eval-lake-") as data, _instance() as instance:
        settings = Settings(
            seeds_dir=folder, data_dir=Path(data), model=EVAL_MODEL, cleaning=params
        )
        lake = Lake(settings.data_dir)
        with lake.hold():
            result = execute(settings, lake=lake, instance=instance)
            if not result.success:
                raise RuntimeError(f"the evaluation's run over {folder} failed")
            with lake.reader() as reader:
                rows = reader.rows("eval/cleaned_texts")
    return {doc_id: Cleaned(language, text) for doc_id, language, text in rows}


# --- cross-validation -----------------------------------------------------------------------

Score = Callable[[Sequence[str], str], float]  # (pages, setting) -> macro F1 over those pages


def folds(ids: Sequence[str], seed: int, k: int = FOLDS) -> list[list[str]]:
    shuffled = sorted(ids)
    random.Random(seed).shuffle(shuffled)
    return [shuffled[i::k] for i in range(k)]


def cross_validate(
    ids: Sequence[str], settings: Sequence[str], score: Score, seed: int
) -> tuple[list[tuple[str, str]], list[str]]:
    """One shuffle of k-fold cross-validation: for each fold, the setting with the best score
    on the other folds, applied to it. Returns (page, setting chosen for its fold) for every
    page, and the setting each fold chose."""
    held: list[tuple[str, str]] = []
    chosen: list[str] = []
    for fold in folds(ids, seed):
        inside = set(fold)
        train = [i for i in ids if i not in inside]
        best = max(settings, key=lambda s: score(train, s))  # ties: the first, the defaults
        chosen.append(best)
        held += [(page, best) for page in fold]
    return held, chosen
