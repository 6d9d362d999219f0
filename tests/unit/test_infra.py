"""The test infrastructure's own pieces that can be checked without starting anything."""

from __future__ import annotations

import base64

from stadtstimme.infra import new_cluster_id


def test_cluster_ids_are_never_taken_for_options() -> None:
    """Kafka's storage tool reads an id starting with "-" as an option; one random id in 64 did, and the test
    broker did not start."""
    ids = {new_cluster_id() for _ in range(5000)}
    assert len(ids) == 5000
    assert not any(i.startswith("-") for i in ids)
    assert all(len(base64.urlsafe_b64decode(i + "==")) == 16 for i in ids)
