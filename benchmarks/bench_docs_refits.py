"""Fits on documentation questions alone, read on the scored real sets: a calibration pooled over the sets'
training questions, and the ranker's weights refitted on them.

    .venv/bin/python benchmarks/bench_docs_refits.py --work DIR [--json PATH]

Needs the indexes that ``benchmarks/bench_realdocs.py --work DIR --reuse`` builds (``DIR/<set>/index``). Nothing
is fitted on a scored question (``benchmarks/realdocs/<set>.jsonl``); the training questions are the sets' own
``<set>-train.jsonl`` (with git's ``options-train.jsonl``) and ``<set>-calibration.jsonl``.

- **Pooled calibration.** Every training question is answered with the shipped calibration
  (``qa.calibrating.calibration_data``), and the mapping ``python -m qa calibrate`` fits for one index is fitted on
  all of them at once, for each set of inputs it may choose from (at the prior strength its cross-validation
  prefers) and at the threshold that keeps 95% of the right answers out of fold. Each fit is then read on the
  scored questions of the eight sets: hit@1 as judged (``benchmarks/realdocs/judgments.jsonl``, else the expected
  substring; an abstention is a miss), unanswerable and answerable questions abstained on, and P(a right first
  quote scores above a wrong one or an unanswerable question's).
- **Ranker refit.** The training and scored questions are mined as ``train-verifier --docs`` mines them (every
  ranked unit's features, labelled by the expected substring), and the ranker's weights are refitted on the
  training questions by pairwise logistic regression pulled towards the shipped weights with strength ``lam``.
  Reported: hit@1 by the expected substring of the ranker's first unit, leave-one-set-out on the training
  questions and on the scored questions, against the shipped weights.
"""
from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "benchmarks")]

from realdocs import judged  # noqa: E402
from realdocs.integrity import collapse  # noqa: E402

from qa import ask, load_index  # noqa: E402
from qa.answering.features import UNIT_FEATURES  # noqa: E402
from qa.answering.scoring import MODEL_DIR, SCORING_FILE  # noqa: E402
from qa.calibrating import calibration_data, calibration_fit  # noqa: E402
from qa.training.docs_data import mine_docs  # noqa: E402
from qa.training.verifier_data import read_mined  # noqa: E402

QUESTIONS = ROOT / "benchmarks" / "realdocs"
SCORED = ("python", "postgres", "git", "npm", "flask", "pdf", "sqlite", "node")
TRAINING = {"python": ("python-train", "python-calibration"), "postgres": ("postgres-train", "postgres-calibration"),
            "git": ("git-train", "options-train"), "npm": ("npm-train",), "node": ("node-train",)}
KEEP = 0.95
STRENGTHS = (1000.0, 100.0, 10.0, 1.0)


def answered(work: Path) -> tuple[list[calibration_data.Example], list[dict[str, Any]]]:
    """The training questions as calibration examples, and each scored question's inputs and judged verdict."""
    verdicts = judged.load()
    train, scored = [], []
    for name in SCORED:
        idx = load_index(work / name / "index")
        config = idx.config.with_(own_calibration=False)
        for stem in TRAINING.get(name, ()):
            train += calibration_data.from_questions(idx, config,
                                                     calibration_data.read_questions(QUESTIONS / f"{stem}.jsonl"))
        for row in calibration_data.read_questions(QUESTIONS / f"{name}.jsonl"):
            example = calibration_data.from_questions(idx, config, [row])[0]
            answer = ask(row["question"], k=3, index=idx, config=config)
            first = (answer.quotes or answer.related)[:1]
            right = False
            if first and not row["unanswerable"]:
                verdict = judged.judgment(verdicts, name, row["question"],
                                          {"text": first[0].text, "section": first[0].section})
                right = verdict if verdict is not None else any(e in collapse(first[0].text) for e in row["expected"])
            scored.append({"set": name, "values": dict(example.values), "confidence": example.confidence,
                           "abstained": answer.abstained, "right": bool(right), "answerable": not row["unanswerable"]})
    return train, scored


def separation(p: list[float], rows: list[dict[str, Any]]) -> float:
    right = [x for x, r in zip(p, rows) if r["right"]]
    other = [x for x, r in zip(p, rows) if not r["right"]]
    return float(np.mean([(a > b) + 0.5 * (a == b) for a in right for b in other]))


def read_on(rows: list[dict[str, Any]], p: list[float], abstained: list[bool]) -> dict[str, Any]:
    out: dict[str, Any] = {"P(right > wrong)": round(separation(p, rows), 3)}
    for name in (*SCORED, "all"):
        mine = [(r, a) for r, a in zip(rows, abstained) if name in ("all", r["set"])]
        out[name] = {"hit@1": sum(r["right"] and not a for r, a in mine),
                     "answerable": sum(r["answerable"] for r, _ in mine),
                     "unanswerable_abstained": sum(not r["answerable"] and a for r, a in mine),
                     "answerable_abstained": sum(r["answerable"] and a for r, a in mine)}
    return out


def pooled_calibration(train: list[calibration_data.Example], scored: list[dict[str, Any]]) -> list[dict[str, Any]]:
    labelled = [e for e in train if e.right is not None]
    y = np.array([e.right for e in labelled], dtype=float)
    folds = calibration_fit._folds(y)
    results = [{"fit": "shipped", **read_on(scored, [r["confidence"] for r in scored],
                                            [r["abstained"] for r in scored])}]
    for names in calibration_fit.input_sets(list(labelled[0].values)):
        best = min((calibration_fit._score(labelled, y, folds, names, s) for s in calibration_fit.STRENGTHS),
                   key=lambda c: c.log_loss)
        weights, bias = calibration_fit.logistic_map(calibration_fit._matrix(labelled, names), y,
                                                     calibration_fit._prior(names), best.strength)
        oof = calibration_fit._out_of_fold(labelled, y, folds, names, best.strength)
        threshold = calibration_fit.keeping_threshold(oof, y, KEEP)
        p = [float(1 / (1 + np.exp(-(bias + sum(w * r["values"][n] for w, n in zip(weights, names))))))
             for r in scored]
        results.append({"fit": "+".join(names), "strength": best.strength, "cv_log_loss": round(best.log_loss, 4),
                        "threshold": threshold, **read_on(scored, p, [x < threshold for x in p])})
    return results


def ranker_refit(work: Path, mined_dir: Path) -> list[dict[str, Any]]:
    specs = [f"{QUESTIONS / stem}.jsonl={work / name / 'index'}" for name, stems in TRAINING.items()
             for stem in stems if stem.endswith("-train")]
    specs += [f"{QUESTIONS / name}.jsonl={work / name / 'index'}" for name in SCORED]
    mine_docs(specs, mined_dir, 8)
    shipped = json.loads((MODEL_DIR / SCORING_FILE).read_text(encoding="utf-8"))["quote_weights"]
    w0 = np.array([shipped.get(n, 0.0) for n in UNIT_FEATURES])

    def questions(stem: str) -> list:
        return [m for m in read_mined(mined_dir / f"docs-{stem}.jsonl") if m.answerable and m.units]

    train = {name: [m for stem in stems if stem.endswith("-train") for m in questions(stem)]
             for name, stems in TRAINING.items()}
    scored = {name: questions(name) for name in SCORED}

    def hits(group: list, w: np.ndarray) -> int:
        return sum(m.units[int(np.argmax(np.array([u.features for u in m.units]) @ w))].label for m in group)

    def fit(group: list, lam: float) -> np.ndarray:
        diffs = [np.array(p.features) - np.array(n.features) for m in group
                 for p in [u for u in m.units if u.label][:2] for n in [u for u in m.units if not u.label][:40]]
        x, w = np.array(diffs), w0.copy()
        for _ in range(50):  # Newton steps on the pairwise log loss plus lam * |w - w0|^2
            p = 1 / (1 + np.exp(-(x @ w)))
            step = np.linalg.solve((x.T * (p * (1 - p))) @ x + 2 * lam * np.eye(len(w)),
                                   -x.T @ (1 - p) + 2 * lam * (w - w0))
            w -= step
            if np.abs(step).max() < 1e-8:
                break
        return w

    everything = [m for group in train.values() for m in group]
    rows = [{"weights": "shipped", "training": hits(everything, w0),
             **{name: hits(group, w0) for name, group in scored.items()}}]
    for lam in STRENGTHS:
        held = sum(hits(group, fit([m for other, g in train.items() if other != name for m in g], lam))
                   for name, group in train.items())
        w = fit(everything, lam)
        rows.append({"weights": f"refit, lam {lam:g}", "training": held,
                     **{name: hits(group, w) for name, group in scored.items()}})
    for row in rows:
        row["scored"] = sum(row[name] for name in SCORED)
    return rows


def main(argv: list[str] | None = None) -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--work", type=Path, required=True, help="the --work folder of bench_realdocs.py")
    p.add_argument("--json", type=Path, help="write every figure here")
    args = p.parse_args(argv)
    train, scored = answered(args.work)
    calibrations = pooled_calibration(train, scored)
    with tempfile.TemporaryDirectory(prefix="docs-mined-") as tmp:
        refits = ranker_refit(args.work, Path(tmp))
    print(f"pooled calibration ({len(train)} training questions; {len(scored)} scored), keep {KEEP}:")
    print("| inputs | threshold | hit@1 | unanswerable abstained | answerable abstained | P(right > wrong) |")
    print("|---|---|---|---|---|---|")
    for r in calibrations:
        a = r["all"]
        print(f"| {r['fit']} | {r.get('threshold', 'shipped')} | {a['hit@1']}/{a['answerable']} "
              f"| {a['unanswerable_abstained']} | {a['answerable_abstained']} | {r['P(right > wrong)']} |")
    print("\nranker refit (hit@1 by the expected substring; training: leave one set out):")
    print("| weights | training | " + " | ".join(SCORED) + " | scored |")
    print("|---" * (len(SCORED) + 3) + "|")
    for r in refits:
        print(f"| {r['weights']} | {r['training']} | " + " | ".join(str(r[n]) for n in SCORED) + f" | {r['scored']} |")
    if args.json:
        args.json.write_text(json.dumps({"calibration": calibrations, "ranker": refits}, indent=1))


if __name__ == "__main__":
    main()
