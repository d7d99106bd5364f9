// aie4ml host emulation: the AIE scalar type names (int8 ... uint32, bfloat16), the accumulator tags
// (acc32, acc64, accfloat) and the traits the rest of the emulator uses. Written from the public AIE API
// documentation; nothing here is AMD code.
#pragma once
#include <bit>
#include <cstdint>
#include <cstring>
#include <stdexcept>
#include <string>
#include <type_traits>

// Scalar element names as AIE kernels spell them (global namespace, as on the device).
using int8 = std::int8_t;
using uint8 = std::uint8_t;
using int16 = std::int16_t;
using uint16 = std::uint16_t;
using int32 = std::int32_t;
using uint32 = std::uint32_t;
using int64 = std::int64_t;
using uint64 = std::uint64_t;

// bfloat16: the upper 16 bits of an IEEE binary32. Conversion from float rounds to nearest, ties to
// even (NaN stays a quiet NaN); conversion to float is exact.
class bfloat16 {
 public:
  constexpr bfloat16() = default;
  bfloat16(float f) : bits_(round_from_float(f)) {}  // NOLINT: implicit, as the device type is
  operator float() const {                          // NOLINT
    const std::uint32_t u = static_cast<std::uint32_t>(bits_) << 16;
    return std::bit_cast<float>(u);
  }
  static constexpr bfloat16 from_bits(std::uint16_t b) {
    bfloat16 r;
    r.bits_ = b;
    return r;
  }
  constexpr std::uint16_t bits() const { return bits_; }

 private:
  static std::uint16_t round_from_float(float f) {
    std::uint32_t u = std::bit_cast<std::uint32_t>(f);
    if ((u & 0x7f800000u) == 0x7f800000u && (u & 0x007fffffu) != 0)
      return static_cast<std::uint16_t>((u >> 16) | 0x0040u);  // quiet NaN, sign kept
    const std::uint32_t keep_lsb = (u >> 16) & 1u;                // ties go to the even result
    u += 0x7fffu + keep_lsb;
    return static_cast<std::uint16_t>(u >> 16);
  }
  std::uint16_t bits_ = 0;
};

// Accumulator element tags (the lane precision of an aie::accum).
struct acc32 {};
struct acc64 {};
struct accfloat {};

namespace aie4ml_emu {

// Misuse the type system cannot catch (unsafe shifts, unaligned vector access, reading an empty
// cascade) throws this: on the device it is undefined behaviour or a stall, on the host a clear error.
struct emu_error : std::logic_error {
  using std::logic_error::logic_error;
};

template <class T>
inline constexpr bool is_int_elem =
    std::is_same_v<T, int8> || std::is_same_v<T, uint8> || std::is_same_v<T, int16> ||
    std::is_same_v<T, uint16> || std::is_same_v<T, int32> || std::is_same_v<T, uint32>;
template <class T>
inline constexpr bool is_float_elem = std::is_same_v<T, bfloat16> || std::is_same_v<T, float>;
template <class T>
inline constexpr bool is_vector_elem = is_int_elem<T> || is_float_elem<T>;
template <class T>
inline constexpr unsigned elem_bits = static_cast<unsigned>(sizeof(T) * 8);

// Accumulator lane traits. Integer lanes are stored widened to int64 and always hold the value the
// hardware register would hold (two's complement wrap at the lane width).
template <class Tag>
struct acc_traits;
template <>
struct acc_traits<acc32> {
  using storage = std::int64_t;
  static constexpr unsigned lane_bits = 32;
  static constexpr bool is_float = false;
};
template <>
struct acc_traits<acc64> {
  using storage = std::int64_t;
  static constexpr unsigned lane_bits = 64;
  static constexpr bool is_float = false;
};
template <>
struct acc_traits<accfloat> {
  using storage = float;
  static constexpr unsigned lane_bits = 32;
  static constexpr bool is_float = true;
};

template <class T>
inline constexpr bool is_acc_tag =
    std::is_same_v<T, acc32> || std::is_same_v<T, acc64> || std::is_same_v<T, accfloat>;

// Lanes of one 512-bit cascade word for an accumulator tag (AM020: 512-bit cascade path).
template <class Tag>
inline constexpr unsigned cascade_lanes = 512 / acc_traits<Tag>::lane_bits;

// Two's complement wrap of v to `bits` bits (bits <= 64).
inline std::int64_t wrap_to_bits(__int128 v, unsigned bits) {
  const unsigned __int128 mask = bits >= 128 ? ~static_cast<unsigned __int128>(0)
                                             : ((static_cast<unsigned __int128>(1) << bits) - 1);
  unsigned __int128 u = static_cast<unsigned __int128>(v) & mask;
  if (bits < 128 && (u >> (bits - 1)) & 1) u |= ~mask;  // sign-extend
  return static_cast<std::int64_t>(static_cast<__int128>(u));
}

template <class Tag>
inline typename acc_traits<Tag>::storage acc_wrap(__int128 v) {
  return wrap_to_bits(v, acc_traits<Tag>::lane_bits);
}

}  // namespace aie4ml_emu
