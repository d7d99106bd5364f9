// kernels/dense.h, bfloat16 x bfloat16 (mmul 4x8x4, accfloat, bfloat16 output): every cascade variant,
// with and without ReLU, on random padded shapes. Operands are small dyadic numbers, so every partial
// sum is exact in float whatever the summation order, and the result must equal the exact sum rounded
// once to bfloat16 (nearest even) bit for bit.
#include "dense_sweep.h"
#include "sim/bf16_kernels.h"
#include "sim/interpreter.h"

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

// ---- the bf16 reference interpreter (sim/bf16_kernels.h) against the emulated kernels -------------
// Random bf16 operands make sums that float cannot hold exactly, so the result depends on the summation
// order; the kernels (every cascade split) and Bf16Interpreter must agree bit for bit: docs/numerics.md
// "bf16" (sum over k in increasing order from +0, then the bias, then one rounding to bf16).

std::vector<float> random_bf16(std::mt19937_64& rng, size_t n, float scale) {
  std::uniform_real_distribution<float> d(-scale, scale);
  std::vector<float> v(n);
  for (auto& e : v) e = float(bfloat16(d(rng)));
  return v;
}

aie4ml::Tensor bf16_tensor(const std::string& name, std::vector<int64_t> shape, const std::vector<float>* values) {
  aie4ml::Tensor t;
  t.name = name;
  t.shape = std::move(shape);
  t.type = aie4ml::NumericType::bf16();
  if (values) {
    t.is_constant = true;
    for (float v : *values) t.values.push_back(v), t.codes.push_back(aie4ml::sim::bf16_code(v));
  }
  return t;
}

// y = act(x @ w + b) through Bf16Interpreter, as floats.
std::vector<float> interpreter_dense(int batch, int in, int out, const std::vector<float>& x, const std::vector<float>& w,
                                     const std::vector<float>& b, bool relu) {
  aie4ml::Model m;
  m.name = "bf16_dense";
  m.add_tensor(bf16_tensor("x", {batch, in}, nullptr));
  m.add_tensor(bf16_tensor("w", {in, out}, &w));
  m.add_tensor(bf16_tensor("b", {out}, &b));
  m.add_tensor(bf16_tensor("y", {batch, out}, nullptr));
  aie4ml::Op op;
  op.kind = aie4ml::OpKind::Dense;
  op.name = "fc";
  op.inputs = {"x", "w", "b"};
  op.outputs = {"y"};
  op.attrs["activation"] = std::string(relu ? "relu" : "linear");
  m.ops.push_back(op);
  m.inputs = {"x"};
  m.outputs = {"y"};
  std::vector<int64_t> codes;
  for (float v : x) codes.push_back(aie4ml::sim::bf16_code(v));
  const auto y = aie4ml::Bf16Interpreter(m).run({codes}, batch)[0];
  std::vector<float> out_values;
  for (auto c : y) out_values.push_back(aie4ml::sim::bf16_value(c));
  return out_values;
}

template <class Cfg>
int check_against_interpreter(std::mt19937_64& rng, int cas_length, int cas_num) {
  constexpr auto S = Cfg::schedule;
  const int batch = int(S.m) - 1, in = int(S.k) * cas_length - 3, out = int(S.n) * cas_num - 1;
  const auto g = aie4ml::testing::fixed_grid(batch, in, out, cas_length, cas_num, {4, 8, 4}, S.m, S.k, S.n);
  const auto x = random_bf16(rng, size_t(batch) * in, 2.0f);
  const auto w = random_bf16(rng, size_t(in) * out, 0.5f);
  const auto b = random_bf16(rng, size_t(out), 1.0f);
  const auto y = aie4ml::testing::run_dense_layer<Cfg, float>(g, x, w, b);
  const auto ref = interpreter_dense(batch, in, out, x, w, b, Cfg::relu);
  int inexact = 0;  // elements whose exact sum float cannot hold: where the order matters
  for (int r = 0; r < batch; ++r)
    for (int n = 0; n < out; ++n) {
      const size_t i = size_t(r) * out + n;
      EXPECT_EQ(std::bit_cast<uint32_t>(y[i]), std::bit_cast<uint32_t>(ref[i]))
          << "row " << r << " col " << n << " grid " << cas_length << "x" << cas_num << ": kernel " << y[i]
          << " interpreter " << ref[i];
      double exact = b[n];
      for (int k = 0; k < in; ++k) exact += double(x[size_t(r) * in + k]) * w[size_t(k) * out + n];
      inexact += double(float(exact)) != exact;
    }
  return inexact;
}

TEST(DenseKernelBf16, Bf16InterpreterIsBitExactWithEveryCascadeSplit) {
  std::mt19937_64 rng(33);
  using Wide = aie4ml::kernels::dense_config<bfloat16, bfloat16, bfloat16, accfloat, 4, 8, 4, 8, 48, 8>;
  using Slice = aie4ml::kernels::dense_config<bfloat16, bfloat16, bfloat16, accfloat, 4, 8, 4, 8, 16, 8, 0, true>;
  int inexact = 0;
  inexact += check_against_interpreter<Wide>(rng, 1, 1);
  inexact += check_against_interpreter<Wide>(rng, 1, 3);
  inexact += check_against_interpreter<Slice>(rng, 3, 1);  // 45 features over first, middle, last
  inexact += check_against_interpreter<Slice>(rng, 3, 2);
  EXPECT_GT(inexact, 100) << "the data must make the summation order matter";
}

}  // namespace
