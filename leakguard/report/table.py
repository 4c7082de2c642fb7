"""The ``table`` format (the default): what a person reads at the end of ``leakguard scan``.

One block per file that has findings or errors, printed when the file is done, then a summary line::

    exports/beneficiaires_2024.parquet  1,200 records · 184.0 kB · 0.4 s
     column              entity          records    share   score   example
    ──────────────────────────────────────────────────────────────────────────────────────
     nir                 FR_NIR            1,198    99.8%    0.85   2 49 07 •• ••• ••• ••
     beneficiary.email   EMAIL_ADDRESS       600    52.2%    1.00   u••••@•••••••.•••
     commentaire         FR_NIR                3     0.7%    1.00   15410••••••••••
     commentaire         PERSON               13     3.2%    0.85   M••••••••• ••••••••-••••••••

    logs/gateway-2024-05-02.log.gz  52,310 lines · 8.1 MB · 0.9 s
     column             entity   lines    share   score   example
    ──────────────────────────────────────────────────────────────────────
     (lines)            FR_NIR       3    <0.1%    1.00   29909••••••••••
     l. 17, 204, 9012
      error: line 12: invalid UTF-8, decoded as cp1252

    errors
      exports/locked.csv: cannot read exports/locked.csv: permission denied

    3 files scanned, 2 with findings, 2 errors, 1 unreadable, 54,010 records, 0.1 s

A name that holds an identifier (the file's path, a column's name, Parquet metadata) is a row of its own,
``(the file name)``, ``(the name of column …)``, with ``name`` for records.

With ``--state``, a file not read again shows ``· unchanged`` after its size: its results are those of the
last scan; the summary line counts such files (``3 files scanned, 197 unchanged, ...``).

``records`` counts distinct records (rows, lines) holding the entity in the column; ``share`` divides it by
the non-empty cells of the column (neither null nor blank: a CSV's empty strings and a Parquet file's nulls
are the same base); ``score`` is the highest score; ``example`` the masked preview of the best-scored finding
(the raw value only with ``--show-values``). A legend under the blocks says so (:data:`LEGEND`). Text and
log files show ``(lines)`` as their column and the first line numbers, 1-based as in an editor (``row`` is
0-based in the machine formats).
Files without findings, errors or notes (binary cells that are not UTF-8 text, not scanned) are only counted.
Unreadable files are listed under "errors" at the end.

Written with rich: colours only when ``out`` is a terminal and ``NO_COLOR`` is not set (https://no-color.org),
100 columns wide otherwise; every name taken from the data or the file system is printed as plain text with
control characters escaped.
"""

from __future__ import annotations

from typing import TextIO

from rich import box
from rich.console import Console
from rich.table import Table
from rich.text import Text

from leakguard.detect.names import describe
from leakguard.report.base import BaseReporter
from leakguard.report.summary import FIRST_ROWS, Aggregate, FileSummary, not_text_message
from leakguard.report.text import format_share, printable, shown

#: Width of the table when ``out`` is not a terminal.
DEFAULT_WIDTH = 100
#: Recoverable errors listed per file (the others are counted).
MAX_ERRORS_SHOWN = 5
#: What the columns mean, printed once under the blocks of findings.
LEGEND = (
    "records: distinct records (rows, lines) holding the entity in the column · share: records out of the "
    "column's non-empty cells (neither null nor blank) · score: the highest confidence, 0 to 1 (checks passed "
    "and context seen: a column name, words nearby) · example: masked"
)


def format_bytes(size: int) -> str:
    """Decimal units, as file managers show them."""
    value = float(size)
    for unit in ("B", "kB", "MB", "GB"):
        if value < 1000 or unit == "GB":
            return f"{value:.0f} {unit}" if unit == "B" else f"{value:.1f} {unit}"
        value /= 1000
    raise AssertionError("unreachable")


def _plural(count: int, word: str) -> str:
    return f"{count:,} {word}" + ("" if count == 1 else "s")


class TableReporter(BaseReporter):
    """Prints a block per file as it is done, the errors of unreadable files and a summary at ``close``."""

    def __init__(self, out: TextIO, *, show_values: bool = False, console_width: int | None = None):
        super().__init__(out, show_values=show_values)
        terminal = _is_terminal(out)
        self.console = Console(
            file=out,
            width=console_width or (None if terminal else DEFAULT_WIDTH),
            force_terminal=terminal,
            color_system="auto" if terminal else None,
            no_color=None if terminal else True,  # None: rich honours NO_COLOR
            highlight=False,
            markup=False,
            emoji=False,
            legacy_windows=False,
        )
        self._printed: set[str] = set()

    def on_file_done(self, file: FileSummary) -> None:
        if file.findings or file.problem_count or _not_text(file):
            self._print_file(file)
            self._printed.add(file.path)

    def on_close(self) -> None:
        pending = [f for f in self.summary.files.values() if f.path not in self._printed]
        for file in pending:
            if file.findings or (file.problem_count and not file.fatal) or _not_text(file):
                self._print_file(file)
        if any(file.aggregates for file in self.summary.files.values()):
            self.console.print(Text(LEGEND, style="dim"))
            self.console.print()
        unreadable = [f for f in pending if f.fatal and not f.findings]
        if unreadable:
            self.console.print(Text("errors", style="bold red"))
            for file in unreadable:
                for problem in file.problems:
                    line = Text("  ")
                    line.append(self._path(file.path), style="bold")
                    line.append(": " + printable(problem.message))
                    self.console.print(line)
            self.console.print()
        totals = self.summary.totals()
        read = totals["files"] - totals["files_unreadable"]
        if not totals["findings"]:
            # "No personal data found" only about what was read: a missing or unreadable path is no all-clear
            if read == 0:
                self.console.print(Text("Nothing scanned.", style="yellow"))
            elif totals["errors"]:
                self.console.print(Text("No personal data found in what could be read; see the errors above.",
                                        style="yellow"))
            else:
                self.console.print(Text("No personal data found.", style="green"))
        parts = [
            _plural(read, "file") + " scanned",
            f"{totals['files_with_findings']:,} with findings",
            _plural(totals["errors"], "error"),
            _plural(totals["records"], "record"),
            f"{totals['seconds']:.1f} s",
        ]
        if totals["files_unreadable"]:
            parts.insert(3, f"{totals['files_unreadable']:,} unreadable")
        if totals["files_unchanged"]:
            parts[0] = (_plural(totals["files_scanned"], "file") + " scanned, "
                        f"{totals['files_unchanged']:,} unchanged")
        self.console.print(Text(", ".join(parts), style="bold"))

    # --- one file ---------------------------------------------------------------------------------------

    def _print_file(self, file: FileSummary) -> None:
        text = file.text
        unit = "line" if text else "record"
        header = Text(self._path(file.path), style="bold")
        if file.stats is not None:
            stats = file.stats
            header.append(
                f"  {_plural(stats.records, unit)}{f' · {format_bytes(stats.bytes)}' if stats.bytes else ''}"  # tables
                f" · {stats.seconds:.1f} s"  # of databases have no size
                + (" · unchanged" if file.unchanged else ""),
                style="dim",
            )
        self.console.print(header)
        if file.aggregates:
            self.console.print(self._table(file.sorted_aggregates(), unit + "s"))
        self._print_problems(file)
        for column, count in _not_text(file).items():
            message = not_text_message(column, count, show_values=self.show_values)
            self.console.print(Text(f"  note: {printable(message)}", style="dim"))
        self.console.print()

    def _table(self, aggregates: list[Aggregate], unit: str) -> Table:
        table = Table(box=box.SIMPLE_HEAD, pad_edge=True, show_edge=False, header_style="bold")
        table.add_column("column", overflow="fold", min_width=12, max_width=30)
        table.add_column("entity", no_wrap=True)
        table.add_column(unit, justify="right", no_wrap=True, min_width=len(unit))
        table.add_column("share", justify="right", no_wrap=True, min_width=6)
        table.add_column("score", justify="right", no_wrap=True, min_width=5)
        # wrapable for rich (it shrinks this column first), but each cell stays on one line (ellipsis)
        table.add_column("example", overflow="ellipsis", min_width=10, max_width=42)
        for aggregate in aggregates:
            table.add_row(
                self._column_cell(aggregate),
                Text(printable(aggregate.entity), style="cyan"),
                "name" if aggregate.in_name else f"{aggregate.records:,}",
                "-" if aggregate.in_name else format_share(aggregate.share),
                f"{aggregate.top_score:.2f}",
                Text(printable(self._example(aggregate)), overflow="ellipsis", no_wrap=True),
            )
        return table

    def _path(self, path: str) -> str:
        return shown(path, path=True, show_values=self.show_values)

    def _column_cell(self, aggregate: Aggregate) -> Text:
        if aggregate.in_name:
            return Text(f"({describe(shown(aggregate.column or '', show_values=self.show_values))})")
        if aggregate.column is not None:
            return Text(shown(aggregate.column, show_values=self.show_values))
        cell = Text("(lines)")
        lines = ", ".join(str(row + 1) for row in aggregate.rows.first)
        more = "…" if aggregate.records > FIRST_ROWS else ""
        cell.append(f"\nl. {lines}{more}", style="dim")
        return cell

    def _example(self, aggregate: Aggregate) -> str:
        if self.show_values and aggregate.example_value is not None:
            return aggregate.example_value
        return aggregate.example

    def _print_problems(self, file: FileSummary) -> None:
        shown = 0
        for problem in file.problems:
            if shown == MAX_ERRORS_SHOWN and not problem.fatal:
                continue
            # the readers' messages say where ("line 12: invalid JSON ..."): the row is not repeated
            style = "red" if problem.fatal else "yellow"
            self.console.print(Text(f"  error: {printable(problem.message)}", style=style))
            shown += 1
        if file.problem_count > shown:
            self.console.print(Text(f"  … and {file.problem_count - shown:,} more errors", style="yellow"))


def _not_text(file: FileSummary) -> dict[str, int]:
    return file.stats.cells_not_text if file.stats is not None else {}


def _is_terminal(out: TextIO) -> bool:
    try:
        return out.isatty()
    except (AttributeError, ValueError):
        return False
