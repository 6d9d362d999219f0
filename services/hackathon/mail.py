"""The registration mail of a hackathon: the participant's personal link, sent straight over SMTP.

The address never goes onto a topic, so this mail does not go through the notifier's event routing; it uses the
same SMTP settings (``STADTSTIMME_SMTP_*``; under ``make run`` the local mail catcher). Without an SMTP host, or
when sending fails, the registration still stands: the failure is logged and the participant has the link on
the page they registered on.
"""

from __future__ import annotations

import asyncio
import logging
from email.message import EmailMessage
from email.utils import formatdate, make_msgid, parseaddr

import aiosmtplib

from services.notifier.service import smtp_settings
from shared.messages import text
from shared.settings import Settings

log = logging.getLogger(__name__)
_SENDING: set[asyncio.Task[None]] = set()  # kept until done (the loop holds tasks only weakly)


def welcome_message(sender: str, to: str, name: str, hackathon_title: str, link: str) -> EmailMessage:
    message = EmailMessage()
    message["From"] = sender
    message["To"] = to
    message["Subject"] = text("hackathon.mail.subject", title=hackathon_title)
    message["Date"] = formatdate(localtime=False, usegmt=True)
    message["Message-ID"] = make_msgid(domain="stadtstimme")
    message.set_content(text("hackathon.mail.body", name=name, title=hackathon_title, link=link))
    return message


async def send_welcome(settings: Settings, to: str, name: str, hackathon_title: str, link: str) -> None:
    """Send the personal link; never raises (the registration does not depend on the mail)."""
    smtp = smtp_settings(settings)
    if smtp is None:
        log.info("no SMTP host configured: registration mail not sent")
        return
    try:
        await aiosmtplib.send(
            welcome_message(smtp.sender, to, name, hackathon_title, link),
            sender=parseaddr(smtp.sender)[1],
            recipients=[to],
            hostname=smtp.host,
            port=smtp.port,
            username=smtp.username,
            password=smtp.password,
            start_tls=smtp.starttls,
            timeout=settings.notifier_send_timeout_s,
        )
    except (aiosmtplib.SMTPException, OSError, TimeoutError) as exc:
        log.warning("registration mail to a participant failed: %r", exc)


def welcome(settings: Settings, to: str, name: str, hackathon_title: str, link: str) -> None:
    """Send the registration mail in the background: the registration's answer does not wait for the mail
    server."""
    task = asyncio.get_running_loop().create_task(send_welcome(settings, to, name, hackathon_title, link))
    _SENDING.add(task)
    task.add_done_callback(_SENDING.discard)
