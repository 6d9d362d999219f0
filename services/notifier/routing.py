"""The notifier's routing tree, pure: which receivers a notification goes to, with which timing, and why.

Semantics follow Prometheus Alertmanager, which city IT may know: the root route takes everything; its child
routes are tried in order, and the first whose matchers all hold takes the notification, unless it says
``continue: true``, then the following siblings are tried too; a route none of whose children match delivers
itself. Settings a route leaves out (receiver, grouping, timing, digest, quiet hours, escalation) come from its
parent.

Matchers are ``label op value`` with ``=``, ``!=``, ``=~`` and ``!~`` (regular expressions, matched against the
whole value) and ``^=`` (starts with, for URL prefixes). A label a notification lacks has the value "".

Quiet hours **hold** notifications and deliver them when the quiet time ends; nothing is dropped.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from functools import lru_cache
from typing import Annotated, Any, Literal, Self
from zoneinfo import ZoneInfo

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, ValidationInfo, field_validator, model_validator

LABELS = ("type", "unit", "site", "page", "category", "severity", "survey")
DIGESTS = ("immediate", "hourly", "daily", "weekly")
Day = Literal["mo", "di", "mi", "do", "fr", "sa", "so"]
DAYS: tuple[Day, ...] = ("mo", "di", "mi", "do", "fr", "sa", "so")  # Montag … Sonntag
_DURATION = re.compile(r"^(\d+)(s|m|h|d|w)$")
_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800}
_MATCHER = re.compile(r"^\s*([a-z_]+)\s*(=~|!~|!=|\^=|=)\s*(.*?)\s*$")


def parse_duration(value: Any) -> timedelta:
    """``30s``, ``5m``, ``4h``, ``2d``, ``1w`` (one unit, whole numbers) as a timedelta."""
    if isinstance(value, timedelta):
        return value
    match = _DURATION.match(str(value).strip())
    if not match:
        raise ValueError(f"{value!r} is no duration: a whole number and s, m, h, d or w, e.g. 30s, 5m, 4h, 2d")
    return timedelta(seconds=int(match[1]) * _UNITS[match[2]])


Duration = Annotated[timedelta, BeforeValidator(parse_duration)]


def format_duration(value: timedelta) -> str:
    """The inverse of ``parse_duration``: the largest unit that divides it (``90m``, ``4h``, ``1d``)."""
    seconds = int(value.total_seconds())
    for unit in ("w", "d", "h", "m"):
        if seconds and seconds % _UNITS[unit] == 0:
            return f"{seconds // _UNITS[unit]}{unit}"
    return f"{seconds}s"


@dataclass(frozen=True)
class Matcher:
    label: str
    op: str
    value: str
    pattern: re.Pattern[str] | None = None

    @classmethod
    def parse(cls, text: str) -> Matcher:
        match = _MATCHER.match(text)
        if not match:
            raise ValueError(f"{text!r} is no matcher: label, one of = != =~ !~ ^=, value (e.g. unit = stadtwerke)")
        label, op, value = match[1], match[2], match[3].strip("\"'")
        if label not in LABELS:
            raise ValueError(f"unknown label {label!r}; labels are {', '.join(LABELS)}")
        pattern = None
        if op in ("=~", "!~"):
            try:
                pattern = re.compile(value)
            except re.error as exc:
                raise ValueError(f"{value!r} is no regular expression: {exc}") from None
        return cls(label, op, value, pattern)

    def holds(self, labels: dict[str, str]) -> bool:
        actual = labels.get(self.label, "")
        if self.op == "=":
            return actual == self.value
        if self.op == "!=":
            return actual != self.value
        if self.op == "^=":
            return actual.startswith(self.value)
        assert self.pattern is not None
        found = self.pattern.fullmatch(actual) is not None
        return found if self.op == "=~" else not found

    def __str__(self) -> str:
        return f"{self.label} {self.op} {self.value}"


class QuietHours(BaseModel):
    """Times in which a route's notifications wait (e.g. 20:00–07:00, or the whole weekend); held notifications
    go out when the quiet time ends. ``start`` after ``end`` spans midnight."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    start: time
    end: time
    days: tuple[Day, ...] = DAYS

    @field_validator("start", "end", mode="before")
    @classmethod
    def _clock(cls, value: Any) -> Any:
        if isinstance(value, int):  # YAML 1.1 reads 20:00 as a sexagesimal number (1200)
            return time(value // 60, value % 60)
        return value

    def _window(self, day: date, tz: ZoneInfo) -> tuple[datetime, datetime] | None:
        """The quiet time starting on ``day`` (wall-clock times in ``tz``), if that day has one."""
        if DAYS[day.weekday()] not in self.days:
            return None
        end_day = day + timedelta(days=1) if self.end <= self.start else day
        return datetime.combine(day, self.start, tz), datetime.combine(end_day, self.end, tz)

    def release(self, now: datetime, tz: ZoneInfo) -> datetime | None:
        """When a notification arriving at ``now`` may be delivered: None at once, else the end of the quiet
        time. Adjoining quiet times (``00:00``–``00:00`` on sa and so: the weekend) count as one."""
        local = now.astimezone(tz)
        for back in (1, 0):  # yesterday's quiet time may reach past midnight
            window = self._window(local.date() - timedelta(days=back), tz)
            if window is not None and window[0] <= local < window[1]:
                end = window[1]
                for _ in range(7):
                    following = self._window(end.date(), tz)
                    if following is None or following[0] > end or following[1] <= end:
                        break
                    end = following[1]
                return end
        return None


class Route(BaseModel):
    """One node of the routing tree (see the module's docstring)."""

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    name: str | None = Field(None, max_length=80, description="Shown by `routes test`; default: its position.")
    matchers: tuple[str, ...] = ()
    receiver: str | None = None
    continue_: bool = Field(False, alias="continue")
    group_by: tuple[str, ...] | None = None
    group_wait: Duration | None = None
    group_interval: Duration | None = None
    repeat_interval: Duration | None = None
    digest: Literal["immediate", "hourly", "daily", "weekly"] | None = None
    quiet_hours: QuietHours | None = None
    escalate_after: Duration | None = None
    escalate_to: str | None = None
    routes: tuple[Route, ...] = ()

    @field_validator("matchers")
    @classmethod
    def _matchers(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        for text in value:
            Matcher.parse(text)
        return value

    @field_validator("group_by")
    @classmethod
    def _group_by(cls, value: tuple[str, ...] | None) -> tuple[str, ...] | None:
        for label in value or ():
            if label not in LABELS:
                raise ValueError(f"unknown label {label!r}; labels are {', '.join(LABELS)}")
        return value

    @model_validator(mode="after")
    def _references(self, info: ValidationInfo) -> Self:
        known = (info.context or {}).get("receivers")
        if known is not None:
            for name in (self.receiver, self.escalate_to):
                if name is not None and name not in known:
                    raise ValueError(f"unknown receiver {name!r}; receivers are {', '.join(sorted(known))}")
        if (self.escalate_after is None) != (self.escalate_to is None):
            raise ValueError("escalate_after and escalate_to go together")
        return self

    def parsed(self) -> tuple[Matcher, ...]:
        return tuple(_matcher(m) for m in self.matchers)


@lru_cache(maxsize=4096)
def _matcher(text: str) -> Matcher:
    """Matchers are parsed (and their regular expressions compiled) once, not for every event routed."""
    return Matcher.parse(text)


@dataclass(frozen=True)
class Policy:
    """A route's effective settings after inheritance."""

    receiver: str
    group_by: tuple[str, ...] = ("type", "unit")
    group_wait: timedelta = timedelta(seconds=30)
    group_interval: timedelta = timedelta(minutes=5)
    repeat_interval: timedelta = timedelta(hours=4)
    digest: str = "immediate"
    quiet_hours: QuietHours | None = None
    escalate_after: timedelta | None = None
    escalate_to: str | None = None

    def under(self, route: Route) -> Policy:
        changes = {
            key: getattr(route, key)
            for key in ("receiver", "group_by", "group_wait", "group_interval", "repeat_interval", "digest",
                        "quiet_hours", "escalate_after", "escalate_to")
            if getattr(route, key) is not None
        }  # fmt: skip
        return Policy(**{**self.__dict__, **changes})


@dataclass(frozen=True)
class Delivery:
    """One receiver a notification goes to: the route that decided it and why."""

    receiver: str
    route: str  # path of route names, e.g. "root / abfall"
    policy: Policy
    reasons: tuple[str, ...] = field(default=())

    def group_key(self, labels: dict[str, str]) -> str:
        """Notifications with the same key on the same route and receiver are sent together."""
        return "|".join([self.route, self.receiver] + [f"{k}={labels.get(k, '')}" for k in self.policy.group_by])


def route(root: Route, labels: dict[str, str]) -> list[Delivery]:
    """Every delivery a notification with ``labels`` gets; empty only if the tree has no receiver for it."""
    if root.receiver is None:
        raise ValueError("the root route needs a receiver")
    found = _walk(root, labels, Policy(receiver=root.receiver), "root", ())
    # One delivery per receiver: the first route that reached it decides (like Alertmanager with continue).
    seen: set[str] = set()
    unique = []
    for delivery in found:
        if delivery.receiver not in seen:
            seen.add(delivery.receiver)
            unique.append(delivery)
    return unique


def _walk(node: Route, labels: dict[str, str], parent: Policy, path: str, reasons: tuple[str, ...]) -> list[Delivery]:
    matchers = node.parsed()
    if not all(m.holds(labels) for m in matchers):
        return []
    policy = parent.under(node)
    reasons = reasons + tuple(f"{path}: {m}" for m in matchers)
    found: list[Delivery] = []
    for index, child in enumerate(node.routes):
        child_path = f"{path} / {child.name or f'routes[{index}]'}"
        deliveries = _walk(child, labels, policy, child_path, reasons)
        if deliveries:
            found += deliveries
            if not child.continue_:
                break
    return found or [Delivery(policy.receiver, path, policy, reasons)]


DIGEST_HOUR = 8  # daily and weekly digests go out at 08:00 local time (weekly: on Mondays)


def digest_time(at: datetime, digest: str, tz: ZoneInfo) -> datetime:
    """The first digest boundary at or after ``at``: the next full hour, 08:00, or Monday 08:00 (local)."""
    local = at.astimezone(tz)
    if digest == "immediate":
        return at
    if digest == "hourly":
        start = local.replace(minute=0, second=0, microsecond=0)
        return start if start == local else start + timedelta(hours=1)
    day = local.date()
    while True:
        candidate = datetime.combine(day, time(DIGEST_HOUR), tz)
        if candidate >= local and (digest == "daily" or day.weekday() == 0):
            return candidate
        day += timedelta(days=1)


def due_at(policy: Policy, now: datetime, tz: ZoneInfo, last_sent: datetime | None) -> datetime:
    """When a notification created at ``now`` goes out: after ``group_wait`` (so that a burst becomes one
    message), not sooner than ``group_interval`` after the group's previous message, at the route's digest
    time, and never within quiet hours (held until they end)."""
    due = now + policy.group_wait
    if last_sent is not None:
        due = max(due, last_sent + policy.group_interval)
    due = digest_time(due, policy.digest, tz)
    if policy.quiet_hours is not None:
        due = policy.quiet_hours.release(due, tz) or due
    return due
