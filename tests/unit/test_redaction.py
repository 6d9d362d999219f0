"""Redaction of personal data in citizen free text (``shared.redaction``).

Single cases document the behaviour; the corpus test measures recall and precision per kind over
``redaction_corpus`` and prints the figures (``pytest -s``). Speed is measured by ``bench/redaction.py``, never
here: the hostile inputs below are only checked for their result.
"""

from __future__ import annotations

import random
import unicodedata
from collections import Counter

import pytest

from shared.redaction import (
    CARD_PLACEHOLDER,
    EMAIL_PLACEHOLDER,
    IBAN_PLACEHOLDER,
    PHONE_PLACEHOLDER,
    TAX_ID_PLACEHOLDER,
    TAX_NUMBER_PLACEHOLDER,
    iban_valid,
    luhn_valid,
    normalise_text,
    redact,
    tax_id_valid,
)
from tests.unit.redaction_corpus import KINDS, LOOKALIKES, MIXED, NEGATIVE, POSITIVE, Positive

PLACEHOLDER = {
    "email": EMAIL_PLACEHOLDER,
    "phone": PHONE_PLACEHOLDER,
    "iban": IBAN_PLACEHOLDER,
    "card": CARD_PLACEHOLDER,
    "tax_id": TAX_ID_PLACEHOLDER,
    "tax_number": TAX_NUMBER_PLACEHOLDER,
}


@pytest.mark.parametrize(
    ("before", "secret", "after", "placeholder"),
    [
        ("Bitte an ", "max.mustermann@web.de", " antworten", EMAIL_PLACEHOLDER),
        ("Bitte an ", "max (at) example (dot) de", " antworten", EMAIL_PLACEHOLDER),
        ("Erreichbar unter ", "0171 2345678", "", PHONE_PLACEHOLDER),
        ("Tel. ", "+49 (0)30 123456-78", ", danke", PHONE_PLACEHOLDER),
        ("Ruf ", "030/1234567", " an", PHONE_PLACEHOLDER),
        ("", "0049 221 9876543", " geht auch", PHONE_PLACEHOLDER),
        ("Büro ", "+44 20 7946 0958", ".", PHONE_PLACEHOLDER),
        ("IBAN ", "DE89 3704 0044 0532 0130 00", " für die Erstattung", IBAN_PLACEHOLDER),
        ("IBAN ", "DE89370400440532013000", "", IBAN_PLACEHOLDER),
        ("Karte ", "4111 1111 1111 1111", " gültig bis 12/26", CARD_PLACEHOLDER),
        ("Steuer-ID ", "36 574 261 809", ".", TAX_ID_PLACEHOLDER),
        ("Steuernummer ", "21/815/08150", "", TAX_NUMBER_PLACEHOLDER),
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
        "Laterne Hauptstraße 5 defekt",
        "Az. 3-1234/2026",
        "AZ 12 O 345/25",
        "Mo-Fr 8-12",
        "Mir wurden 1.250,00 EUR berechnet.",
    ],
)
def test_ordinary_numbers_stay(text: str) -> None:
    assert redact(text) == text


@pytest.mark.parametrize(
    "text",
    [
        "IBAN DE89 3704 0044 0532 0130 01",  # mod 97 fails
        "Karte 4111 1111 1111 1112",  # Luhn fails
        "Steuer-ID 36574261890",  # check digit wrong
        "Steuer-ID 36554266806",  # two digits repeated in the first ten
    ],
)
def test_numbers_failing_their_check_stay_whole(text: str) -> None:
    """A look-alike is neither replaced as what it imitates nor cut up by the phone rules."""
    assert redact(text) == text


def test_check_digit_functions_know_published_examples() -> None:
    assert luhn_valid("4111111111111111") and luhn_valid("378282246310005") and not luhn_valid("4111111111111112")
    assert iban_valid("DE89370400440532013000") and iban_valid("GB29NWBK60161331926819")
    assert not iban_valid("DE89370400440532013001")
    assert tax_id_valid("36574261809") and tax_id_valid("12345678995")
    assert not tax_id_valid("36574261890")  # check digit
    assert not tax_id_valid("36554266806")  # more than one digit repeated
    assert not tax_id_valid("06574261809")  # leading zero


def _tax_check(head: str) -> str:
    """The ISO 7064 MOD 11,10 check digit of a ten-digit head, computed independently of the module."""
    product = 10
    for ch in head:
        product = ((int(ch) + product) % 10 or 10) * 2 % 11
    return str((11 - product) % 10)


def test_tax_id_digit_distribution_rule() -> None:
    assert not tax_id_valid("1112345678" + _tax_check("1112345678"))  # a digit three times in a row
    assert tax_id_valid("1121345678" + _tax_check("1121345678"))  # three times, not in a row: allowed
    assert not tax_id_valid("1123345678" + _tax_check("1123345678"))  # two digits repeated
    assert not tax_id_valid("1234567890" + _tax_check("1234567890"))  # no digit repeated
    assert not tax_id_valid("1121314567" + _tax_check("1121314567"))  # a digit four times


# ---------------------------------------------------------------------------------------------------------------
# Normalisation
# ---------------------------------------------------------------------------------------------------------------


def test_normalise_text_composes_to_nfc() -> None:
    decomposed = "Mu\u0308ller, Stra\u00dfe, Cafe\u0301"
    assert normalise_text(decomposed) == "Müller, Straße, Café"
    assert unicodedata.is_normalized("NFC", normalise_text(decomposed))
    assert normalise_text("Mu\u200b\u0308ller") == "Müller"  # removed before composing


@pytest.mark.parametrize(
    "invisible",
    [
        "\u200b",  # zero-width space
        "\u200c",  # zero-width non-joiner
        "\u200d",  # zero-width joiner
        "\ufeff",  # BOM / zero-width no-break space
        "\u00ad",  # soft hyphen
        "\u2060",  # word joiner
        "\u200e",  # left-to-right mark
        "\u200f",  # right-to-left mark
        "\u061c",  # Arabic letter mark
        *[chr(c) for c in range(0x202A, 0x202F)],  # bidi embeddings and overrides
        *[chr(c) for c in range(0x2066, 0x206A)],  # bidi isolates
        "\u2062",  # invisible times
        "\u180e",  # Mongolian vowel separator
        "\u034f",  # combining grapheme joiner
        "\u3164",  # Hangul filler
        "\x00",
        "\x07",
        "\x1b",
        "\x7f",
        "\x80",
        "\x9b",
    ],
)
def test_normalise_text_removes_invisible_and_control_characters(invisible: str) -> None:
    assert normalise_text(f"an{invisible}na") == "anna"


def test_normalise_text_keeps_whitespace_and_visible_marks() -> None:
    england = "\U0001f3f4\U000e0067\U000e0062\U000e0065\U000e006e\U000e0067\U000e007f"  # flag + tags "gbeng" + cancel
    text = f"Zeile 1\n\tZeile 2\u00a0mit NBSP \u2764\ufe0f {england}"
    assert normalise_text(text) == text  # variation selector and a subdivision flag (England) stay
    assert normalise_text("a\r\nb\rc\x0bd\x0ce\x85f") == "a\nb\nc\nd\ne\nf"
    assert normalise_text("x\U000e0041\U000e0042y") == "xy"  # tag characters outside a flag are invisible


def test_every_format_character_is_removed_or_deliberately_kept() -> None:
    """Across this Python's Unicode database: a Cf character is removed unless it is on the keep list."""
    keep = {0x0600, 0x0601, 0x0602, 0x0603, 0x0604, 0x0605, 0x06DD, 0x070F, 0x0890, 0x0891, 0x08E2, 0x110BD}
    keep |= {0x110CD, *range(0x13430, 0x13440)}  # prepended number marks, Egyptian hieroglyph format controls
    kept = [
        hex(code)
        for code in range(0x110000)
        if unicodedata.category(chr(code)) == "Cf" and normalise_text(f"a{chr(code)}b") != "ab"
    ]
    tags = {hex(code) for code in range(0xE0020, 0xE0080)}  # kept only inside a flag, tested above
    assert set(kept) - tags == {hex(code) for code in keep if unicodedata.category(chr(code)) == "Cf"}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("ma\u200bx@exa\u00admple.de", EMAIL_PLACEHOLDER),
        ("max\u202e@web.de", EMAIL_PLACEHOLDER),
        ("0171\u2060 234\u200d5678", PHONE_PLACEHOLDER),
        ("DE89\u200b3704\u200b0044\u200b0532\u200b0130\u200b00", IBAN_PLACEHOLDER),
        ("4111\ufeff1111\ufeff1111\ufeff1111", CARD_PLACEHOLDER),
    ],
)
def test_redact_normalises_first(text: str, expected: str) -> None:
    assert redact(text) == expected


# ---------------------------------------------------------------------------------------------------------------
# Corpus: recall and precision
# ---------------------------------------------------------------------------------------------------------------


def _expected(case: Positive) -> str:
    text = normalise_text(case.text)
    for secret in case.secrets:
        text = text.replace(normalise_text(secret), PLACEHOLDER[case.kind])
    return text


def _placeholders(text: str) -> Counter[str]:
    return Counter({kind: text.count(placeholder) for kind, placeholder in PLACEHOLDER.items()})


def corpus_figures() -> tuple[dict[str, dict[str, float]], list[str]]:
    """Per kind: secrets, found (gone and replaced by the right placeholder), false positives (placeholders
    where none belongs, in any text), recall and precision; plus the texts that came out wrong."""
    found: Counter[str] = Counter()
    total: Counter[str] = Counter()
    false_positives: Counter[str] = Counter()
    wrong: list[str] = []
    for case in POSITIVE:
        output = redact(case.text)
        expected = _expected(case)
        for secret in case.secrets:
            total[case.kind] += 1
            if normalise_text(secret) not in output and PLACEHOLDER[case.kind] in output:
                found[case.kind] += 1
        false_positives += _placeholders(output) - _placeholders(expected)
        if output != expected:
            wrong.append(f"{case.text!r} -> {output!r}")
    for text in NEGATIVE + LOOKALIKES:
        output = redact(text)
        false_positives += _placeholders(output)
        if output != text:
            wrong.append(f"{text!r} -> {output!r}")
    for text, expected in MIXED:
        output = redact(text)
        false_positives += _placeholders(output) - _placeholders(expected)
        if output != expected:
            wrong.append(f"{text!r} -> {output!r}")
    figures: dict[str, dict[str, float]] = {}
    for kind in (*KINDS, "all"):
        t = sum(total.values()) if kind == "all" else total[kind]
        f = sum(found.values()) if kind == "all" else found[kind]
        fp = sum(false_positives.values()) if kind == "all" else false_positives[kind]
        figures[kind] = {"secrets": t, "found": f, "false_pos": fp, "recall": f / t, "precision": f / (f + fp)}
    return figures, wrong


def _report(figures: dict[str, dict[str, float]], wrong: list[str]) -> str:
    lines = [f"{'kind':<11}{'secrets':>8}{'found':>7}{'false+':>7}{'recall':>8}{'precision':>10}"]
    for kind, f in figures.items():
        lines.append(
            f"{kind:<11}{f['secrets']:>8.0f}{f['found']:>7.0f}{f['false_pos']:>7.0f}"
            f"{f['recall']:>8.3f}{f['precision']:>10.3f}"
        )
    negatives = len(NEGATIVE) + len(LOOKALIKES)
    lines.append(f"negative texts: {negatives} ({len(LOOKALIKES)} check-digit look-alikes), mixed texts: {len(MIXED)}")
    lines.extend(f"  not as expected: {w}" for w in wrong)
    return "\n".join(lines)


def test_corpus_is_large_and_well_formed() -> None:
    assert len(POSITIVE) >= 200 and len(NEGATIVE) + len(LOOKALIKES) >= 150
    assert set(KINDS) == {case.kind for case in POSITIVE}
    for case in POSITIVE:
        assert all(normalise_text(s) in normalise_text(case.text) for s in case.secrets), case
    compact = {case.secrets[0].replace(" ", "").replace("-", "").replace("\u00a0", "") for case in POSITIVE}
    kinds = {case.secrets[0]: case.kind for case in POSITIVE}
    for secret, kind in kinds.items():
        digits = secret.replace(" ", "").replace("-", "").replace("\u00a0", "")
        if kind == "iban":
            assert iban_valid(digits.upper()), secret
        elif kind == "card":
            assert luhn_valid(digits), secret
        elif kind == "tax_id":
            assert tax_id_valid(digits), secret
    assert len(compact) > 200  # generated values are distinct


def test_recall_and_precision_on_the_corpus() -> None:
    figures, wrong = corpus_figures()
    report = _report(figures, wrong)
    print("\n" + report)
    assert figures["all"]["recall"] >= 0.99, report
    for kind in KINDS:
        assert figures[kind]["recall"] >= 0.95, report
    assert figures["all"]["false_pos"] == 0 and figures["all"]["precision"] == 1.0, report
    assert all(redact(text) == text for text in NEGATIVE + LOOKALIKES), report
    assert len(wrong) <= 0.01 * (len(POSITIVE) + len(NEGATIVE) + len(LOOKALIKES) + len(MIXED)), report


def test_redaction_is_idempotent() -> None:
    """Placeholders never look like personal data themselves."""
    for case in POSITIVE:
        once = redact(case.text)
        assert redact(once) == once


# ---------------------------------------------------------------------------------------------------------------
# Hostile input: results only (timing: bench/redaction.py)
# ---------------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "unit",
    ["1 ", "a@", "+49 ", "(at)", "7", "a", "0", "\u200b", "(0", "x@x.", "a at a dot ", "DE00 ", "Tel. 1 ", "1 / "],
)
def test_hostile_input_is_left_alone(unit: str) -> None:
    text = (unit * (10_000 // len(unit) + 1))[:10_000]
    assert redact(text) == normalise_text(text)


def test_random_text_never_fails_and_redaction_is_stable() -> None:
    """Random mixtures of digits of several scripts, separators, brackets, keywords and invisible characters:
    ``redact`` must not raise (ingest would reject the comment) and must find everything in one go."""
    alphabet = [*"0123456789 +-/.()@[]{}<>:,;#=&%?_'\n\t", *"０１２３٠١٢", *"aeDEGBAT", "\u200b", "\u00a0", "\u2013"]
    alphabet += ["²", "\U000e0041", "\U0001f3f4", "\u0301", "\x00", "\r"]
    words = ["Tel. ", "Steuernummer ", "(at)", " at ", " dot ", "DE89", "GB29 NWBK ", "+49 ", "0171 ", "4111 "]
    words += ["@web.de", "IBAN ", "Kundennummer ", "(0)", "Az. "]
    rng = random.Random(11)
    for _ in range(3000):
        text = "".join(
            rng.choice(words) if rng.random() < 0.15 else rng.choice(alphabet) for _ in range(rng.randint(1, 40))
        )
        once = redact(text)
        assert redact(once) == once, text


def test_dense_personal_data_is_all_replaced() -> None:
    text = "0171 2345678, max@web.de; " * 400
    assert redact(text) == f"{PHONE_PLACEHOLDER}, {EMAIL_PLACEHOLDER}; " * 400
