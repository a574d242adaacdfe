// grid.js draws the gridworld: built once per grid size, then updated in
// place from each frame (no DOM nodes are created while training).

import { el, setText, Throttle } from "./dom.js";
import { OUTCOME_CLASS } from "./colours.js";

const S = 140; // cell side in viewBox units
const ACTIONS = ["up", "right", "down", "left"];
const GLYPHS = ["↑", "→", "↓", "←"];
const DX = [0, 1, 0, -1];
const DY = [-1, 0, 1, 0];
const BAR_W = 14;
const BAR_GAP = 6;
const BAR_H = 30;
const BAR_BOTTOM = 44;
const ARROW_Y = 96; // centre of the arrows, below the bars
const ARROW_LEN = 30;
// A trajectory's move runs from TRAJ_FROM to TRAJ_TO past the centre of the
// arrows: inside the cell's lower part, clear of the bars above.
const TRAJ_FROM = 8;
const TRAJ_TO = 34;

// Arrow width is a clamped linear function of π, like the line widths of
// TensorFlow Playground: below LO an action is drawn hairline, above HI at
// full width, so a confident policy stands out at a glance.
const W_MIN = 1;
const W_MAX = 10;
const P_LO = 0.1;
const P_HI = 0.9;

// cellName names cell (r, c) of an n×n grid the way the command line does,
// row,col counted from 0 at the top-left, with the corner in words:
// "cell 0,0 (top-left)".
export function cellName(r, c, n) {
  const v = r === 0 ? "top" : r === n - 1 ? "bottom" : "";
  const h = c === 0 ? "left" : c === n - 1 ? "right" : "";
  return v && h ? `cell ${r},${c} (${v}-${h})` : `cell ${r},${c}`;
}

export function arrowWidth(p) {
  const t = Math.min(1, Math.max(0, (p - P_LO) / (P_HI - P_LO)));
  return W_MIN + t * (W_MAX - W_MIN);
}

// arrowPath returns a filled arrow from (cx, cy) in direction a whose shaft
// is w wide; the head grows with the shaft so thin arrows stay readable.
function arrowPath(cx, cy, a, w, len) {
  const head = 5 + w * 0.9;
  const r0 = 9;
  const ux = DX[a];
  const uy = DY[a];
  const px = -uy; // perpendicular
  const py = ux;
  const hw = w / 2;
  const neck = len - head;
  const pt = (along, across) => `${(cx + ux * along + px * across).toFixed(1)},${(cy + uy * along + py * across).toFixed(1)}`;
  return `M${pt(r0, -hw)}L${pt(neck, -hw)}L${pt(neck, -hw - head * 0.7)}L${pt(len, 0)}L${pt(neck, hw + head * 0.7)}L${pt(neck, hw)}L${pt(r0, hw)}Z`;
}

export class GridView {
  constructor(svg, onPick, readout) {
    this.svg = svg;
    this.readout = readout;
    this.readoutText = "";
    this.onPick = onPick;
    this.size = 0;
    this.cells = [];
    this.focusIndex = 0;
    this.lastRollouts = -1;
    this.lastKey = "";
    this.mode = "policy";
    this.shade = false; // shade cells by the baseline b(s)
    this.shadeMax = 0; // the |b| drawn at full shade, for the legend
    // The trajectories are many paths: redrawn a few times a second.
    this.heavy = new Throttle(() => this.drawTrajectories(this.frame, this.off));
    this.hot = -1; // the hovered or focused cell, whose numbers are shown
    this.frame = null;
    this.off = null;
    const setHot = (e) => {
      const g = e.target.closest && e.target.closest(".cell");
      this.hot = g ? Number(g.dataset.index) : -1;
      this.drawNumbers();
    };
    svg.addEventListener("pointerover", setHot);
    svg.addEventListener("focusin", setHot);
    svg.addEventListener("pointerleave", () => {
      this.hot = -1;
      this.drawReadout();
    });
    svg.addEventListener("click", (e) => {
      const g = e.target.closest(".cell");
      if (g) {
        this.focusCell(Number(g.dataset.index), false);
        this.onPick(Number(g.dataset.row), Number(g.dataset.col), e.shiftKey);
      }
    });
    svg.addEventListener("keydown", (e) => this.keydown(e));
  }

  // build creates the cells of an n×n grid.
  build(n) {
    const svg = this.svg;
    svg.textContent = "";
    svg.setAttribute("viewBox", `0 0 ${n * S} ${n * S}`);
    this.size = n;
    this.cells = [];
    const rows = el("g", { class: "rows" }, svg);
    for (let r = 0; r < n; r++) {
      const row = el("g", { role: "row" }, rows);
      for (let c = 0; c < n; c++) {
        const i = r * n + c;
        const x0 = c * S;
        const y0 = r * S;
        const g = el("g", { class: "cell", role: "gridcell", tabindex: i === this.focusIndex ? "0" : "-1",
          "data-row": r, "data-col": c, "data-index": i }, row);
        el("rect", { class: "cell-bg", x: x0 + 3, y: y0 + 3, width: S - 6, height: S - 6, rx: 12 }, g);
        // The baseline's shade (Policy view, when asked for), under everything else.
        const shade = el("rect", { class: "bshade", x: x0 + 3, y: y0 + 3, width: S - 6, height: S - 6, rx: 12, opacity: 0 }, g);
        // The greedy path's piece in this cell, under the bars and arrows.
        const greedy = el("path", { class: "greedy" }, g);
        const bars = el("g", { class: "bars" }, g);
        const barRects = [];
        const bx0 = x0 + (S - (4 * BAR_W + 3 * BAR_GAP)) / 2;
        for (let a = 0; a < 4; a++) {
          const bx = bx0 + a * (BAR_W + BAR_GAP);
          el("rect", { class: "bar-track", x: bx, y: y0 + BAR_BOTTOM - BAR_H, width: BAR_W, height: BAR_H, rx: 2 }, bars);
          barRects.push(el("rect", { class: "bar", "data-action": ACTIONS[a], x: bx, y: y0 + BAR_BOTTOM, width: BAR_W, height: 0, rx: 2 }, bars));
          el("text", { class: "bar-cap", x: bx + BAR_W / 2, y: y0 + BAR_BOTTOM + 12 }, bars).textContent = GLYPHS[a];
        }
        const arrows = el("g", { class: "arrows" }, g);
        const arrowPaths = [];
        for (let a = 0; a < 4; a++) {
          arrowPaths.push(el("path", { class: "arrow-fill", "data-action": ACTIONS[a] }, arrows));
        }
        const nums = el("g", { class: "nums" }, g);
        const numTexts = [];
        const cx = x0 + S / 2;
        const cy = y0 + ARROW_Y;
        const spots = [[cx, cy - 30], [cx + 42, cy], [cx, cy + 30], [cx - 42, cy]];
        el("rect", { class: "num-bg", x: x0 + 8, y: y0 + 56, width: S - 16, height: S - 62, rx: 8 }, nums);
        for (let a = 0; a < 4; a++) {
          numTexts.push(el("text", { class: "num", x: spots[a][0], y: spots[a][1] }, nums));
        }
        const label = el("text", { class: "cell-label", x: cx, y: y0 + S / 2 + 6 }, g);
        const sub = el("text", { class: "cell-label sub", x: cx, y: y0 + S / 2 + 30 }, g);
        el("rect", { class: "ring", x: x0 + 5, y: y0 + 5, width: S - 10, height: S - 10, rx: 11 }, g);
        this.cells.push({ g, shade, shadeKey: "", greedy, greedyD: "", barRects, arrowPaths, numTexts, label, sub, x0, y0, kind: "",
          barQ: new Int32Array(4).fill(-1), arrowQ: new Int32Array(4).fill(-1) });
      }
    }
    this.greedyKey = null;
    this.trajGroup = el("g", { class: "trajs" }, svg);
    this.trajPaths = [];
    this.lastRollouts = -1;
    this.lastKey = "";
  }

  // setMode shows the policy's arrows ("policy") or the recent rollouts
  // ("traj"); only the visible one is drawn each frame.
  setMode(mode) {
    this.mode = mode;
    this.lastRollouts = -1;
    if (this.frame) {
      this.update(this.frame, this.off);
      this.flush(true);
    }
  }

  // update draws grid frame f with offsets o. Attributes are written only
  // when their value changes visibly, which keeps style and paint work low
  // at thousands of rollouts a frame.
  update(f, o) {
    this.frame = f;
    this.off = o;
    const n = o.size;
    if (n !== this.size) {
      this.build(n);
    }
    const key = `${o.start},${o.goal},${Array.from(f.subarray(o.pits, o.pits + o.nPits)).join(".")}`;
    if (key !== this.lastKey) {
      this.lastKey = key;
      this.layoutKinds(f, o);
      this.lastRollouts = -1;
    }
    if (o.rollouts === this.lastRollouts) {
      return; // nothing moved since the last frame
    }
    this.lastRollouts = o.rollouts;
    const arrows = this.mode === "policy";
    for (let i = 0; i < n * n; i++) {
      const c = this.cells[i];
      if (c.kind === "goal" || c.kind === "pit") {
        continue;
      }
      const base = o.probs + 4 * i;
      for (let a = 0; a < 4; a++) {
        const p = f[base + a];
        const q = Math.round(p * 400); // a quarter of a viewBox unit of bar height
        if (q !== c.barQ[a]) {
          c.barQ[a] = q;
          const h = p * BAR_H;
          c.barRects[a].setAttribute("y", (c.y0 + BAR_BOTTOM - h).toFixed(2));
          c.barRects[a].setAttribute("height", h.toFixed(2));
        }
        if (!arrows) {
          continue;
        }
        const w = arrowWidth(p);
        const wq = Math.round(w * 20);
        const op = 0.25 + 0.75 * Math.min(1, p / P_HI);
        if (wq !== c.arrowQ[a]) {
          c.arrowQ[a] = wq;
          c.arrowPaths[a].setAttribute("d", arrowPath(c.x0 + S / 2, c.y0 + ARROW_Y, a, w, ARROW_LEN + w * 0.6));
          c.arrowPaths[a].setAttribute("opacity", op.toFixed(2));
        }
      }
    }
    this.drawNumbers();
    this.drawShade(f, o);
    if (arrows) {
      this.drawGreedy(f, o);
    } else {
      this.heavy.request();
    }
  }

  // setShade turns the baseline's shading on or off.
  setShade(on) {
    this.shade = on;
    this.lastRollouts = -1;
    if (this.frame) {
      this.update(this.frame, this.off);
    }
  }

  // drawShade gives each cell where a move is taken an opacity of
  // 0.55·|b(s)| / max|b| (green above 0, red below); the legend says what
  // max|b| is. Hidden in the Trajectories view and when off.
  drawShade(f, o) {
    const on = this.shade && this.mode === "policy";
    let max = 0;
    if (on) {
      for (let i = 0; i < this.cells.length; i++) {
        const k = this.cells[i].kind;
        if (k !== "goal" && k !== "pit" && k !== "wall") {
          max = Math.max(max, Math.abs(f[o.baselines + i]));
        }
      }
    }
    this.shadeMax = max;
    for (let i = 0; i < this.cells.length; i++) {
      const c = this.cells[i];
      const k = c.kind;
      const b = f[o.baselines + i];
      const show = on && max > 0 && k !== "goal" && k !== "pit" && k !== "wall";
      const op = show ? (0.55 * Math.abs(b)) / max : 0;
      const key = `${b < 0 ? "neg" : "pos"}${op.toFixed(3)}`;
      if (key !== c.shadeKey) {
        c.shadeKey = key;
        c.shade.setAttribute("class", `bshade ${b < 0 ? "neg" : "pos"}`);
        c.shade.setAttribute("opacity", op.toFixed(3));
      }
    }
  }

  // flush draws the trajectories held back by the throttle; see Throttle.
  flush(force) {
    this.heavy.flush(force);
  }

  // drawNumbers writes π for the hot cell only: the numbers of the other
  // cells are hidden, so writing them would only cost layout.
  drawNumbers() {
    this.drawReadout();
    const i = this.hot;
    if (i < 0 || !this.frame || i >= this.cells.length) {
      return;
    }
    const base = this.off.probs + 4 * i;
    const c = this.cells[i];
    for (let a = 0; a < 4; a++) {
      const t = this.frame[base + a].toFixed(2);
      if (c.numTexts[a].textContent !== t) {
        c.numTexts[a].textContent = t;
      }
    }
    if (document.activeElement === c.g && c.kind !== "goal" && c.kind !== "pit") {
      // A screen reader hears the probabilities the bars show.
      const f = this.frame;
      const label = `${c.g.dataset.name}. π: up ${f[base].toFixed(2)}, right ${f[base + 1].toFixed(2)}, ` +
        `down ${f[base + 2].toFixed(2)}, left ${f[base + 3].toFixed(2)}`;
      if (c.g.getAttribute("aria-label") !== label) {
        c.g.setAttribute("aria-label", label);
      }
    }
  }

  // drawReadout writes π of the hot cell, or of the start when no cell is
  // hot, under the grid: the numbers a touch screen cannot hover for.
  drawReadout() {
    if (!this.readout || !this.frame) {
      return;
    }
    const o = this.off;
    const i = this.hot >= 0 && this.hot < this.cells.length ? this.hot : o.start;
    const c = this.cells[i];
    let text;
    if (c.kind === "goal" || c.kind === "pit") {
      text = `The ${c.kind} ends the rollout: no move is taken there.`;
    } else {
      const b = o.probs + 4 * i;
      const f = this.frame;
      const where = i === o.start ? "start" : `${Math.floor(i / o.size)},${i % o.size}`;
      text = `π(· | ${where}):  ↑ ${f[b].toFixed(2)}   → ${f[b + 1].toFixed(2)}   ↓ ${f[b + 2].toFixed(2)}   ← ${f[b + 3].toFixed(2)}`;
    }
    if (text !== this.readoutText) {
      this.readoutText = text;
      setText(this.readout, text);
    }
  }

  // layoutKinds marks start, goal and pit cells after any of them moved.
  layoutKinds(f, o) {
    const n = o.size;
    const kinds = new Array(n * n).fill("");
    kinds[o.start] = "start";
    for (let j = 0; j < o.nPits; j++) {
      kinds[f[o.pits + j]] = "pit";
    }
    for (let j = 0; j < o.nWalls; j++) {
      kinds[f[o.walls + j]] = "wall";
    }
    kinds[o.goal] = "goal";
    this.greedyKey = null;
    for (let i = 0; i < n * n; i++) {
      const c = this.cells[i];
      c.barQ.fill(-1);
      c.arrowQ.fill(-1);
      c.kind = kinds[i];
      c.g.setAttribute("class", `cell ${kinds[i]}`);
      const r = Math.floor(i / n);
      const col = i % n;
      const name = { start: "start", goal: "goal", pit: "pit", wall: "wall", "": "empty" }[kinds[i]];
      c.g.dataset.name = `${cellName(r, col, n)}: ${name}`;
      c.g.setAttribute("aria-label", c.g.dataset.name);
      c.label.textContent = kinds[i] === "goal" ? "goal" : kinds[i] === "pit" ? "pit" : "";
      c.sub.textContent = kinds[i] === "goal" ? "+1" : kinds[i] === "pit" ? "−1" : "";
      if (kinds[i] === "start") {
        c.label.textContent = "start";
        c.label.setAttribute("x", c.x0 + 8); // clear of the down arrows (§4.7)
        c.label.setAttribute("y", c.y0 + S - 12);
        c.label.classList.add("corner");
      } else {
        c.label.setAttribute("x", c.x0 + S / 2);
        c.label.setAttribute("y", c.y0 + S / 2 + 2);
        c.label.classList.remove("corner");
      }
    }
  }

  centre(i) {
    const n = this.size;
    return [(i % n) * S + S / 2, Math.floor(i / n) * S + ARROW_Y];
  }

  // drawGreedy draws the likeliest path from the start as a line through
  // the cell centres, one piece per cell under that cell's arrows, so it
  // never covers an arrow or a label; it stops at the edge of the goal or
  // pit it ends in.
  drawGreedy(f, o) {
    const ds = new Array(this.cells.length).fill("");
    // Before any rollout every action ties and argmax means nothing.
    if (o.rollouts > 0) {
      if (o.nGreedy > 0 && this.greedyKey === this.greedyKeyOf(f, o)) {
        return;
      }
      this.greedyKey = this.greedyKeyOf(f, o);
      const half = (i, j) => {
        // From the centre of cell i to its edge that faces cell j.
        const c = this.cells[i];
        const [x, y] = this.centre(i);
        const dr = Math.sign(Math.floor(j / o.size) - Math.floor(i / o.size));
        const dc = Math.sign((j % o.size) - (i % o.size));
        const ex = dc === 0 ? x : c.x0 + (dc > 0 ? S : 0);
        const ey = dr === 0 ? y : c.y0 + (dr > 0 ? S : 0);
        ds[i] += `M${x},${y}L${ex},${ey}`;
      };
      for (let j = 0; j + 1 < o.nGreedy; j++) {
        const a = f[o.greedy + j];
        const b = f[o.greedy + j + 1];
        if (a === b) {
          continue;
        }
        half(a, b);
        const kind = this.cells[b].kind;
        if (kind !== "goal" && kind !== "pit") {
          half(b, a);
        }
      }
    } else {
      this.greedyKey = null;
    }
    for (let i = 0; i < this.cells.length; i++) {
      const c = this.cells[i];
      if (c.greedyD !== ds[i]) {
        c.greedyD = ds[i];
        c.greedy.setAttribute("d", ds[i]);
      }
    }
  }

  greedyKeyOf(f, o) {
    let k = 0;
    for (let j = 0; j < o.nGreedy; j++) {
      k = k * 31 + f[o.greedy + j] + 1;
    }
    return k * 100 + o.nGreedy;
  }

  // drawTrajectories draws the frame's recent rollouts, oldest first so
  // that the newest are on top. Each rollout keeps its path while it stays
  // in the frame (path = rollout number modulo the number of paths), so a
  // redraw builds and writes the outline of the new rollouts only, and the
  // fading opacity of all; a path whose rollout changed moves to the end of
  // the group, which keeps the drawing order oldest to newest.
  drawTrajectories(f, o) {
    while (this.trajPaths.length < o.nTraj) {
      const p = el("path", { class: "traj" }, this.trajGroup);
      this.trajPaths.push({ p, moves: new Float64Array(0), cls: "traj", op: "", d: "" });
    }
    const n = o.size;
    const m = this.trajPaths.length;
    const first = o.rollouts - o.nTraj; // the number of the oldest rollout in the frame
    if (!this.trajSeen || this.trajSeen.length !== m) {
      this.trajSeen = new Uint8Array(m);
    }
    const seen = this.trajSeen;
    seen.fill(0);
    let moving = false;
    let at = o.traj;
    for (let k = 0; k < o.nTraj; k++) {
      const g = first + k;
      const slot = g % m;
      seen[slot] = 1;
      const t = this.trajPaths[slot];
      const outcome = f[at];
      const len = f[at + 2];
      const moves = f.subarray(at + 3, at + 3 + len);
      at += 3 + len;
      // Each move is an arrow in the lower part of the cell it was taken
      // in, where the policy view draws its arrows, so that it covers
      // neither the bars nor the goal's and pit's labels. Each rollout is
      // shifted sideways by its own small offset, so that the moves of many
      // rollouts form a bundle whose thickness shows how often that move
      // was taken.
      const side = ((g * 7) % 9 - 4) * 2;
      let changed = false;
      if (t.side !== side || t.n !== n || !sameMoves(t.moves, moves)) {
        t.side = side;
        t.n = n;
        t.moves = Float64Array.from(moves);
        const d = trajPath(moves, n, side);
        if (d !== t.d) {
          t.d = d;
          t.p.setAttribute("d", d);
          changed = true;
        }
      }
      const cls = `traj ${OUTCOME_CLASS[outcome] || "capped"}`;
      if (cls !== t.cls) {
        t.cls = cls;
        t.p.setAttribute("class", cls);
        changed = true;
      }
      const age = (k + 1) / o.nTraj; // 1 for the newest
      const op = (0.1 + 0.9 * age * age).toFixed(3);
      if (op !== t.op) {
        t.op = op;
        t.p.setAttribute("opacity", op);
      }
      // Once one path moves to the end, every newer one follows it.
      if (changed || moving) {
        moving = true;
        this.trajGroup.appendChild(t.p);
      }
    }
    for (let slot = 0; slot < m; slot++) {
      const t = this.trajPaths[slot];
      if (!seen[slot] && t.d !== "") {
        t.d = "";
        t.moves = new Float64Array(0);
        t.p.setAttribute("d", "");
      }
    }
  }

  // focusCell moves the roving tabindex to cell i and, if asked, focuses it.
  focusCell(i, focus = true) {
    const old = this.cells[this.focusIndex];
    if (old) {
      old.g.setAttribute("tabindex", "-1");
    }
    this.focusIndex = i;
    const c = this.cells[i];
    c.g.setAttribute("tabindex", "0");
    if (focus) {
      c.g.focus();
    }
  }

  keydown(e) {
    let g = e.target.closest && e.target.closest(".cell");
    if (!g && e.target === this.svg && this.cells[this.focusIndex]) {
      // Focus on the grid itself (a click between cells): act on the
      // cell that holds the roving tab stop.
      g = this.cells[this.focusIndex].g;
    }
    if (!g) {
      return;
    }
    const n = this.size;
    const i = Number(g.dataset.index);
    const r = Math.floor(i / n);
    const c = i % n;
    let next = -1;
    switch (e.key) {
      case "ArrowUp": next = r > 0 ? i - n : i; break;
      case "ArrowDown": next = r < n - 1 ? i + n : i; break;
      case "ArrowLeft": next = c > 0 ? i - 1 : i; break;
      case "ArrowRight": next = c < n - 1 ? i + 1 : i; break;
      case "Home": next = r * n; break;
      case "End": next = r * n + n - 1; break;
      case "Enter":
        e.preventDefault();
        this.onPick(r, c, e.shiftKey);
        return;
      default:
        return;
    }
    e.preventDefault();
    this.focusCell(next);
  }

  // probsAt returns π(·|cell i) from frame f, for the status line.
  static probsAt(f, o, i) {
    const b = o.probs + 4 * i;
    return [f[b], f[b + 1], f[b + 2], f[b + 3]];
  }
}

function sameMoves(a, b) {
  if (a.length !== b.length) {
    return false;
  }
  for (let i = 0; i < a.length; i++) {
    if (a[i] !== b[i]) {
      return false;
    }
  }
  return true;
}

// trajPath returns the outline of a rollout's moves (cell·4 + action each)
// on an n×n grid, shifted sideways by side.
function trajPath(moves, n, side) {
  let d = "";
  for (let s = 0; s < moves.length; s++) {
    const v = moves[s];
    const cellIdx = Math.floor(v / 4);
    const a = v - 4 * cellIdx;
    const r = Math.floor(cellIdx / n);
    const c = cellIdx % n;
    const x = c * S + S / 2 - DY[a] * side;
    const y = r * S + ARROW_Y + DX[a] * side;
    const fx = x + DX[a] * TRAJ_FROM;
    const fy = y + DY[a] * TRAJ_FROM;
    const tx = x + DX[a] * TRAJ_TO;
    const ty = y + DY[a] * TRAJ_TO;
    const hx = -DX[a] * 8;
    const hy = -DY[a] * 8;
    d += `M${fx.toFixed(1)},${fy.toFixed(1)}L${tx.toFixed(1)},${ty.toFixed(1)}` +
      `M${(tx + hx - hy * 0.7).toFixed(1)},${(ty + hy + hx * 0.7).toFixed(1)}L${tx.toFixed(1)},${ty.toFixed(1)}` +
      `L${(tx + hx + hy * 0.7).toFixed(1)},${(ty + hy - hx * 0.7).toFixed(1)}`;
  }
  return d;
}
