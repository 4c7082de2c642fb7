"""leakguard's benchmarks: throughput, memory and detection quality, side by side with Presidio and the limit.

Run from the repository root: ``python -m benchmarks`` (``--quick`` for a smoke run, ``--help`` for the
options). One run generates the data once per size (cached under ``benchmarks/out/cache``) and measures,
each in a fresh process, on the same files:

1. leakguard's scan without NER and with NER on free text, with 1 and 2 jobs
   (:mod:`benchmarks.leakguard_scan`), on 17-column beneficiary tables (:mod:`synthetic.tables`) and on a
   gateway log (:mod:`synthetic.logs`);
2. Presidio's ``BatchAnalyzerEngine`` with an equivalent French NIR recognizer, without an NLP model and
   with the French spaCy model, on a sample of the table (:mod:`benchmarks.presidio_baseline`);
3. the limit: reading the Parquet file and one ``pyarrow.compute`` regex pass (:mod:`benchmarks.limit`);
4. pseudonymisation with the default policy (:mod:`benchmarks.pseudonymisation`);
5. the peak memory of each (:mod:`benchmarks.memory`) and the growth of time with size;
6. with ``--big``, the peak memory of scanning a 10**7-row Parquet file.

Precision and recall per entity come from the ground truth the generator records
(:mod:`benchmarks.quality` states the matching rule). :mod:`benchmarks.suite` derives the ratios,
:mod:`benchmarks.targets` checks the targets of ``DESIGN.md``, :mod:`benchmarks.report` prints the tables and
writes the JSON (``benchmarks/out/results.json``).
"""
