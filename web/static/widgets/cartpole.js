// widgets/cartpole.js is the CartPole section (<section id="cartpole">): a
// neural policy trained by pg/deep (REINFORCE, A2C or PPO) on CartPole-v1,
// Pendulum-v1 or Acrobot-v1, drawn live. The engine is a second wasm
// module (pgrad-deep.wasm, web/wasmdeep) running in a Web Worker
// (deep-worker.js), loaded only when the section comes near the viewport
// or is opened, so the page's first view does not wait for it.
//
// Every frame posts at most one request to the worker, which makes one call
// into Go for it; the reply is the bridge's frame (layout in
// web/wasmdeep/doc.go). The played episode's states arrive a few steps
// ahead and are shown one per task step in real time (CartPole's τ =
// 0.02 s: 50 steps per second), or eight per frame with "fast".

import { Scene } from "../scene.js";
import { niceMax, short } from "../chart.js";
import { el } from "../dom.js";
import { num } from "../hash.js";
import { thousands } from "../format.js";

const $ = (id) => document.getElementById(id);

const ENVS = ["cartpole", "pendulum", "acrobot"];
const ALGOS = ["reinforce", "a2c", "ppo"];
const TITLES = { cartpole: "CartPole-v1", pendulum: "Pendulum-v1", acrobot: "Acrobot-v1" };
// Gymnasium's reward_threshold of each task (Pendulum-v1 registers none).
const SOLVED = { cartpole: 475, pendulum: null, acrobot: -100 };
const H = 32; // header slots of a frame
const FAST_PER_FRAME = 8;

export class CartPoleSection {
  constructor(hash) {
    this.hash = hash;
    this.ui = {
      section: $("cartpole"), canvas: $("cp-canvas"), status: $("cp-status"), load: $("cp-load"),
      train: $("cp-train"), step: $("cp-step"), reset: $("cp-reset"), fast: $("cp-fast"),
      env: $("cp-env"), algo: $("cp-algo"), seed: $("cp-seed"), lr: $("cp-lr"), hidden: $("cp-hidden"),
      scrub: $("cp-scrub"), scrubOut: $("cp-scrub-out"), chart: $("cp-chart"), cmd: $("cp-cmd"),
      epStep: $("cp-ep-step"), epLast: $("cp-ep-last"), task: $("cp-task"),
    };
    this.stat = {};
    for (const k of ["iter", "steps", "sps", "episodes", "recent", "entropy", "kl", "clip", "ev", "time"]) {
      this.stat[k] = $(`cp-s-${k}`);
    }
    this.scene = new Scene(this.ui.canvas);
    this.worker = null;
    this.state = "idle"; // idle, loading, ready, failed
    this.pending = null; // the request in flight (one at a time)
    this.nextId = 1;
    this.waiters = new Map();
    this.training = false;
    this.fast = false;
    this.watch = -1;
    this.curveX = [];
    this.curveY = [];
    this.snaps = [];
    this.header = null;
    this.current = null;
    this.defaults = null;
    this.gen = 0;
    this.queue = []; // played states not yet shown: {obs, act, step, ended}
    this.owed = 0;
    this.lastNow = 0;
    this.set = null;
    this.chartKey = "";
    this.buildChart();
    this.wire();
    globalThis.pgradCartPole = this; // read by the browser and perf tests
    this.addHashEntries();
    // Load when the section comes within a screen of the viewport.
    if ("IntersectionObserver" in globalThis) {
      const io = new IntersectionObserver((entries) => {
        if (entries.some((e) => e.isIntersecting)) {
          io.disconnect();
          this.load();
        }
      }, { rootMargin: "300px 0px" });
      io.observe(this.ui.section);
    }
  }

  // attach is called when the page's main engine is ready; this section
  // needs only its own.
  attach() {
    return this.hashProblems || [];
  }

  say(msg, warn = false) {
    this.ui.status.textContent = msg;
    this.ui.status.classList.toggle("warn", warn);
  }

  // ---- the worker ----

  load() {
    if (this.state !== "idle") {
      return;
    }
    this.state = "loading";
    this.ui.section.classList.add("loading");
    this.ui.load.hidden = true;
    this.say("Loading the neural engine (pgrad-deep.wasm, about 1 MB)…");
    this.worker = new Worker("deep-worker.js");
    this.worker.onmessage = (e) => this.receive(e.data);
    this.worker.onerror = (e) => this.fail(`pgrad: the neural engine's worker failed: ${e.message || "unknown error"}`);
  }

  fail(msg) {
    this.state = "failed";
    this.ui.section.classList.remove("loading");
    this.say(msg, true);
  }

  receive(m) {
    if (m.op === "ready") {
      this.state = "ready";
      this.ui.section.classList.remove("loading");
      this.ui.section.dataset.engine = "ready";
      this.configure(this.set || this.readControls(), true);
      return;
    }
    if (m.op === "failed") {
      this.fail(m.error);
      return;
    }
    if (m.op === "stopped") {
      this.setTraining(false, false);
      if (m.error) {
        this.say(m.error, true);
      } else {
        this.say("The run reached the end of its schedule (the steps pgrad train runs by default).");
      }
      return;
    }
    const w = this.waiters.get(m.id);
    this.waiters.delete(m.id);
    if (this.pending === m.id) {
      this.pending = null;
    }
    if (w) {
      w(m);
    }
  }

  // request posts one request; done(reply) runs when it comes back.
  request(msg, done) {
    const id = this.nextId++;
    msg.id = id;
    this.waiters.set(id, done || (() => {}));
    this.worker.postMessage(msg);
    return id;
  }

  // ask is request as a promise (tests and the settings use it).
  ask(msg) {
    return new Promise((resolve, reject) => {
      this.request(msg, (m) => (m.error ? reject(new Error(m.error)) : resolve(m)));
    });
  }

  // ---- settings ----

  readControls() {
    const u = this.ui;
    return { env: u.env.value, algo: u.algo.value, seed: Number(u.seed.value), lr: Number(u.lr.value), hidden: Number(u.hidden.value) };
  }

  showControls(s) {
    const u = this.ui;
    u.env.value = s.env;
    u.algo.value = s.algo;
    u.seed.value = String(s.seed);
    ensureOption(u.lr, s.lr);
    u.lr.value = String(s.lr);
    ensureOption(u.hidden, s.hidden);
    u.hidden.value = String(s.hidden);
  }

  // configure starts a new session from s; on an Error the old one stays
  // and the controls go back to it.
  configure(s, quiet = false) {
    if (this.state !== "ready") {
      this.set = s;
      return;
    }
    const gen = ++this.gen; // replies to requests about the old session are dropped
    // Requests sent before the reply must not name points of the old
    // curve: asking from 0 is valid for either session.
    const oldX = this.curveX;
    const oldY = this.curveY;
    this.curveX = [];
    this.curveY = [];
    this.queue = [];
    this.request({ op: "configure", set: s }, (m) => {
      if (gen !== this.gen) {
        return;
      }
      if (m.error) {
        // Refused: the session did not change, nor does its curve.
        this.curveX = oldX;
        this.curveY = oldY;
        this.say(m.error, true);
        if (this.set) {
          this.showControls(this.set);
        }
        return;
      }
      this.set = s;
      this.training = false;
      this.watch = -1;
      this.current = null;
      this.request({ op: "defaults", env: s.env, algo: s.algo }, (d) => {
        if (!d.error) {
          this.defaults = d.value;
          this.showCommand();
        }
      });
      this.curveX = [];
      this.curveY = [];
      this.queue = [];
      this.ui.scrub.value = this.ui.scrub.max;
      this.scene.setTask(s.env);
      this.ui.task.textContent = TITLES[s.env];
      this.accept(m.frame);
      this.showTraining();
      this.hash.save();
      if (!quiet) {
        this.say(`New ${TITLES[s.env]} run: ${s.algo.toUpperCase()}, seed ${s.seed}. Press Train.`);
      } else {
        this.say(`Ready: ${s.algo.toUpperCase()} on ${TITLES[s.env]} with pgrad train's defaults. Press Train (Space) and watch the pole.`);
      }
    });
  }

  // defaultsFor sets lr and hidden to pgrad train's defaults for the
  // chosen task and algorithm, then configures.
  defaultsFor() {
    const s = this.readControls();
    this.request({ op: "defaults", env: s.env, algo: s.algo }, (m) => {
      if (m.error) {
        this.say(m.error, true);
        return;
      }
      s.lr = m.value.lr;
      s.hidden = m.value.hidden;
      this.showControls(s);
      this.configure(s);
    });
  }

  setTraining(on, tell = true) {
    const was = this.training;
    this.training = on;
    if (tell && this.state === "ready") {
      this.request({ op: "train", on });
      if (on && !was) {
        this.say("Training in the worker: the canvas plays the live policy meanwhile; Pause (Space) to stop, drag the history slider to replay an earlier policy.");
      } else if (!on && was) {
        this.say("Paused. Train continues the same run; Step runs one iteration.");
      }
    }
    this.showTraining();
  }

  showTraining() {
    const u = this.ui;
    u.train.textContent = this.training ? "Pause" : "Train";
    u.train.setAttribute("aria-pressed", String(this.training));
    const ready = this.state === "ready";
    for (const b of [u.train, u.step, u.reset]) {
      b.disabled = !ready;
    }
  }

  stepOnce() {
    if (this.state !== "ready") {
      return;
    }
    this.setTraining(false);
    const gen = this.gen;
    this.request({ op: "step", from: this.curveX.length }, (m) => {
      if (gen !== this.gen) {
        return;
      }
      if (m.error) {
        this.say(m.error, true);
        return;
      }
      this.accept(m.frame);
    });
  }

  // ---- frames ----

  // accept takes a frame: header, new curve points, snapshots, states.
  accept(f, asked = 0) {
    const from = f[13];
    const nc = f[14];
    const ns = f[15];
    if (from < this.curveX.length) {
      this.curveX.length = from;
      this.curveY.length = from;
    }
    let o = H;
    for (let i = 0; i < nc; i++) {
      this.curveX.push(f[o]);
      this.curveY.push(f[o + 1]);
      o += 2;
    }
    this.snaps = Array.from(f.subarray(o, o + ns));
    o += ns;
    const d = f[21];
    const a = f[22];
    const k = f[23];
    const states = [];
    for (let i = 0; i < k; i++) {
      states.push({ obs: Array.from(f.subarray(o, o + d)), act: a > 0 ? f[o + d] : null, step: f[o + d + a], ended: f[o + d + a + 1] === 1 });
      o += d + a + 2;
    }
    this.header = f.subarray(0, H);
    if (f[16] === this.watch) {
      if (asked > 0) {
        this.queue.push(...states);
      } else if (!this.current && states.length > 0) {
        // A frame without played steps carries the current state: draw it
        // until played states arrive.
        this.show(states[0]);
      }
    }
    this.showStats();
    this.drawChart();
    this.showScrub();
    this.showCommand();
  }

  // frame is the page loop's call: draw the next played state when it is
  // due and, when no request is in flight, ask for more.
  frame(now) {
    if (this.state !== "ready" || !this.header) {
      return 0;
    }
    const dt = this.header[28] || 0.02;
    const elapsed = this.lastNow ? Math.min(0.25, (now - this.lastNow) / 1000) : 0;
    this.lastNow = now;
    let due = this.fast ? FAST_PER_FRAME : (this.owed += elapsed / dt, Math.floor(this.owed));
    if (!this.fast) {
      this.owed -= due;
    }
    let shown = null;
    while (due > 0 && this.queue.length > 0) {
      shown = this.queue.shift();
      due--;
    }
    if (shown) {
      this.show(shown);
    }
    if (this.pending === null) {
      const want = this.fast ? 4 * FAST_PER_FRAME : Math.ceil(0.3 / dt);
      const k = Math.max(0, want - this.queue.length);
      if (k > 0 || this.training) {
        const gen = this.gen;
        this.pending = this.request({ op: "frame", k, watch: this.watch, from: this.curveX.length }, (m) => {
          if (gen !== this.gen) {
            return;
          }
          if (m.error) {
            this.say(m.error, true);
            return;
          }
          this.accept(m.frame, k);
        });
      }
    }
    return 0;
  }

  show(st) {
    this.scene.draw(st.obs, st.act, st.ended);
    this.ui.epStep.textContent = String(st.step);
    this.current = st;
  }

  showStats() {
    const h = this.header;
    const s = this.stat;
    const fmt = (v, d) => (Number.isNaN(v) ? "–" : v.toFixed(d));
    s.iter.textContent = `${h[2]} / ${h[3]}`;
    s.steps.textContent = thousands(h[4]);
    s.sps.textContent = h[11] > 0 ? thousands(Math.round(h[11])) : "–";
    s.episodes.textContent = thousands(h[5]);
    s.recent.textContent = fmt(h[6], 1);
    const any = h[2] > 0;
    s.entropy.textContent = any ? h[7].toFixed(3) : "–";
    s.kl.textContent = any && h[31] === 2 ? h[8].toExponential(1) : "–";
    s.clip.textContent = any && h[31] === 2 ? h[9].toFixed(3) : "–";
    s.ev.textContent = any ? h[10].toFixed(2) : "–";
    s.time.textContent = `${h[27].toFixed(1)} s`;
    this.ui.epLast.textContent = Number.isNaN(h[20]) ? "–" : fmt(h[20], 1);
    this.ui.section.dataset.iterations = String(h[2]);
  }

  showScrub() {
    const u = this.ui;
    const n = this.snaps.length;
    const atEnd = this.watch < 0;
    u.scrub.max = String(n); // n: the live policy
    if (atEnd) {
      u.scrub.value = String(n);
    }
    const label = atEnd ? "the live policy" : `the policy after iteration ${this.snaps[this.watch]}`;
    u.scrubOut.textContent = label;
    u.scrub.setAttribute("aria-valuetext", label);
  }

  showCommand() {
    const h = this.header;
    const s = this.set;
    if (!s) {
      return;
    }
    // The same line as Go's neural.Settings.Command (a browser test checks
    // the two agree).
    let c = `pgrad train ${s.env}`;
    if (s.algo !== "ppo") {
      c += ` -algo ${s.algo}`;
    }
    c += ` -seed ${s.seed}`;
    if (this.defaults && s.lr !== this.defaults.lr) {
      c += ` -lr ${goFloat(s.lr)}`;
    }
    if (this.defaults && s.hidden !== this.defaults.hidden) {
      c += ` -hidden ${s.hidden},${s.hidden}`;
    }
    c += " -portable";
    if (h[2] > 0) {
      c += ` -iters ${h[2]}`;
    }
    if (this.ui.cmd.textContent !== c) {
      this.ui.cmd.textContent = c;
    }
  }

  // ---- the learning curve ----

  buildChart() {
    const svg = this.ui.chart;
    svg.textContent = "";
    this.cg = el("g", {}, svg);
    this.solvedLine = el("line", { class: "c-solved" }, svg);
    this.solvedText = el("text", { class: "c-tick c-solved-label", "text-anchor": "end" }, svg);
    this.line = el("polyline", { class: "c-ret" }, svg);
    this.xTicks = [];
    for (let i = 0; i < 5; i++) {
      this.xTicks.push(el("text", { class: "c-tick", y: 163, "text-anchor": "middle" }, svg));
    }
  }

  drawChart() {
    const env = this.set ? this.set.env : "cartpole";
    const n = this.curveX.length;
    const key = `${env},${n}`;
    if (key === this.chartKey) {
      return;
    }
    this.chartKey = key;
    const [lo, hi] = env === "cartpole" ? [0, 500] : env === "acrobot" ? [-500, 0] : [-1600, 0];
    const L = 40, R = 10, T = 10, B = 24, VW = 400, VH = 170;
    const xmax = niceMax(Math.max(n > 0 ? this.curveX[n - 1] : 0, 10000));
    const x = (v) => L + (v / xmax) * (VW - L - R);
    const y = (v) => T + ((hi - Math.min(hi, Math.max(lo, v))) / (hi - lo)) * (VH - T - B);
    this.cg.textContent = "";
    for (let i = 0; i <= 4; i++) {
      const v = lo + ((hi - lo) * i) / 4;
      el("line", { class: "c-grid", x1: L, x2: VW - R, y1: y(v), y2: y(v) }, this.cg);
      el("text", { class: "c-tick", x: L - 5, y: y(v) + 3.5, "text-anchor": "end" }, this.cg).textContent = String(v).replace("-", "−");
    }
    const solved = SOLVED[env];
    if (solved === null) {
      this.solvedLine.setAttribute("x1", -10);
      this.solvedLine.setAttribute("x2", -10);
      this.solvedText.textContent = "";
    } else {
      for (const [k, v] of [["x1", L], ["x2", VW - R], ["y1", y(solved)], ["y2", y(solved)]]) {
        this.solvedLine.setAttribute(k, v);
      }
      this.solvedText.setAttribute("x", VW - R - 2);
      this.solvedText.setAttribute("y", y(solved) + (env === "cartpole" ? 12 : -4));
      this.solvedText.textContent = `solved: ${String(solved).replace("-", "−")}`;
    }
    let pts = "";
    // At most about 400 drawn points: every k-th, the newest kept.
    const k = Math.max(1, Math.ceil(n / 400));
    for (let i = (n - 1) % k; i < n; i += k) {
      if (!Number.isNaN(this.curveY[i])) {
        pts += `${x(this.curveX[i]).toFixed(1)},${y(this.curveY[i]).toFixed(1)} `;
      }
    }
    this.line.setAttribute("points", pts);
    for (let i = 0; i < this.xTicks.length; i++) {
      const v = (xmax * i) / (this.xTicks.length - 1);
      this.xTicks[i].setAttribute("x", x(v).toFixed(1));
      this.xTicks[i].textContent = short(v);
    }
  }

  // ---- input ----

  wire() {
    const u = this.ui;
    u.load.addEventListener("click", () => this.load());
    u.section.addEventListener("focusin", () => this.load());
    u.train.addEventListener("click", () => this.setTraining(!this.training));
    u.step.addEventListener("click", () => this.stepOnce());
    u.reset.addEventListener("click", () => this.set && this.configure(this.set));
    u.fast.addEventListener("change", () => {
      this.fast = u.fast.checked;
      this.queue = [];
    });
    u.env.addEventListener("change", () => this.defaultsFor());
    u.algo.addEventListener("change", () => this.defaultsFor());
    for (const c of [u.seed, u.lr, u.hidden]) {
      c.addEventListener("change", () => this.configure(this.readControls()));
    }
    u.scrub.addEventListener("input", () => {
      const v = Number(u.scrub.value);
      this.watch = v >= this.snaps.length ? -1 : v;
      this.queue = [];
      this.showScrub();
    });
    // The section's shortcuts act only with the focus inside it; marking
    // the event handled keeps the lab's page-wide shortcuts out of it.
    u.section.addEventListener("keydown", (e) => {
      if (e.ctrlKey || e.metaKey || e.altKey || this.state !== "ready") {
        return;
      }
      const t = e.target;
      const typing = t instanceof HTMLInputElement && (t.type === "number" || t.type === "text");
      const native = typing || t instanceof HTMLSelectElement || (t instanceof HTMLInputElement && t.type !== "range");
      if (e.key === " " && !native) {
        e.preventDefault();
        this.setTraining(!this.training);
      } else if ((e.key === "s" || e.key === "S") && !typing) {
        e.preventDefault();
        this.stepOnce();
      } else if ((e.key === "r" || e.key === "R") && !typing) {
        e.preventDefault();
        this.configure(this.set);
      } else if ((e.key === "f" || e.key === "F") && !typing) {
        e.preventDefault();
        u.fast.checked = !u.fast.checked;
        u.fast.dispatchEvent(new Event("change"));
      } else if (e.key === " " || e.key === "s" || e.key === "S" || e.key === "r" || e.key === "R") {
        e.preventDefault(); // typed into a control here: not the lab's shortcut
      }
    });
    matchMedia("(prefers-color-scheme: dark)").addEventListener("change", () => this.scene.theme());
  }

  addHashEntries() {
    this.hashProblems = [];
    this.hash.add({
      keys: ["cenv", "calgo", "cseed", "clr", "chidden"],
      save: (p) => {
        const s = this.set;
        if (!s) {
          return;
        }
        p.set("cenv", s.env);
        p.set("calgo", s.algo);
        p.set("cseed", String(s.seed));
        p.set("clr", String(s.lr));
        p.set("chidden", String(s.hidden));
      },
      restore: (p, bad) => {
        if (!["cenv", "calgo", "cseed", "clr", "chidden"].some((k) => p.has(k))) {
          return;
        }
        const s = this.readControls();
        if (p.has("cenv")) {
          ENVS.includes(p.get("cenv")) ? (s.env = p.get("cenv")) : bad("cenv", "unknown task");
        }
        if (p.has("calgo")) {
          ALGOS.includes(p.get("calgo")) ? (s.algo = p.get("calgo")) : bad("calgo", "unknown algorithm");
        }
        for (const [k, f] of [["cseed", "seed"], ["clr", "lr"], ["chidden", "hidden"]]) {
          if (p.has(k)) {
            const v = num(p, k);
            Number.isFinite(v) ? (s[f] = v) : bad(k, "not a number");
          }
        }
        this.showControls(s);
        this.set = s; // applied (and checked by Go) when the engine is ready
      },
    });
  }
}

function ensureOption(select, v) {
  const s = String(v);
  if (![...select.options].some((o) => o.value === s)) {
    const o = document.createElement("option");
    o.value = s;
    o.textContent = s;
    select.appendChild(o);
  }
}

// goFloat spells v as Go's strconv.FormatFloat(v, 'g', -1, 64) does for
// the learning rates offered here.
function goFloat(v) {
  const s = String(v);
  const m = /^(\d(?:\.\d+)?)e([+-])(\d+)$/.exec(s);
  if (m) {
    return `${m[1]}e${m[2]}${m[3].padStart(2, "0")}`;
  }
  if (v !== 0 && Math.abs(v) < 1e-4) {
    const [a, b] = v.toExponential().split("e");
    return `${a}e${b[0]}${b.slice(1).padStart(2, "0")}`;
  }
  return s;
}
