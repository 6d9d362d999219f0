"""``SatisfactionAggregateUpdated``: the full current state of one satisfaction bucket, for analysts.

Each message carries the whole state of its bucket (not a delta), keyed ``scope|key|granularity|bucket_start``
on a compacted topic: a reader keeps the latest message per key and has the current figures, and reading a
message twice changes nothing. The envelope ``id`` is derived from the state (see ``aggregate_event_id``), so
the same state published twice carries the same id.
"""

from __future__ import annotations

from datetime import datetime
from typing import Literal, Self
from uuid import NAMESPACE_URL, UUID, uuid5

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, model_validator

from shared.contracts.envelope import EventType

Scope = Literal["page", "org_unit"]
Granularity = Literal["hour", "day"]
RATINGS = ("1", "2", "3", "4", "5")
# Namespace of the deterministic ids of aggregate updates (uuid5); never change it.
AGGREGATE_ID_NAMESPACE = uuid5(NAMESPACE_URL, "urn:stadtstimme:metrics:satisfaction")


class SatisfactionAggregateUpdatedV1(BaseModel):
    """Data of ``de.stadtstimme.metrics.satisfaction.updated`` v1: one bucket's figures after ``as_of_event``.

    Figures come from a stream processor with at-least-once processing; the exact figures staff see come from
    the PostgreSQL read models.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    scope: Scope = Field(description="'page': one page URL; 'org_unit': all pages of one org unit.")
    key: str = Field(min_length=1, description="Page URL (scope page) or org unit id (scope org_unit).")
    org_unit: str = Field(min_length=1, description="Org unit (for pages: of the last counted feedback).")
    site: str | None = Field(None, description="Site id of the page (last counted feedback); null for org units.")
    granularity: Granularity
    bucket_start: AwareDatetime = Field(
        description="Start of the bucket with UTC offset; hours and days in the installation's time zone."
    )
    responses: int = Field(ge=0, description="Distinct feedback events counted.")
    helpful_yes: int = Field(ge=0)
    helpful_no: int = Field(ge=0)
    rating_count: int = Field(ge=0)
    rating_sum: int = Field(ge=0)
    rating_mean: float | None = Field(description="rating_sum / rating_count; null without ratings.")
    rating_distribution: dict[Literal["1", "2", "3", "4", "5"], int] = Field(
        description="Number of ratings per value '1' to '5' (all five keys present)."
    )
    as_of_event: UUID = Field(description="Id of the last feedback event counted into this state.")

    @model_validator(mode="after")
    def _consistent(self) -> Self:
        if set(self.rating_distribution) != set(RATINGS) or min(self.rating_distribution.values()) < 0:
            raise ValueError("rating_distribution needs non-negative counts for '1' to '5'")
        if sum(self.rating_distribution.values()) != self.rating_count:
            raise ValueError("rating_distribution does not add up to rating_count")
        if sum(int(k) * n for k, n in self.rating_distribution.items()) != self.rating_sum:
            raise ValueError("rating_distribution does not add up to rating_sum")
        if self.helpful_yes + self.helpful_no > self.responses or self.rating_count > self.responses:
            raise ValueError("more answers than responses")
        if (self.rating_mean is None) != (self.rating_count == 0):
            raise ValueError("rating_mean must be null exactly when there are no ratings")
        if (self.scope == "page") != (self.site is not None):
            raise ValueError("site is given for pages and only for pages")
        return self


SATISFACTION_AGGREGATE_UPDATED = EventType(
    "de.stadtstimme.metrics.satisfaction.updated", 1, SatisfactionAggregateUpdatedV1
)


def aggregate_key(scope: Scope, key: str, granularity: Granularity, bucket_start: datetime) -> str:
    """The message key of a bucket: ``scope|key|granularity|bucket_start`` (ISO 8601 with offset)."""
    return f"{scope}|{key}|{granularity}|{bucket_start.isoformat()}"


def aggregate_event_id(message_key: str, as_of_event: UUID | str, responses: int) -> UUID:
    """Deterministic envelope id of a bucket state: the same state always gets the same id.

    ``responses`` is part of it so that a state counted twice after a crash (at-least-once) is told apart.
    """
    return uuid5(AGGREGATE_ID_NAMESPACE, f"{message_key}|{as_of_event}|{responses}")
