"""Info manuals (GNU's Texinfo, as makeinfo writes them for ``info`` and /usr/share/info holds them): read into blocks.

An Info file is plain text in nodes, each opening with a line of navigation ("File: grep.info,  Node: Usage,
Next: ..."). What each part becomes, by the layout makeinfo gives it:

- a line underlined with ``*``, ``=``, ``-`` or ``.`` (as long as it) is a heading;
- a paragraph (its first line set in 3 columns, or flush) is text, its lines joined;
- lines set in 5 columns from where the text stands are code (``@example``), their lines and indentation
  kept; under a term, its description, set in 5 columns, is text, and code is set in 5 more;
- lines that end no sentence right above a description set in (an ``@table`` item: "'-a'" / "'--all'", or a
  definition: " -- Function: int asn1_create_element (...)") are terms: like a heading, a term opens the
  section of its description, and a term inside another's description ('set' and its '-e') is read under it;
- "* " or "1. " starts a list item, its other lines set in under it (a bullet is left out, a number kept).

Navigation is left out, and recorded with its reason, as a web page's menus are: each node's first line, its
menu ("* Menu:" and the entries under it), the rule over its footnotes, the file's header before its first node,
and the tag table. The
title is the first heading. A file that holds only the table of a manual split into parts (its ``-1``, ``-2``
files hold the text) is ``Unreadable``, with that reason.
"""
from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import replace

from . import AFTER_INNER_TERMS, AFTER_TERMS, INNER_TERM, Extracted, Unreadable, capped, from_blocks

_NODE_LINE = re.compile(r"^File: [^,]*,\s+Node: ")
_UNDERLINE = re.compile(r"^([*=\-.])\1*$")
_ITEM = re.compile(r"^(\*|\d{1,3}\.|[a-z]\.)\s+\S")
_SENTENCE_END = re.compile(r"[.:;!?]['’)\"]*$")
_CODING = re.compile(r"^coding:\s*([-\w.]+)\s*$", re.MULTILINE)
_MARKER = re.compile(r"\x00\x08\[[^\x00]*\x00\x08\]")
#: What a node holds that is left out (recorded as removals): its menu, the rule over its footnotes.
_NAVIGATION = ("menu", "footnotes line")
#: How far makeinfo sets an example, or a description under its term, in from the text around it.
_STEP = 5


def read_info(data: bytes, *, max_chars: int | None = None) -> Extracted:
    """The manual's blocks, its title, and what was left out as navigation (with its reason, where it stood)."""
    parts = _decode(data).split("\x1f")
    read: list[tuple[str, str, bool]] = []  # (text, kind or why, whether it is left out)
    nodes = 0
    for n, part in enumerate(parts):
        part = part.lstrip("\n\f")
        if not part.strip():
            continue
        header, _, body = part.partition("\n")
        if n == 0 or not _NODE_LINE.match(header):
            why = "file header" if n == 0 else "tag table"
            read.append((part.strip(), why, True))
            continue
        nodes += 1
        read.append((header, "node line", True))
        for text, kind in _node_blocks(body.splitlines()):
            read.append((text, kind, kind in _NAVIGATION))
    if not nodes and any(p.lstrip("\n").startswith("Indirect:") for p in parts):
        raise Unreadable("the table of a manual split into parts: its parts (NAME.info-1, NAME.info-2, ...) hold "
                         "the text, and are read as documents")
    if not nodes:
        raise Unreadable("not an Info manual: no node (a line 'File: ..., Node: ...' after a \\x1f separator)")
    blocks: list[tuple[str, str]] = []
    marks: list[tuple[int, str, str]] = []  # (the block it stood before, its text, why it was left out)
    for text, kind, out in read:
        if out:
            marks.append((len(blocks), text, kind))
        elif kind == "code" and blocks and blocks[-1][1] == "code":
            blocks[-1] = (blocks[-1][0] + "\n\n" + text, "code")  # an example with blank lines comes in groups
        elif text.strip():
            blocks.append((text, kind))
    found = from_blocks(capped(blocks, max_chars), title=next((t for t, k in blocks if k == "heading"), None))
    starts = [start for start, _, _ in found.blocks or ()] + [len(found.text)]
    return replace(found, left_out=tuple((starts[min(n, len(starts) - 1)], text, why) for n, text, why in marks))


def _decode(data: bytes) -> str:
    """UTF-8 (strict), or the coding its trailing "Local Variables" declare (``coding: iso-8859-1``); the markers
    Info puts around an index's start or an image ("\\0\\b[index\\0\\b]") are dropped."""
    tail = data[-400:].decode("ascii", "replace")
    declared = _CODING.search(tail) if "Local Variables" in tail else None
    coding = declared.group(1) if declared else "utf-8"
    try:
        text = data.decode(coding)
    except LookupError:
        text = data.decode("utf-8")
    except UnicodeDecodeError as e:
        raise Unreadable(f"not valid {coding} text (bad byte at offset {e.start}), as the manual declares") from e
    text = _MARKER.sub("", text)
    if "\x00" in text:
        raise Unreadable("binary file (NUL bytes outside Info's markers)")
    return text


def _node_blocks(lines: list[str]) -> Iterator[tuple[str, str]]:
    """One node's blocks: its groups of lines between blank lines, read by their indentation."""
    described = -1  # the indentation of the description being read under a term or an item (-1: none)
    in_item = False  # that description is a list item's
    open_terms: list[tuple[int, int]] = []  # (term, description) indentation of the terms being described
    groups = list(_groups(lines))
    for n, group in enumerate(groups):
        if group[0].startswith("* Menu:"):  # it runs to the node's end: navigation
            yield "\n".join("\n".join(g) for g in groups[n:]), "menu"
            return
        if len(group) >= 2 and _UNDERLINE.match(group[1]) and len(group[1]) == len(group[0].rstrip()) \
                and not group[0][:1].isspace():
            described, in_item, open_terms = -1, False, []
            yield group[0], "heading"
            if len(group) > 2:
                yield from _node_blocks(group[2:])
            continue
        if group[0].strip() == "---------- Footnotes ----------":
            yield group[0].strip(), "footnotes line"  # a rule over the node's footnotes, as a terminal shows it
            group = group[1:]
            if not group:
                continue
        indent = min(_indent(line) for line in group)
        terms = _terms(group)
        # a group set out further than a description ends it; a term ends those of terms set as far in or further
        open_before = len(open_terms)
        while open_terms and (open_terms[-1][1] > indent or (terms and open_terms[-1][0] >= indent)):
            open_terms.pop()
        if terms:
            for term in terms:
                yield term, INNER_TERM if open_terms else "term"
            rest = group[len(_term_lines(group)):]
            described, in_item = min(_indent(line) for line in rest), False
            open_terms.append((indent, indent + _STEP))
            yield from _text(rest)
            continue
        if indent >= max(described, 0) + _STEP and not _filled(group):  # set in from the text or a description
            yield _code(group), "code"
        elif in_item and indent == described and not _prose(group):
            yield _code(group), "code"  # set in as an item's text is, but not prose: an example after the list
        elif described >= 0 and indent >= described:
            yield from _text(group)
        else:
            described, in_item = -1, False
            item = _ITEM.match(group[0].lstrip())
            if item and _indent(group[0]) >= 2:  # what follows set in under the item goes on with it
                described, in_item = _indent(group[0]) + item.end(1) + 1, True
            blocks = _text(group)
            if len(open_terms) < open_before:  # text set out from the descriptions it ended describes no term
                blocks = _after_terms(blocks, AFTER_INNER_TERMS if open_terms else AFTER_TERMS)
            yield from blocks


def _after_terms(blocks: Iterable[tuple[str, str]], kind: str) -> Iterator[tuple[str, str]]:
    """``blocks`` with the first, if it is text, of ``kind``."""
    for n, (text, was) in enumerate(blocks):
        yield text, kind if n == 0 and was == "text" else was


def _groups(lines: list[str]) -> Iterator[list[str]]:
    group: list[str] = []
    for line in lines:
        if line.strip():
            group.append(line.rstrip())
        elif group:
            yield group
            group = []
    if group:
        yield group


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" "))


def _term_lines(group: list[str]) -> list[str]:
    """The lines of a group that stand above its description (set further in), including a definition's own
    continuation lines (" -- Function: ..." then lines set in 10 columns)."""
    first = _indent(group[0])
    lines = [group[0]]
    for line in group[1:]:
        deeper = _indent(line) - first
        if group[0].lstrip().startswith("-- ") and deeper >= 2 * _STEP - 1:
            lines.append(line)  # a definition's signature going on
        elif deeper < _STEP - 1:
            lines.append(line)
        else:
            break
    return lines


def _terms(group: list[str]) -> list[str]:
    """The group's terms, when its first lines end no sentence and the rest, set in, describe them."""
    lines = _term_lines(group)
    if len(lines) == len(group) or len(lines) > 6 or _ITEM.match(group[0].lstrip()):
        return []
    if any(_SENTENCE_END.search(line) for line in lines) and not group[0].lstrip().startswith("-- "):
        return []
    if group[0].lstrip().startswith("-- "):
        return [" ".join(line.strip() for line in lines)]
    return [line.strip() for line in lines]


def _text(group: list[str]) -> Iterator[tuple[str, str]]:
    """Paragraphs and list items: a line starting "* " or "1. " opens an item, the lines set in under it go on."""
    kind, lines = "text", list[str]()
    for line in group:
        item = _ITEM.match(line.lstrip())
        if item and (kind == "list item" or not lines or _indent(line) >= 2):
            if lines:
                yield " ".join(lines), kind
            bullet = item.group(1) == "*"  # a bullet is a mark; a number is part of what the item says
            kind, lines = "list item", [line.lstrip()[item.end(1):].strip() if bullet else line.strip()]
        else:
            lines.append(line.strip())
    if lines:
        yield " ".join(lines), kind


def _filled(group: list[str]) -> bool:
    """Whether lines set in are a quotation rather than code: prose filled to the line's width, every line but
    the last within a few columns of the widest, ending a sentence."""
    widths = [len(line.strip()) for line in group]
    return len(group) >= 2 and min(widths[:-1]) >= max(widths) - 12 and max(widths) >= 50 \
        and bool(_SENTENCE_END.search(group[-1])) and " " in group[-1].strip()


def _prose(group: list[str]) -> bool:
    """Whether lines read as sentences: filled, or ending one (an example's lines rarely do)."""
    ends = bool(_SENTENCE_END.search(group[-1]))
    return _filled(group) or (ends and (len(group) > 1 or " " in group[-1].strip()))


def _code(group: list[str]) -> str:
    cut = min(_indent(line) for line in group)
    return "\n".join(line[cut:] for line in group)
