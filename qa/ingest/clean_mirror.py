"""Wiki mirrors that splice each link's preview into the sentence: find the previews and their anchors.

A mirror such as TheInfoList writes every wiki link as a line of its own, ``ANCHOR PREVIEW ...``: the
anchor text belongs to the running sentence, the preview (the linked article's opening, cut at a
near-constant length) does not. Where the anchor ends is decided by combining evidence:

- the preview usually restates the anchor (``Soviet Union The Soviet Union``, ``fascist Fascism is``);
- a preview starts like a definition (``The ...``, ``A ...``, ``, also called``, ``{{Infobox``), while
  an anchor never ends with a function word;
- previews are cut at a near-constant length in bytes, measured on this document's unambiguous lines;
- the same preview recurs after different anchors (``Imperial Russia The Russian Empire was ...``).

>>> line = "Soviet Union The Soviet Union, officially the Union of Soviet Socialist Republics ..."
>>> line[:anchor_end(line, None, {})]
'Soviet Union'
"""
from __future__ import annotations

import re
import statistics

_MARK = re.compile(r"(?: \.{1,3}| ?…)$")  # stripped from a preview before measuring it
_STRONG_MARK = re.compile(r"(?:\.\.\.|…)$")
_WORD = re.compile(r"\S+")
_NON_WORD = re.compile(r"\W+")
_STOP = frozenset((
    "the", "a", "an", "of", "and", "in", "on", "to", "by", "for", "or", "at", "as", "with", "from",
))
_ARTICLES = frozenset(("the", "a", "an"))
_DEFINING = frozenset(("was", "is", "were", "are"))
_MIN_BYTES = 120  # a preview line is an anchor plus a preview of a couple of hundred bytes
_PROBE = 48  # characters of preview compared across lines to find recurring previews
_MAX_ANCHOR_WORDS = 10


def find_previews(lines: list[str], inner: list[bool]) -> dict[int, int]:
    """Map the index of each preview line to where its anchor ends (a character offset in the line).

    ``inner`` says which lines sit inside a multi-line paragraph: previews are spliced into sentences,
    so a line standing alone is never one. A document is a mirror only if at least three long lines of
    similar length end in ``...`` and many of them restate their opening words right away.
    """
    marked = [i for i, line in enumerate(lines) if inner[i] and _is_marked(line)]
    if len(marked) < 3:
        return {}
    median = statistics.median(_nbytes(lines[i]) for i in marked)
    marked = [i for i in marked if 0.6 * median <= _nbytes(lines[i]) <= 1.6 * median]
    target = _target_bytes([lines[i] for i in marked])
    if target is None:
        return {}
    marked += _unmarked_previews(lines, inner, set(marked), target)
    index = _preview_index([lines[i] for i in marked])
    anchors: dict[str, int] = {}  # mirrors repeat the same link line many times
    for i in marked:
        if lines[i] not in anchors:
            anchors[lines[i]] = anchor_end(lines[i], target, index)
    return {i: anchors[lines[i]] for i in sorted(marked)}


def anchor_end(line: str, target: float | None, index: dict[str, set[str]]) -> int:
    """The end of the anchor in preview line ``line``: the best-scoring word boundary."""
    splits = _splits(line)
    if not splits:
        return 0
    template = line.find(" {{")
    if 0 < template <= splits[-1]:  # markup never belongs to an anchor; a preview may open with it
        return template
    return max(splits, key=lambda s: _score(line, s, target, index))


def _is_marked(line: str) -> bool:
    return bool(_STRONG_MARK.search(line)) and _nbytes(line) >= _MIN_BYTES


def _nbytes(text: str) -> int:
    return len(text.encode("utf-8", "replace"))


def _splits(line: str) -> list[int]:
    ends = [m.end() for m in _WORD.finditer(line, 0, min(len(line), 400))]
    return [e for e in ends[:_MAX_ANCHOR_WORDS] if e < len(line.rstrip())]


def _score(line: str, split: int, target: float | None, index: dict[str, set[str]]) -> float:
    return (1.5 * _restatement(line, split) + _shape(line, split) - _length_penalty(line, split, target)
            + _recurrence(line, split, index))


def _words(text: str) -> list[str]:
    return [w for w in (_NON_WORD.sub("", t.lower()) for t in text.split()) if w and w not in _STOP]


def _restatement(line: str, split: int, window: int = 4) -> float:
    """How well the preview's first words restate the anchor (in order, allowing inflection)."""
    anchor = _words(line[:split])
    size = len(anchor) + window
    preview = _words(" ".join(line[split:split + 400].split()[: size + 2]))[:size]
    if not anchor:
        return -1.0
    pos, matched, first = 0, 0, -1
    for word in anchor:
        hit = next((j for j in range(pos, len(preview)) if _similar(word, preview[j])), None)
        if hit is not None:
            matched, pos = matched + 1, hit + 1
            first = hit if first < 0 else first
    return max(0.0, matched - 0.5 * (len(anchor) - matched) - 0.3 * first) if matched else 0.0


def _similar(a: str, b: str) -> bool:
    """Same word up to inflection or spelling: ``fascist``/``fascism``, ``armored``/``armoured``."""
    if a == b:
        return True
    common = len(_common_prefix(a, b))
    if common >= 4 and common >= min(len(a), len(b)) - 3:
        return True
    short, long_ = sorted((a, b), key=len)
    return len(short) > 4 and len(long_) == len(short) + 1 and any(
        long_[:i] + long_[i + 1:] == short for i in range(len(long_)))


def _common_prefix(a: str, b: str) -> str:
    n = 0
    while n < min(len(a), len(b)) and a[n] == b[n]:
        n += 1
    return a[:n]


def _shape(line: str, split: int) -> float:
    """Previews open like definitions; anchors end in content words and hold no mid-line article."""
    anchor, rest = line[:split], line[split:].lstrip()
    last = _NON_WORD.sub("", anchor.split()[-1].lower())
    first_word = _NON_WORD.sub("", rest.split()[0].lower()) if rest.split() else ""
    score = -3.0 if not last or last in _STOP else 0.0
    if re.search(r"\S \b(?:The|A|An) ", anchor + " ") or _DEFINING & set(anchor.lower().split()[1:]):
        score -= 2
    if first_word in _ARTICLES and rest[:1].isupper():
        return score + 1.5
    if rest[:1].isupper() or rest[:1] in ",({[":
        return score + 1
    if first_word in _DEFINING:
        return score + 0.5
    return score - 1 if rest[:1].islower() else score


def _preview_bytes(line: str, split: int) -> int:
    return _nbytes(_MARK.sub("", line[split:].strip()))


def _length_penalty(line: str, split: int, target: float | None, tolerance: int = 7) -> float:
    if target is None:
        return 0.0
    distance = abs(_preview_bytes(line, split) - target)
    return max(0.0, distance - tolerance) / 4 + distance / 20


def _target_bytes(lines: list[str]) -> float | None:
    """The mirror's preview length, measured where the preview restates the whole anchor at once.

    None when too few lines show that restatement: then these lines are not a mirror's previews.
    """
    sure = []
    for line in lines:
        for split in _splits(line)[:6]:
            n = len(_words(line[:split]))
            if n and _restatement(line, split, window=1) >= n:
                sure.append(_preview_bytes(line, split))
                break
    return statistics.median(sure) if len(sure) >= max(3, len(lines) / 4) else None


def _unmarked_previews(lines: list[str], inner: list[bool], marked: set[int], target: float) -> list[int]:
    """Previews cut with no ``...`` mark (or `` .``): lines of preview length that restate their anchor."""
    found = []
    for i, line in enumerate(lines):
        if i in marked or not inner[i] or _nbytes(line) < _MIN_BYTES:
            continue
        split = anchor_end(line, target, {})
        n = len(_words(line[:split]))
        if n and _restatement(line, split, window=1) >= n and abs(_preview_bytes(line, split) - target) <= 15:
            found.append(i)
    return found


def _preview_index(lines: list[str]) -> dict[str, set[str]]:
    """Text at each of a line's first word starts, with the text before it (the would-be anchor)."""
    index: dict[str, set[str]] = {}
    for line in lines:
        for m in list(_WORD.finditer(line, 0, min(len(line), 400)))[1:_MAX_ANCHOR_WORDS + 1]:
            key = line[m.start():m.start() + _PROBE]
            if len(key) == _PROBE:
                index.setdefault(key, set()).add(line[:m.start()].strip())
    return index


def _recurrence(line: str, split: int, index: dict[str, set[str]]) -> float:
    """Bonus when the preview starting here follows a different anchor elsewhere in the document.

    Only where the shared text begins: the words just before it differ (``Imperial Russia The Russian
    Empire was`` against ``Russian Empire The Russian Empire was``).
    """
    start = len(line) - len(line[split:].lstrip())
    last = line[:split].split()[-1]
    heads = index.get(line[start:start + _PROBE], set())
    return 2.0 if any(head.split()[-1:] != [last] for head in heads) else 0.0
