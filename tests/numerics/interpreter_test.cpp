// The reference interpreters (src/sim/interpreter.h) and their fast paths. Oracles: reference_ops.h
// dense_codes (plain int128 loops), fixed_point.h primitives (tested exhaustively in fixed_point_test),
// exact double arithmetic on small dyadic values, and the float interpreter for exact-typed graphs.
#include <gtest/gtest.h>

#include <cmath>
#include <random>

#include "ir/fixed_point.h"
#include "model_builder.h"
#include "sim/convert.h"
#include "sim/dense_kernel.h"
#include "sim/interpreter.h"
#include "sim/reference_ops.h"
#include "support/error.h"

namespace aie4ml {
namespace {

using test::Builder;
using test::fx;

constexpr RoundingMode kRoundings[] = {RoundingMode::Trn,    RoundingMode::TrnZero,   RoundingMode::Rnd,
                                       RoundingMode::RndZero, RoundingMode::RndInf, RoundingMode::RndMinInf,
                                       RoundingMode::RndConv};
constexpr OverflowMode kOverflows[] = {OverflowMode::Wrap, OverflowMode::Sat, OverflowMode::SatSym,
                                       OverflowMode::SatZero};

std::vector<int64_t> random_codes(size_t n, const FixedType& t, std::mt19937& rng) {
  std::uniform_int_distribution<int64_t> d(t.min_code(), t.max_code());
  std::vector<int64_t> v(n);
  for (auto& c : v) c = d(rng);
  return v;
}

// A quantised single-Dense model with the given types and codes.
Model dense_model(int64_t k, int64_t n, const FixedType& x, const FixedType& w, const FixedType& y,
                  const std::vector<int64_t>& w_codes, const std::vector<int64_t>& b_codes, const std::string& act,
                  int acc_width = 0) {
  Builder t;
  t.input("x", {k}, x);
  t.constant("W", {k, n}, std::vector<double>(w_codes.size()), w);
  t.m.tensor("W").codes = w_codes;
  std::string b;
  if (!b_codes.empty()) {
    b = t.constant("b", {n}, std::vector<double>(b_codes.size()), FixedType{64, x.frac + w.frac, true});
    t.m.tensor("b").codes = b_codes;
  }
  t.act("y", {n}, y);
  Op& d = t.dense("fc", "x", "W", b, "y", act);
  if (acc_width) d.attrs["accum"] = FixedType{acc_width, x.frac + w.frac, true}.str();
  t.output("y");
  return t.m;
}

struct DenseCase {
  FixedType x, w, y;
  int64_t k, n, batch;
  bool relu;
};

// Random layers across the three accumulation tiers, every rounding and overflow mode, shifts of both
// signs, signed and unsigned inputs: the interpreter equals dense_codes exactly.
TEST(IntegerInterpreter, DenseMatchesTheReferenceOnRandomLayers) {
  std::mt19937 rng(1234);
  std::vector<DenseCase> cases;
  for (int i = 0; i < 120; ++i) {
    const int xw = std::vector<int>{4, 8, 8, 12, 16, 16}[i % 6], ww = std::vector<int>{8, 4, 8, 16, 16, 8}[i % 6];
    const bool x_signed = i % 5 != 0;
    FixedType x{xw, static_cast<int>(rng() % 12) - 2, x_signed};
    FixedType w{ww, static_cast<int>(rng() % 10), true};
    FixedType y{std::vector<int>{8, 16, 5, 24}[i % 4], static_cast<int>(rng() % 20) - 4, (i % 7) != 3,
                kRoundings[i % 7], kOverflows[(i / 7) % 4]};
    cases.push_back({x, w, y, 1 + static_cast<int64_t>(rng() % 70), 1 + static_cast<int64_t>(rng() % 40),
                     1 + static_cast<int64_t>(rng() % 300), i % 3 == 0});
  }
  cases.push_back({fx(16, 8, RoundingMode::Trn, OverflowMode::Wrap, false), fx(16, 2), fx(16, 4), 300, 7, 50, false});
  for (const auto& c : cases) {
    const auto w = random_codes(static_cast<size_t>(c.k * c.n), c.w, rng);
    std::vector<int64_t> b(static_cast<size_t>(c.n));
    for (auto& v : b) v = static_cast<int64_t>(rng() % 20001) - 10000;
    const auto x = random_codes(static_cast<size_t>(c.batch * c.k), c.x, rng);
    const Model m = dense_model(c.k, c.n, c.x, c.w, c.y, w, b, c.relu ? "relu" : "linear");
    IntegerInterpreter interp(m);
    const auto got = interp.run({x}, c.batch)[0];
    DenseSpec spec{static_cast<int>(c.batch), static_cast<int>(c.k), static_cast<int>(c.n), c.x, c.w, c.y, c.relu};
    ASSERT_EQ(got, dense_codes(spec, x, w, b)) << "x " << c.x.str() << " w " << c.w.str() << " y " << c.y.str()
                                               << " k " << c.k << " n " << c.n;
  }
}

TEST(IntegerInterpreter, NarrowAccumulatorsWrapAsTheHardwareDoes) {
  std::mt19937 rng(9);
  const FixedType x = fx(8, 4), w = fx(8, 1), y = fx(8, 6);
  const int64_t k = 64, n = 5, batch = 40;
  const auto wc = random_codes(k * n, w, rng), xc = random_codes(batch * k, x, rng);
  const Model m = dense_model(k, n, x, w, y, wc, {}, "linear", 18);
  const auto got = IntegerInterpreter(m).run({xc}, batch)[0];
  for (int64_t r = 0; r < batch; ++r)
    for (int64_t j = 0; j < n; ++j) {
      int128 acc = 0;
      for (int64_t i = 0; i < k; ++i) acc += static_cast<int128>(xc[r * k + i]) * wc[i * n + j];
      const int128 wrapped = apply_overflow(acc, 18, true, OverflowMode::Wrap);
      ASSERT_EQ(got[r * n + j], requantize(wrapped, x.frac + w.frac, y));
    }
}

TEST(IntegerInterpreter, ResultsDoNotDependOnThreadsOrChunks) {
  std::mt19937 rng(5);
  const FixedType x = fx(8, 3), w = fx(8, 1), y = fx(8, 4);
  const int64_t k = 16, n = 24, batch = 1003;  // not a multiple of the chunk size
  const Model m = dense_model(k, n, x, w, y, random_codes(k * n, w, rng), {}, "relu");
  IntegerInterpreter interp(m);
  const auto xc = random_codes(batch * k, x, rng);
  const auto one = interp.run({xc}, batch, 1)[0];
  EXPECT_EQ(one, interp.run({xc}, batch, 3)[0]);
  EXPECT_EQ(one, interp.run({xc}, batch, 8)[0]);
  // The first 10 samples alone give the same first 10 results.
  const std::vector<int64_t> head(xc.begin(), xc.begin() + 10 * k);
  const auto first = interp.run({head}, 10)[0];
  EXPECT_TRUE(std::equal(first.begin(), first.end(), one.begin()));
  EXPECT_THROW(interp.run({head}, 11), InputError);  // wrong element count
}

TEST(Requantizer, FastFormsEqualThePrimitive) {
  std::mt19937_64 rng(77);
  for (auto r : kRoundings)
    for (auto o : kOverflows)
      for (int from_frac : {0, 5, 12, 20})
        for (int to_frac : {-3, 0, 4, 9, 25})
          for (int width : {1, 4, 8, 16, 31})
            for (bool is_signed : {true, false})
              for (bool relu : {false, true}) {
                const FixedType to{width, to_frac, is_signed, r, o};
                for (int bits : {8, 20, 31, 40}) {
                  sim::Requantizer q(from_frac, to, bits, relu);
                  std::vector<int64_t> in(64);
                  const int64_t span = (int64_t{1} << (bits - 1)) - 1;
                  for (size_t i = 0; i < in.size(); ++i)
                    in[i] = i < 6 ? std::vector<int64_t>{0, 1, -1, span, -span, span / 2}[i]
                                  : static_cast<int64_t>(rng() % (2 * span + 1)) - span;
                  std::vector<int64_t> out(in.size());
                  q.apply(in.data(), out.data(), static_cast<int64_t>(in.size()));
                  std::vector<int32_t> in32(in.begin(), in.end());
                  std::vector<int64_t> out32(in.size());
                  if (bits <= 31) q.apply(in32.data(), out32.data(), static_cast<int64_t>(in.size()));
                  for (size_t i = 0; i < in.size(); ++i) {
                    int64_t e = requantize(in[i], from_frac, to);
                    if (relu) e = std::max<int64_t>(e, 0);
                    ASSERT_EQ(out[i], e) << to.str() << " from_frac " << from_frac << " v " << in[i];
                    if (bits <= 31) {
                      ASSERT_EQ(out32[i], e) << "int32 " << to.str() << " v " << in[i];
                    }
                  }
                }
              }
}

TEST(Convert, ArrayQuantizationEqualsTheScalarPrimitive) {
  std::vector<double> xs = {0.0, -0.0, 0.5, -0.5, 1.5, 2.5, -2.5, 1e-300, -1e-300, 4.9e-324, -4.9e-324, 1e300,
                            -1e300, 0x1p52, -0x1p52 - 2, 0x1p60, INFINITY, -INFINITY, NAN, 127.5, -128.5, 255.5};
  std::mt19937_64 rng(3);
  std::normal_distribution<double> d(0.0, 40.0);
  for (int i = 0; i < 2000; ++i) xs.push_back(i % 3 ? d(rng) : std::ldexp(std::round(d(rng) * 8), -4));
  for (auto r : kRoundings)
    for (auto o : kOverflows)
      for (const FixedType& base : {fx(8, 3), fx(16, 6), fx(8, 8), fx(4, 5), fx(24, 12), fx(40, 20)})
        for (bool is_signed : {true, false}) {
          FixedType t = base;
          t.rounding = r, t.overflow = o, t.is_signed = is_signed;
          std::vector<int64_t> q(xs.size());
          sim::quantize_values(xs.data(), q.data(), static_cast<int64_t>(xs.size()), t);
          for (size_t i = 0; i < xs.size(); ++i) ASSERT_EQ(q[i], quantize(xs[i], t)) << t.str() << " x " << xs[i];
          std::vector<double> back(q.size());
          sim::dequantize_codes(q.data(), back.data(), static_cast<int64_t>(q.size()), t);
          for (size_t i = 0; i < q.size(); ++i) ASSERT_EQ(back[i], dequantize(q[i], t));
        }
}

TEST(IntegerInterpreter, AddSubMulAreExactWithBroadcasting) {
  std::mt19937 rng(21);
  for (OpKind kind : {OpKind::Add, OpKind::Sub, OpKind::Mul})
    for (const FixedType& out : {fx(8, 4), fx(16, 8, RoundingMode::Trn, OverflowMode::Wrap), fx(12, 3, RoundingMode::RndInf)}) {
      Builder t;
      const FixedType a = fx(8, 3), b = fx(6, 1);
      t.input("a", {3, 4}, a);
      std::vector<double> cv(4);
      for (int i = 0; i < 4; ++i) cv[i] = dequantize(static_cast<int64_t>(rng() % 64) - 32, b);
      t.constant("c", {4}, cv, b);
      std::vector<int64_t> cc(4);
      for (int i = 0; i < 4; ++i) cc[i] = quantize(cv[i], b);
      t.m.tensor("c").codes = cc;
      t.act("y", {3, 4}, out);
      t.op(kind, "op", {"a", "c"}, {"y"});
      t.output("y");
      const auto x = random_codes(5 * 12, a, rng);
      const auto got = IntegerInterpreter(t.m).run({x}, 5)[0];
      for (int s = 0; s < 5; ++s)
        for (int e = 0; e < 12; ++e) {
          const double va = dequantize(x[s * 12 + e], a), vb = cv[e % 4];
          const double exact = kind == OpKind::Add ? va + vb : kind == OpKind::Sub ? va - vb : va * vb;  // exact
          ASSERT_EQ(got[s * 12 + e], quantize(exact, out)) << to_string(kind) << " " << out.str();
        }
    }
}

TEST(IntegerInterpreter, ActivationsOnCodes) {
  std::mt19937 rng(8);
  const FixedType in = fx(10, 4), out = fx(8, 2, RoundingMode::RndConv, OverflowMode::Sat);
  Builder t;
  t.input("x", {6}, in);
  t.act("r", {6}, out);
  t.op(OpKind::Relu, "relu", {"x"}, {"r"});
  t.act("l", {6}, out);
  Op& l = t.op(OpKind::LeakyRelu, "leaky", {"x"}, {"l"});
  l.attrs["alpha_code"] = int64_t{13107};  // 0.2 at 2^-16
  l.attrs["alpha_frac"] = int64_t{16};
  t.act("c", {6}, out);
  Op& c = t.op(OpKind::Clip, "clip", {"x"}, {"c"});
  c.attrs["min"] = -1.3;
  c.attrs["max"] = 0.7;
  t.act("mp", {6}, in);
  t.op(OpKind::Reshape, "reshape", {"x"}, {"mp"});
  t.output("r"), t.output("l"), t.output("c"), t.output("mp");
  const auto x = random_codes(50 * 6, in, rng);
  const auto y = IntegerInterpreter(t.m).run({x}, 50);
  for (size_t i = 0; i < x.size(); ++i) {
    const double v = dequantize(x[i], in);
    ASSERT_EQ(y[0][i], quantize(std::max(v, 0.0), out));
    ASSERT_EQ(y[1][i], quantize(v >= 0 ? v : v * 13107 / 65536.0, out));  // exact product, one rounding
    ASSERT_EQ(y[2][i], quantize(std::clamp(v, -1.3, 0.7), out));
    ASSERT_EQ(y[3][i], x[i]);
  }
}

TEST(IntegerInterpreter, SigmoidAndTanhTablesAreExactPerCodeForNarrowInputs) {
  for (const FixedType& in : {fx(8, 3), fx(12, 6), fx(6, 6)}) {
    const FixedType so = FixedType{8, 8, false, RoundingMode::RndConv, OverflowMode::Sat};
    const FixedType to = fx(8, 1);
    Builder t;
    t.input("x", {1}, in);
    t.act("s", {1}, so);
    t.op(OpKind::Sigmoid, "sig", {"x"}, {"s"});
    t.act("h", {1}, to);
    t.op(OpKind::Tanh, "tanh", {"x"}, {"h"});
    t.output("s"), t.output("h");
    std::vector<int64_t> all;
    for (int64_t c = in.min_code(); c <= in.max_code(); ++c) all.push_back(c);
    const auto y = IntegerInterpreter(t.m).run({all}, static_cast<int64_t>(all.size()));
    for (size_t i = 0; i < all.size(); ++i) {
      const double v = dequantize(all[i], in);
      ASSERT_EQ(y[0][i], quantize(1.0 / (1.0 + std::exp(-v)), so)) << in.str() << " x " << v;
      ASSERT_EQ(y[1][i], quantize(std::tanh(v), to)) << in.str() << " x " << v;
    }
  }
}

TEST(IntegerInterpreter, WideInputsIndexTheTablesAtSevenFractionalBits) {
  const FixedType in = fx(16, 6), out = FixedType{16, 16, false, RoundingMode::RndConv, OverflowMode::Sat};
  Builder t;
  t.input("x", {1}, in);
  t.act("s", {1}, out);
  t.op(OpKind::Sigmoid, "sig", {"x"}, {"s"});
  t.output("s");
  std::vector<int64_t> codes;
  for (int64_t c = in.min_code(); c <= in.max_code(); c += 37) codes.push_back(c);
  const auto y = IntegerInterpreter(t.m).run({codes}, static_cast<int64_t>(codes.size()))[0];
  for (size_t i = 0; i < codes.size(); ++i) {
    // The documented index: round half to even to 2^-7, saturate to [-16, 16 - 2^-7].
    const double v = dequantize(codes[i], in);
    const double idx = std::clamp(std::nearbyint(v * 128) / 128, -16.0, 16.0 - 1.0 / 128);
    ASSERT_EQ(y[i], quantize(1.0 / (1.0 + std::exp(-idx)), out)) << v;
  }
}

TEST(IntegerInterpreter, SoftmaxIsWithinItsDocumentedErrorBound) {
  std::mt19937 rng(4);
  const FixedType in = fx(8, 4);  // frac 4 <= 7: the exponent table is indexed exactly
  const FixedType out{8, 8, false, RoundingMode::RndConv, OverflowMode::Sat};
  const int n = 5, batch = 400;
  Builder t;
  t.input("x", {n}, in);
  t.act("y", {n}, out);
  t.op(OpKind::Softmax, "sm", {"x"}, {"y"}).attrs["axis"] = int64_t{-1};
  t.output("y");
  const auto x = random_codes(batch * n, in, rng);
  const auto y = IntegerInterpreter(t.m).run({x}, batch)[0];
  for (int s = 0; s < batch; ++s) {
    double m = -1e9, sum = 0;
    for (int j = 0; j < n; ++j) m = std::max(m, dequantize(x[s * n + j], in));
    for (int j = 0; j < n; ++j) sum += std::exp(dequantize(x[s * n + j], in) - m);
    for (int j = 0; j < n; ++j) {
      const double exact = std::exp(dequantize(x[s * n + j], in) - m) / sum;
      // a loose form of docs/numerics.md's bound (exp values within 1.5 x 2^-24 each, n of them in the sum,
      // which is >= 1), output rounding 1/2 LSB; SoftmaxError.* asserts the tight one
      const double bound = 0.5 * out.lsb() + (n + 1) * std::ldexp(1.0, -17);
      ASSERT_LE(std::abs(dequantize(y[s * n + j], out) - std::min(exact, out.max_value())), bound);
    }
  }
}

TEST(IntegerInterpreter, ConvIsExactWhenTheOutputTypeHoldsTheSum) {
  std::mt19937 rng(12);
  const FixedType x = fx(8, 3), w = fx(8, 1);
  const FixedType y{40, x.frac + w.frac, true, RoundingMode::Trn, OverflowMode::Wrap};
  Builder t;
  t.input("x", {3, 6, 5}, x);
  std::vector<double> wv(4 * 3 * 3 * 2);
  const auto wc = random_codes(wv.size(), w, rng);
  for (size_t i = 0; i < wv.size(); ++i) wv[i] = dequantize(wc[i], w);
  t.constant("W", {4, 3, 3, 2}, wv, w);
  t.m.tensor("W").codes = wc;
  t.act("y", {4, 3, 5}, y);
  Op& c = t.op(OpKind::Conv, "conv", {"x", "W"}, {"y"});
  c.attrs["strides"] = std::vector<int64_t>{2, 1};
  c.attrs["pads"] = std::vector<int64_t>{1, 0, 0, 1};
  c.attrs["dilations"] = std::vector<int64_t>{1, 1};
  t.output("y");
  const auto xc = random_codes(7 * 90, x, rng);
  std::vector<double> xv(xc.size());
  for (size_t i = 0; i < xc.size(); ++i) xv[i] = dequantize(xc[i], x);
  const auto yi = IntegerInterpreter(t.m).run({xc}, 7)[0];
  const auto yf = FloatInterpreter(t.m).run({xv}, 7)[0];
  ASSERT_EQ(yi.size(), yf.size());
  for (size_t i = 0; i < yi.size(); ++i) ASSERT_EQ(dequantize(yi[i], y), yf[i]) << i;
}

TEST(IntegerInterpreter, TraceHasEveryActivation) {
  Builder t;
  t.input("x", {2}, fx(8, 3));
  t.act("h", {2}, fx(8, 3));
  t.op(OpKind::Relu, "relu", {"x"}, {"h"});
  t.act("y", {2}, fx(8, 4));  // one fractional bit fewer than h
  t.op(OpKind::Quantize, "q", {"h"}, {"y"});
  t.output("y");
  const auto tr = IntegerInterpreter(t.m).trace({{-5, 7, 9, -1}}, 2);
  ASSERT_EQ(tr.size(), 3u);
  EXPECT_EQ(tr.at("x"), (std::vector<int64_t>{-5, 7, 9, -1}));
  EXPECT_EQ(tr.at("h"), (std::vector<int64_t>{0, 7, 9, 0}));
  EXPECT_EQ(tr.at("y"), (std::vector<int64_t>{0, 4, 4, 0}));  // 7/2 = 3.5 -> 4 and 9/2 = 4.5 -> 4 (ties to even)
}

TEST(IntegerInterpreter, RefusesUnquantisedModels) {
  Builder t;
  t.input("x", {2});
  t.act("y", {2});
  t.op(OpKind::Relu, "relu", {"x"}, {"y"});
  t.output("y");
  EXPECT_THROW(IntegerInterpreter{t.m}, InputError);
  Builder u;
  u.input("x", {2}, fx(8, 3));
  u.act("y", {2}, fx(8, 3));
  u.op(OpKind::Div, "div", {"x"}, {"y"});  // Div has no integer kernel
  u.output("y");
  try {
    IntegerInterpreter interp(u.m);
    FAIL();
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("'div'"), std::string::npos);
  }
}

TEST(FloatInterpreter, EvaluatesOnnxSemanticsInDouble) {
  Builder t;
  t.input("x", {2});
  t.constant("W", {2, 3}, {1, 2, 3, -1, 0.5, 0.25});
  t.constant("b", {3}, {0.5, 0, -1});
  t.act("h", {3});
  t.dense("fc", "x", "W", "b", "h", "relu");
  t.act("q", {3}, fx(8, 4));  // power-of-two quantiser: RND_CONV, SAT at 2^-4
  t.op(OpKind::Quantize, "q8", {"h"}, {"q"});
  t.act("a", {3});
  Op& aq = t.op(OpKind::Quantize, "affine", {"q"}, {"a"});
  aq.attrs["scale"] = 0.3, aq.attrs["zero_point"] = 0.0, aq.attrs["bitwidth"] = int64_t{4};
  aq.attrs["signed"] = int64_t{0}, aq.attrs["narrow"] = int64_t{0};
  t.act("y", {3});
  t.op(OpKind::Softmax, "sm", {"a"}, {"y"}).attrs["axis"] = int64_t{-1};
  t.output("y");
  FloatInterpreter f(t.m);
  const auto tr = f.trace({{0.1, 0.2}}, 1);
  const std::vector<double> h = {std::max(0.5 + 0.1 - 0.2, 0.0), std::max(0.2 + 0.1, 0.0), std::max(0.3 + 0.05 - 1, 0.0)};
  for (int i = 0; i < 3; ++i) {
    EXPECT_DOUBLE_EQ(tr.at("h")[i], h[i]);
    EXPECT_EQ(tr.at("q")[i], std::nearbyint(h[i] * 16) / 16);
    EXPECT_DOUBLE_EQ(tr.at("a")[i], std::clamp(std::nearbyint(tr.at("q")[i] / 0.3), 0.0, 15.0) * 0.3);
  }
  double sum = 0;
  for (int i = 0; i < 3; ++i) sum += std::exp(tr.at("a")[i]);
  for (int i = 0; i < 3; ++i) EXPECT_NEAR(tr.at("y")[i], std::exp(tr.at("a")[i]) / sum, 1e-15);
  const auto ranges = f.observe_ranges({{0.1, 0.2, -3, 1}}, 2);
  EXPECT_DOUBLE_EQ(ranges.at("x").min, -3);
  EXPECT_DOUBLE_EQ(ranges.at("x").max, 1);
}

}  // namespace
}  // namespace aie4ml
