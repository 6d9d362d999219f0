"""The hackathon console's form helpers: challenge ids from titles, the challenge form as the API's body, and
its errors tied to the right fields."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from services.hackathon.api import ChallengeBody
from services.hackathon.console import Failed, cents, challenge_body, challenge_errors, challenge_slug


def test_challenge_ids_come_from_titles_and_never_collide() -> None:
    assert challenge_slug("Termine ohne Warten", {}) == "termine-ohne-warten"
    assert challenge_slug("Müllabfuhr für Straßen", {}) == "muellabfuhr-fuer-strassen"
    assert challenge_slug("Termine ohne Warten", {"termine-ohne-warten"}) == "termine-ohne-warten-2"
    assert challenge_slug("Termine ohne Warten", {"termine-ohne-warten", "termine-ohne-warten-2"}) == (
        "termine-ohne-warten-3"
    )
    assert challenge_slug("!!!", {}) == "challenge"
    assert len(challenge_slug("x" * 200, {})) == 50


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
