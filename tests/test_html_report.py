"""The HTML report (``leakguard scan --format html``) opened in a real headless Chromium: it renders without a
console error, shows the headline figures of the json report, holds no raw identifier of the input and no URL,
loads nothing, and shows its essentials with JavaScript off. Skipped, with the reason, without Chromium."""

from __future__ import annotations

import io
import json
import re
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pv
import pyarrow.parquet as pq
import pytest
from click.testing import CliRunner

from leakguard.cli import cli
from leakguard.preview import mask
from leakguard.pseudonymise.normalise import nir_form
from leakguard.report import FileStats, make_reporter
from leakguard.report.exposure import Combination, DistinctCount, Exposure
from leakguard.report.exposure.cells import cell_text
from leakguard.report.html_text import number
from synthetic.exposure import claims, sparse_beneficiaries
from synthetic.logs import gateway_log
from synthetic.records import decoy_table
from synthetic.tables import beneficiary_table
from tests.browser import console_errors
from tests.strategies import generated_nirs

#: Entities that identify someone (insurer names and guarantee levels are shared by many people).
IDENTIFYING = ("FR_NIR", "FR_AMC", "FR_MUTUELLE_MEMBER_ID", "DATE_OF_BIRTH", "PERSON", "EMAIL_ADDRESS",
               "PHONE_NUMBER", "IBAN_CODE")


def scan(*args: str) -> str:
    result = CliRunner().invoke(cli, ["scan", *args, "--no-ner", "--no-config"], catch_exceptions=False)
    assert result.exit_code == 2, result.stderr  # findings, and one unreadable file
    return result.stdout


def raw_values(cells: dict[str | None, list[str | None]], truth: pa.Table) -> set[str]:
    """Every identifying value of the truth as written, and NIRs also compact and as 13-digit bodies."""
    spans = truth.filter(pc.is_in(truth["entity"], pa.array(IDENTIFYING)))
    out = set()
    for row, column, start, end, entity in zip(
            *(spans[name].to_pylist() for name in ("row", "column", "start", "end", "entity")), strict=True):
        value = cells[column][row][start:end]
        out.add(value)
        if entity == "FR_NIR":
            out.update((nir_form(value), re.sub(r"\D", "", value)))
    return out


@pytest.fixture(scope="module")
def scanned(tmp_path_factory) -> dict[str, object]:
    """Generated data in a directory (a sparse beneficiary table, claims, a gateway log, a corrupt Parquet
    file), scanned to json and to html in French and English."""
    root = tmp_path_factory.mktemp("data")
    sparse, sparse_truth = sparse_beneficiaries(2_000, seed=21)
    pq.write_table(sparse, root / "beneficiaires.parquet")
    table, claims_truth, _ = claims(1_500, people=300, seed=22)
    pv.write_csv(table, root / "remboursements.csv")
    lines, log_truth = gateway_log(600, seed=23)
    (root / "passerelle.log").write_text("\n".join(lines) + "\n", encoding="utf-8")
    (root / "casse.parquet").write_bytes(b"PAR1" + b"\x00" * 64)
    out = tmp_path_factory.mktemp("reports")
    scan(str(root), "--format", "html", "--output", str(out / "rapport.html"))
    scan(str(root), "--format", "html", "--lang", "en", "--output", str(out / "report.html"))
    raw = set()
    for data, truth in ((sparse, sparse_truth), (table, claims_truth)):
        raw |= raw_values({n: cell_text(data.column(n).combine_chunks()).to_pylist() for n in data.column_names},
                          truth)
    raw |= raw_values({None: lines}, log_truth)
    return {
        "json": json.loads(scan(str(root), "--format", "json")),
        "fr": out / "rapport.html",
        "en": out / "report.html",
        "raw": raw,
    }


def headline(driver) -> dict[str, str]:
    return {key: driver.find_element("id", f"h-{key}").text.split("\n")[0]
            for key in ("files", "records", "persons", "breach", "errors")}


def expected_headline(document: dict, lang: str) -> dict[str, str]:
    summary = document["summary"]
    exposure = summary["exposure"]
    return {"files": number(summary["files"] - summary["files_unreadable"], lang),
            "records": number(exposure["records"], lang), "persons": number(exposure["persons"], lang),
            "breach": number(exposure["breach_profile_records"], lang), "errors": number(summary["errors"], lang)}


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_report_renders_without_console_errors_and_shows_the_headline_figures(scanned, browser, lang):
    with browser() as driver:
        driver.get(scanned[lang].as_uri())
        assert driver.find_element("tag name", "html").get_attribute("lang") == lang
        assert headline(driver) == expected_headline(scanned["json"], lang)
        assert driver.find_element("id", "cnil").is_displayed()
        assert "casse.parquet" in driver.find_element("id", "unreadable").text
        assert len(driver.find_elements("css selector", "#upset circle")) > 0
        assert len(driver.find_elements("css selector", "#risk .risk")) == 2  # the two tables
        assert console_errors(driver) == []
    exposure = scanned["json"]["summary"]["exposure"]
    assert 0 < exposure["breach_profile_records"] < exposure["records_with_personal_data"]


def test_report_holds_no_raw_identifier_of_the_input(scanned, browser):
    raw = scanned["raw"]
    assert len(raw) > 5_000
    for lang in ("fr", "en"):
        source = scanned[lang].read_text(encoding="utf-8")
        with browser() as driver:
            driver.get(scanned[lang].as_uri())
            text = driver.find_element("tag name", "body").text
        for page in (source, text):
            leaked = [value for value in raw if value in page]
            assert leaked == []


def test_report_names_no_url_and_loads_nothing(scanned, browser):
    source = scanned["fr"].read_text(encoding="utf-8")
    assert re.search(r"(?i)\b(?:https?|ftp|wss?)://|url\(|\bsrc=|@import", source) is None
    with browser() as driver:
        driver.get(scanned["fr"].as_uri())
        assert driver.execute_script("return performance.getEntriesByType('resource').length") == 0
        links = driver.execute_script(
            "return Array.from(document.querySelectorAll('[href]'), e => e.getAttribute('href'))")
        assert links and all(link.startswith("#") or link.startswith("data:") for link in links)
        assert console_errors(driver) == []


def test_with_javascript_off_the_essentials_show(scanned, browser):
    with browser(javascript=False) as driver:
        driver.get(scanned["fr"].as_uri())
        assert driver.find_elements("css selector", "th button") == []  # the script did not run
        assert headline(driver) == expected_headline(scanned["json"], "fr")
        cnil = driver.find_element("id", "cnil-text")
        assert cnil.is_displayed() and "Numéro de sécurité sociale (NIR)" in cnil.text
        assert driver.find_element("css selector", "table.heat tbody tr").is_displayed()
        assert driver.find_element("id", "upset").is_displayed()


def test_clicking_a_heat_map_header_sorts_its_rows(scanned, browser):
    with browser() as driver:
        driver.get(scanned["fr"].as_uri())
        headers = driver.find_elements("css selector", "table.heat thead th")
        nir = next(i for i, th in enumerate(headers) if th.get_attribute("title") == "FR_NIR")
        column = f"table.heat tbody tr td:nth-child({nir + 1})"
        headers[nir].find_element("tag name", "button").click()
        values = [float(td.get_attribute("data-v")) for td in driver.find_elements("css selector", column)]
        assert values == sorted(values, reverse=True) and values[0] > values[-1]
        headers[nir].find_element("tag name", "button").click()
        values = [float(td.get_attribute("data-v")) for td in driver.find_elements("css selector", column)]
        assert values == sorted(values)
        assert console_errors(driver) == []


def test_database_tables_and_names_are_shown_their_names_masked(tmp_path, browser, sqlite_file):
    table, truth, _ = claims(900, people=200, seed=24)
    root = tmp_path / "exports"
    root.mkdir()
    sqlite_file(root / "app.db", {"remboursements": table.slice(0, 600), "archive": table.slice(400)})
    named = generated_nirs(24, 1)[0]
    (root / f"{named}.csv").write_text("id;ville\n1;Paris\n2;Lyon\n")
    args = ("scan", str(root), "--no-ner", "--no-config")
    document = json.loads(CliRunner().invoke(cli, [*args, "--format", "json"], catch_exceptions=False).stdout)
    page = tmp_path / "rapport.html"
    CliRunner().invoke(cli, [*args, "--format", "html", "--output", str(page)], catch_exceptions=False)
    source = page.read_text(encoding="utf-8")
    raw = raw_values({n: cell_text(table.column(n).combine_chunks()).to_pylist() for n in table.column_names},
                     truth)
    assert [value for value in raw | {named} if value in source] == []
    db = f"{root / 'app.db'}"
    with browser() as driver:
        driver.get(page.as_uri())
        assert headline(driver) == expected_headline(document, "fr")
        assert headline(driver)["records"] == number(600 + 500 + 2, "fr")  # the name is in no record
        heat = driver.find_element("css selector", "table.heat").text
        assert f"{db}#remboursements" in heat and f"{db}#archive" in heat and "(dans un nom)" not in heat
        in_names = [row.text for row in driver.find_elements("css selector", "#columns tbody tr")
                    if "(dans un nom)" in row.text]
        assert len(in_names) == 1 and mask("FR_NIR", named) in in_names[0]
        assert {r.find_element("css selector", ".path").text for r in
                driver.find_elements("css selector", "#risk .risk")} == {f"{db}#remboursements", f"{db}#archive"}
        cnil = driver.find_element("id", "cnil-text").text
        assert "Fichiers ou tables concernés" in cnil
        assert f"- {db}#remboursements (600 enregistrements concernés)" in cnil
        assert f"- {db}#archive (500 enregistrements concernés)" in cnil
        assert console_errors(driver) == []


# --- without a browser ----------------------------------------------------------------------------------------


def html_of(tmp_path: Path, rows: int, *extra: str) -> str:
    table, _ = beneficiary_table(rows, seed=31)
    data = tmp_path / f"t{rows}"
    data.mkdir()
    pq.write_table(table, data / "beneficiaires.parquet")
    result = CliRunner().invoke(cli, ["scan", str(data), "--format", "html", "--no-ner", "--no-config", *extra],
                                catch_exceptions=False)
    assert result.exit_code == 1
    return result.stdout


def test_the_report_holds_aggregates_so_its_size_does_not_grow_with_the_records(tmp_path):
    small, large = html_of(tmp_path, 500), html_of(tmp_path, 20_000)
    assert abs(len(large.encode()) - len(small.encode())) < 1_000
    assert len(large.encode()) < 60_000


def test_show_values_does_not_put_values_in_the_report(tmp_path):
    table, _ = beneficiary_table(50, seed=31)
    page = html_of(tmp_path, 50, "--show-values")
    assert not any(nir in page for nir in table.column("nir").to_pylist())
    assert not any(mail in page for mail in table.column("email").to_pylist())


def test_an_estimated_number_of_persons_is_shown_with_its_error():
    persons = DistinctCount(2_412_345, estimated=True, relative_error=1.04 / 128, registers=16_384)
    figures = Exposure(records=3_000_000, records_with_personal_data=2_900_000, by_entity={"FR_NIR": 2_900_000},
                       breach_profile_records=0, combinations=(Combination(("FR_NIR",), 2_900_000),),
                       persons=persons)
    out = io.StringIO()
    reporter = make_reporter("html", out, lang="en")
    reporter.file_started("lake/claims.parquet")
    reporter.file_done("lake/claims.parquet", FileStats(records=3_000_000, exposure=figures))
    reporter.exposure(figures)
    reporter.close()
    page = out.getvalue()
    assert "≈ 2,412,345" in page and "estimated, ±0.81% (standard error)" in page
    assert "about 2,412,345 (distinct NIRs, estimated, ±0.81%)" in page


def test_a_clean_scan_says_nothing_was_found(tmp_path):
    pq.write_table(decoy_table(300, seed=3), tmp_path / "factures.parquet")
    result = CliRunner().invoke(cli, ["scan", str(tmp_path), "--format", "html", "--no-ner", "--no-config"],
                                catch_exceptions=False)
    assert result.exit_code == 0
    page = result.stdout
    assert "Aucune donnée personnelle trouvée" in page and 'id="upset"' not in page
    assert "non déterminé : aucun NIR" in page.replace("\u00a0", " ")
