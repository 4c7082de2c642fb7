"""``python -m leakguard``: the same as the ``leakguard`` command."""

from leakguard.cli import main

main()
