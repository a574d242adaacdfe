// field.js draws the continuous view: the reward landscape of the 2-D
// action plane on a canvas, and over it in SVG the recent samples, the mean
// μ with its σ ellipses, μ's recent trail and the target.

import { el, Throttle } from "./dom.js";
import { HEAT, DOT, ramp, rampCSS, dotRampCSS } from "./colours.js";

const W = 360; // viewBox side
const TRAIL = 90;

// DOT_CSS caches the dot colours at 33 levels, so no string is built per dot.
const DOT_CSS = rampCSS(DOT, 32);

export class FieldView {
  constructor(canvas, svg, onTarget) {
    this.canvas = canvas;
    this.ctx = canvas.getContext("2d");
    this.svg = svg;
    this.onTarget = onTarget;
    this.lo = -1;
    this.hi = 1;
    this.peak = 1;
    this.lastTarget = "";
    this.lastRollouts = -1;
    this.trail = new Float64Array(2 * TRAIL);
    this.trailLen = 0;
    // The sample dots are many: redrawn a few times a second, while μ and
    // σ move every frame.
    this.heavy = new Throttle(() => this.drawDots());
    this.frame = null;
    this.off = null;
    this.build();
    // The legend's ramp, from the same stops as the dots.
    for (const k of document.querySelectorAll(".key-dot")) {
      k.style.setProperty("--ramp", dotRampCSS());
    }
    svg.addEventListener("click", (e) => {
      const r = svg.getBoundingClientRect();
      const x = this.lo + ((e.clientX - r.left) / r.width) * (this.hi - this.lo);
      const y = this.hi - ((e.clientY - r.top) / r.height) * (this.hi - this.lo);
      this.onTarget(x, y);
    });
    // Arrow keys nudge the target by a twentieth of the plane, so the
    // view works without a pointer too.
    svg.addEventListener("keydown", (e) => {
      const step = (this.hi - this.lo) / 20;
      const d = { ArrowLeft: [-step, 0], ArrowRight: [step, 0], ArrowUp: [0, step], ArrowDown: [0, -step] }[e.key];
      if (!d || !this.off) {
        return;
      }
      e.preventDefault();
      const clamp = (v) => Math.min(this.hi, Math.max(this.lo, v));
      this.onTarget(clamp(this.off.targetX + d[0]), clamp(this.off.targetY + d[1]));
    });
  }

  build() {
    const svg = this.svg;
    svg.textContent = "";
    el("line", { x1: 0, y1: W / 2, x2: W, y2: W / 2, stroke: "rgba(255,255,255,0.12)" }, svg);
    el("line", { x1: W / 2, y1: 0, x2: W / 2, y2: W, stroke: "rgba(255,255,255,0.12)" }, svg);
    this.dotsGroup = el("g", { class: "dots" }, svg);
    this.dots = [];
    this.trailLine = el("polyline", { fill: "none", stroke: "rgba(255,255,255,0.55)", "stroke-width": 1.5, "stroke-dasharray": "1 4", "stroke-linecap": "round" }, svg);
    this.ell2 = el("ellipse", { class: "ellipse two" }, svg);
    this.ell1 = el("ellipse", { class: "ellipse" }, svg);
    this.mu = el("circle", { class: "mu", r: 6 }, svg);
    // When μ is off the plane it is drawn at the edge, with an arrow
    // pointing to where it went.
    this.muAway = el("path", { class: "mu-away", d: "" }, svg);
    const t = el("g", { class: "target-mark" }, svg);
    this.targetHalo = el("path", { class: "target-halo" }, t);
    this.target = el("path", { class: "target" }, t);
    // The axis names sit on the plane's edges, last so that they stay on
    // top, with a dark halo for when μ's ellipses pass under them.
    el("text", { class: "axis-label", x: W - 8, y: W - 9, "text-anchor": "end" }, svg).textContent = "a₁ →";
    el("text", { class: "axis-label", x: 8, y: 17 }, svg).textContent = "↑ a₂";
  }

  px(x) {
    return ((x - this.lo) / (this.hi - this.lo)) * W;
  }

  py(y) {
    return ((this.hi - y) / (this.hi - this.lo)) * W;
  }

  // update draws field frame f with offsets o.
  update(f, o) {
    this.lo = o.lo;
    this.hi = o.hi;
    const tkey = `${o.targetX},${o.targetY},${o.res}`;
    if (tkey !== this.lastTarget) {
      this.lastTarget = tkey;
      this.paintLandscape(f, o);
      const tx = this.px(o.targetX);
      const ty = this.py(o.targetY);
      const d = `M${tx - 10},${ty}H${tx + 10}M${tx},${ty - 10}V${ty + 10}`;
      this.target.setAttribute("d", d);
      this.targetHalo.setAttribute("d", d);
      this.lastRollouts = -1;
    }
    if (o.rollouts === this.lastRollouts) {
      return;
    }
    if (o.rollouts < this.lastRollouts) {
      this.trailLen = 0; // a reset
    }
    this.lastRollouts = o.rollouts;
    this.frame = f;
    this.off = o;
    this.heavy.request();
    // μ clamped to the plane, so that it stays visible however far it went.
    const rx = this.px(o.muX);
    const ry = this.py(o.muY);
    const mx = Math.min(W - 8, Math.max(8, rx));
    const my = Math.min(W - 8, Math.max(8, ry));
    if (mx !== rx || my !== ry) {
      const d = Math.hypot(rx - mx, ry - my);
      const ux = (rx - mx) / d;
      const uy = (ry - my) / d;
      // A triangle from μ's drawn place toward its real one.
      const tip = [mx + ux * 8, my + uy * 8];
      const b1 = [mx - uy * 7 - ux * 6, my + ux * 7 - uy * 6];
      const b2 = [mx + uy * 7 - ux * 6, my - ux * 7 - uy * 6];
      this.muAway.setAttribute("d", `M${tip[0].toFixed(1)},${tip[1].toFixed(1)}L${b1[0].toFixed(1)},${b1[1].toFixed(1)}L${b2[0].toFixed(1)},${b2[1].toFixed(1)}Z`);
    } else {
      this.muAway.setAttribute("d", "");
    }
    const sx = (o.sigmaX / (this.hi - this.lo)) * W;
    const sy = (o.sigmaY / (this.hi - this.lo)) * W;
    this.mu.setAttribute("cx", mx.toFixed(1));
    this.mu.setAttribute("cy", my.toFixed(1));
    for (const [e, k] of [[this.ell1, 1], [this.ell2, 2]]) {
      e.setAttribute("cx", mx.toFixed(1));
      e.setAttribute("cy", my.toFixed(1));
      e.setAttribute("rx", (k * sx).toFixed(1));
      e.setAttribute("ry", (k * sy).toFixed(1));
    }
    this.pushTrail(mx, my);
  }

  // flush draws the sample dots held back by the throttle; see Throttle.
  flush(force) {
    this.heavy.flush(force);
  }

  // drawDots draws the frame's samples, oldest first so that the newest
  // are on top. Each sample keeps its circle while it stays in the frame
  // (circle = sample number modulo the number of circles), so a redraw
  // writes only the new samples' place, size and colour, and every
  // sample's fading opacity; a circle whose sample changed moves to the
  // end of the group, which keeps the drawing order oldest to newest.
  drawDots() {
    const f = this.frame;
    const o = this.off;
    const n = o.nSamples;
    while (this.dots.length < n) {
      const c = el("circle", { class: "dot", r: 4 }, this.dotsGroup);
      this.dots.push({ c, cx: "", cy: "", r: "4", fill: "", op: "" });
    }
    const m = this.dots.length;
    const first = o.rollouts - n; // the number of the oldest sample in the frame
    if (!this.dotSeen || this.dotSeen.length !== m) {
      this.dotSeen = new Uint8Array(m);
    }
    const seen = this.dotSeen;
    seen.fill(0);
    let moving = false;
    for (let k = 0; k < n; k++) {
      const slot = (first + k) % m;
      seen[slot] = 1;
      const d = this.dots[slot];
      const at = o.samples + 3 * k;
      const t = Math.min(1, Math.max(0, f[at + 2] / this.peak));
      const cx = this.px(f[at]).toFixed(1);
      const cy = this.py(f[at + 1]).toFixed(1);
      const r = (2.5 + 2.5 * t).toFixed(2);
      const fill = DOT_CSS[Math.round(t * 32)];
      let changed = false;
      if (d.cx !== cx) { d.cx = cx; d.c.setAttribute("cx", cx); changed = true; }
      if (d.cy !== cy) { d.cy = cy; d.c.setAttribute("cy", cy); changed = true; }
      if (d.r !== r) { d.r = r; d.c.setAttribute("r", r); changed = true; }
      if (d.fill !== fill) { d.fill = fill; d.c.setAttribute("fill", fill); changed = true; }
      const op = (0.25 + 0.75 * (k + 1) / n).toFixed(3);
      if (d.op !== op) {
        d.op = op;
        d.c.setAttribute("opacity", op);
      }
      // Once one circle moves to the end, every newer one follows it.
      if (changed || moving) {
        moving = true;
        this.dotsGroup.appendChild(d.c);
      }
    }
    for (let slot = 0; slot < m; slot++) {
      const d = this.dots[slot];
      if (!seen[slot] && d.r !== "0") {
        d.r = "0";
        d.c.setAttribute("r", "0");
      }
    }
  }

  pushTrail(x, y) {
    const t = this.trail;
    if (this.trailLen === TRAIL) {
      t.copyWithin(0, 2);
      this.trailLen--;
    }
    t[2 * this.trailLen] = x;
    t[2 * this.trailLen + 1] = y;
    this.trailLen++;
    let pts = "";
    for (let i = 0; i < this.trailLen; i++) {
      pts += `${t[2 * i].toFixed(1)},${t[2 * i + 1].toFixed(1)} `;
    }
    this.trailLine.setAttribute("points", pts);
  }

  paintLandscape(f, o) {
    const res = o.res;
    if (this.canvas.width !== res) {
      this.canvas.width = res;
      this.canvas.height = res;
    }
    let peak = 0;
    for (let i = 0; i < res * res; i++) {
      peak = Math.max(peak, f[o.landscape + i]);
    }
    this.peak = peak > 0 ? peak : 1;
    const img = this.ctx.createImageData(res, res);
    for (let i = 0; i < res * res; i++) {
      const [r, g, b] = ramp(HEAT, f[o.landscape + i] / this.peak);
      img.data[4 * i] = r;
      img.data[4 * i + 1] = g;
      img.data[4 * i + 2] = b;
      img.data[4 * i + 3] = 255;
    }
    this.ctx.putImageData(img, 0, 0);
  }
}
