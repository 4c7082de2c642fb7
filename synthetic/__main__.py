"""``python -m synthetic``: write synthetic tiers-payant files and their ground truth.

Run from the repository root::

    python -m synthetic examples examples/                     # the small shipped example set
    python -m synthetic table --rows 1000000 --out X.parquet   # + X.truth.parquet
    python -m synthetic table --rows 100000 --out X.csv.gz --encoding cp1252 --meaningless
    python -m synthetic nested --rows 10000 --out dossiers.parquet
    python -m synthetic events --rows 100000 --out events.jsonl.gz
    python -m synthetic log --lines 1000000 --out gateway.log
    python -m synthetic decoys --rows 10000 --out factures.csv

The output format follows the suffix (``.parquet``, ``.csv``, ``.jsonl``, ``.log``/``.txt``, each optionally
``.gz``). The same command gives the same bytes on every run (same Faker, pyarrow and insurers list).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import click
import pyarrow as pa

from synthetic import files, logs, records, tables
from synthetic.identifiers import NIR_FORMS
from synthetic.truth import TRUTH_SCHEMA, GroundTruth

EXAMPLES_SEED = 2026


def _format_of(path: Path) -> str:
    name = path.name[:-3] if path.name.endswith(".gz") else path.name
    suffix = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if suffix in ("parquet", "csv", "jsonl"):
        return suffix
    if suffix in ("log", "txt"):
        return "text"
    raise click.BadParameter(f"{path}: use a .parquet, .csv, .jsonl or .log path (optionally .gz)")


def _write_table(table: pa.Table, truth: GroundTruth, path: Path, encoding: str) -> None:
    kind = _format_of(path)
    if kind == "parquet":
        files.write_parquet(table, path)
    elif kind == "csv":
        if any(pa.types.is_nested(f.type) for f in table.schema):
            raise click.BadParameter(f"{path}: nested data is written as .parquet or .jsonl")
        view, truth = files.csv_view(table, truth)  # type: ignore[assignment]
        files.write_csv(view, path, encoding=encoding)
    elif kind == "jsonl":
        files.write_jsonl(_json_rows(table), path)
    else:
        raise click.BadParameter(f"{path}: a table is written as .parquet, .csv or .jsonl")
    files.write_truth(truth, files.truth_path(path))


def _jsonable(value: Any) -> Any:
    """Dates as ISO strings, recursively through structs and lists."""
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_jsonable(v) for v in value]
    return value.isoformat() if isinstance(value, dt.date) else value


def _json_rows(table: pa.Table) -> Iterator[dict[str, Any]]:
    for batch in table.to_batches(65536):
        yield from (_jsonable(row) for row in batch.to_pylist())


out_option = click.option("--out", "out", required=True, type=click.Path(dir_okay=False, path_type=Path))
seed_option = click.option("--seed", default=0, show_default=True, help="Same seed, same data.")
encoding_option = click.option(
    "--encoding",
    type=click.Choice(["utf-8-sig", "utf-8", "cp1252"]),
    default="utf-8-sig",
    show_default=True,
    help="CSV encoding (utf-8-sig: with a BOM).",
)


@click.group()
def main() -> None:
    """Synthetic French tiers-payant data with its ground truth (X.truth.parquet beside X)."""


@main.command()
@click.option("--rows", default=1000, show_default=True)
@seed_option
@click.option("--forms", type=click.Choice(["mixed", *NIR_FORMS]), default="mixed", show_default=True)
@click.option("--meaningless", is_flag=True, help="Name the columns c0..c16.")
@encoding_option
@out_option
def table(rows: int, seed: int, forms: str, meaningless: bool, encoding: str, out: Path) -> None:
    """A 17-column beneficiary table."""
    data, truth = tables.beneficiary_table(
        rows, seed, forms=forms, column_names="meaningless" if meaningless else "french"
    )
    _write_table(data, truth, out, encoding)
    click.echo(f"{out}: {data.num_rows} rows, {truth.num_rows} true spans")


@main.command()
@click.option("--rows", default=1000, show_default=True)
@seed_option
@out_option
def nested(rows: int, seed: int, out: Path) -> None:
    """Dossiers with a beneficiary struct and a list of ayants_droit (Parquet or JSON lines)."""
    data, truth = records.nested_table(rows, seed)
    _write_table(data, truth, out, "utf-8")
    click.echo(f"{out}: {data.num_rows} rows, {truth.num_rows} true spans")


@main.command()
@click.option("--rows", default=1000, show_default=True)
@seed_option
@out_option
def events(rows: int, seed: int, out: Path) -> None:
    """JSON-lines events with nested personal data."""
    if _format_of(out) != "jsonl":
        raise click.BadParameter("events are written as .jsonl or .jsonl.gz")
    data, truth = records.events(rows, seed)
    files.write_jsonl(data, out)
    files.write_truth(truth, files.truth_path(out))
    click.echo(f"{out}: {len(data)} events, {truth.num_rows} true spans")


@main.command()
@click.option("--lines", "n_lines", default=1000, show_default=True)
@seed_option
@out_option
def log(n_lines: int, seed: int, out: Path) -> None:
    """Gateway log lines mixing plain text and JSON payloads."""
    lines, truth = logs.gateway_log(n_lines, seed)
    files.write_lines(lines, out)
    files.write_truth(truth, files.truth_path(out))
    click.echo(f"{out}: {len(lines)} lines, {truth.num_rows} true spans")


@main.command()
@click.option("--rows", default=1000, show_default=True)
@seed_option
@encoding_option
@out_option
def decoys(rows: int, seed: int, encoding: str, out: Path) -> None:
    """A table of decoys only (invoice numbers, SIRET, EAN, care dates...): nothing to find."""
    _write_table(records.decoy_table(rows, seed), TRUTH_SCHEMA.empty_table(), out, encoding)
    click.echo(f"{out}: {rows} rows, no personal data")


@main.command()
@click.argument("outdir", type=click.Path(file_okay=False, path_type=Path))
def examples(outdir: Path) -> None:
    """The small example set shipped in examples/ (deterministic)."""
    write_examples(outdir)
    for path in sorted(outdir.iterdir()):
        click.echo(f"{path}  {path.stat().st_size} bytes")


def write_examples(outdir: Path, seed: int = EXAMPLES_SEED) -> None:
    """Write the example files into ``outdir`` (see ``examples/README.md``)."""
    outdir.mkdir(parents=True, exist_ok=True)
    data, truth = tables.beneficiary_table(200, seed)
    _write_table(data, truth, outdir / "beneficiaires.parquet", "utf-8")
    _write_table(data, truth, outdir / "export_beneficiaires.csv", "utf-8-sig")
    small, small_truth = tables.beneficiary_table(60, seed + 1, column_names="meaningless")
    _write_table(small, small_truth, outdir / "colonnes_anonymes.parquet", "utf-8")
    windows, windows_truth = tables.beneficiary_table(60, seed + 2)
    _write_table(windows, windows_truth, outdir / "export_windows.csv.gz", "cp1252")
    nested_data, nested_truth = records.nested_table(50, seed)
    _write_table(nested_data, nested_truth, outdir / "dossiers.parquet", "utf-8")
    event_data, event_truth = records.events(200, seed)
    files.write_jsonl(event_data, outdir / "evenements.jsonl")
    files.write_truth(event_truth, outdir / "evenements.truth.parquet")
    lines, log_truth = logs.gateway_log(300, seed)
    files.write_lines(lines, outdir / "passerelle.log")
    files.write_truth(log_truth, outdir / "passerelle.truth.parquet")
    _write_table(records.decoy_table(200, seed), TRUTH_SCHEMA.empty_table(), outdir / "factures.csv", "utf-8-sig")


if __name__ == "__main__":
    main()
