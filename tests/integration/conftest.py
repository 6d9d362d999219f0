from __future__ import annotations

import asyncio
import contextlib
import os
import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import asyncpg
import pytest
from playwright.async_api import Browser, async_playwright

from shared.settings import Settings
from tests.browser.conftest import CHROMIUM, require
from tests.integration.system import System, with_http_port
from tests.unit.test_hackathon_mail import Inbox, catching_mail


@contextlib.asynccontextmanager
async def running(settings: Settings, logdir: Path, **changes: Any) -> AsyncIterator[System]:
    """Demo city loaded, projector and web (ingest + analytics) running as subprocesses; ``changes`` to settings."""
    s = System(with_http_port(settings).model_copy(update=changes), logdir)
    await s.prepare()
    s.start_projector()
    s.start_web()
    try:
        yield s
    finally:
        s.stop_all()


@pytest.fixture
async def system(settings: Settings, tmp_path: Path) -> AsyncIterator[System]:
    async with running(settings, tmp_path / "logs") as s:
        yield s


@pytest.fixture
async def mailing(settings: Settings, tmp_path: Path) -> AsyncIterator[tuple[System, Inbox]]:
    """The running system, its mail going to an in-process SMTP server (the hackathon's registration mails)."""
    with catching_mail() as (inbox, smtp):
        async with running(settings, tmp_path / "logs", **smtp) as s:
            yield s, inbox


def once(subject: str, broker: str = "kafka") -> pytest.MarkDecorator:
    """Run a test in one broker pass only (``broker``: ``kafka`` or ``tansu``): for tests whose subject does not
    depend on the broker (pages in a browser, sign-in, staff access rules, the HTTP contract). The flows they drive
    run against both brokers through the API, pipeline and end-to-end tests; running them twice would only spend the
    suite's time budget. The two passes run at once, so the longest of these go to the Tansu pass, which has fewer
    tests (``make integration`` ends when the slower pass does)."""
    return pytest.mark.skipif(
        os.environ.get("STADTSTIMME_TEST_BROKER", "kafka") != broker,
        reason=f"{subject} does not depend on the broker: run once, in the {broker} pass",
    )


BROWSER_ONCE = once("a page in a browser")

# Surveys under test: ingest re-reads them every 0.2 s (default 5 s), browsers may cache them for 1 s (default 60).
SURVEY_TIMING = {"survey_refresh_s": 0.2, "survey_cache_s": 1}


@pytest.fixture
async def survey_system(settings: Settings, tmp_path: Path) -> AsyncIterator[System]:
    async with running(settings, tmp_path / "logs", **SURVEY_TIMING) as s:
        yield s


# axe-core in the page: the ids of serious or critical violations of the given WCAG tags.
SERIOUS = """async (tags) => (await axe.run(document, {runOnly: {type: "tag", values: tags}})).violations
  .filter((v) => v.impact === "serious" || v.impact === "critical").map((v) => v.id)"""


@pytest.fixture
async def browser() -> AsyncIterator[Browser]:
    require(CHROMIUM.exists(), f"{CHROMIUM} is missing (apt-get install chromium)")
    async with async_playwright() as playwright:
        chromium = await playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=["--no-sandbox", "--headless=new", "--disable-gpu"]
        )
        yield chromium
        await chromium.close()


async def waits_for_a_lock(observer: asyncpg.Connection, pid: int, task: asyncio.Task[Any]) -> bool:
    """Whether the backend ``pid`` running ``task`` comes to wait for a lock (True) rather than finish (False);
    ``observer`` is another connection. Fails after 10 s of neither."""
    waiting = "SELECT wait_event_type = 'Lock' FROM pg_stat_activity WHERE pid = $1"
    deadline = time.monotonic() + 10
    while not task.done():
        if await observer.fetchval(waiting, pid):
            return True
        assert time.monotonic() < deadline, "neither waited nor finished"
        await asyncio.sleep(0.05)
    return False
