"""SQL of the comment inbox (migration 007): applying triage events, and reading the inbox.

The projector and the console's commands write through ``apply_triage``, inside the caller's transaction, so a
replay of the triage topic produces exactly what the commands produced.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from uuid import UUID

import asyncpg
from prometheus_client import Counter

from services.analytics.triage_domain import TriageState
from shared.contracts.triage import (
    CommentAssignedV1,
    CommentMovedV1,
    CommentNoteAddedV1,
    CommentNoteAddedV2,
    CommentSpamReviewedV1,
    CommentStatusChangedV1,
    CommentTagsChangedV1,
    TriageEvent,
)
from shared.db import Params, like_prefix
from shared.shredding import secrets_of, unseal

log = logging.getLogger(__name__)
SEQUENCE_CONFLICTS = Counter(
    "stadtstimme_triage_sequence_conflicts_total", "Triage events not applied: their place was taken"
)


@dataclass(frozen=True)
class TriageRow:
    event_id: UUID
    event_type: str
    data: TriageEvent
    envelope: str


async def apply_triage(conn: asyncpg.Connection, rows: Sequence[TriageRow]) -> int:
    """Apply triage events in order; an event already archived (same id, or same comment and sequence) is
    skipped, and a comment's state only moves forward in sequence. Returns how many were new."""
    applied = 0
    for row in rows:
        d = row.data
        fresh = await conn.fetchval(
            """INSERT INTO comment_triage_event (event_id, response_id, sequence, event_type, at, actor, envelope)
               VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT DO NOTHING RETURNING true""",
            row.event_id,
            d.response_id,
            d.sequence,
            row.event_type,
            d.at,
            d.actor,
            row.envelope,
        )
        if not fresh:
            other = await conn.fetchval(
                "SELECT event_id FROM comment_triage_event WHERE response_id = $1 AND sequence = $2",
                d.response_id,
                d.sequence,
            )
            if other is not None and other != row.event_id:
                SEQUENCE_CONFLICTS.inc()
                log.error("comment %s: triage event %s conflicts with %s at sequence %d; not applied",
                          d.response_id, row.event_id, other, d.sequence)  # fmt: skip
            continue
        applied += 1
        # The state row: created by the first event, then each event sets what it changes.
        status: str | None = None
        verdict: str | None = None
        if isinstance(d, CommentStatusChangedV1):
            status = d.status
        elif isinstance(d, CommentSpamReviewedV1):
            verdict = d.verdict
            status = "spam" if d.verdict == "confirmed" else "neu"
        elif isinstance(d, CommentMovedV1):
            status = "neu"  # and unassigned: the new unit takes it up
        # Every event names the comment's unit at its time; a hand-over names the new one.
        await conn.execute(
            """INSERT INTO comment_triage AS t (response_id, org_unit_id, status, assignee, tags, verdict, sequence,
                                               updated_at, updated_by)
               VALUES ($1, $2, coalesce($3, 'neu'), $4, coalesce($5::text[], '{}'), $6, $7, $8, $9)
               ON CONFLICT (response_id) DO UPDATE SET
                   org_unit_id = $2,
                   status = coalesce($3, t.status),
                   assignee = CASE WHEN $10 THEN $4 ELSE t.assignee END,
                   tags = coalesce($5::text[], t.tags),
                   verdict = coalesce($6, t.verdict),
                   sequence = $7, updated_at = $8, updated_by = $9
               WHERE t.sequence < $7""",
            d.response_id,
            d.org_unit,
            status,
            d.assignee if isinstance(d, CommentAssignedV1) else None,
            list(d.tags) if isinstance(d, CommentTagsChangedV1) else None,
            verdict,
            d.sequence,
            d.at,
            d.actor,
            isinstance(d, CommentAssignedV1 | CommentMovedV1),
        )
        if isinstance(d, CommentNoteAddedV1 | CommentNoteAddedV2) and (body := await _note_text(conn, d)) is not None:
            await conn.execute(
                """INSERT INTO comment_note (note_id, response_id, author, at, body) VALUES ($1, $2, $3, $4, $5)
                   ON CONFLICT DO NOTHING""",
                d.note_id,
                d.response_id,
                d.actor,
                d.at,
                body,
            )
    return applied


async def _note_text(conn: asyncpg.Connection, note: CommentNoteAddedV1 | CommentNoteAddedV2) -> str | None:
    """A note's text: opened with its key (v2; None once the key is erased), or as it was published (v1)."""
    if isinstance(note, CommentNoteAddedV1):
        return note.text
    return unseal((await secrets_of(conn, [note.note_id])).get(note.note_id), note.text, "text")


# ---- Reading ----

# Comments as staff see them (the view comment_inbox, migration 023): with their triage state and the unit they
# belong to now (a handed-over comment its new unit's, else its page's).
_VIEW_COLUMNS = """i.response_id, i.org_unit_id, i.page_org_unit_id, i.site_id, i.page_url, i.received_at,
    i.language, i.helpful, i.rating, i.category, i.comment, i.suggestion, i.flags, i.status, i.assignee, i.tags,
    i.verdict, i.sequence, i.updated_at, i.updated_by"""
_ITEM_COLUMNS = f"{_VIEW_COLUMNS}, o.name AS org_unit_name, pg.title AS page_title"
_ITEM_FROM = """comment_inbox i JOIN org_unit o ON o.id = i.org_unit_id LEFT JOIN page pg ON pg.url = i.page_url"""
# Suspected automation waits in its own view until staff confirm or release it.
SUSPECTED = "(cardinality(i.flags) > 0 AND i.verdict IS NULL AND i.status <> 'spam')"


@dataclass(frozen=True)
class InboxFilter:
    """What staff narrowed the inbox to; every field is optional. ``view`` "suspected" shows only suspected
    automation, "inbox" everything else."""

    view: str = "inbox"
    statuses: tuple[str, ...] = ("neu", "in_bearbeitung")
    unit: str | None = None
    site: str | None = None
    url_prefix: str | None = None
    category: str | None = None
    tag: str | None = None
    assignee: str | None = None
    query: str | None = None
    since: datetime | None = None
    until: datetime | None = None


def _scope(f: InboxFilter, units: frozenset[str] | None, suspected: str) -> tuple[list[str], Params]:
    """The conditions of view, statuses, unit, site, URL prefix and category (``suspected``: the expression that says
    a row is suspected), with their placeholders: the start of ``_where``, and all of the rollups'
    (``_counted_where``)."""
    clauses = [suspected if f.view == "suspected" else f"NOT {suspected}"]
    arg = Params()
    if units is not None:
        clauses.append(f"i.org_unit_id = ANY({arg(sorted(units))}::text[])")
    if f.view != "suspected" and f.statuses:
        clauses.append(f"i.status = ANY({arg(list(f.statuses))}::text[])")
    if f.unit:
        clauses.append(f"i.org_unit_id = {arg(f.unit)}")
    if f.site:
        clauses.append(f"i.site_id = {arg(f.site)}")
    if f.url_prefix:
        clauses.append(f"i.page_url LIKE {arg(like_prefix(f.url_prefix))}")
    if f.category:
        clauses.append(f"i.category = {arg(f.category)}")
    return clauses, arg


def _where(f: InboxFilter, units: frozenset[str] | None) -> tuple[str, list[Any]]:
    clauses, arg = _scope(f, units, SUSPECTED)
    if f.tag:
        clauses.append(f"i.tags @> ARRAY[{arg(f.tag)}::text]")
    if f.assignee == "-":
        clauses.append("i.assignee IS NULL")
    elif f.assignee:
        clauses.append(f"i.assignee = {arg(f.assignee)}")
    if f.query:
        clauses.append(f"i.search @@ websearch_to_tsquery('german', {arg(f.query)})")
    if f.since:
        clauses.append(f"i.received_at >= {arg(f.since)}")
    if f.until:
        clauses.append(f"i.received_at < {arg(f.until)}")
    return " AND ".join(clauses), arg.values


async def inbox(
    conn: asyncpg.Connection, f: InboxFilter, units: frozenset[str] | None, limit: int, offset: int = 0
) -> tuple[list[asyncpg.Record], int]:
    """One page of the inbox, newest first (best match first when searching), and how many match in all."""
    count_sql, page_sql, args = inbox_statements(f, units, limit, offset)
    total = await conn.fetchval(count_sql, *args)
    rows = await conn.fetch(page_sql, *args)
    return rows, total


def inbox_statements(
    f: InboxFilter,
    units: frozenset[str] | None,
    limit: int,
    offset: int = 0,
    ranks: bool = False,
    titles: bool = True,
) -> tuple[str, str, list[Any]]:
    """``inbox``'s two statements (how many match, the page) and their arguments, e.g. to read the page through a
    cursor; with ``ranks``, a search's page also has its ``rank`` column (``inbox_order`` orders by it); without
    ``titles``, the page has no ``page_title``."""
    where, args = _where(f, units)
    rank = ""
    if f.query:
        rank = f"ts_rank(i.search, websearch_to_tsquery('german', ${args.index(f.query) + 1}))"
    source = _TRIAGED if _triaged_only(f) else "comment_inbox"
    if _counted(f):
        rollup = "comment_count_page" if f.site or f.url_prefix or f.category else "comment_count"
        count_sql = f"""SELECT coalesce(sum(i.n), 0)::bigint FROM {rollup} i JOIN org_unit o ON o.id = i.org_unit_id
            WHERE {_counted_where(f, units)}"""
    else:
        count_sql = f"SELECT count(*) FROM {source} i JOIN org_unit o ON o.id = i.org_unit_id WHERE {where}"
    return count_sql, inbox_page_sql(where, rank, limit, offset, source, ranks, titles), args


# The rollup comment_count (migration 046): how many comments per unit (now), status and suspected or not, kept by
# triggers; a key's count is the sum of its rows. Joined to org_unit like the inbox, whose comments of units
# without an org_unit row do not show. comment_count_page (migration 049) has the same key plus site, page and
# category: the inbox filtered by those sums its rows.
_COUNTED = """(SELECT c.org_unit_id, c.status, c.suspected, sum(c.n) AS n FROM comment_count c
    JOIN org_unit o ON o.id = c.org_unit_id GROUP BY 1, 2, 3)"""


def _counted(f: InboxFilter) -> bool:
    """Whether the rollups answer how many comments pass the filter: they narrow by view, statuses, unit, site, URL
    prefix and category. Any other filter (tag, assignee, search, time) counts the matching comments."""
    return not (f.tag or f.assignee or f.query or f.since or f.until)


def _counted_where(f: InboxFilter, units: frozenset[str] | None) -> str:
    """``_where`` for the rollups' rows: the same conditions with the same placeholders, in the same order."""
    clauses, _ = _scope(f, units, "i.suspected")
    return " AND ".join(clauses)


# comment_inbox (migration 023) for the comments staff have triaged only: its rows with a comment_triage row, whose
# columns are all NOT NULL, so the view's coalesce() give the triage's own values. A filter that only such rows can
# pass reads them from here, driven by the small comment_triage table and its indexes, instead of walking every
# comment (the newest first) in search of a few.
_TRIAGED = """(SELECT i.response_id, t.org_unit_id, i.org_unit_id AS page_org_unit_id, i.site_id, i.page_url,
    i.received_at, i.language, i.helpful, i.rating, i.category, i.comment, i.suggestion, i.flags, i.search,
    t.status, t.assignee, t.tags, t.verdict, t.sequence, t.updated_at, t.updated_by
    FROM comment_triage t JOIN comment_item i ON i.response_id = t.response_id)"""


def _triaged_only(f: InboxFilter) -> bool:
    """Whether only triaged comments can pass the filter: a tag, a named assignee, or statuses without "neu" (an
    untriaged comment has no tags, no assignee and the status "neu")."""
    statuses = f.view != "suspected" and f.statuses and "neu" not in f.statuses
    return bool(f.tag or f.assignee not in (None, "-") or statuses)


def inbox_order(ranked: bool) -> str:
    """The inbox's order over its page's columns: best search rank first (with a search), then newest first."""
    return ("rank DESC, " if ranked else "") + "received_at DESC, response_id"


def inbox_page_sql(
    where: str,
    rank: str,
    limit: int,
    offset: int,
    source: str = "comment_inbox",
    ranks: bool = False,
    titles: bool = True,
) -> str:
    """One page of the inbox (best ``rank`` first if given, then newest first), with the page titles looked up
    for that page only: the same rows as ``SELECT {_ITEM_COLUMNS} FROM {_ITEM_FROM} WHERE … ORDER BY … LIMIT …``,
    whose planner joined every matching comment to its page before sorting (380 ms at 200,000 comments). Without
    ``titles``, no ``page_title`` and no join to the pages (the CSV does not print them)."""
    order = inbox_order(bool(rank))
    inner = f"{_VIEW_COLUMNS}, o.name AS org_unit_name" + (f", {rank} AS rank" if rank else "")
    if not titles:
        return f"""SELECT {inner} FROM {source} i JOIN org_unit o ON o.id = i.org_unit_id WHERE {where}
            ORDER BY {order} LIMIT {int(limit)} OFFSET {int(offset)}"""
    return f"""SELECT {_VIEW_COLUMNS}, i.org_unit_name, pg.title AS page_title{", i.rank" if rank and ranks else ""}
        FROM (SELECT {inner} FROM {source} i JOIN org_unit o ON o.id = i.org_unit_id WHERE {where}
              ORDER BY {order} LIMIT {int(limit)} OFFSET {int(offset)}) i
        LEFT JOIN page pg ON pg.url = i.page_url
        ORDER BY {", ".join(f"i.{k}" for k in order.split(", "))}"""


async def counts(conn: asyncpg.Connection, units: frozenset[str] | None) -> dict[str, int]:
    """How many comments per status in the inbox, and how many wait in the suspected view (from the rollup
    comment_count, migration 046)."""
    rows = await conn.fetch(
        f"""SELECT CASE WHEN i.suspected THEN 'suspected' ELSE i.status END AS bucket, sum(i.n)::bigint AS count
            FROM {_COUNTED} i WHERE $1::text[] IS NULL OR i.org_unit_id = ANY($1::text[]) GROUP BY 1
            HAVING sum(i.n) > 0""",
        sorted(units) if units is not None else None,
    )
    return {r["bucket"]: r["count"] for r in rows}


async def item(conn: asyncpg.Connection, response_id: UUID) -> asyncpg.Record | None:
    return await conn.fetchrow(f"SELECT {_ITEM_COLUMNS} FROM {_ITEM_FROM} WHERE i.response_id = $1", response_id)


def state_of(row: asyncpg.Record) -> TriageState:
    return TriageState(
        status=row["status"],
        assignee=row["assignee"],
        tags=tuple(row["tags"]),
        verdict=row["verdict"],
        sequence=row["sequence"],
        suspected=bool(row["flags"]),
    )


async def notes(conn: asyncpg.Connection, response_id: UUID) -> list[asyncpg.Record]:
    rows: list[asyncpg.Record] = await conn.fetch(
        "SELECT note_id, author, at, body FROM comment_note WHERE response_id = $1 ORDER BY at, note_id",
        response_id,
    )
    return rows


async def history(conn: asyncpg.Connection, response_id: UUID) -> list[asyncpg.Record]:
    rows: list[asyncpg.Record] = await conn.fetch(
        """SELECT sequence, event_type, at, actor, envelope::jsonb -> 'data' AS data FROM comment_triage_event
           WHERE response_id = $1 ORDER BY sequence""",
        response_id,
    )
    return rows


async def tags_in_use(conn: asyncpg.Connection, units: frozenset[str] | None) -> list[str]:
    rows = await conn.fetch(
        """SELECT DISTINCT unnest(tags) AS tag FROM comment_triage
           WHERE $1::text[] IS NULL OR org_unit_id = ANY($1::text[]) ORDER BY 1""",
        sorted(units) if units is not None else None,
    )
    return [r["tag"] for r in rows]


async def texts(
    conn: asyncpg.Connection, units: frozenset[str] | None, unit: str | None, url_prefix: str | None, since: datetime
) -> list[str]:
    """Comment and suggestion texts for theme suggestions: not spam, not suspected, newest 10,000."""
    where, args = _where(InboxFilter(statuses=(), unit=unit, url_prefix=url_prefix, since=since), units)
    rows = await conn.fetch(
        f"""SELECT concat_ws('. ', i.comment, i.suggestion) AS text FROM {_ITEM_FROM}
            WHERE {where} AND i.status <> 'spam' ORDER BY i.received_at DESC LIMIT 10000""",
        *args,
    )
    return [r["text"] for r in rows]
