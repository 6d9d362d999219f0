"""Page views on the real system: a Matomo CSV uploaded through the console (preview, German errors for bad files,
confirmation, a period uploaded again replacing instead of adding, audited, rebuilt by replay), and the scheduled
import from Matomo's HTTP API against a local receiver that answers like Matomo (rows, an error answer, a refused
token, passing failures retried), with its last run shown in the console; axe on every state of the page."""

from __future__ import annotations

import asyncio
import contextlib
import re
import threading
import time
from collections.abc import AsyncIterator, Iterator
from datetime import date, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit
from zoneinfo import ZoneInfo

import asyncpg
import httpx
import orjson
import pytest
from playwright.async_api import Browser

from shared.settings import Settings
from tests.integration.conftest import BROWSER_ONCE, running
from tests.integration.system import System
from tests.integration.test_console import add_staff, sign_in, sign_in_page
from tests.integration.test_console_browser import axe

TOKEN = "matomo-token-0123456789abcdef"
PORTAL = "https://www.musterstadt.de"


def today(system: System) -> date:
    return datetime.now(ZoneInfo(system.settings.timezone)).date()


async def fetch(system: System, query: str, *args: Any) -> list[asyncpg.Record]:
    conn = await asyncpg.connect(system.settings.database_url)
    try:
        return list(await conn.fetch(query, *args))
    finally:
        await conn.close()


async def views_by_day(system: System, site: str = "portal") -> dict[tuple[str, date], int]:
    rows = await fetch(system, "SELECT page_url, day, views FROM page_view_daily WHERE site_id = $1", site)
    return {(r["page_url"], r["day"]): r["views"] for r in rows}


def upload_id(page: str) -> str:
    found = re.search(r'name="upload" value="([0-9a-f-]{36})"', page)
    assert found, page
    return found.group(1)


async def upload(client: httpx.AsyncClient, system: System, site: str, name: str, content: bytes) -> httpx.Response:
    return await client.post("/console/seitenaufrufe/vorschau", data={"site": site},
                             files={"file": (name, content, "text/csv")},
                             headers={"Origin": system.base_url})  # fmt: skip


def field_error(page: str, field: str) -> str:
    """The German error shown at a field (and the field marked invalid)."""
    assert re.search(rf'id="{field}"[^>]*aria-invalid="true"', page), page
    found = re.search(rf'<p id="{field}-error" class="field-error">([^<]+)</p>', page)
    assert found, page
    return found.group(1)


async def test_upload_preview_errors_import_replace_and_replay(system: System) -> None:
    add_staff(system, "pv-admin", "administrator")
    client = await sign_in(system, "pv-admin")
    day1, day2 = today(system) - timedelta(days=2), today(system) - timedelta(days=1)
    page = await client.get("/console/seitenaufrufe")
    assert page.status_code == 200 and "Matomo-Export hochladen" in page.text and "Nicht eingerichtet" in page.text

    # Bad files: each refused with its reason in German at the file field; nothing imported.
    bad = {
        b"Seite;Aufrufe\n/x;3\n": "Die Spalten passen nicht",
        "day,page_url,views\n2026-11-01,/ä,1\n".encode("latin-1"): "kein Text in UTF-8 oder UTF-16",
        b"label,nb_hits,url\n/x,2,www.musterstadt.de/x\n": "keine Spalte date",
        f"day,page_url,views\n{today(system) + timedelta(days=3)},/x,1\n".encode(): "keine Zeile, die importiert",
        b"day,page_url,views\n" + b"2026-11-01,/x,1\n" * (10 * 1024 * 1024 // 16 + 1): "größer als 10 MB",
    }
    for content, message in bad.items():
        refused = await upload(client, system, "portal", "export.csv", content)
        assert refused.status_code == 422 and message in field_error(refused.text, "file"), refused.text
    refused = await upload(client, system, "", "export.csv", b"day,page_url,views\n")
    assert refused.status_code == 422 and "Bitte wählen Sie eine Website" in field_error(refused.text, "site")
    cross_site = await client.post("/console/seitenaufrufe/vorschau", data={"site": "portal"},
                                   files={"file": ("a.csv", b"x", "text/csv")})  # fmt: skip
    assert cross_site.status_code == 403
    assert await fetch(system, "SELECT 1 FROM page_view_day") == []

    # A Matomo export (UTF-16 with BOM, as spreadsheets save it): the preview, then the import.
    export = (
        "date,label,nb_visits,nb_hits,url\n"
        f"{day1},/buergeramt/termine,90,120,www.musterstadt.de/buergeramt/termine\n"
        f"{day1},/impressum,5,8,www.musterstadt.de/impressum\n"
        f"{day2},/buergeramt/termine,40,50,www.musterstadt.de/buergeramt/termine?x=1\n"
        f"{day2},/impressum,5,6,www.musterstadt.de/impressum\n"
        f"{day2},Others,3,7,\n"
        f"{day2},/sperrmuell,1,1,abfall.musterstadt.de/sperrmuell\n"
    )
    preview = await upload(client, system, "portal", "matomo-export.csv", export.encode("utf-16"))
    assert preview.status_code == 200, preview.text
    text = " ".join(re.sub(r"<[^>]+>", " ", preview.text).split())
    for fact in ("Datei matomo-export.csv", "Website musterstadt.de", "Zeilen gelesen 6", "Werte je Seite und Tag 4",
                 "Seitenaufrufe insgesamt 184", "Seiten aus der Seitenliste 1",
                 "Weitere Seiten der Website (werden ebenfalls übernommen) 1",
                 "Tage mit bisherigen Zahlen, die ersetzt werden 0", "Übersprungene Zeilen 2",
                 "Keine Seitenadresse (etwa Matomos Sammelzeile „Others“) 1 6",
                 "Seite einer anderen Website 1 7", "Termin vereinbaren"):  # fmt: skip
        assert fact in text, (fact, text)
    assert await fetch(system, "SELECT 1 FROM page_view_day") == []  # a preview imports nothing
    first = upload_id(preview.text)
    done = await client.post("/console/seitenaufrufe/import", data={"upload": first},
                             headers={"Origin": system.base_url})  # fmt: skip
    assert done.status_code == 303, done.text
    shown = await client.get(done.headers["location"])
    assert "Importiert: 184 Seitenaufrufe für musterstadt.de" in shown.text and "Hochgeladen: matomo-export.csv" in (
        shown.text
    )
    expected = {
        (f"{PORTAL}/buergeramt/termine", day1): 120, (f"{PORTAL}/impressum", day1): 8,
        (f"{PORTAL}/buergeramt/termine", day2): 50, (f"{PORTAL}/impressum", day2): 6,
    }  # fmt: skip
    assert await views_by_day(system) == expected
    again = await client.post("/console/seitenaufrufe/import", data={"upload": first},
                              headers={"Origin": system.base_url})  # fmt: skip
    assert again.status_code == 409 and "abgelaufen oder schon importiert" in again.text

    # The same period again: replaced, never added. Day 2 again, corrected and without /impressum: day 1 stays.
    for content, replaced in ((export.encode("utf-16"), 2), (f"day;page_url;views\n{day2};/buergeramt/termine;55\n"
                                                              .encode(), 1)):  # fmt: skip
        preview = await upload(client, system, "portal", "nachtrag.csv", content)
        assert f"Tage mit bisherigen Zahlen, die ersetzt werden {replaced}" in " ".join(
            re.sub(r"<[^>]+>", " ", preview.text).split()
        )
        done = await client.post("/console/seitenaufrufe/import", data={"upload": upload_id(preview.text)},
                                 headers={"Origin": system.base_url})  # fmt: skip
        assert done.status_code == 303
    expected = {(f"{PORTAL}/buergeramt/termine", day1): 120, (f"{PORTAL}/impressum", day1): 8,
                (f"{PORTAL}/buergeramt/termine", day2): 55}  # fmt: skip
    assert await views_by_day(system) == expected
    audited = await fetch(system, "SELECT actor, subject, detail FROM audit_log WHERE action = 'pageviews_imported'")
    assert [(a["actor"], a["subject"], orjson.loads(a["detail"])["replaced_days"]) for a in audited] == [
        ("pv-admin", "portal", 0), ("pv-admin", "portal", 2), ("pv-admin", "portal", 1)
    ]  # fmt: skip
    await client.aclose()

    # The page views are events: the projector applies them (nothing new, by event id), a replay rebuilds them.
    events = await fetch(system, "SELECT count(*) AS n FROM page_view_event")
    assert events[0]["n"] == 2 + 2 + 1
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        stored = await fetch(system, "SELECT sum(next_offset) AS n FROM consumer_offset WHERE consumer = $1",
                             "analytics.pageview-projector")  # fmt: skip
        if stored and (stored[0]["n"] or 0) >= 5:
            break
        await asyncio.sleep(0.2)
    else:
        raise AssertionError("the projector did not apply the page-view events within 60 s")
    system.stop("projector")
    replayed = system.cli("replay")
    assert replayed.returncode == 0, replayed.stderr
    assert await views_by_day(system) == expected


class Matomo:
    """A local HTTP receiver that answers like Matomo's Reporting API (``Actions.getPageUrls``, ``format=JSON``,
    ``flat=1``): rows per (idSite, date) for the right token; Matomo 4's answer to a wrong token; an error answer;
    503s before it answers (``failures``)."""

    def __init__(self) -> None:
        self.rows: dict[tuple[str, str], list[dict[str, Any]]] = {}
        self.mode = "ok"
        self.failures = 0
        self.requests: list[dict[str, Any]] = []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length", 0))
                form = {k: v[0] for k, v in parse_qs(self.rfile.read(length).decode()).items()}
                url = urlsplit(self.path)
                query = {k: v[0] for k, v in parse_qs(url.query).items()}
                receiver.requests.append({"path": url.path, "query": query, "form": form})
                if receiver.failures > 0:
                    receiver.failures -= 1
                    return self.answer(503, b"<html>Service Unavailable</html>")
                if form.get("token_auth") != TOKEN:
                    message = f"You can't access this resource as it requires 'view' access for the website id = " \
                              f"{query.get('idSite')}."  # fmt: skip
                    return self.answer(200, orjson.dumps({"result": "error", "message": message}))
                if receiver.mode == "error":
                    message = "Requested report Actions.getPageUrls for Website id=1 not found in the list of reports."
                    return self.answer(200, orjson.dumps({"result": "error", "message": message}))
                wanted = {"module": "API", "method": "Actions.getPageUrls", "period": "day", "format": "JSON",
                          "flat": "1", "filter_limit": "-1"}  # fmt: skip
                if any(query.get(k) != v for k, v in wanted.items()) or url.path != "/index.php":
                    return self.answer(400, b"unexpected request")
                self.answer(200, orjson.dumps(receiver.rows.get((query["idSite"], query["date"]), [])))

            def answer(self, status: int, body: bytes) -> None:
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/"

    @contextlib.contextmanager
    def serving(self) -> Iterator[Matomo]:
        thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        thread.start()
        try:
            yield self
        finally:
            self.server.shutdown()
            self.server.server_close()
            thread.join(10)


def matomo_rows(day: date, n: int) -> list[dict[str, Any]]:
    return [
        {"label": "/buergeramt/termine", "nb_visits": n, "nb_hits": 100 + n,
         "url": f"{PORTAL}/buergeramt/termine"},
        {"label": "/impressum", "nb_visits": 1, "nb_hits": n, "url": f"{PORTAL}/impressum"},
        {"label": "Others", "nb_visits": 3, "nb_hits": 9},
    ]  # fmt: skip


@pytest.fixture
async def matomo_system(settings: Settings, tmp_path: Path) -> AsyncIterator[tuple[System, Matomo]]:
    receiver = Matomo()
    yesterday = datetime.now(ZoneInfo(settings.timezone)).date() - timedelta(days=1)
    for n in (1, 2, 3):  # before the worker starts: its first run fetches at once
        day = yesterday - timedelta(days=3 - n)
        receiver.rows[("1", day.isoformat())] = matomo_rows(day, n)
    with receiver.serving():
        changes = {"matomo_url": receiver.url, "matomo_token": TOKEN, "matomo_sites": "1=portal",
                   "matomo_backfill_days": 3, "matomo_settle_hours": 0, "matomo_retry_s": 0.05}  # fmt: skip
        async with running(settings, tmp_path / "logs", **changes) as system:
            yield system, receiver


async def wait_fetch(system: System, status: str, timeout: float = 60) -> asyncpg.Record:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        rows = await fetch(system, "SELECT * FROM page_view_fetch WHERE matomo_site = '1'")
        if rows and rows[0]["status"] == status:
            return rows[0]
        await asyncio.sleep(0.2)
    raise AssertionError(f"the Matomo import did not reach {status!r} within {timeout} s")


async def test_scheduled_matomo_import_errors_token_and_retries(matomo_system: tuple[System, Matomo]) -> None:
    system, receiver = matomo_system
    days = [today(system) - timedelta(days=n) for n in (3, 2, 1)]

    # The worker's scheduled run: the three days up to yesterday, each a request with the token in the body.
    state = await wait_fetch(system, "ok")
    assert (state["last_day"], state["days"], state["views"]) == (days[-1], 3, 101 + 102 + 103 + 1 + 2 + 3)
    assert sorted(r["query"]["date"] for r in receiver.requests) == [d.isoformat() for d in days]
    assert all(r["form"] == {"token_auth": TOKEN} and "token_auth" not in r["query"] for r in receiver.requests)
    expected = {(f"{PORTAL}/buergeramt/termine", d): 100 + n for n, d in enumerate(days, start=1)}
    expected |= {(f"{PORTAL}/impressum", d): n for n, d in enumerate(days, start=1)}
    assert await views_by_day(system) == expected
    add_staff(system, "pv-admin", "administrator")
    client = await sign_in(system, "pv-admin")
    page = " ".join(re.sub(r"<[^>]+>", " ", (await client.get("/console/seitenaufrufe")).text).split())
    assert "Erfolgreich (3 Tage, 312 Seitenaufrufe)" in page and f"{days[-1]:%d.%m.%Y}" in page, page

    # The same days fetched again from the command line: Matomo corrected a figure; replaced, not added.
    receiver.rows[("1", days[0].isoformat())][0]["nb_hits"] = 150
    fetched = system.cli("pageviews", "fetch", "--from", days[0].isoformat(), "--to", days[-1].isoformat())
    assert fetched.returncode == 0, fetched.stderr
    assert fetched.stdout.strip() == "Matomo 1 -> portal: 3 days, 361 page views"
    assert await views_by_day(system) == expected | {(f"{PORTAL}/buergeramt/termine", days[0]): 150}
    assert len(await fetch(system, "SELECT 1 FROM page_view_day WHERE site_id = 'portal'")) == 3

    # Passing failures are retried: two 503s, then the answer.
    receiver.failures = 2
    before = len(receiver.requests)
    retried = system.cli("pageviews", "fetch", "--from", days[0].isoformat(), "--to", days[0].isoformat())
    assert retried.returncode == 0, retried.stderr
    assert len(receiver.requests) - before == 3

    # An error answer, a refused token, an unreachable Matomo: the run fails, the console says why, in German.
    receiver.mode = "error"
    failed = system.cli("pageviews", "fetch", "--from", days[0].isoformat(), "--to", days[0].isoformat())
    assert failed.returncode == 1 and "Matomo reports an error: Requested report" in failed.stderr
    page = " ".join(re.sub(r"<[^>]+>", " ", (await client.get("/console/seitenaufrufe")).text).split())
    assert "Fehlgeschlagen: Matomo meldet einen Fehler: Requested report Actions.getPageUrls" in page
    receiver.mode = "ok"
    wrong = "not-the-token-" + "x" * 16
    refused = system.cli("pageviews", "fetch", "--from", days[0].isoformat(), "--to", days[0].isoformat(),
                        env={"STADTSTIMME_MATOMO_TOKEN": wrong})  # fmt: skip
    assert refused.returncode == 1 and "Matomo refused the access token" in refused.stderr
    page = " ".join(re.sub(r"<[^>]+>", " ", (await client.get("/console/seitenaufrufe")).text).split())
    assert "Fehlgeschlagen: Matomo hat den Zugangsschlüssel abgelehnt" in page
    unreachable = {"STADTSTIMME_MATOMO_URL": "http://127.0.0.1:9/", "STADTSTIMME_MATOMO_ATTEMPTS": "2"}
    away = system.cli("pageviews", "fetch", "--from", days[0].isoformat(), "--to", days[0].isoformat(), env=unreachable)
    assert away.returncode == 1 and "Matomo was unreachable" in away.stderr
    assert await views_by_day(system) == expected | {(f"{PORTAL}/buergeramt/termine", days[0]): 150}  # unchanged
    await client.aclose()

    # The token is never logged: not by the worker, not by the command line.
    system.stop("projector")
    logs = "".join(p.read_text(errors="replace") for p in system.logdir.glob("*.log"))
    outputs = "".join(r.stdout + r.stderr for r in (fetched, retried, failed, refused, away))
    assert TOKEN not in logs + outputs and wrong not in logs + outputs


@BROWSER_ONCE
async def test_page_views_page_is_accessible_in_every_state(system: System, browser: Browser, tmp_path: Path) -> None:
    add_staff(system, "pv-admin", "administrator")
    context = await browser.new_context(locale="de-DE", bypass_csp=True)  # bypass: to inject axe
    page = await context.new_page()
    await sign_in_page(page, system, "pv-admin")
    await page.get_by_role("link", name="Seitenaufrufe").click()
    await page.get_by_role("heading", name="Seitenaufrufe aus der Webanalyse").wait_for()
    await axe(page)

    # A wrong file: the error at the field (named by it), and in the summary at the top.
    wrong = tmp_path / "tabelle.csv"
    wrong.write_text("Seite;Aufrufe\n/x;3\n", encoding="utf-8")
    await page.get_by_label("Website").select_option("portal")
    await page.get_by_label("CSV-Datei").set_input_files(wrong)
    await page.get_by_role("button", name="Datei prüfen").click()
    await page.get_by_role("alert").wait_for()
    assert await page.get_by_label("CSV-Datei").get_attribute("aria-invalid") == "true"
    assert "Die Spalten passen nicht" in (await page.locator("#file-error").inner_text())
    await axe(page)

    # A good file: the preview, then the import.
    good = tmp_path / "matomo.csv"
    day = today(system) - timedelta(days=1)
    good.write_text(f"date,label,nb_hits,url\n{day},/buergeramt/termine,120,www.musterstadt.de/buergeramt/termine\n"
                    f"{day},Others,7,\n", encoding="utf-8")  # fmt: skip
    await page.get_by_label("Website").select_option("portal")
    await page.get_by_label("CSV-Datei").set_input_files(good)
    await page.get_by_role("button", name="Datei prüfen").click()
    await page.get_by_role("heading", name="Vorschau des Imports").wait_for()
    await page.get_by_role("table", name="Übersprungene Zeilen und warum").wait_for()
    await axe(page)
    await page.get_by_role("button", name="Importieren").click()
    await page.get_by_role("status").wait_for()
    assert "Importiert: 120 Seitenaufrufe" in await page.get_by_role("status").inner_text()
    await page.get_by_role("table", name="Zuletzt importiert").wait_for()
    await axe(page)
    await context.close()
