"""A disk that fills up during a run: the run stops with one clear line, the lake reads as it
was before the batch, and the next run, once there is room again, completes with every
document once. On a small tmpfs (root only): the data files' disk full, and the catalog's."""

import contextlib
import errno
import os
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from pipeline.cli import main as corpus_main
from pipeline.lake import connect
from tests.pipeline.test_crash import assert_consistent

pytestmark = pytest.mark.slow
DISK_BYTES = 32 * 2**20
FIRST, LATER = 12, 12  # files before the disk fills, and files added once it is full
ARTICLE = (
    "Council approves the {n}th tram line\n\n"
    "The council in Leeds voted on Monday to build tram line {n}, after a debate that lasted "
    "{n} hours. Residents said the plan had been discussed for years.\n\n"
    "The mayor said work would start in spring and cost {n} million pounds.\n"
)


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    """A tmpfs of DISK_BYTES, unmounted after the test."""
    if os.geteuid() != 0:
        pytest.skip("mounting a tmpfs needs root")
    mount = tmp_path / "disk"
    mount.mkdir()
    size = f"size={DISK_BYTES}"
    made = subprocess.run(["mount", "-t", "tmpfs", "-o", size, "tmpfs", str(mount)], check=False)
    if made.returncode != 0:
        pytest.skip("this machine cannot mount a tmpfs")
    try:
        yield mount
    finally:
        subprocess.run(["umount", "-l", str(mount)], check=True)


def _write_articles(seeds: Path, numbers: range) -> None:
    seeds.mkdir(exist_ok=True)
    for n in numbers:
        (seeds / f"tram_{n:03d}.txt").write_text(ARTICLE.format(n=n))


def _fill(disk: Path) -> Path:
    """A file that takes every free byte of the disk."""
    filler = disk / "filler"
    with open(filler, "wb", buffering=0) as out:  # unbuffered: nothing left to fail at close
        chunk = b"\0" * 2**16
        with contextlib.suppress(OSError):
            while True:
                out.write(chunk)
    assert os.statvfs(disk).f_bavail == 0
    return filler


def _run(seeds: Path, data: Path, capsys: pytest.CaptureFixture) -> tuple[int, list[str]]:
    capsys.readouterr()
    code = corpus_main(["run", "--seeds", str(seeds), "--data", str(data), "--batch-docs", "4"])
    return code, capsys.readouterr().err.splitlines()


def _documents(data: Path) -> list[tuple[str, str]]:
    with connect(data) as con:
        return con.execute("SELECT doc_id, status FROM documents ORDER BY doc_id").fetchall()


@pytest.mark.parametrize("full", ["data files", "catalog"])
def test_a_full_disk_stops_the_run_in_one_line_and_the_next_run_completes(
    full: str,
    small_disk: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture,
    monkeypatch: pytest.MonkeyPatch,
):
    monkeypatch.setenv("CORPUS_MODEL", "blank:en")
    seeds = tmp_path / "seeds"
    if full == "data files":
        data = small_disk / "data"
    else:  # the catalog alone on the small disk, the data files beside the test's
        data = tmp_path / "data"
        data.mkdir()
        (small_disk / "catalog.sqlite").touch()
        (data / "catalog.sqlite").symlink_to(small_disk / "catalog.sqlite")
    _write_articles(seeds, range(FIRST))
    assert _run(seeds, data, capsys)[0] == 0
    before = _documents(data)
    assert len(before) == FIRST

    filler = _fill(small_disk)
    _write_articles(seeds, range(FIRST, FIRST + LATER))
    code, lines = _run(seeds, data, capsys)
    assert code == 1
    assert lines[0].startswith("corpus: ") and len(lines) == 2, lines
    assert lines[1].startswith("corpus run: the disk is full ("), lines
    assert "the lake is as it was before it; free some space and run again" in lines[1]
    assert _documents(data) == before
    assert assert_consistent(data) == FIRST

    filler.unlink()
    code, lines = _run(seeds, data, capsys)
    assert code == 0, lines
    assert assert_consistent(data) == FIRST + LATER
    assert _documents(data) == [(f"tram_{n:03d}.txt", "ok") for n in range(FIRST + LATER)]


def test_only_a_want_of_space_is_called_a_full_disk(tmp_path: Path):
    from pipeline.lake.space import LOW_SPACE_BYTES, full_disk

    places = [tmp_path]
    assert os.statvfs(tmp_path).f_bavail * os.statvfs(tmp_path).f_frsize > LOW_SPACE_BYTES
    assert full_disk(RuntimeError("Binder Error: no such column"), places) is None
    words = full_disk(RuntimeError("IO Error: ... No space left on device"), places)
    assert words is not None and "No space left on device" in str(words)
    by_errno = full_disk(OSError(errno.ENOSPC, "No space left on device"), places)
    assert by_errno is not None
