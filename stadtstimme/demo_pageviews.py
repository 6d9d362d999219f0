"""Demo page views for `make run`: the 90 days of the demo feedback, per page of the demo city and a few pages not in
its page list, as the city's Matomo would count them, so that the contact rate (responses per 1,000 page views)
and the surveys' reach show real figures on the first start.

Deterministic (a fixed seed), imported through the one import (``pageviews.import_plan``, source ``demo``) like an
upload: as events, once per installation.
"""

from __future__ import annotations

import random
from datetime import date, timedelta

from services.analytics.pageview_domain import PageViews, Plan
from shared.orgmodel import OrgModel, split_origin
from stadtstimme.demo_feedback import DAYS

# Page views per weekday per page path; pages not listed get 300. Citizens' services are busiest.
LEVEL = {
    "/": 2400, "/buergeramt/termine": 900, "/buergeramt/personalausweis": 650, "/buergeramt/ummelden": 420,
    "/abfallkalender": 1100, "/sperrmuell": 380, "/wertstoffhoefe": 260, "/kundenportal/zaehlerstand": 520,
    "/stoerungen": 240, "/freibad": 700, "/hallenbad": 450, "/ordnung/parken": 310, "/bauen/bauantrag": 180,
}  # fmt: skip
# Pages the analytics count that are not in the demo city's page list (imported too: "other pages").
UNLISTED = {"portal": ("/impressum", "/kontakt"), "baeder": ("/preise",)}


def demo_plans(model: OrgModel, today: date) -> list[Plan]:
    """One import per site: page views per page and day, for the ``DAYS`` days before ``today``."""
    rnd = random.Random(20261129)  # demo data: the same every time
    days = [today - timedelta(days=n) for n in range(DAYS, 0, -1)]
    plans = []
    for site in sorted(model.sites.values(), key=lambda s: s.id):
        origin = site.origins[0]
        paths = sorted(split_origin(p.url)[1] or "/" for p in model.pages.values() if p.site == site.id)
        paths += UNLISTED.get(site.id, ())
        rows = []
        for path in paths:
            level = LEVEL.get(path, 300)
            for day in days:
                weekday = 0.55 if day.weekday() >= 5 else 1.0
                incident = 1.4 if path == "/abfallkalender" and (today - day).days <= 10 else 1.0
                views = max(0, round(rnd.gauss(level * weekday * incident, level * 0.12)))
                rows.append(PageViews(origin + path, day, views))
        rows.sort(key=lambda r: (r.page_url, r.day))
        plans.append(Plan(site.id, rows, days, len(rows), known_pages=len(paths) - len(UNLISTED.get(site.id, ()))))
    return plans
