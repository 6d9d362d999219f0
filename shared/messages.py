"""The message catalogue: every text a citizen or staff member reads, German first, English second.

Keys are stable identifiers; ``text(key, lang, **values)`` formats one. Code never spells user-facing text.
"""

from __future__ import annotations

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
    "problem.helpful_or_rating": {
        "de": "Bitte geben Sie an, ob die Seite hilfreich war, oder vergeben Sie eine Bewertung.",
        "en": "Please say whether the page was helpful or give a rating.",
    },
}

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
