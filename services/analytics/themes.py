"""Theme suggestions ("Themenvorschläge"): the terms and short phrases that many comments share.

Staff read the free-text comments of a page or unit over a period; a list of the words and phrases that recur
in many of them makes a recurring problem ("Termin online buchen", "Wartezeit") visible without reading every
comment. This module only counts: no I/O except reading the shipped stop-word list once at import, no database,
no model. The console hands in the comment texts (already redacted at ingest) and renders the result.

How a comment is read:

* Invisible format characters (Unicode category Cf: zero-width space, soft hyphen, bidi overrides, ...) are
  removed and the text is brought to NFC, so that "Ter\\u200bmin" or a decomposed "u + diaeresis" counts as the
  word a reader sees. Redaction placeholders ("[E-Mail entfernt]" etc., see ``shared.redaction``; also the short
  forms such as "[Name]") are removed as a whole: their words must never become a theme, while the same word
  written by a citizen ("E-Mail kommt nicht an") must stay one. URLs, domain names and left-over e-mail
  addresses are removed too.
* Words are runs of letters and digits, hyphenated words ("E-Mail", "Online-Termin") and words with an
  apostrophe ("gibt's") are one word. Matching is case-folded; words with fewer than 3 or more than 40
  characters, words without a letter (numbers, dates) and stop words (``stopwords_de.txt``, German and
  English) are not meaningful.
* Meaningful words are reduced to their German Snowball stem, so "Termin", "Termine" and "Terminen" are one
  term. The stemmer already folds umlauts and "ß" ("Bürgeramt", "Buergeramt" and "Burgeramt" meet).
* A phrase is 2 or 3 meaningful words that follow each other with nothing but white space between them. Any
  punctuation and any word that is not meaningful (stop word, number, too short or too long, a removed
  placeholder or URL) ends the phrase: "Termin online buchen" is a phrase, "Termin kann man online buchen" is
  not. This is deliberate: a phrase that bridges a stop word is rarely what citizens repeat verbatim, and
  keeping phrases to contiguous content words keeps them readable and their count meaningful. Phrases are
  matched by the stems of their words.

How themes are counted and chosen:

* Everything counts comments (document frequency), not occurrences: a comment that says "Termin" ten times
  counts once, so one angry comment cannot make a theme. A theme needs ``min_documents`` comments.
* The label of a term is the spelling citizens used most (each comment counting a spelling once, for the same
  reason); ties go to the shortest, then the alphabetically first spelling. Phrase labels are the most used
  word sequence in lower case, because sentence-initial capitals would otherwise split one phrase into two
  spellings.
* Redundant entries are left out, as they add a line but no information: a term is not listed when a
  reported phrase containing it has the same number of comments (then every comment with the term has the
  phrase), and likewise a two-word phrase inside a three-word candidate phrase with the same count. Since the
  longer phrase has the same count, it sorts into the same place.
* Order: documents descending, then label (case-insensitively, umlauts as their base letter, then exactly).
  Phrases come first, then terms. The result depends only on the input: no set or dict order leaks into it.

Cost: linear in the text. A comment is split at white space into chunks ("Termin,", "https://...", "buchen!"),
and everything that needs a regular expression, the Unicode database or the stemmer is done once per distinct
chunk and cached for the call; per comment only dictionary look-ups and building small sets remain. Spellings
of phrases, which would be costly to collect for every phrase, are gathered afterwards for the few phrases that
can make the list. Short chunks and stems are also kept in bounded caches across calls, since the pure-Python
stemmer is by far the slowest part (about 30-80 microseconds per new word form; if the PyStemmer C extension is
installed, ``snowballstemmer`` uses it instead). The stemmer object keeps state while it works, so each thread
uses its own.
"""

from __future__ import annotations

import heapq
import itertools
import re
import threading
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from itertools import chain, compress, pairwise

import snowballstemmer

from shared.redaction import (
    CARD_PLACEHOLDER,
    EMAIL_PLACEHOLDER,
    IBAN_PLACEHOLDER,
    PHONE_PLACEHOLDER,
    TAX_ID_PLACEHOLDER,
    TAX_NUMBER_PLACEHOLDER,
)

MIN_WORD_LENGTH = 3
MAX_WORD_LENGTH = 40
MAX_EXAMPLES = 3
TERM = "term"
PHRASE = "phrase"


@dataclass(frozen=True)
class Theme:
    label: str  # most used spelling: as written for terms, lower case for phrases
    documents: int  # comments that contain it, each counted once
    kind: str  # TERM or PHRASE
    examples: tuple[int, ...]  # indexes into the input of up to MAX_EXAMPLES comments containing it, earliest first


def parse_stopwords(text: str) -> frozenset[str]:
    """Words of a stop-word list: one per line, "#" starts a comment, compared case-folded."""
    words = (line.split("#", 1)[0].strip() for line in text.splitlines())
    return frozenset(_fold(word) for word in words if word)


# --------------------------------------------------------------------------------------------------------------
# Reading text
# --------------------------------------------------------------------------------------------------------------

# Hyphen and apostrophe variants are one character for matching; the label keeps what was written.
_FOLD_TABLE = str.maketrans({"\u2010": "-", "\u2011": "-", "\u2019": "'"})
_SORT_TABLE = str.maketrans({"ä": "a", "ö": "o", "ü": "u"})

_PLACEHOLDER_TEXTS = (
    EMAIL_PLACEHOLDER,
    PHONE_PLACEHOLDER,
    IBAN_PLACEHOLDER,
    CARD_PLACEHOLDER,
    TAX_ID_PLACEHOLDER,
    TAX_NUMBER_PLACEHOLDER,
)
# The placeholders of shared.redaction, any future "[... entfernt]", and the short forms used by other tools.
# They contain spaces, so they are removed from the whole text before it is split into chunks.
_PLACEHOLDER = re.compile(
    "|".join(re.escape(text) for text in _PLACEHOLDER_TEXTS)
    + r"|\[[^\[\]\n]{1,60} entfernt\]"
    + r"|\[(?:e-mail|telefon|telefonnummer|iban|name|adresse|kennzeichen|nummer|kartennummer|steuer-id"
    + r"|steuernummer)\]",
    re.IGNORECASE,
)
# The pieces of a white-space separated chunk: a URL (with a scheme or "www."), a left-over e-mail address or a
# bare domain name of a common top-level domain; a word; or a run of anything else (punctuation, symbols,
# underscores), which ends a phrase. Quantifiers are possessive and the address branches may only start at the
# beginning of a run of address characters, so "a.a.a.a..." is scanned once and not once per dot.
_TLDS = ("de", "com", "org", "net", "eu", "info")
_PIECE = re.compile(
    r"(?P<url>(?<![\w+.-])[a-z][a-z0-9+.-]{0,15}://\S*+|(?<![\w.-])www\.\S*+|(?<![\w.+-])[\w.+-]++@\S*+"
    r"|(?<![\w.@-])[\w-]++(?:\.[\w-]++)++(?:" + "|".join(f"(?<=\\.{tld})" for tld in _TLDS) + r")(?:/\S*+)?)"
    r"|(?P<word>[^\W_]++(?:[-\u2010\u2011'\u2019][^\W_]++)*+)"
    r"|(?:[^\w\s]|_)++",
    re.IGNORECASE,
)


def _fold(word: str) -> str:
    return word.casefold().translate(_FOLD_TABLE)


STOPWORDS = parse_stopwords(
    resources.files("services.analytics").joinpath("stopwords_de.txt").read_text(encoding="utf-8")
)

_local = threading.local()


@lru_cache(maxsize=1 << 16)
def _stem(word: str) -> str:
    """Snowball German stem of a case-folded word; memoised because the stemmer is pure Python."""
    stemmer = getattr(_local, "stemmer", None)
    if stemmer is None:
        stemmer = _local.stemmer = snowballstemmer.stemmer("german")
    stem: str = stemmer.stemWord(word)
    return stem or word


def _word_stem(word: str) -> str:
    """The stem of a meaningful word, "" for a word that is too short or long, a number or a stop word."""
    if not MIN_WORD_LENGTH <= len(word) <= MAX_WORD_LENGTH:
        return ""
    folded = _fold(word)
    if folded in STOPWORDS or not any(char.isalpha() for char in folded):
        return ""
    return _stem(folded)


_Pieces = tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]]


_CACHED_CHUNK_LENGTH = 64  # longer chunks are rare and would make the cache across calls large


def _read_chunk(chunk: str) -> _Pieces:
    """Stems, spellings and lower-case spellings of the words of a chunk; "" in all three marks a phrase break
    (punctuation, a URL, a word that is not meaningful), consecutive breaks collapsed into one."""
    return _read_short_chunk(chunk) if len(chunk) <= _CACHED_CHUNK_LENGTH else _read_any_chunk(chunk)


def _read_any_chunk(chunk: str) -> _Pieces:
    if not chunk.isascii():
        chunk = "".join(char for char in chunk if unicodedata.category(char) != "Cf")
        chunk = unicodedata.normalize("NFC", chunk)
    stems: list[str] = []
    words: list[str] = []
    for match in _PIECE.finditer(chunk):
        word = match.group("word")
        stem = _word_stem(word) if word else ""
        if stem:
            stems.append(stem)
            words.append(word)
        elif not stems or stems[-1]:
            stems.append("")
            words.append("")
    return tuple(stems), tuple(words), tuple(word.lower() for word in words)


_read_short_chunk = lru_cache(maxsize=1 << 15)(_read_any_chunk)


class _Chunks(dict[str, tuple[str, ...]]):
    """Per call: chunk -> stems of its pieces, read on first use, with the spellings kept alongside, so that a
    comment needs only dictionary look-ups."""

    def __init__(self) -> None:
        super().__init__()
        self.words: dict[str, tuple[str, ...]] = {}
        self.lows: dict[str, tuple[str, ...]] = {}
        self.stem_of: dict[str, str] = {}  # spelling -> stem

    def __missing__(self, chunk: str) -> tuple[str, ...]:
        stems, words, lows = _read_chunk(chunk)
        self[chunk] = stems
        self.words[chunk] = words
        self.lows[chunk] = lows
        self.stem_of.update(zip(words, stems, strict=True))
        return stems


# --------------------------------------------------------------------------------------------------------------
# Counting and choosing
# --------------------------------------------------------------------------------------------------------------


def _sort_key(label: str) -> tuple[str, str]:
    return label.casefold().translate(_SORT_TABLE), label


def _best_spelling(spellings: dict[str, int]) -> str:
    return min(spellings.items(), key=lambda item: (-item[1], len(item[0]), item[0]))[0]


def _top(counts: dict[str, int], limit: int, labels: Callable[[list[str]], dict[str, str]]) -> list[tuple[str, str]]:
    """The ``limit`` keys with the highest counts, ties by label; labels are only made for the keys that can
    make the cut (all keys with at least the limit-th highest count), since that needs a pass over spellings."""
    if limit == 0 or not counts:
        return []
    threshold = heapq.nlargest(limit, counts.values())[-1]
    pool = [key for key, count in counts.items() if count >= threshold]
    named = labels(pool)
    pool.sort(key=lambda key: (-counts[key], *_sort_key(named[key])))
    return [(key, named[key]) for key in pool[:limit]]


def themes(texts: Sequence[str], *, terms: int = 15, phrases: int = 10, min_documents: int = 2) -> list[Theme]:
    """At most ``phrases`` phrases, then at most ``terms`` terms, each found in at least ``min_documents`` of
    ``texts``, the most frequent first. See the module docstring for the rules."""
    if terms < 0 or phrases < 0:
        raise ValueError("terms and phrases must not be negative")
    if min_documents < 1:
        raise ValueError("min_documents must be at least 1")

    # Keys: a term is its stem, a phrase the stems of its words joined by a space (stems contain none). Strings
    # rather than tuples, because the garbage collector does not have to track them. The distinct keys of each
    # comment are collected in flat lists and counted once at the end, which is cheaper than a counter update
    # per comment.
    chunks = _Chunks()
    term_keys: list[str] = []
    spelling_keys: list[str] = []
    phrase_keys: list[str] = []
    comment_stems: list[list[str]] = []  # "" marks a phrase break
    for text in texts:
        pieces = _chunks_of(text)
        stems = list(chain.from_iterable(map(chunks.__getitem__, pieces)))
        term_keys.extend(set(stems))
        spelling_keys.extend(set(chain.from_iterable(map(chunks.words.__getitem__, pieces))))
        if phrases:
            phrase_keys.extend({f"{a} {b}" for a, b in pairwise(stems) if a and b})
            phrase_keys.extend(
                {f"{a} {b} {c}" for a, b, c in zip(stems, stems[1:], stems[2:], strict=False) if a and b and c}
            )
        comment_stems.append(stems)
    term_documents = Counter(term_keys)
    spelling_documents = Counter(spelling_keys)
    phrase_documents = Counter(phrase_keys)

    phrase_counts = {key: count for key, count in phrase_documents.items() if count >= min_documents}
    for key, count in phrase_counts.items():
        words = key.split(" ")
        if len(words) == 3:
            for part in (f"{words[0]} {words[1]}", f"{words[1]} {words[2]}"):
                if phrase_counts.get(part) == count:
                    phrase_counts[part] = 0  # redundant: inside a longer candidate with the same count
    phrase_counts = {key: count for key, count in phrase_counts.items() if count}
    chosen_phrases = _top(phrase_counts, phrases, lambda keys: _phrase_labels(texts, comment_stems, chunks, keys))

    covered = {(stem, phrase_counts[key]) for key, _ in chosen_phrases for stem in key.split(" ")}
    term_counts = {
        stem: count
        for stem, count in term_documents.items()
        if count >= min_documents and stem and (stem, count) not in covered
    }

    def term_labels(keys: list[str]) -> dict[str, str]:
        by_stem: dict[str, dict[str, int]] = {key: {} for key in keys}
        for word, count in spelling_documents.items():
            found = by_stem.get(chunks.stem_of[word])
            if found is not None:
                found[word] = count
        return {key: _best_spelling(found) for key, found in by_stem.items()}

    chosen_terms = _top(term_counts, terms, term_labels)

    examples = _examples(comment_stems, [key for key, _ in chosen_phrases + chosen_terms])
    result = [Theme(label, phrase_counts[key], PHRASE, examples[key]) for key, label in chosen_phrases]
    result += [Theme(label, term_counts[key], TERM, examples[key]) for key, label in chosen_terms]
    return result


def _chunks_of(text: str) -> list[str]:
    if "[" in text:
        text = _PLACEHOLDER.sub(" . ", text)
    return text.split()


def _find_phrases(stems: list[str], wanted: set[str], starts: set[str]) -> Iterator[tuple[int, str]]:
    """(position, key) of every occurrence of a ``wanted`` phrase in a comment. ``starts`` holds the first stems
    of the wanted phrases, so that C code skips the positions where none can begin."""
    for start in compress(itertools.count(), map(starts.__contains__, stems)):
        for end in (start + 2, start + 3):
            if end <= len(stems):
                key = " ".join(stems[start:end])
                if key in wanted:
                    yield start, key


def _first_stems(keys: Iterable[str]) -> set[str]:
    return {key.split(" ", 1)[0] for key in keys}


def _phrase_labels(
    texts: Sequence[str], comment_stems: list[list[str]], chunks: _Chunks, keys: list[str]
) -> dict[str, str]:
    """Most used spelling of each phrase, each comment counting a spelling once. Collected in a second pass,
    only for the phrases asked for and only where they occur: doing it for every phrase of every comment would
    cost more than all the counting."""
    wanted = set(keys)
    starts = _first_stems(keys)
    spellings: dict[str, Counter[str]] = {key: Counter() for key in keys}
    for index, stems in enumerate(comment_stems):
        seen: set[tuple[str, str]] = set()
        lows: list[str] = []
        for start, key in _find_phrases(stems, wanted, starts):
            lows = lows or list(chain.from_iterable(map(chunks.lows.__getitem__, _chunks_of(texts[index]))))
            seen.add((key, " ".join(lows[start : start + key.count(" ") + 1])))
        for key, spelling in seen:
            spellings[key][spelling] += 1
    return {key: _best_spelling(counter) for key, counter in spellings.items()}


def _examples(comment_stems: list[list[str]], keys: list[str]) -> dict[str, tuple[int, ...]]:
    """The first comments containing each key, found by a pass that stops once every key has its examples;
    cheaper than remembering the keys of every comment while counting."""
    found: dict[str, list[int]] = {key: [] for key in keys}
    terms = {key for key in keys if " " not in key}
    phrases = set(keys) - terms
    starts = _first_stems(phrases)
    for index, stems in enumerate(comment_stems):
        if not (terms or phrases):
            break
        present = terms.intersection(stems)
        present.update(key for _, key in _find_phrases(stems, phrases, starts))
        for key in present:
            hits = found[key]
            hits.append(index)
            if len(hits) == MAX_EXAMPLES:
                terms.discard(key)
                phrases.discard(key)
    return {key: tuple(hits) for key, hits in found.items()}
