"""Report events on ``stadtstimme.reports.v1``: the monthly report of an org unit or of the whole city, published
once per scope and month by the analytics (``services.analytics.reports``) for the notifier, which mails it to the
receivers whose routes match ``type = report.monthly`` (and the unit).

``ReportPublished`` carries the key figures as published (the "< 5" rule applied: ``None`` where withheld) and the
report's CSV (key figures and one row per page, no citizen text). Keyed by ``scope``; its id is derived from scope
and month, so publishing a month again is the same event.
"""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field

from shared.contracts.envelope import EventType


class ReportPublishedV1(BaseModel):
    """Data of ``de.stadtstimme.report.published`` v1."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    report_id: UUID = Field(description="uuid5 of scope and month: the same report is the same event.")
    scope: str = Field(min_length=1, max_length=64, description='An org unit\'s id, or "stadt" for the whole city.')
    scope_name: str = Field(max_length=200, description="The unit's (or the city's) name.")
    month: str = Field(pattern=r"^[0-9]{4}-[0-9]{2}$", description="The month reported, YYYY-MM.")
    title: str = Field(max_length=300, description="The report's German title.")
    responses: int | None = Field(ge=0, description="Responses in the month; None: fewer than five.")
    helpful_share: float | None = Field(ge=0, le=1, description="Share of helpful answers; None where withheld.")
    rating_mean: float | None = Field(ge=1, le=5, description="Mean rating; None where withheld.")
    responses_change: float | None = Field(description="Relative change against the month before (0.5 = +50 %).")
    open_comments: int | None = Field(ge=0, description="Comments open (new or in progress); None: 1 to 4.")
    path: str = Field(max_length=300, description="The report's page in the console (path from the base URL).")
    csv: str = Field(max_length=500_000, description="The report as CSV (semicolons, neutralised).")
    at: datetime = Field(description="When it was published.")


REPORT_PUBLISHED = EventType("de.stadtstimme.report.published", 1, ReportPublishedV1)
REPORT_EVENT_TYPES = (REPORT_PUBLISHED,)
