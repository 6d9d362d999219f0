"""Comment triage decisions: the workflow, tags, notes, spam verdicts, and that applying events is idempotent."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

import pytest

from services.analytics.inbox import BadFilter, parse_filter, to_command
from services.analytics.triage_domain import (
    AddNote,
    Assign,
    InvalidCommand,
    Move,
    Review,
    SetStatus,
    SetTags,
    TriageState,
    apply,
    edited_texts,
    parse_tags,
    plan,
)
from shared.auth import Account
from shared.contracts.triage import (
    CommentMovedV1,
    CommentNoteAddedV1,
    CommentStatusChangedV1,
    CommentTagsChangedV1,
)

RID = uuid.UUID("0b7c6f0e-7d4e-4a55-9e0f-1c2d3e4f5a6b")
NOW = datetime(2026, 11, 28, 9, 30, tzinfo=UTC)


def run(state: TriageState, command: object) -> tuple[TriageState, list[object]]:
    events = plan(state, command, RID, "abfallwirtschaft", NOW, "anna")  # type: ignore[arg-type]
    for event in events:
        state = apply(state, event)  # type: ignore[arg-type]
    return state, list(events)


def test_the_workflow_moves_forward_and_back_where_allowed() -> None:
    state, events = run(TriageState(), SetStatus("in_bearbeitung"))
    assert state.status == "in_bearbeitung" and state.sequence == 1
    event = events[0]
    assert isinstance(event, CommentStatusChangedV1)
    assert (event.previous, event.status, event.sequence, event.actor, event.org_unit) == (
        "neu", "in_bearbeitung", 1, "anna", "abfallwirtschaft")  # fmt: skip
    state, _ = run(state, SetStatus("erledigt"))
    state, _ = run(state, SetStatus("in_bearbeitung"))  # reopened
    assert (state.status, state.sequence) == ("in_bearbeitung", 3)
    state, _ = run(state, SetStatus("spam"))
    with pytest.raises(InvalidCommand) as refused:
        run(state, SetStatus("erledigt"))  # spam only goes back to neu
    assert refused.value.rule == "move"
    with pytest.raises(InvalidCommand) as unknown:
        run(state, SetStatus("archiviert"))
    assert unknown.value.rule == "status"


def test_a_command_that_changes_nothing_publishes_nothing() -> None:
    state = TriageState(status="erledigt", assignee="anna", tags=("abfuhr",), sequence=4)
    for command in (SetStatus("erledigt"), Assign("anna"), SetTags(("abfuhr",))):
        assert run(state, command) == (state, [])


def test_tags_are_normalised_and_checked() -> None:
    assert parse_tags(" Abfuhr-Termin ,  barriere  frei,abfuhr-termin,, ") == ("abfuhr-termin", "barriere frei")
    assert parse_tags("") == ()
    with pytest.raises(InvalidCommand) as bad:
        parse_tags("<script>")
    assert bad.value.rule == "tag"
    with pytest.raises(InvalidCommand) as many:
        parse_tags(",".join(f"t{i}" for i in range(11)))
    assert many.value.rule == "too_many_tags"
    state, events = run(TriageState(tags=("a1",), sequence=2), SetTags(("z9", "b2")))
    assert isinstance(events[0], CommentTagsChangedV1) and events[0].tags == ("b2", "z9")
    assert state.tags == ("b2", "z9")


def test_notes_are_redacted_and_limited() -> None:
    state, events = run(TriageState(), AddNote("Rückruf an max.muster@example.org erledigt\r\nZweite Zeile"))
    note = events[0]
    assert isinstance(note, CommentNoteAddedV1)
    assert "max.muster@example.org" not in note.text and "Zweite Zeile" in note.text
    assert state.sequence == 1 and state.status == "neu"  # a note changes nothing else
    for text, key in (("   ", "note_empty"), ("x" * 2001, "note_long")):
        with pytest.raises(InvalidCommand) as refused:
            run(TriageState(), AddNote(text))
        assert refused.value.rule == key


def test_spam_verdicts_only_on_suspected_comments() -> None:
    with pytest.raises(InvalidCommand) as refused:
        run(TriageState(), Review("confirmed"))
    assert refused.value.rule == "not_suspected"
    suspected = TriageState(suspected=True)
    confirmed, _ = run(suspected, Review("confirmed"))
    assert (confirmed.status, confirmed.verdict) == ("spam", "confirmed")
    released, _ = run(confirmed, Review("released"))
    assert (released.status, released.verdict) == ("neu", "released")
    assert run(released, Review("released")) == (released, [])


def test_applying_an_event_twice_or_out_of_order_changes_nothing() -> None:
    state, events = run(TriageState(), Assign("bernd"))
    assert state.assignee == "bernd"
    assert apply(state, events[0]) == state  # the same event again
    later = plan(state, Assign(None), RID, "abfallwirtschaft", NOW, "anna")[0]
    skipped = plan(TriageState(sequence=5), Assign("x"), RID, "abfallwirtschaft", NOW, "anna")[0]
    assert apply(state, skipped) == state  # sequence 6 cannot follow 1
    assert apply(state, later).assignee is None


def test_a_comment_is_handed_over_new_and_unassigned_but_not_as_spam() -> None:
    state = TriageState(status="in_bearbeitung", assignee="anna", tags=("abfuhr",), sequence=3)
    moved, events = run(state, Move("stadtwerke"))
    event = events[0]
    assert isinstance(event, CommentMovedV1)
    assert (event.org_unit, event.previous_unit, event.sequence) == ("stadtwerke", "abfallwirtschaft", 4)
    assert (moved.status, moved.assignee, moved.tags, moved.sequence) == ("neu", None, ("abfuhr",), 4)
    assert run(state, Move("abfallwirtschaft")) == (state, [])  # already its unit: nothing to publish
    with pytest.raises(InvalidCommand) as refused:
        run(TriageState(status="spam", sequence=1), Move("stadtwerke"))
    assert (refused.value.rule, refused.value.status) == ("handover_spam", 409)


def test_an_edited_version_is_redacted_and_checked() -> None:
    texts = edited_texts(" Die Mitarbeiterin war nett,\r\nmail: a.b@example.org ", "", frozenset())
    assert texts == {"comment": "Die Mitarbeiterin war nett,\nmail: [E-Mail entfernt]", "suggestion": None}
    kept = edited_texts("Frau Petra Schulz half sofort.", "", frozenset({"Petra Schulz"}))["comment"]
    assert kept is not None and "Petra Schulz" in kept  # the city's staff names, where it keeps them
    for comment, suggestion, rule in (("", " ", "edit_empty"), ("x" * 2001, "", "edit_long"),
                                      ("", "y" * 2001, "edit_long")):  # fmt: skip
        with pytest.raises(InvalidCommand) as refused:
            edited_texts(comment, suggestion, frozenset())
        assert refused.value.rule == rule


def account(role: str, *units: str) -> Account:
    return Account(uuid.uuid4(), "anna", "Anna", role, units)  # type: ignore[arg-type]


def test_forms_become_commands() -> None:
    anna = account("unit_staff", "abfallwirtschaft")
    assert to_command("status", {"status": "erledigt"}, anna) == SetStatus("erledigt")
    assert to_command("assign", {"assignee": "me"}, anna) == Assign("anna")
    assert to_command("assign", {"assignee": ""}, anna) == Assign(None)
    assert to_command("tags", {"tags": "B, a"}, anna) == SetTags(("a", "b"))
    assert to_command("review", {"verdict": "released"}, anna) == Review("released")
    assert to_command("move", {"org_unit": "stadtwerke"}, anna) == Move("stadtwerke")
    with pytest.raises(InvalidCommand):
        to_command("move", {"org_unit": "<b>"}, anna)
    with pytest.raises(InvalidCommand):
        to_command("review", {"verdict": "maybe"}, anna)


class _UI:
    from zoneinfo import ZoneInfo

    tz = ZoneInfo("Europe/Berlin")


def test_filters_from_the_query_string() -> None:
    anna = account("unit_staff", "abfallwirtschaft")
    f, clean = parse_filter(
        {"status": "erledigt", "unit": "abfallwirtschaft", "category": "technical", "assignee": "me",
         "q": " Termin ", "from": "2026-11-01", "to": "2026-11-30", "prefix": "https://a.de/x_%",
         "site": "Not a slug!", "bogus": "1"},
        anna, _UI,  # type: ignore[arg-type]
    )  # fmt: skip
    assert f.statuses == ("erledigt",) and f.unit == "abfallwirtschaft" and f.category == "technical"
    assert f.assignee == "anna" and f.query == "Termin" and f.site is None
    assert f.since is not None and f.since.isoformat() == "2026-11-01T00:00:00+01:00"
    assert f.until is not None and f.until.isoformat() == "2026-12-01T00:00:00+01:00"  # the whole last day
    assert clean == {"status": "erledigt", "unit": "abfallwirtschaft", "prefix": "https://a.de/x_%",
                     "category": "technical", "assignee": "me", "q": "Termin", "from": "2026-11-01",
                     "to": "2026-11-30"}  # fmt: skip
    default, _ = parse_filter({}, anna, _UI)  # type: ignore[arg-type]
    assert default.statuses == ("neu", "in_bearbeitung") and default.view == "inbox"
    for bad in ({"from": "2026-13-01"}, {"to": "gestern"}, {"from": "2026-11-02", "to": "2026-11-01"}):
        with pytest.raises(BadFilter):
            parse_filter(bad, anna, _UI)  # type: ignore[arg-type]
