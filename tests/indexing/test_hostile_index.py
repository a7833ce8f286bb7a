"""A damaged or interrupted index: truncated files, edited manifests and pointers outside the index are
refused with the command that fixes them; cancelled builds leave the previous index; one live index in memory."""
from __future__ import annotations

import gc
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
import weakref
from pathlib import Path

import pytest

from qa import (
    Config,
    IndexMismatchError,
    QAError,
    ask,
    build_index,
    load_index,
)
from qa.indexing.index import live_folder

from ..conftest import ROOT
from ..hostile_corpus import (
    _copy,
    _run,
    _sign,
    _tiny,
)


def _data_files(config: Config) -> list[str]:
    folder = live_folder(config.index_dir)
    return sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file()
                  and p.name != "manifest.json")


def test_each_truncated_data_file_is_refused(hostile, tmp_path):
    names = _data_files(hostile[0])
    assert {"documents.jsonl", "chunks.jsonl", "vectors.npy", "sentences.npy"} <= set(names)
    for n, name in enumerate(names):
        config = _copy(hostile[0], tmp_path / str(n))
        path = live_folder(config.index_dir) / name
        path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])
        with pytest.raises(IndexMismatchError, match=r"do not match their checksums.*python -m qa build --full"):
            load_index(config.index_dir, config)


def test_docs_checks_the_index_as_ask_does(hostile, tmp_path):
    """`qa docs` on a damaged index is an error (exit 2), not a listing."""
    config = _copy(hostile[0], tmp_path)
    with (live_folder(config.index_dir) / "vectors.npy").open("r+b") as f:
        f.truncate(100)
    for command in ("docs", "doc"):
        out = _run(command, *(["lighthouse.txt"] if command == "doc" else []), "--index", str(config.index_dir))
        assert out.returncode == 2 and b"do not match their checksums" in out.stderr
        assert b"Traceback" not in out.stderr and out.stdout == b""


def test_edited_manifest_fails_its_checksum(hostile, tmp_path):
    config = _copy(hostile[0], tmp_path)
    path = live_folder(config.index_dir) / "manifest.json"
    path.write_text(path.read_text().replace("The old mill", "The new mill"))
    with pytest.raises(IndexMismatchError, match=r"Damaged manifest: .* does not match its checksum in .*CURRENT"):
        load_index(config.index_dir, config)


@pytest.mark.parametrize(("edit", "problem"), [
    (lambda m: m.pop("documents"), "missing documents"),
    (lambda m: m.pop("files"), "missing files"),
    (lambda m: m.update(documents=[]), "documents should be of type dict"),
    (lambda m: m["documents"]["mill.md"].pop("title"), "missing documents['mill.md'].title"),
    (lambda m: m["documents"]["mill.md"].update(chunks="2"), "documents['mill.md'].chunks should be of type int"),
])
def test_manifest_missing_keys_is_a_damaged_manifest(hostile, tmp_path, edit, problem):
    """A manifest that is valid JSON but lacks `documents` is a clear error in ask and docs."""
    config = _copy(hostile[0], tmp_path)
    path = live_folder(config.index_dir) / "manifest.json"
    manifest = json.loads(path.read_text())
    edit(manifest)
    path.write_text(json.dumps(manifest))
    _sign(config.index_dir)
    with pytest.raises(IndexMismatchError, match=rf"Damaged manifest in .*\({re.escape(problem)}\)"):
        ask("When was the mill built?", index=config.index_dir, config=config)
    if problem == "missing documents":
        out = _run("docs", "--index", str(config.index_dir))
        assert out.returncode == 2 and b"Damaged manifest" in out.stderr and b"Traceback" not in out.stderr


@pytest.mark.parametrize("pointer", ["../../other/{name}", "/tmp/{name}", "{name}/../../other/{name}", "."])
def test_current_must_name_a_build_inside_the_index(hostile, tmp_path, pointer):
    """CURRENT naming another folder is refused, never answered from."""
    config = _copy(hostile[0], tmp_path / "a")
    shutil.copytree(config.index_dir, tmp_path / "other", symlinks=True)
    name = live_folder(config.index_dir).name
    digest = (config.index_dir / "CURRENT").read_text().split()[1]
    (config.index_dir / "CURRENT").write_text(pointer.format(name=name) + f"\n{digest}\n")
    with pytest.raises(IndexMismatchError, match="not a build folder directly inside"):
        ask("When was the mill built?", index=config.index_dir, config=config)


def test_leftovers_of_killed_builds_are_cleaned(hostile, tmp_path):
    """A stray .CURRENT.<pid> and other leftovers are removed by the next build."""
    config = _copy(hostile[0], tmp_path)
    live = live_folder(config.index_dir)
    (config.index_dir / ".CURRENT.99999").write_text("build-dead\n")
    shutil.copytree(live, config.index_dir / ".tmp-build-99999-dead")
    shutil.copytree(live, config.index_dir / "build-99999-orphan")
    assert not ask("When was the mill built?", index=config.index_dir, config=config).abstained
    report = build_index(config)
    assert not report.written
    assert sorted(p.name for p in config.index_dir.iterdir()) == sorted([".lock", "CURRENT", live.name])


def _growing_copy(hostile, tmp_path: Path, docs: int) -> Config:
    """A copy of the hostile corpus and index, with ``docs`` more documents to embed."""
    shutil.copytree(hostile[0].corpus_dir, tmp_path / "corpus", symlinks=True)
    for i in range(docs):
        (tmp_path / "corpus" / f"extra{i:03d}.txt").write_text(f"Extra document {i} is about item {i}. " * 15)
    return _copy(hostile[0], tmp_path).with_(corpus_dir=tmp_path / "corpus")


def _listing(index_dir: Path) -> tuple[list[str], str]:
    return sorted(p.name for p in index_dir.iterdir()), (index_dir / "CURRENT").read_text()


def test_build_can_be_cancelled(hostile, tmp_path):
    """A rebuild stops at the next batch when cancelled; the old index keeps answering."""
    from qa.errors import BuildCancelled

    config = _growing_copy(hostile, tmp_path, 30)
    before = _listing(config.index_dir)
    cancel = threading.Event()

    def progress(fraction: float, message: str) -> None:
        if message.startswith("Embedding"):
            cancel.set()

    with pytest.raises(BuildCancelled, match=r"The build was cancelled; the index in .* is unchanged"):
        build_index(config, cancel=cancel, on_progress=progress)
    assert _listing(config.index_dir) == before
    assert ask("When was the mill built?", index=config.index_dir, config=config).quotes[0].source == "mill.md"
    assert isinstance(BuildCancelled("x"), QAError)


def test_ctrl_c_cancels_a_cli_build(hostile, tmp_path):
    config = _growing_copy(hostile, tmp_path, 40)
    before = _listing(config.index_dir)
    proc = subprocess.Popen([sys.executable, "-m", "qa", "build", "--full", "--corpus", str(config.corpus_dir),
                             "--index", str(config.index_dir)], cwd=ROOT, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE)
    seen, deadline = b"", time.monotonic() + 240
    while b"Embedding" not in seen and time.monotonic() < deadline:
        seen += os.read(proc.stderr.fileno(), 4096)
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=240)
    assert proc.returncode == 130, (seen + err).decode(errors="replace")[-2000:]
    assert b"cancelled: The build was cancelled" in err and b"Traceback" not in err
    assert _listing(config.index_dir) == before


def test_stale_check_hashes_only_what_changed(tmp_path):
    """The stale-corpus note compares sizes and times, and re-checks at most once per interval."""
    from qa.indexing.stale import corpus_changes

    config = _tiny(tmp_path)
    path = config.corpus_dir / "a.txt"
    assert corpus_changes(config, max_age=0) == []
    stat = path.stat()
    path.write_text("The tower was built in 1872. It is tall.")  # same size
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    assert corpus_changes(config, max_age=0) == []  # same size and time: not read at all
    path.write_text("The tower was built in 1871. It is taller.")
    assert corpus_changes(config, max_age=60) == []  # within the interval: the last answer
    assert corpus_changes(config, max_age=0) == ["changed a.txt"]


def test_only_the_live_index_stays_in_memory(tmp_path):
    """A rebuilt index replaces the old one in memory instead of joining a cache of eight, and
    nothing answering a question (per-index statistics, features) keeps the old one alive."""
    from qa.indexing.index import Index

    config = _tiny(tmp_path)
    old = weakref.ref(load_index(config.index_dir, config))
    assert ask("When was the tower built?", index=config.index_dir, config=config).quotes[0].text == \
        "The tower was built in 1871."
    (config.corpus_dir / "b.txt").write_text("The bridge opened in 1932.")
    build_index(config)
    assert set(load_index(config.index_dir, config).documents) == {"a.txt", "b.txt"}
    assert ask("When did the bridge open?", index=config.index_dir, config=config).quotes[0].text == \
        "The bridge opened in 1932."
    gc.collect()
    assert old() is None
    live = [o for o in gc.get_objects() if isinstance(o, Index) and tmp_path in o.folder.parents]
    assert len(live) == 1 and set(live[0].documents) == {"a.txt", "b.txt"}
