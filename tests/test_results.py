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
