"""A whole hackathon of the demo city over HTTP, Kafka and PostgreSQL: three challenges, twelve participants
registered by double opt-in (the links read from the mails an in-process SMTP server receives; the same answer for
a registered address, which gets a sign-in link that replaces the personal link once opened; wrong and expired
links refused; nothing on the topic before the confirmation; one mail per address every few minutes), six teams of
two, four jurors with one conflict, one
excluded and one incomplete scorecard, prizes up to the year's budget and one refused beyond it, the community
vote; the published ranking against a hand-computed table; the participants' data export and erasure; and a
replay of the topics that rebuilds the same hackathon."""

from __future__ import annotations

import contextlib
import re
import uuid
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import asyncpg
import httpx
import pytest

from services.analytics.replay import replay
from services.hackathon import store
from shared.db import create_pool
from shared.settings import Settings
from tests.integration.conftest import running
from tests.integration.system import System, org_events
from tests.integration.test_console import add_staff, sign_in
from tests.unit.test_hackathon_mail import Inbox, catching_mail, token_in
from tests.unit.test_hackathon_mail import body as mail_text

HACKATHON = "musterstadt-2026"
API = f"/api/v1/hackathons/{HACKATHON}"
SPERRMUELL = "https://abfall.musterstadt.de/sperrmuell"
TERMINE = "https://www.musterstadt.de/buergeramt/termine"
CRITERIA = ("nutzen", "umsetzbarkeit", "innovation", "praesentation")
TEAMS = ("Tonnentaucher", "Parkpiloten", "Zählerfüchse", "Terminretter", "Datenbrücke", "Stadtlabor")
CHALLENGE_OF = ("abfallkalender", "abfallkalender", "termine", "termine", "zaehlerstand", "zaehlerstand")
# Scores (Nutzen 40, Umsetzbarkeit 30, Innovation 20, Präsentation 10) per submission S1–S6 and juror J1–J4, and
# each scorecard's weighted value (40a + 30b + 20c + 10d) / 100. J2 may not score S3 (conflict with its team);
# J4's scorecard for S1 is excluded by staff; J4's for S6 is incomplete.
SCORES: dict[int, dict[str, tuple[int, ...]]] = {
    1: {"j1": (8, 8, 8, 8), "j2": (9, 7, 8, 6), "j3": (7, 7, 7, 7), "j4": (2, 2, 2, 2)},  # 8.0, 7.9, 7.0, (2.0)
    2: {"j1": (7, 8, 6, 9), "j2": (8, 8, 8, 8), "j3": (6, 7, 8, 9), "j4": (7, 7, 7, 7)},  # 7.3, 8.0, 7.0, 7.0
    3: {"j1": (9, 9, 9, 9), "j3": (8, 8, 8, 8), "j4": (7, 7, 7, 7)},  # 9.0, 8.0, 7.0
    4: {"j1": (6, 6, 6, 6), "j2": (7, 7, 7, 7), "j3": (5, 5, 5, 5), "j4": (6, 6, 6, 6)},  # 6.0, 7.0, 5.0, 6.0
    5: {"j1": (6, 7, 5, 4), "j2": (6, 6, 6, 6), "j3": (6, 5, 7, 8), "j4": (6, 6, 6, 6)},  # 5.9, 6.0, 6.1, 6.0
    6: {"j1": (3, 4, 5, 6), "j2": (4, 4, 4, 4), "j3": (5, 5, 5, 5), "j4": (5,)},  # 4.0, 4.0, 5.0, (incomplete)
}
# The published ranking, by hand: S3 24/3 = 8,00; S1 (8.0 + 7.9 + 7.0) / 3 = 7,633… → 7,63; S2 29.3 / 4 = 7,325
# → 7,33 (half away from zero); S4 24/4 = 6,00 and S5 24/4 = 6,00, tied for 4th; S6 13/3 = 4,333… → 4,33.
EXPECTED = [
    (1, False, "8,00", 3, "Zählerfüchse"),
    (2, False, "7,63", 1, "Tonnentaucher"),
    (3, False, "7,33", 2, "Parkpiloten"),
    (4, True, "6,00", 4, "Terminretter"),
    (4, True, "6,00", 5, None),  # Datenbrücke did not agree to publish its name
    (6, False, "4,33", 6, "Stadtlabor"),
]


@contextlib.asynccontextmanager
async def crowd_mailing(settings: Settings, tmp_path: Path) -> AsyncIterator[tuple[System, Inbox]]:
    """The running system with its mail caught (as conftest's ``mailing``), for many people registering from this one
    test client, as a school class behind one network address would: a per-client quota that fits them (the quota
    itself is tested in ``test_hackathon_attacks``)."""
    with catching_mail() as (inbox, smtp):
        async with running(settings, tmp_path / "logs", **smtp, hackathon_signups_per_client=100) as s:
            yield s, inbox


@pytest.fixture
async def mailing(settings: Settings, tmp_path: Path) -> AsyncIterator[tuple[System, Inbox]]:
    async with crowd_mailing(settings, tmp_path) as found:
        yield found


async def sql(system: System, query: str) -> Any:
    conn = await asyncpg.connect(system.settings.database_url)
    try:
        return await conn.fetchval(query)
    finally:
        await conn.close()


async def minutes_pass(system: System) -> None:
    """As if the few minutes between two mails to one address had passed."""
    await sql(system, "UPDATE hackathon_mail_sent SET sent_at = sent_at - interval '1 hour'")


async def register_by_mail(
    c: httpx.AsyncClient, inbox: Inbox, api: str, name: str, email: str, headers: dict[str, str] | None = None
) -> str:
    """Register over the API as a person does: the form, then the token from the mailed link; the personal
    token."""
    asked = await c.post(f"{api}/participants", json={"name": name, "email": email, "consent": True}, headers=headers)
    assert asked.status_code == 202, asked.text
    (mail,) = await inbox.wait(email)
    confirmed = await c.post(f"{api}/participants/confirm", json={"token": token_in(mail)})
    assert confirmed.status_code == 201, confirmed.text
    token: str = confirmed.json()["token"]
    return token


def challenge(unit: str, title: str, **extra: Any) -> dict[str, Any]:
    return {"org_unit": unit, "title": title, "problem": f"{title}: was Bürgerinnen und Bürger bemängeln.",
            "contact": f"Team Digitales, {unit}", "expected_outcome": "Ein offener Prototyp.", **extra}  # fmt: skip


async def test_a_whole_hackathon(mailing: tuple[System, Inbox]) -> None:
    system, inbox = mailing
    admin = {**system.admin}
    for name in ("abfall", "j1", "j2", "j3", "j4"):
        add_staff(system, name, "unit_staff", "abfallwirtschaft")
    add_staff(system, "bauamt", "unit_staff", "bauamt")
    async with httpx.AsyncClient(base_url=system.base_url, timeout=30) as c:

        async def ok(response: httpx.Response, status: int = 200) -> dict[str, Any]:
            assert response.status_code == status, response.text
            body: dict[str, Any] = response.json()
            return body

        async def refused(response: httpx.Response, status: int, reason: str) -> None:
            assert response.status_code == status, response.text
            assert response.headers["content-type"] == "application/problem+json"
            assert reason in response.json()["title"], response.json()

        async def phase(to: str) -> None:
            await ok(await c.post(f"{API}/phase", json={"phase": to}, headers=admin))

        created = {"id": HACKATHON, "year": 2026, "title": "Musterstadt hackt 2026",
                   "description": "Drei Challenges aus Verwaltung und Eigenbetrieben.",
                   "criteria": [{"id": i, "name": n, "weight": w} for i, n, w in
                                zip(CRITERIA, ("Nutzen für die Stadtgesellschaft", "Umsetzbarkeit", "Innovation",
                                               "Qualität der Präsentation"), (40, 30, 20, 10), strict=True)],
                   "max_team_size": 2, "community_vote": True}  # fmt: skip
        await refused(await c.post("/api/v1/hackathons", json=created, headers=system.auth), 403, "Berechtigung")
        await ok(await c.post("/api/v1/hackathons", json=created, headers=admin), 201)
        await refused(await c.post("/api/v1/hackathons", json=created, headers=admin), 409, "gibt es schon")
        await refused(await c.get(API), 404, "gibt es nicht")  # drafts are not public
        await phase("challenges_sammeln")

        # Challenges: the Abfallwirtschaft's staff post theirs, citing feedback on a page; not another unit's.
        abfall, bauamt = await sign_in(system, "abfall"), await sign_in(system, "bauamt")
        origin = {"Origin": system.base_url}
        cited = [{"page_url": SPERRMUELL, "note": "Viele Kommentare zur Terminbuchung"}]
        kalender = challenge("abfallwirtschaft", "Abfallkalender für alle", evidence=cited)
        await ok(await abfall.put(f"{API}/challenges/abfallkalender", json=kalender, headers=origin))
        assert (await bauamt.put(f"{API}/challenges/x", json=kalender, headers=origin)).status_code == 403
        assert (await abfall.put(f"{API}/challenges/abfallkalender", json=kalender)).status_code == 403  # no Origin
        # The Bürgeramt's challenge cites a theme of its comments: five citizens wrote about appointments.
        for rating in (1, 2, 2, 3, 2):
            comment = {"event_id": str(uuid.uuid4()), "site": "portal", "page_url": TERMINE, "rating": rating,
                       "comment": "Kein Termin frei, die Termine sind ausgebucht.", "elapsed_ms": 20_000}  # fmt: skip
            assert (await c.post("/api/v1/feedback", json=comment)).status_code == 202
        await system.wait_projected(5, timeout=30)
        termine = challenge("buergeramt", "Termine ohne Warten", evidence=[{"theme": "Termin"}])
        await ok(await c.put(f"{API}/challenges/termine", json=termine, headers=admin))
        both = {"theme": "Termin", "page_url": TERMINE}
        assert (
            await c.put(f"{API}/challenges/x", json={**termine, "evidence": [both]}, headers=admin)
        ).status_code == 422
        await ok(await c.put(f"{API}/challenges/zaehlerstand", json=challenge("stadtwerke", "Zählerstand melden"),
                             headers=admin))  # fmt: skip
        await abfall.aclose()
        await bauamt.aclose()
        await phase("anmeldung_offen")
        public = await ok(await c.get(API))
        assert public["phase_name"] == "Anmeldung offen" and len(public["challenges"]) == 3
        listing = await c.get("/hackathons")  # the public list of hackathons (HTML)
        assert (
            listing.status_code == 200 and "Musterstadt hackt 2026</a>: Anmeldung offen, 3 Challenges" in listing.text
        )
        assert public["challenges"][0]["evidence"][0]["page_url"] == SPERRMUELL
        # "Termine" and "Termin" are the same word to the German search; no helpful answers, mean (1+2+2+3+2)/5.
        theme = public["challenges"][1]["evidence"][0]
        assert theme["satisfaction"] == {"responses": 5, "helpful_share": None, "mean_rating": 2.0}

        # Registration, double opt-in: twelve people register; the answer names no token, and nothing is on the
        # topic until each confirms with the token from the link in their mail (again: the same participant).
        asked = []
        for n in range(12):
            person = {"name": f"Person {n}", "email": f"person{n}@example.org", "consent": True}
            asked.append(await ok(await c.post(f"{API}/participants", json=person), 202))
        assert asked[0] == asked[11] and "Bitte bestätigen Sie Ihre Anmeldung" in asked[0]["message"]
        assert "token" not in str(asked)
        assert (await ok(await c.get(API)))["participants"] == 0
        tokens, confirmations = [], []
        for n in range(12):
            (mail,) = await inbox.wait(f"person{n}@example.org")
            assert mail["Subject"] == "Bitte bestätigen Sie Ihre Anmeldung: Musterstadt hackt 2026"
            confirmed = await ok(await c.post(f"{API}/participants/confirm", json={"token": token_in(mail)}), 201)
            assert confirmed["token"] == token_in(mail)
            tokens.append(confirmed["token"])
            confirmations.append(confirmed)
        me = await ok(await c.get(f"{API}/me", headers={"Authorization": f"Participant {tokens[0]}"}))
        twice = await ok(await c.post(f"{API}/participants/confirm", json={"token": tokens[0]}))  # 200: signs in
        assert twice == confirmations[0] and twice["participant_id"] == me["participant_id"]
        assert (await ok(await c.get(API)))["participants"] == 12
        await refused(await c.post(f"{API}/participants/confirm", json={"token": "falsch"}), 404, "ungültig")

        # A link not confirmed in time is refused, registers nobody, and is deleted when the next one is written.
        await ok(await c.post(f"{API}/participants", json={"name": "Spät", "email": "spaet@example.org",
                                                           "consent": True}), 202)  # fmt: skip
        (late,) = await inbox.wait("spaet@example.org")
        await sql(system, "UPDATE hackathon_pending_registration SET expires_at = now() - interval '1 minute'")
        await refused(await c.post(f"{API}/participants/confirm", json={"token": token_in(late)}), 410,
                      "Dieser Link ist abgelaufen")  # fmt: skip

        # The same answer, status and body, for a new address and for one registered already (which gets a sign-in
        # link: the personal link keeps working until that is opened, then it stops). A second request within
        # minutes mails nobody.
        new = {"name": "Neu", "email": "neu@example.org", "consent": True}
        answers = [await c.post(f"{API}/participants", json=new) for _ in range(2)]
        assert await sql(system, "SELECT count(*) FROM hackathon_pending_registration") == 1  # Neu's
        again = {"name": "X", "email": "PERSON0@example.org", "consent": True}
        answers.append(await c.post(f"{API}/participants", json=again))  # a mail went there minutes ago: none now
        assert (await c.get(f"{API}/me", headers={"Authorization": f"Participant {tokens[0]}"})).status_code == 200
        await minutes_pass(system)
        answers.append(await c.post(f"{API}/participants", json=again))
        assert {(r.status_code, r.text) for r in answers} == {(202, answers[0].text)}
        (_, known) = await inbox.wait("person0@example.org", 2)  # to the address registered, as typed then
        assert known["Subject"] == "Sie sind bereits angemeldet: Musterstadt hackt 2026" and known["To"] == (
            "person0@example.org")  # fmt: skip
        assert mail_text(known).startswith("Guten Tag,\n\n") and token_in(known) != tokens[0]
        assert (await c.get(f"{API}/me", headers={"Authorization": f"Participant {tokens[0]}"})).status_code == 200
        renewed = await ok(await c.post(f"{API}/participants/confirm", json={"token": token_in(known)}))  # 200
        assert (renewed["participant_id"], renewed["token"]) == (me["participant_id"], token_in(known))
        assert (await c.get(f"{API}/me", headers={"Authorization": f"Participant {tokens[0]}"})).status_code == 401
        tokens[0] = token_in(known)
        assert (await ok(await c.get(API)))["participants"] == 12  # neither registered anybody
        no_consent = await c.post(f"{API}/participants", json={"name": "X", "email": "x@example.org", "consent": False})
        assert no_consent.status_code == 422
        who = [{"Authorization": f"Participant {t}"} for t in tokens]
        assert (await c.get(f"{API}/me")).status_code == 401
        assert (await ok(await c.get(f"{API}/me", headers=who[0])))["name"] == "Person 0"

        # Six teams of two, joined by code; a third member is refused (at most two).
        codes = []
        for t, name in enumerate(TEAMS):
            team = await ok(await c.post(f"{API}/teams", json={"name": name, "publish_name": name != "Datenbrücke"},
                                         headers=who[2 * t]), 201)  # fmt: skip
            codes.append(team["code"])
            await ok(await c.post(f"{API}/teams/join", json={"code": codes[-1].lower()}, headers=who[2 * t + 1]))
        await refused(await c.post(f"{API}/teams", json={"name": "tonnentaucher"}, headers=who[0]), 409, "bereits")
        await refused(await c.post(f"{API}/teams/join", json={"code": codes[0]}, headers=who[2]), 409, "bereits")
        await phase("hackathon_laeuft")

        # Submissions: one per team, the first edited by the other member (same submission, revision 2).
        submissions = []
        for t in range(6):
            body = {"title": f"Lösung von {TEAMS[t]}", "summary": "Kurzfassung.", "description": "Beschreibung.",
                    "repository_url": f"https://code.example.org/team{t}", "licence": "EUPL-1.2"}  # fmt: skip
            saved = await ok(await c.put(f"{API}/submissions/{CHALLENGE_OF[t]}", json=body, headers=who[2 * t]))
            submissions.append(saved["submission_id"])
        edited = await ok(await c.put(f"{API}/submissions/abfallkalender", headers=who[1], json={
            "title": "Lösung von Tonnentaucher", "summary": "Überarbeitet.", "description": "Beschreibung.",
            "licence": "MIT"}))  # fmt: skip
        assert edited == {"submission_id": submissions[0], "revision": 2}
        bad_licence = await c.put(f"{API}/submissions/termine", headers=who[2],
                                  json={**body, "licence": "Alle Rechte bei der Stadt"})  # fmt: skip
        assert bad_licence.status_code == 422

        # The jury: four staff accounts; J2 works with team 3.
        for juror in ("j1", "j2", "j3", "j4"):
            await ok(await c.post(f"{API}/jurors", json={"juror": juror}, headers=admin), 201)
        await refused(await c.post(f"{API}/jurors", json={"juror": "niemand"}, headers=admin), 422, "Mitarbeiterkonto")
        jury = {j: await sign_in(system, j) for j in ("j1", "j2", "j3", "j4")}
        teams = (await ok(await jury["j2"].get(f"{API}/jury")))["teams"]
        team3 = next(t["id"] for t in teams if t["name"] == "Zählerfüchse")
        await ok(await jury["j2"].post(f"{API}/conflicts", json={"team_id": team3, "reason": "Betreut das Team."},
                                       headers=origin), 201)  # fmt: skip

        await phase("einreichung_geschlossen")
        await refused(await c.put(f"{API}/submissions/abfallkalender", headers=who[0], json=body), 409, "Phase")
        # The community vote: not for one's own team; three votes.
        await refused(await c.post(f"{API}/votes", json={"submission_id": submissions[0]}, headers=who[0]), 409,
                      "in dem Sie sind oder waren")  # fmt: skip
        for voter, target in ((0, 2), (2, 2), (6, 0)):
            await ok(await c.post(f"{API}/votes", json={"submission_id": submissions[target]}, headers=who[voter]))

        await phase("jurierung")
        for s, cards in SCORES.items():
            for juror, values in cards.items():
                scores = dict(zip(CRITERIA, values, strict=False))
                answer = await jury[juror].put(f"{API}/scorecards/{submissions[s - 1]}", headers=origin,
                                               json={"scores": scores})  # fmt: skip
                assert answer.status_code == 200, answer.text
        tens = {"scores": dict.fromkeys(CRITERIA, 10)}
        conflicted = await jury["j2"].put(f"{API}/scorecards/{submissions[2]}", headers=origin, json=tens)
        await refused(conflicted, 409, "Interessenkonflikt")
        await refused(await c.post(f"{API}/scorecards/{submissions[0]}/j4/exclude", json={"reason": "kurz"},
                                   headers=admin), 422, "begründen")  # fmt: skip
        await ok(await c.post(f"{API}/scorecards/{submissions[0]}/j4/exclude", headers=admin,
                              json={"reason": "Bewertungsbogen versehentlich vertauscht."}), 201)  # fmt: skip
        own = await ok(await jury["j4"].get(f"{API}/jury"))
        assert {card["juror"] for card in own["scorecards"]} == {"j4"}  # a juror sees their own scorecards only

        # Prizes: 5,000 + 3,000 + 2,000 EUR use up the 2026 budget; one euro more is refused.
        for s, cents, title in ((3, 500_000, "1. Preis"), (1, 300_000, "2. Preis"), (2, 200_000, "3. Preis")):
            await ok(await c.post(f"{API}/awards", headers=admin, json={
                "submission_id": submissions[s - 1], "amount_cents": cents, "title": title,
                "justification": "Überzeugt die Jury."}), 201)  # fmt: skip
            await ok(await c.put(f"{API}/statements/{submissions[s - 1]}", headers=admin,
                                 json={"statement": f"Die Jury zum {title}."}))  # fmt: skip
        await refused(await c.post(f"{API}/awards", headers=admin, json={
            "submission_id": submissions[3], "amount_cents": 100, "title": "Sonderpreis", "justification": "Nett."}),
            409, "es sind noch 0,00 € übrig")  # fmt: skip
        ledger = (await ok(await c.get(f"{API}/jury", headers=admin)))["ledger"]
        assert (ledger["budget_cents"], ledger["awarded_cents"], ledger["left"]) == (1_000_000, 1_000_000, "0,00 €")
        assert (await c.get(API)).json()["results"] is None  # nothing published before staff publish it

        await phase("ergebnisse_veroeffentlicht")
        results = (await ok(await c.get(API)))["results"]
        table = [(e["rank"], e["tied"], e["score"], submissions.index(e["submission_id"]) + 1, e["team"])
                 for e in results["ranking"]]  # fmt: skip
        assert table == EXPECTED
        first = results["ranking"][0]
        assert first["awards"][0]["amount"] == "5.000,00 €" and first["statement"] == "Die Jury zum 1. Preis."
        assert first["votes"] == 2 and results["ranking"][1]["votes"] == 1
        counts = {e["submission_id"]: e for e in (await ok(await c.get(f"{API}/jury", headers=admin)))["ranking"]}
        assert (counts[submissions[0]]["excluded"], counts[submissions[5]]["incomplete"]) == (1, 1)
        assert counts[submissions[2]]["scorecards"] == 3

        # A lost personal link: a sign-in link for a registered address (the old one works until it is opened);
        # the same answer for an address that is not registered, so the page reveals nothing.
        await minutes_pass(system)
        lost = [await c.post(f"/hackathons/{HACKATHON}/link", data={"email": e}, headers={"Origin": system.base_url})
                for e in ("PERSON3@example.org", "niemand@example.org")]  # fmt: skip
        same = [re.sub(r'nonce="[^"]+"', "", r.text) for r in lost]  # equal but for the CSP nonce
        assert [r.status_code for r in lost] == [200, 200] and same[0] == same[1]
        assert "Wenn diese Adresse angemeldet ist" in lost[0].text
        (_, lost_mail) = await inbox.wait("PERSON3@example.org", 2)  # the confirmation, then the new link
        assert lost_mail["Subject"] == "Ihr neuer persönlicher Link: Musterstadt hackt 2026"
        assert (await c.get(f"{API}/me", headers=who[3])).status_code == 200  # until the new link is opened
        renewed_3 = {"Authorization": f"Participant {token_in(lost_mail)}"}
        assert (await c.get(f"{API}/me", headers=renewed_3)).status_code == 401  # not a personal token before opened
        await ok(await c.post(f"{API}/participants/confirm", json={"token": token_in(lost_mail)}))
        assert (await c.get(f"{API}/me", headers=who[3])).status_code == 401
        assert (await ok(await c.get(f"{API}/me", headers=renewed_3)))["name"] == "Person 3"
        assert inbox.to("niemand@example.org") == [] and len(inbox.to("neu@example.org")) == 1

        # Data protection: a participant exports their data and erases it; they leave their team.
        mine = await ok(await c.get(f"{API}/me", headers=who[11]))
        assert (mine["name"], mine["email"], mine["team"]["name"]) == ("Person 11", "person11@example.org",
                                                                       "Stadtlabor")  # fmt: skip
        await ok(await c.delete(f"{API}/me", headers=who[11]))
        assert (await c.get(f"{API}/me", headers=who[11])).status_code == 401
        for client in jury.values():
            await client.aclose()

    # Nothing personal on the topic: names and e-mail addresses only in PostgreSQL.
    pool = await create_pool(system.settings)
    try:
        async with pool.acquire() as conn:
            envelopes = " ".join(r["envelope"] for r in await conn.fetch("SELECT envelope FROM hackathon_event"))
            assert "person1@example.org" not in envelopes and "Person 1" not in envelopes
            assert "@example.org" not in envelopes  # nor anybody else's, confirmed or not
            assert await conn.fetchval("SELECT count(*) FROM hackathon_person") == 11
            before = await store.state(conn, HACKATHON)
            events = await conn.fetchval("SELECT count(*) FROM hackathon_event")
        system.stop("projector")
        org = await org_events(system.settings)
        # every hackathon event, the five comments and the org model's events
        assert await replay(system.settings, pool) == events + 5 + org
        async with pool.acquire() as conn:
            after = await store.state(conn, HACKATHON)
            assert await conn.fetchval("SELECT count(*) FROM hackathon_event") == events
        assert after == before and after.sequence == events
    finally:
        await pool.close()
