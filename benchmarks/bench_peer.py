"""qa's build against a LlamaIndex ingestion and an older qa, on 20 fixed pages of Python's documentation.

    .venv/bin/python benchmarks/bench_build.py --peer [--rounds 3] [--baseline c2dea78] [--write-docs]

Three builds per round, in a rotating order so that a busy machine slows each alike; each build is a fresh
process timed from the outside, with its peak RSS from ``/usr/bin/time -v``:

- ``qa``: this tree, ``build_index(full=True)`` on the HTML pages;
- ``baseline``: the tree of commit ``--baseline`` (``git archive``), the same call, the same venv;
- ``peer``: ``benchmarks/_peer_llamaindex.py`` in a throwaway venv under ``~/.cache/qa-bench/peer-venv``
  (made on first use: torch==2.13.0, then the LlamaIndex packages; never the project's dependencies), on
  the pages' text (extracted by the standard library's HTML parser, so the peer embeds no markup).

After its full build each round also times qa's incremental builds: nothing changed, and one page changed.
Medians over the rounds and ratios from the same run; ``--write-docs`` puts them in docs/performance.md.
"""
from __future__ import annotations

import html.parser
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DOCS = Path("/usr/share/doc/python3-doc/html")
PAGES = tuple(f"tutorial/{n}" for n in (
    "appetite", "interpreter", "introduction", "controlflow", "datastructures", "modules", "inputoutput",
    "errors", "classes", "stdlib", "stdlib2", "venv", "whatnow", "floatingpoint", "interactive",
)) + tuple(f"library/{n}" for n in ("json", "os.path", "itertools", "logging", "re"))
PEER_PACKAGES = ("llama-index-core==0.14.25", "llama-index-embeddings-huggingface==0.8.0")
PEER_VENV = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "qa-bench" / "peer-venv"
MARK = ("<!-- bench_peer: start -->", "<!-- bench_peer: end -->")

QA_CODE = """
import json, sys, time
from pathlib import Path
t = time.perf_counter()
from qa import Config, build_index
try:  # an older tree first: there, an installed newer qa could answer for qa.indexing
    import qa.onnx as onnx_module
except ImportError:  # a tree with the stage packages
    import qa.indexing.onnx as onnx_module
import threading
encoder, active, lock = [0.0, 0.0], [0], threading.Lock()
def timed(call):  # the bare encoder: wall time while at least one model run is going, in this same build
    def run(*args, **kwargs):
        with lock:
            active[0] += 1
            if active[0] == 1:
                encoder[1] = time.perf_counter()
        try:
            return call(*args, **kwargs)
        finally:
            with lock:
                active[0] -= 1
                if active[0] == 0:
                    encoder[0] += time.perf_counter() - encoder[1]
    return run
class Timed:  # an onnxruntime session whose runs are timed
    def __init__(self, session):
        self.session = session
        self.run = timed(session.run)
    def __getattr__(self, name):
        return getattr(self.session, name)
opened = onnx_module.session
onnx_module.session = lambda path, threads: Timed(opened(path, threads))
try:  # a tree that embeds documents in bfloat16 through OpenVINO
    import qa.indexing.openvino as openvino_module
    openvino_module.infer = timed(openvino_module.infer)
except ImportError:
    pass
config = Config(corpus_dir=Path(sys.argv[1]), index_dir=Path(sys.argv[2]))
if len(sys.argv) > 4:  # a Config change for an extra row, as JSON
    config = config.with_(**json.loads(sys.argv[4]))
r = build_index(config, full=sys.argv[3] == 'full')
print(json.dumps({'seconds': time.perf_counter() - t, 'build_seconds': r.seconds, 'chunks': r.chunks,
                  'texts': getattr(r, 'embedded', -1), 'encoder_seconds': encoder[0]}))
"""
# An older qa does not report what it embedded: every chunk and every sentence (counted after, untimed).
COUNT_CODE = """
import sys
from pathlib import Path
from qa import Config, load_index
index = load_index(Path(sys.argv[1]), Config(index_dir=Path(sys.argv[1])))
print(len(index.chunks) + len(index.sentences))
"""


class _Text(html.parser.HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: object) -> None:
        self._skip += tag in ("script", "style")

    def handle_endtag(self, tag: str) -> None:
        self._skip -= tag in ("script", "style") and self._skip > 0

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.parts.append(data)


def corpora(base: Path) -> tuple[Path, Path]:
    """The pages as HTML (for qa) and as text (for the peer)."""
    pages, texts = base / "pages", base / "texts"
    pages.mkdir()
    texts.mkdir()
    for page in PAGES:
        name = page.replace("/", "_")
        shutil.copy(DOCS / f"{page}.html", pages / f"{name}.html")
        parser = _Text()
        parser.feed((DOCS / f"{page}.html").read_text(encoding="utf-8"))
        text = re.sub(r"\n\s*\n+", "\n\n", "".join(parser.parts))
        (texts / f"{name}.txt").write_text(text, encoding="utf-8")
    return pages, texts


def peer_python() -> Path:
    """The throwaway venv's Python, made on first use (minutes); it shares nothing with the project's venv."""
    python = PEER_VENV / "bin" / "python"
    stamp = PEER_VENV / ".installed"
    if not stamp.is_file() or stamp.read_text() != " ".join(PEER_PACKAGES):
        shutil.rmtree(PEER_VENV, ignore_errors=True)
        # The base interpreter, not the project's venv, and no system site-packages: nothing leaks either way.
        subprocess.run([getattr(sys, "_base_executable", sys.executable), "-m", "venv", str(PEER_VENV)], check=True)
        pip = [str(python), "-m", "pip", "install", "-q"]
        subprocess.run([*pip, "torch==2.13.0"], check=True)  # first, pinned: else pip pulls CUDA builds
        subprocess.run([*pip, *PEER_PACKAGES], check=True)
        stamp.write_text(" ".join(PEER_PACKAGES))
    return python


def baseline_tree(commit: str, base: Path) -> Path:
    target = base / f"qa-{commit}"
    target.mkdir()
    archive = subprocess.run(["git", "archive", commit], cwd=ROOT, capture_output=True, check=True).stdout
    subprocess.run(["tar", "-x", "-C", str(target)], input=archive, check=True)
    return target


def measured(cmd: list[str], cwd: Path) -> dict[str, float]:
    """Run ``cmd`` under /usr/bin/time -v: its JSON line, wall seconds from outside, peak RSS in MiB."""
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1", "TOKENIZERS_PARALLELISM": "false"}
    started = time.perf_counter()
    done = subprocess.run(["/usr/bin/time", "-v", *cmd], cwd=cwd, capture_output=True, text=True, env=env)
    wall = time.perf_counter() - started
    if done.returncode:
        raise RuntimeError(f"{cmd[:3]} failed:\n{done.stderr[-3000:]}")
    rss = re.search(r"Maximum resident set size \(kbytes\): (\d+)", done.stderr)
    result = json.loads(done.stdout.strip().splitlines()[-1])
    return {**result, "wall": wall, "rss_mib": int(rss.group(1)) / 1024 if rss else float("nan")}


def qa_build(tree: Path, corpus: Path, index: Path, mode: str, *change: str) -> dict[str, float]:
    python = str(ROOT / ".venv" / "bin" / "python")
    result = measured([python, "-c", QA_CODE, str(corpus), str(index), mode, *change], tree)
    if result["texts"] < 0:
        count = subprocess.run([python, "-c", COUNT_CODE, str(index)], cwd=tree, capture_output=True, text=True,
                               check=True)
        result["texts"] = int(count.stdout.split()[-1])
    return result


def run(*, rounds: int, baseline: str, write_docs: bool, also: dict | None = None) -> dict:
    from qa.config import bundled_model_path

    model = bundled_model_path()
    peer = peer_python()
    with tempfile.TemporaryDirectory() as tmp:
        base = Path(tmp)
        pages, texts = corpora(base)
        old = baseline_tree(baseline, base)
        systems = {
            "qa": lambda i: qa_build(ROOT, pages, base / f"qa{i}", "full"),
            "baseline": lambda i: qa_build(old, pages, base / f"base{i}", "full"),
            "peer": lambda i: measured([str(peer), str(ROOT / "benchmarks" / "_peer_llamaindex.py"), str(texts),
                                        model], base),
        }
        if also:  # qa again with a Config change (another encoder, thread count, ...)
            systems["qa_also"] = lambda i: qa_build(ROOT, pages, base / f"qaa{i}", "full", json.dumps(also))
        runs: dict[str, list[dict[str, float]]] = {k: [] for k in (*systems, "nothing_changed", "one_page_changed")}
        names = list(systems)
        for i in range(rounds):
            for name in names[i % len(names):] + names[:i % len(names)]:
                runs[name].append(systems[name](i))
                print(f"round {i + 1} {name}: {json.dumps(runs[name][-1])}", flush=True)
            incremental(runs, pages, base / f"qa{i}", i)
            if write_docs:  # after every round, so a run cut short still leaves its medians so far
                write(summary(runs), i + 1, baseline, also)
    figures = summary(runs)
    print(json.dumps(figures, indent=2))
    return figures


def incremental(runs: dict[str, list[dict[str, float]]], pages: Path, index: Path, i: int, *, tree: Path = ROOT,
                prefix: str = "", nested: bool = False) -> None:
    """Two builds after the full build of ``index``: nothing changed, then one page changed (page ``i`` of
    PAGES; ``nested``: the pages keep their folders, as a documentation set's corpus does).

    The page gets its text and modification time back afterwards, so that it is unchanged for the next build.
    """
    runs[prefix + "nothing_changed"].append(qa_build(tree, pages, index, "update"))
    name = PAGES[i % len(PAGES)]
    page = pages / f"{name if nested else name.replace('/', '_')}.html"
    original, stat = page.read_text(encoding="utf-8"), page.stat()
    body = original.index('role="main"')  # a change in the page's text, not in its navigation
    end = original.index("</p>", body)
    page.write_text(original[:end] + " This sentence was added." + original[end:], encoding="utf-8")
    runs[prefix + "one_page_changed"].append(qa_build(tree, pages, index, "update"))
    page.write_text(original, encoding="utf-8")
    os.utime(page, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    print(f"round {i + 1} {prefix}incremental: {json.dumps(runs[prefix + 'nothing_changed'][-1])} "
          f"{json.dumps(runs[prefix + 'one_page_changed'][-1])}", flush=True)


def run_incremental(*, rounds: int, against: str | None = None, python_set: str | None = None) -> dict:
    """qa alone: per round a full build, then nothing changed and one page changed; ratios to the full build.

    ``against``: the same two builds by the tree of that commit, on a copy of the same full build, in
    alternating order (its nothing-changed build reads every file: the index was written under another
    read key, so only its one-page figure compares). ``python_set`` ("default" or "all"): the python3-doc
    set of benchmarks/bench_realdocs.py (69 or 106 pages) instead of the 20 pages; the same pages change.
    """
    keys = ("nothing_changed", "one_page_changed")
    runs: dict[str, list[dict[str, float]]] = {"qa": [], **{p + k: [] for k in keys for p in ("", "against_")}}
    with tempfile.TemporaryDirectory() as tmp:
        base = Path(tmp)
        if python_set:
            from realdocs.sets import docsets

            pages = base / "pages"
            docsets(python_set)["python"].assemble(pages, base / "download")
            print(f"{sum(1 for _ in pages.rglob('*.html'))} pages of the python set ({python_set})", flush=True)
        else:
            pages, _ = corpora(base)
        old = baseline_tree(against, base) if against else None
        for i in range(rounds):
            runs["qa"].append(qa_build(ROOT, pages, base / f"qa{i}", "full"))
            print(f"round {i + 1} qa: {json.dumps(runs['qa'][-1])}", flush=True)
            sides = [(ROOT, base / f"qa{i}", "")]
            if old is not None:
                shutil.copytree(base / f"qa{i}", base / f"old{i}", symlinks=True)
                sides.append((old, base / f"old{i}", "against_"))
            for tree, index, prefix in sides if i % 2 == 0 else sides[::-1]:
                incremental(runs, pages, index, i, tree=tree, prefix=prefix, nested=bool(python_set))
    med = statistics.median
    figures: dict = {"full_build_seconds": med(r["build_seconds"] for r in runs["qa"])}
    for k in (k for k in runs if k != "qa" and runs[k]):
        ratios = [r["build_seconds"] / f["build_seconds"] for r, f in zip(runs[k], runs["qa"])]
        figures[k] = {"build_seconds": med(r["build_seconds"] for r in runs[k]), "vs_full": med(ratios),
                      "vs_full_per_round": ratios}
    print(json.dumps(figures, indent=2))
    return figures


def summary(runs: dict[str, list[dict[str, float]]]) -> dict:
    med = statistics.median
    out: dict = {k: {m: med(r[m] for r in v) for m in v[0]} for k, v in runs.items() if v}
    qa, peer, old = out["qa"], out["peer"], out["baseline"]
    out["ratios"] = {
        "qa_vs_peer_wall": qa["wall"] / peer["wall"], "qa_vs_baseline_wall": qa["wall"] / old["wall"],
        "qa_vs_peer_rss": qa["rss_mib"] / peer["rss_mib"],
        "nothing_changed_vs_full": out["nothing_changed"]["build_seconds"] / qa["build_seconds"],
        "one_page_vs_full": out["one_page_changed"]["build_seconds"] / qa["build_seconds"],
    }
    if "qa_also" in out:
        out["ratios"]["qa_also_vs_peer_wall"] = out["qa_also"]["wall"] / peer["wall"]
        out["ratios"]["qa_also_vs_baseline_wall"] = out["qa_also"]["wall"] / old["wall"]
        out["ratios"]["qa_also_vs_peer_rss"] = out["qa_also"]["rss_mib"] / peer["rss_mib"]
    out["texts_per_chunk"] = {"qa": qa["texts"] / qa["chunks"], "baseline": old["texts"] / old["chunks"]}
    out["encoder_share"] = {k: out[k]["encoder_seconds"] / out[k]["seconds"] for k in ("qa", "baseline", "qa_also")
                            if k in out and out[k].get("encoder_seconds")}
    return out


def write(f: dict, rounds: int, baseline: str, also: dict | None = None) -> None:
    r = f["ratios"]
    row = "| {} | {:.1f} s | {:.0f} | {:.0f} MiB |"
    label = ", ".join(f"{k}={v}" for k, v in (also or {}).items())
    extra = more = []
    if "qa_also" in f:
        extra = [row.format(f"qa, {label}", f["qa_also"]["wall"], f["qa_also"]["texts"], f["qa_also"]["rss_mib"])]
        more = [f"- qa with {label}: **{r['qa_also_vs_peer_wall']:.2f}×** the peer "
                f"({r['qa_also_vs_peer_rss']:.2f}× its peak RSS), "
                f"**{r['qa_also_vs_baseline_wall']:.2f}×** qa at {baseline}."]
    shares = ", ".join(f"{k.replace('qa_also', f'qa ({label})')} {v:.0%}"
                       for k, v in f.get("encoder_share", {}).items())
    lines = [
        MARK[0],
        f"20 pages of python3-doc (benchmarks/bench_peer.py `PAGES`), medians of {rounds} interleaved rounds, "
        "each build a fresh process (start-up and model load included), peak RSS from `/usr/bin/time -v`:",
        "",
        "| build | wall | texts embedded | peak RSS |",
        "|---|---|---|---|",
        row.format("qa (this tree)", f["qa"]["wall"], f["qa"]["texts"], f["qa"]["rss_mib"]),
        row.format(f"qa at {baseline}", f["baseline"]["wall"], f["baseline"]["texts"], f["baseline"]["rss_mib"]),
        row.format("LlamaIndex ingestion", f["peer"]["wall"], f["peer"]["texts"], f["peer"]["rss_mib"]),
        *extra,
        "",
        f"- qa / LlamaIndex: **{r['qa_vs_peer_wall']:.2f}×** wall time, {r['qa_vs_peer_rss']:.2f}× peak RSS.",
        f"- qa / qa at {baseline}: **{r['qa_vs_baseline_wall']:.2f}×** wall time.",
        *more,
        f"- Share of each build's wall time (in its process) spent inside the bare encoder "
        f"(onnxruntime's or OpenVINO's run, timed in the same build): {shares}.",
        f"- Texts embedded per chunk: {f['texts_per_chunk']['qa']:.2f} (at {baseline}: "
        f"{f['texts_per_chunk']['baseline']:.2f}); qa's chunks: {f['qa']['chunks']:.0f}.",
        f"- Incremental (build time inside the process, against the full build's {f['qa']['build_seconds']:.1f} s): "
        f"nothing changed {f['nothing_changed']['build_seconds']:.2f} s ({r['nothing_changed_vs_full']:.3f}×), "
        f"one page changed {f['one_page_changed']['build_seconds']:.2f} s ({r['one_page_vs_full']:.3f}×); "
        f"as whole processes {f['nothing_changed']['wall']:.1f} s and {f['one_page_changed']['wall']:.1f} s.",
        "",
        "Command: `.venv/bin/python benchmarks/bench_build.py --peer --rounds "
        f"{rounds} --baseline {baseline}{''.join(f' --also {k}={v}' for k, v in (also or {}).items())} --write-docs`.",
        MARK[1],
    ]
    doc = ROOT / "docs" / "performance.md"
    text = doc.read_text(encoding="utf-8")
    if MARK[0] in text:
        head, rest = text.split(MARK[0], 1)
        text = head + "\n".join(lines) + rest.split(MARK[1], 1)[1]
    else:
        text = text.rstrip("\n") + "\n\n## Build against a LlamaIndex ingestion\n\n" + "\n".join(lines) + "\n"
    doc.write_text(text, encoding="utf-8")
