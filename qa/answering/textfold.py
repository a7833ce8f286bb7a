"""Folding text for quote matching, with a map from every folded character back to the original.

Folding evens out what a copied quote loses or gains on its way through a chat or a word processor:
case, curly and straight quote marks, the many dashes, runs of whitespace (a paragraph break becomes a
space), soft hyphens and a word hyphenated at a line break. Each folded character remembers the span
of original text it stands for, so a match in folded text maps back to exact offsets.

>>> f = fold("The  “Quick”\\nfox")
>>> f.text
'the "quick" fox'
>>> f.span(4, 11)
(5, 12)
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

import numpy as np

Step = Literal["case", "quote marks", "dashes", "whitespace", "line-break hyphen"]
STEPS: tuple[Step, ...] = ("case", "quote marks", "dashes", "whitespace", "line-break hyphen")

_QUOTES = {c: "'" for c in "\u2018\u2019\u201a\u201b\u2032\u0060\u00b4"} | \
          {c: '"' for c in "\u201c\u201d\u201e\u201f\u2033\u00ab\u00bb"}
_DASHES = {c: "-" for c in "\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe58\ufe63\uff0d"}
# str.translate looks up every character; a regex finds the few marks and dashes at C speed.
_MARKS: dict[Step, tuple[re.Pattern[str], dict[str, str]]] = {
    "quote marks": (re.compile(f"[{''.join(_QUOTES)}]"), _QUOTES),
    "dashes": (re.compile(f"[{''.join(_DASHES)}]"), _DASHES),
}
# A hyphen that ends a line inside a word ("exam-\nple"); a soft hyphen; a run of whitespace.
_LINE_HYPHEN = r"(?<=[^\W\d_])-[ \t]*\n\s*(?=[^\W\d_])"
_PATTERNS: dict[frozenset[str], re.Pattern[str]] = {}


@dataclass(frozen=True)
class Folded:
    """Folded text; original ``[starts[i], ends[i])`` is what folded character ``i`` stands for."""

    text: str
    starts: np.ndarray
    ends: np.ndarray

    def span(self, start: int, end: int) -> tuple[int, int]:
        """The original span of folded ``text[start:end]`` (``end > start``)."""
        return int(self.starts[start]), int(self.ends[end - 1])


def fold(text: str, *, offset: int = 0, skip: frozenset[Step] = frozenset()) -> Folded:
    """Fold ``text`` (every step but those in ``skip``); offsets are shifted by ``offset``.

    Only the places where folding changes the length (whitespace other than a single space, a soft or
    line-break hyphen) are visited one by one; the rest is done by ``str.translate`` and numpy.
    """
    for step, (marks, table) in _MARKS.items():
        if step not in skip:
            text = marks.sub(lambda m: table[m.group()], text)  # noqa: B023 (used at once)
    if "case" not in skip:
        lower = text.lower()
        text = lower if len(lower) == len(text) else "".join(c.lower() if len(c.lower()) == 1 else c for c in text)
    n = len(text)
    keep = np.ones(n, dtype=bool)
    ends = np.arange(1, n + 1, dtype=np.int64)
    pieces: list[str] = []
    pos = 0
    for m in _pattern(skip).finditer(text):
        s, e = m.span()
        pieces.append(text[pos:s])
        if m.group()[0].isspace():
            pieces.append(" ")
            keep[s + 1:e] = False
            ends[s] = e
        else:
            keep[s:e] = False
        pos = e
    pieces.append(text[pos:])
    starts = np.flatnonzero(keep) + offset
    return Folded("".join(pieces), starts, ends[keep] + offset)


def _pattern(skip: frozenset[Step]) -> re.Pattern[str]:
    key = frozenset(skip) & {"whitespace", "line-break hyphen"}
    if key not in _PATTERNS:
        alternatives = [] if "line-break hyphen" in key else [_LINE_HYPHEN]
        alternatives.append("\u00ad")
        if "whitespace" not in key:
            alternatives.append(r"\s{2,}|[^\S ]")  # a run, or one space that is not " " (a line break, a tab)
        _PATTERNS[key] = re.compile("|".join(alternatives))
    return _PATTERNS[key]


def folded_text(text: str, skip: frozenset[Step] = frozenset()) -> str:
    """Only the folded text, stripped (for comparisons)."""
    return fold(text, skip=skip).text.strip()


def differences(claimed: str, exact: str) -> list[Step]:
    """The folding steps without which ``claimed`` and ``exact`` would not match: what differs.

    >>> differences("It's  a ‘test’", "it’s a 'test'")
    ['case', 'quote marks', 'whitespace']
    """
    return [step for step in STEPS if folded_text(claimed, frozenset({step})) != folded_text(exact, frozenset({step}))]
