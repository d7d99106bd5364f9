// aie4ml host emulation: the core's rounding and saturation mode registers and the shift-round-
// saturate (SRS) step of accum::to_vector. Semantics from the public documentation (UG1603
// "Rounding and Saturation Modes", AIE API to_vector): the accumulator lane is shifted right
// arithmetically by `shift`, rounded by the rounding mode, then brought into the destination type by
// the saturation mode. Reset state: floor / none. This is an independent implementation: the tests
// cross-check it against src/ir/fixed_point (the compiler's own definition) and a libm-based oracle.
#pragma once
#include <cstdint>
#include <limits>
#include <string>

#include "types.hpp"

namespace aie {

// Values follow the AIE-ML intrinsic encodings (rnd_floor = 0 ... rnd_conv_odd = 13).
enum class rounding_mode : unsigned {
  floor = 0,            // toward -inf (truncate)
  ceil = 1,             // toward +inf
  symmetric_floor = 2,  // toward zero
  symmetric_ceil = 3,   // away from zero
  negative_inf = 8,     // nearest, ties toward -inf
  positive_inf = 9,     // nearest, ties toward +inf
  symmetric_zero = 10,  // nearest, ties toward zero
  symmetric_inf = 11,   // nearest, ties away from zero
  conv_even = 12,       // nearest, ties to even
  conv_odd = 13,        // nearest, ties to odd
};

enum class saturation_mode : unsigned {
  none = 0,       // wrap: keep the low bits
  saturate = 1,   // clamp to [-2^(n-1), 2^(n-1)-1] ([0, 2^n-1] unsigned)
  symmetric = 3,  // clamp to [-(2^(n-1)-1), 2^(n-1)-1] ([0, 2^n-1] unsigned)
};

}  // namespace aie

namespace aie4ml_emu {

// One core's mode registers. thread_local so that kernels emulated on different threads (a later
// dataflow scheduler) each see their own core state.
struct core_modes {
  aie::rounding_mode rounding = aie::rounding_mode::floor;
  aie::saturation_mode saturation = aie::saturation_mode::none;
};
inline thread_local core_modes modes{};

inline void reset_core_state() { modes = core_modes{}; }

// Round v / 2^shift (shift >= 1) to an integer under mode m.
inline __int128 round_shifted(__int128 v, int shift, aie::rounding_mode m) {
  const __int128 down = v >> shift;  // floor(v / 2^shift)
  const __int128 rest = v - (down << shift);
  if (rest == 0) return down;
  const __int128 up = down + 1;
  const __int128 half = static_cast<__int128>(1) << (shift - 1);
  const bool negative = v < 0;
  using aie::rounding_mode;
  switch (m) {
    case rounding_mode::floor: return down;
    case rounding_mode::ceil: return up;
    case rounding_mode::symmetric_floor: return negative ? up : down;
    case rounding_mode::symmetric_ceil: return negative ? down : up;
    default: break;
  }
  if (rest < half) return down;
  if (rest > half) return up;
  switch (m) {  // exactly half way
    case rounding_mode::negative_inf: return down;
    case rounding_mode::positive_inf: return up;
    case rounding_mode::symmetric_zero: return negative ? up : down;
    case rounding_mode::symmetric_inf: return negative ? down : up;
    case rounding_mode::conv_even: return (down & 1) ? up : down;
    case rounding_mode::conv_odd: return (down & 1) ? down : up;
    default: break;
  }
  throw emu_error("aie::rounding_mode value " + std::to_string(static_cast<unsigned>(m)) +
                  " is not a rounding mode");
}

// Bring v into integer type T under saturation mode s.
template <class T>
inline T saturate_to(__int128 v, aie::saturation_mode s) {
  constexpr unsigned bits = elem_bits<T>;
  constexpr bool is_signed = std::numeric_limits<T>::is_signed;
  const __int128 hi = std::numeric_limits<T>::max();
  const __int128 lo = std::numeric_limits<T>::min();
  switch (s) {
    case aie::saturation_mode::none: {
      const unsigned __int128 mask = (static_cast<unsigned __int128>(1) << bits) - 1;
      const unsigned __int128 low = static_cast<unsigned __int128>(v) & mask;
      if (!is_signed) return static_cast<T>(low);
      return static_cast<T>(wrap_to_bits(static_cast<__int128>(low), bits));
    }
    case aie::saturation_mode::saturate: return static_cast<T>(v < lo ? lo : (v > hi ? hi : v));
    case aie::saturation_mode::symmetric: {
      const __int128 sym_lo = is_signed ? -hi : 0;
      return static_cast<T>(v < sym_lo ? sym_lo : (v > hi ? hi : v));
    }
  }
  throw emu_error("aie::saturation_mode value " + std::to_string(static_cast<unsigned>(s)) +
                  " is not a saturation mode");
}

// Shift-round-saturate one integer accumulator lane into T with the current core modes.
// A negative shift is an exact left shift; -4, -3 and -2 are unsafe on AIE-ML (aie-ml-facts.md), so
// the emulator refuses them instead of guessing what the hardware does.
template <class T>
inline T srs_lane(std::int64_t lane, int shift) {
  if (shift > 63 || shift < -32 || (shift >= -4 && shift <= -2))
    throw emu_error("to_vector: shift " + std::to_string(shift) +
                    " is outside what AIE-ML supports safely (0..63, -1, -32..-5)");
  __int128 v = lane;
  if (shift > 0)
    v = round_shifted(v, shift, modes.rounding);
  else if (shift < 0)
    v = v * (static_cast<__int128>(1) << -shift);
  return saturate_to<T>(v, modes.saturation);
}

}  // namespace aie4ml_emu

namespace aie {

inline void set_rounding(rounding_mode m) { aie4ml_emu::modes.rounding = m; }
inline rounding_mode get_rounding() { return aie4ml_emu::modes.rounding; }
inline void set_saturation(saturation_mode m) { aie4ml_emu::modes.saturation = m; }
inline saturation_mode get_saturation() { return aie4ml_emu::modes.saturation; }

}  // namespace aie
