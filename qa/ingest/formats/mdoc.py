"""Manual pages in the mdoc(7) macros (BSD's: OpenSSH's, tmux's), read into blocks as ``mandoc`` shows them.

The lines, escapes, conditionals and strings are read as man(7) pages are (:mod:`qa.ingest.formats.roff`); the
macros are mdoc's. What each part becomes:

- ``.Sh`` and ``.Ss`` are headings; ``.Dt`` and ``.Dd`` give the title ("scp(1)") and date;
- a list (``.Bl`` to ``.El``) of tags (``-tag``, ``-hang``, ``-ohang``, ``-inset``, ``-diag``): each ``.It`` is a
  term over its description (read under the item whose description holds its list, if one does); of bullets,
  dashes, numbers or items: each ``.It`` opens a list item; of columns: each ``.It`` is a table row, its cells
  (``Ta``) joined by " | ";
- a literal or unfilled display (``.Bd -literal``, ``.Bd -unfilled``, ``.D1``, ``.Dl``) is code;
- the words of a line's macros are shown as mandoc shows them: ``.Fl L Ar port`` as "-L port", ``.Op Fl v`` as
  "[-v]", ``.Xr ssh_config 5`` as "ssh_config(5)", ``.Dq yes`` as "“yes”", ``.Nm`` as the page's name, closing
  punctuation against the word before it (``.Ar file .`` as "file.").

A macro it does not know shows its words, so nothing goes silently.
"""
from __future__ import annotations

import re

from . import AFTER_INNER_TERMS, AFTER_TERMS, INNER_TERM, Unreadable
from .man import PageReader
from .roff import iso_date, split_request

#: Enclosures: a macro that wraps the rest of its line.
_ENCLOSE = {"Op": ("[", "]"), "Dq": ("“", "”"), "Sq": ("‘", "’"), "Ql": ("‘", "’"), "Qq": ('"', '"'),
            "Pq": ("(", ")"), "Bq": ("[", "]"), "Brq": ("{", "}"), "Aq": ("⟨", "⟩")}
#: Opening and closing halves of enclosures written over several macros.
_HALVES = {"Oo": "[", "Oc": "]", "Do": "“", "Dc": "”", "So": "‘", "Sc": "’", "Qo": '"', "Qc": '"', "Po": "(",
           "Pc": ")", "Bo": "[", "Bc": "]", "Bro": "{", "Brc": "}", "Ao": "⟨", "Ac": "⟩"}
#: Macros whose words are shown as they are.
_PLAIN = frozenset("Ar Cm Ic Li Pa Ev Va Dv Er Ad Ms Sx Tn Cd Fa Ot Ft Em Sy No Ql Mt An Fd Lb Vt Ud %A %B %C %D "
                   "%I %J %N %O %P %Q %R %T %U %V".split())
#: Systems named by a macro, with the version that may follow.
_SYSTEMS = {"At": "AT&T UNIX", "Bx": "BSD", "Ux": "UNIX", "Nx": "NetBSD", "Fx": "FreeBSD", "Ox": "OpenBSD",
            "Dx": "DragonFly", "Bsx": "BSD/OS"}
_CALLABLE = frozenset([*_ENCLOSE, *_HALVES, *_PLAIN, *_SYSTEMS, "Fl", "Xr", "Ns", "Pf", "Ap", "Nm", "Fn", "Fo",
                       "Fc", "Lk", "Ta", "Eo", "Ec", "St", "In", "Xo", "Xc"])
_CLOSING = frozenset(". , : ; ) ] ? !".split())
_OPENING = frozenset("( [".split())
# Where one line of an .It extended by .Xo ends: an enclosure (.Op) closes there, as it does at a line's end.
_LINE_END = "\x1e"
# .Sm on / off between two lines of such an item (the first word after "off" keeps its space, as mandoc shows).
_SPACING_ON, _SPACING_OFF = "\x1eSm on", "\x1eSm off"
_TAGGED = ("-tag", "-hang", "-ohang", "-inset", "-diag")
_ITEMS = ("-bullet", "-dash", "-hyphen", "-enum", "-item")
_STANDARDS = {"-p1003.1": "IEEE Std 1003.1 (“POSIX.1”)", "-p1003.1-2008": "IEEE Std 1003.1-2008 (“POSIX.1”)",
              "-ansiC": "ANSI X3.159-1989 (“ANSI C89”)", "-isoC": "ISO/IEC 9899:1990 (“ISO C90”)",
              "-isoC-99": "ISO/IEC 9899:1999 (“ISO C99”)", "-xpg4.2": "X/Open Portability Guide Issue 4, Version 2 "
              "(“XPG4.2”)", "-susv3": "Version 3 of the Single UNIX Specification (“SUSv3”)"}


#: The strings mdoc(7) predefines, as groff shows them on a UTF-8 terminal ("[n1]\*[Gt]&n2" is "[n1]>&n2").
_STRINGS = {"Lt": "<", "Gt": ">", "Le": "≤", "Ge": "≥", "<=": "≤", ">=": "≥", "Lq": "“", "Rq": "”", "q": '"',
            "Pm": "±", "If": "∞", "Ne": "≠", "Pi": "π", "Ba": "|", "Am": "&", "Na": "NaN", "ua": "↑", "aa": "´",
            "ga": "`"}


class MdocPage(PageReader):
    """One mdoc page's reading: :class:`qa.ingest.formats.man.PageReader`'s blocks, with mdoc's macros."""

    def __init__(self) -> None:
        super().__init__()
        self.strings.update(_STRINGS)
        self.mdoc = True
        self.name = ""
        self.lists: list[str] = []  # the type of each open list, innermost last
        self.spacing = True  # .Sm off: words join without spaces
        self.spaced_once = False  # the next word keeps its space though spacing is off (see _SPACING_OFF)
        self.pending_item: list[str] | None = None  # an .It line extended by .Xo to its .Xc

    def line(self, line: str) -> None:
        if self.pending_item is not None and line[:1] not in (".", "'") and line.strip():
            self.pending_item.extend([_LINE_END, *line.split()])  # a text line of the item's head
            return
        super().line(line)

    def request(self, line: str) -> None:
        name, args = split_request(line)
        if self.pending_item is not None and name != "Xc":
            if name == "Sm":  # spacing changes between the words of the item's head
                on = (args[0] if args else "on") != "off"
                self.pending_item.extend([_LINE_END, _SPACING_ON if on else _SPACING_OFF])
            else:
                self.pending_item.extend([_LINE_END, name, *args])
            return
        handler = getattr(self, "_" + name, None) if name in _BLOCK else None
        if name == "Nm" and self.in_synopsis():
            self.end_paragraph()  # each command of a synopsis on its own line
        if handler is not None:
            handler(args)
        elif name in _CALLABLE:
            self.add_text(self.render([name, *args]))
        else:
            super().request(line)

    def in_synopsis(self) -> bool:
        heading = next((text for text, kind in reversed(self.blocks) if kind == "heading"), "")
        return heading == "SYNOPSIS"

    # ------------------------------------------------------------------ words

    def render(self, tokens: list[str]) -> str:
        """A macro line's words as mandoc shows them."""
        return _joined(self._words(tokens), self.spacing)

    def _words(self, tokens: list[str]) -> list[tuple[str, bool]]:
        """The words of ``tokens`` (text and callable macros), each with whether it joins the one before."""
        line, i = _Line(self), 0
        while i < len(tokens):
            token = tokens[i]
            i += 1
            if token == _LINE_END:
                continue  # a word glued to the end of one line stays glued to the next line's first
            if token in (_SPACING_ON, _SPACING_OFF):
                self.spacing, self.spaced_once = token == _SPACING_ON, token == _SPACING_OFF
            elif token not in _CALLABLE:
                line.put(token)
            elif token in _ENCLOSE:  # it wraps the rest of the line, but for the punctuation that ends it
                end = tokens.index(_LINE_END, i) if _LINE_END in tokens[i:] else len(tokens)
                body, trailing = _split_trailing(tokens[i:end])
                i = end
                opening, closing = _ENCLOSE[token]
                line.put(opening + _joined(self._words(body), self.spacing) + closing)
                line.put_all(trailing)
            else:
                args, i = _arguments(tokens, i)
                _MACRO_WORDS.get(token, _plain)(line, token, args)
        return line.pieces

    # ------------------------------------------------------------------ block macros

    # each named as its macro, called by request()
    def _Dd(self, args: list[str]) -> None:
        self.macros_seen = True
        value = " ".join(a for a in args if not a.startswith("$Mdocdate")).rstrip("$").strip()
        self.date = iso_date(value.replace(",", ""))

    def _Dt(self, args: list[str]) -> None:
        self.macros_seen = True
        if args:
            name = args[0].lower() if args[0].isupper() else args[0]
            self.title = f"{name}({args[1]})" if len(args) > 1 else name

    def _Os(self, args: list[str]) -> None:
        return

    def _Sh(self, args: list[str]) -> None:
        self.macros_seen = True
        self.lists.clear()
        self.fill = True
        self.heading(self.render(args))

    _Ss = _Sh

    def _Nd(self, args: list[str]) -> None:
        if self.para:
            self.para[-1].append(" — " + self.render(args))
        else:
            self.add_text("— " + self.render(args))

    def _Pp(self, args: list[str]) -> None:
        self.end_paragraph()

    _Lp = _Pp

    def _Bl(self, args: list[str]) -> None:
        self.end_paragraph()
        kind = next((a for a in args if a in (*_TAGGED, *_ITEMS, "-column")), "-tag")
        self.lists.append(kind)

    def _El(self, args: list[str]) -> None:
        self.end_paragraph()
        if self.lists and self.lists.pop() in _TAGGED:  # what follows a list of tags describes none of them
            self.after_terms = AFTER_INNER_TERMS if any(k in _TAGGED for k in self.lists) else AFTER_TERMS

    def _It(self, args: list[str]) -> None:
        self.end_paragraph()
        if args and args[-1] == "Xo":
            self.pending_item = args[:-1]
            return
        self._item(args)

    def _Xc(self, args: list[str]) -> None:
        item, self.pending_item = self.pending_item or [], None
        self._item([*item, _LINE_END, *args])

    def _item(self, args: list[str]) -> None:
        if all(a == _LINE_END for a in args):
            args = []
        kind = self.lists[-1] if self.lists else "-tag"
        if kind in _ITEMS:
            self.kind = "list item"
            if args:
                self.add_text(self.render(args))
        elif kind == "-column":
            cells = [c.strip() for c in self.render(args).replace("\t", "\x01").split("\x01")]
            self.blocks.append((" | ".join(c for c in cells if c), "table row"))
        elif args and (term := self.render(args)):  # a head of only .Sm lines shows nothing
            # a list of tags inside another's item (ssh_config's values of a keyword) is read under that item
            inner = any(outer in _TAGGED for outer in self.lists[:-1])
            self.blocks.append((term, INNER_TERM if inner else "term"))
            self.after_terms = ""

    def _Bd(self, args: list[str]) -> None:
        self.end_paragraph()
        self.end_code()
        self.fill = not ({"-literal", "-unfilled"} & set(args))

    def _Ed(self, args: list[str]) -> None:
        self.end_code()
        self.end_paragraph()
        self.fill = True

    def _D1(self, args: list[str]) -> None:
        self.end_paragraph()
        self.end_code()
        self.blocks.append((self.render(args), "code"))

    _Dl = _D1

    def _Sm(self, args: list[str]) -> None:
        self.spacing = (args[0] if args else ("on" if not self.spacing else "off")) != "off"

    def _Ex(self, args: list[str]) -> None:
        names = [a for a in args if a != "-std"] or [self.name]
        self.add_text(f"The {' and '.join(names)} utilit{'y' if len(names) == 1 else 'ies'} exit"
                      f"{'s' if len(names) == 1 else ''} 0 on success, and >0 if an error occurs.")

    def _Rv(self, args: list[str]) -> None:
        names = [a + "()" for a in args if a != "-std"] or [self.name + "()"]
        self.add_text(f"The {' and '.join(names)} function{'' if len(names) == 1 else 's'} return"
                      f"{'s' if len(names) == 1 else ''} the value 0 if successful; otherwise the value -1 is "
                      "returned and the global variable errno is set to indicate the error.")

    def _Rs(self, args: list[str]) -> None:
        self.end_paragraph()

    _Re = _Rs

    def _Bk(self, args: list[str]) -> None:
        return

    _Ek = _Bf = _Ef = _Bk


class _Line:
    """The words of one macro line as they are put, each with whether it joins the one before: a closing mark
    joins the word before it, the word after an opening one joins it, and under ``.Sm off`` all join."""

    def __init__(self, page: MdocPage) -> None:
        self.page = page
        self.pieces: list[tuple[str, bool]] = []
        self.glue_next = False  # the next word joins this one (after "(", ".Ns", ".Pf", ".Fo")

    def put(self, word: str, glued: bool = False) -> None:
        page = self.page
        unspaced, page.spaced_once = not page.spacing and not page.spaced_once, False
        self.pieces.append((page.text(word), glued or self.glue_next or word in _CLOSING or unspaced))
        self.glue_next = word in _OPENING

    def put_all(self, words: list[str]) -> None:
        for word in words:
            self.put(word)


# What each callable macro shows of its arguments. A macro that needs an argument and has none shows nothing.

def _plain(line: _Line, token: str, args: list[str]) -> None:  # and Xo/Xc inside a line
    line.put_all(args)


def _half(line: _Line, token: str, args: list[str]) -> None:
    closes = token.endswith("c")
    line.put(_HALVES[token], glued=closes)
    line.glue_next = not closes
    line.put_all(args)


def _flags(line: _Line, token: str, args: list[str]) -> None:
    """Each word a flag, but for punctuation and the "|" between alternatives."""
    words = [a for a in args if a not in _CLOSING]
    line.put("-" + words[0] if words else "-")
    for word in args[1:] if words else args:
        line.put(word if word in _CLOSING or line.page.text(word) == "|" else "-" + word)


def _cross_reference(line: _Line, token: str, args: list[str]) -> None:
    if args:
        section = len(args) > 1 and args[1] not in _CLOSING
        line.put(args[0] + (f"({args[1]})" if section else ""))
        line.put_all(args[2:] if section else args[1:])


def _no_space(line: _Line, token: str, args: list[str]) -> None:
    if token == "Ap":
        line.put("'", glued=True)
    line.glue_next = True
    line.put_all(args)


def _prefix(line: _Line, token: str, args: list[str]) -> None:
    if args:
        line.put(args[0])
        line.glue_next = True
        line.put_all(args[1:])


def _name(line: _Line, token: str, args: list[str]) -> None:
    """The name given, which the page keeps (the first), or the page's name."""
    named = bool(args) and args[0] not in _CLOSING
    if named and not line.page.name:
        line.page.name = args[0]
    line.put_all(args if named else [line.page.name, *args])


def _function(line: _Line, token: str, args: list[str]) -> None:
    if args:
        line.put(args[0] + "(" + ", ".join(a for a in args[1:] if a not in _CLOSING) + ")")
        line.put_all([a for a in args[1:] if a in _CLOSING])


def _function_open(line: _Line, token: str, args: list[str]) -> None:
    if args:
        line.put(args[0] + "(")
        line.glue_next = True


def _function_close(line: _Line, token: str, args: list[str]) -> None:
    line.put(")", glued=True)
    line.put_all(args)


def _link(line: _Line, token: str, args: list[str]) -> None:
    if args:
        text = len(args) > 1 and args[1] not in _CLOSING
        line.put(f"{args[1]}: {args[0]}" if text else args[0])
        line.put_all(args[2:] if text else args[1:])


def _system(line: _Line, token: str, args: list[str]) -> None:
    line.put(_SYSTEMS[token])
    line.put_all(args)


def _standard(line: _Line, token: str, args: list[str]) -> None:
    if args:
        line.put(_STANDARDS.get(args[0], args[0]))
        line.put_all(args[1:])


def _include(line: _Line, token: str, args: list[str]) -> None:
    """A header: the line that includes it in a synopsis, its name elsewhere."""
    if args:
        line.put(f"#include <{args[0]}>" if line.page.in_synopsis() else f"<{args[0]}>")
        line.put_all(args[1:])


def _cell(line: _Line, token: str, args: list[str]) -> None:
    line.put("\t")
    line.put_all(args)


def _enclosure_end(line: _Line, token: str, args: list[str]) -> None:
    """``.Eo`` and ``.Ec``: an enclosure's opening and closing marks, given as their first argument."""
    if args:
        line.put(args[0], glued=token == "Ec")
        line.glue_next = token == "Eo"
        line.put_all(args[1:])


_MACRO_WORDS = {**dict.fromkeys(_HALVES, _half), **dict.fromkeys(_SYSTEMS, _system), "Fl": _flags,
                "Xr": _cross_reference, "Ns": _no_space, "Ap": _no_space, "Pf": _prefix, "Nm": _name, "Fn": _function,
                "Fo": _function_open, "Fc": _function_close, "Lk": _link, "St": _standard, "In": _include,
                "Ta": _cell, "Eo": _enclosure_end, "Ec": _enclosure_end}


_BLOCK = frozenset("Dd Dt Os Sh Ss Nd Pp Lp Bl El It Xc Bd Ed D1 Dl Sm Ex Rv Rs Re Bk Ek Bf Ef".split())


def _joined(pieces: list[tuple[str, bool]], spacing: bool) -> str:
    """Words joined by spaces (none under ``.Sm off``), except those joined to the one before."""
    out: list[str] = []
    for n, (text, glued) in enumerate(pieces):
        if n and not glued and spacing and text:
            out.append(" ")
        out.append(text)
    return "".join(out).strip()


def _arguments(tokens: list[str], i: int) -> tuple[list[str], int]:
    """The words after a macro up to the next callable one or the end of its line."""
    args = []
    while i < len(tokens) and tokens[i] not in _CALLABLE and tokens[i] != _LINE_END:
        args.append(tokens[i])
        i += 1
    return args, i


def _split_trailing(tokens: list[str]) -> tuple[list[str], list[str]]:
    """An enclosure's words, and the closing punctuation after them that goes outside it."""
    end = len(tokens)
    while end > 0 and tokens[end - 1] in _CLOSING:
        end -= 1
    return tokens[:end], tokens[end:]


def read_mdoc(lines: list[str]) -> MdocPage:
    """Read a page's lines with mdoc's macros (the caller makes the blocks)."""
    page = MdocPage()
    page.read(lines)
    if not page.macros_seen:
        raise Unreadable("not a manual page: no mdoc(7) macro (.Dd, .Sh) in it")
    return page


def is_mdoc(lines: list[str]) -> bool:
    """Whether a page is written in mdoc's macros: its first macro line is ``.Dd`` (mdoc's first), not ``.TH``."""
    for line in lines:
        if re.match(r"^\.\s*(Dd|TH)\b", line):
            return line.lstrip(". \t").startswith("Dd")
    return False


__all__ = ["MdocPage", "is_mdoc", "read_mdoc"]
