"""qa.indexing.lexical: the terms BM25 sees (lower-cased, stopword-free, stemmed), scores that follow them, and
a save → load round trip that scores alike."""
from __future__ import annotations

import numpy as np

from qa.indexing.lexical import Lexical, query_terms, tokenize

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
