"""Erasure of a citizen's text everywhere (crypto-shredding), on the real broker and PostgreSQL: the text never
travels readable, the deletion code erases it from the read models and makes every copy on the topics and in the
archives unreadable, the figures stay exact, and a replay brings nothing back."""

from __future__ import annotations

import asyncio
import re
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import asyncpg
import httpx
import pytest

from services.analytics.replay import replay, scan
from shared.contracts.topics import SURVEY_RESPONSES, TOPICS
from shared.db import create_pool
from shared.kafka import start_producer
from shared.retention import preview
from stadtstimme import retention
from tests.integration.system import System
from tests.integration.test_console import add_staff, sign_in
from tests.integration.test_surveys import STAFF, definition, until_served, wait_parts
from tests.integration.test_surveys import part as survey_part

SPERRMUELL = "https://abfall.musterstadt.de/sperrmuell"
ERASED_TEXT = "Frau Schneider vom Wertstoffhof war sehr hilfsbereit, danke an lena.schneider@example.org"
KEPT_TEXT = "Die Sperrmuellabholung kam puenktlich"  # no personal data: stays


def part(**fields: Any) -> dict[str, Any]:
    return {"event_id": str(uuid.uuid4()), "site": "abfall", "page_url": SPERRMUELL, **fields}


async def rows(system: System, query: str) -> list[asyncpg.Record]:
    conn = await asyncpg.connect(system.settings.database_url)
    try:
        return list(await conn.fetch(query))
    finally:
        await conn.close()


async def until(check: Any, timeout: float = 60) -> None:
    deadline = asyncio.get_running_loop().time() + timeout
    while not await check():
        assert asyncio.get_running_loop().time() < deadline, "timed out"
        await asyncio.sleep(0.2)


async def everything_stored(system: System) -> str:
    """Every record of every topic (raw bytes) and every archive and read-model table, as one text to search."""
    found = []
    for topic in TOPICS:
        found += [value.decode(errors="replace") async for value in scan(system.settings, which=topic)]
    tables = ("feedback_event", "feedback_response", "comment_item", "erasure_event", "data_key", "data_key_erased",
              "survey_answer", "survey_response_event", "comment_triage_event", "audit_log")  # fmt: skip
    for table in tables:
        found += [str(dict(r)) for r in await rows(system, f"SELECT * FROM {table}")]
    return "\n".join(found)


async def figures(system: System) -> list[tuple[Any, ...]]:
    query = ("SELECT page_url, responses, helpful_yes, helpful_no, rating_sum, rating_count FROM page_satisfaction "
             "ORDER BY page_url, bucket_start")  # fmt: skip
    return [tuple(r) for r in await rows(system, query)]


async def test_a_deletion_code_erases_the_text_everywhere_and_the_figures_stay(system: System) -> None:
    erased_id, kept_id = str(uuid.uuid4()), str(uuid.uuid4())
    async with httpx.AsyncClient(base_url=system.base_url, timeout=30) as client:
        # Two responses in two parts each: the one-click answer, then the text (the widget's follow-up).
        for response, rating, text in ((erased_id, 5, ERASED_TEXT), (kept_id, 4, KEPT_TEXT)):
            first = await client.post("/api/v1/feedback", json=part(event_id=response, helpful=True, rating=rating))
            assert first.status_code == 202 and "deletion_code" not in first.json()  # no text: no code
            follow = await client.post("/api/v1/feedback", json=part(response_id=response, comment=text))
            assert follow.status_code == 202
            if response == erased_id:
                code = follow.json()["deletion_code"]
        await system.wait_projected(4)
        assert {r["comment"] for r in await rows(system, "SELECT comment FROM comment_item")} == {
            "Frau [Name entfernt] vom Wertstoffhof war sehr hilfsbereit, danke an [E-Mail entfernt]",
            KEPT_TEXT,
        }
        before = await figures(system)
        on_topic = [value async for value in scan(system.settings)]
        assert len(on_topic) == 4 and not any(b"Wertstoffhof" in v for v in on_topic)  # sealed on the topic

        # The page without JavaScript: a wrong code and the right one get the very same answer.
        page = await client.get("/feedback/loeschen")
        assert page.status_code == 200 and 'name="code"' in page.text and "Löschcode" in page.text
        answers = [await client.post("/feedback/loeschen", data={"code": typed})
                   for typed in ("ZZZZZ-ZZZZZ", code.lower().replace("-", " "))]  # fmt: skip
        assert [a.status_code for a in answers] == [200, 200]
        wrong, right = (re.sub(r'nonce="[^"]+"', "", a.text) for a in answers)
        assert wrong == right  # nothing tells a code that belongs to a text from one that does not
        assert "ist dieser Text jetzt gelöscht" in answers[1].text
        again = await client.post(
            "/api/v1/feedback/erasure", json={"code": code}
        )  # once more: nothing left, same answer
        assert again.status_code == 200 and "jetzt gelöscht" in again.json()["message"]

    async def gone() -> bool:
        return not await rows(system, f"SELECT 1 FROM comment_item WHERE response_id = '{erased_id}'")

    await until(gone)
    assert [r["comment"] for r in await rows(system, "SELECT comment FROM comment_item")] == [KEPT_TEXT]
    assert await figures(system) == before  # the erased response still counts, with its rating
    stored = await everything_stored(system)
    for fragment in ("Schneider", "Wertstoffhof", "hilfsbereit", "lena.schneider"):
        assert fragment not in stored, fragment
    assert KEPT_TEXT in stored  # the other text is untouched (in its read model)
    tombstone = await rows(system, "SELECT reason FROM data_key_erased")
    assert [r["reason"] for r in tombstone] == ["citizen"]

    # A replay rebuilds every read model from the topics: the erased text does not come back, the figures are equal.
    system.stop("projector")
    pool = await create_pool(system.settings)
    try:
        await replay(system.settings, pool)
    finally:
        await pool.close()
    assert [r["comment"] for r in await rows(system, "SELECT comment FROM comment_item")] == [KEPT_TEXT]
    assert await figures(system) == before
    stored = await everything_stored(system)
    for fragment in ("Schneider", "Wertstoffhof", "hilfsbereit", "lena.schneider"):
        assert fragment not in stored, fragment


async def test_wrong_codes_are_limited_per_client(system: System) -> None:
    async with httpx.AsyncClient(base_url=system.base_url, timeout=30) as client:
        statuses = [(await client.post("/api/v1/feedback/erasure", json={"code": f"AAAAA-AAAA{c}"})).status_code
                    for c in "23456789ABCD"]  # fmt: skip
    assert statuses[:10] == [200] * 10 and statuses[10:] == [429, 429]


async def test_a_survey_text_answer_is_erased_and_still_counts(survey_system: System) -> None:
    """A free-text answer travels sealed; its code erases it: the results list no text, the question still counts
    the answer, and a replay agrees."""
    system = survey_system
    async with httpx.AsyncClient(base_url=system.base_url, headers=system.admin, timeout=30) as admin:
        published = await admin.put(STAFF, json={"definition": definition(), "status": "active"})
        assert published.status_code == 200, published.text
    secret = "Die Wartezeit am Schalter 7 war unertraeglich lang"  # no personal data: redaction keeps it whole
    response = str(uuid.uuid4())
    async with httpx.AsyncClient(base_url=system.base_url, timeout=30) as client:
        await until_served(client, True)
        rated = await client.post("/api/v1/survey-responses", json=survey_part(response, 1, {"zufrieden": 2}))
        assert rated.status_code == 202 and "deletion_code" not in rated.json()
        written = await client.post("/api/v1/survey-responses", json=survey_part(response, 1, {"anmerkung": secret}))
        assert written.status_code == 202, written.text
        code = written.json()["deletion_code"]
        await wait_parts(system, 2)
        on_topic = [value async for value in scan(system.settings, which=SURVEY_RESPONSES)]
        assert len(on_topic) == 2 and not any(b"unertraeglich" in v for v in on_topic)  # sealed on the topic
        before = (await client.get(f"{STAFF}/results", headers=system.admin)).json()
        assert [t["text"] for t in before["questions"][2]["texts"]] == [secret]
        assert (await client.post("/api/v1/feedback/erasure", json={"code": code})).status_code == 200

        async def erased() -> bool:
            return not (await client.get(f"{STAFF}/results", headers=system.admin)).json()["questions"][2]["texts"]

        await until(erased)
        after = (await client.get(f"{STAFF}/results", headers=system.admin)).json()
        assert after["questions"][2]["answers"] == before["questions"][2]["answers"] == 1  # still answered
        assert after["responses"] == before["responses"]
        assert "unertraeglich" not in await everything_stored(system)
        system.stop("projector")
        pool = await create_pool(system.settings)
        try:
            await replay(system.settings, pool)
        finally:
            await pool.close()
        replayed = (await client.get(f"{STAFF}/results", headers=system.admin)).json()
        assert replayed["questions"][2]["texts"] == [] and replayed["questions"][2]["answers"] == 1
        assert "unertraeglich" not in await everything_stored(system)


async def test_staff_remove_personal_data_from_their_units_comment(system: System) -> None:
    add_staff(system, "abfall-team", "unit_staff", "abfallwirtschaft")
    add_staff(system, "buergeramt-team", "unit_staff", "buergeramt")
    add_staff(system, "auswertung", "analyst")
    response = str(uuid.uuid4())
    async with httpx.AsyncClient(base_url=system.base_url, timeout=30) as client:
        sent = await client.post("/api/v1/feedback", json=part(event_id=response, rating=1, comment=ERASED_TEXT))
        assert sent.status_code == 202
    await system.wait_projected(1)
    origin = {"Origin": system.base_url}
    path = f"/console/inbox/{response}/personenbezug"
    clients = {name: await sign_in(system, name) for name in ("abfall-team", "buergeramt-team", "auswertung")}
    try:
        assert (await clients["buergeramt-team"].post(path, headers=origin)).status_code == 404  # not theirs
        assert (await clients["auswertung"].post(path, headers=origin)).status_code == 403  # analysts only read
        assert (await clients["abfall-team"].post(path, headers={"Origin": "https://evil.example"})).status_code == 403
        page = await clients["abfall-team"].get(f"/console/inbox/{response}")
        assert "Personenbezug entfernen" in page.text
        done = await clients["abfall-team"].post(path, headers=origin)
        assert done.status_code == 303 and done.headers["location"] == "/console/inbox?done=erased"

        async def gone() -> bool:
            return not await rows(system, f"SELECT 1 FROM comment_item WHERE response_id = '{response}'")

        await until(gone)
        assert "Der Text ist gelöscht" in (await clients["abfall-team"].get("/console/inbox?done=erased")).text
    finally:
        for c in clients.values():
            await c.aclose()
    assert [tuple(r) for r in await rows(system, "SELECT reason FROM data_key_erased")] == [("staff",)]
    audit = await rows(system, "SELECT actor, subject FROM audit_log WHERE action = 'comment_text_erased'")
    assert [tuple(r) for r in audit] == [("abfall-team", response)]
    assert [tuple(r) for r in await rows(system, "SELECT rating FROM feedback_response")] == [(1,)]  # still counts
    stored = await everything_stored(system)
    for fragment in ("Wertstoffhof", "hilfsbereit"):
        assert fragment not in stored, fragment


async def rebuild(system: System) -> None:
    """A replay of every read model from the topics, with the projector stopped, then running again."""
    system.stop("projector")
    pool = await create_pool(system.settings)
    try:
        await replay(system.settings, pool)
    finally:
        await pool.close()
    system.start_projector()


async def comment_of(system: System, response: str) -> list[str | None]:
    return [
        r["comment"] for r in await rows(system, f"SELECT comment FROM comment_item WHERE response_id = '{response}'")
    ]


async def test_staff_replace_a_comment_with_an_edited_version(system: System) -> None:
    """The edited version takes the text's place everywhere and survives a replay (the last of two edits); the
    original is unreadable on every topic and in every table; the citizen's code still erases the edited version;
    and a database backup restored with the key of before an edit brings the original back nowhere."""
    add_staff(system, "abfall-team", "unit_staff", "abfallwirtschaft")
    edited, codes = str(uuid.uuid4()), {}
    coded = str(uuid.uuid4())
    async with httpx.AsyncClient(base_url=system.base_url, timeout=30) as client:
        for response in (edited, coded):
            sent = await client.post("/api/v1/feedback", json=part(event_id=response, rating=2, comment=ERASED_TEXT))
            assert sent.status_code == 202
            codes[response] = sent.json()["deletion_code"]
    await system.wait_projected(2)
    before = await figures(system)
    origin = {"Origin": system.base_url}
    staff = await sign_in(system, "abfall-team")
    try:
        page = await staff.get(f"/console/inbox/{edited}")
        assert 'name="mode" value="replace"' in page.text and "Wertstoffhof</textarea>" not in page.text
        assert "vom Wertstoffhof war sehr hilfsbereit" in page.text  # the text to edit, in its field
        path = f"/console/inbox/{edited}/personenbezug"
        empty = await staff.post(path, data={"mode": "replace", "comment": "  "}, headers=origin)
        assert empty.status_code == 422 and "Die bearbeitete Fassung ist leer." in empty.text
        for version in ("Eine Mitarbeiterin am Recyclingplatz war freundlich.",
                        "Eine Mitarbeiterin am Recyclingplatz war sehr freundlich, Tel. 0171 2345678"):  # fmt: skip
            done = await staff.post(path, data={"mode": "replace", "comment": version}, headers=origin)
            assert done.status_code == 303 and done.headers["location"] == f"/console/inbox/{edited}?done=replaced"
        last = "Eine Mitarbeiterin am Recyclingplatz war sehr freundlich, Tel. [Telefonnummer entfernt]"

        async def replaced() -> bool:
            return await comment_of(system, edited) == [last]

        await until(replaced)  # redacted like a citizen's text: the phone number staff overlooked is gone
        shown = await staff.get(f"/console/inbox/{edited}?done=replaced")
        assert "Die bearbeitete Fassung ersetzt den Text" in shown.text and "Recyclingplatz" in shown.text
        thanks = {"mode": "replace", "comment": "Danke an das Team."}
        replaced_too = await staff.post(f"/console/inbox/{coded}/personenbezug", data=thanks, headers=origin)
        assert replaced_too.status_code == 303
    finally:
        await staff.aclose()
    audit = await rows(system, "SELECT subject FROM audit_log WHERE action = 'comment_text_replaced'")
    assert sorted(r["subject"] for r in audit) == sorted([edited, edited, coded])

    async def originals_gone() -> bool:
        return "Wertstoffhof" not in await everything_stored(system)

    await until(originals_gone)
    assert await figures(system) == before

    # The citizen's code erases the edited version too: it is still their response's text.
    async with httpx.AsyncClient(base_url=system.base_url, timeout=30) as client:
        erased = await client.post("/api/v1/feedback/erasure", json={"code": codes[coded]})
        assert erased.status_code == 200

    async def code_erased() -> bool:
        return await comment_of(system, coded) == []

    await until(code_erased)
    await rebuild(system)
    assert await comment_of(system, edited) == [last] and await comment_of(system, coded) == []
    stored = await everything_stored(system)
    assert "Wertstoffhof" not in stored and "Danke an das Team" not in stored
    assert await figures(system) == before

    # A database backup from before the edits restores the key of its time (here: some older key, generation 1).
    # The edits' events come again with the replay and find a key older than theirs: the key goes, and with it
    # the text; the original stays unreadable, the figures stay.
    conn = await asyncpg.connect(system.settings.database_url)
    try:
        await conn.execute("UPDATE data_key SET secret = $2, generation = 1 WHERE key_id = $1",
                           uuid.UUID(edited), b"\x07" * 32)  # fmt: skip
    finally:
        await conn.close()
    await rebuild(system)
    assert await comment_of(system, edited) == []
    assert not await rows(system, f"SELECT 1 FROM data_key WHERE key_id = '{edited}'")
    assert await figures(system) == before


async def test_the_retention_job_erases_what_ran_out_and_nothing_else(system: System) -> None:
    """With its clock moved past the free-text period, the job erases every text (keys, read models: nothing on
    any topic or in any table), keeps every figure, records its counts, and finds nothing more when run again."""
    add_staff(system, "dpo", "administrator")
    async with httpx.AsyncClient(base_url=system.base_url, timeout=30) as client:
        for text in (ERASED_TEXT, KEPT_TEXT):
            sent = await client.post("/api/v1/feedback", json=part(rating=3, comment=text))
            assert sent.status_code == 202
    await system.wait_projected(2)
    before = await figures(system)
    pool = await create_pool(system.settings)
    producer = await start_producer(system.settings)
    # The audit log's own period is checked on its own below; here it outlasts the moved clock.
    settings = system.settings.model_copy(update={"retention_audit_days": 3650})
    try:
        now = datetime.now(UTC)
        assert (await retention.run(settings, pool, producer, now, dry_run=True))["free_text"] == 0
        later = now + timedelta(days=settings.retention_free_text_days + 1)
        due = await retention.run(settings, pool, producer, later, dry_run=True)
        assert due["free_text"] == 2 and due["audit_log"] == 0
        async with pool.acquire() as conn:
            shown = {d.rule.kind: d for d in await preview(conn, settings, now)}
        assert shown["free_text"].due_now == 0 and shown["free_text"].next_at is not None
        assert shown["free_text"].next_at > now + timedelta(days=settings.retention_free_text_days - 1)
        assert (await retention.run(settings, pool, producer, later))["free_text"] == 2
        assert not any((await retention.run(settings, pool, producer, later)).values())  # idempotent

        # The audit log: nothing may delete from it but the job, and the job only what ran out.
        async with pool.acquire() as conn:
            with pytest.raises(asyncpg.RaiseError, match="append-only"):
                await conn.execute("DELETE FROM audit_log")
            entries = await conn.fetchval("SELECT count(*) FROM audit_log")
        expired = await retention.run(system.settings, pool, producer, now + timedelta(days=731))
        assert expired["audit_log"] == entries
    finally:
        await producer.stop()
        await pool.close()

    async def erased() -> bool:
        return not await rows(system, "SELECT 1 FROM comment_item")

    await until(erased)
    assert await figures(system) == before
    assert {r["reason"] for r in await rows(system, "SELECT reason FROM data_key_erased")} == {"retention"}
    runs = await rows(system, "SELECT actor, detail FROM audit_log WHERE action = 'retention_run'")
    assert [r["actor"] for r in runs] == ["retention"] and f'"audit_log": {entries}' in runs[0]["detail"]
    stored = await everything_stored(system)
    for fragment in ("Wertstoffhof", "hilfsbereit", "Sperrmuellabholung"):
        assert fragment not in stored, fragment

    # Administrators see what will be erased when; nobody else does.
    add_staff(system, "abfall-dpo", "unit_staff", "abfallwirtschaft")
    dpo, staff = await sign_in(system, "dpo"), await sign_in(system, "abfall-dpo")
    try:
        page = await dpo.get("/console/datenschutz")
        assert page.status_code == 200 and "Aufbewahrung und Löschung" in page.text
        assert "730 Tage" in page.text and "48 Stunden" in page.text and 'href="/console/datenschutz"' in page.text
        assert (await staff.get("/console/datenschutz")).status_code == 403
        assert 'href="/console/datenschutz"' not in (await staff.get("/console/inbox")).text
    finally:
        await dpo.aclose()
        await staff.aclose()


async def test_the_lifecycle_end_to_end_leaves_no_text_and_exact_figures(system: System) -> None:
    """The issue's proof in one run: feedback with names, e-mail addresses and a street address; one response
    erased by its code, one by staff, the rest by the retention job with a moved clock; then every topic (raw
    bytes), every archive and every read model holds none of the original words, before and after a replay, and
    the figures equal the ones computed here by hand."""
    add_staff(system, "abfall-team", "unit_staff", "abfallwirtschaft")
    sent = (  # (helpful, rating, comment): words that carry the person and words around them
        (True, 5, "Herr Jonas Brettschneider war super, Rueckfragen an jonas.b@example.org, Lindenweg 12"),
        (None, 2, "Ich bin Marta Quellwasser und warte seit Wochen auf die Abholung"),
        (False, 4, "Bitte die Tonne vor Ahornallee 7 in 12345 Musterstadt leeren, Grubenwagen-Ecke"),
        (None, 3, "Der Kalender ist gut lesbar, Kompostsaison"),
    )
    words = ("Brettschneider", "jonas.b", "Lindenweg", "Quellwasser", "Ahornallee", "Grubenwagen", "Kompostsaison",
             "Abholung", "Rueckfragen")  # fmt: skip
    ids = [str(uuid.uuid4()) for _ in sent]
    codes = []
    async with httpx.AsyncClient(base_url=system.base_url, timeout=30) as client:
        for response, (helpful, rating, comment) in zip(ids, sent, strict=True):
            body = part(event_id=response, rating=rating, comment=comment)
            if helpful is not None:
                body["helpful"] = helpful
            answer = await client.post("/api/v1/feedback", json=body)
            assert answer.status_code == 202, answer.text
            codes.append(answer.json()["deletion_code"])
        await system.wait_projected(4)
        stored = await everything_stored(system)
        assert "Abholung" in stored and "Kompostsaison" in stored  # readable in the inbox until erased
        assert "Brettschneider" not in stored and "jonas.b" not in stored and "Lindenweg" not in stored  # redacted
        by_code = await client.post("/api/v1/feedback/erasure", json={"code": codes[0]})
        assert by_code.status_code == 200
    staff = await sign_in(system, "abfall-team")
    try:
        by_staff = await staff.post(f"/console/inbox/{ids[1]}/personenbezug", headers={"Origin": system.base_url})
        assert by_staff.status_code == 303
    finally:
        await staff.aclose()

    async def two_left() -> bool:
        return len(await rows(system, "SELECT 1 FROM comment_item")) == 2

    await until(two_left)
    pool = await create_pool(system.settings)
    producer = await start_producer(system.settings)
    try:
        later = datetime.now(UTC) + timedelta(days=system.settings.retention_free_text_days + 1)
        assert (await retention.run(system.settings, pool, producer, later))["free_text"] == 2
    finally:
        await producer.stop()
        await pool.close()

    async def none_left() -> bool:
        return not await rows(system, "SELECT 1 FROM comment_item")

    await until(none_left)
    # By hand: four responses, one helpful, one not, ratings 5 + 2 + 4 + 3.
    expected = [(SPERRMUELL, 4, 1, 1, 14, 4)]

    async def summed() -> list[tuple[Any, ...]]:
        query = ("SELECT page_url, sum(responses), sum(helpful_yes), sum(helpful_no), sum(rating_sum), "
                 "sum(rating_count) FROM page_satisfaction GROUP BY page_url")  # fmt: skip
        return [tuple(int(v) if i else v for i, v in enumerate(r)) for r in await rows(system, query)]

    for attempt in ("before the replay", "after the replay"):
        stored = await everything_stored(system)
        for word in words:
            assert word not in stored, (word, attempt)
        assert await summed() == expected, attempt
        reasons = sorted(r["reason"] for r in await rows(system, "SELECT reason FROM data_key_erased"))
        assert reasons == ["citizen", "retention", "retention", "staff"], attempt
        if attempt == "before the replay":
            await rebuild(system)
            await system.wait_projected(4)
