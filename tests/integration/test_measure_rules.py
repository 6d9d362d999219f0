"""Measures' rules on the real system, found in review: unit staff cannot name another unit's pages or site (they
would read and publish that unit's satisfaction)."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import asyncpg

from shared.settings import Settings
from tests.integration.conftest import once, running
from tests.integration.test_console import add_staff, sign_in
from tests.integration.test_measures import form


@once("the measures' access rules")
async def test_unit_staff_cannot_name_another_units_pages(settings: Settings, tmp_path: Path) -> None:
    async with running(settings, tmp_path / "logs") as system:
        tz = ZoneInfo(system.settings.timezone)
        live_on = datetime.now(tz).date() - timedelta(days=30)
        add_staff(system, "abfall.rules", "unit_staff", "abfallwirtschaft")
        staff = await sign_in(system, "abfall.rules")
        origin = {"Origin": system.base_url}
        conn = await asyncpg.connect(system.settings.database_url)
        try:
            baths = form(live_on, pages="https://www.baeder-musterstadt.de/preise")
            refused = await staff.post("/console/massnahmen/neu", data=baths, headers=origin)
            assert refused.status_code == 422 and 'id="pages-error"' in refused.text, refused.text
            assert "Seiten einer Organisationseinheit, deren Rückmeldungen Sie nicht sehen" in refused.text
            portal = form(live_on, pages="", site="portal", path_prefix="/")  # the city portal and its sections
            refused = await staff.post("/console/massnahmen/neu", data=portal, headers=origin)
            assert refused.status_code == 422 and 'id="site-error"' in refused.text
        finally:
            await conn.close()
            await staff.aclose()
