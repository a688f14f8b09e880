"""Run many short snakemake commands from one interpreter that imported snakemake once.

Most of a run that stops on a bad config is spent importing snakemake; here each command runs
in a child forked after the import, so it costs only its own work. It is still the real
command line (``snakemake.cli.main``), each in its own process, working directory and output
files. Used by the workflow tests for the dozens of configs that must be rejected.

    python snakemake_batch.py JOBS.json

JOBS.json is a list of {"cwd", "argv", "stdout", "stderr"}; the exit status of each command
is written to the file named by "stdout" with ".rc" appended. At most two children at a time.
"""

import json
import os
import sys
from pathlib import Path

import snakemake.cli


def run(job: dict) -> None:
    """In the forked child: redirect, change directory, run the command; never returns."""
    try:
        for fd, name in ((1, job["stdout"]), (2, job["stderr"])):
            out = os.open(name, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
            os.dup2(out, fd)
            os.close(out)
        os.chdir(job["cwd"])
        sys.argv = ["snakemake", *job["argv"]]
        snakemake.cli.main(job["argv"])
    except SystemExit as stop:
        code = stop.code if isinstance(stop.code, int) else (0 if stop.code is None else 1)
    except BaseException as error:  # report, never fall back into the parent's loop
        print(f"snakemake_batch: {error!r}", file=sys.stderr)
        code = 1
    else:
        code = 0
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)


def main(path: str, parallel: int = 2) -> None:
    jobs = json.loads(Path(path).read_text())
    running: dict[int, dict] = {}
    for job in [*jobs, None]:
        while running and (job is None or len(running) >= parallel):
            pid, status = os.wait()
            done = running.pop(pid)
            with open(done["stdout"] + ".rc", "w") as rc:
                rc.write(str(os.waitstatus_to_exitcode(status)))
        if job is not None:
            pid = os.fork()
            if pid == 0:
                run(job)
            running[pid] = job


if __name__ == "__main__":
    main(sys.argv[1])
