// widgets/nudge.js is the lab's fourth view: ONE rollout, move by move,
// and the nudge REINFORCE gives each move. The rollout and its update are
// the engine's (lab.Nudge through the bridge method nudge(fromLab): the
// grid's world and settings, a batch of one, on a copy of the grid's
// policy and baselines); this module only draws the frame it returns
// (layout in web/wasm/doc.go) and animates through it. Scrubbing and
// playing cross into wasm not at all: only a new rollout does, at most
// once per animation frame.

import { el } from "../dom.js";
import { cellName } from "../grid.js";

export const KIND = 3;
const HEADER = 20;
const STEP = 7; // slots per step: cell, action, π(a|s), reward, weight, b, weight − b
const S = 140; // cell side in viewBox units
const GLYPHS = ["↑", "→", "↓", "←"];
const NAMES = ["up", "right", "down", "left"];
const DX = [0, 1, 0, -1];
const DY = [-1, 0, 1, 0];
const BAR_W = 20;
const BAR_GAP = 8;
const BAR_H = 54;
const BAR_TOP = 18;
const AGENT_X = S - 32; // where the agent stands in a cell, clear of bars and labels
const AGENT_Y = 112;
const PACE_MS = 700; // one move per PACE_MS while playing

const $ = (id) => document.getElementById(id);

// fmt writes a number with three decimals and a true minus sign.
function fmt(v, sign = false) {
  const s = Math.abs(v).toFixed(3);
  if (v < 0 && s !== "0.000") {
    return `−${s}`;
  }
  return sign ? `+${s}` : s;
}

export class NudgeWidget {
  // lab is the lab section, which owns the tab bar and the world.
  constructor(lab) {
    this.lab = lab;
    this.ui = {
      stage: $("stage-nudge"), panel: $("nudge-panel"), svg: $("nudge-grid"), readout: $("nudge-readout"),
      newBtn: $("nudge-new"), step: $("nudge-step"), play: $("nudge-play"), pos: $("nudge-pos"), posOut: $("nudge-pos-out"),
      carry: $("nudge-carry"), status: $("nudge-status"), rule: $("nudge-rule"), steps: $("nudge-steps"),
    };
    this.api = null;
    this.f = null; // the latest nudge frame (the bridge reuses it until the next call)
    this.T = 0;
    this.pos = 0; // moves shown: 0 at the start … T when the rollout ended and the update is applied
    this.playing = false;
    this.lastMove = 0;
    this.wanted = null; // a rollout asked for: {fromLab}
    this.seen = ""; // the lab's state the shown rollout was drawn from
    this.size = 0;
    this.cells = [];
    this.rows = [];
    this.wire();
  }

  attach(api) {
    this.api = api;
    for (const b of [this.ui.newBtn, this.ui.step, this.ui.play, this.ui.pos]) {
      b.disabled = false;
    }
    this.say("Press New rollout (N) to draw one rollout from the lab's current policy.");
    if (this.active()) {
      this.shown(); // the link opened this view
    }
    return [];
  }

  active() {
    return this.lab.view === "nudge";
  }

  say(msg, warn = false) {
    this.ui.status.textContent = msg;
    this.ui.status.classList.toggle("warn", warn);
  }

  // shown is called by the lab when the view comes into sight: a rollout
  // drawn from an older policy or world is replaced.
  shown() {
    const key = this.lab.gridKey();
    if (this.api && (this.f === null || (key !== this.seen && !this.ui.carry.checked))) {
      this.wanted = { fromLab: true };
    }
  }

  // frame makes the one call into wasm a new rollout needs, and moves the
  // animation on.
  frame(now) {
    if (!this.api || !this.active()) {
      return 0;
    }
    let n = 0;
    if (this.wanted) {
      const fromLab = this.wanted.fromLab;
      this.wanted = null;
      let f;
      try {
        f = this.api.nudge(fromLab);
      } catch (err) {
        this.say(err.message, true);
        return 0;
      }
      if (fromLab) {
        this.seen = this.lab.gridKey();
      }
      this.show(f);
      n = 1;
      this.lastMove = now;
    }
    if (this.playing && now - this.lastMove >= PACE_MS) {
      this.lastMove = now;
      if (this.pos < this.T) {
        this.setPos(this.pos + 1);
      }
      if (this.pos >= this.T) {
        this.setPlaying(false);
      }
    }
    return n;
  }

  // ---- the frame's contents ----

  header() {
    const f = this.f;
    return { n: f[1], T: f[2], start: f[3], goal: f[4], nPits: f[5], nWalls: f[6], outcome: f[7], ret: f[8],
      final: f[9], lr: f[10], gamma: f[11], baseline: f[12], entropy: f[13], rollouts: f[14], credit: f[16] };
  }

  before(i) {
    return HEADER + 4 * i;
  }

  after(i) {
    return HEADER + 4 * this.h.n * this.h.n + 4 * i;
  }

  stepAt(t) {
    const n = this.h.n;
    return HEADER + 8 * n * n + this.h.nPits + this.h.nWalls + STEP * t;
  }

  show(f) {
    if (f[0] !== KIND) {
      throw new Error(`pgrad: expected a nudge frame, got kind ${f[0]}`);
    }
    this.f = f;
    this.h = this.header();
    this.T = this.h.T;
    if (this.h.n !== this.size) {
      this.build(this.h.n);
    }
    this.layout();
    this.fillRows();
    this.ui.pos.max = String(this.T);
    this.showRule();
    this.setPos(0);
    this.say(`Rollout ${this.h.rollouts} drawn: ${this.T} move${this.T === 1 ? "" : "s"}. Step (S) or Play (Space) walks through it; the slider scrubs.`);
  }

  // ---- drawing ----

  build(n) {
    const svg = this.ui.svg;
    svg.textContent = "";
    svg.setAttribute("viewBox", `0 0 ${n * S} ${n * S}`);
    this.size = n;
    this.cells = [];
    for (let r = 0; r < n; r++) {
      for (let c = 0; c < n; c++) {
        const x0 = c * S;
        const y0 = r * S;
        const g = el("g", { class: "cell" }, svg);
        el("rect", { class: "cell-bg", x: x0 + 3, y: y0 + 3, width: S - 6, height: S - 6, rx: 12 }, g);
        const bars = el("g", { class: "bars" }, g);
        const ghost = [];
        const bar = [];
        const bx0 = x0 + (S - (4 * BAR_W + 3 * BAR_GAP)) / 2;
        for (let a = 0; a < 4; a++) {
          const bx = bx0 + a * (BAR_W + BAR_GAP);
          el("rect", { class: "bar-track", x: bx, y: y0 + BAR_TOP, width: BAR_W, height: BAR_H, rx: 2 }, bars);
          bar.push(el("rect", { class: "bar", "data-action": NAMES[a], x: bx, y: y0 + BAR_TOP + BAR_H, width: BAR_W, height: 0, rx: 2 }, bars));
          ghost.push(el("rect", { class: "ghost", x: bx, y: y0 + BAR_TOP + BAR_H, width: BAR_W, height: 0 }, bars));
          el("text", { class: "bar-cap", x: bx + BAR_W / 2, y: y0 + BAR_TOP + BAR_H + 14 }, bars).textContent = GLYPHS[a];
        }
        const label = el("text", { class: "cell-label", x: x0 + S / 2, y: y0 + S / 2 + 2 }, g);
        const sub = el("text", { class: "cell-label sub", x: x0 + S / 2, y: y0 + S / 2 + 30 }, g);
        this.cells.push({ g, bar, ghost, label, sub, x0, y0, kind: "" });
      }
    }
    this.walk = el("path", { class: "walk" }, svg);
    this.agent = el("circle", { class: "agent", r: 11 }, svg);
    // The move about to be made, from the agent toward where it leads (a
    // move into an edge or wall stops at the cell's border).
    this.nextMove = el("path", { class: "next-move" }, svg);
  }

  layout() {
    const f = this.f;
    const h = this.h;
    const n = h.n;
    const kinds = new Array(n * n).fill("");
    kinds[h.start] = "start";
    const pits = HEADER + 8 * n * n;
    for (let j = 0; j < h.nPits; j++) {
      kinds[f[pits + j]] = "pit";
    }
    for (let j = 0; j < h.nWalls; j++) {
      kinds[f[pits + h.nPits + j]] = "wall";
    }
    kinds[h.goal] = "goal";
    for (let i = 0; i < n * n; i++) {
      const c = this.cells[i];
      c.kind = kinds[i];
      c.g.setAttribute("class", `cell ${kinds[i]}`);
      c.label.textContent = kinds[i] === "goal" ? "goal" : kinds[i] === "pit" ? "pit" : kinds[i] === "start" ? "start" : "";
      c.sub.textContent = kinds[i] === "goal" ? "+1" : kinds[i] === "pit" ? "−1" : "";
      if (kinds[i] === "start") {
        c.label.setAttribute("x", c.x0 + 12);
        c.label.setAttribute("y", c.y0 + S - 12);
        c.label.classList.add("corner");
      } else {
        c.label.setAttribute("x", c.x0 + S / 2);
        c.label.setAttribute("y", c.y0 + S / 2 + 2);
        c.label.classList.remove("corner");
      }
    }
  }

  spot(i) {
    const n = this.h.n;
    return [(i % n) * S + AGENT_X, Math.floor(i / n) * S + AGENT_Y];
  }

  // setPos shows the rollout after k moves; at k = T the rollout has
  // ended and the bars show π after the update, with π before as ghosts.
  setPos(k) {
    if (!this.f) {
      return;
    }
    const f = this.f;
    const h = this.h;
    const n = h.n;
    k = Math.max(0, Math.min(this.T, k));
    this.pos = k;
    this.ui.pos.value = String(k);
    this.ui.posOut.textContent = `${k} of ${this.T}${k === this.T ? " · update applied" : ""}`;
    const ended = k === this.T;
    const here = ended ? h.final : f[this.stepAt(k)];
    // The taken moves' signs, per cell and action, once the rollout ended:
    // the sum of the advantages of the steps that took it.
    const net = new Float64Array(4 * n * n);
    if (ended) {
      for (let t = 0; t < this.T; t++) {
        const at = this.stepAt(t);
        net[4 * f[at] + f[at + 1]] += f[at + 6];
      }
    }
    const nextAt = ended ? -1 : this.stepAt(k);
    for (let i = 0; i < n * n; i++) {
      const c = this.cells[i];
      c.g.classList.toggle("here", i === here);
      for (let a = 0; a < 4; a++) {
        const pb = f[this.before(i) + a];
        const p = ended ? f[this.after(i) + a] : pb;
        setBar(c.bar[a], c.y0 + BAR_TOP, p);
        c.bar[a].dataset.p = String(p);
        setBar(c.ghost[a], c.y0 + BAR_TOP, ended ? pb : 0);
        let cls = "bar";
        const v = net[4 * i + a];
        if (ended && v !== 0) {
          cls += v > 0 ? " taken up" : " taken down";
        } else if (!ended && i === f[nextAt] && a === f[nextAt + 1]) {
          cls += " next";
        }
        c.bar[a].setAttribute("class", cls);
      }
    }
    // The walk so far, through the agent's spots.
    let d = "";
    for (let t = 0; t <= k; t++) {
      const cell = t === this.T ? h.final : f[this.stepAt(t)];
      const [x, y] = this.spot(cell);
      d += `${t === 0 ? "M" : "L"}${x},${y}`;
    }
    this.walk.setAttribute("d", d);
    const [ax, ay] = this.spot(here);
    this.agent.setAttribute("cx", ax);
    this.agent.setAttribute("cy", ay);
    let md = "";
    if (!ended) {
      const a = f[nextAt + 1];
      const L = 24;
      const tx = ax + DX[a] * L;
      const ty = ay + DY[a] * L;
      md = `M${ax + DX[a] * 13},${ay + DY[a] * 13}L${tx},${ty}` +
        `M${tx - DX[a] * 7 - DY[a] * 6},${ty - DY[a] * 7 + DX[a] * 6}L${tx},${ty}L${tx - DX[a] * 7 + DY[a] * 6},${ty - DY[a] * 7 - DX[a] * 6}`;
    }
    this.nextMove.setAttribute("d", md);
    this.showRows(k);
    this.showReadout(k);
  }

  showReadout(k) {
    const f = this.f;
    const h = this.h;
    const n = h.n;
    const name = (i) => cellName(Math.floor(i / n), i % n, n);
    let text;
    if (k < this.T) {
      const at = this.stepAt(k);
      const a = f[at + 1];
      text = `Move ${k + 1}: at ${name(f[at])} the agent drew ${GLYPHS[a]} ${NAMES[a]}, which π gave probability ${fmt(f[at + 2])}.`;
    } else {
      const how = { 1: "reached the goal (+1)", 2: "fell into the pit (−1)", 3: `ran out of steps (the step cap, ${this.T} moves, reward 0)` }[h.outcome] || "ended";
      text = `The rollout ${how} after ${this.T} move${this.T === 1 ? "" : "s"}; the update is applied.`;
    }
    this.ui.readout.textContent = text;
  }

  showRule() {
    const h = this.h;
    const base = ["no baseline (b = 0)", "the running mean of all returns as b", "the per-state running mean b(s)"][h.baseline];
    const w = h.credit === 1 ? "G₀, the whole rollout's discounted return" : "Gₜ = rₜ₊₁ + γ·rₜ₊₂ + …, the discounted return from step t on";
    this.ui.rule.textContent = `The update is the engine's with a batch of one: for every step t and each action a, θ[sₜ][a] += α·(Gₜ − b(sₜ))·(1{a = aₜ} − π(a|sₜ)), ` +
      `with α = ${+h.lr.toPrecision(3)}, γ = ${h.gamma}, ${base}${h.entropy > 0 ? `, entropy bonus β = ${h.entropy}` : ""}; the weight of a step is ${w}. ` +
      "The lab's own policy is not changed.";
  }

  // fillRows writes one row per step; the numbers that need the whole
  // rollout (G_t, b, the advantage, π after) are shown once it has ended.
  fillRows() {
    const f = this.f;
    const n = this.h.n;
    while (this.rows.length < this.T) {
      this.rows.push(this.newRow());
    }
    for (let t = 0; t < this.rows.length; t++) {
      const r = this.rows[t];
      r.el.hidden = t >= this.T;
      if (t >= this.T) {
        continue;
      }
      const at = this.stepAt(t);
      const s = f[at];
      const a = f[at + 1];
      const adv = f[at + 6];
      r.t.textContent = String(t);
      r.move.textContent = `${Math.floor(s / n)},${s % n} ${GLYPHS[a]}`;
      r.move.setAttribute("aria-label", `cell ${Math.floor(s / n)},${s % n}, ${NAMES[a]}`);
      r.p.textContent = fmt(f[at + 2]);
      r.g.textContent = fmt(f[at + 4]);
      r.b.textContent = fmt(f[at + 5]);
      r.adv.textContent = fmt(adv, true);
      r.adv.className = `num-cell ${adv > 0 ? "adv-up" : adv < 0 ? "adv-down" : ""}`;
      const before = [];
      const after = [];
      for (let j = 0; j < 4; j++) {
        const pb = f[this.before(s) + j];
        const pa = f[this.after(s) + j];
        before.push(String(pb));
        after.push(String(pa));
        setBar(r.bars[j], 2, pa, 22);
        setBar(r.ghosts[j], 2, pb, 22);
        r.bars[j].setAttribute("class", j === a ? `bar taken ${adv > 0 ? "up" : adv < 0 ? "down" : ""}` : "bar");
      }
      r.el.dataset.step = String(t);
      r.el.dataset.action = String(a);
      r.el.dataset.before = before.join(" ");
      r.el.dataset.after = after.join(" ");
      r.el.dataset.g = String(f[at + 4]);
      r.el.dataset.b = String(f[at + 5]);
      r.el.dataset.adv = String(adv);
    }
  }

  newRow() {
    const row = document.createElement("div");
    row.className = "nudge-row";
    row.setAttribute("role", "row");
    const cell = (cls) => {
      const e = document.createElement("span");
      e.setAttribute("role", "cell");
      e.className = cls;
      row.appendChild(e);
      return e;
    };
    const r = { el: row, t: cell(""), move: cell(""), p: cell("num-cell"), g: cell("num-cell"), b: cell("num-cell"), adv: cell("num-cell") };
    const box = cell("");
    const svg = el("svg", { class: "nudge-bars", viewBox: "0 0 104 38", "aria-hidden": "true" });
    box.appendChild(svg);
    r.bars = [];
    r.ghosts = [];
    for (let j = 0; j < 4; j++) {
      const x = 4 + j * 25;
      el("rect", { class: "bar-track", x, y: 2, width: 20, height: 22 }, svg);
      r.bars.push(el("rect", { class: "bar", x, y: 24, width: 20, height: 0 }, svg));
      r.ghosts.push(el("rect", { class: "ghost", x, y: 24, width: 20, height: 0 }, svg));
      el("text", { class: "mini-cap", x: x + 10, y: 36 }, svg).textContent = GLYPHS[j];
    }
    this.ui.steps.appendChild(row);
    return r;
  }

  // showRows marks the step in progress and, before the end, hides the
  // numbers that depend on the rest of the rollout.
  showRows(k) {
    const ended = k === this.T;
    for (let t = 0; t < this.T; t++) {
      const r = this.rows[t];
      r.el.hidden = !ended && t > k;
      r.el.classList.toggle("now", !ended && t === k);
      for (const e of [r.g, r.b, r.adv]) {
        e.style.visibility = ended ? "visible" : "hidden";
      }
      r.bars[0].parentNode.style.visibility = ended ? "visible" : "hidden";
    }
  }

  // ---- controls ----

  setPlaying(on) {
    this.playing = on;
    this.ui.play.textContent = on ? "Pause" : "Play";
    this.ui.play.setAttribute("aria-pressed", on ? "true" : "false");
  }

  newRollout() {
    if (!this.api) {
      return;
    }
    this.setPlaying(false);
    this.wanted = { fromLab: !this.ui.carry.checked };
  }

  stepOnce() {
    this.setPlaying(false);
    if (this.pos < this.T) {
      this.setPos(this.pos + 1);
    }
  }

  togglePlay() {
    if (!this.f) {
      return;
    }
    if (!this.playing && this.pos >= this.T) {
      this.setPos(0);
    }
    this.setPlaying(!this.playing);
  }

  // key handles the view's shortcuts while it is in sight; the lab calls
  // it and leaves its own shortcuts to the other views.
  key(e) {
    if (e.key === " ") {
      this.togglePlay();
    } else if (e.key === "s" || e.key === "S") {
      this.stepOnce();
    } else if (e.key === "n" || e.key === "N") {
      this.newRollout();
    } else {
      return false;
    }
    return true;
  }

  wire() {
    const ui = this.ui;
    ui.newBtn.addEventListener("click", () => this.newRollout());
    ui.step.addEventListener("click", () => this.stepOnce());
    ui.play.addEventListener("click", () => this.togglePlay());
    ui.pos.addEventListener("input", () => {
      this.setPlaying(false);
      this.setPos(Number(ui.pos.value));
    });
  }
}

// setBar draws a bar of height p·h growing up from top + h.
function setBar(rect, top, p, h = BAR_H) {
  const v = p * h;
  rect.setAttribute("y", (top + h - v).toFixed(2));
  rect.setAttribute("height", v.toFixed(2));
}

