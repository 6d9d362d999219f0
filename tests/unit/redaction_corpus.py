"""Test corpus for ``shared.redaction``: what citizens write to the city, with and without personal data.

* ``POSITIVE``: (text, the exact substrings that must disappear, kind). Kinds: email, phone, iban, card, tax_id,
  tax_number. Every secret is replaced by the placeholder of its kind and the rest of the text stays as it is.
* ``MIXED``: sentences with several kinds at once, as (text, expected output).
* ``NEGATIVE``: ordinary sentences full of numbers that must come out unchanged (dates, times, prices, lines,
  house numbers, postcodes, file references, counts, opening hours, versions, short customer numbers ...).
* ``LOOKALIKES``: IBANs, card numbers and tax ids with a wrong check digit; unchanged as well.

IBANs, card numbers and tax ids are generated with correct check digits by the helpers below, from fixed seeds,
so the corpus is the same on every run and contains no real person's data. Phone numbers use ranges reserved
for drama and documentation where they exist (030 1234567 style, +1 212 555 01xx, +44 20 7946 0xxx).
"""

from __future__ import annotations

import random
from typing import NamedTuple

KINDS = ("email", "phone", "iban", "card", "tax_id", "tax_number")


class Positive(NamedTuple):
    text: str
    secrets: tuple[str, ...]
    kind: str


# --------------------------------------------------------------------------------------------------------------
# Generators with check digits, written independently of shared.redaction (the tests cross-check the two)
# --------------------------------------------------------------------------------------------------------------


def iban(country: str, bban: str) -> str:
    """Compact IBAN with correct check digits for ``bban`` (ISO 13616: 98 - (BBAN + country + "00") mod 97)."""
    numeric = "".join(str(int(ch, 36)) for ch in bban + country + "00")
    return f"{country}{98 - int(numeric) % 97:02d}{bban}"


def grouped(value: str, size: int = 4, sep: str = " ") -> str:
    return sep.join(value[i : i + size] for i in range(0, len(value), size))


def luhn_complete(partial: str) -> str:
    """``partial`` plus its Luhn check digit: double every second digit from the right of the full number."""
    total = 0
    for position, ch in enumerate(reversed(partial)):
        value = int(ch) * (2 if position % 2 == 0 else 1)
        total += value // 10 + value % 10
    return partial + str(-total % 10)


def card(rng: random.Random, prefix: str, length: int) -> str:
    body = prefix + "".join(rng.choice("0123456789") for _ in range(length - len(prefix) - 1))
    return luhn_complete(body)


def tax_id_complete(head: str) -> str:
    """Ten digits plus the ISO 7064 MOD 11,10 check digit."""
    product = 10
    for ch in head:
        product = ((int(ch) + product) % 10 or 10) * 2 % 11
    return head + str((11 - product) % 10)


def tax_id(rng: random.Random) -> str:
    """Valid Steuer-IdNr: one digit twice or three times (never three in a row), first digit not 0."""
    while True:
        digits = rng.sample("0123456789", 9 if rng.random() < 0.6 else 8)
        head = digits + [digits[0]] * (10 - len(digits))
        rng.shuffle(head)
        candidate = "".join(head)
        if candidate[0] != "0" and not any(candidate[k] == candidate[k + 1] == candidate[k + 2] for k in range(8)):
            return tax_id_complete(candidate)


def broken_check_digit(value: str) -> str:
    """``value`` with its last digit changed. Luhn, MOD 11,10 and mod 97 all detect any single changed digit,
    so the result fails the check that ``value`` passes."""
    return value[:-1] + str((int(value[-1]) + 1) % 10)


_rng = random.Random(20261127)


def _de_bban() -> str:
    return "".join(_rng.choice("0123456789") for _ in range(18))


# --------------------------------------------------------------------------------------------------------------
# E-mail
# --------------------------------------------------------------------------------------------------------------

_EMAIL_TEXTS = [
    "Bitte antworten Sie mir an {}, danke.",
    "Meine E-Mail-Adresse lautet {}.",
    "Rückmeldung gerne per Mail: {}",
    "Sie erreichen mich unter {} oder telefonisch.",
    "Kontakt: {}",
    "Die Bestätigung ging an {}, kam aber nie an.",
    "Mein Sohn ({}) hat das Formular für mich ausgefüllt.",
    "Schreiben Sie bitte an {}!",
    "E-Mail:{}",
    "Ich habe schon zweimal an {} geschrieben und keine Antwort bekommen.",
    "Falls Fragen sind: {} – ich bin tagsüber erreichbar.",
    "Der Link im Newsletter an {} funktioniert nicht.",
]
_EMAILS = [
    "max.mustermann@web.de",
    "anna-lena.schmidt@gmx.net",
    "k.mueller+stadt@t-online.de",
    "jürgen.weiß@posteo.de",
    "info@baeckerei-huber.de",
    "m_meier1985@yahoo.com",
    "S.Yilmaz@outlook.de",
    "hans.peter@mail.musterstadt.de",
    "lisa@uni-musterstadt.eu",
    "TOM.BECKER@GMX.DE",
    "familie.nguyen@icloud.com",
    "vorstand@kleingartenverein-sonnenschein.org",
    "b.wagner@freenet.de",
    "ole.2004@gmail.com",
    "mueller.kerstin@mailbox.org",
    "r.schulz@hotmail.de",
    "elternbeirat.kita-regenbogen@web.de",
    "d.kaya@aol.com",
    "petra_lange@arcor.de",
    "info@pflegedienst-am-markt.de",
    "n.hoffmann@kanzlei-hoffmann.berlin",
    "zoe.fischer@proton.me",
    "w.koenig@vodafonemail.de",
    "a.b@c.de",
]
_OBFUSCATED_EMAILS = [
    "max (at) example (dot) de",
    "max[at]example.de",
    "max @ example . de",
    "max at example dot com",
    "anna(at)gmx.net",
    "k.mueller [at] t-online [dot] de",
    "info{at}verein-musterstadt{dot}org",
    "peter (ät) web (punkt) de",
    "lena AT posteo DOT de",
    "jan.schulz (at) gmail.com",
    "julia <at> web.de",
    "ole(@)mail.de",
    "tina.koch [ at ] gmx [ dot ] de",
    "s.berg at web dot de",
    "familie-ozturk (at) t-online (punkt) de",
    "hausverwaltung.klein[at]gmx[dot]net",
    "mia @ outlook.de",
    "f.weber(at)posteo(dot)de",
    "kontakt (at) initiative-gruene-mitte (dot) de",
    "jonas.bauer (et) web.de",
]

# --------------------------------------------------------------------------------------------------------------
# Phone numbers
# --------------------------------------------------------------------------------------------------------------

_PHONE_TEXTS = [
    "Rufen Sie mich bitte unter {} zurück.",
    "Tel.: {}",
    "Meine Handynummer ist {}.",
    "Erreichbar Mo-Fr unter {}",
    "Bei Rückfragen: {}!",
    "Ich habe dreimal bei {} angerufen, niemand ging ran.",
    "Die Nummer {} ist dauernd besetzt.",
    "Bitte um Rückruf ({}), gerne auch abends.",
    "Sie können mich auf {} erreichen.",
    "Telefonnummer {}",
    "Melden Sie sich gerne: {}",
    "Die Hotline {} sagt, ich soll mich an die Stadt wenden.",
    "Ansprechpartnerin ist Frau Keller, {}.",
    "Am 27.11. um 14:30 Uhr habe ich {} gewählt, keiner da.",
    "Mein Mann ist unter {} zu erreichen",
]
_PHONES = [
    "+49 30 1234567",
    "0049 30 1234567",
    "(030) 123 45 67",
    "030/1234567",
    "0171-1234567",
    "+49 (0)30 12345678",
    "+1 212 555 0100",
    "+44 20 7946 0958",
    "030 12345-67",
    "0171 2345678",
    "0151 1234 5678",
    "+49 171 1234567",
    "+491711234567",
    "01711234567",
    "0221 / 987 65 43",
    "089 - 123 456 78",
    "+49-89-12345678",
    "0049 (0) 89 1234567",
    "+33 1 23 45 67 89",
    "+43 1 5124567",
    "+41 44 668 18 00",
    "06221 123456",
    "0800 123 456 7",
    "+90 212 555 12 34",
    "+48 22 123 45 67",
    "0211.1234567",
    "+49 (221) 1234567",
    "+1 (212) 555-0100",
    "040 - 123 45 67",
    "0345/1234567",
    "+49 (0) 171 / 123 45 67",
    "0160 98765432",
    "0176-12345678",
    "+49 1511 2345678",
    "030 123 456 789",
    "0711 12 34 56",
    "+49.30.1234567",
    "04321 12345",
    "+31 20 123 4567",
    "(0228) 1234567",
    "0911/12 34 56-0",
    "+49 (0)221 98765-0",
    "0201 8901234",
    "+39 06 1234 5678",
    "+49 163 7654321",
    "0421-335566",
    "+420 221 123 456",
    "0228 12345678",
    "+49 151 23456789",
    "(040) 12345678",
    "0511 9876543",
    "0361 / 5 66 77 88",
    "+49 351 4455667",
]

# Local numbers are recognisable only next to a word that announces a phone number.
_KEYWORD_PHONES = [
    ("Tel. {}", "12 34 56"),
    ("Telefon: {}", "123456"),
    ("Fax: {}", "987 65 43"),
    ("Rufnummer {} (nur vormittags)", "55 44 33"),
    ("Handy: {}", "0171 2345678"),
    ("Festnetz {}", "456789"),
    ("Erreichbar unter {} ab 18 Uhr.", "23 45 67"),
    ("Tel.-Nr.: {}", "8 76 54 32"),
    ("Mobil {}", "+49 176 12345678"),
    ("WhatsApp: {}", "0157 12345678"),
]

# --------------------------------------------------------------------------------------------------------------
# IBAN
# --------------------------------------------------------------------------------------------------------------

_IBAN_TEXTS = [
    "Bitte überweisen Sie die Erstattung auf {}.",
    "IBAN: {}",
    "Meine Bankverbindung: {} (Sparkasse Musterstadt)",
    "Die Gebühr wurde doppelt von {} abgebucht!",
    "Konto {}, Kontoinhaber ist mein Vater.",
    "Rückzahlung bitte an IBAN {}",
    "Für die Kaution: {}, Verwendungszweck Wohnung 3.",
    "Ich habe das SEPA-Mandat für {} widerrufen.",
]
_IBANS = (
    [grouped(iban("DE", _de_bban())) for _ in range(12)]
    + [iban("DE", _de_bban()) for _ in range(6)]
    + [grouped(iban("DE", _de_bban())).lower() for _ in range(2)]
    + [
        "DE89 3704 0044 0532 0130 00",
        "DE89370400440532013000",
        grouped(iban("AT", "1904300234573201")),
        grouped(iban("CH", "00762011623852957")),
        grouped(iban("FR", "20041010050500013M02606")),
        grouped(iban("NL", "ABNA0417164300")),
        grouped(iban("GB", "NWBK60161331926819")),
        iban("GB", "NWBK60161331926819"),
        grouped(iban("IT", "X0542811101000000123456")),
        grouped(iban("ES", "21000418450200051332")),
        grouped(iban("PL", "109010140000071219812874")),
        grouped(iban("BE", "539007547034")),
        grouped(iban("LU", "0019400644750000")),
        grouped(iban("DK", "00400440116243")),
        grouped(iban("TR", "0006100519786457841326")),
        grouped(iban("NO", "86011117947")),
        grouped(iban("DE", _de_bban()), sep="-"),
    ]
    + [(lambda v: f"{v[:4]} {v[4:7]} {v[7:10]} {v[10:16]} {v[16:]}")(iban("DE", _de_bban()))]  # irregular groups
)

# --------------------------------------------------------------------------------------------------------------
# Payment cards
# --------------------------------------------------------------------------------------------------------------

_CARD_TEXTS = [
    "Ich habe mit der Kreditkarte {} bezahlt, aber keine Bestätigung bekommen.",
    "Kartennummer: {}",
    "Die Zahlung mit {} wurde abgelehnt.",
    "Meine Karte {} wurde zweimal belastet!",
    "Abgebucht von {} am 03.11.2026.",
    "Bezahlt per Visa ({}), Betrag 35,00 €.",
]
_CARD_PLAIN = [
    card(_rng, "4", 16),
    card(_rng, "4", 16),
    card(_rng, "4", 16),
    card(_rng, "51", 16),
    card(_rng, "53", 16),
    card(_rng, "55", 16),
    card(_rng, "2221", 16),
    card(_rng, "2720", 16),
    card(_rng, "6011", 16),
    card(_rng, "3530", 16),
    card(_rng, "62", 16),
    card(_rng, "4", 16),
]
_CARDS = (
    [grouped(c) for c in _CARD_PLAIN[:6]]
    + [grouped(c, sep="-") for c in _CARD_PLAIN[6:9]]
    + list(_CARD_PLAIN[9:])
    + [
        "4111 1111 1111 1111",
        "5555-5555-5555-4444",
        "4012888888881881",
    ]
    + [(lambda c: f"{c[:4]} {c[4:10]} {c[10:]}")(card(_rng, p, 15)) for p in ("34", "37", "37")]  # Amex 4-6-5
    + [(lambda c: f"{c[:4]} {c[4:10]} {c[10:]}")(card(_rng, "36", 14))]  # Diners 4-6-4
    + [grouped(card(_rng, "6759", 19)), card(_rng, "6759", 18), grouped(card(_rng, "4", 13))]  # Maestro, old Visa
    + [grouped(card(_rng, "4", 16), sep="\u00a0")]
)

# --------------------------------------------------------------------------------------------------------------
# Steuer-IdNr and Steuernummer
# --------------------------------------------------------------------------------------------------------------

_TAX_ID_TEXTS = [
    "Meine Steuer-ID ist {}.",
    "Steuerliche Identifikationsnummer: {}",
    "IdNr {}",
    "Für den Antrag: Steuer-IdNr. {}, geboren 1980.",
    "Hier meine Identifikationsnummer {} für die Hundesteuer.",
    "Steuer-ID {} (laut Bescheid)",
]
_TAX_ID_PLAIN = [tax_id(_rng) for _ in range(24)]
_TAX_IDS = (
    [f"{t[:2]} {t[2:5]} {t[5:8]} {t[8:]}" for t in _TAX_ID_PLAIN[:14]]
    + list(_TAX_ID_PLAIN[14:])
    + ["36 574 261 809", "12345678995"]
)

_TAX_NUMBERS = [
    ("Steuernummer {}", "21/815/08150"),
    ("Meine St.-Nr. {} vom Finanzamt Musterstadt", "181/815/08155"),
    ("Steuer-Nr.: {}", "93815/08152"),
    ("StNr {} (Hessen)", "013 815 08153"),
    ("Unsere Steuernummer lautet {}.", "133/8150/8159"),
    ("Steuernummer: {}", "2181508150"),
    ("Steuernr. {}", "02/815/08156"),
    ("Die Steuernummer {} steht auf dem Bescheid.", "5133081508159"),
    ("St.-Nr. {}", "75 815 08152"),
    ("Steuernummer {} (Gewerbe)", "201/123/12340"),
]


def _positives() -> list[Positive]:
    cases: list[Positive] = []

    def add(texts: list[str], values: list[str], kind: str, offset: int = 0) -> None:
        for index, value in enumerate(values):
            cases.append(Positive(texts[(index + offset) % len(texts)].format(value), (value,), kind))

    add(_EMAIL_TEXTS, _EMAILS, "email")
    add(_EMAIL_TEXTS, _OBFUSCATED_EMAILS, "email", offset=5)
    add(_PHONE_TEXTS, _PHONES, "phone")
    cases.extend(Positive(text.format(value), (value,), "phone") for text, value in _KEYWORD_PHONES)
    add(_IBAN_TEXTS, _IBANS, "iban")
    add(_CARD_TEXTS, _CARDS, "card")
    add(_TAX_ID_TEXTS, _TAX_IDS, "tax_id")
    cases.extend(Positive(text.format(value), (value,), "tax_number") for text, value in _TAX_NUMBERS)
    cases.extend(_TRICKY)
    return cases


# Hand-written cases: punctuation around numbers, several secrets of one kind, line breaks, invisible characters.
_TRICKY = [
    Positive("Rufnummer: 0171 2345678.", ("0171 2345678",), "phone"),
    Positive("Bitte zurückrufen (0171 2345678)!", ("0171 2345678",), "phone"),
    Positive("Tel 030 1234567 oder 0171 7654321", ("030 1234567", "0171 7654321"), "phone"),
    Positive("Festnetz 030 1234567, mobil 0171 7654321.", ("030 1234567", "0171 7654321"), "phone"),
    Positive("Am 27.11. 0171 1234567 angerufen", ("0171 1234567",), "phone"),
    Positive("Hallo,\nmeine Nummer:\n0170 9876543\nGruß", ("0170 9876543",), "phone"),
    Positive("Nummer?0151 22334455", ("0151 22334455",), "phone"),
    Positive('"+49 30 9876543" steht im Impressum der Hausverwaltung', ("+49 30 9876543",), "phone"),
    Positive("Tel.: +49(0)30-1234567; Fax: +49(0)30-1234568", ("+49(0)30-1234567", "+49(0)30-1234568"), "phone"),
    Positive("An max.muster@web.de, cc anna.muster@web.de.", ("max.muster@web.de", "anna.muster@web.de"), "email"),
    Positive("Mail an <info@musterverein.de> bitte.", ("info@musterverein.de",), "email"),
    Positive("mailto:bernd.k@gmx.de", ("bernd.k@gmx.de",), "email"),
    Positive("Adresse: s.meier@web.de.", ("s.meier@web.de",), "email"),
    Positive("ma\u200bx.muster\u00admann@web.de", ("max.mustermann@web.de",), "email"),
    Positive("IBAN:DE89370400440532013000.", ("DE89370400440532013000",), "iban"),
    Positive("(IBAN DE89 3704 0044 0532 0130 00)", ("DE89 3704 0044 0532 0130 00",), "iban"),
    Positive("Konto DE02\u200b1203\u200b0000\u200b0000\u200b2020\u200b51 bitte", ("DE02120300000000202051",), "iban"),
    Positive("Karte 4111 1111 1111 1111 gültig bis 12/26", ("4111 1111 1111 1111",), "card"),
    Positive("Kreditkarte: 5555555555554444.", ("5555555555554444",), "card"),
    Positive("Visa 4111-1111-1111-1111, Prüfnummer weiß ich nicht", ("4111-1111-1111-1111",), "card"),
    Positive("Steuer-ID: 36574261809.", ("36574261809",), "tax_id"),
    Positive("(Steuer-IdNr. 36 574 261 809)", ("36 574 261 809",), "tax_id"),
    Positive("Handy\u00a00171\u00a01234567", ("0171\u00a01234567",), "phone"),
    Positive("Festnetz 456789, Handy 0160 1234567", ("456789", "0160 1234567"), "phone"),
    # probes written before the rules were tuned on them
    Positive("Tel.: +49 (0) 30-12 34 56 78", ("+49 (0) 30-12 34 56 78",), "phone"),
    Positive("Zentrale +49 30 / 12 34 56-0", ("+49 30 / 12 34 56-0",), "phone"),
    Positive("Bitte unter 030-123 456 78 melden", ("030-123 456 78",), "phone"),
    Positive("0049-30-1234567 ist die Nummer meiner Tochter.", ("0049-30-1234567",), "phone"),
    Positive("Ich bin unter +49 170 1234567.", ("+49 170 1234567",), "phone"),
    Positive("Mobil (+49) 170 1234567 oder +49 (170) 7654321", ("(+49) 170 1234567", "+49 (170) 7654321"), "phone"),
    Positive("Rückruf bitte: 0170/123 45 67", ("0170/123 45 67",), "phone"),
    Positive("0170 / 1234567, ab 16 Uhr", ("0170 / 1234567",), "phone"),
    Positive("Handy: 0170-1234567/Festnetz: 030-1234567", ("0170-1234567", "030-1234567"), "phone"),
    Positive("T: 0171 2345678", ("0171 2345678",), "phone"),
    Positive("Ruf an: 0171 – 2345678", ("0171 – 2345678",), "phone"),
    Positive("Nummer 0171\u20112345678 (geschütztes Minus)", ("0171\u20112345678",), "phone"),
    Positive("0171 2345678 – bitte zurückrufen", ("0171 2345678",), "phone"),
    Positive("Rückruf: 0171.234.5678", ("0171.234.5678",), "phone"),
    Positive("Telefon:+4930123456", ("+4930123456",), "phone"),
    Positive("Tel 0171/2345678 Fax 030/1234567", ("0171/2345678", "030/1234567"), "phone"),
    Positive("017623456789 ist meine Handynummer", ("017623456789",), "phone"),
    Positive("Mein Sohn: +49 1523 4567890", ("+49 1523 4567890",), "phone"),
    Positive("Nummer: 0221-9 87 65 43", ("0221-9 87 65 43",), "phone"),
    Positive("Privatnummer 030 1234567", ("030 1234567",), "phone"),
    Positive("Meine Handy-Nr. ist 0171 2345678", ("0171 2345678",), "phone"),
    Positive("Ruf an: 0 1 7 1 2 3 4 5 6 7 8", ("0 1 7 1 2 3 4 5 6 7 8",), "phone"),  # known miss: digit by digit
    Positive("Max.Mustermann@Stadt-Musterstadt.de hat das gemeldet", ("Max.Mustermann@Stadt-Musterstadt.de",), "email"),
    Positive("Antwort an vorname.nachname@sub.domain.co.uk", ("vorname.nachname@sub.domain.co.uk",), "email"),
    Positive("info@xn--mller-kva.de", ("info@xn--mller-kva.de",), "email"),
    Positive("Mail: test123@gmx.de, danke", ("test123@gmx.de",), "email"),
    Positive("max@web.de;anna@web.de", ("max@web.de", "anna@web.de"), "email"),
    Positive("max@web.de/anna@web.de", ("max@web.de", "anna@web.de"), "email"),
    Positive("MAX (AT) WEB (DOT) DE", ("MAX (AT) WEB (DOT) DE",), "email"),
    Positive("Mail max(at)web(dot)de.", ("max(at)web(dot)de",), "email"),
    Positive("max (at) web . de schreibt", ("max (at) web . de",), "email"),
    Positive("max [ät] web [punkt] de", ("max [ät] web [punkt] de",), "email"),
    Positive("max{@}web.de", ("max{@}web.de",), "email"),
    Positive("Kontakt max @web.de", ("max @web.de",), "email"),
    Positive("Kontakt max@ web.de", ("max@ web.de",), "email"),
    Positive("Schreiben Sie an max@web.de. 2 Tage später kam nichts.", ("max@web.de",), "email"),
    # found by fuzzing: a label after a spaced dot ending in a digit, and addresses glued together
    Positive("Schreiben Sie an max@web.de. S1 fällt aus.", ("max@web.de",), "email"),
    Positive("max@web.de+anna@web.de", ("max@web.de", "anna@web.de"), "email"),
    Positive("IBAN: DE 89 3704 0044 0532 0130 00", ("DE 89 3704 0044 0532 0130 00",), "iban"),
    Positive("DE89-3704-0044-0532-0130-00 ist mein Konto", ("DE89-3704-0044-0532-0130-00",), "iban"),
    Positive("Konto DE89 37040044 0532013000", ("DE89 37040044 0532013000",), "iban"),
    Positive("Karte Nr. 4111111111111111", ("4111111111111111",), "card"),
    Positive("5555 5555 5555 4444 (Mastercard)", ("5555 5555 5555 4444",), "card"),
    Positive("TIN 36574261809", ("36574261809",), "tax_id"),
    Positive("Steuer-ID 365 742 618 09", ("365 742 618 09",), "tax_id"),
    Positive("Tel. 0\u200b1\u200b7\u200b1 1234567", ("0171 1234567",), "phone"),
]

POSITIVE: list[Positive] = _positives()

# --------------------------------------------------------------------------------------------------------------
# Several kinds in one text: (text, expected output)
# --------------------------------------------------------------------------------------------------------------

MIXED: list[tuple[str, str]] = [
    (
        "Bitte melden: max@web.de oder 0171 2345678",
        "Bitte melden: [E-Mail entfernt] oder [Telefonnummer entfernt]",
    ),
    (
        "IBAN DE89 3704 0044 0532 0130 00, Tel. 030 1234567, Steuer-ID 36 574 261 809.",
        "IBAN [IBAN entfernt], Tel. [Telefonnummer entfernt], Steuer-ID [Steuer-ID entfernt].",
    ),
    (
        "Laterne Hauptstraße 5 defekt seit 27.11.2026, Rückruf unter 0171 2345678 (nach 17 Uhr).",
        "Laterne Hauptstraße 5 defekt seit 27.11.2026, Rückruf unter [Telefonnummer entfernt] (nach 17 Uhr).",
    ),
    (
        "Zahlung 45,50 € mit Karte 4111 1111 1111 1111 am 03.11., Rückfragen an a.b@c.de",
        "Zahlung 45,50 € mit Karte [Kartennummer entfernt] am 03.11., Rückfragen an [E-Mail entfernt]",
    ),
    (
        "Linie 42 fährt nicht. Kontakt: k (at) web (dot) de / 0171-2345678",
        "Linie 42 fährt nicht. Kontakt: [E-Mail entfernt] / [Telefonnummer entfernt]",
    ),
    (
        "Az. 3-1234/2026, Steuernummer 21/815/08150, Tel. 0221 1234567",
        "Az. 3-1234/2026, Steuernummer [Steuernummer entfernt], Tel. [Telefonnummer entfernt]",
    ),
]

# --------------------------------------------------------------------------------------------------------------
# Ordinary texts: must come out unchanged
# --------------------------------------------------------------------------------------------------------------

NEGATIVE: list[str] = [
    # street names, house numbers, postcodes
    "Laterne Hauptstraße 5 defekt",
    "Schlagloch vor Bahnhofstraße 12a, 12345 Musterstadt",
    "Die Ampel an der Kreuzung Goethestraße/Schillerstraße 3-5 ist ausgefallen.",
    "Müll liegt seit Tagen vor Am Markt 1, 01067 Dresden.",
    "Wohnung in der Lindenallee 23, 3. OG links",
    "Baustelle Ringstraße 100-120 ohne Absperrung",
    "PLZ 04109 Leipzig, Thomaskirchhof 1",
    "Parkplatz P2 an der Gartenstraße 7 ist gesperrt.",
    "Hausnummern 2, 4, 6 und 8 haben keinen Strom.",
    "Bushaltestelle Rathausplatz, Steig 3",
    "Ich wohne Kirchweg 17 in 79098 Freiburg.",
    "Der Brunnen am Marktplatz 1–3 läuft über.",
    # dates and times
    "Am 12.03.2024 um 14 Uhr war geschlossen",
    "Termin am 27.11.2026 um 14:30 Uhr wurde abgesagt.",
    "Seit dem 2026-11-27 ist der Weg gesperrt.",
    "Am 27. Nov. war die Müllabfuhr nicht da.",
    "Vom 01.12.2026 bis 15.01.2027 gilt der Winterfahrplan.",
    "Abholung am 01.02. zwischen 08:00 und 12:00 Uhr",
    "Antrag gestellt am 03.11.26, bis heute keine Antwort.",
    "Zwischen 22.00 und 06.00 Uhr ist es zu laut.",
    "Der Sperrmüll kommt am 05.03.2027.",
    "Ich war am 14.10. und am 21.10.2026 im Bürgerbüro.",
    "Wartezeit von 9:15 bis 11:40 Uhr!",
    "Die Veranstaltung 2026/27 fällt aus.",
    "Kalenderwoche 48/2026",
    "Geburtsjahrgang 1954 – ich kann das Formular nicht lesen.",
    "Die Sitzung ist am 2. Dezember 2026 um 18.30 Uhr.",
    "Uhrzeit 0:30, Lärm von der Baustelle.",
    "Zeitraum 01.01.–31.03.2027",
    # prices and amounts
    "Die Gebühr beträgt 12,50 €.",
    "Mir wurden 1.250,00 EUR berechnet statt 125,00 EUR.",
    "Parken kostet 2,- € pro Stunde.",
    "Das Bußgeld über 35 Euro ist ungerecht.",
    "Kosten: ca. 1.000.000 Euro für die Brücke",
    "Preis 0,99 € pro Beutel, 10 Beutel = 9,90 €",
    "Hundesteuer 120 €/Jahr, für den zweiten Hund 180 €",
    "Ich habe 3x 4,50 € bezahlt.",
    "Die Rechnung über 89,90 € kam doppelt.",
    "Betrag: EUR 1.234,56",
    "Budget 2027: 4,2 Mio. €",
    # public transport
    "Linie 42 kommt ständig zu spät.",
    "Bus 7 fuhr heute einfach durch.",
    "Die S1 und die S2 fallen aus.",
    "Tram 12 Richtung Zentrum, Abfahrt 7:42",
    "U-Bahn U6 Haltestelle Marienplatz, Ausgang 3",
    "RE 4711 hatte 45 Minuten Verspätung.",
    "Nachtbus N81 hält nicht mehr an der Schule.",
    "Gleis 3 und 4 sind nicht barrierefrei.",
    "Der 605er kommt nur alle 30 Minuten.",
    "Linie 0815 gibt es nicht mehr?",
    # file references, case numbers, short customer numbers
    "Az. 3-1234/2026",
    "AZ 12 O 345/25",
    "Mein Aktenzeichen: 32.1-567/2026",
    "Geschäftszeichen 61-2026-0815",
    "Vorgangsnummer 2026-004711",
    "Kundennummer 0012345678",
    "Kassenzeichen 5.0123.456789.1",
    "Rechnungsnr. 4711/2026",
    "Ticket #20261127-42",
    "Antrag Nr. 0123456 wurde abgelehnt.",
    "Bescheid vom 12.10.2026, Az.: 0123/4567/89",
    "Zählernummer 0815 4711",
    "Bestellnummer 123-4567890",
    "Kundennr. 987654",
    "Flurstück 123/45, Gemarkung Musterstadt",
    "Personalausweis-Nr. steht auf dem Antrag",
    "Geschäftsnummer 0123-45678",
    # years, percentages, counts, sizes
    "Seit 2019 warte ich auf einen Radweg.",
    "Nur 15 % der Anträge werden online gestellt.",
    "Die Miete stieg um 8,5 Prozent.",
    "3 Mülltonnen stehen noch auf dem Gehweg.",
    "Es fehlen 2 Bänke und 1 Mülleimer.",
    "Der Weg ist 1,5 km lang und 2 m breit.",
    "Die Halle hat 250 m² und Platz für 120 Personen.",
    "Über 10.000 Unterschriften gesammelt!",
    "Bevölkerung 2025: 123.456 Einwohner",
    "Wir sind 4 Personen, 2 Erwachsene und 2 Kinder.",
    "Temperatur im Klassenraum: 14 °C",
    "Das Formular hat 12 Seiten, Seite 7 fehlt.",
    "Ca. 30 bis 40 Autos parken dort täglich falsch.",
    "Tempo 30 wird ignoriert, viele fahren 50 oder 60.",
    "1 von 3 Laternen ist kaputt.",
    "0 Rückmeldungen seit 6 Wochen.",
    # opening hours
    "Öffnungszeiten 8-16 Uhr, Hausnummer 12, PLZ 12345",
    "Mo-Fr 8-12",
    "Mo–Do 08:00–16:00, Fr 08:00–12:00",
    "Sprechzeiten: Di 14-18 Uhr, Do 9-12 Uhr",
    "Geöffnet 0800-1200 Uhr",
    "Bürgerbüro Mo 7.30-12.00 und 13.00-18.00",
    "Der Wertstoffhof öffnet Sa 9 - 14 Uhr.",
    "Schwimmbad: 06:30 - 22:00, Sauna 10 - 21 Uhr",
    # versions, technical
    "Die Seite lädt 10 Sekunden",
    "Die App Version 2.3.1 stürzt auf Android 14 ab.",
    "Mit iOS 17.1.2 lässt sich das PDF nicht öffnen.",
    "Firefox 128.0 zeigt das Formular falsch an.",
    "Fehlercode 0x80070005 beim Hochladen",
    "Fehler 404 auf der Seite https://www.musterstadt.de/buergeramt/termine?id=12345",
    "Link: https://www.musterstadt.de/formular/4711-antrag",
    "Im Formular Schritt 3 von 5 kommt Fehler 500.",
    "Datei 2026_11_27_Antrag.pdf ist zu groß (12 MB).",
    "Die Uploadgrenze von 10 MB ist zu klein.",
    "Version 0.9.12 des Portals hatte den Fehler noch nicht.",
    "WLAN im Rathaus: 2,4 GHz, nur 1 Mbit/s",
    "Captcha 7 + 3 = 10 wird als falsch erkannt.",
    # ordinary prose, gender forms, handles
    "Liebe Bürger@innen, danke für die schnelle Hilfe!",
    "Die Mitarbeiter:innen im Bürgerbüro waren sehr freundlich.",
    "Vielen Dank an das Team vom Grünflächenamt.",
    "Folgt uns auf Instagram @stadt_musterstadt",
    "Wir treffen uns at home, sagt mein Enkel immer.",
    "Die Seite musterstadt.de ist schwer zu finden.",
    "Ich habe die Frage an das Amt weitergeleitet.",
    "Treffpunkt ist der Eingang an der Westseite.",
    "Bitte mehr Infos zum Thema Wohngeld.",
    "Das ist schon das 2. Mal in diesem Monat.",
    "Nr. 5 der FAQ beantwortet meine Frage nicht.",
    "Der Aufzug im Parkhaus P1 ist seit 3 Wochen defekt.",
    "Top 3 Probleme: Parken, Müll, Lärm.",
    "Platz 1 im Ranking – aber das Formular ist schlecht.",
    "Es gibt 24/7 Lärm von der Tankstelle.",
    "Die Wartenummer A123 wurde nie aufgerufen.",
    "Wartemarke B-017, Schalter 4",
    "Ich habe Pflegegrad 3 und komme nicht in den 2. Stock.",
    "Schulweg für Klasse 1a und 1b ist gefährlich.",
    "Kita Regenbogen, Gruppe 2, 22 Kinder auf 2 Erzieherinnen",
    "Grundsteuer B Hebesatz 500 v. H.",
    "Paragraph 3 Absatz 2 der Satzung ist unklar.",
    "Gem. § 35 BauGB ist das nicht erlaubt.",
    "Artikel 20 Abs. 3 GG",
    "DIN 5008 sagt etwas anderes.",
    "Kfz-Kennzeichen M-AB 1234 parkt seit Wochen dort.",
    "Die B 27 und die A 81 sind gesperrt.",
    "Es geht um die K 1234 zwischen den Ortsteilen.",
    "Ortsteil 3 hat nur 1 Ärztin für 8.000 Menschen.",
    "Zimmer 2.014 im Neuen Rathaus",
    "Raum E.12, Gebäude B",
    "Standesamt, 1. OG, Zimmer 104",
    "Temperaturen unter -5 °C, der Gehweg ist nicht gestreut.",
    "Die Fläche ist 12 x 30 Meter groß.",
    "Messwert 65 dB(A) nachts",
    "Feinstaub PM10 bei 55 µg/m³",
    "Kosten pro Kopf: 1.234 €, Steigerung 3,4 %",
    "Wahlbezirk 0815, Wahllokal Grundschule",
    "Stimmzettel Nr. 12 war unleserlich.",
    "Spende über 50,00 EUR ist angekommen, danke!",
    "Seite 3/12 im PDF ist leer.",
    "Die Zahlen 12 34 56 stehen auf dem Schild.",
    "Bauabschnitt 2 von 4 ist fertig.",
    "Stand 11/2026",
    "Ausgabe 3/2026 des Amtsblatts",
    "Ihr Schreiben vom 12. d. M.",
    "Es waren 1 000 Besucher beim Fest.",
    "Pegel 2,35 m am 27.11.2026 um 6 Uhr",
    "Bitte 2-3 Tage Geduld, hieß es.",
    "Frist: 14 Tage nach Zugang",
    "Mein Kind (5) und ich (38) warten seit 2 Jahren auf einen Kita-Platz.",
    "Anrufe zwischen 8 und 9 Uhr werden nicht angenommen.",
    "Ich habe 0 von 5 Sternen gegeben.",
    "Bewertung: 2/5",
    "Die Hotline ist nur von 9-12 erreichbar.",
    "Rufen Sie doch einfach mal zurück!",
    "Ich bin telefonisch leider nicht erreichbar.",
    "Tel. bitte nur werktags.",
    "Steuer-ID habe ich nicht zur Hand.",
    "IBAN folgt per Post.",
    "Mein Konto ist bei der Sparkasse.",
    "E-Mail-Adresse ändere ich im Bürgerkonto.",
    "Ich bin 1980 geboren und wohne seit 2001 hier.",
    "Der Vorfall war am 31.12. gegen 23:59.",
    "ISBN 978-3-16-148410-0 steht im Katalog der Stadtbibliothek.",
    "Losnummer 2026-11-27-001",
    "Die Fläche 12.345 m² wird bebaut.",
    # probes written before the rules were tuned on them
    "Am 24.12. von 10-14 Uhr geöffnet",
    "Tel. Sprechstunde Mo 9-11",
    "Telefon 2 war defekt",
    "Fax 2026 abgeschafft",
    "Handy 2019 gekauft, Display 6,1 Zoll",
    "Mobil 12 000 km gefahren",
    "Telefon 20.11.2026 angerufen",
    "Bankleitzahl 370 400 44",
    "BIC COBADEFFXXX",
    "DE-12345 Musterstadt",
    "DE 12345 Musterstadt",
    "Zählerstand 0123456 kWh",
    "Seriennummer 0123456789",
    "Sendungsnummer 00340434161094042557",
    "Tracking 00340434161094",
    "IP 192.168.0.1 geht nicht",
    "Postfach 10 01 23",
    "01. 12. 2026",
    "Kto. 0532013000 BLZ 37040044",
    "1 000 000 € für 0 Ergebnis",
    "Zeitraum 0800 - 1600",
    "Zählerstand: 0012345,6",
    "Wir haben 0 Antworten auf 12 Anfragen",
    "Bus 0815 um 0830",
    "Die Zahl 0123456789 ist die Testnummer aus der Anleitung",
    "GPS 48.137154, 11.576124",
    "Koordinaten 52°31'12\"N 13°24'18\"E",
    "Uhrzeit 07:45:00",
    "Bezirk 09 / Ortsteil 0901",
    "Es kostet 0,50 – 1,00 €",
    "Termin 2026-12-01T10:00",
    "Reifen 205/55 R16 91V",
    "Tempo 030 ist ein Witz",
    "Meine Kundennummer ist 0012345678",
    "Vertragsnummer 0170 1234567",
    "Müller (et) al. haben das untersucht.",
    "Liebe Bürger (at) Rathaus, danke!",
]

# --------------------------------------------------------------------------------------------------------------
# Look-alikes with wrong check digits: not an IBAN, card or tax id, and not anything else either
# --------------------------------------------------------------------------------------------------------------

_la = random.Random(4711)


def _bad_iban(country: str, bban: str, group: bool = True) -> str:
    wrong = broken_check_digit(iban(country, bban))
    return grouped(wrong) if group else wrong


def _bad_card(prefix: str, length: int) -> str:
    return broken_check_digit(card(_la, prefix, length))


def _bad_tax_id() -> str:
    return broken_check_digit(tax_id(_la))


def _lookalikes() -> list[str]:
    ibans = [_bad_iban("DE", "".join(_la.choice("0123456789") for _ in range(18))) for _ in range(6)]
    ibans += [_bad_iban("DE", "370400440532013000", group=False), _bad_iban("GB", "NWBK60161331926819")]
    ibans += [_bad_iban("AT", "1904300234573201"), _bad_iban("FR", "20041010050500013M02606")]
    cards = [grouped(_bad_card("4", 16)) for _ in range(5)] + [_bad_card("5", 16) for _ in range(3)]
    cards += [grouped(_bad_card("2221", 16), sep="-"), "4111 1111 1111 1112"]
    tax_ids = [_bad_tax_id() for _ in range(5)]
    tax_ids += [f"{t[:2]} {t[2:5]} {t[5:8]} {t[8:]}" for t in (_bad_tax_id() for _ in range(3))]
    tax_ids += ["36574261890", "11111111111", "12345678901"]  # wrong check digit; no repeated digit
    texts = [f"IBAN {value} (Tippfehler?)" for value in ibans]
    texts += [f"Kartennummer {value}" for value in cards]
    texts += [f"Steuer-ID: {value}" for value in tax_ids]
    return texts


LOOKALIKES: list[str] = _lookalikes()
