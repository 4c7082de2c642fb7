"""The ``sarif`` format: SARIF 2.1.0 for code-scanning tools (GitHub code scanning, GitLab, SARIF viewers).

SARIF (Static Analysis Results Interchange Format) is the OASIS standard for the results of analysis tools:
a ``log`` holds ``runs``; a run names its ``tool`` (``driver``) and the ``rules`` it checks, and lists
``results``, each pointing at one rule and at ``locations`` in ``artifacts`` (files).

Sources:

* OASIS, "Static Analysis Results Interchange Format (SARIF) Version 2.1.0", Errata 01:
  https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/sarif-v2.1.0-errata01-os-complete.html
* The schema, https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json
  (a copy in ``tests/data/``: every shape this module writes is validated against it in the tests).
* GitHub, "SARIF support for code scanning" (``partialFingerprints``, ``security-severity``):
  https://docs.github.com/en/code-security/code-scanning/integrating-with-code-scanning/sarif-support-for-code-scanning

How leakguard maps its findings — one result per place a person would fix, not one per cell, so that a
scan of a table of millions of rows stays within what code-scanning services accept (GitHub keeps at most
25,000 results per run and shows 5,000, and refuses uploads over 10 MB gzipped):

* **tables** (Parquet, CSV, JSON lines): one result per (file, column, entity), with the number of records
  holding the entity in the column, its share of the column's non-empty cells, the best score, a masked
  example and the first record indices (0-based, as in every leakguard format), in the message and in
  ``properties`` (``records``, ``cells``, ``share``, ``findings``, ``top_score``, ``example``,
  ``example_rows``); the column is a ``logicalLocation`` (``kind`` ``"member"``). A column has no line of its
  own: the ``region`` is the file's first line (code scanning requires a ``startLine``);
* **text and log lines**: one result per finding, ``region`` with ``startLine`` = row + 1, ``startColumn`` =
  start + 1, ``endColumn`` = end + 1, in Unicode code points (``run.columnKind``), the unit of Python string
  offsets; at most :data:`MAX_LINE_RESULTS` per run (the first met), then one result per (file, entity)
  counting the findings not listed (the ``json`` and ``jsonl`` formats list every finding);
* **names** (``row`` -1: the file's path, a column's name, metadata; :mod:`leakguard.detect.names`): one
  result per (file, name, entity), a ``logicalLocation`` of kind ``"member"`` naming the place;
* one rule per entity (:data:`RULES`, from each entity's record), with an id that never changes (new entities
  get new ids, old ids are never reused or renamed), ``level`` ``"error"`` for entities that identify a person
  directly or nearly so, ``"warning"`` for the health-insurance context that becomes personal only next to a
  person, and ``properties.security-severity`` (GitHub sorts alerts as Critical from 9.0, High from 7.0, Medium
  from 4.0);
* messages show masked previews only (never a ``snippet``: the raw value appears nowhere, except in
  ``properties.value`` with ``--show-values``);
* ``partialFingerprints["leakguardLocation/v2"]``: a SHA-256 of the path, the column (or the line and start
  offset) and the entity — the location, nothing derived from the value (a plain hash of a NIR can be
  reversed by enumeration: the path and column enter it masked, in case they hold one). A column's alert
  keeps its fingerprint from one scan to the next however its rows change;
* ``artifactLocation.uri``: the path as given, its identifiers masked (unless ``--show-values``),
  ``/``-separated and percent-escaped (a relative reference); an absolute path becomes a ``file://`` URI;
* ``invocations[0]``: ``executionSuccessful`` false when a file could not be read; each error is a
  ``toolExecutionNotification`` (``LG-UNREADABLE-FILE`` level error, ``LG-MALFORMED-RECORD`` level warning);
  binary cells that are not UTF-8 text, and so not scanned, are a ``LG-CELLS-NOT-TEXT`` note per column.

Memory: the table results come from the per-column aggregates every reporter keeps
(:mod:`leakguard.report.summary`); only the first :data:`MAX_LINE_RESULTS` line findings are kept until the
document is written at ``close``.
"""

from __future__ import annotations

import hashlib
import os
import pathlib
import urllib.parse
from collections import Counter
from collections.abc import Iterator
from typing import TextIO

import pyarrow as pa
import pyarrow.compute as pc

from leakguard import __version__
from leakguard.detect.names import describe
from leakguard.report.base import BaseReporter, Stream, write_json
from leakguard.report.summary import Aggregate, FileSummary, entity_order, finding_dicts, not_text_message
from leakguard.report.text import clean, format_share, shown_in_json
from recognizers import all_records
from recognizers.record import SarifRule

SARIF_VERSION = "2.1.0"
SARIF_SCHEMA = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
FINGERPRINT = "leakguardLocation/v2"
#: Line findings of text files listed one by one in a run (GitHub shows 5,000 results per run).
MAX_LINE_RESULTS = 5_000

#: Each entity's SARIF rule (its module's :class:`~recognizers.record.EntityRecord`): stable ids — never change
#: or reuse one, code-scanning tools key alerts on them —, levels (direct identifiers are errors, insurance
#: context is a warning) and GitHub's ``security-severity``.
RULES: dict[str, SarifRule] = {record.name: record.sarif for record in all_records()}
#: ``security-severity`` of an entity that has no record, per level.
DEFAULT_SECURITY_SEVERITY = {"error": "7.0", "warning": "4.0"}

HELP_TEXT = (
    "Personal data should not leave its zone in clear. Replace it with synthetic data in fixtures, or "
    "pseudonymise the file before it leaves ('leakguard pseudonymise IN OUT'); record findings known to be "
    "synthetic in the baseline of the pre-commit hook."
)

#: Descriptors of the tool's own notifications (``invocations[0].toolExecutionNotifications``).
NOTIFICATIONS = (
    ("LG-UNREADABLE-FILE", "A file could not be read; it was not scanned."),
    ("LG-MALFORMED-RECORD", "A record could not be parsed; the rest of the file was scanned."),
    ("LG-CELLS-NOT-TEXT", "Binary cells that are not UTF-8 text were not scanned."),
)


def rule_id(entity: str) -> str:
    """The stable rule id of ``entity`` (an entity without a record gets ``LG-`` + its name).

    >>> rule_id("FR_NIR"), rule_id("SOME_FUTURE_ENTITY")
    ('LG-FR-NIR', 'LG-SOME-FUTURE-ENTITY')
    """
    known = RULES.get(entity)
    return known.id if known is not None else "LG-" + entity.replace("_", "-")


def rule_level(entity: str) -> str:
    known = RULES.get(entity)
    return known.level if known is not None else "warning"


def rule(entity: str) -> dict[str, object]:
    """The ``reportingDescriptor`` of ``entity``."""
    level = rule_level(entity)
    text = RULES.get(entity) or SarifRule(rule_id(entity), entity.title().replace("_", ""), level,
                                          DEFAULT_SECURITY_SEVERITY[level], entity, f"Entity {entity}.")
    return {
        "id": text.id,
        "name": text.name,
        "shortDescription": {"text": text.short},
        "fullDescription": {"text": text.full},
        "help": {"text": HELP_TEXT},
        "defaultConfiguration": {"level": level},
        "properties": {
            "entity": entity,
            "tags": ["security", "privacy", "personal-data"],
            "security-severity": text.security_severity,
        },
    }


def artifact_uri(path: str) -> str:
    """``path`` as a URI reference: relative paths stay relative (``/``-separated, percent-escaped)."""
    if os.path.isabs(path):
        return pathlib.Path(os.path.abspath(path)).as_uri()
    if os.sep != "/":
        path = path.replace(os.sep, "/")
    return urllib.parse.quote(os.fsencode(path), safe="/")


def fingerprint(path: str, column: str | None, row: int | None, start: int | None, entity: str) -> str:
    """A location fingerprint: nothing in it comes from the value. A table column's result has no ``row`` nor
    ``start`` (None), a line finding's no ``column``."""
    key = "\x1f".join([path, "\x00" if column is None else column, "" if row is None else str(row),
                        "" if start is None else str(start), entity])
    return hashlib.sha256(key.encode("utf-8", "surrogateescape")).hexdigest()


#: The findings columns a line result needs (and ``value`` with ``--show-values``).
_LINE_FIELDS = ["row", "column", "start", "end", "entity", "score", "preview"]


class SarifReporter(BaseReporter):
    """Keeps the first line findings of text files and the aggregates; writes one SARIF log with one run at
    ``close``."""

    def __init__(self, out: TextIO, *, show_values: bool = False, max_line_results: int = MAX_LINE_RESULTS):
        super().__init__(out, show_values=show_values)
        self.max_line_results = max_line_results
        self._lines: dict[str, list[pa.Table]] = {}
        self._kept = 0
        self._kept_by: Counter[tuple[str, str]] = Counter()
        self._uris: dict[str, str] = {}

    def on_findings(self, file: FileSummary, findings: pa.Table) -> None:
        room = self.max_line_results - self._kept
        if room <= 0:
            return
        on_lines = pc.and_(pc.is_null(findings["column"]), pc.greater_equal(findings["row"], 0))
        lines = findings.filter(on_lines)
        if not lines.num_rows:
            return
        fields = [*_LINE_FIELDS, "value"] if "value" in lines.column_names else _LINE_FIELDS
        lines = lines.select(fields).slice(0, room)
        self._lines.setdefault(file.path, []).append(lines)
        self._kept += lines.num_rows
        for entity, count in Counter(lines["entity"].to_pylist()).items():
            self._kept_by[file.path, entity] += count

    def on_close(self) -> None:
        entities = set(RULES)
        for file in self.summary.files.values():
            entities.update(entity for _, entity, _ in file.aggregates)
        ordered = sorted(entities, key=entity_order)
        self._rule_index = {entity: i for i, entity in enumerate(ordered)}
        self._artifact_index = {path: i for i, path in enumerate(self.summary.files)}
        run = {
            "tool": {
                "driver": {
                    "name": "leakguard",
                    "version": __version__,
                    "semanticVersion": __version__,
                    "rules": [rule(entity) for entity in ordered],
                    "notifications": [{"id": id_, "shortDescription": {"text": text}} for id_, text in NOTIFICATIONS],
                }
            },
            "invocations": [self._invocation()],
            "columnKind": "unicodeCodePoints",
            "artifacts": [self._artifact(file) for file in self.summary.files.values()],
            "results": Stream(self._results()),
            "properties": {"summary": self.summary.totals(),
                           "line_results": {"listed": self._kept, "limit": self.max_line_results}},
        }
        write_json(self.out, {"$schema": SARIF_SCHEMA, "version": SARIF_VERSION, "runs": [run]})
        self.out.write("\n")

    def _artifact(self, file: FileSummary) -> dict[str, object]:
        artifact: dict[str, object] = {"location": {"uri": self._uri(file.path)}}
        if file.stats is not None:
            artifact["length"] = file.stats.bytes
        if file.unchanged:  # not read again (--state): its results are the last scan's
            artifact["properties"] = {"unchanged": True}
        return artifact

    def _uri(self, path: str) -> str:
        """The path's URI, its identifiers masked (unless values are shown)."""
        uri = self._uris.get(path)
        if uri is None:
            named = shown_in_json(path, path=True, show_values=self.show_values)
            # nothing masked: the path's own bytes (undecodable ones percent-escaped, not as \xNN text)
            uri = self._uris[path] = artifact_uri(path if named == clean(path) else named)
        return uri

    def _location(self, path: str) -> dict[str, object]:
        return {"uri": self._uri(path), "index": self._artifact_index[path]}

    def _invocation(self) -> dict[str, object]:
        notifications = []
        for file in self.summary.files.values():
            for problem in file.problems:
                index = 0 if problem.fatal else 1
                location: dict[str, object] = {"physicalLocation": {"artifactLocation": self._location(file.path)}}
                if problem.row is not None:
                    location["properties"] = {"row": problem.row}
                notifications.append(
                    {
                        "level": "error" if problem.fatal else "warning",
                        "message": {"text": clean(problem.message)},
                        "descriptor": {"id": NOTIFICATIONS[index][0], "index": index},
                        "locations": [location],
                    }
                )
            for column, count in (file.stats.cells_not_text.items() if file.stats else ()):
                notifications.append(
                    {
                        "level": "note",
                        "message": {"text": not_text_message(column, count, show_values=self.show_values)},
                        "descriptor": {"id": NOTIFICATIONS[2][0], "index": 2},
                        "locations": [{"physicalLocation": {"artifactLocation": self._location(file.path)}}],
                    }
                )
        successful = not any(file.fatal for file in self.summary.files.values())
        return {"executionSuccessful": successful, "toolExecutionNotifications": notifications}

    # --- results --------------------------------------------------------------------------------------------

    def _results(self) -> Iterator[dict[str, object]]:
        """Per file: the line results kept and what was not listed, then one result per column or name."""
        lines, self._lines = self._lines, {}
        for file in self.summary.files.values():
            for table in lines.pop(file.path, ()):
                for finding in finding_dicts(file.path, table, with_values=self.show_values):
                    yield self._line_result(file.path, finding)
            for aggregate in file.sorted_aggregates():
                if aggregate.column is None and not aggregate.in_name:
                    left = aggregate.findings - self._kept_by[file.path, aggregate.entity]
                    if left > 0:
                        yield self._unlisted_result(file.path, aggregate, left)
                else:
                    yield self._aggregate_result(file.path, aggregate)

    def _result(self, path: str, entity: str, score: float, message: str, region: dict[str, int],
                logical: dict[str, str] | None, fingerprint_key: str, properties: dict[str, object]) -> dict:
        location: dict[str, object] = {"physicalLocation": {"artifactLocation": self._location(path),
                                                            "region": region}}
        if logical is not None:
            location["logicalLocations"] = [logical]
        return {
            "ruleId": rule_id(entity),
            "ruleIndex": self._rule_index[entity],
            "level": rule_level(entity),
            "message": {"text": message},
            "locations": [location],
            "partialFingerprints": {FINGERPRINT: fingerprint_key},
            "rank": round(max(0.0, min(1.0, score)) * 100, 1),
            "properties": properties,
        }

    def _line_result(self, path: str, finding: dict) -> dict[str, object]:
        """One finding on a line of a text file (``finding["path"]`` is cleaned: ``path`` is as given)."""
        row, start, end = finding["row"], finding["start"], finding["end"]
        entity, score, preview = finding["entity"], finding["score"], finding["preview"]
        properties: dict[str, object] = {"row": row, "column": None, "start": start, "end": end, "score": score}
        if "value" in finding:
            properties["value"] = finding["value"]
        return self._result(
            path, entity, score, f"{entity} on line {row + 1}: {preview} (score {score:.2f})",
            {"startLine": row + 1, "startColumn": start + 1, "endColumn": end + 1}, None,
            fingerprint(shown_in_json(path, path=True), None, row, start, entity), properties)

    def _unlisted_result(self, path: str, aggregate: Aggregate, left: int) -> dict[str, object]:
        """The line findings of one entity in a text file beyond :data:`MAX_LINE_RESULTS`, in one result."""
        first = aggregate.rows.first
        message = (f"{aggregate.entity}: {left:,} more findings in this file, not listed one by one "
                   f"({aggregate.findings:,} findings on {aggregate.records:,} lines in all, first lines "
                   f"{', '.join(str(row + 1) for row in first)}; a run lists {self.max_line_results:,} line "
                   "findings; the json and jsonl formats list every one)")
        properties = {"entity": aggregate.entity, "findings_not_listed": left, "findings": aggregate.findings,
                      "records": aggregate.records, "example_rows": list(first), "top_score": aggregate.top_score}
        return self._result(path, aggregate.entity, aggregate.top_score, message,
                            {"startLine": (first[0] if first else 0) + 1}, None,
                            fingerprint(shown_in_json(path, path=True), None, None, None, aggregate.entity),
                            properties)

    def _aggregate_result(self, path: str, aggregate: Aggregate) -> dict[str, object]:
        """One entity in one column of a table, or in one name (the file's path, a column name, metadata)."""
        column = shown_in_json(aggregate.column, show_values=self.show_values) or ""
        entity, example = aggregate.entity, aggregate.example
        if self.show_values and aggregate.example_value is not None:
            example = aggregate.example_value
        properties: dict[str, object] = {"column": column, "entity": entity, "in_name": aggregate.in_name,
                                         "findings": aggregate.findings, "top_score": aggregate.top_score,
                                         "example": aggregate.example}
        if aggregate.in_name:
            message = f"{entity} in {describe(column)}: {example} (score {aggregate.top_score:.2f})"
        else:
            share = aggregate.share
            first = aggregate.rows.first
            more = ", …" if aggregate.records > len(first) else ""
            of_cells = ("" if share is None else
                        f", {format_share(share)} of its {aggregate.cells:,} non-empty cells")
            message = (f"{entity} in column {column!r}: {aggregate.records:,} "
                       f"record{'' if aggregate.records == 1 else 's'}{of_cells}; rows (0-based) "
                       f"{', '.join(map(str, first))}{more}; score up to {aggregate.top_score:.2f}; "
                       f"example {example}")
            properties.update(records=aggregate.records, cells=aggregate.cells,
                              share=None if share is None else round(share, 6), example_rows=list(first))
        if self.show_values:
            properties["value"] = aggregate.example_value
        logical = {"name": column, "fullyQualifiedName": column, "kind": "member"}
        raw_column = shown_in_json(aggregate.column) or ""  # masked whatever --show-values says
        return self._result(path, entity, aggregate.top_score, message, {"startLine": 1}, logical,
                            fingerprint(shown_in_json(path, path=True), raw_column, None, None, entity),
                            properties)


