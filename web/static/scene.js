// scene.js draws the control tasks on a canvas: CartPole-v1, Pendulum-v1
// and Acrobot-v1, each from its observation, with the geometry of
// Gymnasium's own renderers. pgrad eval -render draws the same scenes as
// animated SVG from the same numbers (cmd/pgrad/render.go); a Go test
// reads the GEOMETRY object below and checks that both agree.

// GEOMETRY (JSON between the markers, read by cmd/pgrad's render test):
// the scene's size in canvas units and the world-to-canvas scale, per task.
// CartPole: Gymnasium draws a 600×400 screen with the track 4.8 m wide
// (±2.4 m), a 50×30 cart whose axle is 100 units above the bottom, and
// the pole (half-length 0.5 m) as a 10-unit-wide bar of 2·0.5 m.
// Pendulum: a 500×500 screen over ±2.2 m with a 1 m rod 0.2 m wide.
// Acrobot: a 500×500 screen over ±2.2 m, two 1 m links, the goal line at
// a height of 1 m above the pivot.
// GEOMETRY-BEGIN
export const GEOMETRY = {
  "cartpole": {"width": 600, "height": 400, "scale": 125, "cartW": 50, "cartH": 30, "axleY": 100, "poleW": 10, "poleLen": 1.0, "track": 2.4},
  "pendulum": {"width": 500, "height": 500, "scale": 113.63636363636364, "rodLen": 1.0, "rodW": 0.2},
  "acrobot": {"width": 500, "height": 500, "scale": 113.63636363636364, "link1": 1.0, "link2": 1.0, "linkW": 0.1, "goal": 1.0}
};
// GEOMETRY-END

// colours reads the theme's colours from CSS custom properties once per
// draw call's caller (see Scene.theme).
function cssVar(name, fallback) {
  const v = getComputedStyle(document.documentElement).getPropertyValue(name).trim();
  return v || fallback;
}

export class Scene {
  constructor(canvas) {
    this.canvas = canvas;
    this.ctx = canvas.getContext("2d");
    this.task = "";
    this.theme();
  }

  // theme re-reads the colours (the page calls it when the scheme changes).
  theme() {
    this.c = {
      bg: cssVar("--card", "#fff"), ink: cssVar("--ink", "#111"), ink2: cssVar("--ink-2", "#555"),
      rule: cssVar("--rule", "#ddd"), accent: cssVar("--accent", "#3b4fd8"), pole: cssVar("--pole", "#c98a3b"),
      goal: cssVar("--goal", "#16935a"), pit: cssVar("--pit", "#d2463c"),
    };
  }

  // setTask sizes the canvas for task ("cartpole", "pendulum", "acrobot").
  setTask(task) {
    if (this.task === task) {
      return;
    }
    this.task = task;
    const g = GEOMETRY[task];
    this.canvas.width = g.width;
    this.canvas.height = g.height;
  }

  // draw paints obs (the task's observation) with action (its index for a
  // discrete task, the torque for Pendulum); ended marks a final state.
  draw(obs, action, ended) {
    const ctx = this.ctx;
    const g = GEOMETRY[this.task];
    ctx.fillStyle = this.c.bg;
    ctx.fillRect(0, 0, g.width, g.height);
    if (this.task === "cartpole") {
      this.cartpole(g, obs, action, ended);
    } else if (this.task === "pendulum") {
      this.pendulum(g, obs, action);
    } else if (this.task === "acrobot") {
      this.acrobot(g, obs, action, ended);
    }
  }

  cartpole(g, obs, action, ended) {
    const ctx = this.ctx;
    const x = obs[0];
    const theta = obs[2];
    const ground = g.height - g.axleY; // canvas y grows downward
    const cx = g.width / 2 + x * g.scale;
    // track and its limits
    ctx.strokeStyle = this.c.ink2;
    ctx.lineWidth = 2;
    ctx.beginPath();
    ctx.moveTo(0, ground);
    ctx.lineTo(g.width, ground);
    ctx.stroke();
    ctx.strokeStyle = this.c.pit;
    for (const s of [-1, 1]) {
      const lx = g.width / 2 + s * g.track * g.scale;
      ctx.beginPath();
      ctx.moveTo(lx, ground - 40);
      ctx.lineTo(lx, ground + 10);
      ctx.stroke();
    }
    // cart
    ctx.fillStyle = ended ? this.c.pit : this.c.ink;
    ctx.fillRect(cx - g.cartW / 2, ground - g.cartH / 2, g.cartW, g.cartH);
    // the push of this step: an arrow on the side the force comes from
    if (action !== null) {
      const dir = action >= 0.5 ? 1 : -1;
      const ax = cx - dir * (g.cartW / 2 + 6);
      ctx.strokeStyle = this.c.accent;
      ctx.fillStyle = this.c.accent;
      ctx.lineWidth = 4;
      ctx.beginPath();
      ctx.moveTo(ax - dir * 34, ground);
      ctx.lineTo(ax - dir * 8, ground);
      ctx.stroke();
      ctx.beginPath();
      ctx.moveTo(ax, ground);
      ctx.lineTo(ax - dir * 12, ground - 8);
      ctx.lineTo(ax - dir * 12, ground + 8);
      ctx.closePath();
      ctx.fill();
    }
    // pole, hinged at the cart's top centre
    const len = g.poleLen * g.scale;
    const top = ground - g.cartH / 2;
    ctx.strokeStyle = this.c.pole;
    ctx.lineWidth = g.poleW;
    ctx.lineCap = "butt";
    ctx.beginPath();
    ctx.moveTo(cx, top);
    ctx.lineTo(cx + len * Math.sin(theta), top - len * Math.cos(theta));
    ctx.stroke();
    ctx.fillStyle = this.c.ink2;
    ctx.beginPath();
    ctx.arc(cx, top, g.poleW / 2, 0, 2 * Math.PI);
    ctx.fill();
  }

  pendulum(g, obs, action) {
    const ctx = this.ctx;
    // θ = 0 upright, counter-clockwise positive (Gymnasium's renderer
    // turns the rod by θ + π/2 from the x axis).
    const th = Math.atan2(obs[1], obs[0]);
    const ox = g.width / 2;
    const oy = g.height / 2;
    const len = g.rodLen * g.scale;
    ctx.strokeStyle = this.c.pole;
    ctx.lineWidth = g.rodW * g.scale;
    ctx.lineCap = "round";
    ctx.beginPath();
    ctx.moveTo(ox, oy);
    ctx.lineTo(ox - len * Math.sin(th), oy - len * Math.cos(th));
    ctx.stroke();
    ctx.fillStyle = this.c.ink;
    ctx.beginPath();
    ctx.arc(ox, oy, 0.05 * g.scale, 0, 2 * Math.PI);
    ctx.fill();
    // torque: a bar under the pivot, its length ∝ u (at most 2), as in
    // pgrad eval -render's SVG
    const u = action === null ? 0 : action;
    this.bar(ox, oy + 0.6 * g.scale, -0.25 * g.scale * u);
  }

  // bar draws the torque indicator: from x, width w (either sign), 8 high.
  bar(x, y, w) {
    if (Math.abs(w) < 0.5) {
      return;
    }
    this.ctx.fillStyle = this.c.accent;
    this.ctx.fillRect(Math.min(x, x + w), y, Math.abs(w), 8);
  }

  acrobot(g, obs, action, ended) {
    const ctx = this.ctx;
    const th1 = Math.atan2(obs[1], obs[0]);
    const th2 = Math.atan2(obs[3], obs[2]);
    const ox = g.width / 2;
    const oy = g.height / 2;
    const s = g.scale;
    const p1 = [ox + s * g.link1 * Math.sin(th1), oy + s * g.link1 * Math.cos(th1)];
    const p2 = [p1[0] + s * g.link2 * Math.sin(th1 + th2), p1[1] + s * g.link2 * Math.cos(th1 + th2)];
    // goal line, 1 m above the pivot
    ctx.strokeStyle = this.c.goal;
    ctx.lineWidth = 2;
    ctx.setLineDash([8, 6]);
    ctx.beginPath();
    ctx.moveTo(0, oy - g.goal * s);
    ctx.lineTo(g.width, oy - g.goal * s);
    ctx.stroke();
    ctx.setLineDash([]);
    ctx.strokeStyle = ended ? this.c.goal : this.c.pole;
    ctx.lineWidth = g.linkW * s;
    ctx.lineCap = "round";
    ctx.beginPath();
    ctx.moveTo(ox, oy);
    ctx.lineTo(p1[0], p1[1]);
    ctx.lineTo(p2[0], p2[1]);
    ctx.stroke();
    ctx.fillStyle = this.c.ink;
    for (const p of [[ox, oy], p1]) {
      ctx.beginPath();
      ctx.arc(p[0], p[1], 0.06 * s, 0, 2 * Math.PI);
      ctx.fill();
    }
    // torque on the middle joint: −1, 0, +1 (action index 0, 1, 2), as a
    // bar at the bottom
    if (action !== null) {
      this.bar(g.width / 2, g.height - 20, 0.5 * s * (action - 1));
    }
  }
}
