"""The ASGI application: mounts the HTTP side of the chosen services under one base URL."""

from __future__ import annotations

import gc
import logging
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import orjson
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import Response
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from starlette.exceptions import HTTPException as StarletteHTTPException

from services.analytics.api import build_router as analytics_router
from services.analytics.console import build_console_router
from services.analytics.impact_page import build_impact_router
from services.analytics.pageviews_page import UPLOAD_PATH as PAGE_VIEW_UPLOAD
from services.analytics.survey_api import build_survey_router
from services.hackathon.api import build_hackathon_router
from services.hackathon.budget_api import build_budget_router
from services.hackathon.budget_console import build_budget_console
from services.hackathon.console import build_hackathon_console
from services.hackathon.pages import build_hackathon_pages
from services.ingest.api import (
    CHALLENGE_PATH,
    SURVEY_RESPONSES_PATH,
    SURVEYS_PATH,
    ChallengeEndpoint,
    FeedbackEndpoint,
    Receive,
    Scope,
    Send,
    SurveyResponseEndpoint,
    SurveysEndpoint,
    openapi_paths,
)
from services.ingest.api import PATH as FEEDBACK_PATH
from services.ingest.erasure import build_erasure_router
from services.ingest.form import build_form_router
from services.ingest.service import IngestService
from services.ingest.widget import DIST, build_widget_router
from services.notifier.api import build_notifications_router
from shared.abuse import REPLICAS
from shared.access import StaffAccess
from shared.console_ui import PREFIX as CONSOLE
from shared.console_ui import console_renderer, refused_page
from shared.db import create_pool, migrate
from shared.kafka import LazyProducer
from shared.limits import RequestLimits
from shared.messages import text
from shared.problems import problem, refusal_response, request_language
from shared.refusal import UNAVAILABLE, Refusal, unavailable
from shared.settings import Settings

HTTP_SERVICES = ("ingest", "analytics", "hackathon")
PROBLEM = {
    "type": "object",
    "description": "RFC 9457 problem details; `title` in German or English (Accept-Language).",
    "required": ["type", "title", "status"],
    "properties": {
        "type": {"type": "string"},
        "title": {"type": "string"},
        "status": {"type": "integer"},
        "detail": {"type": "string"},
        "errors": {"type": "array", "items": {"type": "object", "additionalProperties": {"type": "string"}}},
    },
    "additionalProperties": True,
}
# What any operation may answer besides its own: the request limits (shared/limits.py) and, for the staff APIs,
# the staff check (shared/access.py). Anything else an operation refuses is a problem too (``default``).
COMMON_PROBLEMS = {
    "400": "A NUL character in the path, query or body",
    "413": "The body is larger than this route takes",
    "431": "The headers are larger than 16 KB",
}
STAFF_PROBLEMS = {
    "401": "No valid console session or API token",
    "403": "The role or the token's scopes do not grant this, or a session's state change from another site",
}
STAFF_PREFIXES = ("/api/v1/staff/", "/api/v1/metrics/")


def document_problems(schema: dict[str, Any]) -> dict[str, Any]:
    """Every error answer is an RFC 9457 problem: say so in the OpenAPI of every operation (FastAPI documents its
    own validation error, which the application answers as a problem as well)."""
    schema.setdefault("components", {}).setdefault("schemas", {})["Problem"] = PROBLEM
    content = {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}
    for path, operations in schema.get("paths", {}).items():
        for operation in operations.values():
            responses = operation.setdefault("responses", {})
            extra = COMMON_PROBLEMS | (STAFF_PROBLEMS if path.startswith(STAFF_PREFIXES) else {})
            if "{" in path:
                extra = extra | {"404": "Unknown (or, for staff, another unit's and so not shown)"}
            for status, what in {**extra, "422": "Invalid input; `errors` names the fields"}.items():
                if status == "422" and status not in responses:
                    continue
                described = responses.setdefault(status, {"description": what})
                described["content"] = content
            for status, answer in responses.items():
                if status.startswith(("4", "5")):
                    answer["content"] = content
            responses["default"] = {"description": "Any other refusal or error", "content": content}
    schema["components"]["schemas"].pop("HTTPValidationError", None)
    schema["components"]["schemas"].pop("ValidationError", None)
    return schema


class HotPaths:
    """Sends the hot paths (citizen submissions) straight to their plain ASGI handlers, the rest to FastAPI."""

    def __init__(self, app: FastAPI, routes: dict[str, FeedbackEndpoint | ChallengeEndpoint | SurveysEndpoint]) -> None:
        self.app = app
        self.routes = routes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            handler = self.routes.get(scope["path"])
            if handler is not None:
                await handler(scope, receive, send)
                return
        await self.app(scope, receive, send)


def create_app(settings: Settings, services: Sequence[str] = HTTP_SERVICES) -> RequestLimits:
    unknown = set(services) - set(HTTP_SERVICES)
    if unknown:
        raise ValueError(f"unknown services: {', '.join(sorted(unknown))}")
    ingest = IngestService(settings) if "ingest" in services else None
    survey_producer = LazyProducer(settings)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        pool = await create_pool(settings)
        async with pool.acquire() as conn:
            await migrate(conn, settings.timezone)
        # Counted as an instance of its services before serving: their per-client quotas are shared out (abuse).
        await REPLICAS.start(pool, services, settings.limits_sync_s)
        if ingest is not None:
            await ingest.start(pool)
        access = StaffAccess(settings, pool)  # the one staff check of every route
        if "analytics" in services:
            app.include_router(analytics_router(settings, pool, access))
            app.include_router(build_console_router(settings, pool, survey_producer, access))
            app.include_router(build_impact_router(settings, pool))
            app.include_router(build_survey_router(settings, pool, survey_producer, access))
            app.include_router(build_notifications_router(settings, pool, access))
        if "hackathon" in services:
            app.include_router(build_hackathon_router(settings, pool, survey_producer.get, access))
            app.include_router(build_hackathon_pages(settings, pool, survey_producer.get))
            app.include_router(build_hackathon_console(settings, pool, survey_producer.get, access))
            app.include_router(build_budget_router(settings, pool, survey_producer.get, access))
            app.include_router(build_budget_console(settings, pool, survey_producer.get, access))
        app.state.pool = pool
        # What start-up made (modules, routes, templates, the pool) lives as long as the process: kept out of the
        # garbage collector's full collections, which otherwise walk it all again and again. Under reads that
        # allocate many objects (the metrics API's 600 KB of pages) they were the slowest 10 % of requests
        # (bench/reads.py at 1 million events: /api/v1/metrics/pages p95 93 -> 46 ms in process).
        gc.freeze()
        try:
            yield
        finally:
            if ingest is not None:
                await ingest.stop()
            await REPLICAS.stop()
            await survey_producer.stop()
            await pool.close()

    app = FastAPI(
        title="Stadtstimme",
        version="1",
        lifespan=lifespan,
        docs_url="/api/docs",
        openapi_url="/api/openapi.json",
        redoc_url=None,
    )

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            schema = FastAPI.openapi(app)
            if ingest is not None:
                schema.setdefault("paths", {}).update(openapi_paths())
            app.openapi_schema = document_problems(schema)
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
    if ingest is not None:
        app.include_router(build_form_router(ingest))
        app.include_router(build_erasure_router(ingest))
        app.include_router(
            build_widget_router(settings, dist=Path(settings.widget_dist) if settings.widget_dist else DIST)
        )

    @app.get("/healthz", include_in_schema=False)
    async def healthz() -> Response:
        return Response(b'{"status":"ok"}', media_type="application/json")

    @app.get("/readyz", include_in_schema=False)
    async def readyz(request: Request) -> Response:
        checks: dict[str, bool] = {}
        try:
            async with request.app.state.pool.acquire() as conn:
                checks["database"] = await conn.fetchval("SELECT true")
        except Exception:
            checks["database"] = False
        if ingest is not None:
            checks["broker"] = await ingest.broker_ready()
        status = 200 if all(checks.values()) else 503
        return Response(orjson.dumps(checks), status_code=status, media_type="application/json")

    @app.get("/metrics", include_in_schema=False)
    async def metrics() -> Response:
        return Response(generate_latest(), media_type=CONTENT_TYPE_LATEST)

    @app.exception_handler(RequestValidationError)
    async def invalid_request(request: Request, exc: RequestValidationError) -> Response:
        lang = request_language(request)
        errors = [{"field": ".".join(str(p) for p in e["loc"]), "detail": e["msg"]} for e in exc.errors()]
        return problem(422, "validation-error", text("problem.validation.title", lang), errors=errors)

    console_page = console_renderer(settings)

    @app.exception_handler(Refusal)
    async def refused(request: Request, exc: Refusal) -> Response:
        """The one rendering of a refusal: the console's pages show it in German (or send to the sign-in), every
        API answers an RFC 9457 problem in the caller's language."""
        if request.url.path == CONSOLE or request.url.path.startswith(CONSOLE + "/"):
            return refused_page(console_page, request, exc)
        return refusal_response(exc, request_language(request))

    async def away(request: Request, exc: Exception) -> Response:
        """The broker or the database away while a request needed it: 503 with Retry-After, never a 500."""
        logging.getLogger(__name__).warning("%s %s: %r; answered 503", request.method, request.url.path, exc)
        return await refused(request, unavailable())

    for kind in UNAVAILABLE:
        app.add_exception_handler(kind, away)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        """The framework's own refusals (no such route, a method the route does not take), from the catalogue."""
        lang = request_language(request)
        known = {404: ("problem.not_found.title", "not-found"), 401: ("problem.unauthorized.title", "unauthorized"),
                 405: ("problem.method.title", "method-not-allowed")}  # fmt: skip
        key, slug = known.get(exc.status_code, ("problem.http.title", "http-error"))
        return problem(exc.status_code, slug, text(key, lang), headers=getattr(exc, "headers", None))

    if ingest is None:
        return RequestLimits(HotPaths(app, {}), streamed=(PAGE_VIEW_UPLOAD,))
    feedback = FeedbackEndpoint(ingest)
    hot = HotPaths(
        app,
        {
            FEEDBACK_PATH: feedback,
            CHALLENGE_PATH: ChallengeEndpoint(feedback),
            SURVEYS_PATH: SurveysEndpoint(ingest),
            SURVEY_RESPONSES_PATH: SurveyResponseEndpoint(ingest),
        },
    )
    # The citizens' submissions read and limit their own bodies (16 KB) on the hot path.
    # So does the console's page-view upload (10 MB, UTF-16 files hold NUL bytes): its errors are German form errors.
    return RequestLimits(hot, streamed=(FEEDBACK_PATH, SURVEY_RESPONSES_PATH, PAGE_VIEW_UPLOAD))
