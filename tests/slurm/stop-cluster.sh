#!/usr/bin/env bash
# Stop the test cluster that start-cluster.sh started: cancel its jobs, stop slurmd and
# slurmctld by their PID files, and munged if start-cluster.sh started it (--keep-munge
# leaves it). Idempotent; leaves /etc/slurm/slurm.conf and the state folder in place.
set -euo pipefail

STATE=${ISINGVI_SLURM_DIR:-/var/tmp/isingvi-slurm}
say() { echo "stop-cluster: $*"; }
die() {
    echo "stop-cluster: error: $*" >&2
    exit 1
}
alive() { [[ -s $1 ]] && kill -0 "$(cat "$1")" 2>/dev/null; }

# Stop the process in PID file $2 (named $1): SIGTERM, up to 15 s, then SIGKILL.
stop() {
    local name=$1 pidfile=$2 pid
    if ! alive "$pidfile"; then
        say "$name is not running"
        rm -f "$pidfile"
        return
    fi
    pid=$(cat "$pidfile")
    say "stopping $name (pid $pid)"
    kill -TERM "$pid"
    for _ in $(seq 150); do
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.1
    done
    if kill -0 "$pid" 2>/dev/null; then
        say "$name did not stop in 15 s: SIGKILL"
        kill -KILL "$pid" 2>/dev/null || true
    fi
    rm -f "$pidfile"
}

[[ $(id -u) -eq 0 ]] || die "must run as root"

if alive "$STATE/slurmctld.pid" && command -v squeue >/dev/null; then
    jobs=$(squeue -h -o %i 2>/dev/null || true)
    if [[ -n $jobs ]]; then
        say "cancelling jobs: $(echo $jobs)"
        # shellcheck disable=SC2086
        scancel $jobs 2>/dev/null || true
        sleep 1
    fi
fi
stop slurmd "$STATE/slurmd.pid"
stop slurmctld "$STATE/slurmctld.pid"
if [[ ${1:-} != --keep-munge ]]; then
    if [[ -s $STATE/munged.pid ]] && alive /run/munge/munged.pid &&
        [[ $(cat "$STATE/munged.pid") == $(cat /run/munge/munged.pid) ]]; then
        stop munged /run/munge/munged.pid
    else
        say "munged was not started by start-cluster.sh: left alone"
    fi
    rm -f "$STATE/munged.pid"
fi
