"""Civic hackathons: from a department's problem statement to a funded, openly licensed solution.

Every change to a hackathon is one event on ``stadtstimme.hackathon.v1``, keyed by the hackathon, carrying the
hackathon's ``sequence`` (1, 2, 3, …): the service decides each command on the state folded from the events
before it, and a projection applies them in order and idempotently, so a replay rebuilds everything.

Personal data stays out of the topic: a participant is a random ``participant_id``; name and e-mail address live
in PostgreSQL only (``hackathon_person``) and are deleted on request (``ParticipantErased`` tells the projections).
What participants write travels sealed (crypto-shredding, ``shared.shredding``): a team's name with the team's key
(``TeamCreated`` v2), a submission's texts with the submission's key (``SubmissionSaved`` v2); erasing a key makes
every copy unreadable, on the topic and in any archive of it. ``ParticipantErased`` v2 says which names and texts
an erasure took, so that the projections drop them too. v1 of these events (plain text) is still read. Team names
are published with the results only where the team agreed (``publish_name``). Jurors are staff accounts, named by
their user name.

Money is in euro cents (integers). The yearly hackathon budget (default 10,000 EUR) is kept per calendar year and
pays the year's expenses (venue, catering, material, …) and prizes together; an expense or award that would exceed
what is left is refused, so no event for it exists. A year's money events (budgets, expenses and their
cancellations, the programme budgets of the city's measure) are keyed ``budget-<year>``.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Literal, Self, get_args
from uuid import UUID

from pydantic import AnyHttpUrl, BaseModel, ConfigDict, Field, StringConstraints, model_validator

from shared.contracts.envelope import EventType
from shared.contracts.feedback import PAGE_URL_MAX_CHARS
from shared.contracts.sealed import SealedText
from shared.contracts.surveys import Slug

Phase = Literal[
    "entwurf",
    "challenges_sammeln",
    "anmeldung_offen",
    "hackathon_laeuft",
    "einreichung_geschlossen",
    "jurierung",
    "ergebnisse_veroeffentlicht",
    "archiv",
]
PHASES: tuple[Phase, ...] = get_args(Phase)
# Open licences a submission may choose (SPDX ids). No transfer of rights to the city is ever required.
Licence = Literal[
    "MIT",
    "Apache-2.0",
    "BSD-3-Clause",
    "MPL-2.0",
    "LGPL-3.0-or-later",
    "GPL-3.0-or-later",
    "AGPL-3.0-or-later",
    "EUPL-1.2",
    "CC-BY-4.0",
    "CC-BY-SA-4.0",
    "CC0-1.0",
]
LICENCES: tuple[str, ...] = get_args(Licence)
DEFAULT_BUDGET_CENTS = 1_000_000  # 10,000 EUR a year
Title = Annotated[str, StringConstraints(strip_whitespace=True, min_length=3, max_length=160)]
Short = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=500)]
Long = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=10_000)]
Url = Annotated[AnyHttpUrl, Field(description="An http(s) URL.")]
TeamName = Annotated[str, StringConstraints(strip_whitespace=True, min_length=2, max_length=80)]
ExclusionReason = Annotated[str, StringConstraints(strip_whitespace=True, min_length=10, max_length=1000)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Criterion(_Strict):
    """A jury criterion: scored 1–10 per submission, weighted in the ranking."""

    id: Slug
    name: Title
    weight: int = Field(ge=1, le=100)


class PhaseDate(_Strict):
    phase: Phase
    starts_at: datetime = Field(description="Planned start (moving on is still an explicit staff action).")


class Evidence(_Strict):
    """Citizen feedback a challenge cites: a page, or a theme of the comments on the challenge unit's pages (a
    search term, as in the console's themes). The public page shows their figures, aggregates only."""

    page_url: str | None = Field(None, min_length=1, max_length=PAGE_URL_MAX_CHARS)
    theme: str | None = Field(None, min_length=2, max_length=80, description="e.g. 'Termin' (German stemming).")
    note: str | None = Field(None, max_length=300)

    @model_validator(mode="after")
    def _one(self) -> Self:
        if (self.page_url is None) == (self.theme is None):
            raise ValueError("evidence is a page_url or a theme")
        return self


class _HackathonEvent(_Strict):
    hackathon_id: Slug
    sequence: int = Field(ge=1, description="Position in the hackathon's history; applied in order.")
    at: datetime
    actor: str = Field(min_length=1, max_length=200, description="Staff account, 'participant:<id>' or 'cli:…'.")


class HackathonCreatedV1(_HackathonEvent):
    """Data of ``de.stadtstimme.hackathon.created`` v1."""

    year: int = Field(ge=2000, le=2100, description="The budget year the prizes come from.")
    title: Title
    description: Long
    schedule: tuple[PhaseDate, ...] = Field((), max_length=len(PHASES))
    criteria: tuple[Criterion, ...] = Field(min_length=1, max_length=10)
    max_team_size: int = Field(5, ge=1, le=20)
    community_vote: bool = False
    normalise_scores: bool = Field(False, description="Rank by per-juror z-scores instead of raw scores.")

    @model_validator(mode="after")
    def _unique(self) -> Self:
        ids = [c.id for c in self.criteria]
        if len(set(ids)) != len(ids):
            raise ValueError("criterion ids must be unique")
        phases = [p.phase for p in self.schedule]
        if len(set(phases)) != len(phases):
            raise ValueError("each phase at most once in the schedule")
        return self


class HackathonPhaseChangedV1(_HackathonEvent):
    """Data of ``de.stadtstimme.hackathon.phase-changed`` v1: staff moved the hackathon on (or back one)."""

    phase: Phase
    previous: Phase


class ChallengePostedV1(_HackathonEvent):
    """Data of ``de.stadtstimme.hackathon.challenge-posted`` v1: a problem statement, new or revised."""

    challenge_id: Slug
    revision: int = Field(ge=1)
    org_unit: Slug
    title: Title
    problem: Long
    context: Long | None = None
    data_links: tuple[Url, ...] = Field((), max_length=20, description="Open data and documentation.")
    contact: Short = Field(description="A team or function mailbox, not a person's private address.")
    expected_outcome: Long
    evidence: tuple[Evidence, ...] = Field((), max_length=20)


class ParticipantRegisteredV1(_HackathonEvent):
    """Data of ``de.stadtstimme.hackathon.participant-registered`` v1 (name and e-mail are not in the event)."""

    participant_id: UUID
    consent: str = Field(min_length=1, max_length=40, description="Version of the consent text agreed to.")


class ParticipantErasedV1(_HackathonEvent):
    """Data of ``de.stadtstimme.hackathon.participant-erased`` v1: the person asked for their data to be deleted;
    they leave their team, their votes are removed."""

    participant_id: UUID


class ParticipantErasedV2(_HackathonEvent):
    """Data of ``de.stadtstimme.hackathon.participant-erased`` v2: the person asked for their data to be deleted;
    they leave their team. What they wrote goes with them (the keys are erased before this is published): the
    names of the teams they named or whose name contains their name (shown as "Team 3" from then on), and the texts
    of the submissions nobody else who is still registered wrote with them. Their community vote is removed, unless
    the results are published already: then it stays in the published count, linked to nobody."""

    participant_id: UUID
    team_names_erased: tuple[UUID, ...] = Field((), max_length=1000, description="Teams whose name is erased.")
    submissions_erased: tuple[UUID, ...] = Field((), max_length=1000, description="Submissions whose texts are erased.")
    vote_kept: bool = Field(False, description="Their vote stays counted (the results were published before).")


class TeamCreatedV1(_HackathonEvent):
    """Data of ``de.stadtstimme.hackathon.team-created`` v1; the founder is its first member."""

    team_id: UUID
    name: TeamName
    founder: UUID
    publish_name: bool = Field(description="The team agrees that its name is published with the results.")


class TeamCreatedV2(_HackathonEvent):
    """Data of ``de.stadtstimme.hackathon.team-created`` v2: as v1, but the name travels sealed with the team's
    name key (its id is the team's). Erasing that key neutralises the name everywhere ("Team 3")."""

    team_id: UUID
    name: SealedText = Field(description="The team's name (2–80 characters), sealed with the key ``team_id``.")
    founder: UUID
    publish_name: bool = Field(description="The team agrees that its name is published with the results.")

    @model_validator(mode="after")
    def _own_key(self) -> Self:
        if self.name.key_id != self.team_id:
            raise ValueError("a team's name is sealed with the team's key")
        return self


class TeamJoinedV1(_HackathonEvent):
    """Data of ``de.stadtstimme.hackathon.team-joined`` v1 (with the team's join code)."""

    team_id: UUID
    participant_id: UUID


class TeamLeftV1(_HackathonEvent):
    """Data of ``de.stadtstimme.hackathon.team-left`` v1."""

    team_id: UUID
    participant_id: UUID


class SubmissionSavedV1(_HackathonEvent):
    """Data of ``de.stadtstimme.hackathon.submission-saved`` v1: a team's solution for a challenge, new or
    edited (editable until submissions close, frozen afterwards)."""

    submission_id: UUID
    revision: int = Field(ge=1)
    team_id: UUID
    challenge_id: Slug
    title: Title
    summary: Short
    description: Long
    repository_url: Url | None = None
    demo_url: Url | None = None
    licence: Licence


class SealedLongText(SealedText):
    """A sealed text that may be long: a submission's description has up to 10,000 characters (40,000 bytes in
    UTF-8, 53,356 in base64 with the tag)."""

    ciphertext: str = Field(
        min_length=22, max_length=54_000, pattern=r"^[A-Za-z0-9_-]+$",
        description="Ciphertext and 16-byte tag, base64url without padding.",
    )  # fmt: skip


SUBMISSION_TEXTS = ("title", "summary", "description", "repository_url", "demo_url")


class SubmissionSavedV2(_HackathonEvent):
    """Data of ``de.stadtstimme.hackathon.submission-saved`` v2: as v1, but what the team wrote (title, summary,
    description, the addresses of its code and demo) travels sealed with the submission's key (its id is the
    submission's; every revision uses it). Erasing the key erases those texts everywhere; the submission keeps
    its place, scores, prizes and votes."""

    submission_id: UUID
    revision: int = Field(ge=1)
    team_id: UUID
    challenge_id: Slug
    title: SealedLongText
    summary: SealedLongText
    description: SealedLongText
    repository_url: SealedLongText | None = None
    demo_url: SealedLongText | None = None
    licence: Licence

    @model_validator(mode="after")
    def _own_key(self) -> Self:
        sealed = [getattr(self, f) for f in SUBMISSION_TEXTS]
        if any(s is not None and s.key_id != self.submission_id for s in sealed):
            raise ValueError("a submission's texts are sealed with the submission's key")
        return self


class JurorInvitedV1(_HackathonEvent):
    """Data of ``de.stadtstimme.hackathon.juror-invited`` v1."""

    juror: str = Field(min_length=1, max_length=200, description="The juror's staff account.")


class ConflictDeclaredV1(_HackathonEvent):
    """Data of ``de.stadtstimme.hackathon.conflict-declared`` v1: the juror does not score this team."""

    juror: str = Field(min_length=1, max_length=200)
    team_id: UUID
    reason: Short


class ScorecardSubmittedV1(_HackathonEvent):
    """Data of ``de.stadtstimme.hackathon.scorecard-submitted`` v1: one juror's scores (1–10 per criterion) for
    one submission; a later scorecard of the same juror for the same submission replaces it."""

    juror: str = Field(min_length=1, max_length=200)
    submission_id: UUID
    scores: dict[Slug, int] = Field(max_length=10)
    comment: str | None = Field(None, max_length=2000)

    @model_validator(mode="after")
    def _range(self) -> Self:
        if any(not 1 <= v <= 10 for v in self.scores.values()):
            raise ValueError("scores are 1 to 10")
        return self


class ScorecardExcludedV1(_HackathonEvent):
    """Data of ``de.stadtstimme.hackathon.scorecard-excluded`` v1: staff exclude a scorecard, with a reason."""

    juror: str = Field(min_length=1, max_length=200)
    submission_id: UUID
    reason: ExclusionReason


class VoteCastV1(_HackathonEvent):
    """Data of ``de.stadtstimme.hackathon.vote-cast`` v1: a participant's community vote (a new vote replaces
    their earlier one; results stay hidden until the vote closes)."""

    participant_id: UUID
    submission_id: UUID


class JuryStatementSavedV1(_HackathonEvent):
    """Data of ``de.stadtstimme.hackathon.jury-statement-saved`` v1: published with the results."""

    submission_id: UUID
    statement: Long


class AwardGrantedV1(_HackathonEvent):
    """Data of ``de.stadtstimme.hackathon.award-granted`` v1: prize money for a submission, from ``year``'s
    budget."""

    award_id: UUID
    year: int = Field(ge=2000, le=2100)
    submission_id: UUID
    amount_cents: int = Field(ge=1)
    title: Title = Field(description="e.g. '1. Preis', 'Publikumspreis'.")
    justification: Long


class BudgetSetV1(_Strict):
    """Data of ``de.stadtstimme.hackathon.budget-set`` v1: the hackathon budget of a year (default 10,000 EUR),
    which pays the year's events (expenses) and prizes; it is also the hackathons programme's budget for that year.
    Keyed ``budget-<year>``; ``sequence`` is the place in the year's money events (budgets, expenses,
    cancellations: ``YEAR_EVENTS``)."""

    year: int = Field(ge=2000, le=2100)
    sequence: int = Field(ge=1)
    amount_cents: int = Field(ge=0)
    at: datetime
    actor: str = Field(min_length=1, max_length=200)


# Programmes of the city's measure: "feedback" (digital feedback and surveys), "hackathons" (the yearly events and
# their prizes). The hackathons programme's budget of a year is the year's hackathon budget (``BudgetSet``).
Programme = Literal["feedback", "hackathons"]
PROGRAMMES: tuple[Programme, ...] = get_args(Programme)
# What an expense is for: venue, catering, material, services bought in (e.g. development, moderation), other.
ExpenseCategory = Literal["venue", "catering", "material", "services", "other"]
EXPENSE_CATEGORIES: tuple[ExpenseCategory, ...] = get_args(ExpenseCategory)
Receipt = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100)]


class _YearEvent(_Strict):
    """A year's money event: keyed ``budget-<year>``, ``sequence`` its place among the year's money events."""

    year: int = Field(ge=2000, le=2100)
    sequence: int = Field(ge=1)
    at: datetime
    actor: str = Field(min_length=1, max_length=200)


class ExpenseBookedV1(_YearEvent):
    """Data of ``de.stadtstimme.hackathon.expense-booked`` v1: money spent from a programme's budget of ``year``
    (for the hackathons programme: from the year's hackathon budget, together with the prizes). Never changed: a
    mistake is corrected by cancelling it (``ExpenseCancelled``) and booking it again."""

    expense_id: UUID
    programme: Programme
    category: ExpenseCategory
    spent_on: date = Field(description="The day of the expense (in ``year``).")
    amount_cents: int = Field(ge=1, le=100_000_000)
    description: Short
    receipt: Receipt = Field(description="The receipt's reference (invoice number, booking number).")
    hackathon_id: Slug | None = Field(None, description="The hackathon it was for, if one.")


class ExpenseCancelledV1(_YearEvent):
    """Data of ``de.stadtstimme.hackathon.expense-cancelled`` v1: a cancelling entry for an expense of the same
    year (booked in error or corrected); its amount is available again."""

    expense_id: UUID
    reason: Short


class ProgrammeBudgetSetV1(_YearEvent):
    """Data of ``de.stadtstimme.hackathon.programme-budget-set`` v1: a programme's budget of ``year``. Only the
    feedback programme's: the hackathons programme's is the year's hackathon budget (``BudgetSet``)."""

    programme: Literal["feedback"]
    amount_cents: int = Field(ge=0, le=100_000_000)


HackathonEvent = (
    HackathonCreatedV1
    | HackathonPhaseChangedV1
    | ChallengePostedV1
    | ParticipantRegisteredV1
    | ParticipantErasedV1
    | ParticipantErasedV2
    | TeamCreatedV1
    | TeamCreatedV2
    | TeamJoinedV1
    | TeamLeftV1
    | SubmissionSavedV1
    | SubmissionSavedV2
    | JurorInvitedV1
    | ConflictDeclaredV1
    | ScorecardSubmittedV1
    | ScorecardExcludedV1
    | VoteCastV1
    | JuryStatementSavedV1
    | AwardGrantedV1
    | BudgetSetV1
    | ExpenseBookedV1
    | ExpenseCancelledV1
    | ProgrammeBudgetSetV1
)

_PREFIX = "de.stadtstimme.hackathon."
HACKATHON_EVENT_TYPES: tuple[EventType, ...] = tuple(
    EventType(_PREFIX + name, version, model)
    for name, version, model in (
        ("created", 1, HackathonCreatedV1),
        ("phase-changed", 1, HackathonPhaseChangedV1),
        ("challenge-posted", 1, ChallengePostedV1),
        ("participant-registered", 1, ParticipantRegisteredV1),
        ("participant-erased", 1, ParticipantErasedV1),
        ("participant-erased", 2, ParticipantErasedV2),
        ("team-created", 1, TeamCreatedV1),
        ("team-created", 2, TeamCreatedV2),
        ("team-joined", 1, TeamJoinedV1),
        ("team-left", 1, TeamLeftV1),
        ("submission-saved", 1, SubmissionSavedV1),
        ("submission-saved", 2, SubmissionSavedV2),
        ("juror-invited", 1, JurorInvitedV1),
        ("conflict-declared", 1, ConflictDeclaredV1),
        ("scorecard-submitted", 1, ScorecardSubmittedV1),
        ("scorecard-excluded", 1, ScorecardExcludedV1),
        ("vote-cast", 1, VoteCastV1),
        ("jury-statement-saved", 1, JuryStatementSavedV1),
        ("award-granted", 1, AwardGrantedV1),
        ("budget-set", 1, BudgetSetV1),
        ("expense-booked", 1, ExpenseBookedV1),
        ("expense-cancelled", 1, ExpenseCancelledV1),
        ("programme-budget-set", 1, ProgrammeBudgetSetV1),
    )
)
# The events keyed ``budget-<year>`` (a year's money, in ``hackathon_budget_event``), not by a hackathon.
YEAR_EVENTS = (BudgetSetV1, ExpenseBookedV1, ExpenseCancelledV1, ProgrammeBudgetSetV1)
EVENT_TYPE_OF: dict[type[BaseModel], EventType] = {e.data_model: e for e in HACKATHON_EVENT_TYPES}
