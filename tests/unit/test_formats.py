"""The one place numbers are formatted for people (``shared.formats``)."""

from __future__ import annotations

import pytest

from shared import formats


@pytest.mark.parametrize(
    ("value", "decimals", "lang", "shown"),
    [
        (1234.5, 1, "de", "1.234,5"),
        (3.8333, 1, "de", "3,8"),
        (-0.01, 1, "de", "0,0"),
        (1234567, 0, "de", "1.234.567"),
        (-1234.567, 2, "de", "-1.234,57"),
        (1234.5, 1, "en", "1,234.5"),
        (-0.004, 2, "en", "0.00"),
        (None, 1, "de", "–"),
    ],
)
def test_number(value: float | None, decimals: int, lang: str, shown: str) -> None:
    assert formats.number(value, decimals, lang) == shown


def test_missing_figure_can_say_why() -> None:
    assert formats.number(None, missing="zu wenige Antworten") == "zu wenige Antworten"
    assert formats.percent(None, missing="n/a") == "n/a"


def test_percent() -> None:
    assert formats.percent(0.8) == "80 %"
    assert formats.percent(0.12345, 1) == "12,3 %"
    assert formats.percent(0.8, lang="en") == "80%"
    assert formats.percent(None) == "–"


def test_signed_changes_use_the_minus_sign_and_no_sign_for_zero() -> None:
    assert formats.signed(1.5, 1) == "+1,5"
    assert formats.signed(-1.5, 1) == "−1,5"
    assert formats.signed(-0.04, 1) == "0,0"
    assert formats.signed(0) == "0"
    assert formats.signed(-2500, 0, "en") == "−2,500"


def test_euro() -> None:
    assert formats.euro(123_456_789) == "1.234.567,89 €"
    assert formats.euro(5) == "0,05 €"
    assert formats.euro(-250_000) == "-2.500,00 €"
    assert formats.euro(250_000, "en") == "€2,500.00"


def test_spreadsheet_cells_have_no_thousands_separator() -> None:
    assert formats.spreadsheet(1234.5, 1) == "1234,5"
    assert formats.spreadsheet(-0.001, 2) == "0,00"
    assert formats.spreadsheet(3.2, 1, sign=True) == "+3,2"
    assert formats.spreadsheet(-3.2, 1, sign=True) == "-3,2"
    assert formats.spreadsheet(None) == ""
