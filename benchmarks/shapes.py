"""Cost against the shape of the data: ``python -m benchmarks.shapes [--quick]``.

Two shapes that used to cost far more than their size, each measured at sizes that double:

- **one cell of many findings**: a log of three lines, the middle one a JSON array of N beneficiaries
  (generated NIR, name, e-mail each) dumped on one line, as a gateway or an unclosed CSV quote produces;
  ``leakguard.scan.scan_path`` and ``leakguard.pseudonymise_file`` (default policy, no NER) on it. Linear
  work doubles its time when N doubles; quadratic work quadruples it.
- **a wide CSV**: the same number of cells (200,000 by default) as 1,000 columns x 200 rows, 5,000 x 40 and
  10,000 x 20 (codes and amounts, a NIR column every 50 columns); ``scan_path`` without NER. Cost that grows
  with cells gives the same cells/s whatever the width.

Each measurement runs once, in this process, after a warm-up scan (imports, compiled patterns); the files
are generated with a fixed seed under a temporary directory. Times are wall seconds of one run.
"""

from __future__ import annotations

import json
import random
import tempfile
import time
from pathlib import Path

import click

from synthetic import identifiers as ids

KEY = bytes(range(32))  # a fixed synthetic key: benchmarks never see a real one


def one_line_log(path: Path, records: int, seed: int = 7) -> None:
    rng = random.Random(seed)
    items = [json.dumps({"nir": ids.nir(rng), "nom": rng.choice(["Martin", "Bernard", "Petit", "Durand"]),
                         "email": f"assure{rng.randint(1, 10**6)}@exemple.fr"}) for _ in range(records)]
    path.write_text(f"2026-02-01 INFO start\npayload=[{','.join(items)}]\n2026-02-01 INFO end\n", encoding="utf-8")


def wide_csv(path: Path, columns: int, rows: int, seed: int = 3) -> None:
    rng = random.Random(seed)
    with path.open("w", encoding="utf-8") as out:
        out.write(";".join(f"q{c}" for c in range(columns)) + "\n")
        for _ in range(rows):
            out.write(";".join(ids.nir(rng) if c % 50 == 0 else
                               rng.choice([str(rng.randint(0, 999)), f"{rng.randint(0, 99)},{rng.randint(0, 99):02d}"])
                               for c in range(columns)) + "\n")


def scan_seconds(path: Path) -> tuple[float, int]:
    from leakguard.detect.engine import DetectOptions
    from leakguard.scan import scan_path

    started = time.perf_counter()
    findings = sum(item[1].num_rows for item in scan_path(str(path), options=DetectOptions(ner=False))
                   if isinstance(item, tuple))
    return time.perf_counter() - started, findings


def pseudonymise_seconds(path: Path) -> float:
    from leakguard import pseudonymise_file

    started = time.perf_counter()
    pseudonymise_file(path, path.with_name("out-" + path.name), KEY, ner=False)
    return time.perf_counter() - started


@click.command()
@click.option("--quick", is_flag=True, help="Small sizes only (a smoke run).")
def main(quick: bool) -> None:
    """Time one cell of many findings at doubling sizes, and CSV files of one size at growing widths."""
    sizes = [1_000, 2_000] if quick else [5_000, 10_000, 20_000, 40_000]
    cells = 20_000 if quick else 200_000
    widths = [1_000, 10_000] if quick else [1_000, 5_000, 10_000]
    with tempfile.TemporaryDirectory(prefix="leakguard-shapes-") as tmp:
        folder = Path(tmp)
        warm = folder / "warm.log"
        one_line_log(warm, 50)
        scan_seconds(warm)
        pseudonymise_seconds(warm)
        click.echo("one cell of many findings (one log line holding a JSON array)")
        click.echo(f"{'records':>8} {'MB':>6} {'findings':>9} {'scan s':>8} {'x prev':>7} "
                   f"{'pseudo s':>9} {'x prev':>7}")
        previous: tuple[float, float] | None = None
        for records in sizes:
            path = folder / f"cell-{records}.log"
            one_line_log(path, records)
            scanned, findings = scan_seconds(path)
            rewritten = pseudonymise_seconds(path)
            growth = ("", "") if previous is None else (f"{scanned / previous[0]:.2f}",
                                                        f"{rewritten / previous[1]:.2f}")
            click.echo(f"{records:>8,} {path.stat().st_size / 1e6:>6.1f} {findings:>9,} {scanned:>8.2f} "
                       f"{growth[0]:>7} {rewritten:>9.2f} {growth[1]:>7}")
            previous = (scanned, rewritten)
        click.echo(f"\nwide CSV, {cells:,} cells, scan without NER")
        click.echo(f"{'columns':>8} {'rows':>6} {'KB':>7} {'scan s':>8} {'cells/s':>9}")
        for columns in widths:
            rows = cells // columns
            path = folder / f"wide-{columns}.csv"
            wide_csv(path, columns, rows)
            scanned, _ = scan_seconds(path)
            click.echo(f"{columns:>8,} {rows:>6,} {path.stat().st_size / 1e3:>7.0f} {scanned:>8.2f} "
                       f"{cells / scanned:>9,.0f}")


if __name__ == "__main__":
    main()
