"""Tables whose record-level exposure is known: mixed combinations of entities, people met several times.

The beneficiary table of :mod:`synthetic.tables` holds every entity in every row: each record has the
breach profile, each NIR is one person. Exposure needs more varied data:

* :func:`sparse_beneficiaries` — the same table with each column of personal data empty in a share of the
  rows, drawn independently per column, so records hold every combination of entities; the free-text
  comments are left out (names in them need NER to be found, which would make the truth depend on a model);
* :func:`claims` — claims of ``people`` beneficiaries, each met in several rows, their NIR written in a form
  drawn anew each time (``1 85 05 ...``, ``185057800608491``, ``1850578006084 91``...): distinct people are
  fewer than records, and only NIR normal forms tell them apart.

Both return the table and its ground truth (:mod:`synthetic.truth`); decoy columns are kept.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from synthetic import bulk
from synthetic import identifiers as ids
from synthetic.tables import BENEFICIARY_COLUMNS, FREE_TEXT, beneficiary_table
from synthetic.truth import GroundTruth, whole_cells

#: Columns of personal data held whole (the truth's entity per column).
WHOLE_COLUMNS = {name: entity for name, entity in BENEFICIARY_COLUMNS.items() if entity not in (None, FREE_TEXT)}


def sparse_beneficiaries(n_rows: int, seed: int = 0, *, missing: float = 0.35) -> tuple[pa.Table, GroundTruth]:
    """A beneficiary table whose personal-data cells are each missing with probability ``missing``."""
    table, _ = beneficiary_table(n_rows, seed)
    gen = np.random.default_rng(seed + 1)
    columns = {}
    for name in table.column_names:
        if name == "commentaire":
            continue
        column = table.column(name)
        if name in WHOLE_COLUMNS:
            gone = pa.array(gen.random(n_rows) < missing)
            column = pc.if_else(gone, pa.scalar(None, column.type), column)
        columns[name] = column
    sparse = pa.table(columns)
    return sparse, whole_cells(sparse, WHOLE_COLUMNS)


def claims(n_rows: int, people: int, seed: int = 0) -> tuple[pa.Table, GroundTruth, np.ndarray]:
    """``n_rows`` claims of ``people`` beneficiaries; also returns which beneficiary each row is about."""
    persons, _ = beneficiary_table(people, seed)
    gen = np.random.default_rng(seed + 2)
    who = gen.integers(0, people, n_rows)
    rows = persons.take(pa.array(who))
    compact = pc.replace_substring_regex(rows.column("nir"), r"[^0-9AB]", "").combine_chunks()
    written = bulk.nir_written(compact, bulk.weighted_choice(gen, ids.NIR_FORM_WEIGHTS, n_rows))
    table = pa.table({
        "nom": rows.column("nom"),
        "prenom": rows.column("prenom"),
        "date_naissance": rows.column("date_naissance"),
        "nir": written,
        "organisme": rows.column("organisme"),
        "garanties": rows.column("garanties"),
        "num_facture": pa.array(bulk.invoice_numbers(gen, n_rows), pa.int64()),
        "montant": pa.array(bulk.amounts(gen, n_rows), pa.float64()),
    })
    truth = whole_cells(table, {"nom": "PERSON", "prenom": "PERSON", "date_naissance": "DATE_OF_BIRTH",
                                "nir": "FR_NIR", "organisme": "FR_HEALTH_INSURER",
                                "garanties": "FR_HEALTH_GUARANTEE"})
    return table, truth, who
