// deep-worker.js runs the neural engine (pgrad-deep.wasm, web/wasmdeep) in
// a Web Worker, so that training iterations — tens of milliseconds each in
// WebAssembly, longer than a frame — never hold up the page's animation.
// It only forwards: the page (widgets/cartpole.js) posts one request per
// animation frame at most, the worker makes one call into Go for it and
// posts the frame back (a copy of the bridge's Float64Array, transferred).
//
// Requests {id, op, ...}:
//   configure {set}            a new session; replies with a frame
//   train {on}                 start or stop training in the background
//   step {from}                one iteration; replies with a frame
//   iterate {n, from}          n iterations (tests); replies with a frame
//   frame {k, watch, from}     play k steps, reply with a frame
//   defaults {env, algo}       pgrad train's {seed, lr, hidden}
//   command {}                 the session's pgrad train line (tests)
// Replies {id, op, frame?, value?, error?, training}; {op: "ready"} once
// the engine runs, {op: "failed", error} if it cannot start.

/* global Go, pgradDeepCore */
importScripts("wasm_exec.js");

let core = null;
let training = false;
let looping = false;
const tick = new MessageChannel();

// curveLen is the session's curve length (one point per iteration) as
// last seen: iterate needs a valid start for the curve it returns, and the
// page asks for the points it lacks with its own frame requests.
let curveLen = 0;

// Each training iteration is one macrotask; a message on tick schedules
// the next without the 4 ms clamp of nested timeouts, and lets requests
// from the page run between iterations.
tick.port1.onmessage = () => {
  if (!training) {
    looping = false;
    return;
  }
  const f = core.iterate(1, curveLen);
  if (f instanceof Error) {
    training = false;
    looping = false;
    postMessage({ op: "stopped", error: f.message });
    return;
  }
  curveLen = f[2];
  if (f[2] >= f[3]) {
    training = false; // the schedule is complete
    looping = false;
    postMessage({ op: "stopped", error: "" });
    return;
  }
  tick.port2.postMessage(0);
};

function send(id, op, f) {
  if (f instanceof Error) {
    postMessage({ id, op, error: f.message, training });
    return;
  }
  const n = f[12];
  const copy = f.slice(0, n);
  curveLen = copy[2];
  postMessage({ id, op, frame: copy, training }, [copy.buffer]);
}

onmessage = (e) => {
  const m = e.data;
  if (core === null) {
    postMessage({ id: m.id, op: m.op, error: "pgrad: the neural engine is still loading", training });
    return;
  }
  switch (m.op) {
    case "configure": {
      const f = core.configure(m.set);
      if (!(f instanceof Error)) {
        training = false;
      }
      send(m.id, m.op, f);
      break;
    }
    case "train":
      training = !!m.on;
      if (training && !looping) {
        looping = true;
        tick.port2.postMessage(0);
      }
      postMessage({ id: m.id, op: m.op, training });
      break;
    case "step":
      send(m.id, m.op, core.iterate(1, m.from));
      break;
    case "iterate":
      send(m.id, m.op, core.iterate(m.n, m.from));
      break;
    case "frame":
      send(m.id, m.op, core.frame(m.k, m.watch, m.from));
      break;
    case "defaults": {
      const v = core.defaults(m.env, m.algo);
      if (v instanceof Error) {
        postMessage({ id: m.id, op: m.op, error: v.message, training });
      } else {
        postMessage({ id: m.id, op: m.op, value: { ...v }, training });
      }
      break;
    }
    case "command":
      postMessage({ id: m.id, op: m.op, value: core.command(), training });
      break;
    default:
      postMessage({ id: m.id, op: m.op, error: `pgrad: unknown request ${m.op}`, training });
  }
};

async function boot() {
  const go = new Go();
  const ready = new Promise((resolve) => {
    self.addEventListener("pgrad-deep-ready", resolve, { once: true });
  });
  const response = fetch("pgrad-deep.wasm");
  let instance;
  try {
    ({ instance } = await WebAssembly.instantiateStreaming(response, go.importObject));
  } catch (err) {
    const r = await response;
    throw new Error(r.ok ? `pgrad: the neural engine did not start: ${err.message}` : `pgrad: pgrad-deep.wasm is missing (HTTP ${r.status}); build it with go generate ./web/...`);
  }
  go.run(instance);
  await ready;
  core = pgradDeepCore;
  postMessage({ op: "ready" });
}

boot().catch((err) => postMessage({ op: "failed", error: err.message }));
