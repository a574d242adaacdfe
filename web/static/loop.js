// loop.js is the page's one animation loop. Every widget registered with
// add gets one call per animation frame, in which it makes at most one
// call into wasm (the JS↔Go boundary is crossed once per frame per
// widget) and draws what that call returned.

// A widget registered with Loop.add has a method frame(now) that does the
// frame's work and returns the number of rollouts (or samples) it ran, for
// the page's speed figures.
export class Loop {
  constructor() {
    this.widgets = [];
    this.ready = false;
    // globalThis.pgradPerf is read by the browser and perf tests.
    this.perf = { firstFrameMs: null, fps: 0, rolloutsPerSecond: 0 };
    globalThis.pgradPerf = this.perf;
    this.frames = 0;
    this.rollouts = 0;
    this.since = 0;
    this.tick = (now) => this.frame(now);
    this.onDrawn = [];
  }

  // drawn resolves after the first frame in which the widgets drew.
  drawn() {
    if (this.perf.firstFrameMs !== null) {
      return Promise.resolve();
    }
    return new Promise((resolve) => this.onDrawn.push(resolve));
  }

  add(widget) {
    this.widgets.push(widget);
  }

  start() {
    requestAnimationFrame(this.tick);
  }

  frame(now) {
    requestAnimationFrame(this.tick);
    if (!this.ready) {
      return;
    }
    let n = 0;
    for (const w of this.widgets) {
      n += w.frame(now) || 0;
    }
    const perf = this.perf;
    if (perf.firstFrameMs === null) {
      perf.firstFrameMs = now;
      document.documentElement.dataset.ready = "1";
      for (const f of this.onDrawn.splice(0)) {
        f();
      }
    }
    this.frames++;
    this.rollouts += n;
    if (now - this.since >= 1000) {
      perf.fps = (1000 * this.frames) / (now - this.since);
      perf.rolloutsPerSecond = (1000 * this.rollouts) / (now - this.since);
      this.since = now;
      this.frames = 0;
      this.rollouts = 0;
    }
  }
}
