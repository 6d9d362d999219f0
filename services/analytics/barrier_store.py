"""SQL of the barrier reports' read side: the reports are the inbox's items in the category "Barriere melden"
(``comment_item``, from the feedback topic), their answers ``barrier_answer`` and closings ``barrier_closing`` (from
stadtstimme.barriers.v1), the reporter's address ingest's published view ``barrier_contact_address`` (migration 037)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from uuid import UUID

import asyncpg

from shared.contracts.barriers import BarrierAnsweredV1, BarrierClosedV1
from shared.contracts.feedback import BARRIER

_REPORTS = f"""
SELECT c.response_id, c.org_unit_id, coalesce(u.name, c.org_unit_id) AS unit_name, c.page_url, c.received_at,
       c.language, c.comment, c.rating, c.helpful,
       (SELECT max(a.answered_at) FROM barrier_answer a WHERE a.response_id = c.response_id) AS answered_at,
       k.closed_at, k.reason AS closed_reason,
       EXISTS (SELECT 1 FROM barrier_contact_address b WHERE b.response_id = c.response_id) AS has_contact
FROM comment_item c LEFT JOIN org_unit u ON u.id = c.org_unit_id
LEFT JOIN LATERAL (SELECT closed_at, reason FROM barrier_closing k WHERE k.response_id = c.response_id
                   ORDER BY closed_at DESC LIMIT 1) k ON true
WHERE c.category = '{BARRIER}' AND cardinality(c.flags) = 0"""


async def reports(conn: asyncpg.Connection) -> list[asyncpg.Record]:
    """Every barrier report with text (unflagged), of every unit: the accessibility officer answers for all. Open
    ones first, so that however many were dealt with, none that waits drops off the list."""
    rows: list[asyncpg.Record] = await conn.fetch(
        f"SELECT * FROM ({_REPORTS}) r ORDER BY (r.answered_at IS NULL AND r.closed_at IS NULL) DESC, r.received_at"
        " LIMIT 2000"
    )
    return rows


async def report(conn: asyncpg.Connection, response_id: UUID) -> asyncpg.Record | None:
    row: asyncpg.Record | None = await conn.fetchrow(_REPORTS + " AND c.response_id = $1", response_id)
    return row


async def contact(conn: asyncpg.Connection, response_id: UUID) -> str | None:
    """The reporter's address, if they left one with consent and it is not erased."""
    email: str | None = await conn.fetchval(
        "SELECT email FROM barrier_contact_address WHERE response_id = $1", response_id
    )
    return email


async def answers(conn: asyncpg.Connection, response_id: UUID) -> list[asyncpg.Record]:
    rows: list[asyncpg.Record] = await conn.fetch(
        "SELECT event_id, actor, answered_at, envelope::text AS envelope FROM barrier_answer WHERE response_id = $1 "
        "ORDER BY answered_at",
        response_id,
    )
    return rows


@dataclass(frozen=True)
class AnswerRow:
    event_id: UUID
    data: BarrierAnsweredV1
    envelope: str


async def apply_answers(conn: asyncpg.Connection, rows: Sequence[AnswerRow]) -> None:
    """The answers into ``barrier_answer`` (the command writes through this; the projection makes it replayable)."""
    await conn.executemany(
        """INSERT INTO barrier_answer (event_id, response_id, actor, answered_at, envelope)
           VALUES ($1, $2, $3, $4, $5::jsonb) ON CONFLICT (event_id) DO NOTHING""",
        [(r.event_id, r.data.response_id, r.data.actor, r.data.answered_at, r.envelope) for r in rows],
    )


@dataclass(frozen=True)
class ClosingRow:
    event_id: UUID
    data: BarrierClosedV1
    envelope: str


async def apply_closings(conn: asyncpg.Connection, rows: Sequence[ClosingRow]) -> None:
    """The closings into ``barrier_closing`` (written through by the command, rebuilt by the projection)."""
    await conn.executemany(
        """INSERT INTO barrier_closing (event_id, response_id, reason, actor, closed_at, envelope)
           VALUES ($1, $2, $3, $4, $5, $6::jsonb) ON CONFLICT (event_id) DO NOTHING""",
        [(r.event_id, r.data.response_id, r.data.reason, r.data.actor, r.data.closed_at, r.envelope) for r in rows],
    )


async def apply(conn: asyncpg.Connection, rows: Sequence[AnswerRow | ClosingRow]) -> None:
    """A batch of the barrier topic's events, each into its table."""
    await apply_answers(conn, [r for r in rows if isinstance(r, AnswerRow)])
    await apply_closings(conn, [r for r in rows if isinstance(r, ClosingRow)])


async def already(conn: asyncpg.Connection, event_id: UUID) -> bool:
    """Whether the team's action with this id (the form's, so a form sent twice acts once) is recorded."""
    found: bool = await conn.fetchval(
        "SELECT EXISTS (SELECT 1 FROM barrier_answer WHERE event_id = $1)"
        " OR EXISTS (SELECT 1 FROM barrier_closing WHERE event_id = $1)",
        event_id,
    )
    return found
