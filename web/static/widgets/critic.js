// widgets/critic.js is the critic section: tabular actor-critic learning
// V(s), drawn beside the exact V^π of the current policy, and a compare run
// of REINFORCE, REINFORCE with the per-cell baseline and actor-critic over
// 20 seeds (lab.Critic and lab.Compare through the bridge methods
// criticStep, criticSet, criticReset, compareStart, compareStep and
// compareCommand; frame layouts in web/wasm/doc.go). At most one call into
// wasm per animation frame; the compare run advances in bounded slices.

import { el } from "../dom.js";
import { Plot, fmt, bindSlider, visibleWatch, restoreNumber } from "./tabplot.js";
import { thousands } from "../format.js";

const KIND_CRITIC = 11;
const KIND_COMPARE = 12;
const HEADER = 20;
const CELL = 100;
// COMPARE_PER_FRAME is the compare run's slice: this many rollouts a frame.
const COMPARE_PER_FRAME = 3000;
const TRAIN_PER_FRAME = 2;
const CLASSES = ["none", "state", "ac"];

const $ = (id) => document.getElementById(id);

// Grid of cells shaded by a value, built once per world size.
class ValueGrid {
  constructor(svg) {
    this.svg = svg;
    this.n = 0;
    this.cells = [];
  }

  build(n) {
    this.svg.textContent = "";
    this.n = n;
    const s = 300 / n;
    this.cells = [];
    for (let i = 0; i < n * n; i++) {
      const x = (i % n) * s;
      const y = Math.floor(i / n) * s;
      const g = el("g", { class: "vcell", "data-index": i }, this.svg);
      const rect = el("rect", { x: x + 1, y: y + 1, width: s - 2, height: s - 2, rx: 6 }, g);
      const txt = el("text", { x: x + s / 2, y: y + s / 2 + 6, "text-anchor": "middle", class: "vtext" }, g);
      this.cells.push({ g, rect, txt });
    }
  }

  // draw shades cell i by v[i] in [−1, 1]; kind[i] is "goal", "pit",
  // "wall" or "".
  draw(n, v, kind) {
    if (n !== this.n) {
      this.build(n);
    }
    for (let i = 0; i < n * n; i++) {
      const c = this.cells[i];
      const k = kind[i];
      c.g.setAttribute("class", `vcell ${k || (v[i] >= 0 ? "vpos" : "vneg")}`);
      const a = k ? 1 : Math.min(1, Math.abs(v[i]));
      c.rect.style.fillOpacity = k ? "" : (0.08 + 0.5 * a).toFixed(3);
      c.txt.textContent = k === "goal" ? "goal" : k === "pit" ? "pit" : k === "wall" ? "" : fmt(v[i], 2);
    }
  }
}

export class CriticWidget {
  constructor(hash) {
    this.ui = {
      section: $("critic"), learned: $("critic-learned"), exact: $("critic-exact"),
      train: $("critic-train"), reset: $("critic-reset"), rollouts: $("critic-rollouts"),
      success: $("critic-success"), err: $("critic-err"), status: $("critic-status"),
      lambda: $("critic-lambda"), lambdaOut: $("critic-lambda-out"), vlr: $("critic-vlr"), vlrOut: $("critic-vlr-out"),
      lr: $("critic-lr"), lrOut: $("critic-lr-out"),
      run: $("compare-run"), plot: $("compare-plot"), table: $("compare-table"), cstatus: $("compare-status"), cmd: $("compare-cmd"),
    };
    this.api = null;
    this.visible = false;
    this.training = false;
    this.pending = null; // "set", "reset"
    this.comparing = null; // null, "start", "run"
    this.compareTime = 0;
    this.compareRollouts = 0;
    this.f = null;
    this.learned = new ValueGrid(this.ui.learned);
    this.exact = new ValueGrid(this.ui.exact);
    this.plot = new Plot(this.ui.plot, { x: 50, y: 10, w: 335, h: 165 }, "rollouts per run", "success rate", 5);
    this.bands = CLASSES.map((c) => el("path", { class: `band ${c}`, d: "" }, this.plot.layer));
    this.lines = CLASSES.map((c) => el("path", { class: `mean-line ${c}`, d: "" }, this.plot.layer));
    this.plot.setRange(0, 1000, 0, 1, 2);
    for (const t of this.plot.xt) {
      t.textContent = String(Math.round(Number(t.textContent)));
    }
    const change = () => {
      this.pending = this.pending || "set";
    };
    bindSlider(this.ui.lambda, this.ui.lambdaOut, (v) => fmt(v, 2).replace(/0$/, ""), change);
    bindSlider(this.ui.vlr, this.ui.vlrOut, (v) => fmt(v, 2).replace(/0$/, ""), change);
    bindSlider(this.ui.lr, this.ui.lrOut, (v) => fmt(v, 2).replace(/0$/, ""), change);
    this.ui.train.addEventListener("click", () => this.setTraining(!this.training));
    this.ui.reset.addEventListener("click", () => {
      this.pending = "reset";
    });
    this.ui.run.addEventListener("click", () => {
      this.comparing = "start";
      this.ui.run.disabled = true;
    });
    visibleWatch(this.ui.section, (v) => {
      this.visible = v;
    });
    this.hash = hash;
    hash.add({
      keys: ["aclam", "acvlr", "aclr"],
      save: (p) => {
        p.set("aclam", this.ui.lambda.value);
        p.set("acvlr", this.ui.vlr.value);
        p.set("aclr", this.ui.lr.value);
      },
      restore: (p, bad) => {
        let any = false;
        any = restoreNumber(p, "aclam", this.ui.lambda, bad) || any;
        any = restoreNumber(p, "acvlr", this.ui.vlr, bad) || any;
        any = restoreNumber(p, "aclr", this.ui.lr, bad) || any;
        for (const k of [this.ui.lambda, this.ui.vlr, this.ui.lr]) {
          k.dispatchEvent(new Event("input"));
        }
        if (any) {
          this.pending = "set";
        }
      },
    });
  }

  attach(api) {
    this.api = api;
    for (const b of [this.ui.train, this.ui.reset, this.ui.run]) {
      b.disabled = false;
    }
    if (!this.pending) {
      this.pending = "set";
    }
    this.say("Train runs actor-critic on the lab's world; the critic starts at V = 0.");
    return [];
  }

  say(msg, warn = false) {
    this.ui.status.textContent = msg;
    this.ui.status.classList.toggle("warn", warn);
  }

  setTraining(on) {
    this.training = on;
    this.ui.train.setAttribute("aria-pressed", String(on));
    this.ui.train.textContent = on ? "Pause" : "Train";
  }

  frame(now) {
    if (!this.api || !this.visible) {
      return 0;
    }
    try {
      if (this.comparing === "start") {
        this.comparing = "run";
        this.compareTime = 0;
        this.compareRollouts = 0;
        this.drawCompare(this.api.compareStart());
        this.cmds = [];
        this.ui.cmd.textContent = "";
        return 0;
      }
      if (this.comparing === "run") {
        const t0 = performance.now();
        const f = this.api.compareStep(COMPARE_PER_FRAME);
        this.compareTime += performance.now() - t0;
        this.compareRollouts += COMPARE_PER_FRAME;
        this.drawCompare(f);
        if (f[1] >= f[2]) {
          this.comparing = "command";
        }
        return COMPARE_PER_FRAME;
      }
      if (this.comparing === "command") {
        // One command a frame: one crossing each.
        const a = this.cmds.length;
        this.cmds.push(this.api.compareCommand(a, 1));
        this.ui.cmd.textContent = this.cmds.join("\n");
        if (this.cmds.length === 3) {
          this.comparing = null;
          this.ui.run.disabled = false;
        }
        return 0;
      }
      let f;
      let n = 0;
      if (this.pending === "reset") {
        this.pending = null;
        f = this.api.criticReset();
        this.say("Started over on the lab's world as it is now: uniform policy, V = 0.");
      } else if (this.pending === "set") {
        this.pending = null;
        f = this.api.criticSet(Number(this.ui.lr.value), Number(this.ui.vlr.value), 0.9, Number(this.ui.lambda.value), 4);
        this.hash.save();
      } else if (this.training || this.f === null) {
        n = this.training ? TRAIN_PER_FRAME : 0;
        f = this.api.criticStep(n);
      } else {
        return 0;
      }
      this.draw(f);
      return n;
    } catch (err) {
      this.say(err.message, true);
      this.comparing = null;
      this.ui.run.disabled = false;
      return 0;
    }
  }

  draw(f) {
    if (f[0] !== KIND_CRITIC) {
      throw new Error(`pgrad: expected a critic frame, got kind ${f[0]}`);
    }
    this.f = f;
    const n = f[1];
    const nn = n * n;
    const v = f.subarray(HEADER + 4 * nn, HEADER + 5 * nn);
    const ex = f.subarray(HEADER + 5 * nn, HEADER + 6 * nn);
    const kind = new Array(nn).fill("");
    kind[f[4]] = "goal";
    let at = HEADER + 6 * nn;
    for (let i = 0; i < f[5]; i++) {
      kind[f[at++]] = "pit";
    }
    for (let i = 0; i < f[6]; i++) {
      kind[f[at++]] = "wall";
    }
    this.learned.draw(n, v, kind);
    this.exact.draw(n, ex, kind);
    this.ui.rollouts.textContent = thousands(f[2]);
    this.ui.success.textContent = Number.isFinite(f[8]) ? `${Math.round(100 * f[8])} %` : "–";
    this.ui.err.textContent = fmt(f[10], 3);
    if (this.training) {
      this.say(`Training: ${thousands(f[2])} rollouts; λ ${fmt(f[14], 2)}, α_V ${fmt(f[12], 2)}.`);
    }
  }

  drawCompare(f) {
    if (f[0] !== KIND_COMPARE) {
      throw new Error(`pgrad: expected a compare frame, got kind ${f[0]}`);
    }
    const blocks = f[1];
    const p = this.plot;
    let at = HEADER;
    for (let a = 0; a < f[6]; a++) {
      let line = "";
      let up = "";
      let down = "";
      for (let b = 0; b < blocks; b++) {
        const x = p.X(f[at]).toFixed(1);
        line += `${b ? "L" : "M"}${x},${p.Y(f[at + 1]).toFixed(1)}`;
        up += `${b ? "L" : "M"}${x},${p.Y(f[at + 3]).toFixed(1)}`;
        down = `L${x},${p.Y(f[at + 2]).toFixed(1)}` + down;
        at += 4;
      }
      this.lines[a].setAttribute("d", line);
      this.bands[a].setAttribute("d", blocks ? `${up}${down}Z` : "");
    }
    this.ui.plot.dataset.blocks = String(blocks);
    if (blocks >= f[2]) {
      for (let a = 0; a < f[6]; a++) {
        this.ui.table.querySelector(`tr[data-a="${a}"] td`).textContent = `${Math.round(100 * f[at + a])} %`;
      }
      const total = 3 * f[3] * f[4];
      const rate = this.compareTime > 0 ? (1000 * total) / this.compareTime : NaN;
      this.ui.plot.dataset.rate = String(Math.round(rate));
      this.ui.cstatus.textContent = `Done: ${thousands(total)} rollouts in ${(this.compareTime / 1000).toFixed(2)} s of engine time in this tab (${thousands(Math.round(rate))} rollouts/s in WebAssembly, ${thousands(COMPARE_PER_FRAME)} a frame).`;
    } else {
      this.ui.cstatus.textContent = `Running: ${thousands(blocks * f[5])} of ${thousands(f[4])} rollouts per run…`;
    }
  }
}
