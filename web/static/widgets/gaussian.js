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
    this.baselineOn = "mean";
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

  show(f) {
    this.frameBuf = f;
    const o = fieldOffsets(f, this.off);
    this.view.update(f, o);
    if (this.host.isActive(this)) {
      this.host.showCommon(this, o.rollouts, o.success, Number.isNaN(o.meanReward) ? "–" : o.meanReward.toFixed(2), f, o);
    }
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

  statusTraining() {
    return "Training: each sample nudges μ toward the points that scored well, and σ shrinks as it closes in.";
  }

  statusView() {
    return "Continuous: each sample is a point drawn around μ. Samples that score above the average pull μ toward them, and σ narrows as they agree.";
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
    return `One batch: ${k} sample${k === 1 ? "" : "s"} with mean reward ${(sum / Math.max(1, k)).toFixed(2)}, then one update: μ moved toward the better ones.`;
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
