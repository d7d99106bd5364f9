// Throughput of the integer reference interpreter on the jet-tagger topology 16-64-32-32-5 int8 (the
// QDQ model tests/models/make_qdq_models.py writes as qdq8_jet.onnx), measured as `aie4ml predict`
// does the work: quantise float inputs, run, dequantise the outputs. Compare with ONNX Runtime on the
// same model and batch: `node bench/ort_jet_tagger.js` (see its header).
// The model is read from $AIE4ML_JET_MODEL, else <source>/build/testdata/qdq/qdq8_jet.onnx.
#include <benchmark/benchmark.h>

#include <cstdlib>
#include <filesystem>
#include <random>

#include "frontend/onnx_import.h"
#include "io/config.h"
#include "ir/fixed_point.h"
#include "passes/canonicalize.h"
#include "passes/quantize.h"
#include "sim/convert.h"
#include "sim/interpreter.h"

namespace {

using namespace aie4ml;

const Model& jet_model() {
  static const Model model = [] {
    const char* env = std::getenv("AIE4ML_JET_MODEL");
    const std::filesystem::path path =
        env ? std::filesystem::path(env) : std::filesystem::path(AIE4ML_SOURCE_ROOT) / "build/testdata/qdq/qdq8_jet.onnx";
    Model m = import_onnx(path);
    canonicalize(m);
    quantize_model(m, Config{});
    return m;
  }();
  return model;
}

void BM_JetTaggerInt8(benchmark::State& state) {
  const int64_t batch = state.range(0);
  const int threads = static_cast<int>(state.range(1));
  const Model& m = jet_model();
  IntegerInterpreter interp(m);
  const std::string in = interp.input_names()[0], out = interp.output_names()[0];
  const FixedType in_t = interp.type(in), out_t = interp.type(out);
  std::mt19937 rng(7);
  std::normal_distribution<double> normal(0.0, 1.5);
  std::vector<double> x(static_cast<size_t>(batch * interp.sample_elements(in)));
  for (auto& v : x) v = static_cast<float>(normal(rng));  // float32 inputs, as read from a .npy
  std::vector<std::vector<int64_t>> codes(1, std::vector<int64_t>(x.size()));
  std::vector<double> y;
  for (auto _ : state) {
    sim::quantize_values(x.data(), codes[0].data(), static_cast<int64_t>(x.size()), in_t);
    const auto result = interp.run(codes, batch, threads);
    y.resize(result[0].size());
    sim::dequantize_codes(result[0].data(), y.data(), static_cast<int64_t>(y.size()), out_t);
    benchmark::DoNotOptimize(y.data());
  }
  state.SetItemsProcessed(state.iterations() * batch);
  state.counters["samples/s"] = benchmark::Counter(static_cast<double>(batch), benchmark::Counter::kIsIterationInvariantRate);
}

BENCHMARK(BM_JetTaggerInt8)
    ->ArgNames({"batch", "threads"})
    ->Args({1, 1})
    ->Args({64, 1})
    ->Args({1024, 1})
    ->Args({16384, 1})
    ->Args({16384, 2})
    ->UseRealTime();

}  // namespace

BENCHMARK_MAIN();
