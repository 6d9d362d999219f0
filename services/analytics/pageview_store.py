"""SQL of the page views: the projection of ``PageViewsImported`` (``page_view_daily``, ``page_view_day``, the
archive ``page_view_event``), the uploads waiting for confirmation, the Matomo import's state, and what the console
lists."""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import asyncpg

from shared.contracts.pageviews import PageViewsImportedV1


@dataclass(frozen=True)
class PageViewRow:
    """One ``PageViewsImported`` event as the projection applies it."""

    event_id: uuid.UUID
    data: PageViewsImportedV1
    envelope: str


async def lock_sites(conn: asyncpg.Connection, sites: Iterable[str]) -> None:
    """Hold the page views of these sites until the transaction ends, taken in one order: an import writing through
    and the projector applying the same events wait for each other instead of deadlocking on their rows."""
    for site in sorted(set(sites)):
        await conn.execute("SELECT pg_advisory_xact_lock(hashtext('stadtstimme.pageviews'), hashtext($1))", site)


async def apply_imports(conn: asyncpg.Connection, rows: Sequence[PageViewRow]) -> None:
    """Project ``PageViewsImported`` events, in topic order: the first part of an import empties the site's day,
    every part adds its pages. Idempotent by event id (the archive ``page_view_event``). In a transaction: the
    sites' locks (``lock_sites``) are held until it ends."""
    await lock_sites(conn, (row.data.site_id for row in rows))
    for row in rows:
        d = row.data
        new = await conn.fetchval(
            """INSERT INTO page_view_event (event_id, site_id, day, import_id, envelope) VALUES ($1, $2, $3, $4, $5)
               ON CONFLICT (event_id) DO NOTHING RETURNING true""",
            row.event_id, d.site_id, d.day, d.import_id, row.envelope,
        )  # fmt: skip
        if not new:
            continue
        holder = await conn.fetchval("SELECT import_id FROM page_view_day WHERE site_id = $1 AND day = $2",
                                     d.site_id, d.day)  # fmt: skip
        if holder != d.import_id:
            await conn.execute("DELETE FROM page_view_daily WHERE site_id = $1 AND day = $2", d.site_id, d.day)
            await conn.execute(
                """INSERT INTO page_view_day (site_id, day, import_id, source, source_name, actor, imported_at)
                   VALUES ($1, $2, $3, $4, $5, $6, $7)
                   ON CONFLICT (site_id, day) DO UPDATE SET import_id = excluded.import_id,
                       source = excluded.source, source_name = excluded.source_name, actor = excluded.actor,
                       imported_at = excluded.imported_at""",
                d.site_id, d.day, d.import_id, d.source, d.source_name, d.actor, d.imported_at,
            )  # fmt: skip
        if d.pages:
            await conn.execute(
                """INSERT INTO page_view_daily (page_url, day, site_id, views, source, imported_at, import_id)
                   SELECT url, $2, $3, views, $4, $5, $6 FROM unnest($1::text[], $7::bigint[]) AS p(url, views)
                   ON CONFLICT (page_url, day) DO UPDATE SET views = excluded.views, site_id = excluded.site_id,
                       source = excluded.source, imported_at = excluded.imported_at, import_id = excluded.import_id""",
                [p.page_url for p in d.pages], d.day, d.site_id, d.source, d.imported_at, d.import_id,
                [p.views for p in d.pages],
            )  # fmt: skip


async def recent_imports(conn: asyncpg.Connection, limit: int = 20) -> list[dict[str, Any]]:
    """The imports that hold days now, newest first: site, source, period, page views (the console's list)."""
    rows = await conn.fetch(
        """SELECT d.import_id, d.site_id, d.source, d.source_name, d.actor, d.imported_at, min(d.day) AS first_day,
                  max(d.day) AS last_day, count(*) AS days,
                  coalesce((SELECT sum(v.views) FROM page_view_daily v WHERE v.import_id = d.import_id), 0) AS views
           FROM page_view_day d GROUP BY d.import_id, d.site_id, d.source, d.source_name, d.actor, d.imported_at
           ORDER BY d.imported_at DESC, d.site_id LIMIT $1""",
        limit,
    )
    return [dict(r) for r in rows]


async def fetch_states(conn: asyncpg.Connection) -> list[dict[str, Any]]:
    """The scheduled Matomo import's last run per Matomo site."""
    return [dict(r) for r in await conn.fetch("SELECT * FROM page_view_fetch ORDER BY matomo_site")]
