#!/usr/bin/env bash
# bench/run.sh ('make bench') measures every speed figure of pgrad beside its
# reference implementation, on the same settings and seeds, and prints one
# table per comparison with the ratio and the machine. It also writes the
# tables to bench/RESULTS.md, the source of the README's figures.
#
# Environment: SEEDS (CartPole seeds, default 1,2,3), PYTHON (default
# Debian's /usr/bin/python3, which has numpy and torch), GO (default go),
# RESULTS (default bench/RESULTS.md; empty to write nothing), BENCH_WORK
# (a directory to keep the raw results in), TORCH_THREADS (the thread
# counts PyTorch runs with, such as "2 1"; default pgrad's, and 1).
set -euo pipefail
cd "$(dirname "$0")/.."

GO=${GO:-go}
PYTHON=${PYTHON:-/usr/bin/python3}
SEEDS=${SEEDS:-1,2,3}
RESULTS=${RESULTS-bench/RESULTS.md}

# BENCH_WORK keeps the raw JSON in a directory of one's choosing.
if [ -n "${BENCH_WORK:-}" ]; then
	work=$BENCH_WORK
	mkdir -p "$work"
else
	work=$(mktemp -d)
	trap 'rm -rf "$work"' EXIT
fi

say() { printf '%s\n' "bench: $*" >&2; }

if ! "$PYTHON" -c 'import json' >/dev/null 2>&1; then
	say "$PYTHON is missing; the references and the report need Python 3 (on Debian: apt-get install python3-numpy python3-torch)"
	exit 1
fi

have_py() { "$PYTHON" -c "import $1" >/dev/null 2>&1; }

say "building pgrad"
"$GO" build -o "$work/pgrad" ./cmd/pgrad
"$GO" version >"$work/go-version.txt"
uptime >"$work/load-before.txt" 2>/dev/null || true

# The tabular benches run on one goroutine; GOMAXPROCS=1 keeps the
# runtime's own helpers (GC) on that core too, so "one core" is literal.
say "gridworld: pgrad (one core)"
GOMAXPROCS=1 "$work/pgrad" bench gridworld -runs 10 -benchtime 3s -json >"$work/grid-pgrad.json"

if have_py numpy; then
	# The reference gets pgrad's settings from pgrad's own output, so the
	# two cannot drift apart.
	read -r lr gamma batch baseline entropy rollouts < <("$PYTHON" -c '
import json, sys
r = json.load(open(sys.argv[1])); s = r["settings"]
print(s["lr"], s["gamma"], s["batch"], s["baseline"], s["entropy"], r["rollouts_per_run"])' "$work/grid-pgrad.json")
	say "gridworld: numpy (lr $lr, gamma $gamma, batch $batch, baseline $baseline, entropy $entropy)"
	# numpy here links Debian's BLAS; the OPENBLAS_* tuning variables some
	# machines set are dropped for it, as for a plain shell.
	env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE "$PYTHON" bench/numpy/gridworld.py \
		--lr "$lr" --gamma "$gamma" --batch "$batch" --baseline "$baseline" --entropy "$entropy" \
		--rollouts "$rollouts" --runs 20 --check 30 --json >"$work/grid-numpy.json"
else
	say "gridworld: $PYTHON has no numpy; skipping the reference (apt-get install python3-numpy)"
fi

say "field: pgrad (one core)"
GOMAXPROCS=1 "$work/pgrad" bench field -runs 10 -benchtime 2s -json >"$work/field-pgrad.json"
if have_py numpy; then
	read -r lr batch baseline entropy tx ty width rollouts < <("$PYTHON" -c '
import json, sys
r = json.load(open(sys.argv[1])); s = r["settings"]
print(s["lr"], s["batch"], s["baseline"], s["entropy"], r["target"][0], r["target"][1], r["width"], r["rollouts_per_run"])' "$work/field-pgrad.json")
	say "field: numpy (lr $lr, batch $batch, baseline $baseline, entropy $entropy, target $tx,$ty, width $width)"
	env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE "$PYTHON" bench/numpy/field.py \
		--lr "$lr" --batch "$batch" --baseline "$baseline" --entropy "$entropy" --target "$tx" "$ty" --width "$width" \
		--rollouts "$rollouts" --runs 40 --check 30 --json >"$work/field-numpy.json"
fi

# The engine's own go test benchmarks: the same loops without the session
# (pg) or with it (lab), and one PPO iteration; the tabular ones on one core.
say "go test -bench: the engine's benchmarks"
: >"$work/gobench.txt"
for spec in "1 ./pg/ ^Benchmark(GridTrain|FieldTrain)$" "1 ./lab/ ^BenchmarkGridSession$" "$(nproc) ./pg/deep/ ^BenchmarkPPOCleanRL$"; do
	read -r cpu pkg pattern <<<"$spec"
	"$GO" test -run '^$' -bench "$pattern" -benchmem -cpu "$cpu" "$pkg" >>"$work/gobench.txt" 2>&1 ||
		say "go test -bench $pattern $pkg failed; its output is in the report"
done

say "cartpole: pgrad PPO, seeds $SEEDS"
"$work/pgrad" bench cartpole -seeds "$SEEDS" -json >"$work/cartpole-pgrad.jsonl"
threads=$("$PYTHON" -c 'import json, sys; print(json.loads(open(sys.argv[1]).readline())["threads"])' "$work/cartpole-pgrad.jsonl")

if have_py torch; then
	# PyTorch runs with pgrad's thread count, with one thread and with every
	# core: on a busy machine its OpenMP threads can make it several times
	# slower, on an idle one they may help, and the ratio is taken against
	# its fastest run so that it flatters nobody.
	torch_threads=${TORCH_THREADS:-$(printf '%s\n' "$threads" 1 "$(nproc)" | sort -run | tr '\n' ' ')}
	: >"$work/cartpole-pytorch.jsonl"
	for t in $torch_threads; do
		say "cartpole: PyTorch PPO, seeds $SEEDS, $t threads (about 30 s a seed)"
		"$PYTHON" bench/pytorch/ppo_cartpole.py --seeds "$SEEDS" --threads "$t" --json >>"$work/cartpole-pytorch.jsonl"
	done
else
	say "cartpole: $PYTHON has no torch; skipping the reference (apt-get install python3-torch)"
fi

say "sweep: pgrad sweep cartpole -seeds 1-8 against 8 trainings one after another"
bench/sweep.sh "$work/pgrad" "$work" >/dev/null || say "sweep: bench/sweep.sh failed"

# The browser figures come from a command the web engineers keep in
# bench/PERF_COMMAND.txt (lines starting with # are comments).
if [ -f bench/PERF_COMMAND.txt ]; then
	perf_cmd=$(grep -v '^[[:space:]]*#' bench/PERF_COMMAND.txt | sed '/^[[:space:]]*$/d')
	printf '%s\n' "$perf_cmd" >"$work/perf-command.txt"
	say "browser: $perf_cmd"
	if bash -c "$perf_cmd" >"$work/perf.txt" 2>"$work/perf-stderr.txt"; then
		:
	else
		say "browser: the command failed (status $?); its output is in the report"
		cat "$work/perf-stderr.txt" >>"$work/perf.txt"
		echo "FAILED" >"$work/perf-failed.txt"
	fi
fi

# The server soak test (issue 9): 500 keep-alive clients and 200 slow-body
# connections on 127.0.0.1 for 30 s.
soak_cmd="$GO test -count=1 -run '^TestSoak\$' -v ./web/ -soak -soak-time 30s -soak-clients 500 -soak-slow 200"
printf '%s\n' "$soak_cmd" >"$work/soak-command.txt"
say "server: soak test, 500 clients + 200 slow bodies for 30 s"
bash -c "$soak_cmd" >"$work/soak.txt" 2>&1 || say "server: the soak test failed; its output is in the report"

uptime >"$work/load-after.txt" 2>/dev/null || true
"$PYTHON" bench/report.py --dir "$work" --results "$RESULTS" --command "make bench  (./bench/run.sh, SEEDS=$SEEDS)"
