"""HL7 version 2 messages (ADT, ORM, ORU...), as hospital information systems exchange and log them.

A message is a list of segments, one per line (``\\r`` in the standard; ``\\n`` in files and logs). A segment is a
three-character name, then fields separated by ``|``; a field's repetitions are separated by ``~``, its
components by ``^``, sub-components by ``&`` (the separators MSH-2 declares, ``^~\\&`` in practice)::

    PID|1||123456^^^HOP^PI||DUPONT^JEAN^PIERRE^^M.^^L||19850512|M|||12 RUE DE LA PAIX^^PARIS^^75001
           PID-3            PID-5 (XPN)                PID-7 (birth)

Person names are ``XPN`` fields (family^given^second given^suffix^prefix...: PID-5 patient, PID-6 mother's
maiden name, PID-9 alias, NK1-2 next of kin) or ``XCN`` fields (id^family^given^second given...: the
attending, referring, consulting and admitting doctors PV1-7, 8, 9, 17, the ordering provider ORC-12 and
OBR-16, ROL-4), and the insured person IN1-16 and guarantor GT1-3 of the insurance segments; dates of birth are
PID-7, NK1-16, IN1-18 and GT1-8 (``YYYYMMDD``, maybe with a time).

The same layout carries French laboratories' results: HPRIM Santé builds on ASTM E1394 (CLSI LIS2), whose
patient record ``P`` (a sequence number first) holds the patient's name in its 6th field, the mother's maiden name
(HPRIM: the birth name) in the 7th and the birth date in the 8th, the record type being the 1st::

    P|1|00209272||12411338|DUPONT^JEAN^^^M^||19810508|M

Sources: HL7 Version 2.5, chapter 2 (message control: encoding rules, data types XPN, XCN, DTM) and chapter 3
(patient administration: PID, NK1, PV1, ROL), chapter 6 (financial management: IN1, GT1); IHE PAM France (the
French profile of those messages); ASTM E1394-97 (CLSI LIS2-A2), section 8 (patient information record);
HPRIM Santé 2.x (HPRIM association, the records H, P, OBR, OBX, L of lab results exchange).

>>> text = "PID|1||123456^^^HOP^PI||DUPONT^JEAN^PIERRE^^M.||19850512|M"
>>> [text[s:e] for s, e in components(text, NAME_FIELDS, NAME_COMPONENTS)]
['DUPONT', 'JEAN', 'PIERRE']
>>> [text[s:e] for s, e in components(text, BIRTH_FIELDS)]
['19850512']
>>> text = "P|1|398|B1042100871||GAULLE~MARECHAL|PIT|19370325|F||28 RUE DE LA PAIX"
>>> [text[s:e] for s, e in components(text, NAME_FIELDS, NAME_COMPONENTS)]
['GAULLE', 'MARECHAL', 'PIT']
>>> [text[s:e] for s, e in components(text, BIRTH_FIELDS)]
['19370325']
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping

#: A name field of type NDL (OBR-32 to 35, the result interpreters): its first component is a CNN whose
#: sub-components are id&family&given (``L07&LABBIO&JULIE``).
CNN = -1
#: Name fields: segment -> {field number: index of the first name component (XPN 0, XCN 1), or CNN}. The family
#: name and the first two given names are read.
NAME_FIELDS: Mapping[str, Mapping[int, int]] = {
    "PID": {5: 0, 6: 0, 9: 0},
    "PD1": {4: 1},
    "MRG": {7: 0},
    "NK1": {2: 0, 30: 0},
    "PV1": {7: 1, 8: 1, 9: 1, 17: 1, 52: 1},
    "EVN": {5: 1},
    "ORC": {10: 1, 11: 1, 12: 1},
    "OBR": {10: 1, 16: 1, 28: 1, 32: CNN, 33: CNN, 34: CNN, 35: CNN},
    "OBX": {16: 1},
    "TXA": {5: 1, 9: 1, 10: 1, 11: 1, 22: 1},
    "PRT": {5: 1},
    "ROL": {4: 1},
    "IN1": {16: 0},
    "GT1": {3: 0},
    "P": {5: 0, 6: 0},  # ASTM's fields 6 and 7: counted here from 0, the record type
}
#: Date-of-birth fields (their first component).
BIRTH_FIELDS: Mapping[str, Mapping[int, int]] = {"PID": {7: 0}, "NK1": {16: 0}, "IN1": {18: 0}, "GT1": {8: 0},
                                                 "P": {7: 0}}
#: Social-security number fields, where French systems write the NIR (their first component): the patient's SSN
#: PID-19, the contact's NK1-37, the guarantor's GT1-12, the insured's id IN1-49.
SSN_FIELDS: Mapping[str, Mapping[int, int]] = {"PID": {19: 0}, "NK1": {37: 0}, "GT1": {12: 0}, "IN1": {49: 0}}
#: Name components read from the first one: family name, given name, second given names.
NAME_COMPONENTS = 3

#: A segment of one of those kinds: its name at a line's start, after the ``\r`` of the standard, after a log
#: line's prefix (a space, a quote, ``:``, ``>``, ``]``), or after ``\r`` written as two characters in a JSON log;
#: not inside another segment (``MSH|^~\&|PID|…``, an application named PID); up to the end of the line
#: or that written ``\r`` (HL7's own escapes, ``\F\``, ``\T\``, are in capitals).
#: ASTM's patient record ``P`` only before its sequence number (``P|1|``) and a name of components or
#: repetitions (``DUPONT^JEAN``, ``GAULLE~MARECHAL``): a table's row typed with pipes may open with a ``P`` too.
_SEGMENTS = "PID|PD1|MRG|NK1|PV1|EVN|ORC|OBR|OBX|TXA|PRT|ROL|IN1|GT1"
_PATIENT_RECORD = r"P(?=\|[0-9]{1,4}(?:\|[^|\r\n]*){3}\|[^|\r\n]*[\^~])"
_SEGMENT_START = r"(?:(?<![^\s\"'>:\]])|(?<=\\[rn]))"
_SEGMENT_FIELDS = r"\|(?:[^\r\n\\]|\\(?![rn]))*"
SEGMENT = re.compile(rf"{_SEGMENT_START}(?P<name>{_SEGMENTS}|{_PATIENT_RECORD}){_SEGMENT_FIELDS}")
#: RE2 pre-filter: a text that may hold one (a column's values are not split into lines).
PREFILTER_RE2 = rf"(?:{_SEGMENTS})\||P\|[0-9]{{1,4}}\|"


def components(text: str, fields: Mapping[str, Mapping[int, int]], count: int = 1) -> Iterator[tuple[int, int]]:
    """``(start, end)`` of the non-empty components of ``fields`` in the segments of ``text``: ``count`` of them
    from the field's first one, in each repetition of the field (sub-components are left out)."""
    if "|" not in text:
        return
    for segment in SEGMENT.finditer(text):
        wanted = fields.get(segment["name"])
        if not wanted:
            continue
        for number, (start, end) in enumerate(_pieces(text, segment.start(), segment.end(), "|")):
            if number in wanted:
                for repetition in _pieces(text, start, end, "~"):
                    yield from _named(text, repetition, wanted[number], count)


#: The structured segments of a message (the header, visits, insurance, orders), framed as :data:`SEGMENT` frames
#: its own: the frame of :func:`coded_components`. Not NTE nor the French ``Z`` segments, whose fields may be text.
_CODED_SEGMENT = re.compile(rf"{_SEGMENT_START}(?P<name>{_SEGMENTS}|MSH|PV2|IN2|IN3|AL1|DG1|PR1|SPM|TQ1)"
                            rf"{_SEGMENT_FIELDS}")
#: Fields of free text among them: an observation's value (OBX-5).
_TEXT_FIELDS: Mapping[str, frozenset[int]] = {"OBX": frozenset({5})}
#: The longest component read as a code or a label.
_CODE_LENGTH = 40
_SMALL_LETTER = re.compile(r"[a-zà-ÿ]")


def coded_components(text: str) -> Iterator[tuple[int, int]]:
    """``(start, end)`` of the short components in capitals (codes, ids, labels, places: ``FRA``, ``SPO``, ``CPAM
    PARIS``) of the structured segments of ``text``, outside their name and text fields: no person's name stands
    there (a comment's ``Appeler Mme Marie DURAND`` is text).

    >>> text = "NK1|1|MARTIN^Marie|SPO|456 AVENUE DE LA REPUBLIQUE^^BORDEAUX^^33000^FR^H"
    >>> [text[s:e] for s, e in coded_components(text)]
    ['NK1', '1', 'SPO', '456 AVENUE DE LA REPUBLIQUE', 'BORDEAUX', '33000', 'FR', 'H']
    """
    if "|" not in text:
        return
    for segment in _CODED_SEGMENT.finditer(text):
        skipped = set(NAME_FIELDS.get(segment["name"], ())) | _TEXT_FIELDS.get(segment["name"], frozenset())
        for number, field in enumerate(_pieces(text, segment.start(), segment.end(), "|")):
            if number in skipped:
                continue
            for repetition in _pieces(text, *field, "~"):
                for start, end in _pieces(text, *repetition, "^"):
                    while start < end and text[start] == " ":
                        start += 1
                    if 0 < end - start <= _CODE_LENGTH and not _SMALL_LETTER.search(text, start, end):
                        yield start, end


def _named(text: str, repetition: tuple[int, int], first: int, count: int, separator: str = "^"
           ) -> Iterator[tuple[int, int]]:
    """The wanted components of one repetition (or sub-components of a CNN component), without sub-components,
    nor what is no letter or digit around them (``""``, HL7's null; the closing ``"}`` of a JSON log line that
    holds the message)."""
    if first == CNN:
        component = next(_pieces(text, *repetition, "^"))
        yield from _named(text, component, 1, count, "&")
        return
    for index, (start, end) in enumerate(_pieces(text, *repetition, separator)):
        if first <= index < first + count:
            sub = text.find("&", start, end)
            end = end if sub < 0 else sub
            while start < end and not text[start].isalnum():
                start += 1
            while end > start and not text[end - 1].isalnum():
                end -= 1
            if end > start:
                yield start, end


def _pieces(text: str, start: int, end: int, separator: str) -> Iterator[tuple[int, int]]:
    """``(start, end)`` of each piece of ``text[start:end]`` between ``separator``s, empty ones included."""
    while True:
        cut = text.find(separator, start, end)
        if cut < 0:
            yield start, end
            return
        yield start, cut
        start = cut + 1
