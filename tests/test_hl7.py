"""HL7 v2 messages: the names and dates of birth of their PID, NK1, PV1... segments, as files and logs hold them;
HPRIM Santé's patient records.

The messages follow the layout of HL7 v2.5 and IHE PAM France (ADT^A01 admission, ADT^A08 update, ORM order);
identities are Faker's, the NIR is python-stdnum's documentation example, the phone a libphonenumber example.
"""

from __future__ import annotations

import json

import pytest
from faker import Faker

from leakguard.detect.engine import DetectOptions
from leakguard.scan import scan_path
from recognizers import date_of_birth, nir, person
from recognizers.spec import fold

_FAKE = Faker("fr_FR")
_FAKE.seed_instance(20261204)


def _admission(family: str, given: str, mother: str, doctor: str, birth: str) -> str:
    """An ADT^A01 message, segments ``\\r``-separated as the standard writes them."""
    return "\r".join([
        "MSH|^~\\&|SIH|HOPITAL|LABO|LABO|20261204083000||ADT^A01^ADT_A01|MSG00001|P|2.5|||||FRA|8859/15|||",
        "EVN||20261204083000",
        f"PID|1||123456^^^HOPITAL^PI~295109912611193^^^ASIP-SANTE-INS-NIR&1.2.250.1.213.1.4.8&ISO^INS||"
        f"{family}^{given}^^^M.^^L||{birth}|M|||12 RUE DE LA PAIX^^PARIS^^75001^FRA^H||0142685300^PRN^PH",
        f"NK1|1|{mother}^{given}^^^MME|MTH",
        f"PV1|1|I|CARDIO^101^1|||||10003^{doctor}^ANNE^^^DR|",
        "OBX|1|NM|2345-7^GLUCOSE^LN||5.4|mmol/L|3.9-6.1|N|||F",
    ])


def _people(n: int) -> list[tuple[str, str, str, str, str]]:
    return [(_FAKE.last_name().upper(), _FAKE.first_name().upper(), _FAKE.last_name().upper(),
             _FAKE.last_name().upper(), _FAKE.date_of_birth(minimum_age=1, maximum_age=99).strftime("%Y%m%d"))
            for _ in range(n)]


def _findings(path) -> list[tuple[int, str, str]]:
    found = [item[1] for item in scan_path(str(path), options=DetectOptions(ner=False, show_values=True))
             if isinstance(item, tuple)]
    return sorted((row, entity, value) for table in found for row, entity, value in
                  zip(*(table[c].to_pylist() for c in ("row", "entity", "value"))))


@pytest.mark.parametrize("layout", ["hl7 file", "one segment per log line", "json log line"])
def test_the_names_and_birth_dates_of_a_message_are_found(layout: str, tmp_path) -> None:
    people = _people(4)
    messages = [_admission(*person_) for person_ in people]
    if layout == "hl7 file":
        path = tmp_path / "adt.hl7"
        path.write_bytes("\r".join(messages).encode("latin-1") + b"\r")
    elif layout == "one segment per log line":
        path = tmp_path / "interface.log"
        path.write_text("".join(f"2026-12-04 08:30:00,{n:03d} INFO [adt-in] {segment}\n" for n, message in
                                enumerate(messages) for segment in message.split("\r")), encoding="utf-8")
    else:
        path = tmp_path / "events.log"
        path.write_text("".join(json.dumps({"level": "info", "channel": "adt-in", "message": message}) + "\n"
                                for message in messages), encoding="utf-8")
    found = {(entity, value) for _, entity, value in _findings(path)}
    for family, given, mother, doctor, birth in people:
        assert {("PERSON", family), ("PERSON", given), ("PERSON", mother), ("PERSON", doctor),
                ("DATE_OF_BIRTH", birth)} <= found, (layout, family)
    assert ("FR_NIR", "295109912611193") in found
    assert not {value for entity, value in found if entity == "PERSON"} & {"GLUCOSE", "CARDIO", "HOPITAL", "PARIS"}


def _segment(name: str, fields: dict[int, str]) -> str:
    """A segment with ``fields`` (by number) and every other field empty."""
    return "|".join([name, *(fields.get(n, "") for n in range(1, max(fields) + 1))])


def test_an_ins_with_a_wrong_key_is_a_nir_by_the_oid_after_it() -> None:
    """IHE PAM France writes the INS in PID-3 with its OID after it; a test INS with a wrong key is still one."""
    segment = "PID|1||295109912611199^^^ASIP-SANTE-INS-NIR&1.2.250.1.213.1.4.8&ISO^INS||DUPONT^JEAN"
    assert [(segment[s:e], score) for s, e, score in nir.UNKEYED_SPEC.find(segment)] == [
        ("295109912611199", nir.UNKEYED_SCORE)]
    # the OID of another field or repetition says nothing of a number before it
    for before in ("PID|1|295109912611199|", "PID|1||295109912611199^^^HOP^PI~"):
        other = before + "123^^^ASIP-SANTE-INS-NIR&1.2.250.1.213.1.4.8&ISO^INS"
        assert list(nir.UNKEYED_SPEC.find(other)) == []


@pytest.mark.parametrize(("segment", "found"), [
    # the social-security number fields, where French systems write the NIR: its key may be wrong there
    (_segment("PID", {1: "1", 3: "05560^^^MED^PI", 5: "SOLO^PEDRO", 19: "154049903408390"}), ["154049903408390"]),
    (_segment("IN1", {1: "1", 2: "AMO", 16: "SOLO^PEDRO", 49: "1540499034083"}), ["1540499034083"]),  # no key
    (_segment("NK1", {1: "1", 2: "SOLO^ANA", 37: "254049903408312"}), ["254049903408312"]),
    (_segment("PID", {1: "1", 18: "154049903408390"}), []),  # the patient's account number
    (_segment("PID", {1: "1", 19: "987654321"}), []),  # a US SSN's nine digits: no NIR
    (_segment("OBX", {1: "1", 19: "154049903408390"}), []),  # no person's field
])
def test_a_nir_in_a_social_security_number_field_is_found_whatever_its_key(segment: str, found: list[str]) -> None:
    assert [segment[s:e] for s, e, _ in nir.HL7_SPEC.find(segment)] == found


def test_a_wrong_key_nir_in_pid_19_of_a_message_file_is_reported(tmp_path) -> None:
    path = tmp_path / "adt.hl7"
    pid = _segment("PID", {1: "1", 3: "05560^^^MED^PI", 5: "SOLO^PEDRO", 7: "19750419", 19: "154049903408390"})
    path.write_bytes(f"MSH|^~\\&|SIH|HOPITAL|||20261204||ADT^A01|1|P|2.5\r{pid}\r".encode("latin-1"))
    assert ("FR_NIR", "154049903408390") in {(entity, value) for _, entity, value in _findings(path)}


@pytest.mark.parametrize(("text", "names"), [
    # text fields keep their names; the codes of a segment framed as the name rules frame segments are none
    ("NTE|1||Appeler Mme Marie DURAND au retour", ["Marie DURAND"]),
    ("OBX|1|TX|COM^Commentaire||Vu avec le Dr Paul MOREAU||||||F", ["Paul MOREAU"]),
    ("ZFD|1|Jean DUPONT|O", ["Jean DUPONT"]),
    ("PID|1||123^^^H^PI||DUPONT^JEAN\rIN1|1|AMO|101|CPAM PARIS|15 RUE RIVOLI^^PARIS^^75001", ["DUPONT", "JEAN"]),
    ("2024-01-01 10:00:00 INFO recu: IN1|1|AMO|101|CPAM PARIS|15 RUE RIVOLI^^PARIS^^75001", []),
    ("PV1|1|I|CARDIO^101^A||||987654321^DURAND^Pierre^Dr^^^MD", ["DURAND", "Pierre"]),
])
def test_names_in_text_fields_are_kept_and_codes_are_none(text: str, names: list[str]) -> None:
    assert [text[s:e] for s, e, _ in person.find(text)] == names


@pytest.mark.parametrize(("segment", "names", "births"), [
    (_segment("IN1", {1: "1", 2: "MUT01", 3: "99999997", 4: "MGEN", 16: "DURAND^PAUL", 17: "01", 18: "19600101"}),
     ["DURAND", "PAUL"], ["19600101"]),  # the insured person of an insurance segment
    (_segment("GT1", {1: "1", 3: "MOREAU^CLAIRE", 8: "19710315"}), ["MOREAU", "CLAIRE"], ["19710315"]),
    ("PID|1||123456^^^HOP^PI||DUPONT^JEAN^PIERRE^^M.||19850512|M", ["DUPONT", "JEAN", "PIERRE"], ["19850512"]),
    ("PID|1||123456^^^HOP^PI||DUPONT^JEAN||198505121030|M", ["DUPONT", "JEAN"], ["19850512"]),  # with a time
    ('PID|1||123456^^^HOP^PI||""^""||""', [], []),  # HL7's null
    ("PID|1||123456^^^HOP^PI||X123^^^||20301312", [], []),  # a code, no date
    ("OBR|1|45^LAB||2345-7^GLUCOSE^LN|||20261204|||||||||10003^MOREAU^PAUL", ["MOREAU", "PAUL"], []),
    ("MSH|^~\\&|PID|PID|||20261204||ADT^A01|1|P|2.5", [], []),
    # a segment's codes and labels are no names; nor a prefix written where a second given name goes
    ("NK1|1|MARTIN^MARIE|SPO|15 RUE DE LA PAIX^^PARIS^^75001^FRA^H", ["MARTIN", "MARIE"], []),
    ("IN1|1|AMO|101|CPAM PARIS|15 RUE RIVOLI^^PARIS^^75001", [], []),
    ("MSH|^~\\&|SIH|HOPITAL|||20230607||ADT^A01^ADT_A01|344139|P|2.5|||AL|NE|FRA|UNICODE UTF-8", [], []),
    ("PV1|1|I|CARDIO^101^A||||987654321^DURAND^PIERRE^DR^^^MD", ["DURAND", "PIERRE"], []),
    # the staff of orders, results and documents (the ANS's example messages for the DMP and MSSanté)
    (_segment("ORC", {1: "SC", 9: "20261204", 10: "R854^NURSE^JANET^^^^^^^D", 11: "R855^MOREAU^PAUL"}),
     ["NURSE", "JANET", "MOREAU", "PAUL"], []),  # entered by, verified by
    (_segment("OBR", {1: "1", 10: "^UNDEUX^JO^^^^^^^D", 32: "L07&LABBIO&JULIE", 34: "T01&DURAND&ANNE"}),
     ["UNDEUX", "JO", "LABBIO", "JULIE", "DURAND", "ANNE"], []),  # collector; interpreter, technician (NDL)
    (_segment("OBX", {1: "1", 3: "MODIF_CONF_CODE^Modification Confidentiality Code", 11: "F",
                      16: "10003^BLANC^ERIC"}), ["BLANC", "ERIC"], []),  # responsible observer
    (_segment("PRT", {2: "UC", 4: "SB^^participation", 5: "10003^DIAZ^THIERRY^^^^^^ASIP-SANTE-PS&1.2&ISO^D"}),
     ["DIAZ", "THIERRY"], []),  # a participant
    (_segment("TXA", {1: "1", 2: "CR", 9: "10003^ROUX^ANNE", 22: "10004^PETIT^LUC"}),
     ["ROUX", "ANNE", "PETIT", "LUC"], []),  # originator, authentication person
    # HPRIM Santé's (ASTM E1394's) patient record: name, birth name, birth date, after a sequence number
    ("P|1|00209272||12411338|DURAND^PAUL^^^M^||19810508|M|||||", ["DURAND", "PAUL"], ["19810508"]),
    ("P|1|398|B1042100871||GAULLE~MARECHAL|PIT|19370325|F||28 RUE DE LA PAIX~~PARIS~~75000", ["GAULLE", "MARECHAL",
                                                                                              "PIT"], ["19370325"]),
    ("P|X|398|B1042100871||GAULLE|PIT|19370325|F", [], []),  # no sequence number: no patient record
    ("P|1|12|Paris|75001|Rue de la Paix|Bat A|20240312|1", [], []),  # a table's row with pipes: no components
    ("P|1|0001|20240312|PHARMACIE|DOLIPRANE 1000|CPR|20240312|2.18", [], []),
])
def test_fields_and_components(segment: str, names: list[str], births: list[str]) -> None:
    assert [segment[s:e] for s, e, _ in person.find(segment) if segment[s:e].isupper()] == names
    assert [segment[s:e] for s, e, _ in date_of_birth.find_dates(segment, fold(segment), False)] == births
