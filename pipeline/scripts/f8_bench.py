"""F8 job: run one script of bench/ with the job's arguments and add the provenance columns.

The benchmarks measure CPU time (one thread) and wall time (two threads): run them on an idle
machine, alone (each rule asks for two threads so that snakemake runs nothing beside it).
"""

from isingvi.results import script_log

log = script_log(snakemake.log[0], "f8_bench")

import runpy  # noqa: E402
import sys  # noqa: E402
import tempfile  # noqa: E402
from pathlib import Path  # noqa: E402

import pandas as pd  # noqa: E402
from isingvi.results import with_provenance, write_table  # noqa: E402

job = snakemake.params.job
bench = Path(snakemake.params.bench)
with tempfile.TemporaryDirectory() as tmp:
    raw = Path(tmp) / "bench.csv"
    sys.argv = [str(bench), "--out", str(raw), *snakemake.params.argv]
    sys.path.insert(
        0, str(bench.parent)
    )  # as `python bench/X.py` would: the scripts share bench_mc's helpers
    log.info("running %s", " ".join(sys.argv))
    try:
        runpy.run_path(str(bench), run_name="__main__")
    except SystemExit as stop:
        if stop.code:
            raise
    table = pd.read_csv(raw)
table = with_provenance(table, job, path=snakemake.scriptdir)
write_table(table, snakemake.output[0])
log.info("wrote %d rows to %s", len(table), snakemake.output[0])
