"""The results on stdout (rich tables) and as JSON.

Three tables: throughput (one line per measurement), targets (PASS/MISS), and detection quality (precision
and recall per entity for each scored measurement). Columns of the throughput table:

* ``cells/s`` — rows x columns (nulls included) per second; ``MB/s`` — Arrow bytes in memory per second;
* ``x Presidio`` — cells/s divided by Presidio's (set-up ``nir+stock``) without NLP / with spaCy;
* ``x limit`` — the measurement's time divided by the limit's time on the same file (lower is better);
* ``peak MiB`` — peak resident memory of the measuring process, plus its workers' peaks for several jobs;
* ``growth`` — time at the largest size / time at the smallest (rows 10x larger: linear is about 10x).
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table

from benchmarks.targets import status_of


def _num(value: float | None, digits: int = 0) -> str:
    if value is None:
        return "-"
    return f"{value:,.{digits}f}"


def throughput_table(document: dict[str, Any]) -> Table:
    table = Table(title="Throughput (one run, same data)", title_justify="left")
    for name in (
        "measurement",
        "rows",
        "time s",
        "cells/s",
        "MB/s",
        "x Presidio no NLP",
        "x Presidio spaCy",
        "x limit time",
        "peak MiB",
        "growth",
        "target",
    ):
        table.add_column(name, justify="left" if name == "measurement" else "right")
    checks = document["targets"]
    for m in document["measurements"]:
        if not m["ok"]:
            table.add_row(m["label"], _num(m["rows"]), "failed", (m.get("error") or "")[:60], *[""] * 7)
            continue
        growth = m.get("growth")
        table.add_row(
            m["label"],
            _num(m["rows"]),
            _num(m.get("seconds"), 2),
            _num(m.get("cells_per_s")),
            _num(m.get("mb_per_s"), 1),
            _num(m.get("x_presidio_none"), 1),
            _num(m.get("x_presidio_spacy"), 1),
            _num(m.get("x_limit_time"), 2),
            _num(m.get("peak_rss_mib")),
            f"{growth['time_ratio']:.1f}x" if growth else "",
            status_of(checks, m["id"]),
        )
    return table


def targets_table(document: dict[str, Any]) -> Table:
    table = Table(title="Targets (DESIGN.md)", title_justify="left")
    for name in ("target", "measurement", "value", "status", "missed by"):
        table.add_column(name, justify="right" if name in ("value", "missed by") else "left")
    for c in document["targets"]:
        value = c["value"]
        shown = "-" if value is None else (f"{value:,.0f}" if c["unit"] != "x" else f"{value:,.2f}x")
        missed = f"{c['miss_factor']}x" if c.get("miss_factor") else ""
        table.add_row(c["target"], c["measurement"], shown, c["status"], missed)
    return table


def quality_table(document: dict[str, Any]) -> Table:
    table = Table(
        title="Detection quality (overlap in the same cell, same entity; see benchmarks/quality.py)",
        title_justify="left",
    )
    for name in (
        "measurement",
        "entity",
        "truth",
        "findings",
        "precision",
        "recall",
        "wrong entity",
        "no PII",
    ):
        table.add_column(name, justify="left" if name in ("measurement", "entity") else "right")
    for measurement, scores in document["quality"].items():
        for entity, s in scores.items():
            table.add_row(
                measurement,
                entity,
                _num(s["truth"]),
                _num(s["findings"]),
                _num(s["precision"], 3) if s["precision"] is not None else "-",
                _num(s["recall"], 3) if s["recall"] is not None else "-",
                _num(s["wrong_entity"]),
                _num(s["no_pii"]),
            )
        table.add_section()
    return table


def print_report(document: dict[str, Any], console: Console | None = None) -> None:
    console = console or Console(width=None if os.isatty(1) else 200)
    info = document["machine"]
    console.print(
        f"[bold]leakguard benchmarks[/bold] — {info['cpu']}, {info['cores']} cores, {info['ram_gib']} GiB, "
        f"Python {info['python']}, {info['date']}, load {info['load_start']} -> {info.get('load_end')}"
    )
    console.print(throughput_table(document))
    console.print(targets_table(document))
    console.print(quality_table(document))


def write_json(document: dict[str, Any], path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(json.dumps(document, indent=1, default=str))
    os.replace(tmp, path)
