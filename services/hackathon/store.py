"""SQL of the hackathon service (migrations 013, 016, 018, 021 and 030): its events, the year's money, and the personal
data that never goes onto the topic (participants, registrations waiting for confirmation, sign-in links).

Commands and the projector both write events through ``append``, so a replay of the topic leaves exactly what
the commands left. A hackathon's state is folded from its events, sealed ones opened with their keys
(``sealing.opened``), when a command needs it (a whole hackathon is a few thousand events at most); the public pages
keep theirs and add only what is new (``States``).

E-mail addresses are looked up by a keyed hash only (``email_key``: HMAC-SHA256 of the canonical address under the
installation's secret 'email-hash'), never by a plain hash anybody could compute from a guessed address.
Pending registrations, sign-in links and the notes of mails sent expire; ``purge_expired`` deletes what has (the
retention job calls it; writing a new one deletes expired ones too).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from uuid import UUID

import asyncpg
import orjson
from pydantic import BaseModel

from services.hackathon import budget as budget_domain
from services.hackathon import sealing
from services.hackathon.domain import HackathonState, apply, canonical_email, fold
from shared.contracts.envelope import decode_envelope
from shared.contracts.hackathon import (
    DEFAULT_BUDGET_CENTS,
    EVENT_TYPE_OF,
    SUBMISSION_TEXTS,
    YEAR_EVENTS,
    AwardGrantedV1,
    BudgetSetV1,
    ParticipantErasedV2,
    SubmissionSavedV2,
    TeamCreatedV2,
)
from shared.contracts.topics import EVENT_TYPES
from shared.shredding import Reason

# Join codes: 8 characters without look-alikes (0/O, 1/l/I), read out or typed easily.
CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
MAIL_INTERVAL = timedelta(minutes=5)  # at most one mail per address and hackathon this often
RETENTION_ACTOR = "system:retention"  # who erases participants when the retention period ran out


@dataclass(frozen=True)
class HackathonRow:
    event_id: UUID
    event_type: str
    data: BaseModel
    envelope: str


async def append(conn: asyncpg.Connection, rows: Sequence[HackathonRow]) -> int:
    """Record events (one seen before, by id or by place, is skipped); returns how many were new. An erasure
    (``ParticipantErased`` v2) also erases the keys it names if they are still there (the command erased them before
    publishing; a database restored from a backup has them again, and a replay takes them once more) and scrubs the
    archive of the v1 events whose plain texts it erased."""
    added = 0
    for row in rows:
        d: Any = row.data
        if isinstance(d, ParticipantErasedV2):
            reason: Reason = "retention" if d.actor == RETENTION_ACTOR else "citizen"
            await sealing.erase(conn, [*d.team_names_erased, *d.submissions_erased], reason)
            await _scrub(conn, d.hackathon_id, set(d.team_names_erased), set(d.submissions_erased))
        if isinstance(d, YEAR_EVENTS):  # a year's money, keyed budget-<year>
            fresh = await conn.fetchval(
                """INSERT INTO hackathon_budget_event (event_id, year, sequence, event_type, amount_cents, at,
                                                       envelope)
                   VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT DO NOTHING RETURNING true""",
                row.event_id, d.year, d.sequence, row.event_type,
                d.amount_cents if isinstance(d, BudgetSetV1) else None, d.at, row.envelope,
            )  # fmt: skip
        else:
            fresh = await conn.fetchval(
                """INSERT INTO hackathon_event (event_id, hackathon_id, sequence, event_type, at, envelope)
                   VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING RETURNING true""",
                row.event_id, d.hackathon_id, d.sequence, row.event_type, d.at, row.envelope,
            )  # fmt: skip
        added += bool(fresh)
    return added


# The v1 events whose texts an erasure can take: what of them is text, and which id decides.
_PLAIN: dict[str, tuple[str, tuple[str, ...], type[BaseModel]]] = {
    "de.stadtstimme.hackathon.team-created": ("team_id", ("name",), TeamCreatedV2),
    "de.stadtstimme.hackathon.submission-saved": ("submission_id", SUBMISSION_TEXTS, SubmissionSavedV2),
}


async def _scrub(conn: asyncpg.Connection, hackathon_id: str, teams: set[UUID], submissions: set[UUID]) -> None:
    """Events of v1 carry team names and submission texts in plain, so erasing a key cannot reach them: their
    archived envelopes (same id) become v2 with those texts sealed under a key made and forgotten here, as if
    erased. The topic still holds the v1 bytes until it is refilled from this archive; a replay scrubs them again
    when it records the erasure."""
    rows = await conn.fetch(
        """SELECT event_id, event_type, envelope FROM hackathon_event WHERE hackathon_id = $1 AND event_type = ANY($2)
           AND (envelope::jsonb ->> 'schemaversion')::int = 1""",
        hackathon_id,
        list(_PLAIN),
    )
    for row in rows:
        id_field, fields, model = _PLAIN[row["event_type"]]
        envelope = orjson.loads(row["envelope"])
        key_id = UUID(envelope["data"][id_field])
        if key_id not in (teams if model is TeamCreatedV2 else submissions):
            continue
        forgotten = secrets.token_bytes(32)
        for f in fields:
            if envelope["data"].get(f) is not None:
                envelope["data"][f] = sealing.seal_long(forgotten, key_id, f, "").model_dump(mode="json")
        data = model.model_validate(envelope["data"])
        envelope["data"], envelope["schemaversion"] = data.model_dump(mode="json"), EVENT_TYPE_OF[model].version
        await conn.execute("UPDATE hackathon_event SET envelope = $2 WHERE event_id = $1", row["event_id"],
                           orjson.dumps(envelope).decode())  # fmt: skip


def _decoded(envelopes: Sequence[str]) -> list[BaseModel]:
    return [decode_envelope(e.encode(), EVENT_TYPES)[1] for e in envelopes]


async def state(conn: asyncpg.Connection, hackathon_id: str) -> HackathonState:
    rows = await conn.fetch(
        "SELECT envelope FROM hackathon_event WHERE hackathon_id = $1 ORDER BY sequence", hackathon_id
    )
    return fold(hackathon_id, await sealing.opened(conn, _decoded([r["envelope"] for r in rows])))


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
        events = await sealing.opened(conn, _decoded([r["envelope"] for r in rows]))
        for event in events:  # no await in between: a concurrent request sees the state before or after, and
            apply(known, event)  # ``apply`` ignores a sequence seen
        if known.created is not None and hackathon_id not in self._states:
            if len(self._states) >= self.limit:
                self._states.pop(next(iter(self._states)))
            self._states[hackathon_id] = known
        return known


async def hackathons(conn: asyncpg.Connection) -> list[str]:
    rows = await conn.fetch("SELECT DISTINCT hackathon_id FROM hackathon_event ORDER BY hackathon_id")
    return [r["hackathon_id"] for r in rows]


async def budget(conn: asyncpg.Connection, year: int) -> tuple[int, int]:
    """The year's hackathon budget in cents (default 10,000 EUR) and the place of the year's last money event
    (0: none yet)."""
    row = await conn.fetchrow(
        """SELECT amount_cents FROM hackathon_budget_event WHERE year = $1
           AND event_type = 'de.stadtstimme.hackathon.budget-set' ORDER BY sequence DESC LIMIT 1""",
        year,
    )
    last = await conn.fetchval("SELECT max(sequence) FROM hackathon_budget_event WHERE year = $1", year)
    return (int(row["amount_cents"]) if row else DEFAULT_BUDGET_CENTS), int(last or 0)


async def year_budget(conn: asyncpg.Connection, year: int) -> budget_domain.YearBudget:
    """The year's money events folded (``budget.YearBudget``): its budgets, expenses and cancellations."""
    rows = await conn.fetch("SELECT envelope FROM hackathon_budget_event WHERE year = $1 ORDER BY sequence", year)
    return budget_domain.fold(year, _decoded([r["envelope"] for r in rows]))


async def budget_years(conn: asyncpg.Connection) -> list[int]:
    """Every year with money events or a hackathon, in order."""
    rows = await conn.fetch(
        """SELECT year FROM hackathon_budget_event UNION
           SELECT (envelope::jsonb -> 'data' ->> 'year')::int FROM hackathon_event
           WHERE event_type = 'de.stadtstimme.hackathon.created' ORDER BY 1"""
    )
    return [int(r["year"]) for r in rows]


async def hackathon_titles(conn: asyncpg.Connection) -> dict[str, str]:
    """Every hackathon's title by its id (for ledgers that name them)."""
    rows = await conn.fetch(
        """SELECT hackathon_id, envelope::jsonb -> 'data' ->> 'title' AS title FROM hackathon_event
           WHERE event_type = 'de.stadtstimme.hackathon.created'"""
    )
    return {r["hackathon_id"]: r["title"] for r in rows}


async def year_hackathons(conn: asyncpg.Connection, year: int) -> list[str]:
    """The ids of the year's hackathons."""
    rows = await conn.fetch(
        """SELECT hackathon_id FROM hackathon_event WHERE event_type = 'de.stadtstimme.hackathon.created'
           AND (envelope::jsonb -> 'data' ->> 'year')::int = $1 ORDER BY hackathon_id""",
        year,
    )
    return [r["hackathon_id"] for r in rows]


async def year_awards(conn: asyncpg.Connection, years: Sequence[int]) -> list[AwardGrantedV1]:
    """Every award of these years, across their hackathons."""
    found: list[AwardGrantedV1] = []
    for year in years:
        found += await awards(conn, year)
    return found


async def awards(conn: asyncpg.Connection, year: int) -> list[AwardGrantedV1]:
    """Every award of the year, across its hackathons."""
    rows = await conn.fetch(
        """SELECT envelope FROM hackathon_event WHERE event_type = 'de.stadtstimme.hackathon.award-granted'
           AND (envelope::jsonb -> 'data' ->> 'year')::int = $1 ORDER BY at, event_id""",
        year,
    )
    found = [decode_envelope(r["envelope"].encode(), EVENT_TYPES)[1] for r in rows]
    return [a for a in found if isinstance(a, AwardGrantedV1)]


# ---- Personal data and secrets (never on the topic) ----


def token_hash(token: str) -> bytes:
    """Tokens are random (256 bits): a plain SHA-256 of them reveals nothing and cannot be guessed."""
    return hashlib.sha256(token.encode()).digest()


def email_key(secret: bytes, address: str) -> bytes:
    """What stands for an address wherever one is looked up: HMAC-SHA256 of its canonical form
    (``domain.canonical_email``: one person per address) under the installation's secret. Without the secret,
    which never leaves the database, nobody can tell whether a guessed address is there."""
    return hmac.new(secret, canonical_email(address).encode(), hashlib.sha256).digest()


async def email_secret(conn: asyncpg.Connection) -> bytes:
    """The installation's secret for ``email_key`` (made by migration 021, or here if it is missing)."""
    secret: bytes | None = await conn.fetchval("SELECT secret FROM installation_secret WHERE name = 'email-hash'")
    if secret is None:
        await conn.execute(
            "INSERT INTO installation_secret (name, secret) VALUES ('email-hash', $1) ON CONFLICT (name) DO NOTHING",
            secrets.token_bytes(32),
        )
        secret = await conn.fetchval("SELECT secret FROM installation_secret WHERE name = 'email-hash'")
    return bytes(secret)


async def _email_key(conn: asyncpg.Connection, address: str) -> bytes:
    return email_key(await email_secret(conn), address)


async def add_person(
    conn: asyncpg.Connection, hackathon_id: str, participant: UUID, name: str, email: str, token: str
) -> None:
    """Store a participant's name and e-mail address (as typed, and the keyed hash of its canonical form: one person
    per address), and their personal sign-in token (as a hash, issued now). Their other pending registrations go."""
    address = await _email_key(conn, email)
    await conn.execute(
        """INSERT INTO hackathon_person (participant_id, hackathon_id, name, email, email_hmac, token_sha256,
                                         token_issued_at)
           VALUES ($1, $2, $3, $4, $5, $6, now())""",
        participant, hackathon_id, name, email, address, token_hash(token),
    )  # fmt: skip
    await conn.execute(
        "DELETE FROM hackathon_pending_registration WHERE hackathon_id = $1 AND email_hmac = $2", hackathon_id, address
    )


async def person(conn: asyncpg.Connection, participant: UUID) -> asyncpg.Record | None:
    row: asyncpg.Record | None = await conn.fetchrow(
        "SELECT * FROM hackathon_person WHERE participant_id = $1", participant
    )
    return row


async def person_by_token(conn: asyncpg.Connection, hackathon_id: str, token: str) -> asyncpg.Record | None:
    """The participant whose personal token this is, expired or not (``token_issued_at`` tells)."""
    row: asyncpg.Record | None = await conn.fetchrow(
        "SELECT * FROM hackathon_person WHERE token_sha256 = $1 AND hackathon_id = $2", token_hash(token), hackathon_id
    )
    return row


async def person_by_email(conn: asyncpg.Connection, hackathon_id: str, email: str) -> asyncpg.Record | None:
    """The participant registered with this address, however it is spelt (``domain.canonical_email``)."""
    row: asyncpg.Record | None = await conn.fetchrow(
        "SELECT * FROM hackathon_person WHERE hackathon_id = $1 AND email_hmac = $2",
        hackathon_id,
        await _email_key(conn, email),
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
               (token_sha256, hackathon_id, name, email, email_hmac, consent_version, expires_at)
           VALUES ($1, $2, $3, $4, $5, $6, now() + $7::interval)""",
        token_hash(token), hackathon_id, name, email, await _email_key(conn, email), consent, valid_for,
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
    it is (by the address's keyed hash). Deletes the notes older than ``interval``."""
    address = await _email_key(conn, email)
    await conn.execute("DELETE FROM hackathon_mail_sent WHERE sent_at <= now() - $1::interval", interval)
    due: bool | None = await conn.fetchval(
        """INSERT INTO hackathon_mail_sent (hackathon_id, email_hmac, sent_at) VALUES ($1, $2, now())
           ON CONFLICT (hackathon_id, email_hmac) DO UPDATE SET sent_at = now()
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


async def erase_person(conn: asyncpg.Connection, participant: UUID, dissolved: Collection[UUID] = ()) -> None:
    """Delete a participant's personal data: their row (name, address, token; their sign-in links with it), the
    note of the last mail to their address and registrations of it still waiting, in that hackathon; and the join
    codes of the ``dissolved`` teams (everybody ever in them has erased their data: nobody is left to join)."""
    found = await conn.fetchrow(
        "DELETE FROM hackathon_person WHERE participant_id = $1 RETURNING hackathon_id, email_hmac", participant
    )
    if found is not None:
        for table in ("hackathon_mail_sent", "hackathon_pending_registration"):
            await conn.execute(f"DELETE FROM {table} WHERE hackathon_id = $1 AND email_hmac = $2", *found)
    await conn.execute("DELETE FROM hackathon_team_code WHERE team_id = ANY($1::uuid[])", list(dissolved))


def _deleted(status: str) -> int:
    return int(status.rsplit(" ", 1)[-1])


async def purge_expired(
    conn: asyncpg.Connection, now: datetime | None = None, mail_interval: timedelta = MAIL_INTERVAL
) -> dict[str, int]:
    """Delete what has expired (the retention job calls it; idempotent): registrations whose 48 hours to confirm
    ran out (with the name and address typed), sign-in links past their time, and the notes of mails sent longer
    than ``mail_interval`` ago. ``now``: the job's clock (the database's by default). How many of each."""
    pending = await conn.execute(
        "DELETE FROM hackathon_pending_registration WHERE expires_at <= coalesce($1, now())", now
    )
    links = await conn.execute("DELETE FROM hackathon_sign_in_link WHERE expires_at <= coalesce($1, now())", now)
    notes = await conn.execute(
        "DELETE FROM hackathon_mail_sent WHERE sent_at <= coalesce($1, now()) - $2::interval", now, mail_interval
    )
    return {"pending_registrations": _deleted(pending), "sign_in_links": _deleted(links), "mail_notes": _deleted(notes)}


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
