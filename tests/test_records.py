"""The quote unit record: it compares, sorts and hashes as the tuple of its sentence ids does."""
from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from qa.records import Unit

ids = st.integers(0, 50)
units = st.one_of(st.tuples(ids), st.tuples(ids, ids))


@settings(max_examples=200)
@given(st.lists(units, max_size=12))
def test_units_sort_and_deduplicate_as_their_tuples_do(tuples):
    assert [u.ids for u in sorted({Unit(t) for t in tuples})] == sorted(set(tuples))


def test_a_unit_names_its_first_and_last_sentence():
    single, pair = Unit.of(4), Unit.of(4, 5)
    assert (single.first, single.last, single.is_pair) == (4, 4, False)
    assert (pair.first, pair.last, pair.is_pair) == (4, 5, True)
    assert single.overlaps(pair) and not Unit.of(3).overlaps(pair)
    assert {single: 1}[Unit.of(4)] == 1 and single != (4,)


def test_the_file_reader_loads_none_of_the_pipeline_and_the_package_stays_offline():
    """The reader's worker process imports ``qa.ingest`` alone: the package loads its entry points on first use
    (qa/__init__.py), so the worker starts without the index, the embedder and their libraries. Importing the
    package sets the model hub offline before any of those can load."""
    import os
    import subprocess
    import sys

    code = ("import os, sys; import qa.ingest.sandbox; from qa.ingest.formats import _readers; _readers(); "
            "heavy = [m for m in ('qa.indexing.index', 'qa.answering.answer', 'bm25s', 'faiss', 'onnxruntime', "
            "'torch') if m in sys.modules]; print(heavy, os.environ.get('HF_HUB_OFFLINE')); "
            "from qa import ask, build_index, load_index, Index; "
            "print(callable(ask), 'qa.indexing.index' in sys.modules)")
    env = {k: v for k, v in os.environ.items() if k not in ("HF_HUB_OFFLINE", "TRANSFORMERS_OFFLINE")}
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True)
    assert out.stdout.splitlines() == ["[] 1", "True True"]
