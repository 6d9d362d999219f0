"""The feedback form for browsers without JavaScript: a server-rendered HTML page posting a normal form.

The widget links here (and puts it in ``<noscript>``); a city page can also link to it directly:
``/feedback/form?site=abfall&page=https://abfall.musterstadt.de/abfuhrkalender``. A submission goes through the
same validation, redaction, time trap and Kafka acknowledgement as the JSON API. Whatever goes wrong, the
citizen gets the form back in German with everything they entered, and the same ``event_id``, so sending it
again can never count twice.
"""

from __future__ import annotations

import time
import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

import orjson
from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse
from pydantic import ValidationError

from services.ingest.domain import MAX_BODY_BYTES, FeedbackRequest, Rejected
from services.ingest.service import IngestService, Refused
from shared.contracts.feedback import CATEGORIES, COMMENT_MAX_CHARS
from shared.messages import LANGUAGES, pick_language, text
from shared.orgmodel import InvalidUrl, split_page_url
from shared.problems import field_errors
from shared.refusal import UNAVAILABLE
from shared.templates import render_page, template_environment

PATH = "/feedback/form"
FIELDS = ("event_id", "site", "page_url", "helpful", "rating", "category", "comment", "suggestion", "issued_ms")
_TEMPLATES = template_environment(Path(__file__).parent / "templates")


def _number(value: str) -> bool:
    """ASCII digits only: ``str.isdigit`` also takes "²", which ``int`` refuses."""
    return 0 < len(value) <= 20 and value.isascii() and value.isdigit()


def _language(request: Request, given: str | None) -> str:
    return given if given in LANGUAGES else pick_language(request.headers.get("accept-language"))


def citizen_page(template: str, lang: str, status: int = 200, **context: Any) -> HTMLResponse:
    """A page of ours for citizens (the form, the erasure page): German or English, a strict CSP that lets forms
    post only here. Referrer-Policy same-origin (the default): a form's own post keeps its Origin; other sites
    learn nothing."""
    return render_page(
        _TEMPLATES,
        template,
        csp="default-src 'none'; style-src 'nonce-{nonce}'; form-action 'self'; frame-ancestors 'none'; "
        "base-uri 'none'",
        status=status,
        lang=lang,
        t=lambda key, **values: text(key, lang, **values),
        **context,
    )


def render(lang: str, status: int = 200, **context: Any) -> HTMLResponse:
    return citizen_page("feedback_form.html", lang, status, action=PATH, categories=CATEGORIES,
                        max_chars=COMMENT_MAX_CHARS, **context)  # fmt: skip


def to_request(values: dict[str, str], received_ms: int) -> FeedbackRequest:
    """The form's fields as the JSON API's request (raises pydantic's ``ValidationError``)."""
    body: dict[str, Any] = {k: values[k] for k in ("event_id", "site", "page_url", "language") if k in values}
    if values.get("helpful") in ("yes", "no"):
        body["helpful"] = values["helpful"] == "yes"
    if _number(values.get("rating", "")):
        body["rating"] = int(values["rating"])
    for key in ("category", "comment", "suggestion"):
        if values.get(key, "").strip():
            body[key] = values[key]
    body["website"] = values.get("website", "")
    if _number(values.get("issued_ms", "")):
        body["elapsed_ms"] = max(0, received_ms - int(values["issued_ms"]))
    return FeedbackRequest.model_validate_json(orjson.dumps(body))


def build_form_router(ingest: IngestService) -> APIRouter:
    router = APIRouter(tags=["feedback form"], include_in_schema=False)

    @router.get(PATH)
    async def show_form(request: Request) -> HTMLResponse:
        query = request.query_params
        lang = _language(request, query.get("lang"))
        values = {
            "event_id": str(uuid.uuid4()),
            "site": query.get("site", "")[:64],
            "page_url": query.get("page", "")[:2048],
            "issued_ms": str(int(time.time() * 1000)),
        }
        site = ingest.org.sites.get(values["site"])
        if site is None:
            return render(lang, 404, v=values, errors=[text("form.error.site", lang)], page_url=None)
        try:
            page_origin, path = split_page_url(values["page_url"])
        except InvalidUrl:
            page_origin = ""
        # Only a page of this site becomes a link (never a javascript: or foreign URL) and a hidden value.
        values["page_url"] = page_origin + path if page_origin in site.origins else ""
        return render(lang, v=values, page_url=values["page_url"] or None)

    @router.post(PATH)
    async def submit_form(request: Request) -> HTMLResponse:
        received_at = datetime.now(UTC)
        raw = b""
        async for chunk in request.stream():
            raw += chunk
            if len(raw) > MAX_BODY_BYTES:
                return render(pick_language(request.headers.get("accept-language")), 413, v={}, thanks=False,
                              errors=[text("problem.too_large.detail", "de", limit=MAX_BODY_BYTES)])  # fmt: skip
        parsed = parse_qs(raw.decode("utf-8", errors="replace"), keep_blank_values=True, max_num_fields=20)
        values = {k: v[0] for k, v in parsed.items()}
        lang = _language(request, values.get("language"))
        shown = {k: values.get(k, "") for k in FIELDS}
        if not shown["event_id"]:
            shown["event_id"] = str(uuid.uuid4())

        def again(status: int, errors: list[str]) -> HTMLResponse:
            return render(lang, status, v=shown, errors=errors, page_url=shown["page_url"] or None)

        try:
            submission = to_request(values, int(received_at.timestamp() * 1000))
        except ValidationError as exc:
            errors = [text("form.error.field", lang, field=e["field"], detail=e["detail"]) for e in
                      field_errors(exc, lang)]  # fmt: skip
            return again(422, errors)
        origin = request.headers.get("origin")
        if origin in ("null", f"{request.url.scheme}://{request.url.netloc}"):
            # Posted from this form itself ("null" where a proxy or the browser hides the origin, e.g. under
            # a no-referrer policy): checked like a post without Origin. A form post carries no credentials,
            # so a forged one gains nothing a direct post could not.
            origin = None
        # No proof of work here even when the operator requires it: a browser without JavaScript cannot do it.
        # The per-client limit and the flood breaker apply as to the JSON API.
        client = request.client.host if request.client else ""
        try:
            page_url, code = await ingest.submit(submission, origin, client, received_at)
        except Rejected:
            return again(422, [text("form.error.site", lang)])
        except Refused as refused:
            flood = refused.kind == "flood"
            response = again(503 if flood else 429, [text("form.error.unavailable" if flood else
                                                          "problem.rate_limited.title", lang)])  # fmt: skip
            response.headers["Retry-After"] = refused.retry_after
            return response
        except UNAVAILABLE:
            response = again(503, [text("form.error.unavailable", lang)])
            response.headers["Retry-After"] = "5"
            return response
        return render(lang, thanks=True, back_url=page_url, v={}, deletion_code=code)

    return router
