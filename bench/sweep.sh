#!/usr/bin/env bash
# bench/sweep.sh PGRAD WORK — the sweep's throughput, run by bench/run.sh:
# the wall time of `pgrad sweep cartpole -seeds 1-8` (a worker pool of one
# task per core) against the same 8 trainings run one after another with
# `pgrad train cartpole -seed N`, and a check that both gave the same
# evaluation returns. Writes WORK/sweep-throughput.json.
# Environment: SWEEP_SEEDS (default 8), SWEEP_ARGS (extra train flags, e.g.
# "-steps 100000"; default none: train's defaults), PYTHON.
set -euo pipefail
pgrad=$1
work=$2
n=${SWEEP_SEEDS:-8}
extra=${SWEEP_ARGS:-}
PYTHON=${PYTHON:-/usr/bin/python3}
jobs=$(nproc)
now() { date +%s.%N; }

# CPU seconds (user + system) of a phase's processes, children included,
# from bash's times: how many cores the phase kept busy, whatever the load.
# (times must run in this shell, not in a $(…) subshell, to see them.)
cpu_of() { awk 'NR == 2 { split($1, u, /[ms]/); split($2, s, /[ms]/); print u[1] * 60 + u[2] + s[1] * 60 + s[2] }' "$1"; }

load_before=$(cut -d' ' -f1-3 /proc/loadavg)
times >"$work/sweep-times-0.txt"
c0=$(cpu_of "$work/sweep-times-0.txt")
t0=$(now)
for s in $(seq 1 "$n"); do
	# shellcheck disable=SC2086
	"$pgrad" train cartpole -seed "$s" -quiet -json $extra >"$work/sweep-seq-$s.json"
done
t1=$(now)
times >"$work/sweep-times-1.txt"
c1=$(cpu_of "$work/sweep-times-1.txt")
rm -rf "$work/sweep"
# shellcheck disable=SC2086
"$pgrad" sweep cartpole -seeds "1-$n" -jobs "$jobs" -out "$work/sweep" -quiet $extra >"$work/sweep-stdout.txt" 2>"$work/sweep-stderr.txt"
t2=$(now)
times >"$work/sweep-times-2.txt"
c2=$(cpu_of "$work/sweep-times-2.txt")
load_after=$(cut -d' ' -f1-3 /proc/loadavg)

"$PYTHON" - "$work" "$n" "$jobs" "$t0" "$t1" "$t2" "$extra" "$load_before" "$load_after" "$c0" "$c1" "$c2" <<'PY'
import json, sys
work, n, jobs, t0, t1, t2, extra, lb, la, c0, c1, c2 = sys.argv[1:]
c0, c1, c2 = float(c0), float(c1), float(c2)
n, jobs, t0, t1, t2 = int(n), int(jobs), float(t0), float(t1), float(t2)
seq = [json.load(open(f"{work}/sweep-seq-{s}.json"))["eval_mean"] for s in range(1, n + 1)]
rep = json.load(open(f"{work}/sweep/report.json"))
got = rep["configs"][0]["scores"]
seeds = rep["configs"][0]["seeds"]
same = seeds == list(range(1, n + 1)) and got == seq
json.dump({"tasks": n, "jobs": jobs, "extra_args": extra, "sequential_seconds": round(t1 - t0, 2),
           "sweep_seconds": round(t2 - t1, 2), "speedup": round((t1 - t0) / (t2 - t1), 3),
           "sequential_cpu_seconds": round(c1 - c0, 2), "sweep_cpu_seconds": round(c2 - c1, 2),
           "same_results": same, "load_before": lb, "load_after": la},
          open(f"{work}/sweep-throughput.json", "w"))
PY
cat "$work/sweep-throughput.json"
echo
