"""Sphinx's directives as docutils reads them: what Sphinx shows of each as text (:mod:`qa.ingest.formats.rst`).

Imported only when a reStructuredText file is read (docutils loads with it).
"""
from __future__ import annotations

from typing import Any

from docutils import nodes
from docutils.parsers.rst import Directive, directives
from docutils.parsers.rst.directives.body import CodeBlock

#: Directives that are navigation or other files' text, not this page's: nothing of them is shown.
_NOT_TEXT = frozenset(
    "toctree index highlight tabularcolumns currentmodule module sectionauthor moduleauthor codeauthor program "
    "default-domain "
    "literalinclude autosummary testsetup testcleanup automodule autoclass autofunction automethod "
    "autoattribute autodata autoexception autoproperty autodecorator autoclasstree".split())
#: Directives whose body is code.
_CODE_DIRECTIVES = ("code-block", "sourcecode", "code-tab", "doctest", "testcode", "testoutput", "productionlist")
#: Version notes, worded as Sphinx words them.
_VERSIONS = {"versionadded": "Added in version", "versionchanged": "Changed in version",
             "deprecated": "Deprecated since version", "versionremoved": "Removed in version"}
#: Directives that describe a Python (or other) object: a signature, then its description.
_OBJECTS = ("function", "class", "method", "staticmethod", "classmethod", "attribute", "data", "exception",
            "decorator", "decoratormethod", "property", "describe", "object", "option", "envvar")
#: Directives whose content is ordinary text of the page.
_CONTENT = ("glossary", "only", "centered", "hlist", "rst-class", "todo", "tab", "tabs", "group-tab", "card", "grid",
            "grid-item-card", "dropdown", "ifconfig")


class _AnyOptions(dict):  # type: ignore[type-arg]
    """An option spec that accepts every option (Sphinx's options of a directive read as no text)."""

    def __contains__(self, key: object) -> bool:
        return True

    def __bool__(self) -> bool:  # docutils reads options only where a directive has some
        return True

    def __getitem__(self, key: str) -> Any:
        return lambda value: value


class Lenient(Directive):  # type: ignore[misc]
    """Any arguments, content and options (what Sphinx's options mean is no text of the page)."""

    has_content = True
    optional_arguments = 10
    final_argument_whitespace = True
    option_spec = _AnyOptions()


class Nothing(Lenient):
    """Navigation, or another file's text: nothing of it is shown."""

    def run(self) -> list:
        return []


class Code(CodeBlock):  # type: ignore[misc]
    """Code as written: no highlighting, whatever language or options it names."""

    optional_arguments = 1
    option_spec = _AnyOptions()

    def run(self) -> list:
        given: dict[str, Any] = getattr(self, "options", {})
        kept = {k: v for k, v in given.items() if k in ("class", "name")}
        language: list[str] = []  # no highlighting: the code as written
        self.options, self.arguments = kept, language
        return super().run()  # type: ignore[no-any-return]


class Content(Lenient):
    """Ordinary text of the page in a box (a glossary, a tab, a card)."""

    def run(self) -> list:
        box = nodes.container()
        self.state.nested_parse(self.content, self.content_offset, box)
        return [box]


class Version(Directive):  # type: ignore[misc]
    has_content = True
    required_arguments = 1
    optional_arguments = 1
    final_argument_whitespace = True

    def run(self) -> list:
        """As Sphinx writes it: "Added in version 3.2: " opens the first paragraph (the text on the
        directive's own lines, else the content's), and the rest of the content (lists, paragraphs) follows
        as it is; with no text at all, "Added in version 3.2." alone."""
        words = f"{_VERSIONS[self.name]} {self.arguments[0]}"
        box = nodes.container()
        if len(self.arguments) > 1:
            inline, messages = self.state.inline_text(self.arguments[1], self.lineno + 1)
            box += nodes.paragraph(self.arguments[1], "", *inline)
            box += messages
        self.state.nested_parse(self.content, self.content_offset, box)
        if box.children and isinstance(box.children[0], nodes.paragraph):
            box.children[0].insert(0, nodes.Text(f"{words}: "))
        else:
            box.insert(0, nodes.paragraph("", f"{words}: " if box.children else f"{words}."))
        return [box]


class SeeAlso(Directive):  # type: ignore[misc]
    has_content = True
    optional_arguments = 1
    final_argument_whitespace = True

    def run(self) -> list:
        note = nodes.admonition(classes=["seealso"])
        note += nodes.title(text="See also")
        if self.arguments:
            words, messages = self.state.inline_text(self.arguments[0], self.lineno)
            note += nodes.paragraph("", "", *words)
            note += messages
        self.state.nested_parse(self.content, self.content_offset, note)
        return [note]


class Described(Directive):  # type: ignore[misc]
    has_content = True
    required_arguments = 1
    final_argument_whitespace = True
    option_spec = _AnyOptions()

    def run(self) -> list:
        item = nodes.definition_list_item()
        for signature in self.arguments[0].split("\n"):
            if signature.strip():
                item += nodes.term(text=signature.strip())
        body = nodes.definition()
        self.state.nested_parse(self.content, self.content_offset, body)
        item += body
        return [nodes.definition_list("", item)]


def register() -> None:
    """Register each directive with docutils under its names (and a Python object's under each domain's)."""
    for name in _NOT_TEXT:
        directives.register_directive(name, Nothing)
    for name in _CODE_DIRECTIVES:
        directives.register_directive(name, Code)
    for name in _CONTENT:
        directives.register_directive(name, Content)
    for name in _VERSIONS:
        directives.register_directive(name, Version)
    directives.register_directive("seealso", SeeAlso)
    for name in _OBJECTS:
        for domain in ("", "py:", "c:", "cpp:", "js:", "std:"):
            directives.register_directive(domain + name, Described)


__all__ = ["register"]
