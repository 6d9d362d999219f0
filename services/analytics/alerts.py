"""Negative bursts, pure: when a page's or a unit's satisfaction in the last hour departs from its own baseline.

The rule (defaults in ``BurstRule``), for one scope (a page or an org unit):

* the **window** is the last hour; the **baseline** is the 28 days before it (the same scope's own history, so a
  page that is always criticised does not alarm, and a good page that suddenly is, does);
* the window needs at least ``min_count`` answers of a kind before that kind is judged (no alarm on two votes);
* **raised** when the share of "not helpful" answers is at least ``share_margin`` (25 points) above the baseline's,
  or the mean rating at least ``rating_margin`` (1.0 star) below it;
* **resolved** only when both have come back to within half the margin (hysteresis: a burst at the edge of the
  margin does not flap between raised and resolved every hour), or when the window has too few answers to judge.

Without a baseline (a new page), the share of "not helpful" is compared with 50 % and the mean with 3 stars, so a
new page with a storm of bad ratings still alarms.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

NEUTRAL_SHARE = 0.5
NEUTRAL_MEAN = 3.0


@dataclass(frozen=True)
class BurstRule:
    share_margin: float = 0.25  # "not helpful" share above the baseline, as a fraction (0.25 = 25 points)
    rating_margin: float = 1.0  # mean rating below the baseline, in stars
    min_count: int = 5  # answers of a kind in the window before that kind is judged


@dataclass(frozen=True)
class Reading:
    """What the window shows against the baseline; None where there is too little to judge."""

    not_helpful_share: float | None
    baseline_share: float
    mean_rating: float | None
    baseline_mean: float

    @property
    def share_departure(self) -> float | None:
        # Rounded: 0.35 - 0.10 is 0.2499999… in binary floating point, and exactly at the margin must count.
        return None if self.not_helpful_share is None else round(self.not_helpful_share - self.baseline_share, 9)

    @property
    def rating_departure(self) -> float | None:
        return None if self.mean_rating is None else round(self.baseline_mean - self.mean_rating, 9)


def read(window: Mapping[str, Any], baseline: Mapping[str, Any], rule: BurstRule) -> Reading:
    """The window's figures against the baseline's, from bucket counters (``helpful_yes``, ``helpful_no``,
    ``rating_count``, ``rating_sum``)."""
    answers = window["helpful_yes"] + window["helpful_no"]
    base_answers = baseline["helpful_yes"] + baseline["helpful_no"]
    return Reading(
        not_helpful_share=window["helpful_no"] / answers if answers >= rule.min_count else None,
        baseline_share=baseline["helpful_no"] / base_answers if base_answers else NEUTRAL_SHARE,
        mean_rating=window["rating_sum"] / window["rating_count"] if window["rating_count"] >= rule.min_count else None,
        baseline_mean=baseline["rating_sum"] / baseline["rating_count"] if baseline["rating_count"] else NEUTRAL_MEAN,
    )


def evaluate(raised: bool, reading: Reading, rule: BurstRule) -> Literal["raised", "resolved"] | None:
    """The change of an alert that is ``raised`` or not, given this hour's reading (None: no change)."""
    share, rating = reading.share_departure, reading.rating_departure
    if not raised:
        if (share is not None and share >= rule.share_margin) or (rating is not None and rating >= rule.rating_margin):
            return "raised"
        return None
    calm_share = share is None or share < rule.share_margin / 2
    calm_rating = rating is None or rating < rule.rating_margin / 2
    return "resolved" if calm_share and calm_rating else None


def reasons(reading: Reading, rule: BurstRule) -> tuple[Literal["not_helpful_share", "mean_rating"], ...]:
    """Which figures depart by at least the margin (the reasons a raised alert gives)."""
    found: list[Literal["not_helpful_share", "mean_rating"]] = []
    if reading.share_departure is not None and reading.share_departure >= rule.share_margin:
        found.append("not_helpful_share")
    if reading.rating_departure is not None and reading.rating_departure >= rule.rating_margin:
        found.append("mean_rating")
    return tuple(found)
