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
