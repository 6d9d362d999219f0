"""HTTP API of the hackathon service: ``/api/v1/hackathons``.

* **Public** (no sign-in): the hackathon, its challenges with the citizen feedback they cite (aggregates only),
  and once published the results: ranking, jury statements, prizes, community vote. Team names appear only where
  the team agreed.
* **Participants** register in two steps (double opt-in): the registration answers alike for a new and a
  registered address and mails a link; its token, confirmed, is the personal token they sign in with
  (``Authorization: Participant <token>``; valid ``hackathon_link_days``, revoked by ``DELETE …/session``): teams,
  submissions, the community vote, and their own data (export and erasure). Registering is limited per client.
* **Staff** as for the other staff APIs (console session or bearer token): administrators run the hackathon
  (phases, jurors, exclusions, statements, prizes, the yearly budget); unit staff post their unit's challenges;
  invited jurors score and declare conflicts; analysts read.

Every refusal is an RFC 9457 problem with a German (or English) reason.
"""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Annotated, Any, Literal

import asyncpg
import orjson
from aiokafka import AIOKafkaProducer
from fastapi import APIRouter, Path, Request
from fastapi.responses import Response
from pydantic import AnyHttpUrl, BaseModel, ConfigDict, Field, StringConstraints, UrlConstraints

from services.hackathon import budget, domain, service, store
from services.hackathon.decisions import (
    NewTeam,
    admit_signup,
    ask_to_confirm,
    confirm,
    erase,
    join,
    leave,
    own_data,
    sign_out,
    signed_in,
    signup_limiter,
    simple,
    submission_for,
    vote,
)
from services.hackathon.domain import HackathonState, Refused
from services.hackathon.mail import send
from shared.access import StaffAccess, check_units
from shared.auth import Account, audit
from shared.contracts.hackathon import (
    LICENCES,
    AwardGrantedV1,
    ChallengePostedV1,
    ConflictDeclaredV1,
    Criterion,
    Evidence,
    HackathonCreatedV1,
    HackathonPhaseChangedV1,
    JurorInvitedV1,
    JuryStatementSavedV1,
    Licence,
    Long,
    Phase,
    PhaseDate,
    ScorecardExcludedV1,
    ScorecardSubmittedV1,
    Short,
    TeamName,
    Title,
)
from shared.contracts.surveys import Slug
from shared.messages import text
from shared.problems import request_language
from shared.refusal import Refusal, forbidden
from shared.settings import Settings

PREFIX = "/api/v1/hackathons"
# An address and nothing else: no display name, quotes, brackets, commas or spaces that could smuggle text into a
# mail's header (``Anything<victim@example.org>``); letters of any script are allowed.
EMAIL = r"^[\w.!#$%&'*+/=?^`{|}~-]+@[\w-]+(\.[\w-]+)+$"
Producer = Callable[[], Awaitable[AIOKafkaProducer]]
WebAddress = Annotated[AnyHttpUrl, UrlConstraints(max_length=2000)]  # sealed, it must fit ``SealedLongText``


class _Body(BaseModel):
    model_config = ConfigDict(extra="forbid")


class CreateBody(_Body):
    id: Slug
    year: int = Field(ge=2000, le=2100)
    title: Title
    description: Long
    schedule: tuple[PhaseDate, ...] = ()
    criteria: tuple[Criterion, ...] = Field(min_length=1, max_length=10)
    max_team_size: int = Field(5, ge=1, le=20)
    community_vote: bool = False
    normalise_scores: bool = False


class PhaseBody(_Body):
    phase: Phase


class ChallengeBody(_Body):
    org_unit: Slug
    title: Title
    problem: Long
    context: Long | None = None
    data_links: tuple[AnyHttpUrl, ...] = Field((), max_length=20)
    contact: Short
    expected_outcome: Long
    evidence: tuple[Evidence, ...] = Field((), max_length=20)


class RegisterBody(_Body):
    name: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100)]
    email: Annotated[str, StringConstraints(strip_whitespace=True, max_length=254, pattern=EMAIL)]
    consent: Literal[True] = Field(description="Agrees to the participation and privacy terms (version 2026-1).")


class ConfirmBody(_Body):
    token: str = Field(min_length=1, max_length=200, description="The token from the link in the registration mail.")


class RegisterAnswer(BaseModel):
    message: str = Field(description="Check your mail (the same answer whether or not the address is registered).")


class ParticipantAnswer(BaseModel):
    participant_id: uuid.UUID
    token: str = Field(description="The personal token: `Authorization: Participant <token>`.")
    valid_until: datetime = Field(description="When the token stops signing in; a new one comes by the lost-link mail.")


def responses(
    answers: dict[int, tuple[type[BaseModel], str]], problems: dict[int, str]
) -> dict[int | str, dict[str, Any]]:
    """OpenAPI ``responses``: the answers' models, and the RFC 9457 problems with when each is given."""
    content = {"application/problem+json": {"schema": {"type": "object"}}}
    described: dict[int | str, dict[str, Any]] = {s: {"model": m, "description": d} for s, (m, d) in answers.items()}
    return described | {status: {"description": what, "content": content} for status, what in problems.items()}


class TeamBody(_Body):
    name: TeamName
    publish_name: bool = False


class JoinBody(_Body):
    code: str = Field(min_length=4, max_length=20)


class SubmissionBody(_Body):
    title: Title
    summary: Short
    description: Long
    repository_url: WebAddress | None = None
    demo_url: WebAddress | None = None
    licence: Licence = Field(description=f"One of {', '.join(LICENCES)}.")


class VoteBody(_Body):
    submission_id: uuid.UUID


class JurorBody(_Body):
    juror: str = Field(min_length=1, max_length=200)


class ConflictBody(_Body):
    team_id: uuid.UUID
    reason: Short
    juror: str | None = Field(None, max_length=200, description="Administrators only: for another juror.")


class ScoreBody(_Body):
    scores: dict[str, int] = Field(max_length=10)
    comment: str | None = Field(None, max_length=2000)


class ExcludeBody(_Body):
    reason: str = Field(min_length=1, max_length=1000, description="Why (at least 10 characters, or refused).")


class StatementBody(_Body):
    statement: Long


class AwardBody(_Body):
    submission_id: uuid.UUID
    amount_cents: int = Field(ge=1, le=100_000_000)
    title: Title
    justification: Long


class BudgetBody(_Body):
    amount_cents: int = Field(ge=0, le=100_000_000)


def _json(body: Any, status: int = 200) -> Response:
    return Response(
        orjson.dumps(body), status_code=status, media_type="application/json", headers={"Cache-Control": "no-store"}
    )


def participant_unauthorized() -> Refusal:
    """No personal token, or one that does not sign in (any more)."""
    return Refusal("problem.unauthorized.title", 401, slug="unauthorized",
                   headers={"WWW-Authenticate": 'Participant realm="stadtstimme"'})  # fmt: skip


def build_hackathon_router(
    settings: Settings, pool: asyncpg.Pool, producer: Producer, access: StaffAccess
) -> APIRouter:
    router = APIRouter(prefix=PREFIX, tags=["hackathon"])
    states = store.States()  # folded hackathons for checking participants' tokens (read only)
    signups = signup_limiter(settings)

    def participant_token(request: Request) -> str:
        scheme, _, token = request.headers.get("authorization", "").partition(" ")
        if scheme.lower() != "participant" or not token.strip():
            raise participant_unauthorized()
        return token.strip()[:200]

    async def participant(request: Request, hackathon_id: str) -> asyncpg.Record:
        """The signed-in participant: a personal token that still signs in (refused 401 once expired)."""
        token = participant_token(request)
        async with pool.acquire() as conn:
            person = await signed_in(conn, await states.get(conn, hackathon_id[:64]), token, settings)
        if person is None:
            raise participant_unauthorized()
        return person

    async def run(
        request: Request,
        hackathon_id: str,
        actor: str,
        decide: service.Decide,
        status: int = 201,
        year_lock: bool = False,
        answer: Callable[[Any], dict[str, Any]] | None = None,
    ) -> Response:
        event = await service.command(
            pool, await producer(), settings, hackathon_id, actor, decide, year_lock=year_lock
        )
        body = answer(event) if answer else {"sequence": getattr(event, "sequence", None)}
        return _json(body, status)

    # ---- Public ----

    @router.get("")
    async def listing() -> Response:
        async with pool.acquire() as conn:
            states = [await store.state(conn, h) for h in await store.hackathons(conn)]
        return _json(
            {
                "items": [
                    {
                        "id": s.id,
                        "title": s.info.title,
                        "year": s.info.year,
                        "phase": s.phase,
                        "phase_name": text(f"hackathon.phase.{s.phase}"),
                    }
                    for s in states
                    if s.created and s.phase != "entwurf"
                ]
            }
        )

    @router.get("/{hackathon_id}")
    async def public(hackathon_id: str, request: Request) -> Response:
        async def handler() -> Response:
            async with pool.acquire() as conn:
                state = await store.state(conn, hackathon_id)
                if state.created is None or state.phase == "entwurf":
                    raise Refused("unknown", 404)
                evidence = await evidence_figures(conn, state)
            return _json(public_view(state, evidence))

        return await handler()

    # ---- Participants ----

    @router.post(
        "/{hackathon_id}/participants",
        status_code=202,
        responses=responses({202: (RegisterAnswer, "A mail is on its way (or went out minutes ago)")},
                            {404: "Unknown hackathon", 409: "Registration is not open in this phase",
                             422: "Invalid field, or no consent",
                             429: "Too many registrations and lost-link requests from this client (Retry-After)"}),
    )  # fmt: skip
    async def register(hackathon_id: str, body: RegisterBody, request: Request) -> Response:
        """Register, step one of two (double opt-in): mails a link to the address. For a new address the link
        confirms the registration (within 48 hours; confirm with its token); an address that is registered already
        (however spelt: case, "+tag", Gmail's dots) gets a single-use sign-in link instead, valid 48 hours, and its
        personal token keeps working until that link is confirmed. The answer is the same either way, and no token
        is in it. At most one mail per address every five minutes, and a few requests per client every ten."""

        async def handler() -> Response:
            key = admit_signup(signups, request.client.host if request.client else None)
            async with pool.acquire() as conn:
                state = await store.state(conn, hackathon_id)
                if state.created is None:
                    signups.refund(key)
                    raise Refused("unknown", 404)
                letter = await ask_to_confirm(conn, state, body.name, body.email)
            lang = request_language(request)
            if letter is not None:
                send(settings, letter, state.id, state.info.title, lang)
            return _json({"message": text("hackathon.page.check_mail.body", lang)}, 202)

        return await handler()

    @router.post(
        "/{hackathon_id}/participants/confirm",
        status_code=201,
        responses=responses({201: (ParticipantAnswer, "Registered now"),
                             200: (ParticipantAnswer, "Signed in: a sign-in link, or a token confirmed before")},
                            {401: "A personal token that expired, or the hackathon is over", 404: "Unknown token",
                             409: "Registration has closed since",
                             410: "The link's time (48 hours) ran out: register again, or ask for a new link",
                             422: "No token"}),
    )  # fmt: skip
    async def confirm_registration(hackathon_id: str, body: ConfirmBody, request: Request) -> Response:
        """Register, step two: the token from the mailed link registers the person (once; again it only answers
        200) and is from then on their personal token. The token of a mailed sign-in link (a registered address)
        becomes the personal token instead (200; the previous one stops working)."""

        async def handler() -> Response:
            signed = await confirm(pool, await producer(), settings, hackathon_id, body.token)
            answer = {"participant_id": str(signed.participant_id), "token": body.token,
                      "valid_until": signed.valid_until.isoformat()}  # fmt: skip
            return _json(answer, 201 if signed.registered else 200)

        return await handler()

    @router.delete(
        "/{hackathon_id}/session",
        status_code=204,
        responses=responses({}, {401: "No participant token, or one that is not valid (any more)"}),
    )
    async def sign_out_everywhere(hackathon_id: str, request: Request) -> Response:
        """Sign out (`Authorization: Participant <token>`): the personal token is revoked on the server, so the
        link and every cookie holding it stop working, also an expired one. A new link comes by mail (the lost-link
        page, or registering again)."""

        async def handler() -> Response:
            token = participant_token(request)
            async with pool.acquire() as conn:
                if not await sign_out(conn, hackathon_id[:64], token):
                    raise participant_unauthorized()
            return Response(status_code=204, headers={"Cache-Control": "no-store"})

        return await handler()

    @router.get("/{hackathon_id}/me")
    async def me(hackathon_id: str, request: Request) -> Response:
        """Everything stored about the signed-in participant (data export, DSGVO Art. 15 and 20)."""

        async def handler() -> Response:
            person = await participant(request, hackathon_id)
            async with pool.acquire() as conn:
                return _json(await own_data(conn, await store.state(conn, hackathon_id), person))

        return await handler()

    async def as_participant(
        request: Request, hackathon_id: str, decide_for: Callable[[uuid.UUID], service.Decide], status: int = 200,
        answer: Callable[[Any], dict[str, Any]] | None = None,
    ) -> Response:  # fmt: skip
        """A participant's command: signed in by their token, decided as on the pages (``decisions``)."""

        async def handler() -> Response:
            pid = (await participant(request, hackathon_id))["participant_id"]
            return await run(request, hackathon_id, f"participant:{pid}", decide_for(pid), status, answer=answer)

        return await handler()

    @router.delete("/{hackathon_id}/me")
    async def erase_me(hackathon_id: str, request: Request) -> Response:
        """Delete the participant's personal data; they leave their team, and what they wrote goes with them: the
        names of teams they founded or whose name contains theirs, the texts of submissions nobody still registered
        wrote with them, and their vote (once the results are published, it stays in the published count)."""
        return await as_participant(request, hackathon_id, lambda pid: erase(pid, None))

    @router.post("/{hackathon_id}/teams", status_code=201)
    async def create_team(hackathon_id: str, body: TeamBody, request: Request) -> Response:
        founding: list[NewTeam] = []

        def decide_for(pid: uuid.UUID) -> service.Decide:
            founding.append(NewTeam(pid, body.name, body.publish_name))
            return founding[0]

        return await as_participant(request, hackathon_id, decide_for, 201,
                                    lambda e: {"team_id": str(e.team_id), "code": founding[0].code})  # fmt: skip

    @router.post("/{hackathon_id}/teams/join")
    async def join_team(hackathon_id: str, body: JoinBody, request: Request) -> Response:
        return await as_participant(request, hackathon_id, lambda pid: join(pid, body),
                                    answer=lambda e: {"team_id": str(e.team_id)})  # fmt: skip

    @router.post("/{hackathon_id}/teams/leave")
    async def leave_team(hackathon_id: str, request: Request) -> Response:
        return await as_participant(request, hackathon_id, lambda pid: leave(pid, None))

    @router.post("/{hackathon_id}/votes")
    async def cast_vote(hackathon_id: str, body: VoteBody, request: Request) -> Response:
        return await as_participant(request, hackathon_id, lambda pid: vote(pid, body))

    @router.put("/{hackathon_id}/submissions/{challenge_id}")
    async def save_submission(hackathon_id: str, challenge_id: str, body: SubmissionBody, request: Request) -> Response:
        def saved(e: Any) -> dict[str, Any]:
            return {"submission_id": str(e.submission_id), "revision": e.revision}

        return await as_participant(request, hackathon_id, lambda pid: submission_for(challenge_id)(pid, body),
                                    answer=saved)  # fmt: skip

    # ---- Staff ----

    @router.post("", status_code=201)
    async def create(body: CreateBody, request: Request) -> Response:
        async def handler() -> Response:
            account = await access.require(request, "hackathons.run")
            data = body.model_dump(mode="json", exclude={"id"})
            return await run(
                request, body.id, account.username, simple(HackathonCreatedV1, lambda s: domain.create(s, data))
            )

        return await handler()

    @router.post("/{hackathon_id}/phase")
    async def phase(hackathon_id: str, body: PhaseBody, request: Request) -> Response:
        async def handler() -> Response:
            account = await access.require(request, "hackathons.run")
            response = await run(
                request,
                hackathon_id,
                account.username,
                simple(HackathonPhaseChangedV1, lambda s: domain.change_phase(s, body.phase)),
                status=200,
            )
            if response.status_code == 200:
                async with pool.acquire() as conn:
                    await audit(conn, account.username, "hackathon_phase", hackathon_id, phase=body.phase)
            return response

        return await handler()

    @router.put("/{hackathon_id}/challenges/{challenge_id}")
    async def challenge(hackathon_id: str, challenge_id: Slug, body: ChallengeBody, request: Request) -> Response:
        async def handler() -> Response:
            account = await access.require(request, "hackathons.challenge")
            fields = body.model_dump(mode="json")

            def decide(state: HackathonState) -> dict[str, Any]:
                # Under the hackathon's lock: the challenge as it is (its unit now) and as it will be.
                known = state.challenges.get(challenge_id)
                check_units(
                    account, "hackathons.challenge", known.org_unit if known else None, body.org_unit, hidden=False
                )
                return domain.post_challenge(state, challenge_id, fields)

            return await run(
                request,
                hackathon_id,
                account.username,
                simple(ChallengePostedV1, decide),
                status=200,
                answer=lambda e: {"challenge_id": e.challenge_id, "revision": e.revision},
            )

        return await handler()

    @router.post("/{hackathon_id}/jurors", status_code=201)
    async def invite(hackathon_id: str, body: JurorBody, request: Request) -> Response:
        async def handler() -> Response:
            account = await access.require(request, "hackathons.run")
            async with pool.acquire() as conn:
                if not await conn.fetchval(
                    "SELECT true FROM staff_account WHERE username = $1 AND NOT disabled", body.juror
                ):
                    raise Refused("unknown_juror", 422, juror=body.juror)
            return await run(
                request,
                hackathon_id,
                account.username,
                simple(JurorInvitedV1, lambda s: domain.invite_juror(s, body.juror)),
            )

        return await handler()

    @router.post("/{hackathon_id}/conflicts", status_code=201)
    async def conflict(hackathon_id: str, body: ConflictBody, request: Request) -> Response:
        async def handler() -> Response:
            account = await access.require(request, "hackathons.judge")
            juror = body.juror or account.username
            if juror != account.username and not account.may("hackathons.run"):
                raise forbidden()
            return await run(
                request,
                hackathon_id,
                account.username,
                simple(ConflictDeclaredV1, lambda s: domain.declare_conflict(s, juror, body.team_id, body.reason)),
            )

        return await handler()

    @router.put("/{hackathon_id}/scorecards/{submission_id}")
    async def score(hackathon_id: str, submission_id: uuid.UUID, body: ScoreBody, request: Request) -> Response:
        async def handler() -> Response:
            account = await access.require(request, "hackathons.judge")
            return await run(
                request,
                hackathon_id,
                account.username,
                simple(
                    ScorecardSubmittedV1,
                    lambda s: domain.submit_scorecard(s, account.username, submission_id, body.scores, body.comment),
                ),
                status=200,
            )

        return await handler()

    @router.post("/{hackathon_id}/scorecards/{submission_id}/{juror}/exclude", status_code=201)
    async def exclude(
        hackathon_id: str, submission_id: uuid.UUID, juror: str, body: ExcludeBody, request: Request
    ) -> Response:
        async def handler() -> Response:
            account = await access.require(request, "hackathons.run")
            return await run(
                request,
                hackathon_id,
                account.username,
                simple(ScorecardExcludedV1, lambda s: domain.exclude_scorecard(s, juror, submission_id, body.reason)),
            )

        return await handler()

    @router.put("/{hackathon_id}/statements/{submission_id}")
    async def statement(hackathon_id: str, submission_id: uuid.UUID, body: StatementBody, request: Request) -> Response:
        async def handler() -> Response:
            account = await access.require(request, "hackathons.run")
            return await run(
                request,
                hackathon_id,
                account.username,
                simple(JuryStatementSavedV1, lambda s: domain.save_statement(s, submission_id, body.statement)),
                status=200,
            )

        return await handler()

    @router.post("/{hackathon_id}/awards", status_code=201)
    async def award(hackathon_id: str, body: AwardBody, request: Request) -> Response:
        async def handler() -> Response:
            account = await access.require(request, "hackathons.run")

            async def decide(state: HackathonState, conn: asyncpg.Connection) -> tuple[type[BaseModel], dict[str, Any]]:
                left = await service.left_cents(conn, state.info.year)
                return AwardGrantedV1, domain.grant_award(
                    state, left, uuid.uuid4(), body.submission_id, body.amount_cents, body.title, body.justification
                )

            return await run(
                request,
                hackathon_id,
                account.username,
                decide,
                year_lock=True,
                answer=lambda e: {"award_id": str(e.award_id)},
            )

        return await handler()

    @router.put("/budgets/{year}")
    async def set_budget(year: Annotated[int, Path(ge=2000, le=2100)], body: BudgetBody, request: Request) -> Response:
        async def handler() -> Response:
            account = await access.require(request, "hackathons.run")
            await service.set_budget(pool, await producer(), settings, year, body.amount_cents, account.username)
            return _json({"year": year, "amount_cents": body.amount_cents})

        return await handler()

    @router.get("/{hackathon_id}/jury")
    async def jury(hackathon_id: str, request: Request) -> Response:
        """What the jury works with: the submissions, the ranking so far (with the counts of scorecards that do
        not count and why), the prize ledger. Administrators, analysts and the hackathon's jurors."""

        async def handler() -> Response:
            account = await access.require(request, "hackathons.read")
            async with pool.acquire() as conn:
                state = await store.state(conn, hackathon_id)
                if state.created is None:
                    raise Refused("unknown", 404)
                if account.units_visible() is not None and account.username not in state.jurors:
                    raise forbidden()
                year = await store.year_budget(conn, state.info.year)
                ledger = budget.ledger(year, await store.awards(conn, state.info.year))
            return _json(jury_view(state, ledger, account))

        return await handler()

    return router


# ---- Views ----


def evidence_key(evidence: Evidence, org_unit: str) -> str:
    return evidence.page_url if evidence.page_url is not None else f"theme|{org_unit}|{evidence.theme}"


def _figures(responses: int, yes: int, no: int, rating_sum: int, ratings: int) -> dict[str, Any]:
    """Aggregates only, and nothing resting on fewer than 5 answers."""
    answers = yes + no
    return {
        "responses": responses,
        "helpful_share": round(yes / answers, 3) if answers >= 5 else None,
        "mean_rating": round(rating_sum / ratings, 2) if ratings >= 5 else None,
    }


async def measure_outcomes(conn: asyncpg.Connection, hackathon_id: str) -> dict[str, dict[str, Any]]:
    """What the hackathon's solutions achieved: the measures the city published that implement one of its
    submissions, by submission id, with their effect as analytics computed it last (its published view
    ``measure_outcome``; ``figures`` None until analytics first computed it)."""
    rows = await conn.fetch(
        """SELECT measure_id, title_de, title_en, live_on, submission_id, figures FROM measure_outcome
           WHERE hackathon_id = $1 AND submission_id IS NOT NULL ORDER BY live_on""",
        hackathon_id,
    )
    found: dict[str, dict[str, Any]] = {}
    for r in rows:
        figures = orjson.loads(r["figures"]) if r["figures"] is not None else None
        found[str(r["submission_id"])] = dict(r) | {"figures": figures}
    return found


async def evidence_figures(conn: asyncpg.Connection, state: HackathonState) -> dict[str, dict[str, Any]]:
    """Figures of what challenges cite, over the last 90 days: a page's satisfaction; for a theme, the comments on
    the challenge unit's pages that mention it (German full-text search, spam and suspected spam left out)."""
    cited = [(e, c.org_unit) for c in state.challenges.values() for e in c.evidence]
    pages = sorted({e.page_url for e, _ in cited if e.page_url is not None})
    found: dict[str, dict[str, Any]] = {}
    if pages:
        rows = await conn.fetch(
            """SELECT page_url, sum(responses)::int AS responses, sum(helpful_yes)::int AS yes,
                      sum(helpful_no)::int AS no, sum(rating_sum)::int AS rating_sum,
                      sum(rating_count)::int AS ratings
               FROM page_figures WHERE page_url = ANY($1::text[]) AND hour_start >= now() - interval '90 days'
               GROUP BY page_url""",
            pages,
        )
        for r in rows:
            found[r["page_url"]] = _figures(r["responses"], r["yes"], r["no"], r["rating_sum"], r["ratings"])
    for e, unit in cited:
        if e.theme is None:
            continue
        r = await conn.fetchrow(
            """SELECT count(*)::int AS responses, count(*) FILTER (WHERE i.helpful)::int AS yes,
                      count(*) FILTER (WHERE NOT i.helpful)::int AS no, coalesce(sum(i.rating), 0)::int AS rating_sum,
                      count(i.rating)::int AS ratings
               FROM comment_inbox i
               WHERE i.org_unit_id = $1 AND i.received_at >= now() - interval '90 days' AND cardinality(i.flags) = 0
                 AND i.status <> 'spam' AND i.search @@ websearch_to_tsquery('german', $2)""",
            unit,
            e.theme,
        )
        found[evidence_key(e, unit)] = _figures(r["responses"], r["yes"], r["no"], r["rating_sum"], r["ratings"])
    return found


def published_team_names(state: HackathonState) -> dict[uuid.UUID, str | None]:
    """Team names as the results show them: only where the team agreed (None otherwise); an erased name as
    "Team <number>"."""
    return {t.id: t.shown_name() if t.publish_name else None for t in state.teams.values()}


def public_view(state: HackathonState, evidence: dict[str, dict[str, Any]]) -> dict[str, Any]:
    info = state.info
    view: dict[str, Any] = {
        "id": state.id,
        "title": info.title,
        "description": info.description,
        "year": info.year,
        "phase": state.phase,
        "phase_name": text(f"hackathon.phase.{state.phase}"),
        "schedule": [p.model_dump(mode="json") for p in info.schedule],
        "criteria": [c.model_dump(mode="json") for c in info.criteria],
        "max_team_size": info.max_team_size,
        "community_vote": info.community_vote,
        "challenges": [
            {
                **c.model_dump(mode="json", exclude={"hackathon_id", "sequence", "actor", "at"}),
                "evidence": [
                    {**e.model_dump(mode="json"), "satisfaction": evidence.get(evidence_key(e, c.org_unit))}
                    for e in c.evidence
                ],
            }
            for c in state.challenges.values()
        ],
        "teams": len(state.teams),
        "participants": len(state.participants),
        "submissions": len(state.submissions),
        "results": None,
    }
    if state.phase in ("ergebnisse_veroeffentlicht", "archiv"):
        view["results"] = results_view(state, published_team_names(state))
    return view


def results_view(state: HackathonState, teams: dict[uuid.UUID, str | None]) -> dict[str, Any]:
    """The published results: every submission keeps its place, score, votes and prizes; an erased one without
    its texts (``erased``; title, summary and links None)."""
    result = domain.jury_ranking(state)
    votes = domain.vote_counts(state) or {}
    awards: dict[uuid.UUID, list[AwardGrantedV1]] = {}
    for a in state.awards:
        awards.setdefault(a.submission_id, []).append(a)
    entries = []
    for e in result.entries:
        s = state.submissions[uuid.UUID(e.submission)]
        entries.append(
            {
                "rank": e.rank,
                "tied": e.tied,
                "score": e.score_text,
                "submission_id": e.submission,
                "title": s.title,
                "summary": s.summary,
                "erased": s.erased,
                "challenge_id": s.challenge_id,
                "licence": s.licence,
                "repository_url": s.repository_url,
                "demo_url": s.demo_url,
                "team": teams.get(s.team_id),
                "statement": state.statements.get(s.submission_id),
                "votes": votes.get(s.submission_id, 0),
                "awards": [
                    {
                        "title": a.title,
                        "amount": domain.euro(a.amount_cents),
                        "amount_cents": a.amount_cents,
                        "justification": a.justification,
                    }
                    for a in awards.get(s.submission_id, [])
                ],
            }
        )
    return {"normalised": result.normalised, "ranking": entries}


def jury_view(state: HackathonState, ledger: domain.Ledger, account: Account) -> dict[str, Any]:
    result = domain.jury_ranking(state)
    everything = account.units_visible() is None  # administrators, analysts, tokens; jurors see their own
    return {
        "phase": state.phase,
        "jurors": sorted(state.jurors),
        "submissions": [s.as_json() for s in state.submissions.values()],
        "teams": [{"id": str(t.id), "name": t.shown_name(), "members": len(t.members)} for t in state.teams.values()],
        "ranking": [
            {
                "submission_id": e.submission,
                "rank": e.rank,
                "tied": e.tied,
                "score": e.score_text,
                "scorecards": e.scorecards,
                "excluded": e.excluded,
                "incomplete": e.incomplete,
                "conflicted": e.conflicted,
            }
            for e in result.entries
        ],
        "scorecards": [
            {
                "juror": j,
                "submission_id": str(s),
                "scores": c.scores,
                "comment": c.comment,
                "excluded": state.excluded.get((j, s)),
            }
            for (j, s), c in state.scorecards.items()
            if everything or j == account.username
        ],
        "conflicts": [
            {"juror": j, "team_id": str(t), "reason": r}
            for (j, t), r in state.conflicts.items()
            if everything or j == account.username
        ],
        "ledger": {
            "year": ledger.year,
            "budget_cents": ledger.budget_cents,
            "awarded_cents": ledger.awarded_cents,
            "expenses_cents": ledger.expenses_cents,
            "left_cents": ledger.left_cents,
            "left": domain.euro(ledger.left_cents),
        },
        "awards": [a.model_dump(mode="json", exclude={"actor"}) for a in state.awards],
    }
