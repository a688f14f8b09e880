"""The Snakemake workflow: dry run of the shipped config, a real run of the tiny config, and
config validation (a bad config stops before any job runs, naming the key).

Every run happens in a temporary working directory (``--directory``), so results/, logs/,
benchmarks/ and .snakemake/ never land in the checkout.
"""
from __future__ import annotations

import copy
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml

import isingvi as iv

pytestmark = pytest.mark.workflow

REPO = Path(__file__).resolve().parents[1]
SNAKEFILE = REPO / "Snakefile"
SHIPPED = REPO / "config.yaml"
TINY = REPO / "tests" / "config" / "tiny.yaml"


def snakemake(workdir: Path, configfile: Path, *args: str, timeout: float = 240) -> subprocess.CompletedProcess:
    """Run snakemake on the repo's Snakefile in ``workdir`` with exactly ``configfile``."""
    cmd = [
        sys.executable, "-m", "snakemake",
        "--snakefile", str(SNAKEFILE),
        "--directory", str(workdir),
        "--configfile", str(configfile),
        "--replace-workflow-config",
        *args,
    ]
    return subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, cwd=workdir)


def output(proc: subprocess.CompletedProcess) -> str:
    return proc.stdout + proc.stderr


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


def test_dry_run_of_shipped_config(tmp_path):
    cfg = yaml.safe_load(SHIPPED.read_text())
    proc = snakemake(tmp_path, SHIPPED, "--dry-run", "--cores", "2")
    assert proc.returncode == 0, output(proc)
    f1 = cfg["f1"]
    n_mc = len(f1["sizes"]) * len(f1["algorithms"]) * f1["replicates"]
    counts = dict(re.findall(r"^(\w+)\s+(\d+)\s*$", proc.stdout, flags=re.M))
    assert int(counts["f1_mc"]) == n_mc
    n_f7 = len(cfg["f7"]["sizes"]) * cfg["f7"]["replicates"]
    assert int(counts["f6_em"]) == 1 and int(counts["f7_fit"]) == n_f7
    # F1: exact, aggregate, plot; F6: plot; F7: exact, aggregate, plot; all
    assert int(counts["total"]) == n_mc + 3 + 2 + n_f7 + 3 + 1
    assert not (tmp_path / "results").exists()


@pytest.fixture(scope="module")
def tiny_run(tmp_path_factory):
    workdir = tmp_path_factory.mktemp("tiny")
    proc = snakemake(workdir, TINY, "--cores", "2")
    assert proc.returncode == 0, output(proc)
    return workdir


def test_tiny_run_table(tiny_run):
    cfg = yaml.safe_load(TINY.read_text())
    df = pd.read_csv(tiny_run / "results" / "f1" / "f1_thermodynamics.csv")
    need = {
        "L", "T", "algorithm", "replicate", "seed", "n_therm", "n_measure", "every", "init",
        "u", "u_err", "c", "c_err", "abs_m", "abs_m_err", "chi", "chi_err",
        "isingvi_version", "git_commit", "config_hash",
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
    assert set(df.isingvi_version) == {iv.__version__}
    for name, alg in cfg["f1"]["algorithms"].items():
        g = df[df.algorithm == name]
        assert set(g.n_measure) == {alg["n_measure"]} and set(g.init) == {alg["init"]}


def test_tiny_run_exact_table(tiny_run):
    cfg = yaml.safe_load(TINY.read_text())
    ex = pd.read_csv(tiny_run / "results" / "f1" / "exact.csv")
    assert set(ex.solution) == {"kaufman", "onsager"}
    assert set(ex.L) == {*map(float, cfg["f1"]["sizes"]), np.inf}
    assert np.isfinite(ex[["T", "u", "c"]].to_numpy()).all()
    ons = ex[ex.solution == "onsager"]
    assert ons.m.notna().all() and ex[ex.solution == "kaufman"].m.isna().all()
    below = ons[ons["T"] < iv.exact.T_C]
    assert (below.m > 0).all() and (ons[ons["T"] > iv.exact.T_C].m == 0).all()


def test_tiny_run_figure_and_logs(tiny_run):
    fig = tiny_run / "results" / "figures"
    pdf, png = fig / "F1_thermodynamics.pdf", fig / "F1_thermodynamics.png"
    assert pdf.stat().st_size > 1000 and pdf.read_bytes()[:5] == b"%PDF-"
    assert png.stat().st_size > 1000 and png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert not list(fig.glob(".*.tmp")), "temporary files left behind"
    mc_logs = list((tiny_run / "logs" / "f1" / "mc").glob("*.log"))
    assert mc_logs and all("temperatures" in p.read_text() for p in mc_logs)
    assert list((tiny_run / "benchmarks" / "f1" / "mc").glob("*.tsv"))


def test_tiny_run_f6_tables(tiny_run):
    cfg = yaml.safe_load(TINY.read_text())["f6"]
    tr = pd.read_csv(tiny_run / "results" / "f6" / "f6_traces.csv")
    rs = pd.read_csv(tiny_run / "results" / "f6" / "f6_restarts.csv")
    prov = {"isingvi_version", "git_commit", "config_hash", "seed"}
    columns = {"restart", "restart_seed", "iteration", "log_likelihood", "elbo_e", "elbo_m", "kl_gap"}
    assert columns | prov <= set(tr.columns)
    need = {"restart", "restart_seed", "n_iter", "log_likelihood", "sklearn_log_likelihood", "true_log_likelihood"}
    assert need | prov <= set(rs.columns)
    assert sorted(rs.restart) == list(range(cfg["restarts"])) and set(tr.restart) == set(rs.restart)
    # the ELBO identities: equal to ln p after the E-step, below it after the M-step
    assert np.allclose(tr.elbo_e, tr.log_likelihood, rtol=0, atol=1e-10)
    assert (tr.kl_gap >= -1e-12).all()
    # the same EM from the same start as scikit-learn's, on data neither library drew
    assert np.allclose(rs.log_likelihood, rs.sklearn_log_likelihood, rtol=0, atol=1e-6)
    assert set(rs.restart_seed) == {iv.results.derive_seed(yaml.safe_load(TINY.read_text())["seed"], "f6", "restart", r)
                                    for r in range(cfg["restarts"])}


def test_tiny_run_f7_tables(tiny_run):
    cfg = yaml.safe_load(TINY.read_text())
    f7 = cfg["f7"]
    df = pd.read_csv(tiny_run / "results" / "f7" / "f7_entropy.csv")
    need = {
        "L", "T", "K", "replicate", "seed", "em_seed", "s_exact", "cross_entropy", "cross_entropy_err",
        "neg_elbo_hard", "neg_elbo_hard_err", "hard_gap", "hard_gap_err",
        "isingvi_version", "git_commit", "config_hash",
    }
    assert need <= set(df.columns), need - set(df.columns)
    keys = set(zip(df.L, df["T"].round(6), df.K, df.replicate))
    assert len(keys) == len(df)
    assert keys == {(L, T, K, r) for L in f7["sizes"] for T in grid(f7["temperatures"]) for K in f7["components"]
                    for r in range(f7["replicates"])}
    # the entropy column is the exact one, independent of the job
    for L, g in df.groupby("L"):
        ref = iv.exact.enumerate(iv.SquareLattice(int(L)), g["T"].to_numpy())["s"].to_numpy()
        assert np.allclose(g.s_exact, ref, rtol=1e-12)
    assert (df[["cross_entropy_err", "neg_elbo_hard_err"]] > 0).all().all()
    assert (df.neg_elbo_hard >= df.cross_entropy).all() and (df.min_sample_hard_gap >= 0).all()
    ex = pd.read_csv(tiny_run / "results" / "f7" / "exact.csv")
    assert set(ex.L) == set(f7["sizes"]) and len(ex) == len(f7["sizes"]) * f7["exact"]["n_points"]
    assert np.isfinite(ex.s).all() and (ex.s > 0).all() and (ex.s < np.log(2)).all()


@pytest.mark.parametrize("name", ["F6_em_elbo", "F7_entropy_bounds"])
def test_tiny_run_f6_f7_figures_and_logs(tiny_run, name):
    fig = tiny_run / "results" / "figures"
    pdf, png = fig / f"{name}.pdf", fig / f"{name}.png"
    assert pdf.stat().st_size > 1000 and pdf.read_bytes()[:5] == b"%PDF-"
    assert png.stat().st_size > 1000 and png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    logs = {"F6_em_elbo": ["logs/f6/em.log"], "F7_entropy_bounds": sorted(tiny_run.glob("logs/f7/fits/*.log"))}[name]
    for path in logs:
        assert "check" in (tiny_run / path).read_text()


def test_tiny_run_is_complete(tiny_run):
    """A second invocation finds nothing to do (finished jobs are never redone)."""
    proc = snakemake(tiny_run, TINY, "--dry-run", "--cores", "2")
    assert proc.returncode == 0, output(proc)
    assert "Nothing to be done" in output(proc)


def test_mc_job_is_bit_identical_with_more_threads(tiny_run, tmp_path):
    """The same job, rerun elsewhere with two threads, writes the same numbers."""
    target = "results/f1/mc/L8_wolff_r1.csv"
    proc = snakemake(tmp_path, TINY, target, "--cores", "2", "--set-threads", "f1_mc=2")
    assert proc.returncode == 0, output(proc)
    assert "threads=2" in (tmp_path / "logs/f1/mc/L8_wolff_r1.log").read_text()
    # git_commit may differ if the checkout moved between the runs; everything else is equal
    again, first = (pd.read_csv(d / target).drop(columns="git_commit") for d in (tmp_path, tiny_run))
    pd.testing.assert_frame_equal(again, first, check_exact=True)


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
    "misspelt f6 key": ("f6.restrats", 3, "restrats"),
    "unknown f6 mixture key": ("f6.mixture", [{"weight": 1, "mean": [0, 0], "std": [1, 1], "corr": 0, "skew": 1}],
                               "skew"),
    "f6 correlation out of range": ("f6.mixture", [{"weight": 1, "mean": [0, 0], "std": [1, 1], "corr": 1.5}], "corr"),
    "f6 bad covariance type": ("f6.covariance_type", "spherical", "covariance_type"),
    "f6 more components than samples": ("f6.n_components", 10_000, "n_components"),
    "missing f7 key": ("f7.components", _DELETE, "components"),
    "misspelt f7 sampling key": ("f7.sampling.n_tets", 100, "n_tets"),
    "f7 zero components": ("f7.components", [0, 2], "components"),
    "f7 string for alpha": ("f7.em.alpha", "laplace", "alpha"),
    "f7 too few held-out samples": ("f7.sampling.n_test", 4, "n_test"),
}


@pytest.mark.parametrize("path, value, key", BAD_CONFIGS.values(), ids=BAD_CONFIGS.keys())
def test_bad_config_stops_naming_the_key(tmp_path, path, value, key):
    cfg = copy.deepcopy(yaml.safe_load(TINY.read_text()))
    _set(cfg, path, value)
    configfile = tmp_path / "bad.yaml"
    configfile.write_text(yaml.safe_dump(cfg))
    proc = snakemake(tmp_path, configfile, "--cores", "1", timeout=60)
    assert proc.returncode != 0
    assert key in output(proc), output(proc)
    for folder in ("results", "logs", "benchmarks"):
        assert not (tmp_path / folder).exists(), f"{folder}/ written before the config was rejected"
