"""The hackathon's rules, pure: phases, challenges, teams, submissions and their deadline, jury conflicts,
scorecards, the community vote, the prize budget and erasure, each refusal with its reason."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from fractions import Fraction
from typing import Any

import pytest
from pydantic import BaseModel

from services.hackathon import domain
from services.hackathon.domain import HackathonState, Refused
from shared.contracts.hackathon import (
    PHASES,
    AwardGrantedV1,
    ChallengePostedV1,
    ConflictDeclaredV1,
    HackathonCreatedV1,
    HackathonPhaseChangedV1,
    JurorInvitedV1,
    ParticipantErasedV1,
    ParticipantErasedV2,
    ParticipantRegisteredV1,
    Phase,
    ScorecardExcludedV1,
    ScorecardSubmittedV1,
    SubmissionSavedV1,
    TeamCreatedV1,
    TeamJoinedV1,
    TeamLeftV1,
    VoteCastV1,
)
from shared.messages import text

NOW = datetime(2026, 11, 28, 12, 0, tzinfo=UTC)
DEADLINE = datetime(2026, 12, 5, 18, 0, tzinfo=UTC)


class Hackathon:
    """A hackathon driven through the domain's decisions, each applied as the service would."""

    def __init__(self, **created: Any) -> None:
        self.state = HackathonState("musterstadt-2026")
        self.apply(HackathonCreatedV1, {
            "year": 2026, "title": "Musterstadt hackt", "description": "Drei Challenges der Stadt.",
            "schedule": [{"phase": "einreichung_geschlossen", "starts_at": DEADLINE}],
            "criteria": [{"id": "nutzen", "name": "Nutzen", "weight": 40},
                         {"id": "umsetzbarkeit", "name": "Umsetzbarkeit", "weight": 30},
                         {"id": "innovation", "name": "Innovation", "weight": 20},
                         {"id": "praesentation", "name": "Präsentation", "weight": 10}],
            "max_team_size": 2, "community_vote": True, **created,
        })  # fmt: skip

    def apply(self, model: type[BaseModel], data: dict[str, Any], actor: str = "staff") -> Any:
        event = domain.next_event(self.state, model, data, NOW, actor)
        assert domain.apply(self.state, event)
        return event

    def to(self, phase: Phase) -> None:
        while self.state.phase != phase:
            following = PHASES[PHASES.index(self.state.phase) + 1]
            if following == "jurierung" and not self.state.jurors:
                self.apply(JurorInvitedV1, domain.invite_juror(self.state, "jury-1"))
            self.apply(HackathonPhaseChangedV1, domain.change_phase(self.state, following))

    def challenge(self, challenge_id: str = "abfallkalender") -> None:
        fields = {"org_unit": "abfallwirtschaft", "title": "Abfallkalender für alle",
                  "problem": "Der Kalender lädt nicht auf Mobilgeräten.", "contact": "Team Digitales",
                  "expected_outcome": "Ein Prototyp."}  # fmt: skip
        self.apply(ChallengePostedV1, domain.post_challenge(self.state, challenge_id, fields))

    def person(self) -> uuid.UUID:
        participant = uuid.uuid4()
        self.apply(ParticipantRegisteredV1, domain.register(self.state, participant, "2026-1"))
        return participant

    def team(self, founder: uuid.UUID, name: str) -> uuid.UUID:
        team = uuid.uuid4()
        self.apply(TeamCreatedV1, domain.create_team(self.state, founder, team, name, True))
        return team

    def submit(self, member: uuid.UUID, challenge: str = "abfallkalender", title: str = "Kalender-App") -> uuid.UUID:
        fields = {"challenge_id": challenge, "title": title, "summary": "Ein Kalender.", "description": "Offline.",
                  "licence": "EUPL-1.2"}  # fmt: skip
        event = self.apply(SubmissionSavedV1, domain.save_submission(self.state, member, uuid.uuid4(), fields, NOW))
        return event.submission_id  # type: ignore[no-any-return]


def refused(code: str, call: Any, *args: Any, **kwargs: Any) -> Refused:
    with pytest.raises(Refused) as caught:
        call(*args, **kwargs)
    assert caught.value.code == code
    text(f"hackathon.refused.{code}", **caught.value.values)  # the reason exists in the catalogue and formats
    return caught.value


def test_phases_move_one_at_a_time_and_never_back_out_of_published_results() -> None:
    h = Hackathon()
    refused("phase_order", domain.change_phase, h.state, "anmeldung_offen")  # skipping a phase
    refused("same_phase", domain.change_phase, h.state, "entwurf")
    h.to("einreichung_geschlossen")
    refused("no_jurors", domain.change_phase, h.state, "jurierung")
    assert domain.change_phase(h.state, "hackathon_laeuft") == {"phase": "hackathon_laeuft",
                                                                "previous": "einreichung_geschlossen"}  # fmt: skip
    h.to("ergebnisse_veroeffentlicht")
    refused("phase_order", domain.change_phase, h.state, "jurierung")
    assert h.state.sequence == 8  # created, one juror, six phase changes


def test_every_command_checks_the_phase() -> None:
    h = Hackathon()
    participant = uuid.uuid4()
    error = refused("phase", domain.register, h.state, participant, "2026-1")
    assert text("hackathon.refused.phase", phase=text(f"hackathon.phase.{error.values['phase']}")) == (
        "Das ist in der Phase „Entwurf“ nicht möglich."
    )
    h.challenge()
    h.to("anmeldung_offen")
    refused("phase", domain.post_challenge, h.state, "neu", {})  # new challenges only while they are collected
    h.challenge()  # a revision is still possible
    assert h.state.challenges["abfallkalender"].revision == 2
    member = h.person()
    h.team(member, "Tonnentaucher")
    refused("phase", domain.save_submission, h.state, member, uuid.uuid4(), {"challenge_id": "abfallkalender"}, NOW)
    refused("phase", domain.submit_scorecard, h.state, "jury-1", uuid.uuid4(), {}, None)


def test_teams_registration_names_size_and_leaving() -> None:
    h = Hackathon()
    h.challenge()
    h.to("anmeldung_offen")
    anna, ben, cem = h.person(), h.person(), h.person()
    refused("registered", domain.register, h.state, anna, "2026-1")
    refused("not_registered", domain.create_team, h.state, uuid.uuid4(), uuid.uuid4(), "X-Team", True)
    team = h.team(anna, "Tonnentaucher")
    refused("team_name_taken", domain.create_team, h.state, ben, uuid.uuid4(), " tonnentaucher ", True)
    refused("in_a_team", domain.create_team, h.state, anna, uuid.uuid4(), "Zweites Team", True)
    h.apply(TeamJoinedV1, domain.join_team(h.state, ben, team))
    error = refused("team_full", domain.join_team, h.state, cem, team)
    assert text("hackathon.refused.team_full", **error.values) == "Das Team ist voll (höchstens 2 Personen)."
    refused("unknown_team", domain.join_team, h.state, cem, uuid.uuid4())
    h.apply(TeamLeftV1, domain.leave_team(h.state, ben))
    assert h.state.teams[team].members == [anna] and ben not in h.state.team_of
    refused("not_in_a_team", domain.leave_team, h.state, ben)
    h.apply(TeamJoinedV1, domain.join_team(h.state, cem, team))
    assert h.state.teams[team].members == [anna, cem]


def test_a_submission_is_edited_in_place_until_the_deadline_then_frozen() -> None:
    h = Hackathon()
    h.challenge()
    h.challenge("parkausweis")
    h.to("anmeldung_offen")
    anna, ben = h.person(), h.person()
    team = h.team(anna, "Tonnentaucher")
    h.apply(TeamJoinedV1, domain.join_team(h.state, ben, team))
    loner = h.person()
    h.to("hackathon_laeuft")
    first = h.submit(anna)
    again = h.submit(ben, title="Kalender-App 2")  # the other member edits the team's submission
    assert again == first and h.state.submissions[first].revision == 2
    assert h.state.submissions[first].title == "Kalender-App 2"
    assert h.submit(anna, challenge="parkausweis") != first  # another challenge: another submission
    refused("not_in_a_team", domain.save_submission, h.state, loner, uuid.uuid4(), {"challenge_id": "x"}, NOW)
    refused("unknown_challenge", domain.save_submission, h.state, anna, uuid.uuid4(), {"challenge_id": "x"}, NOW)
    late = DEADLINE + timedelta(seconds=1)
    refused("deadline", domain.save_submission, h.state, anna, uuid.uuid4(), {"challenge_id": "abfallkalender"}, late)


def test_jurors_with_a_conflict_cannot_score_and_scorecards_can_be_excluded_with_a_reason() -> None:
    h = Hackathon()
    h.challenge()
    h.to("anmeldung_offen")
    anna = h.person()
    team = h.team(anna, "Tonnentaucher")
    h.to("hackathon_laeuft")
    submission = h.submit(anna)
    h.to("einreichung_geschlossen")
    for juror in ("jury-1", "jury-2", "jury-3"):
        h.apply(JurorInvitedV1, domain.invite_juror(h.state, juror))
    refused("juror_invited", domain.invite_juror, h.state, "jury-1")
    h.apply(ConflictDeclaredV1, domain.declare_conflict(h.state, "jury-2", team, "Arbeitet mit dem Team."))
    h.to("jurierung")
    full = {"nutzen": 8, "umsetzbarkeit": 7, "innovation": 9, "praesentation": 6}
    refused("conflict", domain.submit_scorecard, h.state, "jury-2", submission, full, None)
    refused("conflict", domain.submit_scorecard, h.state, "jury-3", submission, full, None, frozenset({team}))
    refused("not_a_juror", domain.submit_scorecard, h.state, "fremd", submission, full, None)
    refused("unknown_criterion", domain.submit_scorecard, h.state, "jury-1", submission, {"design": 5}, None)
    refused("score_range", domain.submit_scorecard, h.state, "jury-1", submission, {"nutzen": 11}, None)
    h.apply(ScorecardSubmittedV1, domain.submit_scorecard(h.state, "jury-1", submission, full, "Stark."))
    h.apply(ScorecardSubmittedV1, domain.submit_scorecard(h.state, "jury-3", submission, {"nutzen": 2}, None))
    refused("reason", domain.exclude_scorecard, h.state, "jury-1", submission, "kurz")
    refused("unknown_scorecard", domain.exclude_scorecard, h.state, "jury-2", submission, "Befangen, nachträglich.")
    h.apply(ScorecardExcludedV1, domain.exclude_scorecard(h.state, "jury-1", submission, "Versehentlich doppelt."))
    refused("excluded", domain.exclude_scorecard, h.state, "jury-1", submission, "Noch einmal ausgeschlossen.")
    result = domain.jury_ranking(h.state)
    (entry,) = result.entries
    # jury-1 excluded, jury-2 never scored, jury-3 incomplete: nothing counts yet.
    assert (entry.rank, entry.score, entry.scorecards, entry.excluded, entry.incomplete) == (None, None, 0, 1, 1)
    h.apply(ScorecardSubmittedV1, domain.submit_scorecard(h.state, "jury-1", submission, full, "Neu bewertet."))
    (entry,) = domain.jury_ranking(h.state).entries  # a new scorecard is judged anew: it counts
    # (40·8 + 30·7 + 20·9 + 10·6) / 100 = 770 / 100
    assert (entry.rank, entry.score, entry.scorecards) == (1, Fraction(77, 10), 1)


def test_the_community_vote_excludes_ones_own_team_and_stays_hidden_until_published() -> None:
    h = Hackathon()
    h.challenge()
    h.to("anmeldung_offen")
    anna, ben, cem = h.person(), h.person(), h.person()
    h.team(anna, "Tonnentaucher")
    h.team(ben, "Parkpiloten")
    h.to("hackathon_laeuft")
    mine, theirs = h.submit(anna), h.submit(ben, title="Tonnen-Radar")
    refused("phase", domain.cast_vote, h.state, cem, mine)
    h.to("einreichung_geschlossen")
    refused("own_team", domain.cast_vote, h.state, anna, mine)
    h.apply(VoteCastV1, domain.cast_vote(h.state, anna, theirs))
    h.apply(VoteCastV1, domain.cast_vote(h.state, cem, theirs))
    h.apply(VoteCastV1, domain.cast_vote(h.state, cem, mine))  # changed their mind: the latest vote counts
    assert domain.vote_counts(h.state) is None
    h.to("ergebnisse_veroeffentlicht")
    assert domain.vote_counts(h.state) == {theirs: 1, mine: 1}
    assert refused("no_vote", domain.cast_vote, Hackathon(community_vote=False).state, anna, mine)


def test_awards_never_exceed_what_is_left_of_the_years_budget() -> None:
    h = Hackathon()
    h.challenge()
    h.to("anmeldung_offen")
    anna = h.person()
    h.team(anna, "Tonnentaucher")
    h.to("hackathon_laeuft")
    submission = h.submit(anna)
    h.to("jurierung")
    earlier = domain.ledger(2026, 1_000_000, [])
    for cents in (500_000, 300_000):
        award = domain.grant_award(h.state, earlier.left_cents, uuid.uuid4(), submission, cents, "Preis", "Gut.")
        h.apply(AwardGrantedV1, award)
        earlier = domain.ledger(2026, 1_000_000, h.state.awards)
    assert (earlier.awarded_cents, earlier.left_cents) == (800_000, 200_000)
    error = refused("budget", domain.grant_award, h.state, earlier.left_cents, uuid.uuid4(), submission, 200_001,
                    "Preis", "Zu viel.")  # fmt: skip
    assert text("hackathon.refused.budget", **error.values) == (
        "Das übersteigt das Hackathon-Budget 2026 (Ausgaben und Preise zusammen): es sind noch 2.000,00 € übrig."
    )
    refused("amount", domain.grant_award, h.state, earlier.left_cents, uuid.uuid4(), submission, 0, "Preis", "Null.")
    h.apply(AwardGrantedV1, domain.grant_award(h.state, 200_000, uuid.uuid4(), submission, 200_000, "Rest", "Passt."))
    assert domain.ledger(2026, 1_000_000, h.state.awards).left_cents == 0
    assert domain.ledger(2027, 1_000_000, h.state.awards).left_cents == 1_000_000  # another year's budget
    assert domain.euro(123_456_789) == "1.234.567,89 €" and domain.euro(5) == "0,05 €"


def test_an_erased_participant_leaves_their_team_and_their_vote() -> None:
    h = Hackathon()
    h.challenge()
    h.to("anmeldung_offen")
    anna, ben = h.person(), h.person()
    team = h.team(anna, "Tonnentaucher")
    h.apply(TeamJoinedV1, domain.join_team(h.state, ben, team))
    h.apply(ParticipantErasedV2, domain.erase_participant(h.state, ben, "Ben Becker"))
    assert h.state.teams[team].members == [anna] and ben not in h.state.participants
    assert h.state.teams[team].name == "Tonnentaucher"  # Anna named it, and Ben's name is not in it
    refused("not_registered", domain.erase_participant, h.state, ben)


def test_erasures_of_v1_still_fold_as_they_did() -> None:
    """Before v2 an erasure took the person only: their team's name and texts stay as they were then."""
    h = Hackathon()
    h.challenge()
    h.to("anmeldung_offen")
    anna = h.person()
    team = h.team(anna, "Annas Team")
    h.to("hackathon_laeuft")
    submission = h.submit(anna)
    h.to("einreichung_geschlossen")
    h.apply(ParticipantErasedV1, {"participant_id": anna})
    assert h.state.teams[team].name == "Annas Team" and h.state.submissions[submission].title == "Kalender-App"
    assert anna in h.state.erased and h.state.dissolved(team)


def test_what_an_erased_participant_wrote_goes_with_them_and_the_ranking_keeps_its_places() -> None:
    """Issue 16: names of teams they founded or whose name contains theirs become "Team <n>"; the texts of
    submissions nobody still registered wrote with them are erased; places, scores, votes and prizes stay."""
    h = Hackathon(max_team_size=3)
    h.challenge()
    h.to("anmeldung_offen")
    anna, ben, cem, dora, eva, fritz = (h.person() for _ in range(6))
    tonnen = h.team(anna, "Tonnentaucher")
    h.apply(TeamJoinedV1, domain.join_team(h.state, ben, tonnen))
    duo = h.team(cem, "Dora und Cem")
    h.apply(TeamJoinedV1, domain.join_team(h.state, dora, duo))
    solo = h.team(eva, "Evas Kalender")
    other = h.team(fritz, "Parkpiloten")
    h.to("hackathon_laeuft")
    s_tonnen, s_duo, s_solo = h.submit(anna), h.submit(cem, title="Zwei-App"), h.submit(eva, title="Eva-App")
    s_other = h.submit(fritz, title="Park-Radar")
    h.to("einreichung_geschlossen")
    h.apply(VoteCastV1, domain.cast_vote(h.state, eva, s_other))
    h.apply(VoteCastV1, domain.cast_vote(h.state, dora, s_other))
    h.to("jurierung")
    full = {"nutzen": 8, "umsetzbarkeit": 7, "innovation": 9, "praesentation": 6}
    for submission in (s_tonnen, s_duo, s_solo, s_other):
        h.apply(ScorecardSubmittedV1, domain.submit_scorecard(h.state, "jury-1", submission, full, None))
    before = domain.jury_ranking(h.state)

    # Eva, alone in her team, before the results: her team's name, her submission's texts and her vote go.
    decision = domain.erase_participant(h.state, eva, "Eva Erdmann")
    assert decision == {"participant_id": eva, "team_names_erased": [solo], "submissions_erased": [s_solo],
                        "vote_kept": False}  # fmt: skip
    h.apply(ParticipantErasedV2, decision)
    assert h.state.teams[solo].name is None and h.state.teams[solo].shown_name() == "Team 3"
    erased = h.state.submissions[s_solo]
    assert (erased.title, erased.summary, erased.description, erased.erased) == (None, None, None, True)
    assert erased.shown_title() == "(gelöscht)" and erased.shown_title("en") == "(erased)"
    assert (erased.challenge_id, erased.licence, erased.revision) == ("abfallkalender", "EUPL-1.2", 1)
    assert eva not in h.state.votes and h.state.dissolved(solo)
    assert domain.jury_ranking(h.state) == before  # the same places and scores

    # Anna founded her team: its name goes, Ben's and her submission stays (Ben is still registered).
    decision = domain.erase_participant(h.state, anna, "Anna Schmidt")
    assert (decision["team_names_erased"], decision["submissions_erased"]) == ([tonnen], [])
    h.apply(ParticipantErasedV2, decision)
    assert h.state.teams[tonnen].shown_name() == "Team 1" and h.state.submissions[s_tonnen].title == "Kalender-App"
    # Then Ben, the last of the team: its texts go with him.
    decision = domain.erase_participant(h.state, ben, "Ben")
    assert (decision["team_names_erased"], decision["submissions_erased"]) == ([], [s_tonnen])
    h.apply(ParticipantErasedV2, decision)
    assert h.state.submissions[s_tonnen].erased

    # Dora's name is in her team's name, which Cem chose: the name goes, the submission stays (Cem's too).
    h.to("ergebnisse_veroeffentlicht")
    assert domain.vote_counts(h.state) == {s_other: 1}
    decision = domain.erase_participant(h.state, dora, "Dora Dietrich")
    assert decision == {"participant_id": dora, "team_names_erased": [duo], "submissions_erased": [],
                        "vote_kept": True}  # fmt: skip
    h.apply(ParticipantErasedV2, decision)
    assert h.state.teams[duo].shown_name() == "Team 2" and h.state.submissions[s_duo].title == "Zwei-App"
    assert domain.vote_counts(h.state) == {s_other: 1}  # published: her vote stays counted, linked to nobody
    assert h.state.teams[other].name == "Parkpiloten" and h.state.submissions[s_other].title == "Park-Radar"
    assert domain.jury_ranking(h.state) == before
    # An erased name is no name: another team may take a name like it.
    assert not any(t.name == "Tonnentaucher" for t in h.state.teams.values())


def test_nobody_joins_a_team_everybody_in_it_has_erased() -> None:
    h = Hackathon()
    h.to("anmeldung_offen")
    anna, ben = h.person(), h.person()
    team = h.team(anna, "Tonnentaucher")
    h.apply(ParticipantErasedV2, domain.erase_participant(h.state, anna, "Anna"))
    assert h.state.dissolved(team)
    refused("unknown_team", domain.join_team, h.state, ben, team)
    h.team(ben, "Tonnentaucher")  # its name is free again


@pytest.mark.parametrize(
    ("team", "person", "contains"),
    [
        ("Annas Apps", "Anna Schmidt", True),
        ("Die Schmidts", "Anna Schmidt", True),
        ("Team Müller", "Jörg Mueller", True),
        ("Team Li", "Li Wei", True),
        ("Lichtblick", "Li Wei", False),  # a two-letter name only as a word of its own
        ("Tonnentaucher", "Anna Schmidt", False),
        ("Team 11", "Person 11", False),  # numbers are no names
        ("Straßenfeger", "Ida Strassen", True),
    ],
)
def test_a_name_in_a_team_name(team: str, person: str, contains: bool) -> None:
    assert domain.names_in(team, person) is contains


def test_events_apply_once_and_in_order() -> None:
    h = Hackathon()
    event = domain.next_event(h.state, ChallengePostedV1, {"challenge_id": "x", "revision": 1, "org_unit": "bauamt",
                              "title": "Bauanträge", "problem": "p", "contact": "c", "expected_outcome": "o"},
                              NOW, "staff")  # fmt: skip
    skipped = event.model_copy(update={"sequence": event.sequence + 1})
    assert not domain.apply(h.state, skipped)  # a gap: not applied
    assert domain.apply(h.state, event) and not domain.apply(h.state, event)  # applied once
    assert list(h.state.challenges) == ["x"] and h.state.sequence == 2


def test_leaving_the_team_after_submitting_does_not_let_one_vote_for_it() -> None:
    """Penetration test, finding 6: a member leaves the team after it submitted, then votes for its submission."""
    h = Hackathon()
    h.challenge()
    h.to("anmeldung_offen")
    anna, ben, cem = h.person(), h.person(), h.person()
    team = h.team(anna, "Tonnentaucher")
    h.apply(TeamJoinedV1, domain.join_team(h.state, ben, team))
    h.team(cem, "Parkpiloten")
    h.to("hackathon_laeuft")
    ours, theirs = h.submit(anna), h.submit(cem, title="Park-Radar")
    h.apply(TeamLeftV1, domain.leave_team(h.state, ben))  # the attack: out of the team, then vote for it
    h.to("einreichung_geschlossen")
    refused("own_team", domain.cast_vote, h.state, ben, ours)
    assert text("hackathon.refused.own_team") == "Für ein Team, in dem Sie sind oder waren, können Sie nicht abstimmen."
    h.apply(VoteCastV1, domain.cast_vote(h.state, ben, theirs))  # another team's submission: fine
    h.to("ergebnisse_veroeffentlicht")
    assert domain.vote_counts(h.state) == {theirs: 1}


def test_a_vote_never_counts_for_a_team_joined_after_voting() -> None:
    """The other order: vote for a team, then join it (staff moved the phase back). Refusing at cast time cannot
    see that coming; the counting rule leaves the vote out, so the order does not matter."""
    h = Hackathon()
    h.challenge()
    h.to("anmeldung_offen")
    anna, dora = h.person(), h.person()
    team = h.team(anna, "Tonnentaucher")
    h.to("hackathon_laeuft")
    ours = h.submit(anna)
    h.to("einreichung_geschlossen")
    h.apply(VoteCastV1, domain.cast_vote(h.state, dora, ours))
    assert domain.counts_as_vote(h.state, dora, ours)
    h.apply(HackathonPhaseChangedV1, domain.change_phase(h.state, "hackathon_laeuft"))
    h.apply(TeamJoinedV1, domain.join_team(h.state, dora, team))
    h.apply(TeamLeftV1, domain.leave_team(h.state, dora))  # and out again: still once in it
    assert not domain.counts_as_vote(h.state, dora, ours)
    h.to("ergebnisse_veroeffentlicht")
    assert domain.vote_counts(h.state) == {}
    assert h.state.votes == {dora: ours}  # the event stands; only the count leaves it out


@pytest.mark.parametrize(
    ("typed", "canonical"),
    [
        ("Anna@Example.org", "anna@example.org"),
        (" anna+hackathon@example.org ", "anna@example.org"),
        ("anna+a+b@example.org", "anna@example.org"),
        ("a.n.n.a@example.org", "a.n.n.a@example.org"),  # dots count everywhere but at Gmail
        ("A.N.N.A+x@gmail.com", "anna@gmail.com"),
        ("anna.b@googlemail.com", "annab@gmail.com"),
        ("anna@mail.gmail.com.example", "anna@mail.gmail.com.example"),
        ("jürgen+x@müller.de", "jürgen@müller.de"),
    ],
)
def test_one_canonical_address_per_person(typed: str, canonical: str) -> None:
    """Penetration test, finding 6: plus addresses (and Gmail's dots) would make one person several voters."""
    assert domain.canonical_email(typed) == canonical


def test_a_personal_token_signs_in_for_its_lifetime_and_never_after_the_hackathon() -> None:
    """Penetration test, finding 9: tokens never expired."""
    month = timedelta(days=30)
    h = Hackathon()
    assert domain.token_valid_until(h.state, NOW, month) == NOW + month
    assert domain.token_signs_in(h.state, NOW, month, NOW + month - timedelta(seconds=1))
    assert not domain.token_signs_in(h.state, NOW, month, NOW + month)
    archived = NOW + timedelta(days=10)
    planned = Hackathon(schedule=[{"phase": "archiv", "starts_at": archived}])
    assert domain.token_valid_until(planned.state, NOW, month) == archived  # never beyond the planned end
    assert not domain.token_signs_in(planned.state, NOW, month, archived)
    h.to("archiv")  # archived before its lifetime ran out: over all the same
    assert not domain.token_signs_in(h.state, NOW, month, NOW + timedelta(days=1))


def test_a_hackathon_ends_when_archived_or_at_its_planned_archive_date() -> None:
    """Where the retention of participants' data counts from (``decisions.erase_ended``)."""
    assert domain.ended_at(Hackathon().state) is None
    planned = NOW + timedelta(days=60)
    h = Hackathon(schedule=[{"phase": "archiv", "starts_at": planned}])
    assert domain.ended_at(h.state) == planned
    h.to("archiv")  # moved on early (the helper applies every event at NOW)
    assert domain.ended_at(h.state) == NOW
