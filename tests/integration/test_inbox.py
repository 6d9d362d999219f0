"""The comment inbox over real HTTP on the real system: comments from the public API, German full-text search,
the triage workflow as events (status, assignment, tags, notes, spam verdicts), scoping per unit, read-only
analysts, CSRF, CSV export, and a replay that rebuilds the same inbox."""

from __future__ import annotations

import asyncio
import re
import time
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import asyncpg
import httpx

from services.analytics.replay import replay, scan
from shared.contracts.topics import COMMENT_TRIAGE
from shared.db import create_pool
from shared.kafka import start_producer
from stadtstimme import retention
from tests.integration.system import System, org_events
from tests.integration.test_console import add_staff, sign_in

SPERRMUELL = "https://abfall.musterstadt.de/sperrmuell"
FREIBAD = "https://www.baeder-musterstadt.de/freibad"


def feedback(page: str, site: str, **fields: Any) -> dict[str, Any]:
    return {"event_id": str(uuid.uuid4()), "site": site, "page_url": page, "elapsed_ms": 20_000, **fields}


async def until(conn: asyncpg.Connection, query: str, expected: int, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while (found := await conn.fetchval(query)) < expected:
        assert time.monotonic() < deadline, f"{query}: {found} of {expected} after {timeout} s"
        await asyncio.sleep(0.2)


def ids(page: str) -> list[str]:
    """Comment ids linked from an inbox page, in order."""
    return re.findall(r'href="/console/inbox/([0-9a-f-]{36})"', page)


async def post(client: httpx.AsyncClient, system: System, path: str, **form: str) -> httpx.Response:
    return await client.post(path, data=form, headers={"Origin": system.base_url})


async def test_triage_workflow_scoping_search_export_and_replay(system: System) -> None:
    termin, spam, bad, other = (str(uuid.uuid4()) for _ in range(4))
    async with httpx.AsyncClient(base_url=system.base_url, timeout=30) as client:
        for body in (
            # One response in two parts: the one-click rating, then the comment (the widget's follow-up).
            feedback(SPERRMUELL, "abfall", event_id=termin, rating=2),
            feedback(SPERRMUELL, "abfall", response_id=termin, category="service",
                     comment="Die Termine für die Sperrmüllabholung waren online nicht buchbar."),
            feedback(SPERRMUELL, "abfall", event_id=spam, comment="Billige Uhren hier", website="http://spam.example"),
            feedback(SPERRMUELL, "abfall", event_id=bad, comment='=HYPERLINK("http://evil.example","Klick")'),
            feedback(FREIBAD, "baeder", event_id=other, rating=5, comment="Termin im Freibad war super."),
        ):  # fmt: skip
            answer = await client.post("/api/v1/feedback", json=body)
            assert answer.status_code == 202, answer.text
    conn = await asyncpg.connect(system.settings.database_url)
    clients: list[httpx.AsyncClient] = []
    try:
        await until(conn, "SELECT count(*) FROM comment_item", 4)
        for name, role, units in (("anna", "unit_staff", ("abfallwirtschaft",)), ("bernd", "unit_staff",
                                  ("abfallwirtschaft",)), ("carla", "unit_staff", ("baeder",)),
                                  ("pr-team", "analyst", ())):  # fmt: skip
            add_staff(system, name, role, *units)
        anna, carla, analyst = [await sign_in(system, n) for n in ("anna", "carla", "pr-team")]
        clients += [anna, carla, analyst]

        # Scoping: Anna sees her unit's comments, suspected spam apart; Carla sees only the Freibad.
        inbox = await anna.get("/console/inbox")
        assert inbox.status_code == 200
        assert set(ids(inbox.text)) == {termin, bad}
        assert "Eingang (2 offen)" in inbox.text and "Verdacht auf Spam (1)" in inbox.text
        assert ids((await anna.get("/console/inbox", params={"view": "suspected"})).text) == [spam]
        assert ids((await carla.get("/console/inbox")).text) == [other]
        assert (await carla.get(f"/console/inbox/{termin}")).status_code == 404
        assert (await post(carla, system, f"/console/inbox/{termin}/status", status="erledigt")).status_code == 404
        assert (await anna.get(f"/console/inbox/{uuid.uuid4()}")).status_code == 404
        assert (await anna.get("/console/inbox/not-a-uuid")).status_code == 404

        # German full-text search: "Termin" finds "Termine" (stemming), never another unit's comment.
        assert ids((await anna.get("/console/inbox", params={"q": "Termin"})).text) == [termin]
        assert ids((await anna.get("/console/inbox", params={"q": "Freibad"})).text) == []
        assert set(ids((await analyst.get("/console/inbox", params={"q": "Termin"})).text)) == {termin, other}
        assert ids((await anna.get("/console/inbox", params={"category": "service"})).text) == [termin]
        refused = await anna.get("/console/inbox", params={"from": "2026-02-30"})
        assert refused.status_code == 422 and "kein gültiger Tag" in refused.text

        # The workflow: every step is an event; the page shows state, notes and history.
        steps = (("status", {"status": "in_bearbeitung"}), ("assign", {"assignee": "bernd"}),
                 ("tags", {"tags": "Sperrmüll, Online-Termin"}),
                 ("note", {"text": "Rückruf an buerger@example.org vereinbart."}))  # fmt: skip
        for action, form in steps:
            done = await post(anna, system, f"/console/inbox/{termin}/{action}", **form)
            assert done.status_code == 303 and done.headers["location"] == f"/console/inbox/{termin}?done={action}"
        page = (await anna.get(f"/console/inbox/{termin}?done=note")).text
        assert "Die Notiz wurde gespeichert." in page and "in Bearbeitung" in page
        assert "online-termin, sperrmüll" in page and "buerger@example.org" not in page
        assert page.count("<li>") >= 4 and "bernd zugewiesen" in page
        again = await post(anna, system, f"/console/inbox/{termin}/status", status="in_bearbeitung")
        assert again.status_code == 303  # no change, no event
        moved = await post(anna, system, f"/console/inbox/{termin}/status", status="erledigt")
        assert moved.status_code == 303
        wrong = await post(anna, system, f"/console/inbox/{termin}/status", status="spam")
        assert wrong.status_code == 409 and "nicht möglich" in wrong.text
        stranger = await post(anna, system, f"/console/inbox/{termin}/assign", assignee="carla")
        assert stranger.status_code == 422
        assert await conn.fetchval("SELECT count(*) FROM comment_triage_event WHERE response_id = $1",
                                   uuid.UUID(termin)) == 5  # fmt: skip
        assert ids((await anna.get("/console/inbox", params={"assignee": "-"})).text) == [bad]
        assert ids((await anna.get("/console/inbox", params={"status": "erledigt", "tag": "sperrmüll"})).text) == [
            termin
        ]

        # CSRF: no same-origin proof, no change. Analysts read but do not change.
        forged = await anna.post(f"/console/inbox/{bad}/status", data={"status": "spam"},
                                 headers={"Origin": "https://evil.example"})  # fmt: skip
        assert forged.status_code == 403
        assert (await analyst.get(f"/console/inbox/{termin}")).status_code == 200
        read_only = await post(analyst, system, f"/console/inbox/{bad}/status", status="spam")
        assert read_only.status_code == 403

        # Suspected spam: released into the inbox as new.
        released = await post(anna, system, f"/console/inbox/{spam}/review", verdict="released", next="suspected")
        assert released.status_code == 303 and released.headers["location"] == "/console/inbox?view=suspected"
        assert set(ids((await anna.get("/console/inbox")).text)) == {spam, bad}
        assert (await post(anna, system, f"/console/inbox/{bad}/review", verdict="confirmed")).status_code == 422

        # CSV: every matching comment, formula injection neutralised, German headers.
        export = await anna.get("/console/inbox.csv", params={"status": "alle"})
        assert export.status_code == 200 and export.text.startswith("\ufeffEingang;Organisationseinheit")
        assert "'=HYPERLINK" in export.text and "Freibad" not in export.text
        assert "online-termin, sperrmüll" in export.text
        audit = await conn.fetch("SELECT action FROM audit_log WHERE actor = 'anna'")
        assert {"view_comments", "view_comment", "comment_changed", "export"} <= {r["action"] for r in audit}

        # Theme suggestions: "Termin"/"Termine" in two comments of two units, for the analyst; scoped for Anna.
        themes = await analyst.get("/console/themes")
        assert themes.status_code == 200
        assert re.search(r">Termine?</a></th>\s*<td class=\"text\">Begriff</td>\s*<td>2</td>", themes.text)
        own = await anna.get("/console/themes", params={"unit": "baeder"})  # another unit: ignored, still scoped
        assert own.status_code == 200 and "Freibad" not in own.text and ">Termin" not in own.text

        # Handing over: Anna gives a comment of her unit to the Bäder, who are really responsible. It leaves her
        # sight (404, as another unit's comment), arrives in Carla's inbox as new and unassigned with its history;
        # a unit that does not exist is refused, and Carla cannot hand over what is not hers.
        assert (await post(carla, system, f"/console/inbox/{termin}/move", org_unit="baeder")).status_code == 404
        nowhere = await post(anna, system, f"/console/inbox/{bad}/move", org_unit="stadtwerke-x")
        assert nowhere.status_code == 422 and "Diese Stelle gibt es nicht." in nowhere.text
        handed = await post(anna, system, f"/console/inbox/{bad}/move", org_unit="baeder")
        assert handed.status_code == 303 and handed.headers["location"] == "/console/inbox?done=moved"
        assert "an die zuständige Stelle weitergegeben" in (await anna.get("/console/inbox?done=moved")).text
        assert (await anna.get(f"/console/inbox/{bad}")).status_code == 404
        assert bad not in ids((await anna.get("/console/inbox", params={"status": "alle"})).text)
        assert set(ids((await carla.get("/console/inbox")).text)) == {bad, other}
        theirs = (await carla.get(f"/console/inbox/{bad}")).text
        assert "von abfallwirtschaft an baeder weitergegeben" in theirs and "(weitergegeben)" in theirs
        assert "HYPERLINK" in (await carla.get("/console/units/baeder")).text  # the unit page's latest comments
        assert "HYPERLINK" not in (await anna.get("/console/units/abfallwirtschaft")).text
        assert "HYPERLINK" in (await carla.get("/console/inbox.csv")).text
        assert "HYPERLINK" not in (await anna.get("/console/inbox.csv", params={"status": "alle"})).text
        handover = await conn.fetchrow(
            "SELECT org_unit_id, status, assignee FROM comment_triage WHERE response_id = $1", uuid.UUID(bad)
        )
        assert tuple(handover) == ("baeder", "neu", None)
        assert await conn.fetchval("SELECT detail ->> 'to' FROM audit_log WHERE actor = 'anna' "
                                   "AND action = 'comment_changed' AND subject = $1", bad) == "baeder"  # fmt: skip

        # Replay: the triage topic (and the feedback topic) rebuild the same inbox.
        await until(conn, "SELECT coalesce(sum(next_offset), 0) FROM consumer_offset "
                    "WHERE consumer = 'analytics.triage-projector'", 7)  # fmt: skip
        before = await conn.fetch("SELECT * FROM comment_triage ORDER BY response_id")
        notes = await conn.fetch("SELECT * FROM comment_note ORDER BY note_id")
        items = await conn.fetch("SELECT * FROM comment_item ORDER BY response_id")
    finally:
        for c in clients:
            await c.aclose()
        await conn.close()
    system.stop("projector")
    pool = await create_pool(system.settings)
    producer = await start_producer(system.settings)
    try:
        org = await org_events(system.settings)
        assert await replay(system.settings, pool) == 5 + 7 + org  # feedback parts, triage and org events
        async with pool.acquire() as conn:
            assert await conn.fetch("SELECT * FROM comment_triage ORDER BY response_id") == before
            assert await conn.fetch("SELECT * FROM comment_note ORDER BY note_id") == notes
            assert await conn.fetch("SELECT * FROM comment_item ORDER BY response_id") == items
        # The note travels sealed; when its retention period ran out, its key goes with it, and no replay brings
        # it back.
        triage_topic = [v async for v in scan(system.settings, which=COMMENT_TRIAGE)]
        assert len(triage_topic) == 7 and not any("Rückruf".encode() in v for v in triage_topic)
        later = datetime.now(UTC) + timedelta(days=system.settings.retention_triage_notes_days + 1)
        expired = await retention.run(system.settings, pool, producer, later)
        assert (expired["triage_notes"], expired["free_text"]) == (1, 4)  # the comments' texts ran out too
        assert await replay(system.settings, pool) == 5 + 7 + 4 + org  # and the four erasure events
        async with pool.acquire() as conn:
            assert await conn.fetchval("SELECT count(*) FROM comment_note") == 0
            assert await conn.fetchval("SELECT count(*) FROM data_key WHERE kind = 'note'") == 0
            assert await conn.fetchval("SELECT count(*) FROM comment_triage_event") == 7  # the history stays
    finally:
        await producer.stop()
        await pool.close()
