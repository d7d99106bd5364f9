#include "sim/reference_ops.h"

#include <fmt/format.h>

#include "ir/fixed_point.h"
#include "support/error.h"

namespace aie4ml {

std::vector<int64_t> dense_codes(const DenseSpec& s, std::span<const int64_t> x, std::span<const int64_t> w,
                                 std::span<const int64_t> bias) {
  const size_t K = s.in_features, N = s.out_features, B = s.batch;
  if (x.size() != B * K || w.size() != K * N || (!bias.empty() && bias.size() != N))
    throw InputError(fmt::format("dense_codes: operand sizes x={} w={} b={} do not match {}x{}x{}", x.size(),
                                 w.size(), bias.size(), B, K, N));
  const int acc_frac = s.input.frac + s.weight.frac;
  std::vector<int64_t> y(B * N);
  for (size_t b = 0; b < B; ++b)
    for (size_t n = 0; n < N; ++n) {
      int128 acc = bias.empty() ? 0 : bias[n];
      for (size_t k = 0; k < K; ++k) acc += static_cast<int128>(x[b * K + k]) * w[k * N + n];
      const int64_t q = requantize(acc, acc_frac, s.output);
      y[b * N + n] = s.relu && q < 0 ? 0 : q;
    }
  return y;
}

}  // namespace aie4ml
