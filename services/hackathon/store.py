"""SQL of the hackathon service (migrations 013, 016 and 018): its events, the year's budget, and the personal data
that never goes onto the topic (participants, registrations waiting for confirmation, sign-in links).

Commands and the projector both write events through ``append``, so a replay of the topic leaves exactly what
the commands left. A hackathon's state is folded from its events when a command needs it (a whole hackathon is a
few thousand events at most); the public pages keep theirs and add only what is new (``States``).
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta
from typing import Any
from uuid import UUID

import asyncpg
from pydantic import BaseModel

from services.hackathon.domain import HackathonState, apply, canonical_email, fold
from shared.contracts.envelope import decode_envelope
from shared.contracts.hackathon import DEFAULT_BUDGET_CENTS, AwardGrantedV1, BudgetSetV1
from shared.contracts.topics import EVENT_TYPES

# Join codes: 8 characters without look-alikes (0/O, 1/l/I), read out or typed easily.
CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"


@dataclass(frozen=True)
class HackathonRow:
    event_id: UUID
    event_type: str
    data: BaseModel
    envelope: str


async def append(conn: asyncpg.Connection, rows: Sequence[HackathonRow]) -> int:
    """Record events (one seen before, by id or by place, is skipped); returns how many were new."""
    added = 0
    for row in rows:
        d: Any = row.data
        if isinstance(d, BudgetSetV1):
            fresh = await conn.fetchval(
                """INSERT INTO hackathon_budget_event (event_id, year, sequence, amount_cents, at, envelope)
                   VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING RETURNING true""",
                row.event_id, d.year, d.sequence, d.amount_cents, d.at, row.envelope,
            )  # fmt: skip
        else:
            fresh = await conn.fetchval(
                """INSERT INTO hackathon_event (event_id, hackathon_id, sequence, event_type, at, envelope)
                   VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING RETURNING true""",
                row.event_id, d.hackathon_id, d.sequence, row.event_type, d.at, row.envelope,
            )  # fmt: skip
        added += bool(fresh)
    return added


async def state(conn: asyncpg.Connection, hackathon_id: str) -> HackathonState:
    rows = await conn.fetch(
        "SELECT envelope FROM hackathon_event WHERE hackathon_id = $1 ORDER BY sequence", hackathon_id
    )
    return fold(hackathon_id, [decode_envelope(r["envelope"].encode(), EVENT_TYPES)[1] for r in rows])


class States:
    """Folded states for read-only views (the public pages): a request reads only the events appended since the
    state it has, instead of decoding the whole history again. The states are shared between requests, so callers
    must not change them (commands fold their own, under the hackathon's lock). Only hackathons that exist are
    kept, at most ``limit`` of them."""

    def __init__(self, limit: int = 32) -> None:
        self.limit = limit
        self._states: dict[str, HackathonState] = {}

    async def get(self, conn: asyncpg.Connection, hackathon_id: str) -> HackathonState:
        known = self._states.get(hackathon_id)
        rows = await conn.fetch(
            "SELECT envelope FROM hackathon_event WHERE hackathon_id = $1 AND sequence > $2 ORDER BY sequence",
            hackathon_id,
            known.sequence if known else 0,
        )
        if known is None:
            known = HackathonState(hackathon_id)
        for row in rows:  # no await in between: a concurrent request sees the state before or after, and ``apply``
            apply(known, decode_envelope(row["envelope"].encode(), EVENT_TYPES)[1])  # ignores a sequence seen
        if known.created is not None and hackathon_id not in self._states:
            if len(self._states) >= self.limit:
                self._states.pop(next(iter(self._states)))
            self._states[hackathon_id] = known
        return known


async def hackathons(conn: asyncpg.Connection) -> list[str]:
    rows = await conn.fetch("SELECT DISTINCT hackathon_id FROM hackathon_event ORDER BY hackathon_id")
    return [r["hackathon_id"] for r in rows]


async def budget(conn: asyncpg.Connection, year: int) -> tuple[int, int]:
    """The year's budget in cents (default 10,000 EUR) and the number of its last change (0: never set)."""
    row = await conn.fetchrow(
        "SELECT amount_cents, sequence FROM hackathon_budget_event WHERE year = $1 ORDER BY sequence DESC LIMIT 1",
        year,
    )
    return (int(row["amount_cents"]), int(row["sequence"])) if row else (DEFAULT_BUDGET_CENTS, 0)


async def awards(conn: asyncpg.Connection, year: int) -> list[AwardGrantedV1]:
    """Every award of the year, across its hackathons."""
    rows = await conn.fetch(
        """SELECT envelope FROM hackathon_event WHERE event_type = 'de.stadtstimme.hackathon.award-granted'
           AND (envelope::jsonb -> 'data' ->> 'year')::int = $1 ORDER BY at, event_id""",
        year,
    )
    found = [decode_envelope(r["envelope"].encode(), EVENT_TYPES)[1] for r in rows]
    return [a for a in found if isinstance(a, AwardGrantedV1)]


async def reset(conn: asyncpg.Connection) -> None:
    """Empty what the topic rebuilds (before a replay); personal data and join codes stay."""
    await conn.execute("TRUNCATE hackathon_event, hackathon_budget_event")


# ---- Personal data and secrets (never on the topic) ----


def token_hash(token: str) -> bytes:
    return hashlib.sha256(token.encode()).digest()


async def add_person(
    conn: asyncpg.Connection, hackathon_id: str, participant: UUID, name: str, email: str, token: str
) -> None:
    """Store a participant's name and e-mail address (as typed, and its canonical form: one person per address),
    and their personal sign-in token (as a hash, issued now). Their other pending registrations go."""
    canonical = canonical_email(email)
    await conn.execute(
        """INSERT INTO hackathon_person (participant_id, hackathon_id, name, email, email_canonical, token_sha256,
                                         token_issued_at)
           VALUES ($1, $2, $3, $4, $5, $6, now())""",
        participant, hackathon_id, name, email, canonical, token_hash(token),
    )  # fmt: skip
    await conn.execute(
        "DELETE FROM hackathon_pending_registration WHERE hackathon_id = $1 AND email_canonical = $2",
        hackathon_id,
        canonical,
    )


async def person_by_token(conn: asyncpg.Connection, hackathon_id: str, token: str) -> asyncpg.Record | None:
    """The participant whose personal token this is, expired or not (``token_issued_at`` tells)."""
    row: asyncpg.Record | None = await conn.fetchrow(
        "SELECT * FROM hackathon_person WHERE token_sha256 = $1 AND hackathon_id = $2", token_hash(token), hackathon_id
    )
    return row


async def person_by_email(conn: asyncpg.Connection, hackathon_id: str, email: str) -> asyncpg.Record | None:
    """The participant registered with this address, however it is spelt (``domain.canonical_email``)."""
    row: asyncpg.Record | None = await conn.fetchrow(
        "SELECT * FROM hackathon_person WHERE hackathon_id = $1 AND email_canonical = $2",
        hackathon_id,
        canonical_email(email),
    )
    return row


async def add_sign_in_link(conn: asyncpg.Connection, participant: UUID, valid_for: timedelta) -> str:
    """A single-use sign-in link for a registered person (kept as a hash); their personal token stays as it is until
    the link is opened (``use_sign_in_link``). Deletes every expired link."""
    token = secrets.token_urlsafe(32)
    await conn.execute("DELETE FROM hackathon_sign_in_link WHERE expires_at <= now()")
    await conn.execute(
        """INSERT INTO hackathon_sign_in_link (token_sha256, participant_id, hackathon_id, expires_at)
           SELECT $1, participant_id, hackathon_id, now() + $3::interval FROM hackathon_person
           WHERE participant_id = $2""",
        token_hash(token),
        participant,
        valid_for,
    )
    return token


async def sign_in_link(conn: asyncpg.Connection, hackathon_id: str, token: str) -> asyncpg.Record | None:
    """The sign-in link behind this token, expired or not (``expired``)."""
    row: asyncpg.Record | None = await conn.fetchrow(
        """SELECT *, expires_at <= now() AS expired FROM hackathon_sign_in_link
           WHERE token_sha256 = $1 AND hackathon_id = $2""",
        token_hash(token),
        hackathon_id,
    )
    return row


async def use_sign_in_link(conn: asyncpg.Connection, hackathon_id: str, token: str) -> asyncpg.Record | None:
    """Open a sign-in link (once, unless expired): its token becomes the person's personal token, issued now (the
    previous one stops working), and the person's other links go. The person, or None."""
    async with conn.transaction():
        participant: UUID | None = await conn.fetchval(
            """DELETE FROM hackathon_sign_in_link WHERE token_sha256 = $1 AND hackathon_id = $2 AND expires_at > now()
               RETURNING participant_id""",
            token_hash(token),
            hackathon_id,
        )
        if participant is None:
            return None
        await conn.execute("DELETE FROM hackathon_sign_in_link WHERE participant_id = $1", participant)
        row: asyncpg.Record | None = await conn.fetchrow(
            """UPDATE hackathon_person SET token_sha256 = $2, token_issued_at = now() WHERE participant_id = $1
               RETURNING *""",
            participant,
            token_hash(token),
        )
    return row


async def revoke_token(conn: asyncpg.Connection, hackathon_id: str, token: str) -> bool:
    """Sign out: the personal token stops working everywhere (a new one comes by a sign-in link). Whether it was
    one."""
    revoked: bool | None = await conn.fetchval(
        """UPDATE hackathon_person SET token_sha256 = NULL WHERE token_sha256 = $1 AND hackathon_id = $2
           RETURNING true""",
        token_hash(token),
        hackathon_id,
    )
    return bool(revoked)


async def add_pending(
    conn: asyncpg.Connection, hackathon_id: str, name: str, email: str, consent: str, valid_for: timedelta
) -> str:
    """Keep a registration until the address confirms it; returns the confirmation token (kept as a hash). Earlier
    ones for the same address keep waiting, each with its own name, until one is confirmed (a stranger registering
    the address replaces neither the link nor the name). Deletes every expired one."""
    token = secrets.token_urlsafe(32)
    await conn.execute("DELETE FROM hackathon_pending_registration WHERE expires_at <= now()")
    await conn.execute(
        """INSERT INTO hackathon_pending_registration
               (token_sha256, hackathon_id, name, email, email_canonical, consent_version, expires_at)
           VALUES ($1, $2, $3, $4, $5, $6, now() + $7::interval)""",
        token_hash(token), hackathon_id, name, email, canonical_email(email), consent, valid_for,
    )  # fmt: skip
    return token


async def pending(conn: asyncpg.Connection, hackathon_id: str, token: str) -> asyncpg.Record | None:
    """The registration waiting for this confirmation token, expired or not (``expired``)."""
    row: asyncpg.Record | None = await conn.fetchrow(
        """SELECT *, expires_at <= now() AS expired FROM hackathon_pending_registration
           WHERE token_sha256 = $1 AND hackathon_id = $2""",
        token_hash(token),
        hackathon_id,
    )
    return row


async def take_pending(conn: asyncpg.Connection, hackathon_id: str, token: str) -> asyncpg.Record | None:
    """Remove and return the registration waiting for this token, unless it has expired."""
    row: asyncpg.Record | None = await conn.fetchrow(
        """DELETE FROM hackathon_pending_registration
           WHERE token_sha256 = $1 AND hackathon_id = $2 AND expires_at > now() RETURNING *""",
        token_hash(token),
        hackathon_id,
    )
    return row


async def mail_due(conn: asyncpg.Connection, hackathon_id: str, email: str, interval: timedelta) -> bool:
    """Whether the address may be mailed now (no mail to any spelling of it within ``interval``); if so, notes that
    it is. Deletes the notes older than ``interval``."""
    address = hashlib.sha256(canonical_email(email).encode()).digest()
    await conn.execute("DELETE FROM hackathon_mail_sent WHERE sent_at <= now() - $1::interval", interval)
    due: bool | None = await conn.fetchval(
        """INSERT INTO hackathon_mail_sent (hackathon_id, email_sha256, sent_at) VALUES ($1, $2, now())
           ON CONFLICT (hackathon_id, email_sha256) DO UPDATE SET sent_at = now()
               WHERE hackathon_mail_sent.sent_at <= now() - $3::interval
           RETURNING true""",
        hackathon_id,
        address,
        interval,
    )
    return bool(due)


async def names(conn: asyncpg.Connection, participants: Sequence[UUID]) -> dict[UUID, str]:
    rows = await conn.fetch(
        "SELECT participant_id, name FROM hackathon_person WHERE participant_id = ANY($1::uuid[])", list(participants)
    )
    return {r["participant_id"]: r["name"] for r in rows}


async def erase_person(conn: asyncpg.Connection, participant: UUID) -> None:
    await conn.execute("DELETE FROM hackathon_person WHERE participant_id = $1", participant)


async def add_team_code(conn: asyncpg.Connection, hackathon_id: str, team: UUID) -> str:
    code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(8))
    await conn.execute(
        "INSERT INTO hackathon_team_code (team_id, hackathon_id, code) VALUES ($1, $2, $3)", team, hackathon_id, code
    )
    return code


async def team_by_code(conn: asyncpg.Connection, hackathon_id: str, code: str) -> UUID | None:
    team: UUID | None = await conn.fetchval(
        "SELECT team_id FROM hackathon_team_code WHERE hackathon_id = $1 AND code = $2",
        hackathon_id,
        code.strip().upper().replace("-", "").replace(" ", ""),
    )
    return team


async def team_code(conn: asyncpg.Connection, team: UUID) -> str | None:
    code: str | None = await conn.fetchval("SELECT code FROM hackathon_team_code WHERE team_id = $1", team)
    return code
