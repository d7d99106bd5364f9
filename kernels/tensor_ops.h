// aie4ml kernel library: tensor-op kernels for AIE-ML (residual Add, channel Concat, MaxPool,
// AveragePool, GlobalAveragePool), each one kernel on one tile, as ordinary AIE API C++ for AMD's
// aiecompiler; on the host they compile against aie4ml's emu/.
//
// Layout: every input and the output is the batch of plain channels-last rows the conv kernels read and
// write (kernels/conv.h conv_single_rows): x[b][position][channel], no padding. Add and Concat run 32-lane
// vectors (UPS into acc32, accumulator add, one SRS per requant step, 32-byte aligned loads; Concat stores
// whole vectors or 32-bit words per row segment) when their requant chain has a hardware equivalent
// (kernels/tensor_ops_plan.h, which the cost model src/design/tensor_op_layout.h shares); the elements past
// the last whole vector, other chains (sat_zero, fields narrower than their container, values beyond 32
// bits) and the other ops are scalar loops (64-bit codes, a few cycles per element). Both reproduce the
// reference interpreter's integer semantics (src/sim/int_kernels.cpp BinaryKernel, ConcatKernel,
// MaxPoolKernel, AveragePoolKernel; src/ir/fixed_point.h) bit for bit:
//   Add:     v = (a << (F - Fa)) + (b << (F - Fb)), F = max(Fa, Fb), then the op's cast into its output type
//   Concat:  each input element cast into the output type, inputs interleaved per position (axis 1 =
//            channels; channels-last means per position: the channels of input 0, then input 1, ...)
//   MaxPool: the max of the window's codes (taps in the padding skipped), then the cast
//   Average: the exact mean sum / count (count: taps inside the input, or all with count_include_pad),
//            rounded once (round_div) and brought into the output width
//   Unary:   ReLU, LeakyReLU, Clip that could not be fused into the layer before them: the piecewise-linear
//            function of piecewise_params (kernels/activation_table.h uses it as a Dense epilogue too)
// followed by the unary ops fused after the op (Relu, Quantize: an epilogue of requant_steps).
// A requant_step is requantize() of fixed_point.h: optional relu (max(v, 0)), round_shift by `shift`
// (shift <= 0: exact left shift) under `rounding`, then apply_overflow into `width` bits. Codes are held
// in 64-bit integers, enough for 8/16-bit codes and these sums; codegen keeps |shift| <= 40.
#pragma once

#include <adf.h>
#include <aie_api/aie.hpp>

#include <cstring>
#include <type_traits>

#include "tensor_ops_plan.h"


namespace aie4ml {
namespace kernels {

namespace detail {

// Round q + rem / den (0 <= rem < den) to an integer under `mode` (negative: the unrounded value is < 0).
inline long long round_remainder(long long q, long long rem, long long den, bool negative, tensor_rounding mode) {
  if (rem == 0) return q;
  const long long twice = 2 * rem;
  const int cmp = twice > den ? 1 : (twice < den ? -1 : 0);
  switch (mode) {
    case tensor_rounding::trn: return q;
    case tensor_rounding::trn_zero: return negative ? q + 1 : q;
    case tensor_rounding::rnd: return cmp >= 0 ? q + 1 : q;
    case tensor_rounding::rnd_min_inf: return cmp > 0 ? q + 1 : q;
    case tensor_rounding::rnd_zero: return cmp != 0 ? (cmp > 0 ? q + 1 : q) : (negative ? q + 1 : q);
    case tensor_rounding::rnd_inf: return cmp != 0 ? (cmp > 0 ? q + 1 : q) : (negative ? q : q + 1);
    case tensor_rounding::rnd_conv: return cmp != 0 ? (cmp > 0 ? q + 1 : q) : ((q & 1) ? q + 1 : q);
  }
  return q;
}

// round(num / den) under `mode`, den > 0 (floor division first).
inline long long round_div(long long num, long long den, tensor_rounding mode) {
  long long q = num / den;
  if (q * den > num) q -= 1;
  return round_remainder(q, num - q * den, den, num < 0, mode);
}

inline long long round_shift(long long v, int shift, tensor_rounding mode) {
  if (shift <= 0) return v * (1LL << -shift);
  const long long q = v >> shift;  // arithmetic shift: floor
  return round_remainder(q, v - q * (1LL << shift), 1LL << shift, v < 0, mode);
}

inline long long overflow(long long v, unsigned width, bool is_signed, tensor_overflow mode) {
  const long long lo = is_signed ? -(1LL << (width - 1)) : 0;
  const long long hi = is_signed ? (1LL << (width - 1)) - 1 : (1LL << width) - 1;
  switch (mode) {
    case tensor_overflow::wrap: {
      const long long span = 1LL << width;
      long long r = v & (span - 1);
      return r > hi ? r - span : r;
    }
    case tensor_overflow::sat: return v < lo ? lo : (v > hi ? hi : v);
    case tensor_overflow::sat_sym: {
      const long long sym_lo = is_signed ? -hi : 0;
      return v < sym_lo ? sym_lo : (v > hi ? hi : v);
    }
    case tensor_overflow::sat_zero: return (v < lo || v > hi) ? 0 : v;
  }
  return v;
}

inline long long apply(long long v, const requant_step& s) {
  if (s.relu && v < 0) v = 0;
  return overflow(round_shift(v, s.shift, s.rounding), s.width, s.is_signed, s.overflow);
}

// The fused unary ops after the op (Cfg::epilogue[0 .. Cfg::epilogue_steps)).
template <class Cfg>
long long epilogue(long long v) {
  for (unsigned i = 0; i < Cfg::epilogue_steps; ++i) v = apply(v, Cfg::epilogue[i]);
  return v;
}


// ---- vector path (tensor_ops_plan.h) ----

// The container of a step's output: 8 or 16 bits, signed or not.
template <unsigned Bits, bool Signed>
using code_t = std::conditional_t<Bits == 8, std::conditional_t<Signed, int8, uint8>, std::conditional_t<Signed, int16, uint16>>;

constexpr aie::rounding_mode hw_rounding(tensor_rounding r) {
  switch (r) {
    case tensor_rounding::trn: return aie::rounding_mode::floor;
    case tensor_rounding::trn_zero: return aie::rounding_mode::symmetric_floor;
    case tensor_rounding::rnd: return aie::rounding_mode::positive_inf;
    case tensor_rounding::rnd_zero: return aie::rounding_mode::symmetric_zero;
    case tensor_rounding::rnd_inf: return aie::rounding_mode::symmetric_inf;
    case tensor_rounding::rnd_min_inf: return aie::rounding_mode::negative_inf;
    case tensor_rounding::rnd_conv: return aie::rounding_mode::conv_even;
  }
  return aie::rounding_mode::floor;
}
constexpr aie::saturation_mode hw_saturation(tensor_overflow o) {  // sat_zero never reaches here
  return o == tensor_overflow::sat ? aie::saturation_mode::saturate
                                   : o == tensor_overflow::sat_sym ? aie::saturation_mode::symmetric : aie::saturation_mode::none;
}

// Whether every step of the chain (first, then Cfg::epilogue) uses the same modes: then the kernel sets
// the mode registers once, else before each SRS.
template <class Cfg>
constexpr bool uniform_modes(const requant_step& first) {
  for (unsigned i = 0; i < Cfg::epilogue_steps; ++i)
    if (Cfg::epilogue[i].rounding != first.rounding || Cfg::epilogue[i].overflow != first.overflow) return false;
  return true;
}
inline void set_modes(const requant_step& s) {
  aie::set_rounding(hw_rounding(s.rounding));
  aie::set_saturation(hw_saturation(s.overflow));
}

constexpr unsigned L = tensor_vector_lanes;
using acc_t = aie::accum<acc32, L>;

// One step's SRS of the accumulator into its container.
template <requant_step S, bool SetModes>
aie::vector<code_t<S.width, S.is_signed>, L> srs_step(const acc_t& acc) {
  if constexpr (SetModes) set_modes(S);
  return acc.template to_vector<code_t<S.width, S.is_signed>>(down_shift(S));
}

// Epilogue steps I.. of Cfg on a vector of codes: relu (max), UPS, SRS each.
template <class Cfg, unsigned I, bool SetModes, class T>
auto vector_epilogue(aie::vector<T, L> v) {
  if constexpr (I == Cfg::epilogue_steps) {
    return v;
  } else {
    constexpr const requant_step& s = Cfg::epilogue[I];
    if constexpr (s.relu) v = aie::max(v, T(0));
    return vector_epilogue<Cfg, I + 1, SetModes>(srs_step<Cfg::epilogue[I], SetModes>(acc_t(v, up_shift(s))));
  }
}

// Cfg's steps are constants (generated code; a test may fill them at run time: scalar loops then).
template <class Cfg>
concept constant_epilogue = requires { typename std::integral_constant<int, Cfg::epilogue[0].shift>; };
template <class Cfg>
concept constant_add_steps = constant_epilogue<Cfg> && requires { typename std::integral_constant<int, Cfg::cast.shift + Cfg::lshift[0] + Cfg::lshift[1]>; };
template <class Cfg, unsigned Part>
concept constant_concat_steps = constant_epilogue<Cfg> && requires { typename std::integral_constant<int, Cfg::casts[Part].shift>; };

template <class Cfg, class TA, class TB, class TO>
constexpr bool add_runs_vector() {
  if constexpr (constant_add_steps<Cfg>)
    return add_vectorisable(8 * sizeof(TA), std::is_signed_v<TA>, Cfg::lshift[0], 8 * sizeof(TB), std::is_signed_v<TB>,
                            Cfg::lshift[1], Cfg::cast, Cfg::epilogue, Cfg::epilogue_steps, 8 * sizeof(TO),
                            std::is_signed_v<TO>);
  else
    return false;
}

template <class Cfg, unsigned Part, class TI, class TO>
constexpr bool concat_part_runs_vector() {
  if constexpr (constant_concat_steps<Cfg, Part>)
    return concat_part_vectorisable(8 * sizeof(TI), std::is_signed_v<TI>, Cfg::casts[Part], Cfg::epilogue,
                                    Cfg::epilogue_steps, 8 * sizeof(TO), std::is_signed_v<TO>) &&
           concat_store_kind(Cfg::channels[Part], Cfg::offsets[Part], Cfg::out_channels, sizeof(TO)) != concat_store::scalar;
  else
    return false;
}

}  // namespace detail

// The parameters of a piecewise-linear activation: per code v, v < lo_code -> lo_out, v > hi_code ->
// hi_out, v < 0 -> apply(v * neg_mul, neg), else apply(v, pos). An absent bound is the most negative /
// positive long long. ReLU: lo_code 0, lo_out 0; LeakyReLU: neg_mul alpha_code, neg shifts alpha_frac
// more; Clip: src/sim/reference_ops.h ClipCodes.
constexpr long long piecewise_no_lo = -0x7fffffffffffffffLL - 1, piecewise_no_hi = 0x7fffffffffffffffLL;
struct piecewise_params {
  long long lo_code, lo_out, hi_code, hi_out, neg_mul;
  requant_step neg, pos;
};

namespace detail {
inline long long piecewise(long long v, const piecewise_params& p) {
  if (v < p.lo_code) return p.lo_out;
  if (v > p.hi_code) return p.hi_out;
  return v < 0 ? apply(v * p.neg_mul, p.neg) : apply(v, p.pos);
}
}  // namespace detail

// Add of two tensors of the same shape. Cfg: batch, elements (per sample), lshift[2] (F - Fa, F - Fb),
// cast (the Add's cast from F), epilogue_steps, epilogue[]. Vectors of 32 lanes when the chain has a
// hardware equivalent (tensor_ops_plan.h add_vectorisable; the elements past the last whole vector and
// other chains: the scalar loop).
template <class Cfg, class TA, class TB, class TO>
void tensor_add(const TA* __restrict a, const TB* __restrict b, TO* __restrict out) {
  constexpr unsigned total = Cfg::batch * Cfg::elements;
  unsigned i = 0;
  if constexpr (detail::add_runs_vector<Cfg, TA, TB, TO>()) {
    using namespace detail;
    constexpr bool uniform = uniform_modes<Cfg>(Cfg::cast);
    if constexpr (uniform) set_modes(Cfg::cast);
    constexpr int up = up_shift(Cfg::cast);
    for (; i + L <= total; i += L) {
      const acc_t sum = aie::add(acc_t(aie::load_v<L>(a + i), Cfg::lshift[0] + up), acc_t(aie::load_v<L>(b + i), Cfg::lshift[1] + up));
      aie::store_v(out + i, vector_epilogue<Cfg, 0, !uniform>(srs_step<Cfg::cast, !uniform>(sum)));
    }
  }
  for (; i < total; ++i) {
    const long long v = (static_cast<long long>(a[i]) << Cfg::lshift[0]) + (static_cast<long long>(b[i]) << Cfg::lshift[1]);
    out[i] = static_cast<TO>(detail::epilogue<Cfg>(detail::apply(v, Cfg::cast)));
  }
}

// One input (Part) of a channel Concat: its Cfg::channels[Part] channels of every position, cast into the
// output type (Cfg::casts[Part]), go to channels [Cfg::offsets[Part], + channels) of the output rows
// (Cfg::out_channels per position). Cfg: batch, positions, out_channels, channels[], offsets[], casts[],
// epilogue_steps, epilogue[]. The layer calls it once per input. Vector path (concat_part_vectorisable):
// 32 contiguous input codes at a time, stored as whole vectors or as 32-bit words per row segment
// (concat_store_kind); the codes past the last whole vector take the scalar loop.
template <class Cfg, unsigned Part, class TI, class TO>
void tensor_concat_part(const TI* __restrict in, TO* __restrict out) {
  constexpr unsigned c_in = Cfg::channels[Part], offset = Cfg::offsets[Part];
  constexpr unsigned total = Cfg::batch * Cfg::positions * c_in;
  unsigned e = 0;
  if constexpr (detail::concat_part_runs_vector<Cfg, Part, TI, TO>()) {
    using namespace detail;
    constexpr const requant_step& cast = Cfg::casts[Part];
    constexpr bool uniform = uniform_modes<Cfg>(cast);
    if constexpr (uniform) set_modes(cast);
    for (; e + L <= total; e += L) {
      aie::vector<TI, L> x = aie::load_v<L>(in + e);
      if constexpr (cast.relu) x = aie::max(x, TI(0));
      const aie::vector<TO, L> y = vector_epilogue<Cfg, 0, !uniform>(srs_step<Cfg::casts[Part], !uniform>(acc_t(x, up_shift(cast))));
      if constexpr (concat_store_kind(c_in, offset, Cfg::out_channels, sizeof(TO)) == concat_store::vectors) {
        aie::store_v(out + (e / c_in) * Cfg::out_channels + offset + e % c_in, y);
      } else {  // 32-bit words, each inside one row segment
        constexpr unsigned per_word = 4 / sizeof(TO);
        const auto words = y.template cast_to<int32>();
        for (unsigned w = 0; w < words.size(); ++w) {
          const unsigned k = e + w * per_word;
          const int32 word = words.get(w);
          std::memcpy(out + (k / c_in) * Cfg::out_channels + offset + k % c_in, &word, 4);
        }
      }
    }
  }
  for (; e < total; ++e)
    out[(e / c_in) * Cfg::out_channels + offset + e % c_in] =
        static_cast<TO>(detail::epilogue<Cfg>(detail::apply(static_cast<long long>(in[e]), Cfg::casts[Part])));
}

// Window geometry of a pool over channels-last rows: channels, input H x W, window, stride, leading pads,
// output H x W; include_pad: AveragePool count_include_pad.
template <unsigned C, unsigned IH, unsigned IW, unsigned KH, unsigned KW, unsigned SH, unsigned SW, unsigned PH,
          unsigned PW, unsigned OH, unsigned OW, unsigned IncludePad = 0>
struct pool_geometry {
  static constexpr unsigned channels = C, in_h = IH, in_w = IW, kernel_h = KH, kernel_w = KW, stride_h = SH,
                            stride_w = SW, pad_h = PH, pad_w = PW, out_h = OH, out_w = OW;
  static constexpr bool include_pad = IncludePad != 0;
  static_assert(C > 0 && IH > 0 && IW > 0 && KH > 0 && KW > 0 && SH > 0 && SW > 0 && OH > 0 && OW > 0,
                "pool_geometry: every size must be positive");
};

// MaxPool (Cfg: batch, geometry, cast, epilogue) and AveragePool / GlobalAveragePool (Cfg::mean: the
// cast of the mean, its shift = in.frac - out.frac applied to the numerator or the denominator).
template <class Cfg, bool Max, class TI, class TO>
void tensor_pool(const TI* __restrict in, TO* __restrict out) {
  using G = typename Cfg::geometry;
  for (unsigned b = 0; b < Cfg::batch; ++b)
    for (unsigned oh = 0; oh < G::out_h; ++oh)
      for (unsigned ow = 0; ow < G::out_w; ++ow)
        for (unsigned c = 0; c < G::channels; ++c) {
          long long best = 0, sum = 0, count = 0;
          bool any = false;
          for (unsigned kh = 0; kh < G::kernel_h; ++kh)
            for (unsigned kw = 0; kw < G::kernel_w; ++kw) {
              const int ih = int(oh * G::stride_h + kh) - int(G::pad_h), iw = int(ow * G::stride_w + kw) - int(G::pad_w);
              if (ih < 0 || ih >= int(G::in_h) || iw < 0 || iw >= int(G::in_w)) {
                if (G::include_pad) ++count;  // a padding tap adds 0 to the sum
                continue;
              }
              const long long v = in[((b * G::in_h + unsigned(ih)) * G::in_w + unsigned(iw)) * G::channels + c];
              best = any && best > v ? best : v;
              any = true;
              sum += v;
              ++count;
            }
          long long y;
          if constexpr (Max) {
            y = detail::apply(best, Cfg::cast);
          } else {
            const requant_step& m = Cfg::mean;  // code = sum * 2^-shift / count
            const long long num = m.shift < 0 ? sum * (1LL << -m.shift) : sum;
            const long long den = m.shift > 0 ? count * (1LL << m.shift) : count;
            y = detail::overflow(detail::round_div(num, den, m.rounding), m.width, m.is_signed, m.overflow);
          }
          out[((b * G::out_h + oh) * G::out_w + ow) * G::channels + c] = static_cast<TO>(detail::epilogue<Cfg>(y));
        }
}

// A unary op that could not be fused (ReLU, LeakyReLU, Clip): every element through the piecewise-linear
// function Cfg::params (see piecewise_params), then the fused epilogue. Cfg: batch, elements, params,
// epilogue_steps, epilogue[].
template <class Cfg, class TI, class TO>
void tensor_unary(const TI* __restrict in, TO* __restrict out) {
  for (unsigned i = 0; i < Cfg::batch * Cfg::elements; ++i)
    out[i] = static_cast<TO>(detail::epilogue<Cfg>(detail::piecewise(static_cast<long long>(in[i]), Cfg::params)));
}

}  // namespace kernels
}  // namespace aie4ml
