// Analytic cost of one invocation of a dense kernel (kernels/dense.h): what it executes (mmul issues,
// vector loads and stores, SRS, cascade words, loop trip counts) and a cycle estimate from the AIE-ML
// facts (docs/aie-ml-facts.md). The counts come from kernels/dense_schedule.h, the header the kernel
// takes its loop bounds from, and a test checks them against the operations the emulator counts while
// running the kernel, so they are what the code really does.
// Reads: a kernel description. Writes: counts and cycles. Checks: the description is a legal kernel.
#pragma once
#include <cstdint>
#include <string_view>

#include "../../kernels/dense_schedule.h"

namespace aie4ml {

enum class KernelTypePair { Int8xInt8, Int16xInt8, Int16xInt16, Bf16xBf16 };
enum class AccKind { Acc32, Acc64, AccFloat };
using kernels::cascade_pos;

std::string_view to_string(KernelTypePair t);
int peak_macs_per_cycle(KernelTypePair t);  // AM020, per tile
int a_bits(KernelTypePair t);
int b_bits(KernelTypePair t);

struct DenseKernelDesc {
  KernelTypePair types = KernelTypePair::Int8xInt8;
  AccKind acc = AccKind::Acc32;
  int out_bits = 8;                  // output element width (8/16; 16 for bfloat16)
  int tile_m = 4, tile_k = 8, tile_n = 8;
  int m = 8, k = 16, n = 16;         // the kernel's slice (padded batch, input and output features)
  cascade_pos pos = cascade_pos::single;
  int shift = 0;                     // negative: exact left-shift path (more SRS work)
  bool relu = false;
};

// Core timing assumptions. Sourced numbers cite aie-ml-facts.md; the two marked "assumed" are not
// public and are the knobs a calibration against measured runs adjusts.
struct CoreTiming {
  int load_bits_per_cycle = 512;   // 2 x 256-bit loads per cycle (AM020)
  int store_bits_per_cycle = 256;  // 1 x 256-bit store per cycle (AM020)
  int mmul_issues_per_cycle = 1;   // one VMUL/VMAC per cycle
  int load_latency = 7;            // llvm-aie AIE2Schedule.td
  int mac_latency = 5;             // VMUL/VMAC
  int bf16_mac_latency = 6;
  int srs_latency = 4;
  int cascade_read_latency = 7;
  int cascade_words_per_cycle = 1;  // one 512-bit cascade word per cycle
  int loop_setup_cycles = 2;        // assumed: hardware-loop setup and pointer moves per loop entry
  int call_overhead_cycles = 20;    // assumed: kernel entry/exit, mode register writes
  // Fraction (0..1) of each block's non-steady-state work (K-loop fill/drain, accumulator init,
  // epilogue) that overlaps the neighbouring block when the compiler pipelines the block loop; the first
  // block's fill and the last block's drain stay exposed. 0 (the default) charges all of it. Not public:
  // the performance model calibrates it (devices/performance/*.json, docs/performance-model.md).
  double block_overlap = 0;
  // K loops with fewer iterations than this are not software-pipelined (the compiler needs enough
  // iterations to overlap them): each iteration then costs the full iteration latency (loads, four
  // mmul issues, MAC latency) instead of II. 0 (the default): every K loop is pipelined. Not public:
  // the performance model calibrates it.
  int min_pipelined_iterations = 0;
};

struct DenseKernelCost {
  // What one invocation executes (must equal the emulator's counters).
  int64_t column_iterations = 0, block_iterations = 0, k_iterations = 0;
  int64_t mmul_issues = 0, macs = 0;
  int64_t vector_loads = 0, load_bits = 0;
  int64_t vector_stores = 0, store_bits = 0;
  int64_t srs_ops = 0;          // accum -> vector conversions
  int64_t acc_adds = 0;         // accumulator + vector (bias on cascaded sums; bfloat16: bias after the sum)
  int64_t vector_alu_ops = 0;   // ReLU max
  int64_t cascade_reads = 0, cascade_writes = 0;  // 512-bit words
  // Timing.
  int inner_loop_ii = 0;               // cycles per K iteration in steady state
  int64_t inner_loop_cycles = 0;       // all K-loop cycles incl. pipeline fill and drain
  int64_t cycles = 0;                  // whole invocation
  // Where `cycles` go, for models that interleave kernels block by block (the performance model
  // couples cascade neighbours per block): cycles == call_cycles + column_iterations * column_cycles +
  // block_iterations * (block_init_cycles + block_loop_cycles + block_leave_cycles). A middle/last
  // kernel reads the cascade during block_init; a first/middle kernel writes it during block_leave.
  int64_t call_cycles = 0, column_cycles = 0;
  int64_t block_init_cycles = 0, block_loop_cycles = 0, block_leave_cycles = 0;
  int peak_macs_per_cycle = 0;
  double inner_loop_efficiency = 0;    // steady-state K loop MACs per cycle / peak
  double efficiency = 0;               // whole invocation MACs per cycle / peak
};

// Throws InputError if the description is not a legal kernel.
DenseKernelCost dense_kernel_cost(const DenseKernelDesc& d, const CoreTiming& t = {});

}  // namespace aie4ml
