"""Reporters of ``leakguard scan``: findings events in, ``table``, ``json``, ``jsonl``, ``sarif`` or ``html`` out.

The scan driver streams events to one :class:`Reporter`, file by file::

    reporter = make_reporter("jsonl", sys.stdout)
    reporter.file_started("dump.parquet")
    reporter.file_unchanged("dump.parquet")              # with --state: the events that follow are the last scan's
    reporter.findings("dump.parquet", findings)          # any number of times, TABLE_SCHEMA tables
    reporter.problem("dump.parquet", "line 12: not JSON", row=12)   # a recoverable fault
    reporter.file_done("dump.parquet", FileStats(records=..., cells_by_column={...}, bytes=..., seconds=...))
    reporter.problem("gone.csv", "cannot read: permission denied", None, fatal=True)  # an unreadable file
    reporter.exposure(tracker.summary())                  # the run's exposure, when computed (once)
    reporter.close()                                      # the summary, or the whole json/sarif document

Events of several files may interleave; a fatal problem may come with or without ``file_started`` and
``file_done``. Each ``findings`` table follows ``leakguard.findings.TABLE_SCHEMA`` (a ``path`` column, as in
``FILE_SCHEMA``, is ignored: the ``path`` argument counts), plus an optional ``value`` string column holding
the raw span, which reporters use only when made with ``show_values=True``; otherwise the only text a report
shows of a value is its masked ``preview``.

Formats (see each module):

* ``table`` (:mod:`.table`): for people, one block per file with findings or errors, then a summary line;
* ``json`` (:mod:`.jsondoc`): one document written at ``close``;
* ``jsonl`` (:mod:`.jsonl`): one object per line, written as the events come (the CLI contract);
* ``sarif`` (:mod:`.sarif`): SARIF 2.1.0 for code-scanning tools, with stable rule ids (:data:`.sarif.RULES`);
* ``html`` (:mod:`.html`): one self-contained page for people, with the exposure figures and the CNIL
  notification block, in French or English.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal, Protocol, TextIO, get_args

import pyarrow as pa

from leakguard.report.summary import FileStats, ScanSummary

if TYPE_CHECKING:
    from leakguard.report.exposure import Exposure

__all__ = ["FORMATS", "FileStats", "Format", "Reporter", "ScanSummary", "make_reporter"]

Format = Literal["table", "json", "jsonl", "sarif", "html"]
#: The values of ``leakguard scan --format``; the first is the default.
FORMATS: tuple[str, ...] = get_args(Format)


class Reporter(Protocol):
    """What the scan driver calls; every reporter also keeps a :class:`ScanSummary` in ``summary``."""

    summary: ScanSummary

    def file_started(self, path: str) -> None:
        """``path`` (as given on the command line, or found under a directory given) is being scanned."""

    def file_unchanged(self, path: str) -> None:
        """``path`` is unchanged since the last scan (``--state``): its events are that scan's results."""

    def findings(self, path: str, findings: pa.Table) -> None:
        """Findings of some records of ``path`` (``TABLE_SCHEMA``, optional ``value`` column)."""

    def problem(self, path: str, message: str, row: int | None = None, fatal: bool = False) -> None:
        """A recoverable fault at record ``row`` of ``path``, or (``fatal``) a file that could not be read.

        ``message`` is one line for the user and never carries a raw value.
        """

    def file_done(self, path: str, stats: FileStats) -> None:
        """``path`` is scanned; ``stats`` counts its records and the non-null cells of each column."""

    def exposure(self, figures: Exposure) -> None:
        """The record-level exposure of the whole run (:mod:`leakguard.report.exposure`), once, before ``close``;
        each file's is in its ``FileStats.exposure``."""

    def close(self) -> None:
        """Write the summary (``table``, ``jsonl``) or the whole document (``json``, ``sarif``) and flush."""


def make_reporter(
    fmt: Format,
    out: TextIO,
    *,
    show_values: bool = False,
    console_width: int | None = None,
    lang: str = "fr",
) -> Reporter:
    """The reporter of format ``fmt`` writing to ``out``.

    ``show_values`` lets the raw ``value`` column of the findings through (``--show-values``);
    ``console_width`` fixes the width of the ``table`` format (default: the terminal's, or 100 columns when
    ``out`` is not a terminal); ``lang`` the language of the ``html`` format (``fr`` or ``en``). Raises
    ``ValueError`` for an unknown format.
    """
    if fmt == "table":
        from leakguard.report.table import TableReporter

        return TableReporter(out, show_values=show_values, console_width=console_width)
    if fmt == "json":
        from leakguard.report.jsondoc import JsonReporter

        return JsonReporter(out, show_values=show_values)
    if fmt == "jsonl":
        from leakguard.report.jsonl import JsonlReporter

        return JsonlReporter(out, show_values=show_values)
    if fmt == "sarif":
        from leakguard.report.sarif import SarifReporter

        return SarifReporter(out, show_values=show_values)
    if fmt == "html":
        from leakguard.report.html import HtmlReporter

        return HtmlReporter(out, show_values=show_values, lang=lang)
    raise ValueError(f"unknown report format {fmt!r}; expected one of {', '.join(FORMATS)}")
