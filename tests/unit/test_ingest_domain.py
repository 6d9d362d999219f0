from datetime import UTC, datetime
from pathlib import Path
from uuid import uuid4

import pytest
from pydantic import ValidationError

from services.ingest.domain import MIN_MS_ONE_CLICK, MIN_MS_WITH_TEXT, FeedbackRequest, Rejected, accept_feedback
from shared.contracts import FeedbackSubmittedV2
from shared.messages import text
from shared.orgmodel import load_org_yaml
from shared.problems import field_errors

_, CITY = load_org_yaml(Path(__file__).parents[2] / "stadtstimme" / "musterstadt.yaml")
NOW = datetime(2026, 11, 27, 12, 0, tzinfo=UTC)


def body(**fields: object) -> dict[str, object]:
    return {"event_id": str(uuid4()), "site": "portal", "page_url": "https://www.musterstadt.de/", **fields}


def request(**fields: object) -> FeedbackRequest:
    import json

    return FeedbackRequest.model_validate_json(json.dumps(body(**fields)))


def test_accepted_feedback_becomes_a_valid_event_with_resolved_unit_and_redacted_text() -> None:
    req = request(
        page_url="HTTPS://WWW.musterstadt.de/buergeramt/ummelden/?step=2#form",
        helpful=False,
        rating=2,
        comment="Bitte melden: anna@example.org",
        category="technical",
    )
    page_url, data = accept_feedback(req, CITY, "https://www.musterstadt.de", NOW)
    assert page_url == "https://www.musterstadt.de/buergeramt/ummelden"
    assert data["org_unit"] == "buergeramt"
    assert "anna@example.org" not in data["comment"]
    event = FeedbackSubmittedV2.model_validate(data)  # the contract accepts what ingest produces
    assert event.rating == 2 and event.helpful is False and event.site == "portal"
    assert event.response_id == req.event_id and event.flags == ()


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"rating": 6}, "rating"),
        ({"rating": "5"}, "rating"),  # strict: no silent coercion
        ({"helpful": "ja", "rating": 3}, "helpful"),
        ({"rating": 3, "unknown": 1}, "unknown"),
        ({"rating": 3, "comment": "x" * 2001}, "comment"),
        ({"rating": 3, "category": "lob"}, "category"),
        ({"rating": 3, "language": "fr"}, "language"),
        ({"rating": 3, "event_id": "not-a-uuid"}, "event_id"),
    ],
)
def test_invalid_fields_are_named(fields: dict[str, object], field: str) -> None:
    import json

    with pytest.raises(ValidationError) as err:
        FeedbackRequest.model_validate_json(json.dumps(body(**fields)))
    assert field in {str(e["loc"][0]) for e in err.value.errors() if e["loc"]}


def test_some_answer_is_required() -> None:
    with pytest.raises(ValidationError, match="at least one of helpful, rating"):
        request(language="de")
    assert request(helpful=True).helpful is True
    assert request(rating=5).rating == 5
    assert request(comment="nur ein Kommentar").comment == "nur ein Kommentar"


NIL, MAX = "00000000-0000-0000-0000-000000000000", "FFFFFFFF-FFFF-FFFF-FFFF-FFFFFFFFFFFF"


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"event_id": NIL}, "event_id"),
        ({"event_id": MAX}, "event_id"),
        ({"event_id": MAX.lower()}, "event_id"),
        ({"response_id": NIL}, "response_id"),
        ({"response_id": MAX}, "response_id"),
    ],
)
def test_the_nil_and_the_max_uuid_are_no_client_ids(fields: dict[str, object], field: str) -> None:
    """Every client with a broken id generator would collide on one id: refused, naming the field, in German and
    English."""
    with pytest.raises(ValidationError) as err:
        request(rating=3, **fields)
    assert [(e["loc"], e["type"]) for e in err.value.errors()] == [((field,), "problem.reserved_uuid")]
    german, english = field_errors(err.value, "de"), field_errors(err.value, "en")
    assert german == [{"pointer": f"/{field}", "field": field, "detail": text("problem.reserved_uuid", "de")}]
    assert english[0]["detail"] == text("problem.reserved_uuid", "en") != german[0]["detail"]


def test_any_other_uuid_is_a_client_id() -> None:
    almost_nil, almost_max = "00000000-0000-0000-0000-000000000001", "ffffffff-ffff-ffff-ffff-fffffffffffe"
    assert str(request(rating=3, event_id=almost_nil, response_id=almost_max).event_id) == almost_nil
    assert request(rating=3, response_id=None).response_id is None


def test_follow_up_is_linked_to_its_response() -> None:
    first = request(helpful=True, elapsed_ms=2500)
    follow_up = request(response_id=str(first.event_id), rating=4, comment="Gut erklärt", elapsed_ms=9000)
    _, data = accept_feedback(follow_up, CITY, None, NOW)
    event = FeedbackSubmittedV2.model_validate(data)
    assert event.response_id == first.event_id != follow_up.event_id
    assert event.flags == ()


@pytest.mark.parametrize(
    ("fields", "flags"),
    [
        ({"helpful": True, "elapsed_ms": MIN_MS_ONE_CLICK - 1}, ("too_fast",)),
        ({"helpful": True, "elapsed_ms": MIN_MS_ONE_CLICK}, ()),
        ({"comment": "Schnell getippt", "elapsed_ms": MIN_MS_WITH_TEXT - 1}, ("too_fast",)),
        ({"comment": "In Ruhe geschrieben", "elapsed_ms": MIN_MS_WITH_TEXT}, ()),
        ({"rating": 3, "website": "http://spam.example"}, ("honeypot",)),
        ({"rating": 3, "website": "x", "elapsed_ms": 10}, ("honeypot", "too_fast")),
        ({"rating": 3, "website": ""}, ()),
        ({"rating": 3}, ()),  # API clients without timing are not flagged
    ],
)
def test_suspected_automation_is_flagged_not_refused(fields: dict[str, object], flags: tuple[str, ...]) -> None:
    _, data = accept_feedback(request(**fields), CITY, None, NOW)
    assert FeedbackSubmittedV2.model_validate(data).flags == flags


@pytest.mark.parametrize(
    ("fields", "origin", "kind"),
    [
        ({"site": "nope", "rating": 1}, None, "unknown_site"),
        ({"rating": 1}, "https://evil.example", "origin"),
        ({"rating": 1, "page_url": "https://abfall.musterstadt.de/x"}, None, "page_not_on_site"),
        ({"rating": 1, "page_url": "javascript:alert(1)"}, None, "invalid_url"),
    ],
)
def test_rejections(fields: dict[str, object], origin: str | None, kind: str) -> None:
    with pytest.raises(Rejected) as err:
        accept_feedback(request(**fields), CITY, origin, NOW)
    assert err.value.kind == kind


def test_request_without_origin_header_is_accepted() -> None:
    _, data = accept_feedback(request(rating=4), CITY, None, NOW)
    assert data["org_unit"] == "stadtverwaltung"


def test_staff_names_the_city_keeps_stay_in_comments() -> None:
    text = "Frau Petra Schulz war sehr hilfsbereit, Herr Krause nicht."
    _, kept = accept_feedback(request(comment=text), CITY, None, NOW, frozenset({"Petra Schulz"}))
    _, plain = accept_feedback(request(comment=text), CITY, None, NOW)
    assert "Petra Schulz" in kept["comment"] and "Krause" not in kept["comment"]
    assert "Schulz" not in plain["comment"] and "[Name entfernt]" in plain["comment"]
