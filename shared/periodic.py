"""The projector worker's periodic jobs (retention, the Matomo import, the monthly reports, the SDG transfer, the
measures' effects) run in one loop: a job's ``step`` runs every ``interval`` seconds until ``stop`` is set, or
sooner when the step asks for it (it returns a shorter wait, e.g. while the projections catch up with a due month).
A broker or database that is away is logged and tried again at the next check; any other failure is logged with
its traceback, and no job's failure takes the worker's other jobs (or its projections) down with it."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable

import asyncpg
from aiokafka.errors import KafkaError

log = logging.getLogger(__name__)

UNAVAILABLE = (OSError, TimeoutError, KafkaError, asyncpg.PostgresError, asyncpg.InterfaceError)


async def every(
    interval: float,
    stop: asyncio.Event,
    name: str,
    step: Callable[[], Awaitable[float | None]],
    retry: float | None = None,
) -> None:
    """Run ``step`` until ``stop`` is set: then wait ``interval`` seconds, or what ``step`` returned if shorter, or
    ``retry`` if it failed and that is shorter."""
    while not stop.is_set():
        wait = interval
        try:
            sooner = await step()
            if sooner is not None:
                wait = min(wait, sooner)
        except UNAVAILABLE as exc:
            log.warning("%s failed (%r); trying again at the next check", name, exc)
            wait = min(wait, retry or wait)
        except Exception:  # a defect: on the record, but the worker's other jobs go on
            log.exception("%s failed; trying again at the next check", name)
            wait = min(wait, retry or wait)
        try:
            await asyncio.wait_for(stop.wait(), wait)
        except TimeoutError:
            pass
