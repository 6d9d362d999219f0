"""Pure ingest decisions: validate a citizen's submission and turn it into a ``FeedbackSubmitted`` event."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Annotated, Any, Self
from uuid import UUID

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, ValidationInfo, field_validator, model_validator
from pydantic_core import PydanticCustomError

from shared.contracts.feedback import (
    BARRIER,
    COMMENT_MAX_CHARS,
    PAGE_URL_MAX_CHARS,
    SUGGESTION_MAX_CHARS,
    Category,
    Language,
)
from shared.orgmodel import InvalidUrl, OrgModel, Site, split_page_url
from shared.redaction import redact

MAX_BODY_BYTES = 16 * 1024

# The nil and the max UUID (RFC 9562) are what a client sends when its id generation is broken or stubbed; taken as
# an idempotency key, every such client would collide on one id and all but the first submission would be dropped.
RESERVED_UUIDS = frozenset({UUID(int=0), UUID(int=(1 << 128) - 1)})


def _unique_client_id(value: UUID) -> UUID:
    if value in RESERVED_UUIDS:
        # The error's type is the catalogue key of its message (shared.problems.field_errors translates it).
        raise PydanticCustomError("problem.reserved_uuid", "the nil and the max UUID identify no single submission")
    return value


# A UUID the client generated to identify one submission: any UUID but the nil and the max UUID (the OpenAPI says so).
ClientUUID = Annotated[
    UUID,
    AfterValidator(_unique_client_id),
    Field(json_schema_extra={"not": {"enum": sorted(str(u) for u in RESERVED_UUIDS)}}),
]


CONTACT_MAX_CHARS = 254  # RFC 5321's longest path
# Deliberately loose (one @, a dot in the domain, no spaces): the answer's mail is the real check.
CONTACT_ADDRESS = re.compile(r"[^@\s]{1,64}@[^@\s.]+(?:\.[^@\s.]+)+")


def contact_refusal(email: str | None, consent: bool | None, category: str | None, comment: str | None) -> str | None:
    """The catalogue key refusing a contact address (None: acceptable or none given). An address is kept only for a
    described barrier report, and only with the citizen's explicit consent."""
    if email is None:
        return None
    if consent is not True:
        return "problem.contact_consent"
    if category != BARRIER or not comment:
        return "problem.contact_not_barrier"
    return None


class FeedbackRequest(BaseModel):
    """Body of ``POST /api/v1/feedback``. Strict: wrong types and unknown fields are errors, not coerced."""

    model_config = ConfigDict(extra="forbid", strict=True, str_strip_whitespace=True)

    event_id: ClientUUID = Field(description="Client-generated UUID; the idempotency key of this submission.")
    response_id: ClientUUID | None = Field(
        None, description="Links a follow-up to the first part of the same response (its event_id); default: event_id."
    )
    site: str = Field(min_length=1, max_length=64)
    page_url: str = Field(min_length=1, max_length=PAGE_URL_MAX_CHARS)
    helpful: bool | None = None
    rating: int | None = Field(None, ge=1, le=5)
    comment: str | None = Field(None, max_length=COMMENT_MAX_CHARS)
    suggestion: str | None = Field(None, max_length=SUGGESTION_MAX_CHARS)
    category: Category | None = None
    language: Language = "de"
    contact_email: str | None = Field(
        None,
        max_length=CONTACT_MAX_CHARS,
        description="Only with a barrier report (category accessibility_barrier, a comment): where the accessibility "
        "officer may answer. Kept outside the event stream, erased with the report's text.",
    )
    contact_consent: bool | None = Field(
        None,
        validate_default=True,
        description="Must be true when contact_email is given: the citizen agreed that the address is stored to "
        "answer the report.",
    )
    elapsed_ms: int | None = Field(
        None, ge=0, description="Milliseconds the citizen had this step on screen before sending (time trap)."
    )
    website: str | None = Field(None, max_length=500, description="Honeypot: a field people never see or fill.")
    altcha: str | None = Field(
        None, max_length=2000, description="Proof-of-work solution (base64 JSON), when the operator requires one."
    )

    @field_validator("contact_email")
    @classmethod
    def _address(cls, value: str | None) -> str | None:
        if value is not None and not CONTACT_ADDRESS.fullmatch(value):
            raise PydanticCustomError("problem.contact_email", "not an e-mail address")
        return value

    @field_validator("contact_consent")
    @classmethod
    def _consent(cls, value: bool | None, info: ValidationInfo) -> bool | None:
        refusal = contact_refusal(
            info.data.get("contact_email"), value, info.data.get("category"), info.data.get("comment")
        )
        if refusal is not None:
            raise PydanticCustomError(refusal, "a contact address needs consent and a described barrier")
        return value

    @model_validator(mode="after")
    def _some_answer(self) -> Self:
        if (  # spelled out: this runs for every submission
            self.helpful is None
            and self.rating is None
            and self.comment is None
            and self.suggestion is None
            and self.category is None
        ):
            raise ValueError("at least one of helpful, rating, comment, suggestion or category is required")
        return self


# Time trap: people need a moment to read a question, more to write a sentence. Faster parts are accepted and
# archived, but flagged and left out of the figures, so an automated sender learns nothing from the answer.
MIN_MS_ONE_CLICK = 1000
MIN_MS_WITH_TEXT = 4000


def flags_for(request: FeedbackRequest) -> tuple[str, ...]:
    """Why a submission looks automated: a filled honeypot, or sent faster than a person could."""
    flags: list[str] = []
    if request.website:
        flags.append("honeypot")
    if request.elapsed_ms is not None:
        has_text = bool(request.comment or request.suggestion)
        if request.elapsed_ms < (MIN_MS_WITH_TEXT if has_text else MIN_MS_ONE_CLICK):
            flags.append("too_fast")
    return tuple(flags)


class Rejected(Exception):
    """A submission that is well-formed but not acceptable: unknown site, foreign origin, page off-site."""

    def __init__(self, kind: str, field: str) -> None:
        super().__init__(kind)
        self.kind = kind
        self.field = field


def _clean_text(value: str | None, keep_names: frozenset[str]) -> str | None:
    if value is None:
        return None
    value = redact(value, keep_names=keep_names)
    return value or None


def resolve_page(site_id: str, url: str, model: OrgModel, origin: str | None) -> tuple[Site, str, str]:
    """(site, normalised page URL, path) of a citizen's submission; raises ``Rejected`` for an unknown site, a
    foreign ``Origin`` (a request without one is a server-side post or a script and is accepted: the check
    exists to stop other websites from posting in a citizen's browser) or a page not on the site."""
    site = model.sites.get(site_id)
    if site is None:
        raise Rejected("unknown_site", "site")
    if origin is not None and origin not in site.origins:
        raise Rejected("origin", "site")
    try:
        page_origin, path = split_page_url(url)
    except InvalidUrl as exc:
        raise Rejected("invalid_url", "page_url") from exc
    if page_origin not in site.origins:
        raise Rejected("page_not_on_site", "page_url")
    return site, page_origin + path, path


def accept_feedback(
    request: FeedbackRequest,
    model: OrgModel,
    origin: str | None,
    received_at: datetime,
    keep_names: frozenset[str] = frozenset(),
) -> tuple[str, dict[str, Any]]:
    """(normalised page URL, event data) for an acceptable submission; raises ``Rejected`` otherwise
    (``resolve_page``). ``origin`` is the browser's Origin header; ``keep_names``: staff names redaction keeps."""
    site, page_url, path = resolve_page(request.site, request.page_url, model, origin)
    data = {
        "response_id": str(request.response_id or request.event_id),
        "site": site.id,
        "page_url": page_url,
        "org_unit": site.org_unit_for(path),
        "helpful": request.helpful,
        "rating": request.rating,
        "comment": _clean_text(request.comment, keep_names),
        "suggestion": _clean_text(request.suggestion, keep_names),
        "category": request.category,
        "language": request.language,
        "flags": flags_for(request),
        "received_at": received_at,
    }
    return page_url, data
