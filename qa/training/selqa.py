"""SelQA's answer-sentence selection sets (Apache-2.0) as training data: each question with the sentences of
its Wikipedia section and which of them answer it.

A file is a JSON list of rows ``{"question", "section", "candidates", "answers"}``; ``candidates`` (the
sentences, in order) and ``answers`` (their indices) may be written as JSON strings, as the published files do.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from ..errors import QAError


@dataclass(frozen=True)
class SelqaQuestion:
    question: str
    section: str
    candidates: tuple[str, ...]  # the section's sentences, in order
    answers: tuple[int, ...]  # indices of the candidates that answer; empty for an unanswered question


def read_selqa(path: Path) -> list[SelqaQuestion]:
    """The questions of a SelQA file."""
    try:
        rows = json.loads(path.read_text(encoding="utf-8"))
        return [SelqaQuestion(row["question"], row.get("section") or "", tuple(_listed(row["candidates"])),
                              tuple(_listed(row["answers"]))) for row in rows]
    except (ValueError, KeyError, TypeError) as e:
        raise QAError(f"{path} is not a SelQA answer-sentence file ({e}). Pass selqa-ass-*.json files.") from e


def _listed(value: object) -> list:
    return value if isinstance(value, list) else json.loads(str(value))
