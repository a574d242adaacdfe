// app.js boots the page: it builds each widget on its <section>, starts the
// Go engine (engine.js), applies the URL hash (hash.js) and runs the one
// animation loop (loop.js). It holds no learning logic and knows no
// widget's insides; web/static/README.md says how to add a widget.
//
// The engine's download and compilation began in <head> (preload.js), so
// they overlap the parse and the widgets' construction; start() below only
// instantiates it. The mark "pgrad-widgets" lets the browser tests check
// that order (web/browser_boot_test.go).

import { start } from "./engine.js";
import { Loop } from "./loop.js";
import { HashSchema } from "./hash.js";
import { LabSection } from "./widgets/lab.js";
import { NudgeWidget } from "./widgets/nudge.js";
import { initFormula } from "./widgets/formula.js";
import { VarianceWidget } from "./widgets/variance.js";
import { CriticWidget } from "./widgets/critic.js";
import { ClipWidget } from "./widgets/clip.js";
import { CartPoleSection } from "./widgets/cartpole.js";

performance.mark("pgrad-widgets");
const hash = new HashSchema();
const loop = new Loop();
const lab = new LabSection(hash);
const nudge = new NudgeWidget(lab);
lab.nudge = nudge;
initFormula(document.getElementById("formulas"), document.getElementById("eq-legend"));
// Each widget: attach(api) → problems with the hash; frame(now) → rollouts
// run; say(msg, warn) for an error at start-up.
const cartpole = new CartPoleSection(hash);
const variance = new VarianceWidget(hash);
const critic = new CriticWidget(hash);
const clip = new ClipWidget(hash);
const widgets = [lab, nudge, variance, critic, clip, cartpole];
for (const w of widgets) {
  loop.add(w);
}
loop.start();

start().then((api) => {
  const problems = [];
  for (const w of widgets) {
    problems.push(...w.attach(api));
  }
  loop.ready = true;
  hash.live = true;
  if (problems.length > 0) {
    lab.say(`Ignored part of the link: ${problems.join("; ")}`, true);
  } else {
    lab.say("Ready. Press Train (or Space) and watch the bars lean toward the goal.");
  }
  hash.save();
  // A hash edited in the address bar applies at once, without a reload
  // (history.replaceState, which the page's own saves use, raises no
  // hashchange).
  globalThis.addEventListener("hashchange", () => {
    // A link to a part of the page (a citation, the skip link) is not a
    // settings link: the browser scrolls to it and the lab carries on.
    if (isAnchor(location.hash)) {
      return;
    }
    const bad = lab.applyHash();
    hash.save();
    lab.say(bad.length > 0
      ? `Applied the new link, except: ${bad.join("; ")}`
      : "Applied the new link: both sessions restarted from its seed with its settings.", bad.length > 0);
  });
}).catch((err) => {
  lab.say(err.message, true);
  console.error(err);
});

// isAnchor reports whether hash names an element of the page rather than
// settings.
function isAnchor(hash) {
  let id;
  try {
    id = decodeURIComponent(hash.slice(1));
  } catch {
    return false; // not an element's id either
  }
  return id !== "" && document.getElementById(id) !== null;
}
