"""OpenID Connect pieces that need no provider: PKCE, the roles claim, the ID token checks, and the staff session
rules that came with them (idle timeout, the sealed ID token)."""

from __future__ import annotations

import hashlib
import json
import secrets
import time
from datetime import UTC, datetime, timedelta
from typing import Any

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa

from shared.auth import open_for_session, seal_for_session, session_state
from shared.oidc import OidcError, Provider, pkce_challenge, roles_from_claim
from shared.settings import Settings

ISSUER = "https://login.musterstadt.de/realms/stadt"


def test_pkce_challenge_matches_rfc_7636_appendix_b() -> None:
    verifier = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"
    assert pkce_challenge(verifier) == "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"


def test_roles_claim() -> None:
    assert roles_from_claim(["/stadtstimme-analyst", "stadtstimme-unit-baeder"]) == ("analyst", ())
    assert roles_from_claim(["stadtstimme-administrator", "stadtstimme-analyst"]) == ("administrator", ())
    assert roles_from_claim(["stadtstimme-unit-baeder", "/stadtstimme-unit-abfallwirtschaft"]) == (
        "unit_staff", ("abfallwirtschaft", "baeder"))  # fmt: skip
    assert roles_from_claim("stadtstimme-analyst") == ("analyst", ())
    assert roles_from_claim(["/stadtstimme-organiser", "stadtstimme-unit-baeder"]) == ("organiser", ())
    assert roles_from_claim(["stadtstimme-organiser", "stadtstimme-pr-team"]) == ("pr_team", ())
    assert roles_from_claim(["stadtstimme-pr_team"]) is None  # the claim spells it with a hyphen
    for nothing in (None, [], ["admins"], 42, [{"role": "stadtstimme-administrator"}]):
        assert roles_from_claim(nothing) is None


@pytest.fixture
def signed() -> tuple[Provider, Any]:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    public = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(key.public_key()))
    provider = Provider(Settings(oidc_issuer=ISSUER, oidc_client_id="stadtstimme"))
    provider._keys = jwt.PyJWKSet.from_dict({"keys": [{**public, "kid": "k1", "use": "sig", "alg": "RS256"}]})
    return provider, key


def token(key: Any, **changes: Any) -> str:
    now = int(time.time())
    claims = {"iss": ISSUER, "aud": "stadtstimme", "sub": "42", "iat": now, "exp": now + 300, "nonce": "n-1",
              "preferred_username": "anna"} | changes  # fmt: skip
    return jwt.encode({k: v for k, v in claims.items() if v is not None}, key, algorithm="RS256",
                      headers={"kid": "k1"})  # fmt: skip


async def test_id_token_checks(signed: tuple[Provider, Any]) -> None:
    provider, key = signed
    claims = await provider.verify(None, token(key), "n-1", ISSUER)  # type: ignore[arg-type]
    assert claims["preferred_username"] == "anna"
    other_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    symmetric = {"iss": ISSUER, "aud": "stadtstimme", "sub": "1", "nonce": "n-1"}
    hs256 = jwt.encode(symmetric, "s" * 32, algorithm="HS256", headers={"kid": "k1"})
    for bad, nonce in (
        (token(key, aud="someone-else"), "n-1"),
        (token(key, iss="https://evil.example"), "n-1"),
        (token(key, exp=int(time.time()) - 120), "n-1"),
        (token(key, exp=None), "n-1"),
        (token(key), "another-nonce"),
        (token(other_key), "n-1"),  # signed by someone else with the same key id
        (hs256, "n-1"),  # a symmetric algorithm is never accepted
    ):
        with pytest.raises(OidcError) as refused:
            await provider.verify(None, bad, nonce, ISSUER)  # type: ignore[arg-type]
        assert refused.value.key == "token"


async def test_a_token_issued_to_another_client_is_refused(signed: tuple[Provider, Any]) -> None:
    """``azp``: the token must have been issued to this client; one for several audiences must say so."""
    provider, key = signed
    for fine in (
        token(key, azp="stadtstimme"),
        token(key, aud=["stadtstimme"]),
        token(key, aud=["stadtstimme", "account"], azp="stadtstimme"),  # Keycloak with an audience mapper
    ):
        assert (await provider.verify(None, fine, "n-1", ISSUER))["sub"] == "42"  # type: ignore[arg-type]
    for bad in (
        token(key, azp="another-client"),  # a token another client of the same realm got for this person
        token(key, aud=["stadtstimme", "another-client"]),  # several audiences, no azp
        token(key, aud=["stadtstimme", "another-client"], azp="another-client"),
    ):
        with pytest.raises(OidcError) as refused:
            await provider.verify(None, bad, "n-1", ISSUER)  # type: ignore[arg-type]
        assert refused.value.key == "token"


def test_sessions_end_when_idle_and_record_use_at_most_once_a_minute() -> None:
    start = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
    expires, idle = start + timedelta(hours=8), timedelta(minutes=30)

    def state(now: datetime, last_seen: datetime) -> str:
        return session_state(now, expires, last_seen, idle)

    assert state(start + timedelta(seconds=59), start) == "fresh"  # no write for every request
    assert state(start + timedelta(minutes=1), start) == "touch"
    assert state(start + timedelta(minutes=29, seconds=59), start) == "touch"
    assert state(start + timedelta(minutes=30), start) == "over"  # left for half an hour: gone
    # In use all day, the session still ends with its lifetime.
    assert state(expires - timedelta(seconds=1), expires - timedelta(minutes=2)) == "touch"
    assert state(expires, expires - timedelta(seconds=10)) == "over"


def test_the_id_token_kept_with_a_session_opens_only_with_its_token() -> None:
    """What the database stores (``staff_session.id_token_sealed``) next to the token's SHA-256 reveals nothing of
    the ID token and opens only with the browser's session token."""
    session, other = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
    id_token = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiI0MiIsIm5hbWUiOiJBbm5hIn0.c2lnbmF0dXJl"
    sealed = seal_for_session(session, id_token)
    assert open_for_session(session, sealed) == id_token
    assert all(part.encode() not in sealed for part in id_token.split("."))
    assert seal_for_session(session, id_token) != sealed  # a fresh nonce each time
    assert open_for_session(other, sealed) is None
    assert open_for_session(hashlib.sha256(session.encode()).hexdigest(), sealed) is None  # the stored hash: no key
    tampered = sealed[:-1] + bytes([sealed[-1] ^ 1])
    assert open_for_session(session, tampered) is None
    assert open_for_session(session, b"short") is None
