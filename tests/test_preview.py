"""Masked previews: the vectorised form equals the scalar one, and nothing past the kept head survives."""

from __future__ import annotations

import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from leakguard import preview
from leakguard.preview import KEEP, MASK, mask, mask_array
from tests.strategies import nirs

ENTITIES = st.sampled_from([*KEEP, "OTHER"])
TEXT = st.one_of(
    st.text(alphabet="0123456789 .-", max_size=30),
    st.text(alphabet=st.characters(codec="ascii"), max_size=60),
    st.text(max_size=60),
)


@settings(max_examples=300)
@given(entity=ENTITIES, values=st.lists(st.one_of(st.none(), TEXT), max_size=40))
def test_the_vectorised_mask_equals_the_scalar_mask(entity, values):
    expected = [None if v is None else mask(entity, v) for v in values]
    assert mask_array(entity, pa.array(values, pa.string())).to_pylist() == expected


@settings(max_examples=100)
@given(entity=ENTITIES, values=st.lists(TEXT, min_size=2, max_size=20), start=st.integers(0, 5))
def test_slices_of_arrays_are_masked_like_whole_ones(entity, values, start):
    array = pa.array(values, pa.string()).slice(min(start, len(values) - 1))
    assert mask_array(entity, array).to_pylist() == [mask(entity, v) for v in array.to_pylist()]


@settings(max_examples=100)
@given(entity=ENTITIES, values=st.lists(st.one_of(st.none(), TEXT), min_size=1, max_size=40),
       slice_bytes=st.integers(1, 200), start=st.integers(0, 5))
def test_arrays_masked_in_slices_are_masked_like_whole_ones(entity, values, slice_bytes, start):
    array = pa.array(values, pa.string()).slice(min(start, len(values) - 1))
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(preview, "SLICE_BYTES", slice_bytes)
        masked = mask_array(entity, array)
    assert masked.to_pylist() == [None if v is None else mask(entity, v) for v in array.to_pylist()]


@given(entity=ENTITIES, value=st.text(alphabet="0123456789ABCDEFabcdef", min_size=1, max_size=40))
def test_only_the_head_of_a_value_is_kept(entity, value):
    keep = KEEP.get(entity, 1)
    preview = mask(entity, value)
    assert preview[:keep] == value[:keep]
    assert set(preview[keep:]) <= {MASK}


@given(nir=nirs("nir"), space=st.sampled_from(["\u00a0", "\u202f", "\u2009", "\u2007"]))
def test_a_nir_written_with_unicode_spaces_previews_with_plain_spaces(nir, space):
    written = " ".join([nir[0], nir[1:3], nir[3:5], nir[5:7], nir[7:10], nir[10:13], nir[13:]]).replace(" ", space)
    expected = mask("FR_NIR", written.replace(space, " "))
    assert mask("FR_NIR", written) == expected
    assert mask_array("FR_NIR", pa.array([written])).to_pylist() == [expected]
    assert expected.isprintable() and expected.count(" ") == 6
