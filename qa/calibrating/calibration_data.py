"""What ``python -m qa calibrate`` learns from: labelled answers, from a question file or the feedback file.

A question file is JSON Lines, one question a line::

    {"question": "How do I rename a table?", "expect": "RENAME TO suppliers"}
    {"question": "...", "expected": ["one wording", "another"]}      # any of them
    {"question": "How do I install hstore?", "unanswerable": true}

An answer is *right* when its first quote holds an expected substring (whitespace collapsed). Each
question is answered once with the shipped calibration, which gives both the label and the inputs the
fit maps from (:func:`qa.calibration.inputs`).

Feedback entries (:mod:`qa.feedback`) are asked again (their ``query``, as it was searched). A thumbs up
on an answer says its first quote was right, a thumbs down that it was not, and a thumbs up on an
abstention that the documents do not answer. Such a verdict labels the answer given now only when its
first quote is still the one voted on; otherwise the entry is set aside and counted. A thumbs down on an
abstention says the user wanted an answer but not whether the first quote would have been right, so it
labels nothing and is counted apart.
"""
from __future__ import annotations

import json
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..answering.quotes import Ranking, rank
from ..config import Config
from ..errors import QAError
from ..indexing.index import Index
from . import calibration

MAX_QUESTIONS = 5_000


@dataclass(frozen=True)
class Example:
    """One answer given with the shipped calibration, its inputs, and what is known of it."""

    question: str
    values: Mapping[str, float]
    confidence: float  # the shipped confidence
    abstained: bool  # with the shipped threshold
    right: bool | None  # the first quote answers (None: unknown)
    answerable: bool | None  # the documents answer the question (None: unknown)
    ranking: Ranking


def read_questions(path: Path) -> list[dict[str, Any]]:
    """The rows of a question file, checked; QAError naming the line of the first problem."""
    if not path.is_file():
        raise QAError(f"No question file at {path}. Pass a JSON Lines file: one {{\"question\": ..., \"expect\": ...}} "
                      "or {\"question\": ..., \"unanswerable\": true} a line.")
    rows = []
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as e:
        raise QAError(f"The question file {path} cannot be read ({e}). Save it as UTF-8 JSON Lines.") from e
    for n, line in enumerate(lines, 1):
        if line.strip():
            rows.append(_question_row(line, f"{path}, line {n}"))
    if not rows:
        raise QAError(f"The question file {path} is empty. Write one question a line "
                      "(see `python -m qa calibrate -h`).")
    if len(rows) > MAX_QUESTIONS:
        raise QAError(f"The question file {path} has {len(rows)} questions; at most {MAX_QUESTIONS} are read.")
    return rows


def _question_row(line: str, where: str) -> dict[str, Any]:
    try:
        row = json.loads(line)
    except json.JSONDecodeError as e:
        raise QAError(f"{where} is not JSON ({e.msg}). Each line holds one object such as "
                      '{"question": "...", "expect": "..."}.') from e
    except RecursionError as e:
        raise QAError(f"{where} is nested too deeply to read. Each line holds one flat object.") from e
    if not isinstance(row, dict) or not isinstance(row.get("question"), str) or not row["question"].strip():
        raise QAError(f'{where}: each line needs a "question" string.')
    expected = row.get("expected", row.get("expect"))
    if isinstance(expected, str):
        expected = [expected]
    unanswerable = row.get("unanswerable") is True
    if unanswerable == bool(expected) or (expected and not all(isinstance(e, str) and e.strip() for e in expected)):
        raise QAError(f'{where}: give either "expect" (the text a right quote holds, or "expected": a list of them) '
                      'or "unanswerable": true.')
    return {"question": row["question"], "expected": [" ".join(e.split()) for e in expected or []],
            "unanswerable": unanswerable}


def answered(index: Index, config: Config, question: str) -> tuple[Ranking, str | None]:
    """The shipped answer to ``question``: its ranking and its first quote's text (None when it has none)."""
    shipped = config.with_(own_calibration=False)
    ranking = rank(index, question, config=shipped, k=1)
    if not ranking.spans:
        return ranking, None
    span = ranking.spans[0]
    doc = index.documents[span.source]
    end = doc.with_code(span.start, span.end)[0]  # the quote takes in the code its sentence introduces
    return ranking, doc.text[span.start:end]


def from_questions(index: Index, config: Config, rows: list[dict[str, Any]]) -> list[Example]:
    """Each question answered with the shipped calibration, labelled by its expected text."""
    out = []
    for row in rows:
        ranking, text = answered(index, config, row["question"])
        quote = " ".join((text or "").split())
        right = not row["unanswerable"] and any(e in quote for e in row["expected"])
        out.append(_example(index, row["question"], ranking, config, right, not row["unanswerable"]))
    return out


def _example(index: Index, question: str, ranking: Ranking, config: Config, right: bool | None,
             answerable: bool | None) -> Example:
    values = calibration.inputs(index, ranking)
    return Example(question, values, ranking.confidence, ranking.abstains(config), right, answerable, ranking)


def from_feedback(index: Index, config: Config, path: Path) -> tuple[list[Example], Counter[str]]:
    """Labelled examples from the feedback file, and counts of the entries set aside, by why."""
    from ..app import feedback

    skipped: Counter[str] = Counter()
    out = []
    for entry in feedback.entries(path, skipped):
        query = entry.get("query") if isinstance(entry.get("query"), str) else entry.get("question")
        if not isinstance(query, str) or not query.strip():
            skipped["no_question"] += 1
            continue
        try:
            ranking, _ = answered(index, config, query)
        except QAError:
            skipped["unaskable"] += 1
            continue
        label = _feedback_label(index, entry, ranking)
        if isinstance(label, str):
            skipped[label] += 1
            continue
        out.append(_example(index, query, ranking, config, *label))
    return out, skipped


def _feedback_label(index: Index, entry: Mapping[str, Any], ranking: Ranking) -> tuple[bool, bool | None] | str:
    """(right, answerable) for an entry, or why it labels nothing."""
    up = entry["verdict"] == "up"
    if entry.get("abstained"):
        return (False, False) if up else "down_on_abstention"
    quotes = entry.get("quotes") or []
    first = quotes[0] if quotes and isinstance(quotes[0], Mapping) else None
    span = ranking.spans[0] if ranking.spans else None
    if first is None or span is None:
        return "no_quote"
    doc = index.documents.get(span.source)
    same = (first.get("source") == span.source and first.get("start") == span.start and doc is not None
            and first.get("doc_sha256") == doc.sha256)
    if not same:
        return "answer_changed"
    return (True, True) if up else (False, None)
