"""Demo survey answers for `make run`: the demo city's surveys have been running for weeks, so their results pages
show figures on the first start. The Bürgeramt's survey (``demo-surveys.yaml``) is live; the Abfallwirtschaft's
survey on its Abfallkalender (``CLOSED_SURVEY``, with single and multiple choice questions) ran before and is
closed.

The answers are generated deterministically (fixed seeds, ids derived from them) and go through ingest's own
command, ``IngestService.submit_survey_response``, as a citizen's would: checked against the version's definition,
free text redacted and sealed with a data key of its own, published to the survey-response topic. Only the time
they were received lies in the past (spread over the weeks the survey ran). Published once per survey and
installation (the audit log remembers it).
"""

from __future__ import annotations

import asyncio
import random
import uuid
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import asyncpg
import orjson

from shared.contracts.surveys import Question, SurveyDefinition, targets_path
from shared.settings import Settings

NAMESPACE = uuid.UUID("0d6f3c52-7a41-4e8b-9c2d-5b1e8f7a6c30")
ACTOR = "make run"
RUNNING_DAYS = 56  # how long the live survey has been running when the demo city first starts
CLOSED_SURVEY_DAYS = (63, 14)  # the closed survey ran from 63 to 14 days before the first start
CONCURRENCY = 16  # parts in flight at once


@dataclass(frozen=True)
class Profile:
    """How a survey's demo citizens answer: how many respond, how satisfied they are, which choices they prefer
    (per question, option id → weight; options not named weigh 1) and the free texts some of them write."""

    responses: int
    rating_mean: float
    weights: dict[str, dict[str, float]] = field(default_factory=dict)
    texts: tuple[str, ...] = ()
    text_share: float = 0.18


PROFILES: dict[str, Profile] = {
    "buergeramt-terminvergabe": Profile(
        responses=140,
        rating_mean=2.8,
        texts=(
            "Mehr Termine am Samstag anbieten, unter der Woche schaffe ich es nicht.",
            "Die Terminbuchung auf dem Handy ist sehr umständlich, der Kalender springt immer zurück.",
            "Abgesagte Termine sollten sofort wieder buchbar sein.",
            "Bitte eine Warteliste mit Benachrichtigung per E-Mail, gern an k.schmidt@example.net.",
            "Rufen Sie mich gern an: 0151 23456789, ich habe noch mehr Ideen.",
            "Eine Erinnerung einen Tag vor dem Termin wäre hilfreich.",
            "Termine für die ganze Familie zusammen buchen können.",
            "Schneller als gedacht einen Termin bekommen, danke!",
        ),
    ),
    "abfallkalender-umfrage": Profile(
        responses=90,
        rating_mean=3.4,
        weights={
            "nutzung": {"website": 5, "pdf": 3, "app": 2, "erinnerung": 1.5},
            "haeufigkeit": {"woechentlich": 2, "monatlich": 3, "selten": 1.5},
        },
        texts=(
            "Eine Erinnerung am Vorabend per E-Mail oder als Kalenderdatei.",
            "Der Kalender sollte auch ohne App gut auf dem Handy funktionieren.",
            "Ich wohne in der Lindenstraße 12, 12345 Musterstadt, und der Kalender zeigt falsche Termine.",
            "Die Termine für die Biotonne im Sommer bitte deutlicher markieren.",
            "Eine Druckansicht für das ganze Jahr auf einer Seite.",
        ),
        text_share=0.15,
    ),
}

# The Abfallwirtschaft's survey on its Abfallkalender: ran for seven weeks and was closed (so its page shows no
# survey any more); it has the choice questions the live survey lacks.
CLOSED_SURVEY: dict[str, Any] = {
    "id": "abfallkalender-umfrage",
    "org_unit": "abfallwirtschaft",
    "title": {"de": "Umfrage zum Abfallkalender", "en": "Survey on the waste collection calendar"},
    "intro": {"de": "Vier kurze Fragen. Ihre Antworten sind anonym.",
              "en": "Four short questions. Your answers are anonymous."},
    "thanks": {"de": "Danke! Wir bauen den Abfallkalender mit Ihren Antworten um.",
               "en": "Thank you! We are rebuilding the calendar with your answers."},
    "questions": [
        {"id": "nutzung", "type": "multiple", "required": True,
         "text": {"de": "Wie nutzen Sie den Abfallkalender?", "en": "How do you use the calendar?"},
         "options": [
             {"id": "website", "label": {"de": "Auf der Website", "en": "On the website"}},
             {"id": "pdf", "label": {"de": "Als PDF zum Ausdrucken", "en": "As a PDF to print"}},
             {"id": "app", "label": {"de": "In der Abfall-App", "en": "In the waste app"}},
             {"id": "erinnerung", "label": {"de": "Mit Erinnerung per E-Mail", "en": "With e-mail reminders"}},
         ]},
        {"id": "haeufigkeit", "type": "single",
         "text": {"de": "Wie oft sehen Sie in den Abfallkalender?", "en": "How often do you look at it?"},
         "options": [
             {"id": "woechentlich", "label": {"de": "Jede Woche", "en": "Every week"}},
             {"id": "monatlich", "label": {"de": "Ein- bis zweimal im Monat", "en": "Once or twice a month"}},
             {"id": "selten", "label": {"de": "Seltener", "en": "Less often"}},
         ]},
        {"id": "zufriedenheit", "type": "rating",
         "text": {"de": "Wie zufrieden sind Sie mit dem Abfallkalender?",
                  "en": "How satisfied are you with the calendar?"}},
        {"id": "wunsch", "type": "text", "max_chars": 500,
         "text": {"de": "Was fehlt Ihnen am Abfallkalender?", "en": "What is the calendar missing?"}},
    ],
    "targeting": {"sites": ["abfall"], "include": ["/abfallkalender*"], "sampling_percent": 20,
                  "trigger": {"kind": "scroll", "delay_s": 2, "scroll_percent": 50}, "quota": 500},
}  # fmt: skip


@dataclass(frozen=True)
class Answered:
    """One demo response: its answers (question id → value as the widget sends it) and whether it was dismissed."""

    index: int
    answers: dict[str, Any]
    dismissed: bool
    language: str


def _rating(rnd: random.Random, mean: float) -> int:
    return max(1, min(5, round(rnd.gauss(mean, 1.0))))


def _answer(rnd: random.Random, question: Question, profile: Profile, rating: int, texts: list[str]) -> Any:
    kind = question.type
    if kind == "rating":
        return rating
    if kind == "yes_no":
        return rnd.random() < 0.12 + 0.17 * rating  # the more satisfied, the more often yes
    if kind == "nps":
        return max(0, min(10, round(rnd.gauss(2 * rating - 0.5, 1.6))))
    weights = profile.weights.get(question.id, {})
    options = [o.id for o in question.options]
    if kind == "single":
        return rnd.choices(options, [weights.get(o, 1.0) for o in options])[0]
    if kind == "multiple":
        top = max([weights.get(o, 1.0) for o in options])
        picked = [o for o in options if rnd.random() < 0.75 * weights.get(o, 1.0) / top]
        return picked or [rnd.choices(options, [weights.get(o, 1.0) for o in options])[0]]
    if not texts or rnd.random() >= profile.text_share:
        return None
    return texts.pop(0) if len(texts) > 1 else texts[0]


def demo_answers(definition: SurveyDefinition) -> list[Answered]:
    """The survey's demo responses, the same every time: most answer every question they are shown (optional ones
    not always), some stop early, some dismiss the survey (a few after answering)."""
    profile = PROFILES.get(definition.id, Profile(responses=40, rating_mean=3.6))
    rnd = random.Random(f"stadtstimme-demo-{definition.id}")
    texts = list(profile.texts) * 3  # each text at most three times, in turn
    out = []
    for n in range(profile.responses):
        language = "en" if rnd.random() < 0.06 else "de"
        draw = rnd.random()
        if draw < 0.12:  # closed it at once
            out.append(Answered(n, {}, True, language))
            continue
        shown = len(definition.questions) if draw < 0.8 else rnd.randint(1, len(definition.questions) - 1)
        rating = _rating(rnd, profile.rating_mean)
        answers: dict[str, Any] = {}
        for question in definition.questions[:shown]:
            if not question.required and question.type != "text" and rnd.random() < 0.08:
                continue  # skipped an optional question
            value = _answer(rnd, question, profile, rating, texts)
            if value is not None:
                answers[question.id] = value
        out.append(Answered(n, answers, draw > 0.95, language))
    return out


def receive_times(count: int, first: datetime, last: datetime, seed: str, timezone: str) -> list[datetime]:
    """``count`` moments between ``first`` and ``last``, by day (fewer at weekends) and never at night in the city's
    time zone, oldest first."""
    rnd = random.Random(seed)
    tz = ZoneInfo(timezone)
    span = max((last - first).total_seconds(), 1.0)
    found: list[datetime] = []
    for _ in range(count * 100):  # a window of a few night hours only: then at any hour (below)
        at = first + timedelta(seconds=rnd.random() * span)
        there = at.astimezone(tz)
        if (there.weekday() >= 5 and rnd.random() < 0.5) or not 7 <= there.hour <= 21:
            continue
        found.append(at)
        if len(found) == count:
            break
    found += [first + timedelta(seconds=rnd.random() * span) for _ in range(count - len(found))]
    return sorted(found)


def part(survey_id: str, version: int, site: str, page_url: str, answered: Answered) -> bytes:
    """The body the widget would POST for the response (one part with every answer, as after its last question)."""
    response = uuid.uuid5(NAMESPACE, f"{survey_id}-{answered.index}")
    body = {
        "event_id": str(uuid.uuid5(NAMESPACE, f"{survey_id}-{answered.index}-part")),
        "response_id": str(response), "survey_id": survey_id, "version": version, "site": site,
        "page_url": page_url, "answers": answered.answers, "dismissed": answered.dismissed,
        "language": answered.language, "elapsed_ms": 25_000,
    }  # fmt: skip
    return orjson.dumps(body)


def closed_survey() -> SurveyDefinition:
    return SurveyDefinition.model_validate(CLOSED_SURVEY)


def local(day: date, hour: int, timezone: str) -> datetime:
    return datetime.combine(day, time(hour), ZoneInfo(timezone)).astimezone(UTC)


async def published(pool: asyncpg.Pool, survey_id: str) -> bool:
    """Whether the survey's demo answers were published in this installation."""
    async with pool.acquire() as conn:
        return bool(await conn.fetchval(
            "SELECT 1 FROM audit_log WHERE action = 'demo_survey_answers_published' AND subject = $1", survey_id
        ))  # fmt: skip


async def publish_answers(
    settings: Settings, pool: asyncpg.Pool, survey_id: str, first: datetime, last: datetime
) -> int:
    """Submit the survey's demo answers through ingest, received between ``first`` and ``last``, unless done before
    in this installation; how many parts were accepted."""
    from services.ingest.service import IngestService
    from services.ingest.surveys import SurveyResponseRequest
    from shared.auth import audit
    from shared.orgmodel import split_origin

    if await published(pool, survey_id):
        return 0
    ingest = IngestService(settings)
    await ingest.start(pool)
    try:
        live = ingest.surveys.surveys[survey_id]
        version, definition = live.current_version, live.current
        site = ingest.org.sites[definition.targeting.sites[0]]
        page = next(p for p in sorted(ingest.org.pages.values(), key=lambda p: p.url)
                    if p.site == site.id and _targeted(definition, split_origin(p.url)[1]))  # fmt: skip
        origin, _ = split_origin(page.url)
        # Only inside the survey's own window (a demo file whose window has passed gets no answers, and no error).
        window = definition.targeting
        first, last = max(first, window.starts_at or first), min(last, window.ends_at or last)
        if last - first < timedelta(days=1):
            return 0
        answered = demo_answers(definition)
        times = receive_times(len(answered), first, last, f"stadtstimme-demo-times-{survey_id}", settings.timezone)
        gate = asyncio.Semaphore(CONCURRENCY)

        async def submit(one: Answered, at: datetime) -> None:
            request = SurveyResponseRequest.model_validate_json(part(survey_id, version, site.id, page.url, one))
            async with gate:  # every demo citizen is a client of their own
                await ingest.submit_survey_response(request, origin, f"demo-{survey_id}-{one.index}", at)

        await asyncio.gather(*(submit(one, at) for one, at in zip(answered, times, strict=True)))
    finally:
        await ingest.stop()
    async with pool.acquire() as conn:
        await audit(conn, ACTOR, "demo_survey_answers_published", survey_id, parts=len(answered),
                    org_unit=definition.org_unit)  # fmt: skip
    return len(answered)


def _targeted(definition: SurveyDefinition, path: str) -> bool:
    return targets_path(definition.targeting, path or "/")
