"""The penetration test's findings on the hackathon's participant side, each replayed as the attack against the real
system (API and pages, Kafka, PostgreSQL, mail caught by an in-process SMTP server), with the outcome that must hold:

* 6, votes: a member who leaves the team after it submitted cannot vote for it, and a vote for a team joined later
  does not count; a plus address (or Gmail's dots) registers no second voter.
* 7, registration: registering (or asking for a lost link) with someone else's address locks nobody out (their link
  keeps working; the attacker never gets a token); no attacker-chosen text reaches any mail, nor a display name into
  its header; six requests from one client within minutes are answered 429 with Retry-After.
* 9, tokens: a personal token expires, never outlives the hackathon, and signing out (API or pages) revokes it on
  the server.

Clients are told apart by their address behind the trusted local proxy (``X-Forwarded-For``), as in production.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from email import message_from_bytes, policy
from typing import Any

import httpx

from tests.integration.conftest import once
from tests.integration.system import System
from tests.integration.test_console import add_staff
from tests.integration.test_hackathon import minutes_pass, register_by_mail, sql
from tests.unit.test_hackathon_mail import Inbox, body, token_in

pytestmark = once("the hackathon's access rules")

HACKATHON = "stadt-hackt-2026"
API = f"/api/v1/hackathons/{HACKATHON}"
PAGES = f"/hackathons/{HACKATHON}"
COOKIE = f"stadtstimme-hackathon-{HACKATHON}"
PHISH = "Gewinnspiel! Bestätigen Sie Ihr Konto auf https://boese.example/login"
VICTIM = "vera.victim@example.org"


def client(n: int) -> dict[str, str]:
    """One client (a network address) behind the trusted proxy."""
    return {"X-Forwarded-For": f"192.0.2.{n}"}


def participant(token: str) -> dict[str, str]:
    return {"Authorization": f"Participant {token}"}


async def ok(response: httpx.Response, status: int = 200) -> Any:
    assert response.status_code == status, response.text
    return response.json() if response.content else None


async def refused(response: httpx.Response, status: int, reason: str) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/problem+json"
    problem: dict[str, Any] = response.json()
    assert reason in problem["title"] and problem["status"] == status, problem
    return problem


async def open_hackathon(c: httpx.AsyncClient, system: System, **extra: Any) -> None:
    """A hackathon with two challenges and a community vote, open for registration."""
    admin = system.admin
    await ok(await c.post("/api/v1/hackathons", headers=admin, json={
        "id": HACKATHON, "year": 2026, "title": "Stadt hackt 2026", "description": "Zwei Challenges.",
        "criteria": [{"id": "nutzen", "name": "Nutzen", "weight": 100}], "max_team_size": 5,
        "community_vote": True, **extra}), 201)  # fmt: skip
    await phase(c, system, "challenges_sammeln")
    for challenge_id in ("abfallkalender", "termine"):
        await ok(await c.put(f"{API}/challenges/{challenge_id}", headers=admin, json={
            "org_unit": "abfallwirtschaft", "title": f"Challenge {challenge_id}", "problem": "Was fehlt.",
            "contact": "Team Digitales", "expected_outcome": "Ein offener Prototyp."}))  # fmt: skip
    await phase(c, system, "anmeldung_offen")


async def phase(c: httpx.AsyncClient, system: System, to: str) -> None:
    await ok(await c.post(f"{API}/phase", json={"phase": to}, headers=system.admin))


async def follow(c: httpx.AsyncClient, path: str) -> httpx.Response:
    """Follow a mailed link: its page only shows a button (a GET changes nothing); the button's POST, from the
    site itself."""
    shown = await c.get(path)
    assert shown.status_code == 200 and "Anmelden und weiter" in shown.text
    return await c.post(path, headers={"Origin": str(c.base_url).rstrip("/")})


def every_mail(inbox: Inbox) -> list[str]:
    """Every mail the server received, its headers and its body decoded, as a reader sees them."""
    mails = [message_from_bytes(raw, policy=policy.default) for _, _, raw in inbox.got]
    return ["".join(f"{name}: {value}\n" for name, value in m.items()) + body(m) for m in mails]


async def test_votes_count_once_per_person_and_never_for_a_team_one_was_in(mailing: tuple[System, Inbox]) -> None:
    system, inbox = mailing
    async with httpx.AsyncClient(base_url=system.base_url, timeout=30) as c:
        await open_hackathon(c, system)
        anna = participant(await register_by_mail(c, inbox, API, "Anna", "anna@example.org", client(1)))
        ben = participant(await register_by_mail(c, inbox, API, "Ben", "ben.berger@gmail.com", client(2)))
        cem = participant(await register_by_mail(c, inbox, API, "Cem", "cem@example.org", client(3)))
        dora = participant(await register_by_mail(c, inbox, API, "Dora", "dora@example.org", client(4)))

        # Plus addresses and Gmail's dots: Ben tries to register a second voter. The answer is the usual one, the
        # mail goes to the address he registered with, and its link signs in Ben: nobody new is registered.
        for alias in ("Ben.Berger+stimme2@gmail.com", "benberger@googlemail.com"):
            await minutes_pass(system)
            second = {"name": "Ben Zwei", "email": alias, "consent": True}
            await ok(await c.post(f"{API}/participants", json=second, headers=client(2)), 202)
        mails = await inbox.wait("ben.berger@gmail.com", 3)  # the confirmation, then two sign-in links
        assert [m["Subject"].startswith("Sie sind bereits angemeldet") for m in mails] == [False, True, True]
        assert inbox.to("Ben.Berger+stimme2@gmail.com") == [] and inbox.to("benberger@googlemail.com") == []
        bens_id = (await ok(await c.get(f"{API}/me", headers=ben)))["participant_id"]
        again = await ok(await c.post(f"{API}/participants/confirm", json={"token": token_in(mails[-1])}))
        assert again["participant_id"] == bens_id
        assert (await ok(await c.get(API)))["participants"] == 4
        ben = participant(again["token"])

        # Anna and Ben are a team; Cem is another. Both teams submit.
        ours = await ok(await c.post(f"{API}/teams", json={"name": "Tonnentaucher"}, headers=anna), 201)
        await ok(await c.post(f"{API}/teams/join", json={"code": ours["code"]}, headers=ben))
        await ok(await c.post(f"{API}/teams", json={"name": "Parkpiloten"}, headers=cem), 201)
        await phase(c, system, "hackathon_laeuft")
        solution = {"title": "Lösung", "summary": "Kurz.", "description": "Lang.", "licence": "MIT"}
        mine = (await ok(await c.put(f"{API}/submissions/abfallkalender", json=solution, headers=anna)))[
            "submission_id"]  # fmt: skip
        theirs = (await ok(await c.put(f"{API}/submissions/termine", json=solution, headers=cem)))["submission_id"]

        # The attack: Ben leaves the team after it submitted, then votes for its submission. Refused.
        await ok(await c.post(f"{API}/teams/leave", headers=ben))
        await phase(c, system, "einreichung_geschlossen")
        await refused(await c.post(f"{API}/votes", json={"submission_id": mine}, headers=ben), 409,
                      "in dem Sie sind oder waren")  # fmt: skip
        await ok(await c.post(f"{API}/votes", json={"submission_id": theirs}, headers=ben))

        # The other order: Dora votes for Anna's team, then joins it (staff moved the phase back for a late
        # correction). Her vote stands as an event but does not count.
        await ok(await c.post(f"{API}/votes", json={"submission_id": mine}, headers=dora))
        await phase(c, system, "hackathon_laeuft")
        await ok(await c.post(f"{API}/teams/join", json={"code": ours["code"]}, headers=dora))
        await phase(c, system, "einreichung_geschlossen")
        add_staff(system, "jurorin", "unit_staff", "abfallwirtschaft")
        await ok(await c.post(f"{API}/jurors", json={"juror": "jurorin"}, headers=system.admin), 201)
        await phase(c, system, "jurierung")
        await phase(c, system, "ergebnisse_veroeffentlicht")
        votes = {e["submission_id"]: e["votes"] for e in (await ok(await c.get(API)))["results"]["ranking"]}
        assert votes == {mine: 0, theirs: 1}
        assert (await ok(await c.get(f"{API}/me", headers=dora)))["vote"] == mine


async def test_registering_someone_elses_address_locks_nobody_out_and_relays_nothing(
    mailing: tuple[System, Inbox],
) -> None:
    system, inbox = mailing
    attacker = client(66)
    async with httpx.AsyncClient(base_url=system.base_url, timeout=30) as c:
        await open_hackathon(c, system)
        vera = await register_by_mail(c, inbox, API, "Vera", VICTIM, client(1))
        assert (await ok(await c.get(f"{API}/me", headers=participant(vera))))["name"] == "Vera"

        # The attacker registers Vera's address (spelt differently) with a phishing text as the name, and asks for
        # a lost link with it on the page: the answers are the usual ones and hold no token.
        await minutes_pass(system)
        attack = {"name": PHISH, "email": "Vera.Victim+x@Example.org", "consent": True}
        answer = await ok(await c.post(f"{API}/participants", json=attack, headers=attacker), 202)
        stranger = {"name": "Sam", "email": "sam@example.org", "consent": True}
        assert answer == await ok(await c.post(f"{API}/participants", json=stranger, headers=client(2)), 202)
        assert "token" not in str(answer)
        await minutes_pass(system)
        lost = await c.post(f"{PAGES}/link", data={"email": VICTIM.upper()}, headers=attacker | {"Origin":
                            system.base_url})  # fmt: skip
        assert lost.status_code == 200 and "Wenn diese Adresse angemeldet ist" in lost.text

        # Vera is not locked out: her personal link still works, and so does her name.
        assert (await ok(await c.get(f"{API}/me", headers=participant(vera))))["name"] == "Vera"
        assert (await follow(c, f"{PAGES}/zugang/{vera}")).status_code == 303
        # Her mails (two sign-in links) went to her address as registered, not to the spelling typed.
        (_, first, second) = await inbox.wait(VICTIM, 3)
        assert inbox.to("Vera.Victim+x@Example.org") == [] and first["To"] == second["To"] == VICTIM
        # Sign-in links are no personal tokens before they are opened; opening the newest one makes it Vera's
        # personal link, and the older link and her previous personal link stop.
        assert (await c.get(f"{API}/me", headers=participant(token_in(second)))).status_code == 401
        opened = await ok(await c.post(f"{API}/participants/confirm", json={"token": token_in(second)}))
        assert (await c.get(f"{API}/me", headers=participant(vera))).status_code == 401
        assert (await c.get(f"{API}/me", headers=participant(opened["token"]))).status_code == 200
        await refused(await c.post(f"{API}/participants/confirm", json={"token": token_in(first)}), 404, "ungültig")

        # A new address registered with the phishing text: the confirmation greets neutrally. No mail anywhere holds
        # the attacker's text.
        await minutes_pass(system)
        relay = {"name": PHISH, "email": "opfer@example.net", "consent": True}
        await ok(await c.post(f"{API}/participants", json=relay, headers=attacker), 202)
        (confirmation,) = await inbox.wait("opfer@example.net")
        assert body(confirmation).startswith("Guten Tag,\n\nmit dieser E-Mail-Adresse wurde eine Anmeldung")
        sent = every_mail(inbox)
        assert len(sent) == 5 and not [m for m in sent if "boese" in m or "Gewinnspiel" in m]
        # Nor into a header: an address with a display name (or quotes, or two addresses) is no address.
        for smuggled in ("Gewinn-auf-boese.example<opfer2@example.net>", '"boese"@example.net', "a,b@example.net"):
            bad = await c.post(f"{API}/participants", json={**relay, "email": smuggled}, headers=attacker)
            assert bad.status_code == 422, smuggled
        assert len(inbox.got) == 5

        # The attacker's own connection: registrations and lost-link requests are five per client within ten
        # minutes, API and pages together (three used above); the sixth is refused with Retry-After.
        for n in range(2):
            flood = {"name": "X", "email": f"flut{n}@example.net", "consent": True}
            await ok(await c.post(f"{API}/participants", json=flood, headers=attacker), 202)
        flood = {"name": "X", "email": "flut9@example.net", "consent": True}
        too_many = await c.post(f"{API}/participants", json=flood, headers=attacker)
        await refused(too_many, 429, "Von Ihrem Anschluss kamen in kurzer Zeit viele Anmeldungen")
        assert 1 <= int(too_many.headers["retry-after"]) <= 120
        english = await c.post(f"{API}/participants", json=flood, headers=attacker | {"Accept-Language": "en"})
        await refused(english, 429, "Many registrations or link requests came from your connection")
        origin = {"Origin": system.base_url}
        for path, form in (("anmeldung", {"name": "X", "email": "flut9@example.net", "consent": "ja"}),
                           ("link", {"email": VICTIM})):  # fmt: skip
            page = await c.post(f"{PAGES}/{path}", data=form, headers=attacker | origin)
            assert page.status_code == 429 and "Bitte warten Sie einen Moment" in page.text, page.text
            assert int(page.headers["retry-after"]) >= 1 and page.headers["content-type"].startswith("text/html")
        assert inbox.to("flut9@example.net") == []
        # Another client is not affected.
        await ok(await c.post(f"{API}/participants", json=flood, headers=client(3)), 202)


async def test_personal_tokens_expire_and_signing_out_revokes_them(mailing: tuple[System, Inbox]) -> None:
    system, inbox = mailing
    archive = datetime.now(UTC) + timedelta(days=12)
    async with httpx.AsyncClient(base_url=system.base_url, timeout=30) as c:
        await open_hackathon(c, system, schedule=[{"phase": "archiv", "starts_at": archive.isoformat()}])
        asked = {"name": "Anna", "email": "anna@example.org", "consent": True}
        await ok(await c.post(f"{API}/participants", json=asked), 202)
        (mail,) = await inbox.wait("anna@example.org")
        confirmed = await ok(await c.post(f"{API}/participants/confirm", json={"token": token_in(mail)}), 201)
        # Thirty days from issue, but never beyond the hackathon's planned end.
        assert abs(datetime.fromisoformat(confirmed["valid_until"]) - archive) < timedelta(seconds=1)
        anna = participant(confirmed["token"])

        # Signing out over the API revokes the token on the server: it is useless afterwards, link and all.
        assert (await c.delete(f"{API}/session", headers=anna)).status_code == 204
        signed_out = await c.get(f"{API}/me", headers=anna)
        assert signed_out.status_code == 401 and signed_out.json()["type"] == "/problems/unauthorized"
        assert signed_out.headers["www-authenticate"].startswith("Participant")
        assert (await c.delete(f"{API}/session", headers=anna)).status_code == 401
        assert (await follow(c, f"{PAGES}/zugang/{confirmed['token']}")).status_code == 401
        assert (await c.delete(f"{API}/session")).status_code == 401

        async def lost_link(n: int) -> None:
            """Anna asks for a new link on the page (from another network each time, leaving the quota aside)."""
            await minutes_pass(system)
            asked = await c.post(f"{PAGES}/link", data={"email": "anna@example.org"}, headers=origin | client(n))
            assert asked.status_code == 200, asked.text

        # A new link through the lost-link page; opened in a browser it signs in with a cookie that lasts as long
        # as the token does.
        origin = {"Origin": system.base_url}
        await lost_link(1)
        (_, link_mail) = await inbox.wait("anna@example.org", 2)
        # Login CSRF: the link posted from another site (planted so that a visitor is signed in as its owner)
        # signs nobody in and uses nothing up; opening it (a mail scanner does) changes nothing either.
        planted = await c.post(f"{PAGES}/zugang/{token_in(link_mail)}", headers={"Origin": "https://evil.example"})
        assert planted.status_code == 403 and "set-cookie" not in planted.headers
        for _ in range(2):
            assert (await c.get(f"{PAGES}/zugang/{token_in(link_mail)}")).status_code == 200
        opened = await follow(c, f"{PAGES}/zugang/{token_in(link_mail)}")
        assert opened.status_code == 303
        cookie = opened.headers["set-cookie"]
        assert cookie.startswith(f"{COOKIE}={token_in(link_mail)};") and "HttpOnly" in cookie
        max_age = int(cookie.split("Max-Age=")[1].split(";")[0])
        assert 11 * 86400 < max_age <= 12 * 86400  # until the planned archive date
        browser = {"Cookie": f"{COOKIE}={token_in(link_mail)}"}
        area = await c.get(f"{PAGES}/mitmachen", headers=browser)
        assert area.status_code == 200 and "er gilt bis" in area.text

        # Signing out on the pages revokes it too: the cookie's value signs in nowhere afterwards.
        out = await c.post(f"{PAGES}/abmelden", headers=browser | origin)
        assert out.status_code == 303 and f"{COOKIE}=" in out.headers["set-cookie"]
        assert (await c.get(f"{PAGES}/mitmachen", headers=browser)).headers["location"].endswith("/anmeldung")
        assert (await c.get(f"{API}/me", headers=participant(token_in(link_mail)))).status_code == 401

        # An expired token: refused by the API and the pages (which say so and drop the cookie).
        await lost_link(2)
        (*_, fresh) = await inbox.wait("anna@example.org", 3)
        token = (await ok(await c.post(f"{API}/participants/confirm", json={"token": token_in(fresh)})))["token"]
        assert (await c.get(f"{API}/me", headers=participant(token))).status_code == 200
        await sql(system, "UPDATE hackathon_person SET token_issued_at = now() - interval '31 days'")
        expired = await refused(await c.get(f"{API}/me", headers=participant(token)), 401, "gilt nicht mehr")
        assert expired["type"] == "/problems/hackathon-token-expired"
        await refused(await c.post(f"{API}/teams", json={"name": "Zu spät"}, headers=participant(token)), 401,
                      "gilt nicht mehr")  # fmt: skip
        page = await c.get(f"{PAGES}/mitmachen", headers={"Cookie": f"{COOKIE}={token}"})
        assert page.status_code == 401 and "Ihr persönlicher Link ist abgelaufen" in page.text
        assert f'{COOKIE}=""' in page.headers["set-cookie"] or "Max-Age=0" in page.headers["set-cookie"]
        assert (await follow(c, f"{PAGES}/zugang/{token}")).status_code == 401

        # A sign-in link is valid 48 hours; the old one is refused and says so.
        await lost_link(3)
        (*_, late) = await inbox.wait("anna@example.org", 4)
        await sql(system, "UPDATE hackathon_sign_in_link SET expires_at = now() - interval '1 minute'")
        await refused(await c.post(f"{API}/participants/confirm", json={"token": token_in(late)}), 410, "abgelaufen")
        gone = await follow(c, f"{PAGES}/zugang/{token_in(late)}")
        assert gone.status_code == 410 and "Dieser Link ist abgelaufen" in gone.text

        # Once the hackathon is archived, no token signs in, however fresh.
        await lost_link(4)
        (*_, last) = await inbox.wait("anna@example.org", 5)
        token = (await ok(await c.post(f"{API}/participants/confirm", json={"token": token_in(last)})))["token"]
        add_staff(system, "jurorin", "unit_staff", "abfallwirtschaft")
        await ok(await c.post(f"{API}/jurors", json={"juror": "jurorin"}, headers=system.admin), 201)
        for to in ("hackathon_laeuft", "einreichung_geschlossen", "jurierung", "ergebnisse_veroeffentlicht"):
            await phase(c, system, to)
        assert (await c.get(f"{API}/me", headers=participant(token))).status_code == 200
        await phase(c, system, "archiv")
        await refused(await c.get(f"{API}/me", headers=participant(token)), 401, "gilt nicht mehr")
