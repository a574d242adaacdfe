#!/usr/bin/python3
"""Turns the JSON that bench/run.sh collected into one table per comparison.

It prints the tables (Markdown, readable as plain text) with the machine they
ran on, and writes the same text to --results for the README.
"""

import argparse
import ctypes
import datetime
import json
import os
import platform
import re
import statistics
import sys


def load(path, lines=False):
    if not os.path.exists(path):
        return None
    with open(path) as f:
        if lines:
            return [json.loads(l) for l in f if l.strip()]
        return json.load(f)


def read(path):
    if not os.path.exists(path):
        return ""
    with open(path) as f:
        return f.read().strip()


def rate(x):
    if x is None:
        return "—"
    if x >= 1e6:
        return f"{x / 1e6:.2f}M"
    if x >= 1e4:
        return f"{x / 1e3:.0f}k"
    if x >= 1e3:
        return f"{x / 1e3:.1f}k"
    return f"{x:.0f}"


def cpu():
    model, family, number = "unknown CPU", "?", "?"
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                k, _, v = line.partition(":")
                k, v = k.strip(), v.strip()
                if k == "model name" and model == "unknown CPU":
                    model = v
                elif k == "cpu family" and family == "?":
                    family = v
                elif k == "model" and number == "?":
                    number = v
    except OSError:
        pass
    return f"{model} (family {family}, model {number})"


def blas_of_numpy():
    """Names the BLAS library numpy loaded and, for OpenBLAS, its kernel."""
    try:
        import numpy  # noqa: F401  (loads the library so /proc/self/maps shows it)
    except ImportError:
        return "no numpy"
    libs = set()
    with open("/proc/self/maps") as f:
        for line in f:
            path = line.split()[-1]
            if re.search(r"lib(open)?blas|libmkl|libblis", os.path.basename(path)):
                libs.add(os.path.realpath(path))
    if not libs:
        return "no BLAS library loaded"
    out = []
    for lib in sorted(libs):
        try:
            core = ctypes.CDLL(lib).openblas_get_corename
            core.restype = ctypes.c_char_p
            out.append(f"{lib} (OpenBLAS, kernel {core().decode()})")
        except (OSError, AttributeError):
            kind = "Debian's reference BLAS, libblas3" if "/blas/libblas.so" in lib else "not OpenBLAS"
            out.append(f"{lib} ({kind})")
    return ", ".join(out)


def machine(d):
    lines = [f"- CPU: {cpu()}, {os.cpu_count()} cores; {platform.system()} {platform.release()}"]
    lines.append(f"- Go: {read(os.path.join(d, 'go-version.txt')) or 'unknown'}")
    py = f"- Python {platform.python_version()} ({sys.executable})"
    try:
        import numpy
        py += f", numpy {numpy.__version__}"
    except ImportError:
        py += ", no numpy"
    try:
        import torch
        py += f", torch {torch.__version__}"
        cap = re.search(r"CPU capability usage: (\S+)", torch.__config__.show())
        if cap:
            py += f" (CPU capability {cap.group(1)}; torch.get_num_threads() is {torch.get_num_threads()} before the bench sets it)"
    except ImportError:
        py += ", no torch"
    lines.append(py)
    lines.append(f"- numpy's BLAS: {blas_of_numpy()} (run without OPENBLAS_CORETYPE/OPENBLAS_L2_SIZE; "
                 "the gridworld reference makes no BLAS calls)")
    loads = []
    for name, label in (("load-before.txt", "before"), ("load-after.txt", "after")):
        m = re.search(r"load average: (.*)", read(os.path.join(d, name)))
        if m:
            loads.append(f"{m.group(1)} {label}")
    if loads:
        lines.append(f"- Load average (1, 5, 15 min): {'; '.join(loads)}. Other work on the machine slows "
                     "every figure; a load above the number of cores means the timings are noisy.")
    return lines


def tabular_table(go, ref, ref_name, last_col, last):
    out = [f"| implementation | runs | seconds | rollouts/s | success rate, last 100 (mean / min) | {last_col} |",
           "| --- | ---: | ---: | ---: | --- | ---: |"]
    rows = [(f"pgrad (Go, GOMAXPROCS={go.get('gomaxprocs', '?')})", go)]
    if ref is not None:
        rows.append((f"numpy {ref.get('numpy', '')} ({ref_name})", ref))
    for name, r in rows:
        out.append(f"| {name} | {r['runs']} | {r['seconds']:.2f} | {rate(r['rollouts_per_second'])} | "
                   f"{r['success_rate_last100_mean']:.3f} / {r['success_rate_last100_min']:.3f} | {last(r)} |")
    if ref is not None:
        ratio = go["rollouts_per_second"] / ref["rollouts_per_second"]
        out.append(f"| **ratio pgrad / numpy** | | | **{ratio:.0f}×** | | |")
        differ = constants_differ(go.get("constants", {}), ref.get("constants", {}))
        if differ:
            out += ["", f"**Warning: the reference's constants differ from pgrad's ({differ}); update the numpy "
                        "script before trusting this comparison.**"]
    else:
        out.append("| numpy | not run (no numpy) | | | | |")
    return out


def constants_differ(a, b):
    keys = sorted(set(a) | set(b))
    bad = [f"{k}: pgrad {a.get(k)}, numpy {b.get(k)}" for k in keys
           if a.get(k) is None or b.get(k) is None or abs(a[k] - b[k]) > 1e-12 * max(1, abs(a[k]))]
    return "; ".join(bad)


def grid_section(go, ref):
    out = ["## Gridworld: tabular REINFORCE on the default 3×3 world, one core", ""]
    if go is None:
        return out + ["pgrad's figure is missing.", ""]
    s = go["settings"]
    out.append(f"Settings (pgrad's defaults, passed to both): lr {s['lr']}, γ {s['gamma']}, batch {s['batch']}, "
               f"baseline {s['baseline']}, entropy {s['entropy']}; each run trains {go['rollouts_per_run']} "
               "rollouts from the uniform policy. Rollouts/s counts whole runs, updates included; numpy steps "
               "the rollouts of a batch in lockstep as arrays.")
    out.append("")
    out += tabular_table(go, ref, "batch-vectorised", "greedy path at the goal",
                         lambda r: f"{r['greedy_reaches_goal']}/{r['runs']}")
    out += ["", "Target (issue 2): at least 3M rollouts/s on one core, about 200× the numpy version.", ""]
    return out


def field_section(go, ref):
    out = ["## Field: 2-D Gaussian REINFORCE, one core", ""]
    if go is None:
        return out + ["pgrad's figure is missing.", ""]
    s = go["settings"]
    out.append(f"Settings (pgrad's field defaults, passed to both): lr {s['lr']}, batch {s['batch']}, baseline "
               f"{s['baseline']}, entropy {s['entropy']}, target {go['target'][0]},{go['target'][1]}, width "
               f"{go['width']}; {go['rollouts_per_run']} rollouts per run; success means a reward above 0.5.")
    out.append("")
    out += tabular_table(go, ref, "batch-vectorised", "largest ‖μ − target‖ at the end",
                         lambda r: f"{r['mu_error_max']:.3f}")
    out.append("")
    return out


def fmt_opt(x, f):
    return "—" if x is None else f.format(x)


def best_by_seed(ref):
    """Picks, per seed, the PyTorch run that reached the target soonest (or ran fastest)."""
    best = {}
    for r in ref:
        key = (r["seconds_to_target"] is None, r["seconds_to_target"] or 0, -r["steps_per_second"])
        if r["seed"] not in best or key < best[r["seed"]][0]:
            best[r["seed"]] = (key, r)
    return {seed: r for seed, (_, r) in best.items()}


def cartpole_section(go, ref):
    out = ["## CartPole-v1: PPO with CleanRL's configuration, until the mean return of the last 20 episodes reaches 475", ""]
    if not go:
        return out + ["pgrad's figures are missing.", ""]
    threads = go[0]["threads"]
    tried = sorted({r["threads"] for r in (ref or [])}, reverse=True)
    out.append(f"Both run CleanRL's ppo.py defaults (4 envs × 128 steps, 4 minibatches × 4 epochs, lr 2.5e-4 annealed, "
               f"500k steps) on the same seeds. pgrad computes on {threads} goroutine(s); PyTorch ran with "
               f"torch.set_num_threads({' and '.join(map(str, tried)) or '—'}), and each seed's PyTorch columns "
               "show its fastest run, whose thread count is given. The clock runs from building the networks to "
               "the end of the first iteration whose 20-episode mean return is ≥ 475.")
    out.append("")
    out.append("| seed | pgrad steps | pgrad s | pgrad steps/s | PyTorch steps | PyTorch s | PyTorch steps/s | PyTorch threads | wall-time ratio | steps/s ratio |")
    out.append("| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    byseed = best_by_seed(ref or [])
    walls, rates = [], []
    for g in go:
        p = byseed.get(g["seed"])
        gs, gt = g["steps_to_target"], g["seconds_to_target"]
        row = [str(g["seed"]), fmt_opt(gs, "{:,}"), fmt_opt(gt, "{:.2f}"), rate(g["steps_per_second"])]
        if p is None:
            row += ["—"] * 6
        else:
            ps, pt = p["steps_to_target"], p["seconds_to_target"]
            row += [fmt_opt(ps, "{:,}"), fmt_opt(pt, "{:.1f}"), rate(p["steps_per_second"]), str(p["threads"])]
            wall = pt / gt if (pt is not None and gt is not None) else None
            rr = g["steps_per_second"] / p["steps_per_second"]
            if wall is not None:
                walls.append(wall)
            rates.append(rr)
            row += [fmt_opt(wall, "{:.1f}×"), f"{rr:.1f}×"]
        out.append("| " + " | ".join(row) + " |")
    if rates:
        mean_wall = f"**{statistics.mean(walls):.1f}×**" if walls else "—"
        out.append(f"| **mean** | | | | | | | | {mean_wall} | **{statistics.mean(rates):.1f}×** |")
    if ref is None:
        out += ["", "PyTorch was not run (no torch)."]
    elif len(tried) > 1:
        out += ["", "Every PyTorch run:", "",
                "| seed | threads | steps to 475 | seconds to 475 | steps/s |", "| ---: | ---: | ---: | ---: | ---: |"]
        for r in sorted(ref, key=lambda r: (r["seed"], -r["threads"])):
            out.append(f"| {r['seed']} | {r['threads']} | {fmt_opt(r['steps_to_target'], '{:,}')} | "
                       f"{fmt_opt(r['seconds_to_target'], '{:.1f}')} | {rate(r['steps_per_second'])} |")
    missed = [str(r["seed"]) for r in go + (ref or []) if not r["reached"]]
    if missed:
        out += ["", f"A dash means the run did not reach 475 within 500k steps (seeds {', '.join(sorted(set(missed)))})."]
    out += ["", "Target (issue 4): the same sample efficiency in one twentieth of PyTorch's wall time or less "
                "(at least 150k steps/s with both cores).", ""]
    return out


def gobench_section(d):
    raw = read(os.path.join(d, "gobench.txt"))
    if not raw:
        return []
    out = ["## The engine's go test benchmarks", "",
           "`go test -bench` on the loops themselves: pg's trainers (no session), lab's session (history, "
           "trajectories and curve included) and one PPO iteration. The tabular ones run 10,000-rollout runs from "
           "scratch, so more of their rollouts are the short ones of a learned policy than in the 2,000-rollout "
           "runs above.", "",
           "| benchmark | package | cores | speed | ns/op | allocs/op |", "| --- | --- | ---: | ---: | ---: | ---: |"]
    pkg, rows, failed = "?", 0, []
    for line in raw.splitlines():
        if line.startswith("pkg: "):
            pkg = line[5:].strip()
        elif line.startswith("--- FAIL") or line.startswith("FAIL"):
            failed.append(line)
        m = re.match(r"^(Benchmark\S+?)(?:-(\d+))?\s+\d+\s+(.*)$", line)
        if not m:
            continue
        fields = m.group(3).split()
        metrics = {unit: float(val) for val, unit in zip(fields[::2], fields[1::2])}
        speed = [f"{rate(v)} {u}" for u, v in metrics.items() if u.endswith("/s")]
        out.append(f"| {m.group(1)} | {pkg.rsplit('/', 1)[-1] if '/' in pkg else pkg} | {m.group(2) or 1} | "
                   f"{', '.join(speed) or '—'} | {metrics.get('ns/op', float('nan')):,.0f} | "
                   f"{metrics.get('allocs/op', float('nan')):.0f} |")
        rows += 1
    if not rows:
        out.append("| (no benchmark ran) | | | | | |")
    if failed:
        out += ["", "Some benchmarks failed:", "", "```", raw, "```"]
    out.append("")
    return out


def perf_section(d):
    cmd = read(os.path.join(d, "perf-command.txt"))
    if not cmd:
        return ["## Browser", "", "bench/PERF_COMMAND.txt is missing, so the browser figures were not measured.", ""]
    out = ["## Browser: the explainer in headless Chromium", "", f"Command: `{cmd}`", ""]
    if os.path.exists(os.path.join(d, "perf-failed.txt")):
        out.append("**The command failed.** Its output:")
    raw = read(os.path.join(d, "perf.txt"))
    perf = None
    cartpole = None
    for line in raw.splitlines():
        if line.startswith("PERF {"):
            try:
                perf = json.loads(line[len("PERF "):])
            except ValueError:
                pass
        if line.startswith("PERF_CARTPOLE {"):
            try:
                cartpole = json.loads(line[len("PERF_CARTPOLE "):])
            except ValueError:
                pass
    if perf is not None:
        try:
            out += perf_table(perf)
        except (KeyError, TypeError, ValueError) as e:
            # The PERF line belongs to the web tests; a renamed field costs
            # the table, not the report.
            out += [f"(The PERF line has a shape this report does not know: {e!r}; see the output below.)", ""]
    if cartpole is not None:
        try:
            out += cartpole_perf_table(cartpole)
        except (KeyError, TypeError, ValueError, ZeroDivisionError) as e:
            out += [f"(The PERF_CARTPOLE line has a shape this report does not know: {e!r}; see the output below.)", ""]
    out += ["<details><summary>The command's output</summary>", "", "```", raw or "(no output)", "```", "", "</details>", ""]
    return out


def cartpole_perf_table(c):
    """The CartPole section's PPO in the tab against pgrad train natively (issue 11)."""
    out = ["### CartPole-v1 PPO in the tab (issue 11)", "",
           "pgrad train's CartPole PPO defaults, trained by the page's section in headless Chromium "
           "and natively with the same seed, until the mean return of the last 20 episodes reaches 475. "
           "Load average beside each seed: the machine is shared.", "",
           "| seed | tab: steps/s | tab: training s to 475 | tab: frames/s (min) | native -portable steps/s | "
           "tab ÷ -portable (target ≥ 40 %) | native assembly steps/s | same steps to 475 | load |",
           "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | :---: | --- |"]
    for r in c["runs"]:
        solved = f"{r['tabSeconds']:.1f} s at {r['tabSteps']:,.0f} steps" if r["tabSolved"] else \
            f"not reached ({r['tabSeconds']:.1f} s, {r['tabSteps']:,.0f} steps)"
        out.append(f"| {r['seed']} | {r['tabStepsPerSec']:,.0f} | {solved} | {r['tabFps']:.0f} ({r['tabFpsMin']:.0f}) | "
                   f"{r['nativePortable']['stepsPerSecond']:,.0f} | {100 * r['tabRatioPortable']:.0f} % | "
                   f"{r['nativeAssembly']['stepsPerSecond']:,.0f} | {'yes' if r['sameCurveAsTab'] else 'no'} | {r['loadAverage']} |")
    ok = [r for r in c["runs"] if r["tabSolved"] and r["tabSeconds"] <= 10 and r["tabFpsMin"] >= 50]
    out += ["", f"Target: 475 within 10 s of training at ≥ 50 frames/s for 3 of 3 seeds: {len(ok)} of {len(c['runs'])} met. "
            f"How: {c.get('how', '?')}. Load average after: {c.get('loadAfter', '?')}; {c.get('cpus', '?')} CPUs.", ""]
    return out


def perf_table(p):
    """Lays the browser figures beside the targets of issue 3."""
    def row(name, value, target, ok):
        return f"| {name} | {value} | {target} | {'yes' if ok else '**no**'} |"

    mb = p["WasmGzipBytes"] / 1e6
    out = ["| figure | measured | target (issue 3) | met |", "| --- | ---: | ---: | :---: |",
           row("wasm, gzipped", f"{mb:.2f} MB ({p['WasmBytes'] / 1e6:.2f} MB raw)", "≤ 1 MB", mb <= 1),
           row("first interactive frame, cold load", f"{p['ColdFirstFrameMs']:.0f} ms", "≤ 500 ms",
               p["ColdFirstFrameMs"] <= 500),
           row("first interactive frame, warm (median)", f"{p['WarmFirstFrameMedianMs']:.0f} ms", "≤ 500 ms",
               p["WarmFirstFrameMedianMs"] <= 500)]
    for view, v in sorted(p.get("Views", {}).items()):
        out.append(row(f"training at full speed, {view} view", f"{v['FPS']:.1f} frames/s, "
                       f"{rate(v['RolloutsPerSecond'])} rollouts/s", "≥ 50 frames/s and ≥ 100k rollouts/s",
                       v["FPS"] >= 50 and v["RolloutsPerSecond"] >= 100_000))
    if p.get("Browser"):
        out += ["", f"Browser: {p['Browser']}, headless; load average {p.get('LoadAverage', '?')} before the run."]
    out.append("")
    return out


def soak_section(d):
    """The server soak test (web TestSoak -soak): latency, errors, memory."""
    cmd = read(os.path.join(d, "soak-command.txt"))
    if not cmd:
        return []
    raw = read(os.path.join(d, "soak.txt"))
    r = None
    for line in raw.splitlines():
        if line.startswith("SOAK {"):
            try:
                r = json.loads(line[len("SOAK "):])
            except ValueError:
                pass
    out = ["## Server: pgrad serve under load (issue 9)", "", f"Command: `{cmd}`", ""]
    if r is None:
        return out + ["**The soak test printed no result.** Its output:", "", "```", raw or "(no output)", "```", ""]
    out += ["| figure | measured |", "| --- | ---: |",
            f"| keep-alive clients on 127.0.0.1, for | {r['clients']}, {r['seconds']:.1f} s |",
            f"| requests (the page's files), rate | {r['requests']:,} ({r['requests'] / r['seconds']:,.0f}/s) |",
            f"| request latency p50 / p99 / max | {r['p50_ms']:.1f} / {r['p99_ms']:.1f} / {r['max_ms']:.0f} ms |",
            f"| request errors | {r['errors']} |",
            f"| slow-body connections at once (Content-Length 200000, a byte a second) | {r['slow_conns']} |",
            f"| slow bodies answered (405 at once, connection closed) / not answered | {r['slow_answered']:,} / {r['slow_unanswered']} |",
            f"| server heap in use before → after (after GC) | {r['heap_before_mb']:.1f} → {r['heap_after_mb']:.1f} MB |",
            f"| goroutines before → after | {r['goroutines_before']} → {r['goroutines_after']} |",
            "",
            f"Clients and server share one process and the machine's {r['cores']} cores, so the latency "
            "includes the clients' own scheduling; the figure to watch is that nothing errs, every slow body "
            "is answered and memory and goroutines come back.", ""]
    return out


def sweep_section(r):
    if r is None:
        return []
    extra = f" {r['extra_args']}" if r.get("extra_args") else ""
    out = [f"## Sweep throughput: `pgrad sweep cartpole -seeds 1-{r['tasks']}{extra}`", "",
           f"The sweep's local worker pool ({r['jobs']} tasks at once, one per core) against the same {r['tasks']} "
           f"trainings run one after another (`pgrad train cartpole -seed N{extra}`), each with its "
           "deterministic evaluation; the sweep's time includes its report (10,000 bootstrap resamples). Target (issue 12): "
           "at least 1.8× on 2 cores.", "",
           "| | seconds |", "| --- | ---: |",
           f"| {r['tasks']} trainings one after another | {r['sequential_seconds']:.1f} |",
           f"| pgrad sweep, -jobs {r['jobs']} | {r['sweep_seconds']:.1f} |",
           f"| **speed-up** | **{r['speedup']:.2f}×** |", ""]
    if "sweep_cpu_seconds" in r:
        seq_c, sw_c = r["sequential_cpu_seconds"] / r["sequential_seconds"], r["sweep_cpu_seconds"] / r["sweep_seconds"]
        out += [f"Cores kept busy (CPU seconds of the phase's processes per wall second): {seq_c:.2f} one after another, "
                f"{sw_c:.2f} in the sweep. On a shared machine the wall-time ratio is bounded by the cores the "
                "scheduler grants, which this shows.", ""]
    out += [
           f"Same evaluation returns, seed by seed: {'yes' if r['same_results'] else 'NO'}. "
           f"Load average before and after: {r['load_before']}; {r['load_after']}.", ""]
    return out


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--dir", required=True, help="the directory bench/run.sh wrote its results to")
    p.add_argument("--results", default="", help="also write the report to this file")
    p.add_argument("--command", default="make bench", help="the command that produced the results")
    a = p.parse_args()
    d = a.dir
    now = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    out = ["# pgrad speed figures", "",
           f"Measured {now} by `{a.command}`. Every figure comes from one run of that command; "
           "run it again to check them on your machine.", "", "Machine:", ""]
    out += machine(d)
    out.append("")
    out += grid_section(load(os.path.join(d, "grid-pgrad.json")), load(os.path.join(d, "grid-numpy.json")))
    out += cartpole_section(load(os.path.join(d, "cartpole-pgrad.jsonl"), lines=True),
                            load(os.path.join(d, "cartpole-pytorch.jsonl"), lines=True))
    out += field_section(load(os.path.join(d, "field-pgrad.json")), load(os.path.join(d, "field-numpy.json")))
    out += gobench_section(d)
    out += sweep_section(load(os.path.join(d, "sweep-throughput.json")))
    out += perf_section(d)
    out += soak_section(d)
    text = "\n".join(out).rstrip() + "\n"
    sys.stdout.write(text)
    if a.results:
        with open(a.results, "w") as f:
            f.write(text)
        print(f"\n(written to {a.results})")


if __name__ == "__main__":
    sys.exit(main())
