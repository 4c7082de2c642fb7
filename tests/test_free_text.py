"""Personal data as people write it in French letters, notes, forms and exports (the recognizers on text).

Each table row is a kind of writing met in third-party French documents (hospital letters, lists of staff,
INI-like exports, forms filled box by box); names come from Faker's French provider and identifiers are
generated with their keys, so no row is a real person. ``{FIRST}``/``{LAST}`` are a first name and a surname,
``[[...]]`` marks what must be found; everything outside the brackets must not be.
"""

from __future__ import annotations

import re
from collections.abc import Callable

import pyarrow as pa
import pyarrow.compute as pc
import pytest
from faker import Faker
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from leakguard.detect.engine import DetectOptions
from leakguard.scan import scan_table
from recognizers import date_of_birth, email_address, iban, insurer, lexicon, nir, person, phone
from tests.strategies import make_french_iban, make_nir, nir_groups, nirs

_MARK = re.compile(r"\[\[(.+?)\]\]")


def _people(n: int, locale: str = "fr_FR") -> list[tuple[str, str]]:
    """``n`` (first name, surname) pairs with no space or particle inside, for templates: the same ones whatever
    test asks first (a shared generator would give each test other people depending on the order tests run)."""
    fake = Faker(locale)
    fake.seed_instance(2026)
    out = []
    while len(out) < n:
        first, last = fake.first_name(), fake.last_name()
        if " " not in first + last and not last.lower().startswith(("de ", "du ", "le ", "la ")):
            out.append((first, last))
    return out


def _filled(template: str, first: str, last: str) -> tuple[str, list[str]]:
    """The text of ``template`` with a person, and the marked values."""
    text = template.format(FIRST=first, LAST=last.upper(), Last=last, F=first[0])
    expected = _MARK.findall(text)
    return _MARK.sub(r"\1", text), expected


def _found(spans: list[tuple[int, int, float]], text: str) -> list[str]:
    return [text[s:e] for s, e, _ in spans]


def _covered(expected: list[str], found: list[str]) -> bool:
    """Whether each expected name is inside a name found, or holds one."""
    return all(any(e in f or f in e for f in found) for e in expected)


NAME_WRITINGS = [
    "Interne : Dr [[DE LA TOUR {FIRST}]]",
    "AVIS DE L'INTERNE [[DE LA TOUR {FIRST}]]",
    "Compte rendu signé par le Dr. [[{LAST} {FIRST}]]",
    "Patient adressé par le docteur [[{LAST} {FIRST}]] pour avis.",
    "Consultation avec le Dr [[{Last} {FIRST}]] effectuée ce jour.",
    "[[{FIRST} {LAST}]] a été vu en consultation.",
    "Résultats de laboratoire pour [[{LAST} {FIRST}]]. Mention : normal.",
    "Secrétariat : Dr [[{F}. {LAST}]] 01 42 21 09 28",
    "Mme [[{FIRST} {LAST}]], née le 12/05/1985",
    "Réunion du staff : Pr [[{LAST} {FIRST}]] et l'interne.",
    "Nom : [[{LAST}]]",
    "Nom={LAST}\n",
    "Prénom : [[{FIRST}]]",
    "Médecin traitant : Dr [[{Last}]]",
    "Ma fille, [[{FIRST}]], viendra la chercher.",
    "Appel de son petit-fils [[{FIRST}]] ce matin.",
    "Mme [[{LAST}]] épouse MARTIN ([[{FIRST}]]), 63 ans",
    "Mme [[{LAST} France]], née le 12/05/1950",  # the first name France after a SURNAME, with a title
    "Secrétaire : [[Nathalie]] (poste 4512)\nIDE : [[Sophie]]",  # staff signing by a first name after a role
    "[[France {LAST}]] est venue avec sa fille.",
]


@pytest.mark.parametrize("template", NAME_WRITINGS)
def test_names_written_the_french_way_are_found_by_the_rules(template: str) -> None:
    for first, last in _people(8):
        text, expected = _filled(template, first, last)
        if not expected:  # "Nom=X" lines: the whole value after the key
            expected = [last.upper()]
        found = _found(person.find(text), text)
        assert _covered(expected, found), (text, found)


@pytest.mark.parametrize("locale", ["pl_PL", "tr_TR", "ro_RO", "cs_CZ", "vi_VN"])
@pytest.mark.parametrize("template", [  # a first name alone in brackets is one only in the French lexicon
    t for t in NAME_WRITINGS if re.search(r"Dr|docteur|Mme|Pr |Nom", t) and "([[" not in t])
def test_names_in_other_latin_alphabets_are_found_after_a_title_or_a_key(template: str, locale: str) -> None:
    """Patients and staff are named in Polish, Turkish, Romanian, Czech, Vietnamese too (Łukasz, ŞAHİN, Ștefan)."""
    for first, last in _people(8, locale):
        text, expected = _filled(template, first, last)
        found = _found(person.find(text), text)
        assert _covered(expected or [last.upper()], found), (text, found)


#: Surnames that are also French words: a name only where the writing says so.
WORD_SURNAMES = ["Boulanger", "Meunier", "Berger", "Chevalier", "Marchand", "Gredin"]


def test_a_list_of_staff_names_its_items_even_when_a_surname_is_a_word() -> None:
    for (first, last), word in zip(_people(len(WORD_SURNAMES)), WORD_SURNAMES, strict=True):
        other_first, other_last = _people(1)[0]
        items = [f"{first[0]}. {last}", f"{first[1].upper()}. {word}", f"{other_first[0]}. {other_last}"]
        text = "Praticiens du service : " + ", ".join(items) + "."
        found = _found(person.find(text), text)
        # each surname is in a name found ("M. Guillon" may be read as Monsieur Guillon: "Guillon")
        assert all(any(item.split()[-1] in name for name in found) for item in items), (text, found)


@pytest.mark.parametrize("locale", ["de_DE", "en_GB", "pl_PL", "tr_TR"])
@pytest.mark.parametrize("order", ["{LAST} {First}", "{First} {LAST}", "{LAST} {OTHER}"])
def test_a_list_of_staff_names_its_surname_pairs_beside_a_name_found(locale: str, order: str) -> None:
    """``Chirurgiens : WALKER Correia, MILLER Manço, …``: names the lexicon does not know, in a list that holds
    one it does."""
    (first, last), *others = _people(5, locale)
    items = [order.format(LAST=a.upper(), First=b, OTHER=b.upper()) for b, a in others] + [first, last]
    items[-2:] = [f"{_people(1)[0][0]} {_people(1)[0][1].upper()}"]  # a French first name: found by the rules
    text = "Chirurgiens :\n" + ", ".join(items) + "\nGynécologues : voir planning"
    assert _found(person.find(text), text) == items


@pytest.mark.parametrize("text", [
    "Chirurgiens :\nWALKER Correia, MILLER Manço",  # no item named: nothing says these are names
    "Sites : CHU Bordeaux, HEGP Paris, Dr Paul MARTIN",  # places beside a name
    "Traitement : DOLIPRANE Codéine, SOL INJ, Dr Paul MARTIN",
])
def test_pairs_of_capitalised_words_beside_no_name_or_places_are_not_names(text: str) -> None:
    assert all("Paul" in name for name in _found(person.find(text), text)), text


@pytest.mark.parametrize(("text", "expected"), [
    ("Patient {Foreign} {LAST}, Téléphone : 08 09 83 43 66.", ["{Foreign} {LAST}"]),
    ("patiente {LAST}, 45 ans, vue ce jour", ["{LAST}"]),
    ("Consultant prof {LAST} {FOREIGN} CR validé le 14/02/2016", ["{LAST} {FOREIGN}"]),
    ("Consultant\nPr. {FIRST} Le Parc\nTel : 03 01 09 56 74", ["{FIRST} Le Parc"]),  # a place's word ends the name
    ("Chirurgiens : A. {Last}, L.\n{Foreign}, R. {Last}", ["A. {Last}", "L.\n{Foreign}", "R. {Last}"]),
    ("Patient HTA connu, BPCO stable", []),  # acronyms of diseases, then prose
    ("Patient Diabétique de type 2", []),
    ("le prof de maths", []),
    ("Dr {FIRST} Le Centre Hospitalier", ["{FIRST}"]),
    # a rank named after a ward ("chef de clinique", "cheffe de service") comes before whom one served
    ("chef de clinique de {FIRST} {Last} à l'hôpital Broussais", ["{FIRST} {Last}"]),
    ("Nommée cheffe de service de {FIRST} {Last}.", ["{FIRST} {Last}"]),
])
def test_patients_professors_and_broken_list_items_are_names(text: str, expected: list[str]) -> None:
    """Names the first-name lexicon does not know (Faker's Dutch and Turkish ones), as notes write them."""
    (first, last), (foreign, other) = _people(1)[0], _people(1, "nl_NL")[0]
    fill = {"FIRST": first, "LAST": last.upper(), "Last": last, "Foreign": foreign, "FOREIGN": other.upper()}
    text = text.format(**fill)
    assert _found(person.find(text), text) == [e.format(**fill) for e in expected]


@pytest.mark.parametrize(("text", "expected"), [
    # a sentence in capitals: capitals say nothing of a surname there
    ("ENTRÉE LE 25/03/2026 PAR LE SAMU À L'HÔPITAL CORBEIL ESSONNE EN RAISON D'UNE CHUTE", []),
    ("ILS VIENNENT RÉGULIÈREMENT ME RENDRE VISITE À HÔPITAL ROBERT DEBRE.", []),
    ("SI LE RENDEZ-VOUS PRÉVU NE CORRESPOND PAS À VOTRE HORAIRE, APPELEZ-NOUS", []),
    ("NE PAS JETER", []),  # the negation, not "né"
    ("CHANGEMENT DE SONDE À BICHAT.", []),  # "À" is no initial
    ("MONSIEUR LE PRÉSIDENT,", []),  # an office
    # ... but a first name still opens a name there, and lines of names in capitals are names
    ("{FIRST} {LAST} A COMMUNIQUÉ AVEC LE SERVICE POUR UN RENDEZ-VOUS", ["{FIRST} {LAST}"]),
    ("{LAST}, {LAST} {FIRST}\n07 . 03 . 1958", ["{LAST}", "{LAST} {FIRST}"]),
    ("Mme {LAST} NEE MARTIN", ["{LAST}", "MARTIN"]),
    ("DATE ARRIVÉE: 28/03/2031  {FIRST} {LAST} LE DEUX JANVIER MILLE NEUF CENT SOIXANTE DIX HUIT",
     ["{FIRST} {LAST}"]),  # a date written out ends the name
])
def test_lines_written_in_capitals_are_read_as_prose_or_names(text: str, expected: list[str]) -> None:
    first, last = _people(1)[0]
    fill = {"FIRST": first.upper(), "LAST": last.upper()}
    text = text.format(**fill)
    assert _found(person.find(text), text) == [e.format(**fill) for e in expected]


@pytest.mark.parametrize(("heading", "glue"), [("Infirmiers:", ", "), ("IDE :", " ; "), ("Présents :", " et ")])
def test_a_list_of_staff_typed_in_small_letters_names_its_items(heading: str, glue: str) -> None:
    items = [f"{first.lower()} {last.lower()}" for first, last in _people(3)]
    text = f"Niveau oeil droit: 12/12\n{heading} {glue.join(items)}\nv ACTES MEDICAUX REALISES"
    assert _found(person.find(text), text) == items


@pytest.mark.parametrize("text", [
    "Infirmiers: voir planning affiché",
    "Internes : marie en garde ce soir",  # a first name, then prose
    "Equipe : rose des vents, claire fontaine",  # an item of prose spoils the line
    "Infirmiers: jean dupont, passage à 14 h",
])
def test_small_letters_after_a_heading_of_staff_that_are_prose_name_nobody(text: str) -> None:
    assert person.find(text) == []


@pytest.mark.parametrize("title", ["Dr", "Pr", "Dr.", "Docteur"])
@pytest.mark.parametrize("dot", ["", "."])
def test_a_title_then_an_initial_names_the_surname_after_it_even_a_word(title: str, dot: str) -> None:
    for (first, last), word in zip(_people(len(WORD_SURNAMES)), WORD_SURNAMES, strict=True):
        for surname in (word, last, last.upper()):
            name = f"{first[0]}{dot} {surname}"
            text = f"Contact : {title} {name} - Tél : 01 42 21 09 28"
            # an initial M may be read as Monsieur: the surname alone
            assert _found(person.find(text), text) in ([name], [surname] if first[0] == "M" else None), text


@pytest.mark.parametrize("text", ["DR A BIEN VU LE PATIENT CE JOUR", "Voir M A Paris pour le dossier."])
def test_a_short_title_and_a_letter_before_a_word_name_nobody(text: str) -> None:
    assert person.find(text) == []


@pytest.mark.parametrize("text", ["I. INTRODUCTION Généralités", "II. Méthodes et résultats", "A. CONCLUSION\n",
                                  "Plan : I. Présentation, II. Analyse"])
def test_an_outline_s_numeral_before_a_section_s_word_names_nobody(text: str) -> None:
    assert person.find(text) == []


@pytest.mark.parametrize("title", ["Mme", "Madame", "Monsieur", "Mlle", "MME"])
@pytest.mark.parametrize(("initial", "after"), [
    ("S.", " âgée de 74 ans, retraitée, est adressée aux urgences."), ("S", " est dirigée vers le service."),
    ("C", ", 58 ans, revue ce jour."), ("C.", ""), ("R.", " a appelé le secrétariat"),
])
def test_a_civil_title_then_an_initial_alone_names_the_person_cut_to_it(title: str, initial: str, after: str) -> None:
    """Case reports and letters name a patient by an initial: ``Mme S. âgée de 74 ans``."""
    text = f"Le 16 janvier, appel de {title} {initial}{after}"
    assert _found(person.find(text), text) == [initial]


@pytest.mark.parametrize("text", ["À l'attention de : Mr / Mme NOM\nAdresse", "Madame, Monsieur NOM Prénom,",
                                  "représenté par Madame Xxxxxxxx XXX-XXXXXX, Directrice",  # blanked, hyphen and all
                                  "NOM DE L ENFANT : PRÉNOM : ÂGE : PHOTO",  # a blank form's labels
                                  "Patient : M. XXX né le JJ/MM/AAAA", "X XXX", "X XXY", "Signé : J. XXXX"])
def test_a_placeholder_after_a_title_in_a_template_names_nobody(text: str) -> None:
    assert person.find(text) == []


@pytest.mark.parametrize("text", ["Dr X est parti en congé.", "Voir M A Paris pour le dossier.",
                                  "Madame C. Dupont est venue."])
def test_an_initial_after_another_title_or_before_a_name_is_not_alone(text: str) -> None:
    assert _found(person.find(text), text) in ([], ["C. Dupont"])


@pytest.mark.parametrize(("text", "names"), [
    # a particle in small letters after a civil title opens the surname
    ("Ainsi s'exprimait Monsieur de La Porte dans une lettre.", ["de La Porte"]),
    ("Madame de Sévigné écrit à sa fille.", ["de Sévigné"]),
    ("Monsieur le Maire a reçu M. de Villepin.", ["de Villepin"]),
    ("M. de Paris est venu.", []),  # a town
    ("Membres du jury : Professeur de Physiologie, Docteur en Médecine", []),  # a discipline after a title
    ("le frère de Philippe Monod", ["Philippe Monod"]),  # "de" before a first name is no particle
    ("Appel de M. Guillet-Le Roux (tél. 07 55 95 47 31)", ["Guillet-Le Roux"]),  # a hyphen, then a particle
    ("Monsieur de Garde ce week-end", []),  # a French word after "de"
    ("Médecin : Dr Sylvie\tOUI", ["Sylvie"]),  # an answer after a tab, no surname
    ("Dr Christian NON", ["Christian"]),
    ("Compte rendu rédigé par Le Guen, interne.", ["Guen"]),  # a capital "Le" is no article
    ("Contact : Anne Martin-De La Tour, 06 12 34 56 78", ["Anne Martin-De La Tour"]),
    # a list of single capitalised words, three of them first names no French word spells: people
    ("Merci à Jean-François, Sophie, Stéphanie, Ximena, Josepha, Candice et tant d’autres.",
     ["Jean-François", "Sophie", "Stéphanie", "Ximena", "Josepha", "Candice"]),
    ("Étapes : Paris, Lyon, Marseille et Nice.", []),
    ("Les photos d'Inès, Amélie, Léa sont sur le drive.", ["Inès", "Amélie", "Léa"]),  # an elision first
    # a surname that is a word before a colon is no label; a form's label word is
    ("Nom : Meunier : Prénom : Louise", ["Meunier", "Louise"]),
    ("Patient : BERGER : RDV annulé", ["BERGER"]),
    ("Messieurs les Conseillers, bonjour.", []),  # an office in the plural
    # a short surname that is a word, in capitals after a first name, ends its line
    ("Mise en pratique\nDr Christian BAR\nMerci", ["Christian BAR"]),
    ("Le Dr Paul DURAND TEL 01 45 67 89 12", ["Paul DURAND"]),
    ("Pr Paul MARTIN ET associés", ["Paul MARTIN"]),
    # after "validé par la", a body; a person there has a first name
    ("Glossaire validé par la CE. Ensuite", []),
    ("Courrier adressé par la Jeanne Martin du service", ["Jeanne Martin"]),
    # a grouping of hospitals named after someone
    ("Pharmacie, Groupement Hospitalier Edouard Herriot, 5 Place d’Arsonval", []),
])
def test_particles_short_surnames_lists_bodies_and_groupings_of_hospitals(text: str, names: list[str]) -> None:
    assert _found(person.find(text), text) == names


@pytest.mark.parametrize("title", ["M.", "Mme", "Dr", "Pr"])
@pytest.mark.parametrize("words", [WORD_SURNAMES[:3], WORD_SURNAMES[3:]])
@pytest.mark.parametrize("glue", [", ", " et "])
def test_a_list_of_staff_named_by_a_title_names_its_items_of_initials(title: str, words: list[str], glue: str) -> None:
    """Surnames that are words, after initials: a list of staff because one item has a title."""
    items = [f"G. {words[0]}", f"E. {words[1]}", f"{title} {words[2]}"]
    text = "Praticiens du service : " + glue.join(items) + "."
    found = _found(person.find(text), text)
    # a title stays out of the name; "M." among initials is one of them
    expected = [*items[:2], items[2] if title == "M." else words[2]]
    assert sorted(found) == sorted(expected), (text, found)
    alone = "Praticiens du service : " + ", ".join(items[:2]) + "."
    assert person.find(alone) == [], alone  # without the titled item: initials before words, no list


@pytest.mark.parametrize(("particle", "word"), [
    ("Le", "Roux"), ("Le", "Blanc"), ("La", "Rose"), ("De La", "Fontaine"), ("Du", "Bois"), ("Le", "Breton"),
])
@pytest.mark.parametrize("title", ["M.", "Mme", "Dr", "Monsieur"])
def test_a_title_then_a_particle_names_whoever_follows_even_a_word(title: str, particle: str, word: str) -> None:
    text = f"Appel de {title} {particle} {word} (tél. 01 42 21 09 28) pour sa mutuelle."
    assert _found(person.find(text), text) == [f"{particle} {word}"]


@pytest.mark.parametrize("surname", ["d'Arcy", "d’Ormesson", "d'Aubigné", "D'Estaing"])
def test_an_elided_particle_goes_on_with_the_name(surname: str) -> None:
    for first, _ in _people(4):
        text = f"Mlle {first} {surname} a été reçue en consultation."
        assert _found(person.find(text), text) == [f"{first} {surname}"]


def test_an_elided_particle_alone_names_nobody() -> None:
    assert person.find("Elle souffre d'Alzheimer depuis 2019, suivie au centre d'Orsay.") == []


@pytest.mark.parametrize("text", ["Monsieur Le Maire a signé.", "Madame La Présidente, Monsieur Le Directeur,"])
def test_a_title_then_an_article_and_an_office_names_nobody(text: str) -> None:
    assert person.find(text) == []


def test_initials_before_a_word_are_no_name_without_a_named_neighbour() -> None:
    for text in ("Supplémentation : vitamines A, D. Calcium, E. Magnésium et fer.",
                 "Apports : D. Calcium et E. Magnésium."):
        assert person.find(text) == [], text
    text = "Vu par le Dr Martin, puis vitamines D. Calcium et fer."  # a name, then prose between
    assert _found(person.find(text), text) == ["Martin"]


@pytest.mark.parametrize("locale", ["fr_FR", "de_DE", "pl_PL"])
@pytest.mark.parametrize(("case", "initials", "end"), [
    (str.upper, ["E", "M O", "J", "JL"], ". Introduction (1)."),  # as a programme lists talks
    (str.title, ["E", "MO", "J", "J-L"], ", et al. Stroke. 2012;43:1-8."),  # as references do
])
def test_authors_written_surname_then_initials_are_names(locale: str, case: Callable[[str], str],
                                                         initials: list[str], end: str) -> None:
    items = [f"{case(last)} {letters}" for (_, last), letters in zip(_people(4, locale), initials, strict=True)]
    text = "Session 2 :\n" + ", ".join(items) + end
    assert _found(person.find(text), text) == items


@pytest.mark.parametrize("text", [
    "Vitamine D, Vitamine K, Vitamine E.",  # the same word: no list of people
    "Hépatite B, Virus C, Groupe A.",  # French words
    "Paris A, Lyon B, Nantes C.",  # places
    "Gilles R, Audrey M",  # two items: nothing says they are a reference list
])
def test_words_or_places_then_letters_name_nobody(text: str) -> None:
    assert person.find(text) == []


def test_authors_joined_by_et_after_a_name_are_names() -> None:
    text = "Guide des médicaments injectables, par G. Chevrel et V. Dessus, 2009, 592 pages."
    assert _found(person.find(text), text) == ["G. Chevrel", "V. Dessus"]


#: First names that are also French words: without a title, only a surname that is no word follows them into
#: a name ("Pierre Berger" may be a stone and a shepherd); after a title or a name key, any capitalised word.
WORD_FIRST_NAMES = ["Pierre", "Marie", "Jean", "Rose"]


@pytest.mark.parametrize("surname", [*WORD_SURNAMES, "Le Gall", "De La Tour"])
@pytest.mark.parametrize("link", ["née", "épouse", "veuve"])
def test_a_birth_name_after_nee_may_be_a_word(link: str, surname: str) -> None:
    text = f"En 1920, il se marie avec Andrée, {link} {surname}. Ils auront un fils."
    assert surname in _found(person.find(text), text)


@pytest.mark.parametrize("text", ["Elle est née. Pourtant rien", "Elle est née Le 3 mars 1950", "née\nLe patient",
                                  "NÉ EN NOVEMBRE 1975 À LYON", "NÉE DANS LA NUIT DU 1ER AU 2 FÉVRIER 1952"])
def test_nee_before_no_birth_name_names_nobody(text: str) -> None:
    assert person.find(text) == []


@pytest.mark.parametrize("surname", WORD_SURNAMES)
@pytest.mark.parametrize("template", [
    "[[{FIRST} {S}]], née le 6 mai 1978, a été hospitalisée du 13 au 15 mai.",  # an AP-HP stay's first line
    "Je vous adresse votre patiente, [[{FIRST} {S}]] (IPP : 9182736485), pour avis.",
    "Séparée de son premier mari [[{FIRST} {S}]] en 1906.",
])
def test_a_surname_that_is_a_word_follows_a_first_name_that_is_none(template: str, surname: str) -> None:
    first = next(f for f, _ in _people(40) if not lexicon.is_word(f) and lexicon.is_french_first_name(f))
    text, expected = _filled(template.replace("{S}", surname), first, surname)
    assert _found(person.find(text), text) == expected


@pytest.mark.parametrize("surname", WORD_SURNAMES)
@pytest.mark.parametrize("first", WORD_FIRST_NAMES)
def test_after_a_title_a_first_name_that_is_a_word_and_a_surname_that_is_one_are_a_name(first, surname) -> None:
    for template in ("Mme [[{FIRST} {S}]] est venue ce jour.", "Nom : [[{FIRST} {S}]]", "Dr [[{FIRST} {S}]]"):
        text, expected = _filled(template.replace("{S}", surname), first, surname)
        assert _found(person.find(text), text) == expected
    text = f"Visite de {first} {surname} ce jour."  # no title: a first name that is a word names nobody here
    assert person.find(text) == []


@pytest.mark.parametrize(("text", "expected"), [
    ("Rosette Moreau\nNée le 4 septembre 1952, Deuil-la-Barre.", ["Rosette Moreau"]),  # an identity block
    ("Jean Moreau, né le 15 août 1961, a été hospitalisé du 3 au 5 mai.", ["Jean Moreau"]),
    ("Zilda Arns est née le 25 août 1934 à Forquilhinha.", ["Zilda Arns"]),
    ("Patiente : Isabelle Blanc (née le 6 mai 1978).", ["Isabelle Blanc"]),
    ("DURAND Paul, né en 1950 à Lyon.", ["DURAND Paul"]),
    ("Assurée née le 06/12/2003, n° SS à vérifier.", []),  # one capitalised word: no name
    ("Hôpital Necker, né le projet en 1920.", []),  # a place
    ("Le Patient, né le 3 mars 1950.", []),  # a particle and a word
    ("Dossier de Pasteur Jean | M | 22/02/1962 (68 ans) | IPP : 8745", ["Pasteur Jean"]),  # a sex, then a date
    ("Service Cardio | H | 12/03/2024", []),
    ("Lyon Sud, F, 12.03.2024", []),  # a place
    # a French first name alone, then "est né(e)": a child's or a relative's in a blog or a letter
    ("Émilie est née le 8 mars 2008 à Paris, avec deux mois d'avance.", ["Émilie"]),
    ("Depuis, Mathis est né en 2015.", ["Mathis"]),
    ("France est née en 1950 de la fusion.", []),  # a place
    ("Marie, née le 3 mars.", []),  # no "est": one word alone is not enough
])
def test_the_capitalised_words_before_a_birth_phrase_are_a_name(text: str, expected: list[str]) -> None:
    assert _found(person.find(text), text) == expected


@pytest.mark.parametrize("surname", ["ROBERT", "MARTIN", "GOMAU"])  # a first name, a word, neither
def test_a_surname_written_again_before_the_name_it_opens_is_a_name(surname: str) -> None:
    text = f"{surname}, {surname} HENRI\n07 . 03 . 1958\nN° FINESS"  # usage name, then birth name and first name
    assert _found(person.find(text), text) == [surname, f"{surname} HENRI"]


def _surname_no_word(locale: str) -> str:
    """A surname of ``locale`` that the word lists do not know (no French word, no place)."""
    fake = Faker(locale)
    fake.seed_instance(2026)
    while True:
        surname = fake.last_name().upper()
        if " " not in surname and "-" not in surname and not lexicon.is_word(surname) \
                and not lexicon.is_place(surname):
            return surname


@pytest.mark.parametrize("locale", ["fr_FR", "de_DE", "pl_PL", "tr_TR", "es_ES"])
def test_a_birth_name_before_a_name_in_capitals_on_its_own_line_is_a_name(locale: str) -> None:
    first, usage = _people(1)[0]  # a French first name: the rules find the usage name and first name
    birth = _surname_no_word(locale)
    name = f"{usage.upper()} {first.upper()}"
    text = f"{birth}, {name}\n1 2 0 2 1 9 4 0\n N° FINESS"  # birth name, then usage name and first name
    assert _found(person.find(text), text) == [birth, name]


@pytest.mark.parametrize("head", ["HEGP", "ORL", "IRM", "SSR", "MGEN", "PARIS", "URGENCES"])
def test_an_acronym_a_place_or_a_word_before_a_name_in_capitals_is_no_birth_name(head: str) -> None:
    first, usage = _people(1)[0]
    text = f"{head}, {usage.upper()} {first.upper()}\n"
    assert _found(person.find(text), text) == [f"{usage.upper()} {first.upper()}"]


@pytest.mark.parametrize("locale", ["tr_TR", "fi_FI", "cs_CZ"])
@pytest.mark.parametrize("role", ["Psychologue", "Diététicienne", "Orthophoniste", "Secrétaire", "IDE"])
def test_a_name_after_a_role_label_is_a_name_whatever_the_first_name(locale: str, role: str) -> None:
    """``Psychologue : Zulmira Mauran``: first names the lexicon does not know."""
    first, last = next((f, n) for f, n in _people(60, locale)
                       if not lexicon.is_first_name(f) and not (lexicon.is_word(f) and lexicon.is_word(n)))
    text = f"{role} : {first} {last} N° ADELI 08 86 45 34 23"
    assert _found(person.find(text), text) == [f"{first} {last}"]


@pytest.mark.parametrize("text", [
    "Cardiologue : Hôpital Bichat",
    "Psychiatre : Centre Médico-Psychologique",
    "Pharmacien : Paracétamol Biogaran",
    "Dermatologue : Saint-Louis Paris",
    "Responsable : Service Qualité",
    "Cardiologue : Harmonie Mutuelle",
])
def test_a_place_a_service_or_an_insurer_after_a_role_label_is_no_name(text: str) -> None:
    assert person.find(text) == []


@pytest.mark.parametrize("template", [
    "LE DR [[{LAST} {FIRST}]] S'EST ENTRETENU AU TÉLÉPHONE AVEC LA PATIENTE POUR UN SUIVI.",
    "RENDEZ-VOUS DANS UN MOIS AVEC LE DR [[{FIRST} {LAST}]].",
    "VOTRE PROCHAIN RENDEZ-VOUS AVEC LE DR [[{LAST}]] EST PRÉVU LE 16 FÉVRIER POUR UNE VISITE.",
    "RESPONSABLE : DR. [[{FIRST} {LAST}]] - {F}.{LAST}@APHP.FR",  # the address's words are no name
    "RÉDIGÉ PAR : INTERNE [[{FIRST} {LAST}]] {LAST}.{FIRST}@APHP.FR 06 34 28 29 11",
])
def test_a_doctor_in_a_line_of_prose_in_capitals_is_named(template: str) -> None:
    first, last = _people(1)[0]
    text, expected = _filled(template.replace("{FIRST}", first.upper()), first, last)
    assert _found(person.find(text), text) == expected, text


@pytest.mark.parametrize(("template", "capitals"), [
    ("Étaient présents : MM. {0}, {1}, {2}, Mmes {3}, {4}, M. {5} et Mme {6} formant la majorité.", True),
    ("Absents excusés : MM. {0}, {1} et {2}.\nNombre de conseillers en exercice : 11", True),
    ("Présents : Mmes {0}, {1}, MM. {2} et {3}. Secrétaire de séance : M. {4}.", False),
    ("Ont signé : Drs {0}, {1}, chefs de service.", True),
    ("Jury : MM. {0}, professeur, Président, {1}, professeur, {2}, agrégé, {3}, chargé de cours", True),  # roles
    ("MM. {0}, directeur, et {1}, trésorier, sont présents.", True),
    ("Professeurs {0} et {1} 47 à 49", True),  # a thesis jury
])
def test_the_names_listed_after_a_title_of_several_people_are_each_a_name(template: str, capitals: bool) -> None:
    surnames = [last.upper() if capitals else last for _, last in _people(7)]
    text = template.format(*surnames)
    expected = sorted(name for name in surnames if name in text)
    assert sorted(_found(person.find(text), text)) == expected, text


NOT_NAMES = [
    "Rendez-vous au 12 avenue Georges Clemenceau, 44000 Nantes.",
    "Document imprimé à l'Hôpital Charles-Nicolle le 02/09/2021.",
    "Hospitalisation à l'Hôpital Européen Georges-Pompidou, service de cardiologie.",
    "Plastie mitrale, 7 rue Blaise Pascal, Tarbes.",
    "EXAMEN CLINIQUE : RAS. CONCLUSION : bilan normal.",
    "Résultats de laboratoire : glycémie à jeun normale.",
    "Traitement : Certolizumab 200 mg, Adalimumab 40 mg.",
    "Le patient prend du paracétamol, pas d'allergie connue.",
    "Écoutez France Inter ou France Culture, inscrivez-vous à France Travail.",  # public bodies, not France X
    "Le comité de France Parkinson et France Alzheimer se réunit.",  # patients' associations
    "C'est au tour de MG France d'appeler au boycott. © SFMU et Springer-Verlag France 2013",  # firms: X France
    # a body's acronym, a word or a particle, then a first name that is a town or a region too; a département
    "Contact SCD Nancy 1 : bibliothèque universitaire. Publié par l'URML Lorraine.",
    "MINISTERE DE LA SANTE\nREGION LORRAINE\nINSTITUT DE FORMATION EN MASSO-KINESITHERAPIE\nDE NANCY",
    "Ils s'étaient mariés à Leers, dans le Nord, alors que l'époux était du Gers.",
    "Secrétaire : Accueil\nIDE : RAS\nMaire : Paris\nInterne : de garde",  # a role's value that is no name
    "Nom IDE Responsable : nom\nInterne Référent : à désigner",  # a role and a word before a form's colon
    "NOM (usuel) : Prénom : Nom de naissance : Né(e) le : à (ville, pays) :",  # a blank form, for both sexes
    "Cordialement,\nL'équipe MRS - Assurance Maladie",  # a service's acronym that is a title too, then a dash
    "Liste des Professeurs Associés et Maîtres de Conférences",  # a plural title, then a kind of them
    "Réunion des Professeurs Principaux le 12 mars.",
    "PROFESSEURS ASSOCIES ET DOCTEURS INTERNES",
    # a ward role, then which duty (in capitals, as headers write it)
    "AVIS DE L'INTERNE DE GARDE",
    "TRANSMISSIONS IDE DE NUIT",
    "RÉFÉRENCE INTERNE DE LA PATIENTE : 9750409278",
    # in prose in capitals, "ME" is a pronoun and "PR" a rheumatoid arthritis; an address's words are no name
    "ILS VIENNENT ME RENDRE VISITE DANS LA SEMAINE POUR LE BILAN.",
    "PATIENTE SUIVIE POUR UNE PR SÉROPOSITIVE ET UNE HTA DANS LE SERVICE.",
    "Contact : JEAN.DUPONT@APHP.FR",
    # a person's key, then the name of the field that follows (a pseudonym or a mask after it too)
    "Assuré : NIR 1 85 05 78 006 084 91, suivi.",
    "Patient : NSS [REDACTED]",
    "Messieurs les Conseillers, bonjour. Mesdames, Messieurs, Merci.",
    # hospitals named after people, listed after a plural place word or joined by a dash
    "Le GHU regroupe les hôpitaux Lariboisière, Fernand-Widal et Saint-Louis.",
    "Les centres hospitaliers Lyon-Sud, Croix-Rousse, Édouard-Herriot et Pierre-Wertheimer participent.",
    "Transfert vers l'hôpital Bichat - Claude-Bernard pour avis.",
    "Il a été confié à l'Institution Jean-Baptiste Thiéry.",
    "Adresse : 123 av. Jean Jaurès, 16000 Angoulême. Siège : 4 bd. Émile Zola.",  # an abbreviation's full stop
]


@pytest.mark.parametrize(("text", "expected"), [
    # initials one after another, as author lists write them
    ("DR A. B. MOREAU 1, C. D. LEROUX 2, E. GARNIER 3", ["A. B. MOREAU", "C. D. LEROUX", "E. GARNIER"]),
    ("J. P. Martin et A.-M. Durand", ["J. P. Martin", "A.-M. Durand"]),
    # a number then a dash ends a place's name: the next name is a person's
    ("Jury : Anne LEROY, hôpital Sainte-Anne 75 - Paul GIRARD, IFSI Louis Mourier", ["Anne LEROY", "Paul GIRARD"]),
    # a compound first name's initials without full stops, before a surname in capitals (even a word)
    ("Dossier clinique : 0001 - Auteur : JP FOURNIER - CHU de Nice", ["JP FOURNIER"]),
    ("Orthopédie. JL Cahuzac, Site UMVF", ["JL Cahuzac"]),
    ("Avis du PH RESPONSABLE ; PA SYSTOLIQUE 135", []),  # acronyms of ranks and measures
    ("JF CHERCHE COLOCATION", []),  # "jeune femme"
    # a unit is no title or initial; a placeholder is nobody
    ("Pression artérielle 135/85 mm Hg, FC 85/min", []),
    ("Albuminémie 30 gr/L. Créatininémie 270 μmol/L.", []),
    ("Nous sommes le stagiaire interne ou Dr XY, candidat à …", []),
    # a name in capitals right after its own word in prose, as identity-vigilance texts write them
    ("Elle est enregistrée avec le nom LOUIS et le prénom MARIE-JEANNE ;", ["LOUIS", "MARIE-JEANNE"]),
    ("son nom de naissance (DARK), son nom d’usage (LOUIS) et son prénom d’état civil (JEANNE).",
     ["DARK", "LOUIS", "JEANNE"]),
    ("Saisir le nom ET le prénom du patient ; le nom NIR du champ ; au nom de la LOI", []),
    ("EMETTEUR NOM ADRESSE SERVICE TEL /TELECOPIE", []),  # a form's labels
    ("son nom usage DUPONT, son nom naissance MARTIN", ["DUPONT", "MARTIN"]),  # without "de", "d'"
    ("le nom HTTP est réservé au protocole", []),  # an acronym without a vowel
])
def test_initials_in_a_row_and_staff_after_a_numbered_place_are_named_exactly(text: str, expected: list[str]) -> None:
    assert _found(person.find(text), text) == expected


@pytest.mark.parametrize("text", NOT_NAMES)
def test_streets_hospitals_drugs_and_headers_are_not_names(text: str) -> None:
    assert person.find(text) == []


@pytest.mark.parametrize(("text", "names"), [
    ("KANE Florence a appelé le service.", ["KANE Florence"]),  # short surnames before a town's first name
    ("Avis de SOW Nancy, 45 ans.", ["SOW Nancy"]),
    ("LY Nancy a consulté le 12/01/2023.", ["LY Nancy"]),
    ("Merci Lorraine !", ["Lorraine"]),  # a region's name that is a first name too
    ("Bonjour Aude,\nmerci pour votre appel.", ["Aude"]),
])
def test_surnames_and_first_names_that_are_places_stay_names(text: str, names: list[str]) -> None:
    assert _found(person.find(text), text) == names


@pytest.mark.parametrize(("text", "names"), [
    ("Vu ce jour avec Claire Verspieren pour son dossier.", ["Claire Verspieren"]),  # a broker's name, a surname
    ("Réunion avec Marc Henner et Paul Verlingue hier.", ["Marc Henner", "Paul Verlingue"]),
])
def test_surnames_that_name_brokers_too_stay_names(text: str, names: list[str]) -> None:
    assert _found(person.find(text), text) == names


@pytest.mark.parametrize(("text", "span"), [
    ("Article 3 (c) Jean Dupont est désigné bénéficiaire", "Jean Dupont"),  # a list's marker, no copyright
    ("Crédit photo : © Marie Martin", "Marie Martin"),  # a photographer
    ("Copyright (c) 2019 Jean Dupont", "Jean Dupont"),  # a person holds the rights
])
def test_a_person_after_a_copyright_s_sign_or_a_list_marker_stays_a_name(text: str, span: str) -> None:
    start = text.index(span)
    assert person.plausible_model_span(text, start, start + len(span)) == (start, start + len(span))


@pytest.mark.parametrize(("text", "names"), [
    # a surname and a first name as quoted fields of a row: an INSERT without its column list, a CSV line
    ("INSERT INTO Patient VALUES (1,1,1 ,'Durand','Annabelle','28-03-1994','Paris');", ["Durand", "Annabelle"]),
    ("insert into PERSONNEL values(2,'Didier','Rachoul','13 rue des Lilas','Medecin',1);", ["Didier", "Rachoul"]),
    ('"Schejkowski","Anton","01-01-1999"', ["Schejkowski", "Anton"]),
    ("(1,'Jean-Luc','Perez','48 alle du chene, 93800 Epinay')", ["Jean-Luc", "Perez"]),
    ("insert into SERVICE values (1,'Pediatrie','Cardiologie','Lyon','Marie', '2024-01-01');", []),  # words, a place
    ("['Pierre', 'Feuille', 'Ciseaux'] ou ('Paris', 'Florence')", []),  # words; two places
    # lists of words that hold first names: nothing else a row about a person holds
    ("labels: ['January', 'February', 'March', 'April', 'May']", []),
    ("languages = ['Python','Julia','Ruby','Rust']", []),
    ("INSERT INTO voitures VALUES (1,'Renault','Zoe', 25000);", []),
    ("pays = ('France','Allemagne','Italie')", []),
    # a surname that is a French word, where the row holds two things a person's row holds
    ("    ['Boucher', 'Paul', '15 Rue des Lilas', '1985-05-12', '1850575123456', '0601020304'],", ["Boucher", "Paul"]),
    ("        ['Roux', 'Emma', '2 Place de la Mairie', '2001-02-14'],", ["Roux", "Emma"]),
    ("        ['Roux', 'Emma', 'bleu'],", []),  # nothing else of a person's row
    ("('Boucher', 'Paul', '2024-01-01')", []),  # one thing only
    ("['Rose', 'Marie', '2 rue des Lilas', '2024-01-01']", []),  # two words
    # a timestamp's digits and a seat's "place" are no facts of a person's row
    ("2024-03-01 12:00:01 order_id=1709294400 wines=('Margaux', 'Rouge')", []),
    ("2024-03-01 réservation place ('Jade', 'Fenêtre')", []),
])
def test_a_surname_and_a_first_name_as_quoted_fields_of_a_row_are_names(text: str, names: list[str]) -> None:
    assert _found(person.find(text), text) == names


@pytest.mark.parametrize(("text", "names"), [
    # a comma or a full stop after a place's name ends it: the names after it are people's
    ("Vu à la clinique, Marie Dupont, Jean Martin et Paul Durand.", ["Marie Dupont", "Jean Martin", "Paul Durand"]),
    ("Adressé par l'hôpital de Lyon, Jean Dupont et Marie Martin.", ["Jean Dupont", "Marie Martin"]),
    # the head of an eponymous disease, then a patient's name (a first name says whose)
    ("Suivi de la tumeur de Jean DUPONT en RCP.", ["Jean DUPONT"]),
    ("Ulcère de Marie Lefèvre : soins infirmiers.", ["Marie Lefèvre"]),
    ("Adressé par l'hôpital de Lyon. Jean Dupont est venu.", ["Jean Dupont"]),
    ("Vue à la clinique. Marie Dupont reviendra.", ["Marie Dupont"]),
    # a list of people after a singular place word is no list of places
    ("Hôpital Necker, Pierre Martin, Anne Roux et Paul Durand, internes.",
     ["Pierre Martin", "Anne Roux", "Paul Durand"]),
])
def test_names_after_a_place_and_its_punctuation_are_names(text: str, names: list[str]) -> None:
    assert _found(person.find(text), text) == names


@pytest.mark.parametrize(("text", "span"), [
    ("Résultats de laboratoire", None),
    ("Poumon", None),
    ("Hôpital Charles-Nicolle", None),
    ("SOL INJ", None),
    ("Dr Camille Martin", "Camille Martin"),
    ("DUPONT Jean\nValidité", "DUPONT Jean"),  # a name is written on one line
    ("Adjoints\nPr Lucien Garnier", "Lucien Garnier"),
    ("Romain Caron\nDate de naissance", "Romain Caron"),
    ("canal de Wirsung", None),  # medical eponyms: a surname alone after the thing it names
    ("clairance de Cockcroft et Gault", None),
    ("Clearance de Cockcroft", None),
    ("prothèse de Starr-Edwards", None),
    ("Urgences Pédiatriques de Trousseau", None),
    ("prothèse de Camille Martin", "Camille Martin"),  # a first name: someone's
    ("paralysie ascendante de Landry", None),  # signs, instruments, positions named after their authors
    ("sonde de Foley", None),
    ("position de Trendelenburg", None),
    ("drain de Redon", None),
    ("intervention de Pierre Durand", "Pierre Durand"),
    ("cirrhose de Laennec", None),
    ("Danny DeVito", "Danny DeVito"),  # a surname's prefix
    ("prothèse de MARTIN Camille", "MARTIN Camille"),
    ("Dr N. Chauvet – Chef", "N. Chauvet"),  # no name goes on across a dash between spaces
    ("Nadia Chauvet - Chef", "Nadia Chauvet"),
    ("Smallpox – Dr. A. GUETTIER", "A. GUETTIER"),  # a title inside says which side is the name
    ("Melle Chloé Garnier", "Chloé Garnier"),  # the common spelling of Mlle
    ("Marie-Claire Dubois-Laval", "Marie-Claire Dubois-Laval"),
    ("Parkinson", None),  # a disease named by its eponym alone
    ("Alzheimer", None),
    ("Dr Parkinson", "Parkinson"),  # after a title, a person
    ("James Parkinson", "James Parkinson"),
    ("Pascal Couturier2,3", "Pascal Couturier"),  # an author's affiliation marks, which the model takes in
    ("Cécile Ricard4*", "Cécile Ricard"),
    ("Covid19", None),  # marks after no first name: a code
    ("Covid", None),  # a disease's own name, which the dictionary lacks
    ("Téléphoner de France", None), ("Appel de Marie", "Marie"),  # a country after words of prose; a first name
    ("Jean d'Arcy", "Jean d'Arcy"),  # a surname after the particle d'
    ("Paul Durand d'accord", "Paul Durand"),
    ("Paul Martin d'Angers", "Paul Martin"), ("Paul Martin d'EDF", "Paul Martin"),  # where he is from
    ("Edouard-Herriot", None),  # a first name and a surname hyphenated: a place named after him
    ("Georges-Pompidou", None),
    ("Jean-Pierre", "Jean-Pierre"),  # a compound first name
    ("Dr Edouard-Herriot", "Edouard-Herriot"),  # after a title, a person
    ("Chapitre Deux2", None),
])
def test_model_spans_are_kept_only_when_they_can_be_names(text: str, span: str | None) -> None:
    kept = person.plausible_model_span(text, 0, len(text))
    assert (text[kept[0]:kept[1]] if kept else None) == span


@pytest.mark.parametrize(("text", "span"), [
    ("Situation : Célibataire Marié(e) Pacsé(e) Concubin(e)", "Célibataire Marié"),  # written for both sexes
    ("      case '3':\n        return DateTime(2017);", "DateTime"),  # a program's identifier in camel case
    ("        $payment = Payment::fromAttributes(array(", "Payment"),  # a class before its method
    ("**social_security** ([StringField](#stringfield)): the number", "StringField"),
    # a publisher or a rights holder after the copyright's sign
    ("Presse Med 2004; 33: 797-802 © 2004, Masson, Paris", "Masson"),
    ("© 2018 Elsevier Masson SAS. Tous droits réservés.", "Elsevier Masson"),
])
def test_a_model_span_that_is_a_label_or_an_identifier_is_no_name(text: str, span: str) -> None:
    start = text.index(span)
    assert person.plausible_model_span(text, start, start + len(span)) is None


@pytest.mark.parametrize(("text", "name", "kept"), [
    # an institution's adjectives in small letters between its place word and the name it bears
    ("Prise en charge à l'hôpital européen Georges-Pompidou.", "Georges-Pompidou", False),
    ("Adressée au centre hospitalier universitaire Henri Laborit.", "Henri Laborit", False),
    ("Vue au centre médical par Jean Dupont.", "Jean Dupont", True),  # a word of prose between
    ("Il sera inscrit à l'école élémentaire Louis Collas de Saintines.", "Louis Collas", False),
    # a disease named by its eponym alone; after a title, the person
    ("Elle vit avec Parkinson depuis dix ans, tandis que Alzheimer touche sa mère.", "Parkinson", False),
    ("La maladie fut décrite par le Dr Parkinson en 1817.", "Parkinson", True),
    # institutions in the plural, a town after its mayor or its commune
    ("Étudiants des Universités François Rabelais de Tours et Paris 7-Diderot.", "François Rabelais", False),
    ("Séance présidée par le Maire de SACLAS.", "SACLAS", False),
    ("Le maire Jean Dupont a ouvert la séance.", "Jean Dupont", True),
    # a commune after its postal code, in an address or a record's fields; a name after a file number is a name
    ("Domicile : 2 rue Haute, 71520 Trambly.", "Trambly", False),
    ('("12 Rue de la Paix", "71000", "Vrigny", "06 23 45 67 89")', "Vrigny", False),
    ("Dossier 12345, Jean Dupont, vu ce jour.", "Jean Dupont", True),
    # disorders and structures of anatomy named after their authors
    ("Il décrit les aphasies de Wernicke chez ce patient.", "Wernicke", False),
    ("Le centre expert Parkinson de Bordeaux ouvre.", "Parkinson de Bordeaux", False),  # a disease, then where
    ("Anévrisme du polygone de Willis, sans complication.", "Willis", False),
    # a place word heading a compound in small letters; a town after the words that say where one was born
    ("Elle dirige l'hôpital-école Edith-Cavell de Paris.", "Edith-Cavell de Paris", False),
    ("Il est né le 3 juillet 1973 à Paris XVI.", "Paris XVI", False),
    ("Né à Lyon, Paris Hilton n'y a jamais vécu.", "Paris Hilton", True),  # no cue right before
    # a drug and its dosage form; a public health service's site
    ("Hypertension traitée par Loxen LP depuis 2019.", "Loxen LP", False),
    ("Connectez-vous à votre compte Ameli pour la télécharger.", "Ameli", False),
    ("Ses parents, tous deux domiciliés à Kombissiri, sont venus.", "Kombissiri", False),
    ("Il est né le 12/03/1973 à Paris XVI.", "Paris XVI", False),
    ("Elle ne le dira pas à Jean Martin.", "Jean Martin", True),  # "ne le … à": a negation, no birth
    ("Suivie par Mme Jing LI depuis 2019.", "Jing LI", True),  # a surname, no dosage form
    # an acronym after the words it stands for; a contract's formula; a code's comment; an opening quote
    ("Rapport de l'Inspection générale des affaires sociales (Igas), publié hier.", "Igas", False),
    ("La Caisse nationale d'assurance maladie (Cnam) le confirme.", "Cnam", False),
    ("Le dossier de M. Dupont (Kevin) est complet.", "Kevin", True),
    ("Ma complémentaire, la formule « Alizée » de la SMEBA, me couvre.", "Alizée", False),
    ("['MR1300012000010000002037372'], // Mauritania", "Mauritania", False),
    ("\"1. Say 'Bonjour, Harmonie Mutuelle, service remboursement\"", "Say 'Bonjour", False),
    ("au Centre Hospitalier de Verdun Saint-Mihiel dans la Meuse (CHVSM), service", "CHVSM", False),
    ("Mme Dupont garde les enfants avec (Léa) le mercredi.", "Léa", True),  # short: small words are no initials
    ("Résiliation du contrat Jean DUPONT au 1er mars.", "Jean DUPONT", True),  # a person after a contract word
    ("Voir le patient #Dupont avec Mme Martin.", "Dupont", True),  # a hash glued to a word opens no comment
    # a country or a region after "en" (France is a first name too)
    ("Il a vécu dix ans en France, puis à Lyon.", "France", False),
    ("Remboursements des soins reçus en Italie.", "Italie", False),
    ("Tarifs des consultations en Guadeloupe.", "Guadeloupe", False),
    ("Le courrier de France Dupont est arrivé.", "France Dupont", True),
    ("Mail transmis au Jean-Marc DURAND de la compta.", "Jean-Marc DURAND", True),  # a person after "au"
    # a value under a key naming a town, a birth place, an address: towns are named like people
    ('        "ville_adh": "Mahe",', "Mahe", False),
    ("lieu_naissance=Giraud", "Giraud", False),
    ('  "nom": "Giraud",', "Giraud", True),
    # a form's boxes, a space before the inclusive ending; a name blanked out in a published agreement
    ("Tél. prof. : Célibataire Marié (e) Pacsé(e) Concubin(e)", "Célibataire Marié", False),
    ("représenté par Madame Xxxxxxxx XXX-XXXXXX, Directrice", "Xxxxxxxx XXX-XXXXXX", False),
    # an airport named after someone
    ("Arrivée à l'aéroport Charles de Gaulle à 7 h.", "Charles de Gaulle", False),
    ("L'aéroport d'arrivée est l'Aéroport International Félix Éboué.", "Félix Éboué", False),
])
def test_an_institution_or_a_disease_named_after_someone_is_nobody(text: str, name: str, kept: bool) -> None:
    start = text.index(name)
    assert (person.plausible_model_span(text, start, start + len(name)) is not None) == kept
    assert bool(person.find(text)) == kept


@pytest.mark.parametrize(("text", "expected"), [
    ("ORGANIZER;CN=Alice:mailto:alice@example.com", ["Alice"]),  # iCalendar (RFC 5545)
    ("ATTENDEE;CN=Bob;RSVP=TRUE:mailto:bob@example.com", ["Bob"]),  # a parameter's name is no surname
    ("dn: cn=jean dupont,ou=people,dc=example,dc=fr", ["jean dupont"]),  # LDAP (RFC 4519)
    ("dn: cn=admin,dc=example,dc=org", []),
    ("subject=CN=ISRG Root X1,O=Internet Security Research Group", []),
    ("dn: CN=PC-MARIE,OU=Ordinateurs,DC=chu,DC=fr", []),  # a machine, a site, a group named after people
    ("dn: CN=Hopital Saint Louis,OU=Sites,DC=chu,DC=fr", []),
    ("dn: CN=Grp-Infirmieres-Marie,OU=Groupes,DC=chu,DC=fr", []),
    ("dn: cn=Dupont\\, Marie,ou=people,dc=example,dc=fr", ["Dupont\\, Marie"]),  # a comma escaped (RFC 4514)
    # an inclusive ending after a name is a form's box, not a label
    ("Bénéficiaire(s) : Paul ROUX (x)", ["Paul ROUX"]),
    ("Enfants : Léa MARTIN (x) et Hugo MARTIN", ["Léa MARTIN", "Hugo MARTIN"]),
])
def test_the_common_name_of_a_directory_entry_or_an_attendee_is_a_name(text: str, expected: list[str]) -> None:
    assert [text[s:e] for s, e, _ in person.find(text)] == expected


@pytest.mark.parametrize(("text", "word", "kept"), [
    ("récupérée par le téléservice INSi, les valeurs", "INSi", False),  # an acronym with a small letter after it
    ("Vu avec Mme McDONALD ce matin", "McDONALD", True),
    # keys naming people though a place word is inside them: the referring doctor, a manager
    ('  "adresseur": "Ferhat Zeggane",', "Ferhat Zeggane", True),
    ('  "country_manager": "Seydou Traoré",', "Seydou Traoré", True),
    ("Patient : Jean DUPONT (e) absent", "Jean DUPONT", True),
])
def test_an_acronym_with_a_small_letter_after_it_is_no_name(text: str, word: str, kept: bool) -> None:
    start = text.index(word)
    assert (person.plausible_model_span(text, start, start + len(word)) is not None) is kept


@pytest.mark.parametrize(("text", "genus", "kept"), [
    ("Une infection par Campylobacter jejuni serait objectivée.", "Campylobacter", False),
    ("Germes : Haemophilus influenzae, Staphylococcus aureus.", "Haemophilus", False),
    ("Germes : Haemophilus influenzae, Staphylococcus aureus.", "Staphylococcus", False),
    ("Culture positive à Pseudomonas aeruginosa.", "Pseudomonas", False),
    ("Appel de Dubreuil ensuite, puis de Lucie.", "Dubreuil", True),  # a French word after a surname
    ("Vu avec Camille ibidem.", "Camille", True),  # a first name is someone's
])
def test_a_genus_before_its_species_in_latin_is_no_name(text: str, genus: str, kept: bool) -> None:
    start = text.index(genus)
    assert (person.plausible_model_span(text, start, start + len(genus)) is not None) is kept


DATE_WRITINGS = [
    ("Mme {FIRST} {LAST}, née le [[12/05/1985]], vue le 03/02/2024.", True),
    ("Date de naissance : [[1 2 . 0 6 . 1 9 8 1]]", True),
    ('{{"key": "Date de naissance", "value": "[[24/09/1970]]"}}', True),  # key and value pairs of form exports
    ("{{ label: 'Date de naissance',\n  valeur: '[[24/09/1970]]' }}", True),
    # a program's date built from a string after a birth key (test fixtures, seed data)
    ("  'birthdate': new Date('[[1989-12-13]]'),", True),
    ("  dateNaissance: moment('[[1954-10-13]]'),", True),
    ('date_naissance = date.fromisoformat("[[1962-02-22]]")', True),
    ("  ->setDateNaissance(new \\DateTime('[[1990-05-15]]'))", True),  # PHP: a setter, a class's namespace
    ("  ->setDateCreation(new \\DateTime('1990-05-15'))", False),
    ("  'creationDate': new Date('2017-08-01'),", False),
    # or from its year, month and day (months from 0 in JavaScript's Date)
    ("          birthDate: DateTime([[1989, 04, 01]]),", True),
    ("  dateNaissance: new Date([[1989, 11, 31]]),", True),
    ("  naissance=date([[1962, 2, 22]])", True),
    ("  BirthDate = new DateOnly(1975, 2, 30),", False),  # no such day
    ("  created_at = datetime(2021, 3, 4, 10, 0)", False),
    ("{{ deletedAt: {{ $ne: new Date('2024-01-01') }} }}", False),  # MongoDB's "not equal", no "né"
    # a date after a name that a role, a time or a care's word makes an event's
    ("Dossier modifié par '{FIRST} {LAST}' 12/03/2024 14:05", False),
    ("Prescripteur : '{FIRST} {LAST}', 12/03/2024", False),
    ('updated_by="{FIRST} {LAST}" 2024-03-12T10:00:00Z', False),
    ('"{LAST}";"{FIRST}";"12/03/2024";"Consultation"', False),
    ("INSERT INTO rdv VALUES (3,'{LAST}','{FIRST}','2024-03-12','10:30')", False),
    ('{{"key": "Date d\'admission", "value": "24/09/1970"}}', False),
    ("| Date de naissance | [[12/03/1945]] | Lyon |", True),  # a table's cells, a form's boxes
    ("Date de naissance ¦ [[2 8 | 1 2 | 1 9 6 9]] ¦", True),
    ("Né le [[deux janvier mille neuf cent soixante-dix-huit]] à Lyon.", True),
    ("Née le [[22|8|1923]] à Brest", True),
    ("{LAST} {FIRST} [[02/01/1978]]", True),
    ("INSERT INTO patient VALUES (7, '{LAST}', '{FIRST}', '[[28-03-1994]]', 'Lyon');", True),  # a row's fields
    ('"{LAST}","{FIRST}","M","[[12/03/1950]]"', True),
    ("Vu « {LAST} » le 12/03/2020 en consultation.", False),
    ("Patient : {FIRST} {LAST} | F | [[10/05/1986]] | IPP 123", True),
    ("Dossier : [[22/01/1965]] (57 ans)", True),
    ("Elle est née en [[1923]] en Bretagne.", True),
    ("Né à Lyon le [[3 mars 1950]].", True),
    ("Née à Saint-Jean-de-Luz (64) le [[3 mars 1950]].", True),  # a département after the place
    ("Date et lieu de naissance : Lyon, le [[12/05/1985]]", True),
    ("né le [[12 mai 85]]", True),  # a long form with a two-digit year
    ("né le [[douze mai mil neuf cent quatre-vingt-cinq]]", True),  # "mil", as dates may write it
    ("{LAST} {FIRST} 12 mai 14h : appel", False),  # an hour, not a two-digit year
    ("Mme {FIRST} née {LAST} le [[14/09/1948]], veuve.", True),
    ("Elle est née dans la nuit du 1er au [[2 février 1952]].", True),
    ("née dans la nuit entre le 30/11 et le [[01/12/1961]]", True),
    ("Arrivée le 28/03/2024. {LAST} {FIRST} le [[cinq mai mille neuf cent quatre-vingt-un]]", True),
    ("Né(e) le : [[03 04 1957]]", True),  # boxes of a form: day, month, year apart by spaces
    ("Date de naissance (JJ/MM/AAAA) : [[03/04/1957]]", True),
    ("Mme {LAST} {FIRST} ([[03/04/1957]])", True),
    ("{LAST} {FIRST} (F) [[03/04/1957]]", True),
    ("Mme {LAST} {FIRST} (vue le 03/04/2024)", False),
    # a row of a list of patients: the date after the name is a care's when its row holds an older date
    ("{LAST} {FIRST}  30/03/2022  2 9 3 1 8 5 3 3 2 9 7 7 9  [[29/10/1995]]  Adalimumab 40 mg", True),
    ("{LAST} {FIRST} | 1 0 1 2 2 0 2 1 | [[2 8 1 2 1 9 6 9]] | Certolizumab", True),
    ("{LAST} {FIRST} [[12/03/1950]], hospitalisé du 01/02/2024 au 05/02/2024", True),
    ("{LAST} {FIRST} [[12/03/2021]]\nDUPONT Jean [[01/01/1950]]", True),  # the older date: another line's
    ("Appel de {FIRST} {LAST} le 14/06/2023 pour un rendez-vous.", False),
    ("Entretien avec {FIRST} {LAST} le 2 mars 2021, relu en 2024.", False),
    ("Consultation du 12/03/2020 avec le Dr {LAST}.", False),
    ("Compte rendu du Dr {LAST} {FIRST} 12/03/2021", False),
    ("{LAST} {FIRST} : 01.10.2001 Première consultation - 15.11.2001", False),
    ("Patient {FIRST} {LAST}, 14/06/2022 : hospitalisation pour bilan", False),
    ("Facture du 12/05/2023, payée le 14/05/2023.", False),
    ("Document imprimé le 02/09/2021 à 09:23.", False),
    # a condition addressed to the reader is an example (help pages on the NIR), what follows it is not
    ("Les deux chiffres suivants : 90 si vous êtes né en 1990 par exemple.", False),
    ("Si vous êtes née le 12/05/1985, votre numéro commence par 2 85 05.", False),
    ("Vous êtes né le [[12/05/1985]] à Lyon.", True),
    ("Si vous êtes né en 1990, écrivez 90. {FIRST} {LAST} est né en [[1923]] à Brest.", True),
    # the subject after the verb, as genealogies tell a birth: a name, not a thing that "naît"
    ("C'est au moulin que naît {FIRST} {LAST} en [[1802]], fille d'un forgeron.", True),
    ("Ici naquit {FIRST} de {Last} en [[1892]].", True),
    ("La mutuelle naît de la fusion en 2005 de deux caisses.", False),
    ("De cette fusion naît Malakoff Humanis en 2019.", False),  # an insurer, a company: no first name
    ("C'est à Toulouse que naît Airbus en 1970.", False),
    ("C'est là que naît l'idée en 1990.", False),
    ("C'est à Lille que naissait {FIRST} {LAST} en [[1922]].", True),
    # a country or a region between "né en" and the date, as biographies write it
    ("{FIRST} {LAST} est né en France le [[28 avril 1943]].", True),
    ("{FIRST} {LAST} est née en Nouvelle-Calédonie le [[3 mars 1950]] à Nouméa.", True),
    # a mutuelle, a group, a company founded: born of a merger, as a start-up
    ("Car elle est née le 1er janvier 2013 de la fusion-absorption de deux mutuelles.", False),
    ("Alan est une compagnie d'assurance née en 2016 sous la forme d'une start-up.", False),
    ("Né en 2008 du rapprochement de deux groupes, il couvre 8 millions de personnes.", False),
    ("{FIRST} {LAST}, née le [[3 mai 1950]] de parents bretons.", True),
    ("Enfant né le [[3 mai 1950]] de l'union de {FIRST} {LAST} et Rose Payet.", True),  # genealogy's wording
    ("{FIRST} {LAST}, née le [[3 mai 1950]] de La Réunion, a rejoint la métropole.", True),
    ("ddn: [[03/05/1950]], de la réunion de synthèse", True),
    ("{FIRST} {LAST} naissait en [[1922]] à Lille.", True),
    ("Le contrat né en cours d'année le 1er juillet 2023 est proratisé.", False),  # no place after "né en"
    ("Le projet, né en interne le 12 janvier 2021, vise les aidants.", False),
    # a sentence whose subject is an organisation, born somewhere: no person's birth
    ("L’association des diabétiques de Saône-et-Loire, née à Mâcon en 1985, tenait son assemblée.", False),
    ("Le club, né en 1920, compte quarante membres.", False),
    ("La fille de la présidente de l'association, née le [[3 mars 1950]], a pris la parole.", True),
    ("Clinique Saint-Jean, Mme {FIRST} {LAST} née le [[01/02/1960]], hospitalisée pour chute.", True),
    ("École Jean Moulin : l'élève {FIRST} {LAST}, né le [[12/05/2015]], est absent.", True),
    ("Agence de Lyon - Mme {FIRST} {LAST} née le [[12/03/1980]]", True),
    # a life span after a name, as biographies write it: its first date
    ("{FIRST} {LAST} ([[1926]]-2015)", True),
    ("{Last} {FIRST}\n([[7 novembre 1867]], Varsovie – 4 juillet 1934, Sancellemoz)", True),
    ("{FIRST} {Last} ([[20 juin 1899]] - 8 juillet 1943), résistant.", True),
    ("{FIRST} {LAST} (Lyon, [[12/03/1950]] – Paris, 01/02/2020)", True),
    ("{FIRST} {Last}, médecin ([[1876]]-1961), a décrit le syndrome.", True),  # a role between
    ("Dr {Last}, chef de service (1970-2005)", False),  # a career after a name and a role of several words
    ("{FIRST} {Last}, acteur brésilien ([[1931]]-2012). Humoriste.", True),  # two role words, longer than a career
    ("{FIRST} {Last}, grand peintre paysagiste ([[1850]]-1920), exposé.", True),
    ("{FIRST} {Last}, directeur commercial (1985-2020)", False),  # a career's length
    ("{FIRST} {Last}, responsable des achats (1950-2012)", False),  # a phrase, not a role
    ("Docteur {Last}, exercice libéral (1985-2020)", False),
    ("Contrat Harmonie, signé (1 mars 2019 - 2 mars 2020)", False),  # a period, not a life
    ("Contrat Harmonie (1 mars 2019 - 2 mars 2020)", False),  # a period, not a life
    ("Bilan Annuel (12/03/1990 - 01/02/2020)", False),  # no name before it
    ("À_(1926-2015)", False),  # an identifier's letters before it, no name (found by Hypothesis)
    ("Le maire est {FIRST} {Last} ([[1853]]\u20111937), élu en 1896.", True),  # a no-break hyphen
    ("{FIRST} {Last} ([[1910]]- )", True),  # no death yet, as notices of living authors write it
    ("{FIRST} {Last} ([[1936]] - …)", True),  # or its date unknown
    ("{FIRST} {Last} ([[1936]] - ?)", True),
    ("{FIRST} {Last} (2017- ), président.", False),  # an office begun, not a life
    ("{Last}, {FIRST} (Glasgow, [[28 avril 1936]]). Poète, essayiste.", True),  # a notice: place, birth
    ("{Last}, {FIRST} (Oran, [[3-4-1938]]). Avocat.", True),  # dashes, as almanacs write dates
    ("{Last}, {FIRST}   (Saint-Maur, Val-de-M., [[12-10-1951]]). Père médecin.", True),
    ("Contrat Harmonie (Paris, 1-3-2019 - 2-3-2020)", False),
    ("Rapport du Dr {Last} (Paris, 12 mars 2020) transmis.", False),  # a document's place and date
    ("{FIRST} {Last} (Paris, 1936) a écrit.", False),  # a year alone, no life span
    ("{FIRST} {Last} (2019) a montré", False),  # a reference
    # a name ending in a word of the language, when the names' rules end a name there
    ("Éloge de\n{FIRST} {LAST} de LA TOUR ([[1930]]-2014)\nsuite", True),
    ("Moulin de la Tour (1850-1950), classé.", False),
    ("HISTOIRE DU GRAND PORT (1850-1950)", False),
    # no-break spaces between a date's words, as word processors put them; "1 er" for "1er"
    ("Née le [[12\u00a0mai\u00a01985]] à Lyon.", True),
    ("{FIRST} {LAST}, né le [[1 er mai 1985]].", True),
    ("Rendez-vous le 12\u00a0mai\u00a02024 à 10 h.", False),
    # a weekday between the birth word and the date
    ("{FIRST} {Last} est né le [[samedi 6 août 1936]], à une heure du matin.", True),
    ("Né le [[dimanche 3 mars 1950]] à Lyon.", True),
    # forms say whose birth date it is, and remarks in parentheses (CERFA, mutuelles' and hospitals' forms)
    ("Date de naissance de l'assuré(e) : [[12/05/1985]]", True),
    ("Date de naissance du bénéficiaire : [[12/05/1985]]", True),
    ("Date de naissance de la mère\n[[03/04/1957]]", True),
    ("<td>Date de naissance du patient</td><td>[[12/05/1985]]</td>", True),
    ("Date de naissance (si connue) : [[12/05/1985]]", True),
    ("Lieu et date de naissance : Lyon, [[12/05/1985]]", True),
    ("Date de naissance inconnue, 12/05/2020 : admission", False),
    ("Congé de naissance du 12/05/2024 au 20/05/2024", False),
    # an age right before a date gives its birth; "il y a 2 ans", a date too recent for the age, do not
    ("Mme {LAST} {FIRST}, 38 ans ([[12/05/1985]])", True),
    ("Âge : 38 ans - [[12/05/1985]]", True),
    ("Chute il y a 2 ans (12/05/2022), sans séquelle.", False),
    ("Patiente, 45 ans, 12/05/2024 : consultation", False),
    # a list of births after a plural label; a list of visits after one birth is no list of births
    ("Dates de naissance des enfants : [[12/05/2010]], [[03/02/2012]] et [[01/01/2015]]", True),
    ("Ils sont nés les [[12/05/1985]] et [[03/02/1987]] à Lyon.", True),
    ("Née le [[12/05/1985]], 03/02/2020 : consultation, 04/02/2020 : sortie", True),
    # the degree sign of a birth, as notices write it; not the one of "n°"
    ("M. {LAST} (°[[12/05/1985]])", True),
    ("{FIRST} {Last} (° [[20 juin 1899]] - † 8 juillet 1943)", True),
    ("Facture n° 12/05/2024", False),
    # "DN" as a label, as medical software's headers write the birth date; not inside a word, not without a label
    ("{LAST} {FIRST}   DN : [[12/05/1985]]   IPP : 8012345", True),
    ("Patient : {LAST}, D.N.=[[12.05.1985]]", True),
    ("ADN : 12/05/2024, prélèvement conforme", False),
    ("Réf. DN 12/05/2024 archivée", False),
    # a name in small letters after a title in small letters is a name before its birth date too
    ("appel de mme lebon, [[12/05/1985]], pour un rdv", True),
    # genealogy and biographies: births stated in words, of any century; a life told in prose
    ("{FIRST} {LAST} est né en [[1712]] à Quimper, mort en 1790.", True),
    ("Son aïeul, {FIRST} {Last} ([[1642]]-1701), était tisserand.", True),
    ("Il fut baptisé le lendemain ; née et baptisée le [[2 mars 1771]], sa sœur aînée", True),
    ("{FIRST} a vécu de [[1880]] à 1952 dans la ferme familiale.", True),
    ("Le tonnelier {FIRST} {LAST}, qui vécut entre [[1804]] et 1871, eut neuf enfants.", True),
    ("Le procès a vécu de 2019 à 2021 au rythme des audiences.", False),  # two years apart: no life
    ("{FIRST} a vu le jour en [[1893]] à Morlaix.", True),
    ("{FIRST} {LAST} a vu le jour le [[3 juin 1948]] à Rennes.", True),
    ("La Mutuelle Générale a vu le jour en 1945.", False),  # an institution's birth
    ("La Sécurité sociale a vu le jour le 4 octobre 1945.", False),
    ("Facture de 1766 euros réglée le 03/02/2024.", False),  # a number, not a year of birth
    # genealogy's star of a birth, where the cross of a death follows; a star alone opens a list's item
    ("{FIRST} {LAST}\n* le [[3 mars 1921]] à Brest\n† 2 mai 1990 à Paris", True),
    ("* 12/05/2024 : consultation\n* 13/05/2024 : sortie", False),
    # a day of birth without its year, after "né(e) le"
    ("Leur fille {FIRST}, née le [[9 juillet]] à la maternité.", True),
    ("{FIRST} est né le [[1er avril]], comme son père.", True),
    ("Le [[3 mars 1820]] naît à Florence leur fille {FIRST}.", True),  # a birth verb after the date
    ("Le [[12 mars 1901]], naissait à Lille {FIRST} {LAST}.", True),
    ("C'est par un matin d'hiver, le [[27 décembre 1822]], que {FIRST} {Last} naquit à Dole.", True),  # a cleft
    ("C'est le [[3 mai 1950]] qu'elle est née.", True),
    ("{FIRST} {Last} naît à Dole le [[27 décembre 1822]], rue des Tanneurs.", True),  # a birth verb, a place
    ("Il naquit à Dole (Jura) le [[27 décembre 1822]].", True),
    ("C'est le 3 mai 2020 que le service a ouvert.", False),
    ("L'entreprise naquit à Lyon le 3 mars 2005.", False),  # a thing's birth
    ("La crise naît à Wall Street le 24 octobre 1929.", False),
    ("Le projet naît d'un constat : le 12 mars 2020, les urgences ont fermé.", False),
    ("C'est le 3 mai 2020 que le projet est né.", False),
    ("C'est le 3 mai 2020 que j'ai su qu'elle est née en Algérie.", False),  # the day one learnt it
    ("Leur fille naquit à Lyon le [[3 mars 1950]].", True),
    ("Leur second enfant naît en [[1822]] à Naples.", True),
    # biographies: a place before the year or the date, an apposition to the place, "venu au monde", "sa naissance"
    ("{FIRST} {LAST}, né au Caire en [[1913]] et mort à Paris le 22 juin 2008", True),
    ("Né à Chamalières, en banlieue de Clermont-Ferrand, le [[5 mai 1928]] dans une famille protestante", True),
    ("Venu au monde à Panama le [[11 novembre 1928]], {FIRST} {LAST} était un écrivain", True),
    ("Enfance heureuse dès ma naissance en [[août 1963]] : illuminations bretonnes", True),
    ("La Sécurité sociale fête ses 80 ans : depuis sa naissance en 1945, elle protège.", False),  # an institution's
    ("{FIRST} {LAST}, né au Maroc, arrivé en France en 1975, retraité.", False),  # the year of another event
    ("Mme {FIRST} {LAST}, née à Lyon, au chômage depuis le 2 février 2020, demande la CSS.", False),
    ("Né à Nantes, en arrêt maladie depuis le 12 octobre 2021, l'assuré demande ses IJ.", False),
    ("Le dispositif est venu au monde le 3 mars 2020 grâce à la loi.", False),
    ("{FIRST} {LAST} ([[1952]]-2024 / 72 ans) révélé comme acteur", True),  # an obituary's life span and age
    ("La Sécurité sociale, dont la naissance en 1945 marque le pays", False),
    ("{FIRST} est né à Paris, marié à Lyon, le 12 mai 1990", False),  # a marriage after the place
    ("L'entreprise est née au Havre en 1920.", False),
    # a thing's birth: a determiner and a noun naming no person before "est né(e)"; a person's otherwise
    ("La Sécurité sociale est née en 1945.", False),
    ("La méthode du patient standardisé (ou simulé) est née aux Etats-Unis en 1963.", False),
    ("La CMU est née en 1999 pour couvrir les plus démunis.", False),
    ("Cette idée est née à Lyon le 3 mars 2005.", False),
    ("Sa fille est née aux États-Unis en [[1963]].", True),
    ("La mère de la patiente est née en [[1950]].", True),
    ("L'intéressée est née le [[3 mars 1950]].", True),
    ("Le président {FIRST} {LAST} est né en [[1911]].", True),
    ("Il connaît en 1990 un grand succès.", False),
    ("Née le 30 février", False),  # no such day
    ("Rendez-vous le 9 juillet à la maternité.", False),
    # a weekday dates a letter, minutes or a visit after a signature: no birth for following a name
    ("Le Maire,\n{FIRST} {LAST}\nmercredi 23 septembre 2020\nAu Conseil", False),
    ("{LAST} {FIRST}, Lundi 3 mars 1980 : réunion", False),
]


@pytest.mark.parametrize(("template", "birth"), DATE_WRITINGS)
def test_dates_of_birth_are_told_from_care_and_document_dates(template: str, birth: bool) -> None:
    first, last = _people(1)[0]
    text, expected = _filled(template, first, last)
    found = _found(date_of_birth.SPEC.find(text), text)
    assert found == (expected if birth else []), text



def test_a_date_right_after_a_name_only_the_model_knows_is_a_birth_date(listed_people) -> None:
    table = pa.table({"notes": [p.text for p in listed_people]})
    found = scan_table(table, options=DetectOptions(ner=True, show_values=True)).to_pylist()
    named = {f["row"] for f in found if f["entity"] == "PERSON" and f["value"] == listed_people[f["row"]].name}
    births = {f["row"] for f in found if f["entity"] == "DATE_OF_BIRTH" and f["value"] == listed_people[f["row"]].date}
    unknown_to_rules = {i for i, p in enumerate(listed_people) if not person.find(p.text)}
    assert len(named & unknown_to_rules) >= 5  # the model names most of the few the rules leave
    assert named <= births


def test_a_recent_date_after_a_model_name_and_le_is_no_birth_date(listed_people) -> None:
    table = pa.table({"notes": [f"Réunion avec {p.name} le 14/06/2023, relue en 2024." for p in listed_people]})
    found = scan_table(table, options=DetectOptions(ner=True)).to_pylist()
    assert [f for f in found if f["entity"] == "DATE_OF_BIRTH"] == []

@pytest.mark.parametrize(("text", "expected"), [
    ("Tél : 06.12.34.56.78", ["06.12.34.56.78"]),
    ("Dr J. SORREL O1.42.15.23.35 Dr F. ORION", ["O1.42.15.23.35"]),  # a letter O typed for the 0
    ("Standard : 01 42 21 O9 28 (accueil)", ["01 42 21 O9 28"]),  # ... for a zero inside
    ("Réf. 0142210O28, masque 06 OO OO OO OO", []),  # a letter O in a run of digits, a mask: no phone
    ("Téléphone : (33) 1 45 56 78 90 - Fax", ["(33) 1 45 56 78 90"]),
    ('assertEquals("(0033) 6 48 06 10 48", output);', ["(0033) 6 48 06 10 48"]),  # the calling code in brackets
    ("standard +33 (0)1 45 56 78 90", ["+33 (0)1 45 56 78 90"]),
    ("0033 6 12 34 56 78", ["0033 6 12 34 56 78"]),
    ("Tél. (01) 45 56 78 90", ["(01) 45 56 78 90"]),  # the first pair in parentheses
    ("Numéro vert : 0 800 123 456 (appel gratuit)", ["0 800 123 456"]),  # special rates in threes
    ("Service client 0 825 12 34 56", ["0 825 12 34 56"]),
    ("Capital de 0 800 123 456 789 euros", []),  # longer than a number
    ("Numéro cristal : 0 969 363 373 (appel non surtaxé)", ["0 969 363 373"]),  # help lines in threes
    ("Numéro cristal : 09 69 392 393 (appel non surtaxé)", ["09 69 392 393"]),
    ("Capital de 0 969 363 373 123 euros", []),
    ("Réunion : 0262 12 34 56", ["0262 12 34 56"]),
    ("Père : 0654321867", ["0654321867"]),
    ("Standard 01.45.56.78.90 02 47 56 78 90", ["01.45.56.78.90", "02 47 56 78 90"]),  # side by side
    ("fixe 01 45 56 78 90 / 06 12 34 56 78", ["01 45 56 78 90", "06 12 34 56 78"]),
    ("compte 0123456789 0123456789 012", []),  # a longer run of digit groups is no list of numbers
    ("poste 4521, bip 12", []),  # extensions and internal numbers
    ("commande 30612345678901", []),
    ("référence 0012345678", []),
])
def test_phones_are_found_in_every_french_written_form(text: str, expected: list[str]) -> None:
    assert _found(phone.SPEC.find(text), text) == expected


@pytest.mark.parametrize(("text", "expected"), [
    ("Mobile : 0712345678", ["0712345678"]),  # the 06-07 block whole, as test lists and forms write it
    ("mobile_ok = ['0612345678', '0712345678']", ["0612345678", "0712345678"]),
    ("réf. 0012345678", []),  # no zone after the 0
])
def test_bare_numbers_of_the_mobile_block_are_phones(text: str, expected: list[str]) -> None:
    assert _found(phone.SPEC.find(text), text) == expected


@pytest.mark.parametrize(("text", "expected"), [
    # the international form without its "+", as SMS gateways store a mobile number: after a phone word
    ("sms=33612457898;statut=OK", ["33612457898"]),
    ("Mobile : 33712457898", ["33712457898"]),
    ("N° de compte 33712345678 clé 89", []),  # eleven digits without a phone word: an account number too
    ("Mobile : 33112457898", []),  # not a mobile: no gateway writes landlines so
    ("Mobile : 336124578981", []),  # a longer run of digits
])
def test_a_mobile_without_its_plus_is_a_phone_after_a_phone_word(text: str, expected: list[str]) -> None:
    assert _found(phone.MSISDN_SPEC.find(text), text) == expected
    assert _found(phone.SPEC.find(text), text) == []


def test_a_mobile_without_its_plus_is_a_phone_in_a_phone_column() -> None:
    found = scan_table(pa.table({"telephone": ["33612457898", "33712457898", "33112457898"],
                                 "compte": ["33612457898", "33712345678", "12345678901"]}),
                       options=DetectOptions(ner=False))
    assert sorted(zip(found.column("column").to_pylist(), found.column("row").to_pylist(), strict=True)) == [
        ("telephone", 0), ("telephone", 1)]


@pytest.mark.parametrize(("text", "expected"), [
    # a national number beside its region code, as phone libraries' tests and data write them
    ("['650-798-2800', 'US'], ['(650) 798-2800', 'US'],", ["650-798-2800", "(650) 798-2800"]),
    ('{"044 668 18 00", "CH"}, {"011 41 44 668 1800", "US"}', ["044 668 18 00", "011 41 44 668 1800"]),
    ('["912345678", "ES", "+34912345678"],', ["912345678", "+34912345678"]),  # a number on either side
    ('phonenumbers.parse("06 12 34 56 78", "fr")', ["06 12 34 56 78"]),
    ("('FR', '75001'), ('FR', '1234567890'), ('fr', '2024-01-01')", []),  # no valid number of the region
    ("INSERT INTO villes VALUES ('75056', 'FR', 'Paris');", []),
    ('"FR","552100554","ACME SAS"', []),  # a SIREN beside a country code: no trunk 0, no French phone
])
def test_a_number_beside_its_region_code_is_read_in_that_region(text: str, expected: list[str]) -> None:
    assert _found(phone.REGIONED_SPEC.find(text), text) == expected


@pytest.mark.parametrize(("text", "expected"), [
    # the one number in every form, as phone libraries' tests write it: its nine digits after the trunk 0 again
    ("${'+33633344554'} | ${'633344554'} | ${'6.33.34.45.54'} | ${'33633344554'}",
     ["633344554", "6.33.34.45.54", "33633344554"]),
    ("toStrictEqual('692980101') // getPhoneNumberInputAndCountryCode('+262 692 98 01 01')", ["692980101"]),
    ("formatter.input('0033 6 12 90 25 54') == '33 6 12 90 25 54'", ["33 6 12 90 25 54"]),
    ("+33 6 12 34 56 78, commande 612345679, SIREN 552100554", []),  # other digits: ids
    ("06 12 34 56 78, commande 612345678", []),  # a national form only: an order number may share its digits
    ("de la France au 04 66 32 83 16 ; hors de France au 33 4 66 32 83 16", ["33 4 66 32 83 16"]),  # 33: dialled
    ("Appeler le 00 33 6 12 34 56 78 (ou 612345678 depuis la box)", ["612345678"]),
    ("Tél : +33 (0)6 12 34 56 78", []),  # the number itself, not a run of it written again
    ("réf. 633344554, 2024-03-04 10:12", []),  # no number written with its calling code
])
def test_a_number_written_again_without_its_trunk_0_or_its_plus_is_that_number(text: str, expected) -> None:
    assert _found(phone.RESTATED_SPEC.find(text), text) == expected


@pytest.mark.parametrize(("text", "expected"), [
    ("n'hésitez pas à appeler notre ligne téléphonique 031478923 ou à écrire", ["031478923"]),
    ("Tél. : 01 45 67 89 0 (secrétariat)", ["01 45 67 89 0"]),
    ("Fax - 01 45 67 89 012", ["01 45 67 89 012"]),
    ("Portable : au 061234567", ["061234567"]),
    ("Tél. : 01 45 67 89 00", []),  # a valid number is the main rule's
    ("dossier 031478923, IPP 01234567890", []),  # no phone label: ids
    ("téléphone du service, réf. 031478923", []),  # a label, but other words between
])
def test_a_number_with_a_digit_lost_or_doubled_is_a_phone_right_after_its_label(text: str,
                                                                               expected: list[str]) -> None:
    assert _found(phone.MISTYPED_SPEC.find(text), text) == expected


@pytest.mark.parametrize(("text", "expected"), [
    ("écrire à tlabelle @ medimail . com", "tlabelle @ medimail . com"),
    ("contact : jean.dupont [at] gmail [dot] com", "jean.dupont [at] gmail [dot] com"),
    ("courriel marie.curie arobase free point fr", "marie.curie arobase free point fr"),
    ("rdv @ 10h . ok", None),
    ("IOC : expéditeur jean.dupont[@]gmail[.]com", "jean.dupont[@]gmail[.]com"),  # "defanged", as security reports
    ("voir [@] et [.] plus haut", None),
    ("valid IBANs from standard-documents found at www.ecbs.org", None),  # a web page's host
    ("écrire à jean.dupont at gmail.com", "jean.dupont at gmail.com"),
    # a domain after a small word, named in a sentence: no local part
    ("nous avons abandonné le @univ-rennes1.fr au profit du @univ-rennes.fr.", None),
    ("write to the @example.com team", None),
])
def test_hidden_email_addresses_are_found_once_their_hiding_is_undone(text: str, expected: str | None) -> None:
    found = _found(email_address.OBFUSCATED_SPEC.find(text), text)
    assert found == ([expected] if expected else [])
    if expected:
        assert email_address.is_valid(email_address.deobfuscate(expected))


@pytest.mark.parametrize("address", [
    "{first}.{last}@exemple.fr",  # accents of French names in the local part (RFC 6531)
    "{first}@{last}-santé.fr",  # an internationalised domain name (IDNA U-labels)
    "{last}@exemple.xn--p1ai",  # a top-level domain written as an A-label
    "用户@例子.广告",  # the examples of Wikipedia's "International email" article
    "θσερ@εχαμπλε.ψομ",
])
def test_internationalised_email_addresses_are_found_whole(address: str) -> None:
    first, last = _people(1)[0]
    written = address.format(first=first.lower(), last=last.lower())
    text = f"Secrétariat ({written}), merci."
    assert _found(email_address.SPEC.find(text), text) == [written]
    assert email_address.is_valid(written)


@pytest.mark.parametrize(("address", "valid"), [
    # valid and invalid examples of Wikipedia's "Email address" article, as validators' test suites quote them
    ('" "@example.org', True),
    ('"john..doe"@example.org', True),
    ('"very.(),:;<>[]\\".VERY.\\"very@\\\\ \\"very\\".unusual"@strange.example.com', True),
    ("postmaster@[123.123.123.123]", True),
    ("postmaster@[IPv6:2001:0db8:85a3:0000:0000:8a2e:0370:7334]", True),
    ("_test@[IPv6:2001:0db8:85a3:0000:0000:8a2e:0370:7334]", True),
    ("postmaster@[300.1.2.3]", False),  # no IPv4 address
    ("postmaster@[IPv6:192.0.2.1]", False),  # an IPv4 address marked IPv6
    ('"' + "x" * 63 + '"@example.org', False),  # a local part over 64 characters
])
def test_quoted_local_parts_and_ip_literals_are_email_addresses(address: str, valid: bool) -> None:
    text = f"Exemple : {address} est une adresse."
    assert _found(email_address.LITERAL_SPEC.find(text), text) == ([address] if valid else [])
    assert _found(email_address.SPEC.find(text), text) == []  # the usual form reads none of them


@pytest.mark.parametrize("text", [
    'Dupont;"Jean";"06 12 34 56 78"',  # quoted CSV fields
    '{"email": "marie@exemple"}',  # no domain
    'ssh "root"@192.0.2.1',  # a host, no literal
])
def test_quotes_and_brackets_near_an_at_sign_are_no_address(text: str) -> None:
    assert list(email_address.LITERAL_SPEC.find(text)) == []


@pytest.mark.parametrize(("text", "addresses"), [
    ("Message-ID: <20240220001900.12345@chb.mssante.fr>", []),  # a message's identifier, not a mailbox
    ("Original-Message-ID: <20240219230100.23456@chb.mssante.fr>", []),
    ("In-Reply-To: <CAF3x9=abc@mail.gmail.com>", []),
    ("Content-ID: <part1.06090408.01060107@exemple.fr>", []),
    ("From: jean.martin@exemple.fr", ["jean.martin@exemple.fr"]),
    ("References: <20240219.1@chb.mssante.fr> <x.2@chb.fr>", []),
    ('{"message_id": "<abc123@mail.fr>"}', []),
    # a mailbox after a message's identifier is still one
    ("sendmail[123]: msgid=<2024@host.fr>, from=<paul.martin@orange.fr>, size=1234", ["paul.martin@orange.fr"]),
    ('{"message-id": "<abc@x.fr>", "from": "luc.bernard@gmail.com"}', ["luc.bernard@gmail.com"]),
    ("Message-ID: <abc@x.fr>; Reply-To: jean.dupont@orange.fr", ["jean.dupont@orange.fr"]),
    ("Message-Id: E1L4bAo-0000SE-1W@stork.gentoo.org", []),  # the identifier written bare
    # a git or scp remote names an SSH user; an address then a password, as leaked lists write them, is one
    ('"source": "git@github.com:konnectors/viasante.git"', []),
    ("scp rapport.pdf root@10.0.0.5:/srv/partage/", []),
    ("jean.dupont@gmail.com:azerty123", ["jean.dupont@gmail.com"]),
    ("admin@mairie-lyon.fr:Azerty123", ["admin@mairie-lyon.fr"]),  # a server's user name, no path after
    ("git@exemple.fr a écrit :", ["git@exemple.fr"]),
])
def test_mail_headers_that_identify_messages_hold_no_address(text: str, addresses: list[str]) -> None:
    assert _found(email_address.SPEC.find(text), text) == addresses


def test_ibans_with_dashes_or_in_lower_case_are_found() -> None:
    number = make_french_iban("30006", "00001", "12345678901")
    dashed = "-".join(number[i : i + 4] for i in range(0, len(number), 4))
    for written in (dashed, dashed.lower(), number.lower()):
        text = f"RIB : {written}."
        assert _found(iban.SPEC.find(text), text) == [written]


def _unkeyed(text: str) -> list[str]:
    return _found(nir.UNKEYED_SPEC.find(text), text) + _found(nir.SPEC.find(text), text)


@settings(max_examples=40, deadline=None)
@given(nirs(kind="nir"), st.integers(1, 96))
def test_a_nir_with_a_wrong_key_is_reported_only_next_to_a_nir_word(number: str, shift: int) -> None:
    wrong = number[:13] + f"{(int(number[13:]) + shift) % 100:02d}"
    assert not nir.is_valid(wrong)
    grouped = "-".join(nir_groups(wrong))
    assert _unkeyed(f"N° de sécurité sociale : {grouped}") == [grouped]
    assert _unkeyed(f"Référence dossier {grouped}") == []
    # Corsica's 2A/2B among the digits is a NIR's own writing, as its layout is: its own context
    own_writing = wrong[5:7] in ("2A", "2B") and 1 <= int(wrong[3:5]) <= 12
    assert _unkeyed(f"Référence dossier {wrong}") == ([wrong] if own_writing else [])
    found = list(nir.UNKEYED_SPEC.find(f"NIR {wrong}"))
    assert found and all(score < nir.TEMPORARY_SCORE for _, _, score in found)


@pytest.mark.parametrize("label", [
    "N° de sécurité sociale de l'assuré :", "Numéro de sécurité sociale de l’assuré(e) :", "N° SS du bénéficiaire :",
    "N° d'immatriculation de l'assuré :", "NIR du patient :", "Numéro de sécu :", "N° INSEE :", "Matricule INSEE :",
    "N° de SS :", "Numéro de SS", "numéro SS", "N° carte vitale :", "Numéro INS :",
])
def test_a_compact_nir_with_a_wrong_key_after_a_forms_nir_label_is_reported(label: str) -> None:
    number = make_nir("2", 69, 5, "49588", 157)
    wrong = number[:13] + f"{(int(number[13:]) + 1) % 100:02d}"
    assert _unkeyed(f"{label} {wrong}") == [wrong]


@settings(max_examples=40, deadline=None)
@given(nirs(kind="nir"), st.integers(1, 96), st.sampled_from([" ", "."]))
def test_a_nir_in_its_own_layout_needs_no_nir_word_whatever_its_key(number: str, shift: int, sep: str) -> None:
    """The seven groups of a Carte Vitale, or a form's boxes, are written for NIRs alone (eds-pseudo's letters:
    "Née le 4 septembre 1952, 1 60 04 25 311 114 26"); an invoice word still says no."""
    wrong = number[:13] + f"{(int(number[13:]) + shift) % 100:02d}"
    keyless = sep.join(nir_groups(wrong)[:-1])  # the six groups before the key, key left out
    for written in (sep.join(nir_groups(wrong)), keyless, " ".join(wrong), " ".join(wrong[:13])):
        assert _unkeyed(f"Née le 4 septembre 1952, {written}, Paris") == [written]
        assert _unkeyed(f"Né en novembre 1975 {written}") == [written]
        assert _unkeyed(f"Facture n° {written}") == []


@pytest.mark.parametrize("text", [
    "Né en 1975 1 60 14 25 311 114 26",  # month 14: out of range without a NIR word
    "Réf. 1 60 04 25-311 114 26",  # two separators: not the layout
    "Scores : 0 1 2 3 4 5 6 7 8 9 1 2 3 4 5 6 7 8 9 0",  # a run of digits longer than a NIR
    "Grille 1 2 0 0 5 0 1 0 0 0 1 2 3",  # commune 000
    "Tél. 1 60 04 25 31 11 14",  # not a NIR's groups
    "Lot 1 60 04 25 311 000",  # serial number 000
])
def test_a_number_out_of_a_nirs_layout_or_ranges_needs_a_nir_word(text: str) -> None:
    assert _unkeyed(text) == []


@pytest.mark.parametrize("field", ["'updatedAt':", '"created_at": ', "timestamp=", "horodatage : "])
def test_a_time_in_milliseconds_after_a_nir_is_no_nir(field: str) -> None:
    """Thirteen digits of a time since 1970 have a NIR's shape without its key; the field names the time."""
    nir_value = make_nir("1", 78, 11, "84007", 115)
    text = f"{{'numero_secu':'{nir_value}',{field}1508161300543,'__completion':true}}"
    assert _unkeyed(text) == [nir_value]


@settings(max_examples=30, deadline=None)
@given(nirs(kind="nir"), st.integers(1, 96))
def test_an_identification_number_is_a_nir_word_but_a_tax_one_is_not(number: str, shift: int) -> None:
    spaced = " ".join(number[:13] + f"{(int(number[13:]) + shift) % 100:02d}")
    assert _unkeyed(f"Date de naissance 21|05|1956 N° d'identification {spaced}") == [spaced]
    assert _unkeyed(f"Numéro d'identification fiscale : {number[:13]}") == []


@settings(max_examples=40, deadline=None)
@given(nirs(kind="nir"), st.integers(13, 19))
def test_a_nir_with_a_month_out_of_range_is_a_typo_next_to_a_nir_word_or_in_a_forms_boxes(number: str,
                                                                                          month: int) -> None:
    """Grouped, such a number needs a NIR word; digit by digit (a form's 13 or 15 boxes, which only a NIR
    fills: eds-pseudo's prescription forms) it does not, and an invoice word still says no."""
    typo = number[:3] + f"{month}" + number[5:]
    grouped, spaced = " ".join(nir_groups(typo)), " ".join(typo[:13])
    for written in (grouped, spaced):
        assert _unkeyed(f"Numéro de sécurité sociale : {written}") == [written]
    assert _unkeyed(f"Référence dossier {grouped}") == []
    assert _unkeyed(f"DE LUCA Roberta  {spaced}  2 8 1 2 1 9 6 9") == [spaced]
    assert _unkeyed(f"Facture n° {spaced}") == []
    assert {score for _, _, score in nir.UNKEYED_SPEC.find(f"NIR {typo}")} == {nir.UNKEYED_SCORE}


@settings(max_examples=40, deadline=None)
@given(nirs(kind="nir"))
def test_a_nir_written_digit_by_digit_and_one_with_its_key_apart_are_found(number: str) -> None:
    spaced = " ".join(number)
    assert _found(nir.SPEC.find(f"Immatriculation : {spaced}"), f"Immatriculation : {spaced}") == [spaced]
    apart = f"NIR {number[:13]} clé : {number[13:]}"
    assert _found(nir.UNKEYED_SPEC.find(apart), apart) == [apart[4:]]


@settings(max_examples=60, deadline=None)
@given(nirs(kind="nir"), st.integers(0, 96), st.integers(1, 19), st.sampled_from(["", " ", "-", "."]),
       st.text("0123456789", min_size=14, max_size=14))
def test_wrong_key_nirs_checked_at_once_are_checked_as_one_by_one(number: str, shift: int, month: int,
                                                                  sep: str, digits: str) -> None:
    """The joined search validates the matches of a column at once: the same verdicts as one by one."""
    wrong = number[:13] + f"{(int(number[13:]) + shift) % 100:02d}"
    typo = number[:3] + f"{month:02d}" + number[5:]
    written = [sep.join(nir_groups(n)) for n in (number, wrong, typo, number[0] + digits)] + [
        " ".join(wrong), number[:13], f"{number[:13]} (clé : {number[13:]})", f"{wrong[:13]}, clef {wrong[13:]}"]
    values = [v for v in written if nir.UNKEYED_REGEX.fullmatch(v)]
    assert nir.UNKEYED_SPEC.are_valid(values).tolist() == [nir.UNKEYED_SPEC.validate(v) for v in values]


@settings(max_examples=200, deadline=None)
@given(nirs(kind="nir"), st.integers(0, 14), st.sampled_from("0123456789AB"), st.sampled_from(["", " ", ".", "-"]))
def test_typos_checked_in_arrow_are_the_typos_the_rule_reports_next_to_a_nir_word(number: str, at: int, char: str,
                                                                                 sep: str) -> None:
    """Whole cells of a column named for NIRs: the typos found in Arrow (:func:`recognizers.nir.is_typo_array`)
    are the NIR-shaped cells the wrong-key rule reports after a NIR word; others are left to that rule."""
    typo = number[:at] + char + number[at + 1 :]
    written = sep.join(nir_groups(typo))
    shaped = pc.match_substring_regex(pa.array([written]), nir._WHOLE_CELL_RE2)[0].as_py()
    one_by_one = shaped and not nir.is_valid(written) and bool(nir.UNKEYED_REGEX.fullmatch(written)) \
        and nir.UNKEYED_SPEC.validate(written)
    assert nir.is_typo_array(pa.array([written, f" {written} ", None])).to_pylist() == [one_by_one] * 2 + [False]


@settings(max_examples=20, deadline=None)
@given(nirs(kind="nir"), st.integers(1, 96))
def test_a_right_key_given_apart_needs_no_nir_word_and_an_invoice_word_wins_over_one(number: str,
                                                                                      shift: int) -> None:
    apart = f"Dossier {number[:13]} (clé : {number[13:]})"
    assert [score for _, _, score in nir.UNKEYED_SPEC.find(apart)] == [nir.CONTEXT_SCORE]
    wrong = " ".join(nir_groups(number[:13] + f"{(int(number[13:]) + shift) % 100:02d}"))
    assert _unkeyed(f"NIR : voir facture n° {wrong}") == []
    assert _unkeyed(f"NIR : {wrong}") == [wrong]


@pytest.mark.parametrize("sex", "5678")
def test_cnam_temporary_numbers_are_reported_next_to_context(sex: str) -> None:
    body = make_nir(sex if sex in "78" else "1", 85, 5, "78006", 84)[:13]
    body = sex + body[1:]
    grouped = f"{body[0]} {body[1]} {body[2:5]} {body[5:]}"  # as CNAM's validator writes them
    for number in (body, grouped):
        assert _found(nir.UNKEYED_SPEC.find(f"N° SS provisoire : {number}"), f"N° SS provisoire : {number}") == [
            number]
        assert list(nir.UNKEYED_SPEC.find(f"Dossier {number}")) == []


@settings(max_examples=40, deadline=None)
@given(nirs(kind="nir"), st.sampled_from(["E14", "E+14", "e+14"]))
def test_a_nir_in_exponent_notation_is_found_and_a_rounded_one_is_not(number: str, marker: str) -> None:
    """A NIR column gone through a double and written by Java, Spark or Jackson: ``1.85057800608491E14``."""
    assume(number.isdigit())  # Corsica's 2A/2B are no number
    written = f"{number[0]}.{number[1:].rstrip('0')}{marker}"
    text = f"id=7;nir={written};ok"
    assert _found(nir.SPEC.find(text), text) == [written]
    assert nir.compact(written) == number
    rounded = f"{number[0]}.{number[1:6]}{marker}"  # Excel's 1.85058E+14: digits lost, no NIR left
    shifted = f"{number[0]}.{number[1:]}{marker[:-2]}13"  # a tenth of it
    for other in (rounded, shifted, written.replace(".", "", 1)):
        assert _found(nir.SPEC.find(f"nir={other}"), f"nir={other}") == [], other


@pytest.mark.parametrize(("sex", "year", "place", "valid"), [
    ("2", 83, "2B073", True),  # Corsica after 1976: 2A/2B
    ("2", 53, "2B073", False),  # ... not before
    ("1", 53, "20073", True),  # before 1976: 20
    ("1", 83, "20073", False),
    ("1", 80, "97501", True),  # Saint-Pierre-et-Miquelon has two communes
    ("1", 80, "97540", False),
    ("1", 80, "99126", True),  # born abroad: a country code 101-599
    ("1", 80, "99700", False),
])
def test_structure_the_key_cannot_check_decides(sex: str, year: int, place: str, valid: bool) -> None:
    number = make_nir(sex, year, 1, place, 5)  # the key passes in every row
    assert nir.is_valid(number) is valid
    # the key right, an impossible place is no typo: not a NIR even next to a NIR word or in a form's boxes
    spaced = " ".join(number)
    assert (_unkeyed(f"NIR : {number}") == [number]) is valid
    assert (_unkeyed(f"Assuré {spaced}") == [spaced]) is valid
    # with a wrong key, a digit is wrong: the place fields may be the typo, as the month may
    wrong = number[:13] + f"{(int(number[13:]) + 1) % 100:02d}"
    assert _unkeyed(f"NIR : {wrong}") == [wrong]
    assert _unkeyed(f"Assuré {' '.join(wrong)}") == [" ".join(wrong)]
    assert _unkeyed(f"Facture n° {' '.join(wrong)}") == []


@pytest.mark.parametrize(("text", "expected"), [
    ("Je suis adhérente à la MNT depuis 2010.", ["MNT"]),
    ("La MGS couvre mes enfants.", ["MGS"]),
    ("Ma mutuelle, la Mutuelle Générale, rembourse mal.", ["la Mutuelle Générale"]),
    ("Assuré chez Harmonie depuis 2019.", ["Harmonie"]),
    ("Remboursement des semelles chez **MNT** (SIREN: 775678584).", ["MNT"]),  # Markdown's emphasis
    ("Je suis adhérente à la _MNT_ depuis 2010.", ["MNT"]),
    ("une harmonie de couleurs, la mnt du terrain", []),
    ("pour Alan Turing", []),
    ("Des assurtechs comme Alan remboursent en deux jours.", ["Alan"]),  # the press's word for new insurers
    ("Le groupe Harmonie est né de ces fusions.", ["Harmonie"]),  # a group's name after "groupe"
    ("le groupe harmonie du chœur chante juste", []),
    ("La SMERRA et Vittavi, mutuelles étudiantes ; Pavillon Prévoyance", ["SMERRA", "Vittavi", "Pavillon Prévoyance"]),
    ("un pavillon de banlieue, une mère tutélaire", []),
    ("Fusion entre les groupes MGEN, Istya et Harmonie.", ["MGEN", "Istya", "Harmonie"]),  # an enumeration
    ("Harmonie / MACIF", ["MACIF", "Harmonie"]),
    ("la MACIF ; une harmonie parfaite", ["MACIF"]),  # no capital: a word
    ("avec la MGEN, Alan a présenté le bilan", ["MGEN"]),  # a sentence's subject, no item
    ("à la MAAF ; Harmonie, sa fille, a appelé", ["MAAF"]),
    ("MGEN, Harmonie, MNT et Istya", ["MGEN", "Istya", "Harmonie", "MNT"]),
    # a web site's or a mailbox's host, no insurer of anybody's; the mutuelles' federation
    ("voir le site www.mgen.fr ou harmonie-mutuelle.fr", []),
    ("ma mutuelle MGEN/Harmonie ne rembourse pas", ["MGEN", "Harmonie"]),  # a slash between two insurers
    ("je suis à la MGEN.elle rembourse mal", ["MGEN"]),  # a full stop without its space
    # an SQL statement's columns, no enumeration of insurers
    ("INSERT INTO MUTUELLES ( CODEMUTUELLE, LIBELLE, CODEADRESSE, EMAIL ) VALUES (", []),
    ("le président de la Mutualité Française Eric Chenut", []),
    ("la Mutualité Fonction Publique", ["Mutualité Fonction Publique"]),
    # a name that is a word too, before its line of cover or what it is; once, inside a listed name
    ("la MNT vous propose 4 formules MNT santé.", ["MNT", "MNT"]),
    ("Qui est-ce ?\nAlan est une compagnie d’assurance créée en 2016.", ["Alan"]),
    ("Alan Turing est un mathématicien.", []),
    ("le concert de la chorale harmonie santé", []),  # no capital: a word
    ("Harmonie Mutuelle rembourse", ["Harmonie Mutuelle"]),
    ("la directrice de Harmonie Mutuelles, le syndicat", ["Harmonie Mutuelles"]),  # the group in the plural
])
def test_insurers_are_found_in_prose_without_their_words_in_other_senses(text: str, expected: list[str]) -> None:
    found = [text[s:e] for spec in insurer.SPECS for s, e, _ in spec.find(text)]
    assert found == expected


_VOCABULARY = st.sampled_from([
    "Dr", "Dr.", "M.", "Mme", "née", "Nom :", "Prénom=", "signé par", "Jean", "Marie", "SOPHIE", "DUPONT",
    "Martin", "Rousset", "C.", "P.E.", "J-L", "de", "Le", "Hôpital", "rue", "poumon", "Résultats", "le", ";", ",",
    "|", "12/05/1985", "\n", "(", ")", ".", "ma fille", "sa sœur", "Christine", "Infirmiers :", "IDE:", "théodore",
    "roux", "et", "je m'appelle", "mon nom est", "cordialement,", "says:", "a écrit :", "nom", "LOUIS", "usage",
    "lefevre", "Cordialement,", "merci,", "Sophie", "Paris",
])


@settings(max_examples=300, deadline=None)
@given(st.lists(_VOCABULARY, min_size=1, max_size=8), st.sampled_from([" ", "", "  ", "\t"]))
def test_the_name_prefilter_matches_every_text_the_rules_find_a_name_in(words: list[str], glue: str) -> None:
    import pyarrow as pa
    import pyarrow.compute as pc

    text = glue.join(words)
    if person.find(text):
        texts = pa.array([text])
        assert any(pc.match_substring_regex(texts, pattern)[0].as_py() for pattern in person.PREFILTERS), text


#: Names, particles and letters in every case, glued every way: what once sent the name rules round forever
#: (a first name in capitals, then a particle cut off from what follows by a letter outside Latin-1).
_NAME_PIECES = st.sampled_from([
    "HUBERT", "Hubert", "EL", "El", "DE", "de", "Le", "VAN", "CALVO", "Calvo", "Ż", "ł", "BIETA", "C.", "J-L", "Dr",
    "Mme", "née", ",", "-", "'", "\n", "(", "12/05/1985", "rue",
])


@settings(max_examples=500, deadline=None)
@given(st.lists(_NAME_PIECES, min_size=1, max_size=8), st.sampled_from([" ", "", ", "]))
def test_the_name_rules_end_on_any_text(words: list[str], glue: str) -> None:
    import signal

    def stuck(*_: object) -> None:
        raise AssertionError(f"the name rules did not end on {glue.join(words)!r}")

    previous = signal.signal(signal.SIGALRM, stuck)
    signal.alarm(5)
    try:
        person._find(glue.join(words))  # uncached: every example runs the rules
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


@pytest.mark.parametrize(("text", "expected"), [
    ("la Mutuelle générale Environnement et Territoires (MGET) rembourse", {"MGET"}),
    ("les mutuelles partenaires (Prévadiès, Santévie et Sphéria Val de France)",
     {"Prévadiès", "Santévie", "Sphéria Val de France"}),
    ("Les mutuelles MNT, MGEFI et Mare-Gaillard fusionnent", {"MNT", "MGEFI", "Mare-Gaillard"}),
    ("Paris, Lyon et Marseille", set()),
    ("Vu par Dr Martin, Dr Durand et Dr Petit", set()),
    # a name after the word with an elided link, its acronym after a dash; a name ending with the word
    ("avec la Mutuelle de l'Hôtellerie Restauration (MHR), votre entreprise", {"Mutuelle de l'Hôtellerie Restauration",
                                                                             "MHR"}),
    ("CONDITIONS GENERALES Mutuelle Vitalité Santé - MVS\nREGLEMENT", {"Mutuelle Vitalité Santé", "MVS"}),
    ("GROUPE FRANCE MUTUELLE\nREGLEMENT MUTUALISTE", {"GROUPE FRANCE MUTUELLE"}),
    ("adhérent du Groupe des Mutuelles Indépendantes depuis 2010", {"Groupe des Mutuelles Indépendantes"}),
    # a name ending with "Mutualité", whatever its first word; not the federation, nor its events
    ("La situation de Landes Mutualité, placée sous administration provisoire", {"Landes Mutualité"}),
    ("une mutuelle quitte Humanis, après Toulouse mutualité en 2011", {"Toulouse mutualité"}),
    ("la Fédération Nationale de la Mutualité Française et la Semaine Mutualité", set()),
    ("Forum Mutualité : inscrivez-vous. Actualités Mutualité", set()),  # a common word before the word
    ("Ils ont construit leurs identités mutuelles au fil des ans.", set()),  # a listed name, no capital
    ("la CSS assurance complémentaire santé solidaire", set()),  # the Complémentaire santé solidaire
    # a statute's divisions and the next sentence's article after the word start no name
    ("FORMATION ET OBJET DE LA MUTUELLE Article 1 er - Dénomination", set()),
    ("Article 2 - Siège de la Mutuelle Le siège de la Mutuelle est situé à Lille", set()),
    ("adhérent de la Mutuelle La Frontalière", {"Mutuelle La Frontalière"}),
    ("'Régime général', 'Mutuelle Fictive', 'MF-99740'", {"Mutuelle Fictive"}),  # the closing quote is no part
    ("le rapprochement avec Vendée Mutuelles, puis avec d'autres", {"Vendée Mutuelles"}),  # the plural too
    ("Toutes Mutuelles confondues, les tarifs montent.", set()),
    # which mutuelle the writer means, a heading, the legal code: no name
    ("Choisir Votre Mutuelle Santé, Comparer Mutuelle", set()),
    ("INFORMATIONS SUR VOTRE MUTUELLE", set()),
    ("Mutuelle régie par le Livre II du Code de la Mutualité RNM", set()),
    ("('020', 'MSA (Mutualité Sociale Agricole)', 'agricole')", set()),  # the farmers' compulsory scheme
    ("-- 7) SEED — Mutuelles principales (n° AMC connus publiquement)", set()),  # before the opening words
    ("Groupes de mutuelles (Prévadiès, Mutuelle existence et Santévie)", {"Prévadiès", "Mutuelle", "Santévie"}),
    # items after an article: "la MGEN" is an item as "MGEN" is
    ("Au cœur du projet, une union réunira ainsi Malakoff Humanis, la MGEN, la MNT, la MGEFI et Mare-Gaillard, pour"
     " un chiffre d'affaires de 5 milliards.", {"Mare-Gaillard"}),
    # items after a colon, in a sentence whose first word the split cuts off
    ("À y regarder de plus près, il faut choisir entre deux options : SMER (Société Mutualiste Étudiante"
     " Régionale) et LMDE (La Mutuelle des Étudiants).", {"SMER", "Société Mutualiste Étudiante Régionale"}),
])
def test_insurers_missing_from_the_list_are_found_by_how_they_are_written(text: str, expected: set[str]) -> None:
    found = {text[s:e] for spec in insurer.SPECS for s, e, _ in spec.find(text)}
    assert expected <= found
    if not expected:
        assert found == set()


@pytest.mark.parametrize(("text", "not_insurers"), [
    ("Ce groupe réunit la MGEN, la Mutuelle nationale territoriale (MNT) et Territoires", {"Ce", "Territoires"}),
    ("Les dirigeants Jean Morel (Harmonie Mutuelle) et Thierry Beaudet (MGEN) expliquent", {"Les", "Thierry Beaudet"}),
    ("Au cœur du dispositif, la MGEN, la MNT et la MGEFI se rapprochent", {"Au cœur du dispositif"}),
    ("NOM DE L'ASSURANCE OU MUTUELLE SANTÉ\nObjet : résiliation de la Mutuelle des Étudiants", {"MUTUELLE SANTÉ"}),
    ("À y regarder de plus près, la MGEN, la MNT et la MGEFI se rapprochent", {"À"}),
    ("Assurance : AXA, Allianz, Generali", {"Assurance"}),  # the label before the colon
])
def test_the_items_of_an_enumeration_of_insurers_that_are_words_or_people_are_not_insurers(
        text: str, not_insurers: set[str]) -> None:
    found = {text[s:e] for spec in insurer.SPECS for s, e, _ in spec.find(text)}
    assert found and not found & not_insurers


#: Titles of the rules' list that the RE2 pre-filter of the column scan once missed, so the rules never saw
#: their texts (the person module alone found them).
TITLE_WRITINGS = [
    "Pansement refait par l'infirmière [[{Last}]] ce matin.",
    "Séance avec le kiné [[{Last}]] reportée.",
    "Sœur [[{FIRST} {LAST}]] a appelé le service.",
    "Messieurs [[{LAST}]] et associés : courrier reçu.",
]


@pytest.mark.parametrize("template", TITLE_WRITINGS)
def test_names_after_every_title_are_found_by_the_column_scan(template: str) -> None:
    import pyarrow as pa

    from leakguard import scan_table

    people = _people(6)
    texts = [_filled(template, first, last) for first, last in people]
    findings = scan_table(pa.table({"commentaire": [text for text, _ in texts]}), ner=False)
    persons = findings.filter(pa.compute.equal(findings["entity"], "PERSON")).to_pylist()
    for row, (text, expected) in enumerate(texts):
        found = [text[f["start"]:f["end"]] for f in persons if f["row"] == row]
        assert _covered(expected, found), (text, found)


@pytest.mark.parametrize("template", [
    '192.0.2.7 - - [02/Dec/2026:01:00:00 +0100] "GET /api/beneficiaires?nom={Last} HTTP/1.1" 200 512',
    '"POST /adhesion?prenom={FIRST}&nom={LAST} HTTP/2" 302',
])
def test_a_name_at_the_end_of_a_request_stops_before_the_protocol(template: str) -> None:
    for first, last in _people(6):
        text = template.format(FIRST=first, LAST=last.upper(), Last=last)
        found = _found(person.find(text), text)
        assert found and not any("HTTP" in name for name in found), (text, found)


@pytest.mark.parametrize("key", ["Nom d'usage", "Nom d’usage", "Nom de naissance", "Nom d'épouse", "Nom marital",
                                 "nom_usage", "Nom de jeune fille"])
def test_each_name_key_of_a_line_names_its_value(key: str) -> None:
    """Forms put several keys on a line: ``Nom de naissance : PETIT ; Nom d'usage : MOREAU ; Prénom : Sylvie``."""
    for first, last in _people(3):
        text = f"Prénom : {first} ; {key} : {last.upper()} ; Sexe : F"
        assert _found(person.find(text), text) == [first, last.upper()], text


@pytest.mark.parametrize("template", [
    '$patient->setNom("{LAST}")\n    ->setPrenom("{FIRST}")',  # fixtures and builders name fields by setters
    'p.setLastName("{LAST}"); p.setFirstName("{FIRST}");',
    'Patient.builder().withNom("{last}").withPrenom("{first}").build();',
    '$p->setNom(\u00a0"{LAST}")->setPrenom(\u00a0"{FIRST}")',  # a no-break space before the quote
])
def test_a_setter_named_for_a_name_key_names_its_argument(template: str) -> None:
    for first, last in _people(3):
        text = template.format(FIRST=first, LAST=last, first=first.lower(), last=last.lower())
        assert _found(person.find(text), text) == [last.lower() if "{last}" in template else last,
                                                   first.lower() if "{first}" in template else first], text


@pytest.mark.parametrize("template", [
    "'{{{{patient.nom}}}}': '{LAST}',\n'{{{{patient.prenom}}}}': '{FIRST}',\n'{{{{patient.dateNaissance}}}}': '{DOB}',",
    '"${{patient.nom}}": "{LAST}", "${{patient.prenom}}": "{FIRST}", "${{patient.date_naissance}}": "{DOB}"',
    "%NOM_PATIENT% = {LAST}\n%PRENOM_PATIENT% = {FIRST}\n%DATE_NAISSANCE% = {DOB}",
])
def test_a_template_s_variables_name_their_values(template: str) -> None:
    """Letter and document templates show their variables filled with an example: ``'{{patient.nom}}': 'MARTIN'``."""
    for first, last in _people(3):
        text = template.format(FIRST=first, LAST=last.upper(), DOB="15/03/1990")
        assert _found(person.find(text), text) == [last.upper(), first], text
        assert _found(date_of_birth.SPEC.find(text), text) == ["15/03/1990"], text


@pytest.mark.parametrize("text", ['font.setFamily("Helvetica");', 'label.setGivenName("Roboto")'])
def test_a_font_s_family_set_in_code_is_no_name(text: str) -> None:
    assert _found(person.find(text), text) == []


@pytest.mark.parametrize("gap", [" ", "  ", "\t"])
@pytest.mark.parametrize("label", ["Prénom :", "Né le :", "Date de naissance :", "Sexe="])
def test_the_next_label_of_a_line_of_fields_is_no_part_of_the_name(gap: str, label: str) -> None:
    """Exports and printed forms put fields side by side with spaces: ``Nom : DURAND  Prénom : Paul  Né le :``."""
    for first, last in _people(3):
        text = f"Nom : {last.upper()}{gap}{label} 05/04/1933"
        assert _found(person.find(text), text) == [last.upper()], text
        text = f"Prénom : {first}{gap}{label} 05/04/1933"
        assert _found(person.find(text), text) == [first], text
        model = person.plausible_model_span(text, text.index(first), text.rindex(label) + len(label.split()[0]))
        assert model == (text.index(first), text.index(first) + len(first)), text


@pytest.mark.parametrize(("text", "expected"), [
    # notices and indexes write a person surname first, a comma, then the first name
    ("Notice biographique\n{Last}, {FIRST} (Carnac, 5 août 1907). Poète.", ["{Last}", "{FIRST}"]),
    ("Le Men, {FIRST} (Tréguier, 10 février 1953).", ["Le Men", "{FIRST}"]),
    ("Auteurs : {Last}, {FIRST} ; {Other}, {FIRST}.", ["{Last}", "{FIRST}", "{Other}", "{FIRST}"]),
    ("Paris, {FIRST} (mon frère) est venu.", []),  # a place
    ("Ensuite, {FIRST} (ma sœur) est venue.", []),  # a French word
    ("Il a vu {Last}, {FIRST} est partie.", []),  # within a sentence: two people, maybe
    ("Service de gériatrie, CHU de Grenoble, {Last}, {FIRST}\n", []),  # an address's places after commas
    ("Centre hospitalier d'Annecy, Pringy, France\n", []),
])
def test_a_surname_a_comma_and_a_first_name_are_a_notice_s_person(text: str, expected: list[str]) -> None:
    # surnames that are no French word (one that is, "Blanchet", is not read this way: "Ensuite, Marie")
    for first, last, other in (("Yvon", "Kerbrat", "Quéméner"), ("Georges", "Julien", "Guivarc'h")):
        fill = {"FIRST": first, "Last": last, "Other": other}
        filled = text.format(**fill)
        assert _found(person.find(filled), filled) == [e.format(**fill) for e in expected], filled


@pytest.mark.parametrize("title", ["Melle", "MELLE", "Mlle", "Mademoiselle"])
def test_every_spelling_of_mademoiselle_is_a_title(title: str) -> None:
    for first, last in _people(3):
        text = f"Nous avons reçu {title} {first} {last} en consultation."
        assert _found(person.find(text), text) == [f"{first} {last}"], text


@pytest.mark.parametrize("surname", ["Chrétien", "Parisien", "Batiste"])
@pytest.mark.parametrize("template", ['beneficiary={{"nom":"{s}","prenom":"Julie"}}', "Nom : {s}", "nom={s}"])
def test_a_surname_that_reads_as_a_role_is_a_name_after_a_name_key(surname: str, template: str) -> None:
    """``Dr. Cardiologue`` names nobody, but after ``nom`` a word of a role (-ien, -iste) is the surname."""
    text = template.format(s=surname)
    assert surname in _found(person.find(text), text), text


#: Names typed in small letters as the value of a name key: query strings of access logs, JSON and key=value
#: log lines, form lines (the key says what the value is; no capital does).
SMALL_LETTER_KEY_VALUES = [
    '203.0.113.9 - - [02/Dec/2026:10:12:01 +0100] "GET /v1/adherents/search?nom={last}&prenom={first}'
    '&date_naissance=1985-03-12 HTTP/1.1" 200 512',
    '2026-02-01T08:00:05.497Z INFO tp-gateway beneficiary={{"nom":"{last}","prenom":"{first}"}}',
    "2026-02-01 08:00:05 INFO maj beneficiaire nom={last} prenom={first} statut=ok",
    "Patient - Nom : {last} - Prénom : {first} - DDN : 12/03/1985",
    "last_name={last};first_name={first};city=lyon",
    '2026-02-01T08:00:05Z INFO POST /fhir/Patient body={{"resourceType":"Patient","name":[{{"family":"{last}",'
    '"given":["{first}"]}}],"gender":"female"}}',  # a FHIR resource in a log line: a JSON list of given names
    '<Assure Nom="{last}" Prenom="{first}" DateNaissance="19850312" Regime="01"/>',  # XML attributes
    "<beneficiaire><nom>{last}</nom><prenom>{first}</prenom><ville>lyon</ville></beneficiaire>",  # XML elements
    # forms' keys that say whose name it is
    "Nom de l'assuré(e) : {last}\tPrénom(s) : {first}",
    "Nom du bénéficiaire : {last} - Prénom du bénéficiaire : {first}",
    "nom_de_la_mere={last}&prenom_de_la_mere={first}",
]


@pytest.mark.parametrize("template", SMALL_LETTER_KEY_VALUES)
def test_names_in_small_letters_after_a_name_key_are_found(template: str, tmp_path) -> None:
    from leakguard.scan import scan_path

    people = [(first.lower(), last.lower()) for first, last in _people(6)]
    texts = [template.format(first=first, last=last) for first, last in people]
    for text, (first, last) in zip(texts, people, strict=True):
        assert _found(person.find(text), text) == [last, first], text
    path = tmp_path / "app.log"  # a scan of the file (its lines searched together) finds them alike
    path.write_text("\n".join(texts) + "\n", encoding="utf-8")
    found = [item[1] for item in scan_path(str(path), options=DetectOptions(ner=False, show_values=True))
             if isinstance(item, tuple)]
    names = sorted((row, value) for table in found for row, entity, value in
                   zip(*(table[c].to_pylist() for c in ("row", "entity", "value"))) if entity == "PERSON")
    assert names == sorted((row, value) for row, pair in enumerate(people) for value in pair)


@pytest.mark.parametrize(("text", "names"), [
    ('{"nom": "le goff", "prenoms": ["anne", "marie-claire"], "ville": ["lyon"]}', ["le goff", "anne", "marie-claire"]),
    ('"given": [ "Jean" , "Pierre" ], "city": ["Nantes", "Brest"]', ["Jean", "Pierre"]),
    ('"prenoms": [12, 13], "nom": []', []),
])
def test_each_string_of_a_list_after_a_name_key_is_a_name(text: str, names: list[str]) -> None:
    assert _found(person.find(text), text) == names


@pytest.mark.parametrize("text", [
    "nom=null&prenom=", "Nom : le patient", "Nom : voir ci-dessous", '{"nom": "inconnu", "prenom": "test"}',
    "Nom : à compléter", "nom_fichier=rapport.pdf", "hostname=srv01 name=backup",
    "Nom du produit : doliprane", "Nom de la ville : lyon", "Nom de l'employeur : acme",  # things, not persons
    "export interface Patient {\n  nom: string;\n  prenom: string;\n}", "class Patient:\n    nom: str",
    "nom: String, prenom: String", "CREATE TABLE patient (nom VARCHAR(50), prenom TEXT);",  # types of a schema
    "SELECT * FROM patients ORDER BY nom ASC, prenom DESC", "WHERE nom IS NOT NULL",  # SQL after a column
    "SELECT nom FROM patients WHERE nom NOT LIKE 'A%'", "GROUP BY nom HAVING count(*) > 1",
])
def test_placeholders_and_prose_after_a_name_key_are_no_names(text: str) -> None:
    assert _found(person.find(text), text) == [], text


@pytest.mark.parametrize(("text", "expected"), [
    ("Nom : Char René", ["Char René"]),  # a type's name that is a surname, a first name after it
    ('{"nom": "Date", "prenom": "Marie"}', ["Marie"]),
])
def test_a_type_s_name_before_a_first_name_is_a_surname(text: str, expected: list[str]) -> None:
    assert _found(person.find(text), text) == expected


#: Names typed in small letters after a title in small letters (call notes, chat messages): the title says a
#: name follows; a surname that is a French word is not taken after a title alone (``mme petit``).
SMALL_LETTER_TITLES = [
    ("appel de mme [[{last}]] au sujet de sa carte", False),
    ("vu ce jour par le docteur [[{last}]], rappeler demain", False),
    ("rdv dr [[{last}]] jeudi 14h", False),
    ("rappeler m. [[{last}]] au 01 42 21 09 28", False),
    ("secrétariat dr [[{f}. {last}]] 01 42 21 09 28", True),
    ("mme [[{first} {last}]] a appelé pour son remboursement", False),
    ("contactez dr.[[{first} {last}]] pour le suivi", False),  # the title's full stop glued to the name
    ("rapport rédigé pour m.[[{last}]] le 12/12/2025", False),
    ("drs juniors : dr [[{f} {last}]] 02.14.11.00.43", False),  # an initial without its full stop
    ("compte rendu validé par le prof [[{f}. {last}]]", True),  # "pr", "prof": only before initials
    ("avis du pr [[{f}. {last}]] demandé", True),
    ("vu en staff avec le professeur [[{last}]] ce jour", False),
]


@pytest.mark.parametrize(("template", "any_word"), SMALL_LETTER_TITLES)
def test_names_in_small_letters_after_a_title_are_found(template: str, any_word: bool) -> None:
    people = [(first.lower(), last.lower()) for first, last in _people(12)]
    if not any_word:
        people = [(first, last) for first, last in people if not lexicon.is_word(last)
                  and lexicon.is_first_name(first)]
    assert len(people) >= 4
    for first, last in people:
        text = template.format(first=first, last=last, f=first[0])
        expected = _MARK.findall(text)
        text = _MARK.sub(r"\1", text)
        assert _found(person.find(text), text) == expected, text


@pytest.mark.parametrize("text", [
    "mme la directrice a signé", "monsieur le maire est informé", "madame est venue ce matin",
    "madame, monsieur, veuillez trouver", "taille 1,75 m. poids 80 kg", "avis du docteur traitant demandé",
    "docteur en médecine générale", "mme x a appelé", "le dr a vu le patient", "pr rdv demain", "prof de sport",
    "rdv pr irm lundi", "le professeur principal a appelé", "dr r mas - phone",
    # what looks like a title, an initial or a glued full stop in chats, logs and addresses
    "rdv pr l irm lundi", "m.a.j. effectuée le 12/03", "Prenez rdv sur https://m.doctolib.fr/rdv", "voir m.lefigaro.fr",
    "injection pr s.c. demain matin", "j'ai vu le dr c ok pour lundi",
    # after a civil title, a verb before a first name: no surname
    "mme inscrit kévin à la crèche", "madame accompagne jérémy à sa séance",
])

def test_small_words_after_a_title_in_small_letters_are_no_names(text: str) -> None:
    assert _found(person.find(text), text) == [], text


#: A surname that is a French word, after a title in small letters, before a first name that is none: the first
#: name says the word is a surname (``le dr faucon jérémy``); a role is none (``le dr urgentiste jérémy``).
@pytest.mark.parametrize(("text", "expected"), [
    ("le dr [[hommé jérémy]], tel: 05 62 05 68 52", None),
    ("rdv avec le docteur [[petit lucas]] demain", None),
    ("le dr urgentiste [[jérémy]] a rappelé", None),
    ("dr [[toudoire-surlapierre benoît]], dr [[lefebvre dominique]]", None),  # a hyphenated surname
    ("le dr faucon pierre s'est entretenu", []),  # "pierre" is a word too: no cue
    ("pièce jointe : mme [[dupont]].docx", None),  # a file's extension is no word of the name
])
def test_a_word_before_a_first_name_after_a_small_title_is_a_surname(text: str, expected: list[str] | None) -> None:
    want = _MARK.findall(text) if expected is None else expected
    plain = _MARK.sub(r"\1", text)
    assert _found(person.find(plain), plain) == want, plain


#: Names writers give as their own in messages (forums, e-mails, chat), in small letters as often as not: after
#: ``je m'appelle`` (misspelt too), ``mon nom est``, ``moi c'est``, and as a signature after a closing.
SELF_NAMING = [
    "bonjour je m'appelle [[{first} {last}]] et j'ai une question sur mon remboursement",
    "je m'apelle [[{first}]] enceinte de 3 mois, ma mutuelle ne répond pas",
    "bonjour, mon nom est [[{first} {last}]], adhérent depuis 2015",
    "moi c'est [[{first}]], 34 ans, même problème",
    "merci de votre aide. cordialement, [[{first} {last}]]",
    "Je me nomme [[{First} {Last}]] et je conteste ce refus.",
    "  1. [[{First} {l}]] says:\n\n    Bonjour,",
    "  2. [[{First} {Last}]] a écrit :\n> ma mutuelle ne rembourse pas",
    "Est-ce vrai?\n\n    Cordialement [[{first} {l}]]\n",
    "Rédigé par [[F.{Last}]]\n\nPublié le 29/03/2011",  # an initial glued to the surname (not "M.": a title)
    "Merci de votre retour.\nCordialement,\n[[{First}]]\n", "ok merci, [[{First}]]\n",
    "je m'appelle [[{first}]] SVP aidez-moi",  # a word in capitals without a vowel ends the name
    "  3. [[{First}]] dit\u00a0:\r\n  Bonjour",
]


@pytest.mark.parametrize("template", SELF_NAMING)
def test_names_writers_give_as_their_own_are_found(template: str) -> None:
    people = [(first, last) for first, last in _people(12) if not lexicon.is_word(last)
              and lexicon.is_first_name(first) and not lexicon.is_word(first)]
    assert len(people) >= 4
    for first, last in people:
        text = template.format(first=first.lower(), last=last.lower(), First=first, Last=last, l=last[0].lower())
        expected = _MARK.findall(text)
        text = _MARK.sub(r"\1", text)
        assert _found(person.find(text), text) == expected, text


@pytest.mark.parametrize("text", [
    "je m'appelle comme mon grand-père", "moi c'est pareil, ma mutuelle ne rembourse pas",
    "mon nom est personne", "merci beaucoup pour votre aide", "Cordialement,\nFrance Assureurs",
    "Bien à vous,\nLe service adhérents", "merci, bonne journée à tous", "merci beaucoup\nla mutuelle",
    "cordialement, le service client",
    "  1. Résiliation Loi Hamon says:\n", "Le médecin dit :\nrien de grave", "La patiente a dit :",
    "moi c'est ok", "moi c'est covid", "moi c'est IRM lundi", "moi c'est mgen", "mon nom est ok",  # no names
    "MGEN dit :\n", "ChatGPT a dit :\n", "L'IA dit :\n", "Bien cordialement,\nParis", "Merci,\nNancy",
])
def test_words_after_a_self_naming_or_a_closing_are_no_names(text: str) -> None:
    assert _found(person.find(text), text) == [], text


def test_the_model_reads_only_texts_with_a_capitalised_word_no_rule_explains(tmp_path, monkeypatch) -> None:
    from leakguard.detect import ner
    from leakguard.scan import scan_path

    asked: list[str] = []
    find = ner.NameFinder.find
    monkeypatch.setattr(ner.NameFinder, "find", lambda self, texts: asked.extend(texts) or find(self, texts))
    (first, last), (other, _) = _people(2)
    lines = [
        "2026-02-01T08:00:02.160Z INFO tp-gateway req=cbe98ce8 POST /v1/droits status=200",  # levels, methods
        f'2026-02-01T08:00:05.497Z INFO tp-gateway beneficiary={{"nom":"{last}","prenom":"{first}",'
        '"organisme":"Harmonie Mutuelle"}',  # every capitalised word is in a finding of the rules
        f"2026-02-01T08:00:07.011Z WARN tp-gateway appel de {other} au sujet du dossier",  # the model's turn
    ]
    path = tmp_path / "gateway.log"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    found = [item[1] for item in scan_path(str(path), options=DetectOptions(ner=True, show_values=True))
             if isinstance(item, tuple)]
    names = {(row, value) for table in found for row, entity, value in
             zip(*(table[c].to_pylist() for c in ("row", "entity", "value"))) if entity == "PERSON"}
    assert asked == [lines[2]]
    assert {(1, last), (1, first)} <= names


#: A story or a case report names someone in full (or after a title) once, then by one word; the writing of
#: children's stories and case reports (forms met in eds-pseudo's templates and public case reports).
MENTIONS = [
    ("Ce matin {First} {Last}, 8 ans, est arrivé à l'école.\nPlus tard, {First} a prêté son sifflet.", ["{First}"]),
    ("Vu ce jour avec le Dr {Last}.\nLe compte rendu de {Last} suivra.", ["{Last}"]),
    ("Mme {First} {Last}, 54 ans.\nRevue avec son fils ; {Last} et {First} ont signé.", ["{Last}", "{First}"]),
]


@pytest.mark.parametrize(("story", "again"), MENTIONS)
def test_a_name_found_once_is_found_again_alone_on_other_lines(story: str, again: list[str], tmp_path) -> None:
    from leakguard.scan import scan_path

    people = [(first, last) for first, last in _people(8) if not lexicon.is_word(last)]  # "Blanchet": a cloth
    assert len(people) >= 4
    for first, last in people:
        text = story.format(First=first, Last=last)
        path = tmp_path / "lettre.txt"
        path.write_text(text, encoding="utf-8")
        found = [item[1] for item in scan_path(str(path), options=DetectOptions(ner=False, show_values=True))
                 if isinstance(item, tuple)]
        second = [value for table in found for row, entity, value in
                  zip(*(table[c].to_pylist() for c in ("row", "entity", "value"))) if entity == "PERSON" and row == 1]
        assert second == [word.format(First=first, Last=last) for word in again], text
        one_cell = scan_table(pa.table({"commentaire": [text]}), options=DetectOptions(ner=False, show_values=True))
        assert [w.format(First=first, Last=last) for w in again] == [
            v for v, s in zip(one_cell["value"].to_pylist(), one_cell["start"].to_pylist()) if s > text.index("\n")]


@pytest.mark.parametrize("text", [
    "Mme Marine Durand a appelé. La Marine nationale recrute.",  # after an article: a thing
    "Hôpital Avicenne, service d'oncologie.\nLe Dr Martin y consulte. Rendez-vous rue Martin.",  # a place word
    "Urgences Oncologiques de Smallpox.\nLe service Smallpox répond.",  # no first name, no title: a guess
    "M. DEBRE a appelé.\nHôpital ROBERT DEBRE, site DEBRE.",  # words in capitals: codes and hospitals
    "René Laennec inventa le stéthoscope ; on parle encore de cirrhose de Laennec.",  # an eponymous disease
])
def test_a_word_of_a_name_is_not_a_name_again_after_a_place_word_or_from_a_guess(text: str) -> None:
    names = person.find(text)
    assert [text[s:e] for s, e, _ in person.mentioned_again(text, names)] == []


@pytest.mark.parametrize(("text", "names"), [
    ("Cher Bernard,\nJe vous remercie de votre lettre.", ["Bernard"]),  # a letter's salutation
    ("Bonjour Marie, merci pour le dossier.", ["Marie"]),
    ("bonjour Lucie, le rendez-vous est confirmé", ["Lucie"]),
    ("Encore merci Sophie pour ton aide.", ["Sophie"]),
    ("Le Pr est arrivé avec son interne, Mélanie, et l'externe.", ["Mélanie"]),
    ("Sa voisine Josiane passe chaque matin.", ["Josiane"]),
    # how many instead of whose, and the other items of the list
    ("Elle a deux filles, Danielle et Josiane.", ["Danielle", "Josiane"]),
    ("Ses enfants Paul, Hugo et Josiane sont venus.", ["Paul", "Hugo", "Josiane"]),
    ("Un frère, Lucas, et une sœur, Emma, vivent à Lyon.", ["Lucas", "Emma"]),
    ("Ses deux filles, Danielle et Orange, la fibre.", ["Danielle"]),  # a word is no item of the list
    ("Cher Ami,\nChère Madame,\nCher Confrère,", []),  # words, titles: nobody
    ("Merci Orange pour la fibre.", []),
    # parents and spouses as civil-status records and genealogies name them, the first name elided or not
    ("Baptisé ce jour, fils de Jacques et de Françoise, laboureurs.", ["Jacques", "Françoise"]),
    ("Jean CARLIN, fils d'Étienne et d'Hélène, journalier.", ["Jean CARLIN", "Étienne", "Hélène"]),
    ("Inhumée la veuve de Honoré, âgée de 80 ans.", ["Honoré"]),
    ("Les enfants de Paris et le fils de Dieu.", []),  # a place, a word
])
def test_a_first_name_after_a_greeting_or_a_close_persons_word_is_a_name(text: str, names: list[str]) -> None:
    assert _found(person.find(text), text) == names


@pytest.mark.parametrize(("text", "names"), [
    ("Jean Dupont né Lelièvre", ["Jean Dupont", "Lelièvre"]),
    ("MMM.né le0 LeLiÈVRe", []),  # a word the tokens skip between the link and the next capital: no link
])
def test_a_name_link_links_the_word_right_after_it(text: str, names: list[str]) -> None:
    assert _found(person.find(text), text) == names


@pytest.mark.parametrize(("text", "names"), [
    ("Adresse : 50 Avenue du Professeur André Lemierre, 75020 Paris", []),  # streets named after doctors
    ("Il habite 12 rue du Docteur Roux, impasse du Dr Schweitzer.", []),
    ("Avis demandé au service du Dr Martin, vu par le Docteur Roux.", ["Martin", "Roux"]),  # the doctor's
])
def test_a_title_in_a_street_s_name_names_nobody(text: str, names: list[str]) -> None:
    assert _found(person.find(text), text) == names


@pytest.mark.parametrize(("text", "names"), [
    ("amc=40700062 adherent=MB-301-774 motif=clos", []),  # a member number's prefix, no name
    ("retour adherent=HM 4688283 statut=ACCEPTE", []),
    ("Adhérent : LMG/552017", []),
    ("retour adherent=DUPONT Jean statut=ACCEPTE", ["DUPONT Jean"]),
    ("retour benef=FONDUE/CHARLOTTE ddn=19980525", ["FONDUE/CHARLOTTE"]),  # SURNAME/FIRST NAME of exports
])
def test_a_key_s_value_that_opens_a_number_is_no_name_and_one_that_opens_a_name_is(text: str,
                                                                                  names: list[str]) -> None:
    assert _found(person.find(text), text) == names


@pytest.mark.parametrize(("text", "names"), [
    ("Mardi Servane et Marianne sont allées à l'hôpital.", ["Servane", "Marianne"]),  # one name in no list
    ("Hier, Paul et Sophie sont venus la voir.", ["Paul", "Sophie"]),
    ("Entre Florence et Nancy, le train s'arrête.", []),  # places
    ("Après mes études en France et Grande-Bretagne, j'ai obtenu un poste.", []),  # countries after "en"
    ("La maladie de Crohn et Parkinson.", []),  # an unknown word beside a word of the language
    ("Les hôpitaux Necker et Cochin ferment.", []),  # after a place word
    ("Google et Amazon ouvrent des bureaux.", []),
])
def test_two_first_names_joined_by_et_are_two_people(text: str, names: list[str]) -> None:
    assert _found(person.find(text), text) == names


@pytest.mark.parametrize(("text", "names"), [
    ("Mr C. est immobilisé dans son lit.", ["C."]),  # "Mr", and "M." with its full stop, before an initial
    ("M. D a appelé le secrétariat.", ["D"]),
    ("un patient, Mr P, atteint d'une démence", ["P"]),
    ("l'instruction du dossier du Dr D., qualifié spécialiste", ["D."]),  # a doctor: the initial's full stop
    ("Dr X. est parti en congé.", []),  # a placeholder letter
    ("Parmi eux, le Dr A : « Moi, ça m'arrange. »\nLe Dr K se sent plus détendu.", ["A", "K"]),  # interviews
    ("Avis du Pr B, chef de service.", ["B"]),  # small letters or punctuation after a doctor's bare initial
    ("DR A BIEN VU LE PATIENT.\nDr B 12 rue Haute", []),  # capitals, a number: no doctor cut to an initial
    ("o DR XXXX (MT)\no Dr YYYY (Spé)", []),
    ("Titre NOM USAGE - NOM NAISSANCE PRENOM né(e) le DDN", []),
    ("THÈSE pour le DIPLÔME D'ÉTAT de DOCTEUR EN MÉDECINE", []),  # a preposition opens no name
    ("Ginette, 95 ans, est décédée le 28 mai dernier.", ["Ginette"]),  # a first name and an age
    ("Léa (8 ans) est amenée par sa mère.", ["Léa"]),
    ("Paris, 12 ans après la loi.", []),
    ("Ma petite dernière, Rébecca, vient d'être opérée.", ["Rébecca"]),
    ("Sandrine Cabillic1\nPascal Couturier2,3\n1Service de gériatrie", ["Sandrine Cabillic", "Pascal Couturier"]),
    ("Marie Durand1, Paul Martin2,3*", ["Marie Durand", "Paul Martin"]),  # authors and their affiliation marks
    ("Chapitre Deux2\nCovid Omicron19", []),
    ("Université Claude Bernard1, Lyon\nHôpital Édouard Herriot2,", []),  # institutions named after people
    ("Selon France Info1, la grève continue.\nSanté Publique2; Marine Nationale3", []),  # words, no author
    ("Sandrine Cabillic1, Pascal Couturier2,3", ["Sandrine Cabillic", "Pascal Couturier"]),  # a word, by an author
    ("Bonjour Paris !\nMerci Florence pour cet accueil.", []),  # places greeted
    ("Réunion avec M. Ou et Mme Sans.\nMme Es Sayed", ["Ou", "Sans", "Es Sayed"]),  # capitalised: surnames
    ("Mr X est venu.\nMme Y. a appelé.", []),  # placeholder letters
    ("M. X M. Y\nM. W Rapporteur\nM. V Rapporteur public", []),  # a decision's judges: letters, then their roles
    ("I. NUMÉROS D’APPEL\n\nLes numéros diffèrent.\nVu par J. PETIT BOIS", ["J. PETIT BOIS"]),  # an outline's
    ("Reçu M. Maire et Mme Juge.", ["Maire", "Juge"]),  # offices that are surnames too
])
def test_case_reports_and_papers_name_people_as_they_are_written(text: str, names: list[str]) -> None:
    """Forms met in nursing-school cases, thesis title pages and papers' author blocks (tp-clin texts)."""
    assert _found(person.find(text), text) == names
