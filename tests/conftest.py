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


@pytest.fixture(scope="session")
def browser() -> Callable[..., object]:
    """``browser(javascript=True)``: a context manager giving a real headless Chromium (:mod:`tests.browser`);
    the tests that use it are skipped, with the reason, where Chromium or ChromeDriver is not installed."""
    from tests import browser as chromium

    reason = chromium.unavailable()
    if reason is not None:
        pytest.skip(reason)
    return chromium.chromium
