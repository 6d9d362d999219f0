"""Comment triage: what staff do with citizens' comments and suggestions.

Every comment (a feedback response with a comment or a suggestion, identified by its ``response_id``) starts as
``neu``. Staff move it to ``in_bearbeitung``, ``erledigt`` or ``spam``, assign it to a colleague, tag it, add
internal notes, hand it over to the unit that is really responsible and, for responses the widget flagged as
suspected automation, confirm or release the suspicion.
Each of these is one event on ``stadtstimme.comment-triage.v1``, keyed by the response, carrying the comment's
triage ``sequence`` (1, 2, 3, …): the inbox is a projection that applies them in order and idempotently, and a
replay rebuilds it.

Events carry state, not deltas (the full tag set, the new assignee), so applying one twice changes nothing.
Notes are staff text: personal data in them is redacted before they are published, like citizens' comments, and
since v2 they travel sealed with a data key of their own (``shared.shredding``), which the retention period of
notes erases.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from shared.contracts.envelope import EventType
from shared.contracts.sealed import SealedText

TriageStatus = Literal["neu", "in_bearbeitung", "erledigt", "spam"]
TRIAGE_STATUSES: tuple[str, ...] = ("neu", "in_bearbeitung", "erledigt", "spam")
# Allowed moves. "erledigt" can be reopened; "spam" can be undone (back to "neu").
TRIAGE_MOVES: dict[str, frozenset[str]] = {
    "neu": frozenset({"in_bearbeitung", "erledigt", "spam"}),
    "in_bearbeitung": frozenset({"neu", "erledigt", "spam"}),
    "erledigt": frozenset({"in_bearbeitung"}),
    "spam": frozenset({"neu"}),
}
Verdict = Literal["confirmed", "released"]
TAG_PATTERN = r"^[a-z0-9äöüß](?:[a-z0-9äöüß -]{0,30}[a-z0-9äöüß])?$"
Tag = Annotated[str, StringConstraints(pattern=TAG_PATTERN)]
MAX_TAGS = 10
NOTE_MAX_CHARS = 2000


class _TriageEvent(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    response_id: UUID = Field(description="The feedback response the comment belongs to.")
    org_unit: str = Field(min_length=1, max_length=64, description="Org unit of the comment's page (scoping).")
    sequence: int = Field(ge=1, description="Position in the comment's triage history; applied in order.")
    at: datetime
    actor: str = Field(min_length=1, max_length=200, description="Staff account that did it.")


class CommentStatusChangedV1(_TriageEvent):
    """Data of ``de.stadtstimme.comment.status-changed`` v1."""

    status: TriageStatus
    previous: TriageStatus


class CommentAssignedV1(_TriageEvent):
    """Data of ``de.stadtstimme.comment.assigned`` v1: ``assignee`` None takes the assignment back."""

    assignee: str | None = Field(default=None, min_length=1, max_length=200)


class CommentTagsChangedV1(_TriageEvent):
    """Data of ``de.stadtstimme.comment.tags-changed`` v1: the complete set of tags after the change."""

    tags: tuple[Tag, ...] = Field(max_length=MAX_TAGS)


class CommentNoteAddedV1(_TriageEvent):
    """Data of ``de.stadtstimme.comment.note-added`` v1: an internal note, visible to staff only."""

    note_id: UUID
    text: str = Field(min_length=1, max_length=NOTE_MAX_CHARS)


class CommentNoteAddedV2(_TriageEvent):
    """Data of ``de.stadtstimme.comment.note-added`` v2: an internal note, sealed with its own data key (key id =
    ``note_id``); a note whose key is erased (its retention period ran out) is gone."""

    note_id: UUID
    text: SealedText


class CommentSpamReviewedV1(_TriageEvent):
    """Data of ``de.stadtstimme.comment.spam-reviewed`` v1: the verdict on a suspicion of automation.

    ``confirmed`` moves the comment to ``spam``; ``released`` puts it into the normal inbox as ``neu``."""

    verdict: Verdict


class CommentMovedV1(_TriageEvent):
    """Data of ``de.stadtstimme.comment.moved`` v1: the comment is handed over to the unit that is really
    responsible, ``org_unit`` (every later event names it); it is ``neu`` and unassigned there. The page's figures
    stay with the page's unit."""

    previous_unit: str = Field(min_length=1, max_length=64, description="The unit that handed it over.")


TriageEvent = (
    CommentStatusChangedV1
    | CommentAssignedV1
    | CommentTagsChangedV1
    | CommentNoteAddedV1
    | CommentNoteAddedV2
    | CommentSpamReviewedV1
    | CommentMovedV1
)

COMMENT_STATUS_CHANGED = EventType("de.stadtstimme.comment.status-changed", 1, CommentStatusChangedV1)
COMMENT_ASSIGNED = EventType("de.stadtstimme.comment.assigned", 1, CommentAssignedV1)
COMMENT_TAGS_CHANGED = EventType("de.stadtstimme.comment.tags-changed", 1, CommentTagsChangedV1)
COMMENT_NOTE_ADDED_V1 = EventType("de.stadtstimme.comment.note-added", 1, CommentNoteAddedV1)
COMMENT_NOTE_ADDED = EventType("de.stadtstimme.comment.note-added", 2, CommentNoteAddedV2)
COMMENT_SPAM_REVIEWED = EventType("de.stadtstimme.comment.spam-reviewed", 1, CommentSpamReviewedV1)
COMMENT_MOVED = EventType("de.stadtstimme.comment.moved", 1, CommentMovedV1)
TRIAGE_EVENT_TYPES = (
    COMMENT_STATUS_CHANGED,
    COMMENT_ASSIGNED,
    COMMENT_TAGS_CHANGED,
    COMMENT_NOTE_ADDED_V1,
    COMMENT_NOTE_ADDED,
    COMMENT_SPAM_REVIEWED,
    COMMENT_MOVED,
)
