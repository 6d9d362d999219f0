"""docs/datenschutz.md states the retention periods; shared/retention.py defines them. The table in the document
must be exactly the one the code makes (``markdown_table``), so the document cannot drift."""

from __future__ import annotations

import re

from shared.retention import markdown_table, policy
from shared.settings import Settings
from stadtstimme.infra import REPO


def test_the_documented_retention_periods_are_the_enforced_ones() -> None:
    text = (REPO / "docs" / "datenschutz.md").read_text(encoding="utf-8")
    block = re.search(r"<!-- retention:start -->\n(.*?)<!-- retention:end -->", text, re.S)
    assert block, "docs/datenschutz.md has no retention block"
    assert block.group(1) == markdown_table(policy(Settings())), (
        "the table differs from the code: print shared.retention.markdown_table(policy(Settings())) into the document"
    )


def test_every_rule_has_a_reason_and_a_way_to_erase() -> None:
    for rule in policy(Settings()):
        assert rule.what and rule.reason and rule.how and rule.period.total_seconds() > 0
