"""The organisation model in the console, on the real system (issue 18): a site added in the console takes feedback
from its origin without a restart; an invalid origin and an unknown unit are refused at their fields, in German; a
form saved over someone else's change is refused; the YAML export is re-applied by ``stadtstimme org apply``
unchanged; a replay rebuilds the tables from the topic, and tables from before the topic are published first, not
lost. Every page and error state is checked with axe."""

from __future__ import annotations

import asyncio
import time
import uuid
from pathlib import Path

import asyncpg
import httpx
from playwright.async_api import Browser

from services.analytics import org_store
from services.analytics.org import adopt_before_replay
from services.analytics.replay import replay
from shared.db import create_pool, migrate_url
from shared.kafka import ensure_topics
from shared.orgmodel import fetch_org_model
from shared.settings import Settings
from tests.browser.conftest import AXE, WCAG_TAGS
from tests.integration.conftest import BROWSER_ONCE, SERIOUS, once, running, waits_for_a_lock
from tests.integration.system import System
from tests.integration.test_console import add_staff, sign_in, sign_in_page

# Only a change of the model may make ingest re-read it here: its periodic re-read is an hour away.
TIMING = {"survey_refresh_s": 0.2, "org_refresh_s": 3600}
KULTUR = "https://kultur.musterstadt.de"


def post(client: httpx.AsyncClient, system: System, path: str, **form: str) -> httpx.Response:
    return client.post(path, data=form, headers={"Origin": system.base_url})  # type: ignore[return-value]


async def feedback(system: System, origin: str, site: str, page_url: str) -> httpx.Response:
    async with httpx.AsyncClient(base_url=system.base_url, timeout=30) as client:
        return await client.post("/api/v1/feedback", headers={"Origin": origin},
                                 json={"event_id": str(uuid.uuid4()), "site": site, "page_url": page_url,
                                       "helpful": True})  # fmt: skip


async def test_a_site_saved_in_the_console_takes_feedback_and_mistakes_are_refused_at_their_fields(
    settings: Settings, tmp_path: Path
) -> None:
    async with running(settings, tmp_path / "logs", **TIMING) as system:
        add_staff(system, "chefin", "administrator")
        add_staff(system, "analyse", "analyst")
        admin = await sign_in(system, "chefin")
        analyst = await sign_in(system, "analyse")
        assert (await analyst.get("/console/organisation")).status_code == 403
        overview = await admin.get("/console/organisation")
        assert overview.status_code == 200 and "Abfallwirtschaftsbetrieb Musterstadt" in overview.text
        assert "https://www.musterstadt.de" in overview.text and "Personalausweis beantragen" in overview.text
        # Each page with its service and SDG role, a section's for a page without its own (issue 19).
        assert overview.text.count("99115001018000<br>Verfahren (Anhang II)") == 3  # the portal's and two of a section
        refused = await feedback(system, KULTUR, "kultur", f"{KULTUR}/museen")
        assert refused.status_code == 422 and refused.json()["type"].endswith("unknown-site")

        # Mistakes: an origin with a path, an unknown unit (a forged choice), a section of no unit.
        bad = await post(admin, system, "/console/organisation/websites/neu", site_id="kultur", name="Kultur",
                         org_unit="kulturamt", origins=f"{KULTUR}/start", sec0_prefix="/museen", sec0_unit="",
                         sec1_prefix="", sec1_unit="", action="save")  # fmt: skip
        assert bad.status_code == 422
        described = 'aria-describedby="origins-hint origins-error" aria-invalid="true"'
        assert f'id="origins" name="origins" rows="3" spellcheck="false" {described}' in bad.text
        assert "„https://kultur.musterstadt.de/start“ ist keine Herkunft" in bad.text
        assert '<p id="origins-error" class="field-error">' in bad.text and "/museen" in bad.text  # kept as typed
        # Once the origin is right, the unit's problem is shown at its field.
        bad = await post(admin, system, "/console/organisation/websites/neu", site_id="kultur", name="Kultur",
                         org_unit="kulturamt", origins=KULTUR, sec0_prefix="/museen", sec0_unit="baeder",
                         action="save")  # fmt: skip
        assert (
            bad.status_code == 422
            and '<p id="org_unit-error" class="field-error">Eine Organisationseinheit „kulturamt“ gibt es nicht.</p>'
            in bad.text
        )
        assert (await feedback(system, KULTUR, "kultur", f"{KULTUR}/museen")).status_code == 422  # nothing saved

        # A unit, then its site: saved, and the site takes feedback from its origin soon after, without a restart.
        unit = await post(admin, system, "/console/organisation/einheiten/neu", unit_id="kulturamt",
                          name="Kulturamt", kind="department", parent="stadtverwaltung")  # fmt: skip
        assert unit.status_code == 303 and unit.headers["location"] == "/console/organisation?done=saved&what=kulturamt"
        site = await post(admin, system, "/console/organisation/websites/neu", site_id="kultur", name="Kultur",
                          org_unit="kulturamt", origins=f"{KULTUR.upper()}:443\n", sec0_prefix="/baeder",
                          sec0_unit="baeder", action="save")  # fmt: skip
        assert site.status_code == 303
        deadline = time.monotonic() + 30
        answer = await feedback(system, KULTUR, "kultur", f"{KULTUR}/museen")
        while answer.status_code != 202 and time.monotonic() < deadline:
            await asyncio.sleep(0.2)
            answer = await feedback(system, KULTUR, "kultur", f"{KULTUR}/museen")
        assert answer.status_code == 202, answer.text
        assert (await feedback(system, "https://evil.example", "kultur", f"{KULTUR}/museen")).status_code == 403

        # A page: on one of its site's origins only; its address is its key.
        foreign = await post(admin, system, "/console/organisation/seiten/neu", url="https://abfall.musterstadt.de/x",
                             site_id="kultur", title="X")  # fmt: skip
        assert (
            foreign.status_code == 422
            and '<p id="url-error" class="field-error">Die Seite liegt nicht unter einer Herkunft ihrer Website'
            in foreign.text
        )
        page = await post(admin, system, "/console/organisation/seiten/neu", url=f"{KULTUR}/museen/",
                          site_id="kultur", title="Museen der Stadt")  # fmt: skip
        assert page.status_code == 303
        edit = await admin.get("/console/organisation/seite", params={"url": f"{KULTUR}/museen"})
        assert edit.status_code == 200 and "Museen der Stadt" in edit.text

        # Saving over someone else's change is refused; the same values again change nothing.
        form = await admin.get("/console/organisation/websites/kultur")
        assert 'name="revision" value="1"' in form.text and "/baeder" in form.text
        changed = dict(site_id="kultur", name="Kultur und Museen", org_unit="kulturamt", origins=KULTUR,
                       sec0_prefix="/baeder", sec0_unit="baeder", action="save", revision="1")  # fmt: skip
        assert (await post(admin, system, "/console/organisation/websites/kultur", **changed)).status_code == 303
        stale = await post(admin, system, "/console/organisation/websites/kultur", **changed | {"name": "Alt"})
        assert stale.status_code == 409 and "inzwischen geändert" in stale.text
        same = await post(admin, system, "/console/organisation/websites/kultur", **changed | {"revision": "2"})
        assert same.headers["location"] == "/console/organisation?done=unchanged&what=kultur"

        # Audited, with the unit for the audit log's filter.
        conn = await asyncpg.connect(system.settings.database_url)
        try:
            entries = await conn.fetch("SELECT action, subject, org_unit FROM audit_log WHERE actor = 'chefin' "
                                       "AND action LIKE 'org_%' ORDER BY id")  # fmt: skip
        finally:
            await conn.close()
        assert [tuple(e) for e in entries] == [
            ("org_unit_saved", "kulturamt", "kulturamt"), ("org_site_saved", "kultur", "kulturamt"),
            ("org_page_saved", f"{KULTUR}/museen", None), ("org_site_saved", "kultur", "kulturamt"),
        ]  # fmt: skip
        for client in (admin, analyst):
            await client.aclose()


async def test_yaml_export_round_trip_and_replay_rebuild_the_same_model(system: System, tmp_path: Path) -> None:
    add_staff(system, "chefin", "administrator")
    admin = await sign_in(system, "chefin")
    saved = await post(admin, system, "/console/organisation/einheiten/neu", unit_id="kulturamt", name="Kulturamt",
                       kind="department", parent="stadtverwaltung")  # fmt: skip
    assert saved.status_code == 303
    download = await admin.get("/console/organisation/organisation.yaml")
    assert download.status_code == 200 and download.headers["content-disposition"].endswith('"organisation.yaml"')
    exported = system.cli("org", "export", "--output", str(tmp_path / "org.yaml"))
    assert exported.returncode == 0, exported.stderr
    assert (tmp_path / "org.yaml").read_text(encoding="utf-8") == download.text and "kulturamt" in download.text
    again = system.cli("org", "apply", str(tmp_path / "org.yaml"))
    assert again.returncode == 0 and again.stdout.strip().endswith("; 0 changed"), again.stdout + again.stderr
    edited = download.text.replace("name: Kulturamt", "name: Amt für Kultur")
    (tmp_path / "edited.yaml").write_text(edited, encoding="utf-8")
    applied = system.cli("org", "apply", str(tmp_path / "edited.yaml"))
    assert applied.returncode == 0 and applied.stdout.strip().endswith("; 1 changed"), applied.stderr
    broken = edited.replace("kind: eigenbetrieb", "kind: amt", 1)
    (tmp_path / "broken.yaml").write_text(broken, encoding="utf-8")
    refused = system.cli("org", "apply", str(tmp_path / "broken.yaml"))
    assert refused.returncode == 2 and "broken.yaml: org_units.0.kind: Please choose a kind" in refused.stderr

    pool = await create_pool(system.settings)
    try:
        async with pool.acquire() as conn:
            before = await fetch_org_model(conn)
            revisions = await conn.fetch("SELECT id, revision FROM org_unit ORDER BY id")
        assert before.units["kulturamt"].name == "Amt für Kultur"
        system.stop("projector")
        await replay(system.settings, pool)
        async with pool.acquire() as conn:
            assert await fetch_org_model(conn) == before
            assert await conn.fetch("SELECT id, revision FROM org_unit ORDER BY id") == revisions
    finally:
        await pool.close()
        await admin.aclose()


async def test_tables_from_before_the_org_topic_are_published_before_a_replay(settings: Settings) -> None:
    await migrate_url(settings.database_url)
    await ensure_topics(settings)
    pool = await create_pool(settings)
    try:
        async with pool.acquire() as conn:  # as `org apply` stored them before the model became events
            await conn.execute("INSERT INTO org_unit (id, name, kind) VALUES ('stadt', 'Stadt', 'city')")
            await conn.execute("INSERT INTO site (id, name, org_unit_id, origins) VALUES ('portal', 'Portal', "
                               "'stadt', ARRAY['https://stadt.de'])")  # fmt: skip
            await conn.execute("INSERT INTO site_section VALUES ('portal', '/amt', 'stadt')")
            await conn.execute("INSERT INTO page (url, site_id, title) VALUES ('https://stadt.de/a', 'portal', 'A')")
            before = await fetch_org_model(conn)
        assert await adopt_before_replay(settings, pool) == 3
        assert await adopt_before_replay(settings, pool) == 0  # once
        await replay(settings, pool)
        async with pool.acquire() as conn:
            assert await fetch_org_model(conn) == before
            assert await conn.fetchval("SELECT count(*) FROM org_event") == 3
    finally:
        await pool.close()


@BROWSER_ONCE
async def test_org_pages_are_accessible(system: System, browser: Browser) -> None:
    add_staff(system, "barrierefrei", "administrator")
    context = await browser.new_context(locale="de-DE", bypass_csp=True)  # bypass: to inject axe
    page = await context.new_page()
    await sign_in_page(page, system, "barrierefrei")

    async def axe() -> None:
        await page.add_script_tag(path=str(AXE))
        assert await page.evaluate(SERIOUS, WCAG_TAGS) == []

    await page.goto(f"{system.base_url}/console/organisation")
    await axe()
    # A new site with a wrong origin and no unit: the errors at their fields, without JavaScript's help.
    await page.get_by_role("link", name="Neue Website").click()
    await axe()
    await page.get_by_label("Website", exact=True).fill("kultur")
    await page.get_by_label("Name").fill("Kultur")
    await page.get_by_label("Herkünfte").fill("kultur.musterstadt.de")
    await page.get_by_role("button", name="Weitere Abschnitte").click()
    assert await page.locator("#sec4_prefix").count() == 1
    await page.get_by_role("button", name="Speichern").click()
    await page.locator("#origins-error").wait_for()
    await axe()
    await page.get_by_label("Zuständige Einheit", exact=True).select_option("baeder")
    await page.get_by_label("Herkünfte").fill(KULTUR)
    await page.get_by_role("button", name="Speichern").click()
    await page.get_by_text("„kultur“ ist gespeichert.").wait_for()
    await axe()
    for path in ("/console/organisation/einheiten/neu", "/console/organisation/einheiten/baeder",
                 "/console/organisation/websites/portal", "/console/organisation/websites/serviceportal",
                 "/console/organisation/seiten/neu"):  # fmt: skip
        await page.goto(f"{system.base_url}{path}")
        await axe()
    await page.get_by_label("Adresse der Seite").fill("https://abfall.musterstadt.de/x")
    await page.get_by_label("Website", exact=True).select_option("kultur")
    # A page's service (issue 19): a key that is no LeiKa key is refused at its field, then the address.
    await page.get_by_label("Leistungsschlüssel (LeiKa) oder eigene Kennung").fill("12345")
    await page.get_by_label("Rolle im SDG").select_option("procedure")
    await page.get_by_role("button", name="Speichern").click()
    await page.locator("#service_key-error").wait_for()
    await axe()
    await page.get_by_label("Leistungsschlüssel (LeiKa) oder eigene Kennung").fill("99115001018000")
    await page.get_by_label("Verfahren nach Anhang II").fill("moving-address-change")
    await page.get_by_role("button", name="Speichern").click()
    await page.locator("#url-error").wait_for()
    await axe()
    await context.close()


@once("the org model's lock (PostgreSQL only)", broker="tansu")
async def test_applying_org_events_waits_for_a_command_holding_the_org_lock(database_url: str) -> None:
    """The projector applies org events under the lock the console's commands hold (``org_store.ORG_LOCK``), so the
    two never lock a unit's and a site's rows in opposite orders (CI saw a site form answer 500 on that deadlock)."""
    await migrate_url(database_url)
    command, projector = await asyncpg.connect(database_url), await asyncpg.connect(database_url)
    try:
        async with command.transaction():
            await command.execute(org_store.ORG_LOCK)
            pid = await projector.fetchval("SELECT pg_backend_pid()")
            applying = asyncio.create_task(org_store.apply_events(projector, []))
            assert await waits_for_a_lock(command, pid, applying), "applying org events did not wait for the org lock"
        assert await asyncio.wait_for(applying, timeout=10) == 0
    finally:
        await command.close()
        await projector.close()
