"""Measures in the staff console (``/console/massnahmen``): the list, a form to record and change a measure, and each
measure's page with satisfaction before and after its go-live (figures, 95 % intervals, verdict, seasonality),
where publishing puts it on the public page ``/wirkung`` and withdrawing takes it off.

Reading needs ``measures.read``, changing ``measures.manage`` for the measure's unit as it is and as it will be
(``measures.save``: ``shared.access.check_units``); unit staff see only their units' measures (another unit's answers
404). Refused forms come back as typed, each problem in German at its field. Server-rendered, without JavaScript."""

from __future__ import annotations

import uuid
from typing import Any

import asyncpg
from aiokafka.errors import KafkaError
from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from services.analytics import measure_store, measures
from services.analytics.measure_domain import DEFAULT_WINDOW_DAYS, check, measure_from_form
from services.analytics.measure_store import StoredMeasure
from services.analytics.measure_view import day, description, effect_view, origin_lines, title
from shared.access import check_units
from shared.auth import Account
from shared.console_ui import ConsoleUI, read_form
from shared.kafka import LazyProducer
from shared.messages import text
from shared.refusal import Refusal
from shared.settings import Settings

FORM_LIMIT = 64 * 1024
DONE = ("saved", "unchanged", "published", "unpublished")


def form_values(stored: StoredMeasure) -> dict[str, str]:
    m = stored.measure
    return {
        "org_unit": m.org_unit, "title_de": m.title_de, "title_en": m.title_en, "description_de": m.description_de,
        "description_en": m.description_en, "live_on": m.live_on.isoformat(), "window_days": str(m.window_days),
        "pages": "\n".join(m.pages), "site": m.site or "", "path_prefix": m.path_prefix or "", "theme": m.theme,
        "comment_ids": "\n".join(str(c) for c in m.comment_ids), "hackathon_id": m.hackathon_id or "",
        "challenge_id": m.challenge_id or "", "submission_id": str(m.submission_id or ""),
        "revision": str(stored.revision),
    }  # fmt: skip


def add_measure_routes(
    router: APIRouter, ui: ConsoleUI, settings: Settings, pool: asyncpg.Pool, producer: LazyProducer
) -> None:
    base = f"{ui.prefix}/massnahmen"

    async def units_and_sites(account: Account) -> tuple[list[asyncpg.Record], list[asyncpg.Record]]:
        async with pool.acquire() as conn:
            units = await conn.fetch("SELECT id, name FROM org_unit ORDER BY name")
            sites = await conn.fetch("SELECT id, name FROM site ORDER BY name")
        return [u for u in units if account.may_act_on(measures.MANAGE, u["id"])], list(sites)

    async def visible(account: Account, raw_id: str, permission: str) -> StoredMeasure | None:
        """The measure, if it exists and the account may see it (another unit's raises 404 like an unknown one)."""
        try:
            measure_id = uuid.UUID(raw_id[:36])
        except ValueError:
            return None
        async with pool.acquire() as conn:
            stored = await measure_store.fetch(conn, measure_id)
        if stored is not None:
            check_units(account, permission, stored.measure.org_unit)
        return stored

    @router.get("/massnahmen")
    async def listing(request: Request) -> Response:
        account = await ui.require(request, "measures.read")
        async with pool.acquire() as conn:
            found = await measure_store.listed(conn, account.units_visible())
            names = {r["id"]: r["name"] for r in await conn.fetch("SELECT id, name FROM org_unit")}
        items = [{"id": s.measure.measure_id, "title": s.measure.title_de, "unit": names.get(s.measure.org_unit, ""),
                  "live_on": day(s.measure.live_on, "de"), "published": s.published_at is not None}
                 for s in found]  # fmt: skip
        done = request.query_params.get("done")
        return ui.page("console_measures.html", account=account, items=items,
                       may_manage=account.may(measures.MANAGE), done=done if done in DONE else None)  # fmt: skip

    async def form_page(account: Account, values: dict[str, str], editing: uuid.UUID | None, status: int = 200,
                        errors: list[Refusal] | None = None) -> Response:  # fmt: skip
        units, sites = await units_and_sites(account)
        field_errors: dict[str, str] = {}
        general = []
        for e in errors or []:
            if e.field and e.field not in field_errors:
                field_errors[e.field] = e.reason("de")
            elif not e.field:
                general.append(e.reason("de"))
        summary = [*field_errors.items(), *((None, m) for m in general)]
        return ui.page("console_measure_form.html", status, account=account, values=values, editing=editing,
                       units=units, sites=sites, field_errors=field_errors, errors=summary)  # fmt: skip

    @router.get("/massnahmen/neu")
    async def new(request: Request) -> Response:
        account = await ui.require(request, measures.MANAGE)
        units, _ = await units_and_sites(account)
        # The new measure's id is chosen here, so that sending the form twice (a double click, a retry after a lost
        # answer) saves one measure, not two.
        values = {"window_days": str(DEFAULT_WINDOW_DAYS), "org_unit": units[0]["id"] if len(units) == 1 else "",
                  "measure_id": str(uuid.uuid4())}  # fmt: skip
        return await form_page(account, values, None)

    async def post(request: Request, measure_id: uuid.UUID | None, editing: bool) -> Response:
        """``measure_id`` None: a new measure, under the id its form carries (a new one if it carries none)."""
        account = await ui.require(request, measures.MANAGE)
        form = await read_form(request, limit=FORM_LIMIT)
        if measure_id is None:
            try:
                measure_id = uuid.UUID(form.get("measure_id", "")[:36])
            except ValueError:
                measure_id = uuid.uuid4()
            form["measure_id"] = str(measure_id)
        typed = form.get("revision", "0")
        expect = int(typed) if typed.isdigit() and len(typed) < 10 else -1
        measure, problems = measure_from_form(form, measure_id)
        editing_id = measure_id if editing else None
        if problems:  # what could not be read, and the rules the rest breaks, all at once
            async with pool.acquire() as conn:
                units = [r["id"] for r in await conn.fetch("SELECT id FROM org_unit")]
                sites = [r["id"] for r in await conn.fetch("SELECT id FROM site")]
            unread = {p.field for p in problems}
            problems += [p for p in check(measure, units, sites, measures.today(settings)) if p.field not in unread]
            return await form_page(account, form, editing_id, 422, problems)
        try:
            await measures.save(pool, await producer.get(), settings, account, measure, expect if editing else 0)
        except measures.MeasureInvalid as exc:
            return await form_page(account, form, editing_id, 422, exc.problems)
        except Refusal as exc:
            if exc.status == 404:
                return ui.not_found(account)
            return await form_page(account, form, editing_id, exc.status, [exc])
        except (KafkaError, OSError, TimeoutError):
            return await form_page(account, form, editing_id, 503, [Refusal("measures.error.unavailable", 503)])
        return RedirectResponse(f"{base}/{measure_id}?done=saved", status_code=303)

    @router.post("/massnahmen/neu")
    async def create(request: Request) -> Response:
        return await post(request, None, False)

    @router.get("/massnahmen/{measure_id}/bearbeiten")
    async def edit(measure_id: str, request: Request) -> Response:
        account = await ui.require(request, measures.MANAGE)
        stored = await visible(account, measure_id, measures.MANAGE)
        if stored is None:
            return ui.not_found(account)
        return await form_page(account, form_values(stored), stored.measure.measure_id)

    @router.post("/massnahmen/{measure_id}/bearbeiten")
    async def change(measure_id: str, request: Request) -> Response:
        account = await ui.require(request, measures.MANAGE)
        stored = await visible(account, measure_id, measures.MANAGE)
        if stored is None:
            return ui.not_found(account)
        return await post(request, stored.measure.measure_id, True)

    @router.get("/massnahmen/{measure_id}")
    async def detail(measure_id: str, request: Request) -> Response:
        account = await ui.require(request, "measures.read")
        stored = await visible(account, measure_id, "measures.read")
        if stored is None:
            return ui.not_found(account)
        async with pool.acquire() as conn:
            found = await measures.effect_of(conn, settings, stored)
            unit = await conn.fetchval("SELECT name FROM org_unit WHERE id = $1", stored.measure.org_unit)
        m = stored.measure
        facts: list[tuple[str, Any]] = [
            (text("console.measures.field.org_unit"), unit or m.org_unit),
            (text("console.measures.field.live_on"), day(m.live_on, "de")),
            (text("console.measures.field.window_days"), m.window_days),
        ]
        if m.theme:
            facts.append((text("console.measures.field.theme"), m.theme))
        done = request.query_params.get("done")
        return ui.page("console_measure.html", account=account, stored=stored, m=m, title=title(m, "de"),
                       description=description(m, "de"), effect=effect_view(found, "de"), facts=facts,
                       origins=origin_lines(m, found, "de"), done=done if done in DONE else None,
                       may_manage=account.may_act_on(measures.MANAGE, m.org_unit),
                       published=None if stored.published_at is None else
                       stored.published_at.astimezone(ui.tz).strftime("%d.%m.%Y %H:%M"))  # fmt: skip

    async def publication(measure_id: str, request: Request, publish: bool) -> Response:
        account = await ui.require(request, measures.MANAGE)
        stored = await visible(account, measure_id, measures.MANAGE)
        if stored is None:
            return ui.not_found(account)
        form = await read_form(request)
        typed = form.get("revision", "0")
        expect = int(typed) if typed.isdigit() and len(typed) < 10 else -1
        try:
            await measures.set_published(pool, await producer.get(), settings, account, stored.measure.measure_id,
                                         publish, expect)  # fmt: skip
        except Refusal as exc:
            return ui.refused(request, exc)
        except (KafkaError, OSError, TimeoutError):
            return ui.refused(request, Refusal("measures.error.unavailable", 503))
        done = "published" if publish else "unpublished"
        return RedirectResponse(f"{base}/{stored.measure.measure_id}?done={done}", status_code=303)

    @router.post("/massnahmen/{measure_id}/veroeffentlichen")
    async def publish(measure_id: str, request: Request) -> Response:
        return await publication(measure_id, request, True)

    @router.post("/massnahmen/{measure_id}/zurueckziehen")
    async def unpublish(measure_id: str, request: Request) -> Response:
        return await publication(measure_id, request, False)
