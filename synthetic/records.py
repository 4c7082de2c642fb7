"""Nested records and decoy-only tables: the other shapes the data takes.

* :func:`nested_table` — one row per file (dossier), the beneficiary as a struct (``beneficiary.nir``,
  ``beneficiary.nom``, ...) and the dependants as a list of structs (``ayants_droit.0.nir`` for the first),
  as Parquet exports of document stores look.
* :func:`events` — JSON-lines events of a tiers-payant platform (rights checks, PEC requests and rejections,
  invoices, contact updates), personal data nested under ``beneficiary``, ``contact``, ``ayants_droit``.
* :func:`decoy_table` — a table with no personal data at all, only what looks like it: 15-digit invoice and
  order numbers (about 1 in 97 passes the NIR key by chance), SIRET, EAN-13/CIP13 codes, care dates,
  timestamps, amounts, postcodes, trace ids. A scanner must report nothing in it.

Truth columns are dotted paths, list elements numbered from 0, as in ``leakguard.sources``.
"""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

import pyarrow as pa

from synthetic import identifiers as ids
from synthetic.logs import REJECTION_REASONS, START
from synthetic.people import Person, PersonFactory
from synthetic.truth import GroundTruth, SpanCollector, concat

_DEPENDANT = pa.struct([("prenom", pa.string()), ("date_naissance", pa.date32()), ("nir", pa.string())])
NESTED_SCHEMA = pa.schema(
    [
        ("id_dossier", pa.int64()),
        (
            "beneficiary",
            pa.struct(
                [
                    ("nir", pa.string()),
                    ("nom", pa.string()),
                    ("prenom", pa.string()),
                    ("nom_naissance", pa.string()),
                    ("date_naissance", pa.date32()),
                ]
            ),
        ),
        ("organisme", pa.string()),
        ("garanties", pa.string()),
        ("ayants_droit", pa.list_(_DEPENDANT)),
        ("num_facture", pa.int64()),
        ("date_soin", pa.date32()),
    ]
)


def _children(factory: PersonFactory, parent: Person) -> list[Person]:
    if parent.birth_date.year > 1995:
        return []
    count = factory.rng.choices((0, 1, 2, 3), (40, 25, 25, 10))[0]
    return [factory.child_of(parent) for _ in range(count)]


def nested_table(n_rows: int, seed: int = 0) -> tuple[pa.Table, GroundTruth]:
    """Dossiers with a ``beneficiary`` struct and a list of ``ayants_droit`` structs, and their truth."""
    factory = PersonFactory(seed)
    rng = factory.rng
    spans = SpanCollector()
    rows: list[dict[str, Any]] = []
    for row in range(n_rows):
        p = factory.person()
        nir = ids.nir_written(p.nir, ids.nir_form(rng))
        spans.whole(row, "beneficiary.nir", nir, "FR_NIR")
        spans.whole(row, "beneficiary.nom", p.last_name, "PERSON")
        spans.whole(row, "beneficiary.prenom", p.first_name, "PERSON")
        spans.whole(row, "beneficiary.nom_naissance", p.birth_name, "PERSON")
        spans.whole(row, "beneficiary.date_naissance", p.birth_date.isoformat(), "DATE_OF_BIRTH")
        spans.whole(row, "organisme", p.insurer, "FR_HEALTH_INSURER")
        spans.whole(row, "garanties", p.guarantees, "FR_HEALTH_GUARANTEE")
        dependants = []
        for i, child in enumerate(_children(factory, p)):
            child_nir = ids.nir_written(child.nir, ids.nir_form(rng))
            spans.whole(row, f"ayants_droit.{i}.prenom", child.first_name, "PERSON")
            spans.whole(row, f"ayants_droit.{i}.date_naissance", child.birth_date.isoformat(), "DATE_OF_BIRTH")
            spans.whole(row, f"ayants_droit.{i}.nir", child_nir, "FR_NIR")
            dependants.append({"prenom": child.first_name, "date_naissance": child.birth_date, "nir": child_nir})
        rows.append(
            {
                "id_dossier": 100000 + row,
                "beneficiary": {
                    "nir": nir,
                    "nom": p.last_name,
                    "prenom": p.first_name,
                    "nom_naissance": p.birth_name,
                    "date_naissance": p.birth_date,
                },
                "organisme": p.insurer,
                "garanties": p.guarantees,
                "ayants_droit": dependants,
                "num_facture": int(ids.invoice_number(rng)),
                "date_soin": ids.care_date(rng),
            }
        )
    return pa.Table.from_pylist(rows, schema=NESTED_SCHEMA), _sorted(spans)


def _sorted(spans: SpanCollector) -> GroundTruth:
    return concat([spans.table()])


EVENT_KINDS = ("droits.consultation", "pec.demande", "pec.rejet", "facture.emise", "contact.maj", "ayants_droit.maj")
EVENT_WEIGHTS = (30, 20, 10, 25, 8, 7)


def events(n: int, seed: int = 0, *, people: int = 300) -> tuple[list[dict[str, Any]], GroundTruth]:
    """``n`` JSON-lines events (dicts, JSON-ready) about a pool of ``people``, and their truth."""
    factory = PersonFactory(seed)
    rng = random.Random(seed + 1)
    pool = [factory.person() for _ in range(max(1, min(people, n)))]
    spans = SpanCollector()
    out: list[dict[str, Any]] = []
    moment = START
    for row, kind in enumerate(rng.choices(EVENT_KINDS, EVENT_WEIGHTS, k=n)):
        moment += dt.timedelta(milliseconds=rng.randint(1, 60000))
        p = rng.choice(pool)

        def put(record: dict[str, Any], path: str, value: str, entity: str | None, row: int = row) -> None:
            *parents, leaf = path.split(".")
            for key in parents:
                record = record.setdefault(key, {})
            record[leaf] = value
            if entity is not None:
                spans.whole(row, path, value, entity)

        event: dict[str, Any] = {"ts": ids.iso_timestamp(moment), "event": kind, "trace_id": ids.trace_id(rng)}
        nir = ids.nir_written(p.nir, rng.choice(("compact", "compact", "spaced", "key_apart")))
        if kind == "droits.consultation":
            put(event, "beneficiary.nir", nir, "FR_NIR")
            put(event, "beneficiary.nom", p.last_name, "PERSON")
            put(event, "beneficiary.prenom", p.first_name, "PERSON")
            put(event, "beneficiary.date_naissance", p.birth_date.isoformat(), "DATE_OF_BIRTH")
            put(event, "organisme", p.insurer, "FR_HEALTH_INSURER")
            put(event, "amc", p.amc, "FR_AMC")
        elif kind == "pec.demande":
            put(event, "beneficiary.nir", nir, "FR_NIR")
            put(event, "beneficiary.nom", p.last_name, "PERSON")
            put(event, "adherent", p.member_id, "FR_MUTUELLE_MEMBER_ID")
            put(event, "garanties", p.guarantees, "FR_HEALTH_GUARANTEE")
            event["montant"] = ids.amount(rng)
            put(event, "facture", ids.invoice_number(rng), None)
            put(event, "siret_ps", ids.siret(rng), None)
        elif kind == "pec.rejet":
            put(event, "beneficiary.nir", nir, "FR_NIR")
            put(event, "amc", p.amc, "FR_AMC")
            put(event, "motif", rng.choice(REJECTION_REASONS), None)
        elif kind == "facture.emise":
            put(event, "facture", ids.invoice_number(rng), None)
            event["montant"] = ids.amount(rng)
            put(event, "siret_ps", ids.siret(rng), None)
            put(event, "date_soin", ids.care_date(rng).isoformat(), None)
            put(event, "code_ean", ids.ean13(rng), None)
        elif kind == "contact.maj":
            put(event, "beneficiary.nom", p.last_name, "PERSON")
            put(event, "beneficiary.prenom", p.first_name, "PERSON")
            put(event, "contact.email", p.email, "EMAIL_ADDRESS")
            put(event, "contact.telephone", ids.phone_written(p.phone, ids.phone_form(rng)), "PHONE_NUMBER")
            put(event, "contact.iban", ids.iban_written(p.iban, rng.random() < 0.5), "IBAN_CODE")
        else:
            put(event, "beneficiary.nir", nir, "FR_NIR")
            dependants = []
            for i, child in enumerate(_children(factory, p) or [factory.child_of(p)]):
                child_nir = ids.nir_written(child.nir, "compact")
                spans.whole(row, f"ayants_droit.{i}.prenom", child.first_name, "PERSON")
                spans.whole(row, f"ayants_droit.{i}.nir", child_nir, "FR_NIR")
                dependants.append({"prenom": child.first_name, "nir": child_nir})
            event["ayants_droit"] = dependants
        out.append(event)
    return out, _sorted(spans)


def decoy_table(n_rows: int, seed: int = 0) -> pa.Table:
    """A table of decoys only (strings, as an export writes them): nothing in it is personal data."""
    rng = random.Random(seed)
    moments = sorted(ids.timestamp(rng, START - dt.timedelta(days=90), START) for _ in range(n_rows))
    return pa.table(
        {
            "num_facture": [ids.invoice_number(rng) for _ in range(n_rows)],
            "num_commande": [ids.invoice_number(rng) for _ in range(n_rows)],
            "siret_ps": [ids.siret(rng) for _ in range(n_rows)],
            "code_ean": [ids.ean13(rng) for _ in range(n_rows)],
            "date_soin": [ids.care_date(rng).strftime("%d/%m/%Y") for _ in range(n_rows)],
            "horodatage": [ids.iso_timestamp(m) for m in moments],
            "montant": [ids.amount_text(ids.amount(rng)) for _ in range(n_rows)],
            "code_postal": [ids.postcode(rng) for _ in range(n_rows)],
            "trace_id": [ids.trace_id(rng) for _ in range(n_rows)],
        }
    )
