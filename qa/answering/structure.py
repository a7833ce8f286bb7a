"""Where a unit stands on a structured page: whether it opens a section, what that section's heading names,
whether the section introduces its page, the terms of its heading and of the sentences before it, and the code
block it brings.

Plain text has no blocks, so none of this marks its units. The quote features (:mod:`qa.answering.features`)
read these once per unit; nothing here depends on a question.
"""
from __future__ import annotations

import re
from functools import lru_cache
from itertools import takewhile

from ..indexing.index import Index
from ..indexing.lexical import query_terms, tokenize
from ..records import SECTION_SEP, Unit
from .sentence_stats import OPTION, OPTION_HEADING, Stats, before_in_section, option_headings, own_heading


def offers_code(index: Index, unit: Unit) -> bool:
    """Whether ``unit`` is quoted with code: it starts in a code block, or it ends in ":" right before one and
    its quote takes that block in (plain text has none)."""
    source, start, _ = index.sentences[unit.first]
    return index.documents[source].with_code(start, index.sentences[unit.last].end)[1] is not None


def opens_section(st: Stats, index: Index, unit: Unit) -> bool:
    """Whether ``unit`` starts with the first prose sentence under a heading of a structured page: not in code and
    not one that many pages repeat (plain text has no blocks, and its headings are guessed from a line's
    shape). A section may open with its entry's particulars before saying what it is: Node.js's "Added in:
    v0.1.16", a parameter list and "Returns: <string>"; npm's "Default: false" and "Type: Boolean". Those
    (:func:`particular`) are passed over, and the first sentence after them opens the section; where nothing but
    particulars follows the heading, the first of them does."""
    source, start, _ = index.sentences[unit.first]
    doc = index.documents[source]
    if not doc.blocks or unit.first in st.headings or unit.first in st.repeated \
            or doc.section_at(start) is None or doc.block_kind(start, start) == "code":
        return False
    ids, position = st.doc_sentences[source], st.position[unit.first]
    if particular(st, index, unit.first):  # the lead only where no prose follows the particulars
        if position == 0 or ids[position - 1] not in st.headings:
            return False
        after = position + 1
        while after < len(ids) and after - position <= PARTICULARS and particular(st, index, ids[after]):
            after += 1
        return not (after < len(ids) and after - position <= PARTICULARS and ids[after] not in st.headings
                    and doc.block_kind(*index.sentences[ids[after]][1:]) != "code")
    before = position - 1
    while before >= 0 and position - before <= PARTICULARS and particular(st, index, ids[before]):
        before -= 1
    return before >= 0 and position - before <= PARTICULARS + 1 and ids[before] in st.headings


#: The most sentences of particulars a section opens with before its first prose sentence (Node.js lists 43 for
#: child_process.fork()'s parameters, history and defaults)
PARTICULARS = 100
#: A line that only says in which version something came or changed ("Added in: v0.1.16", "New in version 3.8.",
#: "New in Cookiecutter 1.1", "Since: 6.8.1")
VERSION_STAMP = re.compile(r"(?:(?:added|deprecated|removed|changed|new) in(?: version| (?-i:[A-Z])[\w-]*)?|since)"
                           r":?\s*v?\d+(?:\.\w+)*(?:,\s*v?\d+(?:\.\w+)*)*\.?", re.IGNORECASE)


#: A label and its short value on a line of its own, no sentence: "Stability: 2 - Stable", "Source code:
#: Lib/tomllib", "Author: Michael Foord", "Default: false", "Implies: DisambiguateRecordFields." (a dot only inside
#: a word, "Lib/json.py", or ending the line)
LABEL_LINE = re.compile(r"[A-Z][\w ]{0,24}:\s+(?:[^.!?]|\.(?=\w)){1,40}\.?")


def particular(st: Stats, index: Index, sentence: int) -> bool:
    """Whether a sentence states one of an entry's particulars rather than saying what the entry is: a list item
    or table row (a parameter, a default, a version's change), code under an API entry's heading (its prototype),
    a version stamp, a label with its short value (:data:`LABEL_LINE`, six words at most), or a label of two words
    at most ("History")."""
    if sentence in st.headings:
        return False
    source, start, end = index.sentences[sentence]
    doc = index.documents[source]
    kind = doc.block_kind(start, start)
    if kind in ("list item", "table row"):
        return True
    if kind == "code":  # an API entry's prototype, as gtk-doc and Doxygen set it under the entry's name
        return heads_api_entry(doc.section_at(start) or "")
    text = doc.text[start:end].strip()
    words = len(text.split())
    return bool(VERSION_STAMP.fullmatch(text)) or (words <= 6 and bool(LABEL_LINE.fullmatch(text))) \
        or (words <= 2 and not text.endswith((".", "!", "?")))


def section_facts(st: Stats, index: Index, unit: Unit, lead: bool
                  ) -> tuple[tuple[frozenset[str], ...], bool, bool, bool, bool, bool]:
    """For a unit that opens its section: the names its own heading gives (:func:`heading_names`), whether the
    heading is generic, whether it is a command-line option, whether the section introduces its page (it is
    generic and not an option, and so is every section between the page's first and it: NAME, Synopsis,
    Description; not the Notes or Examples after the options), whether the heading is an API entry
    (:data:`API_HEADING`), and whether it is prose (it writes no code: each of its words names on its own, where
    a code heading's names are aliases of one thing, "wait :: Async a -> IO a")."""
    if not lead:
        return (), False, False, False, False, False
    source, start, _ = index.sentences[unit.first]
    doc = index.documents[source]
    title = doc.section_at(start) or ""
    own = title.split(SECTION_SEP)[-1]
    here = next((n for n, sec in enumerate(doc.sections) if sec.start <= start < sec.end), 0)
    intro = _introduces(st, title) and all(_introduces(st, sec.title) for sec in doc.sections[1:here])
    names = tuple(n for heading in option_headings(title) or [own] for n in heading_names(heading))
    return (names, own_heading(title) in st.generic, bool(OPTION_HEADING.match(own)), intro, heads_api_entry(title),
            prose_heading(own))


def prose_heading(heading: str) -> bool:
    """Whether a heading writes no code: no name written as code, no signature (a type, as Haddock heads an entry,
    or a call). Each word of such a heading names on its own (:func:`heading_names`).

    >>> prose_heading("Defining signals"), prose_heading("5.10. Inheritance")
    (True, True)
    >>> prose_heading("wait :: Async a -> IO a"), prose_heading("str.find(sub[, start[, end]])")
    (False, False)
    """
    return not _code_words(heading) and not _SIGNATURE.search(heading)


_SIGNATURE = re.compile(r"::|->|=>|\w\(")


#: The heading of an API entry: a name called with its parameters ("str.find(sub[, start[, end]])", "os.tmpdir()",
#: "class csv.DictReader(f, ...)", "Static method: Buffer.alloc(size[, fill])", SQLite's "trim(X,Y)"), or a dotted
#: name (a property or setting: "process.platform", "os.EOL", git's "credential.helper"), or a subcommand with its
#: arguments (git stash's "pop [--index] [-q|--quiet] [<stash>]", GHCi's ":type +v ⟨expression⟩"), or a name after
#: what kind of entry it is ("Function: xsltApplyStylesheet", "Macro: LIBXSLT_VERSION", as gtk-doc writes them)
_ENTRY_KIND = r"(?i:class|exception|static method|async|classmethod|staticmethod|abstractmethod)\s*:?\s+"
_GTKDOC_KIND = r"(?:Function|Macro|Struct|Enum|Typedef|Variable|Method|Property|Constant):\s+"
_DOTTED_NAME = r"[A-Za-z_$][\w$]*(?:\.[A-Za-z_$][\w$]*)*"
API_HEADING = re.compile(rf"(?:{_ENTRY_KIND})?{_DOTTED_NAME}(?:\(.*\)|(?:\.[A-Za-z_$][\w$]*)+)|"
                         r"[:.]?[a-z][\w-]*(?:\s+[+-]\w+)?\s+[\[<⟨].*|"
                         rf"{_GTKDOC_KIND}{_DOTTED_NAME}(?:\s*\(.*\))?")


def api_names(heading: str) -> tuple[str, ...]:
    """The names an API entry's heading (:data:`API_HEADING`) gives its entry, case folded: the name it writes
    first, dotted as written, and its last part alone.

    >>> api_names("str.find(sub[, start[, end]])"), api_names("prefetch_related(*lookups)")
    (('str.find', 'find'), ('prefetch_related',))
    >>> api_names("class csv.DictReader(f, fieldnames=None)"), api_names("Function: xsltApplyStylesheet")
    (('csv.dictreader', 'dictreader'), ('xsltapplystylesheet',))
    """
    m = _API_NAME.search(_API_PREFIX.sub("", heading.strip()))
    if not m:
        return ()
    name = m.group(0).casefold()
    return (name, name.rsplit(".", 1)[1]) if "." in name else (name,)


_API_PREFIX = re.compile(f"^(?:{_ENTRY_KIND}|{_GTKDOC_KIND})")
_API_NAME = re.compile(_DOTTED_NAME)


def heads_api_entry(title: str) -> bool:
    """Whether a section's own heading (the last of its ``title``) names an API entry (:data:`API_HEADING`)."""
    return bool(API_HEADING.fullmatch(title.split(SECTION_SEP)[-1].strip()))


def intro_leads(st: Stats, index: Index, source: str) -> list[int]:
    """The sentences of page ``source`` that open its first section or a section that introduces the page
    (:func:`section_facts`: NAME, Synopsis, Description), in page order."""
    leads = [i for i in st.doc_sentences[source] if opens_section(st, index, Unit.of(i))]
    return leads[:1] + [i for i in leads[1:] if section_facts(st, index, Unit.of(i), True)[3]]


def section_start(st: Stats, index: Index, lead: int, n: int) -> list[int]:
    """``lead`` and the sentences after it in its section, ``n`` at most."""
    source, start, _ = index.sentences[lead]
    end = next((s.end for s in index.documents[source].sections if s.start <= start < s.end), start + 1)
    ids = st.doc_sentences[source]
    return list(takewhile(lambda i: index.sentences[i].start < end, ids[st.position[lead]:st.position[lead] + n]))


def _introduces(st: Stats, title: str) -> bool:
    """Whether a section of this title can introduce its page: its heading is generic, and not an option."""
    own = own_heading(title)
    return own in st.generic and not OPTION_HEADING.match(own)


def heading_names(heading: str) -> tuple[frozenset[str], ...]:
    """The terms of what a heading names, each a set the question must hold whole to ask about it.

    A heading that names code (an API signature, a setting, an option and its aliases) names each alias whole:
    a question about ``git revert`` is not about the setting ``revert.reference``, and one about ``str.find``
    does not name the signature's parameters. A call names its function alone as well ("What is fork used
    for?" asks about ``child_process.fork(...)``). Each word of a prose heading ("Transaction Isolation") names on
    its own.

    >>> heading_names("revert.reference") == (frozenset({"revert", "refer"}),)
    True
    >>> heading_names("str.find(sub[, start[, end]])") == (frozenset({"str", "find"}), frozenset({"find"}))
    True
    >>> sorted(sorted(n) for n in heading_names("-d, --delete"))
    [['-d'], ['delet']]
    >>> heading_names("class csv.DictReader(f, fieldnames=None)") == (frozenset({"csv", "dictread"}),
    ...                                                                frozenset({"dictread"}))
    True
    >>> sorted(sorted(n) for n in heading_names("3.2 Invoking asn1Coding"))
    [['asn1cod'], ['invok']]
    >>> sorted(sorted(n) for n in heading_names("Transaction Isolation"))
    [['isol'], ['transact']]
    >>> heading_names("git revert -n master~5..master~2")  # an example's command line: its option holds no term
    ()
    """
    names = _code_words(heading)
    if not names:
        return tuple(frozenset({t}) for t in query_terms(heading) if t)
    found = _terms_of(_named(heading, names))
    # a call's own name alone too: "child_process.fork(...)" is what "What is fork used for?" asks about, its
    # module only where it is (a setting's last part is no name of its own: "revert.reference")
    own = _terms_of([name.rsplit(".", 1)[1] for name in _CALLED.findall(heading)])
    return found + tuple(name for name in own if name not in found)


# A dotted name called with its parameters: "child_process.fork(", "class csv.DictReader("
_CALLED = re.compile(r"(?<![\w.$])([A-Za-z_$][\w$]*(?:\.[A-Za-z_$][\w$]*)+)\s*\(")


def code_names(heading: str) -> tuple[frozenset[str], ...]:
    """The terms of each name a heading writes as code (an API signature, a setting, an option and its
    aliases), each whole; () for a prose heading (see :func:`heading_names`).

    >>> code_names("diff.context") == (frozenset({"diff", "context"}),)
    True
    >>> code_names("Transaction Isolation")
    ()
    """
    return _terms_of(_named(heading, _code_words(heading)))


def _code_words(heading: str) -> list[str]:
    """The words of a heading written as code, outside its brackets."""
    return [w for w in _outside_brackets(heading).replace(",", " ").split()
            if _CODE_NAME.search(w) and not _ABBREVIATION.match(w)]


def _named(heading: str, words: list[str]) -> list[str]:
    """The code ``words`` of ``heading`` that name what it is about: a single-letter option only in an option's
    own heading ("-n, --no-commit"), not in an example's command line ("git revert -n master~5..master~2")."""
    if OPTION_HEADING.match(heading):
        return words
    return [w for w in words if not _LETTER_OPTION.match(w)]


def _terms_of(names: list[str]) -> tuple[frozenset[str], ...]:
    return tuple(terms for terms in (frozenset(query_terms(n)) - {""} for n in names) if terms)


def _outside_brackets(text: str) -> str:
    """``text`` with what is inside brackets blanked out (a signature's parameters)."""
    out, depth = [], 0
    for ch in text:
        depth += ch in "([{<"
        out.append(" " if depth else ch)
        depth -= depth > 0 and ch in ")]}>"
    return "".join(out)


# A name written as code: dotted, underscored, an option.
_CODE_NAME = re.compile(r"[A-Za-z]\w*[._][A-Za-z_]|^--?[A-Za-z0-9]")  # not a section number ("3.2")
_ABBREVIATION = re.compile(r"(?:\w\.)+$")  # "e.g.", "i.e."
_LETTER_OPTION = re.compile(r"-[A-Za-z]$")


def quoted_text(index: Index, unit: Unit) -> str:
    """The text a quote of ``unit`` shows: the unit's, and the code block or the list it brings, if any."""
    source, start, _ = index.sentences[unit.first]
    doc = index.documents[source]
    return doc.text[start:doc.with_code(start, index.sentences[unit.last].end)[0]]


def shown_sentences(index: Index, st: Stats, unit: Unit) -> frozenset[int]:
    """The ids of the sentences a quote of ``unit`` shows: its own, and those of the code block or the list it
    brings (qa.records.Document.with_code)."""
    source, start, _ = index.sentences[unit.first]
    end = index.sentences[unit.last].end
    shown_end = index.documents[source].with_code(start, end)[0]
    if shown_end <= end:
        return frozenset(unit.ids)
    ids = st.doc_sentences[source]
    after = ids[st.position[unit.last] + 1:]
    return frozenset(unit.ids).union(i for i in takewhile(
        lambda i: index.sentences[i].start < shown_end, after))


def scope_terms(st: Stats, index: Index, unit: Unit, terms: frozenset[str], *, of_page: bool = False
           ) -> tuple[frozenset[str], frozenset[str]]:
    """The terms of the unit's heading path (or its document's title), and those plus the terms of the
    unit and of up to ``Config.scope_before`` sentences before it in the same section.

    A sentence often answers about what its section or the sentence before it names ("37 soldiers were
    killed in this incident" under the heading "Kanchazu Island incident"); the scope lets the features
    see that subject without quoting it. ``of_page``: the unit opens a generic section (Description,
    DESCRIPTION), whose first sentence is about what the page is ("This command removes "extraneous"
    packages." on npm-prune's page): the page title's terms count as its heading's too.
    """
    source, start, _ = index.sentences[unit.first]
    doc = index.documents[source]
    heading = frozenset(_heading_terms(doc.section_at(start) or doc.title))
    if of_page:
        heading |= frozenset(_heading_terms(doc.title))
    header = doc.table_header(start) if doc.blocks else None
    if header is not None:  # a table's row is read under its columns' names as under its heading
        heading |= frozenset(_heading_terms(doc.text[header[0]:header[1]]))
    before = before_in_section(index, st.headings, unit.first, index.config.scope_before)
    return heading, terms.union(heading, *(st.terms[i] for i in before))


def section_options(index: Index, unit: Unit) -> tuple[frozenset[str], frozenset[str]]:
    """The command-line options that the own heading of the unit's section names ("-v", "--invert-match" for
    "-v, --invert-match"; "-n" and "--dry-run" for "-n › --dry-run": option_headings), and then the terms of its
    page's title (both empty where it names none, or on a plain text page): such a section is about an option of
    the page's command, as "grep -v" says."""
    source, start, _ = index.sentences[unit.first]
    doc = index.documents[source]
    section = doc.section_at(start) if doc.blocks else None
    if not section:
        return frozenset(), frozenset()
    options = frozenset(o for heading in option_headings(section) for o in OPTION.findall(heading))
    return (options, frozenset(_heading_terms(doc.title))) if options else (frozenset(), frozenset())


@lru_cache(maxsize=4096)
def _heading_terms(title: str) -> tuple[str, ...]:
    return tuple(tokenize([title])[0])
