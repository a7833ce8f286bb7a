"""qa: answers questions only with verbatim, cited quotes from its documents.

>>> from qa import ask, build_index, Config

The pipeline's entry points load on first use: importing one part of the package (the file reader's worker
process imports only ``qa.ingest``) does not load the index, the embedder and their libraries.
"""
from __future__ import annotations

import os
from importlib import import_module
from typing import TYPE_CHECKING, Any

# Nothing may be fetched from a model hub at run time (air-gapped sites): set before anything of the
# package can load sentence-transformers, transformers or huggingface_hub.
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

from .config import Config
from .errors import (
    CorpusError,
    DocumentNotFoundError,
    IndexMismatchError,
    IndexMissingError,
    IndexWriteError,
    QAError,
    QuestionError,
    VerificationError,
)
from .records import Answer, Chunk, Document, Quote, Section

if TYPE_CHECKING:
    from .answering.answer import ask, verify
    from .answering.verify_text import Place, QuoteTooShortError, Verification, verify_text
    from .indexing.build import BuildReport, build_index
    from .indexing.index import Index, load_index

# name -> the module that defines it, imported when the name is first read (PEP 562)
_LAZY = {
    "ask": ".answering.answer", "verify": ".answering.answer",
    "Place": ".answering.verify_text", "QuoteTooShortError": ".answering.verify_text",
    "Verification": ".answering.verify_text", "verify_text": ".answering.verify_text",
    "BuildReport": ".indexing.build", "build_index": ".indexing.build",
    "Index": ".indexing.index", "load_index": ".indexing.index",
}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'qa' has no attribute {name!r}")
    value = getattr(import_module(module, __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_LAZY))


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
    "IndexWriteError",
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
