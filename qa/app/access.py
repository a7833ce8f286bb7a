"""What programs ask of an index, as JSON-ready dicts: the core shared by the MCP server and the HTTP API.

Every request is bounded here, once: the question (Config.max_question_chars), ``k``, the length of
text read at a time, and the text to verify (qa.answering.verify_text.MAX_CHARS). Errors are QAErrors whose
messages say what to send instead; an unknown document name is refused with the closest names.
"""
from __future__ import annotations

from typing import Any

from ..answering import lookup, validate
from ..answering.answer import ask as ask_answer
from ..answering.question_scores import score_question
from ..answering.retrieve import retrieve
from ..answering.verify_text import citation, verify_text
from ..calibrating import calibration
from ..errors import QuestionError
from ..indexing.index import Index

MAX_READ_CHARS = 20_000
MAX_SEARCH_K = 50
SNIPPET_CHARS = 300


def ask(index: Index, question: str, k: int = 3, sources: Any = None) -> dict[str, Any]:
    """The answer JSON of ``python -m qa ask --json`` (quotes, or an abstention with related passages)."""
    wanted = lookup.sources(index, sources)
    return ask_answer(question, k=k, index=index, sources=wanted, config=index.config).to_dict()


def search(index: Index, query: str, k: int = 5, sources: Any = None) -> dict[str, Any]:
    """The ``k`` best passages for ``query`` with their offsets and a short snippet; no answer is chosen."""
    k = validate.k(k, high=MAX_SEARCH_K)
    text = validate.question(query, max_chars=index.config.max_question_chars)
    wanted = lookup.sources(index, sources)
    passages = retrieve(index, score_question(index, text), k=k, sources=wanted)
    out = []
    for p in passages:
        chunk = index.chunks[p.chunk_id]
        doc = index.documents[chunk.source]
        snippet = chunk.text if len(chunk.text) <= SNIPPET_CHARS else chunk.text[: SNIPPET_CHARS - 1] + "…"
        out.append({"source": chunk.source, "title": doc.title, "section": chunk.section, "start": chunk.start,
                    "end": chunk.end, "snippet": snippet, "score": round(p.score, 5),
                    "citation": citation(doc, chunk.start, chunk.end)})
    return {"query": text, "passages": out}


def read(index: Index, source: str, start: int = 0, end: int | None = None) -> dict[str, Any]:
    """Cleaned text of ``source`` from ``start`` to ``end``, at most MAX_READ_CHARS characters at a time."""
    doc = lookup.document(index, source)
    n = len(doc.text)
    start = _offset(start, "start")
    end = n if end is None else _offset(end, "end")
    if start > n:
        raise QuestionError(f"start {start} is past the end of {source} ({n:,} characters).")
    if end < start:
        raise QuestionError(f"end ({end}) must not be before start ({start}).")
    end = min(end, n, start + MAX_READ_CHARS)
    return {"source": doc.source, "title": doc.title, "start": start, "end": end, "length": n,
            "text": doc.text[start:end], "next_start": end if end < n else None, "doc_sha256": doc.sha256}


def _offset(value: object, name: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise QuestionError(f"{name} must be a character offset, a whole number from 0 (got {value!r}).")
    return value


def documents(index: Index) -> list[dict[str, Any]]:
    """The rows of ``python -m qa docs --json``: one per indexed document."""
    return [{"source": s, **{k: v for k, v in m.items() if k != "raw_sha256"}}
            for s, m in sorted(index.manifest["documents"].items()) if s in index.documents]


def verify(index: Index, text: str, sources: Any = None) -> dict[str, Any]:
    """The JSON of ``python -m qa verify --json``."""
    return verify_text(text, sources, index=index).to_dict()


def health(index: Index) -> dict[str, Any]:
    return {"status": "ok", "documents": len(index.documents), "chunks": len(index.chunks),
            "build": index.folder.name, "model": index.manifest.get("model_id"),
            "calibration": calibration_of(index)}


def calibration_of(index: Index) -> dict[str, Any]:
    """Which calibration answers use: the index's own, or the shipped one (and why), as in `qa calibrate --status`."""
    return calibration.status(index).to_dict()
