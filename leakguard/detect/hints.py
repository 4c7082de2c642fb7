"""Column-name hints: what a column's name says about its content.

Exports name their columns in French (``N° Sécurité Sociale``, ``date_naissance``, ``Prénom``), in English
(``ssn``, ``dob``, ``last_name``), or meaninglessly (``c0``, ``col_12``). A hint is only a prior: it raises the
score of what the content shows (a NIR in a ``nir`` column scores as with a context word), lets entities that
are unprovable from the value alone be reported (an 8-digit number is an AMC number only in a ``num_amc``
column; any non-empty cell of a ``nom`` column is a name), and marks free-text columns for NER. Content alone
still decides for columns without a hint.

Names are folded (accents stripped, lower case) and split into words on anything that is not a letter or a
digit, and on camelCase humps (``dateNaissance`` -> ``date naissance``); a rule matches whole words.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from recognizers.spec import fold

#: The hint that marks a free-text column (NER runs there), not an entity.
FREE_TEXT = "FREE_TEXT"


@dataclass(frozen=True)
class Hint:
    """What a column name implies: an entity (or ``FREE_TEXT``), and the rule that said so."""

    entity: str
    rule: str


#: What else than a person has a name, in keys of exports, XML (HL7 CDA ``streetName``, ``codeSystemName``,
#: ``manufacturerModelName``) and JSON: English, then French (folded words). Not ``display`` nor ``profile``:
#: ``displayName`` is a person's full name in directory exports.
_THINGS = (
    "street|code ?system|software|file|host|server|product|company|organi[sz]ation|org|service|device|"
    "model|manufacturer(?: model)?|domain|brand|trade|application|app|class|table|column|field|key|type|event|city|"
    "country|place|site|facility|hospital|drug|medication|substance|test|unit|queue|job|task|attribute|element|node|"
    "tag|section|document|dataset|schema|project|group|team|bucket|resource|vendor|package|module|"
    "function|method|variable|parameter|feature|plan|item|image|bank|branch|channel|topic|sheet|source"
)
_CHOSES = (
    "rue|voie|fichier|etablissement|service|structure|produit|domaine|ville|commune|medicament|hopital|societe|"
    "entreprise|logiciel|application|serveur|base|table|colonne|champ|site|pays|lieu|specialite|laboratoire|"
    "pharmacie|clinique|centre|unite|banque|agence|document|modele|marque|departement|region"
)
#: Things named after ``nom`` only: before ``nom`` they qualify a person's role (``chef_projet_nom``).
_CHOSES_AFTER_NOM = f"{_CHOSES}|jour|fete|evenement|campagne|projet|equipe|categorie|article|rubrique|page|parametre"

# Rules are tried in order; the first match wins. Each is a regex over the folded, space-joined words; an
# entity of None says "no hint".
_RULES: list[tuple[str | None, str]] = [
    # the kind of an insurer, not its name nor its number (``type_organisme``: "mutuelle", "IP")
    (None, r"\b(?:type|categorie|nature|statut|forme|famille) (?:d |de |du )?(?:l )?(?:organisme|mutuelle|assureur"
           r"|complementaire|amc)\b"),
    # the insurer's own number / name before generic "nom", "numero"
    # (the "société émettrice" of tiers-payant exchanges: the AMC that issues the rights)
    ("FR_AMC", r"\bamcs?\b|\bcode (?:organisme|mutuelle)\b|\bn(?:um|umero|o|r)? (?:d )?organisme\b"
               r"|\bsociete emettrice\b|\b(?:code|num|numero|n|no) prefectoral\b"
               r"|\b(?:code|num|numero|n|no) (?:de )?teletransmission\b|\bidentification mutuelle$"),
    ("FR_HEALTH_INSURER", r"\b(?:organisme|mutuelle|assureur|insurer|complementaire|amc nom|operateur tp"
                          r"|carrier|health insurer|nom (?:de la )?mutuelle)\b"
                          # English: ``mutual_name``, ``insurance_company`` (not ``is_mutual``, ``mutual_number``)
                          r"|\bmutual (?:name|company|insurance|insurer)$|\binsurance (?:name|company)$"),
    ("FR_MUTUELLE_MEMBER_ID", r"\badherent\b|\bmember(?: id| number| no)?\b|\bmembership\b"
                              r"|\b(?:num|numero|n|no) (?:d )?adhesion\b"
                              r"|\b(?:num|numero|n|no|id) (?:de )?contrat\b|\bcontrat id\b|\bpolicy (?:id|number)\b"),
    ("FR_NIR", r"\bnirs?\b|\bnias?\b|\bsecu\b|\bsecurite sociale\b|\bsocial security\b|\bssns?\b|\bnss\b"
               r"|\bn(?:um|umero|o)? (?:de )?ss\b|\binsee\b|\bins\b|\bcarte vitale\b|\bvitale\b|\bmatricule\b"
               r"|\bnumero assure\b|\bimmatriculation\b"),
    ("PERSON", r"\bnom (?:de )?(?:naissance|usage|famille|jeune fille|marital)\b|\bbirth ?name\b|\bmaiden name\b"),
    ("DATE_OF_BIRTH", r"\bnaissance\b|\bddn\b|\bdob\b|\bbirth ?(?:date|day)?\b|\bdate of birth\b|\bborn\b"
                      r"|\bne(?: ?e)? le\b|\bdatenais\b|\bdnaiss\b|\b(?:date|dt|annee|an) ?(?:de ?)?naiss?(?:ance)?\b"
                      r"|\bnai ann\b|\bdateofbirth\b|\banneenaiss(?:ance)?\b"),
    ("FR_HEALTH_GUARANTEE", r"\bgaranties?\b|\bguarantees?\b|\bformule\b|\bniveau (?:de )?(?:garantie|couverture)\b"
                            r"|\bcouverture\b|\bcoverage\b|\bniveau\b"),
    ("EMAIL_ADDRESS", r"\be ?mails?\b|\bcourriel\b|\bmel\b|\bmail\b"),
    ("PHONE_NUMBER", r"\btel(?:ephone)?s?\b|\bphones?\b|\bmobiles?\b|\bportables?\b|\bgsm\b|\bfax\b|\bcell\b"),
    ("IBAN_CODE", r"\bibans?\b|\bribs?\b|\bbic iban\b"),
    # names of fields and columns, not people's (a code's ``name_fields = [``, ``COLONNES_NOMS``)
    (None, r"\b(?:names?|noms?) (?:fields?|columns?|cols?|keys?|colonnes?|champs?|headers?|attributes?|attributs?)\b"
           r"|\b(?:fields?|columns?|cols?|keys?|colonnes?|champs?|headers?|attributes?|attributs?) (?:names?|noms?)\b"),
    # the name of a thing: no hint (``streetName``, ``codeSystemName``, ``nom du fichier``)
    # (``nom_ville``, ``nom_produit``: exports drop the "de"; ``nom_court``: an organisation's short name;
    # ``STRUCTURE_NOM``: the thing first, as templates' variables name fields)
    (None, rf"\b(?:{_THINGS}) ?names?$|\bnoms? (?:(?:de |du |des |d )(?:la |l )?)?(?:{_CHOSES_AFTER_NOM})\b"
           rf"|\b(?:{_CHOSES}) noms?$|\bnom (?:commercial|court|long|abrege|raccourci)$"
           rf"|\bnoms? (?:(?:de |du |des |d )(?:la |l )?)?(?:{_CHOSES_AFTER_NOM})s\b"),  # "Nom des médicaments"
    # LDAP's and LDIF's person attributes (RFC 4519): sn (surname), cn (common name), displayName
    ("PERSON", r"^sn$|^cn$|\bnoms?\b|\bprenoms?\b|\bname\b|\bfirst ?names?\b|\blast ?names?\b|\bsurnames?\b"
               r"|\bgiven ?names?\b|\bfull ?name\b|\bnom (?:de )?(?:naissance|usage|famille|marital)\b"
               r"|\bfamily name\b"
               # hospital and insurers' systems' glued names: NOMPAT, PRENOMPAT, NOMUSUEL, NOMJF (nom de jeune fille),
               # NOMASSURE, PRENOMBENEF, NOMMEDECIN
               r"|\b(?:nom|prenom)(?:pat|patient|usuel|usage|naiss|jf|marital|assure|benef|beneficiaire|medecin)s?\b"),
    (FREE_TEXT, r"\bcommentaires?\b|\bcomments?\b|\bnotes?\b|\bremarques?\b|\bmessages?\b|\bdescription\b"
                r"|\bobservations?\b|\btexte?\b|\blibelle\b|\bmotif\b|\bbody\b|\bdetails?\b|\bobjet\b"
                r"|\blog\b|\bcontenu\b|\bcontent\b|\bsummary\b|\bresume\b"),
]
_COMPILED = [(entity, re.compile(pattern)) for entity, pattern in _RULES]

_CAMEL = re.compile(r"(?<=[a-z])(?=[A-Z])")
#: An acronym between camelCase humps (``numAMCEchange`` -> ``num AMC Echange``); not one that opens the name
#: (``AMCTelephone``, ``NIRAssureNom``: the thing is named after its owner, a hint would take the owner's).
_ACRONYM_INSIDE = re.compile(r"(?<=[a-z])([A-Z]{2,})(?=[A-Z][a-z])")
_NON_WORD = re.compile(r"[^0-9a-z]+")


_POSITIONS = re.compile(r"(?:\.\d+)+$")
#: The parts of a person's name in HL7 FHIR and CDA resources (``name.0.family``, ``name.0.given.0``,
#: ``name.0.text``): a name under a ``name`` (HL7 FHIR R4, datatype HumanName,
#: https://hl7.org/fhir/R4/datatypes.html#HumanName). Alone, ``family`` and ``given`` say nothing.
_NAME_PARTS = re.compile(r"(?:^|\.)name(?:\.\d+)*\.(?:family|given|text)(?:\.\d+)*$", re.IGNORECASE)


def words(column: str) -> str:
    """The folded words of a column name: ``"N° Sécurité_Sociale"`` -> ``"n securite sociale"``; a list
    element (``telephones.1``) is named by its list."""
    split = _CAMEL.sub(" ", _ACRONYM_INSIDE.sub(r"\1 ", _POSITIONS.sub("", column).rsplit(".", 1)[-1]))
    return " ".join(_NON_WORD.split(fold(split))).strip()


#: Words before ``name`` that say whose: a person's (``patientName``, ``last_name``).
_WHOSE_NAME = re.compile(
    r"\b(?:first|last|given|family|full|birth|maiden|sur|patient|person|contact|client|customer|beneficiary|member"
    r"|doctor|physician|practitioner|user|author|owner|holder|insured|mother|father|child|spouse|employee|staff"
    r"|nurse|assure|beneficiaire|medecin|praticien) ?names?$"
)


#: Words of a column name that say it holds a year (folded): ``annee_naissance``, ``birth_year``, the SNDS's
#: ``BEN_NAI_ANN``.
_YEAR_WORDS = re.compile(r"\b(?:annee|an|ann|year|yyyy|aaaa)\b|\banneenaiss")


def names_a_year(column: str | None) -> bool:
    """Whether ``column`` is named for a year (with a date-of-birth hint: a birth year, ``annee_naissance``).

    >>> [names_a_year(c) for c in ("annee_naissance", "BEN_NAI_ANN", "birthYear", "poids_naissance", "ANNEENAISS")]
    [True, True, True, False, True]
    """
    return column is not None and _YEAR_WORDS.search(words(column)) is not None


def names_anything(column: str) -> bool:
    """Whether ``column`` is a ``name`` that says not whose (``name``, ``pharm:name``): in HL7 CDA, a person's
    name is in ``given`` and ``family`` elements, and ``<name>`` holding text names an organisation, a place or a
    product; in exports, such a key names people and things alike.

    >>> [names_anything(c) for c in ("name", "pharm:name", "patientName", "last_name", "nom")]
    [True, True, False, False, False]
    """
    text = words(column)
    return (text == "name" or text.endswith(" name") or text == "names") and not _WHOSE_NAME.search(text)


def hint_for(column: str | None, overrides: dict[str, str] | None = None) -> Hint | None:
    """The hint of ``column`` (a dotted path: its last component is what names the value).

    ``overrides`` maps exact column names (or dotted paths) to an entity name or ``FREE_TEXT``, as given in
    the configuration; an empty string there means "no hint".

    >>> [getattr(hint_for(c), "entity", None) for c in ("nom", "patientName", "streetName", "nom du fichier")]
    ['PERSON', 'PERSON', None, None]
    >>> [getattr(hint_for(c), "entity", None) for c in ("nom_ville", "nom_court", "type_organisme", "nom_usuel")]
    [None, None, None, 'PERSON']
    >>> [getattr(hint_for(c), "entity", None) for c in ("nom_jour_ferie", "nomEvenement", "chef_projet_nom")]
    [None, None, 'PERSON']
    """
    if column is None:
        return Hint(FREE_TEXT, "text line")
    if overrides:
        for key in (column, column.rsplit(".", 1)[-1]):
            if key in overrides:
                return Hint(overrides[key], "configured") if overrides[key] else None
    if _NAME_PARTS.search(column):
        return Hint("PERSON", _NAME_PARTS.pattern)
    text = words(column)
    if not text:
        return None
    for entity, pattern in _COMPILED:
        if pattern.search(text):
            return None if entity is None else Hint(entity, pattern.pattern)
    return None


__all__ = ["FREE_TEXT", "Hint", "hint_for", "names_anything", "words"]
