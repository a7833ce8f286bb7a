"""OpenVINO inference of the exported model in bfloat16, for a build's document vectors.

On a CPU that multiplies bfloat16 natively (Intel AMX or AVX-512 BF16), OpenVINO runs the model's matrix
products in bfloat16 with float32 accumulation. On the python3-doc chunks that is about three times
onnxruntime's fp32 speed on one thread, and the vectors keep a cosine of at least 0.99996 to the fp32 ones
(docs/performance.md, "bfloat16 documents"). Questions stay in fp32 onnxruntime, so both kinds of vector
search one index. It reads the same ONNX export as :mod:`qa.indexing.onnx`.

A vector must depend on its text alone, so that an incremental, a multi-process and a full build agree.
Rows of a batch are computed apart, but the padding a row gets changes the kernels' blocking and, in
bfloat16, its vector by up to 5e-4. So :func:`infer` pads each text to a width fixed by its own length
(:func:`width`). That also bounds the shapes the model meets: every new shape costs compiled kernels and
buffers, and 256 widths took the process to 890 MB against about 400 MB for 20 (docs/performance.md).
"""
from __future__ import annotations

import importlib.util
import threading
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from ..errors import QAError

if TYPE_CHECKING:
    import openvino

#: The most batches one compiled model runs at once (one stream, one thread each).
MAX_STREAMS = 16
NO_BF16 = "this CPU does not compute in bfloat16 natively (no AMX or AVX-512 BF16)"


@lru_cache(maxsize=1)
def unavailable() -> str:
    """Why bfloat16 documents cannot run here ("" when they can). On Linux the CPU's flags answer, so a build
    with nothing to do does not import OpenVINO (0.07 s) to learn it."""
    if importlib.util.find_spec("openvino") is None:
        return "OpenVINO is not installed (pip install openvino)"
    flags = _cpu_flags()
    if flags is not None:
        return "" if flags & {"amx_bf16", "avx512_bf16"} else NO_BF16
    try:
        import openvino

        capabilities = openvino.Core().get_property("CPU", "OPTIMIZATION_CAPABILITIES")
    except Exception as e:  # the plugin raises its own kinds on an unknown device
        return f"OpenVINO's CPU plugin does not start ({e})"
    return "" if "BF16" in capabilities else NO_BF16


def require() -> None:
    """Raise QAError saying why, where bfloat16 documents cannot run here."""
    reason = unavailable()
    if reason:
        raise QAError(f"Documents cannot be embedded in bfloat16: {reason}. "
                      "Build with --document-encoder fp32 (or auto, which takes bf16 only where it runs).")


def _cpu_flags() -> set[str] | None:
    """The CPU's feature flags from /proc/cpuinfo (None where there is no such file)."""
    try:
        with open("/proc/cpuinfo", encoding="utf-8", errors="replace") as f:
            for line in f:
                if line.startswith("flags"):
                    return set(line.partition(":")[2].split())
    except OSError:
        return None
    return None


def streams() -> int:
    """Batches run at once: one per core this process may use."""
    from .embed_many import cores

    return max(1, min(MAX_STREAMS, cores()))


_compiling = threading.Lock()


def compiled(path: str, count: int) -> openvino.CompiledModel:
    """The ONNX file compiled for the CPU in bfloat16, with ``count`` streams of one thread each, and run
    once. The first run sets up OpenVINO's Python binding, which two threads doing it at once can deadlock
    on (one waits for a C++ static the other builds, holding the interpreter's lock the other needs); so
    it happens here, under a lock, before threads share the model. The compiled model is cached in an
    ``openvino`` folder beside the file (0.1 s to load against 0.5 s to compile); a cache OpenVINO cannot
    use is passed over."""
    with _compiling:
        return _compiled(path, count)


@lru_cache(maxsize=4)
def _compiled(path: str, count: int) -> openvino.CompiledModel:
    require()
    import openvino

    settings = {"INFERENCE_PRECISION_HINT": "bf16", "NUM_STREAMS": count, "INFERENCE_NUM_THREADS": count}
    core = openvino.Core()
    try:
        model = core.compile_model(path, "CPU", {**settings, "CACHE_DIR": str(Path(path).parent / "openvino")})
    except Exception:  # an unwritable or damaged cache: compile without it
        model = None
    try:
        if model is None:
            model = core.compile_model(core.read_model(path), "CPU", settings)
        ids = np.ones((1, 8), dtype=np.int64)
        model.create_infer_request().infer({i.get_any_name(): ids for i in model.inputs}, share_inputs=True)[
            model.output(0)]
        return model
    except Exception as e:  # OpenVINO raises RuntimeError subclasses of its own
        raise QAError(f"OpenVINO could not compile {path} ({e}). Delete that file to export it again, "
                      "or build with --document-encoder fp32.") from e


def width(tokens: int) -> int:
    """The padded width a text of ``tokens`` tokens runs at: a multiple of 8 up to 64, of 16 above (20 widths
    up to 256, about 5% padding on full chunks)."""
    step = 8 if tokens <= 64 else 16
    return -(-max(1, tokens) // step) * step


_requests = threading.local()


def infer(model: openvino.CompiledModel, feeds: dict[str, np.ndarray], lengths: list[int]) -> np.ndarray:
    """The token vectors (rows, tokens, dim) of a padded batch, each row run at its own :func:`width`;
    positions past a row's length are not meaningful (the attention mask says which are). Each calling
    thread has its own request, so threads run batches side by side on the model's streams."""
    requests: dict[int, Any] = _requests.__dict__.setdefault("by_model", {})
    request = requests.get(id(model))
    if request is None:
        request = requests[id(model)] = model.create_infer_request()
    names = {i.get_any_name() for i in model.inputs}
    rows, given = feeds["input_ids"].shape
    groups: dict[int, list[int]] = {}
    for row, n in enumerate(lengths):
        groups.setdefault(width(n), []).append(row)
    out: np.ndarray | None = None
    for w, group in sorted(groups.items(), reverse=True):
        inputs = {}
        for name in names & feeds.keys():
            padded = np.zeros((len(group), w), dtype=feeds[name].dtype)
            padded[:, :min(w, given)] = feeds[name][group, :w]
            inputs[name] = padded
        hidden = request.infer(inputs, share_inputs=True)[model.output(0)]
        if out is None:
            out = np.zeros((rows, max(given, w), hidden.shape[-1]), dtype=np.float32)
        out[group, :w] = hidden
    assert out is not None
    return out[:, :given]
