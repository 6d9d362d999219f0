"""The SDG/NFK monthly transfer, pure: which feedback goes to the Nationale Feedback-Komponente and in what shape,
when it is due, and how long to wait between delivery attempts. No I/O (``services.analytics.sdg`` reads, stores and
delivers).

Implementing Regulation (EU) 2020/1121 lets an "alternative user feedback tool" transmit, for each calendar month,
its feedback on SDG pages in bulk within five working days after the month ends (Art. 10), with the page's URL and
without any free text. ``build`` takes the month's answers (``FeedbackFact``: no text fields at all) and a lookup of
each page's SDG attributes (``shared.orgmodel.OrgModel.attributes``) and keeps the answers on SDG pages, mapped to
the common tool's comparable questions (``QUESTIONS``). The field mapping and its sources: docs/sdg-nfk.md.
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from email.utils import parsedate_to_datetime
from typing import Any, Protocol
from zoneinfo import ZoneInfo

import orjson

SCHEMA = "stadtstimme.sdg-transfer.v1"
SDG_KINDS = ("information", "procedure", "assistance")
_TRANSFERS = uuid.UUID("6f1d5c3e-2b0a-4f5e-9a61-7c3f0d8e41b2")  # never change: receivers deduplicate by the ids
_RECORDS = uuid.UUID("a4c27e90-5d13-4b8f-8e2a-19f6b0c5d7e3")


class SdgAttributes(Protocol):
    """What ``build`` needs of a page's attributes (``shared.orgmodel.PageAttributes`` has it)."""

    @property
    def service_key(self) -> str | None: ...
    @property
    def sdg_kind(self) -> str | None: ...
    @property
    def sdg_procedure(self) -> str | None: ...


Lookup = Callable[[str, str], SdgAttributes | None]  # (site id, normalised page URL) → attributes


@dataclass(frozen=True)
class Question:
    """One of the common feedback tool's questions that a Stadtstimme answer is comparable to."""

    id: str  # the question id in the transfer
    source: str  # the Stadtstimme answer it comes from (``feedback_response`` column)
    scale: tuple[Any, ...]  # the values it may take


# Stadtstimme's one-click question "War diese Seite hilfreich?" (yes / no) and its 1–5 star rating, mapped to the
# common tool's "did you find what you were looking for" and its overall 5-point rating. The ids are ours; the
# NFK upload interface's own names are in docs/sdg-nfk.md (to be checked against its definition before go-live).
QUESTIONS: tuple[Question, ...] = (
    Question("sdg.found-what-looking-for", "helpful", (True, False)),
    Question("sdg.overall-rating", "rating", (1, 2, 3, 4, 5)),
)


@dataclass(frozen=True)
class FeedbackFact:
    """One counted response of the month as the read models hold it (``feedback_response`` and its first part's
    language). It has no field for free text, so none can reach a transfer."""

    response_id: uuid.UUID
    site_id: str
    page_url: str
    received_at: datetime  # aware: when its first counted part arrived
    language: str
    helpful: bool | None
    rating: int | None


@dataclass(frozen=True)
class TransferRecord:
    record_id: uuid.UUID  # uuid5 of the response: stable across re-sends, not the response's own id
    day: date  # in the city's time zone
    page_url: str
    language: str
    sdg_kind: str
    sdg_procedure: str | None
    service_key: str | None
    answers: tuple[tuple[str, Any], ...]  # (question id, value), in QUESTIONS order, answered ones only

    def as_json(self) -> dict[str, Any]:
        return {
            "record_id": str(self.record_id),
            "date": self.day.isoformat(),
            "page_url": self.page_url,
            "language": self.language,
            "sdg_kind": self.sdg_kind,
            "sdg_procedure": self.sdg_procedure,
            "leika_key": self.service_key,
            "answers": [{"question_id": q, "value": v} for q, v in self.answers],
        }


@dataclass(frozen=True)
class Transfer:
    transfer_id: uuid.UUID
    month: date  # its first day
    records: tuple[TransferRecord, ...]

    def payload(self) -> bytes:
        """The JSON sent, byte for byte the same for the same transfer (sorted keys, records in a fixed order)."""
        return orjson.dumps(
            {"schema": SCHEMA, "transfer_id": str(self.transfer_id), "month": f"{self.month:%Y-%m}",
             "questions": [{"question_id": q.id, "scale": list(q.scale)} for q in QUESTIONS],
             "records": [r.as_json() for r in self.records]},
            option=orjson.OPT_SORT_KEYS,
        )  # fmt: skip


def content_hash(payload: bytes) -> str:
    return hashlib.sha256(payload).hexdigest()


def transfer_id(month: date) -> uuid.UUID:
    return uuid.uuid5(_TRANSFERS, f"{month:%Y-%m}")


def month_window(month: date, tz: str) -> tuple[datetime, datetime]:
    """[start, end) of the calendar month in the city's time zone."""
    zone = ZoneInfo(tz)
    first = month.replace(day=1)
    after = first.replace(year=first.year + 1, month=1) if first.month == 12 else first.replace(month=first.month + 1)
    return datetime(first.year, first.month, 1, tzinfo=zone), datetime(after.year, after.month, 1, tzinfo=zone)


def answers_of(fact: FeedbackFact) -> tuple[tuple[str, Any], ...]:
    values = {"helpful": fact.helpful, "rating": fact.rating}
    return tuple((q.id, values[q.source]) for q in QUESTIONS
                 if values[q.source] is not None and values[q.source] in q.scale)  # fmt: skip


def record_of(fact: FeedbackFact, attributes: SdgAttributes | None, tz: str) -> TransferRecord | None:
    """The transfer record of one answer, or None: not an SDG page, or nothing comparable answered."""
    if attributes is None or attributes.sdg_kind not in SDG_KINDS:
        return None
    answers = answers_of(fact)
    if not answers:
        return None
    return TransferRecord(
        record_id=uuid.uuid5(_RECORDS, str(fact.response_id)),
        day=fact.received_at.astimezone(ZoneInfo(tz)).date(),
        page_url=fact.page_url,
        language=fact.language,
        sdg_kind=str(attributes.sdg_kind),
        sdg_procedure=attributes.sdg_procedure if attributes.sdg_kind == "procedure" else None,
        service_key=attributes.service_key,
        answers=answers,
    )


def build(month: date, tz: str, facts: Iterable[FeedbackFact], lookup: Lookup) -> Transfer:
    """The month's transfer: one record per answer on an SDG page received in the month (city time), ordered by
    day, page and record id."""
    first = month.replace(day=1)
    start, end = month_window(first, tz)
    records = []
    for fact in facts:
        if start <= fact.received_at < end:
            record = record_of(fact, lookup(fact.site_id, fact.page_url), tz)
            if record is not None:
                records.append(record)
    records.sort(key=lambda r: (r.day, r.page_url, str(r.record_id)))
    return Transfer(transfer_id(first), first, tuple(records))


# ---- When it is due ----


def easter_sunday(year: int) -> date:
    """Easter Sunday of the Gregorian calendar (the anonymous algorithm, Meeus/Jones/Butcher)."""
    a, b, c = year % 19, year // 100, year % 100
    d, e = b // 4, b % 4
    g = (8 * b + 13) // 25
    h = (19 * a + b - d - g + 15) % 30
    i, k = c // 4, c % 4
    l = (32 + 2 * e + 2 * i - h - k) % 7  # noqa: E741 (the algorithm's own name)
    m = (a + 11 * h + 19 * l) // 433
    month = (h + l - 7 * m + 90) // 25
    day = (h + l - 7 * m + 33 * month + 19) % 32
    return date(year, month, day)


def federal_holidays(year: int) -> frozenset[date]:
    """Germany's public holidays in every Land (Länder add their own; the duty is counted in federal ones):
    New Year, Good Friday, Easter Monday, 1 May, Ascension, Whit Monday, 3 October, Christmas Day and Boxing Day."""
    easter = easter_sunday(year)
    fixed = {date(year, 1, 1), date(year, 5, 1), date(year, 10, 3), date(year, 12, 25), date(year, 12, 26)}
    moving = {easter + timedelta(days=n) for n in (-2, 1, 39, 50)}
    return frozenset(fixed | moving)


def is_working_day(day: date) -> bool:
    return day.weekday() < 5 and day not in federal_holidays(day.year)


WORKING_DAYS = 5


def due_date(month: date) -> date:
    """The last day to transfer ``month``: the fifth working day after it ends (weekends and federal holidays are
    not working days)."""
    first = month.replace(day=1)
    day = first.replace(year=first.year + 1, month=1) if first.month == 12 else first.replace(month=first.month + 1)
    day -= timedelta(days=1)
    counted = 0
    while counted < WORKING_DAYS:
        day += timedelta(days=1)
        counted += is_working_day(day)
    return day


# ---- Delivering ----


def retry_delays(attempts: int, first_s: float, cap_s: float = 3600.0) -> list[float]:
    """The pauses between ``attempts`` attempts: ``first_s``, doubled each time, at most ``cap_s`` each."""
    return [min(first_s * 2**n, cap_s) for n in range(max(attempts - 1, 0))]


def pause(planned_s: float, retry_after: str | None, now: datetime, cap_s: float = 3600.0) -> float:
    """The pause before the next attempt: the planned one (``retry_delays``), or longer when the receiver asked for
    it in ``Retry-After`` (seconds or an HTTP date, RFC 9110 10.2.3; with 429 and 503 an interface says when it
    takes uploads again), at most ``cap_s``. A value that cannot be read is ignored."""
    wanted = 0.0
    if retry_after is not None and retry_after.strip().isdigit():
        wanted = float(retry_after.strip())
    elif retry_after:
        try:
            wanted = (parsedate_to_datetime(retry_after) - now).total_seconds()
        except (TypeError, ValueError, IndexError):
            wanted = 0.0
    return max(planned_s, min(wanted, cap_s))


def outcome(status: int | None) -> str:
    """What an attempt's answer means: ``delivered`` (2xx), ``retry`` (no answer, 408, 425, 429, 5xx: passing) or
    ``refused`` (any other status: trying again would get the same answer)."""
    if status is None or status in (408, 425, 429) or status >= 500:
        return "retry"
    if 200 <= status < 300:
        return "delivered"
    return "refused"
