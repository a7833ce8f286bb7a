"""What the web app shows, as pure functions: answers, documents and the landing view as safe HTML.

Document text is untrusted. Every string that comes from a document or a question passes through
:func:`esc` before it reaches HTML, so ``<img src=x onerror=...>`` in a document shows as text.

>>> esc('<img src=x onerror="alert(1)">')
'&lt;img src=x onerror=&quot;alert(1)&quot;&gt;'
"""
from __future__ import annotations

import html
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

from .config import Config

TARGET_ID = "qa-target"  # the <mark> the document view scrolls to

# Template engines (the HTML component's, Handlebars-like ones) would read these; entities never run.
_TEMPLATE_CHARS = str.maketrans({"{": "&#123;", "}": "&#125;", "$": "&#36;", "`": "&#96;"})


def esc(text: object) -> str:
    """HTML-escape ``text`` for element content and quoted attribute values."""
    return html.escape(str(text), quote=True).translate(_TEMPLATE_CHARS)


# ---------------------------------------------------------------- answers

def confidence_label(confidence: float, threshold: float | None = None) -> str:
    """A word for how far the support for an answer clears the abstention threshold (default: Config's)."""
    margin = confidence - (Config.abstain_threshold if threshold is None else threshold)
    if margin >= 1.0:
        return "high"
    return "medium" if margin >= 0.4 else "low"


def highlighted(text: str, start: int, end: int, *, mark_id: str | None = None) -> str:
    """``text`` escaped, with ``text[start:end]`` in a <mark>."""
    start, end = max(0, min(start, len(text))), max(0, min(end, len(text)))
    attr = f' id="{esc(mark_id)}"' if mark_id else ""
    return f"{esc(text[:start])}<mark{attr}>{esc(text[start:end])}</mark>{esc(text[end:])}"


def citation(q: Mapping[str, Any], n: int) -> str:
    """The numbered citation of a quote: a link to the quote in the document view, then where it is,
    then (when known) the document's date and a link to the original page."""
    places = [f"{unit} {int(q[unit])}" for unit in ("page", "paragraph", "line") if q.get(unit)]
    where = " · ".join(esc(x) for x in (q.get("section"), q["kind"], *places) if x)
    data = (f'data-source="{esc(q["source"])}" data-start="{int(q["start"])}" data-end="{int(q["end"])}" '
            f'data-sha="{esc(q["doc_sha256"])}"')
    return (f'<a class="qa-cite" href="#" {data} title="Open {esc(q["source"])} at this quote">'
            f'[{n}] {esc(q["title"])}</a> <span class="qa-where">{where}</span>{original_link(q)}')


_WEB_URL = re.compile(r"^https?://[^\s/]+", re.IGNORECASE)


def original_link(q: Mapping[str, Any]) -> str:
    """The document's date and a link to its original page (new tab, no opener, no referrer), when known.

    Only http(s) addresses become links: a document's own metadata could hold a ``javascript:`` URL.
    """
    date = f' <span class="qa-date">{esc(q["date"])}</span>' if q.get("date") else ""
    url = q.get("url")
    if not (isinstance(url, str) and _WEB_URL.match(url)):
        return date
    return (f'{date} <a class="qa-original" href="{esc(url)}" target="_blank" rel="noopener noreferrer" '
            f'title="Open the original page: {esc(url)}">original page ↗</a>')


def quote_html(q: Mapping[str, Any], n: int) -> str:
    """A quote as a block quote with its citation, expandable to its context with the quote marked."""
    inner = int(q["start"]) - int(q["context_start"])
    context = highlighted(q["context"], inner, inner + len(q["text"]))
    return (f'<figure class="qa-quote"><blockquote>{esc(q["text"])}</blockquote>'
            f'<figcaption>{citation(q, n)}</figcaption>'
            f'<details><summary>Context</summary><p class="qa-context">{context}</p></details></figure>')


def answer_html(answer: Mapping[str, Any], *, threshold: float | None = None) -> str:
    """An answer: cited quotes with a confidence cue, sources side by side on a conflict, or an abstention."""
    if answer["abstained"]:
        return _abstention_html(answer)
    label = confidence_label(answer["confidence"], threshold)
    cue = (f'<p class="qa-confidence qa-{label}" title="support {answer["confidence"]:.2f}">'
           f"Confidence: {label}</p>")
    quotes = list(enumerate(answer["quotes"], 1))
    if not answer["conflict"]:
        return '<div class="qa-answer">' + "".join(quote_html(q, n) for n, q in quotes) + cue + "</div>"
    columns: dict[str, list[str]] = {}
    for n, q in quotes:
        columns.setdefault(q["source"], []).append(quote_html(q, n))
    sides = "".join(f'<div class="qa-side">{"".join(c)}</div>' for c in columns.values())
    return (f'<div class="qa-answer qa-conflict"><p class="qa-conflict-note"><strong>Sources disagree.</strong> '
            f'{esc(answer["conflict_note"] or "")}</p><div class="qa-sides">{sides}</div>{cue}</div>')


def _abstention_html(answer: Mapping[str, Any]) -> str:
    out = '<div class="qa-answer qa-abstain"><p class="qa-no-answer">The documents do not answer this question.</p>'
    if answer.get("related"):
        out += '<p class="qa-related-label">Related passages (nearest text, not an answer):</p>'
        out += "".join(quote_html(q, n) for n, q in enumerate(answer["related"], 1))
    return out + "</div>"


def conversation_html(turns: Sequence[Mapping[str, Any]], *, threshold: float | None = None) -> str:
    """The chat so far. A turn has ``question`` (as typed), ``query`` (as retrieved) and ``answer`` (a dict)."""
    if not turns:
        return '<div class="qa-chat qa-empty">Ask a question; answers are quotes from the documents.</div>'
    parts = []
    for turn in turns:
        parts.append(f'<div class="qa-turn"><p class="qa-q">{esc(turn["question"])}</p>')
        if turn.get("query") and turn["query"] != turn["question"]:
            parts.append(f'<p class="qa-query">Searched as a follow-up: “{esc(turn["query"])}”</p>')
        parts += [answer_html(turn["answer"], threshold=threshold), "</div>"]
    return '<div class="qa-chat">' + "".join(parts) + "</div>"


# ---------------------------------------------------------------- follow-ups

_PRONOUNS = frozenset({"it", "its", "it's", "they", "them", "their", "theirs", "this", "that", "these", "those", "he",
                       "him", "his", "she", "her", "there", "then"})
_WORD = re.compile(r"[\w'’]+")
# Words that frame a question rather than name its topic.
_STOP = frozenset({
    "a", "an", "the", "and", "or", "but", "so", "of", "in", "on", "at", "to", "for", "by", "with", "from",
    "was", "were", "is", "are", "be", "been", "did", "do", "does", "what", "when", "where", "who", "whom", "which",
    "why", "how", "about", "happen", "happened", "happens",
})


def is_follow_up(question: str) -> bool:
    """True when ``question`` leans on an earlier one: a pronoun, an opening "and", or almost no content words."""
    words = [w.lower() for w in _WORD.findall(question)]
    if not words:
        return False
    leans = bool(_PRONOUNS.intersection(words)) or words[0] in ("and", "but", "so")
    return leans or len(topic_words(question).split()) <= 1


def topic_words(question: str) -> str:
    """The words of ``question`` that name what it is about (no question words, pronouns or stop words)."""
    return " ".join(w for w in _WORD.findall(question) if w.lower() not in _STOP and w.lower() not in _PRONOUNS)


def retrieval_query(question: str, previous: str | None, *, known: Callable[[str], bool] = lambda word: True) -> str:
    """What to retrieve with: a follow-up question, then the topic words of the question it follows.

    The follow-up stays first so that its own question words ("when", "how many") decide what kind of
    answer is wanted. A follow-up whose own topic words are all unknown to the documents (``known``)
    asks about something else, and is left alone so that it can be abstained from.

    >>> retrieval_query("And when did it end?", "Who won the Battle of Khalkhin Gol?")
    'And when did it end? won Battle Khalkhin Gol'
    >>> retrieval_query("Who led Japan?", "Who won the Battle of Khalkhin Gol?")
    'Who led Japan?'
    """
    if not previous or not is_follow_up(question):
        return question
    own = topic_words(question).split()
    if own and not any(known(word) for word in own):
        return question
    return f"{question} {topic_words(previous)}"


# ---------------------------------------------------------------- documents

def document_html(doc: Any, *, start: int | None = None, end: int | None = None) -> str:
    """A document's cleaned text, escaped, headings in bold, ``[start:end]`` marked (id ``qa-target``) when given."""
    head = (f'<div class="qa-doc-head"><h3>{esc(doc.title)}</h3><p>{esc(doc.kind)} · <code>{esc(doc.source)}</code>'
            + (f" · {esc(doc.publisher)}" if getattr(doc, "publisher", None) else "")
            + (f" · {esc(doc.date)}" if getattr(doc, "date", None) else "") + "</p></div>")
    spans = [(s, e, '<strong class="qa-heading">', "</strong>") for s, e in heading_spans(doc)
             if start is None or end is None or e <= start or s >= end]
    if start is not None and end is not None:
        spans.append((start, end, f'<mark id="{TARGET_ID}">', "</mark>"))
    return f'<div class="qa-doc">{head}<div class="qa-doc-text">{_wrapped(doc.text, spans)}</div></div>'


def heading_spans(doc: Any) -> list[tuple[int, int]]:
    """Where the heading lines of ``doc``'s sections are in its text."""
    spans = []
    for section in doc.sections:
        at = section.start
        for part in section.title.split(" › "):
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
            for s, d in sorted(documents.items(), key=lambda item: item[1].title.lower())]


def _when(stamp: str | None) -> str:
    """"2026-11-22T00:34:16Z" -> "2026-11-22 00:34 UTC"."""
    return f"{stamp[:10]} {stamp[11:16]} UTC" if stamp and len(stamp) >= 16 else (stamp or "")


def source_choices(documents: Mapping[str, Any]) -> list[tuple[str, str]]:
    """(label, source) pairs for pickers, by title."""
    return sorted(((f"{d.title} ({s})", s) for s, d in documents.items()), key=lambda c: c[0].lower())


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
                    r"revolutions?|agreements?|expeditions?|operations?|offensives?)(\s+of\s+.+)?$", re.I)
_GENERIC_OPENERS = frozenset({"major", "minor", "other", "early", "late", "first", "second", "final"})


def example_questions(documents: Iterable[Any], *, limit: int = 4) -> list[str]:
    """Example questions about the named events in titles and headings, taking documents in turn.

    Returns up to ``3 * limit`` candidates; the app keeps the first ``limit`` that the documents answer.
    """
    per_doc = []
    for d in documents:
        names = [short_title(d.title)] + [short_title(s.title.split("›")[-1]) for s in d.sections]
        per_doc.append([_question_about(n) for n in dict.fromkeys(names) if _names_an_event(n)])
    out: dict[str, str] = {}
    for row in range(max((len(a) for a in per_doc), default=0)):
        for asks in per_doc:
            if row < len(asks):
                out.setdefault(re.sub(r"\W+", "", asks[row].lower()), asks[row])
    return list(out.values())[: limit * 3]


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
