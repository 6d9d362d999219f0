"""``feedback_fields``: the projector reads current feedback events through msgspec structs that mirror the
pydantic models. Whatever the structs read, the models must accept and read alike; what the models reject must
raise; and the events ingest writes must take the fast way, or it would save nothing."""

from __future__ import annotations

import copy
import json
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import orjson
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from shared.contracts import FEEDBACK_SUBMITTED, encode_envelope
from shared.contracts.feedback import (
    _DECODE_V3,
    FEEDBACK_SUBMITTED_V2,
    FeedbackFields,
    decode_feedback_event,
    feedback_fields,
)
from shared.shredding import NewKeys

KEYS = NewKeys("feedback")
RECEIVED = datetime(2026, 10, 25, 0, 30, 12, 345678, tzinfo=UTC)


def event(**changes: Any) -> dict[str, Any]:
    """A v3 event as ingest writes it (texts sealed), as a JSON document."""
    event_id = uuid.uuid4()
    data: dict[str, Any] = {
        "response_id": str(event_id), "site": "abfall", "page_url": "https://abfall.musterstadt.de/sperrmuell",
        "org_unit": "abfallwirtschaft", "helpful": True, "rating": 4,
        "comment": KEYS.seal(event_id, "comment", "Termin nicht buchbar"),
        "suggestion": None, "category": "service", "language": "de", "flags": ["too_fast"],
        "received_at": RECEIVED,
    }  # fmt: skip
    data.update(changes)
    raw = encode_envelope(FEEDBACK_SUBMITTED, event_id, "/stadtstimme/ingest", RECEIVED, data, subject=data["page_url"])
    document: dict[str, Any] = orjson.loads(raw)
    return document


def by_the_models(raw: bytes) -> FeedbackFields | None:
    try:
        envelope, data = decode_feedback_event(raw)
    except ValueError:
        return None
    return FeedbackFields(
        envelope.id, data.response_id, data.site, data.page_url, data.org_unit, data.helpful, data.rating,
        data.comment, data.suggestion, data.category, data.language, tuple(data.flags), data.received_at,
    )  # fmt: skip


def fast(raw: bytes) -> bool:
    try:
        _DECODE_V3.decode(raw)
        return True
    except Exception:
        return False


def agrees(raw: bytes) -> None:
    """``feedback_fields`` reads exactly what the models read, and raises where they do."""
    slow = by_the_models(raw)
    if slow is None:
        with pytest.raises(ValueError):
            feedback_fields(raw)
        assert not fast(raw) or _DECODE_V3.decode(raw).data is not None  # refused later by the rule, if at all
        return
    got = feedback_fields(raw)
    assert got == slow, (got, slow)
    assert got.received_at.utcoffset() == slow.received_at.utcoffset()


def test_the_events_ingest_writes_take_the_fast_way_and_read_as_the_models_read_them() -> None:
    cases = [
        event(),
        event(comment=None, category=None, flags=[], rating=None),  # the one-click answer
        event(helpful=None, rating=None, category="accessibility_barrier"),  # a barrier report on its own
        event(language="en", suggestion=KEYS.seal(uuid.uuid4(), "suggestion", "Mehr Termine"), helpful=False),
        event(received_at=RECEIVED.replace(microsecond=0) + timedelta(hours=2)),
    ]
    for document in cases:
        raw = orjson.dumps(document)
        assert fast(raw), document
        agrees(raw)


def test_what_the_structs_refuse_the_models_decide() -> None:
    base = event()
    for document in [
        {**base, "schemaversion": "3"},  # the models coerce it
        {**base, "data": {**base["data"], "rating": 4.0}},
        {**base, "data": {**base["data"], "received_at": "2026-10-25T00:30:12"}},  # naive: the models take it
    ]:
        raw = orjson.dumps(document)
        assert not fast(raw)
        agrees(raw)
        assert feedback_fields(raw) == by_the_models(raw) is not None
    for document in [
        {**base, "extra": 1},
        {**base, "data": {**base["data"], "rating": 6}},
        {**base, "data": {**base["data"], "helpful": None, "rating": None, "comment": None, "category": None}},
        {k: v for k, v in base.items() if k != "time"},
    ]:
        with pytest.raises(ValueError):
            feedback_fields(orjson.dumps(document))
    with pytest.raises(ValueError):
        feedback_fields(b"{not json")
    # An older version is the models' (read as v2), plain text and all.
    data = dict(base["data"]) | {"comment": "Klartext"}
    v2 = encode_envelope(FEEDBACK_SUBMITTED_V2, uuid.uuid4(), "/stadtstimme/ingest", RECEIVED, data)
    assert feedback_fields(v2).comment == "Klartext"


def with_change(path: tuple[str, ...], key: str, value: Any) -> bytes:
    document = event()
    target = document
    for step in path:
        target = target[step]
    target[key] = value
    return json.dumps(document, separators=(",", ":")).encode()


@pytest.mark.parametrize(
    ("path", "key", "value"),
    [
        (("data", "comment"), "nonce", "A" * 16 + "\n"),  # a pattern's $ would let the newline through
        (("data", "comment"), "ciphertext", "A" * 22 + "\n"),
        (("data", "comment"), "ciphertext", "A" * 21 + "="),
        (("data", "comment"), "key_id", str(uuid.UUID(int=5)).upper()),
        (("data", "comment"), "other", 1),
        (("data",), "received_at", "2026-10-25T00:30:12.1234567+00:00"),
        (("data",), "received_at", "2026-10-25T00:30:12.9999999+00:00"),
        (("data",), "received_at", "2026-10-25 00:30:12+00:00"),
        (("data",), "received_at", "2026-10-25t00:30:12z"),
        (("data",), "received_at", "2026-10-25T23:59:60+00:00"),
        (("data",), "received_at", "2026-10-25T00:30+00:00"),
        (("data",), "received_at", "2026-10-25T00:30:12+0200"),
        (("data",), "response_id", uuid.UUID(int=3).hex),
        (("data",), "response_id", "{" + str(uuid.UUID(int=2)) + "}"),
        (("data",), "site", "x" * 65),
        (("data",), "site", "\ud800"),
        (("data",), "page_url", "é" * 2048),
        (("data",), "flags", ["too_fast", "too_fast"]),
        (("data",), "language", "fr"),
        ((), "id", "urn:uuid:" + str(uuid.UUID(int=4))),
        ((), "specversion", "1.0\n"),
        ((), "time", "2026-10-25T00:30:12"),
    ],
)
def test_edge_cases_are_read_as_the_models_read_them(path: tuple[str, ...], key: str, value: Any) -> None:
    agrees(with_change(path, key, value))


JSON = st.recursive(
    st.none() | st.booleans() | st.integers(-3, 7) | st.integers() | st.floats(allow_nan=False, allow_infinity=False)
    | st.sampled_from(["", "de", "en", "fr", "1.0", "3", "service", "accessibility_barrier", "honeypot", "too_fast",
                       "2026-10-25T00:30:12Z", "2026-10-25T00:30:12.5+02:00", "2026-10-25 00:30:12+00:00",
                       "2026-10-25t00:30:12z", "2026-02-30T00:00:00+00:00", "2026-10-25T24:00:00+00:00",
                       "2026-10-25T23:59:60+00:00", "2026-10-25T00:30:12+24:00", "2026-10-25T00:30:12+0200",
                       "2026-10-25T00:30:12.1234567+00:00", "2026-10-25T00:30:12.9999999+00:00",
                       "0001-01-01T00:00:00-01:00", "9999-12-31T23:59:59-01:00", "2026-10-25T00:30+00:00",
                       str(uuid.UUID(int=1)), str(uuid.UUID(int=1)).upper(), "{" + str(uuid.UUID(int=2)) + "}",
                       uuid.UUID(int=3).hex, "urn:uuid:" + str(uuid.UUID(int=4)),
                       "A" * 16, "A" * 16 + "\n", "A" * 22, "A" * 22 + "\n", "A" * 21 + "=", "x" * 64, "x" * 65,
                       "x" * 2049, "é" * 64, "\ud800", "\u0000"])
    | st.text(max_size=30),
    lambda children: st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=8), children, max_size=3),
    max_leaves=6,
)  # fmt: skip
PATHS = [(), ("data",), ("data", "comment")]
KEYS_TO_CHANGE = [*event().keys(), *event()["data"].keys(), "key_id", "nonce", "ciphertext", "other"]


@settings(max_examples=800, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(
        st.tuples(st.sampled_from(PATHS), st.sampled_from(KEYS_TO_CHANGE), st.one_of(st.just("delete"), JSON)),
        min_size=1,
        max_size=3,
    ),
    st.booleans(),
)
def test_mutated_events_are_never_read_differently(mutations: list[tuple[Any, str, Any]], twice: bool) -> None:
    document = copy.deepcopy(event())
    for path, key, value in mutations:
        target: Any = document
        for step in path:
            target = target.get(step) if isinstance(target, dict) else None
        if not isinstance(target, dict):
            continue
        if value == "delete":
            target.pop(key, None)
        else:
            target[key] = value
    raw = json.dumps(document, separators=(",", ":")).encode()  # stdlib: any integer, lone surrogates escaped
    data = document.get("data")
    if twice and isinstance(data, dict) and mutations[0][1] in data:  # a key twice in the JSON: the last one counts
        key = mutations[0][1]
        raw = raw.replace(b'"data":{', b'"data":{"' + key.encode() + b'":"first",', 1)
    agrees(raw)
