"""The normal form of each entity, computed before a value is hashed.

A keyed token must be the same for one person however the value was typed, or joins across files break: the
NIR ``1 85 05 78 006 084 91`` in a CSV export and ``185057800608491`` in a Parquet table are one person. Each
entity therefore has a *normaliser* that maps every written form of one value to one string, and only that
string is hashed. Normalisers never fail: a value that does not parse as its entity falls back to a
conservative form (white space trimmed), so the worst case is a token that differs between two spellings,
never a crash or a leak.

=========================  ================================================================================
entity                     normal form
=========================  ================================================================================
``FR_NIR``                 :func:`recognizers.nir.compact` without the key (computed from the rest):
                           separators removed, ``2a``/``2b`` upper-cased, exponent notation written out:
                           ``1850578006084``
``EMAIL_ADDRESS``          white space trimmed, lower-cased (local parts are case-insensitive in practice,
                           although RFC 5321 lets a server tell them apart)
``PHONE_NUMBER``           E.164 (``+33612345678``) by ``phonenumbers`` with France as the default region, so
                           ``06 12 34 56 78``, ``+33 (0)6 12 34 56 78`` and ``0033612345678`` are one number;
                           a string that is no possible number keeps its digits (and a leading ``+``).
                           Overseas numbers written nationally (``0590 …``) get ``+33``: the same number
                           written ``+590 590 …`` normalises differently (phonenumbers' FR metadata)
``IBAN_CODE``              ``stdnum.iban.compact``: no spaces, upper case
``FR_AMC``,                separators and white space removed, upper case (``12 345 678`` ->
``FR_MUTUELLE_MEMBER_ID``  ``12345678``; ``ab-1234`` -> ``AB1234``)
``PERSON``                 :func:`recognizers.spec.fold` (lower case, accents stripped), typographic
                           apostrophes made ASCII, runs of white space collapsed to one space, trimmed:
                           ``Hélène  DUPONT`` -> ``helene dupont``; hyphens are kept (``Jean-Pierre`` and
                           ``Jean Pierre`` stay distinct)
``DATE_OF_BIRTH``          ISO ``YYYY-MM-DD`` from any form :mod:`leakguard.pseudonymise.dates` parses
                           (``12/05/1985``, ``12 mai 1985`` -> ``1985-05-12``); else trimmed
``FR_HEALTH_INSURER``,     folded like ``PERSON``
``FR_HEALTH_GUARANTEE``
any other entity           Unicode NFKC, white space collapsed and trimmed
=========================  ================================================================================

Normalisation is part of the pseudonym: changing a normaliser changes tokens and breaks joins with files
pseudonymised before. These forms belong to version 1 of the tokens, like the sub-key labels (HKDF info
``leakguard v1 token`` and ``leakguard v1 hmac``, :func:`leakguard.pseudonymise.keys.derive`); a change needs a
new version.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable

import phonenumbers
from stdnum import iban

from leakguard.pseudonymise.dates import parse_date
from recognizers import all_records, nir
from recognizers.email_address import deobfuscate
from recognizers.spec import SEPARATORS, fold

_NIR_SEPARATORS = str.maketrans("", "", SEPARATORS)
_SPACES_RE = re.compile(r"\s+")
_ID_SEPARATORS_RE = re.compile(rf"[\s{re.escape(SEPARATORS)}/_]+")
_NOT_DIGIT_RE = re.compile(r"\D+")
_APOSTROPHES = str.maketrans({"\u2019": "'", "\u2018": "'", "\u02bc": "'", "`": "'"})
_PHONE_SEPARATORS = str.maketrans("", "", " .-\u00a0\u202f")
_FR_NATIONAL_RE = re.compile(r"0([1-9]\d{8})")
_FR_INTERNATIONAL_RE = re.compile(r"(?:\+|00)33(?:\(0\))?([1-9]\d{8})")
_IBAN_SEPARATORS = str.maketrans("", "", " -")


def nir_form(value: str) -> str:
    """``FR_NIR``: the 13 characters of the compact NIR, as :func:`recognizers.nir.compact` without the key.

    The key is computed from those 13 characters, so it carries nothing of its own: leaving it out gives the
    same pseudonym to a NIR written whole and to one exported without its key (the key in a column of its
    own). ``str.translate`` is 3x faster than the regex of ``compact``.
    """
    compact = nir.compact(value) if "E" in value or "e" in value else value.translate(_NIR_SEPARATORS).strip().upper()
    return compact[:13] if len(compact) == 15 else compact


def email_form(value: str) -> str:
    """``EMAIL_ADDRESS``: trimmed, hiding undone (``a [at] b [dot] fr``), lower case."""
    return deobfuscate(value).lower()


def phone_form(value: str) -> str:
    """``PHONE_NUMBER``: E.164 with region FR, else the digits (and a leading ``+``).

    French numbers in their usual forms (``06 12 34 56 78``, ``+33 6 12...``, ``+33 (0)6 ...``, ``0033 6 ...``)
    take a fast path that gives what ``phonenumbers`` gives (a test checks it) at a tenth of its cost.
    """
    compact = value.translate(_PHONE_SEPARATORS)
    match = _FR_NATIONAL_RE.fullmatch(compact) or _FR_INTERNATIONAL_RE.fullmatch(compact)
    if match:
        return "+33" + match.group(1)
    try:
        number = phonenumbers.parse(value, "FR")
    except phonenumbers.NumberParseException:
        number = None
    if number is not None and phonenumbers.is_possible_number(number):
        return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
    stripped = value.strip()
    return ("+" if stripped.startswith("+") else "") + _NOT_DIGIT_RE.sub("", stripped)


def iban_form(value: str) -> str:
    """``IBAN_CODE``: no spaces, upper case (``stdnum.iban.compact``; ASCII text without its Unicode pass)."""
    if value.isascii():
        return value.translate(_IBAN_SEPARATORS).strip().upper()
    return iban.compact(value)


def member_id_form(value: str) -> str:
    """``FR_AMC``, ``FR_MUTUELLE_MEMBER_ID``: separators removed, upper case."""
    return _ID_SEPARATORS_RE.sub("", value).upper()


def name_form(value: str) -> str:
    """``PERSON`` and other names: folded, apostrophes unified, white space collapsed."""
    return _SPACES_RE.sub(" ", fold(value.translate(_APOSTROPHES))).strip()


def date_form(value: str) -> str:
    """``DATE_OF_BIRTH``: ISO ``YYYY-MM-DD`` when the date parses, else trimmed."""
    written = parse_date(value)
    return written.date.isoformat() if written is not None else value.strip()


def default_form(value: str) -> str:
    """Any other entity: NFKC, white space collapsed and trimmed."""
    return _SPACES_RE.sub(" ", unicodedata.normalize("NFKC", value)).strip()


#: The normalising function of each normal form an entity's record names (``text``: :func:`default_form`).
FORMS: dict[str, Callable[[str], str]] = {
    "nir": nir_form,
    "email": email_form,
    "phone": phone_form,
    "iban": iban_form,
    "identifier": member_id_form,
    "name": name_form,
    "date": date_form,
    "text": default_form,
}
#: The normaliser of each entity, from its record; :func:`normaliser` falls back to :func:`default_form`.
NORMALISERS: dict[str, Callable[[str], str]] = {record.name: FORMS[record.normal_form] for record in all_records()}


def normaliser(entity: str) -> Callable[[str], str]:
    """The normalising function of ``entity``."""
    return NORMALISERS.get(entity, default_form)


def normalise(entity: str, value: str) -> str:
    """The normal form of ``value``, a written ``entity``.

    >>> normalise("PHONE_NUMBER", "+33 (0)6 12 34 56 78"), normalise("PERSON", " Hélène  DUPONT")
    ('+33612345678', 'helene dupont')
    >>> normalise("DATE_OF_BIRTH", "1er mai 1985"), normalise("FR_NIR", "2 95 10 99 126 111 93")
    ('1985-05-01', '2951099126111')
    """
    return normaliser(entity)(value)


#: Where a written value's own characters stand, for the normal forms that know it; any other: its letters and
#: digits. What ``mask`` hides: not the words of a NIR's key given apart (``1850578006084 clé : 91``).
_POSITIONS: dict[str, Callable[[str], list[int]]] = {"nir": nir.number_positions}
_POSITIONS_OF = {record.name: _POSITIONS.get(record.normal_form) for record in all_records()}


def own_positions(entity: str, value: str) -> list[int]:
    """Where the characters of ``value``, a written ``entity``, stand (separators and words around left out).

    >>> own_positions("FR_NIR", "1850578006084 clé : 91")[-3:], own_positions("PHONE_NUMBER", "06 12")
    ([12, 20, 21], [0, 1, 3, 4])
    """
    positions = _POSITIONS_OF.get(entity)
    if positions is not None:
        return positions(value)
    return [i for i, char in enumerate(value) if char.isalnum()]
