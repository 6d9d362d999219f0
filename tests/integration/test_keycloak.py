"""Staff sign-in through a real Keycloak (``keycloak-quarkus-dist`` from Maven Central, see ``keycloak.py``): the
console's authorization code flow with PKCE against a realm set up through Keycloak's admin REST API, in headless
Chromium, with the accounts bound to Keycloak's ids of the people (never to a local account of the same name) and
following the group memberships Keycloak puts into the ID token.

Keycloak needs a JDK 21+ (``$STADTSTIMME_JAVA21_HOME`` or ``/usr/lib/jvm/*``); without one the module is skipped.
It starts once per module (one to four minutes; the first run also downloads 176 MB into ``var/cache/keycloak``).
Sign-in does not depend on the broker, so the module runs in the Tansu pass of the suite only.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import asyncpg
import httpx
import pytest
from playwright.async_api import Browser, BrowserContext, Page, Response

from shared.oidc import pkce_challenge
from shared.settings import Settings
from stadtstimme.infra import free_port
from tests.integration.conftest import once, running
from tests.integration.keycloak import (
    CLIENT_ID,
    KEYCLOAK_VERSION,
    Keycloak,
    KeycloakNotReady,
    Realm,
    create_realm,
    find_java21,
    keycloak_dist,
)
from tests.integration.system import System
from tests.integration.test_console import add_staff

JAVA21_HOME, JAVA21_FOUND = find_java21()  # here, so that a skip does not wait for the broker and PostgreSQL

pytestmark = [
    once("OpenID Connect sign-in at Keycloak", broker="tansu"),
    pytest.mark.skipif(JAVA21_HOME is None, reason=JAVA21_FOUND),
]

SIGN_IN_LINK = "Mit dem Dienstkonto der Stadt anmelden"
OVERVIEW = "Zufriedenheit im Überblick"


@pytest.fixture(scope="module")
def keycloak(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Keycloak]:
    if JAVA21_HOME is None:
        pytest.skip(JAVA21_FOUND)
    log = tmp_path_factory.mktemp("keycloak") / "keycloak.log"
    print(f"\nKeycloak {KEYCLOAK_VERSION} on {JAVA21_FOUND} ({JAVA21_HOME}), log in {log}")
    server = Keycloak(home=keycloak_dist(), java_home=JAVA21_HOME, log_path=log)
    try:
        server.start(timeout=240)
    except KeycloakNotReady as exc:
        pytest.fail(str(exc), pytrace=False)
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="module")
def console_port() -> int:
    """The console's port for the whole module: Keycloak knows its redirect URI."""
    return free_port()


@pytest.fixture(scope="module")
def realm(keycloak: Keycloak, console_port: int) -> Realm:
    return create_realm(keycloak, f"http://127.0.0.1:{console_port}/console/login/oidc/callback")


@pytest.fixture
async def keycloak_system(settings: Settings, tmp_path: Path, realm: Realm, console_port: int) -> AsyncIterator[System]:
    async with running(settings, tmp_path / "logs", http_port=console_port,
                       public_base_url=f"http://127.0.0.1:{console_port}", oidc_issuer=realm.issuer,
                       oidc_client_id=CLIENT_ID, oidc_client_secret=realm.client_secret,
                       oidc_roles_claim="groups") as s:  # fmt: skip
        yield s


async def sign_in(
    browser: Browser, system: System, realm: Realm, username: str
) -> tuple[BrowserContext, Page, Response]:
    """A person signs in from the console's login page with their password at Keycloak, in a fresh browser; the
    context, its page and the console's answer to Keycloak's redirect back."""
    context = await browser.new_context(locale="de-DE")
    context.set_default_timeout(60_000)  # Keycloak renders its first pages slowly after a start
    page = await context.new_page()
    await page.goto(f"{system.base_url}/console/login")
    await page.get_by_role("link", name=SIGN_IN_LINK).click()
    await page.wait_for_url(lambda url: url.startswith(f"{realm.issuer}/protocol/openid-connect/auth?"))
    await page.locator("#username").fill(username)
    await page.locator("#password").fill(realm.passwords[username])
    callback = f"{system.base_url}/console/login/oidc/callback?"
    async with page.expect_response(lambda r: r.url.startswith(callback)) as answer:
        await page.locator("#kc-login").click()
    return context, page, await answer.value


async def signed_in(page: Page, system: System) -> str:
    """Wait for the console's overview; the header's text (names the person)."""
    await page.get_by_role("heading", name=OVERVIEW).wait_for()
    assert page.url == f"{system.base_url}/console/"
    return await page.locator("header").inner_text()


async def status(page: Page, url: str) -> int:
    response = await page.goto(url)
    assert response is not None
    return response.status


async def test_staff_sign_in_at_keycloak_in_chromium(keycloak_system: System, realm: Realm, browser: Browser) -> None:
    system = keycloak_system
    units = f"{system.base_url}/console/units"

    context, page, callback = await sign_in(browser, system, realm, "anna")
    assert callback.status == 200, await callback.text()
    assert "Anna Abfall" in await signed_in(page, system)  # the name from Keycloak's profile claims
    assert await status(page, f"{units}/abfallwirtschaft") == 200  # unit staff from the groups claim ...
    assert await status(page, f"{units}/baeder") == 404  # ... of their own unit only
    # Signing out ends the Keycloak session too: the next sign-in on this computer asks for the password again.
    await page.goto(f"{system.base_url}/console/")
    await page.get_by_role("button", name="Abmelden").click()
    await page.wait_for_url(f"{system.base_url}/console/login")
    await page.get_by_role("link", name=SIGN_IN_LINK).click()
    await page.locator("#password").wait_for()
    assert page.url.startswith(f"{realm.issuer}/protocol/openid-connect/auth?")
    await context.close()

    context, page, callback = await sign_in(browser, system, realm, "pr")
    assert callback.status == 200, await callback.text()
    assert "Paula Presse" in await signed_in(page, system)
    assert await status(page, f"{units}/abfallwirtschaft") == 200  # analysts see every unit
    assert await status(page, f"{units}/baeder") == 200
    await context.close()

    # Keycloak knows "nobody", but no Stadtstimme group grants them access: back on the console's login page.
    context, page, callback = await sign_in(browser, system, realm, "nobody")
    assert callback.status == 401
    assert "kein Zugang" in await page.get_by_role("alert").inner_text()
    assert await page.get_by_role("link", name=SIGN_IN_LINK).is_visible()
    await page.goto(f"{system.base_url}/console/")
    assert page.url == f"{system.base_url}/console/login"  # not signed in
    await context.close()


def test_keycloak_refuses_an_authorization_request_without_pkce(realm: Realm) -> None:
    """The client requires PKCE with S256: the console's code challenge is what lets its sign-ins through."""
    discovery = httpx.get(f"{realm.issuer}/.well-known/openid-configuration").json()
    assert discovery["issuer"] == realm.issuer and "S256" in discovery["code_challenge_methods_supported"]
    request = {"response_type": "code", "client_id": CLIENT_ID, "redirect_uri": realm.redirect_uri,
               "scope": "openid", "state": "zustand-1", "nonce": "einmal-1"}  # fmt: skip

    def refusal(**pkce: str) -> str:
        """Keycloak sends the browser back to the console with an error: its description."""
        answer = httpx.get(discovery["authorization_endpoint"], params={**request, **pkce})
        assert answer.status_code == 302, answer.text
        location = answer.headers["location"]
        assert location.startswith(f"{realm.redirect_uri}?")
        query = parse_qs(urlsplit(location).query)
        assert query["error"] == ["invalid_request"] and query["state"] == ["zustand-1"] and "code" not in query
        return query["error_description"][0]

    assert "code_challenge" in refusal()  # no PKCE at all
    assert "code challenge method" in refusal(code_challenge="A" * 43, code_challenge_method="plain")
    challenge = pkce_challenge("ein-zufaelliger-pruefer-mit-mindestens-43-zeichen")
    pkce = {"code_challenge": challenge, "code_challenge_method": "S256"}
    login = httpx.get(discovery["authorization_endpoint"], params={**request, **pkce})
    assert login.status_code == 200 and 'id="kc-form-login"' in login.text  # with S256: Keycloak's login form


async def test_sign_in_at_keycloak_is_audited(keycloak_system: System, realm: Realm, browser: Browser) -> None:
    system = keycloak_system
    context, page, callback = await sign_in(browser, system, realm, "anna")
    assert callback.status == 200, await callback.text()
    await signed_in(page, system)
    await context.close()

    conn = await asyncpg.connect(system.settings.database_url)
    try:
        logins = await conn.fetch(
            "SELECT actor, subject, detail->>'method' AS method FROM audit_log WHERE action = 'login'"
        )
        account = await conn.fetchrow(
            """SELECT display_name, role, org_units, oidc_issuer, oidc_subject FROM staff_account
               WHERE username = 'anna'"""
        )
        sealed = await conn.fetchval("SELECT id_token_sealed FROM staff_session")
    finally:
        await conn.close()
    # The subject is Keycloak's id of the person, so the audit names them even after a renaming.
    assert [tuple(r) for r in logins] == [("anna", realm.user_ids["anna"], "oidc")]
    # The account is bound to that id at Keycloak's issuer: only this person signs in to it from now on.
    assert account is not None and tuple(account) == (
        "Anna Abfall", "unit_staff", ["abfallwirtschaft"], realm.issuer, realm.user_ids["anna"])  # fmt: skip
    assert sealed is not None and b"Anna" not in sealed  # kept for signing out at Keycloak, readable by nobody


async def test_a_keycloak_user_named_like_a_local_administrator_gets_an_account_of_their_own(
    keycloak_system: System, realm: Realm, browser: Browser
) -> None:
    """The press office's Keycloak user is called ``pr``, like a local administrator account: signing in at Keycloak
    gives Paula an analyst account of her own (``pr-2``), never the administrator's."""
    system = keycloak_system
    add_staff(system, "pr", "administrator")
    context, page, callback = await sign_in(browser, system, realm, "pr")
    assert callback.status == 200, await callback.text()
    assert "Paula Presse" in await signed_in(page, system)
    await context.close()
    conn = await asyncpg.connect(system.settings.database_url)
    try:
        rows = await conn.fetch(
            """SELECT username, role, password_hash IS NOT NULL AS local, oidc_subject FROM staff_account
               ORDER BY username"""
        )
    finally:
        await conn.close()
    assert [tuple(r) for r in rows] == [
        ("pr", "administrator", True, None),
        ("pr-2", "analyst", False, realm.user_ids["pr"]),
    ]
