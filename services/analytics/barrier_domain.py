"""Barrier reports for the accessibility officer, pure: what a report's state is (open, overdue, answered or
closed), how the list is ordered (overdue first, then by deadline, answered or closed last), how long ago in words,
and what an answer needs."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from shared.barriers import response_deadline

ANSWER_MAX_CHARS = 5000


@dataclass(frozen=True)
class Report:
    response_id: str
    received_at: datetime
    answered_at: datetime | None
    closed_at: datetime | None = None  # closed without (another) answer: removed, nothing to do, unreachable

    @property
    def done_at(self) -> datetime | None:
        """When the team last dealt with it (answered or closed); None while it is open."""
        moments = [m for m in (self.answered_at, self.closed_at) if m is not None]
        return max(moments) if moments else None


@dataclass(frozen=True)
class Standing:
    """A report's place in the officer's list."""

    deadline: datetime
    overdue: bool
    done: bool  # answered or closed


def standing(report: Report, days: int, now: datetime) -> Standing:
    deadline = response_deadline(report.received_at, days)
    done = report.done_at is not None
    return Standing(deadline, not done and now > deadline, done)


def ordered(reports: list[Report], days: int, now: datetime) -> list[tuple[Report, Standing]]:
    """Open reports first, the most overdue (earliest deadline) at the top; answered or closed ones last, the
    most recently dealt with first."""
    placed = [(r, standing(r, days, now)) for r in reports]
    open_ = sorted((p for p in placed if not p[1].done), key=lambda p: (p[1].deadline, p[0].response_id))
    done = sorted((p for p in placed if p[1].done), key=lambda p: p[0].done_at or now, reverse=True)
    return open_ + done


def days_between(earlier: datetime, later: datetime) -> int:
    """Whole days from ``earlier`` to ``later`` (negative when ``later`` is before ``earlier``)."""
    return int((later - earlier).total_seconds() // 86400)


def answer_refusal(text: str) -> str | None:
    """The catalogue key refusing an answer's text (None: acceptable)."""
    if not text.strip():
        return "barriers.error.answer_empty"
    if len(text) > ANSWER_MAX_CHARS:
        return "barriers.error.answer_long"
    return None
