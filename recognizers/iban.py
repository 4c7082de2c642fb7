"""IBAN (International Bank Account Number), French and foreign.

An IBAN (ISO 13616) is a country code, two check digits (ISO 7064 MOD 97-10 over the rearranged number) and
the national account number (BBAN), whose length is fixed per country. A French IBAN has 27 characters: ``FR``,
the check digits, then the RIB: bank code (5 digits), branch code (5), account number (11 characters) and the
2-digit RIB key. It is printed in groups of four on a RIB (``FR76 3000 6000 0112 3456 7890 189``) and stored
compact in files. Insurers hold them to pay claims; a person's IBAN is personal data.

The recognizer looks for every country's length (from python-stdnum's copy of the SWIFT registry), compact or
grouped by four or as its country groups account numbers (``ES10 0075 0080 11 0600658108``), with spaces,
dots or dashes, in capitals or not (``fr76-3000-...``), and reports a match only if
its check digits, the structure of its national part and its national check digits are valid
(:mod:`stdnum.iban`). Banks are not looked up: python-stdnum's Belgian module rejects a bank its list lacks
(the registry's own example, ``BE68 5390 0754 7034``), and a leaked IBAN of a bank opened, merged or renamed
since is still a leak; only the Belgian check digits are checked there.

Sources:

* SWIFT, "IBAN Registry": https://www.swift.com/standards/data-standards/iban-international-bank-account-number
* Banque de France, "Le relevé d'identité bancaire (RIB)": https://www.banque-france.fr
* python-stdnum ``stdnum.iban``: the reference for the check (used below).

>>> compact('FR76 3000 6000 0112 3456 7890 189')
'FR7630006000011234567890189'
>>> is_valid('FR7630006000011234567890189'), is_valid('FR7630006000011234567890188')
(True, False)
>>> is_valid('BE68 5390 0754 7034')  # the SWIFT registry's example for Belgium
True
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
from stdnum.exceptions import InvalidChecksum, InvalidFormat, ValidationError
from stdnum.iso7064 import mod_97_10
from stdnum.util import get_cc_module

from recognizers.record import EntityRecord, SarifRule
from recognizers.spec import EntitySpec, checked_one_by_one, lazy_attribute

ENTITY = "IBAN_CODE"

RECORD = EntityRecord(
    name=ENTITY,
    priority=1,
    preview_keep=4,
    token_prefix="IBAN_",
    default_operator="token",
    normal_form="iban",
    sarif=SarifRule(
        id="LG-IBAN-CODE",
        name="Iban",
        level="error",
        security_severity="8.5",
        short="IBAN bank account number",
        full="An IBAN (international bank account number), checksum verified.",
    ),
    label_fr="IBAN",
    label_en="IBAN",
)

_SEP = "[ \u00a0\u202f.\\-]"
_SEPARATORS_RE = re.compile(r"[ \u00a0\u202f\-.]+")


#: IBANs outside the SWIFT registry that banks issue and validators accept: France's overseas territories
#: with their own country code and the French structure (php-iban's registry), and the countries of IBAN.com's
#: "experimental" list, most of them French-speaking Africa (BCEAO and BEAC zones, Maghreb). The first two
#: characters of some West-African national parts are a letter and a digit or two letters (``2!c``).
UNREGISTERED_STRUCTURES = {
    **dict.fromkeys(("GF", "GP", "MQ", "RE", "YT", "PM", "BL", "MF", "TF", "PF", "NC", "WF"), "5!n5!n11!c2!n"),
    **dict.fromkeys(("BJ", "BF", "CI", "ML", "NE", "SN", "TG"), "2!c22!n"),
    **dict.fromkeys(("CM", "CF", "TD", "KM", "CG", "GQ", "GA", "MG"), "23!n"),
    "DZ": "22!n", "IR": "22!n", "MA": "24!n", "AO": "21!n", "CV": "21!n", "MZ": "21!n", "GW": "2!c19!n",
}


@cache
def _registry_structures() -> dict[str, str]:
    """Country code -> BBAN structure (``5!n5!n11!c2!n``) of python-stdnum's copy of the SWIFT registry
    (``stdnum/iban.dat``)."""
    structures = {}
    text = resources.files("stdnum").joinpath("iban.dat").read_text(encoding="utf-8")
    for line in text.splitlines():
        match = re.match(r'^([A-Z]{2}) .*bban="([^"]+)"', line)
        if match:
            structures[match.group(1)] = match.group(2)
    return structures


@cache
def bban_structures() -> dict[str, str]:
    """Country code -> BBAN structure: the registry's, and :data:`UNREGISTERED_STRUCTURES` (a newer
    python-stdnum may register some of them: the registry's structure then wins)."""
    return {**UNREGISTERED_STRUCTURES, **_registry_structures()}


@cache
def _registered() -> frozenset[str]:
    """The countries of the registry (:func:`_registry_structures`)."""
    return frozenset(_registry_structures())


@cache
def bban_lengths() -> dict[str, int]:
    """Country code -> BBAN length."""
    return {country: sum(int(n) for n in re.findall(r"([0-9]+)!", structure))
            for country, structure in bban_structures().items()}


_CHARACTER_CLASSES = {"n": "[0-9]", "a": "[A-Z]", "c": "[A-Za-z0-9]"}


@cache
def structure_re2() -> str:
    """An RE2 pattern of the compact IBANs whose national part has their country's structure (``FR``, two
    digits, then ``[0-9]{5}[0-9]{5}[A-Za-z0-9]{11}[0-9]{2}``), as :mod:`stdnum.iban` checks it.

    >>> bool(re.fullmatch(structure_re2(), 'FR7630006000011234567890189'))
    True
    """
    def bban(structure: str) -> str:
        return "".join(f"{_CHARACTER_CLASSES[kind]}{{{n}}}" for n, kind in re.findall(r"([0-9]+)!?([nac])", structure))

    return "^(?:" + "|".join(f"{country}[0-9]{{2}}{bban(s)}" for country, s in bban_structures().items()) + ")$"


@cache
def _nationally_checked() -> str:
    """An RE2 pattern of the IBANs :func:`validate` checks further in Python: Belgium's, and those of the
    countries python-stdnum has an IBAN module for (``stdnum.es.iban``...)."""
    countries = ["BE"] + [c for c in bban_structures() if get_cc_module(c.lower(), "iban") is not None]
    return "^(?:" + "|".join(sorted(set(countries))) + ")"


def _forms() -> str:
    """Every country's IBAN, its characters one separator apart at most wherever the writer grouped them: by
    four as on a RIB, or as the country writes its account numbers (``ES10 0075 0080 11 0600658108``,
    ``NO07.8380.08.06006``). After the country code in capitals, a separator may come before the check digits
    (``ME 25 5403 …``); not after one in small letters (``de 12 3456 …``: French, not Germany). The countries
    outside the registry (:data:`UNREGISTERED_STRUCTURES`) in capitals only: in small letters their codes open
    runs of hexadecimal digits (``bf``, ``cf``), which would slow the pre-filter down on every trace id."""
    by_length: dict[int, list[str]] = defaultdict(list)
    for country, length in sorted(bban_lengths().items()):
        by_length[length].append(country)
    alternatives = []
    for length, countries in sorted(by_length.items(), reverse=True):
        codes = "|".join(countries)
        registered = "|".join(c for c in countries if c in _registered()) or "[^\\s\\S]"
        head = f"(?:(?i:{registered})|{codes}|(?:{codes}){_SEP})[0-9]{{2}}"
        alternatives.append(f"{head}(?:{_SEP}?[0-9A-Za-z]){{{length}}}")
    return "(?:" + "|".join(alternatives) + ")"


def compact(number: str) -> str:
    """Strip separators (spaces, no-break spaces, dashes, dots) and upper-case."""
    return _SEPARATORS_RE.sub("", number).strip().upper()


def validate(number: str) -> str:
    """Check an IBAN (the country's length, the structure of its national part, the check digits, the national
    check digits python-stdnum knows) and return its compact form; no bank is looked up (see the module
    docstring).

    Raises the ``stdnum`` exceptions: ``InvalidFormat``, ``InvalidLength``, ``InvalidChecksum``,
    ``InvalidComponent``.
    """
    number = compact(number)
    if number[:2] in UNREGISTERED_STRUCTURES and number[:2] not in _registered():
        if _STRUCTURE.fullmatch(number) is None:
            raise InvalidFormat()
        return mod_97_10.validate(number[4:] + number[:4]) and number
    if number[:2] != "BE":
        return stdnum_iban.validate(number)
    number = stdnum_iban.validate(number, check_country=False)
    if (int(number[4:14]) % 97 or 97) != int(number[14:16]):  # the Belgian check digits (97 for 0)
        raise InvalidChecksum()
    return number


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


def _compact_array(values: pa.Array) -> pa.Array:
    """The compact form of each value: separators out, upper case."""
    return pc.utf8_upper(pc.replace_substring_regex(values, r"[ \x{00a0}\x{202f}.\-]+", ""))


def is_valid_array(values: pa.Array) -> pa.Array:
    """Vectorised check of cells in one of the written forms (``SPEC.whole_re2``): the structure of the
    country's national part (:func:`structure_re2`, as text's IBANs are checked: ``AD54BD01…``, letters where
    Andorra has digits, is none) and the ISO 7064 MOD 97-10 check digits (the national checks of
    :func:`validate` are left out: the check digits already make a random string pass one time in 97).

    The check digits are computed in numpy over a matrix of the compact numbers, one row per cell.

    >>> is_valid_array(pa.array(['FR76 3000 6000 0112 3456 7890 189', 'AD54BD012030200359100100'])).to_pylist()
    [True, False]
    """
    number = _compact_array(values)
    shaped = pc.fill_null(pc.match_substring_regex(number, structure_re2()), False)
    positions = np.flatnonzero(shaped.to_numpy(zero_copy_only=False))
    valid = np.zeros(len(values), dtype=bool)
    if len(positions):
        valid[positions] = _mod97_is_one(number.take(pa.array(positions)))
    return pa.array(valid)


def are_valid(numbers: list[str]) -> np.ndarray:
    """:func:`is_valid` of many written IBANs (spans of :data:`SPAN_REGEX`) at once, as numpy booleans: the
    structure in RE2 and the check digits in numpy; the IBANs with national checks of their own
    (:func:`_nationally_checked`) one by one.

    >>> are_valid(['FR76 3000 6000 0112 3456 7890 189', 'FR7630006000011234567890188', 'BE68 5390 0754 7034']).tolist()
    [True, False, True]
    """
    number = _compact_array(pa.array(numbers, pa.string()))
    structured = np.flatnonzero(pc.match_substring_regex(number, structure_re2()).to_numpy(zero_copy_only=False))
    valid = np.zeros(len(numbers), dtype=bool)
    if len(structured):
        valid[structured] = _mod97_is_one(number.take(pa.array(structured)))
    national = pc.match_substring_regex(number, _nationally_checked()).to_numpy(zero_copy_only=False)
    return checked_one_by_one(valid, numbers, national, is_valid)


#: The longest IBAN (characters).
_MAX_LENGTH = 34
#: Per byte: its MOD 97-10 value (digits 0-9, letters A=10...Z=35) and how far it shifts the remainder.
_VALUE = np.zeros(256, np.int64)
_SHIFT = np.full(256, 10, np.int64)
for _code in range(ord("A"), ord("Z") + 1):
    _VALUE[_code], _SHIFT[_code] = _code - ord("A") + 10, 100
for _code in range(ord("0"), ord("9") + 1):
    _VALUE[_code] = _code - ord("0")


#: Numbers checked in one matrix: its integer temporaries take ``34 × 8`` bytes per number (2 MB each here).
_SLICE = 8192


def _mod97_is_one(numbers: pa.Array) -> np.ndarray:
    """ISO 7064 MOD 97-10 of compact upper-case IBANs (ASCII letters and digits): remainder 1 or not.

    Each number is rearranged (the first four characters moved to the end) and right-aligned in a column of
    a ``(34, n)`` matrix of bytes, left-padded with ``0`` (leading zeros leave the remainder as it is); the
    remainder is then carried along the 34 rows, for every number at once (:data:`_SLICE` numbers at once).
    """
    numbers = numbers.cast(pa.string())
    if len(numbers) > _SLICE:
        return np.concatenate([_mod97_is_one(numbers.slice(at, _SLICE)) for at in range(0, len(numbers), _SLICE)])
    n = len(numbers)
    offsets = np.frombuffer(numbers.buffers()[1], dtype=np.int32)[numbers.offset : numbers.offset + n + 1]
    data = np.append(np.frombuffer(numbers.buffers()[2], dtype=np.uint8)[: int(offsets[-1])], np.uint8(ord("0")))
    lengths = np.diff(offsets).astype(np.int64)
    place = np.arange(_MAX_LENGTH)[:, None] - (_MAX_LENGTH - lengths)[None, :]  # in the rearranged number
    source = np.where(place < lengths - 4, place + 4, place - (lengths - 4)) + offsets[:-1]
    chars = data[np.where(place >= 0, source, len(data) - 1)]
    remainder = np.zeros(n, dtype=np.int64)
    for row in chars:
        remainder = (remainder * _SHIFT[row] + _VALUE[row]) % 97
    return remainder == 1


#: RE2 pre-filter: every country's IBAN, compact or grouped.
PREFILTER = _forms()
#: Python pattern: the same forms, never inside a longer word or number, nor grouped by four and followed by
#: a short last group that ends the text, the line or a quoted string (``'BE62 5100 0754 7061 2'``: a number too
#: long for its country, as validators' tests write one; not ``… 7034 12/03/2024``, ``… 189 150,00 EUR``).
SPAN_REGEX = re.compile(rf"(?<![0-9A-Za-z])(?<![0-9A-Za-z]-){PREFILTER}(?![0-9A-Za-z])(?!-[0-9A-Za-z])"
                        r"(?!(?<= [0-9A-Za-z]{4}) [0-9]{1,3}(?![^'\"\])}\n]))")

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
    name="IBAN, compact or grouped, check digits valid",
    span_regex=SPAN_REGEX,
    prefilter=PREFILTER,
    score=SCORE,
    context_score=CONTEXT_SCORE,
    context=CONTEXT,
    validate=is_valid,
    validate_many=are_valid,
    whole_re2=PREFILTER,
    validate_array=is_valid_array,
)


def is_mistyped(number: str) -> bool:
    """Whether ``number`` has an IBAN's whole structure for its country (length and national part) but wrong
    check digits: a typo, or a test list's wrong example, of an account number.

    >>> is_mistyped('FR66 3000 6000 0112 3456 7890 189'), is_mistyped('FR76 3000 6000 0112 3456 7890 189')
    (True, False)
    """
    compacted = compact(number)
    if _STRUCTURE.fullmatch(compacted) is None:
        return False
    try:
        validate(compacted)
    except InvalidChecksum:
        return True
    except ValidationError:
        return False
    return False


_STRUCTURE = re.compile(structure_re2())
MISTYPED_SCORE = 0.5


def are_mistyped(numbers: list[str]) -> np.ndarray:
    """:func:`is_mistyped` of many written IBANs: the valid ones told apart at once (:func:`are_valid`), the
    structure of the few others checked one by one."""
    verdicts = np.zeros(len(numbers), bool)
    return checked_one_by_one(verdicts, numbers, ~are_valid(numbers), is_mistyped)


#: IBANs whose check digits are wrong: a typo does not anonymise an account number (reported lower).
MISTYPED_SPEC = EntitySpec(
    entity=ENTITY,
    name="IBAN with its country's structure and wrong check digits",
    span_regex=SPAN_REGEX,
    prefilter=PREFILTER,
    score=MISTYPED_SCORE,
    context_score=MISTYPED_SCORE,  # context words change nothing: none are looked for
    validate=is_mistyped,
    validate_many=are_mistyped,
)


def _recognizer_class() -> type:
    from recognizers.adapter import SpecRecognizer

    class IbanRecognizer(SpecRecognizer):
        """Presidio recognizer of IBANs (every country, compact or grouped), check digits and structure validated.

        Scores: 0.9 for a valid IBAN, 1.0 after a context word (``IBAN``, ``RIB``, ``compte``, ``virement``...).
        """

        def __init__(self, supported_language: str = "fr"):
            super().__init__([SPEC, MISTYPED_SPEC], supported_language=supported_language, name="IbanRecognizer")

    return IbanRecognizer


#: ``IbanRecognizer``, the Presidio recognizer, is built on first use: importing this module
#: for its spec does not import Presidio.
__getattr__ = lazy_attribute(globals(), "IbanRecognizer", _recognizer_class)
