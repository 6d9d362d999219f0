"""What participants write travels sealed (crypto-shredding, as ``shared.shredding`` does for citizens' texts): a
team's name with a key of the team's own, a submission's texts with the submission's key, both kept in PostgreSQL
(``data_key``, kinds 'team' and 'submission'; the key's id is the team's or the submission's). Erasing a key makes
every copy of those texts unreadable: on the topic, in the event archive and in any backup of either.

The store opens the events with their keys before it folds a hackathon (``opened``); a text whose key is gone
folds as None, and the views show a neutral team name ("Team 3") or "(gelöscht)". Which keys an erasure takes is
the domain's decision (``domain.erase_participant``); ``erase`` deletes them, leaving the same tombstones as
``shared.shredding`` (``data_key_erased``), so a key is never made again for an erased id.
"""

from __future__ import annotations

import base64
import os
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, Literal
from uuid import UUID

import asyncpg
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from pydantic import BaseModel

from services.hackathon.domain import Opened, Refused
from shared import shredding
from shared.contracts.hackathon import SUBMISSION_TEXTS, SealedLongText, SubmissionSavedV2, TeamCreatedV2
from shared.contracts.sealed import SealedText

KeyKind = Literal["team", "submission"]


def seal_long(secret: bytes, key_id: UUID, field: str, text: str) -> SealedLongText:
    """``shredding.seal`` for texts longer than ``SealedText`` allows (a submission's description); the same format,
    so ``shredding.unseal`` opens it (AES-256-GCM, associated data: the key id's 16 bytes and the field's name)."""
    nonce = os.urandom(12)
    sealed = AESGCM(secret).encrypt(nonce, text.encode(), key_id.bytes + field.encode())
    return SealedLongText(key_id=key_id, nonce=_b64(nonce), ciphertext=_b64(sealed))


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


async def key(conn: asyncpg.Connection, key_id: UUID, kind: KeyKind) -> bytes:
    """The key of a team's name or of a submission, made on first use (``shredding.key_for``). Refused (409
    ``erased``) once it was erased: nothing is ever sealed again for an erased name or submission."""
    secret = await shredding.key_for(conn, key_id, kind)
    if secret is None:
        raise Refused("erased")
    return secret


async def seal_team_name(conn: asyncpg.Connection, team: UUID, name: str) -> dict[str, Any]:
    """The team's name sealed with the team's key, as event data (``TeamCreated`` v2)."""
    return shredding.seal(await key(conn, team, "team"), team, "name", name).model_dump(mode="json")


async def seal_submission(conn: asyncpg.Connection, decision: Mapping[str, Any]) -> dict[str, Any]:
    """A submission decided with its texts in plain, as ``SubmissionSaved`` v2 data: the texts sealed with the
    submission's key (the same for every revision)."""
    submission = UUID(str(decision["submission_id"]))
    secret = await key(conn, submission, "submission")
    sealed = {f: None if decision.get(f) is None else
              seal_long(secret, submission, f, str(decision[f])).model_dump(mode="json")
              for f in SUBMISSION_TEXTS}  # fmt: skip
    return {**decision, **sealed}


def _sealed(event: TeamCreatedV2 | SubmissionSavedV2) -> dict[str, SealedText | None]:
    if isinstance(event, TeamCreatedV2):
        return {"name": event.name}
    return {f: getattr(event, f) for f in SUBMISSION_TEXTS}


def open_event(event: TeamCreatedV2 | SubmissionSavedV2, keys: Mapping[UUID, bytes]) -> Opened:
    """The event with its texts opened; None where the key is erased (or the text is not there)."""
    texts = {f: None if s is None else shredding.unseal(keys.get(s.key_id), s, f) for f, s in _sealed(event).items()}
    return Opened(event, texts)


async def opened(conn: asyncpg.Connection, events: Sequence[BaseModel]) -> list[BaseModel | Opened]:
    """A hackathon's events as the domain folds them: sealed ones opened with their keys (one query)."""
    sealed = [e for e in events if isinstance(e, TeamCreatedV2 | SubmissionSavedV2)]
    if not sealed:
        return list(events)
    keys = await shredding.secrets_of(conn, (t.key_id for e in sealed for t in _sealed(e).values() if t is not None))
    return [open_event(e, keys) if isinstance(e, TeamCreatedV2 | SubmissionSavedV2) else e for e in events]


async def erase(conn: asyncpg.Connection, key_ids: Iterable[UUID], reason: shredding.Reason = "citizen") -> int:
    """Erase the keys of team names and submissions (their texts are unreadable everywhere from then on), each
    leaving its tombstone; how many there were. Events of v1 carry their texts in plain: ``store.append`` scrubs
    the archive of those when it records the erasure."""
    return sum([await shredding.erase(conn, k, reason) for k in key_ids])
