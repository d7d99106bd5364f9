// Reproduces the fit of the performance model's constants (devices/performance/aie-ml.json) to the ten
// published aiesimulator figures (docs/published-aie4ml.md; the table is tests/perf/perf_fixtures.h).
// Objective: the worst |log(predicted / published)| over the eight latencies and two intervals, plus 0.1 x
// their RMS, plus a penalty of 0.2 when the six jet designs' Spearman rank correlation is below 0.8.
// Search: seeded random local search (1-3 constants moved per step, step sizes halving at random) from the
// shipped constants. Usage: bench_perf_calibrate [iterations=1500] [seed=1] [--loo]
//   --loo: leave-one-out: refit without each figure in turn and print that figure's error (how well the
//   model predicts a design it was not fitted on). Takes minutes; run by hand, not in the tests.
#include <fmt/format.h>
#include <fmt/ranges.h>

#include <cmath>
#include <cstdlib>
#include <random>
#include <string>

#include "../tests/perf/perf_fixtures.h"
#include "passes/plan_design.h"
#include "sim/perf_model.h"

namespace {

using namespace aie4ml;

struct Knob {
  const char* name;
  double lo, hi, step;  // step: resolution of the value
};
const std::vector<Knob> kKnobs = {
    {"kernel_iteration_cycles", 0, 300, 1},     {"dma_setup_cycles", 0, 100, 1},
    {"plio_latency_cycles", 0, 200, 1},         {"cascade_link_cycles", 0, 50, 1},
    {"kernel.call_overhead_cycles", 0, 100, 1}, {"kernel.loop_setup_cycles", 0, 10, 1},
    {"kernel.block_overlap", 0, 1, 0.01},       {"kernel.min_pipelined_iterations", 0, 9, 1},
    {"dma_run_overhead_cycles", 0, 4, 0.25}};

std::vector<double> get(const perf::PerfParams& p) {
  return {p.kernel_iteration_cycles,
          p.dma_setup_cycles,
          p.plio_latency_cycles,
          p.cascade_link_cycles,
          double(p.core.call_overhead_cycles),
          double(p.core.loop_setup_cycles),
          p.core.block_overlap,
          double(p.core.min_pipelined_iterations),
          p.dma_run_overhead_cycles};
}

void set(perf::PerfParams& p, const std::vector<double>& x) {
  p.kernel_iteration_cycles = x[0];
  p.dma_setup_cycles = x[1];
  p.plio_latency_cycles = x[2];
  p.cascade_link_cycles = x[3];
  p.core.call_overhead_cycles = int(x[4]);
  p.core.loop_setup_cycles = int(x[5]);
  p.core.block_overlap = x[6];
  p.core.min_pipelined_iterations = int(x[7]);
  p.dma_run_overhead_cycles = x[8];
}

struct Figure {
  size_t design;
  bool interval;
  double published_ns;
};

class Fit {
 public:
  Fit() {
    for (auto& p : perf_testing::published_designs()) {
      designs_.push_back(
          plan_design(perf_testing::relu_mlp("m", p.widths), perf_testing::config_for(p), perf_testing::ve2802()));
      jet_.push_back(p.name.rfind("jet", 0) == 0);
      figures_.push_back({designs_.size() - 1, false, p.latency_ns});
      if (p.interval_ns) figures_.push_back({designs_.size() - 1, true, *p.interval_ns});
    }
  }
  size_t figures() const { return figures_.size(); }

  // Errors of every figure (log ratio) and the jet Spearman, for constants x.
  std::pair<std::vector<double>, double> errors(const std::vector<double>& x) const {
    auto p = perf::params_for(perf_testing::ve2802());
    set(p, x);
    std::vector<perf::PerfResult> r;
    for (auto& d : designs_)
      r.push_back(perf::simulate(d, perf_testing::ve2802(), p, {perf::TransportView::PublishedRules}));
    std::vector<double> e;
    for (auto& f : figures_)
      e.push_back(std::log((f.interval ? r[f.design].interval_ns : r[f.design].latency_ns) / f.published_ns));
    std::vector<double> a, b;
    for (size_t i = 0; i < designs_.size(); ++i)
      if (jet_[i]) {
        a.push_back(r[i].latency_ns);
        b.push_back(perf_testing::published_designs()[i].latency_ns);
      }
    return {e, perf_testing::spearman(a, b)};
  }

  double score(const std::vector<double>& x, int skip = -1) const {
    const auto [e, rho] = errors(x);
    double worst = 0, ss = 0;
    for (size_t i = 0; i < e.size(); ++i) {
      if (static_cast<int>(i) == skip) continue;
      worst = std::max(worst, std::abs(e[i]));
      ss += e[i] * e[i];
    }
    return worst + 0.1 * std::sqrt(ss / e.size()) + (rho < 0.8 ? 0.2 : 0);
  }

  std::vector<double> search(std::vector<double> x, int iterations, unsigned seed, int skip = -1) const {
    std::mt19937 rng(seed);
    std::normal_distribution<double> g(0, 1);
    double best = score(x, skip);
    for (int it = 0; it < iterations; ++it) {
      auto y = x;
      const int moves = 1 + static_cast<int>(rng() % 3);
      const double scale = std::pow(0.5, 1 + static_cast<int>(rng() % 5));
      for (int m = 0; m < moves; ++m) {
        const auto k = rng() % kKnobs.size();
        const auto& knob = kKnobs[k];
        y[k] = std::clamp(std::round((y[k] + g(rng) * (knob.hi - knob.lo) * scale) / knob.step) * knob.step, knob.lo,
                          knob.hi);
      }
      const double s = score(y, skip);
      if (s < best) {
        best = s;
        x = y;
      }
    }
    return x;
  }

  void print(const std::vector<double>& x) const {
    const auto [e, rho] = errors(x);
    for (size_t i = 0; i < figures_.size(); ++i)
      fmt::print("  {:<26} {:<8} published {:8.1f} ns  error {:+5.1f}%\n",
                 perf_testing::published_designs()[figures_[i].design].name,
                 figures_[i].interval ? "interval" : "latency", figures_[i].published_ns, 100 * (std::exp(e[i]) - 1));
    fmt::print("  Spearman (jet designs) {:.3f}\n", rho);
  }

 private:
  std::vector<Design> designs_;
  std::vector<bool> jet_;
  std::vector<Figure> figures_;
};

}  // namespace

int main(int argc, char** argv) {
  const int iterations = argc > 1 ? std::atoi(argv[1]) : 1500;
  const unsigned seed = argc > 2 ? static_cast<unsigned>(std::atoi(argv[2])) : 1;
  const bool loo = argc > 3 && std::string(argv[3]) == "--loo";
  Fit fit;
  const auto shipped = get(perf::params_for(perf_testing::ve2802()));
  fmt::print("shipped constants (score {:.4f}):\n", fit.score(shipped));
  fit.print(shipped);
  const auto best = fit.search(shipped, iterations, seed);
  fmt::print("\nrefit from them ({} steps, seed {}), score {:.4f}:\n", iterations, seed, fit.score(best));
  for (size_t k = 0; k < kKnobs.size(); ++k) fmt::print("  {} = {}\n", kKnobs[k].name, best[k]);
  fit.print(best);
  if (!loo) return 0;
  fmt::print("\nleave-one-out (refit without the figure, then predict it):\n");
  for (size_t f = 0; f < fit.figures(); ++f) {
    const auto x = fit.search(shipped, iterations, seed, static_cast<int>(f));
    const auto [e, rho] = fit.errors(x);
    fmt::print("  figure {}: error {:+5.1f}% (others' worst {:.1f}%)\n", f, 100 * (std::exp(e[f]) - 1), [&] {
      double w = 0;
      for (size_t i = 0; i < e.size(); ++i)
        if (i != f) w = std::max(w, std::abs(std::exp(e[i]) - 1));
      return 100 * w;
    }());
  }
  return 0;
}
