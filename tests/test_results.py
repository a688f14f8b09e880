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
    with pytest.raises(RuntimeError), results.atomic_open(target) as fh:
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
    assert list(out.columns) == [
        "T",
        "seed",
        "isingvi_version",
        "git_commit",
        "experiment",
        "config_hash",
        "master_seed",
    ]
    assert (
        out.isingvi_version.tolist() == [iv.__version__] * 2
        and out.git_commit.tolist() == ["unknown"] * 2
    )
    assert (
        out.master_seed.tolist() == [7, 7] and "seed" in df and "experiment" not in df
    )  # df itself untouched
    with pytest.raises(ValueError, match="seed"):
        results.with_provenance(pd.DataFrame({"seed": [41]}), JOB, path=tmp_path)
    with pytest.raises(ValueError, match="job: .*config_hash"):
        results.with_provenance(
            df, {k: v for k, v in JOB.items() if k != "config_hash"}, path=tmp_path
        )


def test_git_commit_marks_uncommitted_changes(tmp_path):
    import shutil
    import subprocess

    if shutil.which("git") is None:
        pytest.skip("git not installed")

    def git(*args):
        subprocess.run(
            ["git", "-C", str(tmp_path), "-c", "user.name=t", "-c", "user.email=t@t", *args],
            check=True,
            capture_output=True,
        )

    git("init", "-q")
    (tmp_path / "a.txt").write_text("1\n")
    git("add", "a.txt")
    git("commit", "-q", "-m", "one")
    head = subprocess.run(
        ["git", "-C", str(tmp_path), "rev-parse", "HEAD"], capture_output=True, text=True
    ).stdout.strip()
    assert results.git_commit(tmp_path) == head
    (tmp_path / "untracked.txt").write_text("results are not code\n")
    assert results.git_commit(tmp_path) == head
    (tmp_path / "a.txt").write_text("2\n")
    assert results.git_commit(tmp_path) == head + "-dirty"


def test_config_hash_is_key_order_independent():
    assert results.config_hash({"a": 1, "b": [1.5, 2]}) == results.config_hash(
        {"b": [1.5, 2], "a": 1}
    )
    assert results.config_hash({"a": 1}) != results.config_hash({"a": 2})


@pytest.mark.parametrize("mode", ["a", "ab", "r", "rb", "r+", "w+", "x"])
def test_atomic_open_refuses_modes_that_keep_or_read_the_old_file(tmp_path, mode):
    """Appending or reading would see an empty temporary file, and the rename would replace the
    old contents: atomic_open writes whole files only."""
    target = tmp_path / "t.csv"
    target.write_text("old\n")
    with pytest.raises(ValueError, match="mode"), results.atomic_open(target, mode):
        pass
    assert target.read_text() == "old\n"
    assert [p.name for p in tmp_path.iterdir()] == ["t.csv"]


@pytest.mark.parametrize("mode, data", [("w", "new\n"), ("wt", "new\n"), ("wb", b"new\n")])
def test_atomic_open_write_modes_replace_the_file(tmp_path, mode, data):
    target = tmp_path / "t.csv"
    target.write_text("old contents\n")
    with results.atomic_open(target, mode) as fh:
        fh.write(data)
    assert target.read_bytes() == b"new\n"


def _job_table(tmp_path, n=3):
    """A per-job table as a workflow script writes it (3 temperatures, the JOB's provenance)."""
    df = pd.DataFrame({"L": 8, "T": [2.0, 2.5, 3.0][:n], "u": [-1.7, -1.1, -0.8][:n]})
    path = tmp_path / "L8_r0.csv"
    results.write_table(results.with_provenance(df, JOB, path=tmp_path), path)
    return path


CHECK = dict(rows=3, columns=["T", "u"], values={k: JOB[k] for k in (*results.JOB_PROVENANCE, "L")})


def test_check_table_accepts_the_table_its_job_wrote(tmp_path):
    df = results.check_table(_job_table(tmp_path), **CHECK)
    assert (
        len(df) == 3 and df.config_hash.tolist() == [JOB["config_hash"]] * 3
    )  # read as written, not a number


def _truncate_at_line(path):
    lines = path.read_bytes().splitlines(keepends=True)
    path.write_bytes(b"".join(lines[:-1]))


def _truncate_mid_line(path):
    data = path.read_bytes()
    path.write_bytes(data[: len(data) - 10])


def _empty(path):
    path.write_bytes(b"")


def _blank_cell(path):  # a value lost, the line structure intact: u of the second row
    lines = path.read_text().splitlines(keepends=True)
    cells = lines[2].split(",")
    cells[2] = ""
    lines[2] = ",".join(cells)
    path.write_text("".join(lines))


def _other_seed(path):
    path.write_text(path.read_text().replace(",42\n", ",43\n"))


def _drop_column(path):
    df = pd.read_csv(path)
    df.drop(columns="u").to_csv(path, index=False)


@pytest.mark.parametrize(
    "damage, message",
    [
        (_truncate_at_line, "has 2 rows; its job writes 3"),
        (_truncate_mid_line, "truncated"),
        (_empty, "is empty"),
        (_blank_cell, r"empty \(NaN\) cells in \['u'\]"),
        (_other_seed, "column 'seed' holds 43; its job's seed is 42"),
        (_drop_column, r"lacks the columns \['u'\]"),
    ],
)
def test_check_table_names_the_file_and_what_is_wrong(tmp_path, damage, message):
    path = _job_table(tmp_path)
    damage(path)
    with pytest.raises(results.TableError, match=message) as info:
        results.check_table(path, **CHECK)
    assert str(path) in str(info.value)


def test_check_table_of_a_missing_file_names_it(tmp_path):
    with pytest.raises(results.TableError, match="cannot be read") as info:
        results.check_table(tmp_path / "gone.csv", **CHECK)
    assert "gone.csv" in str(info.value)
