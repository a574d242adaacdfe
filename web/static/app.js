// app.js wires the explainer's controls to the Go engine. It holds no
// learning logic: each animation frame makes one call into wasm, which
// returns everything the frame draws in one Float64Array.

import { start } from "./engine.js";
import { newGridOffsets, gridOffsets, newFieldOffsets, fieldOffsets, GOAL, PIT, CAPPED } from "./frame.js";
import { GridView, cellName } from "./grid.js";
import { FieldView } from "./field.js";
import { Chart } from "./chart.js";
import { initFormula } from "./formula.js";

// Rollouts per animation frame for each position of the speed slider;
// below one, a rollout every few frames so a single rollout can be followed.
const SPEEDS = [0.1, 0.25, 0.5, 1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000];

// The default slider position of each session. The grid learns in a few
// hundred rollouts, which 2 a frame shows move by move; the Gaussian needs
// thousands of samples (its learning rate suits a mean, not a table of
// logits), so it starts at 20 a frame: μ reaches the target in about a
// second and follows a moved target within a few. The page keeps each
// session's speed, so switching views does not carry one to the other.
const DEFAULT_SPEED = { grid: 4, field: 7 };

const $ = (id) => document.getElementById(id);

const ui = {
  train: $("train"), step: $("step"), reset: $("reset"),
  speed: $("speed"), speedOut: $("speed-out"), lr: $("lr"), lrOut: $("lr-out"),
  baseline: $("baseline"), placePit: $("place-pit"), placeGoal: $("place-goal"),
  rollouts: $("rollouts"), statA: $("stat-a"), statB: $("stat-b"),
  statNLabel: $("stat-n-label"), statALabel: $("stat-a-label"), statBLabel: $("stat-b-label"), chartWindow: $("chart-window"),
  chartA: $("chart-a"), chartB: $("chart-b"), chartC: $("chart-c"),
  status: $("status"), lab: $("lab"), stageGrid: $("stage-grid"), stageField: $("stage-field"),
  gridSvg: $("grid"),
  replay: $("replay"), replayLabel: $("replay-label"),
};

const state = {
  ready: false,
  training: false,
  view: "policy",
  owed: 0, // fractional rollouts carried between frames at slow speeds
  speed: { ...DEFAULT_SPEED }, // slider position of each session
  dirty: true, // the engine changed without a frame to show it
  gridOff: newGridOffsets(),
  fieldOff: newFieldOffsets(),
  gridFrame: null,
  fieldFrame: null,
  // Whether `pgrad train` can replay each session: true until something
  // changes after its first rollout (the command line sets everything
  // once, before training).
  replay: { grid: true, field: true },
  defaults: null, // the settings, goal, pit and target of a fresh page
};

let pgrad = null; // the engine's API, once start() has resolved

const perf = { firstFrameMs: null, fps: 0, rolloutsPerSecond: 0 };
globalThis.pgradPerf = perf;

const grid = new GridView(ui.gridSvg, pickCell, $("readout"));
const field = new FieldView($("heat"), $("plane"), moveTarget);
const chart = new Chart($("chart"));
initFormula($("formula"), $("eq-legend"));

function say(msg, warn = false) {
  ui.status.textContent = msg;
  ui.status.classList.toggle("warn", warn);
}

// guarded runs f and reports a thrown Error in the status line.
function guarded(f) {
  try {
    return f();
  } catch (err) {
    say(err.message, true);
    return undefined;
  }
}

function isGauss() {
  return state.view === "gauss";
}

// ---- drawing ----

function showGrid(f) {
  state.gridFrame = f;
  const o = gridOffsets(f, state.gridOff);
  grid.update(f, o);
  if (isGauss()) {
    return;
  }
  ui.rollouts.textContent = o.rollouts.toLocaleString("en-US");
  ui.statA.textContent = Number.isNaN(o.success) ? "–" : `${Math.round(100 * o.success)}%`;
  ui.statB.textContent = Number.isNaN(o.meanReturn) ? "–" : signed(o.meanReturn);
  chart.update(f, o.curve, o.nCurve, o.moves, o.nMoves, o.rollouts, true);
  showReplay();
}

function showField(f) {
  state.fieldFrame = f;
  const o = fieldOffsets(f, state.fieldOff);
  field.update(f, o);
  if (!isGauss()) {
    return;
  }
  ui.rollouts.textContent = o.rollouts.toLocaleString("en-US");
  ui.statA.textContent = Number.isNaN(o.success) ? "–" : `${Math.round(100 * o.success)}%`;
  ui.statB.textContent = Number.isNaN(o.meanReward) ? "–" : o.meanReward.toFixed(2);
  chart.update(f, o.curve, o.nCurve, o.moves, o.nMoves, o.rollouts, true);
  showReplay();
}

// showReplay writes the pgrad command that reproduces the session in view,
// bit for bit, or says why there is none.
let replayShown = "";
function showReplay() {
  if (!state.ready || !state.defaults) {
    return;
  }
  const gauss = isGauss();
  let text;
  if (!(gauss ? state.replay.field : state.replay.grid)) {
    text = "";
  } else if (gauss) {
    const o = state.fieldOff;
    const s = state.settings.field;
    const d = state.defaults;
    text = `pgrad train field -seed ${s.seed} -rollouts ${o.rollouts}` +
      (o.targetX !== d.target[0] || o.targetY !== d.target[1] ? ` -target ${o.targetX},${o.targetY}` : "") +
      flags(s, d.field);
  } else {
    const o = state.gridOff;
    const s = state.settings.grid;
    const d = state.defaults;
    const cell = (i) => `${Math.floor(i / o.size)},${i % o.size}`;
    const pit = o.nPits > 0 ? cell(state.gridFrame[o.pits]) : "";
    text = `pgrad train gridworld -seed ${s.seed} -rollouts ${o.rollouts}` +
      (cell(o.goal) !== d.goal ? ` -goal ${cell(o.goal)}` : "") +
      (pit !== d.pit ? ` -pits '${pit}'` : "") +
      flags(s, d.grid);
  }
  if (text === replayShown) {
    return;
  }
  replayShown = text;
  ui.replay.textContent = text;
  ui.replayLabel.textContent = text
    ? "The same run in a terminal:"
    : "No single command replays this run, because something changed mid-run; reload the page for a run that can be replayed.";
}

function flags(s, d) {
  return (s.lr !== d.lr ? ` -lr ${s.lr}` : "") + (s.baseline !== d.baseline ? ` -baseline ${s.baseline}` : "");
}

// readSettings caches both sessions' settings for the replay line.
function readSettings() {
  const grid = guarded(() => pgrad.settings());
  const field = guarded(() => pgrad.fieldSettings());
  if (grid && field) {
    state.settings = { grid, field };
  }
}

// changed records that the session in view changed after it had started,
// which a single command line can no longer express.
function changed(which) {
  const o = which === "field" ? state.fieldOff : state.gridOff;
  if (o.rollouts > 0) {
    state.replay[which] = false;
  }
}

function signed(v) {
  return (v < 0 ? "−" : "+") + Math.abs(v).toFixed(2);
}

// ---- the frame loop ----

let fpsFrames = 0;
let fpsStart = 0;
let fpsRollouts = 0;

function frame(now) {
  requestAnimationFrame(frame);
  if (!state.ready) {
    return;
  }
  let n = 0;
  if (state.training) {
    state.owed += SPEEDS[state.speed[isGauss() ? "field" : "grid"]];
    n = Math.floor(state.owed);
    state.owed -= n;
  }
  if (n > 0 || state.dirty) {
    state.dirty = false;
    const f = guarded(() => (isGauss() ? pgrad.stepField(n) : pgrad.step(n)));
    if (f) {
      (isGauss() ? showField : showGrid)(f);
    } else {
      setTraining(false, true);
    }
  } else {
    // An idle frame: draw what the throttle held back.
    grid.flush(true);
    field.flush(true);
  }
  if (perf.firstFrameMs === null) {
    perf.firstFrameMs = now;
    document.documentElement.dataset.ready = "1";
  }
  fpsFrames++;
  fpsRollouts += n;
  if (now - fpsStart >= 1000) {
    perf.fps = (1000 * fpsFrames) / (now - fpsStart);
    perf.rolloutsPerSecond = (1000 * fpsRollouts) / (now - fpsStart);
    fpsStart = now;
    fpsFrames = 0;
    fpsRollouts = 0;
  }
}

// ---- controls ----

// setTraining starts or pauses training and says so in the status line,
// unless quiet (an error message is there to stay).
function setTraining(on, quiet = false) {
  const was = state.training;
  state.training = on;
  ui.train.textContent = on ? "Pause" : "Train";
  ui.train.setAttribute("aria-pressed", on ? "true" : "false");
  if (on) {
    say(isGauss()
      ? "Training: each sample nudges μ toward the points that scored well, and σ shrinks as it closes in."
      : "Training: each rollout pushes up the log-probability of the moves it took, in proportion to its reward.");
  } else if (was && !quiet) {
    const o = isGauss() ? state.fieldOff : state.gridOff;
    const what = isGauss() ? "sample" : "rollout";
    say(`Paused after ${o.rollouts.toLocaleString("en-US")} ${what}${o.rollouts === 1 ? "" : "s"}. Train (Space) resumes; Step (S) runs one batch.`);
  }
}

function stepOnce() {
  const o = isGauss() ? state.fieldOff : state.gridOff;
  const n = Math.max(1, o.batch || 1);
  const f = guarded(() => (isGauss() ? pgrad.stepField(n) : pgrad.step(n)));
  if (!f) {
    return;
  }
  if (isGauss()) {
    showField(f);
    const fo = state.fieldOff;
    let sum = 0;
    const k = Math.min(n, fo.nSamples);
    for (let i = fo.nSamples - k; i < fo.nSamples; i++) {
      sum += f[fo.samples + 3 * i + 2];
    }
    say(`One batch: ${k} sample${k === 1 ? "" : "s"} with mean reward ${(sum / Math.max(1, k)).toFixed(2)}, then one update: μ moved toward the better ones.`);
    return;
  }
  showGrid(f);
  say(`One batch: ${describeBatch(f, state.gridOff, n)}, then one update of the policy.`);
}

// describeBatch tells what the last n rollouts of frame f did, e.g.
// "4 rollouts: 3 reached the goal, 1 fell into the pit".
function describeBatch(f, o, n) {
  const counts = [0, 0, 0, 0];
  let at = o.traj;
  const first = o.nTraj - Math.min(n, o.nTraj);
  for (let k = 0; k < o.nTraj; k++) {
    if (k >= first) {
      counts[f[at]]++;
    }
    at += 3 + f[at + 2];
  }
  const parts = [];
  if (counts[GOAL]) parts.push(`${counts[GOAL]} reached the goal`);
  if (counts[PIT]) parts.push(`${counts[PIT]} fell into the pit`);
  if (counts[CAPPED]) parts.push(`${counts[CAPPED]} ran out of steps`);
  return `${n} rollout${n === 1 ? "" : "s"} (${parts.join(", ")})`;
}

function resetAll() {
  // Reset keeps the random stream going, so a run that had started can no
  // longer be replayed from its seed.
  changed("grid");
  changed("field");
  guarded(() => pgrad.reset());
  state.owed = 0;
  grid.lastRollouts = -1;
  field.lastRollouts = -1;
  refreshBoth();
  say("Reset: every cell back to a uniform policy (¼ each), μ back to the centre, history cleared.");
}

// refreshBoth redraws both sessions, so that switching views shows a
// current picture at once.
function refreshBoth() {
  const g = guarded(() => pgrad.step(0));
  if (g) {
    showGrid(g);
  }
  const f = guarded(() => pgrad.stepField(0));
  if (f) {
    showField(f);
  }
}

function pickCell(r, c, shift) {
  if (!state.ready) {
    return;
  }
  const o = state.gridOff;
  const i = r * o.size + c;
  const pits = [];
  for (let j = 0; j < o.nPits; j++) {
    pits.push(state.gridFrame[o.pits + j]);
  }
  const movePit = shift || ui.placePit.checked;
  if (i === o.start) {
    say(movePit
      ? "The pit can't go on the start: the agent would fall in before its first move."
      : "The start can't be the goal: every rollout would end before it began. Pick an empty cell.", true);
    return;
  }
  if (i === o.goal) {
    say(movePit ? "The pit can't go on the goal. Pick an empty cell." : "That is already the goal.", !movePit);
    return;
  }
  if (movePit && pits.includes(i)) {
    say("That is already the pit. Pick an empty cell to move it there.");
    return;
  }
  if (!movePit && pits.includes(i)) {
    say("That is the pit, so it can't be the goal. To move the pit instead, choose “pit” below, or Shift-click.", true);
    return;
  }
  changed("grid");
  const f = guarded(() => (movePit ? pgrad.setPit(r, c) : pgrad.setGoal(r, c)));
  if (!f) {
    return;
  }
  grid.lastRollouts = -1;
  showGrid(f);
  say(movePit
    ? `Pit moved to ${cellName(r, c, o.size)}. The policy is kept; rollouts that fall in now teach it to steer around.`
    : `Goal moved to ${cellName(r, c, o.size)}. The policy is kept and re-learns from where it was: non-stationary RL in miniature.`);
  saveHash();
}

function moveTarget(x, y) {
  if (!state.ready) {
    return;
  }
  changed("field");
  const f = guarded(() => pgrad.setTarget(x, y));
  if (f) {
    showField(f);
    say(`Target moved to (${x.toFixed(2)}, ${y.toFixed(2)}). μ keeps its place and follows the rewarded samples.`);
    saveHash();
  }
}

function setView(v) {
  state.view = v;
  const gauss = v === "gauss";
  ui.stageGrid.hidden = gauss;
  ui.stageField.hidden = !gauss;
  ui.lab.classList.toggle("gauss", gauss);
  ui.gridSvg.classList.toggle("show-policy", v === "policy");
  ui.gridSvg.classList.toggle("show-traj", v === "traj");
  if (!gauss) {
    grid.setMode(v);
  }
  ui.statNLabel.textContent = gauss ? "samples" : "rollouts";
  ui.chartWindow.textContent = gauss ? "over the last 100 samples" : "over the last 100 rollouts";
  ui.statALabel.textContent = gauss ? "reward > ½" : "success rate";
  ui.statBLabel.textContent = gauss ? "mean reward" : "mean return";
  ui.chartA.textContent = gauss ? "share of samples with reward > ½" : "success rate";
  ui.chartB.textContent = gauss ? "mean reward" : "mean return";
  ui.chartC.textContent = gauss ? "target moved" : "goal or pit moved";
  chart.lastKey = "";
  showSettings();
  showSpeed();
  if (state.ready && !restoring) {
    say({
      policy: "Policy: the bars and arrows show π(action | cell). Thicker arrows are likelier moves; the blue line follows the likeliest one from the start.",
      traj: "Trajectories: the moves of the last 24 rollouts. Green ones reached the goal and are made likelier; red ones fell into the pit and are made less likely.",
      gauss: "Continuous: each sample is a point drawn around μ. Samples that score above the average pull μ toward them, and σ narrows as they agree.",
    }[v]);
  }
  if (gauss) {
    chart.setRange(0, 1);
  } else {
    chart.setRange(-1, 1);
  }
  if (state.ready) {
    if (gauss && state.fieldFrame) {
      showField(state.fieldFrame);
    } else if (!gauss && state.gridFrame) {
      showGrid(state.gridFrame);
    }
  }
  saveHash();
}

function showSpeed() {
  const v = state.speed[isGauss() ? "field" : "grid"];
  ui.speed.value = String(v);
  const s = SPEEDS[v];
  const what = isGauss() ? "sample" : "rollout";
  ui.speedOut.textContent = s >= 1 ? `${s} ${what}${s === 1 ? "" : "s"} / frame` : `1 ${what} / ${Math.round(1 / s)} frames`;
}

function lrValue() {
  return Number(Math.pow(10, Number(ui.lr.value)).toPrecision(2));
}

// The grid and the field keep their own settings: a learning rate that
// suits a table of logits is ten times too large for a Gaussian's mean. The
// sliders show and change those of the session in view. "On" is the
// session's own default baseline: per-state for the grid, the running mean
// for the field.
function settingsNames() {
  return isGauss() ? ["fieldSettings", "setFieldSettings", "mean"] : ["settings", "setSettings", "state"];
}

function showSettings() {
  if (!state.ready && !restoring) {
    return;
  }
  const [get] = settingsNames();
  const s = guarded(() => pgrad[get]());
  if (s) {
    ui.lr.value = String(Math.log10(s.lr));
    ui.lrOut.textContent = String(+s.lr.toPrecision(2));
    ui.baseline.checked = s.baseline !== "none";
  }
}

function applySettings() {
  const lr = lrValue();
  ui.lrOut.textContent = String(lr);
  const [, set, on] = settingsNames();
  changed(isGauss() ? "field" : "grid");
  guarded(() => pgrad[set]({ lr, baseline: ui.baseline.checked ? on : "none" }));
  readSettings();
  replayShown = null;
  showReplay();
  saveHash();
}

ui.train.addEventListener("click", () => setTraining(!state.training));
ui.step.addEventListener("click", stepOnce);
ui.reset.addEventListener("click", resetAll);
ui.speed.addEventListener("input", () => {
  state.speed[isGauss() ? "field" : "grid"] = Number(ui.speed.value);
  showSpeed();
  saveHash();
});
ui.lr.addEventListener("input", applySettings);
ui.baseline.addEventListener("change", applySettings);
for (const id of ["view-policy", "view-traj", "view-gauss"]) {
  $(id).addEventListener("change", (e) => setView(e.target.value));
}

// Shortcuts apply anywhere but in controls whose own keys they would steal.
document.addEventListener("keydown", (e) => {
  if (!state.ready || e.ctrlKey || e.metaKey || e.altKey || e.defaultPrevented) {
    return;
  }
  const t = e.target;
  const native = t instanceof HTMLButtonElement || t instanceof HTMLAnchorElement || t instanceof HTMLSelectElement ||
    (t instanceof HTMLInputElement && (t.type === "checkbox" || t.type === "radio" || t.type === "text" || t.type === "number"));
  if (e.key === " " && !native) {
    e.preventDefault();
    setTraining(!state.training);
  } else if ((e.key === "s" || e.key === "S") && !(t instanceof HTMLInputElement && t.type === "text")) {
    e.preventDefault();
    stepOnce();
  } else if ((e.key === "r" || e.key === "R") && !(t instanceof HTMLInputElement && t.type === "text")) {
    e.preventDefault();
    resetAll();
  }
});

// ---- settings in the URL hash ----
//
// #seed=7&lr=0.5&baseline=state&flr=0.05&fbaseline=mean&speed=5&fspeed=7&view=traj&goal=0,2&pit=1,1&target=0.5,-0.3
// reproduces a page: the same seed and the same clicks give the same run
// here and in `pgrad train`.

let restoring = false;

function saveHash() {
  if (!state.ready || restoring) {
    return;
  }
  const o = state.gridOff;
  const p = new URLSearchParams();
  const gs = pgrad.settings();
  const fs = pgrad.fieldSettings();
  p.set("seed", String(gs.seed));
  p.set("lr", String(gs.lr));
  p.set("baseline", gs.baseline);
  p.set("flr", String(fs.lr));
  p.set("fbaseline", fs.baseline);
  p.set("speed", String(state.speed.grid));
  p.set("fspeed", String(state.speed.field));
  p.set("view", state.view);
  if (o.size > 0) {
    p.set("goal", `${Math.floor(o.goal / o.size)},${o.goal % o.size}`);
    if (o.nPits > 0) {
      const pit = state.gridFrame[o.pits];
      p.set("pit", `${Math.floor(pit / o.size)},${pit % o.size}`);
    }
  }
  const fo = state.fieldOff;
  if (state.fieldFrame) {
    p.set("target", `${+fo.targetX.toFixed(3)},${+fo.targetY.toFixed(3)}`);
  }
  history.replaceState(null, "", `#${p.toString()}`);
}

function restoreHash() {
  const p = new URLSearchParams(location.hash.slice(1));
  const problems = [];
  const num = (k) => (p.has(k) ? Number(p.get(k)) : NaN);
  const pair = (k) => {
    const v = (p.get(k) || "").split(",").map(Number);
    return v.length === 2 && v.every(Number.isFinite) ? v : null;
  };
  const attempt = (what, f) => {
    try {
      f();
    } catch (err) {
      problems.push(`${what}: ${err.message}`);
    }
  };
  restoring = true;
  if (p.has("seed")) {
    attempt("seed", () => pgrad.restart(num("seed")));
  }
  for (const [lrKey, baseKey, set] of [["lr", "baseline", "setSettings"], ["flr", "fbaseline", "setFieldSettings"]]) {
    const obj = {};
    if (p.has(lrKey)) {
      obj.lr = num(lrKey);
    }
    if (p.has(baseKey)) {
      obj.baseline = p.get(baseKey);
    }
    attempt(lrKey, () => pgrad[set](obj));
  }
  for (const [key, which] of [["speed", "grid"], ["fspeed", "field"]]) {
    if (p.has(key)) {
      const v = num(key);
      if (Number.isInteger(v) && v >= 0 && v < SPEEDS.length) {
        state.speed[which] = v;
      } else {
        problems.push(`${key}: ${p.get(key)} is not a position of the speed slider (0 to ${SPEEDS.length - 1})`);
      }
    }
  }
  showSpeed();
  // Move only what differs from the session, so that reloading a link does
  // not mark a goal move at rollout 0; the pit goes first unless it is
  // headed for the current goal.
  const o = gridOffsets(pgrad.step(0), newGridOffsets());
  const here = (v) => v[0] * o.size + v[1];
  const pit = pair("pit");
  const goal = pair("goal");
  const pitMoves = pit && !(o.nPits > 0 && here(pit) === pgrad.step(0)[o.pits]);
  const goalMoves = goal && here(goal) !== o.goal;
  const movePit = () => attempt("pit", () => pgrad.setPit(pit[0], pit[1]));
  const moveGoal = () => attempt("goal", () => pgrad.setGoal(goal[0], goal[1]));
  if (pitMoves && goalMoves && here(pit) === o.goal) {
    moveGoal();
    movePit();
  } else {
    if (pitMoves) {
      movePit();
    }
    if (goalMoves) {
      moveGoal();
    }
  }
  const target = pair("target");
  const field = pgrad.stepField(0);
  if (target && (target[0] !== field[6] || target[1] !== field[7])) {
    attempt("target", () => pgrad.setTarget(target[0], target[1]));
  }
  const view = p.get("view");
  if (view === "traj" || view === "gauss" || view === "policy") {
    $(`view-${view}`).checked = true;
    setView(view);
  }
  showSettings();
  restoring = false;
  return problems;
}

// ---- start-up ----

showSpeed();
requestAnimationFrame(frame);

start().then((api) => {
  pgrad = api;
  const g = pgrad.step(0);
  const go = gridOffsets(g, newGridOffsets());
  const fd = pgrad.stepField(0);
  state.defaults = {
    grid: pgrad.settings(), field: pgrad.fieldSettings(),
    goal: `${Math.floor(go.goal / go.size)},${go.goal % go.size}`,
    pit: go.nPits > 0 ? `${Math.floor(g[go.pits] / go.size)},${g[go.pits] % go.size}` : "",
    target: [fd[6], fd[7]],
  };
  const problems = restoreHash();
  readSettings();
  refreshBoth();
  state.ready = true;
  state.dirty = true;
  for (const b of [ui.train, ui.step, ui.reset]) {
    b.disabled = false;
  }
  if (problems.length > 0) {
    say(`Ignored part of the link: ${problems.join("; ")}`, true);
  } else {
    say("Ready. Press Train (or Space) and watch the bars lean toward the goal.");
  }
  saveHash();
}).catch((err) => {
  say(err.message, true);
  console.error(err);
});
