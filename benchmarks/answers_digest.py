"""Every answer on the default corpus and the SQuAD dev file, dumped as JSON lines, with one md5 of the whole.

Two trees that print the same digest give the same answers, byte for byte: quotes (source, offsets,
text, everything else an answer carries), confidence, abstention and conflicts. Run it before and after a
change that must not change behaviour ::

    python benchmarks/answers_digest.py --out /tmp/answers.jsonl [--work /tmp/qa-digest] [--rebuild]

The default corpus is asked the questions of ``tests/data/natural_questions.json`` and the README's
examples; the SQuAD dev file every question, over an index built the way ``python -m qa eval`` builds it
(each paragraph a document). Indexes are built under ``--work`` once and reused, unless ``--rebuild``.
"""
from __future__ import annotations

import argparse
import hashlib
import json
import shutil
from pathlib import Path

from qa import Config, ask, build_index, load_index
from qa.training.evaluate import load_squad

ROOT = Path(__file__).resolve().parent.parent
SQUAD = ROOT.parent / "shared" / "data" / "squad-v2-dev-5articles.json"
README_QUESTIONS = (
    "When did the Battle of Lake Khasan take place?",
    "How long did the Soviet–Japanese Neutrality Pact remain in effect?",
)


def default_questions() -> list[str]:
    natural = json.loads((ROOT / "tests" / "data" / "natural_questions.json").read_text(encoding="utf-8"))
    return [q["question"] for q in natural] + list(README_QUESTIONS)


def index_over(folder: Path, docs: dict[str, str] | None, rebuild: bool) -> Config:
    """Config of an index under ``folder`` of ``docs`` (None: a copy of the default corpus), built if needed."""
    config = Config(corpus_dir=folder / "corpus", index_dir=folder / "index")
    if rebuild and folder.exists():
        shutil.rmtree(folder)
    if not (folder / "index" / "CURRENT").exists():
        folder.mkdir(parents=True, exist_ok=True)
        shutil.rmtree(folder / "corpus", ignore_errors=True)
        if docs is None:
            shutil.copytree(ROOT / "corpus", folder / "corpus")
        else:
            (folder / "corpus").mkdir()
            for name, text in docs.items():
                (folder / "corpus" / name).write_text(text + "\n", encoding="utf-8")
        build_index(config)
    return config


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--out", default="/tmp/answers.jsonl", help="where the JSON lines go")
    p.add_argument("--work", default="/tmp/qa-digest", help="where the indexes are built and kept")
    p.add_argument("--rebuild", action="store_true", help="build both indexes afresh")
    args = p.parse_args()
    work = Path(args.work)
    docs, items = load_squad(SQUAD)  # the documents and questions exactly as `qa eval` reads them
    squad_questions = [item.question for item in items]
    sets = [("default", index_over(work / "default", None, args.rebuild), default_questions()),
            ("squad", index_over(work / "squad", docs, args.rebuild), squad_questions)]
    lines = []
    for name, config, questions in sets:
        index = load_index(config.index_dir, config)
        for q in questions:
            lines.append(json.dumps({"set": name, **ask(q, index=index).to_dict()}, ensure_ascii=False,
                                    sort_keys=True))
    body = "\n".join(lines) + "\n"
    Path(args.out).write_text(body, encoding="utf-8")
    print(f"{len(lines)} answers ({len(squad_questions)} SQuAD) → {args.out}")
    print("md5", hashlib.md5(body.encode("utf-8")).hexdigest())


if __name__ == "__main__":
    main()
