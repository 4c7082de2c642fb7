"""Beneficiary tables of a tiers-payant operator, millions of rows, with their ground truth.

:func:`beneficiary_table` makes the 17-column table the detectors and benchmarks are measured on (see
``DESIGN.md``, "The data it meets"): names, date of birth, the NIR written in every form and again as an
int64 under a meaningless name, insurer, AMC and member numbers, guarantees, phone, e-mail, IBAN, free-text
comments that mention the beneficiary, and decoys (15-digit invoice numbers, care dates, amounts,
postcodes) that hold no personal data. ``column_names="meaningless"`` names the columns ``c0`` .. ``c16``,
so only content can tell what they hold.

============  =======  ==========================  ==============================================================
column        type     entity (ground truth)       content
============  =======  ==========================  ==============================================================
nom           string   PERSON                      surname of use
prenom        string   PERSON                      first name
date_naiss..  date32   DATE_OF_BIRTH               consistent with the NIR's year and month
nir           string   FR_NIR                      NIR/NIA in mixed written forms (``forms``)
c_12          int64    FR_NIR                      the same NIR as an integer (null when born in 2A/2B)
organisme     string   FR_HEALTH_INSURER           insurer name
num_amc       string   FR_AMC                      8-10 digits, one of the insurer's AMC numbers
num_adherent  string   FR_MUTUELLE_MEMBER_ID       member number, in the insurer's format
garanties     string   FR_HEALTH_GUARANTEE         ``PHAR 100% OPTI 200% DENT 150%``...
telephone     string   PHONE_NUMBER                ``06 12 34 56 78``, ``+33612345678``...
email         string   EMAIL_ADDRESS               derived from the name
iban          string   IBAN_CODE                   French IBAN, grouped or compact
commentaire   string   spans (see below)           free text; null for about a third of the rows
num_facture   int64    (decoy)                     15 random digits: ~1 in 97 passes the NIR key
date_soin     date32   (decoy)                     date of care, not a birth date
montant       float64  (decoy)                     amount in euros
code_postal   string   (decoy)                     postcode
============  =======  ==========================  ==============================================================

Comments (``commentaire``) are French sentences such as ``Appel de Mme Martin le 03/02/2025 : NIR 2 85 ...
à mettre à jour.``; the entities they mention are the row's own (its surname, NIR in another written form,
phone, e-mail, IBAN, insurer, AMC and member numbers, date of birth, guarantees), each recorded as a span.
Some comments hold only decoys: an invoice number, a NIR with a typo (wrong key), a SIRET, a care date.

Speed: values are drawn with numpy and formatted with Arrow compute (:mod:`synthetic.bulk`); comments are
assembled template by template with ``binary_join_element_wise``, their span offsets summed from the lengths
of the pieces. No Python loop runs per row: 10**6 rows (12.7 million true spans) take about 10-15 s on
one core.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from typing import Literal

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from synthetic import bulk
from synthetic import identifiers as ids
from synthetic.people import ascii_fold, name_pools
from synthetic.truth import TRUTH_SCHEMA, GroundTruth, concat, rename_columns, whole_cells

FREE_TEXT = "FREE_TEXT"

#: The columns of :func:`beneficiary_table`, with the entity each holds whole (``FREE_TEXT``: spans inside
#: free text; ``None``: a decoy, no personal data).
BENEFICIARY_COLUMNS: dict[str, str | None] = {
    "nom": "PERSON",
    "prenom": "PERSON",
    "date_naissance": "DATE_OF_BIRTH",
    "nir": "FR_NIR",
    "c_12": "FR_NIR",
    "organisme": "FR_HEALTH_INSURER",
    "num_amc": "FR_AMC",
    "num_adherent": "FR_MUTUELLE_MEMBER_ID",
    "garanties": "FR_HEALTH_GUARANTEE",
    "telephone": "PHONE_NUMBER",
    "email": "EMAIL_ADDRESS",
    "iban": "IBAN_CODE",
    "commentaire": FREE_TEXT,
    "num_facture": None,
    "date_soin": None,
    "montant": None,
    "code_postal": None,
}
#: The meaningless names of the same columns, in order: ``c0`` .. ``c16``.
MEANINGLESS_NAMES = {name: f"c{i}" for i, name in enumerate(BENEFICIARY_COLUMNS)}


def _insurer_weights(count: int) -> np.ndarray:
    """Large insurers (first in the list) more often: half Zipf-like, half uniform."""
    zipf = 1.0 / np.arange(1, count + 1) ** 0.9
    weights = 0.5 * zipf / zipf.sum() + 0.5 / count
    return weights / weights.sum()


def beneficiary_table(
    n_rows: int,
    seed: int = 0,
    *,
    forms: str = "mixed",
    column_names: Literal["french", "meaningless"] = "french",
) -> tuple[pa.Table, GroundTruth]:
    """A beneficiary table of ``n_rows`` rows and the spans of every entity it holds.

    ``forms`` is ``"mixed"`` (NIRs in every written form, with the frequencies of
    ``identifiers.NIR_FORM_WEIGHTS``) or one of ``identifiers.NIR_FORMS``. ``column_names="meaningless"``
    names the columns ``c0`` .. ``c16``. The same ``seed`` gives the same table (for the same Faker version
    and insurers list).
    """
    if forms != "mixed" and forms not in ids.NIR_FORMS:
        raise ValueError(f"forms must be 'mixed' or one of {ids.NIR_FORMS}, not {forms!r}")
    if column_names not in ("french", "meaningless"):
        raise ValueError("column_names must be 'french' or 'meaningless'")
    gen = np.random.default_rng(seed)
    rng = random.Random(seed)
    n = n_rows
    pools = name_pools(seed)

    female = gen.random(n) < 0.52
    female_mask = pa.array(female)
    birth = bulk.dates(gen, "1935-01-01", "2023-12-31", n)
    male_idx = pa.array(gen.integers(0, len(pools.male), n))
    female_idx = pa.array(gen.integers(0, len(pools.female), n))
    last_idx = pa.array(gen.integers(0, len(pools.last), n))

    def names(pool: tuple[str, ...], index: pa.Array, folded: bool = False) -> pa.Array:
        return pc.take(pa.array([ascii_fold(x) for x in pool] if folded else pool, pa.string()), index)

    def first_names(folded: bool = False) -> pa.Array:
        return pc.if_else(female_mask, names(pools.female, female_idx, folded), names(pools.male, male_idx, folded))

    prenom, nom = first_names(), names(pools.last, last_idx)
    email = bulk.emails(gen, first_names(folded=True), names(pools.last, last_idx, folded=True))

    compact, nir_value = bulk.nirs(gen, female, birth)
    nir_forms = forms if forms != "mixed" else bulk.weighted_choice(gen, ids.NIR_FORM_WEIGHTS, n)

    insurers = ids.insurer_names()
    insurer_idx = gen.choice(len(insurers), n, p=_insurer_weights(len(insurers)))
    organisme = pc.take(pa.array(insurers, pa.string()), pa.array(insurer_idx))
    amc_lists = [ids.amc_numbers_of(name) for name in insurers]
    amc_count = np.array([len(a) for a in amc_lists])
    amc_offset = np.cumsum(amc_count) - amc_count
    amc_idx = amc_offset[insurer_idx] + gen.integers(0, 6, n) % amc_count[insurer_idx]
    num_amc = pc.take(pa.array([a for amcs in amc_lists for a in amcs], pa.string()), pa.array(amc_idx))
    format_of = {f: i for i, f in enumerate(ids.MEMBER_ID_FORMATS)}
    insurer_format = np.array([format_of[ids.member_id_format(name)] for name in insurers])
    member = bulk.fill_formats(gen, ids.MEMBER_ID_FORMATS, insurer_format[insurer_idx])
    guarantee_pool = pa.array([ids.guarantees(rng) for _ in range(600)], pa.string())
    garanties = pc.take(guarantee_pool, pa.array(gen.integers(0, len(guarantee_pool), n)))

    phones = bulk.phones(gen, n)
    ibans = bulk.ibans(gen, n)
    care = bulk.dates(gen, "2023-01-01", "2026-01-31", n)

    table = pa.table(
        {
            "nom": nom,
            "prenom": prenom,
            "date_naissance": pa.array(birth, pa.date32()),
            "nir": bulk.nir_written(compact, nir_forms),
            "c_12": pa.array(nir_value, pa.int64(), mask=nir_value < 0),
            "organisme": organisme,
            "num_amc": num_amc,
            "num_adherent": member,
            "garanties": garanties,
            "telephone": bulk.phone_written(phones, bulk.weighted_choice(gen, ids.PHONE_FORM_WEIGHTS, n)),
            "email": email,
            "iban": bulk.iban_written(ibans, gen.random(n) < 0.6),
            "commentaire": pa.nulls(n, pa.string()),
            "num_facture": pa.array(bulk.invoice_numbers(gen, n), pa.int64()),
            "date_soin": pa.array(care, pa.date32()),
            "montant": pa.array(bulk.amounts(gen, n), pa.float64()),
            "code_postal": bulk.postcodes(gen, n),
        }
    )
    comments, comment_truth = _comments(gen, rng, table, female_mask, compact, phones, ibans)
    table = table.set_column(table.schema.get_field_index("commentaire"), "commentaire", comments)
    whole = {name: entity for name, entity in BENEFICIARY_COLUMNS.items() if entity not in (None, FREE_TEXT)}
    truth = concat([whole_cells(table, whole), comment_truth])
    if column_names == "meaningless":
        table = table.rename_columns([MEANINGLESS_NAMES[c] for c in table.column_names])
        truth = rename_columns(truth, MEANINGLESS_NAMES)
    return table, truth


# --- Comments ----------------------------------------------------------------------------------------------

#: A template piece: a literal, or (field, entity) where entity None marks a decoy or plain words.
Piece = str | tuple[str, str | None]

#: Comments that mention the row's own data; every entity piece is a true span.
ENTITY_TEMPLATES: tuple[tuple[Piece, ...], ...] = (
    ("Appel de ", ("civ", None), " ", ("nom", "PERSON"), " le ", ("care", None), " : NIR ",
     ("nir", "FR_NIR"), " à mettre à jour."),
    (("civ", None), " ", ("full", "PERSON"), " a appelé, rappeler au ", ("phone", "PHONE_NUMBER"), "."),
    ("Changement d'organisme complémentaire : ", ("insurer", "FR_HEALTH_INSURER"), " à compter du ",
     ("month_start", None), "."),
    ("Assuré", ("e", None), " né", ("e", None), " le ", ("birth", "DATE_OF_BIRTH"), ", n° SS ",
     ("nir", "FR_NIR"), ", dossier à vérifier."),
    ("Mail reçu de ", ("email", "EMAIL_ADDRESS"), " : demande d'attestation de droits."),
    ("Nouveau RIB transmis par ", ("civ", None), " ", ("nom", "PERSON"), " : ", ("iban", "IBAN_CODE"), "."),
    ("N° AMC ", ("amc", "FR_AMC"), " inconnu du serveur, PEC refusée le ", ("care", None), "."),
    ("Adhérent n° ", ("member", "FR_MUTUELLE_MEMBER_ID"),
     " - carte tiers payant renouvelée (organisme : ", ("insurer", "FR_HEALTH_INSURER"), ")."),
    ("Rejet facture n° ", ("invoice", None), " : NIR ", ("nir_typo", None), " erroné, à corriger."),
    ("Garanties mises à jour : ", ("guarantees", "FR_HEALTH_GUARANTEE"), "."),
    ("Appel de ", ("civ", None), " ", ("nom", "PERSON"), " (tél. ", ("phone", "PHONE_NUMBER"),
     ") au sujet d'une PEC optique (organisme complémentaire : ", ("insurer", "FR_HEALTH_INSURER"), ")."),
    ("Contact : ", ("full", "PERSON"), ", ", ("email", "EMAIL_ADDRESS"), ", ", ("phone", "PHONE_NUMBER"), "."),
)  # fmt: skip
#: Comments with decoys only (invoice and order numbers, care dates, amounts, SIRET, trace ids) or nothing.
DECOY_TEMPLATES: tuple[tuple[Piece, ...], ...] = (
    ("RAS",),
    ("Dossier complet.",),
    ("PEC accordée.",),
    ("Devis optique reçu, en attente de validation.",),
    ("Document illisible, à rescanner.",),
    ("Relance envoyée le ", ("later", None), " pour la facture n° ", ("invoice", None), "."),
    ("Remboursement de ", ("amount", None), " € effectué le ", ("later", None), "."),
    ("Soins du ", ("care", None), " pris en charge à 100 %."),
    ("Commande n° ", ("order", None), " expédiée, suivi ", ("trace", None), "."),
    ("Facture ", ("invoice", None), " du ", ("care", None), ", montant ", ("amount", None), " €, SIRET PS ",
     ("siret", None), "."),
)  # fmt: skip


def _comments(
    gen: np.random.Generator,
    rng: random.Random,
    table: pa.Table,
    female: pa.Array,
    compact: pa.Array,
    phones: pa.Array,
    ibans: pa.Array,
) -> tuple[pa.Array, GroundTruth]:
    """The ``commentaire`` column: about 35% null, 25% decoys only, 40% about the row's own data."""
    n = table.num_rows
    columns = {name: table.column(name).combine_chunks() for name in table.column_names}
    col = columns.__getitem__
    sirets = pa.array([ids.siret(rng) for _ in range(500)], pa.string())  # health professionals: a few

    def nir_forms(count: int) -> np.ndarray:
        return bulk.weighted_choice(gen, ids.NIR_FORM_WEIGHTS, count)

    def phone_forms(count: int) -> np.ndarray:
        return bulk.weighted_choice(gen, ids.PHONE_FORM_WEIGHTS, count)

    fields: dict[str, Callable[[pa.Array], pa.Array]] = {
        "civ": lambda r: pc.if_else(pc.take(female, r), "Mme", "M."),
        "e": lambda r: pc.if_else(pc.take(female, r), "e", ""),
        "nom": lambda r: pc.take(col("nom"), r),
        "full": lambda r: pc.binary_join_element_wise(pc.take(col("prenom"), r), pc.take(col("nom"), r), " "),
        "birth": lambda r: bulk.fr_dates(pc.take(col("date_naissance"), r)),
        "care": lambda r: bulk.fr_dates(pc.take(col("date_soin"), r)),
        "month_start": lambda r: bulk.fr_dates(pc.take(col("date_soin"), r), first_of_month=True),
        "later": lambda r: bulk.fr_dates(
            pa.array(pc.take(col("date_soin"), r).to_numpy(False) + gen.integers(1, 61, len(r)), pa.date32())
        ),
        "nir": lambda r: bulk.nir_written(pc.take(compact, r), nir_forms(len(r))),
        "nir_typo": lambda r: bulk.nir_written(
            pa.array([ids.nir_typo(rng, x) for x in pc.take(compact, r).to_pylist()], pa.string()),
            nir_forms(len(r)),
        ),
        "phone": lambda r: bulk.phone_written(pc.take(phones, r), phone_forms(len(r))),
        "email": lambda r: pc.take(col("email"), r),
        "iban": lambda r: bulk.iban_written(pc.take(ibans, r), gen.random(len(r)) < 0.7),
        "insurer": lambda r: pc.take(col("organisme"), r),
        "amc": lambda r: pc.take(col("num_amc"), r),
        "member": lambda r: pc.take(col("num_adherent"), r),
        "guarantees": lambda r: pc.take(col("garanties"), r),
        "invoice": lambda r: pc.cast(pa.array(bulk.invoice_numbers(gen, len(r))), pa.string()),
        "order": lambda r: pc.cast(pa.array(bulk.invoice_numbers(gen, len(r))), pa.string()),
        "amount": lambda r: bulk.amount_text(bulk.amounts(gen, len(r))),
        "trace": lambda r: bulk.hex_ids(gen, len(r), 64),
        "siret": lambda r: pc.take(sirets, pa.array(gen.integers(0, len(sirets), len(r)))),
    }  # fmt: skip

    kind = gen.choice(3, n, p=[0.35, 0.25, 0.40])
    which = np.where(kind == 1, gen.integers(0, len(DECOY_TEMPLATES), n), gen.integers(0, len(ENTITY_TEMPLATES), n))
    texts, text_rows, truth = [], [], []
    for k, templates in ((1, DECOY_TEMPLATES), (2, ENTITY_TEMPLATES)):
        for t, template in enumerate(templates):
            rows = np.flatnonzero((kind == k) & (which == t))
            if not len(rows):
                continue
            r = pa.array(rows)
            offset = np.zeros(len(rows), np.int64)
            parts: list[pa.Array | str] = []
            for piece in template:
                if isinstance(piece, str):
                    parts.append(piece)
                    offset += len(piece)
                    continue
                name, entity = piece
                values = fields[name](r)
                length = pc.utf8_length(values).to_numpy().astype(np.int64)
                if entity is not None:
                    truth.append(_spans(rows, offset, offset + length, entity))
                parts.append(values)
                offset = offset + length
            if all(isinstance(p, str) for p in parts):
                text = pa.repeat(pa.scalar("".join(map(str, parts)), pa.string()), len(rows))
            else:
                text = pc.binary_join_element_wise(*parts, "")
            texts.append(text)
            text_rows.append(rows)
    if not texts:
        return pa.nulls(n, pa.string()), TRUTH_SCHEMA.empty_table()
    position = np.full(n, -1, np.int64)
    all_rows = np.concatenate(text_rows)
    position[all_rows] = np.arange(len(all_rows))
    combined = pa.concat_arrays(texts)
    comments = pc.take(combined, pa.array(position, mask=position < 0))
    return comments, concat(truth)


def _spans(rows: np.ndarray, start: np.ndarray, end: np.ndarray, entity: str) -> GroundTruth:
    n = len(rows)
    return pa.Table.from_arrays(
        [
            pa.array(rows, pa.int64()),
            pa.repeat(pa.scalar("commentaire", pa.string()), n),
            pa.array(start, pa.int32()),
            pa.array(end, pa.int32()),
            pa.repeat(pa.scalar(entity, pa.string()), n),
        ],
        schema=TRUTH_SCHEMA,
    )


# --- Call-centre notes -------------------------------------------------------------------------------------

#: What a caller wanted, after the name and the date of the call.
CALL_REASONS = ("demande de remboursement", "question sur sa PEC optique", "réclamation sur un dépassement",
                "demande d'attestation de droits", "changement d'adresse", "relance du dossier")  # fmt: skip


def call_notes(n_rows: int, seed: int = 0) -> tuple[pa.Table, GroundTruth]:
    """Call-centre notes written the way agents write them: ``Appel de Camille Martin le 12/03 : demande de
    remboursement`` (first name and surname from the Faker ``fr_FR`` pools, compound ones included), with a
    ``dossier`` number; the truth marks each full name as one PERSON span."""
    rng = random.Random(seed)
    pools = name_pools(seed)
    texts, ends = [], []
    start = len("Appel de ")
    for _ in range(n_rows):
        name = f"{rng.choice(pools.female if rng.random() < 0.5 else pools.male)} {rng.choice(pools.last)}"
        texts.append(f"Appel de {name} le {rng.randint(1, 28):02d}/{rng.randint(1, 12):02d} : "
                     f"{rng.choice(CALL_REASONS)}")
        ends.append(start + len(name))
    table = pa.table({"dossier": pa.array(range(1, n_rows + 1), pa.int64()), "commentaire": texts})
    rows = np.arange(n_rows)
    return table, _spans(rows, np.full(n_rows, start), np.array(ends, np.int64), "PERSON")


# --- Database tables ---------------------------------------------------------------------------------------

#: The columns :func:`database_table` adds to the beneficiary table, with their PostgreSQL types.
DATABASE_COLUMNS = {"telephones": "text[]", "contact": "jsonb"}


def database_table(n_rows: int, seed: int = 0) -> tuple[pa.Table, GroundTruth]:
    """The beneficiary table with the column types databases add, and its truth.

    * ``telephones`` (``list<string>``, PostgreSQL ``text[]``): the row's phone and, for about half of the rows,
      a second one, written in any form; null for about a tenth of the rows;
    * ``contact`` (JSON text, PostgreSQL ``jsonb``): ``{"nir": ..., "email": ..., "telephone": ...}``, written
      as PostgreSQL writes ``jsonb`` (keys by length, ``", "`` and ``": "``), so the text read back from the
      database is the text written; null for about a tenth of the rows.

    The other columns are :func:`beneficiary_table`'s (``montant``, ``float64``, goes to a ``numeric`` column).
    """
    table, truth = beneficiary_table(n_rows, seed)
    gen = np.random.default_rng(seed + 1)
    n = n_rows
    phone = table.column("telephone").combine_chunks()
    second = bulk.phone_written(bulk.phones(gen, n), bulk.weighted_choice(gen, ids.PHONE_FORM_WEIGHTS, n))
    two = gen.random(n) < 0.5
    lengths = np.where(two, 2, 1).astype(np.int32)
    absent = gen.random(n) < 0.1
    lengths[absent] = 0
    offsets = np.concatenate([[0], np.cumsum(lengths)]).astype(np.int32)
    values = pc.take(pa.concat_arrays([phone, second]),
                     pa.array(np.stack([np.arange(n), n + np.arange(n)], axis=1)[lengths[:, None] > np.arange(2)]))
    telephones = pa.ListArray.from_arrays(pa.array(offsets), values, mask=pa.array(absent))
    rows = np.flatnonzero(~absent)
    spans = [_list_spans(rows, "telephones.0", pc.take(phone, pa.array(rows)))]
    with_second = np.flatnonzero(~absent & two)
    spans.append(_list_spans(with_second, "telephones.1", pc.take(second, pa.array(with_second))))

    nir, email = table.column("nir").combine_chunks(), table.column("email").combine_chunks()
    pieces: list[tuple[str, pa.Array | None, str | None]] = [
        ('{"nir": "', nir, "FR_NIR"), ('", "email": "', email, "EMAIL_ADDRESS"),
        ('", "telephone": "', phone, "PHONE_NUMBER"), ('"}', None, None)]
    offset = np.zeros(n, np.int64)
    parts: list[pa.Array | str] = []
    no_contact = gen.random(n) < 0.1
    kept = np.flatnonzero(~no_contact)
    for literal, value, entity in pieces:
        parts.append(literal)
        offset += len(literal)
        if value is None:
            continue
        length = pc.utf8_length(value).to_numpy(zero_copy_only=False).astype(np.int64)
        spans.append(_spans(kept, offset[kept], offset[kept] + length[kept], entity).set_column(
            1, "column", pa.repeat(pa.scalar("contact"), len(kept))))
        parts.append(value)
        offset += length
    contact = pc.if_else(pa.array(no_contact), pa.nulls(n, pa.string()), pc.binary_join_element_wise(*parts, ""))
    table = table.append_column("telephones", telephones).append_column("contact", contact)
    return table, concat([truth, *spans])


def _list_spans(rows: np.ndarray, column: str, values: pa.Array) -> GroundTruth:
    length = pc.utf8_length(values).to_numpy(zero_copy_only=False)
    return _spans(rows, np.zeros(len(rows), np.int64), length, "PHONE_NUMBER").set_column(
        1, "column", pa.repeat(pa.scalar(column), len(rows)))
