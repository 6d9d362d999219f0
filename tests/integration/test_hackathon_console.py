"""The hackathon in the staff console, in headless Chromium against the real system: an administrator moves the
phase and invites a juror (an unknown account first); jurors score (a wrong phase and a conflict of interest
refused with the German reason, the scores prefilled); the administrator excludes a scorecard (a too short reason
first), saves a statement, grants prizes up to the year's budget and one beyond it (refused, nothing granted) and
reads the ranking with its counts; unit staff outside the jury neither score nor see the ranking; cross-site
POSTs are refused. In a second hackathon still collecting challenges, unit staff post a challenge for their unit
(an invalid form first: what was typed stays, each error at its field) and revise it; another unit's staff may
not. A juror declares a conflict in the console; the administrator sets the year's budget (below what is granted:
refused) and creates a hackathon in the console (an invalid form first), which unit staff may not. axe (WCAG 2.2
AA) on every page, the overview at 375 px without horizontal scrolling. The hackathons
are set up over the JSON API with the admin token, as in ``test_hackathon``."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import httpx
from playwright.async_api import Browser, Page

from shared.db import create_pool
from tests.integration.conftest import BROWSER_ONCE
from tests.integration.system import System
from tests.integration.test_console import add_staff, sign_in, sign_in_page
from tests.integration.test_hackathon import register_by_mail
from tests.integration.test_hackathon_pages import axe, fits_phone, new_page, posted
from tests.unit.test_hackathon_mail import Inbox

pytestmark = BROWSER_ONCE

HACKATHON = "rathaus-hackt-2026"
API = f"/api/v1/hackathons/{HACKATHON}"
CONSOLE = f"/console/hackathons/{HACKATHON}"
TITLE = "Rathaus hackt 2026"
TEAMS = ("Tonnentaucher", "Parkpiloten", "Zählerfüchse")
CHALLENGE_OF = ("abfallkalender", "termine", "abfallkalender")
S1, S2, S3 = (f"Lösung von {team}" for team in TEAMS)
RANKING = "Rangfolge der Jury mit den Bewertungsbögen, die zählen und die nicht zählen"
NEXT = "stadt-hackt-2027"


async def ok(response: httpx.Response, status: int = 200) -> dict[str, Any]:
    assert response.status_code == status, response.text
    body: dict[str, Any] = response.json()
    return body


async def set_up(system: System, inbox: Inbox) -> list[str]:
    """Two challenges, three teams (the first of two), one submission each, submissions closed, one juror (j1),
    a prize budget of 3,000 euros for 2026; the submissions' ids."""
    admin = system.admin
    async with httpx.AsyncClient(base_url=system.base_url, timeout=30) as c:
        await ok(await c.post("/api/v1/hackathons", headers=admin, json={
            "id": HACKATHON, "year": 2026, "title": TITLE, "description": "Zwei Challenges aus dem Rathaus.",
            "schedule": [{"phase": "jurierung", "starts_at": "2026-12-01T09:00:00+01:00"}],
            "criteria": [{"id": "nutzen", "name": "Nutzen", "weight": 60},
                         {"id": "umsetzbarkeit", "name": "Umsetzbarkeit", "weight": 40}]}), 201)  # fmt: skip

        async def phase(to: str) -> None:
            await ok(await c.post(f"{API}/phase", json={"phase": to}, headers=admin))

        await phase("challenges_sammeln")
        for challenge_id, title in (("abfallkalender", "Abfallkalender für alle"), ("termine", "Termine ohne Warten")):
            await ok(await c.put(f"{API}/challenges/{challenge_id}", headers=admin, json={
                "org_unit": "abfallwirtschaft", "title": title, "problem": "Was fehlt.", "contact": "Team Digitales",
                "expected_outcome": "Ein offener Prototyp."}))  # fmt: skip
        await phase("anmeldung_offen")
        who = []
        for n in range(4):
            token = await register_by_mail(c, inbox, API, f"Person {n}", f"person{n}@example.org")
            who.append({"Authorization": f"Participant {token}"})
        codes = [(await ok(await c.post(f"{API}/teams", json={"name": name}, headers=who[t]), 201))["code"]
                 for t, name in enumerate(TEAMS)]  # fmt: skip
        await ok(await c.post(f"{API}/teams/join", json={"code": codes[0]}, headers=who[3]))
        await phase("hackathon_laeuft")
        submissions = []
        for t, team in enumerate(TEAMS):
            body = {"title": f"Lösung von {team}", "summary": "Kurzfassung.", "description": "Beschreibung.",
                    "repository_url": f"https://code.example.org/team{t}", "licence": "EUPL-1.2"}  # fmt: skip
            saved = await ok(await c.put(f"{API}/submissions/{CHALLENGE_OF[t]}", json=body, headers=who[t]))
            submissions.append(saved["submission_id"])
        await phase("einreichung_geschlossen")
        await ok(await c.post(f"{API}/jurors", json={"juror": "j1"}, headers=admin), 201)
        await ok(await c.put("/api/v1/hackathons/budgets/2026", json={"amount_cents": 300_000}, headers=admin))
        await ok(await c.post("/api/v1/hackathons", headers=admin, json={
            "id": NEXT, "year": 2027, "title": "Stadt hackt 2027", "description": "Challenges gesucht.",
            "criteria": [{"id": "nutzen", "name": "Nutzen", "weight": 100}]}), 201)  # fmt: skip
        await ok(await c.post(f"/api/v1/hackathons/{NEXT}/phase", json={"phase": "challenges_sammeln"}, headers=admin))
    return submissions


async def invalid_field(page: Page, label: str, message: str) -> None:
    """The field is marked invalid and its description carries the error message."""
    field = page.get_by_label(label, exact=True)
    assert await field.get_attribute("aria-invalid") == "true", label
    described = (await field.get_attribute("aria-describedby") or "").split()
    texts = [await page.locator(f"#{i}").inner_text() for i in described]
    assert message in texts, (label, texts)


async def unit_staff_post_and_revise_a_challenge(browser: Browser, system: System, dialogs: list[str]) -> None:
    base, console = system.base_url, f"/console/hackathons/{NEXT}"
    context, j1 = await new_page(browser, dialogs)
    await sign_in_page(j1, system, "j1")
    await j1.goto(f"{base}{console}")
    await j1.get_by_role("link", name="Neue Challenge stellen").click()
    await j1.get_by_role("heading", level=1, name="Neue Challenge").wait_for()
    await axe(j1)
    assert await j1.get_by_label("Organisationseinheit").locator("option").all_inner_texts() == [
        "Abfallwirtschaftsbetrieb Musterstadt"
    ]
    await j1.get_by_label("Titel", exact=True).fill("ab")
    await j1.get_by_label("Problembeschreibung").fill("Wann kommt die Tonne? Der Kalender ist schwer zu finden.")
    await j1.get_by_label("Verfügbare Daten (Links) (freiwillig)").fill(
        "https://opendata.example.org/abfall\nkein Link"
    )
    await j1.get_by_label("Kontakt").fill("digital@abfall.example")
    await j1.get_by_label("Erwartetes Ergebnis").fill("Ein offener Prototyp.")
    await j1.get_by_label("Thema der Kommentare (freiwillig)").fill("Termin")
    assert await posted(j1, "Challenge speichern") == 422
    title_error = "Bitte geben Sie einen Titel mit 3 bis 160 Zeichen ein."
    links_error = "Bitte geben Sie je Zeile eine vollständige Web-Adresse an (https://…), höchstens 20."
    assert await j1.get_by_role("alert").locator("li").all_inner_texts() == [title_error, links_error]
    await invalid_field(j1, "Titel", title_error)
    await invalid_field(j1, "Verfügbare Daten (Links) (freiwillig)", links_error)
    assert await j1.get_by_label("Kontakt").get_attribute("aria-invalid") is None
    assert await j1.get_by_label("Problembeschreibung").input_value() == (
        "Wann kommt die Tonne? Der Kalender ist schwer zu finden."
    )  # what was typed stays
    assert await j1.get_by_label("Thema der Kommentare (freiwillig)").input_value() == "Termin"
    await axe(j1)
    await j1.get_by_label("Titel", exact=True).fill("Tonnen-Termine für alle")
    await j1.get_by_label("Verfügbare Daten (Links) (freiwillig)").fill("https://opendata.example.org/abfall")
    await j1.get_by_role("button", name="Challenge speichern").click()
    await j1.get_by_text("Die Challenge ist gespeichert.").wait_for()
    assert await rows(j1, "Challenges der Verwaltung") == ["Tonnen-Termine für alle\tabfallwirtschaft\t1"]
    await j1.get_by_role("link", name="Tonnen-Termine für alle").click()
    await j1.get_by_role("heading", level=1, name="Challenge bearbeiten: Tonnen-Termine für alle").wait_for()
    assert await j1.get_by_label("Kontakt").input_value() == "digital@abfall.example"  # prefilled
    await axe(j1)
    await j1.get_by_label("Titel", exact=True).fill("Tonnen-Termine für alle, barrierefrei")
    await j1.get_by_role("button", name="Challenge speichern").click()
    await j1.get_by_text("Die Challenge ist gespeichert.").wait_for()
    assert await rows(j1, "Challenges der Verwaltung") == ["Tonnen-Termine für alle, barrierefrei\tabfallwirtschaft\t2"]
    public = await httpx.AsyncClient(base_url=base).get(f"/hackathons/{NEXT}")
    assert "Tonnen-Termine für alle, barrierefrei" in public.text
    await context.close()

    # Another unit's staff: no link to revise, the page refused, a crafted POST for another unit refused.
    bauamt = await sign_in(system, "bauamt")
    try:
        overview = await bauamt.get(console)
        assert "/challenges/tonnen-termine-fuer-alle" not in overview.text
        page = await bauamt.get(f"{console}/challenges/tonnen-termine-fuer-alle")
        assert page.status_code == 403 and "gehört nicht zu Ihren Organisationseinheiten" in page.text
        crafted = await bauamt.post(f"{console}/challenges/neu", headers={"Origin": base}, data={
            "org_unit": "abfallwirtschaft", "title": "Fremde Challenge", "problem": "x", "contact": "y",
            "expected_outcome": "z"})  # fmt: skip
        assert crafted.status_code == 403
        assert "gehört nicht zu Ihren Organisationseinheiten" in crafted.text
        revised = await bauamt.post(f"{console}/challenges/tonnen-termine-fuer-alle", headers={"Origin": base},
                                    data={"org_unit": "bauamt", "title": "Gekapert", "problem": "x", "contact": "y",
                                          "expected_outcome": "z"})  # fmt: skip
        assert revised.status_code == 403 and "gehört nicht zu Ihren Organisationseinheiten" in revised.text
    finally:
        await bauamt.aclose()


async def administrator_creates_a_hackathon(browser: Browser, system: System, dialogs: list[str]) -> None:
    """The administrator creates "Stadt hackt" of 2027: ``stadt-hackt-2027`` is taken (NEXT), so its id gets ``-2``."""
    base = system.base_url
    context, admin = await new_page(browser, dialogs)
    await sign_in_page(admin, system, "chefin")
    await admin.goto(f"{base}/console/hackathons")
    await admin.get_by_role("link", name="Neuen Hackathon anlegen").click()
    await admin.get_by_role("heading", level=1, name="Neuer Hackathon").wait_for()
    next_year = str(datetime.now(ZoneInfo("Europe/Berlin")).year + 1)
    assert await admin.get_by_label("Jahr").input_value() == next_year
    assert await admin.get_by_label("Kriterium 4: Name").input_value() == "Qualität der Präsentation"
    assert await admin.get_by_label("Kriterium 4: Gewichtung").input_value() == "15"
    assert await admin.get_by_label("Höchstzahl je Team").input_value() == "5"
    await axe(admin)
    await admin.get_by_label("Titel", exact=True).fill("ab")
    await admin.get_by_label("Jahr").fill("2027")
    await admin.get_by_label("Beschreibung").fill("Mobilität in Musterstadt.")
    await admin.get_by_label("Jurierung: Datum").fill("1.12.2027")
    await admin.get_by_label("Jurierung: Uhrzeit").fill("9:00")
    await admin.get_by_label("Kriterium 2: Gewichtung").fill("viel")
    await admin.get_by_label("Kriterium 5: Name").fill("Barrierefreiheit")
    await admin.get_by_label("Kriterium 5: Gewichtung").fill("zehn")
    await admin.get_by_label("Abstimmung der Teilnehmenden (Community-Voting)").check()
    assert await posted(admin, "Hackathon anlegen") == 422
    title_error = "Bitte geben Sie einen Titel mit 3 bis 160 Zeichen ein."
    weight_error = "Kriterium {}: Bitte geben Sie die Gewichtung als ganze Zahl von 1 bis 100 an."
    assert await admin.get_by_role("alert").locator("li").all_inner_texts() == [
        title_error, weight_error.format(2), weight_error.format(5)]  # fmt: skip
    await invalid_field(admin, "Titel", title_error)
    await invalid_field(admin, "Kriterium 2: Gewichtung", weight_error.format(2))
    await invalid_field(admin, "Kriterium 5: Gewichtung", weight_error.format(5))
    assert await admin.get_by_label("Kriterium 2: Name").get_attribute("aria-invalid") is None
    assert await admin.get_by_label("Jurierung: Datum").input_value() == "1.12.2027"  # what was typed stays
    assert await admin.get_by_label("Kriterium 5: Name").input_value() == "Barrierefreiheit"
    assert await admin.get_by_label("Abstimmung der Teilnehmenden (Community-Voting)").is_checked()
    await axe(admin)
    await admin.get_by_label("Titel", exact=True).fill("Stadt hackt")
    await admin.get_by_label("Kriterium 2: Gewichtung").fill("25")
    await admin.get_by_label("Kriterium 5: Name").fill("")
    await admin.get_by_label("Kriterium 5: Gewichtung").fill("")  # an empty row does not count
    await admin.get_by_role("button", name="Hackathon anlegen").click()
    await admin.get_by_text("Der Hackathon ist angelegt.").wait_for()
    assert admin.url.endswith("/console/hackathons/stadt-hackt-2027-2?ok=created")
    await admin.get_by_role("heading", level=1, name="Stadt hackt (2027)").wait_for()
    main = await admin.locator("main").inner_text()
    assert "Aktuelle Phase: Entwurf" in main and "Community-Voting\nja" in main
    assert await rows(admin, "Geplanter Beginn der Phasen") == ["Jurierung\t01.12.2027, 09:00 Uhr"]
    assert await rows(admin, "Kriterien der Jury und ihre Gewichtung") == [
        "Nutzen für die Stadtgesellschaft\t40", "Umsetzbarkeit\t25", "Innovation\t20",
        "Qualität der Präsentation\t15"]  # fmt: skip
    await axe(admin)
    await context.close()

    # Unit staff: no link, the form refused (403), a crafted POST refused.
    bauamt = await sign_in(system, "bauamt")
    try:
        assert "Neuen Hackathon anlegen" not in (await bauamt.get("/console/hackathons")).text
        form = await bauamt.get("/console/hackathons/neu")
        assert form.status_code == 403 and "Dafür fehlt Ihnen die Berechtigung." in form.text
        crafted = await bauamt.post("/console/hackathons/neu", headers={"Origin": base},
                                    data={"title": "Bauamt hackt", "year": "2027", "description": "x",
                                          "criterion-1-name": "Nutzen", "criterion-1-weight": "100"})  # fmt: skip
        assert crafted.status_code == 403
    finally:
        await bauamt.aclose()


async def rows(page: Page, caption: str) -> list[str]:
    return await page.get_by_role("region", name=caption).locator("tbody tr").all_inner_texts()


async def score(page: Page, system: System, submission: str, **scores: str) -> None:
    await page.goto(f"{system.base_url}{CONSOLE}/bewertung/{submission}")
    for label, value in scores.items():
        await page.get_by_label(label).select_option(value)
    await page.get_by_role("button", name="Bewertung speichern").click()
    await page.get_by_text("Ihre Bewertung ist gespeichert.").wait_for()


async def test_staff_run_the_hackathon_in_the_console(mailing: tuple[System, Inbox], browser: Browser) -> None:
    system, inbox = mailing
    add_staff(system, "chefin", "administrator")
    for name in ("j1", "j2"):
        add_staff(system, name, "unit_staff", "abfallwirtschaft")
    add_staff(system, "bauamt", "unit_staff", "bauamt")
    submissions = await set_up(system, inbox)
    base = system.base_url
    origin = {"Origin": base}
    dialogs: list[str] = []

    anonymous = await httpx.AsyncClient(base_url=base).get("/console/hackathons")
    assert anonymous.status_code == 303 and anonymous.headers["location"] == "/console/login"

    # J1 tries to score before the jury phase: the form, the German reason on saving.
    j1_context, j1 = await new_page(browser, dialogs)
    await sign_in_page(j1, system, "j1")
    await j1.goto(f"{base}{CONSOLE}/bewertung/{submissions[0]}")
    await j1.get_by_role("heading", level=1, name=f"Bewertung: {S1}").wait_for()
    assert "jetzt ist die Phase „Einreichung geschlossen“" in await j1.locator("main").inner_text()
    await axe(j1)
    await j1.get_by_label("Nutzen (Gewichtung 60)").select_option("7")
    assert await posted(j1, "Bewertung speichern") == 409
    alert = await j1.get_by_role("alert").inner_text()
    assert alert == "Das ist in der Phase „Einreichung geschlossen“ nicht möglich."
    assert await j1.get_by_label("Nutzen (Gewichtung 60)").input_value() == "7"  # what was chosen stays
    await axe(j1)

    # The administrator: the list, the overview, an unknown juror refused, J2 invited, on to the jury phase.
    admin_context, admin = await new_page(browser, dialogs)
    await sign_in_page(admin, system, "chefin")
    await admin.get_by_role("link", name="Hackathons", exact=True).click()
    await admin.get_by_role("heading", level=1, name="Hackathons").wait_for()
    assert await rows(admin, "Alle Hackathons mit ihrer Phase") == [
        "Stadt hackt 2027\t2027\tChallenges sammeln",
        f"{TITLE}\t2026\tEinreichung geschlossen",
    ]
    await axe(admin)
    await admin.get_by_role("link", name=TITLE).click()
    await admin.get_by_role("heading", level=1, name=f"{TITLE} (2026)").wait_for()
    main = await admin.locator("main").inner_text()
    assert "Aktuelle Phase: Einreichung geschlossen" in main and "01.12.2026, 09:00 Uhr" in main
    assert await rows(admin, "Teams und ihre Größe") == ["Tonnentaucher\t2", "Parkpiloten\t1", "Zählerfüchse\t1"]
    assert (await rows(admin, "Eingereichte Lösungen"))[1].startswith(f"{S2}\tParkpiloten\tTermine ohne Warten\t")
    assert "Budget\n3.000,00 €" in main and "Übrig\n3.000,00 €" in main
    await axe(admin)
    await admin.get_by_label("Benutzername eines Mitarbeiterkontos").fill("niemand")
    assert await posted(admin, "In die Jury einladen") == 422
    assert await admin.get_by_role("alert").inner_text() == "Es gibt kein aktives Mitarbeiterkonto „niemand“."
    await axe(admin)
    await admin.get_by_label("Benutzername eines Mitarbeiterkontos").fill("j2")
    await admin.get_by_role("button", name="In die Jury einladen").click()
    await admin.get_by_text("Die Einladung in die Jury ist gespeichert.").wait_for()
    assert "In der Jury: j1, j2" in await admin.locator("main").inner_text()
    await admin.get_by_role("button", name="Weiter zu „Jurierung“").click()
    await admin.get_by_text("Die Phase ist geändert.").wait_for()
    assert "Aktuelle Phase: Jurierung" in await admin.locator("main").inner_text()
    await axe(admin)

    # J1 scores all three over the API, then declares a conflict with the third team: that scorecard no longer
    # counts, and the scorecard page says why J1 cannot score it.
    j1_api = await sign_in(system, "j1")
    try:
        for submission, values in zip(submissions, ((7, 8), (5, 5), (6, 6)), strict=True):
            scores = dict(zip(("nutzen", "umsetzbarkeit"), values, strict=True))
            await ok(await j1_api.put(f"{API}/scorecards/{submission}", json={"scores": scores}, headers=origin))
        teams = (await ok(await j1_api.get(f"{API}/jury")))["teams"]
        third = next(t["id"] for t in teams if t["name"] == "Zählerfüchse")
        await ok(await j1_api.post(f"{API}/conflicts", json={"team_id": third, "reason": "Betreut das Team."},
                                   headers=origin), 201)  # fmt: skip
        refused = await j1_api.post(f"{CONSOLE}/bewertung/{submissions[2]}", headers=origin,
                                    data={"score-nutzen": "10", "score-umsetzbarkeit": "10"})  # fmt: skip
        assert refused.status_code == 409 and "Wegen eines Interessenkonflikts können Sie" in refused.text
    finally:
        await j1_api.aclose()
    await j1.goto(f"{base}{CONSOLE}/bewertung/{submissions[2]}")
    assert (
        "einen Interessenkonflikt mit dem Team erklärt („Betreut das Team.“)" in await j1.locator("main").inner_text()
    )
    assert await j1.get_by_role("button", name="Bewertung speichern").count() == 0
    await axe(j1)
    await j1_context.close()

    # J2 scores in the browser: my scorecards, a complete one, a second, an incomplete one; the scores prefilled.
    j2_context, j2 = await new_page(browser, dialogs)
    await sign_in_page(j2, system, "j2")
    await j2.goto(f"{base}{CONSOLE}")
    mine = "Die Einreichungen und der Stand Ihrer Bewertung"
    assert await rows(j2, mine) == [f"{S1}\tnoch nicht bewertet", f"{S2}\tnoch nicht bewertet",
                                    f"{S3}\tnoch nicht bewertet"]  # fmt: skip
    await j2.get_by_role("link", name=S1, exact=True).click()
    await j2.get_by_role("heading", level=1, name=f"Bewertung: {S1}").wait_for()
    assert "jetzt ist die Phase" not in await j2.locator("main").inner_text()
    await axe(j2)
    await j2.get_by_label("Nutzen (Gewichtung 60)").select_option("8")
    await j2.get_by_label("Umsetzbarkeit (Gewichtung 40)").select_option("6")
    await j2.get_by_label("Kommentar (freiwillig)").fill("Klar und nützlich.")
    await j2.get_by_role("button", name="Bewertung speichern").click()
    await j2.get_by_text("Ihre Bewertung ist gespeichert.").wait_for()
    await axe(j2)
    await score(j2, system, submissions[1], **{"Nutzen (Gewichtung 60)": "9", "Umsetzbarkeit (Gewichtung 40)": "9"})
    await score(j2, system, submissions[2], **{"Nutzen (Gewichtung 60)": "6"})
    assert await rows(j2, mine) == [f"{S1}\tvollständig", f"{S2}\tvollständig", f"{S3}\tunvollständig"]
    assert (await rows(j2, RANKING))[0] == f"{S1}\t1\t7,30\t2\t0\t0\t0"  # (7.4 + 7.2) / 2; jurors see the ranking
    await j2.goto(f"{base}{CONSOLE}/bewertung/{submissions[0]}")
    assert await j2.get_by_label("Nutzen (Gewichtung 60)").input_value() == "8"
    assert await j2.get_by_label("Kommentar (freiwillig)").input_value() == "Klar und nützlich."
    await j2_context.close()

    # The administrator excludes J2's scorecard for S2 (a too short reason first) and saves a statement.
    await admin.reload()
    await admin.get_by_label("Bewertungsbogen", exact=True).select_option(label=f"j2: {S2}")
    await admin.get_by_label("Begründung des Ausschlusses").fill("kurz")
    assert await posted(admin, "Ausschließen") == 422
    assert "mindestens 10 Zeichen" in await admin.get_by_role("alert").inner_text()
    await admin.get_by_label("Bewertungsbogen", exact=True).select_option(label=f"j2: {S2}")
    await admin.get_by_label("Begründung des Ausschlusses").fill("Bogen versehentlich vertauscht.")
    await admin.get_by_role("button", name="Ausschließen").click()
    await admin.get_by_text("Der Bewertungsbogen ist ausgeschlossen.").wait_for()
    await admin.locator("#statement-submission").select_option(label=S1)
    await admin.get_by_label("Stellungnahme", exact=True).fill("Die Jury lobt die Klarheit.")
    await admin.get_by_role("button", name="Stellungnahme speichern").click()
    await admin.get_by_text("Die Stellungnahme ist gespeichert.").wait_for()

    # Prizes: 2.500 euros, then 600 beyond the 500 left (refused, nothing granted), then the 500.
    async def grant(submission: str, amount: str, title: str) -> int:
        await admin.locator("#award-submission").select_option(label=submission)
        await admin.get_by_label("Betrag in Euro").fill(amount)
        await admin.get_by_label("Bezeichnung des Preises").fill(title)
        await admin.get_by_label("Begründung", exact=True).fill("Überzeugt die Jury.")
        return await posted(admin, "Preis vergeben")

    assert await grant(S1, "2.500", "1. Preis") == 303
    await admin.get_by_text("Der Preis ist vergeben.").wait_for()
    assert await grant(S2, "zwei", "2. Preis") == 422
    assert "zum Beispiel 2.500 oder 2500,00" in await admin.get_by_role("alert").inner_text()
    await invalid_field(admin, "Betrag in Euro", await admin.get_by_role("alert").inner_text())
    assert await admin.get_by_label("Betrag in Euro").input_value() == "zwei"  # what was typed stays
    assert await admin.get_by_label("Bezeichnung des Preises").input_value() == "2. Preis"
    assert await grant(S2, "600,00", "2. Preis") == 409
    assert await admin.get_by_role("alert").inner_text() == (
        "Das übersteigt das Hackathon-Budget 2026 (Ausgaben und Preise zusammen): es sind noch 500,00 € übrig."
    )
    assert await rows(admin, "Vergebene Preise") == [f"1. Preis\t{S1}\t2.500,00 €"]
    await axe(admin)
    assert await grant(S2, "500", "2. Preis") == 303
    await admin.get_by_text("Der Preis ist vergeben.").wait_for()
    main = await admin.locator("main").inner_text()
    assert "Preise vergeben\n3.000,00 €" in main and "Übrig\n0,00 €" in main
    assert await rows(admin, "Vergebene Preise") == [f"1. Preis\t{S1}\t2.500,00 €", f"2. Preis\t{S2}\t500,00 €"]
    # The budget: below the 3,000 euros granted refused (what was typed stays), then raised to 4,000.
    await admin.get_by_label("Hackathon-Budget 2026 in Euro").fill("2.000")
    assert await posted(admin, "Budget speichern") == 409
    below = "Das Hackathon-Budget 2026 kann nicht unter die bereits ausgegebenen und vergebenen 3.000,00 € sinken."
    assert await admin.get_by_role("alert").inner_text() == below
    await invalid_field(admin, "Hackathon-Budget 2026 in Euro", below)
    assert await admin.get_by_label("Hackathon-Budget 2026 in Euro").input_value() == "2.000"
    await axe(admin)
    await admin.get_by_label("Hackathon-Budget 2026 in Euro").fill("4.000")
    await admin.get_by_role("button", name="Budget speichern").click()
    await admin.get_by_text("Das Hackathon-Budget ist gespeichert.").wait_for()
    main = await admin.locator("main").inner_text()
    assert "Budget\n4.000,00 €" in main and "Übrig\n1.000,00 €" in main
    # The ranking with its counts: S2 only J1's 5,00 (J2's excluded); S3 none (J1 conflicted, J2 incomplete).
    assert await rows(admin, RANKING) == [
        f"{S1}\t1\t7,30\t2\t0\t0\t0",
        f"{S2}\t2\t5,00\t1\t1\t0\t0",
        f"{S3}\t–\t–\t0\t0\t1\t1",
    ]
    await axe(admin)
    await admin.set_viewport_size({"width": 375, "height": 812})  # PHONE
    await admin.reload()
    await fits_phone(admin)
    await axe(admin)
    await admin_context.close()

    # J2 declares a conflict with Zählerfüchse in the console (a blank reason first): S3's scorecard page then
    # says why J2 cannot score it.
    j2_context, j2 = await new_page(browser, dialogs)
    await sign_in_page(j2, system, "j2")
    await j2.goto(f"{base}{CONSOLE}")
    await j2.get_by_label("Team", exact=True).select_option(label="Zählerfüchse")
    await j2.get_by_label("Grund", exact=True).fill("   ")
    assert await posted(j2, "Interessenkonflikt erklären") == 422
    blank = "Bitte nennen Sie den Grund des Interessenkonflikts."
    await invalid_field(j2, "Grund", blank)
    await axe(j2)
    await j2.get_by_label("Grund", exact=True).fill("Mein Neffe ist im Team.")
    await j2.get_by_role("button", name="Interessenkonflikt erklären").click()
    await j2.get_by_text("Ihr Interessenkonflikt ist gespeichert").wait_for()
    assert await j2.get_by_label("Team", exact=True).locator("option").all_inner_texts() == [
        "Tonnentaucher", "Parkpiloten"]  # fmt: skip
    await j2.goto(f"{base}{CONSOLE}/bewertung/{submissions[2]}")
    assert "(„Mein Neffe ist im Team.“)" in await j2.locator("main").inner_text()
    await j2_context.close()

    await unit_staff_post_and_revise_a_challenge(browser, system, dialogs)
    await administrator_creates_a_hackathon(browser, system, dialogs)

    # Unit staff outside the jury: the overview without ranking or ledger, no scorecard page (403).
    unit_context, unit = await new_page(browser, dialogs)
    await sign_in_page(unit, system, "bauamt")
    await unit.goto(f"{base}{CONSOLE}")
    await unit.get_by_role("heading", level=1, name=f"{TITLE} (2026)").wait_for()
    assert await unit.get_by_role("heading", name="Rangfolge bisher").count() == 0
    assert await unit.get_by_role("button", name="Preis vergeben").count() == 0
    assert "Hackathon-Budget" not in await unit.locator("main").inner_text()
    await axe(unit)
    answer = await unit.goto(f"{base}{CONSOLE}/bewertung/{submissions[0]}")
    assert answer is not None and answer.status == 403
    assert "Bewerten können nur die Jurorinnen und Juroren" in await unit.get_by_role("alert").inner_text()
    await axe(unit)
    await unit_context.close()
    assert dialogs == []

    # Cross-site POSTs are refused (403) and change nothing; unit staff may not change the phase.
    chefin, bauamt = await sign_in(system, "chefin"), await sign_in(system, "bauamt")
    try:
        evil = await chefin.post(f"{CONSOLE}/phase", data={"phase": "ergebnisse_veroeffentlicht"},
                                 headers={"Origin": "https://evil.example"})  # fmt: skip
        assert evil.status_code == 403 and "nicht von den Seiten der Stadtstimme" in evil.text
        assert (await chefin.post(f"{CONSOLE}/preise", data={"submission_id": submissions[2], "amount": "1",
                "title": "Sonderpreis", "justification": "x"})).status_code == 403  # no Origin  # fmt: skip
        forbidden = await bauamt.post(f"{CONSOLE}/phase", data={"phase": "ergebnisse_veroeffentlicht"}, headers=origin)
        assert forbidden.status_code == 403 and "Berechtigung" in forbidden.text
        jury = await ok(await chefin.get(f"{API}/jury"))
        assert jury["phase"] == "jurierung" and len(jury["awards"]) == 2
    finally:
        await chefin.aclose()
        await bauamt.aclose()

    pool = await create_pool(system.settings)
    try:
        async with pool.acquire() as conn:
            actions = [r["action"] for r in await conn.fetch(
                "SELECT action FROM audit_log WHERE detail ->> 'via' = 'console' ORDER BY id")]  # fmt: skip
    finally:
        await pool.close()
    assert actions == ["hackathon_juror", "hackathon_phase", "hackathon_excluded", "hackathon_statement",
                       "hackathon_award", "hackathon_award", "hackathon_budget", "hackathon_conflict",
                       "hackathon_challenge", "hackathon_challenge", "hackathon_created"]  # fmt: skip
