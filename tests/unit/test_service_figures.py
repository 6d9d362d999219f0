"""Feedback per service, the pure part: page rows grouped by the service the org model gives their page, the name a
service shows, and which services exist for whom."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Any

from services.analytics import reports
from services.analytics.domain import COUNTERS
from services.analytics.reports import ServiceLine
from services.analytics.service_figures import api_items, group_by_service, ranked, service_keys
from shared.orgmodel import load_org_yaml
from tests.unit.test_reports import figures, report

_, CITY = load_org_yaml(Path(__file__).parents[2] / "stadtstimme" / "musterstadt.yaml")
UMMELDEN = "99115001018000"
PORTAL = "https://www.musterstadt.de/buergeramt/ummelden"
ONLINE = "https://serviceportal.musterstadt.de/ummelden"
DEEP = "https://serviceportal.musterstadt.de/ummelden/schritt-2"  # registered nowhere: its section's service


def row(site: str, url: str, unit: str, responses: int, yes: int = 0, bucket: Any = None) -> dict[str, Any]:
    counters = dict.fromkeys(COUNTERS, 0) | {"responses": responses, "helpful_yes": yes,
                                              "helpful_no": responses - yes}  # fmt: skip
    return {"site_id": site, "page_url": url, "org_unit_id": unit, "bucket": bucket, **counters}


ROWS = [
    row("portal", PORTAL, "buergeramt", 4, 3, date(2026, 3, 1)),
    row("portal", PORTAL, "buergeramt", 1, 1, date(2026, 3, 2)),
    row("serviceportal", ONLINE, "buergeramt", 2, 0, date(2026, 3, 2)),
    row("serviceportal", DEEP, "buergeramt", 1, 1, date(2026, 3, 2)),
    row("portal", "https://www.musterstadt.de/ordnung/parken", "ordnungsamt", 6, 6, date(2026, 3, 1)),
    row("portal", "https://www.musterstadt.de/", "stadtverwaltung", 9, 0, date(2026, 3, 1)),  # no service
]


def test_pages_of_one_service_on_two_sites_are_summed_into_one_figure_per_bucket() -> None:
    groups = group_by_service(ROWS, CITY.attributes, "bucket")
    assert [(g.key, g.counters["responses"]) for g in ranked(groups)] == [(UMMELDEN, 8),
                                                                          ("stadt:bewohnerparkausweis", 6)]  # fmt: skip
    ummelden = groups[UMMELDEN]
    assert ummelden.pages == {PORTAL, ONLINE, DEEP} and ummelden.sites == {"portal", "serviceportal"}
    assert ummelden.counters["helpful_yes"] == 5 and ummelden.counters["helpful_no"] == 3
    assert {day: c["responses"] for day, c in ummelden.buckets.items()} == {date(2026, 3, 1): 4, date(2026, 3, 2): 4}
    assert set(group_by_service(ROWS, CITY.attributes, only=UMMELDEN)) == {UMMELDEN}
    assert group_by_service(ROWS, CITY.attributes, only="stadt:nichts") == {}


def test_a_service_is_named_by_its_page_with_the_most_responses_else_by_its_key() -> None:
    groups = group_by_service(ROWS, CITY.attributes, "bucket")
    titles = {url: p.title for url, p in CITY.pages.items()}
    assert groups[UMMELDEN].label(titles) == "Wohnsitz ummelden"  # the portal's page: 5 responses of 8
    assert groups[UMMELDEN].label({}) == UMMELDEN


def test_which_services_exist_for_whom() -> None:
    assert service_keys(CITY, lambda unit: True) == {UMMELDEN, "99115009001000", "stadt:bewohnerparkausweis"}
    assert service_keys(CITY, lambda unit: unit == "ordnungsamt") == {"stadt:bewohnerparkausweis"}
    assert service_keys(CITY, lambda unit: unit == "baeder") == set()


def test_api_items_carry_pages_sites_units_totals_and_series_on_request() -> None:
    rows = [r | {"bucket_start": r["bucket"]} for r in ROWS]
    items = api_items(group_by_service(rows, CITY.attributes, "bucket_start"), CITY, series=True)
    assert [(i["service_key"], i["name"], i["totals"]["responses"]) for i in items] == [
        (UMMELDEN, "Wohnsitz ummelden", 8), ("stadt:bewohnerparkausweis", "Bewohnerparkausweis", 6)]  # fmt: skip
    assert items[0]["sites"] == ["portal", "serviceportal"] and items[0]["org_units"] == ["buergeramt"]
    assert [b["responses"] for b in items[0]["series"]] == [4, 4] and items[0]["totals"]["helpful_share"] == 0.625
    assert "series" not in api_items(group_by_service(rows, CITY.attributes, only=UMMELDEN), CITY, series=False)[0]


def test_the_monthly_report_lists_services_between_the_key_figures_and_the_pages() -> None:
    built = report(figures(10, 8, 2, [5] * 10), figures(6, 3, 3, [2] * 6))
    with_services = replace(built, services=(ServiceLine(UMMELDEN, "Wohnsitz ummelden", 2, 12, 0.75, 4.25),
                                             ServiceLine("stadt:parken", "=Parken", 1, None, None, None)))  # fmt: skip
    lines = reports.rows_csv(with_services).splitlines()
    assert lines[:5] == reports.rows_csv(built).splitlines()[:5]  # title, head and key figures as before
    assert lines[6:9] == [
        "Leistung;Leistungsschlüssel;Websites;Rückmeldungen;Anteil hilfreich;Mittlere Bewertung",
        f"Wohnsitz ummelden;{UMMELDEN};2;12;75 %;4,25",
        "'=Parken;stadt:parken;1;< 5;–;–",
    ]
    assert lines[-2:] == reports.rows_csv(built).splitlines()[-2:]  # the pages last, as before
    assert reports.pdf(with_services).startswith(b"%PDF-")
