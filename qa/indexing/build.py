"""Build the index: load → clean → split → chunk → embed → write, re-embedding only what changed."""
from __future__ import annotations

import fcntl
import hashlib
import json
import logging
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field, fields, replace
from functools import lru_cache
from pathlib import Path
from typing import Any, TypeVar

import numpy as np

from ..config import Config
from ..errors import BuildCancelled, CorpusError, IndexWriteError, QAError
from ..ingest.chunk import encoding, split_sentences
from ..ingest.clean import CLEANER_VERSION, clean_text
from ..ingest.formats import CITES, SUPPORTED_SHOWN
from ..ingest.load import RawDocument, Skipped, load_corpus
from ..ingest.sandbox import Limits
from ..records import Chunk, Document, Removal
from ..terminal import printable
from .build_progress import BuildProgress
from .embed import Embedder, embedder_for, vector_family
from .embed_context import chunk_text, sentence_text
from .embed_many import build_threads, document_embedder, embed_many
from .fragments import embedded_sentences
from .index import Index, read_manifest, verified_manifest
from .late import MODES as SENTENCE_MODES
from .late import embed_late
from .manifest import FORMAT_VERSION, check_compatible, chunking_params
from .reuse import (
    Prepared,
    chunk_mode_wanted,
    fragment_mode,
    previous_index,
    reuse_or_chunk,
    same_documents,
    same_modes,
)
from .stale import file_stamp
from .store import parse_target
from .unchanged import ReadPlan, carried_stamp, nothing_to_do, plan_reading, read_key, steady
from .write import previous_terms, prune, write_index

log = logging.getLogger(__name__)
Progress = Callable[[float, str], None]


@dataclass(frozen=True)
class BuildReport:
    """What a build did, for the CLI summary and the UI."""

    index_dir: Path
    documents: int
    chunks: int
    reembedded: tuple[str, ...]
    reused: tuple[str, ...]
    removed: tuple[str, ...]
    skipped: tuple[Skipped, ...]
    seconds: float
    written: bool = True
    notes: tuple[str, ...] = field(default=())
    removals: tuple[tuple[str, int], ...] = field(default=())  # (source, passages the cleaner removed)
    #: Distinct texts sent to the model (chunks and sentences of the re-embedded documents).
    embedded: int = 0

    def summary(self) -> str:
        lines = [
            f"Index: {self.index_dir}" + ("" if self.written else " (unchanged, nothing written)"),
            f"Documents: {self.documents}   chunks: {self.chunks}",
            f"Re-embedded: {len(self.reembedded)}   reused: {len(self.reused)}   removed: {len(self.removed)}",
        ]
        lines += [f"  re-embedded {printable(s)}" for s in self.reembedded]
        lines += [f"  removed {printable(s)}" for s in self.removed]
        lines.append(f"Skipped files: {len(self.skipped)}")
        lines += [f"  {printable(s.source)}: {printable(s.reason)}" for s in self.skipped]
        if self.removals:
            docs = f"{len(self.removals)} document{'s' if len(self.removals) != 1 else ''}"
            lines.append(f"Removed by cleaning, or left out as navigation (a PDF's running heads, an Info manual's "
                         f"menus): {sum(n for _, n in self.removals)} passages from {docs} "
                         "(see `python -m qa doc SOURCE --removals`)")
            lines += [f"  {printable(s)}: {n}" for s, n in self.removals]
        lines += [printable(n) for n in self.notes]
        if self.embedded:
            lines.append(f"Texts embedded: {self.embedded} for {self.chunks} chunks")
        lines.append(f"Time: {self.seconds:.2f} s")
        return "\n".join(lines)


def build_index(config: Config | None = None, *, full: bool = False, progress: bool = False,
                on_progress: Progress | None = None, cancel: threading.Event | None = None) -> BuildReport:
    """Build or update the index of ``config.corpus_dir`` in ``config.index_dir``.

    Only documents whose cleaned text changed are re-embedded (``full=True`` re-embeds everything);
    the result is the same as a full rebuild. The new index replaces the old one atomically.
    When ``cancel`` is set (or on Ctrl-C) the build stops at the next file or batch and raises
    BuildCancelled; the previous index stays live and nothing half-written is left behind.
    """
    config = config or Config()
    started = time.perf_counter()
    report = on_progress or (lambda fraction, message: None)
    with _build_lock(config.index_dir):
        prune(config.index_dir)  # leftovers of builds that were killed
        tell = BuildProgress(report, terminal=progress)
        try:
            return _build(config, full, tell, _stopper(cancel), started)
        except (KeyboardInterrupt, BuildCancelled):
            prune(config.index_dir)  # a build folder or pointer written only in part
            raise BuildCancelled(
                f"The build was cancelled; the index in {config.index_dir} is unchanged. "
                "Run `python -m qa build` again to finish it."
            ) from None
        finally:
            tell.close()


def _stopper(cancel: threading.Event | None) -> Callable[[], None]:
    def stop() -> None:
        if cancel is not None and cancel.is_set():
            raise BuildCancelled("cancelled")
    return stop


def _build(config: Config, full: bool, tell: BuildProgress, stop: Callable[[], None],
           started: float) -> BuildReport:
    """The build steps; ``stop()`` raises BuildCancelled once cancellation is asked for."""
    report = tell.report
    document_embedder(embedder_for(config), config.document_encoder)  # an encoder this machine lacks: say so first
    report(0.0, "Reading documents")
    live = None if full else _reusable_manifest(config)
    quick = None if live is None else _nothing_changed(config, live, started)
    if quick is not None:
        return quick
    # Files that stat as the live index recorded keep their entries unread (qa.indexing.unchanged).
    plan = plan_reading(config, live)
    warm = _warm_up(config)
    # The live index is parsed while the files are read (in a reader process this one only waits on).
    earlier = None if full else _in_background(lambda: previous_index(config, embedder_for(config)))
    raws, skipped = _load(config, plan, stop)
    warm.join()
    report(0.02, "Loading the embedding model")
    embedder = embedder_for(config)
    keys = {**plan.kept, **{r.source: clean_key(r) for r in raws}}
    # Touched but unchanged files (or new reading code) are written with their new stamps, nothing re-embedded,
    # so that the next build need not read them again.
    fresh = live is not None and live.get("read_key") == read_key(config) and live.get("read_stamps") == plan.stamps
    if fresh and live is not None and _unchanged(live, keys, skipped):
        return BuildReport(config.index_dir, len(keys), _live_chunks(config), (), tuple(sorted(keys)),
                           (), tuple(skipped), time.perf_counter() - started, written=False)
    previous, notes = (None, []) if earlier is None else earlier.result()
    if plan.kept and (previous is None or not set(plan.kept) <= set(previous.documents)):
        plan = ReadPlan(plan.stamps)  # the live index cannot give those documents after all: read them too
        raws, skipped = _load(config, plan, stop)
        keys = {r.source: clean_key(r) for r in raws}
    documents, more_skipped = _clean_all(raws, stop, previous, tell)
    documents = sorted([*documents, *(previous.documents[s] for s in plan.kept if previous)],
                       key=lambda d: d.source)
    skipped = [*skipped, *more_skipped]
    if not documents:
        raise CorpusError(_empty_corpus_message(config.corpus_dir, skipped))
    prepared, reused = reuse_or_chunk(documents, previous, config, embedder, stop, tell)
    removed = tuple(sorted(set(previous.documents) - {d.source for d in documents})) if previous else ()
    changed = tuple(p.document.source for p in prepared if p.vectors is None)
    if fresh and previous and not changed and not removed and same_documents(previous, documents):
        return BuildReport(config.index_dir, len(documents), len(previous.chunks), (), tuple(reused), (),
                           tuple(skipped), time.perf_counter() - started, written=False, notes=tuple(notes))
    tell.close()
    prepared, embedded = _embed_missing(prepared, document_embedder(embedder, config.document_encoder),
                                        config, tell, stop)
    tell.close()
    stop()
    report(0.95, "Writing the index")
    stamps = {s: m.get("indexed_at") for s, m in previous.manifest["documents"].items()} if previous else {}
    chunks = _write(config, embedder, prepared, {s: stamps.get(s) for s in reused}, skipped, keys,
                    previous.manifest if previous else None, before=plan.stamps,
                    terms=previous_terms(previous) if previous else None)
    prune(config.index_dir)
    report(1.0, "Done")
    return BuildReport(config.index_dir, len(documents), chunks, changed, tuple(reused), removed,
                       tuple(skipped), time.perf_counter() - started, notes=tuple(notes), embedded=embedded,
                       removals=tuple((d.source, len(d.removals)) for d in documents if d.removals))


def _warm_up(config: Config) -> threading.Thread:
    """Load the tokenizer's table and open the document encoder in a thread while the files are read.

    Reading runs in a reader process that this one waits on, so the wait is free time; a build of one changed
    page would otherwise pay both after it (about half its fixed cost). A failure here is met again, and
    reported, where the build uses them.
    """
    def run() -> None:
        try:
            encoding()
            if config.workers <= 1:  # with workers, each worker process opens its own
                document_embedder(embedder_for(config), config.document_encoder).open()
        except Exception:  # the build's own steps raise it, with what to do
            log.debug("warming up the build's encoder failed", exc_info=True)

    thread = threading.Thread(target=run, name="qa-build-warm-up", daemon=True)
    thread.start()
    return thread


_T = TypeVar("_T")


def _in_background(call: Callable[[], _T]) -> Future[_T]:
    pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="qa-build-previous")
    try:
        return pool.submit(call)
    finally:
        pool.shutdown(wait=False)  # the thread ends with its one call


def store_target(config: Config) -> dict[str, Any]:
    """Where the build puts its vectors and BM25: ``config.store``, else where the live index has them."""
    if config.store:
        return parse_target(config.store)
    try:
        live = read_manifest(config.index_dir).get("store") or {}
    except QAError:
        live = {}
    return {k: v for k, v in live.items() if k in ("kind", "uri")} or {"kind": "faiss"}


@contextmanager
def _build_lock(root: Path) -> Iterator[None]:
    try:
        root.mkdir(parents=True, exist_ok=True)
        lock = (root / ".lock").open("w")
    except OSError as e:
        raise IndexWriteError(f"The index folder {root} cannot be made or written to ({e.strerror or e}). "
                              "Pass a folder you can write to with --index DIR.") from e
    with lock as f:
        try:
            fcntl.flock(f, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise QAError(f"Another build is already running on {root}. Wait for it to finish.") from None
        try:
            yield
        finally:
            fcntl.flock(f, fcntl.LOCK_UN)


def _empty_corpus_message(corpus: Path, skipped: list[Skipped]) -> str:
    message = f"No documents to index in {corpus}. Add {SUPPORTED_SHOWN} files there, or pass --corpus DIR."
    if skipped:
        message += " Skipped: " + "; ".join(f"{s.source} ({s.reason})" for s in skipped)
    return message


def clean_key(raw: RawDocument) -> str:
    """What a cleaned document depends on: the file's bytes and extracted text, its metadata, the cleaner."""
    meta = {f.name: getattr(raw, f.name) for f in fields(raw) if f.name not in ("text", "path")}
    meta["text_sha256"] = hashlib.sha256(raw.text.encode("utf-8", "surrogatepass")).hexdigest()  # reader changes
    return hashlib.sha256(json.dumps([meta, _cleaner_fingerprint()], sort_keys=True, default=str).encode()).hexdigest()


@lru_cache(maxsize=1)
def _cleaner_fingerprint() -> str:
    """CLEANER_VERSION plus a digest of the cleaning and sentence-splitting code, so a change re-cleans."""
    from ..ingest import chunk, clean, clean_blocks, clean_mirror, clean_rules

    h = hashlib.sha256(CLEANER_VERSION.encode())
    for module in (clean, clean_blocks, clean_mirror, clean_rules, chunk):
        h.update(Path(module.__file__ or "").read_bytes())
    return h.hexdigest()[:16]


def _load(config: Config, plan: ReadPlan, stop: Callable[[], None]) -> tuple[list[RawDocument], list[Skipped]]:
    """Read the files ``plan`` does not keep; the skips it keeps are added to the files passed over."""
    raws, skipped = load_corpus(config.corpus_dir, max_bytes=config.max_file_bytes, stop=stop,
                                limits=Limits.from_config(config), unread=plan.unread)
    return raws, sorted([*skipped, *plan.kept_skipped], key=lambda s: s.source)


def _unchanged(manifest: dict[str, Any], keys: dict[str, str], skipped: list[Skipped]) -> bool:
    """True when the live index (``manifest``, already found reusable by _reusable_manifest) was built from
    files with exactly these clean keys and skipped the same files."""
    indexed = {s: m.get("clean_key") for s, m in manifest.get("documents", {}).items()}
    return indexed == keys and set(manifest.get("skipped", {})) == {s.source for s in skipped}


def _nothing_changed(config: Config, manifest: dict[str, Any], started: float) -> BuildReport | None:
    """The report of a build with nothing to do, told from file sizes and times alone (see qa.indexing.unchanged);
    None when the files must be read to tell. ``manifest``: the live one, reusable (see _reusable_manifest)."""
    skipped = nothing_to_do(config, manifest)
    if skipped is None:
        return None
    sources = tuple(manifest["documents"])
    return BuildReport(config.index_dir, len(sources), _live_chunks(config), (), sources, (), tuple(skipped),
                       time.perf_counter() - started, written=False)


def _reusable_manifest(config: Config) -> dict[str, Any] | None:
    """The live index's manifest when its files check out and it was built as ``config`` builds, else None."""
    try:
        manifest = verified_manifest(config.index_dir)
        check_compatible(manifest, config, embedder_for(config))
    except QAError:
        return None
    return manifest if same_modes(manifest, config) else None


def _live_chunks(config: Config) -> int:
    return sum(int(m.get("chunks", 0)) for m in read_manifest(config.index_dir)["documents"].values())


def _clean_all(raws: list[RawDocument], stop: Callable[[], None] = lambda: None, previous: Index | None = None,
               tell: BuildProgress | None = None) -> tuple[list[Document], list[Skipped]]:
    """Clean every file, except those whose clean key matches the previous index (their document is reused)."""
    documents, skipped = [], []
    keys = {s: m.get("clean_key") for s, m in previous.manifest["documents"].items()} if previous else {}
    for n, raw in enumerate(raws):
        stop()
        if tell:
            tell.file_read(n, len(raws), raw.source)
        if keys.get(raw.source) == clean_key(raw) and raw.source in previous.documents:  # type: ignore[union-attr]
            documents.append(previous.documents[raw.source])  # type: ignore[union-attr]
            continue
        document = prepare_document(raw)
        if document.text.strip():
            documents.append(document)
        else:
            log.warning("Skipping %s: no text left after cleaning", raw.source)
            skipped.append(Skipped(raw.source, "no text left after cleaning"))
    return documents, skipped


def prepare_document(raw: RawDocument) -> Document:
    """Clean a loaded file into the canonical, citable document."""
    cleaned = clean_text(raw.text, fmt=raw.format, headings=raw.headings, blocks=raw.blocks)
    # Line numbers only where a line of the file means something; other formats cite pages or paragraphs.
    cites = CITES.get(raw.format, "line")
    line_starts = (0, *(i + 1 for i, ch in enumerate(raw.text) if ch == "\n")) if cites == "line" else ()
    return Document(
        source=raw.source, title=raw.title, kind=raw.kind, format=raw.format, text=cleaned.text,
        sha256=hashlib.sha256(cleaned.text.encode("utf-8")).hexdigest(), raw_sha256=raw.raw_sha256,
        publisher=raw.publisher, date=raw.date, sections=cleaned.sections,
        sentences=tuple(split_sentences(cleaned.text, blocks=cleaned.blocks)), segments=cleaned.segments,
        raw_line_starts=line_starts, raw_page_starts=raw.page_starts, author=raw.author, url=raw.url,
        raw_paragraph_starts=raw.paragraph_starts if cites == "paragraph" else (),
        blocks=cleaned.blocks,
        removals=tuple(sorted((*cleaned.removals, *(Removal(at, text, why) for at, text, why in raw.left_out)),
                              key=lambda r: r.start)),
    )


def _embed_missing(prepared: list[Prepared], embedder: Embedder, config: Config, tell: BuildProgress,
                   stop: Callable[[], None] = lambda: None) -> tuple[list[Prepared], int]:
    if config.sentence_vectors not in SENTENCE_MODES:
        raise QAError(f"Unknown sentence_vectors {config.sentence_vectors!r}; "
                      f"choose one of {', '.join(SENTENCE_MODES)}.")
    if config.sentence_vectors == "late":
        return _embed_late(prepared, embedder, config, tell, stop)
    todo = [p for p in prepared if p.vectors is None]
    if config.chunk_vectors == "pooled":
        from .pooled import embed_pooled

        return embed_pooled(prepared, embedder, workers=config.workers, threads=_threads(config),
                            batch_tokens=config.embed_batch_tokens, progress=tell.embedded, stop=stop)
    texts = [chunk_text(p.document, c) for p in todo for c in p.chunks]
    texts += [sentence_text(p.document, i) for p in todo
              for i in embedded_sentences(p.document, fragment_mode(config))]
    vectors = embed_many(embedder, texts, workers=config.workers, threads=_threads(config),
                         batch_tokens=config.embed_batch_tokens, progress=tell.embedded, stop=stop)
    out, chunk_at, sent_at = [], 0, sum(len(p.chunks) for p in todo)
    for p in prepared:
        if p.vectors is not None:
            out.append(p)
            continue
        n, m = len(p.chunks), len(p.document.sentences)
        out.append(replace(p, vectors=vectors[chunk_at:chunk_at + n], sentence_vectors=vectors[sent_at:sent_at + m]))
        chunk_at, sent_at = chunk_at + n, sent_at + m
    return out, len(set(texts))


def _threads(config: Config) -> int:
    return build_threads(config.build_threads, config.workers)


def _embed_late(prepared: list[Prepared], embedder: Embedder, config: Config, tell: BuildProgress,
                stop: Callable[[], None]) -> tuple[list[Prepared], int]:
    """Sentence vectors pooled from their chunk's pass (see qa.indexing.late)."""
    todo = [p for p in prepared if p.vectors is None]
    done, embedded = embed_late(embedder, [(p.document, p.chunks) for p in todo], workers=config.workers,
                                threads=_threads(config),
                                batch_tokens=config.embed_batch_tokens, progress=tell.embedded, stop=stop)
    vectors = iter(done)
    out = []
    for p in prepared:
        if p.vectors is None:
            chunk_vectors, sentence_vectors = next(vectors)
            p = replace(p, vectors=chunk_vectors, sentence_vectors=sentence_vectors)
        out.append(p)
    return out, embedded


def _write(config: Config, embedder: Embedder, prepared: list[Prepared], stamps: dict[str, str | None],
           skipped: list[Skipped], keys: dict[str, str], previous: dict[str, Any] | None, *,
           before: dict[str, list[int]] | None = None, terms: dict[str, list[str]] | None = None) -> int:
    now = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
    chunks: list[Chunk] = []
    for p in prepared:
        chunks += [replace(c, id=len(chunks) + i) for i, c in enumerate(p.chunks)]
    manifest = {
        "format_version": FORMAT_VERSION,
        "built_at": now,
        "model_id": embedder.model_id,
        "model_path": embedder.path,
        "embedding": {"backend": embedder.backend, "family": vector_family(embedder.backend),
                      **({"sentences": config.sentence_vectors} if config.sentence_vectors != "alone" else {}),
                      "chunks": chunk_mode_wanted(config),
                      "documents": document_embedder(embedder, config.document_encoder).backend,
                      **({"fragments": fragment_mode(config)} if fragment_mode(config) != "own" else {})},
        "chunking": chunking_params(config),
        "corpus_dir": str(config.corpus_dir.resolve()),
        "skipped": {s.source: s.reason for s in skipped},
        # What lets a build with nothing to do tell so without reading any file (qa.indexing.unchanged).
        "read_key": read_key(config),
        "read_stamps": steady(before or {}, config.corpus_dir),
        "documents": {
            p.document.source: {"sha256": p.document.sha256, "raw_sha256": p.document.raw_sha256,
                                "clean_key": keys.get(p.document.source),
                                "title": p.document.title, "kind": p.document.kind, "chunks": len(p.chunks),
                                "indexed_at": stamps.get(p.document.source) or now,
                                **_file_stamp(config, p.document, previous)}
            for p in prepared
        },
    }
    vectors = np.concatenate([p.vectors for p in prepared if p.vectors is not None])
    sentence_vectors = np.concatenate([p.sentence_vectors for p in prepared if p.sentence_vectors is not None])
    write_index(config.index_dir, manifest, [p.document for p in prepared], chunks, vectors, sentence_vectors,
                store=store_target(config), previous=previous, flat_below=config.flat_below, terms=terms)
    return len(chunks)


def _file_stamp(config: Config, document: Document, previous: dict[str, Any] | None) -> dict[str, int]:
    """The stale-corpus check's stamp of a document's file: the recorded one while the file still stats so
    (no read), else taken by hashing the file."""
    path = config.corpus_dir / document.source
    entry = (previous or {}).get("documents", {}).get(document.source) or {}
    carried = carried_stamp(path, document.raw_sha256, entry)
    return carried if carried is not None else file_stamp(path, document.raw_sha256)
