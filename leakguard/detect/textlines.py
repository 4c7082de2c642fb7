"""Text lines read with what stands around them, for forms, INI-like exports and letters.

Six passes complete the detection of each line on its own:

* **Key-value lines** (``Nom=DUPONT``, ``N° AMC : 99999997``, ``Date de naissance : 12/05/1985``, the
  members of pretty-printed JSON, ``"nom": "DUPONT",``, and the one-element lines of XML exports,
  ``<nom>DUPONT</nom>``), and values on the line below a key alone (``Nom :`` then ``DUPONT``, ``<nom>`` then
  ``DUPONT``), the items of a list below a key alone (``prenoms:`` then ``- 'JEAN'``, ``- 'MICHEL'``) and of a
  JSON array on its member's line (``"codesAMC": ["442224671", "775685399"],``) or one per line below it, the
  members of a map literal whose variable names an entity (``$amcMapping = [``): the key is a column name,
  and the value a cell of that column: column hints (:mod:`leakguard.detect.hints`) apply to it as they do to a
  table. A key that says nothing takes the
  section header above as its prefix (``[AMC]`` then ``Code=99999997`` reads as ``AMC Code``).
* **Tables typed in text** (``psql`` output, Markdown, exports) and **INSERT statements** written on one line
  (database logs) or one value a line (scripts): a cell is read under its header, a value under its column, as a
  value under its key (:mod:`leakguard.sources.linetables`, :mod:`leakguard.sources.linesql`).
* **Context from the lines above**: an entity that needs a context word (an AMC number, a date of birth, a
  NIR with a wrong key) is looked for in the previous line and the section header as well
  (``Date de naissance :`` on one line, the date on the next; a name on one line, its date of birth on the
  next), except in the lines that explain themselves: where the line alone holds one of the entity's
  context words and the entity was found with its context score (``nir=…`` in a log line).
* **A phone number written again**: a run of the nine digits of a number another line writes with its calling
  code (:func:`recognizers.phone.restated`: ``'+33612457898',`` then ``'612457898',``), in the same chunk.
* **A name above a birth line**: a line that opens with a birth phrase (``Née le 4 septembre 1952``) is read
  with the line above, whose capitalised words are then a name (``Rosette Moreau``), in the same chunk.
* **A signature below a closing**: a line that holds only a closing (``Cordialement,``) is read with the next
  line (a blank line may stand between), whose first name ends a message (``sophie bernard``), in the same chunk.

Findings of these passes are kept where the line alone found nothing overlapping them.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from leakguard.detect.hints import FREE_TEXT, hint_for, names_anything
from leakguard.detect.profile import NirProfile
from leakguard.findings import TABLE_SCHEMA
from leakguard.preview import mask_array
from leakguard.sources.base import CellColumn, Chunk
from leakguard.sources.linesql import insert_cells
from leakguard.sources.linetables import TableCells, table_cells

if TYPE_CHECKING:
    from leakguard.detect.engine import Detector
    from recognizers.spec import EntitySpec

#: RE2: a ``key = value`` or ``key : value`` line; the key starts with a letter and holds no more than 48
#: characters (``N° Sécurité Sociale``, ``Date de naissance``); not an arrow's ``=>`` (:data:`ARROW_STRING_RE2`).
KEY_VALUE_RE2 = (
    r"^(?P<lead>\s*(?P<key>\pL[\pL\pN _.'’°/()\-]{0,47}?)\s*[:=]\s*)(?P<value>[^\s>].*?)\s*$"
)
#: RE2: a member of a pretty-printed JSON document on a line of its own, a string (``"nom": "DUPONT",``: the
#: value is what stands between the quotes, escapes as written) or a number (``"nir": 295109912611193``).
JSON_STRING_RE2 = r'^(?P<lead>\s*"(?P<key>\pL[^"\\]{0,47})"\s*:\s*")(?P<value>(?:[^"\\]|\\.)+)"\s*,?\s*$'
JSON_NUMBER_RE2 = r'^(?P<lead>\s*"(?P<key>\pL[^"\\]{0,47})"\s*:\s*)(?P<value>-?[0-9][0-9.eE+\-]*)\s*,?\s*$'
#: RE2: a line holding one XML (or HTML) element and its text, ``<nom>DUPONT</nom>``, ``<pat:dateNaissance
#: type="date">1985-05-12</pat:dateNaissance>``: the element's name is the key (RE2 has no back-references:
#: the closing tag is not compared with the opening one).
ELEMENT_RE2 = (
    r"^(?P<lead>\s*<(?P<key>[\pL_][\pL\pN_.:\-]{0,47})(?:\s[^<>]*)?>\s*)(?P<value>[^<\s](?:[^<]*[^<\s])?)"
    r"\s*</[\pL_][\pL\pN_.:\-]{0,47}>\s*$"
)
#: RE2: a line that is a key alone, its value on the next line: ``Nom :`` in the text of a form (as PDF text
#: extraction gives it), an opening tag ``<nom>`` of an XML export whose text stands on the lines below.
KEY_ALONE_RE2 = r"^\s*(?P<key>\pL[\pL\pN _.'’°/()\-]{0,47}?)\s*:\s*$"
TAG_ALONE_RE2 = r"^\s*<(?P<key>[\pL_][\pL\pN_.:\-]{0,47})(?:\s[^<>]*[^/<>])?>\s*$"
#: RE2: the value line below a key alone: text that opens no tag and is no key alone itself.
VALUE_ALONE_RE2 = r"^(?P<lead>\s*)(?P<value>[^<\s](?:.*[^:\s])?)\s*$"
#: RE2: the section header at the start of a context (see leakguard.sources.linecontext).
_HEADER_RE2 = r"^(?P<header>[^\n]*)\n"
#: RE2: the previous line at the end of a context.
_PREVIOUS_RE2 = r"\n(?P<previous>[^\n]*)$"


def line_findings(detector: Detector, chunk: Chunk, found: pa.Table | None) -> list[pa.Table]:
    """Findings of the five passes on a chunk of text lines (empty when the chunk has no context), ``found``:
    the findings of its lines read alone."""
    if not chunk.text or chunk.context is None or not chunk.columns:
        return []
    column = chunk.columns[0]
    tables = _key_values(detector, column.values, column.rows, chunk.context)
    tables += _cells(detector, column.rows, table_cells(column.values, chunk.table_headers))
    tables += _cells(detector, column.rows, insert_cells(column.values))
    tables += _cells(detector, column.rows, array_cells(column.values))
    spans = _context_above(detector, column.values, column.rows, chunk.context, found)
    if detector.options.wants("PHONE_NUMBER"):
        spans += _numbers_restated(column.values, column.rows, found)
    if detector.options.wants("PERSON"):
        spans += _names_above_births(column.values, column.rows)
        spans += _signatures_below_closings(column.values, column.rows)
    if spans:
        tables.append(_table(detector, spans))
    return tables


#: The forms of a key-value line, tried in this order (a line matches one at most but for odd keys).
#: RE2: a key and its value as two quoted arguments or items, on a line of code: ``.param("lastName", "DUPONT")``,
#: ``("nom", "Dupont"),``, ``put('prénom', 'Jean')`` (the first pair of the line). The key's letters are Latin-1's:
#: Unicode classes there make RE2's automaton scanning every line twenty times slower.
ARGUMENT_PAIR_RE2 = (
    r"""^(?P<lead>.*?[(\[{,][ \t]*["'](?P<key>[A-Za-zÀ-ÖØ-öø-ÿ_][A-Za-zÀ-ÖØ-öø-ÿ0-9_.\-]{0,47})["'][ \t]*,[ \t]*["'])"""
    r"""(?P<value>[^"'\\]+)["'][ \t]*[)\]}]"""
)
#: RE2: a member of an associative array on a line of its own, PHP's, Ruby's or Perl's arrow between the key and
#: the value (``'identificationMutuelle' => '62013354',``, ``:nom => "DUPONT",``, ``'nir' => 185057800608491,``),
#: the quotes left out of both; a string or a number only (``$patient->nom``, ``fake()->name()``: code).
_ARROW_KEY = r"""^(?P<lead>\s*["':]?(?P<key>[A-Za-zÀ-ÖØ-öø-ÿ_][A-Za-zÀ-ÖØ-öø-ÿ0-9_.\-]{0,47})["']?[ \t]*=>[ \t]*"""
ARROW_STRING_RE2 = _ARROW_KEY + r"""["'])(?P<value>[^"'\\\s][^"'\\]*)["'][ \t]*,?[ \t]*$"""
ARROW_NUMBER_RE2 = _ARROW_KEY + r""")(?P<value>[0-9][0-9.]*)[ \t]*,?[ \t]*$"""
#: RE2: the first setter of a line of code and its quoted argument, the setter's name the key (fixtures and
#: builders: ``$pm->setNumeroAdherent('ALL-12345-X')``, ``.setDateNaissance("1985-05-12")``, ``.withNir("…")``,
#: ``->setDateNaissance(new \DateTimeImmutable('1979-05-17'))``).
_SETTER_KEY = (r"""^(?P<lead>.*?(?:->|\.)(?:set|with)_?(?P<key>[A-Za-zÀ-ÖØ-öø-ÿ][A-Za-zÀ-ÖØ-öø-ÿ0-9_]{0,47})"""
               r"""[ \t]*\([ \t]*""")
SETTER_RE2 = _SETTER_KEY + r"""["'])(?P<value>[^"'\\]+)["'][ \t]*\)"""
#: The same, the value wrapped in a constructor, tried after (a line's plain setter first: ``->setCreatedAt(new
#: \DateTime('…'))->setNumeroAdherent('ALL-12345')``).
SETTER_NEW_RE2 = (_SETTER_KEY + r"""new[ \t]+[\\A-Za-z_][\\A-Za-z0-9_.]*[ \t]*\([ \t]*["'])"""
                  r"""(?P<value>[^"'\\]+)["'][ \t]*\)""")
_KEY_VALUE_FORMS = (KEY_VALUE_RE2, JSON_STRING_RE2, JSON_NUMBER_RE2, ELEMENT_RE2, ARGUMENT_PAIR_RE2,
                    ARROW_STRING_RE2, ARROW_NUMBER_RE2, SETTER_RE2, SETTER_NEW_RE2)


def _key_value_parts(lines: pa.Array, context: pa.Array) -> list[pa.Array]:
    """``lead`` (up to the value), ``key`` and ``value`` of each key-value line (:data:`_KEY_VALUE_FORMS`), of
    a value line below a key alone (:data:`KEY_ALONE_RE2`, :data:`TAG_ALONE_RE2`), and of the items of a list
    below a key alone (:data:`LIST_ITEM_RE2`); null elsewhere."""
    parts = _unquoted(_values_after_keys(lines))
    parts, below = _values_below_keys(lines, context, parts)
    return _mapped_items(lines, _array_items(lines, _list_items(lines, parts, below)))


#: RE2: a value in quotes, maybe a comma after it, as object literals write members (``firstName: 'Jean',``).
_QUOTED_VALUE_RE2 = r"""^(?P<quote>["'`])(?P<value>[^"'`\\]+)["'`][ \t]*[,;]?$"""


def _unquoted(parts: list[pa.Array]) -> list[pa.Array]:
    """``parts`` (lead, key, value) with the quotes around a value, and a comma after them, moved out of it."""
    lead, key, value = parts
    quote, inner = pc.extract_regex(value, _QUOTED_VALUE_RE2).flatten()
    quoted = pc.is_valid(inner)
    return [pc.if_else(quoted, pc.binary_join_element_wise(lead, quote, ""), lead), key,
            pc.if_else(quoted, inner, value)]


def _values_after_keys(lines: pa.Array) -> list[pa.Array]:
    parts = pc.extract_regex(lines, _KEY_VALUE_FORMS[0]).flatten()
    for form in _KEY_VALUE_FORMS[1:]:
        # the lines no form read yet that this one matches (a match without groups runs RE2's DFA; extracting
        # groups does not, and costs more on long lines): few, extracted apart
        missing = np.flatnonzero(pc.is_null(parts[1]).to_numpy(zero_copy_only=False))
        if len(missing) == 0:
            return parts
        where = missing[_lines_matching(lines.take(pa.array(missing)), form)]
        if len(where) == 0:
            continue
        found = pc.extract_regex(lines.take(pa.array(where)), form).flatten()
        parts = _replaced(parts, where, found)
    return parts


def _values_below_keys(lines: pa.Array, context: pa.Array, parts: list[pa.Array]
                       ) -> tuple[list[pa.Array], np.ndarray]:
    """``parts`` with the value lines below a key alone, and where those lines are."""
    # lines without a key whose previous line ends as a key alone does (":", ">"): few, looked at closer
    open_lines = pc.and_(pc.is_null(parts[1]), pc.fill_null(pc.match_substring_regex(context, r"[:>]\s*$"), False))
    positions = np.flatnonzero(open_lines.to_numpy(zero_copy_only=False))
    if len(positions) == 0:
        return parts, positions
    take = pa.array(positions)
    previous = pc.extract_regex(context.take(take), _PREVIOUS_RE2).flatten()[0]
    key = pc.coalesce(*(pc.extract_regex(previous, form).flatten()[0] for form in (KEY_ALONE_RE2, TAG_ALONE_RE2)))
    lead, value = pc.extract_regex(lines.take(take), VALUE_ALONE_RE2).flatten()
    below = pc.fill_null(pc.and_(pc.is_valid(key), pc.is_valid(value)), False)
    where = positions[below.to_numpy(zero_copy_only=False)]
    return _replaced(parts, where, [new.filter(below) for new in (lead, key, value)]), where


#: RE2: an item of a list, its value maybe quoted: YAML's sequences (``    - 'JEAN'``), bullets in text; a quote
#: inside an unquoted value is the value's (``- N'DIAYE``).
LIST_ITEM_FORMS = (
    r"""^(?P<lead>\s*[-*•][ \t]+')(?P<value>[^'\s](?:[^']*[^'\s])?)'\s*$""",
    r"""^(?P<lead>\s*[-*•][ \t]+")(?P<value>[^"\s](?:[^"]*[^"\s])?)"\s*$""",
    r"""^(?P<lead>\s*[-*•][ \t]+)(?P<value>[^"'\s](?:.*\S)?)\s*$""",
)
LIST_ITEM_RE2 = r"^\s*[-*•][ \t]+\S"


def _list_items(lines: pa.Array, parts: list[pa.Array], below: np.ndarray) -> list[pa.Array]:
    """``parts`` with the items of each list whose first item stands below a key alone (``prenoms:`` then
    ``- 'JEAN'``, ``- 'MICHEL'``): each item is a value of that key, in this chunk."""
    items = _lines_matching(lines, LIST_ITEM_RE2) if len(below) else below
    if len(items) == 0:
        return parts
    first = np.r_[True, np.diff(items) != 1]
    run_start = items[first][np.cumsum(first) - 1]
    listed = np.isin(run_start, below)
    items, run_start = items[listed], run_start[listed]
    if len(items) == 0:
        return parts
    texts = lines.take(pa.array(items))
    lead, value = pc.extract_regex(texts, LIST_ITEM_FORMS[-1]).flatten()
    for form in LIST_ITEM_FORMS[:-1]:  # quoted: the quotes are no part of the value
        quoted = pc.extract_regex(texts, form).flatten()
        lead, value = (pc.coalesce(new, old) for new, old in zip(quoted, (lead, value), strict=True))
    return _replaced(parts, items, [lead, parts[1].take(pa.array(run_start)), value])


#: After an item of a code's list, its comment (``'278112005000332', // NOK bad checksum``, ``# valid``).
_ITEM_COMMENT = r"(?:(?://|#).*)?"
#: RE2: a line of code assigning a literal to a variable, up to the ``=`` (the variable in group ``name``).
_ASSIGNED = r"(?:(?:const|let|var|final|static|private|public)\s+)*\$?(?P<{name}>[A-Za-z_][A-Za-z0-9_]{{0,47}})\s*=\s*"
#: RE2: a member of a pretty-printed JSON document whose array opens at the line's end, its items on the lines
#: below, one per line (FHIR's ``"given": [`` then ``"Peter",`` and ``"James"``); or a list literal of code
#: assigned to a variable (validators' test lists: ``valid_nirs = [``, ``$ssns = array(``, ``const PHONES = [``),
#: maybe its first item on the same line (``$ssns = array(  '156077851718185', // OK``).
ARRAY_OPEN_RE2 = (r'^\s*(?:"(?P<key>[A-Za-zÀ-ÖØ-öø-ÿ_][^"\\]{0,47})"\s*:\s*\['
                  r'|' + _ASSIGNED.format(name="variable") +
                  r'(?:\[|array\(|\()(?:\s*(?:"[^"]*"|\'[^\']*\')\s*,)?)\s*' + _ITEM_COMMENT + '$')
#: RE2: an item of such an array, a string (the value between its quotes) or a number, maybe a comma and a
#: comment after it.
ARRAY_ITEM_FORMS = (rf'^(?P<lead>\s*")(?P<value>(?:[^"\\]|\\.)+)"\s*,?\s*{_ITEM_COMMENT}$',
                    rf"^(?P<lead>\s*')(?P<value>(?:[^'\\]|\\.)+)'\s*,?\s*{_ITEM_COMMENT}$",
                    rf'^(?P<lead>\s*)(?P<value>-?[0-9][0-9.eE+\-]*)\s*,?\s*{_ITEM_COMMENT}$')
ARRAY_ITEM_RE2 = rf"""^\s*(?:"(?:[^"\\]|\\.)+"|'(?:[^'\\]|\\.)+'|-?[0-9][0-9.eE+\-]*)\s*,?\s*{_ITEM_COMMENT}$"""


def _array_items(lines: pa.Array, parts: list[pa.Array]) -> list[pa.Array]:
    """``parts`` with the items of each JSON array written one per line below its member's key (``"prenoms": [``
    then ``"PIERRE",``, ``"PAUL"``): each item is a value of that key, in this chunk."""
    opening = _lines_matching(lines, ARRAY_OPEN_RE2)
    items = _lines_matching(lines, ARRAY_ITEM_RE2) if len(opening) else opening
    if len(items) == 0:
        return parts
    first = np.r_[True, np.diff(items) != 1]
    run_start = items[first][np.cumsum(first) - 1]
    listed = np.isin(run_start - 1, opening)
    items, run_start = items[listed], run_start[listed]
    if len(items) == 0:
        return parts
    texts = lines.take(pa.array(items))
    lead, value = pc.extract_regex(texts, ARRAY_ITEM_FORMS[-1]).flatten()
    for form in ARRAY_ITEM_FORMS[:-1]:  # quoted: the quotes are no part of the value
        quoted = pc.extract_regex(texts, form).flatten()
        lead, value = (pc.coalesce(new, old) for new, old in zip(quoted, (lead, value), strict=True))
    key, variable = pc.extract_regex(lines.take(pa.array(run_start - 1)), ARRAY_OPEN_RE2).flatten()
    keys = pc.if_else(pc.greater(pc.utf8_length(key), 0), key, variable)  # a group left out extracts as ""
    # a code's list is read only under a variable that names what it holds (``valid_nirs``, not ``result``)
    hinted = [v for v in pc.unique(variable).to_pylist() if v and hint_for(v) is not None]
    named = pc.or_(pc.greater(pc.utf8_length(key), 0), pc.is_in(variable, pa.array(hinted, pa.string())))
    named = named.to_numpy(zero_copy_only=False)
    if not named.all():
        take = pa.array(np.flatnonzero(named), pa.int64())
        items, run_start = items[named], run_start[named]
        lead, value, keys = lead.take(take), value.take(take), keys.take(take)
    return _replaced(parts, items, [lead, _human_name_parts(lines, keys, run_start - 1), value])


#: RE2: a member of an HL7 FHIR ``HumanName`` before its ``given`` names: ``"family": "Chalmers",``, the array of
#: names ``"name": [`` (not a scalar ``"name": "Connexion"``, a test's title).
_HUMAN_NAME_ABOVE_RE2 = r'^\s*"(?:family"\s*:|name"\s*:\s*\[)'
#: How many lines above its ``given`` array a ``HumanName``'s family name or opening may stand (``use``, ``text``).
_HUMAN_NAME_REACH = 4


def _human_name_parts(lines: pa.Array, keys: pa.Array, openings: np.ndarray) -> pa.Array:
    """``keys`` with ``given`` read as ``name.given`` where a FHIR ``HumanName`` holds the array (its ``family``
    or ``name`` member just above): alone, ``given`` names nothing (:mod:`leakguard.detect.hints`)."""
    given = np.flatnonzero(pc.equal(keys, "given").to_numpy(zero_copy_only=False))
    if len(given) == 0:
        return keys
    above = [lines.slice(max(0, at - _HUMAN_NAME_REACH), min(at, _HUMAN_NAME_REACH)) for at in openings[given].tolist()]
    named = [len(_lines_matching(lines_above, _HUMAN_NAME_ABOVE_RE2)) > 0 for lines_above in above]
    where = given[np.asarray(named, bool)]
    mask = np.zeros(len(keys), bool)
    mask[where] = True
    return pc.if_else(pa.array(mask), "name.given", keys)


#: RE2: a line of code opening a map or a list literal assigned to a variable, its members on the lines below
#: (``$amcMapping = [``, ``codes_amc = {``, ``const AMC = {``).
MAP_OPEN_RE2 = r"^\s*" + _ASSIGNED.format(name="key") + r"(?:\[|\{|array\()\s*$"


def _mapped_items(lines: pa.Array, parts: list[pa.Array]) -> list[pa.Array]:
    """``parts`` with the members of a map literal whose variable names what they hold read under its name, where
    their own keys say nothing (``$amcMapping = [`` then ``'mgen' => '77568531',``: the key is an insurer's name,
    the variable says the values are AMC numbers)."""
    openings = _lines_matching(lines, MAP_OPEN_RE2)
    if len(openings) == 0:
        return parts
    names = pc.extract_regex(lines.take(pa.array(openings)), MAP_OPEN_RE2).flatten()[0].to_pylist()
    keys = parts[1].to_pylist()
    where: list[int] = []
    renamed: list[str] = []
    for opening, name in zip(openings.tolist(), names, strict=True):
        if hint_for(name) is None:
            continue
        at = opening + 1
        while at < len(keys) and keys[at] is not None:  # the members, up to the literal's end
            if hint_for(keys[at]) is None:
                where.append(at)
                renamed.append(name)
            at += 1
    if not where:
        return parts
    at = pa.array(where, pa.int64())
    return _replaced(parts, np.asarray(where), [parts[0].take(at), pa.array(renamed, pa.string()),
                                                parts[2].take(at)])


def _replaced(parts: list[pa.Array], where: np.ndarray, new: list[pa.Array]) -> list[pa.Array]:
    """``parts`` (lead, key, value) with ``new`` at the lines ``where``."""
    mask = np.zeros(len(parts[0]), bool)
    mask[where] = True
    return [pc.replace_with_mask(part, pa.array(mask), more) for part, more in zip(parts, new, strict=True)]


def _key_values(detector: Detector, lines: pa.Array, rows: pa.Array, context: pa.Array) -> list[pa.Table]:
    parts = _key_value_parts(lines, context)
    positions = np.flatnonzero(pc.is_valid(parts[1]).to_numpy(zero_copy_only=False))
    if len(positions) == 0:
        return []
    take = pa.array(positions)
    lead, key, value = (part.take(take) for part in parts)
    header = pc.extract_regex(context.take(take), _HEADER_RE2).flatten()[0]
    names = pc.if_else(pc.fill_null(pc.not_equal(header, ""), False),
                       pc.binary_join_element_wise(header, key, " "), key)
    offsets = pc.utf8_length(lead).to_numpy(zero_copy_only=False)
    row_of = rows.take(take).to_numpy(zero_copy_only=False)
    return _hinted_cells(detector, np.asarray(key.to_pylist(), dtype=object),
                         np.asarray(names.to_pylist(), dtype=object), value, row_of, offsets)


#: RE2: a member of a JSON document whose value is an array written on its line, of strings or numbers
#: (``"codesAMC": ["775685399", "440363588"],``, ``"prenoms": ["JEAN", "MICHEL"]``).
JSON_ARRAY_RE2 = r'^\s*"[A-Za-zÀ-ÖØ-öø-ÿ_][^"\\]{0,47}"\s*:\s*\[\s*(?:"|-?[0-9])'
_JSON_ARRAY = re.compile(r'\s*"(?P<key>[^"\\]{1,48})"\s*:\s*\[(?P<items>[^\[\]{}]*)\]\s*,?\s*')
_JSON_ITEM = re.compile(r'"(?P<string>(?:[^"\\]|\\.)*)"|(?P<number>-?[0-9][0-9.eE+\-]*)')


def array_cells(lines: pa.Array) -> TableCells:
    """The items of the JSON arrays written on one line as a member's value, each a cell under the member's key.

    >>> array_cells(pa.array(['  "codesAMC": ["775685399", "440363588"],', '"n": 3']))
    TableCells(keys=['codesAMC', 'codesAMC'], values=['775685399', '440363588'], lines=[0, 0], offsets=[16, 29])
    """
    cells = TableCells([], [], [], [])
    for index in _lines_matching(lines, JSON_ARRAY_RE2).tolist():
        line = lines[index].as_py()
        member = _JSON_ARRAY.fullmatch(line)
        if member is None:
            continue
        for item in _JSON_ITEM.finditer(line, member.start("items"), member.end("items")):
            group = "string" if item["string"] is not None else "number"
            if item[group]:
                cells.keys.append(member["key"])
                cells.values.append(item[group])
                cells.lines.append(index)
                cells.offsets.append(item.start(group))
    return cells


def _cells(detector: Detector, rows: pa.Array, cells: TableCells) -> list[pa.Table]:
    """Findings of cells read under their column (the tables typed in the lines,
    :mod:`leakguard.sources.linetables`; the INSERT statements, :mod:`leakguard.sources.linesql`)."""
    if not cells.keys:
        return []
    keys = np.asarray(cells.keys, dtype=object)
    row_of = rows.take(pa.array(cells.lines, pa.int64())).to_numpy(zero_copy_only=False)
    return _hinted_cells(detector, keys, keys, pa.array(cells.values, pa.string()), row_of,
                         np.asarray(cells.offsets, np.int64))


def _hinted_cells(detector: Detector, keys_np: np.ndarray, names_np: np.ndarray, value: pa.Array,
                  row_of: np.ndarray, offsets: np.ndarray) -> list[pa.Table]:
    """Findings of values read as cells of the column their key (or ``names_np``: the key after its section)
    names, moved to their ``offsets`` in their line."""
    tables = []
    for name in sorted(set(names_np.tolist())):
        # the key says what its value is; the section, only when the key alone says nothing ([AMC] Code=...)
        own = keys_np[np.flatnonzero(names_np == name)[0]]
        hint = hint_for(own, detector.options.column_hints) or hint_for(name, detector.options.column_hints)
        if hint is None or hint.entity == FREE_TEXT:
            continue
        group = np.flatnonzero(names_np == name)
        if hint.entity == "PERSON" and names_anything(own):
            group = group[_plausible_names(value.take(pa.array(group)))]  # <name>Clinique du Belvédère</name>
            if len(group) == 0:
                continue
        # each cell is its own record (a line may hold a column twice: an INSERT of several rows), placed after
        cells = CellColumn(name if hint_for(own, detector.options.column_hints) is None else own,
                           value.take(pa.array(group)), pa.array(group, pa.int64()))
        found = detector.hinted_cells(cells, NirProfile())
        if found is None or found.num_rows == 0:
            continue
        tables.append(_shifted(found, row_of, offsets))
    return tables


def _plausible_names(values: pa.Array) -> np.ndarray:
    """Which of the values of a key that may name anything (:func:`~leakguard.detect.hints.names_anything`) may
    be a person's name: not a place, a service, an insurer or common words."""
    from recognizers import person

    return np.fromiter((person.is_plausible_name(v.strip()) for v in values.to_pylist()), bool, len(values))


def _shifted(found: pa.Table, row_of: np.ndarray, offsets: np.ndarray) -> pa.Table:
    """Findings of values (their rows: the values' indices) moved to their line (``row_of``) and their place in
    it (``offsets``), as findings of a text line (null column)."""
    cell = found["row"].to_numpy()
    by = offsets[cell].astype(np.int32)
    found = found.set_column(found.schema.get_field_index("row"), found.schema.field("row"),
                             pa.array(row_of[cell], pa.int64()))
    found = found.set_column(found.schema.get_field_index("column"), "column",
                             pa.nulls(found.num_rows, pa.string()))
    for name in ("start", "end"):
        index = found.schema.get_field_index(name)
        found = found.set_column(index, found.schema.field(index),
                                 pa.array(found[name].to_numpy() + by, pa.int32()))
    return found


#: A span found in a line: row, start, end, entity, score, value.
_LineSpan = tuple[int, int, int, str, float, str]


def _context_above(detector: Detector, lines: pa.Array, rows: pa.Array, context: pa.Array,
                   found_alone: pa.Table | None) -> list[_LineSpan]:
    found: list[_LineSpan] = []
    has_context = pc.fill_null(pc.is_valid(context), False)
    joined = pc.binary_join_element_wise(context, lines, "\n")
    for spec in detector.specs:
        context_re2 = spec.context_re2()
        if context_re2 is None or not (spec.needs_context or spec.context):
            continue
        candidates = pc.and_(
            pc.and_(has_context, pc.fill_null(pc.match_substring_regex(lines, spec.prefilter), False)),
            pc.fill_null(pc.match_substring_regex(joined, context_re2), False),
        )
        positions = np.flatnonzero(candidates.to_numpy(zero_copy_only=False))
        if len(positions) and spec.reportable_re2 is not None:
            positions = positions[_lines_matching(joined.take(pa.array(positions)), spec.reportable_re2)]
        if len(positions) == 0:
            continue
        explained = _explained(spec, lines.take(pa.array(positions)), rows.take(pa.array(positions)), found_alone)
        take = pa.array(positions[~explained.to_numpy(zero_copy_only=False)])
        if len(take) == 0:
            continue
        for row, line, above in zip(rows.take(take).to_pylist(), lines.take(take).to_pylist(),
                                    context.take(take).to_pylist()):
            found += _found_below(spec, row, line, above)
    return found


def _found_below(spec: EntitySpec, row: int, line: str, above: str) -> list[_LineSpan]:
    """What ``spec`` finds in ``line`` read under its context ``above``, and under its block's label alone (the
    label of a list may stand further than an entity's context window) where the entity's context words need
    not stand right before it (no ``context_gap``: the lines between would be skipped)."""
    found: dict[tuple[int, int], _LineSpan] = {}
    label = above.split("\n")[1] if spec.context_gap is None else ""
    for before in (above, label) if label else (above,):
        offset = len(before) + 1
        for start, end, score in spec.find(before + "\n" + line):
            span = (start - offset, end - offset)
            if start >= offset and (span not in found or found[span][4] < score):
                found[span] = (row, *span, spec.entity, score, line[span[0] : span[1]])
    return list(found.values())


def _numbers_restated(lines: pa.Array, rows: pa.Array, found_alone: pa.Table | None) -> list[_LineSpan]:
    """Phone numbers written again on other lines of the chunk without their trunk 0 or ``+`` where a line writes
    them with their calling code (:func:`recognizers.phone.restated`: ``'+33612457898',`` then ``'612457898',``)."""
    from recognizers import phone

    if found_alone is None or found_alone.num_rows == 0:
        return []
    numbers = found_alone.filter(pc.equal(found_alone["entity"], phone.ENTITY))
    if numbers.num_rows == 0:
        return []
    line_of = {row: i for i, row in enumerate(rows.to_pylist())}
    known = phone.subscribers(lines[line_of[row]].as_py()[start:end] for row, start, end in zip(
        *(numbers[name].to_pylist() for name in ("row", "start", "end")), strict=True) if row in line_of)
    if not known:
        return []
    found: list[_LineSpan] = []
    for i in _lines_matching(lines, phone.RESTATED_RE2).tolist():
        line = lines[i].as_py()
        found += [(rows[i].as_py(), start, end, phone.ENTITY, phone.RESTATED_SCORE, line[start:end])
                  for start, end in phone.restated(line, known)]
    return found


def _names_above_births(lines: pa.Array, rows: pa.Array) -> list[_LineSpan]:
    """Names on the line above a line that opens with a birth phrase, as :func:`recognizers.person.find` reads
    the two lines together (``Rosette Moreau`` then ``Née le 4 septembre 1952``); lines of this chunk only."""
    from recognizers import person

    births = _lines_matching(lines, person.BIRTH_LINE_RE2)
    births = births[births > 0]
    found: list[_LineSpan] = []
    if len(births) == 0:
        return found
    above = lines.take(pa.array(births - 1)).to_pylist()
    below = lines.take(pa.array(births)).to_pylist()
    row_of = rows.take(pa.array(births - 1)).to_pylist()
    for row, line, next_line in zip(row_of, above, below, strict=True):
        if line and not line.isspace():
            found += _names_read_with(row, line, next_line, other_below=True)
    return found


def _signatures_below_closings(lines: pa.Array, rows: pa.Array) -> list[_LineSpan]:
    """Names on the line below a line that holds only a closing (``Cordialement,`` then ``sophie bernard``; a
    blank line may stand between), as :func:`recognizers.person.find` reads the two together; this chunk only."""
    from recognizers import person

    closings = _lines_matching(lines, person.CLOSING_LINE_RE2)
    found: list[_LineSpan] = []
    for i in closings[closings + 1 < len(lines)].tolist():
        below = i + 1
        if not lines[below].as_py().strip() and below + 1 < len(lines):
            below += 1
        found += _names_read_with(rows[below].as_py(), lines[below].as_py(), lines[i].as_py(), other_below=False)
    return found


def _lines_matching(lines: pa.Array, pattern: str) -> np.ndarray:
    """The indices of the lines RE2 ``pattern`` matches."""
    return np.flatnonzero(pc.fill_null(pc.match_substring_regex(lines, pattern), False).to_numpy(zero_copy_only=False))


def _names_read_with(row: int, line: str, other: str, *, other_below: bool) -> list[_LineSpan]:
    """The names :func:`recognizers.person.find` finds in ``line`` (row ``row``) read together with the line
    ``other``, which stands below it or above it."""
    from recognizers import person

    text, offset = (f"{line}\n{other}", 0) if other_below else (f"{other}\n{line}", len(other) + 1)
    return [(row, start - offset, end - offset, "PERSON", score, line[start - offset : end - offset])
            for start, end, score in person.find(text) if start >= offset and end - offset <= len(line)]


def _table(detector: Detector, found: list[_LineSpan]) -> pa.Table:
    """The findings table of spans found in lines (a null column)."""
    row, start, end, entity, score, value = zip(*found)
    values = pa.array(value, pa.string())
    entities = pa.array(entity, pa.string())
    previews = pa.concat_arrays([mask_array(e, values.filter(pc.equal(entities, e))) for e in sorted(set(entity))])
    order = np.argsort(np.array(entity, dtype=object), kind="stable")
    inverse = np.empty_like(order)
    inverse[order] = np.arange(len(order))
    table = pa.table({
        "row": pa.array(row, pa.int64()), "column": pa.nulls(len(row), pa.string()),
        "start": pa.array(start, pa.int32()), "end": pa.array(end, pa.int32()), "entity": entities,
        "score": pa.array(score, pa.float64()),
        "preview": previews.take(pa.array(inverse)) if detector.options.previews else pa.array([""] * len(row)),
    }, schema=TABLE_SCHEMA)
    if detector.options.show_values:
        table = table.append_column("value", values)
    return table


def _explained(spec: EntitySpec, lines: pa.Array, rows: pa.Array, found_alone: pa.Table | None) -> pa.Array:
    """The lines that hold one of ``spec``'s context words and where its entity was found with them (its
    context score), read alone."""
    words = spec.context_word_re2()
    if words is None or found_alone is None or found_alone.num_rows == 0:
        return pa.array(np.zeros(len(lines), bool))
    entity_rows = found_alone.filter(pc.and_(pc.equal(found_alone["entity"], spec.entity),
                                             pc.greater_equal(found_alone["score"], spec.context_score)))["row"]
    return pc.and_(pc.fill_null(pc.match_substring_regex(lines, words), False), pc.is_in(rows, entity_rows))


def merged(base: pa.Table, extra: pa.Table) -> pa.Table:
    """``base`` and ``extra`` findings, where overlapping ones in a row give way to the best scored
    (``base`` first on a tie); rows without extra findings are left as they are."""
    rows = pa.array(sorted(set(extra["row"].to_pylist())), pa.int64())
    touched = pc.is_in(base["row"], rows)
    both = pa.concat_tables([base.filter(touched), extra])
    keep: list[bool] = [False] * both.num_rows
    kept: dict[int, list[tuple[int, int]]] = {}
    row_of, start_of, end_of = (both[name].to_pylist() for name in ("row", "start", "end"))
    order = np.lexsort((np.arange(both.num_rows), -both["score"].to_numpy()))  # best score first, then order
    for i in order.tolist():
        row, start, end = row_of[i], start_of[i], end_of[i]
        if all(end <= s or e <= start for s, e in kept.get(row, ())):
            kept.setdefault(row, []).append((start, end))
            keep[i] = True
    return pa.concat_tables([base.filter(pc.invert(touched)), both.filter(pa.array(keep))])
