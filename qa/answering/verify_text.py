"""Checking any text against the documents: is it really a quote, and where?

``verify_text`` answers one of three things:

- ``verified``: the text is in a document exactly; every place it occurs (up to 20), with its citation.
- ``repaired``: the text differs from a document's only in case, quote marks, dashes, whitespace, a
  word hyphenated at a line break, or an ellipsis standing for omitted words. The exact text to quote
  instead, its span, and what differed.
- ``unverified``: no such text; the nearest passage and how close it is.

It never scans every document: BM25 proposes candidate chunks (its best 30, then up to 200; the vector
index's best 10 when no word of the text is in the index), and the text is matched in folded form
(qa.answering.textfold) in windows around them, which map back to exact offsets. A quote may run across chunk,
paragraph and page boundaries.
"""
from __future__ import annotations

import re
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, Literal

import numpy as np
from rapidfuzz import fuzz
from rapidfuzz.distance import Levenshtein

from ..config import Config
from ..errors import QuestionError
from ..indexing.index import Index, load_index
from ..indexing.lexical import query_terms
from ..indexing.vectors import top_k
from ..records import Document
from . import lookup, validate
from .textfold import Folded, differences, fold, folded_text

Status = Literal["verified", "repaired", "unverified"]
MIN_CHARS = 12  # shorter texts occur by chance: "in the war" is in most histories
MAX_CHARS = 20_000
MAX_SPANS = 20
MAX_GAP = 3_000  # characters an ellipsis may stand for
LEXICAL_CANDIDATES = 30  # looked in first; then up to WIDE_CANDIDATES; DENSE_CANDIDATES when BM25 has none
WIDE_CANDIDATES = 200
DENSE_CANDIDATES = 10
SCAN_CHARS = 500_000  # documents named by ``sources`` are searched whole up to this size in all
NEAREST_WINDOWS = 8
# "…", "...", ". . .", "[...]", "(...)"; a sentence's own full stop before one ("1946. ..." or "1946....") stays.
_ELLIPSIS = re.compile(r"\s*(?:\[\s*(?:\.\s*){3}\]|\[\s*…\s*\]|\(\s*(?:\.\s*){3}\)|\.{3}(?!\.)|\. \. \.|…)\s*")
_OPEN, _CLOSE = "\"'“‘«„", "\"'”’»“"


class QuoteTooShortError(QuestionError):
    """The text is too short, or too common, to say whether it is a quote."""


@dataclass(frozen=True)
class Place:
    """Where text is in a document: ``documents[source].text[start:end] == text``, with its citation."""

    source: str
    title: str
    start: int
    end: int
    text: str
    citation: str
    doc_sha256: str
    section: str | None = None
    line: int | None = None
    page: int | None = None
    paragraph: int | None = None
    url: str | None = None


@dataclass(frozen=True)
class Verification:
    """What :func:`verify_text` found; ``spans`` are the exact places to quote (best first)."""

    text: str
    status: Status
    spans: tuple[Place, ...] = ()
    differences: tuple[str, ...] = ()
    omitted: tuple[tuple[int, int], ...] = ()  # repaired by an ellipsis: the spans of the omitted words
    nearest: Place | None = None
    similarity: float | None = None  # unverified: 0..1, how much of the text the nearest passage matches
    edits: int | None = None  # unverified: characters to change (folded) to get the nearest passage

    def to_dict(self) -> dict[str, Any]:
        out = asdict(self)
        out["omitted"] = [list(x) for x in self.omitted]
        return out


def verify_text(text: str, sources: Any = None, *, index: Index | Path | str | None = None,
                config: Config | None = None) -> Verification:
    """Check whether ``text`` is a verbatim quote of the indexed documents (of ``sources`` when given).

    Raises QuoteTooShortError for text under 12 characters or with no content word, QuestionError for
    text that is not usable, and DocumentNotFoundError (with the closest names) for an unknown source.

    >>> verify_text("The battle ended on 16 September 1939.").status  # doctest: +SKIP
    'verified'
    """
    idx = index if isinstance(index, Index) else load_index(index, config)
    claimed = _claimed(text)
    wanted = lookup.sources(idx, sources)
    parts = [p for p in _ELLIPSIS.split(claimed) if p.strip()]
    query = " ".join(parts)
    lexical = _lexical(idx, query, wanted)
    if wanted is not None and sum(len(idx.documents[s].text) for s in wanted) <= SCAN_CHARS:
        whole = [(s, 0, len(idx.documents[s].text)) for s in sorted(wanted)]  # a few named documents: all of them
        found = _find(idx, claimed, parts, whole)
        return found or _nearest(idx, claimed, _windows(idx, lexical[:LEXICAL_CANDIDATES] or _dense(idx, query, wanted),
                                                         claimed))
    first = _windows(idx, lexical[:LEXICAL_CANDIDATES], claimed)
    found = _find(idx, claimed, parts, first)
    if found:
        return found
    # Text that repeats across documents (boilerplate, a sentence quoted twice) can push the chunk that
    # holds a quote below the first candidates; the next ones cost only their folding.
    wide = [w for w in _windows(idx, lexical, claimed) if w not in first]
    found = _find(idx, claimed, parts, wide)
    if found:
        return found
    if first:
        return _nearest(idx, claimed, first)
    nearby = _windows(idx, _dense(idx, query, wanted), claimed)  # no word of the text is in the index
    return _find(idx, claimed, parts, nearby) or _nearest(idx, claimed, nearby)


def _claimed(text: object) -> str:
    """The text to check, stripped of surrounding whitespace and quote marks; refused when too short."""
    if not isinstance(text, str):
        raise QuestionError(f"The text to verify must be text (got {type(text).__name__}).")
    validate._check_unicode(text, "The text to verify")
    text = text.strip()
    if len(text) >= 2 and text[0] in _OPEN and text[-1] in _CLOSE:
        text = text[1:-1].strip()
    if len(text) > MAX_CHARS:
        raise QuestionError(f"The text is {len(text):,} characters long; the limit is {MAX_CHARS:,}. "
                            "Verify one passage at a time.")
    bare = folded_text(_ELLIPSIS.sub(" ", text))
    if len(bare) < MIN_CHARS or not any(query_terms(bare)):
        raise QuoteTooShortError(
            f"{text!r} is too short or too common to verify: it could be found almost anywhere. "
            f"Give at least {MIN_CHARS} characters with a word that is not a common one, such as a whole phrase."
        )
    return text


# ---------------------------------------------------------------- candidates

def _lexical(idx: Index, query: str, wanted: frozenset[str] | None) -> list[int]:
    """The best WIDE_CANDIDATES chunks by BM25, best first (only those of ``wanted`` when given)."""
    scores = idx.bm25_scores(query)
    if wanted is None:
        ids = top_k(scores, WIDE_CANDIDATES)
    else:
        allowed = np.sort(np.concatenate([idx.source_chunks.get(s, np.zeros(0, np.int64)) for s in sorted(wanted)]))
        ids = allowed[top_k(scores[allowed], WIDE_CANDIDATES)]
    return [int(c) for c in ids if scores[c] > 0]


def _dense(idx: Index, query: str, wanted: frozenset[str] | None) -> list[int]:
    return [c for c, _ in idx.dense_search(idx.embed([query])[0], DENSE_CANDIDATES, wanted)]


Window = tuple[str, int, int]


def _windows(idx: Index, chunk_ids: list[int], claimed: str) -> list[Window]:
    """Text around each candidate chunk, wide enough for the claimed text to run past the chunk on
    either side; overlapping windows of a document are merged. Order: the best candidate's first."""
    pad = len(claimed) + 200
    spans: dict[str, list[tuple[int, int, int]]] = {}
    for rank, cid in enumerate(chunk_ids):
        chunk = idx.chunks[cid]
        n = len(idx.documents[chunk.source].text)
        spans.setdefault(chunk.source, []).append((max(0, chunk.start - pad), min(n, chunk.end + pad), rank))
    merged: list[tuple[int, Window]] = []
    for source, items in spans.items():
        items.sort()
        lo, hi, best = items[0]
        for s, e, rank in items[1:]:
            if s <= hi:
                hi, best = max(hi, e), min(best, rank)
            else:
                merged.append((best, (source, lo, hi)))
                lo, hi, best = s, e, rank
        merged.append((best, (source, lo, hi)))
    return [w for _, w in sorted(merged)]


# ---------------------------------------------------------------- matching

def _find(idx: Index, claimed: str, parts: list[str], windows: list[Window]) -> Verification | None:
    folded = [(w[0], fold(idx.documents[w[0]].text[w[1]:w[2]], offset=w[1])) for w in windows]
    target = folded_text(claimed)
    hits = [(source, *f.span(i, i + len(target))) for source, f in folded for i in _occurrences(f.text, target)]
    hits = list(dict.fromkeys(hits))
    exact = [h for h in hits if idx.documents[h[0]].text[h[1]:h[2]] == claimed]
    if exact:
        return Verification(claimed, "verified", tuple(_place(idx, *h) for h in exact[:MAX_SPANS]))
    if hits:
        source, start, end = hits[0]
        steps = differences(claimed, idx.documents[source].text[start:end])
        return Verification(claimed, "repaired", tuple(_place(idx, *h) for h in hits[:MAX_SPANS]), tuple(steps))
    if len(parts) > 1 or (parts and parts[0].strip() != claimed):
        return _elided(idx, claimed, parts, folded)
    return None


def _occurrences(text: str, target: str) -> list[int]:
    out: list[int] = []
    i = text.find(target)
    while i >= 0 and len(out) < MAX_SPANS:
        out.append(i)
        i = text.find(target, i + 1)
    return out


def _elided(idx: Index, claimed: str, parts: list[str], folded: list[tuple[str, Folded]]) -> Verification | None:
    """Text with an ellipsis: its parts in order, each within MAX_GAP characters of the one before; of
    several such passages, the shortest (the one the ellipsis most likely stands in)."""
    targets = [folded_text(p) for p in parts]
    if any(len(t) < 4 for t in targets):
        return None  # "a … b" would match nearly anywhere
    best: tuple[int, str, list[tuple[int, int]]] | None = None
    for source, f in folded:
        for i in _occurrences(f.text, targets[0]):
            pieces = [(i, i + len(targets[0]))]
            for t in targets[1:]:
                j = f.text.find(t, pieces[-1][1], pieces[-1][1] + MAX_GAP + len(t))
                if j < 0:
                    break
                pieces.append((j, j + len(t)))
            if len(pieces) == len(targets):
                spans = [f.span(a, b) for a, b in pieces]
                if best is None or spans[-1][1] - spans[0][0] < best[0]:
                    best = (spans[-1][1] - spans[0][0], source, spans)
    if best is None:
        return None
    _, source, spans = best
    text = idx.documents[source].text
    steps = {s for p, (a, b) in zip(parts, spans) for s in differences(p, text[a:b])}
    omitted = tuple((spans[k][1], spans[k + 1][0]) for k in range(len(spans) - 1))
    found = _place(idx, source, spans[0][0], spans[-1][1])
    return Verification(claimed, "repaired", (found,), ("ellipsis", *sorted(steps)), omitted)


def _nearest(idx: Index, claimed: str, windows: list[Window]) -> Verification:
    target = folded_text(_ELLIPSIS.sub(" ", claimed))
    best: tuple[float, str, Folded, int, int] | None = None
    for source, lo, hi in windows[:NEAREST_WINDOWS]:
        f = fold(idx.documents[source].text[lo:hi], offset=lo)
        a = fuzz.partial_ratio_alignment(target, f.text)
        if a is not None and a.dest_end > a.dest_start and (best is None or a.score > best[0]):
            best = (a.score, source, f, a.dest_start, a.dest_end)
    if best is None:
        return Verification(claimed, "unverified")
    score, source, f, ds, de = best
    start, end = f.span(ds, de)
    return Verification(claimed, "unverified", nearest=_place(idx, source, start, end),
                        similarity=round(score / 100, 3), edits=Levenshtein.distance(target, f.text[ds:de]))


def _place(idx: Index, source: str, start: int, end: int) -> Place:
    doc = idx.documents[source]
    where = doc.location(start)
    return Place(source=source, title=doc.title, start=start, end=end, text=doc.text[start:end],
                 citation=citation(doc, start, end), doc_sha256=doc.sha256, section=doc.section_at(start),
                 line=where["line"], page=where["page"], paragraph=where["paragraph"], url=doc.url)


def citation(doc: Document, start: int, end: int) -> str:
    """``Title — source, section “…”, page 3; chars 120–180``: what to cite a span of ``doc`` by."""
    where = doc.location(start)
    parts = [f"section “{doc.section_at(start)}”" if doc.section_at(start) else None]
    parts += [f"{unit} {where[unit]}" for unit in ("page", "paragraph", "line") if where.get(unit)]
    place = ", ".join(p for p in parts if p)
    return f"{doc.title} — {doc.source}{', ' + place if place else ''}; chars {start}–{end}"
