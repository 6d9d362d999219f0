import pytest

from shared.redaction import EMAIL_PLACEHOLDER, IBAN_PLACEHOLDER, PHONE_PLACEHOLDER, redact


@pytest.mark.parametrize(
    ("before", "secret", "after", "placeholder"),
    [
        ("Bitte an ", "max.mustermann@web.de", " antworten", EMAIL_PLACEHOLDER),
        ("Erreichbar unter ", "0171 2345678", "", PHONE_PLACEHOLDER),
        ("Tel. ", "+49 (0)30 123456-78", ", danke", PHONE_PLACEHOLDER),
        ("Ruf ", "030/1234567", " an", PHONE_PLACEHOLDER),
        ("", "0049 221 9876543", " geht auch", PHONE_PLACEHOLDER),
        ("IBAN ", "DE89 3704 0044 0532 0130 00", " für die Erstattung", IBAN_PLACEHOLDER),
        ("IBAN ", "DE89370400440532013000", "", IBAN_PLACEHOLDER),
    ],
)
def test_personal_data_is_replaced(before: str, secret: str, after: str, placeholder: str) -> None:
    assert redact(before + secret + after) == before + placeholder + after


@pytest.mark.parametrize(
    "text",
    [
        "Am 12.03.2024 um 14 Uhr war geschlossen",
        "Öffnungszeiten 8-16 Uhr, Hausnummer 12, PLZ 12345",
        "Die Seite lädt 10 Sekunden",
    ],
)
def test_ordinary_numbers_stay(text: str) -> None:
    assert redact(text) == text
