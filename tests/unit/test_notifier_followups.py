"""Satisfaction alerts in the notifier and follow-ups: known answers for the pure parts.

Durations in words, alert signals (labels, texts, facts, console link), which triage events end an escalation,
the link of a grouped message, the reasons of a raised alert, the deterministic envelopes of alert events and
the ids of follow-ups.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest

from services.analytics import alerts
from services.analytics.alerting import SOURCE, to_rows
from services.analytics.alerts import BurstRule, Reading
from services.notifier import outbox
from services.notifier.followups import followup_id, human
from services.notifier.outbox import _common_link, compose, message_of
from services.notifier.service import handled_by
from services.notifier.signals import Signal, from_alert, from_feedback
from shared.contracts.alerts import (
    AlertReading,
    SatisfactionAlertRaisedV1,
    SatisfactionAlertResolvedV1,
    alert_id,
    resolved_event_id,
)
from shared.contracts.envelope import decode_envelope
from shared.contracts.topics import EVENT_TYPES
from shared.contracts.triage import (
    CommentAssignedV1,
    CommentSpamReviewedV1,
    CommentStatusChangedV1,
    CommentTagsChangedV1,
)

CONSOLE = "https://stadtstimme.musterstadt.de/"  # with a trailing slash: the links must not get "//console"
BASE = "https://stadtstimme.musterstadt.de"
PAGE = "https://abfall.musterstadt.de/sperrmüll?x=1&y=2"
PAGE_QUOTED = "https%3A%2F%2Fabfall.musterstadt.de%2Fsperrm%C3%BCll%3Fx%3D1%26y%3D2"
AT = datetime(2025, 3, 4, 10, 0, tzinfo=UTC)


# --- human(): the largest whole unit, in German --------------------------------------------------------------


@pytest.mark.parametrize(
    ("span", "expected"),
    [
        (timedelta(hours=2), "2 Stunden"),
        (timedelta(hours=1), "1 Stunde"),
        (timedelta(days=1), "1 Tag"),
        (timedelta(days=2), "2 Tagen"),
        (timedelta(minutes=90), "90 Minuten"),
        (timedelta(seconds=30), "1 Minute"),
        (timedelta(weeks=1), "7 Tagen"),
        (timedelta(hours=36), "36 Stunden"),  # not a whole number of days: hours
        (timedelta(minutes=1), "1 Minute"),
        (timedelta(0), "1 Minute"),  # never "0 Minuten"
    ],
)
def test_human_names_the_largest_whole_unit(span: timedelta, expected: str) -> None:
    assert human(span) == expected


# --- from_alert: satisfaction alerts as notifications ----------------------------------------------------------


def reading(**overrides: Any) -> dict[str, Any]:
    values: dict[str, Any] = {
        "window_start": (AT - timedelta(hours=1)).isoformat(),
        "window_end": AT.isoformat(),
        "answers_helpful": 10,
        "not_helpful_share": 0.6,
        "baseline_share": 0.1,
        "ratings": 3,
        "mean_rating": None,
        "baseline_mean": 4.2,
    }
    return {**values, **overrides}


def page_alert_data() -> dict[str, Any]:
    return {
        "alert_id": str(alert_id("page", PAGE, 1)),
        "scope": "page",
        "key": PAGE,
        "sequence": 1,
        "org_unit": "abfallwirtschaft",
        "site": "abfall",
        "at": AT.isoformat(),
        "reading": reading(),
        "reasons": ["not_helpful_share"],
    }


def unit_alert_data() -> dict[str, Any]:
    return {
        "alert_id": str(alert_id("org_unit", "bürgerbüro", 3)),
        "scope": "org_unit",
        "key": "bürgerbüro",
        "sequence": 3,
        "org_unit": "bürgerbüro",
        "site": None,
        "at": AT.isoformat(),
        "reading": reading(answers_helpful=4, not_helpful_share=None, baseline_share=0.25, ratings=7,
                           mean_rating=3.9, baseline_mean=4.0),
    }  # fmt: skip


def test_a_raised_page_alert() -> None:
    event_id = uuid.uuid4()
    s = from_alert(event_id, page_alert_data(), True, "Abfallwirtschaft", CONSOLE)
    assert s.event_id == event_id
    assert s.labels == {
        "type": "satisfaction.alert",
        "unit": "abfallwirtschaft",
        "site": "abfall",
        "page": PAGE,
        "category": "",
        "severity": "warning",
    }
    assert s.subject == f"Auffällig viele negative Rückmeldungen: {PAGE}"
    assert s.summary.startswith(f"In der letzten Stunde weicht die Zufriedenheit mit {PAGE} deutlich vom eigenen")
    assert s.facts == (
        ("Organisationseinheit", "Abfallwirtschaft"),
        ("Seite", PAGE),
        ("„Nicht hilfreich“", "60 % (üblich 10 %)"),
        ("Durchschnittliche Bewertung", "zu wenige Antworten (üblich 4,2)"),
        ("Antworten in der letzten Stunde", "10"),
    )
    assert s.link == f"{BASE}/console/units/abfallwirtschaft?days=7&prefix={PAGE_QUOTED}"
    assert s.texts == ()


def test_the_page_in_the_alert_link_survives_the_query_string() -> None:
    s = from_alert(uuid.uuid4(), page_alert_data(), True, "Abfallwirtschaft", CONSOLE)
    query = parse_qs(urlsplit(s.link).query)
    assert query == {"days": ["7"], "prefix": [PAGE]}  # "&" and "?" of the page do not leak into the query


def test_a_resolved_unit_alert() -> None:
    s = from_alert(uuid.uuid4(), unit_alert_data(), False, "Bürgerbüro", CONSOLE)
    assert s.labels == {
        "type": "satisfaction.alert",
        "unit": "bürgerbüro",
        "site": "",
        "page": "",  # no page label for a unit: page matchers of routes do not apply
        "category": "",
        "severity": "warning",  # like the raise, so the resolution reaches the same receivers
    }
    assert s.subject == "Wieder im üblichen Rahmen: Bürgerbüro (alle Seiten)"
    assert s.summary == (
        "Die Zufriedenheit mit allen Seiten von Bürgerbüro ist wieder im üblichen Rahmen (oder es gibt zu "
        "wenige Antworten, um sie zu beurteilen)."
    )
    assert [k for k, _ in s.facts] == [
        "Organisationseinheit",  # no "Seite" fact for a unit
        "„Nicht hilfreich“",
        "Durchschnittliche Bewertung",
        "Antworten in der letzten Stunde",
    ]
    facts = dict(s.facts)
    assert facts["Organisationseinheit"] == "Bürgerbüro"
    assert facts["„Nicht hilfreich“"] == "zu wenige Antworten (üblich 25 %)"
    assert facts["Durchschnittliche Bewertung"] == "3,9 (üblich 4,0)"
    assert facts["Antworten in der letzten Stunde"] == "7"  # the larger of helpful answers and ratings
    assert s.link == f"{BASE}/console/units/b%C3%BCrgerb%C3%BCro?days=7"
    assert s.texts == ()


def test_an_alert_message_carries_no_citizen_text_even_for_receivers_that_allow_it() -> None:
    s = from_alert(uuid.uuid4(), page_alert_data(), True, "Abfallwirtschaft", CONSOLE)
    m = message_of(s, with_text=True)
    assert (m["texts"], m["type"], m["unit"]) == ([], "satisfaction.alert", "Abfallwirtschaft")


# --- handled_by: which triage events end escalations -----------------------------------------------------------

RESPONSE = uuid.UUID("0b8f3c1e-7a52-4d0e-9d47-5f1c2b3a4d5e")
TRIAGE: dict[str, Any] = {"response_id": RESPONSE, "org_unit": "abfallwirtschaft", "sequence": 2, "at": AT,
                          "actor": "m.muster"}  # fmt: skip


@pytest.mark.parametrize(
    ("status", "previous", "expected"),
    [
        ("in_bearbeitung", "neu", "status in_bearbeitung by m.muster"),
        ("erledigt", "neu", "status erledigt by m.muster"),
        ("spam", "neu", "status spam by m.muster"),
        ("neu", "in_bearbeitung", None),  # back to "neu": not taken on
        ("neu", "spam", None),
    ],
)
def test_a_status_change_out_of_neu_is_handling(status: str, previous: str, expected: str | None) -> None:
    assert handled_by(CommentStatusChangedV1(**TRIAGE, status=status, previous=previous)) == expected


def test_an_assignment_is_handling_taking_it_back_is_not() -> None:
    assert handled_by(CommentAssignedV1(**TRIAGE, assignee="a.beispiel")) == "assigned to a.beispiel"
    assert handled_by(CommentAssignedV1(**TRIAGE, assignee=None)) is None


def test_a_confirmed_spam_suspicion_is_handling_a_released_one_is_not() -> None:
    assert handled_by(CommentSpamReviewedV1(**TRIAGE, verdict="confirmed")) == "spam confirmed by m.muster"
    assert handled_by(CommentSpamReviewedV1(**TRIAGE, verdict="released")) is None


def test_tags_and_other_events_are_not_handling() -> None:
    assert handled_by(CommentTagsChangedV1(**TRIAGE, tags=("abfuhr",))) is None
    assert handled_by(object()) is None


# --- compose / _common_link: one link for a grouped message --------------------------------------------------


def comment(response: uuid.UUID, text: str, page: str = PAGE) -> Signal:
    data: dict[str, Any] = {
        "flags": [],
        "comment": text,
        "suggestion": None,
        "category": None,
        "rating": 2,
        "helpful": False,
        "org_unit": "abfallwirtschaft",
        "site": "abfall",
        "page_url": page,
        "response_id": str(response),
    }
    signal = from_feedback(response, data, "Abfallwirtschaft", CONSOLE)
    assert signal is not None
    return signal


def test_several_comments_link_to_the_inbox() -> None:
    a, b = uuid.uuid4(), uuid.uuid4()
    first, second = comment(a, "Termin fehlt"), comment(b, "Seite lädt nicht", "https://abfall.musterstadt.de/")
    assert first.link == f"{BASE}/console/inbox/{a}"
    m = compose([message_of(first, with_text=True), message_of(second, with_text=False)])
    assert m["link"] == f"{BASE}/console/inbox"
    assert m["subject"] == "2 neue Meldungen für Abfallwirtschaft"
    assert m["items"] == [
        f"Neuer Kommentar für Abfallwirtschaft – {PAGE}",
        "„Termin fehlt“",  # citizen text only from the message whose receiver allows it
        "Neuer Kommentar für Abfallwirtschaft – https://abfall.musterstadt.de/",
    ]
    assert (m["texts"], m["type"], m["unit"]) == ([], "comment.new", "Abfallwirtschaft")


def test_different_alert_links_fall_back_to_the_console() -> None:
    page = from_alert(uuid.uuid4(), page_alert_data(), True, "Abfallwirtschaft", CONSOLE)
    unit = from_alert(uuid.uuid4(), unit_alert_data(), True, "Bürgerbüro", CONSOLE)
    assert page.link != unit.link
    assert compose([message_of(page, False), message_of(unit, False)])["link"] == f"{BASE}/console/"
    # a comment and an alert: not all links go to the inbox, so the console
    assert _common_link([comment(uuid.uuid4(), "x").link, page.link]) == f"{BASE}/console/"


def test_identical_links_are_kept() -> None:
    raised = from_alert(uuid.uuid4(), page_alert_data(), True, "Abfallwirtschaft", CONSOLE)
    resolved = from_alert(uuid.uuid4(), page_alert_data(), False, "Abfallwirtschaft", CONSOLE)
    m = compose([message_of(raised, False), message_of(resolved, False)])
    assert m["link"] == raised.link == f"{BASE}/console/units/abfallwirtschaft?days=7&prefix={PAGE_QUOTED}"
    link = f"{BASE}/console/inbox/{RESPONSE}"
    assert _common_link([link, link, link]) == link


def test_a_single_message_is_sent_as_it_is() -> None:
    m = message_of(comment(RESPONSE, "Termin fehlt"), with_text=True)
    assert compose([m]) == m
    assert "items" not in compose([m])
    assert compose([m])["link"] == f"{BASE}/console/inbox/{RESPONSE}"


# --- alerts.reasons ----------------------------------------------------------------------------------------------

RULE = BurstRule()


@pytest.mark.parametrize(
    ("share", "base_share", "mean", "base_mean", "expected"),
    [
        (0.6, 0.1, 4.0, 4.2, ("not_helpful_share",)),  # +50 points; only 0.2 stars below
        (0.6, 0.1, None, 4.2, ("not_helpful_share",)),
        (0.15, 0.1, 2.8, 4.2, ("mean_rating",)),  # +5 points; 1.4 stars below
        (None, 0.1, 2.8, 4.2, ("mean_rating",)),
        (0.9, 0.1, 1.5, 4.2, ("not_helpful_share", "mean_rating")),  # both, in this order
        (0.35, 0.1, 3.2, 4.2, ("not_helpful_share", "mean_rating")),  # exactly at both margins (float noise)
        (0.34, 0.1, 3.21, 4.2, ()),  # just below both
        (0.1, 0.6, 5.0, 2.0, ()),  # better than usual is no reason
        (None, 0.5, None, 3.0, ()),  # too few answers of either kind
    ],
)
def test_reasons(
    share: float | None, base_share: float, mean: float | None, base_mean: float, expected: tuple[str, ...]
) -> None:
    r = Reading(not_helpful_share=share, baseline_share=base_share, mean_rating=mean, baseline_mean=base_mean)
    assert alerts.reasons(r, RULE) == expected
    # an alert is raised exactly when there is a reason
    assert (alerts.evaluate(False, r, RULE) == "raised") == bool(expected)


def test_reasons_follow_the_rules_margins() -> None:
    r = Reading(not_helpful_share=0.3, baseline_share=0.1, mean_rating=3.7, baseline_mean=4.2)
    assert alerts.reasons(r, RULE) == ()
    assert alerts.reasons(r, BurstRule(share_margin=0.2, rating_margin=0.5)) == ("not_helpful_share", "mean_rating")


# --- alerting.to_rows: deterministic envelopes -----------------------------------------------------------------

SNAPSHOT = AlertReading(
    window_start=AT - timedelta(hours=1),
    window_end=AT,
    answers_helpful=12,
    not_helpful_share=0.75,
    baseline_share=0.1,
    ratings=6,
    mean_rating=2.5,
    baseline_mean=4.2,
)


def events() -> list[SatisfactionAlertRaisedV1 | SatisfactionAlertResolvedV1]:
    raised = SatisfactionAlertRaisedV1(
        alert_id=alert_id("page", PAGE, 2), scope="page", key=PAGE, sequence=2, org_unit="abfallwirtschaft",
        site="abfall", at=AT, reading=SNAPSHOT, reasons=("not_helpful_share", "mean_rating"),
    )  # fmt: skip
    resolved = SatisfactionAlertResolvedV1(
        alert_id=alert_id("org_unit", "bürgerbüro", 1), scope="org_unit", key="bürgerbüro", sequence=1,
        org_unit="bürgerbüro", site=None, at=AT + timedelta(minutes=5),
        reading=SNAPSHOT.model_copy(update={"not_helpful_share": None, "mean_rating": None}),
    )  # fmt: skip
    return [raised, resolved]


def test_alert_ids_are_derived_from_scope_key_and_sequence() -> None:
    assert alert_id("page", PAGE, 2) == alert_id("page", PAGE, 2)
    assert len({alert_id("page", PAGE, 1), alert_id("page", PAGE, 2), alert_id("org_unit", PAGE, 1)}) == 3
    assert resolved_event_id(alert_id("page", PAGE, 1)) != alert_id("page", PAGE, 1)


def test_rows_carry_the_derived_event_ids() -> None:
    raised, resolved = events()
    (raised_row, raised_bytes), (resolved_row, resolved_bytes) = to_rows([raised, resolved])
    assert raised_row.event_id == alert_id("page", PAGE, 2)
    assert raised_row.event_type == "de.stadtstimme.alert.satisfaction-raised"
    assert raised_row.data is raised and raised_row.envelope == raised_bytes.decode()
    assert resolved_row.event_id == resolved_event_id(alert_id("org_unit", "bürgerbüro", 1))
    assert resolved_row.event_type == "de.stadtstimme.alert.satisfaction-resolved"
    assert resolved_row.data is resolved and resolved_row.envelope == resolved_bytes.decode()


def test_envelopes_decode_to_equal_events() -> None:
    for event, (row, raw) in zip(events(), to_rows(events()), strict=True):
        envelope, data = decode_envelope(raw, EVENT_TYPES)
        assert data == event
        assert type(data) is type(event)
        assert envelope.id == row.event_id
        assert (envelope.type, envelope.schemaversion, envelope.source) == (row.event_type, 1, SOURCE)
        assert envelope.subject == f"{event.scope}|{event.key}"
        assert envelope.time == event.at


def test_the_same_events_give_byte_identical_envelopes() -> None:
    first = [raw for _, raw in to_rows(events())]
    second = [raw for _, raw in to_rows(events())]  # rebuilt from scratch, as after a crash
    assert first == second
    assert first[0] != first[1]


# --- followup_id ---------------------------------------------------------------------------------------------


def test_followup_ids_are_deterministic_and_distinct() -> None:
    item = str(RESPONSE)
    fid = followup_id("escalate", item, "amtsleitung")
    assert fid == followup_id("escalate", item, "amtsleitung")
    assert fid == uuid.uuid5(outbox.NAMESPACE, f"followup|escalate|{item}|amtsleitung")
    others = {
        followup_id("repeat", item, "amtsleitung"),
        followup_id("escalate", str(uuid.uuid4()), "amtsleitung"),
        followup_id("escalate", item, "pr-team"),
    }
    assert fid not in others and len(others) == 3
    # and not the id of the item's own notification to that receiver
    assert fid != outbox.notification_id(RESPONSE, "amtsleitung")
