"""What the documents tab, the source panel and the landing view show, as pure functions (safe HTML).

Document text is untrusted: every string from a document passes through :func:`esc`.
"""
from __future__ import annotations

import html
import re
from collections.abc import Iterable, Mapping
from typing import Any

from ..answering.sentence_stats import OPTION, OPTION_HEADING, option_headings
from ..records import SECTION_SEP

TARGET_ID = "qa-target"  # the <mark> the source panel scrolls to and focuses

# Template engines (the HTML component's, Handlebars-like ones) would read these; entities never run.
_TEMPLATE_CHARS = str.maketrans({"{": "&#123;", "}": "&#125;", "$": "&#36;", "`": "&#96;"})


def esc(text: object) -> str:
    """HTML-escape ``text`` for element content and quoted attribute values."""
    return html.escape(str(text), quote=True).translate(_TEMPLATE_CHARS)


# ---------------------------------------------------------------- documents

def document_html(doc: Any, *, start: int | None = None, end: int | None = None) -> str:
    """A document's cleaned text, escaped, headings in bold, ``[start:end]`` marked (id ``qa-target``) when given."""
    head = (f'<div class="qa-doc-head"><h2>{esc(doc.title)}</h2><p>{esc(doc.kind)} · <code>{esc(doc.source)}</code>'
            + (f" · {esc(doc.publisher)}" if getattr(doc, "publisher", None) else "")
            + (f" · {esc(doc.date)}" if getattr(doc, "date", None) else "") + "</p></div>")
    spans = [(s, e, '<strong class="qa-heading">', "</strong>") for s, e in heading_spans(doc)
             if start is None or end is None or e <= start or s >= end]
    spans += [(s, e, '<span class="qa-code">', "</span>") for s, e in _outside(code_spans(doc), start, end)]
    if start is not None and end is not None:
        code = any(s < end and start < e for s, e in code_spans(doc))
        spans.append((start, end, f'<mark id="{TARGET_ID}" tabindex="-1"{" class=qa-code" if code else ""}>',
                      "</mark>"))
    return (f'<div class="qa-doc">{head}<div class="qa-doc-text" tabindex="0" aria-label="Text of {esc(doc.title)}">'
            f"{_wrapped(doc.text, spans)}</div></div>")


def panel_html(doc: Any, *, start: int | None = None, end: int | None = None, note: str = "") -> str:
    """The source panel beside the chat: a close link, an optional note, and the document at the quote."""
    notice = f'<p class="qa-panel-note" role="status">{esc(note)}</p>' if note else ""
    return (f'<div class="qa-panel-body" role="region" aria-label="Source: {esc(doc.title)}">'
            '<p class="qa-panel-bar"><a class="qa-close" href="#">Close source</a></p>'
            f"{notice}{document_html(doc, start=start, end=end)}</div>")


def code_spans(doc: Any) -> list[tuple[int, int]]:
    """Where ``doc``'s code blocks are in its text (documents read from web pages and Markdown)."""
    return [(s, e) for s, e, kind in getattr(doc, "blocks", ()) if kind == "code"]


def _outside(spans: list[tuple[int, int]], start: int | None, end: int | None) -> list[tuple[int, int]]:
    """``spans`` less the range ``[start, end)``, so that they never overlap the marked quote."""
    if start is None or end is None:
        return spans
    out = []
    for s, e in spans:
        out += [(a, b) for a, b in ((s, min(e, start)), (max(s, end), e)) if b > a]
    return out


def heading_spans(doc: Any) -> list[tuple[int, int]]:
    """Where the heading lines of ``doc``'s sections are in its text."""
    spans = []
    for section in doc.sections:
        parts = section.title.split(SECTION_SEP)
        # a label's section names the section it labels a part of first ("strip › Returns:"): that heading is
        # written before, and the section opens with the label
        first = next((n for n, part in enumerate(parts) if doc.text.startswith(part, section.start)), 0)
        at = section.start
        for part in parts[first:]:
            found = doc.text.find(part, at, section.end)
            if found < 0 or found - at > 2:
                break  # the title does not open the section as it is written
            spans.append((found, found + len(part)))
            at = found + len(part)
    return spans


def _wrapped(text: str, spans: list[tuple[int, int, str, str]]) -> str:
    """``text`` escaped, with each of the non-overlapping ``spans`` (start, end, open, close) wrapped in its tags."""
    out, at = [], 0
    for s, e, open_tag, close_tag in sorted(spans):
        s, e = max(s, at), max(min(e, len(text)), at)
        out += [esc(text[at:s]), open_tag, esc(text[s:e]), close_tag]
        at = e
    return "".join(out) + esc(text[at:])


def document_rows(documents: Mapping[str, Any], manifest: Mapping[str, Any]) -> list[list[Any]]:
    """Rows of the documents table: title, kind, chunks, when indexed, source."""
    meta = manifest.get("documents", {})
    return [[d.title, d.kind, meta.get(s, {}).get("chunks"), _when(meta.get(s, {}).get("indexed_at")), s]
            for s, d in sorted(documents.items(), key=lambda item: natural_key(item[1].title))]


def natural_key(title: str) -> tuple[tuple[int, int | str], ...]:
    """Sort key that puts "2. Setup" before "10. Tuning": runs of digits compare as numbers.

    >>> sorted(["10. b", "2. a", "1. c"], key=natural_key)
    ['1. c', '2. a', '10. b']
    """
    return tuple((0, int(part)) if part.isdigit() else (1, part) for part in re.split(r"(\d+)", title.lower()) if part)


def _when(stamp: str | None) -> str:
    """"2026-11-22T00:34:16Z" -> "2026-11-22 00:34 UTC"."""
    return f"{stamp[:10]} {stamp[11:16]} UTC" if stamp and len(stamp) >= 16 else (stamp or "")


def source_choices(documents: Mapping[str, Any]) -> list[tuple[str, str]]:
    """(label, source) pairs for pickers, by title."""
    return sorted(((f"{d.title} ({s})", s) for s, d in documents.items()), key=lambda c: natural_key(c[0]))


# ---------------------------------------------------------------- landing view

def short_title(title: str) -> str:
    """A title up to its subtitle: "The Battle of X: how it led to Y" -> "The Battle of X"."""
    return re.split(r"\s*(?::|\s[–—|-]\s)\s*", title, maxsplit=1)[0].strip() or title


def corpus_blurb(documents: Iterable[Any]) -> str:
    """One line on what the corpus is about, from its documents' titles and kinds (HTML)."""
    docs = list(documents)
    if not docs:
        return "<p>No documents are indexed yet.</p>"
    topics = list(dict.fromkeys(short_title(d.title) for d in docs))
    kinds = sorted({d.kind for d in docs})
    shown = ", ".join(f"<em>{esc(t)}</em>" for t in topics[:4])
    if len(topics) > 4:
        shown += f" and {len(topics) - 4} more"
    noun = "document" if len(docs) == 1 else "documents"
    return (f'<p class="qa-blurb">Answers come only as quotes from {len(docs)} {noun} '
            f"({esc(', '.join(kinds))}) about {shown}.</p>")


# A name whose head is an event noun: "Battle of Lake Khasan", "Kanchazu Island incident".
_EVENT = re.compile(r"\b(battles?|incidents?|pacts?|treaty|treaties|wars?|conflicts?|crisis|sieges?|campaigns?|"
                    r"revolutions?|agreements?|expeditions?|offensives?)(\s+of\s+.+)?$", re.I)
# An API signature heading: "csv.reader(csvfile, dialect='excel')", "class csv.DictReader(f, ...)".
_SIGNATURE = re.compile(r"^(class\s+|exception\s+)?([A-Za-z_][\w.]*)\s*\(")
_HOW_TO = re.compile(r"^how (?:to|do i|can i)\s+(.+?)\??$", re.I)
_MANUAL_PAGE = re.compile(r"^([\w.+-]+)\((\d\w*)\)$")  # a manual page's title: "grep(1)", "git-commit(1)"
_GENERIC_OPENERS = frozenset({"major", "minor", "other", "early", "late", "first", "second", "final"})


def example_questions(documents: Iterable[Any], *, limit: int = 4) -> list[str]:
    """Example questions from titles and headings, taking documents in turn: headings that are questions
    (an FAQ's), "How to ..." headings, API signatures ("What does csv.reader() do?") and named events.

    Returns up to ``3 * limit`` candidates; the app keeps the first ``limit`` that the documents answer.
    """
    per_doc = []
    for d in documents:
        page = _MANUAL_PAGE.match(d.title.strip())
        command = page.group(1) if page else None
        # an option written over its aliases ("-n › --line-number") is asked about by its first
        names = [short_title(d.title)] + [(option_headings(s.title) or [s.title.split(SECTION_SEP)[-1]])[0].strip()
                                          for s in d.sections]
        per_doc.append([q for n in dict.fromkeys(names) if (q := question_from_heading(n, command))])
    out: dict[str, str] = {}
    for row in range(max((len(a) for a in per_doc), default=0)):
        for asks in per_doc:
            if row < len(asks):
                out.setdefault(re.sub(r"\W+", "", asks[row].lower()), asks[row])
    return list(out.values())[: limit * 3]


def question_from_heading(heading: str, command: str | None = None) -> str | None:
    """A question a reader would ask that ``heading`` answers, or None when it names nothing to ask about.
    On the manual page of ``command``, its title and the options its sections head ask what they do.

    >>> question_from_heading("Why are default values shared between objects?")
    'Why are default values shared between objects?'
    >>> question_from_heading("csv.reader(csvfile, dialect='excel', **fmtparams)")
    'What does csv.reader() do?'
    >>> question_from_heading("How to install packages"), question_from_heading("Boolean Operations")
    ('How do I install packages?', None)
    >>> [question_from_heading(h, "grep") for h in ("grep(1)", "-v, --invert-match", "--color[=WHEN]", "FILES")]
    ['What does grep do?', 'What does grep -v do?', 'What does grep --color do?', None]
    """
    words = heading.split()
    if not words or len(words) > 16:
        return None
    if command:
        if heading == command or _MANUAL_PAGE.match(heading):
            return f"What does {command} do?"
        option = OPTION.match(heading)
        if option and OPTION_HEADING.match(heading):
            return f"What does {command} {option.group(0)} do?"
    if heading.endswith("?") and words[0][:1].isupper():
        return heading
    how = _HOW_TO.match(heading)
    if how:
        return f"How do I {how.group(1)}?"
    signature = _SIGNATURE.match(heading)
    if signature:
        kind, name = signature.groups()
        return f"What is the {name} {kind.strip()}?" if kind else f"What does {name}() do?"
    name = short_title(heading)
    return _question_about(name) if _names_an_event(name) else None


def _names_an_event(name: str) -> bool:
    words = name.split()
    return (bool(_EVENT.search(name)) and len(words) <= 8 and words[0].lower() not in _GENERIC_OPENERS
            and any(w[:1].isupper() for w in words))


def _question_about(name: str) -> str:
    name = re.sub(r"^the\s+", "", name.strip(), flags=re.I)
    plural = bool(re.search(r"\b(battles|incidents|wars|conflicts|clashes|campaigns)\b", name, re.I))
    if re.search(r"\b(battles?|incidents?|sieges?|clash(es)?)\b", name, re.I):
        return f"When {'were' if plural else 'was'} the {name}?"
    return f"What {'were' if plural else 'was'} the {name}?"
