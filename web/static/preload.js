// preload.js is the first script of the page: an async module in <head>,
// run as soon as it has loaded, before the document is parsed. It starts
// the engine's download and compilation (engine.js), so that they overlap
// the parse, the layout and the loading of the other modules; app.js's
// start() then finds the compiled module, or waits for it. A failure is
// reported by start(), in the page's status line.

import { compile } from "./engine.js";

compile().catch(() => {});
