"""Crypto-shredding of citizens' free text: erasure that reaches the topics, the event archive and replays.

Kafka keeps what it is given, and the event archive keeps every envelope, so deleting a comment from the read
models alone would bring it back with the next replay. Instead, free text travels only sealed: AES-256-GCM with a
data key of its response (``data_key``, migration 020), bound to the response and the field it belongs to
(associated data), so a sealed text cannot be moved to another response or field. Consumers open it with the key
from PostgreSQL; a missing key means "erased", and the text is simply not there. Erasing a response's text
(``erase``: by the citizen with their deletion code, by staff, or by the retention job) deletes its key and the
read models' plain copies in one transaction, and leaves a tombstone without personal data. From then on every
copy of that text, on any topic, in any archive or backup of them, is unreadable, and a replay rebuilds every
figure exactly, only without the text.

Staff may also replace a comment's text with an edited version (``replace_response``): the response gets a new
key (its ``generation`` counts up), which makes the original unreadable like an erasure, and the edited version is
sealed with it.

The keys are the one thing to back up with care: a database backup holds the keys of its time, so restoring it
brings back the texts erased since. Backups of the database therefore expire within the shortest retention
period, or are restored only together with a replay of the erasures recorded since (``data_key_erased``); see
docs/datenschutz.md.

Deletion codes: ingest gives the citizen a short code for their response (``issue_code``); only its keyed hash
(HMAC-SHA256 with an installation secret that never leaves the database) is stored, so the table reveals neither
the codes nor a way to test guesses offline.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import hmac
import os
import secrets
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Literal
from uuid import UUID, uuid4

import asyncpg
from aiokafka import AIOKafkaProducer
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from shared.contracts.envelope import encode_envelope
from shared.contracts.erasure import RESPONSE_TEXT_ERASED, RESPONSE_TEXT_REPLACED, ResponseTextReplacedV1
from shared.contracts.sealed import SealedText
from shared.contracts.topics import ERASURES, topic_name
from shared.db import installation_secret
from shared.settings import Settings

Kind = Literal["feedback", "survey"]
# Every kind of data key: citizens' responses (``Kind``), hackathon teams' names and submissions, staff's notes.
KeyKind = Literal["feedback", "survey", "team", "submission", "note"]
Reason = Literal["citizen", "staff", "retention"]
# Deletion codes: 10 characters without look-alikes (no 0/O, 1/I/L), about 50 bits, read out as XXXXX-XXXXX.
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 10


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _associated(key_id: UUID, field: str) -> bytes:
    return key_id.bytes + field.encode()


def seal(secret: bytes, key_id: UUID, field: str, text: str) -> SealedText:
    """``text`` encrypted with the response's key, bound to the response (``key_id``) and the ``field``."""
    nonce = os.urandom(12)
    sealed = AESGCM(secret).encrypt(nonce, text.encode(), _associated(key_id, field))
    return SealedText(key_id=key_id, nonce=_b64(nonce), ciphertext=_b64(sealed))


def unseal(secret: bytes | None, sealed: SealedText, field: str) -> str | None:
    """The text, or None when its key is erased (``secret`` None) or it does not belong to this field."""
    if secret is None:
        return None
    try:
        plain = AESGCM(secret).decrypt(
            _unb64(sealed.nonce), _unb64(sealed.ciphertext), _associated(sealed.key_id, field)
        )
    except (InvalidTag, ValueError):
        return None
    return plain.decode()


async def seal_texts(
    conn: asyncpg.Connection, key_id: UUID, kind: Kind, texts: dict[str, str | None], code_secret: bytes
) -> tuple[dict[str, SealedText | None], str | None]:
    """Seal a response's texts with its data key, in one statement; (the sealed texts, the deletion code when the
    key was made just now). A later part of a response that has a key gets its new code from ``issue_code`` once
    the part is published, so that the code the citizen holds works until then. A response whose text was erased
    gets no new key: its later texts are dropped (None, no code), as its author or the city erased them."""
    code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
    row = await conn.fetchrow(
        """INSERT INTO data_key AS k (key_id, kind, secret, deletion_code_hmac)
           SELECT $1, $2, $3, $4 WHERE NOT EXISTS (SELECT 1 FROM data_key_erased WHERE key_id = $1)
           ON CONFLICT (key_id) DO UPDATE SET kind = k.kind
           RETURNING k.secret, xmax = 0 AS made""",
        key_id,
        kind,
        secrets.token_bytes(32),
        _code_hmac(code_secret, code),
    )
    if row is None:
        return dict.fromkeys(texts), None
    sealed = {f: None if t is None else seal(bytes(row["secret"]), key_id, f, t) for f, t in texts.items()}
    return sealed, shown_code(code) if row["made"] else None


async def key_for(conn: asyncpg.Connection, key_id: UUID, kind: KeyKind) -> bytes | None:
    """The data key of ``key_id``, made on first use (in the caller's transaction: a refused or failed publication
    leaves no key behind); None once it was erased, so that nothing is ever sealed again for an erased id."""
    secret: bytes | None = await conn.fetchval(
        """INSERT INTO data_key AS k (key_id, kind, secret)
           SELECT $1, $2, $3 WHERE NOT EXISTS (SELECT 1 FROM data_key_erased WHERE key_id = $1)
           ON CONFLICT (key_id) DO UPDATE SET kind = k.kind
           RETURNING k.secret""",
        key_id,
        kind,
        secrets.token_bytes(32),
    )
    return None if secret is None else bytes(secret)


async def issue_code(conn: asyncpg.Connection, key_id: UUID, code_secret: bytes) -> str | None:
    """A new deletion code for the response (the one before stops working); None when its text is erased."""
    code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
    done = await conn.fetchval(
        "UPDATE data_key SET deletion_code_hmac = $2 WHERE key_id = $1 RETURNING true",
        key_id,
        _code_hmac(code_secret, code),
    )
    return shown_code(code) if done else None


async def open_texts(
    conn: asyncpg.Connection, items: list[tuple[UUID, dict[str, str | SealedText | None]]]
) -> list[dict[str, str | None]]:
    """Each (response id, texts) item's texts opened, with one query for the whole batch: sealed text with its
    key, None where the key is erased; plain text (from events before sealing) as it is, unless the response's
    text was erased since (its tombstone), so that a replay does not bring it back either."""
    needed = {t.key_id for _, item in items for t in item.values() if isinstance(t, SealedText)}
    keys = await secrets_of(conn, needed)
    plain = {response for response, item in items if any(isinstance(t, str) for t in item.values())}
    erased: set[UUID] = set()
    if plain:
        rows = await conn.fetch("SELECT key_id FROM data_key_erased WHERE key_id = ANY($1::uuid[])", list(plain))
        erased = {r["key_id"] for r in rows}
    return [
        {
            f: unseal(keys.get(t.key_id), t, f) if isinstance(t, SealedText) else None if response in erased else t
            for f, t in item.items()
        }
        for response, item in items
    ]


class NewKeys:
    """Keys made in this process for texts sealed in bulk (the demo city, benchmarks), saved in one statement
    before the events that need them are published."""

    def __init__(self, kind: Kind) -> None:
        self.kind = kind
        self._keys: dict[UUID, bytes] = {}

    def seal(self, response: UUID, field: str, text: str | None) -> dict[str, str] | None:
        """``text`` sealed with the response's key, as event data (JSON)."""
        if text is None:
            return None
        key = self._keys.setdefault(response, secrets.token_bytes(32))
        return seal(key, response, field, text).model_dump(mode="json")

    async def save(self, conn: asyncpg.Connection) -> None:
        await conn.executemany(
            "INSERT INTO data_key (key_id, kind, secret) VALUES ($1, $2, $3)",
            [(k, self.kind, v) for k, v in self._keys.items()],
        )


async def secrets_of(conn: asyncpg.Connection, key_ids: Iterable[UUID]) -> dict[UUID, bytes]:
    """The keys that still exist among ``key_ids`` (one query for a consumer's whole batch)."""
    wanted = list(set(key_ids))
    if not wanted:
        return {}
    rows = await conn.fetch("SELECT key_id, secret FROM data_key WHERE key_id = ANY($1::uuid[])", wanted)
    return {r["key_id"]: bytes(r["secret"]) for r in rows}


async def erase(conn: asyncpg.Connection, key_id: UUID, reason: Reason) -> bool:
    """Delete a response's key (its text becomes unreadable everywhere) and leave the tombstone; whether there was
    a key to erase. The caller erases the read models' plain copies in the same transaction."""
    erased = await conn.fetchrow("DELETE FROM data_key WHERE key_id = $1 RETURNING kind, created_at", key_id)
    if erased is None:
        return False
    await conn.execute(
        """INSERT INTO data_key_erased (key_id, kind, created_at, reason) VALUES ($1, $2, $3, $4)
           ON CONFLICT (key_id) DO NOTHING""",
        key_id,
        erased["kind"],
        erased["created_at"],
        reason,
    )
    return True


async def erase_older(conn: asyncpg.Connection, kind: KeyKind, before: datetime, reason: Reason) -> int:
    """Delete every key of ``kind`` made before ``before``, leaving their tombstones; how many. For texts that only
    their own projection opens (staff's notes), whose read model the caller clears."""
    status = await conn.execute(
        """WITH gone AS (DELETE FROM data_key WHERE kind = $1 AND created_at < $2 RETURNING key_id, kind, created_at)
           INSERT INTO data_key_erased (key_id, kind, created_at, reason)
           SELECT key_id, kind, created_at, $3 FROM gone ON CONFLICT (key_id) DO NOTHING""",
        kind,
        before,
        reason,
    )
    return int(status.rsplit(" ", 1)[-1])


async def code_secret(conn: asyncpg.Connection) -> bytes:
    """The installation's key for the deletion codes' keyed hash (made once; the same for every instance)."""
    return await installation_secret(conn, "deletion-code")


def normalise_code(typed: str) -> str | None:
    """A deletion code as typed (any case, with spaces or hyphens) in its stored form, or None for no code."""
    code = "".join(typed.upper().split()).replace("-", "")
    return code if len(code) == CODE_LENGTH and all(c in CODE_ALPHABET for c in code) else None


def shown_code(code: str) -> str:
    return f"{code[:5]}-{code[5:]}"


def _code_hmac(secret: bytes, code: str) -> bytes:
    return hmac.new(secret, code.encode(), hashlib.sha256).digest()


async def key_of_code(conn: asyncpg.Connection, typed: str) -> tuple[UUID, str] | None:
    """(key id, kind) of the response a deletion code belongs to, if its text is still there."""
    code = normalise_code(typed)
    if code is None:
        return None
    row = await conn.fetchrow(
        "SELECT key_id, kind FROM data_key WHERE deletion_code_hmac = $1", _code_hmac(await code_secret(conn), code)
    )
    return None if row is None else (row["key_id"], row["kind"])


async def erase_response(
    pool: asyncpg.Pool,
    producer: AIOKafkaProducer,
    settings: Settings,
    response: UUID,
    reason: Reason,
    source: str,
    actor: str | None = None,
) -> bool:
    """Erase a response's text everywhere: its data key goes (every sealed copy is unreadable from then on) and a
    ``ResponseTextErased`` event, published with acks=all before the key's deletion commits, tells the read
    models to drop their plain copies. False when there was nothing to erase (no text, or erased already).
    Raises ``KafkaError`` or ``TimeoutError`` when the broker does not take the event; then nothing changed."""
    async with pool.acquire() as conn, conn.transaction():
        kind = await conn.fetchval("SELECT kind FROM data_key WHERE key_id = $1 FOR UPDATE", response)
        if kind is None or not await erase(conn, response, reason):
            return False
        event_id, now = uuid4(), datetime.now(UTC)
        data = {"response_id": str(response), "kind": kind, "reason": reason, "actor": actor, "erased_at": now}
        envelope = encode_envelope(RESPONSE_TEXT_ERASED, event_id, source, now, data, subject=str(response))
        async with asyncio.timeout(settings.kafka_send_timeout_s):
            await producer.send_and_wait(
                topic_name(ERASURES, settings.topic_prefix), envelope, key=str(response).encode()
            )
    return True


async def replace_response(
    pool: asyncpg.Pool,
    producer: AIOKafkaProducer,
    settings: Settings,
    response: UUID,
    texts: dict[str, str | None],
    source: str,
    actor: str,
) -> bool:
    """Replace a feedback response's texts (``comment``, ``suggestion``) with an edited version: the response's
    key is replaced by a new one in the same row (the deletion code and the retention date stay), so every copy of
    the original, wherever it is, is unreadable from then on; a ``ResponseTextReplaced`` event carries the edited
    texts sealed with the new key. False when there is nothing to replace (no text, or erased). Raises
    ``KafkaError`` or ``TimeoutError`` when the broker does not take the event; then nothing changed."""
    async with pool.acquire() as conn, conn.transaction():
        generation = await conn.fetchval(
            """UPDATE data_key SET secret = $2, generation = generation + 1
               WHERE key_id = $1 AND kind = 'feedback' RETURNING generation""",
            response,
            secret := secrets.token_bytes(32),
        )
        if generation is None:
            return False
        event_id, now = uuid4(), datetime.now(UTC)
        sealed = {f: None if t is None else seal(secret, response, f, t) for f, t in texts.items()}
        event = ResponseTextReplacedV1(
            response_id=response, actor=actor, replaced_at=now, key_generation=generation, **sealed
        )
        data = event.model_dump(mode="json")
        envelope = encode_envelope(RESPONSE_TEXT_REPLACED, event_id, source, now, data, subject=str(response))
        async with asyncio.timeout(settings.kafka_send_timeout_s):
            await producer.send_and_wait(
                topic_name(ERASURES, settings.topic_prefix), envelope, key=str(response).encode()
            )
    return True
