"""The Snakemake workflow as users run it.

- the shipped config: a dry run plans exactly the paper (coarse jobs, nothing else); lint is clean
  but for the per-rule conda/container note;
- the tiny config (tests/config/tiny.yaml): a real run, its tables (contents, provenance),
  figure and report; bit-identical tables with --cores 1 and --cores 2 and, when a cluster
  is up, through SLURM; resuming after a deleted table or a hard kill redoes only what is
  missing; a damaged per-job table stops the run naming it, before the final table is touched,
  and the next run redoes its job;
- config validation: a bad config, or one asking for a job past the size, memory, runtime or
  grid limits (pipeline/README.md), stops before any job runs, naming the key.

Every run happens in a temporary working directory (``--directory``), so results/, logs/,
benchmarks/ and .snakemake/ never land in the checkout. Experiment sections (F1, ...) check
their own tables; the generic tests cover every table under results/.
"""

from __future__ import annotations

import copy
import json
import os
import re
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import isingvi as iv
import numpy as np
import pandas as pd
import pytest
import yaml

pytestmark = pytest.mark.workflow

REPO = Path(__file__).resolve().parents[1]
SNAKEFILE = REPO / "Snakefile"
SHIPPED = REPO / "config.yaml"
TINY = REPO / "tests" / "config" / "tiny.yaml"
PROVENANCE = ["isingvi_version", "git_commit", "experiment", "config_hash", "master_seed", "seed"]


def snakemake_cmd(workdir: Path, configfile: Path, *args: str) -> list[str]:
    """The command running the repo's Snakefile in ``workdir`` with exactly ``configfile``."""
    return [
        sys.executable,
        "-m",
        "snakemake",
        "--snakefile",
        str(SNAKEFILE),
        "--directory",
        str(workdir),
        "--configfile",
        str(configfile),
        "--replace-workflow-config",
        *args,
    ]


def snakemake(
    workdir: Path, configfile: Path, *args: str, timeout: float = 900
) -> subprocess.CompletedProcess:
    cmd = snakemake_cmd(workdir, configfile, *args)
    return subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, cwd=workdir)


def output(proc: subprocess.CompletedProcess) -> str:
    return proc.stdout + proc.stderr


def job_counts(proc: subprocess.CompletedProcess) -> dict[str, int]:
    """The "Job stats" summary of a (dry) run: rule -> number of jobs, without the total."""
    assert proc.returncode == 0, output(proc)
    if "Nothing to be done" in output(proc):
        return {}
    stats = output(proc).split("Job stats:", 1)[1]
    counts = {rule: int(n) for rule, n in re.findall(r"^(\w+)\s+(\d+)\s*$", stats, flags=re.M)}
    assert counts.pop("total") == sum(counts.values())
    return counts


def tables(workdir: Path) -> dict[str, bytes]:
    """Every CSV under results/, by relative path: the bytes a comparison must match."""
    return {
        str(p.relative_to(workdir)): p.read_bytes()
        for p in sorted((workdir / "results").rglob("*.csv"))
    }


def finished_rules(proc: subprocess.CompletedProcess) -> list[str]:
    """Rules of the jobs a real run executed."""
    return re.findall(r"^Finished jobid: \d+ \(Rule: (\w+)\)", output(proc), flags=re.M)


# --- The shipped config ------------------------------------------------------------------------


def test_dry_run_of_shipped_config_plans_the_paper(tmp_path):
    cfg = yaml.safe_load(SHIPPED.read_text())
    counts = job_counts(snakemake(tmp_path, SHIPPED, "--dry-run", "--cores", "8"))
    f1, f2, f5, f7, f9, f10, f11 = (
        cfg["f1"],
        cfg["f2"],
        cfg["f5"],
        cfg["f7"],
        cfg["f9"],
        cfg["f10"],
        cfg["f11"],
    )
    f3 = cfg["f3"]
    assert counts == {  # coarse jobs: every temperature of a job in one core call
        "f1_mc": len(f1["sizes"]) * len(f1["algorithms"]) * f1["replicates"],
        "f1_exact": 1,
        "f1_aggregate": 1,
        "f1_plot": 1,
        "f2_variational": len(f2["sizes"]),
        "f2_sampling": len(f2["sizes"]) * f2["replicates"],
        "f2_lines": 1,
        "f2_aggregate": 1,
        "f2_plot": 1,
        "f3_mc": sum(len(lat["sizes"]) for lat in f3["lattices"].values()),
        "f3_analysis": len(f3["lattices"]),
        "f3_aggregate": 1,
        "f3_plot": 1,
        "f4_traces": 1,
        "f4_plot": 1,
        "f5_instance": len(f5["models"]) * f5["disorder_instances"],
        "f5_tempering": len(f5["tempering"]["sizes"]) * f5["tempering"]["disorder_instances"],
        "f5_aggregate": 1,
        "f5_plot": 1,
        "f6_em": 1,
        "f6_plot": 1,
        "f7_fit": len(f7["sizes"]) * f7["replicates"],
        "f7_exact": 1,
        "f7_aggregate": 1,
        "f7_plot": 1,
        "f9_van": len(f9["lattice"]["betas"]) + len(f9["sk"]["betas"]),
        "f9_reference": 2,
        "f9_aggregate": 1,
        "f9_plot": 1,
        "f10_fit": len(f10["temperatures"]),
        "f10_aggregate": 1,
        "f10_plot": 1,
        "f11_mc": len(f11["sizes"]) * len(f11["algorithms"]) * f11["replicates"],
        "f11_aggregate": 1,
        "f11_plot": 1,
        "check_tables": 8,  # one before each aggregate (F1, F2, F3, F5, F7, F9, F10, F11)
        "all": 1,
    }
    assert not (tmp_path / "results").exists()


def test_f8_is_its_own_target(tmp_path):
    """The slow benchmark figure is built by `snakemake f8`, never by the paper target."""
    counts = job_counts(snakemake(tmp_path, SHIPPED, "f8", "--dry-run", "--cores", "2"))
    assert counts == {
        "f8_bench": 1,
        "f8_bench_variational": 1,
        "f8_bench_em": 1,
        "f8_plot": 1,
        "f8": 1,
    }


def test_paper_target_is_the_default(tmp_path):
    """`snakemake paper` plans the same jobs as plain `snakemake` (less the `all` job)."""
    default = job_counts(snakemake(tmp_path, SHIPPED, "--dry-run"))
    paper = job_counts(snakemake(tmp_path, SHIPPED, "paper", "--dry-run"))
    assert paper == {**{k: v for k, v in default.items() if k != "all"}, "paper": 1}


def rule_blocks() -> dict[str, str]:
    """Source text of every rule in the Snakefile and pipeline/rules/*.smk, by rule name."""
    blocks = {}
    for path in [SNAKEFILE, *sorted((REPO / "pipeline" / "rules").glob("*.smk"))]:
        parts = re.split(r"^rule (\w+):\n", path.read_text(), flags=re.M)
        for name, body in zip(parts[1::2], parts[2::2]):
            blocks[name] = re.split(r"^\S", body, maxsplit=1, flags=re.M)[0]
    return blocks


def local_rules() -> set[str]:
    names = set()
    for path in [SNAKEFILE, *(REPO / "pipeline" / "rules").glob("*.smk")]:
        for block in re.findall(
            r"^localrules:\n((?:[ \t]+\w+,?\n)+)", path.read_text(), flags=re.M
        ):
            names.update(re.findall(r"\w+", block))
    return names


def test_compute_rules_declare_log_benchmark_threads_resources(tmp_path):
    """Every rule that is not a local rule declares log, benchmark, threads, mem_mb and runtime,
    and the runtime a job gets carries units (SLURM reads "5m" as five minutes)."""
    blocks, local = rule_blocks(), local_rules()
    compute = sorted(set(blocks) - local)
    assert "f1_mc" in compute and {"all", "paper", "f1_plot", "f1_aggregate"} <= local
    for name in compute:
        for keyword in ("log", "benchmark", "threads", "resources"):
            assert re.search(rf"^    {keyword}:", blocks[name], flags=re.M), (
                f"rule {name}: no {keyword}"
            )
        for resource in ("mem_mb", "runtime"):
            assert re.search(rf"^        {resource}=", blocks[name], flags=re.M), (
                f"rule {name}: no {resource}"
            )
    runtimes = re.findall(
        r"^\s+resources: .*\bruntime=(\d+)",
        output(snakemake(tmp_path, SHIPPED, "--dry-run")),
        flags=re.M,
    )
    assert runtimes and all(int(r) >= 5 for r in runtimes)  # minutes, from "Nm": never 5 seconds


def test_lint_reports_only_the_conda_note(tmp_path):
    """`snakemake --lint`: nothing but "Specify a conda environment or container" per compute rule
    (one project environment holds the compiled package; README says why)."""
    proc = snakemake(tmp_path, SHIPPED, "--lint", timeout=120)
    text = output(proc)
    lints = re.findall(r"^\s+\* (.+?):?$", text, flags=re.M)
    assert lints, text
    assert set(lints) == {"Specify a conda environment or container for each rule."}, text
    assert "Lints for snakefile" not in text, text


# --- The tiny config, run for real -----------------------------------------------------------


@pytest.fixture(scope="module")
def tiny_run(tmp_path_factory):
    workdir = tmp_path_factory.mktemp("tiny")
    proc = snakemake(workdir, TINY, "--cores", "2")
    assert proc.returncode == 0, output(proc)
    (workdir / "snakemake_output.txt").write_text(output(proc))
    return workdir


def test_a_finished_run_says_where_its_results_are(tiny_run):
    said = (tiny_run / "snakemake_output.txt").read_text()
    assert f"figures (PDF and PNG) are in {tiny_run / 'results' / 'figures'}/" in said
    assert "snakemake --report results/report.html" in said


def test_every_table_carries_provenance(tiny_run):
    """Per-job and final tables alike: version, commit, experiment, config hash, master seed, seed.
    A row's config hash is its own experiment's."""
    cfg = yaml.safe_load(TINY.read_text())
    found = tables(tiny_run)
    assert len(found) >= 3
    for path in found:
        df = pd.read_csv(tiny_run / path)
        assert len(df) and set(PROVENANCE) <= set(df.columns), path
        assert set(df.isingvi_version) == {iv.__version__}, path
        assert set(df.git_commit) == {iv.results.git_commit(REPO)}, path
        # a figure's table may gather rows from another experiment (F2 shows F9's VAN): each row keeps its own
        for experiment, rows in df.groupby("experiment"):
            assert set(rows.config_hash) == {iv.results.config_hash(cfg[experiment])}, (
                path,
                experiment,
            )
        assert set(df.master_seed) == {cfg["seed"]}, path
        assert df.seed.notna().all() and (df.seed >= 0).all(), path


#: Per-job tables whose jobs get several threads (so --cores changes how many), or run XLA (whose
#: thread count is pinned): where the number of cores, or a cluster node, could change the numbers.
#: Every other job runs one thread, and aggregates only concatenate tables in one process.
THREADED = (
    "results/f1/mc/",
    "results/f2/variational/",
    "results/f2/sampling/",
    "results/f3/mc/",
    "results/f4/",
    "results/f5/tempering/",
    "results/f9/van/",
    "results/f10/fits/",
)


def threaded_tables(workdir: Path, prefixes: tuple[str, ...] = THREADED) -> dict[str, bytes]:
    found = {p: b for p, b in tables(workdir).items() if p.startswith(prefixes)}
    assert {p.split("/")[1] for p in found} == {p.split("/")[1] for p in prefixes}, sorted(found)
    return found


def test_reruns_with_one_core_are_bit_identical(tiny_run, tmp_path):
    """Same config and seeds, --cores 1 instead of 2 (so 1 thread per job instead of 2): the same bytes,
    for every job whose thread count depends on the cores."""
    targets = threaded_tables(tiny_run)
    proc = snakemake(tmp_path, TINY, *targets, "--cores", "1")
    assert proc.returncode == 0, output(proc)
    made = tables(tmp_path)
    assert set(targets) <= set(made) and made == {p: tables(tiny_run)[p] for p in made}
    log = "logs/f1/mc/L8_wolff_r1.log"
    assert (
        "threads=1" in (tmp_path / log).read_text() and "threads=2" in (tiny_run / log).read_text()
    )


def test_finished_run_has_nothing_to_do(tiny_run):
    proc = snakemake(tiny_run, TINY, "--dry-run", "--cores", "2")
    assert job_counts(proc) == {}, output(proc)


@pytest.mark.parametrize(
    "victim, plan",
    [
        ("results/f1/exact.csv", {"f1_exact": 1, "f1_plot": 1, "all": 1}),
        # F4's figure also shows F1's Monte Carlo magnetisation
        (
            "results/f1/f1_thermodynamics.csv",
            {"f1_aggregate": 1, "f1_plot": 1, "f4_plot": 1, "all": 1},
        ),
    ],
)
def test_deleted_final_table_redoes_only_its_jobs(tiny_run, tmp_path, victim, plan):
    """Delete a final table: the jobs that make it and the figure rerun, no Monte Carlo job."""
    work = tmp_path / "w"
    shutil.copytree(tiny_run, work)  # keeps mtimes, so snakemake sees a finished run
    before = tables(work)
    (work / victim).unlink()
    assert job_counts(snakemake(work, TINY, "--dry-run", "--cores", "2")) == plan
    untouched = {p: p.stat().st_mtime_ns for p in (work / "results").rglob("*.csv")}
    proc = snakemake(work, TINY, "--cores", "2")
    assert proc.returncode == 0, output(proc)
    assert sorted(finished_rules(proc)) == sorted(plan)
    assert {p: p.stat().st_mtime_ns for p in untouched} == untouched
    assert tables(work) == before


F1_FIGURE = ("results/figures/F1_thermodynamics.pdf", "results/figures/F1_thermodynamics.png")


def f1_tables(workdir: Path) -> dict[str, bytes]:
    return {p: b for p, b in tables(workdir).items() if p.startswith("results/f1/")}


def test_hard_kill_resumes_without_redoing_finished_jobs(tiny_run, tmp_path):
    """kill -9 the whole run (of F1, the experiment with the most jobs) after two MC jobs
    finished; after --unlock (a hard kill leaves snakemake's lock) the rerun does exactly the
    missing jobs and ends with the same tables."""
    proc = subprocess.Popen(
        snakemake_cmd(tmp_path, TINY, *F1_FIGURE, "--cores", "1"),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        cwd=tmp_path,
        start_new_session=True,
    )
    done = 0
    try:
        for line in proc.stdout:
            done += bool(re.match(r"Finished jobid: \d+ \(Rule: f1_mc\)", line))
            if done == 2:
                break
    finally:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=60)
        proc.stdout.close()
    assert done == 2, "the run ended before two MC jobs finished"
    mc = tmp_path / "results/f1/mc"
    survivors = {p: p.stat().st_mtime_ns for p in mc.glob("*.csv")}
    n_missing = len(f1_tables(tiny_run)) - len(tables(tmp_path))
    expected = {
        "f1_mc": sum(1 for p in f1_tables(tiny_run) if p.startswith("results/f1/mc/"))
        - len(survivors),
        "f1_exact": int(not (tmp_path / "results/f1/exact.csv").exists()),
        "check_tables": 1,
        "f1_aggregate": 1,
        "f1_plot": 1,
    }
    expected = {k: v for k, v in expected.items() if v}
    assert len(survivors) >= 2 and n_missing >= 1
    assert (
        job_counts(snakemake(tmp_path, TINY, *F1_FIGURE, "--dry-run", "--cores", "1")) == expected
    )
    unlock = snakemake(tmp_path, TINY, "--unlock")
    assert unlock.returncode == 0, output(unlock)
    rerun = snakemake(tmp_path, TINY, *F1_FIGURE, "--cores", "2")
    assert rerun.returncode == 0, output(rerun)
    assert {r: finished_rules(rerun).count(r) for r in expected} == expected
    assert {p: p.stat().st_mtime_ns for p in survivors} == survivors
    assert tables(tmp_path) == f1_tables(tiny_run)


# A per-job table damaged after its job (disk full, a copy cut short, an editor): the check
# before F1's aggregate stops the run naming each bad table, the final table stays as it was,
# and the next run redoes exactly those jobs. One run for all three kinds of damage.
F1_FINAL = "results/f1/f1_thermodynamics.csv"
DAMAGE = {
    "truncated at a line boundary": (
        "results/f1/mc/L4_wolff_r0.csv",
        "has 2 rows; its job writes 3",
    ),
    "truncated mid-line": (
        "results/f1/mc/L8_metropolis_r1.csv",
        "is truncated: its last line has no newline",
    ),
    "emptied": ("results/f1/mc/L4_metropolis_r1.csv", "is empty"),
}


def _damage(path: Path, kind: str) -> None:
    data = path.read_bytes()
    if kind == "truncated at a line boundary":
        path.write_bytes(b"".join(data.splitlines(keepends=True)[:-1]))  # the last row gone
    elif kind == "truncated mid-line":
        path.write_bytes(data[: len(data) - 40])  # the provenance of the last row cut off
    else:
        path.write_bytes(b"")


@pytest.fixture(scope="module")
def damaged_run(tiny_run, tmp_path_factory):
    """A copy of the tiny run with three damaged MC tables; F1's table built twice: the first
    run fails, the second repairs. Returns the work folder, the final table before (bytes,
    mtime) and after the failed run, and both runs."""
    work = tmp_path_factory.mktemp("damaged") / "w"
    shutil.copytree(tiny_run, work)
    for kind, (path, _) in DAMAGE.items():
        _damage(work / path, kind)
    final = work / F1_FINAL
    before = (final.read_bytes(), final.stat().st_mtime_ns)
    failed = snakemake(work, TINY, F1_FINAL, "--cores", "2")
    after_failure = (final.read_bytes(), final.stat().st_mtime_ns)
    repaired = snakemake(work, TINY, F1_FINAL, "--cores", "2")
    return work, before, after_failure, failed, repaired


@pytest.mark.parametrize("kind", DAMAGE)
def test_damaged_job_table_stops_the_aggregate_naming_it(damaged_run, kind):
    _work, _, _, failed, _ = damaged_run
    path, reason = DAMAGE[kind]
    assert failed.returncode != 0
    assert f"table {path}: {reason}" in output(failed), output(failed)
    assert "Rule: f1_aggregate" not in output(failed)


def test_damaged_job_tables_leave_the_final_table_untouched(damaged_run):
    _, before, after_failure, failed, _ = damaged_run
    assert failed.returncode != 0
    assert after_failure == before  # same bytes, same mtime: the aggregate never started


def _without_commit(data: bytes) -> str:
    """A table's text less its git_commit column: others may commit while the tests run."""
    import io

    return pd.read_csv(io.BytesIO(data), dtype=str).drop(columns="git_commit").to_csv(index=False)


def test_next_run_redoes_exactly_the_damaged_jobs(damaged_run, tiny_run):
    work, before, _, _, repaired = damaged_run
    assert repaired.returncode == 0, output(repaired)
    assert sorted(finished_rules(repaired)) == sorted(
        ["f1_mc"] * len(DAMAGE) + ["check_tables", "f1_aggregate"]
    )
    redone = {p: _without_commit(b) for p, b in tables(work).items() if p.startswith("results/f1/")}
    assert redone == {p: _without_commit(b) for p, b in f1_tables(tiny_run).items()}
    assert _without_commit((work / F1_FINAL).read_bytes()) == _without_commit(before[0])


def test_report_bundles_the_figures(tiny_run):
    proc = snakemake(tiny_run, TINY, "--report", "results/report.html", timeout=120)
    assert proc.returncode == 0, output(proc)
    html = (tiny_run / "results/report.html").read_text(errors="replace")
    assert "F1_thermodynamics.png" in html and "F1_thermodynamics.pdf" in html
    assert "thermodynamics of the 2D Ising model" in html  # the F1 caption
    assert "isingvi paper workflow" in html  # the workflow description


def test_report_works_after_readme_install(tiny_run, tmp_path):
    """The report from a venv installed exactly as README's first command installs (the
    ``workflow`` extra, no test extra): ``.ci/run`` builds one and names it in
    ISINGVI_README_VENV. The test extra would hide a missing report dependency (pygments)."""
    venv = os.environ.get("ISINGVI_README_VENV")
    if not venv:
        pytest.skip("ISINGVI_README_VENV is not set (.ci/run sets it to a README-installed venv)")
    python = Path(venv) / "bin" / "python"
    assert python.exists(), f"ISINGVI_README_VENV={venv} has no bin/python"
    has_pytest = subprocess.run([python, "-c", "import pytest"], capture_output=True)
    assert has_pytest.returncode != 0, "the README venv must not have the test extra"
    cmd = snakemake_cmd(tiny_run, TINY, "--report", str(tmp_path / "report.html"))
    proc = subprocess.run([python, *cmd[1:]], capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, output(proc)
    html = (tmp_path / "report.html").read_text(errors="replace")
    assert "F1_thermodynamics.png" in html and "isingvi paper workflow" in html


def test_outputs_leave_no_temporary_files(tiny_run):
    assert not [p for p in (tiny_run / "results").rglob("*") if p.name.endswith(".tmp")]


# --- The tiny config on a SLURM cluster ------------------------------------------------------


def _slurm_unavailable() -> str | None:
    """Why the SLURM test cannot run here, or None."""
    if shutil.which("sinfo") is None:
        return (
            "no SLURM here: sinfo not found (start one with tests/slurm/start-cluster.sh as root)"
        )
    try:
        proc = subprocess.run(
            ["sinfo", "-h", "-o", "%T"], capture_output=True, text=True, timeout=30
        )
    except subprocess.TimeoutExpired:
        return "sinfo did not answer in 30 s"
    states = proc.stdout.split()
    if proc.returncode != 0 or not {"idle", "mixed", "allocated", "completing"} & set(states):
        return f"no SLURM node up (sinfo: {(proc.stdout + proc.stderr).strip()!r}); see tests/slurm/start-cluster.sh"
    return None


@pytest.mark.slurm
def test_slurm_run_gives_the_same_tables(request, tmp_path):
    """Multi-threaded Monte Carlo (F1 at L = 8), parallel tempering (F5) and the neural VAN jobs (F9)
    of the tiny config through profiles/slurm and the official executor plugin: every job goes
    through sbatch, and the tables equal the local run's bit for bit. (A subset of THREADED: each
    job costs a submission and a poll, and the other rules declare their resources alike.)"""
    reason = _slurm_unavailable()
    if reason:
        if os.environ.get("ISINGVI_REQUIRE_SLURM") == "1":
            pytest.fail(f"ISINGVI_REQUIRE_SLURM=1 but {reason}")
        pytest.skip(reason)
    tiny_run = request.getfixturevalue("tiny_run")  # only now: a skip costs nothing
    targets = threaded_tables(
        tiny_run, ("results/f1/mc/L8_", "results/f5/tempering/", "results/f9/van/")
    )
    cmd = snakemake_cmd(
        tmp_path,
        TINY,
        *targets,
        "--workflow-profile",
        str(REPO / "profiles" / "slurm"),
        # a test cluster has no accounting database: poll with squeue, and early
        "--slurm-status-command",
        "squeue",
        "--slurm-init-seconds-before-status-checks",
        "1",
    )
    # SIGINT on time-out: snakemake then cancels its SLURM jobs instead of leaving them queued
    proc = subprocess.run(
        ["timeout", "-s", "INT", "900", *cmd],
        capture_output=True,
        text=True,
        timeout=960,
        cwd=tmp_path,
    )
    assert proc.returncode == 0, output(proc)
    submitted = re.findall(r"has been submitted with SLURM jobid (\d+)", output(proc))
    counts = job_counts(snakemake(tiny_run, TINY, *targets, "--dry-run", "--forceall"))
    local = local_rules()
    assert len(submitted) == sum(n for rule, n in counts.items() if rule not in local), output(proc)
    made = tables(tmp_path)
    assert set(targets) <= set(made) and made == {p: tables(tiny_run)[p] for p in made}


# --- F1: lattice thermodynamics --------------------------------------------------------------


def grid(ranges) -> list[float]:
    """The temperature grid of a config: union of inclusive ranges, rounded to 1e-6."""
    out = set()
    for r in ranges:
        n = int(np.floor((r["stop"] - r["start"]) / r["step"] + 1e-9))
        out.update(round(r["start"] + i * r["step"], 6) for i in range(n + 1))
    return sorted(out)


def expected_rows(cfg: dict) -> set[tuple]:
    """(L, T, algorithm, replicate) of every MC measurement the config asks for."""
    f1 = cfg["f1"]
    temps = grid(f1["temperatures"])
    return {
        (L, T, name, rep)
        for L in f1["sizes"]
        for name, alg in f1["algorithms"].items()
        for T in temps
        if alg["T_min"] <= T <= alg["T_max"]
        for rep in range(f1["replicates"])
    }


def test_f1_table(tiny_run):
    cfg = yaml.safe_load(TINY.read_text())
    df = pd.read_csv(tiny_run / "results" / "f1" / "f1_thermodynamics.csv")
    need = {
        "L",
        "T",
        "algorithm",
        "replicate",
        "n_therm",
        "n_measure",
        "every",
        "init",
        "n_blocks",
        "u",
        "u_err",
        "c",
        "c_err",
        "abs_m",
        "abs_m_err",
        "chi",
        "chi_err",
        *PROVENANCE,
    }
    assert need <= set(df.columns), need - set(df.columns)
    keys = list(zip(df.L, df["T"].round(6), df.algorithm, df.replicate))
    assert len(keys) == len(set(keys)), "duplicate (L, T, algorithm, replicate) rows"
    assert set(keys) == expected_rows(cfg)
    values = df[["u", "u_err", "c", "c_err", "abs_m", "abs_m_err", "chi", "chi_err"]].to_numpy()
    assert np.isfinite(values).all()
    assert (df[["u_err", "c_err", "abs_m_err", "chi_err"]] > 0).all().all()
    # seeds come from the master seed and the job, never from time or order
    for (L, alg, rep), g in df.groupby(["L", "algorithm", "replicate"]):
        assert set(g.seed) == {iv.results.derive_seed(cfg["seed"], "f1", L, alg, rep)}
    assert df.seed.nunique() == df.groupby(["L", "algorithm", "replicate"]).ngroups
    for name, alg in cfg["f1"]["algorithms"].items():
        g = df[df.algorithm == name]
        for key in ("n_therm", "n_measure", "every", "init"):
            assert set(g[key]) == {alg[key]}, key
    assert set(df.n_blocks) == {cfg["f1"]["n_blocks"]}


def test_f1_exact_table(tiny_run):
    cfg = yaml.safe_load(TINY.read_text())
    ex = pd.read_csv(tiny_run / "results" / "f1" / "exact.csv")
    assert set(ex.solution) == {"kaufman", "onsager"}
    assert set(ex.L) == {*map(float, cfg["f1"]["sizes"]), np.inf}
    assert np.isfinite(ex[["T", "u", "c"]].to_numpy()).all()
    assert set(ex.n_points) == {cfg["f1"]["exact"]["n_points"]} and set(ex.seed) == {0}
    ons = ex[ex.solution == "onsager"]
    assert ons.m.notna().all() and ex[ex.solution == "kaufman"].m.isna().all()
    below = ons[ons["T"] < iv.exact.T_C]
    assert (below.m > 0).all() and (ons[ons["T"] > iv.exact.T_C].m == 0).all()


def test_f1_figure_and_logs(tiny_run):
    fig = tiny_run / "results" / "figures"
    pdf, png = fig / "F1_thermodynamics.pdf", fig / "F1_thermodynamics.png"
    assert pdf.stat().st_size > 1000 and pdf.read_bytes()[:5] == b"%PDF-"
    assert png.stat().st_size > 1000 and png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    mc_logs = list((tiny_run / "logs" / "f1" / "mc").glob("*.log"))
    assert mc_logs and all("temperatures" in p.read_text() for p in mc_logs)
    assert list((tiny_run / "benchmarks" / "f1" / "mc").glob("*.tsv"))


# --- F3: the critical point -----------------------------------------------------------------


def f3_read(workdir: Path, kind: str) -> pd.DataFrame:
    return pd.read_csv(workdir / "results" / "f3" / f"f3_{kind}.csv")


def f3_temperatures(lat: dict, L: int) -> list[float]:
    """The temperatures of size L (as f3_jobs.smk makes them, computed again here)."""
    n, half = lat["n_temperatures"], lat["half_width"] * L ** -lat["inv_nu"]
    return sorted(
        {
            round(lat["T_center"] + half * (-1 + 2 * k / (n - 1) if n > 1 else 0.0), 6)
            for k in range(n)
        }
    )


def exact_u4_table(L: int, T) -> pd.DataFrame:
    df = iv.exact.enumerate(iv.SquareLattice(L), T)
    df["u4"] = 1 - df.m4 / (3 * df.m2**2)
    return df


def assert_within(
    df: pd.DataFrame, exact: pd.DataFrame, quantities, what: str, bound: float = 4.0
) -> None:
    for q in quantities:
        z = (df[q].to_numpy() - exact[q].to_numpy()) / df[q + "_err"].to_numpy()
        assert (df[q + "_err"] > 0).all() and np.all(np.abs(z) < bound), (
            what,
            q,
            np.round(z, 2).tolist(),
        )


def test_tiny_run_f3_points(tiny_run):
    """One row per (lattice, L, T) with the job's seed; the smallest square lattice against
    enumeration, the others against Kaufman."""
    cfg = yaml.safe_load(TINY.read_text())
    f3 = cfg["f3"]
    df = f3_read(tiny_run, "points")
    need = {
        "lattice",
        "L",
        "T",
        "n_spins",
        "algorithm",
        "n_therm",
        "n_measure",
        "init",
        "n_blocks",
        "u",
        "u_err",
        "c",
        "c_err",
        "abs_m",
        "m2",
        "m4",
        "chi",
        "u4",
        "u4_err",
        *PROVENANCE,
    }
    assert need <= set(df.columns), need - set(df.columns)
    expected = {
        (name, L, T)
        for name, lat in f3["lattices"].items()
        for L in lat["sizes"]
        for T in f3_temperatures(lat, L)
    }
    keys = list(zip(df.lattice, df.L, df["T"].round(6)))
    assert len(keys) == len(set(keys)) and set(keys) == expected
    for (name, L), g in df.groupby(["lattice", "L"]):
        assert set(g.seed) == {iv.results.derive_seed(cfg["seed"], "f3", name, L)}
        assert set(g.n_spins) == {L ** (2 if name == "square" else 3)}
        assert set(g.n_measure) == {f3["lattices"][name]["n_measure"]} and set(g.algorithm) == {
            "wolff"
        }
    sq = df[df.lattice == "square"].sort_values(["L", "T"])
    L0 = sq.L.min()
    small = sq[sq.L == L0]
    assert_within(
        small,
        exact_u4_table(int(L0), small["T"].to_numpy()),
        ["u", "c", "abs_m", "m2", "m4", "u4"],
        f"square L = {L0} points",
    )
    for L, g in sq[sq.L > L0].groupby("L"):
        assert_within(
            g, iv.exact.kaufman(int(L), g["T"].to_numpy()), ["u", "c"], f"square L = {L} points"
        )


def test_tiny_run_f3_curves(tiny_run):
    """Reweighted curves: every size, its supported points against the exact answers."""
    f3 = yaml.safe_load(TINY.read_text())["f3"]
    df = f3_read(tiny_run, "curves")
    assert {
        "lattice",
        "L",
        "T",
        "u",
        "u_err",
        "c",
        "c_err",
        "u4",
        "u4_err",
        "ess",
        "supported",
        *PROVENANCE,
    } <= set(df.columns)
    assert set(zip(df.lattice, df.L)) == {
        (n, L) for n, lat in f3["lattices"].items() for L in lat["sizes"]
    }
    assert df.groupby(["lattice", "L"]).size().eq(f3["curve_points"]).all()
    assert (
        df.supported.all() and (df.ess >= f3["min_ess"]).all()
    )  # curves span the supported range only
    sq = df[df.lattice == "square"]
    L0 = sq.L.min()
    small = sq[sq.L == L0]
    assert_within(
        small, exact_u4_table(int(L0), small["T"].to_numpy()), ["u", "c", "u4"], f"curve L = {L0}"
    )
    for L, g in sq[sq.L > L0].groupby("L"):
        assert_within(g, iv.exact.kaufman(int(L), g["T"].to_numpy()), ["u", "c"], f"curve L = {L}")


def test_tiny_run_f3_crossings_peaks_and_estimates(tiny_run):
    f3 = yaml.safe_load(TINY.read_text())["f3"]
    cr, pk, est = (
        f3_read(tiny_run, "crossings"),
        f3_read(tiny_run, "peaks"),
        f3_read(tiny_run, "estimates"),
    )
    for name, lat in f3["lattices"].items():
        pairs = {(L, 2 * L) for L in lat["sizes"] if 2 * L in lat["sizes"]}
        g = cr[cr.lattice == name]
        assert set(zip(g.L, g.L2)) == pairs and (g.T_cross_err > 0).all() and g.supported.all()
        assert np.allclose(g.K_cross, 1 / g.T_cross, rtol=1e-14)
        assert set(zip(pk[pk.lattice == name].quantity, pk[pk.lattice == name].L)) == {
            (q, L) for q in lat["peaks"] for L in lat["sizes"]
        }
    assert set(est.lattice) == set(f3["lattices"]) and len(est) == len(f3["lattices"])
    ref = {"square": iv.exact.T_C, "cubic": 1 / 0.221654626}
    for _, e in est.iterrows():
        assert e.T_c_ref == pytest.approx(ref[e.lattice], rel=1e-15) and e.K_c == pytest.approx(
            1 / e.T_c, rel=1e-15
        )
        assert e.T_c_err > 0 and e.z == pytest.approx((e.T_c - e.T_c_ref) / e.T_c_err, rel=1e-12)
        assert abs(e.z) < 4, (e.lattice, e.T_c, e.T_c_err)
    # the maximum of c on the square lattice: the exact column is Kaufman's maximum (checked
    # here), and Monte Carlo agrees with it within its errors
    c = pk[(pk.lattice == "square") & (pk.quantity == "c")]
    assert len(c) == len(f3["lattices"]["square"]["sizes"])
    for _, row in c.iterrows():
        around = iv.exact.kaufman(int(row.L), row.T_peak_exact + np.array([-1e-3, 0.0, 1e-3]))[
            "c"
        ].to_numpy()
        assert (
            around[1] == pytest.approx(row.value_exact, rel=1e-12)
            and around[1] >= around[[0, 2]].max()
        )
        assert abs(row.T_peak - row.T_peak_exact) < 4 * row.T_peak_err, row.to_dict()
        assert abs(row.value - row.value_exact) < 4 * row.value_err, row.to_dict()
    assert pk[pk.lattice == "cubic"].value_exact.isna().all()


def test_tiny_run_f3_figure_and_logs(tiny_run):
    fig = tiny_run / "results" / "figures"
    assert (fig / "F3_critical_point.pdf").read_bytes()[:5] == b"%PDF-"
    assert (fig / "F3_critical_point.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    for path in (tiny_run / "logs" / "f3" / "analysis").glob("*.log"):
        assert "T_c = " in path.read_text()
    assert "z = " in (tiny_run / "logs" / "f3" / "plot.log").read_text()


# --- Config validation -------------------------------------------------------------------------


def test_tiny_run_f2_table(tiny_run):
    cfg = yaml.safe_load(TINY.read_text())["f2"]
    df = pd.read_csv(tiny_run / "results" / "f2" / "f2_free_energy.csv")
    assert {"L", "T", "method", "f", "f_err", "f_exact", "f_error", *PROVENANCE} <= set(df.columns)
    # F9's VAN rows join F2 when F9's lattice is one of F2's sizes
    neural = (
        {"van", "nis"}
        if yaml.safe_load(TINY.read_text())["f9"]["lattice"]["L"] in cfg["sizes"]
        else set()
    )
    assert set(df.method) == {"mf", "tap", "bethe", "ti", "ais"} | neural and set(df.L) == set(
        cfg["sizes"]
    )
    for L, g in df.groupby("L"):  # the exact column is Kaufman's, computed here independently
        ref = iv.exact.kaufman(int(L), g["T"].to_numpy())["f"].to_numpy()
        assert np.allclose(g.f_exact, ref, rtol=1e-12, atol=0)
    mf = df[df.method == "mf"]
    assert (mf.f_error >= -1e-12).all() and (mf.f_error > 0).any()  # Gibbs-Bogoliubov
    sampled = df[df.method.isin(["ti", "ais"])]
    z = sampled.f_error / sampled.f_err
    assert (sampled.f_err > 0).all() and (z.abs() < 5).all(), z.abs().max()
    lines = pd.read_csv(tiny_run / "results" / "f2" / "lines.csv")
    onsager = lines[np.isinf(lines.L) & (lines.method == "exact")]
    assert np.allclose(onsager.f, iv.exact.onsager(onsager["T"].to_numpy())["f"], rtol=1e-12)


def test_tiny_run_f4_tables(tiny_run):
    cfg = yaml.safe_load(TINY.read_text())["f4"]
    tr = pd.read_csv(tiny_run / "results" / "f4" / "f4_traces.csv")
    assert {
        "scheme",
        "update",
        "damping",
        "T",
        "iteration",
        "f",
        "f_exact",
        "gap",
        *PROVENANCE,
    } <= set(tr.columns)
    assert set(tr.scheme) == {s["name"] for s in cfg["schemes"]}
    ref = dict(zip(cfg["temperatures"], iv.exact.kaufman(cfg["L"], cfg["temperatures"])["f"]))
    assert np.allclose(tr.f_exact, tr["T"].map(ref), rtol=1e-12)
    assert (tr.f >= tr.f_exact - 1e-12).all()  # every iterate is an upper bound
    for _, g in tr[tr["update"] == "sequential"].groupby("T"):
        assert (
            np.diff(g.sort_values("iteration").f) <= 1e-12
        ).all()  # coordinate ascent on the ELBO
    m = pd.read_csv(tiny_run / "results" / "f4" / "f4_magnetisation.csv")
    mf = m[m.method == "mf"]
    assert (mf[mf["T"] > 4.0].m.abs() < 1e-6).all() and (mf[mf["T"] < 3.9].m > 0.1).all()


def test_tiny_run_f5_table(tiny_run):
    cfg = yaml.safe_load(TINY.read_text())["f5"]
    pt_cfg = cfg["tempering"]
    df = pd.read_csv(tiny_run / "results" / "f5" / "f5_disordered.csv")
    need = {
        "model",
        "disorder",
        "N",
        "T",
        "method",
        "reference",
        "f",
        "f_err",
        "f_ref",
        "f_ref_err",
        "f_error",
        "marginal_rmse",
        "converged",
        *PROVENANCE,
    }
    assert need <= set(df.columns)
    exact, beyond = df[df.reference == "exact"], df[df.reference == "tempering"]
    assert len(exact) + len(beyond) == len(df)
    assert set(exact.model) == set(cfg["models"]) and set(exact.method) == {"mf", "tap", "bp", "pt"}
    assert exact.groupby("model").disorder.nunique().eq(cfg["disorder_instances"]).all()
    assert (exact.f_ref_err == 0).all() and (exact[exact.method != "pt"].f_err == 0).all()
    # beyond enumeration: Edwards-Anderson at every size, parallel tempering the reference
    assert set(beyond.model) == {"ea"} and set(beyond.method) == {"mf", "tap", "bp"}
    assert sorted(beyond.N.unique()) == sorted(s["L"] ** 2 for s in pt_cfg["sizes"])
    assert beyond.groupby("N").disorder.nunique().eq(pt_cfg["disorder_instances"]).all()
    assert (beyond.f_ref_err > 0).all() and (beyond.f_err == 0).all()
    # a bound on every instance (within the reference's error where it is sampled)
    mf = df[df.method == "mf"]
    assert (mf.f_error >= -1e-12 - 5 * mf.f_ref_err).all()
    # the sampled reference against enumeration, with its own error bar
    pt = exact[exact.method == "pt"]
    assert (pt.f_err > 0).all() and (((pt.f - pt.f_ref) / pt.f_err).abs() < 4).all()
    assert (
        df.groupby(["model", "N", "disorder"]).seed.nunique().eq(1).all()
        and df.seed.nunique()
        == len(cfg["models"]) * cfg["disorder_instances"]
        + len(pt_cfg["sizes"]) * pt_cfg["disorder_instances"]
    )
    assert ((df.marginal_rmse >= 0) & (df.marginal_rmse <= 2)).all()


@pytest.mark.parametrize("name", ["F2_free_energy", "F4_meanfield_vi", "F5_disordered"])
def test_tiny_run_f2_f4_f5_figures(tiny_run, name):
    fig = tiny_run / "results" / "figures"
    assert (fig / f"{name}.pdf").read_bytes()[:5] == b"%PDF-"
    assert (fig / f"{name}.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_tiny_run_f6_tables(tiny_run):
    cfg = yaml.safe_load(TINY.read_text())["f6"]
    tr = pd.read_csv(tiny_run / "results" / "f6" / "f6_traces.csv")
    rs = pd.read_csv(tiny_run / "results" / "f6" / "f6_restarts.csv")
    prov = set(PROVENANCE)
    columns = {
        "restart",
        "restart_seed",
        "iteration",
        "log_likelihood",
        "elbo_e",
        "elbo_m",
        "kl_gap",
    }
    assert columns | prov <= set(tr.columns)
    need = {
        "restart",
        "restart_seed",
        "n_iter",
        "log_likelihood",
        "sklearn_log_likelihood",
        "true_log_likelihood",
    }
    assert need | prov <= set(rs.columns)
    assert sorted(rs.restart) == list(range(cfg["restarts"])) and set(tr.restart) == set(rs.restart)
    # the ELBO identities: equal to ln p after the E-step, below it after the M-step
    assert np.allclose(tr.elbo_e, tr.log_likelihood, rtol=0, atol=1e-10)
    assert (tr.kl_gap >= -1e-12).all()
    # the same EM from the same start as scikit-learn's, on data neither library drew
    assert np.allclose(rs.log_likelihood, rs.sklearn_log_likelihood, rtol=0, atol=1e-6)
    assert set(rs.restart_seed) == {
        iv.results.derive_seed(yaml.safe_load(TINY.read_text())["seed"], "f6", "restart", r)
        for r in range(cfg["restarts"])
    }
    # a restart stopped by the iteration cap is flagged (the figure draws it open)
    assert (rs.max_iter == cfg["max_iter"]).all()
    assert (rs.hit_max_iter == ((rs.n_iter == rs.max_iter) & ~rs.converged)).all()


def test_tiny_run_f7_tables(tiny_run):
    cfg = yaml.safe_load(TINY.read_text())
    f7 = cfg["f7"]
    df = pd.read_csv(tiny_run / "results" / "f7" / "f7_entropy.csv")
    need = {
        "L",
        "T",
        "K",
        "replicate",
        "seed",
        "em_seed",
        "s_exact",
        "cross_entropy",
        "cross_entropy_err",
        "neg_elbo_hard",
        "neg_elbo_hard_err",
        "hard_gap",
        "hard_gap_err",
        *PROVENANCE,
    }
    assert need <= set(df.columns), need - set(df.columns)
    keys = set(zip(df.L, df["T"].round(6), df.K, df.replicate))
    assert len(keys) == len(df)
    assert keys == {
        (L, T, K, r)
        for L in f7["sizes"]
        for T in grid(f7["temperatures"])
        for K in f7["components"]
        for r in range(f7["replicates"])
    }
    # the entropy column is the exact one, independent of the job
    for L, g in df.groupby("L"):
        ref = iv.exact.enumerate(iv.SquareLattice(int(L)), g["T"].to_numpy())["s"].to_numpy()
        assert np.allclose(g.s_exact, ref, rtol=1e-12)
    assert (df[["cross_entropy_err", "neg_elbo_hard_err"]] > 0).all().all()
    assert (df.neg_elbo_hard >= df.cross_entropy).all() and (df.min_sample_hard_gap >= 0).all()
    # the saved samples' signs, randomised: independent from one sample to the next
    n = f7["sampling"]["n_train"] + f7["sampling"]["n_test"]
    assert (df.sign_lag1.abs() < 4 / np.sqrt(n)).all(), df.sign_lag1
    ex = pd.read_csv(tiny_run / "results" / "f7" / "exact.csv")
    assert set(ex.L) == set(f7["sizes"]) and len(ex) == len(f7["sizes"]) * f7["exact"]["n_points"]
    assert np.isfinite(ex.s).all() and (ex.s > 0).all() and (ex.s < np.log(2)).all()


def test_tiny_run_f9_tables(tiny_run):
    cfg = yaml.safe_load(TINY.read_text())["f9"]
    df = pd.read_csv(tiny_run / "results" / "f9" / "f9_neural.csv")
    assert {
        "model",
        "beta",
        "T",
        "method",
        "K",
        "f",
        "f_err",
        "f_exact",
        "rel_error",
        *PROVENANCE,
    } <= set(df.columns)
    for model in ("lattice", "sk"):
        rows = df[df.model == model]
        assert set(rows.beta) == set(cfg[model]["betas"])
        assert set(rows.method) == {"exact", "mf", "tap", "bethe", "van", "nis"}
        T = np.sort(rows["T"].unique())
        ref = (
            iv.exact.kaufman(cfg["lattice"]["L"], T)
            if model == "lattice"
            else iv.exact.enumerate(
                iv.models.sk(cfg["sk"]["N"], seed=cfg["sk"]["disorder_seed"]), T
            )
        )["f"]
        assert np.allclose(rows.groupby("T").f_exact.first().to_numpy(), ref.to_numpy(), rtol=1e-12)
        assert (rows[rows.method == "mf"].f >= rows[rows.method == "mf"].f_exact - 1e-12).all()
        van, nis = rows[rows.method == "van"], rows[rows.method == "nis"]
        assert ((van.f - van.f_exact) / van.f_err > -4).all()  # a bound, within its error
        assert set(nis.K) == set(cfg["importance"]["K"]) and (nis.f_err > 0).all()
        best = nis[nis.K.max() == nis.K]
        assert ((best.f - best.f_exact).abs() / best.f_err < 5).all()
    tr = pd.read_csv(tiny_run / "results" / "f9" / "f9_traces.csv")
    assert tr.groupby(["model", "beta"]).step.max().eq(cfg["van"]["n_steps"]).all()


def test_tiny_run_f10_table(tiny_run):
    cfg = yaml.safe_load(TINY.read_text())["f10"]
    df = pd.read_csv(tiny_run / "results" / "f10" / "f10_amortised.csv")
    assert {"T", "method", "K", "value", "err", "s_exact", "sign_lag1", *PROVENANCE} <= set(
        df.columns
    )
    assert set(df["T"]) == set(cfg["temperatures"])
    assert set(df.method) == {"made", "elbo", "iwae"} and set(df[df.method == "iwae"].K) == set(
        cfg["K"]
    )
    ref = iv.exact.kaufman(cfg["L"], np.sort(df["T"].unique()))["s"].to_numpy()
    assert np.allclose(df.groupby("T").s_exact.first().to_numpy(), ref, rtol=1e-12)
    assert ((df.value - df.s_exact) / df.err > -4).all()  # every model's cross-entropy is above s
    # thinned samples with random global flips: their signs are uncorrelated
    assert (
        df.sign_lag1.abs() < 4 / np.sqrt(cfg["sampling"]["n_train"] + cfg["sampling"]["n_test"])
    ).all()


def test_tiny_run_f11_tables(tiny_run):
    cfg = yaml.safe_load(TINY.read_text())["f11"]
    df = pd.read_csv(tiny_run / "results" / "f11" / "f11_autocorrelation.csv")
    assert {"L", "algorithm", "replicate", "observable", "tau", "tau_err", *PROVENANCE} <= set(
        df.columns
    )
    names = [a["name"] for a in cfg["algorithms"]]
    assert len(df) == 2 * len(cfg["sizes"]) * len(names) * cfg["replicates"] and set(
        df.algorithm
    ) == set(names)
    assert (df.tau >= 0.5 - 1e-12).all() and (df.tau_err > 0).all()
    # critical slowing down: single-spin dynamics decorrelate |M| far more slowly than Wolff clusters
    big = (
        df[(max(cfg["sizes"]) == df.L) & (df.observable == "abs_m")].groupby("algorithm").tau.mean()
    )
    if {"metropolis", "wolff"} <= set(big.index):
        assert big["metropolis"] > 2 * big["wolff"]
    z = pd.read_csv(tiny_run / "results" / "f11" / "f11_exponents.csv")
    assert set(z.algorithm) == set(names) and np.isfinite(z[["z", "z_err"]].to_numpy()).all()


@pytest.mark.parametrize(
    "name",
    [
        "F6_em_elbo",
        "F7_entropy_bounds",
        "F9_neural_free_energy",
        "F10_amortised_inference",
        "F11_critical_slowing_down",
    ],
)
def test_tiny_run_f6_f7_figures_and_logs(tiny_run, name):
    fig = tiny_run / "results" / "figures"
    pdf, png = fig / f"{name}.pdf", fig / f"{name}.png"
    assert pdf.stat().st_size > 1000 and pdf.read_bytes()[:5] == b"%PDF-"
    assert png.stat().st_size > 1000 and png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    logs = {
        "F6_em_elbo": ["logs/f6/em.log"],
        "F7_entropy_bounds": sorted(tiny_run.glob("logs/f7/fits/*.log")),
    }
    for path in logs.get(name, []):
        assert "check" in (tiny_run / path).read_text()


def _set(cfg: dict, path: str, value) -> None:
    *parents, last = path.split(".")
    node = cfg
    for key in parents:
        node = node[key]
    if value is _DELETE:
        del node[last]
    else:
        node[last] = value


_DELETE = object()

BAD_CONFIGS = {
    "unknown top-level key": ("f2_typo", {"sizes": [4]}, "f2_typo"),
    "misspelt f1 key": ("f1.temperatrues", [], "temperatrues"),
    "unknown algorithm parameter": ("f1.algorithms.wolff.n_sweeps", 10, "n_sweeps"),
    "unknown algorithm": ("f1.algorithms.swendsen_wang", {"T_min": 2.0}, "swendsen_wang"),
    "negative size": ("f1.sizes", [-4, 8], "sizes"),
    "odd size": ("f1.sizes", [4, 7], "sizes"),
    "empty temperature list": ("f1.temperatures", [], "temperatures"),
    "string for a number": ("f1.algorithms.metropolis.n_measure", "many", "n_measure"),
    "string for a temperature": ("f1.algorithms.wolff.T_max", "hot", "T_max"),
    "zero replicates": ("f1.replicates", 0, "replicates"),
    "missing key": ("f1.n_blocks", _DELETE, "n_blocks"),
    "T_min above T_max": ("f1.algorithms.wolff.T_min", 2.9, "T_min"),
    "missing master seed": ("seed", _DELETE, "seed"),
    "misspelt f6 key": ("f6.restrats", 3, "restrats"),
    "unknown f6 mixture key": (
        "f6.mixture",
        [{"weight": 1, "mean": [0, 0], "std": [1, 1], "corr": 0, "skew": 1}],
        "skew",
    ),
    "f6 correlation out of range": (
        "f6.mixture",
        [{"weight": 1, "mean": [0, 0], "std": [1, 1], "corr": 1.5}],
        "corr",
    ),
    "f6 bad covariance type": ("f6.covariance_type", "spherical", "covariance_type"),
    "f6 more components than samples": ("f6.n_components", 10_000, "n_components"),
    "missing f7 key": ("f7.components", _DELETE, "components"),
    "misspelt f7 sampling key": ("f7.sampling.n_tets", 100, "n_tets"),
    "f7 zero components": ("f7.components", [0, 2], "components"),
    "f7 string for alpha": ("f7.em.alpha", "laplace", "alpha"),
    "f7 too few held-out samples": ("f7.sampling.n_test", 4, "n_test"),
    "missing f2 section": ("f2", _DELETE, "f2"),
    "misspelt f2 ti key": ("f2.ti.n_mesure", 100, "n_mesure"),
    "f2 damping of one": ("f2.solver.damping", 1.0, "damping"),
    "f2 AIS schedule shorter than the grid": ("f2.ais.n_steps", 2, "n_steps"),
    "f4 unknown update": (
        "f4.schemes",
        [{"name": "x", "update": "random", "damping": 0.0}],
        "update",
    ),
    "f4 duplicate scheme names": (
        "f4.schemes",
        [{"name": "a", "update": "sequential", "damping": 0.0}] * 2,
        "schemes",
    ),
    "f5 unknown model": ("f5.models.hopfield", {"N": 8, "field_sigma": 0.1}, "hopfield"),
    "f5 too many spins to enumerate": ("f5.models.sk", {"N": 40, "field_sigma": 0.1}, "N"),
    "f5 one disorder instance": ("f5.disorder_instances", 1, "disorder_instances"),
    "misspelt f3 key": ("f3.n_block", 16, "n_block"),
    "f3 unknown lattice": ("f3.lattices.triangular", {"sizes": [4, 8, 16]}, "triangular"),
    "f3 unknown peak quantity": ("f3.lattices.square.peaks", ["u"], "peaks"),
    "f3 a single pair (L, 2L)": (
        "f3.lattices.square.sizes",
        [4, 8, 12],
        "f3.lattices.square.sizes",
    ),
}

# Configs that used to pass every check and fail only inside a job, after many others had run
# (or never start: a 1e-9 step built a grid of a billion points). Planned with --dry-run, so
# a check that lets one through fails the test without starting a huge job.
UNRUNNABLE_CONFIGS = {
    "f5 parallel tempering past a job's memory": (
        "f5.tempering",
        {
            "sizes": [{"L": 64, "n_grid": 1024}],
            "field_sigma": 0.3,
            "disorder_instances": 2,
            "check_grid": 16,
            "n_therm": 100,
            "n_measure": 10**7,
            "n_blocks": 16,
        },
        "job f5_tempering L=64 would need about",
    ),
    "f5 ladder shorter than the temperatures": (
        "f5.tempering.check_grid",
        4,
        "f5.tempering.check_grid",
    ),
    "f1 L past the core's N < 2^31": ("f1.sizes", [4, 50_000], "['f1']['sizes']"),
    "f4 L past the core's N < 2^31": ("f4.L", 100_000, "['f4']['L']"),
    "f2 TI samples past a job's memory": ("f2.ti.n_measure", 10**12, "f2.ti.n_measure"),
    "f1 L past a job's runtime": ("f1.sizes", [4, 40_000], "f1.sizes (L = 40000)"),
    "f4 L past a job's memory": ("f4.L", 40_000, "config keys f4.L"),
    "f1 step below the grid's rounding": (
        "f1.temperatures",
        [{"start": 2.0, "stop": 3.0, "step": 1e-9}],
        "['f1']['temperatures'][0]['step']",
    ),
    "f1 grid of a billion temperatures": (
        "f1.temperatures",
        [{"start": 0.5, "stop": 1000.0, "step": 1e-6}],
        "config key f1.temperatures[0].step",
    ),
    "f7 grid of too many temperatures in all": (
        "f7.temperatures",
        [{"start": 1.0, "stop": 3.0, "step": 3e-4}] * 2
        + [{"start": 3.0, "stop": 4.0, "step": 1e-4}],
        "config key f7.temperatures",
    ),
    "f3 L past a job's runtime": (
        "f3.lattices.cubic.sizes",
        [8, 16, 32, 600, 1200],
        "f3.lattices.cubic.sizes (L = 1200)",
    ),
}


@pytest.fixture(scope="module")
def bad_config_runs(tmp_path_factory) -> dict[str, tuple[Path, subprocess.CompletedProcess]]:
    """Every bad config through the snakemake command line. The runs spend their time starting
    Python and importing snakemake, not computing, so they go through snakemake_batch.py: one
    interpreter imports snakemake once and forks a child per command."""
    names = [*BAD_CONFIGS, *UNRUNNABLE_CONFIGS]
    jobs = []
    for name in names:
        path, value, _ = {**BAD_CONFIGS, **UNRUNNABLE_CONFIGS}[name]
        workdir = tmp_path_factory.mktemp("bad")
        cfg = copy.deepcopy(yaml.safe_load(TINY.read_text()))
        _set(cfg, path, value)
        configfile = workdir / "bad.yaml"
        configfile.write_text(yaml.safe_dump(cfg))
        args = ("--dry-run",) if name in UNRUNNABLE_CONFIGS else ("--cores", "1")
        argv = snakemake_cmd(workdir, configfile, *args)[3:]  # without "python -m snakemake"
        logs = tmp_path_factory.mktemp("bad_logs")
        jobs.append(
            {
                "cwd": str(workdir),
                "argv": argv,
                "stdout": str(logs / "stdout"),
                "stderr": str(logs / "stderr"),
            }
        )
    jobs_file = tmp_path_factory.mktemp("bad_jobs") / "jobs.json"
    jobs_file.write_text(json.dumps(jobs))
    batch = subprocess.run(
        [sys.executable, str(Path(__file__).with_name("snakemake_batch.py")), str(jobs_file)],
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert batch.returncode == 0, batch.stdout + batch.stderr
    runs = {}
    for name, job in zip(names, jobs):
        rc = int(Path(job["stdout"] + ".rc").read_text())
        proc = subprocess.CompletedProcess(
            job["argv"], rc, Path(job["stdout"]).read_text(), Path(job["stderr"]).read_text()
        )
        runs[name] = (Path(job["cwd"]), proc)
    return runs


@pytest.mark.parametrize("name", BAD_CONFIGS)
def test_bad_config_stops_naming_the_key(bad_config_runs, name):
    workdir, proc = bad_config_runs[name]
    key = BAD_CONFIGS[name][2]
    assert proc.returncode != 0
    assert key in output(proc), output(proc)
    for folder in ("results", "logs", "benchmarks"):
        assert not (workdir / folder).exists(), f"{folder}/ written before the config was rejected"


@pytest.mark.parametrize("name", UNRUNNABLE_CONFIGS)
def test_config_a_job_cannot_run_stops_before_any_job(bad_config_runs, name):
    """Past the core's size limit, a job's memory or runtime (JOB_MEM_MB_MAX, JOB_HOURS_MAX) or
    a grid's temperatures (MAX_GRID_TEMPERATURES): rejected while planning, naming the key."""
    _, proc = bad_config_runs[name]
    assert proc.returncode != 0
    assert UNRUNNABLE_CONFIGS[name][2] in output(proc), output(proc)
    assert "Job stats" not in output(proc)
