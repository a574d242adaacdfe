#!/usr/bin/python3
"""Tabular REINFORCE on the default 3x3 gridworld in numpy: the reference that
pgrad's gridworld training is timed against.

It implements the update specified in pgrad's package pg documentation
(pg/doc.go) on env.DefaultGrid(): start (2,0), goal (0,2) +1, pit (1,1) -1,
moves up/right/down/left, a move into the edge stays in place, and a step cap
of 4 x cells moves (36) that ends the rollout with reward 0. For a batch of B
rollouts drawn with the same theta:

    theta <- theta + lr/B * sum_rollouts sum_t [ grad log pi(a_t|s_t) (G_t - b(s_t))
                                               + entropy * grad H(pi(.|s_t)) ]

with the baselines "none", "mean" (one running mean of the returns-to-go) or
"state" (one per state), both exponential means with rate 0.1, held fixed
during a batch and moved through the batch's steps, rollout by rollout and t
ascending, after the update.

It is written the way a numpy programmer would write it for speed: the B
rollouts of a batch advance in lockstep as arrays, and the update is a few
bincounts rather than a Python loop over steps. Random numbers come from
numpy's PCG64, so runs are not bit-identical to pgrad's; the statistics are
what is comparable.

It prints rollouts per second over whole training runs from scratch and the
success rate over the last 100 rollouts of each run, so one can see it learn.
Run it with Debian's /usr/bin/python3, which has numpy.
"""

import argparse
import math
import sys

import numpy as np

import runner

SIZE = 3
STATES = SIZE * SIZE
ACTIONS = 4
START = 2 * SIZE + 0
GOAL = 0 * SIZE + 2
PIT = 1 * SIZE + 1
CAP = 4 * STATES
BASELINE_RATE = 0.1  # pg.BaselineRate
MOVES = ((-1, 0), (0, 1), (1, 0), (0, -1))  # up, right, down, left


def transition_table():
    nxt = np.empty((STATES, ACTIONS), dtype=np.int64)
    for s in range(STATES):
        r, c = divmod(s, SIZE)
        for a, (dr, dc) in enumerate(MOVES):
            rr, cc = r + dr, c + dc
            inside = 0 <= rr < SIZE and 0 <= cc < SIZE
            nxt[s, a] = rr * SIZE + cc if inside else s
    return nxt


NEXT = transition_table()
REWARD = np.zeros(STATES)
REWARD[GOAL], REWARD[PIT] = 1.0, -1.0
TERMINAL = np.zeros(STATES, dtype=bool)
TERMINAL[[GOAL, PIT]] = True


def ema(values, groups, ngroups, start):
    """Runs m <- m + k (v - m) through values in order, one mean per group.

    The closed form of the sequential recursion: the i-th of n values of a
    group gets weight k (1-k)^(n-1-i), and the old mean (1-k)^n.
    """
    order = np.argsort(groups, kind="stable")
    g = groups[order]
    counts = np.bincount(g, minlength=ngroups)
    first = np.cumsum(counts) - counts
    rank = np.arange(len(g)) - first[g]
    keep = 1.0 - BASELINE_RATE
    w = BASELINE_RATE * keep ** (counts[g] - 1 - rank)
    return keep**counts * start + np.bincount(g, weights=w * values[order], minlength=ngroups)


class Reinforce:
    def __init__(self, lr, gamma, batch, baseline, entropy, rng):
        self.lr, self.gamma, self.batch = lr, gamma, batch
        self.baseline, self.entropy, self.rng = baseline, entropy, rng
        self.theta = np.zeros((STATES, ACTIONS))
        self.mean_b = np.zeros(1)
        self.state_b = np.zeros(STATES)
        # Preallocated per-step records of one batch, time-major.
        self.s = np.empty((CAP, batch), dtype=np.int64)
        self.a = np.empty((CAP, batch), dtype=np.int64)
        self.r = np.zeros((CAP, batch))
        self.alive = np.zeros((CAP, batch), dtype=bool)
        self.G = np.zeros((CAP, batch))

    def policy(self):
        z = self.theta - self.theta.max(axis=1, keepdims=True)
        logp = z - np.log(np.exp(z).sum(axis=1, keepdims=True))
        return np.exp(logp), logp

    def run_batch(self):
        """Draws one batch of rollouts, updates theta, returns their returns and successes."""
        B = self.batch
        p, logp = self.policy()
        cum = np.cumsum(p, axis=1)
        s = np.full(B, START)
        alive = np.ones(B, dtype=bool)
        success = np.zeros(B, dtype=bool)
        for t in range(CAP):
            u = self.rng.random(B)
            # The first action whose cumulative probability exceeds u.
            a = np.minimum((u[:, None] >= cum[s]).sum(axis=1), ACTIONS - 1)
            nxt = NEXT[s, a]
            self.s[t], self.a[t], self.alive[t] = s, a, alive
            self.r[t] = np.where(alive, REWARD[nxt], 0.0)
            success |= alive & (nxt == GOAL)
            alive = alive & ~TERMINAL[nxt]
            s = nxt
            if not alive.any():
                break
        T = t + 1

        g = np.zeros(B)
        for t in range(T - 1, -1, -1):
            g = self.r[t] + self.gamma * g
            self.G[t] = g

        # Rollout by rollout, t ascending: the order of the baseline updates.
        m = self.alive[:T].T
        self.update(p, logp, self.s[:T].T[m], self.a[:T].T[m], self.G[:T].T[m])
        return self.r[:T].sum(axis=0), success

    def update(self, p, logp, st, at, Gt):
        """Applies the batch's update given its steps in rollout-major order."""
        if self.baseline == "mean":
            coef = Gt - self.mean_b[0]
        elif self.baseline == "state":
            coef = Gt - self.state_b[st]
        else:
            coef = Gt
        # sum_t coef_t (onehot(a_t) - pi(.|s_t)) + entropy * grad H(s_t), grouped by state.
        grad = np.bincount(st * ACTIONS + at, weights=coef, minlength=STATES * ACTIONS).reshape(STATES, ACTIONS)
        grad -= p * np.bincount(st, weights=coef, minlength=STATES)[:, None]
        if self.entropy:
            H = -(p * logp).sum(axis=1, keepdims=True)
            visits = np.bincount(st, minlength=STATES)[:, None]
            grad += self.entropy * visits * (-p * (logp + H))
        self.theta += (self.lr / self.batch) * grad

        self.mean_b = ema(Gt, np.zeros(len(Gt), dtype=np.int64), 1, self.mean_b)
        self.state_b = ema(Gt, st, STATES, self.state_b)

    def greedy_reaches_goal(self):
        s, seen = START, set()
        while s not in seen and not TERMINAL[s]:
            seen.add(s)
            s = NEXT[s, int(np.argmax(self.theta[s]))]
        return s == GOAL


class ReplayUniforms:
    """Stands in for a numpy Generator, handing out the rows of U in turn."""

    def __init__(self, U):
        self.U, self.t = U, 0

    def random(self, n):
        row = self.U[self.t, :n]
        self.t += 1
        return row


def spec_batch(theta, mean_b, state_b, U, lr, gamma, baseline, entropy):
    """The update of pg/doc.go written out step by step with Python floats.

    Rollout b uses U[t][b] at its step t. It returns the new theta and the
    two running baselines.
    """
    B = len(U[0])
    theta = [row[:] for row in theta]
    state_b = state_b[:]
    logp, p, H = [], [], []
    for s in range(STATES):
        m = max(theta[s])
        lz = math.log(sum(math.exp(x - m) for x in theta[s]))
        logp.append([x - m - lz for x in theta[s]])
        p.append([math.exp(l) for l in logp[s]])
        H.append(-sum(pp * l for pp, l in zip(p[s], logp[s])))
    steps = []
    for b in range(B):
        s, traj = START, []
        for t in range(CAP):
            a, c = ACTIONS - 1, 0.0
            for j in range(ACTIONS):
                c += p[s][j]
                if U[t][b] < c:
                    a = j
                    break
            n = int(NEXT[s, a])
            traj.append((s, a, REWARD[n]))
            s = n
            if TERMINAL[n]:
                break
        G, Gs = 0.0, [0.0] * len(traj)
        for t in range(len(traj) - 1, -1, -1):
            G = traj[t][2] + gamma * G
            Gs[t] = G
        steps += [(s, a, Gs[t]) for t, (s, a, _) in enumerate(traj)]
    g = [[0.0] * ACTIONS for _ in range(STATES)]
    for s, a, G in steps:
        base = {"none": 0.0, "mean": mean_b, "state": state_b[s]}[baseline]
        for j in range(ACTIONS):
            g[s][j] += (G - base) * ((j == a) - p[s][j]) + entropy * (-p[s][j] * (logp[s][j] + H[s]))
    for s in range(STATES):
        for j in range(ACTIONS):
            theta[s][j] += lr / B * g[s][j]
    for s, a, G in steps:
        mean_b += BASELINE_RATE * (G - mean_b)
        state_b[s] += BASELINE_RATE * (G - state_b[s])
    return theta, mean_b, state_b


def self_check(cases, seed):
    """Compares the vectorised batch with spec_batch on random cases; returns the worst error."""
    rng = np.random.default_rng(seed)
    worst = 0.0
    for i in range(cases):
        B = int(rng.integers(1, 20))
        baseline = ("none", "mean", "state")[i % 3]
        lr, gamma, entropy = rng.uniform(0.01, 2), rng.uniform(0.5, 1), rng.choice([0.0, rng.uniform(0, 0.5)])
        U = rng.random((CAP, B))
        agent = Reinforce(lr, gamma, B, baseline, entropy, ReplayUniforms(U))
        agent.theta = rng.normal(0, 1.5, (STATES, ACTIONS))
        agent.mean_b = rng.normal(0, 0.5, 1)
        agent.state_b = rng.normal(0, 0.5, STATES)
        want = spec_batch(agent.theta.tolist(), float(agent.mean_b[0]), agent.state_b.tolist(),
                          U.tolist(), lr, gamma, baseline, entropy)
        agent.run_batch()
        worst = max(worst, np.abs(agent.theta - np.array(want[0])).max(),
                    abs(agent.mean_b[0] - want[1]), np.abs(agent.state_b - np.array(want[2])).max())
    return worst


def train(a, seed):
    agent = Reinforce(a.lr, a.gamma, a.batch, a.baseline, a.entropy, np.random.default_rng(seed))
    batches = a.rollouts // a.batch
    successes = np.zeros(batches * a.batch, dtype=bool)
    returns = np.zeros(batches * a.batch)
    for i in range(batches):
        ret, ok = agent.run_batch()
        successes[i * a.batch:(i + 1) * a.batch] = ok
        returns[i * a.batch:(i + 1) * a.batch] = ret
    return successes[-100:].mean(), returns[-100:].mean(), agent.greedy_reaches_goal(), batches * a.batch


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--lr", type=float, required=True, help="learning rate (pgrad's -lr)")
    p.add_argument("--gamma", type=float, required=True, help="discount (pgrad's -gamma)")
    p.add_argument("--batch", type=int, required=True, help="rollouts per update (pgrad's -batch)")
    p.add_argument("--baseline", choices=("none", "mean", "state"), required=True)
    p.add_argument("--entropy", type=float, required=True, help="entropy bonus (pgrad's -entropy)")
    p.add_argument("--rollouts", type=int, required=True, help="rollouts per training run (rounded down to whole batches)")
    p.add_argument("--runs", type=int, default=10, help="training runs from scratch, seeds seed..seed+runs-1")
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--json", action="store_true", help="one JSON object on stdout")
    p.add_argument("--check", type=int, default=0, metavar="N",
                   help="first compare the vectorised update with a step-by-step transcription "
                        "of pg's specification on N random batches; exit 1 on a mismatch")
    a = p.parse_args()
    if not (a.lr > 0 and math.isfinite(a.lr)):
        p.error("--lr must be positive and finite")
    if not (0 < a.gamma <= 1):
        p.error("--gamma must be in (0, 1]")
    if a.batch < 1 or a.rollouts < a.batch or a.runs < 1:
        p.error("want --batch >= 1, --rollouts >= --batch, --runs >= 1")
    if not (a.entropy >= 0 and math.isfinite(a.entropy)):
        p.error("--entropy must be zero or positive and finite")

    return runner.run(
        a, "gridworld.py", "the step-by-step specification", self_check, train,
        lambda greedy: {"greedy_reaches_goal": int(sum(greedy)), "constants": {"baseline_rate": BASELINE_RATE, "step_cap": CAP}},
        lambda out: f"greedy path reaches the goal in {out['greedy_reaches_goal']}/{a.runs} runs")


if __name__ == "__main__":
    sys.exit(main())
