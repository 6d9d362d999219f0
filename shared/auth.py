"""Staff accounts, server-side sessions, roles and the audit log.

Local accounts carry an argon2id hash (argon2-cffi's defaults, RFC 9106); accounts that sign in through OpenID
Connect will carry none. A session is a random 256-bit token in an HttpOnly cookie; the database keeps only its
SHA-256, so a leaked database yields no usable session. Roles:

* ``administrator``: everything, including accounts;
* ``analyst``: reads every unit's figures and comments;
* ``unit_staff``: reads and works on the org units listed on the account, nothing else.

Scoping is decided here (``Account.units_visible``) and applied by every query on the server.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, Literal

import asyncpg
import orjson
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

Role = Literal["administrator", "analyst", "unit_staff"]
ROLES: tuple[Role, ...] = ("administrator", "analyst", "unit_staff")
_HASHER = PasswordHasher()
# Verified when the username is unknown, so that a wrong username takes as long as a wrong password.
_DUMMY_HASH = _HASHER.hash(secrets.token_urlsafe(16))
MIN_PASSWORD_CHARS = 12


class AccountError(ValueError):
    pass


@dataclass(frozen=True)
class Account:
    id: uuid.UUID
    username: str
    display_name: str
    role: Role
    org_units: tuple[str, ...]

    def units_visible(self) -> frozenset[str] | None:
        """The org units this account may see; ``None`` means all of them."""
        return None if self.role in ("administrator", "analyst") else frozenset(self.org_units)

    def may_see(self, org_unit: str) -> bool:
        units = self.units_visible()
        return units is None or org_unit in units


def session_cookie(public_base_url: str) -> tuple[str, bool]:
    """(cookie name, Secure flag): over https ``__Host-`` prefixed and Secure, as browsers then require."""
    secure = public_base_url.startswith("https://")
    return ("__Host-stadtstimme-session" if secure else "stadtstimme-session"), secure


def _account(row: asyncpg.Record) -> Account:
    return Account(row["id"], row["username"], row["display_name"], row["role"], tuple(row["org_units"]))


def _token_hash(token: str) -> bytes:
    return hashlib.sha256(token.encode()).digest()


async def create_account(
    conn: asyncpg.Connection,
    username: str,
    display_name: str,
    role: str,
    org_units: Iterable[str] = (),
    password: str | None = None,
) -> Account:
    """A new account; unit staff need at least one existing org unit, local accounts a password of 12+ chars."""
    username = username.strip().lower()
    units = sorted(set(org_units))
    if not username:
        raise AccountError("username is empty")
    if role not in ROLES:
        raise AccountError(f"unknown role {role!r}; one of {', '.join(ROLES)}")
    if role == "unit_staff" and not units:
        raise AccountError("unit staff need at least one org unit")
    known = {r["id"] for r in await conn.fetch("SELECT id FROM org_unit WHERE id = ANY($1::text[])", units)}
    if set(units) - known:
        raise AccountError(f"unknown org units: {', '.join(sorted(set(units) - known))}")
    if password is not None and len(password) < MIN_PASSWORD_CHARS:
        raise AccountError(f"the password needs at least {MIN_PASSWORD_CHARS} characters")
    row = await conn.fetchrow(
        """INSERT INTO staff_account (id, username, display_name, role, org_units, password_hash)
           VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (username) DO NOTHING RETURNING *""",
        uuid.uuid4(),
        username,
        display_name or username,
        role,
        units,
        _HASHER.hash(password) if password is not None else None,
    )
    if row is None:
        raise AccountError(f"an account {username!r} exists already")
    return _account(row)


async def account_by_username(conn: asyncpg.Connection, username: str) -> Account | None:
    """The enabled account of that name (for a sign-in the identity provider has verified)."""
    row = await conn.fetchrow(
        "SELECT * FROM staff_account WHERE username = $1 AND NOT disabled", username.strip().lower()
    )
    return None if row is None else _account(row)


async def authenticate(conn: asyncpg.Connection, username: str, password: str) -> Account | None:
    """The account if the password is right and the account enabled; the same work either way."""
    row = await conn.fetchrow(
        "SELECT * FROM staff_account WHERE username = $1 AND NOT disabled", username.strip().lower()
    )
    stored = row["password_hash"] if row is not None and row["password_hash"] else _DUMMY_HASH
    try:
        _HASHER.verify(stored, password)
    except (VerificationError, InvalidHashError):
        return None
    if row is None or not row["password_hash"]:
        return None
    if _HASHER.check_needs_rehash(stored):
        await conn.execute(
            "UPDATE staff_account SET password_hash = $2 WHERE id = $1", row["id"], _HASHER.hash(password)
        )
    return _account(row)


async def start_session(conn: asyncpg.Connection, account: Account, ttl: timedelta, id_token: str | None = None) -> str:
    """A new session; ``id_token``: the identity provider's ID token when signed in through OpenID Connect."""
    token = secrets.token_urlsafe(32)
    await conn.execute(
        "INSERT INTO staff_session (token_hash, account_id, expires_at, id_token) VALUES ($1, $2, $3, $4)",
        _token_hash(token),
        account.id,
        datetime.now(UTC) + ttl,
        id_token,
    )
    await conn.execute("DELETE FROM staff_session WHERE expires_at < now()")
    return token


async def session_account(conn: asyncpg.Connection, token: str | None) -> Account | None:
    if not token:
        return None
    row = await conn.fetchrow(
        """SELECT a.* FROM staff_session s JOIN staff_account a ON a.id = s.account_id
           WHERE s.token_hash = $1 AND s.expires_at > now() AND NOT a.disabled""",
        _token_hash(token),
    )
    return _account(row) if row is not None else None


async def end_session(conn: asyncpg.Connection, token: str | None) -> str | None:
    """End a session; the ID token it was started with, if any (for signing out at the identity provider)."""
    if not token:
        return None
    id_token: str | None = await conn.fetchval(
        "DELETE FROM staff_session WHERE token_hash = $1 RETURNING id_token", _token_hash(token)
    )
    return id_token


async def audit(conn: asyncpg.Connection, actor: str, action: str, subject: str = "", **detail: Any) -> None:
    """Append one entry to the audit log (the table refuses updates and deletes)."""
    await conn.execute(
        "INSERT INTO audit_log (actor, action, subject, detail) VALUES ($1, $2, $3, $4::jsonb)",
        actor,
        action,
        subject,
        orjson.dumps(detail).decode(),
    )


# Who calls with one of the operator's bearer tokens (services, scripts): the metrics token reads everything, like
# an analyst; the admin token may also change what administrators change (surveys).
TOKEN_READER = Account(uuid.UUID(int=0), "api-token", "API-Token (lesend)", "analyst", ())
TOKEN_ADMIN = Account(uuid.UUID(int=1), "admin-token", "API-Token (Administration)", "administrator", ())


async def caller(
    conn: asyncpg.Connection,
    headers: Mapping[str, str],
    cookies: Mapping[str, str],
    tokens: Mapping[bytes, Account],
    cookie: str,
) -> Account | None:
    """The account behind a staff API request: a bearer token (``tokens``: configured token -> its account; empty
    tokens never match) or a console session."""
    scheme, _, given = headers.get("authorization", "").partition(" ")
    if scheme.lower() == "bearer":
        presented = given.strip().encode()
        for token, account in tokens.items():
            if token and hmac.compare_digest(presented, token):
                return account
    return await session_account(conn, cookies.get(cookie))


def api_tokens(metrics_token: str, admin_token: str) -> dict[bytes, Account]:
    return {metrics_token.encode(): TOKEN_READER, admin_token.encode(): TOKEN_ADMIN}


def same_origin(headers: Mapping[str, str], scheme: str, netloc: str) -> bool:
    """Whether a state-changing request comes from our own pages (CSRF protection without tokens): by the
    Origin header, else by Fetch Metadata. A request carrying neither is refused."""
    origin = headers.get("origin")
    if origin is not None:
        return origin == f"{scheme}://{netloc}"
    return headers.get("sec-fetch-site") == "same-origin"
