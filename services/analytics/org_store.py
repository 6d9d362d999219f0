"""SQL of the organisation model's projection: ``org_unit``, ``site``, ``site_section`` and ``page`` from the events
of ``stadtstimme.org.v1`` (the projector and the commands' write-through use the same ``apply_events``), the
archive ``org_event``, and the revisions the commands count on. Reading the model is ``shared.orgmodel``'s."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass

import asyncpg

from services.analytics.org_domain import Subject, applies, page_of, site_of, subject_of, unit_of
from shared.contracts.org import OrgEvent, OrgUnitSavedV1, PageSavedV2, SiteSavedV2
from shared.orgmodel import NO_ATTRIBUTES, Page, PageAttributes, Site, attributes_of_row


@dataclass(frozen=True)
class OrgRow:
    """One org event as the projection applies it."""

    event_id: uuid.UUID
    event_type: str
    data: OrgEvent
    envelope: str


async def revisions(conn: asyncpg.Connection) -> dict[Subject, int]:
    """The revision of every unit, site and page (0: stored before the model became events)."""
    rows = await conn.fetch(
        """SELECT 'unit' AS kind, id, revision FROM org_unit UNION ALL SELECT 'site', id, revision FROM site
           UNION ALL SELECT 'page', url, revision FROM page"""
    )
    return {(r["kind"], r["id"]): r["revision"] for r in rows}


async def has_events(conn: asyncpg.Connection) -> bool:
    return bool(await conn.fetchval("SELECT EXISTS (SELECT 1 FROM org_event)"))


# The org model's transaction-level lock: its commands (``services.analytics.org.execute``) and every application of
# its events take it first, so they never meet on the tables' rows in different orders.
ORG_LOCK = "SELECT pg_advisory_xact_lock(hashtext('stadtstimme.org'))"


async def apply_events(conn: asyncpg.Connection, rows: Sequence[OrgRow]) -> int:
    """Apply org events in topic order (``org_domain.applies``: a later revision wins, the same state again
    changes nothing); archive each once. Returns how many changed the tables (and then moves the model's
    revision on, which tells ingest to re-read it).

    Under the org model's lock (``ORG_LOCK``), the one the console's commands hold while they publish and apply:
    the projector applying an event again would otherwise lock a unit's row and then its site's, while a command
    holds the site's and needs the unit's for the foreign key, and one of them died of a deadlock (CI saw the
    console's site form answer 500)."""
    await conn.execute(ORG_LOCK)
    changed = 0
    for row in rows:
        d = row.data
        kind, key = subject_of(d)
        await conn.execute(
            """INSERT INTO org_event (event_id, type, subject, revision, envelope) VALUES ($1, $2, $3, $4, $5)
               ON CONFLICT (event_id) DO NOTHING""",
            row.event_id, row.event_type, f"{kind}:{key}", d.revision, row.envelope,
        )  # fmt: skip
        if isinstance(d, OrgUnitSavedV1):
            changed += await _unit(conn, d)
        elif isinstance(d, SiteSavedV2):
            changed += await _site(conn, d)
        else:
            changed += await _page(conn, d)
    if changed:
        await conn.execute("UPDATE org_model_revision SET revision = revision + 1")
    return changed


async def _unit(conn: asyncpg.Connection, d: OrgUnitSavedV1) -> bool:
    stored = await conn.fetchrow("SELECT name, kind, parent_id, revision FROM org_unit WHERE id = $1 FOR UPDATE",
                                 d.unit_id)  # fmt: skip
    state = (stored["name"], stored["kind"], stored["parent_id"]) if stored else None
    if not applies(stored["revision"] if stored else None, state, d.revision, (d.name, d.kind, d.parent)):
        return False
    unit = unit_of(d)
    await conn.execute(
        """INSERT INTO org_unit (id, name, kind, parent_id, revision) VALUES ($1, $2, $3, $4, $5)
           ON CONFLICT (id) DO UPDATE SET name = excluded.name, kind = excluded.kind, parent_id = excluded.parent_id,
               revision = excluded.revision""",
        unit.id, unit.name, unit.kind, unit.parent, d.revision,
    )  # fmt: skip
    return True


async def _site(conn: asyncpg.Connection, d: SiteSavedV2) -> bool:
    stored = await conn.fetchrow("SELECT name, org_unit_id, origins, revision FROM site WHERE id = $1 FOR UPDATE",
                                 d.site_id)  # fmt: skip
    site = site_of(d)
    state = None
    if stored is not None:
        sections = await conn.fetch(
            """SELECT path_prefix, org_unit_id, service_key, sdg_kind, sdg_procedure FROM site_section
               WHERE site_id = $1 ORDER BY path_prefix""",
            d.site_id,
        )
        marked = tuple((s["path_prefix"], a) for s in sections if (a := attributes_of_row(s)))
        state = Site(d.site_id, stored["name"], stored["org_unit_id"], tuple(stored["origins"]),
                     tuple(sorted((s["path_prefix"], s["org_unit_id"]) for s in sections)), marked)  # fmt: skip
    if not applies(stored["revision"] if stored else None, state, d.revision, site):
        return False
    await conn.execute(
        """INSERT INTO site (id, name, org_unit_id, origins, revision) VALUES ($1, $2, $3, $4, $5)
           ON CONFLICT (id) DO UPDATE SET name = excluded.name, org_unit_id = excluded.org_unit_id,
               origins = excluded.origins, revision = excluded.revision""",
        site.id, site.name, site.org_unit, list(site.origins), d.revision,
    )  # fmt: skip
    await conn.execute("DELETE FROM site_section WHERE site_id = $1", site.id)
    attributes = dict(site.section_attributes)
    await conn.executemany(
        """INSERT INTO site_section (site_id, path_prefix, org_unit_id, service_key, sdg_kind, sdg_procedure)
           VALUES ($1, $2, $3, $4, $5, $6)""",
        [(site.id, prefix, unit, *_columns(attributes.get(prefix, NO_ATTRIBUTES))) for prefix, unit in site.sections],
    )
    return True


def _columns(a: PageAttributes) -> tuple[str | None, str | None, str | None]:
    return a.service_key, a.sdg_kind, a.sdg_procedure


async def _page(conn: asyncpg.Connection, d: PageSavedV2) -> bool:
    stored = await conn.fetchrow(
        """SELECT site_id, title, service_key, sdg_kind, sdg_procedure, revision FROM page WHERE url = $1
           FOR UPDATE""",
        d.url,
    )
    page = page_of(d)
    state = Page(d.url, stored["site_id"], stored["title"], attributes_of_row(stored)) if stored else None
    if not applies(stored["revision"] if stored else None, state, d.revision, page):
        return False
    await conn.execute(
        """INSERT INTO page (url, site_id, title, revision, service_key, sdg_kind, sdg_procedure)
           VALUES ($1, $2, $3, $4, $5, $6, $7)
           ON CONFLICT (url) DO UPDATE SET site_id = excluded.site_id, title = excluded.title,
               revision = excluded.revision, service_key = excluded.service_key, sdg_kind = excluded.sdg_kind,
               sdg_procedure = excluded.sdg_procedure""",
        page.url, page.site, page.title, d.revision, *_columns(page.attributes),
    )  # fmt: skip
    return True
