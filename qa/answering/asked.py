"""The kind of answer a question asks for, and the kinds a sentence offers.

A question asks for a person, a group or side, a place, a time, a duration, a count, a quantity, a
reason or a manner (or none of these: "other"). A sentence offers the kinds its words can answer: names,
numbers with what they count or measure, time expressions, causal and instrumental links. Whether the
top quote offers what is asked is one of the inputs the confidence is fitted on (qa.answering.doubt); how much it
counts is learnt from data, never set per question.

>>> asked_kind("how many soldiers died at lake khasan")
'count'
>>> sorted(offered_kinds("The result was a Mongolian rout, with 56 soldiers being killed."))
['count', 'group']
"""
from __future__ import annotations

import re
from functools import lru_cache
from typing import Literal

from ..ingest.clean_rules import MONTHS

Kind = Literal["person", "group", "place", "time", "duration", "count", "quantity", "reason", "manner", "other"]
KINDS: tuple[Kind, ...] = ("person", "group", "place", "time", "duration", "count", "quantity", "reason",
                           "manner", "other")

_I = re.IGNORECASE
#: Numbers written as words, with their values: the one list the kinds, the features and the conflicts read.
NUMERALS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
            "ten": 10, "eleven": 11, "twelve": 12, "fifteen": 15, "twenty": 20, "thirty": 30, "forty": 40,
            "fifty": 50}
#: Words that multiply the number before them ("two hundred"): a value only with it.
MULTIPLIERS = ("hundred", "thousand", "million", "billion")
#: Every word that counts something: the numerals, the multipliers, and counts told without a value.
NUMBER_WORDS = (*NUMERALS, *MULTIPLIERS, "hundreds", "thousands", "millions", "dozen", "dozens", "several")
_TIME_UNITS = r"(?:second|minute|hour|day|week|month|year|decade|centur(?:y|ie))s?"
_NUM = r"(?:\d[\d,.]*|" + "|".join(NUMBER_WORDS) + r"|a|an|a few|a full|an entire)"

#: "When" as the question word ("When did ...?", "... was released when?", "Since when has ...?"), not opening a
#: clause ("Who wrote to her when she was ill?", "When Liszt lived near Chopin, where did he live?").
_AUXILIARY = r"(?:did|does|do|was|were|is|are|will|would|can|could|should|has|have|had|might|must|may)(?:n't)?\b"
WHEN = r"^\W*(?:(?:by|since|until|till)\s+)?when\s+" + _AUXILIARY + r"|\bwhen\W*$"
#: "Where" as the question word ("Where did ...?", "In 1835 where did ...?", "Where in England ...?", "... located
#: where?"), not opening a clause ("the experiment where stones were rolled", "a WHERE clause").
WHERE = r"\bwhere\s+" + _AUXILIARY + r"|\bwhere\s+(?:in|on)\b|\bwhere\W*$"

# Question patterns, tried in this order: the first that matches names the kind asked.
_ASKS: tuple[tuple[Kind, re.Pattern[str]], ...] = (
    ("duration", re.compile(r"\bhow long\b|\bfor how many\b|\bhow many (?:" + _TIME_UNITS + r")\b|\bduration\b", _I)),
    ("count", re.compile(r"\bhow many\b|\bwhat (?:number|total) of\b|\bnumber of\b", _I)),
    ("quantity", re.compile(r"\bhow (?:much|big|large|far|heavy|old|high|wide|deep|tall|fast)\b|"
                            r"\bwhat (?:percentage|amount|size|proportion|share|distance|area)\b", _I)),
    ("time", re.compile(WHEN + r"|\b(?:what|which|in what) (?:year|date|day|month|time|century|decade|period)\b",
                        _I)),
    ("reason", re.compile(r"\bwhy\b|\bwhat (?:caused|causes|led to|started|prompted|triggered|made)\b|"
                          r"\bfor what reason\b|\breason\b|\bcause of\b", _I)),
    ("place", re.compile(WHERE + r"|\b(?:what|which|in what) (?:country|countries|city|cities|region|place|area|"
                         r"state|island|river|lake|town|village|territory|province|location)\b", _I)),
    ("group", re.compile(r"\b(?:what|which) (?:side|country|nation|army|armies|division|unit|group|party|team|"
                         r"forces?|troops|regiment|organi[sz]ation|company|people)\b|"
                         r"\bwho (?:won|lost|defeated|beat|fought|attacked|invaded|controlled)\b", _I)),
    ("person", re.compile(r"\bwho\b|\bwhom\b|\bwhose\b|\b(?:what|which) (?:person|leader|general|commander|"
                          r"officer|king|emperor|president|ruler|man|woman)\b", _I)),
    ("manner", re.compile(r"\bhow (?:did|does|do|was|were|is|are|can|could|would|will|has|have|had)\b|"
                          r"\bin what way\b|\bby what means\b", _I)),
)

# What a sentence offers.
#: A month's name, written with its capital: "may" and "march" in lower case are verbs ("Stashes may also be ...").
MONTH_NAME = r"(?-i:" + "|".join(m.capitalize() for m in MONTHS) + r")"
_YEAR = r"\b(?:1\d{3}|20\d{2})s?\b"
_TIME = re.compile(_YEAR + r"|\b" + MONTH_NAME + r"\b|\bcentur(?:y|ies)\b|"
                   r"\b(?:next|following|previous|same) (?:day|week|month|year|morning|night)\b|"
                   r"\b(?:days?|weeks?|months?|years?|hours?) (?:later|earlier|after|before)\b|"
                   r"\b(?:today|yesterday|tomorrow|nowadays)\b", _I)
_DURATION = re.compile(r"\b" + _NUM + r"[ -]" + _TIME_UNITS + r"\b|\bfor (?:a|an|the|" + _NUM + r") \w+|"
                       r"\bfrom\s+\S+\s+(?:to|until|till)\b|\b(?:until|lasted|lasting|throughout|since)\b|"
                       r"\d\s*[–-]\s*\d|\bdecades?\b|\bcenturies\b", _I)
# A number that counts: not a year, not the day of a date ("15 September", "August 10").
_DAY = MONTH_NAME
_COUNT = re.compile(r"(?<![\d,.])(?!(?:1\d{3}|20\d{2})s?\b)\d[\d,]*(?:\.\d+)?\b(?!\s*(?:%|percent)\b)|"
                    r"\b(?:" + "|".join(NUMBER_WORDS) + r")\b|\bno (?:casualties|losses|one)\b", _I)
_MONTH_NEAR = re.compile(r"\b" + MONTH_NAME + r"\s*$|^\s*" + MONTH_NAME + r"\b", _I)
_QUANTITY = re.compile(r"\d[\d,.]*\s*(?:%|percent|per cent|km|kilomet(?:er|re)s?|met(?:er|re)s?|miles?|tons?|"
                       r"tonnes?|kg|pounds?|dollars?|feet|foot|inches|acres?|hectares?|characters|bytes|[KMGT]i?B|"
                       r"bits|digits|lines)\b|[$£€¥]\s*\d|"
                       r"\b(?:over|about|nearly|almost|around|some|approximately|more than|less than|fewer than)\s+"
                       r"\d", _I)
_REASON = re.compile(r"\b(?:because|due to|owing to|as a result|result(?:ed|s)? (?:in|from)|caus(?:e|ed|es|ing)|"
                     r"led to|lead to|leading to|so that|in order to|for fear|since|thanks to|reason|"
                     r"motivat\w+|prompt(?:ed|ing)|trigger(?:ed|ing)|blamed|belief|believ\w+|intend\w*|"
                     r"aim(?:ed)? (?:to|at)|in response to)\b", _I)
_MANNER = re.compile(r"\bby (?:\w+ing|means of|way of)\b|\b(?:through|via|using|with the help of|in the form of|"
                     r"diplomatically|peacefully|by force|successfully)\b|\b\w{4,}ly\b", _I)
# Capitalised words that head the name of a thing, not of a person.
_NOT_PERSON = frozenset((
    "Union Army Armies War Wars Battle Battles Pact Division Incident River Lake Island Islands Empire Republic Party "
    "Congress Treaty Sea Navy Force Forces Group Government Railway Harbor Harbour Day Asia Europe America Africa "
    "States Kingdom University Church Company Station Street Park Museum Building Bridge Mountain Mountains "
    "Province County City Court Council Parliament Assembly Ministry Department Office Corps Legion Front "
    "Committee Agency Institute Association League Movement Dynasty Revolution Act Law Prize Award Festival "
    "Championship Cup Games Olympics Series Album Film Show Theatre Theater Hall House Palace Temple Square Ocean "
    "Gulf Bay Valley Desert Plain Plains Peninsula Canal Airport Hospital School College Academy Society Bank "
    "Council Agreement Conference Declaration Charter Constitution Regiment Brigade Battalion Fleet Air Federation "
    "Japanese Soviet Soviets Chinese Mongolian Russian German Germans British French American Americans"
).split())
_NAME_RUN = re.compile(r"\b[A-Z][a-z]+(?:[- ][A-Z][a-z]+){1,3}\b")
_PERSON = re.compile(r"\b(?:Mr|Mrs|Ms|Dr|Sir|King|Queen|Emperor|Tsar|President|General|Lieutenant|Colonel|Captain|"
                     r"Marshal|Admiral|Prince|Princess|Pope|Saint|Lord|Lady|Chairman|Minister|Premier)\b|"
                     r"\b(?:led|commanded|founded|written|directed|signed|ruled) by\b", 0)
_GROUP = re.compile(r"\b[A-Z][a-z]+(?:ese|ian|ians|ans|an|ish|ic|i|s)\b|\b(?:forces|army|armies|troops|side|"
                    r"division|regiment|government|party|people|soldiers)\b", 0)
# A place: a name after a preposition of place ("in Manchuria", "at the Halha River"; a name has its capital), or a
# word for one ("the border", a manual's "directory" or "folder")
_PLACE = re.compile(r"\b(?:in|at|near|from|to|into|across|north of|south of|east of|west of|inside|outside) "
                    r"(?:the )?(?-i:[A-Z])[\w'-]+|\b(?:river|lake|island|city|town|village|border|region|province|"
                    r"country|mountain|sea|coast|territory|area|director(?:y|ies)|folders?)\b", _I)
# A file or folder a manual points to ("{prefix}/lib/node_modules", "$HOME/.npmrc", "/etc/hosts"): a place
_PATH = re.compile(r"(?<![\w/])(?:~|\$\w+|\{\w+\}|\.{1,2})?/[\w.{}*$-]+")
# A condition ("if value1 equals value2", "unless ..."): what "when" asks of a manual ("When does NULLIF return null?")
_CONDITION = re.compile(r"\b(?:if|unless|whenever|as soon as)\b", _I)
_WHEN_ASKED = re.compile(WHEN, _I)
#: "When" asked in the present or with a modal of what may or should happen ("When should I use git stash?", "When
#: does NULLIF return null?") asks under what condition, which a clause opened by "when" gives too ("Use git stash
#: when you want to ..."); asked in the past or the future ("When did the war end?", "When will the line open?")
#: it asks for a date.
WHEN_CONDITION = r"^\W*when\s+(?:does|do|is|are|should|can|could|must|may|might)(?:n't)?\b"
#: A condition a sentence states: "if", "unless", "whenever", "as soon as", or a clause opened by "when".
CONDITION_CLAUSE = r"\b(?:if|unless|whenever|as soon as)\b|(?<!^)(?<!^\W)\bwhen\b"
_WHEN_CONDITION_ASKED = re.compile(WHEN_CONDITION, _I)
_WHEN_CLAUSE = re.compile(CONDITION_CLAUSE, _I)
_OFFERS: tuple[tuple[Kind, re.Pattern[str]], ...] = (
    ("time", _TIME), ("duration", _DURATION), ("count", _COUNT), ("quantity", _QUANTITY), ("reason", _REASON),
    ("manner", _MANNER), ("person", _PERSON), ("group", _GROUP), ("place", _PLACE), ("place", _PATH),
)


# A question asking how to do something ("How do I ...?", "How can you ...?", "How to ...?"). In documentation
# its answer is often a command or a code example rather than a sentence (qa.answering.features: code_procedure).
_PROCEDURE = re.compile(r"^\W*how\s+(?:do|does|can|could|should|would|may|might)\s+(?:i|you|we|one)\b|"
                        r"^\W*how\s+to\b", _I)


def asks_procedure(question: str) -> bool:
    """Whether ``question`` asks how to do something.

    >>> asks_procedure("How do I delete a tag?"), asks_procedure("How did the war end?")
    (True, False)
    """
    return bool(_PROCEDURE.search(question))


# A question asking for a value that something gives back ("How do I get the current working directory?", "How
# can I find out the CPU architecture?", "What does COALESCE return?"): in a reference, the entry that returns it
# answers (qa.answering.features: returns_value). Asked what it returns on a condition ("... return if the substring
# is not found?"), the answer is the sentence on that case, not the one on what it returns.
_VALUE = re.compile(r"^\W*how\s+(?:do|can|could|should|would|may|might)\s+(?:i|you|we|one)\s+(?:get|find|obtain|"
                    r"retrieve|fetch|read|know|tell|determine|count|list|check|compute|calculate|see)\b|"
                    r"^\W*what\s+does\s+.+?\s+return\s*\?*\s*$", _I)


def asks_value(question: str) -> bool:
    """Whether ``question`` asks for a value that something returns.

    >>> asks_value("How do I get the current working directory?"), asks_value("How do I delete a tag?")
    (True, False)
    """
    return bool(_VALUE.search(question))


# A question asking what something is or does ("What is a gitignore file?", "What does git gc do?"). In
# documentation the first sentence under the thing's heading says that (qa.answering.features: lead_definition).
_WHAT_IS = re.compile(r"^\W*what(?:'s|\s+(?:is|are))\s+(?!the\s+(?:difference|default|best|range|purpose)\b)"
                      r"(?:(?:an?|the)\s+)?[^\s?]+(?:\s+[^\s?]+){0,3}\s*\?*\s*$", _I)
# A name alone, as typed into a search box ("str.find", "git gc", "VACUUM"): what the named thing is or does
_BARE_NAME = re.compile(r"^\W*(?!(?:what|which|who|whom|whose|when|where|why|how|is|are|does|do|did|can|could|"
                        r"should|would|will|was|were|has|have)\b)[\w.:()'-]+(?:\s+[\w.:()'-]+)?\s*\?*\s*$", _I)
# A question that ends in a preposition asks for what would stand after it ("What is France a region of?")
_ENDS_IN_PREPOSITION = re.compile(r"\s(?:of|from|in|on|to|with|by|at|about|into|as|like|under|after|before|between|"
                                  r"over)\s*\?*\s*$", _I)
_WHAT_DOES = re.compile(r"^\W*what\s+does\s+.+?\s+(?:do|mean|create|represent|contain|print|show)\s*\?*\s*$",
                        _I)


def asks_definition(question: str) -> bool:
    """Whether ``question`` asks what something is or what it does.

    "What is the X of Y" asks for an attribute of Y, not what X is, and "What are text types subclasses of?" for
    what stands after the preposition ("What is fork used for?" still asks what fork is for); "What does the X
    of Y do" still asks what a thing does. So does a name typed alone, as into a search box ("str.find", "git
    gc"), but not a phrase of more words ("read csv file").

    >>> [asks_definition(q) for q in ("What is a gitignore file?", "What does git gc do?",
    ...                               "What is the range of the integer type?", "What did the treaty end?",
    ...                               "What does the HEADER option of COPY do?", "What are text types subclasses of?",
    ...                               "What is fork used for?")]
    [True, True, False, False, True, False, True]
    >>> [asks_definition(q) for q in ("str.find", "git gc", "VACUUM", "read csv file", "Is it free?")]
    [True, True, True, False, False]
    """
    if _WHAT_DOES.search(question) or _BARE_NAME.search(question):
        return True
    return bool(_WHAT_IS.search(question)) and " of " not in question.lower() and not _ENDS_IN_PREPOSITION.search(
        question)


@lru_cache(maxsize=4096)
def asked_kind(question: str) -> Kind:
    """The kind of answer ``question`` asks for ("other" when it names none). A question asking how to do
    something asks for steps, a command or code, none of the kinds a sentence is read for here.

    >>> asked_kind("How did the Soviets win?"), asked_kind("How do I delete a tag?")
    ('manner', 'other')
    """
    if asks_procedure(question):
        return "other"
    return next((kind for kind, pattern in _ASKS if pattern.search(question)), "other")


@lru_cache(maxsize=65_536)
def offered_kinds(text: str) -> frozenset[Kind]:
    """The kinds of answer ``text`` can give. Capitalised words count only after the first word, so that a
    sentence's opening word is not taken for a name."""
    body = text[len(text.split(" ", 1)[0]):] if " " in text else ""
    found = {kind for kind, pattern in _OFFERS if kind not in ("person", "group", "count") and pattern.search(text)}
    if any(not _is_day(text, m) for m in _COUNT.finditer(text)):
        found.add("count")
    found.update(kind for kind, pattern in _OFFERS if kind in ("person", "group") and pattern.search(body))
    if any(not _NOT_PERSON.intersection(m.group(0).replace("-", " ").split()) for m in _NAME_RUN.finditer(body)):
        found.add("person")
    if "time" in found:
        found.add("duration") if _DURATION.search(text) else None
    return frozenset(found)


def _is_day(text: str, m: re.Match[str]) -> bool:
    """Whether a number is the day of a date ("15 September", "August 10")."""
    return m.group(0)[0].isdigit() and bool(_MONTH_NEAR.search(text[max(0, m.start() - 12):m.start()])
                                            or _MONTH_NEAR.search(text[m.end():m.end() + 12]))


def offers(question: str, text: str) -> bool | None:
    """Whether ``text`` offers the kind ``question`` asks for; None when the question asks for no kind.

    A side may be named by a person ("Stalin's forces"), a person by one capitalised name the question does
    not hold (:func:`_other_name`), and a count by a quantity, so those count as offered too.
    """
    kind = asked_kind(question)
    if kind == "other":
        return None
    if kind in ("count", "quantity"):
        return counts_asked(question, text)
    if kind == "time" and _WHEN_ASKED.search(question) and _CONDITION.search(text):
        return True  # "When does NULLIF return null?" asks under what condition as well as at what time
    if kind == "time" and _WHEN_CONDITION_ASKED.search(question) and _WHEN_CLAUSE.search(text.strip()):
        return True
    offered = offered_kinds(text)
    if kind == "person" and "person" not in offered and _other_name(question, text):
        return True
    return kind in offered or bool(offered & _ALSO.get(kind, frozenset()))


# A capitalised word inside a sentence: a name ("Kusala", "Temür", "Xinhua"), unless it heads a thing's name, is
# a month or a weekday, is shaped as a people's name ("Korean", "Japanese", "British": a side, not a person) or is
# an acronym ("NKVD": a body).
_NAME_WORD = re.compile(r"(?<![\w'’-])[A-Z][^\W\d_A-Z]+(?![\w'’-])")
_DEMONYM = re.compile(r"(?:ese|ians?|ans?|ish)$")
_NOT_NAME = _NOT_PERSON | frozenset(m.capitalize() for m in MONTHS) | frozenset(
    "Monday Tuesday Wednesday Thursday Friday Saturday Sunday I".split())


def _other_name(question: str, text: str) -> bool:
    """Whether ``text`` names someone the question does not: a capitalised word that does not open a sentence,
    is not a word of the question, and heads no thing's name. "Who ..." is answered by one name as often as by
    two ("poisoned by El Temür", "Xinhua set up a site")."""
    from ..indexing.lexical import query_terms, tokenize

    asked = set(query_terms(question))  # kept for the few recent questions: read for every candidate sentence
    for m in _NAME_WORD.finditer(text):
        before = text[:m.start()].rstrip()
        if not before or before[-1] in ".!?:;\"“(" or m.group(0) in _NOT_NAME or _DEMONYM.search(m.group(0)):
            continue
        if not asked.intersection(tokenize([m.group(0)])[0]):
            return True
    return False


# A side may be named by a person ("Stalin's forces"), and a duration told by two times.
_ALSO: dict[str, frozenset[Kind]] = {"group": frozenset({"person"}), "duration": frozenset({"time", "quantity"})}
# A number that multiplies ("three times higher"), not one that counts.
_TIMES = re.compile(r"[ -](?:times|fold)\b", re.I)
#: Words either side of a number that say what it counts.
COUNT_WINDOW = 4


@lru_cache(maxsize=4096)
def counts_asked(question: str, text: str) -> bool:
    """Whether ``text`` holds a number with one of the question's words (or a WordNet relative of one)
    within :data:`COUNT_WINDOW` words of it: "56 soldiers being killed" counts what "how many soldiers died"
    asks; "three principal engagements" does not, nor "three times higher"."""
    from ..indexing.lexical import tokenize
    from .paraphrase import lemmas, relatives

    own, wanted = _count_words(question)
    for m in _COUNT.finditer(text):
        if _is_day(text, m) or _TIMES.match(text, m.end()):
            continue
        before = text[:m.start()].split()[-COUNT_WINDOW:]
        after = text[m.end():].split()[:COUNT_WINDOW]
        near = tokenize([" ".join(before + after)])[0]
        # one step of WordNet either way: a text word (or its base form: "men", "man") that is a relative of a
        # question word, or whose relatives hold one ("56 soldiers killed" for "how many died"); never two
        # relatives of each other, which links "tanks" to "killed" through "drink"
        if wanted.intersection(near) or any(wanted.intersection(lemmas(w)) or own.intersection(relatives(w))
                                            for w in _words(after)):
            return True
    return False


@lru_cache(maxsize=256)
def _count_words(question: str) -> tuple[frozenset[str], frozenset[str]]:
    """The stems of ``question``'s content words, and those with the stems of their WordNet relatives (kept for
    the few recent questions: :func:`counts_asked` reads them for every candidate sentence)."""
    from .doubt import content_words
    from .paraphrase import relatives

    words = content_words(question)
    own = frozenset(stem for _, stem in words)
    return own, own.union(*(relatives(word) for word, _ in words))


def _words(tokens: list[str]) -> list[str]:
    return [w for t in tokens for w in re.findall(r"[a-z]+", t.lower()) if len(w) > 2]


# Two things a question compares: "the difference between X and Y", "X vs Y", "How do X and Y differ?"
_BETWEEN = re.compile(r"\bdifferences?\s+between\s+(.+?)\s+and\s+(.+?)\W*$", _I)
_VERSUS = re.compile(r"^(.+?)\s+(?:vs\.?|versus)\s+(.+?)\W*$", _I)
_DIFFER = re.compile(r"\b(?:do|does|did)\s+(.+?)\s+and\s+(.+?)\s+differ\W*$", _I)
# what is no side of its own: the question's words and the framing of a comparison
_FRAMING = ("what which how is are was were the a an difference differences between vs versus compare compared "
            "differ do does did use should i you we when")


def compared_sides(question: str) -> tuple[frozenset[str], frozenset[str]] | None:
    """The terms that tell apart the two things ``question`` compares, or None for a question comparing nothing
    (or two things no term tells apart).

    >>> sides = compared_sides("What is the difference between git pull and git fetch?")
    >>> sorted(map(sorted, sides))
    [['fetch'], ['pull']]
    >>> sorted(map(sorted, compared_sides("path.join vs path.resolve")))
    [['join'], ['resolv']]
    >>> compared_sides("What is the difference between -> and ->>?") is None  # no term tells them apart
    True
    >>> compared_sides("How do I join two paths?") is None
    True
    """
    from ..indexing.lexical import query_terms

    found = _BETWEEN.search(question) or _DIFFER.search(question) or _VERSUS.search(question)
    if found is None:
        return None
    framing = set(query_terms(_FRAMING)) | {""}
    one, other = (frozenset(query_terms(side)) - framing for side in found.groups())
    one, other = one - other, other - one
    return (one, other) if one and other else None

