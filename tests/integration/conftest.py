from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from playwright.async_api import Browser, async_playwright

from shared.settings import Settings
from tests.browser.conftest import CHROMIUM, require
from tests.integration.system import System, with_http_port


@pytest.fixture
async def system(settings: Settings, tmp_path: Path) -> AsyncIterator[System]:
    """Demo city loaded, projector and web (ingest + analytics) running as subprocesses."""
    s = System(with_http_port(settings), tmp_path / "logs")
    await s.prepare()
    s.start_projector()
    s.start_web()
    yield s
    s.stop_all()


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
