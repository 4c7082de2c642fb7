"""Files as real exports write them: every encoding, compression and line end read like plain UTF-8, and
pseudonymised into the same encoding, compression and line ends, every byte but the identifiers kept.

Excel's "Texte Unicode (*.txt)" export is UTF-16 with a byte-order mark, TAB-separated, CRLF; logrotate may
be set to compress with xz, bzip2 or zstd; old Mac exports end lines with a bare CR. The records are made
from generated identifiers (NIRs with computed keys, Faker ``fr_FR`` names and e-mails), never typed.
"""

from __future__ import annotations

import bz2
import codecs
import gzip
import lzma
import re
import string
from collections.abc import Callable
from functools import cache
from pathlib import Path

import pytest
import zstandard
from faker import Faker
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from leakguard import pseudonymise_file
from leakguard.detect.engine import DetectOptions
from leakguard.scan import scan_path
from leakguard.sources import open_source, streams
from leakguard.sources.base import Problem
from tests.strategies import generated_nirs
from tests.test_pseudonymise_tables import KEY

#: encoding name (as ``SourceInfo.encoding`` says it) -> (byte-order mark, codec)
ENCODINGS = {
    "utf-8": (b"", "utf-8"),
    "utf-8-sig": (codecs.BOM_UTF8, "utf-8"),
    "cp1252": (b"", "cp1252"),
    "utf-16-le": (codecs.BOM_UTF16_LE, "utf-16-le"),
    "utf-16-be": (codecs.BOM_UTF16_BE, "utf-16-be"),
}
#: compression name (as ``SourceInfo.compression`` says it) -> (file suffix, compress, decompress)
COMPRESSIONS: dict[str | None, tuple[str, Callable[[bytes], bytes], Callable[[bytes], bytes]]] = {
    None: ("", bytes, bytes),
    "gzip": (".gz", gzip.compress, gzip.decompress),
    "xz": (".xz", lzma.compress, lzma.decompress),
    "bzip2": (".bz2", bz2.compress, bz2.decompress),
    "zstd": (".zst", zstandard.ZstdCompressor().compress,
             lambda data: zstandard.ZstdDecompressor().decompressobj().decompress(data)),
}
#: the magic bytes of each compression's stream
MAGIC = {"gzip": b"\x1f\x8b", "xz": b"\xfd7zXZ\x00", "bzip2": b"BZh", "zstd": b"\x28\xb5\x2f\xfd"}
NOTE = "réclamation reçue, 15 €"  # accents and a euro sign: in cp1252 and in UTF-16


@cache
def people(n: int = 12) -> list[tuple[str, str, str, str]]:
    """(surname, first name, NIR, e-mail) of generated people; surnames in capitals, ASCII (cp1252-safe)."""
    fake = Faker("fr_FR")
    fake.seed_instance(11)
    out = []
    for nir in generated_nirs(11, n):
        out.append((fake.unique.last_name().upper(), fake.first_name(), nir, fake.unique.free_email()))
    return out


def identifiers() -> set[str]:
    return {value for person in people() for value in person}


def lines_of(kind: str) -> list[str]:
    """An Excel-style export (TAB-separated, as Excel's Unicode text is) or a log, as text lines."""
    if kind == "csv":
        return ["Nom\tPrénom\tN° Sécurité Sociale\tCourriel\tCommentaire"] + [
            f"{surname}\t{first}\t{nir}\t{email}\t{NOTE}" for surname, first, nir, email in people()]
    return [f"2025-03-01 10:00:{i:02d} INFO dossier nir={nir} mail={email} : {NOTE}"
            for i, (_, _, nir, email) in enumerate(people())] + ["2025-03-01 10:01:00 DEBUG heartbeat ok"]


def joined(lines: list[str], newline: str | list[str]) -> str:
    """The lines, each ended by ``newline`` (or by its own, from a list, in turn)."""
    ends = [newline] * len(lines) if isinstance(newline, str) else (newline * len(lines))[: len(lines)]
    return "".join(line + end for line, end in zip(lines, ends))


def encoded(text: str, encoding: str, compression: str | None) -> bytes:
    bom, codec = ENCODINGS[encoding]
    return COMPRESSIONS[compression][1](bom + text.encode(codec))


def write(directory: Path, kind: str, text: str, encoding: str = "utf-8", compression: str | None = None) -> Path:
    # Excel names its UTF-16 "Unicode text" export .txt; other TAB-separated exports are .tsv
    table = "export.txt" if encoding.startswith("utf-16") else "export.tsv"
    path = directory / ((table if kind == "csv" else "app.log") + COMPRESSIONS[compression][0])
    path.write_bytes(encoded(text, encoding, compression))
    return path


def findings(path: Path) -> set[tuple[int, str | None, int, int, str]]:
    out = set()
    for item in scan_path(str(path), options=DetectOptions(ner=False)):
        if isinstance(item, Problem):
            raise AssertionError(item.message)
        _, found = item
        out |= set(zip(*(found[c].to_pylist() for c in ("row", "column", "start", "end", "entity"))))
    return out


def assert_only_identifiers_changed(before: str, after: str, values: set[str]) -> None:
    """``after`` is ``before`` with each identifier replaced by something else, every other character kept."""
    pattern = re.escape(before)
    for value in sorted(values, key=len, reverse=True):
        pattern = pattern.replace(re.escape(value), r"(\S+?)")
    match = re.fullmatch(pattern, after)
    assert match is not None, "a character outside the identifiers changed"
    assert not any(value in after for value in values)


def decoded_output(out: Path, encoding: str, compression: str | None) -> str:
    """The output's text, after checking its compression and byte-order mark are the input's."""
    data = out.read_bytes()
    if compression is not None:
        assert data.startswith(MAGIC[compression])
        data = COMPRESSIONS[compression][2](data)
    else:
        assert not any(data.startswith(magic) for magic in MAGIC.values())
    bom, codec = ENCODINGS[encoding]
    assert data.startswith(bom) and not data[len(bom):].startswith(bom or b"\xef\xbb\xbf")
    text = data[len(bom):].decode(codec)
    assert data == bom + text.encode(codec)
    return text


@pytest.mark.parametrize("kind", ["csv", "log"])
@pytest.mark.parametrize("compression", list(COMPRESSIONS))
@pytest.mark.parametrize("encoding", list(ENCODINGS))
def test_every_encoding_and_compression_is_read_like_plain_utf8(tmp_path, kind, encoding, compression):
    text = joined(lines_of(kind), "\r\n")
    (tmp_path / "plain").mkdir()
    plain = write(tmp_path / "plain", kind, text)
    path = write(tmp_path, kind, text, encoding, compression)
    with open_source(path) as source:
        info = source.info
    assert (info.format, info.encoding, info.compression) == ("csv" if kind == "csv" else "text", encoding,
                                                              compression)
    assert info.newline == "\r\n" and (info.delimiter == "\t" or kind == "log")
    expected = findings(plain)
    assert {entity for *_, entity in expected} >= {"FR_NIR", "EMAIL_ADDRESS"}
    assert findings(path) == expected  # offsets in the decoded text, as for UTF-8


@pytest.mark.parametrize("kind", ["csv", "log"])
@pytest.mark.parametrize("compression", list(COMPRESSIONS))
@pytest.mark.parametrize("encoding", list(ENCODINGS))
def test_pseudonymise_writes_the_same_encoding_and_compression_and_keeps_every_other_byte(
        tmp_path, kind, encoding, compression):
    text = joined(lines_of(kind), "\r\n")
    path = write(tmp_path, kind, text, encoding, compression)
    out = tmp_path / f"out-{path.name}"
    report = pseudonymise_file(path, out, KEY, ner=False)
    assert report.records == len(lines_of(kind)) - (kind == "csv")
    assert_only_identifiers_changed(text, decoded_output(out, encoding, compression), identifiers())


#: line ends as old Macs (a bare CR), Unix, Windows, and a file that mixes them, as concatenated exports do
NEWLINES = {"cr": "\r", "lf": "\n", "crlf": "\r\n", "mixed": ["\r", "\n", "\r\n", "\n", "\r"]}


@pytest.mark.parametrize("final", [True, False])
@pytest.mark.parametrize("newline", list(NEWLINES))
@pytest.mark.parametrize("kind", ["csv", "log"])
def test_a_bare_cr_ends_a_line_and_every_line_end_is_written_back_as_it_was(tmp_path, kind, newline, final):
    lines = lines_of(kind)
    text = joined(lines, NEWLINES[newline])
    if not final:
        text = text.rstrip("\r\n")
    path = write(tmp_path, kind, text, "cp1252", "gzip")
    records = lines[1:] if kind == "csv" else lines
    found = findings(path)
    assert {row for row, *_ in found} == {i for i, line in enumerate(records) if "nir=" in line or "\t" in line}
    for row, _, start, end, entity in found:
        if entity == "FR_NIR" and kind == "log":
            assert records[row][start:end] == people()[row][2]
    out = tmp_path / f"out-{path.name}"
    report = pseudonymise_file(path, out, KEY, ner=False)
    assert report.records == len(records)
    assert_only_identifiers_changed(text, decoded_output(out, "cp1252", "gzip"), identifiers())


@pytest.mark.parametrize("compression", ["gzip", "xz", "bzip2", "zstd"])
@pytest.mark.parametrize("command", ["scan", "pseudonymise"])
def test_a_truncated_stream_is_one_line_naming_the_file_and_exit_2(tmp_path, run_cli, key_file, command,
                                                                    compression):
    data = encoded(joined(lines_of("log") * 400, "\n"), "utf-8", compression)
    path = tmp_path / f"app.log{COMPRESSIONS[compression][0]}"
    path.write_bytes(data[: len(data) * 2 // 3])
    args = ["--no-ner", str(path)] + ([str(tmp_path / f"out{COMPRESSIONS[compression][0]}"), "--key-file",
                                      str(key_file)] if command == "pseudonymise" else [])
    result = run_cli(command, *args)
    assert result.exit_code == 2
    (line,) = [line for line in result.stderr.splitlines() if str(path) in line]
    assert "truncated" in line or "corrupt" in line
    assert "Traceback" not in result.stderr
    assert not (tmp_path / f"out{COMPRESSIONS[compression][0]}").exists()


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    lines=st.lists(st.text(string.ascii_letters + "éèàçœ€ ;,.=[]{}\"", max_size=30), min_size=1, max_size=30),
    ends=st.lists(st.sampled_from(["\n", "\r\n", "\r"]), min_size=1),
    final=st.booleans(),
    encoding=st.sampled_from(["utf-8", "utf-16-le", "utf-16-be"]),
    block=st.integers(1, 40),
)
def test_any_line_ends_across_any_block_boundary_come_back_as_written(tmp_path_factory, monkeypatch, lines, ends,
                                                                        final, encoding, block):
    """Lines without identifiers: read line by line whatever their ends and wherever a block is cut (a CR at
    the end of a block, its LF in the next), and written back byte for byte."""
    text = joined(lines, ends)
    if not final:
        text = text[: len(text) - len(joined(lines[-1:], ends[(len(lines) - 1) % len(ends)]))] + lines[-1]
    assume(text.strip("\r\n"))
    directory = tmp_path_factory.mktemp("ends")
    path = write(directory, "log", text, encoding)
    # random letters may write a name after a title ("M AA") or an insurer's acronym ("AXA"): not these lines
    assume(not any(item[1].num_rows for item in scan_path(str(path), options=DetectOptions(ner=False))
                   if not isinstance(item, Problem)))
    monkeypatch.setattr(streams, "BLOCK_BYTES", block)
    with open_source(path) as source:
        read = [line for item in source.chunks() if not isinstance(item, Problem) for line in item.raw.to_pylist()]
    expected = re.split(r"\r\n|\r|\n", text)
    assert read == (expected[:-1] if text.endswith(("\r", "\n")) else expected)
    out = directory / "out.log"
    pseudonymise_file(path, out, KEY, ner=False)
    assert out.read_bytes() == path.read_bytes()
