"""Whole-cell forms: what the detector settles in Arrow agrees with what the recognizers say one by one.

For every spec with a ``whole_re2``, a cell that is one written value (spaces around allowed) must be judged
the same way by the vectorised path (``whole_re2`` + ``validate_array``) as by the span regex + ``validate``.
"""

from __future__ import annotations

import random
import re

import pyarrow as pa
import pyarrow.compute as pc
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

import recognizers
from recognizers import amc, date_of_birth, email_address, iban, member_id, phone
from tests.strategies import amc_numbers, emails, foreign_ibans, ibans, member_ids, phones, written_dates

SPECS = {s.entity: s for s in recognizers.all_specs() if s.whole_re2 is not None}


def vectorised(spec, cells: list[str]) -> list[bool]:
    values = pa.array(cells, pa.string())
    shaped = pc.match_substring_regex(values, rf"^\s*(?:{spec.whole_re2})\s*$").to_pylist()
    if spec.whole_bounds is not None:
        shaped = [s and bool(b) for s, b in zip(shaped, spec.whole_bounds(values))]
    valid = spec.validate_array(values).to_pylist() if spec.validate_array else [True] * len(cells)
    return [s and v for s, v in zip(shaped, valid)]


def one_by_one(spec, cells: list[str]) -> list[bool]:
    out = []
    for cell in cells:
        match = spec.span_regex.fullmatch(cell.strip())
        out.append(bool(match) and (spec.validate is None or spec.validate(match.group(0))))
    return out


def test_every_high_volume_entity_has_a_whole_cell_form():
    assert {"EMAIL_ADDRESS", "PHONE_NUMBER", "IBAN_CODE", "FR_AMC", "FR_MUTUELLE_MEMBER_ID", "DATE_OF_BIRTH"} <= set(
        SPECS
    )


@settings(max_examples=80, deadline=None)
@given(st.lists(st.one_of(phones(), st.from_regex(r"0[0-9]{9}", fullmatch=True)), min_size=1, max_size=30))
def test_phone_cells_are_judged_alike(cells):
    assert vectorised(phone.SPEC, cells) == one_by_one(phone.SPEC, cells)


#: Forms the scores tell apart: bare digits (a letter O typed for the zero included), grouped, international,
#: in an allocated range or not.
_WRITTEN_PHONES = ["O1 42 15 23 35", "01 42 21 O9 28", " +33 (0)6 12 34 56 78 ", "O612345678", "0612345678",
                   "0033 6 12 34 56 78", "09 99 99 99 99"]


@settings(max_examples=80, deadline=None)
@given(st.lists(st.one_of(
    phones(), st.from_regex(r"0[0-9]{9}", fullmatch=True), st.from_regex(r"0[1-9](?: [0-9]{2}){4}", fullmatch=True),
    st.sampled_from(_WRITTEN_PHONES),
), min_size=1, max_size=30))
@example(_WRITTEN_PHONES)
def test_phone_cell_scores_are_scored_alike(cells):
    valid = [c for c, ok in zip(cells, one_by_one(phone.SPEC, cells)) if ok]
    trimmed = pc.utf8_trim_whitespace(pa.array(valid, pa.string()))
    assert phone.SPEC.score_array(trimmed).tolist() == [phone.SPEC.score_of(c.strip()) for c in valid]


@settings(max_examples=60, deadline=None)
@given(st.lists(st.one_of(ibans(), st.from_regex(r"FR76[0-9]{23}", fullmatch=True)), min_size=1, max_size=20))
def test_iban_check_digits_are_judged_alike(cells):
    fast = vectorised(iban.SPEC, cells)
    slow = [bool(iban.SPAN_REGEX.fullmatch(c.strip())) and iban.is_valid(c) for c in cells]
    # the vectorised path checks the country's structure and MOD 97-10; stdnum also checks the French RIB key
    assert all(f or not s for f, s in zip(fast, slow))
    assert fast == [
        bool(iban.SPAN_REGEX.fullmatch(c.strip())) and _structured(c) and _mod97(c) for c in cells
    ]


@settings(max_examples=60, deadline=None)
@given(st.lists(foreign_ibans(), min_size=1, max_size=30))
def test_foreign_iban_check_digits_are_judged_alike(cells):
    assert vectorised(iban.SPEC, cells) == [bool(iban.SPAN_REGEX.fullmatch(c)) and _structured(c) and _mod97(c)
                                            for c in cells]


def _structured(text: str) -> bool:
    """Whether the national part has its country's structure, as :mod:`stdnum.iban` checks it."""
    return re.fullmatch(iban.structure_re2(), iban.compact(text)) is not None


def _mod97(text: str) -> bool:
    number = iban.compact(text)
    moved = number[4:] + number[:4]
    return int("".join(str(int(c, 36)) for c in moved)) % 97 == 1


@settings(max_examples=60, deadline=None)
@given(st.lists(emails(), min_size=1, max_size=20))
def test_email_cells_are_judged_alike(cells):
    assert vectorised(email_address.SPEC, cells) == one_by_one(email_address.SPEC, cells)


@pytest.mark.parametrize("cell", [
    "a@" + "b" * 63 + ".fr", "a@" + "b" * 64 + ".fr", "a@b." + "c" * 24, "a@b." + "c" * 25,
    "a@b.xn--" + "c" * 59, "a@b.xn--" + "c" * 60, "a@b" + ".c" * 40 + ".fr", " x@exämple.香港 ", "a@b-.fr",
])
def test_email_label_and_domain_lengths_are_judged_alike(cell):
    assert vectorised(email_address.SPEC, [cell]) == one_by_one(email_address.SPEC, [cell])


def test_pseudonym_addresses_under_the_reserved_invalid_domain_are_not_emails():
    cells = ["EMAIL_abcdefghijklmnop@example.invalid", "jean@exemple.fr", " a..b@x.fr", ".a@x.fr"]
    assert vectorised(email_address.SPEC, cells) == one_by_one(email_address.SPEC, cells) == [
        False, True, False, False]


@settings(max_examples=60, deadline=None)
@given(st.lists(st.one_of(amc_numbers(), st.sampled_from(["00000000", "1111111111", "1234567"])),
                min_size=1, max_size=20))
def test_amc_cells_are_judged_alike(cells):
    assert vectorised(amc.SPEC, cells) == one_by_one(amc.SPEC, cells)


@settings(max_examples=60, deadline=None)
@given(st.lists(member_ids(), min_size=1, max_size=20))
def test_member_id_cells_are_judged_alike(cells):
    assert vectorised(member_id.SPEC, cells) == one_by_one(member_id.SPEC, cells)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.one_of(st.dates().flatmap(written_dates), st.sampled_from(["31/02/1985", "12/13/1990"])),
                min_size=1, max_size=20))
def test_date_cells_are_judged_alike(cells):
    assert vectorised(date_of_birth.SPEC, cells) == one_by_one(date_of_birth.SPEC, cells)


@pytest.mark.parametrize("seed", range(3))
def test_phone_validity_is_libphonenumbers_for_random_numbers(seed):
    import phonenumbers

    rng = random.Random(seed)
    for _ in range(300):
        number = "0" + str(rng.randint(1, 9)) + "".join(rng.choice("0123456789") for _ in range(8))
        direct = any(phonenumbers.is_valid_number(phonenumbers.parse(number, region)) for region in phone.REGIONS)
        mobile = number[:2] in ("06", "07")  # the block whole, beyond the ranges libphonenumber lists
        assert phone.is_valid(number) == (direct or mobile), number
