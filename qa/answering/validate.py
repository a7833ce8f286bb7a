"""Validating what a user passes in: one place for the Python API, the CLI and the web app's ``/ask``.

Each check returns the value to use or raises a QAError whose message says what to send instead.

>>> question("  Who   built it? ", max_chars=100)
'Who built it?'
>>> k(3.0, high=10)
3
>>> sources([]) is None
True
"""
from __future__ import annotations

import numbers
import re
import unicodedata
from collections.abc import Callable, Iterable

from ..errors import QuestionError

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_SURROGATE = re.compile(r"[\ud800-\udfff]")


def question(text: object, *, max_chars: int) -> str:
    """The question with control characters removed and whitespace folded; QuestionError if unusable."""
    if not isinstance(text, str):
        raise QuestionError(f"The question must be text (got {type(text).__name__}).")
    _check_unicode(text, "The question")
    text = " ".join(_CONTROL.sub(" ", unicodedata.normalize("NFC", text)).split())
    if not text:
        raise QuestionError("The question is empty. Type a question about the documents.")
    if len(text) > max_chars:
        raise QuestionError(
            f"The question is {len(text):,} characters long; the limit is {max_chars:,}. "
            "Ask about one thing in a sentence or two."
        )
    return text


def _check_unicode(text: str, what: str) -> None:
    """Refuse lone surrogates: they are not text, and no tokenizer or encoder accepts them.

    Bytes that were not valid UTF-8 (a terminal in another encoding) reach Python as U+DC80..U+DCFF.
    """
    bad = _SURROGATE.search(text)
    if bad is None:
        return
    code = ord(bad.group())
    if 0xDC80 <= code <= 0xDCFF:
        raise QuestionError(
            f"{what} holds bytes that are not valid UTF-8 (byte 0x{code - 0xDC00:02x} at position {bad.start()}). "
            "Set the terminal to UTF-8 and type it again."
        )
    raise QuestionError(
        f"{what} is not valid Unicode text (a lone surrogate U+{code:04X} at position {bad.start()}). "
        "Remove that character and ask again."
    )


def k(value: object, *, high: int) -> int:
    """The number of quotes: a whole number from 1 to ``high`` (``Config.max_quotes`` for answers; a float
    such as 3.0 from a slider is accepted)."""
    low = 1
    whole = isinstance(value, numbers.Integral) or (isinstance(value, float) and value.is_integer())
    if isinstance(value, bool) or not whole:
        raise QuestionError(f"k must be a whole number between {low} and {high} (got {value!r}).")
    if not low <= int(value) <= high:  # type: ignore[call-overload]
        raise QuestionError(f"k must be between {low} and {high} (got {int(value)}).")  # type: ignore[call-overload]
    return int(value)  # type: ignore[call-overload]


def sources(value: object, check: Callable[[str], object] | None = None) -> frozenset[str] | None:
    """The documents to answer from; None means all of them.

    ``None`` and ``[]`` both mean every document (as an empty selection does in the web UI); a single
    string is one document name, never a sequence of letters. ``check`` raises for an unknown name.
    """
    if value is None:
        return None
    names = [value] if isinstance(value, str) else value
    if not isinstance(names, Iterable) or isinstance(names, (bytes, dict)):
        raise QuestionError(f"sources must be a list of document names (got {type(value).__name__}).")
    names = list(names)
    for name in names:
        if not isinstance(name, str):
            raise QuestionError(f"sources must be document names as text (got {name!r}).")
        _check_unicode(name, "A source name")
        if check:
            check(name)
    return frozenset(names) or None
