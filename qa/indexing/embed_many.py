"""Embedding many texts at once: each distinct text once, longest first, in batches sized by tokens.

A batch costs what its padded tensor holds: rows × its longest text. Sorting every text of a build by
length once (instead of inside each small call) lets each batch hold texts of nearly one length, so
little of the work is padding; batches are then cut by a token budget rather than a row count, so a
batch of short sentences has many rows and a batch of full chunks few. Repeated texts (headings,
fragments such as "Flags¶: re.") are embedded once. The vectors come back in the callers' order.

With ``workers`` > 1 the batches run on a pool of spawned processes, each with its own copy of the
model; the plan is the same either way, so the vectors are too. :func:`embed_spans` also pools spans of
each text from the same pass (late chunking: qa.indexing.late).
"""
from __future__ import annotations

import itertools
import multiprocessing
import os
from collections.abc import Callable, Sequence
from concurrent.futures import Executor, Future, ProcessPoolExecutor, ThreadPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, replace
from typing import Any

import numpy as np

from ..config import DOCUMENT_ENCODERS
from ..errors import QAError
from . import openvino
from .embed import Embedder, Spans, load_embedder

#: Padded tokens a batch holds at most (measured: see docs/performance.md, "Batches").
BATCH_TOKENS = 1024
#: Rows a batch holds at most, whatever their length.
MAX_ROWS = 256
#: A batch ends before a text shorter than this share of its longest, so padding stays under ~1/3.
MIN_FILL = 0.75

#: Called with (tokens done, tokens in all, texts done, texts in all) after each batch.
Progress = Callable[[int, int, int, int], None]


@dataclass(frozen=True)
class Plan:
    """The distinct texts, longest first, where each input text lies among them, and the batches."""

    distinct: tuple[str, ...]
    where: np.ndarray  # for each input text, its row in ``distinct``
    batches: tuple[tuple[int, int], ...]  # [start, end) rows of ``distinct``
    lengths: tuple[int, ...]  # model tokens of each distinct text

    def padded(self, batch: tuple[int, int]) -> int:
        """Tokens the batch's tensor holds: its rows times its longest (first) text."""
        return (batch[1] - batch[0]) * self.lengths[batch[0]]

    @property
    def total_tokens(self) -> int:
        return sum(self.padded(b) for b in self.batches)


def plan(texts: list[str], lengths: Callable[[list[str]], list[int]], *, batch_tokens: int = BATCH_TOKENS,
         max_rows: int = MAX_ROWS, widths: Callable[[int], int] | None = None) -> Plan:
    """Deduplicate ``texts``, sort them by model length (longest first) and cut batches of ``batch_tokens``,
    each ending before a text shorter than ``MIN_FILL`` of its longest, or, with ``widths`` (the width a
    text of a length is padded to), before a text of another width.

    >>> p = plan(["a b", "a", "a b", "a b c"], lambda ts: [len(t.split()) for t in ts], batch_tokens=4)
    >>> p.distinct, p.where.tolist(), p.batches
    (('a b c', 'a b', 'a'), [1, 2, 1, 0], ((0, 1), (1, 3)))
    """
    unique = list(dict.fromkeys(texts))
    sizes = lengths(unique)
    order = sorted(range(len(unique)), key=lambda i: (-sizes[i], i))
    rank = np.empty(len(unique), dtype=np.int64)
    rank[order] = np.arange(len(unique))
    row_of = {t: int(rank[i]) for i, t in enumerate(unique)}
    distinct = tuple(unique[i] for i in order)
    ordered = tuple(sizes[i] for i in order)
    return Plan(distinct, np.array([row_of[t] for t in texts], dtype=np.int64),
                _cut(ordered, batch_tokens, max_rows, widths), ordered)


def _cut(lengths: tuple[int, ...], batch_tokens: int, max_rows: int,
         widths: Callable[[int], int] | None) -> tuple[tuple[int, int], ...]:
    """Batches over lengths sorted longest first: within the token budget, and ending where padding would grow
    (or, with ``widths``, where the padded width changes)."""
    batches, start = [], 0
    while start < len(lengths):
        width = max(1, lengths[start] if widths is None else widths(lengths[start]))
        end = min(len(lengths), start + max(1, min(max_rows, batch_tokens // width)))
        if widths is None:
            shortest = max(1, int(width * MIN_FILL))
            end = next((i for i in range(start + 1, end) if lengths[i] < shortest), end)
        else:
            end = next((i for i in range(start + 1, end) if widths(lengths[i]) != width), end)
        batches.append((start, end))
        start = end
    return tuple(batches)


def document_embedder(embedder: Embedder, encoder: str) -> Embedder:
    """The embedder a build sends documents to. With the fp32 ONNX backend (questions stay on it):
    ``encoder`` "bf16" runs the same model in OpenVINO with bfloat16 arithmetic (about three times as fast,
    vectors within a cosine of 0.99996), "auto" does so where this machine can and is fp32 elsewhere, and
    "int8" is the per-channel int8 model (about twice as fast, vectors less near; see docs/performance.md).
    An ONNX embedder runs each batch on one intra-op thread: a build runs several batches at once instead
    (:func:`build_threads`), which keeps both cores busy where one batch's small operations would not."""
    if encoder not in DOCUMENT_ENCODERS:
        raise QAError(f"Unknown document encoder {encoder!r}; choose one of {', '.join(DOCUMENT_ENCODERS)}.")
    if embedder.backend == "onnx":
        if encoder == "int8":
            embedder = replace(embedder, backend="onnx-int8-channel")
        elif encoder == "bf16" or (encoder == "auto" and not openvino.unavailable()):
            openvino.require()
            embedder = replace(embedder, backend="openvino-bf16")
    if not embedder.backend.startswith("onnx"):  # torch sets its threads once per process
        return embedder
    return replace(embedder, threads=1)


def build_threads(threads: int | None, workers: int = 1) -> int:
    """Batches a build process embeds at once: ``threads``, or this machine's cores shared among the ``workers``."""
    return threads or max(1, cores() // max(1, workers))


def cores() -> int:
    """The cores this process may use."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def embed_many(embedder: Embedder, texts: list[str], *, workers: int = 1, threads: int = 1,
               batch_tokens: int = BATCH_TOKENS, progress: Progress | None = None,
               stop: Callable[[], None] | None = None) -> np.ndarray:
    """L2-normalised vectors of ``texts`` in their order, each distinct text embedded once.

    ``workers`` processes, or else ``threads`` batches at once in this one (an ONNX session runs batches
    side by side; each batch's rows are computed alone, so the vectors are the same either way).
    ``stop`` is called before each batch and may raise to cancel; ``progress`` hears after each batch.
    """
    return _embed(embedder, texts, None, workers, threads, batch_tokens, progress, stop)[0]


def embed_spans(embedder: Embedder, texts: list[str], spans: Sequence[Spans], *, workers: int = 1, threads: int = 1,
                batch_tokens: int = BATCH_TOKENS, progress: Progress | None = None,
                stop: Callable[[], None] | None = None) -> tuple[np.ndarray, list[np.ndarray]]:
    """As :func:`embed_many`, and from the same pass each text's ``spans`` pooled (``Embedder.encode_spans``):
    the texts' vectors in their order, and per text an array with a row per entry of its spans (NaN where
    the text's window does not hold the entry). A repeated text runs once, with its spans together."""
    return _embed(embedder, texts, spans, workers, threads, batch_tokens, progress, stop)


def _embed(embedder: Embedder, texts: list[str], spans: Sequence[Spans] | None, workers: int, threads: int,
           batch_tokens: int, progress: Progress | None, stop: Callable[[], None] | None
           ) -> tuple[np.ndarray, list[np.ndarray]]:
    if not texts:
        return np.zeros((0, embedder.dim), dtype=np.float32), []
    # Dynamic int8 quantisation scales a batch's activations together, so a text's vector would depend on
    # the texts beside it: such a model gets one text a batch (as fast, measured: no padding at all).
    alone = embedder.backend.startswith("onnx-int8")
    # In bfloat16 a text runs at a width fixed by its length (qa.indexing.openvino): a batch holds one width.
    p = plan(texts, embedder.token_lengths, batch_tokens=1 if alone else batch_tokens,
             widths=openvino.width if embedder.backend == "openvino-bf16" else None)
    wanted = _spans_by_row(p, spans) if spans is not None else None
    counts = np.bincount(p.where, minlength=len(p.distinct))
    out = np.empty((len(p.distinct), embedder.dim), dtype=np.float32)
    pooled: list[np.ndarray] = [np.zeros((0, embedder.dim), dtype=np.float32)] * len(p.distinct)
    tokens = texts_done = 0
    for (start, end), (vectors, span_vectors) in _run(embedder, p, wanted, workers, threads, stop):
        out[start:end] = vectors
        if wanted is not None:
            pooled[start:end] = span_vectors
        tokens += p.padded((start, end))
        texts_done += int(counts[start:end].sum())
        if progress:
            progress(tokens, p.total_tokens, texts_done, len(texts))
    if wanted is None or spans is None:
        return out[p.where], []
    rows = [{entry: k for k, entry in enumerate(w)} for w in wanted]
    return out[p.where], [pooled[r][[rows[r][_key(e)] for e in entries]] for r, entries in zip(p.where, spans)]


def _key(entry: Sequence[tuple[int, int]]) -> tuple[tuple[int, int], ...]:
    return tuple((int(lo), int(hi)) for lo, hi in entry)


def _spans_by_row(p: Plan, spans: Sequence[Spans]) -> list[list[tuple[tuple[int, int], ...]]]:
    """For each distinct text, the distinct span entries its callers want, in first-asked order."""
    wanted: list[dict[tuple[tuple[int, int], ...], None]] = [{} for _ in p.distinct]
    for row, entries in zip(p.where, spans):
        for entry in entries:
            wanted[row].setdefault(_key(entry), None)
    return [list(w) for w in wanted]


Batch = tuple[list[str], list | None]


def _run(embedder: Embedder, p: Plan, wanted: list | None, workers: int, threads: int,
         stop: Callable[[], None] | None):  # type: ignore[no-untyped-def]
    def job(batch: tuple[int, int]) -> Batch:
        return list(p.distinct[batch[0]:batch[1]]), None if wanted is None else wanted[batch[0]:batch[1]]

    if len(p.batches) < 2 or (workers <= 1 and (threads <= 1 or embedder.backend == "torch")):
        for batch in p.batches:
            if stop:
                stop()
            yield batch, _encode(embedder, *job(batch))
        return
    pool: Executor
    task: tuple[Callable[..., Any], Any]
    if workers > 1:  # each worker runs its batches one at a time, on the threads it is given
        pool = ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("spawn"))
        task = _in_worker, (embedder.path, embedder.backend, max(threads, embedder.threads), embedder.cache_dir)
    else:  # one ONNX session runs batches side by side
        pool = ThreadPoolExecutor(max_workers=threads, thread_name_prefix="qa-embed")
        task = _encode, embedder

    def submit(batch: tuple[int, int]) -> Future:
        texts, spans = job(batch)
        return pool.submit(task[0], task[1], texts, spans)

    try:
        yield from _in_order(p.batches, submit, 3 * max(workers, threads), stop)
    except BrokenProcessPool as e:
        raise QAError(f"An embedding worker process died ({e}); it may have run out of memory. "
                      "Build again with fewer workers (--workers 1).") from e
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


def _in_order(batches: tuple[tuple[int, int], ...], submit: Callable[[tuple[int, int]], Future],
              ahead: int, stop: Callable[[], None] | None):  # type: ignore[no-untyped-def]
    """Each batch's result in the plan's order, with ``ahead`` batches submitted before it is awaited."""
    queue = iter(batches)
    pending = [(batch, submit(batch)) for batch in itertools.islice(queue, ahead)]
    while pending:
        if stop:
            stop()
        batch, future = pending.pop(0)
        yield batch, future.result()
        nxt = next(queue, None)
        if nxt is not None:
            pending.append((nxt, submit(nxt)))


def _encode(embedder: Embedder, texts: list[str], spans: list | None) -> tuple[np.ndarray, list[np.ndarray]]:
    """One batch: its vectors, and its spans' vectors when asked for."""
    if spans is None:
        return embedder.encode(texts, batch_size=len(texts)), []
    return embedder.encode_spans(texts, spans)


def _in_worker(args: tuple[str, str, int, str], texts: list[str], spans: list | None
               ) -> tuple[np.ndarray, list[np.ndarray]]:
    """One batch in a worker process (the embedder loads once per process, then is cached)."""
    return _encode(load_embedder(*args), texts, spans)
