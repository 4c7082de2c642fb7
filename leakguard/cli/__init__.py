"""The ``leakguard`` command: a thin click shell over the library (parse, call, print, exit code).

Exit codes (a contract): 0 nothing found, 1 findings, 2 a usage error or a file that could not be read.
Every command ends the same way when something stops it (:mod:`leakguard.cli.errors`): one line, status 2
(130 after Ctrl-C, 143 after SIGTERM), no traceback unless ``--debug``.
"""

from __future__ import annotations

from typing import Any

import click

from leakguard import __version__

EXIT_CLEAN = 0
EXIT_FINDINGS = 1
EXIT_ERROR = 2


class _Group(click.Group):
    """The ``leakguard`` group: every command runs inside :func:`leakguard.cli.errors.guard`."""

    def invoke(self, ctx: click.Context) -> Any:
        from leakguard.cli.errors import guard, terminate_raises

        with terminate_raises(), guard(ctx):
            return super().invoke(ctx)


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="leakguard")
def cli() -> None:
    """Find and pseudonymise French health-insurance personal data in datasets and logs."""


def main() -> None:
    """Console-script entry point."""
    cli(prog_name="leakguard")


# Each command module registers itself on ``cli`` when imported.
from leakguard.cli import (  # noqa: E402, F401
    baseline,
    hook,
    pseudonymise,
    scan,
)
