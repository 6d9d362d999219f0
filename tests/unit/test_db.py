"""The database pool's errors as requests and consumers see them."""

from __future__ import annotations

from pathlib import Path

import pytest

from shared.consumer import TRANSIENT
from shared.db import create_pool
from shared.refusal import UNAVAILABLE
from shared.settings import Settings


async def test_a_server_whose_unix_socket_is_gone_is_the_database_away(tmp_path: Path) -> None:
    """PostgreSQL on a Unix socket, stopped or restarting: its socket file is gone. That is the database away (503
    with Retry-After, consumers wait), as a refused TCP connection is, not a FileNotFoundError that became a 500
    (found by the chaos suite while PostgreSQL restarted)."""
    pool = await create_pool(Settings(database_url=f"postgresql://postgres@/stadtstimme?host={tmp_path}"), min_size=0)
    try:
        with pytest.raises(ConnectionRefusedError) as raised:
            async with pool.acquire():
                pass
        assert isinstance(raised.value, UNAVAILABLE) and isinstance(raised.value, TRANSIENT)
    finally:
        await pool.close()
