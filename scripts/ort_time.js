// ONNX Runtime's side of make bench's inference table: the seconds its
// `run` takes to answer every image of an IDX file with a model nn
// exported (nn export --onnx), at each of several batch sizes, best of REPS
// passes each; the session's set-up and the data's conversion are not
// timed.  The pixels go in as they are (the exported graph divides them as
// nn does).  Prints the best batch, its seconds, and the labels summed (as
// scripts/infer_time.c prints nn's), then one "batch seconds" line for
// each batch tried.
// Usage: node scripts/ort_time.js ORT_DIR MODEL.onnx IMAGES.idx THREADS REPS
'use strict';
const fs = require('fs');
const path = require('path');
const [ortDir, modelPath, idxPath, threadsArg, repsArg] = process.argv.slice(2);
const ort = require(path.join(ortDir, 'node_modules', 'onnxruntime-node'));

function readIdx(file) { // unsigned-byte IDX images, as float32 rows
  const b = fs.readFileSync(file);
  if (b[0] || b[1] || b[2] !== 8) throw new Error(file + ': not an unsigned-byte IDX file');
  const nd = b[3], dims = [];
  for (let k = 0; k < nd; k++) dims.push(b.readUInt32BE(4 + 4 * k));
  const n = dims[0], d = dims.slice(1).reduce((a, v) => a * v, 1), off = 4 + 4 * nd;
  if (b.length !== off + n * d) throw new Error(file + ': wrong length');
  const x = new Float32Array(n * d);
  for (let i = 0; i < n * d; i++) x[i] = b[off + i];
  return {n, d, x};
}

(async () => {
  const data = readIdx(idxPath);
  const threads = Number(threadsArg), reps = Number(repsArg);
  const s = await ort.InferenceSession.create(modelPath, {intraOpNumThreads: threads, interOpNumThreads: 1,
                                                          executionMode: 'sequential', graphOptimizationLevel: 'all'});
  let best = {batch: 0, sec: Infinity, sum: 0};
  const lines = [];
  for (const batch of [16, 64, 256, 1000, 10000]) {
    const tensors = [];
    for (let r = 0; r < data.n; r += batch) {
      const m = Math.min(batch, data.n - r);
      tensors.push(new ort.Tensor('float32', data.x.subarray(r * data.d, (r + m) * data.d), [m, data.d]));
    }
    await s.run({input: tensors[0]}); // (warm)
    let sec = Infinity, sum = 0;
    for (let k = 0; k < reps; k++) {
      const t0 = process.hrtime.bigint();
      const outs = [];
      for (const t of tensors) outs.push(await s.run({input: t}));
      const t = Number(process.hrtime.bigint() - t0) / 1e9;
      if (t < sec) sec = t;
      sum = 0;
      for (const o of outs) for (const v of o.label.data) sum += Number(v);
    }
    lines.push(batch + ' ' + sec.toFixed(6));
    if (sec < best.sec) best = {batch, sec, sum};
  }
  process.stdout.write(best.batch + ' ' + best.sec.toFixed(6) + ' ' + best.sum + '\n' + lines.join('\n') + '\n');
})().catch(e => { console.error('ort_time: ' + e.message); process.exit(1); });
