"""The console's forms of the organisation model, without I/O: posted fields → a unit, site or page, and the rules'
problems (``shared.orgmodel``, located in the model's YAML structure) → the form field they concern, in German.

A site's sections are rows of the form (``sec<n>_prefix``, ``sec<n>_unit``, and the service of its pages:
``sec<n>_service_key``, ``sec<n>_sdg_kind``, ``sec<n>_sdg_procedure``); a row left empty is no section, and ``rows``
remembers which row each section came from, so that a problem lands at its row. A page has the same three service
fields without the prefix.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from services.analytics.org_domain import Subject
from shared.messages import text
from shared.orgmodel import (
    NO_ATTRIBUTES,
    InvalidUrl,
    Loc,
    OrgModel,
    OrgProblem,
    OrgUnit,
    Page,
    PageAttributes,
    Site,
    document,
    normalise_page_url,
)

MAX_SECTION_ROWS = 100
BLANK_ROWS = 2  # empty section rows a site's form offers (more with "Weitere Abschnitte")
SERVICE_FIELDS = ("service_key", "sdg_kind", "sdg_procedure")
SECTION_FIELDS = ("prefix", "unit", *SERVICE_FIELDS)


@dataclass
class FormErrors(Exception):
    """Field id → German message, and messages for the form as a whole."""

    fields: dict[str, str]
    general: list[str]

    def summary(self) -> list[tuple[str | None, str]]:
        return [*((f, m) for f, m in self.fields.items()), *((None, m) for m in self.general)]


def unit_from_form(form: Mapping[str, str], unit_id: str | None = None) -> OrgUnit:
    """``unit_id``: the unit edited (its id never changes); None for a new one."""
    kind = form.get("kind", "").strip()
    return OrgUnit(
        id=unit_id if unit_id is not None else form.get("unit_id", "").strip(),
        name=form.get("name", "").strip(),
        kind=kind,  # type: ignore[arg-type]  # checked by the rules
        parent=form.get("parent", "").strip() or None,
    )


def section_rows(form: Mapping[str, str]) -> int:
    """How many section rows the posted form had."""
    n = 0
    while n < MAX_SECTION_ROWS and f"sec{n}_prefix" in form:
        n += 1
    return n


def attributes_from_form(form: Mapping[str, str], stem: str = "") -> PageAttributes:
    """The service fields (``<stem>service_key`` and so on) as attributes, empty ones None; checked by the rules."""
    key, kind, procedure = (form.get(f"{stem}{name}", "").strip() or None for name in SERVICE_FIELDS)
    if key is None and kind is None and procedure is None:
        return NO_ATTRIBUTES
    return PageAttributes(key, kind, procedure)  # type: ignore[arg-type]  # the kind: checked by the rules


def attribute_values(attributes: PageAttributes, stem: str = "") -> dict[str, str]:
    return {f"{stem}{name}": getattr(attributes, name) or "" for name in SERVICE_FIELDS}


def site_from_form(form: Mapping[str, str], site_id: str | None = None) -> tuple[Site, list[int]]:
    """The site, and for each of its sections the form row it came from."""
    sections, rows, marked = [], [], []
    for n in range(section_rows(form)):
        prefix, unit = form.get(f"sec{n}_prefix", "").strip(), form.get(f"sec{n}_unit", "").strip()
        attributes = attributes_from_form(form, f"sec{n}_")
        if prefix or unit or attributes:
            sections.append((prefix, unit))
            rows.append(n)
            if attributes:
                marked.append((prefix, attributes))
    origins = tuple(line.strip() for line in form.get("origins", "").splitlines() if line.strip())
    site = Site(
        id=site_id if site_id is not None else form.get("site_id", "").strip(),
        name=form.get("name", "").strip(),
        org_unit=form.get("org_unit", "").strip(),
        origins=origins,
        sections=tuple(sections),
        section_attributes=tuple(sorted(marked, key=lambda entry: entry[0])),
    )
    return site, rows


def page_from_form(form: Mapping[str, str], url: str | None = None) -> Page:
    """``url``: the page edited (its address never changes); raises ``FormErrors`` for an address that is not
    an absolute http(s) URL."""
    typed = url if url is not None else form.get("url", "").strip()
    try:
        normalised = normalise_page_url(typed)
    except InvalidUrl:
        raise FormErrors({"url": text("org.error.url")}, []) from None
    return Page(normalised, form.get("site_id", "").strip(), form.get("title", "").strip(),
                attributes_from_form(form))  # fmt: skip


def site_form_values(site: Site, rows: int) -> dict[str, str]:
    """A saved site as its form shows it, with ``rows`` section rows at least."""
    values = {"site_id": site.id, "name": site.name, "org_unit": site.org_unit, "origins": "\n".join(site.origins)}
    marked = dict(site.section_attributes)
    for n, (prefix, unit) in enumerate(site.sections):
        values |= {f"sec{n}_prefix": prefix, f"sec{n}_unit": unit}
        values |= attribute_values(marked.get(prefix, NO_ATTRIBUTES), f"sec{n}_")
    for n in range(len(site.sections), max(rows, len(site.sections) + BLANK_ROWS)):
        values |= blank_section(n)
    return values


def blank_section(n: int) -> dict[str, str]:
    return {f"sec{n}_{part}": "" for part in SECTION_FIELDS}


def page_form_values(page: Page) -> dict[str, str]:
    return {"url": page.url, "site_id": page.site, "title": page.title} | attribute_values(page.attributes)


_UNIT_FIELDS = {"id": "unit_id", "name": "name", "kind": "kind", "parent": "parent"}
_SITE_FIELDS = {"id": "site_id", "name": "name", "org_unit": "org_unit", "origins": "origins"}


def errors_at_fields(
    problems: Sequence[OrgProblem], model: OrgModel, subject: Subject, rows: Sequence[int] = ()
) -> FormErrors:
    """The problems of ``model`` (the model as the form would make it) at the fields of the form that edits
    ``subject``; problems elsewhere in the model for the form as a whole."""
    doc = document(model)
    fields: dict[str, str] = {}
    general: list[str] = []
    for problem in problems:
        field, message = _field(problem, doc, subject, rows), problem.text("de")
        if field == "origins" and problem.rule == "page_origin":
            message = text("org.error.origin_in_use", **problem.values)
        if field is None:
            general.append(message)
        else:
            fields.setdefault(field, message)
    return FormErrors(fields, general)


def _field(problem: OrgProblem, doc: Mapping[str, list[dict[str, object]]], subject: Subject,
           rows: Sequence[int]) -> str | None:  # fmt: skip
    kind, key = subject
    loc = problem.loc
    if loc and loc[0] == "pages":  # a page of no known site (``org_domain.check``)
        return "site_id" if kind == "page" and loc[1:2] == (key,) else None
    if len(loc) < 2 or not isinstance(loc[1], int):
        return None
    head, index, rest = loc[0], loc[1], loc[2:]
    if head == "org_units" and kind == "unit":
        if index < len(doc["org_units"]) and doc["org_units"][index]["id"] == key:
            return _UNIT_FIELDS.get(str(rest[0]), "unit_id") if rest else "unit_id"
        return None
    if head != "sites" or index >= len(doc["sites"]):
        return None
    site = doc["sites"][index]
    part = str(rest[0]) if rest else "id"
    if kind == "site" and site["id"] == key:
        if part == "sections" and len(rest) >= 3 and isinstance(rest[1], int) and rest[1] < len(rows):
            return f"sec{rows[rest[1]]}_{_section_field(rest[2:])}"
        if part == "pages":
            return "origins"  # a page left without its origin
        return _SITE_FIELDS.get(part, "site_id")
    if kind == "page" and part == "pages" and len(rest) >= 2 and isinstance(rest[1], int):
        pages = site.get("pages") or []
        assert isinstance(pages, list)
        if rest[1] < len(pages):
            page = pages[rest[1]]
            origin = page.get("origin") or site["origins"][0]  # type: ignore[index]
            if normalise_page_url(f"{origin}{page['path']}") == key:
                return _service_field(rest[2:]) or "url"
    return None


def _service_field(rest: Loc) -> str | None:
    """The service field a problem within a page or section concerns (None: another one)."""
    if rest[:1] == ("service_key",):
        return "service_key"
    if rest[:1] == ("sdg",):
        return "sdg_procedure" if rest[1:2] == ("procedure",) else "sdg_kind"
    return None


def _section_field(rest: Loc) -> str:
    return _service_field(rest) or ("prefix" if rest[:1] == ("path_prefix",) else "unit")
