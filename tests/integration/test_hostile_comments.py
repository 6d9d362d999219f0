"""Hostile citizen text, end to end: a corpus of attacks submitted through the public API, then read by staff in
the console in headless Chromium. Nothing executes, the layout holds on a desktop and a phone, the text stays
readable as text, and the CSV export of the same corpus is safe to open in a spreadsheet."""

from __future__ import annotations

import re
import uuid

import httpx
from playwright.async_api import Browser

from tests.browser.conftest import AXE, WCAG_TAGS
from tests.integration.conftest import SERIOUS
from tests.integration.system import System
from tests.integration.test_console import add_staff, sign_in_page

PAGE = "https://abfall.musterstadt.de/sperrmuell"
# (comment, what a reader must see of it). Each attack sets window.__pwned if it ever runs.
CORPUS = [
    ("<script>window.__pwned = 1</script>Termin fehlt", "<script>window.__pwned = 1</script>Termin fehlt"),
    ('<img src=x onerror="window.__pwned = 2">', '<img src=x onerror="window.__pwned = 2">'),
    ('<a href="javascript:window.__pwned = 3">Hier klicken</a>', "javascript:window.__pwned = 3"),
    ('<svg onload="window.__pwned = 4"><script>window.__pwned = 5</script></svg>', "<svg onload="),
    ('"><iframe src="javascript:window.__pwned = 6"></iframe>', "<iframe src="),
    ("</textarea></article><style>body{display:none}</style>", "<style>body{display:none}</style>"),
    ("{{ 7 * 7 }} ${7*7} {% raw %}", "{{ 7 * 7 }} ${7*7} {% raw %}"),
    ("Sperrmüll" + "ü" * 1500, "Sperrmüllüüü"),  # one very long word
    ("Termin \u202eelbatsegnan\u202c fehlt", "Termin elbatsegnan fehlt"),  # right-to-left override removed
    ("Z\u0351\u0352\u0353a\u0354\u0355l\u0356g\u0357o text", "text"),
    ('=HYPERLINK("http://evil.example","Klick")', '=HYPERLINK("http://evil.example","Klick")'),
    ("+SUM(1+1)", "+SUM(1+1)"),
    ("@cmd|' /C calc'!A0", "@cmd|' /C calc'!A0"),
]
NO_OVERFLOW = "() => document.documentElement.scrollWidth <= document.documentElement.clientWidth + 1"
WIDEST = """() => [...document.querySelectorAll("body *")].filter((e) => e.getBoundingClientRect().right >
  document.documentElement.clientWidth + 1).slice(0, 5).map((e) => e.tagName + "." + e.className + " " +
  Math.round(e.getBoundingClientRect().right))"""


async def test_hostile_comments_stay_text_in_the_console_and_in_csv(system: System, browser: Browser) -> None:
    async with httpx.AsyncClient(base_url=system.base_url, timeout=30) as client:
        for comment, _ in CORPUS:
            body = {"event_id": str(uuid.uuid4()), "site": "abfall", "page_url": PAGE, "rating": 1,
                    "comment": comment, "elapsed_ms": 30_000}  # fmt: skip
            answer = await client.post("/api/v1/feedback", json=body)
            assert answer.status_code == 202, answer.text
    await system.wait_projected(len(CORPUS), timeout=30)
    add_staff(system, "sicherheit", "unit_staff", "abfallwirtschaft")

    dialogs: list[str] = []
    for width, height in ((1280, 900), (375, 740)):
        # No bypass_csp here: the console's own CSP is part of what is tested; axe runs in a second context.
        context = await browser.new_context(locale="de-DE", viewport={"width": width, "height": height})
        page = await context.new_page()
        page.on("dialog", lambda d: dialogs.append(d.message))
        await sign_in_page(page, system, "sicherheit")
        views = [f"{system.base_url}/console/inbox?status=alle", f"{system.base_url}/console/units/abfallwirtschaft"]
        await page.goto(views[0])
        links = await page.locator("article.item h2 a").evaluate_all("(as) => as.map((a) => a.href)")
        assert len(links) == len(CORPUS)
        for url in [*views, *links]:
            await page.goto(url)
            assert await page.evaluate("() => window.__pwned") is None, url
            assert await page.evaluate(NO_OVERFLOW), (width, url, await page.evaluate(WIDEST))
            assert await page.locator("main :is(script, iframe, img, style, a[href^=javascript])").count() == 0
        await page.goto(views[0])
        shown = await page.locator("main").inner_text()
        for _, visible in CORPUS:
            assert visible in shown, visible
        assert "\u202e" not in shown
        assert dialogs == []
        await context.close()

    # axe on the inbox and one comment page with the corpus in it.
    context = await browser.new_context(locale="de-DE", bypass_csp=True)
    page = await context.new_page()
    await sign_in_page(page, system, "sicherheit")
    for url in (f"{system.base_url}/console/inbox?status=alle", links[0]):
        await page.goto(url)
        await page.add_script_tag(path=str(AXE))
        assert await page.evaluate(SERIOUS, WCAG_TAGS) == [], url

    # The CSV of the same corpus: every formula-looking cell is neutralised.
    export = await page.request.get(f"{system.base_url}/console/inbox.csv?status=alle")
    assert export.status == 200
    body = (await export.body()).decode("utf-8-sig")
    cells = [cell for line in body.splitlines()[1:] for cell in re.split(r";(?=(?:[^\"]*\"[^\"]*\")*[^\"]*$)", line)]
    assert not [c for c in cells if c.lstrip('"')[:1] in ("=", "+", "@") or c.lstrip('"').startswith("-2")]
    assert "'=HYPERLINK" in body and "'+SUM(1+1)" in body and "'@cmd" in body
    await context.close()
