// Integer LayerNorm: the bit-exact definition the reference interpreter executes (and an AIE kernel
// would have to reproduce); docs/numerics.md "LayerNorm in integer arithmetic" states it with its error
// bound against float LayerNorm.
//
// For one row of n input codes x (type `in`, frac fx), gamma codes g (frac fg), beta codes b (frac fb):
//   S1 = sum x, S2 = sum x^2, D = n*S2 - S1^2          (exact: D = n^2 * variance in code^2 units)
//   G  = kEpsilonGuardBits
//   E  = round_half_even(epsilon * n^2 * 2^(2 fx + 2G)) (epsilon at the scale of D * 2^2G, fixed per op)
//   V  = max(D * 2^2G + E, 1);  R = kRsqrtBits + ceil(bitlen(V) / 2)
//   r  = floor(2^R / sqrt(V))                          (exact integer square root; 2^P <= r <= 2^(P+1))
//   c_j = (n*x_j - S1) * 2^G                           (exact: n * (x_j - mean) in codes, times 2^G)
//   y_j = cast_out( c_j * r * g_j * 2^-(R + fg) + b_j * 2^-fb )   (one rounding, output's modes)
// so y = (x - mean) / sqrt(var + epsilon) * gamma + beta with the reciprocal square root truncated to
// kRsqrtBits + 1 significant bits (relative error below 2^-kRsqrtBits) and epsilon rounded to a grid
// 2^-2G finer than the variance's.
#pragma once
#include <cstdint>
#include <memory>
#include <vector>

#include "ir/fixed_point.h"
#include "ir/model.h"
#include "sim/program.h"

namespace aie4ml {

struct LayerNormSpec {
  static constexpr int kRsqrtBits = 15;
  static constexpr int kEpsilonGuardBits = 8;
  FixedType in, gamma, beta, out;  // gamma / beta ignored when their codes are empty
  double epsilon = 1e-5;
  int64_t n = 1;                   // elements normalised together (one row)
};

// E = round_half_even(epsilon n^2 2^(2 fx + 2G)), the op's epsilon at the scale of D 2^2G (kernels take it
// as a constant). InputError when out of range.
int128 layernorm_epsilon_code(const LayerNormSpec& spec);

// floor(sqrt(v)) for v >= 0, exactly.
int128 isqrt128(int128 v);
// r = floor(2^R / sqrt(V)) with R = kRsqrtBits + ceil(bitlen(V) / 2); returns {r, R}. V >= 1.
std::pair<int128, int> rsqrt_fixed(int128 v);

// One row: y[j] for x[j], j < spec.n. gamma / beta: n codes, 1 code (broadcast) or empty (1 / 0).
void layernorm_codes(const LayerNormSpec& spec, const int64_t* x, const std::vector<int64_t>& gamma,
                     const std::vector<int64_t>& beta, int64_t* y);

namespace sim {
// The interpreter's kernel for a quantised LayerNorm op (inputs {x, gamma, beta or ""}, attrs axis,
// epsilon). Throws InputError naming the op when types or codes are missing or the sums could exceed
// 127 bits.
std::unique_ptr<Kernel<int64_t>> make_layernorm_kernel(const Model& model, const Op& op);
}  // namespace sim

}  // namespace aie4ml
