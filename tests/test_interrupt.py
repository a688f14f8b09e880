"""Ctrl-C and progress reports of the long core calls.

Each long call runs in a child process that is sent SIGINT about a second into a call that
would otherwise run for much longer; it must end with KeyboardInterrupt within 2 s, with no
thread of the core left behind.
"""

from __future__ import annotations

import signal
import subprocess
import sys
import time

import isingvi as iv
import numpy as np
import pytest

# Each entry: the set-up and the call (one expression), sized to run for well over 10 s.
LONG_CALLS = {
    "mc plain kernel": (
        "",
        "iv.mc.run(iv.SquareLattice(1024), 2.5, n_therm=0, n_measure=10**6, kernel='plain')",
    ),
    "mc multispin, 2 threads": (
        "",
        "iv.mc.run(iv.SquareLattice(1024), 2.5, n_therm=0, n_measure=10**7, kernel='multispin', threads=2)",
    ),
    "mc 2 temperatures on 2 threads": (
        "",
        "iv.mc.run(iv.SquareLattice(512), [2.0, 3.0], n_measure=10**7, threads=2)",
    ),
    "mc graph": (
        "g = iv.models.random_regular(200000, 3, seed=1)",
        "iv.mc.run(g, 1.5, n_measure=10**6)",
    ),
    "wolff": ("", "iv.mc.run(iv.SquareLattice(512), 2.0, algorithm='wolff', n_measure=10**6)"),
    "swendsen-wang": (
        "",
        "iv.mc.run(iv.SquareLattice(1024), 2.269, algorithm='swendsen-wang', n_measure=10**6)",
    ),
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
    "enumerate": ("g = iv.models.sk(28, seed=1)", "iv.exact.enumerate(g, [1.0, 2.0], threads=2)"),
    "ais": (
        "",
        "iv.freeenergy.ais(iv.SquareLattice(16), 2.0, n_steps=10**5, n_chains=64, threads=2)",
    ),
    "mean field": (
        "g = iv.Graph(2, [[0, 1]], 1.0)",
        "iv.meanfield.solve(g, 0.5, update='parallel', init=np.array([1.0, -1.0]), max_iter=10**12)",
    ),
    "mean field lattice": (
        "",
        "iv.meanfield.solve(iv.SquareLattice(1024), 2.3, init='random', tol=1e-300, max_iter=10**9)",
    ),
    "bp lattice": (
        "",
        "iv.bp.solve(iv.SquareLattice(1024), 2.3, init='random', tol=1e-300, max_iter=10**8)",
    ),
    # iv.em in the setup: its first use imports scikit-learn, whose BLAS starts threads of its
    # own; they are there before the count, as NumPy's are
    "gaussian mixture": (
        "X = np.random.default_rng(0).normal(size=(10**6, 8)); iv.em",
        "iv.em.GaussianMixture(8, tol=0.0, max_iter=10**6, threads=2).fit(X)",
    ),
    "bernoulli mixture": (
        "X = np.random.default_rng(0).integers(0, 2, size=(10**6, 64)); iv.em",
        "iv.em.BernoulliMixture(16, tol=0.0, max_iter=10**6).fit(X)",
    ),
}

CHILD = """
import os, signal, sys, time
import numpy as np
import isingvi as iv
# A shell without job control starts background commands with SIGINT ignored, and Python then
# keeps it ignored; Ctrl-C's handler is what is under test, so install it whatever pytest's parent did.
signal.signal(signal.SIGINT, signal.default_int_handler)
{setup}
before = len(os.listdir("/proc/self/task"))  # NumPy's BLAS may hold threads of its own
print("READY", flush=True)
try:
    {call}
except KeyboardInterrupt:
    # the core's worker threads have been joined: no thread more than before the call. A
    # joined thread can stay listed in /proc for a moment while the kernel reaps it, so the
    # count is taken again for up to 0.5 s (a thread still running stays listed throughout).
    for _ in range(50):
        left = len(os.listdir("/proc/self/task")) - before
        if left <= 0:
            break
        time.sleep(0.01)
    print("INTERRUPTED", left, flush=True)
    sys.exit(0)
print("FINISHED", flush=True)
"""


@pytest.mark.slow
@pytest.mark.parametrize("name", list(LONG_CALLS))
def test_sigint_stops_a_long_call_within_two_seconds(name):
    setup, call = LONG_CALLS[name]
    code = CHILD.format(setup=setup, call=call)
    child = subprocess.Popen(
        [sys.executable, "-c", code], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
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


def test_progress_callable_sees_every_sweep():
    seen = []
    lat = iv.SquareLattice(64)
    iv.mc.run(
        lat,
        [2.0, 3.0],
        n_therm=100,
        n_measure=20000,
        progress=lambda done, total: seen.append((done, total)),
    )
    done, total = np.array(seen).T
    assert np.all(np.diff(done) >= 0)
    assert total[-1] == 2 * (100 + 20000) and done[-1] == total[-1]


def test_progress_does_not_change_results():
    lat = iv.SquareLattice(16)
    quiet = iv.mc.run(lat, 2.3, n_measure=2000, seed=4)
    watched = iv.mc.run(lat, 2.3, n_measure=2000, seed=4, progress=lambda done, total: None)
    assert np.array_equal(quiet.E, watched.E) and np.array_equal(quiet.M, watched.M)


def test_progress_bar_writes_to_stderr(capsys):
    iv.exact.enumerate(iv.SquareLattice(4), 2.0, progress=True)
    err = capsys.readouterr().err
    assert "exact.enumerate" in err and "state" in err


def test_silent_by_default(capsys):
    iv.mc.run(iv.SquareLattice(8), 2.0, n_measure=100)
    iv.bp.solve(iv.SquareLattice(8), 3.0)
    assert capsys.readouterr().err == ""


class Stop(Exception):
    pass


def test_an_exception_in_the_callback_cancels_the_call():
    calls = []

    def stop(done, total):
        calls.append(done)
        raise Stop

    started = time.monotonic()
    with pytest.raises(Stop):
        iv.mc.run(iv.SquareLattice(256), 2.5, n_measure=10**7, kernel="plain", progress=stop)
    assert len(calls) == 1 and time.monotonic() - started < 5.0


@pytest.mark.parametrize("bad", ["yes", 1, 0.5, [1]])
def test_bad_progress_names_the_parameter(bad):
    with pytest.raises(ValueError, match="^progress"):
        iv.mc.run(iv.SquareLattice(8), 2.0, n_measure=10, progress=bad)


@pytest.mark.parametrize(
    "call",
    [
        lambda p: iv.exact.enumerate(iv.SquareLattice(2), 1.0, progress=p),
        lambda p: iv.mc.parallel_tempering(
            iv.SquareLattice(4), [1.0, 2.0], n_measure=10, progress=p
        ),
        lambda p: iv.freeenergy.ais(iv.SquareLattice(4), 2.0, n_steps=10, progress=p),
        lambda p: iv.meanfield.solve(iv.SquareLattice(4), 2.0, progress=p),
        lambda p: iv.bp.solve(iv.SquareLattice(4), 2.0, progress=p),
        lambda p: iv.em.GaussianMixture(2, progress=p).fit(np.arange(20.0).reshape(10, 2)),
        lambda p: iv.em.BernoulliMixture(2, progress=p).fit(np.eye(6, dtype=int)),
    ],
)
def test_every_long_call_reports_progress(call):
    seen = []
    call(lambda done, total: seen.append((done, total)))
    assert seen and seen[-1][0] > 0


def test_traces_stay_bounded_when_a_solver_does_not_converge():
    # Undamped parallel mean field on two coupled spins from (+1, -1) flips forever.
    two = iv.Graph(2, [[0, 1]], 1.0)
    r = iv.meanfield.solve(
        two, 0.5, update="parallel", init=np.array([1.0, -1.0]), max_iter=200_000
    )
    assert not r.converged[0] and r.n_iter[0] == 200_000
    it = r.trace["iteration"].to_numpy()
    assert len(it) <= 2**16 + 64 and it[0] == 0 and it[-1] == 200_000
    assert np.array_equal(it[: 2**16 + 1], np.arange(2**16 + 1)) and list(it[2**16 + 1 :]) == [
        2**17,
        200_000,
    ]
    # BP on an antiferromagnetic triangle from random messages does not settle either.
    tri = iv.Graph(3, [[0, 1], [1, 2], [0, 2]], -1.0)
    b = iv.bp.solve(tri, 0.3, init="random", tol=1e-300, max_iter=200_000)
    assert not b.converged[0]
    it = b.trace["iteration"].to_numpy()
    assert len(it) <= 2**16 + 64 and it[0] == 1 and it[-1] == 200_000


def test_em_trace_keeps_the_last_iteration():
    X = np.random.default_rng(1).normal(size=(50, 2))
    gm = iv.em.GaussianMixture(3, tol=0.0, max_iter=40, n_init=2).fit(X)
    per_restart = gm.trace_.groupby("restart")["iteration"]
    assert list(per_restart.max()) == [40, 40] and list(per_restart.count()) == [40, 40]
