"""YAML config files into pydantic models: every error of every item, each at its line and column."""

from __future__ import annotations

import textwrap
from datetime import timedelta
from typing import Annotated

import pytest
from pydantic import BaseModel, ConfigDict, StringConstraints

from shared.contracts.surveys import SurveyDefinition
from shared.yamlconfig import MAX_BYTES, ConfigError, ConfigErrors, load_document, load_documents

SURVEY = """\
id: buergeramt-termine
org_unit: buergeramt
title:
  de: Termine im Bürgeramt
questions:
  - id: zufriedenheit
    type: rating
    text:
      de: Wie zufrieden waren Sie mit der Terminbuchung?
targeting:
  sites: [stadt]
  include: ["/buergeramt/*"]
  sampling_percent: 50
  trigger:
    kind: delay
    delay_s: 5
  starts_at: 2026-12-01T00:00:00+01:00
  quota: 500
"""


def as_list_item(survey: str) -> str:
    """The survey as one item of a top-level list."""
    return textwrap.indent(survey, "  ").replace("  ", "- ", 1)


def errors_of(text: str, model: type[BaseModel] = SurveyDefinition) -> list[str]:
    with pytest.raises(ConfigErrors) as caught:
        load_documents(text, model, "surveys.yaml")
    assert str(caught.value) == "\n".join(str(e) for e in caught.value.errors)
    return [str(e) for e in caught.value.errors]


def test_a_valid_survey_loads_and_keeps_its_timezone() -> None:
    survey = load_document(SURVEY, SurveyDefinition, "surveys.yaml")
    assert survey.id == "buergeramt-termine"
    assert survey.questions[0].type == "rating"
    assert survey.targeting.sites == ("stadt",)
    assert survey.targeting.sampling_percent == 50
    assert survey.targeting.trigger.kind == "delay" and survey.targeting.trigger.delay_s == 5
    starts_at = survey.targeting.starts_at
    assert starts_at is not None and starts_at.utcoffset() == timedelta(hours=1)
    assert (starts_at.year, starts_at.month, starts_at.day, starts_at.hour) == (2026, 12, 1, 0)
    assert load_documents(SURVEY, SurveyDefinition) == [(survey, 1)]


def test_a_list_of_surveys_gives_each_with_its_start_line() -> None:
    second = SURVEY.replace("buergeramt-termine", "buergeramt-wartezeit")
    text = "# Umfragen des Bürgeramts\n" + as_list_item(SURVEY) + "\n" + as_list_item(second)
    loaded = load_documents(text, SurveyDefinition, "surveys.yaml")
    assert [(s.id, line) for s, line in loaded] == [("buergeramt-termine", 2), ("buergeramt-wartezeit", 21)]
    assert text.splitlines()[20] == "- id: buergeramt-wartezeit"


def test_documents_separated_by_dashes_each_count_and_an_empty_last_one_is_skipped() -> None:
    second = SURVEY.replace("buergeramt-termine", "buergeramt-wartezeit")
    text = f"---\n{SURVEY}---\n{second}---\n"
    loaded = load_documents(text, SurveyDefinition)
    assert [(s.id, line) for s, line in loaded] == [("buergeramt-termine", 2), ("buergeramt-wartezeit", 21)]


BROKEN = """\
id: buergeramt-termine
org_unit: buergeramt
title:
  de: Termine im Bürgeramt
colour: blue
questions:
  - id: zufriedenheit
    type: rating
    text:
      de: Wie zufrieden waren Sie?
  - id: kanal
    type: single
    text:
      de: Wie haben Sie gebucht?
    options:
      - id: online
        label: {de: Online}
  - id: thema
    type: multiple
    text:
      de: Worum ging es?
    options:
      - id: ausweis
        label: {de: Ausweis}
      - id: Melde_Amt
        label: {de: Anmeldung}
targeting:
  include: ["/buergeramt/*"]
  sampling_percent: viel
  trigger:
    kind: scroll
    delay_s: 5
  starts_at: 2026-12-01T00:00:00+01:00
"""


def test_every_error_of_a_file_is_reported_at_its_line_and_column() -> None:
    assert errors_of(BROKEN) == [
        # an unknown key: at the key
        "surveys.yaml:5:1: colour: Extra inputs are not permitted",
        # a model-level rule of a list item: at that item's mapping, without pydantic's "Value error, "
        "surveys.yaml:11:5: questions[1]: a single question needs at least two options",
        # a wrong value deep inside nested lists: at the value
        "surveys.yaml:25:13: questions[2].options[1].id: String should match pattern "
        "'^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$'",
        # a missing key: at the mapping that lacks it
        "surveys.yaml:28:3: targeting.sites: Field required",
        # a wrong type: at the value
        "surveys.yaml:29:21: targeting.sampling_percent: Input should be a valid number, "
        "unable to parse string as a number",
        # a model-level rule of a nested mapping: at that mapping
        "surveys.yaml:31:5: targeting.trigger: scroll_percent is required for, and only for, kind: scroll",
    ]
    lines = BROKEN.splitlines()
    assert lines[4].startswith("colour") and lines[10] == "  - id: kanal" and lines[24][12:] == "Melde_Amt"
    assert lines[28][20:] == "viel" and lines[30] == "    kind: scroll"


def test_errors_of_all_items_are_collected() -> None:
    first = SURVEY.replace("sampling_percent: 50", "sampling_percent: 0")
    second = SURVEY.replace("org_unit: buergeramt\n", "")
    text = as_list_item(first) + as_list_item(second)
    assert errors_of(text) == [
        "surveys.yaml:13:23: targeting.sampling_percent: Input should be greater than 0",
        "surveys.yaml:19:3: org_unit: Field required",
    ]


def test_a_top_level_model_rule_points_at_the_item() -> None:
    text = SURVEY.replace(
        "questions:\n",
        "questions:\n  - id: zufriedenheit\n    type: yes_no\n    text: {de: Alles erledigt}\n",
    )
    assert errors_of("\n" + text) == ["surveys.yaml:2:1: question ids must be unique within a survey"]


def test_a_duplicate_key_is_an_error_at_the_second_key() -> None:
    text = SURVEY.replace("  quota: 500\n", "  quota: 500\n  sampling_percent: 100\n")
    assert errors_of(text) == ["surveys.yaml:19:3: duplicate key 'sampling_percent' (first on line 13)"]
    # keys compare as YAML reads them; a second document is still validated
    other = "a: 1\n01: 2\n1: 3\n---\nid: X\n"
    errors = errors_of(other)
    assert errors[0] == "surveys.yaml:3:1: duplicate key '1' (first on line 2)"
    assert any(e.startswith("surveys.yaml:5:5: id: String should match pattern") for e in errors[1:])


def test_a_yaml_syntax_error_names_its_line() -> None:
    text = SURVEY.replace('  include: ["/buergeramt/*"]\n', '  include: ["/buergeramt/*"\n')
    (error,) = errors_of(text)
    assert error == (
        "surveys.yaml:13:3: not valid YAML: expected ',' or ']', but got '<scalar>' "
        "(while parsing a flow sequence on line 12)"
    )
    assert errors_of("id: a\n\tquota: 5\n")[0].startswith("surveys.yaml:2:1: not valid YAML: found character '\\t'")
    assert errors_of("id: \x07\n") == ["surveys.yaml:1:5: not valid YAML: special characters are not allowed (U+0007)"]


def test_aliases_and_merge_keys_are_refused_anchors_alone_are_harmless() -> None:
    anchored = SURVEY.replace("title:\n  de:", "title: &title\n  de:")
    text = anchored.replace("questions:\n", "intro: *title\nquestions:\n")
    assert errors_of(text) == ["surveys.yaml:5:8: aliases (*name) are not allowed; spell the value out"]
    laughs = 'a: &a ["lol", "lol"]\nb: &b [*a, *a]\nc: [*b, *b]\n'
    assert errors_of(laughs) == ["surveys.yaml:2:8: aliases (*name) are not allowed; spell the value out"]
    merged = SURVEY.replace("  trigger:\n", "  trigger:\n    <<: {kind: delay}\n")
    assert errors_of(merged) == ["surveys.yaml:15:5: merge keys (<<) are not allowed; spell the values out"]
    assert load_document(anchored, SurveyDefinition).title.de == "Termine im Bürgeramt"


def test_only_safe_tags_construct_values() -> None:
    text = SURVEY.replace("quota: 500", "quota: !!python/object/apply:os.system [echo hacked]")
    assert errors_of(text) == ["surveys.yaml:18:10: the tag !!python/object/apply:os.system is not supported here"]
    text = SURVEY.replace("quota: 500", "quota: !!python/name:os.system ''")
    assert errors_of(text) == [
        "surveys.yaml:18:10: could not determine a constructor for the tag '!!python/name:os.system'"
    ]
    assert errors_of("!!set {a, b}\n") == ["surveys.yaml:1:1: the tag !!set is not supported here"]
    assert errors_of("? [a, b]\n: 1\n") == ["surveys.yaml:1:3: a key must be a plain value, not a list or mapping"]


def test_an_impossible_date_is_left_to_pydantic_at_its_line() -> None:
    text = SURVEY.replace("starts_at: 2026-12-01T00:00:00+01:00", "starts_at: 2026-13-01")
    (error,) = errors_of(text)
    assert error.startswith("surveys.yaml:17:14: targeting.starts_at: Input should be a valid datetime")


def test_an_empty_file_is_a_clear_error() -> None:
    expected = ["surveys.yaml:1:1: the file holds no items (it is empty)"]
    assert errors_of("") == expected
    assert errors_of("# nur ein Kommentar\n\n") == expected
    assert errors_of("---\n---\n") == expected
    assert errors_of("[]\n") == ["surveys.yaml:1:1: the list holds no items"]
    with pytest.raises(ConfigErrors, match="holds no item"):
        load_document("", SurveyDefinition)


def test_the_top_level_must_be_a_mapping_or_a_list_of_mappings() -> None:
    assert errors_of("just text\n") == [
        "surveys.yaml:1:1: expected a mapping (one item) or a list of mappings (several items)"
    ]
    errors = errors_of("- 5\n" + as_list_item(SURVEY))
    assert errors == ["surveys.yaml:1:3: Input should be a valid dictionary or instance of SurveyDefinition"]


def test_load_document_wants_exactly_one_item() -> None:
    text = as_list_item(SURVEY) + as_list_item(SURVEY.replace("buergeramt-termine", "zweite"))
    with pytest.raises(ConfigErrors) as caught:
        load_document(text, SurveyDefinition, "surveys.yaml")
    assert str(caught.value) == "surveys.yaml:19:3: expected exactly one item, found 2"


def test_text_over_the_size_limit_is_refused_before_parsing() -> None:
    text = "# " + "x" * MAX_BYTES + "\n" + SURVEY
    assert errors_of(text) == [
        f"surveys.yaml:1:1: the file has {len(text.encode())} bytes; at most {MAX_BYTES} are allowed"
    ]
    umlauts = "# " + "ü" * (MAX_BYTES // 2) + "\n"  # fewer characters than the limit, more bytes
    assert len(umlauts) < MAX_BYTES and "at most" in errors_of(umlauts)[0]


def test_deep_nesting_is_refused() -> None:
    assert errors_of("a: " + "[" * 5000 + "]" * 5000 + "\n") == [
        "surveys.yaml:1:1: not accepted: the YAML is nested too deeply"
    ]


class _Item(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: str
    limits: dict[Annotated[str, StringConstraints(pattern="^[a-z]+$")], int] = {}


def test_other_models_and_the_error_type() -> None:
    assert load_documents("- name: a\n- name: b\n  limits: {x: 1}\n", _Item) == [
        (_Item(name="a"), 1),
        (_Item(name="b", limits={"x": 1}), 2),
    ]
    assert errors_of("name: a\nlimits:\n  x: viele\n", _Item) == [
        "surveys.yaml:3:6: limits.x: Input should be a valid integer, unable to parse string as an integer"
    ]
    assert errors_of("name: a\nlimits:\n  ok: 1\n  Nicht OK: 2\n", _Item) == [  # a bad key: at the key
        "surveys.yaml:4:3: limits.Nicht OK[key]: String should match pattern '^[a-z]+$'"
    ]
    error = ConfigError("f.yaml", 3, 1, "", "something")
    assert str(error) == "f.yaml:3:1: something"
    assert isinstance(ConfigErrors([error]), Exception)
