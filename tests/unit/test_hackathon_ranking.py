"""The hackathon jury ranking on hand-computed tables."""

from __future__ import annotations

import math
from fractions import Fraction

import pytest

from services.hackathon.ranking import Criterion, Entry, Ranking, Scorecard, format_score, rank

CRITERIA = (
    Criterion("nutzen", 40),
    Criterion("umsetzbarkeit", 30),
    Criterion("innovation", 20),
    Criterion("praesentation", 10),
)
# The weights add up to 100, so a scorecard's value is (40 n + 30 u + 20 i + 10 p) / 100.

OVERALL = (Criterion("gesamt", 1),)  # one criterion: a scorecard's value is its score


def card(juror: str, submission: str, n: int, u: int, i: int, p: int, *, excluded: bool = False) -> Scorecard:
    scores = {"nutzen": n, "umsetzbarkeit": u, "innovation": i, "praesentation": p}
    return Scorecard(juror, submission, scores, excluded=excluded)


def overall(juror: str, submission: str, score: int, *, excluded: bool = False) -> Scorecard:
    return Scorecard(juror, submission, {"gesamt": score}, excluded=excluded)


Row = tuple[str, int | None, Fraction | float | None, int, bool, int, int, int]


def rows(ranking: Ranking) -> list[Row]:
    """(submission, rank, score, counted, tied, excluded, incomplete, conflicted), one per entry, in ranking order."""
    return [
        (e.submission, e.rank, e.score, e.scorecards, e.tied, e.excluded, e.incomplete, e.conflicted)
        for e in ranking.entries
    ]


# Six submissions, four jurors; the input order matters only within the tie and for the unranked.
SUBMISSIONS = ("Baumkataster", "Mängelmelder", "Spielplatzkarte", "Wahlhelfer", "Fahrradbügel", "Parkplatzradar")
SCORECARDS = (
    # Baumkataster: all four count.
    card("anna", "Baumkataster", 8, 7, 9, 6),  # 320 + 210 + 180 + 60 = 770 -> 77/10
    card("bernd", "Baumkataster", 7, 8, 6, 8),  # 280 + 240 + 120 + 80 = 720 -> 72/10
    card("carla", "Baumkataster", 9, 8, 7, 7),  # 360 + 240 + 140 + 70 = 810 -> 81/10
    card("deniz", "Baumkataster", 8, 8, 8, 8),  # 800 -> 80/10
    # mean (77 + 72 + 81 + 80) / 10 / 4 = 310/40 = 31/4 = 7.75
    #
    # Mängelmelder: deniz belongs to the team (conflict), so his 10s do not count.
    card("anna", "Mängelmelder", 9, 9, 8, 7),  # 360 + 270 + 160 + 70 = 860 -> 86/10
    card("bernd", "Mängelmelder", 8, 8, 9, 9),  # 320 + 240 + 180 + 90 = 830 -> 83/10
    card("carla", "Mängelmelder", 8, 9, 9, 8),  # 320 + 270 + 180 + 80 = 850 -> 85/10
    card("deniz", "Mängelmelder", 10, 10, 10, 10),  # conflicted
    # mean (86 + 83 + 85) / 10 / 3 = 254/30 = 127/15 = 8.4666… (with deniz it would be 354/40 = 8.85)
    #
    # Spielplatzkarte: carla's scorecard lacks "praesentation" (incomplete), so her 9s do not count.
    card("anna", "Spielplatzkarte", 6, 6, 6, 5),  # 240 + 180 + 120 + 50 = 590 -> 59/10
    card("bernd", "Spielplatzkarte", 6, 7, 6, 5),  # 240 + 210 + 120 + 50 = 620 -> 62/10
    Scorecard("carla", "Spielplatzkarte", {"nutzen": 9, "umsetzbarkeit": 9, "innovation": 9}),  # incomplete
    card("deniz", "Spielplatzkarte", 7, 7, 6, 7),  # 280 + 210 + 120 + 70 = 680 -> 68/10
    # mean (59 + 62 + 68) / 10 / 3 = 189/30 = 63/10 = 6.3
    #
    # Wahlhelfer: only two jurors scored it.
    card("anna", "Wahlhelfer", 5, 6, 7, 8),  # 200 + 180 + 140 + 80 = 600 -> 60/10
    card("carla", "Wahlhelfer", 6, 5, 6, 5),  # 240 + 150 + 120 + 50 = 560 -> 56/10
    # mean (60 + 56) / 10 / 2 = 116/20 = 29/5 = 5.8
    #
    # Fahrradbügel: its only scorecard is excluded -> unranked.
    card("bernd", "Fahrradbügel", 9, 9, 9, 9, excluded=True),
    #
    # Parkplatzradar: all four count.
    card("anna", "Parkplatzradar", 6, 7, 5, 8),  # 240 + 210 + 100 + 80 = 630 -> 63/10
    card("bernd", "Parkplatzradar", 7, 6, 7, 7),  # 280 + 180 + 140 + 70 = 670 -> 67/10
    card("carla", "Parkplatzradar", 7, 7, 6, 6),  # 280 + 210 + 120 + 60 = 670 -> 67/10
    card("deniz", "Parkplatzradar", 5, 6, 5, 7),  # 200 + 180 + 100 + 70 = 550 -> 55/10
    # mean (63 + 67 + 67 + 55) / 10 / 4 = 252/40 = 63/10 = 6.3: exactly Spielplatzkarte's score. In floats the two
    # means come out as 6.3 and 6.300000000000001, which is why values and means are exact fractions.
)
CONFLICTS = {("deniz", "Mängelmelder")}


def test_the_hand_computed_table() -> None:
    ranking = rank(SUBMISSIONS, CRITERIA, SCORECARDS, CONFLICTS)

    assert ranking.normalised is False
    assert rows(ranking) == [
        ("Mängelmelder", 1, Fraction(127, 15), 3, False, 0, 0, 1),
        ("Baumkataster", 2, Fraction(31, 4), 4, False, 0, 0, 0),
        ("Spielplatzkarte", 3, Fraction(63, 10), 3, True, 0, 1, 0),  # tie: input order, Spielplatzkarte first
        ("Parkplatzradar", 3, Fraction(63, 10), 4, True, 0, 0, 0),
        ("Wahlhelfer", 5, Fraction(29, 5), 2, False, 0, 0, 0),  # "1, 2, 3, 3, 5"
        ("Fahrradbügel", None, None, 0, False, 1, 0, 0),
    ]
    assert all(isinstance(e.score, Fraction) for e in ranking.entries if e.score is not None)
    assert [e.score_text for e in ranking.entries] == ["8,47", "7,75", "6,30", "6,30", "5,80", "–"]


def test_without_the_conflict_the_team_member_would_count() -> None:
    ranking = rank(SUBMISSIONS, CRITERIA, SCORECARDS, set())

    assert rows(ranking)[0] == ("Mängelmelder", 1, Fraction(354, 40), 4, False, 0, 0, 0)  # 8.85, see the table


def test_normalisation_corrects_a_juror_who_scores_everything_high() -> None:
    # One criterion, so a scorecard's value is its score.
    scorecards = [
        overall("anna", "P", 8),
        overall("anna", "Q", 6),  # anna: mu 7, sigma 1 -> P +1, Q -1
        overall("bernd", "P", 7),
        overall("bernd", "Q", 5),  # bernd: mu 6, sigma 1 -> P +1, Q -1
        overall("carla", "Q", 10),
        overall("carla", "R", 9),  # carla, generous: mu 9.5, sigma 0.5 -> Q +1, R -1
    ]

    plain = rank(["P", "Q", "R"], OVERALL, scorecards, set())
    # Raw means: R 9 (carla's alone), P (8 + 7)/2 = 15/2, Q (6 + 5 + 10)/3 = 7.
    assert rows(plain) == [
        ("R", 1, Fraction(9), 1, False, 0, 0, 0),
        ("P", 2, Fraction(15, 2), 2, False, 0, 0, 0),
        ("Q", 3, Fraction(7), 3, False, 0, 0, 0),
    ]

    normalised = rank(["P", "Q", "R"], OVERALL, scorecards, set(), normalise=True)
    # R won only because its one juror is carla, whose 9 is her *lower* mark. Normalised:
    # P (1 + 1)/2 = 1, Q (-1 - 1 + 1)/3 = -1/3, R -1/1 = -1.
    assert normalised.normalised is True
    assert rows(normalised) == [
        ("P", 1, 1.0, 2, False, 0, 0, 0),
        ("Q", 2, -0.333333333, 3, False, 0, 0, 0),
        ("R", 3, -1.0, 1, False, 0, 0, 0),
    ]
    assert [e.score_text for e in normalised.entries] == ["1,00", "-0,33", "-1,00"]


def test_a_juror_without_spread_or_with_one_scorecard_contributes_zero() -> None:
    scorecards = [
        overall("dora", "P", 9),
        overall("dora", "Q", 9),  # dora: sigma 0 -> 0 and 0 (no division by zero)
        overall("emil", "R", 3),  # emil: one scorecard -> 0
        overall("anna", "P", 8),
        overall("anna", "Q", 6),  # anna: mu 7, sigma 1 -> P +1, Q -1
    ]
    # P (0 + 1)/2 = 0.5, Q (0 - 1)/2 = -0.5, R 0.
    assert rows(rank(["P", "Q", "R"], OVERALL, scorecards, set(), normalise=True)) == [
        ("P", 1, 0.5, 2, False, 0, 0, 0),
        ("R", 2, 0.0, 1, False, 0, 0, 0),
        ("Q", 3, -0.5, 2, False, 0, 0, 0),
    ]

    # Without anna everything is 0: one three-way tie, nothing broken.
    assert rows(rank(["P", "Q", "R"], OVERALL, scorecards[:3], set(), normalise=True)) == [
        ("P", 1, 0.0, 1, True, 0, 0, 0),
        ("Q", 1, 0.0, 1, True, 0, 0, 0),
        ("R", 1, 0.0, 1, True, 0, 0, 0),
    ]


def test_normalised_scores_tie_after_rounding() -> None:
    scorecards = [
        overall("anna", "P", 2),
        overall("anna", "Q", 2),
        overall("anna", "R", 7),  # mu 11/3, deviations -5/3 -5/3 10/3, variance 50/9, sigma 5√2/3
        overall("bernd", "P", 10),
        overall("bernd", "Q", 4),
        overall("bernd", "R", 4),  # mu 6, deviations 4 -2 -2, variance 8, sigma 2√2
    ]
    # anna: P -1/√2, Q -1/√2, R √2;  bernd: P √2, Q -1/√2, R -1/√2.
    # P = (-1/√2 + √2)/2 = √2/4 = R; in floats 0.3535533905932737 and 0.35355339059327384, rounded 0.353553391.
    # Q = -1/√2 = -0.70710678118… -> -0.707106781.
    assert round(math.sqrt(2) / 4, 9) == 0.353553391
    assert rows(rank(["P", "Q", "R"], OVERALL, scorecards, set(), normalise=True)) == [
        ("P", 1, 0.353553391, 2, True, 0, 0, 0),
        ("R", 1, 0.353553391, 2, True, 0, 0, 0),
        ("Q", 3, -0.707106781, 2, False, 0, 0, 0),
    ]


def test_the_last_scorecard_of_a_juror_wins() -> None:
    scorecards = [
        overall("anna", "P", 5),
        overall("bernd", "P", 7),
        overall("anna", "P", 9),  # anna's latest for P: 9, not the mean of 5 and 9
        overall("anna", "Q", 8),
        overall("anna", "Q", 8, excluded=True),  # the latest version withdraws Q's only scorecard
        Scorecard("anna", "R", {}),  # incomplete, but superseded ...
        overall("anna", "R", 6),  # ... by a complete one
    ]
    # P (9 + 7)/2 = 8, R 6, Q none counting. Superseded versions appear in no count.
    assert rows(rank(["P", "Q", "R"], OVERALL, scorecards, set())) == [
        ("P", 1, Fraction(8), 2, False, 0, 0, 0),
        ("R", 2, Fraction(6), 1, False, 0, 0, 0),
        ("Q", None, None, 0, False, 1, 0, 0),
    ]


def test_what_makes_a_scorecard_incomplete() -> None:
    criteria = (Criterion("a", 3), Criterion("b", 1))
    scorecards = [
        Scorecard("j1", "P", {"a": 7, "b": 3}),  # counts: (21 + 3)/4 = 6
        Scorecard("j2", "P", {"a": 7}),  # missing b
        Scorecard("j3", "P", {"a": 7, "b": 3, "c": 5}),  # an id that is no criterion
        Scorecard("j4", "P", {"a": 0, "b": 3}),  # below 1
        Scorecard("j5", "P", {"a": 11, "b": 3}),  # above 10
        Scorecard("j6", "P", {"a": True, "b": 3}),  # a bool is no score
        Scorecard("j7", "P", {"a": 7.0, "b": 3}),  # type: ignore[dict-item]  # a float is no score
        Scorecard("j8", "P", {"a": 10, "b": 1}),  # counts: (30 + 1)/4 = 31/4
        # Several reasons: counted once, conflicted before excluded before incomplete.
        Scorecard("j9", "P", {}, excluded=True),  # excluded
        Scorecard("j10", "P", {}, excluded=True),  # conflicted
    ]
    # P: (6 + 31/4)/2 = (24/4 + 31/4)/2 = 55/8
    assert rows(rank(["P"], criteria, scorecards, {("j10", "P")})) == [("P", 1, Fraction(55, 8), 2, False, 1, 6, 1)]


def test_submissions_without_counting_scorecards_come_last_in_input_order() -> None:
    scorecards = [overall("anna", "C", 4), overall("anna", "A", 3, excluded=True)]
    assert rows(rank(["D", "A", "C", "B"], OVERALL, scorecards, set())) == [
        ("C", 1, Fraction(4), 1, False, 0, 0, 0),
        ("D", None, None, 0, False, 0, 0, 0),
        ("A", None, None, 0, False, 1, 0, 0),
        ("B", None, None, 0, False, 0, 0, 0),
    ]
    assert rank([], OVERALL, [], set()) == Ranking(entries=(), normalised=False)


@pytest.mark.parametrize(
    ("criteria", "message"),
    [
        ((), "no criteria: a ranking needs at least one criterion"),
        ((Criterion("nutzen", 40), Criterion("nutzen", 30)), "duplicate criterion ids: nutzen"),
        ((Criterion("nutzen", 0),), "criterion 'nutzen': weight must be a positive integer, not 0"),
        ((Criterion("nutzen", -10),), "criterion 'nutzen': weight must be a positive integer, not -10"),
        ((Criterion("nutzen", 2.5),), "criterion 'nutzen': weight must be a positive integer, not 2.5"),  # type: ignore[arg-type]
    ],
)
def test_invalid_criteria_are_refused(criteria: tuple[Criterion, ...], message: str) -> None:
    with pytest.raises(ValueError) as refused:
        rank(["P"], criteria, [], set())
    assert str(refused.value) == message


def test_invalid_submissions_are_refused() -> None:
    with pytest.raises(ValueError) as duplicate:
        rank(["P", "Q", "P"], OVERALL, [], set())
    assert str(duplicate.value) == "duplicate submissions: P"
    with pytest.raises(ValueError) as unknown:
        rank(["P"], OVERALL, [overall("anna", "P", 5), overall("anna", "X", 5)], set())
    assert str(unknown.value) == "scorecards for submissions not in the list: X"


@pytest.mark.parametrize(
    ("score", "text"),
    [
        (None, "–"),
        (Fraction(127, 15), "8,47"),  # 8.4666…
        (Fraction(31, 4), "7,75"),
        (Fraction(10), "10,00"),
        (Fraction(1469, 200), "7,35"),  # 7.345: half away from zero (round() would give 7.34, half to even)
        (6.5, "6,50"),
        (2.675, "2,68"),  # the float is 2.67499999…; shown as written
        (-0.333333333, "-0,33"),
        (-0.005, "-0,01"),
        (-0.004, "0,00"),  # no "-0,00"
        (0.0, "0,00"),
    ],
)
def test_format_score(score: Fraction | float | None, text: str) -> None:
    assert format_score(score) == text


def test_score_text_is_format_score() -> None:
    entry = Entry("P", 1, Fraction(147, 20), 3, False, 0, 0, 0)
    assert entry.score_text == "7,35"
