"""Info manuals: integrity on real manuals from installed packages, and the reader's rules on small ones.

A real manual is read as the build reads it (compressed, as /usr/share/info holds it) and checked against an
independent reading of the file: every line underlined as a heading is a heading, every word of its nodes
outside their navigation (node lines, menus) is there, and the navigation is recorded as removals. The manuals
come with libtasn1-doc, coreutils and grep, installed by ``scripts/setup.sh --test``; outside CI a missing one
skips.
"""
from __future__ import annotations

import gzip
import re
from collections import Counter
from pathlib import Path

import pytest

from qa.errors import Unreadable
from qa.ingest.formats import format_of
from qa.ingest.formats.info import read_info

from .installed import installed, kinds, read

REAL = {
    "/usr/share/info/libtasn1.info.gz": "libtasn1-doc",
    "/usr/share/info/coreutils.info.gz": "coreutils",
    "/usr/share/info/grep.info.gz": "grep",
}
_WORD = re.compile(r"\w+")
_UNDERLINE = re.compile(r"([*=\-.])\1*")


def real(path: str) -> Path:
    return installed(path, REAL[path])


def nodes(path: Path) -> list[list[str]]:
    """Each node's lines, without its node line and its menu (an independent reading of the file)."""
    text = re.sub(r"\x00\x08\[[^\x00]*\x00\x08\]", "", gzip.decompress(path.read_bytes()).decode("utf-8"))
    found = []
    for part in text.split("\x1f")[1:]:
        lines = part.lstrip("\n").splitlines()
        if lines and lines[0].startswith("File:"):
            body = lines[1:]
            found.append(body[:next((n for n, ln in enumerate(body) if ln.startswith("* Menu:")), len(body))])
    return found


@pytest.mark.parametrize("path", list(REAL))
def test_real_info_manual_keeps_its_headings_and_its_words(path: str) -> None:
    manual = real(path)
    doc = read(manual)
    bodies = nodes(manual)
    underlined = [" ".join(above.split()) for body in bodies for above, line in zip(body, body[1:])
                  if _UNDERLINE.fullmatch(line) and len(line) == len(above) and not above[:1].isspace()]
    assert underlined and kinds(doc, "heading") == underlined
    expected = Counter(w for body in bodies for line in body
                       if not _UNDERLINE.fullmatch(line) and line.strip() != "---------- Footnotes ----------"
                       for w in _WORD.findall(line))
    found = Counter(_WORD.findall(doc.text))
    assert expected == found  # every word of every node, and nothing else (no menu, no node line)
    rules = Counter(r.rule for r in doc.removals)
    assert rules["node line"] == len(bodies) and rules["menu"] >= 1 and doc.kind == "info manual"
    assert doc.title and doc.date is None  # a manual states its version's date in prose: never taken as its date


def test_real_info_terms_definitions_and_code() -> None:
    coreutils = read(real("/usr/share/info/coreutils.info.gz"))
    assert "‘-a’" in kinds(coreutils, "term") and "‘--all’" in kinds(coreutils, "term")
    at = coreutils.text.index("In directories, do not ignore file names that start with ‘.’.")
    assert coreutils.section_at(at) == "‘-a’ › ‘--all’"
    # a table in a term's description: each of its terms is read under that term
    at = coreutils.text.index("Never make backups.")
    assert coreutils.section_at(at) == "‘-b’ › ‘--backup[=METHOD]’ › ‘none’ › ‘off’"
    # text set out from the descriptions after a table describes none of its terms
    at = coreutils.text.index("A single ‘-’ operand is not really an option")
    assert coreutils.section_at(at) == "2 Common options"
    tasn1 = read(real("/usr/share/info/libtasn1.info.gz"))
    signature = ("-- Function: int asn1_create_element (asn1_node_const DEFINITIONS, const char * SOURCE_NAME, "
                 "asn1_node * ELEMENT)")
    assert signature in kinds(tasn1, "term")
    assert tasn1.section_at(tasn1.text.index("Creates a structure of type")).endswith(signature)
    code = kinds(tasn1, "code")
    assert "Version ::= INTEGER" in code and any(c.startswith("Example { 1 2 3 4 }\n\nDEFINITIONS") for c in code)
    assert "Group ::= SEQUENCE {\n   id   OBJECT IDENTIFIER," in "\n".join(code)  # indentation kept
    # the licence quotation is set in as an example is, but it is prose
    assert not any(c.startswith("Permission is granted") for c in code)
    assert "Thread-safety. No global variables are used" in " ".join(kinds(tasn1, "list item"))
    # grep's questions and answers: a numbered item, its example set in 5 columns more, its text under it
    grep = read(real("/usr/share/info/grep.info.gz"))
    assert "2. How do I search directories recursively?" in kinds(grep, "list item")
    assert "grep -r 'hello' /home/gigi" in kinds(grep, "code")
    assert "This differs from the command:" in kinds(grep, "text")


MANUAL = (
    "This is demo.info, produced by makeinfo version 6.8 from demo.texi.\n\n"
    "\x1f\nFile: demo.info,  Node: Top,  Next: Usage,  Up: (dir)\n\n"
    "Demo\n****\n\n"
    "This manual is for Demo.\n\n"
    "* Menu:\n\n* Usage::   How to use it.\n\n"
    "\x1f\nFile: demo.info,  Node: Usage,  Prev: Top,  Up: Top\n\n"
    "1 Usage\n*******\n\n"
    "   Run it with a file name.  It reads the\nfile and prints it:\n\n"
    "     $ demo notes.txt\n       indented\n\n"
    "‘-v’\n‘--verbose’\n     Say more.\n\n     A second paragraph of the description.\n\n"
    "          demo -v notes.txt\n\n"
    "   * First item of a list\n     that goes on.\n   * Second item.\n\n"
    "\x1f\nTag Table:\nNode: Top\x7f62\nNode: Usage\x7f200\n\x1f\nEnd Tag Table\n"
)


def test_small_manual_blocks_and_what_was_left_out() -> None:
    found = read_info(MANUAL.encode())
    blocks = [(found.text[s:e], kind) for s, e, kind in found.blocks]
    assert found.title == "Demo"
    assert blocks == [
        ("Demo", "heading"), ("This manual is for Demo.", "text"),
        ("1 Usage", "heading"), ("Run it with a file name. It reads the file and prints it:", "text"),
        ("$ demo notes.txt\n  indented", "code"),
        ("‘-v’", "term"), ("‘--verbose’", "term"), ("Say more.", "text"),
        ("A second paragraph of the description.", "text"), ("demo -v notes.txt", "code"),
        ("First item of a list that goes on.", "list item"), ("Second item.", "list item"),
    ]
    why = [(found.text[at:at + 7], reason) for at, _, reason in found.left_out]
    assert [reason for _, reason in why] == ["file header", "node line", "menu", "node line", "tag table",
                                             "tag table"]
    assert why[2][0] == "1 Usage"  # the menu is recorded where it stood: before the next node's heading


@pytest.mark.parametrize(("data", "reason"), [
    (b"This is demo.info.\n\n\x1f\nIndirect:\ndemo.info-1: 100\n\x1f\nTag Table:\n(Indirect)\n",
     "the table of a manual split into parts"),
    (b"Just some text without nodes.\n", "not an Info manual"),
])
def test_what_is_not_read_says_why(data: bytes, reason: str) -> None:
    with pytest.raises(Unreadable, match=reason):
        read_info(data)


def test_info_file_names() -> None:
    assert [format_of(n) for n in ("grep.info.gz", "find.info-2.gz", "gnupg.info-1", "dir")] \
        == ["info", "info", "info", None]
