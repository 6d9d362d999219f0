"""Demo feedback for `make run`: 90 days of citizen responses on the demo city's pages, so that a new user sees
dashboards with trends, an inbox with comments and a suspected-spam view on the first start.

The responses are generated deterministically (fixed seed, event ids derived from it) and published to the
feedback topic as ordinary ``FeedbackSubmitted`` v2 events: the read models are built by the projector as for
any other feedback, and publishing them twice changes nothing (the projector dedupes by event id). Each page
has its own level of satisfaction; the Abfallkalender has had a problem for ten days (lower ratings, more
comments), which the charts and the theme suggestions make visible.
"""

from __future__ import annotations

import random
import uuid
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from shared.contracts.envelope import encode_envelope
from shared.contracts.feedback import FEEDBACK_SUBMITTED
from shared.orgmodel import OrgModel, split_origin
from shared.shredding import NewKeys

NAMESPACE = uuid.UUID("5a0c8f2e-9b1d-4c3e-8f7a-6d5e4c3b2a19")
SOURCE = "/stadtstimme/demo"
DAYS = 90

# Mean rating per page path (1–5); pages not listed get 3.8.
LEVEL = {
    "/buergeramt/termine": 2.9, "/buergeramt/personalausweis": 3.6, "/buergeramt/ummelden": 4.1,
    "/abfallkalender": 4.3, "/sperrmuell": 3.2, "/wertstoffhoefe": 4.4, "/kundenportal/zaehlerstand": 3.0,
    "/stoerungen": 3.5, "/freibad": 4.5, "/hallenbad": 4.0, "/ordnung/parken": 2.8, "/bauen/bauantrag": 2.6,
}  # fmt: skip
COMMENTS = {
    "/buergeramt/termine": [
        "Online-Termin buchen ist kaum möglich, alle Termine sind für Wochen ausgebucht.",
        "Ich finde keinen freien Termin im Bürgeramt. Bitte mehr Termine online freigeben.",
        "Die Terminvergabe hat gut funktioniert, schnell und einfach.",
        "Termin buchen auf dem Handy klappt nicht, der Kalender lädt nicht.",
    ],
    "/buergeramt/personalausweis": [
        "Welche Unterlagen brauche ich für den Personalausweis? Das steht nicht klar auf der Seite.",
        "Die Gebühren für den Personalausweis sind gut erklärt.",
    ],
    "/sperrmuell": [
        "Sperrmüll anmelden online ist umständlich, das Formular bricht ab.",
        "Das Formular für den Sperrmüll verlangt Angaben, die ich nicht habe.",
        "Sperrmüll Termin kam schnell, danke!",
    ],
    "/abfallkalender": [
        "Der Abfallkalender lädt nicht mehr, seit Tagen nur eine Fehlermeldung.",
        "Abfallkalender zeigt falsche Abholtermine für meine Straße.",
        "Der Abfallkalender lädt nicht auf dem Handy.",
        "Kalender als PDF herunterladen geht nicht mehr.",
    ],
    "/kundenportal/zaehlerstand": [
        "Zählerstand melden klappt nicht, die Seite meldet einen Fehler beim Absenden.",
        "Beim Zählerstand melden fehlt eine Bestätigung per E-Mail.",
    ],
    "/ordnung/parken": [
        "Bewohnerparkausweis online beantragen ist kompliziert, zu viele Schritte.",
        "Wie lange dauert die Bearbeitung beim Bewohnerparkausweis? Keine Angabe auf der Seite.",
    ],
    "/bauen/bauantrag": [
        "Bauantrag stellen: die Formulare sind schwer zu finden.",
        "Die Seite zum Bauantrag ist unübersichtlich, ich finde die Formulare nicht.",
    ],
    "/freibad": ["Öffnungszeiten im Freibad bitte auch für Feiertage angeben.", "Tolles Freibad, sehr sauber!"],
    "/hallenbad": ["Im Hallenbad ist die Schwimmzeit für Familien zu kurz."],
}
SUGGESTIONS = [
    "Bitte eine Erinnerung per Kalenderdatei anbieten.",
    "Mehr Termine am Samstag anbieten.",
    "Eine Übersicht der nötigen Unterlagen als Liste wäre hilfreich.",
    "Die Seite in Leichter Sprache anbieten.",
]
CATEGORY_BY_PATH = {"/abfallkalender": "technical", "/kundenportal/zaehlerstand": "technical",
                    "/buergeramt/termine": "service", "/sperrmuell": "service"}  # fmt: skip
SPAM = ["Billige Uhren und Taschen hier kaufen!!! Jetzt klicken", "Best casino bonus, visit now"]


def _rating(rnd: random.Random, level: float) -> int:
    return max(1, min(5, round(rnd.gauss(level, 0.9))))


def demo_events(model: OrgModel, today: date, timezone: str, keys: NewKeys) -> list[tuple[bytes, bytes]]:
    """(key, envelope) of every demo feedback part, oldest first; the texts sealed with ``keys``, which the caller
    saves before it publishes."""
    rnd = random.Random(20261128)  # demo data: the same every time
    tz = ZoneInfo(timezone)
    pages = sorted(model.pages.values(), key=lambda p: p.url)
    out: list[tuple[datetime, bytes, bytes]] = []
    n = 0
    for page in pages:
        site = model.sites[page.site]
        _, path = split_origin(page.url)
        unit = site.org_unit_for(path)
        for days_ago in range(DAYS, 0, -1):  # up to yesterday: nothing in the future, nothing after start-up
            day = today - timedelta(days=days_ago)
            incident = path == "/abfallkalender" and days_ago <= 10
            level = 2.0 if incident else LEVEL.get(path, 3.8)
            for _ in range(rnd.choice((0, 0, 1, 1, 2)) + (2 if incident else 0)):
                n += 1
                at = datetime.combine(day, time(rnd.randint(7, 21), rnd.randint(0, 59)), tz).astimezone(UTC)
                rating = _rating(rnd, level)
                first = uuid.uuid5(NAMESPACE, f"{n}")
                data: dict[str, Any] = {
                    "response_id": str(first), "site": site.id, "page_url": page.url, "org_unit": unit,
                    "helpful": rating >= 3, "rating": rating, "comment": None, "suggestion": None,
                    "category": None, "language": "de", "flags": [], "received_at": at,
                }  # fmt: skip
                out.append((at, page.url.encode(), encode_envelope(FEEDBACK_SUBMITTED, first, SOURCE, at, data)))
                texts = COMMENTS.get(path, [])
                chance = 0.6 if incident else 0.25
                if texts and (rating <= 3 or rnd.random() < 0.15) and rnd.random() < chance:
                    later = at + timedelta(minutes=1)
                    follow = dict(data, received_at=later, helpful=None, rating=None, comment=rnd.choice(texts),
                                  category=CATEGORY_BY_PATH.get(path, "content"))  # fmt: skip
                    if rnd.random() < 0.3:
                        follow["suggestion"] = rnd.choice(SUGGESTIONS)
                    for field in ("comment", "suggestion"):
                        follow[field] = keys.seal(first, field, follow[field])
                    event_id = uuid.uuid5(NAMESPACE, f"{n}-text")
                    out.append((later, page.url.encode(),
                                encode_envelope(FEEDBACK_SUBMITTED, event_id, SOURCE, later, follow)))  # fmt: skip
    for i, spam in enumerate(SPAM):  # caught by the honeypot: the suspected-spam view
        at = datetime.combine(today - timedelta(days=i + 1), time(3, 17), tz).astimezone(UTC)
        event_id = uuid.uuid5(NAMESPACE, f"spam-{i}")
        page = pages[i]
        site = model.sites[page.site]
        data = {"response_id": str(event_id), "site": site.id, "page_url": page.url, "org_unit": site.org_unit,
                "helpful": None, "rating": None, "comment": keys.seal(event_id, "comment", spam), "suggestion": None,
                "category": None,
                "language": "de", "flags": ["honeypot"], "received_at": at}  # fmt: skip
        out.append((at, page.url.encode(), encode_envelope(FEEDBACK_SUBMITTED, event_id, SOURCE, at, data)))
    out.sort(key=lambda e: e[0])
    return [(key, value) for _, key, value in out]
