"""Project configuration: ``[tool.leakguard]`` in ``pyproject.toml``, or a ``.leakguard.toml`` file.

A data repository says once what leakguard should look for and what it should leave alone; ``leakguard scan``,
``leakguard hook`` and ``leakguard baseline`` read it, and ``leakguard pseudonymise`` its ``ner`` and
``column-hints`` (so that it replaces what a scan reports).

Where it is found
    From the current directory upwards to the file-system root, the first directory holding a
    ``.leakguard.toml`` (its top-level keys; the file always counts, even empty) or a ``pyproject.toml``
    with a ``[tool.leakguard]`` table wins; in one directory ``.leakguard.toml`` comes first.
    ``--config FILE`` names a file explicitly (a ``pyproject.toml``, or any other name: then its top-level
    keys, or its ``[tool.leakguard]`` table if it has one); ``--no-config`` ignores configuration files.

Keys (kebab-case, all optional)::

    [tool.leakguard]
    entities = ["FR_NIR", "IBAN_CODE"]          # only these entities (default: all)
    exclude-entities = ["FR_HEALTH_INSURER"]    # never these
    min-score = 0.6                             # report findings scoring at least this (0..1; default 0.5)
    ner = false                                 # the French NER model for names in free text (default true)
    column-hints = { c7 = "FR_NIR", remarks = "FREE_TEXT", nom_fichier = "" }  # column -> entity, "" = none
    exclude = ["tests/golden/**", "*.sample.csv"]        # paths never scanned (globs, see below)
    allow = ["test.user@example.org"]           # known synthetic values, matched in their normal form
    pseudonymised-columns = ["patient_token", "*_hash"]  # findings in these columns are ignored
    baseline = ".leakguard-baseline.json"       # the baseline file (default: that name, beside this file)

``exclude`` patterns are relative to the directory of the configuration file and use ``/``: ``*`` and ``?``
stay inside one path component, ``**`` spans any number of them, ``[abc]`` is a class; a pattern without ``/``
matches a file or directory name at any depth (``*.sample.csv``, ``fixtures``), a pattern with ``/`` is
anchored (``data/golden/**``, ``/notes.txt``); a pattern that matches a directory excludes all below it.

``allow`` values are compared after the normalisation of the entity found (:mod:`leakguard.allowlist`):
``1 85 05 …`` and ``18505…`` are one NIR, e-mail addresses ignore case, phones compare as E.164.
``pseudonymised-columns`` are column names or dotted paths, globs allowed (``beneficiary.*``).

A bad configuration (invalid TOML, an unknown key, a wrong type, an unknown entity, a score outside 0..1)
raises :class:`ConfigError`, one line naming the file and the key; the commands exit with status 2.
Parsed with :mod:`tomllib` (TOML 1.0, https://toml.io/en/v1.0.0).
"""

from __future__ import annotations

import difflib
import os
import re
import tomllib
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from leakguard.findings import ENTITIES
from leakguard.pseudonymise.atomic import is_temporary

if TYPE_CHECKING:
    from leakguard.detect.engine import DetectOptions

#: The file names looked for in each directory, in order.
LEAKGUARD_TOML = ".leakguard.toml"
PYPROJECT_TOML = "pyproject.toml"
#: Default baseline file name (beside the configuration file, or in the current directory).
DEFAULT_BASELINE = ".leakguard-baseline.json"
#: leakguard's own files, never scanned as data wherever they are met (with the configuration and baseline in
#: use, whatever their names): configuration, baseline key, baseline.
OWN_FILE_NAMES = frozenset({LEAKGUARD_TOML, ".leakguard.key", DEFAULT_BASELINE})
#: The score threshold when neither the command line nor the configuration gives one.
DEFAULT_MIN_SCORE = 0.5
#: The column hint that marks a free-text column.
FREE_TEXT = "FREE_TEXT"

KEYS = (
    "entities",
    "exclude-entities",
    "min-score",
    "ner",
    "column-hints",
    "exclude",
    "allow",
    "pseudonymised-columns",
    "baseline",
)


class ConfigError(Exception):
    """A configuration that cannot be used; ``str()`` is one line naming the file and the key."""


@dataclass(frozen=True)
class Config:
    """A project's leakguard settings. ``source`` is the file they came from (``None``: defaults)."""

    source: str | None = None
    #: directory that ``exclude`` and ``baseline`` are relative to
    root: str = "."
    entities: frozenset[str] | None = None
    exclude_entities: frozenset[str] = frozenset()
    min_score: float | None = None
    ner: bool | None = None
    column_hints: dict[str, str] = field(default_factory=dict)
    exclude: tuple[str, ...] = ()
    allow: tuple[str, ...] = ()
    pseudonymised_columns: tuple[str, ...] = ()
    baseline: str | None = None

    @property
    def baseline_path(self) -> str:
        """The baseline file: the configured one, else :data:`DEFAULT_BASELINE` in :attr:`root`."""
        return os.path.join(self.root, self.baseline or DEFAULT_BASELINE)

    def detect_options(self, *, ner: bool | None = None, entities: frozenset[str] | None = None,
                       exclude_entities: frozenset[str] = frozenset(), min_score: float | None = None,
                       show_values: bool = False) -> DetectOptions:
        """Detector options: the command line's (arguments not ``None``) over the configuration's.

        Command-line ``entities`` replace the configured ones; ``exclude_entities`` add to them.
        """
        from leakguard.detect.engine import DetectOptions

        return DetectOptions(
            ner=ner if ner is not None else (self.ner if self.ner is not None else True),
            entities=entities if entities is not None else self.entities,
            exclude_entities=self.exclude_entities | exclude_entities,
            min_score=min_score if min_score is not None else (
                self.min_score if self.min_score is not None else DEFAULT_MIN_SCORE),
            column_hints=dict(self.column_hints) or None,
            show_values=show_values,
        )

    def is_own_file(self, path: str) -> bool:
        """Whether ``path`` is one of leakguard's own files: the configuration or baseline in use, a file named
        like one (:data:`OWN_FILE_NAMES`), or the temporary file of a run writing its output. They hold allowlisted
        values and findings' previews by design; scanning them as data would report leakguard to itself."""
        name = os.path.basename(path)
        if name in OWN_FILE_NAMES or is_temporary(name):  # a run's output being written is no data yet
            return True
        own = [self.baseline_path] + ([self.source] if self.source else [])
        return any(_same_path(path, other) for other in own)

    def excludes(self, path: str) -> bool:
        """Whether ``path`` (a file path, absolute or relative to the current directory) is excluded."""
        if not self.exclude:
            return False
        relative = os.path.relpath(os.path.abspath(path), os.path.abspath(self.root)).replace(os.sep, "/")
        if relative == ".." or relative.startswith("../"):
            return False
        return any(_matches(pattern, relative) for pattern in self.exclude)


def _same_path(a: str, b: str) -> bool:
    if os.path.abspath(a) == os.path.abspath(b):
        return True
    try:
        return os.path.samefile(a, b)
    except OSError:
        return False


def find_config(start: str | None = None) -> str | None:
    """The configuration file that applies in directory ``start`` (default: the current one), or ``None``."""
    directory = os.path.abspath(start or os.getcwd())
    while True:
        candidate = os.path.join(directory, LEAKGUARD_TOML)
        if os.path.isfile(candidate):
            return candidate
        candidate = os.path.join(directory, PYPROJECT_TOML)
        if os.path.isfile(candidate) and _has_section(candidate):
            return candidate
        parent = os.path.dirname(directory)
        if parent == directory:
            return None
        directory = parent


def load_config(path: str) -> Config:
    """The configuration in file ``path`` (see the module docstring for which table is read)."""
    document = _read_toml(path)
    tool = document.get("tool")
    if os.path.basename(path) == PYPROJECT_TOML or (isinstance(tool, dict) and "leakguard" in tool):
        table = tool.get("leakguard", {}) if isinstance(tool, dict) else {}
        where = f"{path}: [tool.leakguard]"
    else:
        table = document
        where = path
    if not isinstance(table, dict):
        raise ConfigError(f"{where}: must be a table")
    return _parse(table, path, where)


def discover(explicit: str | None = None, *, enabled: bool = True, start: str | None = None) -> Config:
    """The configuration a command uses: ``explicit`` (``--config``), else the one found, else defaults."""
    if not enabled:
        return Config(root=os.path.abspath(start or os.getcwd()))
    if explicit is not None:
        if not os.path.isfile(explicit):
            raise ConfigError(f"{explicit}: no such configuration file")
        return load_config(explicit)
    found = find_config(start)
    if found is None:
        return Config(root=os.path.abspath(start or os.getcwd()))
    return load_config(found)


# -- parsing -------------------------------------------------------------------------------------------------


def _has_section(path: str) -> bool:
    """Whether a ``pyproject.toml`` has a ``[tool.leakguard]`` table (not parsed when the word is absent)."""
    try:
        with open(path, "rb") as handle:
            if b"leakguard" not in handle.read():
                return False
    except OSError:
        return False
    tool = _read_toml(path).get("tool")
    return isinstance(tool, dict) and "leakguard" in tool


def _read_toml(path: str) -> dict[str, Any]:
    try:
        with open(path, "rb") as handle:
            return tomllib.load(handle)
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(f"{path}: invalid TOML ({error})") from None
    except UnicodeDecodeError:
        raise ConfigError(f"{path}: invalid TOML (not UTF-8)") from None
    except OSError as error:
        raise ConfigError(f"{path}: cannot read ({error.strerror or type(error).__name__})") from None


def _parse(table: dict[str, Any], path: str, where: str) -> Config:
    """The configuration of ``table``; the first bad key raises (unknown keys first, then in :data:`KEYS` order)."""
    read = _Table(table, where)
    read.check_keys()
    return Config(
        source=path,
        root=os.path.dirname(os.path.abspath(path)),
        entities=frozenset(read.entity_names("entities")) if "entities" in table else None,
        exclude_entities=frozenset(read.entity_names("exclude-entities")),
        min_score=read.min_score(),
        ner=read.ner(),
        column_hints=read.column_hints(),
        exclude=read.exclude(),
        allow=read.strings("allow"),
        pseudonymised_columns=read.strings("pseudonymised-columns"),
        baseline=read.baseline(),
    )


@dataclass(frozen=True)
class _Table:
    """The keys of one configuration table, each read and checked by its method."""

    table: dict[str, Any]
    where: str

    def fail(self, key: str, message: str) -> ConfigError:
        return ConfigError(f"{self.where}: `{key}` {message}")

    def check_keys(self) -> None:
        for key in self.table:
            if key not in KEYS:
                close = difflib.get_close_matches(key.replace("_", "-"), KEYS, n=1)
                suggestion = f"; did you mean `{close[0]}`?" if close else f"; known keys: {', '.join(KEYS)}"
                raise ConfigError(f"{self.where}: unknown key `{key}`{suggestion}")

    def strings(self, key: str) -> tuple[str, ...]:
        value = self.table.get(key, [])
        if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
            raise self.fail(key, "must be a list of strings")
        return tuple(value)

    def entity_names(self, key: str) -> tuple[str, ...]:
        names = tuple(name.strip().upper() for name in self.strings(key))
        unknown = [name for name in names if name not in ENTITIES]
        if unknown:
            raise self.fail(key, f"names an unknown entity {unknown[0]}; known: {', '.join(ENTITIES)}")
        return names

    def min_score(self) -> float | None:
        min_score = self.table.get("min-score")
        if min_score is None:
            return None
        if isinstance(min_score, bool) or not isinstance(min_score, int | float):
            raise self.fail("min-score", f"must be a number between 0 and 1, not {type(min_score).__name__}")
        if not 0.0 <= min_score <= 1.0:
            raise self.fail("min-score", f"must be between 0 and 1, not {min_score}")
        return float(min_score)

    def ner(self) -> bool | None:
        ner = self.table.get("ner")
        if ner is not None and not isinstance(ner, bool):
            raise self.fail("ner", "must be true or false")
        return ner

    def column_hints(self) -> dict[str, str]:
        hints = self.table.get("column-hints", {})
        if not isinstance(hints, dict):
            raise self.fail("column-hints", "must be a table of column = entity")
        column_hints: dict[str, str] = {}
        for column, entity in hints.items():
            if not isinstance(entity, str):
                raise self.fail("column-hints",
                                f"value of {column!r} must be a string (an entity, FREE_TEXT or \"\")")
            name = entity.strip().upper()
            if name and name not in ENTITIES and name != FREE_TEXT:
                raise self.fail("column-hints", f"value of {column!r} is an unknown entity {name}; "
                                                f"known: {', '.join(ENTITIES)}, {FREE_TEXT}, or \"\" for no hint")
            column_hints[column] = name
        return column_hints

    def exclude(self) -> tuple[str, ...]:
        exclude = self.strings("exclude")
        for pattern in exclude:
            try:
                _pattern_regex(pattern)
            except re.error:
                raise self.fail("exclude", f"has an invalid pattern {pattern!r}") from None
        return exclude

    def baseline(self) -> str | None:
        baseline = self.table.get("baseline")
        if baseline is not None and (not isinstance(baseline, str) or not baseline.strip()):
            raise self.fail("baseline", "must be a file path (a non-empty string)")
        return baseline


# -- exclude patterns ----------------------------------------------------------------------------------------

_REGEX_CACHE: dict[str, re.Pattern[str]] = {}


def _pattern_regex(pattern: str) -> re.Pattern[str]:
    """A glob over ``/``-separated relative paths, as a regex matching a path or one of its directories."""
    cached = _REGEX_CACHE.get(pattern)
    if cached is not None:
        return cached
    text = pattern.strip().replace(os.sep, "/")
    anchored = "/" in text.rstrip("/")
    text = text.strip("/")
    out: list[str] = [] if anchored else ["(?:.*/)?"]
    i = 0
    while i < len(text):
        char = text[i]
        if text.startswith("**/", i):
            out.append("(?:.*/)?")
            i += 3
        elif text.startswith("**", i):
            out.append(".*")
            i += 2
        elif char == "*":
            out.append("[^/]*")
            i += 1
        elif char == "?":
            out.append("[^/]")
            i += 1
        elif char == "[":
            end = text.find("]", i + 2)
            if end < 0:
                out.append(re.escape(char))
                i += 1
            else:
                body = text[i + 1 : end]
                if body.startswith("!"):
                    body = "^" + body[1:]
                out.append(f"[{body}]")
                i = end + 1
        else:
            out.append(re.escape(char))
            i += 1
    compiled = re.compile("".join(out) + "(?:/.*)?")
    _REGEX_CACHE[pattern] = compiled
    return compiled


def _matches(pattern: str, relative: str) -> bool:
    return _pattern_regex(pattern).fullmatch(relative) is not None


__all__ = [
    "DEFAULT_BASELINE",
    "DEFAULT_MIN_SCORE",
    "KEYS",
    "OWN_FILE_NAMES",
    "Config",
    "ConfigError",
    "discover",
    "find_config",
    "load_config",
]
