"""Spotting disagreement: quotes from different sources that give different dates, numbers or durations
(and, through qa.answering.meaning, a different person, side or place, or one denying what another affirms)."""
from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Literal

from ..indexing.lexical import tokenize
from ..ingest.chunk import split_sentences
from ..records import Quote
from .asked import MONTHS, NUMERALS, WHEN, asked_kind
from .sentence_stats import own_heading
from .structure import code_names

Kind = Literal["duration", "date", "number"]

_WORD_NUMBERS = {**NUMERALS, "a": 1, "an": 1, "a full": 1, "an entire": 1, "a whole": 1, "a single": 1}
_UNIT_YEARS = {"day": 1 / 365, "week": 7 / 365, "month": 1 / 12, "year": 1.0, "decade": 10.0, "century": 100.0}
_NUM = r"\b(\d+(?:\.\d+)?|" + "|".join(sorted(map(re.escape, _WORD_NUMBERS), key=len, reverse=True)) + ")"
# "for a full decade", "five years"; not "a two-year term" nor "four months later" (a relative time).
_DURATION = re.compile(_NUM + r"\s+(day|week|month|year|decade|centur(?:y|ie))s?\b(?!-)"
                       r"(?!\s+(?:later|earlier|after|before|ago|afterwards|prior)\b)", re.I)
# "a decade-long dispute", "a two-year-long siege": how long the thing it names went on.
_LONG = re.compile(_NUM + r"[\s-](day|week|month|year|decade|centur(?:y|ie))-long\b", re.I)
# "from 1932 to 1939", "between 1932 and 1939", "1932–1939": the years a thing went on for.
_Y = r"(1[5-9]\d\d|20\d\d)"
_YEAR_RANGE = re.compile(rf"\bfrom {_Y} (?:to|until|till) {_Y}\b|\bbetween {_Y} and {_Y}\b|"
                         rf"(?<![\d–-]){_Y}\s*[–-]\s*{_Y}\b")
_M = r"(" + "|".join(m.capitalize() for m in MONTHS) + r")"
_DATE = re.compile(rf"\b(\d{{1,2}}) {_M},? (\d{{4}})\b|\b{_M} (\d{{1,2}}),? (\d{{4}})\b")
_YEAR = re.compile(r"\b(1[5-9]\d\d|20\d\d)\b")
_NUMBER = re.compile(r"(?<![\w.,])(\d{1,3}(?:,\d{3})+|\d+)(?![\w,]*\d)")


@dataclass(frozen=True)
class Fact:
    kind: Kind
    value: float
    text: str  # as written in the quote
    slack: float = 0.0  # how far the true value may lie from ``value`` as written (a range of whole years: 1)


@dataclass(frozen=True)
class Conflict:
    note: str
    quotes: tuple[Quote, ...]  # the quotes that state the differing facts, one per source


def question_kind(question: str) -> Kind | None:
    """Which kind of fact the question asks for, if any."""
    q = question.lower()
    if re.search(r"\bhow long\b|\bfor how many (years|months|days)\b|\bduration\b", q):
        return "duration"
    if re.search(WHEN + r"|\bwhat (year|date|day|month)\b|\bwhich year\b|\bin what year\b", q):
        return "date"
    if re.search(r"\bhow (many|much)\b|\bwhat (number|percentage)\b", q):
        return "number"
    return None


def kinds_compared(question: str) -> tuple[Kind, ...]:
    """The kinds of fact compared across sources for ``question``, in order: the one it asks for, or, for a
    question that asks for none of them ("What settled the dispute?", "Did the pact keep the peace?"), a
    duration and then a date stated about what it names. A question asking for a person, a side or a place
    is not compared by its dates (two sources may date different events around the same person)."""
    kind = question_kind(question)
    if kind is not None:
        return (kind,)
    return _FALLBACK.get(asked_kind(question), ())


def facts(text: str, kind: Kind) -> list[Fact]:
    """The facts of ``kind`` stated in ``text``.

    >>> [f.value for f in facts("It would remain in effect for a full decade.", "duration")]
    [10.0]
    """
    if kind == "duration":
        return [*(Fact("duration", _amount(m.group(1)) * _UNIT_YEARS[_unit(m.group(2))], m.group(0))
                  for pattern in (_DURATION, _LONG) for m in pattern.finditer(text)), *_year_ranges(text)]
    if kind == "date":
        return [Fact("date", float(m.group(1)), m.group(1)) for m in _YEAR.finditer(text)]
    years = {m.group(1) for m in _YEAR.finditer(text)}
    return [Fact("number", float(m.group(1).replace(",", "")), m.group(1))
            for m in _NUMBER.finditer(text) if m.group(1) not in years]


def stated_facts(text: str, kind: Kind, terms: frozenset[str], *, share: float = 0.0) -> list[Fact]:
    """The facts of ``kind`` in those sentences of ``text`` that name something the question names (at
    least ``share`` of its terms).

    A quote of two sentences may give a year for another event in one sentence and name the
    question's subject only in the other ("Later in 1941, Japan considered ... This was said to be
    largely due to the Battle of Khalkhin Gol."): that year is not the source's answer. ``terms``
    are the question's stemmed content terms; with none, every sentence counts.
    """
    if not terms:
        return facts(text, kind)
    found = []
    for start, end in split_sentences(text):
        sentence = text[start:end]
        named = terms & set(tokenize([sentence])[0])
        if named and len(named) >= share * len(terms):
            found += facts(sentence, kind)
    return found


def _year_ranges(text: str) -> list[Fact]:
    """The years between the ends of each year range written in ``text``, give or take a year (the range
    names years, not days).

    >>> [(f.value, f.slack) for f in _year_ranges("fought from 1932 to 1939")]
    [(7.0, 1.0)]
    """
    found = []
    for m in _YEAR_RANGE.finditer(text):
        first, last = (int(y) for y in m.groups() if y)
        if last > first:
            found.append(Fact("duration", float(last - first), m.group(0), slack=1.0))
    return found


def dates(text: str) -> list[tuple[dt.date, str]]:
    """Full calendar dates written in ``text`` ("13 April 1941", "April 13, 1946")."""
    found = []
    for m in _DATE.finditer(text):
        day, month, year = (m.group(1), m.group(2), m.group(3)) if m.group(1) else (m.group(5), m.group(4), m.group(6))
        try:
            found.append((dt.date(int(year), MONTHS.index(month.lower()) + 1, int(day)), m.group(0)))
        except ValueError:
            continue
    return found


def _amount(word: str) -> float:
    word = " ".join(word.lower().split())
    return float(word) if word[0].isdigit() else float(_WORD_NUMBERS[word])


def _unit(word: str) -> str:
    word = word.lower()
    return "century" if word.startswith("centur") else word


def find_conflict(question: str, quotes: Sequence[Quote], wider: Sequence[Quote] = (), *,
                  meaning: bool = True) -> Conflict | None:
    """Whether the best-supported quotes of different sources state different facts for ``question``.

    ``quotes`` are the close candidates, best first. A source that gives no explicit duration there
    but two or more full dates in its ``quotes`` or ``wider`` candidates is taken to state the time
    between its earliest and latest date. ``meaning`` compares names and negation too (qa.answering.meaning)
    where no date or number settles the question.
    """
    if quotes:  # only what is said about the top quote's subject is compared (see same_subject)
        quotes = [q for q in quotes if same_subject(q, quotes[0])]
        wider = [q for q in wider if same_subject(q, quotes[0])]
    asked = question_kind(question)
    for kind in kinds_compared(question):
        # A question that asks for no such fact is compared by the facts of sentences about what it names.
        compared = _compare(question, quotes, wider, kind, share=0.0 if kind == asked else FALLBACK_SHARE)
        if compared is not None:  # the sources state facts of this kind: they agree or they do not
            return compared if isinstance(compared, Conflict) else None
    if not meaning:
        return None
    from .meaning import compare  # names and negation, where no date or number settles it
    differs = compare(question, quotes, wider)
    return Conflict(*differs) if isinstance(differs, tuple) else None


def same_subject(a: Quote, b: Quote) -> bool:
    """Whether two quotes can be about the same thing: not when each stands under a heading that names code and
    they name none of it in common. A description under ``diff.context`` and one under
    ``--inter-hunk-context=<lines>`` state the defaults of two settings, which differ without disagreeing.

    >>> quote = lambda section: Quote("x", "a", "a", section, "d", 0, 1, 0.0, "x", 0, "")
    >>> same_subject(quote("diff.context"), quote("git-diff › --inter-hunk-context=<lines>"))
    False
    >>> same_subject(quote("diff.context"), quote("Configuration › diff.context"))
    True
    >>> same_subject(quote("diff.context"), quote("Aftermath"))
    True
    """
    names_a, names_b = _subject(a.section), _subject(b.section)
    return not (names_a and names_b) or not set(names_a).isdisjoint(names_b)


@lru_cache(maxsize=4096)
def _subject(section: str | None) -> tuple[frozenset[str], ...]:
    """What the quote's own heading names as code (an option, a setting, a signature), if it names any."""
    return code_names(own_heading(section)) if section else ()


#: The share of a question's terms that a sentence must name for its dates or durations to be compared, when
#: the question does not ask for a date or a duration ("What were they fighting over?" against a sentence
#: that names one of its words and the three weeks that something else took).
FALLBACK_SHARE = 0.5


def _compare(question: str, quotes: Sequence[Quote], wider: Sequence[Quote], kind: Kind, *,
             share: float = 0.0) -> Conflict | bool | None:
    """A Conflict, False when two sources state facts of ``kind`` that agree, None when fewer than two do.
    A fact counts where its sentence names at least ``share`` of the question's terms."""
    terms = frozenset(tokenize([question])[0]) - _ASKING
    stated: dict[str, tuple[list[Fact], list[Quote]]] = {}
    for source in dict.fromkeys(q.source for q in quotes):
        found = _source_facts([q for q in quotes if q.source == source],
                              [q for q in [*quotes, *wider] if q.source == source], kind, terms, share)
        if found[0]:
            stated[source] = found
    if len(stated) < 2:
        return None
    (fa, qa_), (fb, qb) = list(stated.values())[:2]
    if _agree(fa, fb, kind):
        return False
    note = (f"The sources differ on {_LABEL[kind]}: {_say(fa)} in “{qa_[0].title}” ({qa_[0].kind}) "
            f"vs {_say(fb)} in “{qb[0].title}” ({qb[0].kind}).")
    return Conflict(note, tuple(dict.fromkeys([*qa_, *qb])))


# Words that ask rather than name what is asked about (bm25s keeps them as terms).
_ASKING = frozenset({"", "when", "where", "who", "whom", "whose", "what", "which", "why", "how", "long", "mani",
                     "much"})
_LABEL = {"duration": "how long", "date": "the date", "number": "the number"}
_FALLBACK: dict[str, tuple[Kind, ...]] = {
    "time": ("date",), "duration": ("duration",), "count": ("number",), "quantity": ("number",),
    "other": ("duration", "date"), "reason": ("duration", "date"), "manner": ("duration", "date"),
}


def _source_facts(quotes: list[Quote], wider: list[Quote], kind: Kind, terms: frozenset[str],
                  share: float) -> tuple[list[Fact], list[Quote]]:
    """The facts one source states and the quote stating them (its best quote that states any).

    Dates and numbers are pooled over all the source's close quotes, so that a source is only said to
    disagree when none of what it states matches the other source.
    """
    stating = [q for q in quotes if stated_facts(q.text, kind, terms, share=share)]
    if stating:
        pool = stating if kind != "duration" else stating[:1]
        return [f for q in pool for f in stated_facts(q.text, kind, terms, share=share)], [stating[0]]
    if kind != "duration":
        return [], []
    written = [(d, text, q) for q in dict.fromkeys(wider) for d, text in dates(q.text)]
    if len(written) < 2:
        return [], []
    first, last = min(written, key=lambda w: w[0]), max(written, key=lambda w: w[0])
    years = (last[0] - first[0]).days / 365.25
    if years <= 0:
        return [], []
    fact = Fact("duration", years, f"{first[1]} … {last[1]} (about {years:.0f} years)")
    return [fact], list(dict.fromkeys([first[2], last[2]]))


#: Durations agree when they differ by at most this share of the longer one ("ten years" and "about 10 years"
#: from two dates), or by the slack of how they are written ("from 1932 to 1939" and "eight years").
DURATION_TOLERANCE = 0.1


def _agree(a: list[Fact], b: list[Fact], kind: Kind) -> bool:
    if kind == "duration":
        x, y = max(a, key=lambda f: f.value), max(b, key=lambda f: f.value)
        return abs(x.value - y.value) <= max(DURATION_TOLERANCE * max(x.value, y.value), x.slack + y.slack)
    return bool({f.value for f in a} & {f.value for f in b})


def _say(found: list[Fact]) -> str:
    return ", ".join(f"“{f.text}”" for f in found[:3])
