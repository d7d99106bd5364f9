// Shared by the conv kernel tests (test_conv.cpp, test_conv_direct.cpp): a convolution case, its random
// operands, the reference interpreter's result for it (an independent NCHW loop nest in src/sim) and the
// comparison of a kernel's channels-last rows with it.
#pragma once
#include <random>
#include <string>
#include <vector>

#include "dense_harness.h"
#include "ir/model.h"
#include "sim/interpreter.h"

#include <gtest/gtest.h>

namespace aie4ml::testing {

struct ConvCase {
  int batch, ci, ih, iw, co, kh, kw, sh, sw, dh, dw, ph, pw, ph_end, pw_end;
  FixedType x, w, y;
  bool relu;
  int oh() const { return (ih + ph + ph_end - dh * (kh - 1) - 1) / sh + 1; }
  int ow() const { return (iw + pw + pw_end - dw * (kw - 1) - 1) / sw + 1; }
};

// Reference: a quantised Conv op (x NCHW, W [co, ci, kh, kw], bias at frac_x + frac_w) in the interpreter.
// With `pool` (PKH, PKW, PSH, PSW) a MaxPool op after the Conv, and the result is the pool's output.
inline std::vector<int64_t> reference_conv(const ConvCase& c, const std::vector<int64_t>& x_nchw,
                                    const std::vector<int64_t>& w, const std::vector<int64_t>& b,
                                    const std::vector<int64_t>& pool = {}) {
  Model m;
  auto act = [&](const std::string& name, std::vector<int64_t> shape, const FixedType& t) {
    Tensor x;
    x.name = name;
    x.shape = std::move(shape);
    x.type = NumericType::of(t);
    m.add_tensor(x);
  };
  auto constant = [&](const std::string& name, std::vector<int64_t> shape, const FixedType& t,
                      const std::vector<int64_t>& codes) {
    Tensor k;
    k.name = name;
    k.shape = std::move(shape);
    k.type = NumericType::of(t);
    k.is_constant = true;
    k.codes = codes;
    for (auto q : codes) k.values.push_back(dequantize(q, t));
    m.add_tensor(k);
  };
  const bool one_d = c.ih == 1 && c.kh == 1;
  act("x", one_d ? std::vector<int64_t>{kBatch, c.ci, c.iw} : std::vector<int64_t>{kBatch, c.ci, c.ih, c.iw}, c.x);
  act("y", one_d ? std::vector<int64_t>{kBatch, c.co, c.ow()} : std::vector<int64_t>{kBatch, c.co, c.oh(), c.ow()}, c.y);
  constant("W", one_d ? std::vector<int64_t>{c.co, c.ci, c.kw} : std::vector<int64_t>{c.co, c.ci, c.kh, c.kw}, c.w, w);
  constant("b", {c.co}, FixedType{32, c.x.frac + c.w.frac, true}, b);
  Op op;
  op.kind = OpKind::Conv;
  op.name = "conv";
  op.inputs = {"x", "W", "b"};
  op.outputs = {"y"};
  op.attrs["activation"] = std::string(c.relu ? "relu" : "linear");
  op.attrs["accum"] = FixedType{32, c.x.frac + c.w.frac, true}.str();
  if (one_d) {
    op.attrs["kernel_shape"] = std::vector<int64_t>{c.kw};
    op.attrs["strides"] = std::vector<int64_t>{c.sw};
    op.attrs["dilations"] = std::vector<int64_t>{c.dw};
    op.attrs["pads"] = std::vector<int64_t>{c.pw, c.pw_end};
  } else {
    op.attrs["kernel_shape"] = std::vector<int64_t>{c.kh, c.kw};
    op.attrs["strides"] = std::vector<int64_t>{c.sh, c.sw};
    op.attrs["dilations"] = std::vector<int64_t>{c.dh, c.dw};
    op.attrs["pads"] = std::vector<int64_t>{c.ph, c.pw, c.ph_end, c.pw_end};
  }
  m.ops.push_back(op);
  m.inputs = {"x"};
  m.outputs = {"y"};
  if (pool.size() == 4) {
    const int64_t poh = (c.oh() - pool[0]) / pool[2] + 1, pow = (c.ow() - pool[1]) / pool[3] + 1;
    act("z", one_d ? std::vector<int64_t>{kBatch, c.co, pow} : std::vector<int64_t>{kBatch, c.co, poh, pow}, c.y);
    Op mp;
    mp.kind = OpKind::MaxPool;
    mp.name = "pool";
    mp.inputs = {"y"};
    mp.outputs = {"z"};
    mp.attrs["kernel_shape"] = one_d ? std::vector<int64_t>{pool[1]} : std::vector<int64_t>{pool[0], pool[1]};
    mp.attrs["strides"] = one_d ? std::vector<int64_t>{pool[3]} : std::vector<int64_t>{pool[2], pool[3]};
    m.ops.push_back(mp);
    m.outputs = {"z"};
  }
  return IntegerInterpreter(m).run({x_nchw}, c.batch)[0];
}

// Random codes for a case and the kernel's view of them: x channels-last, the GEMM weight matrix
// Wg[k][n] with k = (kh * KW + kw) * CI + ci.
struct ConvOperands {
  std::vector<int64_t> x, w, b, x_nhwc, wg;
};

inline ConvOperands make_operands(const ConvCase& c, uint64_t seed) {
  std::mt19937_64 rng(seed);
  const int window = c.kh * c.kw * c.ci, in_sp = c.ih * c.iw;
  ConvOperands o;
  o.x = random_codes(rng, size_t(c.batch) * c.ci * in_sp, c.x.min_code(), c.x.max_code());
  o.w = random_codes(rng, size_t(c.co) * window, c.w.min_code(), c.w.max_code());
  o.b = random_codes(rng, size_t(c.co), -(1 << 12), 1 << 12);
  o.x_nhwc.resize(o.x.size());
  o.wg.resize(size_t(window) * c.co);
  for (int s = 0; s < c.batch; ++s)
    for (int ch = 0; ch < c.ci; ++ch)
      for (int p = 0; p < in_sp; ++p) o.x_nhwc[(size_t(s) * in_sp + p) * c.ci + ch] = o.x[(size_t(s) * c.ci + ch) * in_sp + p];
  for (int n = 0; n < c.co; ++n)
    for (int ch = 0; ch < c.ci; ++ch)
      for (int t = 0; t < c.kh * c.kw; ++t)
        o.wg[(size_t(t) * c.ci + ch) * c.co + n] = o.w[(size_t(n) * c.ci + ch) * c.kh * c.kw + t];
  return o;
}

template <class Cfg>
AlignedArray<typename Cfg::a_type> kernel_input(const ConvOperands& o) {
  AlignedArray<typename Cfg::a_type> in(Cfg::input_elems);
  for (size_t i = 0; i < o.x_nhwc.size(); ++i) in[i] = static_cast<typename Cfg::a_type>(o.x_nhwc[i]);
  return in;
}

// Every output code of the kernels (GEMM rows r = sample * positions + p, row-major with co columns)
// against the reference interpreter's NCHW result.
inline void expect_equal_to_reference(const ConvCase& c, const ConvOperands& o, const std::vector<int64_t>& rows) {
  const auto ref = reference_conv(c, o.x, o.w, o.b);
  const int out_sp = c.oh() * c.ow();
  int64_t checked = 0;
  for (int s = 0; s < c.batch; ++s)
    for (int n = 0; n < c.co; ++n)
      for (int p = 0; p < out_sp; ++p, ++checked)
        ASSERT_EQ(rows[(size_t(s) * out_sp + p) * c.co + n], ref[(size_t(s) * c.co + n) * out_sp + p])
            << "sample " << s << " channel " << n << " position " << p;
  EXPECT_EQ(checked, int64_t(c.batch) * c.co * out_sp);
}

}  // namespace aie4ml::testing
