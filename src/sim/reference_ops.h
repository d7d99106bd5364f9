// Bit-exact reference implementations of single quantised ops on integer codes. The reference
// interpreter executes the Model IR with these; the kernel tests compare the AIE kernels (built against
// emu/) with them. Plain loops on purpose: they are the oracle, not the fast path.
#pragma once
#include <cstdint>
#include <span>
#include <vector>

#include "ir/fixed_point.h"
#include "ir/numeric_type.h"

namespace aie4ml {

struct DenseSpec {
  int batch = 1, in_features = 1, out_features = 1;
  FixedType input, weight, output;
  bool relu = false;
};

// y[b][n] = relu?( cast_output( sum_k x[b][k] * w[k][n] + bias[n] ) ), evaluated exactly. ReLU acts on
// the output codes, as the kernel does after shift-round-saturate (the same as before the cast for every
// rounding and saturating mode; with AP_WRAP only this order matches hls4ml and the hardware).
// x: batch x in_features codes in `input`; w: in_features x out_features codes in `weight` (row-major,
// x @ W orientation); bias: out_features codes at the accumulator scale (input.frac + weight.frac), or
// empty. The cast is requantize(acc, input.frac + weight.frac, output).
std::vector<int64_t> dense_codes(const DenseSpec& spec, std::span<const int64_t> x,
                                 std::span<const int64_t> w, std::span<const int64_t> bias);

// ---- activations (their fixed-point definitions are documented in docs/numerics.md) -------------

// Round the rational num / den (den > 0) to an integer under `mode`, exactly.
int128 round_div(int128 num, int128 den, RoundingMode mode);

// LeakyReLU on output codes (as the Dense kernel applies it after its cast): q >= 0 stays, a negative q
// becomes requantize(q * alpha_code, out.frac + alpha_frac, out).
int64_t leaky_relu_code(int64_t q, int64_t alpha_code, int alpha_frac, const FixedType& out);

// Clip to the real bounds [lo, hi] of input codes of type x, then the cast into y: a code below lo_code
// (= ceil(lo 2^x.frac)) gives lo_out (= lo cast into y), above hi_code (= floor(hi 2^x.frac)) hi_out, any
// other requantize(code, x.frac, y). An infinite bound never clips (code limit INT64_MIN / INT64_MAX).
struct ClipCodes {
  int64_t lo_code = INT64_MIN, hi_code = INT64_MAX, lo_out = 0, hi_out = 0;
  FixedType x, y;
  int64_t operator()(int64_t v) const;
};
ClipCodes clip_codes(double lo, double hi, const FixedType& x, const FixedType& y);

// Sigmoid and Tanh are tables indexed by the input requantised into activation_index_type(in)
// (ir/fixed_point.h).

struct ActivationTable {
  FixedType in, index;           // input type and the table's index type
  std::vector<int64_t> entries;  // entries[c - index.min_code()] for index code c
  int64_t lookup(int64_t x) const {
    return entries[static_cast<size_t>(requantize(x, in.frac, index) - index.min_code())];
  }
};

// entries = quantize(f(index value), out) with f evaluated in double precision.
ActivationTable sigmoid_table(const FixedType& in, const FixedType& out);
ActivationTable tanh_table(const FixedType& in, const FixedType& out);

// Softmax over n codes x[0], x[stride], ...: d = x - max(x) <= 0; the exp index t = -round_conv_even(d /
// 2^index_shift) (d at resolution 2^-index_frac, index_frac = min(in.frac, kMaxIndexFrac)); t splits into
// t_hi = t >> lo_bits, t_lo = t mod 2^lo_bits and e = round_half_even(hi[t_hi] * lo[t_lo] / 2^P) (0 for
// t_hi >= hi.size()), with P = kExpFrac, hi[k] = round(exp(-k 2^(lo_bits - index_frac)) 2^P) cut after
// its last non-zero entry, lo[j] = round(exp(-j 2^-index_frac) 2^P) (so e = 2^P for the maximum);
// y = cast(e / sum(e)) into `out` with out's rounding (an exact rational rounding) and overflow.
// kernels/softmax.h computes the same, bit for bit, from the same two tables (docs/numerics.md).
struct SoftmaxTable {
  static constexpr int kExpFrac = 24;       // P: fractional bits of the exp values
  static constexpr int kMaxIndexFrac = 14;  // finest index resolution 2^-14 (bounds the tables' size)
  FixedType in;
  int index_frac = 0;   // min(in.frac, kMaxIndexFrac)
  int index_shift = 0;  // in.frac - index_frac >= 0
  int lo_bits = 0;      // t_lo has lo_bits bits (chosen to minimise hi.size() + 2^lo_bits)
  std::vector<int64_t> hi, lo;  // lo.size() == 2^lo_bits; hi[0] == lo[0] == 2^P
  // e for an index t >= 0.
  int64_t exp_code(int64_t t) const {
    const int64_t th = t >> lo_bits;
    if (th >= static_cast<int64_t>(hi.size())) return 0;
    const int128 p = static_cast<int128>(hi[static_cast<size_t>(th)]) * lo[static_cast<size_t>(t & ((int64_t{1} << lo_bits) - 1))];
    return static_cast<int64_t>(round_shift(p, kExpFrac, RoundingMode::RndConv));
  }
};
SoftmaxTable softmax_table(const FixedType& in);
void softmax_codes(const SoftmaxTable& table, const FixedType& out, const int64_t* x, int64_t* y, int64_t n,
                   int64_t stride);

}  // namespace aie4ml
