// The attention kernels (kernels/matmul_act.h, kernels/softmax_rows.h, kernels/layernorm.h, built
// against emu/) against the reference interpreter, bit for bit: every oracle is the IntegerInterpreter
// running a small Model of the op (MatMul of two activations, Mul by a constant, Softmax, LayerNorm) on
// the same codes, with the operands rearranged into the ONNX graph's own layout (heads split by
// Reshape + Transpose, K transposed) by plain index arithmetic here. Inputs: random codes, edge rows
// (extreme codes that saturate, constant rows, exact rounding ties), int8 and int16, the encoder's
// shapes (8 tokens, 16 features, 2 heads of 8). Then the quantised encoders of
// tests/models/make_transformer_models.py: every MatMul / scale / Softmax / LayerNorm layer recomputed
// by the kernels from the interpreter's traced inputs, and the whole encoder executed op by op with the
// kernels for those layers and the interpreter's own op kernels for the rest (Dense, Add, Quantize,
// layout ops), its output equal to the interpreter's.
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <random>
#include <vector>

#include "codegen/output_activation.h"
#include "dense_harness.h"
#include "frontend/onnx_import.h"
#include "io/config.h"
#include "io/npy.h"
#include "layernorm.h"
#include "matmul_act.h"
#include "passes/canonicalize.h"
#include "passes/quantize.h"
#include "sim/convert.h"
#include "sim/int_kernels.h"
#include "sim/interpreter.h"
#include "sim/layernorm_ops.h"
#include "softmax.h"  // before softmax_rows.h, which builds on it
#include "softmax_rows.h"

namespace aie4ml {
namespace {

namespace fs = std::filesystem;
using testing::AlignedArray;
using Codes = std::vector<int64_t>;

constexpr unsigned kTokens = 8, kFeatures = 16, kHeads = 2, kDh = 8;

FixedType fx(int w, int frac, bool sign, RoundingMode r = RoundingMode::RndConv, OverflowMode o = OverflowMode::Sat) {
  return FixedType{w, frac, sign, r, o};
}

// The aie mode names the project maps ap_fixed modes to (ir/numeric_type.h aie_rounding_mode).
const char* name_of(aie::rounding_mode m) {
  switch (m) {
    case aie::rounding_mode::floor: return "floor";
    case aie::rounding_mode::symmetric_floor: return "symmetric_floor";
    case aie::rounding_mode::positive_inf: return "positive_inf";
    case aie::rounding_mode::symmetric_zero: return "symmetric_zero";
    case aie::rounding_mode::symmetric_inf: return "symmetric_inf";
    case aie::rounding_mode::negative_inf: return "negative_inf";
    case aie::rounding_mode::conv_even: return "conv_even";
    default: return "other";
  }
}
const char* name_of(aie::saturation_mode m) {
  switch (m) {
    case aie::saturation_mode::none: return "none";
    case aie::saturation_mode::saturate: return "saturate";
    case aie::saturation_mode::symmetric: return "symmetric";
  }
  return "other";
}
void expect_modes(const FixedType& t, aie::rounding_mode r, aie::saturation_mode s) {
  EXPECT_EQ(std::string(aie_rounding_mode(t.rounding).value_or("")), name_of(r)) << t.str();
  EXPECT_EQ(std::string(aie_saturation_mode(t.overflow).value_or("")), name_of(s)) << t.str();
}

// ---- one-op models run by the IntegerInterpreter ----------------------------------------------------

struct Act {
  std::string name;
  std::vector<int64_t> shape;  // with the batch dimension first (kBatch)
  FixedType type;
};

Tensor activation(const Act& a) {
  Tensor t;
  t.name = a.name;
  t.shape = a.shape;
  t.type = NumericType::of(a.type);
  return t;
}

Tensor constant(const std::string& name, std::vector<int64_t> shape, const FixedType& type, Codes codes) {
  Tensor t;
  t.name = name;
  t.shape = std::move(shape);
  t.type = NumericType::of(type);
  t.is_constant = true;
  for (auto c : codes) t.values.push_back(dequantize(c, type));
  t.codes = std::move(codes);
  return t;
}

Op make_op(OpKind kind, std::vector<std::string> in, std::string out) {
  Op op;
  op.kind = kind;
  op.name = out;
  op.inputs = std::move(in);
  op.outputs = {std::move(out)};
  return op;
}

Codes interpret(Model m, const std::vector<Codes>& inputs, int64_t batch) {
  m.sort();
  IntegerInterpreter interp(m);
  return interp.run(inputs, batch).at(0);
}

// ---- kernel runners ----------------------------------------------------------------------------------

template <class T>
AlignedArray<T> to_array(const Codes& v, size_t n) {
  AlignedArray<T> a(n);
  for (size_t i = 0; i < v.size() && i < n; ++i) a[i] = static_cast<T>(v[i]);
  return a;
}

template <class T>
Codes to_codes(const AlignedArray<T>& a) {
  Codes v(a.size());
  for (size_t i = 0; i < a.size(); ++i) v[i] = static_cast<int64_t>(a.data()[i]);
  return v;
}

template <class Cfg>
Codes run_matmul(const Codes& a, const Codes& b) {
  auto av = to_array<typename Cfg::a_type>(a, Cfg::a_elems);
  auto bv = to_array<typename Cfg::b_type>(b, Cfg::b_elems);
  AlignedArray<typename Cfg::y_type> out(Cfg::output_elems);
  adf::input_buffer<typename Cfg::a_type> ap(av.data(), av.size());
  adf::input_buffer<typename Cfg::b_type> bp(bv.data(), bv.size());
  adf::output_buffer<typename Cfg::y_type> op(out.data(), out.size());
  kernels::matmul_act<Cfg>(ap, bp, op);
  return to_codes(out);
}

// Random codes of `t`, with a share of extreme codes (saturation) when `extremes`.
Codes random_codes(std::mt19937& rng, const FixedType& t, size_t n, double extremes = 0.0) {
  std::uniform_int_distribution<int64_t> code(t.min_code(), t.max_code());
  std::uniform_real_distribution<double> u(0, 1);
  Codes v(n);
  for (auto& c : v) {
    const double p = u(rng);
    c = p < extremes / 2 ? t.min_code() : (p < extremes ? t.max_code() : code(rng));
  }
  return v;
}

// [B][T][H*Dh] -> [B][H][T][Dh] (Reshape + Transpose perm 0,2,1,3) or, `transposed`, [B][H][Dh][T] (perm 0,2,3,1).
Codes split_heads(const Codes& x, unsigned batch, bool transposed) {
  Codes y(x.size());
  for (unsigned s = 0; s < batch; ++s)
    for (unsigned t = 0; t < kTokens; ++t)
      for (unsigned h = 0; h < kHeads; ++h)
        for (unsigned d = 0; d < kDh; ++d) {
          const int64_t v = x[(s * kTokens + t) * kFeatures + h * kDh + d];
          const size_t o = transposed ? ((s * kHeads + h) * kDh + d) * kTokens + t : ((s * kHeads + h) * kTokens + t) * kDh + d;
          y[o] = v;
        }
  return y;
}

// Block h of [B][H][R][C] as [B][R][C].
Codes head_block(const Codes& x, unsigned batch, unsigned h, unsigned rows, unsigned cols) {
  Codes y;
  for (unsigned s = 0; s < batch; ++s)
    for (unsigned i = 0; i < rows * cols; ++i) y.push_back(x[(s * kHeads + h) * rows * cols + i]);
  return y;
}

// The interpreter's scores: MatMul(Q heads, K^T heads) into `st`, then (scale) Mul by the constant
// code into `yt`. Output [B][H][T][T].
Codes reference_scores(const Codes& q, const Codes& k, unsigned batch, const FixedType& qt, const FixedType& kt,
                       const FixedType& st, bool scale, int64_t scale_code, const FixedType& ct, const FixedType& yt) {
  Model m;
  m.add_tensor(activation({"qh", {kBatch, kHeads, kTokens, kDh}, qt}));
  m.add_tensor(activation({"kt", {kBatch, kHeads, kDh, kTokens}, kt}));
  m.add_tensor(activation({"s", {kBatch, kHeads, kTokens, kTokens}, st}));
  m.ops.push_back(make_op(OpKind::MatMul, {"qh", "kt"}, "s"));
  m.inputs = {"qh", "kt"};
  m.outputs = {"s"};
  if (scale) {
    m.add_tensor(constant("c", {}, ct, {scale_code}));
    m.add_tensor(activation({"y", {kBatch, kHeads, kTokens, kTokens}, yt}));
    m.ops.push_back(make_op(OpKind::Mul, {"s", "c"}, "y"));
    m.outputs = {"y"};
  }
  return interpret(m, {split_heads(q, batch, false), split_heads(k, batch, true)}, batch);
}

// The interpreter's context: MatMul(P [B][H][T][T], V heads) -> [B][H][T][Dh].
Codes reference_context(const Codes& p, const Codes& v, unsigned batch, const FixedType& pt, const FixedType& vt,
                        const FixedType& ct) {
  Model m;
  m.add_tensor(activation({"p", {kBatch, kHeads, kTokens, kTokens}, pt}));
  m.add_tensor(activation({"vh", {kBatch, kHeads, kTokens, kDh}, vt}));
  m.add_tensor(activation({"c", {kBatch, kHeads, kTokens, kDh}, ct}));
  m.ops.push_back(make_op(OpKind::MatMul, {"p", "vh"}, "c"));
  m.inputs = {"p", "vh"};
  m.outputs = {"c"};
  return interpret(m, {p, split_heads(v, batch, false)}, batch);
}

// ---- MatMul (scores, context) -------------------------------------------------------------------------

// Both head kernels of a scores layer against the interpreter on random and edge inputs.
template <class H0, class H1>
void check_scores(const FixedType& qt, const FixedType& kt, const FixedType& st, bool scale, int64_t scale_code,
                  const FixedType& ct, const FixedType& yt, uint32_t seed, double extremes) {
  constexpr unsigned B = H0::batch;
  std::mt19937 rng(seed);
  for (int round = 0; round < 12; ++round) {
    Codes q = random_codes(rng, qt, B * kTokens * kFeatures, extremes);
    Codes k = random_codes(rng, kt, B * kTokens * kFeatures, extremes);
    if (round == 0)  // sample 0: every code extreme (the largest sums, both signs)
      for (unsigned i = 0; i < kTokens * kFeatures; ++i) q[i] = i % 3 ? qt.min_code() : qt.max_code(), k[i] = kt.min_code();
    const Codes want = reference_scores(q, k, B, qt, kt, st, scale, scale_code, ct, yt);
    const Codes got0 = run_matmul<H0>(q, k), got1 = run_matmul<H1>(q, k);
    ASSERT_EQ(got0, head_block(want, B, 0, kTokens, kTokens)) << "head 0, round " << round << " " << st.str();
    ASSERT_EQ(got1, head_block(want, B, 1, kTokens, kTokens)) << "head 1, round " << round << " " << st.str();
  }
}

template <class H0, class H1>
void check_context(const FixedType& pt, const FixedType& vt, const FixedType& ct, uint32_t seed, double extremes) {
  constexpr unsigned B = H0::batch;
  std::mt19937 rng(seed);
  for (int round = 0; round < 12; ++round) {
    const Codes p = random_codes(rng, pt, B * kHeads * kTokens * kTokens, extremes);
    const Codes v = random_codes(rng, vt, B * kTokens * kFeatures, extremes);
    const Codes want = reference_context(p, v, B, pt, vt, ct);
    ASSERT_EQ(run_matmul<H0>(p, v), head_block(want, B, 0, kTokens, kDh)) << "head 0, round " << round << " " << ct.str();
    ASSERT_EQ(run_matmul<H1>(p, v), head_block(want, B, 1, kTokens, kDh)) << "head 1, round " << round << " " << ct.str();
  }
}

using aie::rounding_mode;
using aie::saturation_mode;

template <unsigned Head, int Shift, rounding_mode R, saturation_mode S, bool Scale = false, int Code = 1, int SShift = 0>
using Scores8 = kernels::attention_scores_config<int8, int8, int8, acc32, 4, 8, 4, 3, kTokens, kHeads, kDh, Head, Shift, R,
                                                 S, Scale, int8, Code, SShift>;

TEST(AttentionMatMulKernel, Int8ScoresPerHeadMatchInterpreter) {
  // The encoder's types: Q, K ap_fixed<8,4>; scores ap_fixed<8,6> (shift 6), round half even, saturate.
  const FixedType q = fx(8, 4, true), s = fx(8, 2, true);
  expect_modes(s, rounding_mode::conv_even, saturation_mode::saturate);
  check_scores<Scores8<0, 6, rounding_mode::conv_even, saturation_mode::saturate>,
               Scores8<1, 6, rounding_mode::conv_even, saturation_mode::saturate>>(q, q, s, false, 1, s, s, 11, 0.1);
  // Saturation-heavy: a fine output (shift 3), many extreme codes.
  const FixedType s5 = fx(8, 5, true);
  check_scores<Scores8<0, 3, rounding_mode::conv_even, saturation_mode::saturate>,
               Scores8<1, 3, rounding_mode::conv_even, saturation_mode::saturate>>(q, q, s5, false, 1, s5, s5, 12, 0.3);
}

TEST(AttentionMatMulKernel, Int8ScoresOtherRoundingAndOverflowModesMatchInterpreter) {
  const FixedType q = fx(8, 4, true);
  const FixedType trn_wrap = fx(8, 4, true, RoundingMode::Trn, OverflowMode::Wrap);
  expect_modes(trn_wrap, rounding_mode::floor, saturation_mode::none);
  check_scores<Scores8<0, 4, rounding_mode::floor, saturation_mode::none>,
               Scores8<1, 4, rounding_mode::floor, saturation_mode::none>>(q, q, trn_wrap, false, 1, trn_wrap, trn_wrap, 13, 0.2);
  const FixedType rnd_sym = fx(8, 3, true, RoundingMode::Rnd, OverflowMode::SatSym);
  expect_modes(rnd_sym, rounding_mode::positive_inf, saturation_mode::symmetric);
  check_scores<Scores8<0, 5, rounding_mode::positive_inf, saturation_mode::symmetric>,
               Scores8<1, 5, rounding_mode::positive_inf, saturation_mode::symmetric>>(q, q, rnd_sym, false, 1, rnd_sym,
                                                                                       rnd_sym, 14, 0.2);
  const FixedType rnd_zero = fx(8, 2, true, RoundingMode::RndZero, OverflowMode::Sat);
  expect_modes(rnd_zero, rounding_mode::symmetric_zero, saturation_mode::saturate);
  check_scores<Scores8<0, 6, rounding_mode::symmetric_zero, saturation_mode::saturate>,
               Scores8<1, 6, rounding_mode::symmetric_zero, saturation_mode::saturate>>(q, q, rnd_zero, false, 1, rnd_zero,
                                                                                        rnd_zero, 15, 0.1);
}

TEST(AttentionMatMulKernel, Int8ScoresWithFusedScaleMatchMatMulThenMul) {
  // The encoder: scores ap_fixed<8,6> times 1/sqrt(8) = 45 * 2^-7 into ap_fixed<8,4>: shift 2 + 7 - 4 = 5.
  const FixedType q = fx(8, 4, true), s = fx(8, 2, true), c = fx(8, 7, true), y = fx(8, 4, true);
  check_scores<Scores8<0, 6, rounding_mode::conv_even, saturation_mode::saturate, true, 45, 5>,
               Scores8<1, 6, rounding_mode::conv_even, saturation_mode::saturate, true, 45, 5>>(q, q, s, true, 45, c, y, 16,
                                                                                                0.1);
  // A negative scale code (sign flips, symmetric rounding cases).
  check_scores<Scores8<0, 6, rounding_mode::conv_even, saturation_mode::saturate, true, -93, 5>,
               Scores8<1, 6, rounding_mode::conv_even, saturation_mode::saturate, true, -93, 5>>(q, q, s, true, -93, c, y, 17,
                                                                                                 0.1);
}

template <unsigned Head, int Shift, bool Scale = false, int Code = 1, int SShift = 0>
using Scores16 = kernels::attention_scores_config<int16, int16, int16, acc64, 4, 4, 4, 2, kTokens, kHeads, kDh, Head, Shift,
                                                  rounding_mode::conv_even, saturation_mode::saturate, Scale, int16, Code,
                                                  SShift>;

TEST(AttentionMatMulKernel, Int16ScoresWithFusedScaleMatchInterpreter) {
  // The int16 encoder: Q, K ap_fixed<16,4>; scores ap_fixed<16,7> (shift 24 - 9 = 15); x 11585 * 2^-15
  // into ap_fixed<16,6> (shift 9 + 15 - 10 = 14).
  const FixedType q = fx(16, 12, true), s = fx(16, 9, true), c = fx(16, 15, true), y = fx(16, 10, true);
  check_scores<Scores16<0, 15>, Scores16<1, 15>>(q, q, s, false, 1, s, s, 21, 0.1);
  check_scores<Scores16<0, 15, true, 11585, 14>, Scores16<1, 15, true, 11585, 14>>(q, q, s, true, 11585, c, y, 22, 0.2);
}

template <typename TP, typename TV, typename TC, typename Acc, unsigned TM, unsigned TK, unsigned TN, unsigned Head, int Shift,
          rounding_mode R = rounding_mode::conv_even, saturation_mode S = saturation_mode::saturate>
using CtxCfg = kernels::attention_context_config<TP, TV, TC, Acc, TM, TK, TN, 3, kTokens, kHeads, kDh, Head, kHeads, Shift, R, S>;

TEST(AttentionMatMulKernel, Int8ContextPerHeadMatchesInterpreter) {
  // The encoder: P ap_ufixed<8,0> (uint8) x V ap_fixed<8,4> -> ap_fixed<8,3>: shift 8 + 4 - 5 = 7.
  const FixedType p = fx(8, 8, false), v = fx(8, 4, true), c = fx(8, 5, true);
  check_context<CtxCfg<uint8, int8, int8, acc32, 4, 8, 4, 0, 7>, CtxCfg<uint8, int8, int8, acc32, 4, 8, 4, 1, 7>>(p, v, c, 31,
                                                                                                                     0.2);
  // Truncation and wrap-around on a fine output (shift 4).
  const FixedType cw = fx(8, 8, true, RoundingMode::Trn, OverflowMode::Wrap);
  check_context<CtxCfg<uint8, int8, int8, acc32, 4, 8, 4, 0, 4, rounding_mode::floor, saturation_mode::none>,
                CtxCfg<uint8, int8, int8, acc32, 4, 8, 4, 1, 4, rounding_mode::floor, saturation_mode::none>>(p, v, cw, 32,
                                                                                                               0.3);
}

TEST(AttentionMatMulKernel, Int16ContextPerHeadMatchesInterpreter) {
  // The int16 encoder: P ap_ufixed<16,0> x V ap_fixed<16,4> -> ap_fixed<16,4>: shift 16 + 12 - 12 = 16.
  const FixedType p = fx(16, 16, false), v = fx(16, 12, true), c = fx(16, 12, true);
  check_context<CtxCfg<uint16, int16, int16, acc64, 4, 4, 4, 0, 16>, CtxCfg<uint16, int16, int16, acc64, 4, 4, 4, 1, 16>>(
      p, v, c, 33, 0.2);
}

// Shapes that pad to the mmul tiles (5 tokens, 3 heads of 6: M, N 5 -> 8, K 6 -> 8 for int8 4x8x4) and a
// head that is neither the first nor the last: the interpreter's MatMul on [B][H][T][Dh] operands.
TEST(AttentionMatMulKernel, PaddedShapesAndMiddleHeadMatchInterpreter) {
  constexpr unsigned B = 2, T = 5, H = 3, D = 6, F = H * D, Head = 1;
  const FixedType q = fx(8, 4, true), s = fx(8, 3, true), pt = fx(8, 8, false), c = fx(8, 5, true);
  // [B][T][F] -> [B][H][T][D], or [B][H][D][T] when transposed.
  auto split = [&](const Codes& x, bool transposed) {
    Codes y(x.size());
    for (unsigned b = 0; b < B; ++b)
      for (unsigned t = 0; t < T; ++t)
        for (unsigned h = 0; h < H; ++h)
          for (unsigned d = 0; d < D; ++d)
            y[transposed ? ((b * H + h) * D + d) * T + t : ((b * H + h) * T + t) * D + d] = x[(b * T + t) * F + h * D + d];
    return y;
  };
  auto matmul = [&](const Codes& a, std::vector<int64_t> sa, const FixedType& ta, const Codes& bb, std::vector<int64_t> sb,
                    const FixedType& tb, std::vector<int64_t> so, const FixedType& to) {
    Model m;
    m.add_tensor(activation({"a", sa, ta}));
    m.add_tensor(activation({"b", sb, tb}));
    m.add_tensor(activation({"y", so, to}));
    m.ops.push_back(make_op(OpKind::MatMul, {"a", "b"}, "y"));
    m.inputs = {"a", "b"};
    m.outputs = {"y"};
    return interpret(m, {a, bb}, B);
  };
  auto block = [&](const Codes& x, unsigned rows, unsigned cols) {
    Codes y;
    for (unsigned b = 0; b < B; ++b)
      for (unsigned i = 0; i < rows * cols; ++i) y.push_back(x[(b * H + Head) * rows * cols + i]);
    return y;
  };
  using S = kernels::attention_scores_config<int8, int8, int8, acc32, 4, 8, 4, B, T, H, D, Head, 5>;
  using C = kernels::attention_context_config<uint8, int8, int8, acc32, 4, 8, 4, B, T, H, D, Head, H, 7>;
  static_assert(S::m_pad == 8 && S::k_pad == 8 && S::n_pad == 8 && C::k_pad == 8);
  std::mt19937 rng(34);
  for (int round = 0; round < 8; ++round) {
    const Codes qa = random_codes(rng, q, B * T * F, 0.2), ka = random_codes(rng, q, B * T * F, 0.2);
    const Codes want_s = matmul(split(qa, false), {kBatch, H, T, D}, q, split(ka, true), {kBatch, H, D, T}, q, {kBatch, H, T, T}, s);
    ASSERT_EQ(run_matmul<S>(qa, ka), block(want_s, T, T)) << "scores, round " << round;
    const Codes p = random_codes(rng, pt, B * H * T * T, 0.2);
    const Codes want_c = matmul(p, {kBatch, H, T, T}, pt, split(ka, false), {kBatch, H, T, D}, q, {kBatch, H, T, D}, c);
    ASSERT_EQ(run_matmul<C>(p, ka), block(want_c, T, D)) << "context, round " << round;
  }
}

// ---- Softmax rows ------------------------------------------------------------------------------------

// The kernel table of an input type as the uint32 runtime-parameter array of Cfg.
template <class Cfg>
AlignedArray<typename Cfg::table_type> kernel_table(const FixedType& in) {
  const auto t = codegen::softmax_kernel_table(in);
  EXPECT_EQ(t.index_shift, int(Cfg::index_shift)) << in.str() << ": table parameters changed, update the config";
  EXPECT_EQ(t.hi_size, int(Cfg::hi_size)) << in.str() << ": table parameters changed, update the config";
  EXPECT_EQ(t.lo_bits, int(Cfg::lo_bits)) << in.str() << ": table parameters changed, update the config";
  AlignedArray<typename Cfg::table_type> a(Cfg::table_size);
  for (size_t i = 0; i < t.entries.size() && i < a.size(); ++i) a[i] = static_cast<typename Cfg::table_type>(t.entries[i]);
  return a;
}

template <class Cfg>
Codes run_softmax(const Codes& x, const AlignedArray<typename Cfg::table_type>& table) {
  auto xv = to_array<typename Cfg::x_type>(x, Cfg::m * Cfg::n);
  AlignedArray<typename Cfg::y_type> out(Cfg::m * Cfg::n);
  adf::input_buffer<typename Cfg::x_type> ip(xv.data(), xv.size());
  adf::output_buffer<typename Cfg::y_type> op(out.data(), out.size());
  kernels::softmax_rows<Cfg>(ip, op, table.template as_rtp<Cfg::table_size>());
  return to_codes(out);
}

// The interpreter's Softmax over the last axis of [B][H][T][T].
Codes reference_softmax(const Codes& x, unsigned batch, const FixedType& in, const FixedType& out) {
  Model m;
  m.add_tensor(activation({"x", {kBatch, kHeads, kTokens, kTokens}, in}));
  m.add_tensor(activation({"y", {kBatch, kHeads, kTokens, kTokens}, out}));
  Op op = make_op(OpKind::Softmax, {"x"}, "y");
  op.attrs["axis"] = int64_t{-1};
  m.ops.push_back(op);
  m.inputs = {"x"};
  m.outputs = {"y"};
  return interpret(m, {x}, batch);
}

template <class Cfg>
void check_softmax(const FixedType& in, const FixedType& out, uint32_t seed) {
  constexpr unsigned B = Cfg::m / (kHeads * kTokens);
  const auto table = kernel_table<Cfg>(in);
  std::mt19937 rng(seed);
  for (int round = 0; round < 16; ++round) {
    Codes x = random_codes(rng, in, Cfg::m * Cfg::n, 0.1);
    if (round == 0)
      for (unsigned j = 0; j < Cfg::n; ++j) {
        x[j] = in.min_code();                                   // a constant row: 1/8 each
        x[Cfg::n + j] = j == 3 ? in.max_code() : in.min_code(); // one-hot (1.0 saturates)
        x[2 * Cfg::n + j] = in.max_code() - int64_t(j);         // close values
        x[3 * Cfg::n + j] = j % 2 ? in.max_code() : in.max_code() - 1;  // two-level ties
      }
    if (round == 1)  // narrow range around zero (fine index steps)
      for (auto& c : x) c = std::clamp<int64_t>(c % 40, in.min_code(), in.max_code());
    ASSERT_EQ(run_softmax<Cfg>(x, table), reference_softmax(x, B, in, out)) << in.str() << " -> " << out.str() << " round " << round;
  }
}

TEST(AttentionSoftmaxKernel, Int8RowsMatchInterpreter) {
  // The encoder: scaled scores ap_fixed<8,4> -> ap_ufixed<8,0>, rows = 3 samples x 2 heads x 8 tokens.
  using Cfg = kernels::softmax_row_config<int8, uint8, 3 * kHeads * kTokens, kTokens, 0u, 18u, 4u, 8u, 8u, false,
                                          rounding_mode::conv_even, kernels::softmax_overflow::saturate>;
  check_softmax<Cfg>(fx(8, 4, true), fx(8, 8, false), 41);
  using Trn = kernels::softmax_row_config<int8, uint8, 3 * kHeads * kTokens, kTokens, 0u, 18u, 4u, 8u, 8u, false,
                                          rounding_mode::floor, kernels::softmax_overflow::wrap>;
  check_softmax<Trn>(fx(8, 4, true), fx(8, 8, false, RoundingMode::Trn, OverflowMode::Wrap), 42);
}

TEST(AttentionSoftmaxKernel, Int16RowsMatchInterpreter) {
  // The int16 encoder: ap_fixed<16,6> (frac 10) -> ap_ufixed<16,0>.
  using Cfg = kernels::softmax_row_config<int16, uint16, 2 * kHeads * kTokens, kTokens, 0u, 139u, 7u, 16u, 16u, false,
                                          rounding_mode::conv_even, kernels::softmax_overflow::saturate>;
  check_softmax<Cfg>(fx(16, 10, true), fx(16, 16, false), 43);
}

// ---- LayerNorm ---------------------------------------------------------------------------------------

// round_half_even(eps n^2 2^(2 fx + 2G)), the epsilon code docs/numerics.md defines, at compile time.
constexpr unsigned long long epsilon_code(double eps, unsigned n, int fx) {
  double e = eps * n * n;
  for (int i = 0; i < 2 * fx + 16; ++i) e *= 2;
  const auto f = static_cast<unsigned long long>(e);
  const double rest = e - static_cast<double>(f);
  return rest > 0.5 || (rest == 0.5 && (f & 1)) ? f + 1 : f;
}
constexpr double kEps = static_cast<double>(1e-5f);

template <class Cfg>
Codes run_layernorm(const Codes& x, const Codes& g, const Codes& b) {
  auto xv = to_array<typename Cfg::x_type>(x, Cfg::input_elems);
  auto gv = to_array<typename Cfg::gamma_type>(g, Cfg::n);
  auto bv = to_array<typename Cfg::beta_type>(b, Cfg::n);
  AlignedArray<typename Cfg::y_type> out(Cfg::output_elems);
  adf::input_buffer<typename Cfg::x_type> ip(xv.data(), xv.size());
  adf::output_buffer<typename Cfg::y_type> op(out.data(), out.size());
  kernels::layernorm_rows<Cfg>(ip, op, gv.template as_rtp<Cfg::n>(), bv.template as_rtp<Cfg::n>());
  return to_codes(out);
}

// The interpreter's LayerNorm over the last axis of [B][rows][n]; the epsilon code it derives must be
// the kernel's.
Codes reference_layernorm(const Codes& x, unsigned batch, unsigned rows, unsigned n, const FixedType& in, const FixedType& gt,
                          const Codes& g, const FixedType& bt, const Codes& b, const FixedType& out, double eps) {
  Model m;
  m.add_tensor(activation({"x", {kBatch, int64_t(rows), int64_t(n)}, in}));
  m.add_tensor(constant("g", {int64_t(n)}, gt, g));
  m.add_tensor(constant("b", {int64_t(n)}, bt, b));
  m.add_tensor(activation({"y", {kBatch, int64_t(rows), int64_t(n)}, out}));
  Op op = make_op(OpKind::LayerNorm, {"x", "g", "b"}, "y");
  op.attrs["axis"] = int64_t{-1};
  op.attrs["epsilon"] = eps;
  m.ops.push_back(op);
  m.inputs = {"x"};
  m.outputs = {"y"};
  return interpret(m, {x}, batch);
}

template <class Cfg>
void check_layernorm(const FixedType& in, const FixedType& gt, const FixedType& bt, const FixedType& out, uint32_t seed,
                     int rounds = 24) {
  constexpr unsigned N = Cfg::n, rows = kTokens, batch = Cfg::rows / kTokens;
  static_assert(Cfg::rows % kTokens == 0);
  ASSERT_EQ(Cfg::epsilon_code, epsilon_code(kEps, N, in.frac));
  std::mt19937 rng(seed);
  for (int round = 0; round < rounds; ++round) {
    Codes x = random_codes(rng, in, Cfg::input_elems, 0.05);
    Codes g = random_codes(rng, gt, N), b = random_codes(rng, bt, N);
    if (round == 0) {
      for (unsigned j = 0; j < N; ++j) {
        x[j] = in.min_code();                                      // constant row: V = E (epsilon only)
        x[N + j] = j % 2 ? in.max_code() : in.min_code();          // the largest variance
        x[2 * N + j] = j == 0 ? in.max_code() : in.min_code();     // one outlier: |z| = sqrt(n - 1)
        x[3 * N + j] = int64_t(j % 3) - (in.is_signed ? 1 : 0);   // tiny variance
        x[4 * N + j] = j == 5 ? 1 : 0;                             // V small: R at its minimum
      }
      for (unsigned j = 0; j < N; ++j) g[j] = j % 2 ? gt.max_code() : gt.min_code(), b[j] = j % 3 ? bt.max_code() : bt.min_code();
    }
    if (round == 1)  // small codes everywhere: many exact rounding ties in the output
      for (auto& c : x) c = c % 4;
    const Codes got = run_layernorm<Cfg>(x, g, b), want = reference_layernorm(x, batch, rows, N, in, gt, g, bt, b, out, kEps);
    for (size_t i = 0; i < got.size(); ++i)
      ASSERT_EQ(got[i], want[i]) << in.str() << " -> " << out.str() << " round " << round << " row " << i / N << " column "
                                 << i % N;
  }
}

template <typename TX, typename TG, typename TB, typename TY, unsigned N, int FIn, int FG, int FB, int FO, unsigned W,
          bool Signed, rounding_mode R = rounding_mode::conv_even,
          kernels::layernorm_overflow O = kernels::layernorm_overflow::saturate>
using LN = kernels::layernorm_config<TX, TG, TB, TY, 3 * kTokens, N, FG, FB, FO, W, Signed, epsilon_code(kEps, N, FIn), R, O>;

TEST(AttentionLayerNormKernel, Int8EncoderTypesMatchInterpreter) {
  // ln1 of the int8 encoder: ap_fixed<8,4> -> ap_fixed<8,3>, gamma ap_fixed<8,2>, beta ap_fixed<8,1>.
  check_layernorm<LN<int8, int8, int8, int8, kFeatures, 4, 6, 7, 5, 8, true>>(fx(8, 4, true), fx(8, 6, true), fx(8, 7, true),
                                                                               fx(8, 5, true), 51);
  // Fine output: saturation everywhere.
  check_layernorm<LN<int8, int8, int8, int8, kFeatures, 4, 6, 7, 7, 8, true>>(fx(8, 4, true), fx(8, 6, true), fx(8, 7, true),
                                                                               fx(8, 7, true), 52);
}

TEST(AttentionLayerNormKernel, OtherRoundingAndOverflowModesMatchInterpreter) {
  using kernels::layernorm_overflow;
  check_layernorm<LN<int8, int8, int8, int8, kFeatures, 4, 6, 7, 6, 8, true, rounding_mode::floor, layernorm_overflow::wrap>>(
      fx(8, 4, true), fx(8, 6, true), fx(8, 7, true), fx(8, 6, true, RoundingMode::Trn, OverflowMode::Wrap), 53);
  check_layernorm<LN<int8, int8, int8, int8, kFeatures, 4, 6, 7, 6, 8, true, rounding_mode::symmetric_zero,
                     layernorm_overflow::symmetric>>(fx(8, 4, true), fx(8, 6, true), fx(8, 7, true),
                                                     fx(8, 6, true, RoundingMode::RndZero, OverflowMode::SatSym), 54);
  check_layernorm<LN<int8, int8, int8, int8, kFeatures, 4, 6, 7, 6, 8, true, rounding_mode::symmetric_floor,
                     layernorm_overflow::zero>>(fx(8, 4, true), fx(8, 6, true), fx(8, 7, true),
                                                fx(8, 6, true, RoundingMode::TrnZero, OverflowMode::SatZero), 55);
  // An output narrower than its container (6 of 8 bits), rounding half toward +inf, and a beta finer
  // than gamma's product (BetaFrac > R + GammaFrac never happens; BetaFrac > GammaFrac does).
  check_layernorm<LN<int8, int8, int16, int8, kFeatures, 3, 4, 12, 3, 6, true, rounding_mode::positive_inf>>(
      fx(8, 3, true), fx(8, 4, true), fx(16, 12, true), fx(6, 3, true, RoundingMode::Rnd), 56);
}

TEST(AttentionLayerNormKernel, Int16EncoderTypesMatchInterpreter) {
  // ln1 / ln2 of the int16 encoder: ap_fixed<16,5> / <16,4> -> ap_fixed<16,3>, gamma / beta ap_fixed<16,2>.
  check_layernorm<LN<int16, int16, int16, int16, kFeatures, 11, 14, 14, 13, 16, true>>(
      fx(16, 11, true), fx(16, 14, true), fx(16, 14, true), fx(16, 13, true), 57);
  check_layernorm<LN<int16, int16, int16, int16, kFeatures, 12, 14, 14, 13, 16, true>>(
      fx(16, 12, true), fx(16, 14, true), fx(16, 14, true), fx(16, 13, true), 58);
  // Unsigned 16-bit input (the widest range per code) with 64 features: the limit of the 64-bit form.
  check_layernorm<LN<uint16, int16, int16, int16, 64, 8, 14, 14, 12, 16, true>>(fx(16, 8, false), fx(16, 14, true),
                                                                                 fx(16, 14, true), fx(16, 12, true), 59, 8);
}

TEST(AttentionLayerNormKernel, AbsentGammaBetaAndZeroEpsilonMatchInterpreter) {
  // The interpreter's LayerNorm without gamma and beta (inputs ""), epsilon 0 (constant rows: V = 1),
  // against the kernel given N ones at GammaFrac 0 and N zeros at BetaFrac 0, EpsilonCode 0.
  constexpr unsigned N = kFeatures, rows = 3 * kTokens;
  using Cfg = kernels::layernorm_config<int8, int8, int8, int8, rows, N, 0, 0, 5, 8, true, 0>;
  const FixedType in = fx(8, 4, true), out = fx(8, 5, true);
  Model m;
  m.add_tensor(activation({"x", {kBatch, int64_t(kTokens), int64_t(N)}, in}));
  m.add_tensor(activation({"y", {kBatch, int64_t(kTokens), int64_t(N)}, out}));
  Op op = make_op(OpKind::LayerNorm, {"x", "", ""}, "y");
  op.attrs["axis"] = int64_t{-1};
  op.attrs["epsilon"] = 0.0;
  m.ops.push_back(op);
  m.inputs = {"x"};
  m.outputs = {"y"};
  std::mt19937 rng(60);
  for (int round = 0; round < 8; ++round) {
    Codes x = random_codes(rng, in, rows * N, 0.1);
    for (unsigned j = 0; j < N; ++j) x[j] = 17, x[N + j] = j < N / 2 ? in.min_code() : in.max_code(), x[2 * N + j] = j == 0;
    const Codes got = run_layernorm<Cfg>(x, Codes(N, 1), Codes(N, 0));
    ASSERT_EQ(got, interpret(m, {x}, rows / kTokens)) << "round " << round;
    EXPECT_EQ(got[0], 0) << "a constant row normalises to 0";
  }
}

TEST(AttentionLayerNormKernel, SixtyFourBitReciprocalSquareRootIsTheReferences) {
  // r = isqrt(floor(2^2R / V)) by the kernel's 64-bit division and square root, for V over [1, 2^62):
  // the reference's rsqrt_fixed (128-bit) gives the same r and R.
  std::mt19937_64 rng(61);
  for (int i = 0; i < 20000; ++i) {
    const int bits = int(rng() % 62) + 1;
    uint64_t v = (rng() & ((uint64_t{1} << bits) - 1)) | (uint64_t{1} << (bits - 1));
    if (i % 4 == 0) v = uint64_t{1} << (bits - 1);                      // powers of two
    if (i % 4 == 1 && bits > 2) v = (uint64_t{1} << (bits - 1)) - 1;   // all ones
    int R = 0;
    const uint64_t r = kernels::detail::ln_isqrt(kernels::detail::ln_recip_square(v, &R));
    const auto [want_r, want_R] = rsqrt_fixed(int128(v));
    ASSERT_EQ(R, want_R) << "V = " << v;
    ASSERT_EQ(int128(r), want_r) << "V = " << v;
    ASSERT_EQ(kernels::detail::ln_bitlen(v), 64 - __builtin_clzll(v)) << v;
  }
}

TEST(AttentionLayerNormKernel, IntermediateLimitsAreTheDocumentedOnes) {
  // Signed 16-bit input and gamma, n = 16 (the int16 encoder): |V| < 2^55, R <= 43, c r g < 2^59.
  using L16 = kernels::layernorm_limits<int16, int16, int16, 16, 14, 14, epsilon_code(kEps, 16, 11)>;
  EXPECT_EQ(L16::v_bits, 55);
  EXPECT_EQ(L16::r_max, 43);
  EXPECT_EQ(L16::product_bits, 59);
  EXPECT_EQ(L16::beta_bits, 58);
  // n = 64 is the largest power of two for 16-bit codes: n = 128 would need c r g of 2^62.
  using L64 = kernels::layernorm_limits<int16, int16, int16, 64, 14, 14, 0>;
  using L128 = kernels::layernorm_limits<int16, int16, int16, 128, 14, 14, 0>;
  EXPECT_LE(L64::product_bits, 61);
  EXPECT_GT(L128::product_bits, 61);
  // The kernel's bounds cover the reference's worst case: the largest V it can see for n = 16.
  const int64_t n = 16, lo = -32768, hi = 32767;
  const int128 s1 = 8 * lo + 8 * hi, s2 = 8 * int128(lo) * lo + 8 * int128(hi) * hi;
  const int128 v = (n * s2 - s1 * s1) * (int128{1} << 16) + int128(epsilon_code(kEps, 16, 11));
  EXPECT_LT(v, int128{1} << L16::v_bits);
  EXPECT_LE(rsqrt_fixed(v).second, L16::r_max);
  EXPECT_GE(rsqrt_fixed(v).second, L16::r_max - 1);  // the bound is at most one step loose
}

// ---- the quantised encoders, layer by layer and chained ---------------------------------------------

struct Traced {
  Model model;
  std::map<std::string, Codes> t;
  Codes input;  // the quantised graph input
  int64_t batch = 0;
  const Op& op(const std::string& name) const { return *model.find_op(name); }
  FixedType type(const std::string& tensor) const { return model.tensor(tensor).type.fixed; }
};

std::optional<Traced> trace_encoder(const std::string& name, int64_t batch) {
  const fs::path dir = fs::path(AIE4ML_TEST_DATA) / "transformer";
  if (!fs::exists(dir / (name + ".onnx"))) return std::nullopt;
  Traced r;
  r.model = import_onnx(dir / (name + ".onnx"));
  canonicalize(r.model);
  quantize_model(r.model, Config{});
  const NpyArray x = read_npy(dir / (name + "_x.npy"));
  const std::vector<double> xs = x.to_doubles();
  IntegerInterpreter interp(r.model);
  Codes codes(static_cast<size_t>(batch * interp.sample_elements(interp.input_names()[0])));
  sim::quantize_values(xs.data(), codes.data(), static_cast<int64_t>(codes.size()), interp.type(interp.input_names()[0]));
  r.t = interp.trace({codes}, batch);
  r.input = codes;
  r.batch = batch;
  return r;
}

// [B][T][F] from the [B][H][T][Dh] heads of one kernel each ([B][T][Dh]).
Codes merge_heads(const Codes& h0, const Codes& h1, unsigned batch) {
  Codes y(size_t(batch) * kTokens * kFeatures);
  for (unsigned s = 0; s < batch; ++s)
    for (unsigned t = 0; t < kTokens; ++t)
      for (unsigned d = 0; d < kDh; ++d) {
        y[(s * kTokens + t) * kFeatures + d] = h0[(s * kTokens + t) * kDh + d];
        y[(s * kTokens + t) * kFeatures + kDh + d] = h1[(s * kTokens + t) * kDh + d];
      }
  return y;
}

// Parameters a generated encoder would use, per width.
template <int Bits>
struct EncoderKernels;

constexpr unsigned kEncBatch = 200;

template <>
struct EncoderKernels<8> {
  template <unsigned H>
  using scores = kernels::attention_scores_config<int8, int8, int8, acc32, 4, 8, 4, kEncBatch, kTokens, kHeads, kDh, H, 6,
                                                  rounding_mode::conv_even, saturation_mode::saturate, true, int8, 45, 5>;
  using softmax = kernels::softmax_row_config<int8, uint8, kEncBatch * kHeads * kTokens, kTokens, 0u, 18u, 4u, 8u, 8u, false,
                                              rounding_mode::conv_even, kernels::softmax_overflow::saturate>;
  template <unsigned H>
  using context = kernels::attention_context_config<uint8, int8, int8, acc32, 4, 8, 4, kEncBatch, kTokens, kHeads, kDh, H,
                                                    kHeads, 7>;
  using ln1 = kernels::layernorm_config<int8, int8, int8, int8, kEncBatch * kTokens, kFeatures, 6, 7, 5, 8, true,
                                        epsilon_code(kEps, kFeatures, 4)>;
  using ln2 = kernels::layernorm_config<int8, int8, int8, int8, kEncBatch * kTokens, kFeatures, 6, 7, 5, 8, true,
                                        epsilon_code(kEps, kFeatures, 5)>;
  static constexpr int shifts[] = {6, 5, 7};  // scores, scale, context (checked against the model's types)
};

template <>
struct EncoderKernels<16> {
  template <unsigned H>
  using scores = kernels::attention_scores_config<int16, int16, int16, acc64, 4, 4, 4, kEncBatch, kTokens, kHeads, kDh, H, 15,
                                                  rounding_mode::conv_even, saturation_mode::saturate, true, int16, 11585, 14>;
  using softmax = kernels::softmax_row_config<int16, uint16, kEncBatch * kHeads * kTokens, kTokens, 0u, 139u, 7u, 16u, 16u,
                                              false, rounding_mode::conv_even, kernels::softmax_overflow::saturate>;
  template <unsigned H>
  using context = kernels::attention_context_config<uint16, int16, int16, acc64, 4, 4, 4, kEncBatch, kTokens, kHeads, kDh, H,
                                                    kHeads, 16>;
  using ln1 = kernels::layernorm_config<int16, int16, int16, int16, kEncBatch * kTokens, kFeatures, 14, 14, 13, 16, true,
                                        epsilon_code(kEps, kFeatures, 11)>;
  using ln2 = kernels::layernorm_config<int16, int16, int16, int16, kEncBatch * kTokens, kFeatures, 14, 14, 13, 16, true,
                                        epsilon_code(kEps, kFeatures, 12)>;
  static constexpr int shifts[] = {15, 14, 16};
};

template <int Bits>
void check_encoder(const std::string& name) {
  using K = EncoderKernels<Bits>;
  auto e = trace_encoder(name, kEncBatch);
  if (!e) GTEST_SKIP() << "testdata/transformer not generated (tests/models/make_transformer_models.py)";
  auto& t = e->t;
  const unsigned B = kEncBatch;
  // The configs' shifts and constants are what the quantised graph says (codegen would derive them so).
  const int fq = e->type("q_q").frac, fk = e->type("k_q").frac, fs = e->type("scores_q_q").frac;
  ASSERT_EQ(K::shifts[0], fq + fk - fs);
  const Tensor& c = e->model.tensor("inv_sqrt_dh");
  ASSERT_EQ(c.codes.size(), 1u);
  ASSERT_EQ(c.codes[0], K::template scores<0>::scale_code);
  ASSERT_EQ(K::shifts[1], fs + c.type.fixed.frac - e->type("scaled_q_q").frac);
  ASSERT_EQ(K::shifts[2], e->type("probs_q_q").frac + e->type("v_q").frac - e->type("context_q_q").frac);

  // The kernel groups, as a mapping would place them. scores: MatMul, Quantize, Mul, Quantize of the graph
  // (Q, K as the Dense layers write them: [B][T][F] tokens-major) -> [B][H][T][T].
  const auto table = kernel_table<typename K::softmax>(e->type("scaled_q_q"));
  auto scores = [&](const Codes& q, const Codes& k) {
    const Codes s0 = run_matmul<typename K::template scores<0>>(q, k), s1 = run_matmul<typename K::template scores<1>>(q, k);
    Codes y;
    for (unsigned s = 0; s < B; ++s)
      for (const Codes* h : {&s0, &s1}) y.insert(y.end(), h->begin() + s * kTokens * kTokens, h->begin() + (s + 1) * kTokens * kTokens);
    return y;
  };
  auto softmax = [&](const Codes& x) { return run_softmax<typename K::softmax>(x, table); };
  // context: MatMul + Quantize per head, heads merged -> [B][T][F] (the graph's `merged`).
  auto context = [&](const Codes& p, const Codes& v) {
    return merge_heads(run_matmul<typename K::template context<0>>(p, v), run_matmul<typename K::template context<1>>(p, v), B);
  };
  auto layernorm = [&](const Op& op, const Codes& x) {
    const Codes& g = e->model.tensor(op.inputs[1]).codes;
    const Codes& b = e->model.tensor(op.inputs[2]).codes;
    return op.name == "ln1" ? run_layernorm<typename K::ln1>(x, g, b) : run_layernorm<typename K::ln2>(x, g, b);
  };
  for (const auto& [op_name, Cfg_is_ln1] : {std::pair{std::string("ln1"), true}, std::pair{std::string("ln2"), false}}) {
    const Op& op = e->op(op_name);
    using C1 = typename K::ln1;
    using C2 = typename K::ln2;
    const FixedType in = e->type(op.inputs[0]), out = e->type(op.outputs[0]);
    ASSERT_EQ(Cfg_is_ln1 ? C1::epsilon_code : C2::epsilon_code, epsilon_code(op.get_float("epsilon", 1e-5), kFeatures, in.frac));
    ASSERT_EQ(Cfg_is_ln1 ? C1::out_frac : C2::out_frac, out.frac);
    ASSERT_EQ(Cfg_is_ln1 ? C1::gamma_frac : C2::gamma_frac, e->model.tensor(op.inputs[1]).type.fixed.frac);
    ASSERT_EQ(Cfg_is_ln1 ? C1::beta_frac : C2::beta_frac, e->model.tensor(op.inputs[2]).type.fixed.frac);
  }

  // Layer by layer, each group from the interpreter's traced inputs.
  EXPECT_EQ(scores(t.at("q_q"), t.at("k_q")), t.at("scaled_q_q")) << name << ": Q x K^T, scale";
  EXPECT_EQ(softmax(t.at("scaled_q_q")), t.at("probs_q_q")) << name << ": Softmax";
  EXPECT_EQ(context(t.at("probs_q_q"), t.at("v_q")), t.at("merged")) << name << ": attention x V, heads merged";
  for (const char* ln : {"ln1", "ln2"}) {
    const Op& op = e->op(ln);
    EXPECT_EQ(layernorm(op, t.at(op.inputs[0])), t.at(op.outputs[0])) << name << ": " << ln;
  }

  // End to end: the graph executed op by op, the AIE kernels for the groups above and the interpreter's
  // own kernels (sim::make_int_kernel) for every other op, each reading what the steps before it
  // computed; the output must be the interpreter's.
  std::map<std::string, Codes> val;
  val[e->model.inputs.at(0)] = e->input;
  int by_kernels = 0, by_interpreter = 0;
  for (const Op& op : e->model.ops) {
    const std::string& out = op.outputs.at(0);
    if (out == "scores" || out == "scores_q_q" || out == "scaled" || out == "probs" || out == "context" ||
        out == "context_q_q" || out == "merged_t")
      continue;  // inside a kernel group
    if (out == "scaled_q_q") val[out] = scores(val.at("q_q"), val.at("k_q"));
    else if (out == "probs_q_q") val[out] = softmax(val.at("scaled_q_q"));
    else if (out == "merged") val[out] = context(val.at("probs_q_q"), val.at("v_q"));
    else if (op.kind == OpKind::LayerNorm) val[out] = layernorm(op, val.at(op.inputs[0]));
    if (val.count(out)) {
      ++by_kernels;
      continue;
    }
    const auto kernel = sim::make_int_kernel(e->model, op);
    std::vector<const int64_t*> ins;
    for (const auto& in : op.inputs)
      if (!in.empty() && !e->model.tensor(in).is_constant) ins.push_back(val.at(in).data());
    Codes y(static_cast<size_t>(B * e->model.tensor(out).elements()));
    kernel->run(ins, y.data(), B);
    val[out] = std::move(y);
    ++by_interpreter;
  }
  EXPECT_EQ(by_kernels, 5) << "scores, softmax, context, ln1, ln2";
  EXPECT_GE(by_interpreter, 10) << "Dense, Add, Quantize, layout ops";
  const std::string y = e->model.outputs.at(0);
  EXPECT_EQ(val.at(y), t.at(y)) << name << ": encoder output, end to end";
}

TEST(AttentionEncoder, Int8KernelsReproduceTheInterpreterLayerByLayerAndEndToEnd) { check_encoder<8>("qdq8_encoder"); }
TEST(AttentionEncoder, Int16KernelsReproduceTheInterpreterLayerByLayerAndEndToEnd) { check_encoder<16>("qdq16_encoder"); }

}  // namespace
}  // namespace aie4ml
