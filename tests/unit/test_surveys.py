"""Survey decisions without I/O: lifecycle planning, result figures, what ingest serves and accepts."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import orjson
import pytest
from pydantic import ValidationError

from services.analytics.survey_domain import InvalidCommand, SurveyState, completion_rate, plan, question_result
from services.ingest.domain import Rejected
from services.ingest.surveys import (
    InvalidAnswer,
    LiveSurvey,
    SurveyCatalogue,
    SurveyResponseRequest,
    accept_survey_response,
)
from shared.contracts.surveys import SurveyDefinition, SurveyStatusChangedV1, SurveyVersionPublishedV1
from shared.orgmodel import OrgModel, load_org_yaml
from stadtstimme.infra import REPO

NOW = datetime(2026, 11, 27, 12, tzinfo=UTC)
ORG: OrgModel = load_org_yaml(REPO / "stadtstimme" / "musterstadt.yaml")[1]


# fmt: off
QUESTIONS = [
    {"id": "zufrieden", "type": "rating", "text": {"de": "Wie zufrieden sind Sie?"}, "required": True},
    {"id": "empfehlen", "type": "nps", "text": {"de": "Würden Sie sie empfehlen?"}},
    {"id": "schnell", "type": "yes_no", "text": {"de": "Ging es schnell?"}},
    {
        "id": "kanal",
        "type": "single",
        "text": {"de": "Wie buchen Sie?"},
        "options": [{"id": "online", "label": {"de": "Online"}}, {"id": "telefon", "label": {"de": "Telefon"}}],
    },
    {
        "id": "wuensche",
        "type": "multiple",
        "text": {"de": "Was fehlt?"},
        "options": [
            {"id": "abends", "label": {"de": "Abendtermine"}},
            {"id": "samstag", "label": {"de": "Samstage"}},
        ],
    },
    {"id": "anmerkung", "type": "text", "text": {"de": "Was möchten Sie uns sagen?"}, "max_chars": 50},
]
# fmt: on


def definition(**changes: Any) -> SurveyDefinition:
    raw: dict[str, Any] = {
        "id": "buergeramt-termine",
        "org_unit": "buergeramt",
        "title": {"de": "Online-Terminvergabe", "en": "Online appointments"},
        "questions": QUESTIONS,
        "targeting": {"sites": ["portal"], "include": ["/buergeramt/*"], "sampling_percent": 50, "quota": 3},
    }
    raw.update(changes)
    return SurveyDefinition.model_validate(raw)


def state(status: str, sequence: int = 2, version: int = 1, d: SurveyDefinition | None = None) -> SurveyState:
    return SurveyState("buergeramt-termine", status, version, sequence, d or definition())


# ---- Lifecycle ----


def test_a_new_survey_is_version_one_then_its_status() -> None:
    events = plan(None, definition(), "active", NOW, "cli:anna")
    assert [type(e.data) for e in events] == [SurveyVersionPublishedV1, SurveyStatusChangedV1]
    first, second = (e.data for e in events)
    assert isinstance(first, SurveyVersionPublishedV1) and isinstance(second, SurveyStatusChangedV1)
    assert (first.version, first.sequence, second.sequence, second.status) == (1, 1, 2, "active")
    assert first.published_by == "cli:anna"


def test_applying_the_same_definition_twice_publishes_nothing() -> None:
    assert plan(state("active"), definition(), "active", NOW, "x") == []
    assert plan(state("active"), definition(), None, NOW, "x") == []


def test_a_changed_definition_is_a_new_version_and_keeps_the_status() -> None:
    changed = definition(title={"de": "Neue Überschrift"})
    (event,) = plan(state("active", sequence=5, version=2), changed, None, NOW, "x")
    assert isinstance(event.data, SurveyVersionPublishedV1)
    assert (event.data.version, event.data.sequence) == (3, 6)


@pytest.mark.parametrize(
    ("current", "wanted", "allowed"),
    [
        ("draft", "active", True),
        ("draft", "paused", False),
        ("active", "paused", True),
        ("paused", "active", True),
        ("active", "draft", False),
        ("paused", "closed", True),
        ("closed", "active", False),
    ],
)
def test_lifecycle_moves(current: str, wanted: str, allowed: bool) -> None:
    if allowed:
        (event,) = plan(state(current), None, wanted, NOW, "x")
        assert isinstance(event.data, SurveyStatusChangedV1) and event.data.status == wanted
    else:
        with pytest.raises(InvalidCommand):
            plan(state(current), None, wanted, NOW, "x")


def test_a_closed_survey_takes_no_new_version() -> None:
    with pytest.raises(InvalidCommand, match="beendete"):
        plan(state("closed"), definition(title={"de": "anders"}), None, NOW, "x")


def test_definitions_are_validated() -> None:
    with pytest.raises(ValidationError, match="at least two options"):
        definition(questions=[{"id": "a", "type": "single", "text": {"de": "?"}, "options": []}])
    with pytest.raises(ValidationError, match="unique"):
        definition(questions=[{"id": "a", "type": "yes_no", "text": {"de": "?"}}] * 2)
    with pytest.raises(ValidationError, match="timezone"):
        definition(targeting={"sites": ["portal"], "starts_at": "2026-12-01T00:00:00"})
    with pytest.raises(ValidationError, match="scroll_percent"):
        definition(targeting={"sites": ["portal"], "trigger": {"kind": "scroll"}})


# ---- Result figures ----


def test_rating_distribution_and_mean() -> None:
    q = definition().questions[0]
    result = question_result(q, [(5, 3), (1, 1), (True, 7)])  # a boolean never counts as a rating
    assert [d["count"] for d in result["distribution"]] == [1, 0, 0, 0, 3]
    assert result["answers"] == 4 and result["mean"] == 4.0


def test_nps_is_promoters_minus_detractors_in_percent() -> None:
    q = definition().questions[1]
    result = question_result(q, [(10, 5), (9, 1), (8, 2), (6, 1), (0, 1)])
    assert (result["promoters"], result["detractors"], result["answers"]) == (6, 2, 10)
    assert result["nps"] == 40 and result["mean"] == pytest.approx((50 + 9 + 16 + 6) / 10)


def test_yes_no_single_and_multiple() -> None:
    qs = definition().questions
    assert [d["count"] for d in question_result(qs[2], [(True, 2), (False, 1), (1, 9)])["distribution"]] == [2, 1]
    single = question_result(qs[3], [("telefon", 4)])
    assert single["distribution"] == [{"value": "online", "count": 0}, {"value": "telefon", "count": 4}]
    multiple = question_result(qs[4], [(("abends", "samstag"), 2), (("samstag",), 1)])
    assert multiple["answers"] == 3
    assert multiple["distribution"] == [{"value": "abends", "count": 2}, {"value": "samstag", "count": 3}]


def test_completion_rate() -> None:
    assert completion_rate(0, 0) is None
    assert completion_rate(8, 6) == 0.75


# ---- Ingest: delivery and acceptance ----


def live(
    status: str = "active", responses: int = 0, changed_at: datetime | None = None, **targeting: Any
) -> LiveSurvey:
    base = {"sites": ["portal"], "include": ["/buergeramt/*"], "sampling_percent": 50, "quota": 3}
    d = definition(targeting=base | targeting)
    return LiveSurvey(d.id, status, 1, {1: d}, responses, changed_at)


def served(survey: LiveSurvey, now: datetime = NOW) -> list[dict[str, Any]]:
    catalogue = SurveyCatalogue.build([survey], ORG.sites, now)
    surveys: list[dict[str, Any]] = orjson.loads(catalogue.by_site["portal"][0])["surveys"]
    return surveys


def test_only_active_surveys_in_their_window_and_below_quota_are_served() -> None:
    (item,) = served(live())
    assert item["id"] == "buergeramt-termine" and item["version"] == 1
    assert set(item["targeting"]) == {
        "include", "exclude", "sampling_percent", "trigger", "starts_at", "ends_at", "allow_dont_show_again"
    }  # fmt: skip
    assert "org_unit" not in item and "quota" not in item["targeting"]  # nothing internal goes out
    assert served(live("paused")) == []
    assert served(live(responses=3)) == []  # quota reached
    assert served(live(starts_at=NOW + timedelta(hours=1))) == []
    assert served(live(ends_at=NOW)) == []  # the end is exclusive
    assert served(live(starts_at=NOW - timedelta(days=1), ends_at=NOW + timedelta(days=1))) != []


def request(**changes: Any) -> SurveyResponseRequest:
    body: dict[str, Any] = {
        "event_id": str(uuid.uuid4()),
        "response_id": str(uuid.uuid4()),
        "survey_id": "buergeramt-termine",
        "version": 1,
        "site": "portal",
        "page_url": "https://www.musterstadt.de/buergeramt/termine",
        "answers": {"zufrieden": 4},
        "elapsed_ms": 3000,
    }
    body.update(changes)
    return SurveyResponseRequest.model_validate_json(orjson.dumps(body))


def accept(r: SurveyResponseRequest, survey: LiveSurvey | None = None) -> dict[str, Any]:
    catalogue = SurveyCatalogue.build([survey or live()], ORG.sites, NOW)
    return accept_survey_response(r, catalogue, ORG, "https://www.musterstadt.de", NOW)[1]


def test_answers_of_every_type_are_accepted_as_given() -> None:
    answers = {"zufrieden": 5, "empfehlen": 0, "schnell": False, "kanal": "online",
               "wuensche": ["samstag", "abends", "samstag"], "anmerkung": "Mail an anna@example.org bitte"}  # fmt: skip
    data = accept(request(answers=answers, elapsed_ms=6000))
    assert data["answers"]["wuensche"] == ("samstag", "abends")
    assert "anna@example.org" not in data["answers"]["anmerkung"]  # redacted before Kafka
    assert data["org_unit"] == "buergeramt" and data["flags"] == ()


@pytest.mark.parametrize(
    ("answers", "question"),
    [
        ({"zufrieden": 6}, "zufrieden"),
        ({"zufrieden": True}, "zufrieden"),
        ({"empfehlen": 11}, "empfehlen"),
        ({"schnell": 1}, "schnell"),
        ({"kanal": "fax"}, "kanal"),
        ({"wuensche": []}, "wuensche"),
        ({"anmerkung": "x" * 51}, "anmerkung"),
        ({"gibtsnicht": 1}, "gibtsnicht"),
    ],
)
def test_answers_that_do_not_fit_are_refused(answers: dict[str, Any], question: str) -> None:
    with pytest.raises(InvalidAnswer) as caught:
        accept(request(answers=answers))
    assert caught.value.question_id == question


def test_drafts_unknown_versions_and_foreign_sites_are_refused() -> None:
    with pytest.raises(Rejected, match="unknown_survey"):
        accept(request(), live("draft"))
    with pytest.raises(Rejected, match="unknown_survey"):
        accept(request(version=2))
    with pytest.raises(Rejected, match="page_not_on_site"):
        accept(request(page_url="https://evil.example/buergeramt/termine"))


def test_paused_closed_or_ended_surveys_take_answers_for_an_hour_more() -> None:
    recently, long_ago = NOW - timedelta(minutes=10), NOW - timedelta(hours=2)
    assert accept(request(), live("paused", changed_at=recently))["survey_version"] == 1
    assert accept(request(), live("closed", changed_at=recently))["survey_version"] == 1
    assert accept(request(), live(ends_at=recently))["survey_version"] == 1
    assert accept(request(), live(responses=3))["survey_version"] == 1  # a full quota only stops showing it
    for gone in (live("paused", changed_at=long_ago), live("closed", changed_at=long_ago), live(ends_at=long_ago)):
        with pytest.raises(Rejected, match="unknown_survey"):
            accept(request(), gone)


def test_dismissal_and_time_trap() -> None:
    assert accept(request(answers={}, dismissed=True, elapsed_ms=10))["flags"] == ()
    assert accept(request(elapsed_ms=100))["flags"] == ("too_fast",)
    assert accept(request(website="http://spam"))["flags"] == ("honeypot",)
    with pytest.raises(InvalidAnswer):
        accept(request(answers={}))
