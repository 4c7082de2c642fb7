"""Format-preserving encryption of NIRs: exact inverse on every written form, bodies without key, sex digit.

The properties are stated over every written form the generators know (``tests.strategies.nir_written_forms``:
compact, grouped with spaces, no-break spaces, dots or dashes, 13 + key, overseas numbers in metropolitan
groups, Corsica in lower case) and every kind of number (NIR, NIA, temporary, Corsica, overseas, born abroad,
unknown month). Every NIR is generated.
"""

from __future__ import annotations

import pyarrow as pa
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from leakguard.pseudonymise.fpe import NirCipher, sex_choice
from leakguard.pseudonymise.operators import FpeOperator, OperatorProblem, parse_operator_option
from recognizers import nir
from tests.strategies import NIR_KINDS, nir_written_forms, nirs, seeded_nirs

KEY = bytes(range(32))
FAST = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
SEX_PAIRS = {"1": "2", "2": "1", "3": "4", "4": "3", "7": "8", "8": "7"}


def layout(written: str) -> str:
    """Where the digits, letters and other characters are: ``1 85`` -> ``9 99``; letters keep their case."""
    return "".join("9" if c.isdigit() else c if not c.isalpha() else "A" if c.isupper() else "a" for c in written)


def found_as_one_nir(text: str) -> bool:
    """What reidentify needs: the detector's pattern takes the whole value as one NIR, and the key holds."""
    match = nir.SPAN_REGEX.search(text)
    return match is not None and match.group(0) == text.strip() and nir.is_valid(text)


def operator(sex: str) -> FpeOperator:
    return FpeOperator("FR_NIR", KEY, None if sex == "keep" else f"sex={sex}")


@pytest.mark.parametrize("sex", ["keep", "random"])
@pytest.mark.parametrize("kind", NIR_KINDS[1:])
@given(data=st.data())
@FAST
def test_reidentify_of_pseudonymise_is_the_identity_on_every_written_form(kind, sex, data):
    number = data.draw(nirs(kind=kind))
    op = operator(sex)
    for written in nir_written_forms(number):
        out = op.apply_one(written)
        assert layout(out) == layout(written), (written, out)  # every separator where it was
        assert found_as_one_nir(out), out
        assert op.decrypt_one(out) == written


@given(number=nirs(kind="overseas"))
@FAST
def test_an_overseas_nir_in_metropolitan_groups_comes_back_in_those_groups(number):
    written = " ".join(number[a:b] for a, b in ((0, 1), (1, 3), (3, 5), (5, 7), (7, 10), (10, 13), (13, 15)))
    out = operator("keep").apply_one(written)
    assert [len(group) for group in out.split(" ")] == [1, 2, 2, 2, 3, 3, 2]
    assert operator("keep").decrypt_one(out) == written


@pytest.mark.parametrize("sex", ["keep", "random"])
@given(number=nirs(), lower=st.booleans(), separators=st.booleans())
@FAST
def test_a_nir_without_its_key_encrypts_to_another_body_and_back(number, sex, lower, separators):
    body = number[:13]
    written = " ".join((body[0], body[1:3], body[3:5], body[5:7], body[7:10], body[10:13])) if separators else body
    written = written.lower() if lower else written
    op = operator(sex)
    out = op.apply_one(written)
    assert layout(out) == layout(written) and not out.startswith("9")  # not the fallback token of non-NIRs
    compact = nir.compact(out)
    assert len(compact) == 13 and nir.is_valid(compact + nir.calc_check_digits(compact))
    assert compact[5:7].isdigit() == body[5:7].isdigit()  # 2A/2B stay, in their case
    assert op.decrypt_one(out) == written


@pytest.mark.parametrize("form", ["{body} clé : {key}", "{body}, clef {key}", "{body} (clé NIR {key})"])
@given(number=nirs())
@FAST
def test_a_key_given_apart_is_encrypted_with_its_body_and_its_words_stay(form, number):
    written = form.format(body=number[:13], key=number[13:])
    out = operator("keep").apply_one(written)
    assert layout(out) == layout(written) and not out.startswith("9")
    assert nir.is_valid("".join(out[i] for i in nir.number_positions(out)))
    assert operator("keep").decrypt_one(out) == written


@given(number=nirs())
@FAST
def test_a_wrong_key_given_apart_gets_a_numeric_token_around_its_words(number):
    wrong = f"{(int(number[13:]) + 1) % 100:02d}"
    written = f"{number[:13]} clé : {wrong}"
    out = operator("keep").apply_one(written)
    assert out[13:-2] == " clé : " and out.startswith("9") and (out[:13] + out[-2:]).isdigit()


def test_sex_random_hides_the_sex_digit_keeps_the_kind_and_stays_reversible():
    numbers = seeded_nirs(4000, seed=15)
    kept, hidden = operator("keep").apply(numbers), operator("random").apply(numbers)
    assert all(a[0] == b[0] for a, b in zip(numbers, kept))
    same = sum(a[0] == b[0] for a, b in zip(numbers, hidden))
    # a keyed coin per number: 2,000 expected; 1,850-2,150 holds with probability > 0.999 (binomial, sd 31.6)
    assert 1850 <= same <= 2150, same
    assert all(b[0] in (a[0], SEX_PAIRS[a[0]]) for a, b in zip(numbers, hidden))
    assert len(set(hidden)) == len(numbers) and all(nir.is_valid(v) for v in hidden)
    assert operator("random").decrypt(hidden) == numbers
    # the rest of the number is encrypted as with sex=keep: only the sex digit and the key differ
    assert all(a[1:13] == b[1:13] for a, b in zip(kept, hidden))


def test_two_numbers_differing_only_in_the_sex_digit_do_not_stay_paired():
    numbers = seeded_nirs(500, seed=16)
    twins = [SEX_PAIRS[n[0]] + n[1:13] for n in numbers]
    twins = [t + nir.calc_check_digits(t) for t in twins]
    for sex in ("keep", "random"):
        a, b = operator(sex).apply(numbers), operator(sex).apply(twins)
        assert sum(x[1:13] == y[1:13] for x, y in zip(a, b)) < 3


def test_sex_random_round_trips_an_int64_column():
    numbers = [int(n) for n in seeded_nirs(300, seed=17)]
    column = pa.array([*numbers, None], pa.int64())
    op = operator("random")
    out = op.apply_array(column)
    assert out.type == pa.int64() and op.decrypt_array(out).equals(column)


@pytest.mark.parametrize("text, expected", [
    ("FR_NIR=fpe", ("FR_NIR", "fpe")),
    ("FR_NIR=fpe:sex=random", ("FR_NIR", "fpe:sex=random")),
    ("FR_NIR=fpe:sex=keep", ("FR_NIR", "fpe:sex=keep")),
])
def test_the_sex_choice_is_an_operator_argument(text, expected):
    assert parse_operator_option(text) == expected


@pytest.mark.parametrize("text", ["FR_NIR=fpe:sex=shuffle", "FR_NIR=fpe:random", "FR_NIR=fpe:year=keep"])
def test_a_bad_sex_choice_says_what_is_allowed(text):
    with pytest.raises(OperatorProblem, match=r"fpe takes sex=keep or sex=random"):
        parse_operator_option(text)


def test_the_sex_choice_is_part_of_the_description():
    assert "sex digit randomised" in operator("random").describe()
    assert "sex digit kept" in operator("keep").describe()
    assert sex_choice(None) == "keep" and NirCipher(KEY).sex == "keep"
