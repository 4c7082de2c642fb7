"""``python -m leakguard`` and the ``leakguard`` command.

A scan that will use worker processes starts their server first (:mod:`leakguard.workerserver`), so that its
imports run on another core while this process imports the command's modules. The command's Arrow memory pool
gives freed memory back to the system (:mod:`leakguard.memorypool`).
"""

import sys

from leakguard.memorypool import use_returning_pool
from leakguard.workerserver import start_for_command_line


def main() -> None:
    """Console-script entry point."""
    start_for_command_line(sys.argv[1:])
    use_returning_pool()
    from leakguard.cli import main as command

    command()


if __name__ == "__main__":
    main()
