"""Reading page-view exports (Matomo and plain CSV) for the survey exposure estimate."""

from __future__ import annotations

from datetime import date

import pytest

from services.analytics.pageviews import PageViewFileError, PageViews, parse

ORIGINS = ["https://www.musterstadt.de", "https://musterstadt.de"]

# Matomo Actions.getPageUrls, format=CSV, flat=1, period=day, date=2026-11-01,2026-11-02 (URLs without scheme).
MATOMO = """date,label,nb_visits,nb_hits,sum_time_spent,url
2026-11-01,/buergeramt/termine,90,120,3600,www.musterstadt.de/buergeramt/termine
2026-11-01,/buergeramt/ummelden,10,12,60,www.musterstadt.de/buergeramt/ummelden?x=1
2026-11-02,/buergeramt/termine,40,50,900,www.musterstadt.de/buergeramt/termine#oben
"""


def test_matomo_export_with_urls_queries_and_fragments_dropped() -> None:
    assert parse(MATOMO.encode(), ORIGINS) == [
        PageViews("https://www.musterstadt.de/buergeramt/termine", date(2026, 11, 1), 120),
        PageViews("https://www.musterstadt.de/buergeramt/termine", date(2026, 11, 2), 50),
        PageViews("https://www.musterstadt.de/buergeramt/ummelden", date(2026, 11, 1), 12),
    ]


def test_spreadsheet_export_utf16_semicolons_and_paths_only() -> None:
    text = "day;page_url;views\r\n2026-11-01;/buergeramt/termine;7\r\n2026-11-01;/buergeramt/termine;3\r\n"
    rows = parse(text.encode("utf-16"), ORIGINS)
    assert rows == [PageViews("https://www.musterstadt.de/buergeramt/termine", date(2026, 11, 1), 10)]  # summed


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("a,b,c\n1,2,3\n", "line 1: unknown columns"),
        ("day,page_url,views\n2026-13-01,/x,1\n", "line 2"),
        ("day,page_url,views\n2026-11-01,/x,1\n2026-11-01,https://evil.example/x,1\n", "line 3: https://evil"),
        ("day,page_url,views\n2026-11-01,/x,-4\n", "line 2: negative"),
        ("day,page_url,views\n2026-11-01,/x,viele\n", "line 2"),
    ],
)
def test_broken_files_name_the_line(text: str, message: str) -> None:
    with pytest.raises(PageViewFileError, match=message):
        parse(text.encode(), ORIGINS)
