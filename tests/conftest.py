"""Fixtures shared by the test modules: a pseudonymisation key and a way to run the CLI as users do."""

from __future__ import annotations

import base64
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from leakguard.cli import cli
from leakguard.pseudonymise.keys import generate_key


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
