"""The hackathon's mails: the confirmation link reaches the address over SMTP; every kind of mail carries the link
in German and English and nothing but the catalogue's text, the hackathon's title and the link (no text anybody
typed); a mail server that is down raises nothing and no address reaches the logs. ``Inbox`` and ``catching_mail``
also serve the integration tests, which read the links from the mails as a person would."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import re
import time
from collections.abc import Iterator
from email import message_from_bytes, policy
from email.message import EmailMessage
from typing import Any, cast

import pytest
from aiosmtpd.controller import Controller

from services.hackathon.mail import Letter, letter_message, personal_link, send_now
from shared.messages import text as catalogue
from shared.settings import Settings
from stadtstimme.infra import free_port

SENDER = "Stadtstimme <noreply@musterstadt.de>"


class Inbox:
    """What an in-process SMTP server received (its handler runs on the server's own thread)."""

    def __init__(self) -> None:
        self.got: list[tuple[str, list[str], bytes]] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # aiosmtpd's hook name
        self.got.append((envelope.mail_from, list(envelope.rcpt_tos), envelope.content))
        return "250 OK"

    def to(self, address: str) -> list[EmailMessage]:
        """The mails to ``address`` (in any case), oldest first."""
        return [
            cast(EmailMessage, message_from_bytes(raw, policy=policy.default))
            for _, recipients, raw in list(self.got)
            if address.lower() in (r.lower() for r in recipients)
        ]

    async def wait(self, address: str, count: int = 1, timeout: float = 15) -> list[EmailMessage]:
        """The mails to ``address`` once there are ``count`` of them (they are sent in the background)."""
        deadline = time.monotonic() + timeout
        while len(found := self.to(address)) < count:
            assert time.monotonic() < deadline, f"{len(found)} of {count} mails to {address} after {timeout} s"
            await asyncio.sleep(0.05)
        return found


@contextlib.contextmanager
def catching_mail() -> Iterator[tuple[Inbox, dict[str, Any]]]:
    """An SMTP server on loopback; the settings that send to it."""
    inbox, port = Inbox(), free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield inbox, {"smtp_host": "127.0.0.1", "smtp_port": port, "smtp_starttls": False, "smtp_sender": SENDER}
    finally:
        controller.stop()


def body(mail: EmailMessage) -> str:
    return str(mail.get_content()).replace("\r\n", "\n")


def token_in(mail: EmailMessage) -> str:
    """The secret of the link in a mail (``…/zugang/<token>``)."""
    found = re.search(r"/zugang/([A-Za-z0-9_-]+)", body(mail))
    assert found, body(mail)
    return found.group(1)


async def test_the_confirmation_link_is_mailed_in_german() -> None:
    with catching_mail() as (inbox, smtp):
        settings = Settings(**smtp, public_base_url="https://www.musterstadt.de")
        letter = Letter("confirm", "anna@example.org", "geheim")
        await send_now(settings, letter, "musterstadt-2026", "Musterstadt hackt 2026")
    ((sender, recipients, _),) = inbox.got
    assert (sender, recipients) == ("noreply@musterstadt.de", ["anna@example.org"])
    (mail,) = inbox.to("anna@example.org")
    assert mail["Subject"] == "Bitte bestätigen Sie Ihre Anmeldung: Musterstadt hackt 2026"
    text = body(mail)
    assert text.startswith("Guten Tag,\n") and "innerhalb von 48 Stunden" in text and "30 Tage lang" in text
    assert "https://www.musterstadt.de/hackathons/musterstadt-2026/zugang/geheim\n" in text
    assert token_in(mail) == "geheim" and "nicht weiter" in text


@pytest.mark.parametrize("lang", ["de", "en"])
@pytest.mark.parametrize("kind", ["confirm", "registered", "link"])
def test_every_mail_carries_the_link(kind: Any, lang: str) -> None:
    link = personal_link(Settings(public_base_url="http://127.0.0.1:8000/"), "stadt-hackt", "t0k")
    assert link == "http://127.0.0.1:8000/hackathons/stadt-hackt/zugang/t0k"
    mail = letter_message(SENDER, Letter(kind, "grace@example.org", "t0k"), "Stadt hackt", link, 30, lang)
    assert "Stadt hackt" in mail["Subject"] and mail["To"] == "grace@example.org"
    assert f"\n\n{link}\n\n" in body(mail)
    # Nothing but fixed text, the hackathon's title (staff's) and the link: the forms that trigger these mails take
    # anyone's address, so anything typed into them would make the city's mail a relay for a stranger's message.
    assert body(mail) == catalogue(f"hackathon.mail.{kind}.body", lang, title="Stadt hackt", link=link, days=30) + "\n"
    assert mail["Subject"] == catalogue(f"hackathon.mail.{kind}.subject", lang, title="Stadt hackt")


async def test_a_mail_server_that_is_down_raises_nothing(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, "services.hackathon.mail")
    settings = Settings(smtp_host="127.0.0.1", smtp_port=free_port(), smtp_starttls=False, notifier_send_timeout_s=2)
    letter = Letter("confirm", "anna@example.org", "t")
    await send_now(settings, letter, "musterstadt", "Musterstadt hackt")
    await send_now(Settings(smtp_host=""), letter, "musterstadt", "Musterstadt hackt")
    assert [r.getMessage()[:50] for r in caplog.records] == [
        "hackathon mail (confirm) to a participant failed: ",
        "no SMTP host configured: hackathon mail (confirm) ",
    ]
    assert "anna@example.org" not in caplog.text  # no address in the logs
