"""IBAN (International Bank Account Number), French and foreign.

An IBAN (ISO 13616) is a country code, two check digits (ISO 7064 MOD 97-10 over the rearranged number) and
the national account number (BBAN), whose length is fixed per country. A French IBAN has 27 characters: ``FR``,
the check digits, then the RIB: bank code (5 digits), branch code (5), account number (11 characters) and the
2-digit RIB key. It is printed in groups of four on a RIB (``FR76 3000 6000 0112 3456 7890 189``) and stored
compact in files. Insurers hold them to pay claims; a person's IBAN is personal data.

The recognizer looks for every country's length (from python-stdnum's copy of the SWIFT registry), compact or
grouped by four with spaces, and reports a match only if its check digits and structure are valid
(:mod:`stdnum.iban`).

Sources:

* SWIFT, "IBAN Registry": https://www.swift.com/standards/data-standards/iban-international-bank-account-number
* Banque de France, "Le relevé d'identité bancaire (RIB)": https://www.banque-france.fr
* python-stdnum ``stdnum.iban``: the reference for the check (used below).

>>> compact('FR76 3000 6000 0112 3456 7890 189')
'FR7630006000011234567890189'
>>> is_valid('FR7630006000011234567890189'), is_valid('FR7630006000011234567890188')
(True, False)
>>> text = 'IBAN : FR76 3000 6000 0112 3456 7890 189 BIC AGRIFRPP'
>>> [text[s:e] for s, e, _ in SPEC.find(text)]
['FR76 3000 6000 0112 3456 7890 189']
"""

from __future__ import annotations

import re
from collections import defaultdict
from functools import cache
from importlib import resources

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from stdnum import iban as stdnum_iban
from stdnum.exceptions import ValidationError

from recognizers.spec import EntitySpec, lazy_attribute

ENTITY = "IBAN_CODE"

_SEP = "[ \u00a0\u202f]"
_SEPARATORS_RE = re.compile(r"[ \u00a0\u202f\-.]+")


@cache
def bban_lengths() -> dict[str, int]:
    """Country code -> BBAN length, from python-stdnum's IBAN registry (``stdnum/iban.dat``)."""
    lengths = {}
    text = resources.files("stdnum").joinpath("iban.dat").read_text(encoding="utf-8")
    for line in text.splitlines():
        match = re.match(r'^([A-Z]{2}) .*bban="([^"]+)"', line)
        if match:
            lengths[match.group(1)] = sum(int(n) for n in re.findall(r"([0-9]+)!", match.group(2)))
    return lengths


def _forms() -> str:
    by_length: dict[int, list[str]] = defaultdict(list)
    for country, length in sorted(bban_lengths().items()):
        by_length[length].append(country)
    alternatives = []
    for length, countries in sorted(by_length.items(), reverse=True):
        groups, rest = divmod(length, 4)
        tail = f"(?:{_SEP}?[0-9A-Z]{{{rest}}})" if rest else ""
        alternatives.append(f"(?:{'|'.join(countries)})[0-9]{{2}}(?:{_SEP}?[0-9A-Z]{{4}}){{{groups}}}{tail}")
    return "(?:" + "|".join(alternatives) + ")"


def compact(number: str) -> str:
    """Strip separators (spaces, no-break spaces, dashes, dots) and upper-case."""
    return _SEPARATORS_RE.sub("", number).strip().upper()


def validate(number: str) -> str:
    """Check an IBAN (length, structure, check digits, French RIB key) and return its compact form.

    Raises the ``stdnum`` exceptions: ``InvalidFormat``, ``InvalidLength``, ``InvalidChecksum``,
    ``InvalidComponent``.
    """
    return stdnum_iban.validate(compact(number))


def is_valid(number: str) -> bool:
    """Whether ``number`` is a valid IBAN."""
    try:
        return bool(validate(number))
    except ValidationError:
        return False


def format(number: str, separator: str = " ") -> str:
    """Groups of four, as printed on a RIB."""
    number = compact(number)
    return separator.join(number[i : i + 4] for i in range(0, len(number), 4))


def is_valid_array(values: pa.Array) -> pa.Array:
    """Vectorised check of cells in one of the written forms (``SPEC.whole_re2``): the length of the
    country's IBAN and the ISO 7064 MOD 97-10 check digits (the national checks of :func:`validate` are
    left out: the check digits already make a random string pass one time in 97).
    """
    number = pc.utf8_upper(pc.replace_substring_regex(values, r"[ \x{00a0}\x{202f}.\-]+", ""))
    length_key = pc.binary_join_element_wise(
        pc.utf8_slice_codeunits(number, 0, 2), pc.cast(pc.utf8_length(number), pa.string()), ":"
    )
    known = pa.array([f"{country}:{4 + length}" for country, length in bban_lengths().items()], pa.string())
    shaped = pc.fill_null(pc.and_(pc.is_in(length_key, known),
                                  pc.match_substring_regex(number, "^[A-Z]{2}[0-9]{2}[0-9A-Z]+$")), False)
    number = pc.if_else(shaped, number, pa.scalar("AA00"))
    digits = pc.binary_join_element_wise(pc.utf8_slice_codeunits(number, 4), pc.utf8_slice_codeunits(number, 0, 4), "")
    for letter in "ABCDEFGHIJKLMNOPQRSTUVWXYZ":
        digits = pc.replace_substring(digits, letter, str(ord(letter) - 55))
    width = 8 * 9  # 34 characters, each letter two digits: at most 68 digits
    padded = pc.utf8_lpad(digits, width, "0")
    remainder = np.zeros(len(values), dtype=np.int64)
    for start in range(0, width, 8):
        block = pc.cast(pc.utf8_slice_codeunits(padded, start, start + 8), pa.int64()).to_numpy(zero_copy_only=False)
        remainder = (remainder * 100_000_000 + block) % 97
    return pc.and_(shaped, pa.array(remainder == 1))


#: RE2 pre-filter: every country's IBAN, compact or grouped by four.
PREFILTER = _forms()
#: Python pattern: the same forms, never inside a longer word or number.
SPAN_REGEX = re.compile(rf"(?<![0-9A-Za-z]){PREFILTER}(?![0-9A-Za-z])")

CONTEXT = (
    "iban",
    "rib",
    "bic",
    "compte",
    "compte bancaire",
    "coordonnees bancaires",
    "releve d'identite bancaire",
    "virement",
    "prelevement",
    "account",
    "bank account",
)

SCORE = 0.9
CONTEXT_SCORE = 1.0

SPEC = EntitySpec(
    entity=ENTITY,
    name="IBAN, compact or grouped by four, check digits valid",
    span_regex=SPAN_REGEX,
    prefilter=PREFILTER,
    score=SCORE,
    context_score=CONTEXT_SCORE,
    context=CONTEXT,
    validate=is_valid,
    whole_re2=PREFILTER,
    validate_array=is_valid_array,
)


def _recognizer_class() -> type:
    from recognizers.adapter import SpecRecognizer

    class IbanRecognizer(SpecRecognizer):
        """Presidio recognizer of IBANs (every country, compact or grouped), check digits and structure validated.

        Scores: 0.9 for a valid IBAN, 1.0 after a context word (``IBAN``, ``RIB``, ``compte``, ``virement``...).
        """

        def __init__(self, supported_language: str = "fr"):
            super().__init__([SPEC], supported_language=supported_language, name="IbanRecognizer")

    return IbanRecognizer


#: ``IbanRecognizer``, the Presidio recognizer, is built on first use: importing this module
#: for its spec does not import Presidio.
__getattr__ = lazy_attribute(globals(), "IbanRecognizer", _recognizer_class)
