"""Deterministic synthetic French tiers-payant data, with its ground truth.

Not installed with leakguard: run from the repository root (``python -m synthetic ...``) or import it from
the tests and benchmarks. Nothing here is real: every identifier is generated with a valid key computed, and
every name comes from Faker's ``fr_FR`` lists.

* :mod:`synthetic.identifiers` — one identifier at a time (NIR in every written form, typos, invoice
  numbers, SIRET, EAN-13, IBAN, phones, AMC and member numbers, guarantees, insurer names, ...);
* :mod:`synthetic.people` — coherent people (NIR consistent with sex and date of birth, e-mail from name);
* :mod:`synthetic.tables` — 17-column beneficiary tables of millions of rows, vectorised; call-centre notes;
* :mod:`synthetic.logs` — gateway logs mixing text and JSON payloads;
* :mod:`synthetic.files` — Parquet (flat and nested), CSV (``;``, BOM or cp1252), JSON lines, logs, ``.gz``;
* :mod:`synthetic.truth` — the ground truth: every true span as ``(row, column, start, end, entity)``.
"""

from synthetic.tables import BENEFICIARY_COLUMNS, beneficiary_table
from synthetic.truth import TRUTH_SCHEMA, GroundTruth

__all__ = ["BENEFICIARY_COLUMNS", "TRUTH_SCHEMA", "GroundTruth", "beneficiary_table"]
