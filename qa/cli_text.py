"""How the command line shows answers, verifications, a document's removals and the index on a terminal.

Every text that came from a document, a file name or a question goes through :func:`qa.terminal.printable`.
"""
from __future__ import annotations

import bisect
import textwrap
from typing import Any

from .commands import app
from .terminal import printable


def render_text(answer: dict[str, Any]) -> str:
    """The readable form of an answer for a terminal; text from the documents is made safe to print."""
    lines = [f"Q: {printable(answer['question'])}", ""]
    lines += [printable(app.read_as(answer)), ""] if answer.get("corrections") else []
    if answer["abstained"]:
        lines.append("The documents do not answer this question.")
        if answer.get("related"):
            lines += ["", "Related passages (not an answer):"]
            lines += [f"  - {printable(q['title'])}: “{printable(_short(q['text']))}”" for q in answer["related"]]
        return "\n".join(lines)
    if answer["conflict"]:
        lines += [f"Conflict — {printable(answer['conflict_note'])}", ""]
    for n, q in enumerate(answer["quotes"], 1):
        prose, code, after = app.quote_parts(q)
        lines += [_quoted(prose)] if prose else []
        lines += [printable(f"> {line}".rstrip(), multiline=True) for line in app.fenced(code)] if code else []
        lines += [_quoted(after)] if after else []
        lines += [printable(f"  [{n}] {q['title']} ({q['kind']}{', ' + q['date'] if q.get('date') else ''}) — "
                            f"{q['source']}{', ' + where if (where := citation_place(q)) else ''}; "
                            f"chars {q['start']}–{q['end']}; score {q['score']:.2f}")]
        lines += [printable(f"      {q['url']}")] if q.get("url") else []
        lines.append("")
    return "\n".join(lines).rstrip()


def _quoted(prose: str) -> str:
    """A quote's prose as block-quoted lines of at most 100 characters, each of its paragraphs (a list's items)
    filled apart."""
    filled = [textwrap.fill(part, width=100, initial_indent="> ", subsequent_indent="> ")
              for part in f"“{prose}”".split("\n\n")]
    return printable("\n>\n".join(filled), multiline=True)


def citation_place(q: dict[str, Any]) -> str:
    """Where a quote is in its original: section, then the line, page or paragraph the format has."""
    parts = [f"section “{q['section']}”" if q.get("section") else None]
    parts += [f"{unit} {q[unit]}" for unit in ("page", "paragraph", "line") if q.get(unit)]
    return ", ".join(x for x in parts if x)


def _short(text: str, n: int = 160) -> str:
    return text if len(text) <= n else text[: n - 1] + "…"


def removals_text(doc: Any) -> str:
    """What cleaning removed from a document, one removal a line: where (raw offset), the rule, the text."""
    if not doc.removals:
        return f"Nothing was removed from {printable(doc.source)}."
    lines = [f"{len(doc.removals)} removals from {printable(doc.source)} (offset in the file's text, rule, text):"]
    pages = doc.raw_page_starts  # a PDF's: say on which page, too
    lines += [f"  @{r.start}{f' (page {bisect.bisect_right(pages, r.start)})' if pages else ''}  "
              f"{printable(r.rule)}: “{printable(_short(' '.join(r.text.split())))}”" for r in doc.removals]
    return "\n".join(lines)


def render_verification(v: dict[str, Any]) -> str:
    """The readable form of a verification; text from the documents is made safe to print."""
    if v["status"] == "unverified":
        lines = ["Unverified: the documents do not contain this text."]
        if v.get("nearest"):
            n = v["nearest"]
            lines += [f"Nearest passage ({v['similarity']:.0%} alike, {v['edits']} characters differ):",
                      f"  “{_short(n['text'], 300)}”", f"  {n['citation']}"]
        return printable("\n".join(lines), multiline=True)
    head = ("Verified: the text is in the documents exactly." if v["status"] == "verified" else
            f"Repaired: the text differs from the documents in {', '.join(v['differences'])}. Quote this instead:")
    lines = [head]
    for span in v["spans"][:5]:
        lines += ["", textwrap.fill(f"“{span['text']}”", width=100, initial_indent="> ", subsequent_indent="> "),
                  f"  {span['citation']}"]
    if len(v["spans"]) > 5:
        lines.append(f"… and {len(v['spans']) - 5} more places")
    return printable("\n".join(lines), multiline=True)


def index_line(manifest: dict[str, Any]) -> str:
    """Search structures, their recall@10 against exact search (measured at build), and the embedding backend."""
    parts = []
    for part, ann in (manifest.get("ann") or {}).items():
        extra = f", nlist {ann['nlist']}, nprobe {ann['nprobe']}" if ann.get("kind") == "ivf" else ""
        parts.append(f"{part}: {ann.get('count', 0)} vectors, {ann.get('kind')}{extra}, "
                     f"recall@10 {float(ann.get('recall_at_10', 1.0)):.3f}")
    store = manifest.get("store") or {"kind": "faiss"}
    if store.get("kind") == "milvus":
        parts.append(f"Milvus at {store.get('uri')}, collections {store.get('collection')}_chunks/_sentences")
    backend = (manifest.get("embedding") or {}).get("backend", "torch")
    return f"Index ({backend} embeddings) — " + "; ".join(parts)
