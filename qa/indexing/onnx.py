"""ONNX Runtime inference for the embedding model: an offline export into a cache folder, and sessions.

The bundled model ships as safetensors only, so its transformer is exported once, locally, with
``torch.onnx`` into ``<cache>/onnx/<model id>/model.onnx`` (and, for ``onnx-int8``, dynamically
quantised with onnxruntime's own quantiser into ``model-int8.onnx``). Later runs load the file; nothing
is fetched from anywhere. Sessions run with ``threads`` intra-op threads (1 by default: on a busy
machine one thread is much faster than two fighting over the cores).
"""
from __future__ import annotations

import json
import os
import re
import warnings
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from ..errors import QAError

if TYPE_CHECKING:
    import onnxruntime

INPUTS = ("input_ids", "attention_mask", "token_type_ids")


def default_cache_dir() -> Path:
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "qa"


def export_path(model_path: str, model_id: str, cache_dir: Path, *, int8: bool = False,
                per_channel: bool = False) -> Path:
    """The ONNX file for a model, exporting (and quantising) it first when it is not in the cache yet.

    ``per_channel`` quantises each output channel of a weight with its own scale, which keeps the
    vectors far nearer the fp32 ones (median cosine 0.993 against 0.958 on python3-doc sentences), and
    keeps the first layers' feed-forward output projections in fp32 (:data:`FP32_PROJECTIONS`).
    """
    folder = cache_dir / "onnx" / model_id
    fp32 = folder / "model.onnx"
    if not fp32.is_file():
        _export(model_path, fp32)
    if not int8:
        return fp32
    quantised = folder / ("model-int8-doc.onnx" if per_channel else "model-int8.onnx")
    if not quantised.is_file():
        _quantise(fp32, quantised, per_channel=per_channel)
    return quantised


def _export(model_path: str, target: Path) -> None:
    try:
        import torch
        from transformers import AutoModel
    except ImportError as e:
        raise QAError(f"Exporting the model to ONNX needs torch and transformers ({e}). "
                      "Reinstall qa (bash scripts/setup.sh), or use embed_backend='torch'.") from e

    class _Hidden(torch.nn.Module):
        def __init__(self, model: torch.nn.Module):
            super().__init__()
            self.model = model

        def forward(self, input_ids, attention_mask, token_type_ids):  # type: ignore[no-untyped-def]
            out = self.model(input_ids=input_ids, attention_mask=attention_mask, token_type_ids=token_type_ids)
            return out.last_hidden_state

    model = _Hidden(AutoModel.from_pretrained(model_path).eval())
    ids = torch.ones(2, 8, dtype=torch.long)
    axes = {name: {0: "batch", 1: "tokens"} for name in (*INPUTS, "last_hidden_state")}
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(f".{target.name}.{os.getpid()}")
    try:
        with torch.no_grad(), warnings.catch_warnings():
            warnings.simplefilter("ignore")  # tracer notes about shape-dependent branches of the model
            torch.onnx.export(model, (ids, torch.ones_like(ids), torch.zeros_like(ids)), str(tmp),
                              input_names=list(INPUTS), output_names=["last_hidden_state"],
                              dynamic_axes=axes, opset_version=17, dynamo=False)
        os.replace(tmp, target)
    except Exception as e:  # the exporter raises many kinds
        tmp.unlink(missing_ok=True)
        raise QAError(f"Could not export {model_path} to ONNX ({e}). Use embed_backend='torch' instead.") from e


#: Feed-forward output projections (``layer.N/output/dense``) of the first this many layers stay in fp32 in
#: the per-channel model. They take the GELU's long-tailed activations, which one int8 scale a row holds
#: worst, and their error runs through every later layer: kept, the vectors of 1,000 python3-doc chunks
#: come from a median cosine of 0.9946 to the fp32 ones to 0.9972 (5th percentile 0.9910 to 0.9955), for
#: 1.2x the fully quantised model's time, about half the fp32 model's (docs/performance.md).
FP32_PROJECTIONS = 3
_PROJECTION = re.compile(r"/layer\.(\d+)/output/dense/MatMul$")


def kept_in_fp32(model: Path) -> list[str]:
    """Names of the MatMul nodes of ``model`` the per-channel quantisation leaves in fp32 (none where the
    graph's names do not follow the BERT layout the export gives)."""
    import onnx

    graph = onnx.load(str(model), load_external_data=False).graph
    return [node.name for node in graph.node if node.op_type == "MatMul"
            and (m := _PROJECTION.search(node.name)) and int(m.group(1)) < FP32_PROJECTIONS]


def _quantise(source: Path, target: Path, *, per_channel: bool = False) -> None:
    import logging

    from onnxruntime.quantization import QuantType, quantize_dynamic

    tmp = target.with_name(f".{target.name}.{os.getpid()}")
    quiet = logging.getLogger().level
    logging.getLogger().setLevel(logging.ERROR)  # the quantiser's advice to pre-process is for static models
    try:
        quantize_dynamic(str(source), str(tmp), weight_type=QuantType.QInt8, per_channel=per_channel,
                         nodes_to_exclude=kept_in_fp32(source) if per_channel else None)
        os.replace(tmp, target)
    finally:
        logging.getLogger().setLevel(quiet)
        tmp.unlink(missing_ok=True)


@lru_cache(maxsize=8)
def session(path: str, threads: int) -> onnxruntime.InferenceSession:
    """An onnxruntime CPU session with ``threads`` intra-op threads (cached per file and setting)."""
    import onnxruntime as ort

    options = ort.SessionOptions()
    options.intra_op_num_threads = max(1, threads)
    options.inter_op_num_threads = 1
    options.log_severity_level = 3
    if threads > 1:  # threads that spin while they wait take the cores from the others on a busy machine
        options.add_session_config_entry("session.intra_op.allow_spinning", "0")
    return ort.InferenceSession(path, options, providers=["CPUExecutionProvider"])


def pooling(model_path: str) -> str:
    """How the sentence-transformers model pools token vectors: ``mean`` or ``cls``."""
    folder = Path(model_path)
    try:
        modules = json.loads((folder / "modules.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return "mean"
    for module in modules:
        if str(module.get("type", "")).endswith("Pooling"):
            cfg = json.loads((folder / module["path"] / "config.json").read_text(encoding="utf-8"))
            mode = cfg.get("pooling_mode")  # sentence-transformers 6 writes one name; earlier ones, a flag each
            if cfg.get("pooling_mode_mean_tokens") or mode == "mean":
                return "mean"
            if cfg.get("pooling_mode_cls_token") or mode == "cls":
                return "cls"
            raise QAError(f"The model in {model_path} pools in a way the ONNX backend does not reproduce. "
                          "Use embed_backend='torch'.")
    return "mean"


def pool(hidden: np.ndarray, mask: np.ndarray, how: str) -> np.ndarray:
    """Pooled, L2-normalised float32 vectors from token vectors (batch, tokens, dim) and their mask."""
    if how == "cls":
        vectors = hidden[:, 0, :]
    else:
        weights = mask[..., None].astype(np.float32)
        vectors = (hidden * weights).sum(axis=1) / np.maximum(weights.sum(axis=1), 1e-9)
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    return np.ascontiguousarray(vectors / np.maximum(norms, 1e-12), dtype=np.float32)
