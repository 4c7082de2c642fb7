"""Fixtures shared by the test modules: a pseudonymisation key, a way to run the CLI as users do, a tiny file
system to fill, and a real PostgreSQL server.

``postgres``: one real, throw-away PostgreSQL server for the whole session (:mod:`tests.pgcluster`), skipped
with the reason where none can run (no server binaries; root without a ``postgres`` user). The superuser
``postgres`` connects through the unix socket without a password (loading data, ``psql``, ``pg_dump``); TCP
connections need a password (SCRAM), which is how scans connect, as the role ``reader`` with ``password``.
Every statement is logged (``log_statement = all``) to ``log``, with the process id and application name.
"""

from __future__ import annotations

import base64
import contextlib
import os
import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from leakguard.cli import cli
from leakguard.pseudonymise.keys import generate_key
from tests.pgcluster import PostgresServer, Unavailable, throwaway_cluster


@pytest.fixture(scope="session")
def key() -> bytes:
    """A fresh pseudonymisation key for the session (the properties tested hold for any key)."""
    return generate_key()


@pytest.fixture
def key_file(tmp_path: Path, key: bytes) -> Path:
    """``key`` in a key file, as ``leakguard keygen -o`` writes it."""
    path = tmp_path / "lg.key"
    path.write_text(key.hex() + "\n")
    return path


@pytest.fixture
def run_cli(key: bytes) -> Callable[..., Result]:
    """``leakguard ARGS...`` through click's runner (stderr apart); fails a test that prints the key."""

    def run(*args: str) -> Result:
        result = CliRunner().invoke(cli, list(args), env={"LEAKGUARD_KEY": ""}, catch_exceptions=False)
        for secret in (key.hex(), base64.b64encode(key).decode()):
            assert secret not in result.output and secret not in result.stderr
        return result

    return run


@pytest.fixture
def small_lake(tmp_path: Path) -> Path:
    """A directory of small generated exports, as a lake holds them: beneficiary tables as Parquet (some under
    Hive-style partitions), a French CSV, JSON lines, a gateway log, and a clean file."""
    import pyarrow as pa

    from synthetic import files
    from synthetic.logs import gateway_log
    from synthetic.tables import beneficiary_table

    lake = tmp_path / "lake"
    table, _ = beneficiary_table(240, seed=11)
    for i in range(6):
        part = lake / "beneficiaires" / f"annee=202{i // 3}" / f"part-{i}.parquet"
        part.parent.mkdir(parents=True, exist_ok=True)
        files.write_parquet(table.slice(i * 30, 30), part)
    (lake / "exports").mkdir()
    (lake / "logs").mkdir()
    view, _ = files.csv_view(table.slice(180, 30))
    files.write_csv(view, lake / "exports" / "beneficiaires.csv")
    records = table.slice(210, 30).select(["nom", "prenom", "nir", "email"]).to_pylist()
    files.write_jsonl(records, lake / "exports" / "beneficiaires.jsonl")
    lines, _ = gateway_log(40, seed=3)
    files.write_lines(lines, lake / "logs" / "gateway.log")
    files.write_parquet(pa.table({"facture": [f"F-{i}" for i in range(20)], "montant": [1.5] * 20}),
                        lake / "factures.parquet")
    return lake


@pytest.fixture
def lake_with_containers(small_lake: Path) -> Path:
    """``small_lake`` with a SQLite file, a MySQL dump and a workbook among its files (in walk order:
    ``exports/adherents.sql`` first, ``exports/crm.sqlite`` after the CSV and JSON lines, the workbook last)."""
    from synthetic.tables import database_table
    from tests.dumps import write_mysql_dump
    from tests.test_databases import write_sqlite, write_workbook

    table = database_table(90, seed=5)[0]
    write_mysql_dump(table.slice(0, 30), "adherents", small_lake / "exports" / "adherents.sql")
    write_sqlite(table.slice(30, 30), small_lake / "exports" / "crm.sqlite")
    write_workbook(table.slice(60, 30), small_lake / "logs" / "suivi.xlsx")
    return small_lake


#: Size of the file system :func:`small_filesystem` mounts.
SMALL_FILESYSTEM = "256k"


@pytest.fixture
def small_filesystem(tmp_path: Path) -> Iterator[Path]:
    """A real, tiny file system (tmpfs of 256 KiB) on a fresh directory, to fill up; unmounted afterwards.

    Mounting needs root (CI runs the tests as root); elsewhere the tests that need a full disk are skipped.
    """
    mount = tmp_path / "small"
    mount.mkdir()
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={SMALL_FILESYSTEM}", "tmpfs", str(mount)],
                          capture_output=True, text=True)
    if done.returncode != 0:
        pytest.skip(f"cannot mount a small tmpfs to fill (needs root): {done.stderr.strip()[:200]}")
    try:
        yield mount
    finally:
        subprocess.run(["umount", "-l", str(mount)], capture_output=True)


def fill(directory: Path, leave: int = 0) -> Path:
    """Fill the file system of ``directory`` with one file until at most ``leave`` bytes are left."""
    ballast = directory / "ballast"
    with open(ballast, "wb") as out, contextlib.suppress(OSError):
        block = b"\0" * 4096
        while os.statvfs(directory).f_bavail * os.statvfs(directory).f_frsize > leave:
            out.write(block)
            out.flush()
    return ballast


@pytest.fixture(scope="session")
def postgres() -> Iterator[PostgresServer]:
    """A throw-away PostgreSQL server for the session (skipped, with the reason, where none can run)."""
    pytest.importorskip("adbc_driver_postgresql", reason="adbc-driver-postgresql is not installed")
    try:
        with throwaway_cluster() as server:
            yield server
    except Unavailable as reason:  # raised before the cluster starts, never by a test
        pytest.skip(str(reason))
