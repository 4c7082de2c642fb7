"""Masked previews: enough of a value to recognise its kind and check a report, never the value.

A preview keeps the separators and the few leading characters that carry no identity on their own (the sex,
year and month of a NIR, ``1 85 05 •• ••• ••• ••``; the country of an IBAN; the first letter of a name or of an
e-mail) and replaces every other letter or digit with ``•``. Previews are what reports, baselines and error
messages show; raw values appear only when the user asks for them (``--show-values``).
"""

from __future__ import annotations

import re

MASK = "•"

#: How many leading letters/digits a preview keeps, per entity (others: ``DEFAULT_KEEP``).
KEEP = {
    "FR_NIR": 5,
    "IBAN_CODE": 4,
    "PHONE_NUMBER": 2,
    "EMAIL_ADDRESS": 1,
    "PERSON": 1,
    "DATE_OF_BIRTH": 0,
    "FR_AMC": 2,
    "FR_MUTUELLE_MEMBER_ID": 2,
    "FR_HEALTH_INSURER": 3,
    "FR_HEALTH_GUARANTEE": 4,
}
DEFAULT_KEEP = 1
#: Previews are cut to this many characters (long free-text spans).
MAX_LENGTH = 40


_HEADS = {keep: re.compile(rf"(?:[\W_]*[^\W_]){{0,{keep}}}") for keep in {*KEEP.values(), DEFAULT_KEEP} if keep}
_ASCII_MASK = str.maketrans(dict.fromkeys("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz", MASK))


def mask(entity: str, value: str) -> str:
    """The masked preview of ``value``, a span found as ``entity``.

    >>> mask("FR_NIR", "1 85 05 78 006 084 91")
    '1 85 05 •• ••• ••• ••'
    >>> mask("EMAIL_ADDRESS", "jean.dupont@example.fr")
    'j•••.••••••@•••••••.••'
    >>> mask("PERSON", "Élodie")
    'É•••••'
    """
    cut = value[:MAX_LENGTH]
    head = _HEADS.get(KEEP.get(entity, DEFAULT_KEEP))
    split = head.match(cut).end() if head is not None else 0
    rest = cut[split:]
    if rest.isascii():
        tail = rest.translate(_ASCII_MASK)
    else:
        tail = "".join(MASK if char.isalnum() else char for char in rest)
    return cut[:split] + tail + ("…" if len(value) > MAX_LENGTH else "")
