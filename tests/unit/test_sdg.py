"""The SDG/NFK transfer's pure decisions: which answers go, in what shape (never free text), when it is due,
how delivery attempts are spaced and judged."""

from __future__ import annotations

import asyncio
import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime

import orjson
import pytest

from services.analytics import sdg_domain
from services.analytics.sdg import endpoint_allowed, run_forever
from services.analytics.sdg_domain import FeedbackFact, build, due_date, easter_sunday, outcome, pause, retry_delays
from services.notifier.signals import from_sdg_failure
from shared.settings import Settings

TZ = "Europe/Berlin"
SDG_PAGE = "https://www.musterstadt.de/buergeramt/ummelden"
PLAIN_PAGE = "https://www.musterstadt.de/impressum"


@dataclass(frozen=True)
class Attrs:
    service_key: str | None = None
    sdg_kind: str | None = None
    sdg_procedure: str | None = None


ATTRIBUTES = {
    SDG_PAGE: Attrs("99115004000000", "procedure", "Meldung des Wohnsitzes"),
    "https://www.musterstadt.de/buergeramt": Attrs("99115004000000", "information", "ignored for information"),
    PLAIN_PAGE: Attrs("stadt:impressum", None, None),
}


def lookup(site_id: str, page_url: str) -> Attrs | None:
    return ATTRIBUTES.get(page_url) if site_id == "portal" else None


def fact(page: str, at: datetime, helpful: bool | None = True, rating: int | None = 4, site: str = "portal",
         language: str = "de") -> FeedbackFact:  # fmt: skip
    return FeedbackFact(uuid.uuid4(), site, page, at, language, helpful, rating)


def test_only_sdg_pages_of_the_month_in_city_time_with_their_attributes() -> None:
    inside = fact(SDG_PAGE, datetime(2026, 10, 31, 23, 30, tzinfo=UTC))  # 1 November, 0:30 in Berlin
    before = fact(SDG_PAGE, datetime(2026, 10, 31, 22, 59, tzinfo=UTC))  # still October in Berlin
    last = fact("https://www.musterstadt.de/buergeramt", datetime(2026, 11, 30, 22, 59, tzinfo=UTC), rating=None,
                language="en")  # fmt: skip
    after = fact(SDG_PAGE, datetime(2026, 11, 30, 23, 0, tzinfo=UTC))  # 1 December in Berlin
    plain = fact(PLAIN_PAGE, datetime(2026, 11, 10, 12, tzinfo=UTC))
    other_site = fact(SDG_PAGE, datetime(2026, 11, 10, 12, tzinfo=UTC), site="abfall")
    transfer = build(date(2026, 11, 17), TZ, [after, plain, last, inside, before, other_site], lookup)
    assert transfer.month == date(2026, 11, 1) and transfer.transfer_id == sdg_domain.transfer_id(date(2026, 11, 1))
    first, second = transfer.records
    assert (first.day, first.page_url, first.language) == (date(2026, 11, 1), SDG_PAGE, "de")
    assert (first.sdg_kind, first.sdg_procedure, first.service_key) == ("procedure", "Meldung des Wohnsitzes",
                                                                        "99115004000000")  # fmt: skip
    assert first.answers == (("sdg.found-what-looking-for", True), ("sdg.overall-rating", 4))
    assert (second.day, second.sdg_kind, second.language) == (date(2026, 11, 30), "information", "en")
    assert second.sdg_procedure is None  # a procedure only for kind procedure
    assert second.answers == (("sdg.found-what-looking-for", True),)
    assert first.record_id == uuid.uuid5(sdg_domain._RECORDS, str(inside.response_id)) != inside.response_id


def test_an_answer_without_a_comparable_question_is_left_out() -> None:
    nothing = fact(SDG_PAGE, datetime(2026, 11, 3, 9, tzinfo=UTC), helpful=None, rating=None)
    assert build(date(2026, 11, 1), TZ, [nothing], lookup).records == ()


def test_the_payload_is_stable_sorted_and_holds_no_free_text() -> None:
    facts = [fact(SDG_PAGE, datetime(2026, 11, d, 9, tzinfo=UTC), rating=d % 5 + 1) for d in range(1, 6)]
    one = build(date(2026, 11, 1), TZ, facts, lookup)
    two = build(date(2026, 11, 1), TZ, list(reversed(facts)), lookup)
    assert one.payload() == two.payload()
    assert sdg_domain.content_hash(one.payload()) == sdg_domain.content_hash(two.payload())
    body = orjson.loads(one.payload())
    assert set(body) == {"schema", "transfer_id", "month", "questions", "records"}
    assert body["month"] == "2026-11" and len(body["records"]) == 5
    assert {k for r in body["records"] for k in r} == {"record_id", "date", "page_url", "language", "sdg_kind",
                                                        "sdg_procedure", "leika_key", "answers"}  # fmt: skip
    assert {k for r in body["records"] for a in r["answers"] for k in a} == {"question_id", "value"}
    assert [r["date"] for r in body["records"]] == sorted(r["date"] for r in body["records"])
    assert not {"comment", "suggestion", "text"} & set(FeedbackFact.__dataclass_fields__)


@pytest.mark.parametrize("year, easter", [(2024, date(2024, 3, 31)), (2025, date(2025, 4, 20)),
                                          (2026, date(2026, 4, 5)), (2027, date(2027, 3, 28)),
                                          (2038, date(2038, 4, 25)), (2285, date(2285, 3, 22))])  # fmt: skip
def test_easter_sunday(year: int, easter: date) -> None:
    assert easter_sunday(year) == easter


@pytest.mark.parametrize("month, due", [
    (date(2026, 11, 1), date(2026, 12, 7)),  # Tue 1 Dec … Mon 7 Dec: the weekend does not count
    (date(2026, 12, 1), date(2027, 1, 8)),   # 1 January is a holiday: Mon 4 … Fri 8
    (date(2027, 2, 1), date(2027, 3, 5)),    # Mon 1 … Fri 5 March
    (date(2027, 3, 1), date(2027, 4, 7)),    # Easter 2027 is 28 March, its holidays in March: Thu 1 … Wed 7
    (date(2026, 3, 1), date(2026, 4, 9)),    # Wed 1, Thu 2, (Good Friday 3), (Easter Monday 6), Tue 7, Wed 8, Thu 9
    (date(2026, 4, 1), date(2026, 5, 8)),    # (Fri 1 May), Mon 4 … Fri 8
    (date(2026, 9, 1), date(2026, 10, 7)),   # Thu 1, Fri 2, (Sat 3 October), Mon 5, Tue 6, Wed 7
    (date(2025, 5, 1), date(2025, 6, 6)),    # Mon 2 … Fri 6 June (Whit Monday is 9 June)
])  # fmt: skip
def test_due_within_five_working_days(month: date, due: date) -> None:
    assert due_date(month) == due
    assert due_date(month.replace(day=20)) == due


def test_holidays_are_the_federal_ones() -> None:
    assert sdg_domain.federal_holidays(2026) == {
        date(2026, 1, 1), date(2026, 4, 3), date(2026, 4, 6), date(2026, 5, 1), date(2026, 5, 14),
        date(2026, 5, 25), date(2026, 10, 3), date(2026, 12, 25), date(2026, 12, 26)}  # fmt: skip
    assert not sdg_domain.is_working_day(date(2026, 5, 14)) and sdg_domain.is_working_day(date(2026, 5, 15))


def test_retry_delays_double_up_to_a_cap() -> None:
    assert retry_delays(1, 30) == []
    assert retry_delays(5, 30) == [30, 60, 120, 240]
    assert retry_delays(4, 1000, cap_s=1500) == [1000, 1500, 1500]


@pytest.mark.parametrize("retry_after, expected", [(None, 60.0), ("", 60.0), ("120", 120.0), (" 30 ", 60.0),
                                                  ("86400", 3600.0), ("-5", 60.0), ("soon", 60.0),
                                                  ("Tue, 01 Dec 2026 06:10:00 GMT", 600.0),
                                                  ("Tue, 01 Dec 2026 05:00:00 GMT", 60.0)])  # fmt: skip
def test_a_receivers_retry_after_lengthens_the_pause(retry_after: str | None, expected: float) -> None:
    """An upload interface that answers 429 or 503 with Retry-After is not asked again sooner (up to an hour)."""
    now = datetime(2026, 12, 1, 6, 0, tzinfo=UTC)
    assert pause(60.0, retry_after, now) == expected


@pytest.mark.parametrize("status, expected", [(None, "retry"), (200, "delivered"), (201, "delivered"),
                                              (204, "delivered"), (408, "retry"), (429, "retry"), (500, "retry"),
                                              (503, "retry"), (400, "refused"), (401, "refused"), (404, "refused"),
                                              (409, "refused"), (301, "refused")])  # fmt: skip
def test_outcome_of_an_attempt(status: int | None, expected: str) -> None:
    assert outcome(status) == expected


@pytest.mark.parametrize("url, allowed", [("https://nfk.example.de/upload", True), ("http://127.0.0.1:8080/u", True),
                                          ("http://localhost/u", True), ("http://[::1]:9/u", True),
                                          ("http://nfk.example.de/upload", False), ("ftp://127.0.0.1/u", False),
                                          ("", False), ("https:///nohost", False)])  # fmt: skip
def test_the_upload_goes_over_https_or_to_this_machine(url: str, allowed: bool) -> None:
    assert endpoint_allowed(url) is allowed


def test_a_failed_transfer_alerts_with_month_attempts_answer_and_due_date() -> None:
    event_id = uuid.uuid4()
    data = {"transfer_id": str(uuid.uuid4()), "month": "2026-11", "run": 1, "attempts": 5, "status_code": 503,
            "error": "HTTP 503", "due": "2026-12-07", "at": "2026-12-01T06:00:00Z"}  # fmt: skip
    signal = from_sdg_failure(event_id, data, "https://stadtstimme.musterstadt.de/")
    assert signal.event_id == event_id and signal.labels == {"type": "sdg.transfer_failed", "severity": "warning"}
    assert signal.subject == "SDG-Übermittlung 2026-11 an die NFK fehlgeschlagen"
    assert "stadtstimme sdg resend 2026-11" in signal.summary
    assert dict(signal.facts) == {"Monat": "2026-11", "Versuche": "5", "Letzte Antwort": "HTTP 503",
                                  "Fällig bis": "07.12.2026"}  # fmt: skip
    assert signal.texts == () and signal.link == "https://stadtstimme.musterstadt.de/console/sdg"
    unanswered = from_sdg_failure(event_id, data | {"status_code": None, "error": "ConnectError"}, "http://x")
    assert dict(unanswered.facts)["Letzte Antwort"] == "keine Antwort (ConnectError)"


async def test_a_plain_http_endpoint_stops_the_monthly_job_alone(caplog: pytest.LogCaptureFixture) -> None:
    """The projector worker runs the monthly job beside the projections, retention and reports (one gather):
    a misconfigured endpoint is logged, without the URL, and ends only this job, before it touches the broker or
    the database (no pool here)."""
    url = "http://nfk-user:geheim@nfk.example.de/upload"
    settings = Settings(sdg_upload_url=url, kafka_bootstrap_servers="127.0.0.1:9")
    async with asyncio.timeout(5):
        await run_forever(settings, None, asyncio.Event())  # type: ignore[arg-type]
    assert "STADTSTIMME_SDG_UPLOAD_URL is not https://" in caplog.text and "geheim" not in caplog.text
