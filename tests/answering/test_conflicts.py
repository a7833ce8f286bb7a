"""Conflict spotting on made-up quotes (pure logic)."""
from __future__ import annotations

import pytest

from qa.answering.conflicts import dates, facts, find_conflict, question_kind
from qa.records import Quote


def quote(text: str, source: str, score: float = 1.0, section: str | None = None) -> Quote:
    return Quote(text=text, source=source, title=source.upper(), section=section, kind="blog" if source == "b" else
                 "encyclopedia", start=0, end=len(text), score=score, context=text, context_start=0,
                 doc_sha256="0" * 64)


@pytest.mark.parametrize(("question", "kind"), [
    ("How long did the truce last?", "duration"),
    ("When was the treaty signed?", "date"),
    ("In what year did it end?", "date"),
    ("How many ships sank?", "number"),
    ("Who signed the treaty?", None),
    ("The treaty was signed when?", "date"),
    ("What did Kalinin say when the war began?", None),  # a clause, not a question about a date
])
def test_question_kind(question, kind):
    assert question_kind(question) == kind


def test_durations_ignore_relative_times_and_adjectives_other_than_long():
    assert [f.value for f in facts("Four months later the pact ended.", "duration")] == []
    assert [f.value for f in facts("They agreed on a two-year term.", "duration")] == []
    # "a decade-long dispute" says how long the dispute went on
    assert [f.value for f in facts("It ended a decade-long dispute.", "duration")] == [10.0]
    assert [f.value for f in facts("It ended a two-year-long siege.", "duration")] == [2.0]
    assert [f.value for f in facts("The truce lasted three weeks.", "duration")] == [pytest.approx(21 / 365)]
    assert [d.year for d, _ in dates("Signed 13 April 1941; expired on April 13, 1946.")] == [1941, 1946]


def test_different_durations_conflict_and_name_both_sides():
    found = find_conflict("How long did the truce last?", [
        quote("The truce would last for a full decade.", "b"),
        quote("The truce lasted five years.", "w"),
    ])
    assert found is not None and "a full decade" in found.note and "five years" in found.note
    assert {q.source for q in found.quotes} == {"b", "w"}


def test_dates_spanned_by_a_source_count_as_its_duration():
    close = [quote("The truce would last for a full decade.", "b"), quote("It was signed on 13 April 1941.", "w")]
    wider = [quote("It expired on April 13, 1946.", "w", 0.5)]
    found = find_conflict("How long did the truce last?", close, wider)
    assert found is not None and "about 5 years" in found.note and len(found.quotes) == 3


def test_a_range_of_years_is_a_duration_known_to_a_year():
    assert [(f.value, f.slack) for f in facts("It was fought from 1932 to 1939.", "duration")] == [(7.0, 1.0)]
    found = facts("The war (1904–1905) and the talks between 1905 and 1907.", "duration")
    assert [f.value for f in found] == [1.0, 2.0]
    assert facts("It ran from 1939 to 1932.", "duration") == []


@pytest.mark.parametrize(("a", "b", "differ"), [
    ("The war went on for a full decade.", "The war was fought from 1932 to 1939.", True),
    ("The war went on for eight years.", "The war was fought from 1932 to 1939.", False),
    ("The war went on for five years.", "The war went on for six years.", True),
    ("The war went on for ten years.", "The war went on for a decade.", False),
])
def test_durations_differ_by_more_than_how_they_are_written_allows(a, b, differ):
    found = find_conflict("How long did the war go on?", [quote(a, "b"), quote(b, "w")])
    assert (found is not None) is differ


def test_a_question_asking_no_duration_compares_only_sentences_about_what_it_names():
    question = "What were Japan and the Soviet Union fighting over?"
    fought = quote("Japan and the Soviet Union fought over the islands from 1932 to 1939.", "w")
    assert find_conflict(question, [fought, quote("After three weeks of talks, Japan agreed.", "b")]) is None
    found = find_conflict(question, [fought, quote("Japan and the Soviet Union fought for a full decade.", "b")])
    assert found is not None and "from 1932 to 1939" in found.note and "a full decade" in found.note


@pytest.mark.parametrize(("question", "a", "b"), [
    ("How long did the truce last?", "It lasted ten years.", "It lasted a decade."),
    ("When was the treaty signed?", "The treaty was signed in 1941.", "In April 1941 the treaty was signed."),
    ("How many ships sank?", "Three ships, 12 in all, sank.", "12 ships sank."),
])
def test_agreeing_sources_are_not_a_conflict(question, a, b):
    assert find_conflict(question, [quote(a, "b"), quote(b, "w")]) is None


def test_a_source_agrees_when_any_of_its_close_quotes_agrees():
    found = find_conflict("When was the battle?", [
        quote("The battle was fought in 1939.", "b"),
        quote("Later in 1941, the pact held.", "w"),
        quote("After skirmishes in May 1939, the battle began.", "w"),
    ])
    assert found is None


def test_disagreeing_dates_and_numbers():
    assert find_conflict("When was the treaty signed?", [quote("Signed in 1941.", "b"), quote("Signed in 1932.", "w")])
    assert find_conflict("How many ships sank?", [quote("40 ships sank.", "b"), quote("12 ships sank.", "w")])


def test_one_source_or_no_fact_question_is_never_a_conflict():
    assert find_conflict("When was it signed?", [quote("In 1941.", "w"), quote("In 1932.", "w")]) is None
    assert find_conflict("Who signed it?", [quote("Molotov in 1941.", "b"), quote("Matsuoka in 1932.", "w")]) is None


def test_numbers_stated_under_different_code_names_are_about_different_things():
    """Two manual pages give the defaults of two settings: each description stands under the name it describes."""
    question = "How many lines of context does git diff show by default?"
    shown = quote("Generate diffs with <n> lines of context instead of the default of 3.", "git-diff.html",
                  section="diff.context")
    other = quote("Defaults to diff.interHunkContext or 0 if the config option is unset.", "git-log.html",
                  section="OPTIONS › --inter-hunk-context=<lines>")
    assert find_conflict(question, [shown, other]) is None
    # the same setting described on two pages, or a page whose heading names no code, is compared as before
    assert find_conflict(question, [shown, quote("Show 5 lines of context.", "b", section="Config › diff.context")])
    assert find_conflict(question, [shown, quote("It shows 5 lines of context.", "b", section="Viewing changes")])


def test_a_year_in_a_sentence_about_something_else_is_not_the_sources_answer():
    """A two-sentence quote whose year belongs to another event, its subject named only in the other sentence."""
    question = "When was the Battle of the Fords?"
    found = find_conflict(question, [
        quote("The Battle of the Fords was fought in 1802.", "b"),
        quote("Later in 1809, the duke considered a new treaty when the king died. "
              "This was said to be largely due to the Battle of the Fords.", "w"),
    ])
    assert found is None
    found = find_conflict(question, [
        quote("The Battle of the Fords was fought in 1802.", "b"),
        quote("The Battle of the Fords took place in 1809.", "w"),
    ])
    assert found is not None and "1802" in found.note and "1809" in found.note


@pytest.mark.parametrize(("question", "kinds"), [
    ("How long did the truce last?", ("duration",)),
    ("What settled the dispute?", ("duration", "date")),
    ("Did the pact keep the peace?", ("duration", "date")),
    ("Why did the talks fail?", ("duration", "date")),
    ("Who signed the pact?", ()),
    ("Where was the pact signed?", ()),
])
def test_questions_that_ask_for_no_number_or_date_are_compared_too(question, kinds):
    from qa.answering.conflicts import kinds_compared

    assert kinds_compared(question) == kinds


def test_sources_that_date_what_settled_a_dispute_differently_disagree():
    found = find_conflict("What settled the dispute?", [
        quote("An agreement signed in 1941 ended the dispute between them.", "b"),
        quote("The victory in 1939 resolved the dispute and restored the border.", "w"),
    ])
    assert found is not None and "1941" in found.note and "1939" in found.note
    assert {q.source for q in found.quotes} == {"b", "w"}


def test_sources_that_agree_in_other_words_are_never_flagged():
    assert find_conflict("What settled the dispute?", [
        quote("An agreement of 1939 ended the dispute.", "b"),
        quote("The dispute was resolved by a victory in 1939.", "w"),
    ]) is None
    assert find_conflict("Did the pact keep the peace?", [
        quote("The pact kept the peace for five years.", "b"),
        quote("For 5 years the pact held the peace.", "w"),
    ]) is None
    assert find_conflict("Who signed the pact?", [  # a person asked for: their dates are not the answer
        quote("Molotov signed the pact in 1941.", "b"), quote("Matsuoka signed the pact in 1932.", "w"),
    ]) is None
