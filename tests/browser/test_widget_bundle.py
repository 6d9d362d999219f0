"""The built bundle (size budget), the text catalogue, and how the server delivers both (no browser needed)."""

from __future__ import annotations

import asyncio
import base64
import gzip
import hashlib
import json
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest
from fastapi import FastAPI

from services.ingest.widget import DIST, accepts_gzip, build_widget_router
from shared.contracts.feedback import CATEGORIES
from shared.problems import add_refusal_handler
from shared.settings import Settings
from tests.browser.conftest import REPO, require

MESSAGES = REPO / "shared" / "widget_messages.json"
BUDGET = 6 * 1024  # gzipped bytes of everything loaded before the citizen interacts: this one file


class Client:
    """Requests to the widget router in-process. Each runs on its own thread and event loop: the session's
    Playwright (sync API) keeps an event loop running on the main thread."""

    def __init__(self, dist: Path) -> None:
        self.app = FastAPI()
        add_refusal_handler(self.app)
        self.app.include_router(build_widget_router(Settings(), dist=dist))

    def get(self, url: str, headers: dict[str, str] | None = None) -> httpx.Response:
        async def request() -> httpx.Response:
            transport = httpx.ASGITransport(app=self.app)
            async with httpx.AsyncClient(transport=transport, base_url="http://stadtstimme.test") as c:
                return await c.get(url, headers=headers)

        with ThreadPoolExecutor(1) as pool:
            return pool.submit(asyncio.run, request()).result()


def client(dist: Path = DIST) -> Client:
    return Client(dist)


@pytest.fixture
def bundle() -> bytes:
    path = DIST / "stadtstimme.js"
    require(path.is_file(), "widget/dist/stadtstimme.js is not built: run `make install`")
    return path.read_bytes()


def test_bundle_is_within_the_gzip_budget(bundle: bytes) -> None:
    assert len(gzip.compress(bundle, compresslevel=9)) <= BUDGET


def test_catalogue_is_a_flat_map_with_german_and_english_for_every_key() -> None:
    messages = json.loads(MESSAGES.read_text(encoding="utf-8"))
    for key, texts in messages.items():
        assert key.startswith("widget."), key
        assert set(texts) == {"de", "en"} and all(isinstance(t, str) and t.strip() for t in texts.values()), key
    for category in CATEGORIES:
        assert f"widget.category.{category}" in messages
    assert messages["widget.category.accessibility_barrier"]["de"] == "Barriere melden"
    assert messages["widget.question"]["de"] == "War diese Seite hilfreich?"


def test_script_is_served_gzipped_with_its_headers(bundle: bytes) -> None:
    response = client().get("/widget/v1/stadtstimme.js", headers={"Accept-Encoding": "gzip, br"})
    assert response.status_code == 200
    assert response.content == bundle  # httpx decodes the gzip
    headers = response.headers
    assert headers["content-encoding"] == "gzip"
    assert headers["content-type"] == "text/javascript; charset=utf-8"
    assert headers["cache-control"] == "public, max-age=3600"
    assert headers["access-control-allow-origin"] == "*"
    assert headers["cross-origin-resource-policy"] == "cross-origin"
    assert headers["x-content-type-options"] == "nosniff"
    assert headers["vary"] == "Accept-Encoding"
    not_modified = client().get("/widget/v1/stadtstimme.js", headers={"If-None-Match": headers["etag"]})
    assert not_modified.status_code == 304


def test_script_without_gzip_when_the_client_refuses_it(bundle: bytes) -> None:
    response = client().get("/widget/v1/stadtstimme.js", headers={"Accept-Encoding": "gzip;q=0, identity"})
    assert "content-encoding" not in response.headers and response.content == bundle


def test_manifest_names_the_immutable_content_addressed_script(bundle: bytes) -> None:
    c = client()
    manifest = c.get("/widget/v1/manifest.json").json()
    digest = hashlib.sha256(bundle).hexdigest()[:16]
    survey = (DIST / "survey.js").read_bytes()  # the survey bundle, loaded by the main one: named there too
    survey_digest = hashlib.sha256(survey).hexdigest()[:16]
    assert manifest == {
        "script": f"/widget/v1/stadtstimme-{digest}.js",
        "integrity": "sha384-" + base64.b64encode(hashlib.sha384(bundle).digest()).decode(),
        "size_gzip": len(gzip.compress(bundle, compresslevel=9, mtime=0)),
        "survey": {
            "script": f"/widget/v1/survey-{survey_digest}.js",
            "integrity": "sha384-" + base64.b64encode(hashlib.sha384(survey).digest()).decode(),
            "size_gzip": len(gzip.compress(survey, compresslevel=9, mtime=0)),
        },
    }
    pinned = c.get(manifest["script"])
    assert pinned.status_code == 200 and pinned.content == bundle
    assert pinned.headers["cache-control"] == "public, max-age=31536000, immutable"
    assert pinned.headers["access-control-allow-origin"] == "*"
    assert c.get("/widget/v1/stadtstimme-0123456789abcdef.js").status_code == 404


def test_without_a_build_every_widget_url_answers_503_problem(tmp_path: Path) -> None:
    c = client(tmp_path)
    for url in ("/widget/v1/stadtstimme.js", "/widget/v1/manifest.json", "/widget/v1/stadtstimme-abc.js"):
        response = c.get(url)
        assert response.status_code == 503
        assert response.headers["content-type"] == "application/problem+json"
        assert "make install" in response.json()["title"]
    page = c.get("/demo/abfall/abfuhrkalender")  # the demo page still renders, saying what is missing
    assert page.status_code == 200 and "make install" in page.text and "<script" not in page.text


def test_a_rebuilt_bundle_is_picked_up(tmp_path: Path) -> None:
    c = client(tmp_path)
    (tmp_path / "stadtstimme.js").write_bytes(b"/* one */")
    first = c.get("/widget/v1/manifest.json").json()["script"]
    (tmp_path / "stadtstimme.js").write_bytes(b"/* two, longer */")
    second = c.get("/widget/v1/manifest.json").json()["script"]
    assert first != second and c.get(second).content == b"/* two, longer */"


def test_demo_pages_have_a_strict_csp_and_embed_the_pinned_script(bundle: bytes) -> None:
    c = client()
    index = c.get("/demo/")
    assert index.status_code == 200 and "/demo/abfall/abfuhrkalender" in index.text
    page = c.get("/demo/abfall/abfuhrkalender")
    csp = page.headers["content-security-policy"]
    nonce = csp.split("'nonce-")[1].split("'")[0]
    assert "default-src 'none'" in csp and "unsafe-inline" not in csp
    manifest = c.get("/widget/v1/manifest.json").json()
    assert f'src="{manifest["script"]}" integrity="{manifest["integrity"]}"' in page.text
    assert f'nonce="{nonce}"' in page.text
    assert 'data-page-url="https://abfall.musterstadt.de/abfuhrkalender"' in page.text
    assert "<div data-stadtstimme-feedback></div>" in c.get("/demo/abfall/sperrmuell").text
    assert c.get("/demo/abfall/gibt-es-nicht").status_code == 404


@pytest.mark.parametrize(
    ("header", "expected"),
    [("gzip", True), ("br, gzip;q=0.5", True), ("*", True), ("gzip;q=0", False), ("identity", False), (None, False)],
)
def test_accept_encoding(header: str | None, expected: bool) -> None:
    assert accepts_gzip(header) is expected
