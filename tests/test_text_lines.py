"""Text files read line by line, with what the lines above say: section headers, keys, the previous line."""

from __future__ import annotations

import json
import re
from collections.abc import Callable

import pyarrow as pa
import pytest

from leakguard.detect.engine import DetectOptions
from leakguard.scan import scan_path
from leakguard.sources.base import Problem
from leakguard.sources.linecontext import LABEL_REACH, LineContext
from tests.strategies import make_nir


def _findings(path, batch_rows: int = 65_536) -> set[tuple[int, str, str]]:
    out = set()
    lines = path.read_text(encoding="utf-8").split("\n")
    for item in scan_path(str(path), options=DetectOptions(ner=False, min_score=0.5), batch_rows=batch_rows):
        if isinstance(item, Problem):
            continue
        _, found = item
        for row, start, end, entity in zip(*(found[c].to_pylist() for c in ("row", "start", "end", "entity"))):
            out.add((row, entity, lines[row][start:end]))
    return out


@pytest.fixture
def export(tmp_path):
    """An INI-like export of one beneficiary: sections, keys, values on the line after their label."""
    number = make_nir("1", 85, 5, "78006", 84)
    text = (
        "[AMC]\n"
        "Mutuelle=99999997\n"
        "\n"
        "[Assure]\n"
        "Nom=DUPONT\n"
        f"NIR={number[:13]}\n"
        "Date de naissance :\n"
        "12/05/1985\n"
        "Facture : 12/05/2023\n"
        "Tel=06 12 34 56 78\n"
    )
    path = tmp_path / "export.ini"
    path.write_text(text, encoding="utf-8")
    return path, number


def test_keys_sections_and_labels_on_the_line_above_give_context(export) -> None:
    path, number = export
    assert _findings(path) == {
        (1, "FR_AMC", "99999997"),  # an 8-digit number is an AMC number only under [AMC]
        (4, "PERSON", "DUPONT"),
        (5, "FR_NIR", number[:13]),
        (7, "DATE_OF_BIRTH", "12/05/1985"),  # "Date de naissance :" on the line above
        (9, "PHONE_NUMBER", "06 12 34 56 78"),
    }


def test_the_context_of_a_line_does_not_depend_on_where_chunks_are_cut(export) -> None:
    path, _ = export
    assert _findings(path, batch_rows=1) == _findings(path)


def test_a_blank_line_ends_the_block_but_not_the_section() -> None:
    context = LineContext()
    first = context.of(pa.array(["[AMC]", "Mutuelle=1", ""]))
    second = context.of(pa.array(["Code=2"]))
    assert first.to_pylist() == [None, "AMC\n\n[AMC]", "AMC\n\nMutuelle=1"]  # header, label (none), line above
    assert second.to_pylist() == ["AMC\n\n"]


def test_a_label_names_the_lines_of_its_block_up_to_its_reach() -> None:
    lines = ["Invalid NIRs", "- 2230 // too short", "- 2231 // wrong key", "", "après le bloc"]
    context = LineContext().of(pa.array([*lines, *(f"ligne {i}" for i in range(LABEL_REACH + 2))]))
    assert context.to_pylist()[:5] == [None, "\n\nInvalid NIRs", "\nInvalid NIRs\n- 2230 // too short",
                                       "\nInvalid NIRs\n- 2231 // wrong key", None]
    # "après le bloc" opens the next block: it labels the lines below it, as far as its reach
    assert [c.split("\n")[1] for c in context.to_pylist()[6:]] == ["après le bloc"] * (LABEL_REACH - 1) + [""] * 2


@pytest.mark.parametrize("head", [["}", "nss.csv:"], ["", "Numéros de sécurité sociale"], ["Invalid NIRs"]])
def test_wrong_key_nirs_listed_under_a_nir_label_are_found_and_not_without_it(tmp_path, head: list[str]) -> None:
    """Validators' test lists: the label of the block (its first line, or a key alone) says what every item
    is, not only the first; the same items in the next block, without it, are nothing."""
    numbers = [make_nir("2", 55, 8, "14168", 25), make_nir("1", 86, 12, "91471", 27), make_nir("2", 38, 7, "78018", 8)]
    wrong = [n[:13] + f"{(int(n[13:]) + 7) % 100:02d}" for n in numbers]
    items = ["- 2230 // too short", *(f"- {n} // incorrect control key" for n in wrong), f"- {numbers[0][:13]}"]
    path = tmp_path / "vectors.txt"
    path.write_text("\n".join([*head, *items, "", *items]) + "\n", encoding="utf-8")
    found = {(row, value) for row, entity, value in _findings(path) if entity == "FR_NIR"}
    assert found == {(row, value) for row, value in enumerate([*wrong, numbers[0][:13]], start=len(head) + 1)}


@pytest.mark.parametrize(("lines", "expected"), [
    # a setter's name is its argument's key, for every entity
    (["$pm1->setNumeroAdherent('ALL-12345');", "$pm1->setDateDebutValidite(new \\DateTime('2024-01-01'));"],
     {("FR_MUTUELLE_MEMBER_ID", "ALL-12345")}),
    (['$p->setNom("Durand")', '  ->setNumSecuSociale("1850575123456")', '  ->setNumTel("0623456789");'],
     {("PERSON", "Durand"), ("FR_NIR", "1850575123456"), ("PHONE_NUMBER", "0623456789")}),
    (['    amc.setCodeAmc("77563212");'], {("FR_AMC", "77563212")}),
    (["$u->setNom('Durand')", "    ->setDateNaissance(new \\DateTimeImmutable('1979-05-17'))"],
     {("PERSON", "Durand"), ("DATE_OF_BIRTH", "1979-05-17")}),  # the value wrapped in a constructor
    (["$pm->setCreatedAt(new \\DateTime('2024-01-01'))->setNumeroAdherent('ALL-12345');"],
     {("FR_MUTUELLE_MEMBER_ID", "ALL-12345")}),  # a plain setter after a wrapped one
    # a table of mutuelles: their names under "nom" are no people's
    (["INSERT INTO organisme (id, nom, siren) VALUES (1, 'ENTRENOUS Mutuelle', '309244648');",
      "INSERT INTO organisme (id, nom, siren) VALUES (2, 'MUTUALIA ALLIANCE SANTE', '403596265');"],
     {("FR_HEALTH_INSURER", "MUTUALIA")}),
    (['    font.setFamily("Helvetica");', '    label.setText("Martin");'], set()),
    # under a name key, an insurer's name and its expansion in brackets are the insurer's
    (['  "nom": "MGEN (Mutuelle Générale de l\'Éducation Nationale)",'],
     {("FR_HEALTH_INSURER", "MGEN"), ("FR_HEALTH_INSURER", "Mutuelle Générale de l'Éducation Nationale")}),
    (['  "nom": "Dupont (Marie)",'], {("PERSON", "Dupont"), ("PERSON", "Marie")}),
    (['  "nom": "MGEN (Girard)",'], {("PERSON", "MGEN (Girard)")}),  # a person beside an insurer, as before
    # a role's column named after a thing keeps its person's hint
    (["chef_projet_nom;chef_projet_prenom;budget", "Lemoine;Hélène;1200"],
     {("PERSON", "Lemoine"), ("PERSON", "Hélène")}),
    # a clause of prose as long as a column name is no header
    (["Nous avons bien reçu le formulaire avec le nom et le prénom du bénéficiaire, sa date de naissance, son numéro",
      "Cordialement, Service Gestion, Harmonie Mutuelle"], {("FR_HEALTH_INSURER", "Harmonie Mutuelle")}),
    # a thing's name and a yes-or-no answer under a name key are no names
    (["date,ferie,nom_jour_ferie", "1950-05-18,True,Ascension", "1950-05-29,True,Lundi de Pentecôte"], set()),
    (["<ec:DivergenceNom>false</ec:DivergenceNom>"], set()),
    # an export's header with a long camel-case column name, its fields padded with spaces
    (["SPI          ,nomDeNaissance,prenom   ,paiementsIndemnitesJournalieresVersesParAssuranceMaladie",
      "3999999887218,DUPONT        ,STEPHANE ,12568"], {("PERSON", "DUPONT"), ("PERSON", "STEPHANE")}),
    # a birth year under a key that names it in one word
    (["<ARTISTE>", "  <ANNEENAISS>1954</ANNEENAISS>", "</ARTISTE>"], {("DATE_OF_BIRTH", "1954")}),
    # hospital systems' glued column names: NOMPAT, PRENOMPAT (not NOMPATHO, a pathology's name)
    (["IPP;NOMPAT;PRENOMPAT;NOMPATHO", "0000000283;Sardou;Michelle;Asthme"],
     {("PERSON", "Sardou"), ("PERSON", "Michelle")}),
    (["NOMASSURE;PRENOMASSURE;NOMMEDECIN", "Sardou;Michelle;Durand"],
     {("PERSON", "Sardou"), ("PERSON", "Michelle"), ("PERSON", "Durand")}),
])
def test_setters_insurers_in_brackets_and_things_under_name_keys(tmp_path, lines: list[str], expected: set) -> None:
    path = tmp_path / "fixture.txt"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert {(entity, text) for _, entity, text in _findings(path)} == expected


@pytest.mark.parametrize("layout", ["{n}", "| {i} | {n} | {verdict} |", "        ('{n}', {verdict}),"])
def test_a_validator_s_few_vectors_keep_their_valid_nirs_among_wrong_keys(tmp_path, layout: str) -> None:
    """A short test table: two valid NIRs among five wrong keys, no NIR word on their lines."""
    valid = [make_nir("1", 84, 2, "75123", 456), make_nir("2", 91, 2, "56012", 345)]
    wrong = [n[:13] + f"{(int(n[13:]) + 1) % 100:02d}" for n in (make_nir("1", 80, 12, "31234", 567),
             make_nir("2", 55, 12, "99123", 457), make_nir("2", 10, 1, "21101", 3), make_nir("1", 84, 2, "75123", 456),
             make_nir("2", 71, 6, "44109", 12))]
    lines = [layout.format(i=i, n=n, verdict=n in valid) for i, n in enumerate(valid + wrong)]
    path = tmp_path / "vectors.txt"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert {text for _, entity, text in _findings(path) if entity == "FR_NIR"} == set(valid)


def test_an_invoice_date_under_a_birth_date_label_of_another_block_is_not_a_birth_date(tmp_path) -> None:
    path = tmp_path / "note.txt"
    path.write_text("Date de naissance :\n\nFacture du 12/05/2023\n", encoding="utf-8")
    assert _findings(path) == set()


def percent_cases() -> list[tuple[str, str, str]]:
    """(entity, value, how the value is written in a URL) for generated identifiers."""
    import random
    from urllib.parse import quote, quote_plus

    from faker import Faker

    from synthetic import identifiers

    rng, fake = random.Random(11), Faker("fr_FR")
    fake.seed_instance(11)
    email, nir = fake.free_email(), identifiers.nir(rng)
    phone = identifiers.phone_written(identifiers.phone(rng), "spaced")
    return [
        ("EMAIL_ADDRESS", email, f"email={quote_plus(email)}"),  # jean%40free.fr
        ("PHONE_NUMBER", phone, f"tel={quote_plus(phone)}"),  # 06+12+34+56+78, as forms send it
        ("PHONE_NUMBER", phone, f"tel={quote(phone)}"),  # 06%2012%2034%2056%2078
        ("FR_NIR", nir, f"path={quote('/assures/' + nir, safe='')}"),  # %2F glued to the digits
        ("EMAIL_ADDRESS", email, f"next={quote_plus('/profil?email=' + email)}"),  # a URL in a URL
        # a URL already encoded, in a URL: encoded twice (jean%2540free.fr, 06%252012%252034...)
        ("EMAIL_ADDRESS", email, f"next={quote_plus('/profil?email=' + quote_plus(email))}"),
        ("PHONE_NUMBER", phone, f"redirect={quote('/rappel?tel=' + quote(phone, safe=''), safe='')}"),
    ]


@pytest.mark.parametrize("entity, value, query", percent_cases())
def test_identifiers_percent_encoded_in_an_access_log_are_found_where_written(tmp_path, entity, value, query):
    from urllib.parse import unquote

    line = (f'192.0.2.7 - - [10/Oct/2024:13:55:36 +0200] "GET /api/recherche?{query}&page=2 HTTP/1.1" 200 512 '
            f'"https://extranet.example/" "Mozilla/5.0 (X11; Linux x86_64)"')
    path = tmp_path / "access.log"
    path.write_text(f"{line}\n", encoding="utf-8")
    written = query.split("=", 1)[1]
    if written.startswith("%2F"):
        written = written.rsplit("%2F", 1)[1]
    found = _findings(path)
    assert {(row, e) for row, e, _ in found} == {(0, entity)}
    (_, _, text), = found
    decoded = unquote(unquote(text))
    assert text in written and value.replace(" ", "") in decoded.replace("+", "").replace(" ", "")


#: Names with letters that JSON escapes under ``ensure_ascii`` (json.dumps' default, Jackson's ESCAPE_NON_ASCII).
ESCAPED_NAMES = {"nom": "Lefèvre", "prenom": "Hélène", "commentaire": "Mme Françoise LEFÈVRE appelle",
                 "contact": "appel de Mme Zoë MÜLLER 😀"}


def json_log_line(payload: dict[str, str]) -> str:
    """A syslog line whose JSON payload escapes every non-ASCII character, as json.dumps writes it."""
    return f"Mar  1 10:00:02 app01 crm[4242]: {json.dumps(payload)}"


def test_names_in_a_json_log_payload_with_unicode_escapes_are_found_whole(tmp_path):
    path = tmp_path / "app.log"
    path.write_text(json_log_line(ESCAPED_NAMES) + "\n", encoding="utf-8")
    found = {json.loads(f'"{text}"') for _, entity, text in _findings(path) if entity == "PERSON"}
    assert found == {"Lefèvre", "Hélène", "Françoise LEFÈVRE", "Zoë MÜLLER"}  # not "Lef", "H", "Fran"


def test_a_nir_between_terminal_colour_codes_is_found_on_its_digits(tmp_path):
    import random

    from faker import Faker

    from synthetic import identifiers

    fake = Faker("fr_FR")
    fake.seed_instance(5)
    nir, email = identifiers.nir(random.Random(5)), fake.free_email()
    line = (f"2026-12-02 01:00:00 \x1b[32mINFO\x1b[0m tiers-payant: assuré nir=\x1b[1m{nir}\x1b[0m "
            f"email=\x1b[36m{email}\x1b[0m")
    path = tmp_path / "app.log"
    path.write_text(f"{line}\n", encoding="utf-8")
    found = {entity: text for _, entity, text in _findings(path)}
    assert found["FR_NIR"] == nir  # the "m" of ESC[1m glued to the digits hid it
    assert found["EMAIL_ADDRESS"] == email  # not "36m" + email: the "36m" of ESC[36m is no part of it


def test_pseudonymising_a_coloured_log_keeps_every_colour_code_byte_for_byte(tmp_path):
    import random

    from faker import Faker

    from leakguard import pseudonymise_file
    from leakguard.pseudonymise.operators import TokenOperator
    from synthetic import identifiers
    from tests.test_pseudonymise_tables import KEY

    fake = Faker("fr_FR")
    fake.seed_instance(6)
    rng = random.Random(6)
    lines, tokens = [], []
    for colour in ("1", "36", "1;31", "38;5;208"):
        nir, email = identifiers.nir(rng), fake.free_email()
        lines.append(f"\x1b[32mINFO\x1b[0m assuré nir=\x1b[{colour}m{nir}\x1b[0m email=\x1b[{colour}m{email}\x1b[0m")
        tokens.append((TokenOperator("FR_NIR", KEY).apply_one(nir),
                       TokenOperator("EMAIL_ADDRESS", KEY).apply_one(email)))
    path = tmp_path / "app.log"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    pseudonymise_file(path, tmp_path / "out.log", KEY, ner=False)
    expected = [line.split(" nir=")[0] + f" nir=\x1b[{colour}m{nir}\x1b[0m email=\x1b[{colour}m{email}\x1b[0m"
                for line, colour, (nir, email) in zip(lines, ("1", "36", "1;31", "38;5;208"), tokens)]
    assert (tmp_path / "out.log").read_text(encoding="utf-8") == "\n".join(expected) + "\n"


@pytest.mark.parametrize("name", ["Harmonie Mutuelle", "MGEN", "Malakoff Humanis", "Mutuelle Générale"])
@pytest.mark.parametrize("key", ["Nom=", "Nom : ", "nom: "])
def test_the_name_of_an_insurer_s_block_is_the_insurer_not_a_person(tmp_path, key: str, name: str) -> None:
    path = tmp_path / "carte.ini"
    path.write_text(f"[AMC]\nMutuelle=99999997\n{key}{name}\n\n[Assure]\n{key}DUPONT\n", encoding="utf-8")
    found = _findings(path)
    assert (2, "FR_HEALTH_INSURER", name) in found
    assert not any(row == 2 and entity == "PERSON" for row, entity, _ in found)
    assert (5, "PERSON", "DUPONT") in found


@pytest.mark.parametrize(("text", "expected"), [
    # a YAML sequence of given names, as API test data write a call's parameters
    ("params:\n  nomNaissance: 'DURAND'\n  prenoms:\n    - 'JEAN'\n    - 'MICHEL'\n  anneeDateNaissance: 2006\n",
     {(1, "PERSON", "DURAND"), (3, "PERSON", "JEAN"), (4, "PERSON", "MICHEL"), (5, "DATE_OF_BIRTH", "2006")}),
    ("Prénoms :\n- Anne\n- Marie-Claire\n\nTraitement :\n- Kardegic\n", {(1, "PERSON", "Anne"),
                                                                          (2, "PERSON", "Marie-Claire")}),
    ("Traitements :\n- Doliprane\n- Kardegic\n", set()),  # a key that names no person
    ("Noms :\n- N'DIAYE\n- DUPONT\n- O'Brien\n", {(1, "PERSON", "N'DIAYE"), (2, "PERSON", "DUPONT"),
                                                (3, "PERSON", "O'Brien")}),  # a quote inside a name
    ("Nom des médicaments :\n- Doliprane\n- Kardegic\n", set()),  # the name of things
    ("Mutuelle :\n- Oui\n- Non\n- Ne sait pas\n", set()),  # a form's answers
    ("Prénom : Anne\n- Doliprane\n- Kardegic\n", {(0, "PERSON", "Anne")}),  # the list is not below a key alone
    # a form's next field below a key alone, and an address's street under its "nom": no names
    ("NOM :\n(en majuscule)\nPrénoms :\nN° du candidat\n(le numéro de la convocation)\n", set()),
    ("adresse: {\n  commune: 'Rennes',\n  nom: 'de la Mayenne',\n  numero: '3',\n  type: 'rue'\n}\n", set()),
])
def test_the_items_of_a_list_below_a_key_alone_are_values_of_that_key(tmp_path, text: str, expected: set) -> None:
    path = tmp_path / "params.yaml.txt"
    path.write_text(text, encoding="utf-8")
    assert set(_findings(path)) == expected


@pytest.mark.parametrize(("line", "expected"), [
    ('    "codesAMC": ["442224671", "775685399"],', {("FR_AMC", "442224671"), ("FR_AMC", "775685399")}),
    ('  "prenoms": ["JEAN", "MICHEL"],', {("PERSON", "JEAN"), ("PERSON", "MICHEL")}),  # as API answers give them
    ('  "dates_naissance": ["1985-05-12", "2010-02-03"]', {("DATE_OF_BIRTH", "1985-05-12"),
                                                           ("DATE_OF_BIRTH", "2010-02-03")}),
    ('  "tags": ["Harmonie", "Marie"],', set()),  # a key that names nothing
])
def test_the_items_of_a_json_array_on_one_line_are_values_of_its_key(tmp_path, line: str, expected: set) -> None:
    path = tmp_path / "answer.json.txt"
    path.write_text(f"{{\n{line}\n  \"statut\": \"ok\"\n}}\n", encoding="utf-8")
    assert {(entity, text) for _, entity, text in _findings(path)} == expected


@pytest.mark.parametrize(("line", "expected"), [
    # an object literal's members: the quotes and the comma are no part of the value
    ("    lastName: 'Durand',", {("PERSON", "Durand")}),
    ('    prenom: "Élise",', {("PERSON", "Élise")}),
    # a field's own name, or a mock-up's filler, where the value goes: no name
    ("    firstName: 'prénom',", set()),
    ("    userName: 'userName',", set()),
    ("    'nom' => 'Lorem ipsum dolor sit amet',", set()),
])
def test_a_quoted_member_s_value_is_read_without_its_quotes(tmp_path, line: str, expected: set) -> None:
    path = tmp_path / "mock.ts.txt"
    path.write_text(f"const patient = {{\n{line}\n}}\n", encoding="utf-8")
    assert {(entity, text) for _, entity, text in _findings(path)} == expected


@pytest.mark.parametrize("line", [
    '        "date_debut_contrat": "2024-09-01",',  # a contract's dates after its context word
    "Contrat n° 7845123, date de fin de contrat : 30/06/2025",
    '        "date_debut_contrat": "2024-09-01 00:00:00",',  # with its time
])
def test_a_contract_s_dates_are_no_member_numbers(tmp_path, line: str) -> None:
    path = tmp_path / "export.txt"
    path.write_text(f"{{\n{line}\n}}\n", encoding="utf-8")
    assert [text for _, entity, text in _findings(path) if entity == "FR_MUTUELLE_MEMBER_ID"] == (
        ["7845123"] if "n°" in line else [])


@pytest.mark.parametrize("heading", [
    "Mutuelle senior : les meilleurs et les pires contrats en 2025, notre comparatif",
    "Complémentaire santé : comment bien choisir sa formule quand on part à la retraite",
])
def test_a_heading_whose_key_names_insurers_is_no_insurer(tmp_path, heading: str) -> None:
    path = tmp_path / "article.txt"
    path.write_text(f"Enquête\n{heading}\nPrix, remboursement, garanties.\n", encoding="utf-8")
    assert not any(entity == "FR_HEALTH_INSURER" for _, entity, _ in _findings(path))


def _alone(rows: list[int], entity: str, score: float) -> pa.Table:
    """Findings of lines read alone, as the detector passes them to the lines-above pass."""
    return pa.table({"row": pa.array(rows, pa.int64()), "entity": [entity] * len(rows),
                     "score": pa.array([score] * len(rows), pa.float64())})


@pytest.mark.parametrize(("line", "alone", "explained"), [
    ("2026-02-01 INFO nir={nir} amc=99999997", _alone([0], "FR_NIR", 1.0), True),  # nir= and the NIR found with it
    ("2026-02-01 INFO fournir le {nir}", _alone([0], "FR_NIR", 1.0), False),  # "nir" inside a word is no NIR word
    ("2026-02-01 INFO nir={nir} amc=99999997", _alone([0], "FR_NIR", 0.85), False),  # found without its context
    ("2026-02-01 INFO nir={nir} amc=99999997", _alone([0], "EMAIL_ADDRESS", 1.0), False),  # another entity found
    ("2026-02-01 INFO order={nir}", _alone([0], "FR_NIR", 1.0), False),  # no NIR word in the line itself
])
def test_a_line_that_explains_itself_is_not_read_again_with_the_lines_above(line, alone, explained) -> None:
    from leakguard.detect.textlines import _explained
    from recognizers import nir

    lines = pa.array([line.format(nir=make_nir("1", 85, 5, "78006", 84))])
    assert _explained(nir.SPEC, lines, pa.array([0], pa.int64()), alone).to_pylist() == [explained]


def test_a_line_whose_context_word_follows_its_value_still_reads_the_lines_above(tmp_path) -> None:
    number = make_nir("2", 71, 11, "75112", 7)
    path = tmp_path / "rejets.log"
    path.write_text("Numéro de sécurité sociale de l'assuré :\n"
                    f"{number[:13]} 00 (clé fausse, cf. NIR du bénéficiaire)\n", encoding="utf-8")
    # the NIR word of the line comes after the number: the line alone does not report it, the label above does
    assert (1, "FR_NIR", f"{number[:13]} 00") in _findings(path)


def test_a_date_on_the_line_under_a_name_is_a_date_of_birth(tmp_path) -> None:
    path = tmp_path / "etiquette.txt"
    path.write_text("Mme FAURE Lucie\n03 04 1957\nService de cardiologie, entrée le 12/05/2023\n", encoding="utf-8")
    assert _findings(path) == {(0, "PERSON", "FAURE Lucie"), (1, "DATE_OF_BIRTH", "03 04 1957")}


#: one beneficiary as exports write it, with values no line alone would report (an 8-digit AMC number, a name
#: without a title, a birth date without a birth word)
BENEFICIARY = {"nom": "DUPONT", "prenom": "Hélène", "date_naissance": "1985-05-12", "num_amc": "99999997",
               "organisme": "Harmonie Mutuelle", "code_postal": "75012", "observations": "RAS"}
EXPECTED = {("nom", "PERSON"), ("prenom", "PERSON"), ("date_naissance", "DATE_OF_BIRTH"), ("num_amc", "FR_AMC"),
            ("organisme", "FR_HEALTH_INSURER")}


_KEY = re.compile(r'\s*(?:"|<)(\w+)(?:"|\s)')


def _pretty_json(record: dict[str, str]) -> str:
    return json.dumps({"beneficiaires": [record]}, indent=2, ensure_ascii=False) + "\n"


def _xml(record: dict[str, str]) -> str:
    elements = "".join(f'    <{key} type="texte">{value}</{key}>\n' for key, value in record.items())
    return f'<?xml version="1.0" encoding="UTF-8"?>\n<beneficiaires>\n  <beneficiaire>\n{elements}' \
           "  </beneficiaire>\n</beneficiaires>\n"


@pytest.mark.parametrize(("suffix", "write"), [(".json", _pretty_json), (".xml", _xml)])
def test_members_of_pretty_json_and_xml_elements_are_key_value_lines(tmp_path, suffix, write) -> None:
    path = tmp_path / f"export{suffix}"
    path.write_text(write(BENEFICIARY), encoding="utf-8")
    lines = path.read_text(encoding="utf-8").split("\n")
    keys = {row: match.group(1) for row, line in enumerate(lines) if (match := _KEY.match(line))}
    found = _findings(path)
    assert {(keys[row], entity) for row, entity, _ in found} == EXPECTED
    assert all(text == BENEFICIARY[keys[row]] for row, _, text in found)  # each finding is the whole value


#: the labels a form gives the fields of BENEFICIARY
LABELS = {"nom": "Nom", "prenom": "Prénom", "date_naissance": "Date de naissance", "num_amc": "N° AMC",
          "organisme": "Organisme complémentaire", "code_postal": "Code postal", "observations": "Observations"}


def _form_text(record: dict[str, str]) -> str:
    """A filled form as PDF text extraction gives it: each label on a line, its value on the next."""
    return "FORMULAIRE DE PRISE EN CHARGE\n" + "".join(f"{LABELS[key]} :\n{value}\n" for key, value in record.items())


def _xml_text_below(record: dict[str, str]) -> str:
    """An XML export whose serialiser writes each element's text on a line of its own."""
    elements = "".join(f'    <{key} type="texte">\n      {value}\n    </{key}>\n' for key, value in record.items())
    return f"<beneficiaires>\n  <beneficiaire>\n{elements}  </beneficiaire>\n</beneficiaires>\n"


@pytest.mark.parametrize(("suffix", "write", "key_of"), [
    (".txt", _form_text, {label: key for key, label in LABELS.items()}.get),
    (".xml", _xml_text_below, lambda line: _KEY.match(line).group(1)),
])
def test_a_value_on_the_line_below_its_key_alone_is_read_under_the_key(tmp_path, suffix, write, key_of) -> None:
    path = tmp_path / f"export{suffix}"
    path.write_text(write(BENEFICIARY), encoding="utf-8")
    lines = path.read_text(encoding="utf-8").split("\n")
    found = _findings(path)
    keys = {row: key_of(lines[row - 1].rstrip(" :")) for row, _, _ in found}
    assert {(keys[row], entity) for row, entity, _ in found} == EXPECTED
    assert all(text == BENEFICIARY[keys[row]] for row, _, text in found)


@pytest.mark.parametrize("block", [
    "Nom :\nPrénom :\nDate de naissance :\n",  # a blank form: each label is followed by the next one
    "Nom :\nLe nom de famille de l'assuré, tel qu'il figure sur la carte Vitale.\n",  # a help page
    "Prénom : Indiquez ici votre premier prénom\nNom de naissance : celui qui figure sur l'acte de naissance\n",
    "<nom>\n</nom>\n<prenom/>\n",
    "Nom :\n\nObservations :\nPatient revu ce jour, pas de plainte.\n",  # a blank line ends the block
])
def test_labels_explained_or_left_blank_are_no_names(tmp_path, block: str) -> None:
    path = tmp_path / "aide.txt"
    path.write_text(block, encoding="utf-8")
    assert _findings(path) == set()


def test_a_number_member_and_an_escaped_string_keep_their_offsets_in_the_line(tmp_path) -> None:
    number = make_nir("2", 71, 11, "75112", 7)
    path = tmp_path / "export.json"
    path.write_text(f'{{\n  "nir": {number},\n  "nom": "D\\"ARTAGNAN",\n  "telephone": "06 12 34 56 78"\n}}\n',
                    encoding="utf-8")
    assert _findings(path) == {(1, "FR_NIR", number), (2, "PERSON", 'D\\"ARTAGNAN'),
                               (3, "PHONE_NUMBER", "06 12 34 56 78")}


@pytest.mark.parametrize(("block", "name"), [
    # a name on the line above a birth line
    ("Rosette Moreau\nNée le 4 septembre 1952, Deuil-la-Barre.\n", "Rosette Moreau"),
    ("Mr ROUSSEAU Pierre\nNé en novembre 1975\n", "ROUSSEAU Pierre"),
    ("Jean Moreau\nné le 15/08/1961\n", "Jean Moreau"),
    # a signature on the line below a closing, a blank line between or not
    ("Cordialement,\nsophie bernard\n", "sophie bernard"),
    ("merci d'avance\n\nkevin\n", "kevin"),
    ("Bien à vous,\nMarie-Claire\n", "Marie-Claire"),
])
def test_a_name_read_with_the_line_beside_it_is_found(tmp_path, block: str, name: str) -> None:
    path = tmp_path / "identite.txt"
    path.write_text("Service d'otologie\n" + block + "Hospitalisation du 01/07/2020 au 15/07/2020\n", encoding="utf-8")
    expected_row = 1 + next(n for n, line in enumerate(block.split("\n")) if name in line)
    persons = {(row, text) for row, entity, text in _findings(path) if entity == "PERSON"}
    assert persons == {(expected_row, name)}


SECOND = {"nom": "Lefèvre", "prenom": "Marc", "date_naissance": "1962-07-14", "num_amc": "99999997",
          "organisme": "MGEN", "code_postal": "69003", "observations": ""}  # an empty last cell


def _psql(records: list[dict[str, str]]) -> str:
    """``psql``'s aligned output of a query, as pasted into a ticket."""
    keys = list(records[0])
    widths = [max(len(k), *(len(r[k]) for r in records)) for k in keys]
    line = lambda cells: " " + " | ".join(c.ljust(w) for c, w in zip(cells, widths)) + " "  # noqa: E731
    rule = "+".join("-" * (w + 2) for w in widths)
    return "\n".join([line(keys), rule, *(line([r[k] for k in keys]) for r in records), f"({len(records)} rows)"])


def _markdown(records: list[dict[str, str]]) -> str:
    keys = list(records[0])
    row = lambda cells: "| " + " | ".join(cells) + " |"  # noqa: E731
    return "\n".join(["Bénéficiaires :", row(keys), "|" + "|".join(":---:" for _ in keys) + "|",
                      *(row([r[k] for k in keys]) for r in records), ""])


def _export(delimiter: str, quoted: bool, template: bool = False,
            elided: str = "") -> Callable[[list[dict[str, str]]], str]:
    """An export's lines pasted into a ticket or a help page: a header of column names, then the records; as an
    import template (``template``), required columns marked ``*`` and a delimiter ending every line; quoted with
    rows left out (``elided``: the line that marks them, before each record)."""
    def write(records: list[dict[str, str]]) -> str:
        field = (lambda v: '"' + v.replace('"', '""') + '"') if quoted else (lambda v: v)
        end = delimiter if template else ""
        line = lambda cells: delimiter.join(field(c) for c in cells) + end  # noqa: E731
        header = [f"{key}*" if template and key != "observations" else key for key in records[0]]
        rows = [part for r in records for part in ([elided] if elided else []) + [line(list(r.values()))]]
        return "\n".join(["Voici sa structure brute :", line(header), *rows, "La première ligne doit être identique."])
    return write


@pytest.mark.parametrize("batch_rows", [65_536, 2, 1])  # a table goes on from one chunk to the next
@pytest.mark.parametrize("write", [_psql, _markdown, _export(",", True), _export(";", False),
                                   _export(";", False, template=True), _export(",", False, elided="[…]"),
                                   _export(";", True, elided="...")],
                         ids=["psql", "markdown", "csv-quoted", "csv-semicolons", "import-template", "csv-elided",
                              "csv-elided-dots"])
def test_the_cells_of_a_table_typed_in_text_are_read_under_their_header(tmp_path, write, batch_rows) -> None:
    path = tmp_path / "ticket.txt"
    path.write_text(write([BENEFICIARY, SECOND]), encoding="utf-8")
    found = {(entity, text) for _, entity, text in _findings(path, batch_rows=batch_rows)}
    assert found == {(entity, record[key]) for record in (BENEFICIARY, SECOND) for key, entity in EXPECTED}


def test_the_dates_of_a_tab_separated_export_are_read_under_their_header(tmp_path) -> None:
    path = tmp_path / "ticket.txt"
    path.write_text(_export("\t", False)([BENEFICIARY, SECOND]), encoding="utf-8")
    dates = {text for _, entity, text in _findings(path) if entity == "DATE_OF_BIRTH"}
    assert dates == {BENEFICIARY["date_naissance"], SECOND["date_naissance"]}


@pytest.mark.parametrize("text", [
    " acte         | date       | montant\n--------------+------------+---------\n consultation | 2024-03-12 | 25\n",
    "| Nom | Date |\n|---|---|\n(0 rows)\n| Dupont | 1985-05-12 |\n",  # the table ended: no header above
    "nom | date_naissance\n\nDupont | 1985-05-12\n",  # no rule line: no table
    # an export ends at the first line of another width; prose with commas names no column
    '"acte","date","montant"\n"consultation","2024-03-12","25"\n',
    '"nom","prenom","date_naissance"\nfin de l\'export.\nDupont, Jean, le 1985-05-12 à Lyon, dit-il\n',
    "Pommes, poires, bananes\nDurand, Martin, Petit\n",
])
def test_cells_outside_a_table_or_under_a_header_that_names_nothing_are_not_hinted(tmp_path, text) -> None:
    path = tmp_path / "ticket.txt"
    path.write_text(text, encoding="utf-8")
    assert _findings(path) == set()


@pytest.mark.parametrize("text", [
    # psql does not escape a "|" in a value: that line is no row, the next ones still are
    " nom    | date_naissance | observations\n--------+----------------+--------------\n"
    " Dupont | 1985-05-12     | allergie | pénicilline\n Martin | 1962-07-14     | RAS\n(2 rows)\n",
    # Markdown escapes it
    "| nom | date_naissance |\n|---|---|\n| Dupont \\| Durand | 1985-05-12 |\n| Martin | 1962-07-14 |\n",
])
def test_a_pipe_inside_a_value_does_not_end_a_table(tmp_path, text) -> None:
    path = tmp_path / "ticket.txt"
    path.write_text(text, encoding="utf-8")
    assert {("PERSON", "Martin"), ("DATE_OF_BIRTH", "1962-07-14")} <= {(e, t) for _, e, t in _findings(path)}


def _statement(records: list[dict[str, str]], quote: str = "") -> str:
    """One INSERT of ``records`` (strings quoted, the code postal as a number), column names maybe quoted."""
    names = ", ".join(f"{quote}{key}{quote}" for key in records[0])
    rows = ", ".join("(" + ", ".join(v if k == "code_postal" else f"'{v}'" for k, v in r.items()) + ")"
                     for r in records)
    return f"INSERT INTO {quote}beneficiaires{quote} ({names}) VALUES {rows};"


@pytest.mark.parametrize("line", [
    lambda records: f"2024-03-04 10:12:01.123 CET [4242] LOG:  statement: {_statement(records)}",  # PostgreSQL
    lambda records: f"2024-03-04T10:12:01.123456Z\t   12 Query\t{_statement(records, '`')}",  # MySQL general log
    lambda records: f"DEBUG sqlalchemy.engine: {_statement(records, chr(34))}",  # an ORM's echo
], ids=["postgresql-log", "mysql-general-log", "orm-debug"])
def test_the_values_of_an_insert_logged_on_one_line_are_read_under_their_columns(tmp_path, line) -> None:
    path = tmp_path / "postgresql.log"
    path.write_text("BEGIN\n" + line([BENEFICIARY, SECOND]) + "\nCOMMIT\n", encoding="utf-8")
    found = {(row, entity, text) for row, entity, text in _findings(path)}
    assert found == {(1, entity, record[key]) for record in (BENEFICIARY, SECOND) for key, entity in EXPECTED}


@pytest.mark.parametrize(("literal", "column"), [
    ("DATE '{}'", "date_naissance"), ("TIMESTAMP '{} 00:00:00'", "dt_naiss"), ("date '{}'", "dateNaiss"),
])
def test_a_typed_date_literal_of_an_insert_is_read_under_its_column(tmp_path, literal: str, column: str) -> None:
    """Standard SQL's typed literals, as seeds and ORMs write dates: the string is the value."""
    date = BENEFICIARY["date_naissance"]
    path = tmp_path / "seed.txt"
    path.write_text(f"INSERT INTO client (nom, {column}) VALUES ('{BENEFICIARY['nom']}', {literal.format(date)});\n",
                    encoding="utf-8")
    assert ("DATE_OF_BIRTH", date) in {(entity, text) for _, entity, text in _findings(path)}


def _oracle_insert_all(records: list[dict[str, str]]) -> str:
    """Oracle's multi-table INSERT as seeds write it: one ``INTO`` clause per line, a blank around each value."""
    names = ",".join(records[0])
    into = [f"INTO beneficiaires({names}) VALUES (" + " ,".join(f"' {v} '" for v in r.values()) + ")" for r in records]
    return "INSERT ALL\n" + "\n".join(into) + "\nSELECT * FROM dual;"


@pytest.mark.parametrize("statements", [
    # MySQL's strings between double quotes, a date written without quotes (SQL reads a division: seeds do it)
    lambda records: "\n".join(_statement([r], chr(96)).replace("'", '"').replace(
        f'"{r["date_naissance"]}"', r["date_naissance"].replace("-", "/")) for r in records),
    _oracle_insert_all,
], ids=["mysql-double-quotes", "oracle-insert-all"])
def test_hand_written_seeds_are_read_under_their_columns(tmp_path, statements) -> None:
    path = tmp_path / "seed.sql.txt"
    path.write_text(statements([BENEFICIARY, SECOND]) + "\n", encoding="utf-8")
    found = {(entity, text.strip().replace("/", "-")) for _, entity, text in _findings(path)}
    assert found == {(entity, record[key]) for record in (BENEFICIARY, SECOND) for key, entity in EXPECTED}


@pytest.mark.parametrize("line", [
    "INSERT INTO beneficiaires VALUES ('X', '1985-05-12', '99999997');",  # no column list: no column to read under
    "INSERT INTO beneficiaires (nom, num_amc) VALUES ('X', '99999997', 'Y');",  # more values than columns
    "INSERT INTO beneficiaires (nom, num_amc) VALUES ('X', '99999997'",  # cut short
    "INSERT INTO mesures (a, b) VALUES (10-2-3, 3/4/5);",  # arithmetic, no date: no value written as it reads
])
def test_an_insert_without_its_columns_or_whole_rows_gives_no_cell(line: str) -> None:
    from leakguard.sources.linesql import insert_cells

    assert insert_cells(pa.array([line])).keys == []


@pytest.mark.parametrize("values", [" VALUES\n  ", "\nVALUES ", "\nVALUES\n"])  # after the columns, or alone
@pytest.mark.parametrize("batch_rows", [65_536, 2])  # the statement goes on from one chunk to the next
def test_the_rows_of_an_insert_written_over_lines_are_read_under_its_columns(tmp_path, batch_rows: int,
                                                                             values: str) -> None:
    """A seed pasted into a ticket: the columns on one line, one row per line below."""
    one_line = _statement([BENEFICIARY, SECOND])
    head, rows = one_line.split(" VALUES ")
    body = rows.removesuffix(";").replace("), (", "),\n  (")
    path = tmp_path / "seed.txt"
    path.write_text(f"-- beneficiaires de test\n{head}{values}{body};\n[…]\n", encoding="utf-8")
    found = {(row, entity, text) for row, entity, text in _findings(path, batch_rows=batch_rows)}
    first = 1 + values.count("\n")  # the first row's line
    assert found == {(row, entity, record[key]) for row, record in ((first, BENEFICIARY), (first + 1, SECOND))
                     for key, entity in EXPECTED}


@pytest.mark.parametrize("layout", [
    'INSERT INTO "beneficiaires" (\n  {names}\n)\nVALUES\n{rows};',  # a formatter's
    "INSERT INTO public.beneficiaires(\n\t{names})\n\tVALUES {rows};",  # pgAdmin's "INSERT script"
    "INSERT INTO beneficiaires\n({names})\nVALUES\n{rows};",  # the table's name alone, the list below it
    "INSERT INTO beneficiaires\n({names}) VALUES {rows};",  # the first row on the list's line
    'INSERT INTO "beneficiaires" (\n  {names}\n) VALUES {rows};',  # after the list's closing bracket
])
def test_an_insert_whose_column_list_spans_lines_is_read_under_it(tmp_path, layout: str) -> None:
    one_line = _statement([BENEFICIARY, SECOND])
    names = one_line[one_line.index("(") + 1 : one_line.index(")")]
    rows = one_line.split(" VALUES ")[1].removesuffix(";").replace("), (", "),\n(")
    path = tmp_path / "seed.txt"
    path.write_text(layout.format(names=names, rows=rows) + "\n", encoding="utf-8")
    lines = path.read_text(encoding="utf-8").splitlines()
    first = next(i for i, line in enumerate(lines) if BENEFICIARY["nom"] in line)
    found = {(row, entity, text) for row, entity, text in _findings(path)}
    assert found == {(row, entity, record[key]) for row, record in ((first, BENEFICIARY), (first + 1, SECOND))
                     for key, entity in EXPECTED}


@pytest.mark.parametrize(("text", "expected"), [
    # a map whose variable says what its values are, keyed by insurers' names: the values are AMC numbers
    ("$amcMapping = [\n    'harmonie' => '77563212',\n    'mgen' => '77568531',\n];\n",
     {(1, "FR_AMC", "77563212"), (2, "FR_AMC", "77568531")}),
    ("const CODES_AMC = {\n  harmonie: '77563212',\n  mgen: '77568531',\n};\n",
     {(1, "FR_AMC", "77563212"), (2, "FR_AMC", "77568531")}),
    ("$villes = [\n    'lyon' => '69001',\n    'paris' => '75056',\n];\n", set()),  # a name that says nothing
])
def test_the_members_of_a_map_named_for_an_entity_are_read_under_its_name(tmp_path, text: str, expected) -> None:
    path = tmp_path / "mapping.php.txt"
    path.write_text(text, encoding="utf-8")
    assert {f for f in _findings(path) if f[1] != "FR_HEALTH_INSURER"} == expected


def test_a_phone_number_written_again_on_another_line_without_its_plus_is_found(tmp_path) -> None:
    """A validator's list of the one number in its forms: the line with ``+33`` tells what the bare runs are."""
    path = tmp_path / "phone.test.ts"
    path.write_text("valid: [\n  '0612457898',\n  '+33612457898',\n  '33612457898',\n  '612457898',\n"
                    "  '612457899'\n],\n", encoding="utf-8")
    assert {(row, text) for row, entity, text in _findings(path) if entity == "PHONE_NUMBER"} == {
        (1, "0612457898"), (2, "+33612457898"), (3, "33612457898"), (4, "612457898")}


@pytest.mark.parametrize("comment", ["", " -- {key}", " /* {key} */"])
def test_an_insert_whose_one_row_goes_one_value_per_line_is_read_under_its_columns(tmp_path, comment: str) -> None:
    """A row laid out over lines, as formatters and hand-written scripts do: ``VALUES (``, then one value a line,
    maybe commented."""
    one_line = _statement([BENEFICIARY])
    head, row = one_line.split(" VALUES ")
    values = [value.strip() for value in row.removeprefix("(").removesuffix(");").split(",")]
    path = tmp_path / "seed.sql.txt"
    lines = [f"    {v}{',' if n < len(values) - 1 else ''}{comment.format(key=key)}"
             for n, (v, key) in enumerate(zip(values, BENEFICIARY, strict=True))]
    path.write_text(f"{head} VALUES (\n" + "\n".join(lines) + "\n);\n", encoding="utf-8")
    line_of = {key: 1 + n for n, key in enumerate(BENEFICIARY)}
    assert _findings(path) == {(line_of[key], entity, BENEFICIARY[key]) for key, entity in EXPECTED}


@pytest.mark.parametrize(("text", "expected"), [
    # an HL7 FHIR Patient, pretty-printed: HumanName's given names are an array
    ('{\n  "resourceType": "Patient",\n  "name": [\n    {\n      "use": "official",\n      "family": "Chalmers",\n'
     '      "given": [\n        "Peter",\n        "James"\n      ]\n    }\n  ],\n  "gender": "male"\n}\n',
     {(5, "PERSON", "Chalmers"), (7, "PERSON", "Peter"), (8, "PERSON", "James")}),
    ('{\n  "nomUsage": "DURAND",\n  "prenoms": [\n    "JEAN",\n    "MICHEL"\n  ],\n  "statut": "ok"\n}\n',
     {(1, "PERSON", "DURAND"), (3, "PERSON", "JEAN"), (4, "PERSON", "MICHEL")}),
    ('{\n  "codesAMC": [\n    "442224671",\n    775685399\n  ]\n}\n',
     {(2, "FR_AMC", "442224671"), (3, "FR_AMC", "775685399")}),
    ('{\n  "tags": [\n    "Harmonie",\n    "Fleur"\n  ]\n}\n', set()),  # a key that names nothing
    ('{\n  "scenario": "connexion",\n  "given": [\n    "Ouverture",\n    "Tarifs"\n  ]\n}\n', set()),  # no name
    ('{\n  "name": "Connexion",\n  "given": [\n    "Ouverture de session",\n    "Marie saisit son code"\n  ]\n}\n',
     set()),  # a test's title and steps: a scalar "name" is no HumanName
    # a validator's test list in code, named for what it holds: single quotes, comments after the items
    ("$ssns = array(\n    '2781120050003', // NOK too short\n    '278102305000331', // OK\n    '278112005000332', //"
     " NOK bad checksum\n);\n", {(1, "FR_NIR", "2781120050003"), (2, "FR_NIR", "278102305000331"),
                                   (3, "FR_NIR", "278112005000332")}),
    ('valid_phones = [\n    "01 42 97 75 96",  # Paris\n    \'0612345678\',\n]\n',
     {(1, "PHONE_NUMBER", "01 42 97 75 96"), (2, "PHONE_NUMBER", "0612345678")}),
    ("commandes = [\n    '2781120050003',\n    '278112005000332',\n]\n", set()),  # named for nothing
    ('name_fields = [\n    "first_name",\n    "last_name",\n    "Nom de naissance",\n]\n', set()),  # fields' names
    # under an IBAN's name, a string passing MOD 97 with letters where its country has digits is no IBAN
    ('let valid_iban_countries = [\n    "AD54BD012030200359100100",\n    "FR7630006000011234567890189",\n];\n',
     {(2, "IBAN_CODE", "FR7630006000011234567890189")}),
    ("$ssns = array(  '156077851718185', // OK\n                '2781120050003', // NOK too short\n);\n",
     {(0, "FR_NIR", "156077851718185"), (1, "FR_NIR", "2781120050003")}),  # the first item on the opening line
])
def test_the_items_of_a_json_array_over_lines_are_values_of_its_key(tmp_path, text: str, expected: set) -> None:
    path = tmp_path / "patient.json.txt"
    path.write_text(text, encoding="utf-8")
    assert _findings(path) == expected


@pytest.mark.parametrize(("line", "expected"), [
    ('        .param("lastName", "DUPONT")', {("PERSON", "DUPONT")}),  # a test's request builder
    ('        .param("firstNames", "JIMMY")', {("PERSON", "JIMMY")}),
    ("    ('given_names', 'Lucie Anne'),", {("PERSON", "Lucie Anne")}),
    ('map.put("nir", "185057800608436");', {("FR_NIR", "185057800608436")}),
    ('    .header("Accept", "application/json")', set()),  # a key that names nothing
    ("INSERT INTO t VALUES ('Mercredi', 'Orange');", set()),  # values, not a key and its value
])
def test_a_key_and_its_value_as_two_quoted_arguments_are_read_as_a_key_value_line(tmp_path, line, expected) -> None:
    path = tmp_path / "SearchTest.java"
    path.write_text("    @Test\n" + line + "\n", encoding="utf-8")
    assert {(entity, text) for _, entity, text in _findings(path)} == expected


@pytest.mark.parametrize(("line", "expected"), [
    ('        "identificationMutuelle"   => "62013354",', {("FR_AMC", "62013354")}),  # PHP
    ("    'nom_usage' => 'DUPONT',", {("PERSON", "DUPONT")}),
    ('  :telephone => "06 12 34 56 78",', {("PHONE_NUMBER", "06 12 34 56 78")}),  # Ruby's symbol keys
    ("    'numero_teletransmission' => 82990012,", {("FR_AMC", "82990012")}),
    ("    'statut' => 'actif',", set()),  # a key that names nothing
    ("$total = $a => $b;", set()),
    ("    'nom' => $this->faker->lastName(),", set()),  # code, not a value
    ("    nom => 'DUPONT',", {("PERSON", "DUPONT")}),  # Perl's bare key
])
def test_a_member_of_an_associative_array_is_read_as_a_key_value_line(tmp_path, line, expected) -> None:
    path = tmp_path / "fixtures.php"
    path.write_text("<?php\nreturn [\n" + line + "\n];\n", encoding="utf-8")
    assert {(entity, text) for _, entity, text in _findings(path)} == expected
