"""Manual pages: the reader's rules on small pages, and integrity on real pages from installed packages.

A real page is read as the build reads it (compressed, as /usr/share/man holds it) and measured against groff,
the formatter ``man`` itself runs: every section heading groff shows is a heading, and the words it shows
are there. The pages come with git (DocBook's man pages), coreutils (help2man), bash and man-db
(written by hand) and OpenSSH (mdoc), installed by ``scripts/setup.sh --test``; outside CI a missing page or
groff skips.
"""
from __future__ import annotations

import gzip
import logging
import re
import shutil
import subprocess
from collections import Counter
from pathlib import Path

import pytest

from qa.app.uploads import add_to_corpus, safe_name
from qa.errors import CorpusError, Unreadable
from qa.ingest.clean import clean_text
from qa.ingest.formats import format_of
from qa.ingest.formats.man import read_man
from qa.ingest.load import discover, gunzip, load_corpus

from .installed import installed, kinds, read

REAL = {
    "/usr/share/man/man1/git-stash.1.gz": "git-man",
    "/usr/share/man/man1/git-reset.1.gz": "git-man",
    "/usr/share/man/man1/git-log.1.gz": "git-man",
    "/usr/share/man/man5/gitignore.5.gz": "git-man",
    "/usr/share/man/man1/ls.1.gz": "coreutils",
    "/usr/share/man/man1/bash.1.gz": "bash",
    "/usr/share/man/man1/man.1.gz": "man-db",
    "/usr/share/man/man1/scp.1.gz": "openssh-client",  # mdoc(7), as BSD writes manual pages
}
_WORD = re.compile(r"\w+")


def real(path: str) -> Path:
    return installed(path, f"{REAL[path]} groff-base", ready=bool(shutil.which("groff")), what="groff")


def groff(data: bytes) -> list[str]:
    """The page as ``man`` shows it on a wide terminal, without its header and footer lines."""
    out = subprocess.run(["groff", "-t", "-mandoc", "-Tutf8", "-P-cbou", "-rLL=200n"], input=data,
                         capture_output=True, timeout=60, check=True).stdout.decode("utf-8", "replace")
    lines = out.splitlines()
    while lines and not lines[0].strip():
        lines.pop(0)
    while lines and not lines[-1].strip():
        lines.pop()
    return lines[1:-1]


@pytest.mark.parametrize("path", list(REAL))
def test_real_manual_page_keeps_its_headings_and_its_words(path: str) -> None:
    page = real(path)
    doc = read(page)
    shown = groff(gzip.decompress(page.read_bytes()))
    headings = kinds(doc, "heading")
    # groff sets a section heading at the left margin, a subsection's 3 columns in, and the text 7 columns in
    margin = [" ".join(line.split()) for line in shown if line.strip() and len(line) - len(line.lstrip()) in (0, 3)]
    assert margin == headings
    expected = Counter(w.lower() for w in _WORD.findall("\n".join(shown)))
    found = Counter(w.lower() for w in _WORD.findall(doc.text))
    # what groff may show that the text does not hold: a word it hyphenated at a line end ("unde-fined")
    assert sum((expected - found).values()) <= 0.01 * sum(expected.values()), (expected - found).most_common(20)
    assert sum((found - expected).values()) <= 0.01 * sum(expected.values()), (found - expected).most_common(20)
    # no font, size or character escape left unread: a "\\f" in the text is one the page shows ("form feed")
    for escape in ("\\f", "\\s", "\\(", "\\[", "\\*"):
        assert doc.text.count(escape) <= "\n".join(shown).count(escape), escape
    assert "\x00" not in doc.text
    assert doc.title == f"{page.name.split('.')[0]}({page.name.split('.')[1]})" and doc.kind == "manual page"
    # the date .TH gives, where it names a day ("September 2022" does not)
    assert doc.date is None or re.fullmatch(r"\d{4}-\d{2}-\d{2}", doc.date)


def test_real_docbook_page_has_terms_code_and_list_items() -> None:
    doc = read(real("/usr/share/man/man1/git-stash.1.gz"))
    assert doc.date is not None
    terms = kinds(doc, "term")
    assert "pop [--index] [-q|--quiet] [<stash>]" in terms and "-a, --all" in terms and "<pathspec>..." in terms
    pop = doc.text.index("Remove a single stashed state from the stash list")
    assert doc.section_at(pop) == "pop [--index] [-q|--quiet] [<stash>]"
    code = kinds(doc, "code")
    assert "$ git stash\n$ edit emergency fix\n$ git commit -a -m \"Fix in a hurry\"" in "\n".join(code)
    assert any(block.startswith("git stash list [<log-options>]\ngit stash show") for block in code)
    # the stash's diagram keeps its spacing, as a terminal shows it
    assert "       .----W\n      /    /\n-----H----I" in code
    log = read(real("/usr/share/man/man1/git-log.1.gz"))  # DocBook's bullets: "\\(bu\\c" before the item
    items = kinds(log, "list item")
    assert "number" in items and "/regex/" in items and not any(item.startswith(("•", "\\")) for item in items)


def test_real_hand_written_page_options_are_terms() -> None:
    doc = read(real("/usr/share/man/man1/ls.1.gz"))
    terms = kinds(doc, "term")
    assert "-a, --all" in terms
    assert doc.section_at(doc.text.index("do not ignore entries starting with .")) == "-a, --all"


# ---------------------------------------------------------------- the reader's rules, on small pages

PAGE = rb""".\" A page written for this test
.TH DEMO 1 "2024-03-05" "demo 1.0" "User Commands"
.de XX
.B \\$1
..
.SH NAME
demo \- show what a manual page holds
.SH SYNOPSIS
.B demo
[\fB\-v\fR]
.IR file ...
.SH DESCRIPTION
.B demo
reads a
.I file
and writes it
\(em unchanged.
.PP
Second paragraph with a \*(lqstring\*(rq and \[u00E9]t\['e].
.SS Options
.TP
.BR \-v ", " \-\-verbose
Say more.
.IP \(bu 2
A bullet item.
.IP "1." 4
A numbered item.
.IP "--color" 4
A tag that is a term.
.SH EXAMPLES
.EX
$ demo   notes.txt
    indented line
.EE
.ie n \{\
Shown on a terminal.
.\}
.el \{\
Shown in print.
.\}
.if t .B print only
.XX macro-arg
.TS
tab(;);
l l.
Name;Value
alpha;1
T{
Command Line
T};T{
Source Dir
T}
.TE
.SH SEE ALSO
.BR cat (1)
"""


def test_small_page_blocks() -> None:
    found = read_man(PAGE)
    blocks = [(found.text[s:e], kind) for s, e, kind in found.blocks]
    assert found.title == "demo(1)" and found.date == "2024-03-05"
    assert blocks == [
        ("NAME", "heading"), ("demo - show what a manual page holds", "text"),
        ("SYNOPSIS", "heading"), ("demo [-v] file...", "text"),  # .IR joins its words
        ("DESCRIPTION", "heading"), ("demo reads a file and writes it — unchanged.", "text"),
        ("Second paragraph with a “string” and été.", "text"),
        ("Options", "heading"), ("-v, --verbose", "term"), ("Say more.", "text"),
        ("A bullet item.", "list item"), ("A numbered item.", "list item"),
        ("--color", "term"), ("A tag that is a term.", "text"),
        ("EXAMPLES", "heading"), ("$ demo   notes.txt\n    indented line", "code"),
        ("Shown on a terminal. macro-arg", "text"),
        ("Name | Value", "table row"), ("alpha | 1", "table row"),
        ("Command Line | Source Dir", "table row"),  # a text block after another on its line: a cell of its own
        ("SEE ALSO", "heading"), ("cat(1)", "text"),
    ]


def test_a_block_written_right_after_el_is_its_branch() -> None:
    # pod2man's preamble: the terminal's quotes in ".ie n \{\", the typesetter's in ".el\{\" (no space before
    # the escape); a terminal, as groff -Tutf8 does, shows the first
    page = r""".TH X 1
.ie n \{\
.    ds L" ""
.    ds R" ""
'br\}
.el\{\
.    ds L" ``
.    ds R" ''
'br\}
.SH NAME
like the \*(L"librarian\*(R" program
"""
    assert 'like the "librarian" program' in read_man(page.encode()).text


@pytest.mark.parametrize(("data", "reason"), [
    (b"just some notes\nabout nothing\n", "not a manual page"),
    (b".so man1/other.1\n", "only a link to another manual page (.so man1/other.1)"),
    (b".TH X 1\n.Sh NAME\n.Nm demo\n", "mixes the mdoc(7) macros"),
    (b".TH X 1\n.de AA\n.AA\n..\n.AA\n", "macros expand"),
])
def test_what_is_not_read_says_why(data: bytes, reason: str) -> None:
    with pytest.raises(Unreadable, match=re.escape(reason)):
        read_man(data)


def test_declared_encoding_is_read() -> None:
    page = ".\\\" -*- coding: latin-1 -*-\n.TH X 1\n.SH NAME\ncaf\xe9 \\- a page\n".encode("latin-1")
    assert "café - a page" in read_man(page).text
    with pytest.raises(Unreadable, match="not valid UTF-8"):
        read_man(b".TH X 1\n.SH NAME\ncaf\xe9\n")


# ---------------------------------------------------------------- compressed files, names, uploads


def test_file_names_and_formats() -> None:
    assert [format_of(n) for n in ("git-stash.1.gz", "printf.3pm", "x.man", "README.md.gz", "notes.txt")] \
        == ["man", "man", "man", "md", "txt"]
    assert [format_of(n) for n in ("backup.tar.gz", "README.gz", "syslog.2024", "a.gz.gz")] == [None] * 4
    assert safe_name("../git stash.1.gz") == "git-stash.1.gz"


def test_compressed_files_are_read_as_what_they_hold(tmp_path: Path) -> None:
    (tmp_path / "guide.md.gz").write_bytes(gzip.compress(b"# Guide\n\nThe guide says hello.\n"))
    (tmp_path / "demo.1.gz").write_bytes(gzip.compress(PAGE))
    (tmp_path / "backup.tar.gz").write_bytes(gzip.compress(b"not a document"))
    paths, _ = discover(tmp_path)
    assert sorted(p.name for p in paths) == ["demo.1.gz", "guide.md.gz"]
    docs, skipped = load_corpus(tmp_path)
    by_name = {d.source: d for d in docs}
    assert by_name["guide.md.gz"].title == "Guide" and "The guide says hello." in by_name["guide.md.gz"].text
    assert by_name["demo.1.gz"].format == "man" and by_name["demo.1.gz"].title == "demo(1)"
    assert skipped == []


def test_gzip_that_expands_too_far_or_is_broken_is_refused(tmp_path: Path, caplog: pytest.LogCaptureFixture
                                                           ) -> None:
    with pytest.raises(Unreadable, match="expands to more than 1000 bytes"):
        gunzip(gzip.compress(b"x" * 10_000), 1000)
    with pytest.raises(Unreadable, match="cut short"):
        gunzip(gzip.compress(b"x" * 10_000)[:-12], 100_000)
    assert gunzip(gzip.compress(b"ab") + gzip.compress(b"cd"), 10) == b"abcd"
    (tmp_path / "bomb.txt.gz").write_bytes(gzip.compress(b"a " * 5_000_000))
    (tmp_path / "broken.md.gz").write_bytes(b"# not compressed at all")
    with caplog.at_level(logging.WARNING, logger="qa.ingest.load"):
        docs, skipped = load_corpus(tmp_path, max_bytes=1_000_000)
    assert docs == []
    reasons = {s.source: s.reason for s in skipped}
    assert "expands to more than 1000000 bytes" in reasons["bomb.txt.gz"]
    assert "not a readable gzip file" in reasons["broken.md.gz"]


def test_uploaded_manual_page_keeps_its_name_and_a_second_copy_is_numbered_before_its_suffix(tmp_path: Path
                                                                                              ) -> None:
    corpus = tmp_path / "corpus"
    upload = tmp_path / "demo.1.gz"
    upload.write_bytes(gzip.compress(PAGE))
    assert add_to_corpus(upload, corpus, max_bytes=10**6).name == "demo.1.gz"
    other = tmp_path / "other.1.gz"
    other.write_bytes(gzip.compress(PAGE.replace(b"Say more.", b"Say much more.")))
    second = add_to_corpus(other, corpus, max_bytes=10**6, original_name="demo.1.gz")
    assert second.name == "demo-2.1.gz" and format_of(second.name) == "man"
    with pytest.raises(CorpusError, match="already in the corpus"):
        add_to_corpus(upload, corpus, max_bytes=10**6)
    with pytest.raises(CorpusError, match="only"):
        add_to_corpus(tmp_path / "demo.1.gz", corpus, max_bytes=10**6, original_name="archive.tar.gz")


@pytest.mark.parametrize(("page", "expected"), [
    # a block opened 20,000 times, each continued on the next line: refused, not read in quadratic time
    (b".TH X 1\n.SH H\n" + b".ie n \\{\\\n" * 20_000 + b"text\n", "a line continued past 20,000 characters"),
    # as many blocks, not continued, nested inside one another: read
    (b".TH X 1\n.SH H\n" + b".ie t \\{\\\n.br\n" * 20_000 + b"text\n" + b".\\}\n" * 20_000 + b"after\n", "after"),
    # 200,000 lines joined by \c into one paragraph, and into one line of code
    (b".TH X 1\n.SH H\n" + b"word\\c\n" * 200_000, "word" * 200_000),
    (b".TH X 1\n.SH H\n.nf\n" + b"word\\c\n" * 200_000, "word" * 200_000),
    # a macro that calls itself twice: refused once its expansion passes the bound
    (b".TH X 1\n.de A\n.A\n.A\n..\n.SH H\n.A\n", "its macros expand to more than"),
])
def test_hostile_pages_are_read_or_refused_with_their_reason(page: bytes, expected: str) -> None:
    try:
        text = read_man(page).text
    except Unreadable as e:
        assert expected in str(e)
    else:
        assert text.endswith(expected)


MDOC = rb""".\\" A BSD-style page written for this test
.Dd $Mdocdate: March 5 2024 $
.Dt DEMO 1
.Os
.Sh NAME
.Nm demo
.Nd show what an mdoc page holds
.Sh SYNOPSIS
.Nm demo
.Op Fl v
.Op Fl p Ar port
.Ar file ...
.Sh DESCRIPTION
.Nm
reads
.Ar file
over a
.Xr ssh 1
connection
.Pq see Sx OPTIONS .
The form is
.Sm off
.Oo Ar user @ Oc Ar host : Op Ar path .
.Sm on
.Bl -tag -width Ds
.It Fl p Ar port
Connect to
.Ar port ,
.Dq not the default .
.It Fl v
Say more.
.El
.Bl -bullet
.It
A bullet item.
.El
.Bl -column "Name" "Value"
.It Name Ta Value
.It alpha Ta 1
.El
.Bd -literal -offset indent
$ demo -p 22   notes.txt
    indented
.Ed
.Dl $ demo file
.Sh EXIT STATUS
.Ex -std
"""


def test_small_mdoc_page_blocks() -> None:
    found = read_man(MDOC)
    blocks = [(found.text[s:e], kind) for s, e, kind in found.blocks]
    assert found.title == "demo(1)" and found.date == "2024-03-05"
    assert blocks == [
        ("NAME", "heading"), ("demo — show what an mdoc page holds", "text"),
        ("SYNOPSIS", "heading"), ("demo [-v] [-p port] file ...", "text"),
        ("DESCRIPTION", "heading"),
        ("demo reads file over a ssh(1) connection (see OPTIONS). The form is [user@]host:[path].", "text"),
        ("-p port", "term"), ("Connect to port, “not the default”.", "text"),
        ("-v", "term"), ("Say more.", "text"),
        ("A bullet item.", "list item"),
        ("Name | Value", "table row"), ("alpha | 1", "table row"),
        ("$ demo -p 22   notes.txt\n    indented", "code"), ("$ demo file", "code"),
        ("EXIT STATUS", "heading"), ("The demo utility exits 0 on success, and >0 if an error occurs.", "text"),
    ]


def test_mdoc_predefined_strings_are_what_a_terminal_shows() -> None:
    page = b".Dd March 5, 2024\n.Dt DEMO 1\n.Os\n.Sh DESCRIPTION\n.Bl -tag -width Ds\n" \
        b".It [n1] Ns \\*[Gt]& Ns n2\nCopy a descriptor, \\*[Lq]as is\\*[Rq], x \\*[Le] 2.\n" \
        b".It Fl H \\*(Ba Fl S\nHard or soft.\n.El\n"
    text = read_man(page).text
    assert "[n1]>&n2" in text and "“as is”, x ≤ 2." in text
    assert "-H | -S" in text  # the bar between alternatives is no flag


def test_mdoc_item_continued_by_xo_reads_each_line_as_its_own() -> None:
    """An .Op closes at the end of its line inside .Xo/.Xc as outside, .Sm between the lines joins their words
    (the first after "off" keeps its space), a text line is part of the head, and a header named in running
    text is shown as its name (mandoc's "#include" is for a synopsis)."""
    page = b".Dd March 5, 2024\n.Dt DEMO 1\n.Os\n.Sh SYNOPSIS\n.In demo.h\n.Sh DESCRIPTION\n" \
        b".Bl -tag -width Ds\n.It ulimit Xo\n.Op Fl H \\*(Ba Fl S\n.Op Fl a Op Ar value\n.Xc\nSet limits.\n" \
        b".It Fl D Xo\n.Sm off\n.Oo Ar bind_address : Oc\n.Ar port\n.Sm on\n.Xc\nForward.\n" \
        b".It Xo\nplain words\n.Fl o\n.Xc\nMore.\n.El\nDefined in\n.In demo.h .\n"
    doc = read_man(page)
    terms = [doc.text[s:e] for s, e, kind in doc.blocks if kind == "term"]
    assert terms == ["ulimit [-H | -S] [-a [value]]", "-D [bind_address:]port", "plain words -o"]
    assert "#include <demo.h>" in doc.text and "Defined in <demo.h>." in doc.text


def test_real_mdoc_page_options_are_terms() -> None:
    doc = read(real("/usr/share/man/man1/scp.1.gz"))
    assert "-P port" in kinds(doc, "term") and "-r" in kinds(doc, "term")
    assert doc.section_at(doc.text.index("Recursively copy entire directories.")) == "-r"
    assert "scp [-346ABCOpqRrsTv] [-c cipher]" in doc.text


NESTED = rb""".TH NESTED 1
.SH OPTIONS
.TP
.B set
Set options:
.RS
.TP
.B \-e
Exit at once.
.TP
.B \-u
Treat unset variables as errors.
.RE
.TP
.B shift
Shift the arguments.
.TP

At most one of these:

.RS
.TP
.B \-\-zone
The zone.
.RE
.PP
.B \-\-cleanup
.RS 4
How to clean up.
.PP
.B strip
.RS 4
Strip it all.
.RE
.RE
.PP
.B \-\-quiet
.RS 4
Say nothing.
.RE
"""


def test_a_term_set_in_under_another_terms_description_is_read_under_it() -> None:
    """A .TP term inside the .RS of a .TP term's description, or a DocBook option's value (its own paragraph
    and .RS) inside an option's, is read under that term; a .TP, a .PP or an .RE that ends the description ends
    it, even a .TP whose tag turns out empty ("At most one of these:" is a group's note, not a term)."""
    found = read_man(NESTED)
    cleaned = clean_text(found.text, fmt="man", headings=found.headings, blocks=found.blocks)
    under = {cleaned.text[b:e]: next(s.title for s in cleaned.sections if s.start <= b < s.end)
             for b, e, kind in cleaned.blocks if kind == "text"}
    assert under == {"Set options:": "OPTIONS › set", "Exit at once.": "OPTIONS › set › -e",
                     "Treat unset variables as errors.": "OPTIONS › set › -u", "Shift the arguments.": "shift",
                     "At most one of these:": "shift", "The zone.": "--zone", "How to clean up.": "--cleanup",
                     "Strip it all.": "--cleanup › strip", "Say nothing.": "--quiet"}
    assert {kind for _, _, kind in cleaned.blocks} == {"heading", "term", "text"}


def test_real_pages_nest_an_options_values_under_it() -> None:
    bash = read(real("/usr/share/man/man1/bash.1.gz"))
    at = bash.text.index("Exit immediately if a")
    assert bash.section_at(at).startswith("set [-abefhkmnptuvxBCEHPT]") and bash.section_at(at).endswith(" › -e")
    reset = read(real("/usr/share/man/man1/git-reset.1.gz"))  # DocBook
    at = reset.text.index("Does not touch the index file or the working tree at all")
    assert reset.section_at(at) == "git reset [<mode>] [<commit>] › --soft"
    scp = read(real("/usr/share/man/man1/scp.1.gz"))  # mdoc: a list of values in an option's description
    assert "-X sftp_option › buffer=value" in [s.title for s in scp.sections]
    assert scp.section_at(scp.text.index("Specifies the port")) == "-P port"  # the next option is its own again


def test_text_after_a_list_of_terms_is_the_section_that_held_the_list() -> None:
    """A .PP back at a list's margin ends it (man), as .El does (mdoc): what follows describes none of its terms;
    a list inside a term's description gives way to that term's section again."""
    ls = read(real("/usr/share/man/man1/ls.1.gz"))
    assert ls.section_at(ls.text.index("The SIZE argument is an integer and optional unit")) == "DESCRIPTION"
    bash = read(real("/usr/share/man/man1/bash.1.gz"))
    assert bash.section_at(bash.text.index("Bash also interprets a number of multi-character options.")) == "OPTIONS"
    page = b".Dd March 5, 2024\n.Dt DEMO 1\n.Os\n.Sh DESCRIPTION\nThe options:\n.Bl -tag -width Ds\n.It Fl a\nAll.\n" \
        b".Bl -tag -width Ds\n.It yes\nOn.\n.El\nMore about a.\n.It Fl b\nBrief.\n.El\nAfter the list.\n"
    found = read_man(page)
    cleaned = clean_text(found.text, fmt="man", headings=found.headings, blocks=found.blocks)
    under = {cleaned.text[b:e]: next(s.title for s in cleaned.sections if s.start <= b < s.end)
             for b, e, kind in cleaned.blocks if kind == "text"}
    assert under == {"The options:": "DESCRIPTION", "All.": "-a", "On.": "-a › yes", "More about a.": "-a",
                     "Brief.": "-b", "After the list.": "DESCRIPTION"}

