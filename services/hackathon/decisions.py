"""How participants' commands are decided and recorded: one definition for the JSON API (``api``) and the
pages (``pages``). Each builds the ``decide`` step of ``service.command``: the domain's decision on the folded
state, plus what the event needs in PostgreSQL in the same transaction (a person's name and address, a team's
join code, an erasure).

Registration is a double opt-in: ``ask_to_confirm`` answers alike for a new and a registered address and only
says which mail to send; the link in that mail (``confirm``) registers the person (``Registration``).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

import asyncpg
from aiokafka import AIOKafkaProducer
from pydantic import BaseModel

from services.hackathon import domain, service, store
from services.hackathon.domain import HackathonState, Refused
from services.hackathon.mail import Letter
from shared.contracts.hackathon import (
    ParticipantErasedV1,
    ParticipantRegisteredV1,
    SubmissionSavedV1,
    TeamCreatedV1,
    TeamJoinedV1,
    TeamLeftV1,
    VoteCastV1,
)
from shared.settings import Settings

CONSENT_VERSION = "2026-1"
CONFIRM_WITHIN = timedelta(hours=48)  # the "hackathon.mail.confirm.body" says so
MAIL_INTERVAL = timedelta(minutes=5)  # at most one mail per address and hackathon this often


@dataclass
class Registration:
    """Register a person whose address is confirmed: the event carries a random id only; name, address and their
    personal sign-in token (as a hash: the one from the confirmation link) go to ``hackathon_person``."""

    name: str
    email: str
    token: str
    consent: str = CONSENT_VERSION
    participant_id: uuid.UUID = field(default_factory=uuid.uuid4)

    async def __call__(self, state: HackathonState, conn: asyncpg.Connection) -> tuple[type[BaseModel], dict[str, Any]]:
        decision = domain.register(state, self.participant_id, self.consent)
        if await store.person_by_email(conn, state.id, self.email) is not None:
            raise Refused("registered")
        await store.add_person(conn, state.id, self.participant_id, self.name, self.email, self.token)
        return ParticipantRegisteredV1, decision


async def ask_to_confirm(conn: asyncpg.Connection, state: HackathonState, name: str, email: str) -> Letter | None:
    """Step one of registering: refused only when registration is closed, so the answer is the same for any
    address. A new address is kept as a pending registration (nothing on the topic yet) and gets the confirmation
    link; a registered one gets a fresh personal link instead (the old one stops working). None: the address had a
    mail less than ``MAIL_INTERVAL`` ago, and nothing changes."""
    domain.register(state, uuid.uuid4(), CONSENT_VERSION)
    async with conn.transaction():
        if not await store.mail_due(conn, state.id, email, MAIL_INTERVAL):
            return None
        renewed = await store.renew_token(conn, state.id, email)
        if renewed is not None:
            return Letter("registered", *renewed)
        token = await store.add_pending(conn, state.id, name, email, CONSENT_VERSION, CONFIRM_WITHIN)
        return Letter("confirm", name, token)


async def resend_link(conn: asyncpg.Connection, state: HackathonState, email: str) -> Letter | None:
    """A new personal link for a registered address (the old one stops working); None for an address that is not
    registered, or that had a mail less than ``MAIL_INTERVAL`` ago."""
    async with conn.transaction():
        if await store.person_by_email(conn, state.id, email) is None:
            return None
        if not await store.mail_due(conn, state.id, email, MAIL_INTERVAL):
            return None
        renewed = await store.renew_token(conn, state.id, email)
        return None if renewed is None else Letter("link", *renewed)


@dataclass
class Confirmation:
    """Step two: the pending registration behind a confirmation token becomes a participant (``Registration``),
    once; the token becomes their personal sign-in token."""

    token: str
    participant_id: uuid.UUID = field(default_factory=uuid.uuid4)

    async def __call__(self, state: HackathonState, conn: asyncpg.Connection) -> tuple[type[BaseModel], dict[str, Any]]:
        found = await store.take_pending(conn, state.id, self.token)
        if found is None:
            raise Refused("unknown_link", 404)
        return await Registration(found["name"], found["email"], self.token, found["consent_version"],
                                  self.participant_id)(state, conn)  # fmt: skip


async def confirm(
    pool: asyncpg.Pool, producer: AIOKafkaProducer, settings: Settings, hackathon_id: str, token: str
) -> tuple[uuid.UUID, bool]:
    """Follow the link from a registration mail: the participant it signs in, and whether it registered them just
    now (the first use of a confirmation link; every later use only signs in). Refused: a link that is unknown here
    (404) or whose confirmation time ran out (410), or registration has closed since."""
    async with pool.acquire() as conn:
        person = await store.person_by_token(conn, hackathon_id, token)
        waiting = None if person is not None else await store.pending(conn, hackathon_id, token)
    if person is not None:
        return person["participant_id"], False
    if waiting is None:
        raise Refused("unknown_link", 404)
    if waiting["expired"]:
        raise Refused("link_expired", 410)
    confirmation = Confirmation(token)
    try:
        await service.command(pool, producer, settings, hackathon_id, f"participant:{confirmation.participant_id}",
                              confirmation)  # fmt: skip
    except Refused:
        async with pool.acquire() as conn:  # the link opened twice at once: the other request registered them
            person = await store.person_by_token(conn, hackathon_id, token)
        if person is None:
            raise
        return person["participant_id"], False
    return confirmation.participant_id, True


@dataclass
class NewTeam:
    """Found a team; ``code`` is its join code once decided."""

    participant: uuid.UUID
    name: str
    publish_name: bool
    team: uuid.UUID = field(default_factory=uuid.uuid4)
    code: str = ""

    async def __call__(self, state: HackathonState, conn: asyncpg.Connection) -> tuple[type[BaseModel], dict[str, Any]]:
        decision = domain.create_team(state, self.participant, self.team, self.name, self.publish_name)
        self.code = await store.add_team_code(conn, state.id, self.team)
        return TeamCreatedV1, decision


def simple(model: type[BaseModel], decision: Callable[[HackathonState], dict[str, Any]]) -> service.Decide:
    async def decide(state: HackathonState, conn: asyncpg.Connection) -> tuple[type[BaseModel], dict[str, Any]]:
        return model, decision(state)

    return decide


def new_team(pid: uuid.UUID, body: Any) -> service.Decide:
    return NewTeam(pid, body.name, body.publish_name)


def join(pid: uuid.UUID, body: Any) -> service.Decide:
    async def decide(state: HackathonState, conn: asyncpg.Connection) -> tuple[type[BaseModel], dict[str, Any]]:
        team = await store.team_by_code(conn, state.id, body.code)
        if team is None:
            raise Refused("unknown_team", 404)
        return TeamJoinedV1, domain.join_team(state, pid, team)

    return decide


def leave(pid: uuid.UUID, _: None) -> service.Decide:
    return simple(TeamLeftV1, lambda s: domain.leave_team(s, pid))


def submission_for(challenge_id: str) -> Callable[[uuid.UUID, Any], service.Decide]:
    def save(pid: uuid.UUID, body: Any) -> service.Decide:
        fields = {"challenge_id": challenge_id, **body.model_dump(mode="json")}
        return simple(
            SubmissionSavedV1,
            lambda s: domain.save_submission(s, pid, uuid.uuid4(), fields, datetime.now().astimezone()),
        )

    return save


def vote(pid: uuid.UUID, body: Any) -> service.Decide:
    return simple(VoteCastV1, lambda s: domain.cast_vote(s, pid, body.submission_id))


def erase(pid: uuid.UUID, _: None) -> service.Decide:
    async def decide(state: HackathonState, conn: asyncpg.Connection) -> tuple[type[BaseModel], dict[str, Any]]:
        decision = domain.erase_participant(state, pid)
        await store.erase_person(conn, pid)
        return ParticipantErasedV1, decision

    return decide


async def own_data(conn: asyncpg.Connection, state: HackathonState, person: asyncpg.Record) -> dict[str, Any]:
    """Everything stored about a participant: the same document as ``GET /api/v1/hackathons/{id}/me``."""
    pid = person["participant_id"]
    team_id = state.team_of.get(pid)
    team = state.teams.get(team_id) if team_id else None
    members = await store.names(conn, team.members) if team else {}
    code = await store.team_code(conn, team.id) if team else None
    return {
        "participant_id": str(pid),
        "name": person["name"],
        "email": person["email"],
        "registered_at": person["created_at"].isoformat(),
        "team": None
        if team is None
        else {
            "id": str(team.id),
            "name": team.name,
            "code": code,
            "publish_name": team.publish_name,
            "members": [members.get(m, "") for m in team.members],
        },
        "submissions": [
            s.model_dump(mode="json", exclude={"actor"})
            for s in state.submissions.values()
            if team and s.team_id == team.id
        ],
        "vote": str(state.votes[pid]) if pid in state.votes else None,
    }
