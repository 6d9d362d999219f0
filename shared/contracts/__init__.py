"""Event contracts: the one place where every event, its topic and its schema version are defined.

Who produces and consumes what is listed in ``topics.py``; JSON Schemas and the AsyncAPI document are generated
from these models (``stadtstimme contracts export``) into ``schemas/`` and ``asyncapi.yaml``.
"""

from shared.contracts.envelope import SPECVERSION, Envelope, decode_envelope, encode_envelope
from shared.contracts.feedback import CATEGORIES, LANGUAGES, FEEDBACK_SUBMITTED, FeedbackSubmittedV1
from shared.contracts.topics import TOPICS, Topic, topic_name

__all__ = [
    "CATEGORIES",
    "FEEDBACK_SUBMITTED",
    "LANGUAGES",
    "SPECVERSION",
    "TOPICS",
    "Envelope",
    "FeedbackSubmittedV1",
    "Topic",
    "decode_envelope",
    "encode_envelope",
    "topic_name",
]
