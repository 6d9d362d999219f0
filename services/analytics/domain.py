"""Pure analytics decisions: how a bucket's counters become the figures staff read."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

COUNTERS = (
    "responses",
    "helpful_yes",
    "helpful_no",
    "rating_count",
    "rating_sum",
    "rating_1",
    "rating_2",
    "rating_3",
    "rating_4",
    "rating_5",
)


def stats(row: Mapping[str, Any]) -> dict[str, Any]:
    """Counters plus derived figures; shares and means are None where nothing was counted."""
    helpful_answers = row["helpful_yes"] + row["helpful_no"]
    return {
        "responses": row["responses"],
        "helpful_yes": row["helpful_yes"],
        "helpful_no": row["helpful_no"],
        "helpful_share": round(row["helpful_yes"] / helpful_answers, 4) if helpful_answers else None,
        "rating_count": row["rating_count"],
        "rating_sum": row["rating_sum"],
        "rating_mean": round(row["rating_sum"] / row["rating_count"], 4) if row["rating_count"] else None,
        "rating_distribution": {str(i): row[f"rating_{i}"] for i in range(1, 6)},
    }


# Publication: buckets with fewer responses than this are shown as "< 5", with no share or mean, so that no
# published figure describes fewer than five people.
SMALL_NUMBER = 5


def published(row: Mapping[str, Any]) -> dict[str, Any]:
    """The figures of one bucket as they may be published: responses, helpful share and mean rating, or, below
    ``SMALL_NUMBER`` responses, only the fact that there were fewer (``suppressed``)."""
    figures = stats(row)
    if figures["responses"] < SMALL_NUMBER:
        return {"responses": None, "suppressed": True, "helpful_share": None, "rating_mean": None}
    return {
        "responses": figures["responses"],
        "suppressed": False,
        # Shares and means of fewer than five answers within a larger bucket are withheld too.
        "helpful_share": figures["helpful_share"] if row["helpful_yes"] + row["helpful_no"] >= SMALL_NUMBER else None,
        "rating_mean": figures["rating_mean"] if figures["rating_count"] >= SMALL_NUMBER else None,
    }
