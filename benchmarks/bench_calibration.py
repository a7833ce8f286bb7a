"""Calibration on a real documentation set: abstention on its scored questions before and after `qa calibrate`.

    .venv/bin/python benchmarks/bench_calibration.py --work DIR [--sets postgres,python] [--json PATH]

Needs the indexes that ``benchmarks/bench_realdocs.py --work DIR --reuse`` builds (``DIR/<set>/index``).
For each set, on a throwaway copy of its index (the index in DIR is never changed):

- **shipped**: the scored questions (``benchmarks/realdocs/<set>.jsonl``) with the shipped calibration;
- **questions**: ``qa calibrate --questions benchmarks/realdocs/<set>-calibration.jsonl``, then the scored
  questions again. The calibration questions are other questions than the scored ones, written before any
  answer was seen;
- **feedback**: the calibration questions asked as a web user would, each answer given a thumbs up or down
  through the web app's own recorder (``qa.feedback.Answered`` -> ``entry`` -> ``record``: up when the
  first quote holds the expected text, or when an unanswerable question is abstained from; down
  otherwise), ``qa calibrate`` on that feedback file alone, then the scored questions again.
"""
from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT)]

from qa import Config, ask, load_index  # noqa: E402
from qa.answering.scoring import scoring_for  # noqa: E402
from qa.app import feedback  # noqa: E402
from qa.calibrating import calibration_data  # noqa: E402
from qa.calibrating.calibrate import calibrate, evaluate_questions  # noqa: E402

QUESTIONS = ROOT / "benchmarks" / "realdocs"
SHOWN = ("hit@1", "unanswerable abstained", "answerable abstained", "right answers abstained",
         "wrong first quotes answered", "Brier score")


def thumbs(config: Config, questions: Path) -> dict[str, int]:
    """Ask each question as the web app does and record a verdict through its feedback recorder."""
    idx = load_index(config.index_dir, config)
    answered, path, counts = feedback.Answered(), feedback.feedback_path(config), {"up": 0, "down": 0}
    for row in calibration_data.read_questions(questions):
        answer = ask(row["question"], index=idx, config=config).to_dict()
        first = " ".join(answer["quotes"][0]["text"].split()) if answer["quotes"] else ""
        right = not answer["abstained"] and any(e in first for e in row["expected"])
        verdict = "up" if right or (answer["abstained"] and row["unanswerable"]) else "down"
        stored = answered.get(answered.remember({"question": row["question"], "answer": answer}))
        assert stored is not None
        feedback.record(path, feedback.entry(stored, verdict, None, build=idx.folder.name, index=idx))
        counts[verdict] += 1
    return counts


def run_set(name: str, work: Path, tmp: Path) -> dict[str, Any]:
    scored, extra = QUESTIONS / f"{name}.jsonl", QUESTIONS / f"{name}-calibration.jsonl"
    out: dict[str, Any] = {"set": name}
    for how in ("questions", "feedback"):
        base = tmp / f"{name}-{how}"
        shutil.copytree(work / name / "index", base / "index")
        config = Config(index_dir=base / "index", corpus_dir=work / name / "corpus")
        (config.index_dir / "calibration.json").unlink(missing_ok=True)
        if how == "questions":
            out["shipped"] = evaluate_questions(config, scored)["before"]
            fit, _ = calibrate(config, questions=extra)
        else:
            out["thumbs"] = thumbs(config, extra)
            fit, _ = calibrate(config)
        result = evaluate_questions(config, scored)
        out[how] = {**result["after"], "threshold": round(fit.threshold, 4), "inputs": list(fit.inputs),
                    "fit": {k: v for k, v in (fit.data or {}).items() if k != "inputs_tried"},
                    "per_question": result["questions"]}
    return out


def table(results: list[dict[str, Any]]) -> str:
    lines = ["| set | figure | shipped | calibrated on questions | calibrated on feedback |", "|---|---|---|---|---|"]
    for r in results:
        for key in SHOWN:
            lines.append(f"| {r['set']} | {key} | {r['shipped'][key]} | {r['questions'][key]} | {r['feedback'][key]} |")
        shipped = scoring_for(Config()).threshold
        lines.append(f"| {r['set']} | threshold | {shipped:.4f} | {r['questions']['threshold']} "
                     f"| {r['feedback']['threshold']} |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--work", type=Path, required=True, help="the --work folder of bench_realdocs.py")
    p.add_argument("--sets", default="postgres,python")
    p.add_argument("--json", type=Path, help="write every figure here")
    args = p.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="calibration-") as tmp:
        results = [run_set(name, args.work, Path(tmp)) for name in args.sets.split(",")]
    print(table(results))
    if args.json:
        args.json.write_text(json.dumps(results, indent=1))


if __name__ == "__main__":
    main()
