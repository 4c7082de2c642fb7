"""Fixtures shared by the test modules.

``postgres``: one real, throw-away PostgreSQL server for the whole session (:mod:`tests.pgcluster`), skipped
with the reason where none can run (no server binaries; root without a ``postgres`` user). The superuser
``postgres`` connects through the unix socket without a password (loading data, ``psql``, ``pg_dump``); TCP
connections need a password (SCRAM), which is how scans connect, as the role ``reader`` with ``password``.
Every statement is logged (``log_statement = all``) to ``log``, with the process id and application name.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.pgcluster import PostgresServer, Unavailable, throwaway_cluster


@pytest.fixture(scope="session")
def postgres() -> Iterator[PostgresServer]:
    """A throw-away PostgreSQL server for the session (skipped, with the reason, where none can run)."""
    pytest.importorskip("adbc_driver_postgresql", reason="adbc-driver-postgresql is not installed")
    try:
        with throwaway_cluster() as server:
            yield server
    except Unavailable as reason:  # raised before the cluster starts, never by a test
        pytest.skip(str(reason))
