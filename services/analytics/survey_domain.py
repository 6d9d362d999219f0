"""Pure survey decisions: which lifecycle events a staff command publishes, and the figures of a result.

No I/O here: ``survey_store`` reads and writes, ``survey_api`` and the CLI call both.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from uuid import UUID, uuid4

from shared.contracts.envelope import EventType
from shared.contracts.surveys import (
    SURVEY_STATUS_CHANGED,
    SURVEY_VERSION_PUBLISHED,
    TRANSITIONS,
    Question,
    SurveyDefinition,
    SurveyStatusChangedV1,
    SurveyVersionPublishedV1,
)
from shared.messages import CATALOGUE, text
from shared.refusal import Refusal


@dataclass(frozen=True)
class SurveyState:
    """What the read model knows of a survey: enough to decide the next events."""

    survey_id: str
    status: str
    current_version: int
    sequence: int
    definition: SurveyDefinition  # of the current version


@dataclass(frozen=True)
class PlannedEvent:
    event_type: EventType
    event_id: UUID
    data: SurveyVersionPublishedV1 | SurveyStatusChangedV1

    @property
    def time(self) -> datetime:
        d = self.data
        return d.published_at if isinstance(d, SurveyVersionPublishedV1) else d.changed_at


class InvalidCommand(Refusal):
    """A command the survey's lifecycle does not allow (409): ``survey.refused.<rule>`` in the catalogue; the
    statuses it names are shown in the reader's language."""

    def __init__(self, rule: str, **statuses: Any) -> None:
        super().__init__(f"survey.refused.{rule}", 409, slug="survey-command-refused", **statuses)

    def reason(self, lang: str = "de") -> str:
        names = {k: text(f"console.surveys.state.{v}", lang) if f"console.surveys.state.{v}" in CATALOGUE else v
                 for k, v in self.values.items()}  # fmt: skip
        return text(self.key, lang, **names)

    def __str__(self) -> str:
        return self.reason("de")


def plan(
    current: SurveyState | None,
    definition: SurveyDefinition | None,
    status: str | None,
    now: datetime,
    actor: str,
) -> list[PlannedEvent]:
    """The events that bring a survey to ``definition`` (None: keep it) and ``status`` (None: keep it).

    Idempotent: applying the same file twice publishes nothing the second time. A changed definition becomes
    a new version (published versions never change); a closed survey takes no more changes.
    """
    events: list[PlannedEvent] = []
    if current is None:
        if definition is None:
            raise InvalidCommand("unknown")
        sequence, version, state = 0, 0, "draft"
    else:
        sequence, version, state = current.sequence, current.current_version, current.status
    if definition is not None and (current is None or definition != current.definition):
        if state == "closed":
            raise InvalidCommand("closed")
        sequence, version = sequence + 1, version + 1
        published = SurveyVersionPublishedV1(
            survey_id=definition.id,
            version=version,
            sequence=sequence,
            definition=definition,
            published_at=now,
            published_by=actor,
        )
        events.append(PlannedEvent(SURVEY_VERSION_PUBLISHED, uuid4(), published))
    if status is not None and status != state:
        if status not in TRANSITIONS[state]:
            raise InvalidCommand("move", current=state, wanted=status)
        survey_id = definition.id if definition is not None else current.survey_id  # type: ignore[union-attr]
        changed = SurveyStatusChangedV1(
            survey_id=survey_id, sequence=sequence + 1, status=status, changed_at=now, changed_by=actor
        )
        events.append(PlannedEvent(SURVEY_STATUS_CHANGED, uuid4(), changed))
    return events


# ---- Results ----

NPS_PROMOTER_MIN = 9
NPS_DETRACTOR_MAX = 6


def question_result(question: Question, counts: Iterable[tuple[Any, int]]) -> dict[str, Any]:
    """Figures of one closed question from ``(value, answers)`` pairs (values as stored: bool, int, option id,
    list of option ids). Text questions are summarised elsewhere (their answers are listed, not counted)."""
    pairs = list(counts)
    result: dict[str, Any] = {"id": question.id, "type": question.type, "text": question.text.model_dump()}
    if question.type == "multiple":
        # A response may pick several options: shares are of the responses that answered the question.
        answered = sum(n for _, n in pairs)
        picked = {o.id: 0 for o in question.options}
        for value, n in pairs:
            for option in value:
                if option in picked:
                    picked[option] += n
        result["answers"] = answered
        result["distribution"] = [{"value": k, "count": v} for k, v in picked.items()]
        return result
    if question.type == "yes_no":
        keys: list[Any] = [True, False]
    elif question.type == "rating":
        keys = list(range(1, 6))
    elif question.type == "nps":
        keys = list(range(11))
    else:
        keys = [o.id for o in question.options]
    tally = dict.fromkeys(keys, 0)
    for value, n in pairs:
        # True == 1 in Python: a boolean counts only for yes/no, a number only for the numeric types.
        if isinstance(value, bool) == isinstance(keys[0], bool) and value in tally:
            tally[value] += n
    answered = sum(tally.values())
    result["answers"] = answered
    result["distribution"] = [{"value": k, "count": v} for k, v in tally.items()]
    if question.type in ("rating", "nps"):
        result["mean"] = round(sum(k * v for k, v in tally.items()) / answered, 2) if answered else None
    if question.type == "nps":
        promoters = sum(v for k, v in tally.items() if k >= NPS_PROMOTER_MIN)
        detractors = sum(v for k, v in tally.items() if k <= NPS_DETRACTOR_MAX)
        result["promoters"], result["detractors"] = promoters, detractors
        result["nps"] = round(100 * (promoters - detractors) / answered) if answered else None
    return result


def answer_label(question: Question, value: Any) -> str:
    """How an answer value reads for staff (German): Ja/Nein, an option's label, or the number itself."""
    if question.type == "yes_no":
        return text("console.surveys.answer.yes" if value else "console.surveys.answer.no", "de")
    for option in question.options:
        if option.id == value:
            return option.label.de
    return str(value)


def completion_rate(responses: int, answered_last: int) -> float | None:
    """Share of the counted responses that answered the survey's last question."""
    return round(answered_last / responses, 4) if responses else None
