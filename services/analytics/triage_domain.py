"""Comment triage decisions, pure: which events a staff command on a comment produces, or why it is refused.

The command side (``triage.execute``) loads the comment's state, calls ``plan`` and publishes what it returns; a
command that changes nothing (the status it already has, the same tags) publishes nothing, so a double click or a
repeated form submission leaves no trace in the history.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Literal
from uuid import UUID, uuid4

from shared.contracts.feedback import COMMENT_MAX_CHARS, SUGGESTION_MAX_CHARS
from shared.contracts.triage import (
    MAX_TAGS,
    NOTE_MAX_CHARS,
    TAG_PATTERN,
    TRIAGE_MOVES,
    TRIAGE_STATUSES,
    CommentAssignedV1,
    CommentMovedV1,
    CommentNoteAddedV1,
    CommentSpamReviewedV1,
    CommentStatusChangedV1,
    CommentTagsChangedV1,
    TriageEvent,
)
from shared.redaction import redact
from shared.refusal import Refusal

_TAG = re.compile(TAG_PATTERN)


class InvalidCommand(Refusal):
    """Refused by the workflow: ``rule`` names it (its message is ``console.inbox.error.<rule>``); a move the
    workflow does not allow (or handing over a spam comment) is a conflict (409), anything else invalid input
    (422)."""

    def __init__(self, rule: str, detail: str = "") -> None:
        status = 409 if rule in ("move", "handover_spam") else 422
        super().__init__(f"console.inbox.error.{rule}", status, slug=f"triage-{rule}")
        self.rule, self.detail = rule, detail


@dataclass(frozen=True)
class TriageState:
    """What the inbox knows of one comment; a comment staff never touched is ``TriageState()``."""

    status: str = "neu"
    assignee: str | None = None
    tags: tuple[str, ...] = ()
    verdict: str | None = None
    sequence: int = 0
    suspected: bool = False  # the widget flagged a part of the response (honeypot, time trap)


@dataclass(frozen=True)
class SetStatus:
    status: str


@dataclass(frozen=True)
class Assign:
    assignee: str | None  # None: take the assignment back


@dataclass(frozen=True)
class SetTags:
    tags: tuple[str, ...]


@dataclass(frozen=True)
class AddNote:
    text: str
    note_id: UUID = field(default_factory=uuid4)


@dataclass(frozen=True)
class Review:
    verdict: Literal["confirmed", "released"]


@dataclass(frozen=True)
class Move:
    """Hand the comment over to ``org_unit`` (an existing unit: the command side checks)."""

    org_unit: str


Command = SetStatus | Assign | SetTags | AddNote | Review | Move


def parse_tags(raw: str) -> tuple[str, ...]:
    """Tags typed into one field, separated by commas: trimmed, lower case, inner whitespace collapsed, each
    once, sorted. Raises ``InvalidCommand`` for a tag outside ``TAG_PATTERN`` or more than ``MAX_TAGS``."""
    tags = set()
    for part in raw.split(","):
        tag = " ".join(unicodedata.normalize("NFC", part).lower().split())
        if not tag:
            continue
        if not _TAG.match(tag):
            raise InvalidCommand("tag", tag[:40])
        tags.add(tag)
    if len(tags) > MAX_TAGS:
        raise InvalidCommand("too_many_tags")
    return tuple(sorted(tags))


def plan(
    state: TriageState, command: Command, response_id: UUID, org_unit: str, now: datetime, actor: str
) -> list[TriageEvent]:
    """The events ``command`` produces on a comment in ``state`` (empty: nothing to change).

    Raises ``InvalidCommand`` for a move the workflow does not allow, an empty or too long note, a spam verdict
    on a comment that was not suspected, or handing over a comment marked as spam."""
    common = {
        "response_id": response_id,
        "org_unit": org_unit,
        "sequence": state.sequence + 1,
        "at": now,
        "actor": actor,
    }
    if isinstance(command, SetStatus):
        if command.status not in TRIAGE_STATUSES:
            raise InvalidCommand("status", command.status[:40])
        if command.status == state.status:
            return []
        if command.status not in TRIAGE_MOVES[state.status]:
            raise InvalidCommand("move", f"{state.status} -> {command.status}")
        return [CommentStatusChangedV1.model_validate({**common, "status": command.status, "previous": state.status})]
    if isinstance(command, Assign):
        if command.assignee == state.assignee:
            return []
        return [CommentAssignedV1.model_validate({**common, "assignee": command.assignee})]
    if isinstance(command, SetTags):
        tags = tuple(sorted(set(command.tags)))
        if tags == state.tags:
            return []
        return [CommentTagsChangedV1.model_validate({**common, "tags": tags})]
    if isinstance(command, AddNote):
        text = redact(command.text.replace("\r\n", "\n").strip())
        if not text:
            raise InvalidCommand("note_empty")
        if len(text) > NOTE_MAX_CHARS:
            raise InvalidCommand("note_long")
        return [CommentNoteAddedV1.model_validate({**common, "note_id": command.note_id, "text": text})]
    if isinstance(command, Move):
        if command.org_unit == org_unit:
            return []
        if state.status == "spam":
            raise InvalidCommand("handover_spam")
        return [CommentMovedV1.model_validate({**common, "org_unit": command.org_unit, "previous_unit": org_unit})]
    if not state.suspected:
        raise InvalidCommand("not_suspected")
    if command.verdict == state.verdict:
        return []
    return [CommentSpamReviewedV1.model_validate({**common, "verdict": command.verdict})]


def edited_texts(comment: str, suggestion: str, keep_names: frozenset[str]) -> dict[str, str | None]:
    """The edited version of a comment staff write to replace its text ("Personenbezug entfernen"): redacted like a
    citizen's text (what staff overlooked still goes), an empty field is no text. Raises ``InvalidCommand`` when
    both are empty (erasing is the other button) or one is longer than a citizen's may be."""
    texts: dict[str, str | None] = {}
    for name, raw, limit in (("comment", comment, COMMENT_MAX_CHARS), ("suggestion", suggestion, SUGGESTION_MAX_CHARS)):
        cleaned = redact(raw.replace("\r\n", "\n").strip(), keep_names=keep_names)
        if len(cleaned) > limit:
            raise InvalidCommand("edit_long")
        texts[name] = cleaned or None
    if not any(texts.values()):
        raise InvalidCommand("edit_empty")
    return texts


def apply(state: TriageState, event: TriageEvent) -> TriageState:
    """The state after ``event`` (the projector does the same in SQL; tests compare the two)."""
    if event.sequence != state.sequence + 1:
        return state
    state = replace(state, sequence=event.sequence)
    if isinstance(event, CommentStatusChangedV1):
        return replace(state, status=event.status)
    if isinstance(event, CommentAssignedV1):
        return replace(state, assignee=event.assignee)
    if isinstance(event, CommentTagsChangedV1):
        return replace(state, tags=event.tags)
    if isinstance(event, CommentSpamReviewedV1):
        return replace(state, verdict=event.verdict, status="spam" if event.verdict == "confirmed" else "neu")
    if isinstance(event, CommentMovedV1):
        return replace(state, status="neu", assignee=None)
    return state
