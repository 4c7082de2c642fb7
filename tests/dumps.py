"""MySQL-style dumps for the tests, written and read back by code of their own (no MySQL server needed).

:func:`write_mysql_dump` writes a table the way ``mysqldump`` 8 does (header comment, ``/*!40101 ... */``
settings, ``DROP TABLE``/``CREATE TABLE`` with backquotes, ``LOCK TABLES``, extended ``INSERT`` statements of
several rows, ``-- Dump completed`` at the end); :func:`mysql_rows` reads the rows of such a dump back with a
character-level reader written from the MySQL manual, independent of leakguard's parser, so that tests can
check what leakguard writes.
"""

from __future__ import annotations

import datetime
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pyarrow as pa

#: mysql_real_escape_string: https://dev.mysql.com/doc/c-api/8.0/en/mysql-real-escape-string.html
_ESCAPE = {"\0": "\\0", "\n": "\\n", "\r": "\\r", "\\": "\\\\", "'": "\\'", '"': '\\"', "\x1a": "\\Z"}
_UNESCAPE = {"0": "\0", "n": "\n", "r": "\r", "t": "\t", "b": "\b", "Z": "\x1a"}


def _literal(value: Any) -> str:
    if value is None:
        return "NULL"
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, (int, float)):
        return repr(value)
    if isinstance(value, datetime.date):
        return f"'{value.isoformat()}'"
    if isinstance(value, list):
        value = json.dumps(value, ensure_ascii=False)
    return "'" + "".join(_ESCAPE.get(char, char) for char in str(value)) + "'"


def _mysql_type(kind: pa.DataType) -> str:
    if pa.types.is_integer(kind):
        return "bigint"
    if pa.types.is_floating(kind):
        return "double"
    if pa.types.is_date(kind):
        return "date"
    if pa.types.is_list(kind):
        return "json"
    return "text"


def write_mysql_dump(table: pa.Table, name: str, path: Path, *, rows_per_insert: int = 50) -> None:
    """``table`` as a ``mysqldump`` file (lists as JSON documents)."""
    columns = ",\n".join(f"  `{c}` {_mysql_type(table.schema.field(c).type)} DEFAULT NULL" for c in table.column_names)
    lines = [
        "-- MySQL dump 10.13  Distrib 8.0.36, for Linux (x86_64)",
        "--",
        "-- Host: localhost    Database: tiers_payant",
        "-- ------------------------------------------------------",
        "-- Server version\t8.0.36",
        "",
        "/*!40101 SET @OLD_CHARACTER_SET_CLIENT=@@CHARACTER_SET_CLIENT */;",
        "/*!50503 SET NAMES utf8mb4 */;",
        "/*!40103 SET @OLD_TIME_ZONE=@@TIME_ZONE */;",
        "/*!40014 SET @OLD_UNIQUE_CHECKS=@@UNIQUE_CHECKS, UNIQUE_CHECKS=0 */;",
        "",
        "--",
        f"-- Table structure for table `{name}`",
        "--",
        "",
        f"DROP TABLE IF EXISTS `{name}`;",
        "/*!40101 SET @saved_cs_client     = @@character_set_client */;",
        f"CREATE TABLE `{name}` (\n  `id` bigint NOT NULL AUTO_INCREMENT,\n{columns},\n  PRIMARY KEY (`id`),\n"
        f"  KEY `idx_nom` (`nom`(20))\n) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_0900_ai_ci;",
        "/*!40101 SET character_set_client = @saved_cs_client */;",
        "",
        "--",
        f"-- Dumping data for table `{name}`",
        "--",
        "",
        f"LOCK TABLES `{name}` WRITE;",
        f"/*!40000 ALTER TABLE `{name}` DISABLE KEYS */;",
    ]
    rows = table.to_pylist()
    for start in range(0, len(rows), rows_per_insert):
        tuples = ",".join("(" + ",".join([str(start + i + 1), *map(_literal, row.values())]) + ")"
                          for i, row in enumerate(rows[start : start + rows_per_insert]))
        lines.append(f"INSERT INTO `{name}` VALUES {tuples};")
    lines += [f"/*!40000 ALTER TABLE `{name}` ENABLE KEYS */;", "UNLOCK TABLES;", "",
              "/*!40103 SET TIME_ZONE=@OLD_TIME_ZONE */;", "", "-- Dump completed on 2025-03-02 10:12:44", ""]
    path.write_text("\n".join(lines), encoding="utf-8")


def mysql_rows(text: str, name: str) -> Iterator[list[str | None]]:
    """The rows of ``INSERT INTO `name` VALUES ...`` statements of a MySQL dump: values as text (None: NULL)."""
    head = f"INSERT INTO `{name}` VALUES "
    for line in text.splitlines():
        if line.startswith(head):
            yield from _tuples(line[len(head) :])


def _tuples(text: str) -> Iterator[list[str | None]]:
    i, row, value, quoted = 0, [], [], False
    while i < len(text):
        char = text[i]
        if quoted:
            if char == "\\":
                i += 1
                value.append(_UNESCAPE.get(text[i], text[i]))
            elif char == "'":
                quoted = False
            else:
                value.append(char)
        elif char == "'":
            quoted, value = True, [""]
        elif char in ",)":
            if char == "," and text[i - 1] == ")":  # between two tuples
                i += 1
                continue
            word = "".join(value)
            row.append(None if word == "NULL" and value[:1] != [""] else word)
            value = []
            if char == ")":
                yield row
                row = []
        elif char not in "(;":
            value.append(char)
        i += 1
