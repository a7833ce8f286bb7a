"""Integrity of web-page reading on real documentation pages: our block reader against trafilatura.

    nice -n 19 .venv/bin/python benchmarks/bench_html_integrity.py [--reader qa,trafilatura,trafilatura-recall,qa-pdf]

Pages: Debian's python3-doc (Sphinx: tutorial, FAQ, HOWTOs, library reference), postgresql-doc-15
(DocBook), git-doc (AsciiDoc) and MkDocs sites (mkdocs-doc in MkDocs's theme, mkdocs-literate-nav-doc in
Material for MkDocs), as installed under /usr/share/doc; a set whose files are absent is
left out with a note. Each reader's text is cleaned as the build cleans it and measured against the
page's main element as lxml sees it (tests/integrity.py): headings kept, API signatures whole, code
lines kept as lines, body words kept, extra words (duplication or chrome) and repeated blocks.

Readers: ``qa`` is the build's own pipeline (``load_document`` + ``prepare_document``): run it with
``PYTHONPATH`` at another checkout to measure that version. ``trafilatura`` is trafilatura's main text
as qa read it before (precision mode, tables, no fallback), ``trafilatura-recall`` its recall mode;
both are cleaned with the structured cleaner (no capture rules), so the figures compare extractors.
``qa-pdf`` is the page as Chromium saves it as PDF (headless ``--print-to-pdf``, no header and footer
lines; ``QA_CHROMIUM`` names the browser, default /usr/bin/chromium), read by qa's PDF reader: how much of a
page survives a "Save as PDF".
"""
from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from dataclasses import astuple, fields
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.integrity import Figures, measure, page_text, reference  # noqa: E402

DOC = Path("/usr/share/doc")
SETS = {
    "python3-doc": [f"python3-doc/html/{p}.html" for p in (
        "faq/programming", "faq/general", "faq/library", "faq/design", "tutorial/controlflow",
        "tutorial/datastructures", "tutorial/errors", "tutorial/classes", "tutorial/venv", "howto/logging",
        "howto/argparse", "howto/sorting", "howto/regex", "library/csv", "library/os", "library/shutil",
        "library/json", "library/stdtypes", "library/logging", "library/argparse", "library/asyncio-task",
        "library/datetime", "library/pathlib", "library/re")],
    "postgresql-doc": [f"postgresql-doc-15/html/{p}.html" for p in (
        "sql-select", "sql-createtable", "sql-insert", "tutorial-join", "tutorial-agg", "datatype-numeric",
        "functions-string", "indexes-types", "ddl-constraints", "backup-dump", "app-psql",
        "plpgsql-control-structures")],
    "git-doc": [f"git-doc/{p}.html" for p in (
        "git-commit", "git-rebase", "git-log", "git-merge", "git-stash", "gittutorial", "git-config",
        "git-bisect", "gitignore", "everyday", "git-worktree", "git-cherry-pick")],
    "mkdocs-doc": [f"mkdocs/html/{p}.html" for p in (
        "index", "getting-started", "user-guide/configuration", "user-guide/writing-your-docs",
        "user-guide/cli", "user-guide/deploying-your-docs", "user-guide/choosing-your-theme",
        "user-guide/customizing-your-theme", "user-guide/installation", "dev-guide/plugins", "dev-guide/themes",
        "dev-guide/translations", "about/release-notes")] + [
        f"mkdocs-literate-nav-doc/html/{p}.html" for p in ("index", "reference")],
}


def read_qa(path: Path) -> tuple[str, list[str]]:
    from qa.indexing.build import prepare_document
    from qa.ingest.load import load_document

    doc = prepare_document(load_document(path, path.parent, max_bytes=50_000_000))
    return doc.text, [s.title for s in doc.sections]


def read_trafilatura(path: Path, *, recall: bool = False) -> tuple[str, list[str]]:
    import trafilatura

    from qa.ingest.clean import clean_text
    from qa.ingest.formats import from_blocks

    found = trafilatura.bare_extraction(path.read_text(encoding="utf-8"), include_tables=True, fast=True,
                                        favor_precision=not recall, favor_recall=recall)
    blocks = []
    for el in found.body if found and found.body is not None else ():
        if el.tag == "list":
            blocks += [("".join(item.itertext()), "list item") for item in el.iter("item")]
        elif el.tag == "table":
            blocks += [(" | ".join("".join(c.itertext()) for c in row.iter("cell")), "table row")
                       for row in el.iter("row")]
        else:
            kind = "heading" if el.tag == "head" else "code" if el.tag == "code" else "text"
            text = "".join(el.itertext())
            blocks.append((text.replace("¶", " ") if kind == "heading" else text, kind))
    extracted = from_blocks(blocks)
    cleaned = clean_text(extracted.text, fmt="html", blocks=extracted.blocks)
    return cleaned.text, [s.title for s in cleaned.sections]


def read_saved_pdf(path: Path) -> tuple[str, list[str]]:
    chromium = os.environ.get("QA_CHROMIUM", "/usr/bin/chromium")
    with tempfile.TemporaryDirectory() as tmp:
        pdf = Path(tmp) / (path.stem + ".pdf")
        subprocess.run([chromium, "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                        "--disable-component-update", "--no-first-run", "--no-pdf-header-footer",
                        f"--print-to-pdf={pdf}", path.as_uri()], check=True, capture_output=True, timeout=120)
        return read_qa(pdf)


READERS = {"qa": read_qa, "trafilatura": read_trafilatura,
           "trafilatura-recall": lambda path: read_trafilatura(path, recall=True), "qa-pdf": read_saved_pdf}


def run(reader: str, pages: list[Path]) -> tuple[Figures, float, list[str]]:
    totals = [0] * len(fields(Figures))
    worst: list[tuple[float, str]] = []
    started = time.perf_counter()
    for path in pages:
        data = path.read_bytes()
        text, sections = READERS[reader](path)
        figures = measure(text, sections, reference(data), page_text(data))
        totals = [a + b for a, b in zip(totals, astuple(figures))]
        worst.append((figures.words_kept / max(figures.words, 1), path.name))
    seconds = time.perf_counter() - started
    return Figures(*totals), seconds, [f"{name} {share:.1%}" for share, name in sorted(worst)[:3]]


def row(name: str, reader: str, f: Figures, seconds: float, worst: list[str]) -> str:
    pct = lambda a, b: f"{a / b:.1%}" if b else "-"  # noqa: E731
    return (f"| {name} | {reader} | {pct(f.headings_kept, f.headings)} ({f.headings - f.headings_kept} lost) "
            f"| {f.signatures - f.signatures_whole} of {f.signatures} | {pct(f.code_lines_kept, f.code_lines)} "
            f"| {pct(f.words_kept, f.words)} | {pct(f.extra_words, f.words)} | {f.repeated_blocks} "
            f"| {seconds:.1f} | {', '.join(worst)} |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reader", default="qa,trafilatura,trafilatura-recall")
    args = parser.parse_args()
    print("| set | reader | headings kept | signatures cut | code lines kept | body words kept | extra words "
          "| repeated blocks | seconds | lowest word share |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    for name, relative in SETS.items():
        pages = [DOC / p for p in relative if (DOC / p).is_file()]
        if not pages:
            print(f"| {name} | (not installed: apt-get install {name}) |")
            continue
        for reader in args.reader.split(","):
            print(row(name, reader, *run(reader, pages)), flush=True)


if __name__ == "__main__":
    main()
