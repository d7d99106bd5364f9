// aie4ml host emulation runtime: element values between their number/text forms (PLIO data files,
// runtime-parameter initial values) and memory, by element type name. Used by host_runtime.cpp only.
#pragma once
#include <cstdio>
#include <limits>
#include <string>
#include <type_traits>

#include "graph_registry.h"

namespace aie4ml_emu {
namespace rt {

// Element conversions between the text/number form (PLIO files, initial values) and memory.
inline unsigned type_bytes(const std::string& t) {
  if (t == "int8" || t == "uint8") return 1;
  if (t == "int16" || t == "uint16" || t == "bfloat16") return 2;
  if (t == "int32" || t == "uint32" || t == "float") return 4;
  if (t == "int64" || t == "uint64") return 8;
  throw emu_error("element type '" + t + "' has no memory form in the emulator");
}

inline bool is_integer_type(const std::string& t) { return t != "float" && t != "bfloat16"; }

// Stores `v` as element `i` of `type` at `base`; integers must be integral and in range.
inline void store_element(void* base, std::size_t i, const std::string& type, long double v, const std::string& where) {
  auto put = [&](auto tag) {
    using T = decltype(tag);
    if constexpr (std::is_integral_v<T>) {
      const long double lo = static_cast<long double>(std::numeric_limits<T>::min());
      const long double hi = static_cast<long double>(std::numeric_limits<T>::max());
      if (v != static_cast<long double>(static_cast<long long>(v)) || v < lo || v > hi)
        throw emu_error(where + ": value " + std::to_string(static_cast<double>(v)) + " is not a " + type);
    }
    static_cast<T*>(base)[i] = static_cast<T>(v);
  };
  if (type == "int8") put(int8{});
  else if (type == "uint8") put(uint8{});
  else if (type == "int16") put(int16{});
  else if (type == "uint16") put(uint16{});
  else if (type == "int32") put(int32{});
  else if (type == "uint32") put(uint32{});
  else if (type == "int64") put(int64{});
  else if (type == "uint64") put(uint64{});
  else if (type == "float") put(float{});
  else if (type == "bfloat16") static_cast<bfloat16*>(base)[i] = bfloat16(static_cast<float>(v));
  else throw emu_error(where + ": element type '" + type + "' cannot be stored");
}

// Element `i` of `type` at `base` as text (decimal; floats with enough digits to round-trip).
inline std::string element_text(const void* base, std::size_t i, const std::string& type) {
  if (type == "int8") return std::to_string(static_cast<const int8*>(base)[i]);
  if (type == "uint8") return std::to_string(static_cast<const uint8*>(base)[i]);
  if (type == "int16") return std::to_string(static_cast<const int16*>(base)[i]);
  if (type == "uint16") return std::to_string(static_cast<const uint16*>(base)[i]);
  if (type == "int32") return std::to_string(static_cast<const int32*>(base)[i]);
  if (type == "uint32") return std::to_string(static_cast<const uint32*>(base)[i]);
  if (type == "int64") return std::to_string(static_cast<const int64*>(base)[i]);
  if (type == "uint64") return std::to_string(static_cast<const uint64*>(base)[i]);
  char buf[64];
  const float f = type == "float" ? static_cast<const float*>(base)[i] : static_cast<float>(static_cast<const bfloat16*>(base)[i]);
  std::snprintf(buf, sizeof buf, "%.9g", static_cast<double>(f));
  return buf;
}

}  // namespace rt
}  // namespace aie4ml_emu
