"""Mail to one person straight over SMTP (``STADTSTIMME_SMTP_*``; under ``make run`` the local mail catcher), for
mails that are not routed notifications: the hackathon's registration links, staff invitations and password resets.
Notifications go through the notifier's outbox instead. Sending never raises: the caller's action stands without
the mail, and a failure is logged without the address (its text may name it)."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Coroutine
from email.message import EmailMessage
from email.utils import formatdate, make_msgid, parseaddr
from typing import Any

import aiosmtplib

from shared.settings import Settings

log = logging.getLogger(__name__)
_SENDING: set[asyncio.Task[Any]] = set()  # kept until done (the loop holds tasks only weakly)


def letter(sender: str, to: str, subject: str, body: str) -> EmailMessage:
    message = EmailMessage()
    message["From"] = sender
    message["To"] = to
    message["Subject"] = subject
    message["Date"] = formatdate(localtime=False, usegmt=True)
    message["Message-ID"] = make_msgid(domain="stadtstimme")
    message.set_content(body)
    return message


async def send(settings: Settings, to: str, subject: str, body: str, what: str) -> bool:
    """Send a plain-text mail; whether the mail server took it. ``what`` names the kind of mail in the log."""
    if not settings.smtp_host:
        log.warning("no SMTP host configured: %s not sent", what)
        return False
    try:
        await aiosmtplib.send(
            letter(settings.smtp_sender, to, subject, body),
            sender=parseaddr(settings.smtp_sender)[1],
            recipients=[to],
            hostname=settings.smtp_host,
            port=settings.smtp_port,
            username=settings.smtp_username or None,
            password=settings.smtp_password.get_secret_value() or None,
            start_tls=settings.smtp_starttls,
            timeout=settings.notifier_send_timeout_s,
        )
    except (aiosmtplib.SMTPException, OSError, TimeoutError) as exc:
        log.warning("%s failed: %s", what, type(exc).__name__)
        return False
    return True


def in_background(sending: Coroutine[Any, Any, Any]) -> None:
    """Send without the answer waiting for the mail server (so it takes as long whatever the address)."""
    task = asyncio.get_running_loop().create_task(sending)
    _SENDING.add(task)
    task.add_done_callback(_SENDING.discard)
