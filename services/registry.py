"""The one registry of projections and consumer groups, and the event map derived from it.

A projection is a consumer that builds read models from one topic and can rebuild them: its consumer class (topic,
consumer group, decoding, projecting), the archive table of the events it applied (checked before a replay, and
the source of a restore into an empty broker), and the tables it owns (emptied before a replay). The projector
worker runs them, ``replay`` rebuilds them in this order (definitions before answers, texts before their
erasures), ``stadtstimme archive restore`` refills the topics from their archives, and the event map in
ARCHITECTURE.md is generated from them, the notifier's consumers and the aggregator (``event_map``), with the
producers the topics declare: a test checks both against the code.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

import asyncpg

from services.analytics import alerting, streams
from services.analytics.worker import (
    AlertProjector,
    BarrierProjector,
    ErasureProjector,
    MeasureProjector,
    OrgProjector,
    PageViewProjector,
    Projector,
    SurveyProjector,
    SurveyResponseProjector,
    TriageProjector,
)
from services.hackathon.projector import HackathonProjector
from services.notifier.service import CONSUMERS as NOTIFIER_CONSUMERS
from shared.consumer import OffsetConsumer
from shared.contracts.topics import FEEDBACK, SATISFACTION_METRICS, TOPICS, Topic
from shared.settings import Settings


@dataclass(frozen=True)
class Projection:
    consumer: type[OffsetConsumer]
    archive: str  # an SQL FROM item whose event_id column holds every archived event id
    restore: str  # SQL: key and envelope of every archived event, in the order they were first published
    owns: tuple[str, ...]  # the tables it writes: emptied, with its positions, before a replay

    @property
    def topic(self) -> Topic:
        return self.consumer.TOPIC

    @property
    def name(self) -> str:
        return self.consumer.NAME


PROJECTIONS: tuple[Projection, ...] = (
    Projection(  # first: feedback, surveys and page views name its units, sites and pages
        OrgProjector,
        "org_event",
        "SELECT 'org' AS key, envelope FROM org_event ORDER BY sequence",
        ("org_event", "org_unit", "site", "site_section", "page"),
    ),
    Projection(
        SurveyProjector,
        "survey_event",
        "SELECT survey_id AS key, envelope FROM survey_event ORDER BY survey_id, sequence",
        ("survey_event", "survey", "survey_version"),
    ),
    Projection(
        SurveyResponseProjector,
        "survey_response_event",
        "SELECT response_id::text AS key, envelope FROM survey_response_event ORDER BY received_at, event_id",
        (
            "survey_response_event",
            "survey_response",
            "survey_answer",
            # the results' rollups, kept by the same statements (migration 045)
            "survey_version_count",
            "survey_question_count",
            "survey_value_count",
            "survey_hour_count",
        ),
    ),
    Projection(
        Projector,
        "feedback_event",
        "SELECT page_url AS key, envelope FROM feedback_event ORDER BY received_at, event_id",
        (
            "feedback_event",
            "feedback_response",
            "page_satisfaction",
            "page_satisfaction_day",  # the pages' day rollup, kept by the same statement (migration 047)
            "org_unit_satisfaction",
            "comment_item",
            "comment_count",  # the inbox's counts, kept by triggers on comment_item and comment_triage (migration 046)
            "comment_count_page",  # the same by site, page and category too (migration 049)
        ),
    ),
    Projection(
        TriageProjector,
        "comment_triage_event",
        "SELECT response_id::text AS key, envelope FROM comment_triage_event ORDER BY response_id, sequence",
        ("comment_triage_event", "comment_triage", "comment_note"),
    ),
    Projection(
        AlertProjector,
        "satisfaction_alert_event",
        "SELECT scope || '|' || key AS key, envelope FROM satisfaction_alert_event ORDER BY scope, key, sequence, at",
        ("satisfaction_alert_event", "satisfaction_alert"),
    ),
    Projection(
        HackathonProjector,
        "(SELECT event_id FROM hackathon_event UNION ALL SELECT event_id FROM hackathon_budget_event) AS h",
        "SELECT key, envelope FROM (SELECT hackathon_id AS key, envelope, sequence FROM hackathon_event UNION ALL "
        "SELECT 'budget-' || year, envelope, sequence FROM hackathon_budget_event) AS h ORDER BY key, sequence",
        ("hackathon_event", "hackathon_budget_event"),  # personal data and join codes are not the topic's: they stay
    ),
    Projection(
        ErasureProjector,
        "erasure_event",
        "SELECT response_id::text AS key, envelope FROM erasure_event ORDER BY erased_at, event_id",
        ("erasure_event",),
    ),
    Projection(
        BarrierProjector,
        "(SELECT event_id FROM barrier_answer UNION ALL SELECT event_id FROM barrier_closing) AS b",
        "SELECT key, envelope FROM (SELECT response_id::text AS key, envelope, answered_at AS at, event_id FROM "
        "barrier_answer UNION ALL SELECT response_id::text, envelope, closed_at, event_id FROM barrier_closing) AS b "
        "ORDER BY at, event_id",
        ("barrier_answer", "barrier_closing"),
    ),
    Projection(
        PageViewProjector,
        "page_view_event",
        "SELECT site_id || '|' || day AS key, envelope FROM page_view_event ORDER BY sequence",
        ("page_view_event", "page_view_day", "page_view_daily"),
    ),
    Projection(  # after feedback: the effects it keeps for the published view count the feedback of the pages
        MeasureProjector,
        "measure_event",
        "SELECT measure_id::text AS key, envelope FROM measure_event ORDER BY sequence",
        ("measure_event", "measure", "measure_effect"),
    ),
)


async def run_projections(settings: Settings, pool: asyncpg.Pool, stop: asyncio.Event) -> None:
    """Every projection, as a member of its consumer group, and the satisfaction-alert evaluator (one instance
    evaluates at a time), until ``stop`` is set; one failing stops the others."""
    await asyncio.gather(
        *(p.consumer(settings, pool).run(stop) for p in PROJECTIONS), alerting.run(settings, pool, stop)
    )


async def reset(conn: asyncpg.Connection, projections: tuple[Projection, ...] = PROJECTIONS) -> None:
    """Empty what ``projections`` own and forget their positions (before they are rebuilt from their topics)."""
    async with conn.transaction():
        await conn.execute(f"TRUNCATE {', '.join(t for p in projections for t in p.owns)}")
        names = [p.name for p in projections]
        await conn.execute("DELETE FROM consumer_offset WHERE consumer = ANY($1::text[])", names)


@dataclass(frozen=True)
class Group:
    """A consumer group: its name (without the installation's prefix), the topic it reads, the process that runs
    it, and the module that defines it."""

    name: str
    topic: Topic
    process: str
    module: str


def consumer_groups() -> list[Group]:
    """Every consumer group of the code: the projections, the notifier's consumers, the faust aggregator."""
    groups = [Group(f"stadtstimme.{p.name}", p.topic, "stadtstimme worker projector", p.consumer.__module__)
              for p in PROJECTIONS]  # fmt: skip
    groups += [Group(f"stadtstimme.{c.NAME}", c.TOPIC, "stadtstimme notifier run", c.__module__)
               for c in NOTIFIER_CONSUMERS]  # fmt: skip
    groups.append(Group(streams.APP_NAME, FEEDBACK, "stadtstimme worker aggregator", streams.__name__))
    return groups


# Consumers outside the code: the compacted metrics topic is for the city's own analysts and BI tools.
EXTERNAL_CONSUMERS: dict[str, str] = {SATISFACTION_METRICS.name: "analysts' tools (no consumer in Stadtstimme)"}


def consumers_by_topic() -> dict[str, list[str]]:
    """Topic name -> its consumer groups (and external readers), for the AsyncAPI document and the docs."""
    found: dict[str, list[str]] = {t.name: [] for t in TOPICS}
    for g in consumer_groups():
        found[g.topic.name].append(g.name)
    for topic, who in EXTERNAL_CONSUMERS.items():
        found[topic].append(who)
    return found


def event_map_markdown() -> str:
    """The event map as a Markdown table (ARCHITECTURE.md, between its markers)."""
    consumers = consumers_by_topic()
    lines = ["| Topic | Key | Partitions (Land) | Producers | Consumer groups |", "|---|---|---|---|---|"]
    for t in TOPICS:
        key = t.key.replace("|", "\\|")
        producers = ", ".join(f"`{p}`" for p in t.producers)
        groups = ", ".join(f"`{c}`" if c.startswith("stadtstimme") else c for c in consumers[t.name])
        lines.append(f"| `{t.name}` | {key} | {t.landwide_partitions} | {producers} | {groups} |")
    return "\n".join(lines) + "\n"
