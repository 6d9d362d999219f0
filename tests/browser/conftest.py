"""Browser tests of the feedback widget: headless Chromium (Debian's /usr/bin/chromium) driven by Playwright.

One real HTTP server per session (uvicorn in a thread) serves the widget through ``build_widget_router`` and a
FAKE ``POST /api/v1/feedback`` that validates bodies with the real ``FeedbackRequest`` model, records them and
answers 202, or whatever a test queued (503 with Retry-After, 422...). The same for surveys: a FAKE
``GET /api/v1/surveys`` answering the definitions document a test set (none by default) and recording each
request's URL and headers, and a FAKE ``POST /api/v1/survey-responses`` validating with the real
``SurveyResponseRequest``. The city pages are fulfilled by Playwright
at ``https://abfall.musterstadt.de/…``, so the page really has the city's origin and talks cross-origin to
``http://127.0.0.1:<port>``, as in production. The full path into Kafka is tested by the integration suite.

One browser for the package, a new context (no shared state) per test. Without /usr/bin/chromium or the built widget
the tests are skipped locally, but fail under CI (``CI`` or ``STADTSTIMME_REQUIRE_KAFKA=1``).
"""

from __future__ import annotations

import os
import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import orjson
import pytest
import uvicorn
from fastapi import FastAPI, Request
from fastapi.responses import Response
from pydantic import BaseModel, ValidationError

from services.ingest.domain import FeedbackRequest
from services.ingest.surveys import SurveyResponseRequest
from services.ingest.widget import DIST, build_widget_router
from shared.problems import add_refusal_handler
from shared.settings import Settings

REPO = Path(__file__).resolve().parents[2]
CHROMIUM = Path("/usr/bin/chromium")
AXE = REPO / "widget" / "node_modules" / "axe-core" / "axe.min.js"
CITY = "https://abfall.musterstadt.de"
PAGE = f"{CITY}/abfuhrkalender"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]


def under_ci() -> bool:
    return os.environ.get("CI", "").lower() not in ("", "0", "false", "no") or (
        os.environ.get("STADTSTIMME_REQUIRE_KAFKA") == "1"
    )


def require(ok: bool, reason: str) -> None:
    """Skip with the reason on a developer's machine; under CI a missing prerequisite is a failure."""
    if not ok:
        if under_ci():
            pytest.fail(f"{reason} (required under CI)", pytrace=False)
        pytest.skip(reason)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if Path(str(item.fspath)).parent.name == "browser":
            item.add_marker(pytest.mark.browser)


# ---- The server: widget router + fake feedback and survey endpoints ----


@dataclass
class Received:
    body: dict[str, Any]
    raw: bytes
    headers: dict[str, str]
    status: int


@dataclass
class FakeFeedback:
    """Records what the widget posts; answers 202 unless a test queued other answers. ``model`` is the real
    contract bodies are validated with (feedback, or survey responses)."""

    model: type[BaseModel] = FeedbackRequest
    received: list[Received] = field(default_factory=list)
    queued: list[tuple[int, dict[str, str]]] = field(default_factory=list)
    allowed_origins: set[str] = field(default_factory=lambda: {CITY})
    lock: threading.Lock = field(default_factory=threading.Lock)

    def reset(self) -> None:
        with self.lock:
            self.received.clear()
            self.queued.clear()

    def answer_next(self, status: int, **headers: str) -> None:
        with self.lock:
            self.queued.append((status, headers))

    def bodies(self) -> list[dict[str, Any]]:
        with self.lock:
            return [r.body for r in self.received]

    def requests(self) -> list[Received]:
        with self.lock:
            return list(self.received)

    def answer(self, raw: bytes, headers: dict[str, str]) -> tuple[int, bytes, dict[str, str]]:
        with self.lock:
            status, extra = self.queued.pop(0) if self.queued else (202, {})
        try:
            body = orjson.loads(raw)
        except orjson.JSONDecodeError:
            body = {"unparsable": raw.decode("utf-8", "replace")}
            status = 400
        if status == 202:
            try:
                self.model.model_validate_json(raw)  # the real, strict contract
            except ValidationError as exc:
                body["__invalid__"] = str(exc)
                status = 422
        with self.lock:
            self.received.append(Received(body, raw, headers, status))
        if status == 202:
            return status, orjson.dumps({"event_id": body["event_id"]}), {"Content-Type": "application/json"}
        problem = orjson.dumps({"type": "/problems/test", "title": "Testantwort", "status": status})
        return status, problem, {"Content-Type": "application/problem+json", **extra}


@dataclass
class Fetched:
    url: str
    headers: dict[str, str]


@dataclass
class FakeSurveys:
    """``GET /api/v1/surveys``: answers the document a test set (no surveys by default), cacheable and public like
    the real one, and records every request's URL and headers."""

    document: dict[str, Any] = field(default_factory=lambda: {"surveys": []})
    fetched: list[Fetched] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def reset(self) -> None:
        with self.lock:
            self.document = {"surveys": []}
            self.fetched.clear()

    def serve(self, *surveys: dict[str, Any]) -> None:
        with self.lock:
            self.document = {"surveys": list(surveys)}

    def requests(self) -> list[Fetched]:
        with self.lock:
            return list(self.fetched)

    def answer(self, url: str, headers: dict[str, str]) -> bytes:
        with self.lock:
            self.fetched.append(Fetched(url, headers))
            return orjson.dumps(self.document)


def create_test_app(fake: FakeFeedback, surveys: FakeSurveys, answers: FakeFeedback) -> FastAPI:
    app = FastAPI()
    add_refusal_handler(app)
    app.include_router(build_widget_router(Settings()))

    def cors(request: Request, endpoint: FakeFeedback = fake) -> dict[str, str]:
        origin = request.headers.get("origin")
        if origin not in endpoint.allowed_origins:
            return {"Vary": "Origin"}
        return {
            "Access-Control-Allow-Origin": origin,
            "Access-Control-Allow-Methods": "POST",
            "Access-Control-Allow-Headers": "Content-Type",
            "Access-Control-Expose-Headers": "Retry-After",
            "Vary": "Origin",
        }

    @app.options("/api/v1/feedback")
    async def preflight(request: Request) -> Response:
        return Response(status_code=204, headers=cors(request))

    @app.post("/api/v1/feedback")
    async def feedback(request: Request) -> Response:
        status, body, headers = fake.answer(await request.body(), dict(request.headers))
        return Response(body, status_code=status, headers={**headers, **cors(request)})

    @app.get("/api/v1/surveys")
    async def survey_definitions(request: Request) -> Response:
        body = surveys.answer(str(request.url), dict(request.headers))
        headers = {
            "Cache-Control": "public, max-age=60",
            "Access-Control-Allow-Origin": "*",
            "Cross-Origin-Resource-Policy": "cross-origin",
        }
        return Response(body, media_type="application/json", headers=headers)

    @app.options("/api/v1/survey-responses")
    async def survey_preflight(request: Request) -> Response:
        return Response(status_code=204, headers=cors(request, answers))

    @app.post("/api/v1/survey-responses")
    async def survey_responses(request: Request) -> Response:
        status, body, headers = answers.answer(await request.body(), dict(request.headers))
        return Response(body, status_code=status, headers={**headers, **cors(request, answers)})

    return app


@dataclass
class WidgetServer:
    url: str
    fake: FakeFeedback
    surveys: FakeSurveys
    answers: FakeFeedback  # survey responses

    @property
    def script(self) -> str:
        return f"{self.url}/widget/v1/stadtstimme.js"


@pytest.fixture(scope="session")
def server() -> Iterator[WidgetServer]:
    require((DIST / "stadtstimme.js").is_file(), "widget/dist/stadtstimme.js is not built: run `make install`")
    fake = FakeFeedback()
    surveys = FakeSurveys()
    answers = FakeFeedback(model=SurveyResponseRequest)
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    url = f"http://127.0.0.1:{port}"
    fake.allowed_origins.add(url)  # the demo pages post from the server's own origin
    answers.allowed_origins.add(url)
    app = create_test_app(fake, surveys, answers)
    config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="off")
    uv = uvicorn.Server(config)
    thread = threading.Thread(target=uv.run, name="widget-test-server", daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not uv.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the widget test server did not start")
        time.sleep(0.02)
    yield WidgetServer(url, fake, surveys, answers)
    uv.should_exit = True
    thread.join(timeout=10)


@pytest.fixture
def fake(server: WidgetServer) -> FakeFeedback:
    server.fake.reset()
    server.surveys.reset()  # no survey unless a test serves one
    server.answers.reset()
    return server.fake


@pytest.fixture
def fake_surveys(server: WidgetServer, fake: FakeFeedback) -> FakeSurveys:
    return server.surveys


@pytest.fixture
def fake_answers(server: WidgetServer, fake: FakeFeedback) -> FakeFeedback:
    return server.answers


# ---- The browser ----


# Package scope: Playwright's sync API leaves an event loop running while it is open, which would stop async tests
# in other packages of the same pytest run; so the browser is closed when the last browser test is done.
@pytest.fixture(scope="package")
def browser() -> Iterator[Any]:
    require(CHROMIUM.exists(), f"{CHROMIUM} is missing: apt-get install chromium")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=str(CHROMIUM),
            args=["--no-sandbox", "--headless=new", "--disable-gpu", "--disable-dev-shm-usage"],
        )
        yield chromium
        chromium.close()


@pytest.fixture
def new_context(browser: Any, fake: FakeFeedback) -> Iterator[Any]:
    """A factory of fresh browser contexts (closed after the test); keyword arguments go to new_context."""
    contexts: list[Any] = []

    def make(**options: Any) -> Any:
        # The test pages pretend to be on the public internet and post to 127.0.0.1: Chromium's Local Network
        # Access asks the user for that. In production the Stadtstimme host is public, so the question never arises.
        context = browser.new_context(permissions=["local-network-access"], **options)
        context.set_default_timeout(10_000)
        contexts.append(context)
        return context

    yield make
    for context in contexts:
        context.close()


@pytest.fixture
def context(new_context: Any) -> Any:
    return new_context()
