// aie4ml host emulation: operation counters. Built with AIE4ML_EMU_COUNT_OPS, every emulated vector
// load/store, mmul issue, upshift, shift-round-saturate, lane move and cascade transfer is counted, so a test can check a
// kernel's analytic cost (src/sim/kernel_cost.h) against what the kernel really executed.
#pragma once
#include <cstdint>

namespace aie4ml_emu {

struct op_counters {
  std::uint64_t vector_loads = 0, load_bits = 0;    // aie::load_v and vector iterator reads
  std::uint64_t vector_stores = 0, store_bits = 0;  // aie::store_v and vector iterator writes
  std::uint64_t mmul_issues = 0, macs = 0;          // aie::mmul::mul/mac calls, scalar MACs they do
  std::uint64_t srs_ops = 0;                        // accum::to_vector (shift-round-saturate)
  std::uint64_t acc_adds = 0;                       // aie::add/sub with an accumulator operand
  std::uint64_t vector_alu_ops = 0;                 // aie::add/sub/max/min on vectors
  std::uint64_t cascade_reads = 0, cascade_writes = 0;  // 512-bit cascade words
  std::uint64_t lane_inserts = 0;                   // vector::set (one scalar element into a register)
  std::uint64_t shuffles = 0;                       // aie::filter_even / filter_odd (one permute each)
  std::uint64_t lane_extracts = 0;                  // vector::get (one element out into a scalar register)
  std::uint64_t ups_ops = 0;                        // accum from_vector (upshift a vector into an accumulator)
};

inline thread_local op_counters counters{};

inline void reset_counters() { counters = op_counters{}; }

}  // namespace aie4ml_emu

#ifdef AIE4ML_EMU_COUNT_OPS
#define AIE4ML_EMU_COUNT(field, n) (::aie4ml_emu::counters.field += (n))
#else
#define AIE4ML_EMU_COUNT(field, n) ((void)0)
#endif
