// aie4ml host stand-in for the subset of Vitis HLS arbitrary-precision integers that the generated PL
// data movers (pl/*.cpp) use, so they compile and run with g++ without AMD's tools. Written from the
// public Vitis HLS documentation (UG1399 "Arbitrary Precision Data Types"); not AMD's header.
// Provides ap_uint<W> (W up to 1024): construction from an unsigned integer, bit ranges
// `x.range(hi, lo)` read (<= 64 bits) and assigned, comparison, and conversion to an unsigned integer for
// W <= 64. Signed ap_int and arithmetic are not needed by the movers and are not here.
#pragma once
#include <array>
#include <cstdint>
#include <stdexcept>

template <int W>
class ap_uint {
  static_assert(W >= 1 && W <= 1024, "ap_uint stand-in: 1 <= W <= 1024");
  static constexpr int kWords = (W + 63) / 64;

 public:
  ap_uint() = default;
  ap_uint(unsigned long long v) { assign(W - 1 < 63 ? W - 1 : 63, 0, v); }  // NOLINT: implicit like HLS
  ap_uint(long long v) : ap_uint(static_cast<unsigned long long>(v)) {}     // NOLINT
  ap_uint(unsigned long v) : ap_uint(static_cast<unsigned long long>(v)) {}  // NOLINT
  ap_uint(long v) : ap_uint(static_cast<unsigned long long>(v)) {}           // NOLINT
  ap_uint(unsigned v) : ap_uint(static_cast<unsigned long long>(v)) {}       // NOLINT
  ap_uint(int v) : ap_uint(static_cast<unsigned long long>(static_cast<long long>(v))) {}  // NOLINT
  ap_uint(bool v) : ap_uint(static_cast<unsigned long long>(v)) {}           // NOLINT

  // The bits [lo, hi] as a value (hi - lo < 64).
  unsigned long long get(int hi, int lo) const {
    check(hi, lo);
    unsigned long long v = 0;
    for (int b = hi; b >= lo; --b) v = (v << 1) | bit(b);
    return v;
  }
  // Stores the low (hi - lo + 1) bits of `v` into bits [lo, hi].
  void assign(int hi, int lo, unsigned long long v) {
    check(hi, lo);
    for (int b = lo; b <= hi; ++b, v >>= 1) set_bit(b, v & 1u);
  }

  class range_ref {
   public:
    range_ref(ap_uint& x, int hi, int lo) : x_(x), hi_(hi), lo_(lo) {}
    range_ref& operator=(unsigned long long v) {
      x_.assign(hi_, lo_, v);
      return *this;
    }
    operator unsigned long long() const { return x_.get(hi_, lo_); }  // NOLINT
   private:
    ap_uint& x_;
    int hi_, lo_;
  };
  range_ref range(int hi, int lo) { return range_ref(*this, hi, lo); }
  unsigned long long range(int hi, int lo) const { return get(hi, lo); }

  operator unsigned long long() const  // NOLINT: HLS integers convert implicitly
    requires(W <= 64)
  {
    return get(W - 1, 0);
  }
  unsigned long long to_uint64() const { return get(W - 1 < 63 ? W - 1 : 63, 0); }
  bool operator==(const ap_uint& o) const { return words_ == o.words_; }
  bool operator!=(const ap_uint& o) const { return !(*this == o); }

 private:
  static void check(int hi, int lo) {
    if (lo < 0 || hi >= W || hi < lo || hi - lo >= 64) throw std::out_of_range("ap_uint stand-in: bad bit range");
  }
  unsigned bit(int b) const { return (words_[b / 64] >> (b % 64)) & 1u; }
  void set_bit(int b, bool v) {
    const uint64_t m = uint64_t{1} << (b % 64);
    words_[b / 64] = v ? (words_[b / 64] | m) : (words_[b / 64] & ~m);
  }
  std::array<uint64_t, kWords> words_{};
};
