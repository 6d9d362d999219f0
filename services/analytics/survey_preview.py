"""The survey builder's live preview: the real widget (``widget/dist``, the same bundles ingest serves) on a page of
its own, showing a definition before it is saved or published, exactly as citizens will see it.

The builder keeps the definition (``survey_store.save_preview``) under a random token and shows
``/console/survey-preview/<token>/`` in a sandboxed iframe (``sandbox="allow-scripts"``: an origin of its own, no
access to the console). The widget finds everything next to its own address (``…/widget/v1/x.js`` →
``…/api/v1/…``), so below the token this module answers what ingest would: the bundles, the site's survey document
holding only this definition (set to appear at once, whatever its sampling, delay, pages and window), and, for the
answers and any feedback given in the preview, a sink that accepts and forgets them. Nothing of a preview reaches
Kafka or the results.

The token is the capability: the widget's own requests carry no cookie (``credentials: "omit"``, anonymous
scripts), so below the page they are not signed-in requests. It is random (256 bits), kept as SHA-256 only,
expires after ``TTL``, and shows nothing but the definition the person who asked for it typed. The page itself
is a console page and requires ``surveys.define`` like the form.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import asyncpg
import orjson
from fastapi import APIRouter, Request
from fastapi.responses import Response

from services.analytics import survey_store
from services.ingest.surveys import LiveSurvey, delivery
from services.ingest.widget import DIST, MAIN, SURVEY, BundleFile, script_response
from shared.console_ui import ConsoleUI
from shared.contracts.surveys import SurveyDefinition
from shared.messages import text
from shared.orgmodel import split_origin
from shared.refusal import Refusal, not_found
from shared.settings import Settings
from shared.templates import render_page, template_environment

PATH = "/survey-preview"  # below the console's prefix
TTL = timedelta(hours=1)
_TOKEN_CHARS = 43  # secrets.token_urlsafe(32)
_TEMPLATES = template_environment(Path(__file__).parent / "templates")


def _hash(token: str) -> bytes:
    return hashlib.sha256(token.encode()).digest()


async def create_preview(pool: asyncpg.Pool, definition: SurveyDefinition, version: int) -> str:
    """Keep ``definition`` for a preview (as version ``version``, the number it would get) and return its token."""
    token = secrets.token_urlsafe(32)
    async with pool.acquire() as conn:
        await survey_store.save_preview(conn, _hash(token), definition, version, datetime.now(UTC) + TTL)
    return token


def preview_document(definition: SurveyDefinition, version: int) -> dict[str, Any]:
    """The site's survey document as ingest would deliver this definition (``services.ingest.surveys.delivery``),
    but made to appear at once on the preview page: every path, no sampling, no delay, no window. The trigger's
    kind stays (a button trigger waits for the page's button), and so do texts, questions and "don't show again"."""
    delivered = delivery(LiveSurvey(definition.id, "active", version, {version: definition}, 0))
    targeting = delivered["targeting"]
    button = targeting["trigger"]["kind"] == "button"
    targeting |= {
        "include": ["/*"],
        "exclude": [],
        "sampling_percent": 100,
        "starts_at": None,
        "ends_at": None,
        "trigger": {"kind": "button" if button else "delay", "delay_s": 0, "scroll_percent": None},
    }
    return {"surveys": [delivered]}


# The widget's requests come from the sandboxed page, an origin of its own ("null"): answered for any origin, with
# no credentials involved.
_CORS = {"Access-Control-Allow-Origin": "*", "Cache-Control": "no-store", "X-Content-Type-Options": "nosniff"}


def add_survey_preview_routes(router: APIRouter, ui: ConsoleUI, settings: Settings, pool: asyncpg.Pool) -> None:
    dist = Path(settings.widget_dist) if settings.widget_dist else DIST
    bundles = {name: BundleFile(dist / f"{name}.js") for name in (MAIN, SURVEY)}
    public = split_origin(settings.public_base_url)[0]

    def policy(request: Request) -> str:
        """As strict as a city page should be, and sandboxed (an opaque origin) even when opened on its own. The
        widget talks to this host: named, since a sandboxed page's 'self' is no origin of its own."""
        here = f"{request.url.scheme}://{request.url.netloc}"
        return ("default-src 'none'; script-src 'nonce-{nonce}'; style-src 'nonce-{nonce}'; "
                f"connect-src {public} {here}; img-src 'self' data:; form-action 'none'; base-uri 'none'; "
                "frame-ancestors 'self'; sandbox allow-scripts")  # fmt: skip

    async def preview(token: str) -> tuple[SurveyDefinition, int]:
        if len(token) != _TOKEN_CHARS:
            raise not_found()
        async with pool.acquire() as conn:
            found = await survey_store.load_preview(conn, _hash(token))
        if found is None:
            raise not_found()
        return found

    @router.get(PATH + "/{token}/")
    async def preview_page(token: str, request: Request) -> Response:
        """A page of the city with the real widget, which shows the previewed survey at once."""
        await ui.require(request, "surveys.define")
        definition, _ = await preview(token)
        lang = "en" if request.query_params.get("lang") == "en" else "de"
        bundle = bundles[MAIN].current()
        if bundle is None:
            raise Refusal("problem.widget_not_built.title", 503, slug="widget-not-built")
        return render_page(
            _TEMPLATES,
            "console_survey_preview.html",
            csp=policy(request),
            referrer_policy="no-referrer",
            headers={"X-Frame-Options": "SAMEORIGIN"},
            lang=lang,
            definition=definition,
            script=f"{ui.prefix}{PATH}/{token}/widget/v1/{MAIN}.js",
            site=definition.targeting.sites[0],
            t=lambda key, **v: text(key, lang, **v),
        )

    @router.get(PATH + "/{token}/widget/v1/{name}.js")
    async def preview_bundle(token: str, name: str, request: Request) -> Response:
        """The real bundles: ``stadtstimme.js`` and the content-addressed survey script it loads."""
        await preview(token)
        stem, _, digest = name.partition("-")
        file = bundles.get(stem)
        bundle = file.current() if file is not None else None
        if bundle is None or (stem == SURVEY and digest != bundle.digest) or (stem == MAIN and digest):
            raise not_found()
        return script_response(request, bundle, "private, no-cache")

    @router.get(PATH + "/{token}/api/v1/surveys")
    async def preview_surveys(token: str) -> Response:
        definition, version = await preview(token)
        body = orjson.dumps(preview_document(definition, version))
        return Response(body, media_type="application/json", headers=_CORS)

    @router.api_route(PATH + "/{token}/api/v1/{kind}", methods=["POST", "OPTIONS"])
    async def preview_sink(token: str, kind: str, request: Request) -> Response:
        """Answers and feedback given in the preview: accepted (202, as ingest would) and forgotten."""
        if kind not in ("survey-responses", "feedback"):
            raise not_found()
        await preview(token)
        if request.method == "OPTIONS":
            allow = {"Access-Control-Allow-Methods": "POST", "Access-Control-Allow-Headers": "Content-Type",
                     "Access-Control-Max-Age": "600"}  # fmt: skip
            return Response(status_code=204, headers=_CORS | allow)
        return Response(b"{}", status_code=202, media_type="application/json", headers=_CORS)
