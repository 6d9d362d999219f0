"""Survey commands (define, publish a new version, change status) and results, for the admin API and the CLI.

A command runs under a per-survey advisory lock in one transaction: read the state, plan the events
(``survey_domain.plan``), publish them to Kafka with acks=all, and apply them to the read model through the
same function the projector uses. The topic stays the source of truth (a replay rebuilds the same tables);
writing through only means staff see their change at once, without waiting for the projector.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any

import asyncpg
import orjson
import yaml
from aiokafka import AIOKafkaProducer

from services.analytics import pageviews, survey_store
from services.analytics.survey_domain import PlannedEvent, answer_label, completion_rate, plan, question_result
from services.analytics.survey_store import LifecycleRow
from shared import formats
from shared.access import check_units
from shared.auth import Account
from shared.contracts.envelope import encode_envelope
from shared.contracts.surveys import Status, SurveyDefinition
from shared.contracts.topics import SURVEYS, topic_name
from shared.settings import Settings
from shared.spreadsheet import to_csv

SOURCE = "/stadtstimme/analytics/surveys"


class SurveySpec(SurveyDefinition):
    """One survey in a YAML file for ``stadtstimme surveys apply``: the definition, and the status it should
    have (left out: the status stays as it is; a new survey starts as a draft)."""

    status: Status | None = None

    def definition(self) -> SurveyDefinition:
        return SurveyDefinition.model_validate(self.model_dump(exclude={"status"}))


def spec_yaml(definition: SurveyDefinition, status: str | None) -> str:
    """A survey as a YAML file for ``stadtstimme surveys apply``: applying it to the survey as it is changes
    nothing (values left at their defaults are left out; ``load_documents(…, SurveySpec)`` reads them back)."""
    body = definition.model_dump(mode="json", exclude_defaults=True)
    ordered = {"id": body.pop("id"), "org_unit": body.pop("org_unit")}
    if status is not None:
        ordered["status"] = status
    return yaml.safe_dump(ordered | body, sort_keys=False, allow_unicode=True, width=110)


def org_problems(spec: SurveyDefinition, units: Iterable[str], sites: Iterable[str]) -> list[str]:
    """What a definition names that the org model does not know (checked before anything is published)."""
    problems = []
    if spec.org_unit not in set(units):
        problems.append(f"org_unit: unknown org unit {spec.org_unit!r}")
    known = set(sites)
    problems += [f"targeting.sites: unknown site {site!r}" for site in spec.targeting.sites if site not in known]
    return problems


async def execute(
    pool: asyncpg.Pool,
    producer: AIOKafkaProducer,
    settings: Settings,
    survey_id: str,
    definition: SurveyDefinition | None,
    status: str | None,
    actor: str,
    account: Account | None = None,
    at: datetime | None = None,
) -> list[PlannedEvent]:
    """Bring survey ``survey_id`` to ``definition`` and ``status`` (None: unchanged); the events published.
    ``at``: when it happened, if not now (the demo city's surveys have been running for weeks).

    ``account``: the staff member asking, checked under the survey's lock against the survey as it is and as it
    will be (``surveys.define`` for a definition, else ``surveys.status``); None for the operator's command line.
    Raises ``Refusal`` (nothing published): ``InvalidCommand`` when the lifecycle forbids it, 404/403 when the
    account may not."""
    topic = topic_name(SURVEYS, settings.topic_prefix)
    async with pool.acquire() as conn, conn.transaction():
        await conn.execute("SELECT pg_advisory_xact_lock(hashtext('stadtstimme.survey'), hashtext($1))", survey_id)
        current = await survey_store.load_state(conn, survey_id)
        if account is not None:
            permission = "surveys.define" if definition is not None else "surveys.status"
            check_units(account, permission, current.definition.org_unit if current else None,
                        definition.org_unit if definition else None)  # fmt: skip
        events = plan(current, definition, status, at or datetime.now(UTC), actor)
        rows = []
        for event in events:
            data = event.data.model_dump(mode="json")
            envelope = encode_envelope(event.event_type, event.event_id, SOURCE, event.time, data, subject=survey_id)
            async with asyncio.timeout(settings.kafka_send_timeout_s):
                await producer.send_and_wait(topic, envelope, key=survey_id.encode())
            rows.append(LifecycleRow(event.event_id, event.data, envelope.decode()))
        await survey_store.apply_lifecycle(conn, rows)
    return events


async def results(conn: asyncpg.Connection, survey_id: str, version: int, timezone: str) -> dict[str, Any] | None:
    """The results of one version: responses, completion, dismissals per day and figures per question."""
    definition = await survey_store.version_definition(conn, survey_id, version)
    if definition is None:
        return None
    text_ids = [q.id for q in definition.questions if q.type == "text"]
    raw = await survey_store.result_rows(conn, survey_id, version, timezone, text_ids)
    counts: dict[str, list[tuple[Any, int]]] = {}
    for r in raw["values"]:
        value = orjson.loads(r["value"])
        counts.setdefault(r["question_id"], []).append((tuple(value) if isinstance(value, list) else value, r["n"]))
    texts: dict[str, list[dict[str, Any]]] = {}
    for r in raw["texts"]:
        texts.setdefault(r["question_id"], []).append(
            {"text": r["text"], "answered_at": r["answered_at"], "page_url": r["page_url"]}
        )
    questions = []
    for q in definition.questions:
        if q.type == "text":
            item: dict[str, Any] = {"id": q.id, "type": q.type, "text": q.text.model_dump()}
            item["answers"] = raw["answered"].get(q.id, 0)
            item["texts"] = texts.get(q.id, [])
        else:
            item = question_result(q, counts.get(q.id, []))
        item["required"] = q.required
        questions.append(item)
    totals = raw["totals"]
    responses = totals["responses"]
    last = definition.questions[-1].id
    shown_from, shown_until = await survey_store.version_span(conn, survey_id, version)
    estimate = await pageviews.exposure(conn, definition, shown_from, shown_until, responses,
                                        totals["dismissals"], timezone)  # fmt: skip
    return {
        "survey_id": survey_id,
        "version": version,
        "title": definition.title.model_dump(),
        "org_unit": definition.org_unit,
        "responses": responses,
        "completed": raw["answered"].get(last, 0),
        "completion_rate": completion_rate(responses, raw["answered"].get(last, 0)),
        "dismissals": totals["dismissals"],
        "dismissed_without_answer": totals["dismissed_unanswered"],
        "days": [{"day": r["day"], "answered": r["answered"], "dismissed": r["dismissed"]} for r in raw["days"]],
        "exposure": estimate,
        "questions": questions,
    }


def results_csv(result: dict[str, Any], definition: SurveyDefinition) -> str:
    """The results as a German spreadsheet CSV: one row per question and answer (counts and shares), then the
    free-text answers. Cells are neutralised against formula injection (``shared.spreadsheet``)."""
    rows = [["Frage-ID", "Frage", "Antwort", "Anzahl", "Anteil"]]
    for q in result["questions"]:
        if q["type"] == "text":
            for t in q["texts"]:
                rows.append([q["id"], q["text"]["de"], t["text"], "", ""])
            continue
        for entry in q["distribution"]:
            share = entry["count"] / q["answers"] if q["answers"] else 0.0
            question = definition.question(q["id"])
            label = answer_label(question, entry["value"]) if question else str(entry["value"])
            rows.append([q["id"], q["text"]["de"], label, str(entry["count"]), formats.spreadsheet(share, 4)])
    return to_csv(rows)
