"""Integrity over whole installed manuals, without building an index: every page read and cleaned as the build
does it, then measured against the same independent reading as the real sets (``realdocs.integrity``).

    .venv/bin/python benchmarks/realdocs/scan.py FORMAT PAGE... [--top N]

FORMAT names the reference reading (``sphinx``, ``docbook``, ``asciidoc``, ``markdown``, ``rst``; any other: the
page's body). Pages are files, or ``@LIST`` (a file naming one page per line). For example, PostgreSQL's whole
manual and every Markdown file of a machine:

    .venv/bin/python benchmarks/realdocs/scan.py docbook /usr/share/doc/postgresql-doc-15/html/*.html
    find / -name '*.md' -size +2k 2>/dev/null > /tmp/md; .venv/bin/python benchmarks/realdocs/scan.py markdown @/tmp/md

Prints the words of the cleaned text that the page does not show (the most frequent, by page) and the
headings of the reference that the cleaned text lacks (a heading the reference reads from a site's chrome, a
menu or a help panel, is rightly lacking). A page that cannot be read is named with the reason.
"""
from __future__ import annotations

import argparse
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path[:0] = [str(ROOT), str(ROOT / "benchmarks")]

from qa.errors import QAError  # noqa: E402
from qa.indexing.build import prepare_document  # noqa: E402
from qa.ingest.load import load_document  # noqa: E402
from realdocs.integrity import PERMALINK, collapse, made_up_words, reference  # noqa: E402


def pages(args: list[str]) -> list[Path]:
    out: list[Path] = []
    for arg in args:
        names = Path(arg[1:]).read_text(encoding="utf-8").split() if arg.startswith("@") else [arg]
        out += [Path(n) for n in names if Path(n).is_file()]
    return out


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("format")
    parser.add_argument("pages", nargs="+")
    parser.add_argument("--top", type=int, default=20)
    args = parser.parse_args(argv)
    words = made_up = headings = lost = unread = 0
    examples: Counter[tuple[str, str]] = Counter()
    lost_examples: list[str] = []
    chosen = pages(args.pages)
    for path in chosen:
        try:
            doc = prepare_document(load_document(path, path.parent, max_bytes=50_000_000))
            ref = reference(path, args.format)
        except (QAError, OSError, ValueError) as e:
            unread += 1
            print(f"unread: {path}: {e}")
            continue
        shown = [w for w in doc.text.split() if w != "|"]
        extra = made_up_words(shown, PERMALINK.sub("", ref.text) + "\n" + ref.source)
        words += len(shown)
        made_up += len(extra)
        examples.update((path.name, w) for w in extra)
        flat = collapse(doc.text)
        missing = [h for h in ref.headings if h not in flat]
        headings += len(ref.headings)
        lost += len(missing)
        lost_examples += [f"{path.name}: {h[:80]}" for h in missing[:2]]
    print(f"{args.format}: {len(chosen)} pages ({unread} unread), {words} words of cleaned text, {made_up} not shown "
          f"by the page; {headings} headings, {lost} not found")
    for (name, word), n in examples.most_common(args.top):
        print(f"  {n:4d} {name}: {word[:90]}")
    for line in lost_examples[: args.top]:
        print(f"  heading not found: {line}")


if __name__ == "__main__":
    main()
