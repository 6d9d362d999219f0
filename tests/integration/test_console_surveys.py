"""Survey pages of the staff console over real HTTP, Kafka and PostgreSQL: the list scoped per unit, exact results
of posted answers, free text shown as text (also in a real browser), status buttons with CSRF protection and
roles, the public survey document following a pause, the audit log, and WCAG 2.2 AA by axe."""

from __future__ import annotations

import re
import uuid
from typing import Any

import asyncpg
import httpx
import pytest
from playwright.async_api import Browser, Dialog

from tests.browser.conftest import AXE, WCAG_TAGS
from tests.integration.conftest import SERIOUS
from tests.integration.system import System
from tests.integration.test_console import PASSWORD, add_staff
from tests.integration.test_surveys import survey_staff, until_served, wait_parts

SURVEY = "buergeramt-zufriedenheit"
PAGE = "https://www.musterstadt.de/buergeramt/termine"
CONSOLE = f"/console/surveys/{SURVEY}"
HOSTILE = '<script>alert("xss")</script><img src=x onerror=alert(document.domain)> Bitte mehr Termine'
TITLE = "Zufriedenheit mit dem Bürgeramt"


def definition() -> dict[str, Any]:
    return {
        "id": SURVEY,
        "org_unit": "buergeramt",
        "title": {"de": TITLE},
        "questions": [
            {"id": "gefunden", "type": "yes_no", "text": {"de": "Haben Sie gefunden, was Sie suchten?"}},
            {"id": "kanal", "type": "single", "text": {"de": "Wie haben Sie uns kontaktiert?"}, "options": [
                {"id": "online", "label": {"de": "Online"}}, {"id": "telefon", "label": {"de": "Telefon"}},
                {"id": "vor-ort", "label": {"de": "Vor Ort"}}]},
            {"id": "themen", "type": "multiple", "text": {"de": "Worum ging es?"}, "options": [
                {"id": "termine", "label": {"de": "Termine"}}, {"id": "gebuehren", "label": {"de": "Gebühren"}},
                {"id": "unterlagen", "label": {"de": "Unterlagen"}}]},
            {"id": "zufrieden", "type": "rating", "text": {"de": "Wie zufrieden sind Sie?"}, "required": True},
            {"id": "empfehlen", "type": "nps", "text": {"de": "Würden Sie uns empfehlen?"}},
            {"id": "anmerkung", "type": "text", "text": {"de": "Was sollen wir verbessern?"}},
        ],
        "targeting": {"sites": ["portal"], "include": ["/buergeramt/*"]},
    }  # fmt: skip


@pytest.fixture
def system(survey_system: System) -> System:
    return survey_system  # with ingest re-reading surveys every 0.2 s and a 1 s browser cache


def part(response_id: str, answers: dict[str, Any], **extra: Any) -> dict[str, Any]:
    return {"event_id": str(uuid.uuid4()), "response_id": response_id, "survey_id": SURVEY, "version": 1,
            "site": "portal", "page_url": PAGE, "answers": answers, "elapsed_ms": 8000, **extra}  # fmt: skip


async def active_survey_with_answers(system: System) -> None:
    """The survey defined and activated through the staff API, then three counted responses and two dismissals
    (one of them without any answer) posted through the public API and projected."""
    r = [str(uuid.uuid4()) for _ in range(4)]
    parts = [
        part(r[0], {"gefunden": True, "kanal": "online", "themen": ["termine", "gebuehren"], "zufrieden": 5}),
        part(r[0], {"empfehlen": 10}),
        part(r[0], {"anmerkung": HOSTILE}),
        part(r[1], {"gefunden": False, "kanal": "telefon", "themen": ["termine"], "zufrieden": 2, "empfehlen": 3}),
        part(r[2], {"gefunden": True, "zufrieden": 4}),
        part(r[2], {}, dismissed=True),
        part(r[3], {}, dismissed=True),
    ]
    async with httpx.AsyncClient(base_url=system.base_url, headers=system.admin, timeout=30) as admin:
        created = await admin.put(f"/api/v1/staff/surveys/{SURVEY}", json={"definition": definition(),
                                                                           "status": "active"})  # fmt: skip
        assert created.status_code == 200, created.text
        await until_served(admin, True, survey=SURVEY)
        for body in parts:
            answer = await admin.post("/api/v1/survey-responses", json=body)
            assert answer.status_code == 202, answer.text
    await wait_parts(system, len(parts))


def without_nonce(html: str) -> str:
    return re.sub(r'nonce="[^"]*"', "", html)


async def test_survey_pages_scoping_results_and_status(system: System) -> None:
    await active_survey_with_answers(system)
    own, other, analyst = await survey_staff(system)
    origin = {"Origin": system.base_url}
    try:
        # Not signed in: to the sign-in page. The overview links to the surveys.
        anonymous = httpx.AsyncClient(base_url=system.base_url)
        for path in ("/console/surveys", CONSOLE):
            assert (await anonymous.get(path)).headers["location"] == "/console/login"
        assert 'href="/console/surveys"' in (await own.get("/console/")).text

        # The list: scoped per unit.
        listed = await own.get("/console/surveys")
        assert listed.status_code == 200 and "unsafe-inline" not in listed.headers["content-security-policy"]
        assert f'<a href="{CONSOLE}">{TITLE}</a>' in listed.text
        assert '<td class="text">Bürgeramt</td>' in listed.text and '<td class="text">aktiv</td>' in listed.text
        assert "<td>1</td>\n      <td>3</td>" in listed.text  # current version, responses over all versions
        assert TITLE in (await analyst.get("/console/surveys")).text
        hidden = await other.get("/console/surveys")
        assert hidden.status_code == 200 and TITLE not in hidden.text and SURVEY not in hidden.text
        assert "Für Ihr Konto sind keine Umfragen sichtbar." in hidden.text

        # Another unit's survey answers the same 404 page as a survey that does not exist, or a version.
        foreign, unknown = await other.get(CONSOLE), await other.get("/console/surveys/gibt-es-nicht")
        assert foreign.status_code == unknown.status_code == 404
        assert without_nonce(foreign.text) == without_nonce(unknown.text) and SURVEY not in foreign.text
        for version in ("2", "0", "abc", "1e3"):
            assert (await own.get(CONSOLE, params={"version": version})).status_code == 404

        # The results: exact counts and shares, German labels, mean and NPS, the free text as text.
        shown = await own.get(CONSOLE)
        assert shown.status_code == 200
        html = shown.text
        assert f"<h1>{TITLE}</h1>" in html and "<dt>Status</dt><dd>aktiv</dd>" in html
        assert 'href="/console/surveys/buergeramt-zufriedenheit?version=1" aria-current="page">' in html
        for fact, value in (
            ("Antworten (gezählt)", "3"),
            ("Bis zur letzten Frage beantwortet", "1"),
            ("Abschlussquote", "33 %"),
            ("Weggeklickt", "2"),
            ("davon ohne jede Antwort", "1"),
        ):
            assert f"<dt>{fact}</dt><dd>{value}</dd>" in html, fact
        rows = re.findall(r'<tr><th scope="row">([^<]*)</th><td>(\d+)</td><td>([^<]*)</td></tr>', html)
        assert rows[:8] == [
            ("Ja", "2", "67 %"), ("Nein", "1", "33 %"),
            ("Online", "1", "50 %"), ("Telefon", "1", "50 %"), ("Vor Ort", "0", "0 %"),
            ("Termine", "2", "100 %"), ("Gebühren", "1", "50 %"), ("Unterlagen", "0", "0 %"),
        ]  # fmt: skip
        assert [c for _, c, _ in rows[8:13]] == ["0", "1", "0", "1", "1"]  # rating 1–5
        assert [c for _, c, _ in rows[13:24]] == ["0", "0", "0", "1", "0", "0", "0", "0", "0", "0", "1"]  # NPS
        assert "<dt>Mittelwert</dt><dd>3,67</dd>" in html and "<dt>Mittelwert</dt><dd>6,50</dd>" in html
        assert "<dt>NPS</dt><dd>0 (1 Förderer, 1 Kritiker)</dd>" in html
        assert "<caption>Verteilung der 3 Antworten auf Frage 1</caption>" in html
        assert 'role="img" aria-label="Balkendiagramm zu „Haben Sie gefunden, was Sie suchten?“: Ja: 2 (67 %)' in html
        assert html.count('<th scope="col">') == 3 * 5 + 3  # five distributions and the days
        assert (
            "&lt;script&gt;alert(&#34;xss&#34;)&lt;/script&gt;&lt;img src=x onerror=alert(document.domain)&gt;" in html
        )
        assert "<script" not in html and "<img" not in html
        assert "keine Seitenaufrufe importiert" in html
        assert re.search(r'<tr><th scope="row">\d\d\.\d\d\.\d{4}</th><td>3</td><td>2</td></tr>', html)
        csv_link = "/api/v1/staff/surveys/buergeramt-zufriedenheit/results.csv?version=1"
        assert f'<a href="{csv_link}" download>' in html
        exported = await own.get(csv_link)
        assert exported.status_code == 200 and "Ja;2;0,6667" in exported.content.decode("utf-8-sig")

        # Buttons only for who may change it; an analyst's forged post is refused, another unit's is 404.
        action = f'action="{CONSOLE}/status"'
        assert action in html and 'value="paused" class="primary">Pausieren</button>' in html
        assert 'aria-describedby="closed-hint">Endgültig beenden</button>' in html and 'value="active"' not in html
        seen_by_analyst = await analyst.get(CONSOLE)
        assert seen_by_analyst.status_code == 200 and action not in seen_by_analyst.text
        forged = await analyst.post(f"{CONSOLE}/status", data={"status": "paused"}, headers=origin)
        assert forged.status_code == 403 and "nicht ändern" in forged.text
        assert (await other.post(f"{CONSOLE}/status", data={"status": "paused"}, headers=origin)).status_code == 404
        # CSRF: no Origin (and no Sec-Fetch-Site), or a foreign origin, is refused before anything happens.
        assert (await own.post(f"{CONSOLE}/status", data={"status": "paused"})).status_code == 403
        cross = {"Origin": "https://evil.example"}
        assert (await own.post(f"{CONSOLE}/status", data={"status": "paused"}, headers=cross)).status_code == 403
        # A move the lifecycle forbids: the survey page with the German reason in an alert.
        refused = await own.post(f"{CONSOLE}/status", data={"status": "draft"}, headers=origin)
        assert refused.status_code == 409
        assert '<p class="error" role="alert">Eine Umfrage im Status „aktiv“ kann nicht „Entwurf“ werden.</p>' in (
            refused.text
        )
        assert (await own.post(f"{CONSOLE}/status", data={"status": "kaputt"}, headers=origin)).status_code == 409
        assert "<dd>aktiv</dd>" in (await own.get(CONSOLE)).text  # nothing changed so far

        # Pause: back to the survey page with a status message; the public document drops the survey.
        paused = await own.post(f"{CONSOLE}/status", data={"status": "paused"}, headers=origin)
        assert paused.status_code == 303 and paused.headers["location"] == f"{CONSOLE}?changed=paused"
        after = await own.get(paused.headers["location"])
        assert '<p class="notice" role="status">Der Status der Umfrage ist jetzt „pausiert“.</p>' in after.text
        assert "<dt>Status</dt><dd>pausiert</dd>" in after.text
        assert 'value="active" class="primary">Fortsetzen</button>' in after.text
        await until_served(anonymous, False, timeout=5.0, survey=SURVEY)
        assert '<td class="text">pausiert</td>' in (await analyst.get("/console/surveys")).text
        await anonymous.aclose()
    finally:
        for client in (own, other, analyst):
            await client.aclose()

    conn = await asyncpg.connect(system.settings.database_url)
    try:
        log = await conn.fetch("SELECT actor, action, subject, detail::text AS detail FROM audit_log ORDER BY id")
    finally:
        await conn.close()
    changes = [(r["actor"], r["subject"]) for r in log if r["action"] == "survey_changed"]
    assert changes == [("token:test-admin", SURVEY), ("buergeramt.staff", SURVEY)]  # refused moves are not changes
    viewed = {r["actor"] for r in log if r["action"] == "view_survey_answers" and r["subject"] == SURVEY}
    assert viewed == {"buergeramt.staff", "pr-team"}  # never abfall.staff, who got 404
    assert all('"version": 1' in r["detail"] for r in log if r["action"] == "view_survey_answers")


async def test_survey_pages_in_a_browser(system: System, browser: Browser) -> None:
    """Hostile free text does nothing in Chromium even without CSP; both pages pass axe; the pause button works
    as a real browser's same-origin post and announces its result."""
    await active_survey_with_answers(system)
    add_staff(system, "buergeramt.staff", "unit_staff", "buergeramt")
    context = await browser.new_context(locale="de-DE", bypass_csp=True)  # no CSP: escaping alone must hold
    page = await context.new_page()
    dialogs: list[str] = []

    async def dismiss(dialog: Dialog) -> None:
        dialogs.append(dialog.message)
        await dialog.dismiss()

    page.on("dialog", dismiss)
    await page.goto(f"{system.base_url}/console/login")
    await page.get_by_label("Benutzername").fill("buergeramt.staff")
    await page.get_by_label("Passwort").fill(PASSWORD)
    await page.get_by_role("button", name="Anmelden").click()
    await page.get_by_role("heading", name="Zufriedenheit im Überblick").wait_for()

    await page.get_by_role("navigation", name="Bereiche der Konsole").get_by_role("link", name="Umfragen").click()
    await page.get_by_role("heading", name="Umfragen", exact=True).wait_for()
    await page.add_script_tag(path=str(AXE))
    assert await page.evaluate(SERIOUS, WCAG_TAGS) == []

    await page.get_by_role("link", name=TITLE).click()
    await page.get_by_role("heading", name="Frage 6: Was sollen wir verbessern?").wait_for()
    await page.wait_for_load_state("load")
    assert await page.locator("script, img, iframe, object, embed").count() == 0
    assert await page.get_by_text(HOSTILE.split("> ")[0] + ">").count() == 1  # shown as text
    assert dialogs == []
    await page.add_script_tag(path=str(AXE))
    assert await page.evaluate(SERIOUS, WCAG_TAGS) == []

    await page.get_by_role("button", name="Pausieren").click()
    await page.get_by_role("status").filter(has_text="pausiert").wait_for()
    assert await page.get_by_role("button", name="Fortsetzen").count() == 1
    await page.add_script_tag(path=str(AXE))
    assert await page.evaluate(SERIOUS, WCAG_TAGS) == []
    assert dialogs == []
    await context.close()
    async with httpx.AsyncClient(base_url=system.base_url) as citizen:
        await until_served(citizen, False, timeout=5.0, survey=SURVEY)
