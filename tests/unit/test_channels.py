"""The notifier's delivery channels, each against a real server on loopback: SMTP with STARTTLS and AUTH
(aiosmtpd), webhooks and Teams (aiohttp), Matrix (a real Synapse homeserver, plus a stand-in for rate limits)."""

from __future__ import annotations

import base64
import contextlib
import datetime as dt
import email
import email.policy
import hmac
import ipaddress
import json
import os
import re
import secrets
import socket
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field, replace
from email.message import EmailMessage
from email.utils import format_datetime
from pathlib import Path
from typing import Any
from urllib.parse import quote

import httpx
import pytest
import yaml
from aiohttp import web
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, AuthResult, Envelope, LoginPassword, Session
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID
from pydantic import TypeAdapter, ValidationError

from services.notifier.channels import (
    Channel,
    DeliveryError,
    EmailReceiver,
    MatrixReceiver,
    Message,
    SmtpSettings,
    TeamsReceiver,
    WebhookReceiver,
    neutralise_markdown,
    parse_retry_after,
    render_html,
    render_matrix,
    render_teams,
    render_text,
    send,
    send_email,
    send_matrix,
    send_teams,
    send_webhook,
    verify_webhook,
)

HOSTILE = '<script>alert("x")</script> & [Klick hier](https://evil.example/login) **dringend** _bitte_ # @room'
MESSAGE = Message(
    delivery_id="d-2f6c1e.route-1",
    subject="Neuer Kommentar für Stadtwerke – Straßenbeleuchtung",
    summary="Eine Bürgerin hat die Seite „Straßenbeleuchtung“ mit 2 von 5 bewertet.",
    facts=(("Organisationseinheit", "Stadtwerke"), ("Seite", "/stadtwerke/strassenbeleuchtung"), ("Bewertung", "2")),
    link="https://stadtstimme.musterstadt.de/console/comments/42",
    items=(HOSTILE, "Die Lampe in der Hauptstraße 3 ist seit Tagen aus.\nBitte prüfen."),
    event_type="comment.new",
    occurred_at=dt.datetime(2026, 11, 27, 13, 5, tzinfo=dt.UTC),
)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@contextlib.asynccontextmanager
async def serve(routes: list[web.RouteDef]) -> AsyncIterator[str]:
    """A tiny aiohttp app on a free loopback port; yields its base URL."""
    app = web.Application()
    app.add_routes(routes)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    try:
        yield f"http://127.0.0.1:{runner.addresses[0][1]}"
    finally:
        await runner.cleanup()


@pytest.fixture
async def client() -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(timeout=10) as http:
        yield http


# --- receivers and rendering ---------------------------------------------------------------------------------


def test_receivers_validate_their_settings() -> None:
    adapter: TypeAdapter[Channel] = TypeAdapter(Channel)
    email_receiver = adapter.validate_python(
        {"type": "email", "to": ["bauamt@musterstadt.de", "BAUAMT@musterstadt.de"]}
    )
    assert email_receiver == EmailReceiver(to=("bauamt@musterstadt.de",))  # duplicates (any case) collapse
    assert isinstance(adapter.validate_python({"type": "teams", "url": "https://prod.example/wf?sig=1"}), TeamsReceiver)
    matrix = adapter.validate_python(
        {"type": "matrix", "homeserver": "https://matrix.musterstadt.de", "room_id": "!abc:musterstadt.de",
         "token_env": "MATRIX_TOKEN"})  # fmt: skip
    assert isinstance(matrix, MatrixReceiver)
    assert WebhookReceiver(url="http://127.0.0.1:8080/hook", secret_env="HOOK_SECRET").url.startswith("http://")
    assert WebhookReceiver(url="http://localhost/hook", secret_env="S").type == "webhook"
    bad: list[dict[str, Any]] = [
        {"type": "email", "to": []},
        {"type": "email", "to": ["kein-at-zeichen"]},
        {"type": "email", "to": ["a@musterstadt.de\r\nBcc: spion@evil.example"]},
        {"type": "email", "to": ["Anna <anna@musterstadt.de>"]},
        {"type": "email", "to": [f"p{i}@musterstadt.de" for i in range(21)]},
        {"type": "email", "to": ["a@musterstadt.de"], "cc": ["b@musterstadt.de"]},
        {"type": "webhook", "url": "http://example.org/hook", "secret_env": "S"},
        {"type": "webhook", "url": "http://127.0.0.1.evil.example/hook", "secret_env": "S"},
        {"type": "webhook", "url": "https://user:pw@example.org/hook", "secret_env": "S"},
        {"type": "webhook", "url": "https://example.org/hook", "secret_env": "NOT-A-NAME"},
        {"type": "webhook", "url": "ftp://example.org/hook", "secret_env": "S"},
        {"type": "teams", "url": "https://exa mple.org/"},
        {"type": "matrix", "homeserver": "https://m.example", "room_id": "#alias:m.example", "token_env": "T"},
        {"type": "matrix", "homeserver": "http://m.example", "room_id": "!a:m.example", "token_env": "T"},
        {"type": "fax", "number": "0800"},
    ]
    for data in bad:
        with pytest.raises(ValidationError):
            adapter.validate_python(data)
    with pytest.raises(ValidationError):  # frozen
        email_receiver.to = ("x@musterstadt.de",)  # type: ignore[misc]


def test_text_and_html_rendering() -> None:
    text = render_text(MESSAGE)
    assert text.startswith("Neuer Kommentar für Stadtwerke – Straßenbeleuchtung\n\nEine Bürgerin")
    assert "Organisationseinheit: Stadtwerke\n" in text
    assert "Zeitpunkt: 27.11.2026, 14:05 Uhr" in text  # 13:05 UTC in Europe/Berlin
    assert f"- {HOSTILE}\n" in text  # plain text stays as written
    assert "- Die Lampe in der Hauptstraße 3 ist seit Tagen aus.\n  Bitte prüfen.\n" in text
    assert "In Stadtstimme öffnen: https://stadtstimme.musterstadt.de/console/comments/42" in text
    assert "Bitte antworten Sie nicht auf diese E-Mail." in text

    html = render_html(MESSAGE)
    assert html.startswith("<!doctype html>") and '<html lang="de">' in html
    assert "<script" not in html and "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt; &amp; [Klick hier]" in html
    assert '<th scope="row"' in html and ">Stadtwerke</td>" in html
    assert "Hauptstraße 3 ist seit Tagen aus.<br>\nBitte prüfen." in html
    assert '<a href="https://stadtstimme.musterstadt.de/console/comments/42"' in html
    assert html.count("<a ") == 1  # the citizen's link is text

    tricky = replace(
        MESSAGE,
        subject="Betreff\r\nBcc: spion@evil.example",
        summary="Text \u202egnirts\u202c mit Steuerzeichen\x07.",
        facts=(("Seite", '"><img src=x onerror=alert(1)>'),),
        link="javascript:alert(1)",
        items=(),
        occurred_at=None,
    )
    html = render_html(tricky)
    assert "<img" not in html and "&#34;&gt;&lt;img src=x onerror=alert(1)&gt;" in html
    assert "javascript:" not in html and "<a " not in html and "Einträge" not in html
    assert "\u202e" not in html and "\x07" not in html
    assert render_text(tricky).startswith("Betreff Bcc: spion@evil.example\n\nText gnirts mit Steuerzeichen.\n")


def test_markdown_is_neutralised_for_adaptive_cards() -> None:
    assert neutralise_markdown(HOSTILE) == (
        '＜script＞alert（"x"）＜/script＞ ＆ ［Klick hier］（https：//evil.example/login） '
        "＊＊dringend＊＊ ＿bitte＿ ＃ @room"
    )
    assert neutralise_markdown("Zeile 1\nZeile 2\n\n\n\nZeile 3") == "Zeile 1\n\nZeile 2\n\nZeile 3"
    many = replace(MESSAGE, items=tuple(f"Kommentar {i}" for i in range(40)))
    texts = [block["text"] for block in render_teams(many)["attachments"][0]["content"]["body"] if "text" in block]
    assert texts[-1] == "… und 26 weitere （in Stadtstimme einsehbar）" and "Kommentar 13" in texts


def test_retry_after_parsing() -> None:
    assert parse_retry_after("7") == 7.0
    assert parse_retry_after(" 1.5 ") == 1.5
    now = time.time()
    in_two_minutes = format_datetime(dt.datetime.fromtimestamp(now + 120, dt.UTC), usegmt=True)
    assert parse_retry_after(in_two_minutes, now=now) == pytest.approx(120, abs=1)
    assert parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT") == 0.0
    assert parse_retry_after("bald") is None and parse_retry_after(None) is None and parse_retry_after("-3") is None


# --- e-mail: aiosmtpd with STARTTLS and AUTH -----------------------------------------------------------------


def make_certificates(directory: Path) -> tuple[Path, Path, Path]:
    """A CA and a server certificate for localhost / 127.0.0.1 signed by it: (ca, cert, key)."""
    now = dt.datetime.now(dt.UTC)
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Stadtstimme Test-CA")])
    ca = (
        x509.CertificateBuilder().subject_name(ca_name).issuer_name(ca_name).public_key(ca_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5)).not_valid_after(now + dt.timedelta(days=1))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(x509.KeyUsage(digital_signature=True, content_commitment=False, key_encipherment=False,
                                     data_encipherment=False, key_agreement=False, key_cert_sign=True, crl_sign=True,
                                     encipher_only=False, decipher_only=False), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key()), critical=False)
        .sign(ca_key, hashes.SHA256())
    )  # fmt: skip
    key = ec.generate_private_key(ec.SECP256R1())
    cert = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")])).issuer_name(ca_name)
        .public_key(key.public_key()).serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5)).not_valid_after(now + dt.timedelta(days=1))
        .add_extension(x509.SubjectAlternativeName([x509.DNSName("localhost"),
                                                    x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), critical=False)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
        .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), critical=False)
        .sign(ca_key, hashes.SHA256())
    )  # fmt: skip
    paths = directory / "ca.pem", directory / "server.pem", directory / "server.key"
    paths[0].write_bytes(ca.public_bytes(serialization.Encoding.PEM))
    paths[1].write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    paths[2].write_bytes(
        key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    return paths


@dataclass
class Received:
    mail_from: str
    rcpt_tos: list[str]
    content: bytes
    tls: bool
    login: str | None


@dataclass
class MailServer:
    port: int
    ca_file: str
    inbox: list[Received] = field(default_factory=list)
    logins: list[str] = field(default_factory=list)

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:  # aiosmtpd's hook name
        login = session.auth_data.login.decode() if isinstance(session.auth_data, LoginPassword) else None
        assert envelope.mail_from is not None and isinstance(envelope.content, bytes)
        self.inbox.append(Received(envelope.mail_from, list(envelope.rcpt_tos), envelope.content, bool(session.ssl),
                                   login))  # fmt: skip
        return "250 OK"

    def authenticate(self, server: SMTP, session: Session, envelope: Envelope, mechanism: str, data: Any) -> AuthResult:
        ok = isinstance(data, LoginPassword) and (data.login, data.password) == (b"stadtstimme", "Geheimnis-ß".encode())
        if ok:
            self.logins.append(mechanism)
        return AuthResult(success=ok, handled=False, auth_data=data)  # handled=False: aiosmtpd answers 235/535


@pytest.fixture(scope="module")
def smtp_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[MailServer]:
    import ssl

    ca, cert, key = make_certificates(tmp_path_factory.mktemp("smtp"))
    tls = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    tls.load_cert_chain(cert, key)
    mail = MailServer(port=free_port(), ca_file=str(ca))
    controller = Controller(
        mail, hostname="127.0.0.1", port=mail.port, server_hostname="localhost", tls_context=tls,
        require_starttls=True, auth_required=True, auth_require_tls=True, authenticator=mail.authenticate,
    )  # fmt: skip
    controller.start()
    try:
        yield mail
    finally:
        controller.stop()


def smtp_settings(server: MailServer, **changes: Any) -> SmtpSettings:
    settings = SmtpSettings(
        host="localhost", port=server.port, username="stadtstimme", password="Geheimnis-ß", starttls=True,
        sender="Stadtstimme Musterstadt <noreply@musterstadt.de>", ca_file=server.ca_file, timeout=5,
    )  # fmt: skip
    return replace(settings, **changes)


async def test_email_over_starttls_with_auth(smtp_server: MailServer, client: httpx.AsyncClient) -> None:
    smtp_server.inbox.clear()
    receiver = EmailReceiver(to=("stadtwerke@musterstadt.de", "leitung.stadtwerke@musterstadt.de"))
    await send(receiver, MESSAGE, smtp=smtp_settings(smtp_server), env={}, client=client)
    await send_email(receiver, MESSAGE, smtp_settings(smtp_server))  # a retry of the same delivery

    assert len(smtp_server.inbox) == 2
    first, again = smtp_server.inbox
    assert first.tls and first.login == "stadtstimme" and smtp_server.logins
    assert first.mail_from == "noreply@musterstadt.de"
    assert first.rcpt_tos == ["stadtwerke@musterstadt.de", "leitung.stadtwerke@musterstadt.de"]
    raw_headers = first.content.split(b"\r\n\r\n", 1)[0]
    assert raw_headers.isascii() and b"Subject: Neuer Kommentar =?utf-8?" in raw_headers  # RFC 2047 encoded words
    mail = email.message_from_bytes(first.content, policy=email.policy.default)
    assert isinstance(mail, EmailMessage)
    assert mail["Subject"] == "Neuer Kommentar für Stadtwerke – Straßenbeleuchtung"
    assert mail["From"] == "Stadtstimme Musterstadt <noreply@musterstadt.de>"
    assert mail["To"] == "stadtwerke@musterstadt.de, leitung.stadtwerke@musterstadt.de"
    assert mail["Message-ID"] == "<stadtstimme.d-2f6c1e.route-1@musterstadt.de>"
    resent = email.message_from_bytes(again.content, policy=email.policy.default)
    assert resent["Message-ID"] == mail["Message-ID"]  # the re-send is recognisable
    assert mail["Auto-Submitted"] == "auto-generated" and mail["Content-Language"] == "de"
    assert mail["Date"] is not None
    assert mail.get_content_type() == "multipart/alternative"
    plain, html = mail.iter_parts()
    assert plain.get_content_type() == "text/plain" and plain.get_content_charset() == "utf-8"
    assert html.get_content_type() == "text/html" and html.get_content_charset() == "utf-8"
    assert isinstance(plain, EmailMessage) and isinstance(html, EmailMessage)
    assert plain.get_content().replace("\r\n", "\n") == render_text(MESSAGE)
    assert "Eine Bürgerin hat die Seite „Straßenbeleuchtung“" in plain.get_content()
    html_text = html.get_content()
    assert "&lt;script&gt;" in html_text and "<script" not in html_text and "In Stadtstimme öffnen</a>" in html_text

    digest_id = replace(MESSAGE, delivery_id="digest 2026-11-27/stadtwerke")
    await send_email(receiver, digest_id, smtp_settings(smtp_server))
    odd = email.message_from_bytes(smtp_server.inbox[-1].content, policy=email.policy.default)
    assert re.fullmatch(r"<stadtstimme\.h[0-9a-f]{32}@musterstadt\.de>", str(odd["Message-ID"]).strip())


async def test_email_failures(smtp_server: MailServer, client: httpx.AsyncClient) -> None:
    receiver = EmailReceiver(to=("stadtwerke@musterstadt.de",))
    smtp_server.inbox.clear()
    with pytest.raises(DeliveryError) as wrong_password:
        await send_email(receiver, MESSAGE, smtp_settings(smtp_server, password="falsch"))
    assert wrong_password.value.permanent and wrong_password.value.status == 535
    with pytest.raises(DeliveryError) as untrusted:  # the system's CAs don't know the test CA: no delivery
        await send_email(receiver, MESSAGE, smtp_settings(smtp_server, ca_file=None))
    assert not untrusted.value.permanent
    with pytest.raises(DeliveryError) as plain:  # the server insists on STARTTLS
        await send_email(receiver, MESSAGE, smtp_settings(smtp_server, username=None, password=None, starttls=False))
    assert plain.value.permanent and plain.value.status == 530
    with pytest.raises(DeliveryError) as refused:
        await send_email(receiver, MESSAGE, smtp_settings(smtp_server, port=free_port()))
    assert not refused.value.permanent
    with pytest.raises(DeliveryError) as cleartext:  # never sends credentials unencrypted to another machine
        await send_email(receiver, MESSAGE, smtp_settings(smtp_server, host="smtp.musterstadt.de", starttls=False))
    assert cleartext.value.permanent
    with pytest.raises(DeliveryError) as no_smtp:
        await send(receiver, MESSAGE, smtp=None, env={}, client=client)
    assert no_smtp.value.permanent
    assert smtp_server.inbox == []


# --- webhooks: Standard Webhooks -----------------------------------------------------------------------------

SECRET = "whsec_" + base64.b64encode(b"stadtstimme-webhook-test-key-32b").decode()


@dataclass
class Hook:
    headers: dict[str, str]
    body: bytes
    verified: bool


async def test_webhook_is_signed_and_verified(client: httpx.AsyncClient) -> None:
    received: list[Hook] = []

    async def hook(request: web.Request) -> web.Response:
        body = await request.read()
        verified = verify_webhook(SECRET, request.headers, body)
        received.append(Hook({name.lower(): value for name, value in request.headers.items()}, body, verified))
        return web.Response(status=204 if verified else 401)

    async with serve([web.post("/hook", hook)]) as base:
        receiver = WebhookReceiver(url=f"{base}/hook", secret_env="STADTSTIMME_HOOK_SECRET")
        before = int(time.time())
        await send(receiver, MESSAGE, smtp=None, env={"STADTSTIMME_HOOK_SECRET": SECRET}, client=client)
        await send_webhook(receiver, MESSAGE, {"STADTSTIMME_HOOK_SECRET": SECRET}, client)  # a retry

    assert [hook.verified for hook in received] == [True, True]
    first = received[0]
    headers = first.headers
    assert headers["webhook-id"] == "d-2f6c1e.route-1" == received[1].headers["webhook-id"]
    assert before <= int(headers["webhook-timestamp"]) <= time.time()
    assert headers["webhook-signature"].startswith("v1,") and headers["content-type"] == "application/json"
    key = base64.b64decode(SECRET.removeprefix("whsec_"))
    signed = f"{headers['webhook-id']}.{headers['webhook-timestamp']}.".encode() + first.body
    assert headers["webhook-signature"] == "v1," + base64.b64encode(hmac.digest(key, signed, "sha256")).decode()
    assert json.loads(first.body) == {
        "type": "comment.new",
        "timestamp": "2026-11-27T13:05:00Z",
        "data": {
            "subject": MESSAGE.subject,
            "summary": MESSAGE.summary,
            "facts": {"Organisationseinheit": "Stadtwerke", "Seite": "/stadtwerke/strassenbeleuchtung",
                      "Bewertung": "2"},
            "link": MESSAGE.link,
            "items": list(MESSAGE.items),
        },
    }  # fmt: skip

    stamp = int(headers["webhook-timestamp"])
    other = "whsec_" + base64.b64encode(os.urandom(32)).decode()
    assert verify_webhook(SECRET, headers, first.body, now=stamp + 299)
    assert not verify_webhook(other, headers, first.body)  # wrong secret
    assert not verify_webhook(SECRET, headers, first.body, now=stamp + 301)  # too old
    assert not verify_webhook(SECRET, headers, first.body, now=stamp - 301)  # from the future
    assert not verify_webhook(SECRET, headers, first.body + b" ")  # body changed
    assert not verify_webhook(SECRET, headers | {"webhook-id": "d-other"}, first.body)
    assert not verify_webhook(SECRET, {k: v for k, v in headers.items() if k != "webhook-signature"}, first.body)
    stale = "v1," + base64.b64encode(b"x" * 32).decode()
    rotated = headers | {"webhook-signature": f"{stale} {headers['webhook-signature']}"}
    assert verify_webhook(SECRET, rotated, first.body)  # one of several signatures (secret rotation)
    with pytest.raises(ValueError):
        verify_webhook("whsec_not base64!", headers, first.body)


async def test_webhook_failures(client: httpx.AsyncClient) -> None:
    hits: list[str] = []

    async def status(request: web.Request) -> web.Response:
        hits.append(request.path)
        retry_after = request.query.get("retry_after")
        return web.Response(status=int(request.match_info["code"]), headers={"Retry-After": retry_after} if
                            retry_after else None)  # fmt: skip

    async def moved(request: web.Request) -> web.Response:
        hits.append(request.path)
        raise web.HTTPFound("/status/204")

    env = {"HOOK": SECRET}
    async with serve([web.post("/status/{code}", status), web.post("/moved", moved)]) as base:

        async def failure(path: str, environment: dict[str, str] = env) -> DeliveryError:
            with pytest.raises(DeliveryError) as caught:
                await send_webhook(WebhookReceiver(url=base + path, secret_env="HOOK"), MESSAGE, environment, client)
            return caught.value

        await send_webhook(WebhookReceiver(url=f"{base}/status/202", secret_env="HOOK"), MESSAGE, env, client)
        server_error = await failure("/status/500")
        assert (server_error.status, server_error.permanent, server_error.retry_after) == (500, False, None)
        limited = await failure("/status/429?retry_after=7")
        assert (limited.status, limited.permanent, limited.retry_after) == (429, False, 7.0)
        later = format_datetime(dt.datetime.now(dt.UTC) + dt.timedelta(seconds=90), usegmt=True)
        unavailable = await failure(f"/status/503?retry_after={quote(later)}")
        assert not unavailable.permanent and unavailable.retry_after is not None
        assert 80 < unavailable.retry_after <= 90
        timeout = await failure("/status/408")
        assert not timeout.permanent
        missing = await failure("/status/404")
        assert (missing.status, missing.permanent) == (404, True)
        redirected = await failure("/moved")  # not followed: the signed body goes only where configured
        assert (redirected.status, redirected.permanent) == (302, True)
        assert hits.count("/status/204") == 0
        no_secret = await failure("/status/204", {})
        assert no_secret.permanent and "HOOK" in no_secret.reason
        bad_secret = await failure("/status/204", {"HOOK": "whsec_$$$"})
        assert bad_secret.permanent
        assert hits.count("/status/204") == 0
    with pytest.raises(DeliveryError) as unreachable:
        receiver = WebhookReceiver(url=f"http://127.0.0.1:{free_port()}/hook", secret_env="HOOK")
        await send(receiver, MESSAGE, smtp=None, env=env, client=client)
    assert not unreachable.value.permanent and unreachable.value.status is None


# --- Microsoft Teams -----------------------------------------------------------------------------------------


def card_problems(payload: Any) -> list[str]:
    """What a Teams "Workflows" webhook would object to in ``payload``."""
    try:
        assert payload["type"] == "message", "type"
        (attachment,) = payload["attachments"]
        assert attachment["contentType"] == "application/vnd.microsoft.card.adaptive", "contentType"
        card = attachment["content"]
        assert card["type"] == "AdaptiveCard" and card["version"] == "1.4", "card version"
        assert all(block["type"] in ("TextBlock", "FactSet") for block in card["body"]), "body elements"
        assert all(block.get("wrap") is True for block in card["body"] if block["type"] == "TextBlock"), "wrap"
        facts = [block for block in card["body"] if block["type"] == "FactSet"]
        assert len(facts) == 1 and all(set(fact) == {"title", "value"} for fact in facts[0]["facts"]), "FactSet"
        for action in card.get("actions", []):
            assert action["type"] == "Action.OpenUrl" and action["url"].startswith("https://"), "action"
    except (AssertionError, KeyError, TypeError, ValueError) as error:
        return [str(error) or type(error).__name__]
    return []


async def test_teams_adaptive_card(client: httpx.AsyncClient) -> None:
    cards: list[Any] = []

    async def workflow(request: web.Request) -> web.Response:
        if request.content_type != "application/json":
            return web.Response(status=415)
        payload = await request.json()
        if problems := card_problems(payload):
            return web.json_response({"error": problems}, status=400)
        cards.append(payload)
        return web.Response(status=202)

    async def gone(request: web.Request) -> web.Response:
        return web.Response(status=403)

    async with serve([web.post("/workflows/abc/triggers/manual/paths/invoke", workflow),
                      web.post("/gone", gone)]) as base:  # fmt: skip
        receiver = TeamsReceiver(url=f"{base}/workflows/abc/triggers/manual/paths/invoke")
        await send(receiver, MESSAGE, smtp=None, env={}, client=client)
        await send_teams(receiver, replace(MESSAGE, link=None, items=()), client)
        with pytest.raises(DeliveryError) as forbidden:
            await send_teams(TeamsReceiver(url=f"{base}/gone"), MESSAGE, client)
        assert forbidden.value.permanent and forbidden.value.status == 403

    assert len(cards) == 2
    card = cards[0]["attachments"][0]["content"]
    title, summary, facts, heading, *items = card["body"]
    assert title == {"type": "TextBlock", "text": "Neuer Kommentar für Stadtwerke – Straßenbeleuchtung",
                     "weight": "Bolder", "size": "Medium", "wrap": True}  # fmt: skip
    assert summary["text"] == MESSAGE.summary
    assert facts["facts"][0] == {"title": "Organisationseinheit", "value": "Stadtwerke"}
    assert facts["facts"][-1] == {"title": "Zeitpunkt", "value": "27.11.2026, 14:05 Uhr"}
    assert heading["text"] == "Einträge"
    assert card["actions"] == [{"type": "Action.OpenUrl", "title": "In Stadtstimme öffnen", "url": MESSAGE.link}]
    hostile = items[0]["text"]
    for syntax in ("[", "]", "(", ")", "*", "_", "#", "<", ">", "&", "://"):
        assert syntax not in hostile, syntax
    assert "Klick hier" in hostile and "dringend" in hostile
    assert items[1]["text"] == "Die Lampe in der Hauptstraße 3 ist seit Tagen aus.\n\nBitte prüfen."
    bare = cards[1]["attachments"][0]["content"]
    assert "actions" not in bare and [block["type"] for block in bare["body"]] == ["TextBlock", "TextBlock", "FactSet"]


# --- Matrix: a real Synapse homeserver -----------------------------------------------------------------------


@dataclass
class Homeserver:
    base: str
    token: str
    user_id: str


@pytest.fixture(scope="module")
def synapse(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Homeserver]:
    """Synapse on a free loopback port (SQLite, client API only, no federation), with one registered user."""
    directory = tmp_path_factory.mktemp("synapse")
    port, shared_secret = free_port(), secrets.token_urlsafe(24)
    unlimited = {"per_second": 1000, "burst_count": 1000}
    config = {
        "server_name": "localhost",
        "pid_file": str(directory / "homeserver.pid"),
        "report_stats": False,
        "listeners": [{"port": port, "bind_addresses": ["127.0.0.1"], "type": "http", "tls": False,
                       "x_forwarded": False, "resources": [{"names": ["client"], "compress": False}]}],
        "database": {"name": "sqlite3", "args": {"database": str(directory / "homeserver.db")}},
        "media_store_path": str(directory / "media"),
        "signing_key_path": str(directory / "signing.key"),  # generated at start
        "registration_shared_secret": shared_secret,
        "macaroon_secret_key": secrets.token_urlsafe(24),
        "form_secret": secrets.token_urlsafe(24),
        "trusted_key_servers": [],
        "presence": {"enabled": False},
        "rc_message": unlimited,
        "rc_registration": unlimited,
        "rc_joins": {"local": unlimited, "remote": unlimited},
    }  # fmt: skip
    (directory / "homeserver.yaml").write_text(yaml.safe_dump(config))
    base = f"http://127.0.0.1:{port}"
    started = time.monotonic()
    with open(directory / "synapse.log", "wb") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "synapse.app.homeserver", "-c", str(directory / "homeserver.yaml")],
            cwd=directory, stdout=log, stderr=subprocess.STDOUT,
        )  # fmt: skip
        try:
            while True:
                if process.poll() is not None:
                    pytest.fail("Synapse stopped:\n" + (directory / "synapse.log").read_text()[-3000:])
                if time.monotonic() - started > 90:
                    pytest.fail("Synapse did not answer within 90 s")
                with contextlib.suppress(httpx.TransportError):
                    if httpx.get(f"{base}/health", timeout=1).status_code == 200:
                        break
                time.sleep(0.1)
            # Registration with the shared secret (the admin API register_new_matrix_user uses).
            nonce = httpx.get(f"{base}/_synapse/admin/v1/register").json()["nonce"]
            password = secrets.token_urlsafe(16)
            mac = hmac.new(shared_secret.encode(), digestmod="sha1")
            mac.update(b"\x00".join([nonce.encode(), b"stadtstimme", password.encode(), b"notadmin"]))
            account = httpx.post(
                f"{base}/_synapse/admin/v1/register",
                json={"nonce": nonce, "username": "stadtstimme", "password": password, "admin": False,
                      "mac": mac.hexdigest()},
            )  # fmt: skip
            assert account.status_code == 200, account.text
            yield Homeserver(base, account.json()["access_token"], account.json()["user_id"])
        finally:
            process.terminate()
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


async def test_matrix_on_synapse(synapse: Homeserver, client: httpx.AsyncClient) -> None:
    auth = {"Authorization": f"Bearer {synapse.token}"}
    room = await client.post(f"{synapse.base}/_matrix/client/v3/createRoom", headers=auth,
                             json={"name": "Stadtwerke – Rückmeldungen", "preset": "private_chat"})  # fmt: skip
    assert room.status_code == 200, room.text
    room_id = room.json()["room_id"]
    receiver = MatrixReceiver(homeserver=synapse.base + "/", room_id=room_id, token_env="STADTSTIMME_MATRIX_TOKEN")
    env = {"STADTSTIMME_MATRIX_TOKEN": synapse.token}

    odd_id = replace(MESSAGE, delivery_id="lieferung/42 ä?#x")  # txnId needs quoting
    await send(receiver, odd_id, smtp=None, env=env, client=client)
    await send_matrix(receiver, odd_id, env, client)  # a retry: same transaction id, no second event
    await send_matrix(receiver, replace(MESSAGE, delivery_id="d-2", items=()), env, client)

    messages = await client.get(
        f"{synapse.base}/_matrix/client/v3/rooms/{quote(room_id, safe='')}/messages",
        params={"dir": "b", "limit": "50"}, headers=auth,
    )  # fmt: skip
    assert messages.status_code == 200, messages.text
    events = [event for event in messages.json()["chunk"] if event["type"] == "m.room.message"]
    assert len(events) == 2, [event["content"].get("body") for event in events]
    latest, first = events  # newest first
    assert first["sender"] == synapse.user_id
    content = first["content"]
    assert content == render_matrix(odd_id)
    assert content["msgtype"] == "m.notice" and content["format"] == "org.matrix.custom.html"
    assert content["m.mentions"] == {}
    assert content["body"].startswith("Neuer Kommentar für Stadtwerke – Straßenbeleuchtung\n\nEine Bürgerin")
    assert HOSTILE in content["body"]
    assert "&lt;script&gt;" in content["formatted_body"] and "<script" not in content["formatted_body"]
    assert (
        '<a href="https://stadtstimme.musterstadt.de/console/comments/42">In Stadtstimme öffnen</a>'
        in (content["formatted_body"])
    )
    assert "Einträge" not in latest["content"]["body"]

    with pytest.raises(DeliveryError) as bad_token:
        await send_matrix(receiver, replace(MESSAGE, delivery_id="d-3"), {"STADTSTIMME_MATRIX_TOKEN": "falsch"}, client)
    assert bad_token.value.permanent and bad_token.value.status == 401 and "M_UNKNOWN_TOKEN" in bad_token.value.reason
    with pytest.raises(DeliveryError) as not_joined:
        other_room = receiver.model_copy(update={"room_id": "!nichtda:localhost"})
        await send_matrix(other_room, replace(MESSAGE, delivery_id="d-4"), env, client)
    assert not_joined.value.permanent and not_joined.value.status == 403
    with pytest.raises(DeliveryError) as no_token:
        await send_matrix(receiver, MESSAGE, {}, client)
    assert no_token.value.permanent and "STADTSTIMME_MATRIX_TOKEN" in no_token.value.reason


async def test_matrix_request_and_rate_limit(client: httpx.AsyncClient) -> None:
    """A stand-in homeserver for what Synapse here does not do: rate-limit (its limits are off above)."""
    requests: list[tuple[str, str, str | None]] = []

    async def homeserver(request: web.Request) -> web.Response:
        requests.append((request.method, request.raw_path, request.headers.get("Authorization")))
        if len(requests) == 1:
            return web.json_response({"errcode": "M_LIMIT_EXCEEDED", "retry_after_ms": 2500}, status=429)
        return web.json_response({"event_id": "$abc"})

    async with serve([web.route("*", "/{tail:.*}", homeserver)]) as base:
        receiver = MatrixReceiver(homeserver=base, room_id="!raum:musterstadt.de", token_env="T")
        with pytest.raises(DeliveryError) as limited:
            await send_matrix(receiver, MESSAGE, {"T": "syt_geheim"}, client)
        assert (limited.value.permanent, limited.value.retry_after) == (False, 2.5)
        await send_matrix(receiver, replace(MESSAGE, delivery_id="a/b c"), {"T": "syt_geheim"}, client)
    assert requests == [
        ("PUT", "/_matrix/client/v3/rooms/%21raum%3Amusterstadt.de/send/m.room.message/d-2f6c1e.route-1",
         "Bearer syt_geheim"),
        ("PUT", "/_matrix/client/v3/rooms/%21raum%3Amusterstadt.de/send/m.room.message/a%2Fb%20c", "Bearer syt_geheim"),
    ]  # fmt: skip
