"""Page attributes (issue 19): a page's or a section's administrative service (LeiKa key or the city's own id) and
its role for the Single Digital Gateway; their rules, the lookup (the page's own, else its longest section's), the
v1 → v2 upcast of the org events, and the round trip through events and YAML."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
import yaml
from pydantic import ValidationError

from services.analytics import org_form
from services.analytics.org_domain import check, page_of, plan, site_of, with_page, with_site
from shared.contracts.org import PageSavedV1, PageSavedV2, SdgV2, SectionV1, SiteSavedV1, SiteSavedV2, upcast_org
from shared.orgmodel import (
    NO_ATTRIBUTES,
    OrgConfigError,
    OrgModel,
    OrgProblem,
    Page,
    PageAttributes,
    check_document,
    dump_org_yaml,
    load_org_yaml,
    parse_org_yaml,
)

DEMO = Path(__file__).parents[2] / "stadtstimme" / "musterstadt.yaml"
NOW = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)
UMMELDEN = PageAttributes("99115001018000", "procedure", "moving-address-change")

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
      - {path_prefix: /amt/ummelden, org_unit: amt, service_key: "99115001018000",
         sdg: {kind: procedure, procedure: moving-address-change}}
      - {path_prefix: /amt/ummelden/intern, org_unit: city}
    pages:
      - {path: /amt/ummelden/formular, title: Formular, service_key: "99000000000001"}
      - {path: /amt/ummelden/plain, title: Ohne eigene Werte}
"""


def problems(yaml_text: str) -> list[tuple[tuple[str | int, ...], str]]:
    checked = check_document(yaml.safe_load(yaml_text))
    assert isinstance(checked, list), "expected problems"
    return [(p.loc, p.rule) for p in checked]


def page_yaml(**fields: str) -> str:
    extra = "".join(f", {k}: {v}" for k, v in fields.items())
    return (
        "city: T\norg_units: [{id: city, name: Stadt, kind: city}]\n"
        f'sites: [{{id: s, name: S, org_unit: city, origins: ["https://t.de"], pages: [{{path: /a{extra}}}]}}]\n'
    )


def test_lookup_the_pages_own_values_win_else_the_longest_section_with_values_else_none() -> None:
    _, model = parse_org_yaml(CITY)
    at = lambda path: model.attributes("portal", "https://t.de" + path)  # noqa: E731
    assert at("/amt/ummelden/formular") == PageAttributes("99000000000001")  # the page's own: all or nothing
    assert at("/amt/ummelden/plain") == UMMELDEN  # a registered page without values of its own
    assert at("/amt/ummelden") == UMMELDEN and at("/amt/ummelden/unregistriert/tief") == UMMELDEN
    assert at("/amt/ummelden/intern/x") == UMMELDEN  # a longer section without values takes none away
    assert at("/amt/anderes") == PageAttributes("stadt:amt", "information")
    assert at("/amtlich") == NO_ATTRIBUTES and at("/") == NO_ATTRIBUTES  # a prefix is whole path segments
    assert model.attributes("unbekannt", "https://t.de/amt") == NO_ATTRIBUTES
    assert not NO_ATTRIBUTES and UMMELDEN


def test_the_demo_city_has_one_service_on_two_sites() -> None:
    _, model = load_org_yaml(DEMO)
    portal = model.attributes("portal", "https://www.musterstadt.de/buergeramt/ummelden")
    online = model.attributes("serviceportal", "https://serviceportal.musterstadt.de/ummelden/bestaetigung")
    assert portal == online == UMMELDEN
    kinds = {model.attributes(p.site, p.url).sdg_kind for p in model.pages.values()}
    assert {"information", "procedure", "assistance", None} <= kinds


@pytest.mark.parametrize("key", ["99115001018000", "stadt:parken", "stadt:a-1"])
def test_a_service_key_is_a_leika_key_or_the_citys_own_id(key: str) -> None:
    assert not isinstance(check_document(yaml.safe_load(page_yaml(service_key=f'"{key}"'))), list)


@pytest.mark.parametrize(
    ("fields", "loc", "rule"),
    [
        ({"service_key": '"9911500101800"'}, ("service_key",), "service_key"),  # 13 digits
        ({"service_key": '"991150010180001"'}, ("service_key",), "service_key"),  # 15
        ({"service_key": '"stadt:"'}, ("service_key",), "service_key"),
        ({"service_key": '"Stadt:Parken"'}, ("service_key",), "service_key"),
        ({"service_key": '"leika:99115001018000"'}, ("service_key",), "service_key"),
        ({"sdg": "{kind: verfahren}"}, ("sdg", "kind"), "sdg_kind"),
        ({"sdg": "{kind: procedure}"}, ("sdg", "procedure"), "sdg_procedure_missing"),
        ({"sdg": '{kind: procedure, procedure: "a b"}'}, ("sdg", "procedure"), "sdg_procedure"),
        ({"sdg": "{kind: information, extra: 1}"}, ("sdg", "extra"), "unknown_field"),
    ],
)
def test_what_a_page_says_about_its_service_is_checked_at_its_field(
    fields: dict[str, str], loc: tuple[str, ...], rule: str
) -> None:
    assert problems(page_yaml(**fields)) == [(("sites", 0, "pages", 0, *loc), rule)]


def test_a_sections_procedure_is_checked_too_and_the_command_line_names_the_field() -> None:
    text = CITY.replace("procedure: moving-address-change", "procedure: null")
    with pytest.raises(OrgConfigError, match=r"sites\.0\.sections\.1\.sdg\.procedure: For a procedure"):
        parse_org_yaml(text, "city.yaml")


def test_every_new_rule_has_its_text_in_german_and_english() -> None:
    for rule in ("service_key", "sdg_kind", "sdg_procedure", "sdg_procedure_missing"):
        problem = OrgProblem((), rule)
        assert problem.text("de") != problem.key and problem.text("en") != problem.key
        assert problem.text("de") != problem.text("en")


def test_the_contract_checks_the_shape_too() -> None:
    base = {"url": "https://t.de/a", "site_id": "s", "revision": 1, "saved_by": "t", "saved_at": NOW}
    assert PageSavedV2(**base, service_key="stadt:x", sdg=SdgV2(kind="assistance")).sdg == SdgV2(kind="assistance")
    for bad in ({"service_key": "123"}, {"sdg": {"kind": "procedure"}}, {"sdg": {"kind": "other"}}):
        with pytest.raises(ValidationError):
            PageSavedV2.model_validate(base | bad)


def test_v1_events_are_read_as_v2_without_a_service() -> None:
    saved = {"revision": 2, "saved_by": "t", "saved_at": NOW}
    page = upcast_org(PageSavedV1(url="https://t.de/a", site_id="s", title="A", **saved))
    assert page == PageSavedV2(url="https://t.de/a", site_id="s", title="A", **saved)
    site = upcast_org(SiteSavedV1(site_id="s", name="S", org_unit="u", origins=["https://t.de"],
                                  sections=[SectionV1(path_prefix="/b", org_unit="b")], **saved))  # fmt: skip
    assert isinstance(site, SiteSavedV2) and site.sections[0].service_key is None and site.sections[0].sdg is None
    assert page_of(page).attributes == NO_ATTRIBUTES and site_of(site).section_attributes == ()


def test_attributes_travel_through_the_events_and_the_yaml_unchanged() -> None:
    _, model = parse_org_yaml(CITY)
    rebuilt = OrgModel(dict(model.units))
    for event in plan(OrgModel(), {}, model, "t", NOW):
        data = event.data
        if isinstance(data, SiteSavedV2):
            rebuilt.sites[data.site_id] = site_of(SiteSavedV2.model_validate_json(data.model_dump_json()))
        elif isinstance(data, PageSavedV2):
            rebuilt.pages[data.url] = page_of(PageSavedV2.model_validate_json(data.model_dump_json()))
    assert rebuilt == model
    assert parse_org_yaml(dump_org_yaml(model))[1] == model


def test_marking_a_page_is_a_change_and_unmarking_it_one_more() -> None:
    _, model = load_org_yaml(DEMO)
    url = "https://www.musterstadt.de/buergeramt/termine"
    marked = with_page(model, Page(url, "portal", "Termin vereinbaren", PageAttributes("stadt:termine")))
    assert isinstance(check(marked), OrgModel)
    events = plan(model, {}, marked, "t", NOW)
    assert [(e.subject, getattr(e.data, "service_key", None)) for e in events] == [(("page", url), "stadt:termine")]
    assert len(plan(marked, {}, model, "t", NOW)) == 1


def test_form_service_fields_become_attributes_and_their_problems_land_at_their_fields() -> None:
    _, model = load_org_yaml(DEMO)
    url = "https://www.musterstadt.de/buergeramt/termine"
    typed = {"url": url, "site_id": "portal", "title": "Termine", "service_key": " 123 ", "sdg_kind": "procedure",
             "sdg_procedure": ""}  # fmt: skip
    page = org_form.page_from_form(typed)
    assert page.attributes == PageAttributes("123", "procedure", None)
    wanted = with_page(model, page)
    errors = org_form.errors_at_fields(check(wanted), wanted, ("page", url))  # type: ignore[arg-type]
    assert errors.fields.keys() == {"service_key"} and "14 Ziffern" in errors.fields["service_key"]
    wanted = with_page(model, org_form.page_from_form(typed | {"service_key": "stadt:termine"}))
    errors = org_form.errors_at_fields(check(wanted), wanted, ("page", url))  # type: ignore[arg-type]
    assert errors.fields.keys() == {"sdg_procedure"} and "Anhang II" in errors.fields["sdg_procedure"]
    assert not errors.general
    no_kind = with_page(model, org_form.page_from_form({"url": url, "site_id": "portal", "sdg_procedure": "x"}))
    errors = org_form.errors_at_fields(check(no_kind), no_kind, ("page", url))  # type: ignore[arg-type]
    assert errors.fields == {"sdg_kind": "Bitte ausfüllen."}
    assert org_form.page_from_form({"url": url, "site_id": "portal"}).attributes == NO_ATTRIBUTES
    saved = model.pages["https://www.musterstadt.de/buergeramt/ummelden"]
    assert org_form.page_from_form(org_form.page_form_values(saved)) == saved  # the form shows what it saves


def test_form_a_sections_service_is_kept_and_its_problems_land_at_its_row() -> None:
    _, model = load_org_yaml(DEMO)
    portal = model.sites["serviceportal"]
    values = org_form.site_form_values(portal, 0)
    assert values["sec0_service_key"] == "99115001018000" and values["sec1_service_key"] == ""
    site, rows = org_form.site_from_form(values, portal.id)
    assert site == portal and rows == [0]
    broken = values | {"sec1_prefix": "/hilfe", "sec1_unit": "buergeramt", "sec1_sdg_kind": "beratung"}
    site, rows = org_form.site_from_form(broken, portal.id)
    wanted = with_site(model, site)
    errors = org_form.errors_at_fields(check(wanted), wanted, ("site", portal.id), rows)  # type: ignore[arg-type]
    assert errors.fields == {"sec1_sdg_kind": "Bitte eine SDG-Art wählen: Information, Verfahren oder Hilfe."}
