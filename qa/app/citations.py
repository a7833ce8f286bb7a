"""A citation link opened in the source panel: the document with the quote marked, unless the link is stale."""
from __future__ import annotations

from ..records import Document
from . import ui


def citation_panel(doc: Document, start: int, end: int, sha: str) -> str:
    """The panel for ``#source=…&start=…&end=…&sha=…``: a link into a changed document, or outside it,
    opens the document unmarked, with a note saying why."""
    if sha and not doc.sha256.startswith(sha):
        note = f"{doc.title} has changed since this link was made, so the quote is not marked. Ask again."
        return ui.panel_html(doc, note=note)
    if not 0 <= start < end <= len(doc.text):
        return ui.panel_html(doc, note="This link points outside the document.")
    return ui.panel_html(doc, start=start, end=end)
