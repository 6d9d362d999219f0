"""Ids from what staff type: a survey's question, an answer option, a hackathon, a challenge or a criterion gets an
id made of its name ("Müllabfuhr für Straßen" → ``muellabfuhr-fuer-strassen``), readable in URLs, exports and YAML,
and different from the ids already taken. Pure."""

from __future__ import annotations

import re
from collections.abc import Collection

_UMLAUTS = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss"})


def slug(name: str, taken: Collection[str], fallback: str, *, limit: int = 50, suffix: str = "") -> str:
    """Lower-case ASCII words of ``name`` joined by hyphens, whole words up to ``limit`` characters (a longer first
    word is cut); ``fallback`` for a name without letters or digits; then ``-suffix`` once (a hackathon's year:
    "Stadt hackt 2027" and "Stadt hackt" of 2027 are both ``stadt-hackt-2027``); ``-2``, ``-3`` … when taken."""
    base = ""
    for word in re.findall(r"[a-z0-9]+", name.lower().translate(_UMLAUTS)):
        if suffix and word == suffix:
            continue
        if base and len(base) + 1 + len(word) > limit:
            break
        base = f"{base}-{word}" if base else word[:limit]
    base = base or fallback
    if suffix:
        base = f"{base}-{suffix}"
    found, n = base, 1
    while found in taken:
        n += 1
        found = f"{base}-{n}"
    return found
