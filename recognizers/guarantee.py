"""Guarantee levels of a complementary health contract, as printed on tiers-payant cards and in tables.

A complementary contract reimburses each care domain up to a level. On the tiers-payant card the level is
written after a short domain code, in percent of the Assurance Maladie tariff (*BR*, base de remboursement,
also *BRSS*, *TM* ticket modérateur, *FR* frais réels) or as an amount::

    PHAR 100%   MED 150% BR   OPTI: 300% BR   DENT 150 % BRSS   HOSP 200% BR   TRAN 100%

Domain codes met on cards: PHAR (pharmacie), MED (médecins), LABO (laboratoires), RLAX (radiologie,
laboratoires, auxiliaires), SAGE (sages-femmes), AUXM (auxiliaires médicaux), DENT (dentaire), OPTI (optique),
HOSP (hospitalisation), CSTE (centres de santé), SVIL (soins de ville), EXTE (soins externes), TRAN
(transport), AUDI (audioprothèses). Contract tables and letters use the domain in words (``Optique 200 € /
2 ans``, ``Dentaire 300%``), the name of the formula (``Formule Confort``, ``Formule Essentielle``), a level
number (``Niveau 3``) and the reform label ``100% Santé`` (the no-charge baskets for glasses, dentures and
hearing aids, since 2020). The level of cover says something about the person's means and health needs.

One finding per domain-level pair: ``PHAR 100% OPTI 200% DENT 150%`` gives three findings that touch one
another, so a pseudonymiser can treat each guarantee separately and a report counts them. A percentage or an
amount alone (``TVA 20%``, ``remise 10 %``, ``taux 3,5%``, ``200 €``) is never a guarantee; an amount after a
domain word is one only with its period (``/ 2 ans``, ``par an``), a percentage after a domain word only from
100% or with its base (``BR``, ``BRSS``...). Bare level numbers (``Niveau 3``, ``Formule 2``, ``Option B``)
are reported only after a context word (``garanties``, ``formule``, ``contrat``, ``couverture``...).

Sources:

* Association Inter-AMC, "Cahier des charges de la carte de tiers payant" (domain codes and levels on the
  card): https://www.interamc.org
* Service-public.fr, "100 % Santé : optique, dentaire et audiologie sans reste à charge":
  https://www.service-public.fr/particuliers/vosdroits/F34485
* Code de la sécurité sociale, article R871-2 (contrats responsables: floors and ceilings per domain).

>>> text = 'PHAR 100% OPTI: 300% BR DENT 150 % BRSS'
>>> [text[s:e] for spec in SPECS for s, e, _ in spec.find(text)]
['PHAR 100%', 'OPTI: 300% BR', 'DENT 150 % BRSS']
>>> text = 'Formule Confort - Optique 200 € / 2 ans'
>>> sorted(text[s:e] for spec in SPECS for s, e, _ in spec.find(text))
['Formule Confort', 'Optique 200 € / 2 ans']
>>> [spec.name for spec in SPECS if list(spec.find('TVA 20%, remise 10 %, taux 3,5%, Optique 20 €'))]
[]
>>> parse_level('OPTI: 300% BR')
('OPTI', '300', '%', 'BR')
"""

from __future__ import annotations

import re

from recognizers.patterns import BLANK, FLAGS, both_cases
from recognizers.record import EntityRecord, SarifRule
from recognizers.spec import EntitySpec, lazy_attribute, words_re2

ENTITY = "FR_HEALTH_GUARANTEE"

RECORD = EntityRecord(
    name=ENTITY,
    priority=7,
    preview_keep=4,
    token_prefix="GUARANTEE_",
    default_operator="keep",
    normal_form="name",
    sarif=SarifRule(
        id="LG-FR-HEALTH-GUARANTEE",
        name="HealthContractGuarantee",
        level="warning",
        security_severity="5.5",
        short="Guarantee levels of a health contract",
        full=(
            "Guarantee levels of a complementary health contract (e.g. 'OPTI 200%'): next to a person, they reveal "
            "the contract they chose."
        ),
    ),
    label_fr="Garanties",
    label_en="Guarantees",
)

#: Domain codes printed on tiers-payant cards.
CODES = ("PHAR", "MED", "LABO", "RLAX", "SAGE", "AUXM", "DENT", "OPTI", "HOSP", "CSTE", "SVIL", "EXTE", "TRAN",
         "AUDI")
#: Care domains in words (accent-insensitive classes written out, valid in Python ``re`` and RE2).
DOMAINS = (
    "optique", "dentaire", "soins dentaires", "proth[eèé]ses? dentaires?", "orthodontie", "implantologie",
    "hospitalisation", "chambre particuli[eè]re", "forfait hospitalier", "pharmacie", "m[eé]dicaments?",
    "soins courants", "consultations?", "honoraires", "radiologie", "analyses", "auxiliaires m[eé]dicaux",
    "audiologie", "audioproth[eè]ses?", "aides auditives", "m[eé]decines? douces?", "lunettes", "verres",
    "montures?", "lentilles", "cure thermale", "transport", "maternit[eé]", "pr[eé]vention",
)
#: Bases a percentage refers to.
BASES = ("BRSS", "BR", "TM", "FR", "PMSS", "TC", "RSS", "TRSS")
#: Names of formulas (levels) insurers give their contracts.
FORMULAS = (
    "confort", "essentiel(?:le)?", "s[eé]r[eé]nit[eé]", "[eé]quilibre", "premium", "int[eé]grale?", "initiale?",
    "[eé]co", "[eé]conomique", "optimale?", "optimum", "excellence", "prestige", "libert[eé]", "s[eé]curit[eé]",
    "bien[ \\-][eê]tre", "tranquillit[eé]", "standard", "classique", "r[eé]f[eé]rence", "privil[eè]ge",
    "renfort", "basique", "responsable", "hospi", "evolution", "[eé]volution", "access", "start", "zen",
)

_SP = BLANK
_NUM = "[0-9]{1,4}(?:[.,][0-9]{1,2})?"
_BASE = "(?:" + "|".join(BASES) + ")"
_PCT = f"{_NUM}{_SP}?%(?:{_SP}?{_BASE}(?![0-9A-Za-z]))?"
_CURRENCY = "(?:€|EUR(?![A-Za-z])|euros?(?![A-Za-z]))"
_PERIOD = (
    f"{_SP}?(?:/|par|tous{_SP}les){_SP}?"
    f"(?:[0-9]{{1,2}}{_SP}?)?(?:ans?|ann[eé]es?|b[eé]n[eé]ficiaires?|actes?|s[eé]ances?|jours?|nuits?|"
    f"[oœ]il|verres?|dents?)(?![A-Za-z])"
)
_AMOUNT = f"{_NUM}{_SP}?{_CURRENCY}(?:{_PERIOD}){{0,2}}"
_AMOUNT_WITH_PERIOD = f"{_NUM}{_SP}?{_CURRENCY}(?:{_PERIOD}){{1,2}}"
# a percentage from 100 up, or with its base: "Dentaire 300%", "Optique 90% BR"
_DOMAIN_PCT = (
    f"(?:[1-9][0-9]{{2,3}}(?:[.,][0-9]{{1,2}})?{_SP}?%(?:{_SP}?{_BASE}(?![0-9A-Za-z]))?"
    f"|{_NUM}{_SP}?%{_SP}?{_BASE}(?![0-9A-Za-z]))"
)
_DOMAIN_SEP = f"{_SP}*[:=\\-]?{_SP}*"

_CODE_CORE = f"(?:{'|'.join(CODES)}){_SP}*:?{_SP}*(?:{_PCT}|{_AMOUNT})"
_DOMAIN_CORE = f"(?:{'|'.join(DOMAINS)}){_DOMAIN_SEP}(?:{_DOMAIN_PCT}|{_AMOUNT_WITH_PERIOD})"
_FORMULA_CORE = f"formule{_SP}+(?:{'|'.join(FORMULAS)})"
_SANTE_CORE = f"100{_SP}?%{_SP}?sant[eé]"
_LEVEL_CORE = (
    f"(?:Niveau|NIVEAU|Formule|FORMULE|Option|OPTION|Palier|PALIER|Gamme|GAMME)"
    f"{_SP}?(?:[1-9]|[IVX]{{1,4}}|[A-F])"
)

_START = r"(?<![0-9A-Za-z])"
_END = r"(?![0-9A-Za-z])"


def _compile(core: str, *, ignore_case: bool, end: bool = True) -> tuple[re.Pattern[str], str]:
    """The Python span regex (word-bounded) and the RE2 pre-filter (same core, no lookarounds) of ``core``."""
    flags = FLAGS if ignore_case else 0
    core = both_cases(core)
    # RE2 has no lookarounds: drop those inside the core for the pre-filter (it then matches more, never less)
    re2_core = re.sub(r"\(\?!\[[^\]]*\]\)", "", core)
    return re.compile(_START + core + (_END if end else ""), flags), ("(?i)" if ignore_case else "") + re2_core


CODE_REGEX, CODE_PREFILTER = _compile(_CODE_CORE, ignore_case=True, end=False)
DOMAIN_REGEX, DOMAIN_PREFILTER = _compile(_DOMAIN_CORE, ignore_case=True, end=False)
FORMULA_REGEX, FORMULA_PREFILTER = _compile(_FORMULA_CORE, ignore_case=True)
SANTE_REGEX, SANTE_PREFILTER = _compile(_SANTE_CORE, ignore_case=True)
LEVEL_REGEX, LEVEL_PREFILTER = _compile(_LEVEL_CORE, ignore_case=False)

_LEVEL_PARTS = re.compile(
    rf"^(?P<domain>.*?){_SP}*[:=\-]?{_SP}*(?P<value>[0-9]{{1,4}}(?:[.,][0-9]{{1,2}})?){_SP}?"
    rf"(?P<unit>%|€|EUR|euros?)(?:{_SP}?(?P<base>{_BASE}))?",
    re.IGNORECASE,
)


def parse_level(text: str) -> tuple[str, str, str, str | None] | None:
    """Split one domain-level pair into ``(domain, value, unit, base)``, or ``None`` if it is none."""
    match = _LEVEL_PARTS.match(text.strip())
    if match is None or not match.group("domain"):
        return None
    return match.group("domain"), match.group("value"), match.group("unit"), match.group("base")


def is_guarantee(text: str) -> bool:
    """Whether the whole ``text`` is one guarantee (a pair, a formula or the 100% Santé label).

    >>> is_guarantee('HOSP 200% BR'), is_guarantee('100%'), is_guarantee('TVA 20%')
    (True, False, False)
    """
    text = text.strip()
    return any(regex.fullmatch(text) for regex in (CODE_REGEX, DOMAIN_REGEX, FORMULA_REGEX, SANTE_REGEX))


CONTEXT = (
    "garantie",
    "garanties",
    "tableau de garanties",
    "niveau de garantie",
    "niveau de couverture",
    "couverture",
    "formule",
    "contrat",
    "option",
    "droits",
    "droits ouverts",
    "prise en charge",
    "remboursement",
    "mutuelle",
    "complementaire",
    "tiers payant",
    "guarantee",
    "guarantees",
    "coverage",
)


_SPLIT_FORMULA = re.compile(f"{_SP}+")


def _named_formula(value: str) -> bool:
    """Whether a formula is written as a contract names it, its name capitalised (``Formule Confort``,
    ``FORMULE CONFORT``): help pages speak of ``la formule premium`` of no one's contract."""
    name = _SPLIT_FORMULA.split(value.strip(), maxsplit=1)[-1]
    return name[:1].isupper()


#: The care domains that ``100% Santé`` names a basket of (folded), right before it (``Optique : 100% Santé``).
SANTE_DOMAINS = ("optique", "dentaire", "audiologie", "aides auditives", "audioprotheses", "lunettes",
                 "protheses dentaires", "equipement")
#: Right before ``100% Santé``: the label or the domain, separators only between (not ``ou`` in a help page's
#: table, ``Minimum légal ou 100% Santé``).
SANTE_GAP = re.compile(r"[ \t:=|\-–(]*")
#: Right after it, another guarantee of the card (``100% Santé + DENT 150% BR``), folded.
_SANTE_AFTER = rf"[ \t]*[+,;/][ \t]*(?:{'|'.join(code.lower() for code in CODES)}|{'|'.join(DOMAINS)})"
SANTE_AFTER = re.compile(_SANTE_AFTER)

SPECS = [
    EntitySpec(
        entity=ENTITY,
        name="card domain code and level (PHAR 100%, OPTI: 300% BR)",
        span_regex=CODE_REGEX,
        prefilter=CODE_PREFILTER,
        score=0.7,
        context_score=0.9,
        context=CONTEXT,
    ),
    EntitySpec(
        entity=ENTITY,
        name="care domain and level (Dentaire 300%, Optique 200 € / 2 ans)",
        span_regex=DOMAIN_REGEX,
        prefilter=DOMAIN_PREFILTER,
        score=0.55,
        context_score=0.85,
        context=CONTEXT,
    ),
    EntitySpec(
        entity=ENTITY,
        name="named formula (Formule Confort)",
        span_regex=FORMULA_REGEX,
        prefilter=FORMULA_PREFILTER,
        score=0.5,
        context_score=0.8,
        context=CONTEXT,
        validate=_named_formula,
    ),
    EntitySpec(
        entity=ENTITY,
        name="the 100% Santé basket, after its label or domain, or beside another guarantee",
        span_regex=SANTE_REGEX,
        prefilter=SANTE_PREFILTER,
        score=0.5,
        context_score=0.8,
        context=CONTEXT + SANTE_DOMAINS,
        needs_context=True,
        context_window=40,
        context_gap=SANTE_GAP,
        context_after=SANTE_AFTER,
        # the texts that may hold one: a context word, or the basket before another guarantee
        context_prefilter=words_re2(CONTEXT + SANTE_DOMAINS) + rf"|(?i:sant[eé]{_SANTE_AFTER})",
    ),
    EntitySpec(
        entity=ENTITY,
        name="level number (Niveau 3, Option B), context needed",
        span_regex=LEVEL_REGEX,
        prefilter=LEVEL_PREFILTER,
        score=0.3,
        context_score=0.7,
        context=CONTEXT,
        needs_context=True,
        context_window=32,
    ),
]
SPEC = SPECS[0]


def _recognizer_class() -> type:
    from recognizers.adapter import SpecRecognizer

    class FrHealthGuaranteeRecognizer(SpecRecognizer):
        """Presidio recognizer of guarantee levels (``PHAR 100%``, ``Optique 200 € / 2 ans``, ``Formule Confort``).

        One result per domain-level pair. Scores: 0.7 for a card code and level, 0.55 for a domain in words and
        its level, 0.5 for a named formula or ``100% Santé``, each raised to 0.8-0.9 after a context word
        (``garanties``, ``formule``, ``contrat``, ``couverture``...); ``Niveau 3``-like levels only after a
        context word, 0.7.
        """

        def __init__(self, supported_language: str = "fr"):
            super().__init__(SPECS, supported_language=supported_language, name="FrHealthGuaranteeRecognizer")

    return FrHealthGuaranteeRecognizer


#: ``FrHealthGuaranteeRecognizer``, the Presidio recognizer, is built on first use: importing this module
#: for its spec does not import Presidio.
__getattr__ = lazy_attribute(globals(), "FrHealthGuaranteeRecognizer", _recognizer_class)
