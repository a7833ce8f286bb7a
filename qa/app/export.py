"""Plain-text forms of answers: a quote with its citation (the "copy" action) and a conversation as Markdown."""
from __future__ import annotations

import re
import time
from collections.abc import Mapping, Sequence
from typing import Any

from ..records import code_parts


def citation_text(q: Mapping[str, Any]) -> str:
    """Where a quote comes from, in one line: title, section, source and line, date, original URL."""
    parts = [q["title"]]
    if q.get("section"):
        parts.append(f"section “{q['section']}”")
    places = [f"{unit} {int(q[unit])}" for unit in ("page", "paragraph", "line") if q.get(unit)]
    parts.append(", ".join([q["source"], *places]))
    if q.get("date"):
        parts.append(str(q["date"]))
    if q.get("url"):
        parts.append(str(q["url"]))
    return ", ".join(parts)


def quote_parts(q: Mapping[str, Any]) -> tuple[str, str, str]:
    """A quote as ``(text, code, text after)``: the code block it holds (or introduces with "...:") kept apart
    from the prose before it and the sentence after it that a pair can bring."""
    code_start, code_end = q.get("code_start"), q.get("code_end")
    return code_parts(str(q["text"]), int(q["start"]), None if code_start is None else int(code_start),
                      None if code_end is None else int(code_end))


def fenced(code: str) -> list[str]:
    """``code`` as a fenced Markdown block, the fence longer than any run of backticks inside it."""
    fence = "`" * max([3, *(len(run) + 1 for run in re.findall(r"`{3,}", code))])
    return [fence, *code.splitlines(), fence]


def read_as(answer: Mapping[str, Any]) -> str:
    """The sentence that says which question words were searched as other words (empty when none were).

    >>> read_as({"corrections": [{"typed": "brnach", "read": "branch"}]})
    'Read “brnach” as “branch”: the documents never use the word as typed.'
    """
    pairs = [f"“{c['typed']}” as “{c['read']}”" for c in answer.get("corrections") or []]
    if not pairs:
        return ""
    said = pairs[0] if len(pairs) == 1 else ", ".join(pairs[:-1]) + " and " + pairs[-1]
    return f"Read {said}: the documents never use the {'word' if len(pairs) == 1 else 'words'} as typed."


def quote_with_citation(q: Mapping[str, Any]) -> str:
    """What "copy" puts on the clipboard: the quote in quotation marks (code as a fenced block), then its citation."""
    text, code, after = quote_parts(q)
    if not code:
        return f"“{text}”\n— {citation_text(q)}"
    lead = [f"“{text}”", ""] if text else []
    tail = ["", f"“{after}”"] if after else []
    return "\n".join([*lead, *fenced(code), *tail, f"— {citation_text(q)}"])


def conversation_markdown(turns: Sequence[Mapping[str, Any]], *, title: str = "Ask the documents") -> str:
    """The conversation as Markdown: each question, its quotes as block quotes, and numbered citations."""
    lines = [f"# {title}", "", f"Exported {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}.", ""]
    for turn in turns:
        lines += [f"## {_one_line(turn['question'])}", ""]
        if turn.get("follows"):
            lines += [f"*Searched together with the earlier question “{_one_line(turn['follows'])}”.*", ""]
        lines += _answer_markdown(turn["answer"])
    return "\n".join(lines).rstrip() + "\n"


def _answer_markdown(answer: Mapping[str, Any]) -> list[str]:
    read = [f"*{read_as(answer)}*", ""] if answer.get("corrections") else []
    if answer["abstained"]:
        lines = [*read, "The documents do not answer this question.", ""]
        if answer.get("related"):
            lines += ["Related passages (not an answer):", ""]
            lines += [f"- “{_one_line(q['text'])}” — {citation_text(q)}" for q in answer["related"]]
            lines.append("")
        return lines
    lines = [*read, *([f"**Sources disagree.** {answer['conflict_note']}", ""] if answer["conflict"] else [])]
    for n, q in enumerate(answer["quotes"], 1):
        text, code, after = quote_parts(q)
        body = (text.splitlines() if text else []) + ([""] if text and code else []) + (fenced(code) if code else [])
        body += ["", *after.splitlines()] if after else []
        lines += [f"> {line}".rstrip() for line in body or [""]]
        lines += ["", f"[{n}] {citation_text(q)}", ""]
    return lines


def _one_line(text: str) -> str:
    return " ".join(str(text).split())
