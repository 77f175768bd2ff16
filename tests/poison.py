"""A spaCy pipeline for tests whose one component kills its own process on a marked text (as a
crash in native code or the kernel's OOM killer would), or sleeps on another: a plain spaCy
plugin package (a module and a dist-info with a `spacy_factories` entry point) and a model
folder that uses it, built in a temp dir. A run uses it with CORPUS_MODEL=<model folder> and
the plugin's folder on PYTHONPATH; the product has no test hook."""

import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

EXIT_MARKER = "Zyxwvut-exit"  # the process ends with exit code 3
KILL_MARKER = "Zyxwvut-kill"  # the process sends itself SIGKILL
SLOW_MARKER = "Zyxwvut-slow"  # the process sleeps SLOW_SECONDS on this text
SLOW_SECONDS = 1.0
FACTORY = "corpus_test_poison"
MODULE = f'''"""A spaCy component for tests: it kills its own process on a marked text."""

import os
import signal
import time

from spacy.language import Language


@Language.component("{FACTORY}")
def poison(doc):
    if "{EXIT_MARKER}" in doc.text:
        os._exit(3)
    if "{KILL_MARKER}" in doc.text:
        os.kill(os.getpid(), signal.SIGKILL)
    if "{SLOW_MARKER}" in doc.text:
        time.sleep({SLOW_SECONDS})
    return doc
'''
BUILD = f"""
import sys, spacy, {FACTORY}
nlp = spacy.blank("en")
nlp.add_pipe("{FACTORY}")
nlp.to_disk(sys.argv[1])
"""


@dataclass(frozen=True)
class PoisonModel:
    plugin_dir: Path  # goes on PYTHONPATH
    model_dir: Path  # the value of CORPUS_MODEL

    def environment(self, base: dict[str, str] | None = None) -> dict[str, str]:
        """`base` (default: this process's) with the plugin importable and the model chosen."""
        env = dict(os.environ if base is None else base)
        paths = [str(self.plugin_dir), env.get("PYTHONPATH", "")]
        env["PYTHONPATH"] = os.pathsep.join(p for p in paths if p)
        env["CORPUS_MODEL"] = str(self.model_dir)
        return env


def build_poison_model(root: Path) -> PoisonModel:
    plugin, model = root / "plugin", root / "model"
    plugin.mkdir(parents=True)
    (plugin / f"{FACTORY}.py").write_text(MODULE)
    info = plugin / f"{FACTORY}-1.0.dist-info"
    info.mkdir()
    (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {FACTORY}\nVersion: 1.0\n")
    (info / "entry_points.txt").write_text(f"[spacy_factories]\n{FACTORY} = {FACTORY}:poison\n")
    env = {**os.environ, "PYTHONPATH": str(plugin)}
    subprocess.run([sys.executable, "-c", BUILD, str(model)], env=env, check=True, timeout=120)
    return PoisonModel(plugin, model)
