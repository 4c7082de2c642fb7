"""The performance targets of ``DESIGN.md``, checked on the measurements of one run.

=====================================  ==================================================================
target                                 checked on
=====================================  ==================================================================
scan, no NER >= 500x Presidio no NLP   every ``scan:noner`` measurement: its cells/s / Presidio's
                                       (``nir+stock`` set-up, ``NoOpNlpEngine``)
scan, no NER <= 5x the limit's time    every ``scan:noner`` measurement: its time / the limit's on the file
scan, NER >= 50x Presidio with spaCy   every ``scan:ner`` measurement: its cells/s / Presidio's with spaCy
pseudonymisation >= 200,000 rows/s     every ``pseudonymise`` measurement
10**7-row scan peak RSS < 1 GiB        the ``big`` measurement (``--big``): process + workers
=====================================  ==================================================================

Each check gives PASS or MISS with the measured value and by how much it misses; a target whose measurement
did not run is not listed.
"""

from __future__ import annotations

from typing import Any

SCAN_VS_PRESIDIO = 500.0
SCAN_VS_LIMIT = 5.0
NER_VS_PRESIDIO_SPACY = 50.0
PSEUDONYMISE_ROWS_PER_S = 200_000.0
BIG_RSS_MIB = 1024.0


def _check(
    name: str, measurement: str, value: float | None, target: float, higher_is_better: bool, unit: str
) -> dict[str, Any]:
    if value is None:
        return {
            "target": name,
            "measurement": measurement,
            "status": "N/A",
            "value": None,
            "goal": target,
            "unit": unit,
        }
    ok = value >= target if higher_is_better else value <= target
    factor = (target / value if higher_is_better else value / target) if value else None
    return {
        "target": name,
        "measurement": measurement,
        "status": "PASS" if ok else "MISS",
        "value": value,
        "goal": target,
        "unit": unit,
        "miss_factor": None if ok or factor is None else round(factor, 1),
    }


def check(measurements: list[Any]) -> list[dict[str, Any]]:
    """PASS/MISS per target and measurement."""
    out = []
    for m in measurements:
        d = m.derived
        if not d:
            continue
        if m.kind == "scan" and not m.ner:
            out.append(
                _check(
                    f">= {SCAN_VS_PRESIDIO:g}x Presidio (no NLP) cells/s",
                    m.id,
                    d.get("x_presidio_none"),
                    SCAN_VS_PRESIDIO,
                    True,
                    "x",
                )
            )
            out.append(
                _check(
                    f"<= {SCAN_VS_LIMIT:g}x the limit's time",
                    m.id,
                    d.get("x_limit_time"),
                    SCAN_VS_LIMIT,
                    False,
                    "x",
                )
            )
        elif m.kind == "scan" and m.ner:
            out.append(
                _check(
                    f">= {NER_VS_PRESIDIO_SPACY:g}x Presidio (spaCy) cells/s",
                    m.id,
                    d.get("x_presidio_spacy"),
                    NER_VS_PRESIDIO_SPACY,
                    True,
                    "x",
                )
            )
        elif m.kind == "pseudonymise":
            out.append(
                _check(
                    f">= {PSEUDONYMISE_ROWS_PER_S:,.0f} rows/s",
                    m.id,
                    d.get("rows_per_s"),
                    PSEUDONYMISE_ROWS_PER_S,
                    True,
                    "rows/s",
                )
            )
        elif m.kind == "big":
            out.append(
                _check(
                    f"peak RSS < {BIG_RSS_MIB:g} MiB", m.id, d.get("peak_rss_mib"), BIG_RSS_MIB, False, "MiB"
                )
            )
    return out


def status_of(checks: list[dict[str, Any]], measurement: str) -> str:
    """``PASS``, ``MISS`` or ``""`` for a measurement's targets, all together."""
    states = [c["status"] for c in checks if c["measurement"] == measurement and c["status"] != "N/A"]
    if not states:
        return ""
    return "MISS" if "MISS" in states else "PASS"
