"""Run the real CLI over a dataset, one text file per text, and map its findings back to text offsets.

Exactly as a user would: each text is written to ``<id>.txt`` (UTF-8, the text as it is, nothing added) in a
temporary directory, then ``python -m leakguard scan DIR --format jsonl --no-config`` runs once over the
directory in a subprocess (``--no-ner`` passed on when asked; ``--no-config`` so that no project
configuration found upwards changes what is measured). A finding on a text file names its ``path``, its
``row`` (the 0-based line) and ``start``/``end`` inside that line; :func:`text_offsets` turns them into
offsets in the whole text.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from benchmarks.third_party.dataset import Dataset
from benchmarks.third_party.scoring import Finding

#: The repository root: the CLI subprocess imports leakguard from here.
ROOT = Path(__file__).resolve().parents[2]
_BOM = "\ufeff"


@dataclass
class ScanRun:
    findings: list[Finding]
    seconds: float
    command: list[str]
    exit_code: int
    #: per-source errors the CLI reported, and findings that could not be placed in a text
    problems: list[str] = field(default_factory=list)
    summary: dict = field(default_factory=dict)


def line_starts(text: str) -> list[int]:
    """Offset of the first character of each line (lines end at ``\\n``, as leakguard reads text files)."""
    starts = [0]
    starts.extend(i + 1 for i, ch in enumerate(text) if ch == "\n")
    return starts


def text_offsets(text: str, row: int, start: int, end: int) -> tuple[int, int]:
    """Offsets in ``text`` of a finding at ``start:end`` of line ``row``.

    A ``\\r`` ending a line is outside every finding, so CRLF texts need nothing special; a leading
    byte-order mark is dropped by the reader, so offsets on the first line move by one.
    """
    starts = line_starts(text)
    if not 0 <= row < len(starts):
        raise ValueError(f"line {row} is beyond the text's {len(starts)} lines")
    base = starts[row] + (1 if row == 0 and text.startswith(_BOM) else 0)
    if base + end > len(text) or start > end:
        raise ValueError(f"{start}:{end} on line {row} is beyond the line")
    return base + start, base + end


def write_texts(dataset: Dataset, directory: Path) -> None:
    for t in dataset.texts:
        if t.text:  # an empty file is an error for the CLI, and cannot hold a finding
            (directory / f"{t.id}.txt").write_bytes(t.text.encode("utf-8"))


def run_cli(directory: Path, *, ner: bool) -> tuple[list[dict], float, list[str], int]:
    """The CLI's JSON lines records, wall-clock seconds, the command and its exit code."""
    command = [sys.executable, "-m", "leakguard", "scan", str(directory), "--format", "jsonl", "--no-config"]
    if not ner:
        command.append("--no-ner")
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(ROOT), env.get("PYTHONPATH", "")) if p)
    began = time.perf_counter()
    done = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, encoding="utf-8")
    seconds = time.perf_counter() - began
    if done.returncode not in (0, 1, 2):
        raise RuntimeError(f"leakguard scan failed (exit {done.returncode}): {done.stderr.strip()[-2000:]}")
    records = [json.loads(line) for line in done.stdout.splitlines() if line.strip()]
    return records, seconds, command, done.returncode


def map_findings(dataset: Dataset, records: Sequence[dict]) -> tuple[list[Finding], list[str], dict]:
    """Findings placed in their texts, the problems met, and the CLI's summary record."""
    texts = {t.id: t.text for t in dataset.texts}
    findings: list[Finding] = []
    problems: list[str] = []
    summary: dict = {}
    for record in records:
        kind = record.get("type")
        if kind == "summary":
            summary = record
            continue
        if kind != "finding":
            problems.append(f"{kind}: {record.get('path', '')} {record.get('message', record)}")
            continue
        name = Path(record["path"]).name
        text_id = name[: -len(".txt")] if name.endswith(".txt") else name
        if text_id not in texts or record.get("column") is not None:
            problems.append(f"finding not on a text line: {record['path']} row {record['row']} "
                            f"column {record.get('column')!r}")
            continue
        try:
            start, end = text_offsets(texts[text_id], record["row"], record["start"], record["end"])
        except ValueError as error:
            problems.append(f"{text_id}: {error}")
            continue
        findings.append(Finding(text_id, start, end, record["entity"], float(record.get("score", 1.0))))
    return findings, problems, summary


def scan_dataset(dataset: Dataset, *, ner: bool) -> ScanRun:
    """Write the texts, run the CLI once over them, and map the findings back."""
    with tempfile.TemporaryDirectory(prefix="leakguard-third-party-") as tmp:
        directory = Path(tmp)
        write_texts(dataset, directory)
        records, seconds, command, code = run_cli(directory, ner=ner)
        findings, problems, summary = map_findings(dataset, records)
    command = [*command[:4], "DIR", *command[5:]]
    return ScanRun(findings, seconds, command, code, problems, summary)
