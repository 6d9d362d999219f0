"""The demo city's hackathon for `make run`: "Musterstadt hackt <year>", open for registration, with three
challenges of the Abfallwirtschaft, the Bürgeramt and the Stadtwerke that cite the pages their citizens criticise
in the demo feedback. Created through the service's own commands once per installation (a restart finds it)."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import asyncpg
from aiokafka import AIOKafkaProducer
from pydantic import BaseModel

from services.hackathon import domain, service, store
from services.hackathon.domain import HackathonState
from shared.contracts.hackathon import ChallengePostedV1, HackathonCreatedV1, HackathonPhaseChangedV1
from shared.settings import Settings

ACTOR = "make run"
CHALLENGES: dict[str, dict[str, Any]] = {
    "abfallkalender": {
        "org_unit": "abfallwirtschaft",
        "title": "Abfallkalender, der mitdenkt",
        "problem": "Seit Tagen melden Bürgerinnen und Bürger, dass der Abfallkalender nicht lädt oder falsche "
        "Termine zeigt, und Sperrmülltermine lassen sich online kaum buchen.",
        "context": "Die Abfuhrtermine liegen als offene Daten vor; die Buchung von Sperrmüll läuft über ein "
        "Fachverfahren mit Schnittstelle.",
        "data_links": ["https://abfall.musterstadt.de/abfallkalender"],
        "contact": "Abfallwirtschaftsbetrieb, Team Digitales",
        "expected_outcome": "Ein Prototyp, der Termine zuverlässig zeigt und an Abfuhrtage erinnert, ohne Tracking.",
        "evidence": [{"page_url": "https://abfall.musterstadt.de/abfallkalender", "note": "Gemeldete Ladefehler"},
                     {"page_url": "https://abfall.musterstadt.de/sperrmuell"}],
    },
    "termine": {
        "org_unit": "buergeramt",
        "title": "Termine im Bürgeramt ohne Warten",
        "problem": "Online-Termine im Bürgeramt sind für Wochen ausgebucht, und wer absagt, gibt seinen Termin "
        "selten frei.",
        "contact": "Bürgeramt, Servicemanagement",
        "expected_outcome": "Ideen und ein Prototyp für eine fairere Terminvergabe.",
        "evidence": [{"page_url": "https://www.musterstadt.de/buergeramt/termine"},
                     {"theme": "Termin", "note": "Kommentare auf den Seiten des Bürgeramts"}],
    },
    "zaehlerstand": {
        "org_unit": "stadtwerke",
        "title": "Zählerstand melden in einer Minute",
        "problem": "Das Melden des Zählerstands bricht auf dem Handy oft ab.",
        "contact": "Stadtwerke, Kundenservice digital",
        "expected_outcome": "Ein barrierefreier Ablauf, der auch ohne Kundenkonto funktioniert.",
        "evidence": [{"page_url": "https://www.stadtwerke-musterstadt.de/kundenportal/zaehlerstand"}],
    },
}  # fmt: skip


def definition(today: datetime, timezone: str) -> dict[str, Any]:
    tz = ZoneInfo(timezone)

    def day(offset: int, hour: int = 9) -> str:
        return datetime.combine((today + timedelta(days=offset)).date(), time(hour), tz).isoformat()

    return {
        "year": today.year,
        "title": f"Musterstadt hackt {today.year}",
        "description": "Die Stadtverwaltung und ihre Eigenbetriebe stellen Aufgaben, die aus den Rückmeldungen "
        "der Bürgerinnen und Bürger entstanden sind. Teams entwickeln offene Lösungen; eine Jury vergibt Preise "
        "aus dem Jahresbudget von 10.000 €.",
        "schedule": [
            {"phase": "anmeldung_offen", "starts_at": day(0)},
            {"phase": "hackathon_laeuft", "starts_at": day(14)},
            {"phase": "einreichung_geschlossen", "starts_at": day(16, 18)},
            {"phase": "jurierung", "starts_at": day(17)},
            {"phase": "ergebnisse_veroeffentlicht", "starts_at": day(30)},
        ],
        "criteria": [
            {"id": "nutzen", "name": "Nutzen für die Stadtgesellschaft", "weight": 40},
            {"id": "umsetzbarkeit", "name": "Umsetzbarkeit", "weight": 30},
            {"id": "innovation", "name": "Innovation", "weight": 20},
            {"id": "praesentation", "name": "Qualität der Präsentation", "weight": 10},
        ],
        "max_team_size": 5,
        "community_vote": True,
    }


async def publish_demo_hackathon(settings: Settings, pool: asyncpg.Pool, producer: AIOKafkaProducer) -> str:
    """Create the demo hackathon unless it exists; its id."""
    now = datetime.now(UTC)
    hackathon_id = f"musterstadt-{now.year}"
    async with pool.acquire() as conn:
        if (await store.state(conn, hackathon_id)).created is not None:
            return hackathon_id

    async def run(model: type[BaseModel], decision: Any) -> None:
        async def decide(state: HackathonState, conn: asyncpg.Connection) -> tuple[type[BaseModel], dict[str, Any]]:
            return model, decision(state)

        await service.command(pool, producer, settings, hackathon_id, ACTOR, decide)

    data = definition(now, settings.timezone)
    await run(HackathonCreatedV1, lambda s: domain.create(s, data))
    await run(HackathonPhaseChangedV1, lambda s: domain.change_phase(s, "challenges_sammeln"))
    for challenge_id, fields in CHALLENGES.items():
        await run(ChallengePostedV1, lambda s, c=challenge_id, f=fields: domain.post_challenge(s, c, f))
    await run(HackathonPhaseChangedV1, lambda s: domain.change_phase(s, "anmeldung_offen"))
    return hackathon_id
