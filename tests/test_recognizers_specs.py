"""The contract every EntitySpec keeps with ``leakguard.detect``, and the package's shape.

``leakguard.detect`` runs each spec's RE2 pre-filter over whole Arrow arrays and the Python span regex only on
the strings that pass it, so a pre-filter that misses a string the span regex matches silently loses
findings. These tests hold every spec to it, on realistic texts and on arbitrary Unicode.
"""

from __future__ import annotations

import doctest
import importlib
import os
import subprocess
import sys
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import recognizers
from tests.strategies import (
    amc_numbers,
    birth_date_texts,
    card_like_numbers,
    emails,
    guarantees,
    ibans,
    insurer_names,
    invoice_numbers,
    member_ids,
    nirs,
    phones,
    sirets,
    texts_with,
    timestamps,
    written_forms,
)

SPECS = recognizers.all_specs()
MODULES = (
    "spec",
    "nir",
    "amc",
    "member_id",
    "insurer",
    "guarantee",
    "date_of_birth",
    "phone",
    "email_address",
    "iban",
    "person",
    "patterns",
)


def test_all_specs_come_in_the_documented_order():
    order = []
    for spec in SPECS:
        if spec.entity not in order:
            order.append(spec.entity)
    assert order == [
        "FR_NIR",
        "IBAN_CODE",
        "EMAIL_ADDRESS",
        "PHONE_NUMBER",
        "FR_AMC",
        "FR_MUTUELLE_MEMBER_ID",
        "DATE_OF_BIRTH",
        "FR_HEALTH_GUARANTEE",
        "FR_HEALTH_INSURER",
    ]


def test_numbers_without_a_check_digit_and_dates_are_never_reported_without_context():
    for spec in SPECS:
        if spec.entity in ("FR_AMC", "FR_MUTUELLE_MEMBER_ID", "DATE_OF_BIRTH"):
            assert spec.needs_context and spec.context, spec.name


@pytest.mark.parametrize("spec", SPECS, ids=lambda s: s.name)
def test_every_prefilter_is_re2_without_lookarounds(spec):
    for construct in ("(?=", "(?!", "(?<=", "(?<!", "(?P="):
        assert construct not in spec.prefilter
    pc.match_substring_regex(pa.array(["x"]), spec.prefilter)  # raises ArrowInvalid if RE2 rejects it


def realistic_texts() -> st.SearchStrategy[str]:
    values = st.one_of(
        nirs().flatmap(written_forms),
        ibans(),
        emails(),
        phones(),
        amc_numbers(),
        member_ids(),
        birth_date_texts(),
        guarantees(),
        insurer_names(),
        invoice_numbers(),
        sirets(),
        card_like_numbers(),
        timestamps(),
    )
    entity = st.sampled_from(
        [
            None,
            "FR_NIR",
            "FR_AMC",
            "FR_MUTUELLE_MEMBER_ID",
            "FR_HEALTH_INSURER",
            "FR_HEALTH_GUARANTEE",
            "DATE_OF_BIRTH",
            "EMAIL_ADDRESS",
            "PHONE_NUMBER",
            "IBAN_CODE",
        ]
    )
    return st.tuples(values, entity).flatmap(lambda ve: texts_with(*ve)).map(str)


#: Characters the two engines are most likely to read differently: Unicode digits, dotted and dotless i,
#: long s, Kelvin sign, accented capitals, no-break spaces.
TRICKY = "0123456789٠١٢٣٤٥٦٧٨٩０１２ İıſKÉÈÀÇéèàçœŒ\u00a0\u202f\t.-/:%€@+_'’ABFRMGENPHARamcsiteoplnu"


def arbitrary_texts() -> st.SearchStrategy[str]:
    return st.one_of(st.text(alphabet=TRICKY, max_size=60), st.text(max_size=40))


#: Look-alike characters Python's Unicode-aware classes and case folding accept and RE2 does not.
LOOK_ALIKES = (
    str.maketrans("56789", "٥٦٧٨٩"),  # some digits only: the first one stays ASCII
    str.maketrans("02468", "０２４６８"),
    str.maketrans("iI", "ıİ"),
    str.maketrans({" ": "\u2003"}),
)


def look_alike_texts() -> st.SearchStrategy[str]:
    """Realistic texts with digits, i's or spaces swapped for look-alikes."""
    return st.tuples(realistic_texts(), st.sampled_from(LOOK_ALIKES)).map(lambda tt: tt[0].translate(tt[1]))


def spans_missed_by_prefilter(texts: list[str]) -> list[tuple[str, str]]:
    missed = []
    array = pa.array(texts, pa.string())
    for spec in SPECS:
        passed = pc.match_substring_regex(array, spec.prefilter).to_pylist()
        for text, ok in zip(texts, passed, strict=True):
            if not ok and spec.span_regex.search(text):
                missed.append((spec.name, text))
    return missed


@given(texts=st.lists(realistic_texts(), min_size=1, max_size=20))
@settings(max_examples=60, deadline=None)
def test_every_prefilter_matches_every_realistic_text_its_span_regex_matches(texts):
    assert spans_missed_by_prefilter(texts) == []


@given(texts=st.lists(look_alike_texts(), min_size=1, max_size=20))
@settings(max_examples=60, deadline=None)
def test_every_prefilter_matches_every_look_alike_text_its_span_regex_matches(texts):
    assert spans_missed_by_prefilter(texts) == []


@given(texts=st.lists(arbitrary_texts(), min_size=1, max_size=20))
@settings(max_examples=100, deadline=None)
def test_every_prefilter_matches_every_arbitrary_text_its_span_regex_matches(texts):
    assert spans_missed_by_prefilter(texts) == []


@given(data=st.data())
@settings(max_examples=60, deadline=None)
def test_context_is_found_on_the_folded_text_whatever_the_case_and_accents(data):
    spec = data.draw(st.sampled_from([s for s in SPECS if s.context]))
    word = data.draw(st.sampled_from(spec.context))
    written = data.draw(st.sampled_from([word, word.upper(), word.title()]))
    folded = recognizers.spec.fold(f"{written} : ")
    assert spec.has_context(folded, len(folded))


@pytest.mark.parametrize("name", MODULES)
def test_module_doctests_pass(name):
    module = importlib.import_module(f"recognizers.{name}")
    result = doctest.testmod(module)
    assert result.failed == 0


def test_importing_recognizers_does_not_import_leakguard():
    code = (
        "import sys, recognizers; recognizers.all_specs(); recognizers.all_recognizers(); "
        "sys.exit('leakguard' in sys.modules)"
    )
    root = Path(__file__).resolve().parent.parent
    assert subprocess.run([sys.executable, "-c", code], cwd=root, check=False).returncode == 0


_VARIANTS = {"a": "aàâ", "c": "cç", "e": "eéèêë", "i": "iîï", "o": "oô", "u": "uùû"}


@settings(max_examples=200, deadline=None)
@given(data=st.data())
def test_every_text_with_a_context_word_matches_the_context_prefilter(data):
    spec = data.draw(st.sampled_from([s for s in recognizers.all_specs() if s.context]))
    word = data.draw(st.sampled_from(sorted(spec.context)))
    spelled = "".join(data.draw(st.sampled_from(_VARIANTS.get(c, c))) for c in word)
    spelled = data.draw(st.sampled_from([spelled, spelled.upper(), spelled.title()]))
    text = data.draw(st.text(max_size=20)) + spelled + data.draw(st.text(max_size=20))
    assert recognizers.spec.fold(spelled) == recognizers.spec.fold(word)
    assert pc.match_substring_regex(pa.array([text]), spec.context_re2())[0].as_py(), (word, text)


#: A digest of every upper-case constant of the recognizers' modules (their patterns, pre-filters, word lists).
_CONSTANTS_DIGEST = """
import hashlib, importlib, pkgutil, recognizers
constants = []
for module in sorted(m.name for m in pkgutil.iter_modules(recognizers.__path__) if not m.ispkg):
    values = vars(importlib.import_module(f"recognizers.{module}"))
    constants += [(module, name, values[name]) for name in sorted(values)
                  if name.isupper() and isinstance(values[name], (str, tuple))]
print(len(constants), hashlib.sha256(repr(constants).encode()).hexdigest())
"""


def test_patterns_are_the_same_whatever_the_hash_seed() -> None:
    """Patterns built from sets are ordered by more than length: RE2 builds another program for another order of
    the same alternatives, and past its memory for one a pre-filter runs many times slower (a process in three
    scanned a log at a third of the speed before)."""
    digests = {subprocess.run([sys.executable, "-c", _CONSTANTS_DIGEST], capture_output=True, text=True, check=True,
                              env={**os.environ, "PYTHONHASHSEED": str(seed)}).stdout
               for seed in (1, 2, 5)}
    assert len(digests) == 1, digests
