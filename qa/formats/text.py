"""Plain text and Markdown: the decoded file, verbatim. Decoding is strict (UTF-8, or UTF-16 with a BOM):
guessing an encoding could silently corrupt the very text that quotes must reproduce."""
from __future__ import annotations

import codecs
import re

from . import Extracted, Unreadable


def decode_text(data: bytes) -> str:
    """UTF-8 (BOM dropped) or UTF-16 with a BOM; anything else is ``Unreadable``.

    >>> decode_text(b"\\xef\\xbb\\xbfcaf\\xc3\\xa9")
    'café'
    """
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            text = data.decode("utf-16")
        except UnicodeDecodeError as e:
            raise Unreadable("not valid UTF-16 text (it starts with a UTF-16 byte-order mark)") from e
    elif b"\x00" in data:
        raise Unreadable("binary file (NUL bytes)")
    else:
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as e:
            raise Unreadable(f"not valid UTF-8 text (bad byte at offset {e.start}); re-save it as UTF-8") from e
    if "\x00" in text:
        raise Unreadable("binary file (NUL characters)")
    return text


def read_text(data: bytes) -> Extracted:
    return Extracted(decode_text(data))


def read_markdown(data: bytes) -> Extracted:
    text = decode_text(data)
    heading = re.search(r"^#[ \t]+(.+?)[ \t#]*$", text, re.MULTILINE)
    return Extracted(text, heading.group(1) if heading else None)
