"""Reading page-view exports (Matomo CSV and JSON, plain CSV), deciding what an import takes and skips, the events
that publish it, and the Matomo client's decisions (answers, days due, configuration)."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime

import orjson
import pytest

from services.analytics.matomo import MatomoError, MatomoSite, classify, configured_sites, due_days
from services.analytics.pageview_domain import (
    MAX_FILE_BYTES,
    PageViewFileError,
    PageViews,
    RawRow,
    Skipped,
    import_events,
    plan,
    read_csv,
    read_matomo,
)
from shared.contracts.pageviews import MAX_PAGES_PER_PART
from shared.messages import text
from shared.orgmodel import parse_org_yaml
from shared.settings import Settings

_, MODEL = parse_org_yaml("""
city: Musterstadt
org_units: [{id: stadt, name: Stadt, kind: city}, {id: abfall, name: Abfall, kind: eigenbetrieb}]
sites:
  - {id: portal, name: musterstadt.de, org_unit: stadt, origins: ["https://www.musterstadt.de", "https://musterstadt.de"],
     pages: [{path: /buergeramt/termine, title: Termin vereinbaren}]}
  - {id: abfall, name: abfall, org_unit: abfall, origins: ["https://abfall.musterstadt.de"]}
""")
PORTAL = MODEL.sites["portal"]
TODAY = date(2026, 11, 3)

# Matomo Actions.getPageUrls, format=CSV, flat=1, period=day, date=2026-11-01,2026-11-02 (URLs without scheme).
MATOMO = """date,label,nb_visits,nb_hits,sum_time_spent,url
2026-11-01,/buergeramt/termine,90,120,3600,www.musterstadt.de/buergeramt/termine
2026-11-01,/buergeramt/ummelden,10,12,60,www.musterstadt.de/buergeramt/ummelden?x=1
2026-11-02,/buergeramt/termine,40,50,900,www.musterstadt.de/buergeramt/termine#oben
2026-11-02,Others,3,7,10,
"""


def take(text_: str | bytes) -> tuple[list[PageViews], list[Skipped]]:
    raw = text_.encode() if isinstance(text_, str) else text_
    p = plan(read_csv(raw), PORTAL, MODEL, TODAY)
    return p.rows, p.skipped


def test_matomo_export_with_urls_queries_and_fragments_dropped_and_the_others_row_skipped() -> None:
    p = plan(read_csv(MATOMO.encode()), PORTAL, MODEL, TODAY)
    assert p.rows == [
        PageViews("https://www.musterstadt.de/buergeramt/termine", date(2026, 11, 1), 120),
        PageViews("https://www.musterstadt.de/buergeramt/termine", date(2026, 11, 2), 50),
        PageViews("https://www.musterstadt.de/buergeramt/ummelden", date(2026, 11, 1), 12),
    ]
    assert (p.read, p.views, p.days, p.known_pages, p.other_pages) == (4, 182, [date(2026, 11, 1), date(2026, 11, 2)],
                                                                        1, 1)  # fmt: skip
    assert p.skipped == [Skipped("no_url", 1, (5,))]


def test_spreadsheet_export_utf16_semicolons_german_dates_and_paths_only() -> None:
    text_ = "day;page_url;views\r\n01.11.2026;/buergeramt/termine;7\r\n2026-11-01;/buergeramt/termine;3\r\n"
    rows, skipped = take(text_.encode("utf-16"))
    assert rows == [PageViews("https://www.musterstadt.de/buergeramt/termine", date(2026, 11, 1), 10)]  # summed
    assert skipped == []


def test_rows_that_cannot_be_taken_are_skipped_with_their_reason_and_lines() -> None:
    rows, skipped = take(
        "day,page_url,views\n"
        "2026-11-01,/ok,1\n"
        "2026-13-01,/x,1\n"  # line 3: no such month
        "2026-11-04,/x,1\n"  # 4: after today
        "2026-11-01,/x,-4\n"  # 5
        "2026-11-01,/x,viele\n"  # 6
        "2026-11-01,/x,1.234\n"  # 7: a German thousands separator is not taken as 1
        "2026-11-01,https://abfall.musterstadt.de/x,1\n"  # 8: another site's page
        "2026-11-01,https://evil.example/x,1\n"  # 9
        "2026-11-01,http://[::1,1\n"  # 10: not a URL
        "2026-11-01,,1\n"  # 11
    )
    assert rows == [PageViews("https://www.musterstadt.de/ok", date(2026, 11, 1), 1)]
    assert skipped == [
        Skipped("bad_date", 1, (3,)), Skipped("future", 1, (4,)), Skipped("bad_views", 3, (5, 6, 7)),
        Skipped("no_url", 1, (11,)), Skipped("bad_url", 1, (10,)), Skipped("other_site", 1, (8,)),
        Skipped("unknown_origin", 1, (9,)),
    ]  # fmt: skip
    assert all(text(f"pageviews.skip.{s.reason}", "de") for s in skipped)


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        (b"", "empty"),
        (b"   \n", "empty"),
        ("day,page_url,views\n2026-11-01,/ä,1\n".encode("latin-1"), "encoding"),
        ("day,page_url,views\n".encode("utf-16-le"), "encoding"),  # UTF-16 without its BOM
        (b"PK\x03\x04\x14\x00\x06\x00", "encoding"),  # an .xlsx
        (b"a,b,c\n1,2,3\n", "columns"),
        (b"label,nb_visits,nb_hits,url\n/x,1,2,www.musterstadt.de/x\n", "date_column"),  # a single day's export
        (b"day,page_url,views\n", "no_rows"),
        (b'day,page_url,views\n2026-11-01,"/x,1\n', "csv"),
        (b"day,page_url,views\n" + b"2026-11-01,/x,1\n" * (MAX_FILE_BYTES // 16 + 1), "too_large"),
    ],
)
def test_files_that_cannot_be_read_are_refused_with_a_german_reason(raw: bytes, reason: str) -> None:
    with pytest.raises(PageViewFileError) as refused:
        read_csv(raw)
    assert refused.value.reason_name == reason and refused.value.field == "file" and refused.value.status == 422
    assert refused.value.reason("de") != refused.value.reason("en")


def test_more_than_a_year_at_once_is_refused() -> None:
    with pytest.raises(PageViewFileError, match="too_many_days"):
        take("day,page_url,views\n2024-11-01,/x,1\n2026-11-01,/x,1\n")


def test_matomo_json_rows_and_an_empty_day() -> None:
    answer = [
        {"label": "/buergeramt/termine", "nb_hits": 120, "url": "https://www.musterstadt.de/buergeramt/termine"},
        {"label": "/impressum", "nb_hits": "3"},  # no url: the label is the path
        {"label": "Others", "nb_hits": 9},
    ]
    rows = read_matomo(answer, date(2026, 11, 1))
    assert rows[1] == RawRow(2, "2026-11-01", "/impressum", "3")
    p = plan(rows, PORTAL, MODEL, TODAY, days=[date(2026, 11, 1)])
    assert [r.views for r in p.rows] == [120, 3] and p.skipped == [Skipped("no_url", 1, (3,))]
    empty = plan(read_matomo([], date(2026, 11, 2)), PORTAL, MODEL, TODAY, days=[date(2026, 11, 2)])
    assert (empty.rows, empty.days) == ([], [date(2026, 11, 2)])  # the day is replaced by nothing
    with pytest.raises(PageViewFileError, match="matomo_answer"):
        read_matomo({"2026-11-01": []}, date(2026, 11, 1))


def test_an_import_is_one_event_per_day_and_part_with_stable_ids() -> None:
    many = [PageViews(f"https://www.musterstadt.de/p{i}", date(2026, 11, 1), i) for i in range(MAX_PAGES_PER_PART + 5)]
    p = plan([], PORTAL, MODEL, TODAY, days=[date(2026, 11, 2)])
    p.rows, p.days = many, [date(2026, 11, 1), date(2026, 11, 2)]
    import_id = uuid.uuid4()
    now = datetime(2026, 11, 3, tzinfo=UTC)
    events = import_events(p, "upload", "export.csv", "anna", now, import_id)
    assert [(e.day.day, e.part, e.parts, len(e.pages)) for _, e in events] == [
        (1, 1, 2, MAX_PAGES_PER_PART), (1, 2, 2, 5), (2, 1, 1, 0)
    ]  # fmt: skip
    assert {e.import_id for _, e in events} == {import_id}
    assert [i for i, _ in events] == [i for i, _ in import_events(p, "upload", "export.csv", "anna", now, import_id)]
    assert all(len(orjson.dumps(e.model_dump(mode="json"))) < 256 * 1024 for _, e in events)


def test_matomo_answers_are_rows_or_reasons() -> None:
    assert classify(200, b'[{"label": "/x", "nb_hits": 1}]') == [{"label": "/x", "nb_hits": 1}]
    refused = b'{"result":"error","message":"You can\'t access this resource as it requires \'view\' access"}'
    for status, body, key in [
        (200, refused, "pageviews.fetch.error.token"),  # Matomo 4
        (401, b"Error: Unable to authenticate with the provided token.", "pageviews.fetch.error.token"),  # Matomo 5
        (200, b'{"result":"error","message":"Method not found"}', "pageviews.fetch.error.matomo"),
        (200, b"<html>login</html>", "pageviews.fetch.error.not_json"),
        (404, b"", "pageviews.fetch.error.status"),
    ]:
        with pytest.raises(MatomoError) as failed:
            classify(status, body)
        assert failed.value.key == key and failed.value.reason("de")


def test_days_due_go_on_from_the_last_imported_day_once_a_day_has_settled() -> None:
    settings = Settings(matomo_backfill_days=3, matomo_settle_hours=3, timezone="Europe/Berlin")
    early = datetime(2026, 11, 3, 1, 0, tzinfo=UTC)  # 02:00 in Berlin: 2 November ended only 2 hours ago
    assert due_days(settings, None, early) == [date(2026, 10, 30), date(2026, 10, 31), date(2026, 11, 1)]
    later = datetime(2026, 11, 3, 9, 0, tzinfo=UTC)
    assert due_days(settings, date(2026, 10, 31), later) == [date(2026, 11, 1), date(2026, 11, 2)]
    assert due_days(settings, date(2026, 11, 2), later) == []


def test_matomo_sites_setting() -> None:
    assert configured_sites(Settings(matomo_sites=" 1=portal, 3=abfall ,")) == [
        MatomoSite("1", "portal"), MatomoSite("3", "abfall")
    ]  # fmt: skip
    with pytest.raises(ValueError, match="portal"):
        configured_sites(Settings(matomo_sites="portal"))
