"""``python -m benchmarks``: run the suite, print the tables, write the JSON.

Run from the repository root::

    python -m benchmarks                         # 10**5 and 10**6 rows, 1 and 2 jobs (long: see README)
    python -m benchmarks --quick                 # smoke run (2,000 rows, tiny Presidio sample)
    python -m benchmarks --rows 100000 --jobs 1  # one size, one job
    python -m benchmarks --big                   # + the memory target: a 10**7-row Parquet file (minutes)
    python -m benchmarks --big-only              # the memory target alone
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from benchmarks.presidio_baseline import SETUPS
from benchmarks.report import print_report, write_json
from benchmarks.suite import OUT, Config
from benchmarks.suite import run as run_suite


def _ints(_ctx: click.Context, _param: click.Parameter, value: str | None) -> list[int] | None:
    if value is None:
        return None
    try:
        numbers = [int(float(x)) for x in value.split(",") if x.strip()]
    except ValueError:
        raise click.BadParameter("a comma-separated list of integers, e.g. 100000,1000000") from None
    if not numbers or min(numbers) < 1:
        raise click.BadParameter("positive integers")
    return numbers


@click.command(context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--rows", callback=_ints, help="Table sizes, comma-separated [default: 100000,1000000].")
@click.option("--jobs", callback=_ints, help="Job counts of the scans [default: 1,2].")
@click.option("--quick", is_flag=True, help="Seconds-long smoke run: 2,000 rows, tiny Presidio sample.")
@click.option(
    "--presidio-sample", type=click.IntRange(1), help="Rows of the Presidio sample [default: 2000]."
)
@click.option(
    "--presidio-setup",
    "presidio_setups",
    multiple=True,
    type=click.Choice(SETUPS),
    help="Presidio set-ups to measure (repeatable) [default: both].",
)
@click.option(
    "--log-lines", type=click.IntRange(0), help="Lines of the gateway log (0: none) [default: 100000]."
)
@click.option("--no-ner", is_flag=True, help="Skip every measurement with NER.")
@click.option("--ner-max-rows", type=click.IntRange(1), help="Measure NER scans only up to this many rows.")
@click.option("--skip-pseudonymise", is_flag=True, help="Skip the pseudonymisation measurements.")
@click.option(
    "--skip-memory",
    is_flag=True,
    help="Run every measurement in this process: quicker, no peak memory per measurement.",
)
@click.option(
    "--big", is_flag=True, help="Also scan a 10**7-row Parquet file for the memory target (minutes)."
)
@click.option("--big-only", is_flag=True, help="Only the memory target (the big file), nothing else.")
@click.option("--big-rows", type=click.IntRange(1), default=10_000_000, show_default=True)
@click.option(
    "--repeat",
    type=click.IntRange(1),
    default=1,
    show_default=True,
    help="Time each measurement this many times; the best is reported.",
)
@click.option(
    "--timeout",
    type=click.FloatRange(1),
    default=3 * 3600,
    show_default=True,
    help="Seconds before one measurement is killed.",
)
@click.option(
    "--cache-dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=OUT / "cache",
    show_default=True,
    help="Where the generated data is kept between runs.",
)
@click.option(
    "--out",
    type=click.Path(dir_okay=False, path_type=Path),
    default=OUT / "results.json",
    show_default=True,
    help="The JSON results.",
)
def main(
    rows: list[int] | None,
    jobs: list[int] | None,
    quick: bool,
    presidio_sample: int | None,
    presidio_setups: tuple[str, ...],
    log_lines: int | None,
    no_ner: bool,
    ner_max_rows: int | None,
    skip_pseudonymise: bool,
    skip_memory: bool,
    big: bool,
    big_only: bool,
    big_rows: int,
    repeat: int,
    timeout: float,
    cache_dir: Path,
    out: Path,
) -> None:
    """Throughput, memory and detection quality of leakguard, beside Presidio and the raw Arrow read."""
    overrides: dict[str, object] = {
        "ner": not no_ner,
        "ner_max_rows": ner_max_rows,
        "pseudonymise": not skip_pseudonymise,
        "isolate": not skip_memory,
        "big": big,
        "big_only": big_only,
        "big_rows": big_rows,
        "repeat": repeat,
        "timeout": timeout,
        "cache": cache_dir,
        "out": out,
    }
    for name, value in (
        ("rows", rows),
        ("jobs", jobs),
        ("presidio_sample", presidio_sample),
        ("log_lines", log_lines),
        ("presidio_setups", list(presidio_setups) or None),
    ):
        if value is not None:
            overrides[name] = value
    if big_only and out == OUT / "results.json":
        overrides["out"] = OUT / "results-big.json"  # keep the full run's results
    config = Config.quick_config(**overrides) if quick else Config(**overrides)  # type: ignore[arg-type]
    document = run_suite(config)
    write_json(document, config.out)
    print_report(document)
    click.echo(f"results: {config.out}", err=True)
    failed = [m["id"] for m in document["measurements"] if not m["ok"]]
    if failed:
        click.echo(f"failed measurements: {', '.join(failed)}", err=True)
        sys.exit(1)


if __name__ == "__main__":
    main()
