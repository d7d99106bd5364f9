// The tensor-op kernels (kernels/tensor_ops.h: Add, channel Concat, MaxPool, AveragePool,
// GlobalAveragePool, with fused Relu / Quantize steps) built against emu/, bit for bit against the reference
// interpreter (src/sim int_kernels: BinaryKernel, Relu, Quantize, ConcatKernel, MaxPoolKernel,
// AveragePoolKernel) on channels-first models; the kernels see the same codes channels-last. Every
// rounding and overflow mode of the cast, mixed scales, signed and unsigned, padding and ties. Add and
// Concat also with constant Cfgs (the vector path of kernels/tensor_ops_plan.h, or its scalar fallback),
// their emulator counters against the plan's operation counts, and partition's plan
// (passes/tensor_op_vector.h) and cost (design/tensor_op_layout.h kernel_cycles) of the same model.
#include <gtest/gtest.h>

#include <algorithm>
#include <random>

#include "codegen/output_activation.h"
#include "dense_harness.h"
#include "ir/model.h"
#include "design/tensor_op_layout.h"
#include "passes/tensor_op_vector.h"
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


// ---- vector Add and Concat (tensor_ops_plan.h): constant Cfgs, every mode, 8/16-bit, partial vectors ----

// An aligned copy of channels-last codes (vector loads and stores are aligned; the emulator checks).
template <class T>
AlignedArray<T> aligned(const std::vector<int64_t>& v) {
  AlignedArray<T> a(v.size());
  for (size_t i = 0; i < v.size(); ++i) a[i] = static_cast<T>(v[i]);
  return a;
}

template <class T>
constexpr FixedType code_type(int frac, RoundingMode r = RoundingMode::RndConv, OverflowMode o = OverflowMode::Sat) {
  return FixedType{int(8 * sizeof(T)), frac, std::is_signed_v<T>, r, o};
}

constexpr requant_step kstep(int from_frac, const FixedType& to, bool relu = false) {
  return {from_frac - to.frac, static_cast<unsigned>(to.width), to.is_signed, static_cast<tensor_rounding>(to.rounding),
          static_cast<tensor_overflow>(to.overflow), relu};
}

// The counters one vector of a chain must produce (tensor_ops_plan.h), times `vectors`.
void expect_vector_counts(const aie4ml_emu::op_counters& got, const kernels::tensor_vector_ops& per, int64_t vectors) {
  EXPECT_EQ(int64_t(got.vector_loads), vectors * per.loads);
  EXPECT_EQ(int64_t(got.load_bits), vectors * per.load_bits);
  EXPECT_EQ(int64_t(got.vector_stores), vectors * per.stores);
  EXPECT_EQ(int64_t(got.store_bits), vectors * per.store_bits);
  EXPECT_EQ(int64_t(got.lane_extracts), vectors * per.word_stores);
  EXPECT_EQ(int64_t(got.ups_ops), vectors * per.ups);
  EXPECT_EQ(int64_t(got.acc_adds), vectors * per.acc_adds);
  EXPECT_EQ(int64_t(got.srs_ops), vectors * per.srs);
  EXPECT_EQ(int64_t(got.vector_alu_ops), vectors * per.alu);
}

// Add(a, b) -> s (cast), Relu -> r, Quantize -> y, with the types as template parameters so that the
// kernel's Cfg is constant (the vector path's condition). Batch 5 x (5 channels x 6 positions) = 150
// elements: 4 whole vectors and 22 scalar ones.
template <class TA, class TB, class TS, class TO, int Fa, int Fb, int Fs, int Fy, RoundingMode R1, OverflowMode O1,
          RoundingMode R2, OverflowMode O2>
struct VecAdd {
  static constexpr FixedType a = code_type<TA>(Fa), b = code_type<TB>(Fb), s = code_type<TS>(Fs, R1, O1),
                             y = code_type<TO>(Fy, R2, O2);
  static constexpr int f = Fa > Fb ? Fa : Fb;
  static constexpr unsigned batch = 5, elements = 5 * 6;
  static constexpr int lshift[2] = {f - Fa, f - Fb};
  static constexpr requant_step cast = kstep(f, s);
  static constexpr unsigned epilogue_steps = 2;
  static constexpr requant_step epilogue[2] = {kstep(Fs, s, true), kstep(Fs, y)};
};

// Runs Cfg's Add against the interpreter; returns whether it ran as vectors (SRS counted), after checking
// the counters against the plan and the cost model (partition's tensor_vector and kernel_cycles).
template <class Cfg, class TA, class TB, class TO>
bool check_vector_add(uint64_t seed) {
  std::mt19937_64 rng(seed);
  constexpr int n = Cfg::batch * Cfg::elements;
  const auto xa = random_codes(rng, n, Cfg::a.min_code(), Cfg::a.max_code());
  const auto xb = random_codes(rng, n, Cfg::b.min_code(), Cfg::b.max_code());
  Net net;
  for (auto [name, t] : std::initializer_list<std::pair<const char*, FixedType>>{{"a", Cfg::a}, {"b", Cfg::b}, {"s", Cfg::s}, {"r", Cfg::s}, {"y", Cfg::y}})
    net.act(name, {5, 2, 3}, t);
  net.op(OpKind::Add, "add", {"a", "b"}, "s");
  net.op(OpKind::Relu, "relu", {"s"}, "r");
  net.op(OpKind::Quantize, "q", {"r"}, "y");
  const auto ref = net.run({"a", "b"}, "y", {xa, xb}, Cfg::batch);
  const auto ia = aligned<TA>(channels_last(xa, Cfg::batch, 5, 6)), ib = aligned<TB>(channels_last(xb, Cfg::batch, 5, 6));
  AlignedArray<TO> out(n);
  aie4ml_emu::reset_counters();
  kernels::tensor_add<Cfg>(ia.data(), ib.data(), out.data());
  const auto got = aie4ml_emu::counters;
  std::vector<TO> result(out.data(), out.data() + n);
  SCOPED_TRACE(Cfg::s.str() + " -> " + Cfg::y.str());
  expect_channels_last_equal(result, ref, Cfg::batch, 5, 6);
  // The partition's plan of the same model, and the cost model from it.
  LayerDesign l;
  l.name = l.op = "Add";
  l.output_tensor = "y";
  l.input_bytes = sizeof(TA), l.output_bytes = sizeof(TO);
  l.tensor_op = {5, 6};
  l.out_features = l.in_features = Cfg::elements;
  l.tensor_vector = tensor_vector_plan(net.m, net.m.ops[0], {"relu", "q"}, l);
  const bool vector = got.srs_ops > 0;
  EXPECT_EQ(!l.tensor_vector.empty() && l.tensor_vector[2] == 1, vector);
  const int64_t vectors = vector ? n / kernels::tensor_vector_lanes : 0;
  const auto per = kernels::add_vector_ops(sizeof(TA), sizeof(TB), sizeof(TO), 3, 1);
  expect_vector_counts(got, per, vectors);
  EXPECT_EQ(tensor_op_layout::kernel_cycles(l, Cfg::batch),
            40 + vectors * per.cycles() + (n - vectors * kernels::tensor_vector_lanes) * kernels::scalar_cycles_per_element(2));
  return vector;
}

template <class TA, class TB, class TS, class TO, int Fa, int Fb, int Fs, int Fy, bool Uniform, int... Modes>
int add_every_mode(std::integer_sequence<int, Modes...>) {
  int vectors = 0;
  ((vectors += check_vector_add<VecAdd<TA, TB, TS, TO, Fa, Fb, Fs, Fy, RoundingMode(Modes / 4), OverflowMode(Modes % 4),
                                       Uniform ? RoundingMode(Modes / 4) : RoundingMode((Modes / 4 + 3) % 7),
                                       Uniform ? OverflowMode(Modes % 4) : OverflowMode((Modes % 4 + 1) % 3)>,
                               TA, TB, TO>(300 + Modes)),
   ...);
  return vectors;
}

TEST(TensorOps, VectorAddEveryRoundingAndOverflowModeBitExact) {
  // 8-bit: inputs at fracs 4 and 6, sum at 3 (the cast drops 3 bits), Relu, into uint8 at 2. sat_zero
  // (4 of 28 modes in the cast, and those of the Quantize) keeps the scalar loop.
  EXPECT_EQ((add_every_mode<int8, int8, int8, uint8, 4, 6, 3, 2, true>(std::make_integer_sequence<int, 28>())), 21);
  EXPECT_EQ((add_every_mode<int8, uint8, int8, int8, 2, 5, 4, 3, false>(std::make_integer_sequence<int, 28>())), 21);
}

TEST(TensorOps, VectorAdd16BitAndNegativeShiftsBitExact) {
  using RM = RoundingMode;
  using OM = OverflowMode;
  // int16 + int16 aligned by 3 bits, cast drops 1 bit, then into int8.
  EXPECT_TRUE((check_vector_add<VecAdd<int16, int16, int16, int8, 10, 7, 9, 5, RM::RndConv, OM::Sat, RM::Rnd, OM::Wrap>, int16, int16, int8>(401)));
  EXPECT_TRUE((check_vector_add<VecAdd<int16, int16, int16, int16, 8, 8, 6, 4, RM::TrnZero, OM::SatSym, RM::RndInf, OM::Sat>, int16, int16, int16>(402)));
  // uint8 + int8 into a finer int16 sum (cast shift -3: an exact left shift folded into the UPS).
  EXPECT_TRUE((check_vector_add<VecAdd<uint8, int8, int16, int16, 2, 3, 6, 7, RM::RndMinInf, OM::Sat, RM::RndZero, OM::Sat>, uint8, int8, int16>(403)));
  // int16 codes shifted 20 bits left do not fit acc32: the scalar loop.
  EXPECT_FALSE((check_vector_add<VecAdd<int16, int16, int16, int16, 0, 20, 12, 12, RM::RndConv, OM::Sat, RM::RndConv, OM::Sat>, int16, int16, int16>(404)));
}

// Concat(a [C0], b [C1]) -> c, Quantize -> y, channels-last, batch 3 x 15 positions (partial vectors at
// the end of each input). Store kinds: C0 = C1 = 32 (whole vectors), 8 + 4 (32-bit words, qdq_resnet's
// cat), 16-bit 4 + 6 (words).
template <class TA, class TB, class TO, unsigned C0, unsigned C1, int Fa, int Fb, int Fc, int Fy, RoundingMode R1,
          OverflowMode O1, RoundingMode R2, OverflowMode O2>
struct VecConcat {
  static constexpr FixedType a = code_type<TA>(Fa), b = code_type<TB>(Fb), c = code_type<TO>(Fc, R1, O1),
                             y = code_type<TO>(Fy, R2, O2);
  static constexpr unsigned batch = 3, positions = 15, out_channels = C0 + C1;
  static constexpr unsigned channels[2] = {C0, C1}, offsets[2] = {0, C0};
  static constexpr requant_step casts[2] = {kstep(Fa, c), kstep(Fb, c)};
  static constexpr unsigned epilogue_steps = 1;
  static constexpr requant_step epilogue[1] = {kstep(Fc, y)};
};

// Returns how many of the two inputs ran as vectors.
template <class Cfg, class TA, class TB, class TO>
int check_vector_concat(uint64_t seed) {
  constexpr unsigned c0 = Cfg::channels[0], c1 = Cfg::channels[1], p = Cfg::positions, batch = Cfg::batch;
  std::mt19937_64 rng(seed);
  const auto xa = random_codes(rng, batch * c0 * p, Cfg::a.min_code(), Cfg::a.max_code());
  const auto xb = random_codes(rng, batch * c1 * p, Cfg::b.min_code(), Cfg::b.max_code());
  Net net;
  net.act("a", {c0, 3, 5}, Cfg::a);
  net.act("b", {c1, 3, 5}, Cfg::b);
  net.act("c", {c0 + c1, 3, 5}, Cfg::c);
  net.act("y", {c0 + c1, 3, 5}, Cfg::y);
  net.op(OpKind::Concat, "cat", {"a", "b"}, "c").attrs["axis"] = int64_t{1};
  net.op(OpKind::Quantize, "q", {"c"}, "y");
  const auto ref = net.run({"a", "b"}, "y", {xa, xb}, batch);
  const auto ia = aligned<TA>(channels_last(xa, batch, c0, p));
  const auto ib = aligned<TB>(channels_last(xb, batch, c1, p));
  AlignedArray<TO> out(batch * (c0 + c1) * p);
  LayerDesign l;
  l.name = l.op = "Concat";
  l.output_tensor = "y";
  l.input_bytes = sizeof(TA), l.output_bytes = sizeof(TO);
  l.tensor_op = {p, c0, c1};
  l.out_features = (c0 + c1) * p;
  l.in_features = c0 * p;
  l.tensor_vector = tensor_vector_plan(net.m, net.m.ops[0], {"q"}, l);
  SCOPED_TRACE(Cfg::c.str() + " -> " + Cfg::y.str());
  int vector_parts = 0;
  int64_t cycles = 40;
  auto part = [&](auto run, unsigned channels, size_t i) {
    aie4ml_emu::reset_counters();
    run();
    const auto got = aie4ml_emu::counters;
    const bool vector = got.srs_ops > 0;
    vector_parts += vector;
    EXPECT_EQ(tensor_op_layout::vector_ops(l, i).has_value(), vector) << "input " << i;
    const int64_t n = int64_t(batch) * p * channels, vectors = vector ? n / kernels::tensor_vector_lanes : 0;
    const auto per = tensor_op_layout::vector_ops(l, i).value_or(kernels::tensor_vector_ops{});
    expect_vector_counts(got, per, vectors);
    cycles += vectors * per.cycles() + (n - vectors * kernels::tensor_vector_lanes) * kernels::scalar_cycles_per_element(1);
  };
  part([&] { kernels::tensor_concat_part<Cfg, 0>(ia.data(), out.data()); }, c0, 0);
  part([&] { kernels::tensor_concat_part<Cfg, 1>(ib.data(), out.data()); }, c1, 1);
  std::vector<TO> result(out.data(), out.data() + out.size());
  expect_channels_last_equal(result, ref, batch, c0 + c1, p);
  EXPECT_EQ(tensor_op_layout::kernel_cycles(l, batch), cycles);
  return vector_parts;
}

template <class TA, class TB, class TO, unsigned C0, unsigned C1, int Fa, int Fb, int Fc, int Fy, int... Modes>
int concat_every_mode(std::integer_sequence<int, Modes...>) {
  int parts = 0;
  ((parts += check_vector_concat<VecConcat<TA, TB, TO, C0, C1, Fa, Fb, Fc, Fy, RoundingMode(Modes / 4), OverflowMode(Modes % 4),
                                           RoundingMode((Modes / 4 + 2) % 7), OverflowMode((Modes % 4 + 2) % 3)>,
                                 TA, TB, TO>(500 + Modes)),
   ...);
  return parts;
}

TEST(TensorOps, VectorConcatEveryRoundingAndOverflowModeBitExact) {
  // qdq_resnet's shape: uint8 8 + 4 channels (32-bit word stores), inputs at fracs 4 and 6 into 5, then a
  // Quantize into 4; a cast with sat_zero (7 of 28) keeps the scalar loop for both inputs.
  EXPECT_EQ((concat_every_mode<uint8, uint8, uint8, 8, 4, 4, 6, 5, 4>(std::make_integer_sequence<int, 28>())), 2 * 21);
  // signed int8 inputs into uint8 (negatives saturate or wrap), whole-vector stores (32 + 32 channels).
  EXPECT_EQ((concat_every_mode<int8, int8, uint8, 32, 32, 3, 7, 4, 2>(std::make_integer_sequence<int, 28>())), 2 * 21);
}

TEST(TensorOps, VectorConcat16BitAndFallbacksBitExact) {
  using RM = RoundingMode;
  using OM = OverflowMode;
  // int16 4 + 6 channels (words), a finer output scale (cast shift -6 for input 1: exact left shift).
  EXPECT_EQ((check_vector_concat<VecConcat<int16, int16, int16, 4, 6, 9, 3, 9, 8, RM::RndConv, OM::Sat, RM::Rnd, OM::SatSym>, int16, int16, int16>(601)), 2);
  // 3 + 5 uint8 channels: no 32-bit words per row segment, the scalar loop.
  EXPECT_EQ((check_vector_concat<VecConcat<uint8, uint8, uint8, 3, 5, 4, 6, 5, 4, RM::RndConv, OM::Sat, RM::RndConv, OM::Sat>, uint8, uint8, uint8>(602)), 0);
  // A cast shifting int16 codes 20 bits left does not fit acc32: that input alone takes the scalar loop.
  EXPECT_EQ((check_vector_concat<VecConcat<int16, int16, int16, 4, 6, 0, 20, 20, 20, RM::RndConv, OM::Wrap, RM::RndConv, OM::Wrap>, int16, int16, int16>(603)), 1);
}

}  // namespace
}  // namespace aie4ml::testing
