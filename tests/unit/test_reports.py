"""The monthly report's pure parts: months and when they are due, the "< 5" rule on figures and changes, the PDF's
characters, and a report's CSV and PDF from a built report."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from services.analytics import reports
from services.analytics.domain import published
from services.analytics.reports import PageLine, Report, SurveyLine

BERLIN = ZoneInfo("Europe/Berlin")


def test_months_their_neighbours_and_when_their_reports_are_due() -> None:
    assert reports.month_bounds(date(2026, 1, 17)) == (date(2025, 12, 1), date(2026, 1, 1), date(2026, 2, 1))
    assert reports.month_bounds(date(2026, 12, 1)) == (date(2026, 11, 1), date(2026, 12, 1), date(2027, 1, 1))
    assert reports.parse_month("2026-11") == date(2026, 11, 1)
    for bad in ("2026-13", "2026-1", "26-11", "1999-12", "november", ""):
        assert reports.parse_month(bad) is None, bad
    assert reports.due_month(datetime(2026, 12, 1, 5, 59, tzinfo=BERLIN)) is None  # before 6:00 on the 1st
    assert reports.due_month(datetime(2026, 12, 1, 6, 0, tzinfo=BERLIN)) == date(2026, 11, 1)
    assert reports.due_month(datetime(2027, 1, 20, 12, 0, tzinfo=BERLIN)) == date(2026, 12, 1)
    assert reports.report_id("baeder", date(2026, 11, 1)) == reports.report_id("baeder", date(2026, 11, 1))
    assert reports.report_id("baeder", date(2026, 11, 1)) != reports.report_id("baeder", date(2026, 10, 1))


def figures(responses: int, yes: int, no: int, ratings: list[int]) -> dict[str, object]:
    row = {"responses": responses, "helpful_yes": yes, "helpful_no": no, "rating_count": len(ratings),
           "rating_sum": sum(ratings), **{f"rating_{i}": ratings.count(i) for i in range(1, 6)}}  # fmt: skip
    return published(row)


def report(current: dict[str, object], previous: dict[str, object]) -> Report:
    pages = (PageLine("https://abfall.musterstadt.de/sperrmuell", "Sperrmüll =anmelden", 6, 0.67, 3.5, 2, 3000, 2.0),
             PageLine("https://abfall.musterstadt.de/termine", "", None, None, None, None, None, None))  # fmt: skip
    return Report("abfallwirtschaft", "Abfallwirtschaftsbetrieb – Musterstadt", date(2026, 11, 1), current, previous,
                  reports._published_change(current, previous), pages, pages[:1], (("Termin", 5),),
                  (SurveyLine("s", "Zufrieden?", None, 7),), {"neu": 3})  # fmt: skip


def test_no_change_is_shown_out_of_a_withheld_month() -> None:
    now, before = figures(10, 8, 2, [5] * 10), figures(4, 2, 2, [1] * 4)
    assert reports._published_change(now, before) == {"responses": None, "helpful_share": None, "rating_mean": None}
    change = reports._published_change(now, figures(5, 5, 0, [3] * 5))
    assert change["responses"] == 1.0 and change["helpful_share"] == -20.0 and change["rating_mean"] == 2.0
    labels = [row[0] for row in reports.key_figures(report(now, before))]
    assert [row[2] for row in reports.key_figures(report(now, before))] == ["–", "–", "–"] and len(labels) == 3


def test_the_csv_and_the_pdf_of_a_report() -> None:
    built = report(figures(10, 8, 2, [5] * 10), figures(6, 3, 3, [2] * 6))
    lines = reports.rows_csv(built).splitlines()
    assert lines[0].startswith("Bericht November 2026: Abfallwirtschaftsbetrieb – Musterstadt")
    assert lines[2] == "Rückmeldungen;10;'+67 %"  # a leading + would be a formula to a spreadsheet
    # A title that starts with "=" stays text in a spreadsheet; fewer than five show as "< 5", nothing derived.
    assert "'=anmelden" not in lines[-2] and "Sperrmüll =anmelden" in lines[-2]
    assert lines[-1] == "https://abfall.musterstadt.de/termine;https://abfall.musterstadt.de/termine;< 5;–;–;–;–"
    assert reports.open_text(built) == "Neu: < 5, in Bearbeitung: 0 (Stand heute)."
    document = reports.pdf(built)
    assert document.startswith(b"%PDF-") and b"/Lang (de-DE)" in document


def test_the_pdf_fonts_get_latin_1_with_plain_stand_ins() -> None:
    assert reports._latin("Bäder – „Öffnungszeiten“ … 5 €") == 'Bäder - "Öffnungszeiten" ... 5 EUR'
    assert reports._latin("日本") == "??"
