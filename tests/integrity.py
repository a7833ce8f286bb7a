"""Integrity of a cleaned web page against the page itself, as an independent extractor (lxml) sees it.

Used by tests/ingest/test_real_pages.py and benchmarks/bench_html_integrity.py. The reference is the text of
the page's main element (``<main>``, ``role="main"``, ``<article>``, Sphinx's ``div.body``, else the
body) with scripts, navigation, permalink marks and drawings (SVG: a diagram's labels are part of an image)
removed: what a reader of the page sees as its body.
"""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

import lxml.html

_MAIN = ("//*[@role='main']", "//main", "//article", "//div[contains(concat(' ', @class, ' '), ' body ')]")
_CHROME = ("//script", "//style", "//nav", "//footer", "//noscript", "//template", "//svg",
           "//a[contains(@class, 'headerlink')]", "//*[contains(@class, 'navheader')]",
           "//*[contains(@class, 'navfooter')]", "//*[@id='footer']", "//div[@class='toc']",
           "//span[@class='permalink']",  # Doxygen's "◆" before a member's name
           "//span[contains(@class, 'viewcode-link')]",  # Sphinx's "[source]" link after a signature
           "//button", "//form", "//*[contains(concat(' ', @class, ' '), ' menu ')]",  # controls, a site's menu
           "//*[@class='fancy_toc']")  # SQLite's table of the page's contents
_SIGNATURES = ("//dl[contains(concat(' ', @class, ' '), ' py ') or contains(concat(' ', @class, ' '), ' c ')"
               " or contains(concat(' ', @class, ' '), ' describe ')]/dt")
_WORD = re.compile(r"\w+")
_BLOCK_TAGS = ("p", "div", "li", "dt", "dd", "td", "th", "tr", "pre", "h1", "h2", "h3", "h4", "h5", "h6",
               "table", "ul", "ol", "dl", "section", "blockquote", "br", "caption", "figcaption")


@dataclass(frozen=True)
class Reference:
    headings: list[str]
    signatures: list[str]
    code_lines: list[str]
    words: Counter[str]


def _words(text: str) -> str:
    return " ".join(_WORD.findall(text)).lower()


def _squash(text: str) -> str:
    return " ".join(text.replace("¶", " ").split())


def reference(data: bytes) -> Reference:
    root = lxml.html.fromstring(data)
    main = next((found[0] for path in _MAIN if (found := root.xpath(path))), None)
    main = main if main is not None else (root.find("body") if root.find("body") is not None else root)
    for path in _CHROME:
        for el in main.xpath("." + path):
            el.drop_tree() if el.getparent() is not None else None
    code = [line.rstrip() for pre in main.xpath(".//pre") for line in pre.text_content().splitlines()]
    for el in main.iter(*_BLOCK_TAGS):  # a browser shows blocks apart: keep their words apart
        el.text, el.tail = " " + (el.text or ""), " " + (el.tail or "")
    headings = [_squash(h.text_content()) for h in main.xpath(".//h1|.//h2|.//h3|.//h4|.//h5|.//h6")]
    signatures = [_squash(dt.text_content()) for dt in main.xpath("." + _SIGNATURES)]
    return Reference([h for h in headings if h], [s for s in signatures if s], [c for c in code if c.strip()],
                     Counter(w.lower() for w in _WORD.findall(main.text_content().replace("¶", " "))))


@dataclass(frozen=True)
class Figures:
    headings: int
    headings_kept: int
    signatures: int
    signatures_whole: int
    code_lines: int
    code_lines_kept: int
    words: int
    words_kept: int
    extra_words: int  # words in the cleaned text beyond the page's own count: duplication or chrome
    repeated_blocks: int  # blocks of 60+ characters that appear more often than on the page


def measure(text: str, sections: list[str], ref: Reference, page_text: str = "") -> Figures:
    """Figures for one page's cleaned ``text`` (and its section titles) against its reference."""
    blocks = text.split("\n\n")
    titles = {part for title in sections for part in title.split(" › ")}
    lines = {line.rstrip() for line in text.splitlines()}
    # a note's title ("Note", "Tip") labels the note's text, "Note: ...", as the page shows it
    labels = {b.split(": ", 1)[0] for b in blocks if ": " in b}
    squashed = _squash(text)
    words = Counter(w.lower() for w in _WORD.findall(text))
    kept = sum(min(n, words[w]) for w, n in ref.words.items())
    block_counts = Counter(_words(b) for b in blocks if len(b) >= 60)
    page = _words(page_text)
    repeated = sum(1 for b, n in block_counts.items() if n > 1 and n > page.count(b))
    return Figures(
        len(ref.headings), sum(h in titles or h in blocks or h in labels for h in ref.headings),
        len(ref.signatures), sum(s in squashed for s in ref.signatures),
        len(ref.code_lines), sum(c in lines for c in ref.code_lines),
        sum(ref.words.values()), kept, sum((words - ref.words).values()), repeated,
    )


def page_text(data: bytes) -> str:
    """All the text of the page's main element (to tell a repeat on the page from one made by reading it)."""
    return " ".join(reference_text(data).split())


def reference_text(data: bytes) -> str:
    root = lxml.html.fromstring(data)
    main = next((found[0] for path in _MAIN if (found := root.xpath(path))), root)
    for el in main.iter(*_BLOCK_TAGS):
        el.text, el.tail = " " + (el.text or ""), " " + (el.tail or "")
    return main.text_content()
