"""Cleaning by format: the capture rules run on plain text only and record every removal; structured
documents (web pages, Markdown, Word, EPUB, PDF) keep their words, their blocks and their code."""
from __future__ import annotations

import unicodedata
from types import SimpleNamespace

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from qa.app.ui_docs import heading_spans
from qa.ingest.clean import clean_text
from qa.ingest.formats import BLOCK_KINDS, extract, from_blocks
from qa.ingest.formats.text import markdown_blocks
from qa.records import Cleaned

from ..conftest import BLOG, CORPUS, WIKI
from .test_clean import check_sections, section_of


def check_blocks(raw: str, cleaned: Cleaned) -> None:
    """Runs copy raw text; blocks tile the text; code keeps its lines; other blocks are one spaced line."""
    text = cleaned.text
    for c, r, n in cleaned.segments:
        assert raw[r:r + n] == text[c:c + n]
    at = 0
    for start, end, kind in cleaned.blocks:
        assert kind in BLOCK_KINDS and start == at and end > start
        block = text[start:end]
        assert block == block.strip() or (kind == "code" and block == block.rstrip())
        if kind != "code":
            assert "\n" not in block and "  " not in block
        at = end + 2
    assert at == len(text) + 2 or not cleaned.blocks
    check_sections(cleaned)


def _visible(text: str) -> str:
    return "".join(ch for ch in text if not ch.isspace() and unicodedata.category(ch) not in ("Cc", "Cf"))


# Text the plain-text capture rules would cut: a "glued citation", wiki-style quotes, a copyright line.
DAMAGEABLE = ["Use open(filename, newline='') as f.Coox, p. 109 is not a citation here.",
              "If newline is '' or '\\n', no translation takes place.",
              "level=logging.DEBUG is the lowest.Smith and Jones, p. 4",
              "Copyright 2024, Some Site"]


@pytest.mark.parametrize("fmt", ["html", "md", "docx", "epub", "pdf"])
def test_capture_rules_never_touch_structured_text(fmt: str) -> None:
    found = from_blocks([(t, "text") for t in DAMAGEABLE])
    cleaned = clean_text(found.text, fmt=fmt, headings=found.headings, blocks=found.blocks if fmt == "html" else None)
    assert cleaned.text.split("\n\n") == DAMAGEABLE and cleaned.removals == ()
    plain = clean_text(found.text, fmt="txt")
    assert plain.text != found.text and plain.removals  # the same text as a capture is cut, and says so


@pytest.mark.parametrize("name", [WIKI, BLOG])
def test_every_capture_removal_is_recorded_where_it_was(name: str) -> None:
    raw = (CORPUS / name).read_text(encoding="utf-8")
    cleaned = clean_text(raw)
    assert cleaned.removals
    for r in cleaned.removals:
        assert r.text and r.rule
        assert raw[r.start:r.start + len(r.text[:20])] == r.text[:20], r
    # Every word of the file is either in the cleaned text or in a removal (whitespace aside).
    kept = len("".join(cleaned.text.split())) + sum(len("".join(r.text.split())) for r in cleaned.removals)
    assert kept >= 0.99 * len("".join(raw.split()))


def test_html_blocks_keep_code_tables_terms_and_drop_permalinks() -> None:
    page = b"""<html><head><title>T</title><meta name="date" content="2020-05-06"></head><body>
    <div class="sphinxsidebar"><a href="x">Show Source</a></div>
    <div role="main"><h1>Guide<a class="headerlink" href="#g">\xc2\xb6</a></h1>
    <p>On Windows, run:</p><div class="highlight"><pre>py -m venv .venv
    <span>  .venv\\Scripts\\activate</span>

output line</pre></div>
    <table><tr><th>JSON</th><th>Python</th></tr><tr><td>object</td><td>dict</td></tr></table>
    <dl class="py function"><dt id="f">f<span>(</span><em>x</em>, <em>y=''</em><span>)</span>
    <a class="headerlink">\xc2\xb6</a></dt>
    <dd><p>Return -1 if x is not found.</p>
      <dl class="py method"><dt>g()</dt><dd><p>Inner method.</p></dd></dl><p>More about f.</p></dd></dl>
    <p>Printed 2010-02-01 in the example.</p></div><footer>Copyright</footer></body></html>"""
    found = extract("html", page)
    cleaned = clean_text(found.text, fmt="html", headings=found.headings, blocks=found.blocks)
    check_blocks(found.text, cleaned)
    blocks = [(cleaned.text[s:e], kind) for s, e, kind in cleaned.blocks]
    assert blocks == [
        ("Guide", "heading"), ("On Windows, run:", "text"),
        ("py -m venv .venv\n      .venv\\Scripts\\activate\n\noutput line", "code"),
        ("JSON | Python", "table row"), ("object | dict", "table row"),
        ("f(x, y='')", "term"), ("Return -1 if x is not found.", "text"),
        ("g()", "term"), ("Inner method.", "text"), ("More about f.", "text"),
        ("Printed 2010-02-01 in the example.", "text")]
    # the method nested in the function's description is read under it; a paragraph after the list of methods
    # is the function's again, and one after the list of functions the guide's
    assert [s.title for s in cleaned.sections] == ["Guide", "f(x, y='')", "f(x, y='') › g()", "f(x, y='')", "Guide"]
    assert (found.title, found.date) == ("Guide", "2020-05-06")


@pytest.mark.parametrize(("paragraph", "titles"), [
    ("<b>Maximum length of a string</b>", True),
    ("<b>(1) How do I create an AUTOINCREMENT field?</b>", True),  # an FAQ's question
    ("<b>PRAGMA optimize;<br>PRAGMA optimize(</b><i>MASK</i><b>);</b>", True),  # a placeholder in italics
    ("<strong>Source code:</strong> <a href='x'>Lib/tomllib</a>", False),  # a label and its value
    ("<b>Note:</b> <i>keep a copy</i>", False),
    ("<b>Never run this as root!</b>", False),  # an exclamation, not a title
    ("<b>Back up first.</b>", False),
    ("<i>A quotation</i>", False),
    ("Plain words and <b>a bold one</b>", False),
])
def test_a_bold_paragraph_titles_what_follows_it(paragraph: str, titles: bool) -> None:
    page = f"<html><body><main><h1>Page</h1><p>{paragraph}</p><p>What it says.</p></main></body></html>"
    cleaned = html_cleaned(page.encode())
    kinds = {cleaned.text[s:e]: kind for s, e, kind in cleaned.blocks}
    assert (kinds["What it says."] == "text") and ((cleaned.sections[-1].title != "Page") is titles), \
        (kinds, [x.title for x in cleaned.sections])


def html_cleaned(page: bytes) -> Cleaned:
    """A web page read and cleaned as the build does it, its blocks checked."""
    found = extract("html", page)
    cleaned = clean_text(found.text, fmt="html", headings=found.headings, blocks=found.blocks)
    check_blocks(found.text, cleaned)
    return cleaned


def test_a_label_term_is_read_under_the_section_it_labels_a_part_of() -> None:
    # javadoc: a method's signature is the term of its description, and its notes are terms ("Returns:",
    # "Throws:") read under it; a term that names something stays a section
    page = b"""<main><h3>strip</h3><div class="member-signature">public String strip()</div>
    <div class="block">Returns a string with white space removed.</div>
    <dl class="notes"><dt>Returns:</dt><dd>a string whose value is this string, stripped</dd>
    <dt>Since:</dt><dd>11</dd></dl>
    <h3>get</h3><div class="block">Returns the value.</div>
    <dl class="notes"><dt>Throws:</dt><dd>NoSuchElementException - if no value is present</dd></dl>
    <dl><dt>git push origin :</dt><dd>Push matching branches.</dd><dt>Type Parameters:</dt><dd>T - the type</dd></dl>
    </main>"""
    cleaned = html_cleaned(page)
    assert section_of(cleaned, "white space removed") == "strip › public String strip()"
    assert section_of(cleaned, "stripped") == "strip › public String strip() › Returns:"
    assert section_of(cleaned, "11") == "strip › public String strip() › Since:"
    assert ("public String strip()", "term") in [(cleaned.text[a:b], kind) for a, b, kind in cleaned.blocks]
    assert section_of(cleaned, "NoSuchElementException") == "get › Throws:"
    assert section_of(cleaned, "Push matching") == "git push origin :"  # a command, not a label
    assert section_of(cleaned, "the type") == "git push origin : › Type Parameters:"
    # the source panel marks each heading line where it is written, labels included
    shown = {cleaned.text[a:b] for a, b in heading_spans(SimpleNamespace(text=cleaned.text, sections=cleaned.sections))}
    assert {"strip", "public String strip()", "Returns:", "Since:", "get", "Throws:", "git push origin :",
            "Type Parameters:"} <= shown


def test_a_heading_the_page_gives_to_many_of_its_parts_is_read_under_the_section_before_it() -> None:
    # rustdoc: each method's "Panics" and "Examples"; a heading the page gives once stays a section of its own
    page = b"""<main><h1>Struct Vec</h1><p>A vector.</p><h2>Examples</h2><pre>let v = Vec::new();</pre>
    <h4>pub fn with_capacity(capacity: usize)</h4><p>Makes a vector.</p><h5>Panics</h5><p>Panics if too large.</p>
    <h5>Examples</h5><pre>Vec::with_capacity(10);</pre><h4>pub fn insert(&amp;mut self, index: usize)</h4>
    <p>Inserts.</p><h5>Panics</h5><p>Panics if index &gt; len.</p><h2>Guarantees</h2><p>None.</p></main>"""
    cleaned = html_cleaned(page)
    assert section_of(cleaned, "let v") == "Struct Vec › Examples"
    assert section_of(cleaned, "Panics if too large") == "pub fn with_capacity(capacity: usize) › Panics"
    assert section_of(cleaned, "Vec::with_capacity(10)") == "pub fn with_capacity(capacity: usize) › Examples"
    assert section_of(cleaned, "Panics if index") == "pub fn insert(&mut self, index: usize) › Panics"
    assert section_of(cleaned, "None.") == "Guarantees"


def test_a_haddock_declaration_is_its_signature_over_its_doc_and_its_links_and_synopsis_are_dropped() -> None:
    # the page's header, its synopsis (every signature again, folded away), a signature's "Source" link and its
    # self-link mark are chrome; a mark that is part of a sentence is not
    page = b"""<body><div id="package-header"><span class="caption">async-2.2.4</span>
    <ul class="links" id="page-menu"><li><a href="src/A.html">Source</a></li></ul></div>
    <div id="content"><div id="synopsis"><details id="syn"><summary>Synopsis</summary>
    <ul class="details-toggle"><li class="src short">wait :: Async a -> IO a</li></ul></details></div>
    <div class="top"><p class="src"><a id="v:wait" class="def">wait</a> :: Async a -&gt; IO a
    <a href="src/A.html#wait" class="link">Source</a> <a href="#v:wait" class="selflink">#</a></p>
    <div class="doc"><p>Wait for an asynchronous action to complete.</p></div></div>
    <ul><li class="src short">A list item of the page's own.</li></ul>
    <p>See <a href="#v:wait">#</a> above.</p></div></body>"""
    found = extract("html", page)
    blocks = [(found.text[s:e], kind) for s, e, kind in found.blocks]
    assert blocks == [("wait :: Async a -> IO a", "term"), ("Wait for an asynchronous action to complete.", "text"),
                      ("A list item of the page's own.", "list item"), ("See # above.", "text")]


def test_a_permalink_beside_its_heading_is_dropped_and_a_link_named_with_a_mark_elsewhere_kept() -> None:
    # rustdoc: the source link and the section mark sit before the heading they point at; "ⓘ" is a button
    # (a pop-up over an example that panics, or beside a signature), not text
    page = ("<main><section id='impl-D'><a class='src rightside' href='../src/d.rs.html'>Source</a>"
            "<a href='#impl-D' class='anchor'>§</a><h3>impl Duration</h3></section>"
            "<div class='example-wrap should_panic'><a href='#' class='tooltip' title='This example panics'>ⓘ</a>"
            "<pre>d.unwrap();</pre></div>"
            "<p>See <a href='#law'>§</a> 5 of the act, and the <a class='src' href='s.html'>source</a> of it.</p>"
            "</main>").encode()
    found = extract("html", page)
    blocks = [(found.text[s:e], kind) for s, e, kind in found.blocks]
    assert blocks == [("impl Duration", "heading"), ("d.unwrap();", "code"),
                      ("See § 5 of the act, and the source of it.", "text")]


def test_html_date_only_from_metadata() -> None:
    page = (b"<html><body><main><h1>Log</h1><p>Started 2005-03-23 12:00.</p><pre>2010-02-01 ok</pre></main>"
            b"</body></html>")
    assert extract("html", page).date is None
    dated = page.replace(b"<main>", b"<main><header><time datetime='2021-07-08'>8 July</time></header>")
    assert extract("html", dated).date == "2021-07-08"


@pytest.mark.parametrize(("fmt", "page"), [
    ("html", b"<main><h1>API</h1><p>All of it.</p><h2>Application</h2><h2>Blueprints</h2><h3>Methods</h3>"
             b"<p>They register.</p><h4>Example</h4><h3>Other</h3><p>More.</p></main>"),
    ("md", b"# API\n\nAll of it.\n\n## Application\n\n## Blueprints\n\n### Methods\n\nThey register.\n\n"
           b"#### Example\n\n### Other\n\nMore.\n"),
])
def test_a_heading_after_an_empty_section_of_its_level_is_not_read_under_it(fmt: str, page: bytes) -> None:
    """Two headings in a row are read as one title when the second is set under the first; one of the same
    level or higher follows an empty section (its content generated elsewhere), and opens a section of its own."""
    found = extract(fmt, page)
    cleaned = clean_text(found.text, fmt=fmt, headings=found.headings, blocks=found.blocks)
    check_sections(cleaned)
    assert [s.title for s in cleaned.sections] == ["API", "Application", "Blueprints › Methods", "Example", "Other"]
    assert {kind for _, _, kind in cleaned.blocks} == {"heading", "text"}


def test_html_elements_left_open_end_where_a_browser_ends_them() -> None:
    """Hand-written pages (and Javadoc's comments) leave ``<dt>``, ``<dd>``, ``<tr>``, ``<td>`` and ``<li>``
    unclosed: each ends where the next one starts."""
    page = (b"<main><h1>Numbers</h1><dl><dt><i>Separator</i><dd>The character between groups.<dt>Sign<dd>"
            b"The sign.</dl><table><tr><td>a<td>1<tr><td>b<td>2</table><ul><li>one<li>two</ul></main>")
    found = extract("html", page)
    cleaned = clean_text(found.text, fmt="html", headings=found.headings, blocks=found.blocks)
    assert [(cleaned.text[s:e], kind) for s, e, kind in cleaned.blocks] == [
        ("Numbers", "heading"), ("Separator", "term"), ("The character between groups.", "text"), ("Sign", "term"),
        ("The sign.", "text"), ("a | 1", "table row"), ("b | 2", "table row"), ("one", "list item"),
        ("two", "list item")]
    assert section_of(cleaned, "The sign.") == "Sign"


def test_markdown_links_and_bold_show_their_words_only() -> None:
    raw = "Read [the guide](guide.md) **first**; see ![the logo](l.png).\n\n```\n[kept](as code)\n```"
    cleaned = clean_text(raw, fmt="md")
    assert cleaned.text == "Read the guide first; see the logo.\n\n[kept](as code)"
    check_blocks(raw, cleaned)


def test_markdown_superscript_reads_raised_off_the_word_before_it() -> None:
    """A site raises "31" in "2<sup>31</sup>-1": read as plain text it would say 231-1."""
    raw = ("Up to 2<sup>31</sup>-1 rows, the 1<sup>st</sup> one, x <sup>2</sup> and BETWEEN<sup>5</sup>; "
           "see<sup>[7]</sup>.\n")
    cleaned = clean_text(raw, fmt="md")
    check_blocks(raw, cleaned)
    assert cleaned.text == "Up to 2^31-1 rows, the 1st one, x 2 and BETWEEN^5; see[7]."


def test_markdown_entities_brackets_and_parenthesised_addresses_show_as_rendered() -> None:
    raw = ("* [`From<(T,)>` for arrays](https://doc/x.html#impl-From%3C(T,)%3E-for-(A,)) and "
           "[Warn about #[repr] hints][1].\n* The thread is \"&lt;main&gt;\" &amp; ©: [![CI](b.svg)](https://ci).\n\n"
           "```\n&lt;kept&gt;\n```\n\n[1]: https://x/1\n")
    cleaned = clean_text(raw, fmt="md")
    check_blocks(raw, cleaned)
    assert cleaned.text == ("From<(T,)> for arrays and Warn about #[repr] hints.\n\n"
                            "The thread is \"<main>\" & ©: CI.\n\n&lt;kept&gt;")


def test_markdown_blocks_keep_code_and_drop_markup_marks() -> None:
    raw = ("# Setup\n\nInstall it:\n\n```sh\npip install qa\n\n  qa build\n```\n\n- first *item*\n- second\n\n"
           "> quoted\n> text\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n    indented code\n")
    cleaned = clean_text(raw, fmt="md")
    check_blocks(raw, cleaned)
    assert [(cleaned.text[s:e], kind) for s, e, kind in cleaned.blocks] == [
        ("Setup", "heading"), ("Install it:", "text"), ("pip install qa\n\n  qa build", "code"),
        ("first item", "list item"), ("second", "list item"), ("quoted text", "text"),
        ("| a | b |", "table row"), ("| 1 | 2 |", "table row"), ("indented code", "code")]
    assert markdown_blocks(raw) == extract("md", raw.encode()).blocks


def test_markdown_code_in_a_list_item_loses_the_item_indentation_and_keeps_its_own() -> None:
    raw = ("1. Compare two versions of `abbrev`:\n\n    ```bash\n    npm diff --diff=a@1 \\\n      --diff=a@2\n"
           "    ```\n\n2. Or run ``npm `view` ``, [the `docs`](d.md), `**not bold**`, *so* _very_ snake_case *.js.\n")
    cleaned = clean_text(raw, fmt="md")
    check_blocks(raw, cleaned)
    assert cleaned.text.split("\n\n") == [
        "Compare two versions of abbrev:", "npm diff --diff=a@1 \\\n  --diff=a@2",
        "Or run npm `view` , the docs, **not bold**, so very snake_case *.js."]


def test_mkdocs_admonitions_and_tabs_are_their_title_over_markdown_not_code() -> None:
    """Python-Markdown's admonitions ("!!! tip"), collapsible blocks ("???") and content tabs ('=== "Linux"'), as
    MkDocs sites write them: a site shows a box with its title over the Markdown indented under it, which
    CommonMark alone would show as code. A title that says what the note is about heads it, as a term heads its
    description, and what follows the note is read under the section around it again. A marker line with nothing
    indented under it stays the page's text, and an attribute list after a link or ending a heading
    ("{.internal-link}", "{: #notes }") is markup a site hides."""
    raw = ('# Notes {: #notes }\n\n'
           '!!! tip "Technical Details"\n    Use ***CLI arguments*** for **required** values:\n\n'
           '    - one\n\n    ```sh\n    run --fast\n      --x\n    ```\n\n'
           '    !!! warning\n        Inner text.\n\n'
           '=== "Linux"\n\n    Install with `apt`.\n\nSee [the CLI](cli.md){.internal-link target=_blank}.\n\n'
           '!!! note\nNot an admonition.\n')
    found = extract("md", raw.encode())
    cleaned = clean_text(found.text, fmt="md", headings=found.headings, blocks=found.blocks)
    check_blocks(found.text, cleaned)
    assert [(cleaned.text[s:e], kind) for s, e, kind in cleaned.blocks] == [
        ("Notes", "heading"), ("Technical Details", "term"), ("Use CLI arguments for required values:", "text"),
        ("one", "list item"), ("run --fast\n  --x", "code"), ("warning", "text"), ("Inner text.", "text"),
        ("Linux", "text"), ("Install with apt.", "text"), ("See the CLI.", "text"),
        ("!!! note Not an admonition.", "text")]
    titles = [next(s.title for s in cleaned.sections if s.start <= cleaned.text.index(t) < s.end)
              for t in ("Inner text.", "Install with apt.")]
    assert titles == ["Notes › Technical Details", "Notes"]


@pytest.mark.parametrize("raw", ["```", "Run:\n\n```", "Run:\n```sh"])
def test_a_markdown_fence_on_the_last_line_opens_nothing(raw: str) -> None:
    assert clean_text(raw, fmt="md").text == raw.split("\n")[0].strip("`")


def test_markdown_links_and_code_spans_may_go_on_over_a_line_break() -> None:
    raw = "See [Catching undeclared\nphantom dependencies](/dev#catching) and `npm\nfund`, then *run\nit*."
    cleaned = clean_text(raw, fmt="md")
    check_blocks(raw, cleaned)
    assert cleaned.text == "See Catching undeclared phantom dependencies and npm fund, then run it."


def test_markdown_html_shows_its_text_only() -> None:
    raw = ("<!-- YAML\nadded: v0.1\n-->\n\nSee [the `#[test]` attribute](x.md), [a guide][g] and <a id=\"x\"></a>"
           "<b>this</b>, not `<b>` or npm <package-spec>.\n\n"
           "<table><tr><td>Indicates</td><td>a pipe</td></tr></table>\n\n"
           "_**Revert**_ [RFC 1358], not [RFC 9] or [x]: _\"node\\_modules\"_, __z__\n\n"
           "[![Build](b.svg)](ci) by <a@b.org>\n\n[g]: https://example.com/guide\n[rfc  1358]: https://r\n")
    cleaned = clean_text(raw, fmt="md")
    check_blocks(raw, cleaned)
    assert cleaned.text.split("\n\n") == [
        "See the #[test] attribute, a guide and this, not <b> or npm <package-spec>.", "Indicates a pipe",
        'Revert RFC 1358, not [RFC 9] or [x]: "node_modules", z', "Build by a@b.org"]


def test_a_markdown_pre_block_keeps_its_lines() -> None:
    raw = ("## Notice\n<pre>\nCopyright 2004 W3C,\n  All Rights Reserved.\n\nThe bindings are published.\n</pre>\n"
           "\nAfter.")
    cleaned = clean_text(raw, fmt="md")
    check_blocks(raw, cleaned)
    assert [(cleaned.text[s:e], kind) for s, e, kind in cleaned.blocks] == [
        ("Notice", "heading"), ("Copyright 2004 W3C,\n  All Rights Reserved.\n\nThe bindings are published.", "code"),
        ("After.", "text")]


def test_markdown_autolinks_escapes_and_marks_in_code_show_as_a_site_shows_them() -> None:
    raw = 'Go to <https://example.com/a>, write "\\*" or `*`, `**/*` and \\[x\\], not `\\*`.'
    cleaned = clean_text(raw, fmt="md")
    check_blocks(raw, cleaned)
    assert cleaned.text == 'Go to https://example.com/a, write "*" or *, **/* and [x], not \\*.'


def test_a_markdown_line_break_is_a_space_before_a_code_span_or_a_path() -> None:
    # a soft line break shows as a space: nothing that starts the next line is glued to the word before it
    raw = "Save the credentials to the\n`.npmrc` file, run it in both ./a and\n./b, or tag it using\n`-s`."
    cleaned = clean_text(raw, fmt="md")
    check_blocks(raw, cleaned)
    assert cleaned.text == "Save the credentials to the .npmrc file, run it in both ./a and ./b, or tag it using -s."


@settings(max_examples=100, deadline=None)
@given(st.lists(st.tuples(st.text(st.characters(codec="utf-8", exclude_characters="\x00"), max_size=60),
                          st.sampled_from(BLOCK_KINDS)), max_size=12))
# a path that names one heading twice ("0 › Aa › 0 › Aa")
@example([("0", "heading"), ("Aa", "heading"), ("0", "heading"), ("0", "text"), ("Aa", "heading")])
def test_any_blocks_keep_the_invariants(blocks: list[tuple[str, str]]) -> None:
    found = from_blocks(blocks)
    cleaned = clean_text(found.text, fmt="html", headings=found.headings, blocks=found.blocks)
    check_blocks(found.text, cleaned)
    assert cleaned.removals == ()
    assert _visible(found.text) == _visible(cleaned.text)  # only whitespace and invisible characters change


@settings(max_examples=100, deadline=None)
@given(st.text(st.sampled_from("#*->|` \n\tab1.:"), max_size=120))
def test_any_markdown_keeps_the_invariants(raw: str) -> None:
    check_blocks(raw, clean_text(raw, fmt="md"))


@settings(max_examples=200, deadline=None)
@given(st.text())
def test_any_text_read_as_markdown_keeps_the_invariants(raw: str) -> None:
    check_blocks(raw, clean_text(raw, fmt="md"))


MKDOCS = b"""<html><head><title>Install - Tool docs</title></head><body>
<header class="md-header"><nav>Tool docs <a href="/">Home</a></nav></header>
<div class="md-sidebar md-sidebar--primary"><nav class="md-nav"><a href="a">Getting started</a></nav></div>
<main class="md-main"><div class="md-content"><article class="md-content__inner md-typeset">
<h1 id="install">Install<a class="headerlink" href="#install" title="Permanent link">&para;</a></h1>
<p>Install the tool with pip:</p><div class="highlight"><pre><span></span><code>pip install tool
</code></pre></div>
<div class="admonition note"><p class="admonition-title">Note</p><p>It needs Python 3.10.</p></div>
</article></div></main><footer class="md-footer">Made with Material</footer></body></html>"""

DOCUSAURUS = b"""<html><head><title>Config | Tool</title><meta property="og:site_name" content="Tool"></head><body>
<nav class="navbar">Tool Docs Blog</nav><div class="main-wrapper"><aside class="theme-doc-sidebar-container">
<a href="/docs/a">Intro</a></aside><main><div class="row"><div class="col"><article>
<div class="theme-doc-markdown markdown"><header><h1>Config</h1></header>
<h2 class="anchor" id="file">The file<a href="#file" class="hash-link" aria-label="Direct link">\xe2\x80\x8b</a></h2>
<p>Put settings in <code>tool.toml</code>.</p><ul><li>one setting a line</li></ul></div>
<nav class="pagination-nav"><a href="/next">Next</a></nav></article></div>
<div class="col col--3"><div class="tableOfContents">The file</div></div></div></main></div>
<footer class="footer">Copyright 2024</footer></body></html>"""

HANDMADE = b"""<html><head><title>Notes</title></head><body><div id="menu"><a href="/">home</a></div>
<h1>Notes</h1><h2>Backups <a href="#backups">#</a></h2><p>Run the backup nightly.</p>
<pre>  rsync -a src/ dst/</pre></body></html>"""


@pytest.mark.parametrize(("page", "blocks"), [
    (MKDOCS, [("Install", "heading"), ("Install the tool with pip:", "text"), ("pip install tool", "code"),
              ("Note: It needs Python 3.10.", "text")]),
    (DOCUSAURUS, [("Config", "heading"), ("The file", "heading"), ("Put settings in tool.toml.", "text"),
                  ("one setting a line", "list item")]),
    (HANDMADE, [("Notes", "heading"), ("Backups", "heading"), ("Run the backup nightly.", "text"),
                ("  rsync -a src/ dst/", "code")]),
])
def test_main_content_of_other_generators(page: bytes, blocks: list[tuple[str, str]]) -> None:
    found = extract("html", page)
    assert [(found.text[s:e], kind) for s, e, kind in found.blocks or ()] == blocks
