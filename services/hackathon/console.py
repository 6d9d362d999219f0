"""The hackathon in the staff console, under ``/console/hackathons`` (German, server-rendered, no JavaScript):
the list, one hackathon's overview (phase, schedule, challenges, teams, submissions; for administrators,
analysts and its jurors also the ranking so far and the prize ledger), the jurors' scorecards, unit staff's
challenges, and the administrators' forms (a new hackathon, phase, jury, exclusions, statements, prizes, budget).
Every change goes through ``service.command`` with the same domain decisions as the JSON API (``api``).

Sign-in is the console's session; every POST must come from the console's own origin (403 otherwise), and the
administrators' changes go to the audit log, as in the rest of the console.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Collection
from dataclasses import asdict, dataclass
from datetime import date, datetime, time
from pathlib import Path
from typing import Any
from urllib.parse import quote
from zoneinfo import ZoneInfo

import asyncpg
from aiokafka.errors import KafkaError
from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import BaseModel, ValidationError

from services.hackathon import budget, domain, service, store
from services.hackathon.api import ChallengeBody, CreateBody, Producer
from services.hackathon.decisions import simple
from services.hackathon.domain import HackathonState, Refused
from services.hackathon.pages import licence_label, refusal_status, when
from shared.access import StaffAccess, check_units
from shared.auth import Account, audit
from shared.console_ui import ConsoleUI, read_form
from shared.contracts.hackathon import (
    PHASES,
    AwardGrantedV1,
    ChallengePostedV1,
    ConflictDeclaredV1,
    HackathonCreatedV1,
    HackathonPhaseChangedV1,
    JurorInvitedV1,
    JuryStatementSavedV1,
    ScorecardExcludedV1,
    ScorecardSubmittedV1,
)
from shared.messages import text
from shared.refusal import Refusal, forbidden
from shared.settings import Settings
from shared.slugs import slug

CONSOLE = "/console"
PREFIX = f"{CONSOLE}/hackathons"
NOTICES = ("phase", "juror", "excluded", "statement", "award", "scorecard", "budget", "conflict", "challenge",
           "created")  # fmt: skip
CHALLENGE_FIELDS = ("org_unit", "title", "problem", "context", "data_links", "contact", "expected_outcome",
                    "evidence_pages", "evidence_theme")  # fmt: skip
# Which field of an overview form a refusal belongs to, per form (others go in the summary only).
REFUSAL_FIELDS: dict[str, dict[str, str]] = {
    "juror": {"unknown_juror": "juror", "juror_invited": "juror"},
    "exclude": {"reason": "reason", "excluded": "scorecard", "unknown_scorecard": "scorecard"},
    "statement": {"unknown_submission": "statement-submission"},
    "award": {"budget": "amount", "amount": "amount", "unknown_submission": "award-submission"},
    "budget": {"budget_below_awards": "budget-amount"},
    "conflict": {"conflict_declared": "conflict-team", "unknown_team": "conflict-team"},
}
# Euro as staff type it: "2.500", "2500", "2.500,00", "2500,5".
_EURO = re.compile(r"(\d{1,3}(?:\.\d{3})+|\d+)(?:,(\d{1,2}))?")
_HERE = Path(__file__).parent


def cents(amount: str) -> int | None:
    """An amount in euro in German notation as cents; None for anything else."""
    found = _EURO.fullmatch(amount.strip().removesuffix("€").strip())
    if found is None:
        return None
    whole, fraction = found.group(1).replace(".", ""), (found.group(2) or "").ljust(2, "0")
    return int(whole) * 100 + int(fraction)


@dataclass(frozen=True)
class Failed:
    """A refused form, shown again: which form, what was typed, and each error with the id of its field (``None``
    for a reason that belongs to no single field; it stands in the summary only)."""

    form: str
    values: dict[str, str]
    errors: tuple[tuple[str | None, str], ...]

    @property
    def by_field(self) -> dict[str, str]:
        return {f: m for f, m in self.errors if f}


def lines(value: str) -> list[str]:
    return [line.strip() for line in value.splitlines() if line.strip()]


def challenge_body(form: dict[str, str]) -> dict[str, Any]:
    """The challenge form as the API's ``ChallengeBody``: links and cited pages one per line, a theme at most."""
    theme = form.get("evidence_theme", "").strip()
    pages = lines(form.get("evidence_pages", ""))
    return {
        "org_unit": form.get("org_unit", ""),
        "title": form.get("title", "").strip(),
        "problem": form.get("problem", "").strip(),
        "context": form.get("context", "").strip() or None,
        "data_links": lines(form.get("data_links", "")),
        "contact": form.get("contact", "").strip(),
        "expected_outcome": form.get("expected_outcome", "").strip(),
        "evidence": [{"page_url": page} for page in pages] + ([{"theme": theme}] if theme else []),
    }


def challenge_errors(exc: ValidationError, pages: int) -> tuple[tuple[str | None, str], ...]:
    """One German message per invalid field of the challenge form, in form order; a cited page and the theme
    are told apart by their place in ``evidence`` (pages first)."""
    fields: dict[str, None] = {}
    for error in exc.errors():
        loc = error["loc"]
        name = str(loc[0]) if loc else ""
        if name == "evidence":
            name = "evidence_pages" if len(loc) > 1 and isinstance(loc[1], int) and loc[1] < pages else "evidence_theme"
        fields.setdefault(name if name in CHALLENGE_FIELDS else "title", None)
    ordered = [f for f in CHALLENGE_FIELDS if f in fields]
    return tuple((f"challenge-{f}", text(f"hackathon.console.error.challenge.{f}")) for f in ordered)


# ---- A new hackathon (administrators) ----

CRITERIA_ROWS = 6
# The jury criteria the form starts with (name, weight); staff change, remove or add to them.
DEFAULT_CRITERIA = (("Nutzen für die Stadtgesellschaft", "40"), ("Umsetzbarkeit", "25"), ("Innovation", "20"),
                    ("Qualität der Präsentation", "15"))  # fmt: skip
HACKATHON_FIELDS = (
    "title",
    "year",
    "description",
    *(f"start-{p}-{part}" for p in PHASES for part in ("day", "time")),
    *(f"criterion-{n}-{part}" for n in range(1, CRITERIA_ROWS + 1) for part in ("name", "weight")),
    "max_team_size",
    "community_vote",
    "normalise_scores",
)
_DAY = re.compile(r"(\d{1,2})\.(\d{1,2})\.(\d{4})")
_TIME = re.compile(r"(\d{1,2})(?:[:.](\d{2}))?(?:\s*Uhr)?")


def hackathon_defaults(year: int) -> dict[str, str]:
    """The empty form for a new hackathon of ``year``: the usual criteria and team size filled in."""
    values = dict.fromkeys(HACKATHON_FIELDS, "") | {"year": str(year), "max_team_size": "5"}
    for n, (name, weight) in enumerate(DEFAULT_CRITERIA, start=1):
        values |= {f"criterion-{n}-name": name, f"criterion-{n}-weight": weight}
    return values


def german_day(typed: str) -> date | None:
    """A day as staff type it ("1.12.2027", "01.12.2027"); None for anything else."""
    found = _DAY.fullmatch(typed.strip())
    try:
        return date(int(found[3]), int(found[2]), int(found[1])) if found else None
    except ValueError:
        return None


def german_time(typed: str) -> time | None:
    """A time of day as staff type it ("9:00", "09.30", "14 Uhr"); None for anything else."""
    found = _TIME.fullmatch(typed.strip())
    try:
        return time(int(found[1]), int(found[2] or 0)) if found else None
    except ValueError:
        return None


def hackathon_form(
    values: dict[str, str], tz: ZoneInfo, taken: Collection[str]
) -> tuple[CreateBody | None, tuple[tuple[str | None, str], ...]]:
    """The new-hackathon form as the API's ``CreateBody`` (the id from title and year, not yet in ``taken``), or
    one German message per invalid field, in form order. Planned starts are local time in ``tz``; criterion rows
    left empty do not count, and each criterion's id comes from its name."""
    errors: dict[str, str] = {}
    schedule = []
    for phase in PHASES:
        typed_day, typed_time = values.get(f"start-{phase}-day", ""), values.get(f"start-{phase}-time", "")
        if not typed_day.strip() and not typed_time.strip():
            continue
        day, at = german_day(typed_day), german_time(typed_time)
        name = text(f"hackathon.phase.{phase}")
        if day is None:
            errors[f"start-{phase}-day"] = text("hackathon.console.error.create.day", phase=name)
        if at is None:
            errors[f"start-{phase}-time"] = text("hackathon.console.error.create.time", phase=name)
        if day is not None and at is not None:
            schedule.append({"phase": phase, "starts_at": datetime.combine(day, at, tzinfo=tz)})
    criteria: list[dict[str, str]] = []
    rows: list[int] = []
    for n in range(1, CRITERIA_ROWS + 1):
        name, weight = values.get(f"criterion-{n}-name", "").strip(), values.get(f"criterion-{n}-weight", "").strip()
        if name or weight:
            criteria.append({"id": slug(name, [c["id"] for c in criteria], "kriterium"), "name": name,
                             "weight": weight})  # fmt: skip
            rows.append(n)
    title, year = values.get("title", "").strip(), values.get("year", "").strip()
    body = {
        "id": slug(
            title, taken, "hackathon", suffix=year if year.isascii() and year.isdigit() and len(year) == 4 else ""
        ),
        "year": year,
        "title": title,
        "description": values.get("description", "").strip(),
        "schedule": schedule,
        "criteria": criteria,
        "max_team_size": values.get("max_team_size", "").strip(),
        "community_vote": bool(values.get("community_vote")),
        "normalise_scores": bool(values.get("normalise_scores")),
    }
    try:
        created = CreateBody.model_validate(body)
    except ValidationError as exc:
        for error in exc.errors():
            field, message = _create_error(error["loc"], rows)
            errors.setdefault(field, message)
    else:
        if not errors:
            return created, ()
    ordered = sorted(errors.items(), key=lambda e: HACKATHON_FIELDS.index(e[0]))
    return None, tuple((f"hackathon-{field}", message) for field, message in ordered)


def _create_error(loc: tuple[int | str, ...], rows: list[int]) -> tuple[str, str]:
    """The form field of one of ``CreateBody``'s errors and its German message; ``rows``: each criterion's row."""
    head = loc[0] if loc else ""
    if head == "criteria" and len(loc) > 1 and isinstance(loc[1], int):
        row, part = rows[loc[1]], "weight" if loc[2:3] == ("weight",) else "name"
        return f"criterion-{row}-{part}", text(f"hackathon.console.error.create.criterion_{part}", row=row)
    if head == "criteria":
        return "criterion-1-name", text("hackathon.console.error.create.criteria")
    if head in ("year", "description", "max_team_size"):
        return str(head), text(f"hackathon.console.error.create.{head}")
    return "title", text("hackathon.console.error.create.title")  # the id (from the title) and anything else


def privileged(account: Account, state: HackathonState) -> bool:
    """Who sees the ranking so far and the prize ledger: whoever reads every unit (administrators, analysts) and
    the hackathon's jurors."""
    return account.units_visible() is None or account.username in state.jurors


def card_status(state: HackathonState, juror: str, submission: uuid.UUID) -> str:
    team = state.submissions[submission].team_id
    card = state.scorecards.get((juror, submission))
    if (juror, team) in state.conflicts:
        return "conflict"
    if card is None:
        return "missing"
    if (juror, submission) in state.excluded:
        return "excluded"
    complete = {c.id for c in state.info.criteria} <= set(card.scores)
    return "complete" if complete else "incomplete"


def overview_context(state: HackathonState, ledger: domain.Ledger, account: Account, tz: ZoneInfo) -> dict[str, Any]:
    """What the overview shows of one hackathon, for this account."""
    here = PHASES.index(state.phase)
    titles = {c.challenge_id: c.title for c in state.challenges.values()}
    teams = {t.id: t.shown_name() for t in state.teams.values()}
    submissions = sorted(state.submissions.values(), key=lambda s: s.sequence)
    names = {s.submission_id: s.shown_title() for s in submissions}  # "(gelöscht)" once erased
    view: dict[str, Any] = {
        "state": state,
        "info": state.info,
        "phase_name": text(f"hackathon.phase.{state.phase}"),
        "schedule": [
            {"phase": text(f"hackathon.phase.{p.phase}"), "when": when(p.starts_at, tz, "de")}
            for p in state.info.schedule
        ],
        "next_phase": PHASES[here + 1] if here + 1 < len(PHASES) else None,
        "previous_phase": PHASES[here - 1]
        if here > 0 and state.phase not in ("ergebnisse_veroeffentlicht", "archiv")
        else None,
        "challenges": [
            {
                "title": c.title,
                "org_unit": c.org_unit,
                "revision": c.revision,
                "edit": account.may_act_on("hackathons.challenge", c.org_unit),
                "id": c.challenge_id,
            }
            for c in state.challenges.values()
        ],
        "may_post": account.may("hackathons.challenge"),
        "teams": [{"name": t.shown_name(), "members": len(t.members)} for t in state.teams.values()],
        "submissions": [
            {
                "id": str(s.submission_id),
                "title": names[s.submission_id],
                "team": teams.get(s.team_id, "–"),
                "challenge": titles.get(s.challenge_id, s.challenge_id),
                "licence": licence_label(s.licence, "de"),
                "repository_url": s.repository_url,
                "demo_url": s.demo_url,
            }
            for s in submissions
        ],
        "jurors": sorted(state.jurors),
        "privileged": privileged(account, state),
        "admin": account.may("hackathons.run"),
        "juror": account.username in state.jurors,
    }
    if account.username in state.jurors:
        view["mine"] = [
            {
                "id": str(s.submission_id),
                "title": names[s.submission_id],
                "status": card_status(state, account.username, s.submission_id),
            }
            for s in submissions
        ]
    if view["juror"]:
        view["conflict_teams"] = [
            {"id": str(t.id), "name": t.shown_name()}
            for t in state.teams.values()
            if (account.username, t.id) not in state.conflicts
        ]
    if view["privileged"]:
        view["ranking"] = [
            {**asdict(e), "score_text": e.score_text, "title": names[uuid.UUID(e.submission)]}
            for e in domain.jury_ranking(state).entries
        ]
        view["ledger"] = {
            "year": ledger.year,
            "budget": domain.euro(ledger.budget_cents),
            "awarded": domain.euro(ledger.awarded_cents),
            "expenses": domain.euro(ledger.expenses_cents),
            "left": domain.euro(ledger.left_cents),
        }
        view["awards"] = [
            {"title": a.title, "submission": names.get(a.submission_id, "–"), "amount": domain.euro(a.amount_cents)}
            for a in state.awards
        ]
    if view["admin"]:
        view["cards"] = [
            {"value": f"{j}|{s}", "label": text("hackathon.console.exclude.option", juror=j, title=names[s])}
            for (j, s), _ in sorted(state.scorecards.items(), key=lambda kv: kv[1].sequence)
            if (j, s) not in state.excluded
        ]
    return view


def build_hackathon_console(
    settings: Settings, pool: asyncpg.Pool, producer: Producer, access: StaffAccess
) -> APIRouter:
    router = APIRouter(prefix=PREFIX, include_in_schema=False)
    ui = ConsoleUI.build(settings, access, _HERE / "templates")
    page, tz = ui.page, ui.tz

    def url(hackathon_id: str, *path: str) -> str:
        return "/".join((PREFIX, quote(hackathon_id, safe=""), *path))

    async def load(hackathon_id: str) -> tuple[HackathonState, domain.Ledger] | None:
        async with pool.acquire() as conn:
            state = await store.state(conn, hackathon_id[:64])
            if state.created is None:
                return None
            year = await store.year_budget(conn, state.info.year)
            return state, budget.ledger(year, await store.awards(conn, state.info.year))

    def reason(exc: Refused) -> str:
        values = {k: text(f"hackathon.phase.{v}") if k == "phase" else v for k, v in exc.values.items()}
        return text(f"hackathon.refused.{exc.code}", **values)

    async def overview(
        account: Account, hackathon_id: str, status: int = 200, failed: Failed | None = None,
        notice: str | None = None,
    ) -> HTMLResponse:  # fmt: skip
        loaded = await load(hackathon_id)
        if loaded is None:
            return ui.not_found(account)
        state, ledger = loaded
        return page(
            "hackathon_console_overview.html",
            status,
            account=account,
            url=url(state.id),
            failed=failed,
            errors=failed.errors if failed else (),
            field_errors=failed.by_field if failed else {},
            notice=notice if notice in NOTICES else None,
            **overview_context(state, ledger, account, tz),
        )

    @router.get("")
    async def listing(request: Request) -> Response:
        account = await ui.require(request, "hackathons.read")
        async with pool.acquire() as conn:
            states = [await store.state(conn, h) for h in await store.hackathons(conn)]
        known = sorted((s for s in states if s.created is not None), key=lambda s: (-s.info.year, s.info.title))
        rows = [
            {"url": url(s.id), "title": s.info.title, "year": s.info.year, "phase": text(f"hackathon.phase.{s.phase}")}
            for s in known
        ]
        return page("hackathon_console_list.html", account=account, hackathons=rows)

    # ---- A new hackathon (administrators; registered before ``/{hackathon_id}``) ----

    def new_hackathon_page(
        account: Account, values: dict[str, str], status: int = 200, errors: tuple[tuple[str | None, str], ...] = ()
    ) -> HTMLResponse:
        return page(
            "hackathon_console_new.html",
            status,
            account=account,
            values=values,
            errors=errors,
            field_errors={f: m for f, m in errors if f},
            phases=[{"id": p, "name": text(f"hackathon.phase.{p}")} for p in PHASES],
            rows=range(1, CRITERIA_ROWS + 1),
        )

    @router.get("/neu")
    async def new_hackathon(request: Request) -> Response:
        account = await ui.require(request, "hackathons.run")
        return new_hackathon_page(account, hackathon_defaults(datetime.now(tz).year + 1))

    @router.post("/neu")
    async def create(request: Request) -> Response:
        """Create a hackathon, a draft: the same rules as ``POST /api/v1/hackathons`` of the API."""
        account = await ui.require(request, "hackathons.run")
        form = await read_form(request, limit=65536)
        values = {f: form.get(f, "")[:10_000] for f in HACKATHON_FIELDS}
        async with pool.acquire() as conn:
            taken = await store.hackathons(conn)
        body, errors = hackathon_form(values, tz, taken)
        if body is None:
            return new_hackathon_page(account, values, 422, errors)
        data = body.model_dump(mode="json", exclude={"id"})
        decide = simple(HackathonCreatedV1, lambda s: domain.create(s, data))
        try:
            await service.command(pool, await producer(), settings, body.id, account.username, decide)
        except Refused as exc:
            return new_hackathon_page(account, values, refusal_status(exc), ((None, reason(exc)),))
        except (KafkaError, TimeoutError):
            return new_hackathon_page(account, values, 503, ((None, text("hackathon.console.error.unavailable")),))
        async with pool.acquire() as conn:
            await audit(conn, account.username, "hackathon_created", body.id, via="console", year=body.year,
                        title=body.title)  # fmt: skip
        return RedirectResponse(f"{url(body.id)}?ok=created", status_code=303)

    @router.get("/{hackathon_id}")
    async def show(hackathon_id: str, request: Request) -> Response:
        account = await ui.require(request, "hackathons.read")
        return await overview(account, hackathon_id, notice=request.query_params.get("ok"))

    async def act(
        request: Request, hackathon_id: str, decide: service.Decide, done: str, *, form: str,
        values: dict[str, str], permission: str = "hackathons.run", year_lock: bool = False,
        audited: dict[str, Any] | None = None,
    ) -> Response:  # fmt: skip
        """Run one staff command from a form of the overview; back to the overview with a notice, or the form
        again with what was typed and the German reason of a refusal, next to its field where it has one."""
        account = await ui.require(request, permission)
        try:
            await service.command(
                pool, await producer(), settings, hackathon_id[:64], account.username, decide, year_lock=year_lock
            )
        except Refused as exc:
            if exc.code == "unknown":
                return ui.not_found(account)
            field = REFUSAL_FIELDS.get(form, {}).get(exc.code)
            failed = Failed(form, values, ((field, reason(exc)),))
            return await overview(account, hackathon_id, refusal_status(exc), failed)
        except (KafkaError, TimeoutError):
            failed = Failed(form, values, ((None, text("hackathon.console.error.unavailable")),))
            return await overview(account, hackathon_id, 503, failed)
        if audited is not None:
            async with pool.acquire() as conn:
                await audit(conn, account.username, f"hackathon_{done}", hackathon_id[:64], via="console", **audited)
        return RedirectResponse(f"{url(hackathon_id[:64])}?ok={done}", status_code=303)

    async def invalid(
        request: Request, hackathon_id: str, form: str, values: dict[str, str], *errors: tuple[str | None, str],
        permission: str = "hackathons.run",
    ) -> Response:  # fmt: skip
        """A form that cannot be a command (empty fields, an amount that is no amount): refused before the domain
        sees it, shown again with what was typed; the same checks as ``act``."""
        account = await ui.require(request, permission)
        failed = Failed(form, values, tuple((field, text(key)) for field, key in errors))
        return await overview(account, hackathon_id, 422, failed)

    @router.post("/{hackathon_id}/phase")
    async def change_phase(hackathon_id: str, request: Request) -> Response:
        to = (await read_form(request)).get("phase", "")
        if to not in PHASES:
            return await invalid(request, hackathon_id, "phase", {}, (None, "hackathon.console.error.form"))
        decide = simple(HackathonPhaseChangedV1, lambda s: domain.change_phase(s, to))
        return await act(request, hackathon_id, decide, "phase", form="phase", values={}, audited={"phase": to})

    @router.post("/{hackathon_id}/jury")
    async def invite(hackathon_id: str, request: Request) -> Response:
        juror = (await read_form(request)).get("juror", "").strip()[:200]
        values = {"juror": juror}
        if not juror:
            return await invalid(request, hackathon_id, "juror", values, ("juror", "hackathon.console.error.juror"))

        async def decide(state: HackathonState, conn: asyncpg.Connection) -> tuple[type[BaseModel], dict[str, Any]]:
            if not await conn.fetchval("SELECT true FROM staff_account WHERE username = $1 AND NOT disabled", juror):
                raise Refused("unknown_juror", 422, juror=juror)
            return JurorInvitedV1, domain.invite_juror(state, juror)

        return await act(request, hackathon_id, decide, "juror", form="juror", values=values, audited=values)

    @router.post("/{hackathon_id}/ausschluss")
    async def exclude(hackathon_id: str, request: Request) -> Response:
        form = await read_form(request)
        values = {"scorecard": form.get("scorecard", "")[:300], "reason": form.get("reason", "")[:1000]}
        juror, _, submission = values["scorecard"].rpartition("|")
        try:
            submission_id = uuid.UUID(submission)
        except ValueError:
            return await invalid(request, hackathon_id, "exclude", values,
                                 ("scorecard", "hackathon.console.error.scorecard"))  # fmt: skip
        why = values["reason"]
        decide = simple(ScorecardExcludedV1, lambda s: domain.exclude_scorecard(s, juror, submission_id, why))
        return await act(request, hackathon_id, decide, "excluded", form="exclude", values=values,
                         audited={"juror": juror, "submission": submission})  # fmt: skip

    @router.post("/{hackathon_id}/stellungnahme")
    async def statement(hackathon_id: str, request: Request) -> Response:
        form = await read_form(request)
        values = {"submission_id": form.get("submission_id", "")[:64], "statement": form.get("statement", "")[:10_000]}
        words = values["statement"].strip()
        try:
            submission_id = uuid.UUID(values["submission_id"])
        except ValueError:
            return await invalid(request, hackathon_id, "statement", values,
                                 ("statement-submission", "hackathon.console.error.submission"))  # fmt: skip
        if not words:
            return await invalid(request, hackathon_id, "statement", values,
                                 ("statement", "hackathon.console.error.statement"))  # fmt: skip
        decide = simple(JuryStatementSavedV1, lambda s: domain.save_statement(s, submission_id, words))
        return await act(request, hackathon_id, decide, "statement", form="statement", values=values,
                         audited={"submission": str(submission_id)})  # fmt: skip

    @router.post("/{hackathon_id}/preise")
    async def award(hackathon_id: str, request: Request) -> Response:
        form = await read_form(request)
        values = {k: form.get(k, "")[:limit] for k, limit in
                  (("submission_id", 64), ("amount", 32), ("title", 160), ("justification", 10_000))}  # fmt: skip
        amount = cents(values["amount"])
        title, justification = values["title"].strip(), values["justification"].strip()
        errors: list[tuple[str | None, str]] = []
        try:
            submission_id: uuid.UUID | None = uuid.UUID(values["submission_id"])
        except ValueError:
            submission_id = None
            errors.append(("award-submission", "hackathon.console.error.submission"))
        if amount is None or amount < 1:
            errors.append(("amount", "hackathon.console.error.amount"))
        if len(title) < 3:
            errors.append(("award-title", "hackathon.console.error.award_title"))
        if not justification:
            errors.append(("justification", "hackathon.console.error.justification"))
        if errors or submission_id is None or amount is None:
            return await invalid(request, hackathon_id, "award", values, *errors)
        chosen, granted = submission_id, amount

        async def decide(state: HackathonState, conn: asyncpg.Connection) -> tuple[type[BaseModel], dict[str, Any]]:
            left = await service.left_cents(conn, state.info.year)
            return AwardGrantedV1, domain.grant_award(state, left, uuid.uuid4(), chosen, granted, title, justification)

        return await act(request, hackathon_id, decide, "award", form="award", values=values, year_lock=True,
                         audited={"submission": str(chosen), "amount_cents": granted})  # fmt: skip

    @router.post("/{hackathon_id}/budget")
    async def set_budget(hackathon_id: str, request: Request) -> Response:
        """The prize budget of the hackathon's year (a ledger per year, shared by that year's hackathons)."""
        values = {"amount": (await read_form(request)).get("amount", "")[:32]}
        amount = cents(values["amount"])
        if amount is None or amount > 100_000_000:
            return await invalid(request, hackathon_id, "budget", values,
                                 ("budget-amount", "hackathon.console.error.budget"))  # fmt: skip
        account = await ui.require(request, "hackathons.run")
        loaded = await load(hackathon_id)
        if loaded is None:
            return ui.not_found(account)
        year = loaded[0].info.year
        try:
            await service.set_budget(pool, await producer(), settings, year, amount, account.username)
        except Refused as exc:
            failed = Failed("budget", values, (("budget-amount", reason(exc)),))
            return await overview(account, hackathon_id, refusal_status(exc), failed)
        except (KafkaError, TimeoutError):
            failed = Failed("budget", values, ((None, text("hackathon.console.error.unavailable")),))
            return await overview(account, hackathon_id, 503, failed)
        async with pool.acquire() as conn:
            await audit(conn, account.username, "hackathon_budget", hackathon_id[:64], via="console", year=year,
                        amount_cents=amount)  # fmt: skip
        return RedirectResponse(f"{url(hackathon_id[:64])}?ok=budget", status_code=303)

    @router.post("/{hackathon_id}/befangenheit")
    async def declare_conflict(hackathon_id: str, request: Request) -> Response:
        """A juror declares a conflict of interest with a team: their scorecards for it no longer count."""
        form = await read_form(request)
        values = {"team_id": form.get("team_id", "")[:64], "reason": form.get("reason", "")[:500]}
        why = values["reason"].strip()
        errors: list[tuple[str | None, str]] = []
        try:
            team: uuid.UUID | None = uuid.UUID(values["team_id"])
        except ValueError:
            team = None
            errors.append(("conflict-team", "hackathon.console.error.team"))
        if not why:
            errors.append(("conflict-reason", "hackathon.console.error.conflict_reason"))
        if errors or team is None:
            return await invalid(request, hackathon_id, "conflict", values, *errors, permission="hackathons.judge")
        account = await ui.require(request, "hackathons.judge")
        juror, chosen = account.username, team
        decide = simple(ConflictDeclaredV1, lambda s: domain.declare_conflict(s, juror, chosen, why))
        return await act(request, hackathon_id, decide, "conflict", form="conflict", values=values,
                         permission="hackathons.judge", audited={"team": str(chosen)})  # fmt: skip

    # ---- Challenges (unit staff for their units, administrators for any) ----

    async def units_for(account: Account) -> list[dict[str, str]]:
        """The units the account may post challenges for."""
        visible = account.units_visible()
        async with pool.acquire() as conn:
            found = await conn.fetch(
                "SELECT id, name FROM org_unit WHERE $1::text[] IS NULL OR id = ANY($1::text[]) ORDER BY name",
                None if visible is None else sorted(visible),
            )
        return [
            {"id": r["id"], "name": r["name"]} for r in found if account.may_act_on("hackathons.challenge", r["id"])
        ]

    async def challenge_page(
        account: Account, hackathon_id: str, challenge_id: str | None, status: int = 200,
        values: dict[str, str] | None = None, errors: tuple[tuple[str | None, str], ...] = (),
    ) -> Response:  # fmt: skip
        loaded = await load(hackathon_id)
        if loaded is None:
            return ui.not_found(account)
        state = loaded[0]
        known = state.challenges.get(challenge_id) if challenge_id else None
        if challenge_id and known is None:
            return ui.not_found(account)
        if known is not None:
            check_units(account, "hackathons.challenge", known.org_unit, hidden=False)
        units = await units_for(account)
        if not units:
            raise forbidden("hackathon.console.error.no_unit")
        if values is None:
            values = {f: "" for f in CHALLENGE_FIELDS} | {"org_unit": units[0]["id"]}
            if known is not None:
                values |= {
                    "org_unit": known.org_unit, "title": known.title, "problem": known.problem,
                    "context": known.context or "", "contact": known.contact,
                    "expected_outcome": known.expected_outcome,
                    "data_links": "\n".join(str(link) for link in known.data_links),
                    "evidence_pages": "\n".join(e.page_url for e in known.evidence if e.page_url),
                    "evidence_theme": next((e.theme for e in known.evidence if e.theme), ""),
                }  # fmt: skip
        open_phases = ("entwurf", "challenges_sammeln") + (("anmeldung_offen",) if known else ())
        return page(
            "hackathon_console_challenge.html",
            status,
            account=account,
            url=url(state.id),
            info=state.info,
            known=known,
            heading=text("hackathon.console.challenge.edit_title", title=known.title)
            if known
            else text("hackathon.console.challenge.new_title"),
            action=url(state.id, "challenges", quote(known.challenge_id, safe="") if known else "neu"),
            units=units,
            values=values,
            errors=errors,
            field_errors={f: m for f, m in errors if f},
            phase_hint=None if state.phase in open_phases else text(
                "hackathon.console.challenge.phase", phase=text(f"hackathon.phase.{state.phase}")),
        )  # fmt: skip

    @router.get("/{hackathon_id}/challenges/neu")
    async def new_challenge(hackathon_id: str, request: Request) -> Response:
        account = await ui.require(request, "hackathons.challenge")
        return await challenge_page(account, hackathon_id, None)

    @router.get("/{hackathon_id}/challenges/{challenge_id}")
    async def edit_challenge(hackathon_id: str, challenge_id: str, request: Request) -> Response:
        account = await ui.require(request, "hackathons.challenge")
        return await challenge_page(account, hackathon_id, challenge_id[:64])

    @router.post("/{hackathon_id}/challenges/{challenge_id}")
    async def post_challenge(hackathon_id: str, challenge_id: str, request: Request) -> Response:
        """Post a new challenge (``neu``) or revise one; the same rules as ``PUT …/challenges/{id}`` of the API."""
        account = await ui.require(request, "hackathons.challenge")
        form = await read_form(request, limit=65536)
        values = {f: form.get(f, "")[:10_000] for f in CHALLENGE_FIELDS}
        existing = None if challenge_id == "neu" else challenge_id[:64]
        body = challenge_body(values)
        try:
            fields = ChallengeBody.model_validate(body).model_dump(mode="json")
        except ValidationError as exc:
            pages = len(lines(values["evidence_pages"]))
            return await challenge_page(account, hackathon_id, existing, 422, values, challenge_errors(exc, pages))
        posted: dict[str, str] = {}

        async def decide(state: HackathonState, conn: asyncpg.Connection) -> tuple[type[BaseModel], dict[str, Any]]:
            known = state.challenges.get(existing) if existing else None
            if existing and known is None:
                raise Refused("unknown_challenge", 404)
            # Under the hackathon's lock: the challenge as it is (its unit now) and as it will be (the unit chosen).
            check_units(
                account, "hackathons.challenge", known.org_unit if known else None, fields["org_unit"], hidden=False
            )
            posted["id"] = existing or slug(fields["title"], state.challenges, "challenge")
            return ChallengePostedV1, domain.post_challenge(state, posted["id"], fields)

        try:
            await service.command(pool, await producer(), settings, hackathon_id[:64], account.username, decide)
        except Refusal as exc:
            if exc.status == 404:
                return ui.not_found(account)
            field = "challenge-org_unit" if exc.field == "org_unit" else None
            return await challenge_page(account, hackathon_id, existing, exc.status, values,
                                        ((field, exc.reason()),))  # fmt: skip
        except (KafkaError, TimeoutError):
            return await challenge_page(account, hackathon_id, existing, 503, values,
                                        ((None, text("hackathon.console.error.unavailable")),))  # fmt: skip
        async with pool.acquire() as conn:
            await audit(conn, account.username, "hackathon_challenge", hackathon_id[:64], via="console",
                        challenge=posted["id"], org_unit=fields["org_unit"])  # fmt: skip
        return RedirectResponse(f"{url(hackathon_id[:64])}?ok=challenge", status_code=303)

    # ---- Jurors ----

    async def scorecard_page(
        account: Account, hackathon_id: str, submission: str, status: int = 200, error: str | None = None,
        typed: dict[str, str] | None = None,
    ) -> Response:  # fmt: skip
        loaded = await load(hackathon_id)
        if loaded is None:
            return ui.not_found(account)
        state, _ = loaded
        if account.username not in state.jurors:
            raise forbidden("hackathon.console.error.not_a_juror")
        try:
            found = state.submissions.get(uuid.UUID(submission))
        except ValueError:
            found = None
        if found is None:
            return ui.not_found(account)
        card = state.scorecards.get((account.username, found.submission_id))
        if typed is None:
            typed = {k: str(v) for k, v in (card.scores if card else {}).items()}
            typed["comment"] = (card.comment or "") if card else ""
        conflict = state.conflicts.get((account.username, found.team_id))
        return page(
            "hackathon_console_scorecard.html",
            status,
            account=account,
            url=url(state.id),
            info=state.info,
            submission=found,
            title=found.shown_title(),
            challenge=state.challenges[found.challenge_id].title if found.challenge_id in state.challenges else "",
            licence=licence_label(found.licence, "de"),
            conflict=conflict,
            phase_hint=None
            if state.phase == "jurierung"
            else text(
                "hackathon.console.score.phase",
                jurierung=text("hackathon.phase.jurierung"),
                phase=text(f"hackathon.phase.{state.phase}"),
            ),
            typed=typed,
            error=error,
        )

    @router.get("/{hackathon_id}/bewertung/{submission_id}")
    async def scorecard(hackathon_id: str, submission_id: str, request: Request) -> Response:
        account = await ui.require(request, "hackathons.judge")
        return await scorecard_page(account, hackathon_id, submission_id)

    @router.post("/{hackathon_id}/bewertung/{submission_id}")
    async def score(hackathon_id: str, submission_id: str, request: Request) -> Response:
        account = await ui.require(request, "hackathons.judge")
        juror = account.username
        form = await read_form(request)
        comment = form.pop("comment", "").strip()[:2000] or None
        scores = {k.removeprefix("score-"): int(v) for k, v in form.items()
                  if k.startswith("score-") and v.isascii() and v.isdigit() and len(v) <= 2}  # fmt: skip
        try:
            submission = uuid.UUID(submission_id)
        except ValueError:
            return ui.not_found(account)
        decide = simple(
            ScorecardSubmittedV1,
            lambda s: domain.submit_scorecard(s, juror, submission, scores, comment),
        )
        try:
            await service.command(pool, await producer(), settings, hackathon_id[:64], account.username, decide)
        except Refused as exc:
            if exc.code in ("unknown", "unknown_submission"):
                return ui.not_found(account)
            if exc.code == "not_a_juror":
                raise forbidden("hackathon.console.error.not_a_juror") from exc
            typed = {**{k: str(v) for k, v in scores.items()}, "comment": comment or ""}
            return await scorecard_page(account, hackathon_id, submission_id, refusal_status(exc), reason(exc), typed)
        except (KafkaError, TimeoutError):
            return await scorecard_page(account, hackathon_id, submission_id, 503,
                                        text("hackathon.console.error.unavailable"))  # fmt: skip
        return RedirectResponse(f"{url(hackathon_id[:64])}?ok=scorecard", status_code=303)

    return router
