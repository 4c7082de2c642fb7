"""Candidate texts searched as one string give the spans of the text-by-text search, spec by spec.

Held against :meth:`recognizers.spec.EntitySpec.find` on each text alone: the third-party texts of the own
development set (``benchmarks/data/third_party``), and Hypothesis lists of texts whose ends hold identifiers,
digits, separators, ``@`` and white space, where a match could run from one text into the next.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import recognizers
from leakguard.detect.joined import Joined, find_many
from tests import strategies

#: the entities searched as one string (no ``finder``): NIR, IBAN, e-mail, AMC, member id, guarantee, phone
JOINED_SPECS = [s for s in recognizers.all_specs() if s.finder is None]
THIRD_PARTY = Path(__file__).parents[1] / "benchmarks" / "data" / "third_party" / "fr_third_party.jsonl"


def _one_by_one(spec: recognizers.EntitySpec, texts: list[str], context: bool) -> list[tuple[int, int, int, float]]:
    return sorted((i, *span) for i, text in enumerate(texts) for span in spec.find(text, context=context))


def _spec_id(spec: recognizers.EntitySpec) -> str:
    return f"{spec.entity}:{spec.name[:24]}"


@pytest.fixture(scope="module")
def third_party_texts() -> list[str]:
    return [json.loads(line)["text"] for line in THIRD_PARTY.read_text(encoding="utf-8").splitlines()]


def test_joined_specs_are_the_pattern_only_ones():
    assert {s.entity for s in JOINED_SPECS} == {
        "FR_NIR", "IBAN_CODE", "EMAIL_ADDRESS", "FR_AMC", "FR_MUTUELLE_MEMBER_ID", "FR_HEALTH_GUARANTEE",
        "PHONE_NUMBER"}


@pytest.mark.parametrize("spec", JOINED_SPECS, ids=_spec_id)
@pytest.mark.parametrize("context", [False, True])
def test_third_party_texts_give_the_same_spans(spec, context, third_party_texts):
    found = sorted(find_many(spec, third_party_texts, context=context))
    assert found == _one_by_one(spec, third_party_texts, context)
    assert found or spec.needs_context or spec.name.startswith("e-mail address written")


#: pieces that open or close a text: identifiers in their written forms, and what may stand next to them
_EDGES = st.one_of(
    strategies.nirs().flatmap(strategies.written_forms), strategies.nirs().map(" ".join),  # digit by digit
    strategies.nirs().map(lambda n: f"{n[:13]} (clé : {n[13:]})"), strategies.nirs().map(lambda n: n[:13]),
    strategies.ibans(), strategies.emails(),
    strategies.amc_numbers(), strategies.member_ids(), strategies.phones(),
    st.sampled_from(["N° SS", "NIR :", "IBAN", "mutuelle n°", "adhérent", "AMC", "PHAR 100 %", "OPTI",
                     "Niveau 3", "facture n°", "clé : 91", ", clef", "@", " @ ", "[at]", ".fr", "-", ".", " ", "\t",
                     "\n", "1", "12", "2A", "jean", "arobase", "chez", "dot", "é"]),
)
_TEXTS = st.lists(st.lists(_EDGES, min_size=0, max_size=4).map("".join), min_size=1, max_size=6)


@settings(max_examples=150, deadline=None)
@given(texts=_TEXTS, context=st.booleans())
def test_texts_whose_ends_touch_give_the_same_spans(texts, context):
    for spec in JOINED_SPECS:
        assert sorted(find_many(spec, texts, context=context)) == _one_by_one(spec, texts, context), spec.name


#: a valid NIR written digit by digit (python-stdnum's example, ``stdnum.fr.nir``): its pattern looks one digit
#: and one space past each end, where a separator other than a newline would change what it finds
SPACED_NIR = " ".join("295109912611193")


@pytest.mark.parametrize(
    "texts",
    [
        ["N° SS " + SPACED_NIR, "2 rue des Lilas"],  # "(?! [0-9])" after the number
        ["code 7", SPACED_NIR + " est son NIR"],  # "(?<![0-9] )" before it
        ["IBAN FR76", "3000 6000 0112 3456 7890 189"],
        ["AMC", "12345678"],
    ],
)
def test_the_separator_is_a_boundary_for_every_pattern(texts):
    for spec in JOINED_SPECS:
        for context in (False, True):
            assert sorted(find_many(spec, texts, context=context)) == _one_by_one(spec, texts, context), spec.name


@pytest.mark.parametrize(
    ("texts", "alone"),
    [
        (["écrire à jean", "@ exemple . fr"], [0, 1]),  # an obfuscated address would join the two texts
        (["a", "jean", "@ exemple . fr", "b"], [1, 2]),
        (["jean@exemple.fr", "paul@exemple.fr"], []),
    ],
)
def test_matches_over_a_separator_send_their_texts_to_be_searched_alone(texts, alone):
    spec = next(s for s in JOINED_SPECS if s.name.startswith("e-mail address written"))
    spans = list(Joined(texts).spans(spec.span_regex))
    assert sorted(owner for owner, _, _, match in spans if match is None) == alone
    assert sorted(find_many(spec, texts, context=False)) == _one_by_one(spec, texts, False)
