"""The web page's *Check a quote* result: verified, repaired (with the exact text to quote instead) or unverified."""
from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .ui_docs import esc

HEADLINES = {
    "verified": "Verified: this text is in the documents exactly.",
    "repaired": "Nearly: the documents have this text with a difference in {what}. Quote it as they do:",
    "unverified": "Not found: the documents do not contain this text.",
}
MAX_SHOWN = 5


def verification_html(v: Mapping[str, Any]) -> str:
    """The result of ``verify_text(...).to_dict()`` as HTML; all document text is escaped."""
    status = v["status"]
    what = ", ".join(d for d in v.get("differences", ()))
    parts = [f'<p class="qa-verify-status" role="status"><strong>{esc(HEADLINES[status].format(what=what))}'
             "</strong></p>"]
    for span in list(v.get("spans", ()))[:MAX_SHOWN]:
        parts.append(_span_html(span))
    if len(v.get("spans", ())) > MAX_SHOWN:
        parts.append(f"<p>… and {len(v['spans']) - MAX_SHOWN} more places.</p>")
    if status == "repaired" and v.get("omitted"):
        omitted = sum(e - s for s, e in v["omitted"])
        parts.append(f"<p>The ellipsis stands for {omitted:,} characters of the document.</p>")
    if status == "unverified" and v.get("nearest"):
        parts.append(f"<p>The nearest passage ({v['similarity']:.0%} alike; {v['edits']} characters differ) is not "
                     "a match:</p>" + _span_html(v["nearest"]))
    return '<div class="qa-verify">' + "".join(parts) + "</div>"


def _span_html(span: Mapping[str, Any]) -> str:
    return (f'<blockquote class="qa-verify-text">{esc(span["text"])}</blockquote>'
            f'<p class="qa-verify-cite">{esc(span["citation"])}</p>')
