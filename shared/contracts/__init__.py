"""Event contracts: the one place where every event, its topic and its schema version are defined.

Who produces and consumes what is listed in ``topics.py``; JSON Schemas and the AsyncAPI document are generated
from these models (``stadtstimme contracts export``) into ``schemas/`` and ``asyncapi.yaml``.
"""

from shared.contracts.envelope import SPECVERSION, Envelope, decode_envelope, encode_envelope
from shared.contracts.feedback import (
    CATEGORIES,
    FEEDBACK_SUBMITTED,
    FEEDBACK_SUBMITTED_V1,
    FLAGS,
    LANGUAGES,
    FeedbackSubmittedV1,
    FeedbackSubmittedV2,
    upcast_feedback,
)
from shared.contracts.metrics import (
    SATISFACTION_AGGREGATE_UPDATED,
    SatisfactionAggregateUpdatedV1,
    aggregate_event_id,
    aggregate_key,
)
from shared.contracts.topics import SATISFACTION_METRICS, TOPICS, Topic, topic_name

__all__ = [
    "CATEGORIES",
    "FEEDBACK_SUBMITTED",
    "FEEDBACK_SUBMITTED_V1",
    "FLAGS",
    "LANGUAGES",
    "SATISFACTION_AGGREGATE_UPDATED",
    "SATISFACTION_METRICS",
    "SPECVERSION",
    "TOPICS",
    "Envelope",
    "FeedbackSubmittedV1",
    "FeedbackSubmittedV2",
    "SatisfactionAggregateUpdatedV1",
    "Topic",
    "aggregate_event_id",
    "aggregate_key",
    "decode_envelope",
    "encode_envelope",
    "topic_name",
    "upcast_feedback",
]
