"""Vectorised counterparts of :mod:`synthetic.identifiers`, for tables of millions of rows.

Same rules, same written forms, drawn with a ``numpy.random.Generator`` into arrays and formatted with
``pyarrow.compute`` (string slicing and joining), so no Python loop runs per row. Each ``*_written`` function
here agrees with its scalar twin in :mod:`synthetic.identifiers` value for value (the tests check it).
Integers carry the check-digit arithmetic: a NIR body fits an int64, and an IBAN's mod-97 is taken by
Horner's rule over its fields.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from recognizers.nir import OVERSEAS_COMMUNES
from synthetic import identifiers as ids

_METRO_DEPTS = np.array([d for d in range(1, 96) if d != 20], np.int64)


def digits(values: np.ndarray, width: int) -> pa.Array:
    """Non-negative integers as zero-padded decimal strings of ``width`` characters."""
    return pc.utf8_lpad(pc.cast(pa.array(values, pa.int64()), pa.string()), width, "0")


def weighted_choice(gen: np.random.Generator, weights: tuple[float, ...], n: int) -> np.ndarray:
    """``n`` indices into ``weights``, drawn with those (unnormalised) weights."""
    p = np.asarray(weights, float)
    return gen.choice(len(p), n, p=p / p.sum())


def _join(*parts: pa.Array | str, sep: str = "") -> pa.Array:
    return pc.binary_join_element_wise(*parts, sep)


# --- NIR ---------------------------------------------------------------------------------------------------


def _overseas_places(gen: np.random.Generator, which: np.ndarray) -> np.ndarray:
    """``DDDCC`` of overseas births (``which`` indexes ``OVERSEAS``): communes drawn among each one's own."""
    depts = np.array(ids.OVERSEAS, np.int64)
    most = np.array([OVERSEAS_COMMUNES.get(str(d), 34) for d in ids.OVERSEAS], np.int64)[which]
    return depts[which] * 100 + 1 + (gen.random(len(which)) * most).astype(np.int64)


def nirs(gen: np.random.Generator, female: np.ndarray, birth: np.ndarray) -> tuple[pa.Array, np.ndarray]:
    """Valid compact NIRs for people of sex ``female`` born on ``birth`` (``datetime64[D]``), and the int64
    value of each (-1 for the Corsican ``2A``/``2B`` ones, which have no integer form).

    The structural cases and their frequencies are those of :func:`synthetic.identifiers.nir`.
    """
    n = len(female)
    year = birth.astype("datetime64[Y]").astype(np.int64) + 1970
    month = birth.astype("datetime64[M]").astype(np.int64) % 12 + 1
    draw = gen.random(n)
    sex = np.where(draw < 0.97, 1, np.where(draw < 0.985, 3, 7)) + female.astype(np.int64)
    pseudo = gen.random(n) < 0.01
    pseudo_month = np.where(gen.random(n) < 0.5, gen.integers(20, 43, n), gen.integers(50, 100, n))
    month = np.where(pseudo, pseudo_month, month)
    place = gen.random(n)
    abroad = (sex >= 3) | (place < 0.06)
    overseas = ~abroad & (place < 0.10)
    corsica = ~abroad & ~overseas & (place < 0.115)
    split = corsica & (year >= 1976)  # 2A (key: 19) or 2B (key: 18); "20" before 1976
    south = gen.random(n) < 0.5
    countries = np.array(ids.COUNTRY_CODES, np.int64)
    overseas_depts = np.array(ids.OVERSEAS, np.int64)
    location = np.select(
        [abroad, overseas, corsica],
        [
            99000 + countries[gen.integers(0, len(countries), n)],
            _overseas_places(gen, gen.integers(0, len(overseas_depts), n)),
            np.where(split, np.where(south, 19, 18), 20) * 1000 + gen.integers(1, 367, n),
        ],
        _METRO_DEPTS[gen.integers(0, len(_METRO_DEPTS), n)] * 1000 + gen.integers(1, 901, n),
    )
    body = sex * 10**12 + (year % 100) * 10**10 + month * 10**8 + location * 1000 + gen.integers(1, 1000, n)
    value = body * 100 + (97 - body % 97)
    compact = pc.cast(pa.array(value), pa.string())
    corsican = pc.if_else(
        pa.array(south), pc.utf8_replace_slice(compact, 5, 7, "2A"), pc.utf8_replace_slice(compact, 5, 7, "2B")
    )
    compact = pc.if_else(pa.array(split), corsican, compact)
    return compact, np.where(split, -1, value)


def nir_typos(gen: np.random.Generator, values: np.ndarray, share: float) -> tuple[np.ndarray, np.ndarray]:
    """Integer NIRs (``values``, as from :func:`nirs`; -1 for Corsican ones, left alone) with one digit
    mistyped in about ``share`` of them, anywhere but the sex digit: still 15 digits, never a valid key (a one-digit
    change always breaks a key modulo 97). Returns the values and where they were mistyped."""
    typo = (gen.random(len(values)) < share) & (values > 0)
    power = 10 ** gen.integers(0, 14, len(values)).astype(np.int64)  # digits 2-15 of the written number
    digit = values // power % 10
    shift = (digit + gen.integers(1, 10, len(values))) % 10 - digit
    return np.where(typo, values + shift * power, values), typo


def nir_written(compact: pa.Array, form: np.ndarray | str) -> pa.Array:
    """Compact NIRs written in ``form``: one of ``identifiers.NIR_FORMS`` or an array of indices into it."""
    s = lambda a, b: pc.utf8_slice_codeunits(compact, a, b)  # noqa: E731
    overseas = pc.is_in(s(5, 7), pa.array(["97", "98"]))
    groups = [
        s(0, 1), s(1, 3), s(3, 5),
        pc.if_else(overseas, s(5, 8), s(5, 7)), pc.if_else(overseas, s(8, 10), s(7, 10)),
        s(10, 13), s(13, 15),
    ]  # fmt: skip
    variants = []
    for name in ids.NIR_FORMS:
        if name == "compact":
            variants.append(compact)
        elif name == "key_apart":
            variants.append(_join(s(0, 13), s(13, 15), sep=" "))
        else:
            variants.append(_join(*groups, sep=ids._NIR_SEPARATORS[name]))
    if isinstance(form, str):
        return variants[ids.NIR_FORMS.index(form)]
    return pc.choose(pa.array(form.astype(np.int8)), *variants)


# --- Contact and payment -----------------------------------------------------------------------------------


def phones(gen: np.random.Generator, n: int) -> pa.Array:
    """National compact phone numbers, with the prefixes and frequencies of ``identifiers.phone``."""
    value = np.zeros(n, np.int64)
    todo = np.arange(n)
    unused = np.array(sorted(ids.UNUSED_PHONE_PREFIXES), np.int64)
    while len(todo):  # draw, then draw again the few numbers that fell in an unused range
        m = len(todo)
        draw = gen.random(m)
        value[todo] = np.select(
            [draw < 0.45, draw < 0.65, draw < 0.95],
            [
                6 * 10**8 + gen.integers(0, 10**8, m),
                7 * 10**8 + gen.integers(3, 10, m) * 10**7 + gen.integers(0, 10**7, m),
                gen.integers(1, 6, m) * 10**8 + gen.integers(0, 10**8, m),
            ],
            9 * 10**8 + gen.integers(0, 10**8, m),
        )
        todo = todo[np.isin(value[todo] // 10**6, unused)]
    return digits(value, 10)


def phone_written(number: pa.Array, form: np.ndarray | str) -> pa.Array:
    """Compact national numbers written in ``form`` (one of ``identifiers.PHONE_FORMS``, or indices)."""
    pairs = [pc.utf8_slice_codeunits(number, i, i + 2) for i in range(0, 10, 2)]
    second = pc.utf8_slice_codeunits(number, 1, 2)
    built = {
        "spaced": _join(*pairs, sep=" "),
        "compact": number,
        "dotted": _join(*pairs, sep="."),
        "dashed": _join(*pairs, sep="-"),
        "intl_spaced": _join("+33", second, *pairs[1:], sep=" "),
        "intl_compact": _join("+33", pc.utf8_slice_codeunits(number, 1, 10)),
    }
    variants = [built[name] for name in ids.PHONE_FORMS]
    if isinstance(form, str):
        return variants[ids.PHONE_FORMS.index(form)]
    return pc.choose(pa.array(form.astype(np.int8)), *variants)


def ibans(gen: np.random.Generator, n: int) -> pa.Array:
    """Compact French IBANs with a valid RIB key and valid check digits (mod 97 by Horner's rule)."""
    banks = np.array([int(b) for b in ids.BANK_CODES], np.int64)
    bank = banks[gen.integers(0, len(banks), n)]
    branch = gen.integers(0, 10**5, n)
    account = gen.integers(0, 10**11, n)
    rib = 97 - (89 * bank + 15 * branch + 3 * account) % 97
    m = bank % 97
    m = (m * 10**5 + branch) % 97
    m = (m * 10**11 + account) % 97
    m = (m * 100 + rib) % 97
    m = (m * 10**6 + 152700) % 97  # "FR00" -> 15 27 00
    return _join("FR", digits(98 - m, 2), digits(bank, 5), digits(branch, 5), digits(account, 11), digits(rib, 2))


def iban_written(number: pa.Array, grouped: np.ndarray | bool) -> pa.Array:
    """Compact IBANs grouped by 4 (``FR76 3000 ...``) where ``grouped``, else compact."""
    spaced = _join(*(pc.utf8_slice_codeunits(number, i, i + 4) for i in range(0, 27, 4)), sep=" ")
    if isinstance(grouped, bool):
        return spaced if grouped else number
    return pc.if_else(pa.array(grouped), spaced, number)


def emails(gen: np.random.Generator, first: pa.Array, last: pa.Array) -> pa.Array:
    """E-mails derived from ASCII-folded first and last names, as :func:`synthetic.people.email_of`."""
    from synthetic.people import EMAIL_DOMAIN_WEIGHTS, EMAIL_DOMAINS

    n = len(first)
    forms = [
        _join(first, last, sep="."),
        _join(pc.utf8_slice_codeunits(first, 0, 1), last, sep="."),
        _join(first, last),
        _join(last, first, sep="."),
        _join(first, last, sep="_"),
    ]
    local = pc.choose(pa.array(weighted_choice(gen, (40, 15, 15, 15, 15), n).astype(np.int8)), *forms)
    numbers = pc.cast(pa.array(gen.integers(1, 100, n)), pa.string())
    local = _join(local, pc.if_else(pa.array(gen.random(n) < 0.35), numbers, ""))
    domain = pc.take(pa.array(EMAIL_DOMAINS), pa.array(weighted_choice(gen, EMAIL_DOMAIN_WEIGHTS, n)))
    return _join(local, domain, sep="@")


# --- Insurance and decoys ----------------------------------------------------------------------------------


def fill_formats(gen: np.random.Generator, formats: tuple[str, ...], which: np.ndarray) -> pa.Array:
    """Row ``i`` filled from ``formats[which[i]]`` (``?`` letter, ``#`` digit, ``+`` digit 1-9)."""
    n = len(which)
    out = np.empty(n, dtype=object)
    letters = np.array(list(ids.LETTERS))
    digit_chars = np.array(list("0123456789"))
    for f, pattern in enumerate(formats):
        rows = np.flatnonzero(which == f)
        if not len(rows):
            continue
        chars = np.empty((len(rows), len(pattern)), dtype="<U1")
        for j, c in enumerate(pattern):
            if c == "?":
                chars[:, j] = letters[gen.integers(0, len(letters), len(rows))]
            elif c == "#":
                chars[:, j] = digit_chars[gen.integers(0, 10, len(rows))]
            elif c == "+":
                chars[:, j] = digit_chars[gen.integers(1, 10, len(rows))]
            else:
                chars[:, j] = c
        out[rows] = chars.view(f"<U{len(pattern)}").ravel()
    return pa.array(out, pa.string())


def invoice_numbers(gen: np.random.Generator, n: int) -> np.ndarray:
    """15 random digits, no leading zero (int64): about 1 in 97 passes the NIR key by chance."""
    return gen.integers(10**14, 10**15, n)


def hex_ids(gen: np.random.Generator, n: int, bits: int = 64) -> pa.Array:
    """Lowercase hexadecimal ids of ``bits`` bits (64: span ids; 128: trace ids)."""
    words = [gen.integers(0, 2**64, n, dtype=np.uint64).tolist() for _ in range(bits // 64)]
    return pa.array(["".join(f"{w:016x}" for w in ws) for ws in zip(*words)], pa.string())


def amounts(gen: np.random.Generator, n: int) -> np.ndarray:
    """Amounts in euros with cents: mostly small, a long tail up to 4000."""
    return np.round(np.minimum(gen.lognormal(3.3, 1.0, n), 4000.0), 2)


def amount_text(values: np.ndarray) -> pa.Array:
    """Amounts with a French decimal comma: ``12,50``."""
    cents = np.round(values * 100).astype(np.int64)
    return _join(pc.cast(pa.array(cents // 100), pa.string()), digits(cents % 100, 2), sep=",")


def postcodes(gen: np.random.Generator, n: int) -> pa.Array:
    """Postcodes: metropolitan département + 3 digits (ending in 0), some overseas 97xxx."""
    dept = np.where(gen.random(n) < 0.03, 97, _METRO_DEPTS[gen.integers(0, len(_METRO_DEPTS), n)])
    return digits(dept * 1000 + gen.integers(0, 100, n) * 10, 5)


def fr_dates(values: pa.Array, *, first_of_month: bool = False) -> pa.Array:
    """date32 values written ``DD/MM/YYYY`` (``01/MM/YYYY`` with ``first_of_month``)."""
    iso = pc.cast(values, pa.string())
    day = "01" if first_of_month else pc.utf8_slice_codeunits(iso, 8, 10)
    return _join(day, pc.utf8_slice_codeunits(iso, 5, 7), pc.utf8_slice_codeunits(iso, 0, 4), sep="/")


def dates(gen: np.random.Generator, first: str, last: str, n: int) -> np.ndarray:
    """``n`` uniform dates (``datetime64[D]``) from ``first`` to ``last`` (ISO strings, inclusive)."""
    start, end = np.datetime64(first, "D"), np.datetime64(last, "D")
    return start + gen.integers(0, int((end - start).astype(np.int64)) + 1, n)
