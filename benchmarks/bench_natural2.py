"""Scores the second natural-question set (tests/data/natural2.jsonl) on an index of the default corpus.

    .venv/bin/python benchmarks/bench_natural2.py [--index DIR] [--json OUT] [--show]

The set was written before any answer to it was seen and is never tuned to: it is only reported on.
Kinds: "answerable" (quote 1 must hold an expected substring; "agree": both sources answer alike, so no
conflict may be flagged), "unanswerable" (on topic, not answered by the corpus: should be abstained from),
"disagree" (the sources differ: a conflict must be flagged with a quote of each side shown).

Figures:
- hit@1, hit@3: answerable questions whose first (first three) quotes hold an expected substring;
- abstained: unanswerable questions abstained from; wrongly abstained: answerable ones abstained from,
  and of those, how many show the answer as the first related passage (for the others, the passage that
  would have been quote 1 lacks it);
- flagged: disagreements flagged with both sides among the quotes shown; false flags on agreeing questions;
- p_right_over_wrong: the probability that a right answer's confidence is above a wrong one's (a right
  answer: an answerable or disagreement question whose quote 1 holds an expected substring; wrong: every
  other question, unanswerable ones included), abstained or not.
- by_band: answered questions by confidence band (qa.ui's words), right / answered.
"""
from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
SET = ROOT / "tests" / "data" / "natural2.jsonl"


def load_set(path: Path = SET) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def _holds(text: str, expected: list[str]) -> bool:
    text = " ".join(text.split())
    return any(e in text for e in expected)


def score(questions: list[dict], answers: list) -> dict:
    """The figures above for ``answers`` (qa Answer objects, one per question, in order)."""
    from qa.app.ui import confidence_label
    from qa.training.evaluate import roc_auc

    rows = []
    for q, a in zip(questions, answers):
        quotes = [] if a.abstained else [x.text for x in a.quotes]
        hit1 = bool(quotes) and _holds(quotes[0], q["expected"])
        hit3 = any(_holds(t, q["expected"]) for t in quotes[:3])
        # an abstention shows related passages instead: whether the first of them holds the answer
        related1 = a.abstained and bool(a.related) and _holds(a.related[0].text, q["expected"])
        sides = q.get("sides") or []
        both = bool(sides) and a.conflict and all(any(_holds(t, s) for t in quotes) for s in sides)
        rows.append({"question": q["question"], "kind": q["kind"], "abstained": a.abstained, "hit1": hit1,
                     "hit3": hit3, "related_hit1": related1, "conflict": a.conflict, "flagged": both,
                     "confidence": a.confidence,
                     "band": confidence_label(a.confidence, conflict=a.conflict), "agree": bool(q.get("agree")),
                     "quote": quotes[0] if quotes else None})
    answerable = [r for r in rows if r["kind"] == "answerable"]
    unanswerable = [r for r in rows if r["kind"] == "unanswerable"]
    disagree = [r for r in rows if r["kind"] == "disagree"]
    right = [r["confidence"] for r in rows if r["kind"] != "unanswerable" and r["hit1"]]
    wrong = [r["confidence"] for r in rows if not (r["kind"] != "unanswerable" and r["hit1"])]
    bands: dict[str, list[int]] = {}
    for r in rows:
        if not r["abstained"]:
            bands.setdefault(r["band"], [0, 0])
            bands[r["band"]][0] += int(r["kind"] != "unanswerable" and r["hit1"])
            bands[r["band"]][1] += 1
    return {
        "questions": len(rows),
        "hit@1": f"{sum(r['hit1'] for r in answerable)}/{len(answerable)}",
        "hit@3": f"{sum(r['hit3'] for r in answerable)}/{len(answerable)}",
        "unanswerable_abstained": f"{sum(r['abstained'] for r in unanswerable)}/{len(unanswerable)}",
        "answerable_wrongly_abstained": sum(r["abstained"] for r in answerable),
        "abstained_answer_first_related": sum(r["related_hit1"] for r in answerable),
        "disagreements_flagged": f"{sum(r['flagged'] for r in disagree)}/{len(disagree)}",
        "disagreement_hit@1": f"{sum(r['hit1'] for r in disagree)}/{len(disagree)}",
        "false_flags": f"{sum(r['conflict'] for r in answerable)}/{len(answerable)} "
                       f"(agreeing: {sum(r['conflict'] for r in answerable if r['agree'])})",
        "p_right_over_wrong": round(roc_auc(right, wrong), 3) if right and wrong else None,
        "by_band": {k: f"{v[0]}/{v[1]}" for k, v in sorted(bands.items())},
        "rows": rows,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--index", help="an index of the default corpus (default: one built in a temporary folder)")
    parser.add_argument("--json", help="write the figures and the per-question rows here")
    parser.add_argument("--show", action="store_true", help="print each question's outcome")
    parser.add_argument("--set", action="append", default=[], metavar="FIELD=VALUE",
                        help="answer with this Config field changed (a Python literal), e.g. fitted_confidence=False")
    args = parser.parse_args()
    import ast

    from qa import Config, ask, build_index, load_index
    from qa.errors import QAError

    changes = {k: ast.literal_eval(v) for k, v in (item.split("=", 1) for item in args.set)}

    tmp = None
    if args.index:
        try:
            index = load_index(Path(args.index))
        except QAError as e:
            print(f"bench_natural2: {e}", file=sys.stderr)
            return 2
    else:
        tmp = Path(tempfile.mkdtemp(prefix="qa-natural2-"))
        shutil.copytree(ROOT / "corpus", tmp / "corpus")
        config = Config(corpus_dir=tmp / "corpus", index_dir=tmp / "index")
        build_index(config)
        index = load_index(config.index_dir, config)
    questions = load_set()
    answering = index.config.with_(**changes)
    figures = score(questions, [ask(q["question"], index=index, config=answering) for q in questions])
    if tmp:
        shutil.rmtree(tmp)
    if args.show:
        for r in figures["rows"]:
            mark = "A" if r["abstained"] else ("+" if r["hit1"] else "-")
            flag = " C" if r["conflict"] else ""
            print(f"{mark} {r['kind'][:5]} {r['confidence']:.2f}{flag} {r['question']} -> {(r['quote'] or '')[:90]}")
    if args.json:
        Path(args.json).write_text(json.dumps(figures, indent=2) + "\n", encoding="utf-8")
    print(json.dumps({k: v for k, v in figures.items() if k != "rows"}, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
