"""Why each answerable question of a real documentation set misses at rank 1.

    .venv/bin/python benchmarks/realdocs/misses.py --work DIR [--sets python,postgres,git,npm,flask,pdf] [--json PATH]

Reads the indexes ``benchmarks/bench_realdocs.py --work DIR`` built (it builds nothing) and puts every
answerable question whose first quote lacks the expected substring in one class:

- ``abstained``: the answer is an abstention;
- ``ranking``: a candidate unit (or the 2nd or 3rd quote) holds the expected substring, below the first;
- ``boundary``: a candidate unit overlaps where the page says it, but none holds it whole;
- ``recall``: no candidate unit comes near it (``passage`` says whether a retrieved chunk holds it).

Each line also gives the best candidate's rank among all candidate units (0 is first) and the section
where the page says it, to read beside the quotes shown.
"""
from __future__ import annotations

import argparse
import json
import re
import sys
from collections import Counter
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
sys.path[:0] = [str(ROOT), str(ROOT / "benchmarks")]

from qa import Index, ask, load_index  # noqa: E402
from qa.answering.features import unit_text  # noqa: E402
from qa.answering.quotes import rank  # noqa: E402
from realdocs.integrity import collapse  # noqa: E402


def places(idx: Index, expect: str) -> list[tuple[str, int, int]]:
    """Every ``(source, start, end)`` of the cleaned texts where ``expect`` occurs, whitespace collapsed."""
    pattern = re.compile(r"\s+".join(re.escape(w) for w in expect.split()))
    return [(s, m.start(), m.end()) for s, doc in idx.documents.items() for m in pattern.finditer(doc.text)]


def classify(idx: Index, question: str, expect: str) -> dict[str, Any]:
    answer = ask(question, k=3, index=idx)
    texts = [collapse(q.text) for q in answer.quotes]
    shown = next((i + 1 for i, t in enumerate(texts) if collapse(expect) in t), None)
    if shown == 1:
        return {"class": "hit"}
    ranking = rank(idx, question)
    where = places(idx, expect)

    def overlaps(source: str, start: int, end: int) -> bool:
        return any(s == source and start < e and b < end for s, b, e in where)

    holds = next((n for n, u in enumerate(ranking.units) if collapse(expect) in collapse(unit_text(idx, u))), None)
    near = next((n for n, u in enumerate(ranking.units)
                 if overlaps(*idx.sentences[u.first][:2], idx.sentences[u.last].end)), None)
    passage = next((n for n, p in enumerate(ranking.passages)
                    if overlaps(idx.chunks[p.chunk_id].source, idx.chunks[p.chunk_id].start,
                                idx.chunks[p.chunk_id].end)), None)
    kind = ("abstained" if answer.abstained else "ranking" if holds is not None or shown
            else "boundary" if near is not None else "recall")
    return {"class": kind, "shown_rank": shown, "unit_rank": holds if holds is not None else near,
            "passage_rank": passage, "confidence": answer.confidence,
            "section": idx.documents[where[0][0]].section_at(where[0][1]) if where else None,
            "quotes": [f"{q.source} | {q.section} | {collapse(q.text)[:120]}" for q in answer.quotes]}


def main(argv: list[str] | None = None) -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--work", type=Path, required=True, help="the --work folder of bench_realdocs.py")
    p.add_argument("--sets", default="python,postgres,git,npm,flask,pdf")
    p.add_argument("--json", type=Path, help="write every classified miss here")
    args = p.parse_args(argv)
    out: dict[str, list[dict[str, Any]]] = {}
    for name in args.sets.split(","):
        idx = load_index(args.work / name / "index")
        rows = [json.loads(line) for line in (ROOT / "benchmarks" / "realdocs" / f"{name}.jsonl").read_text(
            encoding="utf-8").splitlines() if line.strip()]
        found = [{"question": r["question"], "expect": r["expect"], **classify(idx, r["question"], r["expect"])}
                 for r in rows if not r.get("unanswerable")]
        out[name] = [f for f in found if f["class"] != "hit"]
        print(f"== {name}: {dict(Counter(f['class'] for f in found))}")
        for f in out[name]:
            print(f"  {f['class']:9} shown {f['shown_rank']} unit {f['unit_rank']} passage {f['passage_rank']}"
                  f"  {f['question']}  [{f['section']}]")
    if args.json:
        args.json.write_text(json.dumps(out, indent=1), encoding="utf-8")


if __name__ == "__main__":
    main()
