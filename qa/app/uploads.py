"""Adding uploaded files to the corpus: safe names, size and count limits, and an arrival check.

A file is written only when the loader reads it as the build will: an empty, binary, undecodable or
corrupt file is refused on arrival with the loader's own reason, so it never waits in the corpus to
fail a rebuild. The check reads the file in the same worker process as the build (qa.ingest.sandbox), under
the same limits, so a hostile upload costs the server neither its memory nor its time. Names keep no
folders, no leading dots and no control characters, so an upload named
``../../x`` or ``/etc/passwd.txt`` lands inside the corpus folder, as a plain file, or not at all.
"""
from __future__ import annotations

import os
import re
import tempfile
from collections.abc import Sequence
from pathlib import Path

from ..config import Config
from ..errors import CorpusError, QAError
from ..ingest.formats import SUPPORTED, SUPPORTED_SHOWN, format_of, format_suffix
from ..ingest.sandbox import Limits, shared_worker

UPLOAD_TYPES = SUPPORTED
_MAX_NAME = 120


def safe_name(filename: str) -> str:
    """A plain file name for the corpus folder: no folders, no leading dot, only letters, digits, ``.-_``.

    >>> safe_name("../../etc/passwd.txt")
    'passwd.txt'
    """
    name = re.sub(r"[^\w.-]+", "-", Path(filename.replace("\\", "/")).name).strip(".-_") or "document"
    suffix = format_suffix(name)
    stem = name[:len(name) - len(suffix)]
    return stem[: _MAX_NAME - len(suffix)] + suffix


def add_uploads(uploads: Sequence[Path], config: Config, *, names: Sequence[str | None] | None = None
                ) -> tuple[list[Path], list[str]]:
    """Add a batch of uploaded files to ``config.corpus_dir``: the paths written, and why others were not.

    Raises CorpusError when the batch holds more than ``config.max_upload_files`` files.
    """
    if len(uploads) > config.max_upload_files:
        raise CorpusError(f"{len(uploads)} files at once; the limit is {config.max_upload_files}. "
                          "Add them in smaller batches.")
    room = config.max_corpus_bytes - corpus_bytes(config.corpus_dir)
    added, refused = [], []
    for upload, name in zip(uploads, names or [None] * len(uploads)):
        try:
            path = add_to_corpus(upload, config.corpus_dir, max_bytes=config.max_file_bytes, original_name=name,
                                 room=room, limits=Limits.from_config(config))
        except QAError as e:
            refused.append(str(e))
            continue
        room -= path.stat().st_size
        added.append(path)
    return added, refused


def corpus_bytes(corpus_dir: Path) -> int:
    """Total size of the files in the corpus folder (links not followed)."""
    total = 0
    for root, _, files in os.walk(corpus_dir):
        for f in files:
            try:
                total += os.lstat(os.path.join(root, f)).st_size
            except OSError:
                continue
    return total


def add_to_corpus(upload: Path, corpus_dir: Path, *, max_bytes: int, original_name: str | None = None,
                  room: int | None = None, limits: Limits | None = None) -> Path:
    """Copy an uploaded file into the corpus folder and return its new path; never overwrites.

    A name already taken gets a numeric suffix (``notes-2.txt``). Raises CorpusError for an
    unsupported type, an oversized file, a corpus without ``room`` for it, a file the loader cannot
    read, or a file identical to one already in the corpus.
    """
    name = safe_name(original_name or upload.name)
    if format_of(name) is None:
        raise CorpusError(f"{name}: only {SUPPORTED_SHOWN} files can be added.")
    size = upload.stat().st_size
    if size > max_bytes:
        raise CorpusError(f"{name} is {_size(size)}; the limit is {_size(max_bytes)}.")
    if room is not None and size > room:
        raise CorpusError(f"{name}: the corpus is full (it may hold {_size(max(room, 0))} more). "
                          "Remove documents from it, or raise its size limit.")
    data = upload.read_bytes()
    check_arrival(data, name, max_bytes=max_bytes, limits=limits)
    _refuse_duplicate(data, name, corpus_dir)
    return _write_new(data, name, corpus_dir)


def _size(n: int) -> str:
    return f"{n / 1e6:.1f} MB" if n >= 100_000 else f"{n:,} bytes"


def check_arrival(data: bytes, name: str, *, max_bytes: int, limits: Limits | None = None) -> None:
    """Refuse what the build would skip, with the loader's reason: read it as the loader reads files."""
    from ..indexing.build import prepare_document
    from ..ingest.load import load_document

    with tempfile.TemporaryDirectory(prefix="qa-upload-") as folder:
        staged = Path(folder) / name
        try:
            staged.write_bytes(data)
        except OSError as e:
            raise CorpusError(f"{name} was not added: it could not be staged for reading in {folder} "
                              f"({e.strerror or e}). Free some space in the temporary folder.") from e
        try:
            raw = load_document(staged, Path(folder), max_bytes=max_bytes, worker=shared_worker(limits or Limits()))
        except QAError as e:
            raise CorpusError(f"{name} was not added: {e}.") from e
    if not prepare_document(raw).text.strip():
        raise CorpusError(f"{name} was not added: no text left after cleaning.")


def _refuse_duplicate(data: bytes, name: str, corpus_dir: Path) -> None:
    suffix = format_suffix(name).lower()
    for existing in corpus_dir.rglob(f"*{suffix}"):
        if existing.is_file() and not existing.is_symlink() and existing.stat().st_size == len(data) \
                and existing.read_bytes() == data:
            raise CorpusError(f"{name} is already in the corpus as {existing.relative_to(corpus_dir).as_posix()}.")


def _write_new(data: bytes, name: str, corpus_dir: Path) -> Path:
    corpus_dir.mkdir(parents=True, exist_ok=True)
    suffix = format_suffix(name)
    stem, suffix = name[:len(name) - len(suffix)], suffix.lower()
    for n in range(1, 1000):
        target = corpus_dir / (name if n == 1 else f"{stem}-{n}{suffix}")
        if Path(f"{target}.meta.json").exists():
            continue  # a sidecar without its file would describe the upload
        try:
            with target.open("xb") as f:  # exclusive: a concurrent upload of the same name cannot be overwritten
                f.write(data)
            return target
        except FileExistsError:
            continue
        except OSError as e:  # a full disk, a size limit: no partial file is left in the corpus
            target.unlink(missing_ok=True)
            raise CorpusError(f"{name} was not added: it could not be written into {corpus_dir} "
                              f"({e.strerror or e}). Free some space there, or check that the folder can be "
                              "written to.") from e
    raise CorpusError(f"Too many files named like {name} in the corpus. Rename the file and upload it again.")
