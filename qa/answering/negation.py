"""Negation: whether a sentence or a question negates, and the words that deny what follows them.

Two readings, for two uses. :data:`NEGATION` marks a sentence or a question that negates at all, for the
ranker's and the support's features; it counts "none", "least" and "fewest", which turn a question around
("Which side lost the fewest men?"). :data:`DENIAL` marks a word that denies the claim right after it, for the
conflicts in meaning (:mod:`qa.answering.meaning`); it counts "failed to" and "refused to", and the curly
apostrophe of "didn’t", which a quote of a web page often has.
"""
from __future__ import annotations

import re

# A negation word, not the "no" of an option ("--no-edit")
NEGATION = re.compile(r"(?<![-\w])(not|never|no|cannot|none|neither|nor|without|least|fewest)\b|n't\b", re.I)

# A word that denies what comes after it ("did not keep", "failed to ratify")
DENIAL = re.compile(r"(?:(?<![-\w])(?:not|never|no|neither|nor|cannot|without|hardly)\b|n[’']t\b|"
                    r"\b(?:failed|refused|declined|ceased|stopped) to\b)", re.I)


def negation_in(text: str) -> bool:
    """Whether ``text`` negates: a negation word, where "None" capitalised inside a sentence is a value
    (Python's ``None``), not one.

    >>> negation_in("None of them survived."), negation_in("What happens if sep is None?")
    (True, False)
    >>> negation_in("It does not wait."), negation_in("Use git commit --no-edit to keep the message.")
    (True, False)
    """
    return any(not _value_none(text, m) for m in NEGATION.finditer(text))


# Words that open a clause saying when or whether something holds ("if the substring is not found", "when no
# rule matches"): a negation inside such a clause is the question's condition, not what it asks about
_CLAUSE_OPENER = re.compile(r"\b(if|when|whenever|unless|once|while|after|before|until|because|since|although|though|"
                        r"where)\b", re.I)


def question_negated(question: str) -> bool:
    """Whether ``question`` asks about something negated ("Who did not sign the pact?"): a negation of its main
    clause. "without" states a manner or a condition ("How do I clone without the full history?"), and a negation
    in a clause opened by "if", "when" and the like (not the question's first word) states a condition
    ("What does str.find return if the substring is not found?"): neither is.

    >>> question_negated("Who did not sign the pact?"), question_negated("When didn't the troops withdraw?")
    (True, True)
    >>> question_negated("How do I clone a repository without its full history?")
    False
    >>> question_negated("What type should a file get when no rule matches?")
    False

    A question asked after a statement of the problem is read alone: "My constraints aren't enforced. How do I
    turn them on?" asks nothing negated.

    >>> question_negated("My constraints aren't enforced. How do I turn them on?")
    False
    """
    question = asked_sentence(question)
    for m in NEGATION.finditer(question):
        if _value_none(question, m) or m.group().lower() == "without":
            continue
        opening = question[:m.start()]
        if any(c.start() > 0 for c in _CLAUSE_OPENER.finditer(opening.lstrip())):
            continue
        return True
    return False


def asked_sentence(question: str) -> str:
    """The sentences of ``question`` that ask (those ending in "?"), without the statements before them; the whole
    text where none ends so.

    >>> asked_sentence("BEGIN inside BEGIN fails. How do I nest transactions?")
    'How do I nest transactions?'
    >>> asked_sentence("nested transactions in sqlite")
    'nested transactions in sqlite'
    """
    parts = SENTENCE_END.split(question.strip())
    asked = [part for part in parts if part.rstrip().endswith("?")]
    return " ".join(asked) if asked and len(parts) > 1 else question


#: Where a question's text starts a new sentence: after ".", "!" or "?" and white space, before a capital
SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z])")


def _value_none(text: str, match: re.Match[str]) -> bool:
    before = text[:match.start()].rstrip()
    return match.group() == "None" and bool(before) and before[-1] not in ".!?"
