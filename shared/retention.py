"""How long Stadtstimme keeps each kind of personal data, and why: the one policy the retention job enforces
(``stadtstimme retention run``, and hourly in the projector worker), the console shows administrators, and
docs/datenschutz.md states (checked by a test against this module).

Periods are settings (``STADTSTIMME_RETENTION_*``), with defaults a data-protection officer can accept: long enough
for the purpose, no longer. What is not personal data (ratings, counts, aggregates) is kept: the figures of past
years stay exact.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

import asyncpg

from shared.settings import Settings


@dataclass(frozen=True)
class Rule:
    kind: str  # a stable identifier (audit entries, the console, the document)
    what: str  # German: what is erased
    period: timedelta
    reason: str  # German: why this long
    how: str  # German: how it is erased


def period_text(period: timedelta) -> str:
    """A period as people say it, in German: "730 Tage", under three days in hours ("48 Stunden")."""
    if period < timedelta(days=3):
        return f"{int(period.total_seconds() // 3600)} Stunden"
    return f"{period.days} Tage"


def markdown_table(rules: tuple[Rule, ...]) -> str:
    """The rules as the Markdown table docs/datenschutz.md shows (a test compares the two)."""
    rows = ["| Daten | Aufbewahrung | Grund | Löschung |", "|---|---|---|---|"]
    rows += [f"| {r.what} | {period_text(r.period)} | {r.reason} | {r.how} |" for r in rules]
    return "\n".join(rows) + "\n"


def policy(settings: Settings) -> tuple[Rule, ...]:
    """Every rule, in the order the job applies them."""
    days = timedelta(days=1)
    return (
        Rule(
            "free_text",
            "Freitexte von Bürgerinnen und Bürgern: Kommentare, Vorschläge und freie Antworten in Umfragen; die "
            "E-Mail-Adresse, die jemand mit Einwilligung zu einer Barrieremeldung angegeben hat",
            settings.retention_free_text_days * days,
            "Zwei Jahre decken die Bearbeitung und den Vergleich über ein Vorjahr ab; danach dienen die Texte keinem "
            "Zweck mehr. Bewertungen und Kennzahlen bleiben ohne Text erhalten.",
            "Der Datenschlüssel der Rückmeldung wird gelöscht (Krypto-Shredding): jede Kopie des Textes in den "
            "Nachrichten, im Archiv und in Sicherungen der Nachrichten wird unlesbar; die Lesemodelle verwerfen ihre "
            "Kopien. Die E-Mail-Adresse einer Barrieremeldung wird mit dem Schlüssel gelöscht (auch die "
            "versiegelte Kopie in der Antwort ist dann unlesbar).",
        ),
        Rule(
            "triage_notes",
            "Interne Notizen der Mitarbeitenden zu Kommentaren",
            settings.retention_triage_notes_days * days,
            "Notizen gehören zur Bearbeitung eines Kommentars und werden nicht länger gebraucht als sein Text.",
            "Die Notizen werden gelöscht, mit ihren Schlüsseln: auch in den Nachrichten sind sie dann unlesbar.",
        ),
        Rule(
            "audit_log",
            "Protokoll, wer was angesehen, exportiert oder geändert hat (mit Benutzernamen)",
            settings.retention_audit_days * days,
            "Nachweis der Zugriffe für Datenschutz und IT-Sicherheit über zwei Jahre; danach gelöscht.",
            "Ältere Einträge werden gelöscht; nur die Aufbewahrung darf das (die Tabelle verweigert sonst jedes "
            "Ändern und Löschen).",
        ),
        Rule(
            "delivery_log",
            "Benachrichtigungen an Mitarbeitende und ihr Zustellprotokoll (mit Auszügen aus Kommentaren)",
            settings.retention_delivery_log_days * days,
            "Zur Klärung von Zustellproblemen genügen drei Monate.",
            "Benachrichtigungen und Zustellungen werden gelöscht.",
        ),
        Rule(
            "hackathon_participants",
            "Daten der Teilnehmenden eines Hackathons: Name, E-Mail-Adresse, Teamnamen und Texte ihrer Einreichungen",
            settings.retention_hackathon_days * days,
            "Ein Jahr nach dem Ende des Hackathons sind Rückfragen, Preise und Nachweise erledigt.",
            "Die Teilnehmenden werden gelöscht wie auf eigenen Wunsch: Person, Stimme, Teamnamen und Texte ihrer "
            "Einreichungen (deren Schlüssel); Platzierungen, Punkte und Preise bleiben ohne Namen.",
        ),
        Rule(
            "pending_registrations",
            "Unbestätigte Anmeldungen zum Hackathon (Name, E-Mail-Adresse)",
            timedelta(hours=48),
            "Die Bestätigungs-E-Mail verspricht die Löschung nach 48 Stunden.",
            "Die Anmeldung und ihr Link werden gelöscht.",
        ),
        Rule(
            "staff_links",
            "Einladungs- und Passwort-Links für Konten der Mitarbeitenden (als Hash)",
            timedelta(hours=72),
            "Eine Einladung gilt 72 Stunden, ein Link zum Zurücksetzen 24; danach dient er keinem Zweck.",
            "Abgelaufene Links werden gelöscht; ein benutzter Link ist sofort weg.",
        ),
        Rule(
            "staff_accounts",
            "Deaktivierte Konten von Mitarbeitenden: Anzeigename, E-Mail-Adresse, Passwort-Hash, Bindung an das "
            "Dienstkonto der Stadt",
            settings.retention_staff_accounts_days * days,
            "Ein halbes Jahr nach der Deaktivierung sind Rückfragen zu den Vorgängen des Kontos erledigt. Der "
            "Kontoname bleibt, solange das Protokoll Einträge mit ihm aufbewahrt.",
            "Die Angaben werden aus dem Konto gelöscht; es bleibt deaktiviert. Wird es wieder aktiviert, setzt die "
            "Person ihr Passwort über einen neuen Link.",
        ),
        Rule(
            "sign_in_throttle",
            "Zähler fehlgeschlagener Anmeldungen je Kontoname (als Hash)",
            timedelta(days=1),
            "Die Sperre nach Fehlversuchen dauert höchstens 15 Minuten; ältere Zähler dienen keinem Zweck.",
            "Die Zähler werden gelöscht.",
        ),
    )


# Per kind: (how many entries are due at ``$1`` (the cutoff), and the moment the oldest remaining one was made).
_DUE = {
    "free_text": (
        "SELECT count(*) FILTER (WHERE created_at < $1), min(created_at) FROM data_key "
        "WHERE kind IN ('feedback', 'survey')"
    ),
    "triage_notes": "SELECT count(*) FILTER (WHERE at < $1), min(at) FROM comment_note",
    "audit_log": "SELECT count(*) FILTER (WHERE at < $1), min(at) FROM audit_log",
    "delivery_log": "SELECT count(*) FILTER (WHERE created_at < $1), min(created_at) FROM notification_delivery",
    # Participants of hackathons archived before $1 (the job also counts a planned archive date that has passed).
    "hackathon_participants": (
        "SELECT count(*) FILTER (WHERE a.archived < $1), min(a.archived) FROM hackathon_person p JOIN ("
        "SELECT hackathon_id, min(at) AS archived FROM hackathon_event WHERE event_type = "
        "'de.stadtstimme.hackathon.phase-changed' AND envelope::jsonb -> 'data' ->> 'phase' = 'archiv' GROUP BY 1) a "
        "USING (hackathon_id)"
    ),
    "pending_registrations": (
        "SELECT count(*) FILTER (WHERE requested_at < $1), min(requested_at) FROM hackathon_pending_registration"
    ),
    "staff_links": "SELECT count(*) FILTER (WHERE created_at < $1), min(created_at) FROM staff_link",
    "staff_accounts": (
        "SELECT count(*) FILTER (WHERE disabled_at < $1), min(disabled_at) FROM staff_account "
        "WHERE disabled AND erased_at IS NULL"
    ),
    "sign_in_throttle": "SELECT count(*) FILTER (WHERE last_failed < $1), min(last_failed) FROM sign_in_throttle",
}


@dataclass(frozen=True)
class Due:
    rule: Rule
    due_now: int
    next_at: datetime | None  # when the oldest remaining entry becomes due (None: nothing there)


async def preview(conn: asyncpg.Connection, settings: Settings, now: datetime) -> list[Due]:
    """What each rule would erase now, and when its next entry becomes due."""
    found = []
    for rule in policy(settings):
        row = await conn.fetchrow(_DUE[rule.kind], now - rule.period)
        found.append(Due(rule, int(row[0]), row[1] + rule.period if row[1] is not None else None))
    return found
