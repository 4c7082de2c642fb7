"""The pre-commit hook, end to end: the real ``pre-commit`` tool and ``git commit`` in temporary repositories.

Every repository gets a ``repo: local`` hook built from this repository's ``.pre-commit-hooks.yaml`` (same
id, ``files`` pattern and types), with ``language: system`` and an ``entry`` that runs the leakguard under
test with the current interpreter, so the tests take seconds. One test (marked ``slow``) runs
``pre-commit try-repo`` on this repository itself: pre-commit then installs leakguard from the repository's
*committed* HEAD (``--ref`` the HEAD commit) into a fresh virtualenv (dependencies from PyPI: about two
minutes), so it tests the last commit, not the working tree; it is skipped until the hook definition is
committed.

All identifiers are generated (valid keys computed by :func:`tests.strategies.make_nir`).
"""

from __future__ import annotations

import gzip
import hashlib
import hmac
import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
import yaml

import leakguard
from tests.strategies import generated_nirs

SOURCE_ROOT = Path(leakguard.__file__).resolve().parents[1]
HOOKS_FILE = SOURCE_ROOT / ".pre-commit-hooks.yaml"


def pseudonym(nir: str) -> str:
    """What a pseudonymised NIR looks like in these tests: a keyed token (the key is a test constant)."""
    return "NIR_" + hmac.new(b"test pseudonymisation key", nir.encode(), hashlib.sha256).hexdigest()[:16]


def leakguard_command(directory: Path) -> str:
    """A ``leakguard`` script running the leakguard under test with the current interpreter (as the console
    script does: ``leakguard.__main__:main``)."""
    script = directory / "leakguard"
    script.write_text(
        f"#!{sys.executable}\n"
        "import sys\n"
        f"sys.path.insert(0, {str(SOURCE_ROOT)!r})\n"
        "from leakguard.__main__ import main\n"
        "main()\n",
        encoding="utf-8",
    )
    script.chmod(0o755)
    return str(script)


class Repo:
    """A temporary git repository with leakguard installed as a pre-commit hook."""

    def __init__(self, root: Path, tools: Path):
        self.root = root
        self.env = {**os.environ, "PRE_COMMIT_HOME": str(tools / "pre-commit-home"),
                    "PRE_COMMIT_COLOR": "never", "GIT_CONFIG_NOSYSTEM": "1", "HOME": str(tools / "home")}
        self.env.pop("LEAKGUARD_BASELINE_KEY", None)
        (tools / "home").mkdir(exist_ok=True)
        self.leakguard = leakguard_command(tools)
        self.git("init", "-q", "-b", "main")
        self.git("config", "user.email", "tests@example.invalid")
        self.git("config", "user.name", "leakguard tests")
        self.git("config", "commit.gpgsign", "false")
        hooks = yaml.safe_load(HOOKS_FILE.read_text(encoding="utf-8"))
        for hook in hooks:  # `leakguard hook`, `leakguard baseline`: the leakguard under test
            hook.update(language="system", entry=hook["entry"].replace("leakguard", self.leakguard, 1))
        config = {"repos": [{"repo": "local", "hooks": hooks}]}
        self.write(".pre-commit-config.yaml", yaml.safe_dump(config, sort_keys=False))
        self.run([sys.executable, "-m", "pre_commit", "install"], check=True)
        self.git("add", ".pre-commit-config.yaml")
        self.git("commit", "-q", "-m", "pre-commit configuration")

    def run(self, args: list[str], check: bool = False) -> subprocess.CompletedProcess[str]:
        done = subprocess.run(args, cwd=self.root, env=self.env, capture_output=True, text=True, timeout=300)
        if check and done.returncode != 0:
            raise AssertionError(f"{args} failed: {done.stdout}\n{done.stderr}")
        return done

    def git(self, *args: str) -> subprocess.CompletedProcess[str]:
        return self.run(["git", *args], check=True)

    def write(self, name: str, text: str) -> Path:
        path = self.root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        return path

    def commit(self, *names: str, message: str = "data") -> subprocess.CompletedProcess[str]:
        """``git add`` then ``git commit`` (the hook runs); the completed process, output in ``stdout``."""
        self.run(["git", "add", *names], check=True)
        done = self.run(["git", "commit", "-m", message])
        done.stdout += done.stderr
        return done

    def baseline(self, *names: str) -> subprocess.CompletedProcess[str]:
        return self.run([self.leakguard, "baseline", *names], check=True)

    def pre_commit(self, *args: str) -> subprocess.CompletedProcess[str]:
        done = self.run([sys.executable, "-m", "pre_commit", *args])
        done.stdout += done.stderr
        return done


@pytest.fixture
def repo(tmp_path: Path) -> Repo:
    (tmp_path / "repo").mkdir()
    (tmp_path / "tools").mkdir()
    return Repo(tmp_path / "repo", tmp_path / "tools")


def csv_text(nirs: list[str]) -> str:
    rows = [f"{i};{nir};Paris" for i, nir in enumerate(nirs, start=1)]
    return "id;nir;ville\n" + "\n".join(rows) + "\n"


def log_text(nirs: list[str]) -> str:
    return "".join(f"2024-05-0{i % 9 + 1} 10:00:00 INFO claim accepted for nir={nir}\n"
                   for i, nir in enumerate(nirs))


def assert_blocked(done: subprocess.CompletedProcess[str], name: str, raw: list[str]) -> None:
    assert done.returncode != 0, done.stdout
    assert f"{name}: FR_NIR ×" in done.stdout
    assert "leakguard: if a finding is known and safe" in done.stdout
    for nir in raw:
        assert nir not in done.stdout, "a raw identifier was printed"


def test_csv_parquet_and_gzipped_log_with_a_nir_are_blocked_and_their_pseudonymised_forms_pass(
        repo: Repo) -> None:
    csv_nirs, parquet_nirs, log_nirs = generated_nirs(1, 2), generated_nirs(2, 3), generated_nirs(3, 1)
    repo.write("exports/beneficiaires.csv", csv_text(csv_nirs))
    table = pa.table({"beneficiary_id": [1, 2, 3], "nir": parquet_nirs, "montant": [12.5, 30.0, 7.2]})
    pq.write_table(table, repo.root / "dump.parquet")
    log = "2024-05-01 10:00:00 INFO service started\n" + log_text(log_nirs)
    (repo.root / "gateway.LOG.gz").write_bytes(gzip.compress(log.encode()))
    done = repo.commit("exports/beneficiaires.csv", "dump.parquet", "gateway.LOG.gz")
    assert_blocked(done, "exports/beneficiaires.csv", csv_nirs + parquet_nirs + log_nirs)
    assert_blocked(done, "dump.parquet", [])
    assert_blocked(done, "gateway.LOG.gz", [])
    assert "exports/beneficiaires.csv: FR_NIR ×2 at line 2, column nir (" in done.stdout
    assert "; line 3, column nir (" in done.stdout
    assert "dump.parquet: FR_NIR ×3 at row 0, column nir (" in done.stdout
    assert "gateway.LOG.gz: FR_NIR ×1 at line 2 (" in done.stdout

    repo.write("exports/beneficiaires.csv", csv_text([pseudonym(nir) for nir in csv_nirs]))
    pq.write_table(table.set_column(1, "nir", pa.array([pseudonym(nir) for nir in parquet_nirs])),
                   repo.root / "dump.parquet")
    log = "2024-05-01 10:00:00 INFO service started\n" + log_text([pseudonym(nir) for nir in log_nirs])
    (repo.root / "gateway.LOG.gz").write_bytes(gzip.compress(log.encode()))
    done = repo.commit("exports/beneficiaires.csv", "dump.parquet", "gateway.LOG.gz")
    assert done.returncode == 0, done.stdout
    assert "FR_NIR" not in done.stdout


def test_inline_allow_comments_let_a_known_line_through_but_not_the_others(repo: Repo) -> None:
    known, leaked = generated_nirs(4, 2)
    repo.write("app.log", f"# leakguard: allow (synthetic fixture)\nnir={known}\n")
    assert repo.commit("app.log").returncode == 0
    repo.write("app.log", f"# leakguard: allow (synthetic fixture)\nnir={known}\nnir={leaked}\n")
    done = repo.commit("app.log")
    assert_blocked(done, "app.log", [known, leaked])
    assert "FR_NIR ×1 at line 3 (" in done.stdout


def test_an_allowlisted_value_passes_and_another_one_does_not(repo: Repo) -> None:
    allowed, other = generated_nirs(5, 2)
    written = " ".join([allowed[0], allowed[1:3], allowed[3:5], allowed[5:7], allowed[7:10], allowed[10:13],
                        allowed[13:]])
    repo.write("pyproject.toml", textwrap.dedent(f"""\
        [project]
        name = "data"

        [tool.leakguard]
        allow = ["{written}"]  # the synthetic beneficiary of the test suite
        """))
    repo.commit("pyproject.toml", message="configuration")
    repo.write("fixtures/beneficiaries.csv", csv_text([allowed]))
    done = repo.commit("fixtures/beneficiaries.csv")
    assert done.returncode == 0, done.stdout
    repo.write("fixtures/beneficiaries.csv", csv_text([allowed, other]))
    done = repo.commit("fixtures/beneficiaries.csv")
    assert_blocked(done, "fixtures/beneficiaries.csv", [allowed, other])
    assert "FR_NIR ×1 at line 3, column nir" in done.stdout


def test_a_baselined_finding_passes_a_new_one_next_to_it_fails_and_moving_lines_keeps_it_known(
        repo: Repo) -> None:
    old, new, other = generated_nirs(6, 3)
    repo.write("fixtures/claims.log", log_text([old, other]))
    repo.baseline("fixtures/claims.log")
    assert ".leakguard.key" not in repo.run(["git", "status", "--short", "--untracked-files=all"]).stdout
    done = repo.commit("fixtures/claims.log", ".leakguard-baseline.json")
    assert done.returncode == 0, done.stdout
    # the lines move: still known
    repo.write("fixtures/claims.log", "2024-05-03 09:00:00 INFO restart\n" + log_text([other, old]))
    done = repo.commit("fixtures/claims.log")
    assert done.returncode == 0, done.stdout
    # a new identifier next to the known ones
    repo.write("fixtures/claims.log", log_text([other, new, old]))
    done = repo.commit("fixtures/claims.log")
    assert_blocked(done, "fixtures/claims.log", [old, new, other])
    assert "FR_NIR ×1 at line 2 (" in done.stdout


def test_the_hook_only_scans_the_files_it_is_given(repo: Repo) -> None:
    nirs = generated_nirs(7, 1)
    repo.write("leaky.csv", csv_text(nirs))
    repo.write("clean.csv", csv_text(["none"]))
    done = repo.run([sys.executable, "-m", "pre_commit", "run", "--files", "clean.csv"])
    assert done.returncode == 0, done.stdout + done.stderr
    done = repo.run([sys.executable, "-m", "pre_commit", "run", "--files", "clean.csv", "leaky.csv"])
    assert done.returncode == 1 and "leaky.csv: FR_NIR ×1" in done.stdout


def test_files_the_pattern_does_not_cover_are_not_scanned(repo: Repo) -> None:
    nirs = generated_nirs(8, 1)
    repo.write("notes.md", f"nir: {nirs[0]}\n")
    done = repo.commit("notes.md")
    assert done.returncode == 0, done.stdout


@pytest.mark.slow
def test_try_repo_installs_and_runs_the_hook_from_this_repository(repo: Repo) -> None:
    """``pre-commit try-repo`` on the committed HEAD of this repository (a fresh virtualenv from PyPI).

    The working tree's uncommitted changes are not tested here: commit first.
    """
    if not (SOURCE_ROOT / ".git").exists() or shutil.which("git") is None:
        pytest.skip("not a git checkout")
    head = subprocess.run(["git", "-C", str(SOURCE_ROOT), "ls-tree", "--name-only", "HEAD",
                           ".pre-commit-hooks.yaml"], capture_output=True, text=True)
    if ".pre-commit-hooks.yaml" not in head.stdout:
        pytest.skip("the hook definition is not committed yet (try-repo uses the committed HEAD)")
    nirs = generated_nirs(9, 1)
    repo.write("dump.csv", csv_text(nirs))
    repo.run(["git", "add", "dump.csv"], check=True)
    head_commit = subprocess.run(["git", "-C", str(SOURCE_ROOT), "rev-parse", "HEAD"], capture_output=True,
                                 text=True, check=True).stdout.strip()
    repo.env.pop("PYTHONPATH", None)  # the hook runs the committed HEAD, never this working tree
    done = repo.run([sys.executable, "-m", "pre_commit", "try-repo", str(SOURCE_ROOT), "leakguard",
                     "--ref", head_commit, "--files", "dump.csv"])
    output = done.stdout + done.stderr
    assert done.returncode == 1, output
    assert "dump.csv: FR_NIR ×1 at line 2, column nir" in output
    assert nirs[0] not in output


def test_the_baseline_is_written_by_its_own_hook_and_committing_it_passes(repo: Repo) -> None:
    """In a data repository leakguard is not on the PATH: the messages give the pre-commit command, which
    writes the baseline; the baseline, committed as the README says, is never scanned as data."""
    *known, new = generated_nirs(10, 13)
    repo.write("fixtures/claims.log", log_text(known))  # 12 entries: the baseline looks like JSON lines
    repo.write(".leakguard.toml", 'exclude = ["scratch/**"]\n')
    done = repo.commit("fixtures/claims.log", ".leakguard.toml")
    assert_blocked(done, "fixtures/claims.log", known)
    command = "pre-commit run leakguard-baseline --hook-stage manual --all-files"
    assert command in done.stdout and "`leakguard baseline" not in done.stdout
    done = repo.pre_commit("run", "leakguard-baseline", "--hook-stage", "manual", "--all-files")
    assert (repo.root / ".leakguard-baseline.json").is_file(), done.stdout
    assert ".leakguard.key" not in repo.run(["git", "status", "--short", "--untracked-files=all"]).stdout
    done = repo.commit("fixtures/claims.log", ".leakguard.toml", ".leakguard-baseline.json")
    assert done.returncode == 0, done.stdout
    assert "invalid JSON" not in done.stdout
    # a new finding is still stopped, with the baseline in the commit
    repo.write("fixtures/claims.log", log_text([*known, new]))
    done = repo.commit("fixtures/claims.log")
    assert_blocked(done, "fixtures/claims.log", [*known, new])
    assert "FR_NIR ×1 at line 13 (" in done.stdout
    # and the baseline hook run again records it: the next commit passes
    repo.pre_commit("run", "leakguard-baseline", "--hook-stage", "manual", "--all-files")
    done = repo.commit("fixtures/claims.log", ".leakguard-baseline.json")
    assert done.returncode == 0, done.stdout


def test_the_hook_never_scans_leakguards_own_files(repo: Repo) -> None:
    allowed, *known = generated_nirs(11, 13)
    repo.write(".leakguard.toml", f'allow = ["{allowed}"]\nbaseline = "ci/known.json"\n')  # raw, by design
    repo.write("fixtures/claims.log", log_text(known))  # 12 entries: the baseline looks like JSON lines
    (repo.root / "ci").mkdir()
    repo.baseline("fixtures/claims.log")
    own = ["ci/known.json", "ci/.leakguard.key", ".leakguard.toml"]
    assert all((repo.root / name).is_file() for name in own)
    done = repo.run([repo.leakguard, "hook", *own, "fixtures/claims.log"])
    assert done.returncode == 0 and done.stdout == "" and done.stderr == "", done.stdout + done.stderr
