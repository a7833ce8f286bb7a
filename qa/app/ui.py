"""What the web app shows, as pure functions: answers and the conversation as safe HTML.

Document text is untrusted. Every string that comes from a document or a question passes through
:func:`esc` before it reaches HTML, so ``<img src=x onerror=...>`` in a document shows as text.

>>> esc('<img src=x onerror="alert(1)">')
'&lt;img src=x onerror=&quot;alert(1)&quot;&gt;'
"""
from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any
from urllib.parse import quote, urlencode

from ..answering.conflicts import dates, facts, question_kind
from ..answering.meaning import said
from ..answering.scoring import scoring_for
from ..config import Config
from ..ingest.load import web_url
from .export import conversation_markdown, quote_parts, quote_with_citation, read_as
from .ui_docs import (  # noqa: F401  (the documents view and landing view are part of this module's API)
    TARGET_ID,
    corpus_blurb,
    document_html,
    document_rows,
    esc,
    example_questions,
    heading_spans,
    panel_html,
    short_title,
    source_choices,
)

# ---------------------------------------------------------------- answers

#: Confidence words from the answer's ``confidence`` (the probability that the top quote answers the
#: question): the lowest probability for each word, highest first. Below the last: "low".


def confidence_label(confidence: float, *, conflict: bool = False,
                     levels: tuple[tuple[float, str], ...] = Config.confidence_levels) -> str:
    """The word for ``confidence``; never "high" when the sources disagree, nor below the fitted floor of
    "high" (the scoring file's: where held-out accuracy reaches 0.9)."""
    label = next((word for floor, word in levels if confidence >= floor), "low")
    high_floor = scoring_for(Config()).high
    return "medium" if label == "high" and (conflict or confidence < high_floor) else label


def calibration_note(state: Mapping[str, Any]) -> str:
    """A line under the landing blurb when the index has its own calibration (or a stale one); nothing for
    the shipped one. ``state`` is :meth:`qa.calibration.Status.to_dict`."""
    if state.get("kind") == "own":
        n = state.get("examples")
        return (f'<p class="qa-calibration" data-calibration="own">Confidence and abstention are calibrated on this '
                f'collection\'s own {"" if n is None else f"{int(n)} "}questions '
                f'(fitted {esc(str(state.get("fitted_at") or "")[:10])}).</p>')
    if state.get("kind") == "stale":
        return f'<p class="qa-calibration" data-calibration="stale">{esc(state.get("message") or "")}</p>'
    return ""


def calibration_report_html(data: Mapping[str, Any]) -> str:
    """What a calibration on the app's rated answers does, as its cross-validation on those answers measured it
    (``data``: the fit's :attr:`qa.calibrating.calibration.OwnFit.data`)."""
    before, after = data.get("before") or {}, data.get("after_cross_validated") or {}
    rows = "".join(
        f"<li>{esc(label)}: {int(after.get(key, 0))} of {int(after.get(total, 0))} "
        f"(with the shipped calibration: {int(before.get(key, 0))})</li>"
        for label, key, total in (("helpful answers still given", "right_answered", "right"),
                                  ("other answers still given", "not_right_answered", "not_right")))
    head = (f"Calibrated on {int(data.get('examples') or 0)} rated answers ({int(data.get('right') or 0)} helpful, "
            f"{int(data.get('not_right') or 0)} not).")
    return (f"<p><strong>{esc(head)}</strong> Answers now use this collection's own confidence and abstention "
            "threshold. Checked on the same answers, each left out of the fit in turn:</p>"
            f'<ul class="qa-calibration-report">{rows}</ul>')


def span_link(source: str, start: int, end: int, sha: str | None = None) -> str:
    """The URL fragment that opens ``source`` at ``[start:end]``: ``#source=…&start=…&end=…``."""
    params: dict[str, Any] = {"source": source, "start": int(start), "end": int(end)}
    if sha:
        params["sha"] = sha[:12]  # the document's text hash: a changed document is opened unmarked
    return "#" + urlencode(params, quote_via=quote)


def safe_url(url: object) -> str | None:
    """``url`` when it is an http(s) address, else None (a ``javascript:`` link must never be rendered)."""
    return web_url(url) if isinstance(url, str) else None


def highlighted(text: str, start: int, end: int, *, mark_id: str | None = None) -> str:
    """``text`` escaped, with ``text[start:end]`` in a <mark>."""
    start, end = max(0, min(start, len(text))), max(0, min(end, len(text)))
    attr = f' id="{esc(mark_id)}"' if mark_id else ""
    return f"{esc(text[:start])}<mark{attr}>{esc(text[start:end])}</mark>{esc(text[end:])}"


def citation(q: Mapping[str, Any], n: int, ref: str) -> str:
    """A numbered citation: a link to the quote in the document panel, a preview of its passage, where it is."""
    places = [f"{unit} {int(q[unit])}" for unit in ("page", "paragraph", "line") if q.get(unit)]
    where = " · ".join(esc(x) for x in (q.get("section"), q["kind"], *places) if x)
    if q.get("date"):
        where += (" · " if where else "") + f'<span class="qa-date">{esc(q["date"])}</span>'
    href = span_link(q["source"], q["start"], q["end"], q.get("doc_sha256"))
    inner = int(q["start"]) - int(q["context_start"])
    context = highlighted(q["context"], inner, inner + len(q["text"]))
    original = safe_url(q.get("url"))
    link = (f' <a class="qa-original" href="{esc(original)}" target="_blank" rel="noopener noreferrer">'
            f"original page<span class=\"qa-sr\"> (opens in a new tab)</span></a>" if original else "")
    return (f'<span class="qa-cite-wrap"><a class="qa-cite" href="{esc(href)}" aria-describedby="qa-pv-{ref}">'
            f'[{n}] {esc(short_title(q["title"]))}</a>'
            f'<span class="qa-preview" id="qa-pv-{ref}" role="tooltip"><strong>{esc(q["title"])}</strong> '
            f"{context}</span></span> "
            f'<span class="qa-where">{where}</span>{link}')


def quote_html(q: Mapping[str, Any], n: int, ref: str, *, marks: Sequence[str] = ()) -> str:
    """A quote as a block quote with its citation and a "copy" button; ``marks`` are values to mark inside it."""
    copy = esc(quote_with_citation(q))
    text, code, after = quote_parts(q)
    body = _marked(text, marks) + (f'<pre class="qa-code"><code>{esc(code)}</code></pre>' if code else "")
    body += f'<p class="qa-after-code">{_marked(after, marks)}</p>' if after else ""
    block = str(q.get("block") or "text")
    kind = "" if block == "text" else f' class="qa-block-{esc(block.replace(" ", "-"))}"'
    return (f'<figure class="qa-quote"><blockquote{kind}>{body}</blockquote>'
            f'<figcaption>{citation(q, n, ref)} <button type="button" class="qa-copy" data-copy="{copy}" '
            f'aria-label="Copy quote {n} with its citation">Copy</button></figcaption></figure>')


def _marked(text: str, values: Sequence[str]) -> str:
    """``text`` escaped, each occurrence of ``values`` in a ``<mark class="qa-diff">``."""
    spans: list[tuple[int, int]] = []
    at = 0
    for value in sorted(set(v for v in values if v), key=len, reverse=True):
        for m in re.finditer(re.escape(value), text):
            if not any(s < m.end() and m.start() < e for s, e in spans):
                spans.append((m.start(), m.end()))
    out = []
    for s, e in sorted(spans):
        out += [esc(text[at:s]), '<mark class="qa-diff">', esc(text[s:e]), "</mark>"]
        at = e
    return "".join(out) + esc(text[at:])


def confidence_html(answer: Mapping[str, Any]) -> str:
    label = confidence_label(answer["confidence"], conflict=answer["conflict"])
    extra = " — the sources disagree: compare them before relying on either" if answer["conflict"] else ""
    return (f'<p class="qa-confidence qa-{label}" title="probability {answer["confidence"]:.2f}">'
            f"Confidence: {label}{extra}</p>")


def answer_html(answer: Mapping[str, Any], *, turn: int = 0) -> str:
    """An answer: cited quotes with a confidence cue, sources side by side on a conflict, or an abstention;
    first, which question words were searched as other words, if any."""
    read = f'<p class="qa-query qa-read-as">{esc(read_as(answer))}</p>' if answer.get("corrections") else ""
    return read + _answer_body_html(answer, turn)


def _answer_body_html(answer: Mapping[str, Any], turn: int) -> str:
    if answer["abstained"]:
        return _abstention_html(answer, turn)
    quotes = list(enumerate(answer["quotes"], 1))
    if not answer["conflict"]:
        body = "".join(quote_html(q, n, f"{turn}-{n}") for n, q in quotes)
        return f'<div class="qa-answer">{body}{confidence_html(answer)}</div>'
    kind = question_kind(answer["question"])
    columns: dict[str, list[tuple[int, Mapping[str, Any]]]] = {}
    for n, q in quotes:
        columns.setdefault(q["source"], []).append((n, q))
    sides = "".join(_side_html(side, kind, turn, answer["question"]) for side in columns.values())
    return (f'<div class="qa-answer qa-conflict"><p class="qa-conflict-note"><strong>Sources disagree.</strong> '
            f'{esc(answer["conflict_note"] or "")}</p><div class="qa-sides">{sides}</div>'
            f"{confidence_html(answer)}</div>")


def _side_html(side: list[tuple[int, Mapping[str, Any]]], kind: str | None, turn: int, question: str = "") -> str:
    """One source's column of a conflict: a header naming the source and what it says, then its quotes."""
    first = side[0][1]
    stated = [[f.text for f in facts(q["text"], kind)] if kind else said(question, q["text"])  # type: ignore[arg-type]
              for _, q in side]
    if kind == "duration" and not any(stated):  # a source that states no duration, only when it began and ended
        stated = [[text for _, text in dates(q["text"])] for _, q in side]
    values = list(dict.fromkeys(v for vs in stated for v in vs))
    says = f' <span class="qa-says">says {esc(", ".join(values[:3]))}</span>' if values else ""
    head = (f'<h3 class="qa-side-head">{esc(short_title(first["title"]))} '
            f'<span class="qa-where">({esc(first["kind"])})</span>{says}</h3>')
    body = "".join(quote_html(q, n, f"{turn}-{n}", marks=vs) for (n, q), vs in zip(side, stated))
    return f'<div class="qa-side">{head}{body}</div>'


def _abstention_html(answer: Mapping[str, Any], turn: int) -> str:
    out = '<div class="qa-answer qa-abstain"><p class="qa-no-answer">The documents do not answer this question.</p>'
    related = answer.get("related") or []
    if related:
        items = "".join(f'<li><span class="qa-line">{esc(q["text"])}</span> {citation(q, n, f"{turn}-r{n}")}</li>'
                        for n, q in enumerate(related, 1))
        out += (f'<details class="qa-related"><summary>Related passages ({len(related)}): nearest text, '
                f"not an answer</summary><ul>{items}</ul></details>")
    return out + "</div>"


def feedback_html(turn: Mapping[str, Any], i: int) -> str:
    """Thumbs up/down on an answer, with an optional note (sent by the page's script)."""
    given = turn.get("feedback")
    if given:
        return f'<p class="qa-feedback-done" role="status">Thanks: feedback recorded ({esc(given)}).</p>'
    return (f'<div class="qa-feedback" data-turn="{i}" role="group" aria-label="Feedback on this answer">'
            '<button type="button" class="qa-vote" data-verdict="up" aria-pressed="false">Helpful</button>'
            '<button type="button" class="qa-vote" data-verdict="down" aria-pressed="false">Not helpful</button>'
            '<span class="qa-note-row" hidden><input type="text" class="qa-note" maxlength="2000" '
            'aria-label="Optional note on this answer" placeholder="Optional note">'
            '<button type="button" class="qa-send">Send feedback</button></span></div>')


def conversation_html(turns: Sequence[Mapping[str, Any]], *, feedback: bool = True) -> str:
    """The chat so far (see qa.answering.followup for a turn's keys), as a live region; questions are headings."""
    open_tag = ('<div class="qa-chat" role="log" aria-live="polite" aria-relevant="additions" '
                f'aria-label="Conversation" data-turns="{len(turns)}" data-md="{esc(conversation_markdown(turns))}">')
    if not turns:
        return open_tag + '<p class="qa-empty">Ask a question; answers are quotes from the documents.</p></div>'
    parts = [open_tag]
    for i, turn in enumerate(turns):
        parts.append(f'<section class="qa-turn" id="qa-turn-{i}" aria-labelledby="qa-q-{i}">'
                     f'<h2 class="qa-q" id="qa-q-{i}">{esc(turn["question"])}</h2>')
        if turn.get("follows"):
            parts.append(f'<p class="qa-query">Searched together with your earlier question '
                         f'“{esc(turn["follows"])}”.</p>')
        parts.append(answer_html(turn["answer"], turn=i))
        parts += [feedback_html(turn, i) if feedback else "", "</section>"]
    return "".join(parts) + "</div>"


def filter_html(sources: Sequence[str], titles: Mapping[str, str]) -> str:
    """The notice on the Ask tab that answers come only from some documents (empty when none are chosen)."""
    if not sources:
        return ""
    names = ", ".join(f"<em>{esc(short_title(titles.get(s, s)))}</em>" for s in sources)
    return f'<p class="qa-filter" role="status">Answering only from {names}.</p>'


def error_html(message: str) -> str:
    """An error shown under the question box (never over it)."""
    return f'<p class="qa-error" role="alert">{esc(message)}</p>' if message else ""


def build_status_html(fraction: float, message: str, *, seconds_left: float | None = None) -> str:
    """Rebuild progress: a real progress bar, what is being done, and an estimate of the time left."""
    pct = max(0.0, min(1.0, fraction))
    left = f" · about {_duration(seconds_left)} left" if seconds_left is not None else ""
    return (f'<div class="qa-progress"><progress max="1" value="{pct:.3f}" aria-label="Rebuild progress">'
            f"{pct:.0%}</progress><p>{esc(message)} · {pct:.0%}{left}</p></div>")


def _duration(seconds: float) -> str:
    return f"{max(1, round(seconds))} s" if seconds < 90 else f"{round(seconds / 60)} min"


def status_lines_html(lines: Sequence[str]) -> str:
    """Lines for the Documents tab's status, one paragraph each: what became of each uploaded file, or what to
    do before a calibration can be made."""
    return "".join(f"<p>{esc(line)}</p>" for line in lines)


def build_report_html(headline: str, skipped: Sequence[tuple[str, str]]) -> str:
    """The result of a rebuild, with every file that was skipped and why."""
    out = f"<p><strong>{esc(headline)}</strong></p>"
    if skipped:
        rows = "".join(f"<li><code>{esc(s)}</code>: {esc(r)}</li>" for s, r in skipped)
        noun = "file" if len(skipped) == 1 else "files"
        out += f'<p>Skipped {len(skipped)} {noun}:</p><ul class="qa-skipped">{rows}</ul>'
    return out
