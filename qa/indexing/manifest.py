"""What an index's manifest must hold, and whether an index fits the configuration that loads it.

The manifest (``manifest.json`` in a build folder, :mod:`qa.indexing.index`) names the format and its
version, the embedding model and backend, the chunking parameters, each document and each file's checksum.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any

from ..config import Config
from ..errors import IndexMismatchError
from ..ingest.chunk import EMBED_CONTEXT
from .embed import Embedder, vector_family

FORMAT = "qa-index"
FORMAT_VERSION = 3
#: Versions this qa reads: 2 wrote a flat structure's ``.faiss`` file as well, which is read when present.
READS = (2, 3)
#: What every refusal to load an index tells the user to do.
REBUILD = "Run `python -m qa build --full` to rebuild it."


def check_format(manifest: Any, folder: Path) -> None:
    """Refuse what is not a qa index, or one of a format version this qa does not read."""
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise IndexMismatchError(f"{folder} does not hold a qa index. {REBUILD}")
    version = manifest.get("format_version")
    if version not in READS:
        raise IndexMismatchError(
            f"The index in {folder} has format version {version}; this qa reads versions "
            f"{' and '.join(map(str, READS))}. "
            + REBUILD
        )


# Required keys of the manifest and of each of its documents, with their types.
_SCHEMA: dict[str, type | tuple[type, ...]] = {
    "model_id": str, "chunking": dict, "documents": dict, "files": dict, "skipped": dict,
}
_DOCUMENT_SCHEMA: dict[str, type | tuple[type, ...]] = {
    "sha256": str, "raw_sha256": str, "title": str, "kind": str, "chunks": int,
}


def check_schema(manifest: dict[str, Any], folder: Path) -> None:
    """Refuse a manifest that lacks a required key or holds one of the wrong type."""
    problem = _schema_problem(manifest, _SCHEMA, "")
    for source, entry in manifest["documents"].items() if problem is None else ():
        problem = problem or _schema_problem(entry, _DOCUMENT_SCHEMA, f"documents[{source!r}].")
    if problem is None and not all(isinstance(v, str) for v in manifest["files"].values()):
        problem = "files should map names to checksums"
    if problem:
        raise IndexMismatchError(f"Damaged manifest in {folder} ({problem}). {REBUILD}")


def _schema_problem(value: Any, schema: dict[str, Any], where: str) -> str | None:
    if not isinstance(value, dict):
        return f"{where or 'the manifest '}is not an object"
    for key, kind in schema.items():
        if key not in value:
            return f"missing {where}{key}"
        if not isinstance(value[key], kind) or isinstance(value[key], bool):
            return f"{where}{key} should be of type {getattr(kind, '__name__', kind)}"
    return None


def check_compatible(manifest: dict[str, Any], config: Config, embedder: Embedder) -> None:
    """Refuse an index built with another model or other chunking parameters than ``config``."""
    if manifest.get("model_id") != embedder.model_id:
        raise IndexMismatchError(
            f"The index was built with embedding model {manifest.get('model_id')}, but the configured model "
            f"is {embedder.model_id}. Run `python -m qa build --full` to rebuild it, or configure the model it was "
            "built with (--model, $QA_MODEL)."
        )
    built = (manifest.get("embedding") or {}).get("backend", "torch")
    if vector_family(built) != vector_family(embedder.backend):
        raise IndexMismatchError(
            f"The index was built with the {built} embedding backend, whose vectors do not mix with those of "
            f"the configured {embedder.backend} backend. {REBUILD} (or configure embed_backend={built!r})."
        )
    wanted = chunking_params(config)
    if manifest.get("chunking") != wanted:
        raise IndexMismatchError(
            f"The index was built with chunking {manifest.get('chunking')}, but the configuration asks for "
            f"{wanted}. {REBUILD}"
        )


def chunking_params(config: Config) -> dict[str, Any]:
    return {
        "encoding": config.encoding,
        "chunk_tokens": config.chunk_tokens,
        "overlap_tokens": config.overlap_tokens,
        "embedded_with": EMBED_CONTEXT,
    }
