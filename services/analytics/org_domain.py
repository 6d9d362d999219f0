"""Decisions about the organisation model, without I/O: what a command wants the model to be (``merge`` for a YAML
file, ``with_unit``/``with_site``/``with_page`` for one thing saved in the console), its check against the rules
of ``shared.orgmodel`` (the YAML loader's: one set of rules), the events that bring the model there (``plan``),
and whether the projection applies an event (``applies``).

Nothing is deleted: a YAML file adds and changes, and leaves alone what it does not name; old feedback, figures,
surveys and accounts keep the units, sites and pages they refer to.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import datetime

from shared.contracts.envelope import EventType
from shared.contracts.org import (
    ORG_UNIT_SAVED,
    PAGE_SAVED,
    SITE_SAVED,
    OrgEvent,
    OrgUnitSavedV1,
    PageSavedV2,
    SdgV2,
    SectionV2,
    SiteSavedV2,
)
from shared.orgmodel import (
    NO_ATTRIBUTES,
    OrgModel,
    OrgProblem,
    OrgUnit,
    Page,
    PageAttributes,
    Site,
    check_document,
    document,
)

Subject = tuple[str, str]  # ("unit" | "site" | "page", id or URL)


@dataclass(frozen=True)
class PlannedEvent:
    event_type: EventType
    event_id: uuid.UUID
    data: OrgEvent

    @property
    def subject(self) -> Subject:
        return subject_of(self.data)


def subject_of(data: OrgEvent) -> Subject:
    if isinstance(data, OrgUnitSavedV1):
        return ("unit", data.unit_id)
    if isinstance(data, SiteSavedV2):
        return ("site", data.site_id)
    return ("page", data.url)


def copy(model: OrgModel) -> OrgModel:
    return OrgModel(dict(model.units), dict(model.sites), dict(model.pages))


def merge(current: OrgModel, incoming: OrgModel) -> OrgModel:
    """``current`` with everything ``incoming`` names added or replaced (a YAML file: nothing is removed)."""
    return OrgModel(current.units | incoming.units, current.sites | incoming.sites, current.pages | incoming.pages)


def with_unit(current: OrgModel, unit: OrgUnit) -> OrgModel:
    model = copy(current)
    model.units[unit.id] = unit
    return model


def with_site(current: OrgModel, site: Site) -> OrgModel:
    model = copy(current)
    model.sites[site.id] = site
    return model


def with_page(current: OrgModel, page: Page) -> OrgModel:
    model = copy(current)
    model.pages[page.url] = page
    return model


def check(model: OrgModel) -> OrgModel | list[OrgProblem]:
    """The model as the rules read it back (origins normalised, pages on their site's origins), or its problems:
    the same check as ``stadtstimme org apply``'s, over the model in the YAML's structure."""
    strays = [OrgProblem(("pages", p.url), "unknown_site", {"id": p.site}) for p in model.pages.values()
              if p.site not in model.sites]  # fmt: skip
    if strays:  # the YAML's structure has a page only within its site
        return strays
    checked = check_document(document(model))
    return checked if isinstance(checked, list) else checked[1]


def _sections(site: Site) -> tuple[tuple[str, str], ...]:
    return tuple(sorted(site.sections))  # their order means nothing: the longest prefix wins


def same_site(a: Site, b: Site) -> bool:
    def ordered(s: Site) -> Site:
        return replace(s, sections=_sections(s), section_attributes=tuple(sorted(s.section_attributes, key=_first)))

    return ordered(a) == ordered(b)


def _first(entry: tuple[str, object]) -> str:
    return entry[0]


def _sdg(attributes: PageAttributes) -> SdgV2 | None:
    if attributes.sdg_kind is None:
        return None
    return SdgV2(kind=attributes.sdg_kind, procedure=attributes.sdg_procedure)


def _attributes(service_key: str | None, sdg: SdgV2 | None) -> PageAttributes:
    if service_key is None and sdg is None:
        return NO_ATTRIBUTES
    return PageAttributes(service_key, sdg.kind if sdg else None, sdg.procedure if sdg else None)


def plan(
    current: OrgModel, revisions: Mapping[Subject, int], desired: OrgModel, actor: str, now: datetime
) -> list[PlannedEvent]:
    """The events that bring ``current`` to ``desired`` (a checked model): one per unit, site or page that is new
    or differs, each with the next revision. Units before sites before pages, and a unit after the unit it
    belongs to, so that every event finds what it refers to."""
    events: list[PlannedEvent] = []

    def revision(kind: str, key: str) -> int:
        return revisions.get((kind, key), 0) + 1

    def depth(unit: OrgUnit) -> int:
        n, seen = 0, {unit.id}
        while unit.parent and unit.parent in desired.units and unit.parent not in seen:
            unit = desired.units[unit.parent]
            seen.add(unit.id)
            n += 1
        return n

    changed_units = [u for u in desired.units.values() if current.units.get(u.id) != u]
    for u in sorted(changed_units, key=lambda u: (depth(u), u.id)):
        unit = OrgUnitSavedV1(unit_id=u.id, name=u.name, kind=u.kind, parent=u.parent,
                              revision=revision("unit", u.id), saved_by=actor, saved_at=now)  # fmt: skip
        events.append(PlannedEvent(ORG_UNIT_SAVED, uuid.uuid4(), unit))
    for s in sorted(desired.sites.values(), key=lambda s: s.id):
        known = current.sites.get(s.id)
        if known is not None and same_site(known, s):
            continue
        marked = dict(s.section_attributes)
        sections = [SectionV2(path_prefix=p, org_unit=u, service_key=marked.get(p, NO_ATTRIBUTES).service_key,
                              sdg=_sdg(marked.get(p, NO_ATTRIBUTES))) for p, u in _sections(s)]  # fmt: skip
        site = SiteSavedV2(site_id=s.id, name=s.name, org_unit=s.org_unit, origins=list(s.origins),
                           sections=sections, revision=revision("site", s.id), saved_by=actor,
                           saved_at=now)  # fmt: skip
        events.append(PlannedEvent(SITE_SAVED, uuid.uuid4(), site))
    for p in sorted(desired.pages.values(), key=lambda p: p.url):
        if current.pages.get(p.url) == p:
            continue
        page = PageSavedV2(url=p.url, site_id=p.site, title=p.title, service_key=p.attributes.service_key,
                           sdg=_sdg(p.attributes), revision=revision("page", p.url), saved_by=actor,
                           saved_at=now)  # fmt: skip
        events.append(PlannedEvent(PAGE_SAVED, uuid.uuid4(), page))
    return events


def applies(stored_revision: int | None, stored_state: object, revision: int, state: object) -> bool:
    """Whether the projection applies an event of ``revision`` and ``state`` to what it holds (None: nothing).
    A later revision wins; at the same revision the event read last wins (topic order: what a replay ends with),
    which only matters when a command's event reached the broker although the command failed and staff saved
    again; the same state again changes nothing."""
    if stored_revision is None or revision > stored_revision:
        return True
    return revision == stored_revision and stored_state != state


def unit_of(data: OrgUnitSavedV1) -> OrgUnit:
    return OrgUnit(data.unit_id, data.name, data.kind, data.parent)


def site_of(data: SiteSavedV2) -> Site:
    marked = ((s.path_prefix, _attributes(s.service_key, s.sdg)) for s in data.sections)
    return Site(data.site_id, data.name, data.org_unit, tuple(data.origins),
                tuple(sorted((s.path_prefix, s.org_unit) for s in data.sections)),
                tuple(sorted(((p, a) for p, a in marked if a), key=_first)))  # fmt: skip


def page_of(data: PageSavedV2) -> Page:
    return Page(data.url, data.site_id, data.title, _attributes(data.service_key, data.sdg))
