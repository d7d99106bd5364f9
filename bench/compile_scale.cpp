// Compile time against model size: the front half of `aie4ml compile` (ONNX import + canonicalize +
// quantize_model + plan_design, i.e. everything but writing files) on generated float MLPs, serialised to
// ONNX bytes outside the timed loop.
// - BM_CompileTiles/W:  four W x W layers under a TileBudget: from 4 to 256 compute tiles of ve2802;
//   BM_CompileTilesLatency/W: the same without a budget (the latency objective spreads them).
// - BM_CompileBig:      512 -> 5 x 1024 -> 200, 302 of the 304 tiles (the published big MLP).
// - BM_CompileLayers/L: L layers of 64 x 64 (one tile each): 10 to 300 layers.
// - BM_PlanTimeLimited/L: plan_design alone with a 50 ms placement limit on the deepest models; the
//   design returned must be legal (checked: plan_design runs check_design and throws otherwise).
// Counters: tiles, layers, seconds per stage of plan_design (partition, placement, transport+buffers,
// check), the placement's node count and whether it proved optimality.
// Run: build/bench/bench_compile_scale [--benchmark_filter=...]
#include <algorithm>
#include <cstring>
#include <string>
#include <vector>

#include <benchmark/benchmark.h>
#include <fmt/format.h>
#include <onnx/onnx_pb.h>

#include "device/catalog.h"
#include "frontend/onnx_import.h"
#include "io/config.h"
#include "passes/canonicalize.h"
#include "passes/plan_design.h"
#include "passes/quantize.h"

namespace {

using namespace aie4ml;

void set_float_tensor(onnx::TensorProto* t, const std::string& name, std::vector<int64_t> dims, uint32_t seed) {
  t->set_name(name);
  t->set_data_type(onnx::TensorProto::FLOAT);
  int64_t n = 1;
  for (auto d : dims) {
    t->add_dims(d);
    n *= d;
  }
  std::string raw(static_cast<size_t>(n) * 4, '\0');
  uint32_t s = seed;
  for (int64_t i = 0; i < n; ++i) {
    s = s * 1664525u + 1013904223u;
    const float v = static_cast<float>(static_cast<int32_t>(s >> 8) - (1 << 23)) / static_cast<float>(1 << 23) /
                    static_cast<float>(dims[0] > 8 ? 8 : 1);
    std::memcpy(&raw[static_cast<size_t>(i) * 4], &v, 4);
  }
  t->set_raw_data(raw);
}

void set_value_info(onnx::ValueInfoProto* v, const std::string& name, int64_t features) {
  v->set_name(name);
  auto* tt = v->mutable_type()->mutable_tensor_type();
  tt->set_elem_type(onnx::TensorProto::FLOAT);
  tt->mutable_shape()->add_dim()->set_dim_param("N");
  tt->mutable_shape()->add_dim()->set_dim_value(features);
}

// x -> fc1 (Gemm + Relu) -> ... -> fcN (Gemm) -> y, as ONNX bytes.
std::string mlp_onnx(const std::vector<int64_t>& widths) {
  onnx::ModelProto m;
  m.set_ir_version(8);
  m.add_opset_import()->set_version(13);
  auto* g = m.mutable_graph();
  g->set_name("scale_mlp");
  const int n = static_cast<int>(widths.size()) - 1;
  std::string prev = "x";
  for (int i = 0; i < n; ++i) {
    const std::string layer = fmt::format("fc{}", i + 1), w = layer + "_W", b = layer + "_b";
    set_float_tensor(g->add_initializer(), w, {widths[i], widths[i + 1]}, 7u * i + 1u);
    set_float_tensor(g->add_initializer(), b, {widths[i + 1]}, 7u * i + 2u);
    const std::string out = i == n - 1 ? "y" : fmt::format("g{}", i + 1);
    auto* node = g->add_node();
    node->set_op_type("Gemm");
    node->set_name(layer);
    node->add_input(prev);
    node->add_input(w);
    node->add_input(b);
    node->add_output(out);
    prev = out;
    if (i < n - 1) {
      auto* relu = g->add_node();
      relu->set_op_type("Relu");
      relu->set_name(fmt::format("relu{}", i + 1));
      relu->add_input(out);
      prev = fmt::format("h{}", i + 1);
      relu->add_output(prev);
    }
  }
  set_value_info(g->add_input(), "x", widths.front());
  set_value_info(g->add_output(), "y", widths.back());
  return m.SerializeAsString();
}

Config int8_config() {
  Config c;
  c.default_precision = parse_numeric_type("ap_fixed<8,3>");
  return c;
}

const Device& ve2802() { return DeviceCatalog::builtin().get("ve2802"); }

void report(benchmark::State& state, const Design& d, const PlanTimings& t) {
  state.counters["tiles"] = static_cast<double>(d.tiles_used());
  state.counters["layers"] = static_cast<double>(d.layers.size());
  state.counters["partition_s"] = t.partition;
  state.counters["placement_s"] = t.placement;
  state.counters["transport_s"] = t.transport;
  state.counters["check_s"] = t.check;
  state.counters["nodes"] = static_cast<double>(d.placement.nodes);
  state.counters["optimal"] = d.placement.optimal ? 1 : 0;
}

// import + canonicalize + quantize + plan_design, the timed body.
void compile(benchmark::State& state, const std::vector<int64_t>& widths, const Config& config) {
  const std::string bytes = mlp_onnx(widths);
  Design d;
  PlanTimings t;
  for (auto _ : state) {
    Model m = import_onnx_bytes(bytes, "scale_mlp.onnx");
    canonicalize(m);
    quantize_model(m, config);
    d = plan_design(m, config, ve2802(), {}, &t);
  }
  report(state, d, t);
}

// Four W x W layers under TileBudget = the fewest tiles their int8 weights need (16 KB per tile), so
// the design uses from 4 (W = 64) to 256 (W = 1024) tiles.
void BM_CompileTiles(benchmark::State& state) {
  const int64_t w = state.range(0);
  Config c = int8_config();
  c.tile_budget = static_cast<int>(4 * std::max<int64_t>(1, w * w / 16384));
  compile(state, {w, w, w, w, w}, c);
}
BENCHMARK(BM_CompileTiles)->Arg(64)->Arg(256)->Arg(512)->Arg(768)->Arg(1024)->Unit(benchmark::kMillisecond);

// The same models under the default objective (latency): the partition spreads them over more tiles.
void BM_CompileTilesLatency(benchmark::State& state) {
  const int64_t w = state.range(0);
  compile(state, {w, w, w, w, w}, int8_config());
}
BENCHMARK(BM_CompileTilesLatency)->Arg(64)->Arg(256)->Arg(512)->Arg(768)->Arg(1024)->Unit(benchmark::kMillisecond);

void BM_CompileBig(benchmark::State& state) { compile(state, {512, 1024, 1024, 1024, 1024, 1024, 200}, int8_config()); }
BENCHMARK(BM_CompileBig)->Unit(benchmark::kMillisecond);

std::vector<int64_t> deep(int layers) { return std::vector<int64_t>(static_cast<size_t>(layers) + 1, 64); }

void BM_CompileLayers(benchmark::State& state) {
  compile(state, deep(static_cast<int>(state.range(0))), int8_config());
}
BENCHMARK(BM_CompileLayers)->Arg(10)->Arg(25)->Arg(50)->Arg(100)->Arg(200)->Arg(300)->Unit(benchmark::kMillisecond);

void BM_PlanTimeLimited(benchmark::State& state) {
  Model m = import_onnx_bytes(mlp_onnx(deep(static_cast<int>(state.range(0)))), "scale_mlp.onnx");
  canonicalize(m);
  const Config config = int8_config();
  quantize_model(m, config);
  PlanOptions o;
  o.placement.time_limit_s = 0.05;
  o.placement.node_limit = int64_t{1} << 40;
  Design d;
  PlanTimings t;
  for (auto _ : state) d = plan_design(m, config, ve2802(), o, &t);
  report(state, d, t);
  state.SetLabel(d.placement.stopped_by);
}
BENCHMARK(BM_PlanTimeLimited)->Arg(100)->Arg(300)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
