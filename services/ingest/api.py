"""Public HTTP API of ingest: ``POST /api/v1/feedback`` (and its CORS preflight) for the city's own origins.

This is the hot path, so it is a plain ASGI application rather than a framework route: no per-request routing,
dependency solving or response objects; the decisions stay in ``domain.py`` and the publishing in ``service.py``.
The OpenAPI description is added to the application's schema by ``openapi_paths``.
"""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable, MutableMapping
from datetime import UTC, datetime
from typing import Any

import orjson
from prometheus_client import Counter, Histogram
from pydantic import ValidationError

from services.ingest.domain import MAX_BODY_BYTES, FeedbackRequest, Rejected
from services.ingest.pow import InvalidSolution
from services.ingest.service import IngestService, Refused
from services.ingest.surveys import InvalidAnswer, SurveyResponseRequest
from shared.limits import TooLarge, has_nul, read_body
from shared.messages import pick_language, text
from shared.problems import PROBLEM_JSON, field_errors, problem_body
from shared.refusal import UNAVAILABLE

PATH = "/api/v1/feedback"
CHALLENGE_PATH = "/api/v1/challenge"
SURVEYS_PATH = "/api/v1/surveys"
SURVEY_RESPONSES_PATH = "/api/v1/survey-responses"
EXPOSED = "Retry-After, Stadtstimme-Challenge"  # response headers the widget reads cross-origin
ACCEPTED = Counter("stadtstimme_feedback_accepted_total", "Feedback events acknowledged by Kafka")
REJECTED = Counter("stadtstimme_feedback_rejected_total", "Feedback submissions rejected", ["reason"])
PUBLISH_SECONDS = Histogram(
    "stadtstimme_feedback_publish_seconds",
    "Time from request to Kafka acknowledgement",
    buckets=(0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5),
)
SURVEY_ACCEPTED = Counter("stadtstimme_survey_parts_accepted_total", "Survey parts acknowledged by Kafka")
SURVEY_REJECTED = Counter("stadtstimme_survey_parts_rejected_total", "Survey parts rejected", ["reason"])
RETRY_AFTER_S = "5"
_REJECTION_STATUS = {
    "unknown_site": 422,
    "origin": 403,
    "invalid_url": 422,
    "page_not_on_site": 422,
    "unknown_survey": 422,
}
_REJECTION_TITLE = {
    "unknown_site": "problem.unknown_site.title",
    "origin": "problem.origin.title",
    "unknown_survey": "problem.unknown_survey.title",
}

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
Reply = tuple[int, dict[str, str], bytes]


def _problem(status: int, slug: str, title: str, cors: dict[str, str], **extra: Any) -> Reply:
    headers = cors | {"content-type": PROBLEM_JSON} | extra.pop("headers", {})
    return status, headers, problem_body(status, slug, title, **extra)


async def _reply(send: Send, status: int, headers: dict[str, str], body: bytes) -> None:
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-length", str(len(body)).encode()),
                *((k.encode("latin-1"), v.encode("latin-1")) for k, v in headers.items()),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})


class FeedbackEndpoint:
    """ASGI application serving ``PATH``. ``SurveyResponseEndpoint`` is the same with another body and event."""

    model: type[FeedbackRequest] | type[SurveyResponseRequest] = FeedbackRequest
    accepted, rejected = ACCEPTED, REJECTED

    def __init__(self, service: IngestService) -> None:
        self.service = service

    async def accept(self, submission: Any, origin: str | None, client: str, received_at: datetime) -> str | None:
        """Accept one part; the deletion code of the response's text, if the part has text."""
        _, code = await self.service.submit(submission, origin, client, received_at, proof_of_work=True)
        return code

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        headers = {k.decode("latin-1"): v.decode("latin-1") for k, v in scope["headers"]}
        method = scope["method"]
        if method == "POST":
            client = scope.get("client")
            if headers.get("origin") == f"{scope.get('scheme', 'http')}://{headers.get('host', '')}":
                # Same origin: a page this server serves itself (the demo city's pages, the form); not a
                # foreign site posting in a citizen's browser. It is checked like a request without Origin.
                del headers["origin"]
            status, reply_headers, body = await self.submit(headers, receive, client[0] if client else "")
        elif method == "OPTIONS":
            status, reply_headers, body = self.preflight(headers)
        else:
            lang = pick_language(headers.get("accept-language"))
            status, reply_headers, body = _problem(
                405, "method-not-allowed", text("problem.method.title", lang), {}, headers={"allow": "POST, OPTIONS"}
            )
        await _reply(send, status, reply_headers, body)

    def _cors(self, origin: str | None) -> dict[str, str]:
        if origin is None or origin not in self.service.org.all_origins:
            return {}
        return {"access-control-allow-origin": origin, "access-control-expose-headers": EXPOSED, "vary": "Origin"}

    def preflight(self, headers: dict[str, str]) -> Reply:
        cors = self._cors(headers.get("origin"))
        if cors:
            cors |= {
                "access-control-allow-methods": "POST",
                "access-control-allow-headers": "Content-Type",
                "access-control-max-age": "86400",
            }
        return 204, cors, b""

    async def submit(self, headers: dict[str, str], receive: Receive, client: str = "") -> Reply:
        """Accept one part; the client's ``event_id`` makes retries safe (duplicates count once)."""
        started, received_at = time.perf_counter(), datetime.now(UTC)
        lang = pick_language(headers.get("accept-language"))
        origin = headers.get("origin")
        cors = self._cors(origin)
        if headers.get("content-type", "").split(";")[0].strip().lower() != "application/json":
            self.rejected.labels("media_type").inc()
            title, detail = text("problem.media_type.title", lang), text("problem.media_type.detail", lang)
            return _problem(415, "unsupported-media-type", title, cors, detail=detail)
        try:
            body = await read_body(receive, headers.get("content-length"), MAX_BODY_BYTES) or b""
        except TooLarge:
            self.rejected.labels("too_large").inc()
            detail = text("problem.too_large.detail", lang, limit=MAX_BODY_BYTES)
            return _problem(413, "payload-too-large", text("problem.too_large.title", lang), cors, detail=detail)
        if has_nul(body):  # PostgreSQL's text refuses NUL: never let one reach the topic
            self.rejected.labels("nul").inc()
            return _problem(400, "nul-character", text("problem.nul.title", lang), cors)
        try:
            submission = self.model.model_validate_json(body)
        except ValidationError as exc:
            if any(e["type"] == "json_invalid" for e in exc.errors()):
                self.rejected.labels("invalid_json").inc()
                return _problem(400, "invalid-json", text("problem.invalid_json.title", lang), cors)
            self.rejected.labels("validation").inc()
            title = text("problem.validation.title", lang)
            return _problem(422, "validation-error", title, cors, errors=field_errors(exc, lang))
        try:
            code = await self.accept(submission, origin, client, received_at)
        except InvalidSolution as exc:
            self.rejected.labels("proof_of_work").inc()
            title = text("problem.pow.title", lang)
            error = {"pointer": "/altcha", "field": "altcha", "detail": str(exc)}
            return _problem(403, "proof-of-work-required", title, cors, errors=[error], challenge=CHALLENGE_PATH,
                            headers={"stadtstimme-challenge": CHALLENGE_PATH})  # fmt: skip
        except InvalidAnswer as exc:
            self.rejected.labels("invalid_answer").inc()
            title = text("problem.invalid_answer.title", lang)
            error = {"pointer": f"/answers/{exc.question_id}", "field": f"answers.{exc.question_id}",
                     "detail": exc.detail}  # fmt: skip
            return _problem(422, "invalid-answer", title, cors, errors=[error])
        except Rejected as rej:
            self.rejected.labels(rej.kind).inc()
            title = text(_REJECTION_TITLE.get(rej.kind, "problem.validation.title"), lang)
            why = text("problem.page_not_on_site.detail", lang) if rej.kind == "page_not_on_site" else None
            error = {"pointer": f"/{rej.field}", "field": rej.field, "detail": rej.kind}
            status, slug = _REJECTION_STATUS[rej.kind], rej.kind.replace("_", "-")
            return _problem(status, slug, title, cors, detail=why, errors=[error])
        except Refused as refused:
            self.rejected.labels(refused.kind).inc()
            retry = {"retry-after": refused.retry_after}
            if refused.kind != "rate_limited":  # the breaker is open, or the database away
                return _problem(
                    503, "service-unavailable", text("problem.unavailable.title", lang), cors, headers=retry
                )
            return _problem(429, "too-many-requests", text("problem.rate_limited.title", lang), cors, headers=retry)
        except UNAVAILABLE:
            self.rejected.labels("unavailable").inc()
            title = text("problem.unavailable.title", lang)
            return _problem(503, "service-unavailable", title, cors, headers={"retry-after": RETRY_AFTER_S})
        self.accepted.inc()
        PUBLISH_SECONDS.observe(time.perf_counter() - started)
        reply = b'{"event_id":"' + str(submission.event_id).encode()
        reply += b'"}' if code is None else b'","deletion_code":"' + code.encode() + b'"}'
        return 202, cors | {"content-type": "application/json"}, reply


class SurveyResponseEndpoint(FeedbackEndpoint):
    """ASGI application serving ``SURVEY_RESPONSES_PATH``: one answered question (or a dismissal) of a survey."""

    model = SurveyResponseRequest
    accepted, rejected = SURVEY_ACCEPTED, SURVEY_REJECTED

    async def accept(self, submission: Any, origin: str | None, client: str, received_at: datetime) -> str | None:
        return await self.service.submit_survey_response(submission, origin, client, received_at)


class SurveysEndpoint:
    """ASGI application serving ``SURVEYS_PATH?site=<site>``: the site's active survey definitions.

    Public and cacheable (``survey_cache_s``), the same bytes for every visitor: the request names the site
    only, the browser evaluates the targeting. Answers 304 to a matching ``If-None-Match``."""

    def __init__(self, service: IngestService) -> None:
        self.service = service

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        headers = {k.decode("latin-1"): v.decode("latin-1") for k, v in scope["headers"]}
        lang = pick_language(headers.get("accept-language"))
        public = {"access-control-allow-origin": "*", "cross-origin-resource-policy": "cross-origin"}
        if scope["method"] not in ("GET", "HEAD"):
            status, reply, body = _problem(405, "method-not-allowed", text("problem.method.title", lang), public,
                                           headers={"allow": "GET, HEAD"})  # fmt: skip
            return await _reply(send, status, reply, body)
        site = ""
        for part in scope.get("query_string", b"").decode("latin-1").split("&"):
            name, _, value = part.partition("=")
            if name == "site":
                site = value
        document = self.service.surveys.by_site.get(site)
        if document is None:
            title = text("problem.unknown_site.title", lang)
            status, reply, body = _problem(404, "unknown-site", title, public, headers={"cache-control": "no-store"})
            return await _reply(send, status, reply, body)
        body, etag = document
        reply = public | {
            "content-type": "application/json",
            "cache-control": f"public, max-age={self.service.settings.survey_cache_s}",
            "etag": etag,
            "x-content-type-options": "nosniff",
        }
        if etag in headers.get("if-none-match", ""):
            return await _reply(send, 304, reply, b"")
        await _reply(send, 200, reply, b"" if scope["method"] == "HEAD" else body)


class ChallengeEndpoint:
    """ASGI application serving ``CHALLENGE_PATH``: a fresh proof-of-work challenge, never cached."""

    def __init__(self, feedback: FeedbackEndpoint) -> None:
        self.feedback = feedback

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        headers = {k.decode("latin-1"): v.decode("latin-1") for k, v in scope["headers"]}
        cors = self.feedback._cors(headers.get("origin"))
        if scope["method"] != "GET":
            lang = pick_language(headers.get("accept-language"))
            status, reply, body = _problem(405, "method-not-allowed", text("problem.method.title", lang), cors,
                                           headers={"allow": "GET"})  # fmt: skip
        else:
            status, body = 200, orjson.dumps(self.feedback.service.pow.challenge())
            reply = cors | {"content-type": "application/json", "cache-control": "no-store"}
        await _reply(send, status, reply, body)


CODE_DESCRIPTION = (
    "With a part that has free text: the code that erases the response's text (/feedback/loeschen, "
    "POST /api/v1/feedback/erasure). Shown to the citizen once; the latest code of a response is the one that works."
)


def openapi_paths() -> dict[str, Any]:
    """The OpenAPI description of the plain ASGI endpoints (served outside the framework, so described here)."""
    problem_ref = {"application/problem+json": {"schema": {"type": "object"}}}
    responses: dict[str, Any] = {
        "202": {
            "description": "Accepted: Kafka acknowledged the event (acks=all).",
            "content": {
                "application/json": {
                    "schema": {
                        "type": "object",
                        "required": ["event_id"],
                        "properties": {
                            "event_id": {"type": "string", "format": "uuid"},
                            "deletion_code": {
                                "type": "string",
                                "pattern": "^[A-Z2-9]{5}-[A-Z2-9]{5}$",
                                "description": CODE_DESCRIPTION,
                            },
                        },
                    }
                }
            },
        }
    }
    for code, what in {
        "400": "Malformed JSON",
        "403": "Origin not allowed for the site, or a proof of work is required (header Stadtstimme-Challenge)",
        "413": "Body over 16 KB",
        "415": "Not application/json",
        "422": "Invalid field; `errors` names it",
        "429": "Too many submissions from this client; retry after `Retry-After` seconds",
        "503": "Broker unavailable or too slow; retry after `Retry-After` seconds with the same event_id",
    }.items():
        responses[code] = {"description": what, "content": problem_ref}

    def post(tag: str, summary: str, endpoint: type[FeedbackEndpoint], model: type[Any]) -> dict[str, Any]:
        return {
            "post": {
                "tags": [tag],
                "summary": summary,
                "description": endpoint.submit.__doc__ or "",
                "requestBody": {
                    "required": True,
                    "content": {"application/json": {"schema": model.model_json_schema()}},
                },
                "responses": responses,
            }
        }

    return {
        PATH: post("feedback", "Submit citizen feedback", FeedbackEndpoint, FeedbackRequest),
        SURVEY_RESPONSES_PATH: post(
            "surveys",
            "Submit one answered survey question, or a dismissal",
            SurveyResponseEndpoint,
            SurveyResponseRequest,
        ),
        SURVEYS_PATH: {
            "get": {
                "tags": ["surveys"],
                "summary": "The active surveys of a site (public, cacheable; targeting is evaluated in the browser)",
                "description": SurveysEndpoint.__doc__ or "",
                "parameters": [{"name": "site", "in": "query", "required": True, "schema": {"type": "string"}}],
                "responses": {
                    "200": {"description": '`{"surveys": [...]}`', "content": {"application/json": {}}},
                    "304": {"description": "Not modified (If-None-Match)"},
                    "404": {"description": "Unknown site", "content": problem_ref},
                },
            }
        },
    }
