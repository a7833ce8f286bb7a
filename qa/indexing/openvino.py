"""OpenVINO inference of the exported model in bfloat16, for a build's document vectors.

On a CPU that multiplies bfloat16 natively (Intel AMX or AVX-512 BF16), OpenVINO runs the model's matrix
products in bfloat16 with float32 accumulation. On the python3-doc chunks that is about three times
onnxruntime's fp32 speed on one thread, and the vectors keep a cosine of at least 0.99996 to the fp32 ones
(docs/performance.md, "bfloat16 documents"). Questions stay in fp32 onnxruntime, so both kinds of vector
search one index. It reads the same ONNX export as :mod:`qa.indexing.onnx`.

A vector must depend on its text alone, so that an incremental, a multi-process and a full build agree.
Rows of a batch are computed apart, but padding changes the kernels' blocking and, in bfloat16, a vector
by up to 5e-4. So :func:`infer` runs texts of one token length together and never pads.
"""
from __future__ import annotations

import os
import threading
from functools import lru_cache
from typing import TYPE_CHECKING, Any

import numpy as np

from ..errors import QAError

if TYPE_CHECKING:
    import openvino

#: The most batches one compiled model runs at once (one stream, one thread each).
MAX_STREAMS = 16


@lru_cache(maxsize=1)
def unavailable() -> str:
    """Why bfloat16 documents cannot run here ("" when they can)."""
    try:
        import openvino
    except ImportError:
        return "OpenVINO is not installed (pip install openvino)"
    try:
        capabilities = openvino.Core().get_property("CPU", "OPTIMIZATION_CAPABILITIES")
    except Exception as e:  # the plugin raises its own kinds on an unknown device
        return f"OpenVINO's CPU plugin does not start ({e})"
    if "BF16" not in capabilities:
        return "this CPU does not compute in bfloat16 natively (no AMX or AVX-512 BF16)"
    return ""


def streams() -> int:
    """Batches run at once: one per core this process may use."""
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        cores = os.cpu_count() or 1
    return max(1, min(MAX_STREAMS, cores))


@lru_cache(maxsize=4)
def compiled(path: str, streams: int) -> openvino.CompiledModel:
    """The ONNX file compiled for the CPU in bfloat16, with ``streams`` streams of one thread each."""
    reason = unavailable()
    if reason:
        raise QAError(f"Documents cannot be embedded in bfloat16: {reason}. "
                      "Build with --document-encoder fp32.")
    import openvino

    core = openvino.Core()
    try:
        return core.compile_model(core.read_model(path), "CPU", {
            "INFERENCE_PRECISION_HINT": "bf16", "NUM_STREAMS": streams, "INFERENCE_NUM_THREADS": streams})
    except Exception as e:  # OpenVINO raises RuntimeError subclasses of its own
        raise QAError(f"OpenVINO could not compile {path} ({e}). Delete that file to export it again, "
                      "or build with --document-encoder fp32.") from e


_requests = threading.local()


def infer(model: openvino.CompiledModel, feeds: dict[str, np.ndarray], lengths: list[int]) -> np.ndarray:
    """The token vectors (rows, tokens, dim) of a padded batch, each run of equal ``lengths`` unpadded;
    positions past a row's length are zero. Each calling thread has its own request, so threads run
    batches side by side on the model's streams."""
    requests: dict[int, Any] = getattr(_requests, "by_model", None) or {}
    _requests.by_model = requests
    request = requests.get(id(model))
    if request is None:
        request = requests[id(model)] = model.create_infer_request()
    names = {i.get_any_name() for i in model.inputs}
    rows, width = feeds["input_ids"].shape
    out: np.ndarray | None = None
    order = sorted(range(rows), key=lambda r: -lengths[r])
    start = 0
    while start < rows:
        n = lengths[order[start]]
        end = start + 1
        while end < rows and lengths[order[end]] == n:
            end += 1
        group = order[start:end]
        result = request.infer({k: np.ascontiguousarray(v[group, :n]) for k, v in feeds.items() if k in names})
        hidden = result[model.output(0)]
        if out is None:
            out = np.zeros((rows, width, hidden.shape[-1]), dtype=np.float32)
        out[group, :n] = hidden
        start = end
    assert out is not None
    return out
