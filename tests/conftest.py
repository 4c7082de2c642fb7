"""Fixtures shared by the test modules: a pseudonymisation key, a way to run the CLI as users do, a real
headless browser, SQLite databases of Arrow tables, a tiny file system to fill, a real PostgreSQL server, and
tables whose NIR decisions need the whole column, and lists of people with their birth dates.

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
import random
import subprocess
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from click.testing import CliRunner, Result
from hypothesis import settings

from leakguard.cli import cli
from leakguard.pseudonymise.keys import generate_key
from recognizers import nir
from synthetic import bulk
from synthetic import identifiers as ids
from tests.pgcluster import PostgresServer, Unavailable, throwaway_cluster

#: Properties, not speed, are tested here (speed is measured by ``benchmarks/``): no per-example deadline, which a
#: loaded CI machine misses by chance (Hypothesis' default is 200 ms).
settings.register_profile("leakguard", deadline=None)
settings.load_profile("leakguard")


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


@pytest.fixture(scope="session")
def sarif_validator():
    """A validator of the official SARIF 2.1.0 schema (``tests/data/sarif-schema-2.1.0.json``, draft-04)."""
    import json

    import jsonschema

    schema = json.loads((Path(__file__).parent / "data" / "sarif-schema-2.1.0.json").read_text(encoding="utf-8"))
    cls = jsonschema.validators.validator_for(schema)
    cls.check_schema(schema)
    return cls(schema, format_checker=cls.FORMAT_CHECKER)


@pytest.fixture
def run_in_terminal() -> Callable[..., tuple[int, str, list[str]]]:
    """``leakguard ARGS...`` in a pseudo-terminal (standard output and error both on it, as in a shell):
    the exit status, everything written (escape sequences included) and the screen a user is left with
    (rendered by pyte, a VT100 emulator, 100 columns wide and tall enough that nothing scrolls away). A run
    still going after ``timeout`` seconds is killed and fails the test."""
    import fcntl
    import os
    import pty
    import select
    import struct
    import subprocess
    import sys
    import termios
    import time

    import pyte

    def run(*args: str, env: dict[str, str] | None = None, columns: int = 100,
            timeout: float = 600) -> tuple[int, str, list[str]]:
        primary, secondary = pty.openpty()
        fcntl.ioctl(secondary, termios.TIOCSWINSZ, struct.pack("HHHH", 50, columns, 0, 0))
        environment = {key: value for key, value in os.environ.items() if key not in ("NO_COLOR", "COLUMNS")}
        environment.update({"TERM": "xterm-256color", **(env or {})})
        process = subprocess.Popen([sys.executable, "-m", "leakguard", *args], stdin=subprocess.DEVNULL,
                                   stdout=secondary, stderr=secondary, env=environment, close_fds=True)
        os.close(secondary)
        chunks = []
        deadline = time.monotonic() + timeout
        while True:
            if not select.select([primary], [], [], max(0.0, deadline - time.monotonic()))[0]:
                process.kill()
                process.wait()
                os.close(primary)
                raise AssertionError(f"leakguard {' '.join(args)}: still running after {timeout:g} s")
            try:
                chunk = os.read(primary, 65536)
            except OSError:  # EIO: the child closed the terminal
                break
            if not chunk:
                break
            chunks.append(chunk)
        os.close(primary)
        code = process.wait(timeout=600)
        raw = b"".join(chunks)
        screen = pyte.Screen(columns, 2000)
        pyte.ByteStream(screen).feed(raw)  # the terminal turned each \n into \r\n
        lines = [line.rstrip() for line in screen.display]
        while lines and not lines[-1]:
            lines.pop()
        return code, raw.decode("utf-8", "replace"), lines

    return run


@pytest.fixture(scope="session")
def browser() -> Callable[..., object]:
    """``browser(javascript=True)``: a context manager giving a real headless Chromium (:mod:`tests.browser`);
    the tests that use it are skipped, with the reason, where Chromium or ChromeDriver is not installed."""
    from tests import browser as chromium

    reason = chromium.unavailable()
    if reason is not None:
        pytest.skip(reason)
    return chromium.chromium


@pytest.fixture(scope="session")
def sqlite_file() -> Callable[[Path, dict[str, pa.Table]], Path]:
    """``sqlite_file(path, {"name": table, ...})``: a SQLite database holding those Arrow tables (dates as ISO
    text, as SQLite keeps them), for scans of database tables."""
    from tests.dumps import write_sqlite

    return write_sqlite


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


MILLION = 1_000_000


@dataclass(frozen=True)
class DecisionTable:
    """A table whose NIR decisions need the whole column, its Parquet file, and where the typos are.

    ``num_facture``: random 15-digit invoice numbers (int64); ``c0``: NIRs under a meaningless name, 5% of them
    mistyped; ``c1``: the same with 20% mistyped (strings, compact or grouped).
    """

    table: pa.Table
    path: Path
    typos: dict[str, np.ndarray]

    @property
    def valid(self) -> dict[str, int]:
        """Cells holding a valid NIR, per column."""
        return {name: int((~mask).sum()) for name, mask in self.typos.items()}

    def reported(self, name: str) -> np.ndarray:
        """Which cells of column ``name`` are NIRs to report: the valid ones, and in ``c0`` (95% valid: NIRs with
        typos) the typos whose structure a typo explains; in ``c1`` (80% valid) a wrong key may be another number."""
        typos = self.typos[name]
        if name == "c1":
            return ~typos
        explained = nir.is_typo_array(self.table[name].combine_chunks()).to_numpy(zero_copy_only=False)
        return ~typos | (typos & explained)


def nirs_with_typos(valid: int, typos: int) -> list[str]:
    """``valid`` compact NIRs, then ``typos`` wrong keys whose fields a typo explains (not one in the sex digit:
    641…), as in a column of NIRs typed by hand."""
    rng = random.Random(valid + typos)
    values = [ids.nir(rng) for _ in range(valid)]
    while len(values) < valid + typos:
        typo = ids.nir_typo(rng, ids.nir(rng))
        if nir.is_typo_array(pa.array([typo]))[0].as_py():
            values.append(typo)
    return values


def decision_table(rows: int, seed: int) -> tuple[pa.Table, dict[str, np.ndarray]]:
    """The table of :class:`DecisionTable` (generated identifiers only; no Corsican NIRs, which have no int)."""
    gen = np.random.default_rng(seed)
    columns: dict[str, pa.Array] = {"num_facture": pa.array(bulk.invoice_numbers(gen, rows), pa.int64())}
    typos = {}
    for name, share in (("c0", 0.05), ("c1", 0.20)):
        female = gen.random(rows) < 0.5
        birth = np.datetime64("1930-01-01") + gen.integers(0, 34_000, rows).astype("timedelta64[D]")
        values = np.zeros(0, np.int64)
        while len(values) < rows:  # Corsican NIRs aside (no integer form)
            _, drawn = bulk.nirs(gen, female, birth)
            values = np.concatenate([values, drawn[drawn > 0]])
        values, typos[name] = bulk.nir_typos(gen, values[:rows], share)
        compact = pa.array(values).cast(pa.string())
        columns[name] = bulk.nir_written(compact, np.where(gen.random(rows) < 0.5, 0, 1))
    return pa.table(columns), typos


@pytest.fixture(scope="session")
def million_rows(tmp_path_factory: pytest.TempPathFactory) -> DecisionTable:
    """10^6 rows: invoice numbers and NIR columns with typos, also as Parquet (row groups of 65,536 rows)."""
    table, typos = decision_table(MILLION, 2026)
    path = tmp_path_factory.mktemp("decisions") / "million.parquet"
    pq.write_table(table, path, row_group_size=65_536)
    return DecisionTable(table, path, typos)


@dataclass(frozen=True)
class ListedPerson:
    """A Faker person in a list (``Étaient présents : Benoît Legrand, 25/03/1994.``), where the date follows."""

    text: str
    name: str
    date: str


@pytest.fixture(scope="session")
def listed_people() -> list[ListedPerson]:
    """40 people written ``First Last, DD/MM/YYYY`` in a sentence: Title Case names whose first name is also a
    French word (``Pierre``, ``Rose``), which the French rules leave to the NER model (no title, no surname in
    capitals, no first name that is only a first name)."""
    from faker import Faker

    from recognizers import lexicon

    fake = Faker("fr_FR")
    fake.seed_instance(2024)
    people = []
    while len(people) < 40:
        first, last = fake.first_name(), fake.last_name()
        date = fake.date_of_birth(minimum_age=18, maximum_age=95).strftime("%d/%m/%Y")
        if lexicon.is_word(first):
            name = f"{first} {last}"
            people.append(ListedPerson(f"Étaient présents : {name}, {date}.", name, date))
    return people
