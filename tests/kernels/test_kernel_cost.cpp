// src/sim/kernel_cost: the analytic operation counts equal what the kernels really execute (the
// emulator's counters, built with AIE4ML_EMU_COUNT_OPS) for every variant and type pair; the cycle
// model's steady-state inner loop reaches the peak MAC rate; kernels/variants.json agrees with it.
#include <fstream>

#include <nlohmann/json.hpp>

#include "dense_sweep.h"
#include "sim/kernel_cost.h"

namespace {

using aie4ml::AccKind;
using aie4ml::DenseKernelDesc;
using aie4ml::KernelTypePair;
using aie4ml::kernels::cascade_pos;

template <class Cfg>
constexpr KernelTypePair type_pair() {
  if constexpr (std::is_same_v<typename Cfg::a_type, bfloat16>) return KernelTypePair::Bf16xBf16;
  else if constexpr (sizeof(typename Cfg::a_type) == 1) return KernelTypePair::Int8xInt8;
  else if constexpr (sizeof(typename Cfg::b_type) == 1) return KernelTypePair::Int16xInt8;
  else return KernelTypePair::Int16xInt16;
}

template <class Cfg>
DenseKernelDesc describe(cascade_pos pos) {
  constexpr auto S = Cfg::schedule;
  DenseKernelDesc d;
  d.types = type_pair<Cfg>();
  d.acc = std::is_same_v<typename Cfg::acc_tag, acc64> ? AccKind::Acc64
          : Cfg::float_acc                               ? AccKind::AccFloat
                                                         : AccKind::Acc32;
  d.out_bits = int(sizeof(typename Cfg::c_type) * 8);
  d.tile_m = int(S.tile_m);
  d.tile_k = int(S.tile_k);
  d.tile_n = int(S.tile_n);
  d.m = int(S.m);
  d.k = int(S.k);
  d.n = int(S.n);
  d.pos = pos;
  d.shift = Cfg::shift;
  d.relu = Cfg::relu;
  return d;
}

// Run each variant of Cfg once, counting the emulated operations of that kernel alone.
template <class Cfg>
void check_counts() {
  using namespace aie4ml::testing;
  using TA = typename Cfg::a_type;
  using TB = typename Cfg::b_type;
  using TC = typename Cfg::c_type;
  using Acc = typename Cfg::acc_tag;
  AlignedArray<TA> a(Cfg::input_elems);
  AlignedArray<TB> w(Cfg::weight_elems);
  AlignedArray<typename Cfg::bias_type> b(Cfg::bias_elems);
  AlignedArray<TC> c(Cfg::output_elems);
  adf::input_buffer<TA> in(a.data(), a.size());
  adf::output_buffer<TC> out(c.data(), c.size());
  const auto& w_rtp = w.template as_rtp<Cfg::weight_elems>();
  const auto& b_rtp = b.template as_rtp<Cfg::bias_elems>();
  aie4ml_emu::cascade_link<Acc> l1, l2;
  output_cascade<Acc> o1(l1), o2(l2);
  input_cascade<Acc> i1(l1), i2(l2);

  auto compare = [&](cascade_pos pos, const char* name) {
    const auto& got = aie4ml_emu::counters;
    const auto want = aie4ml::dense_kernel_cost(describe<Cfg>(pos));
    SCOPED_TRACE(name);
    EXPECT_EQ(int64_t(got.mmul_issues), want.mmul_issues);
    EXPECT_EQ(int64_t(got.macs), want.macs);
    EXPECT_EQ(int64_t(got.vector_loads), want.vector_loads);
    EXPECT_EQ(int64_t(got.load_bits), want.load_bits);
    EXPECT_EQ(int64_t(got.vector_stores), want.vector_stores);
    EXPECT_EQ(int64_t(got.store_bits), want.store_bits);
    EXPECT_EQ(int64_t(got.srs_ops), want.srs_ops);
    EXPECT_EQ(int64_t(got.acc_adds), want.acc_adds);
    EXPECT_EQ(int64_t(got.vector_alu_ops), want.vector_alu_ops);
    EXPECT_EQ(int64_t(got.cascade_reads), want.cascade_reads);
    EXPECT_EQ(int64_t(got.cascade_writes), want.cascade_writes);
    EXPECT_GT(want.cycles, want.mmul_issues);
  };
  aie4ml_emu::reset_counters();
  aie4ml::kernels::dense_single<Cfg>(in, out, w_rtp, b_rtp);
  compare(cascade_pos::single, "single");
  aie4ml_emu::reset_counters();
  aie4ml::kernels::dense_first<Cfg>(in, &o1, w_rtp);
  compare(cascade_pos::first, "first");
  aie4ml_emu::reset_counters();
  aie4ml::kernels::dense_middle<Cfg>(in, &i1, &o2, w_rtp);
  compare(cascade_pos::middle, "middle");
  aie4ml_emu::reset_counters();
  aie4ml::kernels::dense_last<Cfg>(in, &i2, out, w_rtp, b_rtp);
  compare(cascade_pos::last, "last");
  EXPECT_EQ(l1.pending() + l2.pending(), 0u);
}

TEST(KernelCost, AnalyticCountsEqualEmulatedOperations) {
  using namespace aie4ml::kernels;
  using aie::rounding_mode;
  using aie::saturation_mode;
  check_counts<dense_config<int8, int8, int8, acc32, 4, 8, 8, 16, 32, 48, 5, true>>();
  check_counts<dense_config<int8, int8, int8, acc32, 4, 8, 8, 8, 64, 16, -3, false>>();  // negative shift path
  check_counts<dense_config<int8, int8, int16, acc32, 2, 8, 8, 12, 24, 32, 1, false>>();
  check_counts<dense_config<int16, int8, int16, acc32, 4, 4, 8, 8, 16, 32, 6, true>>();
  check_counts<dense_config<int16, int16, int16, acc64, 4, 4, 4, 16, 8, 24, 12, false>>();
  check_counts<dense_config<int16, int16, int16, acc64, 4, 4, 4, 8, 8, 8, -1, true>>();
  check_counts<dense_config<bfloat16, bfloat16, bfloat16, accfloat, 4, 8, 4, 8, 32, 8, 0, true>>();
}

TEST(KernelCost, SteadyStateInnerLoopReachesPeakForNativeShapes) {
  DenseKernelDesc d;  // int8 4x8x8
  d.m = d.k = d.n = 64;
  auto c = aie4ml::dense_kernel_cost(d);
  EXPECT_EQ(c.inner_loop_ii, 4);
  EXPECT_DOUBLE_EQ(c.inner_loop_efficiency, 1.0);
  EXPECT_EQ(c.mmul_issues, 64 * 64 * 64 / 256);
  EXPECT_LT(c.efficiency, 1.0);
  d.types = KernelTypePair::Bf16xBf16;
  d.acc = AccKind::AccFloat;
  d.out_bits = 16;
  d.tile_n = 4;
  c = aie4ml::dense_kernel_cost(d);  // 2 x 512-bit A + 2 x 512-bit B per iteration: 4 load cycles
  EXPECT_EQ(c.inner_loop_ii, 4);
  EXPECT_DOUBLE_EQ(c.inner_loop_efficiency, 1.0);
  d = DenseKernelDesc{};
  d.tile_m = 2;  // 2x8x8: 128 MACs per issue, half the int8 peak
  c = aie4ml::dense_kernel_cost(d);
  EXPECT_DOUBLE_EQ(c.inner_loop_efficiency, 0.5);
  d.k = 12;  // not a multiple of tile_k
  EXPECT_THROW(aie4ml::dense_kernel_cost(d), aie4ml::InputError);
}

TEST(KernelCost, VariantsJsonAgreesWithTheCostModel) {
  std::ifstream f(std::string(AIE4ML_SOURCE_ROOT) + "/kernels/variants.json");
  ASSERT_TRUE(f) << "kernels/variants.json missing";
  const auto j = nlohmann::json::parse(f);
  const std::map<std::string, KernelTypePair> pairs{{"int8xint8", KernelTypePair::Int8xInt8},
                                                    {"int16xint8", KernelTypePair::Int16xInt8},
                                                    {"int16xint16", KernelTypePair::Int16xInt16},
                                                    {"bf16xbf16", KernelTypePair::Bf16xBf16}};
  ASSERT_EQ(j.at("type_pairs").size(), pairs.size());
  for (const auto& v : j.at("type_pairs")) {
    const std::string name = v.at("name");
    ASSERT_TRUE(pairs.count(name)) << name;
    const auto t = pairs.at(name);
    EXPECT_EQ(v.at("peak_macs_per_cycle").get<int>(), aie4ml::peak_macs_per_cycle(t)) << name;
    EXPECT_EQ(v.at("a_bytes").get<int>() * 8, aie4ml::a_bits(t)) << name;
    EXPECT_EQ(v.at("b_bytes").get<int>() * 8, aie4ml::b_bits(t)) << name;
    for (const auto& s : v.at("mmul_shapes")) {
      DenseKernelDesc d;
      d.types = t;
      d.acc = t == KernelTypePair::Bf16xBf16 ? AccKind::AccFloat : AccKind::Acc32;
      d.out_bits = t == KernelTypePair::Int8xInt8 ? 8 : 16;
      d.tile_m = s.at(0);
      d.tile_k = s.at(1);
      d.tile_n = s.at(2);
      d.m = 2 * d.tile_m;
      d.k = 4 * d.tile_k;
      d.n = 2 * d.tile_n;
      EXPECT_NO_THROW(aie4ml::dense_kernel_cost(d)) << name;
    }
  }
}

}  // namespace
