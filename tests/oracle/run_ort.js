// Run an ONNX model with ONNX Runtime (CPU, graph optimisations disabled) on a .npy input and write
// the first output as .npy: the independent oracle of tests/scripts/ort_qdq.sh and float_models.sh.
// Usage: node run_ort.js MODEL.onnx X.npy Y.npy [--per-sample]
//   --per-sample runs one sample at a time (batch 1): for exported files whose graph only works for
//   their export batch size (e.g. tf2onnx's Flatten with axis 0).
//   X.npy: float32 or float64 (converted to float32, the models' input type), C order, shape [N, ...].
//   Y.npy: float32 (float64 outputs are written as float64), C order.
// The .npy reading/writing here is a minimal v1/v2 implementation for these dtypes, independent of
// aie4ml's own (src/io/npy.cpp).
'use strict';
const fs = require('fs');
const path = require('path');
const ort = require(path.join(__dirname, 'node_modules', 'onnxruntime-node'));

function readNpy(file) {
  const buf = fs.readFileSync(file);
  if (buf.toString('latin1', 0, 6) !== '\x93NUMPY') throw new Error(`${file}: not a .npy file`);
  const major = buf[6];
  const headerLen = major === 1 ? buf.readUInt16LE(8) : buf.readUInt32LE(8);
  const start = (major === 1 ? 10 : 12) + headerLen;
  const header = buf.toString('latin1', major === 1 ? 10 : 12, start);
  const descr = /'descr':\s*'([^']+)'/.exec(header)[1];
  if (/'fortran_order':\s*True/.test(header)) throw new Error(`${file}: Fortran order`);
  const shape = /'shape':\s*\(([^)]*)\)/.exec(header)[1].split(',').map((s) => s.trim()).filter((s) => s).map(Number);
  const count = shape.reduce((a, b) => a * b, 1);
  const bytes = buf.subarray(start);
  let data;
  if (descr === '<f4') data = new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + 4 * count));
  else if (descr === '<f8') data = Float32Array.from(new Float64Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + 8 * count)));
  else throw new Error(`${file}: unsupported dtype ${descr}`);
  return {shape, data};
}

function writeNpy(file, shape, data) {
  const f64 = data instanceof Float64Array;
  const shapeStr = shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;
  let header = `{'descr': '${f64 ? '<f8' : '<f4'}', 'fortran_order': False, 'shape': ${shapeStr}, }`;
  const total = Math.ceil((10 + header.length + 1) / 64) * 64;
  header = header.padEnd(total - 10 - 1, ' ') + '\n';
  const head = Buffer.alloc(10);
  head.write('\x93NUMPY', 0, 'latin1');
  head[6] = 1;
  head[7] = 0;
  head.writeUInt16LE(header.length, 8);
  const body = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  fs.writeFileSync(file, Buffer.concat([head, Buffer.from(header, 'latin1'), body]));
}

async function main() {
  const [model, xPath, yPath, mode] = process.argv.slice(2);
  if (!yPath) throw new Error('usage: node run_ort.js MODEL.onnx X.npy Y.npy [--per-sample]');
  const session = await ort.InferenceSession.create(model, {graphOptimizationLevel: 'disabled', logSeverityLevel: 3});
  const x = readNpy(xPath);
  if (mode !== '--per-sample') {
    const results = await session.run({[session.inputNames[0]]: new ort.Tensor('float32', x.data, x.shape)});
    const y = results[session.outputNames[0]];
    writeNpy(yPath, y.dims.map(Number), y.data);
    return;
  }
  const n = x.shape[0], per = x.data.length / n;
  const parts = [];
  let sampleDims = null;
  for (let i = 0; i < n; ++i) {
    const xi = x.data.slice(i * per, (i + 1) * per);
    const results = await session.run({[session.inputNames[0]]: new ort.Tensor('float32', xi, [1, ...x.shape.slice(1)])});
    const y = results[session.outputNames[0]];
    sampleDims = y.dims.slice(1).map(Number);
    parts.push(y.data);
  }
  const out = new (parts[0].constructor)(parts.reduce((a, p) => a + p.length, 0));
  parts.reduce((off, p) => (out.set(p, off), off + p.length), 0);
  writeNpy(yPath, [n, ...sampleDims], out);
}

main().catch((e) => {
  console.error(`run_ort.js: ${e.message}`);
  process.exit(1);
});
