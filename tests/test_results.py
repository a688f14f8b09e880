"""isingvi.results: atomic writes keep ordinary permissions and never leave partial files."""
import os
import stat

import pandas as pd
import pytest

from isingvi import results


def test_write_table_uses_umask_permissions(tmp_path):
    old = os.umask(0o022)
    try:
        results.write_table(pd.DataFrame({"a": [1.0]}), tmp_path / "t.csv")
    finally:
        os.umask(old)
    assert stat.S_IMODE((tmp_path / "t.csv").stat().st_mode) == 0o644


def test_failed_write_leaves_old_file_and_no_temporary(tmp_path):
    target = tmp_path / "t.csv"
    target.write_text("old\n")
    with pytest.raises(RuntimeError):
        with results.atomic_open(target) as fh:
            fh.write("half a ta")
            raise RuntimeError("killed")
    assert target.read_text() == "old\n"
    assert [p.name for p in tmp_path.iterdir()] == ["t.csv"]


def test_floats_round_trip_bit_identically(tmp_path):
    values = [0.1, 1 / 3, 2.269185314213022, 1e-300]
    results.write_table(pd.DataFrame({"x": values}), tmp_path / "t.csv")
    assert pd.read_csv(tmp_path / "t.csv")["x"].tolist() == values


def test_derive_seed_depends_only_on_its_arguments():
    a = results.derive_seed(7, "f1", 16, "wolff", 0)
    assert a == results.derive_seed(7, "f1", 16, "wolff", 0)
    assert a != results.derive_seed(7, "f1", 16, "wolff", 1)
    assert a != results.derive_seed(8, "f1", 16, "wolff", 0)
    assert 0 <= a < 2**63


def test_git_commit_outside_a_checkout_is_unknown(tmp_path):
    assert results.git_commit(tmp_path) == "unknown"


JOB = {"experiment": "f1", "config_hash": "0123456789abcdef", "master_seed": 7, "seed": 42, "L": 8}


def test_with_provenance_appends_the_columns_and_checks_existing_ones(tmp_path):
    import isingvi as iv

    df = pd.DataFrame({"T": [2.0, 3.0], "seed": [42, 42]})
    out = results.with_provenance(df, JOB, path=tmp_path)
    assert list(out.columns) == ["T", "seed", "isingvi_version", "git_commit", "experiment", "config_hash", "master_seed"]
    assert out.isingvi_version.tolist() == [iv.__version__] * 2 and out.git_commit.tolist() == ["unknown"] * 2
    assert out.master_seed.tolist() == [7, 7] and "seed" in df and "experiment" not in df  # df itself untouched
    with pytest.raises(ValueError, match="seed"):
        results.with_provenance(pd.DataFrame({"seed": [41]}), JOB, path=tmp_path)
    with pytest.raises(ValueError, match="job: .*config_hash"):
        results.with_provenance(df, {k: v for k, v in JOB.items() if k != "config_hash"}, path=tmp_path)


def test_git_commit_marks_uncommitted_changes(tmp_path):
    import shutil
    import subprocess

    if shutil.which("git") is None:
        pytest.skip("git not installed")

    def git(*args):
        subprocess.run(["git", "-C", str(tmp_path), "-c", "user.name=t", "-c", "user.email=t@t", *args],
                       check=True, capture_output=True)

    git("init", "-q")
    (tmp_path / "a.txt").write_text("1\n")
    git("add", "a.txt")
    git("commit", "-q", "-m", "one")
    head = subprocess.run(["git", "-C", str(tmp_path), "rev-parse", "HEAD"], capture_output=True, text=True).stdout.strip()
    assert results.git_commit(tmp_path) == head
    (tmp_path / "untracked.txt").write_text("results are not code\n")
    assert results.git_commit(tmp_path) == head
    (tmp_path / "a.txt").write_text("2\n")
    assert results.git_commit(tmp_path) == head + "-dirty"


def test_config_hash_is_key_order_independent():
    assert results.config_hash({"a": 1, "b": [1.5, 2]}) == results.config_hash({"b": [1.5, 2], "a": 1})
    assert results.config_hash({"a": 1}) != results.config_hash({"a": 2})
