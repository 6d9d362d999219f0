"""The notifier's routing tree: known answers for matching, continue, inheritance, quiet hours and errors."""

from __future__ import annotations

import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from pydantic import ValidationError

from services.notifier.config import load_config, load_config_file
from services.notifier.routing import Matcher, QuietHours, Route, format_duration, parse_duration, route
from shared.yamlconfig import ConfigErrors

BERLIN = ZoneInfo("Europe/Berlin")
TREE = Route.model_validate(
    {
        "receiver": "pr-team",
        "group_by": ["type", "unit"],
        "routes": [
            {"name": "barrieren", "matchers": ["type = accessibility.barrier"], "receiver": "barrierefreiheit",
             "continue": True},
            {"name": "abfall", "matchers": ["unit = abfallwirtschaft"], "receiver": "abfall-team",
             "group_wait": "1m", "quiet_hours": {"start": "20:00", "end": "07:00"},
             "routes": [{"name": "kalender", "matchers": ["page ^= https://abfall.musterstadt.de/abfallkalender"],
                         "receiver": "abfall-it", "digest": "daily"}]},
            {"name": "bäder", "matchers": ["unit =~ baeder|schwimmbad", "severity != info"], "receiver": "bad"},
        ],
    },
    context={"receivers": {"pr-team", "barrierefreiheit", "abfall-team", "abfall-it", "bad"}},
)  # fmt: skip


def receivers(**labels: str) -> list[tuple[str, str]]:
    return [(d.receiver, d.route) for d in route(TREE, labels)]


def test_first_matching_child_wins_unless_it_continues() -> None:
    assert receivers(type="comment.new", unit="abfallwirtschaft") == [("abfall-team", "root / abfall")]
    assert receivers(type="comment.new", unit="abfallwirtschaft",
                     page="https://abfall.musterstadt.de/abfallkalender?x=1") == [
        ("abfall-it", "root / abfall / kalender")]  # fmt: skip
    # continue: the accessibility officer and then the unit's route
    assert receivers(type="accessibility.barrier", unit="abfallwirtschaft") == [
        ("barrierefreiheit", "root / barrieren"), ("abfall-team", "root / abfall")]  # fmt: skip
    assert receivers(type="comment.new", unit="stadtwerke") == [("pr-team", "root")]  # nothing matched: the root
    assert receivers(type="comment.new", unit="baeder", severity="warning") == [("bad", "root / bäder")]
    assert receivers(type="comment.new", unit="baeder", severity="info") == [("pr-team", "root")]
    assert receivers(type="comment.new", unit="baeder-nord") == [("pr-team", "root")]  # =~ matches whole values


def test_settings_are_inherited_and_overridden() -> None:
    (kalender,) = route(TREE, {"unit": "abfallwirtschaft", "page": "https://abfall.musterstadt.de/abfallkalender"})
    p = kalender.policy
    assert (p.group_wait, p.digest, p.group_by, p.repeat_interval) == (
        timedelta(minutes=1), "daily", ("type", "unit"), timedelta(hours=4))  # fmt: skip
    assert p.quiet_hours is not None and p.quiet_hours.start.hour == 20  # from the parent route
    page_rule = "root / abfall / kalender: page ^= https://abfall.musterstadt.de/abfallkalender"
    assert kalender.reasons == ("root / abfall: unit = abfallwirtschaft", page_rule)
    assert kalender.group_key({"type": "comment.new", "unit": "abfallwirtschaft"}) == (
        "root / abfall / kalender|abfall-it|type=comment.new|unit=abfallwirtschaft")  # fmt: skip


def test_quiet_hours_hold_until_they_end() -> None:
    night = QuietHours.model_validate({"start": "20:00", "end": "07:00"})
    at = datetime(2026, 11, 27, 21, 30, tzinfo=BERLIN)  # Friday evening
    assert night.release(at, BERLIN) == datetime(2026, 11, 28, 7, 0, tzinfo=BERLIN)
    assert night.release(datetime(2026, 11, 28, 6, 59, tzinfo=BERLIN), BERLIN) == datetime(2026, 11, 28, 7, 0,
                                                                                          tzinfo=BERLIN)  # fmt: skip
    assert night.release(datetime(2026, 11, 28, 12, 0, tzinfo=BERLIN), BERLIN) is None
    assert night.release(datetime(2026, 11, 28, 6, 0, tzinfo=UTC), BERLIN) is None  # 07:00 in Berlin: over
    weekend = QuietHours.model_validate({"start": "00:00", "end": "00:00", "days": ["sa", "so"]})
    assert weekend.release(at, BERLIN) is None  # Friday
    saturday = datetime(2026, 11, 28, 10, 0, tzinfo=BERLIN)
    assert weekend.release(saturday, BERLIN) == datetime(2026, 11, 30, 0, 0, tzinfo=BERLIN)  # Monday, 00:00
    # Across the change to summer time (29 March 2026): 07:00 local is still 07:00 local.
    assert night.release(datetime(2026, 3, 28, 23, 0, tzinfo=BERLIN), BERLIN) == datetime(2026, 3, 29, 7, 0,
                                                                                          tzinfo=BERLIN)  # fmt: skip


def test_durations_and_matchers() -> None:
    assert parse_duration("30s") == timedelta(seconds=30) and parse_duration("2d") == timedelta(days=2)
    for bad in ("30", "1.5h", "5 min", "-1m", ""):
        with pytest.raises(ValueError):
            parse_duration(bad)
    assert Matcher.parse('unit="stadtwerke"').value == "stadtwerke"
    for bad, message in (("farbe = rot", "unknown label"), ("unit stadtwerke", "no matcher"),
                         ("unit =~ (", "no regular expression")):  # fmt: skip
        with pytest.raises(ValueError, match=message):
            Matcher.parse(bad)


def test_durations_print_as_they_are_written() -> None:
    for text in ("30s", "90s", "5m", "90m", "4h", "1d", "2w"):
        assert format_duration(parse_duration(text)) == text
    assert format_duration(timedelta(hours=24)) == "1d" and format_duration(timedelta(0)) == "0s"


def test_tree_errors_are_clear() -> None:
    with pytest.raises(ValidationError, match="unknown receiver 'niemand'"):
        Route.model_validate({"receiver": "niemand"}, context={"receivers": {"pr-team"}})
    with pytest.raises(ValidationError, match="escalate_after and escalate_to go together"):
        Route.model_validate({"receiver": "pr-team", "escalate_after": "2d"})
    with pytest.raises(ValidationError, match="unknown label 'farbe'"):
        Route.model_validate({"receiver": "pr-team", "group_by": ["farbe"]})
    with pytest.raises(ValidationError, match="no duration"):
        Route.model_validate({"receiver": "pr-team", "group_wait": "bald"})


def test_due_times_group_digest_and_hold() -> None:
    from services.notifier.routing import Policy, due_at

    friday_evening = datetime(2026, 11, 27, 19, 59, 50, tzinfo=BERLIN)
    plain = Policy(receiver="x", group_wait=timedelta(seconds=30), group_interval=timedelta(minutes=5))
    assert due_at(plain, friday_evening, BERLIN, None) == friday_evening + timedelta(seconds=30)
    # The group sent a message a minute ago: the next one waits for the group interval.
    assert due_at(plain, friday_evening, BERLIN, friday_evening - timedelta(minutes=1)) == (
        friday_evening + timedelta(minutes=4))  # fmt: skip
    quiet = QuietHours.model_validate({"start": "20:00", "end": "07:00"})
    held = Policy(receiver="x", quiet_hours=quiet)
    assert due_at(held, friday_evening, BERLIN, None) == datetime(2026, 11, 28, 7, 0, tzinfo=BERLIN)
    hourly = Policy(receiver="x", digest="hourly")
    assert due_at(hourly, datetime(2026, 11, 27, 10, 5, tzinfo=BERLIN), BERLIN, None) == datetime(
        2026, 11, 27, 11, 0, tzinfo=BERLIN)  # fmt: skip
    daily = Policy(receiver="x", digest="daily")
    assert due_at(daily, datetime(2026, 11, 27, 10, 5, tzinfo=BERLIN), BERLIN, None) == datetime(
        2026, 11, 28, 8, 0, tzinfo=BERLIN)  # fmt: skip
    weekly = Policy(receiver="x", digest="weekly", quiet_hours=QuietHours.model_validate(
        {"start": "00:00", "end": "09:00", "days": ["mo"]}))  # fmt: skip
    # Monday 08:00 is the weekly digest, but Monday until 09:00 is quiet: held until 09:00.
    assert due_at(weekly, datetime(2026, 11, 27, 10, 5, tzinfo=BERLIN), BERLIN, None) == datetime(
        2026, 11, 30, 9, 0, tzinfo=BERLIN)  # fmt: skip


DEMO = Path(__file__).parents[2] / "stadtstimme" / "demo-notifier.yaml"
# (labels, receivers in order): `routes test` and the notifier both ask NotifierConfig.deliveries.
CASES = [
    ({"type": "comment.new", "unit": "abfallwirtschaft"}, ["abfall-team"]),
    ({"type": "accessibility.barrier", "unit": "abfallwirtschaft"}, ["barrierefreiheit", "abfall-team"]),
    ({"type": "accessibility.barrier", "unit": "baeder"}, ["barrierefreiheit", "pr-team"]),
    ({"type": "comment.new", "unit": "buergeramt", "severity": "warning"}, ["buergeramt"]),
    ({"type": "comment.new", "unit": "buergeramt", "severity": "info"}, ["buergeramt"]),
    ({"type": "comment.new", "unit": "stadtwerke"}, ["pr-team"]),
    ({"type": "satisfaction.alert", "unit": "stadtwerke", "severity": "warning"}, ["pr-team"]),
    ({"type": "satisfaction.alert", "unit": "abfallwirtschaft", "severity": "warning"}, ["pr-team", "abfall-team"]),
    ({"type": "satisfaction.alert", "unit": "buergeramt", "severity": "warning"}, ["pr-team", "buergeramt"]),
    ({"type": "survey.quota_reached", "unit": "buergeramt", "severity": "info"}, ["buergeramt"]),
]


@pytest.mark.parametrize(("labels", "expected"), CASES)
def test_demo_routing_table(labels: dict[str, str], expected: list[str]) -> None:
    config = load_config_file(DEMO)
    assert [d.receiver for d in config.deliveries(labels)] == expected


def test_routes_test_command_prints_the_same_receivers() -> None:
    for labels, expected in CASES:
        args = [sys.executable, "-m", "stadtstimme.cli", "notifier", "routes", "test", "--config", str(DEMO)]
        args += [a for k, v in labels.items() for a in ("--label", f"{k}={v}")]
        done = subprocess.run(args, capture_output=True, text=True, timeout=60, check=True)
        printed = [line.split("\t")[0] for line in done.stdout.splitlines() if not line.startswith("\t")]
        assert printed == expected, (labels, done.stdout)


def test_config_errors_name_file_line_and_path() -> None:
    broken = """accessibility_officer: niemand
receivers:
  - name: pr-team
    channel: {type: email, to: [presse@musterstadt.de]}
  - name: pr-team
    channel: {type: pager, number: "110"}
route:
  receiver: pr-team
  routes:
    - matchers: ["farbe = rot"]
      receiver: gibt-es-nicht
      group_wait: bald
"""
    with pytest.raises(ConfigErrors) as errors:
        load_config(broken, "notifier.yaml")
    text = str(errors.value)
    for expected in ("notifier.yaml:1:", "unknown receiver 'niemand'", "notifier.yaml:6:", "notifier.yaml:10:",
                     "unknown label 'farbe'", "notifier.yaml:12:", "no duration"):  # fmt: skip
        assert expected in text, text
