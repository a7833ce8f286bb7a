"""Example questions for the landing page: drawn from titles and headings, kept only when answered."""
from __future__ import annotations

from ..answering.answer import ask
from ..config import Config
from ..indexing.index import Index
from .ui_docs import example_questions


def answered_examples(idx: Index, config: Config, *, limit: int = 4) -> list[str]:
    """Up to ``limit`` questions from the documents' titles and headings that the documents do answer."""
    answered = [q for q in example_questions(idx.documents.values(), limit=limit)
                if not ask(q, index=idx, config=config).abstained]
    return answered[:limit]
