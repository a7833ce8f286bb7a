"""Real documentation benchmarks: answers and text integrity on documentation nobody here wrote.

    .venv/bin/python benchmarks/bench_realdocs.py [--sets python,postgres,git,npm,flask,pdf] [--pages default|all]
        [--work DIR] [--reuse] [--json PATH] [--markdown docs/realdocs.md] [--label TEXT]

Needs: ``apt-get install python3-doc postgresql-doc-15 git-doc libtasn1-doc shared-mime-info``, Node.js's ``npm``
with the npm registry reachable (``npm pack npm@11.19.1``) and the Python package registry (``pip download
flask==3.1.3``). For each set the script copies a fixed list of pages into ``DIR/<set>/corpus`` (a temporary folder
unless ``--work`` is given; nothing is written into the project), builds a full index with ``qa.build_index``, asks
the hand-written questions of ``benchmarks/realdocs/<set>.jsonl`` with ``qa.ask`` and measures the cleaned text
against an independent reading of each page (benchmarks/realdocs/integrity.py). Builds run one at a time.
``--reuse`` keeps an index already built in ``DIR`` for the same pages by the same ``qa`` source (its build figures
are read back from ``DIR/<set>/build.json``).

A quote hits when, after collapsing whitespace, it contains the question's expected substring;
hit@1 looks at the first quote, hit@3 at the first three. They are also reported as a reader judged the
quotes (benchmarks/realdocs/judged.py). Every quote and related passage is checked with ``qa.verify`` and
against ``doc.text[start:end]``.
"""
from __future__ import annotations

import argparse
import hashlib
import json
import os
import re
import shlex
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "benchmarks")]

from realdocs.integrity import Integrity, collapse, reference  # noqa: E402
from realdocs.judged import judged_figures, load, quote_key  # noqa: E402
from realdocs.sets import DocSet, docsets, printed  # noqa: E402

from qa import Config, Index, QAError, ask, build_index, load_index, verify  # noqa: E402

QUESTIONS = ROOT / "benchmarks" / "realdocs"
EMBEDDING = re.compile(r"Embedding (\d+) passages")
#: Characters of each quote kept in the results (the pages are not ours to publish; a quote is named by its
#: key and offsets, and read whole from the index where it is judged).
EXCERPT = 300


def load_questions(name: str) -> list[dict[str, Any]]:
    rows = [json.loads(line) for line in (QUESTIONS / f"{name}.jsonl").read_text(encoding="utf-8").splitlines()
            if line.strip()]
    for row in rows:
        if not row.get("unanswerable") and not row.get("expect"):
            raise SystemExit(f"{name}.jsonl: {row['question']!r} has neither 'expect' nor 'unanswerable'")
    return rows


def build(docset: DocSet, work: Path, reuse: bool, any_code: bool = False) -> tuple[dict[str, Any], Path]:
    """Assemble the corpus and build its index; the build's figures.

    ``any_code``: reuse an index built from the same pages by any ``qa`` source (for changes that only
    touch answering; the index must still load).
    """
    folder = work / docset.name
    corpus, index, record = folder / "corpus", folder / "index", folder / "build.json"
    stamp = {"pages": list(docset.pages), "qa_sha256": code_fingerprint()}
    if reuse and record.is_file():
        recorded = json.loads(record.read_text())
        keys = ["pages"] if any_code else list(stamp)
        if {k: recorded.get(k) for k in keys} == {k: stamp[k] for k in keys}:
            return recorded["build"], index
    shutil.rmtree(corpus, ignore_errors=True)
    shutil.rmtree(index, ignore_errors=True)
    docset.assemble(corpus, work / "downloads")
    embedded: list[int] = []

    def progress(fraction: float, message: str) -> None:
        if m := EMBEDDING.match(message):
            embedded[:1] = [int(m.group(1))]

    cpu = time.process_time()  # all threads of this process: steadier than wall time on a shared machine
    report = build_index(Config().with_(corpus_dir=corpus, index_dir=index), full=True, on_progress=progress)
    cpu = time.process_time() - cpu
    size = sum((corpus / docset.document(p)).stat().st_size for p in docset.pages)
    figures = {"pages": len(docset.pages), "documents": report.documents, "skipped": len(report.skipped),
               "skipped_files": [f"{s.source}: {s.reason}" for s in report.skipped],
               "source_mib": round(size / 2**20, 2), "build_s": round(report.seconds, 1),
               "build_cpu_s": round(cpu, 1), "load_avg_1min": round(os.getloadavg()[0], 1),
               "chunks": report.chunks,
               "texts_embedded": getattr(report, "embedded", 0) or (embedded[0] if embedded else None)}
    record.write_text(json.dumps({**stamp, "build": figures}, indent=1))
    return figures, index


def code_fingerprint() -> str:
    """sha256 of the qa package's source: an index is reused only if built by the same code."""
    digest = hashlib.sha256()
    for path in sorted((ROOT / "qa").rglob("*.py")):
        digest.update(path.relative_to(ROOT).as_posix().encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def score(idx: Index, questions: list[dict[str, Any]]) -> dict[str, Any]:
    rows, broken = [], []
    for q in questions:
        started = time.perf_counter()
        answer = ask(q["question"], k=3, index=idx)
        seconds = time.perf_counter() - started
        broken += check_quotes(idx, [*answer.quotes, *answer.related])
        texts = [collapse(x.text) for x in answer.quotes]
        expect = collapse(q.get("expect", ""))
        rank = next((i + 1 for i, t in enumerate(texts) if expect and expect in t), None)
        rows.append({"question": q["question"], "answerable": not q.get("unanswerable"), "expect": q.get("expect"),
                     "abstained": answer.abstained, "confidence": answer.confidence, "rank": rank,
                     "seconds": round(seconds, 3),
                     "quotes": [{"source": x.source, "section": x.section, "start": x.start, "end": x.end,
                                 "text": x.text[:EXCERPT], "key": quote_key(x.text),
                                 "holds": bool(expect) and expect in collapse(x.text)} for x in answer.quotes]})
    return {"summary": summarise(rows, broken), "questions": rows, "broken_quotes": broken[:20]}


def check_quotes(idx: Index, quotes: list[Any]) -> list[str]:
    problems = []
    for x in quotes:
        if idx.document(x.source).text[x.start:x.end] != x.text:
            problems.append(f"{x.source}[{x.start}:{x.end}] differs from the quote")
        try:
            verify(x, idx)
        except QAError as e:
            problems.append(f"{x.source}: {e}")
    return problems


def summarise(rows: list[dict[str, Any]], broken: list[str]) -> dict[str, Any]:
    yes = [r for r in rows if r["answerable"]]
    no = [r for r in rows if not r["answerable"]]

    def mean(values: list[float]) -> float | None:
        return round(statistics.fmean(values), 3) if values else None

    return {
        "answerable": len(yes), "unanswerable": len(no),
        "hit@1": sum(r["rank"] == 1 for r in yes), "hit@3": sum(r["rank"] is not None for r in yes),
        "abstained_answerable": sum(r["abstained"] for r in yes),
        "abstained_unanswerable": sum(r["abstained"] for r in no),
        "confidence_answerable": mean([r["confidence"] for r in yes]),
        "confidence_hits": mean([r["confidence"] for r in yes if r["rank"] == 1]),
        "confidence_unanswerable": mean([r["confidence"] for r in no]),
        "median_ask_s": round(statistics.median(r["seconds"] for r in rows), 3),
        "quotes_failing_verify": len(broken),
    }


def integrity(docset: DocSet, idx: Index, corpus: Path, questions: list[dict[str, Any]]) -> dict[str, Any]:
    """Integrity figures, and the expected substrings that no page's reference text holds (should be none).
    A printed set is measured against the pages themselves, its headings as a PDF's are (as section titles)."""
    counts, flat = Integrity(), []
    root = docset.root(corpus.parent.parent / "downloads") if docset.printed else corpus
    for page in docset.pages:
        fmt = "pdf" if page.endswith(".pdf") else docset.format
        ref = reference(root / page, fmt)
        flat.append(collapse(ref.text))
        if (source := docset.document(page)) in idx.documents:
            doc = idx.documents[source]
            pdf = fmt in ("pdf", "man", "info") or docset.printed  # headings as section titles
            counts.add(ref, doc.text, page, [s.title for s in doc.sections] if pdf else None)
    absent = [q["expect"] for q in questions if q.get("expect") and not any(collapse(q["expect"]) in t for t in flat)]
    return {**counts.figures(), "examples": counts.examples, "expects_not_in_pages": absent}


def run_set(docset: DocSet, work: Path, reuse: bool, any_code: bool = False) -> dict[str, Any]:
    print(f"{docset.name}: building ({len(docset.pages)} pages)", file=sys.stderr, flush=True)
    built, index_dir = build(docset, work, reuse, any_code)
    idx = load_index(index_dir)
    print(f"{docset.name}: built in {built['build_s']} s; asking", file=sys.stderr, flush=True)
    questions = load_questions(docset.questions)
    scored = score(idx, questions)
    judged = judged_figures(docset.name, scored["questions"], load())
    return {"set": docset.name, "title": docset.title, "format": docset.format, "needs": docset.needs,
            "build": built, "answers": {**scored["summary"], **judged},
            "integrity": integrity(docset, idx, work / docset.name / "corpus", questions),
            "questions": scored["questions"], "broken_quotes": scored["broken_quotes"]}


def main(argv: list[str] | None = None) -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--sets", default="python,postgres,git,npm,flask,pdf")
    p.add_argument("--pages", choices=["default", "all"], default="default",
                   help="Python slice: default (69 pages) or all (106 pages, about 1.6x the build time)")
    p.add_argument("--work", type=Path, help="folder for corpora and indexes (default: a temporary folder)")
    p.add_argument("--reuse", action="store_true", help="keep indexes already built in --work")
    p.add_argument("--reuse-any-code", action="store_true",
                   help="with --reuse: keep them even if qa's source changed since (answering changes only)")
    p.add_argument("--saved-as-pdf", action="store_true",
                   help="read the web-page sets (python, postgres, git) as Chromium saves each page as PDF")
    p.add_argument("--json", type=Path, help="write every figure and per-question result here")
    p.add_argument("--markdown", type=Path, help="write the tables here (e.g. docs/realdocs.md)")
    p.add_argument("--label", default="", help="what was measured, for the Markdown heading (e.g. a commit)")
    args = p.parse_args(argv)
    sets = docsets(args.pages)
    chosen = [sets[name] for name in args.sets.split(",")]
    if args.saved_as_pdf:
        chosen = [printed(s) for s in chosen if s.format in ("sphinx", "docbook", "asciidoc")]
    with tempfile.TemporaryDirectory(prefix="realdocs-") as tmp:
        work = args.work or Path(tmp)
        results = [run_set(s, work, args.reuse, args.reuse_any_code) for s in chosen]
    given = list(argv if argv is not None else sys.argv[1:])
    shown = ["DIR" if i and given[i - 1] == "--work" else a for i, a in enumerate(given)]  # no machine's temp path
    command = shlex.join(["benchmarks/bench_realdocs.py", *shown])
    from realdocs.report import markdown, print_summary
    print_summary(results)
    if args.json:
        args.json.write_text(json.dumps({"label": args.label, "command": command, "sets": results}, indent=1))
    if args.markdown:
        previous = args.markdown.read_text(encoding="utf-8") if args.markdown.is_file() else ""
        args.markdown.write_text(markdown(previous, results, args.label, command, args.pages), encoding="utf-8")


if __name__ == "__main__":
    main()
