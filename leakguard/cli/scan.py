"""``leakguard scan``: which files, columns and lines hold personal data, of what kind, how many records."""

from __future__ import annotations

import os
import sys

import click

from leakguard.cli import EXIT_CLEAN, EXIT_ERROR, EXIT_FINDINGS, cli
from leakguard.cli.common import atomic_output, entity_list
from leakguard.cli.console import Terminal, TerminalReporter, Verbosity, verbosity_options
from leakguard.cli.errors import debug_option
from leakguard.cli.project import config_options, expand, key_missing_message, load_config, open_baseline
from leakguard.cli.stdin import stdin_as_file
from leakguard.cli.sweep import open_state, save_state
from leakguard.detect.engine import DetectOptions
from leakguard.findings import ENTITIES
from leakguard.report import FORMATS, make_reporter
from leakguard.report.exposure import ExposureTracker
from leakguard.report.text import shown
from leakguard.scan import scan_files
from leakguard.suppress import FindingFilter
from leakguard.workerserver import default_jobs

#: The report formats that show exposure figures.
EXPOSURE_FORMATS = ("json", "jsonl", "html")


@cli.command("scan")
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=str))
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="table", show_default=True,
              help="Report format.")
@click.option("--lang", type=click.Choice(["fr", "en"]), default="fr", show_default=True,
              help="Language of the html report.")
@click.option("--output", "-o", type=click.Path(dir_okay=False, path_type=str),
              help="Write the report to FILE (atomically) instead of standard output.")
@click.option("--min-score", type=click.FloatRange(0.0, 1.0), default=None,
              help="Report findings with at least this score  [default: the configuration's, else 0.5].")
@click.option("--entities", "entities", multiple=True, metavar="LIST",
              help=f"Only these entities (comma-separated, repeatable): {', '.join(ENTITIES)}.")
@click.option("--exclude-entities", "exclude", multiple=True, metavar="LIST",
              help="Never these entities (comma-separated, repeatable).")
@click.option("--no-ner", is_flag=True, help="Skip the NER model (names in free text are then found by the "
              "French writing rules only: titles, SURNAME and first name, initials, Nom= keys).")
@click.option("--show-values", is_flag=True, help="Show raw values in the report. Never the default.")
@click.option("--table", "tables", multiple=True, metavar="GLOB",
              help="Only the tables of databases, dumps and workbooks matching GLOB (repeatable; schema.table, "
                   "or a table name in any schema).")
@click.option("--batch-rows", type=click.IntRange(1_000, 10_000_000), default=65_536, show_default=True,
              help="Records per batch (memory is bounded by one batch).")
@click.option("--jobs", "-j", type=click.IntRange(1, 256), default=None,
              help="Worker processes: small files are scanned whole in them, large ones chunk by chunk "
                   "(default: every core this process may use).")
@debug_option
@click.option("--state", "state_file", type=click.Path(dir_okay=False, path_type=str),
              help="Incremental scans: read again only the files changed since the scan that wrote FILE, "
                   "report the others with its results, then write FILE (key: $LEAKGUARD_STATE_KEY, else "
                   "FILE.key).")
@click.option("--delta-version", type=click.IntRange(0), default=None, metavar="N",
              help="Read Delta Lake tables at version N (default: their latest).")
@config_options
@click.option("--baseline", "baseline_file", type=click.Path(dir_okay=False, path_type=str),
              help="Report only findings this baseline does not list (see `leakguard baseline`).")
@click.option("--baseline-key-file", type=click.Path(dir_okay=False, path_type=str),
              help="The baseline key (default: $LEAKGUARD_BASELINE_KEY, else .leakguard.key beside the "
                   "baseline).")
@click.option("--exit-zero", is_flag=True, help="Exit with status 0 even when personal data is found (for "
              "reporting jobs); unreadable files and usage errors still exit with 2.")
@verbosity_options
def scan_command(paths: tuple[str, ...], fmt: str, lang: str, output: str | None, min_score: float | None,
                 entities: tuple[str, ...], exclude: tuple[str, ...], no_ner: bool, show_values: bool,
                 batch_rows: int, jobs: int | None, debug: bool, config_file: str | None, no_config: bool,
                 baseline_file: str | None, baseline_key_file: str | None, tables: tuple[str, ...] = (),
                 exit_zero: bool = False, verbosity: int = Verbosity.NORMAL, state_file: str | None = None,
                 delta_version: int | None = None) -> None:
    """Scan PATH... (files, directories recursively, database URIs) for French health-insurance personal data.

    Databases: postgresql://[USER@]HOST[:PORT]/DB (password from PGPASSWORD or ~/.pgpass), sqlite:///FILE,
    duckdb:///FILE; SQLite and DuckDB files, .sql dumps and workbooks are found by content. Each table is
    reported as CONTAINER#TABLE. A directory with a _delta_log/ (Delta Lake) or Iceberg metadata is one table.
    PATH - reads standard input (its format decided from its content; reports name it -).

    Exit status: 0 nothing found, 1 findings, 2 a usage error or a file that could not be read (the other
    files are still scanned and reported).
    """
    terminal = Terminal(verbosity)
    wanted = entity_list(entities, "--entities")
    unwanted = entity_list(exclude, "--exclude-entities")
    config = load_config(config_file, no_config)
    baseline, fingerprinter, _ = (open_baseline(baseline_file, baseline_key_file, required=True)
                                  if baseline_file else (None, None, None))
    # the raw values reach the filter (allowlist, baseline), which drops them unless --show-values
    options = config.detect_options(
        ner=False if no_ner else None,
        entities=frozenset(wanted) if wanted else None,
        exclude_entities=frozenset(unwanted),
        min_score=min_score,
        show_values=True,
    )
    finding_filter = FindingFilter(config, baseline=baseline, fingerprinter=fingerprinter,
                                   inline=not no_config, keep_values=show_values)
    # --quiet: the table report is not printed (the exit status says what was found); other reports are
    quiet_table = terminal.verbosity <= Verbosity.QUIET and fmt == "table" and output is None
    # exposure reads NIRs and quasi-identifiers back from the cells: only for the reports that show it
    exposure = ExposureTracker() if fmt in EXPOSURE_FORMATS else None
    state = open_state(state_file, options, config, baseline_file=baseline_file if baseline else None,
                       inline=not no_config, delta_version=delta_version) if state_file else None
    with stdin_as_file(paths) as (paths_read, names):
        expanded = expand(paths_read, config)
        for given, why in expanded.skipped:
            terminal.note(f"{shown(f'{names.get(given, given)}: {why}', path=True, show_values=show_values)}; "
                          "not scanned")
        terminal.info(_settings(len(expanded.files), config.source, options))
        with open(os.devnull, "w", encoding="utf-8") if quiet_table else atomic_output(output) as out:
            reporter = TerminalReporter(make_reporter(fmt, out, show_values=show_values, lang=lang), terminal,
                                        show_values=show_values, names=names)
            with terminal.progress("scanning", files=len(expanded.files), names=names) as on_progress:
                outcome = scan_files(expanded.files, reporter, options=options, batch_rows=batch_rows,
                                     jobs=jobs or default_jobs(), on_progress=on_progress, debug=debug,
                                     finding_filter=finding_filter,
                                     problem_filter=lambda path, row: finding_filter.problem_level(path, row, False)
                                     is not None, tables=tables, exposure=exposure, state=state,
                                     delta_version=delta_version)
                if exposure is not None:
                    reporter.exposure(exposure.summary())
                reporter.close()
    if state is not None:
        save_state(state, outcome)
    if baseline is not None and finding_filter.unchecked:
        terminal.error(key_missing_message(baseline))
        sys.exit(EXIT_ERROR)
    if outcome.errors:
        sys.exit(EXIT_ERROR)
    sys.exit(EXIT_FINDINGS if outcome.findings and not exit_zero else EXIT_CLEAN)


def _settings(files: int, config_source: str | None, options: DetectOptions) -> str:
    """The ``-v`` line saying what is scanned and how."""
    entities = ", ".join(sorted(options.entities)) if options.entities else "all entities"
    if options.exclude_entities:
        entities += " but " + ", ".join(sorted(options.exclude_entities))
    return (f"{files:,} file{'' if files == 1 else 's'} to scan; {entities}; min score {options.min_score:g}; "
            f"NER {'on' if options.ner else 'off'}; configuration {config_source or 'none (defaults)'}")
