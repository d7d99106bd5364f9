// Run an ONNX model with ONNX Runtime (CPU, graph optimisations disabled) on inputs from a JSON file.
// Usage: node run_onnx.js MODEL.onnx INPUTS.json OUTPUTS.json
//   INPUTS.json: {"name": {"dims": [..], "data": [..]}, ...} (float32)
//   OUTPUTS.json is written in the same form for every model output.
// Exit 0 on success; on failure the error is printed and the exit code is 1.
'use strict';
const fs = require('fs');
const path = require('path');
const ort = require(path.join(__dirname, 'node_modules', 'onnxruntime-node'));

async function main() {
  const [model, inputsPath, outputsPath] = process.argv.slice(2);
  if (!outputsPath) throw new Error('usage: node run_onnx.js MODEL.onnx INPUTS.json OUTPUTS.json');
  const session = await ort.InferenceSession.create(model, {graphOptimizationLevel: 'disabled', logSeverityLevel: 3});
  const inputs = JSON.parse(fs.readFileSync(inputsPath, 'utf8'));
  const feeds = {};
  for (const [name, t] of Object.entries(inputs)) feeds[name] = new ort.Tensor('float32', Float32Array.from(t.data), t.dims);
  const results = await session.run(feeds);
  const out = {};
  for (const name of session.outputNames) out[name] = {dims: results[name].dims, data: Array.from(results[name].data, Number)};
  fs.writeFileSync(outputsPath, JSON.stringify(out));
}

main().catch((e) => {
  console.error(`run_onnx.js: ${e.message}`);
  process.exit(1);
});
