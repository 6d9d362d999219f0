"""On-site surveys: their definitions, their lifecycle and the citizens' answers.

A survey has a stable id (a slug) and numbered versions. Every change of its definition publishes a new version
(``SurveyVersionPublished``); a published version never changes, and every answer names the version it answered,
so results of different versions stay apart. The lifecycle is ``draft → active ⇄ paused → closed``
(``SurveyStatusChanged``); ``closed`` is final. Each lifecycle event carries the survey's ``sequence`` number
(1, 2, 3, …), so a read model applies them in order and idempotently, whatever the delivery.

Answers arrive as ``SurveyResponseSubmitted``: one event per answered question (partial responses count), or one
explicit dismissal, all linked by the ``response_id`` the widget chose for that page view.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal, Self
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

from shared.contracts.envelope import EventType
from shared.contracts.feedback import PAGE_URL_MAX_CHARS, Flag, Language
from shared.contracts.sealed import SealedText

SLUG = r"^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$"
Slug = Annotated[str, StringConstraints(pattern=SLUG)]
QuestionType = Literal["yes_no", "rating", "nps", "single", "multiple", "text"]
QUESTION_TYPES: tuple[str, ...] = ("yes_no", "rating", "nps", "single", "multiple", "text")
Status = Literal["draft", "active", "paused", "closed"]
STATUSES: tuple[str, ...] = ("draft", "active", "paused", "closed")
# Allowed lifecycle moves (a move to the current status is no move and publishes nothing).
TRANSITIONS: dict[str, frozenset[str]] = {
    "draft": frozenset({"active", "closed"}),
    "active": frozenset({"paused", "closed"}),
    "paused": frozenset({"active", "closed"}),
    "closed": frozenset(),
}
TEXT_ANSWER_MAX_CHARS = 2000
MAX_QUESTIONS = 20
MAX_OPTIONS = 20
MAX_PATTERNS = 20
PATTERN_MAX_CHARS = 200


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Texts(_Strict):
    """A text shown to citizens: German required, English optional (German is shown where it is missing)."""

    de: str = Field(min_length=1, max_length=500)
    en: str | None = Field(None, min_length=1, max_length=500)


class Option(_Strict):
    id: Slug
    label: Texts


class Question(_Strict):
    id: Slug
    type: QuestionType
    text: Texts
    required: bool = False
    options: tuple[Option, ...] = Field((), max_length=MAX_OPTIONS, description="Choices of single/multiple.")
    max_chars: int = Field(1000, ge=1, le=TEXT_ANSWER_MAX_CHARS, description="Longest answer of a text question.")

    @model_validator(mode="after")
    def _options_fit_type(self) -> Self:
        if self.type in ("single", "multiple"):
            if len(self.options) < 2:
                raise ValueError(f"a {self.type} question needs at least two options")
            ids = [o.id for o in self.options]
            if len(set(ids)) != len(ids):
                raise ValueError("option ids must be unique within a question")
        elif self.options:
            raise ValueError(f"a {self.type} question has no options")
        return self


class Trigger(_Strict):
    """When a selected survey appears: ``delay_s`` after the page loaded, then, depending on ``kind``, at once
    (``delay``), once the reader scrolled ``scroll_percent`` of the page (``scroll``), or when they press an
    element the page provides, ``<button data-stadtstimme-survey="<survey id>">`` (``button``)."""

    kind: Literal["delay", "scroll", "button"] = "delay"
    delay_s: int = Field(5, ge=0, le=600)
    scroll_percent: int | None = Field(None, ge=1, le=100)

    @model_validator(mode="after")
    def _scroll_needs_percent(self) -> Self:
        if (self.kind == "scroll") != (self.scroll_percent is not None):
            raise ValueError("scroll_percent is required for, and only for, kind: scroll")
        return self


Pattern = Annotated[str, StringConstraints(pattern=r"^/", max_length=PATTERN_MAX_CHARS)]


class Targeting(_Strict):
    """Where and when a survey is shown. Path patterns match the whole URL path; ``*`` matches any characters,
    ``/`` included (``/abfall/*`` covers every page below ``/abfall/``). A path is targeted when it matches an
    ``include`` pattern and no ``exclude`` pattern. ``sampling_percent`` of the matching page views are
    selected by chance in the browser; nothing identifies a visitor, so sampling is per page view."""

    sites: tuple[Slug, ...] = Field(min_length=1, max_length=50)
    include: tuple[Pattern, ...] = Field(("/*",), min_length=1, max_length=MAX_PATTERNS)
    exclude: tuple[Pattern, ...] = Field((), max_length=MAX_PATTERNS)
    sampling_percent: float = Field(100, gt=0, le=100)
    trigger: Trigger = Trigger()
    starts_at: datetime | None = Field(None, description="Shown from (inclusive); timezone required.")
    ends_at: datetime | None = Field(None, description="Shown until (exclusive); timezone required.")
    quota: int | None = Field(None, ge=1, description="No longer shown once this many responses counted.")
    allow_dont_show_again: bool = Field(
        True,
        description="Offer 'Nicht mehr anzeigen': only after that click, the browser tab remembers it "
        "(sessionStorage, gone when the tab closes).",
    )

    @model_validator(mode="after")
    def _window(self) -> Self:
        for name in ("starts_at", "ends_at"):
            value = getattr(self, name)
            if value is not None and value.tzinfo is None:
                raise ValueError(f"{name} needs a timezone, e.g. 2026-12-01T00:00:00+01:00")
        if self.starts_at and self.ends_at and self.ends_at <= self.starts_at:
            raise ValueError("ends_at must be after starts_at")
        return self


def path_matches(pattern: str, path: str) -> bool:
    """Whether a URL path matches a targeting pattern: the whole path, ``*`` standing for any characters (``/``
    included), everything else literal. The widget implements the same rule in the browser."""
    parts = pattern.split("*")
    if len(parts) == 1:
        return path == pattern
    if not path.startswith(parts[0]) or not path.endswith(parts[-1]):
        return False
    position, end = len(parts[0]), len(path) - len(parts[-1])
    if end < position:
        return False
    for middle in parts[1:-1]:
        found = path.find(middle, position, end)
        if found < 0:
            return False
        position = found + len(middle)
    return True


def targets_path(targeting: Targeting, path: str) -> bool:
    """Included by a pattern and excluded by none."""
    return any(path_matches(p, path) for p in targeting.include) and not any(
        path_matches(p, path) for p in targeting.exclude
    )


class SurveyDefinition(_Strict):
    """What staff define (YAML or the admin API). ``org_unit`` owns the survey: its staff see the results."""

    id: Slug
    org_unit: Slug
    title: Texts
    intro: Texts | None = None
    thanks: Texts | None = None
    questions: tuple[Question, ...] = Field(min_length=1, max_length=MAX_QUESTIONS)
    targeting: Targeting

    @model_validator(mode="after")
    def _unique_questions(self) -> Self:
        ids = [q.id for q in self.questions]
        if len(set(ids)) != len(ids):
            raise ValueError("question ids must be unique within a survey")
        return self

    def question(self, question_id: str) -> Question | None:
        for q in self.questions:
            if q.id == question_id:
                return q
        return None


class SurveyVersionPublishedV1(_Strict):
    """Data of ``de.stadtstimme.survey.version-published`` v1: version ``version`` of a survey, immutable."""

    survey_id: Slug
    version: int = Field(ge=1)
    sequence: int = Field(ge=1, description="Position in the survey's lifecycle; applied in order.")
    definition: SurveyDefinition
    published_at: datetime
    published_by: str = Field(min_length=1, max_length=200, description="Staff account or 'cli:<user>'.")

    @model_validator(mode="after")
    def _same_id(self) -> Self:
        if self.definition.id != self.survey_id:
            raise ValueError("definition.id must equal survey_id")
        return self


class SurveyStatusChangedV1(_Strict):
    """Data of ``de.stadtstimme.survey.status-changed`` v1."""

    survey_id: Slug
    sequence: int = Field(ge=1)
    status: Status
    changed_at: datetime
    changed_by: str = Field(min_length=1, max_length=200)


AnswerValue = bool | int | str | tuple[str, ...]


class SurveyResponseSubmittedV1(_Strict):
    """Data of ``de.stadtstimme.survey.response-submitted`` v1: one part of a citizen's response.

    ``answers`` maps question ids of version ``survey_version`` to values checked against the definition at
    ingest: yes_no a boolean, rating 1–5, nps 0–10, single an option id, multiple a list of option ids, text a
    string (normalised and redacted like feedback comments). A part with ``dismissed`` and no answers records
    that the citizen closed the survey. Each question counts once per response (the first answer wins), and
    parts with ``flags`` (suspected automation) are archived but not counted.
    """

    response_id: UUID
    survey_id: Slug
    survey_version: int = Field(ge=1)
    site: Slug
    page_url: str = Field(min_length=1, max_length=PAGE_URL_MAX_CHARS)
    org_unit: str = Field(min_length=1, max_length=64, description="Org unit of the page, resolved at ingest.")
    answers: dict[Slug, AnswerValue] = Field(default_factory=dict, max_length=MAX_QUESTIONS)
    dismissed: bool = False
    language: Language = "de"
    flags: tuple[Flag, ...] = ()
    received_at: datetime

    @model_validator(mode="after")
    def _answers_or_dismissal(self) -> Self:
        if not self.answers and not self.dismissed:
            raise ValueError("a part carries answers or a dismissal")
        return self


class SurveyResponseSubmittedV2(_Strict):
    """Data of ``de.stadtstimme.survey.response-submitted`` v2: v1 with the answers to text questions sealed.

    ``answers`` holds every answer but those to text questions, which travel in ``texts``, encrypted with the
    response's data key (crypto-shredding, ``shared.shredding``): erasing the key erases them everywhere while
    the answer still counts as given. v1 events (plain text in ``answers``) are still read.
    """

    response_id: UUID
    survey_id: Slug
    survey_version: int = Field(ge=1)
    site: Slug
    page_url: str = Field(min_length=1, max_length=PAGE_URL_MAX_CHARS)
    org_unit: str = Field(min_length=1, max_length=64, description="Org unit of the page, resolved at ingest.")
    answers: dict[Slug, AnswerValue] = Field(default_factory=dict, max_length=MAX_QUESTIONS)
    texts: dict[Slug, SealedText] = Field(
        default_factory=dict, max_length=MAX_QUESTIONS, description="Answers to text questions, sealed."
    )
    dismissed: bool = False
    language: Language = "de"
    flags: tuple[Flag, ...] = ()
    received_at: datetime

    @model_validator(mode="after")
    def _answers_or_dismissal(self) -> Self:
        if not self.answers and not self.texts and not self.dismissed:
            raise ValueError("a part carries answers or a dismissal")
        return self


SURVEY_VERSION_PUBLISHED = EventType("de.stadtstimme.survey.version-published", 1, SurveyVersionPublishedV1)
SURVEY_STATUS_CHANGED = EventType("de.stadtstimme.survey.status-changed", 1, SurveyStatusChangedV1)
SURVEY_RESPONSE_SUBMITTED_V1 = EventType("de.stadtstimme.survey.response-submitted", 1, SurveyResponseSubmittedV1)
SURVEY_RESPONSE_SUBMITTED = EventType("de.stadtstimme.survey.response-submitted", 2, SurveyResponseSubmittedV2)
SurveyResponsePart = SurveyResponseSubmittedV1 | SurveyResponseSubmittedV2
