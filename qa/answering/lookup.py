"""Finding documents by name for programs: an unknown name is refused with the closest indexed names.

Agents guess names ("border-conflicts.txt" for "soviet-japanese-border-conflicts-theinfolist.txt");
the refusal lists the nearest ones so that the next call can succeed.
"""
from __future__ import annotations

import difflib
from pathlib import PurePosixPath

from ..errors import DocumentNotFoundError
from ..indexing.index import Index
from ..records import Document
from . import validate


def document(index: Index, source: str) -> Document:
    """The indexed document named ``source``; DocumentNotFoundError naming the closest names if none."""
    if not isinstance(source, str):
        raise DocumentNotFoundError(f"A document name must be text (got {type(source).__name__}).")
    found = index.documents.get(source)
    if found is None:
        raise DocumentNotFoundError(not_found_message(index, source))
    return found


def sources(index: Index, value: object) -> frozenset[str] | None:
    """Validated document names to search (None: every document), each checked with :func:`document`."""
    return validate.sources(value, lambda name: document(index, name))


def closest(index: Index, name: str, n: int = 3) -> list[str]:
    """Up to ``n`` indexed names nearest ``name``, by the whole name and by the file name alone."""
    names = list(index.documents)
    by_path = difflib.get_close_matches(name, names, n=n, cutoff=0.5)
    stems = {PurePosixPath(s).name: s for s in names}
    by_file = [stems[m] for m in difflib.get_close_matches(PurePosixPath(name).name, list(stems), n=n, cutoff=0.5)]
    partial = [s for s in names if name and name.lower() in s.lower()]
    return list(dict.fromkeys(by_path + by_file + partial))[:n]


def not_found_message(index: Index, source: str) -> str:
    near = closest(index, source)
    hint = f" The closest names: {', '.join(near)}." if near else ""
    return (f"No document {source!r} in the index.{hint} List the indexed documents "
            "(`python -m qa docs`, the list_documents tool or GET /api/documents) for every name.")
