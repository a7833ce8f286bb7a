"""Kill -9 a build at each of its stages, then check that an index still answers and the next build cleans up.

    nice -n 19 .venv/bin/python benchmarks/bench_faults.py [--repeat 1]

For each kill point, a ``--full`` rebuild runs in a child process that announces each stage on its
stdout and pauses there; the parent sends SIGKILL at the chosen one. Then, in a fresh process state:

- the index still loads and answers a question with a verified quote (the old build, or the new one
  when the kill came after the swap of ``CURRENT``);
- the leftovers on disk are listed;
- the next ordinary build removes every leftover: only ``CURRENT``, ``.lock`` and one build folder remain.

The stages are reported by the build's own progress callback (reading, embedding) and, inside the
index writer, by wrapping the file operations it performs (data files written, folder renamed,
pointer written, pointer swapped).
"""
from __future__ import annotations

import argparse
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

STAGES = ["reading", "embedding", "data-written", "folder-renamed", "pointer-written", "pointer-swapped"]
QUESTION = "When was item 7 made?"


def child(corpus: str, index: str, stage: str) -> None:
    """Run a full build that pauses (to be killed) at ``stage``."""
    import faiss

    import qa.indexing.index as index_module
    from qa import Config, build_index

    def pause(name: str) -> None:
        print(f"STAGE {name}", flush=True)
        if name == stage:
            time.sleep(600)

    def wrap(owner, attr, *, after=None, before=None, when=lambda *args: True):
        real = getattr(owner, attr)

        def wrapped(*args, **kwargs):
            if before and when(*args):
                pause(before)
            result = real(*args, **kwargs)
            if after and when(*args):
                pause(after)
            return result
        setattr(owner, attr, wrapped)

    wrap(faiss, "write_index", after="data-written")
    wrap(index_module.os, "rename", after="folder-renamed", when=lambda src, dst: Path(dst).name.startswith("build-"))
    wrap(index_module.os, "replace", before="pointer-written", after="pointer-swapped",
         when=lambda src, dst: Path(dst).name == "CURRENT")

    def progress(fraction: float, message: str) -> None:
        if message.startswith("Reading"):
            pause("reading")
        elif message.startswith("Embedding"):
            pause("embedding")

    build_index(Config(corpus_dir=Path(corpus), index_dir=Path(index)), full=True, on_progress=progress)
    print("STAGE finished", flush=True)


def _corpus(folder: Path, version: int) -> None:
    folder.mkdir(exist_ok=True)
    for i in range(30):
        (folder / f"doc{i:02d}.txt").write_text(
            f"Document {i} talks about item {i} (version {version}). " * 12 + f"Item {i} was made in {1900 + i}.")


def _state(index: Path) -> dict:
    """Ask in a fresh process: which build is live, does it answer, what else is on disk."""
    code = (
        "import json,sys\nfrom pathlib import Path\nfrom qa import ask, load_index, verify\n"
        f"idx = load_index(Path({str(index)!r}))\n"
        f"a = ask({QUESTION!r}, index=idx)\n"
        "[verify(q, idx) for q in a.quotes]\n"
        "print(json.dumps({'live': idx.folder.name, 'answered': bool(a.quotes), "
        "'top': a.quotes[0].text[:60] if a.quotes else None}))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=300)
    state = json.loads(out.stdout.strip().splitlines()[-1]) if out.returncode == 0 else {"error": out.stderr[-500:]}
    state["on_disk"] = sorted(p.name for p in index.iterdir())
    return state


def run_point(base: Path, stage: str) -> dict:
    from qa import Config, build_index

    corpus, index = base / "corpus", base / "index"
    _corpus(corpus, 1)
    build_index(Config(corpus_dir=corpus, index_dir=index))
    old_live = (index / "CURRENT").read_text().split()[0]
    _corpus(corpus, 2)
    proc = subprocess.Popen([sys.executable, __file__, "--child", str(corpus), str(index), stage], cwd=ROOT,
                            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    reached = False
    for line in proc.stdout:  # type: ignore[union-attr]
        if line.strip() == f"STAGE {stage}":
            reached = True
            break
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    after_kill = _state(index)
    started = time.perf_counter()
    build_index(Config(corpus_dir=corpus, index_dir=index))
    rebuild_s = time.perf_counter() - started
    after_build = _state(index)
    leftovers = [n for n in after_build["on_disk"] if n not in (".lock", "CURRENT", after_build.get("live"))]
    return {
        "stage": stage, "reached": reached,
        "answers_after_kill": after_kill.get("answered", False),
        "live_after_kill": "old" if after_kill.get("live") == old_live else "new",
        "leftovers_after_kill": [n for n in after_kill["on_disk"]
                                 if n not in (".lock", "CURRENT", after_kill.get("live"))],
        "answers_after_next_build": after_build.get("answered", False),
        "leftovers_after_next_build": leftovers,
        "next_build_s": round(rebuild_s, 1),
        **({"error": after_kill["error"]} if "error" in after_kill else {}),
    }


def main() -> int:
    if len(sys.argv) == 5 and sys.argv[1] == "--child":
        child(*sys.argv[2:])
        return 0
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--repeat", type=int, default=1)
    p.add_argument("--stages", nargs="*", default=STAGES, choices=STAGES)
    args = p.parse_args()
    rows = []
    for _ in range(args.repeat):
        for stage in args.stages:
            with tempfile.TemporaryDirectory(prefix="qa-bench-faults-") as tmp:
                rows.append(run_point(Path(tmp), stage))
                print(json.dumps(rows[-1]), file=sys.stderr, flush=True)
    print(json.dumps(rows, indent=2))
    ok = all(r["reached"] and r["answers_after_kill"] and r["answers_after_next_build"]
             and not r["leftovers_after_next_build"] for r in rows)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
