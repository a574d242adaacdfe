// widgets/clip.js is the clip section: PPO's clipped objective L(r), and
// K epochs on one batch with the plain and the clipped objective (lab.Clip
// through the bridge methods clipStart, clipSet and clipCollect; frame
// layout in web/wasm/doc.go). Every number drawn is the frame's; at most
// one call into wasm per animation frame, and only after a change.

import { el } from "../dom.js";
import { Plot, fmt, bindSlider, restoreNumber, visibleWatch } from "./tabplot.js";

const KIND = 13;
const HEADER = 20;
const EPOCH = 8;

const $ = (id) => document.getElementById(id);

export class ClipWidget {
  constructor(hash) {
    this.ui = {
      curve: $("clip-curve"), epochs: $("clip-epochs"), table: $("clip-table"), status: $("clip-status"),
      eps: $("clip-eps"), epsOut: $("clip-eps-out"), k: $("clip-k"), kOut: $("clip-k-out"),
      lr: $("clip-lr"), lrOut: $("clip-lr-out"), b: $("clip-b"), bOut: $("clip-b-out"),
      lab: $("clip-lab"), uniform: $("clip-uniform"), newBatch: $("clip-new"),
    };
    this.api = null;
    this.visible = false;
    visibleWatch($("clip"), (v) => {
      this.visible = v;
    });
    this.pending = null; // {op: "start", uniform} | {op: "set"} | {op: "collect"}
    this.uniform = false;
    this.lplot = new Plot(this.ui.curve, { x: 50, y: 10, w: 335, h: 165 }, "ratio r = π(a|s) / π_old(a|s)", "L(r)", 5);
    this.flatPos = el("rect", { class: "flat-band", y: 10, height: 165 }, this.lplot.layer);
    this.flatNeg = el("rect", { class: "flat-band", y: 10, height: 165 }, this.lplot.layer);
    this.lpos = el("path", { class: "lcurve apos", d: "" }, this.lplot.layer);
    this.lneg = el("path", { class: "lcurve aneg", d: "" }, this.lplot.layer);
    this.lposFlat = el("path", { class: "lcurve flat", d: "" }, this.lplot.layer);
    this.lnegFlat = el("path", { class: "lcurve flat", d: "" }, this.lplot.layer);
    this.jplot = new Plot(this.ui.epochs, { x: 50, y: 10, w: 335, h: 165 }, "epoch", "exact J(θ)", 5);
    this.jplain = el("path", { class: "jline plain", d: "" }, this.jplot.layer);
    this.jclip = el("path", { class: "jline clipped", d: "" }, this.jplot.layer);
    const box = { x: 50, y: 10, w: 335, h: 165 };
    this.rplot = new Plot($("clip-ratios"), box, "epoch", "ratios: min to max", 5);
    this.rbands = ["plain", "clipped"].map((c) => el("path", { class: `rband ${c}`, d: "" }, this.rplot.layer));
    this.epsLines = [0, 1].map(() => el("line", { class: "epsline" }, this.rplot.layer));
    this.splot = new Plot($("clip-share"), box, "epoch", "outside / clipped", 5);
    this.slines = ["plain", "clipped"].map((c) => el("path", { class: `jline ${c}`, d: "" }, this.splot.layer));
    this.pplot = new Plot($("clip-pi"), box, "epoch", "π at the start", 5);
    this.pilines = ["plain", "clipped"].map((c) => [0, 1, 2, 3].map((a) => el("path", { class: `piline ${c} a${a}`, d: "" }, this.pplot.layer)));
    const change = () => {
      if (!this.pending) {
        this.pending = { op: "set" };
      }
    };
    bindSlider(this.ui.eps, this.ui.epsOut, (v) => fmt(v, 2), change);
    bindSlider(this.ui.k, this.ui.kOut, (v) => String(v), change);
    bindSlider(this.ui.lr, this.ui.lrOut, (v) => fmt(v, 1).replace(/\.0$/, ""), change);
    bindSlider(this.ui.b, this.ui.bOut, (v) => String(v), change);
    this.ui.lab.addEventListener("click", () => {
      this.pending = { op: "start", uniform: false };
    });
    this.ui.uniform.addEventListener("click", () => {
      this.pending = { op: "start", uniform: true };
    });
    this.ui.newBatch.addEventListener("click", () => {
      this.pending = this.pending && this.pending.op === "start" ? this.pending : { op: "collect" };
    });
    this.hash = hash;
    hash.add({
      keys: ["peps", "pk", "plr", "pb", "ppol"],
      save: (p) => {
        p.set("peps", this.ui.eps.value);
        p.set("pk", this.ui.k.value);
        p.set("plr", this.ui.lr.value);
        p.set("pb", this.ui.b.value);
        p.set("ppol", this.uniform ? "uniform" : "lab");
      },
      restore: (p, bad) => {
        for (const [k, input] of [["peps", this.ui.eps], ["pk", this.ui.k], ["plr", this.ui.lr], ["pb", this.ui.b]]) {
          restoreNumber(p, k, input, bad);
          input.dispatchEvent(new Event("input"));
        }
        if (p.has("ppol")) {
          const v = p.get("ppol");
          if (v === "uniform" || v === "lab") {
            this.uniform = v === "uniform";
          } else {
            bad("ppol", `${v} is neither lab nor uniform`);
          }
        }
        this.pending = { op: "start", uniform: this.uniform };
      },
    });
  }

  attach(api) {
    this.api = api;
    for (const b of [this.ui.lab, this.ui.uniform, this.ui.newBatch]) {
      b.disabled = false;
    }
    if (!this.pending) {
      this.pending = { op: "start", uniform: this.uniform };
    }
    return [];
  }

  say(msg, warn = false) {
    this.ui.status.textContent = msg;
    this.ui.status.classList.toggle("warn", warn);
  }

  settings() {
    return [Number(this.ui.eps.value), Number(this.ui.k.value), Number(this.ui.lr.value), Number(this.ui.b.value)];
  }

  frame() {
    if (!this.api || !this.pending || !this.visible) {
      return 0;
    }
    const op = this.pending;
    this.pending = null;
    let f;
    try {
      if (op.op === "start") {
        this.uniform = op.uniform;
        f = this.api.clipStart(...this.settings(), op.uniform);
      } else if (op.op === "collect") {
        f = this.api.clipCollect();
      } else {
        f = this.api.clipSet(...this.settings());
      }
    } catch (err) {
      this.say(err.message, true);
      return 0;
    }
    this.hash.save();
    this.draw(f);
    return op.op === "set" ? 0 : f[4];
  }

  draw(f) {
    if (f[0] !== KIND) {
      throw new Error(`pgrad: expected a clip frame, got kind ${f[0]}`);
    }
    const eps = f[1];
    const K = f[2];
    const R = f[8];
    const lp = this.lplot;
    lp.setRange(0, 2, -2, 2, 1);
    let pos = "";
    let neg = "";
    let posFlat = "";
    let negFlat = "";
    for (let i = 0; i < R; i++) {
      const j = HEADER + 3 * i;
      const r = f[j];
      const x = lp.X(r).toFixed(1);
      const a = `${x},${lp.Y(f[j + 1]).toFixed(1)}`;
      const b = `${x},${lp.Y(f[j + 2]).toFixed(1)}`;
      pos += `${i ? "L" : "M"}${a}`;
      neg += `${i ? "L" : "M"}${b}`;
      if (r >= 1 + eps - 1e-12) {
        posFlat += `${posFlat ? "L" : "M"}${a}`;
      }
      if (r <= 1 - eps + 1e-12) {
        negFlat += `${negFlat ? "L" : "M"}${b}`;
      }
    }
    this.lpos.setAttribute("d", pos);
    this.lneg.setAttribute("d", neg);
    this.lposFlat.setAttribute("d", posFlat);
    this.lnegFlat.setAttribute("d", negFlat);
    this.flatPos.setAttribute("x", lp.X(1 + eps));
    this.flatPos.setAttribute("width", lp.X(2) - lp.X(1 + eps));
    this.flatNeg.setAttribute("x", lp.X(0));
    this.flatNeg.setAttribute("width", lp.X(1 - eps) - lp.X(0));
    // Epochs.
    const base = HEADER + 3 * R;
    const run = (k) => base + EPOCH * (k * (K + 1));
    let j0 = Infinity;
    let j1 = -Infinity;
    for (let r = 0; r < 2; r++) {
      for (let e = 0; e <= K; e++) {
        const J = f[run(r) + EPOCH * e + 4];
        j0 = Math.min(j0, J);
        j1 = Math.max(j1, J);
      }
    }
    const pad = 0.1 * (j1 - j0 || 0.5);
    const jp = this.jplot;
    jp.setRange(0, K, j0 - pad, j1 + pad, 2);
    for (const t of jp.xt) {
      t.textContent = String(Math.round(Number(t.textContent)));
    }
    for (let r = 0; r < 2; r++) {
      let d = "";
      for (let e = 0; e <= K; e++) {
        d += `${e ? "L" : "M"}${jp.X(e).toFixed(1)},${jp.Y(f[run(r) + EPOCH * e + 4]).toFixed(1)}`;
      }
      (r === 0 ? this.jplain : this.jclip).setAttribute("d", d);
    }
    this.perEpoch(f, run, K, eps);
    const pi = (at) => [0, 1, 2, 3].map((a) => fmt(f[at + a], 2)).join(" ");
    const before = this.ui.table.querySelector('tr[data-run="0"]');
    before.querySelector(".j").textContent = fmt(f[run(0) + 4], 3);
    before.querySelector(".pi").textContent = pi(run(0));
    for (let r = 0; r < 2; r++) {
      const row = this.ui.table.querySelector(`tr[data-run="${r + 1}"]`);
      const last = run(r) + EPOCH * K;
      row.querySelector(".j").textContent = fmt(f[last + 4], 3);
      row.querySelector(".low").textContent = fmt(f[9 + r], 3);
      row.querySelector(".r").textContent = `${fmt(f[last + 5], 2)} to ${fmt(f[last + 6], 2)}`;
      row.querySelector(".c").textContent = `${Math.round(100 * f[last + 7])} %`;
      row.querySelector(".pi").textContent = pi(last);
    }
    this.ui.epochs.dataset.k = String(K);
    this.say(`Batch ${f[6]}: ${f[4]} rollout${f[4] === 1 ? "" : "s"} (${f[7]} reached the goal), ${f[5]} samples from ${f[12] ? "the uniform policy" : "the lab's policy"}; ${K} epochs at α = ${fmt(f[3], 1)}, ε = ${fmt(eps, 2)}. ${mixedCells(f[13], f[14])}`);
  }

  // perEpoch draws, for both runs and every epoch, the ratios' range, the
  // share outside the band (plain) or clipped (clipped), and π at the start.
  perEpoch(f, run, K, eps) {
    const integerTicks = (p) => {
      for (const t of p.xt) {
        t.textContent = String(Math.round(Number(t.textContent)));
      }
    };
    let hi = 1 + eps;
    let lo = 1 - eps;
    for (let r = 0; r < 2; r++) {
      for (let e = 0; e <= K; e++) {
        lo = Math.min(lo, f[run(r) + EPOCH * e + 5]);
        hi = Math.max(hi, f[run(r) + EPOCH * e + 6]);
      }
    }
    const rp = this.rplot;
    rp.setRange(0, K, Math.max(0, lo - 0.05), hi + 0.05, 2);
    integerTicks(rp);
    for (let r = 0; r < 2; r++) {
      let up = "";
      let down = "";
      for (let e = 0; e <= K; e++) {
        const at = run(r) + EPOCH * e;
        const x = rp.X(e).toFixed(1);
        up += `${e ? "L" : "M"}${x},${rp.Y(f[at + 6]).toFixed(1)}`;
        down = `L${x},${rp.Y(f[at + 5]).toFixed(1)}` + down;
      }
      this.rbands[r].setAttribute("d", `${up}${down}Z`);
    }
    [1 - eps, 1 + eps].forEach((v, i) => {
      const l = this.epsLines[i];
      l.setAttribute("x1", rp.X(0));
      l.setAttribute("x2", rp.X(K));
      l.setAttribute("y1", rp.Y(v));
      l.setAttribute("y2", rp.Y(v));
    });
    const sp = this.splot;
    sp.setRange(0, K, 0, 1, 2);
    integerTicks(sp);
    const pp = this.pplot;
    pp.setRange(0, K, 0, 1, 2);
    integerTicks(pp);
    for (let r = 0; r < 2; r++) {
      let d = "";
      const pis = ["", "", "", ""];
      for (let e = 0; e <= K; e++) {
        const at = run(r) + EPOCH * e;
        const x = sp.X(e).toFixed(1);
        d += `${e ? "L" : "M"}${x},${sp.Y(f[at + 7]).toFixed(1)}`;
        for (let a = 0; a < 4; a++) {
          pis[a] += `${e ? "L" : "M"}${x},${pp.Y(f[at + a]).toFixed(1)}`;
        }
      }
      this.slines[r].setAttribute("d", d);
      for (let a = 0; a < 4; a++) {
        this.pilines[r][a].setAttribute("d", pis[a]);
      }
    }
  }
}

// mixedCells says how many of the batch's cells hold samples of more than
// one move, the cells where a clipped ratio can still be pushed on (the
// text above the plots says why).
function mixedCells(cells, mixed) {
  const verb = mixed === 1 ? "holds" : "hold";
  return `${mixed} of the ${cells} cell${cells === 1 ? "" : "s"} it visited ${verb} samples of more than one move, where a clipped ratio can still be pushed outside the band.`;
}
