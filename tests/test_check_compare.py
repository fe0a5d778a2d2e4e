"""How heard words are given to sentences and scored, without the recogniser: words
placed by hand at the times a recogniser would report."""

from __future__ import annotations

import datetime as dt

import pytest

from narration.check.compare import assign, compare, normaliser, respell, spoken
from narration.check.report import HeardWord, lexicon_line
from narration.check.result import CheckResult, result_json
from narration.model import Cue
from narration.prepare.lexicon import Lexicon

pytestmark = pytest.mark.slow

CUES = (
    Cue(1.0, 3.0, "The ticket costs £6.50 today."),
    Cue(3.4, 6.0, "Ofgem said Sheinbaum would visit."),
    Cue(6.5, 8.0, "It rained."),
)


def _words(*spans: tuple[str, float]) -> list[HeardWord]:
    return [
        HeardWord(text if text.startswith(",") else " " + text, at, at + 0.3) for text, at in spans
    ]


def test_money_and_times_agree_however_they_are_written() -> None:
    english = normaliser("en")
    assert english("The ticket costs £6.50 today.") == english(
        "the ticket costs six pounds fifty today"
    )
    assert english("It cost £1.7bn, not £400m.") == english(
        "it cost 1.7 billion pounds, not 400 million pounds"
    )
    assert english("It opened at 6am.") == english("It opened at 6 a.m.")
    # Tokens as the recogniser writes them, each with its own leading space.
    assert english(spoken(_words(("2", 0), (",700", 0.3), ("kWh", 0.6)))) == "2700 kilowatt hours"


def test_words_go_to_the_sentence_being_read_and_a_pause_to_the_nearer() -> None:
    words = _words(("the", 1.0), ("ticket", 3.05), ("it", 6.2), ("rained", 6.6))
    groups = assign(CUES, words)
    assert [spoken(g) for g in groups] == ["the ticket", "", "it rained"]


def test_a_word_heard_late_moves_back_to_its_sentence() -> None:
    heard = _words(
        ("The", 1.0), ("ticket", 1.4), ("costs", 1.8), ("six", 2.1), ("pounds", 2.4),
        ("fifty", 2.7),
        # "today" reported after the pause: timing drift, not a fault of either sentence
        ("today.", 3.5),
        ("Ofgem", 3.9), ("said", 4.4), ("Sheinbaum", 4.8), ("would", 5.3), ("visit.", 5.6),
        ("It", 6.6), ("rained.", 7.0),
    )  # fmt: skip
    check = compare(CUES, heard, "en", flag_below=0.7)
    assert check.wer == 0 and check.flagged == ()
    assert check.sentences[0].heard.endswith("today.")


def test_a_respelling_heard_wrong_flags_its_sentence_with_a_suggestion() -> None:
    lexicon = Lexicon({"Sheinbaum": "Shane-bowm"})
    heard = _words(
        ("The", 1.0), ("ticket", 1.4), ("costs", 1.8), ("£6.50", 2.1), ("today.", 2.6),
        ("Ofgem", 3.9), ("said", 4.4), ("Shane", 4.8), ("Bomb", 5.0), ("would", 5.3),
        ("visit.", 5.6), ("It", 6.6), ("rained.", 7.0),
    )  # fmt: skip
    check = compare(CUES, heard, "en", flag_below=0.5, lexicon=lexicon)
    assert [s.text for s in check.flagged] == [CUES[1].text]
    # One word wrong, one inserted, of five: the score alone would not flag it.
    assert check.flagged[0].score == 0.6
    assert check.lexicon_suggestions == {"Sheinbaum": "Shein-baum"}
    assert check.lexicon_lines() == ['Sheinbaum = "Shein-baum"']
    assert 0 < check.wer < 0.2


def test_nothing_heard_scores_zero() -> None:
    check = compare(CUES, [], "en", flag_below=0.7)
    assert [s.score for s in check.sentences] == [0.0, 0.0, 0.0]
    assert check.wer == 1.0 and len(check.flagged) == 3
    kept = result_json(CheckResult.of(check, dt.datetime(2026, 12, 5, tzinfo=dt.UTC)))
    assert kept["flagged"][0] == {
        "text": CUES[0].text,
        "heard": "",
        "start_s": 1.0,
        "end_s": 3.0,
        "score": 0.0,
    }


def test_respellings_and_lexicon_lines() -> None:
    assert respell("Iqbal") == "Iq-bal"
    assert respell("Jane") == "Jane"
    assert respell("Wehrbein") == "Wehr-bein"
    assert respell("Ng") == "Ng"
    assert lexicon_line("Pope Leo", "Pope Lay-oh") == '"Pope Leo" = "Pope Lay-oh"'
    assert lexicon_line("Ofgem", 'Off-"jem"') == 'Ofgem = "Off-\\"jem\\""'
