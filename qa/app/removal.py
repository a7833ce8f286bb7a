"""Removing a document from the corpus: its file (and sidecar) move out, and the next rebuild drops it.

Nothing is deleted: the files go to ``data/removed/`` beside the index folder (see qa.app.feedback for the
data folder), under a time-stamped name, so a removal can be undone by moving them back.
"""
from __future__ import annotations

import shutil
import time
from pathlib import Path

from ..config import Config
from ..errors import CorpusError
from .feedback import data_dir


def removed_dir(config: Config) -> Path:
    """Where removed documents are kept."""
    return data_dir(config) / "removed"


def corpus_file(source: str, corpus_dir: Path) -> Path:
    """The corpus file named by ``source``; refuses names that leave the corpus folder or do not exist."""
    corpus = Path(corpus_dir).resolve()
    path = (corpus / source).resolve()
    if not source or path == corpus or corpus not in path.parents:
        raise CorpusError(f"{source!r} is not a document of the corpus in {corpus}.")
    if not path.is_file():
        raise CorpusError(f"{source} is no longer in the corpus; press Rebuild to bring the index up to date.")
    return path


def remove_from_corpus(source: str, config: Config) -> Path:
    """Move the document ``source`` (and its ``.meta.json`` sidecar) out of the corpus; return where it went."""
    path = corpus_file(source, config.corpus_dir)
    target_dir = removed_dir(config)
    target_dir.mkdir(parents=True, exist_ok=True)
    stamp = time.strftime("%Y%m%dT%H%M%SZ", time.gmtime())
    target = target_dir / f"{stamp}-{path.name}"
    n = 1
    while target.exists():
        n += 1
        target = target_dir / f"{stamp}-{n}-{path.name}"
    sidecar = Path(f"{path}.meta.json")
    shutil.move(path, target)  # a rename where both are on one file system
    if sidecar.is_file():
        shutil.move(sidecar, Path(f"{target}.meta.json"))
    return target
