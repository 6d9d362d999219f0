"""Public HTTP API of ingest: ``POST /api/v1/feedback`` and CORS for the city's own origins."""

from __future__ import annotations

from datetime import UTC, datetime

import orjson
from aiokafka.errors import KafkaError
from fastapi import APIRouter, Request
from fastapi.responses import Response
from prometheus_client import Counter, Histogram
from pydantic import ValidationError

from services.ingest.domain import MAX_BODY_BYTES, FeedbackRequest, Rejected, accept_feedback
from services.ingest.service import IngestService
from shared.messages import text
from shared.problems import field_errors, problem, request_language

ACCEPTED = Counter("stadtstimme_feedback_accepted_total", "Feedback events acknowledged by Kafka")
REJECTED = Counter("stadtstimme_feedback_rejected_total", "Feedback submissions rejected", ["reason"])
PUBLISH_SECONDS = Histogram(
    "stadtstimme_feedback_publish_seconds",
    "Time from request to Kafka acknowledgement",
    buckets=(0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5),
)
RETRY_AFTER_S = "5"
_REJECTION_STATUS = {"unknown_site": 422, "origin": 403, "invalid_url": 422, "page_not_on_site": 422}


class _TooLarge(Exception):
    pass


async def _read_body(request: Request) -> bytes:
    """The body, refusing more than MAX_BODY_BYTES whether or not Content-Length was announced."""
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > MAX_BODY_BYTES:
        raise _TooLarge
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > MAX_BODY_BYTES:
            raise _TooLarge
        chunks.append(chunk)
    return b"".join(chunks)


def _cors_headers(service: IngestService, origin: str | None) -> dict[str, str]:
    if origin is None or origin not in service.org.all_origins():
        return {}
    return {"Access-Control-Allow-Origin": origin, "Vary": "Origin"}


def build_router(service: IngestService) -> APIRouter:
    router = APIRouter()

    @router.options("/api/v1/feedback", include_in_schema=False)
    async def preflight(request: Request) -> Response:
        origin = request.headers.get("origin")
        headers = _cors_headers(service, origin)
        if headers:
            headers |= {
                "Access-Control-Allow-Methods": "POST",
                "Access-Control-Allow-Headers": "Content-Type",
                "Access-Control-Max-Age": "86400",
            }
        return Response(status_code=204, headers=headers)

    @router.post(
        "/api/v1/feedback",
        status_code=202,
        responses={
            202: {"description": "Accepted: Kafka acknowledged the event (acks=all)."},
            400: {"description": "Malformed JSON"},
            403: {"description": "Origin not allowed for the site"},
            413: {"description": "Body over 16 KB"},
            415: {"description": "Not JSON"},
            422: {"description": "Invalid field (problem+json names it)"},
            503: {"description": "Broker unavailable or too slow; retry after Retry-After"},
        },
        openapi_extra={
            "requestBody": {
                "required": True,
                "content": {"application/json": {"schema": FeedbackRequest.model_json_schema()}},
            }
        },
    )
    async def submit_feedback(request: Request) -> Response:
        """Accept one feedback; the client's ``event_id`` makes retries safe (duplicates count once)."""
        started = datetime.now(UTC)
        lang = request_language(request)
        origin = request.headers.get("origin")
        cors = _cors_headers(service, origin)
        content_type = request.headers.get("content-type", "")
        if content_type.split(";")[0].strip().lower() != "application/json":
            REJECTED.labels("media_type").inc()
            return problem(
                415, "unsupported-media-type", text("problem.media_type.title", lang),
                text("problem.media_type.detail", lang), headers=cors,
            )  # fmt: skip
        try:
            body = await _read_body(request)
        except _TooLarge:
            REJECTED.labels("too_large").inc()
            return problem(
                413, "payload-too-large", text("problem.too_large.title", lang),
                text("problem.too_large.detail", lang, limit=MAX_BODY_BYTES), headers=cors,
            )  # fmt: skip
        try:
            submission = FeedbackRequest.model_validate_json(body)
        except ValidationError as exc:
            if any(e["type"] == "json_invalid" for e in exc.errors()):
                REJECTED.labels("invalid_json").inc()
                return problem(400, "invalid-json", text("problem.invalid_json.title", lang), headers=cors)
            REJECTED.labels("validation").inc()
            return problem(
                422, "validation-error", text("problem.validation.title", lang),
                errors=field_errors(exc, lang), headers=cors,
            )  # fmt: skip
        try:
            page_url, data = accept_feedback(submission, service.org, origin, started)
        except Rejected as rej:
            REJECTED.labels(rej.kind).inc()
            if rej.kind == "unknown_site":
                title = text("problem.unknown_site.title", lang)
            elif rej.kind == "origin":
                title = text("problem.origin.title", lang)
            else:
                title = text("problem.validation.title", lang)
            detail = text("problem.page_not_on_site.detail", lang) if rej.kind == "page_not_on_site" else None
            pointer = {"pointer": f"/{rej.field}", "field": rej.field, "detail": rej.kind}
            return problem(
                _REJECTION_STATUS[rej.kind], rej.kind.replace("_", "-"), title, detail,
                errors=[pointer], headers=cors,
            )  # fmt: skip
        try:
            await service.publish_feedback(submission.event_id, page_url, data, started)
        except (KafkaError, TimeoutError):
            REJECTED.labels("unavailable").inc()
            return problem(
                503, "service-unavailable", text("problem.unavailable.title", lang),
                headers=cors | {"Retry-After": RETRY_AFTER_S},
            )  # fmt: skip
        ACCEPTED.inc()
        PUBLISH_SECONDS.observe((datetime.now(UTC) - started).total_seconds())
        return Response(
            orjson.dumps({"event_id": str(submission.event_id)}),
            status_code=202,
            media_type="application/json",
            headers=cors,
        )

    @router.get("/readyz/ingest", include_in_schema=False)
    async def ready() -> Response:
        ok = await service.broker_ready()
        return Response(orjson.dumps({"broker": ok}), status_code=200 if ok else 503, media_type="application/json")

    return router
