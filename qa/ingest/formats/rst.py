"""reStructuredText (Sphinx sources, README.rst): docutils renders the page, and the web-page reader reads its blocks.

Nothing but the file is read: docutils' ``include``, ``raw`` and file options are off, and no configuration
file is consulted. Sphinx's markup that plain docutils lacks keeps its Sphinx meaning where that is text:

- a role (``:func:`len```, ``:ref:`the guide <guide>```) shows what Sphinx shows: its title, or its target
  as code (``len``), never the role's markup;
- ``code-block``, ``doctest`` and their kind are code; ``versionadded`` and its kind are the sentence Sphinx
  writes ("Added in version 3.2: ..."); ``seealso`` is a note; a Python object (``.. function:: f(x)``) is
  an API signature with its description under it;
- navigation (``toctree``, ``index``) and what would need other files (``literalinclude``, the ``auto...``
  directives of autodoc) are not text.

Any other directive docutils does not know is shown as the file writes it, as code, so nothing goes
silently. The page's title is its document title.
"""
from __future__ import annotations

import re
from functools import cache
from typing import TYPE_CHECKING, Any

from . import Extracted
from .html import parse, read_soup
from .text import decode_text

if TYPE_CHECKING:
    from bs4 import BeautifulSoup

#: Roles whose text Sphinx shows as code (Python and C objects, options, files, keys...).
_CODE_ROLES = frozenset(
    "func meth class mod attr exc data const obj type option envvar file samp kbd program command "
    "macro member var enum enumerator struct union expr texpr".split())
_ROLE_TARGET = re.compile(r"^(.*?)\s*<([^<>]+)>$", re.DOTALL)
# A target after a space may itself hold angle brackets, as CMake's do: "CMAKE_ASM<DIALECT>_COMPILER
# <CMAKE_<LANG>_COMPILER>" shows its title (Sphinx's CMake domain reads a "<" after no space as the name's own).
_SPACED_TARGET = re.compile(r"^(.*\S)\s+<(.+)>$", re.DOTALL)


def read_rst(data: bytes) -> Extracted:
    """The page as docutils renders it, read into blocks like any web page."""
    return read_soup(_render(decode_text(data)))


def _render(text: str) -> BeautifulSoup:
    from docutils.core import publish_string
    from docutils.parsers.rst import Parser

    _register()
    settings = {
        "file_insertion_enabled": False, "raw_enabled": False, "_disable_config": True,
        "report_level": 3, "halt_level": 5, "warning_stream": False, "traceback": True,
        "input_encoding": "unicode", "output_encoding": "unicode", "embed_stylesheet": False,
        "stylesheet_path": "", "syntax_highlight": "none", "math_output": "latex", "doctitle_xform": True,
    }
    html = publish_string(text, parser=Parser(inliner=_inliner()), writer="html5",
                          settings_overrides=settings)
    return _shown_as_written(str(html))


def _shown_as_written(html: str) -> BeautifulSoup:
    """docutils reports what it cannot read (an unknown directive, a broken table) in a message holding the
    source as written: the source stays, as code, and the report goes. Its notes are ``aside`` elements,
    which a web page's reader takes for a site's sidebar: they become blocks of the page."""
    soup = parse(html)
    for message in soup.select("div.system-message, aside.system-message"):
        source = message.find("pre")
        if source is not None:
            message.replace_with(source)
        else:
            message.decompose()
    for section in soup.select(".system-messages"):  # the reports' own section, "Docutils System Messages"
        section.decompose()
    for link in soup.select("a.problematic"):  # a reference to such a report: its text as written
        link.replace_with(link.get_text())
    for aside in soup.find_all("aside"):  # notes, topics, sidebars: the page's own text, not a site's chrome
        aside.name = "div"
    return soup


def _shown(text: str) -> str:
    """What Sphinx shows of a role's text: the title of ``title <target>``, else the target without its
    ``~`` (last part only) or ``!`` marks."""
    match = _SPACED_TARGET.match(text) or _ROLE_TARGET.match(text)
    if match and match.group(1):
        return match.group(1)
    target = match.group(2) if match else text
    if target.startswith("~"):
        return target[1:].rsplit(".", 1)[-1]
    return target.lstrip("!")


def _inliner() -> Any:
    """docutils' inliner, reading the roles it does not know as Sphinx shows them."""
    import types

    from docutils import nodes
    from docutils.parsers.rst import roles, states

    inliner = states.Inliner()
    known = inliner.interpreted

    def interpreted(self: Any, rawsource: str, text: str, role: str, lineno: int) -> Any:
        if roles.role(role, self.language, lineno, self.reporter)[0] is not None:
            return known(rawsource, text, role, lineno)
        shown = nodes.unescape(_shown(text))
        code = role.split(":")[-1] in _CODE_ROLES
        return [nodes.literal(rawsource, shown) if code else nodes.inline(rawsource, shown)], []

    inliner.interpreted = types.MethodType(interpreted, inliner)
    return inliner


@cache
def _register() -> None:
    """Sphinx's directives, registered with docutils once per process."""
    from .sphinx_directives import register

    register()


