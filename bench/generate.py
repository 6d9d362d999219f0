"""Data for the benchmark's Land-scale phase: a stream of feedback events for the feedback topic, and a survey.

``org_yaml()`` is the demo city grown to 40 org units and 2,000 pages on 24 sites (applied as the demo city is,
through ``stadtstimme org apply``: events, then tables). ``FeedbackStream`` makes ``events`` records of
``FeedbackSubmitted`` v3, the bytes ingest would have published for them: ``accept_feedback``'s data in its field
order, free text sealed with its response's data key as ``seal_texts`` seals it (``shared.shredding.seal``), the
envelope from ``encode_envelope``, keyed by page URL on the partition ingest's partitioner picks. ``produce()``
writes them onto the topic in batches per partition (acks=all) and the data keys into ``data_key``, so that
``stadtstimme replay`` (or the projector) makes the read models of them. The spread:

* 3 years up to now, in the order the events arrive (as ingest appends them), busier on weekdays and by day;
* pages skewed like real sites (Zipf: a few pages get most of the feedback);
* ~10 % of the events carry a comment and ~10 % a suggestion (about 20 % with text), German-ish sentences from a
  word list with a few frequent words, so full-text search finds realistic numbers of hits;
* ratings in 80 % of the events, 10 % of all events rate 1 or 2; "helpful" in 70 %;
* 3 % of the responses have a second part (a comment and a category a few minutes later), 0.3 % are flagged;
* 1 % of the records are producer retries: a record again, up to 100 records after it.

``Expected`` counts what the read models must hold afterwards. The survey with 200,000 answered responses goes in
through the survey projector's store functions (``fill_survey``), after the replay (which empties its tables).
"""

from __future__ import annotations

import bisect
import itertools
import os
import random
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import asyncpg
import orjson
import yaml
from aiokafka import AIOKafkaProducer

from services.analytics import survey_store
from services.analytics.survey_store import LifecycleRow, ResponseRow
from services.ingest.service import SOURCE
from shared.contracts import FEEDBACK_SUBMITTED, encode_envelope
from shared.contracts.surveys import SurveyStatusChangedV1, SurveyVersionPublishedV1
from shared.contracts.topics import FEEDBACK, topic_name
from shared.kafka import cached_partitioner
from shared.orgmodel import OrgModel
from shared.settings import Settings
from shared.shredding import seal

UNITS = 40
PAGES = 2_000
SITES = 24
YEARS = 3
CHUNK = 20_000
SURVEY_ANSWERS = 200_000
SURVEY_BATCH = 20_000
SURVEY_ID = "bench-zufriedenheit"
PARTITIONS = 6
DUPLICATE_SHARE = 0.01

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


def _sealed(secret: bytes | None, response: uuid.UUID, name: str, text: str | None) -> dict[str, Any] | None:
    """``text`` as ingest puts it into the event: sealed with its response's key (``seal_texts``), as JSON."""
    if text is None:
        return None
    assert secret is not None
    return seal(secret, response, name, text).model_dump(mode="json")


@dataclass
class Expected:
    """What the read models must hold once the stream is projected."""

    records: int = 0  # on the topic, retries included
    distinct: int = 0  # events (feedback_event rows)
    responses: int = 0  # counted in the figures: responses whose first part is unflagged
    rating_sum: int = 0  # over those responses
    helpful_yes: int = 0
    texts: int = 0  # events with a comment or a suggestion
    comments: int = 0
    inbox: int = 0  # responses with text (comment_item rows)


@dataclass
class Chunk:
    """Records in topic order, as (partition, key, value), and the data keys their texts were sealed with that
    are new in this chunk (they go into ``data_key`` before anything opens the texts)."""

    records: list[tuple[int, bytes, bytes]] = field(default_factory=list)
    keys: list[tuple[uuid.UUID, bytes]] = field(default_factory=list)


class FeedbackStream:
    """``events`` records of ``FeedbackSubmitted`` v3 in the order ingest would have appended them, oldest first,
    ending now; ``expected`` is complete once ``chunks()`` is exhausted."""

    def __init__(
        self, model: OrgModel, events: int, partitions: int = PARTITIONS, seed: int = 1, now: datetime | None = None
    ) -> None:
        self.rng = random.Random(seed)
        pages = page_list(model)
        all_partitions = list(range(partitions))
        # (site, URL, unit, key, partition): the key and partition as ingest's producer has them
        self.pages = [(s, u, o, u.encode(), cached_partitioner(u.encode(), all_partitions, all_partitions))
                      for s, u, o in pages]  # fmt: skip
        self.page_weights = _zipf_cumulative(len(self.pages), 1.05)
        self.word_weights = _zipf_cumulative(len(WORDS), 0.8)
        self.events = events
        self.distinct = max(1, round(events * (1 - DUPLICATE_SHARE)))
        self.end = (now or datetime.now(UTC)).replace(microsecond=0)
        self.start = self.end - timedelta(days=365 * YEARS)
        self.expected = Expected()

    def sentence(self) -> str:
        rng = self.rng
        words = rng.choices(WORDS, cum_weights=self.word_weights, k=rng.randint(4, 30))
        return f"{rng.choice(OPENERS)} {' '.join(words)}."

    def _times(self) -> Iterator[datetime]:
        """``distinct`` increasing times over the 3 years: more on weekdays and in office hours, slowly growing."""
        rng, span = self.rng, (self.end - self.start).total_seconds()
        step = span / self.distinct
        t = 0.0
        for _ in range(self.distinct):
            at = self.start + timedelta(seconds=t)
            busy = (0.35 if at.weekday() >= 5 else 1.0) * (1.6 if 7 <= at.hour < 19 else 0.35)
            growth = 0.6 + 0.8 * t / span
            t = min(span - 1, t + rng.expovariate(1.0) * step / (busy * growth) * 0.85)
            yield at

    def _retries(self) -> dict[int, list[int]]:
        """Which distinct records are sent again after which (index -> indexes of earlier records, at most 100
        back): producer retries, as the pipeline sees them."""
        rng, again = self.rng, dict[int, list[int]]()
        for _ in range(self.events - self.distinct):
            first = rng.randrange(self.distinct)
            again.setdefault(min(self.distinct - 1, first + rng.randint(1, 100)), []).append(first)
        return again

    def chunks(self, size: int = CHUNK) -> Iterator[Chunk]:
        rng, pages, weights, n_pages = self.rng, self.pages, self.page_weights, len(self.pages)
        total, expected = weights[-1], self.expected
        retries = self._retries()
        recent: list[tuple[int, bytes, bytes]] = [(0, b"", b"")] * 128  # the last records, for their retries
        chunk = Chunk()
        pending: list[tuple[Any, ...]] = []  # second parts, sent a little later
        for n, at in enumerate(self._times()):
            if pending and pending[0][0] <= at:
                _, response_id, secret, (site, url, unit, key, partition) = pending.pop(0)
                helpful = rating = None
                comment: str | None = self.sentence()
                suggestion: str | None = None
                category: str | None = rng.choice(("content", "technical", "service", "other"))
                flags: tuple[str, ...] = ()
                if secret is None:  # the first text of the response: its key is made now, and it enters the inbox
                    secret = os.urandom(32)
                    chunk.keys.append((response_id, secret))
                    expected.inbox += 1
            else:
                response_id = uuid.UUID(int=rng.getrandbits(128), version=4)
                page = pages[min(bisect.bisect(weights, rng.random() * total), n_pages - 1)]
                site, url, unit, key, partition = page
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
                flags = (rng.choice(("honeypot", "too_fast")),) if rng.random() < 0.003 else ()
                secret = os.urandom(32) if comment is not None or suggestion is not None else None
                if secret is not None:  # the response's data key, made with its first text (``seal_texts``)
                    chunk.keys.append((response_id, secret))
                if not flags:
                    expected.responses += 1
                    expected.rating_sum += rating or 0
                    expected.helpful_yes += helpful is True
                expected.inbox += comment is not None or suggestion is not None
                if rng.random() < 0.03 and not flags:
                    second_at = at + timedelta(seconds=rng.uniform(20, 300))
                    pending.append((second_at, response_id, secret, page))
            event_id = uuid.UUID(int=rng.getrandbits(128), version=4)
            data = {
                "response_id": str(response_id), "site": site, "page_url": url, "org_unit": unit,
                "helpful": helpful, "rating": rating, "comment": _sealed(secret, response_id, "comment", comment),
                "suggestion": _sealed(secret, response_id, "suggestion", suggestion), "category": category,
                "language": "de", "flags": flags, "received_at": at,
            }  # fmt: skip
            record = (partition, key, encode_envelope(FEEDBACK_SUBMITTED, event_id, SOURCE, at, data, subject=url))
            recent[n % 128] = record
            chunk.records.append(record)
            chunk.records += [recent[i % 128] for i in retries.get(n, ())]
            expected.distinct += 1
            expected.texts += comment is not None or suggestion is not None
            expected.comments += comment is not None
            if len(chunk.records) >= size:
                expected.records += len(chunk.records)
                yield chunk
                chunk = Chunk()
        expected.records += len(chunk.records)
        yield chunk


async def add_chunk(
    conn: asyncpg.Connection, producer: AIOKafkaProducer, topic: str, batches: dict[int, Any], chunk: Chunk
) -> list[Any]:
    """A chunk's data keys into ``data_key`` (before anything can open its texts) and its records appended to the
    open ``batches`` per partition; a full batch is sent and replaced. Returns the futures of the batches sent."""
    if chunk.keys:
        await conn.copy_records_to_table("data_key", records=[(k, "feedback", s) for k, s in chunk.keys],
                                         columns=("key_id", "kind", "secret"))  # fmt: skip
    sent = []
    for partition, key, value in chunk.records:
        if batches[partition].append(key=key, value=value, timestamp=None) is None:
            sent.append(await producer.send_batch(batches[partition], topic, partition=partition))
            batches[partition] = producer.create_batch()
            batches[partition].append(key=key, value=value, timestamp=None)
    return sent


async def produce(
    settings: Settings, database_url: str, stream: FeedbackStream, say: Callable[[str], None] = print
) -> float:
    """The stream onto the feedback topic (acks=all, batches per partition, ``send_batch``) and its data keys into
    ``data_key``; returns the seconds it took."""
    topic = topic_name(FEEDBACK, settings.topic_prefix)
    producer = AIOKafkaProducer(
        bootstrap_servers=settings.kafka_bootstrap_servers, acks="all", max_batch_size=1024 * 1024,
        max_request_size=4 * 1024 * 1024, request_timeout_ms=120_000, client_id="bench-generator",
    )  # fmt: skip
    conn = await asyncpg.connect(database_url)
    await producer.start()
    started = time.perf_counter()
    try:
        partitions = sorted(await producer.partitions_for(topic))
        batches = {p: producer.create_batch() for p in partitions}
        sent: list[Any] = []
        for n, chunk in enumerate(stream.chunks()):
            sent += await add_chunk(conn, producer, topic, batches, chunk)
            if len(sent) > 64:  # a bounded number of batches in flight
                await sent.pop(0)
                while sent and sent[0].done():
                    await sent.pop(0)
            if n % 25 == 24:
                done = stream.expected.records
                say(f"generate: {done:,} records in {time.perf_counter() - started:.0f} s")
        for partition, batch in batches.items():
            if batch.record_count():
                sent.append(await producer.send_batch(batch, topic, partition=partition))
        for future in sent:
            await future
    finally:
        await producer.stop()
        await conn.close()
    return time.perf_counter() - started


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


async def fill_survey(database_url: str, model: OrgModel, answers: int = SURVEY_ANSWERS, seed: int = 2) -> str:
    """Publish the survey (the projector's lifecycle store function) and project ``answers`` answered responses
    (and 10 % dismissals) in batches, each in a transaction of its own."""
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
    conn = await asyncpg.connect(database_url)
    try:
        async with conn.transaction():
            await survey_store.apply_lifecycle(conn, [LifecycleRow(uuid.uuid4(), published, "{}"),
                                                      LifecycleRow(uuid.uuid4(), active, "{}")])  # fmt: skip
        words = FeedbackStream.__new__(FeedbackStream)
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
            rows.append(ResponseRow(uuid.UUID(int=rng.getrandbits(128), version=4), response_id, i % PARTITIONS, i,
                                    at, "{}", SURVEY_ID, 1, site, url, unit, "de", dismissed, False,
                                    orjson.dumps(given).decode()))  # fmt: skip
            if len(rows) >= SURVEY_BATCH or i == total - 1:
                async with conn.transaction():
                    await survey_store.project_responses(conn, rows)
                rows = []
    finally:
        await conn.close()
    return SURVEY_ID
