"""The bare encoder on an index's chunk texts: onnxruntime fp32 against OpenVINO in fp32 and in bfloat16.

    .venv/bin/python benchmarks/bench_encoders.py --index DIR [--chunks 1000] [--rounds 3]

Each round runs every encoder once over the same texts, in turn (interleaved), on one thread, in batches
as a build cuts them (qa.indexing.embed_many.plan: about 1,024 padded tokens); the bfloat16 model also
each text padded to the width its length fixes (qa.indexing.openvino.width: what a build does, so that a
vector depends on its text alone), alone and with two streams running two batches side by side (what a
build on two cores does). Reported: the median
seconds, and each encoder's cosine to onnxruntime fp32's vectors (least, 5th percentile, median).
"""
from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--index", required=True, help="an index whose first chunks are the texts")
    parser.add_argument("--chunks", type=int, default=1000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--json", help="write the figures here")
    args = parser.parse_args()

    import openvino

    from qa import Config, load_index
    from qa.indexing import onnx
    from qa.indexing import openvino as qa_openvino
    from qa.indexing.embed import embedder_for
    from qa.indexing.embed_context import chunk_text
    from qa.indexing.embed_many import plan

    index = load_index(Path(args.index))
    texts = list(dict.fromkeys(chunk_text(index.documents[c.source], c) for c in index.chunks[:args.chunks]))
    embedder = embedder_for(Config())
    model_file = str(onnx.export_path(embedder.path, embedder.model_id, onnx.default_cache_dir()))
    from tokenizers import Tokenizer

    tokenizer = Tokenizer.from_file(str(Path(embedder.path) / "tokenizer.json"))
    tokenizer.enable_truncation(embedder.window)
    tokenizer.no_padding()
    encodings = tokenizer.encode_batch(texts, add_special_tokens=True)
    lengths = [len(e.ids) for e in encodings]
    length_of = dict(zip(texts, lengths))

    def batches(widths=None) -> list[list[int]]:  # type: ignore[no-untyped-def]
        p = plan(texts, lambda ts: [length_of[t] for t in ts], widths=widths)
        rows = {t: i for i, t in enumerate(texts)}
        return [[rows[t] for t in p.distinct[a:b]] for a, b in p.batches]

    def feeds(rows: list[int]) -> tuple[dict[str, np.ndarray], np.ndarray]:
        width = max(lengths[r] for r in rows)
        ids = np.zeros((len(rows), width), dtype=np.int64)
        mask = np.zeros_like(ids)
        for k, r in enumerate(rows):
            ids[k, :lengths[r]] = encodings[r].ids
            mask[k, :lengths[r]] = 1
        return {"input_ids": ids, "attention_mask": mask, "token_type_ids": np.zeros_like(ids)}, mask

    session = onnx.session(model_file, 1)
    core = openvino.Core()

    def ov(precision: str, streams: int = 1):  # type: ignore[no-untyped-def]
        return core.compile_model(core.read_model(model_file), "CPU", {
            "INFERENCE_PRECISION_HINT": precision, "NUM_STREAMS": streams, "INFERENCE_NUM_THREADS": streams})

    def run(infer, plan_batches: list[list[int]], side_by_side: int = 1) -> tuple[float, np.ndarray]:  # type: ignore[no-untyped-def]
        out = np.zeros((len(texts), embedder.dim), dtype=np.float32)

        def one(rows: list[int]) -> None:
            f, mask = feeds(rows)
            out[rows] = onnx.pool(infer(f), mask, "mean")

        start = time.perf_counter()
        if side_by_side > 1:
            with ThreadPoolExecutor(side_by_side) as pool:
                list(pool.map(one, plan_batches))
        else:
            for rows in plan_batches:
                one(rows)
        return time.perf_counter() - start, out

    def requester(compiled):  # type: ignore[no-untyped-def]
        import threading

        local = threading.local()

        def infer(f: dict[str, np.ndarray]) -> np.ndarray:
            if not hasattr(local, "request"):
                local.request = compiled.create_infer_request()
            return local.request.infer(f)[compiled.output(0)]
        return infer

    def as_built(compiled):  # type: ignore[no-untyped-def]
        return lambda f: qa_openvino.infer(compiled, f, [int(n) for n in f["attention_mask"].sum(axis=1)])

    mixed, by_width = batches(), batches(qa_openvino.width)
    f32, bf16, bf16_two = ov("f32"), ov("bf16"), ov("bf16", 2)
    encoders = {
        "onnxruntime fp32": lambda: run(lambda f: session.run(None, f)[0], mixed),
        "OpenVINO fp32": lambda: run(requester(f32), mixed),
        "OpenVINO bf16": lambda: run(requester(bf16), mixed),
        "OpenVINO bf16, widths as a build pads": lambda: run(as_built(bf16), by_width),
        "OpenVINO bf16, widths as a build pads, two streams": lambda: run(as_built(bf16_two), by_width, 2),
    }
    seconds: dict[str, list[float]] = {name: [] for name in encoders}
    vectors: dict[str, np.ndarray] = {}
    for _ in range(args.rounds):
        for name, go in encoders.items():
            took, vectors[name] = go()
            seconds[name].append(took)
            print(f"{name}: {took:.1f} s", flush=True)
    reference = vectors["onnxruntime fp32"]
    figures = {"texts": len(texts), "tokens": sum(lengths), "rounds": args.rounds, "encoders": {}}
    print(f"\n{len(texts)} chunk texts, {sum(lengths):,} tokens, medians of {args.rounds} interleaved rounds:\n")
    print("| encoder | seconds | cosine to onnxruntime fp32: least / 5th percentile / median |\n|---|---|---|")
    for name in encoders:
        cos = (vectors[name] * reference).sum(axis=1)
        row = {"seconds": statistics.median(seconds[name]), "rounds": seconds[name],
               "cosine": [float(cos.min()), float(np.percentile(cos, 5)), float(np.median(cos))]}
        figures["encoders"][name] = row
        print(f"| {name} | {row['seconds']:.1f} s | {cos.min():.6f} / {np.percentile(cos, 5):.6f} / "
              f"{np.median(cos):.6f} |")
    if args.json:
        Path(args.json).write_text(json.dumps(figures, indent=1), encoding="utf-8")


if __name__ == "__main__":
    main()
