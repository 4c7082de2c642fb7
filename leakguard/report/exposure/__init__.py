"""Record-level exposure: what a table exposes, for how many people, and how re-identifiable they are.

For each table (and for a whole run): records, records holding personal data, records per entity, records
per combination of entities — the breach profile (:data:`BREACH_PROFILE`) first among them —, distinct people
by their NIRs (exact up to a bound, estimated beyond, with the error stated) and, where a table holds
quasi-identifiers, its k-anonymity. Computed while scanning, in bounded memory, from keyed identifiers:
nothing here keeps a value or a plain hash of one.

* :func:`exposure` — the figures of one in-memory table or stream of record batches (library);
* :class:`ExposureTracker` — the accumulator the scan driver feeds (``scan_files(..., exposure=)``), one
  :class:`Exposure` per table and one for the run.

The modules, one job each: :mod:`.records` (entity masks, combinations), :mod:`.cells` (span texts read
back from the chunk), :mod:`.keyed` (keyed identifiers), :mod:`.distinct` (exact count, HyperLogLog),
:mod:`.quasi` (quasi-identifiers), :mod:`.kanonymity` (equivalence classes), :mod:`.tracker`,
:mod:`.figures`.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

import pyarrow as pa

from leakguard.report.exposure.distinct import DistinctCount
from leakguard.report.exposure.figures import Combination, Exposure
from leakguard.report.exposure.kanonymity import KAnonymity
from leakguard.report.exposure.records import BREACH_PROFILE
from leakguard.report.exposure.tracker import ExposureTracker

if TYPE_CHECKING:
    from leakguard.detect.engine import DetectOptions

__all__ = ["BREACH_PROFILE", "Combination", "DistinctCount", "Exposure", "ExposureTracker", "KAnonymity",
           "exposure"]


def exposure(data: pa.Table | pa.RecordBatch | Iterable[pa.RecordBatch | pa.Table], *, ner: bool = True,
             key: bytes | None = None, options: DetectOptions | None = None, **overrides: object) -> Exposure:
    """The exposure of one table: an Arrow table, a record batch, or a stream of record batches.

    Detection is :func:`leakguard.scan_batches`'s (``ner``, ``options`` and keyword ``overrides`` as
    there). ``key`` keys the identifiers NIRs and classes are counted by; by default a random key is made
    for the call and forgotten.

    >>> import pyarrow as pa
    >>> from synthetic.tables import beneficiary_table
    >>> table, _ = beneficiary_table(50, seed=1)
    >>> figures = exposure(table, ner=False)
    >>> figures.records, figures.breach_profile_records, figures.persons.value
    (50, 50, 50)
    """
    from leakguard.detect.decisions import Decisions
    from leakguard.detect.engine import DetectOptions, Detector
    from leakguard.sources import table_to_columns
    from leakguard.sources.base import Chunk

    batches = [data] if isinstance(data, pa.Table | pa.RecordBatch) else data
    detector = Detector(options if options is not None else DetectOptions(ner=ner, **overrides))  # type: ignore
    decisions = Decisions()  # one NIR decision per column, on the whole stream, as scan_batches takes it
    tracker = ExposureTracker(key)
    offset = 0
    for batch in batches:
        rows = pa.array(range(offset, offset + batch.num_rows), pa.int64())
        chunk = Chunk(columns=table_to_columns(batch, row_offset=offset), rows=rows)
        found = decisions.take(*detector.detect_raw(chunk))
        tracker.add("", chunk, found, held=decisions.waiting)
        offset += batch.num_rows
    released = decisions.release()
    if released is not None:
        tracker.decide("", released)
    return tracker.finish("")
