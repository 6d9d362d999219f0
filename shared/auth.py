"""Staff accounts, server-side sessions, roles and the audit log.

Local accounts carry an argon2id hash (argon2-cffi's defaults, RFC 9106); accounts that sign in through OpenID
Connect will carry none. A session is a random 256-bit token in an HttpOnly cookie; the database keeps only its
SHA-256, so a leaked database yields no usable session. Roles:

* ``administrator``: everything, including accounts;
* ``analyst``: reads every unit's figures and comments;
* ``unit_staff``: reads and works on the org units listed on the account, nothing else;
* ``organiser`` (the Digital Innovation Hub): runs the hackathons (phases, challenges, jurors, budget, ledger) and
  reads aggregate figures, never a citizen's comment or free-text answer;
* ``pr_team`` (Team Öffentlichkeitsarbeit, read-only): every unit's figures, reports, comments and surveys;
* ``accessibility_officer`` (the accessibility officer's team): answers barrier reports, the only role that sees a
  reporter's contact address; reads aggregate figures.

Scoping is decided here (``Account.units_visible``) and applied by every query on the server.
"""

from __future__ import annotations

import functools
import hashlib
import secrets
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Literal

import asyncpg
import orjson
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

Role = Literal["administrator", "analyst", "unit_staff", "organiser", "pr_team", "accessibility_officer"]
ROLES: tuple[Role, ...] = ("administrator", "analyst", "unit_staff", "organiser", "pr_team", "accessibility_officer")
_EVERYONE: frozenset[Role] = frozenset(ROLES)
# Who may read what citizens wrote (comments, free-text answers, the delivery log that quotes them).
_TEXT_READERS: frozenset[Role] = frozenset({"administrator", "analyst", "unit_staff", "pr_team"})
_CHANGERS: frozenset[Role] = frozenset({"administrator", "unit_staff"})
_ORGANISERS: frozenset[Role] = frozenset({"administrator", "organiser"})
_ADMINISTRATORS: frozenset[Role] = frozenset({"administrator"})
# The role matrix: what each role may do. Unit-owned objects are further scoped by ``Account.units_visible``
# (unit staff: their units; everyone else: all), checked by ``shared.access``. API tokens carry a subset of these
# permissions as their scopes instead of a role. The README's role table is checked against this.
PERMISSIONS: dict[str, frozenset[Role]] = {
    "figures.read": _EVERYONE,  # dashboards, the metrics API, open data
    "comments.read": _TEXT_READERS,  # the inbox, single comments, themes
    "comments.triage": _CHANGERS,  # status, assignment, tags, notes, spam verdicts
    "surveys.read": _TEXT_READERS,  # surveys and their results, free-text answers included
    "surveys.status": _CHANGERS,  # move a survey through its lifecycle
    "surveys.define": _ADMINISTRATORS,  # targeting may reach any unit's pages
    "notifications.read": _TEXT_READERS,  # the delivery log (its messages quote comments)
    "notifications.retry": _ADMINISTRATORS,
    "hackathons.read": _EVERYONE,  # the hackathon console
    "hackathons.challenge": _CHANGERS | {"organiser"},  # post and revise a unit's challenges
    "hackathons.judge": _EVERYONE,  # score and declare conflicts: only where invited as a juror
    "hackathons.run": _ORGANISERS,  # create, phases, jury, exclusions, statements, prizes, budgets
    "retention.read": _ADMINISTRATORS,  # what the retention periods will erase when
    "budgets.read": _ORGANISERS | {"analyst", "pr_team"},  # the measure's programme budgets, spent and left
    "budgets.manage": _ORGANISERS,  # enter programme budgets, book and cancel the feedback programme's expenses
    # Page views from the web analytics: upload (replaces the period's figures every report uses), the Matomo
    # import's state. Not the read-only pr_team: like survey definitions, it changes what every unit is shown.
    "pageviews.import": _ADMINISTRATORS,
    # Org units, sites (origins, sections) and pages: which origins may send feedback and who answers for a page.
    "org.manage": _ADMINISTRATORS,
    "reports.read": _TEXT_READERS,  # monthly reports (their themes come from comments), for the units in sight
    # Measures and their effect before and after go-live (staff's texts and aggregate figures, no citizen text);
    # unit staff record, change and publish on /wirkung their units' measures.
    "measures.read": _EVERYONE,
    "measures.manage": _CHANGERS,
    "accounts.manage": _ADMINISTRATORS,  # staff accounts (invite, role, units, disable, reset) and API tokens
    "audit.read": _ADMINISTRATORS,  # the audit log and its CSV
    "sdg.read": _ADMINISTRATORS,  # the monthly SDG/NFK transfers, the JSON sent and their delivery log
    # Barrier reports with the reporter's contact address, and answering them by mail: the accessibility officer's
    # team only (the address is personal data given for this purpose alone).
    "barriers.answer": frozenset({"accessibility_officer"}),
}
READ_ONLY = frozenset(p for p in PERMISSIONS if p.endswith(".read"))
# What an API token may be granted: everything but judging, which is a person's duty, managing accounts and
# tokens, which would let a token make itself more tokens, and reporters' contact addresses, given for one team.
TOKEN_SCOPES: tuple[str, ...] = tuple(
    p for p in PERMISSIONS if p not in ("hackathons.judge", "accounts.manage", "barriers.answer")
)


def role_matrix_markdown() -> str:
    """The role matrix as the Markdown table README.md and SECURITY.md carry between their ``permissions`` markers
    (tests/unit/test_security_doc.py keeps them equal to this)."""
    lines = ["| Permission | " + " | ".join(ROLES) + " |", "|---" * (len(ROLES) + 1) + "|"]
    lines += [f"| `{p}` | " + " | ".join("yes" if r in granted else "no" for r in ROLES) + " |"
              for p, granted in PERMISSIONS.items()]  # fmt: skip
    return "\n".join(lines) + "\n"


_HASHER = PasswordHasher()


@functools.cache
def _dummy_hash() -> str:
    """Verified when the username is unknown, so that a wrong username takes as long as a wrong password. Made at
    the first sign-in, not at import: every process and command imports this module, few sign anyone in."""
    return _HASHER.hash(secrets.token_urlsafe(16))


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
    # An API token's permissions (``TOKEN_SCOPES``); None for a person, whose role decides.
    scopes: frozenset[str] | None = None

    def units_visible(self) -> frozenset[str] | None:
        """The org units this account may see; ``None`` means all of them."""
        if self.scopes is not None:
            return None
        return frozenset(self.org_units) if self.role == "unit_staff" else None

    def may_see(self, org_unit: str) -> bool:
        units = self.units_visible()
        return units is None or org_unit in units

    def may(self, permission: str) -> bool:
        """Whether the role (or, for a token, its scopes) grants ``permission`` at all; which units it covers is
        ``units_visible``."""
        if self.scopes is not None:
            return permission in self.scopes
        return self.role in PERMISSIONS[permission]

    def may_act_on(self, permission: str, org_unit: str) -> bool:
        """``permission`` on an object of ``org_unit``."""
        return self.may(permission) and self.may_see(org_unit)

    @property
    def is_token(self) -> bool:
        return self.scopes is not None


def session_cookie(public_base_url: str) -> tuple[str, bool]:
    """(cookie name, Secure flag): over https ``__Host-`` prefixed and Secure, as browsers then require."""
    secure = public_base_url.startswith("https://")
    return ("__Host-stadtstimme-session" if secure else "stadtstimme-session"), secure


def _account(row: asyncpg.Record) -> Account:
    return Account(row["id"], row["username"], row["display_name"], row["role"], tuple(row["org_units"]))


def _token_hash(token: str) -> bytes:
    return hashlib.sha256(token.encode()).digest()


class UsernameTaken(AccountError):
    pass


async def create_account(
    conn: asyncpg.Connection,
    username: str,
    display_name: str,
    role: str,
    org_units: Iterable[str] = (),
    password: str | None = None,
    oidc_identity: tuple[str, str] | None = None,
) -> Account:
    """A new account; unit staff need at least one existing org unit, local accounts a password of 12+ chars.
    Without a password it is an OpenID Connect account: bound to ``oidc_identity`` (issuer, subject) if given,
    else at its first sign-in whose username claim matches (``shared.oidc.account_for``)."""
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
    if password is not None and oidc_identity is not None:
        raise AccountError("an account has a password or an OpenID Connect identity, not both")
    issuer, subject = oidc_identity or (None, None)
    if oidc_identity is not None and not (issuer and subject):
        raise AccountError("an OpenID Connect identity needs an issuer and a subject")
    row = await conn.fetchrow(
        """INSERT INTO staff_account (id, username, display_name, role, org_units, password_hash, oidc_issuer,
                                      oidc_subject)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT DO NOTHING RETURNING *""",
        uuid.uuid4(),
        username,
        display_name or username,
        role,
        units,
        _HASHER.hash(password) if password is not None else None,
        issuer,
        subject,
    )
    if row is None:
        if await conn.fetchval("SELECT 1 FROM staff_account WHERE username = $1", username):
            raise UsernameTaken(f"an account {username!r} exists already")
        raise AccountError("that OpenID Connect identity belongs to another account already")
    return _account(row)


async def account_by_identity(conn: asyncpg.Connection, issuer: str, subject: str) -> Account | None:
    """The enabled account bound to this OpenID Connect identity (issuer, subject): the only way a sign-in the
    identity provider verified finds its account, never by a name."""
    row = await conn.fetchrow(
        "SELECT * FROM staff_account WHERE oidc_issuer = $1 AND oidc_subject = $2 AND NOT disabled", issuer, subject
    )
    return None if row is None else _account(row)


def verify_password(stored: str | None, password: str) -> bool:
    """Whether ``password`` matches the argon2 hash ``stored`` (None: no password; the dummy hash is checked
    then, so that an unknown or password-less account takes as long as a wrong password). CPU- and memory-hard:
    run it in a worker thread (``shared.sign_in``), never on the event loop."""
    try:
        _HASHER.verify(stored or _dummy_hash(), password)
    except (VerificationError, InvalidHashError):
        return False
    return stored is not None


async def password_account(conn: asyncpg.Connection, username: str) -> tuple[Account | None, str | None]:
    """The enabled account of ``username`` and its password hash (None, None for an unknown name)."""
    row = await conn.fetchrow("SELECT * FROM staff_account WHERE username = $1 AND NOT disabled", username)
    return (None, None) if row is None else (_account(row), row["password_hash"])


def needs_rehash(stored: str) -> bool:
    """Whether the hashing parameters changed since ``stored`` was made (rehash after a verified sign-in)."""
    return _HASHER.check_needs_rehash(stored)


def hash_password(password: str) -> str:
    """A new argon2id hash (slow on purpose: call it in a worker thread)."""
    return _HASHER.hash(password)


async def store_password_hash(conn: asyncpg.Connection, account: Account, password_hash: str) -> None:
    await conn.execute("UPDATE staff_account SET password_hash = $2 WHERE id = $1", account.id, password_hash)


# Sessions: an absolute lifetime (``session_ttl_hours``) and an idle timeout (``session_idle_minutes``, this by
# default), both stored with the session, so every reader of a session applies them without knowing the settings.
SESSION_IDLE = timedelta(minutes=30)
# A request records the session's use only when the last record is this old: at most one write a minute per session.
SESSION_TOUCH = timedelta(minutes=1)
_SEAL_CONTEXT = b"stadtstimme staff_session id_token v1"
SessionState = Literal["over", "touch", "fresh"]


def session_state(now: datetime, expires_at: datetime, last_seen_at: datetime, idle: timedelta) -> SessionState:
    """What a request does with its session: ``over`` when past its lifetime or unused for ``idle`` (it is gone),
    ``touch`` to record its use (the last record is ``SESSION_TOUCH`` old), else ``fresh``."""
    if now >= expires_at or now - last_seen_at >= idle:
        return "over"
    return "touch" if now - last_seen_at >= SESSION_TOUCH else "fresh"


def _session_cipher(token: str) -> AESGCM:
    key = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=_SEAL_CONTEXT).derive(token.encode())
    return AESGCM(key)


def seal_for_session(token: str, secret: str) -> bytes:
    """``secret`` encrypted (AES-256-GCM) under a key derived (HKDF-SHA256) from the session token. The database
    holds the token's SHA-256 only, so what it stores opens only with the browser's cookie."""
    nonce = secrets.token_bytes(12)
    return nonce + _session_cipher(token).encrypt(nonce, secret.encode(), _SEAL_CONTEXT)


def open_for_session(token: str, sealed: bytes) -> str | None:
    """What ``seal_for_session`` sealed with this token; None for another token or altered bytes."""
    try:
        return _session_cipher(token).decrypt(sealed[:12], sealed[12:], _SEAL_CONTEXT).decode()
    except (InvalidTag, ValueError):
        return None


async def start_session(
    conn: asyncpg.Connection,
    account: Account,
    ttl: timedelta,
    *,
    idle: timedelta = SESSION_IDLE,
    id_token: str | None = None,
) -> str:
    """A new session, over after ``ttl`` or after ``idle`` without a request; ``id_token``: the identity
    provider's ID token when signed in through OpenID Connect, kept sealed for signing out there."""
    token = secrets.token_urlsafe(32)
    await conn.execute(
        """INSERT INTO staff_session (token_hash, account_id, expires_at, idle_timeout, id_token_sealed)
           VALUES ($1, $2, now() + $3::interval, $4, $5)""",
        _token_hash(token),
        account.id,
        ttl,
        idle,
        seal_for_session(token, id_token) if id_token is not None else None,
    )
    await conn.execute("DELETE FROM staff_session WHERE expires_at < now() OR last_seen_at + idle_timeout < now()")
    return token


async def session_account(conn: asyncpg.Connection, token: str | None) -> Account | None:
    """The enabled account of a live session; a session past its lifetime or idle for too long is deleted."""
    if not token:
        return None
    key = _token_hash(token)
    row = await conn.fetchrow(
        """SELECT a.*, s.expires_at, s.last_seen_at, s.idle_timeout, now() AS db_now
           FROM staff_session s JOIN staff_account a ON a.id = s.account_id WHERE s.token_hash = $1""",
        key,
    )
    if row is None:
        return None
    state = session_state(row["db_now"], row["expires_at"], row["last_seen_at"], row["idle_timeout"])
    if state == "over":
        await conn.execute("DELETE FROM staff_session WHERE token_hash = $1", key)
        return None
    if state == "touch":
        await conn.execute("UPDATE staff_session SET last_seen_at = now() WHERE token_hash = $1", key)
    return None if row["disabled"] else _account(row)


async def end_session(conn: asyncpg.Connection, token: str | None) -> str | None:
    """End a session; the ID token it was started with, if any (for signing out at the identity provider)."""
    if not token:
        return None
    sealed: bytes | None = await conn.fetchval(
        "DELETE FROM staff_session WHERE token_hash = $1 RETURNING id_token_sealed", _token_hash(token)
    )
    return open_for_session(token, sealed) if sealed is not None else None


async def audit(conn: asyncpg.Connection, actor: str, action: str, subject: str = "", **detail: Any) -> None:
    """Append one entry to the audit log (the table refuses updates, and deletes but for the retention period's).
    An entry about an org unit's object names it as ``org_unit=…`` among the details: the audit-log viewer filters
    by it."""
    unit = detail.get("org_unit")
    await conn.execute(
        "INSERT INTO audit_log (actor, action, subject, detail, org_unit) VALUES ($1, $2, $3, $4::jsonb, $5)",
        _printable(actor),
        action,
        _printable(subject),
        orjson.dumps(_printable(detail)).decode(),
        _printable(unit) if isinstance(unit, str) else None,
    )


def _printable(value: Any) -> Any:
    """``value`` with NUL characters replaced (PostgreSQL's text and jsonb refuse them), in strings, lists and dicts."""
    if isinstance(value, str):
        return value.replace("\x00", "\ufffd")
    if isinstance(value, dict):
        return {k: _printable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_printable(v) for v in value]
    return value
