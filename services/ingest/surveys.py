"""Pure survey decisions of ingest: what the widget of a site gets to see, and whether an answer is acceptable.

Ingest keeps the active surveys of each site in memory (``SurveyCatalogue``, refreshed from PostgreSQL in the
background by the service) and serves them to the widget as one cacheable JSON document per site. Targeting is
evaluated in the browser: the request names only the site, never the page or the visitor.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

import orjson
from pydantic import BaseModel, ConfigDict, Field

from services.ingest.domain import MIN_MS_ONE_CLICK, MIN_MS_WITH_TEXT, ClientUUID, Rejected, resolve_page
from shared.contracts.feedback import PAGE_URL_MAX_CHARS, Language
from shared.contracts.surveys import MAX_QUESTIONS, AnswerValue, Question, Slug, SurveyDefinition
from shared.messages import text
from shared.orgmodel import OrgModel, split_page_url
from shared.redaction import redact


class SurveyResponseRequest(BaseModel):
    """Body of ``POST /api/v1/survey-responses``: one answered question (or several), or a dismissal."""

    model_config = ConfigDict(extra="forbid", strict=True, str_strip_whitespace=True)

    event_id: ClientUUID = Field(description="Client-generated UUID; the idempotency key of this part.")
    response_id: ClientUUID = Field(description="One per survey shown; links the parts of a response.")
    survey_id: Slug
    version: int = Field(ge=1, description="The version the citizen saw.")
    site: Slug
    page_url: str = Field(min_length=1, max_length=PAGE_URL_MAX_CHARS)
    answers: dict[Slug, AnswerValue] = Field(default_factory=dict, max_length=MAX_QUESTIONS)
    dismissed: bool = False
    language: Language = "de"
    elapsed_ms: int | None = Field(None, ge=0, description="Milliseconds this question was on screen.")
    website: str | None = Field(None, max_length=500, description="Honeypot: a field people never see or fill.")
    altcha: str | None = Field(None, max_length=2000, description="Proof-of-work solution, when required.")


@dataclass(frozen=True)
class LiveSurvey:
    """A survey as ingest knows it: its current status, and every version that may still receive answers."""

    survey_id: str
    status: str
    current_version: int
    versions: dict[int, SurveyDefinition]
    responses: int  # counted responses (all versions), for the quota; 0 unless active
    changed_at: datetime | None = None  # of the last lifecycle event

    def accepting(self, now: datetime, grace: timedelta) -> bool:
        """Whether answers are still taken: while active and inside the window, and for ``grace`` after a pause,
        a close or the window's end, so that a citizen who started can finish. Never for drafts."""
        if self.status == "draft":
            return False
        ends_at = self.current.targeting.ends_at
        if ends_at is not None and now >= ends_at + grace:
            return False
        if self.status == "active":
            return True
        return self.changed_at is not None and now < self.changed_at + grace

    @property
    def current(self) -> SurveyDefinition:
        return self.versions[self.current_version]

    def shown(self, now: datetime) -> bool:
        """Whether the widget may show it now: active, inside its window and below its quota."""
        t = self.current.targeting
        return (
            self.status == "active"
            and (t.starts_at is None or t.starts_at <= now)
            and (t.ends_at is None or now < t.ends_at)
            and (t.quota is None or self.responses < t.quota)
        )


_DELIVERED_TARGETING = {
    "include", "exclude", "sampling_percent", "trigger", "starts_at", "ends_at", "allow_dont_show_again"
}  # fmt: skip


def delivery(survey: LiveSurvey) -> dict[str, Any]:
    """What the widget gets of a survey: texts, questions and the targeting it evaluates itself (no quota, no
    owner, no site list)."""
    d = survey.current
    t = d.targeting
    return {
        "id": d.id,
        "version": survey.current_version,
        "title": d.title.model_dump(),
        "intro": d.intro.model_dump() if d.intro else None,
        "thanks": d.thanks.model_dump() if d.thanks else None,
        "questions": [q.model_dump(mode="json") for q in d.questions],
        "targeting": t.model_dump(mode="json", include=_DELIVERED_TARGETING),
    }


def sdg_paths(model: OrgModel, site_id: str) -> list[tuple[str, bool]]:
    """The site's SDG marks as the widget decides them for the page it shows, without telling the server which:
    ``(pattern, SDG-relevant)`` pairs in the widget's path patterns (``*`` any characters, the whole path must
    match), **the last matching pair deciding**. First each site section that carries attributes, from the shortest
    prefix to the longest (the section itself and everything below it), then each page of the site that carries
    attributes (itself, also with a trailing slash): so ``OrgModel.attributes``' rules hold, a page's own
    attributes win over any section's (also when they make it not SDG-relevant) and the longest section prefix
    wins over a shorter one. Empty when no page or section of the site is SDG-relevant."""
    site = model.sites.get(site_id)
    if site is None:
        return []
    pairs: list[tuple[str, bool]] = []
    for prefix, attributes in sorted(site.section_attributes, key=lambda entry: len(entry[0].rstrip("/"))):
        stem = prefix.rstrip("/")
        relevant = attributes.sdg_kind is not None
        pairs += [(stem, relevant), (stem + "/*", relevant)] if stem else [("/*", relevant)]
    for page in sorted(model.pages.values(), key=lambda p: p.url):
        if page.site == site_id and page.attributes:
            _, path = split_page_url(page.url)
            relevant = page.attributes.sdg_kind is not None
            pairs += [(path, relevant)] + ([(path + "/", relevant)] if path != "/" else [])
    return pairs if any(relevant for _, relevant in pairs) else []


def sdg_delivery(model: OrgModel, site_id: str, survey_url: str) -> dict[str, Any] | None:
    """The SDG part of a site's document: its SDG paths, the SDG-comparable question and the invitation to the
    common feedback tool's detailed survey (its address ``survey_url``: the setting ``sdg_survey_url``; none when
    empty, and then no link), texts in German and English. None for a site without SDG pages."""
    paths = sdg_paths(model, site_id)
    if not paths:
        return None
    return {
        "paths": paths,
        "question": {lang: text("widget.sdg.question", lang) for lang in ("de", "en")},
        "link": {lang: text("widget.sdg.link", lang) for lang in ("de", "en")},
        "url": survey_url or None,
    }


@dataclass
class SurveyCatalogue:
    """All known surveys, with the delivery document of each site precomputed (bytes, served as they are)."""

    surveys: dict[str, LiveSurvey] = field(default_factory=dict)
    by_site: dict[str, tuple[bytes, str]] = field(default_factory=dict)  # site -> (document, ETag)
    computed_at: datetime | None = None

    @classmethod
    def build(
        cls,
        surveys: Iterable[LiveSurvey],
        sites: Iterable[str],
        now: datetime,
        model: OrgModel | None = None,
        sdg_survey_url: str = "",
    ) -> SurveyCatalogue:
        """Each site's document: ``{"surveys": [...]}``, plus ``"sdg"`` (``sdg_delivery``) for a site of ``model``
        with SDG pages."""
        known = {s.survey_id: s for s in surveys}
        per_site: dict[str, list[dict[str, Any]]] = {site: [] for site in sites}
        for survey in sorted(known.values(), key=lambda s: s.survey_id):
            if survey.shown(now):
                for site in survey.current.targeting.sites:
                    if site in per_site:
                        per_site[site].append(delivery(survey))
        documents = {}
        for site, entries in per_site.items():
            document: dict[str, Any] = {"surveys": entries}
            sdg = sdg_delivery(model, site, sdg_survey_url) if model is not None else None
            if sdg is not None:
                document["sdg"] = sdg
            body = orjson.dumps(document)
            documents[site] = (body, '"' + hashlib.blake2b(body, digest_size=12).hexdigest() + '"')
        return cls(surveys=known, by_site=documents, computed_at=now)


def _check_answer(question: Question, value: AnswerValue, keep_names: frozenset[str] = frozenset()) -> AnswerValue:
    """The answer as it goes into the event, or ``ValueError`` saying what is wrong with it."""
    kind = question.type
    if kind == "yes_no":
        if not isinstance(value, bool):
            raise ValueError("expected true or false")
        return value
    if kind in ("rating", "nps"):
        low, high = (1, 5) if kind == "rating" else (0, 10)
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            raise ValueError(f"expected a whole number from {low} to {high}")
        return value
    options = {o.id for o in question.options}
    if kind == "single":
        if not isinstance(value, str) or value not in options:
            raise ValueError("expected one of the question's option ids")
        return value
    if kind == "multiple":
        if not isinstance(value, tuple) or not value or any(v not in options for v in value):
            raise ValueError("expected a non-empty list of the question's option ids")
        return tuple(dict.fromkeys(value))  # each option once, in the order given
    if not isinstance(value, str):
        raise ValueError("expected text")
    if len(value) > question.max_chars:
        raise ValueError(f"at most {question.max_chars} characters")
    cleaned = redact(value, keep_names=keep_names)
    if not cleaned:
        raise ValueError("expected text")
    return cleaned


class InvalidAnswer(Exception):
    def __init__(self, question_id: str, detail: str) -> None:
        super().__init__(f"{question_id}: {detail}")
        self.question_id = question_id
        self.detail = detail


def survey_flags(request: SurveyResponseRequest) -> tuple[str, ...]:
    """Same time trap and honeypot as the feedback widget."""
    flags: list[str] = []
    if request.website:
        flags.append("honeypot")
    if request.elapsed_ms is not None and not request.dismissed:
        has_text = any(isinstance(v, str) and len(v) > 20 for v in request.answers.values())
        if request.elapsed_ms < (MIN_MS_WITH_TEXT if has_text else MIN_MS_ONE_CLICK):
            flags.append("too_fast")
    return tuple(flags)


def accept_survey_response(
    request: SurveyResponseRequest,
    catalogue: SurveyCatalogue,
    model: OrgModel,
    origin: str | None,
    received_at: datetime,
    grace: timedelta = timedelta(hours=1),
    keep_names: frozenset[str] = frozenset(),
) -> tuple[str, dict[str, Any]]:
    """(normalised page URL, event data) for an acceptable part; raises ``Rejected`` or ``InvalidAnswer``.

    Answers are taken for every published version of a survey that is ``accepting``: a citizen who started
    before a new version, a pause, a close or the window's end can finish within ``grace``, and the answers
    count for the version they saw. A full quota only stops the survey from being shown.
    """
    site, page_url, path = resolve_page(request.site, request.page_url, model, origin)
    survey = catalogue.surveys.get(request.survey_id)
    if survey is None or not survey.accepting(received_at, grace):
        raise Rejected("unknown_survey", "survey_id")
    definition = survey.versions.get(request.version)
    if definition is None:
        raise Rejected("unknown_survey", "version")
    if request.site not in definition.targeting.sites:
        raise Rejected("unknown_survey", "site")
    if not request.answers and not request.dismissed:
        raise InvalidAnswer("answers", "answers or dismissed is required")
    answers: dict[str, AnswerValue] = {}
    for question_id, value in request.answers.items():
        question = definition.question(question_id)
        if question is None:
            raise InvalidAnswer(question_id, "no such question in this version")
        try:
            answers[question_id] = _check_answer(question, value, keep_names)
        except ValueError as exc:
            raise InvalidAnswer(question_id, str(exc)) from None
    data = {
        "response_id": str(request.response_id),
        "survey_id": request.survey_id,
        "survey_version": request.version,
        "site": site.id,
        "page_url": page_url,
        "org_unit": site.org_unit_for(path),
        "answers": answers,
        "dismissed": request.dismissed,
        "language": request.language,
        "flags": survey_flags(request),
        "received_at": received_at,
    }
    return page_url, data
