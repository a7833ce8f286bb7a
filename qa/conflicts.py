"""Spotting disagreement: quotes from different sources that give different dates, numbers or durations."""
from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from .records import Quote

Kind = Literal["duration", "date", "number"]

_WORD_NUMBERS = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
    "ten": 10, "eleven": 11, "twelve": 12, "fifteen": 15, "twenty": 20, "thirty": 30, "fifty": 50,
    "hundred": 100, "a": 1, "an": 1, "a full": 1, "an entire": 1, "a whole": 1,
}
_UNIT_YEARS = {"day": 1 / 365, "week": 7 / 365, "month": 1 / 12, "year": 1.0, "decade": 10.0, "century": 100.0}
_NUM = r"(\d+(?:\.\d+)?|" + "|".join(sorted(map(re.escape, _WORD_NUMBERS), key=len, reverse=True)) + ")"
_DURATION = re.compile(_NUM + r"[\s-]+(day|week|month|year|decade|centur(?:y|ie))s?\b", re.I)
_YEAR = re.compile(r"\b(1[5-9]\d\d|20\d\d)\b")
_NUMBER = re.compile(r"(?<![\w.,])(\d{1,3}(?:,\d{3})+|\d+)(?![\w,]*\d)")


@dataclass(frozen=True)
class Fact:
    kind: Kind
    value: float
    text: str  # as written in the quote


def question_kind(question: str) -> Kind | None:
    """Which kind of fact the question asks for, if any."""
    q = question.lower()
    if re.search(r"\bhow long\b|\bfor how many (years|months|days)\b|\bduration\b", q):
        return "duration"
    if re.search(r"\bwhen\b|\bwhat (year|date|day|month)\b|\bwhich year\b", q):
        return "date"
    if re.search(r"\bhow (many|much)\b|\bwhat (number|percentage)\b", q):
        return "number"
    return None


def facts(text: str, kind: Kind) -> list[Fact]:
    """The facts of ``kind`` stated in ``text``. A source's span of years counts as a duration."""
    if kind == "duration":
        found = [Fact("duration", _amount(m.group(1)) * _UNIT_YEARS[_unit(m.group(2))], m.group(0))
                 for m in _DURATION.finditer(text)]
        return found
    if kind == "date":
        return [Fact("date", float(m.group(1)), m.group(1)) for m in _YEAR.finditer(text)]
    years = {m.group(1) for m in _YEAR.finditer(text)}
    return [Fact("number", float(m.group(1).replace(",", "")), m.group(1))
            for m in _NUMBER.finditer(text) if m.group(1) not in years]


def _amount(word: str) -> float:
    word = word.lower()
    return float(word) if word[0].isdigit() else float(_WORD_NUMBERS[word])


def _unit(word: str) -> str:
    word = word.lower()
    return "century" if word.startswith("centur") else word


def find_conflict(question: str, quotes: Sequence[Quote]) -> str | None:
    """A short note of what differs between sources, or None when they agree or say nothing comparable."""
    kind = question_kind(question)
    if kind is None:
        return None
    texts: dict[str, list[str]] = {}
    first: dict[str, Quote] = {}
    for q in quotes:
        texts.setdefault(q.source, []).append(q.text)
        first.setdefault(q.source, q)
    stated = {s: f for s, t in texts.items() if (f := _source_facts(" ".join(t), kind))}
    if len(stated) < 2:
        return None
    (sa, fa), (sb, fb) = list(stated.items())[:2]
    qa_, qb = first[sa], first[sb]
    if _agree(fa, fb, kind):
        return None
    return (f"The sources differ on {_LABEL[kind]}: {_say(fa)} in “{qa_.title}” ({qa_.kind}) "
            f"vs {_say(fb)} in “{qb.title}” ({qb.kind}).")


_LABEL = {"duration": "how long", "date": "the date", "number": "the number"}


def _source_facts(text: str, kind: Kind) -> list[Fact]:
    found = facts(text, kind)
    if kind == "duration" and not found:
        years = sorted({int(m.group(1)) for m in _YEAR.finditer(text)})
        if len(years) >= 2:
            found = [Fact("duration", float(years[-1] - years[0]), f"{years[0]}–{years[-1]}")]
    return found


def _agree(a: list[Fact], b: list[Fact], kind: Kind) -> bool:
    if kind == "duration":
        x, y = max(f.value for f in a), max(f.value for f in b)
        return max(x, y) <= 1.5 * min(x, y)
    return bool({f.value for f in a} & {f.value for f in b})


def _say(found: list[Fact]) -> str:
    return ", ".join(f"“{f.text}”" for f in found[:3])
