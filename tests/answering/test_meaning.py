"""Disagreement in meaning on made-up quotes: a different person, side or place, or one denying what
another affirms; and agreement in other words, never flagged. spaCy's real recogniser reads the names."""
from __future__ import annotations

import pytest

from qa.answering import entities
from qa.answering.conflicts import find_conflict
from qa.answering.entities import capitalised, names, same_name

from .test_conflicts import quote


@pytest.mark.parametrize(("a", "b"), [
    ("the Soviets", "the Soviet Union"), ("the Soviets", "USSR"), ("the Soviet Union", "Russia"),
    ("Japan", "the Japanese"), ("Mongolia", "Mongolians"), ("China", "the Chinese"), ("France", "the French"),
    ("the U.S.", "Americans"), ("America", "the United States"), ("Georgy Zhukov", "Zhukov"),
    ("Germany", "the Germans"),
])
def test_names_that_agree_in_other_words(a, b):
    assert same_name(a, b) and same_name(b, a)


@pytest.mark.parametrize(("a", "b"), [
    ("Japan", "Mongolia"), ("the Soviet Union", "the United States"), ("the Red Army", "the Imperial Japanese Army"),
    ("Manchuria", "Mongolia"), ("Moscow", "Tokyo"), ("Georgy Zhukov", "Michitaro Komatsubara"),
])
def test_names_that_differ(a, b):
    assert not same_name(a, b)


def test_the_recogniser_is_the_installed_model():
    found = {(n.text, n.label) for n in names("In 1939 Georgy Zhukov led the Soviets against Japan.")}
    assert {("Georgy Zhukov", "PERSON"), ("Soviets", "NORP"), ("Japan", "GPE")} <= found
    assert entities.pipeline().meta["version"] == "3.8.0"


@pytest.mark.parametrize(("question", "a", "b", "shown"), [
    ("Which side won the battle of the Fords?", "The battle of the Fords was won by Japan.",
     "The Soviets won the battle of the Fords.", ("Japan", "Soviets")),
    ("Who commanded the army at the Fords?", "General Georgy Zhukov commanded the army at the Fords.",
     "The army at the Fords was commanded by Michitaro Komatsubara.", ("Zhukov", "Komatsubara")),
    ("Where was the treaty of the Fords signed?", "The treaty of the Fords was signed in Moscow.",
     "The treaty of the Fords was signed in Tokyo.", ("Moscow", "Tokyo")),
])
def test_a_different_person_side_or_place_is_a_conflict_with_both_sides(question, a, b, shown):
    found = find_conflict(question, [quote(a, "b"), quote(b, "w")])
    assert found is not None and all(s in found.note for s in shown), found
    assert {q.source for q in found.quotes} == {"b", "w"}


@pytest.mark.parametrize(("question", "a", "b"), [
    ("Which side won the battle of the Fords?", "The Soviets won the battle of the Fords.",
     "The battle of the Fords was won by the Soviet Union."),
    ("Which side won the battle of the Fords?", "The Soviets won the battle of the Fords.",
     "The USSR won the battle of the Fords."),
    ("Which side lost the battle of the Fords?", "Japan lost the battle of the Fords.",
     "The battle of the Fords was lost by the Japanese."),
    ("Who commanded the army at the Fords?", "Georgy Zhukov commanded the army at the Fords.",
     "The army at the Fords was commanded by Zhukov."),
    ("Which country did the Soviets aid?", "The Soviets aided China with tanks.", "The Soviets aided the Chinese."),
    # What the question names is not an answer: Japan here is the asker's, not a side the sources differ on.
    ("Who did Japan fight at the Fords?", "Japan fought the Soviets at the Fords.",
     "At the Fords, the Japanese fought the Soviet Union."),
    # A side named by its leader is not compared with a side named as a group.
    ("Which side won the battle of the Fords?", "Zhukov's forces won the battle of the Fords.",
     "The Soviets won the battle of the Fords."),
    # A place of another sort is not a different answer: a country against a river.
    ("Where was the battle of the Fords fought?", "The battle of the Fords was fought in Mongolia.",
     "The battle of the Fords was fought near the Halha River."),
])
def test_agreement_in_other_words_is_never_a_conflict(question, a, b):
    assert find_conflict(question, [quote(a, "b"), quote(b, "w")]) is None
    assert find_conflict(question, [quote(b, "b"), quote(a, "w")]) is None


def test_a_source_agrees_when_another_of_its_quotes_names_the_other_answer():
    close = [quote("The Soviets won the battle of the Fords.", "b"),
             quote("Mongolia won the battle of the Fords.", "w")]
    assert find_conflict("Which side won the battle of the Fords?", close) is not None
    wider = [quote("The Soviet Union and Mongolia fought together at the Fords.", "w", 0.2)]
    assert find_conflict("Which side won the battle of the Fords?", close, wider) is None


def test_names_in_sentences_about_something_else_are_not_the_answer():
    assert find_conflict("Which side won the battle of the Fords?", [
        quote("The Soviets won the battle of the Fords.", "b"),
        quote("The battle of the Fords was decisive. Japan later signed a treaty in Tokyo.", "w"),
    ]) is None


@pytest.mark.parametrize(("question", "a", "b", "conflict"), [
    # Both name both sides, and swap who won.
    ("Which side won the battle of the Fords?", "The Soviets won the battle of the Fords against Japan.",
     "Japan won the battle of the Fords against the Soviet Union.", True),
    ("Which side won the battle of the Fords?", "The battle of the Fords was won by the Soviets, who routed Japan.",
     "Japan won the battle of the Fords over the Soviets.", True),
    ("Who defeated the army at the Fords?", "At the Fords, Zhukov defeated the army led by Komatsubara.",
     "At the Fords, Komatsubara defeated the army led by Zhukov.", True),
    # The same doer in other words, and a second doer beside the first: agreement.
    ("Which side won the battle of the Fords?", "The Soviets won the battle of the Fords against Japan.",
     "The battle of the Fords was won by the USSR, and Japan retreated.", False),
    ("Who founded the company of the Fords?", "Smith founded the company of the Fords in 1900.",
     "Jones founded the company of the Fords with Smith.", False),
])
def test_sources_that_swap_who_did_it_disagree(question, a, b, conflict):
    found = find_conflict(question, [quote(a, "b"), quote(b, "w")])
    assert (found is not None) is conflict, found
    if found:
        assert {q.source for q in found.quotes} == {"b", "w"}


@pytest.mark.parametrize(("a", "b", "conflict"), [
    ("The pact kept the peace between them for years.", "The pact did not keep the peace for long.", True),
    ("The pact never kept the peace.", "The pact did not keep the peace.", False),
    ("The pact kept the peace.", "Both sides agreed the pact kept the peace for a while.", False),
    ("The pact kept the peace.", "The pact was signed in spring.", False),  # says nothing either way
])
def test_one_source_denying_what_another_affirms(a, b, conflict):
    found = find_conflict("Did the pact keep the peace?", [quote(a, "b"), quote(b, "w")])
    assert (found is not None) is conflict
    if conflict:
        assert "did not keep" in found.note and "kept the peace" in found.note
        assert {q.source for q in found.quotes} == {"b", "w"}


@pytest.mark.parametrize(("question", "a", "b"), [
    # The denial is a condition, not a claim.
    ("Can the pact be renewed?", "If the pact is not renewed, it ends after five years.",
     "The pact can be renewed by either side."),
    # The question itself says what is denied: a source saying it too agrees with the question.
    ("Did the army that did not retreat win the battle?", "The army did not retreat and won the battle.",
     "The army did retreat at first, but won the battle in the end."),
    # What the other source states, it states as failing: it affirms nothing.
    ("Can a version be published twice?", "You cannot publish a version twice.",
     "Publishing a version twice fails with an error."),
])
def test_a_denial_that_is_a_condition_the_premise_or_a_failure_is_no_conflict(question, a, b):
    assert find_conflict(question, [quote(a, "b"), quote(b, "w")]) is None
    assert find_conflict(question, [quote(b, "b"), quote(a, "w")]) is None


def test_one_source_or_meaning_off_is_never_a_conflict_in_meaning():
    one = [quote("Japan won the battle of the Fords.", "w"), quote("The Soviets won the battle of the Fords.", "w")]
    assert find_conflict("Which side won the battle of the Fords?", one) is None
    two = [quote("Japan won the battle of the Fords.", "b"), quote("The Soviets won the battle of the Fords.", "w")]
    assert find_conflict("Which side won the battle of the Fords?", two, meaning=False) is None


def test_without_spacy_names_come_from_capital_letters(monkeypatch):
    assert [n.text for n in capitalised("Later the Soviets beat the Imperial Japanese Army near Nomonhan.")] == [
        "Soviets", "Imperial Japanese Army", "Nomonhan"]
    monkeypatch.setattr(entities, "pipeline", lambda: None)
    entities.names.cache_clear()
    try:
        assert {n.label for n in names("Georgy Zhukov beat Japan.")} == {"NAME"}
        found = find_conflict("Which side won the battle of the Fords?", [
            quote("The battle of the Fords was won by Japan.", "b"),
            quote("The Soviets won the battle of the Fords.", "w")])
        assert found is not None and "Japan" in found.note and "Soviets" in found.note
        assert find_conflict("Which side won the battle of the Fords?", [
            quote("The battle of the Fords was won by the Soviet Union.", "b"),
            quote("The Soviets won the battle of the Fords.", "w")]) is None
    finally:
        entities.names.cache_clear()
