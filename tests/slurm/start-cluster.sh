#!/usr/bin/env bash
# Bring up a real single-node SLURM cluster on this machine, for the workflow's cluster test
# (tests/test_workflow.py -m slurm) and for trying profiles/slurm by hand.
#
#   sudo bash tests/slurm/start-cluster.sh     # idempotent: does nothing if it is up
#   sudo bash tests/slurm/stop-cluster.sh
#
# Debian's packages (slurmctld, slurmd, slurm-client, munge; installed if missing), no
# systemd and no cgroups: process tracking by /proc (proctrack/linuxproc), no task plugin,
# no accounting database (so the Snakemake SLURM plugin must poll with squeue:
# --slurm-status-command squeue). One node, localhost, advertising CPUS CPUs whatever the
# machine has (SlurmdParameters=config_overrides), one default partition "debug".
# The daemons run as root and are started directly; their PIDs, logs and state live in
# ISINGVI_SLURM_DIR (default /var/tmp/isingvi-slurm). /etc/slurm/slurm.conf is written
# only if it is absent or was written by this script.
set -euo pipefail

STATE=${ISINGVI_SLURM_DIR:-/var/tmp/isingvi-slurm}
CPUS=${ISINGVI_SLURM_CPUS:-8}
MEM_MB=${ISINGVI_SLURM_MEM_MB:-16000}
CONF=/etc/slurm/slurm.conf
MARK="# Written by isingvi tests/slurm/start-cluster.sh: a single-node test cluster."

say() { echo "start-cluster: $*"; }
die() {
    echo "start-cluster: error: $*" >&2
    exit 1
}
alive() { [[ -s $1 ]] && kill -0 "$(cat "$1")" 2>/dev/null; }

[[ $(id -u) -eq 0 ]] || die "must run as root (installs packages, writes $CONF, starts munged, slurmctld and slurmd)"

# --- Packages -------------------------------------------------------------------------------
if ! command -v slurmctld >/dev/null || ! command -v slurmd >/dev/null || ! command -v sinfo >/dev/null ||
    ! command -v munged >/dev/null; then
    command -v apt-get >/dev/null || die "SLURM is not installed and there is no apt-get to install it"
    say "installing slurmctld slurmd slurm-client munge (apt-get)"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -q >"${TMPDIR:-/tmp}/isingvi-slurm-apt.log" 2>&1 ||
        die "apt-get update failed; see ${TMPDIR:-/tmp}/isingvi-slurm-apt.log"
    apt-get install -y -q slurmctld slurmd slurm-client munge >>"${TMPDIR:-/tmp}/isingvi-slurm-apt.log" 2>&1 ||
        die "apt-get install failed; see ${TMPDIR:-/tmp}/isingvi-slurm-apt.log"
fi

# --- munge: the key, then the daemon (as user munge, like the packaged service) ---------------
id munge >/dev/null 2>&1 || die "user munge does not exist (the munge package creates it)"
install -d -o munge -g munge -m 0700 /etc/munge /var/lib/munge /var/log/munge
install -d -o munge -g munge -m 0755 /run/munge
if [[ ! -s /etc/munge/munge.key ]]; then
    say "creating the munge key /etc/munge/munge.key"
    dd if=/dev/urandom of=/etc/munge/munge.key bs=1024 count=1 status=none
fi
chown munge:munge /etc/munge/munge.key
chmod 0400 /etc/munge/munge.key
mkdir -p "$STATE"
if munge -n </dev/null 2>/dev/null | unmunge >/dev/null 2>&1; then
    say "munged is running"
else
    say "starting munged"
    rm -f /run/munge/munged.pid
    runuser -u munge -- /usr/sbin/munged || die "munged did not start; see /var/log/munge/munged.log"
    cp /run/munge/munged.pid "$STATE/munged.pid" # stop-cluster.sh stops only what we started
    for _ in $(seq 50); do
        munge -n </dev/null 2>/dev/null | unmunge >/dev/null 2>&1 && break
        sleep 0.1
    done
    munge -n </dev/null | unmunge >/dev/null || die "munge credentials do not round-trip; see /var/log/munge/munged.log"
fi

# --- slurm.conf -------------------------------------------------------------------------------
NODE=$(hostname -s)
conf=$(
    cat <<EOF
$MARK
# Remove it, or stop the cluster and edit, as you like: stop-cluster.sh leaves it in place.
ClusterName=isingvi-test
SlurmctldHost=$NODE(127.0.0.1)
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
StateSaveLocation=$STATE/slurmctld
SlurmdSpoolDir=$STATE/slurmd
SlurmctldPidFile=$STATE/slurmctld.pid
SlurmdPidFile=$STATE/slurmd.pid
SlurmctldLogFile=$STATE/slurmctld.log
SlurmdLogFile=$STATE/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
MpiDefault=none
SchedulerType=sched/backfill
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU_Memory
SlurmdParameters=config_overrides
ReturnToService=2
# squeue is the only job status source without accounting: keep finished jobs visible.
MinJobAge=600
KillWait=5
InactiveLimit=0
NodeName=$NODE NodeAddr=127.0.0.1 CPUs=$CPUS RealMemory=$MEM_MB State=UNKNOWN
PartitionName=debug Nodes=$NODE Default=YES MaxTime=INFINITE State=UP
EOF
)
if [[ -e $CONF ]] && ! grep -qxF "$MARK" "$CONF"; then
    die "$CONF exists and was not written by this script; not touching a real cluster's configuration"
fi
if [[ -e $CONF ]] && [[ $(cat "$CONF") == "$conf" ]]; then
    changed=0
else
    changed=1
    mkdir -p /etc/slurm
    printf '%s\n' "$conf" >"$CONF.tmp" && mv "$CONF.tmp" "$CONF"
    say "wrote $CONF (node $NODE, $CPUS CPUs, $MEM_MB MB)"
fi

# --- Daemons ----------------------------------------------------------------------------------
if ((changed)) && { alive "$STATE/slurmctld.pid" || alive "$STATE/slurmd.pid"; }; then
    say "configuration changed: restarting the daemons"
    bash "$(dirname "$0")/stop-cluster.sh" --keep-munge
fi
mkdir -p "$STATE/slurmctld" "$STATE/slurmd"
if alive "$STATE/slurmctld.pid"; then
    say "slurmctld is running (pid $(cat "$STATE/slurmctld.pid"))"
else
    say "starting slurmctld"
    /usr/sbin/slurmctld || die "slurmctld did not start; see $STATE/slurmctld.log"
fi
if alive "$STATE/slurmd.pid"; then
    say "slurmd is running (pid $(cat "$STATE/slurmd.pid"))"
else
    say "starting slurmd"
    /usr/sbin/slurmd || die "slurmd did not start; see $STATE/slurmd.log"
fi

# --- Wait for the node, then run one job ---------------------------------------------------
state=""
for _ in $(seq 60); do
    state=$(sinfo -h -n "$NODE" -o %T 2>/dev/null || true)
    case $state in
    idle | mixed | allocated | completing) break ;;
    down | drained | draining) scontrol update NodeName="$NODE" State=RESUME >/dev/null 2>&1 || true ;;
    esac
    sleep 0.5
done
case $state in
idle | mixed | allocated | completing) ;;
*) die "node $NODE is '${state:-not known}' after 30 s; see $STATE/slurmctld.log and $STATE/slurmd.log" ;;
esac
timeout 60 srun --quiet --time=1 --mem=10 true ||
    die "a test job (srun true) failed; see $STATE/slurmctld.log and $STATE/slurmd.log"
say "cluster up: $(sinfo -h -o '%P %D node(s) %c CPUs %m MB %T')"
