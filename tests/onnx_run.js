// Run an ONNX model exported by nn in ONNX Runtime (the npm package
// onnxruntime-node) on the rows of a float32 .npy file, and print one line a
// row: the label then the outputs (probs), or the values of a regression --
// the numbers as JavaScript prints a float32's exact value.  The output's
// dynamic batch is used: the rows go in batches of 1000 and a last partial one.
// Usage: node tests/onnx_run.js ORT_DIR MODEL.onnx X.npy
'use strict';
const fs = require('fs');
const path = require('path');
const [ortDir, modelPath, xPath] = process.argv.slice(2);
const ort = require(path.join(ortDir, 'node_modules', 'onnxruntime-node'));

function readNpy(file) { // a little-endian float32 C-order 2-D array (what tests/onnx.sh writes)
  const b = fs.readFileSync(file);
  if (b.toString('latin1', 0, 6) !== '\x93NUMPY') throw new Error(file + ': not .npy');
  const hl = b[6] === 1 ? b.readUInt16LE(8) : b.readUInt32LE(8), off = b[6] === 1 ? 10 : 12;
  const head = b.toString('latin1', off, off + hl);
  if (!/'descr': '<f4'/.test(head) || /'fortran_order': True/.test(head)) throw new Error(file + ': not C-order float32');
  const shape = head.match(/'shape': \((\d+), (\d+)\)/).slice(1).map(Number);
  const data = new Float32Array(b.buffer.slice(b.byteOffset + off + hl, b.byteOffset + b.length));
  return {n: shape[0], d: shape[1], data};
}

(async () => {
  const x = readNpy(xPath);
  const s = await ort.InferenceSession.create(modelPath);
  const lines = [];
  for (let r = 0; r < x.n; r += 1000) {
    const m = Math.min(1000, x.n - r);
    const t = new ort.Tensor('float32', x.data.subarray(r * x.d, (r + m) * x.d), [m, x.d]);
    const out = await s.run({input: t});
    if (out.values) {
      const k = out.values.dims[1];
      for (let i = 0; i < m; i++) lines.push(Array.from(out.values.data.subarray(i * k, (i + 1) * k)).join(','));
    } else {
      const k = out.probs.dims[1];
      for (let i = 0; i < m; i++)
        lines.push(String(out.label.data[i]) + ',' + Array.from(out.probs.data.subarray(i * k, (i + 1) * k)).join(','));
    }
  }
  process.stdout.write(lines.join('\n') + (lines.length ? '\n' : ''));
})().catch(e => { console.error('onnx_run: ' + e.message); process.exit(1); });
