"""The SDG part of a site's widget document (services/ingest/surveys.py): the widget decides from the delivered
(pattern, SDG-relevant) pairs, the last match deciding, exactly what ``OrgModel.attributes`` says about the page, so
that the server never has to be told which page is viewed."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import orjson
import pytest

from services.ingest.surveys import SurveyCatalogue, sdg_delivery, sdg_paths
from shared.messages import text
from shared.orgmodel import load_org_yaml, normalise_page_url, parse_org_yaml, split_page_url
from stadtstimme.infra import REPO

CITY = """
city: T
org_units:
  - {id: city, name: Stadt, kind: city}
  - {id: amt, name: Amt, kind: department}
sites:
  - id: portal
    name: Portal
    org_unit: city
    origins: ["https://t.de"]
    sections:
      - {path_prefix: /amt, org_unit: amt, service_key: "stadt:amt", sdg: {kind: information}}
      - {path_prefix: /amt/kasse, org_unit: amt, service_key: "stadt:kasse"}
      - {path_prefix: /amt/kasse/antrag, org_unit: amt, service_key: "99115001018000",
         sdg: {kind: procedure, procedure: moving-address-change}}
      - {path_prefix: /amt/intern, org_unit: city}
    pages:
      - {path: /amt/formular, title: Formular, service_key: "99000000000001"}
      - {path: /amt/ohne, title: Ohne eigene Werte}
      - {path: /presse/hilfe, title: Hilfe, sdg: {kind: assistance}}
      - {path: /, title: Start}
  - id: blog
    name: Blog
    org_unit: city
    origins: ["https://blog.t.de"]
    sections:
      - {path_prefix: /, org_unit: city, service_key: "stadt:blog"}
"""
PATHS = [
    "/", "/amt", "/amt/", "/amt/x", "/amt/a/b", "/amtlich", "/amt/formular", "/amt/formular/", "/amt/formular/x",
    "/amt/ohne", "/amt/kasse", "/amt/kasse/", "/amt/kasse/x", "/amt/kasse/antrag", "/amt/kasse/antrag/schritt/2",
    "/amt/intern/x", "/presse", "/presse/hilfe", "/presse/hilfe/", "/presse/hilfe2", "/m%C3%BCll",
]  # fmt: skip


def widget_decides(pairs: list[tuple[str, bool]], path: str) -> bool:
    """What widget/src/stadtstimme.js does with the pairs: "*" is any characters, the whole path must match, the
    last matching pair decides, no match: not SDG-relevant."""
    relevant = False
    for pattern, value in pairs:
        if re.fullmatch(".*".join(re.escape(part) for part in pattern.split("*")), path, re.DOTALL):
            relevant = value
    return relevant


@pytest.mark.parametrize("path", PATHS)
def test_the_widget_decides_each_path_as_the_org_model_does(path: str) -> None:
    _, model = parse_org_yaml(CITY)
    pairs = sdg_paths(model, "portal")
    # As ingest asks it: about the normalised address (no trailing slash) of what the widget reports.
    expected = model.attributes("portal", normalise_page_url("https://t.de" + path)).sdg_kind is not None
    assert widget_decides(pairs, path) is expected


def test_the_cases_that_need_the_order() -> None:
    _, model = parse_org_yaml(CITY)
    pairs = sdg_paths(model, "portal")
    assert widget_decides(pairs, "/amt/x")  # the SDG section
    assert not widget_decides(pairs, "/amt/kasse/x")  # a longer section with a service but no SDG kind
    assert widget_decides(pairs, "/amt/kasse/antrag/schritt")  # an SDG section inside that one
    assert not widget_decides(pairs, "/amt/formular")  # a page's own attributes: all or nothing
    assert widget_decides(pairs, "/amt/ohne")  # a page without attributes of its own: its section's
    assert widget_decides(pairs, "/amt/intern/x")  # a section without attributes takes none away
    assert widget_decides(pairs, "/presse/hilfe") and not widget_decides(pairs, "/presse/hilfe2")
    assert not widget_decides(pairs, "/amtlich")  # a prefix is whole path segments


def test_a_site_without_sdg_pages_gets_no_sdg_part_and_the_document_names_no_page_or_visitor() -> None:
    _, model = parse_org_yaml(CITY)
    assert sdg_paths(model, "blog") == [] and sdg_delivery(model, "blog", "https://eu.example/survey") is None
    assert sdg_paths(model, "unknown") == []
    now = datetime(2026, 12, 7, 12, 0, tzinfo=UTC)
    catalogue = SurveyCatalogue.build([], model.sites, now, model, "https://eu.example/survey")
    assert orjson.loads(catalogue.by_site["blog"][0]) == {"surveys": []}
    portal = orjson.loads(catalogue.by_site["portal"][0])
    assert portal["surveys"] == []
    assert portal["sdg"]["url"] == "https://eu.example/survey"
    assert portal["sdg"]["question"] == {lang: text("widget.sdg.question", lang) for lang in ("de", "en")}
    assert portal["sdg"]["question"]["de"] == "Haben Sie gefunden, was Sie gesucht haben?"
    assert portal["sdg"]["link"] == {lang: text("widget.sdg.link", lang) for lang in ("de", "en")}
    assert [tuple(p) for p in portal["sdg"]["paths"]] == sdg_paths(model, "portal")
    # Without a model (as before) the document is the surveys alone.
    assert orjson.loads(SurveyCatalogue.build([], ["portal"], now).by_site["portal"][0]) == {"surveys": []}


def test_without_the_survey_address_no_link_is_offered() -> None:
    _, model = parse_org_yaml(CITY)
    delivered = sdg_delivery(model, "portal", "")
    assert delivered is not None and delivered["url"] is None and delivered["paths"]


def test_the_demo_city_marks_its_sdg_pages() -> None:
    _, model = load_org_yaml(REPO / "stadtstimme" / "musterstadt.yaml")
    marked = [site for site in model.sites if sdg_paths(model, site)]
    assert marked  # the demo's SDG sections and pages reach the widget
    for site_id in marked:
        for page in model.pages.values():
            if page.site == site_id:
                expected = model.attributes(site_id, page.url).sdg_kind is not None
                assert widget_decides(sdg_paths(model, site_id), split_page_url(page.url)[1]) is expected, page.url
