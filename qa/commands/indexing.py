"""The index stage's part in the CLI: the embedding backends a build may use, and what changed since it."""
from __future__ import annotations

from ..indexing.embed import BACKENDS
from ..indexing.stale import corpus_changes

__all__ = ["BACKENDS", "corpus_changes"]
