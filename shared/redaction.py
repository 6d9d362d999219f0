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
the length of the text. ``bench/redaction.py`` measures this on hostile inputs.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Callable
from typing import NamedTuple

EMAIL_PLACEHOLDER = "[E-Mail entfernt]"
PHONE_PLACEHOLDER = "[Telefonnummer entfernt]"
IBAN_PLACEHOLDER = "[IBAN entfernt]"
CARD_PLACEHOLDER = "[Kartennummer entfernt]"
TAX_ID_PLACEHOLDER = "[Steuer-ID entfernt]"
TAX_NUMBER_PLACEHOLDER = "[Steuernummer entfernt]"

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
# Public function
# --------------------------------------------------------------------------------------------------------------

# In this order: an address may contain digits, an IBAN contains digit runs, a Steuernummer and the number after
# "Tel." are decided by their keyword before the general number rules look at what is left.
_FINDERS: tuple[_Finder, ...] = (
    _find_emails,
    _find_ibans,
    _find_tax_numbers,
    _find_keyword_phones,
    _find_number_chains,
)
_CANDIDATE = re.compile(r"[\d@]|(?i:\b(?:at|ät|aet|et)\b)")


def redact(text: str) -> str:
    """``text`` normalised (see ``normalise_text``), with e-mail addresses, IBANs, card numbers, tax ids and
    phone numbers replaced by typed placeholders such as "[IBAN entfernt]"."""
    text = normalise_text(text)
    if not _CANDIDATE.search(text):
        return text
    found: list[_Span] = []
    scanned = text  # what later finders see: earlier finds masked out, offsets unchanged
    for finder in _FINDERS:
        spans = finder(scanned)
        if spans:
            found.extend(span for span in spans if span.placeholder is not None)
            scanned = _mask(scanned, spans)
    if not found:
        return text
    pieces: list[str] = []
    position = 0
    for span in sorted(found):
        pieces.append(text[position : span.start])
        pieces.append(span.placeholder or "")
        position = span.end
    pieces.append(text[position:])
    return "".join(pieces)
