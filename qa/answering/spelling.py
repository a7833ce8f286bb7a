"""Spelling: a question word that is no word of English and that the documents never use, read as the
nearest word they do use ("brnach" as "branch"), so that a typing slip does not cost the answer.

A word is corrected only where it is typed in lower case (a name, "Dyrrachium", or an acronym, "CORS", is taken
as meant: a name the documents lack counts against answering), is not a word WordNet knows ("duke" stays "duke"
in documents that never say it), and the documents know neither it nor a WordNet relative of it. It becomes a
word of the documents that starts with the same letter and is one edit away (two for a word of 8 letters or
more; swapping two adjacent letters is one edit): among equally near words, one with the same letters first,
then the most frequent. A word with nothing that near ("xlsx") stays as it is, and keeps counting against
answering (qa.answering.doubt's ``unknown_terms``). Where WordNet is missing nothing is corrected. A word
the documents never use but write with a hyphen ("ceasefire", where they say "cease-fire") is read as they write
it, WordNet or not. The answer says which words it read otherwise (:attr:`qa.records.Answer.corrections`).
"""
from __future__ import annotations

import re
import weakref
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache

from rapidfuzz import process
from rapidfuzz.distance import OSA

from ..indexing.index import Index
from ..indexing.lexical import query_terms
from .paraphrase import relatives, wordnet
from .sentence_stats import stats

#: The shortest word corrected: a shorter one is too often a name or an abbreviation ("lst", "fnd").
MIN_LENGTH = 4
# The words that frame a question, which WordNet does not list
_FRAME = frozenset("what which who whom whose when where why how does did were have has had could would should "
                   "shall might must".split())
#: From this length on, a word may be two edits from its correction.
TWO_EDITS = 8


@dataclass(frozen=True)
class Words:
    """The words of an index's documents, by first letter, most frequent first, each as the documents most
    often write it."""

    by_letter: dict[str, tuple[str, ...]]  # lower-cased
    written: dict[str, str]  # lower-cased -> as most often written
    # a word the documents write with a hyphen, joined -> as most often written (lower-cased: "cease-fire")
    hyphenated: dict[str, str] = field(default_factory=dict)


def corrections(question: str, index: Index) -> tuple[tuple[str, str], ...]:
    """Each word of ``question`` that is a slip and the nearest word the documents use, as ``(typed, read)`` in
    the question's order (none where nothing is corrected). The read word is in lower case, capitalised as the
    question's first word, or as the documents write it where they write it with capitals inside
    ("PostgreSQL")."""
    known = stats(index).df.__contains__
    words = _QUESTION_WORD.findall(question)
    fixes: dict[str, str] = {}
    for n, written in enumerate(words):
        word = written.lower()
        if written in fixes or not word.isalnum() or not _slip(word, written, n == 0, known):
            continue
        found = words_of(index)
        if word in found.hyphenated:  # "ceasefire", which the documents write "cease-fire"
            fixes[written] = _cased(found.hyphenated[word], written)
            continue
        if wordnet() is None:  # loaded only now; without it a slip is not told from a word the documents lack
            return ()
        if _english(word) or any(known(r) for r in relatives(word)):
            continue  # a word of English, rightly spelt, that the documents do not use (or use as a relative)
        nearest = _nearest(word, found)
        if nearest is not None:
            fixes[written] = _cased(found.written[nearest], written)
    return tuple(fixes.items())


def _slip(word: str, written: str, opening: bool, known: Callable[[str], bool]) -> bool:
    """Whether ``word`` (as ``written`` in the question; ``opening``: its first word) may be a slip: long
    enough, typed in lower case, not a word that frames a question, and unknown to the documents."""
    if len(word) < MIN_LENGTH or word in _FRAME or not (written == word or (opening and written[1:] == word[1:])):
        return False
    terms = query_terms(word)
    return sum(c.isalpha() for c in word) >= MIN_LENGTH and bool(terms) and bool(terms[0]) and not known(terms[0])


@lru_cache(maxsize=16_384)
def _english(word: str) -> bool:
    """Whether WordNet knows ``word`` in any part of speech (its index, read without loading a synset)."""
    english = wordnet()
    return english is not None and english.morphy(word) is not None


def corrected(question: str, fixes: tuple[tuple[str, str], ...]) -> str:
    """``question`` with each typed word of ``fixes`` replaced by the word read for it; nothing else changes.

    >>> corrected("How do I rename a brnach?", (("brnach", "branch"),))
    'How do I rename a branch?'
    """
    if not fixes:
        return question
    read = dict(fixes)
    pattern = re.compile(r"(?<![^\W_])(" + "|".join(map(re.escape, read)) + r")(?![^\W_])")
    return pattern.sub(lambda m: read[m.group()], question)


def _nearest(word: str, words: Words) -> str | None:
    """The nearest word within reach: one with the same letters first (two letters swapped: "sotring" is
    "sorting" before "string"), then the most frequent ("commts" is "commits" before "commas")."""
    edits = 2 if len(word) >= TWO_EDITS else 1
    found = process.extract(word, words.by_letter.get(word[0], ()), scorer=OSA.distance, score_cutoff=edits,
                            limit=None)
    if not found:
        return None
    letters = sorted(word)
    best = min(found, key=lambda f: (f[1], sorted(f[0]) != letters, f[2]))
    return str(best[0])


def _cased(found: str, written: str) -> str:
    if any(c.isupper() for c in found[1:]) and not found.isupper():
        return found  # as the documents write it: "PostgreSQL"
    return found.capitalize() if written[:1].isupper() else found.lower()


def words_of(index: Index) -> Words:
    """The words of ``index``'s documents (letters and digits, at least three letters), computed on first use and
    kept as long as that loaded index lives."""
    kept = _WORDS.get(index)
    if kept is None:
        counts: Counter[str] = Counter()
        joined: Counter[str] = Counter()
        for doc in index.documents.values():
            counts.update(_WORD.findall(doc.text))  # counted in C; the few distinct words are read after
            joined.update(w.lower() for w in _HYPHENATED.findall(doc.text))
        lowered: Counter[str] = Counter()
        written: dict[str, str] = {}
        for w, n in counts.most_common():
            if sum(c.isalpha() for c in w) >= 3:
                lowered[w.lower()] += n
                written.setdefault(w.lower(), w)
        by_letter: dict[str, list[str]] = {}
        for w, _ in lowered.most_common():
            by_letter.setdefault(w[0], []).append(w)
        hyphenated: dict[str, str] = {}
        for w, _ in joined.most_common():
            hyphenated.setdefault(w.replace("-", ""), w)
        kept = _WORDS[index] = Words({k: tuple(v) for k, v in by_letter.items()}, written, hyphenated)
    return kept


# A word as a question or a document writes it: letters and digits ("libtasn1"); an underscore or a dot parts
# two words ("asn1_parser2tree").
_WORD = re.compile(r"[^\W_]{2,}")
# Two words joined by a hyphen ("cease-fire", "e-mail"), not part of a longer chain ("state-of-the-art") or of a
# name with digits ("utf-8")
_HYPHENATED = re.compile(r"(?<![\w-])[^\W\d_]+-[^\W\d_]+(?![\w-])")
# The same in a question, with a contraction whole ("wasn't"): never a slip
_QUESTION_WORD = re.compile(r"[^\W_]+(?:['’][^\W_]+)*")
# Loaded index -> the words of its documents (words_of). Weak keys: an index dropped after a rebuild takes them.
_WORDS: weakref.WeakKeyDictionary[Index, Words] = weakref.WeakKeyDictionary()
