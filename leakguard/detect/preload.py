"""Imported by the server that forks a scan's worker processes, and only there: the word lists of the rules.

The name and birth-date rules read word lists (:mod:`recognizers.lexicon`) that take about 0.3 s to load.
Loaded on first use, every worker loaded them again on its first file; loaded here, in the server, before it
forks any worker (:data:`leakguard.workerserver.SCAN_WORKER_MODULES`), they are loaded once and every worker
has them from its start. The server of a scan started early runs this while the command does its own
imports.
"""

from recognizers import lexicon

lexicon.load()
