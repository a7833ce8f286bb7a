"""The lexical side of retrieval: BM25 (bm25s) with English stopwords and a Snowball stemmer.

Beside bm25s's own files an index keeps each text's terms (``terms.jsonl``), so that an update
tokenises only the texts it has not seen: tokenising every chunk took a sixth of a one-page update.
"""
from __future__ import annotations

import hashlib
import logging
import re
from collections.abc import Callable, Iterator, Mapping
from functools import lru_cache
from pathlib import Path

import bm25s
import numpy as np
import orjson
import Stemmer
from bm25s.stopwords import STOPWORDS_EN

from . import checksums

logging.getLogger("bm25s").setLevel(logging.WARNING)  # it logs each index build at DEBUG


@lru_cache(maxsize=1)
def _stemmer() -> Stemmer.Stemmer:
    return Stemmer.Stemmer("english")


def tokenize(texts: list[str]) -> list[list[str]]:
    """Lower-cased, stopword-free, stemmed terms of each text (``[""]`` for a text with none), then its
    single-letter command-line options as written ("-e", "-R"), the single-letter parts of its dotted names
    ("flask.g", "re.A", "g.user": "g", "a", "g"), its words written with a letter and a hyphen, joined ("f-strings",
    "B-tree", "e-mail": "fstring", "btree", "email"), its backslashed letters ("\\d", "\\A") and its special
    parameters ("$?", "$#") as written.

    The words are the terms bm25s's ``Tokenizer(stopwords="en", stemmer=...)`` gives (its default splitter,
    its English stopwords; the tests check that both agree), without the tokenizer and progress bar it sets
    up per call, which cost more than tokenising a question. That splitter keeps words of two letters or
    more, so "What does set -e do?" would lose what it asks about; an option keeps its dash and its case
    ("-r" and "-R" differ), so that it is never the word "e" or "r". A name's single letter after or before a
    dot and a longer word ("What is flask.g?") is kept too, lower-cased; the letters of "e.g." or "U.S." are not.
    A word after a single letter and a hyphen is a term alone and joined to the letter, so that "email" finds
    "e-mail" and "f-strings" is not read as "strings" alone.
    """
    return [[_stem(w) for w in split_words(text) if w not in _STOPWORDS] + _options(text) + _dotted_letters(text)
            + _lettered(text) + _escapes(text) + _specials(text) or [""] for text in texts]


def _options(text: str) -> list[str]:
    return _OPTION(text) if "-" in text else []


# A single-letter option: a dash and a letter, standing alone ("ls -a", "-v, --invert-match"), not the end of a
# hyphenated word ("x-y") or a long option ("--a-b")
_OPTION = re.compile(r"(?<![\w-])-[A-Za-z](?![\w-])").findall


def _dotted_letters(text: str) -> list[str]:
    """Each letter standing alone in a dotted name, lower-cased, in order: before a dot and a word of two or more
    ("g.user"), or after a dot that such a word precedes ("flask.g", "re.A"); not one between two single letters
    ("e.g.", "i.e.", "U.S."). Read dot by dot: one pattern tried at every position doubled the cost of tokenising."""
    out: list[str] = []
    n, last = len(text), -1
    dot = text.find(".")
    while dot != -1:
        before, after = dot - 1, dot + 1
        if (before > last and text[before:dot] in _LETTERS and not (before and _in_name(text[before - 1]))
                and dot + 2 < n and _word(text[after]) and _word(text[after + 1])):
            out.append(text[before].lower())
            last = before
        if (text[after:after + 1] in _LETTERS and not (after + 1 < n and _word(text[after + 1]))
                and dot >= 2 and _word(text[dot - 1]) and _word(text[dot - 2])):
            out.append(text[after].lower())
            last = after
        dot = text.find(".", after)
    return out


def _word(char: str) -> bool:
    return char.isalnum() or char == "_"  # what the pattern \w matches


def _in_name(char: str) -> bool:
    return _word(char) or char == "."


def _in_word(char: str) -> bool:
    return _word(char) or char == "-"


_LETTERS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ")


def _lettered(text: str) -> list[str]:
    """The stemmed join of each single letter, a hyphen and a word of two or more characters that starts with a
    letter ("f-strings": "fstring"), the letter standing alone (not "pre-x" or "a-b-c"'s "b-c")."""
    if "-" not in text:
        return []
    out = []
    for m in _AFTER_DASH(text):
        letter = m.start() - 1
        if letter >= 0 and text[letter] in _LETTERS and not (letter and _in_word(text[letter - 1])):
            out.append(_stem((text[letter] + m.group(1)).lower()))
    return out


# A hyphen and a word starting with a letter: where a letter before it makes a word written with a letter
_AFTER_DASH = re.compile(r"-([A-Za-z]\w+)").finditer


def _escapes(text: str) -> list[str]:
    """Each backslash and single letter standing alone, as written ("\\d", "\\D", "\\x"): a regular expression's
    class, a string's escape or psql's command, which the splitter reads as nothing (case kept: "\\d" is not "\\D")."""
    return _standing(text, "\\", _ESCAPE)


# A backslash and one letter that no word character follows ("\d+", "'\n'", "\x"), not the letter of a name
# ("C:\Windows")
_ESCAPE = re.compile(r"\\[A-Za-z](?!\w)").finditer


def _specials(text: str) -> list[str]:
    """Each shell or make special parameter as written ("$?", "$#", "$@", "$$", "$0", make's "$<"), which the
    splitter reads as nothing: a dollar and one sign (or 0) that no word character follows, after no word
    character or other dollar (not a price: "$5" is none)."""
    return _standing(text, "$", _SPECIAL)


_SPECIAL = re.compile(r"\$[?#@*!$<^+|0-](?!\w)").finditer


def _standing(text: str, sign: str, pattern: Callable[[str], Iterator[re.Match[str]]]) -> list[str]:
    """The matches of ``pattern`` (each starting with ``sign``) that no word character and no other ``sign``
    comes right before, as written."""
    if sign not in text:
        return []
    return [m.group() for m in pattern(text)
            if not (m.start() and (_word(text[m.start() - 1]) or text[m.start() - 1] == sign))]


def split_words(text: str) -> list[str]:
    """The lower-cased words of ``text`` as BM25 splits it, before stopwords and stemming ("asn1Decoding"
    stays one word)."""
    return _SPLIT(text.lower())


_SPLIT = re.compile(r"(?u)\b\w\w+\b").findall  # bm25s's default splitter
_STOPWORDS = frozenset(STOPWORDS_EN)


@lru_cache(maxsize=65_536)
def _stem(word: str) -> str:
    return _stemmer().stemWord(word)


@lru_cache(maxsize=256)
def query_terms(query: str) -> tuple[str, ...]:
    """:func:`tokenize` of one question, kept for the few recent ones (features and BM25 both need it)."""
    return tuple(tokenize([query])[0])


@lru_cache(maxsize=1)
def tokenizer_key() -> str:
    """What a text's terms depend on: this module's code, bm25s's stopwords and the stemmer's version."""
    h = hashlib.sha256(Path(__file__).read_bytes())
    h.update(repr((sorted(_STOPWORDS), Stemmer.version())).encode())
    return h.hexdigest()[:16]


TERMS = "terms.jsonl"


def saved_terms(folder: Path, texts: list[str]) -> dict[str, list[str]]:
    """Text -> terms, as saved with the BM25 of ``texts`` in ``folder``; empty where they were made by
    another tokeniser, are missing, or do not match the texts in number."""
    try:
        with (folder / TERMS).open("rb") as f:
            header = orjson.loads(f.readline())
            terms = [orjson.loads(line) for line in f]
    except (OSError, orjson.JSONDecodeError):
        return {}
    if not isinstance(header, dict) or header.get("tokenizer") != tokenizer_key() or len(terms) != len(texts):
        return {}
    return dict(zip(texts, terms))


class Lexical:
    """A BM25 index over a fixed list of texts (the chunks), saved with bm25s's own format."""

    def __init__(self, retriever: bm25s.BM25, terms: list[list[str]] | None = None):
        self.retriever = retriever
        self.vocab: dict[str, int] = retriever.vocab_dict
        self.terms = terms

    @classmethod
    def fit(cls, texts: list[str], known: Mapping[str, list[str]] | None = None) -> Lexical:
        """BM25 of ``texts``; ``known`` gives the terms of texts already tokenised (:func:`saved_terms`)."""
        known = known or {}
        fresh = iter(tokenize([t for t in texts if t not in known]))
        terms = [known[t] if t in known else next(fresh) for t in texts]
        retriever = bm25s.BM25()
        # A document with no terms (all stopwords) still needs a row.
        retriever.index([t or [""] for t in terms], show_progress=False)
        return cls(retriever, terms)

    def save(self, folder: Path) -> None:
        """bm25s's files in ``folder``, and beside them the terms of each text (when this one was fitted)."""
        self.retriever.save(str(folder), show_progress=False)
        if self.terms is not None:
            header = orjson.dumps({"tokenizer": tokenizer_key()}, option=orjson.OPT_APPEND_NEWLINE)
            checksums.write_lines(folder / TERMS, [header, *(orjson.dumps(t, option=orjson.OPT_APPEND_NEWLINE)
                                                             for t in self.terms)])

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
