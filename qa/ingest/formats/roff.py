"""The roff language that manual pages are written in, read as a terminal shows it: what the man(7)
reader (:mod:`qa.ingest.formats.man`) and the mdoc(7) reader (:mod:`qa.ingest.formats.mdoc`) share.

- :func:`logical_lines`: a page's lines with continuations joined, comments dropped, conditionals decided
  as ``man`` decides them on a terminal, and macros defined (``.de``) and expanded;
- :func:`split_request`: a request's name and arguments;
- :func:`unescape`: a text line's escapes read (fonts and motions dropped, special characters and strings shown);
- :func:`table_rows`: a tbl(1) table's data lines as rows;
- :func:`iso_date`: a page's date as YYYY-MM-DD.
"""
from __future__ import annotations

import re
from collections.abc import Callable, Iterator

from ..clean_rules import MONTHS
from . import Unreadable

#: Named characters (``\(xx``, ``\[name]``) and what a UTF-8 terminal shows for them.
_CHARS = {
    "em": "—", "en": "–", "hy": "-", "mi": "-", "bu": "•", "aq": "'", "dq": '"', "lq": "“", "rq": "”",
    "oq": "‘", "cq": "’", "Fo": "«", "Fc": "»", "fo": "‹", "fc": "›", "co": "©", "rg": "®", "tm": "™",
    "mu": "×", "di": "÷", "de": "°", "+-": "±", "<=": "≤", ">=": "≥", "!=": "≠", "==": "≡", "->": "→",
    "<-": "←", "<>": "↔", "rA": "⇒", "lA": "⇐", "ua": "↑", "da": "↓", "ga": "`", "ha": "^", "ti": "~",
    "rs": "\\", "sl": "/", "ba": "|", "br": "│", "ul": "_", "ru": "_", "sc": "§", "ps": "¶", "dg": "†",
    "dd": "‡", "ct": "¢", "Po": "£", "Eu": "€", "eu": "€", "Ye": "¥", "ss": "ß", "aa": "´", "ff": "ff",
    "fi": "fi", "fl": "fl", "Ff": "ffi", "Fl": "ffl", "12": "½", "14": "¼", "34": "¾", "sq": "□", "ci": "○",
    "lB": "[", "rB": "]", "lC": "{", "rC": "}", "la": "⟨", "ra": "⟩", "at": "@", "sh": "#", "Do": "$",
    "pc": "·", "OK": "✓", "tf": "∴", "if": "∞", "pl": "+", "eq": "=", "sr": "√", "pd": "∂", "*a": "α",
    "*b": "β", "*g": "γ", "*d": "δ", "*e": "ε", "*l": "λ", "*m": "μ", "*p": "π", "*s": "σ", "*S": "Σ",
    ":a": "ä", ":o": "ö", ":u": "ü", ":A": "Ä", ":O": "Ö", ":U": "Ü", "'e": "é", "`e": "è", "^e": "ê",
    "'a": "á", "`a": "à", "^a": "â", ",c": "ç", "~n": "ñ", "'E": "É", "ae": "æ", "o/": "ø", "oa": "å",
}
#: Escapes whose argument is a quoted or bracketed expression that prints nothing (motions, marks, widths...).
_DELIMITED = frozenset("hvwlLoDXZbNABR")
#: Lines that macros may expand to in one page: a page's own macros expand to a few thousand.
MAX_EXPANDED = 1_000_000
#: Characters in one line continued over several (a request and the block it opens, a long table row).
MAX_LINE = 20_000
_MONTHS = {m: i for i, m in enumerate(MONTHS, 1)}



# ---------------------------------------------------------------------- lines, conditionals, macros


def logical_lines(lines: list[str], macros: dict[str, list[str]], strings: dict[str, str]
                  ) -> Iterator[str]:
    """The page's lines with continuations joined, comments dropped, conditionals decided, and macro
    definitions (``.de``, kept in ``macros``) and ignored blocks (``.ig``) taken out."""
    pending = list(reversed(_continued(lines)))
    last_ie: list[bool] = []
    expanded = 0
    while pending:
        line = pending.pop()
        if line[:1] not in (".", "'"):
            yield line
            continue
        name, rest = first_word(line[1:].lstrip(" \t"))
        cut = name.find("\\")
        if cut > 0:  # an escape ends a request's name: ".el\{\" is "el" and its block
            name, rest = name[:cut], name[cut:] + (" " + rest if rest else "")
        if name in ("ig", "de", "de1", "am", "am1"):
            words = rest.split()
            key = words[0] if words and name != "ig" else ""
            end = (words[1] if len(words) > 1 else ".") if name != "ig" else (words[0] if words else ".")
            body: list[str] = []
            while pending and not (pending[-1][:1] in (".", "'") and pending[-1][1:].strip() == end):
                body.append(pending.pop())
            if pending:
                pending.pop()
            if key:  # read in copy mode: an escaped backslash is one backslash when the macro runs
                body = [b.replace("\\\\", "\\") for b in body]
                macros[key] = (macros.get(key, []) if name.startswith("am") else []) + body
            continue
        if name in macros:
            expanded += len(macros[name])
            if expanded > MAX_EXPANDED:
                raise Unreadable(f"its macros expand to more than {MAX_EXPANDED:,} lines (a macro calling itself?)")
            args = split_request(line[1:].lstrip(" \t"))[1]
            pending.extend(reversed([_substitute_args(b, args) for b in macros[name]]))
            continue
        if name == "als" and len(rest.split()) == 2:
            alias, known = rest.split()
            if known in macros:
                macros[alias] = macros[known]
            continue
        if name in ("if", "ie", "el", "while"):
            if name == "el":
                holds, body_text = (not last_ie.pop()) if last_ie else False, rest
            else:
                holds, body_text = _condition(rest, macros, strings)
                if name == "ie":
                    last_ie.append(holds)
            pending.extend(reversed(_branch(holds, body_text, pending)))
            continue
        if line.lstrip(".' \t").startswith("\\}"):
            continue
        yield line


def _branch(holds: bool, body: str, pending: list[str]) -> list[str]:
    """The line a conditional leaves to read: its body when it holds (a block's lines then come as they are,
    its closing ``\\}`` read as nothing); when it does not, a block is taken off ``pending`` to its ``\\}``."""
    body = body.lstrip()
    block = body.startswith("\\{")
    if block:
        body = body[2:]
    if not holds:
        depth = body.count("\\{") - body.count("\\}") + 1 if block else 0
        while depth > 0 and pending:
            line = pending.pop()
            depth += line.count("\\{") - line.count("\\}")
        return []
    body = body.replace("\\}", "")
    return [body] if body.strip() not in ("", ".", "\\", "'") else []


def _condition(rest: str, macros: dict[str, list[str]], strings: dict[str, str]) -> tuple[bool, str]:
    """(whether a condition holds, the rest of the line), as a terminal reads it: ``n`` holds, ``t`` does
    not, groff (``\\n(.g``) is the formatter, ``d name`` asks for a string or macro, strings compare
    (``'a'b'``), a number holds when it is not 0; anything else does not hold."""
    rest = rest.lstrip()
    negate = rest.startswith("!")
    rest = rest[1:].lstrip() if negate else rest
    for groff in ("\\n(.g", "\\n[.g]"):
        if rest.startswith(groff):
            return not negate, rest[len(groff):]
    if rest[:1] in ("'", '"'):
        quote = rest[0]
        parts = rest.split(quote, 3)
        if len(parts) == 4:
            return (parts[1] == parts[2]) != negate, parts[3]
        return negate, ""
    word, body = first_word(rest)
    if word in ("d", "r", "c", "m", "F", "S"):
        name, body = first_word(body)
        holds = word == "d" and (name in strings or name in macros)
    elif re.fullmatch(r"[-+]?\d+", word):
        holds = int(word) != 0
    elif word[:1] in ("n", "t", "o", "e", "v") and (len(word) == 1 or word[1] == "\\"):
        holds = word[0] in ("n", "o")
        body = word[1:] + (" " + body if word[1:] and body else body)  # ".if n\{\" without a space
    else:
        holds = False
    return holds != negate, body


def _continued(lines: list[str]) -> list[str]:
    """Lines ending in an escaped newline joined with the next (refused past :data:`MAX_LINE` characters, a
    bound no page comes near); comments dropped."""
    out: list[str] = []
    carry: list[str] = []
    size = 0
    for raw in lines:
        if not carry and raw.startswith((".\\\"", "'\\\"", ".\\#")):
            continue
        line = _strip_comment(raw)
        if line.endswith("\\") and not line.endswith("\\\\"):
            carry.append(line[:-1])
            size += len(line)
            if size > MAX_LINE:
                raise Unreadable(f"a line continued past {MAX_LINE:,} characters")
            continue
        out.append("".join(carry) + line)
        carry, size = [], 0
    if carry:
        out.append("".join(carry))
    return out


def _strip_comment(line: str) -> str:
    r"""``line`` without a ``\"`` comment (an escaped backslash ``\\`` is not one)."""
    i = 0
    while True:
        i = line.find("\\", i)
        if i < 0 or i + 1 >= len(line):
            return line
        if line[i + 1] in ('"', "#"):
            return line[:i].rstrip() if line[i + 1] == '"' else line[:i]
        i += 2


def first_word(text: str) -> tuple[str, str]:
    parts = text.split(None, 1)
    return (parts[0], parts[1] if len(parts) > 1 else "") if parts else ("", "")


def split_request(line: str) -> tuple[str, list[str]]:
    """A request's name and its arguments (double quotes group words; ``""`` inside them is a quote)."""
    name, rest = first_word(line)
    args: list[str] = []
    i, n = 0, len(rest)
    while i < n:
        if rest[i] in " \t":
            i += 1
        elif rest[i] == '"':
            j, arg = i + 1, []
            while j < n:
                if rest[j] == '"' and rest[j + 1:j + 2] == '"':
                    arg.append('"')
                    j += 2
                elif rest[j] == '"':
                    break
                else:
                    arg.append(rest[j])
                    j += 1
            args.append("".join(arg))
            i = j + 1
        else:
            j = i
            while j < n and rest[j] not in " \t":
                j += 2 if rest[j] == "\\" else 1
            args.append(rest[i:j])
            i = j
    return name, args


def _substitute_args(body: str, args: list[str]) -> str:
    r"""A macro body line with ``\$1``..``\$9`` (and ``\$*``, ``\$@``) replaced by the call's arguments."""
    def arg(match: re.Match[str]) -> str:
        key = match.group(1)
        if key in ("*", "@"):
            return " ".join(args)
        index = int(key) - 1
        return args[index] if index < len(args) else ""
    return re.sub(r"\\\$([1-9*@])", arg, body)


# ---------------------------------------------------------------------- escapes


def unescape(line: str, strings: dict[str, str]) -> str:
    r"""What a terminal shows for a text line: fonts and motions dropped, special characters and strings
    read, ``\&`` and the like gone; a ``\c`` at the end kept as "\x00" (the next line joins it)."""
    out: list[str] = []
    i, n = 0, len(line)
    while i < n:
        c = line[i]
        if c != "\\" or i + 1 >= n:
            out.append(c)
            i += 1
            continue
        e = line[i + 1]
        i += 2
        if e in "e\\E":
            out.append("\\")
        elif e in "-":
            out.append("-")
        elif e in "&%|^:)dupar!{}/,$":
            pass
        elif e in " ~0":
            out.append(" ")
        elif e == "t":
            out.append("\t")
        elif e == ".":
            out.append(".")
        elif e in "'`":
            out.append("´" if e == "'" else "`")
        elif e == "c":
            if i >= n:
                out.append("\x00")
        elif e == "(":
            out.append(_CHARS.get(line[i:i + 2], ""))
            i += 2
        elif e == "[":
            j = line.find("]", i)
            j = n if j < 0 else j
            out.append(_named(line[i:j]))
            i = j + 1
        elif e == "*":
            name, i = _name_at(line, i)
            out.append(strings.get(name, ""))
        elif e in "fFnsmMgkVYzO":
            if e == "s" and i < n and line[i] in "+-":
                i += 1
            _, i = _name_at(line, i)
        elif e in _DELIMITED:
            if i < n:
                j = line.find(line[i], i + 1)
                i = n if j < 0 else j + 1
        else:
            out.append(e)
    return "".join(out)


def _name_at(line: str, i: int) -> tuple[str, int]:
    r"""The name after an escape: ``(xx``, ``[name]`` or one character (``\fB``, ``\s0``: digits too)."""
    if i >= len(line):
        return "", i
    if line[i] == "(":
        return line[i + 1:i + 3], i + 3
    if line[i] == "[":
        j = line.find("]", i)
        j = len(line) if j < 0 else j
        return line[i + 1:j], j + 1
    if line[i].isdigit():
        j = i
        while j < len(line) and j < i + 2 and line[j].isdigit():
            j += 1
        return line[i:j], j
    return line[i], i + 1


def _named(name: str) -> str:
    r"""``\[name]``: a named character, or ``u`` and a Unicode code point (``\[u00E9]``)."""
    if name in _CHARS:
        return _CHARS[name]
    if re.fullmatch(r"u[0-9A-Fa-f]{4,6}(_[0-9A-Fa-f]{4,6})*", name):
        return "".join(chr(int(part.removeprefix("u"), 16)) for part in name.split("_"))
    return ""


# ---------------------------------------------------------------------- tables and dates


def table_rows(lines: list[str], text: Callable[[str], str]) -> list[tuple[str, str]]:
    """A tbl(1) table's data lines as rows: its options (``tab(;)``) and format lines skipped, ``T{``..``T}``
    text blocks joined into their cell."""
    tab = "\t"
    body = lines
    if body and body[0].rstrip().endswith(";"):
        found = re.search(r"tab\s*\((.)\)", body[0])
        tab = found.group(1) if found else tab
        body = body[1:]
    for n, line in enumerate(body):  # the format lines end with "."
        if line.rstrip().endswith("."):
            body = body[n + 1:]
            break
    rows: list[tuple[str, str]] = []
    cell_lines: list[str] = []
    current: list[str] = []
    in_block = False
    for line in body:
        if in_block:
            if not line.startswith("T}"):
                if line[:1] not in (".", "'"):
                    cell_lines.append(text(line))
                continue
            in_block = False
            current.append(" ".join(cell_lines))
            rest = line[2:]  # what follows "T}" on its line: the row's next cells, read as a data line's
            line = rest[1:] if rest.startswith(tab) else ""
        elif line[:1] in (".", "'") or line.strip() in ("_", "=", ""):
            continue
        cells = line.split(tab) if line else []
        if cells and cells[-1].rstrip().endswith("T{"):  # a text block opens the row's next cell
            cells[-1] = cells[-1].rstrip()[:-2]
            current.extend(text(c) for c in cells if c.strip())
            cell_lines = []
            in_block = True
            continue
        current.extend(text(c) for c in cells)
        rows.append((" | ".join(c.strip() for c in current if c.strip()), "table row"))
        current = []
    if current:
        rows.append((" | ".join(c.strip() for c in current if c.strip()), "table row"))
    return [(text, kind) for text, kind in rows if text]


def iso_date(value: str) -> str | None:
    """``.TH``'s date as YYYY-MM-DD: written so ("2023-01-31"), as MM/DD/YYYY, or with a month's name.

    >>> iso_date("10/07/2025"), iso_date("2023-01-31"), iso_date("January 2019"), iso_date("2022 September 19")
    ('2025-10-07', '2023-01-31', None, '2022-09-19')
    """
    value = value.strip()
    if m := re.fullmatch(r"(\d{4})-(\d{2})-(\d{2})", value):
        year, month, day = int(m[1]), int(m[2]), int(m[3])
    elif m := re.fullmatch(r"(\d{1,2})/(\d{1,2})/(\d{4})", value):
        year, month, day = int(m[3]), int(m[1]), int(m[2])
    elif m := re.fullmatch(r"(\d{1,2}) ([A-Za-z]+),? (\d{4})", value):
        year, month, day = int(m[3]), _MONTHS.get(m[2].lower(), 0), int(m[1])
    elif m := re.fullmatch(r"([A-Za-z]+) (\d{1,2}),? (\d{4})", value):
        year, month, day = int(m[3]), _MONTHS.get(m[1].lower(), 0), int(m[2])
    elif m := re.fullmatch(r"(\d{4}) ([A-Za-z]+) (\d{1,2})", value):
        year, month, day = int(m[1]), _MONTHS.get(m[2].lower(), 0), int(m[3])
    else:
        return None
    return f"{year:04d}-{month:02d}-{day:02d}" if 1 <= month <= 12 and 1 <= day <= 31 else None
