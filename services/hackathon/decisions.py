"""How participants' commands are decided and recorded: one definition for the JSON API (``api``) and the
pages (``pages``). Each builds the ``decide`` step of ``service.command``: the domain's decision on the folded
state, plus what the event needs in PostgreSQL in the same transaction (a person's name and address, a team's
join code, an erasure)."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import asyncpg
from pydantic import BaseModel

from services.hackathon import domain, service, store
from services.hackathon.domain import HackathonState, Refused
from shared.contracts.hackathon import (
    ParticipantErasedV1,
    ParticipantRegisteredV1,
    SubmissionSavedV1,
    TeamCreatedV1,
    TeamJoinedV1,
    TeamLeftV1,
    VoteCastV1,
)

CONSENT_VERSION = "2026-1"


@dataclass
class Registration:
    """Register a person: the event carries a random id only; name and address go to ``hackathon_person``.
    ``token`` is their personal sign-in token once decided."""

    name: str
    email: str
    participant_id: uuid.UUID = field(default_factory=uuid.uuid4)
    token: str = ""
    title: str = ""

    async def __call__(self, state: HackathonState, conn: asyncpg.Connection) -> tuple[type[BaseModel], dict[str, Any]]:
        decision = domain.register(state, self.participant_id, CONSENT_VERSION)
        if await store.person_by_email(conn, state.id, self.email) is not None:
            raise Refused("registered")
        self.token = await store.add_person(conn, state.id, self.participant_id, self.name, self.email)
        self.title = state.info.title
        return ParticipantRegisteredV1, decision


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
