"""Thumbs up/down on answers, kept as raw material for evaluation.

The file is ``data/feedback.jsonl`` in the folder that holds the index folder (``index/`` →
``data/feedback.jsonl``). One JSON object a line, appended, never rewritten::

    {"time": "2026-12-01T21:50:00Z", "verdict": "up" | "down", "note": str | null,
     "question": str,            # as typed
     "query": str,               # as searched (a follow-up is searched with its earlier question)
     "abstained": bool, "conflict": bool, "confidence": float,
     "quotes": [{"source": str, "start": int, "end": int, "doc_sha256": str, "text": str}],
     "build": str}               # the index build that answered (index/CURRENT)

``python -m qa feedback [--json]`` summarises it, reading the file a line at a time: a line that is not
JSON, too long, or holds values of the wrong type is skipped and counted, never fatal.

The web app writes entries from its own record of what it answered (:class:`Answered`), never from
the conversation the browser sends back: the client names a turn, the server looks it up, and each
quote is checked against the live index before it is written.
"""
from __future__ import annotations

import fcntl
import json
import os
import secrets
import threading
import time
from collections import Counter, OrderedDict
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any

from ..config import Config
from ..errors import QAError

VERDICTS = ("up", "down")
MAX_NOTE_CHARS = 2_000
MAX_LINE_CHARS = 1_000_000  # a line written by this module is far shorter; longer ones are skipped unread
_SHOWN_CHARS = 300  # questions and notes in the summary are cut to this
_QUOTE_KEYS = {"source": str, "start": int, "end": int, "doc_sha256": str, "text": str}


def data_dir(config: Config) -> Path:
    """The web app's own files (feedback, removed documents): a ``data`` folder beside the index folder."""
    return Path(config.index_dir).resolve().parent / "data"


def feedback_path(config: Config) -> Path:
    """Where feedback on answers from ``config.index_dir`` is kept."""
    return data_dir(config) / "feedback.jsonl"


def entry(turn: Mapping[str, Any], verdict: str, note: object, *, build: str, index: Any = None,
          max_quotes: int = Config.max_quotes, max_chars: int = Config.max_question_chars) -> dict[str, Any]:
    """The line to record for ``verdict`` on the answer of a conversation turn (see qa.answering.followup).

    Types and lengths are checked, at most ``max_quotes`` quotes are kept and, given the live
    ``index``, only quotes that match its documents exactly (the rest are counted in ``unverified``).
    """
    if verdict not in VERDICTS:
        raise QAError(f"Feedback must be one of {', '.join(VERDICTS)} (got {verdict!r}).")
    answer, question = turn.get("answer"), turn.get("question")
    query = turn.get("query") or question
    if not (isinstance(answer, Mapping) and isinstance(question, str) and isinstance(query, str)
            and len(question) <= max_chars and len(query) <= 2 * max_chars):
        raise QAError("This answer cannot be given feedback (it is not one this server gave). Ask again.")
    quotes = [q for q in (answer.get("quotes") or [])[:max_quotes] if _is_quote(q)]
    verified = [q for q in quotes if index is None or _matches(q, index)]
    note = " ".join(note.split())[:MAX_NOTE_CHARS] if isinstance(note, str) else ""
    line = {"time": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()), "verdict": verdict, "note": note or None,
            "question": question, "query": query, "abstained": answer.get("abstained") is True,
            "conflict": answer.get("conflict") is True, "confidence": _number(answer.get("confidence")),
            "quotes": [{k: q[k] for k in _QUOTE_KEYS} for q in verified], "build": build}
    if len(verified) < len(quotes):
        line["unverified"] = len(quotes) - len(verified)
    return line


def _is_quote(q: object) -> bool:
    return isinstance(q, Mapping) and all(isinstance(q.get(k), t) and not isinstance(q.get(k), bool)
                                          for k, t in _QUOTE_KEYS.items())


def _matches(q: Mapping[str, Any], index: Any) -> bool:
    doc = index.documents.get(q["source"])
    return doc is not None and doc.sha256 == q["doc_sha256"] and doc.text[q["start"]:q["end"]] == q["text"]


def _number(value: object) -> float:
    ok = isinstance(value, (int, float)) and not isinstance(value, bool) and 0 <= value <= 1
    return float(value) if ok else 0.0  # type: ignore[arg-type]


class Answered:
    """The server's own record of the answers it gave, by turn id: what feedback may refer to.

    Keeps the ``limit`` most recent answers, each cut to what a feedback entry needs.
    """

    def __init__(self, limit: int = 5_000):
        self.limit = limit
        self._turns: OrderedDict[str, dict[str, Any]] = OrderedDict()
        self._lock = threading.Lock()

    def remember(self, turn: Mapping[str, Any]) -> str:
        """Record an answered turn; the id the page sends back to give feedback on it."""
        answer = turn["answer"]
        kept = {"question": turn["question"], "query": turn.get("query") or turn["question"],
                "answer": {k: answer.get(k) for k in ("abstained", "conflict", "confidence")}
                | {"quotes": [{k: q.get(k) for k in _QUOTE_KEYS} for q in answer.get("quotes") or []]}}
        turn_id = secrets.token_urlsafe(12)
        with self._lock:
            self._turns[turn_id] = kept
            while len(self._turns) > self.limit:
                self._turns.popitem(last=False)
        return turn_id

    def get(self, turn_id: object) -> dict[str, Any] | None:
        with self._lock:
            return self._turns.get(turn_id) if isinstance(turn_id, str) else None


def record(path: Path, line: Mapping[str, Any]) -> None:
    """Append one entry to the feedback file (locked, flushed to disk)."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("a", encoding="utf-8") as f:
            fcntl.flock(f, fcntl.LOCK_EX)
            try:
                f.write(json.dumps(line, ensure_ascii=False) + "\n")
                f.flush()
                os.fsync(f.fileno())
            finally:
                fcntl.flock(f, fcntl.LOCK_UN)
    except OSError as e:
        raise QAError(f"The feedback could not be saved to {path} ({e.strerror or e}). Check that its folder "
                      "is writable and the disk has room, then try again.") from e


def read(path: Path) -> tuple[list[dict[str, Any]], int]:
    """The entries of the feedback file, and how many lines were skipped (see :func:`entries`)."""
    skipped = Counter[str]()
    return list(entries(path, skipped)), skipped.total()


def entries(path: Path, skipped: Counter[str] | None = None) -> Iterator[dict[str, Any]]:
    """The well-formed entries of the feedback file, one line at a time; ``skipped`` counts the rest by
    why: ``unreadable`` (not JSON, too long) or ``wrong_types`` (a value of the wrong type)."""
    skipped = Counter() if skipped is None else skipped
    if not path.is_file():
        raise QAError(f"No feedback yet: {path} does not exist. Answers get thumbs up/down in the web app.")
    try:
        with path.open(encoding="utf-8", errors="replace") as f:
            for line in _lines(f, skipped):
                try:
                    item = json.loads(line)
                except (ValueError, RecursionError):
                    skipped["unreadable"] += 1
                    continue
                if _well_formed(item):
                    yield item
                else:
                    skipped["wrong_types"] += 1
    except OSError as e:
        raise QAError(f"The feedback file {path} cannot be read ({e.strerror or e}).") from e


def _lines(f: Any, skipped: Counter[str]) -> Iterator[str]:
    """The file's non-blank lines; one longer than MAX_LINE_CHARS is counted and passed over unread."""
    while line := f.readline(MAX_LINE_CHARS + 1):
        if len(line) > MAX_LINE_CHARS and not line.endswith("\n"):
            while (rest := f.readline(MAX_LINE_CHARS)) and not rest.endswith("\n"):
                pass
            skipped["unreadable"] += 1
        elif line.strip():
            yield line


_ENTRY_TYPES: dict[str, Any] = {"question": str, "note": (str, type(None)), "abstained": bool,
                                "build": (str, type(None))}


def _well_formed(item: object) -> bool:
    return (isinstance(item, dict) and item.get("verdict") in VERDICTS
            and all(isinstance(item.get(k), t) for k, t in _ENTRY_TYPES.items() if k in item)
            and isinstance(item.get("question", ""), str))


def summarise(items: Iterable[Mapping[str, Any]], *, unreadable: int = 0, wrong_types: int = 0, worst: int = 5,
              notes: int = 100) -> dict[str, Any]:
    """Counts by verdict and build, the questions voted down most, and the latest ``notes`` notes."""
    verdicts, down, abstained_down = Counter[str](), Counter[str](), 0
    builds: dict[str, Counter[str]] = {}
    kept: list[dict[str, Any]] = []
    for e in items:
        verdicts[e["verdict"]] += 1
        builds.setdefault(str(e.get("build")), Counter())[e["verdict"]] += 1
        if e["verdict"] == "down":
            down[e.get("question", "")[:_SHOWN_CHARS]] += 1
            abstained_down += bool(e.get("abstained"))
        if e.get("note"):
            kept = [*kept[-(notes - 1):], {"verdict": e["verdict"], "question": e.get("question", "")[:_SHOWN_CHARS],
                                           "note": e["note"][:_SHOWN_CHARS * 4]}]
    return {"entries": verdicts.total(), "up": verdicts["up"], "down": verdicts["down"],
            "unreadable_lines": unreadable, "wrong_type_lines": wrong_types, "abstained_down": abstained_down,
            "by_build": {b: {"up": c["up"], "down": c["down"]} for b, c in builds.items()},
            "most_down": [{"question": q, "down": n} for q, n in down.most_common(worst)], "notes": kept}


def summarise_file(path: Path) -> dict[str, Any]:
    """:func:`summarise` over the feedback file, read a line at a time."""
    skipped = Counter[str]()
    summary = summarise(entries(path, skipped))
    return {**summary, "unreadable_lines": skipped["unreadable"], "wrong_type_lines": skipped["wrong_types"]}


def format_summary(summary: Mapping[str, Any], path: Path) -> str:
    """The summary as text for the terminal."""
    n = summary["entries"]
    share = f" ({summary['up'] / n:.0%} up)" if n else ""
    lines = [f"Feedback: {path}", f"Entries: {n}   up: {summary['up']}   down: {summary['down']}{share}",
             f"Down on abstentions: {summary['abstained_down']}"]
    if summary["unreadable_lines"]:
        lines.append(f"Unreadable lines (skipped): {summary['unreadable_lines']}")
    if summary.get("wrong_type_lines"):
        lines.append(f"Lines with values of the wrong type (skipped): {summary['wrong_type_lines']}")
    lines += [f"  build {b}: {c['up']} up, {c['down']} down" for b, c in summary["by_build"].items()]
    if summary["most_down"]:
        lines.append("Voted down most:")
        lines += [f"  {d['down']}× {d['question']}" for d in summary["most_down"]]
    if summary["notes"]:
        lines.append("Notes:")
        lines += [f"  [{x['verdict']}] {x['question']}: {x['note']}" for x in summary["notes"]]
    return "\n".join(lines)
