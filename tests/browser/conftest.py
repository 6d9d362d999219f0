"""Browser tests of the feedback widget: headless Chromium (Debian's /usr/bin/chromium) driven by Playwright.

One real HTTP server per session (uvicorn in a thread) serves the widget through ``build_widget_router`` and a
FAKE ``POST /api/v1/feedback`` that validates bodies with the real ``FeedbackRequest`` model, records them and
answers 202 (with a deletion code when the part has free text, as ingest does), or whatever a test queued (503
with Retry-After, 422...). The same for surveys: a FAKE ``GET /api/v1/surveys`` answering the definitions
document a test set (none by default) and recording each request's URL and headers, and a FAKE ``POST
/api/v1/survey-responses`` validating with the real ``SurveyResponseRequest`` (a deletion code for answers to the
served survey's text questions). The pages without JavaScript, the feedback form (``/feedback/form``) and the
erasure page (``/feedback/loeschen``), are the real routers on a ``FakeIngest``. The city pages are fulfilled by
Playwright at ``https://abfall.musterstadt.de/…``, so the page really has the city's origin and talks
cross-origin to ``http://127.0.0.1:<port>``, as in production. The full path into Kafka is tested by the
integration suite.

One browser for the package, a new context (no shared state) per test. Without /usr/bin/chromium or the built widget
the tests are skipped locally, but fail under CI (``CI`` or ``STADTSTIMME_REQUIRE_KAFKA=1``).
"""

from __future__ import annotations

import os
import secrets
import socket
import threading
import time
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import orjson
import pytest
import uvicorn
from fastapi import FastAPI, Request
from fastapi.responses import Response
from pydantic import BaseModel, ValidationError

from services.ingest.domain import FeedbackRequest
from services.ingest.erasure import build_erasure_router
from services.ingest.form import build_form_router
from services.ingest.surveys import SurveyResponseRequest
from services.ingest.widget import DIST, build_widget_router
from shared.orgmodel import OrgModel, Site
from shared.problems import add_refusal_handler
from shared.settings import Settings
from shared.shredding import CODE_ALPHABET, CODE_LENGTH, shown_code

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

DELETION_CODE = r"[A-Z2-9]{5}-[A-Z2-9]{5}"  # as ingest shows it, e.g. ABCDE-FGH23


def new_deletion_code() -> str:
    return shown_code("".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH)))


def feedback_has_text(body: dict[str, Any]) -> bool:
    return bool(body.get("comment") or body.get("suggestion"))


@dataclass
class Received:
    body: dict[str, Any]
    raw: bytes
    headers: dict[str, str]
    status: int
    deletion_code: str | None = None  # answered with the 202, when the part had free text


@dataclass
class FakeFeedback:
    """Records what the widget posts; answers 202 unless a test queued other answers. ``model`` is the real
    contract bodies are validated with (feedback, or survey responses); a 202 to a part with free text
    (``has_text``) carries a new deletion code, as ingest's does."""

    model: type[BaseModel] = FeedbackRequest
    has_text: Callable[[dict[str, Any]], bool] = feedback_has_text
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
        code = new_deletion_code() if status == 202 and self.has_text(body) else None
        with self.lock:
            self.received.append(Received(body, raw, headers, status, code))
        if status == 202:
            accepted = {"event_id": body["event_id"]} | ({"deletion_code": code} if code else {})
            return status, orjson.dumps(accepted), {"Content-Type": "application/json"}
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

    def has_text(self, part: dict[str, Any]) -> bool:
        """Whether a survey part answers a text question of the survey served (ingest gives it a deletion code)."""
        with self.lock:
            for s in self.document["surveys"]:
                if s["id"] == part.get("survey_id"):
                    texts = {q["id"] for q in s["questions"] if q["type"] == "text"}
                    return any(question in texts for question in part.get("answers", {}))
        return False


class NoCodes:
    """A database pool, and its connection, as the erasure page (``shared.shredding.key_of_code``) uses them, in
    which no deletion code is stored: the page answers every code as it answers one that belongs to no text (the
    same answer by design). Erasing itself is tested against PostgreSQL and the broker (tests/integration)."""

    def __init__(self) -> None:
        self.lookups = 0

    @asynccontextmanager
    async def acquire(self) -> AsyncIterator[NoCodes]:
        yield self

    async def execute(self, query: str, *args: Any) -> str:
        return "INSERT 0 0"

    async def fetchval(self, query: str, *args: Any) -> bytes:
        return bytes(32)  # the installation's secret for the codes' keyed hash

    async def fetchrow(self, query: str, *args: Any) -> None:
        self.lookups += 1


@dataclass
class FakeIngest:
    """Stands in for ``IngestService`` under the real pages without JavaScript (``build_form_router``,
    ``build_erasure_router``): the site ``abfall`` at the city's origin; each form submission is recorded and
    accepted, with a deletion code when it has free text; codes are looked up in ``NoCodes``. The erasure page's
    attempts per client (ten, then one a minute) last the session: tests that post codes keep to a few."""

    settings: Settings = field(default_factory=Settings)
    org: OrgModel = field(
        default_factory=lambda: OrgModel(sites={"abfall": Site("abfall", "Abfallwirtschaft", "awb", (CITY,))})
    )
    pool: NoCodes = field(default_factory=NoCodes)
    producer: None = None  # never needed: no code is found
    submissions: list[tuple[FeedbackRequest, str | None]] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def reset(self) -> None:
        with self.lock:
            self.submissions.clear()
            self.pool.lookups = 0

    async def submit(
        self, submission: FeedbackRequest, origin: str | None, client: str, received_at: datetime
    ) -> tuple[str, str | None]:
        code = new_deletion_code() if submission.comment or submission.suggestion else None
        with self.lock:
            self.submissions.append((submission, code))
        return submission.page_url, code


def create_test_app(fake: FakeFeedback, surveys: FakeSurveys, answers: FakeFeedback, ingest: FakeIngest) -> FastAPI:
    app = FastAPI()
    add_refusal_handler(app)
    app.include_router(build_widget_router(Settings()))
    app.include_router(build_form_router(ingest))  # type: ignore[arg-type]  # a stand-in, see FakeIngest
    app.include_router(build_erasure_router(ingest))  # type: ignore[arg-type]

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
    ingest: FakeIngest  # behind the form and the erasure page

    @property
    def script(self) -> str:
        return f"{self.url}/widget/v1/stadtstimme.js"


@pytest.fixture(scope="session")
def server() -> Iterator[WidgetServer]:
    require((DIST / "stadtstimme.js").is_file(), "widget/dist/stadtstimme.js is not built: run `make install`")
    fake = FakeFeedback()
    surveys = FakeSurveys()
    answers = FakeFeedback(model=SurveyResponseRequest, has_text=surveys.has_text)
    ingest = FakeIngest()
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    url = f"http://127.0.0.1:{port}"
    fake.allowed_origins.add(url)  # the demo pages post from the server's own origin
    answers.allowed_origins.add(url)
    app = create_test_app(fake, surveys, answers, ingest)
    config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="off")
    uv = uvicorn.Server(config)
    thread = threading.Thread(target=uv.run, name="widget-test-server", daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not uv.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the widget test server did not start")
        time.sleep(0.02)
    yield WidgetServer(url, fake, surveys, answers, ingest)
    uv.should_exit = True
    thread.join(timeout=10)


@pytest.fixture
def fake(server: WidgetServer) -> FakeFeedback:
    server.fake.reset()
    server.surveys.reset()  # no survey unless a test serves one
    server.answers.reset()
    server.ingest.reset()
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
