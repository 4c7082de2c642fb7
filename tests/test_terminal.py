"""What a person sees in a real terminal (a pseudo-terminal rendered by a VT100 emulator): the report never
glued to a progress line, a determinate bar naming the action where the size is known, NO_COLOR, --quiet."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from synthetic.tables import beneficiary_table

#: SGR parameters that set a colour (foreground, background, bright); bold and dim are not colours.
COLOUR = re.compile(r"\x1b\[((?:\d+;)*(?:3[0-8]|4[0-8]|9[0-7]|10[0-7])(?:;\d+)*)m")
#: Any control sequence (colours, cursor moves, line erasing).
CONTROL = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")


def drawn(raw: str) -> str:
    """What was drawn, without control sequences: every state of the progress line, one after the other."""
    return CONTROL.sub("", raw)


@pytest.fixture(scope="module")
def exports(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A directory of generated exports: three tables (Parquet, CSV) and a clean file."""
    root = tmp_path_factory.mktemp("exports")
    table, _ = beneficiary_table(400, seed=5)
    pq.write_table(table.select(["nir", "nom", "email"]), root / "beneficiaires.parquet")
    table.select(["nir", "telephone"]).to_pandas().to_csv(root / "contacts.csv", sep=";", index=False)
    pq.write_table(table.select(["iban"]).slice(0, 50), root / "paiements.parquet")
    (root / "factures.csv").write_text("facture;montant\n" + "".join(f"F-{i};{i},00\n" for i in range(20)))
    return root


@pytest.fixture(scope="module")
def big(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A 300,000-row Parquet file and the same rows as CSV, long enough to be seen while they are scanned (the
    rate shows after half a second: six columns keep a fast machine scanning that long)."""
    root = tmp_path_factory.mktemp("big")
    table, _ = beneficiary_table(3_000, seed=9)
    table = pa.concat_tables([table.select(["nir", "email", "telephone", "iban", "nom", "prenom"])] * 100)
    pq.write_table(table, root / "dump.parquet", row_group_size=20_000)
    table.to_pandas().to_csv(root / "dump.csv", sep=";", index=False)
    return root


def test_each_files_report_starts_on_a_line_of_its_own_and_no_progress_is_left(run_in_terminal, exports):
    code, raw, screen = run_in_terminal("scan", "--no-ner", "--no-config", str(exports))
    assert code == 1
    assert "scanning" in raw  # the progress display was drawn while the files were scanned...
    assert not any("scanning" in line or "━" in line for line in screen)  # ...and left nothing behind
    headers = [line for line in screen if re.search(r"\d+ records · ", line)]
    assert [header.split("  ")[0] for header in headers] == [
        str(exports / name) for name in ("beneficiaires.parquet", "contacts.csv", "paiements.parquet")]
    assert screen[-1].startswith("4 files scanned, 3 with findings, 0 errors")


def test_a_parquet_file_gets_a_determinate_bar_with_percentage_rate_and_time_left(run_in_terminal, big):
    code, raw, _ = run_in_terminal("scan", "--no-ner", "--no-config", "--batch-rows", "20000",
                                   str(big / "dump.parquet"))
    assert code == 1
    assert re.search(r"scanning dump\.parquet [━╸╺]+ +\d+% [\d,]+/300,000 records · [\d,]+/s +\d:\d\d:\d\d left\r",
                     drawn(raw))  # on one line of the 100-column terminal


def test_a_csv_file_gets_a_bar_of_its_estimated_records(run_in_terminal, big):
    code, raw, _ = run_in_terminal("scan", "--no-ner", "--no-config", "--batch-rows", "20000", str(big / "dump.csv"))
    assert code == 1
    estimates = re.findall(r"scanning dump\.csv [━╸╺]+ +(\d+)% ([\d,]+)/≈([\d,]+) records", drawn(raw))
    assert estimates and min(int(percent) for percent, _, _ in estimates) < 100
    for _, _, total in estimates:
        assert abs(int(total.replace(",", "")) - 300_000) < 30_000  # from the lines of the first 4 MB


def test_pseudonymising_says_so(run_in_terminal, big, tmp_path):
    code, raw, screen = run_in_terminal("pseudonymise", "--no-ner", "--batch-rows", "20000",
                                        str(big / "dump.parquet"), str(tmp_path / "out.parquet"),
                                        env={"LEAKGUARD_KEY": "ab" * 32})
    assert code == 0
    assert re.search(r"pseudonymising dump\.parquet [━╸╺]+ +\d+% [\d,]+/300,000 records", drawn(raw))
    assert "scanning" not in raw
    assert any(line.startswith("  nir ") and "300,000" in line for line in screen)


@pytest.mark.parametrize(("env", "coloured"), [({}, True), ({"NO_COLOR": "1"}, False)])
def test_no_color_is_honoured(run_in_terminal, exports, env, coloured):
    code, raw, _ = run_in_terminal("scan", "--no-ner", "--no-config", str(exports / "paiements.parquet"), env=env)
    assert code == 1 and "IBAN_CODE" in raw
    assert bool(COLOUR.search(raw)) is coloured


def test_quiet_prints_only_errors_even_on_a_terminal(run_in_terminal, exports, tmp_path):
    code, raw, screen = run_in_terminal("scan", "--no-ner", "--no-config", "-q", str(exports),
                                        str(tmp_path / "missing.csv"), columns=200)
    assert code == 2
    assert "scanning" not in raw
    assert screen == [f"leakguard: error: {tmp_path / 'missing.csv'}: no such file or directory"]


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes need a POSIX system")
@pytest.mark.parametrize("command", ["scan", "pseudonymise"])
def test_a_pipe_given_by_name_is_refused_while_the_progress_is_drawn(run_in_terminal, tmp_path, command):
    # the progress display sizes each file before it is read: it must not open a pipe (that waits for ever)
    pipe = tmp_path / "pipe"
    os.mkfifo(pipe)
    extra = [str(tmp_path / "out.csv")] if command == "pseudonymise" else []
    code, _, screen = run_in_terminal(command, "--no-ner", str(pipe), *extra, columns=200, timeout=120,
                                      env={"LEAKGUARD_KEY": "ab" * 32})
    assert code == 2
    assert f"leakguard: error: {pipe}: not a regular file (a named pipe); not read" in screen
