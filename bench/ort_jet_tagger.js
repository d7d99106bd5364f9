// ONNX Runtime's throughput on the same jet-tagger QDQ model and batches as bench/interpreter.cpp, for
// the side-by-side comparison (CPU, one intra-op thread unless THREADS is set; graph optimisations
// disabled as in the oracle tests, and also with all optimisations for reference). Prints samples/s by
// wall clock and per CPU-second (process CPU time: fairer on a loaded machine).
// Usage: node bench/ort_jet_tagger.js [MODEL.onnx]   (default: build/testdata/qdq/qdq8_jet.onnx)
'use strict';
const path = require('path');
const ort = require(path.join(__dirname, '..', 'tests', 'oracle', 'node_modules', 'onnxruntime-node'));

function normal(rng) {  // Box-Muller on a small LCG: deterministic inputs
  const u = (rng() + 1) / 4294967297, v = (rng() + 1) / 4294967297;
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
}

async function measure(session, batch, features) {
  let s = 7;
  const rng = () => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0);
  const x = new Float32Array(batch * features).map(() => 1.5 * normal(rng));
  const feeds = {[session.inputNames[0]]: new ort.Tensor('float32', x, [batch, features])};
  for (let i = 0; i < 3; ++i) await session.run(feeds);
  let runs = 0;
  const start = process.hrtime.bigint();
  const cpu0 = process.cpuUsage();
  let elapsed = 0;
  while (elapsed < 1.0 || runs < 5) {
    await session.run(feeds);
    ++runs;
    elapsed = Number(process.hrtime.bigint() - start) / 1e9;
  }
  const cpu = process.cpuUsage(cpu0);
  const cpuSeconds = (cpu.user + cpu.system) / 1e6;
  return {wall: (runs * batch) / elapsed, cpu: (runs * batch) / cpuSeconds};
}

async function main() {
  const model = process.argv[2] || path.join(__dirname, '..', 'build', 'testdata', 'qdq', 'qdq8_jet.onnx');
  const threads = Number(process.env.THREADS || 1);
  for (const level of ['disabled', 'all']) {
    const session = await ort.InferenceSession.create(model, {
      graphOptimizationLevel: level, intraOpNumThreads: threads, interOpNumThreads: 1, logSeverityLevel: 3});
    for (const batch of [1, 64, 1024, 16384]) {
      const rate = await measure(session, batch, 16);
      console.log(`ort optimizations=${level} threads=${threads} batch=${batch}: ${rate.wall.toFixed(0)} samples/s ` +
                  `(wall clock), ${rate.cpu.toFixed(0)} samples per CPU-second`);
    }
  }
}

main().catch((e) => {
  console.error(`ort_jet_tagger.js: ${e.message}`);
  process.exit(1);
});
