"""The message catalogue: every key in German and English, and every key the form template uses exists."""

from __future__ import annotations

import re
from pathlib import Path

from shared.messages import CATALOGUE, LANGUAGES

TEMPLATES = Path(__file__).parents[2] / "services" / "ingest" / "templates"


def test_every_text_is_in_every_language() -> None:
    missing = [key for key, texts in CATALOGUE.items() if set(texts) != set(LANGUAGES) or not all(texts.values())]
    assert missing == []


def test_the_form_uses_only_catalogue_keys_and_shares_the_widget_texts() -> None:
    template = (TEMPLATES / "feedback_form.html").read_text(encoding="utf-8")
    used = set(re.findall(r't\("([a-z_.0-9]*[a-z_0-9])"', template))  # whole keys
    prefixes = set(re.findall(r't\("([a-z_.]+\.)" ~', template))  # keys built from a prefix and a code
    assert used and used <= set(CATALOGUE)
    assert prefixes and all(any(k.startswith(p) for k in CATALOGUE) for p in prefixes)
    assert "widget.question" in used and "widget.thanks" in used  # one wording for widget and form
