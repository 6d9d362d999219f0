"""The survey builder of the staff console on the real system (console, staff API, ingest, Kafka, projector,
PostgreSQL): who may use it, errors at their fields, the form's steps without JavaScript, the preview (the real
widget, nothing counted), saving as versions through the same command as the YAML path, copying, the YAML export
re-applied unchanged by `stadtstimme surveys apply`, the audit log; and in Chromium, a survey built in the
console, previewed, published, shown by the widget on a demo page, answered, and its answer in the results, with
axe on every page and state of the builder."""

from __future__ import annotations

import re
from html import unescape
from pathlib import Path
from zoneinfo import ZoneInfo

import asyncpg
import httpx
import pytest
from playwright.async_api import Browser, Frame, Locator, Page

from services.analytics.survey_form import draft_from_definition, form_fields
from shared.contracts.surveys import SurveyDefinition
from tests.browser.conftest import AXE, WCAG_TAGS
from tests.integration.conftest import SERIOUS
from tests.integration.system import System
from tests.integration.test_console import add_staff, sign_in, sign_in_page
from tests.integration.test_surveys import until_served, wait_parts

BERLIN = ZoneInfo("Europe/Berlin")
SURVEY = "buergeramt-wartezeit"
TITLE = "Kurze Umfrage zur Wartezeit"


@pytest.fixture
def system(survey_system: System) -> System:
    return survey_system  # with ingest re-reading surveys every 0.2 s and a 1 s browser cache


def complete_form(**changes: str) -> dict[str, str]:
    """A whole survey as the builder's form posts it: every question type, German and English, targeting."""
    fields = {
        "survey_id": SURVEY, "org_unit": "buergeramt", "title_de": TITLE, "title_en": "Short survey on waiting times",
        "intro_de": "Zwei Minuten, anonym.", "thanks_de": "Danke!", "thanks_en": "Thank you!",
        "q0_type": "rating", "q0_text_de": "Wie zufrieden sind Sie?", "q0_text_en": "How satisfied are you?",
        "q0_required": "ja",
        "q1_type": "single", "q1_text_de": "Wie lange haben Sie gewartet?", "q1_o0_de": "Unter 10 Minuten",
        "q1_o0_en": "Under 10 minutes", "q1_o1_de": "Länger", "q1_o1_en": "Longer",
        "q2_type": "multiple", "q2_text_de": "Was hat gefehlt?", "q2_o0_de": "Sitzplätze", "q2_o1_de": "Anzeige",
        "q2_o2_de": "Nichts",
        "q3_type": "yes_no", "q3_text_de": "Kommen Sie wieder?", "q4_type": "nps", "q4_text_de": "Empfehlen Sie uns?",
        "q5_type": "text", "q5_text_de": "Was sollen wir besser machen?", "q5_max_chars": "500",
        "site_portal": "ja", "include": "/buergeramt/*\n/buergeramt", "exclude": "/buergeramt/intern/*",
        "sampling_percent": "12,5", "trigger_kind": "scroll", "delay_s": "2", "scroll_percent": "40",
        "starts_at": "2026-01-01T08:00", "ends_at": "2030-01-01T00:00", "quota": "500",
        "allow_dont_show_again": "ja", "base_version": "",
    }  # fmt: skip
    return fields | changes


def errors_of(html: str) -> dict[str, str]:
    """Each field's error message, by field id, as the page shows them."""
    return {
        m[0]: unescape(m[1]) for m in re.findall(r'<p id="([a-z0-9_]+)-error" class="field-error">([^<]*)</p>', html)
    }


async def post(client: httpx.AsyncClient, system: System, path: str, form: dict[str, str]) -> httpx.Response:
    return await client.post(path, data=form, headers={"Origin": system.base_url})


async def current(system: System, survey_id: str) -> tuple[SurveyDefinition, int, str] | None:
    conn = await asyncpg.connect(system.settings.database_url)
    try:
        row = await conn.fetchrow(
            """SELECT v.definition::text AS d, s.current_version, s.status FROM survey s
               JOIN survey_version v ON v.survey_id = s.survey_id AND v.version = s.current_version
               WHERE s.survey_id = $1""",
            survey_id,
        )
    finally:
        await conn.close()
    if row is None:
        return None
    return SurveyDefinition.model_validate_json(row["d"]), row["current_version"], row["status"]


async def test_builder_errors_steps_preview_versions_copy_and_yaml_round_trip(system: System, tmp_path: Path) -> None:
    add_staff(system, "umfragen.admin", "administrator")
    add_staff(system, "buergeramt.staff", "unit_staff", "buergeramt")
    add_staff(system, "pr-team", "pr_team")
    admin = await sign_in(system, "umfragen.admin")
    try:
        # Who may: administrators define; unit staff and the PR team are refused, anonymous people sign in first.
        anonymous = httpx.AsyncClient(base_url=system.base_url)
        assert (await anonymous.get("/console/surveys/neu")).headers["location"] == "/console/login"
        for name in ("buergeramt.staff", "pr-team"):
            other = await sign_in(system, name)
            assert (await other.get("/console/surveys/neu")).status_code == 403
            assert (await post(other, system, "/console/surveys/neu", complete_form(action="save"))).status_code == 403
            assert 'href="/console/surveys/neu"' not in (await other.get("/console/surveys")).text
            await other.aclose()
        listed = await admin.get("/console/surveys")
        assert '<a href="/console/surveys/neu">Neue Umfrage anlegen</a>' in listed.text
        # CSRF: a post without our Origin is refused before anything happens.
        assert (await admin.post("/console/surveys/neu", data=complete_form(action="save"))).status_code == 403

        empty = await admin.get("/console/surveys/neu")
        assert empty.status_code == 200 and "Noch keine Fragen." in empty.text
        assert "frame-src" not in empty.headers["content-security-policy"]

        # Steps without JavaScript: add a single-choice question (two option rows), an option, remove one, move.
        step = await post(admin, system, "/console/surveys/neu", {"action": "add_question", "new_type": "single"})
        assert step.status_code == 200 and 'id="q0_o1_de"' in step.text and 'id="q0_o2_de"' not in step.text
        assert '<p class="notice" role="status">Frage 1 hinzugefügt.</p>' in step.text
        assert 'id="q0_text_de" name="q0_text_de" value="" maxlength="500" lang="de" autofocus>' in step.text
        form = complete_form(action="add_option:1")
        step = await post(admin, system, "/console/surveys/neu", form)
        assert 'id="q1_o2_de"' in step.text and 'value="remove_option:1:2"' in step.text
        step = await post(admin, system, "/console/surveys/neu", complete_form(action="remove_option:2:0"))
        assert 'value="Anzeige"' in step.text and 'value="Sitzplätze"' not in step.text
        step = await post(admin, system, "/console/surveys/neu", complete_form(action="up:1"))
        assert step.text.index('value="Wie lange haben Sie gewartet?"') < step.text.index('value="Wie zufrieden')
        step = await post(admin, system, "/console/surveys/neu", complete_form(action="remove_question:5"))
        assert "Was sollen wir besser machen?" not in step.text and "Frage 5 entfernt." not in step.text
        assert "Frage 6 entfernt." in step.text

        # Errors at their fields, in German, with a summary linking to them; nothing saved.
        wrong = complete_form(action="save", survey_id="Umfrage 1", title_de=" ", q1_o1_de="", sampling_percent="viel",
                              q5_max_chars="5000", site_portal="")  # fmt: skip
        refused = await post(admin, system, "/console/surveys/neu", wrong)
        assert refused.status_code == 422
        assert errors_of(refused.text) == {
            "survey_id": "Nur Kleinbuchstaben (a–z), Ziffern und Bindestriche, höchstens 64 Zeichen, ohne Bindestrich "
            "am Anfang oder Ende.",
            "title_de": "Bitte ausfüllen.",
            "q1_o1_de": "Bitte ausfüllen.",
            "q5_max_chars": "Eine ganze Zahl von 1 bis 2000.",
            "sites": "Bitte wählen Sie mindestens eine Website.",
            "sampling_percent": "Bitte eine Zahl eingeben, z. B. 20 oder 12,5.",
        }
        assert "<title>Fehler: Neue Umfrage – Stadtstimme</title>" in refused.text
        assert 'aria-describedby="title_de-error" aria-invalid="true"' in refused.text
        assert 'role="alert" id="error-summary"' in refused.text
        assert '<li><a href="#survey_id">Kennung der Umfrage: Nur Kleinbuchstaben' in refused.text
        assert '<li><a href="#q1_o1_de">Frage 2, Antwort 2 (Deutsch): Bitte ausfüllen.</a></li>' in refused.text
        assert 'value="viel"' in refused.text and 'value="Umfrage 1"' in refused.text  # as typed
        assert await current(system, "umfrage-1") is None and await current(system, SURVEY) is None
        # The contract's own rules (its model validators) at the fields they concern.
        scroll = await post(admin, system, "/console/surveys/neu", complete_form(action="preview", scroll_percent=""))
        assert errors_of(scroll.text) == {
            "scroll_percent": "Bitte angeben, nach wie viel Prozent der Seite die Umfrage erscheint (1 bis 100)."
        }
        window = await post(admin, system, "/console/surveys/neu", complete_form(ends_at="2025-12-31T00:00"))
        assert errors_of(window.text) == {"ends_at": "Das Ende muss nach dem Beginn liegen."}
        taken = await post(admin, system, "/console/surveys/neu", complete_form(action="save", survey_id="neu"))
        assert errors_of(taken.text) == {"survey_id": "Diese Kennung ist für die Konsole reserviert. Bitte wählen "
                                                      "Sie eine andere."}  # fmt: skip

        # Preview: the real widget in a sandboxed frame, the draft served below its token, answers swallowed.
        shown = await post(admin, system, "/console/surveys/neu", complete_form(action="preview_en"))
        assert shown.status_code == 200 and "frame-src 'self'" in shown.headers["content-security-policy"]
        src = re.search(r'<iframe class="preview-frame" src="([^"]+)" title="([^"]+)" sandbox="allow-scripts"',
                        shown.text)  # fmt: skip
        assert src and src[1].endswith("/?lang=en") and "(Englisch)" in src[2]
        frame = await admin.get(unescape(src[1]))
        assert frame.status_code == 200 and "sandbox allow-scripts" in frame.headers["content-security-policy"]
        assert "frame-ancestors 'self'" in frame.headers["content-security-policy"]
        assert '<html lang="en">' in frame.text and "<h1>Short survey on waiting times</h1>" in frame.text
        base = unescape(src[1]).removesuffix("?lang=en")
        assert (await anonymous.get(unescape(src[1]))).status_code == 303  # the page is the console's
        document = (await anonymous.get(base + "api/v1/surveys", params={"site": "portal"})).json()
        delivered = document["surveys"][0]
        assert delivered["id"] == SURVEY and delivered["version"] == 1 and len(delivered["questions"]) == 6
        assert delivered["targeting"]["sampling_percent"] == 100 and delivered["targeting"]["include"] == ["/*"]
        assert delivered["targeting"]["trigger"] == {"kind": "delay", "delay_s": 0, "scroll_percent": None}
        widget = await anonymous.get(base + "widget/v1/stadtstimme.js")
        assert widget.status_code == 200 and widget.headers["access-control-allow-origin"] == "*"
        answer = {"survey_id": SURVEY, "version": 1, "answers": {"q0": 5}}
        sunk = await anonymous.post(base + "api/v1/survey-responses", json=answer)
        assert sunk.status_code == 202 and sunk.json() == {}
        assert (await anonymous.get(base.replace(base.split("/")[-2], "x" * 43) + "api/v1/surveys")).status_code == 404
        button = await post(
            admin, system, "/console/surveys/neu", complete_form(action="preview", trigger_kind="button")
        )
        page_src = unescape(re.findall(r'<iframe class="preview-frame" src="([^"]+)"', button.text)[0])
        assert f'<button type="button" data-stadtstimme-survey="{SURVEY}">' in (await admin.get(page_src)).text
        assert await current(system, SURVEY) is None  # a preview saves nothing

        # Save: version 1 as a draft, through the same command as the API (events on Kafka, the read model).
        saved = await post(admin, system, "/console/surveys/neu", complete_form(action="save"))
        assert saved.status_code == 303 and saved.headers["location"] == f"/console/surveys/{SURVEY}?saved=1"
        page = await admin.get(saved.headers["location"])
        assert '<p class="notice" role="status">Gespeichert als Version 1.</p>' in page.text
        assert "<dt>Status</dt><dd>Entwurf</dd>" in page.text and ">Veröffentlichen</button>" in page.text
        found = await current(system, SURVEY)
        assert found is not None
        definition, version, status = found
        assert (version, status) == (1, "draft")
        assert [q.id for q in definition.questions] == ["wie-zufrieden-sind-sie", "wie-lange-haben-sie-gewartet",
                                                        "was-hat-gefehlt", "kommen-sie-wieder", "empfehlen-sie-uns",
                                                        "was-sollen-wir-besser-machen"]  # fmt: skip
        assert [o.id for o in definition.questions[1].options] == ["unter-10-minuten", "laenger"]
        t = definition.targeting
        assert (t.sampling_percent, t.trigger.kind, t.trigger.scroll_percent, t.quota) == (12.5, "scroll", 40, 500)
        assert t.starts_at is not None and t.starts_at.isoformat() == "2026-01-01T08:00:00+01:00"
        again = await post(admin, system, "/console/surveys/neu", complete_form(action="save"))
        assert again.status_code == 409 and errors_of(again.text) == {
            "survey_id": "Eine Umfrage mit dieser Kennung gibt es schon. Bitte wählen Sie eine andere."
        }

        # Edit: the form shows the saved definition; saving it unchanged publishes nothing, a change is version 2.
        edit_url = f"/console/surveys/{SURVEY}/bearbeiten"
        edit = await admin.get(edit_url)
        assert edit.status_code == 200 and 'value="12,5"' in edit.text and 'value="01.01.2026 08:00"' in edit.text
        assert "Speichern legt Version 2 an." in edit.text and 'name="base_version" value="1"' in edit.text
        same = form_fields(draft_from_definition(definition, BERLIN)) | {"action": "save", "base_version": "1"}
        unchanged = await post(admin, system, edit_url, same)
        assert unchanged.headers["location"] == f"/console/surveys/{SURVEY}?saved=0"
        assert "Nichts geändert" in (await admin.get(unchanged.headers["location"])).text
        changed = await post(admin, system, edit_url, same | {"title_de": "Wartezeit im Bürgeramt"})
        assert changed.headers["location"] == f"/console/surveys/{SURVEY}?saved=2"
        stale = await post(admin, system, edit_url, same | {"title_de": "Noch ein Titel"})
        assert stale.status_code == 409 and "inzwischen geändert (jetzt Version 2)" in stale.text
        found = await current(system, SURVEY)
        assert found is not None and found[1] == 2 and found[0].title.de == "Wartezeit im Bürgeramt"

        # Copy: a new survey's form with everything but the id; saved as a draft of its own.
        copy = await admin.get(f"/console/surveys/{SURVEY}/kopie")
        assert copy.status_code == 200 and f'value="{SURVEY}-kopie"' in copy.text
        assert 'action="/console/surveys/neu"' in copy.text
        copied = form_fields(draft_from_definition(found[0], BERLIN)) | {"survey_id": f"{SURVEY}-kopie",
                                                                          "action": "save"}  # fmt: skip
        assert (await post(admin, system, "/console/surveys/neu", copied)).status_code == 303
        twin = await current(system, f"{SURVEY}-kopie")
        assert twin is not None and twin[0].questions == found[0].questions and twin[1:] == (1, "draft")
        # A closed survey is final: its form says so and offers no saving; a forged save is the domain's refusal.
        closing = await post(admin, system, f"/console/surveys/{SURVEY}-kopie/status", {"status": "closed"})
        assert closing.status_code == 303
        closed = await admin.get(f"/console/surveys/{SURVEY}-kopie/bearbeiten")
        assert "Diese Umfrage ist beendet und kann nicht mehr geändert werden." in closed.text
        assert 'value="save"' not in closed.text
        assert (
            f'href="/console/surveys/{SURVEY}-kopie/bearbeiten"'
            not in (await admin.get(f"/console/surveys/{SURVEY}-kopie")).text
        )
        forged = await post(admin, system, f"/console/surveys/{SURVEY}-kopie/bearbeiten",
                            copied | {"title_de": "Neu", "base_version": "1"})  # fmt: skip
        assert forged.status_code == 409
        assert "Eine beendete Umfrage kann nicht mehr geändert werden; legen Sie eine neue Umfrage an." in forged.text

        # The YAML export is what `stadtstimme surveys apply` reads; applied again it changes nothing.
        exported = await admin.get(f"/console/surveys/{SURVEY}/definition.yaml")
        assert exported.status_code == 200 and exported.headers["content-type"].startswith("application/yaml")
        assert exported.text.startswith(f"id: {SURVEY}\norg_unit: buergeramt\nstatus: draft\n")
        file = tmp_path / "umfrage.yaml"
        file.write_text(exported.text, encoding="utf-8")
        for command in ("validate", "apply"):
            done = system.cli("surveys", command, str(file))
            assert done.returncode == 0, done.stderr
        assert done.stdout.strip() == f"{SURVEY}: unchanged"
        assert (await current(system, SURVEY)) == found
        # Another unit's staff can read no foreign survey's definition; their own, yes.
        own = await sign_in(system, "buergeramt.staff")
        assert (await own.get(f"/console/surveys/{SURVEY}/definition.yaml")).text == exported.text
        assert (
            'href="/console/surveys/buergeramt-wartezeit/bearbeiten"'
            not in (await own.get(f"/console/surveys/{SURVEY}")).text
        )
        await own.aclose()
        await anonymous.aclose()
    finally:
        await admin.aclose()

    conn = await asyncpg.connect(system.settings.database_url)
    try:
        log = await conn.fetch("SELECT actor, action, subject, detail::text AS d FROM audit_log ORDER BY id")
        events = await conn.fetchval("SELECT count(*) FROM survey_event")
        previews = await conn.fetchval("SELECT count(*) FROM survey_preview")
    finally:
        await conn.close()
    changes = [(r["actor"], r["subject"]) for r in log if r["action"] == "survey_changed"]
    assert changes == [("umfragen.admin", SURVEY), ("umfragen.admin", SURVEY), ("umfragen.admin", f"{SURVEY}-kopie"),
                       ("umfragen.admin", f"{SURVEY}-kopie")]  # fmt: skip
    assert all('"via": "console"' in r["d"] for r in log if r["action"] == "survey_changed")
    assert all('"status"' not in r["d"] for r in log if r["action"] == "survey_changed" and "kopie" not in r["subject"])
    exports = [(r["actor"], r["subject"]) for r in log if r["action"] == "export"]
    assert exports == [
        ("umfragen.admin", f"survey-definition:{SURVEY}"),
        ("buergeramt.staff", f"survey-definition:{SURVEY}"),
    ]
    assert events == 4 and previews == 2  # three versions and a close; the previews publish nothing


E2E = "buergeramt-online-termin"
E2E_TITLE = "Ihre Meinung zur Online-Terminvergabe"
AXE_SOURCE = AXE.read_text(encoding="utf-8")


async def accessible(target: Page | Frame, what: str) -> None:
    """axe-core (WCAG 2.0–2.2 A/AA): no serious or critical violation. Evaluated through the browser's debugging
    protocol, so the page's own CSP stays in force for everything else."""
    await target.evaluate(AXE_SOURCE)
    assert await target.evaluate(SERIOUS, WCAG_TAGS) == [], what


def question(page: Page, number: int) -> Locator:
    return page.get_by_role("group", name=f"Frage {number}", exact=True)


async def add_question(page: Page, kind: str, number: int, text_de: str) -> None:
    await page.get_by_label("Art der neuen Frage").select_option(label=kind)
    await page.get_by_role("button", name="Frage hinzufügen").click()
    await page.get_by_role("status").filter(has_text=f"Frage {number} hinzugefügt.").wait_for()
    field = question(page, number).get_by_label("Fragetext (Deutsch)")
    assert await field.evaluate("(e) => e === document.activeElement")  # the new question's text has the focus
    await field.fill(text_de)


async def test_a_survey_built_in_the_console_is_previewed_published_shown_by_the_widget_and_answered(
    system: System, browser: Browser
) -> None:
    """The issue's proof, as the PR team would do it: build the survey in the console (with a mistake on the way),
    preview it with the real widget, save, publish, and see it on the Bürgeramt's demo page, where a citizen's
    answer reaches the results; the answer given in the preview is counted nowhere. Every page and state of the
    builder (the preview's page too) passes axe, with the pages' own CSP in force."""
    add_staff(system, "umfragen.admin", "administrator")
    context = await browser.new_context(locale="de-DE")
    context.set_default_timeout(15_000)
    page = await context.new_page()
    await sign_in_page(page, system, "umfragen.admin")
    await page.get_by_role("navigation", name="Bereiche der Konsole").get_by_role("link", name="Umfragen").click()
    await page.get_by_role("link", name="Neue Umfrage anlegen").click()
    await page.get_by_role("heading", name="Neue Umfrage", level=1).wait_for()
    await accessible(page, "empty form")

    await page.get_by_label("Kennung der Umfrage").fill(E2E)
    await page.get_by_label("Zuständige Organisationseinheit").select_option(label="Bürgeramt")
    await page.get_by_label("Titel (Deutsch)").fill(E2E_TITLE)
    await page.get_by_label("Titel (Englisch, freiwillig)").fill("Your view of online appointments")
    await add_question(page, "Bewertung von 1 bis 5", 1, "Wie zufrieden sind Sie mit der Terminvergabe?")
    await question(page, 1).get_by_label("Pflichtfrage: muss beantwortet werden").check()
    await add_question(page, "Auswahl: eine Antwort", 2, "Wie haben Sie den Termin gebucht?")
    choices = question(page, 2).get_by_role("group", name="Antwortmöglichkeiten zu Frage 2")
    await choices.get_by_label("Antwort 1 (Deutsch)").fill("Am Computer")
    await add_question(page, "Freitext", 3, "Was sollen wir verbessern?")
    await page.get_by_label("musterstadt.de (portal)").check()
    await page.get_by_label("Seiten, auf denen sie erscheint (ein Muster je Zeile)").fill("/buergeramt/termine*")
    await page.get_by_label("Wartezeit in Sekunden").fill("0")
    await accessible(page, "form with three questions")

    # A mistake: the second choice has no text. The form comes back with the error at its field and a summary.
    await page.get_by_role("button", name="Speichern").first.click()
    summary = page.get_by_role("alert")
    await summary.get_by_role("link", name="Frage 2, Antwort 2 (Deutsch): Bitte ausfüllen.").wait_for()
    second = choices.get_by_label("Antwort 2 (Deutsch)")
    assert await second.get_attribute("aria-invalid") == "true"
    assert await page.title() == "Fehler: Neue Umfrage – Stadtstimme"
    await accessible(page, "form with an error")
    await summary.get_by_role("link", name="Frage 2, Antwort 2 (Deutsch): Bitte ausfüllen.").click()
    assert await second.evaluate("(e) => e === document.activeElement")
    await second.fill("Am Telefon")

    # The preview: the real widget in a sandboxed frame shows the survey at once; answering it counts nowhere.
    await page.get_by_role("button", name="Vorschau anzeigen").first.click()
    await page.get_by_role("heading", name="Vorschau", exact=True).wait_for()
    frame_element = page.locator("iframe.preview-frame")
    preview = page.frame_locator("iframe.preview-frame")
    region = preview.get_by_role("region", name=E2E_TITLE)
    await region.get_by_text("Wie zufrieden sind Sie mit der Terminvergabe?").wait_for()
    await accessible(page, "form with the preview")
    frame = await (await frame_element.element_handle()).content_frame()
    assert frame is not None and await frame.evaluate("() => window.origin") == "null"  # sandboxed
    await accessible(frame, "the preview's page with the survey")
    await page.wait_for_timeout(1100)  # as a person reads (the time trap)
    await region.get_by_role("radio", name="5 –", exact=False).check()
    await region.get_by_role("button", name="Weiter", exact=True).click()
    await region.get_by_text("Frage 2 von 3").wait_for()
    await region.get_by_role("radio", name="Am Telefon", exact=True).check()
    await region.get_by_role("button", name="Weiter", exact=True).click()
    await region.get_by_text("Frage 3 von 3").wait_for()
    await page.get_by_role("button", name="Vorschau auf Englisch").first.click()
    await page.get_by_role("heading", name="Vorschau", exact=True).wait_for()
    english = page.frame_locator("iframe.preview-frame").get_by_role("region", name="Your view of online appointments")
    await english.get_by_text(
        "Wie zufrieden sind Sie mit der Terminvergabe?"  # German where there is no English
    ).wait_for()

    # Save (a draft, version 1), then publish on the survey's page.
    await page.get_by_role("button", name="Speichern").first.click()
    await page.get_by_role("status").filter(has_text="Gespeichert als Version 1.").wait_for()
    await page.get_by_role("heading", name=E2E_TITLE, level=1).wait_for()
    await accessible(page, "survey page after saving")
    await page.get_by_role("button", name="Veröffentlichen").click()
    await page.get_by_role("status").filter(has_text="aktiv").wait_for()
    async with httpx.AsyncClient(base_url=system.base_url) as citizen:
        await until_served(citizen, True, survey=E2E)

    # A citizen on the Bürgeramt's demo page: the widget shows the survey; the answers reach the results.
    city = await browser.new_context(locale="de-DE")
    visit = await city.new_page()
    await visit.goto(f"{system.base_url}/demo/buergeramt/termine")
    shown = visit.get_by_role("region", name=E2E_TITLE, exact=True)
    await shown.wait_for(timeout=15_000)
    await visit.wait_for_timeout(1100)
    await shown.get_by_role("radio", name="4 –", exact=False).check()
    await shown.get_by_role("button", name="Weiter", exact=True).click()
    await shown.get_by_text("Frage 2 von 3").wait_for()
    await visit.wait_for_timeout(1100)  # each question is read before it is answered (the time trap)
    await shown.get_by_role("radio", name="Am Computer", exact=True).check()
    await shown.get_by_role("button", name="Weiter", exact=True).click()
    await shown.get_by_role("button", name="Überspringen", exact=True).click()
    await shown.get_by_text("Vielen Dank", exact=False).wait_for()
    await city.close()
    await wait_parts(system, 2)
    async with httpx.AsyncClient(base_url=system.base_url, headers=system.admin, timeout=30) as staff:
        result = (await staff.get(f"/api/v1/staff/surveys/{E2E}/results")).json()
    assert (result["version"], result["responses"]) == (1, 1)  # the preview's answers are not among them
    rating, channel, _ = result["questions"]
    assert [d["count"] for d in rating["distribution"]] == [0, 0, 0, 1, 0]
    assert [(d["value"], d["count"]) for d in channel["distribution"]] == [("am-computer", 1), ("am-telefon", 0)]

    await page.reload()
    await page.get_by_role("link", name="Bearbeiten", exact=True).click()
    await page.get_by_text("Achtung: Die Umfrage ist aktiv.", exact=False).first.wait_for()  # saving goes live
    await accessible(page, "form of a live survey")
    await page.go_back()
    await page.get_by_role("link", name="Kopieren", exact=True).click()
    assert await page.get_by_label("Kennung der Umfrage").input_value() == f"{E2E}-kopie"
    await accessible(page, "form of a copy")
    await page.go_back()
    facts = page.locator("dl.facts").nth(1)
    await facts.get_by_text("Antworten (gezählt)").wait_for()
    assert "1" in await facts.locator("dd").first.inner_text()
    await accessible(page, "survey page with the answer")
    await context.close()
