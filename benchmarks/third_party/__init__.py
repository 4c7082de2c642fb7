"""Detection quality on French text written by others (issue 11's measure), with the real CLI.

``python -m benchmarks.third_party [FILE.jsonl ...]`` loads annotated texts (:mod:`.dataset`), writes each to
its own text file and runs ``leakguard scan DIR --format jsonl`` once over them (:mod:`.scan`), scores the
findings per entity (:mod:`.scoring`) and prints markdown tables (:mod:`.report`). Without arguments it reads
the development sets of ``benchmarks/data/third_party`` (built from their annotated sources by
:mod:`.markup`; provenance in that directory's README).
"""
