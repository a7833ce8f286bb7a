"""Sentence splitters compared on our own material: pysbd against sentencex.

    nice -n 19 .venv/bin/python benchmarks/bench_split.py [--runs 5] [--disagreements /tmp/disagreements.txt]
        [--squad ../shared/data/squad-v2-dev-5articles.json]

Material: the cleaned default corpus and every SQuAD paragraph of the given file. Reported:
sentences found by each, the boundaries where they disagree (written out with context, for checking
by hand), and the median time of each over ``--runs`` interleaved runs, on the material as it is and on
one long paragraph (the whole mirror article with its paragraph breaks removed).
"""
from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from qa.config import DEFAULT_CORPUS  # noqa: E402
from qa.indexing.build import prepare_document  # noqa: E402
from qa.ingest.chunk import split_sentences  # noqa: E402
from qa.ingest.load import load_corpus  # noqa: E402

SPLITTERS = ("pysbd", "sentencex")


def material(squad: Path | None) -> dict[str, list[str]]:
    docs, _ = load_corpus(DEFAULT_CORPUS)
    texts = {"default corpus": [prepare_document(d).text for d in docs]}
    if squad and squad.is_file():
        data = json.loads(squad.read_text(encoding="utf-8"))["data"]
        texts["squad"] = [p["context"] for a in data for p in a["paragraphs"]]
    return texts


def boundaries(text: str, splitter: str) -> set[int]:
    """Where sentences end inside a paragraph (the paragraph's own end is no decision)."""
    spans = split_sentences(text, splitter=splitter)  # type: ignore[arg-type]
    return {e for (_, e), (s, _) in zip(spans, spans[1:]) if "\n\n" not in text[e:s]}


def disagreements(texts: list[str]) -> list[tuple[str, str]]:
    """(splitter that cuts here, text around the cut with ``‖`` at the cut) where the two differ."""
    out = []
    for text in texts:
        a, b = boundaries(text, SPLITTERS[0]), boundaries(text, SPLITTERS[1])
        for cut in sorted(a ^ b):
            who = SPLITTERS[0] if cut in a else SPLITTERS[1]
            out.append((who, " ".join((text[max(0, cut - 70):cut] + " ‖ " + text[cut:cut + 50]).split())))
    return out


def timings(texts: list[str], runs: int) -> dict[str, float]:
    times: dict[str, list[float]] = {s: [] for s in SPLITTERS}
    for _ in range(runs):
        for splitter in SPLITTERS:  # interleaved: the machine is shared
            started = time.perf_counter()
            for text in texts:
                split_sentences(text, splitter=splitter)  # type: ignore[arg-type]
            times[splitter].append(time.perf_counter() - started)
    return {s: statistics.median(t) for s, t in times.items()}


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--runs", type=int, default=5)
    p.add_argument("--squad", type=Path, default=ROOT.parent / "shared" / "data" / "squad-v2-dev-5articles.json")
    p.add_argument("--disagreements", type=Path, help="write every disagreement with its context here")
    args = p.parse_args()
    texts = material(args.squad)
    for splitter in SPLITTERS:  # warm up: imports and rule compilation are not the splitting
        split_sentences("Warm up. Now.", splitter=splitter)  # type: ignore[arg-type]
    found = []
    for name, group in texts.items():
        counts = {s: sum(len(split_sentences(t, splitter=s)) for t in group) for s in SPLITTERS}  # type: ignore
        diffs = disagreements(group)
        found += [(name, *d) for d in diffs]
        chars = sum(map(len, group))
        speed = timings(group, args.runs)
        print(f"{name}: {len(group)} texts, {chars / 1e3:.0f} k chars; sentences {counts}; "
              f"disagreements {len(diffs)} (cuts only pysbd makes: {sum(d[0] == 'pysbd' for d in diffs)}, "
              f"only sentencex: {sum(d[0] == 'sentencex' for d in diffs)})")
        print("  median s: " + ", ".join(f"{s} {t:.4f}" for s, t in speed.items())
              + f"; sentencex/pysbd {speed['sentencex'] / speed['pysbd']:.3f}")
    long = " ".join(texts["default corpus"][-1].split())
    speed = timings([long], max(1, args.runs // 2))
    print(f"one long paragraph ({len(long) / 1e3:.0f} k chars): median s " +
          ", ".join(f"{s} {t:.3f}" for s, t in speed.items()) + f"; pysbd/sentencex "
          f"{speed['pysbd'] / speed['sentencex']:.0f}x")
    if args.disagreements:
        args.disagreements.write_text("".join(f"[{n}] cut by {who}: {ctx}\n" for n, who, ctx in found))
        print(f"wrote {len(found)} disagreements to {args.disagreements}")


if __name__ == "__main__":
    main()
