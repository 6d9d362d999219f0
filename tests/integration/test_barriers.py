"""Barrier reports on the real system: a report with a contact address and consent through the public API reaches
the accessibility officer's console (time since receipt, deadline), is answered from there and mailed to the
reporter through the notifier; other staff do not see the address; the satisfaction figures do not change; the
deadline reminder ends with the answer; a missing consent is refused as problem+json at its field; the deletion
code erases the address with the report; the console pages pass axe."""

from __future__ import annotations

import json
import uuid
from pathlib import Path
from typing import Any

import asyncpg
import httpx
from playwright.async_api import Browser

from tests.browser.conftest import AXE, WCAG_TAGS
from tests.integration.conftest import BROWSER_ONCE, SERIOUS
from tests.integration.system import System
from tests.integration.test_console import add_staff, sign_in, sign_in_page
from tests.integration.test_notifier import until
from tests.unit.test_hackathon_mail import Inbox, body

FREIBAD = "https://www.baeder-musterstadt.de/freibad"
REPORTER = "leser@example.org"
UNKNOWN = "unbekannt@example.org"  # the test's mail server refuses it, as a mail server refuses an unknown user
OFFICE = "barrierefreiheit@musterstadt.de"
FIGURES = """SELECT coalesce(sum(responses), 0), coalesce(sum(helpful_yes), 0), coalesce(sum(helpful_no), 0),
                    coalesce(sum(rating_count), 0), coalesce(sum(rating_sum), 0)
             FROM org_unit_satisfaction WHERE granularity = 'day'"""


def routing() -> str:
    mail = {"type": "email", "to": [OFFICE]}
    return json.dumps(
        {
            "accessibility_officer": "barrierefreiheit",
            "receivers": [
                {"name": "barrierefreiheit", "channel": mail},
                {"name": "pr-team", "channel": {"type": "email", "to": ["presse@musterstadt.de"]}},
            ],
            "route": {"receiver": "pr-team"},
        }
    )  # fmt: skip  (JSON is YAML)


async def send(system: System, **fields: Any) -> httpx.Response:
    body = {"event_id": str(uuid.uuid4()), "site": "baeder", "page_url": FREIBAD, "elapsed_ms": 20_000, **fields}
    async with httpx.AsyncClient(base_url=system.base_url) as client:
        return await client.post("/api/v1/feedback", json=body, headers={"Accept-Language": "de"})


async def test_a_barrier_report_is_answered_by_mail_and_counts_in_no_figure(
    mailing: tuple[System, Inbox], tmp_path: Path
) -> None:
    system, inbox = mailing
    config = tmp_path / "notifier.yaml"
    config.write_text(routing())
    system.settings = system.settings.model_copy(update={"notifier_poll_s": 0.2, "notifier_max_attempts": 1})

    async def refuse_unknown(server: Any, session: Any, envelope: Any, address: str, options: Any) -> str:
        if address == UNKNOWN:
            return "550 5.1.1 no such user"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    inbox.handle_RCPT = refuse_unknown  # type: ignore[attr-defined]  (aiosmtpd reads it per connection)
    system.start_notifier(config, {})
    add_staff(system, "barriere-beauftragt", "accessibility_officer")
    add_staff(system, "barriere-analyse", "analyst")
    conn = await asyncpg.connect(system.settings.database_url)
    try:
        await until(lambda: conn.fetchval("SELECT count(*) > 0 FROM consumer_offset WHERE consumer = 'notifier'"))
        assert (await send(system, helpful=True, rating=4)).status_code == 202
        await system.wait_projected(1, timeout=30)
        before = tuple(await conn.fetchrow(FIGURES))

        refused = await send(system, category="accessibility_barrier", comment="Kein Alternativtext",
                             contact_email=REPORTER)  # fmt: skip
        assert refused.status_code == 422 and refused.headers["content-type"] == "application/problem+json"
        (error,) = refused.json()["errors"]
        assert error["field"] == "contact_consent" and "Einwilligung" in error["detail"]

        description = "Das Video zum Freibad hat keine Untertitel."
        accepted = await send(system, category="accessibility_barrier", comment=description,
                              contact_email=REPORTER, contact_consent=True)  # fmt: skip
        assert accepted.status_code == 202 and accepted.json()["deletion_code"]
        report, code = accepted.json()["event_id"], accepted.json()["deletion_code"]
        await system.wait_projected(2, timeout=30)
        await until(
            lambda: conn.fetchval("SELECT count(*) = 1 FROM comment_item WHERE category = 'accessibility_barrier'")
        )
        # Counted nowhere: the same responses, answers and ratings as before.
        assert tuple(await conn.fetchrow(FIGURES)) == before
        assert await conn.fetchval("SELECT count(*) FROM feedback_response") == 1
        # The address is kept outside the event stream: not in the archived event.
        envelope = await conn.fetchval("SELECT envelope FROM feedback_event WHERE event_id = $1", uuid.UUID(report))
        assert REPORTER not in envelope and description not in envelope  # the text sealed too

        officer = await sign_in(system, "barriere-beauftragt")
        listing = await officer.get("/console/barrieren")
        assert listing.status_code == 200 and description in listing.text
        assert "vor 0 Tagen" in listing.text and "offen, noch 41 Tage" in listing.text
        page = await officer.get(f"/console/barrieren/{report}")
        assert page.status_code == 200 and REPORTER in page.text

        analyst = await sign_in(system, "barriere-analyse")
        assert (await analyst.get("/console/barrieren")).status_code == 403
        assert (await analyst.get(f"/console/barrieren/{report}")).status_code == 403
        inbox_item = await analyst.get(f"/console/inbox/{report}")
        assert inbox_item.status_code == 200 and description in inbox_item.text and REPORTER not in inbox_item.text

        # A reminder before the deadline is planned for the officer.
        item = f"barrier:{report}"
        reminder = "SELECT count(*) = 1 FROM notification_followup WHERE item = $1 AND kind = 'reminder'"
        await until(lambda: conn.fetchval(reminder, item))
        empty = await officer.post(f"/console/barrieren/{report}/antwort", data={"answer": " "},
                                   headers={"Origin": system.base_url})  # fmt: skip
        assert empty.status_code == 422 and "Bitte schreiben Sie eine Antwort." in empty.text
        answer = "Danke! Wir ergänzen die Untertitel bis Ende des Monats."
        action = page.text.split('name="action_id" value="')[1].split('"')[0]
        for _ in range(2):  # a double click sends the form twice: it acts once
            sent = await officer.post(f"/console/barrieren/{report}/antwort", data={"answer": answer,
                                      "action_id": action}, headers={"Origin": system.base_url})  # fmt: skip
            assert sent.status_code == 303
        answered = "SELECT count(*) FROM barrier_answer WHERE response_id = $1"
        assert await conn.fetchval(answered, uuid.UUID(report)) == 1
        shown = await officer.get(sent.headers["location"])
        assert answer in shown.text and "beantwortet am" in shown.text

        (mail,) = await inbox.wait(REPORTER, timeout=30)
        assert mail["Subject"] == "Antwort auf Ihre Meldung einer Barriere"
        assert answer in body(mail) and FREIBAD in body(mail)
        closed = "SELECT closed_why LIKE 'answered by %' FROM notification_followup WHERE item = $1"
        await until(lambda: conn.fetchval(closed, item))
        assert (
            await conn.fetchval(
                "SELECT count(*) FROM audit_log WHERE action = 'barrier_answered' AND actor = 'barriere-beauftragt'"
            )
            == 1
        )
        # The citizen's deletion code erases the address with the report's text (its row goes with the data key).
        async with httpx.AsyncClient(base_url=system.base_url) as client:
            assert (await client.post("/api/v1/feedback/erasure", json={"code": code})).status_code == 200
        assert await conn.fetchval("SELECT count(*) FROM barrier_contact") == 0
        # Once the projector has read the erasure, the report (an inbox item without text) is gone for the officer.
        gone = "SELECT count(*) = 0 FROM comment_item WHERE response_id = $1"
        await until(lambda: conn.fetchval(gone, uuid.UUID(report)))
        erased = await officer.get(f"/console/barrieren/{report}")
        assert erased.status_code == 404 and REPORTER not in erased.text

        # A later part of someone else's report (its response id is in the console's addresses) cannot point the
        # answer at another address: neither replace the reporter's nor add one to a report left without.
        with_address = await send(system, category="accessibility_barrier", comment="Formular ohne Labels",
                                  contact_email=REPORTER, contact_consent=True)  # fmt: skip
        without = await send(system, category="accessibility_barrier", comment="Kein Fokusrahmen")
        thief = "dieb@example.net"
        for victim in (with_address, without):
            assert victim.status_code == 202
            later = await send(system, response_id=victim.json()["event_id"], category="accessibility_barrier",
                               comment="Nachtrag", contact_email=thief, contact_consent=True)  # fmt: skip
            assert later.status_code == 202
        kept = await conn.fetch("SELECT response_id::text, email FROM barrier_contact")
        assert [tuple(r) for r in kept] == [(with_address.json()["event_id"], REPORTER)]

        # A report without an address cannot be answered by mail: the officer closes it, and it is neither open nor
        # overdue any more, nor reminded of. Sent twice, the form closes it once; a reason is required.
        lone = without.json()["event_id"]
        await until(lambda: conn.fetchval(reminder, f"barrier:{lone}"))
        lone_page = await officer.get(f"/console/barrieren/{lone}")
        assert "Ohne Antwort abschließen" in lone_page.text and 'value="unreachable" selected' in lone_page.text
        no_reason = await officer.post(f"/console/barrieren/{lone}/abschluss", data={"reason": "egal"},
                                       headers={"Origin": system.base_url})  # fmt: skip
        assert no_reason.status_code == 422 and "Bitte wählen Sie einen Grund." in no_reason.text
        action = lone_page.text.split('name="action_id" value="')[1].split('"')[0]
        for _ in range(2):
            closing = await officer.post(f"/console/barrieren/{lone}/abschluss", data={"reason": "unreachable",
                                         "action_id": action}, headers={"Origin": system.base_url})  # fmt: skip
            assert closing.status_code == 303
        shown = await officer.get(closing.headers["location"])
        assert "abgeschlossen am" in shown.text and "keine Antwort möglich" in shown.text
        assert "Ohne Antwort abschließen" not in shown.text
        assert await conn.fetchval("SELECT count(*) FROM barrier_closing WHERE response_id = $1", uuid.UUID(lone)) == 1
        audited = "SELECT count(*) FROM audit_log WHERE action = 'barrier_closed' AND subject = $1"
        assert await conn.fetchval(audited, lone) == 1
        await until(lambda: conn.fetchval(closed.replace("answered by", "closed by"), f"barrier:{lone}"))
        assert (await analyst.post(f"/console/barrieren/{lone}/abschluss", data={"reason": "fixed"},
                                   headers={"Origin": system.base_url})).status_code == 403  # fmt: skip

        # An address the mail server refuses: the answer is given up (here after one attempt), and the officer, who
        # sees the report as answered, is told by the notifier; no one else, and without the address or the answer.
        bounced = await send(system, category="accessibility_barrier", comment="Captcha ohne Alternative",
                             contact_email=UNKNOWN, contact_consent=True)  # fmt: skip
        bounced_id = bounced.json()["event_id"]
        await until(lambda: conn.fetchval("SELECT count(*) = 1 FROM comment_item WHERE response_id = $1",
                                          uuid.UUID(bounced_id)))  # fmt: skip
        refused_answer = "Wir bauen eine Alternative zum Captcha."
        sent = await officer.post(f"/console/barrieren/{bounced_id}/antwort", data={"answer": refused_answer},
                                  headers={"Origin": system.base_url})  # fmt: skip
        assert sent.status_code == 303
        not_delivered = "Antwort auf Barrieremeldung nicht zugestellt (Bäderbetrieb Musterstadt)"
        told = "SELECT receiver, message::text FROM notification WHERE message->>'subject' = $1"
        await until(lambda: conn.fetchval(f"SELECT count(*) > 0 FROM ({told}) t", not_delivered))
        ((receiver, message),) = await conn.fetch(told, not_delivered)  # the officer's alone, not the PR team's
        assert receiver == "barrierefreiheit" and f"/console/barrieren/{bounced_id}" in message
        assert UNKNOWN not in message and refused_answer not in message
        assert not inbox.to(UNKNOWN)
        await officer.aclose()
        await analyst.aclose()
    finally:
        await conn.close()


@BROWSER_ONCE
async def test_the_barrier_pages_are_accessible(system: System, browser: Browser) -> None:
    add_staff(system, "barriere-axe", "accessibility_officer")
    accepted = await send(system, category="accessibility_barrier", comment="Kontrast zu schwach",
                          contact_email=REPORTER, contact_consent=True)  # fmt: skip
    assert accepted.status_code == 202
    await system.wait_projected(1, timeout=30)
    context = await browser.new_context(locale="de-DE", bypass_csp=True)  # bypass: to inject axe
    page = await context.new_page()
    await sign_in_page(page, system, "barriere-axe")
    await page.get_by_role("link", name="Barrieren").click()
    await page.get_by_role("heading", name="Gemeldete Barrieren").wait_for()
    await page.add_script_tag(path=str(AXE))
    assert await page.evaluate(SERIOUS, WCAG_TAGS) == []
    await page.get_by_role("link", name="Kontrast zu schwach").click()
    await page.get_by_role("heading", name="Barrieremeldung").wait_for()
    await page.get_by_role("button", name="Antwort senden").click()  # empty: refused by the browser (required)
    await page.get_by_label("Ihre Antwort").fill(" ")
    await page.get_by_role("button", name="Antwort senden").click()  # blank: refused at the field
    await page.get_by_text("Bitte schreiben Sie eine Antwort.").wait_for()
    assert await page.get_by_label("Ihre Antwort").get_attribute("aria-invalid") == "true"
    await page.add_script_tag(path=str(AXE))
    assert await page.evaluate(SERIOUS, WCAG_TAGS) == []
    await context.close()
