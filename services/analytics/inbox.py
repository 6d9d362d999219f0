"""The comment inbox of the staff console: comments and suggestions with their page, rating, category and time;
filters and German full-text search; the triage workflow (neu → in Bearbeitung → erledigt, or Spam), assignment,
tags and internal notes, handing a comment over to the unit that is really responsible, removing personal data
from a comment (erasing its text or replacing it with an edited version); suspected automation in a view of its
own, to confirm or release; CSV export.

Every list and every item is scoped on the server: another unit's comment answers 404 exactly like one that does
not exist. Analysts read; administrators and the unit's staff work on comments. Viewing comments, exporting them
and every change go to the audit log.
"""

from __future__ import annotations

import asyncio
import math
import re
import uuid
from collections.abc import AsyncIterator
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from urllib.parse import urlencode

import asyncpg
import orjson
from aiokafka.errors import KafkaError
from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from services.analytics import themes, triage, triage_store
from services.analytics.triage_domain import (
    AddNote,
    Assign,
    Command,
    InvalidCommand,
    Move,
    Review,
    SetStatus,
    SetTags,
    edited_texts,
)
from services.analytics.triage_domain import parse_tags as parse_tag_field
from services.analytics.triage_store import InboxFilter
from shared.access import check_units
from shared.auth import Account, audit
from shared.console_ui import ConsoleUI, read_form
from shared.contracts.feedback import CATEGORIES
from shared.contracts.triage import TRIAGE_MOVES, TRIAGE_STATUSES
from shared.downloads import csv_download
from shared.kafka import LazyProducer
from shared.messages import text
from shared.refusal import Refusal
from shared.settings import Settings
from shared.shredding import erase_response, replace_response
from shared.spreadsheet import is_plain, sql_cell, sql_lines, to_csv

PAGE_SIZE = 50
CSV_LIMIT = 10_000
STATUS_CHOICES = ("offen", *TRIAGE_STATUSES, "alle")  # "offen": neu and in Bearbeitung
_DAY = re.compile(r"2[0-9]{3}-[0-9]{2}-[0-9]{2}")  # a day of 2000-2999 (beyond, period arithmetic overflows)
_SLUG = re.compile(r"[a-z0-9-]{1,64}")
ACTIONS = ("status", "assign", "tags", "note", "review", "move")
SOURCE = "/stadtstimme/analytics/console"


class BadFilter(Refusal):
    """A filter value that cannot be used (422); ``key`` names the message."""

    def __init__(self, key: str) -> None:
        super().__init__(key, 422, slug="bad-filter")


def _day(raw: str, name: str) -> date | None:
    if not raw:
        return None
    if not _DAY.fullmatch(raw):
        raise BadFilter(f"console.inbox.error.{name}")
    try:
        return date.fromisoformat(raw)
    except ValueError:
        raise BadFilter(f"console.inbox.error.{name}") from None


def parse_filter(params: dict[str, str], account: Account, ui: ConsoleUI) -> tuple[InboxFilter, dict[str, str]]:
    """The inbox filter from query parameters, and the cleaned parameters (for links and the form).

    Raises ``BadFilter`` for a date that is not a date or a range that ends before it starts."""
    clean: dict[str, str] = {}
    view = "suspected" if params.get("view") == "suspected" else "inbox"
    status = params.get("status", "offen")
    if status not in STATUS_CHOICES:
        status = "offen"
    statuses = {"offen": ("neu", "in_bearbeitung"), "alle": ()}.get(status, (status,))
    unit = params.get("unit", "")[:64]
    site = params.get("site", "")[:64]
    category = params.get("category", "")
    category = category if category in CATEGORIES else ""
    assignee = params.get("assignee", "")[:200]
    assigned = {"me": account.username, "-": "-", "": None}.get(assignee, assignee)
    since, until = _day(params.get("from", ""), "from"), _day(params.get("to", ""), "to")
    if since and until and until < since:
        raise BadFilter("console.inbox.error.range")
    f = InboxFilter(
        view=view,
        statuses=statuses,
        unit=unit if _SLUG.fullmatch(unit) else None,
        site=site if _SLUG.fullmatch(site) else None,
        url_prefix=params.get("prefix", "").strip()[:500] or None,
        category=category or None,
        tag=params.get("tag", "").strip().lower()[:32] or None,
        assignee=assigned,
        query=params.get("q", "").strip()[:200] or None,
        since=datetime.combine(since, time(), ui.tz) if since else None,
        until=datetime.combine(until + timedelta(days=1), time(), ui.tz) if until else None,
    )
    for key, value in (("view", view if view != "inbox" else ""), ("status", status if status != "offen" else ""),
                       ("unit", f.unit or ""), ("site", f.site or ""), ("prefix", f.url_prefix or ""),
                       ("category", category), ("tag", f.tag or ""), ("assignee", assignee), ("q", f.query or ""),
                       ("from", since.isoformat() if since else ""),
                       ("to", until.isoformat() if until else "")):  # fmt: skip
        if value:
            clean[key] = value
    return f, clean


def excerpt(value: str | None, limit: int = 240) -> str:
    if not value:
        return ""
    return value if len(value) <= limit else value[: limit - 1].rstrip() + "…"


CSV_COLUMNS = ("received", "unit", "page", "rating", "helpful", "category", "comment", "suggestion", "status",
               "assignee", "tags", "suspected")  # fmt: skip


def csv_statement(page_sql: str, args: list[Any], ranked: bool, timezone: str) -> tuple[str, list[Any]]:
    """The inbox page's rows (``triage_store.inbox_statements``) as CSV lines formatted by PostgreSQL
    (``shared.spreadsheet.sql_lines``): in Python, 10,000 rows took 0.7 s. The columns of ``CSV_COLUMNS``: time in
    the city's zone, unit, page, rating, helpful, category, texts, status, assignee, tags, suspected; the German
    words from the catalogue (one JSON argument)."""
    answers = {"yes": text("console.inbox.yes"), "no": text("console.inbox.no")}
    categories = {c: text(f"widget.category.{c}") for c in CATEGORIES}
    statuses = {s: text(f"console.inbox.status.{s}") for s in TRIAGE_STATUSES}
    words = {**answers, "category": categories, "status": statuses}
    zone, w = f"${len(args) + 1}::text", f"${len(args) + 2}::jsonb"
    cells = [
        f"to_char(r.received_at AT TIME ZONE {zone}, 'DD.MM.YYYY HH24:MI')",
        "r.org_unit_name",
        "r.page_url",
        "r.rating",
        f"CASE WHEN r.helpful THEN {w} ->> 'yes' WHEN NOT r.helpful THEN {w} ->> 'no' END",
        f"coalesce({w} -> 'category' ->> r.category, {sql_cell('r.category')})",
        "r.comment",
        "r.suggestion",
        f"coalesce({w} -> 'status' ->> r.status, {sql_cell('r.status')})",
        "r.assignee",
        "array_to_string(r.tags, ', ')",
        f"CASE WHEN cardinality(r.flags) > 0 THEN {w} ->> 'yes' END",
    ]
    # Written without the checks (a tenth of the statement's time): the time and the rating (digits), and the
    # catalogue's words where each of them is plain; an unknown category or status is checked (sql_cell).
    catalogue = ((4, answers), (5, categories), (8, statuses), (11, answers))
    plain = {0, 3} | {i for i, ws in catalogue if all(map(is_plain, ws.values()))}
    sql = sql_lines(page_sql, cells, triage_store.inbox_order(ranked), plain)
    return sql, [*args, timezone, orjson.dumps(words).decode()]


def add_inbox_routes(
    router: APIRouter, ui: ConsoleUI, settings: Settings, pool: asyncpg.Pool, producer: LazyProducer
) -> None:
    prefix = ui.prefix

    async def choices(conn: asyncpg.Connection, account: Account) -> dict[str, Any]:
        units = account.units_visible()
        scope = sorted(units) if units is not None else None
        return {
            "units": await conn.fetch(
                "SELECT id, name FROM org_unit WHERE $1::text[] IS NULL OR id = ANY($1::text[]) ORDER BY name", scope
            ),
            "sites": await conn.fetch(
                """SELECT id, name FROM site WHERE $1::text[] IS NULL OR org_unit_id = ANY($1::text[])
                   OR id IN (SELECT site_id FROM site_section WHERE org_unit_id = ANY($1::text[])) ORDER BY name""",
                scope,
            ),
            "tags": await triage_store.tags_in_use(conn, units),
            "counts": await triage_store.counts(conn, units),
        }

    async def inbox_page(request: Request, account: Account) -> HTMLResponse:
        params = dict(request.query_params)
        status = 200
        error = None
        try:
            f, clean = parse_filter(params, account, ui)
        except BadFilter as exc:
            f, clean, status, error = InboxFilter(), {}, 422, exc.reason()
        try:
            number = max(1, min(int(params.get("page", "1")), 10_000))
        except ValueError:
            number = 1
        async with pool.acquire() as conn:
            rows, total = await triage_store.inbox(
                conn, f, account.units_visible(), PAGE_SIZE, (number - 1) * PAGE_SIZE
            )
            context = await choices(conn, account)
            await audit(conn, account.username, "view_comments", "inbox", shown=len(rows), filter=clean)
        pages = max(1, math.ceil(total / PAGE_SIZE))
        items = [
            {
                "id": r["response_id"],
                "received": r["received_at"].astimezone(ui.tz).strftime("%d.%m.%Y %H:%M"),
                "unit": r["org_unit_name"],
                "page": r["page_title"] or r["page_url"],
                "page_url": r["page_url"],
                "rating": r["rating"],
                "helpful": r["helpful"],
                "category": r["category"],
                "comment": excerpt(r["comment"]),
                "suggestion": excerpt(r["suggestion"]),
                "status": r["status"],
                "assignee": r["assignee"],
                "tags": r["tags"],
            }
            for r in rows
        ]

        def link(**changes: str) -> str:
            query = {**clean, **changes}
            return f"{prefix}/inbox?{urlencode({k: v for k, v in query.items() if v})}"

        return ui.page(
            "console_inbox.html",
            status,
            account=account,
            prefix=prefix,
            error=error,
            done=request.query_params.get("done") if request.query_params.get("done") in ("erased", "moved") else None,
            items=items,
            total=total,
            number=number,
            pages=pages,
            previous_url=link(page=str(number - 1)) if number > 1 else None,
            next_url=link(page=str(number + 1)) if number < pages else None,
            csv_url=f"{prefix}/inbox.csv?{urlencode(clean)}",
            inbox_url=link(view="", page=""),
            suspected_url=link(view="suspected", page=""),
            f=clean,
            view=f.view,
            statuses=STATUS_CHOICES,
            categories=CATEGORIES,
            may_triage=account.may("comments.triage"),
            **context,
        )

    @router.get("/inbox")
    async def inbox(request: Request) -> Response:
        return await inbox_page(request, await ui.require(request, "comments.read"))

    @router.get("/inbox.csv")
    async def inbox_csv(request: Request) -> Response:
        """The filtered inbox as CSV (up to 10,000 comments), cells neutralised against formula injection; the lines
        formatted by PostgreSQL and streamed from a cursor, 1,000 at a time."""
        account = await ui.require(request, "comments.read")
        f, clean = parse_filter(dict(request.query_params), account, ui)
        count_sql, page_sql, args = triage_store.inbox_statements(
            f, account.units_visible(), CSV_LIMIT, ranks=True, titles=False
        )
        async with pool.acquire() as conn:
            total = await conn.fetchval(count_sql, *args)
            await audit(conn, account.username, "export", "inbox.csv", rows=min(total, CSV_LIMIT), matched=total,
                        filter=clean)  # fmt: skip

        lines_sql, lines_args = csv_statement(page_sql, args, bool(f.query), settings.timezone)

        async def body() -> AsyncIterator[str]:
            yield to_csv([[text(f"console.inbox.csv.{k}") for k in CSV_COLUMNS]])
            async with pool.acquire() as conn, conn.transaction():
                batch: list[str] = []
                async for r in conn.cursor(lines_sql, *lines_args, prefetch=1000):
                    batch.append(r[0])
                    if len(batch) == 1000:
                        yield "".join(batch)
                        batch = []
                if batch:
                    yield "".join(batch)

        return csv_download(body(), "stadtstimme-kommentare.csv")

    async def item_page(
        account: Account, raw_id: str, *, status: int = 200, error: str | None = None, done: str | None = None
    ) -> HTMLResponse:
        try:
            response_id = uuid.UUID(raw_id)
        except ValueError:
            return ui.not_found(account)
        async with pool.acquire() as conn:
            row = await triage_store.item(conn, response_id)
            if row is None:
                return ui.not_found(account)
            check_units(account, "comments.read", row["org_unit_id"])
            notes = await triage_store.notes(conn, response_id)
            history = await triage_store.history(conn, response_id)
            colleagues = await triage.assignable(conn, row["org_unit_id"])
            units = await conn.fetch("SELECT id, name FROM org_unit WHERE id <> $1 ORDER BY name", row["org_unit_id"])
            await audit(conn, account.username, "view_comment", str(response_id), org_unit=row["org_unit_id"])
        state = triage_store.state_of(row)
        moves = [s for s in TRIAGE_STATUSES if s in TRIAGE_MOVES[state.status]]
        return ui.page(
            "console_comment.html",
            status,
            account=account,
            prefix=prefix,
            item=row,
            received=row["received_at"].astimezone(ui.tz).strftime("%d.%m.%Y %H:%M"),
            state=state,
            moves=moves,
            notes=[
                {"author": n["author"], "when": n["at"].astimezone(ui.tz).strftime("%d.%m.%Y %H:%M"), "body": n["body"]}
                for n in notes
            ],
            history=[
                {
                    "when": h["at"].astimezone(ui.tz).strftime("%d.%m.%Y %H:%M"),
                    "actor": h["actor"],
                    "what": describe(h["event_type"], h["data"]),
                }
                for h in history
            ],
            colleagues=colleagues,
            units=units,
            may_triage=triage.may_triage(account, row["org_unit_id"]),
            error=error,
            done=done if done in (*ACTIONS, "replaced") else None,
        )

    @router.get("/inbox/{response_id}")
    async def comment(response_id: str, request: Request) -> Response:
        account = await ui.require(request, "comments.read")
        return await item_page(account, response_id, done=request.query_params.get("done"))

    async def remove_personal_data(account: Account, rid: uuid.UUID, form: dict[str, str]) -> Response:
        """Personenbezug entfernen, for the comment's own unit's staff and administrators: erase the comment's text
        everywhere (its data key, then the read models; ``shared.shredding.erase_response``) and the comment leaves
        the inbox, or (``mode`` "replace") put an edited version in its place (a new key makes the original
        unreadable everywhere; ``replace_response``). The rating still counts either way. Audited."""
        async with pool.acquire() as conn:
            row = await triage_store.item(conn, rid)
        if row is None:
            return ui.not_found(account)
        check_units(account, "comments.triage", row["org_unit_id"])
        try:
            if form.get("mode") == "replace":
                edited = edited_texts(form.get("comment", "")[:8000], form.get("suggestion", "")[:8000],
                                      settings.keep_names)  # fmt: skip
                done = await replace_response(pool, await producer.get(), settings, rid, edited, SOURCE,
                                              account.username)  # fmt: skip
                action, target = "comment_text_replaced", f"{prefix}/inbox/{rid}?done=replaced"
            else:
                done = await erase_response(pool, await producer.get(), settings, rid, "staff", SOURCE,
                                            account.username)  # fmt: skip
                action, target = "comment_text_erased", f"{prefix}/inbox?done=erased"
        except InvalidCommand as exc:
            return await item_page(account, str(rid), status=exc.status, error=exc.reason())
        except (KafkaError, TimeoutError):
            return await item_page(account, str(rid), status=503, error=text("console.surveys.error.unavailable"))
        async with pool.acquire() as conn:
            await audit(conn, account.username, action, str(rid), done=done)
        return RedirectResponse(target, status_code=303)

    @router.post("/inbox/{response_id}/{action}")
    async def change(response_id: str, action: str, request: Request) -> Response:
        """One triage action from the comment page or the suspected-spam list: the command (checked against the
        comment's unit under its lock, Kafka first, then the read model), the audit log, and back (303) with a
        status message."""
        account = await ui.require(request, "comments.triage")
        try:
            rid = uuid.UUID(response_id)
        except ValueError:
            return ui.not_found(account)
        if action not in (*ACTIONS, "personenbezug"):
            return ui.not_found(account)
        form = await read_form(request)
        if action == "personenbezug":
            return await remove_personal_data(account, rid, form)
        async with pool.acquire() as conn:  # the unit owning it before the change, for the audit log
            unit = await conn.fetchval("SELECT org_unit_id FROM comment_inbox WHERE response_id = $1", rid)
        try:
            command = to_command(action, form, account)
            events = await triage.execute(pool, await producer.get(), settings, rid, command, account)
        except InvalidCommand as exc:
            return await item_page(account, response_id, status=exc.status, error=exc.reason())
        except (KafkaError, TimeoutError):
            return await item_page(account, response_id, status=503, error=text("console.surveys.error.unavailable"))
        if events:
            moved = {"to": command.org_unit} if isinstance(command, Move) else {}
            async with pool.acquire() as conn:
                await audit(conn, account.username, "comment_changed", str(rid), change=action,
                            events=[e.sequence for e in events], org_unit=unit, **moved)  # fmt: skip
        if isinstance(command, Move) and events and not account.may_see(command.org_unit):
            return RedirectResponse(f"{prefix}/inbox?done=moved", status_code=303)  # out of the account's sight
        if form.get("next") == "suspected":
            return RedirectResponse(f"{prefix}/inbox?view=suspected", status_code=303)
        return RedirectResponse(f"{prefix}/inbox/{rid}?done={action}", status_code=303)


THEME_DAYS = (7, 30, 90)


def theme_rows(found: list[themes.Theme], base: dict[str, str], prefix: str) -> list[dict[str, Any]]:
    """Themes as table rows, each with a link to the inbox searching for it (a phrase as a phrase)."""
    rows = []
    for theme in found:
        query = f'"{theme.label}"' if theme.kind == themes.PHRASE else theme.label
        rows.append({"label": theme.label, "kind": theme.kind, "documents": theme.documents,
                     "url": f"{prefix}/inbox?{urlencode({**base, 'q': query, 'status': 'alle'})}"})  # fmt: skip
    return rows


def add_theme_routes(router: APIRouter, ui: ConsoleUI, pool: asyncpg.Pool) -> None:
    @router.get("/themes")
    async def theme_page(request: Request) -> Response:
        """Theme suggestions: the most frequent terms and phrases in the comments and suggestions of the chosen
        units, URL prefix and period (spam and suspected spam left out), each linked to the inbox search."""
        account = await ui.require(request, "comments.read")
        params = request.query_params
        try:
            days = int(params.get("days", "30"))
        except ValueError:
            days = 30
        days = days if days in THEME_DAYS else 30
        unit = params.get("unit", "")[:64]
        unit = unit if unit and account.may_see(unit) else ""
        url_prefix = params.get("prefix", "").strip()[:500]
        since = datetime.now(UTC) - timedelta(days=days)
        async with pool.acquire() as conn:
            texts = await triage_store.texts(conn, account.units_visible(), unit or None, url_prefix or None, since)
            units = account.units_visible()
            unit_rows = await conn.fetch(
                "SELECT id, name FROM org_unit WHERE $1::text[] IS NULL OR id = ANY($1::text[]) ORDER BY name",
                sorted(units) if units is not None else None,
            )
            await audit(conn, account.username, "view_themes", unit or "all", comments=len(texts), days=days)
        found = await asyncio.to_thread(themes.themes, texts)  # CPU work off the event loop
        base = {k: v for k, v in (("unit", unit), ("prefix", url_prefix)) if v}
        base["from"] = (datetime.now(ui.tz).date() - timedelta(days=days - 1)).isoformat()
        kept = {k: v for k, v in base.items() if k != "from"}
        periods = [
            {"days": d, "current": d == days, "url": f"{ui.prefix}/themes?{urlencode({**kept, 'days': str(d)})}"}
            for d in THEME_DAYS
        ]
        return ui.page(
            "console_themes.html",
            account=account,
            prefix=ui.prefix,
            rows=theme_rows(found, base, ui.prefix),
            comments=len(texts),
            units=unit_rows,
            unit=unit,
            url_prefix=url_prefix,
            days=days,
            periods=periods,
        )


def to_command(action: str, form: dict[str, str], account: Account) -> Command:
    """The command a posted form asks for; raises ``InvalidCommand`` for values no form offers."""
    if action == "status":
        return SetStatus(form.get("status", "")[:32])
    if action == "assign":
        who = form.get("assignee", "").strip()[:200]
        return Assign(account.username if who == "me" else (who or None))
    if action == "tags":
        return SetTags(parse_tag_field(form.get("tags", "")[:1000]))
    if action == "note":
        return AddNote(form.get("text", "")[:4000])
    if action == "move":
        unit = form.get("org_unit", "")
        if not _SLUG.fullmatch(unit):
            raise InvalidCommand("unit", unit[:64])
        return Move(unit)
    verdict = form.get("verdict", "")
    if verdict not in ("confirmed", "released"):
        raise InvalidCommand("verdict")
    return Review("confirmed" if verdict == "confirmed" else "released")


def describe(event_type: str, data: dict[str, Any] | str) -> str:
    """One line of a comment's history, in German."""
    d = orjson.loads(data) if isinstance(data, str) else data
    kind = event_type.rsplit(".", 1)[-1]
    if kind == "status-changed":
        return text("console.inbox.history.status", status=text(f"console.inbox.status.{d['status']}"))
    if kind == "assigned":
        if d.get("assignee"):
            return text("console.inbox.history.assigned", assignee=d["assignee"])
        return text("console.inbox.history.unassigned")
    if kind == "tags-changed":
        return text("console.inbox.history.tags", tags=", ".join(d["tags"]) or "–")
    if kind == "note-added":
        return text("console.inbox.history.note")
    if kind == "moved":
        return text("console.inbox.history.moved", unit=d["org_unit"], previous=d["previous_unit"])
    return text(f"console.inbox.history.{d['verdict']}")
