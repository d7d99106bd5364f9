// The attention kernels' cost model (src/sim/attention_cost.h): the matmul_act counts against the
// operations the emulator counts while the kernel runs (mmul issues, MACs, SRS, vector loads and
// stores of the GEMM and the fused scale), and the encoder's per-invocation estimates with their
// structure (cycles grow with batch and rows, padding is charged, illegal descriptions refused).
#include <gtest/gtest.h>

#include <cstdio>

#include "dense_harness.h"
#include "matmul_act.h"
#include "sim/attention_cost.h"
#include "support/error.h"

namespace aie4ml {
namespace {

using testing::AlignedArray;

template <class Cfg>
aie4ml_emu::op_counters count_run() {
  AlignedArray<typename Cfg::a_type> a(Cfg::a_elems);
  AlignedArray<typename Cfg::b_type> b(Cfg::b_elems);
  AlignedArray<typename Cfg::y_type> y(Cfg::output_elems);
  adf::input_buffer<typename Cfg::a_type> ap(a.data(), a.size());
  adf::input_buffer<typename Cfg::b_type> bp(b.data(), b.size());
  adf::output_buffer<typename Cfg::y_type> yp(y.data(), y.size());
  aie4ml_emu::reset_counters();
  kernels::matmul_act<Cfg>(ap, bp, yp);
  return aie4ml_emu::counters;
}

template <class Cfg>
void check_matmul_counts(const MatMulActKernelDesc& d) {
  const auto got = count_run<Cfg>();
  const auto want = matmul_act_kernel_cost(d);
  EXPECT_EQ(want.m_padded, Cfg::m_pad);
  EXPECT_EQ(want.k_padded, Cfg::k_pad);
  EXPECT_EQ(want.n_padded, Cfg::n_pad);
  EXPECT_EQ(int64_t(got.mmul_issues), d.batch * want.gemm.mmul_issues);
  EXPECT_EQ(int64_t(got.macs), d.batch * want.gemm.macs);
  // SRS: the GEMM's, then one per scaled vector.
  EXPECT_EQ(int64_t(got.srs_ops), d.batch * want.gemm.srs_ops + want.scale_vectors);
  // Vector loads / stores: the GEMM's (incl. its zero-bias loads), plus load + store per scaled vector.
  EXPECT_EQ(int64_t(got.vector_loads), d.batch * want.gemm.vector_loads + want.scale_vectors);
  EXPECT_EQ(int64_t(got.vector_stores), d.batch * want.gemm.vector_stores + want.scale_vectors);
  EXPECT_EQ(want.useful_macs, int64_t(d.batch) * d.m * d.k * d.n);
}

constexpr unsigned T = 8, H = 2, Dh = 8, B = 4;

TEST(AttentionKernelCost, MatMulCountsMatchTheEmulatedKernel) {
  using aie::rounding_mode;
  using aie::saturation_mode;
  using S8 = kernels::attention_scores_config<int8, int8, int8, acc32, 4, 8, 4, B, T, H, Dh, 1, 6, rounding_mode::conv_even,
                                              saturation_mode::saturate, true, int8, 45, 5>;
  check_matmul_counts<S8>({KernelTypePair::Int8xInt8, AccKind::Acc32, 8, 4, 8, 4, B, T, Dh, T, true});
  using C8 = kernels::attention_context_config<uint8, int8, int8, acc32, 4, 8, 4, B, T, H, Dh, 0, H, 7>;
  check_matmul_counts<C8>({KernelTypePair::Int8xInt8, AccKind::Acc32, 8, 4, 8, 4, B, T, T, Dh, false});
  using S16 = kernels::attention_scores_config<int16, int16, int16, acc64, 4, 4, 4, B, T, H, Dh, 0, 15,
                                               rounding_mode::conv_even, saturation_mode::saturate, true, int16, 11585, 14>;
  check_matmul_counts<S16>({KernelTypePair::Int16xInt16, AccKind::Acc64, 16, 4, 4, 4, B, T, Dh, T, true});
  // A shape that pads (5 tokens): the padded GEMM is what runs.
  using P8 = kernels::attention_scores_config<int8, int8, int8, acc32, 4, 8, 4, 2, 5, H, Dh, 0, 6>;
  check_matmul_counts<P8>({KernelTypePair::Int8xInt8, AccKind::Acc32, 8, 4, 8, 4, 2, 5, Dh, 5, false});
}

TEST(AttentionKernelCost, EncoderEstimatesAndTheirStructure) {
  // One invocation = 1 sample of the encoder (8 tokens x 16 features, 2 heads of 8).
  const auto scores = matmul_act_kernel_cost({KernelTypePair::Int8xInt8, AccKind::Acc32, 8, 4, 8, 4, 1, T, Dh, T, true});
  const auto context = matmul_act_kernel_cost({KernelTypePair::Int8xInt8, AccKind::Acc32, 8, 4, 8, 4, 1, T, T, Dh, false});
  const auto scores16 = matmul_act_kernel_cost({KernelTypePair::Int16xInt16, AccKind::Acc64, 16, 4, 4, 4, 1, T, Dh, T, true});
  const auto softmax = softmax_rows_kernel_cost({int(H * T), int(T), 8});
  const auto ln = layernorm_kernel_cost({int(T), 16});
  std::printf("per sample (cycles): scores head %lld (gather %lld, gemm %lld, scale %lld, scatter %lld), context head %lld, "
              "int16 scores head %lld, softmax rows %lld, layernorm %lld (%lld per row)\n",
              (long long)scores.cycles, (long long)scores.gather_cycles, (long long)scores.gemm_cycles,
              (long long)scores.scale_cycles, (long long)scores.scatter_cycles, (long long)context.cycles,
              (long long)scores16.cycles, (long long)softmax.cycles, (long long)ln.cycles, (long long)ln.per_row_cycles);
  // The parts add up; the fused scale costs something; int16 runs a quarter of the int8 MAC rate.
  EXPECT_EQ(scores.cycles, CoreTiming{}.call_overhead_cycles + scores.gather_cycles + scores.gemm_cycles +
                               scores.scale_cycles + scores.scatter_cycles);
  EXPECT_GT(scores.scale_cycles, 0);
  EXPECT_EQ(context.scale_cycles, 0);
  EXPECT_GT(scores16.gemm_cycles, scores.gemm_cycles);
  // 8 x 8 x 8 MACs per head and sample, 64 per cycle at peak: the scalar gathers dominate.
  EXPECT_EQ(scores.useful_macs, 512);
  EXPECT_GT(scores.gather_cycles, scores.gemm_cycles);
  // Linear in the batch, apart from the call overhead.
  const auto scores4 = matmul_act_kernel_cost({KernelTypePair::Int8xInt8, AccKind::Acc32, 8, 4, 8, 4, 4, T, Dh, T, true});
  EXPECT_EQ(scores4.cycles - CoreTiming{}.call_overhead_cycles, 4 * (scores.cycles - CoreTiming{}.call_overhead_cycles));
  EXPECT_EQ(layernorm_kernel_cost({int(4 * T), 16}).cycles - CoreTiming{}.call_overhead_cycles,
            4 * (ln.cycles - CoreTiming{}.call_overhead_cycles));
  // Softmax: 30 cycles per element and 120 per row (the epilogue's figures), plus the copy.
  EXPECT_EQ(softmax.softmax_cycles, 16 * 8 * 30 + 16 * 120);
  // LayerNorm per row with the stated parameters: 24 + 16 (3 + 16) + 32 * 6 + 17 * 5 + 4 loop setups.
  EXPECT_EQ(ln.per_row_cycles, 24 + 16 * 19 + 192 + 85 + 4 * CoreTiming{}.loop_setup_cycles);
}

TEST(AttentionKernelCost, RefusesIllegalDescriptions) {
  EXPECT_THROW(matmul_act_kernel_cost({KernelTypePair::Int8xInt8, AccKind::Acc32, 8, 4, 8, 4, 0, T, Dh, T, false}), InputError);
  EXPECT_THROW(matmul_act_kernel_cost({KernelTypePair::Bf16xBf16, AccKind::AccFloat, 16, 4, 8, 4, 1, T, Dh, T, false}),
               InputError);
  EXPECT_THROW(softmax_rows_kernel_cost({4, 200, 8}), InputError);
  EXPECT_THROW(layernorm_kernel_cost({0, 16}), InputError);
}

}  // namespace
}  // namespace aie4ml
