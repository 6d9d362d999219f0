"""The city's organisation model: units, the sites (web origins) they own, sections and pages.

Pure functions and dataclasses here; loading from YAML and storing in PostgreSQL are at the bottom.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from pathlib import Path
from typing import Any, Literal
from urllib.parse import urlsplit

import asyncpg
import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

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

    def org_unit_for(self, path: str) -> str:
        best, best_len = self.org_unit, -1
        for prefix, unit in self.sections:
            stem = prefix.rstrip("/")
            if (path == stem or path.startswith(stem + "/")) and len(stem) > best_len:
                best, best_len = unit, len(stem)
        return best


@dataclass(frozen=True)
class Page:
    url: str
    site: str
    title: str = ""


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

    @cached_property
    def all_origins(self) -> frozenset[str]:
        """Every site's origins (computed once: a model is not changed after it is built and handed out)."""
        return frozenset(o for s in self.sites.values() for o in s.origins)


# --- YAML -------------------------------------------------------------------------------------------------


class _UnitIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    id: str = Field(pattern=_ID)
    name: str = Field(min_length=1, max_length=200)
    kind: Literal["department", "eigenbetrieb", "city"]
    parent: str | None = None


class _SectionIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    path_prefix: str = Field(pattern=r"^/")
    org_unit: str


class _PageIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    path: str = Field(pattern=r"^/")
    title: str = ""


class _SiteIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    id: str = Field(pattern=_ID)
    name: str = Field(min_length=1, max_length=200)
    org_unit: str
    origins: list[str] = Field(min_length=1)
    sections: list[_SectionIn] = []
    pages: list[_PageIn] = []

    @field_validator("origins")
    @classmethod
    def _origins(cls, value: list[str]) -> list[str]:
        return [normalise_origin(o) for o in value]


class _CityIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    city: str = Field(min_length=1)
    org_units: list[_UnitIn] = Field(min_length=1)
    sites: list[_SiteIn] = []

    @model_validator(mode="after")
    def _references(self) -> _CityIn:
        units = {u.id for u in self.org_units}
        if len(units) != len(self.org_units):
            raise ValueError("org unit ids must be unique")
        if len({s.id for s in self.sites}) != len(self.sites):
            raise ValueError("site ids must be unique")
        refs = [u.parent for u in self.org_units if u.parent] + [s.org_unit for s in self.sites]
        refs += [sec.org_unit for s in self.sites for sec in s.sections]
        missing = sorted({r for r in refs if r not in units})
        if missing:
            raise ValueError(f"unknown org units referenced: {', '.join(missing)}")
        return self


class OrgConfigError(ValueError):
    pass


def parse_org_yaml(text: str, source: str = "<yaml>") -> tuple[str, OrgModel]:
    """(city name, model) from the YAML text; errors name the file and the field."""
    try:
        raw: Any = yaml.safe_load(text)
        city = _CityIn.model_validate(raw)
    except yaml.YAMLError as exc:
        raise OrgConfigError(f"{source}: not valid YAML: {exc}") from exc
    except ValidationError as exc:
        lines = [f"{source}: {'.'.join(str(p) for p in e['loc']) or '(top)'}: {e['msg']}" for e in exc.errors()]
        raise OrgConfigError("\n".join(lines)) from exc
    model = OrgModel()
    for u in city.org_units:
        model.units[u.id] = OrgUnit(u.id, u.name, u.kind, u.parent)
    for s in city.sites:
        model.sites[s.id] = Site(
            s.id, s.name, s.org_unit, tuple(s.origins), tuple((x.path_prefix, x.org_unit) for x in s.sections)
        )
        for p in s.pages:
            url = normalise_page_url(s.origins[0] + p.path)
            model.pages[url] = Page(url, s.id, p.title)
    return city.city, model


def load_org_yaml(path: Path) -> tuple[str, OrgModel]:
    return parse_org_yaml(path.read_text(encoding="utf-8"), str(path))


# --- PostgreSQL -------------------------------------------------------------------------------------------


async def store_org_model(conn: asyncpg.Connection, model: OrgModel) -> None:
    """Upsert units, sites, sections and pages (nothing is deleted: old feedback keeps its references)."""
    async with conn.transaction():
        # Parents first: insert all units without parent, then set parents.
        await conn.executemany(
            """INSERT INTO org_unit (id, name, kind) VALUES ($1, $2, $3)
               ON CONFLICT (id) DO UPDATE SET name = excluded.name, kind = excluded.kind""",
            [(u.id, u.name, u.kind) for u in model.units.values()],
        )
        await conn.executemany(
            "UPDATE org_unit SET parent_id = $2 WHERE id = $1",
            [(u.id, u.parent) for u in model.units.values()],
        )
        await conn.executemany(
            """INSERT INTO site (id, name, org_unit_id, origins) VALUES ($1, $2, $3, $4)
               ON CONFLICT (id) DO UPDATE SET name = excluded.name, org_unit_id = excluded.org_unit_id,
                   origins = excluded.origins""",
            [(s.id, s.name, s.org_unit, list(s.origins)) for s in model.sites.values()],
        )
        await conn.execute("DELETE FROM site_section WHERE site_id = ANY($1::text[])", list(model.sites))
        await conn.executemany(
            "INSERT INTO site_section (site_id, path_prefix, org_unit_id) VALUES ($1, $2, $3)",
            [(s.id, prefix, unit) for s in model.sites.values() for prefix, unit in s.sections],
        )
        await conn.executemany(
            """INSERT INTO page (url, site_id, title) VALUES ($1, $2, $3)
               ON CONFLICT (url) DO UPDATE SET site_id = excluded.site_id, title = excluded.title""",
            [(p.url, p.site, p.title) for p in model.pages.values()],
        )


async def fetch_org_model(conn: asyncpg.Connection) -> OrgModel:
    model = OrgModel()
    for r in await conn.fetch("SELECT id, name, kind, parent_id FROM org_unit"):
        model.units[r["id"]] = OrgUnit(r["id"], r["name"], r["kind"], r["parent_id"])
    sections: dict[str, list[tuple[str, str]]] = {}
    for r in await conn.fetch("SELECT site_id, path_prefix, org_unit_id FROM site_section"):
        sections.setdefault(r["site_id"], []).append((r["path_prefix"], r["org_unit_id"]))
    for r in await conn.fetch("SELECT id, name, org_unit_id, origins FROM site"):
        model.sites[r["id"]] = Site(
            r["id"], r["name"], r["org_unit_id"], tuple(r["origins"]), tuple(sections.get(r["id"], ()))
        )
    for r in await conn.fetch("SELECT url, site_id, title FROM page"):
        model.pages[r["url"]] = Page(r["url"], r["site_id"], r["title"])
    return model
