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

from dataclasses import dataclass
from email.message import EmailMessage
from typing import Literal
from urllib.parse import quote

from shared import mail
from shared.messages import text
from shared.settings import Settings


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
    return mail.letter(sender, letter.to, text(f"hackathon.mail.{letter.kind}.subject", lang, title=title),
                       text(f"hackathon.mail.{letter.kind}.body", lang, title=title, link=link, days=days))  # fmt: skip


async def send_now(settings: Settings, letter: Letter, hackathon_id: str, title: str, lang: str = "de") -> None:
    """Send one letter; never raises (what the participant did stands without the mail)."""
    link = personal_link(settings, hackathon_id, letter.token)
    message = letter_message(settings.smtp_sender, letter, title, link, settings.hackathon_link_days, lang)
    await mail.send(settings, letter.to, str(message["Subject"]), message.get_content(),
                    f"hackathon mail ({letter.kind}) to a participant")  # fmt: skip


def send(settings: Settings, letter: Letter, hackathon_id: str, title: str, lang: str = "de") -> None:
    """Send a letter in the background: the answer to the form does not wait for the mail server (and so takes
    as long for a registered address as for a new one)."""
    mail.in_background(send_now(settings, letter, hackathon_id, title, lang))
