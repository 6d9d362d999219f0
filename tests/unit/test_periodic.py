"""The worker's one loop for periodic jobs: it runs a step until stopped, waits what the step asks if shorter, and
neither an unavailable database nor a defect ends it (the worker's other jobs and projections go on)."""

from __future__ import annotations

import asyncio
import logging

import pytest

from shared.periodic import every


async def test_a_step_that_fails_is_logged_and_run_again(caplog: pytest.LogCaptureFixture) -> None:
    stop = asyncio.Event()
    ran: list[int] = []

    async def step() -> float | None:
        ran.append(len(ran))
        if len(ran) == 1:
            raise OSError("database away")
        if len(ran) == 2:
            raise KeyError("a defect")
        if len(ran) == 4:
            stop.set()
        return 0.01  # sooner than the interval: the loop would otherwise wait an hour

    with caplog.at_level(logging.WARNING, logger="shared.periodic"):
        await asyncio.wait_for(every(3600, stop, "the test job", step, retry=0.01), timeout=10)
    assert ran == [0, 1, 2, 3]
    assert "the test job failed (OSError('database away'))" in caplog.text
    failed = [r for r in caplog.records if r.levelno == logging.ERROR]
    assert len(failed) == 1 and failed[0].exc_info is not None and failed[0].exc_info[0] is KeyError


async def test_stopping_ends_the_wait_at_once() -> None:
    stop = asyncio.Event()
    ran = 0

    async def step() -> None:
        nonlocal ran
        ran += 1

    job = asyncio.create_task(every(3600, stop, "the test job", step))
    await asyncio.sleep(0.05)
    stop.set()
    await asyncio.wait_for(job, timeout=5)
    assert ran == 1
