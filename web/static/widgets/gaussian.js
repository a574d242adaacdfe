// widgets/gaussian.js is the lab's continuous view: one lab.Field session,
// a 2-D Gaussian policy on a reward landscape (bridge methods stepField,
// setTarget, fieldSettings, setFieldSettings). It shares the lab section's
// panel with the gridworld's views.

import { fieldOffsets, newFieldOffsets } from "../frame.js";
import { FieldView } from "../field.js";
import { flags } from "./policy.js";

export class GaussianWidget {
  constructor(host, canvas, svg) {
    this.host = host;
    this.name = "field";
    this.unit = "sample";
    // The Gaussian needs thousands of samples (its learning rate suits a
    // mean, not a table of logits), so it starts at 20 a frame: μ reaches
    // the target in about a second and follows a moved target within a few.
    this.defaultSpeed = 7;
    this.off = newFieldOffsets();
    this.frameBuf = null;
    this.api = null;
    this.view = new FieldView(canvas, svg, (x, y) => this.moveTarget(x, y));
    this.labels = {
      n: "samples", window: "over the last 100 samples", a: "reward > ½", b: "mean reward",
      chartA: "share of samples with reward > ½", chartB: "mean reward", chartC: "target moved", range: [0, 1],
    };
  }

  attach(api) {
    this.api = api;
    const f = api.stepField(0);
    this.defaults = { settings: api.fieldSettings(), target: [f[6], f[7]] };
  }

  rollouts() {
    return this.off.rollouts;
  }

  batch() {
    return Math.max(1, this.off.batch || 1);
  }

  step(n) {
    this.show(this.api.stepField(n));
  }

  // peek takes the current frame without drawing it (the view is hidden).
  peek() {
    this.frameBuf = this.api.stepField(0);
    fieldOffsets(this.frameBuf, this.off);
  }

  show(f) {
    this.frameBuf = f;
    const o = fieldOffsets(f, this.off);
    this.view.update(f, o);
    this.showWarning(o.warning);
    if (this.host.isActive(this)) {
      this.host.showCommon(this, o.rollouts, o.success, Number.isNaN(o.meanReward) ? "–" : o.meanReward.toFixed(2), f, o);
    }
  }

  // showWarning shows the engine's sentence when the field's warning
  // changes (§4.1: a large α throws μ off the plane); one extra call into
  // wasm only when it changes.
  showWarning(code) {
    if (code === this.warning) {
      return;
    }
    this.warning = code;
    const box = document.getElementById("field-warning");
    const text = code ? this.api.fieldWarning() : "";
    box.textContent = text ? `Warning: ${text}.` : "";
    box.hidden = !text;
  }

  flush(force) {
    this.view.flush(force);
  }

  forceRedraw() {
    this.view.lastRollouts = -1;
  }

  settings() {
    return this.api.fieldSettings();
  }

  setSettings(s) {
    this.api.setFieldSettings(s);
  }

  replay(s) {
    const o = this.off;
    const d = this.defaults;
    return `pgrad train field -seed ${s.seed} -rollouts ${o.rollouts}` +
      (o.targetX !== d.target[0] || o.targetY !== d.target[1] ? ` -target ${o.targetX},${o.targetY}` : "") +
      flags(s, d.settings);
  }

  baselineHint(s) {
    return s.baseline === "none"
      ? "b = 0: every sample is weighted by its reward, which is never negative here."
      : "b = the running mean (rate 0.1) of the rewards so far, updated after each batch; the plane has one state, so “per state” is the same mean.";
  }

  // sigmaNote says what the entropy bonus β does to σ.
  sigmaNote() {
    const beta = this.api.fieldSettings().entropy;
    return beta > 0
      ? ` The entropy bonus β = ${beta} keeps σ from collapsing${beta === 0.1 ? ": at the target σ settles near 0.13" : ""}, and makes it grow again when no sample finds reward.`
      : " With no entropy bonus (β = 0) σ can shrink down to the engine's floor, σ = 0.05.";
  }

  statusTraining() {
    const s = this.api.fieldSettings();
    return (s.baseline === "none"
      ? `Training: after every batch of B = ${s.batch} samples, μ and log σ take a step along each sample's ∇log π, scaled by (α/B)·r, its reward: every sample pulls μ toward itself, the better ones harder.`
      : `Training: after every batch of B = ${s.batch} samples, μ and log σ take a step along each sample's ∇log π, scaled by (α/B)·(r − b): samples that scored above the running mean b pull μ toward them, those below push it away.`) + this.sigmaNote();
  }

  statusView() {
    const s = this.api.fieldSettings();
    return "Continuous: each sample is a 2-D action drawn from a Gaussian with mean μ and spread σ. " +
      (s.baseline === "none" ? "Every sample pulls μ toward itself in proportion to its reward." : "Samples that score above the running mean of rewards pull μ toward them; the others push it away.") +
      this.sigmaNote();
  }

  // stepped tells what the batch of n samples just drawn did.
  stepped(n) {
    const f = this.frameBuf;
    const o = this.off;
    let sum = 0;
    const k = Math.min(n, o.nSamples);
    for (let i = o.nSamples - k; i < o.nSamples; i++) {
      sum += f[o.samples + 3 * i + 2];
    }
    return `One batch: ${k} sample${k === 1 ? "" : "s"} with mean reward ${(sum / Math.max(1, k)).toFixed(2)}, then one update of μ and σ.`;
  }

  moveTarget(x, y) {
    const host = this.host;
    if (!host.ready()) {
      return;
    }
    host.changed(this);
    const f = host.guarded(() => this.api.setTarget(x, y));
    if (f) {
      this.show(f);
      host.say(`Target moved to (${x.toFixed(2)}, ${y.toFixed(2)}). μ keeps its place and follows the rewarded samples.`);
      host.saveHash();
    }
  }

  hashEntry() {
    return {
      keys: ["target"],
      save: (p) => {
        if (this.frameBuf) {
          const o = this.off;
          p.set("target", `${+o.targetX.toFixed(3)},${+o.targetY.toFixed(3)}`);
        }
      },
      restore: (p, bad) => {
        const v = (p.get("target") || "").split(",").map(Number);
        if (v.length !== 2 || !v.every(Number.isFinite)) {
          return;
        }
        const f = this.api.stepField(0);
        if (v[0] !== f[6] || v[1] !== f[7]) {
          try {
            this.api.setTarget(v[0], v[1]);
          } catch (err) {
            bad("target", err.message);
          }
        }
      },
    };
  }
}
