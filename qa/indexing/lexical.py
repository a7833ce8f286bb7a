"""The lexical side of retrieval: BM25 (bm25s) with English stopwords and a Snowball stemmer."""
from __future__ import annotations

import logging
import re
from functools import lru_cache
from pathlib import Path

import bm25s
import numpy as np
import Stemmer
from bm25s.stopwords import STOPWORDS_EN

logging.getLogger("bm25s").setLevel(logging.WARNING)  # it logs each index build at DEBUG


@lru_cache(maxsize=1)
def _stemmer() -> Stemmer.Stemmer:
    return Stemmer.Stemmer("english")


def tokenize(texts: list[str]) -> list[list[str]]:
    """Lower-cased, stopword-free, stemmed terms of each text (``[""]`` for a text with none).

    The terms bm25s's ``Tokenizer(stopwords="en", stemmer=...)`` gives (its default splitter, its English
    stopwords; the tests check that both agree), without the tokenizer and progress bar it sets up per
    call, which cost more than tokenising a question.
    """
    return [[_stem(w) for w in _SPLIT(text.lower()) if w not in _STOPWORDS] or [""] for text in texts]


_SPLIT = re.compile(r"(?u)\b\w\w+\b").findall  # bm25s's default splitter
_STOPWORDS = frozenset(STOPWORDS_EN)


@lru_cache(maxsize=65_536)
def _stem(word: str) -> str:
    return _stemmer().stemWord(word)


@lru_cache(maxsize=256)
def query_terms(query: str) -> tuple[str, ...]:
    """:func:`tokenize` of one question, kept for the few recent ones (features and BM25 both need it)."""
    return tuple(tokenize([query])[0])


class Lexical:
    """A BM25 index over a fixed list of texts (the chunks), saved with bm25s's own format."""

    def __init__(self, retriever: bm25s.BM25):
        self.retriever = retriever
        self.vocab: dict[str, int] = retriever.vocab_dict

    @classmethod
    def fit(cls, texts: list[str]) -> Lexical:
        retriever = bm25s.BM25()
        # A document with no terms (all stopwords) still needs a row.
        retriever.index([t or [""] for t in tokenize(texts)], show_progress=False)
        return cls(retriever)

    def save(self, folder: Path) -> None:
        self.retriever.save(str(folder), show_progress=False)

    @classmethod
    def load(cls, folder: Path) -> Lexical:
        return cls(bm25s.BM25.load(str(folder), show_progress=False))

    def scores(self, query: str) -> np.ndarray:
        """BM25 score of every indexed text for ``query`` (zeros when no query term is known)."""
        terms = [t for t in query_terms(query) if t and t in self.vocab]
        n = self.retriever.scores["num_docs"]
        if not terms:
            return np.zeros(n, dtype=np.float32)
        return np.asarray(self.retriever.get_scores(terms), dtype=np.float32)
