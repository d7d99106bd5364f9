// Numeric types of the Model IR: hls4ml-style fixed point (ap_fixed / ap_ufixed / ap_int / fixed<W,I>),
// float32 and bf16. A fixed-point value is an integer code q with value q * 2^-frac.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace aie4ml {

// hls4ml / ap_fixed quantisation (rounding) modes, named as in hls4ml.
enum class RoundingMode : uint8_t { Trn, TrnZero, Rnd, RndZero, RndInf, RndMinInf, RndConv };
// hls4ml / ap_fixed overflow modes.
enum class OverflowMode : uint8_t { Wrap, Sat, SatSym, SatZero };

std::string_view to_string(RoundingMode m);   // "AP_TRN", ...
std::string_view to_string(OverflowMode m);   // "AP_WRAP", ...
std::optional<RoundingMode> parse_rounding(std::string_view s);  // accepts "AP_RND" and "RND"
std::optional<OverflowMode> parse_overflow(std::string_view s);

// The AIE-ML rounding / saturation mode register value that implements an hls4ml mode exactly
// (aie::rounding_mode / aie::saturation_mode enumerator names), or nullopt when the hardware has none
// (AP_SAT_ZERO): later stages must then emulate the mode or refuse it.
std::optional<std::string_view> aie_rounding_mode(RoundingMode m);
std::optional<std::string_view> aie_saturation_mode(OverflowMode m);

struct FixedType {
  int width = 8;           // total bits, 1..64
  int frac = 0;            // fractional bits (may be negative or exceed width)
  bool is_signed = true;
  RoundingMode rounding = RoundingMode::Trn;
  OverflowMode overflow = OverflowMode::Wrap;

  int integer_bits() const { return width - frac; }
  int64_t min_code() const;  // most negative code (0 when unsigned)
  int64_t max_code() const;
  double min_value() const;
  double max_value() const;
  double lsb() const;        // 2^-frac
  // The hls4ml string, e.g. "ap_fixed<8,3,AP_RND_CONV,AP_SAT>"; modes are omitted when they are the
  // defaults (AP_TRN, AP_WRAP); an integer type (frac == 0) prints as ap_int / ap_uint.
  std::string str() const;
  bool operator==(const FixedType&) const = default;
};

enum class ScalarKind : uint8_t { Float32, BFloat16, Fixed };

struct NumericType {
  ScalarKind kind = ScalarKind::Float32;
  FixedType fixed{};  // meaningful when kind == Fixed

  static NumericType f32() { return {}; }
  static NumericType bf16() { return {ScalarKind::BFloat16, {}}; }
  static NumericType of(const FixedType& t) { return {ScalarKind::Fixed, t}; }
  bool is_fixed() const { return kind == ScalarKind::Fixed; }
  bool is_float() const { return kind != ScalarKind::Fixed; }
  std::string str() const;  // "float32", "bf16" or the fixed-point string
  bool operator==(const NumericType& o) const {
    return kind == o.kind && (kind != ScalarKind::Fixed || fixed == o.fixed);
  }
};

// Parse "ap_fixed<W,I[,Q[,O[,N]]]>", "ap_ufixed<...>", "ap_int<W>", "ap_uint<W>", "fixed<W,I[,Q,O]>",
// "ufixed<W,I>", "int<W>", "uint<W>". Whitespace is ignored. Throws InputError naming the string.
FixedType parse_fixed_type(std::string_view s);
// As above plus "float32"/"float" and "bf16"/"bfloat16".
NumericType parse_numeric_type(std::string_view s);

}  // namespace aie4ml
