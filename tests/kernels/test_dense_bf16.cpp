// kernels/dense.h, bfloat16 x bfloat16 (mmul 4x8x4, accfloat, bfloat16 output): every cascade variant,
// with and without ReLU, on random padded shapes. Operands are small dyadic numbers, so every partial
// sum is exact in float whatever the summation order, and the result must equal the exact sum rounded
// once to bfloat16 (nearest even) bit for bit.
#include "dense_sweep.h"

namespace {

using aie4ml::testing::check_layer;

std::vector<float> dyadic(std::mt19937_64& rng, size_t n, int range, int frac_bits) {
  std::uniform_int_distribution<int> d(-range, range);
  std::vector<float> v(n);
  for (auto& e : v) e = std::ldexp(float(d(rng)), -frac_bits);
  return v;
}

template <class Cfg>
void check_bf16_layer(std::mt19937_64& rng, int cas_length, int cas_num) {
  constexpr auto S = Cfg::schedule;
  auto pick = [&](int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng); };
  const int batch = pick(1, int(S.m));
  const int in = pick(int(S.k) * (cas_length - 1) + 1, int(S.k) * cas_length);
  const int out = pick(int(S.n) * (cas_num - 1) + 1, int(S.n) * cas_num);
  const auto g = aie4ml::testing::fixed_grid(batch, in, out, cas_length, cas_num, {4, 8, 4}, S.m, S.k, S.n);
  const auto x = dyadic(rng, size_t(batch) * in, 127, 3);  // 8 significant bits: exact in bfloat16
  const auto w = dyadic(rng, size_t(in) * out, 127, 5);
  const auto b = dyadic(rng, size_t(out), 1000, 8);
  const auto y = aie4ml::testing::run_dense_layer<Cfg, float>(g, x, w, b);
  for (int r = 0; r < batch; ++r)
    for (int n = 0; n < out; ++n) {
      double s = b[n];
      for (int k = 0; k < in; ++k) s += double(x[size_t(r) * in + k]) * w[size_t(k) * out + n];
      ASSERT_EQ(double(float(s)), s) << "test data must keep sums exact in float";
      float expect = float(bfloat16(float(s)));
      if (Cfg::relu && expect < 0) expect = 0.0f;
      ASSERT_EQ(std::bit_cast<uint32_t>(y[size_t(r) * out + n]), std::bit_cast<uint32_t>(expect))
          << "row " << r << " col " << n << " grid " << cas_length << "x" << cas_num;
    }
}

TEST(DenseKernelBf16, AllVariantsMatchExactSumRoundedOnce) {
  std::mt19937_64 rng(21);
  using Plain = aie4ml::kernels::dense_config<bfloat16, bfloat16, bfloat16, accfloat, 4, 8, 4, 8, 32, 16>;
  using Relu = aie4ml::kernels::dense_config<bfloat16, bfloat16, bfloat16, accfloat, 4, 8, 4, 16, 16, 8, 0, true>;
  for (int rep = 0; rep < 3; ++rep) {
    check_bf16_layer<Plain>(rng, 1, 1);
    check_bf16_layer<Plain>(rng, 3, 2);
    check_bf16_layer<Relu>(rng, 1, 2);
    check_bf16_layer<Relu>(rng, 4, 1);
  }
}

}  // namespace
