"""How participants' commands are decided and recorded: one definition for the JSON API (``api``) and the
pages (``pages``). Each builds the ``decide`` step of ``service.command``: the domain's decision on the folded
state, plus what the event needs in PostgreSQL in the same transaction (a person's name and address, a team's
join code, an erasure).

What participants write is sealed before it is published (``sealing``: a team's name with the team's key, a
submission's texts with the submission's key); erasing a participant erases the keys of what was theirs
(``domain.erase_participant`` decides which) and their rows, before ``ParticipantErased`` v2 says so.

Registration is a double opt-in: ``ask_to_confirm`` answers alike for a new and a registered address and only
says which mail to send; the link in that mail (``confirm``) registers the person (``Registration``). A registered
address gets a sign-in link instead, as from the lost-link page (``resend_link``): their personal link keeps
working until the new one is opened, so typing someone's address locks nobody out. Personal tokens sign in for
``hackathon_link_days`` (``signed_in``); signing out revokes them. Both forms count against a per-client quota
(``signup_limiter``).
"""

from __future__ import annotations

import math
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import asyncpg
from aiokafka import AIOKafkaProducer
from pydantic import BaseModel

from services.hackathon import domain, sealing, service, store
from services.hackathon.domain import HackathonState, Refused
from services.hackathon.mail import Letter
from services.hackathon.store import MAIL_INTERVAL
from shared.abuse import REPLICAS, RateLimiter
from shared.contracts.hackathon import (
    ParticipantErasedV2,
    ParticipantRegisteredV1,
    SubmissionSavedV2,
    TeamCreatedV2,
    TeamJoinedV1,
    TeamLeftV1,
    VoteCastV1,
)
from shared.settings import Settings
from shared.shredding import Reason

CONSENT_VERSION = "2026-1"
CONFIRM_WITHIN = timedelta(hours=48)  # the "hackathon.mail.confirm.body" says so
SIGN_IN_WITHIN = timedelta(hours=48)  # a sign-in link's life ("hackathon.mail.registered.body", ".link.body")
SIGNUP_WINDOW_MINUTES = 10  # ``hackathon_signups_per_client`` per client within this many minutes


# ---- Per-client limit of the forms that send mail ----

_SIGNUP_LIMITERS: dict[int, RateLimiter] = {}


def signup_limiter(settings: Settings) -> RateLimiter:
    """The limit of registrations and lost-link requests per client: one per process, shared by the API and the
    pages, so that a client's quota counts both (a keyed hash of the client's address; no address is kept), and
    shared out between the hackathon's instances (``shared.abuse``), so that N of them together allow no more."""
    quota = settings.hackathon_signups_per_client
    if quota not in _SIGNUP_LIMITERS:
        _SIGNUP_LIMITERS[quota] = RateLimiter(
            per_minute=quota / SIGNUP_WINDOW_MINUTES, burst=quota, replicas=REPLICAS.of("hackathon")
        )
    return _SIGNUP_LIMITERS[quota]


def admit_signup(limiter: RateLimiter, client: str | None) -> bytes:
    """Charge the client's quota now (so that requests arriving at the same moment cannot all pass), and its key,
    to ``refund`` when the request turns out invalid; refused (429, ``retry_after``) while its quota is used up."""
    key = limiter.key(client or "unknown")
    wait = limiter.take(key)
    if wait:
        raise Refused("too_many", 429, retry_after=math.ceil(wait))
    return key


# ---- Registration, sign-in links, personal tokens ----


@dataclass
class Registration:
    """Register a person whose address is confirmed: the event carries a random id only; name, address and their
    personal sign-in token (as a hash: the one from the confirmation link) go to ``hackathon_person``. One person
    per address (``domain.canonical_email``)."""

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
    link; a registered one (however spelt) gets a sign-in link at the address it registered with, and its personal
    link keeps working until that is opened. None: the address had a mail less than ``MAIL_INTERVAL`` ago, and
    nothing changes."""
    domain.register(state, uuid.uuid4(), CONSENT_VERSION)
    async with conn.transaction():
        if not await store.mail_due(conn, state.id, email, MAIL_INTERVAL):
            return None
        person = await store.person_by_email(conn, state.id, email)
        if person is not None:
            token = await store.add_sign_in_link(conn, person["participant_id"], SIGN_IN_WITHIN)
            return Letter("registered", person["email"], token)
        token = await store.add_pending(conn, state.id, name, email, CONSENT_VERSION, CONFIRM_WITHIN)
        return Letter("confirm", email, token)


async def resend_link(conn: asyncpg.Connection, state: HackathonState, email: str) -> Letter | None:
    """A sign-in link for a registered address, to the address it registered with (the personal link keeps working
    until the new one is opened); None for an address that is not registered, one that had a mail less than
    ``MAIL_INTERVAL`` ago, or an archived hackathon (no link signs in there)."""
    if state.phase == "archiv":
        return None
    async with conn.transaction():
        person = await store.person_by_email(conn, state.id, email)
        if person is None or not await store.mail_due(conn, state.id, email, MAIL_INTERVAL):
            return None
        token = await store.add_sign_in_link(conn, person["participant_id"], SIGN_IN_WITHIN)
        return Letter("link", person["email"], token)


def link_lifetime(settings: Settings) -> timedelta:
    return timedelta(days=settings.hackathon_link_days)


async def signed_in(
    conn: asyncpg.Connection, state: HackathonState, token: str, settings: Settings
) -> asyncpg.Record | None:
    """The participant whose personal token this is, while it signs in (``domain.token_signs_in``); None for a token
    that is nobody's (any more: revoked, replaced, erased). Refused (401 ``token_expired``) when it has expired."""
    person = await store.person_by_token(conn, state.id, token)
    if person is None:
        return None
    if not domain.token_signs_in(state, person["token_issued_at"], link_lifetime(settings), datetime.now(UTC)):
        raise Refused("token_expired", 401, days=settings.hackathon_link_days)
    return person


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


@dataclass(frozen=True)
class SignedIn:
    """Where a mailed link led: the participant, whether it registered them just now, and until when the token (the
    link's own, from now on the personal token) signs in."""

    participant_id: uuid.UUID
    registered: bool
    valid_until: datetime


async def open_sign_in_link(
    conn: asyncpg.Connection, state: HackathonState, token: str, settings: Settings
) -> asyncpg.Record | None:
    """The person whose sign-in link this is, the link now their personal token; None if it is no sign-in link.
    Refused: the link expired (410), or the hackathon is over (401)."""
    link = await store.sign_in_link(conn, state.id, token)
    if link is None:
        return None
    if link["expired"]:
        raise Refused("sign_in_link_expired", 410)
    now = datetime.now(UTC)
    if not domain.token_signs_in(state, now, link_lifetime(settings), now):
        raise Refused("token_expired", 401, days=settings.hackathon_link_days)
    person = await store.use_sign_in_link(conn, state.id, token)
    if person is None:  # opened twice at once: the other request made it the personal token
        person = await signed_in(conn, state, token, settings)
    return person


async def confirm(
    pool: asyncpg.Pool, producer: AIOKafkaProducer, settings: Settings, hackathon_id: str, token: str
) -> SignedIn:
    """Follow a link from a mail: a personal token signs in; a sign-in link becomes the personal token (once; the
    previous one stops); a confirmation link registers (once; every later use only signs in). Refused: a link that
    is unknown here (404), a confirmation or sign-in link whose time ran out (410), a personal token that expired
    (401), or registration has closed since."""
    lifetime = link_lifetime(settings)
    async with pool.acquire() as conn:
        state = await store.state(conn, hackathon_id)
        person = await signed_in(conn, state, token, settings)
        if person is None:
            person = await open_sign_in_link(conn, state, token, settings)
        if person is not None:
            until = domain.token_valid_until(state, person["token_issued_at"], lifetime)
            return SignedIn(person["participant_id"], False, until)
        waiting = await store.pending(conn, hackathon_id, token)
    if waiting is None:
        raise Refused("unknown_link", 404)
    if waiting["expired"]:
        raise Refused("link_expired", 410)
    confirmation = Confirmation(token)
    refusal: Refused | None = None
    try:
        await service.command(pool, producer, settings, hackathon_id, f"participant:{confirmation.participant_id}",
                              confirmation)  # fmt: skip
    except Refused as exc:
        refusal = exc
    async with pool.acquire() as conn:
        person = await store.person_by_token(conn, hackathon_id, token)
    if person is None:
        raise refusal or Refused("unknown_link", 404)
    # Registered, even if refused: then the link was opened twice at once, and the other request registered them.
    until = domain.token_valid_until(state, person["token_issued_at"], lifetime)
    return SignedIn(person["participant_id"], refusal is None, until)


async def sign_out(conn: asyncpg.Connection, hackathon_id: str, token: str) -> bool:
    """Revoke a personal token on the server: the link and every cookie holding it stop working; a new link comes
    through the lost-link page. Whether the token was anybody's."""
    return await store.revoke_token(conn, hackathon_id, token)


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
        return TeamCreatedV2, {**decision, "name": await sealing.seal_team_name(conn, self.team, decision["name"])}


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

        async def decide(state: HackathonState, conn: asyncpg.Connection) -> tuple[type[BaseModel], dict[str, Any]]:
            decision = domain.save_submission(state, pid, uuid.uuid4(), fields, datetime.now().astimezone())
            return SubmissionSavedV2, await sealing.seal_submission(conn, decision)

        return decide

    return save


def vote(pid: uuid.UUID, body: Any) -> service.Decide:
    return simple(VoteCastV1, lambda s: domain.cast_vote(s, pid, body.submission_id))


def erase(pid: uuid.UUID, _: None, reason: Reason = "citizen") -> service.Decide:
    """Erase a participant (``reason``: they asked, or the retention period ran out): the keys of the team names and
    submission texts that go with them (``domain.erase_participant``), their row (name, address, sign-in links), the
    note of the last mail to their address, pending registrations of it, and the join codes of teams nobody is left
    to join; all in the command's transaction, so nothing is erased unless ``ParticipantErased`` v2 is published."""

    async def decide(state: HackathonState, conn: asyncpg.Connection) -> tuple[type[BaseModel], dict[str, Any]]:
        person = await store.person(conn, pid)
        decision = domain.erase_participant(state, pid, person["name"] if person else "")
        await sealing.erase(conn, [*decision["team_names_erased"], *decision["submissions_erased"]], reason)
        await store.erase_person(conn, pid, domain.deserted_by(state, pid))
        return ParticipantErasedV2, decision

    return decide


async def erase_ended(
    pool: asyncpg.Pool, producer: AIOKafkaProducer, settings: Settings, now: datetime, keep: timedelta
) -> dict[str, int]:
    """The retention of participants' data: in every hackathon that ended (``domain.ended_at``) more than ``keep``
    before ``now``, every participant still registered is erased as if they had asked (reason 'retention'): with
    the last of them every team name and submission text goes; places, scores, votes and prizes stay. Idempotent
    (an erased participant is not there to erase again). How many participants."""
    async with pool.acquire() as conn:
        states = [await store.state(conn, h) for h in await store.hackathons(conn)]
    erased = 0
    for state in states:
        end = domain.ended_at(state)
        if end is None or end + keep > now:
            continue
        for pid in sorted(state.participants, key=str):
            try:
                await service.command(pool, producer, settings, state.id, store.RETENTION_ACTOR,
                                      erase(pid, None, "retention"))  # fmt: skip
            except Refused:  # erased in the meantime, at their request
                continue
            erased += 1
    return {"participants": erased}


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
            "name": team.shown_name(),
            "code": code,
            "publish_name": team.publish_name,
            "members": [members.get(m, "") for m in team.members],
        },
        "submissions": [s.as_json() for s in state.submissions.values() if team and s.team_id == team.id],
        "vote": str(state.votes[pid]) if pid in state.votes else None,
    }
