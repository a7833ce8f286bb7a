"""Could trafilatura's own text utilities replace our hand-written cleaning rules? Measured on the default corpus.

    .venv/bin/python benchmarks/compare_clean_rules.py

(a) whitespace and control characters: ``trafilatura.utils.sanitize`` against our ``whitespace_edits``,
    line by line on the default corpus and the SQuAD dev paragraphs, plus made-up edge cases;
(b) blog chrome and wiki-mirror noise: the captures' blocks as an HTML page through trafilatura's
    extractor, scored with the noise strings and sentences that tests/ingest/test_clean.py checks.
"""
from __future__ import annotations

import html
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import trafilatura  # noqa: E402
from trafilatura.utils import sanitize  # noqa: E402

from qa.ingest import clean_rules as rules  # noqa: E402
from qa.ingest.clean import Mapped, clean_text  # noqa: E402
from tests.ingest.test_clean import BLOG, BLOG_GONE, BLOG_SENTENCES, WIKI, WIKI_GONE, WIKI_SENTENCES, read  # noqa: E402

SQUAD = ROOT.parent / "shared" / "data" / "squad-v2-dev-5articles.json"
EDGE_CASES = ["write &nbsp; for a space", "a\u200bb\u00adc \t d\x07e", "  lead and trail  ", "x\u00a0y", "a\u2028b"]


def ours(line: str) -> str:
    mapped = Mapped.copy(line, 0, len(line))
    return mapped.edit(rules.whitespace_edits(mapped.text)).strip().text


def compare_whitespace() -> None:
    lines = [line for name in (BLOG, WIKI) for line in read(name).splitlines()]
    if SQUAD.is_file():
        data = json.loads(SQUAD.read_text(encoding="utf-8"))["data"]
        lines += [p["context"] for a in data for p in a["paragraphs"]]
    same = sum(ours(line) == (sanitize(line) or "") for line in lines)
    print(f"whitespace/control: trafilatura.utils.sanitize equals our rule on {same}/{len(lines)} lines")
    for line in EDGE_CASES:
        print(f"  {line!r}: ours {ours(line)!r}, sanitize {sanitize(line) or ''!r}")


def compare_chrome() -> None:
    cases = ((BLOG, BLOG_GONE, BLOG_SENTENCES), (WIKI, WIKI_GONE, WIKI_SENTENCES))
    for name, gone, kept in cases:
        raw = read(name)
        blocks = "".join(f"<p>{html.escape(b)}</p>" for b in raw.split("\n\n") if b.strip())
        theirs = " ".join((trafilatura.extract(f"<html><body><article>{blocks}</article></body></html>",
                                               favor_precision=True) or "").split())
        mine = " ".join(clean_text(raw).text.split())
        for who, text in (("trafilatura", theirs), ("ours", mine)):
            removed = sum(g not in text for g in gone)
            intact = sum(" ".join(k.split()) in text for k in kept)
            print(f"{name} {who}: removes {removed}/{len(gone)} noise strings, keeps {intact}/{len(kept)} sentences")


if __name__ == "__main__":
    compare_whitespace()
    compare_chrome()
