"""The ``jsonl`` format: one JSON object a line, written as the scan goes (the CLI contract, ``DESIGN.md``).

Three record types, told apart by ``type``:

``finding``
    ``{"type": "finding", "path", "row", "column", "start", "end", "entity", "score", "preview"}``: exactly the
    fields of the findings contract (``leakguard.findings``), in that order; ``"value"`` (the raw span) is
    added only with ``--show-values``.
``error``
    ``{"type": "error", "path", "row", "message", "fatal"}``: ``row`` is the 0-based record of a recoverable
    fault (a malformed JSON line) or null; ``fatal`` is true for a file that could not be read (exit code 2).

    Findings and errors of a file unchanged since the last scan (``--state``), not read again, end with
    ``"unchanged": true``.
``summary``
    the last line: ``{"type": "summary", "files", "files_with_findings", "files_unreadable", "findings",
    "files_scanned", "files_unchanged", "records_with_findings", "errors", "records", "bytes", "seconds",
    "by_entity", "exposure"}``, ``by_entity`` mapping each entity found to ``{"findings": n, "records": n}``
    (distinct records, counted per file), ``exposure`` the run's record-level exposure
    (:mod:`leakguard.report.exposure`; null when not computed).

Lines are flushed after each event, so that ``leakguard scan --format jsonl dump/ | jq`` shows findings while
the scan runs; memory holds aggregates only.
"""

from __future__ import annotations

import pyarrow as pa

from leakguard.report.base import BaseReporter, dumps
from leakguard.report.jsontext import finding_texts, write_joined
from leakguard.report.summary import FileSummary
from leakguard.report.text import clean, shown_in_json


class JsonlReporter(BaseReporter):
    """Streams findings and errors as JSON lines, then a summary line."""

    def on_findings(self, file: FileSummary, findings: pa.Table) -> None:
        tail = {"unchanged": True} if file.unchanged else None
        texts = finding_texts(file.path, findings, with_values=self.show_values, head={"type": "finding"}, tail=tail)
        if len(texts):
            write_joined(texts, "\n", self.out, end="\n")
        self.out.flush()

    def on_problem(self, file: FileSummary, message: str, row: int | None, fatal: bool) -> None:
        path = shown_in_json(file.path, path=True, show_values=self.show_values)
        record = {"type": "error", "path": path, "row": row, "message": clean(message), "fatal": fatal}
        if file.unchanged:
            record["unchanged"] = True
        self.out.write(dumps(record) + "\n")
        self.out.flush()

    def on_close(self) -> None:
        self.out.write(dumps({"type": "summary", **self.summary.totals()}) + "\n")
