// preload.js is the page's first script: a classic, parser-blocking script
// at the top of <head>, before the stylesheets, so that it runs before the
// rest of the page is parsed and before its first layout. (A module, even
// an async one without imports, ran only after that layout in a measured
// cold load, at ~400 ms: the browser handles module scripts' arrival
// behind the first rendering.) It is small and does no work of its own: it
// starts the engine's download and compilation, and runs the Go program as
// soon as the compiled module and Go's loader (wasm_exec.js) are both
// there. app.js's start() (engine.js) then finds the engine running, or
// waits for it; a failure is reported there, in the page's status line.
//
// It publishes globalThis.pgradBoot = { run() }, which engine.js wraps.

"use strict";

(() => {
  const url = "pgrad.wasm";

  async function compile() {
    const response = fetch(url);
    try {
      return await WebAssembly.compileStreaming(response);
    } catch (err) {
      const r = await response;
      if (!r.ok || !(r.headers.get("Content-Type") || "").includes("wasm")) {
        throw new Error(`pgrad: ${url} is missing (HTTP ${r.status}); build it with go generate ./web/...`);
      }
      throw new Error(`pgrad: ${url} could not be compiled (${err.message}); rebuild it with go generate ./web/...`);
    }
  }

  // run compiles and instantiates the engine and runs its Go program, once: it
  // resolves with the program's raw API (globalThis.pgradCore) when the
  // program has announced it with the "pgrad-core-ready" event.
  let running = null;

  function run() {
    if (running === null) {
      running = runFrom();
    }
    return running;
  }

  async function runFrom() {
    const [module] = await Promise.all([compile(), loader()]);
    if (typeof globalThis.Go !== "function") {
      throw new Error("pgrad: wasm_exec.js did not load, so the Go engine cannot start");
    }
    const go = new globalThis.Go();
    const ready = new Promise((resolve) => {
      globalThis.addEventListener("pgrad-core-ready", resolve, { once: true });
    });
    const instance = await WebAssembly.instantiate(module, go.importObject);
    go.run(instance); // returns when the Go program exits, which it does not
    await ready;
    return globalThis.pgradCore;
  }

  // loader loads Go's wasm_exec.js (modulepreloaded in <head>), which
  // defines globalThis.Go. It is a classic script that sets globals and
  // nothing else, so it loads as a module too; a failed load leaves Go
  // undefined, which runFrom reports.
  function loader() {
    return import("./wasm_exec.js").catch(() => {});
  }

  globalThis.pgradBoot = Object.freeze({ run });
  run().catch(() => {}); // start() reports a failure
})();
