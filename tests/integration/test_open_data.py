"""The open-data export over the real system: satisfaction per unit and month from projected feedback, small
numbers protected, CSV and JSON, unit staff scoped, audited."""

from __future__ import annotations

import uuid
from datetime import datetime
from zoneinfo import ZoneInfo

import asyncpg
import httpx

from tests.integration.system import System
from tests.integration.test_console import add_staff, sign_in


async def test_open_data_per_unit_and_month(system: System) -> None:
    feedback = [("abfall", "https://abfall.musterstadt.de/sperrmuell", r) for r in (5, 4, 4, 5, 2, 3)]
    feedback += [("baeder", "https://www.baeder-musterstadt.de/freibad", r) for r in (1, 2)]
    async with httpx.AsyncClient(base_url=system.base_url, timeout=30) as citizen:
        for site, url, rating in feedback:
            body = {"event_id": str(uuid.uuid4()), "site": site, "page_url": url, "rating": rating, "helpful": True}
            assert (await citizen.post("/api/v1/feedback", json=body)).status_code == 202
    await system.wait_projected(len(feedback), timeout=20)
    month = datetime.now(ZoneInfo(system.settings.timezone)).strftime("%Y-%m")
    path = "/api/v1/metrics/open-data/satisfaction"
    params = {"from": month, "to": month}
    async with httpx.AsyncClient(base_url=system.base_url, headers=system.auth, timeout=30) as reader:
        document = (await reader.get(f"{path}.json", params=params)).json()
        exported = await reader.get(f"{path}.csv", params=params)
        assert (await reader.get(f"{path}.json", params={"from": month, "to": "2020-01"})).status_code == 422
        assert (await reader.get(f"{path}.json", params={"from": "2026-13", "to": month})).status_code == 422
    assert document["licence"]["id"] == "dl-de/by-2-0"
    assert document["items"] == [
        {"month": month, "org_unit": "abfallwirtschaft", "name": "Abfallwirtschaftsbetrieb Musterstadt",
         "kind": "eigenbetrieb", "responses": 6, "suppressed": False, "helpful_share": 1.0, "rating_mean": 3.8333},
        {"month": month, "org_unit": "baeder", "name": "Bäderbetrieb Musterstadt", "kind": "eigenbetrieb",
         "responses": None, "suppressed": True, "helpful_share": None, "rating_mean": None},
    ]  # fmt: skip
    lines = exported.content.decode("utf-8-sig").splitlines()
    assert lines[1:] == [
        f"{month};abfallwirtschaft;Abfallwirtschaftsbetrieb Musterstadt;Eigenbetrieb;6;100,0;3,83",
        f"{month};baeder;Bäderbetrieb Musterstadt;Eigenbetrieb;< 5;;",
    ]
    assert exported.headers["content-disposition"].startswith("attachment;")

    add_staff(system, "baeder.staff", "unit_staff", "baeder")
    staff = await sign_in(system, "baeder.staff")
    try:
        own = (await staff.get(f"{path}.json", params=params)).json()["items"]
        assert [i["org_unit"] for i in own] == ["baeder"]
    finally:
        await staff.aclose()
    assert (await httpx.AsyncClient(base_url=system.base_url).get(f"{path}.csv", params=params)).status_code == 401
    conn = await asyncpg.connect(system.settings.database_url)
    try:
        exports = await conn.fetch("SELECT actor, subject FROM audit_log WHERE action = 'export' ORDER BY id")
    finally:
        await conn.close()
    assert [tuple(e) for e in exports] == [
        ("token:configured-metrics-token", f"open-data:{month}..{month}.json"),
        ("token:configured-metrics-token", f"open-data:{month}..{month}.csv"),
        ("baeder.staff", f"open-data:{month}..{month}.json"),
    ]
