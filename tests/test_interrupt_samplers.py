"""Ctrl-C stops the long calls of Swendsen-Wang and parallel tempering within 2 s.

The same check, and the same child-process harness, as tests/test_interrupt.py's LONG_CALLS
table; these entries belong in that table (kept apart until it is on this branch).
"""
from __future__ import annotations

import signal
import subprocess
import sys
import time

import pytest

# Each entry: the set-up and the call (one expression), sized to run for well over 10 s.
LONG_CALLS = {
    "swendsen-wang": ("", "iv.mc.run(iv.SquareLattice(1024), 2.269, algorithm='swendsen-wang', n_measure=10**6)"),
    "swendsen-wang graph, 2 temperatures on 2 threads": (
        "g = iv.models.random_regular(200000, 3, seed=1)",
        "iv.mc.run(g, [1.5, 2.5], algorithm='swendsen-wang', n_measure=10**6, threads=2)",
    ),
    "parallel tempering, 2 threads": (
        "g = iv.models.edwards_anderson(64, seed=1)",
        "iv.mc.parallel_tempering(g, np.geomspace(0.5, 2.0, 8), n_measure=10**8, every=1000, threads=2)",
    ),
    "parallel tempering, one long sweep per round": (
        "",
        "iv.mc.parallel_tempering(iv.SquareLattice(1024, h=0.1), [2.0, 3.0], n_measure=10**6, swap_every=10**9)",
    ),
}

CHILD = """
import os, sys, time
import numpy as np
import isingvi as iv
{setup}
before = len(os.listdir("/proc/self/task"))  # NumPy's BLAS may hold threads of its own
print("READY", flush=True)
try:
    {call}
except KeyboardInterrupt:
    # the core's worker threads have stopped: no thread more than before the call
    print("INTERRUPTED", len(os.listdir("/proc/self/task")) - before, flush=True)
    sys.exit(0)
print("FINISHED", flush=True)
"""


@pytest.mark.slow
@pytest.mark.parametrize("name", list(LONG_CALLS))
def test_sigint_stops_a_long_call_within_two_seconds(name):
    setup, call = LONG_CALLS[name]
    code = CHILD.format(setup=setup, call=call)
    child = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        ready = child.stdout.readline()
        assert ready.strip() == "READY", child.stderr.read()
        time.sleep(1.0)  # well inside the call
        assert child.poll() is None, "the call ended before the signal: make it longer"
        sent = time.monotonic()
        child.send_signal(signal.SIGINT)
        out, err = child.communicate(timeout=30)
        elapsed = time.monotonic() - sent
    finally:
        if child.poll() is None:
            child.kill()
            child.wait()
    assert "INTERRUPTED" in out, f"stdout: {out!r}\nstderr: {err[-2000:]}"
    assert elapsed < 2.0, f"{name}: took {elapsed:.2f} s to stop after SIGINT"
    threads_left = int(out.split("INTERRUPTED")[1].split()[0])
    assert threads_left == 0, f"{name}: {threads_left} threads still running after the interrupt"
