"""The message catalogue: every text a citizen or staff member reads, German first, English second.

Keys are stable identifiers; ``text(key, lang, **values)`` formats one. Code never spells user-facing text.
"""

from __future__ import annotations

import json
from pathlib import Path

CATALOGUE: dict[str, dict[str, str]] = {
    "problem.invalid_json.title": {
        "de": "Die Anfrage ist kein gültiges JSON.",
        "en": "The request body is not valid JSON.",
    },
    "problem.validation.title": {
        "de": "Die Angaben sind unvollständig oder ungültig.",
        "en": "The submitted data is incomplete or invalid.",
    },
    "problem.too_large.title": {"de": "Die Anfrage ist zu groß.", "en": "The request is too large."},
    "problem.too_large.detail": {
        "de": "Höchstens {limit} Bytes sind erlaubt.",
        "en": "At most {limit} bytes are allowed.",
    },
    "problem.media_type.title": {
        "de": "Nicht unterstütztes Format.",
        "en": "Unsupported media type.",
    },
    "problem.media_type.detail": {
        "de": "Bitte als application/json senden.",
        "en": "Please send application/json.",
    },
    "problem.unknown_site.title": {"de": "Unbekannte Website.", "en": "Unknown site."},
    "problem.origin.title": {
        "de": "Diese Website darf kein Feedback für die angegebene Seite senden.",
        "en": "This origin may not send feedback for that site.",
    },
    "problem.page_not_on_site.detail": {
        "de": "Die Seite gehört nicht zu dieser Website.",
        "en": "The page does not belong to this site.",
    },
    "problem.unavailable.title": {
        "de": "Der Dienst ist kurz nicht erreichbar. Bitte versuchen Sie es gleich noch einmal.",
        "en": "The service is briefly unavailable. Please try again in a moment.",
    },
    "problem.unauthorized.title": {"de": "Anmeldung erforderlich.", "en": "Authentication required."},
    "problem.not_found.title": {"de": "Nicht gefunden.", "en": "Not found."},
    "problem.method.title": {"de": "Diese Methode ist hier nicht erlaubt.", "en": "Method not allowed."},
    "problem.rate_limited.title": {
        "de": "Sehr viele Rückmeldungen in kurzer Zeit. Bitte warten Sie einen Moment und senden Sie dann erneut.",
        "en": "Many submissions in a short time. Please wait a moment, then send again.",
    },
    "problem.pow.title": {
        "de": "Zum Schutz vor automatischen Einsendungen ist eine kurze Rechenaufgabe Ihres Browsers nötig.",
        "en": "To guard against automated submissions, your browser needs to solve a short computation.",
    },
    "problem.widget_not_built.title": {
        "de": "Das Feedback-Widget ist nicht gebaut: `make install` baut widget/dist/stadtstimme.js.",
        "en": "The feedback widget is not built: `make install` builds widget/dist/stadtstimme.js.",
    },
    "problem.some_answer": {
        "de": "Bitte beantworten Sie mindestens eine Frage oder schreiben Sie uns einen Kommentar.",
        "en": "Please answer at least one question or write us a comment.",
    },
    "problem.unknown_survey.title": {
        "de": "Diese Umfrage gibt es nicht oder nicht mehr.",
        "en": "This survey does not exist or no longer exists.",
    },
    "problem.invalid_answer.title": {
        "de": "Die Antwort passt nicht zur Frage.",
        "en": "The answer does not fit the question.",
    },
    "problem.survey_command.title": {
        "de": "Diese Änderung der Umfrage ist nicht möglich.",
        "en": "This change to the survey is not possible.",
    },
    # The feedback form without JavaScript (services/ingest/form.py, templates/form.html).
    # Staff console (services/analytics/console.py, templates/console_*.html).
    "console.login.title": {"de": "Anmeldung für Mitarbeitende", "en": "Staff sign-in"},
    "console.login.username": {"de": "Benutzername", "en": "Username"},
    "console.login.password": {"de": "Passwort", "en": "Password"},
    "console.login.submit": {"de": "Anmelden", "en": "Sign in"},
    "console.error.login": {
        "de": "Benutzername oder Passwort ist falsch.",
        "en": "The username or password is wrong.",
    },
    "console.error.origin": {
        "de": "Diese Anfrage kam nicht aus der Stadtstimme-Konsole und wurde deshalb abgelehnt.",
        "en": "This request did not come from the Stadtstimme console and was refused.",
    },
    "console.signed_in_as": {"de": "angemeldet als {name}", "en": "signed in as {name}"},
    "console.logout": {"de": "Abmelden", "en": "Sign out"},
    "console.overview.title": {"de": "Zufriedenheit im Überblick", "en": "Satisfaction overview"},
    "console.overview.caption": {
        "de": "Letzte 30 Tage je Organisationseinheit; Veränderung der mittleren Bewertung gegenüber den "
        "30 Tagen davor",
        "en": "Last 30 days per org unit; change of the mean rating against the 30 days before",
    },
    "console.overview.unit": {"de": "Organisationseinheit", "en": "Org unit"},
    "console.overview.responses": {"de": "Rückmeldungen", "en": "Responses"},
    "console.overview.helpful": {"de": "Hilfreich", "en": "Helpful"},
    "console.overview.rating": {"de": "Mittlere Bewertung (1–5)", "en": "Mean rating (1–5)"},
    "console.overview.change": {"de": "Veränderung", "en": "Change"},
    "console.overview.csv": {"de": "Tabelle als CSV herunterladen", "en": "Download the table as CSV"},
    "console.overview.empty": {
        "de": "Für Ihr Konto sind keine Organisationseinheiten freigegeben.",
        "en": "No org units are assigned to your account.",
    },
    "console.back": {"de": "Zurück zur Übersicht", "en": "Back to the overview"},
    "console.not_found.title": {"de": "Nicht gefunden", "en": "Not found"},
    "console.not_found.body": {
        "de": "Diese Seite gibt es nicht, oder sie gehört zu einer Organisationseinheit, die Ihr Konto nicht sieht.",
        "en": "This page does not exist, or it belongs to an org unit your account cannot see.",
    },
    "console.unit.pages": {
        "de": "Seiten der letzten 30 Tage, schlechteste mittlere Bewertung zuerst",
        "en": "Pages of the last 30 days, lowest mean rating first",
    },
    "console.unit.page": {"de": "Seite", "en": "Page"},
    "console.unit.no_pages": {"de": "Keine Rückmeldungen in den letzten 30 Tagen.", "en": "No feedback in 30 days."},
    "console.unit.comments": {"de": "Neueste Kommentare und Vorschläge", "en": "Newest comments and suggestions"},
    "console.unit.no_comments": {"de": "Noch keine Kommentare.", "en": "No comments yet."},
    "console.unit.rating": {"de": "Bewertung {rating} von 5", "en": "rating {rating} of 5"},
    "console.unit.suspected_spam": {"de": "Verdacht auf Spam", "en": "Suspected spam"},
    "form.title": {"de": "Rückmeldung zu einer Seite", "en": "Feedback on a page"},
    "form.intro": {
        "de": "Ihre Rückmeldung hilft uns, diese Seite und unsere Angebote zu verbessern. Alle Angaben sind "
        "freiwillig. Bitte schreiben Sie keine persönlichen Daten in die Textfelder.",
        "en": "Your feedback helps us improve this page and our services. Every answer is optional. Please do "
        "not enter personal data in the text fields.",
    },
    "form.page": {"de": "Seite", "en": "Page"},
    "form.max_chars": {"de": "Höchstens {limit} Zeichen.", "en": "At most {limit} characters."},
    "form.submit": {"de": "Rückmeldung senden", "en": "Send feedback"},
    "form.errors": {
        "de": "Bitte prüfen Sie Ihre Angaben:",
        "en": "Please check your entries:",
    },
    "form.error.field": {"de": "{field}: {detail}", "en": "{field}: {detail}"},
    "form.error.unavailable": {
        "de": "Ihre Rückmeldung konnte gerade nicht gespeichert werden. Ihre Angaben sind erhalten: Bitte senden "
        "Sie das Formular in einigen Sekunden noch einmal ab.",
        "en": "Your feedback could not be saved just now. Your entries are kept: please send the form again in a "
        "few seconds.",
    },
    "form.error.site": {
        "de": "Für diese Seite kann hier leider keine Rückmeldung abgegeben werden.",
        "en": "Feedback for this page cannot be given here.",
    },
    "form.thanks.body": {
        "de": "Wir haben Ihre Rückmeldung erhalten. Das zuständige Team wertet sie aus.",
        "en": "We have received your feedback. The responsible team will review it.",
    },
    "form.back": {"de": "Zurück zur Seite", "en": "Back to the page"},
}

# The citizen widget's texts ("widget.*") live in one JSON file that the widget's build bundles and the server's
# form without JavaScript uses too, so both say exactly the same.
CATALOGUE.update(json.loads((Path(__file__).with_name("widget_messages.json")).read_text(encoding="utf-8")))

LANGUAGES = ("de", "en")


def pick_language(accept_language: str | None) -> str:
    """First supported language in an Accept-Language header (weights ignored: order is good enough here)."""
    for part in (accept_language or "").split(","):
        tag = part.split(";")[0].strip().lower()[:2]
        if tag in LANGUAGES:
            return tag
    return "de"


def text(key: str, lang: str = "de", **values: object) -> str:
    entry = CATALOGUE[key]
    return entry.get(lang, entry["de"]).format(**values)
