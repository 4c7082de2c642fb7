"""Keyed pseudonymisation: keys, normal forms, operators, policies, and their use on tables, streams and files.

* :mod:`~leakguard.pseudonymise.keys` — the master key: made, read (``--key-file`` / ``LEAKGUARD_KEY``),
  checked, fingerprinted, and split into one sub-key per purpose (HKDF);
* :mod:`~leakguard.pseudonymise.normalise` — the normal form of each entity, hashed so that one value written
  differently gets one token;
* :mod:`~leakguard.pseudonymise.operators` — one module per operator (``token``, ``hmac``, ``fpe``,
  ``mask``, ``redact``, ``generalise``, ``keep``), on one value, a list, or an Arrow array, the factory that
  makes them by name and the :class:`Policy` that picks one per entity;
* :mod:`~leakguard.pseudonymise.cmac` — AES-CMAC of a whole array of values at once (the ``token`` MAC);
* :mod:`~leakguard.pseudonymise.fpe` — FF1 format-preserving encryption of NIRs onto valid NIRs;
* :mod:`~leakguard.pseudonymise.dates` — written dates of birth, parsed with their style;
* :mod:`~leakguard.pseudonymise.rewrite` — findings of a chunk -> replacement arrays (whole cells, spans);
* :mod:`~leakguard.pseudonymise.tables` — :func:`pseudonymise_table` and the streaming
  :func:`pseudonymise_batches`, the ETL entry points;
* :mod:`~leakguard.pseudonymise.files` — :func:`pseudonymise_file` and :func:`reidentify_file`, same format
  out as in (:mod:`~leakguard.pseudonymise.writers`, :mod:`~leakguard.pseudonymise.jsonlines`), written
  atomically (:mod:`~leakguard.pseudonymise.atomic`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from leakguard.lazy import lazy_names

#: Each name of the package and its module, imported on first use: a module that needs only the keys (a scan,
#: a baseline) does not import the file writers and the dump parsers.
_NAMES = {
    "DEFAULT_POLICY": "leakguard.pseudonymise.operators",
    "OPERATORS": "leakguard.pseudonymise.operators",
    "KeyProblem": "leakguard.pseudonymise.keys",
    "Operator": "leakguard.pseudonymise.operators",
    "OperatorProblem": "leakguard.pseudonymise.operators",
    "Policy": "leakguard.pseudonymise.operators",
    "PseudonymiseError": "leakguard.pseudonymise.files",
    "ReidentifyRefused": "leakguard.pseudonymise.files",
    "Report": "leakguard.pseudonymise.files",
    "VerificationFailed": "leakguard.pseudonymise.files",
    "fingerprint": "leakguard.pseudonymise.keys",
    "generate_key": "leakguard.pseudonymise.keys",
    "load_key": "leakguard.pseudonymise.keys",
    "parse_operator_option": "leakguard.pseudonymise.operators",
    "pseudonymise_batches": "leakguard.pseudonymise.tables",
    "pseudonymise_file": "leakguard.pseudonymise.files",
    "pseudonymise_table": "leakguard.pseudonymise.tables",
    "reidentify_file": "leakguard.pseudonymise.files",
}

__all__ = [
    "DEFAULT_POLICY",
    "OPERATORS",
    "KeyProblem",
    "Operator",
    "OperatorProblem",
    "Policy",
    "PseudonymiseError",
    "ReidentifyRefused",
    "Report",
    "VerificationFailed",
    "fingerprint",
    "generate_key",
    "load_key",
    "parse_operator_option",
    "pseudonymise_batches",
    "pseudonymise_file",
    "pseudonymise_table",
    "reidentify_file",
]

if TYPE_CHECKING:
    from leakguard.pseudonymise.files import (
        PseudonymiseError,
        ReidentifyRefused,
        Report,
        VerificationFailed,
        pseudonymise_file,
        reidentify_file,
    )
    from leakguard.pseudonymise.keys import KeyProblem, fingerprint, generate_key, load_key
    from leakguard.pseudonymise.operators import (
        DEFAULT_POLICY,
        OPERATORS,
        Operator,
        OperatorProblem,
        Policy,
        parse_operator_option,
    )
    from leakguard.pseudonymise.tables import pseudonymise_batches, pseudonymise_table


__getattr__, __dir__ = lazy_names(globals(), _NAMES)
