"""``reidentify``: byte-exact inverse of ``fpe`` on files, refused when the file says another key or operator.

Every NIR is generated (``tests.strategies``).
"""

from __future__ import annotations

import json
import random
import re
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from leakguard import pseudonymise_file
from leakguard.cli import cli
from leakguard.pseudonymise import ReidentifyRefused, reidentify_file
from leakguard.pseudonymise.keys import fingerprint, format_key
from recognizers import nir
from recognizers.nir import CORSICA_RECENT, CORSICA_SPLIT
from tests.strategies import make_nir, nir_written_forms, nirs

KEY = bytes(range(32))
OTHER_KEY = bytes(range(1, 33))
ONLY_FPE = {"FR_NIR": "fpe", **{e: "keep" for e in ("FR_AMC", "FR_MUTUELLE_MEMBER_ID", "EMAIL_ADDRESS",
                                                     "PHONE_NUMBER", "IBAN_CODE", "PERSON", "DATE_OF_BIRTH")}}
FILES = settings(max_examples=15, deadline=None,
                 suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])


def people(count: int, seed: int, corsica: float = 0.3) -> list[str]:
    rng = random.Random(seed)
    out = []
    for _ in range(count):
        year = rng.randrange(100)
        if rng.random() < corsica:  # 2A/2B for births from 1976 (and this century), 20 before
            year = rng.choice([*range(CORSICA_SPLIT, 100), *range(CORSICA_RECENT + 1)])
            place = f"{rng.choice(['2A', '2B'])}{rng.randrange(1, 1000):03d}"
        else:
            place = f"{rng.choice([d for d in range(1, 96) if d != 20]):02d}{rng.randrange(1, 1000):03d}"
        out.append(make_nir(rng.choice("12"), year, rng.randrange(1, 13), place, rng.randrange(1, 1000)))
    return out


def pseudonymised_parquet(tmp_path: Path, operators: dict[str, str], key: bytes = KEY) -> tuple[Path, Path]:
    source = tmp_path / "in.parquet"
    pq.write_table(pa.table({"id": list(range(50)), "nir": people(50, 1)}), source)
    out = tmp_path / "pseudo.parquet"
    pseudonymise_file(source, out, key, operators=operators, ner=False)
    return source, out


def run(*args: str) -> tuple[int, str]:
    result = CliRunner(env={"LEAKGUARD_KEY": None}).invoke(cli, list(args), catch_exceptions=False)
    return result.exit_code, result.stderr


# --- what the file records --------------------------------------------------------------------------------


def test_another_key_is_refused_in_one_line_and_nothing_is_written(tmp_path):
    _, pseudo = pseudonymised_parquet(tmp_path, ONLY_FPE)
    back = tmp_path / "back.parquet"
    with pytest.raises(ReidentifyRefused, match="pseudonymised with another key"):
        reidentify_file(pseudo, back, OTHER_KEY, force=True)  # --force never overrides a known key
    key_file = tmp_path / "other.key"
    key_file.write_text(format_key(OTHER_KEY) + "\n")
    code, err = run("reidentify", str(pseudo), str(back), "--key-file", str(key_file))
    errors = [line for line in err.splitlines() if line.startswith("leakguard: error:")]
    assert code == 2 and len(errors) == 1 and fingerprint(KEY) in errors[0] and fingerprint(OTHER_KEY) in errors[0]
    assert not back.exists()


def test_the_right_key_restores_the_parquet_file(tmp_path):
    source, pseudo = pseudonymised_parquet(tmp_path, ONLY_FPE)
    assert pq.read_table(pseudo).column("nir") != pq.read_table(source).column("nir")
    back = tmp_path / "back.parquet"
    reidentify_file(pseudo, back, KEY)
    assert pq.read_table(back).equals(pq.read_table(source))
    entry = json.loads(pq.read_schema(back).metadata[b"leakguard"])
    assert entry["operation"] == "reidentify" and entry["key_fingerprint"] == fingerprint(KEY)
    with pytest.raises(ReidentifyRefused, match="not 'pseudonymise'"):
        reidentify_file(back, tmp_path / "twice.parquet", KEY, force=True)


@pytest.mark.parametrize(("flag", "said"), [((), True), (("-q",), False), (("--quiet",), False)])
def test_reidentify_says_what_it_did_unless_quiet(tmp_path, flag, said):
    source, pseudo = pseudonymised_parquet(tmp_path, ONLY_FPE)
    key_file = tmp_path / "key"
    key_file.write_text(format_key(KEY) + "\n")
    back = tmp_path / "back.parquet"
    code, err = run("reidentify", str(pseudo), str(back), "--key-file", str(key_file), *flag)
    assert code == 0 and pq.read_table(back).equals(pq.read_table(source))
    assert ("reidentified" in err and fingerprint(KEY) in err) is said
    assert said or err == ""


@pytest.mark.parametrize("operator", ["hmac", "mask", "redact"])
def test_nirs_pseudonymised_by_an_irreversible_operator_are_refused(tmp_path, operator):
    _, pseudo = pseudonymised_parquet(tmp_path, {**ONLY_FPE, "FR_NIR": operator})
    with pytest.raises(ReidentifyRefused, match=f"pseudonymised with {operator}, which cannot be reversed"):
        reidentify_file(pseudo, tmp_path / "back.parquet", KEY, force=True)


def test_a_file_leakguard_never_pseudonymised_is_refused_unless_forced(tmp_path):
    real = people(30, 2)
    files = {
        "parquet": tmp_path / "raw.parquet",
        "csv": tmp_path / "raw.csv",
        "log": tmp_path / "raw.log",
        "jsonl": tmp_path / "raw.jsonl",
        "sql": tmp_path / "raw.sql",
    }
    files["sql"].write_text(pg_dump(real))
    pq.write_table(pa.table({"nir": real}), files["parquet"])
    files["csv"].write_text("nir\n" + "".join(f"{v}\n" for v in real))
    files["log"].write_text("".join(f"appel nir={v}\n" for v in real))
    files["jsonl"].write_text("".join(json.dumps({"nir": v}) + "\n" for v in real))
    for kind, path in files.items():
        out = tmp_path / f"out-{path.name}"
        with pytest.raises(ReidentifyRefused, match=r"no leakguard metadata .* pass --force if you are sure"):
            reidentify_file(path, out, KEY)
        assert not out.exists(), kind
        report = reidentify_file(path, out, KEY, force=True)  # the user insists: every NIR is "decrypted"
        assert report.replaced["FR_NIR"] == len(real), kind


def pg_dump(numbers: list[str]) -> str:
    """A plain-text pg_dump of a table of NIRs: half in COPY rows, half in INSERT statements, grouped there."""
    half = len(numbers) // 2
    rows = "".join(f"{i}\t{v}\n" for i, v in enumerate(numbers[:half]))
    inserts = "".join(f"INSERT INTO public.assures VALUES ({i}, '{v[0]} {v[1:3]} {v[3:5]} {v[5:7]} {v[7:10]} "
                      f"{v[10:13]} {v[13:]}');\n" for i, v in enumerate(numbers[half:], half))
    return ("CREATE TABLE public.assures (\n    id integer NOT NULL,\n    nir text NOT NULL\n);\n\n"
            f"COPY public.assures (id, nir) FROM stdin;\n{rows}\\.\n\n{inserts}")


def test_nirs_stored_as_json_floats_stay_numbers_and_come_back(tmp_path):
    source, pseudo, back = tmp_path / "in.jsonl", tmp_path / "p.jsonl", tmp_path / "b.jsonl"
    source.write_text("".join(f'{{"id": {i}, "nir": {v}.0}}\n' for i, v in enumerate(people(10, 5, corsica=0))))
    assert pseudonymise_file(source, pseudo, KEY, operators=ONLY_FPE, ner=False).replaced["FR_NIR"] == 10
    for line in pseudo.read_text().splitlines():
        value = json.loads(line)["nir"]
        assert isinstance(value, float) and nir.is_valid(f"{value:.0f}")
    reidentify_file(pseudo, back, KEY, force=True)
    assert back.read_bytes() == source.read_bytes()


def test_a_sql_dump_comes_back_byte_for_byte(tmp_path):
    source, pseudo, back = tmp_path / "in.sql", tmp_path / "p.sql", tmp_path / "b.sql"
    source.write_text(pg_dump(people(20, 3)), encoding="utf-8")
    assert pseudonymise_file(source, pseudo, KEY, operators=ONLY_FPE, ner=False).replaced["FR_NIR"] == 20
    assert pseudo.read_bytes() != source.read_bytes()
    key = tmp_path / "lg.key"
    key.write_text(format_key(KEY) + "\n")
    code, err = run("reidentify", "--key-file", str(key), str(pseudo), str(back))
    assert code == 2 and "SQL dumps cannot carry one" in err and not back.exists()
    code, _ = run("reidentify", "--force", "--key-file", str(key), str(pseudo), str(back))
    assert code == 0 and back.read_bytes() == source.read_bytes()


def test_the_recorded_sex_choice_is_used_and_a_conflicting_one_refused(tmp_path):
    source, pseudo = pseudonymised_parquet(tmp_path, {**ONLY_FPE, "FR_NIR": "fpe:sex=random"})
    back = tmp_path / "back.parquet"
    with pytest.raises(ReidentifyRefused, match="pseudonymised with FR_NIR=fpe:sex=random, not FR_NIR=fpe"):
        reidentify_file(pseudo, back, KEY, operator="fpe")
    reidentify_file(pseudo, back, KEY)
    assert pq.read_table(back).equals(pq.read_table(source))


def test_a_csv_made_with_sex_random_comes_back_with_the_choice_given(tmp_path):
    source = tmp_path / "in.csv"
    source.write_text("id;nir\n" + "".join(f"{i};{nir.format(v)}\n" for i, v in enumerate(people(60, 3))))
    pseudo, back = tmp_path / "pseudo.csv", tmp_path / "back.csv"
    pseudonymise_file(source, pseudo, KEY, operators={**ONLY_FPE, "FR_NIR": "fpe:sex=random"}, ner=False)
    key_file = tmp_path / "lg.key"
    key_file.write_text(format_key(KEY) + "\n")
    code, err = run("reidentify", str(pseudo), str(back), "--key-file", str(key_file), "--force",
                    "--operator", "FR_NIR=fpe:sex=random")
    assert code == 0, err
    assert back.read_bytes() == source.read_bytes()


# --- byte-exact on every written form, in files -----------------------------------------------------------


@given(data=st.data(), kind=st.sampled_from(["overseas", "corsica", "abroad", "nir", "temporary"]))
@FILES
def test_reidentify_of_pseudonymise_gives_back_the_bytes_of_every_written_form(tmp_path_factory, data, kind):
    directory = tmp_path_factory.mktemp("forms")
    numbers = [data.draw(nirs(kind=kind)) for _ in range(4)]
    forms = [form for number in numbers for form in nir_written_forms(number)]
    log = directory / "app.log"
    log.write_text("".join(f"2025-01-0{i % 9 + 1} INFO assuré n° SS {form} ok\n" for i, form in enumerate(forms)),
                   encoding="utf-8")
    table = directory / "t.csv"
    table.write_text("id;numero_secu\n" + "".join(f"{i};{form}\n" for i, form in enumerate(forms)), encoding="utf-8")
    for source in (log, table):
        pseudo, back = directory / f"p-{source.name}", directory / f"b-{source.name}"
        done = pseudonymise_file(source, pseudo, KEY, operators=ONLY_FPE, ner=False)
        assert done.replaced["FR_NIR"] == len(forms)
        reidentify_file(pseudo, back, KEY, force=True)
        assert back.read_bytes() == source.read_bytes()


#: A key given apart from the 13 digits, as people write it (the words around the key are no part of the NIR).
KEY_APART = ("{body} clé : {key}", "{body}, clef {key}", "{grouped} (clé {key})", "{body} key={key}")


@given(numbers=st.lists(nirs(kind="nir"), min_size=len(KEY_APART), max_size=len(KEY_APART)))
@FILES
def test_a_nir_with_its_key_given_apart_comes_back_words_and_all(tmp_path_factory, numbers):
    directory = tmp_path_factory.mktemp("apart")
    lines = []
    for form, number in zip(KEY_APART, numbers):
        body, key = number[:13], number[13:]
        grouped = " ".join((body[0], body[1:3], body[3:5], body[5:7], body[7:10], body[10:13]))
        lines.append(f"Dossier n° SS {form.format(body=body, grouped=grouped, key=key)} reçu\n")
    source, pseudo, back = directory / "in.log", directory / "p.log", directory / "b.log"
    source.write_text("".join(lines), encoding="utf-8")
    done = pseudonymise_file(source, pseudo, KEY, operators=ONLY_FPE, ner=False)
    assert done.replaced["FR_NIR"] == len(lines)
    out = pseudo.read_text(encoding="utf-8").splitlines()
    for written, line in zip(lines, out):
        assert re.sub("[0-9]", "9", written.rstrip("\n")) == re.sub("[0-9]", "9", line)  # the words where they were
    reidentify_file(pseudo, back, KEY, force=True)
    assert back.read_bytes() == source.read_bytes()


def test_a_file_of_fpe_format_1_is_reidentified_with_format_1(tmp_path):
    """Files written before fpe format 2 record no ``fpe_format``: their pseudonyms are decrypted as format 1."""
    import json

    from leakguard.pseudonymise import keys
    from leakguard.pseudonymise.fpe import NirCipher

    numbers = [n for n in people(30, 9, corsica=0.0)]
    old = NirCipher(keys.derive(KEY, "ff1 FR_NIR"), version=1)
    pseudonyms = [old.encrypt(n) for n in numbers]
    found = [p for p in pseudonyms if nir.is_valid(p)]  # what the detector still takes for NIRs
    entry = {"version": "0.1.0", "operation": "pseudonymise", "policy": {"FR_NIR": "fpe"},
             "key_fingerprint": keys.fingerprint(KEY)}
    source = tmp_path / "old.parquet"
    table = pa.table({"nir": found}).replace_schema_metadata({b"leakguard": json.dumps(entry).encode()})
    pq.write_table(table, source)
    reidentify_file(source, tmp_path / "back.parquet", KEY)
    back = pq.read_table(tmp_path / "back.parquet")["nir"].to_pylist()
    assert back == [n for n, p in zip(numbers, pseudonyms) if nir.is_valid(p)]
