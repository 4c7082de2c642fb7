"""What ``leakguard pseudonymise`` writes in place of each entity: keyed operators, one per entity.

An *operator* turns the values of one entity into their replacements. Every operator has the interface of
:class:`~.base.Operator`: ``apply_one(value)``, ``apply(values)`` on a list (each distinct value is computed
once: dumps repeat the same NIR, name or insurer many times), ``apply_span(values)`` for spans found inside a
longer text, and ``apply_array(array)`` on an Arrow array, which works on the array's distinct values only
(dictionary encoding, then ``take``) and keeps the array's type, so a table keeps its schema.

One module per operator (``--operator ENTITY=NAME[:ARG]``), the factory that makes them by name
(:mod:`.factory`) and the policy that picks one per entity (:mod:`.policy`):

``token`` (:mod:`.token`, the default for identifiers)
    A typed token, ``NIR_`` + 16 base32 characters: AES-CMAC of the entity and the normalised value under a
    key derived from the master key, computed for a whole column at once. E-mails stay e-mail-shaped
    (``EMAIL_…@example.invalid``); integer columns get a fixed-width decimal that is never a NIR. Not
    reversible. The format of these tokens is in :mod:`.keyed`.
``hmac`` (:mod:`.hmac`)
    The same shape from HMAC-SHA256 (the default before ``token``; its tokens differ).
``fpe[:sex=random]`` (:mod:`.fpe`)
    ``FR_NIR`` only: another valid NIR in the same written form, FF1-encrypted
    (:mod:`leakguard.pseudonymise.fpe`); ``sex=random`` hides the sex digit too. Reversible with the key:
    ``leakguard reidentify``.
``mask[:N]`` (:mod:`.mask`)
    The last N letters/digits kept (default 4), the others ``*``, separators kept.
``redact`` (:mod:`.redact`)
    Whole cells: the empty string (``null`` in Arrow arrays, whatever their type). Spans inside a text:
    ``[REDACTED]``, so the text still reads.
``generalise[:year|month]`` (:mod:`.generalise`)
    ``DATE_OF_BIRTH`` only: the date cut to its year (default) or month and written in the same form.
``keep`` (:mod:`.keep`)
    The value unchanged. Insurer names and guarantees are not personal data on their own: they are kept by
    default, and the policy says so.

>>> policy = Policy(bytes(32))
>>> [policy[e].name for e in ("FR_NIR", "DATE_OF_BIRTH", "FR_HEALTH_INSURER", "SOME_FUTURE_ENTITY")]
['token', 'generalise', 'keep', 'token']

Sources: NIST SP 800-38B and RFC 4493 (CMAC), RFC 2104 (HMAC), RFC 5869 (HKDF), RFC 4648 (base32),
RFC 2606 / RFC 6761 (``.invalid``), NIST SP 800-38G (FF1), CNIL and EDPB guidance on pseudonymisation (a keyed
function, key kept apart).
"""

from __future__ import annotations

from leakguard.pseudonymise.operators.base import Operator, OperatorProblem
from leakguard.pseudonymise.operators.factory import (
    KNOWN_ENTITIES,
    OPERATORS,
    check_operator,
    create_operator,
    parse_operator_option,
)
from leakguard.pseudonymise.operators.fpe import FpeOperator, _Inverse
from leakguard.pseudonymise.operators.generalise import GeneraliseOperator
from leakguard.pseudonymise.operators.hmac import HmacOperator, _HmacSha256
from leakguard.pseudonymise.operators.keep import KeepOperator
from leakguard.pseudonymise.operators.keyed import (
    EMAIL_TOKEN_DOMAIN,
    INTEGER_COLUMN_DIGITS,
    MAX_NUMERIC_DIGITS,
    PSEUDONYM_RE,
    TOKEN_BITS,
    TOKEN_CHARS,
    TOKEN_PREFIXES,
    KeyedTokenOperator,
    _base32_lower,
)
from leakguard.pseudonymise.operators.mask import MaskOperator
from leakguard.pseudonymise.operators.policy import DEFAULT_POLICY, FALLBACK_OPERATOR, Policy
from leakguard.pseudonymise.operators.redact import REDACTED, RedactOperator
from leakguard.pseudonymise.operators.token import TokenOperator

__all__ = [
    "DEFAULT_POLICY",
    "EMAIL_TOKEN_DOMAIN",
    "FALLBACK_OPERATOR",
    "INTEGER_COLUMN_DIGITS",
    "KNOWN_ENTITIES",
    "MAX_NUMERIC_DIGITS",
    "OPERATORS",
    "PSEUDONYM_RE",
    "REDACTED",
    "TOKEN_BITS",
    "TOKEN_CHARS",
    "TOKEN_PREFIXES",
    "FpeOperator",
    "GeneraliseOperator",
    "HmacOperator",
    "KeepOperator",
    "KeyedTokenOperator",
    "MaskOperator",
    "Operator",
    "OperatorProblem",
    "Policy",
    "RedactOperator",
    "TokenOperator",
    "_HmacSha256",
    "_Inverse",
    "_base32_lower",
    "check_operator",
    "create_operator",
    "parse_operator_option",
]
