"""``leakguard hook FILE...``: the pre-commit hook (``.pre-commit-hooks.yaml``, id ``leakguard``).

Scans only the files given, applies the project's configuration, allowlist, pseudonymised columns, inline
ignores and baseline (see :mod:`leakguard.hook`), prints one line per file and entity with masked values,
and exits 0 when clean (printing nothing), 1 on findings, 2 on a file that cannot be read, a bad
configuration, or a baseline that cannot be used (another key, no key when one is needed).
"""

from __future__ import annotations

import sys

import click

from leakguard.cli import EXIT_CLEAN, EXIT_ERROR, EXIT_FINDINGS, cli
from leakguard.cli.project import config_options, expand, key_missing_message, load_config, open_baseline
from leakguard.hook import format_report, run_hook
from leakguard.suppress import FindingFilter


@cli.command("hook")
@click.argument("files", nargs=-1, type=click.Path(path_type=str))
@config_options
@click.option("--baseline", "baseline_file", type=click.Path(dir_okay=False, path_type=str),
              help="Baseline file (default: `baseline` of the configuration, else .leakguard-baseline.json "
                   "beside the configuration file or in the current directory, if it exists).")
@click.option("--no-baseline", is_flag=True, help="Ignore the baseline: report every finding.")
@click.option("--key-file", type=click.Path(dir_okay=False, path_type=str),
              help="The baseline key (default: $LEAKGUARD_BASELINE_KEY, else .leakguard.key beside the "
                   "baseline).")
@click.option("--no-ner", is_flag=True, help="Skip the NER model (names in free text).")
def hook_command(files: tuple[str, ...], config_file: str | None, no_config: bool, baseline_file: str | None,
                 no_baseline: bool, key_file: str | None, no_ner: bool) -> None:
    """Scan FILE... before a commit; fail on personal data the project does not know about.

    Exit status: 0 clean (nothing printed), 1 findings, 2 an unreadable file, a bad configuration or an
    unusable baseline.
    """
    config = load_config(config_file, no_config)
    baseline = fingerprinter = None
    if not no_baseline:
        path = baseline_file or config.baseline_path
        baseline, fingerprinter, _ = open_baseline(path, key_file, required=baseline_file is not None)
    paths = expand(files, config, own_files_given=False).files  # the baseline, configuration, key: never data
    if not paths:
        sys.exit(EXIT_CLEAN)
    options = config.detect_options(ner=False if no_ner else None, show_values=True)
    finding_filter = FindingFilter(config, baseline=baseline, fingerprinter=fingerprinter,
                                   inline=not no_config)
    result = run_hook(paths, options, finding_filter)
    out, err = format_report(result)
    for line in out:
        click.echo(line)
    for line in err:
        click.echo(line, err=True)
    if result.baseline_unchecked and baseline is not None:
        click.echo(f"leakguard: error: {key_missing_message(baseline)}", err=True)
        sys.exit(EXIT_ERROR)
    if result.errors:
        sys.exit(EXIT_ERROR)
    sys.exit(EXIT_FINDINGS if result.findings else EXIT_CLEAN)
