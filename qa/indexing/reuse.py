"""What a build can keep of the live index: each document's chunks and vectors, where its text and its
sentences are unchanged and the index was built the same way (model, chunking, how sentence and chunk
vectors are made); the rest is chunked here, to be embedded by the build (:mod:`qa.indexing.build`).
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

import numpy as np

from ..config import Config
from ..errors import CorpusError, IndexMissingError, QAError
from ..ingest.chunk import chunk_document
from ..records import Chunk, Document
from .build_progress import BuildProgress
from .embed import Embedder, embedder_for
from .embed_context import embed_title
from .embed_many import document_embedder
from .index import Index, load_index, read_manifest
from .manifest import check_compatible


@dataclass(frozen=True)
class Prepared:
    """A document with its chunks, and their vectors once embedded (kept from the live index, or new)."""

    document: Document
    chunks: list[Chunk]
    vectors: np.ndarray | None  # None until embedded
    sentence_vectors: np.ndarray | None


def same_modes(manifest: dict[str, Any], config: Config) -> bool:
    """Whether the index of ``manifest`` made its sentence, chunk and fragment vectors, and embedded its
    documents, as ``config`` would."""
    embedding = manifest.get("embedding", {})
    documents = document_embedder(embedder_for(config), config.document_encoder).backend
    return (embedding.get("sentences", "alone") == config.sentence_vectors
            and chunk_mode(manifest) == chunk_mode_wanted(config)
            and embedding.get("documents", embedding.get("backend")) == documents
            and embedding.get("fragments", "own") == fragment_mode(config))


def previous_index(config: Config, embedder: Embedder) -> tuple[Index | None, list[str]]:
    """The live index if it can be reused, else None and a note saying why everything is re-embedded."""
    try:
        manifest = read_manifest(config.index_dir)
        check_compatible(manifest, config, embedder)
        if manifest.get("embedding", {}).get("sentences", "alone") != config.sentence_vectors:
            return None, ["Note: previous index not reused (its sentence vectors were made another way)"]
        if not same_modes(manifest, config):
            return None, ["Note: previous index not reused (its chunk vectors, fragment vectors or document encoder "
                          "differ from this configuration's; everything is embedded again, once)"]
        return load_index(config.index_dir, config), []
    except IndexMissingError:
        return None, []
    except QAError as e:
        return None, [f"Note: previous index not reused ({e})"]


def reuse_or_chunk(documents: list[Document], previous: Index | None, config: Config,
                   embedder: Embedder, stop: Callable[[], None] = lambda: None,
                   tell: BuildProgress | None = None) -> tuple[list[Prepared], list[str]]:
    """Each document prepared: its chunks and vectors from ``previous`` where its text and sentences are
    unchanged, else newly chunked (vectors None); and the sources reused."""
    prepared, reused = [], []
    old = _old_parts(previous) if previous else {}
    for n, doc in enumerate(documents):
        stop()
        if tell:
            tell.chunked(n, len(documents), doc.source)
        parts = old.get(doc.source)
        if parts and embedded_alike(parts.document, doc):
            prepared.append(replace(parts, document=doc))
            reused.append(doc.source)
        else:
            try:
                chunks = chunk_document(doc.source, doc.text, list(doc.sentences), doc.sections,
                                        max_tokens=config.chunk_tokens, overlap_tokens=config.overlap_tokens,
                                        fits_model=embedder.fits, stop=stop)
            except CorpusError as e:
                raise CorpusError(f"{doc.source}: {e}") from e
            prepared.append(Prepared(doc, chunks, None, None))
    return prepared, reused


def embedded_alike(old: Document, new: Document) -> bool:
    """Whether ``old``'s chunks and vectors hold for ``new``: the same text split into the same sentences
    (another splitter would misalign the sentence vectors), under the same sections and the same title where the
    title leads the heading paths embedded (:mod:`qa.indexing.embed_context`). A reader that reads a page's
    headings another way changes its sections and not its text; its chunks are then made and embedded again."""
    return (old.sha256 == new.sha256 and old.sentences == new.sentences and old.sections == new.sections
            and embed_title(old) == embed_title(new))


def _old_parts(index: Index) -> dict[str, Prepared]:
    vectors = index.chunk_vectors
    by_chunk: dict[str, list[int]] = {}
    for c in index.chunks:
        by_chunk.setdefault(c.source, []).append(c.id)
    by_sentence: dict[str, list[int]] = {}
    for i, (source, _, _) in enumerate(index.sentences):
        by_sentence.setdefault(source, []).append(i)
    return {
        source: Prepared(doc, [index.chunks[i] for i in by_chunk.get(source, [])],
                          np.asarray(vectors[by_chunk.get(source, [])]),
                          np.asarray(index.sentence_vectors[by_sentence.get(source, [])]))
        for source, doc in index.documents.items()
    }


def chunk_mode(manifest: dict[str, Any]) -> str:
    """How the index's chunk vectors were made (indexes without the field embedded each chunk itself)."""
    return str(manifest.get("embedding", {}).get("chunks", "own"))


def chunk_mode_wanted(config: Config) -> str:
    # Late-chunked sentence vectors come from each chunk's own pass, so their chunks are embedded.
    return config.chunk_vectors if config.sentence_vectors == "alone" else "own"


def fragment_mode(config: Config) -> str:
    # Fragments borrow a neighbour's vector only where each sentence is embedded alone, with its chunk's own.
    return config.fragment_vectors if config.sentence_vectors == "alone" and config.chunk_vectors == "own" else "own"


def same_documents(previous: Index, documents: list[Document]) -> bool:
    return {d.source: d for d in documents} == previous.documents
