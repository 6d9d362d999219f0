"""The city's organisation model: units, the sites (web origins) they own, sections and pages.

Pure functions and dataclasses here; the rules of a model and its YAML form (read and written) next, reading it
from PostgreSQL at the bottom.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from pathlib import Path
from typing import Annotated, Any, Literal, TypeVar
from urllib.parse import urlsplit

import asyncpg
import yaml
from pydantic import AfterValidator, BaseModel, ConfigDict, Field, ValidationError, field_validator

from shared.contracts.org import SDG_PROCEDURE_PATTERN, SERVICE_KEY_PATTERN, SdgKind
from shared.messages import text

_DEFAULT_PORTS = {"http": 80, "https": 443}
_EMAIL_IN_PATH = re.compile(r"[^/@]+@[^/@]+")
_ID = r"^[a-z0-9][a-z0-9-]{0,63}$"


class InvalidUrl(ValueError):
    pass


def split_origin(url: str) -> tuple[str, str]:
    """(origin, path) of an absolute http(s) URL, origin lower-cased and without a default port."""
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError as exc:
        raise InvalidUrl(f"not a valid URL: {exc}") from exc
    scheme = parts.scheme.lower()
    if scheme not in _DEFAULT_PORTS or not parts.hostname:
        raise InvalidUrl("must be an absolute http or https URL")
    host = parts.hostname.lower()
    origin = f"{scheme}://{host}" if port in (None, _DEFAULT_PORTS[scheme]) else f"{scheme}://{host}:{port}"
    return origin, parts.path


@lru_cache(maxsize=8192)  # the same pages are submitted over and over
def split_page_url(url: str) -> tuple[str, str]:
    """(origin, path) of the normalised page URL; see ``normalise_page_url``."""
    origin, path = split_origin(url)
    path = path.rstrip("/") or "/"
    return origin, _EMAIL_IN_PATH.sub("[email]", path)


def normalise_page_url(url: str) -> str:
    """Scheme and host lower-cased, no default port, no query, no fragment, no trailing slash, no e-mail.

    ``https://WWW.Musterstadt.de/abfall/?x=1#top`` and ``https://www.musterstadt.de/abfall`` are the same page.
    Path segments that look like e-mail addresses are masked: they are personal data, not page identity.
    """
    origin, path = split_page_url(url)
    return origin + path


def normalise_origin(origin: str) -> str:
    normalised, path = split_origin(origin)
    if path not in ("", "/"):
        raise InvalidUrl("an origin has no path")
    return normalised


@dataclass(frozen=True)
class PageAttributes:
    """The administrative service a page belongs to and its role for the EU Single Digital Gateway (all None: no
    service known, not SDG-relevant). ``sdg_procedure`` (the Annex II procedure) is set for kind procedure."""

    service_key: str | None = None  # LeiKa key (14 digits) or the city's own "stadt:<slug>"
    sdg_kind: SdgKind | None = None
    sdg_procedure: str | None = None

    def __bool__(self) -> bool:
        return any(v is not None for v in (self.service_key, self.sdg_kind, self.sdg_procedure))


NO_ATTRIBUTES = PageAttributes()


def _prefix(entry: tuple[str, Any]) -> str:
    return entry[0]


_T = TypeVar("_T")


def _longest_prefix(entries: tuple[tuple[str, _T], ...], path: str) -> _T | None:
    """The value of the longest prefix in ``entries`` that ``path`` is at or under (None: none is)."""
    best: _T | None = None
    best_len = -1
    for prefix, value in entries:
        stem = prefix.rstrip("/")
        if (path == stem or path.startswith(stem + "/")) and len(stem) > best_len:
            best, best_len = value, len(stem)
    return best


@dataclass(frozen=True)
class OrgUnit:
    id: str
    name: str
    kind: Literal["department", "eigenbetrieb", "city"]
    parent: str | None = None


@dataclass(frozen=True)
class Site:
    id: str
    name: str
    org_unit: str
    origins: tuple[str, ...]
    sections: tuple[tuple[str, str], ...] = ()  # (path prefix, org unit), longest prefix wins
    # (path prefix, attributes) of the sections that carry a service (each also in ``sections``), sorted
    section_attributes: tuple[tuple[str, PageAttributes], ...] = ()

    def org_unit_for(self, path: str) -> str:
        return _longest_prefix(self.sections, path) or self.org_unit

    def attributes_for(self, path: str) -> PageAttributes:
        """The attributes of the longest section prefix carrying any that ``path`` is under."""
        return _longest_prefix(self.section_attributes, path) or NO_ATTRIBUTES


@dataclass(frozen=True)
class Page:
    url: str
    site: str
    title: str = ""
    attributes: PageAttributes = NO_ATTRIBUTES


@dataclass
class OrgModel:
    units: dict[str, OrgUnit] = field(default_factory=dict)
    sites: dict[str, Site] = field(default_factory=dict)
    pages: dict[str, Page] = field(default_factory=dict)

    def resolve(self, site_id: str, page_url: str) -> tuple[Site, str] | None:
        """The site and the org unit responsible for a normalised page URL, or None if the site is unknown."""
        site = self.sites.get(site_id)
        if site is None:
            return None
        _, path = split_origin(page_url)
        return site, site.org_unit_for(path)

    def attributes(self, site_id: str, page_url: str) -> PageAttributes:
        """The service and SDG role of a normalised page URL: the page's own if it carries any, else those of the
        longest section prefix of its site carrying any, else none. A page takes all its attributes from one
        place (never its service from itself and its SDG kind from a section)."""
        page = self.pages.get(page_url)
        if page is not None and page.attributes:
            return page.attributes
        site = self.sites.get(site_id)
        if site is None:
            return NO_ATTRIBUTES
        try:
            _, path = split_page_url(page_url)
        except InvalidUrl:
            return NO_ATTRIBUTES
        return site.attributes_for(path)

    @cached_property
    def all_origins(self) -> frozenset[str]:
        """Every site's origins (computed once: a model is not changed after it is built and handed out)."""
        return frozenset(o for s in self.sites.values() for o in s.origins)


# --- YAML -------------------------------------------------------------------------------------------------
# The rules a model keeps, whichever way it comes (``stadtstimme org apply``, the console's forms): the field rules
# of these models, then ``reference_problems`` over the whole model. Both give ``OrgProblem``s, located in the
# YAML's structure, with a catalogue key (``org.error.*``, German and English), so the command line names the file
# and field and the console shows the German message at its field.


class _UnitIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    id: str = Field(pattern=_ID)
    name: str = Field(min_length=1, max_length=200)
    kind: Literal["department", "eigenbetrieb", "city"]
    parent: str | None = None


class _SdgIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    kind: SdgKind
    procedure: str | None = Field(None, pattern=SDG_PROCEDURE_PATTERN)  # required for kind procedure (see below)


class _ServiceIn(BaseModel):
    """What a page or a section may say about its service: a LeiKa key or the city's own id, and its SDG role."""

    model_config = ConfigDict(extra="forbid")
    service_key: str | None = Field(None, pattern=SERVICE_KEY_PATTERN)
    sdg: _SdgIn | None = None

    def attributes(self) -> PageAttributes:
        sdg = self.sdg
        return PageAttributes(self.service_key, sdg.kind if sdg else None, sdg.procedure if sdg else None)


class _SectionIn(_ServiceIn):
    path_prefix: str = Field(pattern=r"^/", max_length=2000)
    org_unit: str


class _PageIn(_ServiceIn):
    path: str = Field(pattern=r"^/", max_length=2000)
    title: str = Field("", max_length=300)
    origin: str | None = None  # one of the site's origins; left out: its first

    @field_validator("origin")
    @classmethod
    def _origin(cls, value: str | None) -> str | None:
        return None if value is None else normalise_origin(value)


class _SiteIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    id: str = Field(pattern=_ID)
    name: str = Field(min_length=1, max_length=200)
    org_unit: str
    origins: list[Annotated[str, AfterValidator(normalise_origin)]] = Field(min_length=1)  # each: errors by index
    sections: list[_SectionIn] = []
    pages: list[_PageIn] = []


class _CityIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    city: str = Field(min_length=1)
    org_units: list[_UnitIn] = Field(min_length=1)
    sites: list[_SiteIn] = []


Loc = tuple[str | int, ...]


@dataclass(frozen=True)
class OrgProblem:
    """One broken rule: where (the path in the YAML's structure), which rule (``org.error.<rule>``) and the
    values its text names."""

    loc: Loc
    rule: str
    values: dict[str, Any] = field(default_factory=dict)

    @property
    def key(self) -> str:
        return f"org.error.{self.rule}"

    def text(self, lang: str = "de") -> str:
        return text(self.key, lang, **self.values)

    def line(self, source: str) -> str:
        """The problem for the command line: ``file: org_units.0.kind: reason``."""
        return f"{source}: {'.'.join(str(p) for p in self.loc) or '(top)'}: {self.text('en')}"


_ID_FIELDS = ("id", "parent", "org_unit")


def _field_problem(error: Any) -> OrgProblem:
    """A pydantic error of the field rules as an ``OrgProblem``."""
    loc: Loc = tuple(error["loc"])
    kind, last = error["type"], next((p for p in reversed(loc) if isinstance(p, str)), "")
    ctx = error.get("ctx") or {}
    if kind == "string_pattern_mismatch" and last in ("service_key", "procedure"):
        return OrgProblem(loc, "service_key" if last == "service_key" else "sdg_procedure")
    if kind == "string_pattern_mismatch":
        return OrgProblem(loc, "id" if last in _ID_FIELDS else "path")
    if kind == "value_error" and last in ("origins", "origin"):
        return OrgProblem(loc, "origin", {"value": str(error.get("input", ""))[:200]})
    if kind in ("missing", "string_too_short"):
        return OrgProblem(loc, "missing")
    if kind == "string_too_long":
        return OrgProblem(loc, "too_long", {"max": ctx.get("max_length", "")})
    if kind == "too_short" and last == "origins":
        return OrgProblem(loc, "no_origin")
    if kind == "too_short" and last == "org_units":
        return OrgProblem(loc, "no_unit")
    if kind == "literal_error" and last == "kind":
        return OrgProblem(loc, "sdg_kind" if "sdg" in loc else "kind")
    if kind == "extra_forbidden":
        return OrgProblem(loc, "unknown_field", {"name": last})
    return OrgProblem(loc, "invalid")


def reference_problems(city: _CityIn) -> list[OrgProblem]:
    """The rules over the whole model: ids unique, every unit named is known, no unit is its own ancestor,
    origins and section prefixes once per site, and every page once, on one of its site's origins."""
    problems: list[OrgProblem] = []
    units: dict[str, _UnitIn] = {}
    for i, u in enumerate(city.org_units):
        if u.id in units:
            problems.append(OrgProblem(("org_units", i, "id"), "duplicate_unit", {"id": u.id}))
        units.setdefault(u.id, u)
    for i, u in enumerate(city.org_units):
        if u.parent is None:
            continue
        if u.parent not in units:
            problems.append(OrgProblem(("org_units", i, "parent"), "unknown_unit", {"id": u.parent}))
            continue
        seen, step = {u.id}, units[u.parent]
        while True:
            if step.id in seen:
                problems.append(OrgProblem(("org_units", i, "parent"), "parent_cycle", {"id": u.parent}))
                break
            seen.add(step.id)
            if step.parent is None or step.parent not in units:
                break
            step = units[step.parent]
    site_ids: set[str] = set()
    pages: set[str] = set()

    def procedure_named(at: Loc, service: _ServiceIn) -> None:
        if service.sdg is not None and service.sdg.kind == "procedure" and service.sdg.procedure is None:
            problems.append(OrgProblem((*at, "sdg", "procedure"), "sdg_procedure_missing"))

    for i, s in enumerate(city.sites):
        if s.id in site_ids:
            problems.append(OrgProblem(("sites", i, "id"), "duplicate_site", {"id": s.id}))
        site_ids.add(s.id)
        if s.org_unit not in units:
            problems.append(OrgProblem(("sites", i, "org_unit"), "unknown_unit", {"id": s.org_unit}))
        for k, origin in enumerate(s.origins):
            if origin in s.origins[:k]:
                problems.append(OrgProblem(("sites", i, "origins", k), "duplicate_origin", {"value": origin}))
        prefixes: set[str] = set()
        for j, sec in enumerate(s.sections):
            if sec.org_unit not in units:
                problems.append(OrgProblem(("sites", i, "sections", j, "org_unit"), "unknown_unit",
                                           {"id": sec.org_unit}))  # fmt: skip
            stem = sec.path_prefix.rstrip("/") or "/"
            if stem in prefixes:
                problems.append(OrgProblem(("sites", i, "sections", j, "path_prefix"), "duplicate_section",
                                           {"value": sec.path_prefix}))  # fmt: skip
            prefixes.add(stem)
            procedure_named(("sites", i, "sections", j), sec)
        for j, p in enumerate(s.pages):
            procedure_named(("sites", i, "pages", j), p)
            origin = p.origin or s.origins[0]
            if origin not in s.origins:
                problems.append(OrgProblem(("sites", i, "pages", j, "origin"), "page_origin", {"value": origin}))
                continue
            url = normalise_page_url(origin + p.path)
            if url in pages:
                problems.append(OrgProblem(("sites", i, "pages", j, "path"), "duplicate_page", {"value": url}))
            pages.add(url)
    return problems


def check_document(raw: Any) -> tuple[str, OrgModel] | list[OrgProblem]:
    """(city name, model) of a document in the YAML's structure, or every problem it has (the field rules first:
    the model-wide rules are checked once the fields are right)."""
    try:
        city = _CityIn.model_validate(raw)
    except ValidationError as exc:
        return [_field_problem(e) for e in exc.errors()]
    problems = reference_problems(city)
    if problems:
        return problems
    model = OrgModel()
    for u in city.org_units:
        model.units[u.id] = OrgUnit(u.id, u.name, u.kind, u.parent)
    for s in city.sites:
        marked = tuple(sorted(((x.path_prefix, x.attributes()) for x in s.sections if x.attributes()), key=_prefix))
        model.sites[s.id] = Site(
            s.id, s.name, s.org_unit, tuple(s.origins), tuple((x.path_prefix, x.org_unit) for x in s.sections), marked
        )
        for p in s.pages:
            url = normalise_page_url((p.origin or s.origins[0]) + p.path)
            model.pages[url] = Page(url, s.id, p.title, p.attributes())
    return city.city, model


class OrgConfigError(ValueError):
    pass


def parse_org_yaml(text: str, source: str = "<yaml>") -> tuple[str, OrgModel]:
    """(city name, model) from the YAML text; errors name the file and the field."""
    try:
        raw: Any = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise OrgConfigError(f"{source}: not valid YAML: {exc}") from exc
    checked = check_document(raw)
    if isinstance(checked, list):
        raise OrgConfigError("\n".join(p.line(source) for p in checked))
    return checked


def load_org_yaml(path: Path) -> tuple[str, OrgModel]:
    return parse_org_yaml(path.read_text(encoding="utf-8"), str(path))


def city_name(model: OrgModel) -> str:
    """The name the YAML's ``city`` carries: it is not stored, so the unit of kind ``city`` names it."""
    cities = sorted((u for u in model.units.values() if u.kind == "city"), key=lambda u: u.id)
    return cities[0].name if cities else "Stadt"


def document(model: OrgModel, city: str | None = None) -> dict[str, Any]:
    """The model in the YAML's structure (what ``stadtstimme org apply`` reads): ``check_document`` of it gives
    the same model back. Values at their defaults are left out; a page on its site's first origin has no
    ``origin``."""
    units = []
    for u in sorted(model.units.values(), key=lambda u: u.id):
        entry: dict[str, Any] = {"id": u.id, "name": u.name, "kind": u.kind}
        if u.parent:
            entry["parent"] = u.parent
        units.append(entry)
    sites = []
    for s in sorted(model.sites.values(), key=lambda s: s.id):
        site: dict[str, Any] = {"id": s.id, "name": s.name, "org_unit": s.org_unit, "origins": list(s.origins)}
        if s.sections:
            marked = dict(s.section_attributes)
            site["sections"] = [{"path_prefix": p, "org_unit": u} | _service_entry(marked.get(p, NO_ATTRIBUTES))
                                for p, u in s.sections]  # fmt: skip
        pages = []
        for p in sorted((p for p in model.pages.values() if p.site == s.id), key=lambda p: p.url):
            origin, path = split_origin(p.url)
            page: dict[str, Any] = {"path": path}
            if p.title:
                page["title"] = p.title
            page |= _service_entry(p.attributes)
            if origin != s.origins[0]:
                page["origin"] = origin
            pages.append(page)
        if pages:
            site["pages"] = pages
        sites.append(site)
    return {"city": city or city_name(model), "org_units": units, "sites": sites}


def _service_entry(attributes: PageAttributes) -> dict[str, Any]:
    """A page's or section's attributes in the YAML's structure (none: nothing)."""
    entry: dict[str, Any] = {}
    if attributes.service_key:
        entry["service_key"] = attributes.service_key
    if attributes.sdg_kind or attributes.sdg_procedure:  # a procedure without a kind: the rules name what is missing
        entry["sdg"] = {"kind": attributes.sdg_kind} if attributes.sdg_kind else {}
        if attributes.sdg_procedure:
            entry["sdg"]["procedure"] = attributes.sdg_procedure
    return entry


def dump_org_yaml(model: OrgModel, city: str | None = None) -> str:
    """The model as the file ``stadtstimme org apply`` reads (applied to the model as it is, it changes nothing)."""
    head = "# Organisation model of Stadtstimme: `stadtstimme org apply FILE` loads it (nothing is ever deleted).\n"
    return head + yaml.safe_dump(document(model, city), sort_keys=False, allow_unicode=True, width=110)


# --- PostgreSQL -------------------------------------------------------------------------------------------
# The tables are a projection of ``stadtstimme.org.v1`` (``services.analytics.org_store`` writes them); every
# service reads them here.


async def fetch_org_model(conn: asyncpg.Connection) -> OrgModel:
    model = OrgModel()
    for r in await conn.fetch("SELECT id, name, kind, parent_id FROM org_unit"):
        model.units[r["id"]] = OrgUnit(r["id"], r["name"], r["kind"], r["parent_id"])
    sections: dict[str, list[tuple[str, str]]] = {}
    marked: dict[str, list[tuple[str, PageAttributes]]] = {}
    for r in await conn.fetch(
        "SELECT site_id, path_prefix, org_unit_id, service_key, sdg_kind, sdg_procedure FROM site_section"
    ):
        sections.setdefault(r["site_id"], []).append((r["path_prefix"], r["org_unit_id"]))
        if attributes := attributes_of_row(r):
            marked.setdefault(r["site_id"], []).append((r["path_prefix"], attributes))
    for r in await conn.fetch("SELECT id, name, org_unit_id, origins FROM site"):
        site_marked = tuple(sorted(marked.get(r["id"], ()), key=_prefix))
        model.sites[r["id"]] = Site(r["id"], r["name"], r["org_unit_id"], tuple(r["origins"]),
                                    tuple(sections.get(r["id"], ())), site_marked)  # fmt: skip
    for r in await conn.fetch("SELECT url, site_id, title, service_key, sdg_kind, sdg_procedure FROM page"):
        model.pages[r["url"]] = Page(r["url"], r["site_id"], r["title"], attributes_of_row(r))
    return model


def attributes_of_row(row: asyncpg.Record) -> PageAttributes:
    """The attributes in a row of ``page`` or ``site_section`` (columns ``service_key``, ``sdg_kind``,
    ``sdg_procedure``)."""
    if row["service_key"] is None and row["sdg_kind"] is None:
        return NO_ATTRIBUTES
    return PageAttributes(row["service_key"], row["sdg_kind"], row["sdg_procedure"])


async def org_revision(conn: asyncpg.Connection) -> int:
    """A number that changes whenever the org model's tables do (for readers that keep the model in memory)."""
    return int(await conn.fetchval("SELECT revision FROM org_model_revision") or 0)
