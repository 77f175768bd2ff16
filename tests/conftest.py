"""Shared fixtures: a private Dagster instance per test session, and the seeds as a lake."""

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.poison import PoisonModel, build_poison_model

REPO = Path(__file__).resolve().parent.parent
SEEDS = REPO / "seeds"
SHARED = REPO.parent / "shared"


@pytest.fixture(scope="session", autouse=True)
def dagster_home(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """Every test talks to a throw-away Dagster instance with telemetry off."""
    home = tmp_path_factory.mktemp("dagster_home")
    shutil.copy(REPO / ".dagster_home" / "dagster.yaml", home / "dagster.yaml")
    previous = os.environ.get("DAGSTER_HOME")
    os.environ["DAGSTER_HOME"] = str(home)
    os.environ["RAY_USAGE_STATS_ENABLED"] = "0"
    yield home
    if previous is None:
        os.environ.pop("DAGSTER_HOME", None)
    else:
        os.environ["DAGSTER_HOME"] = previous


@pytest.fixture
def seeds_copy(tmp_path: Path) -> Path:
    """A writable copy of seeds/, for tests that add, change or delete files."""
    target = tmp_path / "seeds"
    shutil.copytree(SEEDS, target)
    return target


@pytest.fixture(scope="session")
def poison_model(tmp_path_factory: pytest.TempPathFactory) -> PoisonModel:
    """A tokenizer-only spaCy pipeline whose component kills its process on a marked text
    (tests/poison.py)."""
    return build_poison_model(tmp_path_factory.mktemp("poison"))
