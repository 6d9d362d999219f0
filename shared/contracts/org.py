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

v2 of ``site-saved`` and ``page-saved`` adds a page's (or a section's) administrative service: ``service_key`` (a
LeiKa key, or the city's own ``stadt:<slug>``) and ``sdg`` (its kind for the EU Single Digital Gateway). v1 events
are read as v2 without them (``upcast_org``).
"""

from __future__ import annotations

from datetime import datetime
from typing import Literal, Self

from pydantic import BaseModel, ConfigDict, Field, model_validator

from shared.contracts.envelope import EventType

KEY = "org"
UnitKind = Literal["department", "eigenbetrieb", "city"]
SdgKind = Literal["information", "procedure", "assistance"]
SDG_KINDS: tuple[SdgKind, ...] = ("information", "procedure", "assistance")
# A LeiKa service key (Leistungskatalog: 14 digits) or the city's own service id for what LeiKa does not list.
SERVICE_KEY_PATTERN = r"^(?:[0-9]{14}|stadt:[a-z0-9][a-z0-9-]{0,63})$"
# The id of a procedure of Annex II of Regulation (EU) 2018/1724, as the NFK names it.
SDG_PROCEDURE_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._:-]{0,63}$"


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


class SdgV2(BaseModel):
    """Why a page matters for the EU Single Digital Gateway (Regulation (EU) 2018/1724)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    kind: SdgKind = Field(description="information (Annex I), procedure (Annex II) or assistance (Annex III).")
    procedure: str | None = Field(
        None, pattern=SDG_PROCEDURE_PATTERN, description="The Annex II procedure; required for kind procedure."
    )

    @model_validator(mode="after")
    def _procedure_named(self) -> Self:
        if self.kind == "procedure" and self.procedure is None:
            raise ValueError("a procedure page names its Annex II procedure")
        return self


class _Service(BaseModel):
    service_key: str | None = Field(
        None, pattern=SERVICE_KEY_PATTERN, description="LeiKa key (14 digits) or the city's own 'stadt:<slug>'."
    )
    sdg: SdgV2 | None = Field(None, description="None: not relevant for the Single Digital Gateway.")


class SectionV2(_Service):
    """A section of v2: a path prefix, the unit responsible and the service its pages belong to (if any)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    path_prefix: str = Field(min_length=1, max_length=2000, description="Path prefix; the longest one wins.")
    org_unit: str = Field(min_length=1, max_length=64)


class SiteSavedV2(_Saved):
    """Data of ``de.stadtstimme.org.site-saved`` v2: v1 with the sections' services."""

    site_id: str = Field(min_length=1, max_length=64)
    name: str = Field(min_length=1, max_length=200)
    org_unit: str = Field(min_length=1, max_length=64)
    origins: list[str] = Field(min_length=1, description="Normalised origins; the first is the site's main one.")
    sections: list[SectionV2] = Field(default_factory=list)


class PageSavedV2(_Saved, _Service):
    """Data of ``de.stadtstimme.org.page-saved`` v2: v1 with the page's service (its own values win over its
    section's)."""

    url: str = Field(min_length=1, max_length=2000)
    site_id: str = Field(min_length=1, max_length=64)
    title: str = Field("", max_length=300)


ORG_UNIT_SAVED = EventType("de.stadtstimme.org.unit-saved", 1, OrgUnitSavedV1)
SITE_SAVED_V1 = EventType("de.stadtstimme.org.site-saved", 1, SiteSavedV1)
PAGE_SAVED_V1 = EventType("de.stadtstimme.org.page-saved", 1, PageSavedV1)
SITE_SAVED = EventType("de.stadtstimme.org.site-saved", 2, SiteSavedV2)
PAGE_SAVED = EventType("de.stadtstimme.org.page-saved", 2, PageSavedV2)
ORG_EVENT_TYPES: tuple[EventType, ...] = (ORG_UNIT_SAVED, SITE_SAVED_V1, PAGE_SAVED_V1, SITE_SAVED, PAGE_SAVED)
OrgEvent = OrgUnitSavedV1 | SiteSavedV2 | PageSavedV2


def upcast_org(data: BaseModel) -> OrgEvent:
    """Any version of an org event as the current one (v1 sites and pages: no service, not SDG-relevant)."""
    if isinstance(data, OrgUnitSavedV1 | SiteSavedV2 | PageSavedV2):
        return data
    if isinstance(data, SiteSavedV1):
        sections = [SectionV2(path_prefix=s.path_prefix, org_unit=s.org_unit) for s in data.sections]
        return SiteSavedV2.model_construct(**{k: getattr(data, k) for k in SiteSavedV1.model_fields} | {
            "sections": sections})  # fmt: skip
    if isinstance(data, PageSavedV1):
        return PageSavedV2.model_construct(
            service_key=None, sdg=None, **{k: getattr(data, k) for k in PageSavedV1.model_fields}
        )
    raise ValueError(f"not an org event: {type(data).__name__}")
