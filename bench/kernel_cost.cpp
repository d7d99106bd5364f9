// Analytic cost of aie4ml's dense kernel (src/sim/kernel_cost.h) next to the published AIE-ML single
// kernel figures for a 64x64x64 int8 matrix multiply (Vitis-Tutorials, docs/aie-ml-facts.md), plus
// every type pair's steady-state efficiency. Prints a table, then times the cost model itself.
#include <benchmark/benchmark.h>
#include <fmt/format.h>

#include "sim/kernel_cost.h"

namespace {

using aie4ml::AccKind;
using aie4ml::DenseKernelDesc;
using aie4ml::KernelTypePair;

DenseKernelDesc int8_64cube(aie4ml::cascade_pos pos, int out_bits) {
  DenseKernelDesc d;
  d.m = d.k = d.n = 64;
  d.pos = pos;
  d.out_bits = out_bits;
  d.shift = 6;
  return d;
}

void print_report() {
  fmt::print("int8 x int8, mmul 4x8x8, M=K=N=64 (1024 mmul issues = 262144 MACs; ideal 1024 cycles at 256 MACs/cycle)\n");
  fmt::print("{:<34}{:>8}{:>12}{:>14}\n", "kernel", "cycles", "efficiency", "inner loop");
  for (const auto& [name, pos, bits] : {std::tuple{"aie4ml single, int8 out", aie4ml::cascade_pos::single, 8},
                                         std::tuple{"aie4ml single, int16 out", aie4ml::cascade_pos::single, 16},
                                         std::tuple{"aie4ml first (cascade out)", aie4ml::cascade_pos::first, 8},
                                         std::tuple{"aie4ml middle", aie4ml::cascade_pos::middle, 8},
                                         std::tuple{"aie4ml last, int8 out", aie4ml::cascade_pos::last, 8}}) {
    const auto c = aie4ml::dense_kernel_cost(int8_64cube(pos, bits));
    fmt::print("{:<34}{:>8}{:>11.1f}%{:>13.1f}%\n", name, c.cycles, 100 * c.efficiency, 100 * c.inner_loop_efficiency);
  }
  for (const auto& [name, cycles] : {std::pair{"published baseline", 2092}, std::pair{"published optimised, int32 out", 1750},
                                     std::pair{"published optimised, int16 out", 1121}})
    fmt::print("{:<34}{:>8}{:>11.1f}%\n", name, cycles, 100.0 * 1024 / cycles);
  fmt::print("\nsteady-state K loop per type pair (64x64x64 slice)\n");
  struct Row {
    const char* name;
    KernelTypePair t;
    AccKind acc;
    int tm, tk, tn, out;
  };
  for (const Row& r : {Row{"int8xint8 4x8x8", KernelTypePair::Int8xInt8, AccKind::Acc32, 4, 8, 8, 8},
                       Row{"int8xint8 2x8x8", KernelTypePair::Int8xInt8, AccKind::Acc32, 2, 8, 8, 8},
                       Row{"int16xint8 4x4x8", KernelTypePair::Int16xInt8, AccKind::Acc32, 4, 4, 8, 16},
                       Row{"int16xint16 4x4x4 acc64", KernelTypePair::Int16xInt16, AccKind::Acc64, 4, 4, 4, 16},
                       Row{"bf16xbf16 4x8x4", KernelTypePair::Bf16xBf16, AccKind::AccFloat, 4, 8, 4, 16}}) {
    DenseKernelDesc d;
    d.types = r.t;
    d.acc = r.acc;
    d.tile_m = r.tm;
    d.tile_k = r.tk;
    d.tile_n = r.tn;
    d.out_bits = r.out;
    d.m = d.k = d.n = 64;
    const auto c = aie4ml::dense_kernel_cost(d);
    fmt::print("{:<26} II {} cycles, {:.0f}% of {} MACs/cycle; whole kernel {} cycles ({:.1f}%)\n", r.name,
               c.inner_loop_ii, 100 * c.inner_loop_efficiency, c.peak_macs_per_cycle, c.cycles, 100 * c.efficiency);
  }
  fmt::print("\n");
}

void BM_dense_kernel_cost(benchmark::State& state) {
  const auto d = int8_64cube(aie4ml::cascade_pos::single, 8);
  for (auto _ : state) benchmark::DoNotOptimize(aie4ml::dense_kernel_cost(d));
}
BENCHMARK(BM_dense_kernel_cost);

}  // namespace

int main(int argc, char** argv) {
  print_report();
  benchmark::Initialize(&argc, argv);
  benchmark::RunSpecifiedBenchmarks();
  return 0;
}
