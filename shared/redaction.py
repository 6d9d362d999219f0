"""Redaction of personal data in citizen free text, applied at ingest before anything reaches Kafka.

Rules and lists, no model: German NER models are not installable here, and rules are predictable to audit.
Replacements are readable placeholders so staff still understand the sentence.
"""

from __future__ import annotations

import re

_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+", re.UNICODE)
# IBAN: two letters, two digits, 11-30 alphanumerics, optionally grouped by spaces.
_IBAN = re.compile(r"\b[A-Z]{2}\d{2}(?:[ ]?[A-Z0-9]{4}){2,7}(?:[ ]?[A-Z0-9]{1,4})?\b")
# Phone numbers: +49 / 0049 / 0 prefixes, area codes in brackets, separators space / - . and slashes.
_PHONE = re.compile(
    r"(?<![\w+])(?:\+|00)\d{1,3}[\s./-]?(?:\(0\)[\s./-]?)?\d(?:[\s./-]?\d){5,13}(?!\w)"
    r"|(?<![\w+])\(?0\d{2,5}\)?[\s./-]?\d(?:[\s./-]?\d){3,10}(?!\w)"
)

EMAIL_PLACEHOLDER = "[E-Mail entfernt]"
PHONE_PLACEHOLDER = "[Telefonnummer entfernt]"
IBAN_PLACEHOLDER = "[IBAN entfernt]"


def redact(text: str) -> str:
    """Replace e-mail addresses, IBANs and phone numbers (in that order: an IBAN contains digit runs)."""
    text = _EMAIL.sub(EMAIL_PLACEHOLDER, text)
    text = _IBAN.sub(IBAN_PLACEHOLDER, text)
    return _PHONE.sub(PHONE_PLACEHOLDER, text)
