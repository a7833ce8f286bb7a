"""The manual page reader on the pages a machine has installed: what it refuses and why, its speed, and what it
keeps against groff (the formatter ``man`` runs).

    .venv/bin/python benchmarks/bench_man_pages.py [--pages 4000] [--groff 300] [--seed 1]

Pages: a seeded sample of /usr/share/man/man1-8 (compressed as installed). Every sampled page is read with
``qa.ingest.formats.extract`` (the reader the build runs, here in this process); the first ``--groff`` readable
ones are also rendered by groff on a wide terminal (``groff -t -man -Tutf8``), and measured: headings (its lines
at the left margin and a subsection's 3 columns in) found among the reader's headings, and words of groff's
text missing from the reader's (multiset difference; header and footer lines left out).
"""
from __future__ import annotations

import argparse
import collections
import glob
import gzip
import random
import re
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from qa.ingest.formats import Unreadable, extract  # noqa: E402

WORD = re.compile(r"\w+")


def groff(data: bytes) -> list[str]:
    out = subprocess.run(["groff", "-t", "-mandoc", "-Tutf8", "-P-cbou", "-rLL=200n", "-rHY=0"], input=data,
                         capture_output=True, timeout=120).stdout.decode("utf-8", "replace")
    return out.strip("\n").splitlines()[1:-1]


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--pages", type=int, default=4000)
    p.add_argument("--groff", type=int, default=300, help="how many readable pages to measure against groff")
    p.add_argument("--seed", type=int, default=1)
    args = p.parse_args()
    files = sorted(glob.glob("/usr/share/man/man[1-8]/*"))
    if not files:
        raise SystemExit("no manual pages under /usr/share/man (install some, e.g. apt-get install --reinstall "
                         "-o Dpkg::Options::=--path-include=/usr/share/man/* git-man coreutils)")
    random.Random(args.seed).shuffle(files)
    files = files[:args.pages]
    refused: collections.Counter[str] = collections.Counter()
    failed: list[str] = []
    read_s = 0.0
    chars = 0
    measured = words = missing = headings = headings_lost = 0
    for name in files:
        data = Path(name).read_bytes()
        data = gzip.decompress(data) if name.endswith(".gz") else data
        start = time.perf_counter()
        try:
            found = extract("man", data)
        except Unreadable as e:
            refused[re.sub(r"\(\.so .*\)", "(.so ...)", str(e))] += 1
            continue
        except Exception as e:  # any other exception is a reader bug, to report
            failed.append(f"{name}: {type(e).__name__}: {e}")
            continue
        finally:
            read_s += time.perf_counter() - start
        chars += len(found.text)
        if measured < args.groff:
            measured += 1
            shown = groff(data)
            ours = {found.text[s:e] for s, e, kind in found.blocks if kind == "heading"}
            margin = [" ".join(ln.split()) for ln in shown if ln.strip() and len(ln) - len(ln.lstrip()) in (0, 3)]
            headings += len(margin)
            headings_lost += sum(h not in ours for h in margin)
            want = collections.Counter(w.lower() for w in WORD.findall("\n".join(shown)))
            have = collections.Counter(w.lower() for w in WORD.findall(found.text))
            words += sum(want.values())
            missing += sum((want - have).values())
    print(f"{len(files)} pages read in {read_s:.1f} s ({chars / 1e6 / max(read_s, 1e-9):.1f} MB of text a second)")
    print(f"refused: {sum(refused.values())}")
    for reason, n in refused.most_common():
        print(f"  {n:5d}  {reason}")
    print(f"reader failures (bugs): {len(failed)}")
    for line in failed[:20]:
        print(f"  {line}")
    print(f"against groff, {measured} pages: headings kept {headings - headings_lost} of {headings}; "
          f"words missing {missing} of {words} ({missing / max(words, 1):.2%})")


if __name__ == "__main__":
    main()
