"""Last year's hackathon of the demo city for `make run`: "Musterstadt hackt <last year>", finished with its results
published. Challenges of the Bürgeramt and the Bäderbetrieb, nine participants in four teams, their submissions,
a jury of three (one declared a conflict of interest), the community vote, statements, four prizes, and the
event's expenses (venue, catering, material) in the year's ledger: all within the 10,000 EUR budget.

Everything goes through the hackathon service's own commands (``service.command`` with the domain's decisions,
the participants' registrations, teams and sealed submissions as ``decisions`` runs them, the ledger through
``budget_api.book``), each dated when it happened last year. The jurors and the organiser are staff accounts that
sign in through the city's identity provider (no password). Created once per installation: a restart finds it.
"""

from __future__ import annotations

import secrets
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from typing import Any
from zoneinfo import ZoneInfo

import asyncpg
from aiokafka import AIOKafkaProducer
from pydantic import BaseModel

from services.hackathon import budget_api, decisions, domain, sealing, service, store
from services.hackathon.api import JoinBody, SubmissionBody
from services.hackathon.domain import HackathonState
from shared.auth import audit, create_account
from shared.contracts.hackathon import (
    AwardGrantedV1,
    ChallengePostedV1,
    ConflictDeclaredV1,
    HackathonCreatedV1,
    HackathonPhaseChangedV1,
    JurorInvitedV1,
    JuryStatementSavedV1,
    Phase,
    ScorecardSubmittedV1,
    SubmissionSavedV2,
    VoteCastV1,
)
from shared.settings import Settings

ORGANISER = "dih-organisation"
# Staff accounts of the demo city: (user name, display name, role, units). The organiser runs the hackathon; the
# jurors score; the PR team reads.
STAFF: tuple[tuple[str, str, str, tuple[str, ...]], ...] = (
    (ORGANISER, "Digital Innovation Hub (Organisation)", "organiser", ()),
    ("jury-becker", "Katrin Becker (Öffentlichkeitsarbeit)", "pr_team", ()),
    ("jury-yilmaz", "Deniz Yılmaz (Bürgeramt)", "unit_staff", ("buergeramt",)),
    ("jury-hoffmann", "Jan Hoffmann (Bäderbetrieb)", "unit_staff", ("baeder",)),
)
JURORS = ("jury-becker", "jury-yilmaz", "jury-hoffmann")
CRITERIA = (("nutzen", "Nutzen für die Stadtgesellschaft", 40), ("umsetzbarkeit", "Umsetzbarkeit", 30),
            ("innovation", "Innovation", 20), ("praesentation", "Qualität der Präsentation", 10))  # fmt: skip

CHALLENGES: dict[str, dict[str, Any]] = {
    "wartezeiten": {
        "org_unit": "buergeramt",
        "title": "Wartezeiten im Bürgeramt sichtbar machen",
        "problem": "Wer ohne Termin ins Bürgeramt kommt, weiß nicht, wie lange es dauert, und Online-Termine sind "
        "schnell vergeben.",
        "context": "Das Aufrufsystem kennt die Wartenummern; eine offene Schnittstelle ist geplant.",
        "contact": "Bürgeramt, Servicemanagement",
        "expected_outcome": "Eine barrierefreie Anzeige der Wartezeit, auch für das Handy.",
        "evidence": [{"page_url": "https://www.musterstadt.de/buergeramt/termine", "note": "Viele Kommentare"}],
    },
    "ummelden": {
        "org_unit": "buergeramt",
        "title": "Ummelden ohne Papierstau",
        "problem": "Für das Ummelden füllen viele das Formular falsch aus und müssen ein zweites Mal kommen.",
        "contact": "Bürgeramt, Servicemanagement",
        "expected_outcome": "Eine Ausfüllhilfe, die in einfacher Sprache durch das Formular führt.",
        "evidence": [{"page_url": "https://www.musterstadt.de/buergeramt/ummelden"}],
    },
    "auslastung": {
        "org_unit": "baeder",
        "title": "Wie voll ist das Freibad?",
        "problem": "An heißen Tagen stehen Gäste lange an der Kasse, während das Hallenbad fast leer ist.",
        "context": "Die Kassensysteme zählen Ein- und Ausgänge; die Zahlen dürfen anonym veröffentlicht werden.",
        "data_links": ["https://www.baeder-musterstadt.de/oeffnungszeiten"],
        "contact": "Bäderbetrieb, Marketing",
        "expected_outcome": "Eine Auslastungsanzeige für alle Bäder als offene Daten und auf der Website.",
        "evidence": [{"page_url": "https://www.baeder-musterstadt.de/freibad"}],
    },
}  # fmt: skip

# Participants (name, address; example.org: nobody's real mailbox), by their number.
PEOPLE = (("Lena Wagner", "lena.wagner@example.org"), ("Murat Demir", "murat.demir@example.org"),
          ("Sophie Klein", "sophie.klein@example.org"), ("Jonas Richter", "jonas.richter@example.org"),
          ("Mia Schulz", "mia.schulz@example.org"), ("Felix Neumann", "felix.neumann@example.org"),
          ("Hannah Braun", "hannah.braun@example.org"), ("Paul Zimmermann", "paul.zimmermann@example.org"),
          ("Emily Krüger", "emily.krueger@example.org"))  # fmt: skip


@dataclass(frozen=True)
class DemoTeam:
    name: str
    publish_name: bool
    members: tuple[int, ...]  # participants by number; the first founds the team
    challenge: str
    submission: dict[str, Any]
    scores: dict[str, tuple[int, int, int, int]]  # juror → scores in the order of CRITERIA
    statement: str


TEAMS = (
    DemoTeam("Termin-Radar", True, (0, 1, 2), "wartezeiten", {
        "title": "Termin-Radar", "summary": "Zeigt die aktuelle Wartezeit im Bürgeramt und freie Termine der nächsten "
        "Tage auf einen Blick.", "description": "Eine kleine Web-App liest die Wartenummern des Aufrufsystems und "
        "schätzt die Wartezeit; abgesagte Termine erscheinen sofort wieder. Ohne Konto, ohne Tracking, mit "
        "Screenreader getestet.", "repository_url": "https://code.example.org/termin-radar",
        "licence": "EUPL-1.2"}, {"jury-becker": (9, 8, 8, 9), "jury-yilmaz": (9, 9, 7, 8),
                                 "jury-hoffmann": (8, 8, 8, 8)},
        "Überzeugt durch direkten Nutzen für alle, die ins Bürgeramt müssen, und eine Umsetzung, die das "
        "Bürgeramt mit wenig Aufwand übernehmen kann."),
    DemoTeam("Badeampel", True, (3, 4), "auslastung", {
        "title": "Badeampel", "summary": "Eine Ampel für jedes Bad: grün, gelb oder rot, je nach Auslastung.",
        "description": "Die Zählungen der Kassen werden alle fünf Minuten als offene Daten veröffentlicht und auf "
        "der Website als Ampel gezeigt.", "repository_url": "https://code.example.org/badeampel",
        "demo_url": "https://badeampel.example.org/", "licence": "MIT"},
        {"jury-becker": (8, 7, 9, 8), "jury-yilmaz": (7, 8, 8, 7)},
        "Eine einfache Idee, sauber umgesetzt: die offenen Daten nutzen auch andere."),
    DemoTeam("Open Amt", False, (5, 6), "ummelden", {
        "title": "Ummelde-Lotse", "summary": "Führt in einfacher Sprache Schritt für Schritt durch das Formular.",
        "description": "Fragen statt Formularfeldern; am Ende ein fertig ausgefülltes PDF zum Mitbringen.",
        "repository_url": "https://code.example.org/ummelde-lotse", "licence": "Apache-2.0"},
        {"jury-becker": (7, 8, 6, 7), "jury-yilmaz": (8, 7, 6, 6), "jury-hoffmann": (7, 7, 6, 7)},
        "Ein wichtiger Schritt zu verständlichen Formularen; einfache Sprache wurde mit Betroffenen getestet."),
    DemoTeam("Datenschwimmer", True, (7, 8), "auslastung", {
        "title": "Bahn frei", "summary": "Sagt voraus, wann im Hallenbad Bahnen frei sind.",
        "description": "Ein Modell aus den Besucherzahlen der letzten Jahre; die Vorhersage erscheint als "
        "Wochenübersicht.", "repository_url": "https://code.example.org/bahn-frei", "licence": "GPL-3.0-or-later"},
        {"jury-becker": (6, 6, 8, 8), "jury-yilmaz": (6, 5, 7, 7), "jury-hoffmann": (7, 6, 8, 7)},
        "Die Publikumslieblinge: eine mutige Idee, die noch Daten braucht."),
)  # fmt: skip
CONFLICT = ("jury-hoffmann", "Badeampel", "Ein Teammitglied macht seine Ausbildung im Bäderbetrieb.")
VOTES = {0: 3, 1: 3, 2: 1, 3: 0, 4: 3, 5: 3, 6: 1, 7: 0, 8: 0}  # participant → team voted for
PRIZES = ((0, "1. Preis", 200_000, "Höchste Gesamtwertung der Jury."),
          (1, "2. Preis", 120_000, "Zweithöchste Gesamtwertung der Jury."),
          (2, "3. Preis", 80_000, "Dritthöchste Gesamtwertung der Jury."),
          (3, "Publikumspreis", 50_000, "Die meisten Stimmen der Teilnehmenden."))  # fmt: skip
# The event's expenses: (category, month, day, euro cents, description, receipt).
EXPENSES = (("material", 10, 2, 31_240, "Moderationsmaterial, Namensschilder, Verlängerungskabel", "KB-{year}-117"),
            ("venue", 10, 12, 240_000, "Saalmiete Bürgerhaus Mitte, 10. bis 12. Oktober", "RE-{year}-0418"),
            ("catering", 10, 12, 186_050, "Verpflegung an drei Tagen, 46 Personen", "RE-{year}-0431"))  # fmt: skip


def hackathon_id(year: int) -> str:
    return f"musterstadt-{year}"


def event_count() -> int:
    """How many events the hackathon is on its topic: created, six phases, challenges, registrations, teams and
    joins, submissions, jurors, the conflict, votes, scorecards, statements, prizes (the ledger's are ``EXPENSES``)."""
    members = sum(len(t.members) for t in TEAMS)
    return (1 + 6 + len(CHALLENGES) + len(PEOPLE) + members + len(TEAMS) + len(JURORS) + 1 + len(VOTES)
            + sum(len(t.scores) for t in TEAMS) + len(TEAMS) + len(PRIZES))  # fmt: skip


def _at(year: int, month: int, day: int, hour: int, minute: int, tz: str) -> datetime:
    return datetime.combine(date(year, month, day), time(hour, minute), ZoneInfo(tz)).astimezone(UTC)


def definition(year: int, tz: str) -> dict[str, Any]:
    def planned(month: int, day: int, hour: int) -> str:
        return _at(year, month, day, hour, 0, tz).isoformat()

    return {
        "year": year,
        "title": f"Musterstadt hackt {year}",
        "description": "Drei Tage im Bürgerhaus Mitte: Teams aus der Stadtgesellschaft entwickelten offene Lösungen "
        "für Aufgaben des Bürgeramts und des Bäderbetriebs, die aus den Rückmeldungen der Bürgerinnen und Bürger "
        "entstanden sind.",
        "schedule": [
            {"phase": "anmeldung_offen", "starts_at": planned(9, 1, 9)},
            {"phase": "hackathon_laeuft", "starts_at": planned(10, 10, 17)},
            {"phase": "einreichung_geschlossen", "starts_at": planned(10, 12, 14)},
            {"phase": "jurierung", "starts_at": planned(10, 13, 9)},
            {"phase": "ergebnisse_veroeffentlicht", "starts_at": planned(10, 24, 10)},
        ],
        "criteria": [{"id": i, "name": n, "weight": w} for i, n, w in CRITERIA],
        "max_team_size": 5,
        "community_vote": True,
    }


async def add_staff(pool: asyncpg.Pool, actor: str) -> None:
    """The demo city's staff accounts besides the demo administrator, made as ``stadtstimme staff add --oidc``
    makes them, unless they exist."""
    async with pool.acquire() as conn:
        for username, name, role, units in STAFF:
            if await conn.fetchval("SELECT 1 FROM staff_account WHERE username = $1", username):
                continue
            async with conn.transaction():
                account = await create_account(conn, username, name, role, units)
                await audit(conn, actor, "account_created", account.username, role=role, units=list(units),
                            kind="oidc_unbound")  # fmt: skip


async def publish_past_hackathon(
    settings: Settings, pool: asyncpg.Pool, producer: AIOKafkaProducer, year: int, actor: str
) -> str:
    """Run last year's hackathon from its creation to its published results, unless it exists; its id."""
    hid = hackathon_id(year)
    tz = settings.timezone
    async with pool.acquire() as conn:
        if (await store.state(conn, hid)).created is not None:
            return hid
    await add_staff(pool, actor)

    async def run(who: str, decide: service.Decide, at: datetime, year_lock: bool = False) -> BaseModel:
        return await service.command(pool, producer, settings, hid, who, decide, year_lock=year_lock, at=at)

    def plain(model: type[BaseModel], decision: Any) -> service.Decide:
        return decisions.simple(model, decision)

    async def phase(to: Phase, at: datetime) -> None:
        await run(ORGANISER, plain(HackathonPhaseChangedV1, lambda s: domain.change_phase(s, to)), at)

    data = definition(year, tz)
    await run(ORGANISER, plain(HackathonCreatedV1, lambda s: domain.create(s, data)), _at(year, 6, 2, 10, 0, tz))
    await phase("challenges_sammeln", _at(year, 6, 2, 10, 5, tz))
    for n, (challenge, fields) in enumerate(CHALLENGES.items()):
        decide = plain(ChallengePostedV1, lambda s, c=challenge, f=fields: domain.post_challenge(s, c, f))
        await run(ORGANISER, decide, _at(year, 6, 10 + 3 * n, 11, 0, tz))
    await phase("anmeldung_offen", _at(year, 9, 1, 9, 0, tz))
    for juror in JURORS:
        await run(ORGANISER, plain(JurorInvitedV1, lambda s, j=juror: domain.invite_juror(s, j)),
                  _at(year, 9, 3, 10, 0, tz))  # fmt: skip

    people: list[uuid.UUID] = []
    for n, (name, email) in enumerate(PEOPLE):  # each confirmed the mailed link (double opt-in)
        registration = decisions.Registration(name, email, secrets.token_urlsafe(32))
        await run(f"participant:{registration.participant_id}", registration, _at(year, 9, 4 + 3 * n, 19, 0, tz))
        people.append(registration.participant_id)
    teams: dict[str, uuid.UUID] = {}
    for n, team in enumerate(TEAMS):
        founder = people[team.members[0]]
        new = decisions.NewTeam(founder, team.name, team.publish_name)
        await run(f"participant:{founder}", new, _at(year, 10, 1 + n, 18, 0, tz))
        teams[team.name] = new.team
        for k, member in enumerate(team.members[1:]):
            pid = people[member]
            await run(f"participant:{pid}", decisions.join(pid, JoinBody(code=new.code)),
                      _at(year, 10, 1 + n, 20, 10 * k, tz))  # fmt: skip

    await phase("hackathon_laeuft", _at(year, 10, 10, 17, 0, tz))
    submissions: dict[str, uuid.UUID] = {}
    for n, team in enumerate(TEAMS):
        author = people[team.members[-1]]
        at = _at(year, 10, 12, 11, 15 * n, tz)
        body = SubmissionBody.model_validate(team.submission)
        saved = await run(f"participant:{author}", _save(author, team.challenge, body, at), at)
        assert isinstance(saved, SubmissionSavedV2)
        submissions[team.name] = saved.submission_id

    await phase("einreichung_geschlossen", _at(year, 10, 12, 14, 0, tz))
    juror, team_name, reason = CONFLICT
    await run(juror, plain(ConflictDeclaredV1, lambda s: domain.declare_conflict(s, juror, teams[team_name], reason)),
              _at(year, 10, 12, 14, 30, tz))  # fmt: skip
    for voter, chosen in VOTES.items():
        pid, submission = people[voter], submissions[TEAMS[chosen].name]
        await run(f"participant:{pid}", plain(VoteCastV1, lambda s, p=pid, v=submission: domain.cast_vote(s, p, v)),
                  _at(year, 10, 12, 15, 5 * voter, tz))  # fmt: skip

    await phase("jurierung", _at(year, 10, 13, 9, 0, tz))
    for n, team in enumerate(TEAMS):
        for k, (juror, scores) in enumerate(team.scores.items()):
            card = dict(zip((c[0] for c in CRITERIA), scores, strict=True))
            decide = plain(ScorecardSubmittedV1, lambda s, j=juror, v=submissions[team.name], c=card:
                           domain.submit_scorecard(s, j, v, c, None))  # fmt: skip
            await run(juror, decide, _at(year, 10, 14 + k, 10 + n, 0, tz))
    for n, team in enumerate(TEAMS):
        submission, words = submissions[team.name], team.statement
        await run(ORGANISER, plain(JuryStatementSavedV1, lambda s, v=submission, w=words:
                                   domain.save_statement(s, v, w)), _at(year, 10, 21, 10, n, tz))  # fmt: skip
    for place, title, cents, why in PRIZES:
        await run(ORGANISER, _award(submissions[TEAMS[place].name], cents, title, why),
                  _at(year, 10, 22, 11, place, tz), year_lock=True)  # fmt: skip
    await phase("ergebnisse_veroeffentlicht", _at(year, 10, 24, 10, 0, tz))

    async def ours() -> AIOKafkaProducer:
        return producer

    for category, month, day, cents, description, receipt in EXPENSES:
        fields = {"category": category, "spent_on": date(year, month, day), "amount_cents": cents,
                  "description": description, "receipt": receipt.format(year=year), "hackathon_id": hid}  # fmt: skip
        await budget_api.book(pool, ours, settings, "hackathons", year, ORGANISER, fields, [hid], "demo")
    async with pool.acquire() as conn:
        await audit(conn, actor, "demo_hackathon_published", hid, year=year, events=event_count())
    return hid


def _save(author: uuid.UUID, challenge: str, body: SubmissionBody, at: datetime) -> service.Decide:
    """A team member saves the team's submission at ``at`` (before the planned close of submissions): the
    decision and sealing of ``decisions.submission_for``, at that time."""
    fields: Mapping[str, Any] = {"challenge_id": challenge, **body.model_dump(mode="json")}

    async def decide(state: HackathonState, conn: asyncpg.Connection) -> tuple[type[BaseModel], dict[str, Any]]:
        decision = domain.save_submission(state, author, uuid.uuid4(), fields, at)
        return SubmissionSavedV2, await sealing.seal_submission(conn, decision)

    return decide


def _award(submission: uuid.UUID, cents: int, title: str, why: str) -> service.Decide:
    """A prize, decided against what is left of the year's budget (as the console's and the API's award)."""

    async def decide(state: HackathonState, conn: asyncpg.Connection) -> tuple[type[BaseModel], dict[str, Any]]:
        left = await service.left_cents(conn, state.info.year)
        return AwardGrantedV1, domain.grant_award(state, left, uuid.uuid4(), submission, cents, title, why)

    return decide
