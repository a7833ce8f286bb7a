"""Thumbs up/down on answers, kept as raw material for evaluation.

The file is ``data/feedback.jsonl`` in the folder that holds the index folder (``index/`` →
``data/feedback.jsonl``). One JSON object a line, appended, never rewritten::

    {"time": "2026-12-01T21:50:00Z", "verdict": "up" | "down", "note": str | null,
     "question": str,            # as typed
     "query": str,               # as searched (a follow-up is searched with its earlier question)
     "abstained": bool, "conflict": bool, "confidence": float,
     "quotes": [{"source": str, "start": int, "end": int, "doc_sha256": str, "text": str}],
     "build": str}               # the index build that answered (index/CURRENT)

``python -m qa feedback [--json]`` summarises it.
"""
from __future__ import annotations

import fcntl
import json
import os
import time
from collections import Counter
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from .config import Config
from .errors import QAError

VERDICTS = ("up", "down")
MAX_NOTE_CHARS = 2_000


def data_dir(config: Config) -> Path:
    """The web app's own files (feedback, removed documents): a ``data`` folder beside the index folder."""
    return Path(config.index_dir).resolve().parent / "data"


def feedback_path(config: Config) -> Path:
    """Where feedback on answers from ``config.index_dir`` is kept."""
    return data_dir(config) / "feedback.jsonl"


def entry(turn: Mapping[str, Any], verdict: str, note: str | None, *, build: str) -> dict[str, Any]:
    """The line to record for ``verdict`` on the answer of a conversation turn (see qa.followup)."""
    if verdict not in VERDICTS:
        raise QAError(f"Feedback must be one of {', '.join(VERDICTS)} (got {verdict!r}).")
    answer = turn["answer"]
    quotes = [{k: q[k] for k in ("source", "start", "end", "doc_sha256", "text")} for q in answer["quotes"]]
    note = " ".join((note or "").split())[:MAX_NOTE_CHARS] or None
    return {"time": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()), "verdict": verdict, "note": note,
            "question": turn["question"], "query": turn.get("query") or turn["question"],
            "abstained": bool(answer["abstained"]), "conflict": bool(answer["conflict"]),
            "confidence": float(answer["confidence"]), "quotes": quotes, "build": build}


def record(path: Path, line: Mapping[str, Any]) -> None:
    """Append one entry to the feedback file (locked, flushed to disk)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a", encoding="utf-8") as f:
        fcntl.flock(f, fcntl.LOCK_EX)
        try:
            f.write(json.dumps(line, ensure_ascii=False) + "\n")
            f.flush()
            os.fsync(f.fileno())
        finally:
            fcntl.flock(f, fcntl.LOCK_UN)


def read(path: Path) -> tuple[list[dict[str, Any]], int]:
    """The entries of the feedback file, and how many lines could not be read."""
    if not path.is_file():
        raise QAError(f"No feedback yet: {path} does not exist. Answers get thumbs up/down in the web app.")
    entries, bad = [], 0
    for line in path.read_text(encoding="utf-8", errors="replace").splitlines():
        try:
            item = json.loads(line)
        except json.JSONDecodeError:
            bad += bool(line.strip())
            continue
        if isinstance(item, dict) and item.get("verdict") in VERDICTS:
            entries.append(item)
        else:
            bad += 1
    return entries, bad


def summarise(entries: Iterable[Mapping[str, Any]], *, unreadable: int = 0, worst: int = 5) -> dict[str, Any]:
    """Counts by verdict and build, the questions voted down most, and the notes."""
    items = list(entries)
    verdicts = Counter(e["verdict"] for e in items)
    down = Counter(e.get("question", "") for e in items if e["verdict"] == "down")
    builds: dict[str, Counter] = {}
    for e in items:
        builds.setdefault(str(e.get("build")), Counter())[e["verdict"]] += 1
    return {"entries": len(items), "up": verdicts["up"], "down": verdicts["down"], "unreadable_lines": unreadable,
            "abstained_down": sum(1 for e in items if e["verdict"] == "down" and e.get("abstained")),
            "by_build": {b: {"up": c["up"], "down": c["down"]} for b, c in builds.items()},
            "most_down": [{"question": q, "down": n} for q, n in down.most_common(worst)],
            "notes": [{"verdict": e["verdict"], "question": e.get("question"), "note": e["note"]}
                      for e in items if e.get("note")]}


def format_summary(summary: Mapping[str, Any], path: Path) -> str:
    """The summary as text for the terminal."""
    n = summary["entries"]
    share = f" ({summary['up'] / n:.0%} up)" if n else ""
    lines = [f"Feedback: {path}", f"Entries: {n}   up: {summary['up']}   down: {summary['down']}{share}",
             f"Down on abstentions: {summary['abstained_down']}"]
    if summary["unreadable_lines"]:
        lines.append(f"Unreadable lines (skipped): {summary['unreadable_lines']}")
    lines += [f"  build {b}: {c['up']} up, {c['down']} down" for b, c in summary["by_build"].items()]
    if summary["most_down"]:
        lines.append("Voted down most:")
        lines += [f"  {d['down']}× {d['question']}" for d in summary["most_down"]]
    if summary["notes"]:
        lines.append("Notes:")
        lines += [f"  [{x['verdict']}] {x['question']}: {x['note']}" for x in summary["notes"]]
    return "\n".join(lines)
