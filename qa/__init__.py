"""qa: answers questions only with verbatim, cited quotes from its documents.

>>> from qa import ask, build_index, Config
"""
from __future__ import annotations

from .answer import ask, verify
from .build import BuildReport, build_index
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
from .index import Index, load_index
from .records import Answer, Chunk, Document, Quote, Section
from .verify_text import Place, QuoteTooShortError, Verification, verify_text

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
