import asyncio

import asyncpg

from shared.db import migrate_url, migrations
from shared.settings import Settings


async def test_migrations_apply_once_even_when_run_concurrently_and_again(settings: Settings) -> None:
    first = await asyncio.gather(*(migrate_url(settings.database_url) for _ in range(3)))
    assert sorted(v for applied in first for v in applied) == [v for v, _, _ in migrations()]
    assert await migrate_url(settings.database_url) == []
    conn = await asyncpg.connect(settings.database_url)
    try:
        versions = await conn.fetch("SELECT version FROM schema_migration ORDER BY version")
        assert [r["version"] for r in versions] == [v for v, _, _ in migrations()]
    finally:
        await conn.close()
