import json
from datetime import UTC, datetime
from uuid import uuid4

import jsonschema
import pytest

from shared.contracts import (
    FEEDBACK_SUBMITTED,
    FEEDBACK_SUBMITTED_V1,
    FeedbackSubmittedV2,
    decode_envelope,
    encode_envelope,
)
from shared.contracts.export import SCHEMAS, write_all
from shared.contracts.feedback import decode_feedback_event
from shared.contracts.topics import EVENT_TYPES, TOPICS

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
        2,
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
        decode_envelope(raw.replace(b'"schemaversion":2', b'"schemaversion":9'), EVENT_TYPES)


def test_generated_contract_files_are_committed_and_current() -> None:
    assert write_all(check=True) == []


def test_every_topic_is_documented() -> None:
    for topic in TOPICS:
        assert topic.producers and topic.consumers and topic.description and topic.events


def test_v1_events_are_read_as_single_part_unflagged_v2_responses() -> None:
    event_id = uuid4()
    raw = encode_envelope(FEEDBACK_SUBMITTED_V1, event_id, "/x", DATA["received_at"], DATA_V1)
    envelope, data = decode_feedback_event(raw)
    assert isinstance(data, FeedbackSubmittedV2)
    assert (envelope.id, data.response_id, data.flags, data.helpful) == (event_id, event_id, (), True)
    current = encode_envelope(FEEDBACK_SUBMITTED, event_id, "/x", DATA["received_at"], DATA)
    assert decode_feedback_event(current)[1].response_id == RESPONSE_ID
    with pytest.raises(ValueError):
        decode_feedback_event(current.replace(b'"schemaversion":2', b'"schemaversion":3'))


def test_a_part_needs_some_answer() -> None:
    empty = DATA | {"helpful": None}
    with pytest.raises(ValueError, match="at least one of helpful"):
        FeedbackSubmittedV2.model_validate(empty)
    assert FeedbackSubmittedV2.model_validate(empty | {"comment": "Nur ein Kommentar"}).comment
