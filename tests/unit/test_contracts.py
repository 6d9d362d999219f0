import json
from datetime import UTC, datetime
from uuid import uuid4

import jsonschema
import pytest

from shared.contracts import FEEDBACK_SUBMITTED, decode_envelope, encode_envelope
from shared.contracts.export import SCHEMAS, write_all
from shared.contracts.topics import EVENT_TYPES, TOPICS

DATA = {
    "site": "abfall",
    "page_url": "https://abfall.musterstadt.de/abfallkalender",
    "org_unit": "abfallwirtschaft",
    "helpful": True,
    "rating": None,
    "comment": None,
    "suggestion": None,
    "category": None,
    "language": "de",
    "received_at": datetime(2026, 11, 27, 8, 30, tzinfo=UTC),
}


def test_envelope_round_trip_keeps_id_type_and_version() -> None:
    event_id = uuid4()
    raw = encode_envelope(FEEDBACK_SUBMITTED, event_id, "/stadtstimme/ingest", DATA["received_at"], DATA, "s")
    envelope, data = decode_envelope(raw, EVENT_TYPES)
    assert envelope.id == event_id
    assert (envelope.type, envelope.schemaversion, envelope.specversion) == (
        "de.stadtstimme.feedback.submitted",
        1,
        "1.0",
    )
    assert data.model_dump() == DATA


def test_encoded_event_matches_its_exported_json_schema() -> None:
    raw = encode_envelope(FEEDBACK_SUBMITTED, uuid4(), "/stadtstimme/ingest", DATA["received_at"], DATA)
    schema = json.loads((SCHEMAS / f"{FEEDBACK_SUBMITTED.name}.json").read_text())
    jsonschema.validate(json.loads(raw), schema)
    broken = json.loads(raw) | {"schemaversion": 2}
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(broken, schema)


def test_unknown_version_is_refused() -> None:
    raw = encode_envelope(FEEDBACK_SUBMITTED, uuid4(), "/x", DATA["received_at"], DATA)
    with pytest.raises(ValueError, match="unknown event type"):
        decode_envelope(raw.replace(b'"schemaversion":1', b'"schemaversion":9'), EVENT_TYPES)


def test_generated_contract_files_are_committed_and_current() -> None:
    assert write_all(check=True) == []


def test_every_topic_is_documented() -> None:
    for topic in TOPICS:
        assert topic.producers and topic.consumers and topic.description and topic.events
