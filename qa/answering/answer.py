"""Composing the answer: validated question → selected spans → verified, cited quotes (or an abstention)."""
from __future__ import annotations

import bisect
import hashlib
from collections.abc import Iterable
from operator import itemgetter
from pathlib import Path

from ..config import Config
from ..errors import VerificationError
from ..indexing.index import Index, load_index
from ..indexing.lexical import query_terms
from ..records import Answer, Document, Quote
from . import validate
from .asked import compared_sides
from .conflicts import find_conflict
from .quotes import Span, select


def clean_question(question: str, *, max_chars: int) -> str:
    """The question with control characters removed and whitespace folded; QuestionError if unusable."""
    return validate.question(question, max_chars=max_chars)


def ask(question: str, *, k: int = 3, index: Index | Path | str | None = None,
        sources: Iterable[str] | str | None = None, config: Config | None = None) -> Answer:
    """Answer ``question`` with up to ``k`` verbatim quotes from the indexed documents.

    ``index`` is an index folder (default: the project's ``index/``), loaded once and cached, or a
    loaded Index; ``config`` (default: the index's) sets how questions are answered. ``sources``
    restricts the answer to those documents (one name, or a list of names; ``None`` or ``[]``: all
    documents). Bad input raises QuestionError or DocumentNotFoundError. When nothing in the documents
    supports an answer, the Answer is abstained and carries the nearest passages as ``related``.
    ``confidence`` is the calibrated probability that the first quote answers the question (qa.answering.verifier).

    >>> ask("Who painted the Mona Lisa?").abstained  # doctest: +SKIP
    True
    """
    k = validate.k(k, high=(config or Config()).max_quotes)
    idx = index if isinstance(index, Index) else load_index(index, config)
    config = config or idx.config
    text = validate.question(question, max_chars=config.max_question_chars)
    wanted = validate.sources(sources, idx.document)  # a clear error for an unknown source
    ranking = select(idx, text, k=k, sources=wanted, config=config)  # more than k spans, to choose k from
    spans = _distinct(idx, [s for s in ranking.spans if not _heading(idx, s)])
    confidence, read = round(ranking.confidence, 4), ranking.corrections
    if ranking.abstains(config):
        return Answer(text, True, related=tuple(_quote(idx, s) for s in spans[:k]), confidence=confidence,
                      corrections=read)
    candidates = [_quote(idx, s) for s in spans]
    quotes = _both_sides(text, candidates, _diverse(candidates, k, config.diversity_margin))
    close, wider = _comparable(candidates, quotes, config)
    conflict = find_conflict(ranking.question.text, close, wider, meaning=config.meaning_conflicts)
    if conflict:
        quotes = _including(quotes, conflict.quotes, k)
    for source in dict.fromkeys(q.source for q in quotes):  # each document's text hashed once per answer
        _check_text(idx.document(source))
    for q in quotes:
        _check_quote(q, idx.document(q.source))
    return Answer(text, False, tuple(quotes), conflict=conflict is not None,
                  conflict_note=conflict.note if conflict else None, confidence=confidence, corrections=read)



def _heading(idx: Index, span: Span) -> bool:
    return idx.documents[span.source].is_heading(span.start, span.end)


def _distinct(idx: Index, spans: list[Span]) -> list[Span]:
    """``spans`` without one that says word for word what a better one of its document says (a manual that
    repeats a sentence in two places): the same words twice would take a place another quote could have."""
    seen: set[tuple[str, str]] = set()
    out = []
    for span in spans:
        key = (span.source, " ".join(idx.documents[span.source].text[span.start:span.end].split()))
        if key not in seen:
            seen.add(key)
            out.append(span)
    return out


def _diverse(candidates: list[Quote], k: int, margin: float) -> list[Quote]:
    """The best ``k`` quotes, making room for another source's best quote when it scores within ``margin``.

    Users must see every side the documents take, not only the side that scores a little higher.
    """
    chosen = candidates[:k]
    if not chosen:
        return chosen
    shown = {q.source for q in chosen}
    for q in candidates[k:]:
        if q.source not in shown and q.score >= chosen[0].score - margin and len(chosen) > 1:
            chosen = _including(chosen[:-1], (q,), k)
            shown.add(q.source)
    return chosen


def _both_sides(question: str, candidates: list[Quote], chosen: list[Quote]) -> list[Quote]:
    """For a question comparing two things ("path.join vs path.resolve", "the difference between git pull and git
    fetch"), a quote about each: where no chosen quote names one of them (in its text or its section), the best
    candidate that does takes the place of the last quote after the first, keeping one that names the other."""
    sides = compared_sides(question)
    if sides is None or len(chosen) < 2:
        return chosen

    def names(quote: Quote, side: frozenset[str]) -> bool:
        return side <= set(query_terms(f"{quote.section or ''} {quote.text}"))

    for side in sides:
        if any(names(q, side) for q in chosen):
            continue
        best = next((q for q in candidates if q not in chosen and names(q, side)), None)
        other = next(s for s in sides if s is not side)
        keep = [q for q in chosen[1:] if names(q, other)][:1]  # the first quote, and one about the other side
        spare = [q for q in reversed(chosen[1:]) if q not in keep]
        if best is not None and spare:
            chosen = sorted([q for q in chosen if q is not spare[0]] + [best], key=lambda q: -q.score)
    return chosen


def _comparable(candidates: list[Quote], shown: list[Quote], config: Config) -> tuple[list[Quote], list[Quote]]:
    """Quotes worth comparing for a conflict, from the sources shown or nearly as good as the top quote:
    those close to the top quote's score, and all of those sources' candidates."""
    if not candidates:
        return [], []
    top = candidates[0].score
    sources = {q.source for q in shown} | {q.source for q in candidates if q.score >= top - config.diversity_margin}
    wider = [q for q in candidates if q.source in sources]
    return [q for q in wider if q.score >= top - config.conflict_margin], wider


def _including(quotes: list[Quote], required: tuple[Quote, ...], k: int) -> list[Quote]:
    """``required`` plus the best others, at most ``max(k, len(required))``, best first."""
    keep = list(required) + [q for q in quotes if q not in required]
    keep = keep[: max(k, len(required))]
    return sorted(keep, key=lambda q: -q.score)


def _quote(idx: Index, span: Span) -> Quote:
    doc = idx.documents[span.source]
    end, code_start, code_end = doc.with_code(span.start, span.end)
    c_start, c_end = _context(doc, span.start, end)
    where = doc.location(span.start)
    return Quote(
        text=doc.text[span.start:end], source=doc.source, title=doc.title,
        section=doc.section_at(span.start), kind=doc.kind, start=span.start, end=end,
        score=round(float(span.score), 4), context=doc.text[c_start:c_end], context_start=c_start,
        doc_sha256=doc.sha256, line=where["line"], page=where["page"], url=doc.url, date=doc.date,
        paragraph=where["paragraph"], block="code" if code_start is not None else doc.block_kind(span.start, end),
        code_start=code_start, code_end=code_end if code_start is not None and code_end != end else None,
    )


def _context(doc: Document, start: int, end: int) -> tuple[int, int]:
    """The quote plus the sentence before and after it, within the same section."""
    sentences = doc.sentences  # in order, and apart: their starts and their ends both ascend
    last = len(sentences) - 1
    i = max(bisect.bisect_right(sentences, start, key=itemgetter(0)) - 1, 0)  # the last sentence starting by ``start``
    j = min(bisect.bisect_left(sentences, end, key=itemgetter(1)), last)  # the first ending at or after ``end``
    lo, hi = sentences[max(i - 1, 0)][0], sentences[min(j + 1, last)][1]
    section = next((s for s in doc.sections if s.start <= start < s.end), None)
    if section:
        lo, hi = max(lo, section.start), min(hi, section.end)
    return min(lo, start), max(hi, end)


def verify(quote: Quote, index: Index | Path | str | None = None) -> None:
    """Re-check a quote against the stored document: same document text, span equal to the quote.

    Raises VerificationError saying what does not match.
    """
    idx = index if isinstance(index, Index) else load_index(index)
    doc = idx.document(quote.source)
    _check_text(doc)
    _check_quote(quote, doc)


def _check_text(doc: Document) -> None:
    """The stored text still hashes to the document's recorded sha256."""
    if hashlib.sha256(doc.text.encode("utf-8")).hexdigest() != doc.sha256:
        raise VerificationError(f"The stored text of {doc.source} is damaged. Run `python -m qa build --full`.")


def _check_quote(quote: Quote, doc: Document) -> None:
    """The quote was made from this text of ``doc`` and equals its span, inside its context."""
    if quote.doc_sha256 != doc.sha256:
        raise VerificationError(f"{doc.source} changed since this quote was made. Ask again.")
    if doc.text[quote.start:quote.end] != quote.text:
        raise VerificationError(f"The quote does not match {doc.source}[{quote.start}:{quote.end}].")
    inner = quote.start - quote.context_start
    if quote.context[inner:inner + len(quote.text)] != quote.text:
        raise VerificationError(f"The quote's context does not contain it at {quote.context_start}.")
