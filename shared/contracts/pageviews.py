"""Page-view events on ``stadtstimme.pageviews.v1``: the page views the city's web analytics counted, per site and
day, as staff uploaded them, the command line imported them or the scheduled Matomo import fetched them.

``PageViewsImported``: one import's page views of one site on one day. An import replaces what was imported for
that site and day before (a period imported again is replaced, never added), so the day's events are keyed by
``site_id|day`` and applied in order. A day with many pages travels in several parts of the same import
(``part`` of ``parts``); the first part of a new import empties the day. A day with no page views at all is one
part with no pages. The events carry no personal data: pages and counts only.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field

from shared.contracts.envelope import EventType

MAX_PAGES_PER_PART = 2000  # with URLs up to 2,000 characters a part stays far below the broker's 1 MB


class PageCount(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    page_url: str = Field(min_length=1, max_length=2000, description="The normalised page URL (origin and path).")
    views: int = Field(ge=0, description="Page views of this page on this day.")


class PageViewsImportedV1(BaseModel):
    """Data of ``de.stadtstimme.pageviews.imported`` v1."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    import_id: UUID = Field(description="The import these page views belong to (all its days and parts).")
    site_id: str = Field(min_length=1, max_length=64, description="The site the pages belong to.")
    day: date = Field(description="The day of the page views, in the city's time zone (as the analytics count).")
    part: int = Field(ge=1, description="This part's number among the day's parts of this import.")
    parts: int = Field(ge=1, description="How many parts the day has in this import.")
    pages: list[PageCount] = Field(max_length=MAX_PAGES_PER_PART, description="Page views per page.")
    source: Literal["upload", "cli", "matomo", "demo"] = Field(
        description="How they came: a file uploaded in the console, the command line, the Matomo API, the demo."
    )
    source_name: str = Field("", max_length=200, description="The file's name, or the Matomo site id.")
    actor: str = Field(min_length=1, max_length=200, description="The staff account, or the job that imported.")
    imported_at: datetime


PAGE_VIEWS_IMPORTED = EventType("de.stadtstimme.pageviews.imported", 1, PageViewsImportedV1)
PAGE_VIEW_EVENT_TYPES: tuple[EventType, ...] = (PAGE_VIEWS_IMPORTED,)
