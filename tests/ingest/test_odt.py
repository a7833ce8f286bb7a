"""OpenDocument text: the reader's rules on a file written here, and real pages converted by pandoc.

pandoc, an independent writer of OpenDocument, converts real documentation pages (git-doc's and python3-doc's
HTML) to .odt; the reading must keep every heading, every code block's lines and the words pandoc's own plain
text of the page holds. ``scripts/setup.sh --test`` installs pandoc; outside CI its absence skips those tests.
"""
from __future__ import annotations

import io
import os
import re
import shutil
import subprocess
import zipfile
from collections import Counter
from pathlib import Path

import pytest

from qa.errors import Unreadable
from qa.indexing.build import prepare_document
from qa.ingest.formats.odt import read_odt
from qa.ingest.load import load_document

from ..integrity import reference

NS = ('xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
      'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" '
      'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
      'xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0" '
      'xmlns:fo="urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0" '
      'xmlns:svg="urn:oasis:names:tc:opendocument:xmlns:svg-compatible:1.0" '
      'xmlns:draw="urn:oasis:names:tc:opendocument:xmlns:drawing:1.0" '
      'xmlns:meta="urn:oasis:names:tc:opendocument:xmlns:meta:1.0" xmlns:dc="http://purl.org/dc/elements/1.1/"')
STYLES = f"""<office:document-styles {NS}><office:font-face-decls>
<style:font-face style:name="Liberation Mono" svg:font-family="'Liberation Mono'"/></office:font-face-decls>
<office:styles><style:style style:name="Preformatted_20_Text" style:display-name="Preformatted Text"
 style:family="paragraph"/><style:style style:name="Typed" style:family="paragraph">
<style:text-properties style:font-name="Liberation Mono"/></style:style></office:styles></office:document-styles>"""
BODY = """<text:h text:outline-level="1">Canal locks</text:h>
<text:p>The Harrow lock opens at dawn.<text:note><text:note-citation>1</text:note-citation><text:note-body>
<text:p>Except on Sundays.</text:p></text:note-body></text:note></text:p>
<text:tracked-changes><text:changed-region><text:deletion><text:p>Deleted words.</text:p></text:deletion>
</text:changed-region></text:tracked-changes>
<text:p text:style-name="P1">lock.open(<text:s text:c="2"/>gate=1)</text:p>
<text:p text:style-name="P1"><text:s text:c="4"/>wait()</text:p>
<text:list><text:list-item><text:p>First step.</text:p><text:list><text:list-item><text:p>Inner step.</text:p>
</text:list-item></text:list></text:list-item></text:list>
<table:table><table:table-row><table:table-cell><text:p>Lock</text:p></table:table-cell>
<table:table-cell table:number-columns-repeated="2"><text:p>Rise</text:p></table:table-cell></table:table-row>
</table:table>
<text:p>See <text:span>the <text:a>map</text:a></text:span> below.<draw:frame><draw:image/></draw:frame></text:p>
<text:p text:style-name="Typed">typed   line</text:p>"""


def odt(body: str = BODY, *, mimetype: str = "application/vnd.oasis.opendocument.text", meta: bool = True,
        doctype: str = "") -> bytes:
    content = (f"{doctype}<office:document-content {NS}><office:automatic-styles><style:style style:name=\"P1\" "
               "style:family=\"paragraph\" style:parent-style-name=\"Preformatted_20_Text\"/>"
               "<style:style style:name=\"T1\" style:family=\"text\"><style:text-properties "
               "style:text-position=\"super 58%\"/></style:style>"
               "<style:style style:name=\"T2\" style:family=\"text\"><style:text-properties "
               "style:text-position=\"-33% 58%\"/></style:style></office:automatic-styles>"
               f"<office:body><office:text>{body}</office:text></office:body></office:document-content>")
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr("mimetype", mimetype)
        z.writestr("content.xml", content)
        z.writestr("styles.xml", STYLES)
        if meta:
            z.writestr("meta.xml", f"<office:document-meta {NS}><office:meta><dc:title>Locks</dc:title>"
                                   "<meta:initial-creator>A. Keeper</meta:initial-creator>"
                                   "<meta:creation-date>2019-07-02T10:00:00</meta:creation-date></office:meta>"
                                   "</office:document-meta>")
    return out.getvalue()


def test_odt_blocks_and_metadata() -> None:
    found = read_odt(odt())
    assert (found.title, found.author, found.date) == ("Locks", "A. Keeper", "2019-07-02")
    assert [(found.text[s:e], kind) for s, e, kind in found.blocks] == [
        ("Canal locks", "heading"), ("The Harrow lock opens at dawn.", "text"), ("Except on Sundays.", "text"),
        ("lock.open(  gate=1)\n    wait()", "code"),  # the style it inherits is a code style; spaces kept
        ("First step.", "list item"), ("Inner step.", "list item"), ("Lock | Rise", "table row"),
        ("See the map below.", "text"), ("typed   line", "code"),  # set in a monospaced font
    ]
    # each line of code cites its own paragraph, as in a Word file
    starts = [found.text[s:].split("\n", 1)[0] for s in found.paragraph_starts]
    assert starts[3:5] == ["lock.open(  gate=1)", "    wait()"]


def test_odt_superscript_reads_raised_off_the_word_before_it() -> None:
    """A text style set above the line ("super", or a positive percentage) raises "31" in "2" "31" "-1"; read
    as plain text it would say 231-1. A subscript, an ordinal's letters and a spaced superscript stay as they are."""
    found = read_odt(odt('<text:p>Up to 2<text:span text:style-name="T1">31</text:span>-1, the 1'
                         '<text:span text:style-name="T1">st</text:span> row, H<text:span text:style-name="T2">2'
                         '</text:span>O and x <text:span text:style-name="T1">2</text:span>.</text:p>'))
    assert found.text == "Up to 2^31-1, the 1st row, H2O and x 2."


@pytest.mark.parametrize(("data", "reason"), [
    (b"not a zip", "not a zip archive"),
    (odt(mimetype="application/vnd.oasis.opendocument.spreadsheet"), "another kind"),
    (odt("<text:p>broken"), "not well-formed XML"),
])
def test_what_is_not_read_says_why(data: bytes, reason: str) -> None:
    with pytest.raises(Unreadable, match=reason):
        read_odt(data)


def test_odt_text_is_capped_and_entities_are_not_expanded() -> None:
    with pytest.raises(Unreadable, match="more than 20 characters"):
        read_odt(odt(), max_chars=20)
    laughs = odt("<text:p>Laughs: &b;</text:p>", doctype='<!DOCTYPE d [<!ENTITY a "aaaaaaaaaa">'
                 '<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>')
    assert "aaaa" not in read_odt(laughs).text


PAGES = ["/usr/share/doc/git-doc/git-stash.html", "/usr/share/doc/python3-doc/html/tutorial/venv.html"]


@pytest.mark.parametrize("page", PAGES)
def test_real_page_written_by_pandoc_keeps_its_headings_code_and_words(page: str, tmp_path: Path) -> None:
    if not shutil.which("pandoc") or not Path(page).exists():
        if os.environ.get("CI") == "true":
            pytest.fail(f"pandoc or {page} is missing: `scripts/setup.sh --test` installs them")
        pytest.skip("pandoc or the page is not installed (apt-get install pandoc git-doc python3-doc)")
    target = tmp_path / "page.odt"
    subprocess.run(["pandoc", "-f", "html", "-t", "odt", "-o", str(target), page], check=True, timeout=120,
                   capture_output=True)
    doc = prepare_document(load_document(target, tmp_path, max_bytes=10**7))
    # pandoc keeps a heading's permalink mark ("¶", an icon font's glyph) as text: the page's reference has none
    headings = {" ".join(re.sub("[¶\ue000-\uf8ff]", " ", doc.text[s:e]).split())
                for s, e, kind in doc.blocks if kind == "heading"}
    ref = reference(Path(page).read_bytes())
    assert set(ref.headings) <= headings, set(ref.headings) - headings
    lines = {line.rstrip() for line in doc.text.splitlines()}
    assert all(line in lines for line in ref.code_lines), [c for c in ref.code_lines if c not in lines][:5]
    plain = subprocess.run(["pandoc", "-f", "html", "-t", "plain", "--wrap=none", page], check=True, timeout=120,
                           capture_output=True, text=True).stdout
    want, have = Counter(re.findall(r"\w+", plain)), Counter(re.findall(r"\w+", doc.text))
    assert sum((want - have).values()) <= 0.01 * sum(want.values()), (want - have).most_common(10)
