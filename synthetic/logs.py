"""Logs of a tiers-payant gateway: one record per line, plain text mixed with JSON payloads.

A gateway between pharmacies, opticians and hospitals and the complementary insurers logs every rights check
(``/v1/droits``), every request for payment guarantee (PEC: prise en charge) and its rejection, invoices and
traces. Personal data leaks into such logs the way it does in real ones: a JSON payload dumped whole
(``beneficiary={"nir":"...","nom":"..."}``), a rejection that quotes the NIR and the AMC number, a contact
update with an e-mail and an IBAN, a structured (all-JSON) line. Most lines hold only decoys: 15-digit
invoice and order numbers, trace and span ids, SIRET of health professionals, amounts, timestamps::

    2026-02-01T10:12:03.123Z INFO tp-gateway req=8f3a0c2d91b4e7a6 POST /v1/droits status=200 duration_ms=42 \
beneficiary={"nir":"185057800608491","nom":"Martin","prenom":"Paul","date_naissance":"1985-05-12","amc":"..."}
    2026-02-01T10:12:04.551Z WARN tp-gateway req=... rejet PEC nir=1 85 05 78 006 084 91 amc=... motif="..."

:func:`gateway_log` returns the lines and their ground truth (``row`` is the line index, ``column`` null).
JSON values are written with ``ensure_ascii=False``, so offsets in the line are offsets in the value.
"""

from __future__ import annotations

import datetime as dt
import json
import random

from synthetic import identifiers as ids
from synthetic.people import Person, PersonFactory
from synthetic.truth import GroundTruth, SpanCollector, TextBuilder

START = dt.datetime(2026, 2, 1, 8, 0, 0)
REJECTION_REASONS = ("droits fermés", "bénéficiaire inconnu", "garantie non couverte",
                     "date de soins hors période", "AMC non conventionnée", "doublon de facture")  # fmt: skip
LINE_KINDS = ("droits", "rejet", "facture", "trace", "upstream", "pec", "contact", "structured", "health")
LINE_WEIGHTS = (22, 10, 18, 15, 5, 10, 5, 5, 10)


def _json_string(b: TextBuilder, key: str, value: str, entity: str | None, *, first: bool = False) -> None:
    """Append ``"key":"value"`` to a JSON object being written, recording the value's span."""
    b.add(("" if first else ",") + json.dumps(key) + ':"')
    b.entity(json.dumps(value, ensure_ascii=False)[1:-1], entity)
    b.add('"')


def _line(rng: random.Random, b: TextBuilder, kind: str, moment: dt.datetime, p: Person) -> None:
    ts = ids.iso_timestamp(moment)
    req = ids.trace_id(rng, 64)
    if kind == "droits":
        b.add(f"{ts} INFO tp-gateway req={req} POST /v1/droits status=200 duration_ms={rng.randint(8, 900)} ")
        b.add("beneficiary={")
        _json_string(b, "nir", ids.nir_written(p.nir, rng.choice(("compact", "compact", "spaced"))), "FR_NIR",
                     first=True)  # fmt: skip
        _json_string(b, "nom", p.last_name, "PERSON")
        _json_string(b, "prenom", p.first_name, "PERSON")
        _json_string(b, "date_naissance", p.birth_date.isoformat(), "DATE_OF_BIRTH")
        _json_string(b, "amc", p.amc, "FR_AMC")
        b.add("}")
    elif kind == "rejet":
        b.add(f"{ts} WARN tp-gateway req={req} rejet PEC nir=").entity(ids.nir_written(p.nir, "spaced"), "FR_NIR")
        b.add(" amc=").entity(p.amc, "FR_AMC").add(f' motif="{rng.choice(REJECTION_REASONS)}"')
    elif kind == "facture":
        b.add(f"{ts} INFO tp-gateway req={req} GET /v1/factures/{ids.invoice_number(rng)} status=200 ")
        b.add(f"montant={ids.amount(rng):.2f} trace_id={ids.trace_id(rng)}")
    elif kind == "trace":
        b.add(f"{ts} DEBUG tp-gateway trace_id={ids.trace_id(rng)} span_id={ids.trace_id(rng, 64)} ")
        b.add(f"order={ids.invoice_number(rng)} siret_ps={ids.siret(rng)} latency_ms={rng.randint(1, 300)}")
    elif kind == "upstream":
        b.add(f'{ts} ERROR tp-gateway req={req} upstream timeout organisme="')
        b.entity(p.insurer, "FR_HEALTH_INSURER").add('" amc=').entity(p.amc, "FR_AMC")
        b.add(f" retry={rng.randint(1, 3)}")
    elif kind == "pec":
        b.add(f"{ts} INFO tp-gateway req={req} PEC accordée adherent=").entity(p.member_id, "FR_MUTUELLE_MEMBER_ID")
        b.add(' garanties="').entity(p.guarantees, "FR_HEALTH_GUARANTEE")
        b.add(f'" montant_rc={ids.amount(rng):.2f} facture={ids.invoice_number(rng)}')
    elif kind == "contact":
        b.add(f"{ts} INFO tp-gateway req={req} PUT /v1/beneficiaires/{rng.randint(10**6, 10**7)} status=204 ")
        b.add("payload={")
        _json_string(b, "email", p.email, "EMAIL_ADDRESS", first=True)
        _json_string(b, "telephone", ids.phone_written(p.phone, ids.phone_form(rng)), "PHONE_NUMBER")
        _json_string(b, "iban", ids.iban_written(p.iban, rng.random() < 0.5), "IBAN_CODE")
        b.add("}")
    elif kind == "structured":
        b.add("{")
        _json_string(b, "ts", ts, None, first=True)
        _json_string(b, "level", "INFO", None)
        _json_string(b, "msg", "droits consultés", None)
        _json_string(b, "trace_id", ids.trace_id(rng), None)
        _json_string(b, "nir", p.nir, "FR_NIR")
        _json_string(b, "organisme", p.insurer, "FR_HEALTH_INSURER")
        b.add(f',"facture":"{ids.invoice_number(rng)}","montant":{ids.amount(rng):.2f}}}')
    else:
        b.add(f"{ts} INFO tp-gateway GET /healthz status=200 duration_ms={rng.randint(1, 5)}")


def gateway_log(n_lines: int, seed: int = 0, *, people: int = 500) -> tuple[list[str], GroundTruth]:
    """``n_lines`` log lines (without newlines) about a pool of ``people`` beneficiaries, and their truth."""
    rng = random.Random(seed)
    factory = PersonFactory(seed)
    pool = [factory.person() for _ in range(max(1, min(people, n_lines)))]
    spans = SpanCollector()
    lines = []
    moment = START
    kinds = rng.choices(LINE_KINDS, LINE_WEIGHTS, k=n_lines)
    for row, kind in enumerate(kinds):
        moment += dt.timedelta(milliseconds=rng.randint(1, 4000))
        b = TextBuilder()
        _line(rng, b, kind, moment, rng.choice(pool))
        lines.append(b.text)
        spans.add(row, None, b.spans)
    return lines, spans.table()
