"""What ``scan``, ``hook`` and ``baseline`` share about a project: its configuration and its baseline.

* :func:`config_options` adds ``--config FILE`` and ``--no-config``; :func:`load_config` turns them into a
  :class:`~leakguard.config.Config` or exits with status 2 and one line naming the file and the key;
* :func:`expand` lists the files under the paths given, minus those the configuration excludes;
* :func:`open_baseline` reads a baseline and finds its key, or exits with status 2.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any, NoReturn

import click

from leakguard.baseline import Baseline, BaselineError, BaselineKey, Fingerprinter, baseline_command, find_key
from leakguard.cli import EXIT_ERROR
from leakguard.config import Config, ConfigError, discover
from leakguard.report.text import shown
from leakguard.sources import iter_files
from leakguard.sources.base import SourceError


def fail(message: str) -> NoReturn:
    """One ``leakguard: error: ...`` line on standard error, exit status 2 (identifiers in names masked)."""
    click.echo(f"leakguard: error: {shown(message, path=True)}", err=True)
    sys.exit(EXIT_ERROR)


def config_options(command: Callable[..., Any]) -> Callable[..., Any]:
    """``--config FILE`` and ``--no-config``."""
    command = click.option("--no-config", is_flag=True,
                           help="Ignore configuration files and inline `leakguard: allow` comments.")(command)
    return click.option("--config", "config_file", type=click.Path(dir_okay=False, path_type=str),
                        help="Configuration file (default: .leakguard.toml or [tool.leakguard] in "
                             "pyproject.toml, found from the current directory upwards).")(command)


def load_config(config_file: str | None, no_config: bool) -> Config:
    if config_file is not None and no_config:
        raise click.UsageError("--config and --no-config exclude each other")
    try:
        return discover(config_file, enabled=not no_config)
    except ConfigError as error:
        fail(str(error))


@dataclass
class Expanded:
    """The files a command reads, and the paths given that left none (with why)."""

    files: list[str] = field(default_factory=list)
    #: ``(path given, why nothing under it is read)``
    skipped: list[tuple[str, str]] = field(default_factory=list)


def expand(paths: Iterable[str], config: Config, *, own_files_given: bool = True) -> Expanded:
    """Files under ``paths`` that ``config`` does not exclude, and not leakguard's own files (its
    configuration, baseline, key: :meth:`Config.is_own_file`) unless named themselves and ``own_files_given``;
    paths that cannot be walked are kept (the scan reports them)."""
    out = Expanded()
    for given in paths:
        found = excluded = own = 0
        for entry in iter_files([given]):
            if isinstance(entry, SourceError):
                out.files.append(entry.path)
                found = -1
                continue
            found += 1
            if config.is_own_file(entry) and not (own_files_given and entry == given):
                own += 1
            elif config.excludes(entry):
                excluded += 1
            else:
                out.files.append(entry)
        if found == 0:
            out.skipped.append((given, "no files"))
        elif found > 0 and excluded + own == found:
            reasons = []
            if excluded:
                reasons.append(f"excluded by the configuration ({config.source})")
            if own:
                reasons.append("leakguard's own file" + ("s" if own > 1 else ""))
            what = "" if os.path.isfile(given) else ("all " if found > 1 else "") + _files(found) + " "
            out.skipped.append((given, what + " and ".join(reasons)))
    return out


def _files(count: int) -> str:
    return f"{count:,} file" + ("" if count == 1 else "s")


def open_baseline(path: str, key_file: str | None, *,
                  required: bool) -> tuple[Baseline | None, Fingerprinter | None, BaselineKey | None]:
    """The baseline at ``path`` (``None`` if missing and not ``required``), a fingerprinter when its key is
    found, and the key. A wrong key, an unreadable baseline or key: exit 2."""
    try:
        if not os.path.exists(path):
            if required:
                fail(f"{path}: no such baseline; write one with {baseline_command()}")
            return None, None, None
        baseline = Baseline.load(path)
        key = find_key(path, key_file)
        if key is None:
            return baseline, None, None
        baseline.check_key(key)
        return baseline, Fingerprinter(key.key), key
    except BaselineError as error:
        fail(str(error))


def key_missing_message(baseline: Baseline) -> str:
    return (f"{baseline.path}: cannot check findings against the baseline without its key: pass "
            "--key-file FILE, set LEAKGUARD_BASELINE_KEY, or put the team's key in .leakguard.key beside the "
            "baseline")
