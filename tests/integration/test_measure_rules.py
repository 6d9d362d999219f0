"""Measures' rules on the real system, found in review: unit staff cannot name another unit's pages or site (they
would read and publish that unit's satisfaction), a new measure's form sent twice saves one measure, and the
projector worker keeps a published measure's stored effect (the hackathon's view) current as feedback arrives."""

from __future__ import annotations

import asyncio
import re
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import asyncpg
import orjson

from shared.settings import Settings
from tests.integration.conftest import once, running
from tests.integration.test_console import add_staff, sign_in
from tests.integration.test_measures import form, part, publish


@once("the measures' access rules and the effects' refresh")
async def test_foreign_pages_refused_a_form_sent_twice_saves_once_and_effects_stay_current(
    settings: Settings, tmp_path: Path
) -> None:
    async with running(settings, tmp_path / "logs", retention_interval_s=1) as system:
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

            new = (await staff.get("/console/massnahmen/neu")).text
            [measure_id] = re.findall(r'name="measure_id" value="([0-9a-f-]{36})"', new)
            sent = form(live_on, title_de="Zweimal abgeschickt", measure_id=measure_id)
            first = await staff.post("/console/massnahmen/neu", data=sent, headers=origin)
            again = await staff.post("/console/massnahmen/neu", data=sent, headers=origin)  # a double click
            assert (first.status_code, again.status_code) == (303, 303), again.text
            done = f"/console/massnahmen/{measure_id}?done=saved"
            assert first.headers["location"] == again.headers["location"] == done
            saved = await conn.fetch("SELECT measure_id::text, revision FROM measure WHERE title_de = $1",
                                     sent["title_de"])  # fmt: skip
            assert [tuple(r) for r in saved] == [(measure_id, 1)]

            published = await staff.post(f"/console/massnahmen/{measure_id}/veroeffentlichen", data={"revision": "1"},
                                         headers=origin)  # fmt: skip
            assert published.status_code == 303

            # The projector has applied the measure's two events (it stores the effect then, too) ...
            deadline, applied = time.monotonic() + 30, 0
            while time.monotonic() < deadline and applied < 2:
                applied = await conn.fetchval("SELECT coalesce(sum(next_offset), 0) FROM consumer_offset "
                                              "WHERE consumer LIKE '%measure-projector'")  # fmt: skip
                await asyncio.sleep(0.2)
            assert applied == 2
            # ... and then six responses after go-live arrive; nobody opens /wirkung: the worker stores the new
            # effect by itself.
            at = datetime.now(tz).astimezone(UTC) - timedelta(days=2)
            await publish(system, [part(at, True, 5) for _ in range(6)])
            deadline, stored = time.monotonic() + 30, None
            while time.monotonic() < deadline:
                raw = await conn.fetchval("SELECT figures FROM measure_effect WHERE measure_id = $1::uuid", measure_id)
                stored = None if raw is None else orjson.loads(raw)
                if stored is not None and stored["after"]["responses"] == 6:
                    break
                await asyncio.sleep(0.3)
            assert stored is not None and stored["after"]["responses"] == 6, stored
        finally:
            await conn.close()
            await staff.aclose()
