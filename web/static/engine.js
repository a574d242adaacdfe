// engine.js waits for the Go engine (pgrad.wasm) that preload.js started and
// turns its raw API into globalThis.pgrad, whose methods throw on bad input.
//
// Go functions cannot throw into JavaScript, so the wasm bridge returns an
// Error object instead of a result when the page asks for something
// impossible; wrapping here makes that an ordinary exception. The layout of
// the frames the methods return is documented in web/wasm (package doc).

// The download, compilation and start of the engine live in preload.js,
// the page's first script (a classic one, so it runs before the page is
// parsed), as globalThis.pgradBoot; engine.js only wraps them.

function boot() {
  if (!globalThis.pgradBoot) {
    throw new Error("pgrad: preload.js did not run, so the Go engine cannot start");
  }
  return globalThis.pgradBoot;
}

let core = null;

// call invokes a bridge method by name, throwing its Error if it returned one.
export function call(name, ...args) {
  if (core === null) {
    throw new Error(`pgrad: ${name} called before the engine is ready (wait for the "pgrad-ready" event)`);
  }
  const result = core[name](...args);
  if (result instanceof Error) {
    throw result;
  }
  return result;
}

// start waits for the engine that preload.js started, resolving once
// globalThis.pgrad is set.
export async function start() {
  core = await boot().run();
  const api = {};
  for (const name of Object.keys(core)) {
    api[name] = (...args) => call(name, ...args);
  }
  globalThis.pgrad = Object.freeze(api);
  globalThis.dispatchEvent(new Event("pgrad-ready"));
  return globalThis.pgrad;
}
