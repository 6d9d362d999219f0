"""A disabled staff account's personal data has a lifecycle, on the real PostgreSQL: the moment it is disabled is
recorded by the database (whatever path disables it), the retention rule erases display name, e-mail address,
password hash and sign-in binding once the period has passed, keeps the username for the audit log, erases
nothing of enabled or recently disabled accounts, and a second run finds nothing."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import asyncpg

from shared.accounts import Change, account_of, apply_change, invite
from shared.auth import create_account
from shared.db import migrate_url
from shared.retention import policy, preview
from shared.settings import Settings
from stadtstimme.retention import _enforce
from tests.integration.conftest import once

pytestmark = once("the staff accounts' retention")


async def test_a_disabled_accounts_personal_data_is_erased_after_its_period(settings: Settings) -> None:
    await migrate_url(settings.database_url)
    rule = next(r for r in policy(settings) if r.kind == "staff_accounts")
    pool = await asyncpg.create_pool(settings.database_url, min_size=1, max_size=2)
    conn = await pool.acquire()
    try:
        left, _ = await invite(conn, "admin", "erika.muster", "Erika Muster", "erika@musterstadt.de", "analyst",
                               (), oidc=False)  # fmt: skip
        await create_account(conn, "max.oidc", "Max Beispiel", "analyst", oidc_identity=("https://idp", "sub-1"))
        await invite(conn, "admin", "bleibt", "Bleibt Aktiv", "bleibt@musterstadt.de", "analyst", (),
                     oidc=False)  # fmt: skip
        oidc_account = await account_of(conn, "max.oidc")
        assert oidc_account is not None
        for account in (left, oidc_account):
            await apply_change(conn, account, Change(account.role, account.org_units, enabled=False))
        disabled_at = await conn.fetchval("SELECT disabled_at FROM staff_account WHERE username = 'erika.muster'")
        assert disabled_at is not None
        assert await conn.fetchval("SELECT disabled_at FROM staff_account WHERE username = 'bleibt'") is None

        now = datetime.now(UTC)
        due = {d.rule.kind: d for d in await preview(conn, settings, now)}["staff_accounts"]
        assert due.due_now == 0
        assert due.next_at is not None and abs(due.next_at - (disabled_at + rule.period)) < timedelta(seconds=5)
        assert await _enforce(rule, settings, pool, None, now - rule.period, now) == 0

        later = now + rule.period + timedelta(days=1)
        assert {d.rule.kind: d.due_now for d in await preview(conn, settings, later)}["staff_accounts"] == 2
        assert await _enforce(rule, settings, pool, None, later - rule.period, later) == 2
        rows = {r["username"]: r for r in await conn.fetch("SELECT * FROM staff_account")}
        for name in ("erika.muster", "max.oidc"):
            row = rows[name]
            assert row["display_name"] == name and row["email"] is None and row["password_hash"] is None
            assert row["oidc_issuer"] is None and row["oidc_subject"] is None and row["erased_at"] is not None
            assert row["disabled"]
        assert rows["bleibt"]["email"] == "bleibt@musterstadt.de" and rows["bleibt"]["display_name"] == "Bleibt Aktiv"
        assert await _enforce(rule, settings, pool, None, later - rule.period, later) == 0

        erased = await account_of(conn, "erika.muster")
        assert erased is not None
        await apply_change(conn, erased, Change(erased.role, erased.org_units, enabled=True))
        row = await conn.fetchrow("SELECT disabled, disabled_at, erased_at FROM staff_account WHERE id = $1", left.id)
        assert (row["disabled"], row["disabled_at"], row["erased_at"]) == (False, None, None)
    finally:
        await pool.release(conn)
        await pool.close()
