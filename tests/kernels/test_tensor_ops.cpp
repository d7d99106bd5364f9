// The tensor-op kernels (kernels/tensor_ops.h: Add, channel Concat, MaxPool, AveragePool,
// GlobalAveragePool, with fused Relu / Quantize steps) built against emu/, bit for bit against the reference
// interpreter (src/sim int_kernels: BinaryKernel, Relu, Quantize, ConcatKernel, MaxPoolKernel,
// AveragePoolKernel) on channels-first models; the kernels see the same codes channels-last. Every
// rounding and overflow mode of the cast, mixed scales, signed and unsigned, padding and ties.
#include <gtest/gtest.h>

#include <algorithm>
#include <random>

#include "codegen/output_activation.h"
#include "dense_harness.h"
#include "ir/model.h"
#include "sim/interpreter.h"
#include "tensor_ops.h"

namespace aie4ml::testing {
namespace {

using kernels::requant_step;
using kernels::tensor_overflow;
using kernels::tensor_rounding;

// The kernels' step for requantize(v, from_frac, to) of fixed_point.h.
requant_step step_of(int from_frac, const FixedType& to, bool relu = false) {
  return {from_frac - to.frac, static_cast<unsigned>(to.width), to.is_signed,
          static_cast<tensor_rounding>(to.rounding), static_cast<tensor_overflow>(to.overflow), relu};
}

// A model under construction: activations [batch, ...] with fixed types, ops in order.
struct Net {
  Model m;
  void act(const std::string& name, std::vector<int64_t> sample, const FixedType& t) {
    Tensor x;
    x.name = name;
    x.shape = {kBatch};
    x.shape.insert(x.shape.end(), sample.begin(), sample.end());
    x.type = NumericType::of(t);
    m.add_tensor(x);
  }
  Op& op(OpKind k, const std::string& name, std::vector<std::string> in, std::string out) {
    Op o;
    o.kind = k;
    o.name = name;
    o.inputs = std::move(in);
    o.outputs = {std::move(out)};
    m.ops.push_back(o);
    return m.ops.back();
  }
  std::vector<int64_t> run(std::vector<std::string> inputs, const std::string& output,
                           const std::vector<std::vector<int64_t>>& x, int batch) {
    m.inputs = std::move(inputs);
    m.outputs = {output};
    return IntegerInterpreter(m).run(x, batch)[0];
  }
};

// NCHW codes -> channels-last (positions x channels per sample).
std::vector<int64_t> channels_last(const std::vector<int64_t>& x, int batch, int channels, int positions) {
  std::vector<int64_t> y(x.size());
  for (int b = 0; b < batch; ++b)
    for (int c = 0; c < channels; ++c)
      for (int p = 0; p < positions; ++p) y[(size_t(b) * positions + p) * channels + c] = x[(size_t(b) * channels + c) * positions + p];
  return y;
}

template <class T>
std::vector<T> to(const std::vector<int64_t>& v) {
  return std::vector<T>(v.begin(), v.end());
}

template <class T>
void expect_channels_last_equal(const std::vector<T>& got, const std::vector<int64_t>& ref_nchw, int batch, int channels,
                                int positions) {
  const auto want = channels_last(ref_nchw, batch, channels, positions);
  ASSERT_EQ(got.size(), want.size());
  for (size_t i = 0; i < want.size(); ++i) ASSERT_EQ(int64_t(got[i]), want[i]) << "element " << i;
}

// ---- Add + Relu + Quantize, every rounding and overflow mode of the final cast ----

struct AddCfg {
  static constexpr unsigned batch = 3, elements = 5 * 6;  // C = 5, 2 x 3 positions
  static inline int lshift[2];
  static inline requant_step cast;
  static constexpr unsigned epilogue_steps = 2;
  static inline requant_step epilogue[2];
};

TEST(TensorOps, AddReluQuantizeEveryRoundingAndOverflowMode) {
  const FixedType a{8, 4, true, RoundingMode::RndConv, OverflowMode::Sat};
  const FixedType b{8, 6, true, RoundingMode::RndConv, OverflowMode::Sat};
  const FixedType sum{9, 5, true, RoundingMode::Trn, OverflowMode::Wrap};  // drops a bit and wraps: both matter
  std::mt19937_64 rng(91);
  const auto xa = random_codes(rng, AddCfg::batch * AddCfg::elements, a.min_code(), a.max_code());
  const auto xb = random_codes(rng, AddCfg::batch * AddCfg::elements, b.min_code(), b.max_code());
  int cases = 0;
  for (int r = 0; r <= int(RoundingMode::RndConv); ++r)
    for (int o = 0; o <= int(OverflowMode::SatZero); ++o) {
      const FixedType y{8, 2, o % 2 == 0, RoundingMode(r), OverflowMode(o)};
      Net n;
      n.act("a", {5, 2, 3}, a);
      n.act("b", {5, 2, 3}, b);
      n.act("s", {5, 2, 3}, sum);
      n.act("r", {5, 2, 3}, sum);
      n.act("y", {5, 2, 3}, y);
      n.op(OpKind::Add, "add", {"a", "b"}, "s");
      n.op(OpKind::Relu, "relu", {"s"}, "r");
      n.op(OpKind::Quantize, "q", {"r"}, "y");
      const auto ref = n.run({"a", "b"}, "y", {xa, xb}, AddCfg::batch);
      AddCfg::lshift[0] = 6 - a.frac, AddCfg::lshift[1] = 6 - b.frac;
      AddCfg::cast = step_of(6, sum);
      AddCfg::epilogue[0] = step_of(sum.frac, sum, true);
      AddCfg::epilogue[1] = step_of(sum.frac, y);
      const auto ia = to<int8_t>(channels_last(xa, 3, 5, 6)), ib = to<int8_t>(channels_last(xb, 3, 5, 6));
      std::vector<int16_t> out(ia.size());  // wide enough for signed and unsigned 8-bit codes
      kernels::tensor_add<AddCfg>(ia.data(), ib.data(), out.data());
      SCOPED_TRACE(y.str());
      expect_channels_last_equal(out, ref, 3, 5, 6);
      ++cases;
    }
  EXPECT_EQ(cases, 28);
}

// ---- Concat of two inputs at different scales and signedness ----

struct ConcatCfg {
  static constexpr unsigned batch = 2, positions = 6, out_channels = 5;
  static constexpr unsigned channels[2] = {3, 2}, offsets[2] = {0, 3};
  static inline requant_step casts[2];
  static constexpr unsigned epilogue_steps = 1;
  static inline requant_step epilogue[1];
};

TEST(TensorOps, ConcatChannelsRequantisesEachInputAndInterleavesPerPosition) {
  const FixedType a{8, 4, true, RoundingMode::RndConv, OverflowMode::Sat};
  const FixedType b{8, 6, false, RoundingMode::RndConv, OverflowMode::Sat};
  const FixedType y{8, 5, false, RoundingMode::RndConv, OverflowMode::Sat};  // negatives of a saturate to 0
  const FixedType q{8, 4, false, RoundingMode::Rnd, OverflowMode::Sat};      // the fused Quantize after it
  std::mt19937_64 rng(92);
  const auto xa = random_codes(rng, 2 * 3 * 6, a.min_code(), a.max_code());
  const auto xb = random_codes(rng, 2 * 2 * 6, b.min_code(), b.max_code());
  Net n;
  n.act("a", {3, 2, 3}, a);
  n.act("b", {2, 2, 3}, b);
  n.act("c", {5, 2, 3}, y);
  n.act("y", {5, 2, 3}, q);
  n.op(OpKind::Concat, "cat", {"a", "b"}, "c").attrs["axis"] = int64_t{1};
  n.op(OpKind::Quantize, "q", {"c"}, "y");
  const auto ref = n.run({"a", "b"}, "y", {xa, xb}, 2);
  ConcatCfg::casts[0] = step_of(a.frac, y);
  ConcatCfg::casts[1] = step_of(b.frac, y);
  ConcatCfg::epilogue[0] = step_of(y.frac, q);
  const auto ia = to<int8_t>(channels_last(xa, 2, 3, 6));
  const auto ib = to<uint8_t>(channels_last(xb, 2, 2, 6));
  std::vector<uint8_t> out(2 * 5 * 6, 0xEE);
  kernels::tensor_concat_part<ConcatCfg, 0>(ia.data(), out.data());
  kernels::tensor_concat_part<ConcatCfg, 1>(ib.data(), out.data());
  expect_channels_last_equal(out, ref, 2, 5, 6);
}

// ---- pools ----

template <class Geometry>
struct PoolCfg {
  using geometry = Geometry;
  static constexpr unsigned batch = 64;  // enough outputs for rounding ties and saturation in every case
  static inline requant_step cast, mean;
  static constexpr unsigned epilogue_steps = 0;
  static constexpr requant_step epilogue[1] = {};
};

// The interpreter's pool on [2, C, IH, IW] and the kernel on the same codes channels-last.
template <class G, bool Max>
void check_pool(OpKind kind, std::vector<int64_t> kernel, std::vector<int64_t> strides, std::vector<int64_t> pads,
                bool include_pad, const FixedType& x, const FixedType& y, uint64_t seed) {
  using Cfg = PoolCfg<G>;
  std::mt19937_64 rng(seed);
  const int in_sp = G::in_h * G::in_w, out_sp = G::out_h * G::out_w;
  const auto xs = random_codes(rng, size_t(Cfg::batch) * G::channels * in_sp, x.min_code(), x.max_code());
  Net n;
  n.act("x", {G::channels, G::in_h, G::in_w}, x);
  n.act("y", {G::channels, G::out_h, G::out_w}, y);
  Op& op = n.op(kind, "pool", {"x"}, "y");
  if (kind != OpKind::GlobalAveragePool) {
    op.attrs["kernel_shape"] = kernel;
    op.attrs["strides"] = strides;
    op.attrs["pads"] = pads;
    op.attrs["count_include_pad"] = int64_t{include_pad};
  }
  const auto ref = n.run({"x"}, "y", {xs}, Cfg::batch);
  Cfg::cast = Cfg::mean = step_of(x.frac, y);
  const auto in = to<int8_t>(channels_last(xs, Cfg::batch, G::channels, in_sp));
  std::vector<int16_t> out(size_t(Cfg::batch) * G::channels * out_sp);
  kernels::tensor_pool<Cfg, Max>(in.data(), out.data());
  expect_channels_last_equal(out, ref, Cfg::batch, G::channels, out_sp);
}

TEST(TensorOps, MaxPoolWithPaddingAndRequantisation) {
  // 5 x 5, window 2 x 3, stride 2 x 2, pads (1, 1) before, (0, 1) after -> 3 x 3
  const FixedType x{8, 3, true, RoundingMode::RndConv, OverflowMode::Sat}, y{8, 2, true, RoundingMode::RndConv, OverflowMode::Sat};
  check_pool<kernels::pool_geometry<3, 5, 5, 2, 3, 2, 2, 1, 1, 3, 3>, true>(OpKind::MaxPool, {2, 3}, {2, 2}, {1, 1, 0, 1},
                                                                          false, x, y, 93);
}

TEST(TensorOps, AveragePoolCountsTapsInsideOrAllWithIncludePad) {
  // 6 x 5, window 3 x 3, stride 2, pads 1 on every side -> 3 x 3; the mean rounded once (ties to even)
  const FixedType x{8, 4, true, RoundingMode::RndConv, OverflowMode::Sat}, y{8, 5, true, RoundingMode::RndConv, OverflowMode::Sat};
  using G0 = kernels::pool_geometry<2, 6, 5, 3, 3, 2, 2, 1, 1, 3, 3, 0>;
  using G1 = kernels::pool_geometry<2, 6, 5, 3, 3, 2, 2, 1, 1, 3, 3, 1>;
  check_pool<G0, false>(OpKind::AveragePool, {3, 3}, {2, 2}, {1, 1, 1, 1}, false, x, y, 94);
  check_pool<G1, false>(OpKind::AveragePool, {3, 3}, {2, 2}, {1, 1, 1, 1}, true, x, y, 95);
}

TEST(TensorOps, GlobalAveragePoolIntoACoarserAndAFinerScale) {
  using G = kernels::pool_geometry<3, 4, 4, 4, 4, 1, 1, 0, 0, 1, 1>;
  const FixedType x{8, 4, true, RoundingMode::RndConv, OverflowMode::Sat};
  check_pool<G, false>(OpKind::GlobalAveragePool, {}, {}, {}, false, x, FixedType{8, 6, false, RoundingMode::RndConv, OverflowMode::Sat}, 96);
  check_pool<G, false>(OpKind::GlobalAveragePool, {}, {}, {}, false, x, FixedType{8, 2, true, RoundingMode::Trn, OverflowMode::Wrap}, 97);
}

// ---- ReLU, LeakyReLU, Clip that could not be fused: tensor_unary with codegen's piecewise parameters ----

struct UnaryCfg {
  static constexpr unsigned batch = 8, elements = 64;
  static inline kernels::piecewise_params params;
  static constexpr unsigned epilogue_steps = 0;
  static constexpr requant_step epilogue[1] = {};
};

TEST(TensorOps, UnaryReluLeakyReluClipEveryRoundingAndOverflowMode) {
  const FixedType x{8, 4, true, RoundingMode::RndConv, OverflowMode::Sat};
  std::vector<int64_t> codes;  // every 8-bit code, twice, in a fixed shuffle
  for (int rep = 0; rep < 2; ++rep)
    for (int64_t c = x.min_code(); c <= x.max_code(); ++c) codes.push_back(c);
  std::shuffle(codes.begin(), codes.end(), std::mt19937_64(98));
  int cases = 0;
  for (OpKind kind : {OpKind::Relu, OpKind::LeakyRelu, OpKind::Clip})
    for (int r = 0; r <= int(RoundingMode::RndConv); ++r)
      for (int o = 0; o <= int(OverflowMode::SatZero); ++o) {
        const FixedType y{8, kind == OpKind::Clip ? 6 : 3, o % 2 == 0, RoundingMode(r), OverflowMode(o)};
        Net n;
        n.act("x", {64}, x);
        n.act("y", {64}, y);
        Op& op = n.op(kind, "act", {"x"}, "y");
        if (kind == OpKind::LeakyRelu) op.attrs["alpha_code"] = int64_t{13}, op.attrs["alpha_frac"] = int64_t{6};
        if (kind == OpKind::Clip) op.attrs["min"] = -0.7, op.attrs["max"] = 1.3;
        const auto ref = n.run({"x"}, "y", {codes}, UnaryCfg::batch);
        const auto p = codegen::piecewise_spec(kind, op, x, y);
        UnaryCfg::params = {p.lo_code, p.lo_out, p.hi_code, p.hi_out, p.neg_mul, step_of(p.neg_from_frac, y),
                            step_of(p.pos_from_frac, y)};
        const auto in = to<int8_t>(codes);
        std::vector<int16_t> out(in.size());
        kernels::tensor_unary<UnaryCfg>(in.data(), out.data());
        SCOPED_TRACE(std::string(to_string(kind)) + " -> " + y.str());
        for (size_t i = 0; i < ref.size(); ++i) ASSERT_EQ(int64_t(out[i]), ref[i]) << "x = " << codes[i];
        ++cases;
      }
  EXPECT_EQ(cases, 3 * 28);
}

}  // namespace
}  // namespace aie4ml::testing
