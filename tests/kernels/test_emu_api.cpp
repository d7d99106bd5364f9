// emu/: the AIE API subset against its documented semantics: vectors (element access, extract/insert,
// concat, broadcast, zeros), element-wise add/sub (wrapping), max/min, mul/mac into the documented
// default accumulators, accumulator from_vector/add/sub and lane wrap, aie::mmul for every supported
// shape against a naive matrix product, load_v/store_v alignment, vector iterators over buffer ports,
// bfloat16 rounding, and cascade links (FIFO order, empty reads, word size).
#include <gtest/gtest.h>

#include <adf.h>
#include <aie_api/aie.hpp>
#include <aie_api/aie_adf.hpp>
#include <bit>
#include <cmath>
#include <random>

namespace {

using aie4ml_emu::lane;
using aie4ml_emu::set_lane;

TEST(EmuVector, ElementAccessExtractInsertConcat) {
  aie::vector<int16, 16> v;
  for (unsigned i = 0; i < 16; ++i) v[i] = int16(i * 3);
  EXPECT_EQ(v.get(5), 15);
  v.set(-7, 5);
  EXPECT_EQ(v[5], -7);
  const auto hi = v.extract<8>(1);
  for (unsigned i = 0; i < 8; ++i) EXPECT_EQ(hi[i], int16((i + 8) * 3));
  const auto cat = aie::concat(hi, v.extract<8>(0));
  EXPECT_EQ(cat[0], 24);
  EXPECT_EQ(cat[13], -7);
  aie::vector<int16, 16> w = aie::zeros<int16, 16>();
  w.insert(1, hi);
  EXPECT_EQ(w[7], 0);
  EXPECT_EQ(w[8], 24);
  EXPECT_THROW(v.extract<8>(2), aie4ml_emu::emu_error);
  const auto b = aie::broadcast<int8, 32>(-3);
  for (unsigned i = 0; i < 32; ++i) EXPECT_EQ(b[i], -3);
  aie::vector<int32, 4> lit(1, 2, 3, 4);
  EXPECT_EQ(lit[3], 4);
  EXPECT_EQ(lit.cast_to<int16>()[0], 1);
}

TEST(EmuVector, AddSubWrapMaxMinExhaustiveInt8) {
  for (int a = -128; a < 128; ++a) {
    aie::vector<int8, 16> va = aie::broadcast<int8, 16>(int8(a)), vb;
    for (int b0 = -128; b0 < 128; b0 += 16) {
      for (unsigned i = 0; i < 16; ++i) vb[i] = int8(b0 + int(i));
      const auto s = aie::add(va, vb), d = aie::sub(va, vb), mx = aie::max(va, vb), mn = aie::min(va, vb);
      for (unsigned i = 0; i < 16; ++i) {
        const int b = b0 + int(i);
        ASSERT_EQ(s[i], int8(uint8(a + b)));  // wraps modulo 2^8
        ASSERT_EQ(d[i], int8(uint8(a - b)));
        ASSERT_EQ(mx[i], std::max(a, b));
        ASSERT_EQ(mn[i], std::min(a, b));
      }
    }
  }
  const auto r = aie::max(aie::broadcast<int16, 16>(-5), int16(0));
  EXPECT_EQ(r[3], 0);
  const auto u = aie::add(aie::broadcast<uint8, 16>(250), uint8(10));
  EXPECT_EQ(u[0], 4);
}

TEST(EmuVector, MulMacUseDocumentedDefaultAccumulators) {
  static_assert(std::is_same_v<decltype(aie::mul(aie::vector<int8, 16>{}, aie::vector<int8, 16>{})), aie::accum<acc32, 16>>);
  static_assert(std::is_same_v<decltype(aie::mul(aie::vector<int16, 16>{}, aie::vector<int16, 16>{})), aie::accum<acc32, 16>>);
  static_assert(std::is_same_v<decltype(aie::mul(aie::vector<int32, 16>{}, aie::vector<int16, 16>{})), aie::accum<acc64, 16>>);
  static_assert(std::is_same_v<decltype(aie::mul(aie::vector<bfloat16, 16>{}, aie::vector<bfloat16, 16>{})), aie::accum<accfloat, 16>>);
  static_assert(std::is_same_v<decltype(aie::mul<acc64>(aie::vector<int16, 16>{}, aie::vector<int16, 16>{})), aie::accum<acc64, 16>>);
  aie::vector<int16, 16> a, b;
  for (unsigned i = 0; i < 16; ++i) {
    a[i] = int16(32767 - i);
    b[i] = int16(-32768 + i);
  }
  const auto p = aie::mul(a, b);
  const auto q = aie::mac(p, a, b);
  const auto wide = aie::mul<acc64>(a, b);
  for (unsigned i = 0; i < 16; ++i) {
    const int64_t exact = int64_t(a[i]) * b[i];
    EXPECT_EQ(lane(p, i), exact);
    EXPECT_EQ(lane(q, i), int64_t(int32(uint32(2 * exact))));  // acc32 wraps at 32 bits
    EXPECT_EQ(lane(wide, i), exact);
  }
  const auto s = aie::mul(a, int16(2));
  EXPECT_EQ(lane(s, 0), 65534);
}

TEST(EmuVector, MulExhaustiveInt8TimesInt8) {
  for (int a = -128; a < 128; ++a)
    for (int b0 = -128; b0 < 128; b0 += 32) {
      aie::vector<int8, 32> vb;
      for (unsigned i = 0; i < 32; ++i) vb[i] = int8(b0 + int(i));
      const auto p = aie::mul(aie::broadcast<int8, 32>(int8(a)), vb);
      const auto q = aie::mac(p, vb, int8(a));
      for (unsigned i = 0; i < 32; ++i) {
        ASSERT_EQ(lane(p, i), a * (b0 + int(i)));
        ASSERT_EQ(lane(q, i), 2 * a * (b0 + int(i)));
      }
    }
}

TEST(EmuAccum, FromVectorShiftAddSubExtractInsert) {
  aie::vector<int32, 16> v;
  for (unsigned i = 0; i < 16; ++i) v[i] = int32(i) - 8;
  aie::accum<acc32, 16> a;
  a.from_vector(v, 3);
  EXPECT_EQ(lane(a, 0), -64);
  aie::accum<acc64, 16> big(v, 40);
  EXPECT_EQ(lane(big, 15), int64_t(7) << 40);
  const auto sum = aie::add(a, v);
  EXPECT_EQ(lane(sum, 1), -63);
  const auto diff = aie::sub(sum, a);
  EXPECT_EQ(lane(diff, 2), -6);
  const auto both = aie::add(a, a);
  EXPECT_EQ(lane(both, 3), -80);
  aie::accum<acc32, 32> wide;
  wide.insert(1, a);
  EXPECT_EQ(lane(wide, 16), -64);
  EXPECT_EQ(lane(wide.extract<16>(1), 15), 56);
  EXPECT_EQ(lane(aie::concat(a, a), 31), 56);
  aie::accum<acc32, 16> w;
  set_lane(w, 0, (int64_t(1) << 31));  // wraps to the most negative acc32 value
  EXPECT_EQ(lane(w, 0), -(int64_t(1) << 31));
  const auto z = aie::zeros<acc64, 8>();
  EXPECT_EQ(lane(z, 7), 0);
  aie::accum<accfloat, 16> f(aie::broadcast<float, 16>(1.5f));
  const auto fv = f.to_vector<float>();
  EXPECT_EQ(fv[0], 1.5f);
}

template <unsigned M, unsigned K, unsigned N, class TA, class TB, class Acc>
void check_mmul(std::mt19937_64& rng, int64_t lo_a, int64_t hi_a, int64_t lo_b, int64_t hi_b) {
  using MM = aie::mmul<M, K, N, TA, TB, Acc>;
  static_assert(MM::size_A == M * K && MM::size_B == K * N && MM::size_C == M * N);
  std::uniform_int_distribution<int64_t> da(lo_a, hi_a), db(lo_b, hi_b);
  alignas(64) TA a[M * K];
  alignas(64) TB b[K * N];
  for (auto& e : a) e = TA(da(rng));
  for (auto& e : b) e = TB(db(rng));
  MM mm;
  mm.mul(aie::load_v<M * K>(a), aie::load_v<K * N>(b));
  mm.mac(aie::load_v<M * K>(a), aie::load_v<K * N>(b));
  const typename MM::accum_type c = mm.to_accum();
  const int bits = std::is_same_v<Acc, acc64> ? 64 : 32;
  for (unsigned m = 0; m < M; ++m)
    for (unsigned n = 0; n < N; ++n) {
      __int128 s = 0;
      for (unsigned k = 0; k < K; ++k) s += __int128(a[m * K + k]) * b[k * N + n];
      s *= 2;
      const int64_t expect = aie4ml_emu::wrap_to_bits(s, bits);
      ASSERT_EQ(lane(c, m * N + n), expect) << M << "x" << K << "x" << N << " at " << m << "," << n;
    }
  MM from_acc(c);
  EXPECT_EQ(lane(from_acc.to_accum(), 0), lane(c, 0));
}

TEST(EmuMmul, EveryIntegerShapeMatchesNaiveProduct) {
  std::mt19937_64 rng(3);
  check_mmul<4, 8, 8, int8, int8, acc32>(rng, -128, 127, -128, 127);
  check_mmul<2, 8, 8, int8, int8, acc32>(rng, -128, 127, -128, 127);
  check_mmul<8, 8, 8, int8, int8, acc32>(rng, -128, 127, -128, 127);
  check_mmul<4, 8, 4, int8, int8, acc32>(rng, -128, 127, -128, 127);
  check_mmul<4, 16, 4, int8, int8, acc32>(rng, -128, 127, -128, 127);
  check_mmul<8, 8, 4, int8, int8, acc32>(rng, -128, 127, -128, 127);
  check_mmul<2, 16, 8, int8, int8, acc32>(rng, -128, 127, -128, 127);
  check_mmul<4, 16, 8, uint8, int8, acc32>(rng, 0, 255, -128, 127);
  check_mmul<4, 4, 8, int16, int8, acc32>(rng, -32768, 32767, -128, 127);
  check_mmul<4, 8, 4, int16, int8, acc64>(rng, -32768, 32767, -128, 127);
  check_mmul<2, 8, 8, int16, int8, acc32>(rng, -32768, 32767, -128, 127);
  check_mmul<4, 4, 4, int16, int16, acc64>(rng, -32768, 32767, -32768, 32767);
  check_mmul<4, 4, 4, int16, int16, acc32>(rng, -32768, 32767, -32768, 32767);  // wraps
  check_mmul<2, 4, 8, int16, int16, acc64>(rng, -32768, 32767, -32768, 32767);
  check_mmul<4, 2, 8, int16, int16, acc64>(rng, -32768, 32767, -32768, 32767);
}

TEST(EmuMmul, Bf16ShapeAccumulatesInFloat) {
  alignas(64) bfloat16 a[32], b[32];
  for (int i = 0; i < 32; ++i) {
    a[i] = bfloat16(float(i % 5 - 2) * 0.5f);
    b[i] = bfloat16(float(i % 7 - 3) * 0.25f);
  }
  aie::mmul<4, 8, 4, bfloat16, bfloat16> mm(aie::broadcast<float, 16>(1.0f));
  mm.mac(aie::load_v<32>(a), aie::load_v<32>(b));
  const auto v = mm.to_vector<bfloat16>();
  for (int m = 0; m < 4; ++m)
    for (int n = 0; n < 4; ++n) {
      double s = 1.0;
      for (int k = 0; k < 8; ++k) s += double(float(a[m * 8 + k])) * double(float(b[k * 4 + n]));
      EXPECT_EQ(float(v[m * 4 + n]), float(s));  // small dyadic values: exact
    }
}

TEST(EmuBfloat16, RoundTripsEveryValueAndRoundsToNearestEven) {
  for (uint32_t bits = 0; bits < 65536; ++bits) {
    const auto b = bfloat16::from_bits(uint16_t(bits));
    const float f = float(b);
    if (std::isnan(f)) {
      EXPECT_TRUE(std::isnan(float(bfloat16(f))));
      continue;
    }
    ASSERT_EQ(bfloat16(f).bits(), bits);
  }
  // Independent definition: the nearer of the two neighbouring bf16 values (computed in double), ties
  // to the one with an even last bit.
  std::mt19937 rng(5);
  for (uint32_t hi = 0; hi < 65536; hi += 7) {
    for (uint32_t low : {0u, 1u, 0x7fffu, 0x8000u, 0x8001u, 0xffffu, uint32_t(rng() & 0xffffu)}) {
      const uint32_t u = (hi << 16) | low;
      const float f = std::bit_cast<float>(u);
      if (!std::isfinite(f) || std::fabs(f) >= 3.3e38f) continue;
      const uint16_t down_bits = uint16_t(hi);  // truncation (toward zero in magnitude)
      const double down = float(bfloat16::from_bits(down_bits));
      const double up = float(bfloat16::from_bits(uint16_t(down_bits + 1)));
      const double dd = std::fabs(double(f) - down), du = std::fabs(up - double(f));
      const uint16_t expect = dd < du ? down_bits : (du < dd ? uint16_t(down_bits + 1) : ((down_bits & 1) ? uint16_t(down_bits + 1) : down_bits));
      ASSERT_EQ(bfloat16(f).bits(), expect) << std::hex << u;
    }
  }
}

TEST(EmuMemory, LoadStoreAlignmentAndIterators) {
  alignas(64) int8 buf[128];
  for (int i = 0; i < 128; ++i) buf[i] = int8(i);
  const auto v = aie::load_v<32>(buf + 32);
  EXPECT_EQ(v[0], 32);
  EXPECT_THROW(aie::load_v<32>(buf + 1), aie4ml_emu::emu_error);
  EXPECT_NO_THROW(aie::load_v<16>(buf + 16));
  EXPECT_THROW(aie::store_v(buf + 8, v), aie4ml_emu::emu_error);
  adf::input_buffer<int8> in(buf, 128);
  alignas(64) int8 out_mem[128] = {};
  adf::output_buffer<int8> out(out_mem, 128);
  auto it = aie::begin_vector<32>(in);
  auto ot = aie::begin_vector<32>(out);
  for (int i = 0; i < 4; ++i) *ot++ = aie::add(static_cast<aie::vector<int8, 32>>(*it++), int8(1));
  for (int i = 0; i < 128; ++i) EXPECT_EQ(out_mem[i], int8(i + 1));
  EXPECT_EQ(in.size(), 128u);
  EXPECT_EQ(out.data(), out_mem);
}

TEST(EmuCascade, FifoOrderWordSizeAndEmptyRead) {
  aie4ml_emu::cascade_link<acc32> link;
  output_cascade<acc32> o(link);
  input_cascade<acc32> in(link);
  for (int w = 0; w < 3; ++w) {
    aie::accum<acc32, 16> a;
    for (unsigned i = 0; i < 16; ++i) set_lane(a, i, w * 100 + int(i));
    writeincr(&o, a);
  }
  EXPECT_EQ(link.pending(), 3u);
  for (int w = 0; w < 3; ++w) {
    const auto a = readincr_v<16>(&in);
    EXPECT_EQ(lane(a, 5), w * 100 + 5);
  }
  EXPECT_THROW(readincr_v<16>(&in), aie4ml_emu::emu_error);
  aie4ml_emu::cascade_link<acc64> l64;
  output_cascade<acc64> o64(l64);
  aie::accum<acc64, 8> big;
  set_lane(big, 7, int64_t(1) << 50);
  writeincr(&o64, big);
  input_cascade<acc64> i64(l64);
  EXPECT_EQ(lane(readincr_v<8>(&i64), 7), int64_t(1) << 50);
}

}  // namespace
