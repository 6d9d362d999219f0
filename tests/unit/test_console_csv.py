"""CSV from the console: formula injection neutralised, numbers kept as numbers, German spreadsheet format."""

from __future__ import annotations

from services.analytics.dashboards import overview_row
from shared.spreadsheet import is_plain, spreadsheet_safe, to_csv


def test_formulas_are_neutralised_and_numbers_kept() -> None:
    for dangerous in ('=HYPERLINK("http://x")', "+1+2", "-2+3", "@SUM(A1)", "\tx", "\rx"):
        assert spreadsheet_safe(dangerous) == "'" + dangerous
    for number in ("-0,25", "+0,10", "12", "3,75"):
        assert spreadsheet_safe(number) == number
    assert spreadsheet_safe("Bäderbetrieb") == "Bäderbetrieb"


def test_plain_cells_are_those_to_csv_writes_unchanged() -> None:
    cells = ["Ja", "Nein", "In Bearbeitung", "12.03.2026 14:05", "5", "-5", "", "Straße ä", "=1", "+x", "a;b", 'a"b',
             "a\nb", "a\rb", "\tx", "@x", "-1,5", "'x"]  # fmt: skip
    for cell in cells:
        assert is_plain(cell) == (to_csv([[cell, "x"]]) == cell + ";x\r\n"), cell  # one empty cell alone: ""
    assert is_plain("Ja") and not is_plain("a;b") and not is_plain("=1")


def test_overview_rows_use_decimal_commas_and_semicolons() -> None:
    unit = {
        "name": "=Stadtwerke",
        "figures": {
            "current": {"responses": 12, "helpful_share": 0.75, "rating_mean": 3.5},
            "change": {"responses": 2.0, "helpful_share": -5.0, "rating_mean": -0.5},
        },
    }
    assert overview_row(unit) == ["=Stadtwerke", "12", "75", "3,50", "+200", "-5,0", "-0,50"]
    assert to_csv([overview_row(unit)]) == "'=Stadtwerke;12;75;3,50;+200;-5,0;-0,50\r\n"
    quiet = {"name": "Bauamt", "figures": {"current": {"responses": 0, "helpful_share": None, "rating_mean": None},
             "change": {"responses": None, "helpful_share": None, "rating_mean": None}}}  # fmt: skip
    assert overview_row(quiet) == ["Bauamt", "0", "", "", "", "", ""]
