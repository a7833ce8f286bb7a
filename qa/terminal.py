"""Text that came from a document, a file name or a question, made safe to print on a terminal.

Terminals obey escape sequences: a title such as ``"\\x1b]0;PWNED\\x07\\x1b[2J"`` would retitle and clear
the user's terminal. Every CLI printer passes such text through :func:`printable`, which shows control
characters, bidirectional overrides and lone surrogates as visible escapes. JSON output is not changed.

>>> printable("\\x1b]0;PWNED\\x07\\x1b[2J title")
'\\\\x1b]0;PWNED\\\\x07\\\\x1b[2J title'
>>> printable("two\\nlines", multiline=True)
'two\\nlines'
"""
from __future__ import annotations

import re

# C0 and C1 controls, DEL, line/paragraph separators, bidi embeddings/overrides/isolates, surrogates.
_UNSAFE = "\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069\ud800-\udfff"
_LINE = re.compile(f"[{_UNSAFE}]")
_TEXT = re.compile(f"(?![\n\t])[{_UNSAFE}]")  # multi-line text keeps its line breaks and tabs
_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def printable(text: object, *, multiline: bool = False) -> str:
    """``text`` with every character that could drive the terminal replaced by a visible escape."""
    return (_TEXT if multiline else _LINE).sub(_escape, str(text))


def is_safe_name(name: str) -> bool:
    """Whether a file name can be shown and stored as it is (no control characters, no undecodable bytes)."""
    return _LINE.search(name) is None


def _escape(match: re.Match[str]) -> str:
    char = match.group()
    code = ord(char)
    return _NAMED.get(char) or (f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}")
