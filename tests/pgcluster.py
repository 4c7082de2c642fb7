"""A throw-away PostgreSQL cluster, for the tests (``postgres`` fixture) and the database benchmark.

:func:`throwaway_cluster` runs ``initdb`` and ``pg_ctl`` on a temporary directory, with a unix socket there
and a free TCP port on 127.0.0.1, and removes everything at the end. The server binaries are looked for on
``PATH``, then in ``/usr/lib/postgresql/*/bin`` (where Debian and Ubuntu put them; ``.ci/run`` installs the
``postgresql`` package). ``initdb`` refuses to run as root, so as root the server runs as the ``postgres``
user the package creates. :class:`Unavailable` says why no cluster can be started here.

Authentication: the superuser ``postgres`` connects through the unix socket without a password (loading
data, ``psql``, ``pg_dump``); TCP connections need a password (SCRAM), which is how the scans connect, as
the role :attr:`PostgresServer.reader` with :attr:`PostgresServer.password`. Every statement is logged
(``log_statement = all``) to :attr:`PostgresServer.log`, with the process id and application name.
"""

from __future__ import annotations

import contextlib
import os
import pwd
import re
import secrets
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pyarrow as pa

_SERVER_PROGRAMS = ("initdb", "pg_ctl", "postgres", "psql", "pg_dump")


def postgres_bindir() -> Path | None:
    """The directory holding PostgreSQL's server programs, or None."""
    candidates = []
    on_path = shutil.which("pg_ctl")
    if on_path:
        candidates.append(Path(os.path.realpath(on_path)).parent)
    versions = sorted(Path("/usr/lib/postgresql").glob("*/bin"),
                      key=lambda p: int(re.sub(r"\D", "", p.parent.name) or 0), reverse=True)
    candidates.extend(versions)
    for directory in candidates:
        if all((directory / program).exists() for program in _SERVER_PROGRAMS):
            return directory
    return None


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass
class PostgresServer:
    """A running throw-away cluster (see the module docstring)."""

    bindir: Path
    root: Path
    port: int
    reader: str
    password: str
    run_as: str | None

    @property
    def socket_dir(self) -> Path:
        return self.root

    @property
    def log(self) -> Path:
        return self.root / "server.log"

    def uri(self, database: str = "postgres", *, password: str | None = None, user: str | None = None) -> str:
        """A TCP URI for the reader role (with ``password`` if given: else PGPASSWORD or a pgpass file)."""
        user = user or self.reader
        secret = f":{password}" if password is not None else ""
        return f"postgresql://{user}{secret}@127.0.0.1:{self.port}/{database}"

    def superuser_uri(self, database: str = "postgres") -> str:
        """A unix-socket URI for the superuser (no password)."""
        return f"postgresql://postgres@/{database}?host={self.socket_dir}&port={self.port}"

    def client(self, program: str, *args: str, database: str = "postgres", stdin: bytes | None = None,
               check: bool = True) -> subprocess.CompletedProcess[bytes]:
        """Run ``psql``, ``pg_dump``... as the superuser on ``database``."""
        command = [str(self.bindir / program), "-h", str(self.socket_dir), "-p", str(self.port), "-U", "postgres"]
        command += ["-d", database] if program != "pg_dump" else []
        command += list(args)
        if program == "pg_dump":
            command.append(database)
        return subprocess.run(command, input=stdin, capture_output=True, check=check, timeout=300)

    def sql(self, statements: str, database: str = "postgres") -> str:
        """Run SQL with ``psql`` (stopping at the first error); its output, unaligned."""
        result = self.client("psql", "-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1", database=database,
                             stdin=statements.encode("utf-8"))
        return result.stdout.decode("utf-8")

    def create_database(self, name: str) -> None:
        self.sql(f'DROP DATABASE IF EXISTS "{name}"; CREATE DATABASE "{name}"')
        self.sql(f'GRANT CONNECT ON DATABASE "{name}" TO {self.reader}')

    def load(self, table: pa.Table, name: str, database: str, types: dict[str, str]) -> None:
        """Create ``name`` with the PostgreSQL ``types`` of its columns (``bigint`` by default for integers,
        ``text`` for strings...) and load ``table`` into it, through the ADBC driver and a staging table."""
        import adbc_driver_postgresql.dbapi as dbapi

        stage = f"stage_{secrets.token_hex(4)}"
        ordered = table.append_column("stage_row", pa.array(range(table.num_rows), pa.int64()))
        with dbapi.connect(self.superuser_uri(database)) as connection, connection.cursor() as cursor:
            cursor.adbc_ingest(stage, ordered, mode="create")
            connection.commit()
        columns = ", ".join(f'"{c}" {types.get(c, _pg_type(table.schema.field(c).type))}' for c in table.column_names)
        select = ", ".join(f'"{c}"::{types.get(c, _pg_type(table.schema.field(c).type))}' for c in table.column_names)
        # rows go in in the table's order, so a sequential scan reads them back in it
        self.sql(f'CREATE TABLE {name} ({columns}); INSERT INTO {name} SELECT {select} FROM "{stage}" '
                 f'ORDER BY stage_row; '
                 f'DROP TABLE "{stage}"; GRANT USAGE ON SCHEMA {name.rpartition(".")[0] or "public"} TO {self.reader}; '
                 f"GRANT SELECT ON {name} TO {self.reader}", database)


def _pg_type(kind: pa.DataType) -> str:
    if pa.types.is_integer(kind):
        return "bigint"
    if pa.types.is_floating(kind):
        return "double precision"
    if pa.types.is_date(kind):
        return "date"
    if pa.types.is_list(kind):
        return _pg_type(kind.value_type) + "[]"
    return "text"


class Unavailable(Exception):
    """No PostgreSQL cluster can be started on this machine; the message says why."""


def _start(bindir: Path, root: Path, run_as: str | None) -> int:
    """Start the cluster in ``root``; its port."""
    log = root / "server.log"
    for _ in range(5):
        port = _free_port()
        options = (f"-c listen_addresses=127.0.0.1 -p {port} -c unix_socket_directories={root} -c fsync=off "
                   "-c full_page_writes=off -c synchronous_commit=off -c log_statement=all "
                   "-c log_line_prefix='%p %a ' -c max_connections=40")
        result = subprocess.run([str(bindir / "pg_ctl"), "-D", str(root / "data"), "-l", str(log), "-w", "-t", "60",
                                 "-o", options, "start"], capture_output=True, user=run_as, timeout=120)
        if result.returncode == 0:
            return port
    raise RuntimeError(f"PostgreSQL did not start: {log.read_text(errors='replace')[-2000:]}")


@contextlib.contextmanager
def throwaway_cluster() -> Iterator[PostgresServer]:
    """A running cluster, removed on exit; raises :class:`Unavailable` where none can run."""
    bindir = postgres_bindir()
    if bindir is None:
        raise Unavailable("no PostgreSQL server binaries (initdb, pg_ctl, postgres) on PATH or in "
                          "/usr/lib/postgresql; install the postgresql package (.ci/run does)")
    run_as = None
    if os.geteuid() == 0:
        try:
            pwd.getpwnam("postgres")
        except KeyError:
            raise Unavailable("running as root and no 'postgres' user to run the PostgreSQL server as "
                              "(initdb refuses root)") from None
        run_as = "postgres"
    root = Path(tempfile.mkdtemp(prefix="leakguard-pg-"))
    if run_as:
        shutil.chown(root, user=run_as)
    password = secrets.token_urlsafe(18)
    try:
        subprocess.run([str(bindir / "initdb"), "-D", str(root / "data"), "-U", "postgres", "-A", "trust", "-E", "UTF8",
                        "--no-locale", "--no-sync"], check=True, capture_output=True, user=run_as, timeout=300)
        (root / "data" / "pg_hba.conf").write_text("local all all trust\nhost all all 127.0.0.1/32 scram-sha-256\n")
        port = _start(bindir, root, run_as)
        server = PostgresServer(bindir, root, port, "leakguard_reader", password, run_as)
        server.sql(f"CREATE ROLE {server.reader} LOGIN PASSWORD '{password}'")
        yield server
    finally:
        with contextlib.suppress(Exception):
            subprocess.run([str(bindir / "pg_ctl"), "-D", str(root / "data"), "-m", "immediate", "stop"],
                           capture_output=True, user=run_as, timeout=60)
        time.sleep(0.2)
        shutil.rmtree(root, ignore_errors=True)
