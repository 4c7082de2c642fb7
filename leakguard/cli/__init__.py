"""The ``leakguard`` command: a thin click shell over the library (parse, call, print, exit code).

Exit codes (a contract): 0 nothing found, 1 findings, 2 a usage error or a file that could not be read.
Every command ends the same way when something stops it (:mod:`leakguard.cli.errors`): one line, status 2
(130 after Ctrl-C, 143 after SIGTERM), no traceback unless ``--debug``.
"""

from __future__ import annotations

import importlib
from typing import Any

import click

from leakguard import __version__

EXIT_CLEAN = 0
EXIT_FINDINGS = 1
EXIT_ERROR = 2


#: Each command and the module that defines it (and registers it on :data:`cli`), imported only when the
#: command runs or the help lists it: ``leakguard scan`` does not import the pseudonymisation's writers.
COMMANDS = {
    "baseline": "leakguard.cli.baseline",
    "hook": "leakguard.cli.hook",
    "keygen": "leakguard.cli.pseudonymise",
    "pseudonymise": "leakguard.cli.pseudonymise",
    "reidentify": "leakguard.cli.pseudonymise",
    "scan": "leakguard.cli.scan",
}


class _Group(click.Group):
    """The ``leakguard`` group: every command runs inside :func:`leakguard.cli.errors.guard`; each command's
    module is imported when the command is asked for (:data:`COMMANDS`)."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*super().list_commands(ctx), *COMMANDS})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in self.commands and cmd_name in COMMANDS:
            importlib.import_module(COMMANDS[cmd_name])
        return super().get_command(ctx, cmd_name)

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
