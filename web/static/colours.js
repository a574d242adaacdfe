// colours.js holds the colours that JavaScript paints itself (canvas pixels
// and per-element fills); everything else is coloured by CSS custom
// properties in style.css (--goal, --pit, --cap, --up, --down, …), so both
// themes come from one place.

// HEAT is the reward landscape's ramp, from no reward to the peak: a dark
// night blue rising to a pale violet, so that warm sample dots stand out.
export const HEAT = [[16, 20, 44], [38, 42, 102], [92, 80, 160], [170, 150, 214], [236, 228, 250]];

// DOT is the samples' ramp, from no reward to the peak: cool grey through
// lime to green. Green means "good" in every view (a rollout that reached
// the goal, b(s) above 0) and red only "fell into the pit", so a rewarded
// sample is green, never red (issue 7 §4.4). The legend's swatch is
// painted from these same stops (dotRampCSS).
export const DOT = [[148, 163, 184], [190, 242, 100], [74, 222, 128], [22, 163, 74]];

// dotRampCSS is the CSS gradient of DOT, left (no reward) to right (peak).
export function dotRampCSS() {
  return `linear-gradient(90deg, ${DOT.map((c) => `rgb(${c[0]}, ${c[1]}, ${c[2]})`).join(", ")})`;
}

// ramp interpolates the colour stops at t in [0, 1] (clamped).
export function ramp(stops, t) {
  t = Math.min(1, Math.max(0, t)) * (stops.length - 1);
  const i = Math.min(stops.length - 2, Math.floor(t));
  const u = t - i;
  const a = stops[i];
  const b = stops[i + 1];
  return [a[0] + (b[0] - a[0]) * u, a[1] + (b[1] - a[1]) * u, a[2] + (b[2] - a[2]) * u];
}

// rampCSS returns n + 1 CSS colours of the stops at 0, 1/n, …, 1, so that
// a view can pick a colour per element without building a string.
export function rampCSS(stops, n) {
  return Array.from({ length: n + 1 }, (_, i) => {
    const [r, g, b] = ramp(stops, i / n);
    return `rgb(${r | 0},${g | 0},${b | 0})`;
  });
}

// OUTCOME_CLASS names the CSS class of each rollout outcome code of a
// frame (env.Outcome): 1 reached the goal, 2 fell into the pit, 3 ran out
// of steps.
export const OUTCOME_CLASS = ["running", "goal", "pit", "capped"];
