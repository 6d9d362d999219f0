"""The organisation model in the staff console (``/console/organisation``, administrators: ``org.manage``): the
units, sites (with origins and sections) and pages, a form for each to create and edit it, and the model as the
YAML file ``stadtstimme org apply`` reads.

Saving runs the one command of the org model (``org.execute``: the YAML loader's rules, Kafka first, then the
tables, audited), the same as ``stadtstimme org apply``; refused forms come back as typed, each problem in German
at its field. Server-rendered, without JavaScript. Nothing is deleted (old feedback refers to it)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from typing import Any
from urllib.parse import urlencode

import asyncpg
from aiokafka.errors import KafkaError
from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from services.analytics import org, org_form, org_store
from services.analytics.org_domain import Subject, with_page, with_site, with_unit
from services.analytics.org_form import FormErrors
from shared.auth import Account, audit
from shared.console_ui import ConsoleUI, read_form
from shared.contracts.org import SDG_KINDS
from shared.downloads import YAML, download
from shared.kafka import LazyProducer
from shared.messages import text
from shared.orgmodel import OrgModel, dump_org_yaml, fetch_org_model
from shared.refusal import Refusal
from shared.settings import Settings

FORM_LIMIT = 64 * 1024
UNIT_KINDS = ("department", "eigenbetrieb", "city")
DONE = ("saved", "unchanged")


def add_org_routes(
    router: APIRouter, ui: ConsoleUI, settings: Settings, pool: asyncpg.Pool, producer: LazyProducer
) -> None:
    base = f"{ui.prefix}/organisation"

    async def load() -> tuple[OrgModel, dict[Subject, int]]:
        async with pool.acquire() as conn:
            return await fetch_org_model(conn), await org_store.revisions(conn)

    @router.get("/organisation")
    async def overview(request: Request) -> Response:
        account = await ui.require(request, "org.manage")
        model, _ = await load()
        done = request.query_params.get("done")
        units = sorted(model.units.values(), key=lambda u: u.name.casefold())
        sites = sorted(model.sites.values(), key=lambda s: s.name.casefold())
        pages = sorted(model.pages.values(), key=lambda p: (p.site, p.url))
        return ui.page("console_org.html", account=account, units=units, sites=sites, pages=pages, model=model,
                       done=done if done in DONE else None, what=request.query_params.get("what", "")[:300],
                       page_link=lambda url: f"{base}/seite?{urlencode({'url': url})}")  # fmt: skip

    @router.get("/organisation/organisation.yaml")
    async def export(request: Request) -> Response:
        account = await ui.require(request, "org.manage")
        model, _ = await load()
        async with pool.acquire() as conn:
            await audit(conn, account.username, "org_exported", "organisation.yaml", units=len(model.units),
                        sites=len(model.sites), pages=len(model.pages))  # fmt: skip
        return download(dump_org_yaml(model), "organisation.yaml", YAML)

    def form_page(template: str, account: Account, model: OrgModel, values: dict[str, str], *, editing: bool,
                  status: int = 200, errors: FormErrors | None = None, **context: Any) -> Response:  # fmt: skip
        units = sorted(model.units.values(), key=lambda u: u.name.casefold())
        sites = sorted(model.sites.values(), key=lambda s: s.name.casefold())
        return ui.page(template, status, account=account, values=values, editing=editing, units=units, sites=sites,
                       kinds=UNIT_KINDS, sdg_kinds=SDG_KINDS, field_errors=errors.fields if errors else {},
                       errors=errors.summary() if errors else [], **context)  # fmt: skip

    Refused = Callable[[int, FormErrors], Awaitable[Response]]

    async def save(account: Account, subject: Subject, revision: int | None, change: Callable[[OrgModel], OrgModel],
                   refused: Refused, rows: Sequence[int] = ()) -> Response:  # fmt: skip
        """Run the command; a refusal renders the form again through ``refused(status, errors)``."""
        try:
            events = await org.execute(pool, await producer.get(), settings, change, account.username, "console",
                                       None if revision is None else (subject, revision))  # fmt: skip
        except org.OrgInvalid as exc:
            return await refused(422, org_form.errors_at_fields(exc.problems, exc.model, subject, rows))
        except Refusal as exc:
            errors = {exc.field: exc.reason("de")} if exc.field else {}
            return await refused(exc.status, FormErrors(errors, [] if exc.field else [exc.reason("de")]))
        except (KafkaError, OSError, TimeoutError):
            return await refused(503, FormErrors({}, [text("console.org.error.unavailable")]))
        query = urlencode({"done": "saved" if events else "unchanged", "what": subject[1]})
        return RedirectResponse(f"{base}?{query}", status_code=303)

    def revision_of(form: dict[str, str]) -> int:
        typed = form.get("revision", "0")
        return int(typed) if typed.isdigit() and len(typed) < 10 else -1

    def taken(rule: str, field: str, key: str) -> Refusal:
        return Refusal(f"org.error.{rule}", 409, field=field, id=key)

    # ---- Units ----

    @router.get("/organisation/einheiten/neu")
    async def new_unit(request: Request) -> Response:
        account = await ui.require(request, "org.manage")
        model, _ = await load()
        return form_page("console_org_unit.html", account, model, {"kind": "department"}, editing=False)

    @router.get("/organisation/einheiten/{unit_id}")
    async def edit_unit(unit_id: str, request: Request) -> Response:
        account = await ui.require(request, "org.manage")
        model, revisions = await load()
        unit = model.units.get(unit_id[:64])
        if unit is None:
            return ui.not_found(account)
        values = {"unit_id": unit.id, "name": unit.name, "kind": unit.kind, "parent": unit.parent or "",
                  "revision": str(revisions.get(("unit", unit.id), 0))}  # fmt: skip
        return form_page("console_org_unit.html", account, model, values, editing=True)

    async def post_unit(request: Request, unit_id: str | None) -> Response:
        account = await ui.require(request, "org.manage")
        if unit_id is not None and unit_id not in (await load())[0].units:
            return ui.not_found(account)
        form = await read_form(request, limit=FORM_LIMIT)
        unit = org_form.unit_from_form(form, unit_id)

        def change(current: OrgModel) -> OrgModel:
            if unit_id is None and unit.id in current.units:
                raise taken("duplicate_unit", "unit_id", unit.id)
            return with_unit(current, unit)

        async def refused(status: int, errors: FormErrors) -> Response:
            model, _ = await load()
            return form_page("console_org_unit.html", account, model, form | {"unit_id": unit.id},
                             editing=unit_id is not None, status=status, errors=errors)  # fmt: skip

        return await save(account, ("unit", unit.id), None if unit_id is None else revision_of(form), change,
                          refused)  # fmt: skip

    @router.post("/organisation/einheiten/neu")
    async def create_unit(request: Request) -> Response:
        return await post_unit(request, None)

    @router.post("/organisation/einheiten/{unit_id}")
    async def change_unit(unit_id: str, request: Request) -> Response:
        return await post_unit(request, unit_id[:64])

    # ---- Sites ----

    def site_page(account: Account, model: OrgModel, values: dict[str, str], editing: bool, status: int = 200,
                  errors: FormErrors | None = None) -> Response:  # fmt: skip
        rows = org_form.section_rows(values)
        return form_page("console_org_site.html", account, model, values, editing=editing, status=status,
                         errors=errors, rows=range(rows))  # fmt: skip

    @router.get("/organisation/websites/neu")
    async def new_site(request: Request) -> Response:
        account = await ui.require(request, "org.manage")
        model, _ = await load()
        values = {k: v for n in range(org_form.BLANK_ROWS) for k, v in org_form.blank_section(n).items()}
        return site_page(account, model, values, editing=False)

    @router.get("/organisation/websites/{site_id}")
    async def edit_site(site_id: str, request: Request) -> Response:
        account = await ui.require(request, "org.manage")
        model, revisions = await load()
        site = model.sites.get(site_id[:64])
        if site is None:
            return ui.not_found(account)
        values = org_form.site_form_values(site, 0) | {"revision": str(revisions.get(("site", site.id), 0))}
        return site_page(account, model, values, editing=True)

    async def post_site(request: Request, site_id: str | None) -> Response:
        account = await ui.require(request, "org.manage")
        if site_id is not None and site_id not in (await load())[0].sites:
            return ui.not_found(account)
        form = await read_form(request, limit=FORM_LIMIT)
        if form.get("action") == "more_sections":  # a form without JavaScript grows by a submit button
            model, _ = await load()
            had = org_form.section_rows(form)
            grown = form | {k: v for n in range(had, min(had + 3, org_form.MAX_SECTION_ROWS))
                            for k, v in org_form.blank_section(n).items()}  # fmt: skip
            return site_page(account, model, grown, editing=site_id is not None)
        site, rows = org_form.site_from_form(form, site_id)

        def change(current: OrgModel) -> OrgModel:
            if site_id is None and site.id in current.sites:
                raise taken("duplicate_site", "site_id", site.id)
            return with_site(current, site)

        async def refused(status: int, errors: FormErrors) -> Response:
            model, _ = await load()
            return site_page(account, model, form | {"site_id": site.id}, site_id is not None, status, errors)

        return await save(account, ("site", site.id), None if site_id is None else revision_of(form), change,
                          refused, rows)  # fmt: skip

    @router.post("/organisation/websites/neu")
    async def create_site(request: Request) -> Response:
        return await post_site(request, None)

    @router.post("/organisation/websites/{site_id}")
    async def change_site(site_id: str, request: Request) -> Response:
        return await post_site(request, site_id[:64])

    # ---- Pages (by their address, in the query: a URL does not fit in a path segment) ----

    @router.get("/organisation/seiten/neu")
    async def new_page(request: Request) -> Response:
        account = await ui.require(request, "org.manage")
        model, _ = await load()
        values = {"site_id": request.query_params.get("site", "")[:64]}
        return form_page("console_org_page.html", account, model, values, editing=False)

    @router.get("/organisation/seite")
    async def edit_page(request: Request) -> Response:
        account = await ui.require(request, "org.manage")
        model, revisions = await load()
        page = model.pages.get(request.query_params.get("url", "")[:2000])
        if page is None:
            return ui.not_found(account)
        values = org_form.page_form_values(page) | {"revision": str(revisions.get(("page", page.url), 0))}
        return form_page("console_org_page.html", account, model, values, editing=True)

    async def post_page(request: Request, editing: bool) -> Response:
        account = await ui.require(request, "org.manage")
        form = await read_form(request, limit=FORM_LIMIT)

        async def refused(status: int, errors: FormErrors) -> Response:
            model, _ = await load()
            return form_page("console_org_page.html", account, model, form, editing=editing, status=status,
                             errors=errors)  # fmt: skip

        try:
            page = org_form.page_from_form(form)
        except FormErrors as exc:
            return await refused(422, exc)
        if editing:
            model, _ = await load()
            if page.url not in model.pages:
                return ui.not_found(account)

        def change(current: OrgModel) -> OrgModel:
            if not editing and page.url in current.pages:
                raise taken("duplicate_page", "url", page.url)
            return with_page(current, page)

        return await save(account, ("page", page.url), revision_of(form) if editing else None, change, refused)

    @router.post("/organisation/seiten/neu")
    async def create_page(request: Request) -> Response:
        return await post_page(request, False)

    @router.post("/organisation/seite")
    async def change_page(request: Request) -> Response:
        return await post_page(request, True)
