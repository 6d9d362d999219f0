"""The hackathon's mails to one address, sent straight over SMTP: the link that confirms a registration (double
opt-in), a sign-in link for an address that is registered already, and a sign-in link from the lost-link page.

Nothing anybody typed into a form goes into a mail: the forms can be filled in with anyone's address, so a typed
name (or any other text) would turn the city's mail into a relay for someone else's message. The mails greet
neutrally and carry the hackathon's title (staff's), the link and fixed texts only; a sign-in link goes to the address
the person registered with, not to the spelling typed into the form.

The address never goes onto a topic, so these mails do not go through the notifier's event routing; they use the
same SMTP settings (``STADTSTIMME_SMTP_*``; under ``make run`` the local mail catcher). Registering needs them: the
confirmation link reaches people only by mail. When sending fails, the failure is logged without the address; the
form's answer never depends on the mail (it must not tell a registered address from a new one).
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formatdate, make_msgid, parseaddr
from typing import Literal
from urllib.parse import quote

import aiosmtplib

from services.notifier.service import smtp_settings
from shared.messages import text
from shared.settings import Settings

log = logging.getLogger(__name__)
_SENDING: set[asyncio.Task[None]] = set()  # kept until done (the loop holds tasks only weakly)


@dataclass(frozen=True)
class Letter:
    """What to mail where: ``kind`` names its texts (``hackathon.mail.<kind>.subject`` and ``.body``): ``confirm`` (a
    new address; the link confirms the registration), ``registered`` (the address takes part already; a sign-in
    link) or ``link`` (the lost-link page; a sign-in link). ``to``: the address, ``token`` the link's secret."""

    kind: Literal["confirm", "registered", "link"]
    to: str
    token: str


def personal_link(settings: Settings, hackathon_id: str, token: str) -> str:
    """The link that confirms a registration and from then on signs the participant in (the same address)."""
    return f"{settings.public_base_url.rstrip('/')}/hackathons/{quote(hackathon_id, safe='')}/zugang/{token}"


def letter_message(sender: str, letter: Letter, title: str, link: str, days: int, lang: str = "de") -> EmailMessage:
    """The mail: fixed texts with the hackathon's title, the link and how many days a personal link lasts."""
    message = EmailMessage()
    message["From"] = sender
    message["To"] = letter.to
    message["Subject"] = text(f"hackathon.mail.{letter.kind}.subject", lang, title=title)
    message["Date"] = formatdate(localtime=False, usegmt=True)
    message["Message-ID"] = make_msgid(domain="stadtstimme")
    message.set_content(text(f"hackathon.mail.{letter.kind}.body", lang, title=title, link=link, days=days))
    return message


async def send_now(settings: Settings, letter: Letter, hackathon_id: str, title: str, lang: str = "de") -> None:
    """Send one letter; never raises (what the participant did stands without the mail)."""
    smtp = smtp_settings(settings)
    if smtp is None:
        log.warning("no SMTP host configured: hackathon mail (%s) not sent", letter.kind)  # nobody can confirm
        return
    link = personal_link(settings, hackathon_id, letter.token)
    try:
        await aiosmtplib.send(
            letter_message(smtp.sender, letter, title, link, settings.hackathon_link_days, lang),
            sender=parseaddr(smtp.sender)[1],
            recipients=[letter.to],
            hostname=smtp.host,
            port=smtp.port,
            username=smtp.username,
            password=smtp.password,
            start_tls=smtp.starttls,
            timeout=settings.notifier_send_timeout_s,
        )
    except (aiosmtplib.SMTPException, OSError, TimeoutError) as exc:  # its text may name the address: not logged
        log.warning("hackathon mail (%s) to a participant failed: %s", letter.kind, type(exc).__name__)


def send(settings: Settings, letter: Letter, hackathon_id: str, title: str, lang: str = "de") -> None:
    """Send a letter in the background: the answer to the form does not wait for the mail server (and so takes
    as long for a registered address as for a new one)."""
    task = asyncio.get_running_loop().create_task(send_now(settings, letter, hackathon_id, title, lang))
    _SENDING.add(task)
    task.add_done_callback(_SENDING.discard)
