// widgets/tabplot.js holds what the variance, critic and clip widgets share:
// a small plot frame (axes, ticks, labels built once, moved in place), a
// number format and the slider ⇄ output binding. It draws only; every
// number comes from a Go frame.

import { el } from "../dom.js";

// fmt writes v with d decimals and a true minus sign ("–" for NaN).
export function fmt(v, d = 3) {
  if (!Number.isFinite(v)) {
    return "–";
  }
  const s = Math.abs(v).toFixed(d);
  return v < 0 && Number(s) !== 0 ? `−${s}` : s;
}

// A Plot is a rectangle of an SVG with an x and a y axis. Its ticks and
// labels are built once; setRange moves them.
export class Plot {
  constructor(svg, box, xLabel, yLabel, ticks = 5) {
    this.svg = svg;
    this.box = box; // {x, y, w, h} in viewBox units
    this.x0 = 0;
    this.x1 = 1;
    this.y0 = 0;
    this.y1 = 1;
    const g = el("g", { class: "axes" }, svg);
    el("rect", { x: box.x, y: box.y, width: box.w, height: box.h, class: "frame" }, g);
    this.xt = [];
    this.yt = [];
    for (let i = 0; i < ticks; i++) {
      this.xt.push(el("text", { class: "tick", "text-anchor": "middle", y: box.y + box.h + 14 }, g));
      this.yt.push(el("text", { class: "tick", "text-anchor": "end", x: box.x - 4 }, g));
    }
    this.zx = el("line", { class: "zero", y1: box.y, y2: box.y + box.h }, g);
    this.zy = el("line", { class: "zero", x1: box.x, x2: box.x + box.w }, g);
    el("text", { class: "tp-axis", "text-anchor": "middle", x: box.x + box.w / 2, y: box.y + box.h + 30 }, g).textContent = xLabel;
    const yl = el("text", { class: "tp-axis", "text-anchor": "middle", transform: `translate(${box.x - 40} ${box.y + box.h / 2}) rotate(-90)` }, g);
    yl.textContent = yLabel;
    this.layer = el("g", {}, svg);
  }

  setRange(x0, x1, y0, y1, digits = 2) {
    if (!(x1 > x0)) {
      x1 = x0 + 1;
    }
    if (!(y1 > y0)) {
      y1 = y0 + 1;
    }
    Object.assign(this, { x0, x1, y0, y1 });
    const n = this.xt.length;
    for (let i = 0; i < n; i++) {
      const u = i / (n - 1);
      const xv = x0 + u * (x1 - x0);
      const yv = y0 + u * (y1 - y0);
      this.xt[i].setAttribute("x", this.X(xv));
      this.xt[i].textContent = fmt(xv, digits);
      this.yt[i].setAttribute("y", this.Y(yv) + 4);
      this.yt[i].textContent = fmt(yv, digits);
    }
    const show = (line, v, lo, hi, attr, f) => {
      const on = v > lo && v < hi;
      line.style.display = on ? "" : "none";
      if (on) {
        line.setAttribute(attr + "1", f(v));
        line.setAttribute(attr + "2", f(v));
      }
    };
    show(this.zx, 0, x0, x1, "x", (v) => this.X(v));
    show(this.zy, 0, y0, y1, "y", (v) => this.Y(v));
  }

  X(v) {
    return this.box.x + ((v - this.x0) / (this.x1 - this.x0)) * this.box.w;
  }

  Y(v) {
    return this.box.y + this.box.h - ((v - this.y0) / (this.y1 - this.y0)) * this.box.h;
  }
}

// bindSlider keeps output showing show(input's value) and calls change on
// every input event.
export function bindSlider(input, output, show, change) {
  const update = () => {
    output.textContent = show(Number(input.value));
  };
  input.addEventListener("input", () => {
    update();
    change();
  });
  update();
  return update;
}

// visibleWatch calls set(true/false) as the element enters and leaves the
// viewport, so that a widget works only while it can be seen.
export function visibleWatch(elem, set) {
  if (typeof IntersectionObserver !== "function") {
    set(true);
    return;
  }
  new IntersectionObserver((entries) => {
    for (const e of entries) {
      set(e.isIntersecting);
    }
  }).observe(elem);
}

// restoreNumber applies the hash value of key to a slider when it is a
// number within the slider's range, and reports it to bad otherwise.
export function restoreNumber(p, key, input, bad) {
  if (!p.has(key)) {
    return false;
  }
  const v = Number(p.get(key));
  if (!Number.isFinite(v) || v < Number(input.min) || v > Number(input.max)) {
    bad(key, `${p.get(key)} is not a number from ${input.min} to ${input.max}`);
    return false;
  }
  input.value = String(v);
  return true;
}
