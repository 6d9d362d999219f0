"""Redaction of personal data in citizen free text, applied at ingest before anything reaches Kafka.

Rules and lists, no model: German NER models are not installable here, and rules are predictable to audit.
Replacements are readable, typed placeholders ("[IBAN entfernt]") so staff still understand the sentence.

What is redacted, and why it is not a plain pattern match:

* e-mail addresses, also the spelled-out forms citizens use against spam harvesters ("max (at) example (dot)
  de", "max[at]example.de", "max @ example . de"). The bare-word form "max at example dot com" only counts when
  it ends in a known top-level domain, because "at" and "dot" are ordinary words.
* IBANs of every country in the IBAN registry: exact length per country, then the ISO 13616 mod-97 check.
* payment card numbers: 13-19 digits in the groupings cards are printed with, an issuer digit 2-6, Luhn check.
* Steuer-IdNr: 11 digits, ISO 7064 MOD 11,10 check digit and the digit-distribution rule of the BZSt.
* Steuernummern: their formats differ per Land and are easily confused with file references, so only right
  after the word "Steuernummer" / "St.-Nr.".
* phone numbers in German and international notation. Without a check digit they are the riskiest kind, so
  the rules are structural (leading 0 or +, area-code length, where "/" and brackets may stand, digit count)
  and local numbers without area code are only taken right after "Tel.", "Handy", "Fax" and the like.

* names (since "Trust II"), by their context, never by a list of family names:
  - after honorifics, titles and roles ("Frau", "Herrn", "Fr.", "Hr.", "Familie", "Dr.", "Prof.", "Dipl.-Ing.",
    "Pfarrer", "Sachbearbeiterin", ...): given names or initials, then the family name with its particle
    ("Frau Dr. Anna von Bredow"). Honorific and titles stay: "Frau Dr. [Name entfernt]";
  - under greetings ("Mit freundlichen Grüßen", "Viele Grüße,", "Gruß", "MfG", "LG"): the persons that fill the
    rest of the line or the next line alone ("Renate und Horst Berger"), unless an organisation signs;
  - after "Mein Name ist", "Ich heiße", "Name:", "Absender:" and the like, and a birth name after "geb.";
  - a first name from ``FIRST_NAMES`` followed by a capitalised word ("Anna Schmidt", "Max M."), unless the
    next word is a kind of place or event ("Heinrich Heine Gymnasium", "Karl May Festspiele") or a saint's
    name is meant ("Sankt Martin"); first names listed with persons ("Helga und Werner Brückner").
  Capitalised nouns, function words at the start of a sentence, days, months and abbreviations are never
  part of a name (``_STOP_WORDS``). ``redact(text, keep_names=...)`` keeps names the city wants kept (staff).
* addresses: street and house number ("Lindenweg 12", "Hauptstr. 5a", "Am Markt 3", "Berliner Straße 120",
  "Straße des 17. Juni 101"), and postcode and town ("12345 Musterstadt") where an address stands (after a
  comma, at the start of a line, after "in", "wohnhaft"). A street without a house number is a place and stays,
  and so does a street followed by a count ("Hauptstraße 3 Wochen gesperrt", "Am Markt 2 Stunden").
* dates of birth, only within a few words after "geb.", "geboren", "Geburtsdatum" (or right before
  "geboren"): the date goes, the keyword stays. A birth year alone ("Jahrgang 1952") stays.

Validated numbers keep false positives away from ordinary numbers (dates, prices, house numbers, postcodes,
file references): an invoice number passes Luhn or mod 97 only by chance, and a number that has the shape of an
IBAN, card or tax id but fails its check is left alone and shielded from the phone rules, so a mistyped IBAN
is not half-replaced by a "phone number".

Linear time is a design rule, because the input is untrusted: every pattern can only start at the beginning of
a run (a lookbehind rules out starts inside a word or number) and consumes with possessive, bounded quantifiers,
so an attempt never backtracks into what it has consumed; the one place that may give something back (the labels
of an e-mail domain) gives back at most eight. Digits are handled as *chains*: maximal
runs of digit groups joined by separators (at most ``_MAX_ITEMS`` groups per chain, a longer run is cut and its
rest cannot start a new chain). Each chain is parsed once and its windows of consecutive groups are tested
against the card, tax id and phone rules in Python; the windows per chain are bounded, so the work is linear in
the length of the text. The name, address and birth-date rules follow the same rule: their patterns start only
at the beginning of a word, take words with possessive quantifiers of at most 30 letters, and look at a
bounded number of following words (at most six tokens of a name, a street of three words, a date within 48
characters of its keyword); what they decide in Python is bounded per match. ``bench/redaction.py`` measures
all of it on hostile inputs.

The name, address and birth-date rules are measured on ``tests/unit/redaction_names_corpus.py`` (written before
the rules; about 30 % held out from tuning). Every finder after the number rules sees the earlier finds masked,
and a context that contains a find decides like the placeholder that replaces it, so redacting twice changes
nothing.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections import Counter
from collections.abc import Callable, Collection
from pathlib import Path
from typing import NamedTuple

EMAIL_PLACEHOLDER = "[E-Mail entfernt]"
PHONE_PLACEHOLDER = "[Telefonnummer entfernt]"
IBAN_PLACEHOLDER = "[IBAN entfernt]"
CARD_PLACEHOLDER = "[Kartennummer entfernt]"
TAX_ID_PLACEHOLDER = "[Steuer-ID entfernt]"
TAX_NUMBER_PLACEHOLDER = "[Steuernummer entfernt]"
NAME_PLACEHOLDER = "[Name entfernt]"
ADDRESS_PLACEHOLDER = "[Adresse entfernt]"
BIRTH_DATE_PLACEHOLDER = "[Geburtsdatum entfernt]"

# --------------------------------------------------------------------------------------------------------------
# Normalisation
# --------------------------------------------------------------------------------------------------------------

# Invisible characters: the default-ignorable code points of Unicode (zero-width space/joiner/non-joiner, soft
# hyphen, word joiner, BOM, bidi marks, embeddings, overrides and isolates, invisible operators, Hangul fillers,
# unassigned default-ignorables) plus the remaining format characters without a visible effect (interlinear
# annotation). Kept: variation selectors (U+FE00-FE0F, U+E0100-E01EF, Mongolian FVS), which choose a glyph
# (text or emoji presentation) and never stand between the characters of an address or number; the prepended
# concatenation marks (Arabic number sign U+0600 etc.) and Egyptian hieroglyph format controls, which are visible
# and needed by their scripts; emoji tag characters, but only inside a subdivision flag sequence (see _TAGS).
_INVISIBLE = (
    "\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180e\u200b-\u200f\u202a-\u202e\u2060-\u206f\u3164\ufeff\uffa0"
    "\ufff0-\ufffb\U0001bca0-\U0001bca3\U0001d173-\U0001d17a\U000e0000-\U000e001f\U000e0080-\U000e00ff"
    "\U000e01f0-\U000e0fff"
)
# C0 and C1 controls except tab and line feed; carriage return, vertical tab, form feed and NEL are line breaks
# and become "\n" first (_LINE_BREAKS), so that removing them never glues two words together.
_CONTROLS = "\x00-\x08\x0e-\x1f\x7f-\x84\x86-\x9f"
_DROP = re.compile(f"[{_INVISIBLE}{_CONTROLS}]+")
_LINE_BREAKS = re.compile("\r\n?|[\x0b\x0c\x85]")
# Tag characters draw nothing; they are legitimate only in an emoji flag such as England's
# (black flag, tag letters "gbeng", cancel tag). Such sequences are kept whole, every other tag is removed.
_TAGS = re.compile("(\U0001f3f4[\U000e0020-\U000e007e]{1,30}+\U000e007f)|[\U000e0020-\U000e007f]+")


def _keep_flag(match: re.Match[str]) -> str:
    return match.group(1) or ""


def normalise_text(text: str) -> str:
    """Text in NFC without invisible and control characters; newlines (as "\\n") and tabs stay.

    Runs before redaction so that an address or number split by a zero-width space, a soft hyphen or a bidi
    override (pasted from a web page, or deliberate) is seen as the plain text a reader sees. Removal comes
    before NFC because a removed character can separate a letter from its combining accent.
    """
    text = _LINE_BREAKS.sub("\n", text)
    text = _TAGS.sub(_keep_flag, text)
    text = _DROP.sub("", text)
    return unicodedata.normalize("NFC", text)


# --------------------------------------------------------------------------------------------------------------
# Check digits
# --------------------------------------------------------------------------------------------------------------

_TRIPLE = re.compile(r"(\d)\1\1")


def _ascii_digits(digits: str) -> str:
    """Digits of any script ("０１７１", Arabic-Indic) as ASCII, so that the rules below compare plain characters."""
    return digits if digits.isascii() else "".join(str(int(ch)) for ch in digits)


def luhn_valid(digits: str) -> bool:
    """Luhn (mod 10) check of a payment card number given as ASCII digits."""
    if not (digits.isascii() and digits.isdigit()):
        return False
    total = 0
    for position, ch in enumerate(reversed(digits)):
        value = int(ch)
        if position % 2:
            value = value * 2 - 9 if value > 4 else value * 2
        total += value
    return total % 10 == 0


def tax_id_valid(digits: str) -> bool:
    """Steuer-IdNr: 11 ASCII digits, first not 0, ISO 7064 MOD 11,10 check digit and the digit distribution.

    Distribution rule of the BZSt: in the first ten digits exactly one digit occurs twice or three times, every
    other digit at most once, and a digit occurring three times never stands on three consecutive positions.
    """
    if len(digits) != 11 or not (digits.isascii() and digits.isdigit()) or digits[0] == "0":
        return False
    head = digits[:10]
    repeated = [count for count in Counter(head).values() if count > 1]
    if len(repeated) != 1 or repeated[0] > 3 or (repeated[0] == 3 and _TRIPLE.search(head)):
        return False
    product = 10
    for ch in head:
        total = (int(ch) + product) % 10 or 10
        product = total * 2 % 11
    return (11 - product) % 10 == int(digits[10])


def iban_valid(iban: str) -> bool:
    """ISO 13616 check of a compact, upper-case IBAN: move the first four characters to the end, letters to
    numbers (A=10 ... Z=35), the result mod 97 must be 1. Check digits 00, 01 and 99 are never issued."""
    if len(iban) < 5 or not (iban.isascii() and iban.isalnum()) or iban[2:4] in ("00", "01", "99"):
        return False
    rearranged = iban[4:] + iban[:4]
    return int("".join(str(int(ch, 36)) for ch in rearranged)) % 97 == 1


# --------------------------------------------------------------------------------------------------------------
# Spans and the driver
# --------------------------------------------------------------------------------------------------------------


class _Span(NamedTuple):
    start: int
    end: int
    placeholder: str | None  # None: looks like an IBAN/card/tax id but fails its check; shielded, left as it is


_Finder = Callable[[str], list[_Span]]
_MASK = "\x00"  # never in normalised text; a masked region is neither word, digit nor separator to later finders


def _mask(text: str, spans: list[_Span]) -> str:
    pieces: list[str] = []
    position = 0
    for span in sorted(spans):
        pieces.append(text[position : span.start])
        pieces.append(_MASK * (span.end - span.start))
        position = span.end
    pieces.append(text[position:])
    return "".join(pieces)


# --------------------------------------------------------------------------------------------------------------
# E-mail
# --------------------------------------------------------------------------------------------------------------

_H = "[ \t\u00a0\u202f]"  # horizontal space inside an obfuscated address
_OPEN = r"[(\[{<]"
_CLOSE = r"[)\]}>]"
_LOCAL = r"(?P<local>[\w.+%'-]{1,64}+)"  # starts a run: see _EMAIL
_AT = (
    f"(?P<at>{_H}{{0,3}}+@{_H}{{0,3}}+"
    f"|{_H}{{0,3}}+{_OPEN}{_H}{{0,2}}+(?i:at|ät|aet|et|@){_H}{{0,2}}+{_CLOSE}{_H}{{0,3}}+"
    f"|{_H}{{1,3}}+(?i:at|ät){_H}{{1,3}}+)"
)
_LABEL = r"[^\W_][\w-]{0,62}+"
# A dot that is spaced, bracketed or spelled out must be followed by a letter: "max@web.de. 2 Tage später".
_DOT = (
    f"(?:\\.(?!{_H})"
    f"|(?:{_H}{{0,3}}+\\.{_H}{{0,3}}+"
    f"|{_H}{{0,3}}+{_OPEN}{_H}{{0,2}}+(?i:dot|punkt|pkt|\\.){_H}{{0,2}}+{_CLOSE}{_H}{{0,3}}+"
    f"|{_H}{{1,3}}+(?i:dot|punkt){_H}{{1,3}}+)(?=[^\\W\\d_]))"
)
# The address ends in two letters (a top-level domain): a necessary condition checked by the regex engine, so
# that "x@x.x@x.x..." costs no Python callback. The label repetition may give back labels for it (at most 8):
# "max@web.de. S1 fällt aus" ends after "de". The local part starts a run of local-part characters; right after
# an accepted address, _EMAIL_GLUED also takes one that follows without a gap ("max@web.de+anna@web.de").
_EMAIL_BODY = f"{_LOCAL}{_AT}(?P<domain>{_LABEL}(?:{_DOT}{_LABEL}){{1,8}})(?<=[^\\W\\d_]{{2}})"
_EMAIL = re.compile(f"(?<![\\w.+%'-]){_EMAIL_BODY}")
_EMAIL_GLUED = re.compile(_EMAIL_BODY)
_DOT_SEP = re.compile(_DOT)
# Top-level domains accepted at the end of an obfuscated address ("max at example dot de"), where any word
# could otherwise pass for one. A plain "user@host.tld" accepts any alphabetic top-level domain.
_KNOWN_TLDS = frozenset(
    "de com org net eu info biz at ch li lu nl be fr it es pt pl cz sk dk se no fi is ie uk co io me tv us ca "
    "edu gov int online email berlin hamburg koeln cologne nrw bayern ruhr saarland app dev shop tech club blog "
    "mail name pro xyz gmbh".split()
)


def _email_end(match: re.Match[str]) -> int | None:
    """End of the address within ``match``, or None. Trailing labels that cannot end an address are dropped
    ("max@web.de. Danke" matches up to "Danke"); a label such as "de-Adresse" ends at its hyphen."""
    domain_start = match.start("domain")
    domain = match.group("domain")
    seps = [m.span() for m in _DOT_SEP.finditer(domain)]
    at_plain = match.group("at") == "@"
    while seps:
        last_label = domain[seps[-1][1] :]
        tld = last_label.split("-", 1)[0]
        obfuscated = not at_plain or any(domain[a:b] != "." for a, b in seps)
        if (
            2 <= len(tld) <= 24
            and tld.isalpha()
            and (not obfuscated or (tld.lower() in _KNOWN_TLDS and (tld.islower() or tld.isupper())))
        ):
            return domain_start + seps[-1][1] + len(tld)
        domain = domain[: seps[-1][0]]
        seps.pop()
    return None


def _find_emails(text: str) -> list[_Span]:
    spans: list[_Span] = []
    position = 0
    glued = False
    while match := (_EMAIL_GLUED.match(text, position) if glued else None) or _EMAIL.search(text, position):
        end = _email_end(match) if any(ch.isalnum() for ch in match.group("local")) else None
        if end is None:
            position, glued = match.start() + 1, False
            continue
        start = match.start()
        while text[start] in ".-+'%":  # "Adresse:.max@..." - punctuation before the name is not part of it
            start += 1
        spans.append(_Span(start, end, EMAIL_PLACEHOLDER))
        position, glued = end, True
    return spans


# --------------------------------------------------------------------------------------------------------------
# IBAN
# --------------------------------------------------------------------------------------------------------------

# Length of the IBAN per country: SWIFT IBAN registry, plus the French overseas territories that use their own
# code, and the countries of the "experimental" lists that banks already accept.
_IBAN_LENGTHS: dict[str, int] = {
    "AD": 24, "AE": 23, "AL": 28, "AT": 20, "AZ": 28, "BA": 20, "BE": 16, "BG": 22, "BH": 22, "BI": 27,
    "BR": 29, "BY": 28, "CH": 21, "CR": 22, "CY": 28, "CZ": 24, "DE": 22, "DJ": 27, "DK": 18, "DO": 28,
    "EE": 20, "EG": 29, "ES": 24, "FI": 18, "FK": 18, "FO": 18, "FR": 27, "GB": 22, "GE": 22, "GI": 23,
    "GL": 18, "GR": 27, "GT": 28, "HN": 28, "HR": 21, "HU": 28, "IE": 22, "IL": 23, "IQ": 23, "IS": 26,
    "IT": 27, "JO": 30, "KW": 30, "KZ": 20, "LB": 28, "LC": 32, "LI": 21, "LT": 20, "LU": 20, "LV": 21,
    "LY": 25, "MC": 27, "MD": 24, "ME": 22, "MK": 19, "MN": 20, "MR": 27, "MT": 31, "MU": 30, "NI": 28,
    "NL": 18, "NO": 15, "OM": 23, "PK": 24, "PL": 28, "PS": 29, "PT": 25, "QA": 29, "RO": 24, "RS": 22,
    "RU": 33, "SA": 24, "SC": 31, "SD": 18, "SE": 24, "SI": 19, "SK": 24, "SM": 27, "SO": 23, "ST": 25,
    "SV": 28, "TL": 23, "TN": 24, "TR": 26, "UA": 29, "VA": 22, "VG": 24, "XK": 20, "YE": 30,
    "GF": 27, "GP": 27, "MQ": 27, "RE": 27, "PF": 27, "TF": 27, "YT": 27, "NC": 27, "BL": 27, "MF": 27,
    "PM": 27, "WF": 27,
    "AO": 25, "BF": 28, "BJ": 28, "CF": 27, "CG": 27, "CI": 28, "CM": 27, "CV": 25, "DZ": 26, "GA": 27,
    "GQ": 27, "GW": 25, "IR": 26, "KM": 27, "MA": 28, "MG": 27, "ML": 28, "MZ": 25, "NE": 28, "SN": 28,
    "TD": 27, "TG": 28,
}  # fmt: skip
# Countries whose account part is digits only: a letter there means the match ran into a word.
_IBAN_NUMERIC = frozenset(
    "AT BA BE BI CR CZ DE DJ DK EE EG ES FI FO GL HR HU IL IS LT LY ME MN MR NO PL PT RS SD SE SI SK SO ST "
    "TL TN AE XK".split()
)
# Two shapes, so that most non-IBANs fail inside the regex engine: in an all-digit country the account part is
# digits with single separators anywhere ("DE89 370 400 44 ..."); where letters may occur, separators are single
# spaces, and Python accepts them only in the printed positions (groups of four), so that a run of words cannot
# pass as an account part. The lookahead is a cheap filter in front of the country alternations, which the
# engine would otherwise try code by code at every position of the text.
_NUMERIC_CC = "|".join(sorted(_IBAN_NUMERIC))
_ALNUM_CC = "|".join(sorted(set(_IBAN_LENGTHS) - _IBAN_NUMERIC))
_IBAN = re.compile(
    f"(?<![^\\W_])(?=[A-Za-z]{{2}}[ \u00a0]?[0-9]{{2}})"
    f"(?:(?P<ncc>(?i:{_NUMERIC_CC}))[ \u00a0]?(?P<ncheck>[0-9]{{2}})(?P<nbody>(?:[ \u00a0\\-]?[0-9]){{11,30}}+)"
    f"|(?P<acc>(?i:{_ALNUM_CC}))(?P<acheck>[0-9]{{2}})(?P<abody>(?:[ \u00a0]?[A-Za-z0-9]){{11,30}}+))"
)
_NOT_ALNUM = re.compile("[^A-Za-z0-9]")


def _check_iban(text: str, match: re.Match[str]) -> _Span | None:
    """The IBAN at ``match`` (exactly as long as its country prescribes), a shielded look-alike, or None."""
    numeric = match.group("ncc") is not None
    group = "n" if numeric else "a"
    country, check = match.group(group + "cc"), match.group(group + "check")
    body, body_start = match.group(group + "body"), match.start(group + "body")
    needed = _IBAN_LENGTHS[country.upper()] - 4
    account = _NOT_ALNUM.sub("", body)
    if len(account) < needed:
        # Too short for its country: no IBAN. Its digits are still shielded from the phone rules.
        return _Span(match.start(), match.end(), None) if numeric else None
    cut = _IBAN_CUTS[needed].match(body)
    assert cut is not None  # the body has at least ``needed`` characters
    end = body_start + cut.end()
    if end < len(text) and text[end].isascii() and text[end].isalnum():
        return None  # runs on: longer than any IBAN of this country
    account = account[:needed]
    if not numeric and not account.isdigit():
        letters = [ch for ch in country + account if ch.isalpha()]
        if not (all(ch.isupper() for ch in letters) or all(ch.islower() for ch in letters)):
            return None
        printed = body[: cut.end()]
        gaps = [k for k, ch in enumerate(printed) if not ch.isalnum()]  # positions of the separators
        # characters of the IBAN before each separator must be 4, 8, 12, ... up to the end
        if gaps and [4 + k - n for n, k in enumerate(gaps)] != list(range(4, needed + 4, 4)):
            return None
    compact = (country + check + account).upper()
    return _Span(match.start(), end, IBAN_PLACEHOLDER if iban_valid(compact) else None)


_IBAN_CUTS = {n: re.compile(f"(?:[ \u00a0\\-]?[A-Za-z0-9]){{{n}}}") for n in range(11, 31)}


def _find_ibans(text: str) -> list[_Span]:
    spans: list[_Span] = []
    position = 0
    while match := _IBAN.search(text, position):
        span = _check_iban(text, match)
        if span is None:
            position = match.start() + 1
        else:
            spans.append(span)
            position = span.end
    return spans


# --------------------------------------------------------------------------------------------------------------
# Steuernummer (only with its keyword)
# --------------------------------------------------------------------------------------------------------------

# Formats of the Länder ("Standardschema"): FF/BBB/UUUUP, FFF/BBB/UUUUP, FFF/BBBB/UUUP, FFBBB/UUUUP,
# FF BBB UUUUP, 0FF BBB UUUUP, and the 13-digit federal form (also written without slashes).
_TAX_NUMBER = re.compile(
    r"(?i:\b(?:steuer[- ]?(?:nummer|nr\b\.?)|st\.?[- ]?nr\b\.?|stnr\b\.?)[ \t\u00a0]{0,3}+:?[ \t\u00a0]{0,3}+"
    r"(?:(?:lautet|ist)[ \t\u00a0]{1,3}+)?)"
    r"(?P<number>\d{2,3}/\d{3,4}/\d{4,5}|\d{5}/\d{5}|\d{2,3}[ \u00a0]\d{3}[ \u00a0]\d{5}|\d{10,13})"
    r"(?![\w/]|[.,\-]\d)"
)


def _find_tax_numbers(text: str) -> list[_Span]:
    spans: list[_Span] = []
    for match in _TAX_NUMBER.finditer(text):
        number = match.group("number")
        if number.isdigit() and tax_id_valid(_ascii_digits(number)):
            continue  # a Steuer-IdNr (unseparated) called "Steuernummer": the chain rules name it correctly
        spans.append(_Span(match.start("number"), match.end("number"), TAX_NUMBER_PLACEHOLDER))
    return spans


# --------------------------------------------------------------------------------------------------------------
# Number chains: card numbers, Steuer-IdNr, phone numbers
# --------------------------------------------------------------------------------------------------------------

_MAX_ITEMS = 12  # groups per chain: a phone number in the most generous notation has 8
_S = " \u00a0\u2007\u2009\u202f"  # space-like separators; a number never continues over a line break
_D = "\\-\u2010-\u2013\u2212"  # hyphen-minus, Unicode hyphens, figure and en dash, minus sign
_SEP = f"(?:[{_S}]{{1,3}}+(?:[/.{_D}][{_S}]{{0,2}}+)?|[/.{_D}][{_S}]{{0,2}}+)"
_ITEM = r"\(?\+?\d{1,20}+\)?"
_CHAIN_BODY = f"{_ITEM}(?:{_SEP}?+{_ITEM}){{0,{_MAX_ITEMS - 1}}}+"
# A chain starts neither inside a word or number, nor after punctuation that glues it to something ("1,5",
# "A-12", "/id=123"), nor right after digit + separator: that position belongs to an earlier chain (possibly one
# cut at _MAX_ITEMS), so "1 1 1 ..." is one chain and not thousands.
_CHAIN = re.compile(
    f"(?<![\\w+/.,=&#%@){_D}])(?<![\\d)]\\()(?<!\\d[{_S}/.{_D}])(?<!\\d[{_S}][/.{_D}])(?<!\\d[/.{_D}][{_S}])"
    f"(?<!\\d[{_S}][/.{_D}][{_S}]){_CHAIN_BODY}"
)
_CHAIN_AFTER_KEYWORD = re.compile(_CHAIN_BODY)
_CONTINUES = re.compile(f"{_SEP}?+\\(?\\+?\\d")
_ITEM_PARSE = re.compile(r"\((\+?)(\d+)\)|(\+?)(\d+)")
_SPACE_SEPS = frozenset(_S)
_CARD_SEPS = frozenset(_S + "-\u2010\u2011\u2012\u2013\u2212")
_CARD_SHAPES = frozenset({(4, 4, 4, 1), (4, 4, 4, 2), (4, 4, 4, 3), (4, 4, 4, 4), (4, 4, 4, 4, 1)})
_CARD_SHAPES |= {(4, 4, 4, 4, 2), (4, 4, 4, 4, 3), (4, 6, 4), (4, 6, 5)}

# Words that put a phone number in the text: after them a local number without area code is taken too.
_PHONE_WORDS = (
    "tel|telefon|telefonnummer|telefonnr|fon|phone|handy|handynummer|handynr|mobil|mobilnummer|mobilnr|"
    "mobiltelefon|mobilfunk|mobilfunknummer|rufnummer|festnetz|festnetznummer|fax|telefax|faxnummer|faxnr|"
    "whatsapp|rückrufnummer|privatnummer|kontaktnummer|durchwahl|durchwahlnummer|notfallnummer|rufnr"
)
_PHONE_KEYWORD = re.compile(
    f"(?i)\\b(?=[tfphmrwe])(?:(?:{_PHONE_WORDS})\\b(?:\\.?[ \\-]?nr\\b)?|erreichbar unter|rückruf unter)"
    f"\\.?[ \\t\u00a0]{{0,3}}+:?[ \\t\u00a0]{{0,3}}+"
)
_PHONE_WORD_SET = frozenset(_PHONE_WORDS.split("|"))
# Labels of other identifiers: a number right after "Kundennummer", "Az.", "Vorgang Nr." is not a phone number
# even if it starts with 0 ("Kundennummer 0012345678", "Az. 012/3456").
_ID_CONTEXT = re.compile(
    r"(?i)\b(?P<word>az|gz|aktenzeichen|geschäftszeichen|kassenzeichen|vorgang|ticket|konto|kto|blz|bic|id|ref|"
    r"referenz|pin|puk|plz|postleitzahl|nr|no|tracking|sendung|paket|"
    r"[\w-]{2,30}?(?:nummer|nr|kennung|zeichen|code|stand))\b\.?"
    r"[ \t\u00a0]{0,2}(?:nr\b\.?|no\b\.?|\#)?[ \t\u00a0]{0,2}[:.#]?[ \t\u00a0]{0,2}"
    r"(?:(?:ist|lautet|war)[ \t\u00a0]{1,2})?\Z"
)
# German prefixes that never lead to a person's line: carrier selection (010), reserved (011, 014), services
# (012), televoting (013). Rejecting them keeps "0123456789"-style dummies and IDs out.
_NOT_SUBSCRIBER = frozenset({"010", "011", "012", "013", "014"})
# A number followed by a unit is a quantity or a time, not a phone number ("0800-1200 Uhr").
_UNIT_AFTER = re.compile(
    r"[ \u00a0]?(?:uhr|h|€|eur|euro|ct|cent|%|prozent|km|m|cm|mm|qm|m²|m³|kg|g|t|l|ml|liter|kwh|mwh|stück|stk|"
    r"min|minuten|sek|jahre|tage|einwohner|personen)"
    r"(?!\w|\.\w)",  # "m.f.G." after a number is a greeting, not metres
    re.IGNORECASE,
)


class _Item(NamedTuple):
    start: int
    end: int
    digits: str  # ASCII
    plus: bool
    bracketed: bool


def _parse_chain(text: str, start: int, end: int) -> tuple[list[_Item], list[str]]:
    """Digit groups of a chain and the separator before each group ("" before the first)."""
    items: list[_Item] = []
    seps: list[str] = []
    previous_end = start
    for match in _ITEM_PARSE.finditer(text, start, end):
        bracketed = match.group(2) is not None
        plus = bool(match.group(1) if bracketed else match.group(3))
        digits = _ascii_digits(match.group(2) if bracketed else match.group(4))
        seps.append(text[previous_end : match.start()] if items else "")
        items.append(_Item(match.start(), match.end(), digits, plus, bracketed))
        previous_end = match.end()
    return items, seps


def _is_space_sep(sep: str) -> bool:
    return len(sep) == 1 and sep in _SPACE_SEPS


def _card_window(items: list[_Item], seps: list[str], i: int, j: int, continues: bool) -> bool | None:
    """True: a card number; False: shaped like one but fails Luhn (shielded); None: not card-shaped.

    ``continues`` is not needed: digits may follow a card number ("4111 1111 1111 1111 12/26", the expiry date),
    the Luhn check decides where it ends.
    """
    window = items[i : j + 1]
    if any(item.plus or (item.bracketed and i != j) for item in window):
        return None
    digits = "".join(item.digits for item in window)
    if not 13 <= len(digits) <= 19 or digits[0] not in "23456":
        return None
    if j > i:
        inner = seps[i + 1 : j + 1]
        if len(inner[0]) != 1 or inner[0] not in _CARD_SEPS or any(sep != inner[0] for sep in inner):
            return None
        if tuple(len(item.digits) for item in window) not in _CARD_SHAPES:
            return None
    return luhn_valid(digits)


def _tax_id_window(items: list[_Item], seps: list[str], i: int, j: int, continues: bool) -> bool | None:
    """True: a Steuer-IdNr; False: an 11-digit number of that shape failing its checks (shielded); None: other.

    The window must be a whole space-separated group of the chain, because eleven digits can be cut out of any
    longer run of small numbers.
    """
    window = items[i : j + 1]
    if any(item.plus or (item.bracketed and i != j) for item in window):
        return None
    if not all(_is_space_sep(sep) for sep in seps[i + 1 : j + 1]):
        return None
    if i > 0 and _is_space_sep(seps[i]):
        return None
    if (j + 1 < len(items) and _is_space_sep(seps[j + 1])) or (j + 1 == len(items) and continues):
        return None
    digits = "".join(item.digits for item in window)
    if len(digits) != 11 or digits[0] == "0":
        return None
    return tax_id_valid(digits)


def _starts_phone(item: _Item) -> bool:
    return item.plus or item.digits.startswith("0")


def _phone_window(
    text: str, items: list[_Item], seps: list[str], i: int, j: int, continues: bool, after_keyword: bool
) -> bool:
    """Whether groups i..j of a chain are one phone number. The rules, by notation:

    * international (+49 ..., 0049 ..., (+49) ...): country code not starting with 0; "(0)" or a bracketed area
      code only right after it; 8-15 digits without the prefix and the "(0)".
    * national (030 ..., (030) ..., 0171-...): first group 0 + 2-5 digits (the area code) unless the number is
      written unseparated; brackets only around the area code; 7-15 digits.
    * local, only right after a word such as "Tel." or "Handy": 5-12 digits, no dots (dates, times).

    Everywhere: at most one "/", right after the area code; no unit after the number ("0800-1200 Uhr"); the
    number must end where the chain ends or where another phone number begins ("030 1234567 0171 7654321").
    """
    window = items[i : j + 1]
    first = window[0]
    if i > 0 and not any(ch.isspace() for ch in seps[i]):
        return False
    if j + 1 < len(items):
        following = seps[j + 1]
        if not (_starts_phone(items[j + 1]) and (any(ch.isspace() for ch in following) or "/" in following)):
            return False
    elif continues:
        return False
    if len(window) > 9 or any(item.plus for item in window[1:]):
        return False
    inner = seps[i + 1 : j + 1]
    slashes = [k for k, sep in enumerate(inner, start=1) if "/" in sep]  # k: index of the group after "/"
    digits = "".join(item.digits for item in window)
    if first.plus or (first.digits.startswith("00") and not first.bracketed):
        trunk = len(window) > 1 and window[1].bracketed and window[1].digits == "0"  # "+49 (0)30"
        area = 2 if trunk else 1  # index of the area code group
        if any(item.bracketed for k, item in enumerate(window) if k > 1):
            return False
        national = (first.digits if first.plus else first.digits[2:]) + "".join(it.digits for it in window[area:])
        if national[:1] in ("", "0") or not 8 <= len(national) <= 15:
            return False
        if national.startswith("49") and "0" + national[2:4] in _NOT_SUBSCRIBER:
            return False
        if slashes and (len(slashes) > 1 or slashes[0] != area + 1):
            return False
    elif first.digits.startswith("0"):
        if any(item.bracketed for item in window[1:]):
            return False
        if len(window) > 1 and not 3 <= len(first.digits) <= 6:
            # unseparated number with an extension: "0301234567-0"
            if not (len(window) == 2 and len(first.digits) >= 7 and len(window[1].digits) <= 5 and "-" in inner[0]):
                return False
        if not 7 <= len(digits) <= 15 or digits[1] == "0" or digits[:3] in _NOT_SUBSCRIBER:
            return False
        if slashes and (len(slashes) > 1 or slashes[0] != 1):
            return False
        if len(window) == 2 and _looks_like_time_range(window, inner[0]):
            return False
    elif after_keyword and i == 0:
        if any(item.bracketed for item in window) or any("." in sep for sep in inner):
            return False
        if not 5 <= len(digits) <= 12 or len(slashes) > 1:
            return False
    else:
        return False
    if not (first.plus or after_keyword):
        context = _ID_CONTEXT.search(text, max(0, first.start - 48), first.start)
        if context and context.group("word").lower().replace("-", "") not in _PHONE_WORD_SET:
            return False
    return not _UNIT_AFTER.match(text, window[-1].end)


def _looks_like_time_range(window: list[_Item], sep: str) -> bool:
    """ "0800-1200": two four-digit groups that are both clock times (hhmm), joined by a dash."""
    if "/" in sep or "." in sep:
        return False
    return all(len(it.digits) == 4 and it.digits[:2] < "24" and it.digits[2:] < "60" for it in window)


def _scan_chain(text: str, start: int, end: int, after_keyword: bool = False) -> list[_Span]:
    items, seps = _parse_chain(text, start, end)
    if not items:
        return []
    n = len(items)
    total = [0]  # total[k]: digits in items[:k], to skip windows of the wrong length without looking at them
    for item in items:
        total.append(total[-1] + len(item.digits))
    if total[-1] < 5:
        return []
    continues = bool(_CONTINUES.match(text, end))
    spans: list[_Span] = []
    taken = [False] * n

    def claim(i: int, j: int, placeholder: str | None) -> None:
        begin, finish = items[i].start, items[j].end
        if i == j and items[i].bracketed:  # "(4111111111111111)": the brackets belong to the sentence
            begin, finish = begin + 1, finish - 1
        spans.append(_Span(begin, finish, placeholder))
        for k in range(i, j + 1):
            taken[k] = True

    if not after_keyword:
        # Cards before tax ids, longest window first; a window that is valid wins over a longer look-alike
        # ("4111 1111 1111 1111 12/26": the expiry date is not part of the number).
        kinds = ((_card_window, CARD_PLACEHOLDER, 13, 19), (_tax_id_window, TAX_ID_PLACEHOLDER, 11, 11))
        for judge, placeholder, fewest, most in kinds:
            for i in range(n):
                shielded = -1
                for j in range(min(n - 1, i + 4), i - 1, -1):
                    if not fewest <= total[j + 1] - total[i] <= most or any(taken[i : j + 1]):
                        continue
                    verdict = judge(items, seps, i, j, continues)
                    if verdict:
                        claim(i, j, placeholder)
                        break
                    if verdict is False and shielded < 0:
                        shielded = j
                else:
                    if shielded >= 0:
                        claim(i, shielded, None)
    i = 0
    while i < n:
        if taken[i] or not (_starts_phone(items[i]) or (after_keyword and i == 0)):
            i += 1
            continue
        fewest = 5 if after_keyword and i == 0 else 7
        for j in range(min(n - 1, i + 8), i - 1, -1):
            if not fewest <= total[j + 1] - total[i] <= 17 or any(taken[i : j + 1]):
                continue
            if _phone_window(text, items, seps, i, j, continues, after_keyword):
                claim(i, j, PHONE_PLACEHOLDER)
                i = j
                break
        i += 1
    return spans


def _find_keyword_phones(text: str) -> list[_Span]:
    spans: list[_Span] = []
    for keyword in _PHONE_KEYWORD.finditer(text):
        chain = _CHAIN_AFTER_KEYWORD.match(text, keyword.end())
        if chain and chain.end() - chain.start() >= 5:
            spans.extend(span for span in _scan_chain(text, *chain.span(), after_keyword=True) if span.placeholder)
    return spans


def _find_number_chains(text: str) -> list[_Span]:
    spans: list[_Span] = []
    for chain in _CHAIN.finditer(text):
        if chain.end() - chain.start() >= 7:  # the shortest phone number has 7 digits
            spans.extend(_scan_chain(text, *chain.span()))
    return spans


# --------------------------------------------------------------------------------------------------------------
# Words: letters, capitalised words, first names
# --------------------------------------------------------------------------------------------------------------


def _latin_letters(category: str) -> str:
    """Letters of the Latin scripts beyond ASCII ("Ä", "ß", "Ş", "ł", "ễ") of one Unicode category, as the body
    of a character class: names of citizens from everywhere, without matching digits or other scripts."""
    codes = [*range(0xC0, 0x250), *range(0x1E00, 0x1F00)]
    return "".join(ch for ch in map(chr, codes) if unicodedata.category(ch) == category)


_UP = "A-Z" + _latin_letters("Lu")
_LO = "a-z" + _latin_letters("Ll")
_SP = "[ \u00a0]"  # the space between the words of a name or an address: never a line break
# A capitalised word, possibly with an apostrophe prefix ("O'Connor") and hyphenated parts ("Krüger-Hansen").
# Every part is bounded and possessive: a word is consumed once and never given back.
_PART = f"(?:[{_UP}]['’])?[{_UP}][{_LO}]{{1,30}}+"
_WORD = f"{_PART}(?:-{_PART}){{0,3}}+(?![\\w'’-])"
_NAME_WORD = re.compile(_WORD)
_INITIAL = re.compile(f"[{_UP}]\\.(?:-?[{_UP}]\\.)?+(?![\\w-])")
# Name particles: "von", "van der", "de la", "al". "der", "zu", "la" alone are ordinary words ("Herr der Lage",
# "zu Hause"), so they only count after a first particle.
_PARTICLES = "von|van|de|del|della|di|da|du|dos|ter|ten|el|al|bin|ibn"
_PARTICLE = re.compile(f"(?:{_PARTICLES})(?:{_SP}(?:der|den|dem|la|le|los|las|zu))?(?={_SP})")
_GAP = re.compile(f"{_SP}{{1,2}}+")


def _load_first_names() -> frozenset[str]:
    lines = Path(__file__).with_name("first_names.txt").read_text(encoding="utf-8").splitlines()
    return frozenset(line.strip() for line in lines if line.strip() and not line.startswith("#"))


FIRST_NAMES: frozenset[str] = _load_first_names()
"""First names (``shared/first_names.txt``: derived from Faker's person providers, MIT; see its header)."""

# Capitalised words that are never part of a name: function words (capitalised at the start of a sentence),
# honorifics and roles, kinship and collective nouns, days and months, nouns that follow a name or an honorific
# in ordinary sentences ("Frau Mitte 50", "Paul Bescheid sagen", "Maria Himmelfahrt") and abbreviations ("St.").
_STOP_WORDS = frozenset(
    """
    Der Die Das Den Dem Des Ein Eine Einer Einem Einen Eines Kein Keine Keinen Und Oder Aber Doch Denn Sondern
    Sie Ihr Ihre Ihrem Ihren Ihrer Ihnen Er Es Wir Ich Du Mir Mich Uns Man Mein Meine Meinem Meinen Meiner
    Unser Unsere Unserem Unseren Dein Deine Sein Seine Euer Eure Dies Diese Dieser Dieses Diesen Jene Alle
    Jeder Jede Jedes Viele Vielen Einige Manche Mit Von Vom Zum Zur Im In Am An Auf Aus Bei Beim Nach Für
    Über Unter Vor Hinter Neben Zwischen Seit Ohne Gegen Um Bis Durch Wegen Trotz Laut Wie Was Wo Wer Wen
    Wem Warum Wieso Weshalb Wann Woher Wohin Welche Welcher Welches Ist Sind War Waren Hat Haben Hatte Wird
    Werden Wurde Kann Können Muss Müssen Soll Sollen Darf Will Möchte Bitte Danke Dank Hallo Liebe Lieber
    Liebes Sehr Geehrte Geehrter Herzliche Herzlichen Freundliche Freundlichen Beste Besten Schöne Gruß Grüße
    Grüßen Gruss Grüsse Nicht Nur Auch Noch Schon Jetzt Heute Gestern Morgen Leider Also Dann Da Dort Hier So
    Ja Nein Nie Immer Oft Sonst Trotzdem Deshalb Daher Außerdem Zudem Bereits Erst Endlich Wieder Damit Dass
    Ob Wenn Als Weil Obwohl Falls Sowie Gerne Gern Vielleicht Seitdem Insgesamt Ansonsten Ach Oh Okay Ok
    Frau Herr Herrn Familie Eheleute Ehepaar Doktor Professor Professorin Dame Damen Herren Frauen Mann Männer
    Kind Kinder Sohn Tochter Mutter Vater Oma Opa Mama Papa Eltern Enkel Enkelin Bruder Schwester Nachbar
    Nachbarin Nachbarn Kollege Kollegin Kollegen Bürgermeister Bürgermeisterin Oberbürgermeister
    Oberbürgermeisterin Stadtrat Stadträtin Pfarrer Pfarrerin Pastorin Sachbearbeiter Sachbearbeiterin
    Mitarbeiter Mitarbeiterin Mitarbeitende Hausmeister Hausmeisterin Vermieter Vermieterin Direktor Direktorin
    Präsident Präsidentin Minister Ministerin Landrat Landrätin Dezernent Dezernentin Vorsitzende Vorsitzender
    Abgeordnete Abgeordneter Ober Anwohner Anwohnerin Bürger Bürgerin Mieter Mieterin Team Verein Vorstand
    Anfang Mitte Ende Montag Dienstag Mittwoch Donnerstag Freitag Samstag Sonnabend Sonntag Wochenende Januar
    Jänner Februar März April Mai Juni Juli August September Oktober November Dezember Jahr Jahre Jahren
    Monat Monate Woche Wochen Tag Tage Tagen Uhr Bescheid Recht Unrecht Geburtstag Himmelfahrt Hilf
    Normalverbraucher Deutsch Englisch Türkisch Name Namen Vorname Nachname Familienname Adresse Anschrift
    St Dr Nr Fr Hr Prof Str Mag Ing Dipl Fam Geb Tel Bzw Ca Inkl Evtl Ggf Usw Vgl Mo Di Mi Do Sa So
    """.split()
)
# Kinds of place, institution, organisation or event: a capitalised word of this kind after a name makes the
# name part of a place's or event's name ("Heinrich Heine Gymnasium", "Karl May Festspiele"), and in a signature
# it is an organisation ("Ihr Bürgerverein Nordstadt"). Whole words; the long ones also end compounds.
_HEADS = frozenset(
    "haus hof bad dom tor turm heim werk werke amt rat bund club klub team kreis markt park saal tage fest "
    "bühne ufer weg ring damm platz gasse allee straße str. strasse preis lauf kita gmbh".split()
)
_LONG_HEADS = (
    "schule", "gymnasium", "kolleg", "akademie", "universität", "hochschule", "institut", "kindergarten",
    "straße", "strasse", "platz", "allee", "brücke", "halle", "stift", "kirche", "kapelle", "klinik",
    "klinikum", "krankenhaus", "hospital", "apotheke", "bibliothek", "bücherei", "museum", "theater", "stadion",
    "arena", "zentrum", "center", "denkmal", "brunnen", "siedlung", "viertel", "quartier", "kaserne", "bahnhof",
    "festspiele", "festival", "woche", "nacht", "ausstellung", "lesung", "konzert", "verein", "verband",
    "stiftung", "gesellschaft", "initiative", "beirat", "vertretung", "gemeinschaft", "gruppe", "anlage",
)  # fmt: skip


def _is_first_name(word: str) -> bool:
    return all(part in FIRST_NAMES for part in word.split("-"))


def _is_head(word: str) -> bool:
    lower = word.lower()
    return lower in _HEADS or lower.endswith(_LONG_HEADS)


class _Tok(NamedTuple):
    start: int
    end: int
    text: str
    kind: str  # "word" (capitalised, not a stop word), "initial" ("A.", "H.-J."), "particle" ("van der")


def _tokens(text: str, pos: int, limit: int = 6) -> list[_Tok]:
    """Up to ``limit`` name-like tokens from ``pos``, separated by one or two spaces; a stop word ends them."""
    tokens: list[_Tok] = []
    while len(tokens) < limit:
        if match := _NAME_WORD.match(text, pos):
            if match.group() in _STOP_WORDS:
                break
            kind = "word"
        elif match := _INITIAL.match(text, pos):
            kind = "initial"
        elif match := _PARTICLE.match(text, pos):
            kind = "particle"
        else:
            break
        tokens.append(_Tok(match.start(), match.end(), match.group(), kind))
        gap = _GAP.match(text, match.end())
        if gap is None:
            break
        pos = gap.end()
    return tokens


def _family_name_ok(word: str) -> bool:
    parts = word.split("-")
    return not any(part in _STOP_WORDS or (k and _is_head(part)) for k, part in enumerate(parts))


def _person(tokens: list[_Tok], particles: bool = True) -> int:
    """How many of ``tokens`` form one person's name: given names or initials (at most three, each followed by
    more of the name), then the family name, possibly with its particle ("Anna von Bredow"). 0: no name."""
    n = len(tokens)
    k = 0
    while k + 1 < n and k < 3 and _is_given(tokens[k]):
        k += 1
    if k >= n:
        return 0
    if tokens[k].kind == "particle":
        if not particles or k + 1 >= n or tokens[k + 1].kind != "word":
            return 0
        k += 1
    if tokens[k].kind == "word" and _family_name_ok(tokens[k].text) and not (k and _is_head(tokens[k].text)):
        return k + 1
    if k and tokens[k - 1].kind == "word":
        # "Anna S."; in "Anne Frank Schule" the institution is no family name, "Frank" is (and the first-name
        # rule then sees the institution after the name). "M." alone is nothing.
        return k + 1 if tokens[k].kind == "initial" else k
    return 0


def _is_given(token: _Tok) -> bool:
    return token.kind == "initial" or (token.kind == "word" and _is_first_name(token.text))


# --------------------------------------------------------------------------------------------------------------
# Names
# --------------------------------------------------------------------------------------------------------------

_ROLES = (
    "(?:Ober)?[Bb]ürgermeister(?:in)?|Pfarrer(?:in)?|Pastor(?:in)?|Sachbearbeiter(?:in)?|Stadtrat|Stadträtin|"
    "Nachbar(?:in)?|Kolleg(?:e|in)|Hausmeister(?:in)?|Vermieter(?:in)?|Dezernent(?:in)?|Amtsleiter(?:in)?|"
    "Bademeister(?:in)?|Hebamme"
)
_TITLES = (
    "Dr\\.|Prof\\.|Dipl\\.-[A-Za-zäöü]{2,8}+\\.?|Mag\\.|Ing\\.|med\\.|rer\\. ?nat\\.|phil\\.|jur\\.|dent\\.|"
    f"h\\. ?c\\.|Doktor|Professor(?:in)?|{_ROLES}"
)
# An honorific or title, more titles or roles (at most four), then where the name would begin.
_HONORIFIC = re.compile(
    f"(?<![\\w.-])(?P<trigger>Frau|Herrn?|Fr\\.|Hr\\.|Familie|Fam\\.|Eheleute|Ehepaar|Geschwister|Dr\\.|Prof\\.|"
    f"(?P<role>{_ROLES}))(?:{_SP}{{1,2}}+(?:{_TITLES})(?![\\w-])){{0,4}}+{_SP}{{1,2}}+"
)
_ARTICLE_BEFORE = re.compile(
    f"(?i:\\b(?:der|die|den|dem|des|ein|eine|einer|einem|einen|eines|diese[rnms]?|unsere?[rnm]?){_SP}+)\\Z"
)
_WEEKDAY_RANGE_BEFORE = re.compile(r"(?:-|–|\bbis)\s*\Z")  # "Mo.-Fr.", "Mo bis Fr." is Friday, not Frau


def _honorific_names(text: str) -> list[_Span]:
    spans: list[_Span] = []
    for match in _HONORIFIC.finditer(text):
        before = text[max(0, match.start() - 16) : match.start()]
        if match.group("trigger") == "Fr." and _WEEKDAY_RANGE_BEFORE.search(before):
            continue
        tokens = _tokens(text, match.end())
        # "der Herr von der Hotline": after an article, "von der" is where he is from, not his name
        count = _person(tokens, particles=not _ARTICLE_BEFORE.search(before))
        if not count:
            continue
        if (
            match.group("role")
            and match.start("role") == match.start()
            and _continues_capitalised(text, tokens[count - 1].end)
        ):
            continue  # "Bürgermeister Wahl Ergebnis": a role alone is a weaker trigger than "Frau"
        spans.append(_Span(tokens[0].start, tokens[count - 1].end, NAME_PLACEHOLDER))
    return spans


def _continues_capitalised(text: str, pos: int) -> bool:
    """Whether a capitalised word follows, or something already found: a placeholder when the text has been
    redacted before, masked text while it is redacted. Both must decide alike, so that redacting twice changes
    nothing."""
    gap = _GAP.match(text, pos)
    return gap is not None and (_NAME_WORD.match(text, gap.end()) is not None or text.startswith(_FOUND, gap.end()))


_FOUND = ("[", _MASK)


# Greetings that a signature follows. The short forms only at the start of a line or a sentence: "VG" is also
# the administrative court ("Klage beim VG Musterstadt").
_GREETING = re.compile(
    r"(?<![\w-])(?:Gr(?:ü|ue|u)(?:ß|ss)(?:en|e|le)?|Hochachtungsvoll|"
    r"(?:(?<![^\n.!?)])|(?<=[.!?)] ))(?:MfG|mfg|MFG|LG|Lg|lg|VG|Vg|vg))(?![\w-])"
)
_AFTER_GREETING = re.compile(r"[ \t]*+[,.!:;–-]?[ \t]*+")
_SIGNATURE_LEAD = re.compile(
    f"(?:(?:Ihr|Ihre|Euer|Eure|Dein|Deine){_SP}{{1,2}}+)?(?:(?:Familie|Fam\\.|Frau|Herr|{_TITLES}){_SP}{{1,2}}+){{0,3}}+"
)
_PERSON_JOIN = re.compile(f"(?:,{_SP}{{1,2}}+|{_SP}{{1,2}}+(?:und|&|u\\.){_SP}{{1,2}}+)")
_LINE_END = re.compile(r"[ \t]*+[.!]?[ \t]*+(?:\n|\Z)")
_LINE_END_OR_BRACKET = re.compile(r"[ \t]*+(?:[.!]?[ \t]*+(?:\n|\Z)|\()")


def _signature_persons(text: str, pos: int, line_end: re.Pattern[str]) -> list[_Span]:
    """The persons of a signature at ``pos`` ("Anna Schmidt", "Renate und Horst Berger", "Carla, Finn und Ida"),
    only if they fill the rest of the line. Organisations ("Ihr Bürgerverein Nordstadt") are no persons."""
    spans: list[_Span] = []
    if lead := _SIGNATURE_LEAD.match(text, pos):
        pos = lead.end()
    for _ in range(4):
        tokens = _tokens(text, pos, limit=5)
        count = _person(tokens)
        if not count or any(_is_head(token.text) for token in tokens[:count]):
            return []
        end = tokens[count - 1].end
        spans.append(_Span(tokens[0].start, end, NAME_PLACEHOLDER))
        if line_end.match(text, end):
            return spans
        join = _PERSON_JOIN.match(text, end)
        if join is None:
            return []
        pos = join.end()
    return []


_GREETING_HINT = re.compile("Gr|MfG|mfg|MFG|LG|Lg|lg|VG|Vg|vg|Hochachtungsvoll")  # a literal scan, cheaper


def _signature_names(text: str) -> list[_Span]:
    if not _GREETING_HINT.search(text):
        return []
    spans: list[_Span] = []
    for greeting in _GREETING.finditer(text):
        after = _AFTER_GREETING.match(text, greeting.end())
        start = after.end() if after else greeting.end()
        if text.startswith(_FOUND, start):
            continue  # already found ("MfG [Name entfernt]"): the next line is not the signature
        if found := _signature_persons(text, start, _LINE_END_OR_BRACKET):  # "Gruß, Max", "MfG Anna Schmidt"
            spans.extend(found)
            continue
        newline = text.find("\n", start, start + 120)
        rest_end = newline if newline >= 0 else min(len(text), start + 120)
        comma = text.rfind(", ", start, rest_end)
        if comma >= 0 and (found := _signature_persons(text, comma + 2, _LINE_END)):  # "Gruß aus X, Ralf Ebert"
            spans.extend(found)
            continue
        if newline >= 0:  # the greeting ends its line, the name is alone on the next (after one blank line)
            line = newline + 1
            if text.startswith("\n", line):
                line += 1
            while text.startswith((" ", "\t"), line):
                line += 1
            spans.extend(_signature_persons(text, line, _LINE_END))
    return spans


# Words after which a name follows: "Mein Name ist Anna Schmidt", "Name: Schmidt, Anna", "Ich heiße Leonie".
_NAME_KEYWORD = re.compile(
    r"(?<![\w-])(?:[Mm]ein [Nn]ame ist|[Ii]ch heiße|(?:Vor|Nach|Familien|Geburts|Mädchen)?[Nn]ame ?:|"
    r"Antragsteller(?:in)? ?:|Absender(?:in)? ?:|Ansprechpartner(?:in)? ?:|Kontaktperson ?:|"
    r"Unterzeichner(?:in)? ?:)[ \t\u00a0]{0,3}+"
)
_COMMA = re.compile(f",{_SP}{{1,2}}+")


def _keyword_names(text: str) -> list[_Span]:
    spans: list[_Span] = []
    for keyword in _NAME_KEYWORD.finditer(text):
        tokens = _tokens(text, keyword.end(), limit=5)
        count = _person(tokens)
        if not count:
            continue
        end = tokens[count - 1].end
        comma = _COMMA.match(text, end)  # "Schmidt, Anna"
        if count == 1 and comma and (given := _NAME_WORD.match(text, comma.end())) and _is_first_name(given.group()):
            end = given.end()
        spans.append(_Span(tokens[0].start, end, NAME_PLACEHOLDER))
    return spans


# A birth name: "Anna Schmidt, geb. Krämer" (with a date, "geb." is a date of birth instead).
_BIRTH_NAME = re.compile(f"(?<![\\w-])geb\\.{_SP}{{1,2}}+(?=[{_UP}])")


def _birth_names(text: str) -> list[_Span]:
    if "geb." not in text:
        return []
    spans: list[_Span] = []
    for match in _BIRTH_NAME.finditer(text):
        tokens = _tokens(text, match.end(), limit=2)
        if tokens and tokens[0].kind in ("word", "particle"):
            count = 2 if tokens[0].kind == "particle" and len(tokens) == 2 else 1
            if tokens[count - 1].kind == "word":
                spans.append(_Span(tokens[0].start, tokens[count - 1].end, NAME_PLACEHOLDER))
    return spans


# A first name from the list followed by a capitalised word (or a particle): "Anna Schmidt", "Ursula von Bredow".
_FIRST_NAME_CANDIDATE = re.compile(f"(?<![\\w'’.-]){_WORD}(?={_SP}{{1,2}}+(?:[{_UP}]|(?:{_PARTICLES}){_SP}))")
_SAINT_BEFORE = re.compile(f"(?:\\bSt\\.|\\bSankt|\\bHl\\.|\\bHeiligen?){_SP}{{1,2}}\\Z")


def _first_name_names(text: str) -> list[_Span]:
    spans: list[_Span] = []
    last_end = 0
    for candidate in _FIRST_NAME_CANDIDATE.finditer(text):
        if candidate.start() < last_end or not _is_first_name(candidate.group()):
            continue
        if _SAINT_BEFORE.search(text, max(0, candidate.start() - 10), candidate.start()):
            continue  # "Sankt Martin", "St. Georg Krankenhaus"
        tokens = _tokens(text, candidate.start())
        count = _person(tokens)
        if count < 2:
            continue
        if count < len(tokens) and tokens[count].kind == "word" and _is_head(tokens[count].text):
            continue  # "Heinrich Heine Gymnasium", "Otto Hahn Straße", "Karl May Festspiele"
        spans.append(_Span(tokens[0].start, tokens[count - 1].end, NAME_PLACEHOLDER))
        last_end = tokens[count - 1].end
    return spans


# A first name alone counts where it is listed with other persons: "Helga und Werner Brückner", "Tobias und
# Lena". Two first names are enough; one before a name found by the other rules too.
_LISTED_FIRST_NAME = re.compile(f"(?<![\\w'’.-]){_WORD}(?=(?:,|{_SP}(?:und|&)){_SP})")
_LIST_JOIN = re.compile(f"(?:,|{_SP}(?:und|&)){_SP}")


def _listed_first_names(text: str, found: list[_Span]) -> list[_Span]:
    starts = {span.start for span in found}
    spans: list[_Span] = []
    for match in _LISTED_FIRST_NAME.finditer(text):
        if not _is_first_name(match.group()) or _SAINT_BEFORE.search(text, max(0, match.start() - 10), match.start()):
            continue
        join = _LIST_JOIN.match(text, match.end())
        if join is None:
            continue
        if join.end() in starts:
            spans.append(_Span(match.start(), match.end(), NAME_PLACEHOLDER))
            continue
        other = _NAME_WORD.match(text, join.end())
        if other is None or not _is_first_name(other.group()):
            continue
        following = _GAP.match(text, other.end())
        if following and (word := _NAME_WORD.match(text, following.end())):
            if _is_head(word.group()) or word.group() not in _STOP_WORDS:
                continue  # "Max und Moritz Spielplatz"; "Anna und Max Schmidt" is found by the other rules
        spans.append(_Span(match.start(), match.end(), NAME_PLACEHOLDER))
        spans.append(_Span(other.start(), other.end(), NAME_PLACEHOLDER))
    return spans


class _KeepIndex(NamedTuple):
    names: frozenset[tuple[str, ...]]  # every run of consecutive words of every name, casefolded


_NO_KEEP = _KeepIndex(frozenset())


@functools.lru_cache(maxsize=32)
def _keep_index(keep_names: frozenset[str]) -> _KeepIndex:
    """Runs of consecutive words of the names to keep, also with given names as initials: "Petra Schulz" keeps
    "Petra Schulz", "Schulz", "Petra" and "P. Schulz"."""
    runs: set[tuple[str, ...]] = set()
    for name in keep_names:
        words = tuple(normalise_text(name).casefold().split())
        for i in range(len(words)):
            for j in range(i + 1, len(words) + 1):
                run = words[i:j]
                runs.add(run)
                if len(run) > 1:
                    runs.add(tuple(w[0] + "." for w in run[:-1]) + run[-1:])
    return _KeepIndex(frozenset(runs))


def _find_names(text: str, keep: _KeepIndex = _NO_KEEP) -> list[_Span]:
    found = _honorific_names(text) + _signature_names(text) + _keyword_names(text) + _birth_names(text)
    found += _first_name_names(text)
    found += _listed_first_names(text, found)
    if keep.names:
        found = [span for span in found if tuple(text[span.start : span.end].casefold().split()) not in keep.names]
    return _merge(found)


def _merge(spans: list[_Span]) -> list[_Span]:
    """Overlapping spans of one kind as one: two rules often find the same name ("Frau Anna Schmidt")."""
    merged: list[_Span] = []
    for span in sorted(spans):
        if merged and span.start < merged[-1].end:
            last = merged[-1]
            merged[-1] = _Span(last.start, max(last.end, span.end), last.placeholder)
        else:
            merged.append(span)
    return merged


# --------------------------------------------------------------------------------------------------------------
# Addresses: street and house number, postcode and town
# --------------------------------------------------------------------------------------------------------------

# Street names end in one of these ("Lindenweg", "Hauptstr.") or are one of them after an adjective or a
# person's name ("Berliner Straße", "Albert Schweitzer Straße").
_STREET_SUFFIXES = (
    "straße strasse weg gasse allee platz ring damm ufer chaussee pfad steig stieg graben wall kamp anger zeile "
    "promenade höhe winkel twiete brink redder deich markt steg reihe".split()
)
_STREET_END = "|".join(f"(?<={s})|(?<={s.capitalize()})" for s in _STREET_SUFFIXES)
# Compound nouns with those endings that are no street: "Parkplatz 3", "Bahnsteig 2", "Wochenmarkt".
_NOT_STREETS = frozenset(
    """
    parkplatz stellplatz spielplatz sportplatz sitzplatz arbeitsplatz bolzplatz campingplatz kitaplatz kita-platz
    krippenplatz studienplatz ausbildungsplatz pflegeplatz heimplatz abstellplatz liegeplatz marktplatz-parkplatz
    bahnsteig radweg gehweg fußweg schulweg umweg rückweg heimweg hinweg fahrweg wanderweg rechtsweg bildungsweg
    dienstweg lösungsweg supermarkt wochenmarkt flohmarkt weihnachtsmarkt arbeitsmarkt baumarkt getränkemarkt
    drogeriemarkt wohnungsmarkt bauernmarkt biomarkt ohrring boxring schlüsselring staudamm augenhöhe
    deckenhöhe durchfahrtshöhe meereshöhe blickwinkel bundesstraße landesstraße kreisstraße staatsstraße
    einbahnstraße spielstraße fahrradstraße sackgasse seitenstraße nebenstraße umgehungsstraße wohnstraße
    durchgangsstraße zufahrtsstraße hauptverkehrsstraße warteschlangenreihe sitzreihe
    """.split()
)
# Adjectives that begin the names of streets whose last word is a compound ("Alte Poststraße").
_STREET_ADJECTIVES = frozenset(
    "Alte Alter Altes Neue Neuer Neues Lange Langer Hohe Hoher Obere Oberer Untere Unterer Große Großer Kleine "
    "Kleiner Breite Breiter Kurze Kurzer Hintere Vordere Mittlere Innere Äußere Sankt St.".split()
)
_STREET_PREPOSITIONS = (
    "Am|Im|Zum|Zur|Beim|An der|An den|An dem|In der|In den|Auf dem|Auf der|Auf den|Hinter der|Hinter dem|"
    "Hinter den|Unter den|Unter der|Unter dem|Vor dem|Vor der|Vor den|Über der|Über dem|Bei der|Bei den|"
    "Zwischen den"
)
# Nouns after a capitalised preposition that make it a time or a thing, not a street: "Am Montag 3 Termine".
_NOT_STREET_NOUNS = _STOP_WORDS | frozenset(
    "Abend Morgen Mittag Vormittag Nachmittag Wochenende Feiertag Schalter Telefon Eingang Ausgang Gleis "
    "Bahnsteig Stand Ort Ziel Start Termin Automaten Automat Fenster Schnitt Durchschnitt Moment Prinzip "
    "Vergleich Rahmen Zuge Laufe Sommer Winter Herbst Frühling Frühjahr Bereich Zeitraum Computer Handy "
    "Internet Portal Formular Schritt Kapitel Seite Zimmer Raum Stock Erdgeschoss Obergeschoss".split()
)
_W = f"[{_UP}][{_LO}]{{1,30}}+(?:-[{_UP}][{_LO}]{{1,30}}+){{0,3}}+"
_HOUSE_NUMBER = (
    f"(?P<number>[1-9]\\d{{0,2}}+(?:{_SP}?[a-hA-H](?!\\w))?"
    f"(?:{_SP}?[-–/]{_SP}?[1-9]\\d{{0,2}}+(?:[a-hA-H](?!\\w))?)?)(?![\\w.,:]\\d|\\w)"
)
_STREET = re.compile(
    f"(?<![\\w.-])(?:"
    f"(?P<prep>(?:{_STREET_PREPOSITIONS}){_SP}(?P<pnoun>{_W})(?:{_SP}{_W})?)"
    f"|(?P<of>(?:Straße|Platz|Allee|Ring|Weg|Brücke|Ufer|Markt|Park){_SP}(?:des|der|vom|zum|zur|am){_SP}"
    f"(?:\\d{{1,2}}\\.{_SP})?{_W}(?:{_SP}{_W})?)"
    f"|(?P<prefix>(?:{_W}{_SP}){{0,2}})(?P<core>[{_UP}][{_UP}{_LO}-]{{1,45}}+(?:(?<=str|Str)\\.?|{_STREET_END}))"
    f"){_SP}{{1,2}}(?:Nr\\.{_SP}?)?{_HOUSE_NUMBER}"
)
# What may follow a house number; a capitalised word or a unit makes the number a count ("Hauptstraße 3
# Wochen gesperrt", "Am Markt 2 Stunden gesucht", "Lindenstraße 2 Minuten").
_AFTER_NUMBER_WORD = re.compile(f"{_SP}{{0,2}}+(?P<word>[\\w%€°\\[{_MASK}]+)")
_UNITS_AFTER_NUMBER = frozenset(
    "uhr min minuten mal x m km cm meter kilometer jahr jahre jahren tag tage tagen woche wochen monat monate "
    "monaten prozent euro eur grad h std stunde stunden stück bis % € ° qm".split()
)
_PARTS_OF_ADDRESS = frozenset("Hinterhaus Vorderhaus Seitenflügel Gartenhaus Erdgeschoss EG OG UG DG".split())


def _street_span(text: str, match: re.Match[str]) -> _Span | None:
    after = _AFTER_NUMBER_WORD.match(text, match.end())
    if after:
        word = after.group("word")
        if word.lower() in _UNITS_AFTER_NUMBER or (
            (word[0].isupper() or word.startswith(_FOUND)) and word not in _PARTS_OF_ADDRESS
        ):
            return None
    if match.group("prep") is not None:
        noun = match.group("pnoun")
        if noun in _NOT_STREET_NOUNS:
            return None
        lower = noun.lower()
        if lower not in _STREET_SUFFIXES and lower.endswith(tuple(_STREET_SUFFIXES)):
            return _Span(match.start("pnoun"), match.end(), ADDRESS_PLACEHOLDER)  # "In der Hauptstraße 5"
        return _Span(match.start(), match.end(), ADDRESS_PLACEHOLDER)  # "Am Markt 3", "Unter den Eichen 5"
    if match.group("of") is not None:
        return _Span(match.start(), match.end(), ADDRESS_PLACEHOLDER)  # "Straße des 17. Juni 101"
    core = match.group("core")
    lower = core.lower().rstrip(".")
    if lower in _NOT_STREETS:
        return None
    words = match.group("prefix").split()
    start = match.start("core")
    if lower in _STREET_SUFFIXES or lower == "str":
        # "Straße 1" alone is no address; the words before it name the street ("Berliner Straße 120")
        while words and words[0] in _STOP_WORDS:
            words.pop(0)
        if not words:
            return None
        start = match.end("prefix") - len(" ".join(words)) - 1
    elif words and (words[-1] in _STREET_ADJECTIVES or (words[-1].endswith("er") and words[-1] not in _STOP_WORDS)):
        start = match.end("prefix") - len(words[-1]) - 1  # "Alte Poststraße 23", "Frankfurter Landstraße 5"
    return _Span(start, match.end(), ADDRESS_PLACEHOLDER)


_NONZERO_DIGIT = re.compile("[1-9]")


def _find_street_addresses(text: str) -> list[_Span]:
    if not _NONZERO_DIGIT.search(text):  # a house number
        return []
    spans: list[_Span] = []
    position = 0
    while match := _STREET.search(text, position):
        span = _street_span(text, match)
        if span is None:
            position = match.start() + 1
        else:
            spans.append(span)
            position = span.end
    return spans


# "12345 Musterstadt", "D-12345 Musterstadt-Nord", "60311 Frankfurt am Main", "06108 Halle (Saale)".
# Not inside a chain of digit groups ("0171 2345678 (12345"): the phone rules judge such a chain as a whole.
_POSTCODE_TOWN = re.compile(
    f"(?<![\\w.,/-])(?<!\\d[ \u00a0(])(?<!\\d[ \u00a0][ \u00a0(])"
    f"(?:DE?[- \u00a0])?(?P<postcode>\\d{{5}})(?![\\w.,:/-]?\\d){_SP}{{1,2}}+"
    f"(?P<town>(?:(?:Bad|St\\.|Sankt){_SP})?{_W}"
    f"(?:{_SP}(?:am|an der|an dem|im|in der|ob der|bei|unter|vor der|a\\. ?d\\.|a\\. ?M\\.|i\\. ?Br\\.){_SP}{_W})?"
    f"(?:{_SP}\\({_W}\\))?)(?![\\w'’-])"
)
# A postcode stands where an address stands: at the start of a line, after a comma or colon, or after "in",
# "aus", "wohnhaft" and the like. Counts stand elsewhere ("Musterstadt hat über 85000 Einwohner").
_POSTCODE_CONTEXT = re.compile(
    f"(?:^|[\\n,;:(]|\\b(?:in|aus|nach|bei|wohnhaft|wohne|PLZ|Postleitzahl|Ort|Wohnort|Anschrift|Adresse)){_SP}*+\\Z"
)
_COUNT_NOUNS = frozenset(
    "Einwohner Einwohnerinnen Besucher Besucherinnen Unterschriften Tonnen Euro Haushalte Menschen Stimmen "
    "Bürger Fahrgäste Kinder Autos Fahrzeuge Exemplare Stück Meter Kilometer Liter Mitglieder Teilnehmer "
    "Beschäftigte Mitarbeiter Arbeitsplätze Wohnungen Plätze Bäume Kilowattstunden Quadratmeter Schritte "
    "Stunden Minuten Tage Jahre Follower Anträge Fälle Seiten Zeichen Personen Leute Nutzer Klicks Aufrufe".split()
)


_FIVE_DIGITS = re.compile(r"\d{5}")


def _find_postcode_towns(text: str) -> list[_Span]:
    if not _FIVE_DIGITS.search(text):
        return []
    spans: list[_Span] = []
    for match in _POSTCODE_TOWN.finditer(text):
        if match.group("postcode").startswith("00") or match.group("town").split()[0] in _COUNT_NOUNS:
            continue
        if not _POSTCODE_CONTEXT.search(text, max(0, match.start() - 16), match.start()):
            continue
        spans.append(_Span(match.start(), match.end(), ADDRESS_PLACEHOLDER))
    return spans


# --------------------------------------------------------------------------------------------------------------
# Dates of birth (only next to their keywords)
# --------------------------------------------------------------------------------------------------------------

_MONTH_NAMES = (
    "Januar|Jänner|Februar|März|April|Mai|Juni|Juli|August|September|Oktober|November|Dezember|Jan\\.|Feb\\.|"
    "Mär\\.|Apr\\.|Jun\\.|Jul\\.|Aug\\.|Sep\\.|Sept\\.|Okt\\.|Nov\\.|Dez\\."
)
_DAY = "(?:0?[1-9]|[12]\\d|3[01])"
_MONTH = "(?:0?[1-9]|1[0-2])"
_DATE = re.compile(
    f"(?<![\\d.])(?:{_DAY}\\.{_SP}?{_MONTH}\\.{_SP}?(?:\\d{{4}}|\\d{{2}})(?![\\d])"
    f"|{_DAY}\\.{_SP}?(?:{_MONTH_NAMES})(?:{_SP}\\d{{4}}(?!\\d))?(?![\\w])"
    f"|(?:19|20)\\d\\d-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12]\\d|3[01])(?!\\d)"
    f"|{_DAY}\\.{_SP}?{_MONTH}\\.(?![\\d]))"
)
_BIRTH_KEYWORD = re.compile(
    r"(?<![\w-])(?:geb\.|Geb\.(?=[ \u00a0]?\d)|[Gg]eboren|Geburtsdatum|Geb\.-Datum|Geb\.-Dat\.|Geburtsdat\.|"
    r"Geburtstag)(?![\w-])"
)
# Between a keyword and its date: no end of a sentence, and no placeholder ("geb. [Geburtsdatum entfernt],
# Bescheid vom 3. März": the next date is not a second date of birth; redacting twice changes nothing).
_NOT_BETWEEN = re.compile(f"[!?\\]]|\\.{_SP}+[{_UP}]")
_BIRTH_WINDOW = 48  # characters after a keyword in which its date must stand, on the same line and sentence


_DATE_BEFORE_BORN = re.compile(f"(?:{_DATE.pattern})\\)?{_SP}{{1,2}}\\Z")
_BORN = re.compile(r"(?<![\w-])geboren\b")


def _find_birth_dates(text: str) -> list[_Span]:
    if "eb" not in text:  # every keyword has it: "geb.", "geboren", "Geburtsdatum"
        return []
    spans: list[_Span] = []
    for keyword in _BIRTH_KEYWORD.finditer(text):
        end = keyword.end()
        # the longest date is 18 characters: search a little beyond the window, so no date is cut at its edge
        newline = text.find("\n", end, end + _BIRTH_WINDOW + 18)
        search_end = newline if newline >= 0 else min(len(text), end + _BIRTH_WINDOW + 18)
        date = _DATE.search(text, end, search_end)
        if date and date.start() - end <= _BIRTH_WINDOW and not _NOT_BETWEEN.search(text, end, date.start()):
            spans.append(_Span(date.start(), date.end(), BIRTH_DATE_PLACEHOLDER))
    for born in _BORN.finditer(text):  # "Unser Sohn ist am 12.04.2022 geboren": the keyword after the date
        if date := _DATE_BEFORE_BORN.search(text, max(0, born.start() - 24), born.start()):
            end = date.start() + len(date.group().rstrip(") \u00a0"))
            spans.append(_Span(date.start(), end, BIRTH_DATE_PLACEHOLDER))
    return _merge(spans)


# --------------------------------------------------------------------------------------------------------------
# Public functions
# --------------------------------------------------------------------------------------------------------------

# In this order: an address may contain digits, an IBAN contains digit runs, a Steuernummer and the number after
# "Tel." are decided by their keyword before the general number rules look at what is left.
_NUMBER_FINDERS: tuple[_Finder, ...] = (
    _find_emails,
    _find_ibans,
    _find_tax_numbers,
    _find_keyword_phones,
    _find_number_chains,
)
_CANDIDATE = re.compile(r"[\d@]|(?i:\b(?:at|ät|aet|et)\b)")
# After the numbers, in this order: a date of birth and a house number are digits that the address and name
# rules must not see; street names are masked before the name rules, so that "Karl-Marx-Straße 44" is no person.
_TEXT_FINDERS: tuple[_Finder, ...] = (_find_birth_dates, _find_street_addresses, _find_postcode_towns)

KINDS = ("email", "phone", "iban", "card", "tax_id", "tax_number", "name", "address", "birth_date")
PLACEHOLDERS: dict[str, str] = {
    "email": EMAIL_PLACEHOLDER,
    "phone": PHONE_PLACEHOLDER,
    "iban": IBAN_PLACEHOLDER,
    "card": CARD_PLACEHOLDER,
    "tax_id": TAX_ID_PLACEHOLDER,
    "tax_number": TAX_NUMBER_PLACEHOLDER,
    "name": NAME_PLACEHOLDER,
    "address": ADDRESS_PLACEHOLDER,
    "birth_date": BIRTH_DATE_PLACEHOLDER,
}
_KIND_OF = {placeholder: kind for kind, placeholder in PLACEHOLDERS.items()}


class Finding(NamedTuple):
    start: int  # in normalise_text(text)
    end: int
    kind: str  # one of KINDS


def _find(text: str, keep_names: Collection[str]) -> list[_Span]:
    keep = _keep_index(frozenset(keep_names)) if keep_names else _NO_KEEP
    finders = (*(_NUMBER_FINDERS if _CANDIDATE.search(text) else ()), *_TEXT_FINDERS)
    found: list[_Span] = []
    scanned = text  # what later finders see: earlier finds masked out, offsets unchanged
    for finder in finders:
        spans = finder(scanned)
        if spans:
            found.extend(span for span in spans if span.placeholder is not None)
            scanned = _mask(scanned, spans)
    found.extend(_find_names(scanned, keep))
    return sorted(found)


def find_personal_data(text: str, *, keep_names: Collection[str] = frozenset()) -> list[Finding]:
    """What ``redact`` replaces, in order, as spans of ``normalise_text(text)`` with their kind."""
    return [Finding(s.start, s.end, _KIND_OF[s.placeholder or ""]) for s in _find(normalise_text(text), keep_names)]


def redact(text: str, *, keep_names: Collection[str] = frozenset()) -> str:
    """``text`` normalised (see ``normalise_text``), with personal data replaced by typed placeholders such as
    "[IBAN entfernt]" or "[Name entfernt]" (``PLACEHOLDERS``).

    ``keep_names``: names that stay, e.g. the city's staff from the org model where the city wants them named
    in comments ("Frau Schmidt vom Bürgeramt war sehr hilfsbereit"). Give full names ("Petra Schulz"); a name
    found in the text stays when its words are consecutive words of one of them, case-insensitively, given
    names also as initials: "Petra Schulz" keeps "Petra Schulz", "Schulz", "Petra" and "P. Schulz". So a
    citizen who shares a staff member's family name and is named by it alone stays too. Pass a frozenset
    that lives as long as the org model: its index is cached per set.
    """
    text = normalise_text(text)
    found = _find(text, keep_names)
    if not found:
        return text
    pieces: list[str] = []
    position = 0
    for span in found:
        pieces.append(text[position : span.start])
        pieces.append(span.placeholder or "")
        position = span.end
    pieces.append(text[position:])
    return "".join(pieces)
