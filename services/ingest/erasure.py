"""Citizens erase the text of their own response with the deletion code shown after sending it: a page that works
without JavaScript (``/feedback/loeschen``, German or English) and an API endpoint (``POST
/api/v1/feedback/erasure``). The text is erased everywhere (``shared.shredding.erase_response``: its data key, then
the read models); the rating stays in the figures, anonymously.

Nothing about a response is revealed: the answer is the same whether the code belongs to a response, to one
already erased, or to none. Attempts are limited per client (a keyed hash of the address, as for feedback; the
quota is shared out between the ingest instances, ``shared.abuse``), so codes cannot be guessed in bulk; only the
codes' keyed hashes are stored.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from pydantic import BaseModel, ConfigDict, Field

from services.ingest.form import citizen_page
from services.ingest.service import IngestService
from shared.abuse import REPLICAS, RateLimiter
from shared.console_ui import read_form
from shared.messages import LANGUAGES, pick_language, text
from shared.problems import request_language
from shared.refusal import UNAVAILABLE, Refusal
from shared.shredding import erase_response, key_of_code

PAGE = "/feedback/loeschen"
API = "/api/v1/feedback/erasure"
SOURCE = "/stadtstimme/ingest/erasure"
ATTEMPTS_BURST, ATTEMPTS_PER_MINUTE = 10, 1.0  # per client: ten at once, then one a minute


class ErasureBody(BaseModel):
    model_config = ConfigDict(extra="forbid")

    code: str = Field(
        min_length=1, max_length=40, description="The deletion code shown after sending, e.g. ABCDE-FGH23."
    )


class ErasureAnswer(BaseModel):
    message: str = Field(description="The same for every code: the text is erased if the code belongs to one.")


def build_erasure_router(ingest: IngestService) -> APIRouter:
    router = APIRouter(tags=["feedback"])
    attempts = RateLimiter(ATTEMPTS_PER_MINUTE, ATTEMPTS_BURST, replicas=REPLICAS.of("ingest"))

    async def erase_by_code(code: str, client: str) -> None:
        """Erase the text the code belongs to, if any; raises ``Refusal`` (429 too many attempts from this client,
        503 the broker is away: nothing changed, try again)."""
        key = attempts.key(client)
        wait = attempts.retry_after(key)
        if wait:
            raise Refusal(
                "erasure.error.too_many", 429, slug="too-many-requests", headers={"Retry-After": str(int(wait) + 1)}
            )
        attempts.charge(key)
        assert ingest.pool is not None
        async with ingest.pool.acquire() as conn:
            found = await key_of_code(conn, code)
        if found is None:
            return
        if ingest.producer is None:
            raise Refusal("problem.unavailable.title", 503, slug="service-unavailable", headers={"Retry-After": "5"})
        try:
            await erase_response(ingest.pool, ingest.producer, ingest.settings, found[0], "citizen", SOURCE)
        except UNAVAILABLE as exc:
            raise Refusal("problem.unavailable.title", 503, slug="service-unavailable",
                          headers={"Retry-After": "5"}) from exc  # fmt: skip

    def page(lang: str, status: int = 200, **context: Any) -> HTMLResponse:
        return citizen_page("erasure.html", lang, status, action=PAGE, code=context.pop("code", ""), **context)

    def language(request: Request, given: str | None) -> str:
        return given if given in LANGUAGES else pick_language(request.headers.get("accept-language"))

    @router.get(PAGE, include_in_schema=False)
    async def erasure_page(request: Request) -> HTMLResponse:
        return page(language(request, request.query_params.get("lang")), code=request.query_params.get("code", "")[:40])

    @router.post(PAGE, include_in_schema=False)
    async def erase_from_page(request: Request) -> HTMLResponse:
        form = await read_form(request, limit=2048)
        lang, code = language(request, form.get("lang")), form.get("code", "").strip()[:40]
        if not code:
            return page(lang, 422, error=text("erasure.error.empty", lang))
        try:
            await erase_by_code(code, request.client.host if request.client else "")
        except Refusal as exc:
            response = page(lang, exc.status, error=exc.reason(lang), code=code)
            response.headers.update(exc.headers)
            return response
        return page(lang, done=True)

    @router.post(API, responses={200: {"model": ErasureAnswer}})
    async def erase_from_api(body: ErasureBody, request: Request) -> Response:
        """Erase the text of the response a deletion code belongs to (its comment, suggestion or survey free text;
        its rating stays in the figures). The answer is the same whether or not the code belongs to a text."""
        await erase_by_code(body.code, request.client.host if request.client else "")
        message = text("erasure.page.done", request_language(request))
        return Response(ErasureAnswer(message=message).model_dump_json(), media_type="application/json",
                        headers={"Cache-Control": "no-store"})  # fmt: skip

    return router
