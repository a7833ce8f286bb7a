"""Manual pages (roff with the man(7) macros, as /usr/share/man holds them): read into blocks as a terminal shows them.

The reader interprets the page's requests and escapes itself; no formatter runs. What each part becomes:

- ``.SH`` and ``.SS`` are headings; ``.TH`` gives the page's title ("git-stash(1)") and date;
- a paragraph (``.PP``, ``.LP``, ``.P``, ``.sp``, a blank line) is text, its lines joined as ``man`` fills them;
- a tagged paragraph (``.TP``, or ``.IP`` with a tag) is a term over its description, as an option list or a
  definition list is on a web page; so is a short paragraph whose description follows indented (``.RS``), as
  DocBook writes options; ``.IP`` with a bullet or a number is a list item; a term set in (``.RS``) inside
  another term's description (bash's ``set`` and its ``-e``, git's ``--cleanup=<mode>`` and its ``strip``) is
  read under that term;
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
from collections.abc import Callable

from . import AFTER_INNER_TERMS, AFTER_TERMS, INNER_TERM, Extracted, Unreadable, capped, from_blocks
from .roff import iso_date, logical_lines, split_request, table_rows, unescape
from .text import decode_text

#: Requests and macros that only lay out text: they print nothing.
_LAYOUT = frozenset(
    "ad na nh hy hw hc hla hlm hym ps vs ft fam ss cs cu ul uf ll lt in ti ta tc lc po ne pl pn nr rr rnn af "
    "ev ch wh dt it itc em ec eo ds1 tr trnt ftr fspecial fschar mso do lf cflags kern lg pso pm sy open "
    "opena close write writem tm tm1 tmc ab ex nx rd warn warnscale nop shift chop substring length as1 "
    "ss PD DT UC AT HP IX ns rs mk rt bp ce rj fl pc ig1 hpf hpfa hpfcode hcode linetabs vpt blm lsm "
    "ie1 defcolor gcolor fcolor color pvs sizes special brp ni in1 an-trap".split())
#: mdoc(7) macros that no man(7) page uses (a page whose first macro is .Dd is read by qa.ingest.formats.mdoc).
_MDOC_MARKS = frozenset("Dd Dt Os Sh Ss Nm Nd Bl It Fl".split())
_CODING = re.compile(rb"coding[:=]\s*([-\w.]+)")
_BULLETS = frozenset("•*-o·+–—")
_NUMBERED = re.compile(r"^\(?(\d{1,3}|[a-zA-Z]|[ivxIVX]{1,5})[.)]$")



def read_man(data: bytes, *, max_chars: int | None = None) -> Extracted:
    """The page's blocks, title and date (``max_chars`` caps the text, raising once it is passed)."""
    from .mdoc import is_mdoc, read_mdoc

    lines = _decode(data).splitlines()
    if is_mdoc(lines):
        page: PageReader = read_mdoc(lines)
        return from_blocks(capped(page.blocks, max_chars), title=page.title, date=page.date)
    page = PageReader()
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


class PageReader:
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
        self.depth = 0  # how many .RS are open
        self.terms: list[int] = []  # the depths of the terms whose descriptions are open, outermost first
        self.after_terms = ""  # a paragraph (.PP) ended term descriptions: the kind of its text, if text

    # ------------------------------------------------------------------ lines

    def read(self, lines: list[str]) -> None:
        for line in logical_lines(lines, self.macros, self.strings):
            self.line(line)
        self.end_code()
        self.end_paragraph()

    def line(self, line: str) -> None:
        if self.table is not None:
            if line.startswith((".TE", "'TE")):
                self.blocks.extend(table_rows(self.table, self.text))
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
            self.term(text)
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
        return unescape(line, self.strings)

    # ------------------------------------------------------------------ requests

    def request(self, line: str) -> None:
        if not line or line.startswith(('\\"', "\\#")):
            return
        name, args = split_request(line)
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
        self.depth, self.terms, self.after_terms = 0, [], ""

    def term(self, text: str) -> None:
        """A term at the current depth: inside the description of a term set out less far, if one is open."""
        self.close_terms()
        self.blocks.append((text, INNER_TERM if self.terms else "term"))
        self.terms.append(self.depth)
        self.after_terms = ""

    def close_terms(self) -> None:
        """A paragraph or a term at this depth ends the descriptions of the terms at it or deeper."""
        while self.terms and self.terms[-1] >= self.depth:
            self.terms.pop()

    def end_paragraph(self) -> None:
        self.tag_next = self.joined = False
        if self.para:
            text = " ".join("".join(line) for line in self.para)
            if self.kind == "term":
                self.term(text)
            elif self.kind == "text" and self.after_terms:
                self.blocks.append((text, self.after_terms))
                self.after_terms = ""
            else:
                self.blocks.append((text, self.kind))
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
        self.depth += 1


def _is_item_mark(text: str) -> bool:
    return text in _BULLETS or bool(_NUMBERED.match(text))


def _th(page: PageReader, _: str, args: list[str], __: str) -> None:
    page.macros_seen = True
    if args:
        name = unescape(args[0], page.strings).strip()
        name = name.lower() if name.isupper() else name
        section = unescape(args[1], page.strings).strip() if len(args) > 1 else ""
        page.title = f"{name}({section})" if section else name
    if len(args) > 2:
        page.date = iso_date(unescape(args[2], page.strings))


def _sh(page: PageReader, name: str, args: list[str], _: str) -> None:
    page.macros_seen = True
    if args:
        page.heading(page.text(" ".join(args)))
    else:
        page.end_code()
        page.end_paragraph()
        page.heading_next = name


def _paragraph(page: PageReader, *_: object) -> None:
    _space(page)
    open_terms = len(page.terms)
    page.close_terms()
    if len(page.terms) < open_terms:  # back at the margin of a list it ended: what follows describes no term
        page.after_terms = AFTER_INNER_TERMS if page.terms else AFTER_TERMS


def _tp(page: PageReader, *_: object) -> None:
    page.end_paragraph()
    page.close_terms()  # a tagged paragraph ends the one before it at this depth, whatever its tag turns out to be
    page.tag_next = True


def _ip(page: PageReader, _: str, args: list[str], __: str) -> None:
    page.end_paragraph()
    page.close_terms()
    tag = unescape(args[0], page.strings).strip() if args else ""
    if not tag:
        return
    if _is_item_mark(tag):
        page.kind = "list item"
    else:
        page.term(tag)


def _fonts(page: PageReader, name: str, args: list[str], _: str) -> None:
    """``.B``, ``.I``, ``.BR`` and the like: their words, alternating fonts joined without spaces."""
    if not args:
        return  # the font applies to the next line, which comes as text
    text = "".join(args) if name in ("BR", "RB", "BI", "IB", "IR", "RI") else " ".join(args)
    page.add_text(page.text(text))


def _nofill(page: PageReader, name: str, *_: object) -> None:
    page.end_paragraph()
    page.end_code()
    page.fill = name not in ("nf", "EX")


def _fill(page: PageReader, *_: object) -> None:
    page.end_code()
    page.fill = True


def _break(page: PageReader, *_: object) -> None:
    if page.fill:
        page.end_paragraph()


def _space(page: PageReader, *_: object) -> None:
    if page.fill:
        page.end_paragraph()
    elif page.code:
        page.code.append([])


def _rs(page: PageReader, *_: object) -> None:
    if page.fill:
        page.rs()
    else:
        page.depth += 1


def _re(page: PageReader, *_: object) -> None:
    _break(page)
    page.depth = max(0, page.depth - 1)
    while page.terms and page.terms[-1] > page.depth:  # the descriptions set in that far are over
        page.terms.pop()


def _define_string(page: PageReader, _: str, args: list[str], line: str) -> None:
    parts = line.split(None, 2)
    if len(parts) >= 2:
        value = parts[2] if len(parts) > 2 else ""
        page.strings[parts[1]] = unescape(value[1:] if value.startswith('"') else value, page.strings)


def _table(page: PageReader, *_: object) -> None:
    page.end_paragraph()
    page.end_code()
    page.table = []


def _so(page: PageReader, _: str, args: list[str], __: str) -> None:
    page.macros_seen = True
    page.so_target = args[0] if args else "?"


def _link(page: PageReader, name: str, args: list[str], _: str) -> None:
    """``.UR url`` / ``.MT address``: the link's text comes on the next lines; ``.UE``/``.ME`` may add
    punctuation (shown joined to the text before it)."""
    if name in ("UE", "ME") and args and page.para:
        page.para[-1].append(page.text(args[0]))


def _synopsis(page: PageReader, name: str, args: list[str], _: str) -> None:
    """groff's ``.SY command`` / ``.OP option [argument]`` / ``.YS``: a synopsis line as it is shown."""
    if name == "SY":
        page.end_paragraph()
        page.add_text(page.text(" ".join(args)))
    elif name == "OP":
        page.add_text("[" + page.text(" ".join(args)) + "]")
    else:
        page.end_paragraph()


_REQUESTS: dict[str, Callable[[PageReader, str, list[str], str], None]] = {
    "TH": _th, "SH": _sh, "SS": _sh, "PP": _paragraph, "LP": _paragraph, "P": _paragraph, "TP": _tp,
    "TQ": _tp, "IP": _ip, "B": _fonts, "I": _fonts, "BR": _fonts, "RB": _fonts, "BI": _fonts, "IB": _fonts,
    "IR": _fonts, "RI": _fonts, "SM": _fonts, "SB": _fonts, "CW": _fonts, "nf": _nofill, "EX": _nofill,
    "fi": _fill, "EE": _fill, "br": _break, "sp": _space, "RS": _rs, "RE": _re, "ds": _define_string,
    "TS": _table, "so": _so, "UR": _link, "UE": _link, "MT": _link, "ME": _link, "SY": _synopsis,
    "OP": _synopsis, "YS": _synopsis,
}
