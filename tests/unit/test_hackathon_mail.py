"""The registration mail: the personal link reaches the participant over SMTP; a mail server that is down does
not undo the registration (nothing is raised)."""

from __future__ import annotations

import logging
from email import message_from_bytes, policy
from typing import Any

import pytest
from aiosmtpd.controller import Controller

from services.hackathon.mail import send_welcome
from shared.settings import Settings
from stadtstimme.infra import free_port


class Inbox:
    def __init__(self) -> None:
        self.got: list[tuple[str, list[str], bytes]] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # aiosmtpd's hook name
        self.got.append((envelope.mail_from, list(envelope.rcpt_tos), envelope.content))
        return "250 OK"


async def test_the_personal_link_is_mailed_in_german() -> None:
    inbox, port = Inbox(), free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        settings = Settings(smtp_host="127.0.0.1", smtp_port=port, smtp_starttls=False,
                            smtp_sender="Stadtstimme <noreply@musterstadt.de>")  # fmt: skip
        link = "https://www.musterstadt.de/hackathons/musterstadt-2026/zugang/geheim"
        await send_welcome(settings, "anna@example.org", "Anna Beispiel", "Musterstadt hackt 2026", link)
    finally:
        controller.stop()
    ((sender, recipients, raw),) = inbox.got
    assert (sender, recipients) == ("noreply@musterstadt.de", ["anna@example.org"])
    mail = message_from_bytes(raw, policy=policy.default)
    assert mail["Subject"] == "Ihre Anmeldung: Musterstadt hackt 2026"
    body = mail.get_content()  # type: ignore[attr-defined]
    assert body.startswith("Guten Tag Anna Beispiel,") and link in body and "nicht weiter" in body


async def test_a_mail_server_that_is_down_raises_nothing(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, "services.hackathon.mail")
    settings = Settings(smtp_host="127.0.0.1", smtp_port=free_port(), smtp_starttls=False, notifier_send_timeout_s=2)
    await send_welcome(settings, "anna@example.org", "Anna", "Musterstadt hackt", "https://x.example/zugang/t")
    await send_welcome(Settings(smtp_host=""), "anna@example.org", "Anna", "Musterstadt hackt", "https://x.example/")
    assert [r.getMessage()[:42] for r in caplog.records] == [
        "registration mail to a participant failed:",
        "no SMTP host configured: registration mail",
    ]
    assert "anna@example.org" not in caplog.text  # no address in the logs
