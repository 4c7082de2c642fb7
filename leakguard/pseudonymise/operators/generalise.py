"""``generalise[:year|month]`` for ``DATE_OF_BIRTH``: the date cut to its year or month, written form kept."""

from __future__ import annotations

import re

import pyarrow as pa
import pyarrow.compute as pc

from leakguard.pseudonymise.dates import parse_date
from leakguard.pseudonymise.operators.base import Operator, OperatorProblem
from leakguard.pseudonymise.operators.redact import REDACTED


class GeneraliseOperator(Operator):
    """``generalise[:year|month]`` for ``DATE_OF_BIRTH``: the date cut to its year (default) or month.

    A string keeps its written form with day (and month) set to 01: every form the detector reports
    (:mod:`leakguard.pseudonymise.dates`), two-digit years, month names and dates in words included; a month and
    year becomes January of that year (``mars 1961`` -> ``janvier 1961``) or stays. A string that is no date of a
    known form keeps only its year if it holds one in digits, 1800-2099 (``né en 1985`` -> ``1985``), else
    becomes ``[REDACTED]``: never the date, never empty. Arrow dates and timestamps are cut to the first day of
    the year or month.

    >>> GeneraliseOperator("DATE_OF_BIRTH").apply(["12/05/1985", "12.05.85", "12 mai 1985", "vers 1985"])
    ['01/01/1985', '01.01.85', '01 janvier 1985', '1985']
    """

    name = "generalise"
    entities = ("DATE_OF_BIRTH",)
    GRANULARITIES = ("year", "month")
    _YEAR_RE = re.compile(r"(?<!\d)(?:1\d|20)\d{2}(?!\d)")  # a year of birth as the detector reads it

    def __init__(self, entity: str, key: bytes | None = None, arg: str | None = None):
        super().__init__(entity, key, arg)
        self.granularity = arg or "year"

    @classmethod
    def check_arg(cls, arg: str | None) -> None:
        if arg is not None and arg not in cls.GRANULARITIES:
            raise OperatorProblem(f"generalise takes year or month (got generalise:{arg})")

    def apply_one(self, value: str) -> str:
        written = parse_date(value, partial=True)
        if written is None:
            year = self._YEAR_RE.search(value)
            return year.group(0) if year else REDACTED
        date = written.date.replace(day=1)
        if self.granularity == "year":
            date = date.replace(month=1)
        return written.render(date)

    def _apply_typed(self, array: pa.Array) -> pa.Array:
        if pa.types.is_date(array.type) or pa.types.is_timestamp(array.type):
            return pc.floor_temporal(array, unit=self.granularity)
        return super()._apply_typed(array)

    def describe(self) -> str:
        if self.granularity == "year":
            return "generalise (to the year: day and month set to 01, written form kept)"
        return "generalise (to the month: day set to 01, written form kept)"
