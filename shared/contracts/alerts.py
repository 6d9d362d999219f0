"""Satisfaction alerts: a page or an org unit whose satisfaction in the last hour departs from its own baseline.

The analytics service evaluates the rule (``services/analytics/alerts.py``) every few minutes and publishes
``SatisfactionAlertRaised`` when a scope starts to depart and ``SatisfactionAlertResolved`` when it has come
back, on ``stadtstimme.alerts.v1``, keyed ``scope|key``, so the events of one scope stay in order.

Each scope's alerts are numbered (``sequence`` 1, 2, 3, …) and an alert's id is derived from the scope and its
number: an evaluator that crashed after publishing and raises again publishes the same id, and a projection
applies a raise only as the scope's next number and a resolve only for the alert that is open.
"""

from __future__ import annotations

from datetime import datetime
from typing import Literal
from uuid import NAMESPACE_URL, UUID, uuid5

from pydantic import BaseModel, ConfigDict, Field

from shared.contracts.envelope import EventType

AlertScope = Literal["page", "org_unit"]
# Namespace of the deterministic alert ids (uuid5); never change it.
ALERT_ID_NAMESPACE = uuid5(NAMESPACE_URL, "urn:stadtstimme:alerts:satisfaction")


def alert_id(scope: str, key: str, sequence: int) -> UUID:
    """The id of the ``sequence``-th alert of a scope; the Raised event carries it as its envelope id."""
    return uuid5(ALERT_ID_NAMESPACE, f"{scope}|{key}|{sequence}")


def resolved_event_id(alert: UUID) -> UUID:
    return uuid5(ALERT_ID_NAMESPACE, f"{alert}|resolved")


class AlertReading(BaseModel):
    """The figures the decision was taken on: the window against the scope's baseline."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    window_start: datetime
    window_end: datetime
    answers_helpful: int = Field(ge=0, description="Helpful yes/no answers in the window.")
    not_helpful_share: float | None = Field(ge=0, le=1, description="Null: fewer answers than the rule's minimum.")
    baseline_share: float = Field(ge=0, le=1, description="Share of 'not helpful' in the baseline (0.5 without).")
    ratings: int = Field(ge=0, description="Star ratings in the window.")
    mean_rating: float | None = Field(ge=1, le=5, description="Null: fewer ratings than the rule's minimum.")
    baseline_mean: float = Field(ge=1, le=5, description="Mean rating of the baseline (3.0 without).")


class _AlertEvent(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    alert_id: UUID = Field(description="alert_id(scope, key, sequence); the Raised event's envelope id.")
    scope: AlertScope = Field(description="'page': one page URL; 'org_unit': all pages of one org unit.")
    key: str = Field(min_length=1, max_length=2048, description="Page URL (scope page) or org unit id.")
    sequence: int = Field(ge=1, description="Number of this alert among the scope's alerts.")
    org_unit: str = Field(min_length=1, max_length=64, description="Org unit (for pages: of the window's answers).")
    site: str | None = Field(None, max_length=64, description="Site id of the page; null for org units.")
    at: datetime = Field(description="When the rule was evaluated.")
    reading: AlertReading


class SatisfactionAlertRaisedV1(_AlertEvent):
    """Data of ``de.stadtstimme.alert.satisfaction-raised`` v1: the scope departs from its baseline."""

    reasons: tuple[Literal["not_helpful_share", "mean_rating"], ...] = Field(
        min_length=1, description="Which figures departed by at least the rule's margin."
    )


class SatisfactionAlertResolvedV1(_AlertEvent):
    """Data of ``de.stadtstimme.alert.satisfaction-resolved`` v1: the scope is back within half the margins, or
    has too few answers in the window to judge."""


SATISFACTION_ALERT_RAISED = EventType("de.stadtstimme.alert.satisfaction-raised", 1, SatisfactionAlertRaisedV1)
SATISFACTION_ALERT_RESOLVED = EventType("de.stadtstimme.alert.satisfaction-resolved", 1, SatisfactionAlertResolvedV1)
ALERT_EVENT_TYPES = (SATISFACTION_ALERT_RAISED, SATISFACTION_ALERT_RESOLVED)
AlertEvent = SatisfactionAlertRaisedV1 | SatisfactionAlertResolvedV1
