from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from shared.settings import Settings
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
