// widgets/variance.js is the variance lab: gradient estimates of a frozen
// policy with no baseline, the mean baseline and the per-cell baseline,
// drawn as clouds around the exact mean (lab.Variance through the bridge
// methods varianceStart, varianceSet and varianceStep; frame layout in
// web/wasm/doc.go). At most one call into wasm per animation frame.

import { el } from "../dom.js";
import { Plot, fmt, bindSlider, visibleWatch, restoreNumber } from "./tabplot.js";

const KIND = 10;
const HEADER = 20;
const BLOCK = 12;
const MAXK = 1000;
const NAMES = ["up", "right", "down", "left"];
const CLASSES = ["none", "mean", "state"];
// ROLLOUTS_PER_FRAME bounds a frame's work: about this many rollouts.
const ROLLOUTS_PER_FRAME = 3000;

const $ = (id) => document.getElementById(id);

export class VarianceWidget {
  constructor(hash) {
    this.ui = {
      section: $("variance"), svg: $("var-plot"), freeze: $("var-freeze"), uniform: $("var-uniform"),
      k: $("var-k"), kOut: $("var-k-out"), b: $("var-b"), bOut: $("var-b-out"), c: $("var-c"), cOut: $("var-c-out"),
      x: $("var-x"), y: $("var-y"), table: $("var-table"), dims: $("var-dims"), status: $("var-status"),
    };
    this.api = null;
    this.f = null;
    this.visible = false;
    this.pending = null; // {op: "start", uniform} or {op: "set"}
    this.uniform = false;
    this.size = 0;
    this.restoredXY = null;
    this.plot = new Plot(this.ui.svg, { x: 56, y: 10, w: 292, h: 240 }, "", "", 5);
    this.xLabel = this.ui.svg.querySelectorAll(".tp-axis")[0];
    this.yLabel = this.ui.svg.querySelectorAll(".tp-axis")[1];
    // One pool of dots per baseline, grown on first need (not at start-up,
    // so the page's first frame does not wait for thousands of elements).
    this.groups = CLASSES.map((c) => el("g", { class: `cloud ${c}` }, this.plot.layer));
    this.dots = CLASSES.map(() => []);
    this.means = CLASSES.map((c) => el("circle", { class: `cloud-mean ${c}`, r: 5, cx: -10, cy: -10 }, this.plot.layer));
    this.exact = el("path", { class: "exact-mark", d: "" }, this.plot.layer);
    this.gradJ = el("circle", { class: "gradj-mark", r: 6, cx: -10, cy: -10 }, this.plot.layer);
    const change = () => this.want({ op: "set" });
    bindSlider(this.ui.k, this.ui.kOut, (v) => String(v), change);
    bindSlider(this.ui.b, this.ui.bOut, (v) => String(v), change);
    bindSlider(this.ui.c, this.ui.cOut, (v) => fmt(v, 1).replace(/\.0$/, ""), change);
    this.ui.x.addEventListener("change", change);
    this.ui.y.addEventListener("change", change);
    this.ui.freeze.addEventListener("click", () => this.want({ op: "start", uniform: false }));
    this.ui.uniform.addEventListener("click", () => this.want({ op: "start", uniform: true }));
    visibleWatch(this.ui.section, (v) => {
      this.visible = v;
    });
    this.hash = hash;
    hash.add({
      keys: ["vk", "vb", "vc", "vx", "vy", "vpol"],
      save: (p) => {
        p.set("vk", this.ui.k.value);
        p.set("vb", this.ui.b.value);
        p.set("vc", this.ui.c.value);
        if (this.ui.x.value !== "") {
          p.set("vx", this.ui.x.value);
          p.set("vy", this.ui.y.value);
        }
        p.set("vpol", this.uniform ? "uniform" : "lab");
      },
      restore: (p, bad) => {
        restoreNumber(p, "vk", this.ui.k, bad);
        restoreNumber(p, "vb", this.ui.b, bad);
        restoreNumber(p, "vc", this.ui.c, bad);
        for (const k of [this.ui.k, this.ui.b, this.ui.c]) {
          k.dispatchEvent(new Event("input"));
        }
        if (p.has("vx") || p.has("vy")) {
          const x = Number(p.get("vx"));
          const y = Number(p.get("vy"));
          if (Number.isInteger(x) && Number.isInteger(y) && x >= 0 && y >= 0 && x !== y) {
            this.restoredXY = [x, y];
          } else {
            bad("vx", "the axes must be two different entries of θ");
          }
        }
        if (p.has("vpol")) {
          const v = p.get("vpol");
          if (v === "uniform" || v === "lab") {
            this.uniform = v === "uniform";
          } else {
            bad("vpol", `${v} is neither lab nor uniform`);
          }
        }
        this.pending = { op: "start", uniform: this.uniform };
      },
    });
  }

  attach(api) {
    this.api = api;
    for (const b of [this.ui.freeze, this.ui.uniform]) {
      b.disabled = false;
    }
    if (!this.pending) {
      this.pending = { op: "start", uniform: this.uniform };
    }
    this.say("Scroll here to draw the clouds; Freeze takes the lab's policy as it is now.");
    return [];
  }

  want(op) {
    if (op.op === "set" && this.pending && this.pending.op === "start") {
      return; // a start reads the controls anyway
    }
    this.pending = op;
  }

  say(msg, warn = false) {
    this.ui.status.textContent = msg;
    this.ui.status.classList.toggle("warn", warn);
  }

  args() {
    const x = Number(this.ui.x.value);
    const y = Number(this.ui.y.value);
    return [Number(this.ui.k.value), Number(this.ui.b.value), Number(this.ui.c.value), x, y];
  }

  frame() {
    if (!this.api || (!this.visible && !(this.pending && this.pending.force))) {
      return 0;
    }
    let f;
    let n = 0;
    try {
      if (this.pending) {
        const op = this.pending;
        this.pending = null;
        if (op.op === "start") {
          this.uniform = op.uniform;
          let [k, b, c, x, y] = this.args();
          if (this.restoredXY) {
            [x, y] = this.restoredXY;
            this.restoredXY = null;
          }
          if (!Number.isInteger(x) || this.ui.x.value === "") {
            x = 0; // x = y: the bridge picks the start cell's up and right
            y = 0;
          }
          f = this.api.varianceStart(k, b, c, x, y, op.uniform);
          this.say(op.uniform ? "Frozen: the uniform policy (θ = 0)." : "Frozen: the lab's policy as it was when you pressed Freeze.");
        } else {
          f = this.api.varianceSet(...this.args());
        }
        this.hash.save();
      } else if (this.f && this.f[2] < this.f[1]) {
        const per = Math.max(1, Math.min(MAXK, Math.floor(ROLLOUTS_PER_FRAME / (3 * this.f[3]))));
        f = this.api.varianceStep(per);
        n = 3 * this.f[3] * per;
      } else {
        return 0;
      }
    } catch (err) {
      this.say(err.message, true);
      return 0;
    }
    this.draw(f);
    return n;
  }

  options(f) {
    const dims = f[11];
    const n = Math.round(Math.sqrt(dims / 4));
    if (n === this.size) {
      return;
    }
    this.size = n;
    for (const sel of [this.ui.x, this.ui.y]) {
      sel.textContent = "";
      for (let i = 0; i < dims; i++) {
        const s = Math.floor(i / 4);
        const o = document.createElement("option");
        o.value = String(i);
        o.textContent = `θ of cell ${Math.floor(s / n)},${s % n}, ${NAMES[i % 4]}${s === f[17] / 4 ? " (start)" : ""}`;
        sel.appendChild(o);
      }
    }
  }

  draw(f) {
    if (f[0] !== KIND) {
      throw new Error(`pgrad: expected a variance frame, got kind ${f[0]}`);
    }
    this.f = f;
    this.options(f);
    const x = f[5];
    const y = f[6];
    this.ui.x.value = String(x);
    this.ui.y.value = String(y);
    this.xLabel.textContent = `∂/∂θ ${this.ui.x.selectedOptions[0].textContent.replace("θ of ", "")}`;
    this.yLabel.textContent = `∂/∂θ ${this.ui.y.selectedOptions[0].textContent.replace("θ of ", "")}`;
    this.ui.dims.textContent = String(f[11]);
    const drawn = f[2];
    const nb = f[13];
    let at = HEADER + nb * BLOCK;
    // The range: every point and the exact marks, padded.
    let x0 = Math.min(f[7], f[9]);
    let x1 = Math.max(f[7], f[9]);
    let y0 = Math.min(f[8], f[10]);
    let y1 = Math.max(f[8], f[10]);
    for (let i = at; i < f[15]; i += 2) {
      x0 = Math.min(x0, f[i]);
      x1 = Math.max(x1, f[i]);
      y0 = Math.min(y0, f[i + 1]);
      y1 = Math.max(y1, f[i + 1]);
    }
    const px = 0.08 * (x1 - x0 || 1);
    const py = 0.08 * (y1 - y0 || 1);
    const p = this.plot;
    p.setRange(x0 - px, x1 + px, y0 - py, y1 + py, 2);
    for (let b = 0; b < nb; b++) {
      const blk = HEADER + b * BLOCK;
      const count = f[blk + 10];
      const dots = this.dots[b];
      while (dots.length < count) {
        dots.push(el("circle", { r: 1.8, cx: -10, cy: -10 }, this.groups[b]));
      }
      for (let i = 0; i < dots.length; i++) {
        const d = dots[i];
        if (i < count) {
          d.setAttribute("cx", p.X(f[at + 2 * i]).toFixed(1));
          d.setAttribute("cy", p.Y(f[at + 2 * i + 1]).toFixed(1));
        } else if (d.getAttribute("cx") !== "-10") {
          d.setAttribute("cx", "-10");
          d.setAttribute("cy", "-10");
        }
      }
      at += 2 * count;
      const m = this.means[b];
      m.setAttribute("cx", count > 1 ? p.X(f[blk + 1]).toFixed(1) : -10);
      m.setAttribute("cy", count > 1 ? p.Y(f[blk + 2]).toFixed(1) : -10);
      const row = this.ui.table.querySelector(`tr[data-b="${b}"]`);
      row.querySelector(".bias").textContent = fmt(f[blk + 3], 4);
      row.querySelector(".noise").textContent = fmt(f[blk + 4], 4);
      row.querySelector(".trace").textContent = fmt(f[blk + 5], 4);
      row.querySelector(".ratio").textContent = Number.isFinite(f[blk + 6]) ? `${fmt(f[blk + 6], 2)}×` : "–";
    }
    const ex = p.X(f[7]);
    const ey = p.Y(f[8]);
    this.exact.setAttribute("d", `M${ex - 7},${ey} h14 M${ex},${ey - 7} v14`);
    this.gradJ.setAttribute("cx", p.X(f[9]).toFixed(1));
    this.gradJ.setAttribute("cy", p.Y(f[10]).toFixed(1));
    this.ui.svg.dataset.drawn = String(drawn);
    if (drawn >= f[1]) {
      this.say(`${drawn} estimates per baseline, each of ${f[3]} rollout${f[3] === 1 ? "" : "s"}${f[4] !== 0 ? `, every return offset by ${fmt(f[4], 1)}` : ""}; exact J of the frozen policy ${fmt(f[14], 3)}.`);
    }
  }
}
