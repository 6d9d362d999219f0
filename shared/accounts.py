"""Staff administration (the console's "Konten" pages and the command line): invite a colleague by e-mail, change
a role and units, disable and re-enable, send a password reset.

An invited account has no password: its holder sets one through a single-use link mailed to the address the
administrator gave (valid ``INVITE_VALID``); until then nothing signs in to it. A reset link (``RESET_VALID``) works
the same way for an existing local account; the old password stands until a new one is set, and setting it ends
the account's sessions. Links are random 256-bit tokens stored as their SHA-256; one open link per account.
Accounts that sign in through OpenID Connect have no password and get no link (``kind``).

The rules (``check_change``) are pure: nobody disables, demotes or removes the units of their own account, and the
last enabled administrator stays one, so the city never locks itself out of its console.
"""

from __future__ import annotations

import hashlib
import re
import secrets
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Literal

import asyncpg

from shared.auth import MIN_PASSWORD_CHARS, ROLES, Account
from shared.refusal import Refusal

INVITE_VALID = timedelta(hours=72)
RESET_VALID = timedelta(hours=24)
USERNAME = re.compile(r"[a-z0-9][a-z0-9._@-]{0,63}")
EMAIL = re.compile(r"[^@\s]{1,64}@[^@\s]+\.[^@\s]{2,}")
Kind = Literal["local", "invited", "oidc", "oidc_unbound"]
Purpose = Literal["invite", "reset"]


def refused(rule: str, field: str | None = None, status: int = 422, **values: str | int) -> Refusal:
    return Refusal(f"console.accounts.error.{rule}", status, field=field, slug=None, headers=None, **values)


@dataclass(frozen=True)
class StaffAccount:
    id: uuid.UUID
    username: str
    display_name: str
    role: str
    org_units: tuple[str, ...]
    email: str | None
    kind: Kind
    disabled: bool
    created_at: datetime
    link: Purpose | None  # an open invitation or reset link
    link_expires_at: datetime | None

    @property
    def enabled_administrator(self) -> bool:
        return self.role == "administrator" and not self.disabled


def _kind(row: asyncpg.Record) -> Kind:
    if row["invited"]:
        return "invited"
    if row["password_hash"] is not None:
        return "local"
    return "oidc" if row["oidc_subject"] is not None else "oidc_unbound"


_SELECT = """SELECT a.*, l.purpose AS link, l.expires_at AS link_expires_at FROM staff_account a
             LEFT JOIN staff_link l ON l.account_id = a.id AND l.expires_at > now()"""


def _staff(row: asyncpg.Record) -> StaffAccount:
    return StaffAccount(row["id"], row["username"], row["display_name"], row["role"], tuple(row["org_units"]),
                        row["email"], _kind(row), row["disabled"], row["created_at"], row["link"],
                        row["link_expires_at"])  # fmt: skip


async def list_accounts(conn: asyncpg.Connection) -> list[StaffAccount]:
    return [_staff(r) for r in await conn.fetch(f"{_SELECT} ORDER BY a.disabled, a.username")]


async def account_of(conn: asyncpg.Connection, username: str, *, lock: bool = False) -> StaffAccount | None:
    row = await conn.fetchrow(f"{_SELECT} WHERE a.username = $1{' FOR UPDATE OF a' if lock else ''}", username)
    return None if row is None else _staff(row)


# ---- Decisions (pure) ----


@dataclass(frozen=True)
class Change:
    """What an administrator wants an account to be: its role, units and whether it is enabled."""

    role: str
    org_units: tuple[str, ...]
    enabled: bool


def clean_units(role: str, units: Iterable[str], known: Iterable[str]) -> tuple[str, ...]:
    """The org units an account of ``role`` keeps: unit staff need at least one and only known ones; the other
    roles see every unit, so none are kept."""
    if role not in ROLES:
        raise refused("role", "role")
    if role != "unit_staff":
        return ()
    chosen = tuple(sorted(set(units)))
    if not chosen:
        raise refused("units_needed", "units")
    unknown = sorted(set(chosen) - set(known))
    if unknown:
        raise refused("unknown_units", "units", units=", ".join(unknown))
    return chosen


def check_change(actor: Account, target: StaffAccount, change: Change, enabled_administrators: int) -> None:
    """Refuse a change that would lock the city out: one's own account disabled, demoted or narrowed; the last
    enabled administrator disabled or demoted."""
    current = Change(target.role, target.org_units, not target.disabled)
    if change == current:
        return
    if target.id == actor.id:
        raise refused("self", status=409)
    stays_admin = change.role == "administrator" and change.enabled
    if target.enabled_administrator and not stays_admin and enabled_administrators <= 1:
        raise refused("last_admin", status=409)


def check_invitation(username: str, display_name: str, email: str) -> tuple[str, str, str]:
    """The invitation's name, display name and address, cleaned; refused at the field that is wrong."""
    username, email = username.strip().lower(), email.strip().lower()
    if not USERNAME.fullmatch(username):
        raise refused("username", "username")
    if not EMAIL.fullmatch(email) or len(email) > 254:
        raise refused("email", "email")
    return username, (display_name.strip()[:200] or username), email


def check_password(password: str, repeated: str) -> None:
    if len(password) < MIN_PASSWORD_CHARS:
        raise refused("password_short", "password", chars=MIN_PASSWORD_CHARS)
    if len(password) > 1024:
        raise refused("password_long", "password")
    if password != repeated:
        raise refused("password_repeat", "password-repeat")


# ---- Store ----


def _hash(token: str) -> bytes:
    return hashlib.sha256(token.encode()).digest()


async def known_units(conn: asyncpg.Connection) -> list[str]:
    return [r["id"] for r in await conn.fetch("SELECT id FROM org_unit ORDER BY id")]


async def enabled_administrators(conn: asyncpg.Connection) -> int:
    return int(await conn.fetchval("SELECT count(*) FROM staff_account WHERE role = 'administrator' AND NOT disabled"))


async def invite(
    conn: asyncpg.Connection, created_by: str, username: str, display_name: str, email: str, role: str,
    units: Sequence[str], *, oidc: bool,
) -> tuple[StaffAccount, str | None]:  # fmt: skip
    """A new account: ``oidc`` one that signs in at the identity provider (bound at its first sign-in with that
    username), else an invited local account and the secret of its invitation link. Run in a transaction."""
    username, display_name, email = check_invitation(username, display_name, email)
    units = clean_units(role, units, await known_units(conn))
    row = await conn.fetchrow(
        """INSERT INTO staff_account (id, username, display_name, role, org_units, email, invited)
           VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (username) DO NOTHING RETURNING id""",
        uuid.uuid4(), username, display_name, role, list(units), email, not oidc,
    )  # fmt: skip
    if row is None:
        raise refused("username_taken", "username", status=409)
    secret = None if oidc else await new_link(conn, row["id"], "invite", created_by)
    found = await account_of(conn, username)
    assert found is not None
    return found, secret


async def new_link(conn: asyncpg.Connection, account_id: uuid.UUID, purpose: Purpose, created_by: str) -> str:
    """A single-use link's secret for the account (replacing an open one)."""
    secret = secrets.token_urlsafe(32)
    valid = INVITE_VALID if purpose == "invite" else RESET_VALID
    await conn.execute(
        """INSERT INTO staff_link (token_hash, account_id, purpose, created_by, expires_at)
           VALUES ($1, $2, $3, $4, now() + $5::interval)
           ON CONFLICT (account_id) DO UPDATE SET token_hash = EXCLUDED.token_hash, purpose = EXCLUDED.purpose,
               created_by = EXCLUDED.created_by, created_at = now(), expires_at = EXCLUDED.expires_at""",
        _hash(secret), account_id, purpose, created_by, valid,
    )  # fmt: skip
    await conn.execute("DELETE FROM staff_link WHERE expires_at <= now()")
    return secret


async def link_holder(conn: asyncpg.Connection, secret: str) -> tuple[StaffAccount, Purpose] | None:
    """The enabled account an open link belongs to, and what the link is for; None for an unknown, used or
    expired link."""
    row = await conn.fetchrow(
        """SELECT l.purpose, a.username FROM staff_link l JOIN staff_account a ON a.id = l.account_id
           WHERE l.token_hash = $1 AND l.expires_at > now() AND NOT a.disabled""",
        _hash(secret),
    )
    if row is None:
        return None
    found = await account_of(conn, row["username"])
    return None if found is None else (found, row["purpose"])


async def redeem(conn: asyncpg.Connection, secret: str, password_hash: str) -> tuple[StaffAccount, Purpose] | None:
    """Set the password through a link, once: the link is gone, the account is local and enabled for sign-in, its
    sessions end. None when the link is unknown, used, expired or the account disabled. Run in a transaction."""
    row = await conn.fetchrow(
        """DELETE FROM staff_link l USING staff_account a
           WHERE l.token_hash = $1 AND a.id = l.account_id AND l.expires_at > now() AND NOT a.disabled
             AND a.oidc_subject IS NULL
           RETURNING a.id, a.username, l.purpose""",
        _hash(secret),
    )
    if row is None:
        return None
    await conn.execute(
        "UPDATE staff_account SET password_hash = $2, invited = false WHERE id = $1", row["id"], password_hash
    )
    await conn.execute("DELETE FROM staff_session WHERE account_id = $1", row["id"])
    found = await account_of(conn, row["username"])
    assert found is not None
    return found, row["purpose"]


async def apply_change(conn: asyncpg.Connection, target: StaffAccount, change: Change) -> None:
    """Write a checked change; disabling ends the account's sessions and open links at once."""
    await conn.execute(
        "UPDATE staff_account SET role = $2, org_units = $3, disabled = $4 WHERE id = $1",
        target.id, change.role, list(change.org_units), not change.enabled,
    )  # fmt: skip
    if not change.enabled:
        await conn.execute("DELETE FROM staff_session WHERE account_id = $1", target.id)
        await conn.execute("DELETE FROM staff_link WHERE account_id = $1", target.id)


async def erase_disabled_accounts(conn: asyncpg.Connection, cutoff: datetime) -> int:
    """Erase the personal data of accounts disabled before ``cutoff`` (the retention period's): display name,
    e-mail address, password hash and OpenID Connect binding. The username stays for the audit log's entries."""
    erased = await conn.fetch(
        """UPDATE staff_account SET display_name = username, email = NULL, password_hash = NULL, invited = false,
                  oidc_issuer = NULL, oidc_subject = NULL, erased_at = now()
           WHERE disabled AND erased_at IS NULL AND disabled_at < $1 RETURNING id""",
        cutoff,
    )
    return len(erased)


async def set_email(conn: asyncpg.Connection, target: StaffAccount, email: str) -> str:
    email = email.strip().lower()
    if not EMAIL.fullmatch(email) or len(email) > 254:
        raise refused("email", "email")
    await conn.execute("UPDATE staff_account SET email = $2 WHERE id = $1", target.id, email)
    return email
