"""Each entity's record (its module's ``RECORD``) is what the detector, previews, pseudonymiser and reports read."""

from __future__ import annotations

import importlib

import pyarrow as pa
import pytest

import recognizers
from leakguard.detect.engine import PRIORITY
from leakguard.findings import ENTITIES
from leakguard.preview import MASK, mask
from leakguard.pseudonymise import normalise
from leakguard.pseudonymise.normalise_arrays import normal_forms
from leakguard.pseudonymise.operators import OPERATORS, Policy
from leakguard.report import html_text, sarif

RECORDS = recognizers.all_records()
MODULES = ["amc", "date_of_birth", "email_address", "guarantee", "iban", "insurer", "member_id", "nir", "person",
           "phone"]
#: A value of each entity as people write it (validators' test vectors and placeholders).
EXAMPLES = {
    "FR_NIR": "2 55 08 14 168 025 38",
    "FR_AMC": "31203478",
    "FR_MUTUELLE_MEMBER_ID": "00123456",
    "FR_HEALTH_INSURER": "Harmonie Mutuelle",
    "FR_HEALTH_GUARANTEE": "OPTI 200%",
    "DATE_OF_BIRTH": "21/09/1965",
    "PERSON": "Marie Dupont",
    "EMAIL_ADDRESS": "marie.dupont@example.org",
    "PHONE_NUMBER": "01 23 45 67 89",
    "IBAN_CODE": "FR76 3000 6000 0112 3456 7890 189",
}


def test_every_entity_module_has_one_record_and_the_contract_lists_them():
    names = {importlib.import_module(f"recognizers.{name}").RECORD.name for name in MODULES}
    assert names == set(ENTITIES) == {r.name for r in RECORDS} == set(EXAMPLES)
    assert tuple(r.name for r in RECORDS) == ENTITIES  # the contract's order: exposure bits, report order
    for name in MODULES:
        module = importlib.import_module(f"recognizers.{name}")
        assert module.RECORD.name == module.ENTITY


def test_records_tell_apart_what_must_be_unique():
    assert sorted(r.priority for r in RECORDS) == list(range(len(RECORDS)))
    assert PRIORITY[0] == "FR_NIR" and PRIORITY[-1] == "PERSON"  # checkable identifiers win ties, names last
    prefixes = [r.token_prefix for r in RECORDS]
    assert len(set(prefixes)) == len(prefixes) and all(p.isupper() and p.endswith("_") for p in prefixes)
    ids = [r.sarif.id for r in RECORDS]
    assert len(set(ids)) == len(ids) and all(i.startswith("LG-") for i in ids)
    assert {r.sarif.level for r in RECORDS} <= {"error", "warning"}
    assert all(0 < float(r.sarif.security_severity) <= 10 for r in RECORDS)


@pytest.mark.parametrize("record", RECORDS, ids=lambda r: r.name)
def test_each_consumer_reads_the_record(record: recognizers.EntityRecord):
    value = EXAMPLES[record.name]
    preview = mask(record.name, value)
    assert sum(c.isalnum() for c in preview) == min(record.preview_keep, sum(c.isalnum() for c in value))
    assert MASK in preview
    rule = sarif.rule(record.name)
    assert (rule["id"], rule["name"], rule["defaultConfiguration"]["level"]) == (
        record.sarif.id, record.sarif.name, record.sarif.level)
    assert rule["properties"]["security-severity"] == record.sarif.security_severity
    policy = Policy(bytes(32))
    assert record.default_operator in OPERATORS and policy[record.name].name == record.default_operator
    token = Policy(bytes(32), {record.name: "token"})[record.name].apply_one(value)
    assert token.startswith(record.token_prefix)
    assert normalise.NORMALISERS[record.name] is normalise.FORMS[record.normal_form]
    assert normal_forms(record.name, pa.array([value])).to_pylist() == [normalise.normalise(record.name, value)]
    for language in html_text.LANGUAGES:
        assert html_text.ENTITY_LABELS[language][record.name] == record.label(language)
