// widgets/policy.js is the seed's gridworld in the lab: the Policy and
// Trajectories views of one lab.Grid session (bridge methods step, setGoal,
// setPit, settings, setSettings). It draws the session's frames and turns
// clicks on cells into goal and pit moves; the lab section (lab.js) owns
// the buttons, sliders, stats, chart and status line it shares with the
// Gaussian view.

import { gridOffsets, newGridOffsets, GOAL, PIT, CAPPED } from "../frame.js";
import { GridView, cellName } from "../grid.js";

export class PolicyWidget {
  // host is the lab section: say(msg, warn), changed(session), saveHash(),
  // isActive(session), showCommon(session) and the hash schema.
  constructor(host, svg, readout) {
    this.host = host;
    this.name = "grid";
    this.unit = "rollout";
    this.defaultSpeed = 4; // 2 rollouts a frame: the grid learns in a few hundred, move by move
    this.off = newGridOffsets();
    this.frameBuf = null;
    this.api = null;
    this.view = new GridView(svg, (r, c, shift) => this.pickCell(r, c, shift), readout);
    this.placePit = document.getElementById("place-pit");
    this.shadeBox = document.getElementById("shade-baseline");
    this.shadeLegend = document.getElementById("shade-legend");
    this.shadeScale = document.getElementById("shade-scale");
    this.shadeText = "";
    this.shadeBox.addEventListener("change", () => {
      this.view.setShade(this.shadeBox.checked);
      this.shadeLegend.hidden = !this.shadeBox.checked;
      this.showShadeScale();
    });
    this.labels = {
      n: "rollouts", window: "over the last 100 rollouts", a: "success rate", b: "mean return",
      chartA: "success rate", chartB: "mean return", chartC: "goal or pit moved", range: [-1, 1],
    };
  }

  attach(api) {
    this.api = api;
    const g = api.step(0);
    const o = gridOffsets(g, newGridOffsets());
    this.defaults = {
      settings: api.settings(),
      goal: this.cellOf(o.goal, o.size),
      pit: o.nPits > 0 ? this.cellOf(g[o.pits], o.size) : "",
    };
  }

  cellOf(i, n) {
    return `${Math.floor(i / n)},${i % n}`;
  }

  rollouts() {
    return this.off.rollouts;
  }

  batch() {
    return Math.max(1, this.off.batch || 1);
  }

  // step runs n rollouts (one crossing into wasm) and draws the frame.
  step(n) {
    this.show(this.api.step(n));
  }

  // peek takes the current frame without drawing it (the view is hidden).
  peek() {
    this.frameBuf = this.api.step(0);
    gridOffsets(this.frameBuf, this.off);
  }

  show(f) {
    this.frameBuf = f;
    const o = gridOffsets(f, this.off);
    this.view.update(f, o);
    this.showShadeScale();
    this.showGreedyEnd(f, o);
    if (this.host.isActive(this)) {
      this.host.showCommon(this, o.rollouts, o.success, Number.isNaN(o.meanReturn) ? "–" : signed(o.meanReturn), f, o);
    }
  }

  flush(force) {
    this.view.flush(force);
  }

  // showGreedyEnd says how the greedy path ends, as pgrad train does
  // ("loops" when it comes back to a cell it visited).
  showGreedyEnd(f, o) {
    const last = o.nGreedy > 0 ? f[o.greedy + o.nGreedy - 1] : o.start;
    const where = cellName(Math.floor(last / o.size), last % o.size, o.size);
    const text = "Greedy path (the likeliest move from each cell, from the start): " + [
      `loops: it comes back to ${where}, so it never ends.`,
      "reaches the goal.",
      "falls into the pit.",
      "hits the step cap.",
    ][o.greedyEnd];
    if (text !== this.greedyText) {
      this.greedyText = text;
      document.getElementById("greedy-end").textContent = text;
    }
  }

  // showShadeScale says what full shade stands for; the numbers are the
  // engine's b(s).
  showShadeScale() {
    if (!this.shadeBox.checked || !this.frameBuf) {
      return;
    }
    const o = this.off;
    const kind = ["off (b = 0)", "one running mean of returns for every cell", "a running mean of the returns from each cell"][o.baselineKind];
    const max = this.view.shadeMax;
    const text = max > 0
      ? `The baseline is ${kind}; the darkest shade is |b| = ${max.toFixed(2)}, lighter ones proportionally less.`
      : `The baseline is ${kind}; every b(s) is 0 so far, so no cell is shaded.`;
    if (text !== this.shadeText) {
      this.shadeText = text;
      this.shadeScale.textContent = text;
    }
  }

  setMode(mode) {
    this.view.setMode(mode);
  }

  forceRedraw() {
    this.view.lastRollouts = -1;
  }

  settings() {
    return this.api.settings();
  }

  setSettings(s) {
    this.api.setSettings(s);
  }

  // replay returns the pgrad command that reproduces the session bit for
  // bit.
  replay(s) {
    const o = this.off;
    const d = this.defaults;
    const cell = (i) => this.cellOf(i, o.size);
    const pit = o.nPits > 0 ? cell(this.frameBuf[o.pits]) : "";
    return `pgrad train gridworld -seed ${s.seed} -rollouts ${o.rollouts}` +
      (cell(o.goal) !== d.goal ? ` -goal ${cell(o.goal)}` : "") +
      (pit !== d.pit ? ` -pits '${pit}'` : "") +
      flags(s, d.settings);
  }

  // baselineHint says what the baseline setting s.baseline computes.
  // With the whole-return credit every step's weight is G₀ (pg/doc.go:
  // W_t), and the running means track those weights.
  baselineHint(s) {
    const g = s.credit === "return" ? "G₀" : "Gₜ";
    const w = s.credit === "return" ? "the whole-rollout returns G₀" : "the returns-to-go Gₜ";
    return {
      none: `b = 0: every move is weighted by its ${g} alone.`,
      mean: `b = one running mean (rate 0.1) of ${w} of every step seen, updated after each batch.`,
      state: `b(s) = a running mean (rate 0.1), per cell, of ${w} of the steps taken from that cell, updated after each batch` +
        (s.credit === "return" ? "." : ": an estimate of the cell's value V(s)."),
    }[s.baseline] || "";
  }

  statusTraining() {
    const s = this.api.settings();
    const b = this.batch();
    const g = s.credit === "return" ? "G₀" : "Gₜ";
    const how = s.baseline === "none"
      ? `(α/B)·${g}: up after the goal, down after the pit; a capped rollout (${g} = 0) changes nothing`
      : `(α/B)·(${g} − b(sₜ)): up when ${s.credit === "return" ? "the rollout's return" : "what followed"} beat the baseline, down when it fell short, so capped rollouts (${g} = 0) are pushed down wherever b(s) > 0`;
    return `Training: after every batch of B = ${b} rollout${b === 1 ? "" : "s"}, θ takes a step along each move's ∇log π(aₜ|sₜ), scaled by ${how}.`;
  }

  statusView(v) {
    if (v !== "traj") {
      return "Policy: the bars and arrows show π(action | cell). Thicker arrows are likelier moves; the blue line follows the likeliest one from the start (the greedy path).";
    }
    const s = this.api.settings();
    const g = s.credit === "return" ? "G₀" : "Gₜ";
    return "Trajectories: the moves of the last 24 rollouts, green if the rollout reached the goal, red if it fell into the pit, grey if it ran out of steps. " +
      (s.baseline === "none"
        ? `With no baseline, the moves of rollouts that reached the goal are made likelier (${g} > 0), those that fell in the pit less likely, and capped ones (${g} = 0) are left as they are.`
        : `With the baseline, a move is made likelier only when its ${g} beats b(sₜ): a roundabout route to the goal can be pushed down, and capped rollouts are pushed down too.`);
  }

  // stepped tells what the batch of n rollouts just run did, e.g.
  // "One batch: 4 rollouts (3 reached the goal, 1 fell into the pit), then
  // one update of the policy."
  stepped(n) {
    const f = this.frameBuf;
    const o = this.off;
    const counts = [0, 0, 0, 0];
    let at = o.traj;
    const first = o.nTraj - Math.min(n, o.nTraj);
    for (let k = 0; k < o.nTraj; k++) {
      if (k >= first) {
        counts[f[at]]++;
      }
      at += 3 + f[at + 2];
    }
    const parts = [];
    if (counts[GOAL]) parts.push(`${counts[GOAL]} reached the goal`);
    if (counts[PIT]) parts.push(`${counts[PIT]} fell into the pit`);
    if (counts[CAPPED]) parts.push(`${counts[CAPPED]} ran out of steps`);
    return `One batch: ${n} rollout${n === 1 ? "" : "s"} (${parts.join(", ")}), then one update of the policy.`;
  }

  pickCell(r, c, shift) {
    const host = this.host;
    if (!host.ready()) {
      return;
    }
    const o = this.off;
    const i = r * o.size + c;
    const pits = [];
    for (let j = 0; j < o.nPits; j++) {
      pits.push(this.frameBuf[o.pits + j]);
    }
    const movePit = shift || this.placePit.checked;
    if (i === o.start) {
      host.say(movePit
        ? "The pit can't go on the start: the agent would fall in before its first move."
        : "The start can't be the goal: every rollout would end before it began. Pick an empty cell.", true);
      return;
    }
    if (i === o.goal) {
      host.say(movePit ? "The pit can't go on the goal. Pick an empty cell." : "That is already the goal.", !movePit);
      return;
    }
    if (movePit && pits.includes(i)) {
      host.say("That is already the pit. Pick an empty cell to move it there.");
      return;
    }
    if (!movePit && pits.includes(i)) {
      host.say("That is the pit, so it can't be the goal. To move the pit instead, choose “pit” below, or Shift-click.", true);
      return;
    }
    host.changed(this);
    const f = host.guarded(() => (movePit ? this.api.setPit(r, c) : this.api.setGoal(r, c)));
    if (!f) {
      return;
    }
    this.forceRedraw();
    this.show(f);
    host.say(movePit
      ? `Pit moved to ${cellName(r, c, o.size)}. The policy is kept; rollouts that fall in now teach it to steer around.`
      : `Goal moved to ${cellName(r, c, o.size)}. The policy is kept and re-learns from where it was: non-stationary RL in miniature.`);
    host.worldChanged();
    host.saveHash();
  }

  // hashEntry owns goal and pit. It moves only what differs from the
  // session, so that reloading a link does not mark a goal move at rollout
  // 0; the pit goes first unless it is headed for the current goal.
  hashEntry() {
    return {
      keys: ["goal", "pit"],
      save: (p) => {
        const o = this.off;
        if (o.size > 0) {
          p.set("goal", this.cellOf(o.goal, o.size));
          if (o.nPits > 0) {
            p.set("pit", this.cellOf(this.frameBuf[o.pits], o.size));
          }
        }
      },
      restore: (p, bad) => {
        const api = this.api;
        const f = api.step(0);
        const o = gridOffsets(f, newGridOffsets());
        const here = (v) => v[0] * o.size + v[1];
        const two = (k) => {
          const v = (p.get(k) || "").split(",").map(Number);
          return v.length === 2 && v.every(Number.isFinite) ? v : null;
        };
        const pit = two("pit");
        const goal = two("goal");
        const pitMoves = pit && !(o.nPits > 0 && here(pit) === f[o.pits]);
        const goalMoves = goal && here(goal) !== o.goal;
        const attempt = (k, g) => {
          try {
            g();
          } catch (err) {
            bad(k, err.message);
          }
        };
        const movePit = () => attempt("pit", () => api.setPit(pit[0], pit[1]));
        const moveGoal = () => attempt("goal", () => api.setGoal(goal[0], goal[1]));
        if (pitMoves && goalMoves && (here(pit) === o.goal || (o.nPits > 0 && here(goal) === f[o.pits]))) {
          // Headed for each other's cells (a swap, or one onto the other's
          // old place): move both at once.
          attempt("goal", () => api.setGoalAndPit(goal[0], goal[1], pit[0], pit[1]));
        } else {
          if (pitMoves) {
            movePit();
          }
          if (goalMoves) {
            moveGoal();
          }
        }
      },
    };
  }
}

export function signed(v) {
  return (v < 0 ? "−" : "+") + Math.abs(v).toFixed(2);
}

// flags gives the -lr, -baseline, -gamma and -credit flags that differ
// from the defaults d.
export function flags(s, d) {
  return (s.lr !== d.lr ? ` -lr ${s.lr}` : "") + (s.baseline !== d.baseline ? ` -baseline ${s.baseline}` : "") +
    (s.gamma !== d.gamma ? ` -gamma ${s.gamma}` : "") + (s.credit !== d.credit ? ` -credit ${s.credit}` : "");
}
