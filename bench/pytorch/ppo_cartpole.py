#!/usr/bin/python3
"""PPO on CartPole-v1 in PyTorch: the reference that pgrad's PPO is timed against.

The algorithm and every hyperparameter follow CleanRL's ppo.py with its
published defaults (https://docs.cleanrl.dev/rl-algorithms/ppo/#ppopy):
4 environments x 128 steps, 4 minibatches, 4 epochs, learning rate 2.5e-4
annealed linearly to 0, gamma 0.99, GAE lambda 0.95, clip 0.2 (also for the
value loss), entropy 0.01, value coefficient 0.5, max-grad-norm 0.5, separate
64-64 tanh actor and critic with orthogonal init (gains sqrt(2), 0.01 for the
actor head, 1 for the critic head), Adam eps 1e-5, per-minibatch advantage
normalisation, 500,000 total steps. As in CleanRL, a truncated episode is
treated as terminated (no bootstrap from the final observation).

Gymnasium is not packaged in Debian, so CartPole-v1 is simulated here with
Gymnasium's constants, Euler integration order, uniform(-0.05, 0.05) reset,
+-2.4 / +-12 degree termination, 500-step truncation, float32 observations of
a float64 state, and the same-step auto-reset of Gymnasium 0.29's
SyncVectorEnv (the version CleanRL pins).

For each seed it prints the steps and seconds until the mean return of the
last 20 finished episodes first reaches --stop-at, and the steps per second.
As in pgrad's bench, the mean is checked at the end of each iteration (rollout
and update), so both clocks include the same work. Run it with Debian's /usr/bin/python3, which
has numpy and torch.
"""

import argparse
import collections
import json
import math
import sys
import time

import numpy as np
import torch
import torch.nn as nn


class CartPoleVec:
    """N copies of Gymnasium's CartPole-v1, stepped together with numpy."""

    gravity = 9.8
    masscart = 1.0
    masspole = 0.1
    total_mass = masspole + masscart
    length = 0.5  # half the pole's length, as in Gymnasium
    polemass_length = masspole * length
    force_mag = 10.0
    tau = 0.02
    theta_threshold = 12 * 2 * math.pi / 360
    x_threshold = 2.4
    max_steps = 500

    def __init__(self, n, seed):
        self.n = n
        self.rng = np.random.default_rng(seed)
        self.state = np.zeros((n, 4))
        self.elapsed = np.zeros(n, dtype=np.int64)
        self.ep_return = np.zeros(n)

    def reset(self):
        self.state = self.rng.uniform(-0.05, 0.05, size=(self.n, 4))
        self.elapsed[:] = 0
        self.ep_return[:] = 0
        return self.state.astype(np.float32)

    def step(self, action):
        """Steps every copy; finished copies are reset in the same call.

        It returns the observations (reset ones for finished copies), the
        rewards, terminated and truncated flags, and the returns of the
        episodes that finished in this step.
        """
        x, x_dot, theta, theta_dot = self.state.T
        force = np.where(action == 1, self.force_mag, -self.force_mag)
        costheta = np.cos(theta)
        sintheta = np.sin(theta)
        temp = (force + self.polemass_length * theta_dot**2 * sintheta) / self.total_mass
        thetaacc = (self.gravity * sintheta - costheta * temp) / (
            self.length * (4.0 / 3.0 - self.masspole * costheta**2 / self.total_mass)
        )
        xacc = temp - self.polemass_length * thetaacc * costheta / self.total_mass
        # Euler: positions move with the old velocities.
        self.state = np.stack(
            (x + self.tau * x_dot, x_dot + self.tau * xacc,
             theta + self.tau * theta_dot, theta_dot + self.tau * thetaacc),
            axis=1,
        )
        x, theta = self.state[:, 0], self.state[:, 2]
        terminated = (np.abs(x) > self.x_threshold) | (np.abs(theta) > self.theta_threshold)
        reward = np.ones(self.n)
        self.elapsed += 1
        self.ep_return += reward
        truncated = (self.elapsed >= self.max_steps) & ~terminated
        done = terminated | truncated
        finished = self.ep_return[done].tolist()
        if done.any():
            k = int(done.sum())
            self.state[done] = self.rng.uniform(-0.05, 0.05, size=(k, 4))
            self.elapsed[done] = 0
            self.ep_return[done] = 0
        return self.state.astype(np.float32), reward, terminated, truncated, finished


def layer_init(layer, std=np.sqrt(2), bias=0.0):
    nn.init.orthogonal_(layer.weight, std)
    nn.init.constant_(layer.bias, bias)
    return layer


class Agent(nn.Module):
    def __init__(self, obs_dim, n_actions):
        super().__init__()
        self.critic = nn.Sequential(
            layer_init(nn.Linear(obs_dim, 64)), nn.Tanh(),
            layer_init(nn.Linear(64, 64)), nn.Tanh(),
            layer_init(nn.Linear(64, 1), std=1.0),
        )
        self.actor = nn.Sequential(
            layer_init(nn.Linear(obs_dim, 64)), nn.Tanh(),
            layer_init(nn.Linear(64, 64)), nn.Tanh(),
            layer_init(nn.Linear(64, n_actions), std=0.01),
        )

    def value(self, x):
        return self.critic(x)

    def action_and_value(self, x, action=None):
        dist = torch.distributions.Categorical(logits=self.actor(x))
        if action is None:
            action = dist.sample()
        return action, dist.log_prob(action), dist.entropy(), self.critic(x)


def train(seed, a):
    np.random.seed(seed)
    torch.manual_seed(seed)
    # The clock starts before the networks are built, as pgrad's does.
    start = time.perf_counter()
    envs = CartPoleVec(a.num_envs, seed)
    agent = Agent(4, 2)
    opt = torch.optim.Adam(agent.parameters(), lr=a.lr, eps=1e-5)
    batch = a.num_envs * a.num_steps
    minibatch = batch // a.num_minibatches
    iterations = a.total_steps // batch

    obs = torch.zeros((a.num_steps, a.num_envs, 4))
    actions = torch.zeros((a.num_steps, a.num_envs))
    logprobs = torch.zeros((a.num_steps, a.num_envs))
    rewards = torch.zeros((a.num_steps, a.num_envs))
    dones = torch.zeros((a.num_steps, a.num_envs))
    values = torch.zeros((a.num_steps, a.num_envs))

    recent = collections.deque(maxlen=20)
    steps = 0
    reached_step, reached_sec = None, None
    next_obs = torch.tensor(envs.reset())
    next_done = torch.zeros(a.num_envs)

    for it in range(1, iterations + 1):
        opt.param_groups[0]["lr"] = (1.0 - (it - 1.0) / iterations) * a.lr

        for t in range(a.num_steps):
            steps += a.num_envs
            obs[t] = next_obs
            dones[t] = next_done
            with torch.no_grad():
                action, logprob, _, value = agent.action_and_value(next_obs)
                values[t] = value.flatten()
            actions[t] = action
            logprobs[t] = logprob
            o, r, term, trunc, finished = envs.step(action.numpy())
            rewards[t] = torch.tensor(r, dtype=torch.float32)
            next_obs = torch.tensor(o)
            next_done = torch.tensor(term | trunc, dtype=torch.float32)
            recent.extend(finished)

        with torch.no_grad():
            next_value = agent.value(next_obs).reshape(1, -1)
            adv = torch.zeros_like(rewards)
            last = 0
            for t in reversed(range(a.num_steps)):
                if t == a.num_steps - 1:
                    nonterminal = 1.0 - next_done
                    next_v = next_value
                else:
                    nonterminal = 1.0 - dones[t + 1]
                    next_v = values[t + 1]
                delta = rewards[t] + a.gamma * next_v * nonterminal - values[t]
                adv[t] = last = delta + a.gamma * a.gae_lambda * nonterminal * last
            returns = adv + values

        b_obs = obs.reshape(-1, 4)
        b_logprobs = logprobs.reshape(-1)
        b_actions = actions.reshape(-1).long()
        b_adv = adv.reshape(-1)
        b_returns = returns.reshape(-1)
        b_values = values.reshape(-1)

        idx = np.arange(batch)
        for _ in range(a.update_epochs):
            np.random.shuffle(idx)
            for lo in range(0, batch, minibatch):
                mb = idx[lo:lo + minibatch]
                _, newlogprob, entropy, newvalue = agent.action_and_value(b_obs[mb], b_actions[mb])
                ratio = (newlogprob - b_logprobs[mb]).exp()
                mb_adv = b_adv[mb]
                mb_adv = (mb_adv - mb_adv.mean()) / (mb_adv.std() + 1e-8)
                pg_loss = torch.max(
                    -mb_adv * ratio,
                    -mb_adv * torch.clamp(ratio, 1 - a.clip, 1 + a.clip),
                ).mean()
                newvalue = newvalue.view(-1)
                v_unclipped = (newvalue - b_returns[mb]) ** 2
                v_clipped = b_values[mb] + torch.clamp(newvalue - b_values[mb], -a.clip, a.clip)
                v_loss = 0.5 * torch.max(v_unclipped, (v_clipped - b_returns[mb]) ** 2).mean()
                loss = pg_loss - a.ent_coef * entropy.mean() + a.vf_coef * v_loss
                opt.zero_grad()
                loss.backward()
                nn.utils.clip_grad_norm_(agent.parameters(), a.max_grad_norm)
                opt.step()

        # Checked where pgrad checks: after the iteration's update.
        if reached_step is None and recent and sum(recent) / len(recent) >= a.stop_at:
            reached_step, reached_sec = steps, time.perf_counter() - start
            if not a.full:
                break

    seconds = time.perf_counter() - start
    return {
        "bench": "cartpole",
        "impl": "pytorch",
        "torch": torch.__version__,
        "stop_at": a.stop_at,
        "seed": seed,
        "threads": torch.get_num_threads(),
        "reached": reached_step is not None,
        "steps_to_target": reached_step,
        "seconds_to_target": reached_sec,
        "steps": steps,
        "seconds": seconds,
        "steps_per_second": steps / seconds,
        "final_mean_return": sum(recent) / len(recent) if recent else None,
    }


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--seeds", default="1,2,3", help="comma-separated seeds, one run each")
    p.add_argument("--threads", type=int, default=1, help="torch.set_num_threads: the cores pgrad uses")
    p.add_argument("--stop-at", type=float, default=475.0,
                   help="stop once the mean return of the last 20 finished episodes reaches this")
    p.add_argument("--full", action="store_true", help="train all --total-steps even after reaching --stop-at")
    p.add_argument("--json", action="store_true", help="one JSON object per seed on stdout")
    p.add_argument("--total-steps", type=int, default=500_000)
    p.add_argument("--lr", type=float, default=2.5e-4)
    p.add_argument("--num-envs", type=int, default=4)
    p.add_argument("--num-steps", type=int, default=128)
    p.add_argument("--num-minibatches", type=int, default=4)
    p.add_argument("--update-epochs", type=int, default=4)
    p.add_argument("--gamma", type=float, default=0.99)
    p.add_argument("--gae-lambda", type=float, default=0.95)
    p.add_argument("--clip", type=float, default=0.2)
    p.add_argument("--ent-coef", type=float, default=0.01)
    p.add_argument("--vf-coef", type=float, default=0.5)
    p.add_argument("--max-grad-norm", type=float, default=0.5)
    a = p.parse_args()
    try:
        seeds = [int(s) for s in a.seeds.split(",")]
    except ValueError:
        p.error(f"--seeds {a.seeds!r}: want comma-separated integers")
    if a.threads < 1:
        p.error("--threads must be at least 1")
    torch.set_num_threads(a.threads)

    for seed in seeds:
        r = train(seed, a)
        if a.json:
            print(json.dumps(r), flush=True)
        elif r["reached"]:
            print(f"seed {seed}: mean return {a.stop_at:g} after {r['steps_to_target']} steps, "
                  f"{r['seconds_to_target']:.1f} s; {r['steps_per_second']:.0f} steps/s "
                  f"({r['threads']} threads)", flush=True)
        else:
            print(f"seed {seed}: did not reach {a.stop_at:g} in {r['steps']} steps "
                  f"({r['seconds']:.1f} s, {r['steps_per_second']:.0f} steps/s, "
                  f"last mean {r['final_mean_return']})", flush=True)


if __name__ == "__main__":
    sys.exit(main())
