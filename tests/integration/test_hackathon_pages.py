"""The hackathon's pages as citizens use them, in headless Chromium against the real system: the public page with
the cited pages' satisfaction, registration by double opt-in (a missing consent first; "check your mail", the
link from the mail an in-process SMTP server receives, the participant area; the identical page for an address
registered already; an expired link), one browser signed in to two hackathons at once, a team under a hostile
name, a second person joining by the code shown (a wrong code first), a submission (a wrong URL first) and its
edit, the community vote, the published results (tie, hidden team name, statement, prize), the personal link, the
data download and the erasure; axe (WCAG 2.2 AA) on every kind of page, the phone's 375 px without horizontal
scrolling, cross-site POSTs refused. The hackathon itself is run over the JSON API with the admin token, as staff
would."""

from __future__ import annotations

import re
import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import orjson
import pytest
from playwright.async_api import Browser, BrowserContext, Dialog, Page

from services.hackathon import pages
from services.hackathon.api import JoinBody, RegisterBody, SubmissionBody, TeamBody, VoteBody
from shared.contracts.hackathon import LICENCES
from shared.messages import CATALOGUE
from shared.settings import Settings
from tests.browser.conftest import AXE, WCAG_TAGS
from tests.integration.conftest import BROWSER_ONCE, SERIOUS
from tests.integration.system import System
from tests.integration.test_console import add_staff, sign_in
from tests.integration.test_hackathon import crowd_mailing, register_by_mail, sql
from tests.unit.test_hackathon_mail import Inbox

pytestmark = BROWSER_ONCE

HACKATHON = "stadt-hackt-2026"
API = f"/api/v1/hackathons/{HACKATHON}"
PAGES = f"/hackathons/{HACKATHON}"
TITLE = "Musterstadt hackt 2026"
COOKIE = f"stadtstimme-hackathon-{HACKATHON}"
SECOND = "kiez-hackt-2026"  # a second hackathon, open for registration at the same time
SECOND_TITLE = "Kiez hackt 2026"
SPERRMUELL = "https://abfall.musterstadt.de/sperrmuell"
HOSTILE = "<img src=x onerror=alert(1)>"
CSP = "default-src 'none'; style-src 'nonce-"
PHONE = {"width": 375, "height": 812}
DESCRIPTION = "Eine offene App mit Erinnerungen.\nZweite Zeile."


@pytest.fixture
async def mailing(settings: Settings, tmp_path: Path) -> AsyncIterator[tuple[System, Inbox]]:
    """Everybody here registers from this one test client: a per-client quota that fits them."""
    async with crowd_mailing(settings, tmp_path) as found:
        yield found


async def axe(page: Page) -> None:
    await page.add_script_tag(path=str(AXE))
    assert await page.evaluate(SERIOUS, WCAG_TAGS) == [], page.url


async def fits_phone(page: Page) -> None:
    """Nothing wider than the 375 px viewport (no horizontal scrolling)."""
    assert page.viewport_size == PHONE
    assert await page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"], page.url


async def new_page(browser: Browser, dialogs: list[str], **options: Any) -> tuple[BrowserContext, Page]:
    context = await browser.new_context(locale="de-DE", bypass_csp=True, **options)  # bypass: to inject axe
    page = await context.new_page()

    async def record(dialog: Dialog) -> None:  # a script that ran from citizen text would open one
        dialogs.append(dialog.message)
        await dialog.dismiss()

    page.on("dialog", record)
    return context, page


def mailed_link(system: System, mail: Any) -> str:
    """The link in a mail, on the system under test (the mail names the configured public address)."""
    found = re.search(r"https?://[^/\s]+(/hackathons/\S+)", str(mail.get_content()))
    assert found, mail.get_content()
    return f"{system.base_url}{found.group(1)}"


async def follow(page: Page, link: str) -> int:
    """Open a mailed link as a person does: its page changes nothing and shows one button; the status of what the
    button's POST answered."""
    shown = await page.goto(link)
    assert shown is not None and shown.status == 200
    await page.get_by_role("heading", level=1, name="Zur Teilnahme").wait_for()
    return await posted(page, "Anmelden und weiter")


async def register(
    page: Page, system: System, inbox: Inbox, name: str, email: str, pages_url: str = PAGES, title: str = TITLE
) -> None:
    """The form, "check your mail", the link from the mail: the participant area."""
    await page.goto(f"{system.base_url}{pages_url}/anmeldung")
    await page.get_by_label("Name", exact=True).fill(name)
    await page.get_by_label("E-Mail-Adresse").fill(email)
    await page.get_by_label("Ich habe diese Hinweise gelesen").check()
    await page.get_by_role("button", name="Anmelden").click()
    await page.get_by_role("heading", level=1, name="Fast geschafft").wait_for()
    mails = await inbox.wait(email)
    assert await follow(page, mailed_link(system, mails[-1])) == 303
    await page.get_by_role("heading", level=1, name=f"Teilnahmebereich: {title}").wait_for()


async def posted(page: Page, button: str, scope: Any = None) -> int:
    """Click a form's button; the status of the POST's answer (before any redirect)."""
    async with page.expect_response(lambda r: r.request.method == "POST") as answer:
        await (scope or page).get_by_role("button", name=button).click()
    await page.wait_for_load_state()
    return (await answer.value).status


async def feedback_on_the_cited_page(system: System) -> None:
    """Five answers: 3 of 5 helpful (60 %), ratings 4, 4, 3, 2, 5 (mean 3,6)."""
    async with httpx.AsyncClient(base_url=system.base_url, timeout=30) as c:
        for helpful, rating in ((True, 4), (True, 4), (True, 3), (False, 2), (False, 5)):
            body = {"event_id": str(uuid.uuid4()), "site": "abfall", "page_url": SPERRMUELL, "helpful": helpful,
                    "rating": rating, "elapsed_ms": 20_000}  # fmt: skip
            assert (await c.post("/api/v1/feedback", json=body)).status_code == 202
    await system.wait_projected(5, timeout=30)


async def test_citizens_take_part_through_the_pages(mailing: tuple[System, Inbox], browser: Browser) -> None:
    system, inbox = mailing
    await feedback_on_the_cited_page(system)
    admin = system.admin
    api = httpx.AsyncClient(base_url=system.base_url, timeout=30)

    async def ok(response: httpx.Response, status: int = 200) -> dict[str, Any]:
        assert response.status_code == status, response.text
        body: dict[str, Any] = response.json()
        return body

    async def phase(to: str) -> None:
        await ok(await api.post(f"{API}/phase", json={"phase": to}, headers=admin))

    soon = datetime.now(UTC) + timedelta(days=30)
    await ok(await api.post("/api/v1/hackathons", headers=admin, json={
        "id": HACKATHON, "year": 2026, "title": TITLE, "description": "Zwei Challenges aus der Verwaltung.",
        "schedule": [{"phase": "hackathon_laeuft", "starts_at": (soon - timedelta(days=2)).isoformat()},
                     {"phase": "einreichung_geschlossen", "starts_at": soon.isoformat()}],
        "criteria": [{"id": "nutzen", "name": "Nutzen", "weight": 60},
                     {"id": "umsetzbarkeit", "name": "Umsetzbarkeit", "weight": 40}],
        "max_team_size": 3, "community_vote": True}), 201)  # fmt: skip
    draft = await api.get(PAGES)
    assert draft.status_code == 404 and "Seite nicht gefunden" in draft.text  # drafts do not exist for citizens
    assert (await api.get("/hackathons/gibt-es-nicht")).status_code == 404
    await phase("challenges_sammeln")
    for challenge_id, title, extra in (
        ("abfallkalender", "Abfallkalender für alle", {
            "evidence": [{"page_url": SPERRMUELL, "note": "Viele Kommentare zur Terminbuchung"}],
            "data_links": ["https://opendata.musterstadt.de/abfuhr"], "context": "Seit 2024 online."}),
        ("termine", "Termine ohne Warten", {}),
    ):  # fmt: skip
        body = {"org_unit": "abfallwirtschaft", "title": title, "problem": f"{title}: was fehlt.",
                "contact": "Team Digitales", "expected_outcome": "Ein offener Prototyp.", **extra}  # fmt: skip
        await ok(await api.put(f"{API}/challenges/{challenge_id}", json=body, headers=admin))
    await phase("anmeldung_offen")
    await ok(await api.post("/api/v1/hackathons", headers=admin, json={
        "id": SECOND, "year": 2026, "title": SECOND_TITLE, "description": "Ideen für den Kiez.",
        "criteria": [{"id": "nutzen", "name": "Nutzen", "weight": 100}]}), 201)  # fmt: skip
    for to in ("challenges_sammeln", "anmeldung_offen"):
        await ok(await api.post(f"/api/v1/hackathons/{SECOND}/phase", json={"phase": to}, headers=admin))

    dialogs: list[str] = []
    ada_context, ada = await new_page(browser, dialogs, viewport=PHONE)  # Ada uses her phone throughout
    grace_context, grace = await new_page(browser, dialogs)

    # The list of hackathons leads to the public page: German, the cited page's satisfaction, no cookie, the strict
    # headers.
    await ada.goto(f"{system.base_url}/hackathons")
    await ada.get_by_role("heading", level=1, name="Hackathons der Stadt").wait_for()
    await axe(ada)
    await fits_phone(ada)
    answer = await ada.goto(f"{system.base_url}{PAGES}")
    assert answer is not None and answer.status == 200
    assert answer.headers["content-security-policy"].startswith(CSP)
    assert answer.headers["referrer-policy"] == "same-origin" and "set-cookie" not in answer.headers
    await ada.get_by_role("heading", level=1, name=TITLE).wait_for()
    main = await ada.locator("main").inner_text()
    assert "Aktuelle Phase: Anmeldung offen" in main and "Termine ohne Warten" in main
    assert ("5 Rückmeldungen in den letzten 90 Tagen; 60 % fanden die Seite hilfreich; durchschnittliche "
            "Bewertung 3,6 von 5") in main  # fmt: skip
    assert "Einreichung geschlossen" in main and "Nutzen (Gewicht 60)" in main  # schedule and criteria
    await axe(ada)
    await fits_phone(ada)
    # The page for a lost personal link: a wrong address is explained at the field (axe on the error state).
    await ada.goto(f"{system.base_url}{PAGES}/link")
    await ada.get_by_role("heading", level=1, name="Persönlichen Link erneut zusenden").wait_for()
    await ada.get_by_label("E-Mail-Adresse").fill("keine-adresse")
    await ada.get_by_role("button", name="Link zusenden").click()
    await ada.get_by_text("Bitte geben Sie eine E-Mail-Adresse an").first.wait_for()
    assert await ada.get_by_label("E-Mail-Adresse").get_attribute("aria-invalid") == "true"
    await axe(ada)
    await fits_phone(ada)
    await ada.goto(f"{system.base_url}{PAGES}")
    english = await api.get(f"{PAGES}?lang=en")
    assert "Current phase:" in english.text and "Registration open" in english.text

    # Registration without consent: the form again, with what was typed, the error summary focused.
    await ada.get_by_role("link", name="Jetzt anmelden").click()
    await ada.get_by_role("heading", level=1, name=f"Anmeldung: {TITLE}").wait_for()
    await axe(ada)
    await ada.get_by_label("Name", exact=True).fill("Ada Lovelace")
    await ada.get_by_label("E-Mail-Adresse").fill("ada@example.org")
    assert await posted(ada, "Anmelden") == 422
    assert await ada.evaluate("document.activeElement.id") == "fehler"
    assert (await ada.title()).startswith("Fehler:")
    summary = ada.get_by_role("alert")
    assert "Bitte bestätigen Sie" in await summary.inner_text()
    consent = ada.get_by_label("Ich habe diese Hinweise gelesen")
    assert await consent.get_attribute("aria-invalid") == "true"
    assert "consent-error" in (await consent.get_attribute("aria-describedby") or "")
    assert await ada.get_by_label("Name", exact=True).input_value() == "Ada Lovelace"
    assert await ada.get_by_label("E-Mail-Adresse").input_value() == "ada@example.org"
    await axe(ada)
    await fits_phone(ada)
    await summary.get_by_role("link").click()  # the summary leads to the field
    assert await ada.evaluate("document.activeElement.id") == "consent"
    assert await ada_context.cookies() == []

    # Registered, double opt-in: "check your mail", no cookie yet; the link in the mail registers and signs in (the
    # participant area, one strictly necessary cookie for this hackathon).
    await consent.check()
    assert await posted(ada, "Anmelden") == 303
    await ada.get_by_role("heading", level=1, name="Fast geschafft").wait_for()
    check_mail = await ada.locator("main").inner_text()
    assert "Wir haben Ihnen eine E-Mail geschickt. Bitte bestätigen Sie Ihre Anmeldung über den Link darin" in (
        check_mail)  # fmt: skip
    assert await ada_context.cookies() == []
    await axe(ada)
    await fits_phone(ada)
    (mail,) = await inbox.wait("ada@example.org")
    assert mail["Subject"] == f"Bitte bestätigen Sie Ihre Anmeldung: {TITLE}"
    async with httpx.AsyncClient(base_url=system.base_url) as nobody:  # nothing on the topic before confirming
        assert (await nobody.get(API)).json()["participants"] == 0
    await ada.goto(mailed_link(system, mail))  # only the button: nothing registered, nobody signed in yet
    await ada.get_by_role("heading", level=1, name="Zur Teilnahme").wait_for()
    await axe(ada)
    assert await ada_context.cookies() == []
    assert await posted(ada, "Anmelden und weiter") == 303
    await ada.get_by_role("heading", level=1, name=f"Teilnahmebereich: {TITLE}").wait_for()
    assert "Sie sind angemeldet." in await ada.get_by_role("status").inner_text()
    [cookie] = await ada_context.cookies()
    assert (cookie["name"], cookie["httpOnly"], cookie["sameSite"], cookie["path"]) == (COOKIE, True, "Lax", "/")
    assert 29 * 86400 < cookie["expires"] - datetime.now(UTC).timestamp() <= 30 * 86400  # as long as the token
    assert await ada.locator("#personal-link").inner_text() == mailed_link(system, mail).replace(
        system.base_url, system.settings.public_base_url.rstrip("/"))  # fmt: skip
    await axe(ada)
    assert await follow(ada, mailed_link(system, mail)) == 303  # the same link again: signs in, registers nobody twice
    await ada.get_by_role("heading", level=1, name=f"Teilnahmebereich: {TITLE}").wait_for()
    assert await ada.get_by_role("status").count() == 0 and len(await ada_context.cookies()) == 1

    # Registering an address that takes part already shows the very same page as a new address (the mail says
    # the rest); an expired link says so and leads to the registration.
    forms = [await api.post(f"{PAGES}/anmeldung", headers={"Origin": system.base_url}, follow_redirects=True,
                            data={"name": "Wer", "email": email, "consent": "ja"})
             for email in ("ADA@example.org", "spaet@example.org")]  # fmt: skip
    shown = [re.sub(r'nonce="[^"]+"', "", r.text) for r in forms]  # equal but for the CSP nonce
    assert [r.status_code for r in forms] == [200, 200] and shown[0] == shown[1] and "Fast geschafft" in shown[0]
    assert [str(r.url) for r in forms] == [f"{system.base_url}{PAGES}/anmeldung/gesendet"] * 2
    (late,) = await inbox.wait("spaet@example.org")
    await sql(system, "UPDATE hackathon_pending_registration SET expires_at = now() - interval '1 minute'")
    assert await follow(ada, mailed_link(system, late)) == 410
    await ada.get_by_role("heading", level=1, name="Dieser Link ist abgelaufen").wait_for()
    assert "innerhalb von 48 Stunden" in await ada.locator("main").inner_text()
    await axe(ada)
    await fits_phone(ada)
    await ada.get_by_role("link", name="Zur Anmeldung").click()
    await ada.get_by_role("heading", level=1, name=f"Teilnahmebereich: {TITLE}").wait_for()  # Ada is signed in

    # A team under a hostile name: shown as text, no script runs.
    await ada.get_by_label("Teamname", exact=True).fill(HOSTILE)
    await ada.get_by_label("Teamname mit den Ergebnissen veröffentlichen").check()
    await ada.get_by_role("button", name="Team gründen").click()
    await ada.get_by_text("Ihr Team ist gegründet.").wait_for()
    assert await ada.locator("#team-name-shown").inner_text() == HOSTILE
    assert await ada.locator("img").count() == 0 and "&lt;img src=x" in await ada.content()
    code = await ada.locator("#team-code").inner_text()
    assert len(code) == 9 and code[4] == "-"
    await axe(ada)
    await fits_phone(ada)

    # Grace registers on her computer, for this hackathon and for another one: signed in to both at once; signing
    # out of one leaves the other. She joins by the code Ada passes on (a mistyped code first).
    await register(grace, system, inbox, "Grace Hopper", "grace@example.org")
    await register(grace, system, inbox, "Grace H.", "grace@example.org", f"/hackathons/{SECOND}", SECOND_TITLE)
    assert sorted(c["name"] for c in await grace_context.cookies()) == [f"stadtstimme-hackathon-{SECOND}", COOKIE]
    await grace.goto(f"{system.base_url}{PAGES}/mitmachen")
    await grace.get_by_role("heading", level=1, name=f"Teilnahmebereich: {TITLE}").wait_for()
    assert "Angemeldet als Grace Hopper." in await grace.locator("main").inner_text()
    await grace.goto(f"{system.base_url}/hackathons/{SECOND}/mitmachen")
    assert "Angemeldet als Grace H." in await grace.locator("main").inner_text()
    await grace.get_by_role("button", name="Abmelden").click()
    await grace.get_by_text("Sie sind abgemeldet; Ihr persönlicher Link gilt nicht mehr.").wait_for()
    assert [c["name"] for c in await grace_context.cookies()] == [COOKIE]
    await grace.goto(f"{system.base_url}{PAGES}/mitmachen")
    await grace.get_by_label("Beitrittscode").fill("ZZZZ-ZZZZ")
    assert await posted(grace, "Team beitreten") == 422
    assert "Dieses Team gibt es nicht" in await grace.get_by_role("alert").inner_text()
    assert await grace.get_by_label("Beitrittscode").input_value() == "ZZZZ-ZZZZ"
    assert await grace.get_by_label("Beitrittscode").get_attribute("aria-invalid") == "true"
    await grace.get_by_label("Beitrittscode").fill(code)
    await grace.get_by_role("button", name="Team beitreten").click()
    await grace.get_by_text("Sie sind dem Team beigetreten.").wait_for()
    assert await grace.locator("#team-name-shown").inner_text() == HOSTILE
    assert "Ada Lovelace" in await grace.locator("main").inner_text()

    # Another team over the API, without its name published (for the vote and the results).
    karl = {"Authorization": f"Participant {await register_by_mail(api, inbox, API, 'Karl', 'karl@example.org')}"}
    await ok(await api.post(f"{API}/teams", json={"name": "Stille Truppe"}, headers=karl), 201)

    # The hackathon runs: a submission with a wrong URL first (nothing typed is lost), then saved and edited.
    await phase("hackathon_laeuft")
    await ok(await api.put(f"{API}/submissions/termine", headers=karl, json={
        "title": "Termine per Chat", "summary": "Ein Chatbot.", "description": "Bucht Termine.",
        "licence": "MIT"}))  # fmt: skip
    await ada.reload()
    section = ada.get_by_role("region", name="Challenge: Abfallkalender für alle")
    await section.get_by_label("Titel").fill("Abfuhr-App")
    await section.get_by_label("Kurzfassung").fill("Erinnert an die Abfuhr.")
    await section.get_by_label("Beschreibung").fill(DESCRIPTION)
    await section.get_by_label("Adresse des Quellcodes").fill("codeberg.org/ohne-schema")
    await section.get_by_label("Lizenz").select_option("EUPL-1.2")
    assert await posted(ada, "Einreichung speichern", section) == 422
    assert await ada.evaluate("document.activeElement.id") == "fehler"
    link = ada.get_by_role("alert").get_by_role("link")
    assert await link.get_attribute("href") == "#s-abfallkalender-repository_url"
    section = ada.get_by_role("region", name="Challenge: Abfallkalender für alle")
    repository = section.get_by_label("Adresse des Quellcodes")
    assert await repository.get_attribute("aria-invalid") == "true"
    assert await repository.input_value() == "codeberg.org/ohne-schema"
    assert await section.get_by_label("Beschreibung").input_value() == DESCRIPTION
    assert await section.get_by_label("Lizenz").input_value() == "EUPL-1.2"
    await axe(ada)
    await fits_phone(ada)
    await repository.fill("https://codeberg.org/team/abfuhr-app")
    assert await posted(ada, "Einreichung speichern", section) == 303
    await ada.get_by_text("Ihre Einreichung ist gespeichert.").wait_for()
    section = ada.get_by_role("region", name="Challenge: Abfallkalender für alle")
    assert "Gespeichert (Fassung 1)." in await section.inner_text()
    await axe(ada)
    await section.get_by_label("Kurzfassung").fill("Erinnert rechtzeitig an jede Abfuhr.")
    await section.get_by_role("button", name="Einreichung speichern").click()
    await ada.get_by_text("Gespeichert (Fassung 2).").wait_for()
    section = ada.get_by_role("region", name="Challenge: Abfallkalender für alle")
    assert await section.get_by_label("Kurzfassung").input_value() == "Erinnert rechtzeitig an jede Abfuhr."

    # The community vote: Grace votes for the other team's submission (its name stays unpublished).
    await phase("einreichung_geschlossen")
    await grace.reload()
    frozen = grace.get_by_role("region", name="Challenge: Abfallkalender für alle")
    assert await frozen.get_by_role("button").count() == 0 and "Abfuhr-App" in await frozen.inner_text()
    choice = grace.get_by_label("Termine per Chat (Termine ohne Warten)")
    await choice.check()
    await grace.get_by_role("button", name="Stimme abgeben").click()
    await grace.get_by_text("Ihre Stimme ist gezählt.").wait_for()
    assert await grace.get_by_label("Termine per Chat (Termine ohne Warten)").is_checked()
    await axe(grace)

    # Judging: one juror scores both submissions alike (a tie), a statement and a prize; then the results.
    add_staff(system, "jurorin", "unit_staff", "abfallwirtschaft")
    await ok(await api.post(f"{API}/jurors", json={"juror": "jurorin"}, headers=admin), 201)
    await phase("jurierung")
    jury = (await ok(await api.get(f"{API}/jury", headers=admin)))["submissions"]
    ours = next(s["submission_id"] for s in jury if s["challenge_id"] == "abfallkalender")
    juror = await sign_in(system, "jurorin")
    for s in jury:
        scored = await juror.put(f"{API}/scorecards/{s['submission_id']}", headers={"Origin": system.base_url},
                                 json={"scores": {"nutzen": 8, "umsetzbarkeit": 6}})  # fmt: skip
        assert scored.status_code == 200, scored.text
    await juror.aclose()
    await ok(await api.put(f"{API}/statements/{ours}", headers=admin, json={"statement": "Sofort nutzbar."}))
    await ok(await api.post(f"{API}/awards", headers=admin, json={
        "submission_id": ours, "amount_cents": 100_000, "title": "Preis der Jury",
        "justification": "Überzeugt."}), 201)  # fmt: skip
    await phase("ergebnisse_veroeffentlicht")
    await grace.goto(f"{system.base_url}{PAGES}")
    entries = await grace.locator("ol.ranking > li").all_inner_texts()
    assert len(entries) == 2 and all(e.startswith("Platz 1 (gleichauf)") for e in entries), entries
    mine = next(e for e in entries if "Abfuhr-App" in e)
    assert HOSTILE in mine and "7,20" in mine and "Sofort nutzbar." in mine and "1.000,00 €" in mine
    theirs = next(e for e in entries if "Termine per Chat" in e)
    assert "Name nicht veröffentlicht" in theirs and "Stille Truppe" not in await grace.content()
    assert "Stimmen im Publikumspreis\n1" in theirs
    assert await grace.locator("img").count() == 0
    await axe(grace)

    # The personal link signs in on another device; a wrong one is refused.
    [grace_link] = [c["value"] for c in await grace_context.cookies() if c["name"] == COOKIE]
    phone_context, phone = await new_page(browser, dialogs, viewport=PHONE)
    assert await follow(phone, f"{system.base_url}{PAGES}/zugang/{grace_link}") == 303
    await phone.get_by_role("heading", level=1, name=f"Teilnahmebereich: {TITLE}").wait_for()
    assert "Angemeldet als Grace Hopper." in await phone.locator("main").inner_text()
    assert await follow(phone, f"{system.base_url}{PAGES}/zugang/falsch") == 401
    await phone.get_by_role("heading", level=1, name="Dieser Link ist ungültig").wait_for()
    await axe(phone)
    await phone_context.close()

    # Cross-site POSTs are refused, with Ada's cookie and all (nothing is erased).
    [token] = [c["value"] for c in await ada_context.cookies() if c["name"] == COOKIE]
    signed_in = {"Cookie": f"{COOKIE}={token}"}
    for origin in ({"Origin": "https://boese.example"}, {}):
        forged = await api.post(f"{PAGES}/mitmachen/loeschen", headers=signed_in | origin)
        assert forged.status_code == 403 and "Anfrage abgelehnt" in forged.text
    assert (await ok(await api.get(f"{API}/me", headers={"Authorization": f"Participant {token}"})))["name"] == (
        "Ada Lovelace")  # fmt: skip

    # Ada downloads her data, then erases it: signed out, her link no longer works.
    await ada.goto(f"{system.base_url}{PAGES}/mitmachen")
    async with ada.expect_download() as download:
        await ada.get_by_role("link", name="Meine Daten herunterladen (JSON)").click()
    saved = await (await download.value).path()
    data = orjson.loads(Path(saved).read_bytes())
    assert (data["name"], data["email"], data["team"]["name"]) == ("Ada Lovelace", "ada@example.org", HOSTILE)
    assert [(s["title"], s["revision"]) for s in data["submissions"]] == [("Abfuhr-App", 2)]
    assert data == await ok(await api.get(f"{API}/me", headers={"Authorization": f"Participant {token}"}))
    await ada.get_by_role("link", name="Meine Daten löschen").click()
    await ada.get_by_role("heading", level=1, name="Meine Daten löschen").wait_for()
    await axe(ada)
    await fits_phone(ada)
    await ada.get_by_role("button", name="Meine Daten endgültig löschen").click()
    await ada.get_by_text("Ihre Daten sind gelöscht.").wait_for()
    assert await ada_context.cookies() == []
    await ada.goto(f"{system.base_url}{PAGES}/mitmachen")
    assert ada.url.endswith(f"{PAGES}/anmeldung")
    gone = await api.post(f"{PAGES}/zugang/{token}", headers={"Origin": system.base_url})
    assert gone.status_code == 401
    await grace.goto(f"{system.base_url}{PAGES}/mitmachen")
    assert "Ada Lovelace" not in await grace.locator("main").inner_text()

    assert dialogs == []
    await ada_context.close()
    await grace_context.close()
    await api.aclose()


def test_every_text_of_the_pages_is_in_the_catalogue() -> None:
    """Whole keys in the templates, and the keys built from a code: notices, message pages, licences, errors."""
    used = set()
    for template in (Path(pages.__file__).parent / "templates").glob("hackathon_*.html"):
        used |= set(re.findall(r'\bt\("([a-z_.0-9]*[a-z_0-9])"[,)]', template.read_text(encoding="utf-8")))
    built = {f"hackathon.page.notice.{n}" for n in (*pages.AREA_NOTICES, *pages.PUBLIC_NOTICES)}
    shown = ("not_found", "cross_site", "invalid_link", "check_mail", "link_expired", "confirm_unavailable",
             "too_many", "token_expired", "sign_in_link_expired")  # fmt: skip
    built |= {f"hackathon.page.{n}.{p}" for n in (*shown, "link_sent") for p in ("title", "body")}
    built |= {f"hackathon.mail.{kind}.{p}" for kind in ("confirm", "registered", "link") for p in ("subject", "body")}
    built |= {f"hackathon.refused.{code}" for code in ("unknown_link", "link_expired", "sign_in_link_expired",
                                                        "token_expired", "too_many")}  # fmt: skip
    built |= {f"hackathon.page.licence.{licence}" for licence in LICENCES}
    forms = (("register", RegisterBody), ("team", TeamBody), ("join", JoinBody), ("submission", SubmissionBody),
             ("vote", VoteBody))  # fmt: skip
    built |= {f"hackathon.page.error.{f}.{field}" for f, model in forms for field in model.model_fields}
    built.discard("hackathon.page.error.team.publish_name")  # a checkbox: never invalid
    assert len(used) > 100
    assert sorted((used | built) - set(CATALOGUE)) == []
