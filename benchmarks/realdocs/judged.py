"""Quotes judged by a reader: whether a quote answers its question, whatever words it says it in.

    .venv/bin/python benchmarks/realdocs/judged.py score RESULTS.json
    .venv/bin/python benchmarks/realdocs/judged.py pending RESULTS.json --work DIR [--controls] > pending.jsonl

hit@1 and hit@3 count a quote as right only when it holds the question's expected substring. A quote can
answer in other words: "BEGIN — start a transaction block" answers "How do I start a transaction block?",
whose ``expect`` is the Description's "BEGIN initiates a transaction block". So the benchmark also reports
hit@1 and hit@3 as a reader judged the quotes, from ``judgments.jsonl`` beside this file, one judgment a
line (a quote without one counts as right when it holds the expected substring)::

    {"set": "postgres", "question": "How do I start a transaction block?", "key": "…", "answers": true,
     "source": "sql-begin.html", "section": "BEGIN", "quote": "BEGIN — start a transaction block"}

``key`` (:func:`quote_key`) names the quote's whole text, and a judgment counts for that text under that
``section`` only: a quote whose text or section changes is judged again. ``quote`` is its first 300
characters, to read the file by (the pages are not ours to publish whole). ``pending`` lists, as such lines
with ``"answers": null``, the quotes of a results file's answerable questions that hold no expected substring
and have no judgment; the reader sees the question, the quote and where it is, never ``expect``.
``--controls`` adds the quotes that do hold it, mixed in unmarked: their judgments check the reader against
the substrings (``score`` reports how often the reader said they answer), and a quote that holds the substring
in passing without answering is then judged wrong.

The rule a reader judges by: a quote answers when someone who asked the question, reading the quote alone
with its page and section, has what they asked for: the fact, value, command, option or code asked about
is stated in it. A quote that names the subject without saying what was asked does not; nor does one whose
answer is only in the text before or after it.
"""
from __future__ import annotations

import argparse
import hashlib
import json
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
sys.path[:0] = [str(ROOT), str(ROOT / "benchmarks")]

from realdocs.integrity import collapse  # noqa: E402

JUDGMENTS = Path(__file__).with_name("judgments.jsonl")
Judgments = dict[tuple[str, str, str, str], bool]


def quote_key(text: str) -> str:
    """A short name for a quote's text, whitespace collapsed."""
    return hashlib.sha256(collapse(text).encode("utf-8")).hexdigest()[:16]


def load(path: Path = JUDGMENTS) -> Judgments:
    """(set, question, quote key, section) -> whether the quote answers; lines still ``null`` are left out."""
    if not path.is_file():
        return {}
    found: Judgments = {}
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if line.strip():
            row = json.loads(line)
            if row.get("answers") is not None:
                if not isinstance(row["answers"], bool):
                    raise SystemExit(f"{path}, line {n}: 'answers' must be true, false or null")
                found[(row["set"], row["question"], row["key"], row["section"])] = row["answers"]
    return found


def holds(row: dict[str, Any], quote: dict[str, Any]) -> bool:
    """Whether ``quote`` holds the expected substring of ``row`` (as the benchmark found it in the whole quote;
    results of older runs kept only an excerpt, which is read instead)."""
    if "holds" in quote:
        return bool(quote["holds"])
    return bool(row.get("expect")) and collapse(row["expect"]) in collapse(quote["text"])


def key_of(quote: dict[str, Any]) -> str:
    return quote.get("key") or quote_key(quote["text"])


def judgment(judgments: Judgments, name: str, question: str, quote: dict[str, Any]) -> bool | None:
    """The reader's verdict on ``quote`` as an answer to ``question`` in set ``name``; None: not judged."""
    return judgments.get((name, question, key_of(quote), quote.get("section") or ""))


def judged_figures(name: str, rows: list[dict[str, Any]], judgments: Judgments) -> dict[str, Any]:
    """hit@1 and hit@3 of a set's answerable questions as a reader judged them: a judged quote is right when
    the reader said it answers, an unjudged one when it holds the expected substring. ``unjudged``: quotes
    that hold no expected substring and have no judgment (they count as wrong); ``controls_agreed``: of the
    judged quotes that hold the expected substring (``controls``), those the reader said answer."""
    hit1 = hit3 = unjudged = controls = agree = 0
    for row in rows:
        if not row["answerable"]:
            continue
        right = []
        for quote in row["quotes"][:3]:
            verdict = judgment(judgments, name, row["question"], quote)
            strict = holds(row, quote)
            right.append(strict if verdict is None else verdict)
            unjudged += verdict is None and not strict
            if strict and verdict is not None:
                controls, agree = controls + 1, agree + verdict
        hit1 += bool(right[:1] and right[0])
        hit3 += any(right)
    return {"judged_hit@1": hit1, "judged_hit@3": hit3, "unjudged": unjudged, "controls": controls,
            "controls_agreed": agree}


def pending(results: dict[str, Any], judgments: Judgments, controls: bool, work: Path | None = None
            ) -> list[dict[str, Any]]:
    """The quotes of answerable questions still to be judged, as judgment lines with ``answers`` null; each
    quote whole as the index of ``work`` (the benchmark's ``--work`` folder) holds it, else its excerpt."""
    out = []
    for result in results["sets"]:
        whole = _reader(work / result["set"] / "index") if work else (lambda q: q["text"])
        for row in result["questions"]:
            if not row["answerable"]:
                continue
            for quote in row["quotes"][:3]:
                if judgment(judgments, result["set"], row["question"], quote) is not None \
                        or (holds(row, quote) and not controls):
                    continue
                out.append({"set": result["set"], "question": row["question"], "key": key_of(quote),
                            "answers": None, "source": quote["source"], "section": quote["section"],
                            "quote": whole(quote)})
    return list({(r["set"], r["question"], r["key"], r["section"]): r for r in out}.values())


def _reader(index_dir: Path):
    """A quote's whole text from the built index, by its source and offsets."""
    from qa import load_index

    index = load_index(index_dir)

    def whole(quote: dict[str, Any]) -> str:
        text = index.document(quote["source"]).text[quote["start"]:quote["end"]]
        if quote_key(text) != quote["key"]:
            raise SystemExit(f"{index_dir} no longer holds this quote of {quote['source']}: rebuild or rerun first")
        return text
    return whole


def main(argv: list[str] | None = None) -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("command", choices=["score", "pending"])
    p.add_argument("results", type=Path, help="a --json file of benchmarks/bench_realdocs.py")
    p.add_argument("--judgments", type=Path, default=JUDGMENTS)
    p.add_argument("--controls", action="store_true", help="pending: also the quotes holding the expected text")
    p.add_argument("--work", type=Path, help="pending: the benchmark's --work folder, to show each quote whole")
    args = p.parse_args(argv)
    results = json.loads(args.results.read_text(encoding="utf-8"))
    judgments = load(args.judgments)
    if args.command == "pending":
        for row in pending(results, judgments, args.controls, args.work):
            print(json.dumps(row, ensure_ascii=False))
        return
    for result in results["sets"]:
        a = result["answers"]
        j = judged_figures(result["set"], result["questions"], judgments)
        print(f"{result['set']}: hit@1 {a['hit@1']} -> {j['judged_hit@1']}, hit@3 {a['hit@3']} -> "
              f"{j['judged_hit@3']} of {a['answerable']} ({j['unjudged']} quotes unjudged; "
              f"controls {j['controls_agreed']} of {j['controls']} judged to answer)")


if __name__ == "__main__":
    main()
