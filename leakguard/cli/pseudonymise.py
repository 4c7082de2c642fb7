"""``leakguard pseudonymise``, ``leakguard keygen`` and ``leakguard reidentify``: thin shells over the library.

* ``leakguard pseudonymise IN OUT`` — :func:`leakguard.pseudonymise_file`: same format out as in, written
  atomically; ``--in-place`` replaces IN itself (then OUT is omitted, or equal to IN). Exit status: 0 done,
  1 ``--verify`` found identifiers left (nothing written), 2 a usage, key or read error (nothing written).
* ``leakguard keygen`` — a new 32-byte key as hex, on standard output or into a new file of mode 0600.
* ``leakguard reidentify IN OUT`` — :func:`leakguard.pseudonymise.reidentify_file`: decrypts ``fpe`` NIRs,
  after checking the key fingerprint and operator the file records (``--force`` for files that record none).

The key comes from ``--key-file FILE`` or the ``LEAKGUARD_KEY`` environment variable; it is checked before
any file is opened and never printed: messages name where it came from, and outputs record its fingerprint.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator, Mapping
from contextlib import contextmanager

import click

from leakguard.cli import EXIT_CLEAN, EXIT_ERROR, EXIT_FINDINGS, cli
from leakguard.cli.console import Terminal, Verbosity, verbosity_options
from leakguard.cli.errors import debug_option, set_note
from leakguard.cli.project import config_options, load_config
from leakguard.detect.names import describe
from leakguard.pseudonymise import keys
from leakguard.pseudonymise.files import (
    TEXT_LINES,
    PseudonymiseError,
    ReidentifyRefused,
    Report,
    VerificationFailed,
    pseudonymise_file,
    reidentify_file,
)
from leakguard.pseudonymise.keys import KeyProblem
from leakguard.pseudonymise.operators import KNOWN_ENTITIES, OPERATORS, OperatorProblem, Policy, parse_operator_option
from leakguard.report.text import printable, shown
from leakguard.sources.base import SourceError
from leakguard.workerserver import default_jobs


def _fail(message: str, status: int = EXIT_ERROR) -> None:
    click.echo(f"leakguard: error: {shown(message, path=True)}", err=True)  # the paths it names, masked
    sys.exit(status)


def _key(key_file: str | None) -> bytes:
    try:
        return keys.load_key(key_file)
    except KeyProblem as problem:
        _fail(str(problem))
        raise AssertionError("unreachable") from None


def _operators(values: tuple[str, ...]) -> dict[str, str]:
    chosen: dict[str, str] = {}
    for value in values:
        try:
            entity, spec = parse_operator_option(value)
        except OperatorProblem as problem:
            raise click.BadParameter(str(problem), param_hint="--operator") from None
        chosen[entity] = spec
    return chosen


def _destination(destination: str | None, in_place: bool) -> str | None:
    if in_place:
        return destination
    if destination is None:
        raise click.UsageError("missing OUT: give an output file, or --in-place to replace IN")
    return destination


@contextmanager
def _errors() -> Iterator[None]:
    """One line on standard error and exit status 2 for the library's own refusals; anything else that
    stops the work ends in :func:`leakguard.cli.errors.guard`, with the note that nothing was written."""
    set_note("nothing was written")
    try:
        yield
    except (SourceError, PseudonymiseError, ReidentifyRefused, OperatorProblem, KeyProblem) as error:
        _fail(str(error))


def _count_list(counts: Mapping[str, int]) -> str:
    return ", ".join(f"{entity} {count:,}" for entity, count in sorted(counts.items(), key=lambda kv: -kv[1]))


def _summary(verb: str, report: Report) -> str:
    parts = [f"{report.records:,} records"]
    if report.as_text:
        parts[0] += f" ({report.as_text:,} not parsed: kept as written, pseudonymised as text)"
    parts.append(f"replaced {_count_list(report.replaced)}" if report.replaced else "nothing replaced")
    if report.kept:
        parts.append(f"kept {_count_list(report.kept)}")
    if report.not_text:
        columns = ", ".join(shown(column) for column in sorted(report.not_text))
        parts.append(f"{sum(report.not_text.values()):,} binary cells not UTF-8 text, not scanned, kept as they "
                     f"were (columns {columns})")
    parts.append(f"{report.seconds:.1f} s, {report.rows_per_second:,.0f} rows/s")
    source, output = shown(report.source, path=True), shown(report.output, path=True)
    return f"leakguard: {verb} {source} -> {output}: " + "; ".join(parts)


def _columns(report: Report) -> list[str]:
    """Which columns were rewritten, how many values, which entities: a table, one line per column."""
    if not report.column_values:
        return []
    # no entity: the key column of NIR bodies rewritten under fpe, rewritten with them
    rows = [(_column_name(name, report.format), f"{count:,}",
             _count_list(report.column_entities.get(name, {})) or "FR_NIR keys (of the NIRs rewritten by fpe)")
            for name, count in report.column_values.items()]
    width = max(len("column"), *(len(name) for name, _, _ in rows))
    count_width = max(len("values"), *(len(count) for _, count, _ in rows))
    lines = [f"  {'column':<{width}}  {'values':>{count_width}}  entities replaced"]
    lines += [f"  {name:<{width}}  {count:>{count_width}}  {entities}" for name, count, entities in rows]
    return lines


def _column_name(name: str, file_format: str) -> str:
    if name == "\x00names":
        return "(names and metadata)"
    if name == TEXT_LINES:
        return {"text": "(lines)", "jsonl": "(lines that are not JSON)"}.get(file_format, "(rows not parsed)")
    return shown(name)


def _problems(report: Report, terminal: Terminal) -> None:
    for problem in report.problems:
        terminal.warning(f"{shown(problem.path, path=True)}: {printable(problem.message)}")


KEY_HELP = ("File holding the key: 64 hex digits (`leakguard keygen`) or 44 base64 characters (32 bytes). "
            "Default: the LEAKGUARD_KEY variable.")


@cli.command("pseudonymise")
@click.argument("source", metavar="IN", type=click.Path(dir_okay=False, path_type=str))
@click.argument("destination", metavar="[OUT]", required=False, type=click.Path(dir_okay=False, path_type=str))
@click.option("--key-file", type=click.Path(dir_okay=False, path_type=str), help=KEY_HELP)
@click.option("--operator", "operator_options", multiple=True, metavar="ENTITY=OP",
              help=f"Operator of one entity (repeatable). OP: {', '.join(OPERATORS)}; mask:N keeps N "
              "characters (half a value at most), generalise:year|month, fpe:sex=random hides the sex digit. ENTITY: "
              + ", ".join(KNOWN_ENTITIES) + ".")
@click.option("--verify", is_flag=True, help="Scan the output before it is written, as a default scan does (NER "
              "included, even with --no-ner); exit 1 and write nothing if an entity to pseudonymise is still "
              "found (keep and fpe entities are not checked).")
@click.option("--in-place", is_flag=True, help="Replace IN itself, atomically (OUT omitted, or equal to IN).")
@click.option("--no-ner", is_flag=True, help="Skip the NER model (names in free text are then found by the "
              "French writing rules only: titles, SURNAME and first name, initials, Nom= keys).")
@click.option("--batch-rows", type=click.IntRange(1_000, 10_000_000), default=65_536, show_default=True,
              help="Records per batch (memory is bounded by one batch).")
@click.option("--jobs", "-j", type=click.IntRange(1, 256), default=None,
              help="Worker processes for large files (default: every core this process may use).")
@debug_option
@config_options
@verbosity_options
def pseudonymise_command(source: str, destination: str | None, key_file: str | None,
                         operator_options: tuple[str, ...], verify: bool, in_place: bool, no_ner: bool,
                         batch_rows: int, jobs: int | None, debug: bool, config_file: str | None,
                         no_config: bool, verbosity: int = Verbosity.NORMAL) -> None:
    """Pseudonymise IN into OUT, in the same format (Parquet, CSV, JSON lines, text/logs, SQL dumps, .gz).

    Each entity found is replaced by its operator: keyed tokens (token, AES-CMAC) by default, the same for
    the same value in every file pseudonymised with the same key, so joins still work (hmac gives the
    HMAC-SHA256 tokens of earlier versions). The policy and the key's fingerprint are printed first, on
    standard error.

    Exit status: 0 done, 1 --verify found identifiers left (nothing written), 2 a usage, key or read error
    (nothing written).
    """
    destination = _destination(destination, in_place)
    operators = _operators(operator_options)
    # what a scan in this directory would use: its NER setting and column hints
    config = load_config(config_file, no_config).detect_options(ner=False if no_ner else None)
    key = _key(key_file)
    terminal = Terminal(verbosity)
    with _errors():
        policy = Policy(key, operators)
    say = terminal.verbosity > Verbosity.QUIET
    if say:
        click.echo(f"leakguard: policy (key fingerprint {policy.fingerprint}):", err=True)
        for line in policy.describe():
            click.echo(f"  {line}", err=True)
    if verify and say:
        skipped = [e for e, spec in policy.choices.items() if spec.split(":")[0] in ("keep", "fpe")]
        if skipped:
            click.echo(f"  --verify does not check {', '.join(skipped)} (kept, or fpe: valid NIRs by design)",
                       err=True)
    try:
        with _errors(), terminal.progress("pseudonymising") as on_progress:
            report = pseudonymise_file(source, destination, policy, ner=config.ner, in_place=in_place,
                                       verify=verify, on_progress=on_progress, batch_rows=batch_rows,
                                       jobs=jobs or default_jobs(), column_hints=config.column_hints)
    except VerificationFailed as failed:
        _problems(failed.report, terminal)
        click.echo(f"leakguard: {shown(str(failed), path=True)}", err=True)
        for example in failed.report.examples:
            table = f"table {shown(example.table)}, " if example.table else ""
            if example.row < 0:
                where = table + describe(shown(example.column or ""))
            else:
                where = table + f"row {example.row}" + (f", column {shown(example.column)}" if example.column else "")
            click.echo(f"  {where}: {example.entity} {example.preview}", err=True)
        if not config.ner and failed.report.remaining.get("PERSON"):
            click.echo("  names in free text are found by the NER model: pseudonymise without --no-ner", err=True)
        sys.exit(EXIT_FINDINGS)
    _problems(report, terminal)
    if say:
        click.echo(_summary("pseudonymised", report), err=True)
        for line in _columns(report):
            click.echo(line, err=True)
    if verify and say:
        click.echo("leakguard: verified: a default scan (every entity, NER included) finds nothing left to "
                   "pseudonymise in the output", err=True)
    sys.exit(EXIT_CLEAN)


@cli.command("keygen")
@click.option("--output", "-o", type=click.Path(dir_okay=False, path_type=str),
              help="Write the key to FILE, created with mode 0600 (an existing file is never overwritten).")
def keygen_command(output: str | None) -> None:
    """Make a new random pseudonymisation key (32 bytes, hex) on standard output or into a new file."""
    key = keys.generate_key()
    text = keys.format_key(key) + "\n"
    if output is None:
        click.echo(text, nl=False)
        return
    try:
        keys.write_key_file(output, key)
    except FileExistsError:
        _fail(f"{output} already exists; a key file is never overwritten")
    click.echo(f"leakguard: key written to {shown(output, path=True)} (mode 0600), "
               f"fingerprint {keys.fingerprint(key)}", err=True)


@cli.command("reidentify")
@click.argument("source", metavar="IN", type=click.Path(dir_okay=False, path_type=str))
@click.argument("destination", metavar="[OUT]", required=False, type=click.Path(dir_okay=False, path_type=str))
@click.option("--key-file", type=click.Path(dir_okay=False, path_type=str), help=KEY_HELP)
@click.option("--in-place", is_flag=True, help="Replace IN itself, atomically (OUT omitted, or equal to IN).")
@click.option("--force", is_flag=True, help="Decrypt a file that does not record how it was pseudonymised "
              "(CSV, JSON lines, text): nothing then checks that its NIRs are fpe pseudonyms of this key.")
@click.option("--operator", "operator_option", metavar="FR_NIR=fpe[:sex=random]",
              help="The fpe choice the file was pseudonymised with, for files that do not record it.")
@click.option("--batch-rows", type=click.IntRange(1_000, 10_000_000), default=65_536, show_default=True,
              help="Records per batch (memory is bounded by one batch).")
@debug_option
@verbosity_options
def reidentify_command(source: str, destination: str | None, key_file: str | None, in_place: bool, force: bool,
                       operator_option: str | None, batch_rows: int, debug: bool,
                       verbosity: int = Verbosity.NORMAL) -> None:
    """Turn the NIRs of a file pseudonymised with --operator FR_NIR=fpe back into the original NIRs.

    Needs the key used to pseudonymise. A Parquet output of leakguard records the key's fingerprint and the
    operator: another key, or NIRs not pseudonymised with fpe, are refused. Other formats cannot record them:
    they are refused unless --force. The output holds real identifiers again: keep it where the input came
    from. Exit status: 0 done, 2 a usage, key or read error, or a refusal (nothing written).
    """
    destination = _destination(destination, in_place)
    spec = None
    if operator_option is not None:
        entity, spec = _operators((operator_option,)).popitem()
        if entity != "FR_NIR" or not spec.startswith("fpe"):
            raise click.BadParameter("reidentify reverses FR_NIR=fpe only", param_hint="--operator")
    key = _key(key_file)
    terminal = Terminal(verbosity)
    say = terminal.verbosity > Verbosity.QUIET
    if say:
        click.echo(f"leakguard: reidentifying FR_NIR (fpe) with key fingerprint {keys.fingerprint(key)}", err=True)
    with _errors(), terminal.progress("reidentifying") as on_progress:
        report = reidentify_file(source, destination, key, in_place=in_place, on_progress=on_progress,
                                 batch_rows=batch_rows, force=force, operator=spec)
    _problems(report, terminal)
    if say:
        click.echo(_summary("reidentified", report), err=True)
    sys.exit(EXIT_CLEAN)
