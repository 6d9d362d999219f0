"""Staff sign-in through OpenID Connect (the city's identity provider, usually Keycloak): the authorization code
flow with PKCE, run entirely by the server. The browser only ever sees the authorization request and the code;
tokens are exchanged and checked here and never reach it.

A sign-in starts with a random ``state`` (single use, ten minutes, stored server-side as a hash together with
the PKCE verifier and the ``nonce``) and a random browser binding in a short-lived ``SameSite=Lax`` cookie (Lax,
because the provider's redirect back is a cross-site navigation), so a code cannot be injected into another
person's browser. The ID token's signature (the provider's JWKS), issuer, audience, authorized party (``azp``),
expiry and nonce are checked.

Accounts are keyed by the provider's issuer and subject (``sub``), never by a name: the username claim only names
a new account or binds an account made for it, and a local (password) account is never reached or changed.

* An account bound to the identity signs in, whatever the username claim says now.
* An OpenID Connect account (no password) that is not bound yet and whose username equals the claim is bound to
  the identity at this first sign-in, and from then on only this identity signs in to it. The first sign-in
  decides: where the provider lets people choose their own username, bind accounts at creation instead
  (``stadtstimme staff add NAME --role … --oidc --oidc-subject SUB``).
* Otherwise, with ``oidc_roles_claim`` set, a new account is created for the identity, under the claimed username
  or, when another account has that name, the first free one with a suffix (``anna-2``); without a roles claim
  the sign-in is refused (an operator creates accounts: ``stadtstimme staff add NAME --role … --oidc``).

With ``oidc_roles_claim`` set, the role and org units come from that claim at every sign-in
(``stadtstimme-administrator``, ``stadtstimme-analyst``, ``stadtstimme-pr-team``, ``stadtstimme-organiser``,
``stadtstimme-unit-<org unit id>``); without a Stadtstimme role in it, the sign-in is refused.
"""

from __future__ import annotations

import base64
import hashlib
import secrets
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urlencode

import asyncpg
import httpx
import jwt

from shared.auth import Account, AccountError, UsernameTaken, account_by_identity, audit, create_account
from shared.settings import Settings

STATE_TTL = timedelta(minutes=10)
ROLE_PREFIX = "stadtstimme-"
_ALGORITHMS = ["RS256", "RS384", "RS512", "ES256", "ES384", "PS256"]
# A new account whose claimed username belongs to another account is named with the first free suffix up to this.
_MAX_SUFFIX = 20


class OidcError(Exception):
    """Sign-in failed; ``key`` names the message for the person, ``reason`` what happened for the audit (details
    go to the log and the audit)."""

    def __init__(self, key: str, detail: str = "", reason: str = "") -> None:
        super().__init__(detail or key)
        self.key = key
        self.reason = reason or key


def issuer_key(issuer: str) -> str:
    """The issuer as accounts are bound to it (discovery already treats a trailing slash as the same issuer)."""
    return issuer.rstrip("/")


def _hash(value: str) -> bytes:
    return hashlib.sha256(value.encode()).digest()


def pkce_challenge(verifier: str) -> str:
    """S256 code challenge of a PKCE verifier (RFC 7636)."""
    return base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()


@dataclass
class Provider:
    """The identity provider's endpoints (from discovery) and signing keys, fetched once and cached."""

    settings: Settings
    _config: dict[str, Any] | None = None
    _keys: jwt.PyJWKSet | None = None
    _keys_at: float = 0.0

    @property
    def redirect_uri(self) -> str:
        return self.settings.public_base_url.rstrip("/") + "/console/login/oidc/callback"

    async def config(self, client: httpx.AsyncClient) -> dict[str, Any]:
        if self._config is None:
            url = self.settings.oidc_issuer.rstrip("/") + "/.well-known/openid-configuration"
            answer = await client.get(url)
            answer.raise_for_status()
            config: dict[str, Any] = answer.json()
            if str(config.get("issuer", "")).rstrip("/") != self.settings.oidc_issuer.rstrip("/"):
                raise OidcError("provider", f"discovery names issuer {config.get('issuer')!r}")
            self._config = config
        return self._config

    async def keys(self, client: httpx.AsyncClient, refresh: bool = False) -> jwt.PyJWKSet:
        # Keys are re-read at most once a minute, also when a token names an unknown key (key rotation).
        if self._keys is None or (refresh and time.monotonic() - self._keys_at > 60):
            answer = await client.get((await self.config(client))["jwks_uri"])
            answer.raise_for_status()
            self._keys = jwt.PyJWKSet.from_dict(answer.json())
            self._keys_at = time.monotonic()
        return self._keys

    async def start(self, conn: asyncpg.Connection, client: httpx.AsyncClient) -> tuple[str, str]:
        """(authorization URL, browser binding for the cookie) of a new sign-in."""
        state, binding, verifier, nonce = (secrets.token_urlsafe(32) for _ in range(4))
        await conn.execute(
            """INSERT INTO oidc_login (state_hash, binding_hash, verifier, nonce, expires_at)
               VALUES ($1, $2, $3, $4, $5)""",
            _hash(state),
            _hash(binding),
            verifier,
            nonce,
            datetime.now(UTC) + STATE_TTL,
        )
        await conn.execute("DELETE FROM oidc_login WHERE expires_at < now()")
        query = {
            "response_type": "code",
            "client_id": self.settings.oidc_client_id,
            "redirect_uri": self.redirect_uri,
            "scope": self.settings.oidc_scopes,
            "state": state,
            "nonce": nonce,
            "code_challenge": pkce_challenge(verifier),
            "code_challenge_method": "S256",
        }
        return f"{(await self.config(client))['authorization_endpoint']}?{urlencode(query)}", binding

    async def finish(
        self, conn: asyncpg.Connection, client: httpx.AsyncClient, code: str, state: str, binding: str | None
    ) -> tuple[dict[str, Any], str]:
        """The verified ID token claims of a sign-in coming back with ``code`` and ``state``, and the ID token."""
        row = await conn.fetchrow(
            "DELETE FROM oidc_login WHERE state_hash = $1 RETURNING binding_hash, verifier, nonce, expires_at",
            _hash(state),
        )
        if row is None or row["expires_at"] < datetime.now(UTC):
            raise OidcError("expired", "unknown, used or expired state")
        if binding is None or not secrets.compare_digest(row["binding_hash"], _hash(binding)):
            raise OidcError("expired", "state from another browser")
        config = await self.config(client)
        answer = await client.post(
            config["token_endpoint"],
            data={
                "grant_type": "authorization_code",
                "code": code,
                "redirect_uri": self.redirect_uri,
                "code_verifier": row["verifier"],
            },
            auth=(self.settings.oidc_client_id, self.settings.oidc_client_secret.get_secret_value()),
            headers={"Accept": "application/json"},
        )
        if answer.status_code != 200:
            raise OidcError("provider", f"token endpoint answered {answer.status_code}: {answer.text[:300]}")
        id_token = answer.json().get("id_token")
        if not isinstance(id_token, str):
            raise OidcError("provider", "no id_token in the token response")
        return await self.verify(client, id_token, row["nonce"], config["issuer"]), id_token

    async def logout_url(self, client: httpx.AsyncClient, id_token: str) -> str | None:
        """Where to send the browser to end the session at the provider too (RP-initiated logout), coming back
        to the console's sign-in page; None if the provider offers no end-session endpoint."""
        endpoint = (await self.config(client)).get("end_session_endpoint")
        if not isinstance(endpoint, str):
            return None
        query = {
            "id_token_hint": id_token,
            "client_id": self.settings.oidc_client_id,
            "post_logout_redirect_uri": self.settings.public_base_url.rstrip("/") + "/console/login",
        }
        return f"{endpoint}?{urlencode(query)}"

    async def check_issuer(self, client: httpx.AsyncClient, iss: str | None) -> None:
        """RFC 9207: a provider that names itself in the redirect back must be the configured one (stops a
        mix-up with another provider's response)."""
        if iss is not None and iss != (await self.config(client))["issuer"]:
            raise OidcError("token", f"authorization response from issuer {iss!r}")

    async def verify(self, client: httpx.AsyncClient, id_token: str, nonce: str, issuer: str) -> dict[str, Any]:
        try:
            kid = jwt.get_unverified_header(id_token).get("kid")
            keys = await self.keys(client)
            if kid is not None and kid not in {k.key_id for k in keys.keys}:
                keys = await self.keys(client, refresh=True)
            candidates = [k for k in keys.keys if kid is None or k.key_id == kid]
            if not candidates:
                raise OidcError("provider", f"no key {kid!r} in the provider's JWKS")
            claims: dict[str, Any] = jwt.decode(
                id_token,
                key=candidates[0],
                algorithms=_ALGORITHMS,
                audience=self.settings.oidc_client_id,
                issuer=issuer,
                options={"require": ["exp", "iat", "iss", "aud", "sub"]},
                leeway=30,
            )
        except jwt.PyJWTError as exc:
            raise OidcError("token", f"ID token refused: {exc}") from exc
        if not secrets.compare_digest(str(claims.get("nonce", "")), nonce):
            raise OidcError("token", "nonce does not match")
        check_authorized_party(claims, self.settings.oidc_client_id)
        return claims


def check_authorized_party(claims: dict[str, Any], client_id: str) -> None:
    """OpenID Connect Core 3.1.3.7: a token for several audiences must name the party it was issued to (``azp``),
    and an ``azp`` must be this client; otherwise the token was obtained by another client of the provider."""
    audiences = claims.get("aud")
    azp = claims.get("azp")
    if azp is None and isinstance(audiences, list) and len(audiences) > 1:
        raise OidcError("token", f"ID token for {len(audiences)} audiences without azp")
    if azp is not None and azp != client_id:
        raise OidcError("token", f"ID token issued to another client (azp {str(azp)[:100]!r})")


def roles_from_claim(value: Any) -> tuple[str, tuple[str, ...]] | None:
    """(role, org units) from the roles claim's values, or None when it grants no Stadtstimme role. One account
    has one role: the first of administrator, analyst, pr-team, organiser, accessibility-officer, unit staff that is
    claimed wins."""
    values = value if isinstance(value, list) else [value] if isinstance(value, str) else []
    names = {v.removeprefix("/") for v in values if isinstance(v, str)}  # Keycloak groups come as "/name"
    for role in ("administrator", "analyst", "pr_team", "organiser", "accessibility_officer"):
        if f"{ROLE_PREFIX}{role.replace('_', '-')}" in names:
            return role, ()
    units = tuple(sorted(n.removeprefix(f"{ROLE_PREFIX}unit-") for n in names if n.startswith(f"{ROLE_PREFIX}unit-")))
    return ("unit_staff", units) if units else None


async def account_for(conn: asyncpg.Connection, settings: Settings, claims: dict[str, Any]) -> Account:
    """The staff account a verified sign-in stands for, found by the identity (issuer, subject) alone, bound or
    created as the module describes; raises ``OidcError`` when there is none. Bindings and new accounts are
    audited; the caller audits the sign-in or its refusal."""
    issuer, subject = issuer_key(str(claims["iss"])), str(claims["sub"])
    username = str(claims.get(settings.oidc_username_claim) or "").strip().lower()[:200]
    granted = await _granted(conn, settings, claims, username)
    async with conn.transaction():
        # One sign-in of an identity at a time, so that two first sign-ins at once cannot both bind or create.
        await conn.execute("SELECT pg_advisory_xact_lock(hashtextextended($1, 0))", f"oidc\n{issuer}\n{subject}")
        row = await conn.fetchrow(
            "SELECT username, disabled FROM staff_account WHERE oidc_issuer = $1 AND oidc_subject = $2",
            issuer,
            subject,
        )
        if row is None:
            await _bind_or_create(conn, settings, claims, (issuer, subject), username, granted)
        elif row["disabled"]:
            raise OidcError("account", f"account {row['username']!r} is disabled", "disabled")
        if granted is not None:
            role, units = granted
            await conn.execute(
                """UPDATE staff_account SET display_name = $3, role = $4, org_units = $5
                   WHERE oidc_issuer = $1 AND oidc_subject = $2 AND password_hash IS NULL""",
                issuer,
                subject,
                _display_name(claims, username),
                role,
                list(units),
            )
        account = await account_by_identity(conn, issuer, subject)
    if account is None:  # not reached: bound above, enabled, in this transaction
        raise OidcError("account", "no account after binding", "no_account")
    return account


async def _granted(
    conn: asyncpg.Connection, settings: Settings, claims: dict[str, Any], username: str
) -> tuple[str, tuple[str, ...]] | None:
    """(role, existing org units) from the roles claim; None without a roles claim; refused when it grants none."""
    if not settings.oidc_roles_claim:
        return None
    granted = roles_from_claim(claims.get(settings.oidc_roles_claim))
    if granted is None:
        raise OidcError("account", f"{username!r} has no Stadtstimme role in {settings.oidc_roles_claim!r}", "no_role")
    role, units = granted
    known = {r["id"] for r in await conn.fetch("SELECT id FROM org_unit WHERE id = ANY($1::text[])", list(units))}
    units = tuple(u for u in units if u in known)
    if role == "unit_staff" and not units:
        raise OidcError("account", f"{username!r}: none of the claimed org units exists", "no_role")
    return role, units


def _display_name(claims: dict[str, Any], username: str) -> str:
    return str(claims.get("name") or username)[:200]


async def _bind_or_create(
    conn: asyncpg.Connection,
    settings: Settings,
    claims: dict[str, Any],
    identity: tuple[str, str],
    username: str,
    granted: tuple[str, tuple[str, ...]] | None,
) -> None:
    """First sign-in of an identity: bind the unbound OpenID Connect account of the claimed name, else (with a
    roles claim) create one, never touching an account that has a password or another identity."""
    issuer, subject = identity
    if not username:
        raise OidcError("account", f"claim {settings.oidc_username_claim!r} missing", "no_username")
    bound = await conn.fetchval(
        """UPDATE staff_account SET oidc_issuer = $1, oidc_subject = $2
           WHERE username = $3 AND password_hash IS NULL AND oidc_subject IS NULL AND NOT disabled AND NOT invited
           RETURNING username""",
        issuer,
        subject,
        username,
    )
    if bound is not None:
        await audit(conn, "(oidc)", "account_bound", username, method="oidc", issuer=issuer)
        return
    taken = await conn.fetchrow(
        """SELECT password_hash IS NOT NULL AS local, oidc_subject IS NOT NULL AS bound FROM staff_account
           WHERE username = $1""",
        username,
    )
    why = "no_account" if taken is None else "local_account" if taken["local"] else "bound_to_another"
    if taken is not None and not taken["local"] and not taken["bound"]:
        why = "disabled"  # an unbound account the operator disabled: no new account around that decision
    if granted is None or why == "disabled":
        raise OidcError("account", f"no account for {username!r} ({why.replace('_', ' ')})", why)
    role, units = granted
    names = [username] + [f"{username}-{n}" for n in range(2, _MAX_SUFFIX + 1)]
    for name in names:
        try:
            account = await create_account(
                conn, name, _display_name(claims, username), role, units, oidc_identity=identity
            )
        except UsernameTaken:
            continue
        except AccountError as exc:
            raise OidcError("account", f"{username!r}: {exc}", "invalid") from exc
        renamed = {"claimed_username": username, "because": why} if name != username else {}
        await audit(conn, "(oidc)", "account_created", account.username, method="oidc", issuer=issuer, role=role,
                    units=list(units), **renamed)  # fmt: skip
        return
    raise OidcError("account", f"{username!r} and its suffixes up to -{_MAX_SUFFIX} are taken", "no_free_username")
