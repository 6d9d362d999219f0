"""Publication rules of the open-data export: no figure about fewer than five people."""

from __future__ import annotations

from typing import Any

from services.analytics.domain import published
from services.analytics.opendata import as_csv


def bucket(responses: int, yes: int = 0, no: int = 0, ratings: tuple[int, ...] = ()) -> dict[str, Any]:
    row = {"responses": responses, "helpful_yes": yes, "helpful_no": no, "rating_count": len(ratings),
           "rating_sum": sum(ratings)} | {f"rating_{i}": ratings.count(i) for i in range(1, 6)}  # fmt: skip
    return row


def test_buckets_under_five_responses_are_suppressed_entirely() -> None:
    assert published(bucket(4, yes=4, ratings=(5, 5, 5, 5))) == {
        "responses": None, "suppressed": True, "helpful_share": None, "rating_mean": None
    }  # fmt: skip


def test_shares_and_means_of_fewer_than_five_answers_are_withheld() -> None:
    figures = published(bucket(12, yes=3, no=1, ratings=(4, 4, 5, 3, 4)))
    assert figures == {"responses": 12, "suppressed": False, "helpful_share": None, "rating_mean": 4.0}
    assert published(bucket(5, yes=4, no=1))["helpful_share"] == 0.8


def item(org_unit: str, name: str, figures: dict[str, Any]) -> dict[str, Any]:
    return {"month": "2026-11", "org_unit": org_unit, "name": name, "kind": "eigenbetrieb", **figures}


def test_csv_shows_small_numbers_as_less_than_five() -> None:
    items = [
        item("baeder", "Bäderbetrieb", published(bucket(2))),
        item("abfallwirtschaft", "=Abfall", published(bucket(6, yes=5, no=1, ratings=(5, 4, 4, 5, 2)))),
    ]
    lines = as_csv(items).lstrip("\ufeff").splitlines()
    assert lines[1] == "2026-11;baeder;Bäderbetrieb;Eigenbetrieb;< 5;;"
    assert lines[2] == "2026-11;abfallwirtschaft;'=Abfall;Eigenbetrieb;6;83,3;4,00"
