"""The organisation model as events on ``stadtstimme.org.v1``: org units, sites (with their origins and sections)
and pages (with their titles), as staff save them in the console or ``stadtstimme org apply`` loads them.

Each event carries the whole state of one thing, not a change, and its ``revision`` (1 when it is created, one more
with every change): the tables are a projection that applies an event unless it already holds a later revision of
that thing, so a record read twice, or an older one read after the console wrote a newer one through, changes
nothing, and a replay ends where the topic ends. Nothing is ever deleted: feedback, figures, surveys and staff
accounts refer to units, sites and pages for as long as they are kept.

All events have one key (``org``): the model is small, and its events refer to each other (a site to its unit, a
page to its site), so they stay in one order on one partition. The rules a model must keep (ids, known units,
origins, pages on their site's origins) are ``shared.orgmodel``'s, checked before anything is published; these
contracts check only the shape.
"""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from shared.contracts.envelope import EventType

KEY = "org"
UnitKind = Literal["department", "eigenbetrieb", "city"]


class _Saved(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    revision: int = Field(ge=1, description="1 when created, one more with every change; a later one wins.")
    saved_by: str = Field(min_length=1, max_length=200, description="The staff account or the command line.")
    saved_at: datetime


class OrgUnitSavedV1(_Saved):
    """Data of ``de.stadtstimme.org.unit-saved`` v1: a department, Eigenbetrieb or the city itself."""

    unit_id: str = Field(min_length=1, max_length=64)
    name: str = Field(min_length=1, max_length=200)
    kind: UnitKind
    parent: str | None = Field(None, max_length=64, description="The unit it belongs to (saved before it).")


class SectionV1(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    path_prefix: str = Field(min_length=1, max_length=2000, description="Path prefix; the longest one wins.")
    org_unit: str = Field(min_length=1, max_length=64)


class SiteSavedV1(_Saved):
    """Data of ``de.stadtstimme.org.site-saved`` v1: a website, the origins it is served from (normalised:
    scheme and host in lower case, no default port) and the sections another unit is responsible for."""

    site_id: str = Field(min_length=1, max_length=64)
    name: str = Field(min_length=1, max_length=200)
    org_unit: str = Field(min_length=1, max_length=64)
    origins: list[str] = Field(min_length=1, description="Normalised origins; the first is the site's main one.")
    sections: list[SectionV1] = Field(default_factory=list)


class PageSavedV1(_Saved):
    """Data of ``de.stadtstimme.org.page-saved`` v1: a known page (normalised URL on one of its site's origins)
    and its title."""

    url: str = Field(min_length=1, max_length=2000)
    site_id: str = Field(min_length=1, max_length=64)
    title: str = Field("", max_length=300)


ORG_UNIT_SAVED = EventType("de.stadtstimme.org.unit-saved", 1, OrgUnitSavedV1)
SITE_SAVED = EventType("de.stadtstimme.org.site-saved", 1, SiteSavedV1)
PAGE_SAVED = EventType("de.stadtstimme.org.page-saved", 1, PageSavedV1)
ORG_EVENT_TYPES: tuple[EventType, ...] = (ORG_UNIT_SAVED, SITE_SAVED, PAGE_SAVED)
OrgEvent = OrgUnitSavedV1 | SiteSavedV1 | PageSavedV1
