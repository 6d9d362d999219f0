"""The notifier's delivery channels: pure rendering of one :class:`Message` and an async sender per channel.

* E-mail: ``multipart/alternative`` (text/plain and text/html, German, UTF-8) over SMTP with STARTTLS, a
  ``Message-ID`` derived from the delivery id (a re-send after a retry carries the same id) and
  ``Auto-Submitted: auto-generated`` (and ``X-Auto-Response-Suppress``), so that out-of-office replies stay away.
* Webhook: a JSON body signed the `Standard Webhooks <https://www.standardwebhooks.com/>`_ way (``webhook-id``
  = delivery id, ``webhook-timestamp``, ``webhook-signature``); :func:`verify_webhook` is the receiving side.
* Microsoft Teams: an Adaptive Card 1.4 posted to a Teams "Workflows" webhook.
* Matrix: an ``m.notice`` sent with ``PUT …/send/m.room.message/{txnId}``, the delivery id as transaction id, so
  that the homeserver drops a retried duplicate.

Citizen text is text, never markup: HTML (e-mail, Matrix ``formatted_body``) escapes everything, and the Adaptive
Card replaces markdown and HTML syntax characters with their full-width look-alikes (see
:func:`neutralise_markdown`). Every failure raises :class:`DeliveryError`; ``permanent`` says whether a retry
could help.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import logging
import re
import ssl
import time
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime, parseaddr, parsedate_to_datetime
from pathlib import Path
from typing import Annotated, Any, Literal
from urllib.parse import quote, urlsplit
from zoneinfo import ZoneInfo

import aiosmtplib
import httpx
import orjson
from markupsafe import Markup, escape
from pydantic import BaseModel, ConfigDict, Field, field_validator

from shared.messages import text
from shared.templates import template_environment

log = logging.getLogger(__name__)

TIMEZONE = ZoneInfo("Europe/Berlin")
USER_AGENT = "Stadtstimme-Notifier/1"

# The German words the channels add to a message (subject, summary and facts come with it), from the catalogue.
ITEMS_HEADING = text("notifier.channel.items")
OPEN_LINK = text("notifier.channel.open")
OCCURRED_AT = text("notifier.channel.occurred_at")
MORE_ITEMS = text("notifier.channel.more_items", count="{count}")


# --- receivers -----------------------------------------------------------------------------------------------

_LOCAL = r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*"
_LABEL = r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
_EMAIL = re.compile(rf"{_LOCAL}@(?:{_LABEL}\.)+{_LABEL}")
_ENV_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]{0,127}")
_ROOM_ID = re.compile(r"![^\s:]{1,255}(?::[^\s]{1,255})?")
LOCAL_HOSTS = ("127.0.0.1", "localhost")


def check_endpoint(url: str) -> str:
    """``url`` if it may receive notifications: https://, or http:// on this machine (tests, local setups); never
    with credentials in it (they belong in the environment)."""
    if not url or any(ch.isspace() or unicodedata.category(ch) == "Cc" for ch in url):
        raise ValueError("the URL must not be empty or contain spaces or control characters")
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 -- raises ValueError for a port that is not a number or out of range
    except ValueError as error:
        raise ValueError(f"not a URL: {error}") from None
    if parts.username is not None or parts.password is not None:
        raise ValueError("the URL must not contain credentials")
    if parts.scheme == "https" and parts.hostname:
        return url
    if parts.scheme == "http" and parts.hostname in LOCAL_HOSTS:
        return url
    raise ValueError("the URL must start with https:// (http:// only for 127.0.0.1 or localhost)")


def _env_name(value: str) -> str:
    if not _ENV_NAME.fullmatch(value):
        raise ValueError("must be the name of an environment variable (letters, digits, underscore)")
    return value


class EmailReceiver(BaseModel):
    """Addresses of the form ``local@domain`` (ASCII; an internationalised domain in its ``xn--`` form)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    type: Literal["email"] = "email"
    to: tuple[str, ...] = Field(min_length=1, max_length=20)

    @field_validator("to")
    @classmethod
    def _addresses(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        seen: dict[str, str] = {}
        for raw in value:
            address = raw.strip()
            if len(address) > 254 or not _EMAIL.fullmatch(address):
                raise ValueError(f"not an e-mail address: {raw!r}")
            seen.setdefault(address.lower(), address)
        return tuple(seen.values())


class WebhookReceiver(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    type: Literal["webhook"] = "webhook"
    url: str
    secret_env: str  # holds the Standard Webhooks secret "whsec_<base64>"

    @field_validator("url")
    @classmethod
    def _url(cls, value: str) -> str:
        return check_endpoint(value)

    @field_validator("secret_env")
    @classmethod
    def _secret_env(cls, value: str) -> str:
        return _env_name(value)


class TeamsReceiver(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    type: Literal["teams"] = "teams"
    url: str  # a Teams "Workflows" webhook URL

    @field_validator("url")
    @classmethod
    def _url(cls, value: str) -> str:
        return check_endpoint(value)


class MatrixReceiver(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    type: Literal["matrix"] = "matrix"
    homeserver: str  # base URL, e.g. https://matrix.musterstadt.de
    room_id: str  # "!abc:example.org" (room versions from 12 on: "!<hash>"); not an alias
    token_env: str  # holds the access token

    @field_validator("homeserver")
    @classmethod
    def _homeserver(cls, value: str) -> str:
        return check_endpoint(value)

    @field_validator("token_env")
    @classmethod
    def _token_env(cls, value: str) -> str:
        return _env_name(value)

    @field_validator("room_id")
    @classmethod
    def _room(cls, value: str) -> str:
        if not _ROOM_ID.fullmatch(value):
            raise ValueError("must be a room id such as '!abc:example.org' (not an alias '#…')")
        return value


Channel = Annotated[EmailReceiver | WebhookReceiver | TeamsReceiver | MatrixReceiver, Field(discriminator="type")]


# --- what is sent --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Message:
    delivery_id: str  # stable id of this delivery (idempotency key; the same on every retry)
    subject: str  # German, one line
    summary: str  # German, 1–3 sentences, plain text
    facts: tuple[tuple[str, str], ...]  # (label, value), German labels
    link: str | None  # back to the staff console
    items: tuple[str, ...] = ()  # optional lines: citizen comments (where the receiver allows) or digest entries
    event_type: str = ""  # e.g. "comment.new", the webhook payload's "type"
    occurred_at: datetime | None = None
    attachments: tuple[tuple[str, str], ...] = ()  # (file name, CSV text): e-mail only, the others link instead


@dataclass(frozen=True)
class SmtpSettings:
    host: str
    port: int
    username: str | None
    password: str | None = field(repr=False)
    starttls: bool
    sender: str  # "Stadtstimme <noreply@musterstadt.de>"
    ca_file: str | None = None  # CA bundle for the server's certificate (default: the system's)
    timeout: float = 30.0


class DeliveryError(Exception):
    """A delivery failed. ``permanent``: a retry will not help (a 4xx other than 408/429, bad configuration, a
    missing secret). ``retry_after``: seconds the receiver asked us to wait (Retry-After on 429/503)."""

    def __init__(
        self, reason: str, *, status: int | None = None, retry_after: float | None = None, permanent: bool = False
    ) -> None:
        super().__init__(reason)
        self.reason = reason
        self.status = status
        self.retry_after = retry_after
        self.permanent = permanent

    def __repr__(self) -> str:
        return (
            f"DeliveryError({self.reason!r}, status={self.status!r}, retry_after={self.retry_after!r}, "
            f"permanent={self.permanent!r})"
        )


# --- rendering -----------------------------------------------------------------------------------------------

_environment = template_environment(Path(__file__).parent / "templates")
_environment.filters["nl2br"] = lambda text: Markup("<br>\n").join(escape(line) for line in str(text).split("\n"))
# Bidirectional embeddings, overrides and isolates can make text read differently from what it says.
_BIDI = dict.fromkeys(map(ord, "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"))


def _block(text: str) -> str:
    """Text that may span lines, without control characters (except line breaks) or bidi overrides."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\t", " ").translate(_BIDI)
    text = "".join(ch for ch in text if ch == "\n" or unicodedata.category(ch) != "Cc")
    return re.sub(r"\n{3,}", "\n\n", text).strip()


def _line(text: str) -> str:
    """One line: line breaks become spaces, other control characters go."""
    return " ".join(_block(text).split())


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _safe_link(link: str | None) -> str | None:
    """The link if it is an absolute http(s) URL; anything else (``javascript:``…) is not offered as a link."""
    if not link:
        return None
    link = link.strip()
    try:
        parts = urlsplit(link)
    except ValueError:
        return None
    if parts.scheme not in ("https", "http") or not parts.netloc or any(ch.isspace() for ch in link):
        return None
    return link


def _utc(moment: datetime) -> datetime:
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def format_moment(moment: datetime) -> str:
    """German wall-clock time in the city: ``28.11.2026, 14:05 Uhr``. A naive datetime counts as UTC."""
    return _utc(moment).astimezone(TIMEZONE).strftime("%d.%m.%Y, %H:%M Uhr")


@dataclass(frozen=True)
class _View:
    """A message cleaned for display, with at most ``max_items`` items of at most ``max_chars`` characters."""

    subject: str
    summary: str
    facts: tuple[tuple[str, str], ...]
    items: tuple[str, ...]
    link: str | None
    items_heading: str = ITEMS_HEADING

    @classmethod
    def of(cls, message: Message, *, max_items: int, max_chars: int) -> _View:
        facts = [(_line(label), _line(value)) for label, value in message.facts]
        if message.occurred_at is not None and all(label != OCCURRED_AT for label, _ in facts):
            facts.append((OCCURRED_AT, format_moment(message.occurred_at)))
        items = [_clip(cleaned, max_chars) for item in message.items if (cleaned := _block(item))]
        if len(items) > max_items:
            items = [*items[: max_items - 1], MORE_ITEMS.format(count=len(items) - max_items + 1)]
        return cls(
            subject=_clip(_line(message.subject), 250),
            summary=_block(message.summary),
            facts=tuple(facts),
            items=tuple(items),
            link=_safe_link(message.link),
        )

    def render(self, template: str) -> str:
        return _environment.get_template(template).render(
            t=text,
            subject=self.subject,
            summary=self.summary,
            facts=self.facts,
            items=self.items,
            link=self.link,
            items_heading=self.items_heading,
        )


def render_text(message: Message) -> str:
    """The e-mail's text/plain part."""
    return _View.of(message, max_items=200, max_chars=5000).render("email.txt") + "\n"


def render_html(message: Message) -> str:
    """The e-mail's text/html part; everything in ``message`` is escaped."""
    return _View.of(message, max_items=200, max_chars=5000).render("email.html") + "\n"


# Markdown (and the HTML some Teams clients fall back to) in Adaptive Card TextBlocks and FactSets: Teams clients
# disagree on whether a backslash escapes the next character (desktop honours it, mobile clients have shown the
# backslashes), so instead of escaping, the syntax characters become their full-width look-alikes, which no
# markdown parser reads as syntax and every reader still understands. "://" loses its colon the same way, so that a
# URL in citizen text is not turned into a link.
_MARKDOWN = str.maketrans(
    {
        "\\": "＼",
        "[": "［",
        "]": "］",
        "(": "（",
        ")": "）",
        "*": "＊",
        "_": "＿",
        "#": "＃",
        "<": "＜",
        ">": "＞",
        "`": "｀",
        "~": "～",
        "|": "｜",
        "&": "＆",
    }
)


def neutralise_markdown(text: str) -> str:
    """Text for an Adaptive Card TextBlock that renders as exactly these words: no links, emphasis, HTML; each
    line break kept (markdown needs a blank line for one)."""
    lines = [line.strip().translate(_MARKDOWN).replace("://", "：//") for line in _block(text).split("\n")]
    return "\n\n".join(line for line in lines if line)


def render_teams(message: Message) -> dict[str, Any]:
    """The body of a POST to a Teams "Workflows" webhook: one Adaptive Card 1.4."""
    view = _View.of(message, max_items=15, max_chars=500)  # a Teams message holds about 28 KB
    md = neutralise_markdown
    body: list[dict[str, Any]] = [
        {"type": "TextBlock", "text": md(view.subject), "weight": "Bolder", "size": "Medium", "wrap": True},
        {"type": "TextBlock", "text": md(view.summary), "wrap": True},
    ]
    if view.facts:
        body.append({"type": "FactSet", "facts": [{"title": md(k), "value": md(v)} for k, v in view.facts]})
    if view.items:
        body.append({"type": "TextBlock", "text": md(view.items_heading), "weight": "Bolder", "wrap": True})
        body.extend({"type": "TextBlock", "text": md(item), "wrap": True, "separator": True} for item in view.items)
    card: dict[str, Any] = {
        "$schema": "http://adaptivecards.io/schemas/adaptive-card.json",
        "type": "AdaptiveCard",
        "version": "1.4",
        "lang": "de",
        "body": body,
    }
    if view.link:
        card["actions"] = [{"type": "Action.OpenUrl", "title": OPEN_LINK, "url": view.link}]
    return {
        "type": "message",
        "attachments": [
            {"contentType": "application/vnd.microsoft.card.adaptive", "contentUrl": None, "content": card}
        ],
    }


def render_matrix(message: Message) -> dict[str, Any]:
    """The content of an ``m.room.message`` event. ``m.mentions`` is empty, so "@room" in citizen text notifies
    nobody (intentional mentions, Matrix 1.7)."""
    view = _View.of(message, max_items=20, max_chars=300)  # an event holds at most 64 KiB
    return {
        "msgtype": "m.notice",
        "body": view.render("matrix.txt").strip(),
        "format": "org.matrix.custom.html",
        "formatted_body": view.render("matrix.html").strip(),
        "m.mentions": {},
    }


def webhook_payload(message: Message) -> dict[str, Any]:
    """The Standard Webhooks payload: ``type``, ``timestamp`` (when it happened, ISO 8601 UTC) and ``data``."""
    moment = _utc(message.occurred_at) if message.occurred_at else datetime.now(UTC)
    return {
        "type": message.event_type or "notification",
        "timestamp": moment.isoformat(timespec="seconds").replace("+00:00", "Z"),
        "data": {
            "subject": message.subject,
            "summary": message.summary,
            "facts": dict(message.facts),
            "link": message.link,
            "items": list(message.items),
        },
    }


# --- Standard Webhooks ---------------------------------------------------------------------------------------


def _webhook_key(secret: str) -> bytes:
    """The HMAC key of a Standard Webhooks secret ``whsec_<base64>``."""
    encoded = secret.strip().removeprefix("whsec_")
    try:
        key = base64.b64decode(encoded, validate=True)
    except (binascii.Error, ValueError):
        raise ValueError("a webhook secret is 'whsec_' followed by base64") from None
    if len(key) < 16:
        raise ValueError("a webhook secret needs at least 16 bytes (24 to 64 recommended)")
    return key


def _signature(key: bytes, webhook_id: str, timestamp: str, body: bytes) -> str:
    digest = hmac.new(key, f"{webhook_id}.{timestamp}.".encode() + body, hashlib.sha256).digest()
    return "v1," + base64.b64encode(digest).decode("ascii")


def sign_webhook(secret: str, webhook_id: str, timestamp: int, body: bytes) -> dict[str, str]:
    """The three Standard Webhooks headers for ``body``."""
    stamp = str(timestamp)
    return {
        "webhook-id": webhook_id,
        "webhook-timestamp": stamp,
        "webhook-signature": _signature(_webhook_key(secret), webhook_id, stamp, body),
    }


def verify_webhook(
    secret: str, headers: Mapping[str, str], body: bytes, *, tolerance_s: int = 300, now: float | None = None
) -> bool:
    """The receiving side of Standard Webhooks: True if ``body`` was signed with ``secret`` (``whsec_<base64>``)
    for the ``webhook-id`` and ``webhook-timestamp`` in ``headers``, and that timestamp is at most ``tolerance_s``
    seconds from ``now``. Receivers should also remember ``webhook-id``s for that long and drop repeats (a retry
    sends the same id). Raises ValueError for a secret that is not of that form."""
    key = _webhook_key(secret)
    lowered = {name.lower(): value for name, value in headers.items()}
    webhook_id, stamp = lowered.get("webhook-id"), lowered.get("webhook-timestamp")
    signatures = lowered.get("webhook-signature")
    if not webhook_id or not stamp or not signatures or not re.fullmatch(r"\d{1,12}", stamp, re.ASCII):
        return False
    if abs((time.time() if now is None else now) - int(stamp)) > tolerance_s:
        return False
    expected = _signature(key, webhook_id, stamp, body).encode()
    return any(hmac.compare_digest(expected, candidate.encode()) for candidate in signatures.split())


# --- HTTP ----------------------------------------------------------------------------------------------------


def parse_retry_after(value: str | None, *, now: float | None = None) -> float | None:
    """Seconds from a Retry-After header: a number of seconds or an HTTP date (never negative)."""
    if not value:
        return None
    value = value.strip()
    if re.fullmatch(r"\d+(?:\.\d+)?", value, re.ASCII):
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    return max(0.0, _utc(when).timestamp() - (time.time() if now is None else now))


def _check_response(response: httpx.Response, what: str, detail: str = "", retry_after: float | None = None) -> None:
    """Nothing for a 2xx; else a DeliveryError: 408, 429 and 5xx may pass, every other status will not."""
    status = response.status_code
    if 200 <= status < 300:
        return
    transient = status in (408, 429) or status >= 500
    header = parse_retry_after(response.headers.get("retry-after"))
    raise DeliveryError(
        f"{what}: HTTP {status} {response.reason_phrase}".rstrip() + (f" ({detail})" if detail else ""),
        status=status,
        retry_after=(header if header is not None else retry_after) if transient else None,
        permanent=not transient,
    )


async def _request(client: httpx.AsyncClient, what: str, method: str, url: str, **kwargs: Any) -> httpx.Response:
    """The response, or DeliveryError (not permanent) when the network failed. Redirects are never followed: a
    signed body or a token goes only where it was configured to go."""
    try:
        return await client.request(method, url, follow_redirects=False, **kwargs)
    except httpx.RequestError as error:  # connection, TLS, timeout, a broken response
        raise DeliveryError(f"{what}: {type(error).__name__}: {error}".rstrip(": ")) from error


def _secret(env: Mapping[str, str], name: str, what: str) -> str:
    value = env.get(name, "").strip()
    if not value:
        raise DeliveryError(f"{what}: the environment variable {name} is not set", permanent=True)
    return value


# --- senders -------------------------------------------------------------------------------------------------


async def send_webhook(
    receiver: WebhookReceiver, message: Message, env: Mapping[str, str], client: httpx.AsyncClient
) -> None:
    """POST the Standard Webhooks payload, signed with the secret in ``env[receiver.secret_env]``."""
    secret = _secret(env, receiver.secret_env, "webhook")
    body = orjson.dumps(webhook_payload(message))
    try:
        headers = sign_webhook(secret, message.delivery_id, int(time.time()), body)
    except ValueError as error:
        raise DeliveryError(f"webhook: {receiver.secret_env}: {error}", permanent=True) from None
    headers |= {"content-type": "application/json", "user-agent": USER_AGENT}
    response = await _request(client, "webhook", "POST", receiver.url, content=body, headers=headers)
    _check_response(response, "webhook")


async def send_teams(receiver: TeamsReceiver, message: Message, client: httpx.AsyncClient) -> None:
    """POST an Adaptive Card to a Teams "Workflows" webhook; any 2xx (usually 202) counts as delivered."""
    body = orjson.dumps(render_teams(message))
    headers = {"content-type": "application/json", "user-agent": USER_AGENT}
    response = await _request(client, "teams", "POST", receiver.url, content=body, headers=headers)
    _check_response(response, "teams")


async def send_matrix(
    receiver: MatrixReceiver, message: Message, env: Mapping[str, str], client: httpx.AsyncClient
) -> None:
    """Send an ``m.notice`` with the delivery id as transaction id: the homeserver answers a repeat with the
    first event instead of sending a second one."""
    token = _secret(env, receiver.token_env, "matrix")
    url = (
        f"{receiver.homeserver.rstrip('/')}/_matrix/client/v3/rooms/{quote(receiver.room_id, safe='')}"
        f"/send/m.room.message/{quote(message.delivery_id, safe='')}"
    )
    headers = {"authorization": f"Bearer {token}", "user-agent": USER_AGENT}
    response = await _request(client, "matrix", "PUT", url, json=render_matrix(message), headers=headers)
    if response.is_success:
        return
    detail, retry_after = "", None
    try:
        error = response.json()
        detail = f"{error.get('errcode', '')}: {str(error.get('error', ''))[:200]}".strip(": ")
        if isinstance(error.get("retry_after_ms"), int | float):
            retry_after = error["retry_after_ms"] / 1000
    except (ValueError, AttributeError):
        pass
    _check_response(response, "matrix", detail, retry_after)


def _message_id(delivery_id: str, domain: str) -> str:
    """The same ``Message-ID`` for every send of one delivery: the id itself where it is a dot-atom, else a hash."""
    if len(delivery_id) <= 128 and re.fullmatch(r"[A-Za-z0-9_-]+(?:\.[A-Za-z0-9_-]+)*", delivery_id):
        left = delivery_id
    else:
        left = "h" + hashlib.sha256(delivery_id.encode()).hexdigest()[:32]
    return f"<stadtstimme.{left}@{domain}>"


def build_email(receiver: EmailReceiver, message: Message, sender: str) -> EmailMessage:
    """The e-mail for ``receiver``: text and HTML alternatives, German, UTF-8."""
    _, envelope_sender = parseaddr(sender)
    if "@" not in envelope_sender:
        raise DeliveryError(f"e-mail: the sender {sender!r} has no address", permanent=True)
    email = EmailMessage()
    email["Subject"] = _clip(_line(message.subject), 250)
    email["From"] = sender
    email["To"] = [Address(addr_spec=address) for address in receiver.to]
    email["Date"] = format_datetime(datetime.now(UTC))
    email["Message-ID"] = _message_id(message.delivery_id, envelope_sender.rpartition("@")[2])
    email["Auto-Submitted"] = "auto-generated"
    email["X-Auto-Response-Suppress"] = "All"
    email.set_content(render_text(message), charset="utf-8")
    email.add_alternative(render_html(message), subtype="html", charset="utf-8")
    for name, content in message.attachments:  # a BOM, so that spreadsheets read the CSV as UTF-8
        email.add_attachment("\ufeff" + content, subtype="csv", charset="utf-8", filename=name)
    email["Content-Language"] = "de"  # after the content: set_content() clears every Content-* header
    return email


async def send_email(receiver: EmailReceiver, message: Message, smtp: SmtpSettings) -> None:
    """Send over SMTP (STARTTLS when ``smtp.starttls``, verifying the server's certificate). Credentials never go
    out unencrypted, except to a server on this machine. Recipients that the server refuses while it accepts
    others are logged: the message went out, and a retry would only repeat it to the others."""
    email = build_email(receiver, message, smtp.sender)
    if smtp.username and not smtp.starttls and smtp.host not in LOCAL_HOSTS:
        raise DeliveryError("e-mail: SMTP credentials need STARTTLS", permanent=True)
    try:
        refused, _ = await aiosmtplib.send(
            email,
            sender=parseaddr(smtp.sender)[1],
            recipients=list(receiver.to),
            hostname=smtp.host,
            port=smtp.port,
            username=smtp.username or None,
            password=smtp.password if smtp.username else None,
            start_tls=smtp.starttls,
            validate_certs=True,
            cert_bundle=smtp.ca_file,
            timeout=smtp.timeout,
        )
    except aiosmtplib.SMTPRecipientsRefused as error:
        codes = [refusal.code for refusal in error.recipients]
        raise DeliveryError(
            f"e-mail: every recipient refused ({', '.join(f'{r.recipient}: {r.code}' for r in error.recipients)})",
            status=max(codes, default=None),
            permanent=all(code >= 500 for code in codes),
        ) from error
    except aiosmtplib.SMTPNotSupported as error:  # e.g. no STARTTLS, no AUTH
        raise DeliveryError(f"e-mail: {error}", permanent=True) from error
    except aiosmtplib.SMTPResponseException as error:  # authentication, sender, data refused: 4xx may pass
        raise DeliveryError(
            f"e-mail: SMTP {error.code} {error.message}", status=error.code, permanent=error.code >= 500
        ) from error
    except (aiosmtplib.SMTPException, ssl.SSLError, OSError) as error:  # connection, TLS, timeouts
        raise DeliveryError(f"e-mail: {type(error).__name__}: {error}") from error
    if refused:
        log.warning(
            "e-mail %s: the server refused %s",
            message.delivery_id,
            ", ".join(f"{address} ({response.code})" for address, response in refused.items()),
        )


async def send(
    channel: Channel,
    message: Message,
    *,
    smtp: SmtpSettings | None,
    env: Mapping[str, str],
    client: httpx.AsyncClient,
) -> None:
    """Deliver ``message`` through ``channel``; DeliveryError on any failure."""
    match channel:
        case EmailReceiver():
            if smtp is None:
                raise DeliveryError("e-mail: no SMTP server is configured", permanent=True)
            await send_email(channel, message, smtp)
        case WebhookReceiver():
            await send_webhook(channel, message, env, client)
        case TeamsReceiver():
            await send_teams(channel, message, client)
        case MatrixReceiver():
            await send_matrix(channel, message, env, client)
        case _:
            raise DeliveryError(f"unknown channel {type(channel).__name__}", permanent=True)
