"""Deadlines of barrier reports, pure: the console shows them, the notifier reminds before they pass. The city sets
the period (``STADTSTIMME_BARRIER_RESPONSE_DAYS``, default six weeks) and the reminder's lead
(``STADTSTIMME_BARRIER_REMINDER_DAYS``)."""

from __future__ import annotations

from datetime import datetime, timedelta


def response_deadline(received_at: datetime, days: int) -> datetime:
    """When the answer to a report received at ``received_at`` is due."""
    return received_at + timedelta(days=days)


def reminder_at(received_at: datetime, days: int, lead_days: int) -> datetime:
    """When the accessibility officer is reminded of an unanswered report: ``lead_days`` before its deadline, but
    not before it arrived."""
    return max(received_at, response_deadline(received_at, days) - timedelta(days=lead_days))
