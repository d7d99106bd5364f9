// The performance model next to the published aiesimulator figures (docs/published-aie4ml.md), the
// single-kernel efficiency of the int8 dense kernel, and aie4ml's automatic design for the jet tagger.
// Prints the tables that docs/perf-bench.md quotes, then times the model itself.
#include "sim/perf_model.h"

#include <benchmark/benchmark.h>
#include <fmt/format.h>

#include "../tests/perf/perf_fixtures.h"
#include "passes/plan_design.h"
#include "sim/kernel_cost.h"
#include "sim/perf_mapping.h"
#include "sim/perf_report.h"

namespace {

using namespace aie4ml;

Design build(const perf_testing::PublishedDesign& p) {
  return plan_design(perf_testing::relu_mlp("m", p.widths), perf_testing::config_for(p), perf_testing::ve2802());
}

std::string shapes(const perf_testing::PublishedDesign& p) {
  std::string s;
  for (auto& [l, n] : p.layers) s += fmt::format("{}{}x{}", s.empty() ? "" : ", ", l, n);
  return s;
}

void published_table() {
  fmt::print("## Predictions vs published (PublishedRules transport; AsDesigned = aie4ml's own transport)\n\n");
  fmt::print(
      "| design | layers | published latency ns | predicted | error | published interval ns | predicted | error | "
      "aie4ml transport latency ns |\n|---|---|---|---|---|---|---|---|---|\n");
  std::vector<double> pred, pub;
  double worst = 0;
  for (auto& p : perf_testing::published_designs()) {
    const Design d = build(p);
    const auto r = perf::simulate(d, perf_testing::ve2802(), {perf::TransportView::PublishedRules});
    const auto own = perf::simulate(d, perf_testing::ve2802());
    const double e = r.latency_ns / p.latency_ns - 1;
    worst = std::max(worst, std::abs(e));
    std::string interval = "-", ipred = fmt::format("{:.1f}", r.interval_ns), ierr = "-";
    if (p.interval_ns) {
      interval = fmt::format("{:.1f}", *p.interval_ns);
      const double ei = r.interval_ns / *p.interval_ns - 1;
      worst = std::max(worst, std::abs(ei));
      ierr = fmt::format("{:+.1f}%", 100 * ei);
    }
    fmt::print("| {} | {} | {:.1f} | {:.1f} | {:+.1f}% | {} | {} | {} | {:.1f} |\n", p.name, shapes(p), p.latency_ns,
               r.latency_ns, 100 * e, interval, ipred, ierr, own.latency_ns);
    if (p.name.rfind("jet", 0) == 0) {
      pred.push_back(r.latency_ns);
      pub.push_back(p.latency_ns);
    }
  }
  fmt::print("\nworst error {:.1f}%; Spearman of the six jet designs {:.3f}\n\n", 100 * worst,
             perf_testing::spearman(pred, pub));
  auto alt = perf_testing::published_designs().front();
  alt.layers = {{2, 1}, {1, 1}};
  const auto r = perf::simulate(build(alt), perf_testing::ve2802(), {perf::TransportView::PublishedRules});
  fmt::print("tutorial MLP automatic read as fc1 2x1: latency {:.1f} ns, interval {:.1f} ns\n\n", r.latency_ns,
             r.interval_ns);
}

void single_kernel() {
  fmt::print("## int8 dense kernel, steady state and whole kernel (calibrated CoreTiming)\n\n");
  const auto params = perf::params_for(perf_testing::ve2802());
  fmt::print(
      "| slice M x K x N | variant | cycles | MACs/cycle | whole-kernel efficiency | K-loop II | K-loop efficiency |\n"
      "|---|---|---|---|---|---|---|\n");
  for (auto [m, k, n] :
       {std::tuple{8, 128, 128}, std::tuple{8, 256, 64}, std::tuple{64, 64, 64}, std::tuple{8, 16, 16}}) {
    DenseKernelDesc d;
    d.m = m;
    d.k = k;
    d.n = n;
    d.relu = true;
    const auto c = dense_kernel_cost(d, params.core);
    fmt::print("| {}x{}x{} | single | {} | {:.1f} | {:.1f}% | {} | {:.1f}% |\n", m, k, n, c.cycles,
               static_cast<double>(c.macs) / c.cycles, 100 * c.efficiency, c.inner_loop_ii,
               100 * c.inner_loop_efficiency);
  }
  fmt::print("\n");
}

void automatic_jet() {
  fmt::print("## aie4ml's automatic design for the jet tagger 16-64-32-32-8 (int8, batch 8, objective latency)\n\n");
  Config c;
  c.batch_size = 8;
  const auto planned =
      perf::plan_for_performance(perf_testing::relu_mlp("jet", {16, 64, 32, 32, 8}), c, perf_testing::ve2802());
  fmt::print("```\n{}```\n\n", perf::report_table(*planned.perf, planned.search.to_json(10)));
  c.objective = "throughput";
  const auto fast =
      perf::plan_for_performance(perf_testing::relu_mlp("jet", {16, 64, 32, 32, 8}), c, perf_testing::ve2802());
  fmt::print("objective throughput: {} -> latency {:.1f} ns, interval {:.1f} ns, {} tiles\n\n",
             fast.search.candidates[fast.search.chosen].label, fast.perf->latency_ns, fast.perf->interval_ns,
             fast.perf->tiles_used);
}

void BM_simulate_jet(benchmark::State& state) {
  const Design d = build(perf_testing::published_designs()[2]);
  for (auto _ : state) benchmark::DoNotOptimize(perf::simulate(d, perf_testing::ve2802()));
}
BENCHMARK(BM_simulate_jet)->Unit(benchmark::kMillisecond);

}  // namespace

int main(int argc, char** argv) {
  published_table();
  single_kernel();
  automatic_jet();
  benchmark::Initialize(&argc, argv);
  benchmark::RunSpecifiedBenchmarks();
  return 0;
}
