"""Embedding with a local sentence-transformers model: normalised vectors, batched, on one of two backends.

``onnx`` (the default) runs the model's transformer in onnxruntime (see :mod:`qa.indexing.onnx`) with the
model's own tokenizer file and pooling; ``torch`` runs sentence-transformers itself and stays the
fallback and the path for training. Their vectors agree to a cosine of at least 0.99999 on the
bundled model, so indexes built by either are searched by either. ``onnx-int8`` is the dynamically
quantised model; its vectors are not interchangeable with fp32 ones (see :func:`vector_family`).
``onnx-int8-channel`` quantises each weight channel apart; its vectors stay near enough the fp32 ones
that a build embeds documents with it and questions are embedded in fp32 (``Config.document_encoder``).
``openvino-bf16`` runs the same fp32 export in OpenVINO with bfloat16 arithmetic (:mod:`qa.indexing.openvino`)
on CPUs that have it; its vectors stay within a cosine of 0.99996 of the fp32 ones, so it is of their family.
"""
from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from ..errors import QAError

if TYPE_CHECKING:
    import onnxruntime
    from sentence_transformers import SentenceTransformer

    from ..config import Config

# Nothing may be fetched from a model hub at run time: the package sets HF_HUB_OFFLINE and
# TRANSFORMERS_OFFLINE when it is imported (qa/__init__.py), before any of these libraries loads.

BACKENDS = ("onnx", "torch", "onnx-int8", "onnx-int8-channel", "openvino-bf16")
#: Spans of one text to pool: per vector wanted, its character ranges [start, end) in the text.
Spans = Sequence[Sequence[tuple[int, int]]]


def vector_family(backend: str) -> str:
    """Backends whose document vectors may be mixed share a family (fp32 ONNX and torch agree)."""
    return "int8" if backend == "onnx-int8" else "fp32"


@dataclass(frozen=True)
class Embedder:
    """A local model folder, its identity and the backend that runs it; the model loads on first use."""

    path: str
    model_id: str
    backend: str = "onnx"
    threads: int = 1
    cache_dir: str = ""

    @property
    def model(self) -> SentenceTransformer:
        """The sentence-transformers model (torch), whatever the backend: training and baselines use it."""
        return _load_model(self.path, self.threads)

    @property
    def dim(self) -> int:
        if self.backend != "torch":
            return _runner(self).dim
        get_dim = getattr(self.model, "get_embedding_dimension", None) or self.model.get_sentence_embedding_dimension
        return int(get_dim() or 0)

    @property
    def window(self) -> int:
        """The model's input window, in its own tokens (special tokens included)."""
        if self.backend != "torch":
            return _runner(self).window
        return int(self.model.max_seq_length or 256)

    def encode(self, texts: list[str], *, batch_size: int = 32, progress: bool = False) -> np.ndarray:
        """L2-normalised float32 vectors, one row per text."""
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        if self.backend != "torch":
            return _runner(self).encode(texts, batch_size)
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
        if self.backend != "torch":
            return _runner(self).count_tokens(text)
        return len(self.model.tokenizer(text, add_special_tokens=True)["input_ids"])

    def fits(self, text: str) -> bool:
        return self.count_tokens(text) <= self.window

    def encode_spans(self, texts: list[str], spans: Sequence[Spans]) -> tuple[np.ndarray, list[np.ndarray]]:
        """Each text's vector (as ``encode`` gives it) and, from the same pass, one vector per entry of its
        ``spans``: the normalised mean of the token vectors whose characters fall in that entry's ranges
        (late chunking, see qa.indexing.late). An entry the text's window does not hold whole gets a row
        of NaN. The texts run as one batch."""
        if self.backend != "torch":
            return _runner(self).encode_spans(texts, spans)
        import torch

        model = self.model
        batch = model.tokenizer(texts, padding=True, truncation=True, max_length=self.window,
                                return_offsets_mapping=True, return_tensors="pt")
        offsets = batch.pop("offset_mapping").numpy()
        with torch.inference_mode():
            out = model(dict(batch))
        hidden = out["token_embeddings"].float().numpy()
        vectors = out["sentence_embedding"].float().numpy()
        vectors /= np.maximum(np.linalg.norm(vectors, axis=1, keepdims=True), 1e-12)
        lengths = batch["attention_mask"].sum(dim=1).tolist()
        return (np.ascontiguousarray(vectors, dtype=np.float32),
                [_pool_spans(hidden[row, :n], offsets[row, :n], entries)
                 for row, (n, entries) in enumerate(zip(lengths, spans))])

    def open(self) -> None:
        """Load what the first batch would (the ONNX session and tokenizer); torch loads on first use."""
        if self.backend != "torch":
            _runner(self).open()

    def token_lengths(self, texts: list[str]) -> list[int]:
        """How many model tokens each text is embedded as (special tokens in, cut at the window)."""
        if self.backend != "torch":
            return _runner(self).token_lengths(texts)
        ids = self.model.tokenizer(texts, add_special_tokens=True, truncation=True, max_length=self.window)
        return [len(i) for i in ids["input_ids"]]


@lru_cache(maxsize=8)
def load_embedder(path: str, backend: str = "onnx", threads: int = 1, cache_dir: str = "") -> Embedder:
    """Identify a local sentence-transformers model folder (cheap: the weights load on first use).

    Raises QAError with what to do when the folder is not a usable model or the backend is unknown.
    """
    folder = Path(path)
    if not (folder / "modules.json").is_file() and not (folder / "config.json").is_file():
        raise QAError(
            f"Embedding model folder {path} is not a sentence-transformers model "
            "(no modules.json or config.json). Point --model / QA_MODEL at a local model folder, "
            "or unset it to use the bundled all-MiniLM-L6-v2."
        )
    if backend not in BACKENDS:
        raise QAError(f"Unknown embedding backend {backend!r}; choose one of {', '.join(BACKENDS)}.")
    if backend != "torch" and not (folder / "tokenizer.json").is_file():
        raise QAError(f"The model in {path} has no tokenizer.json, which the ONNX backend needs. "
                      "Use embed_backend='torch'.")
    return Embedder(str(folder), _model_id(folder), backend, threads, cache_dir)


def embedder_for(config: Config) -> Embedder:
    """The embedder ``config`` asks for: ``config.embedder`` when set, else its model folder, backend,
    threads and ONNX cache."""
    if config.embedder is not None:
        return config.embedder  # type: ignore[no-any-return]
    return load_embedder(config.model_path(), config.embed_backend, config.embed_threads,
                         str(config.cache_dir) if config.cache_dir else "")


@lru_cache(maxsize=4)
def _load_model(path: str, threads: int) -> SentenceTransformer:
    import torch
    from sentence_transformers import SentenceTransformer

    torch.set_num_threads(max(1, threads))
    try:
        return SentenceTransformer(path, device="cpu")
    except Exception as e:  # the library raises many kinds for a bad folder
        raise QAError(f"Could not load the embedding model from {path}: {e}") from e


class _OnnxRunner:
    """The model's tokenizer file, an onnxruntime session and the model's pooling."""

    def __init__(self, embedder: Embedder):
        from tokenizers import Tokenizer

        from . import onnx

        folder = Path(embedder.path)
        cache = Path(embedder.cache_dir) if embedder.cache_dir else onnx.default_cache_dir()
        self.model_file = onnx.export_path(embedder.path, embedder.model_id, cache,
                                           int8=embedder.backend.startswith("onnx-int8"),
                                           per_channel=embedder.backend == "onnx-int8-channel")
        self.threads = embedder.threads
        self.window = int(_json(folder / "sentence_bert_config.json").get("max_seq_length") or 256)
        self.counter = Tokenizer.from_file(str(folder / "tokenizer.json"))
        self.counter.no_truncation()
        self.counter.no_padding()
        self.tokenizer = Tokenizer.from_file(str(folder / "tokenizer.json"))
        self.tokenizer.enable_truncation(self.window)
        self.tokenizer.no_padding()
        self.pooling = onnx.pooling(embedder.path)
        self.dim = int(_json(folder / "config.json").get("hidden_size") or self.encode(["x"], 1).shape[1])

    @property
    def session(self) -> onnxruntime.InferenceSession:
        """Opened on first use, so a process that only plans batches for workers never loads the weights."""
        from . import onnx

        return onnx.session(str(self.model_file), self.threads)

    def open(self) -> None:
        self.session  # noqa: B018 - opened and cached on first access

    def count_tokens(self, text: str) -> int:
        return len(self.counter.encode(text, add_special_tokens=True).ids)

    def token_lengths(self, texts: list[str]) -> list[int]:
        return [len(e.ids) for e in self.tokenizer.encode_batch(texts, add_special_tokens=True)]

    def encode_spans(self, texts: list[str], spans: Sequence[Spans]) -> tuple[np.ndarray, list[np.ndarray]]:
        from . import onnx

        encodings = self.tokenizer.encode_batch(texts, add_special_tokens=True)
        hidden, mask = self._run(encodings)
        pooled = [_pool_spans(hidden[row, :len(e.ids)], np.array(e.offsets, dtype=np.int64).reshape(-1, 2), entries)
                  for row, (e, entries) in enumerate(zip(encodings, spans))]
        return onnx.pool(hidden, mask, self.pooling), pooled

    def encode(self, texts: list[str], batch_size: int) -> np.ndarray:
        from . import onnx

        encodings = self.tokenizer.encode_batch(texts, add_special_tokens=True)
        order = np.argsort([-len(e.ids) for e in encodings], kind="stable")  # similar lengths pad less
        parts = []
        for start in range(0, len(order), max(1, batch_size)):
            hidden, mask = self._run([encodings[i] for i in order[start:start + batch_size]])
            parts.append(onnx.pool(hidden, mask, self.pooling))
        out = np.empty((len(texts), parts[0].shape[1]), dtype=np.float32)
        out[order] = np.concatenate(parts)
        return out

    def _run(self, batch: list[Any]) -> tuple[np.ndarray, np.ndarray]:
        """The model's token vectors (rows, tokens, dim) for tokenised texts, and their attention mask."""
        from . import onnx

        width = max(len(e.ids) for e in batch)
        feeds = {name: np.zeros((len(batch), width), dtype=np.int64) for name in onnx.INPUTS}
        for row, e in enumerate(batch):
            n = len(e.ids)
            feeds["input_ids"][row, :n] = e.ids
            feeds["attention_mask"][row, :n] = 1
            feeds["token_type_ids"][row, :n] = e.type_ids
        return self._infer(feeds, [len(e.ids) for e in batch]), feeds["attention_mask"]

    def _infer(self, feeds: dict[str, np.ndarray], lengths: list[int]) -> np.ndarray:
        session = self.session
        wanted = {i.name for i in session.get_inputs()}
        return session.run(None, {k: v for k, v in feeds.items() if k in wanted})[0]  # type: ignore[no-any-return]


class _OpenVinoRunner(_OnnxRunner):
    """The same export, tokenizer and pooling, run by OpenVINO in bfloat16 (qa.indexing.openvino)."""

    def __init__(self, embedder: Embedder):
        from . import openvino

        openvino.require()  # before any work, so the message is this one
        super().__init__(embedder)

    def open(self) -> None:
        self._model()

    def _infer(self, feeds: dict[str, np.ndarray], lengths: list[int]) -> np.ndarray:
        from . import openvino

        return openvino.infer(self._model(), feeds, lengths)

    def _model(self) -> Any:
        from . import openvino

        return openvino.compiled(str(self.model_file), openvino.streams())


def _pool_spans(hidden: np.ndarray, offsets: np.ndarray, entries: Spans) -> np.ndarray:
    """One normalised mean of token vectors per entry (its ranges' tokens together); NaN where the text's
    window holds no token of the entry's last range, or cuts it (the entry then needs a pass of its own)."""
    out = np.full((len(entries), hidden.shape[1]), np.nan, dtype=np.float32)
    real = offsets[:, 1] > offsets[:, 0]  # special tokens have empty spans
    covered = int(offsets[real, 1].max()) if real.any() else 0
    for k, ranges in enumerate(entries):
        if not ranges or ranges[-1][1] > covered:
            continue
        inside = np.zeros(len(offsets), dtype=bool)
        for lo, hi in ranges:
            inside |= (offsets[:, 1] > lo) & (offsets[:, 0] < hi)
        inside &= real
        if inside.any():
            v = hidden[inside].mean(axis=0)
            out[k] = v / max(float(np.linalg.norm(v)), 1e-12)
    return out


@lru_cache(maxsize=8)
def _runner(embedder: Embedder) -> _OnnxRunner:
    try:
        return (_OpenVinoRunner if embedder.backend == "openvino-bf16" else _OnnxRunner)(embedder)
    except QAError:
        raise
    except Exception as e:  # onnxruntime and tokenizers raise many kinds for a bad file
        raise QAError(f"Could not start the ONNX embedding model for {embedder.path} ({e}). "
                      "Delete its folder under the cache to export it again, or use embed_backend='torch'.") from e


def _json(path: Path) -> dict[str, Any]:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


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
