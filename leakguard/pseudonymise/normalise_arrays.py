"""Normal forms of a whole Arrow array: :func:`~leakguard.pseudonymise.normalise.normalise` of every value.

Tokens are computed for a column at once (:mod:`leakguard.pseudonymise.cmac`); calling a Python normaliser
per distinct value would then cost more than the MAC. For the entities whose normal form is plain string
surgery on ASCII text (NIRs, e-mails, IBANs, member and AMC numbers, names, French phone numbers in their
usual forms, any other entity), the ASCII values are normalised with ``pyarrow.compute`` kernels that give
exactly what the Python normaliser gives (a Hypothesis test compares them); the other values (accents,
Unicode spaces, phone numbers that need ``phonenumbers``, dates) go through the Python normaliser, one value
at a time.

Python's ``str.strip()``, ``str.isspace()`` and ``re``'s ``\\s`` treat ``\\x1c``-``\\x1f`` as white space
besides the usual six ASCII characters; the kernels below use the same set.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from leakguard.pseudonymise.normalise import normaliser
from recognizers import all_records, nir

#: The ASCII characters Python's ``str.strip()`` removes and ``re``'s ``\s`` matches.
ASCII_SPACES = " \t\n\r\x0b\x0c\x1c\x1d\x1e\x1f"
_SPACE_RUN = "[ \t\n\r\x0b\x0c\x1c-\x1f]+"
_NIR_SEPARATORS = r"[ .\-]"
_IBAN_SEPARATORS = r"[ \-]"
_ID_SEPARATORS = "[ \t\n\r\x0b\x0c\x1c-\x1f./_\\-]+"
_FR_PHONE = r"^(?:0|(?:\+|00)33(?:\(0\))?)?([1-9][0-9]{8})$"  # nine digits alone: the leading zero cut
_LOWER = "abcdefghijklmnopqrstuvwxyz"
_UPPER = _LOWER.upper()

#: A vectorised normal form: (forms, which values it got right, ``None`` for all of them) for ASCII values.
ArrayForm = Callable[[pa.Array], tuple[pa.Array, pa.Array | None]]


def _has_any(values: pa.Array, chars: str) -> bool:
    """Whether a byte of ``chars`` (ASCII) occurs in the data of ``values``: a step that would change nothing
    (no separator to remove, no lower-case letter to raise) is skipped, so clean columns cost one pass. The
    pass is a byte search (memchr) per character, a tenth of a numpy table lookup over every byte."""
    data = values.buffers()[2]
    if data is None:
        return False
    text = data.to_pybytes()
    return any(bytes((byte,)) in text for byte in chars.encode("ascii"))


def _removed(values: pa.Array, chars: str, pattern: str) -> pa.Array:
    return pc.replace_substring_regex(values, pattern, "") if _has_any(values, chars) else values


def _trimmed(values: pa.Array) -> pa.Array:
    return pc.utf8_trim(values, ASCII_SPACES) if _has_any(values, ASCII_SPACES) else values


def _upper(values: pa.Array) -> pa.Array:
    return pc.ascii_upper(values) if _has_any(values, _LOWER) else values


def _lower(values: pa.Array) -> pa.Array:
    return pc.ascii_lower(values) if _has_any(values, _UPPER) else values


def _nir(values: pa.Array) -> tuple[pa.Array, None]:
    compact = nir.written_out(values, _upper(_trimmed(_removed(values, " .-", _NIR_SEPARATORS))))
    with_key = pc.equal(pc.binary_length(compact), 15)
    if not pc.any(with_key).as_py():
        return compact, None
    return pc.if_else(with_key, pc.utf8_slice_codeunits(compact, 0, 13), compact), None


#: RE2: a character that may hide an e-mail address: Python's ASCII white space (the vertical tab and the
#: separators \x1c-\x1f too, which RE2's ``\s`` leaves out) or a bracket.
_HIDING_RE2 = "[" + "".join(f"\\x{{{ord(c):02x}}}" for c in ASCII_SPACES) + r"\[\](){}]"


def _email(values: pa.Array) -> tuple[pa.Array, pa.Array]:
    trimmed = _trimmed(values)
    # white space or brackets inside may hide an address ("a @ b . fr", "a[at]b"): undone in Python
    return _lower(trimmed), pc.invert(pc.match_substring_regex(trimmed, _HIDING_RE2))


def _iban(values: pa.Array) -> tuple[pa.Array, None]:
    return _upper(_trimmed(_removed(values, " -", _IBAN_SEPARATORS))), None


def _member_id(values: pa.Array) -> tuple[pa.Array, None]:
    return _upper(_removed(values, ASCII_SPACES + "./_-", _ID_SEPARATORS)), None


def _name(values: pa.Array) -> tuple[pa.Array, None]:
    folded = _lower(pc.replace_substring(values, "`", "'"))
    return pc.utf8_trim(pc.replace_substring_regex(folded, _SPACE_RUN, " "), " "), None


def _phone(values: pa.Array) -> tuple[pa.Array, pa.Array]:
    compact = _removed(values, " .-", _NIR_SEPARATORS)
    return pc.replace_substring_regex(compact, _FR_PHONE, r"+33\1"), pc.match_substring_regex(compact, _FR_PHONE)


def _default(values: pa.Array) -> tuple[pa.Array, None]:
    return pc.utf8_trim(pc.replace_substring_regex(values, _SPACE_RUN, " "), " "), None


#: The vectorised normal forms, by the name a record gives them (see
#: :data:`leakguard.pseudonymise.normalise.FORMS`); dates are parsed in Python.
_ARRAY_FORMS: dict[str, ArrayForm] = {
    "nir": _nir,
    "email": _email,
    "phone": _phone,
    "iban": _iban,
    "identifier": _member_id,
    "name": _name,
    "text": _default,
}
#: The normal form each entity's record names (an entity without a record: ``text``).
_FORM_OF = {record.name: record.normal_form for record in all_records()}


def normal_forms(entity: str, values: pa.Array) -> pa.Array:
    """The normal form of each value of ``values`` (a string array without nulls), as a string array.

    >>> normal_forms("FR_NIR", pa.array(["2 95 10 99 126 111 93", "2951099126111"])).to_pylist()
    ['2951099126111', '2951099126111']
    """
    one_by_one = normaliser(entity)
    array_form = _ARRAY_FORMS.get(_FORM_OF.get(entity, "text"))  # none for dates
    if array_form is None or not len(values):
        return _python_forms(one_by_one, values)
    forms, right = array_form(values)
    ascii_ = pc.string_is_ascii(values)
    right = ascii_ if right is None else pc.and_(right, ascii_)
    left = np.flatnonzero(~right.to_numpy(zero_copy_only=False))
    if not len(left):
        return forms
    rest = _python_forms(one_by_one, values.take(pa.array(left))).cast(forms.type)
    return pc.replace_with_mask(forms, pc.invert(right), rest)


def _python_forms(one_by_one: Callable[[str], str], values: pa.Array) -> pa.Array:
    return pa.array(map(one_by_one, values.to_pylist()), pa.string(), size=len(values))
