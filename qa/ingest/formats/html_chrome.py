"""The parts of a web page that are not its content: the element that holds the content, and the chrome around
and inside it (navigation, sidebars, footers, a page's own table of contents, permalink marks, "Source" links),
which :mod:`qa.ingest.formats.html` drops before it reads the page's blocks.
"""
from __future__ import annotations

import re
from collections.abc import Callable

from bs4 import BeautifulSoup, Tag

# Elements whose text is page chrome or not text at all.
_DROP = ("script", "style", "noscript", "template", "head", "title", "nav", "footer", "aside", "form",
         "header", "svg", "iframe", "button", "select", "dialog")
# Chrome that generators mark by class, id or role rather than by element.
_CHROME = re.compile(r"^(?:headerlink|hash-link|anchorjs-link|anchor-link|selflink|sphinxsidebar\w*|related|navheader|"
                     r"navfooter|footer|footer-text|footnotes-nav|breadcrumbs?|md-sidebar\w*|md-header\w*|"
                     r"md-footer\w*|md-source-file|theme-doc-toc\w*|table-of-contents|pagination-nav\w*|"
                     r"theme-edit-this-page|theme-doc-footer\w*|skip-link|toc|sidebar|navigation|nav|"
                     r"prev-next-area|bd-sidebar\w*|bd-header\w*|bd-footer\w*|copybtn|tableofcontents\w*|menu|"
                     r"site-nav\w*|topbar|top-bar|viewcode-link|viewcode-back|package-header)$", re.IGNORECASE)
_CHROME_ROLES = ("navigation", "banner", "contentinfo", "search", "complementary")
# "◆": Doxygen's; "ⓘ": rustdoc's mark of a return type's notable traits, a pop-up's button
_PERMALINK = frozenset(("¶", "#", "§", "🔗", "◆", "ⓘ", "", "link", "permalink"))
_SOURCE_LINKS = frozenset(("src", "srclink", "link"))  # classes of a "Source" link (rustdoc's, Haddock's)
HEADINGS = ("h1", "h2", "h3", "h4", "h5", "h6")
# Candidates for the main element, best first: (element, role, class); None matches any.
_MAIN: tuple[tuple[str | None, str | None, str | None], ...] = (
    ("main", None, None), (None, "main", None), ("article", None, None), ("div", None, "body"),
    ("div", None, "document"))


def main_element(soup: BeautifulSoup) -> Tag:
    """The element holding the page's own content (the largest candidate), with its chrome removed."""
    drop_chrome(soup)
    candidates: list[list[Tag]] = [[] for _ in _MAIN]
    for tag in soup.find_all(True):
        for n, found in enumerate(candidates):
            if _is_main(tag, n):
                found.append(tag)
    for found in candidates:
        if found:
            return max(found, key=lambda tag: len(tag.get_text()))
    return soup.body or soup


def _is_main(tag: Tag, n: int) -> bool:
    """Whether ``tag`` is a main-element candidate of rank ``n`` (see ``_MAIN``)."""
    name, role, classes = _MAIN[n]
    return ((name is None or tag.name == name) and (role is None or tag.get("role") == role)
            and (classes is None or classes in (tag.get("class") or ())))


def drop_chrome(soup: BeautifulSoup) -> None:
    headings: set[str] = set()  # the page's headings, read when a table of contents is suspected (_is_page_toc)

    def page_headings() -> set[str]:
        if not headings:
            headings.update(_link_text(tag) for tag in soup.find_all(HEADINGS))
        return headings

    doomed = [tag for tag in soup.find_all(True)
              if (tag.name in _DROP and not _content_despite_name(tag)) or _is_chrome(tag)
              or _is_page_toc(tag, page_headings)]
    for tag in doomed:  # extract, not decompose: a tag inside one already dropped goes with it harmlessly
        tag.extract()


def _is_page_toc(tag: Tag, headings: Callable[[], set[str]]) -> bool:
    """Whether ``tag`` is a table of the page's own contents that its class or id does not name exactly
    (SQLite's ``div.fancy_toc``; ``toc`` and ``table-of-contents`` are chrome by name): named for a table of
    contents, nothing but links, and most of them to places in the page titled as its headings (an entry may
    hold a link to another page: "2.9. Transient Database Used By VACUUM")."""
    classes, name = tag.get("class"), tag.get("id")
    if not classes and not name:
        return False
    names = " ".join([*(classes or ()), str(name or "")]).lower()
    if "toc" not in names and "contents" not in names:
        return False
    links = [a for a in tag.find_all("a") if a.get("href")]
    inside = [a for a in links if str(a["href"]).startswith("#")]
    if len(inside) < 2 or len(inside) < 0.8 * len(links):
        return False
    titled = sum(_link_text(a) in headings() for a in inside)
    rest = len(" ".join(tag.get_text().split())) - sum(len(_link_text(a)) + 1 for a in inside)
    return titled >= 0.8 * len(inside) and rest <= 40


def _link_text(tag: Tag) -> str:
    return " ".join(drop_permalinks(tag.get_text()).split()).casefold()


def _content_despite_name(tag: Tag) -> bool:
    """An article's own ``<header>`` (its headline), or an ``<aside>`` of footnotes (Sphinx 7)."""
    if tag.name == "header":
        return tag.find_parent(("article", "main")) is not None
    return tag.name == "aside" and any("footnote" in name for name in tag.get("class") or ())


def _is_chrome(tag: Tag) -> bool:
    if tag.name in HEADINGS:  # a heading is content, whatever its id says (MkDocs: <h2 id="nav">nav</h2>)
        return False
    if str(tag.get("role") or "").lower() in _CHROME_ROLES:
        return True
    # a hand-made permalink: <h2>Setup <a href="#s">#</a>, or rustdoc's beside its heading:
    # <section><a href="#impl-X">§</a><h3>impl X</h3></section>; elsewhere, one its class names (Haddock's
    # <a class="selflink">#</a> after a signature); a mark that links nowhere is a button (rustdoc's "ⓘ" over an
    # example that panics)
    href = str(tag.get("href") or "")
    if tag.name == "a" and href.startswith("#") and _is_mark(tag.get_text()) and (
            href == "#" or tag.find_parent((*HEADINGS, "dt")) is not None
            or (tag.parent is not None and tag.parent.find(HEADINGS, recursive=False) is not None)):
        return True
    names = [*(tag.get("class") or ()), str(tag.get("id") or "")]
    if tag.name == "a" and _SOURCE_LINKS.intersection(names) and tag.get_text().strip().lower() == "source" \
            and not _in_prose(tag):
        return True  # a link to the code a declaration was built from: rustdoc's and Haddock's "Source"
    if tag.name == "div" and tag.get("id") == "synopsis" and tag.find("li", class_="short") is not None:
        return True  # Haddock's synopsis: every signature of the page again, in a list folded away
    if not any(_CHROME.match(name) for name in names if name):
        return False
    # A permalink mark is an anchor whose text is a mark, never a link with words in it.
    return tag.name != "a" or _is_mark(tag.get_text())


def _in_prose(tag: Tag) -> bool:
    """Whether ``tag`` is inside a paragraph of text (Haddock's signature is a paragraph, ``p.src``, but none)."""
    paragraph = tag.find_parent("p")
    return paragraph is not None and not in_class(paragraph, "src")


def _is_mark(text: str) -> bool:
    """A permalink's mark: "¶", "#", a link symbol, or a glyph of an icon font (Unicode's private use area,
    as MkDocs themes draw their link icon: U+F0C1), which is never readable text.

    >>> _is_mark("¶"), _is_mark("\uf0c1"), _is_mark("Setup")
    (True, True, False)
    """
    mark = drop_permalinks(text)
    return mark.lower() in _PERMALINK or all(0xE000 <= ord(c) <= 0xF8FF for c in mark)


def drop_permalinks(text: str) -> str:
    return " ".join(text.replace("¶", " ").replace("\u200b", " ").split())


def in_class(tag: Tag | None, name: str) -> bool:
    return tag is not None and name in (tag.get("class") or ())
