"""The hostile matrix, the largest real pages' needs, and what the reader worker costs a normal build.

    nice -n 19 .venv/bin/python benchmarks/bench_hostile.py matrix    # each hostile file, full size
    nice -n 19 .venv/bin/python benchmarks/bench_hostile.py real      # largest pages of the doc sets
    nice -n 19 .venv/bin/python benchmarks/bench_hostile.py overhead [--pages 200] [--runs 3]

matrix: each hostile file, generated at the size it was found at (tests/hostile_files.py), read by a
fresh worker with the default limits: the outcome, the wall time (after the worker's start), this
process's peak RSS (the parent) and the worker's (read from /proc while it works); then
``python -m qa build`` on a corpus of that file alone: its wall time and peak RSS (the kernel's
figure, which takes in its reaped workers).

real: the largest HTML pages of python3-doc, postgresql-doc and git-doc, and the default corpus: for
each, the reader's CPU seconds, the worker's peak RSS above its idle size, and the characters of text,
against the limits (Config.reader_seconds, reader_memory_bytes, max_text_chars).

overhead: the load stage (load_corpus) over the default corpus and over ``--pages`` python3-doc pages,
read in this process and in the worker, interleaved; medians and the ratio.
"""
from __future__ import annotations

import argparse
import os
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from qa.config import DEFAULT_CORPUS, Config  # noqa: E402
from qa.errors import Unreadable  # noqa: E402
from qa.ingest.formats import FORMATS  # noqa: E402
from qa.ingest.load import discover, load_document  # noqa: E402
from qa.ingest.sandbox import Limits, Worker, _vm_hwm  # noqa: E402
from tests import hostile_files as hf  # noqa: E402

MB = 1e6
CASES = {
    "docx, document.xml of 2 GB": ("docx", lambda: hf.docx_bomb(33_000_000)),
    "docx, document.xml of 200 MB": ("docx", lambda: hf.docx_bomb(3_300_000)),
    "docx, gridSpan=2147483647": ("docx", hf.docx_grid_span),
    "epub, spine lists a chapter 200,000x": ("epub", lambda: hf.epub_spine_repeat(200_000)),
    "epub, spine lists a chapter 20,000x": ("epub", lambda: hf.epub_spine_repeat(20_000)),
    "epub, manifest lists a 500 MB entry 20x": ("epub", lambda: hf.epub_manifest_repeat(20, chapter_bytes=500_000_000)),
    "pdf, 3 GB Flate stream": ("pdf", lambda: hf.pdf_bomb(3 << 30)),
    "pdf, 500 MB stream listed 12x": ("pdf", lambda: hf.pdf_repeated(500 << 20, 12)),
    "html, one row of 200k <td>": ("html", lambda: hf.html_wide_table(200_000)),
}
SUFFIX = {"docx": ".docx", "epub": ".epub", "pdf": ".pdf", "html": ".html"}


def matrix() -> None:
    print("| file (size) | outcome | reader s | parent peak MB | worker peak MB | `qa build` s | build peak MB |")
    print("|---|---|---|---|---|---|---|")
    for name, (fmt, make) in CASES.items():
        data = make()
        with Worker(Limits.from_config(Config())) as worker:
            worker.read("txt", b"warm up.")  # its start (about a second of imports) is timed apart
            start = time.monotonic()
            try:
                found = worker.read(fmt, data)
                outcome = f"read: {len(found.text):,} characters"
            except Unreadable as e:
                outcome = f"skipped: {e}"
            seconds = time.monotonic() - start
            child = worker.peak_rss
        parent = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
        build_s, build_peak = _build(fmt, data)
        print(f"| {name} ({len(data) / MB:.2f} MB) | {outcome} | {seconds:.1f} | {parent / MB:.0f} | {child / MB:.0f} "
              f"| {build_s:.1f} | {build_peak / MB:.0f} |", flush=True)


def _build(fmt: str, data: bytes) -> tuple[float, int]:
    with tempfile.TemporaryDirectory() as tmp:
        corpus = Path(tmp) / "corpus"
        corpus.mkdir()
        (corpus / f"hostile{SUFFIX[fmt]}").write_bytes(data)
        (corpus / "fine.txt").write_text("The lighthouse was built in 1871.")
        start = time.monotonic()
        status, peak, _, err = hf.run_measured([sys.executable, "-m", "qa", "build", "--corpus", str(corpus),
                                                "--index", str(Path(tmp) / "index")], cwd=ROOT)
        if status != 0:
            raise SystemExit(f"build failed: {err.decode(errors='replace')[-2000:]}")
        return time.monotonic() - start, peak


def real(top: int = 4) -> None:
    sets = {"python3-doc": Path("/usr/share/doc/python3-doc/html"),
            "postgresql-doc": Path("/usr/share/doc/postgresql-doc-15/html"), "git-doc": Path("/usr/share/doc/git-doc")}
    files = [(label, p) for label, root in sets.items() if root.is_dir()
             for p in sorted(root.rglob("*.html"), key=lambda p: p.stat().st_size)[-top:]]
    files += [("default corpus", p) for p in discover(DEFAULT_CORPUS)[0]]
    limits = Limits.from_config(Config())
    print(f"limits: {limits.seconds:g} s CPU, {limits.memory_bytes / MB:.0f} MB above idle, {limits.max_chars:,} chars")
    print("| set | file | size kB | reader CPU s | worker MB above idle | text characters |")
    print("|---|---|---|---|---|---|")
    for label, path in files:
        with Worker(limits) as worker:
            worker.read("txt", b"warm up.")
            idle = _vm_hwm(worker._proc.pid)  # type: ignore[union-attr]
            cpu = _cpu(worker._proc.pid)  # type: ignore[union-attr]
            found = worker.read(FORMATS[path.suffix.lower()], path.read_bytes())
            used, peak = _cpu(worker._proc.pid) - cpu, _vm_hwm(worker._proc.pid)  # type: ignore[union-attr]
        print(f"| {label} | {path.name} | {path.stat().st_size / 1e3:.0f} | {used:.2f} | {(peak - idle) / MB:.0f} "
              f"| {len(found.text):,} |", flush=True)


def _cpu(pid: int) -> float:
    with open(f"/proc/{pid}/stat", encoding="ascii") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def overhead(pages: int, runs: int) -> None:
    sets = {"default corpus": (DEFAULT_CORPUS, discover(DEFAULT_CORPUS)[0])}
    docs = Path("/usr/share/doc/python3-doc/html")
    if docs.is_dir():
        html = [p for p in discover(docs)[0] if p.suffix == ".html"]
        sets[f"python3-doc, {pages} HTML pages"] = (docs, html[:: max(len(html) // pages, 1)][:pages])
        sources = [p for p in discover(docs)[0] if p.suffix == ".txt"]  # reST sources: the fixed cost of a file
        sets[f"python3-doc, {pages} reST sources (.txt)"] = (docs, sources[:pages])
    for label, (root, paths) in sets.items():
        times: dict[str, list[float]] = {"in process": [], "worker": []}
        with Worker(Limits.from_config(Config())) as worker:
            worker.read("txt", b"warm up.")  # the one start of a build's worker is timed apart, below
            for _ in range(runs):
                for mode in times:
                    start = time.perf_counter()
                    for p in paths:
                        load_document(p, root, max_bytes=10**8, worker=worker if mode == "worker" else None)
                    times[mode].append(time.perf_counter() - start)
        base, ours = statistics.median(times["in process"]), statistics.median(times["worker"])
        print(f"{label}: {len(paths)} files; load in process {base:.2f} s, in the worker {ours:.2f} s "
              f"(median of {runs}, interleaved); ratio {ours / base:.3f}", flush=True)
    starts = []
    for _ in range(runs):
        start = time.perf_counter()
        with Worker() as worker:
            worker.read("txt", b"warm up.")
        starts.append(time.perf_counter() - start)
    print(f"starting a worker (once per build, and after each failure): {statistics.median(starts):.2f} s")


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("what", choices=["matrix", "real", "overhead"])
    p.add_argument("--pages", type=int, default=200)
    p.add_argument("--runs", type=int, default=3)
    args = p.parse_args()
    {"matrix": matrix, "real": real, "overhead": lambda: overhead(args.pages, args.runs)}[args.what]()


if __name__ == "__main__":
    main()
