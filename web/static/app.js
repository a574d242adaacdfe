// app.js boots the page: it builds each widget on its <section>, starts the
// Go engine (engine.js), applies the URL hash (hash.js) and runs the one
// animation loop (loop.js). It holds no learning logic and knows no
// widget's insides; web/static/README.md says how to add a widget.
//
// It boots in two steps, so that the first view does not wait for the rest
// of the page:
//
//  1. The lab (the first view). The page loads app.js and its static
//     imports as one bundle (bundle.js, made by go generate with
//     internal/jsbundle), an async module placed right after the lab's
//     <section>, so it runs as soon as it has arrived, whether or not the
//     rest of the page has been parsed. It builds the lab and, once the
//     engine that preload.js started is running, attaches it: the first
//     interactive frame (data-ready="1" on <html>, set by loop.js).
//  2. The sections below, once the page is parsed and the first frame is
//     drawn: their modules are imported then (the bundler turns these
//     import()s into one load of bundle-later.js), built, given their part
//     of the URL hash, and attached; data-widgets="1" on <html> says that
//     every widget is attached.
//
// The hash is written back only after step 2, so that a link's settings
// for a section below are never dropped before that section has read
// them. The mark "pgrad-widgets" lets the browser tests check that the
// engine's download began before the widgets were built
// (web/browser_boot_test.go).

import { start } from "./engine.js";
import { Loop } from "./loop.js";
import { HashSchema } from "./hash.js";
import { LabSection } from "./widgets/lab.js";
import { NudgeWidget } from "./widgets/nudge.js";

performance.mark("pgrad-widgets");
const hash = new HashSchema();
const loop = new Loop();
const lab = new LabSection(hash);
const nudge = new NudgeWidget(lab);
lab.nudge = nudge;
// Each widget: attach(api) → problems with the hash; frame(now) → rollouts
// run; say(msg, warn) for an error at start-up.
loop.add(lab);
loop.add(nudge);
loop.start();

const problems = [];

start().then(async (api) => {
  problems.push(...lab.attach(api), ...nudge.attach(api));
  loop.ready = true;
  report(problems);
  await Promise.all([parsed(), loop.drawn()]);
  const later = await buildLater();
  const first = hash.entries.length - later.entries;
  problems.push(...hash.restore(hash.entries.slice(first)));
  for (const w of later.widgets) {
    problems.push(...w.attach(api));
    loop.add(w);
  }
  hash.live = true;
  if (problems.length > 0) {
    report(problems);
  }
  hash.save();
  document.documentElement.dataset.widgets = "1";
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

// report says in the lab's status line whether the link applied.
function report(problems) {
  if (problems.length > 0) {
    lab.say(`Ignored part of the link: ${problems.join("; ")}`, true);
  } else {
    lab.say("Ready. Press Train (or Space) and watch the bars lean toward the goal.");
  }
}

// parsed resolves once the whole document has been parsed, so that the
// sections below the lab exist.
function parsed() {
  if (document.readyState !== "loading") {
    return Promise.resolve();
  }
  return new Promise((resolve) => document.addEventListener("DOMContentLoaded", resolve, { once: true }));
}

// buildLater imports and builds the sections below the lab; it returns
// them and how many hash entries they added.
async function buildLater() {
  const before = hash.entries.length;
  const [{ initFormula }, { VarianceWidget }, { CriticWidget }, { ClipWidget }, { CartPoleSection }] = await Promise.all([
    import("./widgets/formula.js"),
    import("./widgets/variance.js"),
    import("./widgets/critic.js"),
    import("./widgets/clip.js"),
    import("./widgets/cartpole.js"),
  ]);
  initFormula(document.getElementById("formulas"), document.getElementById("eq-legend"));
  // The order of construction is the order of the hash's keys.
  const cartpole = new CartPoleSection(hash);
  const widgets = [new VarianceWidget(hash), new CriticWidget(hash), new ClipWidget(hash), cartpole];
  return { widgets, entries: hash.entries.length - before };
}

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
