"""The benchmark's figures as Markdown tables and a short terminal summary."""
from __future__ import annotations

from typing import Any


def _pct(x: float | None) -> str:
    return "–" if x is None else f"{100 * x:.1f}%"


def _frac(n: int, d: int) -> str:
    return f"{n}/{d} ({n / d:.2f})" if d else "–"


def rows(r: dict[str, Any]) -> list[tuple[str, str]]:
    b, a, i = r["build"], r["answers"], r["integrity"]
    sigs = "–" if not i["signatures"] else f"{i['signatures_truncated']} of {i['signatures']}"
    return [
        ("Pages (source size)",
         f"{b['pages']} ({b['source_mib']} MiB); indexed {b['documents']}, skipped {b['skipped']}"),
        ("Build time: wall (CPU, 1-min load average after)",
         f"{b['build_s']} s ({b.get('build_cpu_s', '–')} s, {b.get('load_avg_1min', '–')})"),
        ("Chunks / texts embedded", f"{b['chunks']} / {b['texts_embedded']}"),
        ("hit@1 (answerable)", _frac(a["hit@1"], a["answerable"])),
        ("hit@3 (answerable)", _frac(a["hit@3"], a["answerable"])),
        ("hit@1 / hit@3 as judged by a reader (quotes unjudged)",
         f"{_frac(a['judged_hit@1'], a['answerable'])} / {_frac(a['judged_hit@3'], a['answerable'])} "
         f"({a['unjudged']})" if "judged_hit@1" in a else "–"),
        ("Abstained on answerable", _frac(a["abstained_answerable"], a["answerable"])),
        ("Abstained on unanswerable", _frac(a["abstained_unanswerable"], a["unanswerable"])),
        ("Mean confidence: answerable / hits@1 / unanswerable",
         f"{a['confidence_answerable']} / {a['confidence_hits']} / {a['confidence_unanswerable']}"),
        ("Quotes failing qa.verify or doc_text[start:end]", str(a["quotes_failing_verify"])),
        ("Median ask time", f"{a['median_ask_s']} s"),
        ("Headings kept", f"{_pct(i['headings_kept'])} of {i['headings']}"),
        ("Body words missing", f"{_pct(i['body_words_missing'])} of {i['body_words']}"),
        ("API signatures truncated", sigs),
        ("Code blocks with every line kept",
         f"{_pct(i['code_blocks_kept'])} of {i['code_blocks']}" if i["code_blocks"] else "–"),
        ("Duplicated text (long paragraphs repeated)", _pct(i["duplicated_text"])),
        ("Permalink marks (¶) left in the cleaned text", str(i["permalink_marks"])),
        ("Words of the cleaned text the page does not show",
         f"{i['made_up_words']} of {i['cleaned_words']}" if "made_up_words" in i else "–"),
        ("Expected substrings absent from every page (should be 0)", str(len(i["expects_not_in_pages"]))),
    ]


PREAMBLE = r"""# Real documentation benchmarks

Answers and text integrity on six documentation sets (and two more outside the default run) that nobody on
the project wrote, assembled offline from installed packages (and, for npm and flask, their package registries) by
`benchmarks/bench_realdocs.py` (the corpora are never committed):

- **python**: Python 3.11 documentation, Sphinx HTML: tutorial, FAQ, 8 HOWTOs, 35 library pages; 69 pages
  (`--pages all`: 106). Needs `apt-get install python3-doc`.
- **postgres**: PostgreSQL 15 manual, DocBook HTML: tutorial, SQL commands, data types, functions, client
  programs, indexes, authentication; 60 pages. Needs `apt-get install postgresql-doc-15`.
- **git**: Git 2.39 manual pages and tutorials, AsciiDoc HTML: the everyday commands, gitignore,
  gitrevisions, gitglossary, gitcredentials; 43 pages. Needs `apt-get install git-doc`.
- **npm**: npm 11.19.1 CLI documentation (`docs/content` of the npm package), Markdown; 91 pages.
  Needs Node.js's `npm` and the npm registry (`npm pack npm@11.19.1`, into the work folder).
- **flask**: Flask 3.1.3's documentation sources (`docs/` of its source distribution), reStructuredText with
  Sphinx's roles and directives; 76 pages. Needs the Python package registry (`pip download --no-binary :all:
  --no-deps flask==3.1.3`, into the work folder). Its questions were written after the reStructuredText reader
  and the ranker were done (each `expect` then looked up in the page sources), and nothing was fitted or
  chosen on them: it has no training file.
- **pdf**: two PDF manuals Debian ships, typeset by two tool chains: libtasn1 4.19's manual (Texinfo and
  TeX, 36 pages; `apt-get install libtasn1-doc`) and the Shared MIME-info Database specification 0.21 (DocBook
  and FOP, 17 pages; `apt-get install shared-mime-info`). Its 38 answerable and 10 unanswerable questions were
  written from the two texts after the PDF layout reader was done and before any answer was looked at; it
  has no training file.
- **sqlite** (not in the default run: `--sets sqlite`): SQLite 3.40's own hand-written HTML, 46 pages of its
  SQL reference, pragmas, functions, datatypes, WAL, JSON, FTS5, locking, the command-line shell and the FAQ.
  Needs `apt-get install sqlite3-doc`. Its 30 answerable and 10 unanswerable questions were written from the
  pages by a writer who never saw an answer of qa's, after the reading of such pages (a title line, a page's
  own table of contents, bold titles over paragraphs) was done; nothing was fitted or chosen on them: it has
  no training file.
- **node** (not in the default run: `--sets node`): Node.js 20's API reference as its own generator writes it
  (HTML with version stamps, parameter lists, a History table per entry and each example in two flavours), 12
  modules (path, events, child_process, os, timers, readline, url, util, fs, process, buffer, http) from
  `/usr/share/doc/nodejs/api` (NodeSource's `nodejs` 20 package installs them; Debian's `nodejs-doc` holds
  Node.js 18, whose wording may differ). Its 30 answerable and 10 unanswerable questions were written from the
  pages before any of them was asked; `node-train.jsonl` (32 answerable, 8 unanswerable, written after the
  first run) is for fitting only.

The page lists are fixed in `benchmarks/realdocs/sets.py`. Questions are in `benchmarks/realdocs/<set>.jsonl`,
written by hand before any answer was looked at: per set 32 (postgres: 33, pdf: 38) answerable questions, each with the
exact substring a correct quote holds (`expect`; checked against the page text by the script), and 10
on-topic questions the set does not answer (`unanswerable`; `probe` lists terms looked up in the pages
while writing them; where one occurs, the page was read to confirm that it does not answer).

Training questions, never scored: `benchmarks/realdocs/<set>-train.jsonl` (59–66 answerable and 5–6
unanswerable per set, none of them a scored question) for fitting the ranker on documentation with
`python -m qa train-verifier --docs <set>-train.jsonl=DIR/<set>/index ...`; what that refit does is in
`docs/experiments.md`. Where a training how-to question's answer is also a command or a code example on
the page, its `also` lists that code: the units with code that a boost for code would put first
(`code_procedure` up to 4) were read, and the 46 that answer their question were added (the others were
left wrong); `node-train.jsonl`'s lists the quotes a reader judged right, blind, among those the weights tried
for `api_procedure` put in the first three (32 on 18 questions). `options-train.jsonl` (40 questions asking what
an option of a git command does, over the git set's pages other than those `benchmarks/bench_api_probes.py`
asks about; `expect` is the option's own description) goes with the git set's index. The `code_procedure`
weight and the other documentation-only weights are fitted on these questions alone (`python -m qa train-verifier
--fit-docs-weights`, `qa/answering/verifier_model/README.md`).

How the figures are computed:

- **hit@1 / hit@3**: the first quote / one of the first three quotes contains `expect` (whitespace collapsed).
- **Judged**: hit@1 and hit@3 as a reader judged the quotes (`benchmarks/realdocs/judgments.jsonl`; the rule
  and the way to add judgments are in `benchmarks/realdocs/judged.py`). A quote can answer in other words
  than `expect` ("BEGIN — start a transaction block"), or hold `expect` in passing without answering ("NULL
  arguments are ignored.", asked which function ignores them). The reader saw each question with its quote,
  page and section, never `expect`, in random order across sets. A judgment holds for its quote's text under
  its section: a quote cited under another section is judged again. A quote with no judgment counts as right
  only if it holds `expect`; the number of quotes that hold no `expect` and have no judgment is shown. The 666
  quotes of the two runs judged below were judged once each. Two checks on the reader: 60 of them, judged
  again by a second reader who did not see the first verdicts, got the same verdict all 60 times; of the 161
  that hold `expect` (mixed in unmarked), the reader said 153 answer. The judgments came after the answers,
  so hit@1 and hit@3 by `expect` stay the benchmark's measure; the judged figures say how far it
  undercounts.
- **Abstained**: the answer is an abstention. On unanswerable questions abstaining is right.
- **Confidence**: mean `Answer.confidence` on answerable questions, on hits@1, on unanswerable questions.
- **Quotes failing qa.verify**: every quote and related passage is checked with `qa.verify` and
  `doc.text[start:end] == quote.text`.
- **Integrity** compares qa's cleaned text (`Index.documents[source].text`) with an independent reading of
  each page: BeautifulSoup (lxml) on Sphinx's `div[role=main]`, DocBook's and AsciiDoc's body without their
  navigation and footer, SQLite's body without its menus, search form, folding table of contents and the
  labels of its syntax diagrams (drawings, SVG), the HTML markdown-it-py renders from the Markdown, and the HTML
  docutils alone renders from the reStructuredText (a Sphinx role read as Sphinx shows it). Headings kept: h1-h6
  text without permalink marks, found whole. Body words missing: word occurrences of the reference missing from
  the cleaned text (multiset difference). Signatures truncated: Sphinx `dt.sig` text not found whole. Code blocks: `pre`
  blocks whose every non-blank line is a line of the cleaned text (indentation included). Duplicated
  text: characters in repeats of paragraphs (or sentences, where paragraphs are glued) of 80+ characters.
  A PDF's reference is pypdf's text of its pages, less the running heads, page numbers and lines of a table of
  contents or an index that qa's reader leaves out (found by the reader's own rules), and its headings are the
  titles of the PDF's outline (bookmarks), counted as kept only where one of qa's section titles holds them; a
  PDF has no independent record of its code blocks, so none are counted. Words the page does not show: the
  other way round, whitespace-separated words of the cleaned text found nowhere in the reference (for
  reStructuredText, nor in its source, as docutils alone leaves out what Sphinx's own directives hold): two
  words glued into one, or markup left in. Flask's are words as Sphinx renders its directives, which neither
  holds as written: a version note's "Added in version 0.8.", a name with the punctuation after its markup
  ("SESSION_COOKIE_PATH,"). The " | " between a table row's cells and the ":" after a note's title (which
  Sphinx's stylesheet adds) are not counted.
- **Build**: `qa.build_index(full=True)` wall time on this machine (2 shared cores), chunks, and texts embedded
  (chunks + sentences).

Run it (about 45 minutes on 2 shared cores, builds one at a time; `--sets` picks sets):

    .venv/bin/python benchmarks/bench_realdocs.py --markdown docs/realdocs.md --json results.json --label "WHAT"

`--work DIR --reuse` keeps the corpora and indexes in DIR, so a second run with the same `qa` code only asks.
`--saved-as-pdf` reads the web-page sets (python, postgres, git) as Chromium saves each page as PDF (sets
`python-pdf`, ...; the same questions, the pages themselves as the integrity reference).
Per-question results of each run since the baseline: `benchmarks/realdocs/results/*.json`.

Why a question misses: `.venv/bin/python benchmarks/realdocs/misses.py --work DIR` reads the indexes of a `--work`
folder and classes each answerable question whose first quote misses as *abstained*, *ranking* (a candidate
quote unit, or the 2nd or 3rd quote, holds the expected substring), *boundary* (a candidate overlaps it but
none holds it whole) or *recall* (no candidate comes near it). `--reuse-any-code` (with `--reuse`) asks on
indexes built by an earlier `qa`, for changes that only touch answering.

Which answers say that two sources disagree: `.venv/bin/python benchmarks/realdocs/flags.py --work DIR` asks every
scored and training question of the sets (526) and prints each flagged answer with its note and its quotes'
sections, to be read by hand. At b327ed6: 2 flagged (npm's "no leading dots" against "can begin with a dot", and
npm's type field against its `init-type` setting); 3 before it, the third two git settings' defaults
(docs/experiments.md, "Numbers under two code names are about two things").

Whole manuals, without questions or an index: `.venv/bin/python benchmarks/realdocs/scan.py FORMAT PAGE...` reads
and cleans every page given and counts the words the pages do not show and the headings not found, with the
same reference. On this machine's installed documentation, before and after the changes of the run labelled
c78b337 and those after it (the code at dae2ed0, then at 055eda0):

| pages | words of cleaned text | not shown by the page, before → after |
|---|---|---|
| PostgreSQL 15's whole manual (DocBook, 1,169 pages) | 1,028,948 | 675 → 44 |
| Git's HTML documentation (AsciiDoc, 206 pages) | 468,047 | 0 → 0 |
| Python 3.11's HTML documentation (Sphinx, 530 pages) | 1,466,025 | 0 → 0 |
| Markdown files over 2 kB on the machine (347: Node.js's API and changelogs, READMEs) | 1,437,546 | 107,750 → 233 |
| reStructuredText files over 2 kB (400: Python's email package, the AWS CLI's examples) | 148,305 | 18 → 0 |
| rustdoc pages of Rust's `std::collections` (10) | 40,120 | 385 → 5 |
| manual pages, the first 300 of `/usr/share/man/man1` (roff) | 367,492 | 547 → 529 |
| Info manuals of `/usr/share/info` (19 read; 2 more are tables of split manuals) | 2,086,477 | 9 → 9 |
| libxslt's hand-written HTML (34 pages; 3 unread before, 1 after) | 18,251 → 27,469 | 53 → 9 |
| Valgrind's manual (DocBook HTML, 40 pages) | 148,023 | 0 → 0 |

Before, Markdown kept HTML comments (Node.js's YAML history), HTML tags, the brackets and targets of reference
links, of links around images and of links whose text holds a code span, email autolinks' brackets, and the
backslash of escaped marks (with the emphasis that paired with them); a line break before a code span or a
path glued it to the word before ("the.npmrc"). DocBook's terms of one entry ("SUPERUSER<br>NOSUPERUSER")
and rustdoc's where clause were glued to the word before them. docutils' own "Docutils System Messages"
heading ended reStructuredText pages that had a broken link. A tbl text block after another on its line
("T}<tab>T{") left "T{" in a manual page's table. A web page that declares its charset (Latin-1) was refused,
and two headings in one layout-table cell were glued. What is left: in PostgreSQL, hashes and keywords
that the page breaks with invisible marks; in Markdown, an image's alternative text (which the reference does not
read) and HTML that a site's theme would render; in manual pages, the quotes pod2man puts around code on a
terminal only, and roff's `` and '' quotes, which groff draws as curly ones; in libxslt, names in a Latin-1 page
that the reference, reading every page as UTF-8, garbles.

Manual pages since then (at de3101f): an escape ends a request's name, so `.el\{\` is read as the else of an
`.ie` with its block. pod2man's preamble defines its quote strings for a terminal in `.ie n \{\` and for a
typesetter in `.el\{\`; both ran, and the second won, so pages showed ``librarian'' where a terminal shows
"librarian" (the `` and '' quotes named above as what is left). And mdoc's predefined strings (`\*[Lt]`,
`\*[Gt]`, `\*[Le]`, its quotes, ...) are read as a terminal shows them: dash(1)'s "[n]>> file" had lost its
">>". Words not shown by the page, at ed996f9 → de3101f: the first 300 pages of `/usr/share/man/man1`, 453 → 66
(63 at b580423, where the bar between alternatives in an mdoc `.Fl` line stopped being read as a flag) (of
365,493 → 365,507 words; the 529 above was measured at 055eda0); every 20th page of it (895 pages, 410,087
words), 455 → 42. What is left was not examined word by word; among it, a page whose own source starts a line
with `\.B`, which groff reads as a request.

Web pages since then (at db765ea): a table row whose cells hold a table or a heading lays a page out, and is read
as the page it holds, block by block, with table cells ending blocks. libxslt's API pages put their menus and
their whole content in such a table, and each was one glued "table row" ("cur:source node being executednode:data
node ..."). All of libxslt1-dev's HTML (97 pages, 75,405 → 76,639 words): 744 → 11 words not shown (what is left
is the Latin-1 names above). Node.js's HTML API reference (66 pages, 794,258 words): 0 not shown, and its 8,571
headings all found once the reference, like qa, drops the "#" link each heading carries to itself (it counted
8,568 as lost). PostgreSQL's whole manual (44), Python's (0) and Git's HTML (242 pages, 520,793 words: 0) are
unchanged, as are the six sets' figures below.

And (at 89a2dc1) a permalink mark beside its heading is dropped as one inside it is: rustdoc puts "§" before
each impl's heading, after its "Source" link, and qa showed "Source§". The reference now reads a heading with
a block inside it (rustdoc's where clause) as a browser lays it out and leaves buttons ("Copy item path") out.
Rust's `std::collections` (10 pages): words not shown 5 → 6 of 40,058, headings not found 785 → 0 (all of them
the reference's); every 60th page of `std` (41 pages, 37,941 words): 1,281 → 3, headings not found 0.

Markdown since then (at d4a3ba4): entity and character references are shown as their characters outside code
("&lt;main&gt;" is "<main>"), a link's address may hold balanced parentheses and its text balanced brackets. Every
Markdown file over 2 kB on the machine (401 now, the Rust toolchains' release notes among them): 298 → 245 words
not shown, of 1,504,400. And a backtick in a link's text is read as a code span's or as a lone one, no longer both
ways: an unclosed "[" followed by 40 code spans on one line took 44 s to clean, each further span doubling it,
in the building process, which has no time limit.

mdoc since then (at 656a5de): an item's head continued over several lines by `.Xo` ... `.Xc` is read line by
line, as mandoc reads it: an `.Op` closes at the end of its line, `.Sm off` between the lines joins their words,
and a text line is part of the head. dash(1)'s "ulimit [-H | -S [-a | -tfdscmlpnvwr [value]]]" is "ulimit [-H |
-S] [-a | -tfdscmlpnvwr [value]]", ssh(1)'s "-D -Sm -off [bind_address:] port" is "-D [bind_address:]port". A
header named in running text (`.In`) shows as "<sys/stat.h>", not as a synopsis's "#include <sys/stat.h>". All
81 mdoc pages of the machine: 316 → 242 words not shown, of 129,955 → 129,812. What is left there is mostly
words that groff hyphenates at a line end.

reStructuredText since then (at 3281042), read on CMake's whole reference (cmake-data's 1,894 `.rst` pages,
written for Sphinx with CMake's own domain): a version note (`versionadded`, `versionchanged`, `deprecated`) was
one paragraph, its content joined into it, so a list under "Added in version 3.4: If set, the following variables
are passed ..." read "* CMAKE_CUDA_RUNTIME_LIBRARY * CMAKE_ENABLE_EXPORTS ...". As Sphinx writes it, the label
now opens the first paragraph and the lists and paragraphs after it stay blocks of their own. `.. program::`
(which only names the program of the options after it) was shown as written, as an unknown directive is; it
shows nothing now. And a role's target after a space may hold angle brackets, as CMake's do:
":variable:`CMAKE_ASM<DIALECT>_COMPILER <CMAKE_<LANG>_COMPILER>`" shows its title, "CMAKE_ASM<DIALECT>_COMPILER",
not the whole text. The reference (plain docutils, with Sphinx's roles read by a pattern) read a role's target
from the HTML, where its brackets are written `&lt;` and `&gt;`, and so kept targets it should have dropped; it
now reads them as written there. Words not shown, before → after the reference's fix → after the reader's:
CMake 2,632 → 2,489 → 2,461 (of 285,555 → 285,328 words; 2,273 of those left are the version labels
"Added in version 3.4:", which Sphinx writes and plain docutils does not), the flask set's pages 125 → 111 → 111,
the rst pages of the Google Cloud SDK (258) 111 → 74 → 74. The flask set's quotes are the same texts, and its
figures are unchanged.

Other generators, read end to end the same way (at 5d08d1a, no reader change needed): Javadoc (every 40th page of
OpenJDK 17's API reference, `openjdk-17-doc`, 124 pages, 160,660 words), 0 words not shown and no heading lost;
Doxygen (its own manual, `doxygen-doc`, 359 pages, and JsonCpp's API reference, `libjsoncpp-doc`, 156 pages), 3 and
8: comment marks the page writes with an invisible joiner inside (`*&zwj;/`), which qa drops and the reference
keeps, and one "¶" in a sentence; gtk-doc (GLib's reference,
`libglib2.0-doc`, 385 pages, 635,205 words), 0; valgrind's DocBook manual (40 pages), 0; MkDocs's own site (23
pages), 3, one of them the page's own "¶" in a sentence; the Rust toolchain's mdBook books (cargo, rustc, the
reference, the nomicon, the edition guide, the embedded book, rustdoc's and the style guide; every 5th page of
Rust by Example and of the error codes: 987 pages, 612,077 words), 14; every Info manual of the machine (25
files, 2.20 million words), 9, rules of dashes. The headings not found are the sites' own chrome ("Keyboard
shortcuts", "Table of Contents", "Search"), rightly left out.

Sphinx in other themes (after 4229347): Debian's Sphinx documentation of Python packages, read with the same
reference as the python set (`scan.py sphinx`): cookiecutter (the Read the Docs theme, 49 pages), attrs (Read the
Docs, 15), GitPython (Read the Docs, 6), Celery (its own theme, 216 pages, 176,877 words), Black (alabaster, 30),
Beautiful Soup (classic, 5) and every third page of Groonga's manual (the PyData theme, 98 pages, 103,721 words):
0 words not shown and 0 headings not found, but for cookiecutter's 69. Sphinx's viewcode extension puts a
"[source]" link after each signature of an API reference, to the highlighted module, and qa read it as part of
the signature: "class cookiecutter.environment.StrictEnvironment(**kwargs)[source]" was a section title. The
link is navigation, as "Show Source" is, and is dropped now (69 → 0; Celery's 127 pages with such links were
read after the change). A cookiecutter page is in the integrity tests (`scripts/setup.sh --test` installs
python-cookiecutter-doc). Typer's MkDocs Material site (61 pages, `scan.py body`): 2 words, an emoji ("🤷‍♂")
whose zero-width joiner qa dropped, showing two emoji where the page shows one. The zero-width non-joiner and
joiner change how letters join (Persian, the Indic scripts) and which emoji shows, so cleaning keeps them now and
drops only what shows nothing (a zero-width space, a word joiner, a soft hyphen, a byte-order mark): Typer's site
2 → 0 words not shown, JsonCpp's reference (156 pages; the comment marks above) 8 → 0. Neither the default
corpus nor SQuAD holds a joiner.

Javadoc lays each method out as a heading ("strip"), its description, and then notes, each a term: "Returns:",
"Parameters:", "Throws:", "Since:". A term opened a section of its own, so a quote cited "section Returns:", which
says neither whose return it is nor what the section is about, and the sentence was embedded under "Returns:" alone.
A term that only labels a part of a section (a few capitalised words and a colon) is now read under that section's
title: "strip › Returns:", "get › Throws:". On eight of OpenJDK's pages (String, HashMap, ArrayList, Optional,
Thread, File, Collections, List of `java.base`) and ten questions written for them before either version answered
them (`benchmarks/realdocs/javadoc-probe.jsonl`), hit@1 went from 4 to 6 (and hit@3 from 7 to 8). Twelve more
questions on ten other pages (TreeMap, Integer, StringBuilder, ConcurrentHashMap, Files, LocalDate, Arrays, Math,
Objects, Scanner; `benchmarks/realdocs/javadoc-probe2.jsonl`), written before any version answered them: hit@1 5 →
10, hit@3 10 → 12. The six sets are unchanged (only python's `re` page has such terms, "For Unicode (str) patterns:",
and every quote and confidence of the python set is the same).

Javadoc's member signature (`div.member-signature`, "public boolean isBlank()"; `memberSignature` and
`methodSignature` in older JDKs) was read as a sentence of text, and quoted as the answer to "What does
String.isBlank return?", "What does Collections.emptyList return?" and "What does StringBuilder.reverse do?". It is
now the term over its member's description, as Sphinx's and Doxygen's signatures are, and the notes are read under
it ("isBlank › public boolean isBlank() › Returns:"). On the two Javadoc probes, hit@1 6 → 9 and 10 → 9, hit@3 8 →
9 and 12 → 10 (together hit@1 18 of 22 against 16, hit@3 19 against 20): a signature's first sentence now opens
its section, and for "What does Files.readAllLines return?" it ("Read all lines from a file.") comes before the
"Returns:" note.

Doxygen (at 35d3d56) lays a member out as a title with a "◆" permalink before its name, a table holding its
signature, its description, and notes whose labels ("Returns", "Parameters", "Note") sit above their text. qa read
the signature table as table rows ("bool Json::Value::isMember | ( | const char * | key | ) const"), which were
quoted as answers, kept the "◆" in every title, and made each label a section of its own ("Returns"). Now the
signature is the term over the description, as Sphinx's are (the member's section is "isMember() [2/3] › bool
Json::Value::isMember ( const char * key ) const"), a note reads with its label as Sphinx's fields do ("Returns:
true if ..."), and the mark is dropped. On four of JsonCpp's class pages (`libjsoncpp-doc`) and eight questions
written before qa answered them (`benchmarks/realdocs/doxygen-probe.jsonl`), hit@1 / hit@3 went from 2 / 3 to
4 / 6; these questions were read beside the old answers while the change was made, so they are not a held-out
figure. Ten more questions on twelve of SDL 2's header pages (`libsdl2-doc`; `doxygen-probe2.jsonl`), written
and first answered after the change was made: 3 / 8 before, 6 / 9 after. Words not shown and headings not found,
the reference now dropping Doxygen's mark as it drops "¶": JsonCpp's whole reference (156 pages) 8 and 0, Doxygen's
manual (359) 3 and 10 (its "Table of Contents" boxes), SDL 2's reference (469 pages, 397,885 words) 0 and 0. A
JsonCpp page is in the integrity tests (`tests/ingest/test_real_pages.py`; `scripts/setup.sh --test` installs
libjsoncpp-doc). The six sets are unchanged. Sphinx's exception signature (a list of class "py exception") stays
a term; only Doxygen's bare "exception" list is a list of labels.

rustdoc (at c928c31) gives each method of a type its own "Examples", and many a "Panics", "Errors" or "Safety":
Rust's `Vec` page had 726 sections, 204 of them titled "Examples" alone, so a quote cited "section Panics" without
saying whose. A heading that the page gives to many of its parts, a few words and not a name written as code, is now
read under the section before it: "pub fn with_capacity(capacity: usize) -> Vec<T> › Panics". DocBook's "Note"
likewise: PostgreSQL's "8.1.2. Arbitrary Precision Numbers › Note", where four of the postgres set's quotes cited
"Note" alone; its answers and judged figures are unchanged, and so are the other sets'. A first version nested
Javadoc's overloaded methods too ("parseInt" three times on Integer's page, not one after another), and
`javadoc-probe2.jsonl` fell from 10 to 7 at hit@1; a name written as code ("parseInt", "ArrayList") is no such part,
and a heading that repeats the one before it (a class's constructors, "Thread" nine times) stays a section, which
took the probe back to 10. On five pages of Rust's standard library (Vec, HashMap, String, Option,
`fs::read_to_string`, from the rustup toolchain's `rust-docs`) and eight questions written before either version
answered them (`benchmarks/realdocs/rustdoc-probe.jsonl`), hit@1 / hit@3 went from 1 / 5 to 4 / 7.

Haddock (at 75b5561) writes each declaration as a signature line (`p.src`:
"waitCatch :: Async a -> IO (Either SomeException a) Source #") over its documentation, with a "#" self-link at its
end. qa read the signature as a paragraph with the "#" in it, so a description and its signature were two quotes
that named each other nowhere, and Haskell's three libraries read here (async, split, vector: 25 pages) had 5,198
"#" marks in their text. The signature is now the term over its documentation, as Sphinx's, Doxygen's and rustdoc's
are, and a self-link mark that a page marks by class ("selflink") is dropped wherever it stands, not only beside a
heading: 0 words not shown. On three of those pages (`Control.Concurrent.Async`, `Data.List.Split`, `Data.Vector`)
and eight questions written before either version answered them (`haddock-probe.jsonl`), hit@1 / hit@3 went from 2 /
5 to 6 / 7. The six sets are unchanged.

Texinfo, asked questions (the probe `texinfo-probe.jsonl`: Bash's reference manual, one page, and diffutils'
manual, 112 pages; 18 questions written before qa answered any of them). Texinfo nests a table in an item's
description: `set`'s options (`-e`, `-u`, `-o pipefail`) are a list inside the description of `set`, `declare`'s
`-a` and `-A` one inside `declare`'s. Other generators do the same: Sphinx nests a class's methods and attributes
in the class's description (303 such terms in the python set's pages), AsciiDoc an option's values (git commit's
`--cleanup=<mode>`: `strip`, `whitespace`, ...; 272 in the git set), DocBook a setting's choices (pg_hba.conf's
`auth-method`: `trust`, `reject`, ...). Each was a section of its own, titled with its term alone, so a quote cited
"section -e" (one of many in Bash's manual: `set`'s, `test`'s, `echo`'s) and its description was embedded without
the name it belongs to. A term inside another term's description is now read under that term (after 71b6ed0):
"set › -e", "class csv.Sniffer › has_header(sample)", "--cleanup=<mode> › strip", "auth-method › trust".
Section titles changed: python 275 of 2,007, git 243 of 2,435, postgres 49 of 905, flask 3 of 440. Manual pages
nest the same way, by indentation: a `.TP` term inside the `.RS` of another term's description (bash(1)'s `set`
and its `-e`), a DocBook option's value (its paragraph and `.RS`) inside an option's (git-reset(1)'s `--soft`
under "git reset [<mode>] [<commit>]"), and in mdoc a tagged list inside an item (scp(1)'s `-X sftp_option` and
its `buffer=value`). A `.TP`, a `.PP` or an `.RE` that ends a description ends its term's reach, and a term right
after the last nested one of a list opens a section of its own (scp's `-P port` had been joined to the 60
names of the list before it). Every 10th page of `/usr/share/man/man1` (1,800 pages): 1,877 of 27,973 titles
changed, on 136 pages (1,121 of them on the Google Cloud SDK's generated pages, which nest their groups of flags
as a terminal shows them), the text of every page the same; all 395 mdoc pages of the machine: 417 of 6,632.
Info manuals nest by indentation too (a term set in under another term's description: bash.info's `'set' › '-e'`,
coreutils' "‘-b’ › ‘--backup[=METHOD]’ › ‘none’ › ‘off’"): every Info manual of the machine (26 files), 697 of
15,746 titles changed, on 14 files, the text the same.
A probe of manual pages (`man-probe.jsonl`: find(1), grep(1), tar(1), ssh(1), ls(1), chmod(1) and bash(1); 18
questions written before qa answered any of them) went from 6 / 9 at 71b6ed0 to 7 / 11: "How do I connect on a
different port?" now gets ssh's "-p port: Port to connect to on the remote host." first, which had been cited
under "-R [bind_address:]port:host:hostport › ... › -p port" and lost. Its misses: find's `-mtime`, `-delete`
and `-exec` are beaten by neighbours that repeat the question's words (`-used n`, `-prune`'s "Because -delete
implies -depth ...", the `{} +` variant of `-exec`), grep's `-l` and `-v` and ls's `-a` are not found, and two
questions are abstained on. The six sets
give the same figures (98 / 136 by `expect`, 130 / 160 as judged; three python answers changed a second or third
quote), as do the six probes above, and `benchmarks/answers_digest.py` (the default corpus and SQuAD dev, which hold no
terms) is byte for byte the same. On the Texinfo probe, hit@1 / hit@3 by `expect` went from 9 / 10 (at 71b6ed0) to
8 / 10: "How do I declare an associative array?" now gets declare's "-A: Each name is an associative array variable"
first, which answers it in other words than `expect` ("Associative arrays are created using declare -A name", now
third). Its misses are ranking: "What does set -e do?" gets the lead of "The Set Builtin" ("This builtin is so
complicated that it deserves its own section.") and the description of `-e` is not among the candidates; "How do I
run a command when the script exits?" gets an option of `set`, not `trap`'s "If a sigspec is 0 or EXIT, arg is
executed when the shell exits."

The eight probes above (and the options probe below) are one command, `.venv/bin/python
benchmarks/bench_api_probes.py [--work DIR]`: it copies
each probe's pages from the installed package, builds, asks and prints hit@1 and hit@3 (before, from a checkout of
0a18325: javadoc 4 / 7, javadoc2 5 / 10, doxygen 2 / 3, doxygen2 3 / 8, rustdoc 1 / 5, haddock 2 / 5; after: 6 / 8,
10 / 12, 4 / 6, 6 / 9, 4 / 7, 6 / 7; texinfo 8 / 10, man 7 / 11; since the reach of a list of terms, doxygen2
6 / 10).

Chrome that rustdoc and Haddock set among a declaration's words (after a506ffd): a "Source" link beside every
signature and implementation (rustdoc's `a.src`, Haddock's `a.link`), rustdoc's "ⓘ" buttons (a pop-up over an
example that panics, or beside a signature whose return type has notable traits), and Haddock's page header
("vector-0.12.3.1: Efficient Arrays", "Source", "Contents", "Index") and synopsis, every signature of the page again
in a list folded away. Every Haddock title ended in "Source" ("cancel :: Async a -> IO () Source"), and the synopsis
repeated each signature. They are dropped now (a "Source" link inside a paragraph of prose is kept). On the probes'
pages: rustdoc 1,144 such words → 0 (426,399 → 418,426 characters, and 217 fewer sections: a "Source" line no longer
stands between an implementation's heading and its first method's), Haddock 494 → 0 (96,888 → 77,583 characters).
Doxygen's labels of a member, drawn as boxes, are words of their own ("static constexpr", "override default"; 15 ran
together on JsonCpp's four pages). The probes' figures are unchanged.

Options asked about by their letter (after a3ee89b). BM25's splitter keeps words of two letters or more, so the terms
of "What does grep -v do?" were "grep" alone: the section headed "-v, --invert-match" was not among the candidates,
and the page's description or its copyright came first. A probe of 20 such questions on the same seven manual pages
(`options-probe.jsonl`, written before qa answered any of them; the expected text is the option's description) got
hit@1 1 and hit@3 2. Three changes:

- A single-letter option is a term as written ("-v", "-R": case kept, so "-r" is not "-R"), in BM25 and in the
  ranker's term features; the end of a hyphenated word, a negative number or a part of a long option is none.
- A question that names an option ("-v", "--all") gets among its candidates the first two sentences of each section
  that option heads, on the pages whose titles hold most of the question's words ("grep" for grep(1)). Short
  options written together ("ls -la", "tar -xzf") are asked about each ("-l" and "-a") where the pages have a
  section for each and none for them together.
- Such a section's heading is read with its page's title when the question names its option ("grep" and "-v" both
  count for "-v, --invert-match" on grep(1)), and a page's introduction is not taken for what such a question asks
  about (`lead_definition`).

Git's HTML manual writes an option over its aliases as terms of their own ("-n" over "--dry-run"), so the section is "-n
› --dry-run": each option of such a group names it. options 1 / 2 → 19 / 20; a second probe of 15 questions on five
pages of Git's HTML manual (clean, commit, branch, add, log; `options-probe2.jsonl`, written the same way) 0 / 0 → 12 /
15 (5 / 10 before aliases were read); texinfo 8 / 10 → 9 / 11 ("What does set -e do?" now gets set's "-e: Exit
immediately if a pipeline ..."). What still comes first on the two probes: a usage line or an example that writes the
option ("tar -c -v -f etc.tar /etc", "$ git commit -a"), and a section's lead where the option is described in its
second sentence (`git clean -d`). The other probes and the six sets give the same figures (one flask and one npm answer
changed a second or third quote), and `benchmarks/answers_digest.py` is byte for byte the same. Measured and not kept:
the page title in the heading terms of every option section, asked about or not (git's "How do I rename a file in git?"
lost its third quote to format-patch's "Detect renames.": by `expect` 98 / 135 → 98 / 134); and a word negated by "non-"
read as a negation ("non-matching lines" for "lines that do not match", where grep's `-v` was abstained on), which had 6
of SQuAD dev's unanswerable questions written with a negation ("What machines are not equally powerful in principle?")
answered from sentences about "non-deterministic" machines.

A third probe was written after the first two had been answered and the changes above made, on twelve other manual
pages (`options-probe3.jsonl`: cp, rm, mkdir, df, du, sort, head, tail, wc, cut, ssh-keygen and ps; 18 questions, the
expected text again the option's description): 0 / 0 at b584578, 14 / 18 now. Its four misses at hit@1 quote a
DESCRIPTION sentence that names the option ("The type of key to be generated is specified with the -t option.").
Measured on it and not kept: leaving code (an example or a usage line outside the option's own section) out of the
candidates of a question asking what an option does. It gained one question at hit@1 on each of the first two probes,
whose misses it was made from, and none on this one.

Then a sixth documentation-only weight, `option_definition` (docs/experiments.md): the description under the asked
option's own heading, for a question asking what that option does, fitted on 40 training questions over other pages
of Git's manual (`options-train.jsonl`) and never on the probes. The three probes went from 19 / 20, 12 / 15 and
14 / 18 to 20 / 20, 14 / 15 and 18 / 18 (hit@1 45 → 52 of 53); the other probes and the eight sets gave the same
answers, and `benchmarks/answers_digest.py` the same digest.

MkDocs sources (after e274e58): a Markdown tree written for MkDocs uses Python-Markdown's admonitions ("!!! tip",
'!!! note "Technical Details"'), collapsible blocks ("???") and content tabs ('=== "Linux"'): a marker line, then
Markdown indented four spaces under it. CommonMark alone reads the indented lines as code, and so did qa: in
Typer's documentation (`docs/` of its source distribution, 61 pages, 40 of them with such blocks) the first
paragraph of a tip read "!!! tip Typer's completion is implemented ...", and the rest of it was a code block with
its "**Typer**" marks left in. The marker line is now the block's title (its quoted title, else its type: "Technical
Details", "tip"), and the lines under it are parsed as the Markdown they are, set out four spaces: paragraphs,
lists, and code blocks with their own indentation. Bold italics ("***CLI argument***"), which the Markdown reader
left marked, show their words too, and an attribute list right after a link or ending a heading
("[Typer CLI](cli.md){.internal-link target=_blank}", "# 9.0 Migration Notes {: #\9.0}") is dropped, as a site
drops it. No Markdown file of this machine (409 over 2 kB) and none of the npm set holds such a block, and their
figures are unchanged (`scan.py markdown`: 247 words not shown of 1.53 million). Words not shown by the reference:
Typer's pages 20 → 62 of 43,581, pymdown-extensions' documentation (51 pages) 559 → 528. The reference,
CommonMark rendered by markdown-it-py, is the one that shows those blocks as code, backticks and marks included,
and the attribute lists as text.

Where a list of terms ends (after 1a7a6f6). A term opens the section of its description, and that section used to
run on to the next heading: the paragraph after a function table or after the last option of a list was cited
under the last term. PostgreSQL's "Additional string manipulation functions and operators are available ..." came
under `upper ( text ) → text`, Python's "The csv module defines the following classes:" under
`csv.field_size_limit([new_limit])`, ls(1)'s "The SIZE argument is an integer ..." under `--version`. Each reader
now marks the paragraph that follows a list it has ended, and the section that held the list goes on there: HTML
when a description list (not a field list) or a function table closes; man(7) at a `.PP` back at the list's margin;
mdoc(7) at `.El`; Info at text set out from the descriptions. After a list inside a term's description (a class's
methods), the enclosing term's section goes on ("class csv.Sniffer"). The text of every page is the same; sections
that now go on after a list: python 79 after a list and 31 after a list inside a term (about 63,000 characters
cited under another title), postgres 30 and 4 (25,000), git 35 and 15 (25,000); every 10th page of
`/usr/share/man/man1`, 175 on 32 of 1,800 pages; the mdoc pages, 109 of 6,632 on 48 pages; the Info manuals, 1,339
of 15,746 on 20 of 28 files.

Three more readings of structure, found by reading section titles of the sets and probes:

- **PostgreSQL's function tables** (`td.func_table_entry`: a function's signatures, its description and examples
  as paragraphs of one cell; 1,124 rows on 40 pages of postgresql-doc-15) were a table row each, the signature run
  into its description, cited under the page's heading or a "Note" before the table. Each signature is now a term
  over its description ("concat_ws ( sep text, val1 "any" [, val2 "any" [, ...] ] ) → text" over "Concatenates all
  but the first argument, with separators. ..."); a row's other cells (the aggregates' "Partial Mode") follow as a
  table row.
- **DocBook's notes** (`div.note > h3.title`, and tip, warning, caution, important: 456 in postgresql-doc-15, some
  in Git's user manual) were headings, so the text after a note was cited under "Note". A note's title now labels
  its text ("Note: The string concatenation operator (||) will accept non-string input ..."), as Sphinx's do.
- **A heading right after another of its level or a deeper one, or right after a term with no description**, heads
  no part of it: the one before heads an empty section. Flask's API page, whose autodoc directives read as
  nothing, had "Template Rendering › Configuration › Stream Helpers › Useful Internals ›
  flask.globals.request_ctx"; rustdoc's last trait implementation ran into "Auto Trait Implementations" and the
  eight after it; Doxygen's undocumented destructor into "Member Function Documentation". Titles changed: flask 14,
  npm 10, python 2; doxygen 37, doxygen2 89, rustdoc 36, haddock 4, javadoc 7.

Pages are now parsed by lxml's HTML parser, not Python's: an element a hand-written page leaves open (`<dt>`,
`<dd>`, `<li>`, `<td>`) ends where a browser ends it. Javadoc's comments are hand-written HTML; Scanner's "Localized
numbers" list of `<dt>`/`<dd>` without end tags had been read as one term of 700 characters over the rest of the
section. On every HTML page of the python, postgres and git sets and of the five HTML probes, the text and
sections are the same with either parser but for three Javadoc pages. On 498 pages drawn at random from
`/usr/share/doc` (400 of all packages but OpenJDK, 100 of OpenJDK's API), 496 read the same and two (Swing's
`HTMLEditorKit` pages) split blocks elsewhere, with no word lost or added; reading them took 10.9 s against 12.3 s.
The whole-manual scans (`scan.py`) give what they gave: PostgreSQL's manual 44 words not shown of 1.03 million and
2 headings not found, Python's library, tutorial, HOWTOs and FAQ (363 pages) and Git's 206 pages none, libxslt's
hand-written pages 11.

The answers barely move (the run below against the run before it, both scored with judgments that now hold for a
quote's text under its section; 32 quotes, new ones and ones cited under a new section, were judged blind): by
`expect` hit@1 98 / 136 → 98 / 135 (postgres hit@3 22 → 21); judged hit@1 / hit@3 130 / 159 → 130 / 157: python,
npm and pdf the same, postgres 20 / 26 → 21 / 26 ("NULL arguments are ignored." is now cited under `concat ( val1
"any" [, val2 "any" [, ...] ] ) → text`, and answers which function ignores them), git 18 / 23 → 17 / 22 ("What
does git revert do?" gets the page's synopsis first: its NAME line, "git-revert - Revert some existing commits",
left the candidates as chunks of other pages changed), flask 18 / 25 → 18 / 24; the other quotes that changed are
second and third quotes, reordered as chunks and titles changed around them. The probes: doxygen2 hit@3 9 → 10, the
others the same. `benchmarks/answers_digest.py` (the default corpus and SQuAD dev) is byte for byte the same.

Each run below is labelled with the code it measured; a run with a new `--label` is added, one with the
same label replaces its section.
"""


def section(results: list[dict[str, Any]], label: str, command: str, pages: str) -> str:
    out = [f"## {label or 'Run'}", "", f"Command: `.venv/bin/python {command}` (`--pages {pages}`)", ""]
    names = [r["set"] for r in results]
    table = [tuple(v for _, v in rows(r)) for r in results]
    out += ["| Figure | " + " | ".join(names) + " |", "|---" * (len(names) + 1) + "|"]
    for i, (key, _) in enumerate(rows(results[0])):
        out.append(f"| {key} | " + " | ".join(t[i] for t in table) + " |")
    for r in results:
        ex = r["integrity"]["examples"]
        shown = [(k, e) for k in ("heading", "signature", "code") for e in ex[k][:3]]
        if shown:
            out += ["", f"{r['set']}: examples not found whole in the cleaned text:", ""]
            out += [f"- {k}: `{e.replace('`', chr(39))}`" for k, e in shown]
        if ex.get("made up"):
            out += ["", f"{r['set']}: words of the cleaned text the page does not show, the first few:", ""]
            out += [f"- `{e.replace('`', chr(39))}`" for e in ex["made up"][:3]]
    return "\n".join(out) + "\n"


def markdown(previous: str, results: list[dict[str, Any]], label: str, command: str, pages: str) -> str:
    """The document with this run's section added, or replacing the earlier section with the same label."""
    start, end = f"<!-- run: {label} -->", "<!-- end run -->"
    # Earlier runs are kept even if this preamble has changed since they were written.
    first = previous.find("<!-- run: ")
    runs = previous[first:].strip("\n") if first >= 0 else ""
    block = f"{start}\n{section(results, label, command, pages)}{end}"
    if start in runs:
        head, rest = runs.split(start, 1)
        return PREAMBLE + "\n" + head + block + rest.split(end, 1)[1] + "\n"
    return PREAMBLE + ("\n" + runs + "\n" if runs else "") + "\n" + block + "\n"


def print_summary(results: list[dict[str, Any]]) -> None:
    for r in results:
        print(f"== {r['set']}")
        for k, v in rows(r):
            print(f"  {k}: {v}")
