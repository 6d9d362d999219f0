"""The console's page-view page (``/console/seitenaufrufe``, administrators): upload a Matomo CSV export, see
what it would import (rows, pages matched to the site and its page list, rows skipped and why), confirm; the
scheduled Matomo import's last run per site; the imports that hold days now. Works without JavaScript.

The upload reads its own body (``UPLOAD_PATH`` is streamed past ``shared.limits``), so a file over the limit or
with NUL bytes (UTF-16) gets a German error at the file field, not the generic refusal. A checked file waits in
``page_view_upload`` for its uploader's confirmation (an hour); confirming imports it through the one import
(``pageviews.import_plan``), audited.
"""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

import asyncpg
import orjson
from aiokafka.errors import KafkaError
from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from starlette.datastructures import UploadFile

from services.analytics import pageview_store, pageviews
from services.analytics.matomo import configured_sites
from services.analytics.pageview_domain import (
    MAX_FILE_BYTES,
    PageViewFileError,
    PageViews,
    Plan,
    plan,
    read_csv,
)
from shared import formats
from shared.auth import Account
from shared.console_ui import ConsoleUI, read_form
from shared.kafka import LazyProducer
from shared.limits import body_limit
from shared.messages import text
from shared.orgmodel import fetch_org_model
from shared.refusal import Refusal
from shared.settings import Settings

PATH = "/seitenaufrufe"
UPLOAD_PATH = "/console/seitenaufrufe/vorschau"
_BODY_LIMIT = MAX_FILE_BYTES + 64 * 1024  # the file and the form around it
_DRAIN_LIMIT = body_limit(UPLOAD_PATH)  # read (and drop) this much of a larger body: the browser sees the answer
UPLOAD_TTL = timedelta(hours=1)


def _day(value: date) -> str:
    return value.strftime("%d.%m.%Y")


async def read_limited(request: Request) -> bytes | None:
    """The request body, or None when it is larger than ``_BODY_LIMIT`` (the rest is read and dropped up to
    ``_DRAIN_LIMIT`` so that the browser reads the answer instead of a reset connection)."""
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > _DRAIN_LIMIT:
        return None
    chunks, size = [], 0
    while True:
        message = await request.receive()
        if message["type"] == "http.disconnect":
            return None
        chunk = message.get("body", b"")
        size += len(chunk)
        if size <= _BODY_LIMIT:
            chunks.append(chunk)
        elif size > _DRAIN_LIMIT:
            return None
        if not message.get("more_body", False):
            break
    return b"".join(chunks) if size <= _BODY_LIMIT else None


async def read_upload(request: Request) -> tuple[str, str, bytes]:
    """(site id, file name, file content) of the upload form; ``Refusal`` at its field for what is missing."""
    body = await read_limited(request)
    if body is None:
        raise PageViewFileError("too_large", limit=MAX_FILE_BYTES // (1024 * 1024))

    async def replay() -> dict[str, Any]:
        return {"type": "http.request", "body": body, "more_body": False}

    try:
        form = await Request(request.scope, replay).form(max_files=1, max_fields=4, max_part_size=4096)
    except Exception:  # any malformed multipart body (the parser raises several kinds)
        raise Refusal("pageviews.error.no_file", 422, field="file") from None
    site = form.get("site")
    upload = form.get("file")
    if not isinstance(site, str) or not site:
        raise Refusal("pageviews.error.site", 422, field="site")
    if not isinstance(upload, UploadFile) or not upload.filename:
        raise Refusal("pageviews.error.no_file", 422, field="file")
    name = "".join(c for c in upload.filename.replace("\\", "/").rsplit("/", 1)[-1] if c.isprintable())[:200]
    return site[:64], name or "upload.csv", await upload.read()


def add_pageview_routes(
    router: APIRouter, ui: ConsoleUI, settings: Settings, pool: asyncpg.Pool, producer: LazyProducer
) -> None:
    async def overview(
        account: Account,
        status: int = 200,
        *,
        errors: dict[str, str] | None = None,
        chosen_site: str = "",
        imported: str | None = None,
        replaced: int = 0,
    ) -> Response:
        async with pool.acquire() as conn:
            model = await fetch_org_model(conn)
            recent = await pageview_store.recent_imports(conn)
            fetches = {r["matomo_site"]: r for r in await pageview_store.fetch_states(conn)}
        sites = sorted(model.sites.values(), key=lambda s: s.name)
        names = {s.id: s.name for s in sites}
        done = None
        if imported:
            done = next((r for r in recent if str(r["import_id"]) == imported), None)
        try:
            matomo_sites = configured_sites(settings) if settings.matomo_url else []
        except ValueError:
            matomo_sites = []
        runs = []
        for m in matomo_sites:
            state = fetches.get(m.matomo_id)
            runs.append(_run_view(m.matomo_id, names.get(m.site_id, m.site_id), state, ui))
        errors = errors or {}
        return ui.page(
            "console_pageviews.html",
            status,
            account=account,
            sites=[{"id": s.id, "name": s.name} for s in sites],
            chosen_site=chosen_site,
            errors=errors,
            summary=[(field, message) for field, message in errors.items()],
            limit_mb=MAX_FILE_BYTES // (1024 * 1024),
            imported=_imported_text(done, names, replaced) if done else None,
            recent=[_recent_view(r, names, ui) for r in recent],
            matomo_on=bool(matomo_sites),
            matomo_text=text(
                "console.pageviews.matomo.on",
                minutes=formats.number(settings.matomo_interval_s / 60),
                host=urlsplit(settings.matomo_url).netloc or settings.matomo_url,
            ),
            runs=runs,
        )

    @router.get(PATH)
    async def pageviews_page(request: Request) -> Response:
        account = await ui.require(request, "pageviews.import")
        params = request.query_params
        replaced = params.get("ersetzt", "")
        return await overview(account, imported=params.get("importiert", "")[:36] or None,
                              replaced=int(replaced) if replaced.isdigit() and len(replaced) < 7 else 0)  # fmt: skip

    @router.post(PATH + "/vorschau")
    async def preview(request: Request) -> Response:
        """Read and check an uploaded file: the preview, or the form again with the error at its field."""
        account = await ui.require(request, "pageviews.import")
        try:
            site_id, file_name, raw = await read_upload(request)
        except Refusal as exc:
            return await overview(account, exc.status, errors={exc.field or "file": exc.reason("de")})
        async with pool.acquire() as conn:
            model = await fetch_org_model(conn)
            site = model.sites.get(site_id)
            if site is None:
                errors = {"site": text("pageviews.error.site")}
                return await overview(account, 422, errors=errors)
            try:
                checked = plan(read_csv(raw), site, model, datetime.now(ui.tz).date())
                if not checked.rows:
                    raise PageViewFileError("no_rows")
            except PageViewFileError as exc:
                return await overview(account, 422, errors={"file": exc.reason("de")}, chosen_site=site_id)
            replaced = await conn.fetchval(
                "SELECT count(*) FROM page_view_day WHERE site_id = $1 AND day = ANY($2::date[])", site.id,
                checked.days,
            )  # fmt: skip
            upload_id = uuid.uuid4()
            await conn.execute("DELETE FROM page_view_upload WHERE created_at < $1", datetime.now(UTC) - UPLOAD_TTL)
            await conn.execute(
                "INSERT INTO page_view_upload (id, username, site_id, file_name, rows) VALUES ($1, $2, $3, $4, $5)",
                upload_id, account.username, site.id, file_name,
                orjson.dumps([[r.page_url, r.day.isoformat(), r.views] for r in checked.rows]).decode(),
            )  # fmt: skip
        totals: dict[str, int] = {}
        for r in checked.rows:
            totals[r.page_url] = totals.get(r.page_url, 0) + r.views
        top = sorted(totals.items(), key=lambda item: (-item[1], item[0]))[:10]
        return ui.page(
            "console_pageviews_preview.html",
            account=account,
            upload_id=str(upload_id),
            file_name=file_name,
            site_name=site.name,
            period=text(
                "console.pageviews.preview.period_value",
                first=_day(checked.days[0]),
                last=_day(checked.days[-1]),
                days=formats.number(len(checked.days)),
            ),
            read=formats.number(checked.read),
            taken=formats.number(len(checked.rows)),
            views=formats.number(checked.views),
            known=formats.number(checked.known_pages),
            other=formats.number(checked.other_pages),
            replaced=formats.number(replaced),
            skipped_rows=formats.number(checked.skipped_rows),
            skipped=[
                {
                    "reason": text(f"pageviews.skip.{s.reason}"),
                    "count": formats.number(s.count),
                    "lines": ", ".join(str(n) for n in s.lines),
                }
                for s in checked.skipped
            ],
            pages=[
                {
                    "url": url,
                    "title": model.pages[url].title if url in model.pages else "",
                    "views": formats.number(views),
                }
                for url, views in top
            ],
        )

    @router.post(PATH + "/import")
    async def confirm(request: Request) -> Response:
        """Import a checked upload of this account (once); back to the page with what was imported."""
        account = await ui.require(request, "pageviews.import")
        upload_id = (await read_form(request, limit=1024)).get("upload", "")
        try:
            wanted = uuid.UUID(upload_id)
        except ValueError:
            wanted = None
        async with pool.acquire() as conn:
            upload = wanted and await conn.fetchrow(
                """DELETE FROM page_view_upload WHERE id = $1 AND username = $2 AND created_at >= $3
                   RETURNING site_id, file_name, rows""",
                wanted, account.username, datetime.now(UTC) - UPLOAD_TTL,
            )  # fmt: skip
        if not upload:
            return await overview(account, 409, errors={"file": text("pageviews.error.upload_gone")})
        rows = [PageViews(url, date.fromisoformat(day), views) for url, day, views in orjson.loads(upload["rows"])]
        checked = Plan(upload["site_id"], rows, sorted({r.day for r in rows}), len(rows))
        try:
            done = await pageviews.import_plan(pool, await producer.get(), settings, checked, "upload",
                                               upload["file_name"], account.username)  # fmt: skip
        except (KafkaError, TimeoutError, OSError):
            return await overview(account, 503, errors={"file": text("pageviews.error.unavailable")})
        location = f"{ui.prefix}{PATH}?importiert={done.import_id}&ersetzt={done.replaced_days}"
        return RedirectResponse(location, status_code=303)


def _source(r: dict[str, Any]) -> str:
    return text(f"console.pageviews.source.{r['source']}", name=r["source_name"])


def _imported_text(r: dict[str, Any], names: dict[str, str], replaced: int) -> str:
    return text(
        "console.pageviews.imported", views=formats.number(r["views"]), site=names.get(r["site_id"], r["site_id"]),
        first=_day(r["first_day"]), last=_day(r["last_day"]), days=formats.number(r["days"]),
        replaced=formats.number(replaced),
    )  # fmt: skip


def _recent_view(r: dict[str, Any], names: dict[str, str], ui: ConsoleUI) -> dict[str, str]:
    return {
        "when": r["imported_at"].astimezone(ui.tz).strftime("%d.%m.%Y %H:%M"),
        "site": names.get(r["site_id"], r["site_id"]),
        "source": _source(r),
        "period": _day(r["first_day"]) if r["days"] == 1 else f"{_day(r['first_day'])} – {_day(r['last_day'])}",
        "views": formats.number(r["views"]),
        "by": r["actor"],
    }


def _run_view(matomo_id: str, site_name: str, state: dict[str, Any] | None, ui: ConsoleUI) -> dict[str, Any]:
    status = state["status"] if state else "never"
    if status == "ok":
        result = text("console.pageviews.matomo.status.ok", days=formats.number(state["days"] if state else 0),
                      views=formats.number(state["views"] if state else 0))  # fmt: skip
    elif status == "failed":
        result = text("console.pageviews.matomo.status.failed", error=state["error"] if state else "")
    else:
        result = text("console.pageviews.matomo.status.never")
    last_run = state["last_run_at"] if state else None
    last_day = state["last_day"] if state else None
    return {
        "matomo_site": matomo_id,
        "site": site_name,
        "last_run": last_run.astimezone(ui.tz).strftime("%d.%m.%Y %H:%M") if last_run else "–",
        "failed": status == "failed",
        "result": result,
        "last_day": _day(last_day) if last_day else "–",
    }
