// The integer interpreter's fast paths: Dense accumulation and the shift-round-saturate epilogue.
// Both must equal the plain definitions (reference_ops.h dense_codes, fixed_point.h requantize) bit for
// bit; tests/numerics compares them on random and extreme operands.
//
// Dense accumulation has three tiers, chosen per layer from the operand types and the worst-case sum:
// - int16 x int16 -> int32 (x and w codes fit int16, |sum| < 2^31): weights packed in k-pairs and
//   multiplied with pmaddwd (AVX2 when the CPU has it, else a portable loop). The exact sum fits, so
//   no overflow can occur in any order of evaluation.
// - int64 (|sum| < 2^63): plain loops.
// - int128: anything else (the reference).
#pragma once
#include <cstdint>
#include <span>
#include <vector>

#include "ir/fixed_point.h"

namespace aie4ml::sim {

// requantize(v, from_frac, to) (then max(., 0) when `relu`) for whole blocks of rows, without int128
// when the inputs are bounded: |v| < 2^input_bits. int32 inputs are processed in int32 when every
// intermediate fits, else in int64; the generic primitive covers the rest.
struct EpilogueArgs {
  int shift = 0;  // > 0: round right; <= 0: exact left shift
  int64_t lo = 0, hi = 0;
  int wrap_bits = 64;
  bool is_signed = true, relu_after = false;  // relu_after: clamp at 0 after the overflow (wrapping modes)
};

class Requantizer {
 public:
  Requantizer(int from_frac, const FixedType& to, int input_bits, bool relu = false);
  // out[r * n + i] = f(in[r * in_stride + i]) for r < rows, i < n.
  void apply_rows(const int64_t* in, int64_t in_stride, int64_t* out, int64_t rows, int64_t n) const;
  void apply_rows(const int32_t* in, int64_t in_stride, int64_t* out, int64_t rows, int64_t n) const;
  void apply(const int64_t* in, int64_t* out, int64_t n) const { apply_rows(in, n, out, 1, n); }
  void apply(const int32_t* in, int64_t* out, int64_t n) const { apply_rows(in, n, out, 1, n); }
  int64_t operator()(int128 v) const;
  bool fast() const { return fast64_ != nullptr; }

  template <class In>
  using Fn = void (*)(const In*, int64_t, int64_t*, int64_t, int64_t, const EpilogueArgs&);

 private:
  int from_frac_;
  FixedType to_;
  int shift_ = 0;  // from_frac - to.frac
  bool relu_ = false;
  Fn<int64_t> fast64_ = nullptr;
  Fn<int32_t> fast32_ = nullptr;
  EpilogueArgs args_{};
};

// acc[r][n] = bias[n] + sum_k x[r][k] * w[k][n] in int32; requires codes within int16 and a worst-case
// |sum| below 2^31 (checked by the caller from the types).
class DenseInt16 {
 public:
  DenseInt16(int64_t k, int64_t n, std::span<const int64_t> w, std::span<const int64_t> bias);
  // x: rows x k codes; acc: rows x padded_n() (the columns past n are scratch).
  void run(const int64_t* x, int64_t rows, int32_t* acc) const;
  int64_t padded_n() const { return np_; }

 private:
  int64_t k_, n_, kp_, np_;
  std::vector<int16_t> packed_;   // [kp/2][np][2]: column n's weights for k = 2j, 2j+1 side by side
  std::vector<int32_t> bias_;     // np entries
  bool avx2_ = false;
};

// The same in int64 without restrictions on the codes beyond |sum| < 2^63.
void dense_int64(const int64_t* x, int64_t rows, int64_t k, int64_t n, const int64_t* w, const int64_t* bias,
                 int64_t* acc);

}  // namespace aie4ml::sim
