"""Files the integrity tests read from installed packages: missing in CI is a failure (``scripts/setup.sh --test``
installs them), elsewhere a skip that says what to install."""
from __future__ import annotations

import os
from pathlib import Path

import pytest

from qa.indexing.build import prepare_document
from qa.ingest.load import load_document
from qa.records import Document


def installed(path: str, package: str, *, ready: bool = True, what: str = "") -> Path:
    """``path`` when it exists (and ``ready``: a tool the test needs is there too); else fail in CI, skip outside."""
    if Path(path).exists() and ready:
        return Path(path)
    missing = f"{path}{' or ' + what if what else ''} is missing"
    if os.environ.get("CI") == "true":
        pytest.fail(f"{missing}: `scripts/setup.sh --test` installs {package}")
    pytest.skip(f"{missing} (apt-get install --reinstall {package})")


def read(path: Path) -> Document:
    """A file read and cleaned as the build reads it."""
    return prepare_document(load_document(path, path.parent, max_bytes=50_000_000))


def kinds(doc: Document, kind: str) -> list[str]:
    """The text of the document's blocks of one kind, in order."""
    return [doc.text[start:end] for start, end, k in doc.blocks if k == kind]
