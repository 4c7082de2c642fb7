"""The ``json`` format: one JSON document for the whole scan, written when the scan is done.

::

    {
      "version": 1,
      "tool": "leakguard",
      "tool_version": "0.1.0",
      "files": [
        {
          "path": "dump.parquet", "records": 120000, "bytes": 12400000, "seconds": 3.1, "unreadable": false,
          "unchanged": false,
          "findings": [ {"path", "row", "column", "start", "end", "entity", "score", "preview"}, ... ],
          "columns": [ {"column", "entity", "findings", "records", "cells", "share", "top_score", "example",
                        "first_rows"}, ... ],
          "errors": [ {"row", "message", "fatal"}, ... ],
          "errors_omitted": 0,
          "cells_not_text": {"photo": 120},
          "exposure": {"records", "records_with_personal_data", "by_entity", "breach_profile",
                       "breach_profile_records", "persons", "persons_estimate", "combinations",
                       "combinations_omitted", "k_anonymity"}
        }
      ],
      "summary": { same fields as the jsonl summary line, without "type" }
    }

``findings`` hold exactly the fields of the findings contract (the same objects as the ``jsonl`` finding lines,
without ``type``); ``"value"`` and the columns' ``"example_value"`` appear only with ``--show-values``.
``columns`` are the aggregates of :mod:`leakguard.report.summary` (``share`` = records / non-null cells of the
column, null when unknown; ``first_rows`` 0-based). A file keeps its first 1000 errors in ``errors`` and counts
the others in ``errors_omitted`` (the ``jsonl`` format streams them all). ``unchanged`` is true for a file not
read again (``--state``): its results (and ``seconds``) are those of the last scan; the summary's
``files_scanned`` (read in this run), ``files_unchanged`` and ``files_unreadable`` add up to ``files``.
``cells_not_text`` counts, per column, the binary cells that are not UTF-8 text and were not scanned.
``exposure`` is the record-level exposure of the file (:mod:`leakguard.report.exposure`; null when not
computed), the summary's that of the whole run (its ``persons`` counted across files, its ``k_anonymity`` null).
``version`` changes only when a field changes meaning or disappears.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TextIO

import pyarrow as pa

from leakguard import __version__
from leakguard.report.base import BaseReporter, Encoded, Stream, write_json
from leakguard.report.jsontext import Spool, finding_texts
from leakguard.report.summary import FileSummary, aggregate_dict
from leakguard.report.text import clean, shown_in_json

DOCUMENT_VERSION = 1


class JsonReporter(BaseReporter):
    """Sets the text of each file's findings aside as they come (:class:`~.jsontext.Spool`), writes the
    document at ``close``."""

    def __init__(self, out: TextIO, *, show_values: bool = False):
        super().__init__(out, show_values=show_values)
        self._spool = Spool()
        self._spans: dict[str, list[tuple[int, int, int]]] = {}

    def on_findings(self, file: FileSummary, findings: pa.Table) -> None:
        if findings.num_rows:
            start, end = self._spool.add(finding_texts(file.path, findings, with_values=self.show_values))
            self._spans.setdefault(file.path, []).append((start, end, findings.num_rows))

    def on_close(self) -> None:
        document = {
            "version": DOCUMENT_VERSION,
            "tool": "leakguard",
            "tool_version": __version__,
            "files": [self._file(file) for file in self.summary.files.values()],
            "summary": self.summary.totals(),
        }
        try:
            write_json(self.out, document)
        finally:
            self._spool.close()
        self.out.write("\n")

    def _file(self, file: FileSummary) -> dict[str, object]:
        stats = file.stats
        return {
            "path": shown_in_json(file.path, path=True, show_values=self.show_values),
            "records": file.records,
            "bytes": stats.bytes if stats else None,
            "seconds": round(stats.seconds, 3) if stats else None,
            "unreadable": file.fatal,
            "unchanged": file.unchanged,
            "findings": Stream(self._findings(file.path)),
            "columns": [aggregate_dict(a, with_values=self.show_values) for a in file.sorted_aggregates()],
            "errors": [{"row": p.row, "message": clean(p.message), "fatal": p.fatal} for p in file.problems],
            "errors_omitted": file.problem_count - len(file.problems),
            "cells_not_text": {shown_in_json(column, show_values=self.show_values): count
                               for column, count in (stats.cells_not_text.items() if stats else ())},
            "exposure": stats.exposure.to_dict() if stats and stats.exposure else None,
        }

    def _findings(self, path: str) -> Iterator[Encoded]:
        for start, end, count in self._spans.pop(path, []):
            yield Encoded(lambda out, separator, span=(start, end): self._spool.copy(span, out, separator), count)
