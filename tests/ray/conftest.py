"""Fixtures for the Ray tests: a two-node cluster on this machine (stopped by the ids of the
processes it started), a folder of generated articles, and the lake of a local run of it."""

import contextlib
import random
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from bench.ray_bench import MAX_TEMP_DIR_CHARS, LocalRayCluster
from pipeline.cli import main
from tests.poison import PoisonModel

N_ARTICLES = 36
BATCH_DOCS = 4  # several batches per run, so a worker can die with work still to do
PEOPLE = ["Maria Schmidt", "John Carter", "Aisha Okafor", "Pierre Dubois", "Kenji Sato",
          "Elena Petrova", "David Miller", "Sofia Rossi", "Ahmed Hassan", "Laura Chen"]  # fmt: skip
PLACES = ["Berlin", "London", "Lagos", "Paris", "Tokyo", "Moscow", "Chicago", "Rome", "Cairo",
          "Toronto", "Madrid", "Nairobi"]  # fmt: skip
ORGS = ["the United Nations", "Microsoft", "the European Commission", "Reuters", "Toyota",
        "the World Bank", "Oxford University"]  # fmt: skip
SENTENCES = [
    "{p1} met {p2} in {c1} on Monday to discuss the new trade agreement.",
    "Officials from {o1} said the talks in {c2} would continue next week.",
    "{p2} told reporters that {c1} and {c2} had agreed on a shared plan for energy prices.",
    "According to {o1}, more than {n} people attended the meeting in {c1}.",
    "{p1}, who has led the delegation since {y}, described the result as a clear success.",
    "Critics in {c2} argued that the deal would raise costs for small businesses.",
    "A spokesperson for {o2} declined to comment on the report published in {c1}.",
    "{p2} is expected to travel to {c2} in {m} for a second round of negotiations.",
]
MONTHS = ["January", "March", "June", "September", "November"]


def _article(rng: random.Random, index: int) -> str:
    def sentence() -> str:
        p1, p2 = rng.sample(PEOPLE, 2)
        c1, c2 = rng.sample(PLACES, 2)
        o1, o2 = rng.sample(ORGS, 2)
        n, y, m = rng.randint(50, 5000), rng.randint(1995, 2022), rng.choice(MONTHS)
        return rng.choice(SENTENCES).format(p1=p1, p2=p2, c1=c1, c2=c2, o1=o1, o2=o2, n=n, y=y, m=m)

    title = f"Talks in {rng.choice(PLACES)} continue as leaders meet ({index})"
    paragraphs = [" ".join(sentence() for _ in range(rng.randint(2, 4))) for _ in range(4)]
    return "\n\n".join([title, *paragraphs, f"Read more: {title}"]) + "\n"


@pytest.fixture(scope="module")
def articles(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A few dozen small English news articles full of people, places and organisations."""
    seeds = tmp_path_factory.mktemp("seeds")
    rng = random.Random(20240601)
    for i in range(N_ARTICLES):
        folder = seeds / ("world" if i % 2 else "business")
        folder.mkdir(exist_ok=True)
        (folder / f"article_{i:03d}.txt").write_text(_article(rng, i))
    return seeds


@pytest.fixture(scope="module")
def run_env(tmp_path_factory: pytest.TempPathFactory) -> Iterator[pytest.MonkeyPatch]:
    """A private Dagster instance with telemetry off, no ambient RAY_ADDRESS, and small
    batches (the default of `--batch-docs`, read from the environment)."""
    home = tmp_path_factory.mktemp("dagster_home")
    (home / "dagster.yaml").write_text("telemetry:\n  enabled: false\n")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DAGSTER_HOME", str(home))
        patch.setenv("RAY_USAGE_STATS_ENABLED", "0")
        patch.setenv("CORPUS_BATCH_DOCS", str(BATCH_DOCS))
        patch.delenv("RAY_ADDRESS", raising=False)
        yield patch


@pytest.fixture(scope="module")
def local_lake(
    articles: Path, run_env: pytest.MonkeyPatch, tmp_path_factory: pytest.TempPathFactory
) -> Path:
    """The lake of a plain local run: what every Ray run must equal."""
    data = tmp_path_factory.mktemp("local") / "data"
    assert main(["run", "--seeds", str(articles), "--data", str(data)]) == 0
    return data


@pytest.fixture(scope="module")
def ray_cluster(
    tmp_path_factory: pytest.TempPathFactory, poison_model: PoisonModel
) -> Iterator[LocalRayCluster]:
    """Two nodes of one CPU each; the temp dir is short, since Ray's socket paths are capped.
    Its workers can import the poison plugin (tests/poison.py), for a run that chooses it."""
    root = tmp_path_factory.mktemp("r")
    own_root = len(str(root)) > MAX_TEMP_DIR_CHARS  # e.g. a long --basetemp
    if own_root:
        root = Path(tempfile.mkdtemp(prefix="ray-", dir="/tmp"))
    try:
        with contextlib.ExitStack() as stack:
            with pytest.MonkeyPatch.context() as patch:  # the nodes' environment only
                patch.setenv("PYTHONPATH", poison_model.environment()["PYTHONPATH"])
                cluster = stack.enter_context(LocalRayCluster(root, nodes=2, cpus=1))
            yield cluster
    finally:
        if own_root:
            shutil.rmtree(root, ignore_errors=True)
