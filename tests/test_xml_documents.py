"""XML documents: names and dates of birth in elements named for them, as health documents and exports hold them.

The layouts follow HL7 CDA R2 (the French DMP's documents: ``recordTarget/patientRole/patient/name`` with
``given`` and ``family``, ``birthTime``), HL7 FHIR R4's XML form (``<family value="…"/>``, ``<birthDate
value="…"/>``) and a French XML export (``<nom>``, ``<prenom>``, ``<dateNaissance>``); identities are Faker's,
the NIR python-stdnum's documentation example.
"""

from __future__ import annotations

import functools

import pytest
from faker import Faker

from leakguard.detect.engine import DetectOptions
from leakguard.scan import scan_path

_FAKE = Faker("fr_FR")
_FAKE.seed_instance(20261204)


def _cda(given: str, family: str, birth: str, author: str, time: str = "") -> str:
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<ClinicalDocument xmlns="urn:hl7-org:v3">
  <effectiveTime value="20261204101500+0100"/>
  <recordTarget>
    <patientRole>
      <id root="1.2.250.1.213.1.4.8" extension="295109912611193" assigningAuthorityName="INS-NIR"/>
      <patient>
        <name><given>{given}</given><family qualifier="BR">{family.upper()}</family></name>
        <administrativeGenderCode code="F" codeSystem="2.16.840.1.113883.5.1"/>
        <birthTime value="{birth.replace("-", "")}{time}"/>
      </patient>
    </patientRole>
  </recordTarget>
  <author><time value="20261204"/><assignedAuthor><assignedPerson>
    <name><prefix>Dr</prefix><given>Anne</given><family>{author.upper()}</family></name>
  </assignedPerson></assignedAuthor></author>
</ClinicalDocument>
"""


def _fhir(given: str, family: str, birth: str, author: str) -> str:
    return f"""<Patient xmlns="http://hl7.org/fhir">
  <name><use value="official"/><family value="{family}"/><given value="{given}"/></name>
  <gender value="female"/>
  <birthDate value="{birth}"/>
  <generalPractitioner><display value="Dr {author}"/></generalPractitioner>
</Patient>
"""


def _export(given: str, family: str, birth: str, author: str) -> str:
    day = "/".join(reversed(birth.split("-")))
    return f"""<beneficiaires>
  <beneficiaire><nom>{family.lower()}</nom><prenom>{given.lower()}</prenom><dateNaissance>{day}</dateNaissance>
    <medecinTraitant>{author}</medecinTraitant><organisme><nom>Harmonie Mutuelle</nom></organisme>
    <contact>Accueil</contact></beneficiaire>
</beneficiaires>
"""


def _findings(path) -> set[tuple[str, str]]:
    found = [item[1] for item in scan_path(str(path), options=DetectOptions(ner=False, show_values=True))
             if isinstance(item, tuple)]
    return {(entity, value) for table in found for entity, value in
            zip(table["entity"].to_pylist(), table["value"].to_pylist())}


@pytest.mark.parametrize("document", [_cda, functools.partial(_cda, time="083000+0100"), _fhir, _export],
                         ids=["cda", "cda, birth time with its hour", "fhir", "export"])
def test_the_names_and_birth_date_of_a_document_are_found(document, tmp_path) -> None:
    given, family, author = _FAKE.first_name_female(), _FAKE.last_name(), _FAKE.last_name()
    birth = _FAKE.date_of_birth(minimum_age=1, maximum_age=99).isoformat()
    path = tmp_path / "document.xml"
    text = document(given, family, birth, author)
    path.write_text(text, encoding="utf-8")
    found = _findings(path)
    persons = {value for entity, value in found if entity == "PERSON"}
    births = {value for entity, value in found if entity == "DATE_OF_BIRTH"}
    written_family = next(f for f in (family.upper(), family.lower(), family) if f in text)
    assert {next(g for g in (given, given.lower()) if g in text), written_family} <= persons
    assert any(author in value or author.upper() in value for value in persons)
    assert len(births) == 1 and births <= {birth, birth.replace("-", ""), "/".join(reversed(birth.split("-")))}
    assert not persons & {"Harmonie Mutuelle", "Accueil", "official", "female"}


#: What else a DMP document names, as the ANS's example documents write it: an organisation, an address, the
#: software, a code system in a start tag over several lines, a product; none of them a person.
_THINGS = """  <custodian><assignedCustodian><representedCustodianOrganization>
    <name>Clinique du Belvédère</name>
    <addr><streetName>Avenue de Breteuil</streetName><city>PARIS</city></addr>
  </representedCustodianOrganization></assignedCustodian></custodian>
  <authoringDevice><softwareName>Logiciel Dossier Patient</softwareName></authoringDevice>
  <code code="11502-2"
        codeSystem="2.16.840.1.113883.6.1"
        codeSystemName="LOINC"
        displayName="Compte rendu de laboratoire"/>
  <manufacturedMaterial><name>Paracétamol</name></manufacturedMaterial>
</ClinicalDocument>
"""


def test_the_things_a_document_names_are_not_people(tmp_path) -> None:
    given, family, author = _FAKE.first_name_female(), _FAKE.last_name(), _FAKE.last_name()
    text = _cda(given, family, "1985-05-12", author).replace("</ClinicalDocument>\n", _THINGS)
    path = tmp_path / "document.xml"
    path.write_text(text, encoding="utf-8")
    persons = {value for entity, value in _findings(path) if entity == "PERSON"}
    assert persons == {given, family.upper(), "Anne", author.upper()}


@pytest.mark.parametrize(("number", "score"), [("295109912611193", 1.0), ("295109912611199", 0.55)])
@pytest.mark.parametrize("oid", ["1.2.250.1.213.1.4.8", "1.2.250.1.213.1.4.10"])
def test_an_ins_is_a_nir_by_the_oid_after_it_whatever_else_the_document_numbers(tmp_path, number, score, oid) -> None:
    """The ANS's example documents write ``<id extension="…" root="…"/>``, the INS's OID after its number;
    another 15-digit identifier further down once made the file's NIR decision drop it."""
    other = "123456789012345"
    text = (f'<ClinicalDocument>\n  <patientRole>\n    <id extension="{number}" root="{oid}"/>\n  </patientRole>\n'
            f'  <legalAuthenticator><id extension="{other}" root="1.2.3"/></legalAuthenticator>\n</ClinicalDocument>\n')
    path = tmp_path / "document.xml"
    path.write_text(text, encoding="utf-8")
    found = [item[1] for item in scan_path(str(path), options=DetectOptions(ner=False, show_values=True))
             if isinstance(item, tuple)]
    nirs = {(value, s) for table in found for entity, value, s in
            zip(table["entity"].to_pylist(), table["value"].to_pylist(), table["score"].to_pylist())
            if entity == "FR_NIR"}
    assert nirs == {(number, score)}


@pytest.mark.parametrize("row", [
    "<tr>\n  <td>Date de naissance</td>\n  <td>31/05/1989</td>\n</tr>\n",  # a cell per line, as the ANS writes it
    "<tr><th>Date de naissance</th><td><content>31/05/1989</content></td></tr>\n",
])
def test_a_date_in_the_cell_after_a_birth_label_of_a_narrative_table_is_a_birth_date(tmp_path, row: str) -> None:
    path = tmp_path / "document.xml"
    path.write_text("<section><text><table><tbody>\n" + row + "<tr><td>Date de l'examen</td><td>12/04/2026</td>"
                    "</tr>\n</tbody></table></text></section>\n", encoding="utf-8")
    assert {(entity, value) for entity, value in _findings(path)} == {("DATE_OF_BIRTH", "31/05/1989")}
