#!/bin/sh
# slurm-local.sh start DIR | stop DIR
#
# Starts a one-machine Slurm cluster for tests, as root and without
# systemd: a fresh munge key, munged on its own socket, a slurm.conf that
# makes this host (hostname -s, reached at 127.0.0.1) both controller and
# compute node, slurmctld and slurmd. Everything lives under DIR; clients
# find the cluster with SLURM_CONF=DIR/slurm.conf. "stop" ends what
# "start" started, by the PIDs it wrote to DIR/pids, and nothing else.
#
# Only loopback is used, and no name is looked up through DNS: the host
# name must be in /etc/hosts on a 127.x address, or start refuses.
# Ports: SLURM_TEST_PORT (default 16817) for slurmctld and the next one for
# slurmd. With SLURM_TEST_OWNER=PID, a watcher stops the cluster once that
# process is gone (a test binary killed before its cleanup ran).
set -eu
cmd=${1:-}
dir=${2:-}
[ -n "$cmd" ] && [ -n "$dir" ] || { echo "usage: $0 start|stop DIR" >&2; exit 2; }

stop() {
	[ -f "$dir/pids" ] || return 0
	# slurmd, slurmctld, then munged: the reverse of start.
	for pid in $(tac "$dir/pids"); do
		kill "$pid" 2>/dev/null || true
	done
	for pid in $(tac "$dir/pids"); do
		i=0
		while kill -0 "$pid" 2>/dev/null && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
		kill -9 "$pid" 2>/dev/null || true
	done
	rm -f "$dir/pids"
}

case $cmd in
stop)
	stop
	exit 0
	;;
start) ;;
*)
	echo "usage: $0 start|stop DIR" >&2
	exit 2
	;;
esac

[ "$(id -u)" = 0 ] || { echo "slurm-local: must run as root" >&2; exit 3; }
for b in munged slurmctld slurmd sbatch sinfo; do
	command -v $b >/dev/null 2>&1 || { echo "slurm-local: $b is not installed (Debian: slurm-wlm munge)" >&2; exit 3; }
done
host=$(hostname -s)
if ! awk -v h="$host" '$1 ~ /^127\./ { for (i = 2; i <= NF; i++) if ($i == h) found = 1 } END { exit !found }' /etc/hosts; then
	echo "slurm-local: $host is not on a 127.x line of /etc/hosts; add '127.0.0.1 $host' so Slurm resolves it without DNS" >&2
	exit 3
fi
port=${SLURM_TEST_PORT:-16817}
cpus=$(nproc)
mem=$(awk '/MemTotal/ { print int($2 / 1024 / 2) }' /proc/meminfo)

mkdir -p "$dir/munge" "$dir/state" "$dir/spool" "$dir/log"
chmod 700 "$dir/munge"
: >"$dir/pids"
trap 'stop' INT TERM

dd if=/dev/urandom of="$dir/munge/munge.key" bs=1024 count=1 2>/dev/null
chmod 400 "$dir/munge/munge.key"
munged --foreground --force --socket="$dir/munge/munge.socket" --key-file="$dir/munge/munge.key" \
	--pid-file="$dir/munge/munged.pid" --log-file="$dir/munge/munged.log" --seed-file="$dir/munge/munged.seed" >"$dir/munge/munged.out" 2>&1 &
echo $! >>"$dir/pids"

cat >"$dir/slurm.conf" <<CONF
ClusterName=pgradtest
SlurmctldHost=$host(127.0.0.1)
SlurmctldPort=$port
SlurmdPort=$((port + 1))
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
AuthInfo=socket=$dir/munge/munge.socket
CredType=cred/munge
StateSaveLocation=$dir/state
SlurmdSpoolDir=$dir/spool
SlurmctldPidFile=$dir/slurmctld.pid
SlurmdPidFile=$dir/slurmd.pid
SlurmctldLogFile=$dir/log/slurmctld.log
SlurmdLogFile=$dir/log/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
MpiDefault=none
SchedulerType=sched/backfill
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
ReturnToService=2
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
MaxArraySize=100001
MaxJobCount=200000
SlurmdTimeout=30
NodeName=$host NodeAddr=127.0.0.1 CPUs=$cpus RealMemory=$mem State=UNKNOWN
PartitionName=debug Nodes=$host Default=YES MaxTime=INFINITE State=UP
CONF
export SLURM_CONF="$dir/slurm.conf"

i=0
until [ -S "$dir/munge/munge.socket" ]; do
	i=$((i + 1)); [ $i -lt 100 ] || { echo "slurm-local: munged did not start (see $dir/munge/munged.log)" >&2; stop; exit 1; }
	sleep 0.1
done
slurmctld -D -i -f "$dir/slurm.conf" >"$dir/log/slurmctld.out" 2>&1 &
echo $! >>"$dir/pids"
slurmd -D -f "$dir/slurm.conf" >"$dir/log/slurmd.out" 2>&1 &
echo $! >>"$dir/pids"

# Ready when the node is idle.
i=0
until sinfo -h -N -o '%T' 2>/dev/null | grep -q '^idle'; do
	i=$((i + 1))
	if [ $i -ge 300 ]; then
		echo "slurm-local: the node did not become idle in 30 s (see $dir/log)" >&2
		sinfo -N 2>&1 | sed 's/^/  /' >&2 || true
		stop
		exit 1
	fi
	sleep 0.1
done
if [ -n "${SLURM_TEST_OWNER:-}" ]; then
	owner=$SLURM_TEST_OWNER
	daemons=$(tac "$dir/pids")
	(
		trap - INT TERM
		while kill -0 "$owner" 2>/dev/null; do sleep 2; done
		for pid in $daemons; do kill "$pid" 2>/dev/null || true; done
	) >/dev/null 2>&1 &
	echo $! >>"$dir/pids"
fi
echo "slurm-local: up: SLURM_CONF=$dir/slurm.conf"
