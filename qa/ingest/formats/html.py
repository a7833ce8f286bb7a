"""Web pages: the page's main element read into blocks, with the page's own metadata.

The main element is the one the page marks (``<main>``, ``role="main"``, ``<article>``, Sphinx's ``div.body``),
else the whole body; inside it, navigation, sidebars, footers and permalink marks are dropped (see
:mod:`qa.ingest.formats.html_chrome`). The rest is read block by block (see :func:`html_blocks`): headings of every
level, paragraphs, list items, table rows with their cells apart, code blocks with their lines, definition terms
and API signatures (Sphinx's, Doxygen's, Javadoc's, Haddock's, those of PostgreSQL's function tables: they open the
section of their description), field labels and the titles of notes with their text ("Returns: ...", "Note:
..."), each block once. A superscript raised right off a word is written after a "^" (:func:`mark_superscripts`):
"2<sup>31</sup>-1" is 2^31-1, not 231-1.
Metadata (title, author, site, date, canonical URL) comes from the page's markup only, never from its text: a
date in example output is not the page's date. (benchmarks/bench_html_integrity.py measured this reader against
trafilatura's main text on real documentation pages.)
"""
from __future__ import annotations

import codecs
import re
import warnings

from bs4 import BeautifulSoup, NavigableString, Tag, XMLParsedAsHTMLWarning
from bs4.element import Comment, Doctype, ProcessingInstruction

from . import (
    AFTER_INNER_TERMS,
    AFTER_TERMS,
    HEADS,
    INNER_TERM,
    NEXT_HEADING,
    SUPERSCRIPT_MARK,
    Extracted,
    Unreadable,
    from_blocks,
    marks_superscript,
    names_its_note,
)
from .html_chrome import HEADINGS, drop_chrome, drop_permalinks, in_class, main_element
from .text import decode_text

# Elements that end a block; everything else is inline text.
_BLOCKS = frozenset(("p", "div", "section", "article", "main", "ul", "ol", "dl", "dd", "li", "blockquote",
                     "table", "thead", "tbody", "tfoot", "caption", "figure", "figcaption", "br", "hr",
                     "details", "summary", "center", "address", "fieldset", "legend", "body", "html", "tr", "td",
                     "th"))
_MAX_DEPTH = 1000  # marking blocks costs time quadratic in the nesting depth


def read_html(data: bytes) -> Extracted:
    """A web page as blocks of its main element, and the metadata its markup declares."""
    return read_soup(parse(_decode(data)))


def read_soup(soup: BeautifulSoup) -> Extracted:
    """:func:`read_html` of a page already parsed (by :func:`parse`)."""
    meta = page_metadata(soup)
    mark_superscripts(soup)
    main = main_element(soup)
    titled = _title_line(_titled(main) or _titled(soup), meta.get("title"))
    # The main element's headline names the page; a bare body's first h1 may be any heading.
    h1 = next((text for text, _, tag in titled if tag == "h1"), None)
    title = h1 if main.name != "body" else meta.get("title") or h1
    return from_blocks([(text, kind) for text, kind, _ in titled], **{**meta, "title": title or meta.get("title")})


def _title_line(blocks: list[tuple[str, str, str]], title: str | None) -> list[tuple[str, str, str]]:
    """The blocks, with a paragraph before the first heading that says the page's title (a styled ``<div>``
    over hand-written pages: SQLite's "SELECT") read as the page's headline: it names the page, it says
    nothing to quote.

    >>> _title_line([("Intro", "text", "p"), ("SELECT", "text", "div"), ("Overview", "heading", "h1")], "SELECT")
    [('Intro', 'text', 'p'), ('SELECT', 'heading', 'h1'), ('Overview', 'heading', 'h1')]
    """
    wanted = " ".join((title or "").split()).casefold()
    for n, (text, kind, _) in enumerate(blocks):
        if kind in HEADS:
            break
        if wanted and kind == "text" and " ".join(text.split()).casefold() == wanted:
            return [*blocks[:n], (text, "heading", "h1"), *blocks[n + 1:]]
    return blocks


def _decode(data: bytes) -> str:
    """UTF-8, or the charset the page declares in a ``<meta>`` tag, read as a browser reads it (an older page is
    often Latin-1). A page that is not UTF-8 and declares nothing, or that its declared charset does not decode,
    is ``Unreadable``.

    >>> _decode(b'<meta charset="iso-8859-1"><p>caf\\xe9 \\x93quoted\\x94</p>')
    '<meta charset="iso-8859-1"><p>café “quoted”</p>'
    """
    try:
        return decode_text(data)
    except Unreadable as e:
        declared = re.search(rb"<meta[^>]+charset=[\"']?([\w.:-]+)", data[:4096], re.IGNORECASE)
        if not declared or b"\x00" in data or data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
            raise
        label = declared.group(1).decode("ascii", "replace")
        try:
            return _browser_decode(data, label)
        except (LookupError, UnicodeDecodeError):
            raise Unreadable(f"{e} (the page declares charset {label}, which does not decode it either)") from e


# Labels a browser reads as windows-1252, Latin-1's superset (the WHATWG Encoding Standard).
_WINDOWS_1252 = frozenset(("iso-8859-1", "iso8859-1", "latin1", "latin-1", "l1", "ascii", "us-ascii",
                           "windows-1252", "cp1252", "x-cp1252", "iso_8859-1", "cp819", "ibm819"))


def _browser_decode(data: bytes, label: str) -> str:
    if label.lower() in _WINDOWS_1252:
        try:
            return data.decode("cp1252")
        except UnicodeDecodeError:  # the five bytes windows-1252 leaves undefined are control characters
            return data.decode("latin-1")
    return data.decode(codecs.lookup(label).name)


def mark_superscripts(root: Tag) -> None:
    """Write :data:`SUPERSCRIPT_MARK` before each superscript that a browser raises right after a word
    (:func:`qa.ingest.formats.marks_superscript`): read as text, "2<sup>31</sup> - 1" would say "231 - 1". Code
    is left as it is.

    >>> soup = BeautifulSoup("<p>up to 2<sup>31</sup>-1, the 1<sup>st</sup> row, see<sup>[7]</sup></p>", "lxml")
    >>> mark_superscripts(soup); soup.p.get_text()
    'up to 2^31-1, the 1st row, see[7]'
    """
    for sup in root.find_all("sup"):
        if sup.find_parent(("pre", "code")) is None and marks_superscript(_just_before(sup), sup.get_text()):
            sup.insert(0, NavigableString(SUPERSCRIPT_MARK))


def _just_before(tag: Tag) -> str:
    """The text shown right before ``tag`` on its line: "" where a block starts between them."""
    node: Tag | None = tag
    while node is not None and node.name not in _BLOCKS:
        previous = node.previous_sibling
        while previous is not None and not (_is_text(previous) and str(previous)) and not isinstance(previous, Tag):
            previous = previous.previous_sibling
        if isinstance(previous, Tag):
            return "" if previous.name in _BLOCKS else previous.get_text()
        if previous is not None:
            return str(previous)
        node = node.parent
    return ""


def parse(markup: str | bytes) -> BeautifulSoup:
    """Parse a page as a browser would (libxml2's HTML parser: an unclosed ``<dt>``, ``<dd>``, ``<li>`` or ``<td>``
    ends where the next one starts, as hand-written pages and Javadoc's comments leave them); markup nested
    deeper than the block walk can afford is ``Unreadable``."""
    with warnings.catch_warnings():  # an XHTML page (EPUB's, AsciiDoc's) is read as HTML on purpose
        warnings.simplefilter("ignore", XMLParsedAsHTMLWarning)
        soup = BeautifulSoup(markup, "lxml")
    deepest, stack = 0, [(soup, 0)]
    while stack:
        node, depth = stack.pop()
        deepest = max(deepest, depth)
        stack += [(child, depth + 1) for child in node.children if isinstance(child, Tag)]  # type: ignore[misc]
    if deepest > _MAX_DEPTH:
        raise Unreadable(f"HTML nested {deepest} elements deep (the limit is {_MAX_DEPTH})")
    return soup


# ---------------------------------------------------------------- metadata

_META = {
    "title": ("og:title", "twitter:title", "dc.title"),
    "author": ("author", "article:author", "dc.creator", "citation_author"),
    "publisher": ("og:site_name", "application-name", "dc.publisher"),
    "date": ("article:published_time", "datepublished", "date", "dc.date", "dc.date.issued", "dcterms.date",
             "dcterms.created", "citation_publication_date", "pubdate", "publish-date", "og:published_time"),
    "url": ("og:url",),
}
_ISO_DATE = re.compile(r"^\s*(\d{4})-(\d{2})-(\d{2})")


def page_metadata(soup: BeautifulSoup) -> dict[str, str | None]:
    """Title, author, site, date and canonical URL as the page's markup declares them."""
    named: dict[str, str] = {}
    for tag in soup.find_all("meta"):
        key = str(tag.get("property") or tag.get("name") or tag.get("itemprop") or "").strip().lower()
        if key and tag.get("content") and key not in named:
            named[key] = str(tag["content"]).strip()
    found = {field: next((named[k] for k in keys if named.get(k)), None) for field, keys in _META.items()}
    canonical = soup.find("link", rel="canonical")
    if canonical and canonical.get("href"):
        found["url"] = str(canonical["href"]).strip()
    if not found["title"] and soup.title:
        found["title"] = drop_permalinks(soup.title.get_text())
    found["date"] = _iso_date(found["date"]) or _header_time(soup)
    if found["url"] and not found["url"].startswith(("http://", "https://")):
        found["url"] = None
    return found


def _iso_date(value: str | None) -> str | None:
    match = _ISO_DATE.match(value or "")
    return "-".join(match.groups()) if match else None


def _header_time(soup: BeautifulSoup) -> str | None:
    """A ``<time datetime>`` in the page's or the article's header (where a byline's date sits)."""
    for header in soup.find_all("header"):
        time = header.find("time", datetime=True)
        if time is not None and (date := _iso_date(str(time["datetime"]))):
            return date
    return None


# ---------------------------------------------------------------- blocks



def html_blocks(root: Tag) -> list[tuple[str, str]]:
    """The ``(text, kind)`` blocks under ``root`` in reading order, each element read once."""
    return [(text, kind) for text, kind, _ in _titled(root)]


def _titled(root: Tag) -> list[tuple[str, str, str]]:
    """Blocks as ``(text, kind, tag name)``; walks the tree without recursion (pages nest deeply)."""
    out: list[tuple[str, str, str]] = []
    inline: list[str] = []
    pending_note: list[str] = []
    after_terms = ""  # a list of terms has just ended (its kind for the next paragraph): that one describes none

    def flush(kind: str, tag: str) -> None:
        nonlocal after_terms
        text = " ".join("".join(inline).split())
        inline.clear()
        if text:
            if pending_note:
                text = f"{pending_note.pop()}: {text}"
            if after_terms and kind == "text":
                kind, after_terms = after_terms, ""
            out.append((text, kind, tag))

    stack: list[tuple[object, str, bool]] = [(root, "text", False)]
    while stack:
        node, kind, closing = stack.pop()
        if closing:
            flush(kind, getattr(node, "name", ""))
            if after_terms != AFTER_TERMS:
                after_terms = _ends_terms(node) or after_terms
            continue
        if isinstance(node, NavigableString):
            if _is_text(node):
                inline.append(str(node))
            continue
        if not isinstance(node, Tag):
            continue
        leaves = _leaf(node)
        if leaves is not None:
            flush(kind, node.name)
            if any(k in HEADS for _, k in leaves):
                after_terms = ""
            for text, leaf_kind in leaves:
                if leaf_kind == "note title":
                    pending_note.append(text.rstrip(":"))
                elif text.strip():
                    if pending_note:  # a note that opens with code, a table or a term: its title heads it
                        out.append((pending_note.pop(), "heading", "p"))
                    if leaf_kind == "heading" and out and (
                            out[-1][1] in ("term", INNER_TERM)  # a term with no description
                            or (out[-1][1] in ("heading", NEXT_HEADING) and out[-1][2] in HEADINGS
                                and out[-1][2] >= node.name)):
                        leaf_kind = NEXT_HEADING  # what is before heads an empty section, not this one
                    out.append((text, leaf_kind, node.name))
            continue
        child_kind = "list item" if node.name == "li" else "text" if node.name in ("dd", "blockquote") else kind
        if node.name == "td" and "func_table_entry" not in (node.get("class") or ()) and node.parent is not None \
                and _is_function_row(node.parent):
            child_kind = "table row"  # a function's other cells ("Partial Mode": "No")
        if node.name in _BLOCKS:
            flush(kind, node.name)
            stack.append((node, child_kind, True))
        stack += [(child, child_kind, False) for child in reversed(node.contents)]
    flush("text", "")
    return out


def _ends_terms(tag: object) -> str:
    """For a closing element that is a list of terms (a description list that is no field list, "Parameters:";
    a table of PostgreSQL's functions) or that holds a bold title of what follows it (a list item's, a
    DocBook table's: :func:`_run_in_term`), the kind of the paragraph after it: :data:`AFTER_INNER_TERMS`
    inside another term's description, else :data:`AFTER_TERMS`; "" for any other element."""
    if not isinstance(tag, Tag):
        return ""
    if tag.name not in ("dl", "table", "tbody"):
        terms = any(isinstance(child, Tag) and child.name == "p" and (_run_in_term(child) or _titles_note(child))
                    for child in tag.children)
    elif tag.name == "dl":
        terms = tag.find("dt", recursive=False) is not None and not (_FIELD_LISTS & set(tag.get("class") or ()))
    else:
        terms = any(_is_function_row(tr) for tr in tag.find_all("tr", limit=3))
    if not terms:
        return ""
    return AFTER_INNER_TERMS if tag.find_parent("dd") is not None else AFTER_TERMS


def _titles_note(tag: Tag) -> bool:
    """Whether a paragraph is an admonition's title that heads its note (:func:`~qa.ingest.formats.names_its_note`)."""
    return "admonition-title" in (tag.get("class") or ()) and names_its_note(" ".join(_text(tag).split()))


def _flavours(pre: Tag) -> list[Tag]:
    r"""The code blocks of a ``pre``: itself, or each ``code`` element it holds where it holds several and nothing
    else that shows (DocBook's synopsis has words of its own between them, one line, one block). Node.js's
    pages hold an example twice in one ``pre``, as ES modules and as CommonJS, and a style sheet shows one; read as
    one block, the first's last line and the second's first would run together ("// => undefinedconst ...").

    >>> pre = BeautifulSoup("<pre><code>a;\n// x</code><code>b;</code></pre>", "html.parser").pre
    >>> [_text(code, "\n") for code in _flavours(pre)]
    ['a;\n// x', 'b;']
    >>> len(_flavours(BeautifulSoup("<pre><code>pg_ctl</code> start <code>-D</code></pre>", "html.parser").pre))
    1
    """
    codes = pre.find_all("code", recursive=False)
    if len(codes) < 2 or any(_shows_besides_code(node) for node in pre.children):
        return [pre]  # DocBook's synopsis: code words inside a line of the pre's own text, one block
    return codes


def _shows_besides_code(node: object) -> bool:
    """Whether a child of a ``pre`` shows something of its own: text, or an element other than ``code`` with text."""
    if isinstance(node, Tag):
        return node.name != "code" and bool(node.get_text(strip=True))
    return bool(str(node).strip())


def _in_synopsis(tag: Tag) -> bool:
    """Whether a paragraph is a line of a DocBook command or function synopsis ("initdb [option...]"): command
    syntax in a monospace font, though not in a ``pre``."""
    parent = tag.parent
    return parent is not None and bool(_SYNOPSIS & set(parent.get("class") or ()))


_SYNOPSIS = {"cmdsynopsis", "funcsynopsis"}
# Javadoc's member signatures: JDK 16 and later, JDK 13 to 15, JDK 11 and 12
_JAVADOC_SIGNATURES = {"member-signature", "memberSignature", "methodSignature"}


def _leaf(tag: Tag) -> list[tuple[str, str]] | None:
    """Blocks read whole (heading, code, term, table row), or None for an element to walk into."""
    if tag.name in HEADINGS:
        if _is_docbook_note_title(tag):  # DocBook's note or tip: its title labels its text, as Sphinx's does
            return [(" ".join(drop_permalinks(_text(tag)).split()), "note title")]
        return [(drop_permalinks(_text(tag)), "heading")]
    if tag.name == "pre":
        return [(_text(code, "\n"), "code") for code in _flavours(tag)]
    if tag.name == "p" and _in_synopsis(tag):  # its spacing is a paragraph's, as a browser shows it
        return [(" ".join(_text(tag).split()), "code")]
    if tag.name == "dt":  # a field's label ("Parameters:") leads its value, like a note's title
        label = " ".join(drop_permalinks(_text(tag)).split())
        if _in_field_list(tag):
            return [(label, "note title")]
        # a term in another term's description: a class's method, a command's option ("set" › "-e")
        return [(label, INNER_TERM if tag.find_parent("dd") is not None else "term")]
    if tag.name == "tr":
        return None if _is_layout_row(tag) or _is_function_row(tag) else _row(tag)
    if tag.name == "p" and "func_signature" in (tag.get("class") or ()) and _in_function_row(tag):
        return [(" ".join(_text(tag).split()), "term")]  # PostgreSQL's function table: a signature over its text
    if tag.name == "div" and "memproto" in (tag.get("class") or ()):  # Doxygen's signature of a member, laid
        return [(" ".join(_text(tag).split()), "term")]              # out as a table: its description's term
    if tag.name in ("div", "pre") and _JAVADOC_SIGNATURES & set(tag.get("class") or ()):
        return [(" ".join(_text(tag).split()), "term")]  # Javadoc's signature of a member, under the member's name
    if tag.name == "p" and "src" in (tag.get("class") or ()) and in_class(tag.parent, "top"):
        return [(" ".join(_text(tag).split()), "term")]  # Haddock's signature of a declaration, over its doc
    if tag.name == "p" and _run_in_term(tag):  # a bold title over paragraphs (a list item's, an FAQ's question)
        return [(" ".join(_text(tag).split()), "term")]
    if tag.name == "p" and "admonition-title" in (tag.get("class") or ()):
        title = " ".join(_text(tag).split())
        if names_its_note(title):  # "How to generate good secret keys" over a note: it heads the note
            return [(title, INNER_TERM if tag.find_parent("dd") is not None else "term")]
        return [(title, "note title")]
    return None


def _run_in_term(tag: Tag) -> bool:
    """Whether a paragraph titles what follows it: set in bold (every word marked up, most of them bold: a
    syntax's placeholder may be in italics), not a sentence (no closing "." or "!"), with more of its list item
    or its parent after it. Hand-written pages title a list item so ("<li><p><b>Maximum length of a string or
    BLOB</b></p><p>The maximum number of bytes ..."), an FAQ's questions ("<p><b>(1) How do I create an
    AUTOINCREMENT field?</b></p><blockquote>Short answer: ...") and a statement's forms ("<p><b>PRAGMA
    optimize;<br>PRAGMA optimize(</b><i>MASK</i><b>);</b></p><p>Attempt to optimize the database. ...")."""
    first = next((node for node in tag.descendants if isinstance(node, NavigableString) and _is_text(node)
                  and node.strip()), None)
    if first is None or _styled(first, tag) != "bold" or tag.find_next_sibling(True) is None:
        return False  # most paragraphs open with a plain word: read no further
    words = [node for node in tag.descendants if isinstance(node, NavigableString) and _is_text(node) and node.strip()]
    styled = [_styled(node, tag) for node in words]
    if not words or None in styled or styled[0] != "bold":  # every word bold or italic, the first one bold
        return False
    text = " ".join(tag.get_text().split())
    bold = sum(len(node) for node, style in zip(words, styled) if style == "bold")
    return (bold * 2 >= sum(len(node) for node in words) and not text.endswith((".", "!", ":"))
            and not any(style == "bold" and node.strip().endswith(":") for node, style in zip(words, styled))
            and len(text.split()) <= _TITLE_WORDS)


def _styled(node: NavigableString, paragraph: Tag) -> str | None:
    """How a word of ``paragraph`` is set: "bold", "italic", or None (plain, or a link's)."""
    for parent in node.parents:
        if parent is paragraph:
            return None
        if parent.name in ("b", "strong"):
            return "bold"
        if parent.name in ("i", "em", "var"):
            return "italic"
    return None


_TITLE_WORDS = 30


def _text(tag: Tag, line_break: str = " ") -> str:
    """The text of an element read whole, a ``<br>`` or a block inside it a line break as a browser shows one:
    DocBook puts a ``<br>`` between the terms of an entry ("SUPERUSER<br>NOSUPERUSER"), rustdoc a ``<div>``
    before a signature's where clause; each is a word of its own, as is each of Doxygen's labels of a member,
    drawn as boxes ("static", "constexpr").

    >>> _text(BeautifulSoup("<dt><code>LOGIN</code><br/><code>NOLOGIN</code></dt>", "html.parser").dt)
    'LOGIN NOLOGIN'
    >>> _text(BeautifulSoup("<h3>impl&lt;T&gt;<div class='where'>where T: Ord</div></h3>", "html.parser").h3)
    'impl<T> where T: Ord'
    >>> _text(BeautifulSoup("<td><span class='mlabel'>static</span><span class='mlabel'>constexpr</span></td>",
    ...                     "html.parser").td)
    ' static constexpr'
    """
    return "".join(line_break if isinstance(node, Tag) else str(node) for node in tag.descendants
                   if (isinstance(node, Tag) and (node.name in _BLOCKS or in_class(node, "mlabel")))
                   or _is_text(node))


def _row(tr: Tag) -> list[tuple[str, str]]:
    """A table row, its cells apart; code inside a cell follows the row as a code block of its own."""
    cells, code = [], []
    for cell in tr.children:
        if not isinstance(cell, Tag) or cell.name not in ("td", "th"):
            continue
        parts, pres = [], []  # one walk of the cell: a page may hold a row of 200,000 cells
        for node in cell.descendants:
            if isinstance(node, Tag):
                if node.name == "pre":
                    pres.append(node)
                elif node.name in _BLOCKS or node.name in HEADINGS:  # a cell's heading is a line apart
                    parts.append(" ")
            elif _is_text(node) and not (pres and pres[-1] in node.parents):
                parts.append(str(node))
        cells.append(" ".join("".join(parts).split()))
        code += [(_text(pre, "\n"), "code") for pre in pres]
    if _is_note_row(tr, cells):  # AsciiDoc draws a note as a table: an icon cell, then the text
        return [(f"{cells[0]}: {cells[1]}", "text"), *code]
    return [(" | ".join(cell for cell in cells if cell), "table row"), *code]


def _is_layout_row(tr: Tag) -> bool:
    """Whether a table row lays a page out rather than holding data: a cell of it holds a table or a heading
    (hand-written sites put their menus and their whole content in such cells). Its cells are read as the page
    they hold, block by block."""
    return any(isinstance(cell, Tag) and cell.name in ("td", "th") and cell.find(_LAYOUT) is not None
               for cell in tr.children)


_LAYOUT = ("table", *HEADINGS)


def _is_function_row(tr: Tag) -> bool:
    """Whether a table row is an entry of PostgreSQL's function tables: a cell holding a function's signatures,
    its description and examples as paragraphs (then, in some tables, a cell or two more). Such a row is read as
    a term over its description, as the other references lay an API out, not as one row of run-together text."""
    cell = tr.find("td", recursive=False)
    return cell is not None and "func_table_entry" in (cell.get("class") or ()) \
        and cell.find("p", class_="func_signature", recursive=False) is not None


def _in_function_row(p: Tag) -> bool:
    return p.parent is not None and p.parent.name == "td" and p.parent.parent is not None \
        and _is_function_row(p.parent.parent)


def _is_docbook_note_title(heading: Tag) -> bool:
    """DocBook's admonitions: ``<div class="note"><h3 class="title">Note</h3><p>…``; the title heads the note
    only, not the text after it."""
    parent = heading.parent
    return "title" in (heading.get("class") or ()) and parent is not None and parent.name == "div" \
        and bool(_ADMONITIONS & set(parent.get("class") or ()))


_ADMONITIONS = {"note", "tip", "warning", "caution", "important"}


def _is_note_row(tr: Tag, cells: list[str]) -> bool:
    first = tr.find(("td", "th"))
    return (len(cells) == 2 and bool(cells[1]) and len(cells[0].split()) <= 2 and first is not None
            and "icon" in (first.get("class") or ()))


def _is_text(node: object) -> bool:
    return isinstance(node, NavigableString) and not isinstance(node, (Comment, Doctype, ProcessingInstruction))


def _in_field_list(dt: Tag) -> bool:
    """Sphinx's "Parameters:" / "Returns:" fields and Doxygen's "Parameters" / "Returns" sections of a member:
    labels inside a description, not terms of their own."""
    classes = set(dt.parent.get("class") or ()) if dt.parent is not None else set()
    # Doxygen's list of exceptions is a bare "exception" list; Sphinx's "py exception" is an API's signature
    return bool(_FIELD_LISTS & classes) or classes == {"exception"}


_FIELD_LISTS = {"field-list", "section", "params", "tparams", "retval"}


def visible_blocks(soup: BeautifulSoup) -> list[tuple[str, str]]:
    """Visible text as ``(text, kind)`` blocks, chrome dropped, code as it is (for EPUB chapters)."""
    drop_chrome(soup)
    mark_superscripts(soup)
    return html_blocks(soup)
