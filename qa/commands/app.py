"""The web app's parts the CLI shares: the feedback file's summary (``qa feedback``) and how a quote's code
is shown and which question words were read as others (``qa ask``, as the app's Markdown export shows them)."""
from __future__ import annotations

from ..app.export import fenced, quote_parts, read_as
from ..app.feedback import feedback_path, format_summary, summarise_file

__all__ = ["feedback_path", "fenced", "format_summary", "quote_parts", "read_as", "summarise_file"]
