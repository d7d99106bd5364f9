#include "ir/numeric_type.h"

#include <array>
#include <cctype>
#include <charconv>
#include <cmath>
#include <vector>

#include <fmt/format.h>

#include "support/error.h"

namespace aie4ml {

namespace {

struct RoundingName {
  RoundingMode mode;
  std::string_view hls, aie;
};
constexpr std::array kRounding{
    RoundingName{RoundingMode::Trn, "AP_TRN", "floor"},
    RoundingName{RoundingMode::TrnZero, "AP_TRN_ZERO", "symmetric_floor"},
    RoundingName{RoundingMode::Rnd, "AP_RND", "positive_inf"},
    RoundingName{RoundingMode::RndZero, "AP_RND_ZERO", "symmetric_zero"},
    RoundingName{RoundingMode::RndInf, "AP_RND_INF", "symmetric_inf"},
    RoundingName{RoundingMode::RndMinInf, "AP_RND_MIN_INF", "negative_inf"},
    RoundingName{RoundingMode::RndConv, "AP_RND_CONV", "conv_even"},
};

struct OverflowName {
  OverflowMode mode;
  std::string_view hls, aie;  // empty aie: no hardware mode
};
constexpr std::array kOverflow{
    OverflowName{OverflowMode::Wrap, "AP_WRAP", "none"},
    OverflowName{OverflowMode::Sat, "AP_SAT", "saturate"},
    OverflowName{OverflowMode::SatSym, "AP_SAT_SYM", "symmetric"},
    OverflowName{OverflowMode::SatZero, "AP_SAT_ZERO", ""},
};

std::string upper(std::string_view s) {
  std::string out(s);
  for (auto& c : out) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return out;
}

std::string without_spaces(std::string_view s) {
  std::string out;
  for (char c : s)
    if (!std::isspace(static_cast<unsigned char>(c))) out += c;
  return out;
}

int parse_int(std::string_view field, std::string_view whole) {
  int v = 0;
  auto [p, ec] = std::from_chars(field.data(), field.data() + field.size(), v);
  if (ec != std::errc() || p != field.data() + field.size())
    throw InputError(fmt::format("invalid precision '{}': '{}' is not an integer", whole, field));
  return v;
}

std::vector<std::string_view> split_args(std::string_view args) {
  std::vector<std::string_view> out;
  size_t start = 0;
  for (size_t i = 0; i <= args.size(); ++i) {
    if (i == args.size() || args[i] == ',') {
      out.push_back(args.substr(start, i - start));
      start = i + 1;
    }
  }
  return out;
}

}  // namespace

std::string_view to_string(RoundingMode m) {
  for (auto& r : kRounding)
    if (r.mode == m) return r.hls;
  return "?";
}
std::string_view to_string(OverflowMode m) {
  for (auto& o : kOverflow)
    if (o.mode == m) return o.hls;
  return "?";
}

std::optional<RoundingMode> parse_rounding(std::string_view s) {
  std::string u = upper(s);
  if (!u.starts_with("AP_")) u = "AP_" + u;
  for (auto& r : kRounding)
    if (r.hls == u) return r.mode;
  return std::nullopt;
}
std::optional<OverflowMode> parse_overflow(std::string_view s) {
  std::string u = upper(s);
  if (!u.starts_with("AP_")) u = "AP_" + u;
  for (auto& o : kOverflow)
    if (o.hls == u) return o.mode;
  return std::nullopt;
}

std::optional<std::string_view> aie_rounding_mode(RoundingMode m) {
  for (auto& r : kRounding)
    if (r.mode == m) return r.aie;
  return std::nullopt;
}
std::optional<std::string_view> aie_saturation_mode(OverflowMode m) {
  for (auto& o : kOverflow)
    if (o.mode == m && !o.aie.empty()) return o.aie;
  return std::nullopt;
}

int64_t FixedType::min_code() const {
  if (!is_signed) return 0;
  return width >= 64 ? INT64_MIN : -(int64_t{1} << (width - 1));
}
int64_t FixedType::max_code() const {
  if (is_signed) return width >= 64 ? INT64_MAX : (int64_t{1} << (width - 1)) - 1;
  return width >= 63 ? INT64_MAX : (int64_t{1} << width) - 1;
}
double FixedType::lsb() const { return std::ldexp(1.0, -frac); }
double FixedType::min_value() const { return std::ldexp(static_cast<double>(min_code()), -frac); }
double FixedType::max_value() const { return std::ldexp(static_cast<double>(max_code()), -frac); }

std::string FixedType::str() const {
  const bool default_modes = rounding == RoundingMode::Trn && overflow == OverflowMode::Wrap;
  if (frac == 0 && default_modes) return fmt::format("{}<{}>", is_signed ? "ap_int" : "ap_uint", width);
  std::string s = fmt::format("{}<{},{}", is_signed ? "ap_fixed" : "ap_ufixed", width, integer_bits());
  if (!default_modes) s += fmt::format(",{},{}", to_string(rounding), to_string(overflow));
  return s + ">";
}

std::string NumericType::str() const {
  switch (kind) {
    case ScalarKind::Float32: return "float32";
    case ScalarKind::BFloat16: return "bf16";
    case ScalarKind::Fixed: return fixed.str();
  }
  return "?";
}

FixedType parse_fixed_type(std::string_view text) {
  const std::string s = without_spaces(text);
  const auto lt = s.find('<');
  if (lt == std::string::npos || s.back() != '>')
    throw InputError(fmt::format("invalid precision '{}': expected e.g. ap_fixed<8,3> or ap_int<8>", text));
  const std::string kind = s.substr(0, lt);
  const auto args = split_args(std::string_view(s).substr(lt + 1, s.size() - lt - 2));

  FixedType t;
  const bool is_int = kind == "ap_int" || kind == "ap_uint" || kind == "int" || kind == "uint";
  const bool is_fix = kind == "ap_fixed" || kind == "ap_ufixed" || kind == "fixed" || kind == "ufixed";
  if (!is_int && !is_fix)
    throw InputError(fmt::format("invalid precision '{}': unknown type '{}'", text, kind));
  t.is_signed = !(kind == "ap_uint" || kind == "uint" || kind == "ap_ufixed" || kind == "ufixed");
  if (is_int && args.size() != 1)
    throw InputError(fmt::format("invalid precision '{}': {} takes one parameter <W>", text, kind));
  if (is_fix && (args.size() < 2 || args.size() > 5))
    throw InputError(fmt::format("invalid precision '{}': {} takes <W,I[,Q[,O[,N]]]>", text, kind));

  t.width = parse_int(args[0], text);
  if (t.width < 1 || t.width > 64)
    throw InputError(fmt::format("invalid precision '{}': width must be 1..64", text));
  t.frac = is_int ? 0 : t.width - parse_int(args[1], text);
  if (args.size() > 2) {
    auto r = parse_rounding(args[2]);
    if (!r) throw InputError(fmt::format("invalid precision '{}': unknown rounding mode '{}'", text, args[2]));
    t.rounding = *r;
  }
  if (args.size() > 3) {
    auto o = parse_overflow(args[3]);
    if (!o) throw InputError(fmt::format("invalid precision '{}': unknown overflow mode '{}'", text, args[3]));
    t.overflow = *o;
  }
  if (args.size() > 4 && parse_int(args[4], text) != 0)
    throw InputError(fmt::format("invalid precision '{}': saturation bits N > 0 are not supported", text));
  return t;
}

NumericType parse_numeric_type(std::string_view text) {
  const std::string s = without_spaces(text);
  if (s == "float32" || s == "float" || s == "fp32") return NumericType::f32();
  if (s == "bf16" || s == "bfloat16") return NumericType::bf16();
  return NumericType::of(parse_fixed_type(s));
}

}  // namespace aie4ml
