"""Follow-up questions: "And when did it end?" is searched together with the question it follows.

A conversation turn is a dict with ``question`` (as typed), ``query`` (as searched), ``follows`` (the
earlier question it was searched with, or None), ``anchor`` (the self-contained question that later
follow-ups lean on, or None) and ``answer`` (the answer's JSON).

>>> retrieval_query("And when did it end?", "Who won the Battle of Khalkhin Gol?")
'And when did it end? won Battle Khalkhin Gol'
"""
from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from typing import Any

_PRONOUNS = frozenset({"it", "its", "it's", "they", "them", "their", "theirs", "this", "that", "these", "those", "he",
                       "him", "his", "she", "her", "there", "then"})
_WORD = re.compile(r"[\w'’]+")
# Words that frame a question rather than name its topic.
_STOP = frozenset({
    "a", "an", "the", "and", "or", "but", "so", "of", "in", "on", "at", "to", "for", "by", "with", "from",
    "was", "were", "is", "are", "be", "been", "did", "do", "does", "what", "when", "where", "who", "whom", "which",
    "why", "how", "about", "happen", "happened", "happens",
})


def is_follow_up(question: str) -> bool:
    """True when ``question`` leans on an earlier one: a pronoun, an opening "and", or almost no content words."""
    words = [w.lower() for w in _WORD.findall(question)]
    if not words:
        return False
    leans = bool(_PRONOUNS.intersection(words)) or words[0] in ("and", "but", "so")
    return leans or len(topic_words(question).split()) <= 1


def topic_words(question: str) -> str:
    """The words of ``question`` that name what it is about (no question words, pronouns or stop words)."""
    return " ".join(w for w in _WORD.findall(question) if w.lower() not in _STOP and w.lower() not in _PRONOUNS)


def retrieval_query(question: str, previous: str | None, *, known: Callable[[str], bool] = lambda word: True) -> str:
    """What to retrieve with: a follow-up question, then the topic words of the question it follows.

    The follow-up stays first so that its own question words ("when", "how many") decide what kind of
    answer is wanted. A follow-up whose own topic words are all unknown to the documents (``known``)
    asks about something else, and is left alone so that it can be abstained from.

    >>> retrieval_query("Who led Japan?", "Who won the Battle of Khalkhin Gol?")
    'Who led Japan?'
    """
    if not previous or not is_follow_up(question):
        return question
    own = topic_words(question).split()
    if own and not any(known(word) for word in own):
        return question
    return f"{question} {topic_words(previous)}"


def known_to(index: Any) -> Callable[[str], bool]:
    """Whether a word occurs in an index's documents (after BM25's stemming), itself or as one of its
    WordNet relatives (qa.answering.paraphrase: "ceasefire" is known to documents that say "cease-fire")."""
    from .paraphrase import relatives

    def known(word: str) -> bool:
        if index.bm25_scores(word).any():
            return True
        near = relatives(word)
        return bool(near) and bool(index.bm25_scores(" ".join(sorted(near))).any())

    return known


def anchor_of(turns: Sequence[Mapping[str, Any]]) -> str | None:
    """The earlier question that a new follow-up leans on: the last turn's anchor.

    An abstention ends the thread: the documents said nothing about that topic, so a follow-up to it
    must not borrow the topic before it, nor the unanswerable one.
    """
    if not turns:
        return None
    last = turns[-1]
    answer = last.get("answer") or {}
    return None if answer.get("abstained") else last.get("anchor")


def new_turn(question: str, turns: Sequence[Mapping[str, Any]], *,
             known: Callable[[str], bool]) -> dict[str, Any]:
    """A turn for ``question`` without its answer yet: what to search with and which earlier question it follows."""
    question = " ".join(question.split())
    anchor = anchor_of(turns)
    query = retrieval_query(question, anchor, known=known)
    follows = anchor if query != question else None
    return {"question": question, "query": query, "follows": follows, "anchor": follows or question}
