"""The column-wide check that spares the name rules most texts never skips a text the rules find a name in.

``leakguard.detect`` runs ``recognizers.person.may_hold_names`` (an RE2 pattern of the rules' cues and a look-up
of the first letters of each word in the first-name list, over whole Arrow arrays) before the Python rules.
It must keep every text :func:`recognizers.person.find` reports a name in, in every spelling the rules read
alike: tested here on texts made of the pieces the rules read (titles, name links, name keys, verbs with
``par``, initials, first names and surnames, particles, places) in varied case and accents, with the
characters the two regex engines read differently.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pytest
from faker import Faker
from hypothesis import given, settings
from hypothesis import strategies as st

from recognizers import person
from tests.strategies import respelt

_FAKE = Faker("fr_FR")
_FAKE.seed_instance(20261202)
NAMES = sorted({_FAKE.first_name() for _ in range(30)} | {_FAKE.last_name() for _ in range(20)}
               | {_FAKE.last_name().upper() for _ in range(20)} | {_FAKE.name() for _ in range(20)})
PIECES = (
    "M.", "M", "Mme", "Mlle", "MM.", "Dr", "Dr.", "dr", "Pr", "Pr.", "Me", "me", "Ms", "Docteur", "Professeure",
    "Interne", "l'interne", "IDE", "Maître", "Sœur", "née", "Née", "épouse", "ép.", "Vve", "dit", "alias",
    "signé par", "Vu par le", "rédigé par la", "examinée par", "Nom :", "NOM=", "Prénom :", "prénoms=",
    '"last_name": "', "first name:", "Patient :", "Médecin traitant :", "Contact :", "nom de naissance :",
    "C.", "P.E.", "J-L", "R-L.", "Ph.", "Chr.", "H", "X", "de", "Le", "DE", "d'", "van", "rue", "Hôpital",
    "Poumon", "Résultats", "PARIS", "Service", "MGEN", "HTTP/1.1", "le", "la", "et",
    "né le", "Née en", "est née à", "(né le", "NÉ(E) LE", "Moreau", "Castel", "| M |", ", f, ", "22/02/1962",
    "Infirmiers:", "PRÉSENTS :", "aides-soignantes :", "théodore", "roux",
    "Psychologue :", "SECRÉTAIRE :", "Diététicienne:", "Ildız", "Kaarlo", "BOĞATIMUR",  # not in the lexicon
    "mme", "m.", "docteur", "nom=", "&prenom=", "fauveau", "lebas", "margaux",  # names in small letters
    "Cher", "chère", "Bonjour", "merci", "son interne,", "Sa voisine",  # greetings, close persons
    "je m'appelle", "je m'apelle", "mon nom est", "moi c'est", "Cordialement,", "merci d'avance",  # own names
)
#: What the two engines read differently: accented and dotted capitals, Kelvin sign, long s, spaces.
ODD = "İıſKÉÈÀÇéèàçñÑĔĕŃǸæÆßŒœ\u00a0\u202f\u2003\u2028\t\x0b\x1c_'’-.:=;,|()0123456789\\"
GAPS = ["", " ", "  ", ", ", "; ", " | ", " - ", "-", "\n", "\u00a0", "\u202f", "\t", ".", ":", " : ", "="]


@st.composite
def name_texts(draw: st.DrawFn) -> str:
    parts = draw(st.lists(st.one_of(st.sampled_from(PIECES), st.sampled_from(NAMES), st.text(ODD, max_size=3)),
                          min_size=1, max_size=7))
    gaps = draw(st.lists(st.sampled_from(GAPS), min_size=len(parts), max_size=len(parts)))
    return "".join(part + gap for part, gap in zip(parts, gaps, strict=True))


def _kept(texts: list[str]) -> list[bool]:
    return person.may_hold_names(pa.array(texts, pa.string())).tolist()


def _handed_to_the_rules(texts: list[str]) -> list[bool]:
    """What the engine hands to :func:`person.find`: the texts one of ``PREFILTERS`` matches, then those
    :func:`person.may_hold_names` keeps."""
    values = pa.array(texts, pa.string())
    first = np.logical_or.reduce([pc.fill_null(pc.match_substring_regex(values, pattern), False).to_numpy(
        zero_copy_only=False) for pattern in person.PREFILTERS])
    return (first & person.may_hold_names(values)).tolist()


@pytest.mark.parametrize("text", [
    "Nom : DUPONT", "prénom=Jean", '{"last_name": "Moulin"}', "Médecin traitant : Rousset",
    "Compte rendu signé par le Dr. ETIENNE DOMINIQUE", "Vu par Martin", "Mme Durand", "M RICHARD", "Me Dupont",
    "Interne Lefebvre", "Marie Curie, née SKLODOWSKA", "JALONNET Christine", "Christine JALONNET",
    "C. Carlizian", "P.E. Jilliot", "J-L ABRAS", "Ph. ROCHE", "Dr H FERDOIN", "GARCIA;Elena", "Mirella Rousset",
    "F. Rabbi, T. Gredin, J. DURAND",
    "Rosette Moreau\nNée le 4 septembre 1952", "Zilda Arns est née le 25 août", "Pasteur Jean | M | 22/02/1962",
    "Infirmiers: theodore roux, marie cécile lefevre", "Psychologue : Ildız Kaarlo N° ADELI",
    "consultation avec le dr fauveau margaux", "appel de mme lebas", "rappeler m. fauveau", "?nom=lebas&prenom=marc",
    "Dossier clinique : 0001 - Auteur : JP FOURNIER - CHU de Nice",
    "son nom de naissance (DARK), son nom d’usage (LOUIS)", "enregistrée avec le prénom MARIE-JEANNE",
    "bonjour je m'apelle margaux fauveau", "cordialement, margaux lebas", "merci d'avance\nmargaux",
    "  1. Pascal g says:\n", "son nom usage DUPONT est enregistré", "le nom LOUIS et le prénom MARIEJEANNE",
    "Cordialement,\nSophie", "ok merci, Pierre\n", "cordialement Julien", "Seni dit :\r\nBonjour",
    "avis du pr f. fontaine", "validé par le prof j. herno", "contactez dr.roger hardy", "dr h ferdoin 02 14 11 00 43",
    "le dr faucon jérémy", "vu par le professeur lebas", "fils d'Étienne", "la veuve de Honoré",
    "avis du pr j-l. martin", '$p->setNom("Durand")', 'p.setLastName("martin")', '$p->setBenef("Dupont")',
    'x.setNom(\u00a0"Durand")',
])
def test_each_rule_s_texts_are_kept(text: str) -> None:
    assert person.find(text), text
    assert _handed_to_the_rules([text]) == [True]


@pytest.mark.parametrize("text", [
    "Facture 604582190917473 du 09/07/2024, montant 9,40 €, SIRET PS 44948057385336.",
    "Changement d'organisme complémentaire : MGEN VYV à compter du 01/02/2023.",
    "Assurée née le 06/12/2003, n° SS à vérifier.",
    "Prise en charge Optique OK, Dossier transmis à la CPAM",
])
def test_texts_without_cue_or_first_name_are_not_looked_at(text: str) -> None:
    assert not person.find(text)
    assert _kept([text]) == [False]


def test_null_and_empty_values_are_not_looked_at() -> None:
    assert _kept([None, "", "Mme Durand"]) == [False, False, True]


@settings(max_examples=300, deadline=None)
@given(data=st.data())
def test_every_text_a_name_is_found_in_is_kept(data: st.DataObject) -> None:
    texts = [respelt(data.draw(name_texts()), data) for _ in range(10)]
    for text, kept in zip(texts, _kept(texts), strict=True):
        assert kept or not person.find(text), text
