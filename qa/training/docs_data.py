"""Training questions over real documentation, mined on an index of that documentation.

SQuAD teaches the ranker prose paragraphs; it never shows a manual page, where the answer is often the
first sentence under a heading that the question names ("Description", an option, an API signature).
``python -m qa train-verifier --docs QUESTIONS=INDEX ...`` adds hand-written questions over documentation
to what the ranker and the support are fitted on. A question file is JSON Lines, one question a line::

    {"question": "How do I list the installed packages?", "expect": "This command will print ...",
     "source": "commands/npm-ls.md"}
    {"question": "How do I deploy a Node.js app to Heroku?", "unanswerable": true}

``expect`` is the exact text (whitespace aside) a right quote holds, ``source`` the document it is in;
``also`` (optional) lists other texts a right quote may hold instead (a command or a code example that
answers a how-to question as well as the sentence ``expect`` names).
Each question is asked of the built index of its documentation, as users ask it, and kept with the
features of every unit the pipeline ranked (:class:`qa.training.verifier_data.Mined`), labelled by
whether the unit holds ``expect``. The questions come in as an article of their own (``docs:<file
stem>``), never one of those held out for calibration, and only the ranker is fitted on them: the
support, its floor and the confidence keep SQuAD's answerable and unanswerable questions (the few
unanswerable documentation questions are off-topic ones), and the cross-encoder's training pairs stay SQuAD's.
"""
from __future__ import annotations

import json
from pathlib import Path

from ..errors import QAError
from .evaluate import Item


def parse_spec(spec: str) -> tuple[Path, Path]:
    """``QUESTIONS=INDEX`` → (question file, index folder), both checked to exist."""
    questions, sep, index = spec.partition("=")
    if not sep or not questions or not index:
        raise QAError(f"--docs takes QUESTIONS=INDEX (a question file and the index of its documents); got {spec!r}.")
    if not Path(questions).is_file():
        raise QAError(f"No question file at {questions}: give a JSON Lines file of documentation questions.")
    if not Path(index).is_dir():
        raise QAError(f"No index folder at {index}: build the documentation's index first "
                      f"(`python -m qa build --corpus DOCS --index {index}`).")
    return Path(questions), Path(index)


def read_questions(path: Path) -> list[Item]:
    """The questions of a file; every answerable one must name its expected text."""
    article = f"docs:{path.stem}"
    items = []
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except json.JSONDecodeError as e:
            raise QAError(f"{path}, line {n}: not JSON ({e.msg}). Write one JSON object a line.") from e
        answerable = not row.get("unanswerable")
        if answerable and not str(row.get("expect", "")).strip():
            raise QAError(f"{path}, line {n}: {row.get('question')!r} has neither 'expect' nor 'unanswerable'.")
        # No source for mining: every sentence of a manual page as a candidate is the cross-encoder's kind of
        # example, and the ranker learns from the ranked units alone.
        also = row.get("also", [])
        if not isinstance(also, list) or not all(isinstance(a, str) and a.strip() for a in also):
            raise QAError(f"{path}, line {n}: 'also' must be a list of expected texts.")
        answers = (row["expect"], *also) if answerable else ()
        items.append(Item(row["question"], answers, "", article, answerable))
    return items


def mine_docs(specs: list[str], work: Path, depth: int) -> list:
    """The mined questions of every ``QUESTIONS=INDEX`` in ``specs`` (``work``/docs-<stem>.jsonl, mined
    there first unless already present)."""
    from ..indexing.index import load_index
    from .verifier_data import mine_index, read_mined

    mined = []
    for spec in specs:
        questions, index = parse_spec(spec)
        out = work / f"docs-{questions.stem}.jsonl"
        if not out.is_file():
            partial = out.with_suffix(".part")
            mine_index(load_index(index), read_questions(questions), partial, depth)
            partial.replace(out)
        mined += read_mined(out)
    return mined


def weighted(mined: list, weight: int) -> list:
    """Each documentation question ``weight`` times: it counts as much as that many SQuAD questions."""
    return [m for m in mined for _ in range(max(1, weight))]
