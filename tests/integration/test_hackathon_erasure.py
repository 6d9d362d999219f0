"""A hackathon participant erases their data (issue 16), on the real broker and PostgreSQL: their name, their
address, the name of the team they founded and the texts of the submission they wrote alone are nowhere any more
(the topics' raw bytes, every table), neither after a replay; the published ranking keeps the submission's place,
score, votes and prize without its texts; the other team keeps everything. No plain SHA-256 of the address is
stored anywhere. Events of v1 (plain text, before sealing) are scrubbed from the archive and stay erased on replay.
The migration rehashes the stored addresses with the installation's key; expired registrations are purged."""

from __future__ import annotations

import base64
import hashlib
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import asyncpg
import httpx

from services.analytics.replay import replay, scan
from services.hackathon import domain, service, store
from services.hackathon.decisions import erase_ended, simple
from shared.contracts.hackathon import SubmissionSavedV1, TeamCreatedV1
from shared.contracts.topics import HACKATHON, TOPICS
from shared.db import create_pool, migrate, migrations
from shared.kafka import start_producer
from tests.integration.system import System
from tests.integration.test_console import add_staff, sign_in
from tests.integration.test_hackathon import challenge, register_by_mail
from tests.unit.test_hackathon_mail import Inbox

HACKATHON_ID = "erasure-hackt-2026"
API = f"/api/v1/hackathons/{HACKATHON_ID}"
NAME = "Annegret Vogelsang"
TYPED = "Annegret.Vogelsang+hack@Example.org"  # the address as she types it
TEAM = "Nachtfalter Kollektiv"
TITLE = "Laternenwächter"
THEIRS = ("Bruno Kessler", "bruno@example.org", "Parkpiloten", "Park-Radar")
CRITERIA = {"nutzen": 8, "umsetzbarkeit": 6}


def her_traces(typed: str = TYPED, name: str = NAME, team: str = TEAM, title: str = TITLE) -> list[str]:
    """Every string that would give her away."""
    return [*name.split(), typed, typed.lower(), domain.canonical_email(typed), team, title, "avogelsang",
            "Straßenlaternen"]  # fmt: skip


async def table_rows(conn: asyncpg.Connection) -> dict[str, list[dict[str, Any]]]:
    """Every row of every table of the database."""
    tables = await conn.fetch("SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename")
    return {t["tablename"]: [dict(r) for r in await conn.fetch(f'SELECT * FROM "{t["tablename"]}"')] for t in tables}


async def everything(system: System) -> str:
    """Every record of every topic (raw bytes) and every row of every table, as one text to search."""
    found = []
    for topic in TOPICS:
        found += [value.decode(errors="replace") async for value in scan(system.settings, which=topic)]
    conn = await asyncpg.connect(system.settings.database_url)
    try:
        found += [str(row) for rows in (await table_rows(conn)).values() for row in rows]
    finally:
        await conn.close()
    return "\n".join(found)


async def no_plain_hash_of(system: System, typed: str) -> None:
    """No SHA-256 of any spelling of the address, as bytes, hex or base64, in any column of any table."""
    spellings = {typed, typed.lower(), domain.canonical_email(typed), typed.strip().lower().replace("+hack", "")}
    digests = [hashlib.sha256(s.encode()).digest() for s in spellings]
    shown = [d.hex() for d in digests] + [base64.b64encode(d).decode().rstrip("=") for d in digests]
    shown += [base64.urlsafe_b64encode(d).decode().rstrip("=") for d in digests]
    conn = await asyncpg.connect(system.settings.database_url)
    try:
        for table, rows in (await table_rows(conn)).items():
            for row in rows:
                for column, value in row.items():
                    if isinstance(value, bytes | bytearray | memoryview):
                        assert not any(d in bytes(value) for d in digests), (table, column)
                    else:
                        assert not any(s in str(value) for s in shown), (table, column)
    finally:
        await conn.close()


async def run_hackathon(system: System, c: httpx.AsyncClient) -> None:
    """A hackathon open for registration, with one challenge and the community vote."""
    admin = system.admin
    created = {"id": HACKATHON_ID, "year": 2026, "title": "Erasure hackt 2026", "description": "Eine Challenge.",
               "criteria": [{"id": "nutzen", "name": "Nutzen", "weight": 60},
                            {"id": "umsetzbarkeit", "name": "Umsetzbarkeit", "weight": 40}],
               "max_team_size": 3, "community_vote": True}  # fmt: skip
    assert (await c.post("/api/v1/hackathons", json=created, headers=admin)).status_code == 201
    await phase(c, system, "challenges_sammeln")
    kalender = challenge("abfallwirtschaft", "Abfallkalender für alle")
    assert (await c.put(f"{API}/challenges/abfallkalender", json=kalender, headers=admin)).status_code == 200
    await phase(c, system, "anmeldung_offen")


async def phase(c: httpx.AsyncClient, system: System, to: str) -> None:
    answer = await c.post(f"{API}/phase", json={"phase": to}, headers=system.admin)
    assert answer.status_code == 200, answer.text


async def test_an_erased_participant_is_nowhere_and_the_results_stand(mailing: tuple[System, Inbox]) -> None:
    system, inbox = mailing
    add_staff(system, "jurorin", "unit_staff", "abfallwirtschaft")
    async with httpx.AsyncClient(base_url=system.base_url, timeout=30) as c:
        await run_hackathon(system, c)
        her = {"Authorization": f"Participant {await register_by_mail(c, inbox, API, NAME, TYPED)}"}
        him = {"Authorization": f"Participant {await register_by_mail(c, inbox, API, *THEIRS[:2])}"}
        voter = {"Authorization": f"Participant {await register_by_mail(c, inbox, API, 'Vera', 'vera@example.org')}"}
        for who, name in ((her, TEAM), (him, THEIRS[2])):
            founded = await c.post(f"{API}/teams", json={"name": name, "publish_name": True}, headers=who)
            assert founded.status_code == 201, founded.text
        await phase(c, system, "hackathon_laeuft")
        mine = {
            "title": TITLE,
            "summary": "Meldet defekte Straßenlaternen.",
            "licence": "EUPL-1.2",
            "description": f"Von {NAME}, Kontakt {TYPED}.",
            "repository_url": "https://codeberg.org/avogelsang/l",
        }
        theirs = {"title": THEIRS[3], "summary": "Freie Parkplätze.", "description": "Sensoren.", "licence": "MIT"}
        ours = (await c.put(f"{API}/submissions/abfallkalender", json=mine, headers=her)).json()["submission_id"]
        other = (await c.put(f"{API}/submissions/abfallkalender", json=theirs, headers=him)).json()["submission_id"]
        # Sealed on the way: nothing she typed is readable on the topic, even before she erases it.
        on_topic = b" ".join([v async for v in scan(system.settings, which=HACKATHON)])
        assert b"Nachtfalter" not in on_topic and b"Laternen" not in on_topic and b"Parkpiloten" not in on_topic

        await phase(c, system, "einreichung_geschlossen")
        for who, target in ((voter, ours), (him, ours), (her, other)):
            assert (await c.post(f"{API}/votes", json={"submission_id": target}, headers=who)).status_code == 200
        assert (await c.post(f"{API}/jurors", json={"juror": "jurorin"}, headers=system.admin)).status_code == 201
        await phase(c, system, "jurierung")
        juror = await sign_in(system, "jurorin")
        for submission, scores in ((ours, CRITERIA), (other, {"nutzen": 5, "umsetzbarkeit": 5})):
            scored = await juror.put(f"{API}/scorecards/{submission}", json={"scores": scores},
                                     headers={"Origin": system.base_url})  # fmt: skip
            assert scored.status_code == 200, scored.text
        await juror.aclose()
        award = {"submission_id": ours, "amount_cents": 150_000, "title": "1. Preis", "justification": "Hell."}
        assert (await c.post(f"{API}/awards", json=award, headers=system.admin)).status_code == 201
        await phase(c, system, "ergebnisse_veroeffentlicht")
        before = (await c.get(API)).json()["results"]["ranking"]
        assert [(e["title"], e["team"], e["votes"]) for e in before] == [(TITLE, TEAM, 2), (THEIRS[3], THEIRS[2], 1)]

        await no_plain_hash_of(system, TYPED)  # her mail note, his, Vera's: keyed hashes only
        await no_plain_hash_of(system, THEIRS[1])

        # She erases her data.
        assert (await c.delete(f"{API}/me", headers=her)).status_code == 200
        assert (await c.get(f"{API}/me", headers=her)).status_code == 401
        after = (await c.get(API)).json()["results"]["ranking"]
        page = (await c.get(f"/hackathons/{HACKATHON_ID}")).text
        jury = (await c.get(f"{API}/jury", headers=system.admin)).json()

    # The ranking keeps her submission's place, score, votes and prize, without its texts; his stays as it was.
    kept = ("rank", "tied", "score", "submission_id", "votes", "awards", "licence", "challenge_id")
    assert [{k: e[k] for k in kept} for e in after] == [{k: e[k] for k in kept} for e in before]
    assert after[0] | {"erased": True} == after[0] and (after[0]["title"], after[0]["summary"]) == (None, None)
    assert (after[0]["repository_url"], after[0]["team"]) == (None, "Team 1")
    assert after[1] == before[1] | {"erased": False}
    assert "(gelöscht)" in page and THEIRS[3] in page and "Team 1" in page
    assert {t["name"] for t in jury["teams"]} == {"Team 1", THEIRS[2]}

    stored = await everything(system)
    for trace in her_traces():
        assert trace not in stored, trace
    for trace in THEIRS:  # his data is untouched (his name and address in PostgreSQL, his texts sealed)
        assert trace in stored or trace in str(after), trace
    await no_plain_hash_of(system, TYPED)
    await no_plain_hash_of(system, THEIRS[1])

    # A replay rebuilds the same hackathon, without her.
    pool = await create_pool(system.settings)
    try:
        async with pool.acquire() as conn:
            erased = await store.state(conn, HACKATHON_ID)
            keys = await conn.fetch("SELECT kind, reason FROM data_key_erased ORDER BY kind")
        assert [tuple(k) for k in keys] == [("submission", "citizen"), ("team", "citizen")]
        # As if the database were restored from a backup made before her erasure: her keys are back.
        async with pool.acquire() as conn:
            restored = await conn.fetch("DELETE FROM data_key_erased RETURNING key_id, kind")
            await conn.executemany("INSERT INTO data_key (key_id, kind, secret) VALUES ($1, $2, $3)",
                                   [(r["key_id"], r["kind"], bytes(32)) for r in restored])  # fmt: skip
        system.stop("projector")
        await replay(system.settings, pool)
        async with pool.acquire() as conn:
            assert await store.state(conn, HACKATHON_ID) == erased
            ids = [r["key_id"] for r in restored]
            assert await conn.fetchval("SELECT count(*) FROM data_key WHERE key_id = ANY($1::uuid[])", ids) == 0
            assert await conn.fetchval("SELECT count(*) FROM data_key_erased WHERE key_id = ANY($1::uuid[])", ids) == 2
    finally:
        await pool.close()
    async with httpx.AsyncClient(base_url=system.base_url, timeout=30) as c:
        assert (await c.get(API)).json()["results"]["ranking"] == after
    stored = await everything(system)
    for trace in her_traces():
        assert trace not in stored, trace
    await no_plain_hash_of(system, TYPED)


async def test_texts_published_in_plain_before_sealing_are_scrubbed_and_stay_erased(
    mailing: tuple[System, Inbox],
) -> None:
    """A team and a submission published as v1 (plain, by the version before): the erasure scrubs them from the
    archive, and a replay of the topic (which still holds the v1 bytes) does not bring them back."""
    system, inbox = mailing
    async with httpx.AsyncClient(base_url=system.base_url, timeout=30) as c:
        await run_hackathon(system, c)
        her = {"Authorization": f"Participant {await register_by_mail(c, inbox, API, NAME, TYPED)}"}
        me = (await c.get(f"{API}/me", headers=her)).json()
    pid, team, submission = uuid.UUID(me["participant_id"]), uuid.uuid4(), uuid.uuid4()
    pool = await create_pool(system.settings)
    producer = await start_producer(system.settings)
    try:
        created = {"team_id": team, "name": TEAM, "founder": pid, "publish_name": True}
        saved = {
            "submission_id": submission,
            "revision": 1,
            "team_id": team,
            "challenge_id": "abfallkalender",
            "title": TITLE,
            "summary": "Straßenlaternen.",
            "description": "Beschreibung.",
            "licence": "MIT",
        }
        actor = f"participant:{pid}"
        await service.command(
            pool, producer, system.settings, HACKATHON_ID, actor, simple(TeamCreatedV1, lambda _: created)
        )
        async with httpx.AsyncClient(base_url=system.base_url, timeout=30) as c:
            await phase(c, system, "hackathon_laeuft")
        await service.command(
            pool, producer, system.settings, HACKATHON_ID, actor, simple(SubmissionSavedV1, lambda _: saved)
        )
        async with pool.acquire() as conn:
            assert (await store.state(conn, HACKATHON_ID)).teams[team].name == TEAM  # v1 is read as before
        async with httpx.AsyncClient(base_url=system.base_url, timeout=30) as c:
            assert (await c.delete(f"{API}/me", headers=her)).status_code == 200
        async with pool.acquire() as conn:
            archive = " ".join(r["envelope"] for r in await conn.fetch("SELECT envelope FROM hackathon_event"))
            erased = await store.state(conn, HACKATHON_ID)
        assert TEAM not in archive and TITLE not in archive and "Straßenlaternen" not in archive
        assert erased.teams[team].name is None and erased.submissions[submission].erased
        on_topic = b" ".join([v async for v in scan(system.settings, which=HACKATHON)])
        assert TEAM.encode() in on_topic  # the broker's log keeps the v1 bytes: the limit README states

        system.stop("projector")
        await replay(system.settings, pool)
        async with pool.acquire() as conn:
            archive = " ".join(r["envelope"] for r in await conn.fetch("SELECT envelope FROM hackathon_event"))
            assert await store.state(conn, HACKATHON_ID) == erased
        assert TEAM not in archive and TITLE not in archive
    finally:
        await producer.stop()
        await pool.close()


async def test_a_year_after_the_end_the_retention_erases_every_participant(mailing: tuple[System, Inbox]) -> None:
    """``decisions.erase_ended``, as the retention job calls it with a moved clock: every participant of a hackathon
    that ended more than the period ago is erased with what they wrote; a hackathon still running is untouched; a
    second run finds nothing."""
    system, inbox = mailing
    async with httpx.AsyncClient(base_url=system.base_url, timeout=30) as c:
        await run_hackathon(system, c)
        her = {"Authorization": f"Participant {await register_by_mail(c, inbox, API, NAME, TYPED)}"}
        him = {"Authorization": f"Participant {await register_by_mail(c, inbox, API, *THEIRS[:2])}"}
        founded = await c.post(f"{API}/teams", json={"name": TEAM, "publish_name": True}, headers=her)
        joined = await c.post(f"{API}/teams/join", json={"code": founded.json()["code"]}, headers=him)
        assert joined.status_code == 200, joined.text
        await phase(c, system, "hackathon_laeuft")
        mine = {"title": TITLE, "summary": "Straßenlaternen.", "description": "Beschreibung.", "licence": "MIT"}
        assert (await c.put(f"{API}/submissions/abfallkalender", json=mine, headers=her)).status_code == 200
        pool = await create_pool(system.settings)
        producer = await start_producer(system.settings)
        try:
            year = timedelta(days=365)
            later = datetime.now(UTC) + timedelta(days=400)
            assert await erase_ended(pool, producer, system.settings, later, year) == {"participants": 0}  # running
            await phase(c, system, "einreichung_geschlossen")
            add_staff(system, "jurorin", "unit_staff", "abfallwirtschaft")
            assert (await c.post(f"{API}/jurors", json={"juror": "jurorin"}, headers=system.admin)).status_code == 201
            for to in ("jurierung", "ergebnisse_veroeffentlicht", "archiv"):
                await phase(c, system, to)
            assert await erase_ended(pool, producer, system.settings, datetime.now(UTC), year) == {"participants": 0}
            assert await erase_ended(pool, producer, system.settings, later, year) == {"participants": 2}
            assert await erase_ended(pool, producer, system.settings, later, year) == {"participants": 0}
            async with pool.acquire() as conn:
                state = await store.state(conn, HACKATHON_ID)
                assert await conn.fetchval("SELECT count(*) FROM hackathon_person") == 0
                reasons = {r["reason"] for r in await conn.fetch("SELECT reason FROM data_key_erased")}
            assert state.participants == set() and reasons == {"retention"}
            assert [t.shown_name() for t in state.teams.values()] == ["Team 1"]
            assert all(s.erased for s in state.submissions.values()) and len(state.submissions) == 1
        finally:
            await producer.stop()
            await pool.close()
    stored = await everything(system)
    for trace in [*her_traces(), *THEIRS[:2]]:
        assert trace not in stored, trace


async def test_the_migration_rehashes_addresses_with_the_installations_key(database_url: str) -> None:
    """Rows stored before 021 (the canonical address in plain, mail notes under a plain SHA-256) are found by the
    keyed hash afterwards; then expired registrations, links and notes are purged, once."""
    conn = await asyncpg.connect(database_url)
    try:
        await conn.execute("CREATE TABLE schema_migration (version integer PRIMARY KEY, name text NOT NULL, "
                           "applied_at timestamptz NOT NULL DEFAULT now())")  # fmt: skip
        for version, name, sql in migrations():
            if version <= 20:
                await conn.execute(sql)
                await conn.execute("INSERT INTO schema_migration (version, name) VALUES ($1, $2)", version, name)
        anna, gmail = uuid.uuid4(), uuid.uuid4()
        await conn.executemany(
            """INSERT INTO hackathon_person (participant_id, hackathon_id, name, email, email_canonical, token_sha256)
               VALUES ($1, 'h', $2, $3, $4, $5)""",
            [(anna, "Anna", "Anna+x@Example.org", "anna@example.org", b"a"),
             (gmail, "Jürgen", "j.u.e@gmail.com", "jue@gmail.com", b"b")],
        )  # fmt: skip
        await conn.execute(
            """INSERT INTO hackathon_pending_registration (token_sha256, hackathon_id, name, email, email_canonical,
                                                           consent_version, expires_at)
               VALUES ($1, 'h', 'Neu', 'neu@example.org', 'neu@example.org', '2026-1', now() + interval '1 day')""",
            b"p",
        )
        await conn.execute("INSERT INTO hackathon_mail_sent VALUES ('h', $1, now())",
                           hashlib.sha256(b"anna@example.org").digest())  # fmt: skip

        assert await migrate(conn) == [v for v, _, _ in migrations() if v > 20]
        secret = await store.email_secret(conn)
        assert len(secret) == 32
        found = await store.person_by_email(conn, "h", "ANNA@example.org")
        assert found is not None and found["participant_id"] == anna
        assert found["email_hmac"] == store.email_key(secret, "anna@example.org")  # the SQL HMAC is Python's
        assert (await store.person_by_email(conn, "h", "JUE@googlemail.com"))["participant_id"] == gmail  # type: ignore[index]
        assert await conn.fetchval("SELECT email_hmac FROM hackathon_pending_registration") == store.email_key(
            secret, "neu@example.org")  # fmt: skip
        assert await conn.fetchval("SELECT count(*) FROM hackathon_mail_sent") == 0
        columns = {r["column_name"] for r in await conn.fetch(
            "SELECT column_name FROM information_schema.columns WHERE table_name LIKE 'hackathon_%'")}  # fmt: skip
        assert "email_canonical" not in columns and "email_sha256" not in columns
        await conn.execute("INSERT INTO data_key (key_id, kind, secret) VALUES ($1, 'team', $2)", uuid.uuid4(),
                           bytes(32))  # fmt: skip

        # Expiry: registrations whose 48 hours ran out go, whatever else happens (the retention job's clock).
        await store.mail_due(conn, "h", "anna@example.org", store.MAIL_INTERVAL)
        await store.add_sign_in_link(conn, anna, timedelta(hours=48))
        assert await store.purge_expired(conn) == {"pending_registrations": 0, "sign_in_links": 0, "mail_notes": 0}
        later = datetime.now(UTC) + timedelta(hours=49)
        assert await store.purge_expired(conn, later) == {"pending_registrations": 1, "sign_in_links": 1,
                                                          "mail_notes": 1}  # fmt: skip
        assert await store.purge_expired(conn, later) == {"pending_registrations": 0, "sign_in_links": 0,
                                                          "mail_notes": 0}  # fmt: skip
        assert await conn.fetchval("SELECT count(*) FROM hackathon_pending_registration") == 0
    finally:
        await conn.close()
