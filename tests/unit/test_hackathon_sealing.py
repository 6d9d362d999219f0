"""What hackathon participants write travels sealed (issue 16): team names with the team's key, submission texts
with the submission's key; the events open only with their keys, and fold as erased without them."""

from __future__ import annotations

import secrets
import uuid
from datetime import UTC, datetime
from typing import Any

import pytest
from pydantic import ValidationError

from services.hackathon import domain, sealing
from services.hackathon.domain import HackathonState, Opened
from shared import shredding
from shared.contracts.hackathon import SubmissionSavedV2, TeamCreatedV2

NOW = datetime(2026, 11, 28, 12, 0, tzinfo=UTC)
BASE = {"hackathon_id": "musterstadt-2026", "at": NOW, "actor": "participant:x"}


def team_created(key: bytes, team: uuid.UUID, name: str, sequence: int = 1) -> TeamCreatedV2:
    sealed = shredding.seal(key, team, "name", name).model_dump(mode="json")
    return TeamCreatedV2(**BASE, sequence=sequence, team_id=team, name=sealed, founder=uuid.uuid4(), publish_name=True)


def submission_saved(key: bytes, submission: uuid.UUID, team: uuid.UUID, **texts: str) -> SubmissionSavedV2:
    sealed: dict[str, Any] = {f: sealing.seal_long(key, submission, f, t).model_dump(mode="json")
                              for f, t in texts.items()}  # fmt: skip
    return SubmissionSavedV2(**BASE, sequence=2, submission_id=submission, revision=1, team_id=team,
                             challenge_id="abfallkalender", licence="MIT", **sealed)  # fmt: skip


def test_a_long_description_seals_in_the_shared_format() -> None:
    key, submission = secrets.token_bytes(32), uuid.uuid4()
    longest = "𝄞" * 10_000  # 10,000 characters of four bytes each: the most a description can be
    sealed = sealing.seal_long(key, submission, "description", longest)
    assert shredding.unseal(key, sealed, "description") == longest
    assert shredding.unseal(key, sealed, "title") is None  # bound to its field
    assert shredding.unseal(None, sealed, "description") is None


def test_a_sealed_event_opens_with_its_keys_and_folds_as_erased_without_them() -> None:
    team_key, text_key = secrets.token_bytes(32), secrets.token_bytes(32)
    team, submission = uuid.uuid4(), uuid.uuid4()
    created = team_created(team_key, team, "Familie Schmidt")
    texts = {"title": "Abfuhr-App", "summary": "Erinnert.", "description": "Von Anna Schmidt.",
             "repository_url": "https://codeberg.org/aschmidt/app"}  # fmt: skip
    saved = submission_saved(text_key, submission, team, **texts)
    assert "Schmidt" not in created.model_dump_json() + saved.model_dump_json()

    readable = domain.fold("musterstadt-2026", [sealing.open_event(e, {team: team_key, submission: text_key})
                                                for e in (created, saved)])  # fmt: skip
    assert readable.teams[team].name == "Familie Schmidt"
    opened = readable.submissions[submission]
    assert (opened.title, opened.description, opened.repository_url, opened.demo_url) == (
        "Abfuhr-App", "Von Anna Schmidt.", "https://codeberg.org/aschmidt/app", None)  # fmt: skip

    erased = domain.fold("musterstadt-2026", [sealing.open_event(e, {}) for e in (created, saved)])
    assert erased.teams[team].name is None and erased.teams[team].shown_name() == "Team 1"
    assert erased.submissions[submission].erased and erased.submissions[submission].challenge_id == "abfallkalender"
    unopened = HackathonState("musterstadt-2026")  # what cannot be read is never shown
    assert domain.apply(unopened, created) and unopened.teams[team].name is None
    assert isinstance(sealing.open_event(created, {}), Opened)


def test_texts_are_sealed_with_their_own_key_only() -> None:
    key, team = secrets.token_bytes(32), uuid.uuid4()
    stranger = shredding.seal(key, uuid.uuid4(), "name", "Tonnentaucher").model_dump(mode="json")
    with pytest.raises(ValidationError, match="team's key"):
        TeamCreatedV2(**BASE, sequence=1, team_id=team, name=stranger, founder=uuid.uuid4(), publish_name=False)
    with pytest.raises(ValidationError, match="submission's key"):
        SubmissionSavedV2.model_validate(
            {
                **submission_saved(key, uuid.uuid4(), team, title="Abc", summary="s", description="d").model_dump(),
                "submission_id": uuid.uuid4(),
            }
        )
