"""How often the unit holding a real documentation answer opens its section, against the other candidates.

For each answerable question of a set (indexes of a ``bench_realdocs.py --work`` folder): the ranked
position of the first candidate unit that holds the expected substring, whether it leads its section
(the first prose sentence under a heading), and the share of section leads among the ranker's first 10
candidates. A feature separates answers only where the answers lead more often than the candidates around them do.

    .venv/bin/python benchmarks/realdocs/leads.py --work DIR [--sets git,npm]
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path[:0] = [str(ROOT), str(ROOT / "benchmarks")]

from qa import load_index  # noqa: E402
from qa.answering.features import unit_text  # noqa: E402
from qa.answering.quotes import rank  # noqa: E402
from qa.answering.sentence_stats import before_in_section, stats  # noqa: E402
from qa.records import Unit  # noqa: E402
from realdocs.integrity import collapse  # noqa: E402


def leads(idx, unit: Unit) -> bool:
    """Whether ``unit`` opens a titled section: no prose sentence before it under the same heading."""
    st = stats(idx)
    source, start, _ = idx.sentences[unit.first]
    return (unit.first not in st.headings and idx.documents[source].section_at(start) is not None
            and not before_in_section(idx, st.headings, unit.first, 1))


def main(argv: list[str] | None = None) -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--work", type=Path, required=True)
    p.add_argument("--sets", default="python,postgres,git,npm")
    args = p.parse_args(argv)
    for name in args.sets.split(","):
        idx = load_index(args.work / name / "index")
        rows = [json.loads(line) for line in (ROOT / "benchmarks" / "realdocs" / f"{name}.jsonl").read_text(
            encoding="utf-8").splitlines() if line.strip()]
        gold_leads = found = top1 = 0
        top_share = []
        for row in rows:
            if "expect" not in row:
                continue
            ranking = rank(idx, row["question"])
            first = [leads(idx, u) for u in ranking.units[:10]]
            top_share.append(sum(first) / len(first) if first else 0.0)
            at = next((n for n, u in enumerate(ranking.units) if collapse(row["expect"]) in collapse(
                unit_text(idx, u))), None)
            if at is not None:
                found += 1
                gold_leads += int(leads(idx, ranking.units[at]))
                top1 += int(at == 0)
        answerable = len(top_share)
        print(f"{name}: answerable {answerable}, answer among candidates {found} (first {top1}), "
              f"answer unit leads its section {gold_leads}/{found}, "
              f"leads among the first 10 candidates {sum(top_share) / max(answerable, 1):.2f}")


if __name__ == "__main__":
    main()
