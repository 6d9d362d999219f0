"""The demo city's measure for `make run`: the Bürgeramt put last year's winning hackathon solution ("Termin-Radar":
the waiting time on the appointments page) live 45 days ago, and citizens have liked the page better since. The
measure is recorded and published on /wirkung through the console's own commands, so the console, the public page,
its feed, the open data and the hackathon's results page show its before/after figures.

Besides the 90 days of demo feedback (``demo_feedback``), the page gets satisfied responses after the go-live
(deterministic: fixed seed, event ids derived from it) published as ordinary ``FeedbackSubmitted`` events. Once per
installation: a restart finds the measure.
"""

from __future__ import annotations

import random
import uuid
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import asyncpg
from aiokafka import AIOKafkaProducer

from services.analytics import measure_store, measures
from services.analytics.measure_domain import Measure
from services.hackathon import store
from shared.auth import Account
from shared.contracts.envelope import encode_envelope
from shared.contracts.feedback import FEEDBACK_SUBMITTED
from shared.settings import Settings
from stadtstimme.demo_past_hackathon import hackathon_id

NAMESPACE = uuid.UUID("0f6d3c1e-2b4a-4e8f-9c7d-5a1b2c3d4e5f")
MEASURE_ID = uuid.uuid5(NAMESPACE, "termin-radar")
PAGE = "https://www.musterstadt.de/buergeramt/termine"
LIVE_DAYS_AGO = 45
TEAM = "Termin-Radar"
SOURCE = "/stadtstimme/demo"
# Who records it: the demo's administration, acting through the console's commands.
DEMO_STAFF = Account(uuid.UUID(int=0), "make run", "make run", "administrator", ())


def after_events(today: date, timezone: str) -> list[tuple[bytes, bytes]]:
    """Satisfied responses on the appointments page on each day since the go-live (up to yesterday)."""
    rnd = random.Random(20261207)
    tz = ZoneInfo(timezone)
    out = []
    for days_ago in range(LIVE_DAYS_AGO, 0, -1):
        day = today - timedelta(days=days_ago)
        for n in range(rnd.choice((1, 2, 2, 3))):
            at = datetime.combine(day, time(rnd.randint(7, 21), rnd.randint(0, 59)), tz).astimezone(UTC)
            rating = max(1, min(5, round(rnd.gauss(4.3, 0.7))))
            event_id = uuid.uuid5(NAMESPACE, f"{days_ago}-{n}")
            data: dict[str, Any] = {
                "response_id": str(event_id), "site": "portal", "page_url": PAGE, "org_unit": "buergeramt",
                "helpful": rating >= 3, "rating": rating, "comment": None, "suggestion": None, "category": None,
                "language": "de", "flags": [], "received_at": at,
            }  # fmt: skip
            out.append((PAGE.encode(), encode_envelope(FEEDBACK_SUBMITTED, event_id, SOURCE, at, data)))
    return out


def event_count(today: date) -> int:
    """The events the demo measure adds: its feedback, the measure saved and published."""
    return len(after_events(today, "UTC")) + 2


async def publish_demo_measure(
    settings: Settings, pool: asyncpg.Pool, producer: AIOKafkaProducer, today: date, feedback_topic: str
) -> uuid.UUID | None:
    """Publish the feedback since the go-live to ``feedback_topic`` (the installation's feedback topic, named by its
    producer ``stadtstimme.embedded``), then record and publish the measure, unless it exists."""
    async with pool.acquire() as conn:
        if await measure_store.fetch(conn, MEASURE_ID) is not None:
            return None
        state = await store.state(conn, hackathon_id(today.year - 1))
    submission = next((s.submission_id for s in state.submissions.values()
                       if (team := state.teams.get(s.team_id)) is not None and team.name == TEAM), None)  # fmt: skip
    for key, value in after_events(today, settings.timezone):
        await producer.send(feedback_topic, value, key=key)
    await producer.flush()
    measure = Measure(
        measure_id=MEASURE_ID,
        org_unit="buergeramt",
        title_de="Wartezeit im Bürgeramt auf der Terminseite",
        title_en="Waiting time at the citizens' office on the appointments page",
        description_de="Die Terminseite zeigt jetzt, wie lange man ohne Termin im Bürgeramt wartet und wann die "
        "nächsten Online-Termine frei werden. Umgesetzt aus der Siegerlösung „Termin-Radar“ des Hackathons.",
        description_en="The appointments page now shows how long the wait without an appointment is and when the "
        "next online appointments become free. Built from the winning hackathon solution “Termin-Radar”.",
        live_on=today - timedelta(days=LIVE_DAYS_AGO),
        pages=(PAGE,),
        theme="Termine im Bürgeramt",
        hackathon_id=hackathon_id(today.year - 1) if submission is not None else None,
        challenge_id="wartezeiten" if submission is not None else None,
        submission_id=submission,
    )
    await measures.save(pool, producer, settings, DEMO_STAFF, measure, 0)
    await measures.set_published(pool, producer, settings, DEMO_STAFF, MEASURE_ID, True, 1)
    return MEASURE_ID
