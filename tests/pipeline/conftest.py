import subprocess
from collections.abc import Iterator

import pytest

from tests.pipeline.runs import kill_group


@pytest.fixture
def processes() -> Iterator[list[subprocess.Popen]]:
    """Every process a test starts is killed, with its group, however the test ends."""
    started: list[subprocess.Popen] = []
    try:
        yield started
    finally:
        for process in started:
            kill_group(process)
