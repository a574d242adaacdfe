#!/usr/bin/python3
"""REINFORCE with a 2-D Gaussian policy on pgrad's field task, in numpy: the
reference that `pgrad bench field` is compared with.

It follows the field paragraph of pgrad's package pg documentation
(pg/doc.go) and pg/field.go: one step per rollout, the agent proposes
a = mu + sigma * n with n standard normal and earns
exp(-|a - target|^2 / (2 width^2)); after every batch of B rollouts

    mu_i       <- mu_i       + lr/B * sum (R - b) (a_i - mu_i) / sigma_i^2
    log sig_i  <- log sig_i  + lr/B * sum [(R - b) ((a_i - mu_i)^2 / sigma_i^2 - 1) + entropy]

then log sigma is clamped to [ln 0.05, 0]. The baseline b is 0 ("none") or
an exponential running mean of the rewards with rate 0.1 ("mean" and
"state"), moved rollout by rollout and used from the next batch on. The
policy starts at mu = (0, 0), sigma = (0.5, 0.5).

The B rollouts of a batch are drawn as one array. It prints rollouts per
second over whole training runs from scratch, the success rate (reward
above 0.5) over the last 100 rollouts of each run and the largest distance
of mu from the target at the end. Run it with Debian's /usr/bin/python3.
"""

import argparse
import math
import sys

import numpy as np

import runner

MIN_LOG_SIGMA, MAX_LOG_SIGMA = math.log(0.05), 0.0  # pg.MinLogSigma, pg.MaxLogSigma
INITIAL_LOG_SIGMA = math.log(0.5)  # lab.InitialSigma
BASELINE_RATE = 0.1  # pg.BaselineRate
SUCCESS = 0.5  # pg.FieldSuccess


def ema(values, start):
    """Runs m <- m + k (v - m) through values in order, in closed form."""
    keep = 1.0 - BASELINE_RATE
    n = len(values)
    return keep**n * start + (BASELINE_RATE * keep ** np.arange(n - 1, -1, -1) * values).sum()


class Field:
    def __init__(self, lr, batch, baseline, entropy, target, width, rng):
        self.lr, self.batch, self.baseline, self.entropy = lr, batch, baseline, entropy
        self.target, self.two_w2 = np.asarray(target, dtype=float), 2.0 * width * width
        self.rng = rng
        self.mu = np.zeros(2)
        self.log_sigma = np.full(2, INITIAL_LOG_SIGMA)
        self.mean = 0.0

    def run_batch(self, noise=None):
        """Draws one batch, updates the policy and returns the rewards."""
        sigma = np.exp(self.log_sigma)
        n = self.rng.standard_normal((self.batch, 2)) if noise is None else noise
        a = self.mu + sigma * n
        r = np.exp(-((a - self.target) ** 2).sum(axis=1) / self.two_w2)
        adv = r - (self.mean if self.baseline != "none" else 0.0)
        z = (a - self.mu) / sigma
        g_mu = (adv[:, None] * z / sigma).sum(axis=0)
        g_ls = (adv[:, None] * (z * z - 1)).sum(axis=0) + self.batch * self.entropy
        scale = self.lr / self.batch
        self.mu = self.mu + scale * g_mu
        self.log_sigma = np.clip(self.log_sigma + scale * g_ls, MIN_LOG_SIGMA, MAX_LOG_SIGMA)
        self.mean = ema(r, self.mean)
        return r


def spec_batch(mu, log_sigma, mean, noise, lr, baseline, entropy, target, width):
    """pg/field.go's rollout and update, one rollout at a time with Python floats."""
    sigma = [math.exp(l) for l in log_sigma]
    grad, mean_next = [0.0] * 4, mean
    for n in noise:
        a = [mu[i] + sigma[i] * n[i] for i in range(2)]
        r = math.exp(-((a[0] - target[0]) ** 2 + (a[1] - target[1]) ** 2) / (2 * width * width))
        adv = r - (mean if baseline != "none" else 0.0)
        for i in range(2):
            z = (a[i] - mu[i]) / sigma[i]
            grad[i] += adv * z / sigma[i]
            grad[2 + i] += adv * (z * z - 1)
        grad[2] += entropy
        grad[3] += entropy
        mean_next += BASELINE_RATE * (r - mean_next)
    scale = lr / len(noise)
    mu = [mu[i] + scale * grad[i] for i in range(2)]
    log_sigma = [min(max(log_sigma[i] + scale * grad[2 + i], MIN_LOG_SIGMA), MAX_LOG_SIGMA) for i in range(2)]
    return mu, log_sigma, mean_next


def self_check(cases, seed):
    """Compares the vectorised batch with spec_batch on random cases; returns the worst error."""
    rng = np.random.default_rng(seed)
    worst = 0.0
    for i in range(cases):
        B = int(rng.integers(1, 20))
        baseline = ("none", "mean", "state")[i % 3]
        lr, entropy, width = rng.uniform(0.001, 0.5), rng.choice([0.0, rng.uniform(0, 0.3)]), rng.uniform(0.1, 1)
        target = rng.uniform(-1, 1, 2)
        f = Field(lr, B, baseline, entropy, target, width, None)
        f.mu, f.log_sigma, f.mean = rng.uniform(-1, 1, 2), rng.uniform(-3, 0, 2), rng.uniform(0, 1)
        noise = rng.standard_normal((B, 2))
        want = spec_batch(f.mu.tolist(), f.log_sigma.tolist(), f.mean, noise.tolist(), lr, baseline,
                          entropy, target.tolist(), width)
        f.run_batch(noise)
        worst = max(worst, np.abs(f.mu - want[0]).max(), np.abs(f.log_sigma - want[1]).max(), abs(f.mean - want[2]))
    return worst


def train(a, seed):
    f = Field(a.lr, a.batch, a.baseline, a.entropy, a.target, a.width, np.random.default_rng(seed))
    batches = a.rollouts // a.batch
    rewards = np.empty(batches * a.batch)
    for i in range(batches):
        rewards[i * a.batch:(i + 1) * a.batch] = f.run_batch()
    last = rewards[-100:]
    return (last > SUCCESS).mean(), last.mean(), float(np.hypot(*(f.mu - f.target))), batches * a.batch


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--lr", type=float, required=True, help="learning rate (pgrad's -lr)")
    p.add_argument("--batch", type=int, required=True, help="rollouts per update (pgrad's -batch)")
    p.add_argument("--baseline", choices=("none", "mean", "state"), required=True)
    p.add_argument("--entropy", type=float, required=True, help="entropy bonus (pgrad's -entropy)")
    p.add_argument("--target", type=float, nargs=2, required=True, metavar=("X", "Y"))
    p.add_argument("--width", type=float, required=True)
    p.add_argument("--rollouts", type=int, required=True, help="rollouts per training run (rounded down to whole batches)")
    p.add_argument("--runs", type=int, default=10, help="training runs from scratch, seeds seed..seed+runs-1")
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--json", action="store_true", help="one JSON object on stdout")
    p.add_argument("--check", type=int, default=0, metavar="N",
                   help="first compare the vectorised update with a rollout-by-rollout transcription "
                        "of pg/field.go on N random batches; exit 1 on a mismatch")
    a = p.parse_args()
    if not (a.lr > 0 and math.isfinite(a.lr)):
        p.error("--lr must be positive and finite")
    if a.batch < 1 or a.rollouts < a.batch or a.runs < 1:
        p.error("want --batch >= 1, --rollouts >= --batch, --runs >= 1")
    if not (a.entropy >= 0 and math.isfinite(a.entropy)) or not (a.width > 0 and math.isfinite(a.width)):
        p.error("--entropy must be zero or positive, --width positive, both finite")

    return runner.run(
        a, "field.py", "pg/field.go's rule", self_check, train,
        lambda dists: {
            "mu_error_max": float(np.max(dists)),
            "constants": {"baseline_rate": BASELINE_RATE, "min_log_sigma": MIN_LOG_SIGMA, "max_log_sigma": MAX_LOG_SIGMA,
                          "initial_sigma": math.exp(INITIAL_LOG_SIGMA), "success_reward": SUCCESS},
        },
        lambda out: f"mu ends within {out['mu_error_max']:.3f} of the target")


if __name__ == "__main__":
    sys.exit(main())
