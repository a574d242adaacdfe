// Runs an ONNX model with ONNX Runtime's Node.js package (CPU) on a batch
// of observations and prints every output as JSON, for the Go tests.
//
//   node run_ort.js OBS.bin N DIM MODEL float32|float64 [MODEL TYPE]…
//
// OBS.bin holds N×DIM little-endian float64 values, fed to every model
// (rounded to float32 for a float32 one). onnxruntime-node is found through
// NODE_PATH. Output: one JSON array with, per model, {"name": {"type": …,
// "dims": […], "data": […]}, …}; float32 values are widened to float64
// exactly, int64 values converted to numbers.
'use strict';
const fs = require('fs');
const ort = require('onnxruntime-node');

async function main() {
  const [obsPath, n, dim, ...models] = process.argv.slice(2);
  const N = Number(n), D = Number(dim);
  const buf = fs.readFileSync(obsPath);
  if (buf.length !== 8 * N * D) {
    throw new Error(`${obsPath}: ${buf.length} bytes, want ${8 * N * D}`);
  }
  const f64 = new Float64Array(N * D);
  for (let i = 0; i < N * D; i++) f64[i] = buf.readDoubleLE(8 * i);
  const all = [];
  for (let m = 0; m + 1 < models.length; m += 2) {
    const dtype = models[m + 1];
    const data = dtype === 'float64' ? f64 : Float32Array.from(f64);
    const session = await ort.InferenceSession.create(models[m], { executionProviders: ['cpu'] });
    const results = await session.run({ [session.inputNames[0]]: new ort.Tensor(dtype, data, [N, D]) });
    const out = {};
    for (const name of session.outputNames) {
      const t = results[name];
      out[name] = { type: t.type, dims: t.dims, data: Array.from(t.data, Number) };
    }
    all.push(out);
  }
  process.stdout.write(JSON.stringify(all));
}

main().catch((e) => {
  process.stderr.write(String(e && e.stack || e) + '\n');
  process.exit(1);
});
