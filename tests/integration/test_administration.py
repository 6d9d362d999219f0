"""Staff administration in the console on the real system (issue 18): an administrator invites a colleague by
e-mail, the link in the mail (through the test mail server) sets the password once, the colleague signs in; role
and units change; a disabled account's session ends at once; a reset link replaces the password; nobody locks the
city out; API tokens are created (the secret shown once) and revoked; the audit log shows all of it, filtered, and
exports it as CSV. Every page and error state is checked with axe."""

from __future__ import annotations

import csv
import io
import re
from email.message import EmailMessage

import asyncpg
import httpx
from playwright.async_api import Browser, Page

from shared.auth import audit
from tests.browser.conftest import AXE, WCAG_TAGS
from tests.integration.conftest import BROWSER_ONCE, SERIOUS
from tests.integration.system import System
from tests.integration.test_console import PASSWORD, add_staff, sign_in, sign_in_page
from tests.unit.test_hackathon_mail import Inbox, body

NEW_PASSWORD = "Sieben-Brücken-über-die-Weser"


def link_in(mail: EmailMessage) -> str:
    found = re.search(r"(/console/passwort/[A-Za-z0-9_-]+)", body(mail))
    assert found, body(mail)
    return found.group(1)


def post(client: httpx.AsyncClient, system: System, path: str, **form: str) -> httpx.Response:
    return client.post(path, data=form, headers={"Origin": system.base_url})  # type: ignore[return-value]


async def test_invite_set_password_change_disable_reset_and_audit(mailing: tuple[System, Inbox]) -> None:
    system, inbox = mailing
    add_staff(system, "chefin", "administrator")
    admin = await sign_in(system, "chefin")
    anonymous = httpx.AsyncClient(base_url=system.base_url, timeout=30)

    # Invited as unit staff of the Bäder: the mail carries a single-use link.
    invitation = {"username": "Carla.Berg", "display_name": "Carla Berg", "email": "Carla.Berg@Musterstadt.de",
                  "role": "unit_staff", "unit-baeder": "on", "kind": "local"}  # fmt: skip
    answer = await post(admin, system, "/console/konten", **invitation)
    assert answer.status_code == 303 and answer.headers["location"] == "/console/konten/carla.berg?done=invited"
    (mail,) = await inbox.wait("carla.berg@musterstadt.de")
    assert mail["Subject"] == "Ihr Zugang zu Stadtstimme" and "Guten Tag" in body(mail)
    link = link_in(mail)
    page = await admin.get("/console/konten/carla.berg")
    assert "Eingeladen, Passwort noch nicht gesetzt" in page.text and "Einladung, gültig bis" in page.text
    # Nothing signs in to an invited account before its password is set.
    refused = await anonymous.post("/console/login", data={"username": "carla.berg", "password": ""},
                                   headers={"Origin": system.base_url})  # fmt: skip
    assert refused.status_code != 303

    # The link's page: errors at their fields, then the password is set once.
    form = await anonymous.get(link)
    assert form.status_code == 200 and "carla.berg" in form.text and form.headers["referrer-policy"] == "origin"
    short = await post(anonymous, system, link, password="kurz", **{"password-repeat": "kurz"})
    assert short.status_code == 422 and "mindestens 12 Zeichen" in short.text
    differ = await post(anonymous, system, link, password=NEW_PASSWORD, **{"password-repeat": NEW_PASSWORD + "x"})
    assert differ.status_code == 422 and "stimmen nicht überein" in differ.text
    cross = await anonymous.post(link, data={"password": NEW_PASSWORD, "password-repeat": NEW_PASSWORD},
                                 headers={"Origin": "https://evil.example"})  # fmt: skip
    assert cross.status_code == 403
    done = await post(anonymous, system, link, password=NEW_PASSWORD, **{"password-repeat": NEW_PASSWORD})
    assert done.status_code == 303 and done.headers["location"] == "/console/login?done=password"
    again = await post(anonymous, system, link, password=NEW_PASSWORD, **{"password-repeat": NEW_PASSWORD})
    assert again.status_code == 404 and "abgelaufen oder wurde schon verwendet" in again.text
    carla = await sign_in(system, "carla.berg", NEW_PASSWORD)
    assert (await carla.get("/console/konten")).status_code == 403  # unit staff do not administer

    # Role and units: checked at the field; unit staff without a unit is refused.
    no_unit = await post(admin, system, "/console/konten/carla.berg/rolle", role="unit_staff")
    assert no_unit.status_code == 422 and "mindestens eine Organisationseinheit" in no_unit.text
    moved = await post(admin, system, "/console/konten/carla.berg/rolle", role="unit_staff",
                       **{"unit-baeder": "on", "unit-abfallwirtschaft": "on"})  # fmt: skip
    assert moved.status_code == 303
    assert "abfallwirtschaft, baeder" in (await admin.get("/console/konten/carla.berg")).text

    # Disabled: her session ends at once; re-enabled, she signs in again.
    assert (await post(admin, system, "/console/konten/carla.berg/sperren")).status_code == 303
    assert (await carla.get("/console/")).status_code == 303  # back to the sign-in
    assert (await post(admin, system, "/console/konten/carla.berg/entsperren")).status_code == 303
    carla = await sign_in(system, "carla.berg", NEW_PASSWORD)

    # A reset: the old password stands until the new one is set; then her sessions end.
    reset = await post(admin, system, "/console/konten/carla.berg/zuruecksetzen", email="")
    assert reset.status_code == 303 and reset.headers["location"].endswith("done=link_sent")
    (_, reset_mail) = await inbox.wait("carla.berg@musterstadt.de", 2)
    assert reset_mail["Subject"] == "Neues Passwort für Stadtstimme"
    assert (await carla.get("/console/")).status_code == 200
    reset_link = link_in(reset_mail)
    assert (
        await post(anonymous, system, reset_link, password=PASSWORD, **{"password-repeat": PASSWORD})
    ).status_code == 303
    assert (await carla.get("/console/")).status_code == 303
    carla = await sign_in(system, "carla.berg", PASSWORD)

    # Nobody locks the city out: not their own account, not the last administrator.
    admin_id = "chefin"
    itself = await post(admin, system, f"/console/konten/{admin_id}/sperren")
    assert itself.status_code == 409 and "eigene Konto" in itself.text
    add_staff(system, "zweite", "administrator")
    second = await sign_in(system, "zweite")
    assert (await post(second, system, "/console/konten/chefin/rolle", role="analyst")).status_code == 303
    last = await post(admin, system, "/console/konten/zweite/sperren")
    assert last.status_code == 403  # chefin is an analyst now: no longer an administrator at all
    last = await post(second, system, "/console/konten/zweite/rolle", role="analyst")
    assert last.status_code == 409 and "eigene Konto" in last.text
    assert (await post(second, system, "/console/konten/chefin/rolle", role="administrator")).status_code == 303

    # An OpenID Connect account: no password, no link.
    oidc = await post(admin, system, "/console/konten", username="dora", email="dora@musterstadt.de",
                      role="pr_team", kind="oidc")  # fmt: skip
    assert oidc.status_code == 303
    assert "noch nie angemeldet" in (await admin.get("/console/konten/dora")).text
    assert (await post(admin, system, "/console/konten/dora/zuruecksetzen", email="")).status_code == 409
    taken = await post(admin, system, "/console/konten", username="dora", email="d@musterstadt.de", role="analyst")
    assert taken.status_code == 409 and "gibt es schon" in taken.text

    # API tokens: the secret on the answer only, then usable; revoked, refused.
    made = await post(admin, system, "/console/tokens", name="stadtportal", **{"scope-figures.read": "on"}, days="30")
    assert made.status_code == 200
    secret = re.search(r'value="(sst_[A-Za-z0-9_-]+)"', made.text)
    assert secret, made.text
    bearer = {"Authorization": f"Bearer {secret.group(1)}"}
    assert (await anonymous.get("/api/v1/metrics/org-units", headers=bearer)).status_code == 200
    assert secret.group(1) not in (await admin.get("/console/tokens")).text
    no_scope = await post(admin, system, "/console/tokens", name="leer")
    assert no_scope.status_code == 422 and "mindestens eine Berechtigung" in no_scope.text
    assert (await post(admin, system, "/console/tokens/stadtportal/widerrufen")).status_code == 303
    assert (await anonymous.get("/api/v1/metrics/org-units", headers=bearer)).status_code == 401

    # The audit log: all of it, filtered by who and what, and as CSV.
    log = await admin.get("/console/protokoll", params={"was": "account_invited"})
    assert log.status_code == 200 and ">carla.berg</td>" in log.text and ">dora</td>" in log.text
    by_second = await admin.get("/console/protokoll", params={"wer": "zweite"})
    assert ">Rolle geändert</td>" in by_second.text and ">Konto eingeladen</td>" not in by_second.text
    conn = await asyncpg.connect(system.settings.database_url)
    try:  # an entry about a unit's object, as the inbox writes one when a comment is viewed
        await audit(conn, "carla.berg", "view_comment", "a-comment", org_unit="baeder")
    finally:
        await conn.close()
    baeder = await admin.get("/console/protokoll", params={"einheit": "baeder"})
    assert ">Kommentar angesehen</td>" in baeder.text and ">Konto eingeladen</td>" not in baeder.text
    abfall = await admin.get("/console/protokoll", params={"einheit": "abfallwirtschaft"})
    assert ">Kommentar angesehen</td>" not in abfall.text
    bad = await admin.get("/console/protokoll", params={"von": "gestern"})
    assert bad.status_code == 400 and "JJJJ-MM-TT" in bad.text
    exported = await admin.get("/console/protokoll.csv", params={"wer": "chefin"})
    assert exported.status_code == 200 and exported.headers["content-type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(exported.text.lstrip("\ufeff")), delimiter=";"))
    assert rows[0] == ["Zeitpunkt", "Wer", "Was", "Betrifft", "Organisationseinheit", "Einzelheiten"]
    actions = {r[2] for r in rows[1:]}
    assert {"account_invited", "account_disable", "account_enable", "token_created", "token_revoked"} <= actions
    assert all(r[1] == "chefin" for r in rows[1:])
    for client in (admin, second, carla, anonymous):
        await client.aclose()


async def axe(page: Page) -> None:
    await page.add_script_tag(path=str(AXE))
    assert await page.evaluate(SERIOUS, WCAG_TAGS) == []


@BROWSER_ONCE
async def test_administration_pages_are_accessible(mailing: tuple[System, Inbox], browser: Browser) -> None:
    system, inbox = mailing
    add_staff(system, "barrierefrei", "administrator")
    context = await browser.new_context(locale="de-DE", bypass_csp=True)  # bypass: to inject axe
    page = await context.new_page()
    await sign_in_page(page, system, "barrierefrei")
    await page.get_by_role("link", name="Konten").click()
    await page.get_by_role("heading", name="Konten der Mitarbeitenden").wait_for()
    await axe(page)
    # The invitation refused at its fields, then sent.
    await page.get_by_label("Benutzername").fill("ernst")
    await page.get_by_label("Dienstliche E-Mail-Adresse").fill("kein-at-zeichen")
    await page.get_by_label("Rolle").select_option("unit_staff")
    await page.get_by_role("button", name="Einladen").click()
    await page.get_by_role("alert").wait_for()
    assert await page.get_by_label("Dienstliche E-Mail-Adresse").get_attribute("aria-invalid") == "true"
    await axe(page)
    await page.get_by_label("Dienstliche E-Mail-Adresse").fill("ernst@musterstadt.de")
    await page.get_by_label("Bäderbetrieb Musterstadt").check()
    await page.get_by_role("button", name="Einladen").click()
    await page.get_by_role("heading", name="Konto ernst").wait_for()
    await axe(page)
    (mail,) = await inbox.wait("ernst@musterstadt.de")
    await page.get_by_role("link", name="API-Schlüssel").click()
    await page.get_by_label("Name", exact=True).fill("portal")
    await page.get_by_label("figures.read").check()
    await page.get_by_role("button", name="Schlüssel anlegen").click()
    await page.get_by_label("Geheimnis").wait_for()
    await axe(page)
    await page.get_by_role("link", name="Protokoll").click()
    await page.get_by_role("heading", name="Protokoll").wait_for()
    await axe(page)
    await page.get_by_label("Von").fill("2026-12-31")
    await page.get_by_label("Bis").fill("2026-01-01")
    await page.get_by_role("button", name="Filtern").click()
    await page.get_by_role("alert").wait_for()
    await axe(page)
    # The password page of the link, with an error, in a fresh browser (no session).
    stranger = await browser.new_context(locale="de-DE", bypass_csp=True)
    link_page = await stranger.new_page()
    await link_page.goto(f"{system.base_url}{link_in(mail)}")
    await axe(link_page)
    await link_page.get_by_label("Neues Passwort").fill("kurz")
    await link_page.get_by_label("Passwort wiederholen").fill("kurz")
    await link_page.get_by_role("button", name="Passwort speichern").click()
    await link_page.get_by_role("alert").wait_for()
    await axe(link_page)
    await link_page.get_by_label("Neues Passwort").fill(NEW_PASSWORD)
    await link_page.get_by_label("Passwort wiederholen").fill(NEW_PASSWORD)
    await link_page.get_by_role("button", name="Passwort speichern").click()
    await link_page.get_by_role("status").wait_for()
    await axe(link_page)
    await stranger.close()
    await context.close()
