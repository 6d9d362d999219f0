"""On-site surveys over real HTTP, Kafka and PostgreSQL: define and publish through the staff API, deliver to
the widget's site document, answer through the public API, results exact per version, pause, quota, scoping,
CSV export and a replay of the survey topics."""

from __future__ import annotations

import asyncio
import csv
import io
import time
import uuid
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import asyncpg
import httpx
import pytest

from services.analytics.replay import replay
from shared.db import create_pool
from stadtstimme.embedded import DEMO_SURVEYS
from tests.integration.system import System, org_events
from tests.integration.test_console import PASSWORD, add_staff, sign_in

SURVEY = "buergeramt-termine"
PAGE = "https://www.musterstadt.de/buergeramt/termine"
STAFF = f"/api/v1/staff/surveys/{SURVEY}"


def definition(title: str = "Online-Terminvergabe", quota: int = 6) -> dict[str, Any]:
    return {
        "id": SURVEY,
        "org_unit": "buergeramt",
        "title": {"de": title},
        "questions": [
            {"id": "zufrieden", "type": "rating", "text": {"de": "Wie zufrieden sind Sie?"}, "required": True},
            {"id": "empfehlen", "type": "nps", "text": {"de": "Würden Sie uns empfehlen?"}},
            {"id": "anmerkung", "type": "text", "text": {"de": "Was sollen wir verbessern?"}},
        ],
        "targeting": {"sites": ["portal"], "include": ["/buergeramt/*"], "sampling_percent": 50, "quota": quota},
    }


@pytest.fixture
def system(survey_system: System) -> System:
    return survey_system  # with ingest re-reading surveys every 0.2 s and a 1 s browser cache


async def served(client: httpx.AsyncClient, site: str = "portal") -> list[dict[str, Any]]:
    answer = await client.get("/api/v1/surveys", params={"site": site})
    assert answer.status_code == 200, answer.text
    surveys: list[dict[str, Any]] = answer.json()["surveys"]
    return surveys


async def until_served(client: httpx.AsyncClient, wanted: bool, timeout: float = 5.0, survey: str = SURVEY) -> float:
    """Seconds until the survey is (or is no longer) in the site's document; fails after ``timeout``."""
    started = time.monotonic()
    while time.monotonic() - started < timeout:
        if any(s["id"] == survey for s in await served(client)) == wanted:
            return time.monotonic() - started
        await asyncio.sleep(0.05)
    raise AssertionError(f"survey {'not served' if wanted else 'still served'} after {timeout} s")


async def until_version(client: httpx.AsyncClient, version: int, timeout: float = 5.0) -> None:
    """Until ingest serves ``version`` (it re-reads the surveys every 0.2 s here); fails after ``timeout``."""
    deadline = time.monotonic() + timeout
    while [s["version"] for s in await served(client)] != [version]:
        assert time.monotonic() < deadline, f"version {version} not served after {timeout} s"
        await asyncio.sleep(0.05)


async def survey_staff(system: System) -> list[httpx.AsyncClient]:
    """Signed-in sessions of the Bürgeramt's staff (owner of the test surveys), another unit's staff and an
    analyst, in that order."""
    add_staff(system, "buergeramt.staff", "unit_staff", "buergeramt")
    add_staff(system, "abfall.staff", "unit_staff", "abfallwirtschaft")
    add_staff(system, "pr-team", "analyst")
    return [await sign_in(system, u) for u in ("buergeramt.staff", "abfall.staff", "pr-team")]


def part(response_id: str, version: int, answers: dict[str, Any], **extra: Any) -> dict[str, Any]:
    return {"event_id": str(uuid.uuid4()), "response_id": response_id, "survey_id": SURVEY, "version": version,
            "site": "portal", "page_url": PAGE, "answers": answers, "elapsed_ms": 8000, **extra}  # fmt: skip


async def wait_parts(system: System, expected: int, timeout: float = 60) -> None:
    """Until the projector has archived ``expected`` distinct response parts."""
    conn = await asyncpg.connect(system.settings.database_url)
    try:
        deadline = time.monotonic() + timeout
        while await conn.fetchval("SELECT count(*) FROM survey_response_event") < expected:
            assert time.monotonic() < deadline, f"fewer than {expected} parts projected after {timeout} s"
            await asyncio.sleep(0.1)
    finally:
        await conn.close()


async def results(client: httpx.AsyncClient, version: int, expected: int, timeout: float = 60) -> dict[str, Any]:
    """The results once the projector has counted ``expected`` responses of ``version``."""
    deadline = time.monotonic() + timeout
    while True:
        answer = await client.get(f"{STAFF}/results", params={"version": version})
        assert answer.status_code == 200, answer.text
        body: dict[str, Any] = answer.json()
        if body["responses"] >= expected or time.monotonic() > deadline:
            return body
        await asyncio.sleep(0.2)


async def test_survey_from_definition_to_results(system: System) -> None:
    async with httpx.AsyncClient(base_url=system.base_url, headers=system.admin, timeout=30) as staff, \
            httpx.AsyncClient(base_url=system.base_url, timeout=30) as citizen:  # fmt: skip
        # A draft is not served and takes no answers.
        created = await staff.put(STAFF, json={"definition": definition()})
        assert created.status_code == 200, created.text
        assert created.json()["status"] == "draft" and created.json()["current_version"] == 1
        assert await served(citizen) == []
        refused = await citizen.post("/api/v1/survey-responses", json=part(str(uuid.uuid4()), 1, {"zufrieden": 5}))
        assert refused.status_code == 422 and refused.json()["type"].endswith("unknown-survey")

        # Published: served to the site's widgets within the refresh interval, cacheable, with an ETag.
        assert (await staff.post(f"{STAFF}/status", json={"status": "active"})).json()["status"] == "active"
        await until_served(citizen, True)
        document = await citizen.get("/api/v1/surveys", params={"site": "portal"})
        assert document.headers["cache-control"] == "public, max-age=1"
        assert document.headers["access-control-allow-origin"] == "*"
        again = await citizen.get("/api/v1/surveys", params={"site": "portal"},
                                  headers={"If-None-Match": document.headers["etag"]})  # fmt: skip
        assert again.status_code == 304
        assert await served(citizen, "baeder") == []  # other sites don't get it
        unknown = await citizen.get("/api/v1/surveys", params={"site": "nirgendwo"})
        assert unknown.status_code == 404 and unknown.headers["content-type"] == "application/problem+json"

        # Version 1: four counted responses, one retried part, one dismissal only, one bot (honeypot).
        r = [str(uuid.uuid4()) for _ in range(6)]
        parts = [
            part(r[0], 1, {"zufrieden": 5}), part(r[0], 1, {"empfehlen": 10}),
            part(r[0], 1, {"anmerkung": "=HYPERLINK(\"http://evil\") Termine am Samstag, bitte an a@b.de"}),
            part(r[1], 1, {"zufrieden": 2}), part(r[1], 1, {"empfehlen": 3}),
            part(r[2], 1, {"zufrieden": 4}), part(r[2], 1, {}, dismissed=True),
            part(r[3], 1, {"zufrieden": 4}), part(r[3], 1, {"zufrieden": 1}),  # second answer to a question: ignored
            part(r[4], 1, {}, dismissed=True),
            part(r[5], 1, {"zufrieden": 1}, website="http://spam.example"),
        ]  # fmt: skip
        for body in parts:
            answer = await citizen.post("/api/v1/survey-responses", json=body)
            assert answer.status_code == 202, answer.text
        assert (await citizen.post("/api/v1/survey-responses", json=parts[0])).status_code == 202  # a retry
        wrong = await citizen.post("/api/v1/survey-responses", json=part(r[1], 1, {"zufrieden": 9}))
        assert wrong.status_code == 422 and wrong.json()["errors"][0]["pointer"] == "/answers/zufrieden"

        await wait_parts(system, len(parts))
        v1 = await results(staff, 1, expected=4)
        assert (v1["responses"], v1["completed"], v1["completion_rate"]) == (4, 1, 0.25)
        assert (v1["dismissals"], v1["dismissed_without_answer"]) == (2, 1)
        rating, nps, text = v1["questions"]
        assert [d["count"] for d in rating["distribution"]] == [0, 1, 0, 2, 1]  # the bot's 1 is not counted
        assert rating["mean"] == 3.75
        assert (nps["answers"], nps["promoters"], nps["detractors"], nps["nps"]) == (2, 1, 1, 0)
        (comment,) = text["texts"]
        assert "a@b.de" not in comment["text"] and comment["page_url"] == PAGE  # redacted before Kafka
        today = datetime.now(ZoneInfo(system.settings.timezone)).date().isoformat()
        assert v1["days"] == [{"day": today, "answered": 4, "dismissed": 2}]  # the city's day, not UTC's

        # A changed definition is version 2, served at once; answers to it stay apart from version 1.
        changed = await staff.put(STAFF, json={"definition": definition("Terminvergabe, neu")})
        assert changed.json()["current_version"] == 2 and changed.json()["status"] == "active"
        unchanged = await staff.put(STAFF, json={"definition": definition("Terminvergabe, neu")})
        assert unchanged.json()["events"] == []  # applying the same again publishes nothing
        await until_version(citizen, 2)
        for rid, rating_value in ((str(uuid.uuid4()), 5), (str(uuid.uuid4()), 5)):
            answer = await citizen.post("/api/v1/survey-responses", json=part(rid, 2, {"zufrieden": rating_value}))
            assert answer.status_code == 202
        v2 = await results(staff, 2, expected=2)
        assert v2["responses"] == 2 and [d["count"] for d in v2["questions"][0]["distribution"]] == [0, 0, 0, 0, 2]
        assert (await results(staff, 1, expected=4))["responses"] == 4

        # Quota 6 reached (4 + 2): no longer served although still active.
        await until_served(citizen, False)
        listed = (await staff.get("/api/v1/staff/surveys")).json()["items"]
        assert listed[0]["responses_by_version"] == {"1": 4, "2": 2}

        # A higher quota serves it again; pausing removes it within the refresh interval plus the cache age.
        assert (await staff.put(STAFF, json={"definition": definition("Terminvergabe, neu", quota=100)})).json()[
            "current_version"] == 3  # fmt: skip
        await until_served(citizen, True)
        await staff.post(f"{STAFF}/status", json={"status": "paused"})
        gone_after = await until_served(citizen, False, timeout=2.0)
        assert gone_after < 2.0
        # A started response can still be finished while paused; a closed survey refuses to change.
        late = await citizen.post("/api/v1/survey-responses", json=part(r[1], 1, {"anmerkung": "noch etwas"}))
        assert late.status_code == 202
        assert (await staff.post(f"{STAFF}/status", json={"status": "closed"})).status_code == 200
        reopened = await staff.post(f"{STAFF}/status", json={"status": "active"})
        assert reopened.status_code == 409 and reopened.headers["content-type"] == "application/problem+json"

        await wait_parts(system, len(parts) + 3)
        # CSV: German spreadsheet format, the formula in a citizen's text neutralised.
        exported = await staff.get(f"{STAFF}/results.csv", params={"version": 1})
        assert exported.status_code == 200 and exported.headers["content-type"].startswith("text/csv")
        rows = list(csv.reader(io.StringIO(exported.text.lstrip("\ufeff")), delimiter=";"))
        assert rows[0] == ["Frage-ID", "Frage", "Antwort", "Anzahl", "Anteil"]
        assert ["zufrieden", "Wie zufrieden sind Sie?", "4", "2", "0,5000"] in rows
        texts = [row[2] for row in rows if row[0] == "anmerkung"]
        assert len(texts) == 2 and all(not t.startswith("=") for t in texts)

    conn = await asyncpg.connect(system.settings.database_url)
    try:
        actions = [tuple(r) for r in await conn.fetch("SELECT action, subject FROM audit_log ORDER BY id")]
    finally:
        await conn.close()
    assert ("export", f"survey-results:{SURVEY}:v1") in actions
    assert sum(a == "survey_changed" for a, _ in actions) == 6


async def test_staff_scoping_and_csrf(system: System) -> None:
    async with httpx.AsyncClient(base_url=system.base_url, headers=system.admin, timeout=30) as admin:
        assert (await admin.put(STAFF, json={"definition": definition(), "status": "active"})).status_code == 200
    own, other, analyst = await survey_staff(system)
    origin = {"Origin": system.base_url}
    try:
        assert (await own.get(f"{STAFF}/results")).status_code == 200
        assert (await analyst.get(f"{STAFF}/results")).status_code == 200
        assert (await other.get(f"{STAFF}/results")).status_code == 404  # another unit's survey does not exist
        assert (await other.get("/api/v1/staff/surveys")).json()["items"] == []
        assert (await other.post(f"{STAFF}/status", json={"status": "paused"}, headers=origin)).status_code == 404
        assert (await analyst.post(f"{STAFF}/status", json={"status": "paused"}, headers=origin)).status_code == 403
        assert (await own.post(f"{STAFF}/status", json={"status": "paused"})).status_code == 403  # no Origin
        cross = {"Origin": "https://evil.example"}
        assert (await own.post(f"{STAFF}/status", json={"status": "paused"}, headers=cross)).status_code == 403
        foreign = definition() | {"id": "abfall-umfrage", "org_unit": "abfallwirtschaft"}
        stolen = await own.put("/api/v1/staff/surveys/abfall-umfrage", json={"definition": foreign}, headers=origin)
        assert stolen.status_code == 403
        # Only administrators define surveys (targeting reaches any unit's pages), even for the staff's own unit.
        redefined = await own.put(STAFF, json={"definition": definition("Eigene Fassung")}, headers=origin)
        assert redefined.status_code == 403
        # Tokens read what their scopes grant: the metrics token figures only, not citizens' survey answers
        # (finding 10 of the penetration test); a surveys.read token reads them, and its reads are audited.
        async with httpx.AsyncClient(base_url=system.base_url, headers=system.auth) as metrics:
            assert (await metrics.get(f"{STAFF}/results")).status_code == 403
            assert (await metrics.get("/api/v1/staff/surveys")).status_code == 403
        async with httpx.AsyncClient(base_url=system.base_url, headers=await system.token("surveys.read")) as reader:
            assert (await reader.get(f"{STAFF}/results")).status_code == 200
            assert (await reader.post(f"{STAFF}/status", json={"status": "paused"})).status_code == 403
        conn = await asyncpg.connect(system.settings.database_url)
        try:
            reads = await conn.fetch("SELECT actor, detail FROM audit_log WHERE action = 'view_survey_answers'")
        finally:
            await conn.close()
        assert any(r["actor"].startswith("token:test-") for r in reads), reads
        paused = await own.post(f"{STAFF}/status", json={"status": "paused"}, headers=origin)
        assert paused.status_code == 200 and paused.json()["status"] == "paused"
        anonymous = httpx.AsyncClient(base_url=system.base_url)
        assert (await anonymous.get(f"{STAFF}/results")).status_code == 401
        documented = (await anonymous.get("/api/openapi.json")).json()["paths"]
        assert {"/api/v1/surveys", "/api/v1/survey-responses", "/api/v1/staff/surveys/{survey_id}/results"} <= set(
            documented
        )
    finally:
        for client in (own, other, analyst):
            await client.aclose()
    assert PASSWORD  # the accounts above use the shared test password


async def test_replay_rebuilds_the_survey_read_models(system: System) -> None:
    async with httpx.AsyncClient(base_url=system.base_url, headers=system.admin, timeout=30) as client:
        await client.put(STAFF, json={"definition": definition(), "status": "active"})
        await client.put(STAFF, json={"definition": definition("Zweite Fassung")})
        await until_version(client, 2)
        for n in range(5):
            body = part(str(uuid.uuid4()), 1 + n % 2, {"zufrieden": 1 + n, "empfehlen": 2 * n})
            assert (await client.post("/api/v1/survey-responses", json=body)).status_code == 202
        # One response whose first answer was flagged (honeypot) and whose next was not, in separate requests
        # (separate batches live, one batch in the replay), and a response id reused for another version.
        mixed = str(uuid.uuid4())
        for body in (part(mixed, 2, {"zufrieden": 1}, website="http://spam.example"),
                     part(mixed, 2, {"zufrieden": 5, "empfehlen": 9}), part(mixed, 1, {"empfehlen": 0})):  # fmt: skip
            assert (await client.post("/api/v1/survey-responses", json=body)).status_code == 202
            await asyncio.sleep(0.3)
        await wait_parts(system, 8)
        before = [await results(client, v, expected=e) for v, e in ((1, 3), (2, 3))]
        rating = before[1]["questions"][0]
        assert rating["answers"] == 2 and rating["distribution"][0]["count"] == 0  # the flagged 1 stays out
        assert before[1]["questions"][1]["distribution"][9]["count"] == 1  # counted through its unflagged part
        assert before[0]["questions"][1]["answers"] == 3  # the response id reused for v1 added nothing there
        listed = (await client.get("/api/v1/staff/surveys")).json()
    system.stop("projector")
    pool = await create_pool(system.settings)
    try:
        # lifecycle events, answer parts and the org model's events; no feedback
        assert await replay(system.settings, pool) == 3 + 8 + await org_events(system.settings)
    finally:
        await pool.close()
    async with httpx.AsyncClient(base_url=system.base_url, headers=system.admin, timeout=30) as client:
        after = [(await client.get(f"{STAFF}/results", params={"version": v})).json() for v in (1, 2)]
        assert after == before
        assert (await client.get("/api/v1/staff/surveys")).json() == listed


async def test_surveys_apply_from_yaml(system: System, tmp_path: Path) -> None:
    """The demo city's file (the README example) applies, applies again without change, and a broken file is
    refused with every error by line, publishing nothing."""
    first = system.cli("surveys", "apply", str(DEMO_SURVEYS))
    assert first.returncode == 0, first.stderr
    assert first.stdout.splitlines() == ["buergeramt-terminvergabe: version-published.v1, status-changed.v1"]
    again = system.cli("surveys", "apply", str(DEMO_SURVEYS))
    assert again.stdout.splitlines() == ["buergeramt-terminvergabe: unchanged"]
    listed = system.cli("surveys", "list").stdout
    assert "buergeramt-terminvergabe" in listed and "active" in listed

    # Exposure: page views of the targeted pages since publication, times the sampling rate (100 % here).
    conn = await asyncpg.connect(system.settings.database_url)
    try:
        published = await conn.fetchval("SELECT published_at FROM survey_version")
    finally:
        await conn.close()
    today = published.astimezone(ZoneInfo(system.settings.timezone)).date()
    views = tmp_path / "matomo.csv"
    views.write_text(
        "date,label,nb_visits,nb_hits,url\n"
        f"{today - timedelta(days=1)},/buergeramt/termine,1,999,www.musterstadt.de/buergeramt/termine\n"
        f"{today},/buergeramt/termine,1,120,www.musterstadt.de/buergeramt/termine\n"
        f"{today},/buergeramt/termine/intern,1,50,www.musterstadt.de/buergeramt/termine/intern\n"
        f"{today},/buergeramt/ummelden,1,70,www.musterstadt.de/buergeramt/ummelden\n",
        encoding="utf-8",
    )
    imported = system.cli("pageviews", "import", str(views), "--site", "portal")
    assert imported.returncode == 0, imported.stderr
    assert imported.stdout.strip() == "portal: 4 page-days over 2 days, 1239 page views"
    async with httpx.AsyncClient(base_url=system.base_url, headers=system.admin, timeout=30) as staff:
        body = part(str(uuid.uuid4()), 1, {"zufriedenheit": 5}) | {"survey_id": "buergeramt-terminvergabe"}
        await until_served(staff, True, survey="buergeramt-terminvergabe")
        assert (await staff.post("/api/v1/survey-responses", json=body)).status_code == 202
        await wait_parts(system, 1)
        exposure = (await staff.get("/api/v1/staff/surveys/buergeramt-terminvergabe/results")).json()["exposure"]
    assert (exposure["page_views"], exposure["displays_estimate"]) == (120, 120)  # only targeted pages, from today
    assert exposure["response_rate_estimate"] == round(1 / 120, 4) and len(exposure["assumptions"]) == 3

    broken = tmp_path / "umfrage.yaml"
    broken.write_text(
        DEMO_SURVEYS.read_text(encoding="utf-8")
        .replace("id: buergeramt-terminvergabe", "id: zweite-umfrage")
        .replace("org_unit: buergeramt", "org_unit: gibtsnicht")
        .replace("    type: yes_no", "    type: ja_nein")
        .replace("sampling_percent: 100 ", "sampling_percent: 150"),
        encoding="utf-8",
    )
    refused = system.cli("surveys", "apply", str(broken))
    assert refused.returncode == 2
    lines = {line.split(": ", 1)[0].rsplit(":", 2)[1] for line in refused.stderr.splitlines()}
    text = broken.read_text(encoding="utf-8").splitlines()
    assert lines == {str(text.index("    type: ja_nein") + 1), str(next(
        n + 1 for n, line in enumerate(text) if "sampling_percent" in line))}  # fmt: skip
    fields_ok = broken.read_text(encoding="utf-8").replace("ja_nein", "yes_no").replace("150", "100 ")
    broken.write_text(fields_ok, encoding="utf-8")
    unknown_unit = system.cli("surveys", "validate", str(broken))
    assert unknown_unit.returncode == 2
    assert unknown_unit.stderr.strip() == f"{broken}:3: org_unit: unknown org unit 'gibtsnicht'"
    assert "zweite-umfrage" not in system.cli("surveys", "list").stdout
    paused = system.cli("surveys", "status", "buergeramt-terminvergabe", "paused")
    assert paused.returncode == 0 and "paused" in system.cli("surveys", "list").stdout
