"""Numbers as people read them, in one place: German notation for staff and citizens (``1.234,5``, ``80 %``,
``2.500,00 €``), English where a page is shown in English, and the plainer notation spreadsheets read (decimal
comma, no thousands separator, empty for "no figure").

Every function is pure. A value that rounds to zero never shows as ``-0``; a missing figure (``None``) shows as
``missing`` (an en dash unless the caller has a better word, e.g. "zu wenige Antworten").
"""

from __future__ import annotations

MISSING = "–"
MINUS = "−"  # U+2212, the typographic minus sign, for signed changes


def number(value: float | None, decimals: int = 0, lang: str = "de", missing: str = MISSING) -> str:
    """``1234.5`` → ``"1.234,5"`` (German) or ``"1,234.5"`` (English)."""
    if value is None:
        return missing
    if round(value, decimals) == 0:
        value = 0.0
    english = f"{value:,.{decimals}f}"
    if lang == "en":
        return english
    return english.replace(",", "\x00").replace(".", ",").replace("\x00", ".")


def percent(share: float | None, decimals: int = 0, lang: str = "de", missing: str = MISSING) -> str:
    """A share (0..1) as ``"80 %"`` (German, with a space as DIN 5008 has it) or ``"80%"`` (English)."""
    if share is None:
        return missing
    return number(share * 100, decimals, lang) + (" %" if lang == "de" else "%")


def signed(value: float, decimals: int = 0, lang: str = "de") -> str:
    """A change: ``"+1,5"``, ``"−1,5"`` (typographic minus), and ``"0,0"`` without a sign."""
    shown = number(abs(value), decimals, lang)
    if shown.strip("0,.") == "":
        return shown
    return ("+" if value > 0 else MINUS) + shown


def euro(cents: int, lang: str = "de") -> str:
    """An amount of money in cents: ``"2.500,00 €"`` (German) or ``"€2,500.00"`` (English)."""
    amount = number(abs(cents) / 100, 2, lang)
    sign = "-" if cents < 0 else ""
    return f"{sign}€{amount}" if lang == "en" else f"{sign}{amount} €"


def spreadsheet(value: float | None, decimals: int = 0, *, sign: bool = False) -> str:
    """For CSV files opened in a German spreadsheet: decimal comma, no thousands separator (it would be read as
    text), a plain ``-`` (``+`` too when ``sign``), and an empty cell for no figure."""
    if value is None:
        return ""
    if round(value, decimals) == 0:
        value = 0.0
    return f"{value:{'+' if sign else ''}.{decimals}f}".replace(".", ",")
