"""What reading a PDF's layout costs against taking PDFium's plain text of each page.

    nice -n 19 .venv/bin/python benchmarks/bench_pdf_read.py [--runs 3] [--mb 5] [PDF ...]

Reads each PDF both ways, interleaved, ``--runs`` times, and prints the median seconds and their ratio.
Without PDF arguments: the two manuals of the pdf documentation set (libtasn1-doc, shared-mime-info, where
installed) and a PDF of about ``--mb`` MB of text generated as ``benchmarks/bench_formats.py`` makes it.
"""
from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "benchmarks")]

from qa.ingest.formats.pdf import _pdfium_pages, read_pdf  # noqa: E402

MANUALS = (Path("/usr/share/doc/libtasn1-doc/libtasn1.pdf"),
           Path("/usr/share/doc/shared-mime-info/shared-mime-info-spec.pdf"))


def timed(read, data: bytes) -> float:
    started = time.perf_counter()
    read(data)
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("pdfs", nargs="*", type=Path)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--mb", type=float, default=5.0)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        pdfs = args.pdfs or [p for p in MANUALS if p.is_file()]
        if not args.pdfs:
            import bench_formats

            generated = Path(tmp) / f"generated-{args.mb:g}mb.pdf"
            bench_formats.write_pdf(generated, bench_formats.paragraphs(args.mb))
            pdfs.append(generated)
        print("| PDF | text chars | page text s | layout s | ratio |")
        print("|---|---|---|---|---|")
        for path in pdfs:
            data = path.read_bytes()
            plain, layout = [], []
            for _ in range(args.runs):
                plain.append(timed(_pdfium_pages, data))
                layout.append(timed(read_pdf, data))
            a, b = statistics.median(plain), statistics.median(layout)
            print(f"| {path.name} | {len(read_pdf(data).text):,} | {a:.3f} | {b:.3f} | {b / a:.1f}x |", flush=True)


if __name__ == "__main__":
    main()
