#!/usr/bin/env bash
# slurm-up.sh - a real single-node Slurm cluster for labbook tests, without systemd.
#
# - installs slurmctld, slurmd, slurm-client and munge from Debian's packages if missing
# - writes /etc/slurm/slurm.conf for ONE node named `hostname -s`, sized by `slurmd -C`,
#   partition "debug" (default), select/cons_tres + CR_CPU so 1-CPU jobs run side by side
# - creates the munge key if missing, starts munged (as user munge), slurmctld, slurmd
#   as plain daemons (pid files under /run)
# - waits until the node is idle, then runs a smoke test (one job + a 4-task array)
#   and prints OK on stdout
#
# Idempotent: a second run finds the daemons alive through their pid files and only
# re-checks (daemons are restarted only if slurm.conf or cgroup.conf had to change).
# Environment: SLURM_SMOKE=0 skips the smoke test; SLURM_KILLWAIT (default 5) is the
# SIGTERM-to-SIGKILL grace in seconds for cancelled / timed-out jobs; SLURM_MINJOBAGE
# (default 5) is how many seconds at least a finished job stays visible to scontrol.
# Needs root. Debian 12 (Slurm 22.05). Called by .ci/run; the Slurm tests then run (LABBOOK_TEST_SLURM=1).
set -euo pipefail

SLURM_SMOKE="${SLURM_SMOKE:-1}"
SLURM_KILLWAIT="${SLURM_KILLWAIT:-5}"
SLURM_MINJOBAGE="${SLURM_MINJOBAGE:-5}"
SLURM_WAIT_S="${SLURM_WAIT_S:-60}"

export DEBIAN_FRONTEND=noninteractive
export LANG=C.UTF-8 LC_ALL=C.UTF-8

log() { echo "slurm-up: $*" >&2; }
die() { echo "slurm-up: ERROR: $*" >&2; exit 1; }

[ "$(id -u)" -eq 0 ] || die "run as root"

CONF=/etc/slurm/slurm.conf
CTLD_PID=/run/slurmctld.pid
SLURMD_PID=/run/slurmd.pid
MUNGE_PID=/run/munge/munged.pid
MUNGE_KEY=/etc/munge/munge.key
LOGDIR=/var/log/slurm

# ---------------------------------------------------------------- helpers ---
# shellcheck source=slurm-pids.sh
. "$(dirname "$0")/slurm-pids.sh"
running() { alive "$(pid_of "$1")" "$2"; }

wait_for() { # wait_for SECONDS DESCRIPTION COMMAND...
    local secs="$1" what="$2"; shift 2
    local deadline=$((SECONDS + secs))
    until "$@" >/dev/null 2>&1; do
        [ "$SECONDS" -lt "$deadline" ] || { log "timed out after ${secs}s waiting for $what"; return 1; }
        sleep 0.25
    done
}

stop_pidfile() { # stop_pidfile PIDFILE COMM: SIGTERM, wait, SIGKILL as last resort
    local pid; pid="$(pid_of "$1")"
    alive "$pid" "$2" || return 0
    kill -TERM "$pid" 2>/dev/null || true
    local deadline=$((SECONDS + 20))
    while alive "$pid" "$2"; do
        if [ "$SECONDS" -ge "$deadline" ]; then kill -KILL "$pid" 2>/dev/null || true; sleep 0.5; break; fi
        sleep 0.2
    done
}

show_log() { log "last lines of $1:"; tail -n 20 "$1" >&2 2>/dev/null || true; }

# --------------------------------------------------------------- packages ---
need_pkgs=()
for b in /usr/sbin/slurmctld:slurmctld /usr/sbin/slurmd:slurmd /usr/bin/sbatch:slurm-client \
         /usr/sbin/munged:munge; do
    [ -x "${b%%:*}" ] || need_pkgs+=("${b##*:}")
done
if [ "${#need_pkgs[@]}" -gt 0 ]; then
    log "installing ${need_pkgs[*]} (apt)"
    # With no init system running, the packages' invoke-rc.d calls start nothing
    # (and slurmd/slurmctld's init scripts would not start without slurm.conf);
    # the daemons are started below.
    apt-get update -qq >&2
    apt-get install -y -qq --no-install-recommends \
        slurm-wlm slurmctld slurmd slurm-client munge >&2
fi

# ------------------------------------------------------------- slurm.conf ---
NODE="$(hostname -s)"
# `slurmd -C` prints the node's real layout, e.g.
#   NodeName=vm CPUs=2 Boards=1 SocketsPerBoard=1 CoresPerSocket=2 ThreadsPerCore=1 RealMemory=24105
NODE_HW="$(slurmd -C 2>/dev/null | sed -n 's/^NodeName=[^ ]* //p' | head -n1)"
[ -n "$NODE_HW" ] || die "slurmd -C printed no node line"

# Addresses are given as 127.0.0.1 so nothing depends on the host name resolving.
WANT_CONF="# written by slurm-up.sh (labbook tests): one node, no systemd, no accounting database
ClusterName=labbook
SlurmctldHost=${NODE}(127.0.0.1)
AuthType=auth/munge
CredType=cred/munge
SlurmUser=slurm
SlurmdUser=root
SlurmctldPort=6817
SlurmdPort=6818
StateSaveLocation=/var/lib/slurm/slurmctld
SlurmdSpoolDir=/var/lib/slurm/slurmd
SlurmctldPidFile=$CTLD_PID
SlurmdPidFile=$SLURMD_PID
SlurmctldLogFile=$LOGDIR/slurmctld.log
SlurmdLogFile=$LOGDIR/slurmd.log
SlurmctldDebug=info
SlurmdDebug=info
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
# finished jobs are appended here; \`sacct -c\` reads it (there is no slurmdbd)
JobCompType=jobcomp/filetxt
JobCompLoc=$LOGDIR/jobcomp.log
SchedulerType=sched/backfill
SchedulerParameters=batch_sched_delay=0
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
ReturnToService=2
MinJobAge=$SLURM_MINJOBAGE
KillWait=$SLURM_KILLWAIT
InactiveLimit=0
SlurmdTimeout=30
MailProg=/bin/true
NodeName=$NODE NodeAddr=127.0.0.1 NodeHostname=$NODE $NODE_HW State=UNKNOWN
PartitionName=debug Nodes=$NODE Default=YES MaxTime=INFINITE State=UP
"
# slurmd always initialises a cgroup plugin, even with proctrack/linuxproc and
# task/none. The default "autodetect" fails where /sys/fs/cgroup has no cgroup
# filesystem ("No filesystem mounted on /sys/fs/cgroup") or mixes v1 and v2
# ("Hybrid mode is not supported"); cgroup/v1 named outright starts in all of
# these, and with the plugins above no job is ever put in a cgroup.
WANT_CGROUP="# written by slurm-up.sh (labbook tests)
CgroupPlugin=cgroup/v1
"

conf_changed=0
mkdir -p /etc/slurm
write_conf() { # write_conf FILE CONTENT: (re)write FILE if its content differs
    local file="$1" want="$2"
    if [ ! -f "$file" ] || [ "$(cat "$file")" != "$(printf '%s' "$want")" ]; then
        if [ -f "$file" ] && ! grep -q '^# written by slurm-up.sh' "$file"; then
            cp -p "$file" "$file.orig"
            log "kept the previous $file as $file.orig"
        fi
        printf '%s' "$want" > "$file"
        chmod 644 "$file"
        conf_changed=1
        log "wrote $file"
    fi
}
write_conf "$CONF" "$WANT_CONF"
write_conf /etc/slurm/cgroup.conf "$WANT_CGROUP"

# State, spool and log dirs (and /run/munge, which systemd would create).
install -d -o slurm -g slurm -m 0755 /var/lib/slurm/slurmctld "$LOGDIR"
install -d -o root  -g root  -m 0755 /var/lib/slurm/slurmd
install -d -o munge -g munge -m 0755 /run/munge
install -d -o munge -g munge -m 0700 /var/log/munge /etc/munge
install -d -o munge -g munge -m 0711 /var/lib/munge
for f in slurmctld.log jobcomp.log; do
    [ -e "$LOGDIR/$f" ] || install -o slurm -g slurm -m 0644 /dev/null "$LOGDIR/$f"
done

# ------------------------------------------------------------------ munge ---
if [ ! -s "$MUNGE_KEY" ]; then
    log "creating munge key"
    mungekey --create --keyfile "$MUNGE_KEY" --force
fi
chown munge:munge "$MUNGE_KEY"
chmod 0400 "$MUNGE_KEY"

if running "$MUNGE_PID" munged; then
    log "munged already running (pid $(pid_of "$MUNGE_PID"))"
else
    log "starting munged"
    # daemons get </dev/null and their own output file: one that kept the caller's
    # stdout open would make  $(slurm-up.sh)  hang forever.
    runuser -u munge -- /usr/sbin/munged </dev/null >>/var/log/munge/munged.out 2>&1 \
        || { show_log /var/log/munge/munged.log; die "munged did not start"; }
fi
munge_ok() { munge -n -t 5 | unmunge; }
wait_for 20 "munge to answer" munge_ok || die "munge does not work"

# -------------------------------------------------------- slurmctld, slurmd ---
if [ "$conf_changed" = 1 ]; then
    # new node/partition settings need a daemon restart, not just reconfigure
    if running "$SLURMD_PID" slurmd || running "$CTLD_PID" slurmctld; then
        log "config changed: restarting slurmd and slurmctld"
        stop_pidfile "$SLURMD_PID" slurmd
        stop_pidfile "$CTLD_PID" slurmctld
    fi
fi

if running "$CTLD_PID" slurmctld; then
    log "slurmctld already running (pid $(pid_of "$CTLD_PID"))"
else
    log "starting slurmctld"
    /usr/sbin/slurmctld </dev/null >>"$LOGDIR/slurmctld.out" 2>&1 \
        || { cat "$LOGDIR/slurmctld.out" >&2; show_log "$LOGDIR/slurmctld.log"; die "slurmctld did not start"; }
fi
wait_for "$SLURM_WAIT_S" "slurmctld to answer (scontrol ping)" \
    bash -c 'scontrol ping | grep -q "is UP"' \
    || { show_log "$LOGDIR/slurmctld.log"; die "slurmctld not answering"; }

if running "$SLURMD_PID" slurmd; then
    log "slurmd already running (pid $(pid_of "$SLURMD_PID"))"
else
    log "starting slurmd"
    /usr/sbin/slurmd </dev/null >>"$LOGDIR/slurmd.out" 2>&1 \
        || { cat "$LOGDIR/slurmd.out" >&2; show_log "$LOGDIR/slurmd.log"; die "slurmd did not start"; }
fi

# ------------------------------------------------------ wait for node idle ---
node_state() { sinfo -h -N -n "$NODE" -o '%t' 2>/dev/null | head -n1; }
deadline=$((SECONDS + SLURM_WAIT_S)); resumed=0
while :; do
    st="$(node_state)"
    case "$st" in
        idle|mix|alloc) break ;;   # alloc/mix: re-run while jobs are running
        drain*|drng*|down*)
            # A node drained/downed earlier (e.g. killed daemons) is put back once.
            if [ "$resumed" = 0 ]; then
                log "node $NODE is $st, resuming it"
                scontrol update NodeName="$NODE" State=RESUME >/dev/null 2>&1 || true
                resumed=1
            fi ;;
    esac
    if [ "$SECONDS" -ge "$deadline" ]; then
        scontrol show node "$NODE" >&2 || true
        show_log "$LOGDIR/slurmd.log"
        die "node $NODE not idle after ${SLURM_WAIT_S}s (state: ${st:-none})"
    fi
    sleep 0.25
done
log "node $NODE is $st"

# ------------------------------------------------------------- smoke test ---
if [ "$SLURM_SMOKE" != 0 ]; then
    smoke="$(mktemp -d /tmp/slurm-smoke.XXXXXX)"
    chmod 755 "$smoke"
    t0=$SECONDS
    # The array goes first so that its first two tasks can start in the same
    # scheduling pass, one per CPU (select/cons_tres + CR_CPU).
    # shellcheck disable=SC2016  # $SLURM_ARRAY_TASK_ID is expanded in the job
    j2="$(sbatch --parsable --job-name=smoke-array --time=2 --array=1-4 --chdir="$smoke" \
            --output="$smoke/array-%A_%a.out" \
            --wrap='echo "task $SLURM_ARRAY_TASK_ID start $(date +%s.%N)"; sleep 0.5; echo "end $(date +%s.%N)"')"
    j2="${j2%%;*}"
    j1="$(sbatch --parsable --job-name=smoke-one --time=2 --chdir="$smoke" \
            --output="$smoke/one-%j.out" --wrap='hostname')"
    j1="${j1%%;*}"
    log "submitted array job $j2 (4 tasks) and job $j1"

    # Done when squeue no longer lists them (it hides finished jobs; after
    # MinJobAge it answers "Invalid job id", which also means done).
    in_queue() { squeue -h -o '%i' -j "$j1,$j2" 2>/dev/null | grep -q .; }
    deadline=$((SECONDS + 120))
    while in_queue; do
        if [ "$SECONDS" -ge "$deadline" ]; then
            squeue >&2 || true; scancel "$j1" "$j2" 2>/dev/null || true
            die "smoke jobs did not finish within 120s"
        fi
        sleep 0.25
    done

    # Final states: scontrol still knows the jobs for MinJobAge seconds.
    bad="$(scontrol -o show job "$j1" 2>/dev/null; scontrol -o show job "$j2" 2>/dev/null)"
    bad="$(printf '%s\n' "$bad" | grep -o 'JobId=[0-9]* .*JobState=[A-Z_]*' \
            | grep -v 'JobState=COMPLETED' | sed -E 's/ .*JobState=/ JobState=/' || true)"
    [ -z "$bad" ] || die "smoke job(s) did not complete: $bad"

    grep -qx "$(hostname)" "$smoke/one-$j1.out" 2>/dev/null \
        || die "job $j1 output wrong: $(cat "$smoke/one-$j1.out" 2>&1)"
    for i in 1 2 3 4; do
        grep -q "^task $i start" "$smoke/array-${j2}_$i.out" 2>/dev/null \
            || die "array task $i output missing: $(cat "$smoke/array-${j2}_$i.out" 2>&1)"
    done
    # How many array tasks overlapped in time (CR_CPU: up to one per CPU).
    overlap="$(cat "$smoke"/array-"${j2}"_*.out | awk '
        /^task/ {print $4, 1} /^end/ {print $2, -1}' | sort -n -k1,1 -k2,2n \
        | awk '{c += $2; if (c > m) m = c} END {print m + 0}')"
    rm -rf "$smoke"
    log "smoke test passed in $((SECONDS - t0))s (array tasks running at once: $overlap)"
fi

echo OK
