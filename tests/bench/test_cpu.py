"""CPU seconds between two moments, from inline samples of a parent and a worker."""

import os

import psutil
import pytest

from bench.cpu import CpuSample, CpuSamples, cpu_seconds, used_between

PARENT, WORKER = 1, 2
# The parent runs from the start; the worker appears between 1.0 and 2.0 and is gone by 4.0.
SAMPLES = [
    CpuSample(0.0, {PARENT: 0.0}),
    CpuSample(1.0, {PARENT: 0.8}),
    CpuSample(2.0, {PARENT: 1.0, WORKER: 0.5}),
    CpuSample(3.0, {PARENT: 1.1, WORKER: 1.5}),
    CpuSample(4.0, {PARENT: 1.2}),
]


def test_cpu_between_two_samples_is_their_difference():
    used = used_between(SAMPLES, 2.0, 3.0)

    assert used[PARENT] == pytest.approx(0.1)
    assert used[WORKER] == pytest.approx(1.0)


def test_cpu_grows_linearly_between_samples():
    used = used_between(SAMPLES, 0.5, 2.5)

    assert used[PARENT] == pytest.approx(1.05 - 0.4)
    # the worker had none at 1.0 (the sample before its first) and 1.0 by 2.5
    assert used[WORKER] == pytest.approx(1.0)


def test_a_process_keeps_its_cpu_after_its_last_sample():
    assert used_between(SAMPLES, 3.0, 10.0)[WORKER] == 0.0
    assert used_between(SAMPLES, 0.0, 10.0) == pytest.approx({PARENT: 1.2, WORKER: 1.5})


def test_before_the_first_sample_nothing_was_used():
    assert used_between(SAMPLES, -5.0, 0.0) == {PARENT: 0.0, WORKER: 0.0}
    assert used_between([], 0.0, 1.0) == {}


def test_the_sampler_sees_this_process_use_cpu():
    me = psutil.Process(os.getpid())
    with CpuSamples(lambda: [me], every=0.01) as cpu:
        sum(i * i for i in range(2_000_000))  # some CPU of our own
    first, last = cpu.samples[0], cpu.samples[-1]

    assert len(cpu.samples) >= 2
    assert last.seconds[me.pid] > first.seconds[me.pid]
    assert cpu_seconds([me])[me.pid] >= last.seconds[me.pid]
