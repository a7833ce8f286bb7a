"""Load + clean throughput per format, on generated files of about ``--mb`` MB of text each.

    nice -n 19 .venv/bin/python benchmarks/bench_formats.py [--mb 10] [--runs 3] [--formats txt,html,...]

Each file holds the cleaned default corpus's paragraphs, repeated to the size, with headings every
ten paragraphs (and, for HTML, page chrome around the article). Reported per format: file size, text
size, median seconds of load (extraction) and of clean, and throughput in MB of text per second. For
scale, the embedding model's own throughput on the same text, measured in the same run: loading is
not the bottleneck of a build while load + clean outruns embedding.
"""
from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from qa.config import DEFAULT_CORPUS, Config  # noqa: E402
from qa.indexing.build import prepare_document  # noqa: E402
from qa.ingest.clean import clean_text  # noqa: E402
from qa.ingest.load import load_corpus, load_document  # noqa: E402


def paragraphs(mb: float) -> list[tuple[str, bool]]:
    """``(text, is_heading)`` paragraphs of about ``mb`` MB: the default corpus's prose, repeated."""
    docs, _ = load_corpus(DEFAULT_CORPUS)
    prose = [p for d in docs for p in prepare_document(d).text.split("\n\n") if len(p) > 80]
    out: list[tuple[str, bool]] = []
    size, n = 0, 0
    while size < mb * 1e6:
        if n % 10 == 0:
            out.append((f"Part {n // 10 + 1}", True))
        out.append((prose[n % len(prose)], False))
        size += len(out[-1][0]) + 2
        n += 1
    return out


def write_txt(path: Path, paras: list[tuple[str, bool]]) -> None:
    path.write_text("\n\n".join(t for t, _ in paras), encoding="utf-8")


def write_md(path: Path, paras: list[tuple[str, bool]]) -> None:
    path.write_text("\n\n".join(f"## {t}" if h else t for t, h in paras), encoding="utf-8")


def write_rst(path: Path, paras: list[tuple[str, bool]]) -> None:
    path.write_text("\n\n".join(f"{t}\n{'=' * len(t)}" if h else t for t, h in paras), encoding="utf-8")


def write_html(path: Path, paras: list[tuple[str, bool]]) -> None:
    from html import escape

    body = "".join(f"<h2>{escape(t)}</h2>" if h else f"<p>{escape(t)}</p>" for t, h in paras)
    path.write_text(f"<html><head><title>Bench</title><link rel='canonical' href='https://example.org/b'></head>"
                    f"<body><nav><a href='/'>Home</a></nav><article><h1>Bench</h1>{body}</article>"
                    f"<footer>Copyright 2024 Example</footer></body></html>", encoding="utf-8")


def write_pdf(path: Path, paras: list[tuple[str, bool]]) -> None:
    import textwrap

    from reportlab.pdfgen import canvas

    pdf = canvas.Canvas(str(path))
    lines = [line for t, _ in paras for line in [*textwrap.wrap(t, 95), ""]]
    for start in range(0, len(lines), 60):
        text = pdf.beginText(40, 800)
        text.setFont("Helvetica", 8)
        for line in lines[start:start + 60]:
            text.textLine(line)
        pdf.drawText(text)
        pdf.showPage()
    pdf.save()


def write_docx(path: Path, paras: list[tuple[str, bool]]) -> None:
    import docx

    document = docx.Document()
    end = document.add_paragraph()  # inserting before it is constant time; appending is not
    for t, h in paras:
        end.insert_paragraph_before(t, style="Heading 1" if h else None)
    end._p.getparent().remove(end._p)
    document.save(path)


def write_epub(path: Path, paras: list[tuple[str, bool]]) -> None:
    from html import escape

    from ebooklib import epub

    book = epub.EpubBook()
    book.set_identifier("bench")
    book.set_title("Bench")
    chapters, current = [], []
    for t, h in [*paras, ("End", True)]:
        if h and current:
            item = epub.EpubHtml(title=current[0], file_name=f"c{len(chapters)}.xhtml")
            item.content = "<html><body>" + "".join(current[1:]) + "</body></html>"
            book.add_item(item)
            chapters.append(item)
            current = []
        current += [t, f"<h1>{escape(t)}</h1>"] if h else [f"<p>{escape(t)}</p>"]
    book.toc, book.spine = chapters, chapters
    book.add_item(epub.EpubNcx())
    epub.write_epub(str(path), book)


WRITERS: dict[str, Callable[[Path, list[tuple[str, bool]]], None]] = {
    "txt": write_txt, "md": write_md, "rst": write_rst, "html": write_html, "pdf": write_pdf, "docx": write_docx,
    "epub": write_epub,
}


def measure(path: Path, runs: int) -> tuple[float, float, int]:
    """Median seconds to load and to clean ``path``, and the extracted text's size in bytes."""
    loads, cleans = [], []
    for _ in range(runs):
        started = time.perf_counter()
        raw = load_document(path, path.parent, max_bytes=10**9)
        loaded = time.perf_counter()
        clean_text(raw.text, fmt=raw.format, headings=raw.headings)
        loads.append(loaded - started)
        cleans.append(time.perf_counter() - loaded)
    return statistics.median(loads), statistics.median(cleans), len(raw.text.encode("utf-8"))


def embed_mb_per_s(paras: list[tuple[str, bool]]) -> float:
    from qa.indexing.embed import load_embedder

    embedder = load_embedder(Config().model_path())
    texts = [t for t, h in paras if not h][:300]
    embedder.encode(texts[:8], batch_size=32)
    started = time.perf_counter()
    embedder.encode(texts, batch_size=32)
    return sum(len(t.encode()) for t in texts) / 1e6 / (time.perf_counter() - started)


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--mb", type=float, default=10.0)
    p.add_argument("--runs", type=int, default=3)
    p.add_argument("--formats", default=",".join(WRITERS))
    args = p.parse_args()
    paras = paragraphs(args.mb)
    with tempfile.TemporaryDirectory() as tmp:
        paths = {}
        for fmt in args.formats.split(","):
            paths[fmt] = Path(tmp, f"bench.{fmt}")
            started = time.perf_counter()
            WRITERS[fmt](paths[fmt], paras)
            print(f"wrote {paths[fmt].name}: {paths[fmt].stat().st_size / 1e6:.1f} MB "
                  f"in {time.perf_counter() - started:.0f} s", flush=True)
        print(f"{'format':<6} {'file MB':>8} {'text MB':>8} {'load s':>8} {'clean s':>8} {'MB/s':>7}")
        for fmt, path in paths.items():
            load_s, clean_s, text_bytes = measure(path, args.runs)
            print(f"{fmt:<6} {path.stat().st_size / 1e6:8.1f} {text_bytes / 1e6:8.1f} {load_s:8.2f} {clean_s:8.2f} "
                  f"{text_bytes / 1e6 / (load_s + clean_s):7.2f}", flush=True)
    print(f"embedding (all-MiniLM-L6-v2, this machine): {embed_mb_per_s(paras):.3f} MB/s of text")


if __name__ == "__main__":
    main()
