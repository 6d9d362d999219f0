"""SECURITY.md states the role matrix; the code defines it (``shared.auth.PERMISSIONS``). They must agree, cell by
cell, so the document cannot drift from what the staff check enforces."""

from __future__ import annotations

import re

from shared.auth import PERMISSIONS, ROLES
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
