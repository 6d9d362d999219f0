"""Staff sign-in through a real OpenID Connect provider (oidc-provider-mock, an authlib-based OIDC server on
loopback): authorization code flow run by the server (PKCE, state, nonce, browser binding), ID token checked,
accounts from the roles claim, scoping after sign-in, sign-out at the provider, and every way a sign-in must
fail. The same flow against a real Keycloak (Java 21+) is in ``test_keycloak.py``."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from urllib.parse import parse_qs, quote, urlsplit

import asyncpg
import httpx
import oidc_provider_mock
import pytest
from playwright.async_api import Browser

from shared.settings import Settings
from stadtstimme.infra import free_port
from tests.browser.conftest import AXE, WCAG_TAGS
from tests.integration.conftest import SERIOUS, running
from tests.integration.system import System


@pytest.fixture
def provider() -> Iterator[str]:
    with oidc_provider_mock.run_server_in_thread(require_nonce=True) as server:
        yield f"http://localhost:{server.server_port}"


@pytest.fixture
async def oidc_system(settings: Settings, tmp_path: Path, provider: str) -> AsyncIterator[System]:
    port = free_port()  # the redirect URI is built from the public base URL
    async with running(settings, tmp_path / "logs", http_port=port, public_base_url=f"http://127.0.0.1:{port}",
                       oidc_issuer=provider, oidc_client_id="stadtstimme", oidc_client_secret="geheim",
                       oidc_roles_claim="groups") as s:  # fmt: skip
        yield s


def person(provider: str, sub: str, **claims: object) -> None:
    answer = httpx.put(f"{provider}/users/{quote(sub)}", json={"preferred_username": sub, **claims})
    assert answer.status_code == 204


async def start(client: httpx.AsyncClient) -> str:
    """Start a sign-in at the console; the provider's authorization URL. The browser binding is a short-lived
    HttpOnly cookie for the callback path only, SameSite=Lax (the way back is a cross-site navigation)."""
    answer = await client.get("/console/login/oidc")
    assert answer.status_code == 303
    binding = answer.headers["set-cookie"].lower()
    assert "httponly" in binding and "samesite=lax" in binding and "path=/console/login/oidc" in binding
    return answer.headers["location"]


async def authorize(url: str, sub: str) -> str:
    """The person signs in at the provider; the callback URL it sends them back to."""
    async with httpx.AsyncClient() as idp:
        answer = await idp.post(url, data={"sub": sub})
    assert answer.status_code == 302, answer.text
    return answer.headers["location"]


async def test_sign_in_by_authorization_code_with_pkce(oidc_system: System, provider: str) -> None:
    system = oidc_system
    person(provider, "anna", name="Anna Abfall", groups=["/stadtstimme-unit-abfallwirtschaft", "/other"])
    person(provider, "nobody", name="Ohne Rolle", groups=["/other"])
    async with httpx.AsyncClient(base_url=system.base_url, timeout=30) as anna:
        login = await anna.get("/console/login")
        assert "Mit dem Dienstkonto der Stadt anmelden" in login.text
        url = await start(anna)
        query = parse_qs(urlsplit(url).query)
        assert url.startswith(f"{provider}/") and query["code_challenge_method"] == ["S256"]
        assert query["redirect_uri"] == [f"{system.base_url}/console/login/oidc/callback"]
        assert {"state", "nonce", "code_challenge"} <= set(query) and "code_verifier" not in url
        callback = await authorize(url, "anna")
        assert callback.startswith(f"{system.base_url}/console/login/oidc/callback?")
        done = await anna.get(callback)
        assert done.status_code == 200 and 'http-equiv="refresh"' in done.text, done.text
        assert "id_token" not in done.text and "access_token" not in done.text  # tokens stay on the server
        overview = await anna.get("/console/")
        assert overview.status_code == 200 and "Anna Abfall" in overview.text
        assert (await anna.get("/console/units/abfallwirtschaft")).status_code == 200
        assert (await anna.get("/console/units/baeder")).status_code == 404  # unit staff from the claim
        again = await anna.get(callback)  # a code and state are good for one sign-in only
        assert again.status_code == 401 and "abgelaufen" in again.text

    async with (
        httpx.AsyncClient(base_url=system.base_url, timeout=30) as victim,
        httpx.AsyncClient(base_url=system.base_url, timeout=30) as attacker,
    ):
        # Login CSRF: an attacker's code and state, opened in another person's browser, sign nobody in.
        callback = await authorize(await start(attacker), "anna")
        injected = await victim.get(callback)
        assert injected.status_code == 401 and "anderen Browser" in injected.text
        assert (await victim.get("/console/")).status_code == 303

        refused = await victim.get(await authorize(await start(victim), "nobody"))
        assert refused.status_code == 401 and "kein Zugang" in refused.text
        # RFC 9207: a response naming another issuer is refused (mix-up attack), even with a valid code.
        mixed = await victim.get(await authorize(await start(victim), "anna") + "&iss=" + quote("https://evil.example"))
        assert mixed.status_code == 401 and (await victim.get("/console/")).status_code == 303
        cancelled = await victim.get("/console/login/oidc/callback", params={"error": "access_denied"})
        assert cancelled.status_code == 401 and "abgebrochen" in cancelled.text

    conn = await asyncpg.connect(system.settings.database_url)
    try:
        rows = await conn.fetch("SELECT actor, action, detail->>'method' AS method FROM audit_log")
    finally:
        await conn.close()
    logged = {(r["actor"], r["action"], r["method"]) for r in rows}
    assert ("anna", "login", "oidc") in logged and ("(oidc)", "login_failed", "oidc") in logged


async def test_sign_in_in_a_real_browser(oidc_system: System, provider: str, browser: Browser) -> None:
    """The SameSite=Strict session cookie after the cross-site redirect back from the provider: the console
    must be reached signed in, in Chromium, and the login page passes axe."""
    person(provider, "pr", name="Pressestelle", groups=["stadtstimme-analyst"])
    context = await browser.new_context(locale="de-DE")
    page = await context.new_page()
    await page.goto(f"{oidc_system.base_url}/console/login")
    await page.get_by_role("link", name="Mit dem Dienstkonto der Stadt anmelden").click()
    await page.get_by_placeholder("sub").fill("pr")
    await page.get_by_role("button", name="Authorize").click()
    await page.get_by_role("heading", name="Zufriedenheit im Überblick").wait_for()
    assert "Pressestelle" in await page.locator("header").inner_text()
    cookies = {c["name"]: c for c in await context.cookies()}
    assert cookies["stadtstimme-session"]["httpOnly"] and cookies["stadtstimme-session"]["sameSite"] == "Strict"
    # Signing out of the console goes on to the provider's end-session endpoint (RP-initiated logout), with the
    # ID token as hint and the console's sign-in page to come back to; the CSP lets the form's redirect go there.
    await page.get_by_role("button", name="Abmelden").click()
    await page.wait_for_url(lambda url: url.startswith(f"{provider}/oauth2/end_session?"))
    query = parse_qs(urlsplit(page.url).query)
    assert query["post_logout_redirect_uri"] == [f"{oidc_system.base_url}/console/login"]
    assert query["id_token_hint"][0].count(".") == 2 and query["client_id"] == ["stadtstimme"]
    assert "stadtstimme-session" not in {c["name"] for c in await context.cookies()}
    await context.close()
    context = await browser.new_context(locale="de-DE", bypass_csp=True)
    page = await context.new_page()
    await page.goto(f"{oidc_system.base_url}/console/login")
    await page.add_script_tag(path=str(AXE))
    assert await page.evaluate(SERIOUS, WCAG_TAGS) == []
    await context.close()
