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

How leakguard maps its findings:

* one rule per entity, with an id that never changes (:data:`RULE_IDS`; new entities get new ids, old ids
  are never reused or renamed), a ``shortDescription``, a ``fullDescription`` and ``help``;
* ``level`` ``"error"`` for entities that identify a person directly or nearly so (NIR, mutuelle member
  number, IBAN, date of birth, name, e-mail, phone), ``"warning"`` for the health-insurance context that
  becomes personal only next to a person (AMC number of the insurer, insurer name, guarantee levels); see
  :data:`RULE_LEVELS`;
* the message shows the masked ``preview`` only (never a ``snippet``: the raw value appears nowhere, except
  in ``properties.value`` with ``--show-values``);
* text and log files: ``region`` with ``startLine`` = row + 1, ``startColumn`` = start + 1, ``endColumn`` =
  end + 1, in Unicode code points (``run.columnKind``), the unit of Python string offsets;
* table cells (Parquet, CSV, JSON lines): a ``logicalLocation`` ``column[row]`` (``kind`` ``"value"``) and
  ``properties`` ``{"row", "column"}``, the record index being 0-based as in every leakguard format;
* findings in names (``row`` -1: the file's path, a column's name, metadata; :mod:`leakguard.detect.names`):
  a ``logicalLocation`` of kind ``"member"`` naming the place, no region;
* ``partialFingerprints["leakguardLocation/v1"]``: a SHA-256 of path, column, row, start and entity — the
  location, nothing derived from the value (a plain hash of a NIR can be reversed by enumeration: the path and
  column enter it masked, in case they hold one);
* ``artifactLocation.uri``: the path as given, its identifiers masked (unless ``--show-values``),
  ``/``-separated and percent-escaped (a relative reference); an absolute path becomes a ``file://`` URI;
* ``invocations[0]``: ``executionSuccessful`` false when a file could not be read; each error is a
  ``toolExecutionNotification`` (``LG-UNREADABLE-FILE`` level error, ``LG-MALFORMED-RECORD`` level warning);
  binary cells that are not UTF-8 text, and so not scanned, are a ``LG-CELLS-NOT-TEXT`` note per column.

Every finding is one result (GitHub code scanning keeps the first 25,000 results of a run: for a column of
NIRs, the ``json`` format and its per-column aggregates say more). GitHub places a result without a
``region`` (a table cell) at the file, and computes its own ``primaryLocationLineHash`` from the lines of
text files it holds in the repository, which leakguard does not do.
"""

from __future__ import annotations

import hashlib
import os
import pathlib
import urllib.parse
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TextIO

import pyarrow as pa

from leakguard import __version__
from leakguard.detect.names import describe
from leakguard.report.base import BaseReporter, Stream, write_json
from leakguard.report.summary import FileSummary, entity_order, finding_dicts, not_text_message
from leakguard.report.text import clean, shown_in_json

SARIF_VERSION = "2.1.0"
SARIF_SCHEMA = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
FINGERPRINT = "leakguardLocation/v1"

#: Stable SARIF rule ids, one per entity. Never change or reuse an id: code-scanning tools key alerts on them.
RULE_IDS: dict[str, str] = {
    "FR_NIR": "LG-FR-NIR",
    "FR_AMC": "LG-FR-AMC",
    "FR_MUTUELLE_MEMBER_ID": "LG-FR-MUTUELLE-MEMBER-ID",
    "FR_HEALTH_INSURER": "LG-FR-HEALTH-INSURER",
    "FR_HEALTH_GUARANTEE": "LG-FR-HEALTH-GUARANTEE",
    "DATE_OF_BIRTH": "LG-DATE-OF-BIRTH",
    "PERSON": "LG-PERSON",
    "EMAIL_ADDRESS": "LG-EMAIL-ADDRESS",
    "PHONE_NUMBER": "LG-PHONE-NUMBER",
    "IBAN_CODE": "LG-IBAN-CODE",
}

#: SARIF level per entity: direct identifiers are errors, insurance context is a warning.
RULE_LEVELS: dict[str, str] = {
    "FR_NIR": "error",
    "FR_MUTUELLE_MEMBER_ID": "error",
    "IBAN_CODE": "error",
    "DATE_OF_BIRTH": "error",
    "PERSON": "error",
    "EMAIL_ADDRESS": "error",
    "PHONE_NUMBER": "error",
    "FR_AMC": "warning",
    "FR_HEALTH_INSURER": "warning",
    "FR_HEALTH_GUARANTEE": "warning",
}

#: GitHub's ``security-severity`` (0-10) per level.
SECURITY_SEVERITY = {"error": "7.5", "warning": "4.0"}


@dataclass(frozen=True)
class RuleText:
    name: str
    short: str
    full: str


RULE_TEXTS: dict[str, RuleText] = {
    "FR_NIR": RuleText(
        "FrenchSocialSecurityNumber",
        "French social-security number (NIR/NIA)",
        "A NIR (numéro de sécurité sociale, also the INS health identifier) or a NIA/temporary number, in any "
        "written form, with a valid key and a plausible structure. It identifies one person for life.",
    ),
    "FR_AMC": RuleText(
        "FrenchComplementaryInsurerNumber",
        "AMC number of a complementary health insurer",
        "The 8 to 10 digit number of the complementary insurer (organisme complémentaire) printed on a "
        "tiers-payant card, found next to its context (column name or words such as 'N° AMC').",
    ),
    "FR_MUTUELLE_MEMBER_ID": RuleText(
        "MutuelleMemberNumber",
        "Member number at a mutuelle",
        "The adherent or member number of a person at a mutuelle or complementary insurer.",
    ),
    "FR_HEALTH_INSURER": RuleText(
        "HealthInsurerName",
        "Name of a complementary health insurer",
        "The name of a mutuelle, insurer or provident institution: next to a person, it reveals their cover.",
    ),
    "FR_HEALTH_GUARANTEE": RuleText(
        "HealthContractGuarantee",
        "Guarantee levels of a health contract",
        "Guarantee levels of a complementary health contract (e.g. 'OPTI 200%'): next to a person, they "
        "reveal the contract they chose.",
    ),
    "DATE_OF_BIRTH": RuleText(
        "DateOfBirth",
        "Date of birth",
        "A date of birth (a date column or text identified as a birth date, not any date).",
    ),
    "PERSON": RuleText("PersonName", "Name of a person", "A first name, last name or birth name of a person."),
    "EMAIL_ADDRESS": RuleText("EmailAddress", "E-mail address", "An e-mail address."),
    "PHONE_NUMBER": RuleText("PhoneNumber", "Phone number", "A French or international phone number."),
    "IBAN_CODE": RuleText(
        "Iban", "IBAN bank account number", "An IBAN (international bank account number), checksum verified."
    ),
}

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
    """The stable rule id of ``entity`` (an entity missing from :data:`RULE_IDS` gets ``LG-`` + its name)."""
    return RULE_IDS.get(entity) or "LG-" + entity.replace("_", "-")


def rule_level(entity: str) -> str:
    return RULE_LEVELS.get(entity, "warning")


def rule(entity: str) -> dict[str, object]:
    """The ``reportingDescriptor`` of ``entity``."""
    text = RULE_TEXTS.get(entity) or RuleText(entity.title().replace("_", ""), entity, f"Entity {entity}.")
    level = rule_level(entity)
    return {
        "id": rule_id(entity),
        "name": text.name,
        "shortDescription": {"text": text.short},
        "fullDescription": {"text": text.full},
        "help": {"text": HELP_TEXT},
        "defaultConfiguration": {"level": level},
        "properties": {
            "entity": entity,
            "tags": ["security", "privacy", "personal-data"],
            "security-severity": SECURITY_SEVERITY[level],
        },
    }


def artifact_uri(path: str) -> str:
    """``path`` as a URI reference: relative paths stay relative (``/``-separated, percent-escaped)."""
    if os.path.isabs(path):
        return pathlib.Path(os.path.abspath(path)).as_uri()
    if os.sep != "/":
        path = path.replace(os.sep, "/")
    return urllib.parse.quote(os.fsencode(path), safe="/")


def fingerprint(path: str, column: str | None, row: int, start: int, entity: str) -> str:
    """A location fingerprint: nothing in it comes from the value."""
    key = "\x1f".join([path, "\x00" if column is None else column, str(row), str(start), entity])
    return hashlib.sha256(key.encode("utf-8", "surrogateescape")).hexdigest()


class SarifReporter(BaseReporter):
    """Keeps the findings tables, writes one SARIF log with one run at ``close``."""

    def __init__(self, out: TextIO, *, show_values: bool = False):
        super().__init__(out, show_values=show_values)
        self._tables: list[tuple[str, pa.Table]] = []
        self._uris: dict[str, str] = {}

    def on_findings(self, file: FileSummary, findings: pa.Table) -> None:
        self._tables.append((file.path, findings))

    def on_close(self) -> None:
        entities = set(RULE_IDS)
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
            "properties": {"summary": self.summary.totals()},
        }
        write_json(self.out, {"$schema": SARIF_SCHEMA, "version": SARIF_VERSION, "runs": [run]})
        self.out.write("\n")

    def _artifact(self, file: FileSummary) -> dict[str, object]:
        artifact: dict[str, object] = {"location": {"uri": self._uri(file.path)}}
        if file.stats is not None:
            artifact["length"] = file.stats.bytes
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

    def _results(self) -> Iterator[dict[str, object]]:
        tables, self._tables = self._tables, []
        for path, table in tables:
            raw_columns = table.column("column").to_pylist()
            for finding, raw_column in zip(finding_dicts(path, table, with_values=self.show_values), raw_columns,
                                           strict=True):
                finding["raw_column"] = raw_column
                yield self._result(path, finding)

    def _result(self, path: str, finding: dict) -> dict[str, object]:
        """The SARIF result of one finding of ``path`` (the path as given: ``finding["path"]`` is cleaned)."""
        row, column, start, end = (finding[k] for k in ("row", "column", "start", "end"))
        entity, score, preview = finding["entity"], finding["score"], finding["preview"]
        physical: dict[str, object] = {"artifactLocation": self._location(path)}
        location: dict[str, object] = {"physicalLocation": physical}
        if row < 0:  # in a name: the file's path, a column's name, metadata (leakguard.detect.names)
            location["logicalLocations"] = [{"name": column, "fullyQualifiedName": column, "kind": "member"}]
            where = describe(column)
        elif column is None:
            physical["region"] = {"startLine": row + 1, "startColumn": start + 1, "endColumn": end + 1}
            where = f"line {row + 1}"
        else:
            location["logicalLocations"] = [{"name": column, "fullyQualifiedName": f"{column}[{row}]", "kind": "value"}]
            where = f"column {column!r}, row {row}"
        properties: dict[str, object] = {"row": row, "column": column, "start": start, "end": end, "score": score}
        if "value" in finding:
            properties["value"] = finding["value"]
        return {
            "ruleId": rule_id(entity),
            "ruleIndex": self._rule_index[entity],
            "level": rule_level(entity),
            "message": {"text": f"{entity} in {where}: {preview} (score {score:.2f})"},
            "locations": [location],
            "partialFingerprints": {FINGERPRINT: fingerprint(shown_in_json(path, path=True),
                                                             shown_in_json(finding["raw_column"]), row, start,
                                                             entity)},
            "rank": round(max(0.0, min(1.0, score)) * 100, 1),
            "properties": properties,
        }
