"""A corpus of hostile files (outside links, loops, control characters, broken and huge files), the names
the hostile tests check against, and the helpers they share. The fixtures that build it are in conftest.py."""
from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

from qa import Config, build_index
from qa.indexing.index import live_folder

from .conftest import ROOT

SECRET = "SECRET-OUTSIDE-7781 the password is swordfish."
EVIL_TITLE = "\x1b]0;PWNED\x07\x1b[2J Evil tower"
EVIL_KIND = "blog\x1b[31m"
NEWLINE_NAME = "new\nline.txt"
INDEXED = {"lighthouse.txt", "mill.md", "evil.txt", "script.html", "utf16-bom.txt", "a..b.txt"}
SKIPPED = {
    "binary.txt": "binary file (NUL bytes)",
    "empty.txt": "empty file",
    "latin1.txt": "not valid UTF-8 text (bad byte at offset 7); re-save it as UTF-8",
    "utf16-no-bom.txt": "binary file (NUL bytes)",
    "huge.txt": "larger than 10000000 bytes (10000001 bytes); raise the size limit to load it",
    "deep.html": "HTML nested 10003 elements deep (the limit is 1000)",  # with <html> and <body>
    "blank.pdf": "no extractable text (scanned PDF?)",
    "passwd.txt": "link points outside the corpus",
    "outside": "link points outside the corpus",
    "loop": "link to a folder already read (a loop or a second way in)",
    "alias.txt": "same file as lighthouse.txt (a link)",
    "new\\nline.txt": "the file name holds control characters or bytes that are not UTF-8; rename the file",
    ".hidden.txt": "hidden (the name starts with '.'); rename it to index it",
    "..txt": "hidden (the name starts with '.'); rename it to index it",
    ".git": "hidden (the name starts with '.'); rename it to index it",
}
LIGHTHOUSE = "The Harbour Lighthouse was built in 1871. It stands on a granite rock. Its lamp was electrified in 1925."


def _run(*args: str | bytes, timeout: float = 300) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "qa", *args], cwd=ROOT, capture_output=True, timeout=timeout,
                          env={**os.environ, "HF_HUB_OFFLINE": "1"})


def _blank_pdf(path: Path) -> None:
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(612, 792)
    with path.open("wb") as f:
        writer.write(f)


def _hostile_corpus(base: Path) -> Path:
    (base / "outside").mkdir()
    (base / "outside" / "secret.txt").write_text(SECRET)
    corpus = base / "corpus"
    (corpus / ".git").mkdir(parents=True)
    (corpus / ".git" / "HEAD.txt").write_text("ref: refs/heads/main")
    files: dict[str, str | bytes] = {
        "lighthouse.txt": LIGHTHOUSE,
        "mill.md": "# The old mill\n\nThe mill was built in 1901. It burned down in 1950.",
        "evil.txt": "The evil tower was built in 1999. Its walls are black.",
        "evil.txt.meta.json": json.dumps({"title": EVIL_TITLE, "kind": EVIL_KIND}),
        "script.html": "<title>Script page</title><script>alert('pwned')</script><p onclick=\"alert(2)\">"
                       "The script page was written in 2001.</p>",
        "utf16-bom.txt": "The bridge opened in 1932.".encode("utf-16"),
        "utf16-no-bom.txt": "The bridge opened in 1932.".encode("utf-16-le"),
        "a..b.txt": "Dots in the middle of a name are fine.",
        "binary.txt": b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR",
        "empty.txt": b"",
        "latin1.txt": b"Cafe au\xe9 lait",
        "deep.html": "<div>" * 10_000 + "<p>Deep text.</p>" + "</div>" * 10_000,
        NEWLINE_NAME: "A name with a newline.",
        ".hidden.txt": "Hidden text.",
        "..txt": "Two dots.",
    }
    for name, data in files.items():
        (corpus / name).write_bytes(data.encode() if isinstance(data, str) else data)
    with (corpus / "huge.txt").open("wb") as f:
        f.truncate(10_000_001)
    _blank_pdf(corpus / "blank.pdf")
    (corpus / "broken.pdf").write_bytes(b"%PDF-1.4\n1 0 obj << /Type /Catalog >>\ngarbage")
    (corpus / "passwd.txt").symlink_to(base / "outside" / "secret.txt")
    (corpus / "outside").symlink_to(base / "outside")
    (corpus / "loop").symlink_to(".")
    (corpus / "alias.txt").symlink_to("lighthouse.txt")
    return corpus


def _copy(config: Config, dest: Path) -> Config:
    """A copy of an index (the corpus stays where it is)."""
    shutil.copytree(config.index_dir, dest / "index", symlinks=True)
    return config.with_(index_dir=dest / "index")


def _sign(index_dir: Path) -> None:
    """Record the live manifest's checksum in CURRENT, as a build that wrote this manifest would."""
    folder = live_folder(index_dir)
    digest = hashlib.sha256((folder / "manifest.json").read_bytes()).hexdigest()
    (index_dir / "CURRENT").write_text(f"{folder.name}\n{digest}\n")


def _tiny(tmp_path: Path, name: str = "index") -> Config:
    (tmp_path / "corpus").mkdir()
    (tmp_path / "corpus" / "a.txt").write_text("The tower was built in 1871. It is tall.")
    config = Config(corpus_dir=tmp_path / "corpus", index_dir=tmp_path / name)
    build_index(config)
    return config
