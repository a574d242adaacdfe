"""What the numpy references share: the self-check of the vectorised update,
the timed training runs from scratch, and the report (one JSON object with
--json, two lines otherwise)."""

import json
import sys
import time

import numpy as np


def run(a, name, spec, self_check, train, fields, summary):
    """Runs a.runs trainings after an optional self-check and reports them.

    train(a, seed) returns (success_rate, mean_return, extra, rollouts);
    fields(extras) gives the script's own JSON fields from the runs' extras;
    summary(out) ends the second line of the plain report. Returns the exit
    status.
    """
    if a.check:
        worst = self_check(a.check, a.seed)
        if worst > 1e-10:
            print(f"{name}: self-check failed: the vectorised update is off by {worst:g}", file=sys.stderr)
            return 1
        if not a.json:
            print(f"self-check: {a.check} random batches agree with {spec} (largest difference {worst:.1e})")

    total, results = 0, []
    start = time.perf_counter()
    for i in range(a.runs):
        sr, ret, extra, n = train(a, a.seed + i)
        results.append((sr, ret, extra))
        total += n
    seconds = time.perf_counter() - start

    out = {
        "impl": "numpy",
        "numpy": np.__version__,
        "runs": a.runs,
        "rollouts_per_run": total // a.runs,
        "rollouts": total,
        "seconds": seconds,
        "rollouts_per_second": total / seconds,
        "success_rate_last100_mean": float(np.mean([r[0] for r in results])),
        "success_rate_last100_min": float(np.min([r[0] for r in results])),
        "mean_return_last100": float(np.mean([r[1] for r in results])),
        **fields([r[2] for r in results]),
    }
    if a.json:
        print(json.dumps(out))
    else:
        print(f"numpy {np.__version__}: {a.runs} runs x {out['rollouts_per_run']} rollouts in {seconds:.2f} s: "
              f"{out['rollouts_per_second']:.0f} rollouts/s")
        print(f"success rate over the last 100 rollouts: mean {out['success_rate_last100_mean']:.3f}, "
              f"min {out['success_rate_last100_min']:.3f}; {summary(out)}")
    return 0
