"""Topics: names, events, partition keys, retention and the modules that produce them. Defined here and nowhere
else. Who consumes each topic follows from the consumers themselves (``services.registry``); a test checks the
producers named here against the code."""

from __future__ import annotations

from dataclasses import dataclass

from shared.contracts.alerts import ALERT_EVENT_TYPES
from shared.contracts.barriers import BARRIER_EVENT_TYPES
from shared.contracts.envelope import EventType
from shared.contracts.erasure import ERASURE_EVENT_TYPES
from shared.contracts.feedback import FEEDBACK_SUBMITTED, FEEDBACK_SUBMITTED_V1, FEEDBACK_SUBMITTED_V2
from shared.contracts.hackathon import HACKATHON_EVENT_TYPES
from shared.contracts.measures import MEASURE_EVENT_TYPES
from shared.contracts.metrics import SATISFACTION_AGGREGATE_UPDATED
from shared.contracts.org import ORG_EVENT_TYPES
from shared.contracts.pageviews import PAGE_VIEW_EVENT_TYPES
from shared.contracts.reports import REPORT_EVENT_TYPES
from shared.contracts.sdg import SDG_EVENT_TYPES
from shared.contracts.surveys import (
    SURVEY_RESPONSE_SUBMITTED,
    SURVEY_RESPONSE_SUBMITTED_V1,
    SURVEY_STATUS_CHANGED,
    SURVEY_VERSION_PUBLISHED,
)
from shared.contracts.triage import TRIAGE_EVENT_TYPES


@dataclass(frozen=True)
class Topic:
    name: str
    events: tuple[EventType, ...]
    key: str  # which attribute is the partition key, in words, for docs and producers
    retention_ms: int  # -1: kept forever (the event log is the source of truth)
    cleanup_policy: str
    producers: tuple[str, ...]  # the modules that publish to it
    description: str
    # Partitions for a Land-wide service (hundreds of municipalities, ~1,000 events/s at peak): the most instances
    # of one consumer that can work at once. A city's installation runs well with `topic_partitions` (6).
    landwide_partitions: int = 6

    def config(self) -> dict[str, str]:
        return {"retention.ms": str(self.retention_ms), "cleanup.policy": self.cleanup_policy}


FEEDBACK = Topic(
    name="stadtstimme.feedback.v1",
    events=(FEEDBACK_SUBMITTED_V1, FEEDBACK_SUBMITTED_V2, FEEDBACK_SUBMITTED),
    key="page_url",
    retention_ms=-1,
    cleanup_policy="delete",
    producers=("services.ingest.service", "stadtstimme.embedded"),
    description="Every accepted citizen feedback. Kept forever: read models are rebuilt from it.",
    landwide_partitions=24,
)

SATISFACTION_METRICS = Topic(
    name="stadtstimme.metrics.satisfaction.v1",
    events=(SATISFACTION_AGGREGATE_UPDATED,),
    key="scope|key|granularity|bucket_start",
    retention_ms=-1,
    cleanup_policy="compact",
    producers=("services.analytics.streams",),
    description=(
        "Satisfaction per page and per org unit, per hour and per day. Each message is the full current "
        "state of one bucket: keep the latest per key (compacted). Stream figures, at-least-once: the exact "
        "figures are the PostgreSQL read models."
    ),
    landwide_partitions=12,
)

SURVEYS = Topic(
    name="stadtstimme.surveys.v1",
    events=(SURVEY_VERSION_PUBLISHED, SURVEY_STATUS_CHANGED),
    key="survey_id",
    retention_ms=-1,
    cleanup_policy="delete",
    producers=("services.analytics.surveys",),
    description=(
        "Survey definitions (immutable versions) and lifecycle changes, in order per survey. Kept forever: "
        "the survey tables are rebuilt from it."
    ),
    landwide_partitions=3,
)

SURVEY_RESPONSES = Topic(
    name="stadtstimme.survey-responses.v1",
    events=(SURVEY_RESPONSE_SUBMITTED_V1, SURVEY_RESPONSE_SUBMITTED),
    key="response_id",
    retention_ms=-1,
    cleanup_policy="delete",
    producers=("services.ingest.service",),
    description="Every accepted survey answer and dismissal. Kept forever: survey results are rebuilt from it.",
    landwide_partitions=12,
)

COMMENT_TRIAGE = Topic(
    name="stadtstimme.comment-triage.v1",
    events=TRIAGE_EVENT_TYPES,
    key="response_id",
    retention_ms=-1,
    cleanup_policy="delete",
    producers=("services.analytics.triage",),
    description=(
        "What staff did with each comment (status, assignment, tags, notes, spam verdicts), in order per "
        "comment. Kept forever: the inbox is rebuilt from it and the feedback topic."
    ),
    landwide_partitions=6,
)

ALERTS = Topic(
    name="stadtstimme.alerts.v1",
    events=ALERT_EVENT_TYPES,
    key="scope|key",
    retention_ms=-1,
    cleanup_policy="delete",
    producers=("services.analytics.alerting",),
    description=(
        "Satisfaction alerts raised and resolved per page and per org unit, in order per scope. Kept forever: "
        "the alert history is rebuilt from it."
    ),
    landwide_partitions=6,
)

HACKATHON = Topic(
    name="stadtstimme.hackathon.v1",
    events=HACKATHON_EVENT_TYPES,
    key="hackathon_id (budget-<year> for budget changes)",
    retention_ms=-1,
    cleanup_policy="delete",
    producers=("services.hackathon.service",),
    description=(
        "Everything that happens in a civic hackathon (phases, challenges, teams, submissions, jury, prizes), in "
        "order per hackathon; no names or e-mail addresses. Kept forever: the hackathon is rebuilt from it."
    ),
    landwide_partitions=3,
)

ERASURES = Topic(
    name="stadtstimme.erasures.v1",
    events=ERASURE_EVENT_TYPES,
    key="response_id",
    retention_ms=-1,
    cleanup_policy="delete",
    producers=("shared.shredding",),
    description=(
        "Erasures of citizens' free text (by the citizen's deletion code, by staff, by the retention job): the "
        "text's data key is gone already; the read models drop their plain copies. No text, no personal data. "
        "Kept forever: a replay erases again what was erased."
    ),
    landwide_partitions=6,
)

PAGE_VIEWS = Topic(
    name="stadtstimme.pageviews.v1",
    events=PAGE_VIEW_EVENT_TYPES,
    key="site_id|day",
    retention_ms=-1,
    cleanup_policy="delete",
    producers=("services.analytics.pageviews",),
    description=(
        "Page views per page and day from the city's web analytics (console upload, command line, scheduled Matomo "
        "import); an import replaces the site's day. Kept forever: the page views are rebuilt from it."
    ),
    landwide_partitions=6,
)

ORG = Topic(
    name="stadtstimme.org.v1",
    events=ORG_EVENT_TYPES,
    key="org",
    retention_ms=-1,
    cleanup_policy="delete",
    producers=("services.analytics.org",),
    description=(
        "The organisation model: org units, sites with their origins and sections, pages with their titles, each "
        "event the whole state of one of them, as staff saved it in the console or `stadtstimme org apply` loaded "
        "it. Nothing is deleted. Kept forever: the org tables are rebuilt from it."
    ),
    landwide_partitions=1,
)

REPORTS = Topic(
    name="stadtstimme.reports.v1",
    events=REPORT_EVENT_TYPES,
    key="scope",
    retention_ms=400 * 24 * 3600 * 1000,
    cleanup_policy="delete",
    producers=("services.analytics.reports",),
    description=(
        "The monthly report of each org unit and of the city, for the notifier to mail. Kept 400 days: a report "
        "is made anew from the read models at any time."
    ),
    landwide_partitions=3,
)

MEASURES = Topic(
    name="stadtstimme.measures.v1",
    events=MEASURE_EVENT_TYPES,
    key="measure_id",
    retention_ms=-1,
    cleanup_policy="delete",
    producers=("services.analytics.measures",),
    description=(
        "Measures staff recorded (what changed on which pages, when it went live, where it came from), each saved "
        "event the whole measure with its revision, and their publication on the public page /wirkung. Kept "
        "forever: the measures are rebuilt from it."
    ),
    landwide_partitions=3,
)

SDG = Topic(
    name="stadtstimme.sdg.v1",
    events=SDG_EVENT_TYPES,
    key="month",
    retention_ms=-1,
    cleanup_policy="delete",
    producers=("services.analytics.sdg",),
    description=(
        "The monthly SDG/NFK transfer of SDG-relevant feedback: each month's transfer stored (its id, record count "
        "and content hash; the records are in sdg_transfer), then each delivery run delivered or failed. Kept "
        "forever: it is the record of a legal duty."
    ),
    landwide_partitions=1,
)

BARRIERS = Topic(
    name="stadtstimme.barriers.v1",
    events=BARRIER_EVENT_TYPES,
    key="response_id",
    retention_ms=-1,
    cleanup_policy="delete",
    producers=("services.analytics.barriers",),
    description=(
        "What the accessibility officer's team did with barrier reports (answers sent), in order per report; the "
        "answer and the reporter's address only sealed with the report's data key. Kept forever: the answers are "
        "rebuilt from it, and erasing the report's key makes them unreadable."
    ),
    landwide_partitions=3,
)

TOPICS: tuple[Topic, ...] = (
    FEEDBACK,
    SATISFACTION_METRICS,
    SURVEYS,
    SURVEY_RESPONSES,
    COMMENT_TRIAGE,
    ALERTS,
    HACKATHON,
    ERASURES,
    PAGE_VIEWS,
    ORG,
    REPORTS,
    MEASURES,
    SDG,
    BARRIERS,
)
EVENT_TYPES: dict[tuple[str, int], EventType] = {(e.type, e.version): e for t in TOPICS for e in t.events}


def topic_name(topic: Topic, prefix: str = "") -> str:
    """The topic's name on the broker, namespaced by the installation's ``topic_prefix``."""
    return f"{prefix}{topic.name}"
