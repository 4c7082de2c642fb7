"""Detection quality: precision and recall per entity, findings against the generated ground truth.

Matching rule (the same for leakguard and Presidio):

* a finding and a true span **match** when they are in the same cell (same ``row`` and ``column``; for text
  lines the same line), have the same entity, and overlap by at least one character
  (``start < true_end and true_start < end``);
* **recall** of an entity = true spans matched by at least one finding / true spans;
* **precision** of an entity = findings that match a true span / findings reported with that entity. A
  finding on a decoy (invoice or order number passing the NIR key by chance, NIR with a typo, SIRET, care
  date, amount, postcode, trace id) matches nothing and counts against precision, as does a finding with the
  wrong entity on a true span (``wrong_entity``: it overlaps a true span of another entity) — the column
  ``no_pii`` counts the findings that overlap no true span at all;
* a true span split into several findings (``PHAR 100%`` and ``OPTI 200%`` inside one guarantee string)
  is found once for recall and every piece is a correct finding; a finding covering two true spans matches
  both.

Only the entities a tool claims are scored for it (``entities``): Presidio set up with a NIR recognizer
and its e-mail, phone and IBAN recognizers is not charged for missing AMC numbers it does not look for.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

LOCATION = ["row", "column", "start", "end", "entity"]


def _prepare(table: pa.Table, entities: Iterable[str] | None, max_row: int | None, id_name: str) -> pa.Table:
    table = table.select(LOCATION)
    if entities is not None:
        table = table.filter(pc.is_in(table["entity"], pa.array(sorted(entities), pa.string())))
    if max_row is not None:
        table = table.filter(pc.less(table["row"], max_row))
    column = pc.fill_null(table["column"].cast(pa.string()), "")
    table = table.set_column(1, "column", column)
    table = table.set_column(0, "row", table["row"].cast(pa.int64()))
    return table.append_column(id_name, pa.array(np.arange(table.num_rows, dtype=np.int64)))


def _flags(ids: pa.ChunkedArray | pa.Array, mask: pa.ChunkedArray | pa.Array, n: int) -> np.ndarray:
    """Boolean per id: whether any joined pair with that id satisfies ``mask``."""
    out = np.zeros(n, dtype=bool)
    picked = pc.filter(ids, mask)
    if len(picked):
        out[np.asarray(picked.to_numpy())] = True
    return out


def _counts(entity: pa.ChunkedArray, flags: np.ndarray, names: list[str]) -> dict[str, int]:
    values = np.asarray(entity.to_numpy(zero_copy_only=False), dtype=object)
    return {name: int(np.count_nonzero(flags & (values == name))) for name in names}


def score(
    findings: pa.Table, truth: pa.Table, *, entities: Iterable[str] | None = None, max_row: int | None = None
) -> dict[str, dict[str, float | int | None]]:
    """Per entity (and ``"all"``): truth, found, findings, correct, wrong_entity, no_pii, precision, recall.

    ``findings`` and ``truth`` need ``row, column, start, end, entity``; ``max_row`` keeps rows below it
    (a sample scanned from the top of the table).
    """
    f = _prepare(findings, entities, max_row, "fid")
    t = _prepare(truth, entities, max_row, "tid")
    t = t.rename_columns(["row", "column", "t_start", "t_end", "t_entity", "tid"])
    joined = f.join(t, keys=["row", "column"], join_type="inner")
    overlap = pc.and_(pc.less(joined["start"], joined["t_end"]), pc.less(joined["t_start"], joined["end"]))
    same = pc.and_(overlap, pc.equal(joined["entity"], joined["t_entity"]))
    correct = _flags(joined["fid"], same, f.num_rows)
    found = _flags(joined["tid"], same, t.num_rows)
    touches = _flags(joined["fid"], overlap, f.num_rows)
    names = sorted(set(pc.unique(f["entity"]).to_pylist()) | set(pc.unique(t["t_entity"]).to_pylist()))
    if entities is not None:
        names = [n for n in names if n in set(entities)]
    n_truth = _counts(t["t_entity"], np.ones(t.num_rows, dtype=bool), names)
    n_found = _counts(t["t_entity"], found, names)
    n_findings = _counts(f["entity"], np.ones(f.num_rows, dtype=bool), names)
    n_correct = _counts(f["entity"], correct, names)
    n_wrong = _counts(f["entity"], touches & ~correct, names)
    n_no_pii = _counts(f["entity"], ~touches, names)
    result: dict[str, dict[str, float | int | None]] = {}
    for name in [*names, "all"]:
        if name == "all":
            row = {
                "truth": t.num_rows,
                "found": int(found.sum()),
                "findings": f.num_rows,
                "correct": int(correct.sum()),
                "wrong_entity": int((touches & ~correct).sum()),
                "no_pii": int((~touches).sum()),
            }
        else:
            row = {
                "truth": n_truth[name],
                "found": n_found[name],
                "findings": n_findings[name],
                "correct": n_correct[name],
                "wrong_entity": n_wrong[name],
                "no_pii": n_no_pii[name],
            }
        row["precision"] = round(row["correct"] / row["findings"], 4) if row["findings"] else None
        row["recall"] = round(row["found"] / row["truth"], 4) if row["truth"] else None
        result[name] = row
    return result
