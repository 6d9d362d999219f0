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
