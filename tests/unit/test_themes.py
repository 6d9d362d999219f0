"""Theme suggestions: which terms and phrases recur across citizen comments, with known answers."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from services.analytics.themes import PHRASE, STOPWORDS, TERM, Theme, parse_stopwords, themes
from shared import redaction

REPO = Path(__file__).resolve().parents[2]
PLACEHOLDERS = sorted(value for name, value in vars(redaction).items() if name.endswith("_PLACEHOLDER"))


def labels(result: list[Theme]) -> list[str]:
    return [theme.label for theme in result]


# --------------------------------------------------------------------------------------------------------------
# Known answers
# --------------------------------------------------------------------------------------------------------------


def test_inflections_are_one_term_and_a_recurring_phrase_is_found() -> None:
    texts = [
        "Bei den Terminen gibt es Probleme.",
        "Online Termin buchen funktioniert nicht!",
        "Warum kann ich nicht online Termin buchen? Termine sind alle weg.",
        "Die Öffnungszeiten sind unklar.",
    ]
    # "online", "buchen", "online termin" and "termin buchen" occur exactly where the reported phrase does, so
    # they are left out; "Termin" occurs in one comment more and stays.
    assert themes(texts) == [
        Theme("online termin buchen", 2, PHRASE, (1, 2)),
        Theme("Termin", 3, TERM, (0, 1, 2)),
    ]


def test_shorter_phrase_with_more_comments_is_kept_next_to_the_longer_one() -> None:
    texts = ["online Termin buchen", "Online Termin buchen!", "Termin buchen."]
    assert themes(texts) == [
        Theme("termin buchen", 3, PHRASE, (0, 1, 2)),
        Theme("online termin buchen", 2, PHRASE, (0, 1)),
    ]


def test_term_inside_a_reported_phrase_with_the_same_count_is_dropped() -> None:
    texts = ["Die Wartezeit im Bürgeramt ist ein Problem.", "Lange Wartezeit am Telefon.", "Sehr lange Wartezeit!"]
    assert themes(texts) == [
        Theme("lange wartezeit", 2, PHRASE, (1, 2)),
        Theme("Wartezeit", 3, TERM, (0, 1, 2)),  # in one comment more than the phrase: kept
    ]
    # Without phrases nothing covers "lange" (equal counts, so the alphabetically first spelling wins).
    assert themes(texts, phrases=0) == [
        Theme("Wartezeit", 3, TERM, (0, 1, 2)),
        Theme("Lange", 2, TERM, (1, 2)),
    ]


def test_only_reported_phrases_cover_terms() -> None:
    texts = [
        "Termin buchen. Antrag stellen. Müll abholen.",
        "Termin buchen. Antrag stellen.",
        "Termin buchen. Müll abholen.",
    ]
    assert themes(texts) == [
        Theme("termin buchen", 3, PHRASE, (0, 1, 2)),
        Theme("antrag stellen", 2, PHRASE, (0, 1)),
        Theme("müll abholen", 2, PHRASE, (0, 2)),
    ]
    assert themes(texts, phrases=1) == [
        Theme("termin buchen", 3, PHRASE, (0, 1, 2)),
        Theme("abholen", 2, TERM, (0, 2)),
        Theme("Antrag", 2, TERM, (0, 1)),
        Theme("Müll", 2, TERM, (0, 2)),
        Theme("stellen", 2, TERM, (0, 1)),
    ]


def test_english_comments_lose_their_stop_words() -> None:
    texts = [
        "The page is not working and the form does not load.",
        "Please fix this: the form does not load, it is not working!",
        "Form does not load and nothing is working here.",
    ]
    assert themes(texts) == [
        Theme("form", 3, TERM, (0, 1, 2)),
        Theme("load", 3, TERM, (0, 1, 2)),
        Theme("working", 3, TERM, (0, 1, 2)),
    ]


# --------------------------------------------------------------------------------------------------------------
# Counting, labels, ordering, limits
# --------------------------------------------------------------------------------------------------------------

SEPARATE = [  # words separated by full stops: terms only, no phrases
    "Parkplatz. Formular. Ampel. Baustelle.",
    "Parkplatz. Formular. Ampel. Baustelle.",
    "Parkplatz. Formular. Ampel.",
    "Parkplatz.",
]


def test_sorted_by_comments_then_label_and_cut_at_the_limit() -> None:
    assert themes(SEPARATE) == [
        Theme("Parkplatz", 4, TERM, (0, 1, 2)),
        Theme("Ampel", 3, TERM, (0, 1, 2)),
        Theme("Formular", 3, TERM, (0, 1, 2)),
        Theme("Baustelle", 2, TERM, (0, 1)),
    ]
    assert labels(themes(SEPARATE, terms=2)) == ["Parkplatz", "Ampel"]
    assert themes(SEPARATE, terms=0) == []


def test_min_documents() -> None:
    assert labels(themes(SEPARATE, min_documents=3)) == ["Parkplatz", "Ampel", "Formular"]
    assert labels(themes(SEPARATE, min_documents=5)) == []
    assert themes(["Einmaliges Anliegen"]) == []  # one comment is below the default of two
    assert themes(["Einmaliges Anliegen"], min_documents=1) == [
        Theme("einmaliges anliegen", 1, PHRASE, (0,)),
    ]


def test_ties_are_ordered_case_insensitively_with_umlauts_as_base_letters() -> None:
    texts = ["Zebrastreifen. Öffnungszeiten. ampel. Nachweis."] * 2
    assert labels(themes(texts)) == ["ampel", "Nachweis", "Öffnungszeiten", "Zebrastreifen"]


def test_phrases_come_first_and_have_their_own_limit() -> None:
    texts = ["Antrag stellen. Müll abholen. Parkplatz. Formular.", "Antrag stellen. Müll abholen. Parkplatz. Formular."]
    result = themes(texts, phrases=1, terms=1)
    assert [(theme.kind, theme.label) for theme in result] == [(PHRASE, "antrag stellen"), (TERM, "abholen")]


def test_comments_are_counted_once_and_a_flood_does_not_choose_the_label() -> None:
    texts = ["Bürgeramt", "Das Bürgeramt", "bürgeramt", "BÜRGERAMT BÜRGERAMT BÜRGERAMT BÜRGERAMT"]
    assert themes(texts) == [Theme("Bürgeramt", 4, TERM, (0, 1, 2))]


def test_label_ties_go_to_the_shortest_then_the_alphabetically_first_spelling() -> None:
    assert labels(themes(["Formulare", "Formular"])) == ["Formular"]
    assert labels(themes(["formular", "Formular"])) == ["Formular"]


def test_examples_are_the_earliest_three_comments() -> None:
    texts = ["nichts", "Müllabfuhr", "Müllabfuhr", "nichts", "Müllabfuhr", "nichts", "Müllabfuhr", "Müllabfuhr"]
    assert themes(texts) == [Theme("Müllabfuhr", 5, TERM, (1, 2, 4))]


def test_invalid_limits_are_rejected() -> None:
    with pytest.raises(ValueError, match="negative"):
        themes(["Termin"], terms=-1)
    with pytest.raises(ValueError, match="negative"):
        themes(["Termin"], phrases=-1)
    with pytest.raises(ValueError, match="min_documents"):
        themes(["Termin"], min_documents=0)


# --------------------------------------------------------------------------------------------------------------
# Phrase boundaries
# --------------------------------------------------------------------------------------------------------------


def test_punctuation_stop_words_numbers_and_urls_end_a_phrase() -> None:
    assert themes(["Termin, online", "Termin; online"], min_documents=1, terms=0) == []
    assert themes(["Termin kann man online buchen", "Termin kann man online buchen"]) == [
        Theme("online buchen", 2, PHRASE, (0, 1)),
        Theme("Termin", 2, TERM, (0, 1)),
    ]
    assert themes(["Linie 19 fährt nicht", "Linie 19 fährt nicht"], terms=0) == []
    assert themes(["Termin https://x.de buchen", "Termin www.x.de buchen"], terms=0) == []


def test_a_phrase_needs_only_white_space_between_its_words() -> None:
    texts = ["Sperrmüll\nabholen", "Sperrmüll \t abholen"]
    assert labels(themes(texts)) == ["sperrmüll abholen"]


# --------------------------------------------------------------------------------------------------------------
# What never becomes a theme
# --------------------------------------------------------------------------------------------------------------


def test_redaction_placeholders_never_appear() -> None:
    assert len(PLACEHOLDERS) >= 6
    short_forms = ["[E-Mail]", "[Telefon]", "[IBAN]", "[Name]", "[Adresse]", "[Kennzeichen]", "[Nummer]"]
    texts = [f"Rückruf {placeholder} Bauamt" for placeholder in PLACEHOLDERS + short_forms]
    texts.append(redaction.redact("Antwort bitte an max.mustermann@example.de oder Tel. 0301234567, Bauamt"))
    result = themes(texts, min_documents=1, terms=100, phrases=100)
    placeholder_words = {"entfernt", "e-mail", "telefon", "telefonnummer", "iban", "kartennummer", "steuer-id"}
    placeholder_words |= {"steuernummer", "name", "adresse", "kennzeichen", "nummer", "example", "mustermann"}
    assert result, "the words around the placeholders are still counted"
    for theme in result:
        assert not set(theme.label.casefold().split()) & placeholder_words, theme
        assert "[" not in theme.label
    assert {theme.label: theme.documents for theme in result}["Bauamt"] == len(texts)


def test_a_citizen_writing_e_mail_is_a_theme_the_placeholder_is_not() -> None:
    texts = [
        "Die E-Mail kam nie an. [E-Mail entfernt]",
        "E-Mail kam nicht an",
        f"Kontakt {redaction.EMAIL_PLACEHOLDER}",
    ]
    assert themes(texts) == [Theme("E-Mail", 2, TERM, (0, 1))]


def test_stop_words_never_appear() -> None:
    filler = "Bitte mal schauen, die Seite ist eigentlich schon gut, aber leider gibt es immer mehr Probleme. Danke!"
    result = themes([filler] * 3, min_documents=1, terms=100, phrases=100)
    assert labels(result) == ["Probleme", "schauen"]
    for theme in result:
        assert not {word.casefold() for word in theme.label.split()} & STOPWORDS


def test_urls_and_addresses_are_not_words() -> None:
    texts = [
        "Siehe https://www.stadt.de/termine",
        "www.stadt.de/termine!",
        "(stadt.de/termine)",
        "HTTPS://STADT.DE/TERMINE?x=1",
        "max.mustermann@stadt.de",
    ]
    assert themes(texts, min_documents=1) == []


# --------------------------------------------------------------------------------------------------------------
# The stop-word list
# --------------------------------------------------------------------------------------------------------------


def test_stop_word_file_format() -> None:
    assert parse_stopwords("# Kommentar\nDer\n  die  # am Zeilenende\n\nDaß\n") == {"der", "die", "dass"}
    lines = (REPO / "services" / "analytics" / "stopwords_de.txt").read_text(encoding="utf-8").splitlines()
    words = [line.strip() for line in lines if line.strip() and not line.startswith("#")]
    assert all(word == word.lower() and " " not in word for word in words)
    assert len(STOPWORDS) > 400


@pytest.mark.parametrize(
    "word",
    [
        # function words, pronouns, auxiliaries and modal verbs
        "der", "einem", "keinen", "ich", "uns", "ihrem", "über", "weil", "wurde", "hätten", "könnte", "müssen",
        "möchte", "dürfte", "sollten",
        # particles and very common adverbs
        "mal", "schon", "halt", "eigentlich", "auch", "noch",
        # feedback filler
        "seite", "bitte", "danke", "leider", "gut", "schlecht", "gibt", "geht", "mehr", "immer",
        # English
        "the", "and", "please", "page", "does", "is",
    ],
)  # fmt: skip
def test_stop_word_list_covers(word: str) -> None:
    assert word in STOPWORDS


def test_content_words_are_not_stop_words() -> None:
    content = {"termin", "formular", "e-mail", "telefon", "wartezeit", "fehler", "kaputt", "laut", "bad", "online"}
    assert not content & STOPWORDS


# --------------------------------------------------------------------------------------------------------------
# Hostile input and determinism
# --------------------------------------------------------------------------------------------------------------


def test_format_characters_long_words_and_markup() -> None:
    texts = [
        "Ter\u200bmin online buchen",  # zero-width space inside the word
        "\u202eTermin\u202c online buchen",  # right-to-left override and pop
        "x" * 10_000 + " Termin " + "y" * 41,  # overlong words are ignored
        "",
        "   \n\t ",
        "<script>alert(1)</script>",
        "<script>alert(1)</script>",
    ]
    assert themes(texts) == [
        Theme("termin online buchen", 2, PHRASE, (0, 1)),
        Theme("Termin", 3, TERM, (0, 1, 2)),
        Theme("alert", 2, TERM, (5, 6)),
        Theme("script", 2, TERM, (5, 6)),
    ]


def test_word_length_limits() -> None:
    assert labels(themes(["a" * 40, "a" * 40])) == ["a" * 40]
    assert themes(["a" * 41, "a" * 41]) == []
    assert themes(["Amt ab", "Amt ab"]) == [Theme("Amt", 2, TERM, (0, 1))]  # "ab" is too short anyway


def test_decomposed_umlauts_meet_composed_ones() -> None:
    assert themes(["Bu\u0308rgeramt", "Bürgeramt", "Buergeramt"]) == [Theme("Bürgeramt", 3, TERM, (0, 1, 2))]


def test_empty_input() -> None:
    assert themes([]) == []
    assert themes(["", " ", "..."], min_documents=1) == []


def test_hostile_input_is_read_in_linear_time() -> None:
    hostile = ["a." * 50_000, "a-" * 50_000, "a@" * 50_000, "www." * 25_000, "a.b-" * 25_000, "\u200b" * 50_000]
    start = time.process_time()
    result = themes(hostile * 2)
    assert time.process_time() - start < 5  # quadratic behaviour would take minutes
    assert all(len(theme.label) <= 40 for theme in result)


DETERMINISM_CORPUS = [
    f"{a} {b}. {c}, {a}!"
    for a in ("Termin", "Antrag", "Formular")
    for b in ("buchen", "stellen")
    for c in ("Amt", "Müll")
]


def test_same_input_same_output_across_hash_seeds() -> None:
    expected = repr(themes(DETERMINISM_CORPUS, min_documents=1))
    script = (
        "from tests.unit.test_themes import DETERMINISM_CORPUS\n"
        "from services.analytics.themes import themes\n"
        "print(repr(themes(DETERMINISM_CORPUS, min_documents=1)))\n"
    )
    for seed in ("1", "2"):
        env = {**os.environ, "PYTHONHASHSEED": seed}
        output = subprocess.run(
            [sys.executable, "-c", script], cwd=REPO, env=env, capture_output=True, text=True, check=True
        ).stdout
        assert output.strip() == expected
    assert themes(DETERMINISM_CORPUS, min_documents=1) == themes(list(DETERMINISM_CORPUS), min_documents=1)
