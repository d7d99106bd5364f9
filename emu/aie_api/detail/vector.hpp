// aie4ml host emulation: aie::vector<T, Elems>, a vector register of 128 to 1024 bits.
#pragma once
#include <array>
#include <cstring>

#include "counters.hpp"
#include "types.hpp"

namespace aie {

template <typename T, unsigned Elems>
class vector {
  static_assert(aie4ml_emu::is_vector_elem<T>,
                "aie::vector: element type not supported by aie4ml's emulation (int8..uint32, bfloat16, float)");
  static_assert(Elems * aie4ml_emu::elem_bits<T> == 128 || Elems * aie4ml_emu::elem_bits<T> == 256 ||
                    Elems * aie4ml_emu::elem_bits<T> == 512 || Elems * aie4ml_emu::elem_bits<T> == 1024,
                "aie::vector: AIE-ML vectors are 128, 256, 512 or 1024 bits");

 public:
  using value_type = T;
  static constexpr unsigned size() { return Elems; }
  static constexpr unsigned bits() { return Elems * aie4ml_emu::elem_bits<T>; }

  vector() = default;
  template <typename... Ts>
    requires(sizeof...(Ts) == Elems && Elems > 1)
  vector(Ts... xs) : d_{static_cast<T>(xs)...} {}

  T get(unsigned i) const {
    AIE4ML_EMU_COUNT(lane_extracts, 1);
    return d_[check(i)];
  }
  vector& set(T v, unsigned i) {
    AIE4ML_EMU_COUNT(lane_inserts, 1);
    d_[check(i)] = v;
    return *this;
  }
  T& operator[](unsigned i) { return d_[check(i)]; }
  T operator[](unsigned i) const { return d_[check(i)]; }

  // Sub-vector idx of ElemsOut elements.
  template <unsigned ElemsOut>
  vector<T, ElemsOut> extract(unsigned idx) const {
    static_assert(Elems % ElemsOut == 0 && ElemsOut < Elems, "extract: output must divide the vector");
    check_part(idx, Elems / ElemsOut);
    vector<T, ElemsOut> r;
    for (unsigned i = 0; i < ElemsOut; ++i) r[i] = d_[idx * ElemsOut + i];
    return r;
  }
  template <unsigned ElemsIn>
  vector& insert(unsigned idx, const vector<T, ElemsIn>& v) {
    static_assert(Elems % ElemsIn == 0 && ElemsIn < Elems, "insert: input must divide the vector");
    check_part(idx, Elems / ElemsIn);
    for (unsigned i = 0; i < ElemsIn; ++i) d_[idx * ElemsIn + i] = v[i];
    return *this;
  }
  // A larger vector holding this one at part idx; the other elements are unspecified (zero here).
  template <unsigned ElemsOut>
  vector<T, ElemsOut> grow(unsigned idx = 0) const {
    static_assert(ElemsOut % Elems == 0 && ElemsOut > Elems, "grow: output must be a multiple");
    vector<T, ElemsOut> r{};
    r.insert(idx, *this);
    return r;
  }
  // Reinterpret the bits as another element type (same total size).
  template <typename T2>
  vector<T2, Elems * sizeof(T) / sizeof(T2)> cast_to() const {
    vector<T2, Elems * sizeof(T) / sizeof(T2)> r;
    std::memcpy(static_cast<void*>(&r), static_cast<const void*>(&d_), sizeof(d_));
    return r;
  }

 private:
  static unsigned check(unsigned i) {
    if (i >= Elems) throw aie4ml_emu::emu_error("aie::vector: element index out of range");
    return i;
  }
  static void check_part(unsigned idx, unsigned parts) {
    if (idx >= parts) throw aie4ml_emu::emu_error("aie::vector: part index out of range");
  }
  std::array<T, Elems> d_{};
};

}  // namespace aie
