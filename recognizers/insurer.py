"""Names of French complementary health insurers and tiers-payant operators.

Beside the compulsory scheme (Assurance Maladie), about 400 complementary organisms (OCAM) cover health
costs in France. They come in three legal families: *mutuelles* (Code de la mutualité: MGEN, Harmonie
Mutuelle, Aésio...), *institutions de prévoyance* run by employers and unions (Code de la sécurité sociale:
Malakoff Humanis, AG2R La Mondiale, Klesia, Pro BTP...) and *insurance companies* (Code des assurances:
AXA, Allianz, Generali, Swiss Life, Alan...). Claims are often processed by a *tiers-payant operator*
(Viamedis, Almerys, iSanté, SP santé...), whose name is printed on the card too; care networks (Santéclair,
Kalixia, Itelis), brokers and software vendors work for many insurers and are not listed. Knowing a person's
insurer is personal data about them (and, for some mutuelles, about their profession: teachers, hospital
staff, civil servants, soldiers).

The names live in ``recognizers/data/insurers.txt``: one name or variant per line, ``#`` comments, and a
leading ``!`` for names that are also ordinary words or first names (``April``, ``Alan``, ``Entrain``,
``MNT``, ``Carte Blanche``...): those are reported only after a context word. Matching ignores case and
accents, treats spaces and hyphens alike, and is word-bounded: ``MMA`` is found in ``MMA IARD`` and
``assureur MMA``, never inside ``GAMMA`` or ``dilemma``.

Sources:

* ACPR, "Liste des organismes d'assurance" (supervised insurers, mutuelles and institutions de prévoyance):
  https://acpr.banque-france.fr
* DREES, "La situation financière des organismes complémentaires assurant une couverture santé" (annual
  report, market shares by family): https://drees.solidarites-sante.gouv.fr
* Fonds de la Complémentaire santé solidaire, "Liste des organismes gestionnaires de la C2S":
  https://www.complementaire-sante-solidaire.gouv.fr

>>> is_known('harmonie mutuelle')
True
>>> is_known('Mutuelle Bidon')
False
>>> text = 'Tiers payant : VIAMEDIS, mutuelle Aesio (ex-Adréa)'
>>> [text[s:e] for s, e, _ in SPEC.find(text)]
['VIAMEDIS', 'Aesio', 'Adréa']
>>> list(SPEC.find('dilemma GAMMA taxable'))
[]
>>> [(s, e) for s, e, _ in AMBIGUOUS_SPEC.find('Mutuelle : April')]
[(11, 16)]
>>> list(AMBIGUOUS_SPEC.find('London, 3 April 2024'))
[]
>>> text = 'Adhérente à la MNT depuis 2010, mais la mnt (modèle numérique de terrain) est floue.'
>>> [text[s:e] for s, e, _ in AMBIGUOUS_SPEC.find(text)]
['MNT']
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from functools import cache, lru_cache
from importlib import resources

from recognizers import lexicon
from recognizers.patterns import BLANK, FLAGS, LOWER, UPPER, WORD_CHARS, both_cases
from recognizers.record import EntityRecord, SarifRule
from recognizers.spec import EntitySpec, fold, lazy_attribute, words_re2

ENTITY = "FR_HEALTH_INSURER"
#: In columns of people's names, first names such as "Alan" or "April" are no insurers, though insurers bear them.
_NAME_COLUMNS = frozenset({"PERSON"})

RECORD = EntityRecord(
    name=ENTITY,
    priority=8,
    preview_keep=3,
    token_prefix="INSURER_",
    default_operator="keep",
    normal_form="name",
    sarif=SarifRule(
        id="LG-FR-HEALTH-INSURER",
        name="HealthInsurerName",
        level="warning",
        security_severity="5.0",
        short="Name of a complementary health insurer",
        full=(
            "The name of a mutuelle, insurer or provident institution: next to a person, it reveals their cover."
        ),
    ),
    label_fr="Organisme complémentaire",
    label_en="Complementary insurer",
)

#: The data file, one name per line (see the module docstring).
DATA_FILE = "data/insurers.txt"
#: Marks a name that is also an ordinary word: reported only with context.
AMBIGUOUS_MARK = "!"

#: Letters and the accented forms people write for them (case is handled by the regex flags).
_ACCENTS = {
    "a": "aàâäáã",
    "e": "eéèêë",
    "i": "iîïí",
    "o": "oôöó",
    "u": "uùûüú",
    "c": "cç",
    "y": "yÿ",
    "n": "nñ",
}
#: Between the words of a name: spaces (plain, no-break, narrow no-break), tabs, hyphens.
_WORD_SEP = "[ \t\u00a0\u202f\\-]+"
_APOSTROPHE = "['’][ ]?"
_NAME_SPLIT = re.compile(r"[ \t\u00a0\u202f\-]+")


def parse_names(text: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Parse the data file's ``text`` into ``(names, ambiguous_names)``, duplicates (folded) removed."""
    names: list[str] = []
    ambiguous: list[str] = []
    seen: set[str] = set()
    for line in text.splitlines():
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        is_ambiguous = line.startswith(AMBIGUOUS_MARK)
        name = line.lstrip(AMBIGUOUS_MARK).strip()
        key = normalise(name)
        if key in seen:
            continue
        seen.add(key)
        (ambiguous if is_ambiguous else names).append(name)
    return tuple(names), tuple(ambiguous)


@cache
def load_names() -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The names of ``recognizers/data/insurers.txt``: ``(names, ambiguous_names)``."""
    text = resources.files("recognizers").joinpath(DATA_FILE).read_text(encoding="utf-8")
    return parse_names(text)


def normalise(name: str) -> str:
    """Folded (lower case, no accents) name with single spaces for separators: the comparison key."""
    return " ".join(_NAME_SPLIT.split(fold(name).replace("’", "'").strip()))


def is_known(name: str) -> bool:
    """Whether ``name`` (a whole string) is one of the listed insurers, ambiguous names included."""
    names, ambiguous = load_names()
    return normalise(name) in {normalise(n) for n in (*names, *ambiguous)}


def name_tokens(name: str) -> list[str]:
    """The pattern of one name as a list of tokens (one per character or separator), each valid in Python
    ``re`` and in RE2: accented letters become classes, ASCII letters are lower-cased (the regexes ignore
    ASCII case), separators and apostrophes become classes of their variants."""
    tokens: list[str] = []
    for i, word in enumerate(_NAME_SPLIT.split(name.strip())):
        if i:
            tokens.append(_WORD_SEP)
        for char in word:
            base = fold(char)
            if char in "'’":
                tokens.append(_APOSTROPHE)
            elif base in _ACCENTS:
                tokens.append(both_cases(f"[{_ACCENTS[base]}]"))
            else:
                tokens.append(re.escape(char.lower() if char.isascii() else char))
    if normalise(name).endswith("mutuelle"):
        tokens.append("s?")  # "Harmonie Mutuelles", "Union Harmonie Mutuelles": the group in the plural
    return tokens


def name_pattern(name: str) -> str:
    """The accent-insensitive pattern of one name, valid in Python ``re`` and in RE2 (no lookarounds).

    >>> name_pattern("Aésio")
    '[aàÀâÂäÄáÁãÃ][eéÉèÈêÊëË]s[iîÎïÏíÍ][oôÔöÖóÓ]'
    """
    return "".join(name_tokens(name))


def _trie_pattern(node: dict) -> str:
    """Serialise a token trie: shared prefixes are matched once, longer names are tried before shorter ones
    (an optional group is greedy), so ``MMA IARD`` wins over ``MMA`` at the same position."""
    terminal = "" in node
    branches = [token + _trie_pattern(child) for token, child in sorted(node.items()) if token != ""]
    if not branches:
        return ""
    body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
    return f"(?:{body})?" if terminal else body


def _alternation(names: tuple[str, ...]) -> str:
    """One regex of all ``names`` as a trie: fast in Python ``re`` (no 200-way alternation at each word)."""
    trie: dict = {}
    for name in names:
        node = trie
        for token in name_tokens(name):
            node = node.setdefault(token, {})
        node[""] = {}
    return _trie_pattern(trie)


def span_regex(names: tuple[str, ...]) -> re.Pattern[str]:
    """Python regex of ``names``, case- and accent-insensitive, not inside a word, a number or an identifier
    (``MGEN-0123456`` is a member number, not the insurer's name)."""
    return re.compile(
        rf"(?<![{WORD_CHARS}])(?<![0-9][\-_/])(?:{_alternation(names)})(?![{WORD_CHARS}])(?![\-_/][0-9])", FLAGS
    )


def prefilter(names: tuple[str, ...]) -> str:
    """RE2 pre-filter of ``names``: the same alternation between characters that are no ASCII letter or digit
    (RE2 has no lookbehind; the span regex's boundaries are stricter, so this may match more)."""
    return rf"(?:^|[^0-9A-Za-z])(?i:{_alternation(names)})(?:[^0-9A-Za-z]|$)"


CONTEXT = (
    "mutuelle",
    "mutuelles",
    "complementaire",
    "complementaire sante",
    "organisme",
    "organisme complementaire",
    "assureur",
    "assurance",
    "assure chez",
    "tiers payant",
    "tiers-payant",
    "operateur",
    "operateur tp",
    "gestionnaire",
    "reseau de soins",
    "ocam",
    "amc",
    "prevoyance",
    "couverture",
    "insurer",
    "insurance",
    "carrier",
    # the new insurers as the press calls them ("des assurtechs comme Alan", "la néo-mutuelle")
    "assurtech",
    "assurtechs",
    "insurtech",
    "insurtechs",
    "neo-assureur",
    "neo-assureurs",
    "neo-mutuelle",
)

SCORE = 0.6
CONTEXT_SCORE = 0.85
AMBIGUOUS_SCORE = 0.3
AMBIGUOUS_CONTEXT_SCORE = 0.75

_NAMES, _AMBIGUOUS = load_names()
_LISTED_REGEX = span_regex(_NAMES)
#: Care networks, brokers and vendors: no person's insurer, not reported (see the data file).
OTHERS_FILE = "data/health_organisations.txt"


@cache
def other_organisations() -> re.Pattern[str]:
    """The regex of the names of care networks, brokers and vendors (see the data file)."""
    text = resources.files("recognizers").joinpath(OTHERS_FILE).read_text(encoding="utf-8")
    return span_regex(parse_names(text)[0])


def names_another_organisation(value: str) -> bool:
    """Whether ``value`` opens with the name of a care network, a broker or a vendor of health cover
    (``Kalivia Audio``, ``Henner``): no insurer's name, and no person's.

    >>> names_another_organisation("Kalivia Audio"), names_another_organisation("Harmonie Mutuelle")
    (True, False)
    """
    return other_organisations().match(value.strip()) is not None

#: Longest text whose matches of the name regexes are kept (:func:`_spans_of`).
CACHED_TEXT = 512


def _spans_of(regex: re.Pattern[str]) -> Callable[[str], tuple[tuple[int, int], ...]]:
    """Where ``regex`` matches in a text: cached for short texts, since the passes over one text (the names
    alone, with context, by their form) run the same name regexes over it. One cache per regex: a compiled
    pattern hashes its whole program, too slow for a cache key."""

    def spans(text: str) -> tuple[tuple[int, int], ...]:
        return tuple(match.span() for match in regex.finditer(text))

    cached = lru_cache(maxsize=1 << 14)(spans)
    return lambda text: cached(text) if len(text) <= CACHED_TEXT else spans(text)


_listed_any_case = _spans_of(_LISTED_REGEX)


def _listed_spans(text: str) -> tuple[tuple[int, int], ...]:
    """The listed names of ``text``; a name ending with "Mutuelle" in the plural only with its capital
    (``Harmonie Mutuelles``, not ``leurs identités mutuelles``)."""
    return tuple((s, e) for s, e in _listed_any_case(text)
                 if not (text[e - 9 : e - 8] == "m" and fold(text[e - 9 : e]) == "mutuelles")
                 or normalise(text[s:e]) in _PLURAL_NAMES)


#: Listed names written in the plural (``Entis Mutuelles``), found in any case.
_PLURAL_NAMES = frozenset(normalise(name) for name in _NAMES if normalise(name).endswith("mutuelles"))


#: After a name, the rest of a host name up to a common top-level domain (``mgen.fr``, ``harmonie-mutuelle.fr``):
#: the name is a web site's (not ``MGEN.elle rembourse``, a full stop without its space).
_DOMAIN_AFTER = re.compile(
    r"[\w\-]*(?:\.[\w\-]+)*\.(?:fr|com|org|net|eu|info|io|be|ch|lu|mc|re|gp|mq|gf|yt|pm|nc|pf|ca|de|es|it|uk)"
    r"(?![\w@\-])")
#: Before a name, the end of a host name's label and its dot (``www.``), or a mailbox's ``@``.
_HOST_BEFORE = re.compile(r"(?:[\w\-]\.|@)$")


def _in_web_address(text: str, start: int, end: int) -> bool:
    """Whether the name ``start:end`` is inside a host name or an address (``www.mgen.fr``, ``@mgen.fr``): a web
    site or a mailbox is no person's insurer (the address, when one, is an e-mail finding)."""
    return _HOST_BEFORE.search(text, max(0, start - 2), start) is not None or _DOMAIN_AFTER.match(text, end) is not None


def find_listed(text: str, folded: str, in_context: bool) -> Iterator[tuple[int, int, float]]:
    """The listed names that are only insurers' names, scored higher after a context word."""
    for start, end in _listed_spans(text):
        if not _in_web_address(text, start, end):
            yield start, end, CONTEXT_SCORE if in_context or SPEC.has_context(folded, start) else SCORE


#: Names that are only insurers' names: reported alone.
SPEC = EntitySpec(
    entity=ENTITY,
    name="complementary insurer name (list)",
    span_regex=_LISTED_REGEX,
    prefilter=prefilter(_NAMES),
    score=SCORE,
    context_score=CONTEXT_SCORE,
    context=CONTEXT,
    finder=find_listed,
    not_under=_NAME_COLUMNS,
)
#: Score of an ambiguous name written as a name is, after the words that introduce an insurer.
AMBIGUOUS_CUE_SCORE = 0.7
#: Before an insurer's name in prose (folded): "à la MNT", "chez Harmonie", "adhérente de la MGEN", "le groupe
#: Harmonie".
_CUE_BEFORE = re.compile(
    r"(?:(?<![a-z])(?:a|de|par|avec|pour|chez|aupres\s+de|affiliee?|adherente?|assuree?|cotise|cotisant|groupe)"
    r"\s+(?:la\s+|l[' ’])?|(?<![a-z])(?:la|l[' ’])\s*)[*_]{0,3}$"  # Markdown's emphasis: "chez **MNT**"
)
_AMBIGUOUS_REGEX = span_regex(_AMBIGUOUS)
_ambiguous_spans = _spans_of(_AMBIGUOUS_REGEX)
#: A capitalised word right after: the name is a person's first name (``Alan Turing``).
_NAME_AFTER = re.compile(rf"[ \t]+[{UPPER}][{LOWER}]")
_ACRONYMS = frozenset(normalise(n) for n in _AMBIGUOUS if n.isupper())


def _written_as_a_name(value: str) -> bool:
    """An acronym in capitals (``MNT``, not ``mnt``), or a name with its capital (``Harmonie``)."""
    if normalise(value) in _ACRONYMS:
        return value.isupper() and len(value) >= 3
    return value[:1].isupper() and not value.isupper()


#: Between two items of an enumeration: a comma, ``et``, ``ou``, ``&``, a slash.
_ITEM_GAP = re.compile(r"\s*(?:,|;|/|&|\bet\b|\bou\b)\s*")


#: After the last item of an enumeration: its end (a full stop, a semicolon, a bracket, the line's end).
_LIST_END = re.compile(r"\s*(?:[.;:)\]]|$)", re.MULTILINE)
#: The conjunction before an enumeration's last item.
_LAST_ITEM = re.compile(r"\b(?:et|ou)\b|&")
#: An item gap, then the next item's capital.
_NEXT_ITEM = re.compile(rf"{_ITEM_GAP.pattern}[{UPPER}]")


def _beside_a_listed_name(text: str, start: int, end: int) -> bool:
    """Whether the name ``start:end`` is an item of an enumeration beside an insurer that is only an insurer
    (``les groupes MGEN, Istya et Harmonie.``, ``Harmonie / MGEN``): a listed name one item gap before it, and
    the list's end or another item gap right after it (not ``la MGEN, Alan a présenté``), or a listed name one
    item gap after it."""
    listed = _listed_spans(text)
    if any(other_start >= end and _ITEM_GAP.fullmatch(text, end, other_start) for other_start, _ in listed):
        return True
    gaps = [gap for _, other_end in listed if other_end <= start and (gap := _ITEM_GAP.fullmatch(text, other_end,
                                                                                                start))]
    # the last item ("et Harmonie"), or an item the list goes on or ends after ("Harmonie, MNT", "Harmonie.")
    return bool(gaps) and (any(_LAST_ITEM.search(gap.group()) for gap in gaps) or _LIST_END.match(text, end)
                           is not None or _NEXT_ITEM.match(text, end) is not None)


#: After an insurer's name (folded): the line of cover it sells (``MNT Santé``, ``APRIL Assurances``), or a
#: sentence saying what it is (``Alan est une compagnie d'assurance``).
_CUE_AFTER = re.compile(
    r"[ \t]+(?:(?:sante|prevoyance|mutuelle|mutualite|assurances?)(?![\w\-])"
    r"|(?:est|etait)[ \t]+(?:une?|la|le|l['’])[ \t]*(?:[\w\-]+[ \t]+){0,2}"
    r"(?:mutuelle|assureur|complementaire|compagnie d['’]assurances?|institution de prevoyance|neo-assureur"
    r"|assurtech|insurtech)(?![\w\-]))"
)


def _introduced(text: str, folded: str, start: int, end: int) -> bool:
    """Whether the name ``start:end``, written as a name, is introduced as an insurer: after the words that
    introduce one in prose (``adhérente à la MNT``, ``assuré chez Harmonie``), before its line of cover or what
    it is (``MNT Santé``, ``Alan est une assurtech``), or beside another insurer in an enumeration (``MGEN, Istya
    et Harmonie``)."""
    if not _written_as_a_name(text[start:end]):
        return False
    if _CUE_AFTER.match(folded, end):
        return True
    return _NAME_AFTER.match(text, end) is None and (
        _CUE_BEFORE.search(folded, max(0, start - 24), start) is not None or _beside_a_listed_name(text, start, end))


def find_ambiguous(text: str, folded: str, in_context: bool) -> Iterator[tuple[int, int, float]]:
    """Names that are also words: after a context word, or written as a name and introduced as an insurer
    (:func:`_introduced`)."""
    listed = _listed_spans(text)
    for start, end in _ambiguous_spans(text):
        if _in_web_address(text, start, end) or any(s <= start and end <= e for s, e in listed):
            continue  # "Harmonie" in "Harmonie Mutuelle": the listed name is found
        if in_context or AMBIGUOUS_SPEC.has_context(folded, start):
            yield start, end, AMBIGUOUS_CONTEXT_SCORE
        elif _introduced(text, folded, start, end):
            yield start, end, AMBIGUOUS_CUE_SCORE


#: Names that are also ordinary words or first names: reported only after a context word, or written as a
#: name after the words that introduce an insurer.
AMBIGUOUS_SPEC = EntitySpec(
    entity=ENTITY,
    name="complementary insurer name that is also a word (list, context needed)",
    span_regex=_AMBIGUOUS_REGEX,
    prefilter=prefilter(_AMBIGUOUS),
    score=AMBIGUOUS_SCORE,
    context_score=AMBIGUOUS_CONTEXT_SCORE,
    context=CONTEXT,
    needs_context=True,
    finder=find_ambiguous,
    context_prefilter=words_re2(CONTEXT) + r"|(?i:\b(?:la|l['’]|chez|aupr[eè]s|par|avec|pour|de|et|ou|a)\b)|[,;/&à]"
                      r"|(?i:cotis|affili|adh[eé]r|assur|groupe|sant[eé]|mutualit[eé])",
    not_under=_NAME_COLUMNS,
)
#: Score of a name found by its form rather than the list: "Mutuelle Nationale des Hospitaliers", an acronym
#: in parentheses after a name, an item of an enumeration of insurers.
NAMED_SCORE = 0.7
_CAP = rf"[{UPPER}]\w*(?:['’\-]\w+)*"  # no quote or dash ends it: ``'Mutuelle Fictive',``
_LINK = r"(?:de|du|des|d['’]|la|le|l['’]|et|en|pour)"
#: Between the words of a name (on one line): blanks, and the small words that link them, an elided one glued
#: to the next word ("de l'Hôtellerie").
_NAME_GAP = rf"(?:{BLANK}+{_LINK})*(?:{BLANK}+[dDlL]['’]|{BLANK}+)"
#: After the word, what starts no name: a statute's divisions (``OBJET DE LA MUTUELLE Article 1``), the next
#: sentence's article (``de la Mutuelle Le siège``, ``Dénomination de la Mutuelle La Mutuelle dénommée``).
_NO_NAME_START = (r"(?i:article|chapitre|titre|section|annexe|preambule|préambule)(?![\w'’\-])"
                  rf"|L[ae]s?{BLANK}+(?:[a-zé]|Mutuelle|MUTUELLE)")
#: A mutuelle named after the word: "Mutuelle Générale Environnement et Territoires", "MUTUELLE DU REMPART",
#: "Mutuelle de l'Hôtellerie Restauration", "Groupe des Mutuelles Indépendantes"; not the legal code ("Code de
#: la Mutualité") nor the compulsory scheme of farmers ("Mutualité sociale agricole").
_MUTUELLE_NAMED = re.compile(
    rf"(?<![\w])(?<![0-9][\-_/])(?<!Code de la )(?<!CODE DE LA )"
    rf"(?!(?i:mutualit[eé]{BLANK}+sociale{BLANK}+agricole))"  # the MSA: the farmers' compulsory scheme
    rf"(?!(?i:mutualit[eé]{BLANK}+fran[cç]aise(?![\w\-])))"  # the mutuelles' federation, no insurer
    rf"(?:Mutuelle|MUTUELLE|Mutualité|MUTUALITÉ|(?:Groupe|GROUPE) (?:des|DES) (?:Mutuelles|MUTUELLES))"
    rf"(?:{BLANK}+[a-zé]+(?={BLANK}+{_CAP}))?{_NAME_GAP}(?!{_NO_NAME_START}){_CAP}(?:{_NAME_GAP}{_CAP}){{0,4}}"
)
#: A name ending with the word, after a group's word or a capitalised word that is no determiner: "Groupe
#: France Mutuelle", "GROUPE FRANCE MUTUELLE", "Apivia Mutuelle", "Harmonie Mutuelles", "Landes Mutualité",
#: "Toulouse mutualité".
_NAMED_MUTUELLE = re.compile(
    rf"(?<![\w'’/])(?<![0-9][\-_])(?:(?:Groupe|GROUPE){BLANK}+)?(?P<head>{_CAP})(?:{BLANK}+{_CAP}){{0,2}}{BLANK}+"
    rf"(?:Mutuelles?|MUTUELLES?|[Mm]utualit[ée]|MUTUALIT[ÉE])"
    rf"(?![\w])(?![\-_/][0-9])"
)
#: Words before "Mutuelle" that say which one the writer means, not its name (folded).
_DETERMINERS = frozenset({
    "la", "le", "les", "l", "ma", "ta", "sa", "mes", "tes", "ses", "notre", "votre", "nos", "vos", "leur", "leurs",
    "une", "un", "des", "du", "de", "d", "cette", "ce", "quelle", "quel", "chaque", "toute", "tout", "nouvelle",
    "meilleure", "bonne", "autre", "seule", "premiere", "meme", "aucune", "sans", "avec", "pour", "par", "et", "ou",
    "choisir", "complementaire",
})
_named_spans = _spans_of(_MUTUELLE_NAMED)


#: Words before "Mutuelle" or "Mutualité" that make no insurer's name: the federation and its events (folded).
_NO_NAME_HEAD = frozenset({"federation", "fnmf", "semaine", "journee", "journees", "congres", "assises", "code"})


def _may_name(word: str) -> bool:
    """Whether ``word`` may be part of an insurer's name before "Mutuelle" or "Mutualité": no determiner, and no
    French word unless a place or a first name (``France``, ``Apivia``, ``Landes``; not ``Votre``, ``Comparer``,
    ``Forum``)."""
    key = normalise(word).split("'")[0]
    return key not in _DETERMINERS and key not in _NO_NAME_HEAD and (
        not lexicon.is_word(key) or lexicon.is_place(key) or lexicon.is_first_name(key))


def _names_ending_with_the_word(text: str) -> list[tuple[int, int]]:
    """Names that end with "Mutuelle" or "Mutualité" (:data:`_NAMED_MUTUELLE`) whose words are no determiner."""
    if not any(word in text for word in ("utuelle", "UTUELLE", "utualit", "UTUALIT")):
        return []
    spans = []
    for match in _NAMED_MUTUELLE.finditer(text):
        *words, last = match[0].split()
        if all(word.isupper() == last.isupper() and _may_name(word) for word in words if fold(word) != "groupe"):
            spans.append(match.span())  # not "CONDITIONS GENERALES Mutuelle X" (a heading), "Comparer Mutuelle"
    return spans
#: Words that open an enumeration of insurers: "les cinq mutuelles (A, B et C)", "assureurs : A, B" (folded).
_ENUMERATION_OPENS = re.compile(
    r"(?:mutuelles|assureurs|complementaires|organismes|institutions de prevoyance|operateurs)[^(:.\n]{0,40}[(:]"
)
#: An insurer's acronym after its name: in parentheses, or after a dash at the end of a line or before a stop
#: ("Mutuelle Vitalité Santé - MVS").
_ACRONYM_AFTER = re.compile(
    r"\s*\(([A-Z][A-Z0-9&\-]{1,9})\)|[ \t]+[-–][ \t]+([A-Z][A-Z0-9&]{1,9})(?=[ \t]*(?:$|[\n.,;)]))", re.MULTILINE)
#: An article before an item of an enumeration ("la MGEN").
_ARTICLE = re.compile(rf"^(?:la|le|les|l['’])\s*(?=[{UPPER}])")
#: What separates the items of an enumeration ("A, B et C", "A ; B", "(A, B)").
_ITEM_SPLIT = re.compile(r"\s*(?:,|;|\bet\b|\bou\b|\(|\))\s*")


def _named(text: str, listed: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Known names (``listed``) and mutuelles named after the word, in text order."""
    spans = listed + list(_named_spans(text)) + _names_ending_with_the_word(text)
    kept: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if kept and start < kept[-1][1]:
            kept[-1] = (kept[-1][0], max(kept[-1][1], end))  # "la Mutuelle générale" + "... Environnement"
        else:
            kept.append((start, end))
    return kept


def find_named(text: str, folded: str, in_context: bool) -> Iterator[tuple[int, int, float]]:
    """Names of insurers found by their form: a mutuelle named after the word, the acronym in parentheses after
    a name (``Mutuelle Nationale Territoriale (MNT)``), and the other items of an enumeration of which most are
    insurers (``Prévadiès, Harmonie Mutualité et Santévie``)."""
    listed = [(s, e) for spec in (SPEC, AMBIGUOUS_SPEC) for s, e, _ in spec.find(text, folded=folded)]
    named, known = _named(text, listed), set(listed)
    named = [(s, e) for s, e in named if (s, e) in known or not _kind_of_cover(text[s:e])]
    found = [(s, e) for s, e in named if (s, e) not in known]
    for _, end in named:
        acronym = _ACRONYM_AFTER.match(text, end)
        if acronym:
            found.append(acronym.span(1) if acronym[1] else acronym.span(2))
    found += _enumerated(text, folded, named)
    for start, end in sorted(set(found)):
        yield start, end, NAMED_SCORE


#: Words after "mutuelle" that say what kind of cover, not which insurer (folded): ``MUTUELLE SANTÉ`` in a
#: letter template, ``Mutuelle Santé Senior`` in a heading.
_KINDS_OF_COVER = frozenset({
    "sante", "complementaire", "entreprise", "senior", "seniors", "obligatoire", "familiale", "famille",
    "individuelle", "collective", "responsable", "solidaire", "etudiante", "etudiant", "jeune", "jeunes", "pas",
    "chere", "cher", "pro", "tns", "retraite", "retraites", "dentaire", "optique", "hospitalisation", "couverte",
    "couvert",
})


def _kind_of_cover(name: str) -> bool:
    """Whether a "Mutuelle X" span only says a kind of cover (``Mutuelle Santé``), not an insurer's name."""
    words = fold(name).replace("'", " ").split()[1:]
    return bool(words) and all(w in _KINDS_OF_COVER for w in words)


_HEAD = re.compile(rf"{_CAP}(?:\s+(?:{_LINK}\s+)*{_CAP})*")


def _capitalised_head(text: str, start: int, end: int) -> tuple[int, int]:
    """The capitalised words an item starts with: ``Mare-Gaillard`` of ``Mare-Gaillard fusionnent``."""
    head = _HEAD.match(text, start, end)
    return (start, head.end()) if head else (start, end)


#: A sentence that is an SQL statement (its column list looks like an enumeration).
_SQL_STATEMENT = re.compile(r"\s*(?:INSERT|REPLACE|SELECT|UPDATE|DELETE|CREATE)\b", re.IGNORECASE)


def _enumerated(text: str, folded: str, named: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Capitalised items of an enumeration in which at least two items, and half of them, are insurers."""
    if len(named) < 2 and _ENUMERATION_OPENS.search(folded) is None:
        return []  # no sentence opens an enumeration, none holds two known names (items do not overlap)
    found = []
    for sentence in re.finditer(r"[^.!?\n]+", text):
        if _SQL_STATEMENT.match(sentence.group(0)):
            continue  # "INSERT INTO MUTUELLES ( CODE, LIBELLE, EMAIL )": a statement's columns, no enumeration
        items = []
        # after a colon, the enumeration; before it, its label ("deux options : SMER et LMDE", "Assurance : AXA")
        position = sentence.start() if (colon := sentence.group(0).find(":")) < 0 else sentence.start() + colon + 1
        for piece in _ITEM_SPLIT.split(text[position : sentence.end()]):
            start = text.find(piece, position) if piece else position
            position = start + len(piece)
            stripped = _ARTICLE.sub("", piece.strip())  # "la MGEN, la MNT": the item is what the article names
            if stripped:
                lead = piece.find(stripped)
                items.append((start + lead, start + lead + len(stripped)))
        items = [(start, end) for start, end in items if text[start].isupper()]
        known = [any(i_s <= s and e <= i_e for s, e in named) for i_s, i_e in items]  # the item holds a name
        names = [_capitalised_head(text, start, end) for start, end in items]
        # the items that may be insurers: known names, and capitalised heads that may name one (not the first
        # letter of a sentence the split cut off)
        others = [span for span, is_known in zip(names, known)
                  if not is_known and _may_name_an_insurer(text[slice(*span)].split())]
        opener = _ENUMERATION_OPENS.search(folded, sentence.start(), sentence.end())
        if opener is not None:  # what the enumeration lists comes after its opening words, not before
            found += [(start, end) for start, end in others if start >= opener.end()]
        elif sum(known) >= 2 and sum(known) >= len(others):
            found += others
    return found


#: Words that head an insurer's name (``Mutuelle existence``), folded.
_NAME_HEADS = frozenset({"mutuelle", "mutualite", "mutualiste", "prevoyance", "assurance", "assurances", "caisse"})


def _may_name_an_insurer(words: list[str]) -> bool:
    """Whether an enumeration's item may be an insurer: not a word that opens a sentence or that only the
    enumeration split off (``Ce``, ``Les``, ``Territoires``), not a person (``Thierry Beaudet``), at most five
    words."""
    if len(words) == 1:
        word = words[0]
        if len(word) < 2:
            return False  # "À y regarder de plus près…": a sentence's first letter, no acronym
        return "-" in word or word.isupper() or fold(word) in _NAME_HEADS or not lexicon.is_word(word)
    # "Au cœur du dispositif": a sentence's opening words, unless a word heads an insurer's name
    opens_prose = lexicon.is_word(words[0]) and not words[0].isupper() and not _NAME_HEADS & {fold(w) for w in words}
    return len(words) <= 5 and not lexicon.is_first_name(words[0]) and not opens_prose


#: Most words an insurer's name has (``Mutuelle Assurance des Commerçants et Industriels de France``: 8).
_NAME_WORDS = 10


#: What code writes and names do not: braces, brackets, a semicolon, a bracket closed before a colon.
_CODE = re.compile(r"[{}\[\];]|\)\s*:")


def is_name_cell(value: str) -> bool:
    """Whether a cell of a column named for insurers may be an insurer's name as a whole: not a question or an
    exclamation (``Carte de mutuelle : que faire en cas de perte ?``), not a sentence of many words, not French
    words only that name no insurer (a form's answer ``Mutuelle : Oui``, a help page's ``Carte de mutuelle :
    définition``), not the compulsory scheme.

    >>> [is_name_cell(v) for v in ("harmonie mutuelle", "MGEN", "que faire en cas de perte ou vol ?")]
    [True, True, False]
    >>> [is_name_cell(v) for v in ("définition", "harmonie", "macif", "Définition")]
    [False, True, True, False]
    >>> [is_name_cell(v) for v in ("-18.00 euro", "12,50 €", "Mutuelle 45")]  # the mutuelle's share of a bill
    [False, False, True]
    >>> [is_name_cell(v) for v in ("les meilleurs contrats en 2025, notre comparatif", "mutuelle des cheminots")]
    [False, True]
    >>> [is_name_cell(v) for v in ("Oui", "Aucune", "tiers payant intégral", "Harmonie", "Swiss Life")]  # answers
    [False, False, False, True, True]
    >>> [is_name_cell(v) for v in ("Caisse nationale d'assurance maladie (Cnam)", "CPAM de Paris", "MSA")]
    [False, False, False]
    >>> is_name_cell("string): MutuelleData {")  # code: "function parseMutuelle(text: string): MutuelleData {"
    False
    >>> [is_name_cell(v) for v in ("true", "FALSE", "yes", "null")]  # a flag's values (``has_insurer``)
    [False, False, False, False]
    """
    words = value.split()
    if len(words) == 1 and (fold(value.strip()) in _FLAGS or (
            value.islower() and lexicon.is_word(words[0]) and not is_known(words[0]))):
        return False
    return _CODE.search(value) is None and "?" not in value and "!" not in value and len(words) <= _NAME_WORDS \
        and _AMOUNT.search(value) is None and not _common_words_only(value) \
        and _COMPULSORY.match(fold(value.strip())) is None


#: A flag's or a missing value's marks, which a column named for insurers holds where it says whether (folded).
_FLAGS = lexicon.FLAGS_AND_MISSING | {"yes", "no"}


#: The compulsory scheme's bodies, which a column of organisms may hold beside the complementary ones (folded):
#: no complementary insurer.
_COMPULSORY = re.compile(
    r"(?:l[a']\s*)?(?:cpam|cgss|cnam|cnamts|cnmss|msa|caisse\s+(?:primaire|nationale|generale)\s+d['’]?\s*assurance"
    r"\s+maladie|assurance\s+maladie|mutualite\s+sociale\s+agricole|securite\s+sociale|regime\s+general)\b")


def _common_words_only(value: str) -> bool:
    """Whether ``value`` is French words only, none of which heads an insurer's name nor is one (a form's answer,
    ``Oui``, ``Aucune``, ``En cours``; a heading's ``les meilleurs contrats en 2025, notre comparatif``)."""
    words = _WORD.findall(value)
    return bool(words) and all(map(lexicon.is_word, words)) and not _NAME_HEADS & {fold(word) for word in words} \
        and not any(spec.span_regex.search(value) for spec in (SPEC, AMBIGUOUS_SPEC))


_WORD = re.compile(r"[^\W\d_]+(?:['’\-][^\W\d_]+)*")


#: An amount of money (``-18.00 euro``, ``12,50 €``): what a mutuelle pays, in a column named for it.
_AMOUNT = re.compile(r"[0-9](?:[.,][0-9]{1,2})?\s*(?:€|eur(?:os?)?\b)", re.IGNORECASE)


#: Names of insurers found by their form rather than the list.
NAMED_SPEC = EntitySpec(
    entity=ENTITY,
    name="complementary insurer named by its form (Mutuelle X, acronym, enumeration)",
    span_regex=_MUTUELLE_NAMED,
    prefilter=rf"(?i:mutuel|mutualit|{_alternation(_NAMES)})",  # names inside a longer item count here
    score=NAMED_SCORE,
    context_score=NAMED_SCORE,
    finder=find_named,
    not_under=_NAME_COLUMNS,
)
SPECS = [SPEC, AMBIGUOUS_SPEC, NAMED_SPEC]


def _recognizer_class() -> type:
    from presidio_analyzer import RecognizerResult
    from presidio_analyzer.nlp_engine import NlpArtifacts

    from recognizers.adapter import SpecRecognizer

    class FrHealthInsurerRecognizer(SpecRecognizer):
        """Presidio recognizer of French complementary insurers' and tiers-payant operators' names.

        Scores: 0.6 for a listed name, 0.85 after a context word (``mutuelle``, ``complémentaire``,
        ``organisme``, ``assureur``, ``tiers payant``...); names that are also ordinary words (``April``,
        ``Alan``, ``MNT``...) only after a context word, 0.75.
        """

        def __init__(self, supported_language: str = "fr"):
            super().__init__(SPECS, supported_language=supported_language, name="FrHealthInsurerRecognizer")

        def analyze(
            self, text: str, entities: list[str], nlp_artifacts: NlpArtifacts | None = None
        ) -> list[RecognizerResult]:
            # "La Mondiale" (a word, with context) inside "AG2R La Mondiale" (a name): keep the whole name only
            results = super().analyze(text, entities, nlp_artifacts)
            return [
                r
                for r in results
                if not any(o is not r and o.start <= r.start and r.end <= o.end for o in results)
            ]

    return FrHealthInsurerRecognizer


#: ``FrHealthInsurerRecognizer``, the Presidio recognizer, is built on first use: importing this module for
#: its spec does not import Presidio.
__getattr__ = lazy_attribute(globals(), "FrHealthInsurerRecognizer", _recognizer_class)
