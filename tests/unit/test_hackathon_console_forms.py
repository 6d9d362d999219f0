"""The hackathon console's form helpers: ids from names, the challenge and new-hackathon forms as the API's
bodies, their errors tied to the right fields, and dates and times as staff type them."""

from __future__ import annotations

from datetime import date, time
from zoneinfo import ZoneInfo

import pytest
from pydantic import ValidationError

from services.hackathon.api import ChallengeBody
from services.hackathon.console import (
    Failed,
    cents,
    challenge_body,
    challenge_errors,
    german_day,
    german_time,
    hackathon_defaults,
    hackathon_form,
)

BERLIN = ZoneInfo("Europe/Berlin")


FORM = {
    "org_unit": "abfallwirtschaft",
    "title": "Abfallkalender für alle",
    "problem": "Der Kalender ist schwer zu finden.",
    "context": "  ",
    "data_links": "https://opendata.example.org/abfall\n\n  https://opendata.example.org/touren  ",
    "contact": "team-digital@musterstadt.example",
    "expected_outcome": "Ein offener Prototyp.",
    "evidence_pages": "https://www.abfall-musterstadt.de/kalender\n",
    "evidence_theme": "Termin",
}


def test_the_form_becomes_the_apis_body() -> None:
    body = challenge_body(FORM)
    assert body["context"] is None
    assert body["data_links"] == ["https://opendata.example.org/abfall", "https://opendata.example.org/touren"]
    assert body["evidence"] == [{"page_url": "https://www.abfall-musterstadt.de/kalender"}, {"theme": "Termin"}]
    ChallengeBody.model_validate(body)


def errors_of(form: dict[str, str]) -> list[str]:
    body = challenge_body(form)
    with pytest.raises(ValidationError) as caught:
        ChallengeBody.model_validate(body)
    pages = len([line for line in form["evidence_pages"].splitlines() if line.strip()])
    return [field for field, _ in challenge_errors(caught.value, pages)]


def test_errors_name_their_fields_in_form_order() -> None:
    wrong = FORM | {"title": "ab", "data_links": "kein link", "contact": "", "evidence_theme": "x"}
    assert errors_of(wrong) == [
        "challenge-title",
        "challenge-data_links",
        "challenge-contact",
        "challenge-evidence_theme",
    ]
    assert errors_of(FORM | {"evidence_pages": "https://a.example/\n" + "x" * 3000}) == ["challenge-evidence_pages"]
    assert errors_of(FORM | {"org_unit": "Keine Einheit!"}) == ["challenge-org_unit"]


def test_a_failed_form_knows_its_field_errors() -> None:
    failed = Failed("award", {"amount": "zwei"}, (("amount", "Betrag?"), (None, "Später noch einmal.")))
    assert failed.by_field == {"amount": "Betrag?"}


@pytest.mark.parametrize(
    ("typed", "expected"),
    [("2.500", 250_000), ("2500", 250_000), ("2.500,00", 250_000), ("2500,5", 250_050), ("500 €", 50_000),
     ("zwei", None), ("2,500.00", None), ("", None)],
)  # fmt: skip
def test_euro_amounts_as_staff_type_them(typed: str, expected: int | None) -> None:
    assert cents(typed) == expected


@pytest.mark.parametrize(
    ("typed", "expected"),
    [("1.12.2027", date(2027, 12, 1)), (" 01.12.2027 ", date(2027, 12, 1)), ("31.02.2027", None),
     ("2027-12-01", None), ("1.12.27", None), ("", None)],
)  # fmt: skip
def test_days_as_staff_type_them(typed: str, expected: date | None) -> None:
    assert german_day(typed) == expected


@pytest.mark.parametrize(
    ("typed", "expected"),
    [("9:00", time(9)), ("09.30", time(9, 30)), ("14 Uhr", time(14)), ("14:00 Uhr", time(14)), ("24:00", None),
     ("9:5", None), ("neun", None), ("", None)],
)  # fmt: skip
def test_times_as_staff_type_them(typed: str, expected: time | None) -> None:
    assert german_time(typed) == expected


NEW = hackathon_defaults(2027) | {"title": "Rathaus hackt", "description": "Offene Daten für alle."}


def test_the_new_hackathon_form_becomes_the_apis_body() -> None:
    form = NEW | {
        "start-jurierung-day": "1.12.2027", "start-jurierung-time": "9:00",
        "start-anmeldung_offen-day": "1.7.2027", "start-anmeldung_offen-time": "18 Uhr",
        "criterion-5-name": "Innovation", "criterion-5-weight": "5", "community_vote": "ja",
    }  # fmt: skip
    body, errors = hackathon_form(form, BERLIN, {"stadt-hackt-2027"})
    assert errors == () and body is not None
    assert body.id == "rathaus-hackt-2027" and body.year == 2027 and body.max_team_size == 5
    assert body.community_vote and not body.normalise_scores
    data = body.model_dump(mode="json")
    assert data["schedule"] == [  # in phase order, Berlin time: summer and winter
        {"phase": "anmeldung_offen", "starts_at": "2027-07-01T18:00:00+02:00"},
        {"phase": "jurierung", "starts_at": "2027-12-01T09:00:00+01:00"},
    ]
    assert [(c["id"], c["weight"]) for c in data["criteria"]] == [
        ("nutzen-fuer-die-stadtgesellschaft", 40), ("umsetzbarkeit", 25), ("innovation", 20),
        ("qualitaet-der-praesentation", 15), ("innovation-2", 5)]  # fmt: skip


def test_the_new_hackathon_forms_errors_name_their_fields_in_form_order() -> None:
    wrong = NEW | {
        "title": "ab", "year": "27", "start-jurierung-day": "1.12.2027", "start-archiv-time": "10:00",
        "criterion-2-weight": "viel", "criterion-4-name": "", "criterion-6-weight": "101", "max_team_size": "0",
    }  # fmt: skip
    body, errors = hackathon_form(wrong, BERLIN, ())
    assert body is None
    assert [field for field, _ in errors] == [
        "hackathon-title",
        "hackathon-year",
        "hackathon-start-jurierung-time",
        "hackathon-start-archiv-day",
        "hackathon-criterion-2-weight",
        "hackathon-criterion-4-name",
        "hackathon-criterion-6-name",
        "hackathon-criterion-6-weight",
        "hackathon-max_team_size",
    ]
    assert dict(errors)["hackathon-start-jurierung-time"].startswith("Jurierung: Bitte geben Sie die Uhrzeit")
    assert dict(errors)["hackathon-criterion-6-name"].startswith("Kriterium 6: ")


def test_a_new_hackathon_needs_a_criterion() -> None:
    empty = {f"criterion-{n}-{part}": "" for n in range(1, 7) for part in ("name", "weight")}
    body, errors = hackathon_form(NEW | empty, BERLIN, ())
    assert body is None
    assert errors == (
        ("hackathon-criterion-1-name", "Bitte nennen Sie mindestens ein Kriterium mit seiner Gewichtung."),
    )
