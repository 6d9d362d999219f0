"""The console's administration for administrators: staff accounts (``/console/konten``: invite by e-mail, role,
units, disable, re-enable, password reset; OpenID Connect accounts shown as such), API tokens (``/console/tokens``:
created, shown once, revoked) and the audit-log viewer (``/console/protokoll``: filters by who, what, when and unit,
CSV export). The page that sets a password through an invitation or reset link (``/console/passwort/<link>``) is the
one page here without a sign-in: the link is the proof.

The rules live in ``shared.accounts`` (pure checks, the store) and ``shared.access`` (tokens); this module is their
HTTP side. Every change is audited."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any
from urllib.parse import quote, urlencode

import asyncpg
from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from shared import accounts, mail
from shared.access import create_token, list_tokens, revoke_token
from shared.auth import ROLES, TOKEN_SCOPES, Account, audit, hash_password
from shared.console_ui import ConsoleUI, read_form
from shared.downloads import csv_download
from shared.messages import CATALOGUE, text
from shared.refusal import Refusal
from shared.settings import Settings
from shared.spreadsheet import to_csv

AUDIT_PAGE = 100
ORIGIN_ONLY_REFERRER = {
    "Referrer-Policy": "origin"
}  # the link's secret is in the path: never in a Referer (and "no-referrer" would make the form post Origin: null)


@dataclass
class Form:
    """A refused form: which one, what was typed, the errors (field id or None, German message)."""

    form: str
    values: dict[str, str]
    errors: list[tuple[str | None, str]] = field(default_factory=list)

    @property
    def by_field(self) -> dict[str, str]:
        return {f: m for f, m in self.errors if f}


def refused_form(name: str, values: dict[str, str], exc: Refusal) -> Form:
    return Form(name, values, [(exc.field, exc.reason("de"))])


def link_url(settings: Settings, secret: str) -> str:
    return f"{settings.public_base_url.rstrip('/')}/console/passwort/{secret}"


async def mail_link(settings: Settings, to: str, purpose: str, secret: str, by: Account) -> bool:
    hours = int((accounts.INVITE_VALID if purpose == "invite" else accounts.RESET_VALID).total_seconds() // 3600)
    return await mail.send(
        settings, to, text(f"console.accounts.mail.{purpose}.subject"),
        text(f"console.accounts.mail.{purpose}.body", link=link_url(settings, secret), hours=hours,
             by=by.display_name),
        f"staff {purpose} mail",
    )  # fmt: skip


def add_admin_routes(router: APIRouter, ui: ConsoleUI, settings: Settings, pool: asyncpg.Pool) -> None:
    roles_from_provider = bool(settings.oidc_roles_claim)

    def when(value: datetime | None) -> str:
        return value.astimezone(ui.tz).strftime("%d.%m.%Y %H:%M") if value else ""

    async def accounts_page(account: Account, form: Form | None = None, status: int = 200,
                            done: str | None = None) -> Response:  # fmt: skip
        async with pool.acquire() as conn:
            staff = await accounts.list_accounts(conn)
            units = await conn.fetch("SELECT id, name FROM org_unit ORDER BY name")
        return ui.page(
            "console_accounts.html", status, account=account, staff=staff, units=units, roles=ROLES, failed=form,
            field_errors=form.by_field if form else {}, done=done, when=when,
            mail_configured=bool(settings.smtp_host),
        )  # fmt: skip

    @router.get("/konten")
    async def list_page(request: Request) -> Response:
        account = await ui.require(request, "accounts.manage")
        return await accounts_page(account, done=request.query_params.get("done"))

    @router.post("/konten")
    async def invite(request: Request) -> Response:
        """A new account: local (an invitation link by mail sets its password) or signing in through OpenID
        Connect."""
        account = await ui.require(request, "accounts.manage")
        form = await read_form(request)
        units = picked_units(form)
        oidc = form.get("kind") == "oidc"
        try:
            async with pool.acquire() as conn, conn.transaction():
                created, secret = await accounts.invite(
                    conn, account.username, form.get("username", ""), form.get("display_name", ""),
                    form.get("email", ""), form.get("role", ""), units, oidc=oidc,
                )  # fmt: skip
                await audit(conn, account.username, "account_invited", created.username, role=created.role,
                            org_units=list(created.org_units), kind=created.kind, via="console")  # fmt: skip
        except Refusal as exc:
            return await accounts_page(account, refused_form("invite", form, exc), exc.status)
        sent = secret is None or await mail_link(settings, created.email or "", "invite", secret, account)
        outcome = "invited" if sent else "invited_unsent"
        return RedirectResponse(f"{ui.prefix}/konten/{quote(created.username)}?done={outcome}", status_code=303)

    async def one_page(account: Account, username: str, form: Form | None = None, status: int = 200,
                       done: str | None = None) -> Response:  # fmt: skip
        async with pool.acquire() as conn:
            staff = await accounts.account_of(conn, username[:64])
            units = await conn.fetch("SELECT id, name FROM org_unit ORDER BY name")
        if staff is None:
            return ui.not_found(account)
        return ui.page(
            "console_account.html", status, account=account, staff=staff, units=units, roles=ROLES, failed=form,
            field_errors=form.by_field if form else {}, done=done, when=when,
            role_fixed=roles_from_provider and staff.kind in ("oidc", "oidc_unbound"), itself=staff.id == account.id,
        )  # fmt: skip

    @router.get("/konten/{username}")
    async def account_page(username: str, request: Request) -> Response:
        account = await ui.require(request, "accounts.manage")
        return await one_page(account, username, done=request.query_params.get("done"))

    async def change(request: Request, username: str, what: str) -> Response:
        """Role and units, disable or re-enable: checked against the account as it is (under its row lock) and as
        it will be."""
        account = await ui.require(request, "accounts.manage")
        form = await read_form(request)
        try:
            async with pool.acquire() as conn, conn.transaction():
                await conn.execute("SELECT pg_advisory_xact_lock(hashtext('stadtstimme.accounts'))")
                target = await accounts.account_of(conn, username[:64], lock=True)
                if target is None:
                    return ui.not_found(account)
                if what == "role":
                    if roles_from_provider and target.kind in ("oidc", "oidc_unbound"):
                        raise accounts.refused("role_from_provider", "role", status=409)
                    role = form.get("role", "")
                    units = accounts.clean_units(role, picked_units(form), await accounts.known_units(conn))
                    wanted = accounts.Change(role, units, not target.disabled)
                else:
                    wanted = accounts.Change(target.role, target.org_units, what == "enable")
                accounts.check_change(account, target, wanted, await accounts.enabled_administrators(conn))
                await accounts.apply_change(conn, target, wanted)
                await audit(conn, account.username, f"account_{what}", target.username, role=wanted.role,
                            org_units=list(wanted.org_units), enabled=wanted.enabled, via="console")  # fmt: skip
        except Refusal as exc:
            return await one_page(account, username, refused_form(what, form, exc), exc.status)
        return RedirectResponse(f"{ui.prefix}/konten/{quote(target.username)}?done={what}", status_code=303)

    @router.post("/konten/{username}/rolle")
    async def change_role(username: str, request: Request) -> Response:
        return await change(request, username, "role")

    @router.post("/konten/{username}/sperren")
    async def disable(username: str, request: Request) -> Response:
        return await change(request, username, "disable")

    @router.post("/konten/{username}/entsperren")
    async def enable(username: str, request: Request) -> Response:
        return await change(request, username, "enable")

    @router.post("/konten/{username}/zuruecksetzen")
    async def reset(username: str, request: Request) -> Response:
        """A new link for a local or still invited account, mailed to its address (given here when it has none):
        a reset, or the invitation once more."""
        account = await ui.require(request, "accounts.manage")
        form = await read_form(request)
        try:
            async with pool.acquire() as conn, conn.transaction():
                target = await accounts.account_of(conn, username[:64], lock=True)
                if target is None:
                    return ui.not_found(account)
                if target.kind not in ("local", "invited"):
                    raise accounts.refused("reset_oidc", status=409)
                if target.disabled:
                    raise accounts.refused("reset_disabled", status=409)
                email = target.email
                if form.get("email", "").strip() or email is None:
                    email = await accounts.set_email(conn, target, form.get("email", ""))
                purpose: accounts.Purpose = "invite" if target.kind == "invited" else "reset"
                secret = await accounts.new_link(conn, target.id, purpose, account.username)
                await audit(conn, account.username, f"account_{purpose}_link", target.username, via="console")
        except Refusal as exc:
            return await one_page(account, username, refused_form("reset", form, exc), exc.status)
        sent = await mail_link(settings, email, purpose, secret, account)
        outcome = "link_sent" if sent else "link_unsent"
        return RedirectResponse(f"{ui.prefix}/konten/{quote(target.username)}?done={outcome}", status_code=303)

    # ---- The password page of a link (no sign-in) ----

    async def password_page(secret: str, form: Form | None = None, status: int = 200) -> Response:
        async with pool.acquire() as conn:
            found = await accounts.link_holder(conn, secret[:64])
        if found is None:
            return ui.page("console_password.html", 404, account=None, holder=None, headers=ORIGIN_ONLY_REFERRER)
        holder, purpose = found
        return ui.page("console_password.html", status, account=None, holder=holder, purpose=purpose, failed=form,
                       field_errors=form.by_field if form else {}, headers=ORIGIN_ONLY_REFERRER)  # fmt: skip

    @router.get("/passwort/{secret}")
    async def password_form(secret: str) -> Response:
        return await password_page(secret)

    @router.post("/passwort/{secret}")
    async def set_password(secret: str, request: Request) -> Response:
        if not ui.access.from_our_pages(request):
            return ui.page("console_password.html", 403, account=None, holder=None, headers=ORIGIN_ONLY_REFERRER,
                           error=text("console.error.origin"))  # fmt: skip
        form = await read_form(request, limit=4096)
        password, repeated = form.get("password", ""), form.get("password-repeat", "")
        async with pool.acquire() as conn:
            if await accounts.link_holder(conn, secret[:64]) is None:  # before the costly hash
                return await password_page(secret)
        try:
            accounts.check_password(password, repeated)
        except Refusal as exc:
            return await password_page(secret, Form("password", {}, [(exc.field, exc.reason("de"))]), exc.status)
        hashed = await asyncio.to_thread(hash_password, password)
        async with pool.acquire() as conn, conn.transaction():
            done = await accounts.redeem(conn, secret[:64], hashed)
            if done is not None:
                await audit(conn, done[0].username, f"password_set_{done[1]}", done[0].username, via="link")
        if done is None:
            return await password_page(secret)
        return RedirectResponse(f"{ui.prefix}/login?done=password", status_code=303)

    # ---- API tokens ----

    async def tokens_page(account: Account, form: Form | None = None, status: int = 200,
                          created: tuple[str, str] | None = None, done: str | None = None) -> Response:  # fmt: skip
        async with pool.acquire() as conn:
            tokens = await list_tokens(conn)
        return ui.page(
            "console_tokens.html", status, account=account, tokens=tokens, scopes=TOKEN_SCOPES, failed=form,
            field_errors=form.by_field if form else {}, created=created, done=done, when=when,
        )  # fmt: skip

    @router.get("/tokens")
    async def tokens(request: Request) -> Response:
        account = await ui.require(request, "accounts.manage")
        return await tokens_page(account, done=request.query_params.get("done"))

    @router.post("/tokens")
    async def new_token(request: Request) -> Response:
        """A new token; its secret is shown on this answer only (never again, never in a URL)."""
        account = await ui.require(request, "accounts.manage")
        form = await read_form(request)
        name = form.get("name", "").strip()[:64]
        scopes = [s for s in TOKEN_SCOPES if form.get(f"scope-{s}") == "on"]
        days = form.get("days", "").strip()
        try:
            if not name:
                raise accounts.refused("token_name", "name")
            if not scopes:
                raise accounts.refused("token_scopes", f"scope-{TOKEN_SCOPES[0]}")
            if days and not (days.isdigit() and 1 <= int(days) <= 3650):
                raise accounts.refused("token_days", "days")
            async with pool.acquire() as conn, conn.transaction():
                try:
                    token, secret = await create_token(conn, name, scopes, account.username,
                                                       timedelta(days=int(days)) if days else None)  # fmt: skip
                except ValueError:
                    raise accounts.refused("token_taken", "name", status=409) from None
                await audit(conn, account.username, "token_created", token.name, scopes=list(token.scopes),
                            via="console")  # fmt: skip
        except Refusal as exc:
            return await tokens_page(account, refused_form("token", form, exc), exc.status)
        return await tokens_page(account, created=(token.name, secret))

    @router.post("/tokens/{name}/widerrufen")
    async def revoke(name: str, request: Request) -> Response:
        account = await ui.require(request, "accounts.manage")
        await read_form(request)
        async with pool.acquire() as conn, conn.transaction():
            if not await revoke_token(conn, name[:64]):
                return ui.not_found(account)
            await audit(conn, account.username, "token_revoked", name[:64], via="console")
        return RedirectResponse(f"{ui.prefix}/tokens?done=revoked", status_code=303)

    # ---- The audit log ----

    @router.get("/protokoll")
    async def audit_page(request: Request) -> Response:
        account = await ui.require(request, "audit.read")
        chosen, problems = audit_filter(dict(request.query_params))
        before = request.query_params.get("vor", "")
        async with pool.acquire() as conn:
            where, args = audit_where(chosen, ui)
            if before.isdigit():
                args.append(int(before))
                where.append(f"id < ${len(args)}")
            rows = await conn.fetch(
                f"""SELECT id, at, actor, action, subject, org_unit, detail::text AS detail FROM audit_log
                    {"WHERE " + " AND ".join(where) if where else ""} ORDER BY id DESC LIMIT {AUDIT_PAGE + 1}""",
                *args,
            )
            actions = [r["action"] for r in await conn.fetch("SELECT DISTINCT action FROM audit_log ORDER BY 1")]
            units = await conn.fetch("SELECT id, name FROM org_unit ORDER BY name")
        more = len(rows) > AUDIT_PAGE
        rows = rows[:AUDIT_PAGE]
        query = {k: v for k, v in chosen.items() if v}
        return ui.page(
            "console_audit.html", 400 if problems else 200, account=account, rows=rows, when=when, chosen=chosen,
            actions=actions, units=units, problems=problems, action_label=action_label, query=urlencode(query),
            older=urlencode(query | {"vor": str(rows[-1]["id"])}) if more and rows else None,
        )  # fmt: skip

    @router.get("/protokoll.csv")
    async def audit_csv(request: Request) -> Response:
        """The filtered log as CSV, streamed from a cursor (memory stays flat however long the log)."""
        account = await ui.require(request, "audit.read")
        chosen, problems = audit_filter(dict(request.query_params))
        if problems:
            return ui.page("console_refused.html", 400, account=account, error=problems[0][1])
        where, args = audit_where(chosen, ui)
        async with pool.acquire() as conn:
            await audit(
                conn, account.username, "export", "protokoll.csv", filter={k: v for k, v in chosen.items() if v}
            )

        async def rows() -> AsyncIterator[str]:
            yield to_csv([[text(f"console.audit.csv.{c}") for c in ("at", "actor", "action", "subject",
                                                                                  "unit", "detail")]])  # fmt: skip
            async with pool.acquire() as conn, conn.transaction():
                batch: list[list[str]] = []
                cursor = conn.cursor(
                    f"""SELECT at, actor, action, subject, coalesce(org_unit, '') AS org_unit, detail::text AS detail
                        FROM audit_log {"WHERE " + " AND ".join(where) if where else ""} ORDER BY id""",
                    *args,
                )
                async for r in cursor:
                    batch.append([r["at"].astimezone(ui.tz).isoformat(timespec="seconds"), r["actor"], r["action"],
                                  r["subject"], r["org_unit"], r["detail"]])  # fmt: skip
                    if len(batch) == 500:
                        yield to_csv(batch)
                        batch = []
                if batch:
                    yield to_csv(batch)

        return csv_download(rows(), "stadtstimme-protokoll.csv")


def action_label(code: str) -> str:
    """An audit action in German, or its code where the catalogue has no label."""
    key = f"console.audit.action.{code}"
    return text(key) if key in CATALOGUE else code


def picked_units(form: dict[str, str]) -> list[str]:
    """The org units ticked in a form (checkboxes ``unit-<id>``)."""
    return [k.removeprefix("unit-") for k, v in form.items() if k.startswith("unit-") and v == "on"]


def audit_filter(params: dict[str, str]) -> tuple[dict[str, str], list[tuple[str | None, str]]]:
    """The viewer's filters as typed (who, what, unit, from, to), and what is wrong with them."""
    chosen = {k: params.get(k, "").strip()[:200] for k in ("wer", "was", "einheit", "von", "bis")}
    problems: list[tuple[str | None, str]] = []
    for key in ("von", "bis"):
        if chosen[key]:
            try:
                date.fromisoformat(chosen[key])
            except ValueError:
                problems.append((f"audit-{key}", text("console.audit.error.date")))
                chosen[key] = ""
    if chosen["von"] and chosen["bis"] and chosen["bis"] < chosen["von"]:
        problems.append(("audit-bis", text("problem.range.title")))
    return chosen, problems


def audit_where(chosen: dict[str, str], ui: ConsoleUI) -> tuple[list[str], list[Any]]:
    where: list[str] = []
    args: list[Any] = []

    def add(clause: str, value: Any) -> None:
        args.append(value)
        where.append(clause.format(n=len(args)))

    if chosen["wer"]:
        add("actor = ${n}", chosen["wer"].lower() if not chosen["wer"].startswith("token:") else chosen["wer"])
    if chosen["was"]:
        add("action = ${n}", chosen["was"])
    if chosen["einheit"]:
        add("org_unit = ${n}", chosen["einheit"])
    if chosen["von"]:
        add("at >= ${n}", datetime.combine(date.fromisoformat(chosen["von"]), time(), ui.tz))
    if chosen["bis"]:
        add("at < ${n}", datetime.combine(date.fromisoformat(chosen["bis"]) + timedelta(days=1), time(), ui.tz))
    return where, args
