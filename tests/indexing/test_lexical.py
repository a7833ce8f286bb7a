"""qa.indexing.lexical: the terms BM25 sees (lower-cased, stopword-free, stemmed), scores that follow them, and
a save → load round trip that scores alike."""
from __future__ import annotations

import subprocess
import sys

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from qa.indexing.lexical import Lexical, query_terms, saved_terms, tokenize, tokenizer_key

from ..conftest import ROOT

TEXTS = [
    "The harbour was dredged in 1910.",
    "Fishing boats land their catch in the harbour every morning.",
    "The old mill stands beside the river.",
    "the of and",  # stopwords only: still a row
]


def test_terms_are_lower_cased_stemmed_and_free_of_stopwords():
    assert tokenize(["The Boats LANDING in the Harbours"]) == [["boat", "land", "harbour"]]
    assert query_terms("the boats of the harbour") == ("boat", "harbour")
    assert not any(tokenize(["of the and"])[0])  # stopwords only: no term


def test_a_single_letter_option_is_a_term_as_written():
    assert query_terms("What does ls -R do?") == ("what", "doe", "ls", "do", "-R")
    # not the end of a hyphenated word, a negative number or a part of a long option
    assert tokenize(["-v, --invert-match", "x-y and pre-war, a -1 or --a-b"]) == [["invert", "match", "-v"],
                                                                               ["pre", "war"]]
    lexical = Lexical.fit(["-r, --reverse: reverse order", "-R, --recursive: list subdirectories"])
    assert int(np.argmax(lexical.scores("ls -R"))) == 1 and int(np.argmax(lexical.scores("ls -r"))) == 0


def test_a_single_letter_of_a_dotted_name_is_a_term():
    # a reference names things with one letter after a module's or object's name ("flask.g", "re.A", "math.e"),
    # and its examples use them before an attribute ("g.user"): the splitter alone drops every one-letter word
    assert query_terms("What is flask.g?") == ("what", "flask", "g")
    assert query_terms("What does re.A do?")[-1] == "a"
    assert tokenize(["then set g.user in the view"]) == [["set", "user", "view", "g"]]
    # abbreviations, versions and initials are no names
    assert tokenize(["e.g. this, i.e. that, the U.S. army", "Python 3.x", "J. R. Smith"]) == [
        ["armi"], ["python"], ["smith"]]
    lexical = Lexical.fit(["re.A: make matching ASCII-only", "re.I: make matching ignore case"])
    assert int(np.argmax(lexical.scores("What does re.A do?"))) == 0
    assert int(np.argmax(lexical.scores("What does re.I do?"))) == 1


def test_a_word_after_a_letter_and_a_hyphen_is_also_a_term_joined_to_it():
    # "f-strings", "B-tree", "e-mail": the splitter keeps the word alone, so "f-strings" was "strings" and a
    # question typing "btree" or "email" found none of them
    assert query_terms("How do I use f-strings?")[-2:] == ("string", "fstring")
    assert tokenize(["B-tree indexes", "send an e-mail", "X-Forwarded-For"]) == [
        ["tree", "index", "btree"], ["send", "mail", "email"], ["forward", "xforward"]]
    # a longer prefix, a chain of single letters, an option or a number is none
    assert tokenize(["pre-x, a-b-c, x-y, -e and a-1x"]) == [["pre", "1x", "-e"]]
    lexical = Lexical.fit(["Each B-tree index entry points to a row.", "The tree of directories."])
    assert int(np.argmax(lexical.scores("How is a btree index organised?"))) == 0


def test_a_backslash_and_a_letter_is_a_term_as_written():
    # a regular expression's classes (\d, \s, \A) and psql's commands (\x) are a backslash and a letter, which
    # the splitter reads as nothing; case is kept, as \d and \D are opposites
    assert query_terms(r"What does \d match?")[-1] == r"\d"
    assert tokenize([r"\D is not \d", r"r'\d+' and '\n'"]) == [[r"\D", r"\d"], [r"\d", r"\n"]]
    # the letter of a word or of a doubled backslash is none (C:\Windows\x, \\d in a string's source)
    assert tokenize([r"C:\Windows\x and \\d"]) == [["window"]]
    lexical = Lexical.fit([r"\A matches only at the start of the string.",
                           r"\Z matches only at the end of the string."])
    assert int(np.argmax(lexical.scores(r"What does \A match?"))) == 0
    assert int(np.argmax(lexical.scores(r"What does \Z match?"))) == 1


def test_a_special_parameter_is_a_term_as_written():
    # the shell's "$?", "$#", "$@", "$$" and make's "$<" are a dollar and a sign, which the splitter reads as nothing
    assert query_terms("What does $? mean in bash?")[-1] == "$?"
    assert tokenize(["($$) Expands to the process ID", "target: $< $^ $@"]) == [
        ["expand", "process", "id", "$$"], ["target", "$<", "$^", "$@"]]
    # a price, a variable's name and a sign inside a word are none
    assert tokenize(["$5 million, US$3 and $HOME"]) == [["million", "us", "home"]]
    lexical = Lexical.fit(["($?) Expands to the exit status of the last pipeline.",
                           "($#) Expands to the number of positional parameters."])
    assert int(np.argmax(lexical.scores("What does $? mean?"))) == 0
    assert int(np.argmax(lexical.scores("What is $# in a shell script?"))) == 1


def test_scores_follow_the_query_terms():
    lexical = Lexical.fit(TEXTS)
    scores = lexical.scores("When was the harbour dredged?")
    assert scores.shape == (len(TEXTS),)
    assert int(np.argmax(scores)) == 0  # both terms
    assert scores[1] > 0 and scores[2] == 0 and scores[3] == 0


def test_unknown_or_stopword_queries_score_zero_everywhere():
    lexical = Lexical.fit(TEXTS)
    assert not lexical.scores("zyxwv qwertz").any()
    assert not lexical.scores("of the and").any()


def test_save_and_load_give_the_same_scores(tmp_path):
    lexical = Lexical.fit(TEXTS)
    lexical.save(tmp_path / "bm25")
    loaded = Lexical.load(tmp_path / "bm25")
    for query in ("harbour boats", "mill river", "morning catch"):
        np.testing.assert_array_equal(loaded.scores(query), lexical.scores(query))


def test_known_terms_are_used_and_saved_terms_come_back(tmp_path):
    lexical = Lexical.fit(TEXTS)
    lexical.save(tmp_path / "bm25")
    saved = saved_terms(tmp_path / "bm25", TEXTS)
    assert saved == dict(zip(TEXTS, tokenize(TEXTS)))
    again = Lexical.fit(TEXTS, saved)
    for query in ("harbour boats", "mill river"):
        np.testing.assert_array_equal(again.scores(query), lexical.scores(query))
    # A text's known terms stand in for tokenising it.
    swapped = Lexical.fit(TEXTS, {TEXTS[0]: ["mill"]})
    assert swapped.scores("dredged").tolist()[0] == 0 and swapped.scores("mill")[0] > 0
    # Terms saved for other texts, or by another tokeniser, are not used.
    assert saved_terms(tmp_path / "bm25", TEXTS[:2]) == {}
    lines = (tmp_path / "bm25" / "terms.jsonl").read_bytes().split(b"\n", 1)
    (tmp_path / "bm25" / "terms.jsonl").write_bytes(b'{"tokenizer": "another"}\n' + lines[1])
    assert saved_terms(tmp_path / "bm25", TEXTS) == {}
    assert saved_terms(tmp_path / "nowhere", TEXTS) == {}


def test_the_tokenizer_key_is_the_same_in_another_process():
    """Terms saved by one build are reused by the next, which runs in another process."""
    code = "from qa.indexing.lexical import tokenizer_key; print(tokenizer_key())"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT)
    assert out.stdout.strip() == tokenizer_key()


def _bm25s_terms(texts: list[str]) -> list[list[str]]:
    """The reference: bm25s's own tokenizer, set up as qa's tokenize describes, and then each text's single-letter
    options ("-e"), the single letters of its dotted names ("re.A"), its words joined to a letter by a hyphen
    ("f-strings"), its backslashed letters ("\\d") and its special parameters ("$?"), which it does not keep."""
    import re

    from bm25s.tokenization import Tokenizer

    from qa.indexing.lexical import _stemmer

    words = Tokenizer(stopwords="en", stemmer=_stemmer()).tokenize(texts, return_as="string", show_progress=False)
    options = [re.findall(r"(?<![\w-])-[A-Za-z](?![\w-])", text) for text in texts]
    dotted = [[m.lower() for m in re.findall(r"(?:(?<=\w\w\.)|(?<![\w.])(?=[A-Za-z]\.\w\w))[A-Za-z](?!\w)", text)]
              for text in texts]
    joined = [[_stemmer().stemWord((a + b).lower()) for a, b in re.findall(r"(?<![\w-])([A-Za-z])-([A-Za-z]\w+)", text)]
              for text in texts]
    escapes = [re.findall(r"(?<![\w\\])\\[A-Za-z](?!\w)", text) for text in texts]
    specials = [re.findall(r"(?<![\w$])\$[?#@*!$<^+|0-](?!\w)", text) for text in texts]
    return [[w for w in found if w] + more + letters + lettered + escaped + special or [""]
            for found, more, letters, lettered, escaped, special in zip(words, options, dotted, joined, escapes,
                                                                         specials)]


def test_terms_equal_bm25s_tokenizer_on_the_default_corpus():
    from pathlib import Path

    lines = [line for f in sorted((Path(__file__).parents[2] / "corpus").iterdir()) if f.suffix in (".md", ".txt")
             for line in f.read_text(encoding="utf-8").splitlines()]
    odd = ["", "   ", "of the and", "Ünïcode naïve café_au_lait x2 a", "it's 1,200 km²; C++ — e.g. U.S.A.", "__ _a"]
    texts = lines + odd
    assert len(lines) > 100
    assert tokenize(texts) == _bm25s_terms(texts)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.text(), max_size=5))
def test_terms_equal_bm25s_tokenizer_on_any_text(texts):
    assert tokenize(texts) == _bm25s_terms(texts)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.text(alphabet="abZé1_. -\\$?#@0", max_size=12), max_size=4))
def test_terms_equal_the_reference_on_names_and_signs(texts):
    # letters, dots, hyphens, backslashes, dollars and word characters mixed: where the readings that start at a
    # dot, a hyphen, a backslash or a dollar could part from the look-behind patterns the reference uses
    assert tokenize(texts) == _bm25s_terms(texts)
