"""The negative-burst rule on synthetic streams with known answers."""

from __future__ import annotations

from services.analytics.alerts import BurstRule, evaluate, read

RULE = BurstRule()


def counters(yes: int = 0, no: int = 0, ratings: tuple[int, ...] = ()) -> dict[str, int]:
    return {"helpful_yes": yes, "helpful_no": no, "rating_count": len(ratings), "rating_sum": sum(ratings)}


# A page's usual month: 400 answers, 10 % "not helpful", mean rating 4.2.
BASELINE = counters(yes=360, no=40, ratings=(4, 4, 5, 4, 4) * 80)  # mean 4.2


def run(hours: list[dict[str, int]], baseline: dict[str, int] = BASELINE) -> list[str | None]:
    """Evaluate hour after hour; the changes, one per hour."""
    raised, changes = False, []
    for window in hours:
        change = evaluate(raised, read(window, baseline, RULE), RULE)
        raised = {"raised": True, "resolved": False}.get(change or "", raised)
        changes.append(change)
    return changes


def test_a_burst_of_not_helpful_is_raised_then_resolved() -> None:
    hours = [
        counters(yes=9, no=1),  # 10 %: usual
        counters(yes=4, no=6),  # 60 %: +50 points -> raised
        counters(yes=6, no=4),  # 40 %: +30 points, still above half the margin -> stays raised
        counters(yes=8, no=2),  # 20 %: +10 points, below half the margin (12.5) -> resolved
        counters(yes=8, no=2),
    ]
    assert run(hours) == [None, "raised", None, "resolved", None]


def test_a_falling_mean_rating_is_raised() -> None:
    hours = [counters(ratings=(4, 5, 4, 4, 4)), counters(ratings=(2, 3, 3, 2, 4)), counters(ratings=(4, 4, 4, 4, 4))]
    # 4.2 -> 2.8 (1.4 below: raised) -> 4.0 (0.2 below, under half a star: resolved)
    assert run(hours) == [None, "raised", "resolved"]


def test_too_few_answers_never_alarm() -> None:
    assert run([counters(no=4), counters(ratings=(1, 1, 1, 1))]) == [None, None]
    # ... and a raised alert whose window goes quiet is resolved (nothing left to judge).
    assert run([counters(yes=1, no=9), counters(no=2)]) == ["raised", "resolved"]


def test_the_margin_is_relative_to_the_pages_own_baseline() -> None:
    criticised = counters(yes=200, no=200)  # a page that always gets 50 % "not helpful"
    assert run([counters(yes=4, no=6)], criticised) == [None]  # 60 %: +10 points only
    assert run([counters(yes=1, no=9)], criticised) == ["raised"]  # 90 %: +40 points
    new_page = counters()  # no history: compared with 50 % and 3 stars
    assert run([counters(yes=2, no=8)], new_page) == ["raised"]
    assert run([counters(ratings=(3, 2, 3, 3, 2))], new_page) == [None]  # 2.6: only 0.4 below 3
    assert run([counters(ratings=(1, 2, 1, 2, 1))], new_page) == ["raised"]


def test_exactly_at_the_margin_counts() -> None:
    baseline = counters(yes=90, no=10)  # 10 %
    assert run([counters(yes=13, no=7)], baseline) == ["raised"]  # 35 %: exactly +25 points
    assert run([counters(yes=14, no=6)], baseline) == [None]  # 30 %: +20 points
