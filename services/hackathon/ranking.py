"""Jury ranking of a civic hackathon, pure: the jurors' scorecards in, the ranking table (Rangliste) out.

The rule, for the submissions of one hackathon:

1. **Which scorecards count.** Per (juror, submission) only the *last* scorecard in the given sequence is looked at
   (the juror's latest version); earlier versions are superseded and appear in no count, even if the latest version
   does not count itself (an excluded latest version withdraws the juror's earlier ones). The latest version
   counts only if it is not in ``conflicts`` (the juror belongs to the team, or declared a conflict), not
   ``excluded``, and complete: a score for every criterion and for no other id, each an ``int`` from 1 to 10
   (``bool`` is not a score). A scorecard that fails several of these is counted once, in the first that applies:
   conflicted, then excluded, then incomplete.
2. **A scorecard's value** is the weighted mean ``sum(w * s) / sum(w)``, exact (``fractions.Fraction``).
3. **A submission's score**, without normalisation, is the plain mean of its counting scorecards' values, exact.
4. **With normalisation** (``normalise=True``, z-scores per juror, so that a juror who scores everything high or
   everything low weighs no more than the others): for each juror, the values of all their counting scorecards
   have mean mu and population standard deviation sigma; each value becomes ``(v - mu) / sigma``, or 0 when the
   juror has only one counting scorecard or sigma is 0. A submission's score is the mean of its normalised values,
   a float rounded to 9 decimal places (so that binary rounding noise does not break a true tie; scores closer
   than that count as tied).
5. **Unranked**: submissions without a counting scorecard come last, in input order, with rank and score None.
6. **Ranks**: by score, highest first. Equal scores (exactly equal fractions; equal after rounding when normalised)
   share a rank, in standard competition ranking ("1, 2, 2, 4"), and are all marked ``tied``: a tie is shown, never
   broken silently. Within a tie, submissions keep their input order.

``rank`` raises ValueError for an empty criteria list, duplicate criterion ids, a weight that is not a positive
integer, duplicate submissions, and a scorecard for a submission that is not in the list (it would otherwise be
dropped unseen, or, when normalising, shift its juror's mean without appearing anywhere).
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Mapping, Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass
from fractions import Fraction
from typing import Literal

MIN_SCORE = 1
MAX_SCORE = 10
NORMALISED_PLACES = 9

Status = Literal["counted", "conflicted", "excluded", "incomplete"]


@dataclass(frozen=True)
class Criterion:
    id: str
    weight: int  # a positive integer, e.g. 40, 30, 20, 10


@dataclass(frozen=True)
class Scorecard:
    juror: str
    submission: str
    scores: Mapping[str, int]  # criterion id -> 1..10
    excluded: bool = False


@dataclass(frozen=True)
class Entry:
    """One line of the ranking; rank and score are None for a submission without a counting scorecard."""

    submission: str
    rank: int | None
    score: Fraction | float | None  # Fraction without normalisation, float (9 places) with it
    scorecards: int  # counted
    tied: bool
    excluded: int  # not counted: excluded
    incomplete: int  # not counted: incomplete
    conflicted: int  # not counted: juror in conflict with the submission

    @property
    def score_text(self) -> str:
        return format_score(self.score)


@dataclass(frozen=True)
class Ranking:
    entries: tuple[Entry, ...]
    normalised: bool


def format_score(score: Fraction | float | None) -> str:
    """German text with two decimals and a decimal comma ("7,35"), rounded half away from zero; "–" for None."""
    if score is None:
        return "–"
    # Floats through their shortest decimal text, so that 2.675 (binary 2.67499…) shows as "2,68".
    exact = score if isinstance(score, Fraction) else Fraction(repr(score))
    hundredths = math.floor(abs(exact) * 100 + Fraction(1, 2))
    sign = "-" if exact < 0 and hundredths else ""
    return f"{sign}{hundredths // 100},{hundredths % 100:02d}"


def rank(
    submissions: Sequence[str],
    criteria: Sequence[Criterion],
    scorecards: Sequence[Scorecard],
    conflicts: AbstractSet[tuple[str, str]],
    *,
    normalise: bool = False,
) -> Ranking:
    """The jury ranking of ``submissions`` (see the module docstring for the rule)."""
    _validate(submissions, criteria, scorecards)
    latest: dict[tuple[str, str], Scorecard] = {}
    for card in scorecards:
        latest[(card.juror, card.submission)] = card  # the last version wins

    counts: dict[str, Counter[Status]] = {submission: Counter() for submission in submissions}
    counting: list[tuple[Scorecard, Fraction]] = []
    for card in latest.values():
        status = _status(card, criteria, conflicts)
        counts[card.submission][status] += 1
        if status == "counted":
            counting.append((card, _value(card, criteria)))

    scores = _normalised_scores(counting) if normalise else _plain_scores(counting)
    return Ranking(entries=_entries(submissions, scores, counts), normalised=normalise)


def _validate(submissions: Sequence[str], criteria: Sequence[Criterion], scorecards: Sequence[Scorecard]) -> None:
    if not criteria:
        raise ValueError("no criteria: a ranking needs at least one criterion")
    ids = [criterion.id for criterion in criteria]
    duplicates = sorted(id_ for id_, n in Counter(ids).items() if n > 1)
    if duplicates:
        raise ValueError(f"duplicate criterion ids: {', '.join(duplicates)}")
    for criterion in criteria:
        if type(criterion.weight) is not int or criterion.weight <= 0:
            raise ValueError(f"criterion {criterion.id!r}: weight must be a positive integer, not {criterion.weight!r}")
    repeated = sorted(s for s, n in Counter(submissions).items() if n > 1)
    if repeated:
        raise ValueError(f"duplicate submissions: {', '.join(repeated)}")
    known = set(submissions)
    unknown = sorted({card.submission for card in scorecards} - known)
    if unknown:
        raise ValueError(f"scorecards for submissions not in the list: {', '.join(unknown)}")


def _status(card: Scorecard, criteria: Sequence[Criterion], conflicts: AbstractSet[tuple[str, str]]) -> Status:
    if (card.juror, card.submission) in conflicts:
        return "conflicted"
    if card.excluded:
        return "excluded"
    if set(card.scores) != {criterion.id for criterion in criteria}:
        return "incomplete"
    if not all(type(s) is int and MIN_SCORE <= s <= MAX_SCORE for s in card.scores.values()):
        return "incomplete"
    return "counted"


def _value(card: Scorecard, criteria: Sequence[Criterion]) -> Fraction:
    weighted = sum(criterion.weight * card.scores[criterion.id] for criterion in criteria)
    return Fraction(weighted, sum(criterion.weight for criterion in criteria))


def _plain_scores(counting: Sequence[tuple[Scorecard, Fraction]]) -> dict[str, Fraction | float]:
    values: dict[str, list[Fraction]] = {}
    for card, value in counting:
        values.setdefault(card.submission, []).append(value)
    return {submission: sum(vs, Fraction(0)) / len(vs) for submission, vs in values.items()}


def _normalised_scores(counting: Sequence[tuple[Scorecard, Fraction]]) -> dict[str, Fraction | float]:
    by_juror: dict[str, list[tuple[str, Fraction]]] = {}
    for card, value in counting:
        by_juror.setdefault(card.juror, []).append((card.submission, value))

    z_scores: dict[str, list[float]] = {}
    for items in by_juror.values():
        n = len(items)
        mu = sum((v for _, v in items), Fraction(0)) / n
        variance = sum(((v - mu) ** 2 for _, v in items), Fraction(0)) / n  # exact, so "sigma == 0" is exact too
        sigma = math.sqrt(variance)
        for submission, v in items:
            z = 0.0 if n == 1 or variance == 0 else float(v - mu) / sigma
            z_scores.setdefault(submission, []).append(z)
    # + 0.0 turns a rounded -0.0 into 0.0, so it neither shows as "-0,00" nor looks different from 0.0.
    return {s: round(math.fsum(zs) / len(zs), NORMALISED_PLACES) + 0.0 for s, zs in z_scores.items()}


def _entries(
    submissions: Sequence[str], scores: Mapping[str, Fraction | float], counts: Mapping[str, Counter[Status]]
) -> tuple[Entry, ...]:
    ranked = sorted((s for s in submissions if s in scores), key=lambda s: -scores[s])  # stable: input order in ties
    frequency = Counter(scores[s] for s in ranked)
    # Standard competition ranking: one more than the number of submissions with a strictly higher score.
    ranks = {s: 1 + sum(1 for other in ranked if scores[other] > scores[s]) for s in ranked}
    unranked = [s for s in submissions if s not in scores]

    def entry(submission: str) -> Entry:
        count = counts[submission]
        score = scores.get(submission)
        return Entry(
            submission=submission,
            rank=ranks.get(submission),
            score=score,
            scorecards=count["counted"],
            tied=score is not None and frequency[score] > 1,
            excluded=count["excluded"],
            incomplete=count["incomplete"],
            conflicted=count["conflicted"],
        )

    return tuple(entry(s) for s in [*ranked, *unranked])
