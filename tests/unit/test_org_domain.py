"""The organisation model's decisions: its rules (one set for the YAML file and the console), the events that
bring a model to another, when the projection applies one, the console's fields for each problem, and the YAML
export that ``org apply`` reads back unchanged."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from services.analytics import org_form
from services.analytics.org_domain import (
    applies,
    check,
    merge,
    page_of,
    plan,
    site_of,
    unit_of,
    with_page,
    with_site,
    with_unit,
)
from shared.contracts.org import OrgUnitSavedV1, PageSavedV2, SiteSavedV2
from shared.orgmodel import OrgModel, OrgProblem, OrgUnit, Page, Site, dump_org_yaml, load_org_yaml, parse_org_yaml

DEMO = Path(__file__).parents[2] / "stadtstimme" / "musterstadt.yaml"
NOW = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)
_, CITY = load_org_yaml(DEMO)


def rules(model: OrgModel) -> list[tuple[tuple[str | int, ...], str]]:
    checked = check(model)
    assert isinstance(checked, list), "expected problems"
    return [(p.loc, p.rule) for p in checked]


def test_the_demo_city_keeps_every_rule() -> None:
    assert isinstance(check(CITY), OrgModel)


def test_export_is_read_back_as_the_same_model_and_plans_nothing() -> None:
    city, again = parse_org_yaml(dump_org_yaml(CITY))
    assert again == CITY and city == "Stadtverwaltung Musterstadt"  # the city unit names the file's city
    assert len(plan(OrgModel(), {}, again, "t", NOW)) == len(CITY.units) + len(CITY.sites) + len(CITY.pages)
    assert plan(CITY, {}, again, "t", NOW) == [] and plan(again, {}, CITY, "t", NOW) == []


def test_a_page_on_another_origin_of_its_site_survives_the_round_trip() -> None:
    page = Page("https://musterstadt.de/impressum", "portal", "Impressum")
    model = with_page(CITY, page)
    assert isinstance(check(model), OrgModel)
    _, again = parse_org_yaml(dump_org_yaml(model))
    assert again.pages[page.url] == page


def test_new_and_changed_things_become_events_with_the_next_revision_units_first() -> None:
    unit = OrgUnit("kultur", "Kulturamt", "department", "stadtverwaltung")
    site = Site("kultur", "kultur-musterstadt.de", "kultur", ("https://kultur.musterstadt.de",))
    page = Page("https://kultur.musterstadt.de/museen", "kultur", "Museen")
    renamed = OrgUnit("bauamt", "Bauaufsicht", "department", "stadtverwaltung")
    desired = with_page(with_site(with_unit(with_unit(CITY, unit), renamed), site), page)
    events = plan(CITY, {("unit", "bauamt"): 3}, desired, "anna", NOW)
    assert [type(e.data) for e in events] == [OrgUnitSavedV1, OrgUnitSavedV1, SiteSavedV2, PageSavedV2]
    assert [(e.subject, e.data.revision) for e in events] == [
        (("unit", "bauamt"), 4), (("unit", "kultur"), 1), (("site", "kultur"), 1),
        (("page", "https://kultur.musterstadt.de/museen"), 1),
    ]  # fmt: skip
    assert all(e.data.saved_by == "anna" for e in events) and len({e.event_id for e in events}) == 4


def test_a_unit_comes_after_the_unit_it_belongs_to() -> None:
    parent = OrgUnit("z-dezernat", "Dezernat", "department", "stadtverwaltung")
    child = OrgUnit("a-amt", "Amt", "department", "z-dezernat")
    events = plan(CITY, {}, with_unit(with_unit(CITY, child), parent), "t", NOW)
    assert [e.subject[1] for e in events] == ["z-dezernat", "a-amt"]


def test_the_events_rebuild_the_model() -> None:
    events = plan(OrgModel(), {}, CITY, "t", NOW)
    rebuilt = OrgModel()
    for e in events:
        d = e.data
        if isinstance(d, OrgUnitSavedV1):
            rebuilt.units[d.unit_id] = unit_of(d)
        elif isinstance(d, SiteSavedV2):
            rebuilt.sites[d.site_id] = site_of(d)
        else:
            assert isinstance(d, PageSavedV2)
            rebuilt.pages[d.url] = page_of(d)
    assert plan(rebuilt, {}, CITY, "t", NOW) == [] and plan(CITY, {}, rebuilt, "t", NOW) == []


def test_the_order_of_sections_is_no_change() -> None:
    portal = CITY.sites["portal"]
    turned = Site(portal.id, portal.name, portal.org_unit, portal.origins, tuple(reversed(portal.sections)))
    assert plan(CITY, {}, with_site(CITY, turned), "t", NOW) == []


def test_merging_a_file_adds_and_changes_but_never_removes() -> None:
    small = OrgModel(units={"baeder": OrgUnit("baeder", "Bäder", "eigenbetrieb")})
    merged = merge(CITY, small)
    assert merged.units["baeder"].name == "Bäder" and set(merged.units) == set(CITY.units)
    assert merged.sites == CITY.sites and merged.pages == CITY.pages


@pytest.mark.parametrize(
    ("stored", "stored_state", "revision", "state", "expected"),
    [
        (None, None, 1, "a", True),  # new
        (2, "a", 3, "b", True),  # later revision
        (3, "b", 2, "a", False),  # an older event read after the console wrote a newer one through
        (2, "a", 2, "a", False),  # the same again
        (2, "a", 2, "b", True),  # same revision, other state: the one read last wins, as in a replay
        (0, "a", 1, "a", True),  # stored before the model became events
    ],
)
def test_when_the_projection_applies_an_event(
    stored: int | None, stored_state: str | None, revision: int, state: str, expected: bool
) -> None:
    assert applies(stored, stored_state, revision, state) is expected


def test_rules_unknown_units_cycles_and_duplicates() -> None:
    loose = with_unit(CITY, OrgUnit("bauamt", "Bauamt", "department", "nirgends"))
    assert rules(loose) == [(("org_units", 2, "parent"), "unknown_unit")]
    cycle = with_unit(with_unit(CITY, OrgUnit("a", "A", "department", "b")), OrgUnit("b", "B", "department", "a"))
    assert {r for _, r in rules(cycle)} == {"parent_cycle"}
    itself = with_unit(CITY, OrgUnit("baeder", "Bäder", "eigenbetrieb", "baeder"))
    assert [r for _, r in rules(itself)] == ["parent_cycle"]
    sections = (("/a", "bauamt"), ("/a/", "baeder"), ("/b", "fehlt"))
    site = Site("kultur", "Kultur", "unbekannt", ("https://k.de", "https://K.de:443"), sections)
    assert rules(with_site(CITY, site)) == [
        (("sites", 3, "org_unit"), "unknown_unit"),
        (("sites", 3, "origins", 1), "duplicate_origin"),
        (("sites", 3, "sections", 1, "path_prefix"), "duplicate_section"),
        (("sites", 3, "sections", 2, "org_unit"), "unknown_unit"),
    ]


def test_rules_origins_normalised_and_checked() -> None:
    site = Site("kultur", "Kultur", "stadtverwaltung", ("HTTPS://Kultur.Musterstadt.DE:443",))
    checked = check(with_site(CITY, site))
    assert isinstance(checked, OrgModel) and checked.sites["kultur"].origins == ("https://kultur.musterstadt.de",)
    for bad in ("kultur.musterstadt.de", "https://kultur.musterstadt.de/pfad", "ftp://x.de", "javascript:alert(1)"):
        assert rules(with_site(CITY, Site("kultur", "Kultur", "stadtverwaltung", (bad,)))) == [
            (("sites", 3, "origins", 0), "origin")
        ]
    assert rules(with_site(CITY, Site("kultur", "Kultur", "stadtverwaltung", ()))) == [
        (("sites", 3, "origins"), "no_origin")
    ]


def test_rules_a_page_on_its_sites_origins_and_of_a_known_site() -> None:
    foreign = with_page(CITY, Page("https://abfall.musterstadt.de/x", "portal", ""))
    assert rules(foreign) == [(("sites", 3, "pages", 0, "origin"), "page_origin")]
    stray = with_page(CITY, Page("https://x.de/", "nirgends", ""))
    assert rules(stray) == [(("pages", "https://x.de/"), "unknown_site")]
    portal = CITY.sites["portal"]
    shrunk = with_site(
        CITY, Site(portal.id, portal.name, portal.org_unit, ("https://musterstadt.de",), portal.sections)
    )
    assert {r for _, r in rules(shrunk)} == {"page_origin"}  # its pages keep the origin it would lose


def test_rules_ids_and_names() -> None:
    assert rules(with_unit(CITY, OrgUnit("Kultur Amt", "", "department"))) == [
        (("org_units", 0, "id"), "id"), (("org_units", 0, "name"), "missing"),
    ]  # fmt: skip
    assert rules(with_unit(CITY, OrgUnit("kultur", "K", "amt"))) == [(("org_units", 4, "kind"), "kind")]  # type: ignore[arg-type]


def test_every_problem_has_its_text_in_german_and_english() -> None:
    problem = OrgProblem(("sites", 0, "origins", 0), "origin", {"value": "x"})
    assert "keine Herkunft" in problem.text("de") and "not an origin" in problem.text("en")
    assert problem.line("city.yaml") == "city.yaml: sites.0.origins.0: " + problem.text("en")


def test_form_problems_land_at_their_fields() -> None:
    form = {"site_id": "kultur", "name": "Kultur", "org_unit": "stadtverwaltung", "origins": "kultur.de\n\n",
            "sec0_prefix": "", "sec0_unit": "", "sec1_prefix": "/museen", "sec1_unit": "fehlt",
            "sec2_prefix": "", "sec2_unit": ""}  # fmt: skip
    site, rows = org_form.site_from_form(form)
    assert rows == [1] and site.sections == (("/museen", "fehlt"),)
    model = with_site(CITY, site)
    errors = org_form.errors_at_fields(check(model), model, ("site", "kultur"), rows)  # type: ignore[arg-type]
    assert errors.fields.keys() == {"origins"} and "keine Herkunft" in errors.fields["origins"]
    model = with_site(CITY, site_ok := org_form.site_from_form(form | {"origins": "https://kultur.de"})[0])
    errors = org_form.errors_at_fields(check(model), model, ("site", site_ok.id), rows)  # type: ignore[arg-type]
    assert errors.fields == {"sec1_unit": "Eine Organisationseinheit „fehlt“ gibt es nicht."} and not errors.general


def test_form_a_removed_origin_with_pages_is_refused_at_the_origins() -> None:
    portal = CITY.sites["portal"]
    shrunk = with_site(
        CITY, Site(portal.id, portal.name, portal.org_unit, ("https://musterstadt.de",), portal.sections)
    )
    errors = org_form.errors_at_fields(check(shrunk), shrunk, ("site", "portal"))  # type: ignore[arg-type]
    assert errors.fields == {"origins": "Unter https://www.musterstadt.de sind Seiten eingetragen; diese Herkunft "
                                        "muss bleiben."}  # fmt: skip


def test_form_page_problems_land_at_the_address_and_the_site() -> None:
    page = org_form.page_from_form({"url": "https://ABFALL.musterstadt.de/neu/", "site_id": "portal", "title": "X"})
    assert page.url == "https://abfall.musterstadt.de/neu"
    model = with_page(CITY, page)
    errors = org_form.errors_at_fields(check(model), model, ("page", page.url))  # type: ignore[arg-type]
    assert list(errors.fields) == ["url"] and "nicht unter einer Herkunft" in errors.fields["url"]
    stray = with_page(CITY, Page(page.url, "nirgends", ""))
    errors = org_form.errors_at_fields(check(stray), stray, ("page", page.url))  # type: ignore[arg-type]
    assert list(errors.fields) == ["site_id"]
    with pytest.raises(org_form.FormErrors) as refused:
        org_form.page_from_form({"url": "abfall.musterstadt.de/neu"})
    assert list(refused.value.fields) == ["url"]


def test_form_a_problem_elsewhere_is_for_the_whole_form() -> None:
    model = with_unit(with_unit(CITY, OrgUnit("kultur", "Kultur", "department")), OrgUnit("x", "", "department"))
    errors = org_form.errors_at_fields(check(model), model, ("unit", "kultur"))  # type: ignore[arg-type]
    assert errors.fields == {} and errors.general == ["Bitte ausfüllen."]
