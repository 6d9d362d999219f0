"""The hackathon in the staff console, under ``/console/hackathons`` (German, server-rendered, no JavaScript):
the list, one hackathon's overview (phase, schedule, challenges, teams, submissions; for administrators,
analysts and its jurors also the ranking so far and the prize ledger), the jurors' scorecards, and the
administrators' forms (phase, jury, exclusions, statements, prizes). Every change goes through
``service.command`` with the same domain decisions as the JSON API (``api``).

Sign-in is the console's session; every POST must come from the console's own origin (403 otherwise), and the
administrators' changes go to the audit log, as in the rest of the console.
"""

from __future__ import annotations

import re
import uuid
from dataclasses import asdict
from pathlib import Path
from typing import Any
from urllib.parse import quote
from zoneinfo import ZoneInfo

import asyncpg
from aiokafka.errors import KafkaError
from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import BaseModel

from services.hackathon import domain, service, store
from services.hackathon.api import Producer
from services.hackathon.decisions import simple
from services.hackathon.domain import HackathonState, Refused
from services.hackathon.pages import licence_label, refusal_status, when
from shared.auth import Account, audit, same_origin, session_account, session_cookie
from shared.console_ui import ConsoleUI, read_form
from shared.contracts.hackathon import (
    PHASES,
    AwardGrantedV1,
    HackathonPhaseChangedV1,
    JurorInvitedV1,
    JuryStatementSavedV1,
    ScorecardExcludedV1,
    ScorecardSubmittedV1,
)
from shared.messages import text
from shared.orgmodel import split_origin
from shared.settings import Settings
from shared.templates import CONSOLE_FRAME, render_page, template_environment

CONSOLE = "/console"
PREFIX = f"{CONSOLE}/hackathons"
NOTICES = ("phase", "juror", "excluded", "statement", "award", "scorecard")
# Euro as staff type it: "2.500", "2500", "2.500,00", "2500,5".
_EURO = re.compile(r"(\d{1,3}(?:\.\d{3})+|\d+)(?:,(\d{1,2}))?")
_HERE = Path(__file__).parent
_TEMPLATES = template_environment(_HERE / "templates", CONSOLE_FRAME)


def cents(amount: str) -> int | None:
    """An amount in euro in German notation as cents; None for anything else."""
    found = _EURO.fullmatch(amount.strip().removesuffix("€").strip())
    if found is None:
        return None
    whole, fraction = found.group(1).replace(".", ""), (found.group(2) or "").ljust(2, "0")
    return int(whole) * 100 + int(fraction)


def privileged(account: Account, state: HackathonState) -> bool:
    """Who sees the ranking so far and the prize ledger: administrators, analysts and the hackathon's jurors."""
    return account.role in ("administrator", "analyst") or account.username in state.jurors


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
    teams = {t.id: t.name for t in state.teams.values()}
    submissions = sorted(state.submissions.values(), key=lambda s: s.sequence)
    names = {s.submission_id: s.title for s in submissions}
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
        "challenges": list(state.challenges.values()),
        "teams": [{"name": t.name, "members": len(t.members)} for t in state.teams.values()],
        "submissions": [
            {
                "id": str(s.submission_id),
                "title": s.title,
                "team": teams.get(s.team_id, "–"),
                "challenge": titles.get(s.challenge_id, s.challenge_id),
                "licence": licence_label(s.licence, "de"),
                "repository_url": s.repository_url and str(s.repository_url),
                "demo_url": s.demo_url and str(s.demo_url),
            }
            for s in submissions
        ],
        "jurors": sorted(state.jurors),
        "privileged": privileged(account, state),
        "admin": account.role == "administrator",
        "juror": account.username in state.jurors,
    }
    if account.username in state.jurors:
        view["mine"] = [
            {
                "id": str(s.submission_id),
                "title": s.title,
                "status": card_status(state, account.username, s.submission_id),
            }
            for s in submissions
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


def build_hackathon_console(settings: Settings, pool: asyncpg.Pool, producer: Producer) -> APIRouter:
    cookie, secure = session_cookie(settings.public_base_url)
    tz = ZoneInfo(settings.timezone)
    router = APIRouter(prefix=PREFIX, include_in_schema=False)
    headers = {"X-Frame-Options": "DENY"}
    if secure:
        headers["Strict-Transport-Security"] = "max-age=31536000; includeSubDomains"
    # As on the analytics console: signing out may redirect to the identity provider (form-action).
    form_targets = f" {split_origin(settings.oidc_issuer)[0]}" if settings.oidc_issuer else ""

    def page(template: str, status: int = 200, **context: Any) -> HTMLResponse:
        return render_page(
            _TEMPLATES,
            template,
            csp="default-src 'none'; style-src 'nonce-{nonce}'; img-src 'self'; "
            f"form-action 'self'{form_targets}; frame-ancestors 'none'; base-uri 'none'",
            status=status,
            headers=headers,
            t=lambda key, **v: text(key, "de", **v),
            prefix=CONSOLE,
            **context,
        )

    async def current(request: Request) -> Account | None:
        async with pool.acquire() as conn:
            return await session_account(conn, request.cookies.get(cookie))

    def from_console(request: Request) -> bool:
        return same_origin(request.headers, request.url.scheme, request.url.netloc)

    ui = ConsoleUI(CONSOLE, tz, page, current, from_console)

    def denied(account: Account | None, reason: str) -> HTMLResponse:
        return page("hackathon_console_denied.html", 403, account=account, error=text(reason))

    def url(hackathon_id: str, *path: str) -> str:
        return "/".join((PREFIX, quote(hackathon_id, safe=""), *path))

    async def load(hackathon_id: str) -> tuple[HackathonState, domain.Ledger] | None:
        async with pool.acquire() as conn:
            state = await store.state(conn, hackathon_id[:64])
            if state.created is None:
                return None
            budget, _ = await store.budget(conn, state.info.year)
            return state, domain.ledger(state.info.year, budget, await store.awards(conn, state.info.year))

    def reason(exc: Refused) -> str:
        values = {k: text(f"hackathon.phase.{v}") if k == "phase" else v for k, v in exc.values.items()}
        return text(f"hackathon.refused.{exc.code}", **values)

    async def overview(
        account: Account, hackathon_id: str, status: int = 200, error: str | None = None, notice: str | None = None
    ) -> HTMLResponse:
        loaded = await load(hackathon_id)
        if loaded is None:
            return ui.not_found(account)
        state, ledger = loaded
        return page(
            "hackathon_console_overview.html",
            status,
            account=account,
            url=url(state.id),
            error=error,
            notice=notice if notice in NOTICES else None,
            **overview_context(state, ledger, account, tz),
        )

    @router.get("")
    async def listing(request: Request) -> Response:
        account = await current(request)
        if account is None:
            return ui.to_login()
        async with pool.acquire() as conn:
            states = [await store.state(conn, h) for h in await store.hackathons(conn)]
        known = sorted((s for s in states if s.created is not None), key=lambda s: (-s.info.year, s.info.title))
        rows = [
            {"url": url(s.id), "title": s.info.title, "year": s.info.year, "phase": text(f"hackathon.phase.{s.phase}")}
            for s in known
        ]
        return page("hackathon_console_list.html", account=account, hackathons=rows)

    @router.get("/{hackathon_id}")
    async def show(hackathon_id: str, request: Request) -> Response:
        account = await current(request)
        if account is None:
            return ui.to_login()
        return await overview(account, hackathon_id, notice=request.query_params.get("ok"))

    async def act(
        request: Request, hackathon_id: str, decide: service.Decide, done: str, *, admin: bool = True,
        year_lock: bool = False, audited: dict[str, Any] | None = None,
    ) -> Response:  # fmt: skip
        """Run one staff command from a form; back to the overview with a notice, or the overview with the
        German reason of a refusal."""
        account = await current(request)
        if not from_console(request):
            return denied(account, "console.error.origin")
        if account is None:
            return ui.to_login()
        if admin and account.role != "administrator":
            return denied(account, "problem.hackathon.forbidden")
        try:
            await service.command(
                pool, await producer(), settings, hackathon_id[:64], account.username, decide, year_lock=year_lock
            )
        except Refused as exc:
            if exc.code == "unknown":
                return ui.not_found(account)
            return await overview(account, hackathon_id, refusal_status(exc), error=reason(exc))
        except (KafkaError, TimeoutError):
            return await overview(account, hackathon_id, 503, error=text("hackathon.console.error.unavailable"))
        if audited is not None:
            async with pool.acquire() as conn:
                await audit(conn, account.username, f"hackathon_{done}", hackathon_id[:64], via="console", **audited)
        return RedirectResponse(f"{url(hackathon_id[:64])}?ok={done}", status_code=303)

    async def invalid(request: Request, hackathon_id: str, message: str) -> Response:
        """A form that cannot be a command (empty fields, an amount that is no amount): refused before the domain
        sees it; the same origin and role checks as ``act``."""
        account = await current(request)
        if not from_console(request):
            return denied(account, "console.error.origin")
        if account is None:
            return ui.to_login()
        if account.role != "administrator":
            return denied(account, "problem.hackathon.forbidden")
        return await overview(account, hackathon_id, 422, error=text(message))

    @router.post("/{hackathon_id}/phase")
    async def change_phase(hackathon_id: str, request: Request) -> Response:
        to = (await read_form(request)).get("phase", "")
        if to not in PHASES:
            return await invalid(request, hackathon_id, "hackathon.console.error.form")
        decide = simple(HackathonPhaseChangedV1, lambda s: domain.change_phase(s, to))
        return await act(request, hackathon_id, decide, "phase", audited={"phase": to})

    @router.post("/{hackathon_id}/jury")
    async def invite(hackathon_id: str, request: Request) -> Response:
        juror = (await read_form(request)).get("juror", "").strip()[:200]
        if not juror:
            return await invalid(request, hackathon_id, "hackathon.console.error.form")

        async def decide(state: HackathonState, conn: asyncpg.Connection) -> tuple[type[BaseModel], dict[str, Any]]:
            if not await conn.fetchval("SELECT true FROM staff_account WHERE username = $1 AND NOT disabled", juror):
                raise Refused("unknown_juror", 422, juror=juror)
            return JurorInvitedV1, domain.invite_juror(state, juror)

        return await act(request, hackathon_id, decide, "juror", audited={"juror": juror})

    @router.post("/{hackathon_id}/ausschluss")
    async def exclude(hackathon_id: str, request: Request) -> Response:
        form = await read_form(request)
        juror, _, submission = form.get("scorecard", "").rpartition("|")
        why = form.get("reason", "")[:1000]
        try:
            submission_id = uuid.UUID(submission)
        except ValueError:
            return await invalid(request, hackathon_id, "hackathon.console.error.form")
        decide = simple(ScorecardExcludedV1, lambda s: domain.exclude_scorecard(s, juror, submission_id, why))
        return await act(request, hackathon_id, decide, "excluded", audited={"juror": juror, "submission": submission})

    @router.post("/{hackathon_id}/stellungnahme")
    async def statement(hackathon_id: str, request: Request) -> Response:
        form = await read_form(request)
        words = form.get("statement", "").strip()[:10_000]
        try:
            submission_id = uuid.UUID(form.get("submission_id", ""))
        except ValueError:
            submission_id = None
        if submission_id is None or not words:
            return await invalid(request, hackathon_id, "hackathon.console.error.form")
        decide = simple(JuryStatementSavedV1, lambda s: domain.save_statement(s, submission_id, words))
        return await act(request, hackathon_id, decide, "statement", audited={"submission": str(submission_id)})

    @router.post("/{hackathon_id}/preise")
    async def award(hackathon_id: str, request: Request) -> Response:
        form = await read_form(request)
        amount = cents(form.get("amount", "")[:32])
        title, justification = form.get("title", "").strip()[:160], form.get("justification", "").strip()[:10_000]
        try:
            submission_id = uuid.UUID(form.get("submission_id", ""))
        except ValueError:
            return await invalid(request, hackathon_id, "hackathon.console.error.form")
        if amount is None:
            return await invalid(request, hackathon_id, "hackathon.console.error.amount")
        if len(title) < 3 or not justification:
            return await invalid(request, hackathon_id, "hackathon.console.error.form")

        async def decide(state: HackathonState, conn: asyncpg.Connection) -> tuple[type[BaseModel], dict[str, Any]]:
            left = await service.left_cents(conn, state.info.year)
            return AwardGrantedV1, domain.grant_award(
                state, left, uuid.uuid4(), submission_id, amount, title, justification
            )

        return await act(request, hackathon_id, decide, "award", year_lock=True,
                         audited={"submission": str(submission_id), "amount_cents": amount})  # fmt: skip

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
            return denied(account, "hackathon.console.error.not_a_juror")
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
        account = await current(request)
        if account is None:
            return ui.to_login()
        return await scorecard_page(account, hackathon_id, submission_id)

    @router.post("/{hackathon_id}/bewertung/{submission_id}")
    async def score(hackathon_id: str, submission_id: str, request: Request) -> Response:
        account = await current(request)
        if not from_console(request):
            return denied(account, "console.error.origin")
        if account is None:
            return ui.to_login()
        form = await read_form(request)
        comment = form.pop("comment", "").strip()[:2000] or None
        scores = {k.removeprefix("score-"): int(v) for k, v in form.items()
                  if k.startswith("score-") and v.isdigit() and len(v) <= 2}  # fmt: skip
        try:
            submission = uuid.UUID(submission_id)
        except ValueError:
            return ui.not_found(account)
        decide = simple(
            ScorecardSubmittedV1,
            lambda s: domain.submit_scorecard(s, account.username, submission, scores, comment),
        )
        try:
            await service.command(pool, await producer(), settings, hackathon_id[:64], account.username, decide)
        except Refused as exc:
            if exc.code in ("unknown", "unknown_submission"):
                return ui.not_found(account)
            if exc.code == "not_a_juror":
                return denied(account, "hackathon.console.error.not_a_juror")
            typed = {**{k: str(v) for k, v in scores.items()}, "comment": comment or ""}
            return await scorecard_page(account, hackathon_id, submission_id, refusal_status(exc), reason(exc), typed)
        except (KafkaError, TimeoutError):
            return await scorecard_page(account, hackathon_id, submission_id, 503,
                                        text("hackathon.console.error.unavailable"))  # fmt: skip
        return RedirectResponse(f"{url(hackathon_id[:64])}?ok=scorecard", status_code=303)

    return router
