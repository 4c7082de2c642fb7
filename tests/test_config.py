"""Project configuration, allowlist, pseudonymised columns and inline ignores (``leakguard hook`` in-process).

Identifiers are generated (:func:`tests.strategies.make_nir`, :func:`tests.strategies.nirs`).
"""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from leakguard.allowlist import Allowlist
from leakguard.cli import cli
from leakguard.config import Config, ConfigError, discover, find_config, load_config
from leakguard.sources import open_source
from leakguard.sources.base import Chunk
from leakguard.suppress import InlineIgnores, marked_lines
from tests.strategies import nir_written_forms, nirs, written_forms
from tests.test_precommit import SOURCE_ROOT, generated_nirs

NIR_A, NIR_B, NIR_C = generated_nirs(11, 3)


def hook(directory: Path, *args: str) -> tuple[int, str, str]:
    """``leakguard hook ARGS`` run in ``directory``: exit code, standard output, standard error."""
    runner = CliRunner()
    previous = os.getcwd()
    os.chdir(directory)
    try:
        result = runner.invoke(cli, ["hook", *args], catch_exceptions=False)
    finally:
        os.chdir(previous)
    return result.exit_code, result.stdout, result.stderr


# -- where the configuration is found ------------------------------------------------------------------------


def test_the_nearest_directory_wins_and_leakguard_toml_comes_before_pyproject(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text("[tool.leakguard]\nmin-score = 0.9\n")
    deep = tmp_path / "a" / "b"
    deep.mkdir(parents=True)
    assert find_config(str(deep)) == str(tmp_path / "pyproject.toml")
    (tmp_path / "a" / "pyproject.toml").write_text("[project]\nname = 'no leakguard section'\n")
    assert find_config(str(deep)) == str(tmp_path / "pyproject.toml")
    (tmp_path / "a" / "pyproject.toml").write_text("[tool.leakguard]\nmin-score = 0.7\n")
    assert find_config(str(deep)) == str(tmp_path / "a" / "pyproject.toml")
    (tmp_path / "a" / ".leakguard.toml").write_text("min-score = 0.6\n")
    assert find_config(str(deep)) == str(tmp_path / "a" / ".leakguard.toml")
    config = discover(start=str(deep))
    assert config.min_score == 0.6 and config.root == str(tmp_path / "a")
    assert discover(enabled=False, start=str(deep)).source is None


def test_a_full_configuration_is_read_into_options(tmp_path: Path) -> None:
    path = tmp_path / "pyproject.toml"
    path.write_text("""
[tool.leakguard]
entities = ["FR_NIR", "iban_code"]
exclude-entities = ["IBAN_CODE"]
min-score = 0.7
ner = false
column-hints = { c7 = "FR_AMC", remarks = "FREE_TEXT", nom = "" }
exclude = ["golden/**"]
allow = ["someone@example.org"]
pseudonymised-columns = ["*_token"]
baseline = "ci/baseline.json"
""")
    config = load_config(str(path))
    assert config.entities == {"FR_NIR", "IBAN_CODE"}
    assert config.column_hints == {"c7": "FR_AMC", "remarks": "FREE_TEXT", "nom": ""}
    assert config.baseline_path == str(tmp_path / "ci" / "baseline.json")
    options = config.detect_options()
    assert (options.ner, options.min_score, options.column_hints["c7"]) == (False, 0.7, "FR_AMC")
    assert not options.wants("IBAN_CODE") and options.wants("FR_NIR") and not options.wants("PERSON")
    overridden = config.detect_options(ner=True, min_score=0.2, entities=frozenset({"PERSON"}),
                                       exclude_entities=frozenset({"FR_NIR"}))
    assert (overridden.ner, overridden.min_score, overridden.entities) == (True, 0.2, {"PERSON"})
    assert overridden.exclude_entities == {"IBAN_CODE", "FR_NIR"}
    assert Config().detect_options().min_score == 0.5


BAD = [
    ("min-scor = 0.5", "unknown key `min-scor`; did you mean `min-score`?"),
    ("min-score = 1.5", "`min-score` must be between 0 and 1, not 1.5"),
    ("min-score = -0.1", "`min-score` must be between 0 and 1"),
    ('min-score = "high"', "`min-score` must be a number between 0 and 1, not str"),
    ("min-score = true", "`min-score` must be a number"),
    ('entities = ["FR_NIR", "FR_PASSPORT"]', "`entities` names an unknown entity FR_PASSPORT"),
    ('entities = "FR_NIR"', "`entities` must be a list of strings"),
    ('exclude-entities = ["NIR"]', "`exclude-entities` names an unknown entity NIR"),
    ('ner = "no"', "`ner` must be true or false"),
    ('column-hints = { c7 = "AMC" }', "`column-hints` value of 'c7' is an unknown entity AMC"),
    ("column-hints = { c7 = 3 }", "`column-hints` value of 'c7' must be a string"),
    ('column-hints = ["c7"]', "`column-hints` must be a table"),
    ("allow = [1, 2]", "`allow` must be a list of strings"),
    ('pseudonymised-columns = "token"', "`pseudonymised-columns` must be a list of strings"),
    ("baseline = 3", "`baseline` must be a file path"),
    ("min-score = ", "invalid TOML"),
]


@pytest.mark.parametrize(("line", "message"), BAD)
@pytest.mark.parametrize("name", ["pyproject.toml", ".leakguard.toml"])
def test_a_bad_configuration_is_one_line_naming_the_file_and_the_key(tmp_path: Path, name: str, line: str,
                                                                     message: str) -> None:
    text = f"[tool.leakguard]\n{line}\n" if name == "pyproject.toml" else f"{line}\n"
    (tmp_path / name).write_text(text)
    with pytest.raises(ConfigError) as error:
        discover(start=str(tmp_path))
    assert str(tmp_path / name) in str(error.value)
    assert message in str(error.value)
    assert "\n" not in str(error.value)


def test_the_commands_exit_2_on_a_bad_configuration(tmp_path: Path) -> None:
    (tmp_path / ".leakguard.toml").write_text("min-score = 2\n")
    (tmp_path / "a.csv").write_text("id;nir\n1;x\n")
    code, out, err = hook(tmp_path, "a.csv")
    assert code == 2 and out == ""
    expected = f"leakguard: error: {tmp_path / '.leakguard.toml'}: `min-score` must be between 0 and 1, not 2"
    assert err.strip().splitlines() == [expected]
    assert hook(tmp_path, "--no-config", "a.csv")[0] == 0
    code, _, err = hook(tmp_path, "--config", str(tmp_path / "missing.toml"), "a.csv")
    assert code == 2 and "no such configuration file" in err


# -- exclude patterns ----------------------------------------------------------------------------------------

EXCLUDES = [
    ("fixtures", "fixtures/a.csv", True),
    ("fixtures", "data/fixtures/deep/a.csv", True),
    ("fixtures/", "fixtures/a.csv", True),
    ("/fixtures", "data/fixtures/a.csv", False),
    ("data/fixtures", "data/fixtures/a.csv", True),
    ("data/fixtures", "other/data/fixtures/a.csv", False),
    ("*.sample.csv", "deep/dir/x.sample.csv", True),
    ("*.sample.csv", "deep/dir/x.csv", False),
    ("data/*.csv", "data/a.csv", True),
    ("data/*.csv", "data/sub/a.csv", False),
    ("data/**/*.csv", "data/a.csv", True),
    ("data/**/*.csv", "data/sub/deeper/a.csv", True),
    ("data/**", "data/sub/a.parquet", True),
    ("dump-?.log", "dump-1.log", True),
    ("dump-?.log", "dump-12.log", False),
    ("dump-[0-9].log", "logs/dump-7.log", True),
]


@pytest.mark.parametrize(("pattern", "path", "excluded"), EXCLUDES)
def test_exclude_patterns_are_relative_to_the_configuration_file(tmp_path: Path, pattern: str, path: str,
                                                                 excluded: bool) -> None:
    config = Config(source="x", root=str(tmp_path), exclude=(pattern,))
    assert config.excludes(str(tmp_path / path)) is excluded
    assert not config.excludes(str(tmp_path.parent / path))  # outside the configuration's directory


def test_excluded_files_are_not_scanned_by_the_hook(tmp_path: Path) -> None:
    (tmp_path / ".leakguard.toml").write_text('exclude = ["golden/"]\n')
    (tmp_path / "golden").mkdir()
    (tmp_path / "golden" / "a.csv").write_text(f"id;nir\n1;{NIR_A}\n")
    (tmp_path / "b.csv").write_text(f"id;nir\n1;{NIR_A}\n")
    assert hook(tmp_path, "golden/a.csv")[0] == 0
    code, out, _ = hook(tmp_path, "golden/a.csv", "b.csv")
    assert code == 1 and "b.csv: FR_NIR" in out and "golden" not in out


# -- allowlist -----------------------------------------------------------------------------------------------


@settings(max_examples=50, deadline=None)
@given(st.data())
def test_an_allowed_nir_is_allowed_in_every_written_form_and_no_other_nir_is(data: st.DataObject) -> None:
    nir = data.draw(nirs())
    other = data.draw(nirs().filter(lambda n: n != nir))
    allowlist = Allowlist([data.draw(written_forms(nir))])
    assert allowlist.allows("FR_NIR", data.draw(written_forms(nir)))
    assert not allowlist.allows("FR_NIR", data.draw(written_forms(other)))


def test_allowed_emails_ignore_case_and_values_do_not_cross_entities() -> None:
    allowlist = Allowlist(["Test.User@Example.org", "0612345678"])
    assert allowlist.allows("EMAIL_ADDRESS", "test.user@example.ORG")
    assert not allowlist.allows("EMAIL_ADDRESS", "test.user2@example.org")
    assert allowlist.allows("PHONE_NUMBER", "+33 6 12 34 56 78")
    assert not Allowlist([]).allows("FR_NIR", NIR_A)


def test_the_hook_lets_allowlisted_values_through(tmp_path: Path) -> None:
    spaced = nir_written_forms(NIR_A)[1]
    (tmp_path / "pyproject.toml").write_text(f'[tool.leakguard]\nallow = ["{spaced}"]\nner = false\n')
    (tmp_path / "a.csv").write_text(f"id;nir\n1;{NIR_A}\n2;{nir_written_forms(NIR_A)[4]}\n")
    assert hook(tmp_path, "a.csv") == (0, "", "")
    (tmp_path / "a.csv").write_text(f"id;nir\n1;{NIR_A}\n2;{NIR_B}\n")
    code, out, _ = hook(tmp_path, "a.csv")
    assert code == 1 and "a.csv: FR_NIR ×1 at line 3, column nir" in out


# -- pseudonymised columns, column hints ---------------------------------------------------------------------


def test_findings_in_pseudonymised_columns_are_ignored(tmp_path: Path) -> None:
    (tmp_path / "a.jsonl").write_text(json.dumps({"beneficiary": {"nir_token": NIR_A, "nir": NIR_B}}) + "\n")
    (tmp_path / ".leakguard.toml").write_text('pseudonymised-columns = ["*_token"]\nner = false\n')
    code, out, _ = hook(tmp_path, "a.jsonl")
    assert code == 1 and "FR_NIR ×1 at line 1, column beneficiary.nir (" in out
    (tmp_path / ".leakguard.toml").write_text('pseudonymised-columns = ["*_token", "beneficiary.nir"]\n'
                                              "ner = false\n")
    assert hook(tmp_path, "a.jsonl")[0] == 0


def test_column_hints_add_and_remove_what_a_column_name_implies(tmp_path: Path) -> None:
    (tmp_path / "a.csv").write_text("id;nom\n1;Martin\n2;Bernard\n")
    (tmp_path / ".leakguard.toml").write_text("ner = false\n")
    code, out, _ = hook(tmp_path, "a.csv")
    assert code == 1 and "PERSON ×2" in out
    (tmp_path / ".leakguard.toml").write_text('ner = false\ncolumn-hints = { nom = "" }\n')
    assert hook(tmp_path, "a.csv")[0] == 0
    (tmp_path / ".leakguard.toml").write_text('ner = false\ncolumn-hints = { id = "PERSON", nom = "" }\n')
    (tmp_path / "a.csv").write_text("id;nom\nMartin;x\n")
    code, out, _ = hook(tmp_path, "a.csv")
    assert code == 1 and "PERSON ×1 at line 2, column id" in out


# -- inline ignores ------------------------------------------------------------------------------------------

COMMENTS = ["# leakguard: allow", "// leakguard: allow", "-- leakguard: allow", "/* leakguard: allow */",
            "LEAKGUARD:allow"]


@pytest.mark.parametrize("comment", COMMENTS)
def test_inline_ignores_on_the_line_or_the_line_before_in_any_comment_style(tmp_path: Path,
                                                                           comment: str) -> None:
    (tmp_path / "a.log").write_text(f"{comment}\nnir={NIR_A}\nnir={NIR_B} {comment}\nok\nnir={NIR_C}\n")
    code, out, _ = hook(tmp_path, "--no-ner", "a.log")
    assert code == 1
    assert "a.log: FR_NIR ×1 at line 5 (" in out


def test_inline_ignores_inside_json_lines_and_their_comment_lines(tmp_path: Path) -> None:
    lines = [
        json.dumps({"nir": NIR_A, "note": "synthetic, leakguard: allow"}),
        "// leakguard: allow",
        json.dumps({"nir": NIR_B}),
        json.dumps({"nir": NIR_C}),
    ]
    (tmp_path / "a.jsonl").write_text("\n".join(lines) + "\n")
    code, out, err = hook(tmp_path, "--no-ner", "a.jsonl")
    assert code == 1, err
    assert "a.jsonl: FR_NIR ×1 at line 4, column nir (" in out
    assert err == ""  # the comment line is not JSON, and is not an error
    (tmp_path / "a.jsonl").write_text("\n".join([*lines[:3], "not json"]) + "\n")
    code, _, err = hook(tmp_path, "--no-ner", "a.jsonl")
    assert code == 2 and "line 4: invalid JSON" in err


def test_no_config_ignores_inline_comments(tmp_path: Path) -> None:
    (tmp_path / "a.log").write_text(f"# leakguard: allow\nnir={NIR_A}\n")
    assert hook(tmp_path, "--no-ner", "a.log")[0] == 0
    assert hook(tmp_path, "--no-ner", "--no-config", "a.log")[0] == 1


# cells with delimiters, quotes and newlines (a lone "\r" inside a cell is left out: the reader's business)
CELL = st.text(alphabet=st.sampled_from(list("ab ;,\"\n\t")), max_size=12)


@settings(max_examples=60, deadline=None)
@given(records=st.lists(st.tuples(CELL, CELL), min_size=1, max_size=12), marked=st.data(), crlf=st.booleans())
def test_csv_records_map_to_their_physical_lines_even_with_multiline_cells(
        tmp_path_factory: pytest.TempPathFactory, records: list[tuple[str, str]], marked: st.DataObject,
        crlf: bool) -> None:
    """Record ``r`` as the reader numbers it starts on the line the writer put it on; the marker on the
    record's lines, or on the line before its first line, ignores it."""
    chosen = marked.draw(st.integers(0, len(records) - 1))
    rows = [("id", "a", "b")] + [(str(i), a, b) for i, (a, b) in enumerate(records)]
    rows[chosen + 1] = (rows[chosen + 1][0], rows[chosen + 1][1] + " leakguard: allow", rows[chosen + 1][2])
    newline = "\r\n" if crlf else "\n"
    starts: list[int] = []
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator=newline, quoting=csv.QUOTE_MINIMAL)
    for row in rows:
        starts.append(buffer.getvalue().count("\n"))
        writer.writerow(row)
    text = buffer.getvalue()
    path = tmp_path_factory.mktemp("csv") / "records.csv"
    path.write_bytes(text.encode("utf-8"))
    # the reader's record indices are the writer's rows
    with open_source(str(path)) as source:
        seen = {}
        for chunk in source.chunks():
            assert isinstance(chunk, Chunk)
            ids = next(c for c in chunk.columns if c.name == "id")
            seen.update(zip(ids.rows.to_pylist(), ids.values.to_pylist()))
    assert seen == {r: str(r) for r in range(len(records))}
    lines = [number for number, line in enumerate(text.split("\n")) if "leakguard: allow" in line]
    assert marked_lines(str(path)) == lines
    inline = InlineIgnores()
    for r in range(len(records)):
        first = starts[r + 1]
        last = starts[r + 2] - 1 if r + 2 < len(starts) else text.count("\n") - 1
        assert inline.line_of(str(path), r) == first + 1
        expected = any(first - 1 <= line <= last for line in lines)
        assert bool(inline.mask(str(path), [r])[0]) is expected
    assert inline.mask(str(path), [chosen])[0]


def test_a_csv_comment_line_before_a_row_ignores_it_without_an_error(tmp_path: Path) -> None:
    (tmp_path / "a.csv").write_text(
        f'id;nir;note\n1;{NIR_A};"two\nlines"\n# leakguard: allow\n2;{NIR_B};x\n3;{NIR_C};"a\nb"\n')
    code, out, err = hook(tmp_path, "--no-ner", "a.csv")
    assert code == 1 and err == ""
    assert "FR_NIR ×2 at line 2, column nir (" in out and "; line 6, column nir (" in out


# -- speed: no model unless a file needs it ------------------------------------------------------------------

_NER_PROBE = """
import sys
sys.path.insert(0, {root!r})
from leakguard.cli import cli
from leakguard.detect import ner
try:
    cli(["hook", {path!r}], standalone_mode=False)
except SystemExit:
    pass
print("model loaded:", ner.load_model.cache_info().currsize)
"""


@pytest.mark.ner
@pytest.mark.parametrize(("name", "text", "loaded"), [
    ("structured.csv", "id;nir;date_soin;montant\n" + "".join(f"{i};{n};2024-01-0{i};1{i},50\n"
                                                             for i, n in enumerate([NIR_A, NIR_B], 1)), 0),
    ("free_text.log", "Appel de Dubois au sujet de son dossier, rappeler demain\n", 1),
    # the rules name the person, the other capitalised words open the sentence or are a title: no model
    ("named_by_rules.log", "Appel de Mme Camille Dubois au sujet de son dossier\n", 0),
])
def test_the_ner_model_is_loaded_only_for_files_with_free_text(tmp_path: Path, name: str, text: str,
                                                               loaded: int) -> None:
    (tmp_path / name).write_text(text)
    probe = _NER_PROBE.format(root=str(SOURCE_ROOT), path=str(tmp_path / name))
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=300,
                          cwd=tmp_path)
    assert f"model loaded: {loaded}" in done.stdout, done.stdout + done.stderr
