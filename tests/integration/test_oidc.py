"""Staff sign-in through a real OpenID Connect provider (oidc-provider-mock, an authlib-based OIDC server on
loopback): authorization code flow run by the server (PKCE, state, nonce, browser binding), ID token checked,
accounts from the roles claim, scoping after sign-in, sign-out at the provider, and every way a sign-in must
fail. The attacks of the penetration test are here as tests: provider users named like local accounts, a second
subject under a bound username, a token for another client, an idle session, the ID token in a database dump.
The same flow against a real Keycloak (Java 21+) is in ``test_keycloak.py``."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Iterator
from contextlib import AbstractAsyncContextManager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, quote, urlsplit

import asyncpg
import httpx
import jwt
import oidc_provider_mock
import pytest
from playwright.async_api import Browser

from shared.settings import Settings
from stadtstimme.infra import free_port
from tests.browser.conftest import AXE, WCAG_TAGS
from tests.integration.conftest import SERIOUS, once, running
from tests.integration.system import System
from tests.integration.test_console import add_staff
from tests.integration.test_console import sign_in as console_sign_in

pytestmark = once("OpenID Connect sign-in", broker="tansu")


@pytest.fixture
def provider() -> Iterator[str]:
    with oidc_provider_mock.run_server_in_thread(require_nonce=True) as server:
        yield f"http://localhost:{server.server_port}"


def oidc_running(
    settings: Settings, tmp_path: Path, provider: str, **changes: Any
) -> AbstractAsyncContextManager[System]:
    port = free_port()  # the redirect URI is built from the public base URL
    oidc = {"oidc_issuer": provider, "oidc_client_id": "stadtstimme", "oidc_client_secret": "geheim"}
    return running(settings, tmp_path / "logs", http_port=port, public_base_url=f"http://127.0.0.1:{port}",
                   **oidc, **changes)  # fmt: skip


@pytest.fixture
async def oidc_system(settings: Settings, tmp_path: Path, provider: str) -> AsyncIterator[System]:
    async with oidc_running(settings, tmp_path, provider, oidc_roles_claim="groups") as s:
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
        rows = await conn.fetch("SELECT actor, action, detail->>'method' AS method, detail::text AS d FROM audit_log")
    finally:
        await conn.close()
    logged = {(r["actor"], r["action"], r["method"]) for r in rows}
    assert ("anna", "login", "oidc") in logged and ("(oidc)", "login_failed", "oidc") in logged
    # What the sender of a callback wrote (the provider's "error") never reaches the append-only log.
    assert not any("access_denied" in r["d"] or "evil.example" in r["d"] for r in rows)


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


# --- accounts are keyed by the provider's issuer and subject (pen test finding 8) ----------------------------------


async def sign_in(client: httpx.AsyncClient, sub: str) -> httpx.Response:
    """The whole round trip for the person ``sub`` at the provider: the console's answer to the callback."""
    return await client.get(await authorize(await start(client), sub))


def add_oidc_staff(system: System, username: str, role: str, *args: str) -> str:
    """``stadtstimme staff add NAME --role R --oidc …`` as an operator runs it; what it prints."""
    done = system.cli("staff", "add", username, "--role", role, "--oidc", *args)
    assert done.returncode == 0, done.stderr
    return done.stdout


async def staff_accounts(system: System) -> dict[str, tuple[Any, ...]]:
    """username -> (display name, role, org units, password hash, issuer, subject, disabled)."""
    conn = await asyncpg.connect(system.settings.database_url)
    try:
        rows = await conn.fetch("""SELECT username, display_name, role, org_units, password_hash, oidc_issuer,
                                          oidc_subject, disabled FROM staff_account""")  # fmt: skip
    finally:
        await conn.close()
    return {r["username"]: tuple(r)[1:] for r in rows}


async def audit_entries(system: System, *actions: str) -> list[tuple[str, str, str, dict[str, Any]]]:
    conn = await asyncpg.connect(system.settings.database_url)
    try:
        rows = await conn.fetch(
            "SELECT actor, action, subject, detail FROM audit_log WHERE action = ANY($1::text[]) ORDER BY id",
            list(actions),
        )
    finally:
        await conn.close()
    return [(r["actor"], r["action"], r["subject"], json.loads(r["detail"])) for r in rows]


async def test_a_provider_user_named_like_a_local_administrator_gets_an_account_of_their_own(
    oidc_system: System, provider: str
) -> None:
    """The attack: at the provider, call yourself ``demo-admin`` (the local administrator of ``make run``), or
    claim the administrator group under a local analyst's name. Neither reaches the local account: each gets an
    account of its own under a suffixed name, with what the provider grants it, and the local accounts keep their
    role and password."""
    system = oidc_system
    add_staff(system, "demo-admin", "administrator")
    add_staff(system, "lena", "analyst")
    local = await staff_accounts(system)
    person(provider, "mallory-1", preferred_username="demo-admin", name="Mallory Eins",
           groups=["/stadtstimme-unit-abfallwirtschaft"])  # fmt: skip
    person(provider, "mallory-2", preferred_username="Lena", name="Mallory Zwei", groups=["stadtstimme-administrator"])
    async with httpx.AsyncClient(base_url=system.base_url, timeout=30) as mallory:
        assert (await sign_in(mallory, "mallory-1")).status_code == 200
        overview = await mallory.get("/console/")
        assert "Mallory Eins" in overview.text and "demo-admin" not in overview.text
        assert (await mallory.get("/console/units/baeder")).status_code == 404  # unit staff, not administrator
    async with httpx.AsyncClient(base_url=system.base_url, timeout=30) as mallory:
        assert (await sign_in(mallory, "mallory-2")).status_code == 200
        assert "Mallory Zwei" in (await mallory.get("/console/")).text

    accounts = await staff_accounts(system)
    assert accounts["demo-admin"] == local["demo-admin"] and accounts["demo-admin"][1] == "administrator"
    assert accounts["lena"] == local["lena"] and accounts["lena"][1] == "analyst"  # no roles claim rewrites it
    assert accounts["demo-admin-2"] == ("Mallory Eins", "unit_staff", ["abfallwirtschaft"], None, provider,
                                        "mallory-1", False)  # fmt: skip
    assert accounts["lena-2"] == ("Mallory Zwei", "administrator", [], None, provider, "mallory-2", False)
    admin = await console_sign_in(system, "demo-admin")  # the administrator's password still works
    await admin.aclose()
    created = await audit_entries(system, "account_created")
    assert [(a, s, d.get("claimed_username"), d.get("because")) for a, _, s, d in created if a == "(oidc)"] == [
        ("(oidc)", "demo-admin-2", "demo-admin", "local_account"),
        ("(oidc)", "lena-2", "lena", "local_account"),
    ]


async def test_a_second_subject_cannot_take_over_a_bound_account(oidc_system: System, provider: str) -> None:
    """With a roles claim: the first sign-in of ``anna`` binds the account ``anna`` to her subject. Another person
    at the provider who later carries the username ``anna`` (renamed, recreated, or a second provider account) gets
    an account of their own, and Anna keeps hers under any later username."""
    system = oidc_system
    person(provider, "anna-sub", preferred_username="anna", name="Anna Abfall",
           groups=["/stadtstimme-unit-abfallwirtschaft"])  # fmt: skip
    person(provider, "impostor", preferred_username="anna", name="Ingo Imposter", groups=["stadtstimme-administrator"])
    async with httpx.AsyncClient(base_url=system.base_url, timeout=30) as anna:
        assert (await sign_in(anna, "anna-sub")).status_code == 200
    async with httpx.AsyncClient(base_url=system.base_url, timeout=30) as impostor:
        assert (await sign_in(impostor, "impostor")).status_code == 200
        overview = (await impostor.get("/console/")).text
        assert "Ingo Imposter" in overview and "Anna Abfall" not in overview
    person(provider, "anna-sub", preferred_username="anna.abfall", name="Anna Abfall",
           groups=["/stadtstimme-unit-abfallwirtschaft"])  # fmt: skip
    async with httpx.AsyncClient(base_url=system.base_url, timeout=30) as anna:
        assert (await sign_in(anna, "anna-sub")).status_code == 200
        assert "Anna Abfall" in (await anna.get("/console/")).text
        assert (await anna.get("/console/units/baeder")).status_code == 404

    accounts = await staff_accounts(system)
    assert set(accounts) == {"anna", "anna-2"}  # no account for the new username: the subject decides
    assert accounts["anna"][1:] == ("unit_staff", ["abfallwirtschaft"], None, provider, "anna-sub", False)
    assert accounts["anna-2"][1:] == ("administrator", [], None, provider, "impostor", False)
    logins = [actor for actor, *_ in await audit_entries(system, "login")]
    assert logins == ["anna", "anna-2", "anna"]


@pytest.fixture
async def oidc_system_without_roles(settings: Settings, tmp_path: Path, provider: str) -> AsyncIterator[System]:
    """No roles claim: operators create the accounts (``staff add … --oidc``)."""
    async with oidc_running(settings, tmp_path, provider) as s:
        yield s


async def test_without_a_roles_claim_an_account_is_bound_at_its_first_sign_in(
    oidc_system_without_roles: System, provider: str
) -> None:
    """Accounts made by an operator: ``lena`` is bound to the subject of her first sign-in, ``paul`` to the subject
    the operator gave. Nobody else gets in under their names, nor under a local account's name."""
    system = oidc_system_without_roles
    assert "first sign-in" in add_oidc_staff(system, "lena", "analyst", "--name", "Lena Lang")
    assert "bound to the given subject" in add_oidc_staff(system, "paul", "unit_staff", "--unit", "baeder",
                                                          "--oidc-subject", "paul-sub")  # fmt: skip
    add_staff(system, "demo-admin", "administrator")
    again = system.cli("staff", "add", "paula", "--role", "analyst", "--oidc-subject", "paul-sub")
    assert again.returncode == 2 and "another account" in again.stderr  # one subject, one account
    person(provider, "lena-sub", preferred_username="lena")
    person(provider, "lena-twin", preferred_username="lena")
    person(provider, "mallory", preferred_username="demo-admin")
    person(provider, "fake-paul", preferred_username="paul")
    person(provider, "paul-sub", preferred_username="p.schwimm")
    person(provider, "nobody")
    async with httpx.AsyncClient(base_url=system.base_url, timeout=30) as lena:
        assert (await sign_in(lena, "lena-sub")).status_code == 200
        assert "Lena Lang" in (await lena.get("/console/")).text
    async with httpx.AsyncClient(base_url=system.base_url, timeout=30) as paul:
        assert (await sign_in(paul, "paul-sub")).status_code == 200  # pre-bound: the username claim does not matter
        assert (await paul.get("/console/units/baeder")).status_code == 200
        assert (await paul.get("/console/units/abfallwirtschaft")).status_code == 404
    for intruder in ("lena-twin", "mallory", "fake-paul", "nobody"):
        async with httpx.AsyncClient(base_url=system.base_url, timeout=30) as client:
            refused = await sign_in(client, intruder)
            assert refused.status_code == 401 and "kein Zugang" in refused.text, intruder
            assert (await client.get("/console/")).status_code == 303

    accounts = await staff_accounts(system)
    assert accounts["lena"][4:] == (provider, "lena-sub", False)
    assert accounts["paul"][4:] == (provider, "paul-sub", False)
    assert accounts["demo-admin"][3] is not None and accounts["demo-admin"][4:] == (None, None, False)
    assert set(accounts) == {"lena", "paul", "demo-admin"}
    entries = await audit_entries(system, "account_bound", "login_failed")
    assert [(a, act, s) for a, act, s, _ in entries if act == "account_bound"] == [("(oidc)", "account_bound", "lena")]
    refusals = [d["refused"] for _, act, _, d in entries if act == "login_failed"]
    assert refusals == ["bound_to_another", "local_account", "bound_to_another", "no_account"]
    assert not any("lena-twin" in json.dumps(d) or "mallory" in json.dumps(d) for *_, d in entries)  # no subjects


async def test_an_id_token_issued_to_another_client_is_refused(oidc_system: System, provider: str) -> None:
    """``azp`` names the client a token was issued to: a token of another client of the same provider (here made
    by the mock putting the claims into the ID token) does not sign anyone in."""
    person(provider, "other-client", azp="another-client", groups=["stadtstimme-administrator"])
    person(provider, "two-audiences", aud=["stadtstimme", "another-client"], groups=["stadtstimme-administrator"])
    for sub in ("other-client", "two-audiences"):
        async with httpx.AsyncClient(base_url=oidc_system.base_url, timeout=30) as client:
            refused = await sign_in(client, sub)
            assert refused.status_code == 401 and "nicht bestätigt" in refused.text, sub
            assert (await client.get("/console/")).status_code == 303
    assert await staff_accounts(oidc_system) == {}


# --- sessions: idle timeout, no readable ID token (pen test finding 9) ---------------------------------------------


async def test_a_session_left_idle_is_over_and_the_database_holds_no_readable_id_token(
    settings: Settings, tmp_path: Path, provider: str
) -> None:
    async with oidc_running(settings, tmp_path, provider, oidc_roles_claim="groups", session_idle_minutes=20) as system:
        person(provider, "pr", name="Pressestelle", groups=["stadtstimme-analyst"])
        conn = await asyncpg.connect(system.settings.database_url)
        try:
            async with httpx.AsyncClient(base_url=system.base_url, timeout=30) as pr:
                assert (await sign_in(pr, "pr")).status_code == 200
                session = await conn.fetchrow("SELECT * FROM staff_session")
                assert session["idle_timeout"] == timedelta(minutes=20)
                dump = str(dict(session)).encode() + b"".join(v for v in session.values() if isinstance(v, bytes))

                # Use records the session, at most once a minute.
                seen = "SELECT last_seen_at FROM staff_session"
                await conn.execute("UPDATE staff_session SET last_seen_at = now() - interval '5 minutes'")
                assert (await pr.get("/console/")).status_code == 200
                touched = await conn.fetchval(seen)
                assert touched > datetime.now(UTC) - timedelta(minutes=1)
                assert (await pr.get("/console/")).status_code == 200
                assert await conn.fetchval(seen) == touched  # no second write within the minute

                # Signing out still ends the session at the provider too, with the ID token as hint.
                out = await pr.post("/console/logout", headers={"Origin": system.base_url})
                assert out.status_code == 303 and out.headers["location"].startswith(f"{provider}/oauth2/end_session?")
                hint = parse_qs(urlsplit(out.headers["location"]).query)["id_token_hint"][0]
                assert jwt.decode(hint, options={"verify_signature": False})["sub"] == "pr"
                # ... which the database never held readable: not the token, nor any part of it.
                assert all(part.encode() not in dump for part in hint.split("."))
                assert b"Pressestelle" not in dump

            async with httpx.AsyncClient(base_url=system.base_url, timeout=30) as pr:
                assert (await sign_in(pr, "pr")).status_code == 200
                assert (await pr.get("/console/")).status_code == 200
                # Left alone for 20 minutes (the idle timeout; 8 hours of lifetime remain): over, and gone.
                await conn.execute("UPDATE staff_session SET last_seen_at = now() - interval '20 minutes'")
                assert (await pr.get("/console/")).status_code == 303
                assert (await pr.get("/api/v1/staff/surveys")).status_code == 401
                assert await conn.fetchval("SELECT count(*) FROM staff_session") == 0
        finally:
            await conn.close()
