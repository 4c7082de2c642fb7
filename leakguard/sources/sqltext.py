r"""Values as SQL dumps write them, and back: COPY text fields, string literals, PostgreSQL array literals.

Each ``*_decode`` gives the value a literal stands for; each ``*_encode`` writes a value the way the tool that
made the dump writes it, so that a dump rewritten with new values restores to exactly those values.

* PostgreSQL ``COPY ... FROM stdin`` text format (https://www.postgresql.org/docs/current/sql-copy.html, "Text
  Format"): fields separated by tabs, ``\N`` for NULL, backslash escapes ``\b \f \n \r \t \v \\``, octal
  ``\NNN`` and hex ``\xHH`` bytes; ``pg_dump`` writes only the first seven.
* PostgreSQL string literals (https://www.postgresql.org/docs/current/sql-syntax-lexical.html): ``'...'`` with
  ``''`` for a quote (``standard_conforming_strings = on``, what ``pg_dump`` sets), ``E'...'`` with backslash
  escapes as well.
* MySQL and MariaDB string literals (https://dev.mysql.com/doc/refman/8.0/en/string-literals.html): ``'...'``
  or ``"..."`` with backslash escapes; ``mysqldump`` escapes ``\0 \n \r \\ \' \" \Z``
  (``mysql_real_escape_string``).
* PostgreSQL array literals (https://www.postgresql.org/docs/current/arrays.html, "Array Value Input"):
  ``{a,"b c",NULL}``; only one-dimensional arrays are read as lists. :func:`array_encode` quotes an element
  exactly when ``array_out`` does, so an array written back is the one PostgreSQL itself would dump.

>>> copy_decode(r"Dupont\tJean\\n"), copy_decode(r"\N"), copy_encode("a\tb")
('Dupont\tJean\\n', None, 'a\\tb')
>>> pg_string_encode("l'été"), mysql_string_encode("l'été")
("'l''été'", "'l\\'été'")
>>> array_decode('{"06 12 34 56 78",+33612345678,NULL}'), array_encode(["a b", None, "c"])
(['06 12 34 56 78', '+33612345678', None], '{"a b",NULL,c}')
"""

from __future__ import annotations

import re

# --- COPY text format -------------------------------------------------------------------------------------

#: The NULL marker of the text format.
COPY_NULL = "\\N"
_COPY_ESCAPE = re.compile(r"\\(x[0-9A-Fa-f]{1,2}|[0-7]{1,3}|.)", re.DOTALL)
_COPY_SIMPLE = {"b": "\b", "f": "\f", "n": "\n", "r": "\r", "t": "\t", "v": "\v"}
_COPY_OUT = str.maketrans({"\\": "\\\\", "\b": "\\b", "\f": "\\f", "\n": "\\n", "\r": "\\r", "\t": "\\t",
                           "\v": "\\v"})


def _copy_escape(match: re.Match[str]) -> str:
    code = match.group(1)
    if code in _COPY_SIMPLE:
        return _COPY_SIMPLE[code]
    if code[0] == "x" and len(code) > 1:
        return chr(int(code[1:], 16))
    if code[0] in "01234567":
        return chr(int(code, 8) & 0xFF)
    return code


def copy_decode(field: str) -> str | None:
    """The value of one field of a COPY text row (``None`` for ``\\N``)."""
    if field == COPY_NULL:
        return None
    if "\\" not in field:
        return field
    return _COPY_ESCAPE.sub(_copy_escape, field)


def copy_encode(value: str | None) -> str:
    """A value as ``COPY ... TO`` writes it in the text format."""
    if value is None:
        return COPY_NULL
    return value.translate(_COPY_OUT)


# --- String literals ----------------------------------------------------------------------------------------

_PG_E_ESCAPE = re.compile(r"\\(x[0-9A-Fa-f]{1,2}|[0-7]{1,3}|u[0-9A-Fa-f]{4}|U[0-9A-Fa-f]{8}|.)|''", re.DOTALL)
_MYSQL_ESCAPE = re.compile(r"\\(.)|''|\"\"", re.DOTALL)
_MYSQL_SIMPLE = {"0": "\0", "b": "\b", "n": "\n", "r": "\r", "t": "\t", "Z": "\x1a", "%": "\\%", "_": "\\_"}
_MYSQL_OUT = str.maketrans({"\0": "\\0", "\n": "\\n", "\r": "\\r", "\\": "\\\\", "'": "\\'", '"': '\\"',
                            "\x1a": "\\Z"})


def _pg_e_escape(match: re.Match[str]) -> str:
    code = match.group(1)
    if code is None:
        return "'"
    if code in _COPY_SIMPLE:
        return _COPY_SIMPLE[code]
    if code[0] in "xuU" and len(code) > 1:
        return chr(int(code[1:], 16))
    if code[0] in "01234567":
        return chr(int(code, 8) & 0xFF)
    return code


def pg_string_decode(body: str, *, escapes: bool = False) -> str:
    """The value of a PostgreSQL string literal's ``body`` (between its quotes); ``escapes`` for ``E'...'`` or
    ``standard_conforming_strings = off``."""
    if escapes:
        return _PG_E_ESCAPE.sub(_pg_e_escape, body)
    return body.replace("''", "'")


def pg_string_encode(value: str, *, escapes: bool = False) -> str:
    """``value`` as a quoted PostgreSQL literal; ``escapes`` doubles backslashes too (``E'...'``)."""
    if escapes:
        value = value.replace("\\", "\\\\")
    return "'" + value.replace("'", "''") + "'"


def _mysql_escape(match: re.Match[str]) -> str:
    code = match.group(1)
    if code is None:
        return match.group(0)[0]
    return _MYSQL_SIMPLE.get(code, code)


def mysql_string_decode(body: str) -> str:
    """The value of a MySQL string literal's ``body`` (between its quotes, ``'`` or ``"``)."""
    if "\\" not in body and "''" not in body and '""' not in body:
        return body
    return _MYSQL_ESCAPE.sub(_mysql_escape, body)


def mysql_string_encode(value: str) -> str:
    """``value`` as ``mysqldump`` quotes it."""
    return "'" + value.translate(_MYSQL_OUT) + "'"


# --- Array literals -----------------------------------------------------------------------------------------

#: What ``array_isspace`` calls white space (not Python's ``\s``: a no-break space is data).
_ARRAY_SPACE = " \t\n\r\v\f"
_ARRAY_ELEMENT = re.compile(r'[ \t\n\r\v\f]*(?:"((?:[^"\\]|\\.)*)"|((?:[^",{}\\ \t\n\r\v\f]|\\.)'
                            r'(?:(?:[^",{}\\]|\\.)*(?:[^",{}\\ \t\n\r\v\f]|\\.))?))[ \t\n\r\v\f]*([,}])', re.DOTALL)
_ARRAY_UNESCAPE = re.compile(r"\\(.)", re.DOTALL)
_ARRAY_QUOTE = re.compile(r'[{},"\\ \t\n\r\v\f]')


def array_decode(text: str) -> list[str | None] | None:
    """The elements of a one-dimensional array literal; ``None`` when ``text`` is not one (nested arrays,
    dimension decorations such as ``[0:1]={...}``, or no array at all)."""
    body = text.strip(_ARRAY_SPACE)
    if not body.startswith("{") or not body.endswith("}"):
        return None
    if body[1:-1].strip(_ARRAY_SPACE) == "":
        return []
    items: list[str | None] = []
    position = 1
    while True:
        match = _ARRAY_ELEMENT.match(body, position)
        if match is None:
            return None
        quoted, bare, end = match.groups()
        if quoted is not None:
            items.append(_ARRAY_UNESCAPE.sub(r"\1", quoted))
        elif bare.upper() == "NULL":
            items.append(None)
        else:
            items.append(_ARRAY_UNESCAPE.sub(r"\1", bare))
        position = match.end()
        if end == "}":
            return items if position == len(body) else None


def array_encode(items: list[str | None]) -> str:
    """A one-dimensional array literal, quoting elements as PostgreSQL's ``array_out`` does."""
    parts = []
    for item in items:
        if item is None:
            parts.append("NULL")
        elif item == "" or item.upper() == "NULL" or _ARRAY_QUOTE.search(item):
            parts.append('"' + item.replace("\\", "\\\\").replace('"', '\\"') + '"')
        else:
            parts.append(item)
    return "{" + ",".join(parts) + "}"
