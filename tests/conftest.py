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
    (rendered by pyte, a VT100 emulator, 100 columns wide and tall enough that nothing scrolls away)."""
    import fcntl
    import os
    import pty
    import struct
    import subprocess
    import sys
    import termios

    import pyte

    def run(*args: str, env: dict[str, str] | None = None, columns: int = 100) -> tuple[int, str, list[str]]:
        primary, secondary = pty.openpty()
        fcntl.ioctl(secondary, termios.TIOCSWINSZ, struct.pack("HHHH", 50, columns, 0, 0))
        environment = {key: value for key, value in os.environ.items() if key not in ("NO_COLOR", "COLUMNS")}
        environment.update({"TERM": "xterm-256color", **(env or {})})
        process = subprocess.Popen([sys.executable, "-m", "leakguard", *args], stdin=subprocess.DEVNULL,
                                   stdout=secondary, stderr=secondary, env=environment, close_fds=True)
        os.close(secondary)
        chunks = []
        while True:
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
