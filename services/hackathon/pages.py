"""The hackathon's pages for citizens under ``/hackathons`` (German, English by Accept-Language or ``?lang=en``;
no JavaScript, no tracking): the hackathon with its challenges and results, registration (double opt-in: the form
answers alike for every address, the mailed link registers), the personal link, and the participant area (team,
submissions, community vote, own data). Every change goes through ``service.command`` with the same decisions as
the JSON API (``api``); a refused or invalid form comes back with what was typed.

The only cookie is the participant's personal token, one per hackathon (its id in the name), so one browser can
take part in several: HttpOnly, SameSite=Lax, over https Secure and ``__Host-`` prefixed; strictly necessary for
the signed-in area (TDDDG §25(2)), so no consent banner. It lasts as long as the token signs in
(``hackathon_link_days``); signing out revokes the token on the server, not only the cookie. Every POST must come
from our own origin (CSRF protection without tokens, as in the console); the forms that send mail count against a
per-client quota (429 with Retry-After beyond it).
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable, Collection
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import quote
from zoneinfo import ZoneInfo

import asyncpg
import orjson
from aiokafka.errors import KafkaError
from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import BaseModel, ValidationError

from services.hackathon import domain, service, store
from services.hackathon.api import (
    EMAIL,
    JoinBody,
    Producer,
    RegisterBody,
    SubmissionBody,
    TeamBody,
    VoteBody,
    evidence_figures,
    measure_outcomes,
    public_view,
)
from services.hackathon.decisions import (
    SignedIn,
    admit_signup,
    ask_to_confirm,
    confirm,
    erase,
    join,
    leave,
    link_lifetime,
    new_team,
    own_data,
    resend_link,
    sign_out,
    signed_in,
    signup_limiter,
    submission_for,
    vote,
)
from services.hackathon.domain import TEAM_PHASES, VOTE_PHASES, HackathonState, Refused, Submission
from services.hackathon.mail import personal_link, send
from shared import formats
from shared.access import same_origin
from shared.console_ui import read_form
from shared.contracts.hackathon import LICENCES
from shared.downloads import JSON, download
from shared.messages import LANGUAGES, pick_language, text
from shared.settings import Settings
from shared.templates import render_page, template_environment

PREFIX = "/hackathons"
CSP = "default-src 'none'; style-src 'nonce-{nonce}'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
# Success notices after a redirect (``?ok=…``): on the participant area, and on the public page after leaving.
AREA_NOTICES = ("angemeldet", "team", "beigetreten", "verlassen", "einreichung", "stimme")
PUBLIC_NOTICES = ("abgemeldet", "geloescht")
# Refusals that concern one field of the form they come from (the field's name in the form).
REFUSAL_FIELDS = {"team_name_taken": "name", "unknown_team": "code", "team_full": "code", "own_team": "submission_id",
                  "unknown_submission": "submission_id"}  # fmt: skip
_TEMPLATES = template_environment(Path(__file__).parent / "templates")

DecideFor = Callable[[uuid.UUID, Any], service.Decide]


def participant_cookie(public_base_url: str, hackathon_id: str) -> tuple[str, bool]:
    """(cookie name, Secure flag) of a hackathon's sign-in: its id in the name, so signing in to another hackathon
    leaves this one signed in; over https ``__Host-`` prefixed (which needs Path=/) and Secure, as for the staff
    session. Hackathon ids are slugs (``[a-z0-9-]``), valid in a cookie name."""
    secure = public_base_url.startswith("https://")
    return f"{'__Host-' if secure else ''}stadtstimme-hackathon-{hackathon_id}", secure


def language(request: Request) -> str:
    given = request.query_params.get("lang")
    return given if given in LANGUAGES else pick_language(request.headers.get("accept-language"))


# ---- Formatting for the public page (pure: a view of ``api.public_view`` in, what the template shows out) ----


def _web_link(url: str | None) -> str | None:
    """Only http(s) addresses become links (evidence pages are plain strings, never a ``javascript:`` link)."""
    return url if url and url.lower().startswith(("https://", "http://")) else None


def _figures(found: dict[str, Any] | None, lang: str) -> str:
    if not found:
        return text("hackathon.page.evidence.none", lang)
    parts = [text("hackathon.page.evidence.responses", lang, count=found["responses"])]
    if found["helpful_share"] is not None:
        share = formats.number(found["helpful_share"] * 100, 0, lang)
        parts.append(text("hackathon.page.evidence.helpful", lang, share=share))
    if found["mean_rating"] is not None:
        parts.append(text("hackathon.page.evidence.rating", lang, mean=formats.number(found["mean_rating"], 1, lang)))
    return "; ".join(parts)


def when(value: datetime, tz: ZoneInfo, lang: str) -> str:
    local = value.astimezone(tz)
    return text("hackathon.page.when", lang, day=local.strftime("%d.%m.%Y"), time=local.strftime("%H:%M"))


def licence_label(licence: str, lang: str) -> str:
    return text(f"hackathon.page.licence.{licence}", lang)


def achieved(outcome: dict[str, Any] | None, lang: str) -> dict[str, str] | None:
    """What a submission achieved as a measure of the city (``api.measure_outcomes``): its title, a link to it on
    ``/wirkung``, the verdict and the helpful share before and after ("< 5" where withheld)."""
    if outcome is None:
        return None
    title = outcome["title_en"] if lang == "en" and outcome["title_en"] else outcome["title_de"]
    shown = {"title": title, "link": f"/wirkung?lang={lang}#m-{outcome['measure_id']}",
             "live_on": outcome["live_on"].strftime("%d.%m.%Y"), "effect": ""}  # fmt: skip
    figures = outcome["figures"]
    if figures is not None:

        def share(window: dict[str, Any]) -> str:
            if window["suppressed"]:
                return "< 5"
            return formats.percent(window["helpful_share"], 0, lang)

        shown["effect"] = text("hackathon.page.results.measure_effect", lang,
                               verdict=text(f"measures.verdict.{figures['verdict']}", lang),
                               before=share(figures["before"]), after=share(figures["after"]))  # fmt: skip
    return shown


def public_context(
    view: dict[str, Any], tz: ZoneInfo, lang: str, outcomes: dict[str, dict[str, Any]] | None = None
) -> dict[str, Any]:
    """What the public page shows of ``api.public_view``: dates, figures and names as citizens read them;
    ``outcomes``: the measures that implement its submissions (``api.measure_outcomes``)."""
    titles = {c["challenge_id"]: c["title"] for c in view["challenges"]}
    schedule = [
        {"phase": p["phase"], "iso": p["starts_at"], "when": when(datetime.fromisoformat(p["starts_at"]), tz, lang)}
        for p in view["schedule"]
    ]
    challenges = [
        {
            **c,
            "evidence": [
                {
                    "url": e["page_url"],
                    "theme": e.get("theme"),
                    "link": _web_link(e["page_url"]),
                    "note": e["note"],
                    "figures": _figures(e["satisfaction"], lang),
                }
                for e in c["evidence"]
            ],
        }
        for c in view["challenges"]
    ]
    results = None
    if view["results"] is not None:
        results = [
            {
                **e,
                "title": e["title"] if e["title"] is not None else text("hackathon.erased", lang),
                "challenge": titles.get(e["challenge_id"], e["challenge_id"]),
                "licence_label": licence_label(e["licence"], lang),
                "measure": achieved((outcomes or {}).get(str(e["submission_id"])), lang),
            }
            for e in view["results"]["ranking"]
        ]
    return {"view": view, "schedule": schedule, "challenges": challenges, "results": results}


# ---- Forms ----


def validated(
    model: type[BaseModel], values: dict[str, Any], form: str, prefix: str, lang: str
) -> tuple[BaseModel | None, list[dict[str, Any]]]:
    """A form's values as the API's request model, or its errors: one message per invalid field, in form order
    (``hackathon.page.error.<form>.<field>``; the field's id in the page is ``prefix`` + its name)."""
    try:
        return model.model_validate(values), []
    except ValidationError as exc:
        fields = list(dict.fromkeys(str(e["loc"][0]) for e in exc.errors() if e["loc"]))
        return None, [{"field": prefix + f, "message": text(f"hackathon.page.error.{form}.{f}", lang)} for f in fields]


def refusal(exc: Refused, prefix: str, lang: str) -> dict[str, Any]:
    values = {k: text(f"hackathon.phase.{v}", lang) if k == "phase" else v for k, v in exc.values.items()}
    message = text(f"hackathon.refused.{exc.code}", lang, **values)
    if exc.code == "registered":
        message += " " + text("hackathon.page.register.use_link", lang)
    field = REFUSAL_FIELDS.get(exc.code)
    return {"field": prefix + field if field else None, "message": message}


def refusal_status(exc: Refused) -> int:
    return 422 if exc.status in (404, 422) else 409


def _shown_code(code: str | None) -> str | None:
    """A join code as people read it out: two groups of four (joining accepts it with or without the dash)."""
    return f"{code[:4]}-{code[4:]}" if code and len(code) == 8 else code


def vote_choices(state: HackathonState, own_teams: Collection[uuid.UUID], lang: str = "de") -> list[dict[str, Any]]:
    """The submissions of teams the participant was never in (``own_teams``: every team they were in), oldest
    first; team names only where the team agreed to publish them."""
    titles = {c.challenge_id: c.title for c in state.challenges.values()}
    choices = []
    for s in sorted(state.submissions.values(), key=lambda s: s.sequence):
        if s.team_id in own_teams:
            continue
        team = state.teams.get(s.team_id)
        choices.append({"id": str(s.submission_id), "title": s.shown_title(lang),
                        "team": team.shown_name(lang) if team and team.publish_name else None,
                        "challenge": titles.get(s.challenge_id, s.challenge_id)})  # fmt: skip
    return choices


def _submission_values(found: Submission | None) -> dict[str, str]:
    if found is None:
        return {"title": "", "summary": "", "description": "", "repository_url": "", "demo_url": "", "licence": ""}
    return {
        "title": found.title or "",
        "summary": found.summary or "",
        "description": found.description or "",
        "repository_url": found.repository_url or "",
        "demo_url": found.demo_url or "",
        "licence": found.licence,
    }


def build_hackathon_pages(settings: Settings, pool: asyncpg.Pool, producer: Producer) -> APIRouter:
    secure = settings.public_base_url.startswith("https://")
    tz = ZoneInfo(settings.timezone)
    router = APIRouter(prefix=PREFIX, include_in_schema=False)
    states = store.States()  # the pages' folded hackathons, kept up to date per request
    signups = signup_limiter(settings)  # shared with the API: a client's quota counts both
    headers = {"X-Frame-Options": "DENY"}
    if secure:
        headers["Strict-Transport-Security"] = "max-age=31536000; includeSubDomains"

    def page(request: Request, template: str, status: int = 200, **context: Any) -> HTMLResponse:
        lang = language(request)
        return render_page(
            _TEMPLATES,
            template,
            csp=CSP,
            status=status,
            headers=headers,
            lang=lang,
            t=lambda key, **values: text(key, lang, **values),
            **context,
        )

    def message(
        request: Request, status: int, name: str, link: tuple[str, str] | None = None, **values: Any
    ) -> HTMLResponse:
        """A page that only says something: ``hackathon.page.<name>.title`` and ``.body`` (with ``values``)."""
        return page(request, "hackathon_message.html", status, name=name, link=link, values=values)

    def too_many(request: Request, exc: Refused) -> HTMLResponse:
        """The per-client quota of the forms that send mail is used up: 429, and when to try again."""
        response = message(request, 429, "too_many")
        response.headers["Retry-After"] = str(exc.retry_after or 60)
        return response

    def expired(request: Request, hackathon_id: str) -> Response:
        """A personal token that no longer signs in: say so, lead to a new link, and drop the cookie."""
        lost = (url(hackathon_id, "link"), "hackathon.page.resend.title")
        return sign_out_here(message(request, 401, "token_expired", lost, days=settings.hackathon_link_days),
                             hackathon_id)  # fmt: skip

    def not_found(request: Request) -> HTMLResponse:
        return message(request, 404, "not_found")

    def cross_site(request: Request) -> HTMLResponse:
        return message(request, 403, "cross_site")

    def see_other(location: str) -> RedirectResponse:
        return RedirectResponse(
            location, status_code=303, headers={"Cache-Control": "no-store", "Referrer-Policy": "same-origin"} | headers
        )

    def url(hackathon_id: str, *path: str) -> str:
        return "/".join((PREFIX, quote(hackathon_id, safe=""), *path))

    def cookie(hackathon_id: str) -> str:
        return participant_cookie(settings.public_base_url, hackathon_id)[0]

    def sign_in(response: Response, hackathon_id: str, token: str, signed: SignedIn) -> Response:
        """The cookie lives as long as the token signs in."""
        max_age = max(0, int((signed.valid_until - datetime.now(UTC)).total_seconds()))
        response.set_cookie(cookie(hackathon_id), token, max_age=max_age, path="/", secure=secure, httponly=True,
                            samesite="lax")  # fmt: skip
        return response

    def sign_out_here(response: Response, hackathon_id: str) -> Response:
        """Drop the cookie (the token itself is revoked by ``sign_out``)."""
        response.delete_cookie(cookie(hackathon_id), path="/", secure=secure, httponly=True, samesite="lax")
        return response

    async def published(conn: asyncpg.Connection, hackathon_id: str) -> HackathonState | None:
        """The hackathon, unless it is unknown or still a draft (neither exists for citizens)."""
        state = await states.get(conn, hackathon_id[:64])
        return None if state.created is None or state.phase == "entwurf" else state

    async def signed_in_here(
        conn: asyncpg.Connection, request: Request, state: HackathonState
    ) -> asyncpg.Record | None:
        """The participant this browser's cookie signs in; None without one. Refused once it expired."""
        token = request.cookies.get(cookie(state.id))
        return await signed_in(conn, state, token[:200], settings) if token else None

    async def command(hackathon_id: str, actor: str, decide: service.Decide) -> BaseModel:
        return await service.command(pool, await producer(), settings, hackathon_id, actor, decide)

    # ---- Public ----

    @router.get("")
    async def listing(request: Request) -> Response:
        """Every hackathon that is not a draft, newest year first."""
        async with pool.acquire() as conn:
            states = [s for s in [await published(conn, h) for h in await store.hackathons(conn)] if s is not None]
        states.sort(key=lambda s: (-s.info.year, s.info.title))
        lang = language(request)
        items = [{"title": s.info.title, "year": s.info.year, "phase": text(f"hackathon.phase.{s.phase}", lang),
                  "url": url(s.id), "challenges": len(s.challenges)} for s in states]  # fmt: skip
        return page(request, "hackathon_list.html", hackathons=items)

    @router.get("/{hackathon_id}")
    async def public(hackathon_id: str, request: Request) -> Response:
        async with pool.acquire() as conn:
            state = await published(conn, hackathon_id)
            if state is None:
                return not_found(request)
            view = public_view(state, await evidence_figures(conn, state))
            outcomes = await measure_outcomes(conn, state.id) if view["results"] is not None else {}
        lang = language(request)
        ok = request.query_params.get("ok")
        return page(
            request,
            "hackathon_public.html",
            **public_context(view, tz, lang, outcomes),
            notice=ok if ok in PUBLIC_NOTICES else None,
            registration_open=state.phase in TEAM_PHASES,
            url=url(state.id),
        )

    # ---- Registration and the personal link ----

    def registration(
        request: Request, state: HackathonState, status: int = 200, values: dict[str, Any] | None = None,
        errors: list[dict[str, Any]] | None = None,
    ) -> HTMLResponse:  # fmt: skip
        errors = errors or []
        return page(
            request,
            "hackathon_register.html",
            status,
            title=state.info.title,
            url=url(state.id),
            phase=state.phase,
            registration_open=state.phase in TEAM_PHASES,
            values=values or {"name": "", "email": "", "consent": False},
            link_days=settings.hackathon_link_days,
            errors=errors,
            field_errors={e["field"]: e["message"] for e in errors if e["field"]},
        )

    @router.get("/{hackathon_id}/anmeldung")
    async def registration_form(hackathon_id: str, request: Request) -> Response:
        async with pool.acquire() as conn:
            state = await published(conn, hackathon_id)
            if state is None:
                return not_found(request)
            try:
                if await signed_in_here(conn, request, state) is not None:
                    return see_other(url(state.id, "mitmachen"))
            except Refused:  # an expired cookie: the form is what they need
                pass
        return registration(request, state)

    @router.post("/{hackathon_id}/anmeldung")
    async def register(hackathon_id: str, request: Request) -> Response:
        if not same_origin(request, settings.public_base_url):
            return cross_site(request)
        async with pool.acquire() as conn:
            state = await published(conn, hackathon_id)
        if state is None:
            return not_found(request)
        try:
            key = admit_signup(signups, request.client.host if request.client else None)
        except Refused as exc:
            return too_many(request, exc)
        lang = language(request)
        form = await read_form(request)
        values: dict[str, Any] = {"name": form.get("name", "").strip(), "email": form.get("email", "").strip(),
                                  "consent": form.get("consent") == "ja"}  # fmt: skip
        _, errors = validated(RegisterBody, values, "register", "", lang)
        if errors:
            signups.refund(key)  # invalid input does not count against the client
            return registration(request, state, 422, values, errors)
        async with pool.acquire() as conn:
            try:
                letter = await ask_to_confirm(conn, state, values["name"], values["email"])
            except Refused as exc:
                return registration(request, state, refusal_status(exc), values, [refusal(exc, "", lang)])
        if letter is not None:
            send(settings, letter, state.id, state.info.title, lang)
        return see_other(url(state.id, "anmeldung", "gesendet"))

    @router.get("/{hackathon_id}/anmeldung/gesendet")
    async def check_mail(hackathon_id: str, request: Request) -> Response:
        """After the registration form: the same page whether the address is new or registered already."""
        async with pool.acquire() as conn:
            state = await published(conn, hackathon_id)
        if state is None:
            return not_found(request)
        return message(request, 200, "check_mail", (url(state.id), "hackathon.page.resend.back"))

    @router.get("/{hackathon_id}/link")
    async def lost_link_form(hackathon_id: str, request: Request) -> Response:
        async with pool.acquire() as conn:
            state = await published(conn, hackathon_id)
        if state is None:
            return not_found(request)
        return page(request, "hackathon_link.html", title=state.info.title, url=url(state.id), values={"email": ""},
                    errors=[], field_errors={})  # fmt: skip

    @router.post("/{hackathon_id}/link")
    async def lost_link(hackathon_id: str, request: Request) -> Response:
        """Send a sign-in link to a registered address. The answer is the same whether the address is registered or
        not (it reveals nothing); the current personal link keeps working until the new one is opened."""
        if not same_origin(request, settings.public_base_url):
            return cross_site(request)
        async with pool.acquire() as conn:
            state = await published(conn, hackathon_id)
            if state is None:
                return not_found(request)
            try:
                key = admit_signup(signups, request.client.host if request.client else None)
            except Refused as exc:
                return too_many(request, exc)
            lang = language(request)
            email = (await read_form(request)).get("email", "").strip()[:254]
            if not re.fullmatch(EMAIL, email):
                signups.refund(key)  # invalid input does not count against the client
                error = {"field": "link-email", "message": text("hackathon.page.resend.invalid", lang)}
                invalid = {"link-email": error["message"]}
                return page(request, "hackathon_link.html", 422, title=state.info.title, url=url(state.id),
                            values={"email": email}, errors=[error], field_errors=invalid)  # fmt: skip
            letter = await resend_link(conn, state, email)
        if letter is not None:
            send(settings, letter, state.id, state.info.title, lang)
        return message(request, 200, "link_sent", (url(state.id), "hackathon.page.resend.back"))

    @router.get("/{hackathon_id}/zugang/{token}")
    async def open_link(hackathon_id: str, token: str, request: Request) -> Response:
        """The link from the mails shows a button, and changes nothing: following a link must not sign anybody in
        (a link planted on another site would sign the visitor in as its owner) nor use up a single-use link (mail
        scanners open links)."""
        async with pool.acquire() as conn:
            state = await published(conn, hackathon_id)
        if state is None:
            return not_found(request)
        return page(
            request,
            "hackathon_follow.html",
            title=state.info.title,
            action=url(state.id, "zugang", quote(token[:200], safe="")),
        )

    @router.post("/{hackathon_id}/zugang/{token}")
    async def follow_link(hackathon_id: str, token: str, request: Request) -> Response:
        """The button on the link's page (from this site only): the first time it confirms a registration (or, a
        sign-in link, becomes the personal link), and it signs in on this device."""
        if not same_origin(request, settings.public_base_url):
            return cross_site(request)
        async with pool.acquire() as conn:
            state = await published(conn, hackathon_id)
        if state is None:
            return not_found(request)
        again = (url(state.id, "anmeldung"), "hackathon.page.to_register")
        lost = (url(state.id, "link"), "hackathon.page.resend.title")
        try:
            signed = await confirm(pool, await producer(), settings, state.id, token[:200])
        except Refused as exc:
            if exc.code == "unknown_link":
                return message(request, 401, "invalid_link", again)
            if exc.code == "link_expired":
                return message(request, 410, "link_expired", again)
            if exc.code == "sign_in_link_expired":
                return message(request, 410, "sign_in_link_expired", lost)
            if exc.code == "token_expired":
                return expired(request, state.id)
            return registration(request, state, refusal_status(exc), errors=[refusal(exc, "", language(request))])
        except (KafkaError, TimeoutError):
            return message(request, 503, "confirm_unavailable")
        area_url = url(state.id, "mitmachen") + ("?ok=angemeldet" if signed.registered else "")
        return sign_in(see_other(area_url), state.id, token[:200], signed)

    # ---- The participant area ----

    async def area(
        request: Request, state: HackathonState, person: asyncpg.Record, status: int = 200, *, form: str | None = None,
        values: dict[str, Any] | None = None, errors: list[dict[str, Any]] | None = None,
    ) -> HTMLResponse:  # fmt: skip
        """The participant area; after a refused or invalid form (``form``) with what was entered (``values``)."""
        lang = language(request)
        pid = person["participant_id"]
        team_id = state.team_of.get(pid)
        team = state.teams.get(team_id) if team_id else None
        async with pool.acquire() as conn:
            members = await store.names(conn, team.members) if team else {}
            code = await store.team_code(conn, team.id) if team else None
        deadline = domain.submission_deadline(state)
        team_view = None
        if team is not None:
            team_view = {"name": team.shown_name(lang), "publish_name": team.publish_name, "code": _shown_code(code),
                         "members": [members.get(m, "") for m in team.members]}  # fmt: skip
        challenges = []
        for c in state.challenges.values():
            saved = state.submission_of(team.id, c.challenge_id) if team else None
            entered = values if form == f"submission:{c.challenge_id}" else None
            challenges.append({"id": c.challenge_id, "title": c.title, "saved": saved,
                               "shown": entered or _submission_values(saved)})  # fmt: skip
        errors = errors or []
        ok = request.query_params.get("ok")
        token = request.cookies.get(cookie(state.id), "")
        link_until = domain.token_valid_until(state, person["token_issued_at"], link_lifetime(settings))
        return page(
            request,
            "hackathon_area.html",
            status,
            title=state.info.title,
            url=url(state.id),
            phase=state.phase,
            name=person["name"],
            team=team_view,
            max_team_size=state.info.max_team_size,
            can_team=state.phase in TEAM_PHASES,
            can_submit=state.phase == "hackathon_laeuft" and (deadline is None or datetime.now(UTC) < deadline),
            deadline=when(deadline, tz, lang) if deadline else None,
            can_vote=state.info.community_vote and state.phase in VOTE_PHASES,
            challenges=challenges,
            choices=vote_choices(state, state.ever_in.get(pid, set()), lang),
            my_vote=str(state.votes[pid]) if pid in state.votes else None,
            licences=[(licence, licence_label(licence, lang)) for licence in LICENCES],
            personal_link=personal_link(settings, state.id, token),
            link_until=when(link_until, tz, lang),
            notice=ok if ok in AREA_NOTICES else None,
            form=form,
            values=values or {},
            errors=errors,
            field_errors={e["field"]: e["message"] for e in errors if e["field"]},
        )

    async def participant(request: Request, hackathon_id: str) -> tuple[HackathonState, asyncpg.Record] | Response:
        """The hackathon and its signed-in participant, or the answer for anyone else (to the registration; an
        expired sign-in is told so)."""
        async with pool.acquire() as conn:
            state = await published(conn, hackathon_id)
            if state is None:
                return not_found(request)
            try:
                person = await signed_in_here(conn, request, state)
            except Refused:
                return expired(request, state.id)
        if person is None:
            return see_other(url(state.id, "anmeldung"))
        return state, person

    @router.get("/{hackathon_id}/mitmachen")
    async def participant_area(hackathon_id: str, request: Request) -> Response:
        found = await participant(request, hackathon_id)
        if isinstance(found, Response):
            return found
        return await area(request, *found)

    async def act(
        request: Request, hackathon_id: str, form: str, prefix: str, values: dict[str, Any],
        model: type[BaseModel] | None, decide_for: DecideFor, ok: str, body: dict[str, Any] | None = None,
    ) -> Response:  # fmt: skip
        """One form of the participant area: same origin, signed in, valid (``body``, else ``values``, by the API's
        model), decided and published; then back to the area with a notice, or the form again with the reason."""
        if not same_origin(request, settings.public_base_url):
            return cross_site(request)
        found = await participant(request, hackathon_id)
        if isinstance(found, Response):
            return found
        state, person = found
        lang = language(request)
        parsed = None
        if model is not None:
            parsed, errors = validated(model, values if body is None else body, form.partition(":")[0], prefix, lang)
            if errors:
                return await area(request, state, person, 422, form=form, values=values, errors=errors)
        pid = person["participant_id"]
        try:
            await command(state.id, f"participant:{pid}", decide_for(pid, parsed))
        except Refused as exc:
            async with pool.acquire() as conn:
                state = await store.state(conn, state.id)
            errors = [refusal(exc, prefix, lang)]
            return await area(request, state, person, refusal_status(exc), form=form, values=values, errors=errors)
        except (KafkaError, TimeoutError):
            errors = [{"field": None, "message": text("hackathon.page.error.unavailable", lang)}]
            return await area(request, state, person, 503, form=form, values=values, errors=errors)
        if ok in PUBLIC_NOTICES:  # erased: signed out, back on the public page
            return sign_out_here(see_other(url(state.id) + f"?ok={ok}"), state.id)
        return see_other(url(state.id, "mitmachen") + f"?ok={ok}")

    @router.post("/{hackathon_id}/mitmachen/team")
    async def create_team(hackathon_id: str, request: Request) -> Response:
        form = await read_form(request)
        values = {"name": form.get("name", "").strip(), "publish_name": form.get("publish_name") == "ja"}
        return await act(request, hackathon_id, "team", "team-", values, TeamBody, new_team, "team")

    @router.post("/{hackathon_id}/mitmachen/beitreten")
    async def join_team(hackathon_id: str, request: Request) -> Response:
        values = {"code": (await read_form(request)).get("code", "").strip()}
        return await act(request, hackathon_id, "join", "join-", values, JoinBody, join, "beigetreten")

    @router.post("/{hackathon_id}/mitmachen/verlassen")
    async def leave_team(hackathon_id: str, request: Request) -> Response:
        return await act(request, hackathon_id, "leave", "", {}, None, leave, "verlassen")

    @router.post("/{hackathon_id}/mitmachen/einreichung/{challenge_id}")
    async def save_submission(hackathon_id: str, challenge_id: str, request: Request) -> Response:
        form = await read_form(request, limit=65536)
        values = {k: form.get(k, "").strip() for k in ("title", "summary", "description", "repository_url",
                                                        "demo_url", "licence")}  # fmt: skip
        body = {**values, "repository_url": values["repository_url"] or None, "demo_url": values["demo_url"] or None}
        prefix = f"s-{challenge_id[:64]}-"
        return await act(request, hackathon_id, f"submission:{challenge_id[:64]}", prefix, values, SubmissionBody,
                         submission_for(challenge_id[:64]), "einreichung", body)  # fmt: skip

    @router.post("/{hackathon_id}/mitmachen/stimme")
    async def cast_vote(hackathon_id: str, request: Request) -> Response:
        values = {"submission_id": (await read_form(request)).get("submission_id", "")}
        return await act(request, hackathon_id, "vote", "vote-", values, VoteBody, vote, "stimme")

    @router.get("/{hackathon_id}/mitmachen/daten")
    async def own_data_download(hackathon_id: str, request: Request) -> Response:
        """Everything stored about the participant as a JSON file (DSGVO Art. 15 and 20)."""
        found = await participant(request, hackathon_id)
        if isinstance(found, Response):
            return found
        state, person = found
        async with pool.acquire() as conn:
            data = await own_data(conn, state, person)
        return download(orjson.dumps(data, option=orjson.OPT_INDENT_2), f"hackathon-{state.id}-meine-daten.json", JSON)

    @router.get("/{hackathon_id}/mitmachen/loeschen")
    async def erase_confirmation(hackathon_id: str, request: Request) -> Response:
        found = await participant(request, hackathon_id)
        if isinstance(found, Response):
            return found
        state, person = found
        return page(request, "hackathon_erase.html", title=state.info.title, url=url(state.id), name=person["name"])

    @router.post("/{hackathon_id}/mitmachen/loeschen")
    async def erase_data(hackathon_id: str, request: Request) -> Response:
        return await act(request, hackathon_id, "erase", "", {}, None, erase, "geloescht")

    @router.post("/{hackathon_id}/abmelden")
    async def sign_out_everywhere(hackathon_id: str, request: Request) -> Response:
        """Sign out: the personal token is revoked on the server (the link and the cookie on every device stop
        working; a new link comes from the lost-link page), and the cookie goes."""
        if not same_origin(request, settings.public_base_url):
            return cross_site(request)
        async with pool.acquire() as conn:
            state = await published(conn, hackathon_id)
            if state is None:
                return not_found(request)
            token = request.cookies.get(cookie(state.id))
            if token:
                await sign_out(conn, state.id, token[:200])
        return sign_out_here(see_other(url(state.id) + "?ok=abgemeldet"), state.id)

    return router
