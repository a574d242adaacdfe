#!/usr/bin/env python3
"""An independent numpy implementation of the statistics of pgrad's stats
package, after the definitions of rliable (Agarwal et al. 2021): the
interquartile mean (scipy's trim_mean with 0.25: floor(n/4) cut at each
end), stratified percentile bootstrap intervals, the probability of
improvement (Mann-Whitney U / mn, averaged over strata) and the run-score
distribution (fraction of runs strictly above each threshold).

Reads one JSON object on stdin:
  {"scores": [[...], ...], "x": [[...]], "y": [[...]], "taus": [...],
   "curves": [[...], ...], "resamples": R, "seed": S}
and prints one JSON object with the point estimates and 95% intervals. The
resampling uses numpy's own generator, so intervals agree with pgrad's only
within Monte-Carlo error; point estimates agree exactly (to rounding).
"""
import json
import sys

import numpy as np


def pooled(scores):
    return np.concatenate([np.asarray(s, dtype=float) for s in scores])


def iqm(scores):
    x = np.sort(pooled(scores))
    k = int(len(x) * 0.25)
    return float(np.mean(x[k:len(x) - k]))


def mean(scores):
    return float(np.mean(pooled(scores)))


def median(scores):
    return float(np.median(pooled(scores)))


def poi(x, y):
    total = 0.0
    for a, b in zip(x, y):
        a = np.asarray(a, dtype=float)[:, None]
        b = np.asarray(b, dtype=float)[None, :]
        total += float(np.mean((a > b) + 0.5 * (a == b)))
    return total / len(x)


def profile(scores, taus):
    taus = np.asarray(taus, dtype=float)
    per = [np.mean(np.asarray(s, dtype=float)[:, None] > taus[None, :], axis=0) for s in scores]
    return np.mean(per, axis=0)


def resample(rng, scores):
    return [np.asarray(s, dtype=float)[rng.integers(0, len(s), len(s))] for s in scores]


def interval(values, point):
    lo, hi = np.percentile(np.asarray(values), [2.5, 97.5], axis=0)
    return {"point": point, "lo": lo.tolist() if np.ndim(lo) else float(lo),
            "hi": hi.tolist() if np.ndim(hi) else float(hi)}


def main():
    req = json.load(sys.stdin)
    rng = np.random.default_rng(req["seed"])
    R = req["resamples"]
    scores = req["scores"]
    out = {}
    for name, f in (("mean", mean), ("median", median), ("iqm", iqm)):
        reps = [f(resample(rng, scores)) for _ in range(R)]
        out[name] = interval(reps, f(scores))
    x, y = req["x"], req["y"]
    reps = [poi(resample(rng, x), resample(rng, y)) for _ in range(R)]
    out["poi"] = interval(reps, poi(x, y))
    taus = req["taus"]
    reps = [profile(resample(rng, scores), taus) for _ in range(R)]
    out["profile"] = interval(reps, profile(scores, taus).tolist())
    curves = np.asarray(req["curves"], dtype=float)
    reps = [curves[rng.integers(0, len(curves), len(curves))].mean(axis=0) for _ in range(R)]
    out["curve"] = interval(reps, curves.mean(axis=0).tolist())
    json.dump(out, sys.stdout)


if __name__ == "__main__":
    main()
