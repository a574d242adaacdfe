// chart.js draws the learning curve: success rate and mean return against
// rollouts (left axis), the mean number of moves per rollout (right axis,
// the grid only), with a dashed line wherever the goal or the pit moved.

import { el, setAttr, setText } from "./dom.js";
import { CURVE_SLOTS } from "./frame.js";

const VW = 400;
const VH = 170;
const L = 34;
const R = 26; // room for the right axis of the mean length
const T = 10;
const B = 24;
const MAX_MOVES = 24;
// Beyond this many rollouts the x axis turns logarithmic.
export const LOG_AFTER = 20000;

export class Chart {
  constructor(svg) {
    this.svg = svg;
    svg.textContent = "";
    this.ylo = -1;
    this.yhi = 1;
    this.axes = el("g", {}, svg);
    this.moves = [];
    const mg = el("g", {}, svg);
    for (let i = 0; i < MAX_MOVES; i++) {
      this.moves.push(el("line", { class: "c-move", y1: T, y2: VH - B, x1: -10, x2: -10 }, mg));
    }
    this.sr = el("polyline", { class: "c-sr" }, svg);
    this.ret = el("polyline", { class: "c-ret" }, svg);
    this.len = el("polyline", { class: "c-len" }, svg);
    this.lenTicks = [];
    for (let i = 0; i < 3; i++) {
      this.lenTicks.push(el("text", { class: "c-tick c-len-tick", x: VW - R + 4, "text-anchor": "start" }, svg));
    }
    this.lenMax = 0;
    this.xTicks = [];
    for (let i = 0; i < 6; i++) {
      this.xTicks.push(el("text", { class: "c-tick", y: VH - 7, "text-anchor": "middle" }, svg));
    }
    this.setRange(-1, 1);
    this.lastKey = "";
    this.scaleNote = document.getElementById("chart-scale");
  }

  // setRange sets the y axis and redraws its grid lines.
  setRange(lo, hi) {
    this.ylo = lo;
    this.yhi = hi;
    this.axes.textContent = "";
    const step = (hi - lo) / 4;
    for (let i = 0; i <= 4; i++) {
      const v = lo + i * step;
      const y = this.y(v);
      el("line", { class: Math.abs(v) < 1e-9 ? "c-zero" : "c-grid", x1: L, x2: VW - R, y1: y, y2: y }, this.axes);
      el("text", { class: "c-tick", x: L - 5, y: y + 3.5, "text-anchor": "end" }, this.axes).textContent = String(+v.toFixed(2)).replace("-", "−");
    }
  }

  y(v) {
    return T + ((this.yhi - v) / (this.yhi - this.ylo)) * (VH - T - B);
  }

  // update draws nCurve points at f[curve:] (rollouts, success, mean return)
  // and nMoves goal moves at f[moves:]; showSuccess hides the first series
  // for the field, whose only measure is reward.
  // showLength draws the mean moves per rollout on the right axis (the
  // grid's; a field sample is always one step).
  //
  // The curve's points are never changed once recorded (lab's history
  // appends them and thins by dropping whole points), so the picture is
  // fixed by the number of points, the first and last one's rollouts, the
  // x range and the moves: between two new points nothing is redrawn.
  update(f, curve, nCurve, moves, nMoves, rollouts, showSuccess, showLength = false) {
    const xmax = niceMax(Math.max(rollouts, 100));
    const log = rollouts > LOG_AFTER;
    const last = curve + CURVE_SLOTS * (nCurve - 1);
    const key = nCurve > 0
      ? `${xmax},${log},${nCurve},${f[curve]},${f[last]},${nMoves},${nMoves > 0 ? f[moves + nMoves - 1] : 0},${showSuccess},${showLength}`
      : `${xmax},${log},0,${nMoves},${showSuccess},${showLength}`;
    if (key === this.lastKey) {
      return;
    }
    this.lastKey = key;
    // A long run gets a logarithmic x axis from 10 rollouts on, chosen
    // automatically, so that its learning phase is not a sliver at x = 0
    // (issue 7 §4.10).
    const lmaxX = Math.log10(xmax);
    const x = log
      ? (r) => L + (Math.max(0, Math.log10(Math.max(r, 10)) - 1) / (lmaxX - 1)) * (VW - L - R)
      : (r) => L + (r / xmax) * (VW - L - R);
    const scale = log ? "log" : "linear";
    if (this.svg.dataset.scale !== scale) {
      this.svg.dataset.scale = scale;
    }
    let a = "";
    let b = "";
    let longest = 0;
    for (let i = 0; i < nCurve; i++) {
      longest = Math.max(longest, f[curve + CURVE_SLOTS * i + 3]);
    }
    const lmax = niceMax(Math.max(longest, 5));
    const ly = (v) => T + (1 - v / lmax) * (VH - T - B);
    let c = "";
    for (let i = 0; i < nCurve; i++) {
      const at = curve + CURVE_SLOTS * i;
      const px = x(f[at]).toFixed(1);
      a += `${px},${this.y(f[at + 1]).toFixed(1)} `;
      b += `${px},${this.y(f[at + 2]).toFixed(1)} `;
      c += `${px},${ly(f[at + 3]).toFixed(1)} `;
    }
    this.sr.setAttribute("points", showSuccess ? a : "");
    this.ret.setAttribute("points", b);
    this.len.setAttribute("points", showLength ? c : "");
    this.lenMax = showLength ? lmax : 0;
    for (let i = 0; i < this.lenTicks.length; i++) {
      const t = this.lenTicks[i];
      const v = (lmax * i) / 2;
      setAttr(t, "y", (ly(v) + 3.5).toFixed(1));
      setText(t, showLength ? String(+v.toFixed(1)) : "");
    }
    const first = Math.max(0, nMoves - MAX_MOVES);
    for (let i = 0; i < MAX_MOVES; i++) {
      const line = this.moves[i];
      const j = first + i;
      const px = j < nMoves ? x(f[moves + j]).toFixed(1) : "-10";
      setAttr(line, "x1", px);
      setAttr(line, "x2", px);
    }
    if (log) {
      // Ticks at the powers of ten from 10 to xmax.
      const decades = Math.floor(lmaxX);
      const step = Math.ceil(decades / (this.xTicks.length - 1));
      for (let i = 0; i < this.xTicks.length; i++) {
        const t = this.xTicks[i];
        const e = 1 + i * step;
        if (e > lmaxX + 1e-9) {
          setText(t, "");
          continue;
        }
        const v = Math.pow(10, e);
        setAttr(t, "x", x(v).toFixed(1));
        setText(t, short(v));
      }
      if (this.scaleNote) {
        setText(this.scaleNote, "rollouts on a log scale");
      }
      return;
    }
    if (this.scaleNote) {
      setText(this.scaleNote, "");
    }
    // Five intervals for a range of 5·10^k, four otherwise, so every tick
    // is a round number.
    const intervals = xmax / Math.pow(10, Math.floor(Math.log10(xmax))) === 5 ? 5 : 4;
    for (let i = 0; i < this.xTicks.length; i++) {
      const t = this.xTicks[i];
      if (i > intervals) {
        setText(t, "");
        continue;
      }
      const v = (xmax * i) / intervals;
      setAttr(t, "x", x(v).toFixed(1));
      setText(t, short(v));
    }
  }
}

// niceMax rounds n up to 1, 2 or 5 times a power of ten, so ticks are round
// (the CartPole chart's axis uses it too).
export function niceMax(n) {
  const p = Math.pow(10, Math.floor(Math.log10(n)));
  for (const m of [1, 2, 5, 10]) {
    if (m * p >= n) {
      return m * p;
    }
  }
  return 10 * p;
}

// short writes a tick value as 1.5k or 2M.
export function short(v) {
  if (v >= 1e6) {
    return `${+(v / 1e6).toFixed(1)}M`;
  }
  if (v >= 1e3) {
    return `${+(v / 1e3).toFixed(1)}k`;
  }
  return `${Math.round(v)}`;
}
