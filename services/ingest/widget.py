"""Serves the citizen feedback widget and, for ``make run``, demo pages of Musterstadt that embed it.

The widget is two bundles, built by ``make install`` (``widget/build.mjs``) into ``widget/dist/``:

- ``stadtstimme.js``, the feedback widget a city page embeds, which also decides whether an on-site survey is
  shown on this page view;
- ``survey.js``, the survey itself, which ``stadtstimme.js`` loads only then, by its content-addressed name
  (and with its integrity), both compiled into ``stadtstimme.js``.

Each is served under two URLs:

- ``/widget/v1/<name>.js``: the current v1, cached for an hour; what most city pages embed.
- ``/widget/v1/<name>-<sha256 prefix>.js``: the same bytes under a content-addressed, immutable URL, for
  pages that pin the exact file with Subresource Integrity. ``/widget/v1/manifest.json`` names the current
  ones with their ``integrity`` values.

Both are precomputed once per build (raw and gzip, hashes) and re-read when the file changes, so rebuilding the
widget while the server runs is picked up. Without a built bundle its URLs answer 503 problem+json saying so;
importing this module never fails.
"""

from __future__ import annotations

import base64
import gzip
import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import orjson
from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from shared.refusal import Refusal, not_found
from shared.settings import Settings
from shared.templates import render_page, template_environment

REPO = Path(__file__).resolve().parents[2]
DIST = REPO / "widget" / "dist"
PREFIX = "/widget/v1"
MAIN = "stadtstimme"  # the bundle pages embed
SURVEY = "survey"  # the bundle the main one loads when a survey is shown
SCRIPT_NAME = f"{MAIN}.js"
DIGEST_CHARS = 16  # hex characters of the SHA-256 in the content-addressed file name
JS = "text/javascript; charset=utf-8"
_TEMPLATES = template_environment(Path(__file__).parent / "templates")


@dataclass(frozen=True)
class Bundle:
    """One build of one widget bundle, with everything the responses need computed once."""

    name: str  # "stadtstimme" or "survey": the file is dist/<name>.js
    body: bytes
    gzipped: bytes
    digest: str  # hex prefix of the SHA-256, the content-addressed name
    integrity: str  # Subresource Integrity value, sha384-<base64>

    @property
    def path(self) -> str:
        return f"{PREFIX}/{self.name}-{self.digest}.js"

    @classmethod
    def of(cls, body: bytes, name: str = MAIN) -> Bundle:
        return cls(
            name=name,
            body=body,
            gzipped=gzip.compress(body, compresslevel=9, mtime=0),
            digest=hashlib.sha256(body).hexdigest()[:DIGEST_CHARS],
            integrity="sha384-" + base64.b64encode(hashlib.sha384(body).digest()).decode("ascii"),
        )

    def manifest(self) -> dict[str, Any]:
        return {"script": self.path, "integrity": self.integrity, "size_gzip": len(self.gzipped)}


class BundleFile:
    """A built bundle on disk (``<name>.js``), re-read only when its size or modification time changes."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.name = path.stem
        self._stamp: tuple[int, int] | None = None
        self._bundle: Bundle | None = None

    def current(self) -> Bundle | None:
        try:
            stat = self.path.stat()
        except OSError:
            self._stamp = self._bundle = None
            return None
        stamp = (stat.st_mtime_ns, stat.st_size)
        if stamp != self._stamp:
            try:
                self._bundle = Bundle.of(self.path.read_bytes(), self.name)
            except OSError:
                return None
            self._stamp = stamp
        return self._bundle


def accepts_gzip(accept_encoding: str | None) -> bool:
    """Whether an ``Accept-Encoding`` header allows gzip (``gzip`` or ``*`` with a non-zero q-value)."""
    weights: dict[str, float] = {}
    for part in (accept_encoding or "").split(","):
        name, _, params = part.partition(";")
        q = 1.0
        for param in params.split(";"):
            key, _, value = param.partition("=")
            if key.strip() == "q":
                try:
                    q = float(value)
                except ValueError:
                    q = 0.0
        weights[name.strip().lower()] = q
    return weights.get("gzip", weights.get("*", 0.0)) > 0


def script_response(request: Request, bundle: Bundle, cache_control: str) -> Response:
    use_gzip = accepts_gzip(request.headers.get("accept-encoding"))
    etag = f'"{bundle.digest}{".gz" if use_gzip else ""}"'
    headers = {
        "Cache-Control": cache_control,
        "Access-Control-Allow-Origin": "*",
        "Cross-Origin-Resource-Policy": "cross-origin",
        "X-Content-Type-Options": "nosniff",
        "Vary": "Accept-Encoding",
        "ETag": etag,
    }
    if etag in (request.headers.get("if-none-match") or ""):
        return Response(status_code=304, headers=headers)
    if use_gzip:
        headers["Content-Encoding"] = "gzip"
    return Response(bundle.gzipped if use_gzip else bundle.body, media_type=JS, headers=headers)


def build_widget_router(settings: Settings, *, dist: Path = DIST, demo: bool = True) -> APIRouter:
    """Routes for the widget bundles, their manifest and (with ``demo``) the Musterstadt demo pages."""
    router = APIRouter(include_in_schema=False)
    bundle_file = BundleFile(dist / SCRIPT_NAME)
    survey_file = BundleFile(dist / f"{SURVEY}.js")

    def unavailable(request: Request) -> Response:
        raise Refusal(
            "problem.widget_not_built.title", 503, slug="widget-not-built", headers={"Cache-Control": "no-store"}
        )

    for file in (bundle_file, survey_file):
        _add_bundle_routes(router, file, unavailable)

    @router.get(f"{PREFIX}/manifest.json")
    async def widget_manifest(request: Request) -> Response:
        bundle = bundle_file.current()
        if bundle is None:
            return unavailable(request)
        body = bundle.manifest()
        survey = survey_file.current()
        if survey is not None:
            body["survey"] = survey.manifest()
        headers = {"Cache-Control": "no-cache", "Access-Control-Allow-Origin": "*"}
        return Response(orjson.dumps(body), media_type="application/json", headers=headers)

    if demo:
        _add_demo_pages(router, settings, bundle_file)
    return router


def _add_bundle_routes(router: APIRouter, file: BundleFile, unavailable: Callable[[Request], Response]) -> None:
    """``/widget/v1/<name>.js`` (an hour) and ``/widget/v1/<name>-<digest>.js`` (immutable) of one bundle."""

    @router.api_route(f"{PREFIX}/{file.name}.js", methods=["GET", "HEAD"], name=f"widget_{file.name}")
    async def current(request: Request) -> Response:
        bundle = file.current()
        if bundle is None:
            return unavailable(request)
        return script_response(request, bundle, "public, max-age=3600")

    pinned_path = f"{PREFIX}/{file.name}-{{digest}}.js"

    @router.api_route(pinned_path, methods=["GET", "HEAD"], name=f"widget_{file.name}_pinned")
    async def pinned(request: Request, digest: str) -> Response:
        bundle = file.current()
        if bundle is None:
            return unavailable(request)
        if digest != bundle.digest:
            raise not_found()
        return script_response(request, bundle, "public, max-age=31536000, immutable")


# Demo pages: what a city page embedding the widget looks like. They are served from the Stadtstimme host, so
# the script tag pretends the real page address with data-page-url.
@dataclass(frozen=True)
class DemoPage:
    site: str
    page_url: str  # the address of the real page, sent by the widget
    template: str
    title: str
    kind: str  # how the page embeds the widget, for the index


DEMO_PAGES = {
    "abfall/abfuhrkalender": DemoPage("abfall", "https://abfall.musterstadt.de/abfuhrkalender",
                                      "demo/abfuhrkalender.html", "Abfuhrkalender", "schwebend (Knopf unten rechts)"),
    "abfall/sperrmuell": DemoPage("abfall", "https://abfall.musterstadt.de/sperrmuell", "demo/sperrmuell.html",
                                  "Sperrmüll anmelden", "eingebettet im Seitenfluss"),
    "buergeramt/termine": DemoPage("portal", "https://www.musterstadt.de/buergeramt/termine", "demo/termine.html",
                                   "Termin im Bürgeramt vereinbaren",
                                   "schwebend, mit einer Umfrage zur Online-Terminvergabe (unten links)"),
}  # fmt: skip


def _add_demo_pages(router: APIRouter, settings: Settings, bundle_file: BundleFile) -> None:
    def render(template: str, **context: Any) -> HTMLResponse:
        return render_page(
            _TEMPLATES,
            template,
            # As strict as a city page should be: the widget needs only its script (nonce) and the API ('self').
            csp="default-src 'none'; script-src 'nonce-{nonce}'; style-src 'nonce-{nonce}'; connect-src 'self'; "
            "img-src 'self' data:; form-action 'self'; base-uri 'none'; frame-ancestors 'none'",
            referrer_policy="no-referrer",
            bundle=bundle_file.current(),
            **context,
        )

    @router.get("/demo/")
    async def demo_index() -> HTMLResponse:
        pages = [(f"/demo/{path}", page.title, page.kind) for path, page in DEMO_PAGES.items()]
        return render("demo/index.html", pages=pages, base_url=settings.public_base_url.rstrip("/"))

    @router.get("/demo/{section}/{slug}")
    async def demo_page(request: Request, section: str, slug: str) -> Response:
        page = DEMO_PAGES.get(f"{section}/{slug}")
        if page is None:
            raise not_found()
        form_url = "/feedback/form?" + urlencode({"site": page.site, "page": page.page_url})
        return render(page.template, slug=slug, title=page.title, site=page.site, page_url=page.page_url,
                      form_url=form_url)  # fmt: skip
