"""Dashboards over the real system: events of known days through Kafka and the projector, then the console's
figures, charts, data tables, filters and CSV against hand-computed values."""

from __future__ import annotations

import asyncio
import uuid
from datetime import UTC, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import asyncpg

from services.analytics import alerting
from shared.contracts.alerts import AlertReading, SatisfactionAlertRaisedV1, alert_id
from shared.contracts.envelope import encode_envelope
from shared.contracts.feedback import FEEDBACK_SUBMITTED_V2
from shared.contracts.topics import ALERTS, FEEDBACK, topic_name
from shared.kafka import start_producer
from tests.integration.system import System
from tests.integration.test_console import add_staff, sign_in

BERLIN = ZoneInfo("Europe/Berlin")
SPERRMUELL = "https://abfall.musterstadt.de/sperrmuell"
KALENDER = "https://abfall.musterstadt.de/abfuhrkalender"


def part(days_ago: int, page: str, **fields: Any) -> bytes:
    """A counted response at noon (Berlin) ``days_ago`` days before today."""
    day = datetime.now(BERLIN).date() - timedelta(days=days_ago)
    received = datetime.combine(day, time(12), BERLIN).astimezone(UTC)
    event_id = uuid.uuid4()
    data = {"response_id": str(event_id), "site": "abfall", "page_url": page, "org_unit": "abfallwirtschaft",
            "helpful": None, "rating": None, "comment": None, "suggestion": None, "category": None,
            "language": "de", "flags": [], "received_at": received, **fields}  # fmt: skip
    return encode_envelope(FEEDBACK_SUBMITTED_V2, event_id, "/test", received, data)


async def test_figures_charts_filters_and_csv_match_hand_computed_values(system: System) -> None:
    records = [
        part(1, SPERRMUELL, helpful=True, rating=5),
        part(1, SPERRMUELL, helpful=False, rating=3),
        part(3, KALENDER, helpful=False, rating=1, category="technical", comment="Kalender lädt nicht"),
        part(10, SPERRMUELL, helpful=True, rating=4),  # in the 7 days before the last 7
    ]
    producer = await start_producer(system.settings)
    try:
        for value in records:
            await producer.send_and_wait(topic_name(FEEDBACK, system.settings.topic_prefix), value)
    finally:
        await producer.stop()
    await system.wait_projected(4, timeout=30)
    add_staff(system, "abfall", "unit_staff", "abfallwirtschaft")
    staff = await sign_in(system, "abfall")
    try:
        unit = await staff.get("/console/units/abfallwirtschaft", params={"days": "7"})
        assert unit.status_code == 200
        html = unit.text
        # Key figures: 3 responses (+200 % against 1), helpful 1 of 3 (33 %, −67 points against 100 %),
        # mean (5 + 3 + 1) / 3 = 3,00 (−1,00 against 4).
        for expected in ("3 (Veränderung: +200 %)", "33 %", "−67 Pp.", "3,00", "−1,00"):
            assert expected in html, expected
        assert html.count('role="img"') == 4  # rating, helpful and volume over time, and the distribution
        assert "<circle" in html and '<table id="table-unit">' in html
        assert "Kalender lädt nicht" in html and "/console/inbox?unit=abfallwirtschaft" in html
        # Pages: the most "not helpful" answers first (each page has one in the period; then the lower mean).
        assert html.index(KALENDER) < html.index(SPERRMUELL + "<")

        csv = await staff.get("/console/trend.csv", params={"unit": "abfallwirtschaft", "days": "7"})
        lines = csv.content.decode("utf-8-sig").splitlines()
        assert lines[0].startswith("Tag;Antworten;Hilfreich ja;Hilfreich nein;Anteil hilfreich")
        assert len(lines) == 1 + 7
        yesterday = (datetime.now(BERLIN).date() - timedelta(days=1)).isoformat()
        assert f"{yesterday};2;1;1;50,0;2;4,00;0;0;1;0;1" in lines

        technical = await staff.get("/console/units/abfallwirtschaft",
                                    params={"days": "7", "category": "technical"})  # fmt: skip
        assert "1 (Veränderung: –)" in technical.text and "1,00" in technical.text
        sperrmuell = await staff.get("/console/trend.csv", params={"unit": "abfallwirtschaft", "days": "30",
                                                                   "prefix": SPERRMUELL})  # fmt: skip
        rows = [line.split(";") for line in sperrmuell.content.decode("utf-8-sig").splitlines()[1:]]
        assert sum(int(r[1]) for r in rows) == 3  # the three Sperrmüll responses of the last 30 days
        custom = await staff.get("/console/units/abfallwirtschaft", params={"from": "2026-02-01", "to": "2025-01-01"})
        assert custom.status_code == 422 and "endet vor seinem Beginn" in custom.text

        # For publication: four responses in 90 days are "< 5", with no share or mean.
        public = await staff.get("/console/overview.csv", params={"days": "90", "publish": "1"})
        assert public.content.decode("utf-8-sig").splitlines()[1:] == ["Abfallwirtschaftsbetrieb Musterstadt;< 5;;"]
        assert f"prefix={SPERRMUELL.replace(':', '%3A').replace('/', '%2F')}" in html  # per-page view link

        overview = await staff.get("/console/", params={"days": "90"})
        assert "4 (Veränderung: –)" not in overview.text and ">4<" in overview.text  # all four in 90 days
        assert 'aria-current="page">90 Tage' in overview.text
        assert "Auffälligkeiten" not in overview.text
    finally:
        await staff.aclose()


async def raise_alert(system: System, scope: str, key: str, unit: str, site: str | None) -> None:
    """A satisfaction alert as the evaluator publishes it, through Kafka; waits until it is projected."""
    at = datetime.now(UTC)
    reading = AlertReading(window_start=at - timedelta(hours=1), window_end=at, answers_helpful=8,
                           not_helpful_share=0.75, baseline_share=0.125, ratings=8, mean_rating=1.5,
                           baseline_mean=4.25)  # fmt: skip
    event = SatisfactionAlertRaisedV1(alert_id=alert_id(scope, key, 1), scope=scope, key=key, sequence=1,  # type: ignore[arg-type]
                                      org_unit=unit, site=site, at=at, reading=reading,
                                      reasons=("not_helpful_share", "mean_rating"))  # fmt: skip
    ((row, envelope),) = alerting.to_rows([event])
    producer = await start_producer(system.settings)
    try:
        await producer.send_and_wait(topic_name(ALERTS, system.settings.topic_prefix), envelope,
                                     key=f"{scope}|{key}".encode())  # fmt: skip
    finally:
        await producer.stop()
    conn = await asyncpg.connect(system.settings.database_url)
    try:
        for _ in range(150):
            if await conn.fetchval("SELECT raised FROM satisfaction_alert WHERE alert_id = $1", row.data.alert_id):
                return
            await asyncio.sleep(0.2)
        raise AssertionError("alert not projected")
    finally:
        await conn.close()


async def test_open_alerts_are_listed_for_the_units_that_may_see_them(system: System) -> None:
    await raise_alert(system, "page", SPERRMUELL, "abfallwirtschaft", "abfall")
    await raise_alert(system, "org_unit", "stadtwerke", "stadtwerke", None)
    add_staff(system, "abfall", "unit_staff", "abfallwirtschaft")
    add_staff(system, "pr", "analyst")
    staff, pr = await sign_in(system, "abfall"), await sign_in(system, "pr")
    try:
        overview = (await staff.get("/console/")).text
        assert "Auffälligkeiten" in overview and SPERRMUELL + "</a>" in overview
        assert "„nicht hilfreich“ 75 % (üblich 12 %), Bewertung 1,5 (üblich 4,2)" in overview
        assert "Stadtwerke" not in overview  # another unit's alert
        unit = (await staff.get("/console/units/abfallwirtschaft")).text
        assert "Auffälligkeiten" in unit and SPERRMUELL + "</a>" in unit
        everything = (await pr.get("/console/")).text
        assert SPERRMUELL + "</a>" in everything and "Stadtwerke Musterstadt (alle Seiten)</a>" in everything
    finally:
        await staff.aclose()
        await pr.aclose()
