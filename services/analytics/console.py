"""Staff console: sign-in with a local account, server-side session, sign-out, and the on-site surveys (list,
results per version, status changes), all scoped to what the account may see. The dashboards
(``dashboards.py``) and the comment inbox (``inbox.py``) add their routes to the same router.

Security: the session cookie is HttpOnly, SameSite=Strict and Secure whenever the console is served over https
(then also ``__Host-`` prefixed); every state-changing request must come from the console's own origin
(``Origin`` or ``Sec-Fetch-Site``), which stops cross-site request forgery without tokens; every page carries a
CSP with a nonce, ``frame-ancestors 'none'``, nosniff, no caching and, over https, HSTS. Sign-in, failed
sign-in and sign-out go to the append-only audit log.
"""

from __future__ import annotations

import logging
import re
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import quote
from zoneinfo import ZoneInfo

import asyncpg
import httpx
from aiokafka.errors import KafkaError
from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from services.analytics import survey_store, surveys
from services.analytics.admin import add_admin_routes
from services.analytics.barrier_page import add_barrier_routes
from services.analytics.dashboards import add_dashboard_routes
from services.analytics.inbox import add_inbox_routes, add_theme_routes
from services.analytics.measures_page import add_measure_routes
from services.analytics.notifications_page import add_notification_routes
from services.analytics.org_page import add_org_routes
from services.analytics.pageviews_page import add_pageview_routes
from services.analytics.reports_page import add_report_routes
from services.analytics.sdg_page import add_sdg_routes
from services.analytics.services_page import add_service_routes
from services.analytics.survey_builder import add_survey_builder_routes
from services.analytics.survey_domain import InvalidCommand, answer_label
from services.analytics.survey_preview import add_survey_preview_routes
from services.analytics.trends import bar_chart
from shared import formats, oidc
from shared.access import StaffAccess, check_units
from shared.auth import (
    Account,
    audit,
    end_session,
    session_account,
    session_cookie,
    start_session,
)
from shared.console_ui import ConsoleUI, read_form
from shared.contracts.surveys import STATUSES, TRANSITIONS, SurveyDefinition
from shared.kafka import LazyProducer
from shared.messages import text
from shared.refusal import Refusal
from shared.retention import period_text, preview
from shared.settings import Settings
from shared.sign_in import SignIn

PREFIX = "/console"
OIDC_COOKIE = "stadtstimme-oidc"
log = logging.getLogger(__name__)


_HERE = Path(__file__).parent


_VERSION = re.compile(r"[1-9][0-9]{0,5}")  # a version number in the query string; anything else is 404
MOVES = ("active", "paused", "closed")  # status buttons, in this order, where the lifecycle allows them


def _day(value: date) -> str:
    return value.strftime("%d.%m.%Y")


def survey_view(result: dict[str, Any], definition: SurveyDefinition, tz: ZoneInfo) -> dict[str, Any]:
    """The results of one version as the survey page shows them: German number formats, labels, charts."""
    questions = []
    for number, (q, figures) in enumerate(zip(definition.questions, result["questions"], strict=True), start=1):
        item: dict[str, Any] = {"id": q.id, "number": number, "text": q.text.de, "type": q.type,
                                "required": q.required, "answers": figures["answers"]}  # fmt: skip
        if q.type == "text":
            item["texts"] = [
                {
                    "text": t["text"],
                    "when": t["answered_at"].astimezone(tz).strftime("%d.%m.%Y %H:%M"),
                    "page_url": t["page_url"],
                }
                for t in figures["texts"]
            ]
        else:
            answered = figures["answers"]
            rows = [
                {
                    "label": answer_label(q, d["value"]),
                    "count": d["count"],
                    "share": formats.percent(d["count"] / answered if answered else None),
                }
                for d in figures["distribution"]
            ]
            item["rows"] = rows
            item["chart"] = bar_chart(q.text.de, rows) if answered else None
            if q.type in ("rating", "nps"):
                mean = figures["mean"]
                item["mean"] = formats.number(mean, 2)
            if q.type == "nps":
                item["nps"] = "–" if figures["nps"] is None else str(figures["nps"])
                item["promoters"], item["detractors"] = figures["promoters"], figures["detractors"]
        questions.append(item)
    e = result["exposure"]
    rate = e["response_rate_estimate"]
    dismissal = e["dismissal_rate_estimate"]
    exposure = {
        "first_day": _day(e["first_day"]),
        "last_day": _day(e["last_day"]),
        "page_views": e["page_views"],
        "page_views_text": formats.number(e["page_views"]),
        "sampling": f"{definition.targeting.sampling_percent:g}".replace(".", ","),
        "displays": formats.number(e["displays_estimate"]),
        "response_rate": formats.percent(rate, 1),
        "dismissal_rate": formats.percent(dismissal, 1),
        "assumptions": e["assumptions"],
    }
    return {
        "title": definition.title.de,
        "responses": formats.number(result["responses"]),
        "completed": formats.number(result["completed"]),
        "completion_rate": formats.percent(result["completion_rate"]),
        "dismissals": formats.number(result["dismissals"]),
        "dismissed_without_answer": formats.number(result["dismissed_without_answer"]),
        "exposure": exposure,
        "questions": questions,
        "days": [
            {"day": _day(d["day"]), "answered": d["answered"], "dismissed": d["dismissed"]} for d in result["days"]
        ],
    }


def may_change_survey(account: Account, org_unit: str) -> bool:
    """Whether the status buttons show: administrators for every survey, unit staff for their units' surveys."""
    return account.may_act_on("surveys.status", org_unit)


def build_console_router(
    settings: Settings, pool: asyncpg.Pool, producer: LazyProducer, access: StaffAccess
) -> APIRouter:
    cookie, secure = session_cookie(settings.public_base_url)
    ttl = timedelta(hours=settings.session_ttl_hours)
    idle = timedelta(minutes=settings.session_idle_minutes)
    tz = ZoneInfo(settings.timezone)
    router = APIRouter(prefix=PREFIX, include_in_schema=False)

    provider = oidc.Provider(settings) if settings.oidc_issuer else None
    ui = ConsoleUI.build(settings, access, _HERE / "templates")
    page = ui.page
    sign_in = SignIn(pool)

    def same_origin(request: Request) -> bool:
        """A state-changing request must come from the console itself (CSRF protection without tokens)."""
        return ui.access.from_our_pages(request)

    @router.get("/login")
    async def login_form(request: Request) -> HTMLResponse:
        done = request.query_params.get("done")
        return page("console_login.html", done=done if done == "password" else None)

    @router.post("/login")
    async def login(request: Request) -> Response:
        """Sign in with a local account's password (``shared.sign_in``: throttled per client and per account
        name, hashed off the event loop); a refusal shows the form again with the name typed."""
        if not same_origin(request):
            return page("console_login.html", 403, error=text("console.error.origin", "de"))
        form = await read_form(request, limit=4096)
        username = form.get("username", "")[:200]
        client = request.client.host if request.client else ""
        try:
            account = await sign_in.check(username, form.get("password", ""), client)
        except Refusal as exc:
            return page("console_login.html", exc.status, error=exc.reason("de"), username=username,
                        headers=exc.headers)  # fmt: skip
        async with pool.acquire() as conn:
            token = await start_session(conn, account, ttl, idle=idle)
            await audit(conn, account.username, "login", method="password")
        response = RedirectResponse(f"{PREFIX}/", status_code=303)
        response.set_cookie(
            cookie, token, max_age=int(ttl.total_seconds()), path="/", secure=secure, httponly=True, samesite="strict"
        )
        return response

    def signed_in(account: Account, token: str) -> Response:
        """Set the session cookie. After a redirect from the identity provider (a cross-site navigation) the
        browser would not send a SameSite=Strict cookie on a redirect, so a page continues to the console."""
        response = page("console_signed_in.html", account=account, prefix=PREFIX)
        response.set_cookie(
            cookie, token, max_age=int(ttl.total_seconds()), path="/", secure=secure, httponly=True, samesite="strict"
        )
        response.delete_cookie(OIDC_COOKIE, path=f"{PREFIX}/login/oidc", secure=secure, httponly=True, samesite="lax")
        return response

    @router.get("/login/oidc")
    async def oidc_start() -> Response:
        """Start a sign-in at the city's identity provider (authorization code flow with PKCE)."""
        if provider is None:
            return page("console_not_found.html", 404, account=None, prefix=PREFIX)
        try:
            async with pool.acquire() as conn, httpx.AsyncClient(timeout=10) as client:
                url, binding = await provider.start(conn, client)
        except (httpx.HTTPError, oidc.OidcError, KeyError, ValueError):
            log.exception("OpenID Connect provider not reachable or not usable")
            return page("console_login.html", 503, error=text("console.error.oidc.provider"))
        response = RedirectResponse(url, status_code=303)
        response.set_cookie(OIDC_COOKIE, binding, max_age=int(oidc.STATE_TTL.total_seconds()),
                            path=f"{PREFIX}/login/oidc", secure=secure, httponly=True, samesite="lax")  # fmt: skip
        return response

    @router.get("/login/oidc/callback")
    async def oidc_callback(request: Request) -> Response:
        """The provider sends the person back with a code (or an error): exchange and check it on the server,
        map the verified person to a staff account, start a session."""
        if provider is None:
            return page("console_not_found.html", 404, account=None, prefix=PREFIX)
        params = request.query_params
        code, state = params.get("code", "")[:2048], params.get("state", "")[:512]
        async with pool.acquire() as conn:
            try:
                if params.get("error") or not code or not state:
                    raise oidc.OidcError("denied", params.get("error", "no code")[:100])
                async with httpx.AsyncClient(timeout=10) as client:
                    await provider.check_issuer(client, params.get("iss"))
                    claims, id_token = await provider.finish(
                        conn, client, code, state, request.cookies.get(OIDC_COOKIE)
                    )
                # A binding or a new account stands only together with the session it was made for.
                async with conn.transaction():
                    account = await oidc.account_for(conn, settings, claims)
                    token = await start_session(conn, account, ttl, idle=idle, id_token=id_token)
                    await audit(conn, account.username, "login", method="oidc", subject=str(claims["sub"])[:200])
            except oidc.OidcError as exc:
                log.warning("OpenID Connect sign-in refused: %s", exc)
                # Audited once a sign-in had a valid state (anyone can send the provider's "error" back, or a
                # stale link); the details, which may carry the sender's text, go to the log only.
                if exc.key not in ("denied", "expired"):
                    await audit(conn, "(oidc)", "login_failed", method="oidc", reason=exc.key, refused=exc.reason)
                status = 503 if exc.key == "provider" else 401
                return page("console_login.html", status, error=text(f"console.error.oidc.{exc.key}"))
            except (httpx.HTTPError, KeyError, ValueError):
                log.exception("OpenID Connect provider not reachable or not usable")
                return page("console_login.html", 503, error=text("console.error.oidc.provider"))
        return signed_in(account, token)

    @router.post("/logout")
    async def logout(request: Request) -> Response:
        if not same_origin(request):
            return page("console_login.html", 403, error=text("console.error.origin", "de"))
        token = request.cookies.get(cookie)
        async with pool.acquire() as conn:
            account = await session_account(conn, token)
            id_token = await end_session(conn, token)
            if account is not None:
                await audit(conn, account.username, "logout")
        location = f"{PREFIX}/login"
        if id_token and provider is not None:
            # Signed in through the identity provider: end that session too, or the next click on "sign in"
            # would let the next person at this computer in without a password.
            try:
                async with httpx.AsyncClient(timeout=10) as client:
                    location = await provider.logout_url(client, id_token) or location
            except (httpx.HTTPError, oidc.OidcError, KeyError, ValueError):
                log.exception("OpenID Connect provider not reachable for sign-out; signed out of the console only")
        response = RedirectResponse(location, status_code=303)
        response.delete_cookie(cookie, path="/", secure=secure, httponly=True, samesite="strict")
        return response

    # The survey builder and its preview: before /surveys/{survey_id}, so that /surveys/neu is the new form.
    add_survey_builder_routes(router, ui, settings, pool, producer)
    add_survey_preview_routes(router, ui, settings, pool)
    add_service_routes(router, ui, settings, pool)

    @router.get("/surveys")
    async def survey_list(request: Request) -> Response:
        """The surveys the account may see: unit staff their units' surveys, analysts and administrators all."""
        account = await ui.require(request, "surveys.read")
        units = account.units_visible()
        async with pool.acquire() as conn:
            items = await survey_store.list_surveys(conn, sorted(units) if units is not None else None)
            names = {r["id"]: r["name"] for r in await conn.fetch("SELECT id, name FROM org_unit")}
        rows = [
            {
                "id": i["id"],
                "title": i["title"]["de"],
                "unit": names.get(i["org_unit"], i["org_unit"]),
                "status": i["status"],
                "version": i["current_version"],
                "responses": formats.number(sum(i["responses_by_version"].values())),
            }
            for i in items
        ]
        return page("console_surveys.html", account=account, surveys=rows)

    async def survey_page(
        account: Account,
        survey_id: str,
        version_param: str | None = None,
        *,
        status: int = 200,
        error: str | None = None,
        changed: str | None = None,
        saved: str | None = None,
    ) -> HTMLResponse:
        """One survey version's results. Another unit's survey, an unknown survey and an unknown version answer
        404, all alike. Showing free-text answers goes to the audit log."""
        async with pool.acquire() as conn:
            state = await survey_store.load_state(conn, survey_id[:64])
            if state is None:
                return ui.not_found(account)
            check_units(account, "surveys.read", state.definition.org_unit)
            versions = [
                r["version"]
                for r in await conn.fetch(
                    "SELECT version FROM survey_version WHERE survey_id = $1 ORDER BY version", state.survey_id
                )
            ]
            version = state.current_version
            if version_param is not None:
                if not _VERSION.fullmatch(version_param) or int(version_param) not in versions:
                    return ui.not_found(account)
                version = int(version_param)
            definition = await survey_store.version_definition(conn, state.survey_id, version)
            result = await surveys.results(conn, state.survey_id, version, settings.timezone)
            if definition is None or result is None:
                return ui.not_found(account)
            check_units(account, "surveys.read", definition.org_unit)  # the answers belong to the version's unit
            unit_name = await conn.fetchval("SELECT name FROM org_unit WHERE id = $1", state.definition.org_unit)
            texts = [q for q in result["questions"] if q["type"] == "text"]
            if texts:
                await audit(
                    conn,
                    account.username,
                    "view_survey_answers",
                    state.survey_id,
                    version=version,
                    shown=sum(len(q["texts"]) for q in texts),
                )
        moves = []
        if may_change_survey(account, state.definition.org_unit):
            for move in MOVES:
                if move in TRANSITIONS[state.status]:
                    start = state.status == "draft" and move == "active"
                    moves.append(
                        {
                            "status": move,
                            "label": "console.surveys.move.start" if start else f"console.surveys.move.{move}",
                        }
                    )
        return page(
            "console_survey.html",
            status,
            account=account,
            survey_id=state.survey_id,
            status_now=state.status,
            current_version=state.current_version,
            unit_name=unit_name or state.definition.org_unit,
            version=version,
            versions=versions,
            view=survey_view(result, definition, tz),
            csv_url=f"/api/v1/staff/surveys/{quote(state.survey_id)}/results.csv?version={version}",
            may_change=may_change_survey(account, state.definition.org_unit),
            moves=moves,
            error=error,
            changed=changed if changed in STATUSES else None,
            saved=saved if saved == "0" or (saved and _VERSION.fullmatch(saved)) else None,
            may_define=account.may_act_on("surveys.define", state.definition.org_unit),
            timezone=settings.timezone,
        )

    @router.get("/surveys/{survey_id}")
    async def survey(survey_id: str, request: Request) -> Response:
        account = await ui.require(request, "surveys.read")
        params = request.query_params
        return await survey_page(account, survey_id, params.get("version"), changed=params.get("changed"),
                                 saved=params.get("saved"))  # fmt: skip

    @router.get("/datenschutz")
    async def retention_page(request: Request) -> Response:
        """For administrators: each kind of personal data, how long it is kept and why, what is due now and when
        the next entry will be erased (``stadtstimme.retention``)."""
        account = await ui.require(request, "retention.read")
        async with pool.acquire() as conn:
            due = await preview(conn, settings, datetime.now(UTC))

        rules = [
            {"what": d.rule.what, "reason": d.rule.reason, "how": d.rule.how, "period": period_text(d.rule.period),
             "due": formats.number(d.due_now),
             "next": d.next_at.astimezone(tz).strftime("%d.%m.%Y %H:%M") if d.next_at
                     else text("console.retention.none")}
            for d in due
        ]  # fmt: skip
        return page("console_retention.html", account=account, rules=rules)

    add_dashboard_routes(router, ui, settings, pool)
    add_inbox_routes(router, ui, settings, pool, producer)
    add_theme_routes(router, ui, pool)
    add_notification_routes(router, ui, pool)
    add_pageview_routes(router, ui, settings, pool, producer)
    add_admin_routes(router, ui, settings, pool)
    add_report_routes(router, ui, settings, pool)
    add_barrier_routes(router, ui, settings, pool, producer)
    add_org_routes(router, ui, settings, pool, producer)
    add_measure_routes(router, ui, settings, pool, producer)
    add_sdg_routes(router, ui, settings, pool)

    @router.post("/surveys/{survey_id}/status")
    async def change_survey_status(survey_id: str, request: Request) -> Response:
        """A status button: the lifecycle command (checked against the survey's unit under its lock, Kafka first,
        then the read model), the audit log, and back to the survey page (303) with a status message."""
        account = await ui.require(request, "surveys.status")
        wanted = (await read_form(request, limit=4096)).get("status", "")[:32]
        if wanted not in STATUSES:
            return await survey_page(
                account, survey_id, status=409, error=text("console.surveys.error.unknown_status", "de")
            )
        try:
            events = await surveys.execute(
                pool, await producer.get(), settings, survey_id[:64], None, wanted, account.username, account
            )
        except InvalidCommand as exc:
            return await survey_page(account, survey_id, status=409, error=exc.reason("de"))
        except (KafkaError, TimeoutError):
            return await survey_page(
                account, survey_id, status=503, error=text("console.surveys.error.unavailable", "de")
            )
        location = f"{PREFIX}/surveys/{quote(survey_id[:64])}"
        if events:
            async with pool.acquire() as conn:
                await audit(
                    conn,
                    account.username,
                    "survey_changed",
                    survey_id[:64],
                    events=[e.event_type.name for e in events],
                    status=wanted,
                    via="console",
                )
            location += f"?changed={wanted}"
        return RedirectResponse(location, status_code=303)

    return router
