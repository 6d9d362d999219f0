"""Redaction of personal data in citizen free text (``shared.redaction``).

Single cases document the behaviour; the corpus tests measure recall and precision per kind over
``redaction_corpus`` (numbers and e-mail addresses) and ``redaction_names_corpus`` (names, addresses, dates of
birth; also on its held-out part) and print the figures (``pytest -s``). Speed is measured by
``bench/redaction.py``, never here: the hostile inputs below are only checked for their result.
"""

from __future__ import annotations

import random
import unicodedata
from collections import Counter

import pytest

from shared.redaction import (
    ADDRESS_PLACEHOLDER,
    BIRTH_DATE_PLACEHOLDER,
    CARD_PLACEHOLDER,
    EMAIL_PLACEHOLDER,
    FIRST_NAMES,
    IBAN_PLACEHOLDER,
    NAME_PLACEHOLDER,
    PHONE_PLACEHOLDER,
    PLACEHOLDERS,
    TAX_ID_PLACEHOLDER,
    TAX_NUMBER_PLACEHOLDER,
    Finding,
    find_personal_data,
    iban_valid,
    luhn_valid,
    normalise_text,
    redact,
    tax_id_valid,
)
from tests.unit import redaction_names_corpus as names_corpus
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
        "Laterne Nr. 5 in der Hauptstraße defekt",
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


def _redact_only(text: str, kinds: tuple[str, ...] = KINDS) -> str:
    """``redact`` with only the findings of ``kinds`` replaced. The number and e-mail rules run before the name,
    address and birth-date rules and never see their results, so for ``KINDS`` this is what ``redact`` did
    before those rules existed; the old corpus keeps measuring exactly that."""
    text = normalise_text(text)
    pieces: list[str] = []
    position = 0
    for finding in find_personal_data(text):
        if finding.kind in kinds:
            pieces += [text[position : finding.start], PLACEHOLDERS[finding.kind]]
            position = finding.end
    pieces.append(text[position:])
    return "".join(pieces)


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
        output = _redact_only(case.text)
        expected = _expected(case)
        for secret in case.secrets:
            total[case.kind] += 1
            if normalise_text(secret) not in output and PLACEHOLDER[case.kind] in output:
                found[case.kind] += 1
        false_positives += _placeholders(output) - _placeholders(expected)
        if output != expected:
            wrong.append(f"{case.text!r} -> {output!r}")
    for text in NEGATIVE + LOOKALIKES:
        output = _redact_only(text)
        false_positives += _placeholders(output)
        if output != text:
            wrong.append(f"{text!r} -> {output!r}")
    for text, expected in MIXED:
        output = _redact_only(text)
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
    assert all(_redact_only(text) == text for text in NEGATIVE + LOOKALIKES), report
    assert len(wrong) <= 0.01 * (len(POSITIVE) + len(NEGATIVE) + len(LOOKALIKES) + len(MIXED)), report


# The old corpus's texts that name a person or an address, which the name and address rules now replace too
# (its negatives were written as "not a phone number": house numbers and postcodes with their streets and towns).
_OLD_CORPUS_NAMES_AND_ADDRESSES = {
    "Ansprechpartnerin ist Frau Keller, {}.": ("Frau [Name entfernt]",),
    "Laterne Hauptstraße 5 defekt": ("Laterne [Adresse entfernt] defekt",),
    "Schlagloch vor Bahnhofstraße 12a, 12345 Musterstadt": ("vor [Adresse entfernt], [Adresse entfernt]",),
    "Die Ampel an der Kreuzung Goethestraße/Schillerstraße 3-5 ist ausgefallen.": ("/[Adresse entfernt] ist",),
    "Müll liegt seit Tagen vor Am Markt 1, 01067 Dresden.": ("vor [Adresse entfernt], [Adresse entfernt].",),
    "Wohnung in der Lindenallee 23, 3. OG links": ("in der [Adresse entfernt], 3. OG",),
    "Baustelle Ringstraße 100-120 ohne Absperrung": ("Baustelle [Adresse entfernt] ohne",),
    "PLZ 04109 Leipzig, Thomaskirchhof 1": ("PLZ [Adresse entfernt], Thomaskirchhof 1",),
    "Parkplatz P2 an der Gartenstraße 7 ist gesperrt.": ("an der [Adresse entfernt] ist",),
    "Ich wohne Kirchweg 17 in 79098 Freiburg.": ("wohne [Adresse entfernt] in [Adresse entfernt].",),
    "Der Brunnen am Marktplatz 1–3 läuft über.": ("am [Adresse entfernt] läuft",),
    "DE-12345 Musterstadt": ("[Adresse entfernt]",),
    "DE 12345 Musterstadt": ("[Adresse entfernt]",),
    "Laterne Hauptstraße 5 defekt seit 27.11.2026, Rückruf unter 0171 2345678 (nach 17 Uhr).": (
        "Laterne [Adresse entfernt] defekt",
    ),
}


def _fills(template: str, text: str) -> bool:
    head, _, tail = template.partition("{}")
    return text == template or ("{}" in template and text.startswith(head) and text.endswith(tail))


def test_the_old_corpus_meets_the_new_rules_only_where_it_names_a_person_or_an_address() -> None:
    """Every other text of the old corpus comes out of ``redact`` exactly as the number rules alone leave it."""
    texts = [case.text for case in POSITIVE] + NEGATIVE + LOOKALIKES + [text for text, _ in MIXED]
    changed: dict[str, str] = {}
    for text in texts:
        output = redact(text)
        if output != _redact_only(text):
            changed[text] = output
    for text, output in changed.items():
        template = next((t for t in _OLD_CORPUS_NAMES_AND_ADDRESSES if _fills(t, text)), None)
        assert template is not None, f"{text!r} -> {output!r}"
        assert all(piece in output for piece in _OLD_CORPUS_NAMES_AND_ADDRESSES[template]), (text, output)
    assert {t for t in _OLD_CORPUS_NAMES_AND_ADDRESSES if "{}" not in t} <= set(changed)


def test_redaction_is_idempotent() -> None:
    """Placeholders never look like personal data themselves."""
    for text in [case.text for case in POSITIVE] + [case.text for case in names_corpus.POSITIVE]:
        once = redact(text)
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


# ---------------------------------------------------------------------------------------------------------------
# Names, addresses, dates of birth: single cases
# ---------------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # after honorifics, titles and roles: they stay, the name goes
        ("Frau Schmidt war sehr hilfsbereit.", "Frau [Name entfernt] war sehr hilfsbereit."),
        ("Danke an Herrn Özdemir!", "Danke an Herrn [Name entfernt]!"),
        ("Bitte an Fr. Becker weiterleiten", "Bitte an Fr. [Name entfernt] weiterleiten"),
        ("Laut Hr. Krüger-Hansen fehlt nichts", "Laut Hr. [Name entfernt] fehlt nichts"),
        ("Familie Nowak grillt", "Familie [Name entfernt] grillt"),
        ("Fam. Schröder beschwert sich", "Fam. [Name entfernt] beschwert sich"),
        ("Frau Dr. med. Aydın hat untersucht", "Frau Dr. med. [Name entfernt] hat untersucht"),
        ("Prof. Dr. Lange sprach", "Prof. Dr. [Name entfernt] sprach"),
        ("Herr Dipl.-Ing. Fuchs kam", "Herr Dipl.-Ing. [Name entfernt] kam"),
        ("Termin bei Dr. Winkler", "Termin bei Dr. [Name entfernt]"),
        ("Frau Anna-Lena Weber rief an", "Frau [Name entfernt] rief an"),
        ("Frau M. Schneider hat es", "Frau [Name entfernt] hat es"),
        ("Sehr geehrte Frau von Bredow,", "Sehr geehrte Frau [Name entfernt],"),
        ("Herr van der Berg prüft das", "Herr [Name entfernt] prüft das"),
        ("Frau O'Connor spricht Englisch", "Frau [Name entfernt] spricht Englisch"),
        ("Herr Oberbürgermeister Schulze hat", "Herr Oberbürgermeister [Name entfernt] hat"),
        ("Pfarrer Hahn bietet die Wiese an", "Pfarrer [Name entfernt] bietet die Wiese an"),
        ("Sachbearbeiterin Krause sagte", "Sachbearbeiterin [Name entfernt] sagte"),
        ("Ich habe Frau Schmidt Bescheid gegeben", "Ich habe Frau [Name entfernt] Bescheid gegeben"),
        # signatures
        ("Danke!\nMit freundlichen Grüßen\nKlaus Wagner", "Danke!\nMit freundlichen Grüßen\n[Name entfernt]"),
        ("Viele Grüße, Jannik", "Viele Grüße, [Name entfernt]"),
        ("Gruß, Max", "Gruß, [Name entfernt]"),
        ("Bitte melden. MfG Anna Schmidt", "Bitte melden. MfG [Name entfernt]"),
        ("Danke.\nLG Svenja", "Danke.\nLG [Name entfernt]"),
        ("Grüße\nIhre Waltraud Seidel", "Grüße\nIhre [Name entfernt]"),
        ("Viele Grüße\nFamilie Ostermann", "Viele Grüße\nFamilie [Name entfernt]"),
        ("Liebe Grüße, Mia (8 Jahre)", "Liebe Grüße, [Name entfernt] (8 Jahre)"),
        ("Grüße\nRenate und Horst Berger", "Grüße\n[Name entfernt] und [Name entfernt]"),
        ("Gruß aus der Südstadt, Ralf Ebert", "Gruß aus der Südstadt, [Name entfernt]"),
        # after keywords
        ("Mein Name ist Thomas Richter, ich wohne hier.", "Mein Name ist [Name entfernt], ich wohne hier."),
        ("Ich heiße Leonie und bin 12.", "Ich heiße [Name entfernt] und bin 12."),
        ("Name: Schmidt, Anna", "Name: [Name entfernt]"),
        ("Anna Schmidt, geb. Krämer", "[Name entfernt], geb. [Name entfernt]"),
        # a listed first name and a capitalised word
        ("Ich, Sabine Krause, beantrage", "Ich, [Name entfernt], beantrage"),
        ("Mein Sohn Leon Bauer geht zur Schule", "Mein Sohn [Name entfernt] geht zur Schule"),
        ("Heute war Max M. hier", "Heute war [Name entfernt] hier"),
        ("Mein Vater Heinz-Werner Kühn ist 84", "Mein Vater [Name entfernt] ist 84"),
        (
            "Die Patenschaft übernehmen Helga und Werner Brückner.",
            "Die Patenschaft übernehmen [Name entfernt] und [Name entfernt].",
        ),
        ("Grüße auch von Tobias und Lena!", "Grüße auch von [Name entfernt] und [Name entfernt]!"),
    ],
)
def test_names_are_replaced(text: str, expected: str) -> None:
    assert redact(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        # titles, roles and honorifics without a name
        "Die Frau am Schalter war freundlich.",
        "Der Herr von der Hotline wusste es nicht.",
        "Herr Oberbürgermeister, bitte handeln Sie!",
        "Frau Bürgermeisterin, danke für die Sprechstunde.",
        "Eine Frau Mitte 50 ließ die Hunde frei laufen.",
        "Ein Herr Anfang 70 ist umgekippt.",
        "Sehr geehrte Damen und Herren, die Anzeige ist aus.",
        "Meine Frau und ich warten seit Monaten.",
        "Familie mit zwei Kindern sucht Wohnung.",
        "Öffnungszeiten Mo.-Fr. Bürgeramt Mitte",
        "Herr der Lage ist hier niemand.",
        # places and institutions named after people, saints, fixed phrases
        "Die Otto Hahn Straße ist eine Sackgasse.",
        "Das Heinrich Heine Gymnasium braucht Toiletten.",
        "Die Anne Frank Schule hat Ferien.",
        "Die Karl May Festspiele waren toll.",
        "Beim Sankt Martin Umzug bitte sperren.",
        "Das St. Georg Krankenhaus ist schlecht erreichbar.",
        "An Maria Himmelfahrt war zu.",
        "Otto Normalverbraucher zahlt die Zeche.",
        "Der Max und Moritz Spielplatz ist toll.",
        "Die Karl-Marx-Straße ist gesperrt.",
        # greetings without a name
        "Viele Grüße aus der Südstadt",
        "Beste Grüße an das Team vom Freibad!",
        "Mit freundlichen Grüßen\nIhr Bürgerverein Nordstadt",
        "Bitte mehr Bänke!\nMfG\nEin Bürger aus der Weststadt",
        "Klage beim VG Musterstadt eingereicht",
        # capitalised nouns
        "Rathaus Musterstadt, Freibad Süd, Stadtwerke Musterstadt und Hallenbad Nord haben zu.",
        "Silvester Feuerwerk ist in der Altstadt verboten.",
    ],
)
def test_places_titles_and_capitalised_nouns_stay(text: str) -> None:
    assert redact(text) == text


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Ich wohne Lindenweg 12.", "Ich wohne [Adresse entfernt]."),
        ("Sperrmüll vor Hauptstr. 5a", "Sperrmüll vor [Adresse entfernt]"),
        ("Adresse: Am Markt 3, 12345 Musterstadt", "Adresse: [Adresse entfernt], [Adresse entfernt]"),
        ("Wir wohnen Straße des 17. Juni 101.", "Wir wohnen [Adresse entfernt]."),
        ("Post an Berliner Straße 120", "Post an [Adresse entfernt]"),
        ("Post an Alte Poststraße 23", "Post an [Adresse entfernt]"),
        ("in der Karl-Marx-Straße 44", "in der [Adresse entfernt]"),
        ("In der Hauptstraße 5 wohne ich", "In der [Adresse entfernt] wohne ich"),
        ("Ich wohne An der Wassermühle 14", "Ich wohne [Adresse entfernt]"),
        ("Bescheid an Kölner Ring 9/1", "Bescheid an [Adresse entfernt]"),
        ("Rechnung an Goethestraße 7-9", "Rechnung an [Adresse entfernt]"),
        ("Haus Kirchgasse 8 a", "Haus [Adresse entfernt]"),
        ("Platz der Republik 1", "[Adresse entfernt]"),
        ("Lieferung: D-12349 Musterstadt", "Lieferung: [Adresse entfernt]"),
        ("Ich wohne in 60311 Frankfurt am Main.", "Ich wohne in [Adresse entfernt]."),
        ("Absender: Wiesenweg 2, 12345 Musterstadt-Nord", "Absender: [Adresse entfernt], [Adresse entfernt]"),
    ],
)
def test_addresses_are_replaced(text: str, expected: str) -> None:
    assert redact(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "In der Hauptstraße ist eine Baustelle.",  # a street without a house number is a place
        "Die Straße des 17. Juni ist voller Schlaglöcher.",
        "Am Markt gibt es keine Bänke.",
        "Die Glascontainer Am Markt sind voll.",
        "Hauptstraße seit 3 Wochen gesperrt.",
        "Hauptstraße 3 Wochen gesperrt.",  # a count after the street, not a house number
        "Am Markt 2 Stunden nach einem Parkplatz gesucht.",
        "In der Ringstraße 5 Minuten im Stau.",
        "Die Bahnhofstraße 200 Meter vor der Kreuzung ist dunkel.",
        "Stellplatz 3 im Parkhaus, Spielplatz 2, Gleis 3, Linie 5, B 27",
        "Am Montag 3 Termine, im Jahr 2025 versprochen",
        "Platz 1 im Ranking, Straße 1 ohne Namen",
        "Musterstadt hat über 85000 Einwohner.",
        "Die Petition hat 12000 Unterschriften.",
        "Öffnungszeiten 8-16 Uhr, PLZ 12345",
    ],
)
def test_streets_without_house_numbers_and_counts_stay(text: str) -> None:
    assert redact(text) == text


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("geb. 01.02.1980", "geb. [Geburtsdatum entfernt]"),
        ("Geburtsdatum: 1. Februar 1980", "Geburtsdatum: [Geburtsdatum entfernt]"),
        ("geboren am 3.4.75 in Musterstadt", "geboren am [Geburtsdatum entfernt] in Musterstadt"),
        ("Geb.-Datum: 05.06.1990", "Geb.-Datum: [Geburtsdatum entfernt]"),
        ("Geburtsdatum korrigieren: 1985-06-30.", "Geburtsdatum korrigieren: [Geburtsdatum entfernt]."),
        ("Unser Sohn ist am 12.04.2022 geboren.", "Unser Sohn ist am [Geburtsdatum entfernt] geboren."),
        # the next date after a replaced one is no second date of birth
        ("geb. 15.08.1952, Bescheid vom 3. März", "geb. [Geburtsdatum entfernt], Bescheid vom 3. März"),
    ],
)
def test_dates_of_birth_are_replaced(text: str, expected: str) -> None:
    assert redact(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "Ich bin 1980 geboren und wohne seit 2001 hier.",  # a year is no date of birth
        "Geburtsurkunde beantragt am 12.03.2026.",
        "Termin am 01.02.2026, Bescheid vom 15.02.2026",
        "Die Geburtstagsfeier am 3.5. war schön.",
        "Das Formular fragt das Geburtsdatum ab. Am 12.03.2026 ging es nicht.",
    ],
)
def test_dates_without_a_birth_keyword_stay(text: str) -> None:
    assert redact(text) == text


def test_placeholders_are_readable_and_typed() -> None:
    text = "Frau Schmidt, Lindenweg 12, 12345 Musterstadt, geb. 01.02.1980"
    assert (
        redact(text)
        == f"Frau {NAME_PLACEHOLDER}, {ADDRESS_PLACEHOLDER}, {ADDRESS_PLACEHOLDER}, geb. {BIRTH_DATE_PLACEHOLDER}"
    )
    assert [f.kind for f in find_personal_data(text)] == ["name", "address", "address", "birth_date"]
    assert find_personal_data("Frau Schmidt") == [Finding(5, 12, "name")]
    for placeholder in PLACEHOLDERS.values():
        for text in (placeholder, f"Frau {placeholder}", f"Viele Grüße\n{placeholder}", f"{placeholder} 12"):
            assert redact(text) == text


def test_name_rules_are_idempotent_on_odd_mixtures() -> None:
    """Random mixtures of names, honorifics, greetings, streets, numbers and placeholders: ``redact`` never raises
    and finds everything in one go."""
    words = ["Frau ", "Herr ", "Dr. ", "Anna ", "Schmidt ", "Max ", "und ", ", ", "Gruß ", "MfG ", "Viele Grüße\n"]
    words += ["Lindenweg ", "Straße ", "Am ", "Markt ", "12 ", "12345 ", "Musterstadt ", "geb. ", "01.02.1980 "]
    words += ["Name: ", "\n", "von ", "der ", "A. ", "Schule ", "[Name entfernt] ", "St. ", "Bescheid ", "- "]
    rng = random.Random(29)
    for _ in range(3000):
        text = "".join(rng.choice(words) for _ in range(rng.randint(1, 14)))
        once = redact(text)
        assert redact(once) == once, text


def test_keep_names_keeps_the_citys_staff() -> None:
    staff = frozenset({"Petra Schulz", "Dr. Klaus Wagner"})
    text = "Frau Schulz und Herr Wagner vom Bürgeramt waren toll, Frau Meier nicht."
    assert (
        redact(text, keep_names=staff)
        == "Frau Schulz und Herr Wagner vom Bürgeramt waren toll, Frau [Name entfernt] nicht."
    )
    assert redact("Petra Schulz hat geholfen", keep_names=staff) == "Petra Schulz hat geholfen"
    assert redact("Danke an P. Schulz!", keep_names=staff) == "Danke an P. Schulz!"
    assert redact("Gruß, petra schulz", keep_names=staff) == "Gruß, petra schulz"  # not a name to begin with
    assert redact("Frau Petra Schulze", keep_names=staff) == "Frau [Name entfernt]"  # another person
    assert redact("Frau Anna Schulz", keep_names=staff) == "Frau [Name entfernt]"  # another given name
    assert (
        redact(text)
        == "Frau [Name entfernt] und Herr [Name entfernt] vom Bürgeramt waren toll, Frau [Name entfernt] nicht."
    )
    # other kinds are never kept
    assert redact("Herr Wagner, Lindenweg 12", keep_names=staff) == "Herr Wagner, [Adresse entfernt]"


def test_first_name_list_is_loaded_and_leaves_out_ordinary_words() -> None:
    assert len(FIRST_NAMES) > 5000
    assert {"Anna", "Mehmet", "Ayşe", "Agnieszka", "Jannik", "Fatima"} <= FIRST_NAMES
    assert not {"Beste", "Silvester", "Mark", "Wolf", "Rose", "August", "Mai", "Nur"} & FIRST_NAMES
    assert all(name == normalise_text(name) and name[0].isupper() and name.isalpha() for name in FIRST_NAMES)


# ---------------------------------------------------------------------------------------------------------------
# Names, addresses, dates of birth: the corpus
# ---------------------------------------------------------------------------------------------------------------


def _findings(text: str) -> list[tuple[int, int, str]]:
    return [(f.start, f.end, f.kind) for f in find_personal_data(text)]


def _names_report(part: str) -> tuple[dict[str, names_corpus.Figures], str]:
    figures, wrong = names_corpus.measure(_findings, part)
    lines = [f"{part}: {'kind':<11}{'secrets':>8}{'found':>7}{'false+':>7}{'recall':>8}{'precision':>10}"]
    for kind, f in figures.items():
        lines.append(
            f"{'':<{len(part) + 2}}{kind:<11}{f.secrets:>8}{f.found:>7}{f.false_positives:>7}"
            f"{f.recall:>8.3f}{f.precision:>10.3f}"
        )
    lines.extend(f"  not as marked: {w}" for w in wrong)
    return figures, "\n".join(lines)


def test_names_corpus_is_large_balanced_and_well_formed() -> None:
    positive, negative = names_corpus.POSITIVE, names_corpus.NEGATIVE
    assert len(positive) + len(negative) >= 300 and min(len(positive), len(negative)) >= 150
    assert {secret.kind for case in positive for secret in case.secrets} == set(names_corpus.NAME_KINDS)
    for case in positive:
        assert case.text == normalise_text(case.text) and case.secrets, case
        assert all(case.text[s.start : s.end].strip() == case.text[s.start : s.end] for s in case.secrets), case
    assert all(text == normalise_text(text) for text in negative)
    assert len({case.text for case in positive} | set(negative)) == len(positive) + len(negative)
    held = sum(names_corpus.held_out(text) for text in [case.text for case in positive] + negative)
    assert 0.2 <= held / (len(positive) + len(negative)) <= 0.4


@pytest.mark.parametrize("part", ["all", "tuning", "held-out"])
def test_recall_and_precision_of_names_addresses_and_birth_dates(part: str) -> None:
    figures, report = _names_report(part)
    print("\n" + report)
    assert figures["all"].recall >= 0.95 and figures["all"].precision >= 0.95, report
    for kind in names_corpus.NAME_KINDS:
        assert figures[kind].recall >= 0.9 and figures[kind].precision >= 0.9, report


def test_probe_written_after_the_rules_is_reported_as_it_is() -> None:
    """The probe aims at the rules' blind spots (first names alone, family names without an honorific, capitals
    only, lower-case streets, "Frau Holle"); it was never used for tuning. The bounds only catch regressions."""
    figures, report = _names_report("probe")
    print("\n" + report)
    assert figures["all"].recall >= 0.7 and figures["all"].precision >= 0.9, report


@pytest.mark.parametrize(
    "unit",
    ["Frau ", "Haus Baum ", "Straße 1 ", "Gruß ", "geb. ", "Am Markt ", "Frau von ", "A. ", "Name: ", "St. "],
)
def test_hostile_name_and_address_input_is_left_alone(unit: str) -> None:
    text = (unit * (10_000 // len(unit) + 1))[:10_000]
    assert redact(text) == text


def test_dense_names_and_addresses_are_all_replaced() -> None:
    assert "Anna" not in redact("Anna " * 2000)  # first names and a first name as family name: persons
    text = "Frau Schmidt, Lindenweg 12, 12345 Musterstadt; " * 300
    assert redact(text) == f"Frau {NAME_PLACEHOLDER}, {ADDRESS_PLACEHOLDER}, {ADDRESS_PLACEHOLDER}; " * 300
