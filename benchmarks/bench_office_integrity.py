"""Word and OpenDocument reading on real pages: the pages of bench_html_integrity.py converted by pandoc (an
independent writer of both formats), read back by qa and measured against the page itself.

    .venv/bin/python benchmarks/bench_office_integrity.py [--formats odt,docx]

Needs pandoc (``apt-get install pandoc``) and the documentation packages bench_html_integrity.py reads. For
each page: its headings (h1-h6, as tests/integrity.py reads the page) found among qa's headings, ignoring the
permalink marks pandoc writes into a heading's text ("¶", an icon font's glyph, Material's "#"); its code lines
(``pre``) found as lines of qa's text; the words of pandoc's own plain text of the page missing from qa's text.
"""
from __future__ import annotations

import argparse
import re
import subprocess
import sys
import tempfile
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from bench_html_integrity import DOC, SETS  # noqa: E402

from qa.indexing.build import prepare_document  # noqa: E402
from qa.ingest.load import load_document  # noqa: E402
from tests.integrity import reference  # noqa: E402

WORD = re.compile(r"\w+")
MARKS = re.compile(r"[¶\ue000-\uf8ff]|#$")


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--formats", default="odt,docx")
    args = p.parse_args()
    for fmt in args.formats.split(","):
        pages = headings = kept = code = code_kept = words = missing = 0
        for rel in (page for pages_ in SETS.values() for page in pages_):
            page = DOC / rel
            if not page.exists():
                continue
            with tempfile.TemporaryDirectory() as folder:
                out = Path(folder) / f"page.{fmt}"
                run = subprocess.run(["pandoc", "-f", "html", "-t", fmt, "-o", str(out), str(page)],
                                     capture_output=True, timeout=300)
                if run.returncode:
                    continue
                doc = prepare_document(load_document(out, Path(folder), max_bytes=10**8))
            ref = reference(page.read_bytes())
            heads = {" ".join(MARKS.sub(" ", doc.text[s:e].strip()).split())
                     for s, e, kind in doc.blocks or () if kind == "heading"}
            lines = {line.rstrip() for line in doc.text.splitlines()}
            plain = subprocess.run(["pandoc", "-f", "html", "-t", "plain", "--wrap=none", str(page)],
                                   capture_output=True, text=True, timeout=300).stdout
            want, have = Counter(WORD.findall(plain)), Counter(WORD.findall(doc.text))
            pages += 1
            headings += len(ref.headings)
            kept += sum(h in heads for h in ref.headings)
            code += len(ref.code_lines)
            code_kept += sum(line in lines for line in ref.code_lines)
            words += sum(want.values())
            missing += sum((want - have).values())
        print(f"{fmt}: {pages} pages; headings kept {kept} of {headings} ({kept / max(headings, 1):.1%}); "
              f"code lines kept {code_kept} of {code} ({code_kept / max(code, 1):.1%}); "
              f"words missing {missing} of {words} ({missing / max(words, 1):.2%})")


if __name__ == "__main__":
    main()
