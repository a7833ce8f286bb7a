"""Generators of hostile documents: each small on disk, each expanding to far more than it should.

Built at test time (and by benchmarks/bench_hostile.py), never committed. Sizes are parameters, so
tests can build small versions against lowered limits, and the benchmark the sizes they were found at.
"""
from __future__ import annotations

import io
import struct
import zipfile
import zlib

W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'


def flate_spaces(total: int, chunk: int = 1 << 24) -> bytes:
    """A zlib stream that inflates to ``total`` spaces (a multiple of ``chunk``), built in a second."""
    c = zlib.compressobj(9, zlib.DEFLATED, -15)
    block = b" " * chunk
    first = c.compress(block) + c.flush(zlib.Z_SYNC_FLUSH)
    middle = c.compress(block) + c.flush(zlib.Z_SYNC_FLUSH)  # the same bytes for every later block
    last = c.compress(block) + c.flush()
    n = total // chunk
    a, b = (1 + 32 * total) % 65521, (total + 32 * total * (total + 1) // 2) % 65521  # adler32 of the spaces
    return b"\x78\xda" + first + middle * (n - 2) + last + struct.pack(">I", (b << 16) | a)


def pdf(streams: dict[int, bytes], contents: list[int]) -> bytes:
    """A one-page PDF whose page's /Contents lists the Flate ``streams`` (object numbers from 4) in order."""
    objs = {1: b"<< /Type /Catalog /Pages 2 0 R >>", 2: b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>"}
    refs = " ".join(f"{n} 0 R" for n in contents)
    objs[3] = f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents [{refs}] >>".encode()
    for n, data in streams.items():
        objs[n] = b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(data) + data + b"\nendstream"
    out, offsets = bytearray(b"%PDF-1.4\n"), {}
    for n in sorted(objs):
        offsets[n] = len(out)
        out += b"%d 0 obj\n" % n + objs[n] + b"\nendobj\n"
    xref, size = len(out), max(objs) + 1
    out += b"xref\n0 %d\n0000000000 65535 f \n" % size
    out += b"".join(b"%010d 00000 n \n" % offsets.get(i, 0) for i in range(1, size))
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (size, xref)
    return bytes(out)


def pdf_bomb(total: int) -> bytes:
    """A page whose one content stream inflates to ``total`` bytes."""
    return pdf({4: flate_spaces(total)}, [4])


def pdf_repeated(total: int, times: int) -> bytes:
    """A page whose /Contents lists one ``total``-byte stream ``times`` times."""
    return pdf({4: flate_spaces(total)}, [4] * times)


def _zip(parts: dict[str, bytes | str], big: tuple[str, bytes, int] | None = None) -> bytes:
    """A zip of ``parts``; ``big`` = (name, unit, repeats) is streamed in, compressed, without building it."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in parts.items():
            z.writestr(name, data)
        if big:
            name, unit, repeats = big
            with z.open(name, "w", force_zip64=True) as f:
                for _ in range(repeats):
                    f.write(unit)
    return buf.getvalue()


_CONTENT_TYPES = ('<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
                  '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
                  '<Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" '
                  'ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>'
                  '</Types>')
_RELS = ('<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
         '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
         'officeDocument" Target="word/document.xml"/></Relationships>')


def docx(body: str, *, doctype: str = "") -> bytes:
    """A minimal Word file whose body is ``body`` (WordprocessingML)."""
    xml = f'<?xml version="1.0"?>{doctype}<w:document {W}><w:body>{body}</w:body></w:document>'
    return _zip({"[Content_Types].xml": _CONTENT_TYPES, "_rels/.rels": _RELS, "word/document.xml": xml})


def docx_bomb(paragraphs: int, *, varied: bool = False) -> bytes:
    """A Word file whose document.xml repeats one paragraph ``paragraphs`` times (about 60 bytes each);
    ``varied`` numbers them, so that they compress as ordinary text does."""
    head = f'<?xml version="1.0"?><w:document {W}><w:body>'.encode()
    unit = b"<w:p><w:r><w:t>All work and no play makes Jack.</w:t></w:r></w:p>"
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", _CONTENT_TYPES)
        z.writestr("_rels/.rels", _RELS)
        with z.open("word/document.xml", "w", force_zip64=True) as f:
            f.write(head)
            block = unit * 10_000
            for n in range(paragraphs // 10_000):
                f.write(b"".join(unit.replace(b"Jack", b"Jack %d" % (n * 10_000 + i)) for i in range(10_000))
                        if varied else block)
            f.write(b"</w:body></w:document>")
    return buf.getvalue()


def docx_grid_span(span: int = 2_147_483_647) -> bytes:
    """One table row whose first cell claims to span ``span`` grid columns."""
    cell = '<w:tc><w:tcPr><w:gridSpan w:val="{}"/></w:tcPr><w:p><w:r><w:t>{}</w:t></w:r></w:p></w:tc>'
    table = (f'<w:tbl><w:tblGrid><w:gridCol w:w="100"/><w:gridCol w:w="100"/></w:tblGrid><w:tr>'
             f'{cell.format(span, "Wide cell.")}{cell.format(1, "Narrow cell.")}</w:tr></w:tbl>')
    return docx(f"<w:p><w:r><w:t>Before the table.</w:t></w:r></w:p>{table}")


def docx_entities(secret_path: str) -> bytes:
    """An external entity pointing at ``secret_path``, and a billion-laughs entity, both used in the body."""
    lol = '<!ENTITY a "lollollollollollollollollollol">' + "".join(
        f'<!ENTITY {chr(98 + i)} "{("&" + chr(97 + i) + ";") * 10}">' for i in range(8))
    doctype = f'<!DOCTYPE w:document [<!ENTITY xxe SYSTEM "file://{secret_path}">{lol}]>'
    return docx("<w:p><w:r><w:t>Entity: &xxe; Laughs: &i; End.</w:t></w:r></w:p>", doctype=doctype)


_CONTAINER = ('<?xml version="1.0"?><container version="1.0" xmlns="urn:oasis:names:tc:opendocument:xmlns:container">'
              '<rootfiles><rootfile full-path="OEBPS/content.opf" media-type="application/oebps-package+xml"/>'
              '</rootfiles></container>')
CHAPTER = ('<?xml version="1.0"?><html xmlns="http://www.w3.org/1999/xhtml"><head><title>One</title></head>'
           '<body><h1>Chapter one</h1><p>The only chapter of the book.</p></body></html>')


def epub(manifest: str, spine: str, *, title: str = "<dc:title>A book</dc:title>",
         parts: dict[str, bytes | str] | None = None, big: tuple[str, bytes, int] | None = None) -> bytes:
    opf = ('<?xml version="1.0"?><package xmlns="http://www.idpf.org/2007/opf" version="3.0" unique-identifier="id">'
           f'<metadata xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:identifier id="id">x</dc:identifier>{title}'
           f'<dc:language>en</dc:language></metadata><manifest>{manifest}</manifest><spine>{spine}</spine></package>')
    files = {"mimetype": "application/epub+zip", "META-INF/container.xml": _CONTAINER, "OEBPS/content.opf": opf}
    return _zip({**files, **(parts or {})}, big)


def _item(n: int, href: str = "one.xhtml") -> str:
    return f'<item id="c{n}" href="{href}" media-type="application/xhtml+xml"/>'


def epub_spine_repeat(times: int) -> bytes:
    """A book whose spine lists its one chapter ``times`` times."""
    return epub(_item(0), '<itemref idref="c0"/>' * times, parts={"OEBPS/one.xhtml": CHAPTER})


def epub_manifest_repeat(times: int, *, chapter_bytes: int = 0) -> bytes:
    """A book whose manifest lists one entry ``times`` times (the entry ``chapter_bytes`` big when given)."""
    manifest = "".join(_item(n) for n in range(times))
    spine = "".join(f'<itemref idref="c{n}"/>' for n in range(times))
    if not chapter_bytes:
        return epub(manifest, spine, parts={"OEBPS/one.xhtml": CHAPTER})
    unit = b"<p>All work and no play makes Jack a dull boy.</p>" * 1000
    return epub(manifest, spine, big=("OEBPS/one.xhtml", unit, chapter_bytes // len(unit)))


def epub_empty_title() -> bytes:
    return epub(_item(0), '<itemref idref="c0"/>', title="<dc:title/>", parts={"OEBPS/one.xhtml": CHAPTER})


def html_wide_table(cells: int) -> bytes:
    """One table row of ``cells`` cells (trafilatura's table code is quadratic in them)."""
    return ("<html><body><table><tr>" + "<td>x</td>" * cells + "</tr></table></body></html>").encode()


_MEASURE = """import json, resource, subprocess, sys
out = subprocess.run(json.loads(sys.argv[1]), capture_output=True)
peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * 1024
sys.stdout.buffer.write(json.dumps([out.returncode, peak]).encode() + b"\\n" + out.stdout + b"\\0" + out.stderr)
"""


def run_measured(cmd: list[str], *, cwd: object = None, env: dict | None = None, timeout: float = 600
                 ) -> tuple[int, int, bytes, bytes]:
    """Run ``cmd``; its exit status, its peak resident bytes (its reaped children included), stdout, stderr.

    A small Python process starts it, so the figure is the command's own: a process forked straight
    from a big test process would report that process's size, which Linux keeps across exec.
    """
    import json
    import subprocess
    import sys

    raw = subprocess.run([sys.executable, "-c", _MEASURE, json.dumps(cmd)], cwd=cwd, env=env, capture_output=True,
                         timeout=timeout, check=True).stdout
    head, _, rest = raw.partition(b"\n")
    status, peak = json.loads(head)
    out, _, err = rest.partition(b"\0")
    return status, peak, out, err
