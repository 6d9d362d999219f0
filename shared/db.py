"""PostgreSQL plumbing on asyncpg: connection pools and the schema migrations every service runs on start-up."""

from __future__ import annotations

import logging
import re
import secrets
from importlib import resources
from typing import Any

import asyncpg

from shared.settings import Settings

log = logging.getLogger(__name__)

# Any fixed number: all processes that migrate take this lock, so concurrent start-ups migrate once.
_MIGRATION_LOCK = 0x5757_0001
_MIGRATION_FILE = re.compile(r"^(\d{3})_([a-z0-9_]+)\.sql$")


async def _connect(*args: Any, **kwargs: Any) -> asyncpg.Connection:
    """asyncpg's connect, but a server on a Unix socket that is not there (PostgreSQL stopped or restarting: its
    socket file is gone) is a refused connection, as on TCP, instead of a FileNotFoundError: the database away, which
    requests answer with 503 and consumers wait out (``shared.refusal.UNAVAILABLE``, ``shared.consumer.TRANSIENT``)."""
    try:
        return await asyncpg.connect(*args, **kwargs)
    except FileNotFoundError as exc:
        raise ConnectionRefusedError(exc.errno, f"no PostgreSQL at its Unix socket: {exc.strerror}") from exc


async def create_pool(settings: Settings, min_size: int = 1) -> asyncpg.Pool:
    pool = await asyncpg.create_pool(
        settings.database_url,
        connect=_connect,
        min_size=min_size,
        max_size=settings.database_pool_size,
        # asyncpg prepares every statement; after five runs PostgreSQL may switch to a generic plan that
        # ignores the actual filter values (a URL range, a time window) and scans a whole read model.
        server_settings={"plan_cache_mode": "force_custom_plan"},
    )
    assert pool is not None
    return pool


def migrations() -> list[tuple[int, str, str]]:
    """(version, name, sql) of every migration shipped with the package, in order."""
    found = []
    for entry in resources.files("shared.migrations").iterdir():
        match = _MIGRATION_FILE.match(entry.name)
        if match:
            found.append((int(match.group(1)), match.group(2), entry.read_text(encoding="utf-8")))
    return sorted(found)


async def migrate(conn: asyncpg.Connection, timezone: str | None = None) -> list[int]:
    """Apply the migrations not applied yet, each in its own transaction; safe to run any number of times.
    ``timezone``: the city's (``Settings.timezone``), for migrations that fill day buckets; they read it as
    ``current_setting('stadtstimme.timezone', true)`` (set for each migration's transaction) and fall back to the
    settings' default, Europe/Berlin, when it is not given."""
    applied_now: list[int] = []
    await conn.execute("SELECT pg_advisory_lock($1)", _MIGRATION_LOCK)
    try:
        await conn.execute(
            """CREATE TABLE IF NOT EXISTS schema_migration (
                   version integer PRIMARY KEY,
                   name text NOT NULL,
                   applied_at timestamptz NOT NULL DEFAULT now())"""
        )
        done = {r["version"] for r in await conn.fetch("SELECT version FROM schema_migration")}
        for version, name, sql in migrations():
            if version in done:
                continue
            async with conn.transaction():
                if timezone is not None:
                    await conn.execute("SELECT set_config('stadtstimme.timezone', $1, true)", timezone)
                await conn.execute(sql)
                await conn.execute("INSERT INTO schema_migration (version, name) VALUES ($1, $2)", version, name)
            log.info("applied migration %03d_%s", version, name)
            applied_now.append(version)
    finally:
        await conn.execute("SELECT pg_advisory_unlock($1)", _MIGRATION_LOCK)
    return applied_now


async def migrate_url(database_url: str, timezone: str | None = None) -> list[int]:
    conn = await asyncpg.connect(database_url)
    try:
        return await migrate(conn, timezone)
    finally:
        await conn.close()


class Params:
    """Positional parameters of a statement built from optional filters: ``p(value)`` adds a value and returns
    its placeholder (``$n``), so values never enter the SQL text."""

    def __init__(self, *initial: object) -> None:
        self.values: list[object] = list(initial)

    def __call__(self, value: object) -> str:
        self.values.append(value)
        return f"${len(self.values)}"


async def installation_secret(conn: asyncpg.Connection, name: str) -> bytes:
    """A secret the installation makes for itself once (32 random bytes), the same for every instance of every
    service: the deletion codes' keyed hash, the proof-of-work signatures."""
    await conn.execute(
        "INSERT INTO installation_secret (name, secret) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING",
        name,
        secrets.token_bytes(32),
    )
    secret: bytes = await conn.fetchval("SELECT secret FROM installation_secret WHERE name = $1", name)
    return bytes(secret)


def like_prefix(prefix: str) -> str:
    """A LIKE pattern matching everything that starts with ``prefix`` (its own wildcards escaped)."""
    return prefix.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
