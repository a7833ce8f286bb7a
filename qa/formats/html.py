"""Web pages: the main text through trafilatura, with the page's own metadata (title, author, date,
canonical URL, site name). Pages where trafilatura finds no main text (short or unusual pages) fall back
to all visible text through BeautifulSoup, which keeps the block structure and drops only markup-level
chrome (scripts, navigation, headers, footers, forms)."""
from __future__ import annotations

import logging
import re

from bs4 import BeautifulSoup, NavigableString, Tag

from . import Extracted, Unreadable, from_paragraphs
from .text import decode_text

log = logging.getLogger(__name__)

# Elements whose text is page chrome or not text at all, and elements that end a paragraph.
_DROP = ("script", "style", "noscript", "template", "head", "title", "nav", "footer", "aside", "form",
         "header", "svg", "iframe")
_BLOCKS = ("p", "div", "li", "ul", "ol", "dl", "dt", "dd", "br", "hr", "tr", "table", "section", "article",
           "main", "blockquote", "pre", "figure", "figcaption", "h1", "h2", "h3", "h4", "h5", "h6")
_HEADINGS = ("h1", "h2", "h3", "h4", "h5", "h6")
_CELLS = ("td", "th")
# NUL never survives decoding (it marks a file binary), so these are safe as markers.
_BREAK, _NEWLINE, _HEAD = "\x00", "\x01", "\x02"


def read_html(data: bytes) -> Extracted:
    html = _decode(data)
    main = _main_text(html)
    if main is not None:
        return main
    soup = parse(html)
    title = " ".join(soup.title.get_text().split()) if soup.title else None
    meta = _metadata(html)
    return from_paragraphs(visible_blocks(soup), **{**meta, "title": title or meta.get("title")})


def _decode(data: bytes) -> str:
    try:
        return decode_text(data)
    except Unreadable as e:
        declared = re.search(rb"<meta[^>]+charset=[\"']?([\w.:-]+)", data[:4096], re.IGNORECASE)
        if declared:
            raise Unreadable(f"{e} (the page declares charset {declared.group(1).decode()})") from e
        raise


# The publication date the page declares in its markup (meta tags, <time>, JSON-LD), never a guess from
# text: htmldate's extensive search takes a footer's "Copyright 2024" for a date of 2024-01-01.
_DATES = {"extensive_search": False, "original_date": True}


def _main_text(html: str) -> Extracted | None:
    """trafilatura's main text as paragraphs (headings marked), or None when it finds none.

    Precision mode and no fallback extractors: on a page it cannot read, trafilatura would otherwise
    dump the whole page's text as one block, which the BeautifulSoup path does better.
    """
    import trafilatura

    try:
        found = trafilatura.bare_extraction(html, with_metadata=True, include_tables=True, include_comments=False,
                                            fast=True, favor_precision=True, date_extraction_params=_DATES)
    except Exception as e:  # trafilatura raises many types on odd markup; the fallback reads any page
        log.debug("trafilatura failed (%s); using the visible text", e)
        return None
    if found is None or found.body is None or not (found.text or "").strip():
        return None
    return from_paragraphs(_body_paragraphs(found.body), title=found.title, author=found.author,
                           publisher=found.sitename, date=found.date, url=found.url)


def _body_paragraphs(body) -> list[tuple[str, bool]]:
    """trafilatura's output tree as paragraphs: headings, paragraphs, one per list item and table row."""
    for lb in body.iter("lb"):
        lb.tail = "\n" + (lb.tail or "")
    out: list[tuple[str, bool]] = []
    for el in body:
        if el.tag == "list":
            out += [("".join(item.itertext()), False) for item in el.iter("item")]
        elif el.tag == "table":
            out += [(" ".join("".join(c.itertext()) for c in row.iter("cell")), False) for row in el.iter("row")]
        else:
            out.append(("".join(el.itertext()), el.tag == "head"))
    return out


def _metadata(html: str) -> dict[str, str | None]:
    import trafilatura

    try:
        meta = trafilatura.extract_metadata(html, date_config=_DATES)
    except Exception as e:
        log.debug("no metadata from trafilatura (%s)", e)
        meta = None
    if meta is None:
        return {}
    return {"title": meta.title, "author": meta.author, "publisher": meta.sitename, "date": meta.date,
            "url": meta.url}


_MAX_DEPTH = 1000  # marking blocks costs time quadratic in the nesting depth


def parse(markup: str | bytes) -> BeautifulSoup:
    """Parse for :func:`visible_blocks`; markup nested deeper than it can afford is ``Unreadable``."""
    soup = BeautifulSoup(markup, "html.parser")
    deepest, stack = 0, [(soup, 0)]
    while stack:
        node, depth = stack.pop()
        deepest = max(deepest, depth)
        stack += [(child, depth + 1) for child in node.children if isinstance(child, Tag)]
    if deepest > _MAX_DEPTH:
        raise Unreadable(f"HTML nested {deepest} elements deep (the limit is {_MAX_DEPTH})")
    return soup


def visible_blocks(soup: BeautifulSoup) -> list[tuple[str, bool]]:
    """Visible text as ``(paragraph, is_heading)`` blocks; each heading is a block of its own."""
    for tag in soup.find_all(_DROP):
        # A <header> inside an article holds its headline, not site chrome.
        if not tag.decomposed and not (tag.name == "header" and tag.find_parent(("article", "main"))):
            tag.decompose()
    for pre in soup.find_all("pre"):
        for string in pre.find_all(string=True):
            string.replace_with(NavigableString(string.replace("\n", _NEWLINE)))
    for tag in soup.find_all(_HEADINGS):
        tag.insert(0, _HEAD)
    for tag in soup.find_all(_BLOCKS):
        tag.insert_before(_BREAK)
        tag.insert_after(_BREAK)
    for tag in soup.find_all(_CELLS):
        tag.insert_after(" ")
    blocks = []
    for part in soup.get_text().split(_BREAK):
        text = "\n".join(line for line in (" ".join(x.split()) for x in part.split(_NEWLINE)) if line)
        if text.replace(_HEAD, "").strip():
            blocks.append((text.replace(_HEAD, "").strip(), _HEAD in text))
    return blocks
