"""The public feedback API and the staff read API over real HTTP, with the real broker and database."""

from __future__ import annotations

import re
import uuid
from pathlib import Path
from typing import Any

import asyncpg
import httpx
import pytest
from aiokafka import AIOKafkaConsumer, TopicPartition

from services.ingest.pow import solve
from shared.contracts.topics import FEEDBACK, topic_name
from shared.messages import text
from shared.settings import Settings
from stadtstimme.infra import free_port, wait_for_port
from tests.integration.system import System, with_http_port

ABFALL = "https://abfall.musterstadt.de"


def feedback(**fields: Any) -> dict[str, Any]:
    return {"event_id": str(uuid.uuid4()), "site": "abfall", "page_url": f"{ABFALL}/sperrmuell", **fields}


@pytest.fixture
async def client(system: System) -> Any:
    async with httpx.AsyncClient(base_url=system.base_url, timeout=30) as c:
        yield c


async def test_accepted_feedback_is_in_the_metrics_api(client: httpx.AsyncClient, system: System) -> None:
    body = feedback(helpful=False, rating=2, comment="Termin nicht gefunden, mail an a.b@example.org")
    response = await client.post("/api/v1/feedback", json=body, headers={"Origin": ABFALL})
    assert response.status_code == 202
    answer = response.json()
    assert answer["event_id"] == body["event_id"]
    assert re.fullmatch(r"[A-Z2-9]{5}-[A-Z2-9]{5}", answer["deletion_code"])  # the part has text: a code to erase it
    assert response.headers["access-control-allow-origin"] == ABFALL
    assert "set-cookie" not in response.headers
    await system.wait_projected(1, timeout=10)
    conn = await asyncpg.connect(system.settings.database_url)
    try:
        archived, opened = await conn.fetchrow("SELECT envelope::text, comment FROM feedback_event")
    finally:
        await conn.close()
    assert "127.0.0.1" not in archived  # the client address goes nowhere
    # The text travels sealed (the archived event holds no word of it); opened with its key, it is redacted.
    assert "Termin" not in archived and "a.b@example.org" not in archived and '"ciphertext"' in archived
    assert opened == "Termin nicht gefunden, mail an [E-Mail entfernt]"
    pages = await client.get(
        "/api/v1/metrics/pages",
        params={"url_prefix": f"{ABFALL}/sperr", "granularity": "hour"},
        headers=system.auth,
    )
    assert pages.status_code == 200
    [item] = pages.json()["items"]
    assert item["page_url"] == f"{ABFALL}/sperrmuell"
    assert item["org_unit"] == "abfallwirtschaft"
    assert item["title"] == "Sperrmüll anmelden"
    assert item["totals"]["responses"] == 1
    assert item["totals"]["rating_mean"] == 2.0
    assert item["totals"]["helpful_share"] == 0.0
    assert item["totals"]["rating_distribution"] == {"1": 0, "2": 1, "3": 0, "4": 0, "5": 0}
    assert [b["responses"] for b in item["series"]] == [1]
    totals_only = await client.get(
        "/api/v1/metrics/org-units", params={"org_unit": "abfallwirtschaft", "series": "false"}, headers=system.auth
    )
    [unit] = totals_only.json()["items"]
    assert unit["totals"]["responses"] == 1 and "series" not in unit


@pytest.mark.parametrize(
    ("content", "headers", "status", "field"),
    [
        (b'{"event_id": ', {}, 400, None),
        (b'{"site": "abfall"}', {}, 422, "event_id"),
        (b"[1, 2]", {}, 422, None),
        (None, {"rating": "fünf"}, 422, "rating"),
        (None, {"rating": 3, "admin": True}, 422, "admin"),
        (None, {"rating": 3, "comment": "x" * 2001}, 422, "comment"),
        (None, {"language": "en"}, 422, None),  # no answer at all
        (None, {"rating": 3, "site": "gibt-es-nicht"}, 422, "site"),
        (None, {"rating": 3, "page_url": "https://www.baeder-musterstadt.de/freibad"}, 422, "page_url"),
    ],
)
async def test_bad_input_gets_problem_json_naming_the_field(
    client: httpx.AsyncClient, content: bytes | None, headers: dict[str, Any], status: int, field: str | None
) -> None:
    if content is None:
        response = await client.post("/api/v1/feedback", json=feedback(**headers))
    else:
        response = await client.post("/api/v1/feedback", content=content, headers={"Content-Type": "application/json"})
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/problem+json"
    problem = response.json()
    assert problem["status"] == status and problem["title"] and problem["type"].startswith("/problems/")
    if field:
        assert field in {e["field"] for e in problem["errors"]}


async def test_problem_language_follows_accept_language(client: httpx.AsyncClient) -> None:
    german = await client.post("/api/v1/feedback", json=feedback())
    english = await client.post("/api/v1/feedback", json=feedback(), headers={"Accept-Language": "en-GB,en;q=0.8"})
    assert german.json()["title"] == "Die Angaben sind unvollständig oder ungültig."
    assert english.json()["title"] == "The submitted data is incomplete or invalid."


async def test_oversized_body_wrong_media_type_and_foreign_origin(client: httpx.AsyncClient) -> None:
    big = feedback(rating=1, comment="x" * 17_000)
    assert (await client.post("/api/v1/feedback", json=big)).status_code == 413

    async def chunks() -> Any:  # no Content-Length: the cap must hold while streaming
        for _ in range(20):
            yield b"x" * 1024

    streamed = await client.post("/api/v1/feedback", content=chunks(), headers={"Content-Type": "application/json"})
    assert streamed.status_code == 413
    form = await client.post("/api/v1/feedback", data={"rating": "3"})
    assert form.status_code == 415
    foreign = await client.post("/api/v1/feedback", json=feedback(rating=3), headers={"Origin": "https://evil.example"})
    assert foreign.status_code == 403
    assert "access-control-allow-origin" not in foreign.headers


async def test_cors_preflight_only_for_city_origins(client: httpx.AsyncClient) -> None:
    ok = await client.options("/api/v1/feedback", headers={"Origin": ABFALL, "Access-Control-Request-Method": "POST"})
    assert ok.status_code == 204
    assert ok.headers["access-control-allow-origin"] == ABFALL
    assert "POST" in ok.headers["access-control-allow-methods"]
    bad = await client.options("/api/v1/feedback", headers={"Origin": "https://evil.example"})
    assert "access-control-allow-origin" not in bad.headers


async def test_metrics_api_needs_the_token(client: httpx.AsyncClient, system: System) -> None:
    for headers in ({}, {"Authorization": "Bearer wrong"}, {"Authorization": "Basic dGVzdDp0ZXN0"}):
        response = await client.get("/api/v1/metrics/org-units", headers=headers)
        assert response.status_code == 401
        assert response.headers["www-authenticate"].startswith("Bearer")
        assert response.headers["content-type"] == "application/problem+json"
    bad_param = await client.get("/api/v1/metrics/pages", params={"granularity": "week"}, headers=system.auth)
    assert bad_param.status_code == 422
    assert bad_param.headers["content-type"] == "application/problem+json"


async def test_health_readiness_and_prometheus(client: httpx.AsyncClient) -> None:
    assert (await client.get("/healthz")).status_code == 200
    ready = await client.get("/readyz")
    assert ready.status_code == 200 and ready.json() == {"database": True, "broker": True}
    await client.post("/api/v1/feedback", json=feedback(rating=5))
    metrics = (await client.get("/metrics")).text
    assert "stadtstimme_feedback_accepted_total 1.0" in metrics


async def test_broker_unreachable_answers_503_with_retry_after(settings: Settings, tmp_path: Path) -> None:
    dead = settings.model_copy(update={"kafka_bootstrap_servers": f"127.0.0.1:{free_port()}"})
    system = System(with_http_port(dead), tmp_path / "logs")
    await System(settings, tmp_path).prepare()  # database and org model from the real settings
    try:
        system._spawn("web", "serve", "--services", "ingest,analytics")
        wait_for_port(system.settings.http_port, 60, system.procs["web"])
        async with httpx.AsyncClient(base_url=system.base_url, timeout=30) as c:
            response = await c.post("/api/v1/feedback", json=feedback(rating=4))
            assert response.status_code == 503
            assert response.headers["retry-after"] == "5"
            assert response.headers["content-type"] == "application/problem+json"
            ready = await c.get("/readyz")
            assert ready.status_code == 503 and ready.json()["broker"] is False
    finally:
        system.stop_all()


async def test_connections_to_the_database_cut_answer_503_never_500(client: httpx.AsyncClient, system: System) -> None:
    """PostgreSQL restarted (every connection of the web process cut): a comment (its text needs a key from the
    database), the erasure API, a console page and the staff API answer 503 with Retry-After, or already work
    again on a fresh connection; never a 500. Then the same comment is accepted."""
    body = feedback(rating=2, comment="Die Tonne wurde nicht geleert.")
    sign_in = {"username": "x", "password": "y"}
    requests = (("POST", "/api/v1/feedback", {"json": body}),
                ("POST", "/api/v1/feedback/erasure", {"json": {"code": "AAAAA-BBBBB"}}),
                ("GET", "/api/v1/metrics/pages", {"headers": system.auth}),
                ("POST", "/console/login", {"data": sign_in, "headers": {"Origin": system.base_url}}))  # fmt: skip
    admin = await asyncpg.connect(system.settings.database_url)
    try:
        for method, path, kwargs in requests:
            for _ in range(3):  # every pooled connection goes, one after the other
                await admin.execute(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                    "WHERE datname = current_database() AND pid <> pg_backend_pid()"
                )
                answer = await client.request(method, path, **kwargs)
                assert answer.status_code != 500, (path, answer.text)
                if answer.status_code == 503:
                    assert answer.headers["retry-after"], path
    finally:
        await admin.close()
    again = await client.post("/api/v1/feedback", json=body)
    assert again.status_code == 202 and "deletion_code" in again.json()


async def page_totals(client: httpx.AsyncClient, system: System, path: str) -> dict[str, Any]:
    pages = await client.get("/api/v1/metrics/pages", params={"url_prefix": f"{ABFALL}{path}"}, headers=system.auth)
    [item] = pages.json()["items"]
    totals: dict[str, Any] = item["totals"]
    return totals


async def test_a_widget_response_in_two_parts_counts_once_and_bots_not_at_all(
    client: httpx.AsyncClient, system: System
) -> None:
    first = feedback(page_url=f"{ABFALL}/abfuhrkalender", helpful=True, elapsed_ms=2500)
    follow_up = feedback(
        page_url=f"{ABFALL}/abfuhrkalender", response_id=first["event_id"], rating=4, category="content",
        comment="Bitte auch als PDF", elapsed_ms=12_000, website="",
    )  # fmt: skip
    bot = feedback(page_url=f"{ABFALL}/abfuhrkalender", rating=1, comment="Buy now", website="http://spam.example")
    hasty = feedback(page_url=f"{ABFALL}/abfuhrkalender", helpful=False, elapsed_ms=40)
    for body in (first, follow_up, bot, hasty):
        response = await client.post("/api/v1/feedback", json=body, headers={"Origin": ABFALL})
        assert response.status_code == 202, response.text  # bots learn nothing from the answer
    await system.wait_projected(4, timeout=15)
    totals = await page_totals(client, system, "/abfuhrkalender")
    assert (totals["responses"], totals["helpful_yes"], totals["helpful_no"], totals["rating_sum"]) == (1, 1, 0, 4)
    conn = await asyncpg.connect(system.settings.database_url)
    try:
        flags = dict(await conn.fetch("SELECT event_id::text, flags FROM feedback_event"))
    finally:
        await conn.close()
    assert flags == {first["event_id"]: [], follow_up["event_id"]: [], bot["event_id"]: ["honeypot"],
                     hasty["event_id"]: ["too_fast"]}  # fmt: skip  # kept for staff as suspected spam


async def _records_on_the_feedback_topic(settings: Settings) -> int:
    consumer = AIOKafkaConsumer(bootstrap_servers=settings.kafka_bootstrap_servers)
    await consumer.start()
    try:
        topic = topic_name(FEEDBACK, settings.topic_prefix)
        ends = await consumer.end_offsets([TopicPartition(topic, p) for p in range(settings.topic_partitions)])
        return sum(ends.values())
    finally:
        await consumer.stop()


async def test_the_nil_and_the_max_uuid_are_refused_before_the_topic(client: httpx.AsyncClient, system: System) -> None:
    """A client whose id generator is broken sends the nil UUID every time: accepted, all such clients would collide
    on one idempotency key and every submission after the first would vanish as a duplicate."""
    nil, max_ = "00000000-0000-0000-0000-000000000000", "ffffffff-ffff-ffff-ffff-ffffffffffff"
    attempts = [
        ({"event_id": nil}, "event_id", "de"),
        ({"event_id": max_.upper()}, "event_id", "en"),
        ({"response_id": nil}, "response_id", "en"),
        ({"response_id": max_}, "response_id", "de"),
    ]
    for fields, field, lang in attempts:
        for _ in range(2):  # the second client with the same broken generator
            answer = await client.post(
                "/api/v1/feedback",
                json=feedback(rating=4, **fields),
                headers={"Origin": ABFALL, "Accept-Language": lang},
            )
            assert answer.status_code == 422, answer.text
            assert answer.headers["content-type"] == "application/problem+json"
            assert answer.json()["errors"] == [
                {"pointer": f"/{field}", "field": field, "detail": text("problem.reserved_uuid", lang)}
            ]
    assert await _records_on_the_feedback_topic(system.settings) == 0
    accepted = await client.post("/api/v1/feedback", json=feedback(rating=4), headers={"Origin": ABFALL})
    assert accepted.status_code == 202  # and it is this topic that is counted
    assert await _records_on_the_feedback_topic(system.settings) == 1


async def test_the_form_without_javascript(client: httpx.AsyncClient, system: System) -> None:
    shown = await client.get("/feedback/form", params={"site": "abfall", "page": f"{ABFALL}/sperrmuell?x=1"})
    assert shown.status_code == 200 and shown.headers["content-type"].startswith("text/html")
    html = shown.text
    assert '<html lang="de">' in html and "War diese Seite hilfreich?" in html
    assert f'value="{ABFALL}/sperrmuell"' in html  # normalised, no query
    assert "unsafe-inline" not in shown.headers["content-security-policy"]
    event_id = html.split('name="event_id" value="')[1].split('"')[0]
    issued = int(html.split('name="issued_ms" value="')[1].split('"')[0]) - 30_000  # as if read for 30 s
    form = {
        "event_id": event_id, "site": "abfall", "page_url": f"{ABFALL}/sperrmuell", "language": "de",
        "issued_ms": str(issued), "helpful": "no", "rating": "9", "category": "accessibility_barrier",
        "comment": "Der Button <b>Senden</b> ist für Screenreader unbeschriftet", "suggestion": "", "website": "",
    }  # fmt: skip
    wrong = await client.post("/feedback/form", data=form)
    assert wrong.status_code == 422
    assert "Bitte prüfen Sie Ihre Angaben" in wrong.text and "rating" in wrong.text
    assert "Der Button &lt;b&gt;Senden&lt;/b&gt;" in wrong.text  # kept, and rendered as text
    assert f'value="{event_id}"' in wrong.text  # the same id: sending again never counts twice
    done = await client.post("/feedback/form", data=form | {"rating": "2"})
    assert done.status_code == 200 and "Vielen Dank für Ihre Rückmeldung!" in done.text
    again = await client.post("/feedback/form", data=form | {"rating": "2"})
    assert again.status_code == 200
    await system.wait_projected(1, timeout=15)  # one distinct event: the second post repeated its id
    totals = await page_totals(client, system, "/sperrmuell")
    assert (totals["responses"], totals["helpful_no"], totals["rating_sum"]) == (1, 1, 2)
    hostile = await client.get("/feedback/form", params={"site": "abfall", "page": "javascript:alert(1)"})
    assert "javascript:" not in hostile.text
    unknown = await client.get("/feedback/form", params={"site": "gibt-es-nicht", "lang": "en"})
    assert unknown.status_code == 404 and "cannot be given here" in unknown.text


async def test_per_client_limit_counts_accepted_submissions_only(settings: Settings, tmp_path: Path) -> None:
    limited = settings.model_copy(update={"rate_limit_burst": 2, "rate_limit_per_minute": 0.5})
    system = System(with_http_port(limited), tmp_path / "logs")
    await system.prepare()
    try:
        system.start_web()
        async with httpx.AsyncClient(base_url=system.base_url, timeout=30) as c:
            me = {"X-Forwarded-For": "2001:db8:7:7::1"}  # behind the trusted local proxy
            for _ in range(3):  # invalid input uses up nothing
                assert (await c.post("/api/v1/feedback", json=feedback(rating=9), headers=me)).status_code == 422
            for _ in range(2):
                assert (await c.post("/api/v1/feedback", json=feedback(rating=4), headers=me)).status_code == 202
            same_network = {"X-Forwarded-For": "2001:db8:7:7::abcd"}  # the same /64
            limited_answer = await c.post("/api/v1/feedback", json=feedback(rating=4), headers=same_network)
            assert limited_answer.status_code == 429
            assert limited_answer.headers["content-type"] == "application/problem+json"
            assert 0 < int(limited_answer.headers["retry-after"]) <= 120
            assert "warten" in limited_answer.json()["title"]
            neighbour = {"X-Forwarded-For": "2001:db8:7:8::1"}
            assert (await c.post("/api/v1/feedback", json=feedback(rating=4), headers=neighbour)).status_code == 202
    finally:
        system.stop_all()


async def test_pages_of_this_server_post_as_same_origin(client: httpx.AsyncClient, system: System) -> None:
    own = system.base_url
    body = feedback(rating=5)
    assert (await client.post("/api/v1/feedback", json=body, headers={"Origin": own})).status_code == 202
    other = feedback(rating=5)
    foreign = await client.post("/api/v1/feedback", json=other, headers={"Origin": "https://evil.example"})
    assert foreign.status_code == 403


async def test_proof_of_work_step_up_when_the_operator_switches_it_on(settings: Settings, tmp_path: Path) -> None:
    guarded = settings.model_copy(update={"pow_required": True, "pow_max_number": 3000})
    system = System(with_http_port(guarded), tmp_path / "logs")
    await system.prepare()
    try:
        system.start_web()
        async with httpx.AsyncClient(base_url=system.base_url, timeout=30) as c:
            body = feedback(rating=3)
            refused = await c.post("/api/v1/feedback", json=body, headers={"Origin": ABFALL})
            assert refused.status_code == 403
            assert refused.json()["challenge"] == "/api/v1/challenge"
            assert refused.headers["access-control-allow-origin"] == ABFALL
            challenge = await c.get("/api/v1/challenge", headers={"Origin": ABFALL})
            assert challenge.headers["cache-control"] == "no-store"
            assert challenge.headers["access-control-allow-origin"] == ABFALL
            solved = body | {"altcha": solve(challenge.json())}
            assert (await c.post("/api/v1/feedback", json=solved, headers={"Origin": ABFALL})).status_code == 202
            replayed = feedback(rating=3, altcha=solved["altcha"])
            assert (await c.post("/api/v1/feedback", json=replayed)).status_code == 403
    finally:
        system.stop_all()
