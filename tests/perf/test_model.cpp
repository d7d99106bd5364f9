// The performance model on whole Designs (sim/perf_model.h): with every calibrated latency set to zero a
// design's latency is exactly its transfers at the device's bytes per cycle plus kernel_cost's cycles,
// the interval is the slowest stage, PLIO width and clock enter as they should; the shipped constants
// add lock and interface costs on top; report outputs carry DESIGN.md's keys.
#include <gtest/gtest.h>
#include <unistd.h>

#include <fstream>

#include "passes/plan_design.h"
#include "perf/perf_fixtures.h"
#include "sim/perf_components.h"
#include "sim/perf_model.h"
#include "sim/perf_report.h"

namespace aie4ml {
namespace {

using perf_testing::relu_mlp;
using perf_testing::ve2802;
using perf_testing::with_overrides;

// The shipped constants with every latency and overhead that is not a transfer or a kernel cycle at 0.
perf::PerfParams transfers_and_kernels_only() {
  auto p = perf::params_for(ve2802());
  p.kernel_iteration_cycles = p.lock_acquire_cycles = p.dma_setup_cycles = p.dma_run_overhead_cycles = 0;
  p.stream_hop_cycles = p.plio_latency_cycles = p.cascade_link_cycles = 0;
  return p;
}

int64_t single_kernel_cycles(int64_t k, int64_t n, const perf::PerfParams& p) {
  DenseKernelDesc d;
  d.m = 8;
  d.k = static_cast<int>(k);
  d.n = static_cast<int>(n);
  d.relu = true;
  return dense_kernel_cost(d, p.core).cycles;
}

Design one_layer(int64_t k, int64_t n, const PlanOptions& o = {}) {
  return plan_design(relu_mlp("one", {k, n}), with_overrides({{1, 1}}), ve2802(), o);
}

// 16 -> 16 int8, batch 8: 128 bytes in on the PLIO, 128 out of the memory tile to the kernel, 128 back,
// each at 4 bytes per cycle (128-bit PLIO at 312.5 MHz = 4 bytes per 1250 MHz cycle; DMA 4 bytes/cycle).
TEST(Model, SingleKernelLatencyIsItsCyclesPlusTransfers) {
  const auto p = transfers_and_kernels_only();
  const auto r = perf::simulate(one_layer(16, 16), ve2802(), p);
  const double kernel = static_cast<double>(single_kernel_cycles(16, 16, p));
  EXPECT_DOUBLE_EQ(r.latency_cycles, 32 + 32 + kernel + 32);
  EXPECT_DOUBLE_EQ(r.latency_last_cycles, r.latency_cycles + 32);  // 128 bytes out on the PLIO
  EXPECT_DOUBLE_EQ(r.latency_ns, r.latency_cycles / 1.25);         // 1250 MHz from the device file
}

TEST(Model, PublishedRulesStreamThePlioStraightIntoTheKernel) {
  const auto p = transfers_and_kernels_only();
  const Design d = one_layer(16, 16);
  const auto own = perf::simulate(d, ve2802(), p);
  const auto published = perf::simulate(d, ve2802(), p, {perf::TransportView::PublishedRules});
  EXPECT_DOUBLE_EQ(published.latency_cycles, 32 + single_kernel_cycles(16, 16, p));
  EXPECT_DOUBLE_EQ(own.latency_cycles - published.latency_cycles, 64);  // the two memory-tile copies
}

TEST(Model, NarrowerPlioTakesLonger) {
  const auto p = transfers_and_kernels_only();
  PlanOptions narrow;
  narrow.transport.plio_width_bits = 64;  // 2 bytes per AIE cycle at 312.5 MHz
  const auto wide = perf::simulate(one_layer(16, 16), ve2802(), p);
  const auto slow = perf::simulate(one_layer(16, 16, narrow), ve2802(), p);
  EXPECT_DOUBLE_EQ(slow.latency_cycles - wide.latency_cycles, 32);
  EXPECT_DOUBLE_EQ(slow.latency_last_cycles - slow.latency_cycles, 64);
}

// 128 -> 128: the kernel (16 K blocks of a 16 KB weight bank) is slower than any 1 KB transfer
// (256 cycles), so it sets the interval; its input and output copies overlap it (ping-pong).
TEST(Model, IntervalIsTheSlowestStage) {
  const auto p = transfers_and_kernels_only();
  const auto r = perf::simulate(one_layer(128, 128), ve2802(), p);
  const double kernel = static_cast<double>(single_kernel_cycles(128, 128, p));
  ASSERT_GT(kernel, 256);
  EXPECT_DOUBLE_EQ(r.interval_cycles, kernel);
  EXPECT_LT(r.interval_cycles, r.latency_last_cycles);
  EXPECT_EQ(r.bottleneck.kind, "kernel");
  EXPECT_EQ(r.bottleneck.layer, "fc1");
  EXPECT_DOUBLE_EQ(r.throughput_samples_per_s, 8 / (kernel / 1.25e9));
  EXPECT_NEAR(r.gops, 2.0 * 128 * 128 * r.throughput_samples_per_s / 1e9, 1e-9);
  ASSERT_EQ(r.layers.size(), 1u);
  EXPECT_DOUBLE_EQ(r.layers[0].utilisation, 1.0);
  EXPECT_DOUBLE_EQ(r.layers[0].efficiency_vs_single_kernel, 1.0);  // one tile, busy all the time
}

TEST(Model, LockAcquisitionsAddToTheKernelStage) {
  auto p = transfers_and_kernels_only();
  p.lock_acquire_cycles = 4;
  const auto r = perf::simulate(one_layer(128, 128), ve2802(), p);
  EXPECT_DOUBLE_EQ(r.interval_cycles, single_kernel_cycles(128, 128, p) + 2 * 4);  // input and output locks
}

// A two-layer pipeline whose second layer is much slower: the interval follows the slow layer.
TEST(Model, TwoLayerIntervalFollowsTheSlowerLayer) {
  const auto p = transfers_and_kernels_only();
  const Design d = plan_design(relu_mlp("two", {16, 128, 128}), with_overrides({{1, 1}, {1, 1}}), ve2802());
  const auto r = perf::simulate(d, ve2802(), p);
  EXPECT_DOUBLE_EQ(r.interval_cycles, single_kernel_cycles(128, 128, p));
  EXPECT_EQ(r.bottleneck.layer, "fc2");
}

TEST(Model, CriticalPathSpansTheLatency) {
  const auto r = perf::simulate(
      plan_design(relu_mlp("jet", {16, 64, 32, 32, 8}), with_overrides({{1, 4}, {4, 2}, {2, 2}, {2, 1}}), ve2802()),
      ve2802());
  ASSERT_FALSE(r.critical_path.empty());
  EXPECT_DOUBLE_EQ(r.critical_path.front().start, 0);
  EXPECT_DOUBLE_EQ(r.critical_path.back().end, r.latency_cycles);
  for (size_t i = 1; i < r.critical_path.size(); ++i)
    EXPECT_DOUBLE_EQ(r.critical_path[i].start, r.critical_path[i - 1].end) << r.critical_path[i].what;
  double sum = 0;
  for (auto& [stage, cycles] : perf::latency_breakdown(r)) sum += cycles;
  EXPECT_DOUBLE_EQ(sum, r.latency_cycles);
}

TEST(Model, Deterministic) {
  const Design d =
      plan_design(relu_mlp("jet", {16, 64, 32, 32, 8}), with_overrides({{1, 2}, {4, 1}, {2, 2}, {2, 1}}), ve2802());
  EXPECT_EQ(perf::report_json(perf::simulate(d, ve2802())).dump(),
            perf::report_json(perf::simulate(d, ve2802())).dump());
}

TEST(Report, JsonCarriesDesignKeys) {
  const Design d =
      plan_design(relu_mlp("jet", {16, 64, 32, 32, 8}), with_overrides({{1, 2}, {2, 2}, {2, 1}, {1, 1}}), ve2802());
  const auto j = perf::report_json(perf::simulate(d, ve2802()));
  for (auto key : {"device", "tiles_used", "tiles_total", "layers", "latency_ns", "latency_last_ns", "interval_ns",
                   "throughput_samples_per_s", "gops", "bottleneck"})
    EXPECT_TRUE(j.contains(key)) << key;
  EXPECT_EQ(j["tiles_used"], d.tiles_used());
  ASSERT_EQ(j["layers"].size(), 4u);
  for (auto key :
       {"name", "op", "in_features", "out_features", "cas_length", "cas_num", "tiling", "tiles", "kernel_cycles"})
    EXPECT_TRUE(j["layers"][1].contains(key)) << key;
  EXPECT_EQ(j["layers"][1]["cas_length"], 2);
  EXPECT_EQ(j["layers"][1]["tiles"], 4);
  EXPECT_GT(j["latency_last_ns"].get<double>(), j["latency_ns"].get<double>());
}

TEST(Report, WriteMergesIntoReportJson) {
  const auto dir = std::filesystem::temp_directory_path() / fmt::format("aie4ml_perf_report_{}", ::getpid());
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  {
    std::ofstream out(dir / "report.json");
    out << R"({"placement": {"cost": 1}, "layers": [{"name": "fc1", "mapped_by": "partition"}]})";
  }
  const Design d = one_layer(16, 16);
  perf::write_report(perf::simulate(d, ve2802()), nlohmann::json{{"objective", "latency"}}, dir);
  std::ifstream in(dir / "report.json");
  const auto j = nlohmann::json::parse(in);
  EXPECT_EQ(j["placement"]["cost"], 1);                 // other stages' keys stay
  EXPECT_EQ(j["layers"][0]["mapped_by"], "partition");  // merged by name
  EXPECT_TRUE(j["layers"][0].contains("kernel_cycles"));
  EXPECT_EQ(j["search"]["objective"], "latency");
  EXPECT_FALSE(std::filesystem::exists(dir / "report.json.tmp"));
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace aie4ml
