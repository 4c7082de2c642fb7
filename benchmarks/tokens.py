"""Keyed tokens alone: ``python -m benchmarks.tokens [--values 1000000] [--repeat 3]``.

Times the ``token`` operator (batched AES-CMAC) against the ``hmac`` operator (one HMAC-SHA256 per value in
Python) on one column of distinct NIR bodies (13 digits: sex, year, month, département, commune, order,
drawn with a seeded numpy generator, so synthetic), outside any file reading or detection:

- ``MAC only``: the keyed function over the distinct normal forms (``BatchCmac.tags`` / the per-value HMAC
  loop), the part the batching changes;
- ``operator, string column``: ``Operator.apply_array`` on the string column: dictionary encoding,
  normalisation (Python, once per distinct value), MAC, base32 text, ``take``;
- ``operator, int64 column``: the same NIRs as int64 (18-digit numeric tokens).

Each is run ``--repeat`` times; the medians of the wall time and of the CPU time are reported, with
values per second.
"""

from __future__ import annotations

import hashlib
import statistics
import time
from collections.abc import Callable

import click
import numpy as np
import pyarrow as pa

KEY = hashlib.sha256(b"leakguard benchmarks: synthetic key, not a secret").digest()


def nir_bodies(count: int, seed: int = 20240501) -> pa.Array:
    """``count`` distinct 13-digit NIR bodies (no key) as an Arrow string array, in random order."""
    rng = np.random.default_rng(seed)
    drawn = 2 * count + 1000
    fields = [  # (lowest, highest, weight of the field in the 13-digit number)
        (1, 2, 10**12), (0, 99, 10**10), (1, 12, 10**8), (1, 95, 10**6), (1, 990, 10**3), (1, 999, 1),
    ]
    numbers = sum(rng.integers(low, high + 1, drawn, dtype=np.int64) * weight for low, high, weight in fields)
    distinct = np.unique(numbers)
    if len(distinct) < count:
        raise RuntimeError(f"drew only {len(distinct):,} distinct bodies; ask for fewer")
    picked = rng.permutation(distinct)[:count]
    return pa.array(picked, pa.int64()).cast(pa.string())


def median_seconds(run: Callable[[], object], repeat: int) -> tuple[float, float]:
    """The median wall time and the median CPU time of this process over ``repeat`` calls of ``run`` (on a
    shared machine the CPU time says more: it does not count the time other processes hold the cores)."""
    wall, cpu = [], []
    for _ in range(repeat):
        started, started_cpu = time.perf_counter(), time.process_time()
        run()
        wall.append(time.perf_counter() - started)
        cpu.append(time.process_time() - started_cpu)
    return statistics.median(wall), statistics.median(cpu)


def measurements(bodies: pa.Array) -> dict[str, Callable[[], object]]:
    """What is timed, by label."""
    from leakguard.pseudonymise.operators import HmacOperator, TokenOperator

    token, mac = TokenOperator("FR_NIR", KEY), HmacOperator("FR_NIR", KEY)
    integers = bodies.cast(pa.int64())
    return {
        "token: MAC only (batched AES-CMAC)": lambda: token._digests(bodies),
        "hmac: MAC only (HMAC-SHA256 per value)": lambda: mac._digests(bodies),
        "token: operator, string column": lambda: token.apply_array(bodies),
        "hmac: operator, string column": lambda: mac.apply_array(bodies),
        "token: operator, int64 column": lambda: token.apply_array(integers),
        "hmac: operator, int64 column": lambda: mac.apply_array(integers),
    }


@click.command()
@click.option("--values", type=click.IntRange(1), default=1_000_000, show_default=True,
              help="Distinct NIR bodies in the column.")
@click.option("--repeat", type=click.IntRange(1), default=3, show_default=True, help="Runs per measurement.")
def main(values: int, repeat: int) -> None:
    """Tokens per second of the token (AES-CMAC) and hmac operators on one column of distinct NIR bodies."""
    bodies = nir_bodies(values)
    click.echo(f"{values:,} distinct 13-digit NIR bodies, median of {repeat} runs")
    click.echo(f"{'measurement':<42} {'wall s':>8} {'values/s':>12} {'CPU s':>8} {'values/CPU s':>13}")
    for run in measurements(bodies.slice(0, 1000)).values():
        run()  # warm-up: imports, key derivation
    for label, run in measurements(bodies).items():
        wall, cpu = median_seconds(run, repeat)
        click.echo(f"{label:<42} {wall:>8.3f} {values / wall:>12,.0f} {cpu:>8.3f} {values / cpu:>13,.0f}")


if __name__ == "__main__":
    main()
