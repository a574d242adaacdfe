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

// link is the settings link the sections below will read when they are
// built: the one the page was opened with, or the last one given in the
// address bar. Not location.hash at that moment: a click on a citation or
// the skip link before then would have replaced it.
let link = location.hash;

start().then(async (api) => {
  report(lab.attach(api).concat(nudge.attach(api)));
  loop.ready = true;
  // A hash edited in the address bar applies at once, without a reload
  // (history.replaceState, which the page's own saves use, raises no
  // hashchange); before the sections below are built it is also the link
  // they will read.
  globalThis.addEventListener("hashchange", () => {
    // A link to a part of the page (a citation, the skip link) is not a
    // settings link: the browser scrolls to it and the lab carries on.
    if (isAnchor(location.hash)) {
      return;
    }
    link = location.hash;
    const bad = lab.applyHash();
    hash.save();
    lab.say(bad.length > 0
      ? `Applied the new link, except: ${bad.join("; ")}`
      : "Applied the new link: both sessions restarted from its seed with its settings.", bad.length > 0);
  });
  try {
    await Promise.all([parsed(), loop.drawn()]);
    const problems = [];
    const before = hash.entries.length;
    const widgets = await buildLater(problems);
    problems.push(...hash.restore(hash.entries.slice(before), link));
    for (const w of widgets) {
      problems.push(...w.attach(api));
      loop.add(w);
    }
    // Only the sections' own problems: the lab's were said in step 1, and
    // the lab may have said something since.
    if (problems.length > 0) {
      lab.say(`Ignored part of the link: ${problems.join("; ")}`, true);
    }
  } finally {
    // Whatever became of the sections below, the lab's settings are saved
    // from now on.
    hash.live = true;
    hash.save();
    document.documentElement.dataset.widgets = "1";
  }
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

// buildLater imports and builds the sections below the lab, each on its
// own: one that fails to load or to build is reported in problems and the
// others go on. The order of construction is the order of the hash's keys.
async function buildLater(problems) {
  const load = async (what, f) => {
    try {
      return await f();
    } catch (err) {
      problems.push(`${what}: could not be loaded (${err.message})`);
      console.error(err);
      return null;
    }
  };
  await load("the equation", async () => {
    const { initFormula } = await import("./widgets/formula.js");
    initFormula(document.getElementById("formulas"), document.getElementById("eq-legend"));
  });
  const widgets = [
    await load("the CartPole section", async () => new (await import("./widgets/cartpole.js")).CartPoleSection(hash)),
    await load("the variance lab", async () => new (await import("./widgets/variance.js")).VarianceWidget(hash)),
    await load("the critic", async () => new (await import("./widgets/critic.js")).CriticWidget(hash)),
    await load("the clip", async () => new (await import("./widgets/clip.js")).ClipWidget(hash)),
  ];
  // The loop's order as before: the tab widgets, then CartPole.
  return [widgets[1], widgets[2], widgets[3], widgets[0]].filter((w) => w !== null);
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
