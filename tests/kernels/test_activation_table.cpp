// The Sigmoid / Tanh table kernel (kernels/activation_table.h, built against emu/) against the reference
// interpreter's tables (sim/reference_ops.h sigmoid_table / tanh_table): every input code of 8-bit
// types and a sweep of 16-bit ones, in the Dense output tile layout with padding columns; and the
// codegen's cut tables against the reference and against the functions themselves. The piecewise-linear
// epilogue (LeakyReLU, Clip) against reference_ops.h leaky_relu_code / ClipCodes under every rounding and
// overflow mode, and ClipCodes itself against clamping the real value and quantising it.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <vector>

#include <fmt/format.h>

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

// ---- piecewise-linear epilogue (LeakyReLU, Clip) --------------------------------------------------------

kernels::requant_step step_of(int from_frac, const FixedType& to) {
  return {from_frac - to.frac, static_cast<unsigned>(to.width), to.is_signed,
          static_cast<kernels::tensor_rounding>(to.rounding), static_cast<kernels::tensor_overflow>(to.overflow), false};
}

template <typename TX, typename TY>
struct Piecewise : kernels::piecewise_config_base<TX, TY, 4, 8, 8, 16, 13> {
  static inline kernels::piecewise_params params;
};

// Every code of `codes` through the kernel (rows of 13 features in the 8 x 16 tile layout) vs `ref`.
template <class Cfg, class Ref>
void check_piecewise(const std::vector<int64_t>& codes, Ref ref, const std::string& what) {
  using TX = typename Cfg::x_type;
  using TY = typename Cfg::y_type;
  const size_t per_call = size_t(Cfg::m) * Cfg::features;
  for (size_t first = 0; first < codes.size(); first += per_call) {
    AlignedArray<TX> buf(size_t(Cfg::m) * Cfg::n);
    std::vector<int64_t> x(per_call);
    for (size_t i = 0; i < per_call; ++i) x[i] = codes[(first + i) % codes.size()];
    for (unsigned b = 0; b < Cfg::m; ++b) {
      for (unsigned j = 0; j < Cfg::n; ++j) buf[kernels::detail::table_offset<Cfg>(b, j)] = TX(5);  // padding: must become 0
      for (unsigned j = 0; j < Cfg::features; ++j) buf[kernels::detail::table_offset<Cfg>(b, j)] = TX(x[b * Cfg::features + j]);
    }
    kernels::piecewise_inplace<Cfg>(buf.data());
    const TY* y = reinterpret_cast<const TY*>(buf.data());
    for (unsigned b = 0; b < Cfg::m; ++b) {
      for (unsigned j = 0; j < Cfg::features; ++j)
        ASSERT_EQ(int64_t(y[kernels::detail::table_offset<Cfg>(b, j)]), ref(x[b * Cfg::features + j]))
            << what << " x=" << x[b * Cfg::features + j];
      for (unsigned j = Cfg::features; j < Cfg::n; ++j) ASSERT_EQ(int64_t(y[kernels::detail::table_offset<Cfg>(b, j)]), 0);
    }
  }
}

constexpr RoundingMode kRoundings[] = {RoundingMode::Trn, RoundingMode::TrnZero, RoundingMode::Rnd, RoundingMode::RndZero,
                                       RoundingMode::RndInf, RoundingMode::RndMinInf, RoundingMode::RndConv};
constexpr OverflowMode kOverflows[] = {OverflowMode::Wrap, OverflowMode::Sat, OverflowMode::SatSym, OverflowMode::SatZero};

// The epilogue of a LeakyReLU fused into a Dense: x = y = the layer's output type.
template <class Cfg>
void check_leaky(const FixedType& y, int64_t alpha_code, int alpha_frac, const std::vector<int64_t>& codes) {
  Cfg::params = {kernels::piecewise_no_lo, 0, kernels::piecewise_no_hi, 0, alpha_code, step_of(y.frac + alpha_frac, y), step_of(y.frac, y)};
  check_piecewise<Cfg>(codes, [&](int64_t v) { return leaky_relu_code(v, alpha_code, alpha_frac, y); },
                       "leaky " + y.str());
}

template <class Cfg>
void check_clip(double lo, double hi, const FixedType& x, const FixedType& y, const std::vector<int64_t>& codes) {
  const ClipCodes c = clip_codes(lo, hi, x, y);
  Cfg::params = {c.lo_code, c.lo_out, c.hi_code, c.hi_out, 1, step_of(x.frac, y), step_of(x.frac, y)};
  check_piecewise<Cfg>(codes, c, fmt::format("clip [{}, {}] {} -> {}", lo, hi, x.str(), y.str()));
}

TEST(PiecewiseKernel, LeakyReluEveryInt8CodeEveryMode) {
  for (auto r : kRoundings)
    for (auto o : kOverflows) {
      const FixedType y = fx(8, 4, true, r, o);
      check_leaky<Piecewise<int8, int8>>(y, 13, 7, all_codes(y));    // alpha ~ 0.1
      check_leaky<Piecewise<int8, int8>>(y, 3, 1, all_codes(y));     // alpha 1.5: saturates / wraps
    }
}

TEST(PiecewiseKernel, LeakyReluInt16Sweep) {
  for (auto r : {RoundingMode::Trn, RoundingMode::RndConv, RoundingMode::RndInf})
    for (auto o : {OverflowMode::Wrap, OverflowMode::Sat}) {
      const FixedType y = fx(16, 10, true, r, o);
      check_leaky<Piecewise<int16, int16>>(y, 3277, 15, all_codes(y, 7));
    }
}

TEST(PiecewiseKernel, ClipEveryInt8CodeEveryMode) {
  for (auto r : kRoundings)
    for (auto o : kOverflows) {
      const FixedType x = fx(8, 4, true);
      check_clip<Piecewise<int8, int8>>(0.0, 1.5, x, fx(8, 5, true, r, o), all_codes(x));           // ReLU-like, rescaled
      check_clip<Piecewise<int8, uint8>>(0.3, 2.3, x, fx(8, 6, false, r, o), all_codes(x));          // bounds off the grid
      check_clip<Piecewise<int8, int8>>(-INFINITY, 2.0, x, fx(8, 2, true, r, o), all_codes(x));      // upper bound only
    }
}

TEST(PiecewiseKernel, ClipInt16Sweep) {
  const FixedType x = fx(16, 10, true);
  check_clip<Piecewise<int16, int16>>(0.0, 6.0, x, fx(16, 10, true), all_codes(x, 5));
  check_clip<Piecewise<int16, int16>>(-1.0, 1.0, x, fx(16, 14, true, RoundingMode::Rnd, OverflowMode::Wrap), all_codes(x, 5));
}

TEST(PiecewiseKernel, ClipCodesAreClampThenQuantise) {
  // Independent of the interpreter: clamp the real value to [lo, hi], then quantise it into y.
  const FixedType x = fx(8, 4, true);
  for (auto [lo, hi] : {std::pair{0.0, 1.5}, {0.3, 2.3}, {-2.71, 0.05}})
    for (auto r : kRoundings) {
      const FixedType y = fx(8, 5, true, r, OverflowMode::Sat);
      const ClipCodes c = clip_codes(lo, hi, x, y);
      for (int64_t v = x.min_code(); v <= x.max_code(); ++v)
        ASSERT_EQ(c(v), quantize(std::clamp(std::ldexp(double(v), -x.frac), lo, hi), y)) << lo << " " << hi << " " << v;
    }
}

}  // namespace
}  // namespace aie4ml
