"""SQL of the measures: the projection of ``stadtstimme.measures.v1`` into ``measure`` (the projector and the commands'
write-through use the same ``apply_events``), its archive ``measure_event``, reading measures, counting the feedback
of their pages in a window, and the effect last computed (``measure_effect``, behind the published view
``measure_outcome``)."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any
from zoneinfo import ZoneInfo

import asyncpg
import orjson

from services.analytics.measure_domain import Counts, Measure, Windows
from shared.contracts.measures import MeasureEvent, MeasurePublishedV1, MeasureSavedV1

# A response is counted for a measure where its page is one of the measure's pages, or on the measure's site under
# its path prefix (as the org model's sections match: the prefix itself or below it, "/" for the whole site).
# Flagged parts and barrier reports on their own never reach feedback_response (the projector applies
# shared.contracts.feedback.counts_in_figures, like every other figure); a response that answered the question and
# also chose the category "Barriere melden" counts here as it does on the dashboards, in reports and open data.
_COUNT = """
SELECT r.first_at >= $4 AS after, count(*) AS responses, count(*) FILTER (WHERE r.helpful) AS helpful_yes,
       count(*) FILTER (WHERE NOT r.helpful) AS helpful_no, count(r.rating) AS rating_count,
       coalesce(sum(r.rating), 0) AS rating_sum, coalesce(sum(r.rating * r.rating), 0) AS rating_squares
FROM feedback_response r
WHERE r.first_at >= $3 AND r.first_at < $5
  AND (r.page_url = ANY($1::text[])
       OR (r.site_id = $2 AND (
           rtrim($6::text, '/') = ''
           OR substring(r.page_url FROM '^[a-z]+://[^/]+(/.*)?$') = rtrim($6::text, '/')
           OR starts_with(substring(r.page_url FROM '^[a-z]+://[^/]+(/.*)?$'), rtrim($6::text, '/') || '/'))))
GROUP BY 1
"""


@dataclass(frozen=True)
class MeasureRow:
    """One measure event as the projection applies it."""

    event_id: uuid.UUID
    event_type: str
    data: MeasureEvent
    envelope: str


@dataclass(frozen=True)
class StoredMeasure:
    measure: Measure
    revision: int
    created_at: datetime
    saved_by: str
    saved_at: datetime
    published_at: datetime | None
    published_by: str | None


async def apply_events(conn: asyncpg.Connection, rows: Sequence[MeasureRow]) -> int:
    """Apply measure events in topic order, each once (by event id): a saved measure unless a later revision is
    stored, a publication, a withdrawal. Returns how many were new."""
    applied = 0
    for row in rows:
        d = row.data
        new = await conn.fetchval(
            """INSERT INTO measure_event (event_id, measure_id, type, envelope) VALUES ($1, $2, $3, $4)
               ON CONFLICT (event_id) DO NOTHING RETURNING true""",
            row.event_id, d.measure_id, row.event_type, row.envelope,
        )  # fmt: skip
        if not new:
            continue
        applied += 1
        if isinstance(d, MeasureSavedV1):
            await _saved(conn, d)
        elif isinstance(d, MeasurePublishedV1):
            await conn.execute("UPDATE measure SET published_at = $2, published_by = $3 WHERE measure_id = $1",
                               d.measure_id, d.at, d.by)  # fmt: skip
        else:
            await conn.execute("UPDATE measure SET published_at = NULL, published_by = NULL WHERE measure_id = $1",
                               d.measure_id)  # fmt: skip
            await conn.execute("DELETE FROM measure_effect WHERE measure_id = $1", d.measure_id)
    return applied


async def _saved(conn: asyncpg.Connection, d: MeasureSavedV1) -> None:
    await conn.execute(
        """INSERT INTO measure AS m (measure_id, revision, org_unit_id, title_de, title_en, description_de,
               description_en, pages, site_id, path_prefix, theme, live_on, window_days, comment_ids, hackathon_id,
               challenge_id, submission_id, created_at, saved_by, saved_at)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $18)
           ON CONFLICT (measure_id) DO UPDATE SET revision = excluded.revision, org_unit_id = excluded.org_unit_id,
               title_de = excluded.title_de, title_en = excluded.title_en, description_de = excluded.description_de,
               description_en = excluded.description_en, pages = excluded.pages, site_id = excluded.site_id,
               path_prefix = excluded.path_prefix, theme = excluded.theme, live_on = excluded.live_on,
               window_days = excluded.window_days, comment_ids = excluded.comment_ids,
               hackathon_id = excluded.hackathon_id, challenge_id = excluded.challenge_id,
               submission_id = excluded.submission_id, saved_by = excluded.saved_by, saved_at = excluded.saved_at
           WHERE m.revision < excluded.revision""",
        d.measure_id, d.revision, d.org_unit, d.title_de, d.title_en, d.description_de, d.description_en,
        list(d.pages), d.site_id, d.path_prefix, d.theme, d.live_on, d.window_days, list(d.comment_ids),
        d.hackathon_id, d.challenge_id, d.submission_id, d.saved_at, d.saved_by,
    )  # fmt: skip


def _stored(r: asyncpg.Record) -> StoredMeasure:
    measure = Measure(
        measure_id=r["measure_id"], org_unit=r["org_unit_id"], title_de=r["title_de"], title_en=r["title_en"],
        description_de=r["description_de"], description_en=r["description_en"], live_on=r["live_on"],
        pages=tuple(r["pages"]), site=r["site_id"], path_prefix=r["path_prefix"], theme=r["theme"],
        window_days=r["window_days"], comment_ids=tuple(r["comment_ids"]), hackathon_id=r["hackathon_id"],
        challenge_id=r["challenge_id"], submission_id=r["submission_id"],
    )  # fmt: skip
    return StoredMeasure(measure, r["revision"], r["created_at"], r["saved_by"], r["saved_at"], r["published_at"],
                         r["published_by"])  # fmt: skip


async def fetch(conn: asyncpg.Connection, measure_id: uuid.UUID) -> StoredMeasure | None:
    row = await conn.fetchrow("SELECT * FROM measure WHERE measure_id = $1", measure_id)
    return None if row is None else _stored(row)


async def listed(
    conn: asyncpg.Connection, units: frozenset[str] | None, *, published: bool = False, unit: str | None = None
) -> list[StoredMeasure]:
    """Measures of ``units`` (None: all), newest go-live first; only published ones with ``published``, only one
    unit's with ``unit``."""
    rows = await conn.fetch(
        """SELECT * FROM measure WHERE ($1::text[] IS NULL OR org_unit_id = ANY($1::text[]))
             AND (NOT $2 OR published_at IS NOT NULL) AND ($3::text IS NULL OR org_unit_id = $3)
           ORDER BY live_on DESC, created_at DESC""",
        None if units is None else sorted(units), published, unit,
    )  # fmt: skip
    return [_stored(r) for r in rows]


def _start_of(day: date, tz: ZoneInfo) -> datetime:
    return datetime.combine(day, time(), tzinfo=tz)


async def counts(conn: asyncpg.Connection, m: Measure, w: Windows, timezone: str) -> tuple[Counts, Counts]:
    """The feedback of the measure's pages in the window before and the window after go-live (days in the city's
    time zone)."""
    tz = ZoneInfo(timezone)
    found = {False: Counts(), True: Counts()}
    if w.days == 0:
        return found[False], found[True]
    rows = await conn.fetch(_COUNT, list(m.pages), m.site, _start_of(w.before_start, tz), _start_of(w.live_on, tz),
                            _start_of(w.after_end, tz), m.path_prefix or "/")  # fmt: skip
    for r in rows:
        found[r["after"]] = Counts(r["responses"], r["helpful_yes"], r["helpful_no"], r["rating_count"],
                                   r["rating_sum"], r["rating_squares"])  # fmt: skip
    return found[False], found[True]


async def store_effect(conn: asyncpg.Connection, measure_id: uuid.UUID, figures: dict[str, Any]) -> None:
    """The effect as last computed, for the published view ``measure_outcome`` (written only when it changed: the
    public page computes it on every request)."""
    await conn.execute(
        """INSERT INTO measure_effect (measure_id, computed_at, figures) VALUES ($1, now(), $2::jsonb)
           ON CONFLICT (measure_id) DO UPDATE SET computed_at = now(), figures = excluded.figures
           WHERE measure_effect.figures IS DISTINCT FROM excluded.figures""",
        measure_id, orjson.dumps(figures).decode(),
    )  # fmt: skip


async def known_comments(
    conn: asyncpg.Connection, ids: Sequence[uuid.UUID], units: frozenset[str] | None
) -> set[uuid.UUID]:
    """Which of ``ids`` are comments in the inbox of ``units`` (None: every unit's)."""
    rows = await conn.fetch(
        """SELECT response_id FROM comment_inbox WHERE response_id = ANY($1::uuid[])
             AND ($2::text[] IS NULL OR org_unit_id = ANY($2::text[]))""",
        list(ids), None if units is None else sorted(units),
    )  # fmt: skip
    return {r["response_id"] for r in rows}
