"""Reading a real reStructuredText documentation tree: time, unreadable files, and Sphinx markup left in the text.

    .venv/bin/python benchmarks/bench_rst.py DIR
    # e.g. a project's sources: pip download --no-binary :all: --no-deps flask==3.1.3, then unpack it

Every ``.rst`` file under DIR is read as a build reads it (qa.ingest.formats.extract). "Markup left" counts
what a reader should never see in the text outside code blocks: a role as written (``:func:`x```) or a
directive line (``.. name::``). Code blocks are left out, but not inline code: a page that teaches the markup
shows it as an example there (Sphinx's own documentation does).
"""
from __future__ import annotations

import argparse
import re
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from qa.ingest.formats import Unreadable, extract  # noqa: E402

MARKUP = re.compile(r":[\w:.-]+:`|^\.\. [\w:-]+::", re.MULTILINE)


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("dir", type=Path)
    args = p.parse_args()
    files = sorted(args.dir.rglob("*.rst"))
    unreadable, left, chars = [], Counter(), 0
    start = time.perf_counter()
    for path in files:
        try:
            found = extract("rst", path.read_bytes())
        except Unreadable as e:
            unreadable.append(f"{path.relative_to(args.dir)}: {e}")
            continue
        chars += len(found.text)
        prose = [found.text[s:e] for s, e, kind in found.blocks or () if kind != "code"]
        left.update(m.group(0) for text in prose for m in MARKUP.finditer(text))
    seconds = time.perf_counter() - start
    print(f"{len(files)} files, {chars:,} characters of text, read in {seconds:.1f} s")
    print(f"unreadable: {len(unreadable)}" + "".join(f"\n  {u}" for u in unreadable))
    print(f"markup left outside code: {sum(left.values())}"
          + "".join(f"\n  {k!r}: {n}" for k, n in left.most_common(10)))


if __name__ == "__main__":
    main()
