"""Whose feedback a measure counts: the org units of its pages and of its site under its path prefix, as ingest
resolves them (a site by origin, then the longest section), so that unit staff cannot read or publish another
unit's satisfaction through a measure of their own."""

from __future__ import annotations

import uuid
from dataclasses import replace
from datetime import date

from services.analytics.measure_domain import Measure, scope_units
from shared.orgmodel import OrgModel, Site

MODEL = OrgModel(sites={
    "portal": Site("portal", "Portal", "stadtverwaltung", ("https://www.musterstadt.de",),
                   (("/buergeramt", "buergeramt"), ("/bauen", "bauamt"), ("/bauen/antraege", "buergeramt"))),
    "abfall": Site("abfall", "Abfall", "abfallwirtschaft", ("https://abfall.musterstadt.de",)),
})  # fmt: skip
M = Measure(uuid.UUID(int=1), "buergeramt", "Termine", "Online buchen", date(2026, 10, 1))


def test_pages_count_for_the_unit_that_owns_them() -> None:
    own = replace(M, pages=("https://www.musterstadt.de/buergeramt/termine",))
    assert scope_units(own, MODEL) == {"pages": frozenset({"buergeramt"})}
    mixed = replace(own, pages=(*own.pages, "https://abfall.musterstadt.de/abfallkalender",
                                "https://www.musterstadt.de/rathaus"))  # fmt: skip
    assert scope_units(mixed, MODEL) == {"pages": frozenset({"buergeramt", "abfallwirtschaft", "stadtverwaltung"})}
    assert scope_units(replace(M, pages=("https://unbekannt.example/x",)), MODEL) == {"pages": frozenset()}


def test_a_site_counts_for_its_unit_at_the_prefix_and_every_section_below() -> None:
    whole = replace(M, site="portal", path_prefix="/")
    assert scope_units(whole, MODEL) == {"site": frozenset({"stadtverwaltung", "buergeramt", "bauamt"})}
    assert scope_units(replace(whole, path_prefix="/buergeramt/"), MODEL) == {"site": frozenset({"buergeramt"})}
    assert scope_units(replace(whole, path_prefix="/bauen"), MODEL) == {"site": frozenset({"bauamt", "buergeramt"})}
    assert scope_units(replace(whole, path_prefix="/bauen/antraege/neu"), MODEL) == {"site": frozenset({"buergeramt"})}
    assert scope_units(replace(whole, path_prefix="/bau"), MODEL) == {"site": frozenset({"stadtverwaltung"})}
    assert scope_units(replace(whole, site="nirgends"), MODEL) == {}
