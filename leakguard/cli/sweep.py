"""``leakguard scan --state FILE``: open the state of the last scan, say why it cannot be used, write it anew."""

from __future__ import annotations

import click

from leakguard.cli.project import fail
from leakguard.config import Config
from leakguard.detect.engine import DetectOptions
from leakguard.scan import ScanOutcome
from leakguard.state import ScanState, StateError, scan_configuration


def open_state(path: str, options: DetectOptions, config: Config, *, baseline_file: str | None, inline: bool,
               delta_version: int | None) -> ScanState:
    """The state at ``path`` for a scan with this configuration; a note on stderr for each reason it cannot
    be used (the scan is then a full one); exit 2 for a state key that cannot be used."""
    configuration = scan_configuration(options, allow=config.allow,
                                       pseudonymised_columns=config.pseudonymised_columns,
                                       baseline=baseline_file, inline=inline, delta_version=delta_version)
    try:
        state = ScanState.open(path, configuration)
    except StateError as error:
        fail(str(error))
    for note in state.notes:
        click.echo(f"leakguard: note: {note}", err=True)
    return state


def save_state(state: ScanState, outcome: ScanOutcome) -> None:
    """Say what was read and what was not, then write the state."""
    unchanged = outcome.files_unchanged
    if unchanged:
        click.echo(f"leakguard: note: {unchanged:,} file{'s' if unchanged != 1 else ''} unchanged since the "
                   f"last scan, not read again; {outcome.files_scanned:,} scanned", err=True)
    try:
        state.write()
    except OSError as error:
        fail(f"{state.path}: cannot write the state ({error.strerror or type(error).__name__})")
