"""Quasi-identifiers of each record: what, without a name or a NIR, still singles a person out.

Sweeney showed that date of birth, sex and postcode identify most people ("Simple Demographics Often
Identify People Uniquely", 2000); these are the quasi-identifiers Google's DLP risk analysis and ARX ask
for. For each record of a table, exposure takes:

==============  ==========================================================================================
birth           the date of birth of a ``DATE_OF_BIRTH`` finding of the record (the first, in column order),
                as ``YYYYMMDD``; without one, the two digits of the year of birth in the record's NIR
sex             a column named for it (``sexe``, ``sex``, ``genre``, ``gender``, ``civilite``: ``M``/``H``/
                ``1``/``homme``/``Monsieur``... or ``F``/``2``/``femme``/``Madame``...); without one, the
                first digit of the record's NIR (:func:`recognizers.nir.sex_array`)
place           a postcode column (``code_postal``, ``cp``, ``postcode``, ``zip``: 5 digits, or ``2A``/``2B``
                and 3 digits; 4 digits read as a postcode that lost its leading zero); without one, a
                département column (``departement``, ``dept``, ``dpt``: 1 to 3 digits, ``2A``, ``2B``)
==============  ==========================================================================================

Postcodes, départements and sex are no entities (nobody is identified by them alone), so their columns are
known by name only. Each record's quasi-identifiers are packed into one block (:mod:`.keyed`) that is
turned into a keyed class identifier at once: no value is kept. A record with none of them is in no class.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from leakguard.detect.hints import words
from leakguard.pseudonymise.dates import parse_date
from leakguard.report.exposure.cells import cell_text, finding_cells, span_texts
from leakguard.report.exposure.keyed import blocks, put_text
from leakguard.report.exposure.nirs import birth_years, sexes
from leakguard.report.exposure.records import record_positions
from leakguard.sources.base import Chunk
from recognizers.spec import fold

#: Names of the quasi-identifiers as the machine formats list them.
BIRTH_DATE = "birth_date"
BIRTH_YEAR_FROM_NIR = "birth_year_from_nir"
SEX = "sex"
SEX_FROM_NIR = "sex_from_nir"
POSTCODE = "postcode"
DEPARTEMENT = "departement"
ORDER = (BIRTH_DATE, BIRTH_YEAR_FROM_NIR, SEX, SEX_FROM_NIR, POSTCODE, DEPARTEMENT)

#: Column names, as regexes over the folded words of the name (:func:`leakguard.detect.hints.words`).
COLUMN_NAMES: dict[str, re.Pattern[str]] = {
    SEX: re.compile(r"^(?:sexe?|genre|gender|civilite|civility)$"),
    POSTCODE: re.compile(r"^(?:code postal|codepostal|cp|post ?code|postal code|zip(?: ?code)?)$"),
    DEPARTEMENT: re.compile(r"^(?:(?:code |num |numero )?(?:departement|dept?|dpt)(?: .*)?)$"),
}
_MALE = {"m", "h", "1", "homme", "masculin", "male", "man", "monsieur", "mr", "m.", "garcon"}
_FEMALE = {"f", "2", "femme", "feminin", "female", "woman", "madame", "mme", "mlle", "mademoiselle", "fille"}
_POSTCODE_RE2 = r"^(?:\d{5}|2[AB]\d{3})$"
_DEPARTEMENT_RE2 = r"^(?:\d{2,3}|2[AB])$"

# Block layout (bytes): 0 birth kind, 1-4 birth value (int32), 5 sex, 6 place kind, 7-11 place text.
_DOMAIN = 2
_BIRTH_DATE, _BIRTH_YEAR = 1, 2
_MALE_CODE, _FEMALE_CODE = 1, 2
_POSTCODE_KIND, _DEPARTEMENT_KIND = 1, 2


def column_kind(name: str) -> str | None:
    """Which quasi-identifier a column holds by its name (``SEX``, ``POSTCODE``, ``DEPARTEMENT``), if any."""
    text = words(name)
    for kind, pattern in COLUMN_NAMES.items():
        if pattern.match(text):
            return kind
    return None


def birth_dates(texts: pa.Array) -> np.ndarray:
    """``YYYYMMDD`` of each date text (0 where none is read): ``1985-05-12`` and ``12/05/1985`` in Arrow (the
    forms of date columns), any other form :func:`leakguard.pseudonymise.dates.parse_date` reads (``12 mai
    1985``, ``19850512``, ``1985-05-12T00:00:00``) value by value."""
    texts = pc.utf8_trim_whitespace(texts)
    out = np.zeros(len(texts), np.int32)
    for shape, year, month, day in _FAST_DATES:
        found = pc.fill_null(pc.match_substring_regex(texts, shape), False)
        read = found.to_numpy(zero_copy_only=False) & (out == 0)
        if not read.any():
            continue
        shaped = pc.if_else(found, texts, pa.scalar("0" * 10))  # any slice of it reads as 0
        ymd = [pc.cast(pc.utf8_slice_codeunits(shaped, start, start + width), pa.int32())
               .to_numpy(zero_copy_only=False) for start, width in ((year, 4), (month, 2), (day, 2))]
        out[read] = (ymd[0] * 10_000 + ymd[1] * 100 + ymd[2])[read]
    rest = np.flatnonzero((out == 0) & pc.is_valid(texts).to_numpy(zero_copy_only=False))
    for i, text in zip(rest.tolist(), texts.take(pa.array(rest, pa.int64())).to_pylist()):
        written = parse_date(text)
        if written is not None:
            out[i] = written.date.year * 10_000 + written.date.month * 100 + written.date.day
    return out


#: Date forms read in Arrow: a shape, and where the year, month and day start.
_FAST_DATES = ((r"^\d{4}-\d{2}-\d{2}$", 0, 5, 8), (r"^\d{2}/\d{2}/\d{4}$", 6, 3, 0))


def birth_dates_of(chunk: Chunk, births: pa.Table) -> tuple[np.ndarray, np.ndarray]:
    """``(positions, YYYYMMDD)`` of the ``DATE_OF_BIRTH`` findings ``births`` (positions index them): date
    and timestamp cells read as dates, the others as the text of their span (:func:`birth_dates`)."""
    positions: list[np.ndarray] = []
    dates: list[np.ndarray] = []
    for mine, values in finding_cells(chunk, births):
        kind = values.type
        if pa.types.is_date(kind) or pa.types.is_timestamp(kind):
            ymd = [pc.fill_null(part(values), 0).to_numpy(zero_copy_only=False) for part in (pc.year, pc.month, pc.day)]
            positions.append(mine)
            dates.append((ymd[0] * 10_000 + ymd[1] * 100 + ymd[2]).astype(np.int32))
    done = np.concatenate(positions) if positions else np.zeros(0, np.int64)
    rest = np.setdiff1d(np.arange(births.num_rows), done, assume_unique=True)
    if len(rest):
        at, texts = span_texts(chunk, births.take(pa.array(rest)))
        positions.append(rest[at])
        dates.append(birth_dates(texts))
    if not positions:
        return np.zeros(0, np.int64), np.zeros(0, np.int32)
    return np.concatenate(positions), np.concatenate(dates)


def _sexes(values: pa.Array) -> np.ndarray:
    """1 (man), 2 (woman) or 0 for each cell of a sex column."""
    encoded = pc.dictionary_encode(cell_text(values))
    codes = [_MALE_CODE if key in _MALE else _FEMALE_CODE if key in _FEMALE else 0
             for key in (fold(text).strip() if text is not None else "" for text in encoded.dictionary.to_pylist())]
    indices = pc.fill_null(encoded.indices, -1).to_numpy(zero_copy_only=False)
    table = np.array([*codes, 0], np.uint8)  # index -1 (null) -> the 0 appended
    return table[indices]


def _places(values: pa.Array, kind: str) -> pa.Array:
    """The postcode or département of each cell, null where the cell is none."""
    text = pc.utf8_upper(pc.utf8_trim_whitespace(cell_text(values)))
    if kind == POSTCODE:
        text = pc.if_else(pc.fill_null(pc.match_substring_regex(text, r"^\d{4}$"), False),
                          pc.binary_join_element_wise("0", text, ""), text)
        pattern = _POSTCODE_RE2
    else:
        text = pc.if_else(pc.fill_null(pc.match_substring_regex(text, r"^\d$"), False),
                          pc.binary_join_element_wise("0", text, ""), text)
        pattern = _DEPARTEMENT_RE2
    return pc.if_else(pc.fill_null(pc.match_substring_regex(text, pattern), False), text, None)


def _first_per_record(positions: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The distinct record positions and, for each, the index of its first occurrence."""
    return np.unique(positions, return_index=True)


@dataclass
class ChunkQuasiIdentifiers:
    """The quasi-identifier block of each record of a chunk, and where each of its parts came from."""

    blocks: np.ndarray
    birth_kind: np.ndarray  # 0 none, 1 a date of birth, 2 the year of a NIR
    sex_from: np.ndarray  # 0 none, 1 a sex column, 2 a NIR
    place_kind: np.ndarray  # 0 none, 1 a postcode, 2 a département

    @property
    def present(self) -> np.ndarray:
        """Whether each record has any quasi-identifier."""
        return (self.birth_kind > 0) | (self.sex_from > 0) | (self.place_kind > 0)

    def kinds(self, records: np.ndarray) -> set[str]:
        """The quasi-identifiers (:data:`ORDER` names) the records selected by the mask ``records`` have."""
        found = set()
        sources = ((self.birth_kind, (BIRTH_DATE, BIRTH_YEAR_FROM_NIR)), (self.sex_from, (SEX, SEX_FROM_NIR)),
                   (self.place_kind, (POSTCODE, DEPARTEMENT)))
        for values, names in sources:
            present = np.unique(values[records])
            found.update(names[code - 1] for code in present.tolist() if code)
        return found


def quasi_identifiers(chunk: Chunk, chunk_rows: np.ndarray, birth: tuple[np.ndarray, np.ndarray],
                      nirs: tuple[np.ndarray, np.ndarray]) -> ChunkQuasiIdentifiers:
    """The quasi-identifiers of every record of ``chunk``.

    ``birth`` holds the record positions (in the chunk) and the dates (``YYYYMMDD``, 0 when unread,
    :func:`birth_dates_of`) of the chunk's ``DATE_OF_BIRTH`` findings, ``nirs`` the record positions and normal
    forms (:func:`.nirs.normal_forms`) of its NIRs, in findings order.
    """
    n = len(chunk_rows)
    out = blocks(n, _DOMAIN)
    birth_kind = np.zeros(n, np.uint8)
    birth_value = np.zeros(n, np.int32)
    sex = np.zeros(n, np.uint8)
    sex_from = np.zeros(n, np.uint8)
    nir_positions, forms = nirs
    if len(nir_positions):
        records, first = _first_per_record(nir_positions)
        birth_kind[records], birth_value[records] = _BIRTH_YEAR, birth_years(forms[first])
        sex[records] = sexes(forms[first])
        sex_from[records] = np.where(sex[records] > 0, 2, 0)
    date_positions, dates = birth
    if len(date_positions):
        read = dates > 0
        records, first = _first_per_record(date_positions[read])
        if len(records):
            birth_kind[records], birth_value[records] = _BIRTH_DATE, dates[read][first]
    place_kind = np.zeros(n, np.uint8)
    place = pa.nulls(n, pa.string())
    for column in chunk.columns:
        kind = None if chunk.text else column_kind(column.name)
        if kind is None:
            continue
        positions = record_positions(chunk_rows, column.rows.to_numpy())
        if kind == SEX:
            values = np.zeros(n, np.uint8)
            values[positions] = _sexes(column.values)
            given = (values > 0) & (sex_from != 1)  # a column wins over the NIR, the first column over the next
            sex[given], sex_from[given] = values[given], 1
            continue
        code = _PLACE_KIND[kind]
        cells = _places(column.values, kind)
        valid = pc.is_valid(cells).to_numpy(zero_copy_only=False)
        index = np.full(n, -1, np.int64)
        index[positions[valid]] = np.flatnonzero(valid)
        # a postcode wins over a département; the first column of a kind wins over the next
        free = (place_kind == 0) | ((place_kind == _DEPARTEMENT_KIND) & (code == _POSTCODE_KIND))
        take = (index >= 0) & free
        if take.any():
            spread = cells.take(pa.array(np.where(take, index, 0)))
            place = pc.if_else(pa.array(take), spread, place)
            place_kind[take] = code
    out[:, 0] = birth_kind
    out[:, 1:5] = birth_value.astype("<i4").view(np.uint8).reshape(n, 4)
    out[:, 5] = sex
    out[:, 6] = place_kind
    put_text(out, 7, 5, place)
    return ChunkQuasiIdentifiers(out, birth_kind, sex_from, place_kind)


_PLACE_KIND = {POSTCODE: _POSTCODE_KIND, DEPARTEMENT: _DEPARTEMENT_KIND}
