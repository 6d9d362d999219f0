"""Data for the staff-reads benchmark: a Land-scale archive and read models in an empty, migrated database.

``org_yaml()`` is the demo city grown to 40 org units and 2,000 pages on 24 sites (applied as the demo city is,
through ``stadtstimme org apply``: events, then tables). ``fill()`` then writes ``events`` feedback events through
the projector's own bulk path (``services.analytics.store.project_feedback`` in batches, each in its own
transaction), so the read models are exactly what the projector makes of them, and a survey with 200,000 answered
responses through the survey projector's store functions. The spread:

* 3 years up to now, in the order the events arrive (as the projector sees them), busier on weekdays and by day;
* pages skewed like real sites (Zipf: a few pages get most of the feedback);
* ~10 % of the events carry a comment and ~10 % a suggestion (about 20 % with text), German-ish sentences from a
  word list with a few frequent words, so full-text search finds realistic numbers of hits;
* ratings in 80 % of the events, 10 % of all events rate 1 or 2; "helpful" in 70 %;
* 3 % of the responses have a second part (a comment or a category a minute later), 0.3 % are flagged.

Rows are plain tuples turned into ``FeedbackRow`` only per batch; memory stays bounded by the batch size.
"""

from __future__ import annotations

import bisect
import itertools
import random
import time
import uuid
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import asyncpg
import orjson
import yaml

from services.analytics import survey_store
from services.analytics.store import FeedbackRow, project_feedback
from services.analytics.survey_store import LifecycleRow, ResponseRow
from shared.contracts.surveys import SurveyStatusChangedV1, SurveyVersionPublishedV1
from shared.contracts.topics import FEEDBACK, topic_name
from shared.orgmodel import OrgModel, parse_org_yaml

UNITS = 40
PAGES = 2_000
SITES = 24
YEARS = 3
BATCH = 20_000
SURVEY_ANSWERS = 200_000
SURVEY_ID = "bench-zufriedenheit"
PARTITIONS = 6
SOURCE = "/stadtstimme/ingest"

WORDS = (
    "der die das und ist nicht ich sie es ein eine zu mit auf für von den im dem sich auch noch nach wie bei aus "
    "aber nur so wenn man schon sehr wird wurde kann muss keine kein mehr immer gut schlecht leider danke bitte "
    "Termin Termine Online Formular Antrag Seite Link Fehler Ausweis Personalausweis Reisepass Führerschein "
    "Anmeldung Ummeldung Wohnsitz Bürgeramt Gebühr Gebühren Zahlung Bezahlung Abfall Müll Sperrmüll Tonne "
    "Abholung Kalender Parkausweis Parken Baustelle Straße Ampel Bauantrag Genehmigung Frist Wartezeit Warteschlange "
    "Öffnungszeiten Schwimmbad Hallenbad Freibad Eintritt Preis Tarif Strom Wasser Zähler Zählerstand Störung "
    "Rechnung Kundenportal Passwort Login Anmeldeseite Suche Suchfunktion Handy Smartphone Browser Download PDF "
    "Dokument Unterlagen Nachweis Bescheinigung Beratung Mitarbeiter Mitarbeiterin Telefon Hotline E-Mail Antwort "
    "Information Informationen unverständlich verständlich kompliziert einfach schnell langsam kaputt funktioniert "
    "gefunden finden fehlt fehlen veraltet aktuell falsch richtig hilfreich unnötig barrierefrei Barriere "
    "Vorlesefunktion Schrift Kontrast Sprache Englisch Übersetzung Wochen Tage Stunden Monate heute gestern "
    "morgen Woche Monat Jahr Kita Schule Hund Hundesteuer Grundsteuer Steuer Wohngeld Elterngeld Kindergeld "
    "Bus Bahn Fahrrad Radweg Spielplatz Park Friedhof Bibliothek Museum Veranstaltung Kultur Sport Halle Verein"
).split()
OPENERS = ("Leider", "Bitte", "Danke", "Ich finde", "Warum ist", "Es wäre schön, wenn", "Der Link zu", "Seit Wochen")


def _zipf_cumulative(n: int, s: float) -> list[float]:
    return list(itertools.accumulate(1 / (i + 1) ** s for i in range(n)))


# --- the organisation: 40 units, 2,000 pages -------------------------------------------------------------------


def org_yaml(demo_city: Path, seed: int = 20) -> str:
    """The demo city's YAML with units and sites added up to ``UNITS`` units and ``PAGES`` pages."""
    rng = random.Random(seed)
    doc: dict[str, Any] = yaml.safe_load(demo_city.read_text(encoding="utf-8"))
    units = doc["org_units"]
    for i in range(len(units), UNITS):
        units.append({"id": f"amt-{i:02d}", "name": f"Fachbereich {i:02d}", "kind": "department",
                      "parent": "stadtverwaltung"})  # fmt: skip
    new_units = [u["id"] for u in units if u["id"].startswith("amt-")]
    sites = doc["sites"]
    existing = sum(len(s.get("pages", [])) for s in sites)
    new_sites = SITES - len(sites)
    per_site = (PAGES - existing) // new_sites
    left = PAGES - existing - per_site * new_sites
    for n in range(new_sites):
        owner = new_units[n % len(new_units)]
        sections = sorted({new_units[(n * 3 + k) % len(new_units)] for k in range(1, 3)} - {owner})
        count = per_site + (1 if n < left else 0)
        pages = []
        for p in range(count):
            section = ("/" + sections[p % len(sections)]) if p % 3 == 0 and sections else "/info"
            word = rng.choice(WORDS).lower()
            pages.append({"path": f"{section}/{word}-{p}", "title": f"{word.capitalize()} {p}"})
        sites.append({
            "id": f"portal-{n:02d}",
            "name": f"portal-{n:02d}.musterstadt.de",
            "org_unit": owner,
            "origins": [f"https://portal-{n:02d}.musterstadt.de"],
            "sections": [{"path_prefix": f"/{s}", "org_unit": s} for s in sections],
            "pages": pages,
        })  # fmt: skip
    return yaml.safe_dump(doc, allow_unicode=True, sort_keys=False)


def page_list(model: OrgModel) -> list[tuple[str, str, str]]:
    """(site, page URL, org unit) of every page, in a fixed shuffled order (the Zipf rank)."""
    pages = []
    for page in sorted(model.pages.values(), key=lambda p: p.url):
        resolved = model.resolve(page.site, page.url)
        if resolved is not None:
            pages.append((page.site, page.url, resolved[1]))
    random.Random(3).shuffle(pages)
    return pages


# --- feedback --------------------------------------------------------------------------------------------------


class Feedback:
    """Feedback events as ``FeedbackRow`` batches, oldest first, ending now."""

    def __init__(self, model: OrgModel, events: int, seed: int = 1, now: datetime | None = None) -> None:
        self.rng = random.Random(seed)
        self.pages = page_list(model)
        self.page_weights = _zipf_cumulative(len(self.pages), 1.05)
        self.word_weights = _zipf_cumulative(len(WORDS), 0.8)
        self.events = events
        self.end = (now or datetime.now(UTC)).replace(microsecond=0)
        self.start = self.end - timedelta(days=365 * YEARS)
        self.offsets = [0] * PARTITIONS
        self.texts = self.comments = 0

    def sentence(self) -> str:
        rng = self.rng
        words = rng.choices(WORDS, cum_weights=self.word_weights, k=rng.randint(4, 30))
        return f"{rng.choice(OPENERS)} {' '.join(words)}."

    def _times(self) -> Iterator[datetime]:
        """``events`` increasing times over the 3 years: more on weekdays and in office hours, slowly growing."""
        rng, span = self.rng, (self.end - self.start).total_seconds()
        step = span / self.events
        t = 0.0
        for _ in range(self.events):
            at = self.start + timedelta(seconds=t)
            busy = (0.35 if at.weekday() >= 5 else 1.0) * (1.6 if 7 <= at.hour < 19 else 0.35)
            growth = 0.6 + 0.8 * t / span
            t = min(span - 1, t + rng.expovariate(1.0) * step / (busy * growth) * 0.85)
            yield at

    def batches(self, size: int = BATCH) -> Iterator[list[FeedbackRow]]:
        rng, pages, weights, n_pages = self.rng, self.pages, self.page_weights, len(self.pages)
        total = weights[-1]
        batch: list[FeedbackRow] = []
        pending: list[tuple[Any, ...]] = []  # second parts, sent a little later
        for at in self._times():
            part = None
            if pending and pending[0][0] <= at:
                part = pending.pop(0)
            if part is not None:
                _, response_id, site, url, unit = part
                helpful = rating = None
                comment = self.sentence()
                suggestion = None
                category = rng.choice(("content", "technical", "service", "other"))
                flags = ""
            else:
                response_id = uuid.UUID(int=rng.getrandbits(128), version=4)
                site, url, unit = pages[min(bisect.bisect(weights, rng.random() * total), n_pages - 1)]
                r = rng.random()
                rating = (
                    None if r < 0.2 else 1 if r < 0.24 else 2 if r < 0.30 else 3 if r < 0.42 else 4 if r < 0.65 else 5
                )
                helpful = (rng.random() < (0.35 if (rating or 3) <= 2 else 0.8)) if rng.random() < 0.7 else None
                if helpful is None and rating is None:
                    helpful = rng.random() < 0.7
                comment = self.sentence() if rng.random() < 0.10 else None
                suggestion = self.sentence() if rng.random() < 0.10 else None
                c = rng.random()
                category = (None if comment is None and suggestion is None else "accessibility_barrier" if c < 0.01
                            else ("content", "technical", "service", "other", None)[int(c * 5)])  # fmt: skip
                flags = rng.choice(("honeypot", "too_fast")) if rng.random() < 0.003 else ""
                if rng.random() < 0.03 and not flags:
                    pending.append((at + timedelta(seconds=rng.uniform(20, 300)), response_id, site, url, unit))
            event_id = uuid.UUID(int=rng.getrandbits(128), version=4)
            partition = rng.randrange(PARTITIONS)
            offset = self.offsets[partition]
            self.offsets[partition] = offset + 1
            self.comments += comment is not None
            self.texts += comment is not None or suggestion is not None
            data = {"response_id": str(response_id), "site": site, "page_url": url, "org_unit": unit,
                    "helpful": helpful, "rating": rating, "comment": comment, "suggestion": suggestion,
                    "category": category, "language": "de", "flags": flags.split(",") if flags else [],
                    "received_at": at.isoformat()}  # fmt: skip
            envelope = orjson.dumps({"specversion": "1.0", "id": str(event_id), "source": SOURCE,
                                     "type": "de.stadtstimme.feedback.submitted", "schemaversion": 3,
                                     "time": at.isoformat(), "datacontenttype": "application/json", "data": data,
                                     "subject": url}).decode()  # fmt: skip
            batch.append(FeedbackRow(event_id, partition, offset, at, site, url, unit, helpful, rating, category, "de",
                                     comment, suggestion, envelope, response_id, flags))  # fmt: skip
            if len(batch) >= size:
                yield batch
                batch = []
        if batch:
            yield batch


# --- a survey with 200,000 answered responses -------------------------------------------------------------------


def survey_definition(org_unit: str, site: str) -> dict[str, Any]:
    return {
        "id": SURVEY_ID, "version": 1, "org_unit": org_unit,
        "title": {"de": "Zufriedenheit mit dem Online-Angebot", "en": "Satisfaction with the online services"},
        "questions": [
            {"id": "zufriedenheit", "type": "rating", "required": True,
             "text": {"de": "Wie zufrieden sind Sie?", "en": "How satisfied are you?"}},
            {"id": "gefunden", "type": "yes_no", "text": {"de": "Gefunden?", "en": "Found it?"}},
            {"id": "empfehlen", "type": "nps", "text": {"de": "Weiterempfehlen?", "en": "Recommend?"}},
            {"id": "verbesserung", "type": "text", "max_chars": 1000,
             "text": {"de": "Was sollten wir verbessern?", "en": "What should we improve?"}},
        ],
        "targeting": {"sites": [site], "include": ["/*"], "sampling_percent": 20, "quota": 1_000_000,
                      "starts_at": "2024-01-01T00:00:00+01:00", "ends_at": "2030-01-01T00:00:00+01:00"},
    }  # fmt: skip


async def fill_survey(conn: asyncpg.Connection, model: OrgModel, answers: int, seed: int = 2) -> str:
    """Publish the survey (the projector's lifecycle store function) and project ``answers`` answered responses
    (and 10 % dismissals) in batches."""
    from services.analytics.surveys import SurveySpec

    rng = random.Random(seed)
    pages = [p for p in page_list(model) if p[0] == "portal"] or page_list(model)[:20]
    site, _, unit = pages[0]
    spec = SurveySpec.model_validate({k: v for k, v in survey_definition(unit, site).items() if k != "version"})
    now = datetime.now(UTC)
    published = SurveyVersionPublishedV1(survey_id=SURVEY_ID, version=1, sequence=1, definition=spec.definition(),
                                         published_at=now - timedelta(days=400), published_by="cli:bench")  # fmt: skip
    active = SurveyStatusChangedV1(survey_id=SURVEY_ID, sequence=2, status="active",
                                   changed_at=now - timedelta(days=400), changed_by="cli:bench")  # fmt: skip
    async with conn.transaction():
        await survey_store.apply_lifecycle(conn, [LifecycleRow(uuid.uuid4(), published, "{}"),
                                                  LifecycleRow(uuid.uuid4(), active, "{}")])  # fmt: skip
    words = Feedback.__new__(Feedback)
    words.rng, words.word_weights = rng, _zipf_cumulative(len(WORDS), 0.8)
    total = int(answers * 1.1)
    step = 365 * 86400 / total
    start = now - timedelta(days=365)
    rows: list[ResponseRow] = []
    for i in range(total):
        at = start + timedelta(seconds=i * step)
        response_id = uuid.UUID(int=rng.getrandbits(128), version=4)
        _, url, unit = rng.choice(pages)
        dismissed = i % 11 == 10
        given: dict[str, Any] = {}
        if not dismissed:
            given["zufriedenheit"] = rng.choices((1, 2, 3, 4, 5), (5, 7, 18, 35, 35))[0]
            if rng.random() < 0.8:
                given["gefunden"] = rng.random() < 0.75
            if rng.random() < 0.6:
                given["empfehlen"] = rng.randint(0, 10)
            if rng.random() < 0.15:
                given["verbesserung"] = words.sentence()
        rows.append(ResponseRow(uuid.UUID(int=rng.getrandbits(128), version=4), response_id, i % PARTITIONS, i, at,
                                "{}", SURVEY_ID, 1, site, url, unit, "de", dismissed, False,
                                orjson.dumps(given).decode()))  # fmt: skip
        if len(rows) >= BATCH or i == total - 1:
            async with conn.transaction():
                await survey_store.project_responses(conn, rows)
            rows = []
    return SURVEY_ID


# --- all of it --------------------------------------------------------------------------------------------------


async def fill(
    database_url: str, org_text: str, events: int, topic_prefix: str, timezone: str,
    say: Callable[[str], None] = print, survey_answers: int = SURVEY_ANSWERS,
) -> dict[str, Any]:  # fmt: skip
    """Fill the (migrated, org-applied) database; returns counts and times."""
    _, model = parse_org_yaml(org_text)
    topic = topic_name(FEEDBACK, topic_prefix)
    conn = await asyncpg.connect(database_url)
    started = time.perf_counter()
    try:
        feedback = Feedback(model, events)
        done = 0
        build_s = 0.0
        mark = time.perf_counter()
        for batch in feedback.batches():
            build_s += time.perf_counter() - mark
            async with conn.transaction():
                await project_feedback(conn, topic, batch, timezone)
            done += len(batch)
            if done % 500_000 < BATCH:
                elapsed = time.perf_counter() - started
                say(f"generate: {done:,} feedback events in {elapsed:.0f} s ({done / elapsed:,.0f}/s)")
            mark = time.perf_counter()
        feedback_s = time.perf_counter() - started
        survey_started = time.perf_counter()
        await fill_survey(conn, model, survey_answers)
        survey_s = time.perf_counter() - survey_started
        await conn.execute("VACUUM ANALYZE")
        counts = dict(
            await conn.fetchrow(
                """SELECT (SELECT count(*) FROM feedback_event) AS events,
                          (SELECT count(*) FROM feedback_event WHERE comment IS NOT NULL) AS comments,
                          (SELECT count(*) FROM comment_item) AS inbox_items,
                          (SELECT count(*) FROM survey_response WHERE counted) AS survey_responses"""
            )
        )
    finally:
        await conn.close()
    return counts | {"feedback_s": feedback_s, "build_s": build_s, "survey_s": survey_s,
                     "total_s": time.perf_counter() - started, "survey_id": SURVEY_ID}  # fmt: skip
