"""Integrity of cleaned text, measured against an independent reading of each page.

The reference is BeautifulSoup (lxml) over the page's body as a browser shows it: Sphinx's
``div[role=main]``, DocBook's and AsciiDoc's body without their navigation and footer, for Markdown the
HTML that markdown-it-py renders (a YAML front matter shown as a site shows it: its title as the page's
heading where the body has none, and its description; PyYAML reads it), and for reStructuredText the HTML
docutils renders (Sphinx's roles as Sphinx shows them). From it: headings (h1-h6), API
signatures (Sphinx ``dt.sig``), code blocks (``pre``) and the words of the body. Each is looked for in qa's
cleaned text. The other way round, each whitespace-separated word of the cleaned text is looked for in the
reference (for reStructuredText, or in its source, as docutils does not show what Sphinx's own directives
hold): a word no page shows is one the reading made up (two glued together, markup left in). The " | "
qa writes between a table row's cells and the ":" after a note's title (a stylesheet's, Sphinx's
``p.admonition-title:after``) are not counted.

A PDF's reference is pypdf's text of its pages (no layout read) less the running heads, page numbers and lines
of a table of contents or an index that qa's reader leaves out (found by its rules,
``qa.ingest.formats.pdf_layout.furniture`` and ``contents``), and its headings are the titles of the PDF's own
outline (bookmarks). A PDF has no independent record of its code blocks and signatures, so none are counted.
"""
from __future__ import annotations

import html
import re
import warnings
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from bs4 import BeautifulSoup, NavigableString, Tag, XMLParsedAsHTMLWarning

PERMALINK = re.compile(r"[¶\uf0c1]|\[source\]")
#: The text of a link a page puts beside a heading to point at it (qa drops these marks)
_SELF_LINKS = frozenset(("#", "¶", "§", "🔗", "◆"))  # "◆": Doxygen's mark before a member's name
WORD = re.compile(r"\w+")
BLOCKS = ["p", "div", "li", "dt", "dd", "pre", "tr", "table", "blockquote", "section", "ul", "ol", "dl", "br",
          "caption", "figure", "h1", "h2", "h3", "h4", "h5", "h6"]
LONG_PARAGRAPH = 80  # characters: shorter repeats (a "Note", a one-line example) are normal in documentation


def collapse(text: str) -> str:
    """Whitespace runs as one space, trimmed: the form in which texts are compared."""
    return " ".join(text.split())


@dataclass(frozen=True)
class Reference:
    """What the independent extractor sees on one page."""

    text: str
    headings: tuple[str, ...]
    signatures: tuple[str, ...]
    code_blocks: tuple[tuple[str, ...], ...]  # non-blank lines of each pre, trailing spaces removed
    #: reStructuredText: the source, whose Sphinx directives ("py:function", "versionadded") docutils leaves out
    #: of ``text``; a word of the cleaned text that the source holds is not made up
    source: str = ""


def reference(path: Path, fmt: str) -> Reference:
    if fmt == "pdf":
        return _pdf_reference(path)
    if fmt == "man":
        return _man_reference(path)
    if fmt == "info":
        return _info_reference(path)
    main = _main_element(path, fmt)
    # a drawing's labels (SVG: SQLite's syntax diagrams) are part of an image, not of the text
    junk_tags = "script, style, svg, button, a.headerlink, .navheader, .navfooter, nav, header, footer, #footer"
    if fmt == "html":  # SQLite's hand-written pages: the site's menus, its search form, the folding contents
        junk_tags += ", form, .menu, .searchmenu, .fancy_toc"
    for junk in main.select(junk_tags):
        junk.decompose()
    for anchor in main.select('a[href^="#"]'):  # a heading's link to itself ("Process#" in Node.js's pages)
        if anchor.get_text("").strip() in _SELF_LINKS:
            anchor.decompose()
    headings = tuple(h for h in (_clean(_shown(e)) for e in main.find_all(re.compile(r"^h[1-6]$"))) if h)
    signatures = tuple(s for s in (_clean(e.get_text("")) for e in main.select("dt.sig")) if s)
    blocks = [block for pre in main.find_all("pre") for block in _flavours(pre)]
    for block in blocks:  # Node.js's two flavours of an example, one shown at a time: apart
        if block.name == "code" and block.previous_sibling is not None:
            block.insert_before("\n")
    code = tuple(tuple(ln.rstrip() for ln in block.get_text("").splitlines() if ln.strip()) for block in blocks)
    _mark_blocks(main)
    source = path.read_text(encoding="utf-8", errors="replace") if fmt == "rst" else ""
    return Reference(main.get_text(""), headings, signatures, tuple(c for c in code if c), source)


def _flavours(pre: Tag) -> list[Tag]:
    """A ``pre``'s code blocks as a browser lays them out: the ``code`` elements it holds where it holds nothing else
    that shows (Node.js's example as ES modules and as CommonJS, one shown at a time), else the ``pre`` whole."""
    codes = pre.find_all("code", recursive=False)
    others = [node for node in pre.children if node not in codes and
              (str(node).strip() if isinstance(node, NavigableString) else node.get_text(strip=True))]
    return codes if len(codes) > 1 and not others else [pre]


def _shown(element) -> str:
    """An element's text as a browser lays it out: a block inside it (rustdoc's where clause in a ``div``) starts
    on a line of its own."""
    return "".join(" " if getattr(node, "name", None) in BLOCKS else str(node) for node in element.descendants
                   if getattr(node, "name", None) in BLOCKS or type(node) is NavigableString)


def _pdf_reference(path: Path) -> Reference:
    from qa.ingest.formats.pdf import _pypdf_pages, outline_and_lines
    from qa.ingest.formats.pdf_layout import body_size, contents, furniture

    titles, pages = outline_and_lines(path.read_bytes())
    outline = tuple(collapse(title) for title in titles)
    dropped = Counter((page, _key(pages[page][index].text))
                      for page, index in furniture(pages, body_size(pages)) | contents(pages))
    kept = []
    for page, text in enumerate(_pypdf_pages(path.read_bytes())[0]):
        for line in text.splitlines():  # pypdf spaces a line its own way: lines are matched on their letters
            if dropped[page, _key(line)]:
                dropped[page, _key(line)] -= 1
            else:
                kept.append(line)
    return Reference("\n".join(kept), outline, (), ())


def _man_reference(path: Path) -> Reference:
    """A manual page as ``man`` shows it (groff, its input read as UTF-8, on a wide terminal; header and footer
    lines left out): its headings are the lines at the left margin and a subsection's 3 columns in. groff marks
    no code."""
    import gzip
    import subprocess

    data = path.read_bytes()
    shown = subprocess.run(["groff", "-k", "-t", "-mandoc", "-Tutf8", "-P-cbou", "-rLL=200n", "-rHY=0"], check=True,
                           timeout=120, input=gzip.decompress(data) if path.name.endswith(".gz") else data,
                           capture_output=True).stdout.decode("utf-8", "replace").strip("\n").splitlines()[1:-1]
    headings = tuple(_clean(line) for line in shown if line.strip() and len(line) - len(line.lstrip()) in (0, 3))
    return Reference("\n".join(shown), headings, (), ())


def _info_reference(path: Path) -> Reference:
    """An Info manual's node texts as ``info`` shows them, less its navigation: the node lines, the menus (to the
    node's end) and the tag tables. Its headings are the lines underlined with *, =, - or . as long as they are;
    no code is counted (Info marks none)."""
    import gzip

    raw = path.read_bytes()
    text = (gzip.decompress(raw) if path.name.endswith(".gz") else raw).decode("utf-8")
    text = re.sub(r"\x00\x08\[[^\x00]*\x00\x08\]", "", text)
    kept: list[str] = []
    headings: list[str] = []
    for part in text.split("\x1f")[1:]:
        lines = part.lstrip("\n").splitlines()
        if not lines or not lines[0].startswith("File:"):
            continue
        body = lines[1:]
        menu = next((n for n, line in enumerate(body) if line.startswith("* Menu:")), len(body))
        body = body[:menu]
        for above, line in zip(body, body[1:]):
            if re.fullmatch(r"([*=\-.])\1*", line) and len(line) == len(above.rstrip()) and not above[:1].isspace():
                headings.append(_clean(above))
        kept.append("\n".join(line for line in body if not re.fullmatch(r"([*=\-.])\1*", line)))
    return Reference("\n".join(kept), tuple(headings), (), ())


def _key(line: str) -> str:
    return re.sub(r"[\W_]", "", line.lower())


def _main_element(path: Path, fmt: str) -> Tag:
    raw = path.read_text(encoding="utf-8", errors="replace")
    if fmt == "markdown":
        from markdown_it import MarkdownIt
        raw = MarkdownIt("commonmark").enable("table").render(_front_matter_shown(raw))
    elif fmt == "rst":
        raw = _docutils_html(raw)
    with warnings.catch_warnings():  # DocBook pages are XHTML; read them as a browser does
        warnings.simplefilter("ignore", XMLParsedAsHTMLWarning)
        soup = BeautifulSoup(raw, "lxml")
    main = soup.select_one("div[role=main], div.body") if fmt == "sphinx" else \
        soup.select_one("#apicontent") if fmt == "node" else None  # Node.js's page body, without its contents
    return main or soup.body or soup


def _pristine_directives() -> dict[str, object]:
    from docutils.parsers.rst import directives

    return {name: d for name, d in directives._directives.items()
            if not getattr(d, "__module__", "").startswith("qa.")}


_DOCUTILS_DIRECTIVES = _pristine_directives()


def _docutils_html(raw: str) -> str:
    """The page as docutils alone renders it (no files read, no reports shown). A Sphinx role docutils does not
    know, which it shows as written (":func:`fetch`"), reads as Sphinx documents it: "fetch", or the title of
    "title <target>"; a Sphinx directive it does not know is left out, as its report is."""
    from docutils.core import publish_parts
    from docutils.parsers.rst import directives

    # docutils' registry is global: qa's reader registers Sphinx's directives in it once it has read a page.
    # The reference renders with docutils' own directives only, whatever this process has read before.
    registered = dict(directives._directives)
    directives._directives.clear()
    directives._directives.update(_DOCUTILS_DIRECTIVES)
    try:
        parts = publish_parts(raw, writer="html5", settings_overrides={
            "report_level": 5, "file_insertion_enabled": False, "raw_enabled": False, "_disable_config": True})
    finally:
        directives._directives.clear()
        directives._directives.update(registered)
    body = re.sub(r":[\w:.-]+:`([^`]*)`", lambda m: html.escape(_role_title(html.unescape(m.group(1))), quote=False),
                  parts["html_body"])
    return f"<html><body>{body}</body></html>"


def _role_title(text: str) -> str:
    """A role's text as Sphinx documents it: the title of "title <target>" (a target after a space may hold
    angle brackets, as CMake's do), else the text."""
    for pattern in (r"(.*\S)\s+<.+>", r"(.+?)\s*<[^<>]*>"):
        match = re.fullmatch(pattern, text, re.DOTALL)
        if match:
            return match.group(1)
    return text


def _front_matter_shown(raw: str) -> str:
    import yaml

    match = re.match(r"---\n(.*?)\n---\n", raw, re.DOTALL)
    if not match:
        return raw
    meta, body = yaml.safe_load(match.group(1)) or {}, raw[match.end():]
    shown = [f"# {meta['title']}"] if meta.get("title") and not re.search(r"^ {0,3}# ", body, re.MULTILINE) else []
    shown += [str(meta["description"])] if meta.get("description") else []
    return "\n\n".join([*shown, body])


def _mark_blocks(main: Tag) -> None:
    """Line breaks around block elements and spaces between cells, as a browser lays them out."""
    for el in main.find_all(BLOCKS):
        el.insert_before("\n")
        el.insert_after("\n")
    for el in main.find_all(["td", "th"]):
        el.insert_after(" ")


def _clean(text: str) -> str:
    return collapse(PERMALINK.sub("", text))


@dataclass
class Integrity:
    """Counts summed over a set's pages."""

    headings: int = 0
    headings_kept: int = 0
    words: int = 0
    words_missing: int = 0
    signatures: int = 0
    signatures_truncated: int = 0
    code_blocks: int = 0
    code_blocks_kept: int = 0
    chars: int = 0
    duplicated_chars: int = 0
    permalink_marks: int = 0
    cleaned_words: int = 0
    made_up_words: int = 0
    examples: dict[str, list[str]] = field(default_factory=lambda: {"heading": [], "signature": [], "code": [],
                                                                     "made up": []})

    def add(self, ref: Reference, cleaned: str, source: str, titles: list[str] | None = None) -> None:
        """Count one page; with ``titles`` (a PDF's section titles), a heading counts as kept only where a
        section title holds it (its words are in a PDF's text either way)."""
        flat = collapse(cleaned)
        lines = {ln.rstrip() for ln in cleaned.splitlines()}
        self.headings += len(ref.headings)
        headed = collapse(" | ".join(titles)) if titles is not None else flat
        lost = [h for h in ref.headings if h not in headed]
        self.headings_kept += len(ref.headings) - len(lost)
        self.signatures += len(ref.signatures)
        cut = [s for s in ref.signatures if s not in flat]
        self.signatures_truncated += len(cut)
        self.code_blocks += len(ref.code_blocks)
        broken = [c for c in ref.code_blocks if not all(ln in lines for ln in c)]
        self.code_blocks_kept += len(ref.code_blocks) - len(broken)
        want, have = Counter(WORD.findall(ref.text)), Counter(WORD.findall(cleaned))
        self.words += sum(want.values())
        self.words_missing += sum(max(0, n - have[w]) for w, n in want.items())
        self.chars += len(cleaned)
        self.duplicated_chars += duplicated_chars(cleaned)
        self.permalink_marks += cleaned.count("¶")
        words = [w for w in cleaned.split() if w != "|"]
        made_up = made_up_words(words, PERMALINK.sub("", ref.text) + "\n" + ref.source)
        self.cleaned_words += len(words)
        self.made_up_words += len(made_up)
        for kind, items in (("heading", lost), ("signature", cut), ("code", [c[0] for c in broken]),
                            ("made up", made_up)):
            self.examples[kind] += [f"{source}: {x[:100]}" for x in items[: 5 - len(self.examples[kind])]]

    def figures(self) -> dict[str, float | int]:
        def share(a: int, b: int) -> float:
            return round(a / b, 4) if b else 0.0
        return {
            "headings": self.headings, "headings_kept": share(self.headings_kept, self.headings),
            "body_words": self.words, "body_words_missing": share(self.words_missing, self.words),
            "signatures": self.signatures, "signatures_truncated": self.signatures_truncated,
            "code_blocks": self.code_blocks, "code_blocks_kept": share(self.code_blocks_kept, self.code_blocks),
            "cleaned_chars": self.chars, "duplicated_text": share(self.duplicated_chars, self.chars),
            "permalink_marks": self.permalink_marks,
            "cleaned_words": self.cleaned_words, "made_up_words": self.made_up_words,
        }


def made_up_words(words: list[str], reference: str) -> list[str]:
    """The words of the cleaned text that the reference shows nowhere, not even inside a longer run of text
    (a word split over two inline elements is one the page shows). A note title's colon is set aside, and so is
    the mark written before a superscript ("2^31": the reference's plain text runs it into "231").

    >>> made_up_words(["Note:", "LOGINNOLOGIN", "os.path", "x", "2^31-1"], "Note LOGIN NOLOGIN os.path x 231-1")
    ['LOGINNOLOGIN']
    """
    shown, flat = set(reference.split()), collapse(reference)
    return [w for w in words if w not in shown and w not in flat and w.rstrip(":") not in shown
            and w.replace("^", "") not in flat]


def duplicated_chars(text: str) -> int:
    """Characters in repeats of long paragraphs (or long sentences, where paragraphs are glued)."""
    pieces = [collapse(p) for p in re.split(r"\n|(?<=[.!?:])\s+(?=[A-Z])", text)]
    counts = Counter(p for p in pieces if len(p) >= LONG_PARAGRAPH)
    return sum(len(p) * (n - 1) for p, n in counts.items())
