"""qa: answers questions only with verbatim, cited quotes from its documents.

>>> from qa import ask, build_index, Config
"""
from __future__ import annotations

from .answering.answer import ask, verify
from .answering.verify_text import Place, QuoteTooShortError, Verification, verify_text
from .config import Config
from .errors import (
                     CorpusError,
                     DocumentNotFoundError,
                     IndexMismatchError,
                     IndexMissingError,
                     QAError,
                     QuestionError,
                     VerificationError,
)
from .indexing.build import BuildReport, build_index
from .indexing.index import Index, load_index
from .records import Answer, Chunk, Document, Quote, Section

__all__ = [
                     "Answer",
                     "BuildReport",
                     "Chunk",
                     "Config",
                     "CorpusError",
                     "Document",
                     "DocumentNotFoundError",
                     "Index",
                     "IndexMismatchError",
                     "IndexMissingError",
                     "Place",
                     "QAError",
                     "QuestionError",
                     "Quote",
                     "QuoteTooShortError",
                     "Section",
                     "Verification",
                     "VerificationError",
                     "ask",
                     "build_index",
                     "load_index",
                     "verify",
                     "verify_text",
]
