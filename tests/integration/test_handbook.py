"""The pictures of the staff handbook (``docs/handbuch.md``), taken in headless Chromium against the real system
with `make run`'s demo city Musterstadt: the administration signs in, reads the overview, a unit's dashboard and the
feedback per administrative service, works a comment through, builds, previews and publishes a survey, opens a
monthly report, checks and imports a page-view file, opens a website's settings and a page's service fields, reads
the demo measure's before/after figures and the public page /wirkung, checks the SDG transfer the projector's
monthly job delivered, invites the Digital Innovation Hub, creates an API key and reads the audit log; the Hub sets
its password through the mailed link, signs in as organiser, creates a hackathon, moves its phase, invites a juror,
books an expense in the ledger and enters a programme budget; the accessibility officer reads two barrier reports
sent through the public API and answers one; a citizen's erasure page. Every page's heading (and each step's
confirmation) is asserted before its picture is taken.

The pictures go to ``var/handbuch/`` (a test run leaves the source tree alone); ``make handbook`` takes them into
``docs/handbuch/`` (``STADTSTIMME_HANDBOOK_DIR``): a fixed viewport, fixed names, 128 colours, German date fields,
so a run renews the handbook's pictures in place; commit them with the handbook (``tests/unit/test_handbook.py``
checks that each picture the handbook shows exists and each one is shown). Run once, in the Apache Kafka pass, as
the other console pages in a browser (they do not depend on the broker)."""

from __future__ import annotations

import os
import re
from collections.abc import AsyncIterator
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import asyncpg
import pytest
from PIL import Image
from playwright.async_api import Browser, BrowserContext, Locator, Page, async_playwright
from pydantic import SecretStr

from services.analytics.reports import due_month
from shared.auth import create_account
from shared.settings import Settings
from stadtstimme.demo_measures import after_events
from stadtstimme.embedded import DEMO_ADMIN, _prepare
from stadtstimme.infra import REPO
from tests.browser.conftest import CHROMIUM
from tests.integration.conftest import once
from tests.integration.system import DEMO, System, with_http_port
from tests.integration.test_administration import link_in
from tests.integration.test_barriers import send as report_barrier
from tests.integration.test_console import PASSWORD
from tests.integration.test_sdg import TOKEN, Receiver, wait_status
from tests.unit.test_hackathon_mail import Inbox, catching_mail

pytestmark = once("the handbook's pictures")

PICTURES = Path(os.environ.get("STADTSTIMME_HANDBOOK_DIR", REPO / "var" / "handbuch"))
VIEWPORT = {"width": 1280, "height": 800}
MAX_HEIGHT = 1250  # a picture of a stretch of a page is at most this high (CSS pixels)
COLOURS = 128  # the console's few colours and their anti-aliasing; a third of the size of full colour
# An element's box in page coordinates (not the viewport's), wherever the page is scrolled.
BOX = """(e) => { const r = e.getBoundingClientRect();
  return {left: r.left + scrollX, right: r.right + scrollX, top: r.top + scrollY, bottom: r.bottom + scrollY}; }"""

HUB, HUB_NAME, HUB_MAIL = "dih.hackathon", "Digital Innovation Hub", "innovation@musterstadt.de"
HUB_PASSWORD = "Hackathon-im-Rathaus-2026"
SURVEY, SURVEY_TITLE = "abfallkalender-zufriedenheit", "Kurze Umfrage zum Abfallkalender"
QUESTIONS = (
    ("Bewertung von 1 bis 5", "Wie zufrieden sind Sie mit dem Abfallkalender?"),
    ("Auswahl: eine Antwort", "Haben Sie Ihren Abholtermin gefunden?"),
    ("Freitext", "Was sollen wir am Abfallkalender verbessern?"),
)
DEMO_SURVEY_TITLE = "Kurze Umfrage zur Online-Terminvergabe"  # stadtstimme/demo-surveys.yaml
MEASURE = "Wartezeit im Bürgeramt auf der Terminseite"  # stadtstimme/demo_measures.py
OFFICER, OFFICER_NAME = "barrierefreiheit", "Beauftragte für Barrierefreiheit"
BARRIERS = (  # (description, contact address or None): what citizens report through the widget's link
    (
        "Die Öffnungszeiten des Freibads stehen nur in einem Bild, mein Vorleseprogramm liest sie nicht vor.",
        "leser@example.org",
    ),
    ("Das Video zum Freibad hat keine Untertitel.", None),
)
ANSWER = ("Vielen Dank für Ihren Hinweis. Die Öffnungszeiten stehen seit heute als Text auf der Seite; "
          "das Bild haben wir entfernt.")  # fmt: skip


@pytest.fixture
async def browser() -> AsyncIterator[Browser]:
    """Chromium whose date fields follow the page's language (the console's lang="de": TT.MM.JJJJ). Without the
    feature they follow the browser's own language, which is American English here (only its en-US locale is
    installed), whatever the context's locale."""
    async with async_playwright() as playwright:
        chromium = await playwright.chromium.launch(
            executable_path=str(CHROMIUM),
            args=["--no-sandbox", "--headless=new", "--disable-gpu",
                  "--enable-blink-features=LangAttributeAwareFormControlUI"],
        )  # fmt: skip
        yield chromium
        await chromium.close()


@pytest.fixture
async def musterstadt(settings: Settings, tmp_path: Path) -> AsyncIterator[tuple[System, Inbox]]:
    """The running system with `make run`'s demo city (``stadtstimme.embedded``: org model, surveys, 90 days of
    feedback, page views, the hackathon, the measure, the account demo-admin) projected, its mail going to an
    in-process SMTP server; the SDG transfer set up against a local upload interface that fails twice before it
    accepts, so the projector's monthly job delivers last month's ratings on the demo city's SDG pages by itself
    (checking every few seconds, not hourly)."""
    with catching_mail() as (inbox, smtp), Receiver().serving() as nfk:
        sdg = {"sdg_upload_url": nfk.url, "sdg_upload_token": SecretStr(TOKEN), "sdg_upload_retry_s": 0.05,
               "retention_interval_s": 3}  # fmt: skip
        system = System(with_http_port(settings).model_copy(update=smtp | sdg), tmp_path / "logs")
        await system.prepare()
        await _prepare(system.settings, DEMO, PASSWORD)
        system.start_projector()
        system.start_web()
        try:
            conn = await asyncpg.connect(system.settings.database_url)
            try:
                published = await conn.fetchval(
                    "SELECT (detail->>'events')::int FROM audit_log WHERE action = 'demo_feedback_published'"
                )
            finally:
                await conn.close()
            today = datetime.now(ZoneInfo(system.settings.timezone)).date()
            measure = len(after_events(today, system.settings.timezone))  # the demo measure's own feedback
            await system.wait_projected(int(published) + measure, timeout=120)
            yield system, inbox
        finally:
            system.stop_all()


async def picture(page: Page, name: str, until: Locator | None = None, since: Locator | None = None) -> None:
    """Save ``<name>.png``: the viewport, or the stretch of the page from ``since`` (the page's heading) to the end
    of ``until``, as wide as the page's main column."""
    PICTURES.mkdir(parents=True, exist_ok=True)
    path = PICTURES / f"{name}.png"
    await page.evaluate("() => document.activeElement && document.activeElement.blur()")  # no focus ring
    if until is None:
        await page.evaluate("() => window.scrollTo(0, 0)")
        await page.screenshot(path=str(path), animations="disabled", caret="hide")
    else:
        main = await page.locator("main").evaluate(BOX)
        top = (await (since or page.locator("main h1")).evaluate(BOX))["top"] - 12
        bottom = min((await until.evaluate(BOX))["bottom"] + 12, top + MAX_HEIGHT)
        clip = {"x": main["left"], "y": max(0, top), "width": main["right"] - main["left"], "height": bottom - top}
        await page.screenshot(path=str(path), clip=clip, full_page=True, animations="disabled", caret="hide")
    small = Image.open(path).convert("RGB").quantize(COLOURS, Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE)
    small.save(path, optimize=True)


async def heading(page: Page, name: str | re.Pattern[str]) -> None:
    await page.get_by_role("heading", level=1, name=name, exact=isinstance(name, str)).wait_for()


def h2(page: Page, name: str) -> Locator:
    return page.get_by_role("heading", level=2, name=name, exact=True)


def nav(page: Page, name: str) -> Locator:
    return page.get_by_role("navigation", name="Bereiche der Konsole").get_by_role("link", name=name, exact=True)


def button(page: Page, name: str) -> Locator:
    return page.get_by_role("button", name=name, exact=True)


async def done(page: Page, words: str) -> None:
    """The confirmation a step shows (a status message)."""
    await page.get_by_role("status").filter(has_text=words).first.wait_for()


async def new_page(browser: Browser) -> tuple[BrowserContext, Page]:
    context = await browser.new_context(locale="de-DE", timezone_id="Europe/Berlin", viewport=VIEWPORT)
    context.set_default_timeout(20_000)
    return context, await context.new_page()


async def sign_in(page: Page, system: System, username: str, password: str, name: str) -> None:
    await page.goto(f"{system.base_url}/console/login")
    await heading(page, "Anmeldung für Mitarbeitende")
    await page.get_by_label("Benutzername").fill(username)
    await page.get_by_label("Passwort").fill(password)
    if username == DEMO_ADMIN:
        await picture(page, "01-anmeldung")
    await button(page, "Anmelden").click()
    await heading(page, "Zufriedenheit im Überblick")
    await page.get_by_text(f"angemeldet als {name}").wait_for()


async def dashboards(page: Page) -> None:
    await picture(page, "02-uebersicht")
    await page.get_by_role("link", name="Abfallwirtschaftsbetrieb Musterstadt").first.click()
    await heading(page, "Abfallwirtschaftsbetrieb Musterstadt")
    await picture(page, "03-einheit", page.locator("figure").nth(1), since=h2(page, "Kennzahlen im Zeitraum"))


async def services(page: Page) -> None:
    await nav(page, "Leistungen").click()
    await heading(page, "Rückmeldungen je Verwaltungsleistung")
    table = page.get_by_role("table", name="Verwaltungsleistungen, die meisten Rückmeldungen zuerst")
    await picture(page, "38-leistungen", table)
    await table.get_by_role("link", name="Wohnsitz ummelden", exact=False).first.click()
    await h2(page, "Kennzahlen im Zeitraum").wait_for()
    hint = page.get_by_text("Veränderung gegenüber dem gleich langen Zeitraum davor", exact=False).first
    await picture(page, "39-leistung", hint)  # name, key, SDG role, key figures (its pages: in the text)


async def comments(page: Page) -> None:
    await nav(page, "Kommentare").click()
    await heading(page, "Kommentare und Vorschläge")
    await page.get_by_label("Suche im Text").fill("Abfallkalender")
    await page.get_by_label("Status").select_option("neu")
    await button(page, "Filter anwenden").click()
    await page.get_by_text("Kommentare gefunden.", exact=False).wait_for()
    await picture(page, "04-kommentare")
    await page.locator("article.item").first.get_by_role("link").click()
    await heading(page, "Kommentar bearbeiten")
    await button(page, "In Bearbeitung nehmen").click()
    await done(page, "Der Status wurde geändert.")
    await page.get_by_label("Zuständig", exact=True).select_option(DEMO_ADMIN)
    await button(page, "Zuständigkeit speichern").click()
    await done(page, "Die Zuständigkeit wurde geändert.")
    await page.get_by_label("Schlagwörter").fill("Abfallkalender, Ladefehler")
    await button(page, "Schlagwörter speichern").click()
    await done(page, "Die Schlagwörter wurden gespeichert.")
    await page.get_by_label("Interne Notiz").fill("Das Fachverfahren prüft den Kalender; Rückmeldung bis Freitag.")
    await button(page, "Notiz speichern").click()
    await done(page, "Die Notiz wurde gespeichert.")
    await picture(page, "05-kommentar", page.get_by_label("Schlagwörter"))
    await picture(page, "06-kommentar-weitergeben", button(page, "Text endgültig löschen"),
                  since=page.locator('label[for="org_unit"]'))  # fmt: skip
    await picture(page, "07-kommentar-verlauf", page.locator("ol.history"), since=h2(page, "Notizen"))
    await page.get_by_role("link", name="Zurück zu den Kommentaren").click()
    await page.get_by_role("link", name="Verdacht auf Spam", exact=False).click()
    await button(page, "Freigeben").first.wait_for()
    await picture(page, "08-spam-verdacht", page.locator("article.item").last)
    await nav(page, "Themen").click()
    await heading(page, "Themenvorschläge")
    await picture(page, "09-themen", page.locator("main table"))


def question(page: Page, number: int) -> Locator:
    return page.get_by_role("group", name=f"Frage {number}", exact=True)


async def surveys(page: Page) -> None:
    await nav(page, "Umfragen").click()
    await heading(page, "Umfragen")
    await picture(page, "10-umfragen", page.locator("main table"))
    await page.get_by_role("link", name="Neue Umfrage anlegen").click()
    await heading(page, "Neue Umfrage")
    await page.get_by_label("Kennung der Umfrage").fill(SURVEY)
    unit = page.get_by_label("Zuständige Organisationseinheit")
    await unit.select_option(label="Abfallwirtschaftsbetrieb Musterstadt")
    await page.get_by_label("Titel (Deutsch)").fill(SURVEY_TITLE)
    await page.get_by_label("Einleitung (Deutsch, freiwillig)").fill("Drei Fragen, eine Minute. Ihre Antworten "
                                                                      "sind anonym.")  # fmt: skip
    await picture(page, "11-umfrage-neu", page.get_by_label("Einleitung (Deutsch, freiwillig)"))
    for number, (kind, words) in enumerate(QUESTIONS, start=1):
        await page.get_by_label("Art der neuen Frage").select_option(label=kind)
        await button(page, "Frage hinzufügen").click()
        await done(page, f"Frage {number} hinzugefügt.")
        await question(page, number).get_by_label("Fragetext (Deutsch)").fill(words)
    await question(page, 1).get_by_label("Pflichtfrage: muss beantwortet werden").check()
    choices = question(page, 2).get_by_role("group", name="Antwortmöglichkeiten zu Frage 2")
    await choices.get_by_label("Antwort 1 (Deutsch)").fill("Ja, auf Anhieb")
    await choices.get_by_label("Antwort 2 (Deutsch)").fill("Nein")
    await picture(page, "12-umfrage-fragen", question(page, 2), since=question(page, 2))
    await page.get_by_label("abfall-musterstadt.de (abfall)").check()
    await page.get_by_label("Seiten, auf denen sie erscheint (ein Muster je Zeile)").fill("/abfallkalender*")
    await page.get_by_label("Stichprobe: Anteil der Seitenaufrufe in Prozent").fill("20")
    await page.get_by_label("Wartezeit in Sekunden").fill("5")
    await picture(page, "13-umfrage-zielseiten", page.locator("#trigger_kind"),
                  since=h2(page, "Wo und wann die Umfrage erscheint"))  # fmt: skip
    await button(page, "Vorschau anzeigen").first.click()
    await h2(page, "Vorschau").wait_for()
    preview = page.frame_locator("iframe.preview-frame").get_by_role("region", name=SURVEY_TITLE)
    await preview.get_by_text(QUESTIONS[0][1]).wait_for()
    await picture(page, "14-umfrage-vorschau", page.locator("iframe.preview-frame"), since=h2(page, "Vorschau"))
    await button(page, "Speichern").first.click()
    await done(page, "Gespeichert als Version 1.")
    await heading(page, SURVEY_TITLE)
    await picture(page, "15-umfrage-gespeichert", button(page, "Veröffentlichen"))
    await button(page, "Veröffentlichen").click()
    await done(page, "Der Status der Umfrage ist jetzt „aktiv“.")
    await nav(page, "Umfragen").click()
    await page.get_by_role("link", name=DEMO_SURVEY_TITLE).click()
    await heading(page, DEMO_SURVEY_TITLE)
    await picture(page, "16-umfrage-ergebnisse", page.locator(".question").first, since=h2(page, "Gesamtzahlen"))


async def reports(page: Page) -> None:
    await nav(page, "Berichte").click()
    await heading(page, "Monatsberichte")
    await picture(page, "17-berichte", page.locator("main ul").last)
    await page.get_by_role("link", name="Ganze Stadt").click()
    await heading(page, re.compile(r"^Bericht .+: Stadtverwaltung Musterstadt \(ganze Stadt\)$"))
    await picture(page, "18-bericht")


async def page_views(page: Page, tmp_path: Path, yesterday: str) -> None:
    await nav(page, "Seitenaufrufe").click()
    await heading(page, "Seitenaufrufe aus der Webanalyse")
    export = tmp_path / "matomo-seiten.csv"
    export.write_text("date,label,nb_hits,url\n"
                      f"{yesterday},/abfallkalender,1840,abfall.musterstadt.de/abfallkalender\n"
                      f"{yesterday},/sperrmuell,612,abfall.musterstadt.de/sperrmuell\n"
                      f"{yesterday},/wertstoffhoefe,305,abfall.musterstadt.de/wertstoffhoefe\n"
                      f"{yesterday},Others,27,\n", encoding="utf-8")  # fmt: skip
    await page.get_by_label("Website").select_option("abfall")
    await page.get_by_label("CSV-Datei").set_input_files(export)
    await picture(page, "19-seitenaufrufe", button(page, "Datei prüfen"))
    await button(page, "Datei prüfen").click()
    await heading(page, "Vorschau des Imports")
    await picture(page, "20-seitenaufrufe-vorschau", page.get_by_role("table", name="Übersprungene Zeilen und warum"))
    await button(page, "Importieren").click()
    await done(page, "Importiert: 2.757 Seitenaufrufe")
    await picture(page, "21-seitenaufrufe-import", page.get_by_role("table", name="Zuletzt importiert"),
                  since=h2(page, "Automatischer Import aus Matomo"))  # fmt: skip


async def organisation(page: Page) -> None:
    await nav(page, "Organisation").click()
    await heading(page, "Organisation, Websites und Seiten")
    await picture(page, "22-organisation", page.locator("main table").first)
    await page.get_by_role("link", name="abfall-musterstadt.de", exact=True).first.click()
    await heading(page, "Website „abfall-musterstadt.de“")
    await picture(page, "23-organisation-website", page.get_by_label("Abschnitt 1: zuständige Einheit"))
    await nav(page, "Organisation").click()
    await page.get_by_role("link", name="https://www.musterstadt.de/buergeramt/ummelden", exact=True).click()
    await heading(page, "Seite bearbeiten")
    service = page.get_by_role("group", name="Verwaltungsleistung und Single Digital Gateway")
    await picture(page, "40-organisation-seite", service)


async def measures(page: Page, system: System) -> None:
    await nav(page, "Maßnahmen").click()
    await heading(page, "Maßnahmen und ihre Wirkung")
    await page.get_by_role("link", name=MEASURE).click()
    await heading(page, MEASURE)
    await picture(page, "41-massnahme", page.locator("main table").last)
    await page.goto(f"{system.base_url}/wirkung")
    await heading(page, "Sie haben es gesagt – wir haben gehandelt")
    await picture(page, "42-wirkung", page.locator("main table").first)
    await page.go_back()  # back in the console
    await heading(page, MEASURE)


async def sdg_transfer(page: Page, system: System) -> None:
    month = due_month(datetime.now(ZoneInfo(system.settings.timezone)))
    assert month is not None
    await wait_status(system, month, "delivered")  # the projector's monthly job, after two failed attempts
    await nav(page, "SDG-Übermittlung").click()
    await heading(page, "SDG-Übermittlung an die NFK")
    await page.get_by_role("table", name="Übermittlungen je Monat").get_by_role("cell", name="zugestellt").wait_for()
    await picture(page, "43-sdg", page.locator("main table").last)


async def administration(page: Page, inbox: Inbox) -> str:
    """Invite the Hub as organiser, create an API key, read the audit log and the retention; the mailed link."""
    await nav(page, "Konten").click()
    await heading(page, "Konten der Mitarbeitenden")
    await page.get_by_label("Benutzername", exact=True).fill(HUB)
    await page.get_by_label("Name", exact=True).fill(HUB_NAME)
    await page.get_by_label("Dienstliche E-Mail-Adresse").fill(HUB_MAIL)
    await page.get_by_label("Rolle").select_option(label="Organisation Hackathon (Digital Innovation Hub)")
    await picture(page, "24-konten", button(page, "Einladen"))
    await button(page, "Einladen").click()
    await done(page, "Das Konto ist angelegt; die Einladung ist unterwegs.")
    await heading(page, f"Konto {HUB}")
    await picture(page, "25-konto", button(page, "Einladung erneut senden"))
    (mail,) = await inbox.wait(HUB_MAIL)

    await nav(page, "API-Schlüssel").click()
    await heading(page, "API-Schlüssel")
    await page.get_by_label("Name", exact=True).fill("stadtportal-kennzahlen")
    await page.get_by_label("figures.read").check()
    await page.get_by_label("Gültigkeit in Tagen").fill("365")
    await button(page, "Schlüssel anlegen").click()
    await done(page, "Der Schlüssel stadtportal-kennzahlen ist angelegt.")
    secret = page.get_by_label("Geheimnis")
    await secret.evaluate("(e) => { e.value = '…'; }")  # the secret is in no picture
    await picture(page, "26-api-schluessel", page.get_by_role("table"))

    await nav(page, "Protokoll").click()
    await heading(page, "Protokoll")
    await page.get_by_role("table").get_by_text("Konto eingeladen").wait_for()
    await picture(page, "27-protokoll")
    await nav(page, "Datenschutz").click()
    await heading(page, "Aufbewahrung und Löschung")
    await picture(page, "28-datenschutz", page.locator("main table"))
    return link_in(mail)


async def password(page: Page, system: System, link: str) -> None:
    await page.goto(f"{system.base_url}{link}")
    await heading(page, "Passwort setzen")
    await page.get_by_label("Neues Passwort").fill(HUB_PASSWORD)
    await page.get_by_label("Passwort wiederholen").fill(HUB_PASSWORD)
    await picture(page, "29-passwort-setzen")
    await button(page, "Passwort speichern").click()
    await page.get_by_text("Ihr Passwort ist gespeichert.", exact=False).wait_for()


async def hackathons(page: Page, system: System, year: int, today: str) -> None:
    await nav(page, "Hackathons").click()
    await heading(page, "Hackathons")
    await picture(page, "30-hackathons", page.locator("main table"))
    await page.get_by_role("link", name="Neuen Hackathon anlegen").click()
    await heading(page, "Neuer Hackathon")
    await page.get_by_label("Titel", exact=True).fill(f"Stadtteile hacken {year + 1}")
    await page.get_by_label("Beschreibung", exact=True).fill(
        "Ein Wochenende im Rathaus: Teams entwickeln offene Lösungen für Aufgaben aus den Stadtteilen."
    )
    await picture(page, "31-hackathon-neu", page.locator("fieldset").first)
    await button(page, "Hackathon anlegen").click()
    await done(page, "Der Hackathon ist angelegt.")
    await button(page, "Weiter zu „Challenges sammeln“").click()
    await done(page, "Die Phase ist geändert.")
    await page.get_by_label("Benutzername eines Mitarbeiterkontos").fill(DEMO_ADMIN)
    await button(page, "In die Jury einladen").click()
    await done(page, "Die Einladung in die Jury ist gespeichert.")
    await picture(page, "32-hackathon", button(page, "Weiter zu „Anmeldung offen“"))
    await picture(page, "34-hackathon-budget-jury", button(page, "In die Jury einladen"),
                  since=h2(page, f"Hackathon-Budget {year + 1}"))  # fmt: skip

    await nav(page, "Hackathons").click()
    await page.get_by_role("link", name=f"Musterstadt hackt {year - 1}").click()  # last year's, with its results
    await heading(page, f"Musterstadt hackt {year - 1} ({year - 1})")
    await picture(page, "33-hackathon-ergebnisse", page.get_by_role("table", name="Vergebene Preise"),
                  since=h2(page, "Rangfolge bisher"))  # fmt: skip

    await nav(page, "Hackathons").click()
    await page.get_by_role("link", name=f"Musterstadt hackt {year}").click()
    await page.get_by_role("link", name=f"Kassenbuch {year}: Ausgaben buchen und exportieren").click()
    await heading(page, f"Kassenbuch {year}: Hackathon-Veranstaltungen")
    await page.get_by_label("Kategorie", exact=True).select_option(label="Veranstaltungsort")
    await page.get_by_label("Datum", exact=True).fill(today)
    await page.get_by_label("Betrag in Euro").fill("1.250")
    await page.get_by_label("Beschreibung", exact=True).fill("Saalmiete Ratssaal")
    await page.get_by_label("Belegnummer").fill(f"RE-{year}-0815")
    await page.get_by_label("Hackathon (freiwillig)").select_option(label=f"Musterstadt hackt {year}")
    await button(page, "Ausgabe buchen").click()
    await done(page, "Die Ausgabe ist gebucht.")
    await picture(page, "35-kassenbuch", button(page, "Ausgabe buchen"))

    await nav(page, "Budgets").click()
    await heading(page, "Budgets der Maßnahme")
    await page.get_by_label("Programm", exact=True).select_option(label="Digitales Feedback")
    await page.get_by_label("Jahr", exact=True).fill(str(year))
    await page.get_by_label("Budget in Euro").fill("10.000")
    await button(page, "Budget speichern").click()
    await done(page, "Das Budget ist gespeichert.")
    await picture(page, "36-budgets", button(page, "Budget speichern"))


async def barriers(page: Page, system: System) -> None:
    """Citizens report two barriers (one with a contact address); the officer reads the list and answers."""
    before = await system.projected_count()
    for description, email in BARRIERS:
        contact = {"contact_email": email, "contact_consent": True} if email else {}
        sent = await report_barrier(system, category="accessibility_barrier", comment=description, **contact)
        assert sent.status_code == 202, sent.text
    await system.wait_projected(before + len(BARRIERS), timeout=30)
    conn = await asyncpg.connect(system.settings.database_url)
    try:
        await create_account(conn, OFFICER, OFFICER_NAME, "accessibility_officer", (), PASSWORD)
    finally:
        await conn.close()
    await sign_in(page, system, OFFICER, PASSWORD, OFFICER_NAME)
    await nav(page, "Barrieren").click()
    await heading(page, "Gemeldete Barrieren")
    await picture(page, "44-barrieren", page.locator("main table"))
    await page.get_by_role("link", name=BARRIERS[0][0]).click()
    await heading(page, "Barrieremeldung")
    await page.get_by_label("Ihre Antwort").fill(ANSWER)
    await button(page, "Antwort senden").click()
    await page.get_by_text(ANSWER).first.wait_for()
    await picture(page, "45-barriere", button(page, "Antwort senden"))


async def erasure_by_code(page: Page, system: System) -> None:
    await page.goto(f"{system.base_url}/feedback/loeschen")
    await heading(page, "Ihren Text löschen")
    await picture(page, "37-loeschcode")


async def test_the_handbooks_pictures(musterstadt: tuple[System, Inbox], browser: Browser, tmp_path: Path) -> None:
    system, inbox = musterstadt
    now = datetime.now(ZoneInfo(system.settings.timezone))
    context, page = await new_page(browser)
    await sign_in(page, system, DEMO_ADMIN, PASSWORD, "Demo-Administration")
    await dashboards(page)
    await services(page)
    await comments(page)
    await surveys(page)
    await reports(page)
    await page_views(page, tmp_path, (now - timedelta(days=1)).date().isoformat())
    await organisation(page)
    await measures(page, system)
    await sdg_transfer(page, system)
    link = await administration(page, inbox)
    await context.close()

    context, page = await new_page(browser)  # the Hub, at its own computer
    await password(page, system, link)
    await sign_in(page, system, HUB, HUB_PASSWORD, HUB_NAME)
    await hackathons(page, system, now.year, now.strftime("%d.%m.%Y"))
    await context.close()

    context, page = await new_page(browser)  # the accessibility officer
    await barriers(page, system)
    await context.close()

    context, page = await new_page(browser)  # a citizen
    await erasure_by_code(page, system)
    await context.close()
