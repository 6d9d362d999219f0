"""Feedback per administrative service (issue 19): the figures of all pages that belong to one service (a LeiKa key
or the city's own id, ``shared.orgmodel.OrgModel.attributes``), across the city's sites and units, so that
"Wohnsitz ummelden" is one figure whether it is asked on the portal or on the service portal.

Read from the page aggregates (``page_satisfaction_day``: one row per page and local day), never from the events:
the query sums a period's days per page (and, for series, per bucket), and the pages are grouped by their service in
Python with the org model's one lookup, so a page marked today counts for its service with its whole history and
the rule that decides a page's service exists once. Scoped like every figure: only pages of the units the caller
may see are summed, so unit staff see a service only through their own pages.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import asyncpg

from services.analytics.domain import COUNTERS, stats
from services.analytics.store import SUMS
from shared.orgmodel import OrgModel, PageAttributes

Lookup = Callable[[str, str], PageAttributes]  # (site id, page URL) → attributes: ``OrgModel.attributes``
_SUMS = ", ".join(f"sum(p.{c})::bigint AS {c}" for c in COUNTERS)


@dataclass
class ServiceGroup:
    """One service's pages and their counters summed (``counters``), and per bucket (``buckets``: any key the
    rows carry, e.g. a day or a period's name)."""

    key: str
    pages: set[str] = field(default_factory=set)
    sites: set[str] = field(default_factory=set)
    units: set[str] = field(default_factory=set)
    counters: dict[str, int] = field(default_factory=lambda: dict.fromkeys(COUNTERS, 0))
    buckets: dict[Any, dict[str, int]] = field(default_factory=dict)
    page_responses: dict[str, int] = field(default_factory=dict)

    def add(self, row: Mapping[str, Any], bucket: Any = None) -> None:
        self.pages.add(row["page_url"])
        self.sites.add(row["site_id"])
        self.units.add(row["org_unit_id"])
        self.page_responses[row["page_url"]] = self.page_responses.get(row["page_url"], 0) + row["responses"]
        for c in COUNTERS:
            self.counters[c] += row[c] or 0
        if bucket is not None:
            sums = self.buckets.setdefault(bucket, dict.fromkeys(COUNTERS, 0))
            for c in COUNTERS:
                sums[c] += row[c] or 0

    def label(self, titles: Mapping[str, str]) -> str:
        """What staff call the service: the title of its page with the most responses (the model names pages,
        not services), else its key."""
        ranked = sorted(self.pages, key=lambda url: (-self.page_responses.get(url, 0), url))
        return next((titles[url] for url in ranked if titles.get(url)), self.key)


def group_by_service(
    rows: Iterable[Mapping[str, Any]], lookup: Lookup, bucket: str | None = None, only: str | None = None
) -> dict[str, ServiceGroup]:
    """Page rows (``page_url``, ``site_id``, ``org_unit_id`` and the counters; ``bucket``: the column that tells
    their bucket, if any) grouped by the service of their page; pages of no service are left out, and with
    ``only`` every service but that one."""
    groups: dict[str, ServiceGroup] = {}
    services: dict[tuple[str, str], str | None] = {}  # a page comes in many rows (units, buckets): looked up once
    for row in rows:
        page = (row["site_id"], row["page_url"])
        if page not in services:
            services[page] = lookup(*page).service_key
        key = services[page]
        if key is None or (only is not None and key != only):
            continue
        group = groups.setdefault(key, ServiceGroup(key))
        group.add(row, None if bucket is None else row[bucket])
    return groups


def ranked(groups: Mapping[str, ServiceGroup]) -> list[ServiceGroup]:
    """Most responses first, then by key."""
    return sorted(groups.values(), key=lambda g: (-g.counters["responses"], g.key))


def service_keys(model: OrgModel, visible: Callable[[str], bool]) -> set[str]:
    """The services of the registered pages and sections of units ``visible`` says the caller may see (a service
    exists for staff before its first feedback)."""
    keys = set()
    for page in model.pages.values():
        resolved = model.resolve(page.site, page.url)
        key = model.attributes(page.site, page.url).service_key
        if key and resolved and visible(resolved[1]):
            keys.add(key)
    for site in model.sites.values():
        for prefix, attributes in site.section_attributes:
            if attributes.service_key and visible(site.org_unit_for(prefix)):
                keys.add(attributes.service_key)
    return keys


async def page_rows(
    conn: asyncpg.Connection,
    start: datetime,
    end: datetime,
    units: Sequence[str] | None,
    bucket: str | None = None,
    args: Sequence[Any] = (),
    pages: Sequence[str] | None = None,
) -> list[asyncpg.Record]:
    """Counters per page (and org unit) of the days in [start, end) (local midnights), for ``units`` (None: all) and
    ``pages`` (None: all). ``bucket``: an SQL expression over ``p.bucket_start`` to group by as well (its parameters
    ``args`` from $5 on)."""
    by = f", {bucket}" if bucket else ""
    rows: list[asyncpg.Record] = await conn.fetch(
        f"""SELECT p.page_url, min(p.site_id) AS site_id, p.org_unit_id{f"{by} AS bucket" if bucket else ""}, {_SUMS}
            FROM page_satisfaction_day p
            WHERE p.bucket_start >= $1 AND p.bucket_start < $2 AND ($3::text[] IS NULL OR p.org_unit_id = ANY($3))
              AND ($4::text[] IS NULL OR p.page_url = ANY($4))
            GROUP BY p.page_url, p.org_unit_id{by}""",
        start,
        end,
        None if units is None else list(units),
        None if pages is None else list(pages),
        *args,
    )
    return rows


async def pages_of(
    conn: asyncpg.Connection, lookup: Lookup, key: str, start: datetime, end: datetime, units: Sequence[str] | None
) -> list[str]:
    """The pages with feedback in [start, end) (local midnights; of ``units``, None: all) that belong to the service
    ``key``: a service's figures then read only its own pages' rows."""
    rows = await conn.fetch(
        """SELECT p.page_url, min(p.site_id) AS site_id FROM page_satisfaction_day p
           WHERE p.bucket_start >= $1 AND p.bucket_start < $2 AND ($3::text[] IS NULL OR p.org_unit_id = ANY($3))
           GROUP BY p.page_url""",
        start,
        end,
        None if units is None else list(units),
    )
    return [r["page_url"] for r in rows if lookup(r["site_id"], r["page_url"]).service_key == key]


async def api_groups(
    conn: asyncpg.Connection, model: OrgModel, table: str, where: str, args: Sequence[Any], only: str | None,
    series: bool,
) -> dict[str, ServiceGroup]:  # fmt: skip
    """The metrics API's services: the rows of ``table`` (hours or days, aliased ``p``) that match ``where`` (its
    parameters ``args``) grouped by service (``only``: that one), with their buckets if ``series``. First the period's
    totals per page, site and unit (at most pages x units rows, whatever the period) give each service its pages,
    sites, units and totals; then the buckets are summed per service in the database, not per page in Python."""
    totals = await conn.fetch(
        f"""SELECT p.page_url, p.site_id, p.org_unit_id, {SUMS} FROM {table} p WHERE {where}
            GROUP BY p.page_url, p.site_id, p.org_unit_id""",
        *args,
    )
    groups = group_by_service(totals, model.attributes, None, only)
    if not (series and groups):
        return groups
    pages = {(r["site_id"], r["page_url"]) for r in totals}
    keyed = [(site, url, key) for site, url in pages if (key := model.attributes(site, url).service_key) in groups]
    n = len(args)
    buckets = await conn.fetch(
        f"""SELECT s.service_key, p.bucket_start, {SUMS}
            FROM {table} p JOIN unnest(${n + 1}::text[], ${n + 2}::text[], ${n + 3}::text[])
                 AS s(site_id, page_url, service_key) ON s.site_id = p.site_id AND s.page_url = p.page_url
            WHERE {where} GROUP BY 1, 2""",
        *args,
        *([list(column) for column in zip(*keyed, strict=True)]),
    )
    for r in buckets:
        groups[r["service_key"]].buckets[r["bucket_start"]] = {c: r[c] for c in COUNTERS}
    return groups


def api_items(groups: Mapping[str, ServiceGroup], model: OrgModel, series: bool) -> list[dict[str, Any]]:
    """The metrics API's services (``group_by_service``), most responses first, each with its pages, sites and units,
    totals and (``series``) its buckets."""
    titles = {url: p.title for url, p in model.pages.items()}
    items = []
    for group in ranked(groups):
        item: dict[str, Any] = {
            "service_key": group.key,
            "name": group.label(titles),
            "pages": sorted(group.pages),
            "sites": sorted(group.sites),
            "org_units": sorted(group.units),
            "totals": stats(group.counters),
        }
        if series:
            item["series"] = [{"bucket_start": b, **stats(c)} for b, c in sorted(group.buckets.items())]
        items.append(item)
    return items
