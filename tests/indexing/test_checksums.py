"""Index checksums taken while writing, and remembered per file: they equal the files' bytes as read back,
and a file changed in place after it was hashed is refused all the same."""
from __future__ import annotations

import hashlib

import numpy as np
import pytest

from qa import IndexMismatchError, load_index
from qa.indexing import checksums
from qa.indexing.index import live_folder, read_manifest, verified_manifest

from ..hostile_corpus import _tiny


def test_written_checksums_equal_the_bytes_on_disk(tmp_path):
    config = _tiny(tmp_path)
    folder = live_folder(config.index_dir)
    files = read_manifest(config.index_dir)["files"]
    assert {"documents.jsonl", "chunks.jsonl", "vectors.npy", "sentences.npy", "bm25/terms.jsonl"} <= set(files)
    on_disk = {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
               for p in folder.rglob("*") if p.is_file() and p.name != "manifest.json"}
    assert files == on_disk


@pytest.mark.parametrize("name", ["sentences.npy", "chunks.jsonl", "bm25/terms.jsonl"])
def test_a_file_changed_in_place_after_hashing_is_refused(tmp_path, name):
    """Same size, same path, one byte different: the remembered digest no longer applies."""
    config = _tiny(tmp_path)
    load_index(config.index_dir, config)  # every file hashed (and remembered) in this process
    path = live_folder(config.index_dir) / name
    with path.open("r+b") as f:
        f.seek(path.stat().st_size - 2)
        byte = f.read(1)
        f.seek(-1, 1)
        f.write(bytes([byte[0] ^ 1]))
    with pytest.raises(IndexMismatchError, match="do not match their checksums"):
        verified_manifest(config.index_dir)


def test_arrays_of_every_shape_hash_as_np_save_writes_them(tmp_path):
    for n, array in enumerate([np.zeros((0, 384), np.float32), np.arange(12, dtype=np.int64).reshape(3, 4),
                               np.random.default_rng(0).random((5, 3)).astype(np.float32)]):
        path = tmp_path / f"{n}.npy"
        checksums.write_array(path, array)
        np.save(tmp_path / f"{n}-numpy.npy", array, allow_pickle=False)
        assert path.read_bytes() == (tmp_path / f"{n}-numpy.npy").read_bytes()
        assert checksums.sha256(path) == hashlib.sha256(path.read_bytes()).hexdigest()
        np.testing.assert_array_equal(np.load(path), array)
