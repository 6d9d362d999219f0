from pathlib import Path

import pytest

from shared.orgmodel import InvalidUrl, OrgConfigError, load_org_yaml, normalise_page_url, parse_org_yaml

DEMO = Path(__file__).parents[2] / "stadtstimme" / "musterstadt.yaml"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("https://WWW.Musterstadt.DE/Abfall", "https://www.musterstadt.de/Abfall"),
        ("https://www.musterstadt.de/abfall/", "https://www.musterstadt.de/abfall"),
        ("https://www.musterstadt.de/abfall?tonne=gelb#termine", "https://www.musterstadt.de/abfall"),
        ("https://www.musterstadt.de", "https://www.musterstadt.de/"),
        ("https://www.musterstadt.de/", "https://www.musterstadt.de/"),
        ("https://www.musterstadt.de:443/a", "https://www.musterstadt.de/a"),
        ("http://localhost:8080/a/", "http://localhost:8080/a"),
        ("https://x.de/kontakt/max.muster@example.org/", "https://x.de/kontakt/[email]"),
    ],
)
def test_normalise_page_url(raw: str, expected: str) -> None:
    assert normalise_page_url(raw) == expected


@pytest.mark.parametrize(
    "raw", ["javascript:alert(1)", "/relative/path", "ftp://x.de/a", "https://", "https://x.de:99999/"]
)
def test_normalise_rejects_non_http_urls(raw: str) -> None:
    with pytest.raises(InvalidUrl):
        normalise_page_url(raw)


def test_demo_city_has_five_units_with_sites() -> None:
    city, model = load_org_yaml(DEMO)
    assert city == "Musterstadt"
    owners = {s.org_unit for s in model.sites.values()} | {u for s in model.sites.values() for _, u in s.sections}
    assert len(owners) >= 5
    assert {"buergeramt", "stadtwerke", "abfallwirtschaft", "baeder", "stadtentwaesserung"} <= owners


def test_sections_route_pages_to_their_unit_longest_prefix_first() -> None:
    _, model = parse_org_yaml(
        """
city: T
org_units:
  - {id: city, name: Stadt, kind: city}
  - {id: a, name: A, kind: department}
  - {id: b, name: B, kind: department}
sites:
  - id: portal
    name: Portal
    org_unit: city
    origins: ["https://T.de"]
    sections:
      - {path_prefix: /a, org_unit: a}
      - {path_prefix: /a/b/, org_unit: b}
"""
    )
    resolve = lambda url: model.resolve("portal", url)[1]  # noqa: E731
    assert resolve("https://t.de/") == "city"
    assert resolve("https://t.de/a") == "a"
    assert resolve("https://t.de/a/x") == "a"
    assert resolve("https://t.de/ab") == "city"  # a prefix is a path segment, not a string prefix
    assert resolve("https://t.de/a/b/c") == "b"
    assert model.resolve("unknown", "https://t.de/") is None


def test_yaml_errors_name_the_field() -> None:
    with pytest.raises(OrgConfigError) as err:
        parse_org_yaml(
            """
city: T
org_units: [{id: a, name: A, kind: amt}]
sites: [{id: s, name: S, org_unit: missing, origins: ["https://x.de"]}]
""",
            "city.yaml",
        )
    assert "city.yaml: org_units.0.kind" in str(err.value)


def test_yaml_unknown_unit_reference_is_an_error() -> None:
    with pytest.raises(OrgConfigError, match=r"sites\.0\.org_unit: There is no org unit 'missing'"):
        parse_org_yaml(
            "city: T\norg_units: [{id: a, name: A, kind: city}]\n"
            'sites: [{id: s, name: S, org_unit: missing, origins: ["https://x.de"]}]\n'
        )
