// engine.js starts the Go engine (pgrad.wasm) and turns its raw API into
// globalThis.pgrad, whose methods throw on bad input.
//
// Go functions cannot throw into JavaScript, so the wasm bridge returns an
// Error object instead of a result when the page asks for something
// impossible; wrapping here makes that an ordinary exception. The layout of
// the frames the methods return is documented in web/wasm (package doc).

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

// compile starts downloading and compiling a wasm file, once per URL: later
// calls return the same promise. preload.js calls it from <head>, so that the
// download and the compilation overlap the parsing of the page, its layout
// and the loading of the other modules, instead of waiting for them.
const compiling = new Map(); // URL → promise of its WebAssembly.Module

export function compile(url = "pgrad.wasm") {
  let p = compiling.get(url);
  if (p === undefined) {
    p = compileFrom(url);
    compiling.set(url, p);
  }
  return p;
}

async function compileFrom(url) {
  const response = fetch(url);
  try {
    return await WebAssembly.compileStreaming(response);
  } catch (err) {
    const r = await response;
    if (!r.ok || !(r.headers.get("Content-Type") || "").includes("wasm")) {
      throw new Error(`pgrad: ${url} is missing (HTTP ${r.status}); build it with go generate ./web/...`);
    }
    throw err;
  }
}

// start runs the wasm (compiled by compile, which it calls if preload.js has
// not), resolving once globalThis.pgrad is set.
export async function start(url = "pgrad.wasm") {
  const module = await compile(url);
  if (typeof globalThis.Go !== "function") {
    throw new Error("pgrad: wasm_exec.js did not load, so the Go engine cannot start");
  }
  const go = new globalThis.Go();
  const coreReady = new Promise((resolve) => {
    globalThis.addEventListener("pgrad-core-ready", resolve, { once: true });
  });
  const instance = await WebAssembly.instantiate(module, go.importObject);
  go.run(instance); // returns when the Go program exits, which it does not
  await coreReady;
  core = globalThis.pgradCore;
  const api = {};
  for (const name of Object.keys(core)) {
    api[name] = (...args) => call(name, ...args);
  }
  globalThis.pgrad = Object.freeze(api);
  globalThis.dispatchEvent(new Event("pgrad-ready"));
  return globalThis.pgrad;
}
