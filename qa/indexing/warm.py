"""Open what chunking and embedding need while the files are read: the ONNX session and tiktoken's table.

On a build that reads a few files (one page changed), opening the model (about 0.4 s) and loading
tiktoken's table (0.2 s) are a third of the build; the reader works in its own process meanwhile, so
doing both in a thread beside the reading takes them off the build's time. The thread only fills the
caches the build uses anyway (``qa.indexing.onnx.session``, ``qa.ingest.chunk.encoding``); the build
waits for it before it embeds, so the session is never opened twice. A missing ONNX export is made by
the caller first, never in the thread (exports write one temporary file per process).
"""
from __future__ import annotations

import logging
import threading
from typing import Any

from ..errors import QAError
from ..ingest.chunk import encoding
from .embed import Embedder

log = logging.getLogger(__name__)


def warm_up(embedder: Embedder) -> threading.Thread:
    """Start opening ``embedder``'s ONNX session and tiktoken's table in a daemon thread; join it before embedding."""
    runner = None
    if str(getattr(embedder, "backend", "")).startswith("onnx"):
        from .embed import _runner

        try:
            runner = _runner(embedder)  # here: it exports the model when no export exists yet
        except QAError:
            runner = None  # embedding opens it again, and reports the error there
    thread = threading.Thread(target=_open, args=(runner,), name="qa-warm-up", daemon=True)
    thread.start()
    return thread


def _open(runner: Any) -> None:
    try:
        encoding()
        if runner is not None:
            runner.session  # noqa: B018 - opening it is the point
    except Exception as e:  # the build opens them itself and reports what fails there
        log.debug("warm-up failed: %s", e)
