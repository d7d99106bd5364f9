// The Sigmoid / Tanh table kernel (kernels/activation_table.h, built against emu/) against the reference
// interpreter's tables (sim/reference_ops.h sigmoid_table / tanh_table): every input code of 8-bit
// types and a sweep of 16-bit ones, in the Dense output tile layout with padding columns; and the
// codegen's cut tables against the reference and against the functions themselves.
#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "codegen/output_activation.h"
#include "dense_harness.h"  // includes dense.h, which activation_table.h builds on
#include "activation_table.h"
#include "sim/reference_ops.h"

namespace aie4ml {
namespace {

using testing::AlignedArray;

FixedType fx(int w, int frac, bool sign, RoundingMode r = RoundingMode::RndConv, OverflowMode o = OverflowMode::Sat) {
  return FixedType{w, frac, sign, r, o};
}

// Runs the kernel over `codes` (M rows x Features, repeated as needed) and compares with the reference.
template <class Cfg>
void check(const std::string& kind, const FixedType& in, const FixedType& out, const std::vector<int64_t>& codes) {
  using TX = typename Cfg::x_type;
  using TY = typename Cfg::y_type;
  const auto t = codegen::activation_kernel_table(kind, in, out);
  ASSERT_EQ(t.index_shift, int(Cfg::index_shift));
  ASSERT_EQ(t.index_lo, Cfg::index_lo);
  ASSERT_EQ(t.entries.size(), size_t(Cfg::table_size));
  AlignedArray<TY> table(Cfg::table_size);
  for (size_t i = 0; i < t.entries.size(); ++i) table[i] = static_cast<TY>(t.entries[i]);
  const ActivationTable ref = kind == "sigmoid" ? sigmoid_table(in, out) : tanh_table(in, out);
  const size_t per_call = size_t(Cfg::m) * Cfg::features;
  for (size_t first = 0; first < codes.size(); first += per_call) {
    AlignedArray<TX> buf(size_t(Cfg::m) * Cfg::n);
    for (size_t i = 0; i < buf.size(); ++i) buf[i] = TX(3);
    std::vector<int64_t> x(per_call);
    for (size_t i = 0; i < per_call; ++i) x[i] = codes[(first + i) % codes.size()];
    for (unsigned b = 0; b < Cfg::m; ++b)
      for (unsigned j = 0; j < Cfg::features; ++j) buf[kernels::detail::table_offset<Cfg>(b, j)] = TX(x[b * Cfg::features + j]);
    kernels::activation_table_inplace<Cfg>(buf.data(), table.template as_rtp<Cfg::table_size>());
    const TY* y = reinterpret_cast<const TY*>(buf.data());
    for (unsigned b = 0; b < Cfg::m; ++b) {
      for (unsigned j = 0; j < Cfg::features; ++j)
        ASSERT_EQ(int64_t(y[kernels::detail::table_offset<Cfg>(b, j)]), ref.lookup(x[b * Cfg::features + j]))
            << kind << " " << in.str() << " -> " << out.str() << " x=" << x[b * Cfg::features + j];
      for (unsigned j = Cfg::features; j < Cfg::n; ++j) ASSERT_EQ(int64_t(y[kernels::detail::table_offset<Cfg>(b, j)]), 0);
    }
  }
}

std::vector<int64_t> all_codes(const FixedType& t, int64_t step = 1) {
  std::vector<int64_t> v;
  for (int64_t c = t.min_code(); c <= t.max_code(); c += step) v.push_back(c);
  v.push_back(t.max_code());
  return v;
}

TEST(ActivationTableKernel, SigmoidInt8EveryCode) {
  // ap_fixed<8,4> (frac 4) -> ap_ufixed<8,0>: the index is the code itself, 256 entries from -128.
  using Cfg = kernels::activation_table_config<int8, uint8, 4, 8, 8, 16, 5, 0, -128, 256>;
  check<Cfg>("sigmoid", fx(8, 4, true), fx(8, 8, false), all_codes(fx(8, 4, true)));
}

TEST(ActivationTableKernel, TanhInt8EveryCode) {
  using Cfg = kernels::activation_table_config<int8, int8, 4, 8, 8, 16, 16, 0, -128, 256>;
  check<Cfg>("tanh", fx(8, 5, true), fx(8, 7, true), all_codes(fx(8, 5, true)));
}

TEST(ActivationTableKernel, Int16InputsAtTableResolution) {
  // ap_fixed<16,6> (frac 10): index = round_conv_even(x / 8), saturated to 12 bits: all 4096 entries.
  using Sig = kernels::activation_table_config<int16, uint16, 4, 4, 8, 8, 7, 3, -2048, 4096>;
  check<Sig>("sigmoid", fx(16, 10, true), fx(16, 16, false, RoundingMode::Rnd), all_codes(fx(16, 10, true), 5));
  // ap_fixed<16,12> (frac 4): the index is exact and reaches only codes -2048..2047 after saturation.
  using Tanh = kernels::activation_table_config<int16, int16, 4, 4, 8, 8, 8, 0, -2048, 4096>;
  check<Tanh>("tanh", fx(16, 4, true), fx(16, 14, true, RoundingMode::Trn, OverflowMode::Wrap), all_codes(fx(16, 4, true), 3));
}

TEST(ActivationTableKernel, TablesAreCorrectlyRoundedFunctionValues) {
  // Independent of the reference: for an 8-bit input with frac <= 7 each entry is the correctly rounded
  // f(x) (round half to even is the output's mode; no value here is a tie).
  const FixedType in = fx(8, 3, true), out = fx(8, 8, false);
  const auto t = codegen::activation_kernel_table("sigmoid", in, out);
  for (int64_t c = in.min_code(); c <= in.max_code(); ++c) {
    const double want = 1.0 / (1.0 + std::exp(-std::ldexp(double(c), -3)));
    const double got = double(t.entries[size_t(c - t.index_lo)]) / 256.0;
    ASSERT_LE(std::abs(got - std::min(want, out.max_value())), 0.5 / 256 + 1e-12) << c;
  }
}

}  // namespace
}  // namespace aie4ml
