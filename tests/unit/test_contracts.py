import json
import secrets
from datetime import UTC, datetime
from uuid import uuid4

import jsonschema
import pytest

from services.registry import consumers_by_topic
from shared.contracts import (
    FEEDBACK_SUBMITTED,
    FEEDBACK_SUBMITTED_V1,
    FeedbackSubmittedV2,
    decode_envelope,
    encode_envelope,
)
from shared.contracts.export import SCHEMAS, write_all
from shared.contracts.feedback import FEEDBACK_SUBMITTED_V2, FeedbackSubmittedV3, decode_feedback_event
from shared.contracts.topics import EVENT_TYPES, TOPICS
from shared.shredding import seal

RESPONSE_ID = uuid4()
DATA = {
    "response_id": RESPONSE_ID,
    "site": "abfall",
    "page_url": "https://abfall.musterstadt.de/abfallkalender",
    "org_unit": "abfallwirtschaft",
    "helpful": True,
    "rating": None,
    "comment": None,
    "suggestion": None,
    "category": None,
    "language": "de",
    "flags": ("too_fast",),
    "received_at": datetime(2026, 11, 27, 8, 30, tzinfo=UTC),
}
DATA_V1 = {k: v for k, v in DATA.items() if k not in ("response_id", "flags")}


def test_envelope_round_trip_keeps_id_type_and_version() -> None:
    event_id = uuid4()
    raw = encode_envelope(FEEDBACK_SUBMITTED, event_id, "/stadtstimme/ingest", DATA["received_at"], DATA, "s")
    envelope, data = decode_envelope(raw, EVENT_TYPES)
    assert envelope.id == event_id
    assert (envelope.type, envelope.schemaversion, envelope.specversion) == (
        "de.stadtstimme.feedback.submitted",
        3,
        "1.0",
    )
    assert data.model_dump() == DATA


def test_encoded_event_matches_its_exported_json_schema() -> None:
    raw = encode_envelope(FEEDBACK_SUBMITTED, uuid4(), "/stadtstimme/ingest", DATA["received_at"], DATA)
    schema = json.loads((SCHEMAS / f"{FEEDBACK_SUBMITTED.name}.json").read_text())
    jsonschema.validate(json.loads(raw), schema)
    broken = json.loads(raw) | {"schemaversion": 1}
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(broken, schema)


def test_unknown_version_is_refused() -> None:
    raw = encode_envelope(FEEDBACK_SUBMITTED, uuid4(), "/x", DATA["received_at"], DATA)
    with pytest.raises(ValueError, match="unknown event type"):
        decode_envelope(raw.replace(b'"schemaversion":3', b'"schemaversion":9'), EVENT_TYPES)


def test_generated_contract_files_are_committed_and_current() -> None:
    assert write_all(consumers_by_topic(), check=True) == []


def test_every_topic_is_documented() -> None:
    for topic in TOPICS:
        assert topic.producers and topic.description and topic.events
        assert consumers_by_topic()[topic.name], f"{topic.name} has no consumer"


def test_v1_events_are_read_as_single_part_unflagged_v2_responses() -> None:
    event_id = uuid4()
    raw = encode_envelope(FEEDBACK_SUBMITTED_V1, event_id, "/x", DATA["received_at"], DATA_V1)
    envelope, data = decode_feedback_event(raw)
    assert isinstance(data, FeedbackSubmittedV2)
    assert (envelope.id, data.response_id, data.flags, data.helpful) == (event_id, event_id, (), True)
    current = encode_envelope(FEEDBACK_SUBMITTED, event_id, "/x", DATA["received_at"], DATA)
    assert decode_feedback_event(current)[1].response_id == RESPONSE_ID
    with pytest.raises(ValueError):
        decode_feedback_event(current.replace(b'"schemaversion":3', b'"schemaversion":9'))


def test_a_part_needs_some_answer() -> None:
    empty = DATA | {"helpful": None}
    with pytest.raises(ValueError, match="at least one of helpful"):
        FeedbackSubmittedV2.model_validate(empty)
    assert FeedbackSubmittedV2.model_validate(empty | {"comment": "Nur ein Kommentar"}).comment


def test_free_text_travels_sealed_in_v3_and_plain_v2_is_still_read() -> None:
    key = secrets.token_bytes(32)
    sealed = seal(key, RESPONSE_ID, "comment", "Frau Müller war freundlich.")
    current = encode_envelope(FEEDBACK_SUBMITTED, uuid4(), "/x", DATA["received_at"],
                              DATA | {"comment": sealed.model_dump(mode="json")})  # fmt: skip
    assert b"M\xc3\xbcller" not in current and "Müller".encode() not in current
    _, part = decode_feedback_event(current)
    assert isinstance(part, FeedbackSubmittedV3) and part.comment == sealed
    with pytest.raises(ValueError):  # plain text is no v3 comment
        decode_feedback_event(encode_envelope(FEEDBACK_SUBMITTED, uuid4(), "/x", DATA["received_at"],
                                              DATA | {"comment": "Klartext"}))  # fmt: skip
    legacy = encode_envelope(FEEDBACK_SUBMITTED_V2, uuid4(), "/x", DATA["received_at"], DATA | {"comment": "Alt"})
    _, old = decode_feedback_event(legacy)
    assert isinstance(old, FeedbackSubmittedV2) and old.comment == "Alt"
