"""The confidence's inputs and function (qa.answering.doubt), asked and offered kinds (qa.answering.asked),
WordNet paraphrase (qa.answering.paraphrase), and the sentence that follows
(qa.answering.quotes.following_units), on made-up text and the real index."""
from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from qa import Config, ask
from qa.answering.asked import asked_kind, counts_asked, offered_kinds, offers
from qa.answering.doubt import CONFIDENCE_INPUTS, MARGIN_CAP, confidence, echoes, inputs_of, margin, unknown_terms
from qa.answering.paraphrase import relatives, wordnet
from qa.answering.scoring import scoring_for
from qa.indexing.lexical import tokenize
from qa.training.doubt_train import Row, expected_calibration_error, fit_weights, high_floor, reliability

needs_wordnet = pytest.mark.skipif(wordnet() is None, reason="WordNet (Debian's wordnet-base) is not installed")


@pytest.mark.parametrize(("question", "kind"), [
    ("who commanded the soviets at khalkhin gol", "person"),
    ("which side won at khalkhin gol", "group"),
    ("where is khalkhin gol", "place"),
    ("what year was the battle", "time"),
    ("how long was the pact supposed to last", "duration"),
    ("how many soldiers died", "count"),
    ("how big was the japanese force", "quantity"),
    ("why were there so many border violations", "reason"),
    ("how did the battle end", "manner"),
    ("what settled the dispute", "other"),
    # "when" asks for a time as the question word only, not where it opens a clause
    ("the album was released when?", "time"),
    ("since when has the pact held", "time"),
    ("who did she write to when she was ill", "person"),
    ("What happens if sep is None when calling print?", "other"),
    ("When Liszt lived close to Chopin, where did he call home?", "place"),
    ("When didn't Washington reach the fort?", "time"),
    # and "where" likewise
    ("In 1835 where did Chopin and his parents visit?", "place"),
    ("Where in England were the scenes shot?", "place"),
    ("The stock exchange is located where?", "place"),
    ("Who constructed an experiment where stones were rolled down an incline?", "person"),
    ("What is the difference between WHERE and HAVING?", "other"),
    # how to do something: steps, a command or code, none of the kinds above
    ("How do I delete a remote branch?", "other"),
    ("How can I tell that a directory is a mount point?", "other"),
    ("how to read a TOML file", "other"),
])
def test_the_kind_a_question_asks_for(question, kind):
    assert asked_kind(question) == kind


def test_the_kinds_a_sentence_offers():
    assert offered_kinds("The result was a Mongolian rout, with 56 soldiers being killed.") >= {"count", "group"}
    assert "count" not in offered_kinds("The sides agreed to a cease-fire on 15 September 1939.")  # a day, a year
    assert "time" in offered_kinds("The two sides agreed to a cease-fire on 15 September 1939.")
    # a month has a capital: "may" and "march" in lower case are verbs
    assert "time" in offered_kinds("The pact was signed in May.")
    assert "time" not in offered_kinds("Stashes may also be referenced by their index.")
    assert "time" not in offered_kinds("The troops march to the river.")
    # a place is named with a capital after its preposition, or is a word for one
    assert "place" in offered_kinds("The battle was fought in Manchuria.")
    assert "place" not in offered_kinds("The value is written in the manifest by the build.")
    assert "place" in offered_kinds("The cache is kept in a folder of its own.")
    assert "person" in offered_kinds("In 1936, Lieutenant-Colonel Sugimoto Yasuo formed a detachment.")
    assert "person" not in offered_kinds("The talks between the Soviet Union and Japan failed.")
    assert "reason" in offered_kinds("The attack failed due to the arrival of Japanese troops.")


def test_a_manual_s_answers_offer_what_its_questions_ask():
    # a path is a place; a condition answers "when"; a length in characters answers "how long"
    assert offers("Where are global packages installed?", "Global installs go to {prefix}/lib/node_modules.")
    assert offers("Where is the user config?", "It defaults to $HOME/.npmrc.")
    assert offers("Where is it kept?", "Use one and/or the other.") is False
    assert offers("When does NULLIF return null?", "NULLIF returns a null value if value1 equals value2.")
    # asked in the present or with "should", "when" asks under what condition, which a "when" clause states too;
    # asked in the past it asks for a date
    assert offers("When should I use git stash?", "Use git stash when you want a clean working directory.")
    assert offers("When did the war end?", "The war ended when the treaty was signed.") is False
    assert offers("When should I use git stash?", "When in doubt, read the manual page.") is False
    assert offers("In what year was it merged?", "If the boroughs were cities, they would rank high.") is False
    assert offers("How long can a package name be?", "The name must be at most 214 characters.")
    assert offers("How long did the war last?", "The war was fought over the border.") is False


@needs_wordnet
def test_a_count_must_count_what_is_asked_about():
    assert counts_asked("how many people died at tauran", "The result was a rout, with 56 soldiers being killed.")
    assert not counts_asked("how many soldiers died at khalkhin gol", "There were three principal engagements.")
    # a number that multiplies counts nothing, though the words it sits between are the question's
    assert not counts_asked("how many soviet soldiers were killed", "Soviet soldiers were killed three times as often.")
    assert counts_asked("how many soviet soldiers were killed", "Soviet soldiers were killed: three of them.")
    # one step of WordNet, not two: "tanks" and "killed" are both relatives of "drink", not of each other
    assert not counts_asked("how many soldiers were killed", "They lost dozens of tanks.")
    assert counts_asked("how many soldiers were killed", "They lost dozens of soldiers.")
    # a word's base form is the word: "men" is "man", a relative of "volunteers"
    assert counts_asked("how many volunteers died", "195 of these men died in battle.")
    assert offers("who commanded the army", "The army withdrew to the river.") is False
    # one name answers "who" as well as two; a people, a month, an acronym or a word of the question does not
    assert offers("Who was thought to have killed Tugh Temur?", "He was killed with poison by El Temür.")
    assert offers("Who set up the site?", "For example, the news agency Xinhua set up the site.")
    assert offers("who led the troops", "The Japanese troops withdrew in March, and the Soviets came back.") is False
    assert offers("who led the troops", "The troops were ambushed by 20 NKVD soldiers.") is False
    assert offers("who commanded the soviets", "The Soviets suffered heavy losses against the Koreans.") is False
    assert offers("what settled the dispute", "Anything at all.") is None
    assert offers("How do I delete a tag?", "git tag -d v1.0") is None  # a command offers no manner word


def test_confidence_is_one_logistic_function_of_the_named_inputs():
    inputs = dict.fromkeys(CONFIDENCE_INPUTS, 0.0)
    assert confidence(inputs, (0.0,) * len(CONFIDENCE_INPUTS), 0.0) == pytest.approx(0.5)
    fit = scoring_for(Config()).confidence
    assert fit is not None
    weights = fit.weights
    assert len(weights) == len(CONFIDENCE_INPUTS)
    low = confidence({**inputs, "margin": 0.0, "support": 1.0}, weights, fit.bias)
    high = confidence({**inputs, "margin": MARGIN_CAP, "support": 1.0}, weights, fit.bias)
    doubted = confidence({**inputs, "margin": MARGIN_CAP, "support": 1.0, "kind_missing": 1.0}, weights,
                         fit.bias)
    assert low < high and doubted <= high


def test_the_margin_is_taken_over_the_best_unit_that_does_not_overlap_the_top():
    assert margin([5.0, 4.9, 3.0], lambda n: n == 1) == pytest.approx(2.0)
    assert margin([5.0], lambda n: False) == MARGIN_CAP
    assert margin([9.0, 1.0], lambda n: False) == MARGIN_CAP


def test_a_unit_that_repeats_the_top_one_is_no_rival_for_the_margin():
    texts = ["Sorts are guaranteed to be stable.", "The sort() method is guaranteed to be stable.",
             "The key function is called once for each element.", "Sorting is stable in Python."]
    scores = [5.0, 4.9, 3.0, 4.95]
    asked: list[int] = []

    def repeats(n: int) -> bool:
        asked.append(n)
        return echoes(texts[0], texts[n])

    assert echoes(texts[0], texts[3]) and not echoes(texts[0], texts[2])
    assert margin(scores, repeats) == pytest.approx(2.0)
    assert asked == [3, 1, 2]  # best rivals first, none after the first that counts
    assert margin(scores, lambda n: False) == pytest.approx(0.05)
    assert not echoes("", texts[0]) and not echoes(texts[0], "the a of")  # no content words: nothing repeated


def test_unknown_terms_count_words_absent_after_stemming():
    vocabulary = set(tokenize(["The Soviet Union and Japan agreed to a cease-fire on 15 September."])[0])
    assert unknown_terms("When did the Soviet Union agree?", vocabulary.__contains__) == 0.0
    assert unknown_terms("When was the xlsx export?", vocabulary.__contains__) == 1.0
    assert unknown_terms("what", vocabulary.__contains__) == 0.0  # no content word at all


def test_a_word_is_looked_up_as_the_index_split_it():
    vocabulary = set(tokenize(["libtasn1 is a library; asn1Decoding decodes DER data."])[0])
    assert unknown_terms("What is libtasn1?", vocabulary.__contains__) == 0.0
    assert unknown_terms("What does asn1Decoding do?", vocabulary.__contains__) == 0.0
    assert unknown_terms("What does asn2Decoding do?", vocabulary.__contains__) == 1.0


@needs_wordnet
def test_paraphrase_and_compounds_make_a_word_known():
    vocabulary = set(tokenize(["The two sides agreed to a cease-fire. 37 soldiers were killed."])[0])
    assert "die" in relatives("killed")
    assert unknown_terms("when was the ceasefire", vocabulary.__contains__) == 0.0  # cease + fire
    assert unknown_terms("when was the truce", vocabulary.__contains__) == 0.0  # truce ~ cease-fire
    assert relatives("xlsx") == frozenset() and relatives("") == frozenset()


def _rows(n: int, seed: int = 3) -> list[Row]:
    rng = np.random.default_rng(seed)
    rows = []
    for i in range(n):
        right = bool(rng.random() < 0.5)
        inputs = {"support": rng.normal(1.0 if right else 0.0, 1.0), "margin": rng.normal(2.0 if right else 1.0, 1.0),
                  "kind_missing": float(rng.random() < (0.05 if right else 0.3)),
                  "unknown_terms": float(rng.random() < (0.3 if right else 0.1))}  # backwards on purpose
        rows.append(Row(inputs, right, True, f"a{i % 5}"))
    return rows


def test_the_fit_keeps_doubts_from_raising_the_confidence():
    weights, _ = fit_weights(_rows(600))
    named = dict(zip(CONFIDENCE_INPUTS, weights))
    assert named["support"] > 0 and named["margin"] > 0 and named["kind_missing"] < 0
    assert named["unknown_terms"] == 0.0  # it rose with right answers here: left out, not trusted


def test_calibration_figures():
    p = np.array([0.95] * 60 + [0.2] * 40)
    y = np.array([1.0] * 57 + [0.0] * 3 + [0.0] * 32 + [1.0] * 8)
    assert expected_calibration_error(p, y) == pytest.approx(0.0)
    assert high_floor(p, y) == pytest.approx(0.5)  # 0.5 up: all 60 at 0.95, 57 right
    assert high_floor(p, np.zeros(100)) == 1.0
    assert [b["questions"] for b in reliability(p, y)] == [40, 60]


def test_the_pipeline_s_confidence_is_qa_doubt_s(default_index):
    """The confidence ask reports is the configured function of the inputs the ranking had."""
    from qa.answering.features import unit_text
    from qa.answering.quotes import rank
    from qa.answering.sentence_stats import stats

    question = "How many Soviet soldiers died at Kanchazu island?"
    ranking = rank(default_index, question)
    top = set(ranking.units[0].ids)
    inputs = inputs_of(question, [unit_text(default_index, ranking.units[0])], ranking.scores.tolist(),
                       lambda n: bool(top.intersection(ranking.units[n].ids)), ranking.support,
                       stats(default_index).df.__contains__)
    config = default_index.config
    assert ranking.confidence == pytest.approx(confidence(inputs, *_fit(config)))
    assert ask(question, index=default_index).confidence == pytest.approx(ranking.confidence, abs=1e-4)


@needs_wordnet
def test_the_sentence_that_follows_joins_the_one_naming_the_subject(tmp_path):
    """"How many died" is answered by the sentence after the one that names the battle, in its paragraph."""
    from qa.answering.features import unit_text
    from qa.answering.quotes import following_units
    from qa.answering.sentence_stats import stats
    from qa.records import Unit

    from ..conftest import index_of

    index = index_of(tmp_path, {"fords.txt": (
        "The Battle of the Fords was fought in the valley of the Tarn. The result was a rout, with 300 soldiers "
        "being killed and many more wounded. Farmers later returned to the valley.\n\nThe Siege of the Mill was "
        "fought near the Tarn as well.\n\nIn the end 40 soldiers were killed there.")})
    st = stats(index)
    starts = {unit_text(index, Unit.of(i))[:14]: i for i in range(len(index.sentences))}
    battle, siege = starts["The Battle of "], starts["The Siege of t"]
    pairs = following_units(index, st, "how many soldiers died at the battle of the fords", [Unit.of(battle)])
    assert pairs == [Unit.of(battle, battle + 1)] and "300 soldiers" in unit_text(index, pairs[0])
    assert following_units(index, st, "what happened at the battle of the fords", [Unit.of(battle)]) == []
    assert following_units(index, st, "how many soldiers died at the siege of the mill", [Unit.of(siege)]) == []


def test_the_natural2_set_is_well_formed(default_index):
    """The second natural-question set (reported on by benchmarks/bench_natural2.py, never tuned to)."""
    rows = [json.loads(line) for line in (Path(__file__).parents[1] / "data" / "natural2.jsonl").read_text(
        encoding="utf-8").splitlines() if line.strip()]
    kinds = [r["kind"] for r in rows]
    assert len(rows) >= 40 and kinds.count("unanswerable") == 10 and kinds.count("disagree") == 5
    texts = {name: " ".join(d.text.split()) for name, d in default_index.documents.items()}
    for r in rows:
        assert all(any(e in t for t in texts.values()) for e in r["expected"]), r
        assert (r["kind"] == "unanswerable") == (not r["expected"]), r
        if r["kind"] == "disagree":  # each side is stated by a different source
            sides = [{n for n, t in texts.items() if any(e in t for e in side)} for side in r["sides"]]
            assert len(sides) == 2 and all(len(s) == 1 for s in sides) and sides[0] != sides[1], r


def _fit(config):
    fit = scoring_for(config).confidence
    assert fit is not None
    return fit.weights, fit.bias


def test_a_doubt_with_no_weight_is_not_computed_and_changes_nothing():
    question, text = "How many soldiers died in the xlsx incident?", "56 soldiers were killed there."
    known = set(tokenize([text])[0]).__contains__
    args = (question, [text], [2.0, 1.0], lambda n: False, 0.5, known)
    full = inputs_of(*args)
    weights = (0.8, 0.3, -0.2, 0.0)  # follows CONFIDENCE_INPUTS: unknown_terms has no weight
    skipped = inputs_of(*args, weights)
    assert full["unknown_terms"] > 0 and skipped["unknown_terms"] == 0.0
    assert {k: v for k, v in skipped.items() if k != "unknown_terms"} == \
        {k: v for k, v in full.items() if k != "unknown_terms"}
    assert confidence(skipped, weights, -1.0) == confidence(full, weights, -1.0)
