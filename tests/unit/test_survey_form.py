"""The survey builder's form without I/O: form fields ↔ definition both ways (every question type, texts in two
languages, all of the targeting), the editing steps of a form without JavaScript, ids made from texts, and every
kind of contract error tied to the field it concerns, in German. And the YAML export read back by the loader of
`stadtstimme surveys apply`."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from services.analytics.survey_form import (
    FormErrors,
    SurveyDraft,
    apply_step,
    copy_of,
    definition,
    draft_from_definition,
    draft_from_form,
    form_fields,
    german_decimal,
    local_time,
    org_errors,
    summary,
)
from services.analytics.surveys import SurveySpec, org_problems, spec_yaml
from shared.contracts.surveys import SurveyDefinition
from shared.yamlconfig import load_documents

BERLIN = ZoneInfo("Europe/Berlin")
REPO = Path(__file__).resolve().parents[2]
SITES = ("portal", "abfall", "baeder")


def every_kind() -> SurveyDefinition:
    return SurveyDefinition.model_validate({
        "id": "alles", "org_unit": "buergeramt",
        "title": {"de": "Titel", "en": "Title"}, "intro": {"de": "Einleitung"},
        "thanks": {"de": "Danke", "en": "Thanks"},
        "questions": [
            {"id": "yn", "type": "yes_no", "text": {"de": "Ja?", "en": "Yes?"}, "required": True},
            {"id": "r", "type": "rating", "text": {"de": "Note?"}},
            {"id": "n", "type": "nps", "text": {"de": "Empfehlen?"}, "max_chars": 300},
            {"id": "s", "type": "single", "text": {"de": "Eins?"}, "options": [
                {"id": "a", "label": {"de": "A", "en": "A (en)"}}, {"id": "b", "label": {"de": "B"}}]},
            {"id": "m", "type": "multiple", "text": {"de": "Mehrere?"}, "required": True, "options": [
                {"id": "x", "label": {"de": "X"}}, {"id": "y", "label": {"de": "Y"}},
                {"id": "z", "label": {"de": "Z"}}]},
            {"id": "t", "type": "text", "text": {"de": "Frei?", "en": "Free?"}, "max_chars": 250},
        ],
        "targeting": {
            "sites": ["portal", "abfall"], "include": ["/a/*", "/b"], "exclude": ["/a/intern/*"],
            "sampling_percent": 12.5, "trigger": {"kind": "scroll", "delay_s": 3, "scroll_percent": 40},
            "starts_at": "2026-03-29T01:30:00+01:00", "ends_at": "2026-10-25T02:30:15+01:00", "quota": 250,
            "allow_dont_show_again": False,
        },
    })  # fmt: skip


def round_trip(d: SurveyDefinition) -> SurveyDefinition:
    """Shown in the form, posted back unchanged, read again."""
    posted = form_fields(draft_from_definition(d, BERLIN))
    return definition(draft_from_form(posted, SITES), BERLIN)[0]


@pytest.mark.parametrize("trigger", [{"kind": "delay", "delay_s": 0}, {"kind": "button", "delay_s": 600}])
def test_every_definition_comes_back_from_the_form_unchanged(trigger: dict[str, Any]) -> None:
    d = every_kind()
    assert round_trip(d) == d
    plain = d.model_copy(update={"targeting": d.targeting.model_copy(update={
        "trigger": type(d.targeting.trigger).model_validate(trigger), "starts_at": None, "ends_at": None,
        "quota": None, "sampling_percent": 1e-05})})  # fmt: skip
    assert round_trip(plain) == plain


def test_the_demo_citys_survey_comes_back_from_the_form_and_from_its_yaml_export() -> None:
    text = (REPO / "stadtstimme" / "demo-surveys.yaml").read_text(encoding="utf-8")
    for spec, _ in load_documents(text, SurveySpec):
        d = spec.definition()
        assert round_trip(d) == d
        exported = spec_yaml(d, spec.status)
        [(back, line)] = load_documents(exported, SurveySpec)
        assert back.definition() == d and back.status == spec.status and line == 1
    every = every_kind()
    [(back, _)] = load_documents(spec_yaml(every, None), SurveySpec)
    assert back.definition() == every and back.status is None
    assert "max_chars: 1000" not in spec_yaml(every, "draft")  # defaults left out


def test_how_numbers_and_moments_are_shown() -> None:
    assert [german_decimal(v) for v in (100.0, 12.5, 0.1, 1e-05)] == ["100", "12,5", "0,1", "1e-05"]
    assert local_time(datetime(2026, 7, 1, 6, 0, tzinfo=UTC), BERLIN) == "01.07.2026 08:00"
    assert local_time(datetime(2026, 1, 1, 6, 0, 5, tzinfo=UTC), BERLIN) == "01.01.2026 07:00:05"
    # The hour that occurs twice (clocks go back): the first time round as usual, the second with its offset.
    assert local_time(datetime(2026, 10, 25, 0, 30, tzinfo=UTC), BERLIN) == "25.10.2026 02:30"
    assert local_time(datetime(2026, 10, 25, 1, 30, tzinfo=UTC), BERLIN) == "2026-10-25T02:30:00+01:00"
    assert local_time(None, BERLIN) == ""


def test_what_staff_type_is_read_in_the_citys_time_and_german_notation() -> None:
    posted = form_fields(draft_from_definition(every_kind(), BERLIN)) | {
        "sampling_percent": "7,5 %", "starts_at": "1.12.2026 9:00", "ends_at": "2027-01-01T00:00", "quota": "",
        "include": "\n  /x/*  \n\n", "exclude": "",
    }  # fmt: skip
    t = definition(draft_from_form(posted, SITES), BERLIN)[0].targeting
    assert t.sampling_percent == 7.5 and t.quota is None and t.include == ("/x/*",) and t.exclude == ()
    assert t.starts_at == datetime(2026, 12, 1, 8, 0, tzinfo=UTC) and t.ends_at == datetime(
        2026, 12, 31, 23, tzinfo=UTC
    )
    empty_include = definition(draft_from_form(posted | {"include": " "}, SITES), BERLIN)[0]
    assert empty_include.targeting.include == ("/*",)  # every page, as the contract's default


def test_questions_and_options_without_ids_get_them_from_their_german_text() -> None:
    posted = {
        "survey_id": "s", "org_unit": "u", "title_de": "T", "site_portal": "ja",
        "q0_type": "single", "q0_text_de": "Wie gefällt Ihnen die Müllabfuhr in Ihrer Straße heute und morgen?",
        "q0_o0_de": "Gut", "q0_o1_de": "Gut", "q0_o2_de": "", "q0_o2_id": "anders", "q0_o2_en": "",
        "q1_type": "yes_no", "q1_text_de": "Wie gefällt Ihnen die Müllabfuhr in Ihrer Straße heute und morgen?",
        "q2_type": "text", "q2_text_de": "?!",
    }  # fmt: skip
    with pytest.raises(FormErrors) as refused:
        definition(draft_from_form(posted, SITES), BERLIN)
    assert refused.value.fields == {"q0_o2_de": "Bitte ausfüllen."}
    made, draft = definition(draft_from_form(posted | {"q0_o2_de": "Anders"}, SITES), BERLIN)
    assert [q.id for q in made.questions] == [
        "wie-gefaellt-ihnen-die-muellabfuhr-in", "wie-gefaellt-ihnen-die-muellabfuhr-in-2", "frage-3"]  # fmt: skip
    assert [o.id for o in made.questions[0].options] == ["gut", "gut-2", "anders"]
    assert draft.questions[2].id == "frage-3"  # the form shows the ids it was given
    assert [q.type for q in made.questions] == ["single", "yes_no", "text"]


def test_each_contract_error_is_told_at_its_field_in_german() -> None:
    posted = {
        "survey_id": "-x-", "org_unit": "", "title_de": "", "title_en": "E" * 501, "intro_en": "only English",
        "q0_type": "single", "q0_text_de": "Q", "q0_id": "Falsch", "q0_o0_de": "A", "q0_o0_id": "a",
        "q0_o1_de": "B", "q0_o1_id": "a",
        "q1_type": "rating", "q1_text_de": "R", "q1_id": "same", "q2_type": "nps", "q2_text_de": "N", "q2_id": "same",
        "q3_type": "text", "q3_text_de": "T", "q3_max_chars": "0",
        "include": "/ok\nohne-schraegstrich", "exclude": "/x\n" + "/" + "y" * 200, "sampling_percent": "0",
        "trigger_kind": "delay", "delay_s": "601", "starts_at": "morgen", "quota": "0", "site_portal": "ja",
    }  # fmt: skip
    with pytest.raises(FormErrors) as refused:
        definition(draft_from_form(posted, SITES), BERLIN)
    slug = ("Nur Kleinbuchstaben (a–z), Ziffern und Bindestriche, höchstens 64 Zeichen, ohne Bindestrich am Anfang "
            "oder Ende.")  # fmt: skip
    assert refused.value.fields == {
        "survey_id": slug,
        "org_unit": slug,
        "title_de": "Bitte ausfüllen.",
        "title_en": "Höchstens 500 Zeichen.",
        "intro_de": "Bitte ausfüllen.",
        "q0_id": slug,
        "q0_o1_id": "Diese Kennung kommt schon einmal vor; jede Kennung darf nur einmal vorkommen.",
        "q2_id": "Diese Kennung kommt schon einmal vor; jede Kennung darf nur einmal vorkommen.",
        "q3_max_chars": "Eine ganze Zahl von 1 bis 2000.",
        "include": "Zeile 2: Ein Muster beginnt mit „/“ und hat höchstens 200 Zeichen.",
        "exclude": "Zeile 2: Ein Muster beginnt mit „/“ und hat höchstens 200 Zeichen.",
        "sampling_percent": "Eine Zahl größer als 0 und höchstens 100.",
        "delay_s": "Eine ganze Zahl von 0 bis 600 (Sekunden).",
        "starts_at": "Bitte Datum und Uhrzeit angeben, z. B. 01.12.2026 09:00.",
        "quota": "Eine ganze Zahl ab 1, oder leer für keine Obergrenze.",
    }
    assert list(refused.value.fields)[:3] == ["survey_id", "org_unit", "title_de"]  # in the form's order


def test_the_contracts_rules_and_limits_at_their_fields() -> None:
    base = form_fields(draft_from_definition(every_kind(), BERLIN))
    cases = {
        "scroll_percent": ({"scroll_percent": ""}, "Bitte angeben, nach wie viel Prozent der Seite die Umfrage "
                           "erscheint (1 bis 100)."),
        "ends_at": ({"ends_at": "2026-01-01T00:00"}, "Das Ende muss nach dem Beginn liegen."),
        "sites": ({"site_portal": "", "site_abfall": ""}, "Bitte wählen Sie mindestens eine Website."),
        "delay_s": ({"delay_s": "drei"}, "Bitte eine ganze Zahl eingeben, z. B. 5."),
        "survey_id": ({"survey_id": "neu"}, "Diese Kennung ist für die Konsole reserviert. Bitte wählen Sie eine "
                      "andere."),
    }  # fmt: skip
    for field_id, (changes, message) in cases.items():
        with pytest.raises(FormErrors) as refused:
            definition(draft_from_form(base | changes, SITES), BERLIN)
        assert refused.value.fields == {field_id: message}, field_id
    no_questions = {k: v for k, v in base.items() if not k.startswith("q")}
    with pytest.raises(FormErrors) as refused:
        definition(draft_from_form(no_questions, SITES), BERLIN)
    assert refused.value.fields == {"questions": "Bitte legen Sie mindestens eine Frage an."}
    many = base | {f"q{i}_type": "yes_no" for i in range(6, 21)} | {f"q{i}_text_de": "F" for i in range(6, 21)}
    with pytest.raises(FormErrors) as refused:
        definition(draft_from_form(many, SITES), BERLIN)
    assert refused.value.fields == {"questions": "Eine Umfrage hat höchstens 20 Fragen."}
    options = base | {f"q4_o{j}_de": f"O{j}" for j in range(3, 21)}
    with pytest.raises(FormErrors) as refused:
        definition(draft_from_form(options, SITES), BERLIN)
    assert refused.value.fields == {"q4_options": "Eine Frage hat höchstens 20 Antwortmöglichkeiten."}


def test_what_the_org_model_does_not_know_is_told_at_its_field() -> None:
    d = every_kind()
    assert org_errors(org_problems(d, ["buergeramt"], ["portal", "abfall"])) == {}
    assert org_errors(org_problems(d, ["abfall"], ["portal"])) == {
        "org_unit": "Diese Organisationseinheit gibt es nicht.",
        "sites": "Eine der gewählten Websites gibt es nicht.",
    }


def test_a_choice_question_shows_at_least_two_option_rows_and_keeps_them_when_its_type_changes() -> None:
    draft = draft_from_form({"q0_type": "multiple", "q0_text_de": "F"}, SITES)
    assert len(draft.questions[0].options) == 2
    posted = form_fields(draft_from_definition(every_kind(), BERLIN)) | {"q3_type": "yes_no"}
    changed = draft_from_form(posted, SITES)
    assert [o.de for o in changed.questions[3].options] == ["A", "B"]  # kept (hidden) in case it changes back
    made = definition(changed, BERLIN)[0]
    assert made.questions[3].options == ()  # a yes/no question has none
    assert (
        draft_from_form(posted | {"q3_type": "kaputt", "trigger_kind": "kaputt"}, SITES).questions[3].type == "yes_no"
    )


def test_the_steps_of_a_form_without_javascript() -> None:
    draft = SurveyDraft()
    draft, focus, said = apply_step(draft, "add_question", "single")
    assert (focus, said, len(draft.questions[0].options)) == ("q0_text_de", "Frage 1 hinzugefügt.", 2)
    draft, focus, said = apply_step(draft, "add_question", "kaputt")
    assert draft.questions[1].type == "yes_no" and focus == "q1_text_de"
    draft.questions[0].text_de, draft.questions[1].text_de = "erste", "zweite"
    draft, focus, said = apply_step(draft, "down:0")
    assert [q.text_de for q in draft.questions] == ["zweite", "erste"] and focus == "q1_text_de"
    assert said == "Die Frage steht jetzt an Stelle 2."
    assert apply_step(draft, "down:1")[1:] == (None, "")  # the last one cannot move down
    draft, focus, said = apply_step(draft, "add_option:1")
    assert len(draft.questions[1].options) == 3 and focus == "q1_o2_de"
    draft, focus, _ = apply_step(draft, "remove_option:1:0")
    assert len(draft.questions[1].options) == 2 and focus == "q1_options"
    assert apply_step(draft, "remove_option:1:0")[1] is None  # two options stay
    assert apply_step(draft, "add_option:0")[1] is None  # a yes/no question has none
    draft, focus, said = apply_step(draft, "remove_question:0")
    assert [q.text_de for q in draft.questions] == ["erste"] and (focus, said) == ("questions", "Frage 1 entfernt.")
    for broken in ("remove_question:9", "up:x", "remove_question", "explode:1"):
        assert apply_step(draft, broken)[1:] == (None, "")
    for _ in range(19):
        draft = apply_step(draft, "add_question")[0]
    assert apply_step(draft, "add_question")[2] == "Eine Umfrage hat höchstens 20 Fragen."
    assert len(draft.questions) == 20
    for _ in range(18):
        draft = apply_step(draft, "add_option:0")[0]
    assert apply_step(draft, "add_option:0")[2] == "Eine Frage hat höchstens 20 Antwortmöglichkeiten."


def test_a_copy_has_a_free_id_and_everything_else() -> None:
    draft = draft_from_definition(every_kind(), BERLIN)
    copied = copy_of(draft, {"alles", "alles-kopie"})
    assert copied.survey_id == "alles-kopie-2" and copied.questions == draft.questions


def test_the_error_summary_names_each_field_as_the_form_does() -> None:
    errors = {"title_de": "Bitte ausfüllen.", "q1_o0_de": "Bitte ausfüllen.", "q0_options": "Zu viele.",
              "sites": "Keine.", "q2_max_chars": "Zu groß."}  # fmt: skip
    assert summary(errors) == [
        ("title_de", "Titel (Deutsch): Bitte ausfüllen."),
        ("q1_o0_de", "Frage 2, Antwort 1 (Deutsch): Bitte ausfüllen."),
        ("q0_options", "Frage 1, Antwortmöglichkeiten: Zu viele."),
        ("sites", "Websites: Keine."),
        ("q2_max_chars", "Frage 3, Höchstzahl der Zeichen: Zu groß."),
    ]
