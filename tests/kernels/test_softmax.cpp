// The Softmax kernel (kernels/softmax.h, built against emu/) against the reference interpreter's
// definition (sim/reference_ops.h softmax_codes), bit for bit, over input and output types with six
// rounding modes (AP_TRN_ZERO is AP_TRN on non-negative values) and all four overflow modes, rows in the
// Dense output tile layout with padding columns; and its
// error against the float softmax, within the bound docs/numerics.md states.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <random>
#include <vector>

#include "codegen/output_activation.h"
#include "dense_harness.h"  // includes dense.h, which softmax.h builds on
#include "softmax.h"
#include "sim/reference_ops.h"

namespace aie4ml {
namespace {

using kernels::softmax_overflow;
using testing::AlignedArray;

FixedType fx(int w, int frac, bool sign, RoundingMode r = RoundingMode::RndConv, OverflowMode o = OverflowMode::Sat) {
  return FixedType{w, frac, sign, r, o};
}

// Row b, column j of the row-tile-major layout (kernels/README.md "Output activations").
template <class Cfg>
size_t offset(unsigned b, unsigned j) {
  return kernels::detail::softmax_offset<Cfg>(b, j);
}

struct Measured {
  int64_t rows = 0;
  double max_error = 0;  // vs float softmax, rows whose values the output type holds
};

// Rows of random codes plus edge rows (all equal, one maximum over the minimum, extremes), through the
// kernel and through softmax_codes.
template <class Cfg>
void check(const FixedType& in, const FixedType& out, uint32_t seed, Measured& meas) {
  using TX = typename Cfg::x_type;
  using TY = typename Cfg::y_type;
  const auto table = codegen::softmax_kernel_table(in);
  ASSERT_EQ(table.index_shift, int(Cfg::index_shift)) << in.str();
  ASSERT_EQ(table.hi_size, int(Cfg::hi_size)) << in.str();
  ASSERT_EQ(table.lo_bits, int(Cfg::lo_bits)) << in.str();
  ASSERT_EQ(table.entries.size(), Cfg::table_size) << in.str();
  AlignedArray<uint32> kt(Cfg::table_size);
  for (size_t i = 0; i < table.entries.size(); ++i) kt[i] = static_cast<uint32>(table.entries[i]);
  const auto& kt_ref = kt.template as_rtp<Cfg::table_size>();
  const SoftmaxTable ref = softmax_table(in);

  std::mt19937 rng(seed);
  std::uniform_int_distribution<int64_t> code(in.min_code(), in.max_code());
  const unsigned F = Cfg::features;
  for (int round = 0; round < 40; ++round) {
    std::vector<int64_t> x(size_t(Cfg::m) * F);
    for (unsigned b = 0; b < Cfg::m; ++b)
      for (unsigned j = 0; j < F; ++j) {
        int64_t v = code(rng);
        if (round == 0 && b == 0) v = in.min_code();
        if (round == 0 && b == 1) v = j == 0 ? in.max_code() : in.min_code();
        if (round == 0 && b == 2) v = in.max_code();
        if (round == 1 && b < 4) v = std::clamp<int64_t>(int64_t(b) * 3 - int64_t(j), in.min_code(), in.max_code());
        x[b * F + j] = v;
      }
    AlignedArray<TX> buf(size_t(Cfg::m) * Cfg::n);
    for (size_t i = 0; i < buf.size(); ++i) buf[i] = TX(7);  // padding columns: garbage the kernel must clear
    for (unsigned b = 0; b < Cfg::m; ++b)
      for (unsigned j = 0; j < F; ++j) buf[offset<Cfg>(b, j)] = static_cast<TX>(x[b * F + j]);
    kernels::softmax_rows_inplace<Cfg>(buf.data(), kt_ref);
    const TY* y = reinterpret_cast<const TY*>(buf.data());
    for (unsigned b = 0; b < Cfg::m; ++b) {
      std::vector<int64_t> want(F);
      softmax_codes(ref, out, &x[b * F], want.data(), F, 1);
      double mx = -1e300, sum = 0;
      for (unsigned j = 0; j < F; ++j) mx = std::max(mx, dequantize(x[b * F + j], in));
      for (unsigned j = 0; j < F; ++j) sum += std::exp(dequantize(x[b * F + j], in) - mx);
      for (unsigned j = 0; j < F; ++j) {
        ASSERT_EQ(int64_t(y[offset<Cfg>(b, j)]), want[j])
            << in.str() << " -> " << out.str() << ", round " << round << " row " << b << " column " << j;
        const double exact = std::exp(dequantize(x[b * F + j], in) - mx) / sum;
        if (exact <= out.max_value())
          meas.max_error = std::max(meas.max_error, std::abs(dequantize(want[j], out) - exact));
      }
      for (unsigned j = F; j < Cfg::n; ++j) ASSERT_EQ(int64_t(y[offset<Cfg>(b, j)]), 0) << "padding column " << j;
      ++meas.rows;
    }
  }
}

template <class Cfg>
Measured check(const FixedType& in, const FixedType& out, uint32_t seed) {
  Measured meas;
  check<Cfg>(in, out, seed, meas);
  return meas;
}

// docs/numerics.md "Softmax": half an output lsb (a whole one for the directed roundings) plus the exp
// values' error, within 1.5 2^-24 of exp each, the maximum's exact: 1.5 n 2^-24 (inputs with frac <= 14).
double documented_bound(const FixedType& out, int n) {
  const bool nearest = out.rounding != RoundingMode::Trn && out.rounding != RoundingMode::TrnZero;
  return (nearest ? 0.5 : 1.0) * out.lsb() + 1.5 * n * std::ldexp(1.0, -24);
}

TEST(SoftmaxKernel, Int8JetTaggerHeadMatchesReference) {
  // The jet tagger's head: 5 classes of ap_fixed<8,4> -> ap_ufixed<8,0,AP_RND_CONV,AP_SAT>, N padded to 16.
  using Cfg = kernels::softmax_config<int8, uint8, 4, 8, 8, 16, 5, 0, 18, 4, 8, 8, false, aie::rounding_mode::conv_even,
                                      softmax_overflow::saturate>;
  const FixedType out = fx(8, 8, false);
  const auto m = check<Cfg>(fx(8, 4, true), out, 1);
  EXPECT_LE(m.max_error, documented_bound(out, 5));
  std::printf("int8 frac 4 -> ap_ufixed<8,0>: %lld rows, max |y - softmax| = %.3g (bound %.3g)\n", (long long)m.rows,
              m.max_error, documented_bound(out, 5));
}

TEST(SoftmaxKernel, Int8TruncateAndWrapMatchesReference) {
  // AP_TRN + AP_WRAP: a one-hot row gives 1.0 = 256, which wraps to 0 in 8 bits, as ap_ufixed does.
  using Cfg = kernels::softmax_config<int8, uint8, 4, 8, 8, 16, 16, 0, 35, 6, 8, 8, false, aie::rounding_mode::floor,
                                      softmax_overflow::wrap>;
  check<Cfg>(fx(8, 7, true), fx(8, 8, false, RoundingMode::Trn, OverflowMode::Wrap), 2);
}

TEST(SoftmaxKernel, Int8SignedOutputsAndOtherModesMatchReference) {
  using SymZero = kernels::softmax_config<int8, int8, 4, 8, 8, 16, 9, 0, 18, 2, 7, 8, true,
                                          aie::rounding_mode::symmetric_zero, softmax_overflow::symmetric>;
  check<SymZero>(fx(8, 2, true), fx(8, 7, true, RoundingMode::RndZero, OverflowMode::SatSym), 3);
  using InfZero = kernels::softmax_config<int8, uint8, 4, 8, 8, 16, 3, 0, 18, 5, 8, 8, false,
                                          aie::rounding_mode::symmetric_inf, softmax_overflow::zero>;
  check<InfZero>(fx(8, 5, true), fx(8, 8, false, RoundingMode::RndInf, OverflowMode::SatZero), 4);
  using NegFrac = kernels::softmax_config<int8, uint8, 4, 8, 8, 16, 6, 0, 5, 0, 6, 8, false,
                                          aie::rounding_mode::negative_inf, softmax_overflow::saturate>;
  check<NegFrac>(fx(8, -2, true), fx(8, 6, false, RoundingMode::RndMinInf), 5);
}

TEST(SoftmaxKernel, Int16InputsIndexedAtTheirOwnResolution) {
  // frac 10 <= 14: the index is d itself (shift 0); hi at 2^-3 (139 entries), lo at 2^-10 (2^7 entries).
  using Cfg = kernels::softmax_config<int16, uint16, 4, 4, 8, 8, 7, 0, 139, 7, 16, 16, false,
                                      aie::rounding_mode::positive_inf, softmax_overflow::saturate>;
  const FixedType out = fx(16, 16, false, RoundingMode::Rnd);
  const auto m = check<Cfg>(fx(16, 10, true), out, 6);
  EXPECT_LE(m.max_error, documented_bound(out, 7));
  std::printf("int16 frac 10 -> ap_ufixed<16,0>: %lld rows, max |y - softmax| = %.3g (bound %.3g)\n",
              (long long)m.rows, m.max_error, documented_bound(out, 7));
  // An output narrower than its container (10 of 16 bits), frac 9; input frac 12.
  using Narrow = kernels::softmax_config<int16, uint16, 4, 4, 8, 8, 8, 0, 278, 8, 9, 10, false,
                                         aie::rounding_mode::conv_even, softmax_overflow::saturate>;
  check<Narrow>(fx(16, 12, true), fx(10, 9, false), 7);
  // frac 16 > 14: indexed at 2^-14 (shift 2), the largest tables (555 + 2^9 entries).
  using Fine = kernels::softmax_config<int16, uint16, 4, 4, 8, 8, 8, 2, 555, 9, 16, 16, false,
                                       aie::rounding_mode::conv_even, softmax_overflow::saturate>;
  check<Fine>(fx(16, 16, true), fx(16, 16, false), 8);
}

TEST(SoftmaxKernel, TablesAreRoundedExpAndBounded) {
  // Independent of the reference: every entry is exp(-v) 2^24 rounded, hi is cut where the next entry
  // rounds to 0, the product e(t) is within 1.5 of exp(-t 2^-frac_idx) 2^24, and the tables fit the
  // documented 4268 bytes for every input frac.
  size_t largest = 0;
  for (int frac = -4; frac <= 24; ++frac) {
    const FixedType in = fx(16, frac, true);
    const auto t = codegen::softmax_kernel_table(in);
    const int fi = std::min(frac, 14), L = t.lo_bits;
    ASSERT_EQ(t.index_shift, frac - fi);
    ASSERT_EQ(t.entries.size(), size_t(t.hi_size) + (size_t{1} << L));
    largest = std::max(largest, t.entries.size() * sizeof(uint32));
    const double one = std::ldexp(1.0, 24);
    for (int k = 0; k < t.hi_size; ++k)
      ASSERT_NEAR(double(t.entries[size_t(k)]), std::exp(-std::ldexp(double(k), L - fi)) * one, 0.5 + 1e-9) << frac;
    ASSERT_LT(std::exp(-std::ldexp(double(t.hi_size), L - fi)) * one, 0.5) << frac;
    ASSERT_GE(std::exp(-std::ldexp(double(t.hi_size - 1), L - fi)) * one, 0.5) << frac;
    for (int j = 0; j < (1 << L); ++j)
      ASSERT_NEAR(double(t.entries[size_t(t.hi_size + j)]), std::exp(-std::ldexp(double(j), -fi)) * one, 0.5 + 1e-9);
    const SoftmaxTable ref = softmax_table(in);
    for (int64_t tt = 0; tt < (int64_t(t.hi_size) << L) + 5; tt += 1 + tt / 64)
      ASSERT_NEAR(double(ref.exp_code(tt)), std::exp(-std::ldexp(double(tt), -fi)) * one, 1.5 + 1e-6) << frac << " t=" << tt;
  }
  EXPECT_LE(largest, 4268u);
  std::printf("largest softmax exp tables: %zu bytes\n", largest);
}

}  // namespace
}  // namespace aie4ml
