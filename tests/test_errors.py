"""The error family: what users can cause is a QAError of a type callers can catch."""
from __future__ import annotations

import pytest

from qa import (
    QAError,
    build_index,
)
from qa.indexing.index import live_folder

from .hostile_corpus import _tiny


def test_unreadable_is_a_qa_error():
    """Unreadable belongs to the QAError family."""
    from qa.ingest.load import Unreadable

    assert issubclass(Unreadable, QAError)


def test_calibration_and_chunk_fitting_errors_are_qa_errors():
    """Calibrate and chunk fitting raise clear QAErrors, not bare ValueErrors."""
    from qa.ingest.chunk import _fit
    from qa.training.evaluate import calibrate

    with pytest.raises(QAError, match="Calibration needs answerable questions"):
        calibrate([{"support": 0.1, "answerable": False}])
    with pytest.raises(QAError, match="rate must be above 0 and at most 1"):
        calibrate([{"support": 0.1, "answerable": True}], answered=1.5)
    with pytest.raises(QAError, match="cannot be split to fit the embedding model's window"):
        _fit("ab", 0, 2, lambda text: False)


def test_a_missing_previous_index_is_known_by_its_type(tmp_path):
    """qa.indexing.reuse.previous_index catches IndexMissingError; a damaged index whose path says "No index in"
    is still reported as not reused."""
    config = _tiny(tmp_path, "No index in here")
    with (live_folder(config.index_dir) / "chunks.jsonl").open("a") as f:
        f.write("\n")
    report = build_index(config)
    assert any(n.startswith("Note: previous index not reused") for n in report.notes)
