"""What an index's sentences are, computed once per loaded index: their terms and how often each occurs, the
maps between sentences and chunks, and what each sentence is on its page (a heading, a bare date, a line of a
"See also" section, one many pages repeat, one that leans on the sentence before it).

The quote features (:mod:`qa.answering.features`) read these; nothing here depends on a question.
"""
from __future__ import annotations

import math
import re
import weakref
from bisect import bisect_left
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np

from ..indexing.index import Index
from ..indexing.lexical import query_terms, tokenize
from ..ingest.clean_rules import is_date_line
from ..records import SECTION_SEP, block_at

_I = re.IGNORECASE
# A sentence opening with one of these leans on the one before it.
ANAPHORA = re.compile(
    r"^(this|these|that|those|such|it|its|they|their|them|he|his|she|her|the latter|the former|both|there|"
    r"here|thus|hence|therefore|however|also|in turn|in this|in that|as a result|for example|for instance|"
    r"similarly|again|indeed|then)\b", _I)


def is_anaphoric(text: str) -> bool:
    return bool(ANAPHORA.match(text))


@dataclass(frozen=True)
class Stats:
    """Per-index term statistics over sentences, and the sentence/chunk maps quotes need."""

    terms: tuple[tuple[str, ...], ...]  # stemmed terms of each sentence
    df: dict[str, int]
    avg_len: float
    doc_sentences: dict[str, tuple[int, ...]]  # source -> its sentence ids, in order
    position: tuple[int, ...]  # sentence id -> its position within its document
    chunk_sentences: tuple[tuple[int, ...], ...]  # chunk id -> sentence ids starting inside it
    sentence_chunks: tuple[tuple[int, ...], ...]  # sentence id -> chunk ids holding it
    headings: frozenset[int]  # ids of the sentences that are section headings, not prose
    # ids of the sentences that are nothing but a date (a dateline, a timestamp): they state nothing, so
    # they are never quoted ("December 7, 2022" is no answer to when Pearl Harbor was attacked)
    datelines: frozenset[int] = frozenset()
    # sentence id -> the chunks holding it or the sentence before it in its section: the passages a
    # sentence belongs to, even when a chunk boundary falls between it and what it refers back to
    scope_chunks: tuple[tuple[int, ...], ...] = ()
    anaphoric: frozenset[int] = frozenset()  # ids of the sentences that lean on the one before (is_anaphoric)
    # headings (folded) that open a section in many of the documents ("Description", "OPTIONS"): such a section
    # is about its page's subject, where "HOOKS" or "--auto" names a subject of its own (generic_headings)
    generic: frozenset[str] = frozenset()
    # ids of the sentences of a structured page's "See also" section, of the sentences anywhere that only send
    # the reader elsewhere ("See git-rebase(1) for details.": is_pointer), and of a structured page's labels of
    # what a quote cannot show ("select-stmt:" over a diagram: _labels): never an answer
    references: frozenset[int] = frozenset()
    # ids of the sentences many pages repeat word for word ("Part of the git(1) suite" under each page's "GIT"):
    # opening a section, such a sentence says nothing about its page (repeated_sentences)
    repeated: frozenset[int] = frozenset()
    # a command-line option ("-v", "--invert-match") -> the first sentences of each section of a structured page
    # whose own heading names it ("-v, --invert-match"): where a manual says what the option does (option_sections)
    options: dict[str, tuple[int, ...]] = field(default_factory=dict)
    # a term -> the structured pages whose name (page_name) holds it, each with its name's terms: how a question
    # that names a page ("What does git revert do?") finds it (page_names)
    pages: dict[str, tuple[tuple[str, frozenset[str]], ...]] = field(default_factory=dict)
    # the name of one thing a section's own heading gives with the kind of thing it is ("Alias Directive",
    # "UNION Clause"), case folded -> the first sentences of each such section (entry_sections)
    entries: dict[str, tuple[int, ...]] = field(default_factory=dict)

    def idf(self, term: str) -> float:
        n = len(self.terms)
        return math.log((n + 1) / (self.df.get(term, 0) + 0.5))


def stats(index: Index) -> Stats:
    """Statistics of ``index``, computed on first use and kept as long as that loaded index lives."""
    st = _STATS.get(index)
    if st is None:
        st = _STATS[index] = _compute_stats(index)
    return st


# Loaded index -> its statistics. Weak keys: an index dropped after a rebuild takes its statistics with it
# (Stats holds nothing that refers back to the index).
_STATS: weakref.WeakKeyDictionary[Index, Stats] = weakref.WeakKeyDictionary()


def _compute_stats(index: Index) -> Stats:
    texts = [index.documents[s].text[a:b] for s, a, b in index.sentences]
    terms = tuple(tuple(t) for t in tokenize(texts)) if texts else ()
    df = Counter(w for t in terms for w in set(t))
    doc_sentences: dict[str, list[int]] = {}
    position = []
    for i, (source, _, _) in enumerate(index.sentences):
        position.append(len(doc_sentences.setdefault(source, [])))
        doc_sentences[source].append(i)
    chunk_sentences, sentence_chunks = _chunk_maps(index, doc_sentences)
    headings = frozenset(i for i, (s, a, b) in enumerate(index.sentences) if index.documents[s].is_heading(a, b))
    datelines = frozenset(i for i, text in enumerate(texts) if is_date_line(text.strip()))
    return Stats(terms, dict(df), float(np.mean([len(t) for t in terms])) if terms else 1.0,
                 {k: tuple(v) for k, v in doc_sentences.items()}, tuple(position), chunk_sentences,
                 sentence_chunks, headings, datelines, _scope_chunks(index, sentence_chunks, headings),
                 frozenset(i for i, text in enumerate(texts) if is_anaphoric(text)),
                 generic_headings(index),
                 _references(index, doc_sentences) | {i for i, text in enumerate(texts) if is_pointer(text)}
                 | _labels(index, texts),
                 repeated_sentences(index, texts), option_sections(index, doc_sentences, headings),
                 page_names(index), entry_sections(index, doc_sentences, headings))


def page_name(title: str) -> frozenset[str]:
    """The terms of what a page's title names: the title before a dash or colon that starts a description
    of it ("csv — CSV File Reading and Writing"), less a manual section's number ("git-revert(1)").

    >>> sorted(page_name("git-revert(1)")), sorted(page_name("csv — CSV File Reading and Writing"))
    (['git', 'revert'], ['csv'])
    """
    name = _TITLE_TAIL.split(title, maxsplit=1)[0]
    return frozenset(t for t in query_terms(_MANUAL_SECTION.sub(" ", name)) if t and not t.isdigit())


_TITLE_TAIL = re.compile(r"\s+[—–-]\s+|:\s")
_MANUAL_SECTION = re.compile(r"\(\d\w*\)")


def page_names(index: Index) -> dict[str, tuple[tuple[str, frozenset[str]], ...]]:
    """Each term of a structured page's name (:func:`page_name`), with the pages whose name holds it (plain
    text's titles are often guessed, so are no names)."""
    out: dict[str, list[tuple[str, frozenset[str]]]] = {}
    for source, doc in index.documents.items():
        name = page_name(doc.title) if doc.blocks else frozenset()
        for term in name:
            out.setdefault(term, []).append((source, name))
    return {term: tuple(pages) for term, pages in out.items()}


#: A heading that names one thing and the kind of thing it is: a reference's entry for a directive, a clause, a
#: statement ("Alias Directive", "TimeOut Directive", "ON CONFLICT Clause", "The for statement"). The name is one
#: word, or several in capitals (a SQL keyword of two words).
ENTRY_HEADING = re.compile(r"^\s*(?:the\s+)?(?P<name><?[A-Za-z_][\w.:-]*>?|"
                           r"(?-i:[A-Z][A-Z_]+(?:\s+[A-Z][A-Z_]+){1,2}))\s+"
                           r"(?P<kind>directive|function|statement|command|clause|keyword|macro|module|class|method|"
                           r"property|variable|setting|parameter|flag|element|attribute|hook|event|operator|filter|"
                           r"pragma)s?\s*$", re.I)
ENTRY_SENTENCES = 8  # an entry's first sentences: its quick reference's rows ("Default: | TimeOut 60") and prose


def entry_name(heading: str) -> str | None:
    """The name an entry's heading gives (:data:`ENTRY_HEADING`), case folded, or None.

    >>> entry_name("TimeOut Directive"), entry_name("ON CONFLICT Clause"), entry_name("The for statement")
    ('timeout', 'on conflict', 'for')
    >>> entry_name("Writing custom commands"), entry_name("Using Name-based Virtual Hosts")
    (None, None)
    """
    m = ENTRY_HEADING.match(heading)
    return " ".join(m.group("name").split()).casefold() if m else None


def entry_sections(index: Index, doc_sentences: dict[str, list[int]], headings: frozenset[int]
                   ) -> dict[str, tuple[int, ...]]:
    """Each name a section's own heading gives with its kind (:func:`entry_name`), or as an API entry
    ("prefetch_related(*lookups)", "str.find(sub[, start[, end]])": :func:`qa.answering.structure.api_names`), on
    structured pages, with the first :data:`ENTRY_SENTENCES` sentences of every such section: where a reference
    says what the entry is, does and defaults to."""
    from .structure import api_names, heads_api_entry  # that module reads this one's statistics

    def names(title: str) -> tuple[str, ...]:
        own = title.split(SECTION_SEP)[-1]
        name = entry_name(own)
        return (name,) if name else api_names(own) if heads_api_entry(title) else ()

    return sections_named(index, doc_sentences, headings, names, ENTRY_SENTENCES)


# A name written as code: with an underscore or a dot inside it ("prefetch_related", "str.find")
_WRITTEN_AS_CODE = re.compile(r"\w[_.]\w")


def asked_entries(question: str, st: Stats) -> tuple[str, ...]:
    """The entries (:attr:`Stats.entries`) ``question`` names as a name: written with a capital after its first
    word, as code, or beside the kind of thing it is ("the Alias directive", "What is the default value of
    Timeout?", "What does prefetch_related do?"), not a word of the question's own ("How do I set a timeout?").

    >>> entries = {"alias": (1,), "timeout": (2,), "on conflict": (3,)}
    >>> st = Stats((), {}, 1.0, {}, (), (), (), frozenset(), entries=entries)
    >>> asked_entries("What does the alias directive do?", st), asked_entries("Default of Timeout?", st)
    (('alias',), ('timeout',))
    >>> asked_entries("How do I set a timeout?", st), asked_entries("What does ON CONFLICT DO NOTHING do?", st)
    ((), ('on conflict',))
    """
    if not st.entries:
        return ()
    words = re.findall(r"<?[\w.:-]+>?", question)
    found = []
    for n in range(len(words)):
        for size in (3, 2, 1):
            name = " ".join(words[n:n + size])
            if len(words[n:n + size]) < size or name.casefold() not in st.entries:
                continue
            after = words[n + size].casefold() if n + size < len(words) else ""
            named = (n > 0 and any(c.isupper() for c in name)) or ENTRY_HEADING.match(f"{name} {after}") \
                or _WRITTEN_AS_CODE.search(name)
            if named and name.casefold() not in found:
                found.append(name.casefold())
            break
    return tuple(found)


#: A command-line option, short or long, as a heading or a question writes it ("-v", "--invert-match"; not the
#: end of a hyphenated word, "x-y")
OPTION = re.compile(r"(?<![\w-])--?[A-Za-z][\w-]*")
OPTION_SENTENCES = 2  # the sentences of an option's section that say what it does


def option_headings(title: str) -> list[str]:
    """The headings at the end of a section title that are options: its own, and those of the same term the
    page writes one above the other ("-n › --dry-run"), not an enclosing heading ("set › -e", "OPTIONS").

    >>> option_headings("OPTIONS › -n › --dry-run"), option_headings("set › -e"), option_headings("NAME")
    (['-n', '--dry-run'], ['-e'], [])
    """
    parts = title.split(SECTION_SEP)
    n = len(parts)
    while n and OPTION_HEADING.match(parts[n - 1]):
        n -= 1
    return parts[n:]


#: A command-line option as a heading: "-a", "--annotate", "--depth <depth>", "-n <num>"
OPTION_HEADING = re.compile(r"\s*--?[A-Za-z0-9]")


def asked_options(question: str, st: Stats) -> tuple[str, ...]:
    """The command-line options ``question`` names, as the index's sections head them: short options written
    together ("ls -la") are each their own where the index has a section for each and none for them together.

    >>> st = Stats((), {}, 1.0, {}, (), (), (), frozenset(), options={"-l": (1,), "-a": (2,), "-name": (3,)})
    >>> asked_options("What does ls -la do?", st), asked_options("What does find -name do?", st)
    (('-l', '-a'), ('-name',))
    >>> asked_options("What does tar -xzf do?", st), asked_options("What does git commit --amend do?", st)
    (('-xzf',), ('--amend',))
    """
    if "-" not in question:
        return ()
    out: list[str] = []
    for option in OPTION.findall(question):
        letters = [f"-{c}" for c in option[1:]] if 3 <= len(option) <= 5 and option[1:].isalpha() else []
        split = option not in st.options and letters and all(o in st.options for o in letters)
        out.extend(letters if split else [option])
    return tuple(dict.fromkeys(out))


def option_sections(index: Index, doc_sentences: dict[str, list[int]], headings: frozenset[int]
                    ) -> dict[str, tuple[int, ...]]:
    """Each option that the own heading of a section of a structured page names ("-v, --invert-match",
    "-p port", and "-n" as well as "--dry-run" for "-n › --dry-run": :func:`option_headings`), with the first
    :data:`OPTION_SENTENCES` prose sentences of every such section.

    >>> from types import SimpleNamespace
    >>> from qa.records import Document, Section, SentenceSpan
    >>> parts = ["NAME", "grep", "-v, --invert-match", "Select non-matching lines.", "More.", "Third."]
    >>> text = " ".join(parts)
    >>> spans = [(text.index(p), text.index(p) + len(p)) for p in parts]
    >>> doc = Document("grep.1", "grep(1)", text, "man", "x", "", "", blocks=((0, 4, "heading"),),
    ...     sections=(Section("NAME", 0, 10), Section("-v, --invert-match", 10, len(text))))
    >>> index = SimpleNamespace(documents={"grep.1": doc}, sentences=[SentenceSpan("grep.1", a, b) for a, b in spans])
    >>> option_sections(index, {"grep.1": [0, 1, 2, 3, 4, 5]}, frozenset({0, 2}))
    {'-v': (3, 4), '--invert-match': (3, 4)}
    """
    def named(title: str) -> list[str]:
        return [o for heading in option_headings(title) for o in OPTION.findall(heading)]

    return sections_named(index, doc_sentences, headings, named, OPTION_SENTENCES)


def sections_named(index: Index, doc_sentences: dict[str, list[int]], headings: frozenset[int],
                   names_of: Callable[[str], Sequence[str]], first: int) -> dict[str, tuple[int, ...]]:
    """Each name that ``names_of`` reads in the title of a section of a structured page, with the ``first``
    sentences (not headings) of every section so named, in page order, each once."""
    out: dict[str, list[int]] = {}
    for source, ids in doc_sentences.items():
        doc = index.documents[source]
        if not doc.blocks:
            continue  # plain text: its headings are guessed
        starts = [index.sentences[i].start for i in ids]  # in order
        for section in doc.sections:
            names = names_of(section.title)
            if not names:
                continue
            start, end = bisect_left(starts, section.start), bisect_left(starts, section.end)
            inside = [i for i in ids[start:end] if i not in headings][:first]
            for name in names:
                out.setdefault(name, []).extend(inside)
    return {name: tuple(dict.fromkeys(ids)) for name, ids in out.items()}


#: The own heading (folded) of a section that lists other pages: man pages, DocBook, Sphinx and Markdown
#: manuals all call it so.
REFERENCES = "see also"


def _references(index: Index, doc_sentences: dict[str, list[int]]) -> frozenset[int]:
    """Ids of the sentences inside the "See also" sections of structured pages (plain text has no such
    sections: its headings are guessed)."""
    out: list[int] = []
    for source, ids in doc_sentences.items():
        doc = index.documents[source]
        spans = [(s.start, s.end) for s in doc.sections if own_heading(s.title) == REFERENCES] if doc.blocks else []
        if spans:
            out.extend(i for i in ids if any(a <= index.sentences[i].start < b for a, b in spans))
    return frozenset(out)


def _labels(index: Index, texts: list[str]) -> frozenset[int]:
    """Ids of the sentences of structured pages that end their paragraph with a few words and ":", with no code
    or short list after them to bring: the label of a diagram, a long list or a table a quote cannot show
    ("select-stmt:" over SQLite's syntax diagram), which says nothing alone. "Advantages include:" over a list
    of four is quoted with its list (qa.records.Document.with_code)."""
    out = []
    for i, text in enumerate(texts):
        if text.endswith(":") and len(text.split()) <= LABEL_WORDS:
            source, start, end = index.sentences[i]
            doc = index.documents[source]
            block = block_at(doc.blocks, start)
            if block is not None and block[2] != "code" and block[1] == end and doc.with_code(start, end)[0] == end:
                out.append(i)
    return frozenset(out)


LABEL_WORDS = 4


def is_pointer(text: str) -> bool:
    """Whether a sentence only sends the reader elsewhere, stating nothing a question could be answered by:

    - it opens with "See" or "Refer to" (a "See also:" note goes on to say something itself);
    - it opens with what there is more of and then sends the reader on ("For more information, see ...",
      "For an example of the syntax, check the pkix.asn file ...");
    - it sends the reader to a page's documentation ("Check out the Tk documentation for ...", "Head over to
      ...");
    - all its main clause says of its subject is where it is described ("The supported encodings are described
      in Section 24.3.1.", "... is described in Suppressing errors.", "... is explained below."); a clause of
      its own before that ("The LIKE operator does pattern matching and is explained in Section 9.7", "... the
      autovacuum daemon, which is described in ...") is something said.

    >>> is_pointer("See git-rebase(1) for details.")
    True
    >>> is_pointer('(See the "RECOVERING FROM UPSTREAM REBASE" section in git-rebase(1).)')
    True
    >>> is_pointer("See also: The TOML Kit package is a style-preserving TOML library.")
    False
    >>> is_pointer("Seeds are planted in spring.")
    False
    >>> is_pointer("For more information on each row-level lock mode, refer to Section 13.3.2.")
    True
    >>> is_pointer("For more details, see the pathspec entry in gitglossary(7).")
    True
    >>> is_pointer("For example, see how the parser reads a file.")
    False
    >>> is_pointer("Window functions are described in detail in Section 3.5, Section 4.2.8, and Section 7.2.5.")
    True
    >>> is_pointer("The LIKE operator does pattern matching and is explained in Section 9.7.")
    False
    >>> is_pointer("The basic suppression format is described in Suppressing errors.")
    True
    >>> is_pointer("Values are given in milliseconds.")
    False
    >>> is_pointer("(Another way is to set PGCLIENTENCODING.) The encodings are described in Section 24.3.1.")
    False
    >>> is_pointer("Check out the /quickstart for an overview of what Flask can do.")
    True
    >>> is_pointer("Check out the branch you want to merge into.")
    False
    """
    text = text.strip()
    return any(p.match(text) for p in (_POINTER, _MORE_ELSEWHERE, _GO_READ, _DESCRIBED_IN))


_POINTER = re.compile(r"\(?\s*(?:see|refer to)\s+(?!also\b)", re.I)
# "For more information ..., see", "For an example of X, check the Y file": what a sentence has more of, then where
_MORE_ELSEWHERE = re.compile(
    r"\(?\s*for\s+(?:more|further|additional|details?|information|info|an?\s+examples?|examples|(?:a|the)\s+"
    r"(?:full|complete|detailed)\b)[^.;:]*?,\s*(?:please\s+)?(?:see|check|refer\s+to|consult|read)\b", re.I)
# "Check out the X documentation", "Head over to the Jinja documentation": a page's docs, not a branch checked out
_GO_READ = re.compile(r"(?:check\s+out|head\s+(?:over\s+)?to)\s+(?=[^.]*\b(?:documentation|docs|page|guide|"
                      r"tutorial|manual|section|chapter|quickstart|for\s+more)\b)", re.I)
_PART = r"(?:Table|Section|Chapter|Figure|Appendix|Example|Part)"
# The main clause of a sentence that only says where its subject is told of: "... are listed in Table 9.10.", "The
# basic suppression format is described in Suppressing errors.", "This is explained in the next section."
_MAIN_CLAUSE = r"(?:(?!\b(?:which|that|what|and|but)\s+(?:is|are)\b|[.!?]\)?\s)[^;,—–])*?\b(?:is|are)\s+(?:also\s+)?"
_IN_DETAIL = r"(?:in\s+(?:more\s+|further\s+|greater\s+|precise\s+)?detail\s+)?"
_DESCRIBED_IN = re.compile(
    _MAIN_CLAUSE + r"(?:(?:described|listed|shown|summari[sz]ed|given|explained|documented|detailed|covered|discussed)"
    r"\s+" + _IN_DETAIL + r"in\s+(?:the\s+)?" + _PART + r"s?\s+[\w.-]+(?:\s*(?:,\s*and|,|and|or)\s*(?:" + _PART
    + r"\s+)?[\w.-]+)*"
    r"|(?:described|explained|documented|detailed|covered|discussed)\s+" + _IN_DETAIL + r"(?:in|under)\s+[^.!?;]{1,60}?"
    r"|(?:described|explained|documented|discussed)\s+" + _IN_DETAIL + r"(?:below|above|later|elsewhere))[.)\s]*$")


#: A heading that opens a section in at least this share of the documents (and in GENERIC_MIN of them) is generic.
GENERIC_SHARE = 0.2
GENERIC_MIN = 3


def own_heading(title: str) -> str:
    """The last heading of a section title (its own, below its parents), case and spacing folded."""
    return " ".join(title.split(SECTION_SEP)[-1].split()).casefold()


def generic_headings(index: Index) -> frozenset[str]:
    """The :func:`own_heading` texts that open sections in at least :data:`GENERIC_SHARE` of the documents
    (and :data:`GENERIC_MIN` of them).

    >>> from qa.records import Document, Section
    >>> page = lambda n, *heads: Document(f"{n}.html", n, "d", "html", "x", "", "",
    ...     sections=tuple(Section(h, i, i + 1) for i, h in enumerate(heads)))
    >>> class Docs: documents = {d.source: d for d in [page("a", "NAME", "DESCRIPTION", "HOOKS"),
    ...     page("b", "DESCRIPTION"), page("c", "x › DESCRIPTION", "OPTIONS"), page("d")]}
    >>> sorted(generic_headings(Docs()))
    ['description']
    """
    held = Counter(h for doc in index.documents.values() for h in {own_heading(s.title) for s in doc.sections})
    least = max(GENERIC_MIN, GENERIC_SHARE * len(index.documents))
    return frozenset(h for h, n in held.items() if n >= least)


def repeated_sentences(index: Index, texts: list[str]) -> frozenset[int]:
    """Ids of the sentences of structured pages whose text (case and spacing folded) is a sentence of at least
    :data:`GENERIC_SHARE` of the documents (and :data:`GENERIC_MIN` of them): a page's boilerplate."""
    folded = [" ".join(text.split()).casefold() for text in texts]
    pages: dict[str, set[str]] = {}
    for (source, _, _), text in zip(index.sentences, folded):
        if index.documents[source].blocks:
            pages.setdefault(text, set()).add(source)
    least = max(GENERIC_MIN, GENERIC_SHARE * len(index.documents))
    common = {text for text, sources in pages.items() if len(sources) >= least}
    return frozenset(i for i, text in enumerate(folded) if text in common) if common else frozenset()


def _scope_chunks(index: Index, sentence_chunks: tuple[tuple[int, ...], ...], headings: frozenset[int]
                  ) -> tuple[tuple[int, ...], ...]:
    return tuple(tuple(dict.fromkeys(sentence_chunks[i] + tuple(c for j in before_in_section(index, headings, i, 1)
                                                                for c in sentence_chunks[j])))
                 for i in range(len(index.sentences)))


def before_in_section(index: Index, headings: frozenset[int], sentence: int, most: int) -> list[int]:
    """Up to ``most`` sentence ids just before ``sentence``, nearest first, in its section and not headings
    (a document's sentence ids are consecutive)."""
    source, start, _ = index.sentences[sentence]
    doc = index.documents[source]
    section = doc.section_at(start)
    found: list[int] = []
    j = sentence - 1
    while len(found) < most and j >= 0 and index.sentences[j].source == source and j not in headings \
            and doc.section_at(index.sentences[j].start) == section:
        found.append(j)
        j -= 1
    return found


def _chunk_maps(index: Index, doc_sentences: dict[str, list[int]]
                ) -> tuple[tuple[tuple[int, ...], ...], tuple[tuple[int, ...], ...]]:
    per_chunk: list[tuple[int, ...]] = []
    per_sentence: list[list[int]] = [[] for _ in index.sentences]
    for chunk in index.chunks:
        ids = tuple(i for i in doc_sentences.get(chunk.source, ())
                    if chunk.start <= index.sentences[i].start < chunk.end)
        per_chunk.append(ids)
        for i in ids:
            per_sentence[i].append(chunk.id)
    return tuple(per_chunk), tuple(tuple(c) for c in per_sentence)
