"""Ids made from names (shared/slugs.py): readable, ASCII, never colliding, whole words."""

from __future__ import annotations

from shared.slugs import slug


def test_challenge_ids_come_from_titles_and_never_collide() -> None:
    assert slug("Termine ohne Warten", {}, "challenge") == "termine-ohne-warten"
    assert slug("Müllabfuhr für Straßen", {}, "challenge") == "muellabfuhr-fuer-strassen"
    assert slug("Termine ohne Warten", {"termine-ohne-warten"}, "challenge") == "termine-ohne-warten-2"
    assert slug("Termine ohne Warten", {"termine-ohne-warten", "termine-ohne-warten-2"}, "challenge") == (
        "termine-ohne-warten-3"
    )
    assert slug("!!!", {}, "challenge") == "challenge"
    assert len(slug("x" * 200, {}, "challenge")) == 50


def test_a_hackathons_id_ends_in_its_year_once() -> None:
    assert slug("Stadt hackt", {}, "hackathon", suffix="2027") == "stadt-hackt-2027"
    assert slug("Stadt hackt 2027", {}, "hackathon", suffix="2027") == "stadt-hackt-2027"
    assert slug("Stadt hackt", {"stadt-hackt-2027"}, "hackathon", suffix="2027") == "stadt-hackt-2027-2"
    assert slug("2027", {}, "hackathon", suffix="2027") == "hackathon-2027"
    assert len(slug("x" * 200, {}, "hackathon", suffix="2027")) == 55


def test_survey_ids_keep_whole_words_within_their_limit() -> None:
    assert slug("Wie zufrieden sind Sie mit der Terminvergabe im Bürgerbüro?", {}, "frage-1", limit=40) == (
        "wie-zufrieden-sind-sie-mit-der"
    )
    assert slug("Ja", {"ja"}, "antwort-1", limit=40) == "ja-2"
