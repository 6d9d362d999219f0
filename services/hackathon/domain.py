"""The hackathon, pure: its state folded from its events, and the decisions on staff's, jurors' and participants'
commands (each either the event data to publish or a refusal with a German reason).

Phases follow one another: Entwurf → Challenges sammeln → Anmeldung offen → Hackathon läuft → Einreichung
geschlossen → Jurierung → Ergebnisse veröffentlicht → Archiv. Staff move on one phase at a time (or back one,
to correct a mistake; never back out of the published results). What each command needs:

=========================  ===========================================================================
command                    allowed in
=========================  ===========================================================================
post a challenge           Entwurf, Challenges sammeln (revise it until Anmeldung offen ends)
register, form teams       Anmeldung offen, Hackathon läuft
save a submission          Hackathon läuft, before the planned start of "Einreichung geschlossen"
invite jurors, conflicts   any phase before Ergebnisse veröffentlicht
score, exclude, statement  Jurierung
award prizes               Jurierung (never beyond what is left of the year's budget after its
                           expenses and other prizes: ``budget``)
community vote             Einreichung geschlossen, Jurierung (if the hackathon has one; never for a team the voter
                           is or ever was in, and such a vote does not count either)
erase a participant        always (what goes with them: ``erase_participant``)
sign in                    a personal token for ``link_days`` from its issue, never once the hackathon is archived
                           or past its planned archive date
=========================  ===========================================================================

One person takes part once: ``canonical_email`` decides when two addresses are the same person's.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import Any, TypeVar
from uuid import UUID

from pydantic import BaseModel, ValidationError

from services.hackathon import ranking
from shared import formats
from shared.contracts.hackathon import (
    PHASES,
    AwardGrantedV1,
    ChallengePostedV1,
    ConflictDeclaredV1,
    HackathonCreatedV1,
    HackathonPhaseChangedV1,
    JurorInvitedV1,
    JuryStatementSavedV1,
    ParticipantErasedV1,
    ParticipantErasedV2,
    ParticipantRegisteredV1,
    Phase,
    ScorecardExcludedV1,
    ScorecardSubmittedV1,
    SubmissionSavedV1,
    SubmissionSavedV2,
    TeamCreatedV1,
    TeamCreatedV2,
    TeamJoinedV1,
    TeamLeftV1,
    VoteCastV1,
)
from shared.messages import text
from shared.refusal import Refusal

BEFORE_RESULTS = PHASES[: PHASES.index("ergebnisse_veroeffentlicht")]
TEAM_PHASES: tuple[Phase, ...] = ("anmeldung_offen", "hackathon_laeuft")
VOTE_PHASES: tuple[Phase, ...] = ("einreichung_geschlossen", "jurierung")
RESULT_PHASES: tuple[Phase, ...] = ("ergebnisse_veroeffentlicht", "archiv")


class Refused(Refusal):
    """A command the hackathon refuses: ``code`` names the rule (``hackathon.refused.<code>`` in the message
    catalogue), ``status`` the HTTP status (409: not now or not any more, 422: not like this, 404: unknown, 401: not
    signed in, 429: too many requests, then ``retry_after`` seconds)."""

    def __init__(self, code: str, status: int = 409, *, retry_after: int | None = None, **values: Any) -> None:
        headers = {"Retry-After": str(retry_after)} if retry_after is not None else {}
        if status == 401:  # a participant's token that does not sign in
            headers["WWW-Authenticate"] = 'Participant realm="stadtstimme"'

        super().__init__(f"hackathon.refused.{code}", status, slug=f"hackathon-{code.replace('_', '-')}",
                         headers=headers, **values)  # fmt: skip
        self.code, self.retry_after = code, retry_after

    def reason(self, lang: str = "de") -> str:
        """The reason, with a phase it names in the reader's language."""
        values = {k: text(f"hackathon.phase.{v}", lang) if k == "phase" else v for k, v in self.values.items()}
        return text(self.key, lang, **values)


@dataclass
class Team:
    """A team: ``name`` None once erased (``shown_name`` is then "Team <number>"); ``number`` counts the hackathon's
    teams in the order they were founded."""

    id: UUID
    name: str | None
    publish_name: bool
    founder: UUID
    number: int
    members: list[UUID] = field(default_factory=list)

    def shown_name(self, lang: str = "de") -> str:
        return self.name if self.name is not None else text("hackathon.team.neutral", lang, number=self.number)


@dataclass(frozen=True)
class Submission:
    """A team's submission as folded from ``SubmissionSaved`` (v1 in plain, v2 opened with its key): the texts None
    once erased. Its place in the ranking, scores, votes and prizes do not depend on them."""

    submission_id: UUID
    revision: int
    team_id: UUID
    challenge_id: str
    licence: str
    sequence: int
    at: datetime
    actor: str
    title: str | None
    summary: str | None
    description: str | None
    repository_url: str | None = None
    demo_url: str | None = None

    @property
    def erased(self) -> bool:
        return self.title is None

    def shown_title(self, lang: str = "de") -> str:
        return self.title if self.title is not None else text("hackathon.erased", lang)

    def without_texts(self) -> Submission:
        return replace(self, title=None, summary=None, description=None, repository_url=None, demo_url=None)

    def as_json(self) -> dict[str, Any]:
        """The submission as the API gives it (ids as strings; ``erased`` says whether the texts are gone)."""
        return {"submission_id": str(self.submission_id), "revision": self.revision,
                "team_id": str(self.team_id), "challenge_id": self.challenge_id, "title": self.title,
                "summary": self.summary, "description": self.description, "repository_url": self.repository_url,
                "demo_url": self.demo_url, "licence": self.licence, "sequence": self.sequence,
                "at": self.at.isoformat(), "erased": self.erased}  # fmt: skip


@dataclass(frozen=True)
class Opened:
    """A sealed event (``TeamCreated`` v2, ``SubmissionSaved`` v2) with its texts opened with their keys (None: the
    key is erased): what ``apply`` folds of it (``sealing.opened`` makes it)."""

    event: TeamCreatedV2 | SubmissionSavedV2
    texts: Mapping[str, str | None]

    @property
    def sequence(self) -> int:
        return self.event.sequence


@dataclass
class HackathonState:
    """Everything decided so far about one hackathon (built by ``apply``, never changed otherwise)."""

    id: str
    sequence: int = 0
    created: HackathonCreatedV1 | None = None
    phase: Phase = "entwurf"
    archived_at: datetime | None = None  # when staff moved it to "Archiv" (never back out of it)
    challenges: dict[str, ChallengePostedV1] = field(default_factory=dict)
    participants: set[UUID] = field(default_factory=set)
    erased: set[UUID] = field(default_factory=set)  # participants who erased their data
    teams: dict[UUID, Team] = field(default_factory=dict)
    team_of: dict[UUID, UUID] = field(default_factory=dict)  # participant → team
    ever_in: dict[UUID, set[UUID]] = field(default_factory=dict)  # participant → every team they were ever in
    submissions: dict[UUID, Submission] = field(default_factory=dict)
    jurors: set[str] = field(default_factory=set)
    conflicts: dict[tuple[str, UUID], str] = field(default_factory=dict)  # (juror, team) → reason
    scorecards: dict[tuple[str, UUID], ScorecardSubmittedV1] = field(default_factory=dict)
    excluded: dict[tuple[str, UUID], str] = field(default_factory=dict)  # (juror, submission) → reason
    votes: dict[UUID, UUID] = field(default_factory=dict)  # participant → submission
    statements: dict[UUID, str] = field(default_factory=dict)
    awards: list[AwardGrantedV1] = field(default_factory=list)

    @property
    def info(self) -> HackathonCreatedV1:
        if self.created is None:
            raise Refused("unknown", 404)
        return self.created

    def submission_of(self, team: UUID, challenge: str) -> Submission | None:
        return next((s for s in self.submissions.values() if s.team_id == team and s.challenge_id == challenge), None)

    def ever_members(self, team: UUID) -> set[UUID]:
        """Everybody who was ever in the team (erased participants too)."""
        return {p for p, teams in self.ever_in.items() if team in teams}

    def dissolved(self, team: UUID) -> bool:
        """Whether everybody who was ever in the team has erased their data: nobody may join it any more."""
        return self.ever_members(team) <= self.erased


def apply(state: HackathonState, event: BaseModel | Opened) -> bool:
    """Apply the hackathon's next event (its ``sequence`` must follow); False for one applied before or out of
    order (nothing changes then). Sealed events come ``Opened``; one that is not folds as if its texts were erased
    (what cannot be read is never shown)."""
    sequence = getattr(event, "sequence", None)
    if sequence != state.sequence + 1:
        return False
    state.sequence = sequence
    if isinstance(event, TeamCreatedV2 | SubmissionSavedV2):
        event = Opened(event, {})
    match event:
        case HackathonCreatedV1():
            state.created = event
        case HackathonPhaseChangedV1():
            state.phase = event.phase
            if event.phase == "archiv":
                state.archived_at = event.at
        case ChallengePostedV1():
            state.challenges[event.challenge_id] = event
        case ParticipantRegisteredV1():
            state.participants.add(event.participant_id)
        case ParticipantErasedV1():
            _erase(state, event.participant_id, keep_vote=False)
        case ParticipantErasedV2():
            _erase(state, event.participant_id, keep_vote=event.vote_kept)
            for team in event.team_names_erased:
                if team in state.teams:
                    state.teams[team].name = None
            for submission in event.submissions_erased:
                if submission in state.submissions:
                    state.submissions[submission] = state.submissions[submission].without_texts()
        case TeamCreatedV1():
            _found(state, event, event.name)
        case Opened(event=TeamCreatedV2() as created, texts=texts):
            _found(state, created, texts.get("name"))
        case TeamJoinedV1():
            state.teams[event.team_id].members.append(event.participant_id)
            state.team_of[event.participant_id] = event.team_id
            state.ever_in.setdefault(event.participant_id, set()).add(event.team_id)
        case TeamLeftV1():
            _leave(state, event.participant_id)
        case SubmissionSavedV1():
            urls = {f: None if u is None else str(u) for f, u in (("repository_url", event.repository_url),
                                                                   ("demo_url", event.demo_url))}  # fmt: skip
            _save(state, event, {"title": event.title, "summary": event.summary, "description": event.description,
                                 **urls})  # fmt: skip
        case Opened(event=SubmissionSavedV2() as saved, texts=texts):
            _save(state, saved, texts)
        case JurorInvitedV1():
            state.jurors.add(event.juror)
        case ConflictDeclaredV1():
            state.conflicts[(event.juror, event.team_id)] = event.reason
        case ScorecardSubmittedV1():
            state.scorecards[(event.juror, event.submission_id)] = event
            state.excluded.pop((event.juror, event.submission_id), None)  # a new scorecard is judged anew
        case ScorecardExcludedV1():
            state.excluded[(event.juror, event.submission_id)] = event.reason
        case VoteCastV1():
            state.votes[event.participant_id] = event.submission_id
        case JuryStatementSavedV1():
            state.statements[event.submission_id] = event.statement
        case AwardGrantedV1():
            state.awards.append(event)
    return True


def _leave(state: HackathonState, participant: UUID) -> None:
    team = state.team_of.pop(participant, None)
    if team is not None:
        state.teams[team].members.remove(participant)


def _erase(state: HackathonState, participant: UUID, keep_vote: bool) -> None:
    _leave(state, participant)
    state.participants.discard(participant)
    state.erased.add(participant)
    if not keep_vote:
        state.votes.pop(participant, None)


def _found(state: HackathonState, event: TeamCreatedV1 | TeamCreatedV2, name: str | None) -> None:
    number = len(state.teams) + 1
    state.teams[event.team_id] = Team(event.team_id, name, event.publish_name, event.founder, number, [event.founder])
    state.team_of[event.founder] = event.team_id
    state.ever_in.setdefault(event.founder, set()).add(event.team_id)


def _save(state: HackathonState, event: SubmissionSavedV1 | SubmissionSavedV2, texts: Mapping[str, str | None]) -> None:
    state.submissions[event.submission_id] = Submission(
        event.submission_id, event.revision, event.team_id, event.challenge_id, event.licence, event.sequence,
        event.at, event.actor, texts.get("title"), texts.get("summary"), texts.get("description"),
        texts.get("repository_url"), texts.get("demo_url"),
    )  # fmt: skip


def fold(hackathon_id: str, events: list[BaseModel | Opened]) -> HackathonState:
    state = HackathonState(hackathon_id)
    for event in events:
        apply(state, event)
    return state


M = TypeVar("M", bound=BaseModel)


def next_event(state: HackathonState, model: type[M], data: Mapping[str, Any], at: datetime, actor: str) -> M:
    """The hackathon's next event of type ``model`` with ``data`` (a decision's result); validated: data the event
    contract refuses is refused as invalid input (422), never published."""
    try:
        return model.model_validate(
            {**data, "hackathon_id": state.id, "sequence": state.sequence + 1, "at": at, "actor": actor}
        )
    except ValidationError as exc:
        fields = ", ".join(sorted({str(e["loc"][0]) for e in exc.errors() if e["loc"]})) or "(body)"
        raise Refused("invalid", 422, fields=fields) from exc


# ---- Decisions: each returns the data of the events to publish (without hackathon_id, sequence, at, actor) ----


def create(state: HackathonState, fields: Mapping[str, Any]) -> dict[str, Any]:
    if state.created is not None:
        raise Refused("exists")
    return dict(fields)


def _phase(state: HackathonState, allowed: tuple[Phase, ...]) -> None:
    state.info  # noqa: B018 (raises for an unknown hackathon)
    if state.phase not in allowed:
        raise Refused("phase", phase=state.phase)


def change_phase(state: HackathonState, to: Phase) -> dict[str, Any]:
    state.info  # noqa: B018
    here, there = PHASES.index(state.phase), PHASES.index(to)
    if there == here:
        raise Refused("same_phase", phase=to)
    if there not in (here + 1, here - 1) or (there < here and state.phase in ("ergebnisse_veroeffentlicht", "archiv")):
        raise Refused("phase_order", phase=state.phase, to=to)
    if to == "jurierung" and not state.jurors:
        raise Refused("no_jurors")
    return {"phase": to, "previous": state.phase}


def post_challenge(state: HackathonState, challenge_id: str, fields: Mapping[str, Any]) -> dict[str, Any]:
    """New challenges while challenges are collected; revisions also while registration is open."""
    known = state.challenges.get(challenge_id)
    _phase(state, ("entwurf", "challenges_sammeln") if known is None else ("entwurf", "challenges_sammeln",
                                                                             "anmeldung_offen"))  # fmt: skip
    return {**fields, "challenge_id": challenge_id, "revision": 1 if known is None else known.revision + 1}


def register(state: HackathonState, participant: UUID, consent: str) -> dict[str, Any]:
    _phase(state, TEAM_PHASES)
    if participant in state.participants:
        raise Refused("registered")
    return {"participant_id": participant, "consent": consent}


def _participant(state: HackathonState, participant: UUID) -> None:
    if participant not in state.participants:
        raise Refused("not_registered", 403)


def create_team(state: HackathonState, participant: UUID, team: UUID, name: str, publish: bool) -> dict[str, Any]:
    _phase(state, TEAM_PHASES)
    _participant(state, participant)
    if participant in state.team_of:
        raise Refused("in_a_team")
    if any(t.name is not None and t.name.casefold() == name.strip().casefold() for t in state.teams.values()):
        raise Refused("team_name_taken", name=name)
    return {"team_id": team, "name": name, "founder": participant, "publish_name": publish}


def join_team(state: HackathonState, participant: UUID, team: UUID) -> dict[str, Any]:
    _phase(state, TEAM_PHASES)
    _participant(state, participant)
    if team not in state.teams or state.dissolved(team):
        raise Refused("unknown_team", 404)
    if participant in state.team_of:
        raise Refused("in_a_team")
    if len(state.teams[team].members) >= state.info.max_team_size:
        raise Refused("team_full", size=state.info.max_team_size)
    return {"team_id": team, "participant_id": participant}


def leave_team(state: HackathonState, participant: UUID) -> dict[str, Any]:
    _phase(state, TEAM_PHASES)
    team = state.team_of.get(participant)
    if team is None:
        raise Refused("not_in_a_team")
    return {"team_id": team, "participant_id": participant}


def submission_deadline(state: HackathonState) -> datetime | None:
    """The planned start of "Einreichung geschlossen": submissions are frozen from then on, even before staff
    move the phase on."""
    return next((p.starts_at for p in state.info.schedule if p.phase == "einreichung_geschlossen"), None)


def save_submission(
    state: HackathonState, participant: UUID, submission: UUID, fields: Mapping[str, Any], now: datetime
) -> dict[str, Any]:
    """A team member saves the team's solution for a challenge (one per team and challenge; saving again
    edits it, keeping its id)."""
    _phase(state, ("hackathon_laeuft",))
    deadline = submission_deadline(state)
    if deadline is not None and now >= deadline:
        raise Refused("deadline")
    _participant(state, participant)
    team = state.team_of.get(participant)
    if team is None:
        raise Refused("not_in_a_team")
    challenge = str(fields["challenge_id"])
    if challenge not in state.challenges:
        raise Refused("unknown_challenge", 422, challenge=challenge)
    existing = state.submission_of(team, challenge)
    if existing is not None:
        submission = existing.submission_id
    elif submission in state.submissions:
        raise Refused("not_your_submission", 403)
    revision = existing.revision + 1 if existing else 1
    return {**fields, "submission_id": submission, "revision": revision, "team_id": team}


def invite_juror(state: HackathonState, juror: str) -> dict[str, Any]:
    _phase(state, BEFORE_RESULTS)
    if juror in state.jurors:
        raise Refused("juror_invited")
    return {"juror": juror}


def declare_conflict(state: HackathonState, juror: str, team: UUID, reason: str) -> dict[str, Any]:
    _phase(state, BEFORE_RESULTS)
    _juror(state, juror)
    if team not in state.teams:
        raise Refused("unknown_team", 404)
    if (juror, team) in state.conflicts:
        raise Refused("conflict_declared")
    return {"juror": juror, "team_id": team, "reason": reason}


def _juror(state: HackathonState, juror: str) -> None:
    if juror not in state.jurors:
        raise Refused("not_a_juror", 403)


def _submission(state: HackathonState, submission: UUID) -> Submission:
    found = state.submissions.get(submission)
    if found is None:
        raise Refused("unknown_submission", 404)
    return found


def submit_scorecard(
    state: HackathonState, juror: str, submission: UUID, scores: Mapping[str, int], comment: str | None,
    member_of: frozenset[UUID] = frozenset(),
) -> dict[str, Any]:  # fmt: skip
    """A juror scores a submission (criteria may be left open: such a scorecard is saved but does not count
    until it is complete). ``member_of``: teams the juror belongs to (found by the service)."""
    _phase(state, ("jurierung",))
    _juror(state, juror)
    team = _submission(state, submission).team_id
    if team in member_of or (juror, team) in state.conflicts:
        raise Refused("conflict")
    known = {c.id for c in state.info.criteria}
    unknown = sorted(set(scores) - known)
    if unknown:
        raise Refused("unknown_criterion", 422, criterion=unknown[0])
    if any(not 1 <= v <= 10 for v in scores.values()):
        raise Refused("score_range", 422)
    return {"juror": juror, "submission_id": submission, "scores": dict(scores), "comment": comment}


def exclude_scorecard(state: HackathonState, juror: str, submission: UUID, reason: str) -> dict[str, Any]:
    _phase(state, ("jurierung",))
    if (juror, submission) not in state.scorecards:
        raise Refused("unknown_scorecard", 404)
    if (juror, submission) in state.excluded:
        raise Refused("excluded")
    if len(reason.strip()) < 10:
        raise Refused("reason", 422)
    return {"juror": juror, "submission_id": submission, "reason": reason.strip()}


def cast_vote(state: HackathonState, participant: UUID, submission: UUID) -> dict[str, Any]:
    """A vote for another team's submission: never for a team the participant is or ever was in (leaving the team
    after submitting does not make it someone else's)."""
    if not state.info.community_vote:
        raise Refused("no_vote")
    _phase(state, VOTE_PHASES)
    _participant(state, participant)
    if _submission(state, submission).team_id in state.ever_in.get(participant, ()):
        raise Refused("own_team")
    return {"participant_id": participant, "submission_id": submission}


def counts_as_vote(state: HackathonState, participant: UUID, submission: UUID) -> bool:
    """Whether a vote counts: not for a team the voter is or ever was in, whether they joined it before or after
    voting (a team can be joined after a vote when staff move the phase back)."""
    found = state.submissions.get(submission)
    return found is not None and found.team_id not in state.ever_in.get(participant, ())


def save_statement(state: HackathonState, submission: UUID, statement: str) -> dict[str, Any]:
    _phase(state, ("jurierung",))
    _submission(state, submission)
    return {"submission_id": submission, "statement": statement}


def grant_award(
    state: HackathonState, left_cents: int, award: UUID, submission: UUID, amount_cents: int, title: str,
    justification: str,
) -> dict[str, Any]:  # fmt: skip
    """A prize for a submission, paid from the hackathon's year; refused if more than ``left_cents`` (what is
    left of that year's budget, across all its hackathons, after their expenses and prizes)."""
    _phase(state, ("jurierung",))
    _submission(state, submission)
    if amount_cents <= 0:
        raise Refused("amount", 422)
    if amount_cents > left_cents:
        raise Refused("budget", field="amount_cents", amount=euro(amount_cents), left=euro(max(left_cents, 0)),
                      year=state.info.year)  # fmt: skip
    return {"award_id": award, "year": state.info.year, "submission_id": submission, "amount_cents": amount_cents,
            "title": title, "justification": justification}  # fmt: skip


def erase_participant(state: HackathonState, participant: UUID, name: str = "") -> dict[str, Any]:
    """A participant's data goes, and with it what they wrote (``name``: their name as registered, which never goes
    onto the topic):

    * the names of the teams they founded (they chose it; the others joined under it), of the teams they were ever
      in whose name contains their name (``names_in``), and of the teams everybody ever in has now erased, become
      "Team <number>";
    * the texts of the submissions of teams everybody ever in has now erased (a team of one, or the last author
      of a team whose others erased theirs before) are erased; the submissions keep their place, scores, votes and
      prizes. A team with somebody still registered who was in it keeps its texts: they are theirs too;
    * their community vote is removed, unless the results are published: then the vote stays in the published
      count (it names nobody once the person is gone), so that published results do not change afterwards.
    """
    _participant(state, participant)
    teams = state.ever_in.get(participant, set())
    deserted = deserted_by(state, participant)
    names = sorted(
        (t.id for t in state.teams.values() if t.name is not None and (
            t.id in deserted or t.founder == participant or (t.id in teams and names_in(t.name, name)))),
        key=str,
    )  # fmt: skip
    texts = sorted((s.submission_id for s in state.submissions.values() if s.team_id in deserted and not s.erased),
                   key=str)  # fmt: skip
    return {"participant_id": participant, "team_names_erased": names, "submissions_erased": texts,
            "vote_kept": participant in state.votes and state.phase in RESULT_PHASES}  # fmt: skip


def deserted_by(state: HackathonState, participant: UUID) -> set[UUID]:
    """The teams everybody ever in will have erased their data once ``participant`` has: their submissions' texts
    go, and nobody is left to join them."""
    gone = state.erased | {participant}
    return {t for t in state.ever_in.get(participant, set()) if state.ever_members(t) <= gone}


_UMLAUTS = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue"})


def _folded(value: str) -> str:
    return unicodedata.normalize("NFKC", value).casefold().translate(_UMLAUTS)


def names_in(team_name: str, person_name: str) -> bool:
    """Whether a team's name contains a person's name: one of its words of three letters or more anywhere in it
    ("Annas Apps" for Anna), a shorter one as a word of its own ("Team Li"); case, umlauts (ä/ae) and ß/ss aside.
    Meant to catch a name, so it errs towards erasing a team name that only looks like one."""
    folded = _folded(team_name)
    words = set(re.findall(r"\w+", folded))
    return any(w in folded if len(w) >= 3 else w in words
               for w in re.findall(r"\w+", _folded(person_name)) if len(w) >= 2 and not w.isdigit())  # fmt: skip


# ---- Money ----


def euro(cents: int) -> str:
    """German notation: ``2.500,00 €`` (the project's one money format, ``shared.formats``)."""
    return formats.euro(cents)


@dataclass(frozen=True)
class Ledger:
    """A year's hackathon budget: the budget, what was awarded (across all the year's hackathons), what the year's
    expenses come to (``budget.ledger`` folds them), what is left."""

    year: int
    budget_cents: int
    awarded_cents: int
    expenses_cents: int = 0

    @property
    def spent_cents(self) -> int:
        return self.awarded_cents + self.expenses_cents

    @property
    def left_cents(self) -> int:
        return self.budget_cents - self.awarded_cents - self.expenses_cents


def ledger(year: int, budget_cents: int, awards: list[AwardGrantedV1]) -> Ledger:
    return Ledger(year, budget_cents, sum(a.amount_cents for a in awards if a.year == year))


# ---- Results ----


def jury_ranking(state: HackathonState) -> ranking.Ranking:
    """The jury's ranking of all submissions: complete, not excluded scorecards of jurors without a conflict
    with the team, weighted per criterion, optionally per-juror normalised (see ``ranking``)."""
    info = state.info
    criteria = [ranking.Criterion(c.id, c.weight) for c in info.criteria]
    cards = [
        ranking.Scorecard(juror, str(sub), dict(card.scores), excluded=(juror, sub) in state.excluded)
        for (juror, sub), card in sorted(state.scorecards.items(), key=lambda kv: kv[1].sequence)
    ]
    conflicts = {(j, s.submission_id) for (j, team) in state.conflicts for s in state.submissions.values()
                 if s.team_id == team}  # fmt: skip
    order = sorted(state.submissions.values(), key=lambda s: s.sequence)
    return ranking.rank(
        [str(s.submission_id) for s in order],
        criteria,
        cards,
        {(j, str(s)) for j, s in conflicts},
        normalise=info.normalise_scores,
    )


def vote_counts(state: HackathonState) -> dict[UUID, int] | None:
    """Community votes per submission; None while the vote is open (results stay hidden until then)."""
    if state.phase not in RESULT_PHASES:
        return None
    counts: dict[UUID, int] = {}
    for participant, submission in state.votes.items():
        if counts_as_vote(state, participant, submission):
            counts[submission] = counts.get(submission, 0) + 1
    return counts


# ---- Who is who: one person per address, and how long a personal token signs in ----

GMAIL = ("gmail.com", "googlemail.com")


def canonical_email(address: str) -> str:
    """The form of an address that decides whether two addresses are one person's (registration, pending
    registrations, the mail limit, and so the vote): lower case, without the local part's ``+tag``; at Gmail also
    without dots, googlemail.com as gmail.com. Mail still goes to the address as typed."""
    local, _, domain = address.strip().lower().rpartition("@")
    local = local.split("+", 1)[0]
    if domain in GMAIL:
        local, domain = local.replace(".", ""), GMAIL[0]
    return f"{local}@{domain}"


def archive_date(state: HackathonState) -> datetime | None:
    """The planned start of "Archiv": the hackathon's end, as far as participants are concerned."""
    return next((p.starts_at for p in state.info.schedule if p.phase == "archiv"), None)


def ended_at(state: HackathonState) -> datetime | None:
    """When the hackathon ended (the retention of its participants' data counts from then): moved to "Archiv",
    or its planned archive date, whichever came first; None while neither is known."""
    known = [d for d in (state.archived_at, archive_date(state) if state.created else None) if d is not None]
    return min(known, default=None)


def token_valid_until(state: HackathonState, issued_at: datetime, lifetime: timedelta) -> datetime:
    """When a personal token issued at ``issued_at`` stops signing in: ``lifetime`` later, or at the planned
    archive date if that comes first."""
    end = archive_date(state)
    return min(issued_at + lifetime, end) if end is not None else issued_at + lifetime


def token_signs_in(state: HackathonState, issued_at: datetime, lifetime: timedelta, now: datetime) -> bool:
    """Whether a personal token still signs in: within its lifetime, and never in an archived hackathon."""
    return state.phase != "archiv" and now < token_valid_until(state, issued_at, lifetime)
