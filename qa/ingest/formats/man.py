"""Manual pages (roff with the man(7) macros, as /usr/share/man holds them): read into blocks as a terminal shows them.

The reader interprets the page's requests and escapes itself; no formatter runs. What each part becomes:

- ``.SH`` and ``.SS`` are headings; ``.TH`` gives the page's title ("git-stash(1)") and date;
- a paragraph (``.PP``, ``.LP``, ``.P``, ``.sp``, a blank line) is text, its lines joined as ``man`` fills them;
- a tagged paragraph (``.TP``, or ``.IP`` with a tag) is a term over its description, as an option list or a
  definition list is on a web page; so is a short paragraph whose description follows indented (``.RS``), as
  DocBook writes options; ``.IP`` with a bullet or a number is a list item;
- unfilled text (``.nf`` to ``.fi``, ``.EX`` to ``.EE``) is code, its lines and indentation kept;
- a table (``.TS`` to ``.TE``) is one table row per line, its cells joined by " | ";
- conditionals are read as ``man`` reads them on a terminal (``n`` true, ``t`` false), macro and string
  definitions are kept and strings expanded, and requests that only lay out (fonts, sizes, indentation,
  spacing) show nothing.

A macro the reader does not know shows its arguments as text, so nothing goes silently. A page that only
points at another one (``.so man1/other.1``) and a file with no man(7) macro are ``Unreadable``, with the reason.
A page in BSD's mdoc(7) macros (its first macro ``.Dd``) is read by :mod:`qa.ingest.formats.mdoc`.
"""
from __future__ import annotations

import re
from collections.abc import Callable, Iterator

from . import Extracted, Unreadable, capped, from_blocks
from .text import decode_text

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
#: Requests and macros that only lay out text: they print nothing.
_LAYOUT = frozenset(
    "ad na nh hy hw hc hla hlm hym ps vs ft fam ss cs cu ul uf ll lt in ti ta tc lc po ne pl pn nr rr rnn af "
    "ev ch wh dt it itc em ec eo ds1 tr trnt ftr fspecial fschar mso do lf cflags kern lg pso pm sy open "
    "opena close write writem tm tm1 tmc ab ex nx rd warn warnscale nop shift chop substring length as1 "
    "ss PD DT UC AT HP IX ns rs mk rt bp ce rj fl pc ig1 hpf hpfa hpfcode hcode linetabs vpt blm lsm "
    "ie1 defcolor gcolor fcolor color pvs sizes special brp ni in1 an-trap".split())
#: mdoc(7) macros that no man(7) page uses (a page whose first macro is .Dd is read by qa.ingest.formats.mdoc).
_MDOC_MARKS = frozenset("Dd Dt Os Sh Ss Nm Nd Bl It Fl".split())
#: Lines that macros may expand to in one page: a page's own macros expand to a few thousand.
_MAX_EXPANDED = 1_000_000
#: Characters in one line continued over several (a request and the block it opens, a long table row).
_MAX_LINE = 20_000
_CODING = re.compile(rb"coding[:=]\s*([-\w.]+)")
_ESCAPE = re.compile(r"\\(.)")
_BULLETS = frozenset("•*-o·+–—")
_NUMBERED = re.compile(r"^\(?(\d{1,3}|[a-zA-Z]|[ivxIVX]{1,5})[.)]$")
_MONTHS = {m: i for i, m in enumerate("january february march april may june july august september october "
                                       "november december".split(), 1)}


def read_man(data: bytes, *, max_chars: int | None = None) -> Extracted:
    """The page's blocks, title and date (``max_chars`` caps the text, raising once it is passed)."""
    from .mdoc import is_mdoc, read_mdoc

    lines = _decode(data).splitlines()
    if is_mdoc(lines):
        page: _Page = read_mdoc(lines)
        return from_blocks(capped(page.blocks, max_chars), title=page.title, date=page.date)
    page = _Page()
    page.read(lines)
    if not page.macros_seen:
        raise Unreadable("not a manual page: no man(7) macro (.TH, .SH) in it")
    if page.so_target and not any(text.strip() for text, _ in page.blocks):
        raise Unreadable(f"only a link to another manual page (.so {page.so_target}); index that page instead")
    if page.mdoc:
        raise Unreadable("a manual page that mixes the mdoc(7) macros (.Sh) into man(7) ones (.TH)")
    return from_blocks(capped(page.blocks, max_chars), title=page.title, date=page.date)


def _decode(data: bytes) -> str:
    """UTF-8 (strict), or the encoding the page declares in its first lines (``-*- coding: latin-1 -*-``)."""
    head = b"\n".join(data.split(b"\n", 2)[:2])
    declared = _CODING.search(head) if head.startswith((b".\\\"", b"'\\\"")) else None
    if declared:
        try:
            return data.decode(declared.group(1).decode("ascii"))
        except (LookupError, UnicodeDecodeError):
            pass
    return decode_text(data)


class _Page:
    """The state of one page's reading: the blocks so far, the paragraph being filled, and what is defined."""

    def __init__(self) -> None:
        self.blocks: list[tuple[str, str]] = []
        self.title: str | None = None
        self.date: str | None = None
        self.macros_seen = False
        self.mdoc = False
        self.so_target = ""
        self.strings: dict[str, str] = {"R": "®", "Tm": "™", "lq": "“", "rq": "”", "Aq": "'"}
        self.macros: dict[str, list[str]] = {}
        self.fill = True
        # lines of code and of the paragraph being filled, each in pieces (a "\\c" joins the next line's to it)
        self.code: list[list[str]] = []
        self.para: list[list[str]] = []
        self.kind = "text"  # what the paragraph being filled is
        self.tag_next = False  # the next text line is a .TP tag
        self.heading_next = ""  # "SH" or "SS" when the heading's text is on the next line
        self.joined = False  # the last text line ended in \c: the next one goes on from it
        self.table: list[str] | None = None

    # ------------------------------------------------------------------ lines

    def read(self, lines: list[str]) -> None:
        for line in _logical_lines(self, lines):
            self.line(line)
        self.end_code()
        self.end_paragraph()

    def line(self, line: str) -> None:
        if self.table is not None:
            if line.startswith((".TE", "'TE")):
                self.blocks.extend(_table_rows(self.table, self))
                self.table = None
            else:
                self.table.append(line)
            return
        if line[:1] in (".", "'"):
            self.request(line[1:].lstrip(" \t"))
            return
        if not self.fill:
            self.add_text(self.text(line))
            return
        if not line.strip():
            self.end_paragraph()
            return
        if line[:1] in " \t" and not self.joined:
            self.end_paragraph()  # a line set in starts a new line, as the formatter breaks there
        self.add_text(self.text(line))

    def add_text(self, text: str) -> None:
        joins = text.endswith("\x00")
        text = text.removesuffix("\x00")
        if not self.fill and not self.heading_next and not self.tag_next:  # unfilled: a line of code as it is
            if self.joined and self.code:
                self.code[-1].append(text)
            else:
                self.code.append([text])
            self.joined = joins
            return
        if self.heading_next:
            self.heading(text)
            return
        if self.tag_next:
            self.tag_next = False
            self.end_paragraph()
            self.blocks.append((text, "term"))
            return
        if self.joined and self.para:
            if len(self.para) == 1 and len(self.para[0]) == 1 and self.kind == "text" \
                    and _is_item_mark(self.para[0][0].strip()):
                self.kind, self.para[0] = "list item", []  # DocBook's "\(bu\c" before an item's text
            self.para[-1].append(text)
        else:
            self.para.append([text])
        self.joined = joins

    def text(self, line: str) -> str:
        """A text line with its escapes read (``\\c`` at its end kept as a trailing NUL: the next line joins)."""
        return _unescape(line, self.strings)

    # ------------------------------------------------------------------ requests

    def request(self, line: str) -> None:
        if not line or line.startswith(('\\"', "\\#")):
            return
        name, args = _split_request(line)
        handler = _REQUESTS.get(name)
        if handler is not None:
            handler(self, name, args, line)
        elif name in _LAYOUT or name.startswith("an-"):
            return
        elif name in _MDOC_MARKS:  # mdoc's macros in a page that opened with man's .TH
            self.mdoc = self.macros_seen = True
        elif args and self.blocks:  # a macro this reader does not know: its words, so that nothing goes silently
            self.add_text(self.text(" ".join(args)))  # (before the first heading such a line sets the page up)

    def heading(self, text: str) -> None:
        self.heading_next = ""
        self.end_code()
        self.end_paragraph()
        self.blocks.append((text, "heading"))

    def end_paragraph(self) -> None:
        self.tag_next = self.joined = False
        if self.para:
            self.blocks.append((" ".join("".join(line) for line in self.para), self.kind))
        self.para = []
        self.kind = "text"

    def end_code(self) -> None:
        if self.code:
            self.blocks.append(("\n".join("".join(line) for line in self.code), "code"))
        self.code = []

    def rs(self) -> None:
        """``.RS``: an indented description; a short paragraph right above it is its term (DocBook's options)."""
        after_term = bool(self.blocks) and self.blocks[-1][1] == "term"  # a .TP description goes on indented
        last = "".join(self.para[-1]) if self.para else ""
        if self.para and self.kind == "text" and len(self.para) <= 3 and not after_term \
                and not (last.endswith((".", ":")) and not last.endswith(("...", "…"))):
            self.kind = "term"
        self.end_paragraph()


def _is_item_mark(text: str) -> bool:
    return text in _BULLETS or bool(_NUMBERED.match(text))


def _th(page: _Page, _: str, args: list[str], __: str) -> None:
    page.macros_seen = True
    if args:
        name = _unescape(args[0], page.strings).strip()
        name = name.lower() if name.isupper() else name
        section = _unescape(args[1], page.strings).strip() if len(args) > 1 else ""
        page.title = f"{name}({section})" if section else name
    if len(args) > 2:
        page.date = _iso_date(_unescape(args[2], page.strings))


def _sh(page: _Page, name: str, args: list[str], _: str) -> None:
    page.macros_seen = True
    if args:
        page.heading(page.text(" ".join(args)))
    else:
        page.end_code()
        page.end_paragraph()
        page.heading_next = name


def _paragraph(page: _Page, *_: object) -> None:
    _space(page)


def _tp(page: _Page, *_: object) -> None:
    page.end_paragraph()
    page.tag_next = True


def _ip(page: _Page, _: str, args: list[str], __: str) -> None:
    page.end_paragraph()
    tag = _unescape(args[0], page.strings).strip() if args else ""
    if not tag:
        return
    if _is_item_mark(tag):
        page.kind = "list item"
    else:
        page.blocks.append((tag, "term"))


def _fonts(page: _Page, name: str, args: list[str], _: str) -> None:
    """``.B``, ``.I``, ``.BR`` and the like: their words, alternating fonts joined without spaces."""
    if not args:
        return  # the font applies to the next line, which comes as text
    text = "".join(args) if name in ("BR", "RB", "BI", "IB", "IR", "RI") else " ".join(args)
    page.add_text(page.text(text))


def _nofill(page: _Page, name: str, *_: object) -> None:
    page.end_paragraph()
    page.end_code()
    page.fill = name not in ("nf", "EX")


def _fill(page: _Page, *_: object) -> None:
    page.end_code()
    page.fill = True


def _break(page: _Page, *_: object) -> None:
    if page.fill:
        page.end_paragraph()


def _space(page: _Page, *_: object) -> None:
    if page.fill:
        page.end_paragraph()
    elif page.code:
        page.code.append([])


def _rs(page: _Page, *_: object) -> None:
    if page.fill:
        page.rs()


def _define_string(page: _Page, _: str, args: list[str], line: str) -> None:
    parts = line.split(None, 2)
    if len(parts) >= 2:
        value = parts[2] if len(parts) > 2 else ""
        page.strings[parts[1]] = _unescape(value[1:] if value.startswith('"') else value, page.strings)


def _table(page: _Page, *_: object) -> None:
    page.end_paragraph()
    page.end_code()
    page.table = []


def _so(page: _Page, _: str, args: list[str], __: str) -> None:
    page.macros_seen = True
    page.so_target = args[0] if args else "?"


def _link(page: _Page, name: str, args: list[str], _: str) -> None:
    """``.UR url`` / ``.MT address``: the link's text comes on the next lines; ``.UE``/``.ME`` may add
    punctuation (shown joined to the text before it)."""
    if name in ("UE", "ME") and args and page.para:
        page.para[-1].append(page.text(args[0]))


def _synopsis(page: _Page, name: str, args: list[str], _: str) -> None:
    """groff's ``.SY command`` / ``.OP option [argument]`` / ``.YS``: a synopsis line as it is shown."""
    if name == "SY":
        page.end_paragraph()
        page.add_text(page.text(" ".join(args)))
    elif name == "OP":
        page.add_text("[" + page.text(" ".join(args)) + "]")
    else:
        page.end_paragraph()


_REQUESTS: dict[str, Callable[[_Page, str, list[str], str], None]] = {
    "TH": _th, "SH": _sh, "SS": _sh, "PP": _paragraph, "LP": _paragraph, "P": _paragraph, "TP": _tp,
    "TQ": _tp, "IP": _ip, "B": _fonts, "I": _fonts, "BR": _fonts, "RB": _fonts, "BI": _fonts, "IB": _fonts,
    "IR": _fonts, "RI": _fonts, "SM": _fonts, "SB": _fonts, "CW": _fonts, "nf": _nofill, "EX": _nofill,
    "fi": _fill, "EE": _fill, "br": _break, "sp": _space, "RS": _rs, "RE": _break, "ds": _define_string,
    "TS": _table, "so": _so, "UR": _link, "UE": _link, "MT": _link, "ME": _link, "SY": _synopsis,
    "OP": _synopsis, "YS": _synopsis,
}


# ---------------------------------------------------------------------- lines, conditionals, macros


def _logical_lines(page: _Page, lines: list[str]) -> Iterator[str]:
    """The page's lines with continuations joined, comments dropped, conditionals decided, and macro
    definitions (``.de``, kept in ``page.macros``) and ignored blocks (``.ig``) taken out."""
    pending = list(reversed(_joined(lines)))
    last_ie: list[bool] = []
    expanded = 0
    while pending:
        line = pending.pop()
        if line[:1] not in (".", "'"):
            yield line
            continue
        name, rest = _first_word(line[1:].lstrip(" \t"))
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
                page.macros[key] = (page.macros.get(key, []) if name.startswith("am") else []) + body
            continue
        if name in page.macros:
            expanded += len(page.macros[name])
            if expanded > _MAX_EXPANDED:
                raise Unreadable(f"its macros expand to more than {_MAX_EXPANDED:,} lines (a macro calling itself?)")
            args = _split_request(line[1:].lstrip(" \t"))[1]
            pending.extend(reversed([_substitute_args(b, args) for b in page.macros[name]]))
            continue
        if name == "als" and len(rest.split()) == 2:
            alias, known = rest.split()
            if known in page.macros:
                page.macros[alias] = page.macros[known]
            continue
        if name in ("if", "ie", "el", "while"):
            if name == "el":
                holds, body_text = (not last_ie.pop()) if last_ie else False, rest
            else:
                holds, body_text = _condition(page, rest)
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


def _condition(page: _Page, rest: str) -> tuple[bool, str]:
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
    word, body = _first_word(rest)
    if word in ("d", "r", "c", "m", "F", "S"):
        name, body = _first_word(body)
        holds = word == "d" and (name in page.strings or name in page.macros)
    elif re.fullmatch(r"[-+]?\d+", word):
        holds = int(word) != 0
    elif word[:1] in ("n", "t", "o", "e", "v") and (len(word) == 1 or word[1] == "\\"):
        holds = word[0] in ("n", "o")
        body = word[1:] + (" " + body if word[1:] and body else body)  # ".if n\{\" without a space
    else:
        holds = False
    return holds != negate, body


def _joined(lines: list[str]) -> list[str]:
    """Lines ending in an escaped newline joined with the next (refused past :data:`_MAX_LINE` characters, a
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
            if size > _MAX_LINE:
                raise Unreadable(f"a line continued past {_MAX_LINE:,} characters")
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


def _first_word(text: str) -> tuple[str, str]:
    parts = text.split(None, 1)
    return (parts[0], parts[1] if len(parts) > 1 else "") if parts else ("", "")


def _split_request(line: str) -> tuple[str, list[str]]:
    """A request's name and its arguments (double quotes group words; ``""`` inside them is a quote)."""
    name, rest = _first_word(line)
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


def _unescape(line: str, strings: dict[str, str]) -> str:
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


def _table_rows(lines: list[str], page: _Page) -> list[tuple[str, str]]:
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
            if line.startswith("T}"):
                in_block = False
                current.append(" ".join(cell_lines))
                rest = line[2:]
                if rest.startswith(tab):
                    rest = rest[1:]
                    if rest:
                        current.extend(page.text(c) for c in rest.split(tab))
                        rows.append((" | ".join(c for c in current if c.strip()), "table row"))
                        current = []
                else:
                    rows.append((" | ".join(c for c in current if c.strip()), "table row"))
                    current = []
            elif line[:1] in (".", "'"):
                continue
            else:
                cell_lines.append(page.text(line))
            continue
        if line[:1] in (".", "'") or line.strip() in ("_", "=", ""):
            continue
        cells = line.split(tab)
        if cells[-1].rstrip().endswith("T{"):
            cells[-1] = cells[-1].rstrip()[:-2]
            current.extend(page.text(c) for c in cells if c.strip())
            cell_lines = []
            in_block = True
            continue
        current.extend(page.text(c) for c in cells)
        rows.append((" | ".join(c.strip() for c in current if c.strip()), "table row"))
        current = []
    if current:
        rows.append((" | ".join(c.strip() for c in current if c.strip()), "table row"))
    return [(text, kind) for text, kind in rows if text]


def _iso_date(value: str) -> str | None:
    """``.TH``'s date as YYYY-MM-DD: written so ("2023-01-31"), as MM/DD/YYYY, or with a month's name.

    >>> _iso_date("10/07/2025"), _iso_date("2023-01-31"), _iso_date("January 2019"), _iso_date("2022 September 19")
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
