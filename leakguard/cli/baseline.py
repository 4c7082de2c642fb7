"""``leakguard baseline PATH...``: record today's findings so that the hook fails only on new ones.

Writes ``.leakguard-baseline.json`` (or ``--baseline FILE``, or the configuration's ``baseline``): keyed
fingerprints, never values (see :mod:`leakguard.baseline`). Entries of the files scanned are replaced, those
of other files kept (dropped when the file no longer exists); the output is deterministic, and the file is
not rewritten when nothing changed. The key is ``--key-file FILE``, ``$LEAKGUARD_BASELINE_KEY``, or
``.leakguard.key`` beside the baseline, created (mode 0600, added to ``.git/info/exclude``) when none exists.
"""

from __future__ import annotations

import os
import sys

import click
import pyarrow as pa

from leakguard.baseline import (
    Baseline,
    BaselineError,
    Fingerprinter,
    create_key,
    entry_path,
    find_key,
    key_path_for,
)
from leakguard.cli import EXIT_ERROR, cli
from leakguard.cli.project import config_options, expand, fail, load_config
from leakguard.report.text import printable, shown
from leakguard.scan import scan_files
from leakguard.suppress import FindingFilter


class _Recorder:
    """A reporter for ``scan_files`` that adds findings to a baseline."""

    def __init__(self, baseline: Baseline, fingerprinter: Fingerprinter, finding_filter: FindingFilter):
        self.baseline = baseline
        self.filter = finding_filter
        self.fingerprinter = fingerprinter
        self.scanned: list[str] = []
        self.findings_count = 0
        self.errors = 0
        self._new: list[tuple[str, pa.Table]] = []

    def file_started(self, path: str) -> None:
        self.scanned.append(path)

    def findings(self, path: str, findings: pa.Table) -> None:
        self._new.append((path, findings))
        self.findings_count += findings.num_rows

    def problem(self, path: str, message: str, row: int | None = None, fatal: bool = False) -> None:
        level = self.filter.problem_level(path, row, fatal)
        if level is None:
            return
        click.echo(f"leakguard: {level}: {shown(path, path=True)}: {printable(message)}", err=True)
        if level == "error":
            self.errors += 1

    def file_done(self, path: str, stats: object) -> None:
        pass

    def close(self) -> None:
        self.baseline.forget(entry_path(path, self.baseline.directory) for path in self.scanned)
        for path, findings in self._new:
            self.baseline.add(path, findings, self.fingerprinter)
        self.baseline.prune_missing()


def _read(path: str) -> str | None:
    try:
        with open(path, encoding="utf-8") as handle:
            return handle.read()
    except (OSError, UnicodeDecodeError):
        return None


@cli.command("baseline")
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=str))
@config_options
@click.option("--baseline", "baseline_file", type=click.Path(dir_okay=False, path_type=str),
              help="Baseline file to write (default: `baseline` of the configuration, else "
                   ".leakguard-baseline.json beside the configuration file or in the current directory).")
@click.option("--key-file", type=click.Path(dir_okay=False, path_type=str),
              help="The baseline key (default: $LEAKGUARD_BASELINE_KEY, else .leakguard.key beside the "
                   "baseline, created when missing).")
@click.option("--no-ner", is_flag=True, help="Skip the NER model (names in free text).")
def baseline_command(paths: tuple[str, ...], config_file: str | None, no_config: bool,
                     baseline_file: str | None, key_file: str | None, no_ner: bool) -> None:
    """Record the findings of PATH... (files or directories) as known; the hook then fails only on new ones.

    Exit status: 0 written, 2 an unreadable file (nothing written), a bad configuration or a key problem.
    """
    config = load_config(config_file, no_config)
    path = baseline_file or config.baseline_path
    created = excluded = False
    try:
        baseline = Baseline.load(path) if os.path.exists(path) else Baseline(path)
        key = find_key(path, key_file)
        if key is None:
            if baseline.entries:
                fail(f"{path}: no baseline key to extend this baseline: pass --key-file FILE or set "
                     "LEAKGUARD_BASELINE_KEY (the team's key), or delete the baseline to start a new one")
            key, excluded = create_key(path)
            created = True
        baseline.check_key(key)
    except BaselineError as error:
        fail(str(error))
    before = _read(path)
    baseline.key_fingerprint = key.fingerprint
    options = config.detect_options(ner=False if no_ner else None, show_values=True)
    finding_filter = FindingFilter(config, inline=not no_config, keep_values=True)
    recorder = _Recorder(baseline, Fingerprinter(key.key), finding_filter)
    files = expand(paths, config, own_files_given=False).files  # never its own baseline, configuration, key
    scan_files(files, recorder, options=options, jobs=1, finding_filter=finding_filter)
    name = shown(os.path.relpath(path), path=True)
    if recorder.errors:
        click.echo(f"leakguard: error: {name} not written: some files could not be read", err=True)
        sys.exit(EXIT_ERROR)
    recorder.close()
    text = baseline.dumps()
    if text != before:
        baseline.write()
    files = len({entry[0] for entry in baseline.entries})
    note = ""
    if created:
        note = f"; new key in {os.path.relpath(key_path_for(path))} (mode 0600"
        note += ", kept out of git by .git/info/exclude)" if excluded else "; never commit it)"
    click.echo(f"leakguard: {name}: {len(baseline.entries)} known findings in {files} files"
               f"{'' if text != before else ' (unchanged)'}{note}", err=True)
