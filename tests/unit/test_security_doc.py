"""SECURITY.md states the role matrix; the code defines it (``shared.auth.PERMISSIONS``). They must agree, cell by
cell, so the document cannot drift from what the staff check enforces."""

from __future__ import annotations

import re

import pytest

from shared.auth import PERMISSIONS, ROLES, role_matrix_markdown
from stadtstimme.infra import REPO


def documented_matrix() -> tuple[list[str], dict[str, dict[str, bool]]]:
    text = (REPO / "SECURITY.md").read_text(encoding="utf-8")
    block = re.search(r"<!-- permissions:start -->\n(.*?)<!-- permissions:end -->", text, re.S)
    assert block, "SECURITY.md has no permissions block"
    lines = [line.strip().strip("|").split("|") for line in block.group(1).strip().splitlines()]
    header = [cell.strip() for cell in lines[0]][1:]
    rows = {}
    for cells in lines[2:]:
        name, *marks = (c.strip() for c in cells)
        assert set(marks) <= {"yes", "no"}, cells
        rows[name.strip("`")] = dict(zip(header, (m == "yes" for m in marks), strict=True))
    return header, rows


def test_the_documented_role_matrix_is_the_enforced_one() -> None:
    roles, rows = documented_matrix()
    assert roles == list(ROLES)
    assert list(rows) == list(PERMISSIONS), "every permission, in the code's order"
    for permission, granted in PERMISSIONS.items():
        for role in ROLES:
            assert rows[permission][role] == (role in granted), f"{permission} for {role}"


@pytest.mark.parametrize("document", ["README.md", "SECURITY.md"])
def test_both_documents_carry_the_generated_matrix(document: str) -> None:
    text = (REPO / document).read_text(encoding="utf-8")
    block = re.search(r"<!-- permissions:start -->\n(.*?)<!-- permissions:end -->", text, re.S)
    assert block, f"{document} has no permissions block"
    assert block.group(1) == role_matrix_markdown(), f"paste shared.auth.role_matrix_markdown() into {document}"


def test_the_documented_limits_are_the_enforced_ones() -> None:
    from services.ingest.domain import MAX_BODY_BYTES
    from shared.limits import BODY_LIMIT, BODY_LIMITS, HEADER_LIMIT
    from shared.sign_in import CHECKS_AT_ONCE, CHECKS_PER_S, FAILURE_S, LOCK_AFTER, LOCK_FIRST, LOCK_MAX, QUEUE_S

    text = " ".join((REPO / "SECURITY.md").read_text(encoding="utf-8").split())
    kilobytes = {HEADER_LIMIT, BODY_LIMIT, MAX_BODY_BYTES, *BODY_LIMITS.values()}
    for size in kilobytes:
        assert f"{size // 1024} KB" in text, f"SECURITY.md does not state the limit of {size // 1024} KB"
    words = {1: "one", 2: "two", 5: "five"}
    assert f"{words[CHECKS_AT_ONCE]} at a time, at most {words[int(CHECKS_PER_S)]} checks a second" in text
    assert QUEUE_S == 3 and "longer than three seconds" in text
    assert f"locked after {words[LOCK_AFTER]} failures in a row" in text
    assert LOCK_FIRST.total_seconds() == 60 and f"up to {int(LOCK_MAX.total_seconds() // 60)} minutes" in text
    assert FAILURE_S == 1.0 and "answered one second after it arrived" in text
