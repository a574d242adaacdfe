// widgets/lab.js is the lab section (<section id="lab">): the tabs that
// switch between its views and the panel they share (Train, Step, Reset,
// speed, learning rate, baseline, the stats, the learning curve, the status
// line and the replay command). The sessions live in Go; the views that
// draw them are widgets/policy.js (Policy and Trajectories, one grid
// session) and widgets/gaussian.js (one field session).

import { Chart } from "../chart.js";
import { Throttle, setText } from "../dom.js";
import { num } from "../hash.js";
import { PolicyWidget } from "./policy.js";
import { GaussianWidget } from "./gaussian.js";
import { thousands } from "../format.js";

// Rollouts per animation frame for each position of the speed slider;
// below one, a rollout every few frames so a single rollout can be followed.
export const SPEEDS = [0.1, 0.25, 0.5, 1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000];

const $ = (id) => document.getElementById(id);

// REPLAY_MS is the least time between two rewrites of the replay command
// while training.
const REPLAY_MS = 250;

export class LabSection {
  // hash is the page's HashSchema; the section adds its keys to it.
  constructor(hash) {
    this.hash = hash;
    this.ui = {
      train: $("train"), step: $("step"), reset: $("reset"),
      speed: $("speed"), speedOut: $("speed-out"), lr: $("lr"), lrOut: $("lr-out"),
      baseline: $("baseline"), baselineHint: $("baseline-hint"), gamma: $("gamma"), gammaOut: $("gamma-out"), credit: $("credit"),
      rollouts: $("rollouts"), statA: $("stat-a"), statB: $("stat-b"),
      statNLabel: $("stat-n-label"), statALabel: $("stat-a-label"), statBLabel: $("stat-b-label"), chartWindow: $("chart-window"),
      chartA: $("chart-a"), chartB: $("chart-b"), chartC: $("chart-c"),
      status: $("status"), lab: $("lab"), stageGrid: $("stage-grid"), stageField: $("stage-field"),
      stageNudge: $("stage-nudge"), panel: $("lab-panel"), nudgePanel: $("nudge-panel"),
      gridSvg: $("grid"),
      replay: $("replay"), replayLabel: $("replay-label"),
    };
    this.grid = new PolicyWidget(this, this.ui.gridSvg, $("readout"));
    this.field = new GaussianWidget(this, $("heat"), $("plane"));
    this.sessions = [this.grid, this.field];
    this.chart = new Chart($("chart"));
    this.api = null;
    this.view = "policy";
    this.training = false;
    this.owed = 0; // fractional rollouts carried between frames at slow speeds
    // The slider position of each session: the page keeps each session's
    // speed, so switching views does not carry one to the other.
    this.speed = { grid: this.grid.defaultSpeed, field: this.field.defaultSpeed };
    this.dirty = true; // the engine changed without a frame to show it
    // Whether `pgrad train` can replay each session: true until something
    // changes after its first rollout (the command line sets everything
    // once, before training).
    this.replayable = new Map(this.sessions.map((s) => [s, true]));
    this.replayShown = "";
    this.cached = null; // both sessions' settings, for the replay line
    this.nudge = null; // the nudge view (widgets/nudge.js), set by app.js
    this.replayThrottle = new Throttle(() => this.showReplay(), REPLAY_MS);
    this.wire();
    this.addHashEntries();
    this.showSpeed();
  }

  // ---- what the views call ----

  ready() {
    return this.api !== null;
  }

  say(msg, warn = false) {
    this.ui.status.textContent = msg;
    this.ui.status.classList.toggle("warn", warn);
  }

  // guarded runs f and reports a thrown Error in the status line.
  guarded(f) {
    try {
      return f();
    } catch (err) {
      this.say(err.message, true);
      return undefined;
    }
  }

  saveHash() {
    this.hash.save();
  }

  // The session behind the view in sight.
  session() {
    return this.view === "gauss" ? this.field : this.grid;
  }

  isActive(s) {
    return s === this.session();
  }

  // changed records that session s changed after it had started, which a
  // single command line can no longer express.
  changed(s) {
    if (s.rollouts() > 0) {
      this.replayable.set(s, false);
    }
  }

  // worldChanged is called after a goal or pit move.
  worldChanged() {}

  // gridKey names the grid session's state as the nudge view sees it: a
  // rollout drawn under another key came from another policy or world.
  gridKey() {
    const o = this.grid.off;
    const f = this.grid.frameBuf;
    return f ? `${o.rollouts},${o.goal},${Array.from(f.subarray(o.pits, o.pits + o.nPits)).join(".")}` : "";
  }

  // showCommon writes the stats, the chart and the replay line of the
  // session in view from its frame f with offsets o.
  // Each text is written only when it changed: a rewritten text node costs
  // a layout even when its text is the same.
  showCommon(s, rollouts, success, b, f, o) {
    const ui = this.ui;
    setText(ui.rollouts, thousands(rollouts));
    setText(ui.statA, Number.isNaN(success) ? "–" : `${Math.round(100 * success)}%`);
    setText(ui.statB, b);
    this.chart.update(f, o.curve, o.nCurve, o.moves, o.nMoves, rollouts, true, s === this.grid);
    if (this.training) {
      this.replayThrottle.request();
    } else {
      this.showReplay();
    }
  }

  // showReplay writes the pgrad command that reproduces the session in
  // view, bit for bit, or says why there is none. While training it is
  // held to a few times a second (replayThrottle): its -rollouts changes
  // every frame, and each new text lays out the panel again; a paused or
  // stepped session shows its command at once.
  showReplay() {
    this.replayThrottle.pending = false;
    if (!this.ready() || !this.cached) {
      return;
    }
    const s = this.session();
    const text = this.replayable.get(s) ? s.replay(this.cached.get(s)) : "";
    if (text === this.replayShown) {
      return;
    }
    this.replayShown = text;
    setText(this.ui.replay, text);
    setText(this.ui.replayLabel, text
      ? "The same run in a terminal:"
      : "No single command replays this run, because something changed mid-run; reload the page for a run that can be replayed.");
  }

  readSettings() {
    const m = new Map();
    for (const s of this.sessions) {
      const v = this.guarded(() => s.settings());
      if (!v) {
        return;
      }
      m.set(s, v);
    }
    this.cached = m;
  }

  // ---- start-up ----

  // attach connects the section to the started engine, applies the hash
  // and draws both sessions; it returns the problems the hash had.
  attach(api) {
    this.api = api;
    for (const s of this.sessions) {
      s.attach(api);
    }
    this.api = null; // not ready while the hash is applied
    const problems = this.hash.restore();
    this.api = api;
    this.showSettings();
    this.readSettings();
    this.refreshBoth();
    this.dirty = true;
    for (const b of [this.ui.train, this.ui.step, this.ui.reset]) {
      b.disabled = false;
    }
    return problems;
  }

  // applyHash applies a hash edited in the address bar (the hashchange
  // event; the page's own saves use replaceState and raise none): both
  // sessions start afresh from the link's seed (the current one when it
  // names none) with its settings and world, as a reload of the link
  // would. It returns the problems found, as attach does.
  applyHash() {
    const api = this.api;
    if (api === null) {
      return [];
    }
    this.setTraining(false, true);
    const p = new URLSearchParams(location.hash.slice(1));
    if (!p.has("seed")) {
      this.guarded(() => api.restart(api.settings().seed));
    }
    this.api = null; // not ready while the hash is applied
    const problems = this.hash.restore();
    this.api = api;
    this.owed = 0;
    for (const s of this.sessions) {
      this.replayable.set(s, true);
      s.forceRedraw();
    }
    this.showSettings();
    this.readSettings();
    this.refreshBoth();
    this.replayShown = null;
    this.showReplay();
    this.dirty = true;
    return problems;
  }

  // ---- the frame ----

  // frame runs the training of the session in view for one animation
  // frame: one call into wasm, or none when there is nothing to show.
  frame() {
    if (!this.ready() || this.view === "nudge") {
      return 0;
    }
    const s = this.session();
    let n = 0;
    if (this.training) {
      this.owed += SPEEDS[this.speed[s.name]];
      n = Math.floor(this.owed);
      this.owed -= n;
    }
    if (n > 0 || this.dirty) {
      this.dirty = false;
      if (this.guarded(() => (s.step(n), true)) === undefined) {
        this.setTraining(false, true);
      }
    } else {
      // An idle frame: draw what the throttle held back.
      this.grid.flush(true);
      this.field.flush(true);
      this.replayThrottle.flush(true);
    }
    return n;
  }

  // ---- controls ----

  // setTraining starts or pauses training and says so in the status line,
  // unless quiet (an error message is there to stay).
  setTraining(on, quiet = false) {
    const was = this.training;
    this.training = on;
    if (!on) {
      this.replayThrottle.flush(true); // the command of the paused run, at once
    }
    this.ui.train.textContent = on ? "Pause" : "Train";
    this.ui.train.setAttribute("aria-pressed", on ? "true" : "false");
    const s = this.session();
    if (on) {
      this.say(s.statusTraining());
    } else if (was && !quiet) {
      const r = s.rollouts();
      this.say(`Paused after ${thousands(r)} ${s.unit}${r === 1 ? "" : "s"}. Train (Space) resumes; Step (S) runs one batch.`);
    }
  }

  stepOnce() {
    const s = this.session();
    const n = s.batch();
    if (this.guarded(() => (s.step(n), true))) {
      this.say(s.stepped(n));
    }
  }

  resetAll() {
    // Reset starts both sessions afresh from the seed with their settings
    // and world, so the seed and the command line replay the new run.
    this.guarded(() => this.api.reset());
    for (const s of this.sessions) {
      this.replayable.set(s, true);
    }
    this.replayShown = null;
    this.owed = 0;
    for (const s of this.sessions) {
      s.forceRedraw();
    }
    this.refreshBoth();
    this.say("Reset: every cell back to a uniform policy (¼ each), μ back to the centre, history cleared.");
  }

  // refreshBoth redraws the session in view and has the other take its
  // current frame without drawing it; setView draws that frame when the
  // other view is opened, so switching views shows a current picture at
  // once. (Drawing the hidden view too cost the first frame 6–21 ms.)
  refreshBoth() {
    for (const s of this.sessions) {
      this.guarded(() => (this.isActive(s) ? s.step(0) : s.peek()));
    }
  }

  setView(v) {
    const ui = this.ui;
    this.view = v;
    const gauss = v === "gauss";
    const nudge = v === "nudge";
    if (nudge && this.training) {
      this.setTraining(false);
    }
    ui.stageGrid.hidden = gauss || nudge;
    ui.stageField.hidden = !gauss;
    ui.stageNudge.hidden = !nudge;
    ui.panel.hidden = nudge;
    ui.nudgePanel.hidden = !nudge;
    ui.lab.classList.toggle("gauss", gauss);
    ui.gridSvg.classList.toggle("show-policy", v === "policy");
    ui.gridSvg.classList.toggle("show-traj", v === "traj");
    if (!gauss && !nudge) {
      this.grid.setMode(v);
    }
    if (nudge && this.nudge) {
      this.nudge.shown();
    }
    const s = this.session();
    const l = s.labels;
    ui.statNLabel.textContent = l.n;
    ui.chartWindow.textContent = l.window;
    ui.statALabel.textContent = l.a;
    ui.statBLabel.textContent = l.b;
    ui.chartA.textContent = l.chartA;
    ui.chartB.textContent = l.chartB;
    ui.chartC.textContent = l.chartC;
    this.chart.lastKey = "";
    this.showSettings();
    this.showSpeed();
    if (this.ready() && !this.hash.restoring && !nudge) {
      this.say(s.statusView(v));
    }
    this.chart.setRange(l.range[0], l.range[1]);
    if (this.ready() && s.frameBuf) {
      s.show(s.frameBuf);
    }
    this.saveHash();
  }

  showSpeed() {
    const s = this.session();
    const v = this.speed[s.name];
    this.ui.speed.value = String(v);
    const r = SPEEDS[v];
    const what = s.unit;
    this.ui.speedOut.textContent = r >= 1 ? `${r} ${what}${r === 1 ? "" : "s"} / frame` : `1 ${what} / ${Math.round(1 / r)} frames`;
  }

  lrValue() {
    return Number(Math.pow(10, Number(this.ui.lr.value)).toPrecision(2));
  }

  // The grid and the field keep their own settings: a learning rate that
  // suits a table of logits (0.5) is fifty times the Gaussian's (0.01).
  // The controls show and change those of the session in view.
  showSettings() {
    if (!this.ready() && !this.hash.restoring) {
      return;
    }
    const s = this.guarded(() => this.session().settings());
    if (s) {
      this.ui.lr.value = String(Math.log10(s.lr));
      this.ui.lrOut.textContent = String(+s.lr.toPrecision(2));
      this.ui.baseline.value = s.baseline;
      this.ui.baselineHint.textContent = this.session().baselineHint(s);
      this.ui.gamma.value = String(s.gamma);
      this.ui.gammaOut.textContent = String(s.gamma);
      this.ui.credit.value = s.credit;
    }
  }

  applySettings() {
    const lr = this.lrValue();
    this.ui.lrOut.textContent = String(lr);
    const s = this.session();
    this.changed(s);
    const obj = { lr, baseline: this.ui.baseline.value };
    if (s === this.grid) {
      // γ and the credit matter only with more than one step: the grid's.
      obj.gamma = Number(this.ui.gamma.value);
      obj.credit = this.ui.credit.value;
      this.ui.gammaOut.textContent = String(obj.gamma);
    }
    this.guarded(() => s.setSettings(obj));
    this.showSettings();
    if (this.training) {
      this.say(s.statusTraining());
    }
    this.readSettings();
    this.replayShown = null;
    this.showReplay();
    this.saveHash();
  }

  wire() {
    const ui = this.ui;
    ui.train.addEventListener("click", () => this.setTraining(!this.training));
    ui.step.addEventListener("click", () => this.stepOnce());
    ui.reset.addEventListener("click", () => this.resetAll());
    ui.speed.addEventListener("input", () => {
      this.speed[this.session().name] = Number(ui.speed.value);
      this.showSpeed();
      this.saveHash();
    });
    ui.lr.addEventListener("input", () => this.applySettings());
    ui.baseline.addEventListener("change", () => this.applySettings());
    ui.gamma.addEventListener("input", () => this.applySettings());
    ui.credit.addEventListener("change", () => this.applySettings());
    for (const id of ["view-policy", "view-traj", "view-gauss", "view-nudge"]) {
      $(id).addEventListener("change", (e) => this.setView(e.target.value));
    }
    // Shortcuts apply anywhere but in controls whose own keys they would steal.
    document.addEventListener("keydown", (e) => {
      if (!this.ready() || e.ctrlKey || e.metaKey || e.altKey || e.defaultPrevented) {
        return;
      }
      const t = e.target;
      if (this.view === "nudge") {
        const native = t instanceof HTMLButtonElement || t instanceof HTMLAnchorElement || t instanceof HTMLSelectElement ||
          (t instanceof HTMLInputElement && t.type !== "range");
        if (this.nudge && !(e.key === " " && native) && !(t instanceof HTMLInputElement && t.type === "text") && this.nudge.key(e)) {
          e.preventDefault();
        }
        return;
      }
      const native = t instanceof HTMLButtonElement || t instanceof HTMLAnchorElement || t instanceof HTMLSelectElement ||
        (t instanceof HTMLInputElement && (t.type === "checkbox" || t.type === "radio" || t.type === "text" || t.type === "number"));
      if (e.key === " " && !native) {
        e.preventDefault();
        this.setTraining(!this.training);
      } else if ((e.key === "s" || e.key === "S") && !(t instanceof HTMLInputElement && t.type === "text")) {
        e.preventDefault();
        this.stepOnce();
      } else if ((e.key === "r" || e.key === "R") && !(t instanceof HTMLInputElement && t.type === "text")) {
        e.preventDefault();
        this.resetAll();
      }
    });
  }

  // ---- the section's keys in the URL hash ----

  addHashEntries() {
    const h = this.hash;
    h.add({
      keys: ["seed"],
      save: (p) => p.set("seed", String(this.api.settings().seed)),
      restore: (p, bad) => {
        if (p.has("seed")) {
          try {
            this.grid.api.restart(p.get("seed")); // the text itself: Go rejects "" and seeds above 2^53, which Number() would make 0 or round
          } catch (err) {
            bad("seed", err.message);
          }
        }
      },
    });
    // Each setting is its own hash key, applied on its own, so that one bad
    // value is reported under its own name and the valid ones still apply.
    const settingKeys = [
      [this.grid, { lr: "lr", baseline: "baseline", gamma: "gamma", credit: "credit" }],
      [this.field, { lr: "flr", baseline: "fbaseline" }],
    ];
    for (const [s, keys] of settingKeys) {
      h.add({
        keys: Object.values(keys),
        save: (p) => {
          const v = s.settings();
          for (const [name, key] of Object.entries(keys)) {
            p.set(key, String(v[name]));
          }
        },
        restore: (p, bad) => {
          for (const [name, key] of Object.entries(keys)) {
            if (!p.has(key)) {
              continue;
            }
            const raw = p.get(key);
            const value = name === "baseline" || name === "credit" ? raw : Number(raw);
            try {
              s.setSettings({ [name]: value });
            } catch (err) {
              bad(key, err.message);
            }
          }
        },
      });
    }
    h.add({
      keys: ["speed", "fspeed"],
      save: (p) => {
        p.set("speed", String(this.speed.grid));
        p.set("fspeed", String(this.speed.field));
      },
      restore: (p, bad) => {
        for (const [key, which] of [["speed", "grid"], ["fspeed", "field"]]) {
          if (p.has(key)) {
            const v = num(p, key);
            if (Number.isInteger(v) && v >= 0 && v < SPEEDS.length) {
              this.speed[which] = v;
            } else {
              bad(key, `${p.get(key)} is not a position of the speed slider (0 to ${SPEEDS.length - 1})`);
            }
          }
        }
        this.showSpeed();
      },
    });
    h.add(this.grid.hashEntry());
    h.add(this.field.hashEntry());
    // The view is applied last, once the sessions are in place.
    h.add({
      keys: ["view"],
      save: (p) => p.set("view", this.view),
      restore: (p) => {
        const view = p.get("view");
        if (view === "traj" || view === "gauss" || view === "policy" || view === "nudge") {
          $(`view-${view}`).checked = true;
          this.setView(view);
        }
      },
    });
  }
}
