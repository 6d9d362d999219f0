"""Staff console, first slice, over real HTTP on the real system: accounts from the CLI, sign-in, sessions,
per-unit scoping, CSRF protection by origin, security headers and the append-only audit log."""

from __future__ import annotations

import uuid

import asyncpg
import httpx
import pytest
from playwright.async_api import Browser, Page

from tests.browser.conftest import AXE, WCAG_TAGS
from tests.integration.conftest import SERIOUS, once
from tests.integration.system import System

pytestmark = once("the console's access rules")

PASSWORD = "Korrekt-Pferd-Batterie-9"
UNITS = {"abfallwirtschaft": "Abfallwirtschaftsbetrieb Musterstadt", "baeder": "Bäderbetrieb Musterstadt"}


def add_staff(system: System, username: str, role: str, *units: str, password: str = PASSWORD) -> None:
    """`stadtstimme staff add`, as an operator runs it."""
    args = ["staff", "add", username, "--role", role, "--password-stdin"]
    for unit in units:
        args += ["--unit", unit]
    done = system.cli(*args, input=password + "\n")
    assert done.returncode == 0, done.stderr


async def sign_in_page(page: Page, system: System, username: str) -> None:
    """Sign in through the console's form in a browser page and wait for the overview."""
    await page.goto(f"{system.base_url}/console/login")
    await page.get_by_label("Benutzername").fill(username)
    await page.get_by_label("Passwort").fill(PASSWORD)
    await page.get_by_role("button", name="Anmelden").click()
    await page.get_by_role("heading", name="Zufriedenheit im Überblick").wait_for()


async def sign_in(system: System, username: str, password: str = PASSWORD) -> httpx.AsyncClient:
    client = httpx.AsyncClient(base_url=system.base_url, timeout=30)
    answer = await client.post(
        "/console/login", data={"username": username, "password": password}, headers={"Origin": system.base_url}
    )
    assert answer.status_code == 303 and answer.headers["location"] == "/console/", answer.text
    return client


@pytest.fixture
async def with_feedback(system: System) -> System:
    async with httpx.AsyncClient(base_url=system.base_url) as client:
        for site, url, rating in (
            ("abfall", "https://abfall.musterstadt.de/sperrmuell", 2),
            ("baeder", "https://www.baeder-musterstadt.de/freibad", 5),
        ):
            body = {"event_id": str(uuid.uuid4()), "site": site, "page_url": url, "rating": rating}
            assert (await client.post("/api/v1/feedback", json=body)).status_code == 202
    await system.wait_projected(2, timeout=15)
    return system


async def test_scoping_sessions_and_audit(with_feedback: System) -> None:
    system = with_feedback
    add_staff(system, "pr-team", "analyst")
    add_staff(system, "Abfall.Staff", "unit_staff", "abfallwirtschaft")

    anonymous = await httpx.AsyncClient(base_url=system.base_url).get("/console/")
    assert anonymous.status_code == 303 and anonymous.headers["location"] == "/console/login"

    analyst = await sign_in(system, "pr-team")
    token = analyst.cookies.get("stadtstimme-session")
    assert token and len(token) >= 43  # 256 random bits
    set_cookie = (await httpx.AsyncClient(base_url=system.base_url).post(
        "/console/login", data={"username": "pr-team", "password": PASSWORD}, headers={"Origin": system.base_url}
    )).headers["set-cookie"].lower()  # fmt: skip
    assert "httponly" in set_cookie and "samesite=strict" in set_cookie and "path=/" in set_cookie
    overview = await analyst.get("/console/")
    assert overview.status_code == 200
    assert all(name in overview.text for name in UNITS.values())
    assert "5,0" in overview.text and "2,0" in overview.text  # mean ratings, German decimal comma
    csp = overview.headers["content-security-policy"]
    assert "frame-ancestors 'none'" in csp and "unsafe-inline" not in csp
    assert overview.headers["cache-control"] == "no-store" and overview.headers["x-content-type-options"] == "nosniff"

    unit_staff = await sign_in(system, "abfall.staff")  # usernames are case-insensitive
    scoped = await unit_staff.get("/console/")
    assert UNITS["abfallwirtschaft"] in scoped.text and UNITS["baeder"] not in scoped.text

    # Cross-site requests are refused: no Origin and no Sec-Fetch-Site, or a foreign origin.
    assert (await analyst.post("/console/logout")).status_code == 403
    assert (await analyst.post("/console/logout", headers={"Origin": "https://evil.example"})).status_code == 403
    forged = await httpx.AsyncClient(base_url=system.base_url).post(
        "/console/login", data={"username": "pr-team", "password": PASSWORD}, headers={"Origin": "https://evil.example"}
    )
    assert forged.status_code == 403 and "set-cookie" not in forged.headers
    assert (await analyst.get("/console/")).status_code == 200  # still signed in

    out = await analyst.post("/console/logout", headers={"Sec-Fetch-Site": "same-origin"})
    assert out.status_code == 303
    for old in (token, "forged"):  # the session is gone on the server, whatever the browser still holds
        stale = await httpx.AsyncClient(base_url=system.base_url, cookies={"stadtstimme-session": old}).get("/console/")
        assert stale.status_code == 303

    wrong = await httpx.AsyncClient(base_url=system.base_url).post(
        "/console/login", data={"username": "pr-team", "password": "falsch"}, headers={"Origin": system.base_url}
    )
    assert wrong.status_code == 401 and "Benutzername oder Passwort ist falsch." in wrong.text

    conn = await asyncpg.connect(system.settings.database_url)
    try:
        # Without the test system's own set-up (it loads the org model as "tests").
        log = [
            (r["actor"], r["action"])
            for r in await conn.fetch("SELECT actor, action FROM audit_log WHERE actor <> 'tests' ORDER BY id")
        ]
        assert log == [
            ("cli", "account_created"),
            ("cli", "account_created"),
            ("pr-team", "login"),
            ("pr-team", "login"),
            ("abfall.staff", "login"),
            ("pr-team", "logout"),
            ("pr-team", "login_failed"),
        ]
        with pytest.raises(asyncpg.RaiseError, match="append-only"):
            await conn.execute("DELETE FROM audit_log")
        assert await conn.fetchval("SELECT count(*) FROM staff_session WHERE expires_at > now()") == 2
        stored = await conn.fetchval("SELECT password_hash FROM staff_account WHERE username = 'pr-team'")
        assert stored.startswith("$argon2id$") and PASSWORD not in stored
    finally:
        await conn.close()


async def test_cli_refuses_bad_accounts(system: System) -> None:
    for args, password in (
        (["unit_staff"], PASSWORD),  # unit staff without a unit
        (["unit_staff", "gibt-es-nicht"], PASSWORD),
        (["analyst"], "kurz"),
        (["superuser"], PASSWORD),
    ):
        role, *units = args
        cmd = ["staff", "add", "x", "--role", role, "--password-stdin"]
        cmd += [a for u in units for a in ("--unit", u)]
        done = system.cli(*cmd, input=password + "\n")
        assert done.returncode == 2 and done.stderr.startswith("error: "), (args, done.stderr)


async def test_console_pages_are_accessible(system: System, browser: Browser) -> None:
    add_staff(system, "barrierefrei", "analyst")
    context = await browser.new_context(locale="de-DE", bypass_csp=True)  # bypass: to inject axe
    page = await context.new_page()
    await page.goto(f"{system.base_url}/console/")  # redirected to the sign-in page
    await page.add_script_tag(path=str(AXE))
    assert await page.evaluate(SERIOUS, WCAG_TAGS) == []
    await page.get_by_label("Benutzername").fill("barrierefrei")
    await page.get_by_label("Passwort").fill("falsch")
    await page.get_by_role("button", name="Anmelden").click()
    await page.get_by_role("alert").wait_for()  # the error is announced
    await page.add_script_tag(path=str(AXE))
    assert await page.evaluate(SERIOUS, WCAG_TAGS) == []
    await page.get_by_label("Passwort").fill(PASSWORD)
    await page.get_by_role("button", name="Anmelden").click()
    await page.get_by_role("heading", name="Zufriedenheit im Überblick").wait_for()
    await page.add_script_tag(path=str(AXE))
    assert await page.evaluate(SERIOUS, WCAG_TAGS) == []
    await page.get_by_role("link", name="Abfallwirtschaftsbetrieb Musterstadt").click()
    await page.get_by_role("heading", name="Neueste Kommentare und Vorschläge").wait_for()
    await page.add_script_tag(path=str(AXE))
    assert await page.evaluate(SERIOUS, WCAG_TAGS) == []
    await page.get_by_role("button", name="Abmelden").click()  # a real browser's same-origin post
    await page.get_by_role("heading", name="Anmeldung für Mitarbeitende").wait_for()
    await context.close()


# Who may open what: (role, units on the account) x endpoint -> status. 404 for another unit's page, exactly as for
# a unit that does not exist, so unit staff cannot even learn which units exist.
ENDPOINTS = ("/console/", "/console/units/abfallwirtschaft", "/console/units/baeder",
             "/console/units/baeder?days=7&category=service", "/console/trend.csv?unit=baeder",
             "/console/trend.csv?unit=abfallwirtschaft&prefix=https://abfall", "/console/inbox",
             "/console/inbox.csv", "/console/overview.csv?days=90")  # fmt: skip
_ALL = dict.fromkeys(ENDPOINTS, 200)
MATRIX = {
    ("administrator", ()): _ALL,
    ("analyst", ()): _ALL,
    ("unit_staff", ("abfallwirtschaft",)): {**_ALL, "/console/units/baeder": 404,
        "/console/units/baeder?days=7&category=service": 404, "/console/trend.csv?unit=baeder": 404},
    ("unit_staff", ("baeder", "stadtwerke")): {**_ALL, "/console/units/abfallwirtschaft": 404,
        "/console/trend.csv?unit=abfallwirtschaft&prefix=https://abfall": 404},
}  # fmt: skip


async def test_role_endpoint_unit_matrix_and_comments_as_text(with_feedback: System) -> None:
    system = with_feedback
    async with httpx.AsyncClient(base_url=system.base_url) as client:
        body = {
            "event_id": str(uuid.uuid4()), "site": "abfall", "page_url": "https://abfall.musterstadt.de/sperrmuell",
            "rating": 1, "comment": '<script>alert("x")</script> Termin <b>fehlt</b>', "elapsed_ms": 9000,
        }  # fmt: skip
        assert (await client.post("/api/v1/feedback", json=body)).status_code == 202
    await system.wait_projected(3, timeout=15)
    for i, ((role, units), expected) in enumerate(MATRIX.items()):
        add_staff(system, f"user{i}", role, *units)
        client = await sign_in(system, f"user{i}")
        got = {path: (await client.get(path)).status_code for path in expected}
        assert got == expected, (role, units)
    anonymous = httpx.AsyncClient(base_url=system.base_url)
    assert {(await anonymous.get(path)).status_code for path in ENDPOINTS} == {303}

    staff = await sign_in(system, "user2")  # unit staff of the Abfallwirtschaftsbetrieb
    unit = await staff.get("/console/units/abfallwirtschaft")
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt; Termin &lt;b&gt;fehlt&lt;/b&gt;" in unit.text
    assert "<script>" not in unit.text and "Sperrmüll anmelden" in unit.text
    overview = await staff.get("/console/")
    assert "/console/units/abfallwirtschaft" in overview.text and "/console/units/baeder" not in overview.text
    exported = await staff.get("/console/overview.csv")
    assert exported.status_code == 200 and exported.headers["content-type"] == "text/csv; charset=utf-8"
    lines = exported.content.decode("utf-8-sig").splitlines()
    assert lines[0] == (
        "Organisationseinheit;Rückmeldungen;Anteil hilfreich (%);Mittlere Bewertung (1–5);"
        "Veränderung Rückmeldungen (%);Veränderung Anteil hilfreich (Prozentpunkte);Veränderung mittlere Bewertung"
    )
    assert lines[1:] == ["Abfallwirtschaftsbetrieb Musterstadt;2;;1,50;;;"]  # only the own unit, nothing before
    # The metrics API with the console session: scoped the same way (the bearer token still sees everything).
    answer = await staff.get("/api/v1/metrics/org-units", params={"series": "false"})
    assert answer.status_code == 200, answer.text
    units = answer.json()["items"]
    assert [u["org_unit"] for u in units] == ["abfallwirtschaft"]
    pages = (await staff.get("/api/v1/metrics/pages", params={"series": "false"})).json()["items"]
    assert pages and {p["org_unit"] for p in pages} == {"abfallwirtschaft"}
    other = await staff.get("/api/v1/metrics/pages", params={"org_unit": "baeder"})
    assert other.status_code == 200 and other.json()["items"] == []
    everything = await anonymous.get("/api/v1/metrics/org-units", headers=system.auth)
    assert {u["org_unit"] for u in everything.json()["items"]} == {"abfallwirtschaft", "baeder"}
    assert (await anonymous.get("/api/v1/metrics/org-units")).status_code == 401
    missing = await staff.get("/console/units/gibt-es-nicht")
    assert missing.status_code == 404 and "Nicht gefunden" in missing.text
    conn = await asyncpg.connect(system.settings.database_url)
    try:
        seen = await conn.fetch(
            "SELECT actor, action, subject FROM audit_log WHERE action IN ('view_comments', 'export')"
        )
        assert {("user2", "view_comments", "abfallwirtschaft"), ("user2", "export", "overview.csv")} <= {
            (r["actor"], r["action"], r["subject"]) for r in seen
        }
    finally:
        await conn.close()
