"""NIRs as exposure counts them: the normal form of each, and what it says of its holder (sex, year of birth).

The normal form is the one every keyed token of leakguard uses (:mod:`leakguard.pseudonymise.normalise`): the
first 13 characters of the NIR (the key is computed from them), separators removed, ``2a``/``2b`` upper-cased,
so ``1 85 05 78 006 084 91``, ``185057800608491`` and ``1850578006084`` beside a key column are one person.
Exposure needs it for every NIR of a chunk (hundreds of thousands), so it is computed in Arrow, one literal
replacement per separator (five times faster than one regex pass), and handed over as ASCII bytes. Spans are
valid NIRs (the detector checked them), so nothing else needs checking here.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from leakguard.report.exposure.keyed import text_bytes
from recognizers import nir
from recognizers.spec import SEPARATORS

_SEX = np.zeros(256, np.uint8)
_SEX[list(nir.MALE_DIGITS.encode("ascii"))] = 1
_SEX[list(nir.FEMALE_DIGITS.encode("ascii"))] = 2


def normal_forms(texts: pa.Array) -> np.ndarray:
    """The normal form of each NIR text, as ASCII bytes: ``uint8`` of shape ``(n, 13)``.

    >>> normal_forms(pa.array(["1 85 05 78 006 084 91", "2.53.07.2b.073.004.70"])).tobytes()
    b'1850578006084253072B073004'
    """
    for separator in SEPARATORS:
        texts = pc.replace_substring(texts, separator, "")
    texts = pc.utf8_slice_codeunits(pc.utf8_upper(pc.utf8_trim_whitespace(texts)), 0, nir.BODY_LENGTH)
    return text_bytes(texts, nir.BODY_LENGTH)


def sexes(forms: np.ndarray) -> np.ndarray:
    """1 (man), 2 (woman) or 0 for each normal form, by its first digit."""
    return _SEX[forms[:, 0]] if len(forms) else np.zeros(0, np.uint8)


def birth_years(forms: np.ndarray) -> np.ndarray:
    """The two digits of the year of birth of each normal form, as an integer (0..99)."""
    digits = forms[:, 1:3].astype(np.int32) - ord("0")
    return digits[:, 0] * 10 + digits[:, 1]
