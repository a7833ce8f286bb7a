"""Embedding with a local sentence-transformers model: normalised vectors, batched, with a progress bar."""
from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from .errors import QAError

if TYPE_CHECKING:
    from sentence_transformers import SentenceTransformer

# Nothing may be fetched from a model hub at run time.
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")


@dataclass(frozen=True)
class Embedder:
    """A local model folder and its identity; the model itself loads on first use."""

    path: str
    model_id: str

    @property
    def model(self) -> SentenceTransformer:
        return _load_model(self.path)

    @property
    def dim(self) -> int:
        get_dim = getattr(self.model, "get_embedding_dimension", None) or self.model.get_sentence_embedding_dimension
        return int(get_dim() or 0)

    @property
    def window(self) -> int:
        """The model's input window, in its own tokens (special tokens included)."""
        return int(self.model.max_seq_length or 256)

    def encode(self, texts: list[str], *, batch_size: int = 32, progress: bool = False) -> np.ndarray:
        """L2-normalised float32 vectors, one row per text."""
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        vectors = self.model.encode(
            texts,
            batch_size=batch_size,
            normalize_embeddings=True,
            show_progress_bar=progress,
            convert_to_numpy=True,
        )
        return np.ascontiguousarray(vectors, dtype=np.float32)

    def count_tokens(self, text: str) -> int:
        """Length of ``text`` in the model's tokens, special tokens included."""
        return len(self.model.tokenizer(text, add_special_tokens=True)["input_ids"])

    def fits(self, text: str) -> bool:
        return self.count_tokens(text) <= self.window


@lru_cache(maxsize=8)
def load_embedder(path: str) -> Embedder:
    """Identify a local sentence-transformers model folder (cheap: the weights load on first use).

    Raises QAError with what to do when the folder is not a usable model.
    """
    folder = Path(path)
    if not (folder / "modules.json").is_file() and not (folder / "config.json").is_file():
        raise QAError(
            f"Embedding model folder {path} is not a sentence-transformers model "
            "(no modules.json or config.json). Point --model / QA_MODEL at a local model folder, "
            "or unset it to use the bundled all-MiniLM-L6-v2."
        )
    return Embedder(str(folder), _model_id(folder))


@lru_cache(maxsize=4)
def _load_model(path: str) -> SentenceTransformer:
    from sentence_transformers import SentenceTransformer

    try:
        return SentenceTransformer(path, device="cpu")
    except Exception as e:  # the library raises many kinds for a bad folder
        raise QAError(f"Could not load the embedding model from {path}: {e}") from e


def _model_id(folder: Path) -> str:
    """A stable identity for a model folder: its name plus a digest of its configuration and weight sizes."""
    h = hashlib.sha256()
    for name in ("config.json", "modules.json", "sentence_bert_config.json", "tokenizer.json"):
        f = folder / name
        if f.is_file():
            h.update(name.encode() + f.read_bytes())
    for f in sorted(folder.glob("*.safetensors")) + sorted(folder.glob("*.bin")):
        h.update(f"{f.name}:{f.stat().st_size}".encode())
    return f"{_model_name(folder)}-{h.hexdigest()[:12]}"


def _model_name(folder: Path) -> str:
    try:
        cfg = json.loads((folder / "config.json").read_text(encoding="utf-8"))
        name = str(cfg.get("_name_or_path") or "")
    except (OSError, ValueError):
        name = ""
    return Path(name).name or folder.name
