"""RFC 9457 problem details: every API error answers ``application/problem+json`` naming what was wrong."""

from __future__ import annotations

from typing import Any

import orjson
from fastapi import FastAPI, Request
from fastapi.responses import Response
from pydantic import ValidationError

from shared.messages import CATALOGUE, pick_language, text
from shared.refusal import Refusal

PROBLEM_JSON = "application/problem+json"


def problem_body(
    status: int,
    slug: str,
    title: str,
    detail: str | None = None,
    errors: list[dict[str, str]] | None = None,
    **members: str,
) -> bytes:
    """An RFC 9457 problem; ``members`` are extension members (e.g. where to get a proof-of-work challenge)."""
    body: dict[str, Any] = {"type": f"/problems/{slug}", "title": title, "status": status, **members}
    if detail:
        body["detail"] = detail
    if errors:
        body["errors"] = errors
    return orjson.dumps(body)


def problem(
    status: int,
    slug: str,
    title: str,
    detail: str | None = None,
    errors: list[dict[str, str]] | None = None,
    headers: dict[str, str] | None = None,
) -> Response:
    body = problem_body(status, slug, title, detail, errors)
    return Response(body, status_code=status, media_type=PROBLEM_JSON, headers=headers)


def field_errors(exc: ValidationError, lang: str) -> list[dict[str, str]]:
    """One entry per invalid field: JSON pointer and pydantic's message; our own rules' messages translated (a
    ``PydanticCustomError`` whose type is a catalogue key, and the model-level rule)."""
    out = []
    for err in exc.errors(include_url=False):
        loc = [str(p) for p in err["loc"]]
        message = err["msg"]
        if err["type"] in CATALOGUE:
            message = text(err["type"], lang)
        elif "at least one of helpful, rating" in message:
            message = text("problem.some_answer", lang)
        out.append({"pointer": "/" + "/".join(loc), "field": ".".join(loc) or "(body)", "detail": message})
    return out


def request_language(request: Request) -> str:
    return pick_language(request.headers.get("accept-language"))


def refusal_response(exc: Refusal, lang: str) -> Response:
    """A ``Refusal`` as an RFC 9457 problem: its reason as the title, the field it names in ``errors``."""
    title = exc.reason(lang)
    errors = (
        [{"pointer": "/" + exc.field.replace(".", "/"), "field": exc.field, "detail": title}] if exc.field else None
    )
    return problem(exc.status, exc.slug, title, errors=errors, headers=exc.headers or None)


def add_refusal_handler(app: FastAPI) -> None:
    """Render every ``Refusal`` a route raises as an RFC 9457 problem (an application that also serves console
    pages registers its own handler, which renders those as pages)."""

    async def refused(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, Refusal)
        return refusal_response(exc, request_language(request))

    app.add_exception_handler(Refusal, refused)
