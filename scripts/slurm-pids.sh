# slurm-pids.sh - sourced by slurm-up.sh and slurm-down.sh: is a daemon of a pid file alive?
#
# A process is "ours and alive" if the pid file names a live process (not a zombie:
# a killed daemon can stay a zombie for seconds until init reaps it) whose comm
# is the expected daemon name (guards against a stale pid file and a reused pid).
pid_of() { if [ -s "$1" ]; then tr -cd '0-9' < "$1"; fi; }
alive() {
    local pid="$1" want="$2" st
    [ -n "$pid" ] && [ -r "/proc/$pid/stat" ] || return 1
    [ "$(cat "/proc/$pid/comm" 2>/dev/null)" = "$want" ] || return 1
    st="$(sed -E 's/^.*\) (.).*$/\1/' "/proc/$pid/stat" 2>/dev/null)" || return 1
    [ -n "$st" ] && [ "$st" != Z ] && [ "$st" != X ]
}
