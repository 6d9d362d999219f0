"""Who may do what, in one place: every staff route, API and console alike, goes through ``StaffAccess``.

A route states what it needs: a permission of the role matrix (``shared.auth.PERMISSIONS``, e.g.
``surveys.status``), and for an object owned by an org unit, the unit that owns it now and the unit it will
belong to (``check_units``). ``require`` finds the caller (a console session, or a scoped API token), refuses a
state-changing request with a session that does not come from our own pages (CSRF), and refuses a permission the
role or the token's scopes do not grant. Every refusal is a ``Refusal``: problem+json for APIs, a German page or
form error in the console.

API tokens are created by ``stadtstimme tokens create``: shown once, stored as their SHA-256, scoped to a few
permissions, revocable and optionally expiring. The configured metrics token (``STADTSTIMME_METRICS_TOKEN``, for
deployments that set it in their environment) is compared by its hash and reads figures only; it lives in the
environment, so rotating it means a restart: prefer tokens from the command line.
"""

from __future__ import annotations

import hashlib
import secrets
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import asyncpg
from fastapi import Request

from shared.auth import TOKEN_SCOPES, Account, session_account, session_cookie
from shared.messages import CATALOGUE
from shared.orgmodel import split_origin
from shared.refusal import cross_site, forbidden, not_found, unauthorized
from shared.settings import Settings

TOKEN_PREFIX = "sst_"  # noqa: S105 (not a secret) makes a leaked token recognisable to secret scanners
_LAST_USED_EVERY = timedelta(minutes=5)  # how often a token's last use is written (not on every request)


def same_origin(request: Request, public_base_url: str) -> bool:
    """Whether a state-changing request comes from our own pages (CSRF protection without tokens): its ``Origin``
    is the public base URL's origin, or the origin the request was made to (behind a trusted proxy, with the
    scheme it forwarded); without ``Origin``, Fetch Metadata must say same-origin. A request carrying neither is
    refused."""
    origin = request.headers.get("origin")
    if origin is not None:
        return origin in (split_origin(public_base_url)[0], f"{request.url.scheme}://{request.url.netloc}")
    return request.headers.get("sec-fetch-site") == "same-origin"


def _hash(token: str) -> bytes:
    return hashlib.sha256(token.encode()).digest()


def check_units(
    account: Account, permission: str, existing: str | None = None, new: str | None = None, *, hidden: bool = True
) -> None:
    """Refuse unless ``account`` has ``permission`` on an object as it is and as it will be: ``existing`` is the
    unit owning the object now (None: a new object), ``new`` the unit it will belong to (None: unchanged). Another
    unit's existing object answers 404, as if it did not exist (``hidden``; 403 for objects everybody may read,
    such as a hackathon's challenges); moving an object to a unit not one's own, 403."""
    if existing is not None and hidden and not account.may_see(existing):
        raise not_found()
    for unit in (existing, new):
        if unit is not None and not account.may_act_on(permission, unit):
            raise forbidden("problem.not_your_unit.title", field="org_unit")


@dataclass(frozen=True)
class Token:
    id: uuid.UUID
    name: str
    scopes: tuple[str, ...]
    created_by: str
    created_at: datetime
    expires_at: datetime | None
    revoked_at: datetime | None
    last_used_at: datetime | None


def _token(row: asyncpg.Record) -> Token:
    return Token(row["id"], row["name"], tuple(row["scopes"]), row["created_by"], row["created_at"],
                 row["expires_at"], row["revoked_at"], row["last_used_at"])  # fmt: skip


def _scopes(scopes: Sequence[str]) -> list[str]:
    wanted = sorted(set(scopes))
    unknown = [s for s in wanted if s not in TOKEN_SCOPES]
    if not wanted or unknown:
        raise ValueError(f"unknown scopes: {', '.join(unknown)}; choose from {', '.join(TOKEN_SCOPES)}")
    return wanted


async def create_token(
    conn: asyncpg.Connection, name: str, scopes: Sequence[str], created_by: str, valid_for: timedelta | None = None
) -> tuple[Token, str]:
    """A new token (the secret is returned here only, never stored); raises ``ValueError`` for an unknown scope
    or a name in use."""
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    row = await conn.fetchrow(
        """INSERT INTO api_token (id, name, token_sha256, scopes, created_by, expires_at)
           VALUES ($1, $2, $3, $4, $5, now() + $6::interval) ON CONFLICT (name) DO NOTHING RETURNING *""",
        uuid.uuid4(), name.strip(), _hash(secret), _scopes(scopes), created_by, valid_for,
    )  # fmt: skip
    if row is None:
        raise ValueError(f"a token named {name.strip()!r} exists already")
    return _token(row), secret


async def rotate_token(conn: asyncpg.Connection, name: str) -> tuple[Token, str] | None:
    """A new secret for the token (the old one stops working at once), with the same scopes and expiry."""
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    row = await conn.fetchrow(
        "UPDATE api_token SET token_sha256 = $2 WHERE name = $1 AND revoked_at IS NULL RETURNING *", name, _hash(secret)
    )
    return None if row is None else (_token(row), secret)


async def revoke_token(conn: asyncpg.Connection, name: str) -> bool:
    done = await conn.fetchval(
        "UPDATE api_token SET revoked_at = now() WHERE name = $1 AND revoked_at IS NULL RETURNING true", name
    )
    return bool(done)


async def list_tokens(conn: asyncpg.Connection) -> list[Token]:
    return [_token(r) for r in await conn.fetch("SELECT * FROM api_token ORDER BY created_at, name")]


async def token_account(conn: asyncpg.Connection, secret: str) -> Account | None:
    """The caller behind a presented token: valid, not revoked, not expired."""
    row = await conn.fetchrow(
        """SELECT id, name, scopes, last_used_at FROM api_token WHERE token_sha256 = $1 AND revoked_at IS NULL
           AND (expires_at IS NULL OR expires_at > now())""",
        _hash(secret),
    )
    if row is None:
        return None
    if row["last_used_at"] is None or row["last_used_at"] < datetime.now(UTC) - _LAST_USED_EVERY:
        await conn.execute("UPDATE api_token SET last_used_at = now() WHERE id = $1", row["id"])
    return token_as_account(row["id"], row["name"], row["scopes"])


def token_as_account(token_id: uuid.UUID, name: str, scopes: Sequence[str]) -> Account:
    """A token acts under its name (``token:<name>`` in the audit log), with its scopes instead of a role."""
    return Account(token_id, f"token:{name}", name, "analyst", (), frozenset(scopes))


CONFIGURED_METRICS = "configured-metrics-token"


class StaffAccess:
    """The caller of a staff request and what it may do; one per application, used by every staff route."""

    def __init__(self, settings: Settings, pool: asyncpg.Pool) -> None:
        self.settings, self.pool = settings, pool
        self.cookie, _ = session_cookie(settings.public_base_url)
        configured = settings.metrics_token.get_secret_value()
        # Compared by its hash; it reads figures, nothing else.
        self._configured = {_hash(configured): ("figures.read",)} if configured else {}

    async def caller(self, request: Request) -> Account | None:
        """A bearer token, else the console session; None for neither (or an invalid one)."""
        scheme, _, given = request.headers.get("authorization", "").partition(" ")
        async with self.pool.acquire() as conn:
            if scheme.lower() == "bearer":
                secret = given.strip()
                scopes = self._configured.get(_hash(secret))
                if scopes is not None:
                    return token_as_account(uuid.UUID(int=0), CONFIGURED_METRICS, scopes)
                return await token_account(conn, secret) if secret else None
            return await session_account(conn, request.cookies.get(self.cookie))

    async def require(self, request: Request, permission: str) -> Account:
        """The caller, refused (401) without a valid sign-in or token, (403) for a state-changing request (any
        method but GET and HEAD) with a session from another site, (403) without ``permission``. The account is
        kept on the request (``request.state``) for the refusal page's header."""
        account = await self.caller(request)
        if account is None:
            raise unauthorized()
        request.state.account = account
        changes = request.method not in ("GET", "HEAD")
        if changes and not account.is_token and not same_origin(request, self.settings.public_base_url):
            raise cross_site()
        if not account.may(permission):
            # What the missing permission is about, where the catalogue says it more precisely than "not allowed".
            key = f"permission.{permission}"
            raise forbidden(key if key in CATALOGUE else "problem.forbidden.title")
        return account

    def from_our_pages(self, request: Request) -> bool:
        return same_origin(request, self.settings.public_base_url)
