"""qa.answering.validate: what a user passes in (question, k, sources) comes back cleaned or is refused with a
QuestionError that says what to send instead."""
from __future__ import annotations

import pytest

from qa import Config, QuestionError
from qa.answering import validate


def test_a_question_is_folded_and_freed_of_control_characters():
    assert validate.question("  Who\tbuilt\x00 it?\n", max_chars=100) == "Who built it?"
    assert validate.question("Cafe\u0301?", max_chars=100) == "Café?"  # NFC


@pytest.mark.parametrize("text, message", [
    ("", "empty"),
    (" \x01 \n", "empty"),
    (None, "must be text"),
    (b"Who?", "must be text"),
    ("x" * 101, "the limit is 100"),
    ("Who \udcff?", "not valid UTF-8"),
    ("Who \ud800?", "lone surrogate"),
])
def test_unusable_questions_are_refused_with_what_to_do(text, message):
    with pytest.raises(QuestionError, match=message):
        validate.question(text, max_chars=100)


def test_k_is_a_whole_number_up_to_the_configured_limit():
    high = Config().max_quotes
    assert validate.k(3, high=high) == 3
    assert validate.k(3.0, high=high) == 3  # a slider's value
    assert validate.k(high, high=high) == high
    for bad, message in ((0, "between 1 and"), (high + 1, "between 1 and"), (2.5, "whole number"),
                         (True, "whole number"), ("3", "whole number")):
        with pytest.raises(QuestionError, match=message):
            validate.k(bad, high=high)


def test_sources_are_names_and_an_empty_choice_means_every_document():
    assert validate.sources(None) is None
    assert validate.sources([]) is None
    assert validate.sources("a.txt") == frozenset({"a.txt"})  # one name, not its letters
    assert validate.sources(("a.txt", "b.txt")) == frozenset({"a.txt", "b.txt"})


@pytest.mark.parametrize("value, message", [
    ({"a.txt": 1}, "list of document names"),
    (b"a.txt", "list of document names"),
    (3, "list of document names"),
    (["a.txt", 3], "names as text"),
    (["bad\udcff"], "not valid UTF-8"),
])
def test_bad_sources_are_refused(value, message):
    with pytest.raises(QuestionError, match=message):
        validate.sources(value)


def test_each_source_is_checked_by_the_given_lookup():
    seen: list[str] = []
    validate.sources(["a.txt", "b.txt"], seen.append)
    assert seen == ["a.txt", "b.txt"]
