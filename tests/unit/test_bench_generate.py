"""The benchmark's generated feedback stream (``bench/generate.py``) is what ingest would have published: the
projector's decoder and the contract's models read every record alike, the texts open with the keys that go into
``data_key``, the bytes equal ingest's for the same submission, and ``Expected`` counts what the records hold."""

from __future__ import annotations

import sys
from collections import defaultdict
from pathlib import Path
from typing import Any

import orjson
import pytest
from aiokafka.structs import ConsumerRecord

from services.analytics.worker import to_row
from services.ingest.domain import FeedbackRequest, accept_feedback
from services.ingest.service import SOURCE
from shared.contracts import FEEDBACK_SUBMITTED, encode_envelope
from shared.contracts.feedback import counts_in_figures, decode_feedback_event
from shared.contracts.sealed import SealedText
from shared.kafka import cached_partitioner
from shared.orgmodel import OrgModel, parse_org_yaml
from shared.shredding import unseal
from stadtstimme.cli import DEMO_CITY

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))
from generate import FeedbackStream, org_yaml

RECORDS = 6_000


@pytest.fixture(scope="module")
def model() -> OrgModel:
    return parse_org_yaml(org_yaml(DEMO_CITY))[1]


@pytest.fixture(scope="module")
def generated(model: OrgModel) -> tuple[FeedbackStream, list[tuple[int, bytes, bytes]], dict[Any, bytes]]:
    stream = FeedbackStream(model, RECORDS, partitions=6, seed=5)
    records: list[tuple[int, bytes, bytes]] = []
    keys: dict[Any, bytes] = {}
    for chunk in stream.chunks(size=1_000):
        records += chunk.records
        keys |= dict(chunk.keys)
    return stream, records, keys


def _record(partition: int, offset: int, key: bytes, value: bytes) -> ConsumerRecord[bytes, bytes]:
    return ConsumerRecord("t", partition, offset, 0, 0, key, value, None, len(key), len(value), [])


def test_the_projector_and_the_models_read_every_record_alike(generated: Any) -> None:
    _, records, _ = generated
    for offset, (partition, key, value) in enumerate(records):
        row = to_row(_record(partition, offset, key, value))
        envelope, data = decode_feedback_event(value)
        assert (row.event_id, row.response_id, row.page_url, row.org_unit_id, row.helpful, row.rating) == (
            envelope.id, data.response_id, data.page_url, data.org_unit, data.helpful, data.rating,
        )  # fmt: skip
        assert (row.comment, row.suggestion, row.received_at) == (data.comment, data.suggestion, data.received_at)
        assert row.comment is None or isinstance(row.comment, SealedText)  # v3: sealed, as ingest seals it


def test_records_are_keyed_ordered_and_retried_as_on_the_topic(generated: Any) -> None:
    stream, records, _ = generated
    assert len(records) == RECORDS == stream.expected.records
    seen: dict[bytes, int] = {}
    last: dict[int, str] = defaultdict(str)
    for partition, key, value in records:
        envelope = orjson.loads(value)
        assert key == envelope["subject"].encode() == envelope["data"]["page_url"].encode()
        assert partition == cached_partitioner(key, list(range(6)), list(range(6)))
        if value in seen:  # a producer retry: the same bytes again, at most 100 events after
            assert 0 <= len(seen) - 1 - seen[value] <= 100
            continue
        seen[value] = len(seen)
        assert envelope["time"] >= last[partition]  # in the order ingest appended them
        last[partition] = envelope["time"]
    assert len(seen) == stream.expected.distinct == round(RECORDS * 0.99)


def test_texts_open_with_their_keys_and_the_bytes_are_ingests(model: OrgModel, generated: Any) -> None:
    _, records, keys = generated
    texted = 0
    for _, _, value in dict.fromkeys(records):
        envelope, data = decode_feedback_event(value)
        plain = {f: None if getattr(data, f) is None else unseal(keys[data.response_id], getattr(data, f), f)
                 for f in ("comment", "suggestion")}  # fmt: skip
        assert all((plain[f] is None) == (getattr(data, f) is None) for f in plain)
        texted += any(plain.values())
        body = {"event_id": str(envelope.id), "site": data.site, "page_url": data.page_url, "helpful": data.helpful,
                "rating": data.rating, "comment": plain["comment"], "suggestion": plain["suggestion"],
                "category": data.category}  # fmt: skip
        if data.response_id != envelope.id:
            body["response_id"] = str(data.response_id)
        if data.flags:
            body |= {"website": "x"} if data.flags == ("honeypot",) else {"elapsed_ms": 0}
        request = FeedbackRequest.model_validate_json(orjson.dumps(body))
        page_url, accepted = accept_feedback(request, model, None, data.received_at)
        assert (accepted["comment"], accepted["suggestion"]) == (plain["comment"], plain["suggestion"])
        accepted |= orjson.loads(value)["data"] | {"received_at": data.received_at}  # the sealed texts as sent
        assert list(accepted) == list(orjson.loads(value)["data"])  # ingest's field order
        ingest = encode_envelope(FEEDBACK_SUBMITTED, envelope.id, SOURCE, data.received_at, accepted, page_url)
        assert ingest == value
    assert texted > RECORDS // 10


def test_expected_counts_what_the_records_hold(generated: Any) -> None:
    stream, records, _ = generated
    parts = defaultdict(list)
    for _, _, value in dict.fromkeys(records):
        _, data = decode_feedback_event(value)
        parts[data.response_id].append(data)
    first = {r: min(ps, key=lambda d: d.received_at) for r, ps in parts.items()}
    counted = [d for d in first.values() if not d.flags and counts_in_figures(d.helpful, d.rating, d.category)]
    expected = stream.expected
    assert expected.responses == len(counted)
    assert expected.rating_sum == sum(d.rating or 0 for d in counted)
    assert expected.helpful_yes == sum(d.helpful is True for d in counted)
    assert expected.inbox == sum(any(d.comment or d.suggestion for d in ps) for ps in parts.values())
    assert sum(len(ps) > 1 for ps in parts.values()) > 0  # multi-part responses are there
